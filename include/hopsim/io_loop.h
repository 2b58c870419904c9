/* SPDX-License-Identifier: MIT */
/*
 * The event loop of `hopsim run`: reads packets from the TUN devices into
 * the engine, keeps what the engine sends back in a delay queue, and
 * writes each packet to its TUN device when it is due.  It stops on
 * SIGINT, SIGTERM or SIGHUP, which the caller must have blocked.
 */
#ifndef HOPSIM_IO_LOOP_H
#define HOPSIM_IO_LOOP_H

#include <stddef.h>
#include <stdint.h>

#include "hopsim/engine.h"
#include "hopsim/io.h"

struct io_loop_stats {
	uint64_t packets_read;
	uint64_t packets_written;
	uint64_t write_errors;
	uint64_t queue_full; /* dropped: every delay slot was taken */
	uint64_t too_big;    /* dropped: larger than a delay slot */
};

struct io_loop;

/*
 * Returns a loop over the @n_fds TUN descriptors at @fds (indexed like
 * the topology's TUN devices), with @queue_slots delayed packets of at
 * most @slot_size bytes, or NULL with @err filled.
 */
struct io_loop *io_loop_create(const int *fds, int n_fds, size_t queue_slots,
			       size_t slot_size, struct io_error *err);

void io_loop_destroy(struct io_loop *loop);

/*
 * The engine's output callback; @ctx is the loop.  Writes the packet at
 * once when it is due and nothing is waiting, else queues it.  Returns 0
 * or -ENOBUFS.
 */
int io_loop_output(void *ctx, int tun, uint64_t due_us, const uint8_t *packet,
		   size_t len);

/*
 * Runs until SIGINT, SIGTERM or SIGHUP arrives.  Returns the signal number, or a
 * negative errno with @err filled when a system call fails.
 */
int io_loop_run(struct io_loop *loop, struct engine *engine,
		struct io_error *err);

const struct io_loop_stats *io_loop_get_stats(const struct io_loop *loop);

/* Returns CLOCK_MONOTONIC in microseconds, the engine's time base. */
uint64_t io_loop_now(void);

#endif
