/* SPDX-License-Identifier: MIT */
/*
 * Definitions engine.c (IPv4) and engine6.c (IPv6) share: the engine's state,
 * the packet being carried, and the steps both families take the same
 * way (tracing, drops, links, ICMP policy).  Private to the engine.
 */
#ifndef HOPSIM_ENGINE_IMPL_H
#define HOPSIM_ENGINE_IMPL_H

#include <stdbool.h>
#include <stdint.h>

#include "hopsim/engine.h"
#include "hopsim/link.h"
#include "hopsim/packet.h"
#include "hopsim/packet6.h"
#include "hopsim/random.h"
#include "hopsim/ratelimit.h"
#include "hopsim/reasm.h"
#include "hopsim/redirect.h"

/*
 * Packets a node originates while handling another (errors, replies,
 * fragments) nest one level each.  A reply can meet an error on its way
 * back, so a handful of levels covers every real case.
 */
#define ENGINE_MAX_DEPTH 8
#define ENGINE_BUF_SIZE	 65536

/*
 * The first hop that the kernel at the end of a TUN LAN uses for each
 * destination, so that what it sends enters the topology there: a TUN
 * carries no link-layer address to show it.  With ops.kernel_gateway the
 * engine queries the kernel and keeps the result ENGINE_KERNEL_CHECK_US.
 * A redirect about a destination makes it query again once hopsim has read
 * what the kernel sent before it (engine_kernel_caught_up()).  Without
 * the callback, as in a replay, the engine assumes that the kernel takes
 * each redirect at once, for as long as Linux keeps one.
 */
#define ENGINE_KERNEL_ROUTES   64
#define ENGINE_KERNEL_PENDING  16 /* redirects the kernel may not have read */
#define ENGINE_KERNEL_CHECK_US 1000000u
#define ENGINE_REDIRECT4_US    300000000u /* ip_rt_gc_timeout */
#define ENGINE_REDIRECT6_US    60000000u  /* ipv6 route gc_timeout, idle */

struct kernel_route {
	bool used;
	bool v6;
	uint8_t dst[16]; /* IPv4 in the first four bytes, network order */
	int entry;	 /* the interface the kernel sends to */
	uint64_t expires_us;
};

/* A redirect about dst written at redirect_us: until the kernel has read
 * it, what it sends to dst still goes through entry. */
struct kernel_pending {
	bool used;
	bool v6;
	uint8_t dst[16];
	int entry;
	uint64_t redirect_us;
};

struct kernel_routes {
	struct kernel_route slots[ENGINE_KERNEL_ROUTES];
	struct kernel_pending pending[ENGINE_KERNEL_PENDING];
};

struct engine {
	struct topology *topo;
	struct engine_ops ops;
	void *ctx;
	uint64_t drops[ENGINE_DROP_COUNT];
	uint16_t *ip_id; /* next IP identification, per node */
	int depth;	 /* nesting level of the packet being carried */
	uint8_t (*bufs)[ENGINE_BUF_SIZE];  /* one buffer per nesting level */
	struct link_state *links;	   /* two directions per link */
	struct ratelimit **limiters;	   /* per node; NULL if never limited */
	struct redirect_limit **redirects; /* per router on a LAN, else NULL */
	struct kernel_routes *kernel;	   /* per TUN device */
	struct rng icmp_rng;		   /* global rate-limit costs */
	struct reasm *reasm;
	bool started;
	uint64_t start_us; /* the timeline counts from here */
	int next_event;	   /* first timeline event not applied yet */
};

/* A packet on its way through the topology. */
struct hop_packet {
	uint8_t *buf;
	size_t len;
	bool v6; /* which of ip and ip6 is parsed */
	struct pkt_ipv4 ip;
	struct pkt_ipv6 ip6;
	bool corrupted;	 /* a link flipped a bit: the next hop checks again */
	bool link_group; /* arrived in a link-layer broadcast or multicast */
};

/* An ICMP error a node sends about the packet it is handling. */
struct icmp_answer {
	uint8_t type;
	uint8_t code;
	uint32_t rest; /* bytes 4-7: MTU, gateway or pointer */
	uint32_t src;  /* IPv4: 0 for the interface the error leaves by */
	const struct pkt_in6 *src6; /* IPv6: NULL for that interface */
	uint64_t delay_us;	    /* time before the error leaves */
};

/* Emits the one trace line of @pkt at @node with @detail, counting a
 * drop when @action is ENGINE_DROPPED. */
void engine_decide(struct engine *engine, int node, int iface, uint64_t t,
		   const struct hop_packet *pkt, enum engine_action action,
		   const struct engine_event *detail);

/* Counts and traces the drop of @pkt at @node for @reason. */
void engine_drop(struct engine *engine, int node, int iface, uint64_t t,
		 const struct hop_packet *pkt, enum engine_drop reason);

/* Returns the buffer for a packet generated at the next nesting level,
 * or NULL when nesting is too deep. */
uint8_t *engine_next_buffer(struct engine *engine);

/*
 * Sends @pkt from @node over the link to @next_iface at @t through the
 * link direction's impairments and sets *@arrival.  Returns false when
 * the link dropped the packet.  A duplicate is carried on at once.
 */
bool engine_cross_link(struct engine *engine, int node, int next_iface,
		       uint64_t t, struct hop_packet *pkt, uint64_t *arrival);

/*
 * True when @node's ICMP policy lets it send @type/@code to the peer
 * keyed @dst at @t; counts the reason when it does not.  @v6 selects the
 * node's IPv6 settings.
 */
bool engine_icmp_permitted(struct engine *engine, int node, uint32_t dst,
			   uint8_t type, uint8_t code, uint64_t t, bool v6);

/*
 * Whether @node may send a redirect about a packet it forwards from
 * @iface back out of @out_iface: it is a router that sends them, the
 * interfaces are one, on a LAN, and the packet was not built by @node.
 */
bool engine_may_redirect(const struct engine *engine, int node, int iface,
			 int out_iface, bool originated);

/*
 * Returns the interface that receives what the kernel sends into @tun to
 * @dst (16 bytes, or 4 for IPv4) at @now_us: the node of a TUN LAN that
 * the kernel routes through.  @owner is the interface that owns @dst, or
 * -1.
 */
int engine_kernel_entry(struct engine *engine, int tun, bool v6,
			const uint8_t *dst, int owner, uint64_t now_us);

/* Records that a redirect of @dst to @entry went to the kernel of @tun. */
void engine_kernel_redirected(struct engine *engine, int tun, bool v6,
			      const uint8_t *dst, int entry, uint64_t now_us);

/* True when @n lists TCP @port as open. */
bool engine_tcp_port_open(const struct topo_node *n, uint16_t port);

/* The drop reason for a fragment reasm_add() did not keep. */
enum engine_drop engine_reasm_drop(enum reasm_result result);

/* Carries @pkt from @node onward by its family's rules. */
void engine_walk(struct engine *engine, int node, int iface, uint64_t t,
		 struct hop_packet *pkt, bool originated);

/* The IPv6 walk and input, in engine6.c. */
void engine_walk6(struct engine *engine, int node, int iface, uint64_t t,
		  struct hop_packet *pkt, bool originated);
void engine_input6(struct engine *engine, int tun, uint64_t now_us,
		   uint8_t *packet, size_t len, bool link_group);

/* Sends time exceeded, fragment reassembly (3/1), about the first
 * fragment @first of an IPv6 datagram @node gave up on at @t; with no
 * first fragment (@len 0) it only counts. */
void engine_expire6(struct engine *engine, int node, uint64_t t, uint8_t *first,
		    size_t len);

#endif
