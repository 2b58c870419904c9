/* SPDX-License-Identifier: MIT */
/*
 * The topology model: address assignment, computed routes, lookups and
 * the traceroute that the route tables predict.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hopsim/rtable.h"
#include "hopsim/topology.h"

/* Automatic addresses come from the benchmarking range of RFC 2544. */
#define TOPO_POOL_FIRST 0xc6120000u /* 198.18.0.0 */
#define TOPO_POOL_LAST	0xc613ffffu /* 198.19.255.255 */
#define TOPO_LINK_FIRST 0xc6120100u /* 198.18.1.0: links after the TUNs */

#define TOPO_COST_INFINITE UINT32_MAX

/* The addresses of one link subnet, first to last. */
struct topo_span {
	uint32_t first;
	uint32_t last;
	int link;
};

/* Open-addressing hash table from interface address to interface index. */
struct topo_addr_map {
	uint32_t mask; /* number of slots - 1, a power of two minus one */
	uint32_t *addrs;
	int *ifaces; /* -1 for an empty slot */
};

static uint32_t topo_mask(uint8_t plen)
{
	return plen == 0 ? 0 : UINT32_MAX << (32 - plen);
}

static uint32_t topo_iface_subnet(const struct topo_iface *iface)
{
	return iface->addr & topo_mask(iface->plen);
}

static void topo_set_error(struct topo_error *err, const char *source, int line,
			   int column, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static void topo_set_error(struct topo_error *err, const char *source, int line,
			   int column, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!err)
		return;
	n = snprintf(err->message, sizeof(err->message), "%s:%d:%d: ", source,
		     line, column);
	if (n < 0 || (size_t)n >= sizeof(err->message))
		return;
	va_start(ap, fmt);
	vsnprintf(err->message + n, sizeof(err->message) - (size_t)n, fmt, ap);
	va_end(ap);
}

int topo_parse_ipv4(const char *text, uint32_t *addr)
{
	uint32_t value = 0;
	int part;

	for (part = 0; part < 4; part++) {
		unsigned int octet = 0;
		int digits = 0;

		if (part > 0 && *text++ != '.')
			return -EINVAL;
		while (*text >= '0' && *text <= '9' && digits < 4) {
			octet = octet * 10 + (unsigned int)(*text++ - '0');
			digits++;
		}
		/* A leading zero reads as octal to inet_aton(): reject it. */
		if (digits == 0 || digits > 3 || octet > 255 ||
		    (digits > 1 && text[-digits] == '0'))
			return -EINVAL;
		value = value << 8 | octet;
	}
	if (*text != '\0')
		return -EINVAL;
	*addr = value;
	return 0;
}

const char *topo_format_ipv4(uint32_t addr, char *buf)
{
	snprintf(buf, 16, "%u.%u.%u.%u", addr >> 24, (addr >> 16) & 0xff,
		 (addr >> 8) & 0xff, addr & 0xff);
	return buf;
}

const char *topo_link_name(const struct topology *topo, int link, char *buf,
			   size_t len)
{
	const struct topo_link *l = &topo->links[link];
	const struct topo_node *a =
	    &topo->nodes[topo->ifaces[l->iface[0]].node];
	const struct topo_node *b =
	    &topo->nodes[topo->ifaces[l->iface[1]].node];

	if (a->kind == TOPO_NODE_KERNEL)
		snprintf(buf, len, "tun %s", a->name);
	else if (b->kind == TOPO_NODE_KERNEL)
		snprintf(buf, len, "tun %s", b->name);
	else
		snprintf(buf, len, "%s -- %s", a->name, b->name);
	return buf;
}

static void topo_addr_map_destroy(struct topo_addr_map *map)
{
	if (!map)
		return;
	free(map->addrs);
	free(map->ifaces);
	free(map);
}

static struct topo_addr_map *topo_addr_map_create(int n_entries)
{
	struct topo_addr_map *map;
	size_t slots = 16;
	size_t i;

	while (slots < (size_t)n_entries * 2)
		slots *= 2;

	map = calloc(1, sizeof(*map));
	if (!map)
		return NULL;
	map->mask = (uint32_t)(slots - 1);
	map->addrs = calloc(slots, sizeof(*map->addrs));
	map->ifaces = malloc(slots * sizeof(*map->ifaces));
	if (!map->addrs || !map->ifaces) {
		topo_addr_map_destroy(map);
		return NULL;
	}
	for (i = 0; i < slots; i++)
		map->ifaces[i] = -1;
	return map;
}

static uint32_t topo_addr_hash(uint32_t addr)
{
	/* Fibonacci hashing spreads consecutive addresses over the slots. */
	return addr * 2654435761u;
}

/* Returns the slot of @addr, or of the empty slot where it would go. */
static uint32_t topo_addr_map_slot(const struct topo_addr_map *map,
				   uint32_t addr)
{
	uint32_t slot = (topo_addr_hash(addr) >> 8) & map->mask;

	while (map->ifaces[slot] >= 0 && map->addrs[slot] != addr)
		slot = (slot + 1) & map->mask;
	return slot;
}

int topo_addr_owner(const struct topology *topo, uint32_t addr)
{
	uint32_t slot;

	if (!topo->owners)
		return -1;
	slot = topo_addr_map_slot(topo->owners, addr);
	return topo->owners->ifaces[slot];
}

int topo_node_find(const struct topology *topo, const char *name)
{
	int i;

	for (i = 0; i < topo->n_nodes; i++)
		if (strcmp(topo->nodes[i].name, name) == 0)
			return i;
	return -1;
}

void topo_destroy(struct topology *topo)
{
	int i;

	if (!topo)
		return;
	for (i = 0; i < topo->n_nodes; i++) {
		free(topo->nodes[i].routes);
		free(topo->nodes[i].static_routes);
		rtable_destroy(topo->nodes[i].table);
	}
	free(topo->nodes);
	free(topo->events);
	free(topo->ifaces);
	free(topo->links);
	free(topo->tuns);
	topo_addr_map_destroy(topo->owners);
	free(topo->source);
	free(topo);
}

/* Whether @net/30 overlaps one of the @n subnets in @spans. */
static bool topo_overlaps_any(const struct topo_span *spans, int n,
			      uint32_t net)
{
	int i;

	for (i = 0; i < n; i++)
		if (net <= spans[i].last && spans[i].first <= net + 3)
			return true;
	return false;
}

static void topo_set_pair(struct topology *topo, const struct topo_link *link,
			  uint32_t net)
{
	struct topo_iface *a = &topo->ifaces[link->iface[0]];
	struct topo_iface *b = &topo->ifaces[link->iface[1]];

	a->addr = net + 1;
	b->addr = net + 2;
	a->plen = 30;
	b->plen = 30;
}

static int topo_assign_links(struct topology *topo, struct topo_error *err)
{
	uint32_t next = TOPO_LINK_FIRST;
	struct topo_span *given;
	int n_given = 0;
	int i, ret = 0;

	/*
	 * Collect the subnets and loopbacks given in the file before
	 * assigning any /30.
	 */
	given = calloc((size_t)topo->n_ifaces + 1, sizeof(*given));
	if (!given)
		return -ENOMEM;
	for (i = 0; i < topo->n_ifaces; i++) {
		const struct topo_iface *lo = &topo->ifaces[i];

		if (lo->link >= 0)
			continue;
		given[n_given].first = lo->addr;
		given[n_given].last = lo->addr;
		given[n_given].link = -1;
		n_given++;
	}
	for (i = 0; i < topo->n_links; i++) {
		const struct topo_iface *a =
		    &topo->ifaces[topo->links[i].iface[0]];

		if (a->plen == 0)
			continue;
		given[n_given].first = topo_iface_subnet(a);
		given[n_given].last =
		    given[n_given].first | ~topo_mask(a->plen);
		given[n_given].link = i;
		n_given++;
	}

	for (i = 0; i < topo->n_links && ret == 0; i++) {
		const struct topo_link *link = &topo->links[i];
		const struct topo_iface *a = &topo->ifaces[link->iface[0]];
		const struct topo_node *an = &topo->nodes[a->node];
		char name[2 * TOPO_NAME_MAX + 8];

		if (a->plen != 0)
			continue;
		if (an->kind == TOPO_NODE_KERNEL) {
			/* The kernel end is iface[0] of a TUN link. */
			topo_set_pair(topo, link,
				      TOPO_POOL_FIRST + 4u * (uint32_t)an->tun);
			continue;
		}
		while (next < TOPO_POOL_LAST &&
		       topo_overlaps_any(given, n_given, next))
			next += 4;
		if (next >= TOPO_POOL_LAST) {
			topo_set_error(
			    err, topo->source, link->line, link->column,
			    "no free /30 left in 198.18.0.0/15 for link %s (give it a 'subnet')",
			    topo_link_name(topo, i, name, sizeof(name)));
			ret = -ENOSPC;
			break;
		}
		topo_set_pair(topo, link, next);
		next += 4;
	}
	free(given);
	return ret;
}

/* Reports that interfaces @a and @b have the same address. */
static int topo_address_conflict(const struct topology *topo, int a, int b,
				 struct topo_error *err)
{
	char name[2 * TOPO_NAME_MAX + 8], other[2 * TOPO_NAME_MAX + 8];
	const struct topo_iface *late, *early;
	const struct topo_link *link;
	char addr[16];

	/* The loader rejects a loopback that collides with any address. */
	if (topo->ifaces[a].link < 0 || topo->ifaces[b].link < 0) {
		const struct topo_iface *lo =
		    &topo->ifaces[topo->ifaces[a].link < 0 ? a : b];

		topo_set_error(
		    err, topo->source, 1, 1,
		    "address conflict: loopback '%s' of %s is used twice",
		    topo_format_ipv4(lo->addr, addr),
		    topo->nodes[lo->node].name);
		return -EINVAL;
	}
	/* Blame the link written later in the file. */
	late =
	    &topo->ifaces[topo->ifaces[a].link >= topo->ifaces[b].link ? a : b];
	early = &topo->ifaces[late == &topo->ifaces[a] ? b : a];
	link = &topo->links[late->link];
	topo_link_name(topo, late->link, name, sizeof(name));
	topo_format_ipv4(late->addr, addr);
	if (late->link == early->link) {
		topo_set_error(
		    err, topo->source, link->line, link->column,
		    "address conflict: both ends of link %s have address '%s'",
		    name, addr);
		return -EINVAL;
	}
	topo_link_name(topo, early->link, other, sizeof(other));
	topo_set_error(
	    err, topo->source, link->line, link->column,
	    "address conflict: '%s' of %s on link %s is already used by %s on link %s (line %d)",
	    addr, topo->nodes[late->node].name, name,
	    topo->nodes[early->node].name, other,
	    topo->links[early->link].line);
	return -EINVAL;
}

static int topo_index_addresses(struct topology *topo, struct topo_error *err)
{
	int i;

	topo_addr_map_destroy(topo->owners);
	topo->owners = topo_addr_map_create(topo->n_ifaces);
	if (!topo->owners)
		return -ENOMEM;

	for (i = 0; i < topo->n_ifaces; i++) {
		const struct topo_iface *iface = &topo->ifaces[i];
		uint32_t slot = topo_addr_map_slot(topo->owners, iface->addr);
		int prev = topo->owners->ifaces[slot];

		if (prev >= 0)
			return topo_address_conflict(topo, prev, i, err);
		topo->owners->addrs[slot] = iface->addr;
		topo->owners->ifaces[slot] = i;
	}
	return 0;
}

static int topo_span_cmp(const void *pa, const void *pb)
{
	const struct topo_span *a = pa, *b = pb;

	if (a->first != b->first)
		return a->first < b->first ? -1 : 1;
	return a->link - b->link;
}

static int topo_check_overlaps(struct topology *topo, struct topo_error *err)
{
	struct topo_span *spans;
	int i, ret = 0;

	spans = calloc((size_t)topo->n_links + 1, sizeof(*spans));
	if (!spans)
		return -ENOMEM;
	for (i = 0; i < topo->n_links; i++) {
		const struct topo_iface *a =
		    &topo->ifaces[topo->links[i].iface[0]];

		spans[i].first = topo_iface_subnet(a);
		spans[i].last = spans[i].first | ~topo_mask(a->plen);
		spans[i].link = i;
	}
	qsort(spans, (size_t)topo->n_links, sizeof(*spans), topo_span_cmp);

	/*
	 * Sorted by first address, if any two spans overlap then some span
	 * overlaps the one just before it.
	 */
	for (i = 1; i < topo->n_links && ret == 0; i++) {
		const struct topo_span *prev = &spans[i - 1];
		const struct topo_span *cur = &spans[i];
		int late = prev->link > cur->link ? prev->link : cur->link;
		int early = prev->link > cur->link ? cur->link : prev->link;
		char late_name[2 * TOPO_NAME_MAX + 8];
		char early_name[2 * TOPO_NAME_MAX + 8];
		char late_net[16], early_net[16];
		const struct topo_iface *li, *ei;

		if (cur->first > prev->last)
			continue;
		li = &topo->ifaces[topo->links[late].iface[0]];
		ei = &topo->ifaces[topo->links[early].iface[0]];
		topo_set_error(
		    err, topo->source, topo->links[late].line,
		    topo->links[late].column,
		    "address conflict: subnet %s/%u of link %s overlaps subnet %s/%u of link %s (line %d)",
		    topo_format_ipv4(topo_iface_subnet(li), late_net), li->plen,
		    topo_link_name(topo, late, late_name, sizeof(late_name)),
		    topo_format_ipv4(topo_iface_subnet(ei), early_net),
		    ei->plen,
		    topo_link_name(topo, early, early_name, sizeof(early_name)),
		    topo->links[early].line);
		ret = -EINVAL;
	}
	free(spans);
	return ret;
}

int topo_assign_addresses(struct topology *topo, struct topo_error *err)
{
	int ret;

	ret = topo_assign_links(topo, err);
	if (ret < 0)
		return ret;

	ret = topo_index_addresses(topo, err);
	if (ret < 0)
		return ret;

	return topo_check_overlaps(topo, err);
}

/* A shortest-path label: total cost, then the link of the first hop. */
struct topo_label {
	uint32_t cost;
	int first_link;
};

static bool topo_label_less(struct topo_label a, struct topo_label b)
{
	if (a.cost != b.cost)
		return a.cost < b.cost;
	return a.first_link < b.first_link;
}

/* A binary min-heap of (label, node) entries, with stale entries. */
struct topo_heap {
	struct topo_label *labels;
	int *nodes;
	int n;
	int cap;
};

static void topo_heap_swap(struct topo_heap *heap, int i, int j)
{
	struct topo_label label = heap->labels[i];
	int node = heap->nodes[i];

	heap->labels[i] = heap->labels[j];
	heap->nodes[i] = heap->nodes[j];
	heap->labels[j] = label;
	heap->nodes[j] = node;
}

static void topo_heap_push(struct topo_heap *heap, struct topo_label label,
			   int node)
{
	int i = heap->n++;

	heap->labels[i] = label;
	heap->nodes[i] = node;
	while (i > 0 &&
	       topo_label_less(heap->labels[i], heap->labels[(i - 1) / 2])) {
		topo_heap_swap(heap, i, (i - 1) / 2);
		i = (i - 1) / 2;
	}
}

static int topo_heap_pop(struct topo_heap *heap, struct topo_label *label)
{
	int node = heap->nodes[0];
	int i = 0;

	*label = heap->labels[0];
	heap->n--;
	heap->labels[0] = heap->labels[heap->n];
	heap->nodes[0] = heap->nodes[heap->n];
	for (;;) {
		int left = 2 * i + 1, right = left + 1, min = i;

		if (left < heap->n &&
		    topo_label_less(heap->labels[left], heap->labels[min]))
			min = left;
		if (right < heap->n &&
		    topo_label_less(heap->labels[right], heap->labels[min]))
			min = right;
		if (min == i)
			break;
		topo_heap_swap(heap, i, min);
		i = min;
	}
	return node;
}

/* Scratch space for one shortest-path run per source node. */
struct topo_spf {
	struct topo_label *best;
	bool *done;
	struct topo_heap heap;
};

static void topo_spf_free(struct topo_spf *spf)
{
	free(spf->best);
	free(spf->done);
	free(spf->heap.labels);
	free(spf->heap.nodes);
}

static int topo_spf_alloc(struct topo_spf *spf, const struct topology *topo)
{
	size_t n = (size_t)topo->n_nodes + 1;
	size_t cap = (size_t)topo->n_ifaces + 2;

	memset(spf, 0, sizeof(*spf));
	spf->best = calloc(n, sizeof(*spf->best));
	spf->done = calloc(n, sizeof(*spf->done));
	spf->heap.labels = calloc(cap, sizeof(*spf->heap.labels));
	spf->heap.nodes = calloc(cap, sizeof(*spf->heap.nodes));
	/* Each node is expanded once, so each interface pushes at most once. */
	spf->heap.cap = (int)cap;
	if (!spf->best || !spf->done || !spf->heap.labels || !spf->heap.nodes) {
		topo_spf_free(spf);
		return -ENOMEM;
	}
	return 0;
}

/* Whether @iface is on a link, and that link is up. */
static bool topo_iface_up(const struct topology *topo,
			  const struct topo_iface *iface)
{
	return iface->link >= 0 && !topo->links[iface->link].down;
}

/*
 * Dijkstra from @source by summed link cost, over links that are up.  Only the source and routers
 * pass traffic on, so hosts and kernel nodes are reached but not expanded.
 */
static void topo_spf_run(struct topo_spf *spf, const struct topology *topo,
			 int source)
{
	struct topo_label label = { 0, -1 };
	int i;

	for (i = 0; i < topo->n_nodes; i++) {
		spf->best[i].cost = TOPO_COST_INFINITE;
		spf->best[i].first_link = -1;
		spf->done[i] = false;
	}
	spf->heap.n = 0;
	spf->best[source] = label;
	topo_heap_push(&spf->heap, label, source);

	while (spf->heap.n > 0) {
		int node = topo_heap_pop(&spf->heap, &label);
		const struct topo_node *n = &topo->nodes[node];

		if (spf->done[node])
			continue;
		spf->done[node] = true;
		if (node != source && n->kind != TOPO_NODE_ROUTER)
			continue;

		for (i = n->first_iface; i < n->first_iface + n->n_ifaces;
		     i++) {
			const struct topo_iface *iface = &topo->ifaces[i];
			struct topo_label next;
			int peer;

			if (!topo_iface_up(topo, iface))
				continue;
			peer = topo->ifaces[iface->peer].node;
			next.cost = label.cost + topo->links[iface->link].cost;
			next.first_link =
			    node == source ? iface->link : label.first_link;
			if (spf->done[peer] ||
			    !topo_label_less(next, spf->best[peer]))
				continue;
			spf->best[peer] = next;
			if (spf->heap.n < spf->heap.cap)
				topo_heap_push(&spf->heap, next, peer);
		}
	}
}

/* Returns @node's interface on @link, or -1. */
static int topo_node_iface_on(const struct topology *topo, int node, int link)
{
	const struct topo_link *l = &topo->links[link];

	if (topo->ifaces[l->iface[0]].node == node)
		return l->iface[0];
	if (topo->ifaces[l->iface[1]].node == node)
		return l->iface[1];
	return -1;
}

static int topo_append_route(struct topo_node *node,
			     const struct topo_route *route)
{
	struct topo_route *routes;
	int ret;

	routes = realloc(node->routes,
			 ((size_t)node->n_routes + 1) * sizeof(*routes));
	if (!routes)
		return -ENOMEM;
	node->routes = routes;

	ret = rtable_insert(node->table, route->prefix, route->plen,
			    node->n_routes);
	if (ret < 0)
		return ret;
	routes[node->n_routes++] = *route;
	return 0;
}

static int topo_add_connected(struct topology *topo, int node)
{
	struct topo_node *n = &topo->nodes[node];
	int i, ret;

	for (i = n->first_iface; i < n->first_iface + n->n_ifaces; i++) {
		const struct topo_iface *iface = &topo->ifaces[i];
		struct topo_route route = {
			.prefix = topo_iface_subnet(iface),
			.plen = iface->plen,
			.kind = TOPO_ROUTE_CONNECTED,
			.iface = i,
			.next_iface = -1,
		};

		/* A loopback is the node's own address, not a subnet. */
		if (!topo_iface_up(topo, iface))
			continue;
		ret = topo_append_route(n, &route);
		if (ret < 0)
			return ret;
	}
	return 0;
}

/* Adds a route to every link subnet @node is not on but can reach. */
static int topo_add_shortest(struct topology *topo, int node,
			     const struct topo_spf *spf)
{
	int i, ret;

	for (i = 0; i < topo->n_links; i++) {
		const struct topo_link *link = &topo->links[i];
		const struct topo_iface *a = &topo->ifaces[link->iface[0]];
		struct topo_label la = spf->best[a->node];
		struct topo_label lb =
		    spf->best[topo->ifaces[link->iface[1]].node];
		struct topo_label best = topo_label_less(lb, la) ? lb : la;
		struct topo_route route = { 0 };
		int out;

		/* The subnet of a link that is down is nowhere. */
		if (link->down || topo_node_iface_on(topo, node, i) >= 0 ||
		    best.cost == TOPO_COST_INFINITE || best.first_link < 0)
			continue;

		out = topo_node_iface_on(topo, node, best.first_link);
		route.prefix = topo_iface_subnet(a);
		route.plen = a->plen;
		route.kind = TOPO_ROUTE_VIA;
		route.iface = out;
		route.next_iface = topo->ifaces[out].peer;
		route.gateway = topo->ifaces[route.next_iface].addr;
		ret = topo_append_route(&topo->nodes[node], &route);
		if (ret < 0)
			return ret;
	}
	return 0;
}

static int topo_reset_routes(struct topo_node *node)
{
	free(node->routes);
	node->routes = NULL;
	node->n_routes = 0;
	rtable_destroy(node->table);
	node->table = rtable_create();
	return node->table ? 0 : -ENOMEM;
}

int topo_compute_routes(struct topology *topo)
{
	struct topo_spf spf;
	int i, ret;

	ret = topo_spf_alloc(&spf, topo);
	if (ret < 0)
		return ret;

	for (i = 0; i < topo->n_nodes && ret == 0; i++) {
		ret = topo_reset_routes(&topo->nodes[i]);
		if (ret < 0 || topo->nodes[i].kind == TOPO_NODE_KERNEL)
			continue;

		ret = topo_add_connected(topo, i);
		if (ret < 0)
			break;

		topo_spf_run(&spf, topo, i);
		ret = topo_add_shortest(topo, i, &spf);
	}
	topo_spf_free(&spf);
	return ret;
}

int topo_set_route(struct topology *topo, int node,
		   const struct topo_route *route)
{
	struct topo_node *n;
	struct topo_route copy;
	int index;

	if (node < 0 || node >= topo->n_nodes || route->plen > 32)
		return -EINVAL;
	n = &topo->nodes[node];
	if (!n->table) {
		n->table = rtable_create();
		if (!n->table)
			return -ENOMEM;
	}

	copy = *route;
	copy.prefix &= topo_mask(route->plen);
	index = rtable_get(n->table, copy.prefix, copy.plen);
	if (index >= 0) {
		n->routes[index] = copy;
		return 0;
	}
	return topo_append_route(n, &copy);
}

/* True when @node has a static route for exactly @prefix/@plen. */
static bool topo_has_static(const struct topo_node *n, uint32_t prefix,
			    uint8_t plen)
{
	int index;

	if (!n->table)
		return false;
	index = rtable_get(n->table, prefix, plen);
	return index >= 0 && n->routes[index].is_static;
}

/*
 * Collects the distinct prefixes of static routes other than default
 * routes into @out (room for @cap).  Returns how many there are.
 */
static int topo_static_prefixes(const struct topology *topo,
				struct topo_prefix *out, int cap)
{
	int i, j, k, n = 0;

	for (i = 0; i < topo->n_nodes; i++) {
		const struct topo_node *node = &topo->nodes[i];

		for (j = 0; j < node->n_routes; j++) {
			const struct topo_route *r = &node->routes[j];

			if (!r->is_static || r->plen == 0)
				continue;
			for (k = 0; k < n && k < cap; k++) {
				if (out[k].prefix == r->prefix &&
				    out[k].plen == r->plen)
					break;
			}
			if (k < n)
				continue;
			if (n < cap) {
				out[n].prefix = r->prefix;
				out[n].plen = r->plen;
			}
			n++;
		}
	}
	return n;
}

static int topo_count_static(const struct topology *topo)
{
	int i, j, n = 0;

	for (i = 0; i < topo->n_nodes; i++) {
		for (j = 0; j < topo->nodes[i].n_routes; j++)
			n += topo->nodes[i].routes[j].is_static;
	}
	return n;
}

/* True when @origin's static route for @p points at @node, which then
 * must not route @p back to it (split horizon). */
static bool topo_points_at(const struct topology *topo, int origin, int node,
			   const struct topo_prefix *p)
{
	const struct topo_node *o = &topo->nodes[origin];
	const struct topo_route *r;

	r = &o->routes[rtable_get(o->table, p->prefix, p->plen)];
	return r->kind == TOPO_ROUTE_VIA &&
	       topo->ifaces[r->next_iface].node == node;
}

/*
 * Adds to @node a route for @p toward the nearest router with a static
 * route for it, by the shortest paths in @spf, unless @node routes @p
 * already (a link subnet, say).
 */
static int topo_add_redistributed(struct topology *topo, int node,
				  const struct topo_spf *spf,
				  const struct topo_prefix *p)
{
	struct topo_label best = { TOPO_COST_INFINITE, -1 };
	struct topo_route route = { 0 };
	int i, out;

	if (rtable_get(topo->nodes[node].table, p->prefix, p->plen) >= 0)
		return 0;
	for (i = 0; i < topo->n_nodes; i++) {
		if (i == node || topo->nodes[i].kind != TOPO_NODE_ROUTER ||
		    !topo_has_static(&topo->nodes[i], p->prefix, p->plen) ||
		    topo_points_at(topo, i, node, p))
			continue;
		if (topo_label_less(spf->best[i], best))
			best = spf->best[i];
	}
	if (best.cost == TOPO_COST_INFINITE || best.first_link < 0)
		return 0;

	out = topo_node_iface_on(topo, node, best.first_link);
	route.prefix = p->prefix;
	route.plen = p->plen;
	route.kind = TOPO_ROUTE_VIA;
	route.iface = out;
	route.next_iface = topo->ifaces[out].peer;
	route.gateway = topo->ifaces[route.next_iface].addr;
	return topo_set_route(topo, node, &route);
}

int topo_redistribute_static(struct topology *topo)
{
	struct topo_prefix *prefixes;
	struct topo_spf spf;
	int n, i, j, ret;

	n = topo_count_static(topo);
	if (n == 0)
		return 0;
	prefixes = calloc((size_t)n, sizeof(*prefixes));
	if (!prefixes)
		return -ENOMEM;
	n = topo_static_prefixes(topo, prefixes, n);
	ret = topo_spf_alloc(&spf, topo);
	if (ret < 0) {
		free(prefixes);
		return ret;
	}

	for (i = 0; i < topo->n_nodes && ret == 0; i++) {
		if (topo->nodes[i].kind == TOPO_NODE_KERNEL)
			continue;
		topo_spf_run(&spf, topo, i);
		for (j = 0; j < n && ret == 0; j++)
			ret =
			    topo_add_redistributed(topo, i, &spf, &prefixes[j]);
	}
	topo_spf_free(&spf);
	free(prefixes);
	return ret;
}

/* Installs each static route whose egress interface's link is up. */
static int topo_install_static(struct topology *topo)
{
	int i, j, ret;

	for (i = 0; i < topo->n_nodes; i++) {
		const struct topo_node *n = &topo->nodes[i];

		for (j = 0; j < n->n_static_routes; j++) {
			const struct topo_route *r = &n->static_routes[j];

			if (r->iface >= 0 &&
			    !topo_iface_up(topo, &topo->ifaces[r->iface]))
				continue;
			ret = topo_set_route(topo, i, r);
			if (ret < 0)
				return ret;
		}
	}
	return 0;
}

/*
 * Gives @node a route toward each other router's loopback that it can
 * reach, unless it routes that /32 already.
 */
static int topo_add_loopback_routes(struct topology *topo, int node,
				    const struct topo_spf *spf)
{
	int i, out, ret;

	for (i = 0; i < topo->n_nodes; i++) {
		const struct topo_node *owner = &topo->nodes[i];
		struct topo_label best = spf->best[i];
		struct topo_route route = { .plen = 32,
					    .kind = TOPO_ROUTE_VIA };

		if (i == node || owner->loopback_iface < 0 ||
		    best.cost == TOPO_COST_INFINITE || best.first_link < 0)
			continue;
		route.prefix = topo->ifaces[owner->loopback_iface].addr;
		if (rtable_get(topo->nodes[node].table, route.prefix, 32) >= 0)
			continue;
		out = topo_node_iface_on(topo, node, best.first_link);
		route.iface = out;
		route.next_iface = topo->ifaces[out].peer;
		route.gateway = topo->ifaces[route.next_iface].addr;
		ret = topo_set_route(topo, node, &route);
		if (ret < 0)
			return ret;
	}
	return 0;
}

static int topo_route_loopbacks(struct topology *topo)
{
	struct topo_spf spf;
	int i, ret = 0;

	for (i = 0; i < topo->n_nodes; i++)
		if (topo->nodes[i].loopback_iface >= 0)
			break;
	if (i == topo->n_nodes)
		return 0;
	ret = topo_spf_alloc(&spf, topo);
	if (ret < 0)
		return ret;
	for (i = 0; i < topo->n_nodes && ret == 0; i++) {
		if (topo->nodes[i].kind == TOPO_NODE_KERNEL)
			continue;
		topo_spf_run(&spf, topo, i);
		ret = topo_add_loopback_routes(topo, i, &spf);
	}
	topo_spf_free(&spf);
	return ret;
}

int topo_rebuild_routes(struct topology *topo)
{
	int ret;

	ret = topo_compute_routes(topo);
	if (ret < 0)
		return ret;
	ret = topo_install_static(topo);
	if (ret < 0)
		return ret;
	ret = topo_redistribute_static(topo);
	if (ret < 0)
		return ret;
	return topo_route_loopbacks(topo);
}

/* Returns the index of @node's static route for @prefix/@plen, or -1. */
static int topo_find_static(const struct topo_node *n, uint32_t prefix,
			    uint8_t plen)
{
	int i;

	for (i = 0; i < n->n_static_routes; i++)
		if (n->static_routes[i].prefix == prefix &&
		    n->static_routes[i].plen == plen)
			return i;
	return -1;
}

/* Adds @route to @n's static routes, replacing one of the same prefix. */
static int topo_add_static(struct topo_node *n, const struct topo_route *route)
{
	struct topo_route *routes;
	int index = topo_find_static(n, route->prefix, route->plen);

	if (index >= 0) {
		n->static_routes[index] = *route;
		return 0;
	}
	routes = realloc(n->static_routes,
			 ((size_t)n->n_static_routes + 1) * sizeof(*routes));
	if (!routes)
		return -ENOMEM;
	n->static_routes = routes;
	routes[n->n_static_routes++] = *route;
	return 0;
}

/* Checks that @route's interfaces belong to @node. */
static bool topo_route_valid(const struct topology *topo, int node,
			     const struct topo_route *route)
{
	const struct topo_node *n = &topo->nodes[node];

	if (route->plen > 32)
		return false;
	if (route->kind != TOPO_ROUTE_VIA &&
	    route->kind != TOPO_ROUTE_CONNECTED)
		return true;
	return route->iface >= n->first_iface &&
	       route->iface < n->first_iface + n->n_ifaces &&
	       topo->ifaces[route->iface].link >= 0 &&
	       (route->kind != TOPO_ROUTE_VIA ||
		route->next_iface == topo->ifaces[route->iface].peer);
}

static int topo_apply_route_event(struct topology *topo,
				  const struct topo_event *event)
{
	struct topo_node *n = &topo->nodes[event->node];
	int index, ret;

	if (n->kind == TOPO_NODE_KERNEL)
		return -EINVAL;
	if (event->kind == TOPO_EVENT_ROUTE_ADD) {
		struct topo_route route = event->route;

		if (!topo_route_valid(topo, event->node, &route))
			return -EINVAL;
		route.is_static = true;
		ret = topo_add_static(n, &route);
		if (ret < 0)
			return ret;
	} else {
		index =
		    topo_find_static(n, event->route.prefix, event->route.plen);
		if (index < 0)
			return -EINVAL;
		n->static_routes[index] =
		    n->static_routes[--n->n_static_routes];
	}
	return topo_rebuild_routes(topo);
}

int topo_apply_event(struct topology *topo, const struct topo_event *event)
{
	bool for_link = event->kind == TOPO_EVENT_LINK_DOWN ||
			event->kind == TOPO_EVENT_LINK_UP ||
			event->kind == TOPO_EVENT_LINK_SET;
	struct topo_link *link;
	struct topo_node *node;

	if (for_link && (event->link < 0 || event->link >= topo->n_links))
		return -EINVAL;
	if (!for_link && (event->node < 0 || event->node >= topo->n_nodes))
		return -EINVAL;

	switch (event->kind) {
	case TOPO_EVENT_LINK_DOWN:
	case TOPO_EVENT_LINK_UP:
		topo->links[event->link].down =
		    event->kind == TOPO_EVENT_LINK_DOWN;
		return topo_rebuild_routes(topo);
	case TOPO_EVENT_LINK_SET:
		link = &topo->links[event->link];
		link->dir[0] = event->dir[0];
		link->dir[1] = event->dir[1];
		if (event->mtu)
			link->mtu = event->mtu;
		return 0;
	case TOPO_EVENT_NODE_SET:
		node = &topo->nodes[event->node];
		node->icmp = event->icmp;
		node->ttl = event->ttl;
		node->arp_timeout_us = event->arp_timeout_us;
		return 0;
	case TOPO_EVENT_ROUTE_ADD:
	case TOPO_EVENT_ROUTE_REMOVE:
		return topo_apply_route_event(topo, event);
	}
	return -EINVAL;
}

const struct topo_route *topo_route_lookup(const struct topology *topo,
					   int node, uint32_t dst)
{
	const struct topo_node *n;
	int index;

	if (node < 0 || node >= topo->n_nodes)
		return NULL;
	n = &topo->nodes[node];
	if (!n->table)
		return NULL;
	index = rtable_lookup(n->table, dst);
	return index < 0 ? NULL : &n->routes[index];
}

/* Appends @prefix/@plen to @out unless it is already among the first @n.
 * Returns the new count. */
static int topo_add_prefix(struct topo_prefix *out, int n, int cap,
			   uint32_t prefix, uint8_t plen)
{
	int i;

	for (i = 0; i < n && i < cap; i++) {
		if (out[i].prefix == prefix && out[i].plen == plen)
			return n;
	}
	if (n < cap) {
		out[n].prefix = prefix;
		out[n].plen = plen;
	}
	return n + 1;
}

int topo_tun_prefixes(const struct topology *topo, int tun,
		      struct topo_prefix *out, int cap)
{
	const struct topo_iface *own;
	const struct topo_tun *t;
	uint32_t own_net;
	int i, j, n = 0;

	if (tun < 0 || tun >= topo->n_tuns)
		return -EINVAL;
	t = &topo->tuns[tun];
	if (!t->routes_all)
		return 0;

	/* The kernel makes the route for the TUN's own subnet itself. */
	own = &topo->ifaces[t->kernel_iface];
	own_net = topo_iface_subnet(own);
	for (i = 0; i < topo->n_links; i++) {
		const struct topo_iface *a =
		    &topo->ifaces[topo->links[i].iface[0]];

		if (i == own->link)
			continue;
		n = topo_add_prefix(out, n, cap, topo_iface_subnet(a), a->plen);
	}
	for (i = 0; i < topo->n_ifaces; i++) {
		if (topo->ifaces[i].link < 0)
			n = topo_add_prefix(out, n, cap, topo->ifaces[i].addr,
					    32);
	}
	/* Static routes as written, whether their link is up or not. */
	for (i = 0; i < topo->n_nodes; i++) {
		const struct topo_node *node = &topo->nodes[i];

		for (j = 0; j < node->n_static_routes; j++) {
			const struct topo_route *r = &node->static_routes[j];

			if (r->plen == 0 ||
			    (r->prefix == own_net && r->plen == own->plen))
				continue;
			n = topo_add_prefix(out, n, cap, r->prefix, r->plen);
		}
	}
	/* Routes that the timeline adds are routed from the start. */
	for (i = 0; i < topo->n_events; i++) {
		const struct topo_route *r = &topo->events[i].route;

		if (topo->events[i].kind != TOPO_EVENT_ROUTE_ADD ||
		    r->plen == 0 ||
		    (r->prefix == own_net && r->plen == own->plen))
			continue;
		n = topo_add_prefix(out, n, cap, r->prefix, r->plen);
	}
	return n;
}

/* Returns the node that owns @addr, or -1. */
static int topo_addr_node(const struct topology *topo, uint32_t addr)
{
	int iface = topo_addr_owner(topo, addr);

	return iface < 0 ? -1 : topo->ifaces[iface].node;
}

/*
 * Returns the interface that receives a packet for @dst sent by @route.
 * Returns -1 when no interface on the connected link has @dst, so address
 * resolution fails, or -2 when the packet stops silently: a drop route,
 * or @dst is the network or broadcast address of the connected subnet.
 */
static int topo_next_iface(const struct topology *topo, uint32_t dst,
			   const struct topo_route *route)
{
	const struct topo_iface *out;
	uint32_t net;
	int owner;

	switch (route->kind) {
	case TOPO_ROUTE_CONNECTED:
		out = &topo->ifaces[route->iface];
		net = topo_iface_subnet(out);
		if (dst == net || dst == (net | ~topo_mask(out->plen)))
			return -2;
		owner = topo_addr_owner(topo, dst);
		if (owner < 0 || topo->ifaces[owner].link != out->link)
			return -1;
		return owner;
	case TOPO_ROUTE_VIA:
		return route->next_iface;
	default:
		return -2;
	}
}

/* Whether what @iface sends is lost: its link or direction is down. */
static bool topo_sends_down(const struct topology *topo, int iface)
{
	int link = topo->ifaces[iface].link;

	return link < 0 || topo->links[link].down ||
	       topo->links[link].dir[topo_link_dir(topo, link, iface)].down;
}

/* Whether routers never forward to @addr (RFC 1812, section 5.3.7). */
static bool topo_is_martian(uint32_t addr)
{
	uint32_t first = addr >> 24;

	return first == 0 || first == 127 || first >= 224;
}

/*
 * Whether a packet that @from originates toward @src gets there through
 * the route tables.  Routers forward it while its TTL lasts.  It must not
 * cross a host, a kernel node or a link direction that is down, nor meet
 * a drop route.
 */
static bool topo_reply_arrives(const struct topology *topo, int from,
			       uint32_t src)
{
	int target = topo_addr_node(topo, src);
	int cur = from;
	int forwards;

	if (target < 0)
		return false;
	/* A packet sent with TTL t survives t - 1 forwarding routers. */
	for (forwards = 0;; forwards++) {
		const struct topo_route *route;
		int next;

		if (cur == target)
			return true;
		if (forwards > 0 &&
		    (topo->nodes[cur].kind != TOPO_NODE_ROUTER ||
		     forwards >= topo->nodes[from].ttl))
			return false;
		route = topo_route_lookup(topo, cur, src);
		if (!route)
			return false;
		next = topo_next_iface(topo, src, route);
		if (next < 0 || topo_sends_down(topo, route->iface))
			return false;
		cur = topo->ifaces[next].node;
	}
}

/*
 * Returns the source address of an ICMP error that @node sends toward
 * @src about a packet that arrived on @in_iface, as the node's
 * icmp.source chooses: by default the address of the interface its
 * route toward @src leaves by (RFC 1812, section 4.3.2.4).  Returns 0
 * when the error would not arrive.
 */
static uint32_t topo_error_source(const struct topology *topo, int node,
				  int in_iface, uint32_t src)
{
	const struct topo_route *route = topo_route_lookup(topo, node, src);
	const struct topo_node *n = &topo->nodes[node];

	if (!route || (route->kind != TOPO_ROUTE_CONNECTED &&
		       route->kind != TOPO_ROUTE_VIA))
		return 0;
	if (!topo_reply_arrives(topo, node, src))
		return 0;
	switch (n->icmp.source) {
	case TOPO_ICMP_SOURCE_INGRESS:
		return topo->ifaces[in_iface].addr;
	case TOPO_ICMP_SOURCE_LOOPBACK:
		if (n->loopback_iface >= 0)
			return topo->ifaces[n->loopback_iface].addr;
		break;
	case TOPO_ICMP_SOURCE_FIXED:
		return n->icmp.source_addr;
	case TOPO_ICMP_SOURCE_EGRESS:
		break;
	}
	return topo->ifaces[route->iface].addr;
}

/*
 * Fills @hop with an ICMP error from @node about a probe that arrived on
 * @in_iface; SILENT if the node sends no errors or the error cannot
 * arrive.
 */
static void topo_hop_error(const struct topology *topo, struct topo_hop *hop,
			   int node, int in_iface, uint32_t src,
			   enum topo_hop_mark mark)
{
	uint32_t addr;

	if (topo->nodes[node].icmp.silent)
		return;
	addr = topo_error_source(topo, node, in_iface, src);
	if (addr == 0)
		return;
	hop->mark = mark;
	hop->addr = addr;
	hop->node = node;
}

/* Fills @hop for an unreachable @mark.  Returns true if the path ends. */
static bool topo_hop_unreachable(const struct topology *topo,
				 struct topo_hop *hop, int node, int in_iface,
				 uint32_t src, enum topo_hop_mark mark)
{
	topo_hop_error(topo, hop, node, in_iface, src, mark);
	return hop->mark != TOPO_HOP_SILENT;
}

/*
 * Fills @hop for one probe with @ttl that enters the topology on
 * @in_iface, a router's TUN interface.  Returns true if the path ends.
 */
static bool topo_trace_probe(const struct topology *topo, int in_iface,
			     uint32_t src, uint32_t dst, int ttl,
			     struct topo_hop *hop)
{
	int cur = topo->ifaces[in_iface].node;
	int remaining = ttl;
	int next;

	hop->ttl = ttl;
	hop->mark = TOPO_HOP_SILENT;
	hop->addr = 0;
	hop->node = -1;
	if (topo_sends_down(topo, topo->ifaces[in_iface].peer))
		return false;

	for (;;) {
		const struct topo_route *route;

		/* A probe handed to the kernel leaves the topology. */
		if (topo->nodes[cur].kind == TOPO_NODE_KERNEL)
			return false;
		if (topo_addr_node(topo, dst) == cur) {
			/*
			 * The destination sends port unreachable unless it
			 * is silent, and only a reply that arrives counts.
			 */
			if (topo->nodes[cur].icmp.silent ||
			    !topo_reply_arrives(topo, cur, src))
				return false;
			hop->mark = TOPO_HOP_REACHED;
			hop->addr = dst;
			hop->node = cur;
			return true;
		}
		/* Hosts do not forward. */
		if (topo->nodes[cur].kind != TOPO_NODE_ROUTER ||
		    topo_is_martian(dst))
			return false;

		route = topo_route_lookup(topo, cur, dst);
		if (!route)
			return topo_hop_unreachable(topo, hop, cur, in_iface,
						    src, TOPO_HOP_NET_UNREACH);
		switch (route->kind) {
		case TOPO_ROUTE_BLACKHOLE:
			return false;
		case TOPO_ROUTE_UNREACHABLE:
			return topo_hop_unreachable(topo, hop, cur, in_iface,
						    src, TOPO_HOP_HOST_UNREACH);
		case TOPO_ROUTE_PROHIBIT:
			return topo_hop_unreachable(topo, hop, cur, in_iface,
						    src, TOPO_HOP_PROHIBITED);
		default:
			break;
		}
		if (remaining == 1) {
			topo_hop_error(topo, hop, cur, in_iface, src,
				       TOPO_HOP_TIME_EXCEEDED);
			return false;
		}
		remaining--;

		next = topo_next_iface(topo, dst, route);
		if (next == -2)
			return false;
		/* Address resolution fails: no interface has @dst. */
		if (next < 0)
			return topo_hop_unreachable(topo, hop, cur, in_iface,
						    src, TOPO_HOP_HOST_UNREACH);
		if (topo_sends_down(topo, route->iface))
			return false;
		in_iface = next;
		cur = topo->ifaces[next].node;
	}
}

int topo_path(const struct topology *topo, int tun, uint32_t dst, int max_ttl,
	      struct topo_hop *hops, int cap)
{
	const struct topo_tun *t;
	uint32_t src;
	int ttl, n = 0;

	if (tun < 0 || tun >= topo->n_tuns || max_ttl < 1 || max_ttl > 255 ||
	    cap < 0 || (cap > 0 && !hops))
		return -EINVAL;
	t = &topo->tuns[tun];
	src = topo->ifaces[t->kernel_iface].addr;

	for (ttl = 1; ttl <= max_ttl && n < cap; ttl++) {
		bool ends = topo_trace_probe(topo, t->router_iface, src, dst,
					     ttl, &hops[n]);

		n++;
		if (ends)
			break;
	}
	return n;
}

uint32_t topo_path_mtu(const struct topology *topo, int tun, uint32_t dst)
{
	const struct topo_tun *t;
	uint32_t mtu;
	int cur, hops;

	if (tun < 0 || tun >= topo->n_tuns)
		return 0;
	t = &topo->tuns[tun];
	mtu = topo->links[topo->ifaces[t->router_iface].link].mtu;
	if (topo_sends_down(topo, t->kernel_iface))
		return mtu;
	cur = topo->ifaces[t->router_iface].node;

	/* At most 255 forwards, as TTL allows, so a routing loop ends. */
	for (hops = 0; hops < 255; hops++) {
		const struct topo_route *route;
		uint32_t link_mtu;
		int next;

		if (topo->nodes[cur].kind != TOPO_NODE_ROUTER ||
		    topo_addr_node(topo, dst) == cur || topo_is_martian(dst))
			break;
		route = topo_route_lookup(topo, cur, dst);
		if (!route)
			break;
		next = topo_next_iface(topo, dst, route);
		if (next < 0)
			break;
		/*
		 * A router checks the MTU before it sends, so the link
		 * counts even when its direction then loses the packet.
		 */
		link_mtu = topo->links[topo->ifaces[route->iface].link].mtu;
		if (link_mtu < mtu)
			mtu = link_mtu;
		if (topo_sends_down(topo, route->iface))
			break;
		cur = topo->ifaces[next].node;
	}
	return mtu;
}

/* Appends to @buf of @len bytes, of which @*used are written already. */
static void topo_append(char *buf, size_t len, size_t *used, const char *fmt,
			...) __attribute__((format(printf, 4, 5)));

static void topo_append(char *buf, size_t len, size_t *used, const char *fmt,
			...)
{
	va_list ap;
	int n;

	if (*used >= len)
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf + *used, len - *used, fmt, ap);
	va_end(ap);
	if (n > 0)
		*used += (size_t)n < len - *used ? (size_t)n : len - *used - 1;
}

static const char *topo_format_duration(uint32_t us, char *buf, size_t len)
{
	if (us == 0)
		snprintf(buf, len, "0");
	else if (us % 1000000u == 0)
		snprintf(buf, len, "%us", us / 1000000u);
	else if (us % 1000u == 0)
		snprintf(buf, len, "%ums", us / 1000u);
	else
		snprintf(buf, len, "%uus", us);
	return buf;
}

/* Writes @ppm as a percentage: "5%", "0.5%", "0.0001%". */
static const char *topo_format_percent(uint32_t ppm, char *buf, size_t len)
{
	uint32_t frac = ppm % 10000u;
	int digits = 4;

	if (frac == 0) {
		snprintf(buf, len, "%u%%", ppm / 10000u);
		return buf;
	}
	while (frac % 10 == 0) {
		frac /= 10;
		digits--;
	}
	snprintf(buf, len, "%u.%0*u%%", ppm / 10000u, digits, frac);
	return buf;
}

/* Writes @bps in the largest tc unit that divides it: "10mbit". */
static const char *topo_format_rate(uint64_t bps, char *buf, size_t len)
{
	static const char *const units[] = { "bit", "kbit", "mbit", "gbit" };
	int unit = 0;

	while (unit < 3 && bps != 0 && bps % 1000 == 0) {
		bps /= 1000;
		unit++;
	}
	snprintf(buf, len, "%llu%s", (unsigned long long)bps, units[unit]);
	return buf;
}

static void topo_append_percent(char *buf, size_t len, size_t *used,
				const char *name, uint32_t ppm)
{
	char text[16];

	topo_append(buf, len, used, " %s %s", name,
		    topo_format_percent(ppm, text, sizeof(text)));
}

const char *topo_format_impair(const struct topo_impair *d, char *buf,
			       size_t len)
{
	char text[24];
	size_t used = 0;

	buf[0] = '\0';
	topo_append(buf, len, &used, "delay %s",
		    topo_format_duration(d->delay_us, text, sizeof(text)));
	if (d->jitter_us)
		topo_append(
		    buf, len, &used, " jitter %s",
		    topo_format_duration(d->jitter_us, text, sizeof(text)));
	if (d->jitter_dist == TOPO_JITTER_NORMAL)
		topo_append(buf, len, &used, " distribution normal");
	if (d->allow_reorder)
		topo_append(buf, len, &used, " jitter-reorder on");
	if (d->loss_model == TOPO_LOSS_GILBERT_ELLIOTT) {
		topo_append(buf, len, &used, " loss gilbert-elliott");
		topo_append_percent(buf, len, &used, "p", d->ge_p_ppm);
		topo_append_percent(buf, len, &used, "r", d->ge_r_ppm);
		topo_append_percent(buf, len, &used, "loss-good",
				    d->ge_loss_good_ppm);
		topo_append_percent(buf, len, &used, "loss-bad",
				    d->ge_loss_bad_ppm);
	} else if (d->loss_ppm) {
		topo_append_percent(buf, len, &used, "loss", d->loss_ppm);
	}
	if (d->duplicate_ppm)
		topo_append_percent(buf, len, &used, "duplicate",
				    d->duplicate_ppm);
	if (d->reorder_ppm)
		topo_append_percent(buf, len, &used, "reorder", d->reorder_ppm);
	if (d->corrupt_ppm)
		topo_append_percent(buf, len, &used, "corrupt", d->corrupt_ppm);
	if (d->rate_bps)
		topo_append(buf, len, &used, " rate %s",
			    topo_format_rate(d->rate_bps, text, sizeof(text)));
	if (d->queue_limit != TOPO_DEFAULT_QUEUE_LIMIT)
		topo_append(buf, len, &used, " queue %u", d->queue_limit);
	if (d->down)
		topo_append(buf, len, &used, " down");
	return buf;
}

static bool topo_ratelimit_is_linux(const struct topo_ratelimit *rl)
{
	struct topo_ratelimit profile = TOPO_RATELIMIT_LINUX;

	return rl->enabled == profile.enabled &&
	       rl->interval_us == profile.interval_us &&
	       rl->burst == profile.burst &&
	       rl->global_rate == profile.global_rate &&
	       rl->global_burst == profile.global_burst &&
	       rl->global_random_cost == profile.global_random_cost &&
	       rl->type_mask == profile.type_mask &&
	       rl->frag_needed_exempt == profile.frag_needed_exempt;
}

static void topo_append_ratelimit(char *buf, size_t len, size_t *used,
				  const struct topo_ratelimit *rl)
{
	const char *sep = "";
	char text[24];
	int type;

	if (topo_ratelimit_is_linux(rl)) {
		topo_append(buf, len, used, " rate-limit linux");
		return;
	}
	topo_append(
	    buf, len, used,
	    " rate-limit interval %s burst %u global-rate %u global-burst %u types ",
	    topo_format_duration(rl->interval_us, text, sizeof(text)),
	    rl->burst, rl->global_rate, rl->global_burst);
	for (type = 0; type < 64; type++) {
		if (!(rl->type_mask & (1ull << type)))
			continue;
		topo_append(buf, len, used, "%s%d", sep, type);
		sep = ",";
	}
	if (!rl->type_mask)
		topo_append(buf, len, used, "none");
	topo_append(buf, len, used, " frag-needed-exempt %s",
		    rl->frag_needed_exempt ? "on" : "off");
}

const char *topo_format_icmp(const struct topo_icmp_policy *icmp, char *buf,
			     size_t len)
{
	static const char *const sources[] = {
		[TOPO_ICMP_SOURCE_INGRESS] = "ingress",
		[TOPO_ICMP_SOURCE_LOOPBACK] = "loopback",
	};
	char text[24];
	size_t used = 0;

	buf[0] = '\0';
	if (icmp->silent)
		topo_append(buf, len, &used, " silent");
	if (!icmp->frag_needed)
		topo_append(buf, len, &used, " frag-needed off");
	if (!icmp->echo)
		topo_append(buf, len, &used, " echo off");
	if (icmp->delay_us)
		topo_append(
		    buf, len, &used, " delay %s",
		    topo_format_duration(icmp->delay_us, text, sizeof(text)));
	if (icmp->source == TOPO_ICMP_SOURCE_FIXED)
		topo_append(buf, len, &used, " source %s",
			    topo_format_ipv4(icmp->source_addr, text));
	else if (icmp->source != TOPO_ICMP_SOURCE_EGRESS)
		topo_append(buf, len, &used, " source %s",
			    sources[icmp->source]);
	if (icmp->ratelimit.enabled)
		topo_append_ratelimit(buf, len, &used, &icmp->ratelimit);
	/* Every item starts with a blank; drop the first. */
	if (buf[0] == ' ')
		memmove(buf, buf + 1, strlen(buf));
	return buf;
}

static void topo_append_prefix(char *buf, size_t len, size_t *used,
			       uint32_t prefix, uint8_t plen)
{
	char text[16];

	if (plen == 0)
		topo_append(buf, len, used, "default");
	else
		topo_append(buf, len, used, "%s/%u",
			    topo_format_ipv4(prefix, text), plen);
}

/* Writes @route in the syntax of the file's route strings. */
static void topo_write_route(char *buf, size_t len, size_t *used,
			     const struct topo_route *route)
{
	static const char *const kinds[] = {
		[TOPO_ROUTE_BLACKHOLE] = "blackhole ",
		[TOPO_ROUTE_UNREACHABLE] = "unreachable ",
		[TOPO_ROUTE_PROHIBIT] = "prohibit ",
	};
	char text[16];

	if (route->kind == TOPO_ROUTE_VIA ||
	    route->kind == TOPO_ROUTE_CONNECTED) {
		topo_append_prefix(buf, len, used, route->prefix, route->plen);
		topo_append(buf, len, used, " via %s",
			    topo_format_ipv4(route->gateway, text));
		return;
	}
	topo_append(buf, len, used, "%s", kinds[route->kind]);
	topo_append_prefix(buf, len, used, route->prefix, route->plen);
}

static void topo_append_link_set(char *buf, size_t len, size_t *used,
				 const struct topology *topo,
				 const struct topo_event *event)
{
	const struct topo_link *link = &topo->links[event->link];
	char text[256];
	int i;

	topo_append(buf, len, used, " set mtu %u", event->mtu);
	for (i = 0; i < 2; i++) {
		int from = topo->ifaces[link->iface[i]].node;
		int to = topo->ifaces[link->iface[1 - i]].node;

		topo_append(
		    buf, len, used, ", %s -> %s: %s", topo->nodes[from].name,
		    topo->nodes[to].name,
		    topo_format_impair(&event->dir[i], text, sizeof(text)));
	}
}

const char *topo_format_event(const struct topology *topo,
			      const struct topo_event *event, char *buf,
			      size_t len)
{
	char text[256], duration[24];
	size_t used = 0;
	const struct topo_node *node;

	buf[0] = '\0';
	if (event->kind == TOPO_EVENT_LINK_DOWN ||
	    event->kind == TOPO_EVENT_LINK_UP ||
	    event->kind == TOPO_EVENT_LINK_SET) {
		topo_append(
		    buf, len, &used, "link %s",
		    topo_link_name(topo, event->link, text, sizeof(text)));
		if (event->kind == TOPO_EVENT_LINK_SET)
			topo_append_link_set(buf, len, &used, topo, event);
		else
			topo_append(buf, len, &used, " %s",
				    event->kind == TOPO_EVENT_LINK_DOWN ? "down"
									: "up");
		return buf;
	}

	node = &topo->nodes[event->node];
	topo_append(buf, len, &used, "%s %s",
		    node->kind == TOPO_NODE_HOST ? "host" : "router",
		    node->name);
	switch (event->kind) {
	case TOPO_EVENT_NODE_SET:
		topo_format_icmp(&event->icmp, text, sizeof(text));
		topo_append(buf, len, &used,
			    " set ttl %u arp-timeout %s icmp %s", event->ttl,
			    topo_format_duration(event->arp_timeout_us,
						 duration, sizeof(duration)),
			    text[0] ? text : "defaults");
		break;
	case TOPO_EVENT_ROUTE_ADD:
		topo_append(buf, len, &used, " add-route ");
		topo_write_route(buf, len, &used, &event->route);
		break;
	default:
		topo_append(buf, len, &used, " remove-route ");
		topo_append_prefix(buf, len, &used, event->route.prefix,
				   event->route.plen);
		break;
	}
	return buf;
}
