// SPDX-License-Identifier: MIT
/* Unit tests of the redirect rate limits: IPv4 back-off, IPv6 buckets. */
#include <check.h>
#include <stdint.h>
#include <string.h>

#include "check_suites.h"
#include "hopsim/redirect.h"

#define MS	  1000u
#define SECOND	  1000000u
#define SILENCE	  20480000u /* 20 ms << 10, in microseconds */
#define HOST_A	  0xc6120001u
#define HOST_B	  0xc6120003u
#define STEP	  (100 * MS)
#define N_PACKETS 40

/*
 * Packets every 100 ms get IPv4 redirects at these steps, because the
 * redirect after the n-th waits until more than 20 ms << (n + 1) passed,
 * as measured on Linux 6.18.44.  NOTE: the ip_rt_send_redirect source
 * read for this (net/ipv4/route.c, an older tree) shifts by n instead.
 * That would give 0, 0.1, 0.2, 0.4, 0.8, 1.5 and 2.8 s, so the two differ
 * and the measurement wins.
 */
static const int backoff_steps[] = { 0, 1, 3, 7, 14, 27 };
/* The steps of all nine redirects before the host counts as ignoring them. */
static const int nine_steps[] = { 0, 1, 3, 7, 14, 27, 53, 105, 208 };

static struct redirect_limit *create(void)
{
	struct redirect_limit *rl = redirect_limit_create();

	ck_assert_ptr_nonnull(rl);
	return rl;
}

static struct pkt_in6 in6(uint8_t last)
{
	struct pkt_in6 a = { { 0x20, 0x01, 0x0d, 0xb8 } };

	a.b[15] = last;
	return a;
}

/* Calls redirect_allow4() for @host every 100 ms from @base_us, @n times,
 * and fills @allowed with the steps that may send.  Returns their count. */
static int drive4(struct redirect_limit *rl, uint32_t host, uint64_t base_us,
		  int n, int *allowed, int cap)
{
	int i, count = 0;

	for (i = 0; i < n; i++) {
		if (!redirect_allow4(rl, host, base_us + (uint64_t)i * STEP))
			continue;
		ck_assert_msg(count < cap, "step %d: more redirects than %d", i,
			      cap);
		allowed[count++] = i;
	}
	return count;
}

static void check_steps(const int *got, int n_got, const int *expected,
			int n_expected)
{
	int i;

	ck_assert_msg(n_got == n_expected, "%d redirects allowed, expected %d",
		      n_got, n_expected);
	for (i = 0; i < n_expected; i++)
		ck_assert_msg(got[i] == expected[i],
			      "redirect %d went at step %d, expected step %d",
			      i + 1, got[i], expected[i]);
}

START_TEST(redirect4_backoff_schedule)
{
	static const uint64_t bases[] = { 0, 123456789 };
	int allowed[N_PACKETS], n;
	size_t b;

	for (b = 0; b < sizeof(bases) / sizeof(bases[0]); b++) {
		struct redirect_limit *rl = create();

		n = drive4(rl, HOST_A, bases[b], N_PACKETS, allowed, N_PACKETS);
		check_steps(allowed, n, backoff_steps,
			    sizeof(backoff_steps) / sizeof(backoff_steps[0]));
		redirect_limit_destroy(rl);
	}
}
END_TEST

START_TEST(redirect4_stops_after_nine)
{
	struct redirect_limit *rl = create();
	int allowed[16], n;
	uint64_t last, t;

	/* 600 packets, 100 ms apart: nine redirects, then none until the
	 * packets stop.  Without the cap the tenth would go at 41.3 s. */
	n = drive4(rl, HOST_A, 0, 600, allowed, 16);
	check_steps(allowed, n, nine_steps,
		    sizeof(nine_steps) / sizeof(nine_steps[0]));

	/* Each ignored packet restarts the silence. */
	last = 599 * (uint64_t)STEP;
	t = last + SILENCE - MS;
	ck_assert_msg(!redirect_allow4(rl, HOST_A, t),
		      "no redirect before 20.48 s without packets");
	last = t;
	t = last + SILENCE - MS;
	ck_assert_msg(!redirect_allow4(rl, HOST_A, t),
		      "an ignored packet restarts the 20.48 s of silence");

	/* After 20.48 s of silence the back-off starts over. */
	last = t;
	t = last + SILENCE + MS;
	ck_assert_msg(redirect_allow4(rl, HOST_A, t),
		      "a redirect after 20.48 s without packets");
	ck_assert_msg(redirect_allow4(rl, HOST_A, t + STEP),
		      "the back-off starts over: the second redirect waits "
		      "80 ms");
	ck_assert_msg(!redirect_allow4(rl, HOST_A, t + 2 * STEP),
		      "the third redirect waits 160 ms");
	redirect_limit_destroy(rl);
}
END_TEST

START_TEST(redirect4_silence_resets_backoff)
{
	struct redirect_limit *rl = create();
	int allowed[N_PACKETS], n;
	uint64_t base;

	/* Four redirects, then a pause longer than 20.48 s. */
	n = drive4(rl, HOST_A, 0, 8, allowed, N_PACKETS);
	ck_assert_int_eq(n, 4);
	base = 7 * (uint64_t)STEP + SILENCE + MS;
	n = drive4(rl, HOST_A, base, N_PACKETS, allowed, N_PACKETS);
	check_steps(allowed, n, backoff_steps,
		    sizeof(backoff_steps) / sizeof(backoff_steps[0]));

	/* A shorter pause keeps the back-off: after a redirect at 0 ms,
	 * 0.1 s and 0.3 s, the next waits more than 320 ms. */
	redirect_limit_destroy(rl);
	rl = create();
	n = drive4(rl, HOST_A, 0, 4, allowed, N_PACKETS);
	ck_assert_int_eq(n, 3);
	ck_assert_msg(!redirect_allow4(rl, HOST_A, 3 * STEP + 320 * MS),
		      "the fourth redirect waits more than 320 ms");
	ck_assert_msg(redirect_allow4(rl, HOST_A, 3 * STEP + 321 * MS),
		      "the fourth redirect goes after 320 ms");
	redirect_limit_destroy(rl);
}
END_TEST

START_TEST(redirect4_hosts_independent)
{
	struct redirect_limit *rl = create();
	int a = 0, b = 0, i;
	uint64_t t;

	/* Two hosts interleaved get the schedule of one host each. */
	for (i = 0; i < N_PACKETS; i++) {
		t = (uint64_t)i * STEP;
		if (redirect_allow4(rl, HOST_A, t)) {
			ck_assert_int_lt(a, 6);
			ck_assert_int_eq(i, backoff_steps[a]);
			a++;
		}
		if (redirect_allow4(rl, HOST_B, t + MS)) {
			ck_assert_int_lt(b, 6);
			ck_assert_int_eq(i, backoff_steps[b]);
			b++;
		}
	}
	ck_assert_int_eq(a, 6);
	ck_assert_int_eq(b, 6);
	redirect_limit_destroy(rl);

	/* A host that ignores redirects silences only itself. */
	rl = create();
	for (i = 0; i < 300; i++)
		redirect_allow4(rl, HOST_A, (uint64_t)i * STEP);
	t = 300 * (uint64_t)STEP;
	ck_assert_msg(!redirect_allow4(rl, HOST_A, t),
		      "host A ignores redirects: none for it");
	ck_assert_msg(redirect_allow4(rl, HOST_B, t),
		      "host B still gets its first redirect");
	ck_assert_msg(redirect_allow4(rl, HOST_B, t + STEP),
		      "host B gets its second 100 ms later");
	redirect_limit_destroy(rl);
}
END_TEST

START_TEST(redirect6_burst_then_one_per_second)
{
	struct redirect_limit *rl = create();
	struct pkt_in6 src = in6(1), dst = in6(0x80);
	int i, n = 0;

	for (i = 0; i < 20; i++)
		if (redirect_allow6(rl, &src, &dst, 5 * SECOND))
			n++;
	ck_assert_msg(n == 6, "a burst of 6 at once, got %d", n);

	ck_assert_msg(!redirect_allow6(rl, &src, &dst, 5 * SECOND + 999 * MS),
		      "no token before a second has passed");
	ck_assert_msg(redirect_allow6(rl, &src, &dst, 6 * SECOND),
		      "one token a second");
	ck_assert_msg(!redirect_allow6(rl, &src, &dst, 6 * SECOND),
		      "only one token a second");
	redirect_limit_destroy(rl);

	/* Packets every 100 ms for 10 s: the burst, then one a second. */
	rl = create();
	n = 0;
	for (i = 0; i <= 100; i++) {
		bool ok = redirect_allow6(rl, &src, &dst, (uint64_t)i * STEP);

		if (i < 6)
			ck_assert_msg(ok, "step %d is in the burst", i);
		if (ok)
			n++;
	}
	ck_assert_msg(n == 16, "6 + 1 per second over 10 s, got %d", n);

	/* The bucket refills to at most 6 tokens, however long the pause. */
	n = 0;
	for (i = 0; i < 20; i++)
		if (redirect_allow6(rl, &src, &dst, 1000 * SECOND))
			n++;
	ck_assert_msg(n == 6, "the burst refills to 6, got %d", n);
	redirect_limit_destroy(rl);
}
END_TEST

START_TEST(redirect6_per_destination)
{
	struct redirect_limit *rl = create();
	struct pkt_in6 a = in6(1), b = in6(2), d1 = in6(0x81), d2 = in6(0x82);
	int i;

	for (i = 0; i < 6; i++)
		ck_assert(redirect_allow6(rl, &a, &d1, 0));
	/* d1 has no tokens left for any source, and the denied call takes none
	 * of b's. */
	ck_assert_msg(!redirect_allow6(rl, &b, &d1, 0),
		      "destination d1 has no tokens left");
	for (i = 0; i < 6; i++)
		ck_assert_msg(redirect_allow6(rl, &b, &d2, 0),
			      "source b still has its burst: redirect %d",
			      i + 1);
	ck_assert(!redirect_allow6(rl, &b, &d2, 0));
	redirect_limit_destroy(rl);
}
END_TEST

START_TEST(redirect6_per_source)
{
	struct redirect_limit *rl = create();
	struct pkt_in6 a = in6(1), c = in6(3);
	struct pkt_in6 dst[7];
	int i;

	for (i = 0; i < 7; i++)
		dst[i] = in6((uint8_t)(0x90 + i));
	for (i = 0; i < 6; i++)
		ck_assert_msg(redirect_allow6(rl, &a, &dst[i], 0),
			      "source a, fresh destination %d", i);
	ck_assert_msg(!redirect_allow6(rl, &a, &dst[6], 0),
		      "source a has no tokens left, even for a fresh "
		      "destination");
	ck_assert_msg(redirect_allow6(rl, &c, &dst[6], 0),
		      "source c has its own tokens");
	ck_assert_msg(redirect_allow6(rl, &a, &dst[6], SECOND),
		      "source a gets a token back after a second");
	redirect_limit_destroy(rl);
}
END_TEST

Suite *redirect_suite(void)
{
	Suite *s = suite_create("redirect");
	TCase *tc = tcase_create("limits");

	tcase_add_test(tc, redirect4_backoff_schedule);
	tcase_add_test(tc, redirect4_stops_after_nine);
	tcase_add_test(tc, redirect4_silence_resets_backoff);
	tcase_add_test(tc, redirect4_hosts_independent);
	tcase_add_test(tc, redirect6_burst_then_one_per_second);
	tcase_add_test(tc, redirect6_per_destination);
	tcase_add_test(tc, redirect6_per_source);
	suite_add_tcase(s, tc);
	return s;
}
