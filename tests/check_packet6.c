// SPDX-License-Identifier: MIT
/* Unit tests of IPv6 header validation, the extension header walk and the
 * IPv6 builders, byte for byte against packets that scapy built
 * (packet6_vectors.h). */
#include <check.h>
#include <string.h>

#include "check_suites.h"
#include "hopsim/checksum.h"
#include "hopsim/packet.h"
#include "hopsim/packet6.h"
#include "packet6_vectors.h"

/* 2001:db8::1, 2001:db8::2, 2001:db8:1::18, fe80::2, fe80::3 */
static const struct pkt_in6 kernel = { .b = { 0x20, 0x01, 0x0d,
					      0xb8, [15] = 1 } };
static const struct pkt_in6 router = { .b = { 0x20, 0x01, 0x0d,
					      0xb8, [15] = 2 } };
static const struct pkt_in6 server = { .b = { 0x20, 0x01, 0x0d, 0xb8, 0,
					      1, [15] = 0x18 } };
static const struct pkt_in6 router_ll = { .b = { 0xfe, 0x80, [15] = 2 } };
static const struct pkt_in6 gateway_ll = { .b = { 0xfe, 0x80, [15] = 3 } };

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

/* True when the ICMPv6 checksum of the packet @pkt verifies. */
static bool icmp6_checksum_ok(const uint8_t *pkt, size_t len)
{
	struct pkt_in6 src, dst;
	uint32_t sum;

	memcpy(src.b, pkt + 8, 16);
	memcpy(dst.b, pkt + 24, 16);
	sum = pkt6_pseudo_sum(&src, &dst, (uint32_t)(len - PKT_IPV6_HDR),
			      PKT6_NH_ICMPV6);
	return csum_fold(csum_partial(pkt + PKT_IPV6_HDR, len - PKT_IPV6_HDR,
				      sum)) == 0;
}

START_TEST(parse_valid_header)
{
	struct pkt_ipv6 ip;

	ck_assert_int_eq(
	    pkt6_parse(vec6_udp_probe, sizeof(vec6_udp_probe), &ip),
	    PKT6_VALID);
	ck_assert_uint_eq(ip.traffic_class, 0x28);
	ck_assert_uint_eq(ip.flow_label, 0x12345);
	ck_assert_uint_eq(ip.payload_len, 1408);
	ck_assert_uint_eq(ip.next_header, PKT6_NH_UDP);
	ck_assert_uint_eq(ip.hop_limit, 1);
	ck_assert(pkt6_addr_equal(&ip.src, &kernel));
	ck_assert(pkt6_addr_equal(&ip.dst, &server));
}
END_TEST

START_TEST(parse_rejects_each_bad_field)
{
	uint8_t buf[80];
	struct pkt_ipv6 ip;

	memcpy(buf, vec6_small_probe, sizeof(buf));
	ck_assert_int_eq(pkt6_parse(buf, 39, &ip), PKT6_BAD_LENGTH);

	buf[0] = 0x40;
	ck_assert_int_eq(pkt6_parse(buf, 80, &ip), PKT6_BAD_VERSION);

	memcpy(buf, vec6_small_probe, sizeof(buf));
	ck_assert_int_eq(pkt6_parse(buf, 79, &ip), PKT6_BAD_PAYLOAD_LEN);
	pkt_put16(buf + 4, 0xffff);
	ck_assert_int_eq(pkt6_parse(buf, 80, &ip), PKT6_BAD_PAYLOAD_LEN);
}
END_TEST

START_TEST(parse_allows_link_padding)
{
	uint8_t buf[100] = { 0 };
	struct pkt_ipv6 ip;

	memcpy(buf, vec6_small_probe, sizeof(vec6_small_probe));
	ck_assert_int_eq(pkt6_parse(buf, sizeof(buf), &ip), PKT6_VALID);
	ck_assert_uint_eq(ip.payload_len, 40);
}
END_TEST

START_TEST(status_names_are_distinct)
{
	ck_assert_str_eq(pkt6_status_name(PKT6_BAD_PAYLOAD_LEN),
			 "bad-payload-length");
	ck_assert_str_ne(pkt6_status_name(PKT6_BAD_LENGTH),
			 pkt6_status_name(PKT6_BAD_VERSION));
	ck_assert_str_eq(pkt6_walk_status_name(PKT6_WALK_UNKNOWN_OPTION),
			 "unknown-option");
	ck_assert_str_ne(pkt6_walk_status_name(PKT6_WALK_TRUNCATED),
			 pkt6_walk_status_name(PKT6_WALK_INCOMPLETE));
}
END_TEST

START_TEST(decrement_hop_limit)
{
	uint8_t buf[sizeof(vec6_big)];

	memcpy(buf, vec6_big, sizeof(buf));
	pkt6_decrement_hop_limit(buf);
	ck_assert_uint_eq(buf[7], 4);
	ck_assert_int_eq(memcmp(buf + 8, vec6_big + 8, sizeof(buf) - 8), 0);
}
END_TEST

START_TEST(address_predicates)
{
	static const struct pkt_in6 any;
	static const struct pkt_in6 loopback = { .b[15] = 1 };
	static const struct pkt_in6 all_nodes = { .b = { 0xff,
							 0x02, [15] = 1 } };
	static const struct pkt_in6 febf = { .b = { 0xfe, 0xbf, [15] = 1 } };
	static const struct pkt_in6 fec0 = { .b = { 0xfe, 0xc0, [15] = 1 } };

	ck_assert(pkt6_addr_is_multicast(&all_nodes));
	ck_assert(!pkt6_addr_is_multicast(&router_ll));
	ck_assert(pkt6_addr_is_link_local(&router_ll));
	ck_assert(pkt6_addr_is_link_local(&febf));
	ck_assert(!pkt6_addr_is_link_local(&fec0));
	ck_assert(!pkt6_addr_is_link_local(&kernel));
	ck_assert(pkt6_addr_is_unspecified(&any));
	ck_assert(!pkt6_addr_is_unspecified(&loopback));
	ck_assert(pkt6_addr_is_loopback(&loopback));
	ck_assert(!pkt6_addr_is_loopback(&any));
	ck_assert(!pkt6_addr_is_loopback(&kernel));
	ck_assert(pkt6_addr_equal(&kernel, &kernel));
	ck_assert(!pkt6_addr_equal(&kernel, &router));
}
END_TEST

START_TEST(icmp_error_types)
{
	uint8_t icmp[8] = { 0 };
	unsigned int type;

	for (type = 0; type < 256; type++) {
		icmp[0] = (uint8_t)type;
		ck_assert_msg(
		    pkt6_is_icmp_error(PKT6_NH_ICMPV6, icmp, 8) == (type < 128),
		    "type %u is an error exactly when below 128", type);
	}
	icmp[0] = PKT_ICMP6_TIME_EXCEEDED;
	ck_assert(!pkt6_is_icmp_error(PKT6_NH_UDP, icmp, 8));
	ck_assert(pkt6_is_icmp_error(PKT6_NH_ICMPV6, icmp, 0));
}
END_TEST

START_TEST(pseudo_sum_matches_scapy)
{
	/* scapy computed the checksum of this time exceeded. */
	ck_assert(
	    icmp6_checksum_ok(vec6_time_exceeded, sizeof(vec6_time_exceeded)));
	ck_assert(icmp6_checksum_ok(vec6_redirect, sizeof(vec6_redirect)));
}
END_TEST

/* A packet of packet6_vectors.h and the expected walk result. */
struct walk_case {
	const char *name;
	const uint8_t *pkt;
	size_t len;
	unsigned int flags;
	enum pkt6_walk_status status;
	uint8_t proto;	 /* checked for UPPER, FRAGMENT, UNKNOWN_NEXT */
	uint16_t l4_off; /* likewise */
	uint8_t code;	 /* checked when an error is due */
	uint32_t pointer;
};

#define VEC(v) #v, vec6_##v, sizeof(vec6_##v)

static const struct walk_case walk_cases[] = {
	{ VEC(small_probe), 0, PKT6_WALK_UPPER, PKT6_NH_UDP, 40, 0, 0 },
	{ VEC(ext_nh150), 0, PKT6_WALK_UNKNOWN_NEXT, 150, 40, 1, 6 },
	{ VEC(ext_proto253), 0, PKT6_WALK_UNKNOWN_NEXT, 253, 40, 1, 6 },
	{ VEC(ext_hbh_after_dest), 0, PKT6_WALK_HBH_NOT_FIRST, 0, 0, 1, 40 },
	{ VEC(ext_hbh_twice), 0, PKT6_WALK_HBH_NOT_FIRST, 0, 0, 1, 40 },
	{ VEC(ext_opt_1e), 0, PKT6_WALK_UPPER, PKT6_NH_ICMPV6, 48, 0, 0 },
	{ VEC(ext_opt_5e), 0, PKT6_WALK_OPTION_DISCARD, 0, 0, 0, 0 },
	{ VEC(opt_9e), 0, PKT6_WALK_UNKNOWN_OPTION, 0, 0, 2, 42 },
	{ VEC(ext_opt_9e_mcast), 0, PKT6_WALK_UNKNOWN_OPTION, 0, 0, 2, 42 },
	{ VEC(ext_opt_de), 0, PKT6_WALK_UNKNOWN_OPTION, 0, 0, 2, 42 },
	{ VEC(ext_opt_de_mcast), 0, PKT6_WALK_OPTION_DISCARD, 0, 0, 0, 0 },
	{ VEC(ext_opt_after_pad), 0, PKT6_WALK_UNKNOWN_OPTION, 0, 0, 2, 47 },
	{ VEC(ext_hbh_9e), 0, PKT6_WALK_UNKNOWN_OPTION, 0, 0, 2, 42 },
	{ VEC(ext_rh0_sl1), 0, PKT6_WALK_BAD_ROUTING, 0, 0, 0, 42 },
	{ VEC(ext_rh0_sl0), 0, PKT6_WALK_UPPER, PKT6_NH_ICMPV6, 64, 0, 0 },
	{ VEC(ext_rh200_sl1), 0, PKT6_WALK_BAD_ROUTING, 0, 0, 0, 42 },
	{ VEC(ext_frag_len), 0, PKT6_WALK_BAD_FRAG_LEN, 0, 0, 0, 4 },
	{ VEC(ext_frag_too_big), 0, PKT6_WALK_FRAG_TOO_BIG, 0, 0, 0, 42 },
	{ VEC(ext_frag_incomplete), 0, PKT6_WALK_INCOMPLETE, 0, 0, 3, 0 },
	{ VEC(ext_frag_incomplete_dest), 0, PKT6_WALK_INCOMPLETE, 0, 0, 3, 0 },
	{ VEC(ext_frag_atomic), 0, PKT6_WALK_UPPER, PKT6_NH_ICMPV6, 48, 0, 0 },
	{ VEC(ext_frag_first), 0, PKT6_WALK_FRAGMENT, PKT6_NH_ICMPV6, 48, 0,
	  0 },
	{ VEC(ext_frag_middle), 0, PKT6_WALK_FRAGMENT, PKT6_NH_UDP, 48, 0, 0 },
	{ VEC(echo_request_rh), 0, PKT6_WALK_UPPER, PKT6_NH_ICMPV6, 64, 0, 0 },
	/* A transit router processes Hop-by-Hop only. */
	{ VEC(opt_9e), PKT6_WALK_HBH_ONLY, PKT6_WALK_UPPER, PKT6_NH_DEST_OPTS,
	  40, 0, 0 },
	{ VEC(ext_rh0_sl1), PKT6_WALK_HBH_ONLY, PKT6_WALK_UPPER,
	  PKT6_NH_ROUTING, 40, 0, 0 },
	{ VEC(ext_nh150), PKT6_WALK_HBH_ONLY, PKT6_WALK_UPPER, 150, 40, 0, 0 },
	{ VEC(ext_hbh_twice), PKT6_WALK_HBH_ONLY, PKT6_WALK_UPPER,
	  PKT6_NH_HOP_BY_HOP, 48, 0, 0 },
	{ VEC(ext_hbh_9e), PKT6_WALK_HBH_ONLY, PKT6_WALK_UNKNOWN_OPTION, 0, 0,
	  2, 42 },
};

START_TEST(walk_outcomes)
{
	const struct walk_case *c = &walk_cases[_i];
	struct pkt6_chain chain;
	enum pkt6_walk_status status;
	struct pkt_ipv6 ip;

	ck_assert_int_eq(pkt6_parse(c->pkt, c->len, &ip), PKT6_VALID);
	status = pkt6_walk(c->pkt, &ip, c->flags, &chain);
	ck_assert_msg(status == c->status, "%s (flags %u): %s, expected %s",
		      c->name, c->flags, pkt6_walk_status_name(status),
		      pkt6_walk_status_name(c->status));
	if (status == PKT6_WALK_UPPER || status == PKT6_WALK_FRAGMENT ||
	    status == PKT6_WALK_UNKNOWN_NEXT) {
		ck_assert_msg(chain.proto == c->proto, "%s: proto %u, not %u",
			      c->name, chain.proto, c->proto);
		ck_assert_msg(chain.l4_off == c->l4_off,
			      "%s: l4_off %u, not %u", c->name, chain.l4_off,
			      c->l4_off);
	}
	if (pkt6_walk_sends_error(status)) {
		ck_assert_msg(chain.pp_code == c->code, "%s: code %u, not %u",
			      c->name, chain.pp_code, c->code);
		ck_assert_msg(chain.pp_pointer == c->pointer,
			      "%s: pointer %u, not %u", c->name,
			      chain.pp_pointer, c->pointer);
	}
}
END_TEST

START_TEST(walk_errors_are_the_rfc_ones)
{
	ck_assert(!pkt6_walk_sends_error(PKT6_WALK_UPPER));
	ck_assert(!pkt6_walk_sends_error(PKT6_WALK_FRAGMENT));
	ck_assert(!pkt6_walk_sends_error(PKT6_WALK_TRUNCATED));
	ck_assert(!pkt6_walk_sends_error(PKT6_WALK_BAD_OPTION_LEN));
	ck_assert(!pkt6_walk_sends_error(PKT6_WALK_OPTION_DISCARD));
	ck_assert(pkt6_walk_sends_error(PKT6_WALK_UNKNOWN_OPTION));
	ck_assert(pkt6_walk_sends_error(PKT6_WALK_INCOMPLETE));
}
END_TEST

START_TEST(walk_reports_fragment_fields)
{
	struct pkt6_chain chain;
	struct pkt_ipv6 ip;

	ck_assert_int_eq(
	    pkt6_parse(vec6_ext_frag_middle, sizeof(vec6_ext_frag_middle), &ip),
	    PKT6_VALID);
	ck_assert_int_eq(pkt6_walk(vec6_ext_frag_middle, &ip, 0, &chain),
			 PKT6_WALK_FRAGMENT);
	ck_assert(chain.has_frag);
	ck_assert_uint_eq(chain.frag_hdr_off, 40);
	ck_assert_uint_eq(chain.frag_offset, 800);
	ck_assert(chain.frag_more);
	ck_assert_uint_eq(chain.frag_id, 0x1234abcd);

	ck_assert_int_eq(
	    pkt6_parse(vec6_ext_frag_atomic, sizeof(vec6_ext_frag_atomic), &ip),
	    PKT6_VALID);
	ck_assert_int_eq(pkt6_walk(vec6_ext_frag_atomic, &ip, 0, &chain),
			 PKT6_WALK_UPPER);
	ck_assert_msg(chain.has_frag, "an atomic fragment still reports it");
	ck_assert_uint_eq(chain.frag_offset, 0);
	ck_assert(!chain.frag_more);
	ck_assert_uint_eq(chain.frag_id, 5);
}
END_TEST

START_TEST(walk_rejects_truncated_headers)
{
	uint8_t buf[sizeof(vec6_ext_rh0_sl0)];
	struct pkt6_chain chain;
	struct pkt_ipv6 ip;

	/* The payload length ends inside the 24-byte routing header; the
	 * bytes after it are link padding. */
	memcpy(buf, vec6_ext_rh0_sl0, sizeof(buf));
	pkt_put16(buf + 4, 16);
	ck_assert_int_eq(pkt6_parse(buf, sizeof(buf), &ip), PKT6_VALID);
	ck_assert_int_eq(pkt6_walk(buf, &ip, 0, &chain), PKT6_WALK_TRUNCATED);
	pkt_put16(buf + 4, 1);
	ck_assert_int_eq(pkt6_parse(buf, sizeof(buf), &ip), PKT6_VALID);
	ck_assert_int_eq(pkt6_walk(buf, &ip, 0, &chain), PKT6_WALK_TRUNCATED);

	/* A fragment header of 4 bytes. */
	memcpy(buf, vec6_ext_frag_atomic, 48);
	pkt_put16(buf + 4, 4);
	ck_assert_int_eq(pkt6_parse(buf, 44, &ip), PKT6_VALID);
	ck_assert_int_eq(pkt6_walk(buf, &ip, 0, &chain), PKT6_WALK_TRUNCATED);
}
END_TEST

START_TEST(walk_rejects_option_past_header)
{
	uint8_t buf[sizeof(vec6_ext_opt_1e)];
	struct pkt6_chain chain;
	struct pkt_ipv6 ip;

	/* The 0x1e option claims 6 data bytes in an 8-byte header. */
	memcpy(buf, vec6_ext_opt_1e, sizeof(buf));
	buf[43] = 6;
	ck_assert_int_eq(pkt6_parse(buf, sizeof(buf), &ip), PKT6_VALID);
	ck_assert_int_eq(pkt6_walk(buf, &ip, 0, &chain),
			 PKT6_WALK_BAD_OPTION_LEN);
}
END_TEST

START_TEST(time_exceeded_bytes)
{
	struct pkt_icmp6_error err = {
		.type = PKT_ICMP6_TIME_EXCEEDED,
		.src = router,
		.hop_limit = 64,
	};
	uint8_t out[1500];
	size_t len;

	len = pkt6_icmp_build_error(out, sizeof(out), &err, vec6_udp_probe,
				    sizeof(vec6_udp_probe));
	ck_assert_uint_eq(len, 1280);
	ck_assert(icmp6_checksum_ok(out, len));
	assert_bytes(out, len, vec6_time_exceeded, sizeof(vec6_time_exceeded));
}
END_TEST

START_TEST(error_quotes_short_packet_whole)
{
	struct pkt_icmp6_error err = {
		.type = PKT_ICMP6_TIME_EXCEEDED,
		.src = router,
		.hop_limit = 64,
	};
	uint8_t padded[sizeof(vec6_small_probe) + 6] = { 0 };
	uint8_t out[1500];
	size_t len;

	/* Link padding after the packet is not quoted. */
	memcpy(padded, vec6_small_probe, sizeof(vec6_small_probe));
	len = pkt6_icmp_build_error(out, sizeof(out), &err, padded,
				    sizeof(padded));
	assert_bytes(out, len, vec6_time_exceeded_small,
		     sizeof(vec6_time_exceeded_small));
}
END_TEST

START_TEST(packet_too_big_bytes)
{
	struct pkt_icmp6_error err = {
		.type = PKT_ICMP6_PACKET_TOO_BIG,
		.rest = 1280,
		.src = router,
		.hop_limit = 64,
	};
	uint8_t out[1500];
	size_t len;

	len = pkt6_icmp_build_error(out, sizeof(out), &err, vec6_big,
				    sizeof(vec6_big));
	ck_assert_uint_eq(len, 1280);
	ck_assert_uint_eq(pkt_get32(out + 44), 1280);
	assert_bytes(out, len, vec6_packet_too_big,
		     sizeof(vec6_packet_too_big));
}
END_TEST

START_TEST(param_problem_bytes)
{
	struct pkt_icmp6_error err = {
		.type = PKT_ICMP6_PARAM_PROBLEM,
		.src = router,
		.hop_limit = 64,
	};
	struct pkt6_chain chain;
	struct pkt_ipv6 ip;
	uint8_t out[1500];
	size_t len;

	ck_assert_int_eq(pkt6_parse(vec6_opt_9e, sizeof(vec6_opt_9e), &ip),
			 PKT6_VALID);
	ck_assert_int_eq(pkt6_walk(vec6_opt_9e, &ip, 0, &chain),
			 PKT6_WALK_UNKNOWN_OPTION);
	err.code = chain.pp_code;
	err.rest = chain.pp_pointer;
	len = pkt6_icmp_build_error(out, sizeof(out), &err, vec6_opt_9e,
				    sizeof(vec6_opt_9e));
	ck_assert_uint_eq(pkt_get32(out + 44), 42);
	assert_bytes(out, len, vec6_param_problem, sizeof(vec6_param_problem));
}
END_TEST

START_TEST(error_in_place_and_small_cap)
{
	struct pkt_icmp6_error err = {
		.type = PKT_ICMP6_TIME_EXCEEDED,
		.src = router,
		.hop_limit = 64,
	};
	uint8_t buf[1500];
	size_t len;

	memcpy(buf, vec6_udp_probe, sizeof(vec6_udp_probe));
	len = pkt6_icmp_build_error(buf, sizeof(buf), &err, buf,
				    sizeof(vec6_udp_probe));
	assert_bytes(buf, len, vec6_time_exceeded, sizeof(vec6_time_exceeded));

	len = pkt6_icmp_build_error(buf, 300, &err, vec6_udp_probe,
				    sizeof(vec6_udp_probe));
	ck_assert_uint_eq(len, 300);
	ck_assert_uint_eq(pkt_get16(buf + 4), 260);
	ck_assert(icmp6_checksum_ok(buf, len));
	ck_assert_uint_eq(pkt6_icmp_build_error(buf, 87, &err, vec6_udp_probe,
						sizeof(vec6_udp_probe)),
			  0);
	ck_assert_uint_eq(
	    pkt6_icmp_build_error(buf, sizeof(buf), &err, vec6_udp_probe, 39),
	    0);
}
END_TEST

START_TEST(echo_reply_bytes)
{
	uint8_t buf[sizeof(vec6_echo_request)];
	size_t len;

	memcpy(buf, vec6_echo_request, sizeof(buf));
	len = pkt6_icmp_echo_reply(buf, sizeof(buf), NULL, 64);
	assert_bytes(buf, len, vec6_echo_reply, sizeof(vec6_echo_reply));
}
END_TEST

START_TEST(echo_reply_drops_routing_header)
{
	uint8_t buf[sizeof(vec6_echo_request_rh)];
	size_t len;

	memcpy(buf, vec6_echo_request_rh, sizeof(buf));
	len = pkt6_icmp_echo_reply(buf, sizeof(buf), &server, 255);
	assert_bytes(buf, len, vec6_echo_reply_rh, sizeof(vec6_echo_reply_rh));
}
END_TEST

START_TEST(echo_reply_rejects_bad_request)
{
	uint8_t buf[sizeof(vec6_echo_request)];

	memcpy(buf, vec6_echo_request, sizeof(buf));
	buf[60] ^= 0xff;
	ck_assert_msg(pkt6_icmp_echo_reply(buf, sizeof(buf), NULL, 64) == 0,
		      "a bad checksum gets no reply");

	memcpy(buf, vec6_echo_reply, sizeof(vec6_echo_reply));
	ck_assert_msg(
	    pkt6_icmp_echo_reply(buf, sizeof(vec6_echo_reply), NULL, 64) == 0,
	    "an echo reply gets no reply");

	memcpy(buf, vec6_ext_frag_first, sizeof(vec6_ext_frag_first));
	ck_assert_msg(pkt6_icmp_echo_reply(buf, sizeof(vec6_ext_frag_first),
					   NULL, 64) == 0,
		      "a fragment is answered only after reassembly");

	memcpy(buf, vec6_echo_request, sizeof(buf));
	ck_assert_uint_eq(pkt6_icmp_echo_reply(buf, sizeof(buf) - 1, NULL, 64),
			  0);
}
END_TEST

START_TEST(redirect_bytes)
{
	uint8_t out[1500];
	size_t len;

	len = pkt6_icmp_build_redirect(out, sizeof(out), &router_ll,
				       &gateway_ll, vec6_redirect_trigger,
				       sizeof(vec6_redirect_trigger));
	ck_assert_uint_eq(len, 1280);
	ck_assert_uint_eq(out[80], 4);
	ck_assert_uint_eq(out[81] * 8, 1200);
	assert_bytes(out, len, vec6_redirect, sizeof(vec6_redirect));
}
END_TEST

START_TEST(redirect_short_trigger_bytes)
{
	uint8_t buf[1500];
	size_t len;

	len = pkt6_icmp_build_redirect(buf, sizeof(buf), &router_ll,
				       &gateway_ll, vec6_redirect_short_trigger,
				       sizeof(vec6_redirect_short_trigger));
	assert_bytes(buf, len, vec6_redirect_short,
		     sizeof(vec6_redirect_short));

	memcpy(buf, vec6_redirect_short_trigger,
	       sizeof(vec6_redirect_short_trigger));
	len =
	    pkt6_icmp_build_redirect(buf, sizeof(buf), &router_ll, &gateway_ll,
				     buf, sizeof(vec6_redirect_short_trigger));
	assert_bytes(buf, len, vec6_redirect_short,
		     sizeof(vec6_redirect_short));
	ck_assert_uint_eq(pkt6_icmp_build_redirect(buf, 127, &router_ll,
						   &gateway_ll,
						   vec6_redirect_trigger, 1448),
			  0);
}
END_TEST

START_TEST(tcp_rst_for_syn_bytes)
{
	uint8_t out[100];
	size_t len;

	len = pkt6_tcp_build_answer(out, sizeof(out), vec6_tcp_syn,
				    sizeof(vec6_tcp_syn), false, 0, 1440, 64);
	assert_bytes(out, len, vec6_tcp_rst, sizeof(vec6_tcp_rst));
}
END_TEST

START_TEST(tcp_synack_bytes)
{
	uint8_t out[100];
	size_t len;

	/* The SYN carries a Destination Options header. */
	len = pkt6_tcp_build_answer(out, sizeof(out), vec6_tcp_syn80,
				    sizeof(vec6_tcp_syn80), true, 0x11223344,
				    1440, 64);
	assert_bytes(out, len, vec6_tcp_synack, sizeof(vec6_tcp_synack));
}
END_TEST

START_TEST(tcp_rst_for_ack_bytes)
{
	uint8_t out[100];
	size_t len;

	len = pkt6_tcp_build_answer(out, sizeof(out), vec6_tcp_ack,
				    sizeof(vec6_tcp_ack), false, 0, 1440, 64);
	assert_bytes(out, len, vec6_tcp_rst_for_ack,
		     sizeof(vec6_tcp_rst_for_ack));
}
END_TEST

START_TEST(tcp_no_answer_to_rst_or_open_ack)
{
	uint8_t seg[sizeof(vec6_tcp_ack)];
	uint8_t out[100];
	size_t len;

	/* A stray ACK to a listening port gets the RST a closed port sends
	 * (RFC 9293 3.10.7.2). */
	len = pkt6_tcp_build_answer(out, sizeof(out), vec6_tcp_ack,
				    sizeof(vec6_tcp_ack), true, 0, 1440, 64);
	ck_assert_uint_eq(len, sizeof(vec6_tcp_rst_for_ack));
	ck_assert_int_eq(memcmp(out, vec6_tcp_rst_for_ack, len), 0);
	memcpy(seg, vec6_tcp_ack, sizeof(seg));
	seg[40 + 13] = PKT_TCP_RST;
	ck_assert_uint_eq(pkt6_tcp_build_answer(out, sizeof(out), seg,
						sizeof(seg), false, 0, 1440,
						64),
			  0);
	ck_assert_uint_eq(pkt6_tcp_build_answer(out, 59, vec6_tcp_syn,
						sizeof(vec6_tcp_syn), false, 0,
						1440, 64),
			  0);
	ck_assert_uint_eq(pkt6_tcp_build_answer(out, sizeof(out), vec6_tcp_syn,
						sizeof(vec6_tcp_syn) - 1, false,
						0, 1440, 64),
			  0);
}
END_TEST

/*
 * Writes a packet from @src to @dst carrying an ICMPv6 message of @type,
 * or UDP when @type is negative, and returns its length.
 */
static size_t make_packet(uint8_t *buf, const struct pkt_in6 *src,
			  const struct pkt_in6 *dst, int type)
{
	memset(buf, 0, 48);
	pkt6_write_header(buf, 0, 8, type < 0 ? PKT6_NH_UDP : PKT6_NH_ICMPV6, 1,
			  src, dst);
	if (type >= 0)
		buf[40] = (uint8_t)type;
	return 48;
}

/* One row of the RFC 4443 2.4(e) table. */
struct eligibility_case {
	const char *name;
	const struct pkt_in6 *src;
	const struct pkt_in6 *dst;
	int carried; /* ICMPv6 type inside, or -1 for UDP */
	bool link_multicast;
	uint8_t type, code;
	bool allowed;
};

static const struct pkt_in6 any_addr;
static const struct pkt_in6 site_mcast = { .b = { 0xff, 0x0e, [15] = 1 } };
static const struct pkt_in6 all_nodes = { .b = { 0xff, 0x02, [15] = 1 } };

static const struct eligibility_case eligibility_cases[] = {
	{ "udp", &kernel, &server, -1, false, 3, 0, true },
	{ "echo request", &kernel, &server, 128, false, 3, 0, true },
	{ "echo reply", &kernel, &server, 129, false, 3, 0, true },
	{ "dest unreach", &kernel, &server, 1, false, 3, 0, false },
	{ "packet too big", &kernel, &server, 2, false, 3, 0, false },
	{ "time exceeded", &kernel, &server, 3, false, 3, 0, false },
	{ "param problem", &kernel, &server, 4, false, 3, 0, false },
	{ "type 127", &kernel, &server, 127, false, 3, 0, false },
	{ "redirect", &kernel, &server, 137, false, 3, 0, false },
	{ "ptb about error", &kernel, &server, 1, false, 2, 0, false },
	{ "mcast dst te", &kernel, &all_nodes, -1, false, 3, 0, false },
	{ "mcast dst du", &kernel, &all_nodes, -1, false, 1, 0, false },
	{ "mcast dst ptb", &kernel, &all_nodes, -1, false, 2, 0, true },
	{ "mcast dst pp 0", &kernel, &all_nodes, -1, false, 4, 0, false },
	{ "link mcast te", &kernel, &server, -1, true, 3, 0, false },
	{ "link mcast ptb", &kernel, &server, -1, true, 2, 0, true },
	{ "src any ptb", &any_addr, &server, -1, false, 2, 0, false },
	{ "src any te", &any_addr, &server, -1, false, 3, 0, false },
	{ "src mcast ptb", &site_mcast, &server, -1, false, 2, 0, false },
	{ "src link-local", &router_ll, &server, -1, false, 3, 0, true },
};

START_TEST(eligibility_table)
{
	const struct eligibility_case *c = &eligibility_cases[_i];
	struct pkt_icmp6_error err = { .type = c->type, .code = c->code };
	uint8_t buf[48];
	size_t len;

	len = make_packet(buf, c->src, c->dst, c->carried);
	ck_assert_msg(pkt6_icmp_error_allowed(&err, buf, len,
					      c->link_multicast) == c->allowed,
		      "%s: an error of type %u should %sbe allowed", c->name,
		      c->type, c->allowed ? "" : "not ");
}
END_TEST

/* True when the Parameter Problem that the walk of @pkt yields may be
 * sent. */
static bool option_error_allowed(const uint8_t *pkt, size_t len,
				 bool link_multicast)
{
	struct pkt_icmp6_error err = { .type = PKT_ICMP6_PARAM_PROBLEM };
	struct pkt6_chain chain;
	struct pkt_ipv6 ip;

	ck_assert_int_eq(pkt6_parse(pkt, len, &ip), PKT6_VALID);
	ck_assert_int_eq(pkt6_walk(pkt, &ip, 0, &chain),
			 PKT6_WALK_UNKNOWN_OPTION);
	err.code = chain.pp_code;
	err.rest = chain.pp_pointer;
	return pkt6_icmp_error_allowed(&err, pkt, len, link_multicast);
}

START_TEST(eligibility_option_exception)
{
	ck_assert_msg(option_error_allowed(vec6_ext_opt_9e_mcast,
					   sizeof(vec6_ext_opt_9e_mcast),
					   false),
		      "option 0x9e to ff02::1 gets 4/2");
	ck_assert_msg(
	    option_error_allowed(vec6_opt_9e, sizeof(vec6_opt_9e), true),
	    "option 0x9e as link-layer multicast gets 4/2");
	ck_assert_msg(option_error_allowed(vec6_ext_opt_de,
					   sizeof(vec6_ext_opt_de), false),
		      "option 0xde to unicast gets 4/2");
	ck_assert_msg(!option_error_allowed(vec6_ext_opt_de,
					    sizeof(vec6_ext_opt_de), true),
		      "option 0xde as link-layer multicast gets nothing");
}
END_TEST

START_TEST(eligibility_looks_past_ext_headers)
{
	struct pkt_icmp6_error err = { .type = PKT_ICMP6_TIME_EXCEEDED };
	uint8_t buf[sizeof(vec6_ext_opt_1e)];
	uint8_t frag[sizeof(vec6_ext_frag_middle)];

	/* An ICMPv6 error behind a Destination Options header. */
	memcpy(buf, vec6_ext_opt_1e, sizeof(buf));
	ck_assert(pkt6_icmp_error_allowed(&err, buf, sizeof(buf), false));
	buf[48] = PKT_ICMP6_DEST_UNREACH;
	ck_assert(!pkt6_icmp_error_allowed(&err, buf, sizeof(buf), false));

	/* The message type is cut off: treated as an error. */
	ck_assert(!pkt6_icmp_error_allowed(&err, buf, 48, false));
	ck_assert(!pkt6_icmp_error_allowed(&err, buf, 39, false));

	/* A later fragment's data is no ICMPv6 header. */
	memcpy(frag, vec6_ext_frag_middle, sizeof(frag));
	frag[40] = PKT6_NH_ICMPV6;
	frag[48] = PKT_ICMP6_DEST_UNREACH;
	ck_assert(pkt6_icmp_error_allowed(&err, frag, sizeof(frag), false));
}
END_TEST

Suite *packet6_suite(void)
{
	Suite *s = suite_create("packet6");
	TCase *parse = tcase_create("parse");
	TCase *walk = tcase_create("walk");
	TCase *build = tcase_create("build");
	TCase *eligible = tcase_create("eligibility");

	tcase_add_test(parse, parse_valid_header);
	tcase_add_test(parse, parse_rejects_each_bad_field);
	tcase_add_test(parse, parse_allows_link_padding);
	tcase_add_test(parse, status_names_are_distinct);
	tcase_add_test(parse, decrement_hop_limit);
	tcase_add_test(parse, address_predicates);
	tcase_add_test(parse, icmp_error_types);
	tcase_add_test(parse, pseudo_sum_matches_scapy);
	suite_add_tcase(s, parse);

	tcase_add_loop_test(walk, walk_outcomes, 0,
			    sizeof(walk_cases) / sizeof(walk_cases[0]));
	tcase_add_test(walk, walk_errors_are_the_rfc_ones);
	tcase_add_test(walk, walk_reports_fragment_fields);
	tcase_add_test(walk, walk_rejects_truncated_headers);
	tcase_add_test(walk, walk_rejects_option_past_header);
	suite_add_tcase(s, walk);

	tcase_add_test(build, time_exceeded_bytes);
	tcase_add_test(build, error_quotes_short_packet_whole);
	tcase_add_test(build, packet_too_big_bytes);
	tcase_add_test(build, param_problem_bytes);
	tcase_add_test(build, error_in_place_and_small_cap);
	tcase_add_test(build, echo_reply_bytes);
	tcase_add_test(build, echo_reply_drops_routing_header);
	tcase_add_test(build, echo_reply_rejects_bad_request);
	tcase_add_test(build, redirect_bytes);
	tcase_add_test(build, redirect_short_trigger_bytes);
	tcase_add_test(build, tcp_rst_for_syn_bytes);
	tcase_add_test(build, tcp_synack_bytes);
	tcase_add_test(build, tcp_rst_for_ack_bytes);
	tcase_add_test(build, tcp_no_answer_to_rst_or_open_ack);
	suite_add_tcase(s, build);

	tcase_add_loop_test(eligible, eligibility_table, 0,
			    sizeof(eligibility_cases) /
				sizeof(eligibility_cases[0]));
	tcase_add_test(eligible, eligibility_option_exception);
	tcase_add_test(eligible, eligibility_looks_past_ext_headers);
	suite_add_tcase(s, eligible);
	return s;
}
