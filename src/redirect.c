// SPDX-License-Identifier: MIT
/* Redirect rate limits: Linux's IPv4 back-off and IPv6 token buckets. */
#include <stdlib.h>
#include <string.h>

#include "hopsim/redirect.h"

#define LOAD_US	       20000u		  /* ip_rt_redirect_load, HZ/50 */
#define MAX_REDIRECTS  9		  /* ip_rt_redirect_number */
#define SILENCE_US     (LOAD_US << 10)	  /* ip_rt_redirect_silence */
#define INTERVAL6_US   1000000u		  /* one per second */
#define BURST6_US      (6 * INTERVAL6_US) /* XRLIM_BURST_FACTOR */
#define PROBE_WINDOW   8
#define KIND_V4	       0
#define KIND_V6_SOURCE 1
#define KIND_V6_DEST   2

struct rd_peer {
	bool used;
	uint8_t kind;
	uint8_t addr[16];
	uint64_t last_us;   /* v4: the last redirect, or ignored packet */
	uint64_t seen_us;   /* when the slot was last looked up */
	uint64_t tokens_us; /* v6: time credit */
	unsigned int sent;  /* v4: redirects since the back-off reset */
};

struct redirect_limit {
	struct rd_peer peers[REDIRECT_PEERS];
};

struct redirect_limit *redirect_limit_create(void)
{
	return calloc(1, sizeof(struct redirect_limit));
}

void redirect_limit_destroy(struct redirect_limit *rl)
{
	free(rl);
}

static size_t rd_hash(uint8_t kind, const uint8_t addr[16])
{
	uint32_t h = 2166136261u ^ kind;
	int i;

	for (i = 0; i < 16; i++)
		h = (h ^ addr[i]) * 16777619u;
	return h % REDIRECT_PEERS;
}

/* Finds the slot of @addr, or claims the least recently seen slot of its
 * window for it.  Sets *@fresh when the slot is new. */
static struct rd_peer *rd_find(struct redirect_limit *rl, uint8_t kind,
			       const uint8_t addr[16], uint64_t now_us,
			       bool *fresh)
{
	size_t start = rd_hash(kind, addr);
	struct rd_peer *oldest = NULL;
	size_t i;

	for (i = 0; i < PROBE_WINDOW; i++) {
		struct rd_peer *p = &rl->peers[(start + i) % REDIRECT_PEERS];

		if (p->used && p->kind == kind &&
		    memcmp(p->addr, addr, 16) == 0) {
			p->seen_us = now_us;
			*fresh = false;
			return p;
		}
		if (!p->used) {
			oldest = p;
			break;
		}
		if (!oldest || p->seen_us < oldest->seen_us)
			oldest = p;
	}
	memset(oldest, 0, sizeof(*oldest));
	oldest->used = true;
	oldest->kind = kind;
	memcpy(oldest->addr, addr, 16);
	oldest->seen_us = now_us;
	*fresh = true;
	return oldest;
}

bool redirect_allow4(struct redirect_limit *rl, uint32_t src, uint64_t now_us)
{
	uint8_t key[16] = { 0 };
	struct rd_peer *p;
	bool fresh;

	key[0] = (uint8_t)(src >> 24);
	key[1] = (uint8_t)(src >> 16);
	key[2] = (uint8_t)(src >> 8);
	key[3] = (uint8_t)src;
	p = rd_find(rl, KIND_V4, key, now_us, &fresh);
	if (!fresh && now_us > p->last_us + SILENCE_US)
		p->sent = 0;
	if (p->sent >= MAX_REDIRECTS) {
		/* The host ignores redirects: stay silent while it goes on. */
		p->last_us = now_us;
		return false;
	}
	if (p->sent > 0 &&
	    now_us <= p->last_us + ((uint64_t)LOAD_US << (p->sent + 1)))
		return false;
	p->last_us = now_us;
	p->sent++;
	return true;
}

/* inet_peer_xrlim_allow with a one-second interval; a new peer starts
 * with the full burst. */
static bool rd_take6(struct redirect_limit *rl, uint8_t kind,
		     const struct pkt_in6 *addr, uint64_t now_us)
{
	bool fresh;
	struct rd_peer *p = rd_find(rl, kind, addr->b, now_us, &fresh);
	uint64_t tokens;

	if (fresh) {
		p->tokens_us = BURST6_US;
		p->last_us = now_us;
	}
	tokens = p->tokens_us + (now_us - p->last_us);
	p->last_us = now_us;
	if (tokens > BURST6_US)
		tokens = BURST6_US;
	if (tokens < INTERVAL6_US) {
		p->tokens_us = tokens;
		return false;
	}
	p->tokens_us = tokens - INTERVAL6_US;
	return true;
}

bool redirect_allow6_dest(struct redirect_limit *rl, const struct pkt_in6 *dst,
			  uint64_t now_us)
{
	return rd_take6(rl, KIND_V6_DEST, dst, now_us);
}

bool redirect_allow6_source(struct redirect_limit *rl,
			    const struct pkt_in6 *src, uint64_t now_us)
{
	return rd_take6(rl, KIND_V6_SOURCE, src, now_us);
}

bool redirect_allow6(struct redirect_limit *rl, const struct pkt_in6 *src,
		     const struct pkt_in6 *dst, uint64_t now_us)
{
	/* The destination is checked first, in ip6_forward, then the host
	 * in ndisc_send_redirect. */
	if (!redirect_allow6_dest(rl, dst, now_us))
		return false;
	return redirect_allow6_source(rl, src, now_us);
}
