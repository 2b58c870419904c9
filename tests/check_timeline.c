/* SPDX-License-Identifier: MIT */
/* Unit tests of the timeline: loading, ordering and topo_apply_event(). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "check_suites.h"
#include "hopsim/topology.h"

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

static uint32_t addr(const char *text)
{
	uint32_t value = 0;

	ck_assert_msg(topo_parse_ipv4(text, &value) == 0,
		      "test address '%s' should parse", text);
	return value;
}

static int link_index(const struct topology *topo, const char *a, const char *b)
{
	int na = topo_node_find(topo, a), nb = topo_node_find(topo, b);
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

/* The node that @node's route toward @dst forwards to, or -1. */
static int next_node(const struct topology *topo, const char *node,
		     const char *dst)
{
	const struct topo_route *r =
	    topo_route_lookup(topo, topo_node_find(topo, node), addr(dst));

	if (!r || r->kind != TOPO_ROUTE_VIA)
		return -1;
	return topo->ifaces[r->next_iface].node;
}

/*
 * A ring whose primary link r1 -- r2 fails at 5 s; events are written
 * out of time order on purpose.
 */
static const char ring_yaml[] =
    "tun: { hop0: r1 }\n"
    "routers: [r1, r2, r3, r4]\n"
    "links:\n"
    "  - r1 -- r2\n"
    "  - r2 -- r3\n"
    "  - r3 -- r4\n"
    "  - r4 -- r1: { cost: 2 }\n"
    "timeline:\n"
    "  - { at: 15s, link: \"r2 -- r1\", state: up }\n"
    "  - { at: 5s, link: \"r1 -- r2\", state: down }\n"
    "  - { at: 5s, router: r2, set: { ttl: 200 } }\n"
    "  - { at: 8s, link: \"r2 -- r3\", set: { delay: 10ms, r3: { loss: 20% "
    "} } }\n"
    "  - { at: 9s, link: \"r3 -- r2\", set: { mtu: 1400, r2: { delay: 1ms } "
    "} }\n"
    "  - { at: 6s, router: r2, set: { icmp: { silent: yes } } }\n"
    "  - { at: 7s, router: r2, set: { icmp: { delay: 5ms }, arp-timeout: "
    "1s } }\n"
    "  - { at: 10s, router: r3, add-route: \"blackhole 198.18.200.0/24\" }\n"
    "  - { at: 12.5s, router: r3, remove-route: 198.18.200.0/24 }\n";

START_TEST(timeline_sorted_stable)
{
	static const struct {
		uint64_t at_us;
		enum topo_event_kind kind;
		int line;
	} expected[] = {
		{ 5000000, TOPO_EVENT_LINK_DOWN, 10 },
		{ 5000000, TOPO_EVENT_NODE_SET, 11 },
		{ 6000000, TOPO_EVENT_NODE_SET, 14 },
		{ 7000000, TOPO_EVENT_NODE_SET, 15 },
		{ 8000000, TOPO_EVENT_LINK_SET, 12 },
		{ 9000000, TOPO_EVENT_LINK_SET, 13 },
		{ 10000000, TOPO_EVENT_ROUTE_ADD, 16 },
		{ 12500000, TOPO_EVENT_ROUTE_REMOVE, 17 },
		{ 15000000, TOPO_EVENT_LINK_UP, 9 },
	};
	struct topology *topo = load(ring_yaml);
	int i;

	ck_assert_int_eq(topo->n_events, 9);
	for (i = 0; i < topo->n_events; i++) {
		const struct topo_event *ev = &topo->events[i];

		ck_assert_msg(ev->at_us == expected[i].at_us &&
				  ev->kind == expected[i].kind &&
				  ev->line == expected[i].line,
			      "event %d should be kind %d at %llu us from line "
			      "%d, is kind %d at %llu us from line %d",
			      i, expected[i].kind,
			      (unsigned long long)expected[i].at_us,
			      expected[i].line, ev->kind,
			      (unsigned long long)ev->at_us, ev->line);
	}
	ck_assert_int_eq(topo->events[0].link, link_index(topo, "r1", "r2"));
	ck_assert_int_eq(topo->events[0].node, -1);
	ck_assert_int_eq(topo->events[1].node, topo_node_find(topo, "r2"));
	ck_assert_int_eq(topo->events[1].link, -1);
	/* Loading leaves the topology as the file writes it. */
	ck_assert(!topo->links[link_index(topo, "r1", "r2")].down);
	topo_destroy(topo);
}
END_TEST

START_TEST(timeline_cumulative_node_set)
{
	struct topology *topo = load(ring_yaml);
	const struct topo_event *at5 = &topo->events[1];
	const struct topo_event *at6 = &topo->events[2];
	const struct topo_event *at7 = &topo->events[3];

	ck_assert_uint_eq(at5->ttl, 200);
	ck_assert(!at5->icmp.silent);
	ck_assert_uint_eq(at5->arp_timeout_us, TOPO_DEFAULT_ARP_TIMEOUT_US);

	ck_assert_uint_eq(at6->ttl, 200);
	ck_assert(at6->icmp.silent);
	ck_assert(at6->icmp.frag_needed && at6->icmp.echo);

	/* Each set keeps what the earlier ones changed. */
	ck_assert_uint_eq(at7->ttl, 200);
	ck_assert(at7->icmp.silent);
	ck_assert_uint_eq(at7->icmp.delay_us, 5000);
	ck_assert_uint_eq(at7->arp_timeout_us, 1000000);
	topo_destroy(topo);
}
END_TEST

START_TEST(timeline_cumulative_link_set)
{
	struct topology *topo = load(ring_yaml);
	const struct topo_event *at8 = &topo->events[4];
	const struct topo_event *at9 = &topo->events[5];
	int l23 = link_index(topo, "r2", "r3");
	/* r2 -- r3 is written r2 first, so dir[0] carries what r2 sends. */
	int from2 = topo->ifaces[topo->links[l23].iface[0]].node ==
			    topo_node_find(topo, "r2")
			? 0
			: 1;

	ck_assert_int_eq(at8->link, l23);
	ck_assert_uint_eq(at8->mtu, 1500);
	ck_assert_uint_eq(at8->dir[from2].delay_us, 10000);
	ck_assert_uint_eq(at8->dir[from2].loss_ppm, 0);
	ck_assert_uint_eq(at8->dir[1 - from2].delay_us, 10000);
	ck_assert_uint_eq(at8->dir[1 - from2].loss_ppm, 200000);

	ck_assert_int_eq(at9->link, l23);
	ck_assert_uint_eq(at9->mtu, 1400);
	ck_assert_uint_eq(at9->dir[from2].delay_us, 1000);
	ck_assert_uint_eq(at9->dir[1 - from2].delay_us, 10000);
	ck_assert_uint_eq(at9->dir[1 - from2].loss_ppm, 200000);
	ck_assert_uint_eq(at9->dir[0].queue_limit, TOPO_DEFAULT_QUEUE_LIMIT);
	ck_assert_uint_eq(at8->ttl, 0);
	ck_assert_int_eq(at8->node, -1);
	/* The file's own settings stay until the event applies. */
	ck_assert_uint_eq(topo->links[l23].mtu, 1500);
	ck_assert_uint_eq(topo->links[l23].dir[0].delay_us, 0);
	topo_destroy(topo);
}
END_TEST

START_TEST(timeline_route_prefixes_routed_from_start)
{
	struct topology *topo = load(ring_yaml);
	const struct topo_event *add = &topo->events[6];
	const struct topo_event *remove = &topo->events[7];
	struct topo_prefix prefixes[32];
	int i, n, found = 0;

	ck_assert_int_eq(add->route.kind, TOPO_ROUTE_BLACKHOLE);
	ck_assert_uint_eq(add->route.prefix, addr("198.18.200.0"));
	ck_assert_uint_eq(add->route.plen, 24);
	ck_assert(add->route.is_static);
	ck_assert_uint_eq(remove->route.prefix, addr("198.18.200.0"));
	ck_assert_uint_eq(remove->route.plen, 24);

	n = topo_tun_prefixes(topo, 0, prefixes, 32);
	for (i = 0; i < n && i < 32; i++)
		found += prefixes[i].prefix == addr("198.18.200.0") &&
			 prefixes[i].plen == 24;
	ck_assert_msg(found == 1, "the kernel should route 198.18.200.0/24 "
				  "into hop0 from the start");
	topo_destroy(topo);
}
END_TEST

START_TEST(apply_each_kind)
{
	struct topology *topo = load(ring_yaml);
	int r2 = topo_node_find(topo, "r2");
	int r3 = topo_node_find(topo, "r3");
	int r4 = topo_node_find(topo, "r4");
	int l12 = link_index(topo, "r1", "r2");
	int l23 = link_index(topo, "r2", "r3");
	int i;

	ck_assert_int_eq(next_node(topo, "r1", "198.18.1.6"), r2);
	ck_assert_int_eq(next_node(topo, "r1", "198.18.200.1"), -1);

	/* LINK_DOWN: r1 reaches r3 around the other side. */
	ck_assert_int_eq(topo_apply_event(topo, &topo->events[0]), 0);
	ck_assert(topo->links[l12].down);
	ck_assert_int_eq(next_node(topo, "r1", "198.18.1.6"), r4);

	/* NODE_SET, three times. */
	for (i = 1; i <= 3; i++)
		ck_assert_int_eq(topo_apply_event(topo, &topo->events[i]), 0);
	ck_assert_uint_eq(topo->nodes[r2].ttl, 200);
	ck_assert(topo->nodes[r2].icmp.silent);
	ck_assert_uint_eq(topo->nodes[r2].icmp.delay_us, 5000);
	ck_assert_uint_eq(topo->nodes[r2].arp_timeout_us, 1000000);

	/* LINK_SET, twice. */
	ck_assert_int_eq(topo_apply_event(topo, &topo->events[4]), 0);
	ck_assert_int_eq(topo_apply_event(topo, &topo->events[5]), 0);
	ck_assert_uint_eq(topo->links[l23].mtu, 1400);
	ck_assert_uint_eq(topo->links[l23].dir[0].delay_us, 1000);
	ck_assert_uint_eq(topo->links[l23].dir[1].loss_ppm, 200000);

	/* ROUTE_ADD: r3's blackhole is redistributed to r1 (over r4). */
	ck_assert_int_eq(topo_apply_event(topo, &topo->events[6]), 0);
	ck_assert_int_eq(topo->nodes[r3].n_static_routes, 1);
	ck_assert_int_eq(next_node(topo, "r1", "198.18.200.1"), r4);
	ck_assert_int_eq(next_node(topo, "r4", "198.18.200.1"), r3);

	/* ROUTE_REMOVE takes it away again; removing twice fails. */
	ck_assert_int_eq(topo_apply_event(topo, &topo->events[7]), 0);
	ck_assert_int_eq(topo->nodes[r3].n_static_routes, 0);
	ck_assert_int_eq(next_node(topo, "r1", "198.18.200.1"), -1);
	ck_assert_int_eq(topo_apply_event(topo, &topo->events[7]), -EINVAL);

	/* LINK_UP: back to the primary path. */
	ck_assert_int_eq(topo_apply_event(topo, &topo->events[8]), 0);
	ck_assert(!topo->links[l12].down);
	ck_assert_int_eq(next_node(topo, "r1", "198.18.1.6"), r2);
	topo_destroy(topo);
}
END_TEST

START_TEST(apply_invalid_events)
{
	struct topology *topo = load(ring_yaml);
	struct topo_event ev = topo->events[0];

	ev.link = -1;
	ck_assert_int_eq(topo_apply_event(topo, &ev), -EINVAL);
	ev.link = topo->n_links;
	ck_assert_int_eq(topo_apply_event(topo, &ev), -EINVAL);

	ev = topo->events[1];
	ev.node = topo->n_nodes;
	ck_assert_int_eq(topo_apply_event(topo, &ev), -EINVAL);

	/* A route through an interface that the node does not have. */
	ev = topo->events[6];
	ev.route.kind = TOPO_ROUTE_VIA;
	ev.route.iface = topo->nodes[topo_node_find(topo, "r1")].first_iface;
	ck_assert_int_eq(topo_apply_event(topo, &ev), -EINVAL);
	/* The kernel has no route table to change. */
	ev = topo->events[6];
	ev.node = topo_node_find(topo, "hop0");
	ck_assert_int_eq(topo_apply_event(topo, &ev), -EINVAL);
	topo_destroy(topo);
}
END_TEST

START_TEST(apply_route_add_via)
{
	struct topology *topo =
	    load("tun: { hop0: r1 }\n"
		 "routers: [r1, r2, r3]\n"
		 "hosts: [web]\n"
		 "links: [r1 -- r2, r2 -- r3, r3 -- web]\n"
		 "timeline:\n"
		 "  - { at: 1s, router: r2, add-route: 10.0.0.0/8 via r3 }\n"
		 "  - { at: 2s, host: web, add-route: default via r3 }\n"
		 "  - { at: 3s, link: \"r2 -- r3\", state: down }\n");
	int r2 = topo_node_find(topo, "r2");
	int r3 = topo_node_find(topo, "r3");
	const struct topo_route *r;

	ck_assert_int_eq(topo->events[0].route.kind, TOPO_ROUTE_VIA);
	ck_assert_int_eq(topo->ifaces[topo->events[0].route.next_iface].node,
			 r3);
	ck_assert_int_eq(topo->events[1].node, topo_node_find(topo, "web"));
	ck_assert_int_eq(topo_apply_event(topo, &topo->events[0]), 0);
	r = topo_route_lookup(topo, r2, addr("10.1.2.3"));
	ck_assert_msg(r && r->is_static && r->kind == TOPO_ROUTE_VIA,
		      "r2 should have the static route from the timeline");
	/* Redistributed: r1 sends 10/8 to r2. */
	ck_assert_int_eq(next_node(topo, "r1", "10.1.2.3"), r2);
	ck_assert_int_eq(topo_apply_event(topo, &topo->events[1]), 0);

	/* With its egress link down the route leaves the table. */
	ck_assert_int_eq(topo_apply_event(topo, &topo->events[2]), 0);
	ck_assert_ptr_null(topo_route_lookup(topo, r2, addr("10.1.2.3")));
	ck_assert_int_eq(topo->nodes[r2].n_static_routes, 1);
	topo_destroy(topo);
}
END_TEST

START_TEST(format_events)
{
	struct topology *topo = load(ring_yaml);
	char buf[512];

	ck_assert_str_eq(
	    topo_format_event(topo, &topo->events[0], buf, sizeof(buf)),
	    "link r1 -- r2 down");
	ck_assert_str_eq(
	    topo_format_event(topo, &topo->events[3], buf, sizeof(buf)),
	    "router r2 set ttl 200 arp-timeout 1s icmp silent "
	    "delay 5ms");
	ck_assert_str_eq(
	    topo_format_event(topo, &topo->events[5], buf, sizeof(buf)),
	    "link r2 -- r3 set mtu 1400, r2 -> r3: delay 1ms, "
	    "r3 -> r2: delay 10ms loss 20%");
	ck_assert_str_eq(
	    topo_format_event(topo, &topo->events[6], buf, sizeof(buf)),
	    "router r3 add-route blackhole 198.18.200.0/24");
	ck_assert_str_eq(
	    topo_format_event(topo, &topo->events[7], buf, sizeof(buf)),
	    "router r3 remove-route 198.18.200.0/24");
	ck_assert_str_eq(
	    topo_format_event(topo, &topo->events[8], buf, sizeof(buf)),
	    "link r1 -- r2 up");
	topo_destroy(topo);
}
END_TEST

#define HEAD                                                                   \
	"routers: [r1, r2, r3]\n"                                              \
	"hosts: [web]\n"                                                       \
	"links: [r1 -- r2, r2 -- r3, r3 -- web]\n"                             \
	"timeline:\n"

START_TEST(error_event_shape)
{
	expect_error(HEAD "  - { link: \"r1 -- r2\", state: down }\n",
		     "lab.yaml:5:5: missing 'at' in timeline event (the time "
		     "from start, such as 'at: 5s')");
	expect_error(HEAD "  - { at: 5s, state: down }\n",
		     "lab.yaml:5:5: timeline event has no target (add 'link: "
		     "\"A -- B\"', 'router: NAME' or 'host: NAME')");
	expect_error(HEAD "  - { at: 5s, link: \"r1 -- r2\" }\n",
		     "lab.yaml:5:5: timeline event for link r1 -- r2 has no "
		     "action (add 'state: down', 'state: up' or 'set: { ... "
		     "}')");
	expect_error(HEAD
		     "  - { at: 5s, link: \"r1 -- r2\", router: r1, state: "
		     "down }\n",
		     "lab.yaml:5:33: timeline event has two targets, 'link' "
		     "and 'router' (write one event for each)");
	expect_error(HEAD "  - { at: 5s, link: \"r1 -- r2\", state: down, "
			  "set: { delay: 1ms } }\n",
		     "lab.yaml:5:46: timeline event has two actions, 'state' "
		     "and 'set' (write one event for each)");
	expect_error(HEAD "  - { at: 5s, routr: r1, set: { ttl: 3 } }\n",
		     "lab.yaml:5:15: unknown key 'routr' in timeline event "
		     "(did you mean 'router'?)");
	expect_error(HEAD "  - just a string\n",
		     "lab.yaml:5:5: expected a mapping for a timeline event, "
		     "found a scalar (write '- { at: 5s, link: \"r1 -- r2\", "
		     "state: down }')");
	expect_error("routers: [r1, r2]\n"
		     "links: [r1 -- r2]\n"
		     "timeline: { at: 5s }\n",
		     "lab.yaml:3:11: expected a sequence for 'timeline', found "
		     "a mapping");
	expect_error(HEAD "  - { at: 90000s, router: r1, set: { ttl: 3 } }\n",
		     "lab.yaml:5:11: at '90000s' in timeline event is out of "
		     "range (0 to 86400s)");
	expect_error(HEAD "  - { at: 5, router: r1, set: { ttl: 3 } }\n",
		     "lab.yaml:5:11: at '5' in timeline event has no unit "
		     "(write '5ms', '5us' or '5s')");
}
END_TEST

START_TEST(error_event_targets)
{
	expect_error(HEAD "  - { at: 5s, link: \"r1 -- r3\", state: down }\n",
		     "lab.yaml:5:22: no link joins 'r1' and 'r3' in timeline "
		     "event (the event must name a link from 'links')");
	expect_error(HEAD "  - { at: 5s, link: \"r1 -- r9\", state: down }\n",
		     "lab.yaml:5:28: unknown node 'r9' in link 'r1 -- r9' of "
		     "timeline event");
	expect_error(HEAD "  - { at: 5s, link: \"r1 - r2\", state: down }\n",
		     "lab.yaml:5:22: invalid link 'r1 - r2' in timeline event "
		     "(write it as 'A -- B', with spaces around '--')");
	expect_error(HEAD "  - { at: 5s, router: web, set: { ttl: 3 } }\n",
		     "lab.yaml:5:23: 'web' in timeline event is a host (write "
		     "'host: web')");
	expect_error(HEAD "  - { at: 5s, router: r9, set: { ttl: 3 } }\n",
		     "lab.yaml:5:23: unknown router 'r9' in timeline event");
	expect_error(HEAD "  - { at: 5s, router: r1, state: down }\n",
		     "lab.yaml:5:27: 'state' in timeline event for router r1 "
		     "applies to links only (a router takes 'set', "
		     "'add-route' or 'remove-route')");
	expect_error(HEAD "  - { at: 5s, link: \"r1 -- r2\", add-route: "
			  "\"blackhole 10.0.0.0/8\" }\n",
		     "lab.yaml:5:33: 'add-route' in timeline event for link "
		     "r1 -- r2 applies to routers and hosts only (a link "
		     "takes 'state' or 'set')");
}
END_TEST

START_TEST(error_event_settings)
{
	expect_error(HEAD
		     "  - { at: 5s, link: \"r1 -- r2\", set: { cost: 5 } }\n",
		     "lab.yaml:5:40: 'cost' in 'set' of timeline event for "
		     "link r1 -- r2 cannot change on the timeline");
	expect_error(HEAD "  - { at: 5s, link: \"r1 -- r2\", set: { subnet: "
			  "10.0.0.0/30 } }\n",
		     "lab.yaml:5:40: 'subnet' in 'set' of timeline event for "
		     "link r1 -- r2 cannot change on the timeline");
	expect_error(
	    HEAD "  - { at: 5s, link: \"r1 -- r2\", set: { state: down } }\n",
	    "lab.yaml:5:40: 'state' in 'set' of timeline event for link "
	    "r1 -- r2 cannot change the link's state (write 'state: down' or "
	    "'state: up' as the event's action, or 'state' in a direction "
	    "block for one direction)");
	expect_error(HEAD "  - { at: 5s, link: \"r1 -- r2\", set: { r3: { "
			  "delay: 1ms } } }\n",
		     "lab.yaml:5:40: unknown key 'r3' in 'set' of timeline "
		     "event for link r1 -- r2 (did you mean 'r1'?)");
	expect_error(HEAD "  - { at: 5s, router: r1, set: { routes: [] } }\n",
		     "lab.yaml:5:34: 'routes' in timeline event for router r1 "
		     "cannot change on the timeline (use 'add-route: ROUTE' or "
		     "'remove-route: PREFIX')");
	expect_error(HEAD "  - { at: 5s, router: r1, set: { ttl: 300 } }\n",
		     "lab.yaml:5:39: ttl '300' in timeline event for router r1 "
		     "is out of range (1..255)");
	expect_error(HEAD "  - { at: 5s, router: r1, set: { icmp: { source: "
			  "loopback } } }\n",
		     "lab.yaml:5:50: source 'loopback' in 'icmp' of router r1 "
		     "needs 'loopback: A.B.C.D' on router r1");
	expect_error(HEAD "  - { at: 5s, link: \"r1 -- r2\", state: sideways "
			  "}\n",
		     "lab.yaml:5:40: invalid state 'sideways' in timeline "
		     "event for link r1 -- r2 (expected 'up' or 'down')");
}
END_TEST

START_TEST(error_event_routes)
{
	expect_error(HEAD "  - { at: 5s, router: r1, remove-route: "
			  "198.18.200.0/24 }\n",
		     "lab.yaml:5:41: no static route for 198.18.200.0/24 on "
		     "router r1 at 5s to remove (add it under 'routes' or with "
		     "an earlier 'add-route')");
	expect_error(HEAD "  - { at: 5s, router: r1, remove-route: "
			  "198.18.200.1/24 }\n",
		     "lab.yaml:5:41: prefix '198.18.200.1/24' in "
		     "'remove-route' of timeline event for router r1 has host "
		     "bits set (did you mean '198.18.200.0/24'?)");
	expect_error(HEAD "  - { at: 5s, router: r1, add-route: \"10.0.0.0/8 "
			  "via r3\" }\n",
		     "lab.yaml:5:54: 'r3' in route '10.0.0.0/8 via r3' of "
		     "router r1 is not a neighbour of r1 (no link connects "
		     "them)");
	/* Sorted by time, the remove at 2 s comes after the add at 1 s,
	 * and the remove at 3 s finds nothing left. */
	expect_error(
	    "routers: [r1, r2]\n"
	    "links: [r1 -- r2]\n"
	    "timeline:\n"
	    "  - { at: 2s, router: r1, remove-route: 10.0.0.0/8 }\n"
	    "  - { at: 1s, router: r1, add-route: blackhole 10.0.0.0/8 "
	    "}\n"
	    "  - { at: 3s, router: r1, remove-route: 10.0.0.0/8 }\n",
	    "lab.yaml:6:41: no static route for 10.0.0.0/8 on router "
	    "r1 at 3s to remove (add it under 'routes' or with an "
	    "earlier 'add-route')");
	expect_error(
	    "routers:\n"
	    "  r1: { routes: [blackhole 10.0.0.0/8] }\n"
	    "  r2:\n"
	    "links: [r1 -- r2]\n"
	    "timeline:\n"
	    "  - { at: 1s, router: r1, add-route: blackhole 10.0.0.0/8 "
	    "}\n",
	    "lab.yaml:6:38: duplicate route for 10.0.0.0/8 in "
	    "timeline event for router r1 (at 1s router r1 already "
	    "has a static route for it, so remove that first with "
	    "'remove-route')");
}
END_TEST

Suite *timeline_suite(void)
{
	Suite *s = suite_create("timeline");
	TCase *load_case = tcase_create("load");
	TCase *apply = tcase_create("apply");
	TCase *errors = tcase_create("errors");

	tcase_add_test(load_case, timeline_sorted_stable);
	tcase_add_test(load_case, timeline_cumulative_node_set);
	tcase_add_test(load_case, timeline_cumulative_link_set);
	tcase_add_test(load_case, timeline_route_prefixes_routed_from_start);
	tcase_add_test(load_case, format_events);
	suite_add_tcase(s, load_case);

	tcase_add_test(apply, apply_each_kind);
	tcase_add_test(apply, apply_invalid_events);
	tcase_add_test(apply, apply_route_add_via);
	suite_add_tcase(s, apply);

	tcase_add_test(errors, error_event_shape);
	tcase_add_test(errors, error_event_targets);
	tcase_add_test(errors, error_event_settings);
	tcase_add_test(errors, error_event_routes);
	suite_add_tcase(s, errors);
	return s;
}
