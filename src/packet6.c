// SPDX-License-Identifier: MIT
/* IPv6 parsing, the extension header walk and hopsim's IPv6 builders. */
#include <string.h>

#include "hopsim/checksum.h"
#include "hopsim/packet.h"
#include "hopsim/packet6.h"

#define OPT_PAD1	     0
#define OPT_PADN	     1
#define OPT_ACTION_SKIP	     0
#define OPT_ACTION_DISCARD   1
#define OPT_ACTION_ERROR     2
#define OPT_ACTION_ERROR_UNI 3
#define ND_OPT_REDIRECTED    4
#define REDIRECT_HDR	     40 /* ICMPv6 header, target and destination */
#define REDIRECT_HOP_LIMIT   255
#define IPV6_MAX_PAYLOAD     65535
#define TCP_OPT_MSS	     2
#define TCP_WINDOW	     64240

enum pkt6_status pkt6_parse(const uint8_t *buf, size_t len, struct pkt_ipv6 *ip)
{
	if (len < PKT_IPV6_HDR)
		return PKT6_BAD_LENGTH;
	if (buf[0] >> 4 != 6)
		return PKT6_BAD_VERSION;

	ip->payload_len = pkt_get16(buf + 4);
	if ((size_t)ip->payload_len > len - PKT_IPV6_HDR)
		return PKT6_BAD_PAYLOAD_LEN;

	ip->traffic_class = (uint8_t)(pkt_get16(buf) >> 4);
	ip->flow_label = pkt_get32(buf) & 0xfffff;
	ip->next_header = buf[6];
	ip->hop_limit = buf[7];
	memcpy(ip->src.b, buf + 8, 16);
	memcpy(ip->dst.b, buf + 24, 16);
	return PKT6_VALID;
}

const char *pkt6_status_name(enum pkt6_status status)
{
	switch (status) {
	case PKT6_VALID:
		return "valid";
	case PKT6_BAD_LENGTH:
		return "bad-length";
	case PKT6_BAD_VERSION:
		return "bad-version";
	case PKT6_BAD_PAYLOAD_LEN:
		return "bad-payload-length";
	}
	return "unknown";
}

/* Returns the length of the extension header @nh at @hdr, whose first
 * two bytes are present. */
static size_t ext_hdr_len(uint8_t nh, const uint8_t *hdr)
{
	if (nh == PKT6_NH_FRAGMENT)
		return PKT_IPV6_FRAG_HDR;
	if (nh == PKT6_NH_AUTH)
		return ((size_t)hdr[1] + 2) * 4; /* RFC 4302 2.2 */
	return ((size_t)hdr[1] + 1) * 8;
}

static bool is_ext_hdr(uint8_t nh)
{
	switch (nh) {
	case PKT6_NH_HOP_BY_HOP:
	case PKT6_NH_ROUTING:
	case PKT6_NH_FRAGMENT:
	case PKT6_NH_AUTH:
	case PKT6_NH_DEST_OPTS:
		return true;
	default:
		return false;
	}
}

/* End point of a skip over the extension headers. */
struct skip_result {
	size_t off;	     /* offset of the first other header */
	uint8_t nh;	     /* its type */
	bool fragmented;     /* a non-atomic Fragment header was seen */
	bool later_fragment; /* it has a nonzero offset: off is its data */
};

/*
 * Skips the extension headers from @off, whose type is @nh, up to @end
 * without processing them, as Linux's ipv6_skip_exthdr() does.  A
 * fragment with a nonzero offset stops the skip after its header.
 * Returns false if a header runs past @end.
 */
static bool skip_ext_headers(const uint8_t *pkt, size_t off, size_t end,
			     uint8_t nh, struct skip_result *res)
{
	memset(res, 0, sizeof(*res));
	while (is_ext_hdr(nh)) {
		size_t hdr_len;

		if (off + 2 > end)
			return false;
		hdr_len = ext_hdr_len(nh, pkt + off);
		if (off + hdr_len > end)
			return false;
		if (nh == PKT6_NH_FRAGMENT) {
			uint16_t field = pkt_get16(pkt + off + 2);

			if (field & (PKT6_FRAG_OFFSET | PKT6_FRAG_MORE))
				res->fragmented = true;
			if (field & PKT6_FRAG_OFFSET) {
				res->later_fragment = true;
				res->off = off + hdr_len;
				res->nh = pkt[off];
				return true;
			}
		}
		nh = pkt[off];
		off += hdr_len;
	}
	res->off = off;
	res->nh = nh;
	return true;
}

static void set_param_problem(struct pkt6_chain *chain, uint8_t code,
			      size_t pointer)
{
	chain->pp_code = code;
	chain->pp_pointer = (uint32_t)pointer;
}

/*
 * Processes the options of the Hop-by-Hop or Destination Options header
 * of @hdr_len bytes at @off by their action bits (RFC 8200 4.2).
 */
static enum pkt6_walk_status walk_options(const uint8_t *pkt, size_t off,
					  size_t hdr_len, bool multicast,
					  struct pkt6_chain *chain)
{
	size_t end = off + hdr_len;
	size_t i = off + 2;

	while (i < end) {
		uint8_t type = pkt[i];
		unsigned int action = type >> 6;
		size_t opt_len;

		if (type == OPT_PAD1) {
			i++;
			continue;
		}
		if (i + 2 > end)
			return PKT6_WALK_BAD_OPTION_LEN;
		opt_len = 2 + (size_t)pkt[i + 1];
		if (i + opt_len > end)
			return PKT6_WALK_BAD_OPTION_LEN;
		i += opt_len;
		if (type == OPT_PADN || action == OPT_ACTION_SKIP)
			continue;

		if (action == OPT_ACTION_DISCARD ||
		    (action == OPT_ACTION_ERROR_UNI && multicast))
			return PKT6_WALK_OPTION_DISCARD;
		set_param_problem(chain, PKT_ICMP6_PP_OPTION, i - opt_len);
		return PKT6_WALK_UNKNOWN_OPTION;
	}
	return PKT6_WALK_UPPER;
}

/* Bytes of the upper-layer header @nh that a first fragment must hold,
 * as Linux's ipv6frag_thdr_truncated() counts them. */
static size_t upper_hdr_min(uint8_t nh)
{
	switch (nh) {
	case PKT6_NH_TCP:
		return PKT_TCP_MIN_HDR;
	case PKT6_NH_UDP:
		return PKT_UDP_HDR;
	case PKT6_NH_ICMPV6:
		return PKT_ICMP6_HDR;
	case PKT6_NH_NONE:
		return 0;
	default:
		return 1;
	}
}

/*
 * Checks the fragment whose Fragment header is at @off, in a packet that
 * ends at @end, by RFC 7112 5 and RFC 8200 4.5, in the order Linux runs
 * them.  The headers after the Fragment header are left for the walk of
 * the reassembled packet.
 */
static enum pkt6_walk_status walk_fragment(const uint8_t *pkt, size_t off,
					   size_t end, struct pkt6_chain *chain)
{
	size_t data_off = off + PKT_IPV6_FRAG_HDR;
	size_t data_len = end - data_off;
	struct skip_result skip;

	chain->proto = pkt[off];
	chain->l4_off = (uint16_t)data_off;

	if (chain->frag_offset == 0) {
		bool whole =
		    skip_ext_headers(pkt, data_off, end, pkt[off], &skip);

		if (!whole || (!skip.later_fragment &&
			       skip.off + upper_hdr_min(skip.nh) > end)) {
			set_param_problem(chain, PKT_ICMP6_PP_INCOMPLETE_HDR,
					  0);
			return PKT6_WALK_INCOMPLETE;
		}
	}
	if (chain->frag_offset + data_len > IPV6_MAX_PAYLOAD) {
		/* The pointer names the Fragment Offset field. */
		set_param_problem(chain, PKT_ICMP6_PP_HEADER, off + 2);
		return PKT6_WALK_FRAG_TOO_BIG;
	}
	if (chain->frag_more && data_len % 8 != 0) {
		/* The pointer names the Payload Length field. */
		set_param_problem(chain, PKT_ICMP6_PP_HEADER, 4);
		return PKT6_WALK_BAD_FRAG_LEN;
	}
	return PKT6_WALK_FRAGMENT;
}

/* Stores the Fragment header at @off in @chain. */
static void read_fragment(const uint8_t *pkt, size_t off,
			  struct pkt6_chain *chain)
{
	uint16_t field = pkt_get16(pkt + off + 2);

	chain->has_frag = true;
	chain->frag_hdr_off = (uint16_t)off;
	chain->frag_offset = field & PKT6_FRAG_OFFSET;
	chain->frag_more = (field & PKT6_FRAG_MORE) != 0;
	chain->frag_id = pkt_get32(pkt + off + 4);
}

static enum pkt6_walk_status walk_stop(struct pkt6_chain *chain, uint8_t nh,
				       size_t off, enum pkt6_walk_status status)
{
	chain->proto = nh;
	chain->l4_off = (uint16_t)off;
	return status;
}

enum pkt6_walk_status pkt6_walk(const uint8_t *pkt, const struct pkt_ipv6 *ip,
				unsigned int flags, struct pkt6_chain *chain)
{
	size_t end = PKT_IPV6_HDR + (size_t)ip->payload_len;
	bool multicast = pkt6_addr_is_multicast(&ip->dst);
	size_t off = PKT_IPV6_HDR;
	size_t nh_pos = 6; /* offset of the byte holding nh */
	uint8_t nh = ip->next_header;

	memset(chain, 0, sizeof(*chain));
	for (;;) {
		enum pkt6_walk_status status;
		size_t hdr_len;

		if ((flags & PKT6_WALK_HBH_ONLY) &&
		    (off != PKT_IPV6_HDR || nh != PKT6_NH_HOP_BY_HOP))
			return walk_stop(chain, nh, off, PKT6_WALK_UPPER);

		switch (nh) {
		case PKT6_NH_TCP:
		case PKT6_NH_UDP:
		case PKT6_NH_ICMPV6:
		case PKT6_NH_NONE:
			return walk_stop(chain, nh, off, PKT6_WALK_UPPER);
		case PKT6_NH_HOP_BY_HOP:
		case PKT6_NH_DEST_OPTS:
		case PKT6_NH_ROUTING:
		case PKT6_NH_FRAGMENT:
			break;
		default:
			set_param_problem(chain, PKT_ICMP6_PP_NEXT_HEADER,
					  nh_pos);
			return walk_stop(chain, nh, off,
					 PKT6_WALK_UNKNOWN_NEXT);
		}

		if (nh == PKT6_NH_HOP_BY_HOP && off != PKT_IPV6_HDR) {
			set_param_problem(chain, PKT_ICMP6_PP_NEXT_HEADER,
					  nh_pos);
			return PKT6_WALK_HBH_NOT_FIRST;
		}
		if (off + 2 > end)
			return PKT6_WALK_TRUNCATED;
		hdr_len = ext_hdr_len(nh, pkt + off);
		if (off + hdr_len > end)
			return PKT6_WALK_TRUNCATED;

		switch (nh) {
		case PKT6_NH_HOP_BY_HOP:
		case PKT6_NH_DEST_OPTS:
			status =
			    walk_options(pkt, off, hdr_len, multicast, chain);
			if (status != PKT6_WALK_UPPER)
				return status;
			break;
		case PKT6_NH_ROUTING:
			/* hopsim implements no Routing Type (RFC 8200 4.4). */
			if (pkt[off + 3] != 0) {
				set_param_problem(chain, PKT_ICMP6_PP_HEADER,
						  off + 2);
				return PKT6_WALK_BAD_ROUTING;
			}
			break;
		case PKT6_NH_FRAGMENT:
			read_fragment(pkt, off, chain);
			if (chain->frag_offset != 0 || chain->frag_more)
				return walk_fragment(pkt, off, end, chain);
			break; /* an atomic fragment is a whole packet */
		}
		nh_pos = off;
		nh = pkt[off];
		off += hdr_len;
	}
}

bool pkt6_walk_sends_error(enum pkt6_walk_status status)
{
	switch (status) {
	case PKT6_WALK_UNKNOWN_OPTION:
	case PKT6_WALK_UNKNOWN_NEXT:
	case PKT6_WALK_HBH_NOT_FIRST:
	case PKT6_WALK_BAD_ROUTING:
	case PKT6_WALK_BAD_FRAG_LEN:
	case PKT6_WALK_FRAG_TOO_BIG:
	case PKT6_WALK_INCOMPLETE:
		return true;
	default:
		return false;
	}
}

const char *pkt6_walk_status_name(enum pkt6_walk_status status)
{
	switch (status) {
	case PKT6_WALK_UPPER:
		return "upper-layer";
	case PKT6_WALK_FRAGMENT:
		return "fragment";
	case PKT6_WALK_TRUNCATED:
		return "truncated-header";
	case PKT6_WALK_BAD_OPTION_LEN:
		return "bad-option-length";
	case PKT6_WALK_OPTION_DISCARD:
		return "option-discard";
	case PKT6_WALK_UNKNOWN_OPTION:
		return "unknown-option";
	case PKT6_WALK_UNKNOWN_NEXT:
		return "unknown-next-header";
	case PKT6_WALK_HBH_NOT_FIRST:
		return "hop-by-hop-not-first";
	case PKT6_WALK_BAD_ROUTING:
		return "bad-routing-header";
	case PKT6_WALK_BAD_FRAG_LEN:
		return "bad-fragment-length";
	case PKT6_WALK_FRAG_TOO_BIG:
		return "fragment-too-big";
	case PKT6_WALK_INCOMPLETE:
		return "incomplete-header-chain";
	}
	return "unknown";
}

void pkt6_decrement_hop_limit(uint8_t *hdr)
{
	hdr[7]--;
}

void pkt6_write_header(uint8_t *buf, uint8_t traffic_class,
		       uint16_t payload_len, uint8_t next_header,
		       uint8_t hop_limit, const struct pkt_in6 *src,
		       const struct pkt_in6 *dst)
{
	pkt_put32(buf, (uint32_t)6 << 28 | (uint32_t)traffic_class << 20);
	pkt_put16(buf + 4, payload_len);
	buf[6] = next_header;
	buf[7] = hop_limit;
	memcpy(buf + 8, src->b, 16);
	memcpy(buf + 24, dst->b, 16);
}

uint32_t pkt6_pseudo_sum(const struct pkt_in6 *src, const struct pkt_in6 *dst,
			 uint32_t len, uint8_t next_header)
{
	uint8_t tail[8] = { 0 };
	uint32_t sum;

	pkt_put32(tail, len);
	tail[7] = next_header;
	sum = csum_partial(src->b, 16, 0);
	sum = csum_partial(dst->b, 16, sum);
	return csum_partial(tail, sizeof(tail), sum);
}

bool pkt6_addr_is_multicast(const struct pkt_in6 *addr)
{
	return addr->b[0] == 0xff;
}

bool pkt6_addr_is_link_local(const struct pkt_in6 *addr)
{
	return addr->b[0] == 0xfe && (addr->b[1] & 0xc0) == 0x80;
}

bool pkt6_addr_is_unspecified(const struct pkt_in6 *addr)
{
	static const struct pkt_in6 any;

	return pkt6_addr_equal(addr, &any);
}

bool pkt6_addr_is_loopback(const struct pkt_in6 *addr)
{
	static const struct pkt_in6 loopback = { .b[15] = 1 };

	return pkt6_addr_equal(addr, &loopback);
}

bool pkt6_addr_equal(const struct pkt_in6 *a, const struct pkt_in6 *b)
{
	return memcmp(a->b, b->b, sizeof(a->b)) == 0;
}

bool pkt6_is_icmp_error(uint8_t proto, const uint8_t *l4, size_t l4_len)
{
	if (proto != PKT6_NH_ICMPV6)
		return false;
	return l4_len < 1 || l4[0] < 128;
}

/* Returns the end of the packet @pkt of @len bytes, without padding. */
static size_t packet_end(const uint8_t *pkt, size_t len)
{
	size_t end = PKT_IPV6_HDR + (size_t)pkt_get16(pkt + 4);

	return end < len ? end : len;
}

/* True when @orig carries an ICMPv6 error or Redirect (RFC 4443 2.4 e.1,
 * e.2), looking past its extension headers as Linux's is_ineligible()
 * does. */
static bool carries_icmp_error(const uint8_t *orig, size_t end)
{
	struct skip_result skip;

	if (!skip_ext_headers(orig, PKT_IPV6_HDR, end, orig[6], &skip))
		return false;
	/* A later fragment contains no ICMPv6 header to look at. */
	if (skip.later_fragment)
		return false;
	if (pkt6_is_icmp_error(skip.nh, orig + skip.off, end - skip.off))
		return true;
	return skip.nh == PKT6_NH_ICMPV6 &&
	       orig[skip.off] == PKT_ICMP6_REDIRECT;
}

/* True for the errors RFC 4443 2.4(e.3-e.5) sends about multicast. */
static bool error_exempt_for_multicast(const struct pkt_icmp6_error *err,
				       const uint8_t *orig, size_t end)
{
	if (err->type == PKT_ICMP6_PACKET_TOO_BIG)
		return true;
	return err->type == PKT_ICMP6_PARAM_PROBLEM &&
	       err->code == PKT_ICMP6_PP_OPTION && err->rest < end &&
	       orig[err->rest] >> 6 == OPT_ACTION_ERROR;
}

bool pkt6_icmp_error_allowed(const struct pkt_icmp6_error *err,
			     const uint8_t *orig, size_t orig_len,
			     bool link_multicast)
{
	struct pkt_in6 src, dst;
	size_t end;

	if (orig_len < PKT_IPV6_HDR)
		return false;
	end = packet_end(orig, orig_len);
	memcpy(src.b, orig + 8, 16);
	memcpy(dst.b, orig + 24, 16);

	if (pkt6_addr_is_unspecified(&src) || pkt6_addr_is_multicast(&src))
		return false;
	if (carries_icmp_error(orig, end))
		return false;
	if ((pkt6_addr_is_multicast(&dst) || link_multicast) &&
	    !error_exempt_for_multicast(err, orig, end))
		return false;
	return true;
}

/* Stores the ICMPv6 checksum of the @len-byte message at @icmp. */
static void icmp6_set_checksum(uint8_t *icmp, size_t len,
			       const struct pkt_in6 *src,
			       const struct pkt_in6 *dst)
{
	uint32_t sum = pkt6_pseudo_sum(src, dst, (uint32_t)len, PKT6_NH_ICMPV6);

	pkt_put16(icmp + 2, 0);
	pkt_put16(icmp + 2, csum_fold(csum_partial(icmp, len, sum)));
}

size_t pkt6_icmp_build_error(uint8_t *out, size_t cap,
			     const struct pkt_icmp6_error *err,
			     const uint8_t *orig, size_t orig_len)
{
	size_t room = cap < PKT_ICMP6_ERR_MAX ? cap : PKT_ICMP6_ERR_MAX;
	size_t head = PKT_IPV6_HDR + PKT_ICMP6_HDR;
	struct pkt_in6 dst;
	size_t quote;
	uint8_t *icmp;

	if (orig_len < PKT_IPV6_HDR || room < head + PKT_IPV6_HDR)
		return 0;
	quote = packet_end(orig, orig_len);
	if (quote > room - head)
		quote = room - head;

	/* Read what the header needs before the quote moves, so @out may
	 * be @orig. */
	memcpy(dst.b, orig + 8, 16);
	memmove(out + head, orig, quote);

	icmp = out + PKT_IPV6_HDR;
	icmp[0] = err->type;
	icmp[1] = err->code;
	pkt_put32(icmp + 4, err->rest);
	icmp6_set_checksum(icmp, PKT_ICMP6_HDR + quote, &err->src, &dst);
	pkt6_write_header(out, 0, (uint16_t)(PKT_ICMP6_HDR + quote),
			  PKT6_NH_ICMPV6, err->hop_limit, &err->src, &dst);
	return head + quote;
}

size_t pkt6_icmp_echo_reply(uint8_t *buf, size_t len, const struct pkt_in6 *src,
			    uint8_t hop_limit)
{
	struct skip_result skip;
	struct pkt_in6 reply_src;
	struct pkt_ipv6 ip;
	size_t icmp_len, end;
	uint8_t *icmp;
	uint32_t sum;

	if (pkt6_parse(buf, len, &ip) != PKT6_VALID)
		return 0;
	end = PKT_IPV6_HDR + (size_t)ip.payload_len;
	if (!skip_ext_headers(buf, PKT_IPV6_HDR, end, ip.next_header, &skip) ||
	    skip.fragmented || skip.nh != PKT6_NH_ICMPV6)
		return 0;
	icmp = buf + skip.off;
	icmp_len = end - skip.off;
	if (icmp_len < PKT_ICMP6_HDR || icmp[0] != PKT_ICMP6_ECHO_REQUEST)
		return 0;
	sum = pkt6_pseudo_sum(&ip.src, &ip.dst, (uint32_t)icmp_len,
			      PKT6_NH_ICMPV6);
	if (csum_fold(csum_partial(icmp, icmp_len, sum)) != 0)
		return 0;

	/* The reply carries no extension headers of the request. */
	reply_src = src ? *src : ip.dst;
	memmove(buf + PKT_IPV6_HDR, icmp, icmp_len);
	icmp = buf + PKT_IPV6_HDR;
	icmp[0] = PKT_ICMP6_ECHO_REPLY;
	icmp[1] = 0;
	icmp6_set_checksum(icmp, icmp_len, &reply_src, &ip.src);
	pkt6_write_header(buf, ip.traffic_class, (uint16_t)icmp_len,
			  PKT6_NH_ICMPV6, hop_limit, &reply_src, &ip.src);
	return PKT_IPV6_HDR + icmp_len;
}

size_t pkt6_icmp_build_redirect(uint8_t *out, size_t cap,
				const struct pkt_in6 *src,
				const struct pkt_in6 *target,
				const uint8_t *trigger, size_t trigger_len)
{
	size_t room = cap < PKT_IPV6_MIN_MTU ? cap : PKT_IPV6_MIN_MTU;
	size_t head = PKT_IPV6_HDR + REDIRECT_HDR + 8;
	struct pkt_in6 router, better, reply_dst, trigger_dst;
	uint8_t *icmp, *opt;
	size_t quote;

	if (trigger_len < PKT_IPV6_HDR || room < head + PKT_IPV6_HDR)
		return 0;
	quote = packet_end(trigger, trigger_len);
	if (quote > room - head)
		quote = room - head;
	/* Options are whole multiples of 8 bytes, and Linux cuts the quote
	 * down to one rather than padding it. */
	quote &= ~(size_t)7;

	/* Copy the addresses before the quote moves, so @out may be
	 * @trigger. */
	router = *src;
	better = *target;
	memcpy(reply_dst.b, trigger + 8, 16);
	memcpy(trigger_dst.b, trigger + 24, 16);
	memmove(out + head, trigger, quote);

	icmp = out + PKT_IPV6_HDR;
	icmp[0] = PKT_ICMP6_REDIRECT;
	icmp[1] = 0;
	pkt_put32(icmp + 4, 0);
	memcpy(icmp + 8, better.b, 16);
	memcpy(icmp + 24, trigger_dst.b, 16);
	opt = icmp + REDIRECT_HDR;
	memset(opt, 0, 8);
	opt[0] = ND_OPT_REDIRECTED;
	opt[1] = (uint8_t)((8 + quote) / 8);
	icmp6_set_checksum(icmp, REDIRECT_HDR + 8 + quote, &router, &reply_dst);
	pkt6_write_header(out, 0, (uint16_t)(REDIRECT_HDR + 8 + quote),
			  PKT6_NH_ICMPV6, REDIRECT_HOP_LIMIT, &router,
			  &reply_dst);
	return head + quote;
}

/* Writes the TCP header of an answer, less options and checksum. */
static void tcp_write(uint8_t *tcp, size_t tcp_len, const uint8_t *orig_tcp,
		      uint32_t seq, uint32_t ack, uint8_t flags)
{
	memset(tcp, 0, tcp_len);
	memcpy(tcp, orig_tcp + 2, 2); /* source port = their destination */
	memcpy(tcp + 2, orig_tcp, 2);
	pkt_put32(tcp + 4, seq);
	pkt_put32(tcp + 8, ack);
	tcp[12] = (uint8_t)((tcp_len / 4) << 4);
	tcp[13] = flags;
	pkt_put16(tcp + 14, (flags & PKT_TCP_RST) ? 0 : TCP_WINDOW);
}

/* The answer's sequence, acknowledgement, flags and length. */
struct tcp_answer {
	uint32_t seq;
	uint32_t ack;
	uint8_t flags;
	size_t len;
};

/*
 * Chooses the answer to the segment @tcp of @seg_len bytes, as
 * pkt6_tcp_build_answer() describes.  Returns false when none is due.
 */
static bool tcp_choose_answer(const uint8_t *tcp, size_t seg_len, bool open,
			      uint32_t isn, struct tcp_answer *answer)
{
	size_t doff = (size_t)(tcp[12] >> 4) * 4;
	uint8_t flags = tcp[13];
	uint32_t seq = pkt_get32(tcp + 4);
	uint32_t data_len;

	if (doff < PKT_TCP_MIN_HDR || doff > seg_len || (flags & PKT_TCP_RST))
		return false;
	data_len = (uint32_t)(seg_len - doff);
	if (flags & PKT_TCP_SYN)
		data_len++;
	if (flags & PKT_TCP_FIN)
		data_len++;

	answer->len = PKT_TCP_MIN_HDR;
	if (open && !(flags & PKT_TCP_ACK)) {
		/* Linux drops SYN with FIN; a listener ignores the rest. */
		if ((flags & (PKT_TCP_SYN | PKT_TCP_FIN)) != PKT_TCP_SYN)
			return false;
		answer->len = PKT_TCP_MIN_HDR + 4;
		answer->flags = PKT_TCP_SYN | PKT_TCP_ACK;
		answer->seq = isn;
		answer->ack = seq + 1;
	} else if (flags & PKT_TCP_ACK) {
		/* RFC 9293 3.10.7.1: <SEQ=SEG.ACK><CTL=RST> */
		answer->flags = PKT_TCP_RST;
		answer->seq = pkt_get32(tcp + 8);
		answer->ack = 0;
	} else {
		/* <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK> */
		answer->flags = PKT_TCP_RST | PKT_TCP_ACK;
		answer->seq = 0;
		answer->ack = seq + data_len;
	}
	return true;
}

size_t pkt6_tcp_build_answer(uint8_t *out, size_t cap, const uint8_t *orig,
			     size_t orig_len, bool open, uint32_t isn,
			     uint16_t mss, uint8_t hop_limit)
{
	struct tcp_answer answer;
	struct skip_result skip;
	struct pkt_ipv6 ip;
	uint8_t *otcp;
	uint32_t sum;
	size_t end;

	if (pkt6_parse(orig, orig_len, &ip) != PKT6_VALID)
		return 0;
	end = PKT_IPV6_HDR + (size_t)ip.payload_len;
	if (!skip_ext_headers(orig, PKT_IPV6_HDR, end, ip.next_header, &skip) ||
	    skip.fragmented || skip.nh != PKT6_NH_TCP ||
	    end - skip.off < PKT_TCP_MIN_HDR)
		return 0;
	if (!tcp_choose_answer(orig + skip.off, end - skip.off, open, isn,
			       &answer))
		return 0;
	if (cap < PKT_IPV6_HDR + answer.len)
		return 0;

	otcp = out + PKT_IPV6_HDR;
	tcp_write(otcp, answer.len, orig + skip.off, answer.seq, answer.ack,
		  answer.flags);
	if (answer.flags & PKT_TCP_SYN) {
		otcp[20] = TCP_OPT_MSS;
		otcp[21] = 4;
		pkt_put16(otcp + 22, mss);
	}
	sum = pkt6_pseudo_sum(&ip.dst, &ip.src, (uint32_t)answer.len,
			      PKT6_NH_TCP);
	pkt_put16(otcp + 16, csum_fold(csum_partial(otcp, answer.len, sum)));
	pkt6_write_header(out, 0, (uint16_t)answer.len, PKT6_NH_TCP, hop_limit,
			  &ip.dst, &ip.src);
	return PKT_IPV6_HDR + answer.len;
}
