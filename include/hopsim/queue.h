/* SPDX-License-Identifier: MIT */
/*
 * A bounded queue of packets ordered by the time they are due, for the
 * delay lines of links.  Packets due at the same time leave in the order
 * they were pushed.  All memory is taken at creation; a full queue
 * rejects the packet instead of growing.
 */
#ifndef HOPSIM_QUEUE_H
#define HOPSIM_QUEUE_H

#include <stddef.h>
#include <stdint.h>

struct queue;

/*
 * Returns a queue of @slots packets of at most @slot_size bytes each, or
 * NULL with errno set.
 */
struct queue *queue_create(size_t slots, size_t slot_size);

void queue_destroy(struct queue *queue);

/*
 * Copies @len bytes at @packet into the queue, due at @due_us for TUN
 * @tun.  Returns 0, -ENOBUFS when the queue is full, or -EMSGSIZE when
 * @len exceeds the slot size.
 */
int queue_push(struct queue *queue, int tun, uint64_t due_us,
	       const uint8_t *packet, size_t len);

/* Returns the number of packets queued. */
size_t queue_length(const struct queue *queue);

/*
 * Returns the earliest packet and fills its TUN, due time and length,
 * or returns NULL when the queue is empty.  The packet stays queued.
 */
const uint8_t *queue_peek(const struct queue *queue, int *tun, uint64_t *due_us,
			  size_t *len);

/* Removes the packet queue_peek() returns; does nothing when empty. */
void queue_pop(struct queue *queue);

#endif
