// SPDX-License-Identifier: MIT
/* The IPv6 half of the engine: RFC 8200 forwarding and RFC 4443 ICMPv6. */
#include <string.h>

#include "engine_impl.h"
#include "hopsim/checksum.h"

/* Folds an IPv6 address into the 32-bit key of the rate limiter's
 * per-destination table (FNV-1a). */
static uint32_t peer_key(const struct pkt_in6 *addr)
{
	uint32_t h = 2166136261u;
	int i;

	for (i = 0; i < 16; i++)
		h = (h ^ addr->b[i]) * 16777619u;
	return h;
}

static bool node_owns6(const struct topology *topo, int node,
		       const struct pkt_in6 *addr)
{
	const struct topo_node *n = &topo->nodes[node];
	int i;

	for (i = n->first_iface; i < n->first_iface + n->n_ifaces; i++) {
		const struct topo_iface *iface = &topo->ifaces[i];

		if (iface->plen6 && pkt6_addr_equal(&iface->addr6, addr))
			return true;
		if (iface->link >= 0 && pkt6_addr_equal(&iface->ll6, addr))
			return true;
	}
	return false;
}

/* Finds the global address and link MTU @node uses toward @dst.  Returns
 * 0, or -1 when it has no route there or no address on that side. */
static int route_back6(const struct topology *topo, int node,
		       const struct pkt_in6 *dst, struct pkt_in6 *src,
		       uint32_t *mtu)
{
	const struct topo_route6 *route = topo_route6_lookup(topo, node, dst);
	const struct topo_iface *iface;

	if (!route || (route->kind != TOPO_ROUTE_VIA &&
		       route->kind != TOPO_ROUTE_CONNECTED))
		return -1;
	iface = &topo->ifaces[route->iface];
	if (!iface->plen6)
		return -1;
	*src = iface->addr6;
	*mtu = topo->links[iface->link].mtu;
	return 0;
}

/*
 * Returns the source of an ICMPv6 error by @node's policy.  A fixed
 * source is an IPv4 address, so IPv6 errors then use @egress.
 */
static const struct pkt_in6 *error_source6(const struct topology *topo,
					   int node, int iface,
					   const struct pkt_in6 *egress)
{
	const struct topo_node *n = &topo->nodes[node];
	const struct topo_iface *in = iface >= 0 ? &topo->ifaces[iface] : NULL;
	const struct topo_iface *lo =
	    n->loopback_iface >= 0 ? &topo->ifaces[n->loopback_iface] : NULL;

	switch (n->icmp.source) {
	case TOPO_ICMP_SOURCE_INGRESS:
		return in && in->plen6 ? &in->addr6 : egress;
	case TOPO_ICMP_SOURCE_LOOPBACK:
		return lo && lo->plen6 ? &lo->addr6 : egress;
	case TOPO_ICMP_SOURCE_FIXED:
	case TOPO_ICMP_SOURCE_EGRESS:
		break;
	}
	return egress;
}

/* Carries a packet that @node built in @buf, as the node's own output. */
static int link_sender(const struct topology *topo, int iface,
		       const struct pkt_in6 *src);

/*
 * Carries the packet @node built in @buf in reply to one that arrived on
 * @iface (-1 for none).  No route leads to a link-local destination, so
 * a reply to one goes straight back over that link.
 */
static void originate6(struct engine *engine, int node, int iface, uint64_t t,
		       uint8_t *buf, size_t len)
{
	struct hop_packet pkt = { .buf = buf, .len = len, .v6 = true };
	uint64_t arrival;
	int back;

	if (pkt6_parse(buf, len, &pkt.ip6) != PKT6_VALID)
		return;
	if (iface < 0 || !pkt6_addr_is_link_local(&pkt.ip6.dst)) {
		engine_walk6(engine, node, -1, t, &pkt, true);
		return;
	}
	back = link_sender(engine->topo, iface, &pkt.ip6.dst);
	if (back >= 0 &&
	    engine_cross_link(engine, node, back, t, &pkt, &arrival))
		engine_walk6(engine, engine->topo->ifaces[back].node, back,
			     arrival, &pkt, false);
}

/* As route_back6(), and for a link-local @dst the address and MTU of
 * @iface, the link it is on. */
static int reply_route6(const struct topology *topo, int node, int iface,
			const struct pkt_in6 *dst, struct pkt_in6 *src,
			uint32_t *mtu)
{
	const struct topo_iface *in = iface >= 0 ? &topo->ifaces[iface] : NULL;

	if (in && in->link >= 0 && in->plen6 && pkt6_addr_is_link_local(dst)) {
		*src = in->ll6;
		*mtu = topo->links[in->link].mtu;
		return 0;
	}
	return route_back6(topo, node, dst, src, mtu);
}

/*
 * Ends @pkt at @node: counts @reason (unless @delivered) and sends the
 * ICMPv6 error @answer when RFC 4443 2.4(e) and the node's policy allow.
 */
static void reject6(struct engine *engine, int node, int iface, uint64_t t,
		    const struct hop_packet *pkt, enum engine_drop reason,
		    bool delivered, const struct icmp_answer *answer)
{
	const struct topology *topo = engine->topo;
	struct engine_event detail = { .next_node = -1, .reason = reason };
	enum engine_action action =
	    delivered ? ENGINE_DELIVERED : ENGINE_DROPPED;
	struct pkt_icmp6_error err = {
		.type = answer->type,
		.code = answer->code,
		.rest = answer->rest,
		.hop_limit = topo->nodes[node].ttl,
	};
	struct pkt_in6 back_src;
	uint8_t *out = engine_next_buffer(engine);
	uint32_t mtu;
	size_t len = 0;

	/* A node's own packet that it cannot send fails there, with no
	 * ICMPv6 error to itself. */
	if (iface < 0 || !pkt6_icmp_error_allowed(&err, pkt->buf, pkt->len,
						  pkt->link_group)) {
		out = NULL;
	} else if (!out) {
		engine->drops[ENGINE_DROP_TOO_DEEP]++;
	} else if (reply_route6(topo, node, iface, &pkt->ip6.src, &back_src,
				&mtu) < 0) {
		engine->drops[ENGINE_DROP_NO_ROUTE_BACK]++;
		out = NULL;
	} else if (!engine_icmp_permitted(engine, node, peer_key(&pkt->ip6.src),
					  answer->type, answer->code, t,
					  true)) {
		out = NULL;
	}
	if (out) {
		err.src = answer->src6
			      ? *answer->src6
			      : *error_source6(topo, node, iface, &back_src);
		/* A router's error to a link-local destination comes from
		 * its link-local address; a destination's from the address
		 * the packet was sent to. */
		if (!answer->src6 && pkt6_addr_is_link_local(&pkt->ip6.src))
			err.src = back_src;
		len = pkt6_icmp_build_error(out, ENGINE_BUF_SIZE, &err,
					    pkt->buf, pkt->len);
	}
	if (len) {
		detail.answer_proto = PKT6_NH_ICMPV6;
		detail.icmp_type = answer->type;
		detail.icmp_code = answer->code;
		if (delivered)
			action = ENGINE_ANSWERED;
	}
	engine_decide(engine, node, iface, t, pkt, action, &detail);
	if (len) {
		engine->depth++;
		originate6(engine, node, iface,
			   t + answer->delay_us +
			       topo->nodes[node].icmp.delay_us,
			   out, len);
		engine->depth--;
	}
}

/* True when the upper-layer checksum of @pkt, whose header starts at
 * @off, verifies with the IPv6 pseudo-header. */
static bool checksum_ok6(const struct hop_packet *pkt, size_t off,
			 uint8_t proto)
{
	size_t len = pkt->len - off;
	uint32_t sum =
	    pkt6_pseudo_sum(&pkt->ip6.src, &pkt->ip6.dst, (uint32_t)len, proto);

	return csum_fold(csum_partial(pkt->buf + off, len, sum)) == 0;
}

static void deliver_icmp6(struct engine *engine, int node, int iface,
			  uint64_t t, struct hop_packet *pkt, size_t off)
{
	const struct topo_node *n = &engine->topo->nodes[node];
	struct engine_event detail = {
		.next_node = -1,
		.answer_proto = PKT6_NH_ICMPV6,
		.icmp_type = PKT_ICMP6_ECHO_REPLY,
	};
	size_t len;

	if (pkt->len - off < PKT_ICMP6_HDR) {
		engine_drop(engine, node, iface, t, pkt, ENGINE_DROP_BAD_ICMP);
		return;
	}
	if (pkt->buf[off] != PKT_ICMP6_ECHO_REQUEST) {
		engine_drop(engine, node, iface, t, pkt,
			    ENGINE_DROP_ICMP_IGNORED);
		return;
	}
	if (!checksum_ok6(pkt, off, PKT6_NH_ICMPV6)) {
		engine_drop(engine, node, iface, t, pkt, ENGINE_DROP_BAD_ICMP);
		return;
	}
	if (!n->icmp.echo) {
		engine_drop(engine, node, iface, t, pkt,
			    ENGINE_DROP_ECHO_DISABLED);
		return;
	}
	if (!engine_icmp_permitted(engine, node, peer_key(&pkt->ip6.src),
				   PKT_ICMP6_ECHO_REPLY, 0, t, true)) {
		engine_decide(engine, node, iface, t, pkt, ENGINE_DELIVERED,
			      NULL);
		return;
	}

	engine_decide(engine, node, iface, t, pkt, ENGINE_ANSWERED, &detail);
	/* The reply is built over the request, which is finished with. */
	len = pkt6_icmp_echo_reply(pkt->buf, pkt->len, NULL, n->ttl);
	if (!len) {
		engine_drop(engine, node, iface, t, pkt, ENGINE_DROP_BAD_ICMP);
		return;
	}
	originate6(engine, node, iface, t + n->icmp.delay_us, pkt->buf, len);
}

static void deliver_tcp6(struct engine *engine, int node, int iface, uint64_t t,
			 struct hop_packet *pkt, size_t off)
{
	const struct topology *topo = engine->topo;
	const struct topo_node *n = &topo->nodes[node];
	struct engine_event detail = {
		.next_node = -1,
		.answer_proto = PKT_PROTO_TCP,
	};
	struct pkt_in6 unused;
	uint32_t mtu = TOPO_DEFAULT_MTU, isn;
	uint8_t *out;
	size_t len;

	if (pkt->len - off < PKT_TCP_MIN_HDR ||
	    !checksum_ok6(pkt, off, PKT6_NH_TCP)) {
		engine_drop(engine, node, iface, t, pkt, ENGINE_DROP_BAD_TCP);
		return;
	}
	out = engine_next_buffer(engine);
	if (!out) {
		engine_drop(engine, node, iface, t, pkt, ENGINE_DROP_TOO_DEEP);
		return;
	}

	route_back6(topo, node, &pkt->ip6.src, &unused, &mtu);
	isn = peer_key(&pkt->ip6.src) ^ (uint32_t)pkt_get32(pkt->buf + off);
	len = pkt6_tcp_build_answer(
	    out, ENGINE_BUF_SIZE, pkt->buf, pkt->len,
	    engine_tcp_port_open(n, pkt_get16(pkt->buf + off + 2)), isn,
	    (uint16_t)(mtu - PKT_IPV6_HDR - PKT_TCP_MIN_HDR), n->ttl);
	if (!len) {
		engine_decide(engine, node, iface, t, pkt, ENGINE_DELIVERED,
			      NULL);
		return;
	}
	detail.tcp_flags = out[PKT_IPV6_HDR + 13];
	engine_decide(engine, node, iface, t, pkt, ENGINE_ANSWERED, &detail);
	engine->depth++;
	originate6(engine, node, iface, t + n->icmp.delay_us, out, len);
	engine->depth--;
}

/* The drop reason of an extension header walk that ends a packet. */
static enum engine_drop walk_drop(enum pkt6_walk_status status)
{
	switch (status) {
	case PKT6_WALK_TRUNCATED:
	case PKT6_WALK_BAD_OPTION_LEN:
		return ENGINE_DROP_BAD_TOTAL_LEN;
	case PKT6_WALK_OPTION_DISCARD:
		return ENGINE_DROP_OPTION_DISCARD;
	case PKT6_WALK_FRAGMENT:
		return ENGINE_DROP_FRAGMENT6;
	default:
		return ENGINE_DROP_BAD_EXTENSION;
	}
}

/* Ends a packet whose extension headers @status rejects, with a
 * Parameter Problem where RFC 8200 requires one. */
static void reject_extension(struct engine *engine, int node, int iface,
			     uint64_t t, const struct hop_packet *pkt,
			     enum pkt6_walk_status status,
			     const struct pkt6_chain *chain,
			     const struct pkt_in6 *src)
{
	struct icmp_answer answer = {
		.type = PKT_ICMP6_PARAM_PROBLEM,
		.code = chain->pp_code,
		.rest = chain->pp_pointer,
		.src6 = src,
	};

	if (!pkt6_walk_sends_error(status)) {
		engine_drop(engine, node, iface, t, pkt, walk_drop(status));
		return;
	}
	reject6(engine, node, iface, t, pkt, walk_drop(status), false, &answer);
}

static void deliver6(struct engine *engine, int node, int iface, uint64_t t,
		     struct hop_packet *pkt);

/*
 * Copies the part of @pkt before its Fragment header (at @frag_off) to
 * @out and points the last next-header field in it at what follows the
 * Fragment header, as the reassembled datagram has it.  Returns the
 * length, or 0 when it does not fit.
 */
static size_t unfragmentable_part(const struct hop_packet *pkt, size_t frag_off,
				  uint8_t *out, size_t cap)
{
	size_t field = 6, off = PKT_IPV6_HDR;

	if (frag_off > cap)
		return 0;
	while (off < frag_off) {
		field = off;
		off += ((size_t)pkt->buf[off + 1] + 1) * 8;
	}
	memcpy(out, pkt->buf, frag_off);
	out[field] = pkt->buf[frag_off];
	return frag_off;
}

/* Holds an IPv6 fragment addressed to @node until its datagram is whole
 * (RFC 8200 4.5), then delivers the datagram. */
static void deliver_fragment6(struct engine *engine, int node, int iface,
			      uint64_t t, struct hop_packet *pkt,
			      const struct pkt6_chain *chain)
{
	size_t data_off = (size_t)chain->frag_hdr_off + PKT_IPV6_FRAG_HDR;
	uint8_t header[REASM_HDR_ROOM];
	struct reasm_fragment frag = {
		.node = node,
		.v6 = true,
		.id = chain->frag_id,
		.offset = chain->frag_offset,
		.more = chain->frag_more,
		.data = pkt->buf + data_off,
		.data_len = pkt->len - data_off,
		.header = header,
		.packet = pkt->buf,
		.packet_len = pkt->len,
	};
	struct hop_packet whole = { .v6 = true };
	enum reasm_result result;
	int slot;

	memcpy(frag.src, pkt->ip6.src.b, 16);
	memcpy(frag.dst, pkt->ip6.dst.b, 16);
	frag.header_len = unfragmentable_part(pkt, chain->frag_hdr_off, header,
					      sizeof(header));
	result = reasm_add(engine->reasm, &frag, t,
			   engine->topo->nodes[node].reasm_timeout_us, &slot);
	if (result != REASM_INCOMPLETE && result != REASM_COMPLETE) {
		engine_drop(engine, node, iface, t, pkt,
			    engine_reasm_drop(result));
		return;
	}
	engine_decide(engine, node, iface, t, pkt, ENGINE_DELIVERED, NULL);
	if (result == REASM_INCOMPLETE)
		return;

	whole.buf = reasm_datagram(engine->reasm, slot, &whole.len);
	if (pkt6_parse(whole.buf, whole.len, &whole.ip6) == PKT6_VALID)
		deliver6(engine, node, iface, t, &whole);
	reasm_release(engine->reasm, slot);
}

void engine_expire6(struct engine *engine, int node, uint64_t t, uint8_t *first,
		    size_t len)
{
	struct hop_packet pkt = { .buf = first, .len = len, .v6 = true };
	struct icmp_answer answer = {
		.type = PKT_ICMP6_TIME_EXCEEDED,
		.code = 1, /* fragment reassembly time exceeded */
	};
	struct pkt_in6 self;

	/* A first fragment kept whole parses; one cut at the quote limit
	 * has a payload length past its end, so read it from the bytes. */
	if (len < PKT_IPV6_HDR) {
		engine->drops[ENGINE_DROP_REASM_TIMEOUT]++;
		return;
	}
	if (pkt6_parse(first, len, &pkt.ip6) != PKT6_VALID) {
		memset(&pkt.ip6, 0, sizeof(pkt.ip6));
		memcpy(pkt.ip6.src.b, first + 8, 16);
		memcpy(pkt.ip6.dst.b, first + 24, 16);
		pkt.ip6.next_header = first[6];
	}
	self = pkt.ip6.dst;
	answer.src6 = &self;
	reject6(engine, node, -1, t, &pkt, ENGINE_DROP_REASM_TIMEOUT, false,
		&answer);
}

/* Hands a packet addressed to @node to the node's own stack. */
static void deliver6(struct engine *engine, int node, int iface, uint64_t t,
		     struct hop_packet *pkt)
{
	struct pkt_in6 self = pkt->ip6.dst;
	struct icmp_answer answer = {
		.type = PKT_ICMP6_DEST_UNREACH,
		.code = 4, /* port unreachable */
		.src6 = &self,
	};
	struct pkt6_chain chain;
	enum pkt6_walk_status status;

	status = pkt6_walk(pkt->buf, &pkt->ip6, 0, &chain);
	if (status == PKT6_WALK_FRAGMENT) {
		deliver_fragment6(engine, node, iface, t, pkt, &chain);
		return;
	}
	if (status != PKT6_WALK_UPPER) {
		reject_extension(engine, node, iface, t, pkt, status, &chain,
				 &self);
		return;
	}

	switch (chain.proto) {
	case PKT6_NH_ICMPV6:
		deliver_icmp6(engine, node, iface, t, pkt, chain.l4_off);
		break;
	case PKT6_NH_TCP:
		deliver_tcp6(engine, node, iface, t, pkt, chain.l4_off);
		break;
	case PKT6_NH_UDP:
		if (pkt->len - chain.l4_off < PKT_UDP_HDR ||
		    !checksum_ok6(pkt, chain.l4_off, PKT6_NH_UDP)) {
			engine_drop(engine, node, iface, t, pkt,
				    ENGINE_DROP_BAD_UDP);
			break;
		}
		reject6(engine, node, iface, t, pkt, 0, true, &answer);
		break;
	default: /* No Next Header */
		engine_decide(engine, node, iface, t, pkt, ENGINE_DELIVERED,
			      NULL);
		break;
	}
}

/* Finds the interface that receives a packet sent toward @dst over
 * @route, or -1 when it is on the link but no interface owns it. */
static int next_hop6(const struct topology *topo,
		     const struct topo_route6 *route, const struct pkt_in6 *dst)
{
	int owner;

	if (route->kind == TOPO_ROUTE_VIA)
		return route->next_iface;
	owner = topo_addr6_owner(topo, dst);
	if (owner < 0 ||
	    topo->ifaces[owner].link != topo->ifaces[route->iface].link)
		return -1;
	return owner;
}

/*
 * Whether @node redirects the source of @pkt, which it forwards from
 * @iface to @next_iface on the same LAN (RFC 4861 8.2, Linux's
 * ip6_forward): the source must be a neighbour on that LAN, the new first
 * hop another node than the source, and the rate limits must allow it.
 * Sets @target to the new first hop: the destination itself when it is on
 * the LAN, else the next router's link-local address.
 */
static bool redirect_target(struct engine *engine, int node, int iface,
			    int next_iface, const struct topo_route6 *route,
			    uint64_t t, const struct hop_packet *pkt,
			    struct pkt_in6 *target)
{
	const struct topology *topo = engine->topo;
	const struct topo_route6 *back =
	    topo_route6_lookup(topo, node, &pkt->ip6.src);
	const struct topo_iface *next = &topo->ifaces[next_iface];

	/* Linux's ip6_forward takes the destination's token before
	 * ndisc_send_redirect checks the source. */
	if (!redirect_allow6_dest(engine->redirects[node], &pkt->ip6.dst, t))
		return false;
	/* A link-local source is a neighbour on the link it came from. */
	if ((!pkt6_addr_is_link_local(&pkt->ip6.src) &&
	     (!back || back->kind != TOPO_ROUTE_CONNECTED ||
	      back->iface != iface)) ||
	    topo_addr6_owner(topo, &pkt->ip6.src) == next_iface)
		return false;
	if (!redirect_allow6_source(engine->redirects[node], &pkt->ip6.src, t))
		return false;
	*target = route->kind == TOPO_ROUTE_VIA ? next->ll6 : pkt->ip6.dst;
	return true;
}

/* Sends a Redirect about @pkt to its source, from @node's link-local
 * address on @iface, with hop limit 255 (RFC 4861 4.5). */
static void send_redirect6(struct engine *engine, int node, int iface,
			   uint64_t t, const struct hop_packet *pkt,
			   const struct pkt_in6 *target)
{
	const struct topology *topo = engine->topo;
	uint8_t *out = engine_next_buffer(engine);
	size_t len;

	if (!out) {
		engine->drops[ENGINE_DROP_TOO_DEEP]++;
		return;
	}
	len = pkt6_icmp_build_redirect(out, ENGINE_BUF_SIZE,
				       &topo->ifaces[iface].ll6, target,
				       pkt->buf, pkt->len);
	if (!len)
		return;
	engine->depth++;
	originate6(engine, node, iface, t + topo->nodes[node].icmp.delay_us,
		   out, len);
	engine->depth--;
}

/*
 * Applies @node's forwarding decision to @pkt: Hop-by-Hop options, route
 * lookup and type, hop limit, neighbour, redirect, MTU.  Returns the
 * interface that receives the packet, or -1 when @node consumed it.  As
 * in Linux's ip6_forward, a redirect quotes the packet before its hop
 * limit drops, and comes before a packet too big about the same packet.
 */
static int forward6(struct engine *engine, int node, int iface, uint64_t t,
		    struct hop_packet *pkt, bool originated)
{
	const struct topology *topo = engine->topo;
	const struct topo_route6 *route;
	struct icmp_answer answer = { .type = PKT_ICMP6_DEST_UNREACH };
	struct engine_event detail = { .next_node = -1 };
	enum pkt6_walk_status status;
	struct pkt6_chain chain;
	struct pkt_in6 target;
	bool redirected = false;
	uint32_t mtu;
	int next_iface;

	/* Transit routers process Hop-by-Hop options only (RFC 8200 4). */
	if (!originated && pkt->ip6.next_header == PKT6_NH_HOP_BY_HOP) {
		status =
		    pkt6_walk(pkt->buf, &pkt->ip6, PKT6_WALK_HBH_ONLY, &chain);
		if (status != PKT6_WALK_UPPER) {
			reject_extension(engine, node, iface, t, pkt, status,
					 &chain, NULL);
			return -1;
		}
	}

	route = topo_route6_lookup(topo, node, &pkt->ip6.dst);
	if (!route) {
		answer.code = 0; /* no route to destination */
		reject6(engine, node, iface, t, pkt, ENGINE_DROP_NO_ROUTE,
			false, &answer);
		return -1;
	}
	switch (route->kind) {
	case TOPO_ROUTE_BLACKHOLE:
		engine_drop(engine, node, iface, t, pkt, ENGINE_DROP_BLACKHOLE);
		return -1;
	case TOPO_ROUTE_UNREACHABLE:
		answer.code = 6; /* reject route to destination */
		reject6(engine, node, iface, t, pkt,
			ENGINE_DROP_UNREACHABLE_ROUTE, false, &answer);
		return -1;
	case TOPO_ROUTE_PROHIBIT:
		answer.code = 1; /* administratively prohibited */
		reject6(engine, node, iface, t, pkt, ENGINE_DROP_PROHIBITED,
			false, &answer);
		return -1;
	case TOPO_ROUTE_CONNECTED:
	case TOPO_ROUTE_VIA:
		break;
	}

	if (!originated && pkt->ip6.hop_limit <= 1) {
		answer.type = PKT_ICMP6_TIME_EXCEEDED;
		answer.code = 0;
		reject6(engine, node, iface, t, pkt, ENGINE_DROP_TTL_EXPIRED,
			false, &answer);
		return -1;
	}

	next_iface = next_hop6(topo, route, &pkt->ip6.dst);
	if (next_iface < 0) {
		/* Neighbour discovery gives up after the node's timeout. */
		answer.code = 3; /* address unreachable */
		answer.delay_us = topo->nodes[node].arp_timeout_us;
		reject6(engine, node, iface, t, pkt,
			ENGINE_DROP_NEIGHBOUR_FAILED, false, &answer);
		return -1;
	}

	if (engine_may_redirect(engine, node, iface, route->iface,
				originated) &&
	    redirect_target(engine, node, iface, next_iface, route, t, pkt,
			    &target))
		redirected = true;

	/* A link-local source must not leave its link (RFC 4291 2.5.6), but
	 * a packet forwarded back onto that link may go on, as in Linux's
	 * ip6_forward. */
	if (!originated && pkt6_addr_is_link_local(&pkt->ip6.src) &&
	    route->iface != iface) {
		answer.code = 2; /* beyond scope of source address */
		reject6(engine, node, iface, t, pkt, ENGINE_DROP_LINK_LOCAL,
			false, &answer);
		return -1;
	}

	/* IPv6 routers never fragment (RFC 8200 5): only the source does. */
	mtu = topo->links[topo->ifaces[route->iface].link].mtu;
	if (pkt->len > mtu && !originated) {
		answer.type = PKT_ICMP6_PACKET_TOO_BIG;
		answer.code = 0;
		answer.rest = mtu;
		if (redirected)
			send_redirect6(engine, node, iface, t, pkt, &target);
		reject6(engine, node, iface, t, pkt, ENGINE_DROP_PACKET_TOO_BIG,
			false, &answer);
		return -1;
	}

	if (redirected) {
		detail.answer_proto = PKT6_NH_ICMPV6;
		detail.icmp_type = PKT_ICMP6_REDIRECT;
		detail.icmp_code = 0;
	}
	detail.next_node = topo->ifaces[next_iface].node;
	engine_decide(engine, node, iface, t, pkt, ENGINE_FORWARDED, &detail);
	if (redirected)
		send_redirect6(engine, node, iface, t, pkt, &target);
	if (!originated) {
		pkt6_decrement_hop_limit(pkt->buf);
		pkt->ip6.hop_limit--;
	}
	return next_iface;
}

/*
 * Splits @pkt, which @node originated and which has no extension
 * headers, into fragments of at most @mtu bytes (RFC 8200 4.5) and sends
 * each to @next_iface.
 */
static void fragment6(struct engine *engine, int node, int next_iface,
		      uint64_t t, const struct hop_packet *pkt, uint32_t mtu)
{
	size_t payload = pkt->len - PKT_IPV6_HDR;
	size_t chunk_max = (mtu - PKT_IPV6_HDR - PKT_IPV6_FRAG_HDR) & ~7u;
	int next_node = engine->topo->ifaces[next_iface].node;
	uint32_t id = 0x10000u * (uint32_t)node + engine->ip_id[node]++;
	uint8_t *out = engine_next_buffer(engine);
	size_t offset;

	if (!out) {
		engine_drop(engine, node, -1, t, pkt, ENGINE_DROP_TOO_DEEP);
		return;
	}
	for (offset = 0; offset < payload; offset += chunk_max) {
		size_t chunk =
		    payload - offset < chunk_max ? payload - offset : chunk_max;
		bool more = offset + chunk < payload;
		struct hop_packet frag = { .buf = out, .v6 = true };
		uint8_t *fh = out + PKT_IPV6_HDR;
		uint64_t arrival;

		memcpy(out, pkt->buf, PKT_IPV6_HDR);
		pkt_put16(out + 4, (uint16_t)(PKT_IPV6_FRAG_HDR + chunk));
		out[6] = PKT6_NH_FRAGMENT;
		fh[0] = pkt->ip6.next_header;
		fh[1] = 0;
		pkt_put16(fh + 2, (uint16_t)(offset | (more ? 1 : 0)));
		pkt_put32(fh + 4, id);
		memcpy(fh + PKT_IPV6_FRAG_HDR, pkt->buf + PKT_IPV6_HDR + offset,
		       chunk);
		frag.len = PKT_IPV6_HDR + PKT_IPV6_FRAG_HDR + chunk;
		pkt6_parse(out, frag.len, &frag.ip6);

		engine->depth++;
		if (engine_cross_link(engine, node, next_iface, t, &frag,
				      &arrival))
			engine_walk6(engine, next_node, next_iface, arrival,
				     &frag, false);
		engine->depth--;
	}
}

/*
 * Returns the interface on @iface's link that sent a packet from @src:
 * the peer of a point-to-point link, and on a LAN the owner of @src, or
 * the kernel for an address the topology does not know.  -1 if none.
 */
static int link_sender(const struct topology *topo, int iface,
		       const struct pkt_in6 *src)
{
	const struct topo_iface *in = &topo->ifaces[iface];
	const struct topo_link *link = &topo->links[in->link];
	int owner;

	if (in->peer >= 0)
		return in->peer;
	owner = topo_addr6_owner(topo, src);
	if (owner >= 0 && owner != iface &&
	    topo->ifaces[owner].link == in->link)
		return owner;
	if (topo->nodes[topo->ifaces[link->iface[0]].node].kind ==
	    TOPO_NODE_KERNEL)
		return link->iface[0];
	return -1;
}

/*
 * Records the Redirect @pkt that goes to the kernel of @tun, if Linux's
 * rt6_do_redirect would take it.  It needs hop limit 255 and code 0, and
 * must come from the link-local address of the router the kernel routes
 * through.  Its target must be the destination itself or another node's
 * link-local address on the device's LAN.
 */
static void kernel_learn6(struct engine *engine, int tun, uint64_t t,
			  const struct hop_packet *pkt)
{
	const struct topology *topo = engine->topo;
	const struct topo_tun *dev = &topo->tuns[tun];
	const struct topo_iface *k = &topo->ifaces[dev->kernel_iface];
	const uint8_t *msg = pkt->buf + PKT_IPV6_HDR;
	struct pkt_in6 target, dest;
	int owner;

	if (pkt->ip6.next_header != PKT6_NH_ICMPV6 ||
	    pkt->ip6.payload_len < 40 || msg[0] != PKT_ICMP6_REDIRECT ||
	    msg[1] != 0 || pkt->ip6.hop_limit != 255 ||
	    !topo->links[k->link].lan ||
	    memcmp(pkt->ip6.src.b, topo->ifaces[dev->router_iface].ll6.b, 16) !=
		0)
		return;
	memcpy(target.b, msg + 8, 16);
	memcpy(dest.b, msg + 24, 16);
	owner = topo_addr6_owner(topo, &target);
	if (memcmp(target.b, dest.b, 16) != 0 &&
	    !pkt6_addr_is_link_local(&target))
		return;
	if (owner < 0 || owner == dev->router_iface ||
	    owner == dev->kernel_iface || topo->ifaces[owner].link != k->link)
		return;
	engine_kernel_redirected(engine, tun, true, dest.b, owner, t);
}

void engine_walk6(struct engine *engine, int node, int iface, uint64_t t,
		  struct hop_packet *pkt, bool originated)
{
	const struct topology *topo = engine->topo;

	for (;;) {
		const struct topo_node *n = &topo->nodes[node];
		int next_iface;
		uint32_t mtu;

		/* IPv6 has no header checksum: a corrupted header shows only
		 * if its version or length no longer parse. */
		if (pkt->corrupted && n->kind != TOPO_NODE_KERNEL) {
			pkt->corrupted = false;
			if (pkt6_parse(pkt->buf, pkt->len, &pkt->ip6) !=
			    PKT6_VALID) {
				engine_drop(engine, node, iface, t, pkt,
					    ENGINE_DROP_BAD_VERSION);
				return;
			}
		}
		if (n->kind == TOPO_NODE_KERNEL) {
			engine_decide(engine, node, iface, t, pkt, ENGINE_LEFT,
				      NULL);
			kernel_learn6(engine, n->tun, t, pkt);
			if (engine->ops.output(engine->ctx, n->tun, t, pkt->buf,
					       pkt->len) < 0)
				engine->drops[ENGINE_DROP_OUTPUT_FULL]++;
			return;
		}
		/* A link-local address is the node's only on its own link. */
		if (!originated && node_owns6(topo, node, &pkt->ip6.dst) &&
		    (!pkt6_addr_is_link_local(&pkt->ip6.dst) ||
		     (iface >= 0 && pkt6_addr_equal(&topo->ifaces[iface].ll6,
						    &pkt->ip6.dst)))) {
			deliver6(engine, node, iface, t, pkt);
			return;
		}
		if (pkt->link_group) {
			engine_drop(engine, node, iface, t, pkt,
				    ENGINE_DROP_LINK_BROADCAST);
			return;
		}
		if (!originated && n->kind == TOPO_NODE_HOST) {
			engine_drop(engine, node, iface, t, pkt,
				    ENGINE_DROP_NOT_FOR_HOST);
			return;
		}
		if (pkt6_addr_is_multicast(&pkt->ip6.dst) ||
		    pkt6_addr_is_unspecified(&pkt->ip6.dst) ||
		    pkt6_addr_is_loopback(&pkt->ip6.dst)) {
			engine_drop(engine, node, iface, t, pkt,
				    ENGINE_DROP_MARTIAN_DEST);
			return;
		}
		if (pkt6_addr_is_link_local(&pkt->ip6.dst)) {
			engine_drop(engine, node, iface, t, pkt,
				    ENGINE_DROP_LINK_LOCAL);
			return;
		}
		next_iface = forward6(engine, node, iface, t, pkt, originated);
		if (next_iface < 0)
			return;
		mtu = topo->links[topo->ifaces[next_iface].link].mtu;
		if (pkt->len > mtu) {
			fragment6(engine, node, next_iface, t, pkt, mtu);
			return;
		}
		if (!engine_cross_link(engine, node, next_iface, t, pkt, &t))
			return;
		node = topo->ifaces[next_iface].node;
		iface = next_iface;
		originated = false;
	}
}

/*
 * Replies to an echo request that the kernel of @tun sent to all nodes
 * (ff02::1) or all routers (ff02::2), from each node of the group on the
 * device's link, as Linux does (RFC 4443 4.2).  Each replies from its
 * global address there, or from its link-local one when the request came
 * from a link-local address.  Returns false when @pkt is no such request.
 */
static bool answer_group_echo(struct engine *engine, int tun, uint64_t t,
			      const struct hop_packet *pkt)
{
	static const uint8_t all_nodes[16] = { 0xff, 0x02, [15] = 1 };
	static const uint8_t all_routers[16] = { 0xff, 0x02, [15] = 2 };
	const struct topology *topo = engine->topo;
	const struct topo_tun *dev = &topo->tuns[tun];
	const struct topo_link *link =
	    &topo->links[topo->ifaces[dev->kernel_iface].link];
	struct engine_event detail = {
		.next_node = -1,
		.answer_proto = PKT6_NH_ICMPV6,
		.icmp_type = PKT_ICMP6_ECHO_REPLY,
	};
	bool local = pkt6_addr_is_link_local(&pkt->ip6.src);
	bool routers_only = memcmp(pkt->ip6.dst.b, all_routers, 16) == 0;
	int i;

	if (pkt->ip6.next_header != PKT6_NH_ICMPV6 ||
	    pkt->ip6.payload_len < PKT_ICMP6_HDR ||
	    pkt->buf[PKT_IPV6_HDR] != PKT_ICMP6_ECHO_REQUEST ||
	    (!routers_only && memcmp(pkt->ip6.dst.b, all_nodes, 16) != 0))
		return false;

	for (i = 0; i < link->n_ifaces; i++) {
		int member = link->iface[i];
		const struct topo_iface *iface = &topo->ifaces[member];
		const struct topo_node *n = &topo->nodes[iface->node];
		uint8_t *out;
		size_t len;

		if (member == dev->kernel_iface || iface->plen6 == 0 ||
		    (routers_only && n->kind != TOPO_NODE_ROUTER))
			continue;
		if (!n->icmp.echo) {
			engine_drop(engine, iface->node, member, t, pkt,
				    ENGINE_DROP_ECHO_DISABLED);
			continue;
		}
		out = engine_next_buffer(engine);
		if (!out)
			return true;
		memcpy(out, pkt->buf, pkt->len);
		len = pkt6_icmp_echo_reply(
		    out, pkt->len, local ? &iface->ll6 : &iface->addr6, n->ttl);
		if (!len) {
			engine_drop(engine, iface->node, member, t, pkt,
				    ENGINE_DROP_BAD_ICMP);
			return true;
		}
		if (!engine_icmp_permitted(engine, iface->node,
					   peer_key(&pkt->ip6.src),
					   PKT_ICMP6_ECHO_REPLY, 0, t, true)) {
			engine_decide(engine, iface->node, member, t, pkt,
				      ENGINE_DELIVERED, NULL);
			continue;
		}
		engine_decide(engine, iface->node, member, t, pkt,
			      ENGINE_ANSWERED, &detail);
		engine->depth++;
		originate6(engine, iface->node, member, t + n->icmp.delay_us,
			   out, len);
		engine->depth--;
	}
	return true;
}

void engine_input6(struct engine *engine, int tun, uint64_t now_us,
		   uint8_t *packet, size_t len, bool link_group)
{
	const struct topology *topo = engine->topo;
	const struct topo_tun *dev = &topo->tuns[tun];
	int router = topo->ifaces[dev->router_iface].node;
	struct hop_packet pkt = {
		.buf = packet,
		.len = len,
		.v6 = true,
		.link_group = link_group,
	};
	int entry;

	switch (pkt6_parse(packet, len, &pkt.ip6)) {
	case PKT6_VALID:
		break;
	case PKT6_BAD_LENGTH:
		engine_drop(engine, router, dev->router_iface, now_us, &pkt,
			    ENGINE_DROP_BAD_LENGTH);
		return;
	case PKT6_BAD_VERSION:
		engine_drop(engine, router, dev->router_iface, now_us, &pkt,
			    ENGINE_DROP_BAD_VERSION);
		return;
	case PKT6_BAD_PAYLOAD_LEN:
		engine_drop(engine, router, dev->router_iface, now_us, &pkt,
			    ENGINE_DROP_BAD_TOTAL_LEN);
		return;
	}
	pkt.len = PKT_IPV6_HDR + pkt.ip6.payload_len;

	/* Echo requests to all nodes or all routers get replies.  The
	 * kernel's own router solicitations, MLD reports and neighbour
	 * solicitations go to multicast groups: counted, never replied to.
	 * The first router still processes Hop-by-Hop options, because an
	 * option whose action bits are 10 requires a parameter problem even
	 * about a multicast packet (RFC 8200 4.2). */
	if (pkt6_addr_is_multicast(&pkt.ip6.dst)) {
		engine->depth = 0;
		if (!pkt6_addr_is_multicast(&pkt.ip6.src) &&
		    !pkt6_addr_is_unspecified(&pkt.ip6.src) &&
		    answer_group_echo(engine, tun, now_us, &pkt))
			return;
		if (pkt.ip6.next_header == PKT6_NH_HOP_BY_HOP) {
			struct pkt6_chain chain;
			enum pkt6_walk_status status = pkt6_walk(
			    packet, &pkt.ip6, PKT6_WALK_HBH_ONLY, &chain);

			if (pkt6_walk_sends_error(status)) {
				reject_extension(engine, router,
						 dev->router_iface, now_us,
						 &pkt, status, &chain, NULL);
				return;
			}
		}
		engine_drop(engine, router, dev->router_iface, now_us, &pkt,
			    ENGINE_DROP_IPV6_MULTICAST);
		return;
	}
	if (pkt6_addr_is_multicast(&pkt.ip6.src) ||
	    pkt6_addr_is_unspecified(&pkt.ip6.src) ||
	    pkt6_addr_is_loopback(&pkt.ip6.src)) {
		engine_drop(engine, router, dev->router_iface, now_us, &pkt,
			    ENGINE_DROP_MARTIAN_SOURCE);
		return;
	}

	engine->depth = 0;
	entry = dev->router_iface;
	if (topo->links[topo->ifaces[entry].link].lan)
		entry = engine_kernel_entry(
		    engine, tun, true, pkt.ip6.dst.b,
		    topo_addr6_owner(topo, &pkt.ip6.dst), now_us);
	engine_walk6(engine, topo->ifaces[entry].node, entry, now_us, &pkt,
		     false);
}
