/* SPDX-License-Identifier: MIT */
/*
 * The virtual network: nodes (routers, hosts, and the kernel at the far
 * end of each TUN device), their interfaces and addresses, the
 * point-to-point links between them, and each node's route table.
 * Loaded from a YAML topology file and validated; pure, no I/O besides
 * reading that file.  Addresses are IPv4 in host order.
 */
#ifndef HOPSIM_TOPOLOGY_H
#define HOPSIM_TOPOLOGY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TOPO_NAME_MAX	  32
#define TOPO_IFNAME_MAX	  16 /* IFNAMSIZ */
#define TOPO_MAX_TCP_OPEN 64

/* Defaults that a topology file may override. */
#define TOPO_DEFAULT_MTU	    1500
#define TOPO_DEFAULT_ARP_TIMEOUT_US 3000000u /* Linux: 3 probes, 1 s apart */
#define TOPO_DEFAULT_TTL	    64

enum topo_node_kind {
	TOPO_NODE_ROUTER,
	TOPO_NODE_HOST,
	TOPO_NODE_KERNEL, /* the host kernel, reached through a TUN device */
};

enum topo_route_kind {
	TOPO_ROUTE_CONNECTED,	/* destination is on the egress link */
	TOPO_ROUTE_VIA,		/* forward to a gateway on the egress link */
	TOPO_ROUTE_BLACKHOLE,	/* drop silently */
	TOPO_ROUTE_UNREACHABLE, /* drop, ICMP host unreachable (3/1) */
	TOPO_ROUTE_PROHIBIT, /* drop, ICMP administratively prohibited (3/13) */
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

struct topo_iface {
	char name[TOPO_IFNAME_MAX]; /* "eth0"...; kernel side: the TUN name */
	int node;
	int link;
	int peer; /* the interface at the other end of the link */
	uint32_t addr;
	uint8_t plen;
};

struct topo_link {
	int iface[2];
	uint32_t delay_us; /* one-way, the same in each direction */
	uint32_t mtu;
	uint32_t cost; /* metric for computed shortest paths, 1..65535 */
	int line;      /* where the link is written, for messages */
	int column;
};

struct topo_node {
	char name[TOPO_NAME_MAX];
	enum topo_node_kind kind;
	int first_iface; /* interfaces of a node are contiguous */
	int n_ifaces;
	struct topo_route *routes;
	int n_routes;
	struct rtable *table;		      /* prefix -> index into routes */
	uint16_t tcp_open[TOPO_MAX_TCP_OPEN]; /* ports that answer SYN-ACK */
	int n_tcp_open;
	uint32_t arp_timeout_us; /* wait before host unreachable */
	uint8_t ttl; /* initial TTL of packets this node originates */
	int tun;     /* KERNEL nodes: index into tuns; else -1 */
};

/* A TUN device: a link between one router and the host kernel. */
struct topo_tun {
	char name[TOPO_IFNAME_MAX];
	int kernel_node;
	int kernel_iface; /* the kernel's end: the address set on the device */
	int router_iface;
	uint32_t mtu;
	bool routes_all; /* the kernel routes every topology prefix here */
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
	struct topo_addr_map *owners; /* address -> interface, opaque */
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
 * Fills @out with up to @cap prefixes the kernel routes into @tun, the
 * prefixes of static routes (other than default routes) included:
 * every link subnet of the topology except the TUN's own subnet when
 * the TUN has routes_all, else none.  Returns how many there are, which
 * may exceed @cap, or -EINVAL for an unknown @tun.
 */
int topo_tun_prefixes(const struct topology *topo, int tun,
		      struct topo_prefix *out, int cap);

/* What `traceroute -n` prints for one TTL. */
enum topo_hop_mark {
	TOPO_HOP_TIME_EXCEEDED, /* a router's address */
	TOPO_HOP_REACHED,	/* the destination answered */
	TOPO_HOP_NET_UNREACH,	/* !N */
	TOPO_HOP_HOST_UNREACH,	/* !H */
	TOPO_HOP_PROHIBITED,	/* !X */
	TOPO_HOP_SILENT,	/* * : no reply */
};

struct topo_hop {
	int ttl;
	enum topo_hop_mark mark;
	uint32_t addr; /* the address the reply comes from; 0 if SILENT */
	int node;      /* the node that replies, or -1 */
};

/*
 * Computes, from the route tables alone, what a traceroute from the
 * kernel end of @tun to @dst sees, one entry per TTL from 1, into @hops
 * (room for @cap).  A reply that could not get back to the kernel
 * through the route tables counts as SILENT.  Stops after the
 * destination or an unreachable mark, at @max_ttl (1..255), or when
 * @hops is full.  Returns the number of entries, or -EINVAL.
 */
int topo_path(const struct topology *topo, int tun, uint32_t dst, int max_ttl,
	      struct topo_hop *hops, int cap);

/*
 * Writes "A -- B" for a link between nodes A and B, or "tun NAME" for the
 * link of TUN device NAME, into @buf of @len bytes.  Returns @buf.
 */
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
 * Returns 0, or -EINVAL or -ENOSPC (198.18.0.0/15 is used up) with @err
 * filled, or -ENOMEM.
 *
 * topo_compute_routes() replaces every router's and host's routes with a
 * connected route per interface and a shortest-path route to every other
 * link subnet.  Returns 0 or -ENOMEM.
 *
 * topo_set_route() adds @route to @node's table, replacing the route of
 * the same prefix if there is one.  Returns 0, -EINVAL or -ENOMEM.
 *
 * topo_redistribute_static() gives every router and host that has no
 * route for the prefix of another router's static route (other than a
 * default route) a shortest-path route toward the nearest such router,
 * as an IGP that redistributes static routes would, so a `blackhole`
 * route on r3 is reached through r1 and r2.  A router whose static route
 * points at a neighbour is not used by that neighbour (split horizon).
 * Call it after the static routes are set.  Returns 0 or -ENOMEM.
 */
int topo_assign_addresses(struct topology *topo, struct topo_error *err);
int topo_compute_routes(struct topology *topo);
int topo_set_route(struct topology *topo, int node,
		   const struct topo_route *route);
int topo_redistribute_static(struct topology *topo);

/* Parses "a.b.c.d" into host order.  Returns 0 or -EINVAL. */
int topo_parse_ipv4(const char *text, uint32_t *addr);

/* Formats @addr (host order) into @buf of at least 16 bytes. */
const char *topo_format_ipv4(uint32_t addr, char *buf);

#endif
