/* SPDX-License-Identifier: MIT */
/*
 * Token buckets for the ICMP errors a node sends: one bucket per
 * destination, kept in a bounded table, and one for the whole node.
 * Times are microseconds on the engine's clock.
 */
#ifndef HOPSIM_RATELIMIT_H
#define HOPSIM_RATELIMIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hopsim/random.h"
#include "hopsim/topology.h"

/* Destinations a node tracks at once; the oldest is forgotten first. */
#define RATELIMIT_DESTINATIONS 256

struct ratelimit;

/* Returns a limiter with empty state, or NULL with errno set. */
struct ratelimit *ratelimit_create(void);

void ratelimit_destroy(struct ratelimit *rl);

/*
 * Decides whether an ICMP error of @type/@code to @dst may be sent at
 * @now_us under @cfg, and takes its tokens if so.  A destination or a
 * node seen for the first time starts with a full bucket.  @rng draws
 * the global cost when cfg->global_random_cost is set.
 */
bool ratelimit_allow(struct ratelimit *rl, const struct topo_ratelimit *cfg,
		     uint32_t dst, uint8_t type, uint8_t code, uint64_t now_us,
		     struct rng *rng);

#endif
