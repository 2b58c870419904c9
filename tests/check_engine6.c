// SPDX-License-Identifier: MIT
/* Unit tests of the engine's IPv6 decisions, driven with no TUN device. */
#include <check.h>
#include <string.h>

#include "check_suites.h"
#include "hopsim/checksum.h"
#include "hopsim/engine.h"
#include "hopsim/packet.h"
#include "hopsim/packet6.h"
#include "hopsim/topology.h"

#define MAX_OUT 8

struct capture6 {
	int n;
	int tun[MAX_OUT];
	uint64_t due[MAX_OUT];
	size_t len[MAX_OUT];
	uint8_t pkt[MAX_OUT][2048];
};

static int capture_output(void *ctx, int tun, uint64_t due_us,
			  const uint8_t *packet, size_t len)
{
	struct capture6 *c = ctx;

	ck_assert_int_lt(c->n, MAX_OUT);
	ck_assert_uint_le(len, sizeof(c->pkt[0]));
	c->tun[c->n] = tun;
	c->due[c->n] = due_us;
	c->len[c->n] = len;
	memcpy(c->pkt[c->n], packet, len);
	c->n++;
	return 0;
}

/* The default chain with a 1280-byte link to a second TUN on r5, and
 * static routes of each kind on r3. */
static const char chain6_yaml[] =
    "tun:\n"
    "  hop0: { router: r1 }\n"
    "  hop1: { router: r5 }\n"
    "routers:\n"
    "  r1:\n"
    "  r2:\n"
    "  r3: { routes: [ \"blackhole 2001:db8:f3::/48\",\n"
    "                  \"unreachable 2001:db8:f1::/48\",\n"
    "                  \"prohibit 2001:db8:f2::/48\" ] }\n"
    "  r4:\n"
    "  r5:\n"
    "hosts:\n"
    "  server: { tcp-open: [80] }\n"
    "links:\n"
    "  - r1 -- r2: { delay: 1ms }\n"
    "  - r2 -- r3: { delay: 1ms }\n"
    "  - r3 -- r4: { delay: 1ms }\n"
    "  - r4 -- r5: { delay: 1ms, mtu: 1280 }\n"
    "  - r5 -- server: { delay: 1ms }\n";

static struct topology *topo;
static struct engine *engine;
static struct capture6 cap;

static struct pkt_in6 addr6(const char *text)
{
	struct pkt_in6 a;

	ck_assert_int_eq(topo_parse_ipv6(text, &a), 0);
	return a;
}

static void start(void)
{
	struct engine_ops ops = { .output = capture_output };
	struct topo_error err;

	memset(&cap, 0, sizeof(cap));
	topo = topo_load_string("engine6.yaml", chain6_yaml,
				strlen(chain6_yaml), &err);
	ck_assert_msg(topo != NULL, "fixture does not load: %s", err.message);
	engine = engine_create(topo, &ops, &cap, 1);
	ck_assert_ptr_nonnull(engine);
}

static void stop(void)
{
	engine_destroy(engine);
	topo_destroy(topo);
}

/* Writes a UDP datagram from the kernel end of hop0 with @payload bytes
 * after an optional extension header @ext of @ext_len bytes (its first
 * byte, the next header, is filled in). */
static size_t make_udp6(uint8_t *buf, const char *dst, uint8_t hlim,
			uint8_t ext_type, const uint8_t *ext, size_t ext_len,
			size_t payload)
{
	struct pkt_in6 src = addr6("2001:db8::1"), d = addr6(dst);
	size_t udp_len = 8 + payload;
	uint8_t *udp = buf + 40 + ext_len;
	uint32_t sum;

	memset(buf, 0x5a, 40 + ext_len + udp_len);
	pkt6_write_header(buf, 0, (uint16_t)(ext_len + udp_len),
			  ext_len ? ext_type : PKT6_NH_UDP, hlim, &src, &d);
	if (ext_len) {
		memcpy(buf + 40, ext, ext_len);
		buf[40] = PKT6_NH_UDP;
	}
	pkt_put16(udp, 40000);
	pkt_put16(udp + 2, 33434);
	pkt_put16(udp + 4, (uint16_t)udp_len);
	pkt_put16(udp + 6, 0);
	sum = pkt6_pseudo_sum(&src, &d, (uint32_t)udp_len, PKT6_NH_UDP);
	pkt_put16(udp + 6, csum_fold(csum_partial(udp, udp_len, sum)));
	return 40 + ext_len + udp_len;
}

static size_t make_echo6(uint8_t *buf, const char *dst, uint8_t hlim)
{
	struct pkt_in6 src = addr6("2001:db8::1"), d = addr6(dst);
	uint8_t *icmp = buf + 40;
	uint32_t sum;
	int i;

	pkt6_write_header(buf, 0, 64, PKT6_NH_ICMPV6, hlim, &src, &d);
	memset(icmp, 0, 8);
	icmp[0] = PKT_ICMP6_ECHO_REQUEST;
	pkt_put16(icmp + 4, 0x77);
	pkt_put16(icmp + 6, 3);
	for (i = 8; i < 64; i++)
		icmp[i] = (uint8_t)i;
	sum = pkt6_pseudo_sum(&src, &d, 64, PKT6_NH_ICMPV6);
	pkt_put16(icmp + 2, csum_fold(csum_partial(icmp, 64, sum)));
	return 104;
}

/* Checks output @i: an ICMPv6 @type/@code from @src whose checksum
 * verifies. */
static void assert_icmp6(int i, const char *src, uint8_t type, uint8_t code)
{
	const uint8_t *p = cap.pkt[i];
	struct pkt_in6 want = addr6(src), got, dst;
	char text[48];
	uint32_t sum;

	memcpy(got.b, p + 8, 16);
	memcpy(dst.b, p + 24, 16);
	ck_assert_msg(p[6] == PKT6_NH_ICMPV6, "output %d is not ICMPv6", i);
	ck_assert_msg(pkt6_addr_equal(&got, &want),
		      "output %d comes from %s, expected %s", i,
		      topo_format_ipv6(&got, text), src);
	ck_assert_msg(p[40] == type && p[41] == code,
		      "output %d is ICMPv6 %u/%u, expected %u/%u", i, p[40],
		      p[41], type, code);
	sum = pkt6_pseudo_sum(&got, &dst, (uint32_t)(cap.len[i] - 40),
			      PKT6_NH_ICMPV6);
	ck_assert_msg(csum_fold(csum_partial(p + 40, cap.len[i] - 40, sum)) ==
			  0,
		      "output %d: bad ICMPv6 checksum", i);
}

START_TEST(engine6_hop_limit_walks_the_chain)
{
	static const char *const hops[] = { "2001:db8::2", "2001:db8:1::2",
					    "2001:db8:1:1::2",
					    "2001:db8:1:2::2",
					    "2001:db8:1:3::2" };
	uint8_t buf[256];
	size_t len;
	int hlim;

	start();
	for (hlim = 1; hlim <= 5; hlim++) {
		cap.n = 0;
		len = make_udp6(buf, "2001:db8:1:4::2", (uint8_t)hlim, 0, NULL,
				0, 32);
		engine_input(engine, 0, 1000, buf, len);
		ck_assert_int_eq(cap.n, 1);
		assert_icmp6(0, hops[hlim - 1], PKT_ICMP6_TIME_EXCEEDED, 0);
		ck_assert_uint_eq(cap.due[0],
				  1000 + 2000 * (uint64_t)(hlim - 1));
		/* The quote contains the hop limit as it arrived: 1. */
		ck_assert_uint_eq(cap.pkt[0][48 + 7], 1);
		ck_assert_uint_eq(cap.pkt[0][7], 64 - (hlim - 1));
		ck_assert_uint_eq(
		    cap.pkt[0][1] >> 4 | (cap.pkt[0][0] & 15) << 4, 0);
	}
	stop();
}
END_TEST

START_TEST(engine6_port_unreachable_and_echo)
{
	uint8_t buf[256];
	size_t len;

	start();
	len = make_udp6(buf, "2001:db8:1:4::2", 64, 0, NULL, 0, 32);
	engine_input(engine, 0, 0, buf, len);
	ck_assert_int_eq(cap.n, 1);
	assert_icmp6(0, "2001:db8:1:4::2", PKT_ICMP6_DEST_UNREACH, 4);
	ck_assert_uint_eq(cap.pkt[0][7], 59);
	ck_assert_uint_eq(cap.due[0], 10000);

	len = make_echo6(buf, "2001:db8:1:4::2", 64);
	engine_input(engine, 0, 0, buf, len);
	ck_assert_int_eq(cap.n, 2);
	assert_icmp6(1, "2001:db8:1:4::2", PKT_ICMP6_ECHO_REPLY, 0);
	ck_assert_uint_eq(cap.pkt[1][7], 59);
	ck_assert_uint_eq(pkt_get16(cap.pkt[1] + 44), 0x77);
	ck_assert_uint_eq(pkt_get16(cap.pkt[1] + 46), 3);
	ck_assert_int_eq(memcmp(cap.pkt[1] + 48, buf + 48, 56), 0);
	stop();
}
END_TEST

START_TEST(engine6_quote_limit_1280)
{
	uint8_t buf[1600];
	size_t len;

	start();
	len = make_udp6(buf, "2001:db8:1:4::2", 1, 0, NULL, 0, 1400);
	ck_assert_uint_eq(len, 1448);
	engine_input(engine, 0, 0, buf, len);
	ck_assert_int_eq(cap.n, 1);
	ck_assert_uint_eq(cap.len[0], 1280);
	ck_assert_int_eq(memcmp(cap.pkt[0] + 48, buf, 1232), 0);
	stop();
}
END_TEST

START_TEST(engine6_packet_too_big)
{
	uint8_t buf[1600];
	size_t len;

	start();
	len = make_udp6(buf, "2001:db8:1:4::2", 64, 0, NULL, 0, 1300);
	engine_input(engine, 0, 0, buf, len);
	ck_assert_int_eq(cap.n, 1);
	assert_icmp6(0, "2001:db8:1:2::2", PKT_ICMP6_PACKET_TOO_BIG, 0);
	ck_assert_uint_eq(pkt_get32(cap.pkt[0] + 44), 1280);
	ck_assert_uint_le(cap.len[0], 1280);
	stop();
}
END_TEST

START_TEST(engine6_route_kinds)
{
	uint8_t buf[256];
	size_t len;

	start();
	len = make_udp6(buf, "2001:db8:f3::1", 64, 0, NULL, 0, 8);
	engine_input(engine, 0, 0, buf, len);
	ck_assert_int_eq(cap.n, 0);

	len = make_udp6(buf, "2001:db8:f1::1", 64, 0, NULL, 0, 8);
	engine_input(engine, 0, 0, buf, len);
	ck_assert_int_eq(cap.n, 1);
	assert_icmp6(0, "2001:db8:1:1::2", PKT_ICMP6_DEST_UNREACH, 6);

	len = make_udp6(buf, "2001:db8:f2::1", 64, 0, NULL, 0, 8);
	engine_input(engine, 0, 0, buf, len);
	ck_assert_int_eq(cap.n, 2);
	assert_icmp6(1, "2001:db8:1:1::2", PKT_ICMP6_DEST_UNREACH, 1);

	len = make_udp6(buf, "2001:db8:99::1", 64, 0, NULL, 0, 8);
	engine_input(engine, 0, 0, buf, len);
	ck_assert_int_eq(cap.n, 3);
	assert_icmp6(2, "2001:db8::2", PKT_ICMP6_DEST_UNREACH, 0);

	/* On r1's connected hop0 /64 but owned by no interface: address
	 * unreachable after the neighbour discovery timeout. */
	len = make_udp6(buf, "2001:db8::77", 64, 0, NULL, 0, 8);
	engine_input(engine, 0, 0, buf, len);
	ck_assert_int_eq(cap.n, 4);
	assert_icmp6(3, "2001:db8::2", PKT_ICMP6_DEST_UNREACH, 3);
	ck_assert_uint_eq(cap.due[3], TOPO_DEFAULT_ARP_TIMEOUT_US);
	stop();
}
END_TEST

START_TEST(engine6_unknown_next_header)
{
	uint8_t buf[256];
	size_t len;

	start();
	len = make_udp6(buf, "2001:db8::2", 64, 0, NULL, 0, 8);
	buf[6] = 150;
	engine_input(engine, 0, 0, buf, len);
	ck_assert_int_eq(cap.n, 1);
	assert_icmp6(0, "2001:db8::2", PKT_ICMP6_PARAM_PROBLEM, 1);
	ck_assert_uint_eq(pkt_get32(cap.pkt[0] + 44), 6);
	stop();
}
END_TEST

START_TEST(engine6_options_by_action_bits)
{
	/* Destination options with one 2-byte option, then PadN. */
	uint8_t opts[8] = { 0, 0, 0x9e, 0, 1, 2, 0, 0 };
	uint8_t buf[256];
	size_t len;

	start();
	/* To r1 itself: action 10 means drop and parameter problem 2. */
	len = make_udp6(buf, "2001:db8::2", 64, PKT6_NH_DEST_OPTS, opts, 8, 8);
	engine_input(engine, 0, 0, buf, len);
	ck_assert_int_eq(cap.n, 1);
	assert_icmp6(0, "2001:db8::2", PKT_ICMP6_PARAM_PROBLEM, 2);
	ck_assert_uint_eq(pkt_get32(cap.pkt[0] + 44), 42);

	/* In transit, destination options are left alone: the server
	 * replies with its own parameter problem. */
	len = make_udp6(buf, "2001:db8:1:4::2", 64, PKT6_NH_DEST_OPTS, opts, 8,
			8);
	engine_input(engine, 0, 0, buf, len);
	ck_assert_int_eq(cap.n, 2);
	assert_icmp6(1, "2001:db8:1:4::2", PKT_ICMP6_PARAM_PROBLEM, 2);

	/* Action 01: a silent drop. */
	opts[2] = 0x5e;
	len = make_udp6(buf, "2001:db8::2", 64, PKT6_NH_DEST_OPTS, opts, 8, 8);
	engine_input(engine, 0, 0, buf, len);
	ck_assert_int_eq(cap.n, 2);

	/* Hop-by-Hop options are processed by every router. */
	opts[2] = 0x9e;
	len = make_udp6(buf, "2001:db8:1:4::2", 64, PKT6_NH_HOP_BY_HOP, opts, 8,
			8);
	engine_input(engine, 0, 0, buf, len);
	ck_assert_int_eq(cap.n, 3);
	assert_icmp6(2, "2001:db8::2", PKT_ICMP6_PARAM_PROBLEM, 2);
	stop();
}
END_TEST

START_TEST(engine6_no_error_about_errors_or_multicast)
{
	const uint64_t *drops;
	uint8_t buf[256];
	size_t len;

	start();
	/* An ICMPv6 time exceeded with hop limit 1: no error about it. */
	len = make_echo6(buf, "2001:db8:1:4::2", 1);
	buf[40] = PKT_ICMP6_TIME_EXCEEDED;
	engine_input(engine, 0, 0, buf, len);
	ck_assert_int_eq(cap.n, 0);

	/* The kernel's router solicitation to ff02::2 is counted only. */
	len = make_echo6(buf, "ff02::2", 255);
	buf[40] = 133;
	engine_input(engine, 0, 0, buf, len);
	ck_assert_int_eq(cap.n, 0);
	drops = engine_drop_counters(engine);
	ck_assert_uint_eq(drops[ENGINE_DROP_IPV6_MULTICAST], 1);
	stop();
}
END_TEST

START_TEST(engine6_forwards_to_second_tun)
{
	uint8_t buf[256];
	size_t len;

	start();
	len = make_udp6(buf, "2001:db8:0:1::1", 64, 0, NULL, 0, 8);
	engine_input(engine, 0, 0, buf, len);
	ck_assert_int_eq(cap.n, 1);
	ck_assert_int_eq(cap.tun[0], 1);
	ck_assert_uint_eq(cap.pkt[0][7], 59);
	ck_assert_uint_eq(cap.due[0], 4000);
	stop();
}
END_TEST

START_TEST(engine6_link_local_source_beyond_scope)
{
	uint8_t buf[256];
	size_t len;

	/* From the kernel's link-local address to the server: r1 must not
	 * send it off the hop0 link, so it replies 1/2 from its own
	 * link-local address there. */
	start();
	len = make_echo6(buf, "2001:db8:1:4::2", 64);
	memcpy(buf + 8, addr6("fe80::1:1").b, 16);
	engine_input(engine, 0, 0, buf, len);
	ck_assert_int_eq(cap.n, 1);
	assert_icmp6(0, "fe80::1:2", PKT_ICMP6_DEST_UNREACH, 2);
	ck_assert_int_eq(memcmp(cap.pkt[0] + 24, addr6("fe80::1:1").b, 16), 0);
	ck_assert_uint_eq(cap.pkt[0][7], 64);
	ck_assert_int_eq(cap.tun[0], 0);
	stop();
}
END_TEST

Suite *engine6_suite(void)
{
	Suite *s = suite_create("engine6");
	TCase *tc = tcase_create("decisions");

	tcase_add_test(tc, engine6_hop_limit_walks_the_chain);
	tcase_add_test(tc, engine6_port_unreachable_and_echo);
	tcase_add_test(tc, engine6_quote_limit_1280);
	tcase_add_test(tc, engine6_packet_too_big);
	tcase_add_test(tc, engine6_route_kinds);
	tcase_add_test(tc, engine6_unknown_next_header);
	tcase_add_test(tc, engine6_options_by_action_bits);
	tcase_add_test(tc, engine6_no_error_about_errors_or_multicast);
	tcase_add_test(tc, engine6_forwards_to_second_tun);
	tcase_add_test(tc, engine6_link_local_source_beyond_scope);
	suite_add_tcase(s, tc);
	return s;
}
