/* SPDX-License-Identifier: MIT */
/*
 * The forwarding engine: carries one packet from a TUN device through
 * every hop of the topology in a single pass and hands back what leaves
 * the topology, each packet stamped with the time it is due.  Pure and
 * deterministic: time comes in from the caller, nothing is printed, and
 * nothing is allocated after engine_create().
 */
#ifndef HOPSIM_ENGINE_H
#define HOPSIM_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hopsim/topology.h"

/* Reasons the engine drops a packet, each with a counter. */
enum engine_drop {
	ENGINE_DROP_BAD_LENGTH,
	ENGINE_DROP_BAD_VERSION,
	ENGINE_DROP_BAD_IHL,
	ENGINE_DROP_BAD_TOTAL_LEN,
	ENGINE_DROP_BAD_CHECKSUM,
	ENGINE_DROP_MARTIAN_SOURCE,
	ENGINE_DROP_MARTIAN_DEST,
	ENGINE_DROP_NOT_FOR_HOST,
	ENGINE_DROP_NO_ROUTE,
	ENGINE_DROP_BLACKHOLE,
	ENGINE_DROP_UNREACHABLE_ROUTE,
	ENGINE_DROP_PROHIBITED,
	ENGINE_DROP_TTL_EXPIRED,
	ENGINE_DROP_NEIGHBOUR_FAILED,
	ENGINE_DROP_FRAG_NEEDED,
	ENGINE_DROP_NO_ROUTE_BACK,
	ENGINE_DROP_ICMP_IGNORED,
	ENGINE_DROP_BAD_ICMP,
	ENGINE_DROP_BAD_TCP,
	ENGINE_DROP_BAD_UDP,
	ENGINE_DROP_TOO_DEEP,
	ENGINE_DROP_OUTPUT_FULL,
	ENGINE_DROP_LINK_DOWN,
	ENGINE_DROP_LINK_BROADCAST,
	ENGINE_DROP_BAD_OPTIONS,
	ENGINE_DROP_SOURCE_ROUTE,
	ENGINE_DROP_LINK_LOSS,
	ENGINE_DROP_LINK_QUEUE_FULL,
	ENGINE_DROP_ECHO_DISABLED,
	ENGINE_DROP_REASM_OVERLAP,
	ENGINE_DROP_REASM_TOO_BIG,
	ENGINE_DROP_REASM_INVALID,
	ENGINE_DROP_REASM_DUPLICATE,
	ENGINE_DROP_REASM_FULL,
	ENGINE_DROP_REASM_TIMEOUT,
	ENGINE_DROP_IPV6_MULTICAST,
	ENGINE_DROP_BAD_EXTENSION,
	ENGINE_DROP_OPTION_DISCARD,
	ENGINE_DROP_PACKET_TOO_BIG,
	ENGINE_DROP_LINK_LOCAL,
	ENGINE_DROP_FRAGMENT6,
	/* Not packets dropped but ICMP errors not sent, and why. */
	ENGINE_DROP_ICMP_SILENT,
	ENGINE_DROP_ICMP_RATE_LIMITED,
	ENGINE_DROP_ICMP_FRAG_NEEDED_OFF,
	ENGINE_DROP_COUNT
};

/* Returns a static name for @reason, such as "bad-checksum". */
const char *engine_drop_name(enum engine_drop reason);

/* A node's decision about a packet, for the per-hop trace. */
enum engine_action {
	ENGINE_FORWARDED,
	ENGINE_DELIVERED, /* consumed by the node's own stack */
	ENGINE_ANSWERED,  /* consumed, and the node sent a reply */
	ENGINE_DROPPED,	  /* discarded, perhaps with an ICMP error */
	ENGINE_LEFT,	  /* written to a TUN device */
};

/* One line of the per-hop trace. */
struct engine_event {
	uint64_t time_us;
	int node;
	int iface; /* arrival interface, or -1 when originated */
	const uint8_t *packet;
	size_t len;
	enum engine_action action;
	int next_node;		 /* FORWARDED: the next node */
	enum engine_drop reason; /* DROPPED */
	int answer_proto;  /* PKT_PROTO_ICMP or _TCP for a reply, else 0 */
	uint8_t icmp_type; /* the ICMP answer's type and code */
	uint8_t icmp_code;
	uint8_t tcp_flags; /* the TCP answer's flags */
};

struct engine_ops {
	/*
	 * Takes a packet that leaves the topology on TUN @tun at @due_us.
	 * The bytes are valid only during the call.  Returns 0, or -ENOBUFS
	 * when the caller's queue is full (the engine counts the drop).
	 */
	int (*output)(void *ctx, int tun, uint64_t due_us,
		      const uint8_t *packet, size_t len);
	/* Receives one trace event per packet per hop; may be NULL. */
	void (*trace)(void *ctx, const struct engine_event *event);
	/* Learns of each timeline event as it is applied; may be NULL. */
	void (*timeline)(void *ctx, const struct topo_event *event,
			 uint64_t now_us);
	/*
	 * Looks up the first hop the kernel at the end of TUN @tun uses for
	 * @dst (4 bytes, or 16 with @v6, network order): fills @gateway
	 * likewise, all zero when the kernel sends straight to @dst.
	 * Returns 0 or a negative errno.  May be NULL, as in a replay: the
	 * engine then assumes that the kernel takes each redirect it sends.
	 */
	int (*kernel_gateway)(void *ctx, int tun, bool v6, const uint8_t *dst,
			      uint8_t gateway[16]);
};

struct engine;

/*
 * Returns an engine over @topo, which must outlive it, or NULL with
 * errno set.  @ops and @ctx are kept for the engine's lifetime.  @seed
 * seeds every random choice (loss, jitter, corruption...).  The engine
 * changes @topo as the timeline runs.
 */
struct engine *engine_create(struct topology *topo,
			     const struct engine_ops *ops, void *ctx,
			     uint64_t seed);

/*
 * Sets the time the timeline counts from.  Without a call, the first
 * engine_input() or engine_poll() sets it.
 */
void engine_start(struct engine *engine, uint64_t now_us);

/*
 * Runs what is due by @now_us: timeline events, and reassembly timeouts
 * with their ICMP time exceeded.  engine_input() calls it too.
 */
void engine_poll(struct engine *engine, uint64_t now_us);

/* Returns when engine_poll() next has work, or UINT64_MAX. */
uint64_t engine_next_timer(const struct engine *engine);

void engine_destroy(struct engine *engine);

/*
 * Carries the @len bytes at @packet, read from TUN @tun at @now_us,
 * through the topology.  Everything that results goes to ops->output
 * before this returns.  The engine may modify @packet.
 */
void engine_input(struct engine *engine, int tun, uint64_t now_us,
		  uint8_t *packet, size_t len);

/*
 * As engine_input(), for a packet that arrived in a link-layer broadcast
 * or multicast frame (from a capture; TUN devices carry no link layer):
 * it is delivered if addressed to the first router, never forwarded, and
 * never answered with an ICMP error (RFC 1812 4.3.2.7, 5.3.4).
 */
void engine_input_link_group(struct engine *engine, int tun, uint64_t now_us,
			     uint8_t *packet, size_t len);

/*
 * Tells the engine that every packet the kernel wrote into TUN @tun
 * before now has been read, and every packet due by @written_us has been
 * written to it.  What the kernel sends from now on follows the
 * redirects written by then, so the engine queries the kernel again.
 */
void engine_kernel_caught_up(struct engine *engine, int tun,
			     uint64_t written_us);

/* Returns the drop counters, indexed by enum engine_drop. */
const uint64_t *engine_drop_counters(const struct engine *engine);

#endif
