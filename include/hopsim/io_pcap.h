/* SPDX-License-Identifier: MIT */
/*
 * Offline mode: carries the packets of a capture file through the engine
 * as if they had arrived on a TUN device at their capture times, and
 * writes what leaves the topology to another capture file, stamped with
 * the times it would have left.  Runs with no TUN device and no root.
 */
#ifndef HOPSIM_IO_PCAP_H
#define HOPSIM_IO_PCAP_H

#include <stdint.h>

#include "hopsim/engine.h"
#include "hopsim/io.h"
#include "hopsim/topology.h"

struct io_replay_stats {
	uint64_t packets_read;
	uint64_t packets_written;
	uint64_t packets_skipped; /* not IPv4, or a link type not supported */
	uint64_t queue_full;
};

/*
 * Replays @in_path (link type raw IP or Ethernet) into TUN @tun of
 * @topo, with random choices seeded by @seed, and writes the output to
 * @out_path (link type raw IP).  Timeline times count from the first
 * packet.  @trace,
 * when not NULL, receives the engine's per-hop events with @trace_ctx.
 * Returns 0, or a negative errno with @err filled.
 */
int io_pcap_replay(struct topology *topo, int tun, uint64_t seed,
		   const char *in_path, const char *out_path,
		   void (*trace)(void *ctx, const struct engine_event *event),
		   void *trace_ctx, struct io_replay_stats *stats,
		   struct io_error *err);

#endif
