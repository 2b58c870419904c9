// SPDX-License-Identifier: MIT
/* IPv4 fragment reassembly with a block bitmap per datagram. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "hopsim/checksum.h"
#include "hopsim/reasm.h"

#define BLOCKS (REASM_MAX_LEN / 8 + 1)

struct datagram {
	bool used;
	int node;
	uint32_t src, dst;
	uint16_t id;
	uint8_t proto;
	uint64_t expires_us;
	size_t payload_len; /* known once the final fragment arrived; else 0 */
	size_t hdr_len;	    /* of the first fragment; 0 until it arrived */
	size_t first_len;   /* bytes of the first fragment kept */
	uint8_t first[REASM_QUOTE_MAX];
	uint8_t blocks[BLOCKS / 8 + 1]; /* bit per 8-byte block received */
	uint8_t data[PKT_IPV4_MAX_HDR + REASM_MAX_LEN];
};

struct reasm {
	struct datagram slots[REASM_SLOTS];
};

struct reasm *reasm_create(void)
{
	return calloc(1, sizeof(struct reasm));
}

void reasm_destroy(struct reasm *r)
{
	free(r);
}

static bool block_set(const struct datagram *d, size_t b)
{
	return d->blocks[b / 8] >> (b % 8) & 1;
}

static void block_mark(struct datagram *d, size_t b)
{
	d->blocks[b / 8] |= (uint8_t)(1u << (b % 8));
}

/* Returns the slot of @ip's datagram at @node, claiming a free one (and
 * setting *@created) for a new datagram, or -1 when the pool is full. */
static int find_slot(struct reasm *r, int node, const struct pkt_ipv4 *ip,
		     bool *created)
{
	int i, free_slot = -1;

	for (i = 0; i < REASM_SLOTS; i++) {
		const struct datagram *d = &r->slots[i];

		if (!d->used) {
			if (free_slot < 0)
				free_slot = i;
			continue;
		}
		if (d->node == node && d->src == ip->src && d->dst == ip->dst &&
		    d->id == ip->id && d->proto == ip->proto)
			return i;
	}
	*created = free_slot >= 0;
	if (free_slot >= 0) {
		struct datagram *d = &r->slots[free_slot];

		d->used = true;
		d->node = node;
		d->src = ip->src;
		d->dst = ip->dst;
		d->id = ip->id;
		d->proto = ip->proto;
		d->payload_len = d->hdr_len = d->first_len = 0;
		d->expires_us = 0;
		memset(d->blocks, 0, sizeof(d->blocks));
	}
	return free_slot;
}

/* Returns true when every block of [@off, @end) is received and holds
 * the same bytes as @data. */
static bool is_duplicate(const struct datagram *d, size_t off, size_t end,
			 const uint8_t *data)
{
	size_t b;

	for (b = off / 8; b < (end + 7) / 8; b++) {
		if (!block_set(d, b))
			return false;
	}
	return memcmp(d->data + PKT_IPV4_MAX_HDR + off, data, end - off) == 0;
}

static bool any_received(const struct datagram *d, size_t off, size_t end)
{
	size_t b;

	for (b = off / 8; b < (end + 7) / 8; b++) {
		if (block_set(d, b))
			return true;
	}
	return false;
}

static bool is_complete(const struct datagram *d)
{
	size_t b;

	if (!d->payload_len || !d->hdr_len)
		return false;
	for (b = 0; b < (d->payload_len + 7) / 8; b++) {
		if (!block_set(d, b))
			return false;
	}
	return true;
}

enum reasm_result reasm_add(struct reasm *r, int node, const uint8_t *pkt,
			    const struct pkt_ipv4 *ip, uint64_t now_us,
			    uint64_t timeout_us, int *slot)
{
	size_t off = (size_t)(ip->frag & PKT_IP_OFFSET) * 8;
	size_t len = ip->total_len - ip->hdr_len;
	size_t end = off + len;
	bool last = !(ip->frag & PKT_IP_MF);
	const uint8_t *data = pkt + ip->hdr_len;
	struct datagram *d;
	bool created = false;
	int found;
	size_t b;

	found = find_slot(r, node, ip, &created);
	if (found < 0)
		return REASM_FULL;
	d = &r->slots[found];
	if (created)
		d->expires_us = now_us + timeout_us;

	/* The 65535-byte limit counts the first fragment's header. */
	if (end + (d->hdr_len ? d->hdr_len : ip->hdr_len) > REASM_MAX_LEN) {
		d->used = false;
		return REASM_TOO_BIG;
	}
	if ((!last && len % 8) || (d->payload_len && end > d->payload_len) ||
	    (last && d->payload_len && end != d->payload_len)) {
		if (created)
			d->used = false;
		return REASM_INVALID;
	}
	if (any_received(d, off, end)) {
		if (is_duplicate(d, off, end, data))
			return REASM_DUPLICATE;
		d->used = false;
		return REASM_OVERLAP;
	}

	memcpy(d->data + PKT_IPV4_MAX_HDR + off, data, len);
	for (b = off / 8; b < (end + 7) / 8; b++)
		block_mark(d, b);
	if (last)
		d->payload_len = end;
	if (off == 0) {
		d->hdr_len = ip->hdr_len;
		memcpy(d->data + PKT_IPV4_MAX_HDR - ip->hdr_len, pkt,
		       ip->hdr_len);
		d->first_len = ip->total_len < REASM_QUOTE_MAX
				   ? ip->total_len
				   : REASM_QUOTE_MAX;
		memcpy(d->first, pkt, d->first_len);
	}
	if (!is_complete(d))
		return REASM_INCOMPLETE;
	*slot = found;
	return REASM_COMPLETE;
}

uint8_t *reasm_datagram(struct reasm *r, int slot, size_t *len)
{
	struct datagram *d = &r->slots[slot];
	uint8_t *hdr = d->data + PKT_IPV4_MAX_HDR - d->hdr_len;
	size_t total = d->hdr_len + d->payload_len;

	pkt_put16(hdr + 2, (uint16_t)total);
	pkt_put16(hdr + 6, (uint16_t)(pkt_get16(hdr + 6) &
				      ~(PKT_IP_MF | PKT_IP_OFFSET)));
	pkt_put16(hdr + 10, 0);
	pkt_put16(hdr + 10, csum_compute(hdr, d->hdr_len));
	*len = total;
	return hdr;
}

void reasm_release(struct reasm *r, int slot)
{
	r->slots[slot].used = false;
}

uint64_t reasm_next_expiry(const struct reasm *r)
{
	uint64_t next = UINT64_MAX;
	int i;

	for (i = 0; i < REASM_SLOTS; i++) {
		if (r->slots[i].used && r->slots[i].expires_us < next)
			next = r->slots[i].expires_us;
	}
	return next;
}

int reasm_expire(struct reasm *r, uint64_t now_us, int *node,
		 uint64_t *expired_us, uint8_t *first, size_t *first_len)
{
	int i;

	for (i = 0; i < REASM_SLOTS; i++) {
		struct datagram *d = &r->slots[i];

		if (!d->used || d->expires_us > now_us)
			continue;
		*node = d->node;
		*expired_us = d->expires_us;
		*first_len = d->hdr_len ? d->first_len : 0;
		memcpy(first, d->first, *first_len);
		d->used = false;
		return 1;
	}
	return 0;
}
