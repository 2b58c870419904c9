/* SPDX-License-Identifier: MIT */
/*
 * IPv4, ICMP, UDP and TCP header parsing and the builders for every packet
 * hopsim originates.  Pure functions: no I/O, no allocation.  Parsed
 * fields are in host order; buffers are in network order.
 */
#ifndef HOPSIM_PACKET_H
#define HOPSIM_PACKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PKT_IPV4_MIN_HDR 20
#define PKT_IPV4_MAX_HDR 60
#define PKT_ICMP_HDR	 8
#define PKT_UDP_HDR	 8
#define PKT_TCP_MIN_HDR	 20
/* Largest IPv4 ICMP error: RFC 1812 4.3.2.3 caps the whole datagram. */
#define PKT_ICMP4_ERR_MAX 576

#define PKT_IP_DF     0x4000
#define PKT_IP_MF     0x2000
#define PKT_IP_OFFSET 0x1fff

#define PKT_PROTO_ICMP 1
#define PKT_PROTO_TCP  6
#define PKT_PROTO_UDP  17

#define PKT_ICMP_ECHO_REPLY    0
#define PKT_ICMP_DEST_UNREACH  3
#define PKT_ICMP_SOURCE_QUENCH 4
#define PKT_ICMP_REDIRECT      5
#define PKT_ICMP_ECHO	       8
#define PKT_ICMP_TIME_EXCEEDED 11
#define PKT_ICMP_PARAM_PROBLEM 12

#define PKT_UNREACH_NET		0
#define PKT_UNREACH_HOST	1
#define PKT_UNREACH_PROTOCOL	2
#define PKT_UNREACH_PORT	3
#define PKT_UNREACH_FRAG_NEEDED 4
#define PKT_UNREACH_ADMIN	13

#define PKT_REDIRECT_HOST 1 /* the only redirect code routers send */

#define PKT_TCP_FIN 0x01
#define PKT_TCP_SYN 0x02
#define PKT_TCP_RST 0x04
#define PKT_TCP_PSH 0x08
#define PKT_TCP_ACK 0x10

/* Outcome of header validation; each failure is one counted drop reason. */
enum pkt_status {
	PKT_VALID = 0,
	PKT_BAD_LENGTH,	   /* shorter than 20 bytes */
	PKT_BAD_VERSION,   /* version field is not 4 */
	PKT_BAD_IHL,	   /* IHL below 5 or past the buffer */
	PKT_BAD_TOTAL_LEN, /* total length below IHL*4 or past the buffer */
	PKT_BAD_CHECKSUM,  /* header checksum does not verify */
};

/* Parsed IPv4 header, host order. */
struct pkt_ipv4 {
	uint8_t hdr_len; /* IHL * 4, in bytes */
	uint8_t tos;
	uint16_t total_len;
	uint16_t id;
	uint16_t frag; /* flags and fragment offset, as on the wire */
	uint8_t ttl;
	uint8_t proto;
	uint16_t checksum;
	uint32_t src;
	uint32_t dst;
};

/*
 * Validates the IPv4 header at @buf against @len, the number of bytes
 * read, and fills @ip.  Checks run in RFC 1812 5.2.2 order: length,
 * version, IHL, total length, checksum.  Bytes past total_len (link
 * padding) are allowed.  Returns PKT_VALID or the first failed check.
 */
enum pkt_status pkt_ipv4_parse(const uint8_t *buf, size_t len,
			       struct pkt_ipv4 *ip);

/* Outcome of IPv4 options validation. */
enum pkt_options_status {
	PKT_OPTIONS_VALID,
	PKT_OPTIONS_BAD,	  /* malformed: parameter problem at *pointer */
	PKT_OPTIONS_SOURCE_ROUTE, /* LSRR or SSRR present */
};

/*
 * Checks the options of the IPv4 header @hdr of @hdr_len bytes the way
 * Linux's ip_options_compile() does: every option but EOL and NOP needs a
 * length of at least 2 that stays inside the header, and Record Route and
 * Timestamp need a pointer of at least 4 and 5.  Unknown options pass.
 * On PKT_OPTIONS_BAD, *@pointer is the offset of the bad octet.
 */
enum pkt_options_status
pkt_ipv4_check_options(const uint8_t *hdr, size_t hdr_len, uint8_t *pointer);

/* Returns a static name for @status, such as "bad-checksum". */
const char *pkt_status_name(enum pkt_status status);

/* True when the packet is a fragment other than the first. */
static inline bool pkt_ipv4_is_later_fragment(const struct pkt_ipv4 *ip)
{
	return (ip->frag & PKT_IP_OFFSET) != 0;
}

/*
 * Decrements the TTL of the IPv4 header at @hdr by one and updates its
 * checksum incrementally (RFC 1624).  The caller has checked TTL > 1.
 */
void pkt_ipv4_decrement_ttl(uint8_t *hdr);

/*
 * Fills a 20-byte IPv4 header without options at @buf, computing its
 * checksum.  @frag contains the DF, MF and offset bits.
 */
void pkt_ipv4_write_header(uint8_t *buf, uint8_t tos, uint16_t total_len,
			   uint16_t id, uint16_t frag, uint8_t ttl,
			   uint8_t proto, uint32_t src, uint32_t dst);

/* True for sources that must never get an ICMP error (RFC 1122 3.2.2,
 * RFC 1812 4.3.2.7): 0/8, 127/8, multicast, 240/4, 255.255.255.255. */
bool pkt_ipv4_addr_is_martian_source(uint32_t addr);

/* True for destinations that are multicast or limited broadcast. */
bool pkt_ipv4_addr_is_multicast_or_broadcast(uint32_t addr);

/*
 * True when @proto and @l4 (the payload after the IP header, @l4_len
 * bytes) hold an ICMP message that Linux's icmp_pointers table counts
 * as an error, or one too short to tell.  That is every type but the
 * queries and replies 0, 8 and 13 to 18: the errors 3, 4, 5, 11 and 12,
 * the unassigned or obsolete 1, 2, 6, 7, 9 and 10, and every type above
 * 18.  No ICMP error is sent about these.
 */
bool pkt_is_icmp_error(uint8_t proto, const uint8_t *l4, size_t l4_len);

/* Fields of an ICMP error that hopsim builds. */
struct pkt_icmp4_error {
	uint8_t type;
	uint8_t code;
	uint32_t rest; /* bytes 4-7, host order: next-hop MTU, gateway */
	uint32_t src;  /* the router's address */
	uint8_t ttl;   /* initial TTL of the error */
	uint16_t id;   /* IP identification */
	uint16_t room; /* largest datagram allowed, at most 576 */
};

/*
 * Builds an ICMP error about @orig (@orig_len bytes, the offending
 * datagram as it arrived) into @out, which has room for @cap bytes.
 * The destination is the source of @orig, the TOS is the original's TOS
 * bits with precedence 6 (0xc0 | (tos & 0x1e)), DF is clear, and the quote
 * is as much of @orig as fits in min(err->room, 576, @cap) bytes.
 * Returns the length written, or 0 if @orig is shorter than its header.
 */
size_t pkt_icmp4_build_error(uint8_t *out, size_t cap,
			     const struct pkt_icmp4_error *err,
			     const uint8_t *orig, size_t orig_len);

/*
 * Turns the ICMP echo request in @buf (a valid IPv4 datagram of @len
 * bytes) into its echo reply in place: swaps the addresses, sets type 0,
 * keeps identifier, sequence, data and TOS, sets @ttl and @id, removes IP
 * options and recomputes both checksums.  Returns the new length, or 0 if
 * the ICMP checksum is bad or the message is not an echo request.
 */
size_t pkt_icmp4_echo_reply(uint8_t *buf, size_t len, uint8_t ttl, uint16_t id);

/*
 * Builds into @out the TCP segment a stateless listener sends in answer
 * to the segment in @orig (a valid IPv4 datagram): SYN-ACK with an MSS
 * option of @mss when @open and the segment is a bare SYN; an RST for
 * any segment with ACK, as RFC 9293 3.10.7 gives for a closed port and
 * for a listening one; and RST-ACK for other segments to a closed port.
 * Returns 0 when no answer is due (the segment carries RST, or the port
 * is open and the segment has neither ACK nor a bare SYN, such as SYN
 * with FIN, which Linux drops), else the length written.  @isn is the
 * SYN-ACK's sequence number.
 */
size_t pkt_tcp_build_answer(uint8_t *out, size_t cap, const uint8_t *orig,
			    size_t orig_len, bool open, uint32_t isn,
			    uint16_t mss, uint8_t ttl, uint16_t id);

/*
 * Writes fragment @offset (bytes into the original payload) of @len
 * payload bytes of the datagram @orig into @out.  The first fragment
 * keeps every option; later ones keep only options with the copied bit.
 * MF is set unless this fragment ends the datagram and the original had
 * MF clear.  Returns the fragment's length.
 */
size_t pkt_ipv4_build_fragment(uint8_t *out, const uint8_t *orig,
			       const struct pkt_ipv4 *ip, size_t offset,
			       size_t len);

/*
 * Returns the header length later fragments of @orig carry: 20 plus the
 * options with the copied bit, rounded up to a multiple of 4.
 */
size_t pkt_ipv4_fragment_header_len(const uint8_t *orig,
				    const struct pkt_ipv4 *ip);

/* Reads and writes big-endian values at unaligned addresses. */
static inline uint16_t pkt_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t pkt_get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static inline void pkt_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void pkt_put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

#endif
