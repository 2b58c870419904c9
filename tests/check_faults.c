// SPDX-License-Identifier: MIT
/* Unit tests of the seeded random streams, link impairments, ICMP rate
 * limiting and fragment reassembly. */
#include <check.h>
#include <math.h>
#include <string.h>

#include "check_suites.h"
#include "hopsim/checksum.h"
#include "hopsim/link.h"
#include "hopsim/packet.h"
#include "hopsim/random.h"
#include "hopsim/ratelimit.h"
#include "hopsim/reasm.h"

START_TEST(random_same_seed_same_stream)
{
	struct rng a, b, c;
	int i, same = 0;

	rng_seed(&a, 42, 3);
	rng_seed(&b, 42, 3);
	rng_seed(&c, 42, 4);
	for (i = 0; i < 1000; i++) {
		uint64_t x = rng_next(&a);

		ck_assert_uint_eq(x, rng_next(&b));
		same += x == rng_next(&c);
	}
	ck_assert_msg(same == 0, "streams 3 and 4 of one seed must differ");
}
END_TEST

START_TEST(random_chance_matches_probability)
{
	struct rng r;
	int i, hits = 0;

	rng_seed(&r, 7, 0);
	for (i = 0; i < 100000; i++)
		hits += rng_chance(&r, 200000);
	/* 20 % of 100000, within 4 standard deviations (126). */
	ck_assert_msg(hits > 19500 && hits < 20500, "%d hits, expected ~20000",
		      hits);
	ck_assert(!rng_chance(&r, 0));
	ck_assert(rng_chance(&r, 1000000));
}
END_TEST

START_TEST(random_below_and_normal)
{
	struct rng r;
	double sum = 0, sq = 0;
	int i;

	rng_seed(&r, 9, 1);
	for (i = 0; i < 10000; i++)
		ck_assert_uint_lt(rng_below(&r, 7), 7);
	ck_assert_uint_eq(rng_below(&r, 0), 0);
	for (i = 0; i < 50000; i++) {
		double x = rng_normal(&r);

		sum += x;
		sq += x * x;
	}
	ck_assert_msg(fabs(sum / 50000) < 0.03, "mean %f", sum / 50000);
	ck_assert_msg(fabs(sqrt(sq / 50000) - 1) < 0.03, "sd %f",
		      sqrt(sq / 50000));
}
END_TEST

static struct topo_impair plain_impair(void)
{
	struct topo_impair imp;

	memset(&imp, 0, sizeof(imp));
	imp.queue_limit = TOPO_DEFAULT_QUEUE_LIMIT;
	return imp;
}

START_TEST(link_delay_and_down)
{
	struct topo_impair imp = plain_impair();
	struct link_state ls;
	struct link_result res;

	ck_assert_int_eq(link_state_init(&ls, 1, 0, 10), 0);
	imp.delay_us = 5000;
	link_transmit(&ls, &imp, 100, 60, &res);
	ck_assert_int_eq(res.verdict, LINK_PASS);
	ck_assert_uint_eq(res.arrival_us, 5100);
	imp.down = true;
	link_transmit(&ls, &imp, 200, 60, &res);
	ck_assert_int_eq(res.verdict, LINK_DOWN);
	link_state_free(&ls);
}
END_TEST

START_TEST(link_loss_repeats_with_seed)
{
	struct topo_impair imp = plain_impair();
	struct link_state a, b;
	struct link_result ra, rb;
	int i, lost = 0;

	imp.loss_ppm = 200000;
	link_state_init(&a, 1234, 5, 10);
	link_state_init(&b, 1234, 5, 10);
	for (i = 0; i < 10000; i++) {
		link_transmit(&a, &imp, (uint64_t)i * 1000, 84, &ra);
		link_transmit(&b, &imp, (uint64_t)i * 1000, 84, &rb);
		ck_assert_int_eq(ra.verdict, rb.verdict);
		lost += ra.verdict == LINK_LOST;
	}
	ck_assert_msg(lost > 1850 && lost < 2150, "%d of 10000 lost", lost);
	link_state_free(&a);
	link_state_free(&b);
}
END_TEST

START_TEST(link_gilbert_elliott_bursts)
{
	struct topo_impair imp = plain_impair();
	struct link_state ls;
	struct link_result res;
	int i, lost = 0, runs = 0;
	bool prev = false;

	/* p 1 %, r 25 %, all lost in the bad state: the stationary loss is
	 * p / (p + r) = 3.8 %, in bursts of mean length 1 / r = 4. */
	imp.loss_model = TOPO_LOSS_GILBERT_ELLIOTT;
	imp.ge_p_ppm = 10000;
	imp.ge_r_ppm = 250000;
	imp.ge_loss_bad_ppm = 1000000;
	link_state_init(&ls, 99, 0, 10);
	for (i = 0; i < 200000; i++) {
		bool l;

		link_transmit(&ls, &imp, (uint64_t)i, 60, &res);
		l = res.verdict == LINK_LOST;
		lost += l;
		runs += l && !prev;
		prev = l;
	}
	ck_assert_msg(lost > 6800 && lost < 8600, "%d lost, expected ~7700",
		      lost);
	ck_assert_msg((double)lost / runs > 3.3 && (double)lost / runs < 4.7,
		      "mean burst %f, expected ~4", (double)lost / runs);
	link_state_free(&ls);
}
END_TEST

START_TEST(link_jitter_keeps_order)
{
	struct topo_impair imp = plain_impair();
	struct link_state ls;
	struct link_result res;
	uint64_t last = 0, lo = UINT64_MAX, hi = 0;
	int i;

	imp.delay_us = 10000;
	imp.jitter_us = 2000;
	link_state_init(&ls, 5, 0, 10);
	/* Packets 100 us apart: jitter alone would reorder them. */
	for (i = 0; i < 1000; i++) {
		link_transmit(&ls, &imp, (uint64_t)i * 100, 60, &res);
		ck_assert_uint_ge(res.arrival_us, last);
		last = res.arrival_us;
	}
	/* Spaced widely, delays cover delay +- jitter. */
	for (i = 0; i < 2000; i++) {
		uint64_t t = 1000000 + (uint64_t)i * 100000;
		uint64_t d;

		link_transmit(&ls, &imp, t, 60, &res);
		d = res.arrival_us - t;
		lo = d < lo ? d : lo;
		hi = d > hi ? d : hi;
	}
	ck_assert_uint_ge(lo, 8000);
	ck_assert_uint_le(lo, 8100);
	ck_assert_uint_le(hi, 12000);
	ck_assert_uint_ge(hi, 11900);
	link_state_free(&ls);
}
END_TEST

START_TEST(link_rate_serialises_and_bounds)
{
	struct topo_impair imp = plain_impair();
	struct link_state ls;
	struct link_result res;
	int i, full = 0;

	/* 1 Mbit/s: a 1250-byte packet takes 10 ms on the line. */
	imp.rate_bps = 1000000;
	imp.queue_limit = 5;
	link_state_init(&ls, 5, 0, 5);
	for (i = 0; i < 8; i++) {
		link_transmit(&ls, &imp, 0, 1250, &res);
		if (res.verdict == LINK_QUEUE_FULL) {
			full++;
			continue;
		}
		ck_assert_int_eq(res.verdict, LINK_PASS);
		ck_assert_uint_eq(res.arrival_us, (uint64_t)(i + 1) * 10000);
	}
	ck_assert_int_eq(full, 3);
	/* Once the line drains, packets are accepted again. */
	link_transmit(&ls, &imp, 50000, 1250, &res);
	ck_assert_int_eq(res.verdict, LINK_PASS);
	ck_assert_uint_eq(res.arrival_us, 60000);
	link_state_free(&ls);
}
END_TEST

static const struct topo_ratelimit linux_limit = TOPO_RATELIMIT_LINUX;

START_TEST(ratelimit_linux_burst_then_one_per_second)
{
	struct topo_ratelimit cfg = linux_limit;
	struct ratelimit *rl = ratelimit_create();
	struct rng r;
	int i, sent = 0;

	cfg.global_rate = 0; /* the per-destination bucket alone */
	rng_seed(&r, 1, 0);
	/* 30 back to back: the burst of 6. */
	for (i = 0; i < 30; i++)
		sent +=
		    ratelimit_allow(rl, &cfg, 0xc6120001, 11, 0, 1000000, &r);
	ck_assert_int_eq(sent, 6);
	/* Then 20 per second for 3 s: one more per second. */
	for (i = 1; i <= 60; i++)
		sent += ratelimit_allow(rl, &cfg, 0xc6120001, 11, 0,
					1000000 + (uint64_t)i * 50000, &r);
	ck_assert_int_eq(sent, 9);
	/* Another destination has a bucket of its own. */
	ck_assert(ratelimit_allow(rl, &cfg, 0xc6120005, 11, 0, 4000000, &r));
	ratelimit_destroy(rl);
}
END_TEST

START_TEST(ratelimit_mask_and_exemptions)
{
	struct topo_ratelimit cfg = linux_limit;
	struct ratelimit *rl = ratelimit_create();
	struct rng r;
	int i, echo = 0, frag = 0;

	rng_seed(&r, 1, 0);
	for (i = 0; i < 30; i++) {
		echo +=
		    ratelimit_allow(rl, &cfg, 1, PKT_ICMP_ECHO_REPLY, 0, 0, &r);
		frag += ratelimit_allow(rl, &cfg, 1, PKT_ICMP_DEST_UNREACH,
					PKT_UNREACH_FRAG_NEEDED, 0, &r);
	}
	ck_assert_int_eq(echo, 30);
	ck_assert_int_eq(frag, 30);
	cfg.enabled = false;
	for (i = 0; i < 30; i++)
		ck_assert(ratelimit_allow(rl, &cfg, 1, 11, 0, 0, &r));
	ratelimit_destroy(rl);
}
END_TEST

START_TEST(ratelimit_global_bucket)
{
	struct topo_ratelimit cfg = linux_limit;
	struct ratelimit *rl = ratelimit_create();
	struct rng r;
	int i, sent = 0;

	/* 200 distinct destinations back to back: the global burst of 50
	 * with costs of 0, 1 or 2 (mean 1) lets about 50 through. */
	rng_seed(&r, 3, 0);
	for (i = 0; i < 200; i++)
		sent += ratelimit_allow(rl, &cfg, 0xc6130000u + (uint32_t)i, 11,
					0, 0, &r);
	ck_assert_msg(sent >= 35 && sent <= 75, "%d sent", sent);

	cfg.global_random_cost = false;
	ratelimit_destroy(rl);
	rl = ratelimit_create();
	sent = 0;
	for (i = 0; i < 200; i++)
		sent += ratelimit_allow(rl, &cfg, 0xc6130000u + (uint32_t)i, 11,
					0, 0, &r);
	ck_assert_int_eq(sent, 50);
	/* 100 ms later, 1000/s has refilled 100 tokens, capped at 50. */
	for (i = 0; i < 200; i++)
		sent += ratelimit_allow(rl, &cfg, 0xc6140000u + (uint32_t)i, 11,
					0, 100000, &r);
	ck_assert_int_eq(sent, 100);
	ratelimit_destroy(rl);
}
END_TEST

/* Writes fragment [@off, @off + @len) of a datagram with payload byte i
 * equal to i % 251. */
static size_t make_fragment(uint8_t *buf, uint16_t id, size_t off, size_t len,
			    bool more)
{
	size_t i;

	for (i = 0; i < len; i++)
		buf[20 + i] = (uint8_t)((off + i) % 251);
	pkt_ipv4_write_header(buf, 0, (uint16_t)(20 + len), id,
			      (uint16_t)((more ? PKT_IP_MF : 0) | off / 8), 64,
			      PKT_PROTO_UDP, 0xc6120001, 0xc6120112);
	return 20 + len;
}

static enum reasm_result add(struct reasm *r, uint8_t *buf, size_t len,
			     uint64_t t, int *slot)
{
	struct pkt_ipv4 ip;

	ck_assert_int_eq(pkt_ipv4_parse(buf, len, &ip), PKT_VALID);
	return reasm_add4(r, 0, buf, &ip, t, 30000000, slot);
}

START_TEST(reasm_out_of_order_with_duplicate)
{
	struct reasm *r = reasm_create();
	uint8_t buf[1600], *whole;
	size_t len, i;
	int slot = -1;

	len = make_fragment(buf, 7, 2000, 500, false);
	ck_assert_int_eq(add(r, buf, len, 0, &slot), REASM_INCOMPLETE);
	len = make_fragment(buf, 7, 0, 1000, true);
	ck_assert_int_eq(add(r, buf, len, 1, &slot), REASM_INCOMPLETE);
	ck_assert_int_eq(add(r, buf, len, 2, &slot), REASM_DUPLICATE);
	len = make_fragment(buf, 7, 1000, 1000, true);
	ck_assert_int_eq(add(r, buf, len, 3, &slot), REASM_COMPLETE);

	whole = reasm_datagram(r, slot, &len);
	ck_assert_uint_eq(len, 2520);
	ck_assert_uint_eq(pkt_get16(whole + 2), 2520);
	ck_assert_uint_eq(pkt_get16(whole + 6), 0);
	ck_assert_uint_eq(csum_compute(whole, 20), 0);
	for (i = 0; i < 2500; i++)
		ck_assert_msg(whole[20 + i] == i % 251, "byte %zu wrong", i);
	reasm_release(r, slot);
	ck_assert_uint_eq(reasm_next_expiry(r), UINT64_MAX);
	reasm_destroy(r);
}
END_TEST

START_TEST(reasm_overlap_discards_datagram)
{
	struct reasm *r = reasm_create();
	uint8_t buf[200];
	size_t len;
	int slot;

	/* 0-39, 24-55: overlapping data drops the whole datagram. */
	len = make_fragment(buf, 8, 0, 40, true);
	ck_assert_int_eq(add(r, buf, len, 0, &slot), REASM_INCOMPLETE);
	len = make_fragment(buf, 8, 24, 32, true);
	buf[20] ^= 0xff;
	pkt_put16(buf + 10, 0);
	pkt_put16(buf + 10, csum_compute(buf, 20));
	ck_assert_int_eq(add(r, buf, len, 1, &slot), REASM_OVERLAP);
	/* The 40-55 fragment now starts a new datagram, incomplete. */
	len = make_fragment(buf, 8, 40, 16, false);
	ck_assert_int_eq(add(r, buf, len, 2, &slot), REASM_INCOMPLETE);
	reasm_destroy(r);
}
END_TEST

START_TEST(reasm_rejects_ping_of_death)
{
	struct reasm *r = reasm_create();
	uint8_t buf[1600];
	size_t len;
	int slot;

	len = make_fragment(buf, 9, 0, 1480, true);
	ck_assert_int_eq(add(r, buf, len, 0, &slot), REASM_INCOMPLETE);
	/* Offset 65528 plus 16 bytes passes 65535. */
	len = make_fragment(buf, 9, 65528, 16, false);
	ck_assert_int_eq(add(r, buf, len, 1, &slot), REASM_TOO_BIG);
	reasm_destroy(r);
}
END_TEST

START_TEST(reasm_timeout_keeps_first_fragment)
{
	struct reasm *r = reasm_create();
	uint8_t buf[1600], first[REASM_QUOTE_MAX];
	bool v6;
	uint64_t at;
	size_t len, first_len;
	int slot, node;

	len = make_fragment(buf, 10, 0, 1480, true);
	ck_assert_int_eq(add(r, buf, len, 100, &slot), REASM_INCOMPLETE);
	len = make_fragment(buf, 11, 1480, 100, false);
	ck_assert_int_eq(add(r, buf, len, 200, &slot), REASM_INCOMPLETE);
	ck_assert_uint_eq(reasm_next_expiry(r), 30000100);

	ck_assert_int_eq(
	    reasm_expire(r, 30000099, &node, &v6, &at, first, &first_len), 0);
	ck_assert_int_eq(
	    reasm_expire(r, 30000100, &node, &v6, &at, first, &first_len), 1);
	ck_assert_uint_eq(at, 30000100);
	ck_assert_uint_eq(first_len, REASM_QUOTE_MAX);
	ck_assert(!v6);
	ck_assert_uint_eq(pkt_get16(first + 4), 10);
	/* The datagram without its first fragment expires with nothing to
	 * quote. */
	ck_assert_int_eq(
	    reasm_expire(r, 40000000, &node, &v6, &at, first, &first_len), 1);
	ck_assert_uint_eq(first_len, 0);
	reasm_destroy(r);
}
END_TEST

START_TEST(reasm_rejects_odd_middle_fragment)
{
	struct reasm *r = reasm_create();
	uint8_t buf[200];
	size_t len;
	int slot;

	len = make_fragment(buf, 12, 0, 41, true);
	ck_assert_int_eq(add(r, buf, len, 0, &slot), REASM_INVALID);
	reasm_destroy(r);
}
END_TEST

Suite *faults_suite(void)
{
	Suite *s = suite_create("faults");
	TCase *random = tcase_create("random");
	TCase *link = tcase_create("link");
	TCase *limit = tcase_create("ratelimit");
	TCase *reasm = tcase_create("reasm");

	tcase_add_test(random, random_same_seed_same_stream);
	tcase_add_test(random, random_chance_matches_probability);
	tcase_add_test(random, random_below_and_normal);
	suite_add_tcase(s, random);

	tcase_add_test(link, link_delay_and_down);
	tcase_add_test(link, link_loss_repeats_with_seed);
	tcase_add_test(link, link_gilbert_elliott_bursts);
	tcase_add_test(link, link_jitter_keeps_order);
	tcase_add_test(link, link_rate_serialises_and_bounds);
	suite_add_tcase(s, link);

	tcase_add_test(limit, ratelimit_linux_burst_then_one_per_second);
	tcase_add_test(limit, ratelimit_mask_and_exemptions);
	tcase_add_test(limit, ratelimit_global_bucket);
	suite_add_tcase(s, limit);

	tcase_add_test(reasm, reasm_out_of_order_with_duplicate);
	tcase_add_test(reasm, reasm_overlap_discards_datagram);
	tcase_add_test(reasm, reasm_rejects_ping_of_death);
	tcase_add_test(reasm, reasm_timeout_keeps_first_fragment);
	tcase_add_test(reasm, reasm_rejects_odd_middle_fragment);
	suite_add_tcase(s, reasm);
	return s;
}
