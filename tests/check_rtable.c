/* SPDX-License-Identifier: MIT */
/* Unit tests of the longest-prefix-match table. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "check_suites.h"
#include "hopsim/rtable.h"

static uint32_t ip(unsigned int a, unsigned int b, unsigned int c,
		   unsigned int d)
{
	return (uint32_t)a << 24 | (uint32_t)b << 16 | (uint32_t)c << 8 | d;
}

START_TEST(rtable_empty_lookup)
{
	struct rtable *t = rtable_create();

	ck_assert_ptr_nonnull(t);
	ck_assert_int_eq(rtable_lookup(t, 0), -1);
	ck_assert_int_eq(rtable_lookup(t, ip(198, 18, 1, 1)), -1);
	ck_assert_int_eq(rtable_lookup(t, UINT32_MAX), -1);
	ck_assert_int_eq(rtable_get(t, 0, 0), -1);
	rtable_destroy(t);
}
END_TEST

START_TEST(rtable_default_route)
{
	struct rtable *t = rtable_create();

	ck_assert_int_eq(rtable_insert(t, 0, 0, 7), 0);
	ck_assert_msg(rtable_lookup(t, 0) == 7, "0/0 should match 0.0.0.0");
	ck_assert_msg(rtable_lookup(t, UINT32_MAX) == 7,
		      "0/0 should match 255.255.255.255");
	ck_assert_int_eq(rtable_get(t, 0, 0), 7);
	/* Bits past the prefix length are ignored. */
	ck_assert_int_eq(rtable_insert(t, ip(10, 1, 2, 3), 0, 8), 0);
	ck_assert_int_eq(rtable_lookup(t, ip(1, 2, 3, 4)), 8);
	rtable_destroy(t);
}
END_TEST

START_TEST(rtable_host_route)
{
	struct rtable *t = rtable_create();

	ck_assert_int_eq(rtable_insert(t, ip(198, 18, 1, 18), 32, 3), 0);
	ck_assert_int_eq(rtable_lookup(t, ip(198, 18, 1, 18)), 3);
	ck_assert_msg(rtable_lookup(t, ip(198, 18, 1, 19)) == -1,
		      "a /32 must match only its own address");
	ck_assert_int_eq(rtable_lookup(t, ip(198, 18, 1, 17)), -1);
	ck_assert_int_eq(rtable_get(t, ip(198, 18, 1, 18), 32), 3);
	ck_assert_int_eq(rtable_get(t, ip(198, 18, 1, 18), 31), -1);
	rtable_destroy(t);
}
END_TEST

START_TEST(rtable_longest_prefix_wins)
{
	struct rtable *t = rtable_create();

	ck_assert_int_eq(rtable_insert(t, 0, 0, 0), 0);
	ck_assert_int_eq(rtable_insert(t, ip(10, 0, 0, 0), 8, 1), 0);
	ck_assert_int_eq(rtable_insert(t, ip(10, 1, 0, 0), 16, 2), 0);
	ck_assert_int_eq(rtable_insert(t, ip(10, 1, 2, 0), 24, 3), 0);
	ck_assert_int_eq(rtable_insert(t, ip(10, 1, 2, 3), 32, 4), 0);

	ck_assert_int_eq(rtable_lookup(t, ip(10, 1, 2, 3)), 4);
	ck_assert_int_eq(rtable_lookup(t, ip(10, 1, 2, 4)), 3);
	ck_assert_int_eq(rtable_lookup(t, ip(10, 1, 3, 1)), 2);
	ck_assert_int_eq(rtable_lookup(t, ip(10, 2, 0, 1)), 1);
	ck_assert_int_eq(rtable_lookup(t, ip(11, 0, 0, 1)), 0);
	/* An intermediate node without a value falls back to the shorter. */
	ck_assert_int_eq(rtable_lookup(t, ip(10, 1, 2, 128)), 3);
	rtable_destroy(t);
}
END_TEST

START_TEST(rtable_insert_order_irrelevant)
{
	struct rtable *t = rtable_create();

	/* Longer prefixes first, so later inserts pass through them. */
	ck_assert_int_eq(rtable_insert(t, ip(192, 168, 1, 0), 24, 24), 0);
	ck_assert_int_eq(rtable_insert(t, ip(192, 168, 0, 0), 16, 16), 0);
	ck_assert_int_eq(rtable_insert(t, ip(192, 0, 0, 0), 8, 8), 0);
	ck_assert_int_eq(rtable_lookup(t, ip(192, 168, 1, 9)), 24);
	ck_assert_int_eq(rtable_lookup(t, ip(192, 168, 2, 9)), 16);
	ck_assert_int_eq(rtable_lookup(t, ip(192, 1, 2, 9)), 8);
	ck_assert_int_eq(rtable_lookup(t, ip(193, 1, 2, 9)), -1);
	rtable_destroy(t);
}
END_TEST

START_TEST(rtable_replace_same_prefix)
{
	struct rtable *t = rtable_create();

	ck_assert_int_eq(rtable_insert(t, ip(10, 0, 0, 0), 8, 1), 0);
	ck_assert_int_eq(rtable_insert(t, ip(10, 9, 9, 9), 8, 5), 0);
	ck_assert_msg(rtable_get(t, ip(10, 0, 0, 0), 8) == 5,
		      "a second insert of 10/8 should replace the value");
	ck_assert_int_eq(rtable_lookup(t, ip(10, 200, 0, 1)), 5);
	rtable_destroy(t);
}
END_TEST

START_TEST(rtable_invalid_arguments)
{
	struct rtable *t = rtable_create();

	ck_assert_int_eq(rtable_insert(t, 0, 33, 1), -EINVAL);
	ck_assert_int_eq(rtable_insert(t, 0, 255, 1), -EINVAL);
	ck_assert_int_eq(rtable_insert(t, 0, 8, -1), -EINVAL);
	ck_assert_int_eq(rtable_get(t, 0, 33), -1);
	ck_assert_msg(rtable_lookup(t, 0) == -1,
		      "rejected inserts must not change the table");
	rtable_destroy(t);
}
END_TEST

START_TEST(rtable_destroy_null)
{
	rtable_destroy(NULL);
}
END_TEST

/* A deterministic generator, so failures reproduce. */
static uint32_t next_random(uint64_t *state)
{
	*state = *state * 6364136223846793005ull + 1442695040888963407ull;
	return (uint32_t)(*state >> 32);
}

struct entry {
	uint32_t prefix;
	uint8_t plen;
	int value;
};

static uint32_t prefix_mask(uint8_t plen)
{
	return plen == 0 ? 0 : UINT32_MAX << (32 - plen);
}

static int linear_lookup(const struct entry *entries, int n, uint32_t addr)
{
	int best = -1, best_len = -1, i;

	for (i = 0; i < n; i++) {
		uint32_t mask = prefix_mask(entries[i].plen);

		if ((addr & mask) == entries[i].prefix &&
		    entries[i].plen > best_len) {
			best = entries[i].value;
			best_len = entries[i].plen;
		}
	}
	return best;
}

/* Stores @e in @entries, replacing an entry of the same prefix. */
static int add_entry(struct entry *entries, int n, struct entry e)
{
	int i;

	for (i = 0; i < n; i++) {
		if (entries[i].prefix == e.prefix &&
		    entries[i].plen == e.plen) {
			entries[i].value = e.value;
			return n;
		}
	}
	entries[n] = e;
	return n + 1;
}

START_TEST(rtable_random_matches_linear_scan)
{
	enum { N_PREFIXES = 4000, N_LOOKUPS = 20000 };
	struct entry *entries = calloc(N_PREFIXES, sizeof(*entries));
	struct rtable *t = rtable_create();
	uint64_t state = 0x5eed;
	int n = 0, i;

	ck_assert_ptr_nonnull(entries);
	for (i = 0; i < N_PREFIXES; i++) {
		struct entry e;
		/* Cluster prefixes under 198.18/15 so that many overlap. */
		uint32_t addr = (ip(198, 18, 0, 0) & 0xfffe0000u) |
				(next_random(&state) & 0x0001ffffu);

		if (i % 4 == 0)
			addr = next_random(&state);
		e.plen = (uint8_t)(next_random(&state) % 33);
		e.prefix = addr & prefix_mask(e.plen);
		e.value = i;
		ck_assert_int_eq(rtable_insert(t, addr, e.plen, e.value), 0);
		n = add_entry(entries, n, e);
	}

	for (i = 0; i < N_LOOKUPS; i++) {
		uint32_t addr = next_random(&state);

		if (i % 2 == 0)
			addr = ip(198, 18, 0, 0) | (addr & 0x0001ffffu);
		ck_assert_msg(
		    rtable_lookup(t, addr) == linear_lookup(entries, n, addr),
		    "lookup of %08x: trie %d, linear scan %d", addr,
		    rtable_lookup(t, addr), linear_lookup(entries, n, addr));
	}
	for (i = 0; i < n; i++)
		ck_assert_int_eq(
		    rtable_get(t, entries[i].prefix, entries[i].plen),
		    entries[i].value);
	rtable_destroy(t);
	free(entries);
}
END_TEST

Suite *rtable_suite(void)
{
	Suite *s = suite_create("rtable");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, rtable_empty_lookup);
	tcase_add_test(tc, rtable_default_route);
	tcase_add_test(tc, rtable_host_route);
	tcase_add_test(tc, rtable_longest_prefix_wins);
	tcase_add_test(tc, rtable_insert_order_irrelevant);
	tcase_add_test(tc, rtable_replace_same_prefix);
	tcase_add_test(tc, rtable_invalid_arguments);
	tcase_add_test(tc, rtable_destroy_null);
	tcase_add_test(tc, rtable_random_matches_linear_scan);
	suite_add_tcase(s, tc);
	return s;
}
