/* SPDX-License-Identifier: MIT */
/* Unit tests of the topology loader, route computation and topo_path(). */
#include <errno.h>
#include <glob.h>
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

/* Checks that loading fails with a message that starts with @prefix. */
static void expect_error_prefix(const char *yaml, const char *prefix)
{
	struct topo_error err = { { 0 } };
	struct topology *topo;

	topo = topo_load_string("lab.yaml", yaml, strlen(yaml), &err);
	ck_assert_msg(topo == NULL, "loading should fail with \"%s...\"",
		      prefix);
	ck_assert_msg(strncmp(err.message, prefix, strlen(prefix)) == 0,
		      "message \"%s\" should start with \"%s\"", err.message,
		      prefix);
}

static uint32_t addr(const char *text)
{
	uint32_t value = 0;

	ck_assert_msg(topo_parse_ipv4(text, &value) == 0,
		      "test address '%s' should parse", text);
	return value;
}

static const struct topo_iface *iface_of(const struct topology *topo,
					 const char *node, int index)
{
	int n = topo_node_find(topo, node);

	ck_assert_msg(n >= 0, "node %s should exist", node);
	ck_assert_int_lt(index, topo->nodes[n].n_ifaces);
	return &topo->ifaces[topo->nodes[n].first_iface + index];
}

static void check_iface(const struct topology *topo, const char *node,
			int index, const char *name, const char *address,
			int plen)
{
	const struct topo_iface *iface = iface_of(topo, node, index);
	char buf[16];

	ck_assert_msg(strcmp(iface->name, name) == 0,
		      "%s interface %d should be %s, is %s", node, index, name,
		      iface->name);
	ck_assert_msg(iface->addr == addr(address),
		      "%s %s should have %s, has %s", node, name, address,
		      topo_format_ipv4(iface->addr, buf));
	ck_assert_int_eq(iface->plen, plen);
}

static void check_hop(const struct topo_hop *hops, int i,
		      enum topo_hop_mark mark, const char *address)
{
	char buf[16];

	ck_assert_msg(hops[i].ttl == i + 1, "hop %d should have TTL %d", i,
		      i + 1);
	ck_assert_msg(hops[i].mark == mark, "TTL %d: mark should be %d, is %d",
		      i + 1, mark, hops[i].mark);
	if (address)
		ck_assert_msg(hops[i].addr == addr(address),
			      "TTL %d should come from %s, comes from %s",
			      i + 1, address,
			      topo_format_ipv4(hops[i].addr, buf));
	else
		ck_assert_msg(hops[i].addr == 0 && hops[i].node == -1,
			      "TTL %d should be silent", i + 1);
}

static int trace(const struct topology *topo, const char *dst,
		 struct topo_hop *hops, int max_ttl)
{
	return topo_path(topo, 0, addr(dst), max_ttl, hops, max_ttl);
}

/* The shipped default topology. */

static struct topology *load_default(void)
{
	struct topo_error err = { { 0 } };
	struct topology *topo = topo_load_file(DEFAULT_TOPOLOGY, &err);

	ck_assert_msg(topo != NULL, "%s should load: %s", DEFAULT_TOPOLOGY,
		      err.message);
	return topo;
}

START_TEST(default_addresses)
{
	struct topology *topo = load_default();

	ck_assert_int_eq(topo->n_nodes, 7);
	ck_assert_int_eq(topo->n_tuns, 1);
	ck_assert_int_eq(topo->n_links, 6);
	ck_assert_str_eq(topo->tuns[0].name, "hop0");
	ck_assert_int_eq(topo->tuns[0].mtu, 1500);
	ck_assert(topo->tuns[0].routes_all);

	check_iface(topo, "hop0", 0, "hop0", "198.18.0.1", 30);
	check_iface(topo, "r1", 0, "eth0", "198.18.0.2", 30);
	check_iface(topo, "r1", 1, "eth1", "198.18.1.1", 30);
	check_iface(topo, "r2", 0, "eth0", "198.18.1.2", 30);
	check_iface(topo, "r2", 1, "eth1", "198.18.1.5", 30);
	check_iface(topo, "r3", 0, "eth0", "198.18.1.6", 30);
	check_iface(topo, "r3", 1, "eth1", "198.18.1.9", 30);
	check_iface(topo, "r4", 0, "eth0", "198.18.1.10", 30);
	check_iface(topo, "r4", 1, "eth1", "198.18.1.13", 30);
	check_iface(topo, "r5", 0, "eth0", "198.18.1.14", 30);
	check_iface(topo, "r5", 1, "eth1", "198.18.1.17", 30);
	check_iface(topo, "server", 0, "eth0", "198.18.1.18", 30);
	topo_destroy(topo);
}
END_TEST

START_TEST(default_model)
{
	struct topology *topo = load_default();
	int server = topo_node_find(topo, "server");
	int kernel = topo_node_find(topo, "hop0");
	int i, next = 0;

	ck_assert_int_ge(server, 0);
	ck_assert_int_eq(topo->nodes[server].kind, TOPO_NODE_HOST);
	ck_assert_int_eq(topo->nodes[server].n_tcp_open, 2);
	ck_assert_int_eq(topo->nodes[server].tcp_open[0], 22);
	ck_assert_int_eq(topo->nodes[server].tcp_open[1], 80);
	ck_assert_int_eq(topo->nodes[server].ttl, 64);
	ck_assert_uint_eq(topo->nodes[server].arp_timeout_us, 3000000);
	ck_assert_int_eq(topo->nodes[kernel].kind, TOPO_NODE_KERNEL);
	ck_assert_int_eq(topo->nodes[kernel].tun, 0);
	ck_assert_int_eq(topo->nodes[kernel].n_routes, 0);
	ck_assert_int_eq(topo_node_find(topo, "nobody"), -1);

	/* Interfaces of each node are contiguous, in node order. */
	for (i = 0; i < topo->n_nodes; i++) {
		ck_assert_int_eq(topo->nodes[i].first_iface, next);
		next += topo->nodes[i].n_ifaces;
	}
	ck_assert_int_eq(next, topo->n_ifaces);
	for (i = 0; i < topo->n_ifaces; i++) {
		const struct topo_iface *iface = &topo->ifaces[i];

		ck_assert_int_eq(topo->ifaces[iface->peer].peer, i);
		ck_assert_int_eq(topo->ifaces[iface->peer].link, iface->link);
	}
	ck_assert_uint_eq(topo->links[0].dir[0].delay_us, 0);
	ck_assert_uint_eq(topo->links[0].mtu, 1500);
	for (i = 1; i < topo->n_links; i++) {
		ck_assert_uint_eq(topo->links[i].dir[0].delay_us, 1000);
		ck_assert_uint_eq(topo->links[i].cost, 1);
	}
	topo_destroy(topo);
}
END_TEST

static void check_route(const struct topology *topo, const char *node,
			const char *dst, const char *prefix, int plen,
			enum topo_route_kind kind, const char *gateway,
			int iface_index)
{
	int n = topo_node_find(topo, node);
	const struct topo_route *r = topo_route_lookup(topo, n, addr(dst));

	ck_assert_msg(r != NULL, "%s should have a route to %s", node, dst);
	ck_assert_msg(r->prefix == addr(prefix) && r->plen == plen,
		      "%s: %s should match %s/%d", node, dst, prefix, plen);
	ck_assert_msg(r->kind == kind, "%s: route to %s is kind %d, not %d",
		      node, dst, r->kind, kind);
	if (gateway) {
		ck_assert_msg(r->gateway == addr(gateway),
			      "%s: route to %s should go via %s", node, dst,
			      gateway);
		ck_assert_int_eq(topo->ifaces[r->next_iface].addr,
				 addr(gateway));
	}
	if (iface_index >= 0)
		ck_assert_int_eq(r->iface,
				 topo->nodes[n].first_iface + iface_index);
}

START_TEST(default_routes_r3)
{
	struct topology *topo = load_default();
	int r3 = topo_node_find(topo, "r3");

	ck_assert_int_eq(topo->nodes[r3].n_routes, 6);
	check_route(topo, "r3", "198.18.1.5", "198.18.1.4", 30,
		    TOPO_ROUTE_CONNECTED, NULL, 0);
	check_route(topo, "r3", "198.18.1.10", "198.18.1.8", 30,
		    TOPO_ROUTE_CONNECTED, NULL, 1);
	check_route(topo, "r3", "198.18.0.1", "198.18.0.0", 30, TOPO_ROUTE_VIA,
		    "198.18.1.5", 0);
	check_route(topo, "r3", "198.18.1.1", "198.18.1.0", 30, TOPO_ROUTE_VIA,
		    "198.18.1.5", 0);
	check_route(topo, "r3", "198.18.1.13", "198.18.1.12", 30,
		    TOPO_ROUTE_VIA, "198.18.1.10", 1);
	check_route(topo, "r3", "198.18.1.18", "198.18.1.16", 30,
		    TOPO_ROUTE_VIA, "198.18.1.10", 1);
	ck_assert_ptr_null(topo_route_lookup(topo, r3, addr("10.0.0.1")));
	ck_assert_ptr_null(topo_route_lookup(topo, -1, addr("198.18.0.1")));
	topo_destroy(topo);
}
END_TEST

START_TEST(default_path)
{
	static const char *const expected[] = {
		"198.18.0.2",  "198.18.1.2",  "198.18.1.6",
		"198.18.1.10", "198.18.1.14", "198.18.1.18",
	};
	struct topology *topo = load_default();
	struct topo_hop hops[30];
	int n, i;

	n = trace(topo, "198.18.1.18", hops, 30);
	ck_assert_int_eq(n, 6);
	for (i = 0; i < 5; i++)
		check_hop(hops, i, TOPO_HOP_TIME_EXCEEDED, expected[i]);
	check_hop(hops, 5, TOPO_HOP_REACHED, expected[5]);
	ck_assert_int_eq(hops[5].node, topo_node_find(topo, "server"));
	ck_assert_int_eq(hops[0].node, topo_node_find(topo, "r1"));

	/* An address of the first router replies at once. */
	n = trace(topo, "198.18.1.1", hops, 30);
	ck_assert_int_eq(n, 1);
	check_hop(hops, 0, TOPO_HOP_REACHED, "198.18.1.1");
	topo_destroy(topo);
}
END_TEST

START_TEST(default_addr_owner)
{
	struct topology *topo = load_default();
	int owner;

	owner = topo_addr_owner(topo, addr("198.18.1.18"));
	ck_assert_int_ge(owner, 0);
	ck_assert_int_eq(topo->ifaces[owner].node,
			 topo_node_find(topo, "server"));
	owner = topo_addr_owner(topo, addr("198.18.0.1"));
	ck_assert_int_eq(owner, topo->tuns[0].kernel_iface);
	ck_assert_int_eq(topo_addr_owner(topo, addr("198.18.0.2")),
			 topo->tuns[0].router_iface);
	ck_assert_int_eq(topo_addr_owner(topo, addr("198.18.1.19")), -1);
	ck_assert_int_eq(topo_addr_owner(topo, addr("198.18.1.16")), -1);
	ck_assert_int_eq(topo_addr_owner(topo, 0), -1);
	for (owner = 0; owner < topo->n_ifaces; owner++)
		ck_assert_int_eq(
		    topo_addr_owner(topo, topo->ifaces[owner].addr), owner);
	topo_destroy(topo);
}
END_TEST

START_TEST(default_tun_prefixes)
{
	struct topology *topo = load_default();
	struct topo_prefix out[8];
	int n, i;

	n = topo_tun_prefixes(topo, 0, out, 8);
	ck_assert_int_eq(n, 5);
	for (i = 0; i < n; i++) {
		ck_assert_uint_eq(out[i].prefix,
				  addr("198.18.1.0") + 4u * (uint32_t)i);
		ck_assert_int_eq(out[i].plen, 30);
	}
	ck_assert_msg(topo_tun_prefixes(topo, 0, out, 2) == 5,
		      "a short buffer still returns the full count");
	ck_assert_int_eq(topo_tun_prefixes(topo, 0, NULL, 0), 5);
	ck_assert_int_eq(topo_tun_prefixes(topo, 1, out, 8), -EINVAL);
	topo_destroy(topo);
}
END_TEST

START_TEST(path_invalid_arguments)
{
	struct topology *topo = load_default();
	struct topo_hop hops[4];

	ck_assert_int_eq(topo_path(topo, 1, 0, 4, hops, 4), -EINVAL);
	ck_assert_int_eq(topo_path(topo, -1, 0, 4, hops, 4), -EINVAL);
	ck_assert_int_eq(topo_path(topo, 0, 0, 0, hops, 4), -EINVAL);
	ck_assert_int_eq(topo_path(topo, 0, 0, 256, hops, 4), -EINVAL);
	ck_assert_int_eq(topo_path(topo, 0, 0, 4, NULL, 4), -EINVAL);
	ck_assert_msg(topo_path(topo, 0, addr("198.18.1.18"), 30, hops, 4) == 4,
		      "topo_path should stop when @hops is full");
	topo_destroy(topo);
}
END_TEST

START_TEST(topologies_all_load)
{
	glob_t files;
	size_t i;

	ck_assert_int_eq(glob("../topologies/*.yaml", 0, NULL, &files), 0);
	ck_assert_uint_ge(files.gl_pathc, 1);
	for (i = 0; i < files.gl_pathc; i++) {
		struct topo_error err = { { 0 } };
		struct topology *topo = topo_load_file(files.gl_pathv[i], &err);

		ck_assert_msg(topo != NULL, "%s should load: %s",
			      files.gl_pathv[i], err.message);
		topo_destroy(topo);
	}
	globfree(&files);
}
END_TEST

START_TEST(load_file_missing)
{
	struct topo_error err = { { 0 } };

	ck_assert_ptr_null(topo_load_file("../topologies/none.yaml", &err));
	ck_assert_str_eq(err.message, "../topologies/none.yaml: failed to "
				      "read: No such file or directory");
}
END_TEST

/* Static routes and the traceroutes they produce. */

static const char static_yaml[] = "tun:\n"
				  "  hop0: r1\n"
				  "routers:\n"
				  "  r1: { routes: [default via r2] }\n"
				  "  r2:\n"
				  "    routes:\n"
				  "      - blackhole 198.18.1.8/30\n"
				  "      - unreachable 10.1.0.0/16\n"
				  "      - prohibit 10.2.0.0/16\n"
				  "      - 10.3.0.0/16 via r3\n"
				  "      - default via 198.18.1.6\n"
				  "  r3:\n"
				  "  r4:\n"
				  "links:\n"
				  "  - r1 -- r2\n"
				  "  - r2 -- r3\n"
				  "  - r3 -- r4\n";

START_TEST(static_overrides_computed)
{
	struct topology *topo = load(static_yaml);
	int r2 = topo_node_find(topo, "r2");
	const struct topo_route *r;

	r = topo_route_lookup(topo, r2, addr("198.18.1.10"));
	ck_assert_ptr_nonnull(r);
	ck_assert_msg(r->kind == TOPO_ROUTE_BLACKHOLE && r->is_static,
		      "the static blackhole should replace the computed route");
	ck_assert_int_eq(r->iface, -1);
	/* Replacing keeps one route per prefix. */
	ck_assert_int_eq(topo->nodes[r2].n_routes, 4 + 4);

	r = topo_route_lookup(topo, r2, addr("10.3.4.5"));
	ck_assert_int_eq(r->kind, TOPO_ROUTE_VIA);
	ck_assert_uint_eq(r->gateway, addr("198.18.1.6"));
	ck_assert_int_eq(r->next_iface, topo_addr_owner(topo, r->gateway));
	ck_assert_int_eq(r->iface, topo->nodes[r2].first_iface + 1);

	/* Longest prefix match applies across static and computed routes. */
	r = topo_route_lookup(topo, r2, addr("198.18.1.5"));
	ck_assert_int_eq(r->kind, TOPO_ROUTE_CONNECTED);
	ck_assert(!r->is_static);
	r = topo_route_lookup(topo, r2, addr("8.8.8.8"));
	ck_assert(r->is_static && r->plen == 0);
	topo_destroy(topo);
}
END_TEST

START_TEST(path_static_blackhole)
{
	struct topology *topo = load(static_yaml);
	struct topo_hop hops[6];
	int n, i;

	n = trace(topo, "198.18.1.10", hops, 6);
	ck_assert_msg(n == 6, "a blackhole stays silent up to max_ttl");
	check_hop(hops, 0, TOPO_HOP_TIME_EXCEEDED, "198.18.0.2");
	for (i = 1; i < 6; i++)
		check_hop(hops, i, TOPO_HOP_SILENT, NULL);
	topo_destroy(topo);
}
END_TEST

START_TEST(path_static_unreachable_prohibit)
{
	struct topology *topo = load(static_yaml);
	struct topo_hop hops[6];
	int n;

	n = trace(topo, "10.1.2.3", hops, 6);
	ck_assert_int_eq(n, 2);
	check_hop(hops, 0, TOPO_HOP_TIME_EXCEEDED, "198.18.0.2");
	check_hop(hops, 1, TOPO_HOP_HOST_UNREACH, "198.18.1.2");

	n = trace(topo, "10.2.0.1", hops, 6);
	ck_assert_int_eq(n, 2);
	check_hop(hops, 1, TOPO_HOP_PROHIBITED, "198.18.1.2");
	topo_destroy(topo);
}
END_TEST

START_TEST(path_no_route)
{
	struct topology *topo = load(static_yaml);
	struct topo_hop hops[6];
	int n;

	/* r3 has no default route. */
	n = trace(topo, "10.3.0.1", hops, 6);
	ck_assert_int_eq(n, 3);
	check_hop(hops, 0, TOPO_HOP_TIME_EXCEEDED, "198.18.0.2");
	check_hop(hops, 1, TOPO_HOP_TIME_EXCEEDED, "198.18.1.2");
	check_hop(hops, 2, TOPO_HOP_NET_UNREACH, "198.18.1.6");
	topo_destroy(topo);

	topo = load("tun: { hop0: r1 }\n"
		    "routers: [r1, r2]\n"
		    "links: [r1 -- r2]\n");
	n = trace(topo, "10.0.0.1", hops, 6);
	ck_assert_int_eq(n, 1);
	check_hop(hops, 0, TOPO_HOP_NET_UNREACH, "198.18.0.2");

	/* Multicast is never forwarded, route or not. */
	n = trace(topo, "224.0.0.5", hops, 2);
	ck_assert_int_eq(n, 2);
	check_hop(hops, 0, TOPO_HOP_SILENT, NULL);
	topo_destroy(topo);
}
END_TEST

START_TEST(path_routing_loop)
{
	struct topology *topo = load("tun: { hop0: r1 }\n"
				     "routers:\n"
				     "  r1: { routes: [10.0.0.0/8 via r2] }\n"
				     "  r2: { routes: [10.0.0.0/8 via r1] }\n"
				     "links: [r1 -- r2]\n");
	struct topo_hop hops[9];
	int n, i;

	n = trace(topo, "10.0.0.1", hops, 9);
	ck_assert_msg(n == 9, "a loop runs until max_ttl, not %d hops", n);
	for (i = 0; i < n; i++)
		check_hop(hops, i, TOPO_HOP_TIME_EXCEEDED,
			  i % 2 == 0 ? "198.18.0.2" : "198.18.1.2");
	topo_destroy(topo);
}
END_TEST

START_TEST(path_unowned_connected_address)
{
	struct topology *topo =
	    load("tun: { hop0: r1 }\n"
		 "routers: [r1, r2, r3]\n"
		 "links:\n"
		 "  - r1 -- r2\n"
		 "  - r2 -- r3: { subnet: 198.18.5.0/24 }\n");
	struct topo_hop hops[6];
	int n;

	check_iface(topo, "r2", 1, "eth1", "198.18.5.1", 24);
	check_iface(topo, "r3", 0, "eth0", "198.18.5.2", 24);
	n = trace(topo, "198.18.5.77", hops, 6);
	ck_assert_int_eq(n, 3);
	check_hop(hops, 0, TOPO_HOP_TIME_EXCEEDED, "198.18.0.2");
	check_hop(hops, 1, TOPO_HOP_TIME_EXCEEDED, "198.18.1.2");
	check_hop(hops, 2, TOPO_HOP_HOST_UNREACH, "198.18.1.2");

	n = trace(topo, "198.18.5.2", hops, 6);
	ck_assert_int_eq(n, 3);
	check_hop(hops, 2, TOPO_HOP_REACHED, "198.18.5.2");

	/* The subnet's broadcast address is dropped without an error, even
	 * at the TTL that ends on r2. */
	n = trace(topo, "198.18.5.255", hops, 4);
	ck_assert_int_eq(n, 4);
	check_hop(hops, 0, TOPO_HOP_TIME_EXCEEDED, "198.18.0.2");
	check_hop(hops, 1, TOPO_HOP_SILENT, NULL);
	check_hop(hops, 2, TOPO_HOP_SILENT, NULL);
	check_hop(hops, 3, TOPO_HOP_SILENT, NULL);
	topo_destroy(topo);
}
END_TEST

/*
 * r1 reaches r3 over r2 or r4 at equal cost, and so does r3 reach r1.
 * Each takes the first hop whose link comes first, so probes go r1, r2,
 * r3 while r3's errors go back over r4, from its address on r3 -- r4.
 */
static const char ring_yaml[] = "tun: { hop0: r1 }\n"
				"routers: [r1, r2, r3, r4]\n"
				"hosts: [server]\n"
				"links:\n"
				"  - r1 -- r2: { cost: 2 }\n"
				"  - r3 -- r4\n"
				"  - r2 -- r3\n"
				"  - r4 -- r1: { cost: 2 }\n"
				"  - r3 -- server\n";

START_TEST(path_asymmetric_return)
{
	struct topology *topo = load(ring_yaml);
	struct topo_hop hops[8];
	int n;

	check_route(topo, "r1", "198.18.1.18", "198.18.1.16", 30,
		    TOPO_ROUTE_VIA, "198.18.1.2", 1);
	check_route(topo, "r3", "198.18.0.1", "198.18.0.0", 30, TOPO_ROUTE_VIA,
		    "198.18.1.6", 0);

	n = trace(topo, "198.18.1.18", hops, 8);
	ck_assert_int_eq(n, 4);
	check_hop(hops, 0, TOPO_HOP_TIME_EXCEEDED, "198.18.0.2");
	check_hop(hops, 1, TOPO_HOP_TIME_EXCEEDED, "198.18.1.2");
	/* The probe enters r3 at 198.18.1.10; the error leaves by r3 -- r4. */
	check_hop(hops, 2, TOPO_HOP_TIME_EXCEEDED, "198.18.1.5");
	check_hop(hops, 3, TOPO_HOP_REACHED, "198.18.1.18");
	topo_destroy(topo);
}
END_TEST

START_TEST(path_cost_avoids_expensive_link)
{
	struct topology *topo = load("tun: { hop0: r1 }\n"
				     "routers: [r1, r2, r3]\n"
				     "hosts: [server]\n"
				     "links:\n"
				     "  - r1 -- r2: { cost: 10 }\n"
				     "  - r1 -- r3\n"
				     "  - r3 -- r2\n"
				     "  - r2 -- server\n");
	struct topo_hop hops[8];
	int n;

	/* The direct r1 -- r2 link costs 10, the detour over r3 costs 2. */
	check_route(topo, "r1", "198.18.1.14", "198.18.1.12", 30,
		    TOPO_ROUTE_VIA, "198.18.1.6", 2);
	check_route(topo, "r2", "198.18.0.1", "198.18.0.0", 30, TOPO_ROUTE_VIA,
		    "198.18.1.9", 1);
	n = trace(topo, "198.18.1.14", hops, 8);
	ck_assert_int_eq(n, 4);
	check_hop(hops, 0, TOPO_HOP_TIME_EXCEEDED, "198.18.0.2");
	check_hop(hops, 1, TOPO_HOP_TIME_EXCEEDED, "198.18.1.6");
	check_hop(hops, 2, TOPO_HOP_TIME_EXCEEDED, "198.18.1.10");
	check_hop(hops, 3, TOPO_HOP_REACHED, "198.18.1.14");
	topo_destroy(topo);
}
END_TEST

START_TEST(path_hosts_do_not_forward)
{
	struct topology *topo = load("tun: { hop0: r1 }\n"
				     "routers: [r1, r2]\n"
				     "hosts: [h]\n"
				     "links:\n"
				     "  - r1 -- h\n"
				     "  - h -- r2\n");
	struct topo_hop hops[4];
	int r1 = topo_node_find(topo, "r1");
	int n, i;

	/* r1 reaches the h -- r2 subnet through h, but h drops transit. */
	check_route(topo, "r1", "198.18.1.6", "198.18.1.4", 30, TOPO_ROUTE_VIA,
		    "198.18.1.2", 1);
	ck_assert_int_eq(topo->nodes[r1].n_routes, 3);
	n = trace(topo, "198.18.1.6", hops, 4);
	ck_assert_int_eq(n, 4);
	check_hop(hops, 0, TOPO_HOP_TIME_EXCEEDED, "198.18.0.2");
	for (i = 1; i < 4; i++)
		check_hop(hops, i, TOPO_HOP_SILENT, NULL);

	/* h itself replies, and its reply goes back through r1. */
	n = trace(topo, "198.18.1.5", hops, 4);
	ck_assert_int_eq(n, 2);
	check_hop(hops, 1, TOPO_HOP_REACHED, "198.18.1.5");
	topo_destroy(topo);
}
END_TEST

START_TEST(path_reply_without_return_route)
{
	struct topology *topo =
	    load("tun: { hop0: r1 }\n"
		 "routers:\n"
		 "  r1:\n"
		 "  r2: { routes: [blackhole 198.18.0.0/30] }\n"
		 "  r3:\n"
		 "links: [r1 -- r2, r2 -- r3]\n");
	struct topo_hop hops[5];
	int n, i;

	/* r2 and r3 cannot reply, because r2 blackholes the TUN subnet. */
	n = trace(topo, "198.18.1.6", hops, 5);
	ck_assert_int_eq(n, 5);
	check_hop(hops, 0, TOPO_HOP_TIME_EXCEEDED, "198.18.0.2");
	for (i = 1; i < 5; i++)
		check_hop(hops, i, TOPO_HOP_SILENT, NULL);
	topo_destroy(topo);
}
END_TEST

/* Addresses. */

START_TEST(address_explicit_subnets_skipped)
{
	struct topology *topo =
	    load("routers: [r1, r2, r3, r4]\n"
		 "links:\n"
		 "  - r1 -- r2\n"
		 "  - r2 -- r3: { subnet: 198.18.1.4/30 }\n"
		 "  - r3 -- r4\n"
		 "  - r4 -- r1: { addresses: [198.18.1.9/29, "
		 "198.18.1.14/29] }\n"
		 "  - r1 -- r3\n");

	check_iface(topo, "r1", 0, "eth0", "198.18.1.1", 30);
	check_iface(topo, "r2", 1, "eth1", "198.18.1.5", 30);
	/* 198.18.1.8/29 is given, so the next free /30 is 198.18.1.16. */
	check_iface(topo, "r3", 1, "eth1", "198.18.1.17", 30);
	check_iface(topo, "r4", 1, "eth1", "198.18.1.9", 29);
	check_iface(topo, "r1", 1, "eth1", "198.18.1.14", 29);
	check_iface(topo, "r1", 2, "eth2", "198.18.1.21", 30);
	topo_destroy(topo);
}
END_TEST

START_TEST(address_tun_settings)
{
	struct topology *topo =
	    load("tun:\n"
		 "  hop0: { router: r1, mtu: 9000, routes: none }\n"
		 "  hop1: { router: r2, address: 198.18.7.1/24 }\n"
		 "  hop2: { router: r2, address: 198.18.8.2/24,"
		 " routes: all }\n"
		 "  hop3:\n"
		 "    router: r1\n"
		 "    address: 198.18.9.9/29\n"
		 "    router-address: 198.18.9.14\n"
		 "routers: [r1, r2]\n"
		 "links: [r1 -- r2]\n");
	struct topo_prefix out[8];

	ck_assert_int_eq(topo->n_tuns, 4);
	check_iface(topo, "hop0", 0, "hop0", "198.18.0.1", 30);
	check_iface(topo, "hop1", 0, "hop1", "198.18.7.1", 24);
	check_iface(topo, "hop2", 0, "hop2", "198.18.8.2", 24);
	check_iface(topo, "hop3", 0, "hop3", "198.18.9.9", 29);
	/* TUN attachments come first, in file order. */
	check_iface(topo, "r1", 0, "eth0", "198.18.0.2", 30);
	check_iface(topo, "r1", 1, "eth1", "198.18.9.14", 29);
	check_iface(topo, "r1", 2, "eth2", "198.18.1.1", 30);
	check_iface(topo, "r2", 0, "eth0", "198.18.7.2", 24);
	check_iface(topo, "r2", 1, "eth1", "198.18.8.1", 24);
	check_iface(topo, "r2", 2, "eth2", "198.18.1.2", 30);
	ck_assert_uint_eq(topo->tuns[0].mtu, 9000);
	ck_assert_uint_eq(topo->links[0].mtu, 9000);
	ck_assert_uint_eq(topo->links[0].dir[0].delay_us, 0);

	ck_assert(!topo->tuns[0].routes_all);
	ck_assert(!topo->tuns[1].routes_all);
	ck_assert(topo->tuns[2].routes_all);
	ck_assert_int_eq(topo_tun_prefixes(topo, 1, out, 8), 0);
	/* The link, but no TUN subnet: the kernel has each on its device. */
	ck_assert_int_eq(topo_tun_prefixes(topo, 2, out, 8), 1);
	ck_assert_uint_eq(out[0].prefix, addr("198.18.1.0"));
	topo_destroy(topo);
}
END_TEST

START_TEST(address_parse_format)
{
	uint32_t a = 0;
	char buf[16];

	ck_assert_int_eq(topo_parse_ipv4("198.18.1.18", &a), 0);
	ck_assert_uint_eq(a, 0xc6120112u);
	ck_assert_str_eq(topo_format_ipv4(a, buf), "198.18.1.18");
	ck_assert_int_eq(topo_parse_ipv4("0.0.0.0", &a), 0);
	ck_assert_uint_eq(a, 0);
	ck_assert_int_eq(topo_parse_ipv4("255.255.255.255", &a), 0);
	ck_assert_str_eq(topo_format_ipv4(a, buf), "255.255.255.255");
	ck_assert_int_eq(topo_parse_ipv4("256.1.1.1", &a), -EINVAL);
	ck_assert_int_eq(topo_parse_ipv4("1.1.1", &a), -EINVAL);
	ck_assert_int_eq(topo_parse_ipv4("1.1.1.1.", &a), -EINVAL);
	ck_assert_int_eq(topo_parse_ipv4("01.1.1.1", &a), -EINVAL);
	ck_assert_int_eq(topo_parse_ipv4("1..1.1", &a), -EINVAL);
	ck_assert_int_eq(topo_parse_ipv4(" 1.1.1.1", &a), -EINVAL);
	ck_assert_int_eq(topo_parse_ipv4("", &a), -EINVAL);
}
END_TEST

START_TEST(node_settings)
{
	struct topology *topo =
	    load("routers:\n"
		 "  r1: { ttl: 255, arp-timeout: 250us, tcp-open: [179] }\n"
		 "hosts:\n"
		 "  h: { arp-timeout: 2.5ms, ttl: 128, routes: , tcp-open: }\n"
		 "links:\n"
		 "  - r1 -- h: { delay: 1.5s, mtu: 1400 }\n");
	int r1 = topo_node_find(topo, "r1"), h = topo_node_find(topo, "h");

	ck_assert_int_eq(topo->nodes[r1].ttl, 255);
	ck_assert_uint_eq(topo->nodes[r1].arp_timeout_us, 250);
	ck_assert_int_eq(topo->nodes[r1].n_tcp_open, 1);
	ck_assert_int_eq(topo->nodes[r1].tcp_open[0], 179);
	ck_assert_int_eq(topo->nodes[h].ttl, 128);
	ck_assert_uint_eq(topo->nodes[h].arp_timeout_us, 2500);
	ck_assert_int_eq(topo->nodes[h].n_tcp_open, 0);
	ck_assert_int_eq(topo->nodes[h].n_routes, 1);
	ck_assert_uint_eq(topo->links[0].dir[0].delay_us, 1500000);
	ck_assert_uint_eq(topo->links[0].mtu, 1400);
	ck_assert_int_eq(topo->n_tuns, 0);
	topo_destroy(topo);
}
END_TEST

/* Error messages: file, 1-based line and column, and the offending value. */

START_TEST(error_unknown_key_suggestion)
{
	expect_error("routers: [r1, r2, r3]\n"
		     "links:\n"
		     "  - r1 -- r2\n"
		     "  - r2 -- r3: { dealy: 1ms }\n",
		     "lab.yaml:4:17: unknown key 'dealy' in link r2 -- r3 "
		     "(did you mean 'delay'?)");
	expect_error("routers: [r1, r2]\n"
		     "links: [r1 -- r2]\n"
		     "extra: 1\n",
		     "lab.yaml:3:1: unknown key 'extra' at the top level "
		     "(expected 'tun', 'routers', 'hosts', 'links', "
		     "'timeline' or 'ipv6')");
	expect_error("routers:\n"
		     "  r1: { tcp_open: [22] }\n"
		     "  r2:\n"
		     "links: [r1 -- r2]\n",
		     "lab.yaml:2:9: unknown key 'tcp_open' in router r1 "
		     "(did you mean 'tcp-open'?)");
}
END_TEST

START_TEST(error_bad_duration)
{
	expect_error("routers: [r1, r2]\n"
		     "links:\n"
		     "  - r1 -- r2: { delay: 5 }\n",
		     "lab.yaml:3:24: delay '5' in link r1 -- r2 has no unit "
		     "(write '5ms', '5us' or '5s')");
	expect_error("routers: [r1, r2]\n"
		     "links:\n"
		     "  - r1 -- r2: { delay: 5 ms }\n",
		     "lab.yaml:3:24: invalid delay '5 ms' in link r1 -- r2 "
		     "(expected a number with unit us, ms or s, such as "
		     "'2.5ms', or '0')");
	expect_error_prefix("routers:\n"
			    "  r1: { arp-timeout: 61s }\n"
			    "  r2:\n"
			    "links: [r1 -- r2]\n",
			    "lab.yaml:2:22: arp-timeout '61s' in router r1 is "
			    "out of range");
	expect_error_prefix("routers: [r1, r2]\n"
			    "links: [r1 -- r2: { delay: 0.5us }]\n",
			    "lab.yaml:2:28: delay '0.5us' in link r1 -- r2 is "
			    "not a whole number");
}
END_TEST

START_TEST(error_unknown_node)
{
	expect_error("routers: [r1, r2]\n"
		     "links:\n"
		     "  - r1 -- r9\n",
		     "lab.yaml:3:11: unknown node 'r9' in link r1 -- r9");
	expect_error_prefix("tun: { hop0: r1 }\n"
			    "routers: [r1, r2]\n"
			    "links: [r1 -- r2, r2 -- hop0]\n",
			    "lab.yaml:3:25: 'hop0' in link r2 -- hop0 is a TUN "
			    "device");
	expect_error("routers: [r1, r2]\n"
		     "links: [r1 -- r1]\n",
		     "lab.yaml:2:15: link r1 -- r1 connects 'r1' to itself");
	expect_error("routers: [r1, r2]\n"
		     "links: [r1 - r2]\n",
		     "lab.yaml:2:9: invalid link 'r1 - r2' (write it as "
		     "'A -- B', with spaces around '--')");
}
END_TEST

START_TEST(error_route_word_column)
{
	expect_error("routers:\n"
		     "  r1: { routes: [\"10.0.0.0/8 vai r2\"] }\n"
		     "  r2:\n"
		     "links: [r1 -- r2]\n",
		     "lab.yaml:2:30: unknown route form 'vai' in route "
		     "'10.0.0.0/8 vai r2' of router r1 (expected 'PREFIX via "
		     "ADDRESS', 'PREFIX via NODE', 'blackhole PREFIX', "
		     "'unreachable PREFIX' or 'prohibit PREFIX')");
	expect_error("routers:\n"
		     "  r1:\n"
		     "    routes:\n"
		     "      - 10.0.0.0/8 via r3\n"
		     "  r2:\n"
		     "  r3:\n"
		     "links: [r1 -- r2, r2 -- r3]\n",
		     "lab.yaml:4:24: 'r3' in route '10.0.0.0/8 via r3' of "
		     "router r1 is not a neighbour of r1 (no link connects "
		     "them)");
	expect_error("routers:\n"
		     "  r1: { routes: [blackhole 10.0.0.0/33] }\n"
		     "  r2:\n"
		     "links: [r1 -- r2]\n",
		     "lab.yaml:2:28: invalid prefix '10.0.0.0/33' in route "
		     "'blackhole 10.0.0.0/33' of router r1 (expected "
		     "A.B.C.D/LEN, A.B.C.D or 'default')");
	expect_error("routers:\n"
		     "  r1: { routes: [10.1.0.0/8 via r2] }\n"
		     "  r2:\n"
		     "links: [r1 -- r2]\n",
		     "lab.yaml:2:18: prefix '10.1.0.0/8' in route '10.1.0.0/8 "
		     "via r2' of router r1 has host bits set (did you mean "
		     "'10.0.0.0/8'?)");
	expect_error("routers:\n"
		     "  r1: { routes: [10.0.0.0/8 via 198.18.1.1] }\n"
		     "  r2:\n"
		     "links: [r1 -- r2]\n",
		     "lab.yaml:2:33: gateway '198.18.1.1' in route '10.0.0.0/8 "
		     "via 198.18.1.1' of router r1 is an address of r1 "
		     "itself");
	expect_error("routers:\n"
		     "  r1: { routes: [10.0.0.0/8 via 10.9.9.9] }\n"
		     "  r2:\n"
		     "links: [r1 -- r2]\n",
		     "lab.yaml:2:33: gateway '10.9.9.9' in route '10.0.0.0/8 "
		     "via 10.9.9.9' of router r1 is not in a subnet of r1");
	expect_error_prefix("routers:\n"
			    "  r1: { routes: [default via 198.18.9.7] }\n"
			    "  r2:\n"
			    "links: [r1 -- r2: { subnet: 198.18.9.0/24 }]\n",
			    "lab.yaml:2:30: gateway '198.18.9.7' in route "
			    "'default via 198.18.9.7' of router r1 is not the "
			    "address of a neighbour");
	expect_error(
	    "routers:\n"
	    "  r1: { routes: [blackhole default, blackhole 0.0.0.0/0] }\n"
	    "  r2:\n"
	    "links: [r1 -- r2]\n",
	    "lab.yaml:2:37: duplicate route for 0.0.0.0/0 in router "
	    "r1");
}
END_TEST

START_TEST(error_address_conflict)
{
	expect_error("routers: [r1, r2, r3]\n"
		     "links:\n"
		     "  - r1 -- r2: { subnet: 198.18.1.0/24 }\n"
		     "  - r2 -- r3: { subnet: 198.18.1.128/25 }\n",
		     "lab.yaml:4:5: address conflict: subnet 198.18.1.128/25 "
		     "of link r2 -- r3 overlaps subnet 198.18.1.0/24 of link "
		     "r1 -- r2 (line 3)");
	expect_error(
	    "routers: [r1, r2, r3]\n"
	    "links:\n"
	    "  - r1 -- r2: { addresses: [10.0.0.1/24, 10.0.0.2/24] }\n"
	    "  - r2 -- r3: { addresses: [10.0.0.1/24, 10.0.0.3/24] }\n",
	    "lab.yaml:4:5: address conflict: '10.0.0.1' of r2 on link "
	    "r2 -- r3 is already used by r1 on link r1 -- r2 (line 3)");
	expect_error("routers: [r1, r2]\n"
		     "links:\n"
		     "  - r1 -- r2: { addresses: [10.0.0.1/24, 10.0.0.1] }\n",
		     "lab.yaml:3:42: address conflict: both ends of link "
		     "r1 -- r2 have address '10.0.0.1'");
	expect_error("tun:\n"
		     "  hop0: { router: r1, address: 198.18.1.1/30 }\n"
		     "routers: [r1, r2]\n"
		     "links: [r1 -- r2: { subnet: 198.18.1.0/29,"
		     " addresses: [198.18.1.5, 198.18.1.6] }]\n",
		     "lab.yaml:4:9: address conflict: subnet 198.18.1.0/29 of "
		     "link r1 -- r2 overlaps subnet 198.18.1.0/30 of link tun "
		     "hop0 (line 2)");
	expect_error_prefix("routers: [r1, r2, r3]\n"
			    "links:\n"
			    "  - r1 -- r2: { subnet: 198.18.0.0/15 }\n"
			    "  - r2 -- r3\n",
			    "lab.yaml:4:5: no free /30 left in 198.18.0.0/15 "
			    "for link r2 -- r3");
}
END_TEST

START_TEST(error_yaml_syntax)
{
	expect_error("routers: [r1, r2\n"
		     "links: [r1 -- r2]\n",
		     "lab.yaml:3:1: flow sequence without a closing bracket");
	expect_error("routers: [r1, r2]\n"
		     "links:\n"
		     "  - r1 -- r2: { mtu: 1400, mtu: 1300 }\n",
		     "lab.yaml:3:28: duplicate key");
	expect_error_prefix("routers: [r1, r2]\n"
			    "links:\n"
			    "\t- r1 -- r2\n",
			    "lab.yaml:3:1: ");
}
END_TEST

START_TEST(error_wrong_type)
{
	expect_error("routers: [r1, r2]\n"
		     "hosts: [[h]]\n"
		     "links: [r1 -- r2]\n",
		     "lab.yaml:2:9: expected a scalar for a host name, found a "
		     "sequence");
	expect_error("routers: [r1, r2]\n"
		     "links: { r1 -- r2: }\n",
		     "lab.yaml:2:8: expected a sequence for 'links', found a "
		     "mapping");
	expect_error("tun: [hop0]\n"
		     "routers: [r1, r2]\n"
		     "links: [r1 -- r2]\n",
		     "lab.yaml:1:6: expected a mapping for 'tun', found a "
		     "sequence");
	expect_error("routers: r1\n"
		     "links: [r1 -- r2]\n",
		     "lab.yaml:1:10: expected a sequence or a mapping for "
		     "'routers', found a scalar");
	expect_error("- r1\n",
		     "lab.yaml:1:1: expected a mapping at the top level, found "
		     "a sequence");
	expect_error_prefix(
	    "routers:\n"
	    "  r1: { routes: blackhole default }\n"
	    "  r2:\n"
	    "links: [r1 -- r2]\n",
	    "lab.yaml:2:17: expected a sequence for 'routes' in "
	    "router r1, found a scalar");
	expect_error("routers: [r1, r2]\n"
		     "links:\n"
		     "  - r1 -- r2:\n"
		     "    delay: 1ms\n",
		     "lab.yaml:4:5: a link item must have one key 'A -- B', "
		     "found 2 (indent the settings under the link, or write "
		     "'A -- B: { key: value }')");
}
END_TEST

START_TEST(error_names)
{
	expect_error("routers: [r1, r2]\n"
		     "hosts: [r1]\n"
		     "links: [r1 -- r2]\n",
		     "lab.yaml:2:9: duplicate name 'r1': already a router at "
		     "line 1");
	expect_error("tun: { r2: r1 }\n"
		     "routers: [r1, r2]\n"
		     "links: [r1 -- r2]\n",
		     "lab.yaml:1:8: duplicate name 'r2': already a router at "
		     "line 2");
	expect_error_prefix(
	    "routers: [r1, \"r 2\"]\n"
	    "links: [r1 -- r2]\n",
	    "lab.yaml:1:16: invalid router name 'r 2' (use 1 to "
	    "31 letters");
	expect_error_prefix("tun: { a-very-long-tun-name: r1 }\n"
			    "routers: [r1, r2]\n"
			    "links: [r1 -- r2]\n",
			    "lab.yaml:1:8: invalid TUN device name "
			    "'a-very-long-tun-name' (use 1 to 15 letters");
	expect_error("routers: [r1, r2, r3]\n"
		     "links: [r1 -- r2]\n",
		     "lab.yaml:1:19: router 'r3' has no links (connect it in "
		     "'links')");
}
END_TEST

START_TEST(error_tun_router)
{
	expect_error("tun: { hop0: r9 }\n"
		     "routers: [r1, r2]\n"
		     "links: [r1 -- r2]\n",
		     "lab.yaml:1:14: unknown router 'r9' in tun hop0");
	expect_error("tun: { hop0: server }\n"
		     "routers: [r1]\n"
		     "hosts: [server]\n"
		     "links: [r1 -- server]\n",
		     "lab.yaml:1:14: 'server' in tun hop0 is a host (a TUN "
		     "device attaches to a router)");
	expect_error("tun:\n"
		     "  hop0:\n"
		     "routers: [r1, r2]\n"
		     "links: [r1 -- r2]\n",
		     "lab.yaml:2:3: missing router in tun hop0 (write 'hop0: "
		     "ROUTER' or 'hop0: { router: ROUTER }')");
	expect_error("tun:\n"
		     "  hop0: { mtu: 1400 }\n"
		     "routers: [r1, r2]\n"
		     "links: [r1 -- r2]\n",
		     "lab.yaml:2:9: missing 'router' in tun hop0");
	expect_error("tun:\n"
		     "  hop0: { router: r1, routes: some }\n"
		     "routers: [r1, r2]\n"
		     "links: [r1 -- r2]\n",
		     "lab.yaml:2:31: invalid routes 'some' in tun hop0 "
		     "(expected 'all' or 'none')");
	expect_error(
	    "tun:\n"
	    "  hop0: { router: r1, address: 198.18.0.1/30,"
	    " router-address: 198.18.1.2 }\n"
	    "routers: [r1, r2]\n"
	    "links: [r1 -- r2]\n",
	    "lab.yaml:2:63: router-address '198.18.1.2' in tun hop0 is "
	    "outside the subnet 198.18.0.0/30 of 'address'");
}
END_TEST

START_TEST(error_addresses)
{
	expect_error("routers: [r1, r2]\n"
		     "links:\n"
		     "  - r1 -- r2: { subnet: 10.0.0.0/24, addresses: "
		     "[10.0.0.1, 10.0.1.2] }\n",
		     "lab.yaml:3:60: address '10.0.1.2' in link r1 -- r2 is "
		     "outside the subnet 10.0.0.0/24");
	expect_error("routers: [r1, r2]\n"
		     "links:\n"
		     "  - r1 -- r2: { subnet: 10.0.0.1/24 }\n",
		     "lab.yaml:3:25: subnet '10.0.0.1/24' in link r1 -- r2 has "
		     "host bits set (did you mean '10.0.0.0/24'?)");
	expect_error("routers: [r1, r2]\n"
		     "links:\n"
		     "  - r1 -- r2: { addresses: [10.0.0.0/24, 10.0.0.2] }\n",
		     "lab.yaml:3:29: address '10.0.0.0/24' in link r1 -- r2 is "
		     "the network address of 10.0.0.0/24 (use a host "
		     "address)");
	expect_error("routers: [r1, r2]\n"
		     "links:\n"
		     "  - r1 -- r2: { addresses: [10.0.0.1/30, 10.0.0.3] }\n",
		     "lab.yaml:3:42: address '10.0.0.3' in link r1 -- r2 is "
		     "the broadcast address of 10.0.0.0/30 (use a host "
		     "address)");
	expect_error("routers: [r1, r2]\n"
		     "links:\n"
		     "  - r1 -- r2: { addresses: [10.0.0.256/24, 10.0.0.2] }\n",
		     "lab.yaml:3:29: invalid address '10.0.0.256/24' in link "
		     "r1 -- r2 (expected A.B.C.D, or A.B.C.D/LEN with LEN "
		     "1..30)");
	expect_error_prefix(
	    "routers: [r1, r2]\n"
	    "links:\n"
	    "  - r1 -- r2: { addresses: [10.0.0.1, 10.0.0.2] }\n",
	    "lab.yaml:3:29: address '10.0.0.1' in link r1 -- r2 "
	    "needs a prefix length");
	expect_error_prefix("routers: [r1, r2]\n"
			    "links:\n"
			    "  - r1 -- r2: { subnet: 10.0.0.0/31 }\n",
			    "lab.yaml:3:25: subnet '10.0.0.0/31' in link "
			    "r1 -- r2 has prefix length 31, out of range");
}
END_TEST

START_TEST(error_out_of_range)
{
	expect_error("routers: [r1, r2]\n"
		     "links:\n"
		     "  - r1 -- r2: { mtu: 40 }\n",
		     "lab.yaml:3:22: mtu '40' in link r1 -- r2 is out of range "
		     "(68..65535)");
	expect_error("routers:\n"
		     "  r1: { ttl: 0 }\n"
		     "  r2:\n"
		     "links: [r1 -- r2]\n",
		     "lab.yaml:2:14: ttl '0' in router r1 is out of range "
		     "(1..255)");
	expect_error("routers: [r1, r2]\n"
		     "links: [r1 -- r2: { cost: 0 }]\n",
		     "lab.yaml:2:27: cost '0' in link r1 -- r2 is out of range "
		     "(1..65535)");
	expect_error("routers:\n"
		     "  r1: { tcp-open: [22, 65536] }\n"
		     "  r2:\n"
		     "links: [r1 -- r2]\n",
		     "lab.yaml:2:24: tcp-open '65536' in router r1 is out of "
		     "range (1..65535)");
	expect_error("routers: [r1, r2]\n"
		     "links: [r1 -- r2: { mtu: big }]\n",
		     "lab.yaml:2:26: invalid mtu 'big' in link r1 -- r2 "
		     "(expected a whole number from 68 to 65535)");
}
END_TEST

START_TEST(error_empty_or_no_links)
{
	expect_error("", "lab.yaml:1:1: empty topology file (expected 'tun', "
			 "'routers', 'hosts' and 'links')");
	expect_error("# only a comment\n",
		     "lab.yaml:1:1: empty topology file (expected 'tun', "
		     "'routers', 'hosts' and 'links')");
	expect_error("routers: [r1, r2]\n",
		     "lab.yaml:1:1: no 'links' in the topology (add a sequence "
		     "such as 'links: [r1 -- r2]')");
	expect_error("routers: [r1, r2]\n"
		     "links: []\n",
		     "lab.yaml:2:8: 'links' is empty (a topology needs at "
		     "least one link)");
	expect_error("routers: [r1, r2]\n"
		     "links:\n",
		     "lab.yaml:2:1: expected a sequence for 'links', found an "
		     "empty value");
}
END_TEST

/* Link impairments, ICMP policies, loopbacks and route rebuilding. */

static const struct topo_link *link_between(const struct topology *topo,
					    const char *a, const char *b)
{
	int na = topo_node_find(topo, a), nb = topo_node_find(topo, b);
	int i;

	for (i = 0; i < topo->n_links; i++) {
		int x = topo->ifaces[topo->links[i].iface[0]].node;
		int y = topo->ifaces[topo->links[i].iface[1]].node;

		if ((x == na && y == nb) || (x == nb && y == na))
			return &topo->links[i];
	}
	ck_abort_msg("no link joins %s and %s", a, b);
	return NULL;
}

/* Returns the direction of @link for packets that node @from sends. */
static const struct topo_impair *dir_from(const struct topology *topo,
					  const struct topo_link *link,
					  const char *from)
{
	int node = topo_node_find(topo, from);

	return topo->ifaces[link->iface[0]].node == node ? &link->dir[0]
							 : &link->dir[1];
}

START_TEST(impair_link_level_keys)
{
	struct topology *topo = load("routers: [r1, r2]\n"
				     "links:\n"
				     "  - r1 -- r2:\n"
				     "      delay: 10ms\n"
				     "      jitter: 2ms\n"
				     "      distribution: normal\n"
				     "      jitter-reorder: yes\n"
				     "      loss: 5%\n"
				     "      duplicate: 0.5%\n"
				     "      reorder: 25%\n"
				     "      corrupt: 0.0001%\n"
				     "      rate: 1.5mbit\n"
				     "      queue: 50\n");
	const struct topo_link *link = link_between(topo, "r1", "r2");
	int i;

	for (i = 0; i < 2; i++) {
		const struct topo_impair *d = &link->dir[i];

		ck_assert_uint_eq(d->delay_us, 10000);
		ck_assert_uint_eq(d->jitter_us, 2000);
		ck_assert_int_eq(d->jitter_dist, TOPO_JITTER_NORMAL);
		ck_assert(d->allow_reorder);
		ck_assert_int_eq(d->loss_model, TOPO_LOSS_RANDOM);
		ck_assert_uint_eq(d->loss_ppm, 50000);
		ck_assert_uint_eq(d->duplicate_ppm, 5000);
		ck_assert_uint_eq(d->reorder_ppm, 250000);
		ck_assert_uint_eq(d->corrupt_ppm, 1);
		ck_assert_uint_eq(d->rate_bps, 1500000);
		ck_assert_uint_eq(d->queue_limit, 50);
		ck_assert(!d->down);
	}
	ck_assert(!link->down);
	topo_destroy(topo);
}
END_TEST

START_TEST(impair_defaults)
{
	struct topology *topo = load("routers: [r1, r2]\n"
				     "tun: { hop0: r1 }\n"
				     "links: [r1 -- r2]\n");
	int i, j;

	for (i = 0; i < topo->n_links; i++) {
		for (j = 0; j < 2; j++) {
			const struct topo_impair *d = &topo->links[i].dir[j];

			ck_assert_uint_eq(d->delay_us, 0);
			ck_assert_uint_eq(d->jitter_us, 0);
			ck_assert_int_eq(d->jitter_dist, TOPO_JITTER_UNIFORM);
			ck_assert_msg(!d->allow_reorder,
				      "jitter should not reorder by default");
			ck_assert_int_eq(d->loss_model, TOPO_LOSS_RANDOM);
			ck_assert_uint_eq(d->loss_ppm, 0);
			ck_assert_uint_eq(d->rate_bps, 0);
			ck_assert_uint_eq(d->queue_limit,
					  TOPO_DEFAULT_QUEUE_LIMIT);
			ck_assert(!d->down);
		}
		ck_assert(!topo->links[i].down);
	}
	topo_destroy(topo);
}
END_TEST

START_TEST(impair_direction_override)
{
	struct topology *topo = load("routers: [r1, r2, r3]\n"
				     "links:\n"
				     "  - r2 -- r3:\n"
				     "      r3: { delay: 40ms, state: down }\n"
				     "      mtu: 1400\n"
				     "      delay: 5ms\n"
				     "      loss: 1%\n"
				     "      r2: { loss: 20%, rate: 10mbit }\n"
				     "  - r1 -- r2: { state: down }\n");
	const struct topo_link *l23 = link_between(topo, "r2", "r3");
	const struct topo_link *l12 = link_between(topo, "r1", "r2");
	const struct topo_impair *from2 = dir_from(topo, l23, "r2");
	const struct topo_impair *from3 = dir_from(topo, l23, "r3");

	ck_assert_uint_eq(l23->mtu, 1400);
	ck_assert_uint_eq(from2->delay_us, 5000);
	ck_assert_uint_eq(from2->loss_ppm, 200000);
	ck_assert_uint_eq(from2->rate_bps, 10000000);
	ck_assert(!from2->down);
	/* The block overrides link-level values written after it. */
	ck_assert_uint_eq(from3->delay_us, 40000);
	ck_assert_uint_eq(from3->loss_ppm, 10000);
	ck_assert_uint_eq(from3->rate_bps, 0);
	ck_assert_msg(from3->down, "r3's direction should be down");
	ck_assert_msg(!l23->down, "a one-way failure leaves the link up");
	ck_assert_msg(l12->down, "link-level state: down marks the link");
	ck_assert(!l12->dir[0].down && !l12->dir[1].down);
	topo_destroy(topo);
}
END_TEST

START_TEST(impair_gilbert_elliott)
{
	struct topology *topo =
	    load("routers: [r1, r2]\n"
		 "links:\n"
		 "  - r1 -- r2:\n"
		 "      loss: { model: gilbert-elliott, p: 1%, r: 30% }\n"
		 "      r2:\n"
		 "        loss: { model: gilbert-elliott, p: 2%, r: 10%,\n"
		 "                loss-good: 0.5%, loss-bad: 80% }\n");
	const struct topo_link *link = link_between(topo, "r1", "r2");
	const struct topo_impair *a = dir_from(topo, link, "r1");
	const struct topo_impair *b = dir_from(topo, link, "r2");

	ck_assert_int_eq(a->loss_model, TOPO_LOSS_GILBERT_ELLIOTT);
	ck_assert_uint_eq(a->ge_p_ppm, 10000);
	ck_assert_uint_eq(a->ge_r_ppm, 300000);
	ck_assert_uint_eq(a->ge_loss_good_ppm, 0);
	ck_assert_uint_eq(a->ge_loss_bad_ppm, TOPO_PPM);
	ck_assert_int_eq(b->loss_model, TOPO_LOSS_GILBERT_ELLIOTT);
	ck_assert_uint_eq(b->ge_p_ppm, 20000);
	ck_assert_uint_eq(b->ge_r_ppm, 100000);
	ck_assert_uint_eq(b->ge_loss_good_ppm, 5000);
	ck_assert_uint_eq(b->ge_loss_bad_ppm, 800000);
	topo_destroy(topo);
}
END_TEST

START_TEST(impair_value_forms)
{
	static const struct {
		const char *rate;
		uint64_t bps;
	} rates[] = {
		{ "0", 0 },
		{ "100bit", 100 },
		{ "64kbit", 64000 },
		{ "10mbit", 10000000 },
		{ "1.5mbit", 1500000 },
		{ "1gbit", 1000000000 },
		{ "10Mbit", 10000000 },
		{ "100gbit", 100000000000ull },
	};
	static const struct {
		const char *text;
		bool value;
	} bools[] = {
		{ "true", true }, { "false", false }, { "on", true },
		{ "off", false }, { "yes", true },    { "no", false },
	};
	char yaml[256];
	size_t i;

	for (i = 0; i < sizeof(rates) / sizeof(rates[0]); i++) {
		struct topology *topo;

		snprintf(yaml, sizeof(yaml),
			 "routers: [r1, r2]\nlinks: [r1 -- r2: { rate: %s }]\n",
			 rates[i].rate);
		topo = load(yaml);
		ck_assert_msg(topo->links[0].dir[0].rate_bps == rates[i].bps,
			      "rate %s should be %llu bit/s", rates[i].rate,
			      (unsigned long long)rates[i].bps);
		topo_destroy(topo);
	}
	for (i = 0; i < sizeof(bools) / sizeof(bools[0]); i++) {
		struct topology *topo;

		snprintf(yaml, sizeof(yaml),
			 "routers: [r1, r2]\n"
			 "links: [r1 -- r2: { jitter-reorder: %s }]\n",
			 bools[i].text);
		topo = load(yaml);
		ck_assert_msg(
		    topo->links[0].dir[1].allow_reorder == bools[i].value,
		    "'%s' should read as %d", bools[i].text, bools[i].value);
		topo_destroy(topo);
	}
}
END_TEST

START_TEST(node_fault_defaults)
{
	struct topology *topo = load_default();
	int i;

	for (i = 0; i < topo->n_nodes; i++) {
		const struct topo_node *n = &topo->nodes[i];

		ck_assert_msg(
		    n->icmp.frag_needed && n->icmp.echo && !n->icmp.silent,
		    "%s should send frag needed and echo replies", n->name);
		ck_assert_int_eq(n->icmp.source, TOPO_ICMP_SOURCE_EGRESS);
		ck_assert_uint_eq(n->icmp.delay_us, 0);
		ck_assert_msg(!n->icmp.ratelimit.enabled,
			      "%s should have no rate limit", n->name);
		ck_assert_int_eq(n->loopback_iface, -1);
		ck_assert_uint_eq(n->reasm_timeout_us,
				  TOPO_DEFAULT_REASM_TIMEOUT_US);
		ck_assert_int_eq(n->n_static_routes, 0);
	}
	ck_assert_int_eq(topo->n_events, 0);
	topo_destroy(topo);
}
END_TEST

START_TEST(node_icmp_policy)
{
	struct topology *topo = load(
	    "routers:\n"
	    "  r1:\n"
	    "    icmp: { silent: true, frag-needed: off, echo: no,\n"
	    "            delay: 50ms, source: ingress }\n"
	    "    reassembly-timeout: 10s\n"
	    "  r2: { icmp: { source: 192.0.2.7 } }\n"
	    "  r3: { icmp: { source: loopback }, loopback: 198.18.200.3 }\n"
	    "links: [r1 -- r2, r2 -- r3]\n");
	const struct topo_node *r1 = &topo->nodes[topo_node_find(topo, "r1")];
	const struct topo_node *r2 = &topo->nodes[topo_node_find(topo, "r2")];
	const struct topo_node *r3 = &topo->nodes[topo_node_find(topo, "r3")];

	ck_assert(r1->icmp.silent);
	ck_assert(!r1->icmp.frag_needed);
	ck_assert(!r1->icmp.echo);
	ck_assert_uint_eq(r1->icmp.delay_us, 50000);
	ck_assert_int_eq(r1->icmp.source, TOPO_ICMP_SOURCE_INGRESS);
	ck_assert_uint_eq(r1->reasm_timeout_us, 10000000);
	ck_assert_int_eq(r2->icmp.source, TOPO_ICMP_SOURCE_FIXED);
	ck_assert_uint_eq(r2->icmp.source_addr, addr("192.0.2.7"));
	ck_assert(r2->icmp.frag_needed && r2->icmp.echo);
	ck_assert_int_eq(r3->icmp.source, TOPO_ICMP_SOURCE_LOOPBACK);
	topo_destroy(topo);
}
END_TEST

START_TEST(node_ratelimit_profiles)
{
	struct topology *topo = load(
	    "routers:\n"
	    "  r1: { icmp: { rate-limit: linux } }\n"
	    "  r2:\n"
	    "    icmp:\n"
	    "      rate-limit: { interval: 100ms, burst: 2, types: [3, 11],\n"
	    "                    global-rate: 0, frag-needed-exempt: off }\n"
	    "  r3: { icmp: { rate-limit: off } }\n"
	    "links: [r1 -- r2, r2 -- r3]\n");
	const struct topo_ratelimit *linux_rl =
	    &topo->nodes[topo_node_find(topo, "r1")].icmp.ratelimit;
	const struct topo_ratelimit *custom =
	    &topo->nodes[topo_node_find(topo, "r2")].icmp.ratelimit;
	const struct topo_ratelimit *off =
	    &topo->nodes[topo_node_find(topo, "r3")].icmp.ratelimit;

	/* Linux 6.x: icmp_ratelimit 1000 ms, icmp_msgs_per_sec 1000,
	 * icmp_msgs_burst 50, icmp_ratemask 6168. */
	ck_assert(linux_rl->enabled);
	ck_assert_uint_eq(linux_rl->interval_us, 1000000);
	ck_assert_uint_eq(linux_rl->burst, 6);
	ck_assert_uint_eq(linux_rl->global_rate, 1000);
	ck_assert_uint_eq(linux_rl->global_burst, 50);
	ck_assert(linux_rl->global_random_cost);
	ck_assert_uint_eq(linux_rl->type_mask, 0x1818);
	ck_assert(linux_rl->frag_needed_exempt);

	/* A mapping starts from the linux values, without random cost. */
	ck_assert(custom->enabled);
	ck_assert_uint_eq(custom->interval_us, 100000);
	ck_assert_uint_eq(custom->burst, 2);
	ck_assert_uint_eq(custom->global_rate, 0);
	ck_assert_uint_eq(custom->global_burst, 50);
	ck_assert(!custom->global_random_cost);
	ck_assert_uint_eq(custom->type_mask, (1u << 3) | (1u << 11));
	ck_assert(!custom->frag_needed_exempt);

	ck_assert(!off->enabled);
	topo_destroy(topo);
}
END_TEST

static const char loopback_yaml[] = "tun: { hop0: r1 }\n"
				    "routers:\n"
				    "  r1:\n"
				    "  r2: { loopback: 198.18.1.1 }\n"
				    "  r3:\n"
				    "hosts: [server]\n"
				    "links:\n"
				    "  - r1 -- r2\n"
				    "  - r2 -- r3\n"
				    "  - r3 -- server\n";

START_TEST(loopback_interface_and_routes)
{
	struct topology *topo = load(loopback_yaml);
	int r2 = topo_node_find(topo, "r2");
	const struct topo_node *n = &topo->nodes[r2];
	const struct topo_iface *lo;
	struct topo_prefix prefixes[16];
	const char *nodes[] = { "r1", "r3", "server" };
	int i, count, found = 0;

	ck_assert_int_eq(n->n_ifaces, 3);
	ck_assert_int_eq(n->loopback_iface, n->first_iface + 2);
	lo = &topo->ifaces[n->loopback_iface];
	ck_assert_str_eq(lo->name, "lo");
	ck_assert_int_eq(lo->link, -1);
	ck_assert_int_eq(lo->peer, -1);
	ck_assert_int_eq(lo->plen, 32);
	ck_assert_uint_eq(lo->addr, addr("198.18.1.1"));
	ck_assert_int_eq(topo_addr_owner(topo, addr("198.18.1.1")),
			 n->loopback_iface);
	/* Automatic /30s skip the loopback: r1 -- r2 gets 198.18.1.4/30. */
	check_iface(topo, "r1", 1, "eth1", "198.18.1.5", 30);
	check_iface(topo, "r2", 0, "eth0", "198.18.1.6", 30);

	for (i = 0; i < 3; i++) {
		const struct topo_route *r = topo_route_lookup(
		    topo, topo_node_find(topo, nodes[i]), addr("198.18.1.1"));

		ck_assert_msg(r && r->kind == TOPO_ROUTE_VIA && r->plen == 32,
			      "%s should route the loopback /32", nodes[i]);
		ck_assert_int_eq(topo->ifaces[r->next_iface].node,
				 strcmp(nodes[i], "server") == 0
				     ? topo_node_find(topo, "r3")
				     : r2);
	}
	/* r2 owns its loopback, so it has no route to it. */
	ck_assert_ptr_null(topo_route_lookup(topo, r2, addr("198.18.1.1")));

	count = topo_tun_prefixes(topo, 0, prefixes, 16);
	for (i = 0; i < count && i < 16; i++)
		found += prefixes[i].prefix == addr("198.18.1.1") &&
			 prefixes[i].plen == 32;
	ck_assert_msg(found == 1, "the kernel should route the loopback");

	{
		struct topo_hop hops[4];
		int hop_count = trace(topo, "198.18.1.1", hops, 4);

		ck_assert_int_eq(hop_count, 2);
		check_hop(hops, 1, TOPO_HOP_REACHED, "198.18.1.1");
	}
	topo_destroy(topo);
}
END_TEST

/* Four routers in a ring: r1 reaches r3 through r2 unless r1 -- r2 fails. */
static const char failover_yaml[] = "tun: { hop0: r1 }\n"
				    "routers: [r1, r2, r3, r4]\n"
				    "links:\n"
				    "  - r1 -- r2\n"
				    "  - r2 -- r3\n"
				    "  - r3 -- r4\n"
				    "  - r4 -- r1: { cost: 2 }\n";

START_TEST(rebuild_ring_failover)
{
	struct topology *topo = load(failover_yaml);
	int r1 = topo_node_find(topo, "r1");
	int r3 = topo_node_find(topo, "r3");
	const struct topo_route *r;
	int l12 = (int)(link_between(topo, "r1", "r2") - topo->links);

	r = topo_route_lookup(topo, r1, addr("198.18.1.6")); /* r3's eth0 */
	ck_assert_int_eq(topo->ifaces[r->next_iface].node,
			 topo_node_find(topo, "r2"));

	topo->links[l12].down = true;
	ck_assert_int_eq(topo_rebuild_routes(topo), 0);
	r = topo_route_lookup(topo, r1, addr("198.18.1.6"));
	ck_assert_msg(r && topo->ifaces[r->next_iface].node ==
			       topo_node_find(topo, "r4"),
		      "with r1 -- r2 down, r1 should reach r3 through r4");
	/* The subnet of the failed link is gone, and so is its connected
	 * route. */
	ck_assert_ptr_null(topo_route_lookup(topo, r1, addr("198.18.1.2")));
	r = topo_route_lookup(topo, r3, addr("198.18.0.1"));
	ck_assert_int_eq(topo->ifaces[r->next_iface].node,
			 topo_node_find(topo, "r4"));

	topo->links[l12].down = false;
	ck_assert_int_eq(topo_rebuild_routes(topo), 0);
	r = topo_route_lookup(topo, r1, addr("198.18.1.6"));
	ck_assert_int_eq(topo->ifaces[r->next_iface].node,
			 topo_node_find(topo, "r2"));
	topo_destroy(topo);
}
END_TEST

START_TEST(rebuild_chain_route_disappears)
{
	struct topology *topo =
	    load("tun: { hop0: r1 }\n"
		 "routers:\n"
		 "  r1:\n"
		 "  r2: { routes: [blackhole 198.18.200.0/24] }\n"
		 "  r3: { routes: [198.18.201.0/24 via r2] }\n"
		 "links:\n"
		 "  - r1 -- r2\n"
		 "  - r2 -- r3: { state: down }\n");
	int r1 = topo_node_find(topo, "r1");
	int r3 = topo_node_find(topo, "r3");
	struct topo_hop hops[4];
	int n;

	ck_assert_msg(topo_route_lookup(topo, r1, addr("198.18.1.6")) == NULL,
		      "r1 should have no route across a link that is down");
	ck_assert_int_eq(topo->nodes[r3].n_static_routes, 1);
	ck_assert_msg(topo_route_lookup(topo, r3, addr("198.18.201.1")) == NULL,
		      "a static route whose link is down is not installed");
	ck_assert_ptr_nonnull(
	    topo_route_lookup(topo, r1, addr("198.18.200.1")));

	n = trace(topo, "198.18.1.6", hops, 4);
	ck_assert_int_eq(n, 1);
	check_hop(hops, 0, TOPO_HOP_NET_UNREACH, "198.18.0.2");

	topo->links[2].down = false;
	ck_assert_int_eq(topo_rebuild_routes(topo), 0);
	ck_assert_ptr_nonnull(topo_route_lookup(topo, r1, addr("198.18.1.6")));
	ck_assert_ptr_nonnull(
	    topo_route_lookup(topo, r3, addr("198.18.201.1")));
	topo_destroy(topo);
}
END_TEST

static const char chain_yaml[] = "tun: { hop0: r1 }\n"
				 "routers: [r1, r2, r3]\n"
				 "hosts: [server]\n"
				 "links:\n"
				 "  - r1 -- r2\n"
				 "  - r2 -- r3\n"
				 "  - r3 -- server\n";

START_TEST(path_silent_hop)
{
	struct topology *topo = load(chain_yaml);
	struct topo_hop hops[6];
	int n;

	topo->nodes[topo_node_find(topo, "r2")].icmp.silent = true;
	n = trace(topo, "198.18.1.10", hops, 6);
	ck_assert_int_eq(n, 4);
	check_hop(hops, 0, TOPO_HOP_TIME_EXCEEDED, "198.18.0.2");
	check_hop(hops, 1, TOPO_HOP_SILENT, NULL);
	check_hop(hops, 2, TOPO_HOP_TIME_EXCEEDED, "198.18.1.6");
	check_hop(hops, 3, TOPO_HOP_REACHED, "198.18.1.10");

	/* A silent router sends no !N either. */
	topo->nodes[topo_node_find(topo, "r1")].icmp.silent = true;
	n = trace(topo, "203.0.113.1", hops, 3);
	ck_assert_int_eq(n, 3);
	check_hop(hops, 0, TOPO_HOP_SILENT, NULL);
	check_hop(hops, 2, TOPO_HOP_SILENT, NULL);
	topo_destroy(topo);
}
END_TEST

START_TEST(path_silent_destination)
{
	struct topology *topo = load(chain_yaml);
	struct topo_hop hops[8];
	int n, i;

	topo->nodes[topo_node_find(topo, "server")].icmp.silent = true;
	n = trace(topo, "198.18.1.10", hops, 8);
	ck_assert_msg(n == 8, "the trace should go on to max_ttl, not %d", n);
	check_hop(hops, 2, TOPO_HOP_TIME_EXCEEDED, "198.18.1.6");
	for (i = 3; i < 8; i++)
		check_hop(hops, i, TOPO_HOP_SILENT, NULL);
	topo_destroy(topo);
}
END_TEST

START_TEST(path_error_sources)
{
	struct topology *topo =
	    load("tun: { hop0: r1 }\n"
		 "routers:\n"
		 "  r1:\n"
		 "  r2: { icmp: { source: ingress } }\n"
		 "  r3: { icmp: { source: loopback }, loopback: 198.18.99.3 }\n"
		 "  r4: { icmp: { source: 192.0.2.4 } }\n"
		 "  r5:\n"
		 "links:\n"
		 "  - r1 -- r2: { cost: 2 }\n"
		 "  - r2 -- r3\n"
		 "  - r3 -- r4\n"
		 "  - r4 -- r5\n"
		 "  - r5 -- r1: { cost: 10 }\n"
		 "  - r1 -- r3: { cost: 5 }\n");
	struct topo_hop hops[5];
	int n;

	/* To 198.18.1.14, r5's address on r4 -- r5, the probes go r1, r2,
	 * r3, r4, r5 at cost 5, not over r1 -- r3 or r5 -- r1. */
	n = trace(topo, "198.18.1.14", hops, 5);
	ck_assert_int_eq(n, 5);
	check_hop(hops, 0, TOPO_HOP_TIME_EXCEEDED, "198.18.0.2");
	/* r2's ingress is its r1 side, its egress toward r1 too. */
	check_hop(hops, 1, TOPO_HOP_TIME_EXCEEDED, "198.18.1.2");
	check_hop(hops, 2, TOPO_HOP_TIME_EXCEEDED, "198.18.99.3");
	check_hop(hops, 3, TOPO_HOP_TIME_EXCEEDED, "192.0.2.4");
	check_hop(hops, 4, TOPO_HOP_REACHED, "198.18.1.14");
	topo_destroy(topo);
}
END_TEST

START_TEST(path_ingress_on_asymmetric_ring)
{
	struct topo_error err = { { 0 } };
	struct topology *topo = topo_load_file("../topologies/ring.yaml", &err);
	struct topo_hop hops[4];
	int n;

	ck_assert_msg(topo != NULL, "ring.yaml should load: %s", err.message);
	/* Egress (the default) gives r3's r4 side, 198.18.1.5. */
	n = trace(topo, "198.18.1.18", hops, 4);
	check_hop(hops, 2, TOPO_HOP_TIME_EXCEEDED, "198.18.1.5");
	topo->nodes[topo_node_find(topo, "r3")].icmp.source =
	    TOPO_ICMP_SOURCE_INGRESS;
	n = trace(topo, "198.18.1.18", hops, 4);
	ck_assert_int_eq(n, 4);
	check_hop(hops, 2, TOPO_HOP_TIME_EXCEEDED, "198.18.1.10");
	topo_destroy(topo);
}
END_TEST

START_TEST(path_one_way_down)
{
	struct topology *topo = load("tun: { hop0: r1 }\n"
				     "routers: [r1, r2, r3]\n"
				     "hosts: [server]\n"
				     "links:\n"
				     "  - r1 -- r2\n"
				     "  - r2 -- r3: { r3: { state: down } }\n"
				     "  - r3 -- server\n");
	struct topo_hop hops[5];
	int n;

	/* Probes pass r2 -> r3, but every reply from r3 on is lost. */
	n = trace(topo, "198.18.1.10", hops, 5);
	ck_assert_int_eq(n, 5);
	check_hop(hops, 0, TOPO_HOP_TIME_EXCEEDED, "198.18.0.2");
	check_hop(hops, 1, TOPO_HOP_TIME_EXCEEDED, "198.18.1.2");
	check_hop(hops, 2, TOPO_HOP_SILENT, NULL);
	check_hop(hops, 3, TOPO_HOP_SILENT, NULL);
	check_hop(hops, 4, TOPO_HOP_SILENT, NULL);
	/* The routes do not see a one-way failure. */
	ck_assert_ptr_nonnull(topo_route_lookup(
	    topo, topo_node_find(topo, "r3"), addr("198.18.0.1")));

	/* The other way: probes die at r2, so hop 3 is the first lost. */
	topo->links[2].dir[1].down = false;
	topo->links[2].dir[0].down = true;
	n = trace(topo, "198.18.1.10", hops, 4);
	ck_assert_int_eq(n, 4);
	check_hop(hops, 1, TOPO_HOP_TIME_EXCEEDED, "198.18.1.2");
	check_hop(hops, 2, TOPO_HOP_SILENT, NULL);
	check_hop(hops, 3, TOPO_HOP_SILENT, NULL);
	topo_destroy(topo);
}
END_TEST

START_TEST(path_mtu_min_of_links)
{
	struct topology *topo =
	    load("tun: { hop0: { router: r1, mtu: 9000 } }\n"
		 "routers: [r1, r2, r3]\n"
		 "hosts: [server]\n"
		 "links:\n"
		 "  - r1 -- r2: { mtu: 9000 }\n"
		 "  - r2 -- r3: { mtu: 1400 }\n"
		 "  - r3 -- server: { mtu: 1480 }\n");

	ck_assert_uint_eq(topo_path_mtu(topo, 0, addr("198.18.1.10")), 1400);
	/* The path to r2 ends before the 1400-byte link. */
	ck_assert_uint_eq(topo_path_mtu(topo, 0, addr("198.18.1.2")), 9000);
	/* No route at r1: the path ends there, on the TUN's MTU. */
	ck_assert_uint_eq(topo_path_mtu(topo, 0, addr("203.0.113.1")), 9000);
	ck_assert_uint_eq(topo_path_mtu(topo, 3, addr("198.18.1.10")), 0);

	topo->tuns[0].mtu = 1300;
	topo->links[0].mtu = 1300;
	ck_assert_uint_eq(topo_path_mtu(topo, 0, addr("198.18.1.10")), 1300);
	topo_destroy(topo);
}
END_TEST

START_TEST(format_settings)
{
	struct topology *topo = load(
	    "routers:\n"
	    "  r1: { icmp: { silent: on, source: ingress, rate-limit: linux } }\n"
	    "  r2: { icmp: { frag-needed: off, delay: 50ms,\n"
	    "                rate-limit: { burst: 2, types: [3] } } }\n"
	    "links:\n"
	    "  - r1 -- r2:\n"
	    "      delay: 10ms\n"
	    "      jitter: 2ms\n"
	    "      loss: 5%\n"
	    "      r2: { rate: 1.5mbit, queue: 10, state: down, loss: 0.25% }\n");
	const struct topo_link *link = &topo->links[0];
	char buf[256];

	ck_assert_str_eq(
	    topo_format_impair(dir_from(topo, link, "r1"), buf, sizeof(buf)),
	    "delay 10ms jitter 2ms loss 5%");
	ck_assert_str_eq(
	    topo_format_impair(dir_from(topo, link, "r2"), buf, sizeof(buf)),
	    "delay 10ms jitter 2ms loss 0.25% rate 1500kbit "
	    "queue 10 down");
	ck_assert_str_eq(
	    topo_format_icmp(&topo->nodes[0].icmp, buf, sizeof(buf)),
	    "silent source ingress rate-limit linux");
	ck_assert_str_eq(
	    topo_format_icmp(&topo->nodes[1].icmp, buf, sizeof(buf)),
	    "frag-needed off delay 50ms rate-limit interval 1s "
	    "burst 2 global-rate 1000 global-burst 50 types 3 "
	    "frag-needed-exempt on");
	ck_assert_str_eq(
	    topo_format_impair(dir_from(topo, link, "r1"), buf, 12),
	    "delay 10ms ");
	topo_destroy(topo);
}
END_TEST

START_TEST(error_impairments)
{
	expect_error("routers: [r1, r2]\n"
		     "links: [r1 -- r2: { loss: 5 }]\n",
		     "lab.yaml:2:27: loss '5' in link r1 -- r2 has no % sign "
		     "(write '5%')");
	expect_error("routers: [r1, r2]\n"
		     "links: [r1 -- r2: { duplicate: 101% }]\n",
		     "lab.yaml:2:32: duplicate '101%' in link r1 -- r2 is out "
		     "of range (0% to 100%)");
	expect_error("routers: [r1, r2]\n"
		     "links: [r1 -- r2: { corrupt: 0.00001% }]\n",
		     "lab.yaml:2:30: corrupt '0.00001%' in link r1 -- r2 is "
		     "finer than 0.0001% (one part per million)");
	expect_error(
	    "routers: [r1, r2]\n"
	    "links: [r1 -- r2: { rate: 10mbps }]\n",
	    "lab.yaml:2:27: rate '10mbps' in link r1 -- r2 is in bytes per "
	    "second: tc's 'mbps' means bytes, not bits (write the rate in "
	    "bit, kbit, mbit or gbit, such as '10mbit')");
	expect_error("routers: [r1, r2]\n"
		     "links: [r1 -- r2: { rate: 10 }]\n",
		     "lab.yaml:2:27: rate '10' in link r1 -- r2 has no unit "
		     "(write '10kbit', '10mbit' or '10gbit')");
	expect_error_prefix("routers: [r1, r2]\n"
			    "links: [r1 -- r2: { rate: 200gbit }]\n",
			    "lab.yaml:2:27: rate '200gbit' in link r1 -- r2 is "
			    "out of range");
	expect_error("routers: [r1, r2]\n"
		     "links: [r1 -- r2: { queue: 0 }]\n",
		     "lab.yaml:2:28: queue '0' in link r1 -- r2 is out of "
		     "range (1..100000)");
	expect_error("routers: [r1, r2]\n"
		     "links: [r1 -- r2: { state: broken }]\n",
		     "lab.yaml:2:28: invalid state 'broken' in link r1 -- r2 "
		     "(expected 'up' or 'down')");
	expect_error("routers: [r1, r2]\n"
		     "links: [r1 -- r2: { distribution: pareto }]\n",
		     "lab.yaml:2:35: invalid distribution 'pareto' in link "
		     "r1 -- r2 (expected 'uniform' or 'normal')");
	expect_error("routers: [r1, r2]\n"
		     "links: [r1 -- r2: { jitter-reorder: maybe }]\n",
		     "lab.yaml:2:37: invalid jitter-reorder 'maybe' in link "
		     "r1 -- r2 (expected true or false, on or off, yes or "
		     "no)");
	expect_error_prefix("routers: [r1, r2]\n"
			    "links: [r1 -- r2: { jitter: 2 }]\n",
			    "lab.yaml:2:29: jitter '2' in link r1 -- r2 has no "
			    "unit");
}
END_TEST

START_TEST(error_direction_blocks)
{
	/* Inside a link the direction-block keys are the two end names. */
	expect_error("routers: [r1, r2]\n"
		     "links:\n"
		     "  - r1 -- r2:\n"
		     "      r3: { loss: 1% }\n",
		     "lab.yaml:4:7: unknown key 'r3' in link r1 -- r2 (did you "
		     "mean 'r1'?)");
	expect_error("routers: [r1, r2]\n"
		     "links:\n"
		     "  - r1 -- r2:\n"
		     "      r2: { dealy: 1ms }\n",
		     "lab.yaml:4:13: unknown key 'dealy' in link r1 -- r2, "
		     "direction r2 -> r1 (did you mean 'delay'?)");
	expect_error("routers: [r1, r2]\n"
		     "links:\n"
		     "  - r1 -- r2:\n"
		     "      r2: { mtu: 1400 }\n",
		     "lab.yaml:4:13: unknown key 'mtu' in link r1 -- r2, "
		     "direction r2 -> r1 (expected 'delay', 'jitter', "
		     "'distribution', 'jitter-reorder', 'loss', 'duplicate', "
		     "'reorder', 'corrupt', 'rate', 'queue' or 'state')");
	expect_error("routers: [r1, r2]\n"
		     "links:\n"
		     "  - r1 -- r2: { r1: 5ms }\n",
		     "lab.yaml:3:21: expected a mapping for a direction block "
		     "in link r1 -- r2, found a scalar");
	expect_error(
	    "routers: [r1, r2]\n"
	    "links:\n"
	    "  - r1 -- r2: { loss: { model: gilbert-elliott, p: 1% } }\n",
	    "lab.yaml:3:23: missing 'r' in 'loss' of link r1 -- r2 (write "
	    "'loss: { model: gilbert-elliott, p: 1%, r: 30% }', p from good "
	    "to bad, r back)");
	expect_error_prefix(
	    "routers: [r1, r2]\n"
	    "links:\n"
	    "  - r1 -- r2: { loss: { model: random, p: 1% } }\n",
	    "lab.yaml:3:32: invalid model 'random' in 'loss' of "
	    "link r1 -- r2 (expected 'gilbert-elliott'");
}
END_TEST

START_TEST(error_node_faults)
{
	expect_error("routers: [r1, r2]\n"
		     "hosts:\n"
		     "  h1: { loopback: 198.18.9.9 }\n"
		     "links: [r1 -- r2, r2 -- h1]\n",
		     "lab.yaml:3:9: 'loopback' in host h1: only routers have a "
		     "loopback");
	expect_error("routers:\n"
		     "  r1: { icmp: { source: loopback } }\n"
		     "  r2:\n"
		     "links: [r1 -- r2]\n",
		     "lab.yaml:2:25: source 'loopback' in 'icmp' of router r1 "
		     "needs 'loopback: A.B.C.D' on router r1");
	expect_error("routers:\n"
		     "  r1: { icmp: { sielnt: yes } }\n"
		     "  r2:\n"
		     "links: [r1 -- r2]\n",
		     "lab.yaml:2:17: unknown key 'sielnt' in 'icmp' of router "
		     "r1 (did you mean 'silent'?)");
	expect_error_prefix("routers:\n"
			    "  r1: { icmp: { source: 127.0.0.1 } }\n"
			    "  r2:\n"
			    "links: [r1 -- r2]\n",
			    "lab.yaml:2:25: source '127.0.0.1' in 'icmp' of "
			    "router r1 is not usable as a source address");
	expect_error_prefix("routers:\n"
			    "  r1: { icmp: { rate-limit: bsd } }\n"
			    "  r2:\n"
			    "links: [r1 -- r2]\n",
			    "lab.yaml:2:29: invalid rate-limit 'bsd' in 'icmp' "
			    "of router r1 (expected 'off', 'linux' or a "
			    "mapping");
	expect_error("routers:\n"
		     "  r1: { icmp: { rate-limit: { types: [3, 64] } } }\n"
		     "  r2:\n"
		     "links: [r1 -- r2]\n",
		     "lab.yaml:2:42: types '64' in 'rate-limit' of router r1 "
		     "is out of range (0..63)");
	expect_error("routers:\n"
		     "  r1: { icmp: { rate-limit: { brust: 3 } } }\n"
		     "  r2:\n"
		     "links: [r1 -- r2]\n",
		     "lab.yaml:2:31: unknown key 'brust' in 'rate-limit' of "
		     "router r1 (did you mean 'burst'?)");
	expect_error("routers:\n"
		     "  r1: { reassembly-timeout: 0 }\n"
		     "  r2:\n"
		     "links: [r1 -- r2]\n",
		     "lab.yaml:2:29: reassembly-timeout '0' in router r1 is "
		     "out of range (1us to 60s)");
	expect_error("routers:\n"
		     "  r1: { icmp: { echo: sometimes } }\n"
		     "  r2:\n"
		     "links: [r1 -- r2]\n",
		     "lab.yaml:2:23: invalid echo 'sometimes' in 'icmp' of "
		     "router r1 (expected true or false, on or off, yes or "
		     "no)");
}
END_TEST

START_TEST(error_loopback_conflicts)
{
	expect_error("routers:\n"
		     "  r1: { loopback: 198.18.50.1 }\n"
		     "  r2: { loopback: 198.18.50.1 }\n"
		     "links: [r1 -- r2]\n",
		     "lab.yaml:3:19: address conflict: loopback '198.18.50.1' "
		     "of router r2 is already the loopback of router r1 "
		     "(line 2)");
	expect_error("routers:\n"
		     "  r1: { loopback: 198.18.5.9 }\n"
		     "  r2:\n"
		     "links:\n"
		     "  - r1 -- r2: { subnet: 198.18.5.0/24 }\n",
		     "lab.yaml:2:19: address conflict: loopback '198.18.5.9' "
		     "of router r1 is inside subnet 198.18.5.0/24 of link "
		     "r1 -- r2 (line 5)");
	expect_error("tun: { hop0: r1 }\n"
		     "routers:\n"
		     "  r1: { loopback: 198.18.0.1 }\n"
		     "  r2:\n"
		     "links: [r1 -- r2]\n",
		     "lab.yaml:3:19: address conflict: loopback '198.18.0.1' "
		     "of router r1 is inside subnet 198.18.0.0/30 of tun hop0 "
		     "(line 1)");
	expect_error("routers:\n"
		     "  r1: { loopback: 198.18.5.9/24 }\n"
		     "  r2:\n"
		     "links: [r1 -- r2]\n",
		     "lab.yaml:2:19: invalid loopback '198.18.5.9/24' in "
		     "router r1 (expected an address A.B.C.D, a /32)");
}
END_TEST

START_TEST(load_rejects_alias)
{
	static const char yaml[] = "tun: { hop0: r1 }\n"
				   "routers: &r [r1, r2]\n"
				   "hosts: *r\n"
				   "links: [r1 -- r2]\n";
	struct topo_error err;
	struct topology *topo =
	    topo_load_string("lab.yaml", yaml, strlen(yaml), &err);

	ck_assert_ptr_null(topo);
	ck_assert_str_eq(
	    err.message,
	    "lab.yaml:3:8: YAML aliases such as '*r' are not supported in topology files; write the value out");
}
END_TEST

START_TEST(load_rejects_too_many_nodes)
{
	struct topo_error err;
	struct topology *topo;
	size_t cap = 32 + (size_t)(TOPO_MAX_NODES + 1) * 8, len;
	char *yaml = malloc(cap);
	int i;

	ck_assert_ptr_nonnull(yaml);
	len = (size_t)snprintf(yaml, cap, "tun: { hop0: r0 }\nrouters:\n");
	for (i = 0; i < TOPO_MAX_NODES; i++)
		len += (size_t)snprintf(yaml + len, cap - len, "- r%d\n", i);
	topo = topo_load_string("big.yaml", yaml, len, &err);
	ck_assert_ptr_null(topo);
	ck_assert_msg(strstr(err.message, "at most 2048 are supported"),
		      "unexpected message: %s", err.message);
	free(yaml);
}
END_TEST

Suite *topology_suite(void)
{
	Suite *s = suite_create("topology");
	TCase *model = tcase_create("model");
	TCase *path = tcase_create("path");
	TCase *errors = tcase_create("errors");
	TCase *faults = tcase_create("faults");

	tcase_add_test(model, default_addresses);
	tcase_add_test(model, load_rejects_alias);
	tcase_add_test(model, load_rejects_too_many_nodes);
	tcase_add_test(model, default_model);
	tcase_add_test(model, default_routes_r3);
	tcase_add_test(model, default_addr_owner);
	tcase_add_test(model, default_tun_prefixes);
	tcase_add_test(model, topologies_all_load);
	tcase_add_test(model, load_file_missing);
	tcase_add_test(model, static_overrides_computed);
	tcase_add_test(model, address_explicit_subnets_skipped);
	tcase_add_test(model, address_tun_settings);
	tcase_add_test(model, address_parse_format);
	tcase_add_test(model, node_settings);
	suite_add_tcase(s, model);

	tcase_add_test(path, default_path);
	tcase_add_test(path, path_invalid_arguments);
	tcase_add_test(path, path_static_blackhole);
	tcase_add_test(path, path_static_unreachable_prohibit);
	tcase_add_test(path, path_no_route);
	tcase_add_test(path, path_routing_loop);
	tcase_add_test(path, path_unowned_connected_address);
	tcase_add_test(path, path_asymmetric_return);
	tcase_add_test(path, path_cost_avoids_expensive_link);
	tcase_add_test(path, path_hosts_do_not_forward);
	tcase_add_test(path, path_reply_without_return_route);
	suite_add_tcase(s, path);

	tcase_add_test(errors, error_unknown_key_suggestion);
	tcase_add_test(errors, error_bad_duration);
	tcase_add_test(errors, error_unknown_node);
	tcase_add_test(errors, error_route_word_column);
	tcase_add_test(errors, error_address_conflict);
	tcase_add_test(errors, error_yaml_syntax);
	tcase_add_test(errors, error_wrong_type);
	tcase_add_test(errors, error_names);
	tcase_add_test(errors, error_tun_router);
	tcase_add_test(errors, error_addresses);
	tcase_add_test(errors, error_out_of_range);
	tcase_add_test(errors, error_empty_or_no_links);
	tcase_add_test(errors, error_impairments);
	tcase_add_test(errors, error_direction_blocks);
	tcase_add_test(errors, error_node_faults);
	tcase_add_test(errors, error_loopback_conflicts);
	suite_add_tcase(s, errors);

	tcase_add_test(faults, impair_link_level_keys);
	tcase_add_test(faults, impair_defaults);
	tcase_add_test(faults, impair_direction_override);
	tcase_add_test(faults, impair_gilbert_elliott);
	tcase_add_test(faults, impair_value_forms);
	tcase_add_test(faults, node_fault_defaults);
	tcase_add_test(faults, node_icmp_policy);
	tcase_add_test(faults, node_ratelimit_profiles);
	tcase_add_test(faults, loopback_interface_and_routes);
	tcase_add_test(faults, rebuild_ring_failover);
	tcase_add_test(faults, rebuild_chain_route_disappears);
	tcase_add_test(faults, path_silent_hop);
	tcase_add_test(faults, path_silent_destination);
	tcase_add_test(faults, path_error_sources);
	tcase_add_test(faults, path_ingress_on_asymmetric_ring);
	tcase_add_test(faults, path_one_way_down);
	tcase_add_test(faults, path_mtu_min_of_links);
	tcase_add_test(faults, format_settings);
	suite_add_tcase(s, faults);
	return s;
}
