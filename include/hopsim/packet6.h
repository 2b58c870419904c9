/* SPDX-License-Identifier: MIT */
/*
 * IPv6 header parsing, the extension header walk of RFC 8200, and the
 * builders for every ICMPv6 and TCP packet hopsim originates over IPv6.
 * Pure functions: no I/O, no allocation.  Parsed fields are in host order,
 * and buffers and addresses are in network order.
 */
#ifndef HOPSIM_PACKET6_H
#define HOPSIM_PACKET6_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PKT_IPV6_HDR	  40
#define PKT_IPV6_MIN_MTU  1280
#define PKT_ICMP6_HDR	  8
#define PKT_IPV6_FRAG_HDR 8
/* Largest ICMPv6 error: RFC 4443 2.4(c) caps it at the minimum MTU. */
#define PKT_ICMP6_ERR_MAX PKT_IPV6_MIN_MTU

/* Next Header values (IANA "Assigned Internet Protocol Numbers"). */
#define PKT6_NH_HOP_BY_HOP 0
#define PKT6_NH_TCP	   6
#define PKT6_NH_UDP	   17
#define PKT6_NH_ROUTING	   43
#define PKT6_NH_FRAGMENT   44
#define PKT6_NH_AUTH	   51
#define PKT6_NH_ICMPV6	   58
#define PKT6_NH_NONE	   59
#define PKT6_NH_DEST_OPTS  60

#define PKT_ICMP6_DEST_UNREACH	 1
#define PKT_ICMP6_PACKET_TOO_BIG 2
#define PKT_ICMP6_TIME_EXCEEDED	 3
#define PKT_ICMP6_PARAM_PROBLEM	 4
#define PKT_ICMP6_ECHO_REQUEST	 128
#define PKT_ICMP6_ECHO_REPLY	 129
#define PKT_ICMP6_REDIRECT	 137

/* Parameter Problem codes (RFC 4443 3.4, RFC 7112). */
#define PKT_ICMP6_PP_HEADER	    0
#define PKT_ICMP6_PP_NEXT_HEADER    1
#define PKT_ICMP6_PP_OPTION	    2
#define PKT_ICMP6_PP_INCOMPLETE_HDR 3

/* Fragment header flags and offset, as in its 16-bit field on the wire. */
#define PKT6_FRAG_MORE	 0x0001
#define PKT6_FRAG_OFFSET 0xfff8

/* An IPv6 address, in network order. */
struct pkt_in6 {
	uint8_t b[16];
};

/* Outcome of header validation.  Each failure is one counted drop reason. */
enum pkt6_status {
	PKT6_VALID = 0,
	PKT6_BAD_LENGTH,      /* shorter than 40 bytes */
	PKT6_BAD_VERSION,     /* version field is not 6 */
	PKT6_BAD_PAYLOAD_LEN, /* payload length past the buffer */
};

/* Parsed fixed IPv6 header, host order. */
struct pkt_ipv6 {
	uint8_t traffic_class;
	uint32_t flow_label; /* 20 bits */
	uint16_t payload_len;
	uint8_t next_header;
	uint8_t hop_limit;
	struct pkt_in6 src;
	struct pkt_in6 dst;
};

/*
 * Validates the IPv6 header at @buf against @len, the number of bytes
 * read, and fills @ip.  Checks run in this order: length, version,
 * payload length.  Bytes past 40 + payload_len (link padding) are
 * allowed.  Returns PKT6_VALID or the first failed check.
 */
enum pkt6_status pkt6_parse(const uint8_t *buf, size_t len,
			    struct pkt_ipv6 *ip);

/* Returns a static name for @status, such as "bad-payload-length". */
const char *pkt6_status_name(enum pkt6_status status);

/*
 * Outcome of the extension header walk.  Each value other than
 * PKT6_WALK_UPPER and PKT6_WALK_FRAGMENT means the packet is discarded,
 * and pkt6_walk_sends_error() returns true for those that RFC 8200 reports
 * with a Parameter Problem.
 */
enum pkt6_walk_status {
	PKT6_WALK_UPPER = 0,	  /* reached the upper-layer header or 59 */
	PKT6_WALK_FRAGMENT,	  /* fragment of a larger packet: reassemble */
	PKT6_WALK_TRUNCATED,	  /* a header runs past the payload: silent */
	PKT6_WALK_BAD_OPTION_LEN, /* an option runs past its header: silent */
	PKT6_WALK_OPTION_DISCARD, /* unknown option, action bits 01 */
	PKT6_WALK_UNKNOWN_OPTION, /* unknown option: 4/2 */
	PKT6_WALK_UNKNOWN_NEXT,	  /* unknown Next Header: 4/1 */
	PKT6_WALK_HBH_NOT_FIRST,  /* Hop-by-Hop after another header: 4/1 */
	PKT6_WALK_BAD_ROUTING,	  /* unknown Routing Type, Segments Left > 0 */
	PKT6_WALK_BAD_FRAG_LEN,	  /* M=1 and length not a multiple of 8 */
	PKT6_WALK_FRAG_TOO_BIG,	  /* offset + length past 65535 */
	PKT6_WALK_INCOMPLETE,	  /* first fragment lacks the header chain */
};

/* Walk flags. */
enum {
	/*
	 * Process only a Hop-by-Hop header, as a transit router does (RFC
	 * 8200 4): the walk stops after it with proto and l4_off naming
	 * the header that follows, whatever it is.
	 */
	PKT6_WALK_HBH_ONLY = 1u << 0,
};

/* Result of the extension header walk.  Offsets count from the start of
 * the IPv6 header. */
struct pkt6_chain {
	uint8_t proto;	 /* upper-layer protocol, or the header at l4_off */
	uint16_t l4_off; /* offset of the header named by proto */
	bool has_frag;	 /* a Fragment header was seen */
	uint16_t frag_hdr_off;
	uint16_t frag_offset; /* bytes into the original payload */
	bool frag_more;	      /* the M flag */
	uint32_t frag_id;
	uint8_t pp_code;     /* Parameter Problem code, when one is due */
	uint32_t pp_pointer; /* Parameter Problem pointer, when one is due */
};

/*
 * Walks the extension headers of the valid IPv6 packet @pkt (parsed into
 * @ip), checking every length against ip->payload_len, and fills @chain.
 * Hop-by-Hop is accepted only directly after the IPv6 header.  Options
 * are processed by their action bits (RFC 8200 4.2): Pad1 and PadN are
 * known, every other type is unknown.  Routing headers of every type are
 * unknown here (RFC 5095 deprecates type 0), so one with Segments Left 0
 * is skipped and one with Segments Left > 0 fails.  An atomic fragment
 * (offset 0, M=0) is walked through as a whole packet (RFC 6946).  Any
 * other fragment gets the checks of RFC 8200 4.5 and RFC 7112, and then
 * stops the walk with PKT6_WALK_FRAGMENT.  Then proto and l4_off name the
 * first header of the fragmentable part, and the caller walks the
 * reassembled packet again.  Next Header values other than the ones above
 * and 6, 17, 58, 59 are unknown, the Authentication Header (51) too,
 * because hopsim implements no IPsec.  @flags is 0 or PKT6_WALK_HBH_ONLY.
 *
 * On a failure that RFC 8200 reports with a Parameter Problem, pp_code
 * and pp_pointer contain its code and pointer.  proto and l4_off are set on
 * PKT6_WALK_UPPER, PKT6_WALK_FRAGMENT and PKT6_WALK_UNKNOWN_NEXT.
 */
enum pkt6_walk_status pkt6_walk(const uint8_t *pkt, const struct pkt_ipv6 *ip,
				unsigned int flags, struct pkt6_chain *chain);

/* True when RFC 8200 reports @status with a Parameter Problem.  Its code
 * and pointer are the ones pkt6_walk() stored. */
bool pkt6_walk_sends_error(enum pkt6_walk_status status);

/* Returns a static name for @status, such as "unknown-option". */
const char *pkt6_walk_status_name(enum pkt6_walk_status status);

/*
 * Decrements the hop limit of the IPv6 header at @hdr by one.  IPv6 has
 * no header checksum.  The caller has checked hop limit > 1.
 */
void pkt6_decrement_hop_limit(uint8_t *hdr);

/* Fills a 40-byte IPv6 header at @buf.  The flow label is 0. */
void pkt6_write_header(uint8_t *buf, uint8_t traffic_class,
		       uint16_t payload_len, uint8_t next_header,
		       uint8_t hop_limit, const struct pkt_in6 *src,
		       const struct pkt_in6 *dst);

/*
 * Returns the running sum of the IPv6 pseudo-header of RFC 8200 8.1 for
 * an upper-layer packet of @len bytes with Next Header @next_header.
 * Add the upper-layer packet with csum_partial() and fold the result
 * with csum_fold().
 */
uint32_t pkt6_pseudo_sum(const struct pkt_in6 *src, const struct pkt_in6 *dst,
			 uint32_t len, uint8_t next_header);

/* Address predicates of RFC 4291 2.4. */
bool pkt6_addr_is_multicast(const struct pkt_in6 *addr);   /* ff00::/8 */
bool pkt6_addr_is_link_local(const struct pkt_in6 *addr);  /* fe80::/10 */
bool pkt6_addr_is_unspecified(const struct pkt_in6 *addr); /* :: */
bool pkt6_addr_is_loopback(const struct pkt_in6 *addr);	   /* ::1 */
bool pkt6_addr_equal(const struct pkt_in6 *a, const struct pkt_in6 *b);

/*
 * True when @proto and @l4 (the upper-layer packet, @l4_len bytes) hold
 * an ICMPv6 error message (types 0-127, RFC 4443 2.1) or an ICMPv6
 * message too short to tell.
 */
bool pkt6_is_icmp_error(uint8_t proto, const uint8_t *l4, size_t l4_len);

/* Fields of an ICMPv6 error that hopsim builds. */
struct pkt_icmp6_error {
	uint8_t type;
	uint8_t code;
	uint32_t rest; /* bytes 4-7, host order: MTU, pointer, or 0 */
	struct pkt_in6 src;
	uint8_t hop_limit;
};

/*
 * True when RFC 4443 2.4(e) allows the error @err about @orig (@orig_len
 * bytes, the invoking packet).  No error is sent about an ICMPv6 error or
 * a Redirect, or about a packet whose source is :: or multicast.  Nor is
 * one sent about a packet to a multicast destination or one that arrived
 * as link-layer multicast or broadcast (@link_multicast), except Packet
 * Too Big and a Parameter Problem code 2 whose pointer names an option
 * type with action bits 10.  False also when @orig is shorter than an
 * IPv6 header.
 */
bool pkt6_icmp_error_allowed(const struct pkt_icmp6_error *err,
			     const uint8_t *orig, size_t orig_len,
			     bool link_multicast);

/*
 * Builds an ICMPv6 error about @orig (@orig_len bytes, the invoking
 * packet as it arrived) into @out, which has room for @cap bytes and may
 * be @orig itself.  The destination is the source of @orig, the traffic
 * class and flow label are 0, and the quote is as much of @orig (without
 * link padding) as fits in min(1280, @cap) bytes.  Returns the length
 * written, or 0 if @orig is shorter than 40 bytes or @cap is below 88.
 */
size_t pkt6_icmp_build_error(uint8_t *out, size_t cap,
			     const struct pkt_icmp6_error *err,
			     const uint8_t *orig, size_t orig_len);

/*
 * Turns the ICMPv6 echo request in @buf (@len bytes) into its echo reply
 * in place: type 129, identifier, sequence, data and traffic class kept,
 * flow label 0, extension headers of the request removed, destination =
 * the request's source, source = @src or, when @src is NULL, the
 * request's destination, hop limit @hop_limit, checksum recomputed.
 * Returns the new length, or 0 if the packet is malformed, a fragment,
 * not an echo request, or its checksum is bad.
 */
size_t pkt6_icmp_echo_reply(uint8_t *buf, size_t len, const struct pkt_in6 *src,
			    uint8_t hop_limit);

/*
 * Builds into @out (room for @cap bytes) the Redirect of RFC 4861 4.5
 * that directs the source of @trigger (@trigger_len bytes, the packet as it
 * arrived) to send packets for its destination to @target.  The source
 * is @src, the router's link-local address, and the hop limit is 255.
 * The only option is a Redirected Header holding as much of @trigger as
 * keeps the message within 1280 bytes, cut to a multiple of 8 as Linux
 * does.  There is no Target Link-Layer Address option, because a TUN
 * device has no link layer.  Returns the length written, or 0 if
 * @trigger is shorter than 40 bytes or @cap is below 88.
 */
size_t pkt6_icmp_build_redirect(uint8_t *out, size_t cap,
				const struct pkt_in6 *src,
				const struct pkt_in6 *target,
				const uint8_t *trigger, size_t trigger_len);

/*
 * Builds into @out the TCP segment a listener sends in answer to the
 * segment in @orig (a valid IPv6 packet): SYN-ACK with an MSS option of
 * @mss when @open and the segment is a bare SYN, otherwise an RST as RFC
 * 9293 3.10.7.1 gives for a closed port.  The answer has no extension
 * headers, traffic class 0 and hop limit @hop_limit.  Returns 0 when no
 * answer is due (the segment carries RST, or the port is open and it is
 * not a SYN) or @orig is malformed or a fragment, else the length
 * written.  @isn is the SYN-ACK's sequence number.
 */
size_t pkt6_tcp_build_answer(uint8_t *out, size_t cap, const uint8_t *orig,
			     size_t orig_len, bool open, uint32_t isn,
			     uint16_t mss, uint8_t hop_limit);

#endif
