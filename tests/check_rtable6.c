/* SPDX-License-Identifier: MIT */
/* Unit tests of the IPv6 longest-prefix-match table. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check_suites.h"
#include "hopsim/rtable6.h"

/* Returns the address whose eight 16-bit groups are @g0 to @g7. */
static struct pkt_in6 in6(unsigned int g0, unsigned int g1, unsigned int g2,
			  unsigned int g3, unsigned int g4, unsigned int g5,
			  unsigned int g6, unsigned int g7)
{
	unsigned int groups[8] = { g0, g1, g2, g3, g4, g5, g6, g7 };
	struct pkt_in6 addr;
	int i;

	for (i = 0; i < 8; i++) {
		addr.b[2 * i] = (uint8_t)(groups[i] >> 8);
		addr.b[2 * i + 1] = (uint8_t)groups[i];
	}
	return addr;
}

static const struct pkt_in6 zero;
static const struct pkt_in6 ones = { .b = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
					    0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
					    0xff, 0xff, 0xff, 0xff } };

START_TEST(rtable6_empty_lookup)
{
	struct rtable6 *t = rtable6_create();
	struct pkt_in6 a = in6(0x2001, 0xdb8, 1, 0, 0, 0, 0, 1);

	ck_assert_ptr_nonnull(t);
	ck_assert_int_eq(rtable6_lookup(t, &zero), -1);
	ck_assert_int_eq(rtable6_lookup(t, &a), -1);
	ck_assert_int_eq(rtable6_lookup(t, &ones), -1);
	ck_assert_int_eq(rtable6_get(t, &zero, 0), -1);
	rtable6_destroy(t);
}
END_TEST

START_TEST(rtable6_default_route)
{
	struct rtable6 *t = rtable6_create();
	struct pkt_in6 a = in6(0x2001, 0xdb8, 1, 2, 3, 4, 5, 6);

	ck_assert_int_eq(rtable6_insert(t, &zero, 0, 7), 0);
	ck_assert_msg(rtable6_lookup(t, &zero) == 7, "::/0 should match ::");
	ck_assert_msg(rtable6_lookup(t, &ones) == 7,
		      "::/0 should match ffff:...:ffff");
	ck_assert_int_eq(rtable6_get(t, &zero, 0), 7);
	/* Bits past the prefix length are ignored. */
	ck_assert_int_eq(rtable6_insert(t, &a, 0, 8), 0);
	ck_assert_int_eq(rtable6_lookup(t, &zero), 8);
	rtable6_destroy(t);
}
END_TEST

START_TEST(rtable6_host_route)
{
	struct rtable6 *t = rtable6_create();
	struct pkt_in6 host = in6(0x2001, 0xdb8, 1, 0, 0, 0, 0, 0x18);
	struct pkt_in6 next = in6(0x2001, 0xdb8, 1, 0, 0, 0, 0, 0x19);
	struct pkt_in6 prev = in6(0x2001, 0xdb8, 1, 0, 0, 0, 0, 0x17);
	struct pkt_in6 almost = ones;

	ck_assert_int_eq(rtable6_insert(t, &host, 128, 3), 0);
	ck_assert_int_eq(rtable6_lookup(t, &host), 3);
	ck_assert_msg(rtable6_lookup(t, &next) == -1,
		      "a /128 must match only its own address");
	ck_assert_int_eq(rtable6_lookup(t, &prev), -1);
	ck_assert_int_eq(rtable6_get(t, &host, 128), 3);
	ck_assert_int_eq(rtable6_get(t, &host, 127), -1);

	/* The last bit decides between two /128 routes. */
	ck_assert_int_eq(rtable6_insert(t, &ones, 128, 4), 0);
	ck_assert_int_eq(rtable6_lookup(t, &ones), 4);
	almost.b[15] = 0xfe;
	ck_assert_int_eq(rtable6_lookup(t, &almost), -1);
	rtable6_destroy(t);
}
END_TEST

START_TEST(rtable6_longest_prefix_wins)
{
	struct rtable6 *t = rtable6_create();
	struct pkt_in6 p32 = in6(0x2001, 0xdb8, 0, 0, 0, 0, 0, 0);
	struct pkt_in6 p48 = in6(0x2001, 0xdb8, 1, 0, 0, 0, 0, 0);
	struct pkt_in6 p64 = in6(0x2001, 0xdb8, 1, 2, 0, 0, 0, 0);
	struct pkt_in6 p128 = in6(0x2001, 0xdb8, 1, 2, 0, 0, 0, 3);
	struct pkt_in6 a;

	ck_assert_int_eq(rtable6_insert(t, &zero, 0, 0), 0);
	ck_assert_int_eq(rtable6_insert(t, &p32, 32, 1), 0);
	ck_assert_int_eq(rtable6_insert(t, &p48, 48, 2), 0);
	ck_assert_int_eq(rtable6_insert(t, &p64, 64, 3), 0);
	ck_assert_int_eq(rtable6_insert(t, &p128, 128, 4), 0);

	ck_assert_int_eq(rtable6_lookup(t, &p128), 4);
	a = in6(0x2001, 0xdb8, 1, 2, 0, 0, 0, 4);
	ck_assert_int_eq(rtable6_lookup(t, &a), 3);
	a = in6(0x2001, 0xdb8, 1, 3, 0, 0, 0, 1);
	ck_assert_int_eq(rtable6_lookup(t, &a), 2);
	a = in6(0x2001, 0xdb8, 2, 0, 0, 0, 0, 1);
	ck_assert_int_eq(rtable6_lookup(t, &a), 1);
	a = in6(0x2001, 0xdb9, 0, 0, 0, 0, 0, 1);
	ck_assert_int_eq(rtable6_lookup(t, &a), 0);
	/* An intermediate node without a value falls back to the shorter. */
	a = in6(0x2001, 0xdb8, 1, 2, 0x8000, 0, 0, 0);
	ck_assert_int_eq(rtable6_lookup(t, &a), 3);
	rtable6_destroy(t);
}
END_TEST

START_TEST(rtable6_insert_order_irrelevant)
{
	struct rtable6 *t = rtable6_create();
	struct pkt_in6 p64 = in6(0x2001, 0xdb8, 0xa, 1, 0, 0, 0, 0);
	struct pkt_in6 p48 = in6(0x2001, 0xdb8, 0xa, 0, 0, 0, 0, 0);
	struct pkt_in6 p8 = in6(0x2000, 0, 0, 0, 0, 0, 0, 0);
	struct pkt_in6 a;

	/* Longer prefixes first, so later inserts pass through them. */
	ck_assert_int_eq(rtable6_insert(t, &p64, 64, 64), 0);
	ck_assert_int_eq(rtable6_insert(t, &p48, 48, 48), 0);
	ck_assert_int_eq(rtable6_insert(t, &p8, 8, 8), 0);
	a = in6(0x2001, 0xdb8, 0xa, 1, 9, 9, 9, 9);
	ck_assert_int_eq(rtable6_lookup(t, &a), 64);
	a = in6(0x2001, 0xdb8, 0xa, 2, 9, 9, 9, 9);
	ck_assert_int_eq(rtable6_lookup(t, &a), 48);
	a = in6(0x20ff, 0xdb8, 0xa, 1, 9, 9, 9, 9);
	ck_assert_int_eq(rtable6_lookup(t, &a), 8);
	a = in6(0x2100, 0, 0, 0, 0, 0, 0, 1);
	ck_assert_int_eq(rtable6_lookup(t, &a), -1);
	rtable6_destroy(t);
}
END_TEST

START_TEST(rtable6_replace_same_prefix)
{
	struct rtable6 *t = rtable6_create();
	struct pkt_in6 p = in6(0x2001, 0xdb8, 0, 0, 0, 0, 0, 0);
	struct pkt_in6 q = in6(0x2001, 0xdb8, 9, 9, 9, 9, 9, 9);

	ck_assert_int_eq(rtable6_insert(t, &p, 32, 1), 0);
	ck_assert_int_eq(rtable6_insert(t, &q, 32, 5), 0);
	ck_assert_msg(rtable6_get(t, &p, 32) == 5,
		      "a second insert of 2001:db8::/32 should replace the "
		      "value");
	ck_assert_int_eq(rtable6_lookup(t, &q), 5);
	rtable6_destroy(t);
}
END_TEST

START_TEST(rtable6_invalid_arguments)
{
	struct rtable6 *t = rtable6_create();

	ck_assert_int_eq(rtable6_insert(t, &zero, 129, 1), -EINVAL);
	ck_assert_int_eq(rtable6_insert(t, &zero, 255, 1), -EINVAL);
	ck_assert_int_eq(rtable6_insert(t, &zero, 8, -1), -EINVAL);
	ck_assert_int_eq(rtable6_get(t, &zero, 129), -1);
	ck_assert_msg(rtable6_lookup(t, &zero) == -1,
		      "rejected inserts must not change the table");
	rtable6_destroy(t);
}
END_TEST

START_TEST(rtable6_destroy_null)
{
	rtable6_destroy(NULL);
}
END_TEST

/* A deterministic generator, so failures reproduce. */
static uint32_t next_random(uint64_t *state)
{
	*state = *state * 6364136223846793005ull + 1442695040888963407ull;
	return (uint32_t)(*state >> 32);
}

static void random_addr(uint64_t *state, struct pkt_in6 *addr)
{
	int i;

	for (i = 0; i < 16; i += 4) {
		uint32_t r = next_random(state);

		memcpy(addr->b + i, &r, 4);
	}
}

struct entry {
	struct pkt_in6 prefix;
	uint8_t plen;
	int value;
};

/* Clears the bits of @addr past @plen. */
static void mask_addr(struct pkt_in6 *addr, uint8_t plen)
{
	int i;

	for (i = 0; i < 16; i++) {
		int keep = plen - i * 8;

		if (keep <= 0)
			addr->b[i] = 0;
		else if (keep < 8)
			addr->b[i] &= (uint8_t)(0xff << (8 - keep));
	}
}

static bool prefix_contains(const struct entry *e, const struct pkt_in6 *addr)
{
	struct pkt_in6 masked = *addr;

	mask_addr(&masked, e->plen);
	return memcmp(masked.b, e->prefix.b, 16) == 0;
}

static int linear_lookup(const struct entry *entries, int n,
			 const struct pkt_in6 *addr)
{
	int best = -1, best_len = -1, i;

	for (i = 0; i < n; i++) {
		if (prefix_contains(&entries[i], addr) &&
		    entries[i].plen > best_len) {
			best = entries[i].value;
			best_len = entries[i].plen;
		}
	}
	return best;
}

/* Stores @e in @entries, replacing an entry of the same prefix. */
static int add_entry(struct entry *entries, int n, const struct entry *e)
{
	int i;

	for (i = 0; i < n; i++) {
		if (entries[i].plen == e->plen &&
		    memcmp(entries[i].prefix.b, e->prefix.b, 16) == 0) {
			entries[i].value = e->value;
			return n;
		}
	}
	entries[n] = *e;
	return n + 1;
}

/* Fills the first 4 bytes with 2001:db8 and keeps 20 more random bits,
 * so that random prefixes overlap. */
static void cluster_addr(struct pkt_in6 *addr)
{
	addr->b[0] = 0x20;
	addr->b[1] = 0x01;
	addr->b[2] = 0x0d;
	addr->b[3] = 0xb8;
	addr->b[6] &= 0xf0;
	memset(addr->b + 7, 0, 9);
}

START_TEST(rtable6_random_matches_linear_scan)
{
	enum { N_PREFIXES = 3000, N_LOOKUPS = 10000 };
	struct entry *entries = calloc(N_PREFIXES, sizeof(*entries));
	struct rtable6 *t = rtable6_create();
	uint64_t state = 0x5eed6;
	int n = 0, i;

	ck_assert_ptr_nonnull(entries);
	for (i = 0; i < N_PREFIXES; i++) {
		struct pkt_in6 addr;
		struct entry e;

		random_addr(&state, &addr);
		if (i % 4 != 0)
			cluster_addr(&addr);
		e.plen = (uint8_t)(next_random(&state) % 129);
		if (i % 4 != 0 && e.plen > 56)
			e.plen = (uint8_t)(e.plen % 57);
		e.prefix = addr;
		mask_addr(&e.prefix, e.plen);
		e.value = i;
		ck_assert_int_eq(rtable6_insert(t, &addr, e.plen, e.value), 0);
		n = add_entry(entries, n, &e);
	}

	for (i = 0; i < N_LOOKUPS; i++) {
		struct pkt_in6 addr;
		int want, got;

		random_addr(&state, &addr);
		if (i % 2 == 0)
			cluster_addr(&addr);
		if (i % 5 == 0)
			addr = entries[i % n].prefix;
		want = linear_lookup(entries, n, &addr);
		got = rtable6_lookup(t, &addr);
		ck_assert_msg(got == want, "lookup %d: trie %d, linear scan %d",
			      i, got, want);
	}
	for (i = 0; i < n; i++)
		ck_assert_int_eq(
		    rtable6_get(t, &entries[i].prefix, entries[i].plen),
		    entries[i].value);
	rtable6_destroy(t);
	free(entries);
}
END_TEST

Suite *rtable6_suite(void)
{
	Suite *s = suite_create("rtable6");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, rtable6_empty_lookup);
	tcase_add_test(tc, rtable6_default_route);
	tcase_add_test(tc, rtable6_host_route);
	tcase_add_test(tc, rtable6_longest_prefix_wins);
	tcase_add_test(tc, rtable6_insert_order_irrelevant);
	tcase_add_test(tc, rtable6_replace_same_prefix);
	tcase_add_test(tc, rtable6_invalid_arguments);
	tcase_add_test(tc, rtable6_destroy_null);
	tcase_add_test(tc, rtable6_random_matches_linear_scan);
	suite_add_tcase(s, tc);
	return s;
}
