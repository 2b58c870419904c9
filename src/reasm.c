// SPDX-License-Identifier: MIT
/* IPv4 and IPv6 fragment reassembly with a block bitmap per datagram. */
#include <stdlib.h>
#include <string.h>

#include "hopsim/checksum.h"
#include "hopsim/reasm.h"

#define BLOCKS (REASM_MAX_LEN / 8 + 1)

struct datagram {
	bool used;
	int node;
	bool v6;
	uint8_t src[16], dst[16];
	uint32_t id;
	uint8_t proto;
	uint64_t expires_us;
	size_t payload_len; /* known once the final fragment arrived; else 0 */
	size_t hdr_len;	    /* of the first fragment; 0 until it arrived */
	size_t first_len;   /* bytes of the first fragment kept */
	uint8_t first[REASM_QUOTE_MAX];
	uint8_t blocks[BLOCKS / 8 + 1]; /* bit per 8-byte block received */
	uint8_t data[REASM_HDR_ROOM + REASM_MAX_LEN];
};

struct reasm {
	int n_used; /* slots in use, so an idle pool needs no scan */
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

static void discard(struct reasm *r, struct datagram *d)
{
	d->used = false;
	r->n_used--;
}

static bool block_set(const struct datagram *d, size_t b)
{
	return d->blocks[b / 8] >> (b % 8) & 1;
}

static void block_mark(struct datagram *d, size_t b)
{
	d->blocks[b / 8] |= (uint8_t)(1u << (b % 8));
}

static bool same_datagram(const struct datagram *d,
			  const struct reasm_fragment *f)
{
	return d->node == f->node && d->v6 == f->v6 && d->id == f->id &&
	       d->proto == f->proto && memcmp(d->src, f->src, 16) == 0 &&
	       memcmp(d->dst, f->dst, 16) == 0;
}

/* Returns the slot of @f's datagram, claiming a free one (and setting
 * *@created) for a new datagram, or -1 when the pool is full. */
static int find_slot(struct reasm *r, const struct reasm_fragment *f,
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
		if (same_datagram(d, f))
			return i;
	}
	*created = free_slot >= 0;
	if (free_slot >= 0) {
		struct datagram *d = &r->slots[free_slot];

		r->n_used++;
		d->used = true;
		d->node = f->node;
		d->v6 = f->v6;
		memcpy(d->src, f->src, 16);
		memcpy(d->dst, f->dst, 16);
		d->id = f->id;
		d->proto = f->proto;
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
	return memcmp(d->data + REASM_HDR_ROOM + off, data, end - off) == 0;
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

/* The bytes the 65535 limit counts besides the fragmentable part: the
 * whole IPv4 header, or the IPv6 extension headers (not the fixed 40). */
static size_t counted_header(const struct datagram *d,
			     const struct reasm_fragment *f)
{
	size_t hdr = d->hdr_len ? d->hdr_len : f->header_len;

	if (!hdr)
		hdr = f->v6 ? 40 : PKT_IPV4_MIN_HDR;
	return f->v6 ? hdr - 40 : hdr;
}

enum reasm_result reasm_add(struct reasm *r, const struct reasm_fragment *f,
			    uint64_t now_us, uint64_t timeout_us, int *slot)
{
	size_t off = f->offset, len = f->data_len, end = off + len;
	struct datagram *d;
	bool created = false;
	int found;
	size_t b;

	found = find_slot(r, f, &created);
	if (found < 0)
		return REASM_FULL;
	d = &r->slots[found];
	if (created)
		d->expires_us = now_us + timeout_us;

	if (end + counted_header(d, f) > REASM_MAX_LEN) {
		discard(r, d);
		return REASM_TOO_BIG;
	}
	if ((f->more && len % 8) || (d->payload_len && end > d->payload_len) ||
	    (!f->more && d->payload_len && end != d->payload_len) ||
	    (off == 0 && f->header_len > REASM_HDR_ROOM)) {
		if (created)
			discard(r, d);
		return REASM_INVALID;
	}
	if (any_received(d, off, end)) {
		if (is_duplicate(d, off, end, f->data))
			return REASM_DUPLICATE;
		discard(r, d);
		return REASM_OVERLAP;
	}

	memcpy(d->data + REASM_HDR_ROOM + off, f->data, len);
	for (b = off / 8; b < (end + 7) / 8; b++)
		block_mark(d, b);
	if (!f->more)
		d->payload_len = end;
	if (off == 0) {
		d->hdr_len = f->header_len;
		memcpy(d->data + REASM_HDR_ROOM - f->header_len, f->header,
		       f->header_len);
		d->first_len = f->packet_len < REASM_QUOTE_MAX
				   ? f->packet_len
				   : REASM_QUOTE_MAX;
		memcpy(d->first, f->packet, d->first_len);
	}
	if (!is_complete(d))
		return REASM_INCOMPLETE;
	*slot = found;
	return REASM_COMPLETE;
}

enum reasm_result reasm_add4(struct reasm *r, int node, const uint8_t *pkt,
			     const struct pkt_ipv4 *ip, uint64_t now_us,
			     uint64_t timeout_us, int *slot)
{
	struct reasm_fragment f = {
		.node = node,
		.id = ip->id,
		.proto = ip->proto,
		.offset = (size_t)(ip->frag & PKT_IP_OFFSET) * 8,
		.more = ip->frag & PKT_IP_MF,
		.data = pkt + ip->hdr_len,
		.data_len = (size_t)(ip->total_len - ip->hdr_len),
		.header = pkt,
		.header_len = ip->hdr_len,
		.packet = pkt,
		.packet_len = ip->total_len,
	};

	pkt_put32(f.src, ip->src);
	pkt_put32(f.dst, ip->dst);
	return reasm_add(r, &f, now_us, timeout_us, slot);
}

uint8_t *reasm_datagram(struct reasm *r, int slot, size_t *len)
{
	struct datagram *d = &r->slots[slot];
	uint8_t *hdr = d->data + REASM_HDR_ROOM - d->hdr_len;
	size_t total = d->hdr_len + d->payload_len;

	*len = total;
	if (d->v6) {
		pkt_put16(hdr + 4, (uint16_t)(total - 40));
		return hdr;
	}
	pkt_put16(hdr + 2, (uint16_t)total);
	pkt_put16(hdr + 6, (uint16_t)(pkt_get16(hdr + 6) &
				      ~(PKT_IP_MF | PKT_IP_OFFSET)));
	pkt_put16(hdr + 10, 0);
	pkt_put16(hdr + 10, csum_compute(hdr, d->hdr_len));
	return hdr;
}

void reasm_release(struct reasm *r, int slot)
{
	discard(r, &r->slots[slot]);
}

uint64_t reasm_next_expiry(const struct reasm *r)
{
	uint64_t next = UINT64_MAX;
	int i;

	if (r->n_used == 0)
		return next;
	for (i = 0; i < REASM_SLOTS; i++) {
		if (r->slots[i].used && r->slots[i].expires_us < next)
			next = r->slots[i].expires_us;
	}
	return next;
}

int reasm_expire(struct reasm *r, uint64_t now_us, int *node, bool *v6,
		 uint64_t *expired_us, uint8_t *first, size_t *first_len)
{
	int i;

	for (i = 0; i < REASM_SLOTS; i++) {
		struct datagram *d = &r->slots[i];

		if (!d->used || d->expires_us > now_us)
			continue;
		*node = d->node;
		*v6 = d->v6;
		*expired_us = d->expires_us;
		*first_len = d->hdr_len ? d->first_len : 0;
		memcpy(first, d->first, *first_len);
		discard(r, d);
		return 1;
	}
	return 0;
}
