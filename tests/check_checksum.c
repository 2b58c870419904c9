// SPDX-License-Identifier: MIT
/* Unit tests of the Internet checksum and its RFC 1624 update. */
#include <check.h>
#include <stdlib.h>

#include "check_suites.h"
#include "hopsim/checksum.h"
#include "hopsim/packet.h"

/* The RFC 1071 section 3 example: words 0001 f203 f4f5 f6f7. */
START_TEST(checksum_rfc1071_example)
{
	static const uint8_t data[] = { 0x00, 0x01, 0xf2, 0x03,
					0xf4, 0xf5, 0xf6, 0xf7 };

	/* The sum is 2ddf0, folded ddf2, complemented 220d. */
	ck_assert_uint_eq(csum_partial(data, sizeof(data), 0), 0x2ddf0);
	ck_assert_uint_eq(csum_compute(data, sizeof(data)), 0x220d);
}
END_TEST

START_TEST(checksum_odd_length_pads_zero)
{
	static const uint8_t odd[] = { 0x12, 0x34, 0x56 };
	static const uint8_t even[] = { 0x12, 0x34, 0x56, 0x00 };

	ck_assert_uint_eq(csum_compute(odd, 3), csum_compute(even, 4));
}
END_TEST

START_TEST(checksum_verifies_to_zero)
{
	uint8_t hdr[20];

	pkt_ipv4_write_header(hdr, 0, 60, 0x1c46, PKT_IP_DF, 64, 17, 0xc6120001,
			      0xc6120112);
	ck_assert_msg(csum_compute(hdr, 20) == 0,
		      "a header with its checksum filled in must sum to 0");
}
END_TEST

/* RFC 1624 section 4: eqn 3 gives 0x0000 where RFC 1141 gives 0xffff. */
START_TEST(checksum_update_avoids_negative_zero)
{
	ck_assert_uint_eq(csum_update16(0xfeff, 0x4011, 0x3f11), 0x0000);
}
END_TEST

START_TEST(checksum_update_matches_recompute)
{
	uint8_t hdr[20];
	uint16_t id;
	int ttl;

	/* Every TTL and a spread of IDs: incremental equals a full sum. */
	for (id = 0; id < 4000; id += 7) {
		for (ttl = 2; ttl <= 255; ttl += 3) {
			uint16_t full;

			pkt_ipv4_write_header(hdr, 0, 84, id, 0, (uint8_t)ttl,
					      1, 0xc6120001, 0xc6120112);
			pkt_ipv4_decrement_ttl(hdr);
			full = pkt_get16(hdr + 10);
			hdr[10] = hdr[11] = 0;
			ck_assert_msg(
			    csum_compute(hdr, 20) == full,
			    "id %u ttl %d: incremental 0x%04x differs from recompute",
			    id, ttl, full);
		}
	}
}
END_TEST

START_TEST(checksum_update_ttl_to_zero_sum)
{
	uint8_t hdr[20];
	uint16_t id;

	/* Find an ID whose header checksum is 0xfeff with TTL 64, the
	 * conformance case; decrementing must give 0x0000, not 0xffff. */
	for (id = 0;; id++) {
		pkt_ipv4_write_header(hdr, 0, 60, id, 0, 64, 17, 0xc6120001,
				      0xc6120112);
		if (pkt_get16(hdr + 10) == 0xfeff)
			break;
		ck_assert_uint_ne(id, 0xffff);
	}
	pkt_ipv4_decrement_ttl(hdr);
	ck_assert_uint_eq(hdr[8], 63);
	ck_assert_uint_eq(pkt_get16(hdr + 10), 0x0000);
}
END_TEST

START_TEST(checksum_pseudo_header)
{
	/* Sum of 198.18.0.1, 198.18.1.18, proto 17, length 8. */
	uint32_t sum = csum_pseudo4(0xc6120001, 0xc6120112, 17, 8);

	ck_assert_uint_eq(sum, 0xc612 + 0x0001 + 0xc612 + 0x0112 + 17 + 8);
}
END_TEST

Suite *checksum_suite(void)
{
	Suite *s = suite_create("checksum");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, checksum_rfc1071_example);
	tcase_add_test(tc, checksum_odd_length_pads_zero);
	tcase_add_test(tc, checksum_verifies_to_zero);
	tcase_add_test(tc, checksum_update_avoids_negative_zero);
	tcase_add_test(tc, checksum_update_matches_recompute);
	tcase_add_test(tc, checksum_update_ttl_to_zero_sum);
	tcase_add_test(tc, checksum_pseudo_header);
	suite_add_tcase(s, tc);
	return s;
}
