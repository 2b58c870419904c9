// SPDX-License-Identifier: MIT
/* Unit tests of the engine's decisions, driven with no TUN device. */
#include <check.h>
#include <string.h>

#include "check_suites.h"
#include "hopsim/checksum.h"
#include "hopsim/engine.h"
#include "hopsim/packet.h"
#include "hopsim/topology.h"

#define MAX_OUT 16
#define KERNEL	0xc6120001u /* 198.18.0.1, the kernel end of hop0 */
#define R1	0xc6120002u /* 198.18.0.2 */
#define SERVER	0xc6120112u /* 198.18.1.18 in the chain */

struct capture {
	int n;
	int tun[MAX_OUT];
	uint64_t due[MAX_OUT];
	size_t len[MAX_OUT];
	uint8_t pkt[MAX_OUT][2048];
};

static int capture_output(void *ctx, int tun, uint64_t due_us,
			  const uint8_t *packet, size_t len)
{
	struct capture *c = ctx;

	ck_assert_int_lt(c->n, MAX_OUT);
	ck_assert_uint_le(len, sizeof(c->pkt[0]));
	c->tun[c->n] = tun;
	c->due[c->n] = due_us;
	c->len[c->n] = len;
	memcpy(c->pkt[c->n], packet, len);
	c->n++;
	return 0;
}

static const char chain_yaml[] =
    "tun:\n"
    "  hop0: { router: r1 }\n"
    "routers:\n"
    "  r1:\n"
    "  r2:\n"
    "  r3: { routes: [ \"blackhole 198.18.200.0/24\",\n"
    "                  \"unreachable 198.18.201.0/24\",\n"
    "                  \"prohibit 198.18.202.0/24\" ] }\n"
    "  r4:\n"
    "  r5:\n"
    "hosts:\n"
    "  server: { tcp-open: [80] }\n"
    "  lan:\n"
    "links:\n"
    "  - r1 -- r2: { delay: 1ms }\n"
    "  - r2 -- r3: { delay: 1ms }\n"
    "  - r3 -- r4: { delay: 1ms }\n"
    "  - r4 -- r5: { delay: 1ms }\n"
    "  - r5 -- server: { delay: 1ms }\n"
    "  - r2 -- lan: { subnet: 198.18.50.0/24 }\n";

/* r1 and r2 each with a TUN device, joined by a 1280-byte link. */
static const char pair_yaml[] = "tun:\n"
				"  hop0: { router: r1 }\n"
				"  hop1: { router: r2 }\n"
				"routers: [r1, r2]\n"
				"links:\n"
				"  - r1 -- r2: { mtu: 1280 }\n";

static struct topology *topo;
static struct engine *engine;
static struct capture cap;

static void start(const char *yaml)
{
	struct engine_ops ops = { .output = capture_output };
	struct topo_error err;

	memset(&cap, 0, sizeof(cap));
	topo = topo_load_string("engine.yaml", yaml, strlen(yaml), &err);
	ck_assert_msg(topo != NULL, "fixture does not load: %s", err.message);
	engine = engine_create(topo, &ops, &cap, 1);
	ck_assert_ptr_nonnull(engine);
}

static void stop(void)
{
	engine_destroy(engine);
	topo_destroy(topo);
	engine = NULL;
	topo = NULL;
}

static void start_chain(void)
{
	start(chain_yaml);
}

static size_t make_udp(uint8_t *buf, uint32_t dst, uint8_t ttl, uint16_t id,
		       uint16_t frag, size_t payload)
{
	size_t total = 20 + 8 + payload;
	uint32_t sum;

	memset(buf, 0x40, total);
	pkt_ipv4_write_header(buf, 0, (uint16_t)total, id, frag, ttl,
			      PKT_PROTO_UDP, KERNEL, dst);
	pkt_put16(buf + 20, 40000);
	pkt_put16(buf + 22, 33434);
	pkt_put16(buf + 24, (uint16_t)(8 + payload));
	pkt_put16(buf + 26, 0);
	sum = csum_pseudo4(KERNEL, dst, PKT_PROTO_UDP, (uint16_t)(8 + payload));
	pkt_put16(buf + 26,
		  csum_fold(csum_partial(buf + 20, 8 + payload, sum)));
	return total;
}

static size_t make_echo(uint8_t *buf, uint32_t dst, uint8_t ttl)
{
	size_t total = 20 + 8 + 56;
	int i;

	for (i = 0; i < 56; i++)
		buf[28 + i] = (uint8_t)i;
	pkt_ipv4_write_header(buf, 0, (uint16_t)total, 1, PKT_IP_DF, ttl,
			      PKT_PROTO_ICMP, KERNEL, dst);
	buf[20] = PKT_ICMP_ECHO;
	buf[21] = 0;
	pkt_put16(buf + 22, 0);
	pkt_put16(buf + 24, 0x4242);
	pkt_put16(buf + 26, 7);
	pkt_put16(buf + 22, csum_compute(buf + 20, 8 + 56));
	return total;
}

static void assert_icmp(int i, uint32_t src, uint8_t type, uint8_t code)
{
	const uint8_t *p = cap.pkt[i];

	ck_assert_msg(p[9] == PKT_PROTO_ICMP, "output %d is not ICMP", i);
	ck_assert_msg(pkt_get32(p + 12) == src,
		      "output %d comes from 0x%08x, expected 0x%08x", i,
		      pkt_get32(p + 12), src);
	ck_assert_msg(p[20] == type && p[21] == code,
		      "output %d is ICMP %u/%u, expected %u/%u", i, p[20],
		      p[21], type, code);
	ck_assert_msg(csum_compute(p, 20) == 0, "bad IP checksum");
	ck_assert_msg(csum_compute(p + 20, cap.len[i] - 20) == 0,
		      "bad ICMP checksum");
}

START_TEST(engine_ttl_walks_the_chain)
{
	static const uint32_t hops[] = { R1, 0xc6120102, 0xc6120106, 0xc612010a,
					 0xc612010e };
	uint8_t buf[128];
	size_t len;
	int ttl;

	start_chain();
	for (ttl = 1; ttl <= 5; ttl++) {
		cap.n = 0;
		len = make_udp(buf, SERVER, (uint8_t)ttl, 100, 0, 32);
		engine_input(engine, 0, 1000, buf, len);
		ck_assert_int_eq(cap.n, 1);
		assert_icmp(0, hops[ttl - 1], PKT_ICMP_TIME_EXCEEDED, 0);
		/* Request and error each cross ttl-1 links of 1 ms. */
		ck_assert_uint_eq(cap.due[0],
				  1000 + 2000 * (uint64_t)(ttl - 1));
		/* The quote contains the TTL as it arrived: 1. */
		ck_assert_uint_eq(cap.pkt[0][28 + 8], 1);
		/* The error travelled back through ttl-1 routers. */
		ck_assert_uint_eq(cap.pkt[0][8], 64 - (ttl - 1));
	}
	stop();
}
END_TEST

START_TEST(engine_port_unreachable_from_server)
{
	uint8_t buf[128];
	size_t len;

	start_chain();
	len = make_udp(buf, SERVER, 6, 100, 0, 32);
	engine_input(engine, 0, 0, buf, len);
	ck_assert_int_eq(cap.n, 1);
	assert_icmp(0, SERVER, PKT_ICMP_DEST_UNREACH, PKT_UNREACH_PORT);
	ck_assert_uint_eq(cap.due[0], 10000);
	ck_assert_uint_eq(cap.pkt[0][8], 59);
	/* 576-byte limit: a 60-byte datagram is quoted whole. */
	ck_assert_uint_eq(cap.len[0], 20 + 8 + 60);
	stop();
}
END_TEST

START_TEST(engine_echo_reply_ttl_59)
{
	uint8_t buf[128];
	size_t len;

	start_chain();
	len = make_echo(buf, SERVER, 64);
	engine_input(engine, 0, 0, buf, len);
	ck_assert_int_eq(cap.n, 1);
	assert_icmp(0, SERVER, PKT_ICMP_ECHO_REPLY, 0);
	ck_assert_uint_eq(cap.pkt[0][8], 59);
	ck_assert_uint_eq(pkt_get16(cap.pkt[0] + 24), 0x4242);
	ck_assert_uint_eq(pkt_get16(cap.pkt[0] + 26), 7);
	ck_assert_uint_eq(cap.len[0], len);
	ck_assert_int_eq(memcmp(cap.pkt[0] + 28, buf + 28, 56), 0);
	stop();
}
END_TEST

/* A reply its node cannot route fails there, with no ICMP error the node
 * would send to itself. */
START_TEST(engine_unroutable_reply_sends_nothing)
{
	const uint64_t *drops;
	uint8_t buf[128];
	size_t len;
	int i;

	start("tun:\n"
	      "  hop0: { router: r1 }\n"
	      "routers: [r1]\n"
	      "hosts:\n"
	      "  server: { routes: [\"unreachable 198.18.0.0/30\"] }\n"
	      "links:\n"
	      "  - r1 -- server\n");
	len = make_echo(buf, 0xc6120102u, 64); /* server, 198.18.1.2 */
	engine_input(engine, 0, 0, buf, len);
	drops = engine_drop_counters(engine);
	ck_assert_int_eq(cap.n, 0);
	ck_assert_uint_eq(drops[ENGINE_DROP_UNREACHABLE_ROUTE], 1);
	for (i = 0; i < ENGINE_DROP_COUNT; i++)
		if (i != ENGINE_DROP_UNREACHABLE_ROUTE)
			ck_assert_msg(drops[i] == 0, "%s counted %llu",
				      engine_drop_name((enum engine_drop)i),
				      (unsigned long long)drops[i]);
	stop();
}
END_TEST

START_TEST(engine_router_answers_echo_on_any_address)
{
	uint8_t buf[128];
	size_t len;

	/* TTL 0 to r1 itself gets a reply: only forwarding checks it. */
	start_chain();
	len = make_echo(buf, R1, 0);
	engine_input(engine, 0, 0, buf, len);
	ck_assert_int_eq(cap.n, 1);
	assert_icmp(0, R1, PKT_ICMP_ECHO_REPLY, 0);
	ck_assert_uint_eq(cap.pkt[0][8], 64);

	/* r3's far address replies from that address, two routers back. */
	len = make_echo(buf, 0xc6120109, 64);
	engine_input(engine, 0, 0, buf, len);
	ck_assert_int_eq(cap.n, 2);
	assert_icmp(1, 0xc6120109, PKT_ICMP_ECHO_REPLY, 0);
	ck_assert_uint_eq(cap.pkt[1][8], 62);
	stop();
}
END_TEST

START_TEST(engine_route_kinds)
{
	uint8_t buf[128];
	size_t len;

	start_chain();
	len = make_udp(buf, 0xc612c801, 30, 1, 0, 8); /* blackhole */
	engine_input(engine, 0, 0, buf, len);
	ck_assert_int_eq(cap.n, 0);

	len = make_udp(buf, 0xc612c901, 30, 1, 0, 8); /* unreachable */
	engine_input(engine, 0, 0, buf, len);
	ck_assert_int_eq(cap.n, 1);
	assert_icmp(0, 0xc6120106, PKT_ICMP_DEST_UNREACH, PKT_UNREACH_HOST);

	len = make_udp(buf, 0xc612ca01, 30, 1, 0, 8); /* prohibit */
	engine_input(engine, 0, 0, buf, len);
	ck_assert_int_eq(cap.n, 2);
	assert_icmp(1, 0xc6120106, PKT_ICMP_DEST_UNREACH, PKT_UNREACH_ADMIN);

	len = make_udp(buf, 0xc612f001, 30, 1, 0, 8); /* no route at r1 */
	engine_input(engine, 0, 0, buf, len);
	ck_assert_int_eq(cap.n, 3);
	assert_icmp(2, R1, PKT_ICMP_DEST_UNREACH, PKT_UNREACH_NET);
	ck_assert_uint_eq(cap.due[2], 0);

	ck_assert_uint_eq(engine_drop_counters(engine)[ENGINE_DROP_BLACKHOLE],
			  1);
	ck_assert_uint_eq(engine_drop_counters(engine)[ENGINE_DROP_NO_ROUTE],
			  1);
	stop();
}
END_TEST

START_TEST(engine_unroutable_ttl1_gets_unreachable)
{
	uint8_t buf[128];
	size_t len;

	/* Route lookup comes before the TTL check (RFC 1812 5.2.1.2). */
	start_chain();
	len = make_udp(buf, 0xc612f001, 1, 1, 0, 8);
	engine_input(engine, 0, 0, buf, len);
	ck_assert_int_eq(cap.n, 1);
	assert_icmp(0, R1, PKT_ICMP_DEST_UNREACH, PKT_UNREACH_NET);
	stop();
}
END_TEST

START_TEST(engine_unowned_neighbour_after_timeout)
{
	uint8_t buf[128];
	size_t len;

	start_chain();
	len = make_udp(buf, 0xc612324d, 30, 1, 0, 8); /* 198.18.50.77 */
	engine_input(engine, 0, 500, buf, len);
	ck_assert_int_eq(cap.n, 1);
	assert_icmp(0, 0xc6120102, PKT_ICMP_DEST_UNREACH, PKT_UNREACH_HOST);
	/* 1 ms to r2, 3 s address resolution, 1 ms back. */
	ck_assert_uint_eq(cap.due[0],
			  500 + 1000 + TOPO_DEFAULT_ARP_TIMEOUT_US + 1000);
	stop();
}
END_TEST

START_TEST(engine_drops_bad_headers_silently)
{
	uint8_t buf[128];
	size_t len;
	const uint64_t *drops;

	start_chain();
	len = make_udp(buf, SERVER, 1, 1, 0, 8);
	buf[10] ^= 0x55;
	engine_input(engine, 0, 0, buf, len);
	engine_input(engine, 0, 0, buf, 10);
	buf[10] ^= 0x55;
	buf[0] = 0x55;
	engine_input(engine, 0, 0, buf, len);
	ck_assert_int_eq(cap.n, 0);
	drops = engine_drop_counters(engine);
	ck_assert_uint_eq(drops[ENGINE_DROP_BAD_CHECKSUM], 1);
	ck_assert_uint_eq(drops[ENGINE_DROP_BAD_LENGTH], 1);
	ck_assert_uint_eq(drops[ENGINE_DROP_BAD_VERSION], 1);
	stop();
}
END_TEST

START_TEST(engine_no_error_about_errors)
{
	uint8_t buf[128];
	size_t len;

	start_chain();
	/* A TTL-1 ICMP time exceeded: no error about an error. */
	len = make_echo(buf, SERVER, 1);
	buf[20] = PKT_ICMP_TIME_EXCEEDED;
	pkt_put16(buf + 22, 0);
	pkt_put16(buf + 22, csum_compute(buf + 20, len - 20));
	engine_input(engine, 0, 0, buf, len);
	ck_assert_int_eq(cap.n, 0);

	/* A TTL-1 echo request does get time exceeded. */
	len = make_echo(buf, SERVER, 1);
	engine_input(engine, 0, 0, buf, len);
	ck_assert_int_eq(cap.n, 1);
	stop();
}
END_TEST

START_TEST(engine_no_error_about_later_fragment)
{
	uint8_t buf[128];
	size_t len;

	start_chain();
	len = make_udp(buf, SERVER, 1, 9, 1 /* offset 8 bytes */, 8);
	engine_input(engine, 0, 0, buf, len);
	ck_assert_int_eq(cap.n, 0);

	len = make_udp(buf, SERVER, 1, 9, PKT_IP_MF, 8);
	engine_input(engine, 0, 0, buf, len);
	ck_assert_int_eq(cap.n, 1);
	assert_icmp(0, R1, PKT_ICMP_TIME_EXCEEDED, 0);
	stop();
}
END_TEST

START_TEST(engine_martian_source_dropped)
{
	uint8_t buf[128];
	size_t len;

	start_chain();
	len = make_udp(buf, SERVER, 1, 1, 0, 8);
	pkt_put32(buf + 12, 0x7f000001);
	pkt_put16(buf + 10, 0);
	pkt_put16(buf + 10, csum_compute(buf, 20));
	engine_input(engine, 0, 0, buf, len);
	ck_assert_int_eq(cap.n, 0);
	ck_assert_uint_eq(
	    engine_drop_counters(engine)[ENGINE_DROP_MARTIAN_SOURCE], 1);
	stop();
}
END_TEST

START_TEST(engine_tcp_answers)
{
	uint8_t buf[128];
	uint32_t sum;
	int port;

	start_chain();
	for (port = 79; port <= 80; port++) {
		memset(buf, 0, sizeof(buf));
		pkt_ipv4_write_header(buf, 0, 40, 3, PKT_IP_DF, 64,
				      PKT_PROTO_TCP, KERNEL, SERVER);
		pkt_put16(buf + 20, 50000);
		pkt_put16(buf + 22, (uint16_t)port);
		pkt_put32(buf + 24, 1000);
		buf[32] = 5 << 4;
		buf[33] = PKT_TCP_SYN;
		pkt_put16(buf + 34, 1024);
		sum = csum_pseudo4(KERNEL, SERVER, PKT_PROTO_TCP, 20);
		pkt_put16(buf + 36, csum_fold(csum_partial(buf + 20, 20, sum)));
		engine_input(engine, 0, 0, buf, 40);
	}
	ck_assert_int_eq(cap.n, 2);
	ck_assert_uint_eq(cap.pkt[0][33], PKT_TCP_RST | PKT_TCP_ACK);
	ck_assert_uint_eq(cap.pkt[1][33], PKT_TCP_SYN | PKT_TCP_ACK);
	ck_assert_uint_eq(pkt_get32(cap.pkt[1] + 28), 1001);
	ck_assert_uint_eq(cap.pkt[1][8], 59);
	stop();
}
END_TEST

START_TEST(engine_protocol_unreachable)
{
	uint8_t buf[128];
	size_t len;

	start_chain();
	len = make_udp(buf, SERVER, 64, 1, 0, 8);
	buf[9] = 253;
	pkt_put16(buf + 10, 0);
	pkt_put16(buf + 10, csum_compute(buf, 20));
	engine_input(engine, 0, 0, buf, len);
	ck_assert_int_eq(cap.n, 1);
	assert_icmp(0, SERVER, PKT_ICMP_DEST_UNREACH, PKT_UNREACH_PROTOCOL);
	stop();
}
END_TEST

START_TEST(engine_forward_checksum_rfc1624)
{
	uint8_t buf[128];
	uint16_t id;
	size_t len = 0;

	/* Find an ID that gives header checksum 0xfeff at TTL 64. */
	start(pair_yaml);
	for (id = 0; id < 0xffff; id++) {
		len = make_udp(buf, 0xc6120005, 64, id, 0, 8);
		if (pkt_get16(buf + 10) == 0xfeff)
			break;
	}
	ck_assert_uint_eq(pkt_get16(buf + 10), 0xfeff);
	engine_input(engine, 0, 0, buf, len);
	ck_assert_int_eq(cap.n, 1);
	ck_assert_int_eq(cap.tun[0], 1);
	ck_assert_uint_eq(cap.pkt[0][8], 62);
	ck_assert_uint_eq(csum_compute(cap.pkt[0], 20), 0);
	stop();
}
END_TEST

START_TEST(engine_frag_needed_and_fragmentation)
{
	uint8_t buf[1500];
	size_t len;

	start(pair_yaml);
	len = make_udp(buf, 0xc6120005, 64, 77, PKT_IP_DF, 1400);
	engine_input(engine, 0, 0, buf, len);
	ck_assert_int_eq(cap.n, 1);
	assert_icmp(0, R1, PKT_ICMP_DEST_UNREACH, PKT_UNREACH_FRAG_NEEDED);
	ck_assert_uint_eq(pkt_get16(cap.pkt[0] + 24), 0);
	ck_assert_uint_eq(pkt_get16(cap.pkt[0] + 26), 1280);
	ck_assert_uint_eq(cap.len[0], 576);

	/* DF and TTL 1: time exceeded wins over the MTU (RFC 1812 order). */
	len = make_udp(buf, 0xc6120005, 1, 78, PKT_IP_DF, 1400);
	engine_input(engine, 0, 0, buf, len);
	ck_assert_int_eq(cap.n, 2);
	assert_icmp(1, R1, PKT_ICMP_TIME_EXCEEDED, 0);

	/* 1428 bytes without DF: fragments of 1276 and 172 bytes. */
	len = make_udp(buf, 0xc6120005, 64, 79, 0, 1400);
	engine_input(engine, 0, 0, buf, len);
	ck_assert_int_eq(cap.n, 4);
	ck_assert_uint_eq(cap.len[2], 1276);
	ck_assert_uint_eq(cap.len[3], 172);
	ck_assert_uint_eq(pkt_get16(cap.pkt[2] + 6), PKT_IP_MF);
	ck_assert_uint_eq(pkt_get16(cap.pkt[3] + 6), 157);
	ck_assert_uint_eq(pkt_get16(cap.pkt[3] + 4), 79);
	stop();
}
END_TEST

START_TEST(engine_is_deterministic)
{
	struct capture first;
	uint8_t buf[128];
	size_t len;
	int ttl;

	start_chain();
	for (ttl = 1; ttl <= 6; ttl++) {
		len = make_udp(buf, SERVER, (uint8_t)ttl, 5, 0, 32);
		engine_input(engine, 0, 0, buf, len);
	}
	first = cap;
	stop();

	start_chain();
	for (ttl = 1; ttl <= 6; ttl++) {
		len = make_udp(buf, SERVER, (uint8_t)ttl, 5, 0, 32);
		engine_input(engine, 0, 0, buf, len);
	}
	ck_assert_int_eq(cap.n, first.n);
	for (ttl = 0; ttl < cap.n; ttl++) {
		ck_assert_uint_eq(cap.len[ttl], first.len[ttl]);
		ck_assert_int_eq(
		    memcmp(cap.pkt[ttl], first.pkt[ttl], cap.len[ttl]), 0);
	}
	stop();
}
END_TEST

/* Writes a UDP datagram to the server whose header carries the @opts_len
 * option bytes at @opts (a multiple of 4). */
static size_t make_udp_options(uint8_t *buf, const uint8_t *opts,
			       size_t opts_len)
{
	size_t hdr = 20 + opts_len, total = hdr + 8 + 8;
	uint32_t sum;

	memset(buf, 0x40, total);
	pkt_ipv4_write_header(buf, 0, (uint16_t)total, 0x77, 0, 64,
			      PKT_PROTO_UDP, KERNEL, SERVER);
	memmove(buf + hdr, buf + 20, total - hdr);
	memcpy(buf + 20, opts, opts_len);
	buf[0] = (uint8_t)(0x40 | hdr / 4);
	pkt_put16(buf + 10, 0);
	pkt_put16(buf + 10, csum_compute(buf, hdr));
	pkt_put16(buf + hdr, 40000);
	pkt_put16(buf + hdr + 2, 33434);
	pkt_put16(buf + hdr + 4, 16);
	pkt_put16(buf + hdr + 6, 0);
	sum = csum_pseudo4(KERNEL, SERVER, PKT_PROTO_UDP, 16);
	pkt_put16(buf + hdr + 6, csum_fold(csum_partial(buf + hdr, 16, sum)));
	return total;
}

START_TEST(engine_ip_options)
{
	/* Record Route with pointer 2 (below the minimum of 4), padded. */
	static const uint8_t rr[8] = { 7, 7, 2, 0, 0, 0, 0, 1 };
	static const uint8_t unknown[4] = { 0x9e, 4, 0, 0 };
	static const uint8_t too_long[4] = { 0x44, 0xff, 5, 0 };
	static const uint8_t lsrr[8] = { 131, 7, 4, 198, 18, 1, 2, 1 };
	uint8_t buf[128];
	size_t len;

	start_chain();
	len = make_udp_options(buf, rr, sizeof(rr));
	engine_input(engine, 0, 0, buf, len);
	ck_assert_int_eq(cap.n, 1);
	assert_icmp(0, R1, PKT_ICMP_PARAM_PROBLEM, 0);
	ck_assert_uint_eq(cap.pkt[0][24], 22);

	/* An unknown option passes to the server, which replies 3/3. */
	len = make_udp_options(buf, unknown, sizeof(unknown));
	engine_input(engine, 0, 0, buf, len);
	ck_assert_int_eq(cap.n, 2);
	assert_icmp(1, SERVER, PKT_ICMP_DEST_UNREACH, PKT_UNREACH_PORT);

	len = make_udp_options(buf, too_long, sizeof(too_long));
	engine_input(engine, 0, 0, buf, len);
	ck_assert_int_eq(cap.n, 3);
	assert_icmp(2, R1, PKT_ICMP_PARAM_PROBLEM, 0);
	ck_assert_uint_eq(cap.pkt[2][24], 20);

	/* A source route is dropped without an error. */
	len = make_udp_options(buf, lsrr, sizeof(lsrr));
	engine_input(engine, 0, 0, buf, len);
	ck_assert_int_eq(cap.n, 3);
	ck_assert_uint_eq(
	    engine_drop_counters(engine)[ENGINE_DROP_SOURCE_ROUTE], 1);
	stop();
}
END_TEST

Suite *engine_suite(void)
{
	Suite *s = suite_create("engine");
	TCase *tc = tcase_create("decisions");

	tcase_add_test(tc, engine_ttl_walks_the_chain);
	tcase_add_test(tc, engine_port_unreachable_from_server);
	tcase_add_test(tc, engine_echo_reply_ttl_59);
	tcase_add_test(tc, engine_unroutable_reply_sends_nothing);
	tcase_add_test(tc, engine_router_answers_echo_on_any_address);
	tcase_add_test(tc, engine_route_kinds);
	tcase_add_test(tc, engine_unroutable_ttl1_gets_unreachable);
	tcase_add_test(tc, engine_unowned_neighbour_after_timeout);
	tcase_add_test(tc, engine_drops_bad_headers_silently);
	tcase_add_test(tc, engine_no_error_about_errors);
	tcase_add_test(tc, engine_no_error_about_later_fragment);
	tcase_add_test(tc, engine_martian_source_dropped);
	tcase_add_test(tc, engine_tcp_answers);
	tcase_add_test(tc, engine_protocol_unreachable);
	tcase_add_test(tc, engine_forward_checksum_rfc1624);
	tcase_add_test(tc, engine_frag_needed_and_fragmentation);
	tcase_add_test(tc, engine_is_deterministic);
	tcase_add_test(tc, engine_ip_options);
	suite_add_tcase(s, tc);
	return s;
}
