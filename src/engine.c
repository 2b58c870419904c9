// SPDX-License-Identifier: MIT
/* The forwarding engine: one packet through every hop in one pass. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "engine_impl.h"
#include "hopsim/checksum.h"
#include "hopsim/packet.h"

static const char *const drop_names[ENGINE_DROP_COUNT] = {
	[ENGINE_DROP_BAD_LENGTH] = "bad-length",
	[ENGINE_DROP_BAD_VERSION] = "bad-version",
	[ENGINE_DROP_BAD_IHL] = "bad-ihl",
	[ENGINE_DROP_BAD_TOTAL_LEN] = "bad-total-length",
	[ENGINE_DROP_BAD_CHECKSUM] = "bad-checksum",
	[ENGINE_DROP_MARTIAN_SOURCE] = "martian-source",
	[ENGINE_DROP_MARTIAN_DEST] = "martian-destination",
	[ENGINE_DROP_NOT_FOR_HOST] = "not-for-this-host",
	[ENGINE_DROP_NO_ROUTE] = "no-route",
	[ENGINE_DROP_BLACKHOLE] = "blackhole-route",
	[ENGINE_DROP_UNREACHABLE_ROUTE] = "unreachable-route",
	[ENGINE_DROP_PROHIBITED] = "prohibit-route",
	[ENGINE_DROP_TTL_EXPIRED] = "ttl-expired",
	[ENGINE_DROP_NEIGHBOUR_FAILED] = "neighbour-unresolved",
	[ENGINE_DROP_FRAG_NEEDED] = "fragmentation-needed",
	[ENGINE_DROP_NO_ROUTE_BACK] = "no-route-for-reply",
	[ENGINE_DROP_ICMP_IGNORED] = "icmp-not-answered",
	[ENGINE_DROP_BAD_ICMP] = "bad-icmp",
	[ENGINE_DROP_BAD_TCP] = "bad-tcp",
	[ENGINE_DROP_BAD_UDP] = "bad-udp",
	[ENGINE_DROP_TOO_DEEP] = "nesting-too-deep",
	[ENGINE_DROP_OUTPUT_FULL] = "output-queue-full",
	[ENGINE_DROP_LINK_DOWN] = "link-down",
	[ENGINE_DROP_LINK_BROADCAST] = "link-broadcast-not-forwarded",
	[ENGINE_DROP_BAD_OPTIONS] = "bad-ip-options",
	[ENGINE_DROP_SOURCE_ROUTE] = "source-route",
	[ENGINE_DROP_LINK_LOSS] = "link-loss",
	[ENGINE_DROP_LINK_QUEUE_FULL] = "link-queue-full",
	[ENGINE_DROP_ECHO_DISABLED] = "echo-disabled",
	[ENGINE_DROP_REASM_OVERLAP] = "fragment-overlap",
	[ENGINE_DROP_REASM_TOO_BIG] = "reassembly-too-big",
	[ENGINE_DROP_REASM_INVALID] = "fragment-invalid",
	[ENGINE_DROP_REASM_DUPLICATE] = "fragment-duplicate",
	[ENGINE_DROP_REASM_FULL] = "reassembly-full",
	[ENGINE_DROP_REASM_TIMEOUT] = "reassembly-timeout",
	[ENGINE_DROP_IPV6_MULTICAST] = "ipv6-multicast",
	[ENGINE_DROP_BAD_EXTENSION] = "ipv6-bad-extension-header",
	[ENGINE_DROP_OPTION_DISCARD] = "ipv6-option-discard",
	[ENGINE_DROP_PACKET_TOO_BIG] = "packet-too-big",
	[ENGINE_DROP_LINK_LOCAL] = "link-local-not-forwarded",
	[ENGINE_DROP_FRAGMENT6] = "ipv6-fragment-not-reassembled",
	[ENGINE_DROP_ICMP_SILENT] = "icmp-silent",
	[ENGINE_DROP_ICMP_RATE_LIMITED] = "icmp-rate-limited",
	[ENGINE_DROP_ICMP_FRAG_NEEDED_OFF] = "frag-needed-off",
};

const char *engine_drop_name(enum engine_drop reason)
{
	if ((unsigned)reason >= ENGINE_DROP_COUNT)
		return "unknown";
	return drop_names[reason];
}

/* Returns the largest rate queue a link direction ever needs. */
static uint32_t queue_cap(const struct topology *topo, int link, int dir)
{
	uint32_t cap = topo->links[link].dir[dir].queue_limit;
	int i;

	for (i = 0; i < topo->n_events; i++) {
		const struct topo_event *ev = &topo->events[i];

		if (ev->kind == TOPO_EVENT_LINK_SET && ev->link == link &&
		    ev->dir[dir].queue_limit > cap)
			cap = ev->dir[dir].queue_limit;
	}
	return cap;
}

/* True when node @node's ICMP is rate limited now or on the timeline. */
static bool ever_limited(const struct topology *topo, int node)
{
	int i;

	if (topo->nodes[node].icmp.ratelimit.enabled ||
	    topo->nodes[node].icmp.ratelimit6.enabled)
		return true;
	for (i = 0; i < topo->n_events; i++) {
		const struct topo_event *ev = &topo->events[i];

		if (ev->kind == TOPO_EVENT_NODE_SET && ev->node == node &&
		    (ev->icmp.ratelimit.enabled || ev->icmp.ratelimit6.enabled))
			return true;
	}
	return false;
}

/* Whether @node is a router with an interface on a LAN. */
static bool on_lan(const struct topology *topo, int node)
{
	const struct topo_node *n = &topo->nodes[node];
	int i;

	if (n->kind != TOPO_NODE_ROUTER)
		return false;
	for (i = n->first_iface; i < n->first_iface + n->n_ifaces; i++)
		if (topo->ifaces[i].link >= 0 &&
		    topo->links[topo->ifaces[i].link].lan)
			return true;
	return false;
}

static int create_state(struct engine *engine, uint64_t seed)
{
	const struct topology *topo = engine->topo;
	int i, d;

	engine->links =
	    calloc((size_t)topo->n_links * 2, sizeof(*engine->links));
	engine->limiters =
	    calloc((size_t)topo->n_nodes, sizeof(*engine->limiters));
	engine->redirects =
	    calloc((size_t)topo->n_nodes, sizeof(*engine->redirects));
	engine->kernel =
	    calloc((size_t)topo->n_tuns + 1, sizeof(*engine->kernel));
	engine->reasm = reasm_create();
	if (!engine->links || !engine->limiters || !engine->redirects ||
	    !engine->kernel || !engine->reasm)
		return -ENOMEM;

	/* Stream 2i+d feeds direction d of link i; the last is ICMP's. */
	for (i = 0; i < topo->n_links; i++) {
		for (d = 0; d < 2; d++) {
			if (link_state_init(&engine->links[2 * i + d], seed,
					    (uint64_t)(2 * i + d),
					    queue_cap(topo, i, d)) < 0)
				return -ENOMEM;
		}
	}
	rng_seed(&engine->icmp_rng, seed, (uint64_t)topo->n_links * 2);

	for (i = 0; i < topo->n_nodes; i++) {
		if (!ever_limited(topo, i))
			continue;
		engine->limiters[i] = ratelimit_create();
		if (!engine->limiters[i])
			return -ENOMEM;
	}
	for (i = 0; i < topo->n_nodes; i++) {
		if (!on_lan(topo, i))
			continue;
		engine->redirects[i] = redirect_limit_create();
		if (!engine->redirects[i])
			return -ENOMEM;
	}
	return 0;
}

struct engine *engine_create(struct topology *topo,
			     const struct engine_ops *ops, void *ctx,
			     uint64_t seed)
{
	struct engine *engine;
	int i;

	engine = calloc(1, sizeof(*engine));
	if (!engine)
		return NULL;
	engine->topo = topo;
	engine->ops = *ops;
	engine->ctx = ctx;

	engine->ip_id = calloc((size_t)topo->n_nodes, sizeof(*engine->ip_id));
	engine->bufs = malloc(sizeof(*engine->bufs) * ENGINE_MAX_DEPTH);
	if (!engine->ip_id || !engine->bufs || create_state(engine, seed) < 0)
		goto fail;

	/* Distinct, repeatable starting IDs per node. */
	for (i = 0; i < topo->n_nodes; i++)
		engine->ip_id[i] = (uint16_t)(0x1000u + 0x0f1du * (unsigned)i);
	return engine;

fail:
	engine_destroy(engine);
	errno = ENOMEM;
	return NULL;
}

static struct kernel_route *kernel_find(struct engine *engine, int tun, bool v6,
					const uint8_t *dst)
{
	struct kernel_routes *k = &engine->kernel[tun];
	size_t len = v6 ? 16 : 4;
	int i;

	for (i = 0; i < ENGINE_KERNEL_ROUTES; i++) {
		struct kernel_route *r = &k->slots[i];

		if (r->used && r->v6 == v6 && memcmp(r->dst, dst, len) == 0)
			return r;
	}
	return NULL;
}

static struct kernel_pending *pending_find(struct engine *engine, int tun,
					   bool v6, const uint8_t *dst)
{
	struct kernel_routes *k = &engine->kernel[tun];
	size_t len = v6 ? 16 : 4;
	int i;

	for (i = 0; i < ENGINE_KERNEL_PENDING; i++) {
		struct kernel_pending *p = &k->pending[i];

		if (p->used && p->v6 == v6 && memcmp(p->dst, dst, len) == 0)
			return p;
	}
	return NULL;
}

/* Records a redirect about @dst written to the kernel of @tun at @now_us,
 * in place of the oldest when all slots are taken. */
static void pending_add(struct engine *engine, int tun, bool v6,
			const uint8_t *dst, uint64_t now_us)
{
	struct kernel_routes *k = &engine->kernel[tun];
	struct kernel_pending *p = pending_find(engine, tun, v6, dst);
	int i;

	if (p) {
		p->redirect_us = now_us;
		return;
	}
	for (i = 0; i < ENGINE_KERNEL_PENDING; i++) {
		struct kernel_pending *slot = &k->pending[i];

		if (!slot->used) {
			p = slot;
			break;
		}
		if (!p || slot->redirect_us < p->redirect_us)
			p = slot;
	}
	memset(p, 0, sizeof(*p));
	p->used = true;
	p->v6 = v6;
	memcpy(p->dst, dst, v6 ? 16 : 4);
	p->entry = engine->topo->tuns[tun].router_iface;
	p->redirect_us = now_us;
}

/* Returns a slot for @dst: a free one, or the one that expires first. */
static struct kernel_route *kernel_claim(struct engine *engine, int tun,
					 bool v6, const uint8_t *dst)
{
	struct kernel_routes *k = &engine->kernel[tun];
	struct kernel_route *r = NULL;
	int i;

	for (i = 0; i < ENGINE_KERNEL_ROUTES; i++) {
		struct kernel_route *slot = &k->slots[i];

		if (!slot->used) {
			r = slot;
			break;
		}
		if (!r || slot->expires_us < r->expires_us)
			r = slot;
	}
	memset(r, 0, sizeof(*r));
	r->used = true;
	r->v6 = v6;
	memcpy(r->dst, dst, v6 ? 16 : 4);
	return r;
}

/* Asks the kernel of @tun for its first hop to @dst: the interface on the
 * TUN's LAN that owns its gateway, else the TUN's router. */
static int kernel_lookup(struct engine *engine, int tun, bool v6,
			 const uint8_t *dst)
{
	static const uint8_t none[16];
	const struct topology *topo = engine->topo;
	const struct topo_tun *dev = &topo->tuns[tun];
	int link = topo->ifaces[dev->router_iface].link;
	uint8_t gateway[16] = { 0 };
	struct pkt_in6 gateway6;
	int owner;

	if (engine->ops.kernel_gateway(engine->ctx, tun, v6, dst, gateway) <
		0 ||
	    memcmp(gateway, none, v6 ? 16 : 4) == 0)
		return dev->router_iface;
	memcpy(gateway6.b, gateway, 16);
	owner = v6 ? topo_addr6_owner(topo, &gateway6)
		   : topo_addr_owner(topo, pkt_get32(gateway));
	if (owner < 0 || owner == dev->kernel_iface ||
	    topo->ifaces[owner].link != link)
		return dev->router_iface;
	return owner;
}

int engine_kernel_entry(struct engine *engine, int tun, bool v6,
			const uint8_t *dst, int owner, uint64_t now_us)
{
	const struct topology *topo = engine->topo;
	const struct topo_tun *dev = &topo->tuns[tun];
	int entry = topo_tun_entry(topo, tun, owner);
	struct kernel_route *r;

	if (entry != dev->router_iface)
		return entry; /* on the LAN: sent straight to its owner */
	if (!topo->links[topo->ifaces[entry].link].lan)
		return entry; /* no other first hop to take */
	r = kernel_find(engine, tun, v6, dst);
	if (engine->ops.kernel_gateway) {
		const struct kernel_pending *p =
		    pending_find(engine, tun, v6, dst);

		if (p)
			return p->entry;
		if (r && now_us < r->expires_us)
			return r->entry;
		if (!r)
			r = kernel_claim(engine, tun, v6, dst);
		r->entry = kernel_lookup(engine, tun, v6, dst);
		r->expires_us = now_us + ENGINE_KERNEL_CHECK_US;
		return r->entry;
	}
	if (!r)
		return entry;
	if (now_us >= r->expires_us) {
		r->used = false;
		return entry;
	}
	/* An IPv6 redirect lasts while it is used. */
	if (v6)
		r->expires_us = now_us + ENGINE_REDIRECT6_US;
	return r->entry;
}

void engine_kernel_redirected(struct engine *engine, int tun, bool v6,
			      const uint8_t *dst, int entry, uint64_t now_us)
{
	struct kernel_route *r = kernel_find(engine, tun, v6, dst);

	if (engine->ops.kernel_gateway) {
		/* The kernel decides: query it again once it has read the
		 * redirect.  Until then its packets go through the router. */
		pending_add(engine, tun, v6, dst, now_us);
		return;
	}
	if (!r)
		r = kernel_claim(engine, tun, v6, dst);
	r->entry = entry;
	r->expires_us =
	    now_us + (v6 ? ENGINE_REDIRECT6_US : ENGINE_REDIRECT4_US);
}

void engine_kernel_caught_up(struct engine *engine, int tun,
			     uint64_t written_us)
{
	struct kernel_routes *k;
	int i;

	if (tun < 0 || tun >= engine->topo->n_tuns)
		return;
	k = &engine->kernel[tun];
	for (i = 0; i < ENGINE_KERNEL_PENDING; i++) {
		struct kernel_pending *p = &k->pending[i];
		struct kernel_route *r;

		if (!p->used || p->redirect_us > written_us)
			continue;
		p->used = false;
		r = kernel_find(engine, tun, p->v6, p->dst);
		if (r)
			r->expires_us = 0;
	}
}

/*
 * Records the IPv4 redirect @pkt that goes to the kernel of @tun, if Linux's
 * __ip_do_redirect does: it must come from the router the kernel routes
 * through, about a destination off the kernel's subnet, and name another
 * node on the device's LAN.
 */
static void kernel_learn4(struct engine *engine, int tun, uint64_t t,
			  const struct hop_packet *pkt)
{
	const struct topology *topo = engine->topo;
	const struct topo_tun *dev = &topo->tuns[tun];
	const struct topo_iface *k = &topo->ifaces[dev->kernel_iface];
	const uint8_t *icmp = pkt->buf + pkt->ip.hdr_len;
	size_t icmp_len = pkt->ip.total_len - pkt->ip.hdr_len;
	uint32_t mask = k->plen ? ~0u << (32 - k->plen) : 0;
	uint32_t dst;
	int owner;

	if (pkt->ip.proto != PKT_PROTO_ICMP ||
	    icmp_len < 8 + PKT_IPV4_MIN_HDR || icmp[0] != PKT_ICMP_REDIRECT ||
	    (icmp[1] & 7) > 3 || !topo->links[k->link].lan ||
	    pkt->ip.src != topo->ifaces[dev->router_iface].addr)
		return;
	dst = pkt_get32(icmp + 8 + 16);
	owner = topo_addr_owner(topo, pkt_get32(icmp + 4));
	if ((dst & mask) == (k->addr & mask) || owner < 0 ||
	    owner == dev->router_iface || owner == dev->kernel_iface ||
	    topo->ifaces[owner].link != k->link)
		return;
	engine_kernel_redirected(engine, tun, false, icmp + 8 + 16, owner, t);
}

void engine_destroy(struct engine *engine)
{
	int i;

	if (!engine)
		return;
	if (engine->links) {
		for (i = 0; i < engine->topo->n_links * 2; i++)
			link_state_free(&engine->links[i]);
	}
	if (engine->limiters) {
		for (i = 0; i < engine->topo->n_nodes; i++)
			ratelimit_destroy(engine->limiters[i]);
	}
	if (engine->redirects) {
		for (i = 0; i < engine->topo->n_nodes; i++)
			redirect_limit_destroy(engine->redirects[i]);
	}
	free(engine->links);
	free(engine->limiters);
	free(engine->redirects);
	free(engine->kernel);
	reasm_destroy(engine->reasm);
	free(engine->ip_id);
	free(engine->bufs);
	free(engine);
}

const uint64_t *engine_drop_counters(const struct engine *engine)
{
	return engine->drops;
}

static void trace(struct engine *engine, const struct engine_event *event)
{
	if (engine->ops.trace)
		engine->ops.trace(engine->ctx, event);
}

/* Emits the one trace line of @pkt at @node and counts a drop. */
void engine_decide(struct engine *engine, int node, int iface, uint64_t t,
		   const struct hop_packet *pkt, enum engine_action action,
		   const struct engine_event *detail)
{
	struct engine_event event = {
		.time_us = t,
		.node = node,
		.iface = iface,
		.packet = pkt->buf,
		.len = pkt->len,
		.action = action,
		.next_node = -1,
	};

	if (detail) {
		event.next_node = detail->next_node;
		event.reason = detail->reason;
		event.answer_proto = detail->answer_proto;
		event.icmp_type = detail->icmp_type;
		event.icmp_code = detail->icmp_code;
		event.tcp_flags = detail->tcp_flags;
	}
	if (action == ENGINE_DROPPED)
		engine->drops[event.reason]++;
	trace(engine, &event);
}

void engine_drop(struct engine *engine, int node, int iface, uint64_t t,
		 const struct hop_packet *pkt, enum engine_drop reason)
{
	struct engine_event detail = { .next_node = -1, .reason = reason };

	engine_decide(engine, node, iface, t, pkt, ENGINE_DROPPED, &detail);
}

static bool node_owns(const struct topology *topo, int node, uint32_t addr)
{
	const struct topo_node *n = &topo->nodes[node];
	int i;

	for (i = 0; i < n->n_ifaces; i++) {
		if (topo->ifaces[n->first_iface + i].addr == addr)
			return true;
	}
	return false;
}

static uint16_t next_ip_id(struct engine *engine, int node)
{
	return engine->ip_id[node]++;
}

/* The address and MTU a node uses toward @dst: its egress interface's. */
static int route_back(const struct topology *topo, int node, uint32_t dst,
		      uint32_t *src, uint32_t *mtu)
{
	const struct topo_route *route = topo_route_lookup(topo, node, dst);
	const struct topo_iface *iface;

	if (!route || (route->kind != TOPO_ROUTE_VIA &&
		       route->kind != TOPO_ROUTE_CONNECTED))
		return -1;
	iface = &topo->ifaces[route->iface];
	if (src)
		*src = iface->addr;
	if (mtu)
		*mtu = topo->links[iface->link].mtu;
	return 0;
}

static enum engine_drop status_drop(enum pkt_status status);

/* Carries a packet that @node built in @buf, as the node's own output. */
static void originate(struct engine *engine, int node, uint64_t t, uint8_t *buf,
		      size_t len)
{
	struct hop_packet pkt = { .buf = buf, .len = len };

	if (pkt_ipv4_parse(buf, len, &pkt.ip) != PKT_VALID)
		return;
	engine_walk(engine, node, -1, t, &pkt, true);
}

/* As originate(), for a packet built in the next level's buffer. */
static void originate_nested(struct engine *engine, int node, uint64_t t,
			     uint8_t *buf, size_t len)
{
	engine->depth++;
	originate(engine, node, t, buf, len);
	engine->depth--;
}

/* Returns the buffer for a packet generated at the next level, or NULL. */
uint8_t *engine_next_buffer(struct engine *engine)
{
	if (engine->depth + 1 >= ENGINE_MAX_DEPTH)
		return NULL;
	return engine->bufs[engine->depth + 1];
}

/* True when RFC 1122 3.2.2 and RFC 1812 4.3.2.7 allow an error about
 * @pkt. */
static bool error_allowed(const struct hop_packet *pkt)
{
	const struct pkt_ipv4 *ip = &pkt->ip;

	if (pkt_ipv4_is_later_fragment(ip) || pkt->link_group)
		return false;
	if (pkt_ipv4_addr_is_multicast_or_broadcast(ip->dst))
		return false;
	if (pkt_ipv4_addr_is_martian_source(ip->src))
		return false;
	return !pkt_is_icmp_error(ip->proto, pkt->buf + ip->hdr_len,
				  ip->total_len - ip->hdr_len);
}

/*
 * Ends @pkt at @node: counts @reason (unless @delivered, when the node's
 * own stack consumed it) and sends the ICMP error @answer about it when
 * the rules allow.  RFC 1812 4.3.2.4 makes the error's source the
 * address of the interface it leaves by, unless @answer->src is set.
 */
/*
 * Returns the source address for an error @node sends about a packet
 * that arrived on @iface, by the node's ICMP source policy; @egress is
 * the address of the interface the error leaves by.
 */
static uint32_t error_source(const struct topology *topo, int node, int iface,
			     uint32_t egress)
{
	const struct topo_node *n = &topo->nodes[node];

	switch (n->icmp.source) {
	case TOPO_ICMP_SOURCE_INGRESS:
		return iface >= 0 ? topo->ifaces[iface].addr : egress;
	case TOPO_ICMP_SOURCE_LOOPBACK:
		return n->loopback_iface >= 0
			   ? topo->ifaces[n->loopback_iface].addr
			   : egress;
	case TOPO_ICMP_SOURCE_FIXED:
		return n->icmp.source_addr;
	case TOPO_ICMP_SOURCE_EGRESS:
		break;
	}
	return egress;
}

/*
 * True when @node's ICMP policy lets it send @type/@code to @dst at @t;
 * counts the reason when it does not.
 */
bool engine_icmp_permitted(struct engine *engine, int node, uint32_t dst,
			   uint8_t type, uint8_t code, uint64_t t, bool v6)
{
	const struct topo_icmp_policy *icmp = &engine->topo->nodes[node].icmp;
	const struct topo_ratelimit *limit =
	    v6 ? &icmp->ratelimit6 : &icmp->ratelimit;
	bool is_error = v6 ? type < 128 : type != PKT_ICMP_ECHO_REPLY;
	bool is_pmtu = v6 ? type == PKT_ICMP6_PACKET_TOO_BIG
			  : type == PKT_ICMP_DEST_UNREACH &&
				code == PKT_UNREACH_FRAG_NEEDED;

	if (is_error && icmp->silent) {
		engine->drops[ENGINE_DROP_ICMP_SILENT]++;
		return false;
	}
	if (is_pmtu && !icmp->frag_needed) {
		engine->drops[ENGINE_DROP_ICMP_FRAG_NEEDED_OFF]++;
		return false;
	}
	if (engine->limiters[node] &&
	    !ratelimit_allow(engine->limiters[node], limit, dst, type, code, t,
			     &engine->icmp_rng)) {
		engine->drops[ENGINE_DROP_ICMP_RATE_LIMITED]++;
		return false;
	}
	return true;
}

/*
 * Ends @pkt at @node: counts @reason (unless @delivered, when the node's
 * own stack consumed it) and sends the ICMP error @answer about it when
 * the rules and the node's ICMP policy allow.
 */
static void reject(struct engine *engine, int node, int iface, uint64_t t,
		   const struct hop_packet *pkt, enum engine_drop reason,
		   bool delivered, const struct icmp_answer *answer)
{
	const struct topology *topo = engine->topo;
	struct engine_event detail = { .next_node = -1, .reason = reason };
	enum engine_action action =
	    delivered ? ENGINE_DELIVERED : ENGINE_DROPPED;
	struct pkt_icmp4_error err = {
		.type = answer->type,
		.code = answer->code,
		.rest = answer->rest,
	};
	uint32_t back_src, mtu;
	uint8_t *out = engine_next_buffer(engine);
	size_t len = 0;

	/* A node's own packet that it cannot send fails there, as a local
	 * send does on Linux, with no ICMP error to itself. */
	if (iface < 0 || !error_allowed(pkt)) {
		out = NULL;
	} else if (!out) {
		engine->drops[ENGINE_DROP_TOO_DEEP]++;
	} else if (route_back(topo, node, pkt->ip.src, &back_src, &mtu) < 0) {
		engine->drops[ENGINE_DROP_NO_ROUTE_BACK]++;
		out = NULL;
	} else if (!engine_icmp_permitted(engine, node, pkt->ip.src,
					  answer->type, answer->code, t,
					  false)) {
		out = NULL;
	}
	if (out) {
		/* RFC 1812 4.3.2.4 by default; an error about a packet for
		 * this node comes from the address it was sent to. */
		err.src = answer->src
			      ? answer->src
			      : error_source(topo, node, iface, back_src);
		err.ttl = topo->nodes[node].ttl;
		err.id = next_ip_id(engine, node);
		err.room =
		    (uint16_t)(mtu < PKT_ICMP4_ERR_MAX ? mtu
						       : PKT_ICMP4_ERR_MAX);
		len = pkt_icmp4_build_error(out, ENGINE_BUF_SIZE, &err,
					    pkt->buf, pkt->len);
	}
	if (len) {
		detail.answer_proto = PKT_PROTO_ICMP;
		detail.icmp_type = answer->type;
		detail.icmp_code = answer->code;
		if (delivered)
			action = ENGINE_ANSWERED;
	}
	engine_decide(engine, node, iface, t, pkt, action, &detail);
	if (len)
		originate_nested(engine, node,
				 t + answer->delay_us +
				     topo->nodes[node].icmp.delay_us,
				 out, len);
}

/* Replies to an echo request addressed to @node; ignores other ICMP. */
static void deliver_icmp(struct engine *engine, int node, int iface, uint64_t t,
			 struct hop_packet *pkt)
{
	const struct pkt_ipv4 *ip = &pkt->ip;
	const uint8_t *icmp = pkt->buf + ip->hdr_len;
	struct engine_event detail = {
		.next_node = -1,
		.answer_proto = PKT_PROTO_ICMP,
		.icmp_type = PKT_ICMP_ECHO_REPLY,
	};
	size_t len;

	if (ip->total_len - ip->hdr_len < PKT_ICMP_HDR) {
		engine_drop(engine, node, iface, t, pkt, ENGINE_DROP_BAD_ICMP);
		return;
	}
	if (icmp[0] != PKT_ICMP_ECHO) {
		engine_drop(engine, node, iface, t, pkt,
			    ENGINE_DROP_ICMP_IGNORED);
		return;
	}
	if (csum_compute(icmp, ip->total_len - ip->hdr_len) != 0) {
		engine_drop(engine, node, iface, t, pkt, ENGINE_DROP_BAD_ICMP);
		return;
	}
	if (!engine->topo->nodes[node].icmp.echo) {
		engine_drop(engine, node, iface, t, pkt,
			    ENGINE_DROP_ECHO_DISABLED);
		return;
	}
	if (!engine_icmp_permitted(engine, node, ip->src, PKT_ICMP_ECHO_REPLY,
				   0, t, false)) {
		engine_decide(engine, node, iface, t, pkt, ENGINE_DELIVERED,
			      NULL);
		return;
	}

	engine_decide(engine, node, iface, t, pkt, ENGINE_ANSWERED, &detail);
	/* The reply is built over the request, which is finished with. */
	len = pkt_icmp4_echo_reply(pkt->buf, pkt->len,
				   engine->topo->nodes[node].ttl,
				   next_ip_id(engine, node));
	if (!len) {
		engine_drop(engine, node, iface, t, pkt, ENGINE_DROP_BAD_ICMP);
		return;
	}
	originate(engine, node, t + engine->topo->nodes[node].icmp.delay_us,
		  pkt->buf, len);
}

static bool transport_checksum_ok(const struct hop_packet *pkt,
				  size_t csum_offset)
{
	const struct pkt_ipv4 *ip = &pkt->ip;
	const uint8_t *l4 = pkt->buf + ip->hdr_len;
	size_t l4_len = ip->total_len - ip->hdr_len;
	uint32_t sum;

	/* A zero UDP checksum means none was computed (RFC 768). */
	if (ip->proto == PKT_PROTO_UDP && pkt_get16(l4 + csum_offset) == 0)
		return true;
	sum = csum_pseudo4(ip->src, ip->dst, ip->proto, (uint16_t)l4_len);
	return csum_fold(csum_partial(l4, l4_len, sum)) == 0;
}

bool engine_tcp_port_open(const struct topo_node *n, uint16_t port)
{
	int i;

	for (i = 0; i < n->n_tcp_open; i++) {
		if (n->tcp_open[i] == port)
			return true;
	}
	return false;
}

/* A repeatable initial sequence number per connection (FNV-1a over the
 * addresses and ports). */
static uint32_t tcp_isn(const uint8_t *ip_hdr, const uint8_t *tcp)
{
	uint32_t h = 2166136261u;
	int i;

	for (i = 12; i < 20; i++)
		h = (h ^ ip_hdr[i]) * 16777619u;
	for (i = 0; i < 4; i++)
		h = (h ^ tcp[i]) * 16777619u;
	return h;
}

/* Replies to a TCP segment as a stateless listener: SYN-ACK from an open
 * port, RST from a closed one. */
static void deliver_tcp(struct engine *engine, int node, int iface, uint64_t t,
			struct hop_packet *pkt)
{
	const struct topology *topo = engine->topo;
	const struct topo_node *n = &topo->nodes[node];
	const uint8_t *tcp = pkt->buf + pkt->ip.hdr_len;
	struct engine_event detail = {
		.next_node = -1,
		.answer_proto = PKT_PROTO_TCP,
	};
	uint32_t mtu = TOPO_DEFAULT_MTU;
	uint8_t *out;
	size_t len;
	bool open;

	if (pkt->ip.total_len - pkt->ip.hdr_len < PKT_TCP_MIN_HDR ||
	    !transport_checksum_ok(pkt, 16)) {
		engine_drop(engine, node, iface, t, pkt, ENGINE_DROP_BAD_TCP);
		return;
	}
	out = engine_next_buffer(engine);
	if (!out) {
		engine_drop(engine, node, iface, t, pkt, ENGINE_DROP_TOO_DEEP);
		return;
	}

	route_back(topo, node, pkt->ip.src, NULL, &mtu);
	open = engine_tcp_port_open(n, pkt_get16(tcp + 2));
	len =
	    pkt_tcp_build_answer(out, ENGINE_BUF_SIZE, pkt->buf, pkt->len, open,
				 tcp_isn(pkt->buf, tcp), (uint16_t)(mtu - 40),
				 n->ttl, next_ip_id(engine, node));
	if (!len) {
		engine_decide(engine, node, iface, t, pkt, ENGINE_DELIVERED,
			      NULL);
		return;
	}
	detail.tcp_flags = out[PKT_IPV4_MIN_HDR + 13];
	engine_decide(engine, node, iface, t, pkt, ENGINE_ANSWERED, &detail);
	originate_nested(engine, node, t, out, len);
}

enum engine_drop engine_reasm_drop(enum reasm_result result)
{
	switch (result) {
	case REASM_DUPLICATE:
		return ENGINE_DROP_REASM_DUPLICATE;
	case REASM_OVERLAP:
		return ENGINE_DROP_REASM_OVERLAP;
	case REASM_TOO_BIG:
		return ENGINE_DROP_REASM_TOO_BIG;
	case REASM_INVALID:
		return ENGINE_DROP_REASM_INVALID;
	default:
		return ENGINE_DROP_REASM_FULL;
	}
}

static void deliver(struct engine *engine, int node, int iface, uint64_t t,
		    struct hop_packet *pkt);

/* Holds a fragment addressed to @node until its datagram is whole, then
 * delivers the datagram. */
static void deliver_fragment(struct engine *engine, int node, int iface,
			     uint64_t t, struct hop_packet *pkt)
{
	struct hop_packet whole = { 0 };
	enum reasm_result result;
	int slot;

	result = reasm_add4(engine->reasm, node, pkt->buf, &pkt->ip, t,
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
	if (pkt_ipv4_parse(whole.buf, whole.len, &whole.ip) == PKT_VALID)
		deliver(engine, node, iface, t, &whole);
	reasm_release(engine->reasm, slot);
}

/* Hands a packet addressed to @node to the node's own stack. */
static void deliver(struct engine *engine, int node, int iface, uint64_t t,
		    struct hop_packet *pkt)
{
	const struct pkt_ipv4 *ip = &pkt->ip;
	struct icmp_answer answer = {
		.type = PKT_ICMP_DEST_UNREACH,
		.src = ip->dst, /* an error about a packet for this node */
	};

	if (ip->frag & (PKT_IP_MF | PKT_IP_OFFSET)) {
		deliver_fragment(engine, node, iface, t, pkt);
		return;
	}

	switch (ip->proto) {
	case PKT_PROTO_ICMP:
		deliver_icmp(engine, node, iface, t, pkt);
		break;
	case PKT_PROTO_TCP:
		deliver_tcp(engine, node, iface, t, pkt);
		break;
	case PKT_PROTO_UDP:
		if (ip->total_len - ip->hdr_len < PKT_UDP_HDR ||
		    !transport_checksum_ok(pkt, 6)) {
			engine_drop(engine, node, iface, t, pkt,
				    ENGINE_DROP_BAD_UDP);
			break;
		}
		/* No UDP port is open on simulated nodes. */
		answer.code = PKT_UNREACH_PORT;
		reject(engine, node, iface, t, pkt, 0, true, &answer);
		break;
	default:
		answer.code = PKT_UNREACH_PROTOCOL;
		reject(engine, node, iface, t, pkt, 0, true, &answer);
		break;
	}
}

/* True for the network or broadcast address of a subnet of /30 or
 * wider: directed broadcasts are neither forwarded nor replied to
 * (RFC 2644). */
static bool is_subnet_broadcast(const struct topo_iface *iface, uint32_t dst)
{
	uint32_t host_mask;

	if (iface->plen > 30)
		return false;
	host_mask = iface->plen ? ~(~0u << (32 - iface->plen)) : ~0u;
	return (dst & host_mask) == host_mask || (dst & host_mask) == 0;
}

/*
 * Sends @pkt from @node over the link to @next_iface at @t through the
 * link direction's impairments, and sets *@arrival.  Returns false when
 * the link dropped the packet.  A duplicate is carried on at once.
 */
bool engine_cross_link(struct engine *engine, int node, int next_iface,
		       uint64_t t, struct hop_packet *pkt, uint64_t *arrival)
{
	const struct topology *topo = engine->topo;
	const struct topo_iface *to = &topo->ifaces[next_iface];
	const struct topo_link *link = &topo->links[to->link];
	int from =
	    to->peer >= 0 ? to->peer : topo_link_iface(topo, to->link, node);
	int dir = topo_link_dir(topo, to->link, from);
	struct link_result res;
	uint8_t *copy;

	if (link->down) {
		engine_drop(engine, node, from, t, pkt, ENGINE_DROP_LINK_DOWN);
		return false;
	}
	link_transmit(&engine->links[2 * to->link + dir], &link->dir[dir], t,
		      pkt->len, &res);
	switch (res.verdict) {
	case LINK_DOWN:
		engine_drop(engine, node, from, t, pkt, ENGINE_DROP_LINK_DOWN);
		return false;
	case LINK_LOST:
		engine_drop(engine, node, from, t, pkt, ENGINE_DROP_LINK_LOSS);
		return false;
	case LINK_QUEUE_FULL:
		engine_drop(engine, node, from, t, pkt,
			    ENGINE_DROP_LINK_QUEUE_FULL);
		return false;
	case LINK_PASS:
		break;
	}

	if (res.corrupt) {
		pkt->buf[res.corrupt_bit / 8] ^=
		    (uint8_t)(1u << (res.corrupt_bit % 8));
		pkt->corrupted = true;
	}
	copy = res.duplicate ? engine_next_buffer(engine) : NULL;
	if (copy) {
		struct hop_packet dup = *pkt;

		memcpy(copy, pkt->buf, pkt->len);
		dup.buf = copy;
		engine->depth++;
		engine_walk(engine, to->node, next_iface, res.arrival_us, &dup,
			    false);
		engine->depth--;
	}
	*arrival = res.arrival_us;
	return true;
}

/*
 * Splits @pkt, whose TTL is already decremented, into fragments that fit
 * @mtu (RFC 791; no more than needed) and sends each from @node to
 * @next_iface.
 */
static void fragment(struct engine *engine, int node, int next_iface,
		     uint64_t t, const struct hop_packet *pkt, uint32_t mtu)
{
	size_t payload = pkt->ip.total_len - pkt->ip.hdr_len;
	size_t later_hdr = pkt_ipv4_fragment_header_len(pkt->buf, &pkt->ip);
	int next_node = engine->topo->ifaces[next_iface].node;
	size_t offset = 0;
	uint8_t *out = engine_next_buffer(engine);

	if (!out) {
		engine_drop(engine, node, -1, t, pkt, ENGINE_DROP_TOO_DEEP);
		return;
	}

	/* Every MTU is at least 68, so 60 header bytes leave room for 8. */
	while (offset < payload) {
		size_t hdr = offset ? later_hdr : pkt->ip.hdr_len;
		size_t chunk = (mtu - hdr) & ~(size_t)7;
		struct hop_packet frag = { .buf = out };
		uint64_t arrival;

		if (chunk > payload - offset)
			chunk = payload - offset;
		frag.len = pkt_ipv4_build_fragment(out, pkt->buf, &pkt->ip,
						   offset, chunk);
		pkt_ipv4_parse(out, frag.len, &frag.ip);
		offset += chunk;

		engine->depth++;
		if (engine_cross_link(engine, node, next_iface, t, &frag,
				      &arrival))
			engine_walk(engine, next_node, next_iface, arrival,
				    &frag, false);
		engine->depth--;
	}
}

/*
 * Finds the interface that receives a packet @node sends toward @dst
 * over @route; -1 when the destination is on the link but no interface owns
 * it, -2 when it is the link's network or broadcast address.
 */
static int next_hop(const struct topology *topo, const struct topo_route *route,
		    uint32_t dst)
{
	const struct topo_iface *out_iface = &topo->ifaces[route->iface];
	int owner;

	if (route->kind == TOPO_ROUTE_VIA)
		return route->next_iface;
	if (is_subnet_broadcast(out_iface, dst))
		return -2;
	owner = topo_addr_owner(topo, dst);
	if (owner < 0 || topo->ifaces[owner].link != out_iface->link)
		return -1;
	return owner;
}

bool engine_may_redirect(const struct engine *engine, int node, int iface,
			 int out_iface, bool originated)
{
	const struct topology *topo = engine->topo;
	const struct topo_node *n = &topo->nodes[node];

	return !originated && iface >= 0 && iface == out_iface &&
	       n->kind == TOPO_NODE_ROUTER && n->icmp.redirects &&
	       !n->icmp.silent && engine->redirects[node] &&
	       topo->links[topo->ifaces[iface].link].lan;
}

/*
 * Decides whether @node redirects the source of @pkt, which it forwards
 * from @iface to @next_iface on the same LAN (RFC 1812 5.2.7.2, Linux's
 * __mkroute_input).  The source must be on that LAN, the new first hop
 * another node than the source, and the back-off must allow it.  As in
 * Linux's ip_rt_send_redirect, the back-off counts the redirect before
 * the rules for ICMP errors (none about an error or a later fragment)
 * can suppress it.  Returns the new first hop's address, or 0 for none.
 */
static uint32_t redirect_gateway(struct engine *engine, int node, int iface,
				 int next_iface, uint64_t t,
				 const struct hop_packet *pkt)
{
	const struct topology *topo = engine->topo;
	const struct topo_route *back =
	    topo_route_lookup(topo, node, pkt->ip.src);
	uint32_t gateway = topo->ifaces[next_iface].addr;

	if (!back || back->kind != TOPO_ROUTE_CONNECTED ||
	    back->iface != iface || gateway == pkt->ip.src)
		return 0;
	if (!redirect_allow4(engine->redirects[node], pkt->ip.src, t) ||
	    !error_allowed(pkt))
		return 0;
	return gateway;
}

/*
 * Sends ICMP redirect for host (5/1, the code Linux sends; RFC 1812
 * 5.2.7.2 forbids network redirects) to the source of @pkt, from @node's
 * address on @iface, the LAN the source shares with @gateway.
 */
static void send_redirect(struct engine *engine, int node, int iface,
			  uint64_t t, const struct hop_packet *pkt,
			  uint32_t gateway)
{
	const struct topology *topo = engine->topo;
	struct pkt_icmp4_error err = {
		.type = PKT_ICMP_REDIRECT,
		.code = PKT_REDIRECT_HOST,
		.rest = gateway,
		.src = topo->ifaces[iface].addr,
		.ttl = topo->nodes[node].ttl,
	};
	uint32_t mtu = topo->links[topo->ifaces[iface].link].mtu;
	uint8_t *out = engine_next_buffer(engine);
	size_t len;

	if (!out) {
		engine->drops[ENGINE_DROP_TOO_DEEP]++;
		return;
	}
	err.id = next_ip_id(engine, node);
	err.room =
	    (uint16_t)(mtu < PKT_ICMP4_ERR_MAX ? mtu : PKT_ICMP4_ERR_MAX);
	len = pkt_icmp4_build_error(out, ENGINE_BUF_SIZE, &err, pkt->buf,
				    pkt->len);
	if (len)
		originate_nested(engine, node,
				 t + topo->nodes[node].icmp.delay_us, out, len);
}

/*
 * Applies @node's forwarding decision to @pkt, in RFC 1812 5.2.1.2
 * order: route lookup, route type, TTL, next hop, MTU, redirect.
 * Returns the interface that receives the packet, or -1 when @node
 * consumed it.  A redirect quotes the packet with its TTL decremented,
 * as Linux's ip_forward sends it.
 */
static int forward(struct engine *engine, int node, int iface, uint64_t t,
		   struct hop_packet *pkt, bool originated)
{
	const struct topology *topo = engine->topo;
	const struct topo_route *route;
	const struct topo_link *link;
	struct pkt_ipv4 *ip = &pkt->ip;
	struct icmp_answer answer = { .type = PKT_ICMP_DEST_UNREACH };
	struct engine_event detail = { .next_node = -1 };
	uint32_t gateway = 0;
	int next_iface;

	route = topo_route_lookup(topo, node, ip->dst);
	if (!route) {
		answer.code = PKT_UNREACH_NET;
		reject(engine, node, iface, t, pkt, ENGINE_DROP_NO_ROUTE, false,
		       &answer);
		return -1;
	}
	switch (route->kind) {
	case TOPO_ROUTE_BLACKHOLE:
		engine_drop(engine, node, iface, t, pkt, ENGINE_DROP_BLACKHOLE);
		return -1;
	case TOPO_ROUTE_UNREACHABLE:
		answer.code = PKT_UNREACH_HOST;
		reject(engine, node, iface, t, pkt,
		       ENGINE_DROP_UNREACHABLE_ROUTE, false, &answer);
		return -1;
	case TOPO_ROUTE_PROHIBIT:
		answer.code = PKT_UNREACH_ADMIN;
		reject(engine, node, iface, t, pkt, ENGINE_DROP_PROHIBITED,
		       false, &answer);
		return -1;
	case TOPO_ROUTE_CONNECTED:
	case TOPO_ROUTE_VIA:
		break;
	}

	/* A directed broadcast is neither forwarded nor replied to (RFC 2644),
	 * whatever its TTL. */
	next_iface = next_hop(topo, route, ip->dst);
	if (next_iface == -2) {
		engine_drop(engine, node, iface, t, pkt,
			    ENGINE_DROP_MARTIAN_DEST);
		return -1;
	}

	if (!originated && ip->ttl <= 1) {
		answer.type = PKT_ICMP_TIME_EXCEEDED;
		answer.code = 0;
		reject(engine, node, iface, t, pkt, ENGINE_DROP_TTL_EXPIRED,
		       false, &answer);
		return -1;
	}

	if (next_iface < 0) {
		/* Address resolution gives up after the node's timeout. */
		answer.code = PKT_UNREACH_HOST;
		answer.delay_us = topo->nodes[node].arp_timeout_us;
		reject(engine, node, iface, t, pkt,
		       ENGINE_DROP_NEIGHBOUR_FAILED, false, &answer);
		return -1;
	}

	link = &topo->links[topo->ifaces[route->iface].link];
	if (pkt->len > link->mtu && (ip->frag & PKT_IP_DF)) {
		answer.code = PKT_UNREACH_FRAG_NEEDED;
		answer.rest = link->mtu;
		reject(engine, node, iface, t, pkt, ENGINE_DROP_FRAG_NEEDED,
		       false, &answer);
		return -1;
	}

	if (engine_may_redirect(engine, node, iface, route->iface, originated))
		gateway =
		    redirect_gateway(engine, node, iface, next_iface, t, pkt);
	if (gateway) {
		detail.answer_proto = PKT_PROTO_ICMP;
		detail.icmp_type = PKT_ICMP_REDIRECT;
		detail.icmp_code = PKT_REDIRECT_HOST;
	}

	/* The trace shows the packet as it arrived, before the decrement. */
	detail.next_node = topo->ifaces[next_iface].node;
	engine_decide(engine, node, iface, t, pkt, ENGINE_FORWARDED, &detail);
	if (!originated) {
		pkt_ipv4_decrement_ttl(pkt->buf);
		ip->ttl--;
	}
	if (gateway)
		send_redirect(engine, node, iface, t, pkt, gateway);
	return next_iface;
}

/*
 * Carries @pkt from @node onward, hop by hop, until it leaves the
 * topology or a node consumes or drops it.  @originated is true when
 * @node built the packet itself, so it skips delivery and the TTL check.
 */
/*
 * Checks the IP options of @pkt as @node receives it.  A malformed option
 * gets parameter problem 12/0 pointing at it (RFC 1812 4.3.3.5), and a
 * source route is dropped silently, as Linux does with its default
 * accept_source_route=0.  Returns true when the packet goes on.
 */
static bool options_accepted(struct engine *engine, int node, int iface,
			     uint64_t t, const struct hop_packet *pkt)
{
	struct icmp_answer answer = { .type = PKT_ICMP_PARAM_PROBLEM };
	uint8_t pointer = 0;

	switch (pkt_ipv4_check_options(pkt->buf, pkt->ip.hdr_len, &pointer)) {
	case PKT_OPTIONS_VALID:
		return true;
	case PKT_OPTIONS_SOURCE_ROUTE:
		engine_drop(engine, node, iface, t, pkt,
			    ENGINE_DROP_SOURCE_ROUTE);
		return false;
	case PKT_OPTIONS_BAD:
		break;
	}
	answer.rest = (uint32_t)pointer << 24;
	if (node_owns(engine->topo, node, pkt->ip.dst))
		answer.src = pkt->ip.dst;
	reject(engine, node, iface, t, pkt, ENGINE_DROP_BAD_OPTIONS, false,
	       &answer);
	return false;
}

static void walk4(struct engine *engine, int node, int iface, uint64_t t,
		  struct hop_packet *pkt, bool originated)
{
	const struct topology *topo = engine->topo;

	for (;;) {
		const struct topo_node *n = &topo->nodes[node];
		enum pkt_status status;
		int next_iface;
		uint32_t mtu;

		/* A corrupted header fails validation here, as at a real
		 * router's input. */
		if (pkt->corrupted && n->kind != TOPO_NODE_KERNEL) {
			pkt->corrupted = false;
			status = pkt_ipv4_parse(pkt->buf, pkt->len, &pkt->ip);
			if (status != PKT_VALID) {
				engine_drop(engine, node, iface, t, pkt,
					    status_drop(status));
				return;
			}
		}
		if (n->kind == TOPO_NODE_KERNEL) {
			engine_decide(engine, node, iface, t, pkt, ENGINE_LEFT,
				      NULL);
			kernel_learn4(engine, n->tun, t, pkt);
			if (engine->ops.output(engine->ctx, n->tun, t, pkt->buf,
					       pkt->len) < 0)
				engine->drops[ENGINE_DROP_OUTPUT_FULL]++;
			return;
		}
		if (!originated && pkt->ip.hdr_len > PKT_IPV4_MIN_HDR &&
		    !options_accepted(engine, node, iface, t, pkt))
			return;
		if (!originated && node_owns(topo, node, pkt->ip.dst)) {
			deliver(engine, node, iface, t, pkt);
			return;
		}
		/* RFC 1812 5.3.4: what came in a link-layer broadcast is
		 * never forwarded. */
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
		/* Multicast, broadcast, 0/8, 127/8 and 240/4 destinations are
		 * never forwarded (RFC 1812 5.3.7). */
		if (pkt_ipv4_addr_is_martian_source(pkt->ip.dst)) {
			engine_drop(engine, node, iface, t, pkt,
				    ENGINE_DROP_MARTIAN_DEST);
			return;
		}

		next_iface = forward(engine, node, iface, t, pkt, originated);
		if (next_iface < 0)
			return;

		mtu = topo->links[topo->ifaces[next_iface].link].mtu;
		if (pkt->len > mtu) {
			fragment(engine, node, next_iface, t, pkt, mtu);
			return;
		}
		if (!engine_cross_link(engine, node, next_iface, t, pkt, &t))
			return;
		node = topo->ifaces[next_iface].node;
		iface = next_iface;
		originated = false;
	}
}

static enum engine_drop status_drop(enum pkt_status status)
{
	switch (status) {
	case PKT_BAD_VERSION:
		return ENGINE_DROP_BAD_VERSION;
	case PKT_BAD_IHL:
		return ENGINE_DROP_BAD_IHL;
	case PKT_BAD_TOTAL_LEN:
		return ENGINE_DROP_BAD_TOTAL_LEN;
	case PKT_BAD_CHECKSUM:
		return ENGINE_DROP_BAD_CHECKSUM;
	case PKT_BAD_LENGTH:
	case PKT_VALID:
		break;
	}
	return ENGINE_DROP_BAD_LENGTH;
}

void engine_start(struct engine *engine, uint64_t now_us)
{
	engine->started = true;
	engine->start_us = now_us;
}

/* Reads the fields of a fragment kept for quoting, which may be cut
 * short of its total length. */
static void parse_kept_fragment(struct hop_packet *pkt)
{
	struct pkt_ipv4 *ip = &pkt->ip;

	ip->hdr_len = (uint8_t)((pkt->buf[0] & 0x0f) * 4);
	ip->tos = pkt->buf[1];
	ip->total_len = (uint16_t)pkt->len;
	ip->id = pkt_get16(pkt->buf + 4);
	ip->frag = pkt_get16(pkt->buf + 6);
	ip->ttl = pkt->buf[8];
	ip->proto = pkt->buf[9];
	ip->src = pkt_get32(pkt->buf + 12);
	ip->dst = pkt_get32(pkt->buf + 16);
}

/* Discards datagrams whose reassembly timed out; RFC 792 and RFC 1122
 * 3.3.2 send time exceeded (11/1) only if the first fragment arrived. */
static void expire_fragments(struct engine *engine, uint64_t now_us)
{
	uint8_t first[REASM_QUOTE_MAX];
	struct hop_packet pkt = { .buf = first };
	struct icmp_answer answer = {
		.type = PKT_ICMP_TIME_EXCEEDED,
		.code = 1,
	};
	uint64_t expired_us;
	bool v6;
	int node;

	while (reasm_expire(engine->reasm, now_us, &node, &v6, &expired_us,
			    first, &pkt.len)) {
		engine->depth = 0;
		if (v6) {
			engine_expire6(engine, node, expired_us, first,
				       pkt.len);
			continue;
		}
		if (pkt.len < PKT_IPV4_MIN_HDR) {
			engine->drops[ENGINE_DROP_REASM_TIMEOUT]++;
			continue;
		}
		parse_kept_fragment(&pkt);
		answer.src = pkt.ip.dst;
		reject(engine, node, -1, expired_us, &pkt,
		       ENGINE_DROP_REASM_TIMEOUT, false, &answer);
	}
}

void engine_poll(struct engine *engine, uint64_t now_us)
{
	struct topology *topo = engine->topo;

	if (!engine->started)
		engine_start(engine, now_us);
	while (engine->next_event < topo->n_events &&
	       engine->start_us + topo->events[engine->next_event].at_us <=
		   now_us) {
		/* The loader checked every event against the topology. */
		topo_apply_event(topo, &topo->events[engine->next_event]);
		if (engine->ops.timeline)
			engine->ops.timeline(engine->ctx,
					     &topo->events[engine->next_event],
					     now_us);
		engine->next_event++;
	}
	if (reasm_next_expiry(engine->reasm) <= now_us)
		expire_fragments(engine, now_us);
}

uint64_t engine_next_timer(const struct engine *engine)
{
	const struct topology *topo = engine->topo;
	uint64_t next = reasm_next_expiry(engine->reasm);
	uint64_t event;

	if (engine->started && engine->next_event < topo->n_events) {
		event =
		    engine->start_us + topo->events[engine->next_event].at_us;
		if (event < next)
			next = event;
	}
	return next;
}

/* Carries a packet from TUN @tun; @link_group marks one that came in a
 * link-layer broadcast or multicast frame. */
static void input(struct engine *engine, int tun, uint64_t now_us,
		  uint8_t *packet, size_t len, bool link_group)
{
	const struct topology *topo = engine->topo;
	const struct topo_tun *dev = &topo->tuns[tun];
	int router = topo->ifaces[dev->router_iface].node;
	struct hop_packet pkt = {
		.buf = packet,
		.len = len,
		.link_group = link_group,
	};
	enum pkt_status status;
	int entry;

	engine_poll(engine, now_us);
	if (len >= 1 && packet[0] >> 4 == 6) {
		engine_input6(engine, tun, now_us, packet, len, link_group);
		return;
	}
	status = pkt_ipv4_parse(packet, len, &pkt.ip);
	if (status != PKT_VALID) {
		engine_drop(engine, router, dev->router_iface, now_us, &pkt,
			    status_drop(status));
		return;
	}
	/* Link-layer padding past the IP total length is not part of the
	 * datagram. */
	pkt.len = pkt.ip.total_len;

	if (pkt_ipv4_addr_is_martian_source(pkt.ip.src)) {
		engine_drop(engine, router, dev->router_iface, now_us, &pkt,
			    ENGINE_DROP_MARTIAN_SOURCE);
		return;
	}

	engine->depth = 0;
	entry = dev->router_iface;
	if (topo->links[topo->ifaces[entry].link].lan) {
		uint8_t dst[4];

		pkt_put32(dst, pkt.ip.dst);
		entry = engine_kernel_entry(engine, tun, false, dst,
					    topo_addr_owner(topo, pkt.ip.dst),
					    now_us);
	}
	engine_walk(engine, topo->ifaces[entry].node, entry, now_us, &pkt,
		    false);
}

void engine_input(struct engine *engine, int tun, uint64_t now_us,
		  uint8_t *packet, size_t len)
{
	input(engine, tun, now_us, packet, len, false);
}

void engine_input_link_group(struct engine *engine, int tun, uint64_t now_us,
			     uint8_t *packet, size_t len)
{
	input(engine, tun, now_us, packet, len, true);
}

void engine_walk(struct engine *engine, int node, int iface, uint64_t t,
		 struct hop_packet *pkt, bool originated)
{
	if (pkt->v6)
		engine_walk6(engine, node, iface, t, pkt, originated);
	else
		walk4(engine, node, iface, t, pkt, originated);
}
