/* SPDX-License-Identifier: MIT */
/*
 * The virtual network: nodes (routers, hosts, and the kernel at the far
 * end of each TUN device), their interfaces and addresses, the
 * point-to-point links between them, and each node's route table.
 * Loaded from a YAML topology file and validated; pure, no I/O besides
 * reading that file.  IPv4 addresses are in host order, IPv6 addresses
 * (struct pkt_in6) in network order.
 */
#ifndef HOPSIM_TOPOLOGY_H
#define HOPSIM_TOPOLOGY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hopsim/packet6.h"

#define TOPO_NAME_MAX	  32
#define TOPO_IFNAME_MAX	  16 /* IFNAMSIZ */
#define TOPO_MAX_TCP_OPEN 64
/* Routes grow with the square of the node count: 2048 nodes need about
 * 200 MB for them (an estimate from the route size). */
#define TOPO_MAX_NODES 2048
#define TOPO_MAX_LINKS 8192
/* Nodes on one LAN, a shared segment; a point-to-point link has two. */
#define TOPO_LAN_MAX_NODES 32

/* Defaults that a topology file may override. */
#define TOPO_DEFAULT_MTU	      1500
#define TOPO_DEFAULT_ARP_TIMEOUT_US   3000000u /* Linux: 3 probes, 1 s apart */
#define TOPO_DEFAULT_TTL	      64
#define TOPO_DEFAULT_QUEUE_LIMIT      1000	/* packets, as netem's limit */
#define TOPO_DEFAULT_REASM_TIMEOUT_US 30000000u /* Linux ipfrag_time */

/* Probabilities are parts per million: 20 % is 200000. */
#define TOPO_PPM 1000000u

enum topo_node_kind {
	TOPO_NODE_ROUTER,
	TOPO_NODE_HOST,
	TOPO_NODE_KERNEL, /* the host kernel, reached through a TUN device */
};

enum topo_route_kind {
	TOPO_ROUTE_CONNECTED,	/* destination is on the egress link */
	TOPO_ROUTE_VIA,		/* forward to a gateway on the egress link */
	TOPO_ROUTE_BLACKHOLE,	/* drop silently */
	TOPO_ROUTE_UNREACHABLE, /* drop, ICMP 3/1; ICMPv6 1/6, reject route */
	TOPO_ROUTE_PROHIBIT, /* drop, administratively prohibited: 3/13, 1/1 */
};

struct topo_route {
	uint32_t prefix;
	uint8_t plen;
	enum topo_route_kind kind;
	bool is_static;	  /* written in the topology file, not computed */
	int iface;	  /* CONNECTED, VIA: egress interface; else -1 */
	uint32_t gateway; /* VIA: next-hop address on the egress link */
	int next_iface;	  /* VIA: interface that owns the gateway address */
};

/*
 * An interface.  A router's loopback is an interface named "lo" with a
 * /32 address, link -1 and peer -1: it is on no link.  An interface on a
 * LAN has peer -1 too: it has many neighbours.
 */
struct topo_iface {
	char name[TOPO_IFNAME_MAX]; /* "eth0"...; kernel side: the TUN name */
	int node;
	int link;
	int peer; /* the interface at the other end of the link, or -1 */
	uint32_t addr;
	uint8_t plen;
	struct pkt_in6 addr6; /* global IPv6 address */
	uint8_t plen6;	      /* 0 when the interface has no IPv6 */
	struct pkt_in6 ll6;   /* link-local address, fe80::/64 */
};

/* An IPv6 route; the fields mean what they do in struct topo_route. */
struct topo_route6 {
	struct pkt_in6 prefix;
	uint8_t plen;
	enum topo_route_kind kind;
	bool is_static;
	int iface;
	struct pkt_in6 gateway;
	int next_iface;
};

enum topo_jitter_dist {
	TOPO_JITTER_UNIFORM, /* delay +- jitter, evenly (netem's default) */
	TOPO_JITTER_NORMAL,  /* normal, standard deviation = jitter */
};

enum topo_loss_model {
	TOPO_LOSS_RANDOM,	   /* each packet lost with loss_ppm */
	TOPO_LOSS_GILBERT_ELLIOTT, /* two states, as netem's gemodel */
};

/* Impairments of one direction of a link. */
struct topo_impair {
	uint32_t delay_us; /* one-way */
	uint32_t jitter_us;
	enum topo_jitter_dist jitter_dist;
	bool allow_reorder; /* jitter may reorder packets (default: no) */
	enum topo_loss_model loss_model;
	uint32_t loss_ppm;	   /* RANDOM */
	uint32_t ge_p_ppm;	   /* GILBERT_ELLIOTT: good to bad */
	uint32_t ge_r_ppm;	   /* bad to good */
	uint32_t ge_loss_good_ppm; /* loss in the good state (netem 1-k) */
	uint32_t ge_loss_bad_ppm;  /* loss in the bad state (netem 1-h) */
	uint32_t duplicate_ppm;
	uint32_t reorder_ppm; /* sent at once, ahead of delayed packets */
	uint32_t corrupt_ppm; /* one random bit flipped */
	uint64_t rate_bps;    /* bandwidth in bit/s; 0 for no limit */
	uint32_t queue_limit; /* packets waiting for the rate, then dropped */
	bool down;	      /* drops everything; routes do not change */
};

/*
 * A point-to-point link joins iface[0] and iface[1].  A LAN, a shared
 * segment such as an Ethernet switch, joins n_ifaces interfaces.  Each
 * may send to any other, so a router on it may send redirects.
 */
struct topo_link {
	int iface[TOPO_LAN_MAX_NODES];
	int n_ifaces; /* 2 for a point-to-point link */
	bool lan;
	/*
	 * dir[0] carries packets from iface[0] to iface[1], dir[1] back.  A
	 * LAN has one medium: every packet on it crosses dir[0].
	 */
	struct topo_impair dir[2];
	uint32_t mtu;
	uint32_t cost; /* metric for computed shortest paths, 1..65535 */
	bool down;     /* both ways, and routes are computed without it */
	int line;      /* where the link is written, for messages */
	int column;
};

enum topo_icmp_source {
	TOPO_ICMP_SOURCE_EGRESS,  /* interface the error leaves by (RFC 1812) */
	TOPO_ICMP_SOURCE_INGRESS, /* interface the offending packet came in */
	TOPO_ICMP_SOURCE_LOOPBACK, /* the router's loopback address */
	TOPO_ICMP_SOURCE_FIXED,	   /* source_addr */
};

/*
 * Token buckets that limit the ICMP errors a router sends: one per
 * destination and one for the router.  Each bucket starts full.
 */
struct topo_ratelimit {
	bool enabled;
	uint32_t interval_us;  /* per destination: one token per interval */
	uint32_t burst;	       /* per destination: bucket size in tokens */
	uint32_t global_rate;  /* for the router: tokens per second; 0: none */
	uint32_t global_burst; /* bucket size in tokens */
	bool
	    global_random_cost; /* each error costs 0, 1 or 2 tokens, as Linux */
	uint64_t type_mask;	/* bit N set: ICMP type N is limited */
	bool frag_needed_exempt; /* 3/4 is never limited */
};

/* The `linux` profile: Linux 6.x defaults for IPv4. */
#define TOPO_RATELIMIT_LINUX                                                   \
	((struct topo_ratelimit){ .enabled = true,                             \
				  .interval_us = 1000000,                      \
				  .burst = 6,                                  \
				  .global_rate = 1000,                         \
				  .global_burst = 50,                          \
				  .global_random_cost = true,                  \
				  .type_mask = 0x1818,                         \
				  .frag_needed_exempt = true })

/*
 * The `linux` profile for ICMPv6: net.ipv6.icmp.ratelimit is 100 ms on
 * Linux 6.18, the burst factor is the IPv4 one, and the default ratemask
 * 0-1,3-127 limits every error but packet too big; informational
 * messages are not limited.  The global bucket is shared with IPv4.
 */
#define TOPO_RATELIMIT_LINUX6                                                  \
	((struct topo_ratelimit){ .enabled = true,                             \
				  .interval_us = 100000,                       \
				  .burst = 6,                                  \
				  .global_rate = 1000,                         \
				  .global_burst = 50,                          \
				  .global_random_cost = true,                  \
				  .type_mask =                                 \
				      (1u << 1) | (1u << 3) | (1u << 4),       \
				  .frag_needed_exempt = false })

/* A router's rules for the ICMP it originates. */
struct topo_icmp_policy {
	bool silent;	   /* sends no ICMP errors, still forwards */
	bool frag_needed;  /* sends 3/4; off makes a PMTU black hole */
	bool echo;	   /* sends echo replies */
	bool redirects;	   /* routers: sends redirects on a LAN */
	uint32_t delay_us; /* extra time before its own ICMP leaves */
	enum topo_icmp_source source;
	uint32_t source_addr; /* FIXED */
	struct topo_ratelimit ratelimit;
	struct topo_ratelimit ratelimit6; /* for ICMPv6 */
};

struct topo_node {
	char name[TOPO_NAME_MAX];
	enum topo_node_kind kind;
	int first_iface; /* interfaces of a node are contiguous */
	int n_ifaces;
	struct topo_route *routes;
	int n_routes;
	struct rtable *table; /* prefix -> index into routes */
	struct topo_route6 *routes6;
	int n_routes6;
	struct rtable6 *table6;		    /* prefix -> index into routes6 */
	struct topo_route6 *static_routes6; /* as written, to recompute */
	int n_static_routes6;
	uint16_t tcp_open[TOPO_MAX_TCP_OPEN]; /* ports that reply SYN-ACK */
	int n_tcp_open;
	uint32_t arp_timeout_us; /* wait before host unreachable */
	uint8_t ttl; /* initial TTL of packets this node originates */
	int tun;     /* KERNEL nodes: index into tuns; else -1 */
	struct topo_icmp_policy icmp;
	int loopback_iface;	   /* the "lo" interface, or -1 */
	uint32_t reasm_timeout_us; /* fragments addressed to the node */
	/* The static routes as written, kept to recompute routes. */
	struct topo_route *static_routes;
	int n_static_routes;
};

/*
 * A TUN device: a link between one router and the host kernel, or a LAN
 * of the kernel, that router and more nodes.  The kernel routes through
 * the router.  A TUN carries no link-layer address, so on a LAN the engine
 * learns from the kernel which node it sends each packet to.
 */
struct topo_tun {
	char name[TOPO_IFNAME_MAX];
	int kernel_node;
	int kernel_iface; /* the kernel's end: the address set on the device */
	int router_iface;
	uint32_t mtu;
	bool routes_all; /* the kernel routes every topology prefix here */
};

enum topo_event_kind {
	TOPO_EVENT_LINK_DOWN, /* link goes down both ways; routes change */
	TOPO_EVENT_LINK_UP,
	TOPO_EVENT_LINK_SET,	 /* link takes dir[] from the event */
	TOPO_EVENT_NODE_SET,	 /* node takes icmp, ttl, arp_timeout_us */
	TOPO_EVENT_ROUTE_ADD,	 /* node gains static route */
	TOPO_EVENT_ROUTE_REMOVE, /* node loses its static route for prefix */
};

/*
 * A change the timeline makes at_us after start.  A SET event carries
 * the complete settings the link or node has from then on, with every
 * earlier event applied.
 */
struct topo_event {
	uint64_t at_us;
	enum topo_event_kind kind;
	int link;		      /* LINK_*: the link, else -1 */
	int node;		      /* NODE_SET, ROUTE_*: the node, else -1 */
	struct topo_impair dir[2];    /* LINK_SET */
	uint32_t mtu;		      /* LINK_SET: the link's MTU; else 0 */
	struct topo_icmp_policy icmp; /* NODE_SET */
	uint8_t ttl;		      /* NODE_SET */
	uint32_t arp_timeout_us;      /* NODE_SET */
	struct topo_route route;      /* ROUTE_ADD; ROUTE_REMOVE: prefix */
	bool is_ipv6;		      /* ROUTE_*: route6 applies, not route */
	struct topo_route6 route6;    /* ROUTE_* of an IPv6 prefix */
	int line;		      /* where the event is written */
};

struct topology {
	char *source; /* file name, or "<built-in default>" */
	struct topo_node *nodes;
	int n_nodes;
	struct topo_iface *ifaces;
	int n_ifaces;
	struct topo_link *links;
	int n_links;
	struct topo_tun *tuns;
	int n_tuns;
	struct topo_addr_map *owners;	/* address -> interface, opaque */
	struct topo_addr6_map *owners6; /* IPv6 address -> interface */
	bool ipv6; /* false when the file turns IPv6 off ('ipv6: false') */
	struct topo_event *events; /* the timeline, sorted by at_us */
	int n_events;
};

#define TOPO_ERROR_MAX 512

/* "file:line:column: message", filled when loading fails. */
struct topo_error {
	char message[TOPO_ERROR_MAX];
};

/*
 * Loads, completes (addresses, computed routes) and validates the
 * topology in @path.  Returns NULL and fills @err on failure; every
 * message about the file's content starts with "path:line:column: ",
 * and one about reading it with "path: ".
 */
struct topology *topo_load_file(const char *path, struct topo_error *err);

/* As topo_load_file() for @len bytes of YAML at @text named @name. */
struct topology *topo_load_string(const char *name, const char *text,
				  size_t len, struct topo_error *err);

void topo_destroy(struct topology *topo);

/* Returns the node named @name, or -1. */
int topo_node_find(const struct topology *topo, const char *name);

/* Returns the interface that owns @addr, or -1. */
int topo_addr_owner(const struct topology *topo, uint32_t addr);

/* Returns @node's route for @dst by longest prefix match, or NULL. */
const struct topo_route *topo_route_lookup(const struct topology *topo,
					   int node, uint32_t dst);

/* A prefix the kernel must route into a TUN device. */
struct topo_prefix {
	uint32_t prefix;
	uint8_t plen;
};

/*
 * Fills @out with up to @cap prefixes the kernel routes into @tun.  When
 * the TUN has routes_all, these are the subnet of every link that is no
 * TUN's (links that are down included) and every loopback /32.  They also include the prefixes, other than default, of the static
 * routes as written and of the timeline's ROUTE_ADD events.  Without
 * routes_all there are none.  Returns how many there are, which may
 * exceed @cap, or -EINVAL for an unknown @tun.
 */
int topo_tun_prefixes(const struct topology *topo, int tun,
		      struct topo_prefix *out, int cap);

/* The line `traceroute -n` prints for one TTL. */
enum topo_hop_mark {
	TOPO_HOP_TIME_EXCEEDED, /* a router's address */
	TOPO_HOP_REACHED,	/* the destination answered */
	TOPO_HOP_NET_UNREACH,	/* !N */
	TOPO_HOP_HOST_UNREACH,	/* !H */
	TOPO_HOP_PROHIBITED,	/* !X */
	TOPO_HOP_SILENT,	/* * : no reply */
	TOPO_HOP_UNREACH_OTHER, /* !<code>: any other unreachable code */
};

struct topo_hop {
	int ttl;
	enum topo_hop_mark mark;
	uint32_t addr; /* the address the reply comes from; 0 if SILENT */
	int node;      /* the node that replies, or -1 */
	struct pkt_in6 addr6; /* topo_path6(): the IPv6 address replying */
	uint8_t code; /* the ICMP or ICMPv6 code of an unreachable mark */
};

/*
 * Computes, from the current route tables and link states, what a UDP
 * traceroute from the kernel end of @tun to @dst reports, one entry per TTL
 * from 1, into @hops (room for @cap).  A reply that could not get back
 * to the kernel through the route tables counts as SILENT, and so does
 * a probe or reply that crosses a link direction that is down.  A node
 * with icmp.silent gives SILENT where it would send an error, and the
 * trace goes on past a silent destination.  Error sources follow each
 * node's icmp.source.  Loss, jitter and rate limits are left out.
 * Stops after the destination or an unreachable mark, at @max_ttl
 * (1..255), or when @hops is full.  Returns the number of entries, or
 * -EINVAL.
 */
int topo_path(const struct topology *topo, int tun, uint32_t dst, int max_ttl,
	      struct topo_hop *hops, int cap);

/*
 * Writes "A -- B" for a link between nodes A and B, "lan A, B, C" for a
 * LAN, or "tun NAME" for the link of TUN device NAME, into @buf of @len
 * bytes; TOPO_LINK_NAME_MAX bytes always suffice.  Returns @buf.
 */
#define TOPO_LINK_NAME_MAX (TOPO_LAN_MAX_NODES * (TOPO_NAME_MAX + 2) + 8)
const char *topo_link_name(const struct topology *topo, int link, char *buf,
			   size_t len);

/*
 * Assembly steps that topo_load_file() runs after parsing, in this order.
 * The loader fills nodes, links, interfaces and TUNs; an interface whose
 * addr and plen are both 0 gets an address here.
 *
 * topo_assign_addresses() gives each TUN link without addresses
 * 198.18.0.(4i)/30 and each other link without addresses the next free /30
 * from 198.18.1.0, then indexes the addresses for topo_addr_owner() and
 * checks that no address is used twice and no two link subnets overlap.
 * When topo->ipv6 is set it does the same for IPv6 (the plan below) on
 * every link whose MTU is at least 1280, because Linux turns IPv6 off on
 * smaller links.  An interface whose plen6 is 0 there gets an address,
 * and every interface with IPv6 gets its link-local address.  Returns 0,
 * or -EINVAL or -ENOSPC (198.18.0.0/15 or 2001:db8:1::/48 is used up)
 * with @err filled, or -ENOMEM.
 *
 * topo_set_route() adds @route to @node's table, replacing the route of
 * the same prefix if there is one.  Returns 0, -EINVAL or -ENOMEM.
 */
int topo_assign_addresses(struct topology *topo, struct topo_error *err);
int topo_set_route(struct topology *topo, int node,
		   const struct topo_route *route);

/*
 * Recomputes every router's and host's routes of both families from the
 * current state.  The steps are connected and shortest-path routes over
 * links that are up, the static routes whose egress link is up, and
 * redistribution.  Last comes a shortest-path route to every other
 * router's loopback /32 and loopback6 /128 that the node has no route
 * for.  Route pointers from before the call are invalid after it.
 * Returns 0 or -ENOMEM.
 */
int topo_rebuild_routes(struct topology *topo);

/*
 * Applies timeline @event to @topo, rebuilding the routes when the event
 * changes a link's state or a static route.  LINK_SET copies dir[] and,
 * when not 0, mtu; NODE_SET copies icmp, ttl and arp_timeout_us;
 * ROUTE_ADD replaces a static route of the same prefix.  Returns 0,
 * -EINVAL for an event that names no link, node or static route of
 * @topo, or -ENOMEM.
 */
int topo_apply_event(struct topology *topo, const struct topo_event *event);

/*
 * Returns the path MTU from the kernel end of @tun to @dst: the smallest
 * MTU of the links the forward path crosses, the TUN's included, up to
 * where the path ends.  A link whose direction is down counts, because
 * a router checks the MTU before it sends.  Returns 0 for an unknown
 * @tun.
 */
uint32_t topo_path_mtu(const struct topology *topo, int tun, uint32_t dst);

/*
 * Writers of settings in the syntax of the topology file, for `hopsim
 * check` and logs.  Each writes at most @len bytes, NUL included, into
 * @buf and returns @buf.
 *
 * topo_format_impair() writes "delay D" and then every setting of
 * @impair that differs from the default: "delay 10ms jitter 2ms loss 5%".
 *
 * topo_format_icmp() writes the settings of @icmp that differ from the
 * defaults ("silent source ingress rate-limit linux"), or "" for none.
 *
 * topo_format_event() writes what @event does, without its time:
 * "link r1 -- r2 down", "router r2 set ttl 255 icmp silent",
 * "router r2 add-route blackhole 198.18.200.0/24".
 */
const char *topo_format_impair(const struct topo_impair *impair, char *buf,
			       size_t len);
const char *topo_format_icmp(const struct topo_icmp_policy *icmp, char *buf,
			     size_t len);
const char *topo_format_event(const struct topology *topo,
			      const struct topo_event *event, char *buf,
			      size_t len);

/* Returns the direction index (0 or 1) of @link for packets that @iface
 * sends onto it: always 0 on a LAN. */
static inline int topo_link_dir(const struct topology *topo, int link,
				int iface)
{
	const struct topo_link *l = &topo->links[link];

	return l->lan || l->iface[0] == iface ? 0 : 1;
}

/*
 * Returns the interface that receives what the kernel sends into @tun
 * toward the address of interface @owner (-1 for none): @owner itself
 * when it is another node's on the TUN's LAN, else the TUN's router.
 */
static inline int topo_tun_entry(const struct topology *topo, int tun,
				 int owner)
{
	const struct topo_tun *t = &topo->tuns[tun];

	if (owner >= 0 && owner != t->kernel_iface &&
	    topo->ifaces[owner].link == topo->ifaces[t->router_iface].link)
		return owner;
	return t->router_iface;
}

/* Returns @node's interface on @link, or -1. */
static inline int topo_link_iface(const struct topology *topo, int link,
				  int node)
{
	const struct topo_link *l = &topo->links[link];
	int i;

	for (i = 0; i < l->n_ifaces; i++)
		if (topo->ifaces[l->iface[i]].node == node)
			return l->iface[i];
	return -1;
}

/*
 * IPv6.  Every link and TUN device is dual-stack unless the topology
 * turns IPv6 off.  TUN device i gets 2001:db8:0:i::/64 (kernel end ::1,
 * router end ::2) and link k 2001:db8:1:k::/64 (end A ::1, end B ::2);
 * each interface of a link also has a link-local fe80::/64 address.
 * Routes are computed for both families the same way.
 *
 * In detail: links without 'subnet6' or 'addresses6' take the next free
 * /64 from 2001:db8:1::/64 in file order.  They skip every /64 that
 * overlaps an IPv6 subnet or loopback6 written in the file, so link k is
 * 2001:db8:1:k::/64 when the file gives none.  The link-local address of
 * the interface at end E (1 for iface[0], 2 for iface[1]) of the link at
 * index L of topo->links (TUN links first) is fe80::K:E with K = L + 1,
 * unique by construction.  A link or TUN whose MTU is below 1280 has no
 * IPv6 (plen6 0).  Loopbacks have no link-local address.  Nodes use
 * their 'ttl' as the hop limit of what they send.
 */

/* Returns the interface that owns IPv6 address @addr (global or
 * link-local), or -1. */
int topo_addr6_owner(const struct topology *topo, const struct pkt_in6 *addr);

/* Returns @node's IPv6 route for @dst by longest prefix match, or NULL. */
const struct topo_route6 *topo_route6_lookup(const struct topology *topo,
					     int node,
					     const struct pkt_in6 *dst);

/* A prefix the kernel must route into a TUN device. */
struct topo_prefix6 {
	struct pkt_in6 prefix;
	uint8_t plen;
};

/*
 * As topo_tun_prefixes(), for IPv6: every link /64 with IPv6 that is no
 * TUN's, every loopback6 /128, and the IPv6 static and timeline
 * prefixes other than ::/0.  Returns 0 for a TUN without IPv6.
 */
int topo_tun_prefixes6(const struct topology *topo, int tun,
		       struct topo_prefix6 *out, int cap);

/*
 * As topo_path(), for a `traceroute -6 -n` from the IPv6 address of the
 * kernel end of @tun to @dst; hops carry addr6 and leave addr 0.  No
 * route gives ICMPv6 1/0, a prohibit route 1/1, an unreachable route 1/6
 * (reject route) and a failed neighbour discovery 1/3.  Marks follow
 * traceroute 2.1 (Debian's): code 0 !N, 1 !X, 2 and 3 !H, and any other
 * code TOPO_HOP_UNREACH_OTHER, printed "!<code>".  Error sources follow
 * icmp.source, except that a fixed source, an IPv4 address, falls back
 * to egress, and so does loopback on a router without loopback6.
 * Returns the number of entries, or -EINVAL, also when @tun has no IPv6.
 */
int topo_path6(const struct topology *topo, int tun, const struct pkt_in6 *dst,
	       int max_ttl, struct topo_hop *hops, int cap);

/* As topo_path_mtu(), for the IPv6 path to @dst.  Returns 0 for an
 * unknown @tun or one without IPv6. */
uint32_t topo_path_mtu6(const struct topology *topo, int tun,
			const struct pkt_in6 *dst);

/* Parses an IPv6 address.  Returns 0 or -EINVAL. */
int topo_parse_ipv6(const char *text, struct pkt_in6 *addr);

/* Formats @addr as RFC 5952 text into @buf of at least 46 bytes. */
const char *topo_format_ipv6(const struct pkt_in6 *addr, char *buf);

/* Parses "a.b.c.d" into host order.  Returns 0 or -EINVAL. */
int topo_parse_ipv4(const char *text, uint32_t *addr);

/* Formats @addr (host order) into @buf of at least 16 bytes. */
const char *topo_format_ipv4(uint32_t addr, char *buf);

#endif
