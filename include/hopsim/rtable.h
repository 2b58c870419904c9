/* SPDX-License-Identifier: MIT */
/*
 * Longest-prefix-match table over IPv4 prefixes: a binary trie whose
 * nodes live in one growable array, so lookups cost at most 32 steps
 * whatever the table size and allocate nothing.
 */
#ifndef HOPSIM_RTABLE_H
#define HOPSIM_RTABLE_H

#include <stdint.h>

struct rtable;

/* Returns an empty table, or NULL with errno set. */
struct rtable *rtable_create(void);

void rtable_destroy(struct rtable *table);

/*
 * Maps @prefix/@plen (host order; bits past @plen are ignored) to
 * @value, replacing any value already stored for that exact prefix.
 * Returns 0, -EINVAL for @plen > 32 or a negative @value, or -ENOMEM.
 */
int rtable_insert(struct rtable *table, uint32_t prefix, uint8_t plen,
		  int value);

/*
 * Returns the value of the longest stored prefix that contains @addr,
 * or -1 when none does.
 */
int rtable_lookup(const struct rtable *table, uint32_t addr);

/* Returns the value stored for exactly @prefix/@plen, or -1. */
int rtable_get(const struct rtable *table, uint32_t prefix, uint8_t plen);

#endif
