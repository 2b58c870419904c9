/* SPDX-License-Identifier: MIT */
/*
 * Longest-prefix-match table over IPv6 prefixes: a binary trie whose
 * nodes live in one growable array, so lookups cost at most 128 steps
 * whatever the table size and allocate nothing.
 */
#ifndef HOPSIM_RTABLE6_H
#define HOPSIM_RTABLE6_H

#include <stdint.h>

#include "hopsim/packet6.h"

struct rtable6;

/* Returns an empty table, or NULL with errno set. */
struct rtable6 *rtable6_create(void);

void rtable6_destroy(struct rtable6 *table);

/*
 * Maps @prefix/@plen (bits past @plen are ignored) to @value, replacing
 * any value already stored for that exact prefix.  Returns 0, -EINVAL
 * for @plen > 128 or a negative @value, or -ENOMEM.
 */
int rtable6_insert(struct rtable6 *table, const struct pkt_in6 *prefix,
		   uint8_t plen, int value);

/*
 * Returns the value of the longest stored prefix that contains @addr,
 * or -1 when none does.
 */
int rtable6_lookup(const struct rtable6 *table, const struct pkt_in6 *addr);

/* Returns the value stored for exactly @prefix/@plen, or -1. */
int rtable6_get(const struct rtable6 *table, const struct pkt_in6 *prefix,
		uint8_t plen);

#endif
