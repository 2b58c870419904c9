/* SPDX-License-Identifier: MIT */
/*
 * IPv4 reassembly of the fragments addressed to a node (RFC 791, RFC
 * 815).  A fixed pool of datagrams is shared by all nodes; each keeps a
 * bitmap of the 8-byte blocks received.  Overlapping fragments discard
 * the whole datagram (RFC 5722, as Linux does for IPv4), and so does a
 * datagram that would exceed 65535 bytes.
 */
#ifndef HOPSIM_REASM_H
#define HOPSIM_REASM_H

#include <stddef.h>
#include <stdint.h>

#include "hopsim/packet.h"

#define REASM_SLOTS	64    /* datagrams being reassembled at once */
#define REASM_MAX_LEN	65535 /* IPv4 total length limit */
#define REASM_QUOTE_MAX 576   /* bytes of the first fragment kept */

enum reasm_result {
	REASM_INCOMPLETE, /* kept; more fragments needed */
	REASM_COMPLETE,	  /* the datagram is whole: see reasm_datagram() */
	REASM_DUPLICATE,  /* the fragment repeats data already held */
	REASM_OVERLAP,	  /* overlapping data: the datagram was discarded */
	REASM_TOO_BIG,	  /* beyond 65535 bytes: the datagram was discarded */
	REASM_INVALID,	  /* a non-final fragment not a multiple of 8 bytes,
			   * or data past the final fragment's end */
	REASM_FULL,	  /* every slot is in use: the fragment was dropped */
};

struct reasm;

/* Returns an empty pool, or NULL with errno set. */
struct reasm *reasm_create(void);

void reasm_destroy(struct reasm *r);

/*
 * Adds fragment @pkt (@ip parsed from it) that arrived at @node at
 * @now_us.  A new datagram expires @timeout_us after its first fragment.
 * On REASM_COMPLETE, *@slot is the datagram's slot for reasm_datagram()
 * and reasm_release().
 */
enum reasm_result reasm_add(struct reasm *r, int node, const uint8_t *pkt,
			    const struct pkt_ipv4 *ip, uint64_t now_us,
			    uint64_t timeout_us, int *slot);

/*
 * Returns the reassembled datagram in @slot, header from the first
 * fragment with MF and offset cleared and a new checksum, and sets
 * *@len.  The buffer stays valid and writable until reasm_release().
 */
uint8_t *reasm_datagram(struct reasm *r, int slot, size_t *len);

/* Frees @slot. */
void reasm_release(struct reasm *r, int slot);

/* Returns the earliest expiry time of a datagram, or UINT64_MAX. */
uint64_t reasm_next_expiry(const struct reasm *r);

/*
 * Frees one datagram that expired by @now_us and returns 1, or returns 0
 * when none has.  Sets *@node and *@expired_us and, if its offset-0
 * fragment arrived, copies up to REASM_QUOTE_MAX bytes of that fragment
 * as received to @first and sets *@first_len; otherwise *@first_len is 0.
 */
int reasm_expire(struct reasm *r, uint64_t now_us, int *node,
		 uint64_t *expired_us, uint8_t *first, size_t *first_len);

#endif
