// SPDX-License-Identifier: MIT
/* Unit tests of LANs: loading, addresses, routes, paths and redirects. */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "check_suites.h"
#include "hopsim/checksum.h"
#include "hopsim/engine.h"
#include "hopsim/packet.h"
#include "hopsim/packet6.h"
#include "hopsim/topology.h"

/* Loading and errors. */

static struct topology *load(const char *yaml)
{
	struct topo_error err = { { 0 } };
	struct topology *topo;

	topo = topo_load_string("lab.yaml", yaml, strlen(yaml), &err);
	ck_assert_msg(topo != NULL, "the topology should load: %s",
		      err.message);
	return topo;
}

/*
 * Checks that loading fails with a message that starts with @position
 * ("lab.yaml:LINE:COLUMN: ") and contains @what and @value.
 */
static void expect_error_at(const char *yaml, const char *position,
			    const char *what, const char *value)
{
	struct topo_error err = { { 0 } };
	struct topology *topo;

	topo = topo_load_string("lab.yaml", yaml, strlen(yaml), &err);
	ck_assert_msg(topo == NULL, "loading should fail at %s(%s %s)",
		      position, what, value);
	ck_assert_msg(strncmp(err.message, position, strlen(position)) == 0,
		      "message \"%s\" should start with \"%s\"", err.message,
		      position);
	ck_assert_msg(strstr(err.message, what) != NULL,
		      "message \"%s\" should say \"%s\"", err.message, what);
	ck_assert_msg(strstr(err.message, value) != NULL,
		      "message \"%s\" should name %s", err.message, value);
}

static uint32_t addr(const char *text)
{
	uint32_t value = 0;

	ck_assert_msg(topo_parse_ipv4(text, &value) == 0,
		      "test address '%s' should parse", text);
	return value;
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

/* Returns the index of interface @index of @node. */
static int iface_index(const struct topology *topo, const char *node, int index)
{
	int n = node_of(topo, node);

	ck_assert_int_lt(index, topo->nodes[n].n_ifaces);
	return topo->nodes[n].first_iface + index;
}

static const struct topo_iface *iface_of(const struct topology *topo,
					 const char *node, int index)
{
	return &topo->ifaces[iface_index(topo, node, index)];
}

static void check_iface(const struct topology *topo, const char *node,
			int index, const char *address, int plen)
{
	const struct topo_iface *iface = iface_of(topo, node, index);
	char buf[16];

	ck_assert_msg(iface->addr == addr(address),
		      "%s %s should have %s, has %s", node, iface->name,
		      address, topo_format_ipv4(iface->addr, buf));
	ck_assert_msg(iface->plen == plen, "%s %s should have /%d, has /%u",
		      node, iface->name, plen, iface->plen);
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

/* Checks that link @link is a LAN whose i-th member is interface
 * @indexes[i] of node @nodes[i]. */
static void check_lan_members(const struct topology *topo, int link,
			      const char *const *nodes, const int *indexes,
			      int n)
{
	const struct topo_link *l = &topo->links[link];
	int i;

	ck_assert_msg(l->lan, "link %d should be a LAN", link);
	ck_assert_int_eq(l->n_ifaces, n);
	for (i = 0; i < n; i++) {
		int iface = iface_index(topo, nodes[i], indexes[i]);

		ck_assert_msg(l->iface[i] == iface,
			      "member %d of the LAN should be %s", i, nodes[i]);
		ck_assert_int_eq(topo->ifaces[iface].link, link);
		ck_assert_msg(topo->ifaces[iface].peer == -1,
			      "%s on a LAN has no single peer", nodes[i]);
	}
}

static void check_via(const struct topology *topo, const char *node,
		      const char *dst, const char *gateway, int iface,
		      const char *next_node, int next_index)
{
	int n = node_of(topo, node);
	const struct topo_route *r = topo_route_lookup(topo, n, addr(dst));
	char buf[16];

	ck_assert_msg(r != NULL, "%s should have a route to %s", node, dst);
	ck_assert_msg(r->kind == TOPO_ROUTE_VIA,
		      "%s: route to %s is kind %d, not VIA", node, dst,
		      r->kind);
	ck_assert_msg(r->gateway == addr(gateway),
		      "%s: route to %s should go via %s, goes via %s", node,
		      dst, gateway, topo_format_ipv4(r->gateway, buf));
	ck_assert_int_eq(r->iface, iface_index(topo, node, iface));
	ck_assert_msg(r->next_iface == iface_index(topo, next_node, next_index),
		      "%s: route to %s should lead to %s", node, dst,
		      next_node);
}

static void check_via6(const struct topology *topo, const char *node,
		       const char *dst, const char *gateway, int iface,
		       const char *next_node, int next_index)
{
	struct pkt_in6 d = addr6(dst);
	const struct topo_route6 *r =
	    topo_route6_lookup(topo, node_of(topo, node), &d);
	char buf[48];

	ck_assert_msg(r != NULL, "%s should have a route to %s", node, dst);
	ck_assert_msg(r->kind == TOPO_ROUTE_VIA,
		      "%s: route to %s is kind %d, not VIA", node, dst,
		      r->kind);
	ck_assert_msg(same6(&r->gateway, gateway),
		      "%s: route to %s should go via %s, goes via %s", node,
		      dst, gateway, topo_format_ipv6(&r->gateway, buf));
	ck_assert_int_eq(r->iface, iface_index(topo, node, iface));
	ck_assert_msg(r->next_iface == iface_index(topo, next_node, next_index),
		      "%s: route to %s should lead to %s", node, dst,
		      next_node);
}

static void check_connected(const struct topology *topo, const char *node,
			    const char *dst, int iface)
{
	const struct topo_route *r =
	    topo_route_lookup(topo, node_of(topo, node), addr(dst));

	ck_assert_msg(r != NULL, "%s should have a route to %s", node, dst);
	ck_assert_msg(r->kind == TOPO_ROUTE_CONNECTED,
		      "%s should reach %s on a connected route", node, dst);
	ck_assert_int_eq(r->iface, iface_index(topo, node, iface));
}

/*
 * A LAN between two point-to-point links: the /30 before it takes
 * 198.18.1.0, so the /29 starts on the next multiple of 8, and the /30
 * after it follows the /29.
 */
static const char lan_yaml[] = "tun: { hop0: r1 }\n"
			       "routers: [r1, r2, r3, r4]\n"
			       "links:\n"
			       "  - r1 -- r2\n"
			       "  - lan: [r2, r3, r4]\n"
			       "    delay: 2ms\n"
			       "    mtu: 1400\n"
			       "    cost: 3\n"
			       "  - r4 -- r1\n";

START_TEST(lan_link_addresses)
{
	static const char *const nodes[] = { "r2", "r3", "r4" };
	static const int indexes[] = { 1, 0, 0 };
	struct topology *topo = load(lan_yaml);

	ck_assert_int_eq(topo->n_links, 4);
	check_iface(topo, "r1", 1, "198.18.1.1", 30);
	check_iface(topo, "r2", 0, "198.18.1.2", 30);
	check_iface(topo, "r2", 1, "198.18.1.9", 29);
	check_iface(topo, "r3", 0, "198.18.1.10", 29);
	check_iface(topo, "r4", 0, "198.18.1.11", 29);
	check_iface(topo, "r4", 1, "198.18.1.17", 30);
	check_iface(topo, "r1", 2, "198.18.1.18", 30);

	/* The LAN is the second link from the pool, so it has
	 * 2001:db8:1:1::/64, and its link index is 2, so fe80::3:E. */
	check_iface6(topo, "r2", 1, "2001:db8:1:1::1", 64, "fe80::3:1");
	check_iface6(topo, "r3", 0, "2001:db8:1:1::2", 64, "fe80::3:2");
	check_iface6(topo, "r4", 0, "2001:db8:1:1::3", 64, "fe80::3:3");
	check_iface6(topo, "r4", 1, "2001:db8:1:2::1", 64, "fe80::4:1");

	check_lan_members(topo, 2, nodes, indexes, 3);
	ck_assert_uint_eq(topo->links[2].dir[0].delay_us, 2000);
	ck_assert_uint_eq(topo->links[2].mtu, 1400);
	ck_assert_uint_eq(topo->links[2].cost, 3);
	ck_assert_int_eq(topo_link_dir(topo, 2, topo->links[2].iface[2]), 0);

	/* Point-to-point links keep their peers. */
	ck_assert(!topo->links[1].lan);
	ck_assert_int_eq(topo->links[1].n_ifaces, 2);
	ck_assert_int_eq(iface_of(topo, "r1", 1)->peer,
			 iface_index(topo, "r2", 0));
	ck_assert_int_eq(iface_of(topo, "r2", 0)->peer,
			 iface_index(topo, "r1", 1));
	ck_assert_int_eq(topo_addr_owner(topo, addr("198.18.1.10")),
			 iface_index(topo, "r3", 0));
	topo_destroy(topo);
}
END_TEST

START_TEST(lan_link_name)
{
	struct topology *topo = load(lan_yaml);
	char buf[TOPO_LINK_NAME_MAX];

	ck_assert_str_eq(topo_link_name(topo, 2, buf, sizeof(buf)),
			 "lan r2, r3, r4");
	ck_assert_str_eq(topo_link_name(topo, 1, buf, sizeof(buf)), "r1 -- r2");
	ck_assert_str_eq(topo_link_name(topo, 0, buf, sizeof(buf)), "tun hop0");
	/* A short buffer is cut and terminated. */
	ck_assert_str_eq(topo_link_name(topo, 2, buf, 9), "lan r2, ");
	topo_destroy(topo);
}
END_TEST

START_TEST(lan_subnet_sizes)
{
	struct topology *topo = load("routers: [a, b, c, d, e, f, g]\n"
				     "links:\n"
				     "  - a -- b\n"
				     "  - lan: [a, b, c, d, e, f]\n"
				     "  - c -- d\n"
				     "  - lan: [a, b, c, d, e, f, g]\n"
				     "  - f -- g\n");

	/* Six nodes fit a /29.  Seven need a /28, which starts on the next
	 * multiple of 16 after the /30 at 198.18.1.16. */
	check_iface(topo, "a", 1, "198.18.1.9", 29);
	check_iface(topo, "f", 0, "198.18.1.14", 29);
	check_iface(topo, "c", 1, "198.18.1.17", 30);
	check_iface(topo, "a", 2, "198.18.1.33", 28);
	check_iface(topo, "g", 0, "198.18.1.39", 28);
	check_iface(topo, "f", 2, "198.18.1.49", 30);
	ck_assert_int_eq(topo->links[1].n_ifaces, 6);
	ck_assert_int_eq(topo->links[3].n_ifaces, 7);
	topo_destroy(topo);
}
END_TEST

START_TEST(lan_two_nodes)
{
	static const char *const nodes[] = { "r1", "r2" };
	static const int indexes[] = { 1, 0 };
	struct topology *topo = load("tun: { hop0: r1 }\n"
				     "routers: [r1, r2]\n"
				     "links:\n"
				     "  - lan: [r1, r2]\n");
	char buf[TOPO_LINK_NAME_MAX];
	struct topo_hop hops[4];

	/* Two nodes make a LAN too, not a point-to-point link. */
	check_lan_members(topo, 1, nodes, indexes, 2);
	check_iface(topo, "r1", 1, "198.18.1.1", 30);
	check_iface(topo, "r2", 0, "198.18.1.2", 30);
	check_iface6(topo, "r2", 0, "2001:db8:1::2", 64, "fe80::2:2");
	ck_assert_str_eq(topo_link_name(topo, 1, buf, sizeof(buf)),
			 "lan r1, r2");
	check_via(topo, "r2", "198.18.0.1", "198.18.1.1", 0, "r1", 1);
	ck_assert_int_eq(topo_path(topo, 0, addr("198.18.1.2"), 4, hops, 4), 2);
	ck_assert_int_eq(hops[1].mark, TOPO_HOP_REACHED);
	topo_destroy(topo);
}
END_TEST

START_TEST(lan_max_nodes_load)
{
	char yaml[2048], names[512];
	struct topology *topo;
	size_t used = 0;
	int i;

	for (i = 1; i <= TOPO_LAN_MAX_NODES; i++)
		used += (size_t)snprintf(names + used, sizeof(names) - used,
					 "%sn%d", i > 1 ? ", " : "", i);
	snprintf(yaml, sizeof(yaml),
		 "routers: [%s]\n"
		 "links:\n"
		 "  - lan: [%s]\n",
		 names, names);
	topo = load(yaml);
	ck_assert_int_eq(topo->links[0].n_ifaces, TOPO_LAN_MAX_NODES);
	/* 32 nodes need a /26. */
	check_iface(topo, "n1", 0, "198.18.1.1", 26);
	check_iface(topo, "n32", 0, "198.18.1.32", 26);
	topo_destroy(topo);
}
END_TEST

START_TEST(lan_given_addresses)
{
	struct topology *topo =
	    load("routers: [r1, r2, r3]\n"
		 "links:\n"
		 "  - lan: [r1, r2, r3]\n"
		 "    subnet: 198.18.5.0/28\n"
		 "    subnet6: 2001:db8:77::/64\n"
		 "  - lan: [r3, r1, r2]\n"
		 "    addresses: [198.18.6.30/24, 198.18.6.10/24, "
		 "198.18.6.20/24]\n"
		 "    addresses6: [2001:db8:66::30/64, 2001:db8:66::10/64, "
		 "2001:db8:66::20/64]\n"
		 "  - lan: [r1, r2, r3]\n");

	check_iface(topo, "r1", 0, "198.18.5.1", 28);
	check_iface(topo, "r2", 0, "198.18.5.2", 28);
	check_iface(topo, "r3", 0, "198.18.5.3", 28);
	check_iface6(topo, "r1", 0, "2001:db8:77::1", 64, "fe80::1:1");
	check_iface6(topo, "r3", 0, "2001:db8:77::3", 64, "fe80::1:3");

	/* The addresses go to the nodes in the order of 'lan'. */
	check_iface(topo, "r3", 1, "198.18.6.30", 24);
	check_iface(topo, "r1", 1, "198.18.6.10", 24);
	check_iface(topo, "r2", 1, "198.18.6.20", 24);
	check_iface6(topo, "r3", 1, "2001:db8:66::30", 64, "fe80::2:1");
	check_iface6(topo, "r1", 1, "2001:db8:66::10", 64, "fe80::2:2");
	check_iface6(topo, "r2", 1, "2001:db8:66::20", 64, "fe80::2:3");

	/* Given subnets are outside the pool, so the third LAN takes the
	 * first /29 and 2001:db8:1::/64. */
	check_iface(topo, "r2", 2, "198.18.1.2", 29);
	check_iface6(topo, "r2", 2, "2001:db8:1::2", 64, "fe80::3:2");
	topo_destroy(topo);
}
END_TEST

/* The TUN device is a LAN of the kernel (.1), r1 (.2), g2 (.3) and web
 * (.4).  r1 reaches the server over g2. */
static const char tun_lan_yaml[] =
    "tun:\n"
    "  hop0: { router: r1, address: 198.18.0.1/29, lan: [g2, web] }\n"
    "routers: [r1, g2, r3]\n"
    "hosts: [web, server]\n"
    "links:\n"
    "  - r1 -- r3\n"
    "  - g2 -- server: { delay: 1ms }\n";

START_TEST(lan_tun_addresses)
{
	static const char *const nodes[] = { "hop0", "r1", "g2", "web" };
	static const int indexes[] = { 0, 0, 0, 0 };
	struct topology *topo = load(tun_lan_yaml);
	struct topo_prefix prefixes[8];
	char buf[TOPO_LINK_NAME_MAX];

	check_iface(topo, "hop0", 0, "198.18.0.1", 29);
	check_iface(topo, "r1", 0, "198.18.0.2", 29);
	check_iface(topo, "g2", 0, "198.18.0.3", 29);
	check_iface(topo, "web", 0, "198.18.0.4", 29);
	check_iface6(topo, "hop0", 0, "2001:db8::1", 64, "fe80::1:1");
	check_iface6(topo, "r1", 0, "2001:db8::2", 64, "fe80::1:2");
	check_iface6(topo, "g2", 0, "2001:db8::3", 64, "fe80::1:3");
	check_iface6(topo, "web", 0, "2001:db8::4", 64, "fe80::1:4");

	check_lan_members(topo, 0, nodes, indexes, 4);
	ck_assert_int_eq(topo->tuns[0].kernel_iface,
			 iface_index(topo, "hop0", 0));
	ck_assert_int_eq(topo->tuns[0].router_iface,
			 iface_index(topo, "r1", 0));
	ck_assert_str_eq(topo_link_name(topo, 0, buf, sizeof(buf)), "tun hop0");

	/* The other links come after, from the pool. */
	check_iface(topo, "g2", 1, "198.18.1.5", 30);
	check_iface(topo, "server", 0, "198.18.1.6", 30);

	/* The kernel routes those into the device, not the LAN's own /29. */
	ck_assert_int_eq(topo_tun_prefixes(topo, 0, prefixes, 8), 2);
	ck_assert_uint_eq(prefixes[0].prefix, addr("198.18.1.0"));
	ck_assert_int_eq(prefixes[0].plen, 30);
	ck_assert_uint_eq(prefixes[1].prefix, addr("198.18.1.4"));
	ck_assert_int_eq(prefixes[1].plen, 30);
	topo_destroy(topo);
}
END_TEST

/* A TUN device shared with a host needs no 'links'. */
START_TEST(lan_tun_without_links)
{
	struct topology *topo =
	    load("tun:\n"
		 "  hop0: { router: r1, address: 198.18.0.1/29, lan: [web] }\n"
		 "routers: [r1]\n"
		 "hosts: [web]\n");

	ck_assert_int_eq(topo->n_links, 1);
	ck_assert(topo->links[0].lan);
	ck_assert_int_eq(topo->links[0].n_ifaces, 3);
	topo_destroy(topo);
	expect_error_at("tun:\n"
			"  hop0: { router: r1 }\n"
			"routers: [r1]\n",
			"lab.yaml:1:1: ", "no 'links'", "'links: [r1 -- r2]'");
}
END_TEST

START_TEST(lan_tun_router_address)
{
	struct topology *topo = load("tun:\n"
				     "  hop0:\n"
				     "    router: r1\n"
				     "    address: 198.18.0.9/29\n"
				     "    router-address: 198.18.0.11\n"
				     "    address6: 2001:db8:9::5/64\n"
				     "    router-address6: 2001:db8:9::1\n"
				     "    lan: [g2, g3]\n"
				     "routers: [r1, g2, g3]\n"
				     "links: [g2 -- g3]\n");

	/* The other nodes take the lowest free addresses. */
	check_iface(topo, "hop0", 0, "198.18.0.9", 29);
	check_iface(topo, "r1", 0, "198.18.0.11", 29);
	check_iface(topo, "g2", 0, "198.18.0.10", 29);
	check_iface(topo, "g3", 0, "198.18.0.12", 29);
	check_iface6(topo, "hop0", 0, "2001:db8:9::5", 64, "fe80::1:1");
	check_iface6(topo, "r1", 0, "2001:db8:9::1", 64, "fe80::1:2");
	check_iface6(topo, "g2", 0, "2001:db8:9::2", 64, "fe80::1:3");
	check_iface6(topo, "g3", 0, "2001:db8:9::3", 64, "fe80::1:4");
	topo_destroy(topo);
}
END_TEST

START_TEST(lan_errors_members)
{
	expect_error_at("routers: [r1, r2]\n"
			"links:\n"
			"  - lan: [r1, r2, zz]\n",
			"lab.yaml:3:19: ", "unknown node", "'zz'");
	expect_error_at("tun: { hop0: r1 }\n"
			"routers: [r1, r2]\n"
			"links:\n"
			"  - lan: [r1, hop0, r2]\n",
			"lab.yaml:4:15: ", "TUN device", "'hop0'");
	expect_error_at("routers: [r1, r2]\n"
			"links:\n"
			"  - lan: [r1, r2, r1]\n",
			"lab.yaml:3:19: ", "twice", "'r1'");
	expect_error_at("routers: [r1, r2]\n"
			"links:\n"
			"  - lan: [r1]\n",
			"lab.yaml:3:10: ", "at least two nodes", "found 1");
	expect_error_at("routers: [r1, r2]\n"
			"links:\n"
			"  - r1 -- r2\n"
			"  - lan: []\n",
			"lab.yaml:4:10: ", "at least two nodes", "found 0");
	expect_error_at("routers: [r1, r2]\n"
			"links:\n"
			"  - lan: r1\n",
			"lab.yaml:3:10: ", "expected a sequence", "'lan'");
}
END_TEST

START_TEST(lan_error_too_many_nodes)
{
	char yaml[2048], names[512], position[32];
	const char *last;
	size_t used = 0;
	int i;

	for (i = 1; i <= TOPO_LAN_MAX_NODES + 1; i++)
		used += (size_t)snprintf(names + used, sizeof(names) - used,
					 "%sn%d", i > 1 ? ", " : "", i);
	snprintf(yaml, sizeof(yaml),
		 "routers: [%s]\n"
		 "links:\n"
		 "  - lan: [%s]\n",
		 names, names);
	/* The 33rd name on line 3, after "  - lan: [". */
	last = strstr(names, "n33");
	ck_assert_ptr_nonnull(last);
	snprintf(position, sizeof(position),
		 "lab.yaml:3:%d: ", (int)(last - names) + 11);
	expect_error_at(yaml, position, "too many nodes", "at most 32");
}
END_TEST

START_TEST(lan_errors_addresses)
{
	expect_error_at("routers: [r1, r2, r3]\n"
			"links:\n"
			"  - lan: [r1, r2, r3]\n"
			"    addresses: [198.18.5.1/24, 198.18.5.2/24]\n",
			"lab.yaml:4:16: ", "needs 3 addresses", "found 2");
	expect_error_at("routers: [r1, r2, r3]\n"
			"links:\n"
			"  - lan: [r1, r2, r3]\n"
			"    addresses6: [2001:db8:5::1/64, 2001:db8:5::2/64, "
			"2001:db8:5::3/64, 2001:db8:5::4/64]\n",
			"lab.yaml:4:17: ", "'addresses6'", "found 4");
	expect_error_at("routers: [r1, r2, r3]\n"
			"links:\n"
			"  - lan: [r1, r2, r3]\n"
			"    addresses: [198.18.5.1/24, 198.18.5.2/24, "
			"198.18.5.1/24]\n",
			"lab.yaml:4:47: ", "address conflict",
			"'198.18.5.1/24'");
	expect_error_at("routers: [r1, r2, r3]\n"
			"links:\n"
			"  - lan: [r1, r2, r3]\n"
			"    addresses6: [2001:db8:5::1/64, 2001:db8:5::3/64, "
			"2001:db8:5::3/64]\n",
			"lab.yaml:4:54: ", "address conflict",
			"'2001:db8:5::3/64'");
	expect_error_at("routers: [r1, r2, r3]\n"
			"links:\n"
			"  - lan: [r1, r2, r3]\n"
			"    subnet: 198.18.5.0/30\n",
			"lab.yaml:4:13: ", "fewer than 3", "198.18.5.0/30");
	expect_error_at("routers: [r1, r2, r3]\n"
			"links:\n"
			"  - lan: [r1, r2, r3]\n"
			"    subnet6: 2001:db8:5::/127\n",
			"lab.yaml:4:14: ", "fewer than 3", "2001:db8:5::/127");
}
END_TEST

START_TEST(lan_error_direction_block)
{
	expect_error_at("routers: [r1, r2, r3]\n"
			"links:\n"
			"  - lan: [r1, r2, r3]\n"
			"    r1: { delay: 5ms }\n",
			"lab.yaml:4:5: ", "no direction blocks", "'r1'");
	/* Nor does a timeline event take one. */
	expect_error_at("routers: [r1, r2, r3]\n"
			"links:\n"
			"  - lan: [r1, r2, r3]\n"
			"timeline:\n"
			"  - { at: 2s, link: \"r2 -- r3\", set: { r2: { delay: "
			"5ms } } }\n",
			"lab.yaml:5:40: ", "no direction blocks", "'r2'");
}
END_TEST

/* Mistakes in routes and events that a LAN makes easy. */
START_TEST(lan_errors_routes_events)
{
	/* A TUN LAN is no link a timeline event may change. */
	expect_error_at("tun:\n"
			"  hop0: { router: r1, address: 198.18.0.1/29, lan: "
			"[g2] }\n"
			"routers: [r1, g2, r3]\n"
			"links: [r1 -- r3]\n"
			"timeline:\n"
			"  - { at: 1s, link: \"r1 -- g2\", state: down }\n",
			"lab.yaml:6:22: ", "no link joins", "'g2'");
	expect_error_at("tun:\n"
			"  hop0: r1\n"
			"routers: [r1, r2]\n"
			"links: [r1 -- r2]\n"
			"timeline:\n"
			"  - { at: 1s, link: \"hop0 -- r1\", state: down }\n",
			"lab.yaml:6:22: ", "cannot change a TUN link",
			"'hop0'");
	expect_error_at("routers: [r1, r2]\n"
			"links: [r1 -- r2]\n"
			"timeline:\n"
			"  - { at: 1s, link: \"r1 -- r1\", state: down }\n",
			"lab.yaml:4:28: ", "to itself", "'r1 -- r1'");
	expect_error_at("routers:\n"
			"  r1: { routes: [\"198.18.99.0/24 via r1\"] }\n"
			"  r2:\n"
			"links: [r1 -- r2]\n",
			"lab.yaml:2:38: ", "is r1 itself", "'r1'");
	expect_error_at("routers:\n"
			"  r1: { routes: [\"2001:db8:99::/48 via r1\"] }\n"
			"  r2:\n"
			"links: [r1 -- r2]\n",
			"lab.yaml:2:40: ", "is r1 itself", "'r1'");
	/* The kernel keeps one route per prefix, so one device routes. */
	expect_error_at("tun:\n"
			"  hop0: { router: r1 }\n"
			"  hop1: { router: r2, routes: all }\n"
			"routers: [r1, r2]\n"
			"links: [r1 -- r2]\n",
			"lab.yaml:3:31: ", "only one device", "tun hop0");
	/* Linux turns IPv6 off below 1280, which the timeline cannot do. */
	expect_error_at("routers: [r1, r2]\n"
			"links: [r1 -- r2]\n"
			"timeline:\n"
			"  - { at: 1s, link: \"r1 -- r2\", set: { mtu: 1000 } "
			"}\n",
			"lab.yaml:4:45: ", "below 1280", "1000");
}
END_TEST

START_TEST(lan_errors_tun)
{
	expect_error_at("tun:\n"
			"  hop0: { router: r1, lan: [r2] }\n"
			"routers: [r1, r2]\n"
			"links: [r1 -- r2]\n",
			"lab.yaml:2:23: ", "needs 'address'", "'lan'");
	expect_error_at("tun:\n"
			"  hop0: { router: r1, address: 198.18.0.1/30, lan: "
			"[r2] }\n"
			"routers: [r1, r2]\n"
			"links: [r1 -- r2]\n",
			"lab.yaml:2:32: ", "no room", "198.18.0.0/30");
	expect_error_at(
	    "tun:\n"
	    "  hop0: { router: r1, address: 198.18.0.1/29, address6: "
	    "2001:db8:9::1/127, lan: [r2] }\n"
	    "routers: [r1, r2]\n"
	    "links: [r1 -- r2]\n",
	    "lab.yaml:2:57: ", "no room", "2001:db8:9::/127");
	expect_error_at("tun:\n"
			"  hop0: { router: r1, address: 198.18.0.1/29, lan: [] "
			"}\n"
			"routers: [r1, r2]\n"
			"links: [r1 -- r2]\n",
			"lab.yaml:2:52: ", "is empty", "'r1'");
	expect_error_at(
	    "tun:\n"
	    "  hop0: { router: r1, address: 198.18.0.1/29, lan: [r2, "
	    "r1] }\n"
	    "routers: [r1, r2]\n"
	    "links: [r1 -- r2]\n",
	    "lab.yaml:2:57: ", "tun hop0", "'r1'");
	expect_error_at("tun:\n"
			"  hop0: { router: r1, address: 198.18.0.1/29, lan: "
			"[hop0] }\n"
			"routers: [r1, r2]\n"
			"links: [r1 -- r2]\n",
			"lab.yaml:2:53: ", "TUN device", "'hop0'");
}
END_TEST

START_TEST(lan_tun_max_nodes)
{
	char yaml[2048], routers[512], lan[512];
	struct topology *topo;
	size_t used = 0;
	int i;

	for (i = 1; i <= TOPO_LAN_MAX_NODES; i++)
		used += (size_t)snprintf(routers + used, sizeof(routers) - used,
					 "%sn%d", i > 1 ? ", " : "", i);

	/* The kernel, n1 and 30 more fill a LAN. */
	used = 0;
	for (i = 2; i <= TOPO_LAN_MAX_NODES - 1; i++)
		used += (size_t)snprintf(lan + used, sizeof(lan) - used,
					 "%sn%d", i > 2 ? ", " : "", i);
	snprintf(yaml, sizeof(yaml),
		 "tun:\n"
		 "  hop0: { router: n1, address: 198.18.0.1/26, lan: [%s] }\n"
		 "routers: [%s]\n"
		 "links: [n31 -- n32]\n",
		 lan, routers);
	topo = load(yaml);
	ck_assert_int_eq(topo->links[0].n_ifaces, TOPO_LAN_MAX_NODES);
	check_iface(topo, "n31", 0, "198.18.0.32", 26);
	topo_destroy(topo);

	/* One more is too many. */
	used = strlen(lan);
	snprintf(lan + used, sizeof(lan) - used, ", n32");
	snprintf(yaml, sizeof(yaml),
		 "tun:\n"
		 "  hop0: { router: n1, address: 198.18.0.1/26, lan: [%s] }\n"
		 "routers: [%s]\n"
		 "links: [n31 -- n32]\n",
		 lan, routers);
	/* The error points at the node that does not fit. */
	expect_error_at(yaml, "lab.yaml:2:195: ", "too many nodes",
			"at most 30");
}
END_TEST

/* Routes across a LAN. */

/*
 * Three routers on a LAN (198.18.1.0/29: r1 .1, r2 .2, r3 .3), each with
 * a stub host: h1 on 198.18.1.8/30, h2 on .12/30, h3 on .16/30.
 */
static const char stubs_yaml[] = "tun: { hop0: r1 }\n"
				 "routers: [r1, r2, r3]\n"
				 "hosts: [h1, h2, h3]\n"
				 "links:\n"
				 "  - lan: [r1, r2, r3]\n"
				 "  - r1 -- h1\n"
				 "  - r2 -- h2\n"
				 "  - r3 -- h3\n";

START_TEST(lan_routes_next_hop)
{
	struct topology *topo = load(stubs_yaml);

	check_connected(topo, "r1", "198.18.1.3", 1);
	check_connected(topo, "r2", "198.18.1.1", 0);
	check_via(topo, "r1", "198.18.1.14", "198.18.1.2", 1, "r2", 0);
	check_via(topo, "r1", "198.18.1.18", "198.18.1.3", 1, "r3", 0);
	check_via(topo, "r2", "198.18.1.18", "198.18.1.3", 0, "r3", 0);
	check_via(topo, "r2", "198.18.1.10", "198.18.1.1", 0, "r1", 1);
	check_via(topo, "r2", "198.18.0.1", "198.18.1.1", 0, "r1", 1);
	check_via(topo, "r3", "198.18.1.14", "198.18.1.2", 0, "r2", 0);
	/* A host beyond a LAN router goes through its own router first. */
	check_via(topo, "h3", "198.18.1.14", "198.18.1.17", 0, "r3", 1);
	topo_destroy(topo);
}
END_TEST

START_TEST(lan_routes6_next_hop)
{
	struct topology *topo = load(stubs_yaml);

	/* The LAN is 2001:db8:1::/64 and the stubs 2001:db8:1:1..3::/64. */
	check_via6(topo, "r1", "2001:db8:1:2::2", "2001:db8:1::2", 1, "r2", 0);
	check_via6(topo, "r1", "2001:db8:1:3::2", "2001:db8:1::3", 1, "r3", 0);
	check_via6(topo, "r2", "2001:db8:1:3::2", "2001:db8:1::3", 0, "r3", 0);
	check_via6(topo, "r3", "2001:db8::1", "2001:db8:1::1", 0, "r1", 1);
	check_via6(topo, "r3", "2001:db8:1:1::2", "2001:db8:1::1", 0, "r1", 1);
	topo_destroy(topo);
}
END_TEST

START_TEST(lan_path_across)
{
	struct topology *topo = load(stubs_yaml);
	struct topo_hop hops[8];
	int n;

	/* r3's error goes back over the LAN, from its LAN address. */
	n = topo_path(topo, 0, addr("198.18.1.18"), 8, hops, 8);
	ck_assert_int_eq(n, 3);
	ck_assert_int_eq(hops[0].mark, TOPO_HOP_TIME_EXCEEDED);
	ck_assert_uint_eq(hops[0].addr, addr("198.18.0.2"));
	ck_assert_int_eq(hops[1].mark, TOPO_HOP_TIME_EXCEEDED);
	ck_assert_uint_eq(hops[1].addr, addr("198.18.1.3"));
	ck_assert_int_eq(hops[1].node, node_of(topo, "r3"));
	ck_assert_int_eq(hops[2].mark, TOPO_HOP_REACHED);
	ck_assert_uint_eq(hops[2].addr, addr("198.18.1.18"));
	topo_destroy(topo);
}
END_TEST

START_TEST(lan_static_via)
{
	struct topology *topo =
	    load("tun: { hop0: r1 }\n"
		 "routers:\n"
		 "  r1:\n"
		 "    routes:\n"
		 "      - 10.0.0.0/8 via r3\n"
		 "      - 172.16.0.0/16 via 198.18.1.2\n"
		 "      - 2001:db8:ff::/48 via r3\n"
		 "      - 2001:db8:fe::/48 via 2001:db8:1::2\n"
		 "      - 2001:db8:fd::/48 via fe80::2:3\n"
		 "  r2:\n"
		 "  r3:\n"
		 "links:\n"
		 "  - lan: [r1, r2, r3]\n");
	struct topo_hop hops[4];
	int n;

	check_via(topo, "r1", "10.9.9.9", "198.18.1.3", 1, "r3", 0);
	check_via(topo, "r1", "172.16.2.3", "198.18.1.2", 1, "r2", 0);
	check_via6(topo, "r1", "2001:db8:ff::1", "2001:db8:1::3", 1, "r3", 0);
	check_via6(topo, "r1", "2001:db8:fe::1", "2001:db8:1::2", 1, "r2", 0);
	check_via6(topo, "r1", "2001:db8:fd::1", "fe80::2:3", 1, "r3", 0);
	ck_assert(topo_route_lookup(topo, node_of(topo, "r1"), addr("10.9.9.9"))
		      ->is_static);

	/* The probe crosses the LAN to r3, which has no route for it. */
	n = topo_path(topo, 0, addr("10.9.9.9"), 4, hops, 4);
	ck_assert_int_eq(n, 2);
	ck_assert_int_eq(hops[1].mark, TOPO_HOP_NET_UNREACH);
	ck_assert_uint_eq(hops[1].addr, addr("198.18.1.3"));
	n = topo_path(topo, 0, addr("172.16.2.3"), 4, hops, 4);
	ck_assert_int_eq(n, 2);
	ck_assert_uint_eq(hops[1].addr, addr("198.18.1.2"));
	topo_destroy(topo);
}
END_TEST

START_TEST(lan_down_removes_routes)
{
	struct topology *topo = load("tun: { hop0: r1 }\n"
				     "routers: [r1, r2, r3]\n"
				     "hosts: [h3]\n"
				     "links:\n"
				     "  - lan: [r1, r2, r3]\n"
				     "    state: down\n"
				     "  - r3 -- h3\n");
	int r1 = node_of(topo, "r1");
	struct pkt_in6 d = addr6("2001:db8:1:1::2");
	struct topo_hop hops[4];
	int n;

	ck_assert(topo->links[1].down);
	ck_assert_ptr_null(topo_route_lookup(topo, r1, addr("198.18.1.10")));
	ck_assert_ptr_null(topo_route_lookup(topo, r1, addr("198.18.1.3")));
	ck_assert_ptr_null(topo_route6_lookup(topo, r1, &d));
	ck_assert_ptr_null(
	    topo_route_lookup(topo, node_of(topo, "r3"), addr("198.18.0.1")));
	ck_assert_int_eq(topo->nodes[node_of(topo, "r2")].n_routes, 0);

	n = topo_path(topo, 0, addr("198.18.1.10"), 4, hops, 4);
	ck_assert_int_eq(n, 1);
	ck_assert_int_eq(hops[0].mark, TOPO_HOP_NET_UNREACH);
	topo_destroy(topo);
}
END_TEST

START_TEST(lan_timeline_event)
{
	struct topology *topo =
	    load("tun: { hop0: r1 }\n"
		 "routers: [r1, r2, r3]\n"
		 "hosts: [h3]\n"
		 "links:\n"
		 "  - lan: [r1, r2, r3]\n"
		 "  - r3 -- h3\n"
		 "timeline:\n"
		 "  - { at: 1s, link: \"r3 -- r2\", state: down }\n"
		 "  - { at: 2s, link: \"r1 -- r3\", state: up }\n"
		 "  - { at: 3s, link: \"r2 -- r1\", set: { delay: 5ms } }\n"
		 "  - { at: 4s, router: r1, add-route: \"10.0.0.0/8 via r2\" "
		 "}\n");
	int r1 = node_of(topo, "r1");

	ck_assert_int_eq(topo->n_events, 4);
	ck_assert_int_eq(topo->events[0].kind, TOPO_EVENT_LINK_DOWN);
	ck_assert_int_eq(topo->events[0].link, 1);
	ck_assert_int_eq(topo->events[1].link, 1);
	ck_assert_int_eq(topo->events[2].link, 1);

	check_via(topo, "r1", "198.18.1.10", "198.18.1.3", 1, "r3", 0);
	ck_assert_int_eq(topo_apply_event(topo, &topo->events[0]), 0);
	ck_assert(topo->links[1].down);
	ck_assert_ptr_null(topo_route_lookup(topo, r1, addr("198.18.1.10")));
	ck_assert_int_eq(topo_apply_event(topo, &topo->events[1]), 0);
	ck_assert(!topo->links[1].down);
	check_via(topo, "r1", "198.18.1.10", "198.18.1.3", 1, "r3", 0);
	ck_assert_int_eq(topo_apply_event(topo, &topo->events[2]), 0);
	ck_assert_uint_eq(topo->links[1].dir[0].delay_us, 5000);

	/* A static route from the timeline goes via a LAN neighbour. */
	ck_assert_ptr_null(topo_route_lookup(topo, r1, addr("10.2.3.4")));
	ck_assert_int_eq(topo_apply_event(topo, &topo->events[3]), 0);
	check_via(topo, "r1", "10.2.3.4", "198.18.1.2", 1, "r2", 0);
	topo_destroy(topo);
}
END_TEST

/* The TUN device's LAN. */

START_TEST(lan_tun_entry)
{
	struct topology *topo = load(tun_lan_yaml);
	int router = topo->tuns[0].router_iface;
	int g2 = iface_index(topo, "g2", 0), web = iface_index(topo, "web", 0);

	ck_assert_int_eq(topo_tun_entry(topo, 0, g2), g2);
	ck_assert_int_eq(topo_tun_entry(topo, 0, web), web);
	ck_assert_int_eq(
	    topo_tun_entry(topo, 0, topo_addr_owner(topo, addr("198.18.0.4"))),
	    web);
	/* g2's address on another link, r3's address and an address without
	 * an owner all enter at the router. */
	ck_assert_int_eq(topo_tun_entry(topo, 0, iface_index(topo, "g2", 1)),
			 router);
	ck_assert_int_eq(topo_tun_entry(topo, 0, iface_index(topo, "r3", 0)),
			 router);
	ck_assert_int_eq(topo_tun_entry(topo, 0, -1), router);
	ck_assert_int_eq(topo_tun_entry(topo, 0, topo->tuns[0].kernel_iface),
			 router);
	ck_assert_int_eq(topo_tun_entry(topo, 0, router), router);
	topo_destroy(topo);
}
END_TEST

START_TEST(lan_tun_path_one_hop)
{
	struct topology *topo = load(tun_lan_yaml);
	struct pkt_in6 d;
	struct topo_hop hops[8];
	int n;

	n = topo_path(topo, 0, addr("198.18.0.4"), 8, hops, 8);
	ck_assert_msg(n == 1, "web is on the TUN's LAN: one hop, not %d", n);
	ck_assert_int_eq(hops[0].mark, TOPO_HOP_REACHED);
	ck_assert_uint_eq(hops[0].addr, addr("198.18.0.4"));
	ck_assert_int_eq(hops[0].node, node_of(topo, "web"));

	n = topo_path(topo, 0, addr("198.18.0.3"), 8, hops, 8);
	ck_assert_int_eq(n, 1);
	ck_assert_int_eq(hops[0].node, node_of(topo, "g2"));

	/* Off the LAN, the kernel routes through r1. */
	n = topo_path(topo, 0, addr("198.18.1.6"), 8, hops, 8);
	ck_assert_int_eq(n, 3);
	ck_assert_uint_eq(hops[0].addr, addr("198.18.0.2"));
	ck_assert_uint_eq(hops[1].addr, addr("198.18.0.3"));
	ck_assert_int_eq(hops[2].mark, TOPO_HOP_REACHED);

	d = addr6("2001:db8::4");
	n = topo_path6(topo, 0, &d, 8, hops, 8);
	ck_assert_int_eq(n, 1);
	ck_assert_int_eq(hops[0].mark, TOPO_HOP_REACHED);
	ck_assert(same6(&hops[0].addr6, "2001:db8::4"));
	ck_assert_int_eq(hops[0].node, node_of(topo, "web"));

	d = addr6("2001:db8:1:1::2");
	n = topo_path6(topo, 0, &d, 8, hops, 8);
	ck_assert_int_eq(n, 3);
	ck_assert(same6(&hops[0].addr6, "2001:db8::2"));
	ck_assert(same6(&hops[1].addr6, "2001:db8::3"));
	ck_assert_int_eq(hops[2].mark, TOPO_HOP_REACHED);
	topo_destroy(topo);
}
END_TEST

/* Redirects, through the engine with a fake output. */

#define MAX_OUT	    16
#define KERNEL	    0xc6120001u /* 198.18.0.1 */
#define R1	    0xc6120002u /* 198.18.0.2 */
#define G2	    0xc6120003u /* 198.18.0.3 */
#define SERVER	    0xc6120106u /* 198.18.1.6, behind g2 */
#define REDIRECT6   "fe80::1:2" /* r1's link-local address on hop0 */
#define TARGET6	    "fe80::1:3" /* g2's */
#define KERNEL6	    "2001:db8::1"
#define SERVER6	    "2001:db8:1:1::2"
#define ND_OPT_RDHR 4 /* Redirected Header option */

struct capture {
	int n;
	uint64_t due[MAX_OUT];
	size_t len[MAX_OUT];
	uint8_t pkt[MAX_OUT][2048];
};

static int capture_output(void *ctx, int tun, uint64_t due_us,
			  const uint8_t *packet, size_t len)
{
	struct capture *c = ctx;

	ck_assert_int_eq(tun, 0);
	ck_assert_int_lt(c->n, MAX_OUT);
	ck_assert_uint_le(len, sizeof(c->pkt[0]));
	c->due[c->n] = due_us;
	c->len[c->n] = len;
	memcpy(c->pkt[c->n], packet, len);
	c->n++;
	return 0;
}

static struct topology *etopo;
static struct engine *engine;
static struct capture cap;

static void start(const char *yaml)
{
	struct engine_ops ops = { .output = capture_output };
	struct topo_error err;

	memset(&cap, 0, sizeof(cap));
	etopo = topo_load_string("lan.yaml", yaml, strlen(yaml), &err);
	ck_assert_msg(etopo != NULL, "fixture does not load: %s", err.message);
	engine = engine_create(etopo, &ops, &cap, 1);
	ck_assert_ptr_nonnull(engine);
}

static void stop(void)
{
	engine_destroy(engine);
	topo_destroy(etopo);
	engine = NULL;
	etopo = NULL;
}

/* The kernel's first hop as a fake route lookup reports it. */
static uint32_t fake_gateway;
static struct pkt_in6 fake_gateway6;
static int fake_lookups;

static int fake_kernel_gateway(void *ctx, int tun, bool v6, const uint8_t *dst,
			       uint8_t gateway[16])
{
	(void)ctx;
	(void)dst;
	ck_assert_int_eq(tun, 0);
	fake_lookups++;
	memset(gateway, 0, 16);
	if (v6)
		memcpy(gateway, fake_gateway6.b, 16);
	else
		pkt_put32(gateway, fake_gateway);
	return 0;
}

/* As start(), with a fake kernel lookup, which routes through r1 until a test
 * changes the fake's answer. */
static void start_kernel(const char *yaml)
{
	struct engine_ops ops = { .output = capture_output,
				  .kernel_gateway = fake_kernel_gateway };
	struct topo_error err;

	memset(&cap, 0, sizeof(cap));
	fake_gateway = R1;
	ck_assert_int_eq(topo_parse_ipv6(REDIRECT6, &fake_gateway6), 0);
	fake_lookups = 0;
	etopo = topo_load_string("lan.yaml", yaml, strlen(yaml), &err);
	ck_assert_msg(etopo != NULL, "fixture does not load: %s", err.message);
	engine = engine_create(etopo, &ops, &cap, 1);
	ck_assert_ptr_nonnull(engine);
}

/* Hands the engine a copy of @packet, because it works in place. */
static void inject(const uint8_t *packet, size_t len, uint64_t now_us)
{
	uint8_t copy[2048];

	ck_assert_uint_le(len, sizeof(copy));
	memcpy(copy, packet, len);
	engine_input(engine, 0, now_us, copy, len);
}

static size_t make_udp(uint8_t *buf, uint32_t dst, uint8_t ttl, size_t payload)
{
	size_t total = 20 + 8 + payload;
	uint32_t sum;

	memset(buf, 0x61, total);
	pkt_ipv4_write_header(buf, 0, (uint16_t)total, 0x1234, 0, ttl,
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

static size_t make_echo(uint8_t *buf, uint32_t dst)
{
	size_t total = 20 + 8 + 56;
	int i;

	for (i = 0; i < 56; i++)
		buf[28 + i] = (uint8_t)i;
	pkt_ipv4_write_header(buf, 0, (uint16_t)total, 2, PKT_IP_DF, 64,
			      PKT_PROTO_ICMP, KERNEL, dst);
	buf[20] = PKT_ICMP_ECHO;
	buf[21] = 0;
	pkt_put16(buf + 22, 0);
	pkt_put16(buf + 24, 0x4c41);
	pkt_put16(buf + 26, 1);
	pkt_put16(buf + 22, csum_compute(buf + 20, 8 + 56));
	return total;
}

static size_t make_udp6(uint8_t *buf, const char *dst, size_t payload)
{
	struct pkt_in6 src = addr6(KERNEL6), d = addr6(dst);
	size_t udp_len = 8 + payload;
	uint8_t *udp = buf + 40;
	uint32_t sum;

	memset(buf, 0x62, 40 + udp_len);
	pkt6_write_header(buf, 0, (uint16_t)udp_len, PKT6_NH_UDP, 64, &src, &d);
	pkt_put16(udp, 40000);
	pkt_put16(udp + 2, 33434);
	pkt_put16(udp + 4, (uint16_t)udp_len);
	pkt_put16(udp + 6, 0);
	sum = pkt6_pseudo_sum(&src, &d, (uint32_t)udp_len, PKT6_NH_UDP);
	pkt_put16(udp + 6, csum_fold(csum_partial(udp, udp_len, sum)));
	return 40 + udp_len;
}

/* Returns the first output from @from after @start that is ICMP @type,
 * or -1. */
static int find_icmp(int start, uint32_t from, uint8_t type)
{
	int i;

	for (i = start; i < cap.n; i++) {
		const uint8_t *p = cap.pkt[i];

		if (cap.len[i] >= 28 && p[0] >> 4 == 4 &&
		    p[9] == PKT_PROTO_ICMP && pkt_get32(p + 12) == from &&
		    p[20] == type)
			return i;
	}
	return -1;
}

/* As find_icmp() for ICMPv6. */
static int find_icmp6(int start, const char *from, uint8_t type)
{
	struct pkt_in6 want = addr6(from);
	int i;

	for (i = start; i < cap.n; i++) {
		const uint8_t *p = cap.pkt[i];

		if (cap.len[i] >= 48 && p[0] >> 4 == 6 &&
		    p[6] == PKT6_NH_ICMPV6 && memcmp(p + 8, want.b, 16) == 0 &&
		    p[40] == type)
			return i;
	}
	return -1;
}

/* Checks that output @i is r1's redirect for host about @orig (@orig_len
 * bytes) to g2, quoting it with its TTL decremented. */
static void check_redirect4(int i, const uint8_t *orig, size_t orig_len)
{
	const uint8_t *p = cap.pkt[i];
	const uint8_t *quote = p + 28;

	ck_assert_msg(pkt_get32(p + 12) == R1, "the redirect comes from r1");
	ck_assert_msg(pkt_get32(p + 16) == KERNEL, "it goes to the kernel");
	ck_assert_uint_eq(p[8], 64);
	ck_assert_msg(p[20] == PKT_ICMP_REDIRECT && p[21] == PKT_REDIRECT_HOST,
		      "output %d is ICMP %u/%u, expected 5/1", i, p[20], p[21]);
	ck_assert_msg(pkt_get32(p + 24) == G2,
		      "the gateway is g2's address 198.18.0.3, not 0x%08x",
		      pkt_get32(p + 24));
	ck_assert_msg(csum_compute(p, 20) == 0, "bad IP checksum");
	ck_assert_msg(csum_compute(p + 20, cap.len[i] - 20) == 0,
		      "bad ICMP checksum");
	ck_assert_uint_eq(cap.len[i], 28 + orig_len);

	/* The quote is the packet as r1 forwards it: TTL 63. */
	ck_assert_uint_eq(pkt_get32(quote + 12), KERNEL);
	ck_assert_uint_eq(pkt_get32(quote + 16), pkt_get32(orig + 16));
	ck_assert_uint_eq(quote[9], orig[9]);
	ck_assert_msg(quote[8] == orig[8] - 1, "quoted TTL %u, expected %u",
		      quote[8], orig[8] - 1);
	ck_assert_msg(csum_compute(quote, 20) == 0,
		      "the quoted header's checksum matches its TTL");
	ck_assert_int_eq(memcmp(quote + 20, orig + 20, orig_len - 20), 0);
}

START_TEST(lan_engine_redirect_udp)
{
	uint8_t buf[128];
	size_t len;
	int r, u;

	start(tun_lan_yaml);
	len = make_udp(buf, SERVER, 64, 32);
	inject(buf, len, 0);
	ck_assert_int_eq(cap.n, 2);
	r = find_icmp(0, R1, PKT_ICMP_REDIRECT);
	ck_assert_msg(r >= 0, "r1 sends a redirect");
	check_redirect4(r, buf, len);
	ck_assert_uint_eq(cap.due[r], 0);

	/* The datagram goes on through g2, and the server replies with
	 * port unreachable. */
	u = find_icmp(0, SERVER, PKT_ICMP_DEST_UNREACH);
	ck_assert_msg(u >= 0, "the server answers the datagram");
	ck_assert_uint_eq(cap.pkt[u][21], PKT_UNREACH_PORT);
	ck_assert_uint_eq(cap.due[u], 2000);
	ck_assert_msg(cap.pkt[u][28 + 8] == 62,
		      "the datagram crossed r1 and g2: TTL 62, not %u",
		      cap.pkt[u][28 + 8]);

	/* The kernel took the redirect: the next one goes to g2 at once. */
	inject(buf, len, 1000000);
	ck_assert_msg(cap.n == 3, "no second redirect: %d outputs", cap.n);
	ck_assert_int_eq(find_icmp(2, R1, PKT_ICMP_REDIRECT), -1);
	u = find_icmp(2, SERVER, PKT_ICMP_DEST_UNREACH);
	ck_assert_int_eq(u, 2);
	ck_assert_msg(cap.pkt[u][28 + 8] == 63,
		      "the datagram skips r1: TTL 63, not %u",
		      cap.pkt[u][28 + 8]);
	ck_assert_uint_eq(cap.due[u], 1000000 + 2000);
	stop();
}
END_TEST

START_TEST(lan_engine_redirect_echo)
{
	uint8_t buf[128];
	size_t len;
	int r, e;

	start(tun_lan_yaml);
	len = make_echo(buf, SERVER);
	inject(buf, len, 0);
	ck_assert_int_eq(cap.n, 2);
	r = find_icmp(0, R1, PKT_ICMP_REDIRECT);
	ck_assert_msg(r >= 0, "r1 sends a redirect");
	check_redirect4(r, buf, len);
	e = find_icmp(0, SERVER, PKT_ICMP_ECHO_REPLY);
	ck_assert_msg(e >= 0, "the server replies");
	/* The reply comes back through g2 alone. */
	ck_assert_uint_eq(cap.pkt[e][8], 63);
	ck_assert_uint_eq(pkt_get16(cap.pkt[e] + 24), 0x4c41);

	inject(buf, len, 1000000);
	ck_assert_int_eq(cap.n, 3);
	ck_assert_int_eq(find_icmp(2, R1, PKT_ICMP_REDIRECT), -1);
	ck_assert_int_eq(find_icmp(2, SERVER, PKT_ICMP_ECHO_REPLY), 2);
	stop();
}
END_TEST

START_TEST(lan_engine_kernel_ignores_redirects)
{
	uint8_t buf[128];
	size_t len;
	int u;

	start_kernel(tun_lan_yaml);
	len = make_udp(buf, SERVER, 64, 32);
	inject(buf, len, 0);
	ck_assert_int_eq(cap.n, 2);
	ck_assert_int_ge(find_icmp(0, R1, PKT_ICMP_REDIRECT), 0);

	/* The kernel still sends to r1, which redirects again. */
	inject(buf, len, 1000000);
	ck_assert_msg(cap.n == 4, "a redirect and an answer, %d outputs",
		      cap.n - 2);
	ck_assert_int_ge(find_icmp(2, R1, PKT_ICMP_REDIRECT), 2);
	check_redirect4(find_icmp(2, R1, PKT_ICMP_REDIRECT), buf, len);
	u = find_icmp(2, SERVER, PKT_ICMP_DEST_UNREACH);
	ck_assert_int_ge(u, 2);
	ck_assert_uint_eq(cap.pkt[u][28 + 8], 62);
	stop();
}
END_TEST

/* More destinations than the engine's cache of kernel routes holds. */
#define MANY_DESTINATIONS 65

/*
 * With a kernel lookup, packets the kernel queued before it read a
 * redirect still enter at r1, however many other destinations come in
 * between.  Once hopsim has read up to the redirect, the lookup decides
 * again.
 */
START_TEST(lan_engine_asks_kernel)
{
	uint8_t buf[128], other[128];
	size_t len, other_len;
	int i, u;

	start_kernel(tun_lan_yaml);

	len = make_udp(buf, SERVER, 64, 32);
	inject(buf, len, 0);
	ck_assert_int_eq(fake_lookups, 1);
	ck_assert_int_ge(find_icmp(0, R1, PKT_ICMP_REDIRECT), 0);
	/* The kernel has the redirect now, but what it queued before goes
	 * to r1, also after more destinations than the cache holds. */
	fake_gateway = G2;
	for (i = 0; i < 100; i++) {
		other_len = make_udp(other, 0xc6120080u + (uint32_t)i, 1, 8);
		cap.n = 0;
		inject(other, other_len, 10);
	}
	ck_assert_int_ge(fake_lookups, MANY_DESTINATIONS);
	cap.n = 0;
	inject(buf, len, 20);
	u = find_icmp(0, SERVER, PKT_ICMP_DEST_UNREACH);
	ck_assert_int_ge(u, 0);
	ck_assert_msg(cap.pkt[u][28 + 8] == 62,
		      "a queued packet crosses r1 and g2: TTL 62, not %u",
		      cap.pkt[u][28 + 8]);

	/* Read up to the redirect: the kernel's own route decides. */
	engine_kernel_caught_up(engine, 0, 30);
	cap.n = 0;
	inject(buf, len, 40);
	u = find_icmp(0, SERVER, PKT_ICMP_DEST_UNREACH);
	ck_assert_int_ge(u, 0);
	ck_assert_msg(cap.pkt[u][28 + 8] == 63,
		      "then it goes to g2 at once: TTL 63, not %u",
		      cap.pkt[u][28 + 8]);
	ck_assert_int_eq(find_icmp(0, R1, PKT_ICMP_REDIRECT), -1);
	stop();
}
END_TEST

START_TEST(lan_engine_no_redirect)
{
	uint8_t buf[128];
	size_t len;

	/* TTL 1: time exceeded, and no redirect. */
	start(tun_lan_yaml);
	len = make_udp(buf, SERVER, 1, 32);
	inject(buf, len, 0);
	ck_assert_int_eq(cap.n, 1);
	ck_assert_int_eq(find_icmp(0, R1, PKT_ICMP_TIME_EXCEEDED), 0);

	/* To a node on the LAN, the kernel sends straight to it. */
	len = make_echo(buf, 0xc6120004u);
	inject(buf, len, 0);
	ck_assert_int_eq(cap.n, 2);
	ck_assert_int_eq(find_icmp(1, 0xc6120004u, PKT_ICMP_ECHO_REPLY), 1);
	ck_assert_uint_eq(cap.pkt[1][8], 64);
	stop();

	/* A router with redirects off forwards without one. */
	start("tun:\n"
	      "  hop0: { router: r1, address: 198.18.0.1/29, lan: [g2, web] }\n"
	      "routers:\n"
	      "  r1: { icmp: { redirects: off } }\n"
	      "  g2:\n"
	      "  r3:\n"
	      "hosts: [web, server]\n"
	      "links:\n"
	      "  - r1 -- r3\n"
	      "  - g2 -- server: { delay: 1ms }\n");
	len = make_udp(buf, SERVER, 64, 32);
	inject(buf, len, 0);
	ck_assert_int_eq(cap.n, 1);
	ck_assert_int_eq(find_icmp(0, SERVER, PKT_ICMP_DEST_UNREACH), 0);
	stop();
}
END_TEST

START_TEST(lan_engine_no_redirect_offlink_source)
{
	uint8_t buf[128];
	size_t len;
	int u;

	/* r2 forwards back onto the LAN, but the kernel is not on it. */
	start("tun: { hop0: r1 }\n"
	      "routers:\n"
	      "  r1: { routes: [198.18.1.8/30 via r2] }\n"
	      "  r2:\n"
	      "  r3:\n"
	      "hosts: [h3]\n"
	      "links:\n"
	      "  - lan: [r1, r2, r3]\n"
	      "  - r3 -- h3\n");
	len = make_udp(buf, 0xc612010au, 64, 32); /* h3, 198.18.1.10 */
	inject(buf, len, 0);
	ck_assert_msg(cap.n == 1, "only h3's answer, %d outputs", cap.n);
	u = find_icmp(0, 0xc612010au, PKT_ICMP_DEST_UNREACH);
	ck_assert_int_eq(u, 0);
	ck_assert_msg(cap.pkt[u][28 + 8] == 61,
		      "the datagram crossed r1, r2 and r3: TTL 61, not %u",
		      cap.pkt[u][28 + 8]);
	stop();
}
END_TEST

START_TEST(lan_engine_kernel_redirects_per_family)
{
	uint8_t buf4[128], buf6[256];
	size_t len4, len6;

	len4 = make_udp(buf4, SERVER, 64, 32);
	len6 = make_udp6(buf6, SERVER6, 24);

	/* The kernel takes the IPv4 redirect only. */
	start_kernel(tun_lan_yaml);
	inject(buf4, len4, 0);
	inject(buf6, len6, 0);
	ck_assert_int_eq(cap.n, 4);
	fake_gateway = G2;
	engine_kernel_caught_up(engine, 0, 0);
	inject(buf4, len4, 1000000);
	ck_assert_int_eq(cap.n, 5);
	ck_assert_int_eq(find_icmp(4, R1, PKT_ICMP_REDIRECT), -1);
	inject(buf6, len6, 1000000);
	ck_assert_int_eq(cap.n, 7);
	ck_assert_int_ge(find_icmp6(5, REDIRECT6, PKT_ICMP6_REDIRECT), 5);
	stop();

	/* The kernel takes the IPv6 redirect only. */
	start_kernel(tun_lan_yaml);
	inject(buf4, len4, 0);
	inject(buf6, len6, 0);
	ck_assert_int_eq(cap.n, 4);
	ck_assert_int_eq(topo_parse_ipv6(TARGET6, &fake_gateway6), 0);
	engine_kernel_caught_up(engine, 0, 0);
	inject(buf6, len6, 1000000);
	ck_assert_int_eq(cap.n, 5);
	ck_assert_int_eq(find_icmp6(4, REDIRECT6, PKT_ICMP6_REDIRECT), -1);
	inject(buf4, len4, 1000000);
	ck_assert_int_eq(cap.n, 7);
	ck_assert_int_ge(find_icmp(5, R1, PKT_ICMP_REDIRECT), 5);

	/* An unknown device changes nothing. */
	engine_kernel_caught_up(engine, 1, 0);
	engine_kernel_caught_up(engine, -1, 0);
	stop();
}
END_TEST

/* Checks that output @i is r1's Redirect about @orig (@orig_len bytes, a
 * multiple of 8) with target g2's link-local address. */
static void check_redirect6(int i, const uint8_t *orig, size_t orig_len)
{
	const uint8_t *p = cap.pkt[i];
	const uint8_t *opt = p + 80;
	struct pkt_in6 src, dst;
	uint32_t sum;

	memcpy(src.b, p + 8, 16);
	memcpy(dst.b, p + 24, 16);
	ck_assert_msg(same6(&src, REDIRECT6), "from r1's link-local address");
	ck_assert_msg(same6(&dst, KERNEL6), "to the kernel");
	ck_assert_msg(p[7] == 255, "hop limit 255, not %u", p[7]);
	ck_assert_uint_eq(p[40], PKT_ICMP6_REDIRECT);
	ck_assert_uint_eq(p[41], 0);
	ck_assert_uint_eq(pkt_get32(p + 44), 0);
	ck_assert_msg(memcmp(p + 48, addr6(TARGET6).b, 16) == 0,
		      "the target is g2's link-local address");
	ck_assert_msg(memcmp(p + 64, orig + 24, 16) == 0,
		      "the destination is the packet's");
	sum = pkt6_pseudo_sum(&src, &dst, (uint32_t)(cap.len[i] - 40),
			      PKT6_NH_ICMPV6);
	ck_assert_msg(csum_fold(csum_partial(p + 40, cap.len[i] - 40, sum)) ==
			  0,
		      "bad ICMPv6 checksum");
	ck_assert_uint_eq(pkt_get16(p + 4), cap.len[i] - 40);

	/* The Redirected Header quotes the packet before its hop limit
	 * drops. */
	ck_assert_uint_eq(cap.len[i], 88 + orig_len);
	ck_assert_uint_eq(opt[0], ND_OPT_RDHR);
	ck_assert_uint_eq(opt[1], (8 + orig_len) / 8);
	ck_assert_int_eq(memcmp(p + 88, orig, orig_len), 0);
}

/*
 * Without a kernel lookup an IPv4 redirect lasts 300 s and an IPv6 one
 * until it goes unused for 60 s, as Linux keeps them.
 */
START_TEST(lan_engine_redirect_lifetimes)
{
	uint8_t buf4[128], buf6[256];
	size_t len4, len6;

	len4 = make_udp(buf4, SERVER, 64, 32);
	len6 = make_udp6(buf6, SERVER6, 24);
	start(tun_lan_yaml);
	inject(buf4, len4, 0);
	inject(buf6, len6, 0);
	ck_assert_int_eq(cap.n, 4);

	/* Used every 50 s, the IPv6 one stays; the IPv4 one runs out. */
	cap.n = 0;
	inject(buf6, len6, 50000000);
	inject(buf6, len6, 100000000);
	ck_assert_int_eq(cap.n, 2);
	ck_assert_int_eq(find_icmp6(0, REDIRECT6, PKT_ICMP6_REDIRECT), -1);
	cap.n = 0;
	inject(buf4, len4, 299000000);
	ck_assert_int_eq(cap.n, 1);
	inject(buf4, len4, 300000000);
	ck_assert_int_eq(cap.n, 3);
	ck_assert_int_ge(find_icmp(1, R1, PKT_ICMP_REDIRECT), 1);

	/* 61 s unused: the IPv6 one is gone. */
	cap.n = 0;
	inject(buf6, len6, 161000000);
	ck_assert_int_eq(cap.n, 2);
	ck_assert_int_ge(find_icmp6(0, REDIRECT6, PKT_ICMP6_REDIRECT), 0);
	stop();
}
END_TEST

/* The kernel's route is cached for a second, then looked up again. */
START_TEST(lan_engine_kernel_cache_second)
{
	uint8_t buf[128];
	size_t len;

	start_kernel(tun_lan_yaml);
	len = make_udp(buf, SERVER, 1, 8);
	inject(buf, len, 0);
	ck_assert_int_eq(fake_lookups, 1);
	inject(buf, len, 999999);
	ck_assert_int_eq(fake_lookups, 1);
	inject(buf, len, 1000000);
	ck_assert_int_eq(fake_lookups, 2);
	stop();
}
END_TEST

START_TEST(lan_engine_redirect6)
{
	uint8_t buf[256];
	size_t len;
	int r, u;

	start(tun_lan_yaml);
	len = make_udp6(buf, SERVER6, 24);
	ck_assert_uint_eq(len % 8, 0);
	inject(buf, len, 0);
	ck_assert_int_eq(cap.n, 2);
	r = find_icmp6(0, REDIRECT6, PKT_ICMP6_REDIRECT);
	ck_assert_msg(r >= 0, "r1 sends a Redirect");
	check_redirect6(r, buf, len);
	ck_assert_uint_eq(cap.due[r], 0);
	u = find_icmp6(0, SERVER6, PKT_ICMP6_DEST_UNREACH);
	ck_assert_msg(u >= 0, "the server answers the datagram");
	ck_assert_uint_eq(cap.pkt[u][41], 4);
	ck_assert_msg(cap.pkt[u][48 + 7] == 62,
		      "the datagram crossed r1 and g2: hop limit 62, not %u",
		      cap.pkt[u][48 + 7]);

	/* The kernel took it: the next datagram goes to g2 at once. */
	inject(buf, len, 1000000);
	ck_assert_msg(cap.n == 3, "no second Redirect: %d outputs", cap.n);
	u = find_icmp6(2, SERVER6, PKT_ICMP6_DEST_UNREACH);
	ck_assert_int_eq(u, 2);
	ck_assert_msg(cap.pkt[u][48 + 7] == 63,
		      "the datagram skips r1: hop limit 63, not %u",
		      cap.pkt[u][48 + 7]);
	stop();

	/* A kernel that ignores redirects keeps sending to r1. */
	start_kernel(tun_lan_yaml);
	inject(buf, len, 0);
	inject(buf, len, 1000000);
	ck_assert_int_eq(cap.n, 4);
	r = find_icmp6(2, REDIRECT6, PKT_ICMP6_REDIRECT);
	ck_assert_msg(r >= 2, "r1 redirects the second datagram too");
	check_redirect6(r, buf, len);
	stop();
}
END_TEST

Suite *lan_suite(void)
{
	Suite *s = suite_create("lan");
	TCase *loading = tcase_create("loading");
	TCase *errors = tcase_create("errors");
	TCase *routes = tcase_create("routes");
	TCase *tun = tcase_create("tun");
	TCase *redirects = tcase_create("redirects");

	tcase_add_test(loading, lan_link_addresses);
	tcase_add_test(loading, lan_link_name);
	tcase_add_test(loading, lan_subnet_sizes);
	tcase_add_test(loading, lan_two_nodes);
	tcase_add_test(loading, lan_max_nodes_load);
	tcase_add_test(loading, lan_given_addresses);
	tcase_add_test(loading, lan_tun_addresses);
	tcase_add_test(loading, lan_tun_router_address);
	tcase_add_test(loading, lan_tun_max_nodes);
	tcase_add_test(loading, lan_tun_without_links);
	suite_add_tcase(s, loading);

	tcase_add_test(errors, lan_errors_members);
	tcase_add_test(errors, lan_error_too_many_nodes);
	tcase_add_test(errors, lan_errors_addresses);
	tcase_add_test(errors, lan_error_direction_block);
	tcase_add_test(errors, lan_errors_tun);
	tcase_add_test(errors, lan_errors_routes_events);
	suite_add_tcase(s, errors);

	tcase_add_test(routes, lan_routes_next_hop);
	tcase_add_test(routes, lan_routes6_next_hop);
	tcase_add_test(routes, lan_path_across);
	tcase_add_test(routes, lan_static_via);
	tcase_add_test(routes, lan_down_removes_routes);
	tcase_add_test(routes, lan_timeline_event);
	suite_add_tcase(s, routes);

	tcase_add_test(tun, lan_tun_entry);
	tcase_add_test(tun, lan_tun_path_one_hop);
	suite_add_tcase(s, tun);

	tcase_add_test(redirects, lan_engine_redirect_udp);
	tcase_add_test(redirects, lan_engine_asks_kernel);
	tcase_add_test(redirects, lan_engine_redirect_lifetimes);
	tcase_add_test(redirects, lan_engine_kernel_cache_second);
	tcase_add_test(redirects, lan_engine_redirect_echo);
	tcase_add_test(redirects, lan_engine_kernel_ignores_redirects);
	tcase_add_test(redirects, lan_engine_no_redirect);
	tcase_add_test(redirects, lan_engine_no_redirect_offlink_source);
	tcase_add_test(redirects, lan_engine_redirect6);
	tcase_add_test(redirects, lan_engine_kernel_redirects_per_family);
	suite_add_tcase(s, redirects);
	return s;
}
