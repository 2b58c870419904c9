// SPDX-License-Identifier: MIT
/* Unit tests of header validation and the packet builders, byte for byte
 * against packets that scapy built (packet_vectors.h). */
#include <check.h>
#include <string.h>

#include "check_suites.h"
#include "hopsim/checksum.h"
#include "hopsim/packet.h"
#include "packet_vectors.h"

#define KERNEL 0xc6120001u /* 198.18.0.1 */
#define ROUTER 0xc6120002u /* 198.18.0.2 */

static void assert_bytes(const uint8_t *got, size_t got_len,
			 const uint8_t *want, size_t want_len)
{
	size_t i;

	ck_assert_msg(got_len == want_len, "length %zu, expected %zu", got_len,
		      want_len);
	for (i = 0; i < want_len; i++)
		ck_assert_msg(got[i] == want[i],
			      "byte %zu is 0x%02x, expected 0x%02x", i, got[i],
			      want[i]);
}

START_TEST(parse_valid_header)
{
	struct pkt_ipv4 ip;

	ck_assert_int_eq(
	    pkt_ipv4_parse(vec_udp_probe, sizeof(vec_udp_probe), &ip),
	    PKT_VALID);
	ck_assert_uint_eq(ip.hdr_len, 20);
	ck_assert_uint_eq(ip.total_len, 60);
	ck_assert_uint_eq(ip.ttl, 1);
	ck_assert_uint_eq(ip.proto, PKT_PROTO_UDP);
	ck_assert_uint_eq(ip.src, KERNEL);
	ck_assert_uint_eq(ip.tos, 0x28);
}
END_TEST

START_TEST(parse_rejects_each_bad_field)
{
	uint8_t buf[60];
	struct pkt_ipv4 ip;

	memcpy(buf, vec_udp_probe, sizeof(buf));
	ck_assert_int_eq(pkt_ipv4_parse(buf, 19, &ip), PKT_BAD_LENGTH);

	buf[0] = 0x65;
	ck_assert_int_eq(pkt_ipv4_parse(buf, 60, &ip), PKT_BAD_VERSION);

	buf[0] = 0x44;
	ck_assert_int_eq(pkt_ipv4_parse(buf, 60, &ip), PKT_BAD_IHL);

	buf[0] = 0x4f; /* 60-byte header in a 40-byte read */
	ck_assert_int_eq(pkt_ipv4_parse(buf, 40, &ip), PKT_BAD_IHL);

	memcpy(buf, vec_udp_probe, sizeof(buf));
	pkt_put16(buf + 2, 200); /* truncated: total length past the read */
	ck_assert_int_eq(pkt_ipv4_parse(buf, 60, &ip), PKT_BAD_TOTAL_LEN);

	pkt_put16(buf + 2, 16); /* below the header length */
	ck_assert_int_eq(pkt_ipv4_parse(buf, 60, &ip), PKT_BAD_TOTAL_LEN);

	memcpy(buf, vec_udp_probe, sizeof(buf));
	buf[10] ^= 0x01;
	ck_assert_int_eq(pkt_ipv4_parse(buf, 60, &ip), PKT_BAD_CHECKSUM);
}
END_TEST

START_TEST(parse_allows_link_padding)
{
	uint8_t buf[80] = { 0 };
	struct pkt_ipv4 ip;

	memcpy(buf, vec_udp_probe, sizeof(vec_udp_probe));
	ck_assert_int_eq(pkt_ipv4_parse(buf, sizeof(buf), &ip), PKT_VALID);
	ck_assert_uint_eq(ip.total_len, 60);
}
END_TEST

START_TEST(status_names_are_distinct)
{
	ck_assert_str_eq(pkt_status_name(PKT_BAD_CHECKSUM), "bad-checksum");
	ck_assert_str_eq(pkt_status_name(PKT_BAD_IHL), "bad-ihl");
	ck_assert_str_ne(pkt_status_name(PKT_BAD_LENGTH),
			 pkt_status_name(PKT_BAD_TOTAL_LEN));
}
END_TEST

START_TEST(martian_sources)
{
	ck_assert(pkt_ipv4_addr_is_martian_source(0x00000000));
	ck_assert(pkt_ipv4_addr_is_martian_source(0x7f000001));
	ck_assert(pkt_ipv4_addr_is_martian_source(0xe0000005));
	ck_assert(pkt_ipv4_addr_is_martian_source(0xf0000001));
	ck_assert(pkt_ipv4_addr_is_martian_source(0xffffffff));
	ck_assert(!pkt_ipv4_addr_is_martian_source(KERNEL));
	ck_assert(pkt_ipv4_addr_is_multicast_or_broadcast(0xef010101));
	ck_assert(!pkt_ipv4_addr_is_multicast_or_broadcast(KERNEL));
}
END_TEST

START_TEST(icmp_error_types)
{
	static const uint8_t types[] = { 3, 4, 5, 11, 12 };
	uint8_t icmp[8] = { 0 };
	size_t i;

	for (i = 0; i < sizeof(types); i++) {
		icmp[0] = types[i];
		ck_assert_msg(pkt_is_icmp_error(PKT_PROTO_ICMP, icmp, 8),
			      "type %u is an error", types[i]);
	}
	icmp[0] = PKT_ICMP_ECHO;
	ck_assert(!pkt_is_icmp_error(PKT_PROTO_ICMP, icmp, 8));
	icmp[0] = 13;
	ck_assert(!pkt_is_icmp_error(PKT_PROTO_ICMP, icmp, 8));
	icmp[0] = 3;
	ck_assert(!pkt_is_icmp_error(PKT_PROTO_UDP, icmp, 8));
	ck_assert(pkt_is_icmp_error(PKT_PROTO_ICMP, icmp, 0));
}
END_TEST

START_TEST(time_exceeded_bytes)
{
	struct pkt_icmp4_error err = {
		.type = PKT_ICMP_TIME_EXCEEDED,
		.src = ROUTER,
		.ttl = 64,
		.id = 0x1000,
	};
	uint8_t out[600];
	size_t len;

	len = pkt_icmp4_build_error(out, sizeof(out), &err, vec_udp_probe,
				    sizeof(vec_udp_probe));
	assert_bytes(out, len, vec_time_exceeded, sizeof(vec_time_exceeded));
}
END_TEST

START_TEST(frag_needed_bytes)
{
	struct pkt_icmp4_error err = {
		.type = PKT_ICMP_DEST_UNREACH,
		.code = PKT_UNREACH_FRAG_NEEDED,
		.rest = 1400,
		.src = ROUTER,
		.ttl = 64,
		.id = 0x1001,
	};
	uint8_t out[600];
	size_t len;

	len = pkt_icmp4_build_error(out, sizeof(out), &err, vec_big_df,
				    sizeof(vec_big_df));
	ck_assert_uint_eq(len, 576);
	ck_assert_uint_eq(pkt_get16(out + 24), 0);
	ck_assert_uint_eq(pkt_get16(out + 26), 1400);
	assert_bytes(out, len, vec_frag_needed, sizeof(vec_frag_needed));
}
END_TEST

START_TEST(error_honours_room)
{
	struct pkt_icmp4_error err = {
		.type = PKT_ICMP_TIME_EXCEEDED,
		.src = ROUTER,
		.ttl = 64,
		.room = 400,
	};
	uint8_t out[600];
	size_t len;

	len = pkt_icmp4_build_error(out, sizeof(out), &err, vec_big_df,
				    sizeof(vec_big_df));
	ck_assert_uint_eq(len, 400);
	ck_assert_uint_eq(pkt_get16(out + 2), 400);
	ck_assert_uint_eq(csum_compute(out + 20, len - 20), 0);
}
END_TEST

START_TEST(error_rejects_short_original)
{
	struct pkt_icmp4_error err = { .type = PKT_ICMP_TIME_EXCEEDED };
	uint8_t out[600];

	ck_assert_uint_eq(
	    pkt_icmp4_build_error(out, sizeof(out), &err, vec_udp_probe, 12),
	    0);
}
END_TEST

START_TEST(echo_reply_bytes)
{
	uint8_t buf[sizeof(vec_echo_request)];
	size_t len;

	memcpy(buf, vec_echo_request, sizeof(buf));
	len = pkt_icmp4_echo_reply(buf, sizeof(buf), 64, 0x2000);
	assert_bytes(buf, len, vec_echo_reply, sizeof(vec_echo_reply));
}
END_TEST

START_TEST(echo_reply_rejects_bad_checksum)
{
	uint8_t buf[sizeof(vec_echo_request)];

	memcpy(buf, vec_echo_request, sizeof(buf));
	buf[22] ^= 0xff;
	ck_assert_uint_eq(pkt_icmp4_echo_reply(buf, sizeof(buf), 64, 1), 0);
}
END_TEST

START_TEST(tcp_rst_for_syn_bytes)
{
	uint8_t out[80];
	size_t len;

	len = pkt_tcp_build_answer(out, sizeof(out), vec_tcp_syn,
				   sizeof(vec_tcp_syn), false, 0, 1460, 64,
				   0x3000);
	assert_bytes(out, len, vec_tcp_rst, sizeof(vec_tcp_rst));
}
END_TEST

START_TEST(tcp_synack_bytes)
{
	uint8_t out[80];
	size_t len;

	len = pkt_tcp_build_answer(out, sizeof(out), vec_tcp_syn80,
				   sizeof(vec_tcp_syn80), true, 0x11223344,
				   1460, 64, 0x3001);
	assert_bytes(out, len, vec_tcp_synack, sizeof(vec_tcp_synack));
}
END_TEST

START_TEST(tcp_rst_for_ack_bytes)
{
	uint8_t out[80];
	size_t len;

	len = pkt_tcp_build_answer(out, sizeof(out), vec_tcp_ack,
				   sizeof(vec_tcp_ack), false, 0, 1460, 64,
				   0x3002);
	assert_bytes(out, len, vec_tcp_rst_for_ack,
		     sizeof(vec_tcp_rst_for_ack));
}
END_TEST

START_TEST(tcp_no_answer_to_rst_or_open_ack)
{
	uint8_t seg[sizeof(vec_tcp_ack)];
	uint8_t out[80];
	size_t len;

	/* A stray ACK to a listening port gets the same RST a closed port
	 * sends (RFC 9293 3.10.7.2). */
	len = pkt_tcp_build_answer(out, sizeof(out), vec_tcp_ack,
				   sizeof(vec_tcp_ack), true, 0, 1460, 64,
				   0x3002);
	assert_bytes(out, len, vec_tcp_rst_for_ack,
		     sizeof(vec_tcp_rst_for_ack));

	memcpy(seg, vec_tcp_ack, sizeof(seg));
	seg[20 + 13] = PKT_TCP_RST;
	ck_assert_uint_eq(pkt_tcp_build_answer(out, sizeof(out), seg,
					       sizeof(seg), false, 0, 1460, 64,
					       1),
			  0);

	/* SYN with FIN to a listening port: dropped, as Linux does. */
	memcpy(seg, vec_tcp_syn80, sizeof(vec_tcp_syn80));
	seg[20 + 13] = PKT_TCP_SYN | PKT_TCP_FIN;
	ck_assert_uint_eq(pkt_tcp_build_answer(out, sizeof(out), seg,
					       sizeof(vec_tcp_syn80), true, 0,
					       1460, 64, 1),
			  0);
}
END_TEST

START_TEST(fragment_bytes)
{
	struct pkt_ipv4 ip;
	uint8_t out[1500];
	size_t len;

	ck_assert_int_eq(
	    pkt_ipv4_parse(vec_plain_1428, sizeof(vec_plain_1428), &ip),
	    PKT_VALID);
	len = pkt_ipv4_build_fragment(out, vec_plain_1428, &ip, 0, 1256);
	ck_assert_uint_eq(len, 1276);
	assert_bytes(out, len, vec_frag_first, sizeof(vec_frag_first));

	len = pkt_ipv4_build_fragment(out, vec_plain_1428, &ip, 1256, 152);
	ck_assert_uint_eq(len, 172);
	ck_assert_uint_eq(pkt_get16(out + 6) & PKT_IP_OFFSET, 157);
	assert_bytes(out, len, vec_frag_second, sizeof(vec_frag_second));
}
END_TEST

START_TEST(fragment_keeps_copied_options)
{
	uint8_t orig[48] = { 0 };
	uint8_t out[64];
	struct pkt_ipv4 ip;
	size_t len;

	/* Header of 28 bytes: LSRR (copied, 7 bytes), NOP, then EOL. */
	orig[0] = 0x47;
	pkt_put16(orig + 2, 48);
	orig[8] = 9;
	orig[9] = PKT_PROTO_UDP;
	pkt_put32(orig + 12, KERNEL);
	pkt_put32(orig + 16, ROUTER);
	orig[20] = 0x83;
	orig[21] = 7;
	orig[22] = 4;
	orig[27] = 1;
	pkt_put16(orig + 10, csum_compute(orig, 28));
	ck_assert_int_eq(pkt_ipv4_parse(orig, sizeof(orig), &ip), PKT_VALID);

	ck_assert_uint_eq(pkt_ipv4_fragment_header_len(orig, &ip), 28);
	len = pkt_ipv4_build_fragment(out, orig, &ip, 8, 8);
	ck_assert_uint_eq(len, 36);
	ck_assert_uint_eq(out[0], 0x47);
	ck_assert_uint_eq(out[20], 0x83);
	ck_assert_uint_eq(out[27], 0);
	ck_assert_uint_eq(pkt_get16(out + 6) & PKT_IP_OFFSET, 1);
	ck_assert_uint_eq(pkt_get16(out + 6) & PKT_IP_MF, PKT_IP_MF);
	ck_assert_uint_eq(csum_compute(out, 28), 0);
}
END_TEST

START_TEST(fragment_of_fragment_keeps_mf)
{
	uint8_t orig[sizeof(vec_frag_first)];
	uint8_t out[1500];
	struct pkt_ipv4 ip;
	size_t len;

	/* The last piece of a first fragment still has MF set. */
	memcpy(orig, vec_frag_first, sizeof(orig));
	ck_assert_int_eq(pkt_ipv4_parse(orig, sizeof(orig), &ip), PKT_VALID);
	len = pkt_ipv4_build_fragment(out, orig, &ip, 576, 1256 - 576);
	ck_assert_uint_eq(len, 20 + 680);
	ck_assert_uint_eq(pkt_get16(out + 6), PKT_IP_MF | 72);
}
END_TEST

Suite *packet_suite(void)
{
	Suite *s = suite_create("packet");
	TCase *parse = tcase_create("parse");
	TCase *build = tcase_create("build");

	tcase_add_test(parse, parse_valid_header);
	tcase_add_test(parse, parse_rejects_each_bad_field);
	tcase_add_test(parse, parse_allows_link_padding);
	tcase_add_test(parse, status_names_are_distinct);
	tcase_add_test(parse, martian_sources);
	tcase_add_test(parse, icmp_error_types);
	suite_add_tcase(s, parse);

	tcase_add_test(build, time_exceeded_bytes);
	tcase_add_test(build, frag_needed_bytes);
	tcase_add_test(build, error_honours_room);
	tcase_add_test(build, error_rejects_short_original);
	tcase_add_test(build, echo_reply_bytes);
	tcase_add_test(build, echo_reply_rejects_bad_checksum);
	tcase_add_test(build, tcp_rst_for_syn_bytes);
	tcase_add_test(build, tcp_synack_bytes);
	tcase_add_test(build, tcp_rst_for_ack_bytes);
	tcase_add_test(build, tcp_no_answer_to_rst_or_open_ack);
	tcase_add_test(build, fragment_bytes);
	tcase_add_test(build, fragment_keeps_copied_options);
	tcase_add_test(build, fragment_of_fragment_keeps_mf);
	suite_add_tcase(s, build);
	return s;
}
