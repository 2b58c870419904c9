// SPDX-License-Identifier: MIT
/* Bounded packet queue ordered by due time: a binary min-heap of slots. */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "hopsim/queue.h"

struct slot {
	uint64_t due_us;
	uint64_t seq; /* push order, to break ties without reordering */
	size_t len;
	int tun;
};

struct queue {
	size_t capacity;
	size_t slot_size;
	size_t length;
	uint64_t next_seq;
	struct slot *slots;
	size_t *heap; /* slot indices, heap-ordered by (due_us, seq) */
	size_t *free; /* stack of unused slot indices */
	size_t n_free;
	uint8_t *data; /* capacity * slot_size bytes */
};

struct queue *queue_create(size_t slots, size_t slot_size)
{
	struct queue *queue;
	size_t i;

	if (slots == 0 || slot_size == 0 || slots > SIZE_MAX / slot_size) {
		errno = EINVAL;
		return NULL;
	}
	queue = calloc(1, sizeof(*queue));
	if (!queue)
		return NULL;
	queue->capacity = slots;
	queue->slot_size = slot_size;
	queue->slots = calloc(slots, sizeof(*queue->slots));
	queue->heap = calloc(slots, sizeof(*queue->heap));
	queue->free = calloc(slots, sizeof(*queue->free));
	queue->data = malloc(slots * slot_size);
	if (!queue->slots || !queue->heap || !queue->free || !queue->data) {
		queue_destroy(queue);
		errno = ENOMEM;
		return NULL;
	}
	for (i = 0; i < slots; i++)
		queue->free[i] = slots - 1 - i;
	queue->n_free = slots;
	return queue;
}

void queue_destroy(struct queue *queue)
{
	if (!queue)
		return;
	free(queue->slots);
	free(queue->heap);
	free(queue->free);
	free(queue->data);
	free(queue);
}

static bool earlier(const struct queue *queue, size_t a, size_t b)
{
	const struct slot *x = &queue->slots[queue->heap[a]];
	const struct slot *y = &queue->slots[queue->heap[b]];

	if (x->due_us != y->due_us)
		return x->due_us < y->due_us;
	return x->seq < y->seq;
}

static void swap(size_t *heap, size_t a, size_t b)
{
	size_t tmp = heap[a];

	heap[a] = heap[b];
	heap[b] = tmp;
}

int queue_push(struct queue *queue, int tun, uint64_t due_us,
	       const uint8_t *packet, size_t len)
{
	struct slot *slot;
	size_t index, i;

	if (len > queue->slot_size)
		return -EMSGSIZE;
	if (queue->n_free == 0)
		return -ENOBUFS;

	index = queue->free[--queue->n_free];
	slot = &queue->slots[index];
	slot->due_us = due_us;
	slot->seq = queue->next_seq++;
	slot->len = len;
	slot->tun = tun;
	memcpy(queue->data + index * queue->slot_size, packet, len);

	i = queue->length++;
	queue->heap[i] = index;
	while (i > 0 && earlier(queue, i, (i - 1) / 2)) {
		swap(queue->heap, i, (i - 1) / 2);
		i = (i - 1) / 2;
	}
	return 0;
}

size_t queue_length(const struct queue *queue)
{
	return queue->length;
}

const uint8_t *queue_peek(const struct queue *queue, int *tun, uint64_t *due_us,
			  size_t *len)
{
	const struct slot *slot;

	if (queue->length == 0)
		return NULL;
	slot = &queue->slots[queue->heap[0]];
	if (tun)
		*tun = slot->tun;
	if (due_us)
		*due_us = slot->due_us;
	if (len)
		*len = slot->len;
	return queue->data + queue->heap[0] * queue->slot_size;
}

void queue_pop(struct queue *queue)
{
	size_t i = 0;

	if (queue->length == 0)
		return;
	queue->free[queue->n_free++] = queue->heap[0];
	queue->heap[0] = queue->heap[--queue->length];

	for (;;) {
		size_t left = 2 * i + 1;
		size_t right = left + 1;
		size_t first = i;

		if (left < queue->length && earlier(queue, left, first))
			first = left;
		if (right < queue->length && earlier(queue, right, first))
			first = right;
		if (first == i)
			break;
		swap(queue->heap, i, first);
		i = first;
	}
}
