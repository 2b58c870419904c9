/* SPDX-License-Identifier: MIT */
/*
 * How often a router sends redirects, as Linux 6.18 limits them.  Times
 * are microseconds on the engine's clock.
 *
 * IPv4 backs off per host redirected: after the n-th redirect to a host
 * the next waits until more than 20 ms << (n + 1) have passed, so packets
 * every 100 ms get redirects at 0, 0.1, 0.3, 0.7, 1.4 and 2.7 s.  After 9
 * the host gets none until it sends nothing redirect-worthy for 20.48 s
 * (ip_rt_redirect_load, _number and _silence).
 *
 * IPv6 allows one redirect per second about each destination and one per
 * second to each host, with a burst of 6 for either (ip6_forward and
 * ndisc_send_redirect, through inet_peer_xrlim_allow).
 */
#ifndef HOPSIM_REDIRECT_H
#define HOPSIM_REDIRECT_H

#include <stdbool.h>
#include <stdint.h>

#include "hopsim/packet6.h"

/* Hosts and destinations tracked at once; the oldest is forgotten first. */
#define REDIRECT_PEERS 256

struct redirect_limit;

/* Returns a limiter with no history, or NULL with errno set. */
struct redirect_limit *redirect_limit_create(void);

void redirect_limit_destroy(struct redirect_limit *rl);

/* Whether an IPv4 redirect to host @src may be sent at @now_us; counts
 * it if so.  Every call counts as redirect-worthy traffic. */
bool redirect_allow4(struct redirect_limit *rl, uint32_t src, uint64_t now_us);

/*
 * The two IPv6 buckets: redirect_allow6_dest() takes a token of
 * destination @dst, redirect_allow6_source() one of host @src, each
 * returning whether it had one at @now_us.  Linux takes the destination's
 * token first, before it checks that the source is a neighbour.
 */
bool redirect_allow6_dest(struct redirect_limit *rl, const struct pkt_in6 *dst,
			  uint64_t now_us);
bool redirect_allow6_source(struct redirect_limit *rl,
			    const struct pkt_in6 *src, uint64_t now_us);

/* Whether an IPv6 redirect to host @src about destination @dst may be
 * sent at @now_us: both buckets, destination first. */
bool redirect_allow6(struct redirect_limit *rl, const struct pkt_in6 *src,
		     const struct pkt_in6 *dst, uint64_t now_us);

#endif
