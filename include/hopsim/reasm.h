/* SPDX-License-Identifier: MIT */
/*
 * Reassembly of the fragments addressed to a node, IPv4 (RFC 791, RFC
 * 815) and IPv6 (RFC 8200 4.5).  A fixed pool of datagrams is shared by
 * all nodes; each keeps a bitmap of the 8-byte blocks received.
 * Overlapping fragments discard the whole datagram (RFC 5722, as Linux
 * does for IPv4 too), and so does a datagram that would exceed 65535
 * bytes.
 */
#ifndef HOPSIM_REASM_H
#define HOPSIM_REASM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hopsim/packet.h"

#define REASM_SLOTS	64    /* datagrams being reassembled at once */
#define REASM_MAX_LEN	65535 /* IPv4 total length, IPv6 payload length */
#define REASM_HDR_ROOM	256   /* largest header kept from a first fragment */
#define REASM_QUOTE_MAX 1280  /* bytes of the first fragment kept */

enum reasm_result {
	REASM_INCOMPLETE, /* kept; more fragments needed */
	REASM_COMPLETE,	  /* the datagram is whole: see reasm_datagram() */
	REASM_DUPLICATE,  /* the fragment repeats data already held */
	REASM_OVERLAP,	  /* overlapping data: the datagram was discarded */
	REASM_TOO_BIG,	  /* beyond 65535 bytes: the datagram was discarded */
	REASM_INVALID,	  /* a non-final fragment not a multiple of 8 bytes,
			   * data past the final fragment's end, or a first
			   * fragment's header past REASM_HDR_ROOM */
	REASM_FULL,	  /* every slot is in use: the fragment was dropped */
};

/* One fragment, for either family. */
struct reasm_fragment {
	int node; /* the node reassembling */
	bool v6;
	uint8_t src[16]; /* IPv4 uses the first 4 bytes */
	uint8_t dst[16];
	uint32_t id;
	uint8_t proto; /* IPv4 protocol; 0 for IPv6 */
	size_t offset; /* bytes into the fragmentable part */
	bool more;     /* the MF or M flag */
	const uint8_t *data;
	size_t data_len;
	/* Offset 0 only: the header that goes before the data in the
	 * reassembled datagram (IPv4 header; IPv6 header and extension
	 * headers before the Fragment header, whose last next-header field
	 * already names the upper layer). */
	const uint8_t *header;
	size_t header_len;
	const uint8_t *packet; /* the fragment as received, for quoting */
	size_t packet_len;
};

struct reasm;

/* Returns an empty pool, or NULL with errno set. */
struct reasm *reasm_create(void);

void reasm_destroy(struct reasm *r);

/*
 * Adds @frag, which arrived at @now_us.  A new datagram expires
 * @timeout_us after its first fragment.  On REASM_COMPLETE, *@slot is the
 * datagram's slot for reasm_datagram() and reasm_release().
 */
enum reasm_result reasm_add(struct reasm *r, const struct reasm_fragment *frag,
			    uint64_t now_us, uint64_t timeout_us, int *slot);

/* As reasm_add() for the IPv4 fragment @pkt (@ip parsed from it) that
 * arrived at @node. */
enum reasm_result reasm_add4(struct reasm *r, int node, const uint8_t *pkt,
			     const struct pkt_ipv4 *ip, uint64_t now_us,
			     uint64_t timeout_us, int *slot);

/*
 * Returns the reassembled datagram in @slot and sets *@len.  IPv4: the
 * first fragment's header with MF and offset cleared, the total length
 * set and a new checksum.  IPv6: the payload length set.  The buffer
 * stays valid and writable until reasm_release().
 */
uint8_t *reasm_datagram(struct reasm *r, int slot, size_t *len);

/* Frees @slot. */
void reasm_release(struct reasm *r, int slot);

/* Returns the earliest expiry time of a datagram, or UINT64_MAX. */
uint64_t reasm_next_expiry(const struct reasm *r);

/*
 * Frees one datagram that expired by @now_us and returns 1, or returns 0
 * when none has.  Sets *@node, *@v6 and *@expired_us and, if its offset-0
 * fragment arrived, copies up to REASM_QUOTE_MAX bytes of that fragment
 * as received to @first and sets *@first_len; otherwise *@first_len is 0.
 */
int reasm_expire(struct reasm *r, uint64_t now_us, int *node, bool *v6,
		 uint64_t *expired_us, uint8_t *first, size_t *first_len);

#endif
