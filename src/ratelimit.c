// SPDX-License-Identifier: MIT
/* ICMP rate limiting: token buckets per destination and per node. */
#include <stdlib.h>

#include "hopsim/packet.h"
#include "hopsim/ratelimit.h"

#define PROBE_WINDOW	     8	   /* slots searched for a destination */
#define GLOBAL_MIN_REFILL_US 20000 /* Linux refills no more often: HZ/50 */

struct peer {
	uint32_t addr;
	bool used;
	uint64_t last_us;
	uint64_t credit_us; /* time credit: one token per cfg->interval_us */
};

struct ratelimit {
	struct peer peers[RATELIMIT_DESTINATIONS];
	bool global_started;
	uint64_t global_last_us;
	int64_t global_tokens;
};

struct ratelimit *ratelimit_create(void)
{
	return calloc(1, sizeof(struct ratelimit));
}

void ratelimit_destroy(struct ratelimit *rl)
{
	free(rl);
}

static size_t peer_hash(uint32_t addr)
{
	return (size_t)((addr * 2654435761u) >> 24) % RATELIMIT_DESTINATIONS;
}

/* Finds @addr's bucket, or claims the least recently used slot of its
 * probe window for it with a full bucket. */
static struct peer *peer_find(struct ratelimit *rl, uint32_t addr,
			      const struct topo_ratelimit *cfg, uint64_t now_us)
{
	size_t start = peer_hash(addr);
	struct peer *oldest = NULL;
	size_t i;

	for (i = 0; i < PROBE_WINDOW; i++) {
		struct peer *p =
		    &rl->peers[(start + i) % RATELIMIT_DESTINATIONS];

		if (p->used && p->addr == addr)
			return p;
		if (!p->used) {
			oldest = p;
			break;
		}
		if (!oldest || p->last_us < oldest->last_us)
			oldest = p;
	}
	oldest->used = true;
	oldest->addr = addr;
	oldest->credit_us = (uint64_t)cfg->burst * cfg->interval_us;
	oldest->last_us = now_us;
	return oldest;
}

/* Linux inet_peer_xrlim_allow: credit grows with time up to the burst,
 * and each message costs one interval. */
static bool peer_allow(struct peer *p, const struct topo_ratelimit *cfg,
		       uint64_t now_us)
{
	uint64_t cap = (uint64_t)cfg->burst * cfg->interval_us;

	if (now_us > p->last_us)
		p->credit_us += now_us - p->last_us;
	if (p->credit_us > cap)
		p->credit_us = cap;
	p->last_us = now_us;
	if (p->credit_us < cfg->interval_us)
		return false;
	p->credit_us -= cfg->interval_us;
	return true;
}

/* Linux icmp_global_allow: tokens refill at global_rate per second, at
 * most every 20 ms, up to global_burst. */
static bool global_allow(struct ratelimit *rl, const struct topo_ratelimit *cfg,
			 uint64_t now_us)
{
	uint64_t elapsed;
	int64_t refill;

	if (!rl->global_started) {
		rl->global_started = true;
		rl->global_tokens = cfg->global_burst;
		rl->global_last_us = now_us;
	}
	if (rl->global_tokens > 0)
		return true;

	elapsed = now_us - rl->global_last_us;
	if (elapsed > 1000000)
		elapsed = 1000000;
	if (elapsed < GLOBAL_MIN_REFILL_US)
		return false;
	refill = (int64_t)((uint64_t)cfg->global_rate * elapsed / 1000000);
	if (refill == 0)
		return false;
	rl->global_last_us = now_us;
	rl->global_tokens += refill;
	if (rl->global_tokens > (int64_t)cfg->global_burst)
		rl->global_tokens = cfg->global_burst;
	return true;
}

bool ratelimit_allow(struct ratelimit *rl, const struct topo_ratelimit *cfg,
		     uint32_t dst, uint8_t type, uint8_t code, uint64_t now_us,
		     struct rng *rng)
{
	if (!cfg->enabled || type >= 64 || !(cfg->type_mask >> type & 1))
		return true;
	if (cfg->frag_needed_exempt && type == PKT_ICMP_DEST_UNREACH &&
	    code == PKT_UNREACH_FRAG_NEEDED)
		return true;

	if (cfg->global_rate && !global_allow(rl, cfg, now_us))
		return false;
	if (cfg->interval_us &&
	    !peer_allow(peer_find(rl, dst, cfg, now_us), cfg, now_us))
		return false;
	if (cfg->global_rate)
		rl->global_tokens -=
		    cfg->global_random_cost ? (int64_t)rng_below(rng, 3) : 1;
	return true;
}
