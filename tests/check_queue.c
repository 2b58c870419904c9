// SPDX-License-Identifier: MIT
/* Unit tests of the bounded delay queue. */
#include <check.h>
#include <errno.h>
#include <stdlib.h>

#include "check_suites.h"
#include "hopsim/queue.h"

START_TEST(queue_orders_by_due_time)
{
	static const uint64_t due[] = { 50, 10, 40, 20, 30 };
	struct queue *q = queue_create(8, 16);
	uint64_t t, last = 0;
	uint8_t b;
	size_t i;

	for (i = 0; i < 5; i++) {
		b = (uint8_t)i;
		ck_assert_int_eq(queue_push(q, 0, due[i], &b, 1), 0);
	}
	for (i = 0; i < 5; i++) {
		ck_assert_ptr_nonnull(queue_peek(q, NULL, &t, NULL));
		ck_assert_msg(t >= last, "due %lu came after %lu",
			      (unsigned long)t, (unsigned long)last);
		last = t;
		queue_pop(q);
	}
	ck_assert_ptr_null(queue_peek(q, NULL, NULL, NULL));
	queue_destroy(q);
}
END_TEST

START_TEST(queue_keeps_push_order_for_ties)
{
	struct queue *q = queue_create(64, 4);
	const uint8_t *p;
	uint8_t b;
	int i;

	for (i = 0; i < 64; i++) {
		b = (uint8_t)i;
		ck_assert_int_eq(queue_push(q, i % 3, 100, &b, 1), 0);
	}
	for (i = 0; i < 64; i++) {
		int tun;

		p = queue_peek(q, &tun, NULL, NULL);
		ck_assert_msg(p[0] == i, "packet %d left as number %d", p[0],
			      i);
		ck_assert_int_eq(tun, i % 3);
		queue_pop(q);
	}
	queue_destroy(q);
}
END_TEST

START_TEST(queue_full_rejects)
{
	struct queue *q = queue_create(2, 4);
	uint8_t b[8] = { 0 };

	ck_assert_int_eq(queue_push(q, 0, 1, b, 4), 0);
	ck_assert_int_eq(queue_push(q, 0, 2, b, 4), 0);
	ck_assert_int_eq(queue_push(q, 0, 3, b, 4), -ENOBUFS);
	ck_assert_int_eq(queue_push(q, 0, 3, b, 5), -EMSGSIZE);
	ck_assert_uint_eq(queue_length(q), 2);
	queue_pop(q);
	ck_assert_int_eq(queue_push(q, 0, 3, b, 4), 0);
	queue_destroy(q);
}
END_TEST

START_TEST(queue_random_matches_sort)
{
	struct queue *q = queue_create(512, 8);
	uint64_t last = 0, t;
	unsigned seed = 12345;
	int i, round;

	/* Interleaved pushes and pops stay ordered (fixed seed). */
	for (round = 0; round < 20; round++) {
		for (i = 0; i < 20; i++) {
			uint64_t due = last + (uint64_t)(rand_r(&seed) % 1000);

			ck_assert_int_eq(
			    queue_push(q, 0, due, (uint8_t *)&due, 8), 0);
		}
		for (i = 0; i < 10; i++) {
			const uint8_t *p = queue_peek(q, NULL, &t, NULL);
			uint64_t stored;

			ck_assert_uint_ge(t, last);
			__builtin_memcpy(&stored, p, 8);
			ck_assert_uint_eq(stored, t);
			last = t;
			queue_pop(q);
		}
	}
	queue_destroy(q);
}
END_TEST

START_TEST(queue_create_rejects_zero)
{
	ck_assert_ptr_null(queue_create(0, 10));
	ck_assert_ptr_null(queue_create(10, 0));
}
END_TEST

Suite *queue_suite(void)
{
	Suite *s = suite_create("queue");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, queue_orders_by_due_time);
	tcase_add_test(tc, queue_keeps_push_order_for_ties);
	tcase_add_test(tc, queue_full_rejects);
	tcase_add_test(tc, queue_random_matches_sort);
	tcase_add_test(tc, queue_create_rejects_zero);
	suite_add_tcase(s, tc);
	return s;
}
