// SPDX-License-Identifier: MIT
/* Offline replay of a capture file through the engine, with libpcap. */
#include <errno.h>
#include <stdbool.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <string.h>

#include "hopsim/io_pcap.h"
#include "hopsim/queue.h"

#define REPLAY_QUEUE_SLOTS 65536
#define REPLAY_SNAPLEN	   65535
#define ETHER_HDR_LEN	   14
#define ETHERTYPE_IPV4	   0x0800
#define ETHERTYPE_IPV6	   0x86dd

struct replay {
	struct queue *queue;
	pcap_dumper_t *dumper;
	struct io_replay_stats *stats;
	void (*trace)(void *ctx, const struct engine_event *event);
	void *trace_ctx;
	uint8_t buf[REPLAY_SNAPLEN]; /* the engine rewrites packets in place */
};

static int replay_output(void *ctx, int tun, uint64_t due_us,
			 const uint8_t *packet, size_t len)
{
	struct replay *r = ctx;

	if (queue_push(r->queue, tun, due_us, packet, len) < 0) {
		r->stats->queue_full++;
		return -ENOBUFS;
	}
	return 0;
}

static void replay_trace(void *ctx, const struct engine_event *event)
{
	struct replay *r = ctx;

	r->trace(r->trace_ctx, event);
}

/* Writes every queued packet due at or before @until_us. */
static void flush_until(struct replay *r, uint64_t until_us)
{
	const uint8_t *packet;
	uint64_t due;
	size_t len;

	while ((packet = queue_peek(r->queue, NULL, &due, &len)) &&
	       due <= until_us) {
		struct pcap_pkthdr hdr = {
			.ts.tv_sec = (time_t)(due / 1000000u),
			.ts.tv_usec = (suseconds_t)(due % 1000000u),
			.caplen = (bpf_u_int32)len,
			.len = (bpf_u_int32)len,
		};

		pcap_dump((u_char *)r->dumper, &hdr, packet);
		r->stats->packets_written++;
		queue_pop(r->queue);
	}
}

/* Finds the IPv4 or IPv6 packet in a captured frame; NULL when there is
 * none.  Sets *@group for an Ethernet destination with the group bit set. */
static const uint8_t *frame_ip(int linktype, const uint8_t *frame, size_t *len,
			       bool *group)
{
	*group = false;
	if (linktype == DLT_RAW || linktype == DLT_IPV4 || linktype == DLT_IPV6)
		return frame;
	if (linktype == DLT_EN10MB && *len >= ETHER_HDR_LEN &&
	    ((frame[12] << 8 | frame[13]) == ETHERTYPE_IPV4 ||
	     (frame[12] << 8 | frame[13]) == ETHERTYPE_IPV6)) {
		*group = frame[0] & 1;
		*len -= ETHER_HDR_LEN;
		return frame + ETHER_HDR_LEN;
	}
	return NULL;
}

static int run_replay(struct replay *r, struct topology *topo, int tun,
		      uint64_t seed, pcap_t *in, struct io_error *err)
{
	struct engine_ops ops = { .output = replay_output };
	int linktype = pcap_datalink(in);
	struct pcap_pkthdr *hdr;
	const u_char *frame;
	struct engine *engine;
	int ret;

	if (r->trace)
		ops.trace = replay_trace;
	engine = engine_create(topo, &ops, r, seed);
	if (!engine) {
		snprintf(err->message, sizeof(err->message),
			 "replay: engine_create failed: %s", strerror(errno));
		return -ENOMEM;
	}

	while ((ret = pcap_next_ex(in, &hdr, &frame)) == 1) {
		uint64_t t = (uint64_t)hdr->ts.tv_sec * 1000000u +
			     (uint64_t)hdr->ts.tv_usec;
		size_t len = hdr->caplen;
		bool group;
		const uint8_t *ip = frame_ip(linktype, frame, &len, &group);

		r->stats->packets_read++;
		flush_until(r, t);
		if (!ip || len > sizeof(r->buf)) {
			r->stats->packets_skipped++;
			continue;
		}
		memcpy(r->buf, ip, len);
		if (group)
			engine_input_link_group(engine, tun, t, r->buf, len);
		else
			engine_input(engine, tun, t, r->buf, len);
	}
	/* Whatever the capture leaves pending (reassembly timeouts, say)
	 * runs to its end. */
	engine_poll(engine, UINT64_MAX);
	flush_until(r, UINT64_MAX);
	engine_destroy(engine);

	if (ret == PCAP_ERROR) {
		snprintf(err->message, sizeof(err->message),
			 "replay: reading the capture failed: %s",
			 pcap_geterr(in));
		return -EIO;
	}
	return 0;
}

int io_pcap_replay(struct topology *topo, int tun, uint64_t seed,
		   const char *in_path, const char *out_path,
		   void (*trace)(void *ctx, const struct engine_event *event),
		   void *trace_ctx, struct io_replay_stats *stats,
		   struct io_error *err)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	struct replay r = {
		.stats = stats,
		.trace = trace,
		.trace_ctx = trace_ctx,
	};
	pcap_t *in, *dead = NULL;
	int ret = -EIO;

	memset(stats, 0, sizeof(*stats));
	in = pcap_open_offline_with_tstamp_precision(
	    in_path, PCAP_TSTAMP_PRECISION_MICRO, errbuf);
	if (!in) {
		snprintf(err->message, sizeof(err->message), "%s: %s", in_path,
			 errbuf);
		return -ENOENT;
	}
	dead = pcap_open_dead(DLT_RAW, REPLAY_SNAPLEN);
	if (dead)
		r.dumper = pcap_dump_open(dead, out_path);
	if (!r.dumper) {
		snprintf(err->message, sizeof(err->message),
			 "%s: unable to create the capture file: %s", out_path,
			 dead ? pcap_geterr(dead) : "pcap_open_dead failed");
		goto out;
	}
	r.queue = queue_create(REPLAY_QUEUE_SLOTS, REPLAY_SNAPLEN);
	if (!r.queue) {
		snprintf(err->message, sizeof(err->message),
			 "replay: queue_create failed: %s", strerror(errno));
		ret = -ENOMEM;
		goto out;
	}

	ret = run_replay(&r, topo, tun, seed, in, err);
out:
	queue_destroy(r.queue);
	if (r.dumper)
		pcap_dump_close(r.dumper);
	if (dead)
		pcap_close(dead);
	pcap_close(in);
	return ret;
}
