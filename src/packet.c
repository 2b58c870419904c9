// SPDX-License-Identifier: MIT
/* IPv4, ICMP, UDP and TCP parsing and the builders of hopsim's packets. */
#include <string.h>

#include "hopsim/checksum.h"
#include "hopsim/packet.h"

#define TCP_OPT_MSS   2
#define TCP_WINDOW    64240
#define IP_OPT_EOL    0
#define IP_OPT_NOP    1
#define IP_OPT_COPIED 0x80
#define IP_OPT_RR     7
#define IP_OPT_TS     68
#define IP_OPT_LSRR   131
#define IP_OPT_SSRR   137

enum pkt_status pkt_ipv4_parse(const uint8_t *buf, size_t len,
			       struct pkt_ipv4 *ip)
{
	if (len < PKT_IPV4_MIN_HDR)
		return PKT_BAD_LENGTH;
	if (buf[0] >> 4 != 4)
		return PKT_BAD_VERSION;

	ip->hdr_len = (uint8_t)((buf[0] & 0x0f) * 4);
	if (ip->hdr_len < PKT_IPV4_MIN_HDR || ip->hdr_len > len)
		return PKT_BAD_IHL;

	ip->total_len = pkt_get16(buf + 2);
	if (ip->total_len < ip->hdr_len || ip->total_len > len)
		return PKT_BAD_TOTAL_LEN;

	if (csum_compute(buf, ip->hdr_len) != 0)
		return PKT_BAD_CHECKSUM;

	ip->tos = buf[1];
	ip->id = pkt_get16(buf + 4);
	ip->frag = pkt_get16(buf + 6);
	ip->ttl = buf[8];
	ip->proto = buf[9];
	ip->checksum = pkt_get16(buf + 10);
	ip->src = pkt_get32(buf + 12);
	ip->dst = pkt_get32(buf + 16);
	return PKT_VALID;
}

enum pkt_options_status pkt_ipv4_check_options(const uint8_t *hdr,
					       size_t hdr_len, uint8_t *pointer)
{
	size_t i = PKT_IPV4_MIN_HDR;

	while (i < hdr_len) {
		uint8_t type = hdr[i];
		size_t len;

		if (type == IP_OPT_EOL)
			break;
		if (type == IP_OPT_NOP) {
			i++;
			continue;
		}
		if (i + 1 >= hdr_len || hdr[i + 1] < 2 ||
		    i + hdr[i + 1] > hdr_len) {
			*pointer = (uint8_t)i;
			return PKT_OPTIONS_BAD;
		}
		len = hdr[i + 1];
		if ((type == IP_OPT_RR && (len < 3 || hdr[i + 2] < 4)) ||
		    (type == IP_OPT_TS && (len < 4 || hdr[i + 2] < 5))) {
			*pointer = (uint8_t)(i + (len < 3 ? 1 : 2));
			return PKT_OPTIONS_BAD;
		}
		if (type == IP_OPT_LSRR || type == IP_OPT_SSRR)
			return PKT_OPTIONS_SOURCE_ROUTE;
		i += len;
	}
	return PKT_OPTIONS_VALID;
}

const char *pkt_status_name(enum pkt_status status)
{
	switch (status) {
	case PKT_VALID:
		return "valid";
	case PKT_BAD_LENGTH:
		return "bad-length";
	case PKT_BAD_VERSION:
		return "bad-version";
	case PKT_BAD_IHL:
		return "bad-ihl";
	case PKT_BAD_TOTAL_LEN:
		return "bad-total-length";
	case PKT_BAD_CHECKSUM:
		return "bad-checksum";
	}
	return "unknown";
}

void pkt_ipv4_decrement_ttl(uint8_t *hdr)
{
	uint16_t old_word = pkt_get16(hdr + 8);
	uint16_t new_word;

	hdr[8]--;
	new_word = pkt_get16(hdr + 8);
	pkt_put16(hdr + 10,
		  csum_update16(pkt_get16(hdr + 10), old_word, new_word));
}

void pkt_ipv4_write_header(uint8_t *buf, uint8_t tos, uint16_t total_len,
			   uint16_t id, uint16_t frag, uint8_t ttl,
			   uint8_t proto, uint32_t src, uint32_t dst)
{
	buf[0] = 0x45;
	buf[1] = tos;
	pkt_put16(buf + 2, total_len);
	pkt_put16(buf + 4, id);
	pkt_put16(buf + 6, frag);
	buf[8] = ttl;
	buf[9] = proto;
	pkt_put16(buf + 10, 0);
	pkt_put32(buf + 12, src);
	pkt_put32(buf + 16, dst);
	pkt_put16(buf + 10, csum_compute(buf, PKT_IPV4_MIN_HDR));
}

bool pkt_ipv4_addr_is_martian_source(uint32_t addr)
{
	uint8_t first = (uint8_t)(addr >> 24);

	return first == 0 || first == 127 || first >= 224;
}

bool pkt_ipv4_addr_is_multicast_or_broadcast(uint32_t addr)
{
	return (addr >> 28) == 0xe || addr == 0xffffffffu;
}

bool pkt_is_icmp_error(uint8_t proto, const uint8_t *l4, size_t l4_len)
{
	if (proto != PKT_PROTO_ICMP)
		return false;
	if (l4_len < 1)
		return true;

	switch (l4[0]) {
	case PKT_ICMP_ECHO_REPLY:
	case PKT_ICMP_ECHO:
	case 13: /* timestamp and its reply */
	case 14:
	case 15: /* information request and reply */
	case 16:
	case 17: /* address mask request and reply */
	case 18:
		return false;
	default:
		return true;
	}
}

size_t pkt_icmp4_build_error(uint8_t *out, size_t cap,
			     const struct pkt_icmp4_error *err,
			     const uint8_t *orig, size_t orig_len)
{
	size_t room = PKT_ICMP4_ERR_MAX;
	size_t quote;
	size_t total;
	uint8_t *icmp;

	if (orig_len < PKT_IPV4_MIN_HDR ||
	    orig_len < (size_t)(orig[0] & 0x0f) * 4)
		return 0;
	if (err->room && err->room < room)
		room = err->room;
	if (cap < room)
		room = cap;
	if (room < PKT_IPV4_MIN_HDR + PKT_ICMP_HDR + PKT_IPV4_MIN_HDR)
		return 0;

	quote = room - PKT_IPV4_MIN_HDR - PKT_ICMP_HDR;
	if (quote > orig_len)
		quote = orig_len;
	total = PKT_IPV4_MIN_HDR + PKT_ICMP_HDR + quote;

	/* Precedence 6 (internetwork control) with the trigger's TOS bits,
	 * as Linux sends; ECN bits are cleared. */
	pkt_ipv4_write_header(out, (uint8_t)(0xc0 | (orig[1] & 0x1e)),
			      (uint16_t)total, err->id, 0, err->ttl,
			      PKT_PROTO_ICMP, err->src, pkt_get32(orig + 12));

	icmp = out + PKT_IPV4_MIN_HDR;
	icmp[0] = err->type;
	icmp[1] = err->code;
	pkt_put16(icmp + 2, 0);
	pkt_put32(icmp + 4, err->rest);
	memmove(icmp + PKT_ICMP_HDR, orig, quote);
	pkt_put16(icmp + 2, csum_compute(icmp, PKT_ICMP_HDR + quote));
	return total;
}

size_t pkt_icmp4_echo_reply(uint8_t *buf, size_t len, uint8_t ttl, uint16_t id)
{
	size_t hdr_len = (size_t)(buf[0] & 0x0f) * 4;
	size_t total = pkt_get16(buf + 2);
	size_t icmp_len;
	uint32_t src = pkt_get32(buf + 12);
	uint32_t dst = pkt_get32(buf + 16);
	uint8_t tos = buf[1];
	uint8_t *icmp;

	if (total > len || total < hdr_len + PKT_ICMP_HDR)
		return 0;
	icmp = buf + hdr_len;
	icmp_len = total - hdr_len;
	if (icmp[0] != PKT_ICMP_ECHO || csum_compute(icmp, icmp_len) != 0)
		return 0;

	/* The reply carries no IP options of the request. */
	if (hdr_len != PKT_IPV4_MIN_HDR) {
		memmove(buf + PKT_IPV4_MIN_HDR, icmp, icmp_len);
		icmp = buf + PKT_IPV4_MIN_HDR;
	}
	icmp[0] = PKT_ICMP_ECHO_REPLY;
	icmp[1] = 0;
	pkt_put16(icmp + 2, 0);
	pkt_put16(icmp + 2, csum_compute(icmp, icmp_len));

	total = PKT_IPV4_MIN_HDR + icmp_len;
	pkt_ipv4_write_header(buf, tos, (uint16_t)total, id, 0, ttl,
			      PKT_PROTO_ICMP, dst, src);
	return total;
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

size_t pkt_tcp_build_answer(uint8_t *out, size_t cap, const uint8_t *orig,
			    size_t orig_len, bool open, uint32_t isn,
			    uint16_t mss, uint8_t ttl, uint16_t id)
{
	size_t hdr_len = (size_t)(orig[0] & 0x0f) * 4;
	size_t total = pkt_get16(orig + 2);
	const uint8_t *tcp = orig + hdr_len;
	uint32_t src = pkt_get32(orig + 16);
	uint32_t dst = pkt_get32(orig + 12);
	uint32_t seq, ack, seg_len;
	uint8_t flags, answer_flags;
	size_t tcp_len, doff;
	uint8_t *otcp;

	if (total > orig_len || total < hdr_len + PKT_TCP_MIN_HDR)
		return 0;
	doff = (size_t)(tcp[12] >> 4) * 4;
	if (doff < PKT_TCP_MIN_HDR || hdr_len + doff > total)
		return 0;
	flags = tcp[13];
	if (flags & PKT_TCP_RST)
		return 0;

	seq = pkt_get32(tcp + 4);
	ack = pkt_get32(tcp + 8);
	seg_len = (uint32_t)(total - hdr_len - doff);
	if (flags & PKT_TCP_SYN)
		seg_len++;
	if (flags & PKT_TCP_FIN)
		seg_len++;

	if (open && !(flags & PKT_TCP_ACK)) {
		/* Linux drops SYN with FIN; a listener ignores the rest. */
		if ((flags & (PKT_TCP_SYN | PKT_TCP_FIN)) != PKT_TCP_SYN)
			return 0;
		tcp_len = PKT_TCP_MIN_HDR + 4;
		answer_flags = PKT_TCP_SYN | PKT_TCP_ACK;
		ack = seq + 1;
		seq = isn;
	} else if (flags & PKT_TCP_ACK) {
		/* RFC 9293 3.10.7.1: <SEQ=SEG.ACK><CTL=RST> */
		tcp_len = PKT_TCP_MIN_HDR;
		answer_flags = PKT_TCP_RST;
		seq = ack;
		ack = 0;
	} else {
		/* <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK> */
		tcp_len = PKT_TCP_MIN_HDR;
		answer_flags = PKT_TCP_RST | PKT_TCP_ACK;
		ack = seq + seg_len;
		seq = 0;
	}
	if (cap < PKT_IPV4_MIN_HDR + tcp_len)
		return 0;

	otcp = out + PKT_IPV4_MIN_HDR;
	tcp_write(otcp, tcp_len, tcp, seq, ack, answer_flags);
	if (answer_flags & PKT_TCP_SYN) {
		otcp[20] = TCP_OPT_MSS;
		otcp[21] = 4;
		pkt_put16(otcp + 22, mss);
	}
	pkt_put16(otcp + 16,
		  csum_fold(csum_partial(otcp, tcp_len,
					 csum_pseudo4(src, dst, PKT_PROTO_TCP,
						      (uint16_t)tcp_len))));

	pkt_ipv4_write_header(out, 0, (uint16_t)(PKT_IPV4_MIN_HDR + tcp_len),
			      id, PKT_IP_DF, ttl, PKT_PROTO_TCP, src, dst);
	return PKT_IPV4_MIN_HDR + tcp_len;
}

/* Copies the options of @orig that RFC 791 marks as copied into every
 * fragment to @out, padded with EOL to a multiple of 4.  Returns the
 * number of bytes written. */
static size_t copy_fragment_options(uint8_t *out, const uint8_t *orig,
				    size_t hdr_len)
{
	size_t i = PKT_IPV4_MIN_HDR;
	size_t n = 0;

	while (i < hdr_len) {
		uint8_t type = orig[i];
		size_t opt_len;

		if (type == IP_OPT_EOL)
			break;
		if (type == IP_OPT_NOP) {
			i++;
			continue;
		}
		if (i + 1 >= hdr_len)
			break;
		opt_len = orig[i + 1];
		if (opt_len < 2 || i + opt_len > hdr_len)
			break;
		if ((type & IP_OPT_COPIED) && out)
			memcpy(out + n, orig + i, opt_len);
		if (type & IP_OPT_COPIED)
			n += opt_len;
		i += opt_len;
	}
	while (n % 4) {
		if (out)
			out[n] = IP_OPT_EOL;
		n++;
	}
	return n;
}

size_t pkt_ipv4_fragment_header_len(const uint8_t *orig,
				    const struct pkt_ipv4 *ip)
{
	return PKT_IPV4_MIN_HDR +
	       copy_fragment_options(NULL, orig, ip->hdr_len);
}

size_t pkt_ipv4_build_fragment(uint8_t *out, const uint8_t *orig,
			       const struct pkt_ipv4 *ip, size_t offset,
			       size_t len)
{
	size_t payload_len = ip->total_len - ip->hdr_len;
	size_t orig_offset = (size_t)(ip->frag & PKT_IP_OFFSET) * 8;
	uint16_t frag;
	size_t hdr_len;

	if (offset == 0) {
		hdr_len = ip->hdr_len;
		memcpy(out, orig, hdr_len);
	} else {
		hdr_len = PKT_IPV4_MIN_HDR +
			  copy_fragment_options(out + PKT_IPV4_MIN_HDR, orig,
						ip->hdr_len);
		memcpy(out, orig, PKT_IPV4_MIN_HDR);
		out[0] = (uint8_t)(0x40 | hdr_len / 4);
	}
	memcpy(out + hdr_len, orig + ip->hdr_len + offset, len);

	/* Keep the reserved and DF bits; set the offset and MF. */
	frag = (uint16_t)(ip->frag & ~(PKT_IP_MF | PKT_IP_OFFSET));
	frag |= (uint16_t)((orig_offset + offset) / 8);
	if (offset + len < payload_len || (ip->frag & PKT_IP_MF))
		frag |= PKT_IP_MF;

	pkt_put16(out + 2, (uint16_t)(hdr_len + len));
	pkt_put16(out + 6, frag);
	pkt_put16(out + 10, 0);
	pkt_put16(out + 10, csum_compute(out, hdr_len));
	return hdr_len + len;
}
