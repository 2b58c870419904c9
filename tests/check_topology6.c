/* SPDX-License-Identifier: MIT */
/* Unit tests of the topology's IPv6: addresses, routes and topo_path6(). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_suites.h"
#include "hopsim/topology.h"

#define DEFAULT_TOPOLOGY "../topologies/default.yaml"

static struct topology *load(const char *yaml)
{
	struct topo_error err = { { 0 } };
	struct topology *topo;

	topo = topo_load_string("lab.yaml", yaml, strlen(yaml), &err);
	ck_assert_msg(topo != NULL, "the topology should load: %s",
		      err.message);
	return topo;
}

static void expect_error(const char *yaml, const char *expected)
{
	struct topo_error err = { { 0 } };
	struct topology *topo;

	topo = topo_load_string("lab.yaml", yaml, strlen(yaml), &err);
	ck_assert_msg(topo == NULL, "loading should fail with \"%s\"",
		      expected);
	ck_assert_str_eq(err.message, expected);
}

static struct pkt_in6 addr6(const char *text)
{
	struct pkt_in6 value = { { 0 } };

	ck_assert_msg(topo_parse_ipv6(text, &value) == 0,
		      "test address '%s' should parse", text);
	return value;
}

static bool same6(const struct pkt_in6 *a, const char *text)
{
	struct pkt_in6 b = addr6(text);

	return memcmp(a->b, b.b, 16) == 0;
}

static int node_of(const struct topology *topo, const char *name)
{
	int n = topo_node_find(topo, name);

	ck_assert_msg(n >= 0, "node %s should exist", name);
	return n;
}

static const struct topo_iface *iface_of(const struct topology *topo,
					 const char *node, int index)
{
	int n = node_of(topo, node);

	ck_assert_int_lt(index, topo->nodes[n].n_ifaces);
	return &topo->ifaces[topo->nodes[n].first_iface + index];
}

static void check_iface6(const struct topology *topo, const char *node,
			 int index, const char *address, int plen,
			 const char *link_local)
{
	const struct topo_iface *iface = iface_of(topo, node, index);
	char buf[48];

	ck_assert_msg(same6(&iface->addr6, address),
		      "%s %s should have %s, has %s", node, iface->name,
		      address, topo_format_ipv6(&iface->addr6, buf));
	ck_assert_int_eq(iface->plen6, plen);
	ck_assert_msg(same6(&iface->ll6, link_local),
		      "%s %s should have link-local %s, has %s", node,
		      iface->name, link_local,
		      topo_format_ipv6(&iface->ll6, buf));
}

static void check_hop6(const struct topo_hop *hops, int i,
		       enum topo_hop_mark mark, const char *address)
{
	char buf[48];

	ck_assert_msg(hops[i].ttl == i + 1, "hop %d should have TTL %d", i,
		      i + 1);
	ck_assert_msg(hops[i].mark == mark, "TTL %d: mark should be %d, is %d",
		      i + 1, mark, hops[i].mark);
	ck_assert_msg(hops[i].addr == 0, "TTL %d should have no IPv4 address",
		      i + 1);
	if (address)
		ck_assert_msg(same6(&hops[i].addr6, address),
			      "TTL %d should come from %s, comes from %s",
			      i + 1, address,
			      topo_format_ipv6(&hops[i].addr6, buf));
	else
		ck_assert_msg(same6(&hops[i].addr6, "::") && hops[i].node == -1,
			      "TTL %d should be silent", i + 1);
}

static int trace6(const struct topology *topo, const char *dst,
		  struct topo_hop *hops, int max_ttl)
{
	struct pkt_in6 d = addr6(dst);

	return topo_path6(topo, 0, &d, max_ttl, hops, max_ttl);
}

static const struct topo_route6 *lookup6(const struct topology *topo,
					 const char *node, const char *dst)
{
	struct pkt_in6 d = addr6(dst);

	return topo_route6_lookup(topo, node_of(topo, node), &d);
}

/* The node that @node's IPv6 route toward @dst forwards to, or -1. */
static int next_node6(const struct topology *topo, const char *node,
		      const char *dst)
{
	const struct topo_route6 *r = lookup6(topo, node, dst);

	if (!r || r->kind != TOPO_ROUTE_VIA)
		return -1;
	return topo->ifaces[r->next_iface].node;
}

static int link_index(const struct topology *topo, const char *a, const char *b)
{
	int na = node_of(topo, a), nb = node_of(topo, b);
	int i;

	for (i = 0; i < topo->n_links; i++) {
		int x = topo->ifaces[topo->links[i].iface[0]].node;
		int y = topo->ifaces[topo->links[i].iface[1]].node;

		if ((x == na && y == nb) || (x == nb && y == na))
			return i;
	}
	ck_abort_msg("no link joins %s and %s", a, b);
	return -1;
}

static struct topology *load_default(void)
{
	struct topo_error err = { { 0 } };
	struct topology *topo = topo_load_file(DEFAULT_TOPOLOGY, &err);

	ck_assert_msg(topo != NULL, "%s should load: %s", DEFAULT_TOPOLOGY,
		      err.message);
	return topo;
}

/* Parsing and RFC 5952 text. */

START_TEST(ipv6_parse_format)
{
	static const char *const cases[][2] = {
		{ "2001:db8:0:0:0:0:0:1", "2001:db8::1" },
		{ "2001:DB8::0001", "2001:db8::1" },
		{ "2001:db8:0:1:0:0:0:1", "2001:db8:0:1::1" },
		{ "2001:0:0:1:0:0:0:1", "2001:0:0:1::1" },
		{ "2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1" },
		{ "0:0:0:0:0:0:0:0", "::" },
		{ "0:0:0:0:0:0:0:1", "::1" },
		{ "fe80:0:0:0:0:0:3:2", "fe80::3:2" },
		{ "1:0:0:2:0:0:0:3", "1:0:0:2::3" },
		{ "2001:db8:1:4::", "2001:db8:1:4::" },
		{ "::ffff:198.18.0.1", "::ffff:198.18.0.1" },
	};
	struct pkt_in6 a;
	char buf[48];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ck_assert_msg(topo_parse_ipv6(cases[i][0], &a) == 0,
			      "'%s' should parse", cases[i][0]);
		ck_assert_str_eq(topo_format_ipv6(&a, buf), cases[i][1]);
	}
	ck_assert_int_eq(topo_parse_ipv6("2001:db8::1::2", &a), -EINVAL);
	ck_assert_int_eq(topo_parse_ipv6("2001:db8::g", &a), -EINVAL);
	ck_assert_int_eq(topo_parse_ipv6("198.18.0.1", &a), -EINVAL);
	ck_assert_int_eq(topo_parse_ipv6("fe80::1%eth0", &a), -EINVAL);
	ck_assert_int_eq(topo_parse_ipv6("", &a), -EINVAL);
}
END_TEST

/* The shipped default topology. */

START_TEST(default_ipv6_addresses)
{
	struct topology *topo = load_default();

	ck_assert(topo->ipv6);
	check_iface6(topo, "hop0", 0, "2001:db8::1", 64, "fe80::1:1");
	check_iface6(topo, "r1", 0, "2001:db8::2", 64, "fe80::1:2");
	check_iface6(topo, "r1", 1, "2001:db8:1::1", 64, "fe80::2:1");
	check_iface6(topo, "r2", 0, "2001:db8:1::2", 64, "fe80::2:2");
	check_iface6(topo, "r2", 1, "2001:db8:1:1::1", 64, "fe80::3:1");
	check_iface6(topo, "r3", 0, "2001:db8:1:1::2", 64, "fe80::3:2");
	check_iface6(topo, "r3", 1, "2001:db8:1:2::1", 64, "fe80::4:1");
	check_iface6(topo, "r4", 0, "2001:db8:1:2::2", 64, "fe80::4:2");
	check_iface6(topo, "r4", 1, "2001:db8:1:3::1", 64, "fe80::5:1");
	check_iface6(topo, "r5", 0, "2001:db8:1:3::2", 64, "fe80::5:2");
	check_iface6(topo, "r5", 1, "2001:db8:1:4::1", 64, "fe80::6:1");
	check_iface6(topo, "server", 0, "2001:db8:1:4::2", 64, "fe80::6:2");
	topo_destroy(topo);
}
END_TEST

START_TEST(default_addr6_owner)
{
	struct topology *topo = load_default();
	const struct topo_iface *r3 = iface_of(topo, "r3", 1);
	int i;

	for (i = 0; i < topo->n_ifaces; i++) {
		const struct topo_iface *iface = &topo->ifaces[i];

		ck_assert_int_eq(topo_addr6_owner(topo, &iface->addr6), i);
		ck_assert_int_eq(topo_addr6_owner(topo, &iface->ll6), i);
	}
	ck_assert_int_eq(topo_addr6_owner(topo, &r3->addr6),
			 (int)(r3 - topo->ifaces));
	ck_assert_int_eq(topo_addr6_owner(topo, &(struct pkt_in6){ { 0 } }),
			 -1);
	{
		struct pkt_in6 unowned = addr6("2001:db8:1:4::3");
		struct pkt_in6 ll = addr6("fe80::7:1");

		ck_assert_int_eq(topo_addr6_owner(topo, &unowned), -1);
		ck_assert_int_eq(topo_addr6_owner(topo, &ll), -1);
	}
	topo_destroy(topo);
}
END_TEST

/* r3's IPv6 routes: connected first, then in link order. */
START_TEST(default_routes6_r3)
{
	static const char *const expected[][3] = {
		{ "2001:db8:1:1::", "connected", "eth0" },
		{ "2001:db8:1:2::", "connected", "eth1" },
		{ "2001:db8::", "2001:db8:1:1::1", "eth0" },
		{ "2001:db8:1::", "2001:db8:1:1::1", "eth0" },
		{ "2001:db8:1:3::", "2001:db8:1:2::2", "eth1" },
		{ "2001:db8:1:4::", "2001:db8:1:2::2", "eth1" },
	};
	struct topology *topo = load_default();
	const struct topo_node *r3 = &topo->nodes[node_of(topo, "r3")];
	int i;

	ck_assert_int_eq(r3->n_routes6, 6);
	for (i = 0; i < 6; i++) {
		const struct topo_route6 *r = &r3->routes6[i];
		bool connected = strcmp(expected[i][1], "connected") == 0;

		ck_assert_msg(same6(&r->prefix, expected[i][0]),
			      "route %d should be for %s", i, expected[i][0]);
		ck_assert_int_eq(r->plen, 64);
		ck_assert_int_eq(r->kind, connected ? TOPO_ROUTE_CONNECTED
						    : TOPO_ROUTE_VIA);
		ck_assert(!r->is_static);
		ck_assert_str_eq(topo->ifaces[r->iface].name, expected[i][2]);
		if (connected)
			continue;
		ck_assert_msg(same6(&r->gateway, expected[i][1]),
			      "route %d should go via %s", i, expected[i][1]);
		ck_assert_int_eq(topo_addr6_owner(topo, &r->gateway),
				 r->next_iface);
	}
	/* The kernel node has no routes of its own. */
	ck_assert_int_eq(topo->nodes[node_of(topo, "hop0")].n_routes6, 0);
	topo_destroy(topo);
}
END_TEST

START_TEST(default_path6)
{
	static const char *const expected[] = {
		"2001:db8::2",	   "2001:db8:1::2",   "2001:db8:1:1::2",
		"2001:db8:1:2::2", "2001:db8:1:3::2", "2001:db8:1:4::2",
	};
	struct topology *topo = load_default();
	struct pkt_in6 server = addr6("2001:db8:1:4::2");
	struct topo_hop hops[30];
	int i, n;

	n = trace6(topo, "2001:db8:1:4::2", hops, 30);
	ck_assert_int_eq(n, 6);
	for (i = 0; i < 5; i++)
		check_hop6(hops, i, TOPO_HOP_TIME_EXCEEDED, expected[i]);
	check_hop6(hops, 5, TOPO_HOP_REACHED, expected[5]);
	ck_assert_int_eq(hops[5].node, node_of(topo, "server"));
	ck_assert_uint_eq(topo_path_mtu6(topo, 0, &server), 1500);

	/* The hop limit ends the trace like a TTL. */
	n = trace6(topo, "2001:db8:1:4::2", hops, 3);
	ck_assert_int_eq(n, 3);
	check_hop6(hops, 2, TOPO_HOP_TIME_EXCEEDED, "2001:db8:1:1::2");
	topo_destroy(topo);
}
END_TEST

START_TEST(default_tun_prefixes6)
{
	struct topology *topo = load_default();
	struct topo_prefix6 prefixes[8];
	char buf[48];
	int i, n;

	n = topo_tun_prefixes6(topo, 0, prefixes, 8);
	ck_assert_int_eq(n, 5);
	for (i = 0; i < n; i++) {
		snprintf(buf, sizeof(buf), "2001:db8:1:%x::", i);
		ck_assert_msg(same6(&prefixes[i].prefix, buf),
			      "prefix %d should be %s/64", i, buf);
		ck_assert_int_eq(prefixes[i].plen, 64);
	}
	ck_assert_int_eq(topo_tun_prefixes6(topo, 0, NULL, 0), 5);
	ck_assert_int_eq(topo_tun_prefixes6(topo, 1, prefixes, 8), -EINVAL);
	topo_destroy(topo);
}
END_TEST

START_TEST(path6_invalid_arguments)
{
	struct topology *topo = load_default();
	struct pkt_in6 dst = addr6("2001:db8:1:4::2");
	struct topo_hop hops[4];

	ck_assert_int_eq(topo_path6(topo, 1, &dst, 4, hops, 4), -EINVAL);
	ck_assert_int_eq(topo_path6(topo, 0, &dst, 0, hops, 4), -EINVAL);
	ck_assert_int_eq(topo_path6(topo, 0, &dst, 256, hops, 4), -EINVAL);
	ck_assert_int_eq(topo_path6(topo, 0, &dst, 4, NULL, 4), -EINVAL);
	ck_assert_int_eq(topo_path6(topo, 0, NULL, 4, hops, 4), -EINVAL);
	ck_assert_uint_eq(topo_path_mtu6(topo, 1, &dst), 0);
	topo_destroy(topo);
}
END_TEST

/* Addresses the file gives. */

START_TEST(address6_explicit_and_skipped)
{
	struct topology *topo = load(
	    "tun:\n"
	    "  hop0: { router: r1, address6: 2001:db8:7::10/64 }\n"
	    "  hop1: { router: r2, address6: 2001:db8:8::1/64,\n"
	    "          router-address6: 2001:db8:8::fe }\n"
	    "routers:\n"
	    "  r1: { loopback6: 2001:db8:1:1::1 }\n"
	    "  r2: { loopback6: 2001:db8:ff::2/128 }\n"
	    "  r3:\n"
	    "links:\n"
	    "  - r1 -- r2\n"
	    "  - r2 -- r3: { subnet6: 2001:db8:1::/64 }\n"
	    "  - r3 -- r1: { addresses6: [2001:db8:9::a/120, 2001:db8:9::b] }\n"
	    "  - r1 -- r2: { subnet6: 2001:db8:5::/127 }\n"
	    "  - r2 -- r3\n");
	const struct topo_iface *lo;

	/* hop0 keeps its address; r1 gets the lowest free host address. */
	check_iface6(topo, "hop0", 0, "2001:db8:7::10", 64, "fe80::1:1");
	check_iface6(topo, "r1", 0, "2001:db8:7::1", 64, "fe80::1:2");
	check_iface6(topo, "r2", 0, "2001:db8:8::fe", 64, "fe80::2:2");
	/* Automatic /64s skip the explicit subnet and r1's loopback6. */
	check_iface6(topo, "r1", 1, "2001:db8:1:2::1", 64, "fe80::3:1");
	check_iface6(topo, "r2", 1, "2001:db8:1:2::2", 64, "fe80::3:2");
	check_iface6(topo, "r2", 2, "2001:db8:1::1", 64, "fe80::4:1");
	check_iface6(topo, "r3", 0, "2001:db8:1::2", 64, "fe80::4:2");
	check_iface6(topo, "r3", 1, "2001:db8:9::a", 120, "fe80::5:1");
	check_iface6(topo, "r1", 2, "2001:db8:9::b", 120, "fe80::5:2");
	/* A /127 uses both its addresses (RFC 6164). */
	check_iface6(topo, "r1", 3, "2001:db8:5::", 127, "fe80::6:1");
	check_iface6(topo, "r2", 3, "2001:db8:5::1", 127, "fe80::6:2");
	check_iface6(topo, "r2", 4, "2001:db8:1:3::1", 64, "fe80::7:1");

	lo = &topo->ifaces[topo->nodes[node_of(topo, "r1")].loopback_iface];
	ck_assert_str_eq(lo->name, "lo");
	ck_assert_int_eq(lo->plen6, 128);
	ck_assert(same6(&lo->addr6, "2001:db8:1:1::1"));
	ck_assert_msg(same6(&lo->ll6, "::"), "a loopback has no link-local");
	/* r1 has only loopback6: its lo has no IPv4 address. */
	ck_assert_int_eq(lo->plen, 0);
	ck_assert_int_eq(topo_addr_owner(topo, 0), -1);
	ck_assert_int_eq(topo_addr6_owner(topo, &lo->addr6),
			 (int)(lo - topo->ifaces));
	topo_destroy(topo);
}
END_TEST

/* Links and TUNs below the IPv6 minimum MTU stay IPv4-only. */
START_TEST(address6_small_mtu_has_none)
{
	struct topology *topo = load("tun:\n"
				     "  hop0: { router: r1, mtu: 1000, routes: "
				     "none }\n"
				     "  hop1: { router: r1, routes: all }\n"
				     "routers: [r1, r2, r3]\n"
				     "links:\n"
				     "  - r1 -- r2: { mtu: 1279 }\n"
				     "  - r1 -- r3: { cost: 5 }\n"
				     "  - r3 -- r2: { cost: 5 }\n");
	struct topo_prefix6 prefixes[8];
	struct topo_hop hops[4];
	struct pkt_in6 dst = addr6("2001:db8:1::2");

	ck_assert_int_eq(iface_of(topo, "hop0", 0)->plen6, 0);
	ck_assert_int_eq(iface_of(topo, "r1", 0)->plen6, 0);
	ck_assert(same6(&iface_of(topo, "r1", 0)->ll6, "::"));
	check_iface6(topo, "r1", 1, "2001:db8:0:1::2", 64, "fe80::2:2");
	ck_assert_int_eq(iface_of(topo, "r1", 2)->plen6, 0);
	/* The first link with IPv6 gets the first /64. */
	check_iface6(topo, "r1", 3, "2001:db8:1::1", 64, "fe80::4:1");

	/* IPv4 takes the cheap link, IPv6 the way around it. */
	ck_assert_int_eq(topo_route_lookup(topo, node_of(topo, "r1"),
					   iface_of(topo, "r2", 0)->addr)
			     ->iface,
			 topo->nodes[node_of(topo, "r1")].first_iface + 2);
	ck_assert_int_eq(next_node6(topo, "r1", "2001:db8:1:1::2"),
			 node_of(topo, "r3"));

	ck_assert_int_eq(topo_tun_prefixes6(topo, 0, prefixes, 8), 0);
	ck_assert_int_eq(topo_path6(topo, 0, &dst, 4, hops, 4), -EINVAL);
	ck_assert_uint_eq(topo_path_mtu6(topo, 0, &dst), 0);
	ck_assert_int_eq(topo_tun_prefixes6(topo, 1, prefixes, 8), 2);
	ck_assert_int_eq(topo_path6(topo, 1, &dst, 4, hops, 4), 2);
	topo_destroy(topo);
}
END_TEST

START_TEST(ipv6_off)
{
	struct topology *topo = load("ipv6: false\n"
				     "tun: { hop0: r1 }\n"
				     "routers: [r1, r2]\n"
				     "links: [r1 -- r2]\n");
	struct pkt_in6 dst = addr6("2001:db8:1::2");
	struct topo_prefix6 prefixes[4];
	struct topo_hop hops[4];
	int i;

	ck_assert(!topo->ipv6);
	for (i = 0; i < topo->n_ifaces; i++) {
		ck_assert_int_eq(topo->ifaces[i].plen6, 0);
		ck_assert(same6(&topo->ifaces[i].addr6, "::"));
		ck_assert(same6(&topo->ifaces[i].ll6, "::"));
	}
	for (i = 0; i < topo->n_nodes; i++)
		ck_assert_int_eq(topo->nodes[i].n_routes6, 0);
	ck_assert_ptr_null(lookup6(topo, "r1", "2001:db8:1::2"));
	ck_assert_int_eq(topo_addr6_owner(topo, &dst), -1);
	ck_assert_int_eq(topo_tun_prefixes6(topo, 0, prefixes, 4), 0);
	ck_assert_int_eq(topo_path6(topo, 0, &dst, 4, hops, 4), -EINVAL);
	/* IPv4 is unchanged. */
	ck_assert_int_eq(topo->nodes[node_of(topo, "r1")].n_routes, 2);
	topo_destroy(topo);

	topo = load("ipv6: yes\nrouters: [r1, r2]\nlinks: [r1 -- r2]\n");
	ck_assert(topo->ipv6);
	check_iface6(topo, "r1", 0, "2001:db8:1::1", 64, "fe80::1:1");
	topo_destroy(topo);
}
END_TEST

/* 'rate-limit' sets the ICMPv6 buckets too. */
START_TEST(ratelimit6_profiles)
{
	struct topology *topo =
	    load("routers:\n"
		 "  r1: { icmp: { rate-limit: linux } }\n"
		 "  r2: { icmp: { rate-limit: { interval: 20ms, burst: 2, "
		 "types: [3] } } }\n"
		 "  r3: { icmp: { rate-limit: off } }\n"
		 "links: [r1 -- r2, r2 -- r3]\n");
	struct topo_ratelimit linux6 = TOPO_RATELIMIT_LINUX6;
	const struct topo_ratelimit *rl;

	rl = &topo->nodes[node_of(topo, "r1")].icmp.ratelimit6;
	ck_assert(rl->enabled);
	ck_assert_uint_eq(rl->interval_us, linux6.interval_us);
	ck_assert_uint_eq(rl->burst, linux6.burst);
	ck_assert_uint_eq(rl->global_rate, linux6.global_rate);
	ck_assert_uint_eq(rl->global_burst, linux6.global_burst);
	ck_assert(rl->global_random_cost);
	ck_assert_uint_eq(rl->type_mask, linux6.type_mask);
	ck_assert(!rl->frag_needed_exempt);

	rl = &topo->nodes[node_of(topo, "r2")].icmp.ratelimit6;
	ck_assert(rl->enabled);
	ck_assert_uint_eq(rl->interval_us, 20000);
	ck_assert_uint_eq(rl->burst, 2);
	ck_assert_uint_eq(rl->global_rate, linux6.global_rate);
	ck_assert(!rl->global_random_cost);
	/* 'types' names ICMP types: the ICMPv6 ratemask stays. */
	ck_assert_uint_eq(rl->type_mask, linux6.type_mask);
	ck_assert_uint_eq(
	    topo->nodes[node_of(topo, "r2")].icmp.ratelimit.type_mask, 1u << 3);

	rl = &topo->nodes[node_of(topo, "r3")].icmp.ratelimit6;
	ck_assert(!rl->enabled);
	topo_destroy(topo);
}
END_TEST

/* Static routes, redistribution and the marks of topo_path6(). */

static const char statics_yaml[] =
    "tun: { hop0: r1 }\n"
    "routers:\n"
    "  r1:\n"
    "  r2:\n"
    "    routes:\n"
    "      - 2001:db8:99::/48 via r3\n"
    "      - 2001:db8:98::/48 via 2001:db8:1:1::2\n"
    "      - blackhole 2001:db8:f3::/48\n"
    "      - unreachable 2001:db8:f4::/48\n"
    "      - prohibit 2001:db8:f5::/48\n"
    "      - 2001:db8:97::1 via fe80::2:1\n"
    "      - 198.18.99.0/24 via r3\n"
    "  r3:\n"
    "    routes: [ \"::/0 via r2\" ]\n"
    "links: [r1 -- r2, r2 -- r3]\n";

START_TEST(static6_routes_and_redistribution)
{
	struct topology *topo = load(statics_yaml);
	const struct topo_node *r2 = &topo->nodes[node_of(topo, "r2")];
	const struct topo_route6 *r;

	ck_assert_int_eq(r2->n_static_routes6, 6);
	ck_assert_int_eq(r2->n_static_routes, 1);

	r = lookup6(topo, "r2", "2001:db8:99::1");
	ck_assert(r && r->is_static && r->kind == TOPO_ROUTE_VIA);
	ck_assert_int_eq(r->plen, 48);
	ck_assert(same6(&r->gateway, "2001:db8:1:1::2"));
	ck_assert_int_eq(topo->ifaces[r->next_iface].node, node_of(topo, "r3"));
	r = lookup6(topo, "r2", "2001:db8:98::1");
	ck_assert(r && r->kind == TOPO_ROUTE_VIA);
	ck_assert_int_eq(topo->ifaces[r->next_iface].node, node_of(topo, "r3"));
	/* A link-local gateway: r1's end of r1 -- r2. */
	r = lookup6(topo, "r2", "2001:db8:97::1");
	ck_assert(r && r->kind == TOPO_ROUTE_VIA && r->plen == 128);
	ck_assert(same6(&r->gateway, "fe80::2:1"));
	ck_assert_int_eq(topo->ifaces[r->next_iface].node, node_of(topo, "r1"));
	ck_assert_int_eq(lookup6(topo, "r2", "2001:db8:f3::1")->kind,
			 TOPO_ROUTE_BLACKHOLE);

	/* r1 learns each prefix toward r2; r3 does not send 99 back. */
	ck_assert_int_eq(next_node6(topo, "r1", "2001:db8:99::1"),
			 node_of(topo, "r2"));
	ck_assert_int_eq(next_node6(topo, "r1", "2001:db8:f3::1"),
			 node_of(topo, "r2"));
	r = lookup6(topo, "r3", "2001:db8:99::1");
	ck_assert(r && r->plen == 0 && r->is_static);
	/* ::/0 is not redistributed, and it is IPv6 only. */
	ck_assert_ptr_null(lookup6(topo, "r1", "2001:db8:77::1"));
	ck_assert_ptr_null(
	    topo_route_lookup(topo, node_of(topo, "r3"), 0x0a000001u));
	topo_destroy(topo);
}
END_TEST

START_TEST(path6_marks_and_codes)
{
	struct topology *topo = load(statics_yaml);
	struct topo_hop hops[8];
	int n;

	n = trace6(topo, "2001:db8:f3::1", hops, 8);
	ck_assert_int_eq(n, 8);
	check_hop6(hops, 0, TOPO_HOP_TIME_EXCEEDED, "2001:db8::2");
	check_hop6(hops, 1, TOPO_HOP_SILENT, NULL);

	n = trace6(topo, "2001:db8:f4::1", hops, 8);
	ck_assert_int_eq(n, 2);
	check_hop6(hops, 1, TOPO_HOP_UNREACH_OTHER, "2001:db8:1::2");
	ck_assert_int_eq(hops[1].code, 6);

	n = trace6(topo, "2001:db8:f5::1", hops, 8);
	ck_assert_int_eq(n, 2);
	check_hop6(hops, 1, TOPO_HOP_PROHIBITED, "2001:db8:1::2");
	ck_assert_int_eq(hops[1].code, 1);

	/* r1 has no route: code 0, !N from the first hop. */
	n = trace6(topo, "2001:db8:ee::1", hops, 8);
	ck_assert_int_eq(n, 1);
	check_hop6(hops, 0, TOPO_HOP_NET_UNREACH, "2001:db8::2");
	ck_assert_int_eq(hops[0].code, 0);

	/*
	 * Neighbour discovery fails on r2's connected /64: code 3, once
	 * the probe has the hop limit for r2 to forward it.
	 */
	n = trace6(topo, "2001:db8:1:1::9", hops, 8);
	ck_assert_int_eq(n, 3);
	check_hop6(hops, 1, TOPO_HOP_TIME_EXCEEDED, "2001:db8:1::2");
	check_hop6(hops, 2, TOPO_HOP_HOST_UNREACH, "2001:db8:1::2");
	ck_assert_int_eq(hops[2].code, 3);

	/* Routers never forward to link-local or multicast addresses. */
	n = trace6(topo, "fe80::3:2", hops, 2);
	ck_assert_int_eq(n, 2);
	check_hop6(hops, 0, TOPO_HOP_SILENT, NULL);
	n = trace6(topo, "ff02::1", hops, 1);
	check_hop6(hops, 0, TOPO_HOP_SILENT, NULL);
	/* r1 replies for its own link-local address on the TUN link. */
	n = trace6(topo, "fe80::1:2", hops, 2);
	ck_assert_int_eq(n, 1);
	check_hop6(hops, 0, TOPO_HOP_REACHED, "fe80::1:2");
	topo_destroy(topo);
}
END_TEST

/* A chain with a detour; each router's errors follow its icmp.source. */
static const char sources_yaml[] =
    "tun: { hop0: r1 }\n"
    "routers:\n"
    "  r1:\n"
    "  r2: { icmp: { source: ingress } }\n"
    "  r3: { loopback6: 2001:db8:ff::3, icmp: { source: loopback },\n"
    "        loopback: 198.18.255.3 }\n"
    "  r4: { icmp: { source: 198.18.44.4 } }\n"
    "  r5: { icmp: { silent: true } }\n"
    "hosts: [server]\n"
    "links:\n"
    "  - r1 -- r2\n"
    "  - r2 -- r3\n"
    "  - r3 -- r4\n"
    "  - r4 -- r5\n"
    "  - r5 -- server\n"
    "  - r1 -- r4: { cost: 10 }\n";

START_TEST(path6_error_sources)
{
	struct topology *topo = load(sources_yaml);
	struct topo_hop hops[8];
	int n;

	n = trace6(topo, "2001:db8:1:4::2", hops, 8);
	ck_assert_int_eq(n, 6);
	check_hop6(hops, 0, TOPO_HOP_TIME_EXCEEDED, "2001:db8::2");
	check_hop6(hops, 1, TOPO_HOP_TIME_EXCEEDED, "2001:db8:1::2");
	check_hop6(hops, 2, TOPO_HOP_TIME_EXCEEDED, "2001:db8:ff::3");
	/* r4's fixed source is an IPv4 address: IPv6 errors use egress. */
	check_hop6(hops, 3, TOPO_HOP_TIME_EXCEEDED, "2001:db8:1:2::2");
	check_hop6(hops, 4, TOPO_HOP_SILENT, NULL);
	check_hop6(hops, 5, TOPO_HOP_REACHED, "2001:db8:1:4::2");

	/* The loopback6 /128 is redistributed and routed into the TUN. */
	ck_assert_int_eq(next_node6(topo, "r1", "2001:db8:ff::3"),
			 node_of(topo, "r2"));
	ck_assert_int_eq(next_node6(topo, "server", "2001:db8:ff::3"),
			 node_of(topo, "r5"));
	n = trace6(topo, "2001:db8:ff::3", hops, 8);
	ck_assert_int_eq(n, 3);
	check_hop6(hops, 2, TOPO_HOP_REACHED, "2001:db8:ff::3");
	{
		struct topo_prefix6 prefixes[16];
		int i, count, found = 0;

		count = topo_tun_prefixes6(topo, 0, prefixes, 16);
		for (i = 0; i < count && i < 16; i++)
			found += same6(&prefixes[i].prefix, "2001:db8:ff::3") &&
				 prefixes[i].plen == 128;
		ck_assert_msg(found == 1, "the kernel should route loopback6");
		ck_assert_int_eq(count, 7);
	}
	topo_destroy(topo);
}
END_TEST

/* The asymmetric ring: RFC 1812 egress, then the vendor choices. */
START_TEST(path6_ring_sources)
{
	struct topo_error err = { { 0 } };
	struct topology *topo;
	struct topo_hop hops[8];
	int n;

	topo = topo_load_file("../topologies/ring.yaml", &err);
	ck_assert_msg(topo != NULL, "ring.yaml should load: %s", err.message);
	n = trace6(topo, "2001:db8:1:4::2", hops, 8);
	ck_assert_int_eq(n, 4);
	check_hop6(hops, 0, TOPO_HOP_TIME_EXCEEDED, "2001:db8::2");
	check_hop6(hops, 1, TOPO_HOP_TIME_EXCEEDED, "2001:db8:1::2");
	/* r3 replies from its side toward r4, where its replies leave. */
	check_hop6(hops, 2, TOPO_HOP_TIME_EXCEEDED, "2001:db8:1:1::1");
	check_hop6(hops, 3, TOPO_HOP_REACHED, "2001:db8:1:4::2");
	topo_destroy(topo);

	topo = topo_load_file("../topologies/vendor-source.yaml", &err);
	ck_assert_msg(topo != NULL, "vendor-source.yaml should load: %s",
		      err.message);
	n = trace6(topo, "2001:db8:1:4::2", hops, 8);
	ck_assert_int_eq(n, 4);
	/* r2 has no loopback6, so its source: loopback falls back. */
	check_hop6(hops, 1, TOPO_HOP_TIME_EXCEEDED, "2001:db8:1::2");
	/* r3 replies from the side the probe came in on. */
	check_hop6(hops, 2, TOPO_HOP_TIME_EXCEEDED, "2001:db8:1:2::2");
	topo_destroy(topo);
}
END_TEST

/* The hop limit of a reply is the node's ttl setting. */
START_TEST(path6_reply_hop_limit)
{
	struct topology *topo = load("tun: { hop0: r1 }\n"
				     "routers: [r1, r2]\n"
				     "hosts: { server: { ttl: 1 } }\n"
				     "links: [r1 -- r2, r2 -- server]\n");
	struct topo_hop hops[4];
	int n;

	n = trace6(topo, "2001:db8:1:1::2", hops, 4);
	ck_assert_int_eq(n, 4);
	check_hop6(hops, 2, TOPO_HOP_SILENT, NULL);
	topo_destroy(topo);
}
END_TEST

/* Down links, the timeline and topo_rebuild_routes(). */

static const char ring_yaml[] =
    "tun: { hop0: r1 }\n"
    "routers:\n"
    "  r1:\n"
    "  r2: { routes: [\"blackhole 2001:db8:f3::/48\"] }\n"
    "  r3:\n"
    "  r4: { routes: [\"2001:db8:aa::/48 via r1\"] }\n"
    "links:\n"
    "  - r1 -- r2\n"
    "  - r2 -- r3\n"
    "  - r3 -- r4\n"
    "  - r4 -- r1: { cost: 2 }\n"
    "timeline:\n"
    "  - { at: 1s, link: \"r1 -- r2\", state: down }\n"
    "  - { at: 2s, router: r3, add-route: \"prohibit 2001:db8:f6::/48\" }\n"
    "  - { at: 3s, router: r2, remove-route: 2001:db8:f3::/48 }\n"
    "  - { at: 4s, link: \"r4 -- r1\", state: down }\n";

START_TEST(rebuild6_down_link)
{
	struct topology *topo = load(ring_yaml);
	int r2 = node_of(topo, "r2"), r4 = node_of(topo, "r4");
	int l12 = link_index(topo, "r1", "r2");
	char text[256];

	ck_assert_int_eq(next_node6(topo, "r1", "2001:db8:1:1::2"), r2);
	ck_assert_int_eq(next_node6(topo, "r1", "2001:db8:f3::1"), r2);
	ck_assert_int_eq(topo->n_events, 4);
	ck_assert_str_eq(
	    topo_format_event(topo, &topo->events[1], text, sizeof(text)),
	    "router r3 add-route prohibit 2001:db8:f6::/48");
	ck_assert_str_eq(
	    topo_format_event(topo, &topo->events[2], text, sizeof(text)),
	    "router r2 remove-route 2001:db8:f3::/48");

	/* r1 -- r2 goes down: r1 goes around through r4. */
	ck_assert_int_eq(topo_apply_event(topo, &topo->events[0]), 0);
	ck_assert(topo->links[l12].down);
	ck_assert_int_eq(next_node6(topo, "r1", "2001:db8:1:1::2"), r4);
	ck_assert_int_eq(next_node6(topo, "r1", "2001:db8:f3::1"), r4);
	ck_assert_ptr_null(lookup6(topo, "r1", "2001:db8:1::1"));
	ck_assert_ptr_null(lookup6(topo, "r2", "2001:db8:1::1"));

	ck_assert_int_eq(topo_apply_event(topo, &topo->events[1]), 0);
	ck_assert_int_eq(lookup6(topo, "r3", "2001:db8:f6::1")->kind,
			 TOPO_ROUTE_PROHIBIT);
	ck_assert_int_eq(next_node6(topo, "r1", "2001:db8:f6::1"), r4);
	ck_assert_int_eq(topo_apply_event(topo, &topo->events[2]), 0);
	ck_assert_int_eq(topo->nodes[r2].n_static_routes6, 0);
	ck_assert_ptr_null(lookup6(topo, "r1", "2001:db8:f3::1"));

	/* r4's static route leaves by r4 -- r1: not installed when down. */
	ck_assert_int_eq(lookup6(topo, "r4", "2001:db8:aa::1")->is_static, 1);
	ck_assert_int_eq(topo_apply_event(topo, &topo->events[3]), 0);
	ck_assert_ptr_null(lookup6(topo, "r4", "2001:db8:aa::1"));
	ck_assert_ptr_null(lookup6(topo, "r3", "2001:db8::1"));
	topo_destroy(topo);
}
END_TEST

START_TEST(timeline6_prefixes_routed_from_start)
{
	struct topology *topo = load(ring_yaml);
	struct topo_prefix6 prefixes[16];
	int i, n, found = 0;

	n = topo_tun_prefixes6(topo, 0, prefixes, 16);
	/* Four link /64s, two static prefixes, one from the timeline. */
	ck_assert_int_eq(n, 7);
	for (i = 0; i < n; i++)
		found += same6(&prefixes[i].prefix, "2001:db8:f6::") &&
			 prefixes[i].plen == 48;
	ck_assert_int_eq(found, 1);
	topo_destroy(topo);
}
END_TEST

START_TEST(apply6_invalid_events)
{
	struct topology *topo = load(ring_yaml);
	struct topo_event event = topo->events[2];

	/* The route was removed already. */
	ck_assert_int_eq(topo_apply_event(topo, &event), 0);
	ck_assert_int_eq(topo_apply_event(topo, &event), -EINVAL);

	event = topo->events[1];
	event.route6.kind = TOPO_ROUTE_VIA;
	event.route6.iface = 0; /* hop0's interface, not r3's */
	ck_assert_int_eq(topo_apply_event(topo, &event), -EINVAL);
	topo_destroy(topo);
}
END_TEST

/* Errors. */

#define HEAD "tun: { hop0: r1 }\nrouters: [r1, r2]\n"

START_TEST(error6_link_keys)
{
	expect_error(HEAD "links: [r1 -- r2: { subnet6: 2001:db8:5::/48 }]\n",
		     "lab.yaml:3:30: subnet6 '2001:db8:5::/48' in link r1 -- "
		     "r2 has prefix length 48, out of range (64..127)");
	expect_error(HEAD "links: [r1 -- r2: { subnet6: 2001:db8:5::1/64 }]\n",
		     "lab.yaml:3:30: subnet6 '2001:db8:5::1/64' in link r1 -- "
		     "r2 has host bits set (did you mean '2001:db8:5::/64'?)");
	expect_error(HEAD "links: [r1 -- r2: { subnet6: fe80::/64 }]\n",
		     "lab.yaml:3:30: subnet6 'fe80::/64' in link r1 -- r2 is "
		     "not a unicast subnet (multicast, link-local or "
		     "unspecified)");
	expect_error(HEAD "links: [r1 -- r2: { subnet6: 10.0.0.0/24 }]\n",
		     "lab.yaml:3:30: invalid subnet6 '10.0.0.0/24' in link r1 "
		     "-- r2 (expected an IPv6 PREFIX/LEN such as "
		     "2001:db8:5::/64)");
	expect_error(HEAD "links:\n"
			  "  - r1 -- r2: { addresses6: [2001:db8:5::1, "
			  "2001:db8:5::2] }\n",
		     "lab.yaml:4:30: address '2001:db8:5::1' in link r1 -- r2 "
		     "needs a prefix length (ADDRESS/LEN), or give the link a "
		     "'subnet6'");
	expect_error(HEAD "links:\n"
			  "  - r1 -- r2: { addresses6: [2001:db8:5::1/64, "
			  "2001:db8:6::2] }\n",
		     "lab.yaml:4:48: address '2001:db8:6::2' in link r1 -- r2 "
		     "is outside the subnet 2001:db8:5::/64");
	expect_error(
	    HEAD "links:\n"
		 "  - r1 -- r2: { addresses6: [2001:db8:5::/64, "
		 "2001:db8:5::2] }\n",
	    "lab.yaml:4:30: address '2001:db8:5::/64' in link r1 -- r2 "
	    "is the subnet-router anycast address of 2001:db8:5::/64 "
	    "(use a host address)");
	expect_error(HEAD
		     "links:\n"
		     "  - r1 -- r2: { addresses6: [ff02::1/64, ff02::2] }\n",
		     "lab.yaml:4:30: address 'ff02::1/64' in link r1 -- r2 is "
		     "not usable on an interface (multicast, link-local, "
		     "loopback or unspecified)");
	expect_error(HEAD "links:\n"
			  "  - r1 -- r2: { addresses6: [2001:db8:5::1/64, "
			  "2001:db8:5::1] }\n",
		     "lab.yaml:4:48: address conflict: both ends of link r1 -- "
		     "r2 have address '2001:db8:5::1'");
	expect_error(HEAD "links:\n"
			  "  - r1 -- r2: { addresses6: [2001:db8:5::1/64] }\n",
		     "lab.yaml:4:29: 'addresses6' in link r1 -- r2 needs "
		     "exactly two addresses, one per end, found 1");
	expect_error(HEAD "links:\n"
			  "  - r1 -- r2: { mtu: 1200, subnet6: 2001:db8:5::/64 "
			  "}\n",
		     "lab.yaml:4:28: 'subnet6' in link r1 -- r2 needs an mtu "
		     "of at least 1280, the IPv6 minimum, not 1200");
	expect_error(HEAD "links:\n"
			  "  - r1 -- r2: { subnt6: 2001:db8:5::/64 }\n",
		     "lab.yaml:4:17: unknown key 'subnt6' in link r1 -- r2 "
		     "(did you mean 'subnet6'?)");
}
END_TEST

START_TEST(error6_overlaps_and_conflicts)
{
	expect_error("routers: [r1, r2, r3]\n"
		     "links:\n"
		     "  - r1 -- r2: { subnet6: 2001:db8:5::/64 }\n"
		     "  - r2 -- r3: { addresses6: [2001:db8:5::9/125, "
		     "2001:db8:5::a] }\n",
		     "lab.yaml:4:5: address conflict: subnet 2001:db8:5::8/125 "
		     "of link r2 -- r3 overlaps subnet 2001:db8:5::/64 of link "
		     "r1 -- r2 (line 3)");
	expect_error("routers: [r1, r2, r3]\n"
		     "links:\n"
		     "  - r1 -- r2: { subnet6: 2001:db8:1::/64 }\n"
		     "  - r2 -- r3: { subnet6: 2001:db8:1::/64 }\n",
		     "lab.yaml:4:5: address conflict: '2001:db8:1::1' of r2 on "
		     "link r2 -- r3 is already used by r1 on link r1 -- r2 "
		     "(line 3)");
	/* An explicit subnet overlapping a TUN's automatic /64. */
	expect_error(HEAD "links: [r1 -- r2: { subnet6: 2001:db8::/64 }]\n",
		     "lab.yaml:3:9: address conflict: '2001:db8::2' of r2 on "
		     "link r1 -- r2 is already used by r1 on link tun hop0 "
		     "(line 1)");
	expect_error(
	    "routers:\n"
	    "  r1: { loopback6: 2001:db8:ff::1 }\n"
	    "  r2: { loopback6: 2001:db8:ff::1 }\n"
	    "links: [r1 -- r2]\n",
	    "lab.yaml:3:20: address conflict: loopback6 "
	    "'2001:db8:ff::1' of router r2 is already the loopback6 of "
	    "router r1 (line 2)");
	expect_error("routers:\n"
		     "  r1: { loopback6: 2001:db8:5::9 }\n"
		     "  r2:\n"
		     "links: [r1 -- r2: { subnet6: 2001:db8:5::/64 }]\n",
		     "lab.yaml:2:20: address conflict: loopback6 "
		     "'2001:db8:5::9' of router r1 is inside subnet "
		     "2001:db8:5::/64 of link r1 -- r2 (line 4)");
	expect_error("tun: { hop0: r1 }\n"
		     "routers:\n"
		     "  r1: { loopback6: 2001:db8::9 }\n"
		     "  r2:\n"
		     "links: [r1 -- r2]\n",
		     "lab.yaml:3:20: address conflict: loopback6 '2001:db8::9' "
		     "of router r1 is inside subnet 2001:db8::/64 of tun hop0 "
		     "(line 1)");
}
END_TEST

START_TEST(error6_tun_and_loopback)
{
	expect_error("tun: { hop0: { router: r1, address6: 2001:db8:7::1 } }\n"
		     "routers: [r1, r2]\n"
		     "links: [r1 -- r2]\n",
		     "lab.yaml:1:38: invalid address6 '2001:db8:7::1' in tun "
		     "hop0 (expected an IPv6 ADDRESS/LEN such as "
		     "2001:db8:7::1/64)");
	expect_error("tun: { hop0: { router: r1, address6: 2001:db8:7::1/64,\n"
		     "                router-address6: 2001:db8:8::1 } }\n"
		     "routers: [r1, r2]\n"
		     "links: [r1 -- r2]\n",
		     "lab.yaml:2:34: router-address6 '2001:db8:8::1' in tun "
		     "hop0 is outside the subnet 2001:db8:7::/64 of "
		     "'address6'");
	expect_error("tun: { hop0: { router: r1, router-address6: 2001:db8::2 "
		     "} }\n"
		     "routers: [r1, r2]\n"
		     "links: [r1 -- r2]\n",
		     "lab.yaml:1:45: 'router-address6' in tun hop0 needs "
		     "'address6' (the kernel's end, an IPv6 ADDRESS/LEN)");
	expect_error("tun: { hop0: { router: r1, mtu: 576,\n"
		     "                address6: 2001:db8:7::1/64 } }\n"
		     "routers: [r1, r2]\n"
		     "links: [r1 -- r2]\n",
		     "lab.yaml:2:17: 'address6' in tun hop0 needs an mtu of at "
		     "least 1280, the IPv6 minimum, not 576");
	expect_error(
	    "routers:\n"
	    "  r1: { loopback6: fe80::1 }\n"
	    "  r2:\n"
	    "links: [r1 -- r2]\n",
	    "lab.yaml:2:20: loopback6 'fe80::1' in router r1 is not "
	    "usable on an interface (multicast, link-local, loopback or "
	    "unspecified)");
	expect_error("routers:\n"
		     "  r1: { loopback6: 2001:db8:ff::1/64 }\n"
		     "  r2:\n"
		     "links: [r1 -- r2]\n",
		     "lab.yaml:2:20: invalid loopback6 '2001:db8:ff::1/64' in "
		     "router r1 (expected an IPv6 address such as "
		     "2001:db8:ff::1, a /128)");
	expect_error("routers: [r1]\n"
		     "hosts: { h1: { loopback6: 2001:db8:ff::1 } }\n"
		     "links: [r1 -- h1]\n",
		     "lab.yaml:2:16: 'loopback6' in host h1: only routers have "
		     "a loopback");
}
END_TEST

START_TEST(error6_ipv6_off)
{
	expect_error("ipv6: false\n"
		     "routers: [r1, r2]\n"
		     "links: [r1 -- r2: { subnet6: 2001:db8:5::/64 }]\n",
		     "lab.yaml:3:21: 'subnet6' in link r1 -- r2 needs IPv6, "
		     "which 'ipv6: false' turns off");
	expect_error("ipv6: false\n"
		     "routers:\n"
		     "  r1: { loopback6: 2001:db8:ff::1 }\n"
		     "  r2:\n"
		     "links: [r1 -- r2]\n",
		     "lab.yaml:3:9: 'loopback6' in router r1 needs IPv6, which "
		     "'ipv6: false' turns off");
	expect_error("ipv6: false\n"
		     "routers:\n"
		     "  r1: { routes: [\"blackhole 2001:db8:f3::/48\"] }\n"
		     "  r2:\n"
		     "links: [r1 -- r2]\n",
		     "lab.yaml:3:29: IPv6 prefix '2001:db8:f3::/48' in route "
		     "'blackhole 2001:db8:f3::/48' of router r1 needs IPv6, "
		     "which 'ipv6: false' turns off");
	expect_error("ipv6: maybe\nrouters: [r1, r2]\nlinks: [r1 -- r2]\n",
		     "lab.yaml:1:7: invalid ipv6 'maybe' at the top level "
		     "(expected true or false, on or off, yes or no)");
}
END_TEST

START_TEST(error6_routes)
{
	expect_error(
	    "routers:\n"
	    "  r1: { routes: [\"2001:db8:99::1/48 via r2\"] }\n"
	    "  r2:\n"
	    "links: [r1 -- r2]\n",
	    "lab.yaml:2:19: prefix '2001:db8:99::1/48' in route "
	    "'2001:db8:99::1/48 via r2' of router r1 has host bits set "
	    "(did you mean '2001:db8:99::/48'?)");
	expect_error(
	    "routers:\n"
	    "  r1: { routes: [\"2001:db8:99::/129 via r2\"] }\n"
	    "  r2:\n"
	    "links: [r1 -- r2]\n",
	    "lab.yaml:2:19: invalid prefix '2001:db8:99::/129' in route "
	    "'2001:db8:99::/129 via r2' of router r1 (expected an IPv6 "
	    "PREFIX/LEN such as 2001:db8:99::/48, an IPv6 address, or "
	    "::/0)");
	expect_error(
	    "routers:\n"
	    "  r1: { routes: [\"2001:db8:99::/48 via 198.18.1.2\"] }\n"
	    "  r2:\n"
	    "links: [r1 -- r2]\n",
	    "lab.yaml:2:40: gateway '198.18.1.2' in route "
	    "'2001:db8:99::/48 via 198.18.1.2' of router r1 is an IPv4 "
	    "address, but the prefix is IPv6 (write an IPv6 gateway or "
	    "a neighbour's name)");
	expect_error(
	    "routers:\n"
	    "  r1: { routes: [\"10.0.0.0/8 via 2001:db8:1::2\"] }\n"
	    "  r2:\n"
	    "links: [r1 -- r2]\n",
	    "lab.yaml:2:34: gateway '2001:db8:1::2' in route "
	    "'10.0.0.0/8 via 2001:db8:1::2' of router r1 is an IPv6 "
	    "address, but the prefix is IPv4 (write an IPv4 gateway or "
	    "a neighbour's name)");
	expect_error("routers:\n"
		     "  r1: { routes: [\"2001:db8:99::/48 via 2001:db8:1::1\"] "
		     "}\n"
		     "  r2:\n"
		     "links: [r1 -- r2]\n",
		     "lab.yaml:2:40: gateway '2001:db8:1::1' in route "
		     "'2001:db8:99::/48 via 2001:db8:1::1' of router r1 is an "
		     "address of r1 itself");
	expect_error("routers:\n"
		     "  r1: { routes: [\"2001:db8:99::/48 via 2001:db8:1::9\"] "
		     "}\n"
		     "  r2:\n"
		     "links: [r1 -- r2]\n",
		     "lab.yaml:2:40: gateway '2001:db8:1::9' in route "
		     "'2001:db8:99::/48 via 2001:db8:1::9' of router r1 is not "
		     "the address of a neighbour of r1 (no interface has it)");
	expect_error("routers:\n"
		     "  r1: { routes: [\"2001:db8:99::/48 via 2001:db8:2::9\"] "
		     "}\n"
		     "  r2:\n"
		     "links: [r1 -- r2]\n",
		     "lab.yaml:2:40: gateway '2001:db8:2::9' in route "
		     "'2001:db8:99::/48 via 2001:db8:2::9' of router r1 is not "
		     "in a subnet of r1");
	expect_error(
	    "routers:\n"
	    "  r1: { routes: [\"2001:db8:99::/48 via r2\"] }\n"
	    "  r2:\n"
	    "links: [r1 -- r2: { mtu: 1000 }]\n",
	    "lab.yaml:2:40: 'r2' in route '2001:db8:99::/48 via r2' of "
	    "router r1 shares no link with IPv6 with r1 (a link with an "
	    "mtu below 1280 has no IPv6)");
	expect_error("routers:\n"
		     "  r1: { routes: [\"::/0 via r2\", \"blackhole ::/0\"] }\n"
		     "  r2:\n"
		     "links: [r1 -- r2]\n",
		     "lab.yaml:2:34: duplicate route for ::/0 in router r1");
	expect_error(
	    "routers: [r1, r2]\n"
	    "links: [r1 -- r2]\n"
	    "timeline:\n"
	    "  - { at: 1s, router: r1, remove-route: 2001:db8::/48 }\n",
	    "lab.yaml:4:41: no static route for 2001:db8::/48 on "
	    "router r1 at 1s to remove (add it under 'routes' or with "
	    "an earlier 'add-route')");
	expect_error("routers: [r1, r2]\n"
		     "links: [r1 -- r2]\n"
		     "timeline:\n"
		     "  - { at: 1s, link: \"r1 -- r2\", set: { subnet6: "
		     "2001:db8:5::/64 } }\n",
		     "lab.yaml:4:40: 'subnet6' in 'set' of timeline event for "
		     "link r1 -- r2 cannot change on the timeline");
}
END_TEST

Suite *topology6_suite(void)
{
	Suite *s = suite_create("topology6");
	TCase *model = tcase_create("model");
	TCase *path = tcase_create("path");
	TCase *errors = tcase_create("errors");

	tcase_add_test(model, ipv6_parse_format);
	tcase_add_test(model, default_ipv6_addresses);
	tcase_add_test(model, default_addr6_owner);
	tcase_add_test(model, default_routes6_r3);
	tcase_add_test(model, default_tun_prefixes6);
	tcase_add_test(model, address6_explicit_and_skipped);
	tcase_add_test(model, address6_small_mtu_has_none);
	tcase_add_test(model, ipv6_off);
	tcase_add_test(model, ratelimit6_profiles);
	tcase_add_test(model, static6_routes_and_redistribution);
	tcase_add_test(model, rebuild6_down_link);
	tcase_add_test(model, timeline6_prefixes_routed_from_start);
	tcase_add_test(model, apply6_invalid_events);
	suite_add_tcase(s, model);

	tcase_add_test(path, default_path6);
	tcase_add_test(path, path6_invalid_arguments);
	tcase_add_test(path, path6_marks_and_codes);
	tcase_add_test(path, path6_error_sources);
	tcase_add_test(path, path6_ring_sources);
	tcase_add_test(path, path6_reply_hop_limit);
	suite_add_tcase(s, path);

	tcase_add_test(errors, error6_link_keys);
	tcase_add_test(errors, error6_overlaps_and_conflicts);
	tcase_add_test(errors, error6_tun_and_loopback);
	tcase_add_test(errors, error6_ipv6_off);
	tcase_add_test(errors, error6_routes);
	suite_add_tcase(s, errors);
	return s;
}
