/* SPDX-License-Identifier: MIT */
/*
 * What one direction of a link does to a packet: drops it (down, loss,
 * a full rate queue), corrupts or duplicates it, and decides when it
 * arrives (delay, jitter, reordering, bandwidth).  Pure: time and
 * randomness come from the caller's clock and the direction's stream.
 */
#ifndef HOPSIM_LINK_H
#define HOPSIM_LINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hopsim/random.h"
#include "hopsim/topology.h"

/* Mutable state of one link direction. */
struct link_state {
	struct rng rng;
	bool ge_bad;		/* Gilbert-Elliott: in the bad state */
	uint64_t last_sent_us;	/* entry time of the latest packet sent */
	uint64_t last_due_us;	/* its arrival, to keep packets in order */
	uint64_t busy_until_us; /* rate: when the line is free again */
	uint64_t *tx_end;	/* rate: ring of departure times queued */
	uint32_t tx_head;
	uint32_t tx_count;
	uint32_t tx_cap;
};

enum link_verdict {
	LINK_PASS,
	LINK_DOWN,
	LINK_LOST,
	LINK_QUEUE_FULL,
};

struct link_result {
	enum link_verdict verdict;
	uint64_t arrival_us;
	bool corrupt;
	size_t corrupt_bit; /* bit to flip, counted from the first byte */
	bool duplicate;	    /* a second copy arrives at arrival_us too */
};

/*
 * Prepares @ls for random stream @stream of @seed, with room for
 * @queue_cap packets waiting for the rate.  Returns 0 or -ENOMEM.
 */
int link_state_init(struct link_state *ls, uint64_t seed, uint64_t stream,
		    uint32_t queue_cap);

void link_state_free(struct link_state *ls);

/*
 * Sends a packet of @len bytes onto a direction with settings @imp at
 * @now_us and fills @out with its fate.  Draws from the direction's
 * random stream in a fixed order, so a seed repeats every choice.
 *
 * NOTE: the engine carries each packet through all its hops at once, so
 * a link may see a packet that entered it earlier after one that entered
 * later.  Ordering applies among packets in entry order only, and the
 * rate queue treats a late-processed earlier packet as queued behind.
 */
void link_transmit(struct link_state *ls, const struct topo_impair *imp,
		   uint64_t now_us, size_t len, struct link_result *out);

#endif
