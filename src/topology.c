/* SPDX-License-Identifier: MIT */
/*
 * The topology model: address assignment, computed routes, lookups and
 * the traceroute that the route tables predict.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hopsim/rtable.h"
#include "hopsim/rtable6.h"
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
	size_t used;
	int i;

	if (a->kind == TOPO_NODE_KERNEL) {
		snprintf(buf, len, "tun %s", a->name);
	} else if (!l->lan) {
		snprintf(buf, len, "%s -- %s", a->name, b->name);
	} else {
		snprintf(buf, len, "lan %s", a->name);
		for (i = 1; i < l->n_ifaces; i++) {
			used = strlen(buf);
			snprintf(
			    buf + used, len - used, ", %s",
			    topo->nodes[topo->ifaces[l->iface[i]].node].name);
		}
	}
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

/* IPv6 addresses, in network order as struct pkt_in6 stores them. */

/* Clears the bits of @addr past @plen. */
static void topo6_apply_mask(struct pkt_in6 *addr, uint8_t plen)
{
	int i;

	for (i = 0; i < 16; i++) {
		int bits = (int)plen - 8 * i;

		if (bits >= 8)
			continue;
		addr->b[i] &= bits <= 0 ? 0 : (uint8_t)(0xff << (8 - bits));
	}
}

static struct pkt_in6 topo6_subnet(const struct pkt_in6 *addr, uint8_t plen)
{
	struct pkt_in6 net = *addr;

	topo6_apply_mask(&net, plen);
	return net;
}

/* Whether @addr lies in @prefix/@plen. */
static bool topo6_in_prefix(const struct pkt_in6 *addr,
			    const struct pkt_in6 *prefix, uint8_t plen)
{
	struct pkt_in6 a = topo6_subnet(addr, plen);
	struct pkt_in6 p = topo6_subnet(prefix, plen);

	return memcmp(a.b, p.b, 16) == 0;
}

/* Whether the prefixes @a/@alen and @b/@blen share an address. */
static bool topo6_overlap(const struct pkt_in6 *a, uint8_t alen,
			  const struct pkt_in6 *b, uint8_t blen)
{
	return topo6_in_prefix(a, b, alen < blen ? alen : blen);
}

/* Returns 2001:db8:@group2:@group3::@low. */
static struct pkt_in6 topo6_doc_address(uint16_t group2, uint16_t group3,
					uint16_t low)
{
	struct pkt_in6 addr = { { 0x20, 0x01, 0x0d, 0xb8 } };

	addr.b[4] = (uint8_t)(group2 >> 8);
	addr.b[5] = (uint8_t)group2;
	addr.b[6] = (uint8_t)(group3 >> 8);
	addr.b[7] = (uint8_t)group3;
	addr.b[14] = (uint8_t)(low >> 8);
	addr.b[15] = (uint8_t)low;
	return addr;
}

/* Returns @net plus @n, carrying through the bytes. */
static struct pkt_in6 topo6_add(const struct pkt_in6 *net, uint32_t n)
{
	struct pkt_in6 addr = *net;
	uint32_t carry = n;
	int i;

	for (i = 15; i >= 0 && carry; i--) {
		carry += addr.b[i];
		addr.b[i] = (uint8_t)carry;
		carry >>= 8;
	}
	return addr;
}

int topo_parse_ipv6(const char *text, struct pkt_in6 *addr)
{
	struct in6_addr in;

	if (inet_pton(AF_INET6, text, &in) != 1)
		return -EINVAL;
	memcpy(addr->b, &in, 16);
	return 0;
}

/*
 * Writes the text form of RFC 5952: lowercase hexadecimal without
 * leading zeros, the first longest run of two or more zero groups as
 * "::", and ::ffff:0:0/96 (IPv4-mapped) with the IPv4 address dotted.
 */
const char *topo_format_ipv6(const struct pkt_in6 *addr, char *buf)
{
	static const uint8_t mapped[12] = { [10] = 0xff, [11] = 0xff };
	uint16_t groups[8];
	int best = -1, best_len = 1, run = 0, i, n = 0, last = 8;

	for (i = 0; i < 8; i++)
		groups[i] =
		    (uint16_t)(addr->b[2 * i] << 8 | addr->b[2 * i + 1]);
	for (i = 0; i < 8; i++) {
		run = groups[i] == 0 ? run + 1 : 0;
		if (run > best_len) {
			best_len = run;
			best = i - run + 1;
		}
	}
	if (memcmp(addr->b, mapped, 12) == 0)
		last = 6;
	for (i = 0; i < last; i++) {
		if (i == best) {
			n += sprintf(buf + n, "::");
			i += best_len - 1;
			continue;
		}
		n += sprintf(buf + n, "%s%x",
			     i == 0 || i == best + best_len ? "" : ":",
			     groups[i]);
	}
	if (last == 6)
		sprintf(buf + n, "%s%u.%u.%u.%u",
			best + best_len == 6 ? "" : ":", addr->b[12],
			addr->b[13], addr->b[14], addr->b[15]);
	return buf;
}

/* Open-addressing hash table from IPv6 address to interface index. */
struct topo_addr6_map {
	uint32_t mask; /* number of slots - 1, a power of two minus one */
	struct pkt_in6 *addrs;
	int *ifaces; /* -1 for an empty slot */
};

static void topo_addr6_map_destroy(struct topo_addr6_map *map)
{
	if (!map)
		return;
	free(map->addrs);
	free(map->ifaces);
	free(map);
}

static struct topo_addr6_map *topo_addr6_map_create(int n_entries)
{
	struct topo_addr6_map *map;
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
		topo_addr6_map_destroy(map);
		return NULL;
	}
	for (i = 0; i < slots; i++)
		map->ifaces[i] = -1;
	return map;
}

/* FNV-1a over the 16 bytes. */
static uint32_t topo_addr6_hash(const struct pkt_in6 *addr)
{
	uint32_t hash = 2166136261u;
	int i;

	for (i = 0; i < 16; i++)
		hash = (hash ^ addr->b[i]) * 16777619u;
	return hash;
}

/* Returns the slot of @addr, or of the empty slot where it would go. */
static uint32_t topo_addr6_map_slot(const struct topo_addr6_map *map,
				    const struct pkt_in6 *addr)
{
	uint32_t slot = topo_addr6_hash(addr) & map->mask;

	while (map->ifaces[slot] >= 0 &&
	       memcmp(map->addrs[slot].b, addr->b, 16) != 0)
		slot = (slot + 1) & map->mask;
	return slot;
}

int topo_addr6_owner(const struct topology *topo, const struct pkt_in6 *addr)
{
	uint32_t slot;

	if (!topo->owners6)
		return -1;
	slot = topo_addr6_map_slot(topo->owners6, addr);
	return topo->owners6->ifaces[slot];
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
		free(topo->nodes[i].routes6);
		free(topo->nodes[i].static_routes6);
		rtable6_destroy(topo->nodes[i].table6);
	}
	free(topo->nodes);
	free(topo->events);
	free(topo->ifaces);
	free(topo->links);
	free(topo->tuns);
	topo_addr_map_destroy(topo->owners);
	topo_addr6_map_destroy(topo->owners6);
	free(topo->source);
	free(topo);
}

/* Whether @net/@plen overlaps one of the @n subnets in @spans. */
static bool topo_overlaps_any(const struct topo_span *spans, int n,
			      uint32_t net, uint8_t plen)
{
	uint32_t last = net | ~topo_mask(plen);
	int i;

	for (i = 0; i < n; i++)
		if (net <= spans[i].last && spans[i].first <= last)
			return true;
	return false;
}

/* Returns the longest prefix with room for an address per interface of
 * @link: /30 for a point-to-point link, /29 for a LAN of up to 6. */
static uint8_t topo_link_plen(const struct topo_link *link)
{
	uint8_t plen = 30;

	while ((1u << (32 - plen)) - 2 < (uint32_t)link->n_ifaces)
		plen--;
	return plen;
}

/* Gives the interfaces of @link the addresses net+1, net+2, ... */
static void topo_set_hosts(struct topology *topo, const struct topo_link *link,
			   uint32_t net, uint8_t plen)
{
	int i;

	for (i = 0; i < link->n_ifaces; i++) {
		struct topo_iface *iface = &topo->ifaces[link->iface[i]];

		iface->addr = net + 1 + (uint32_t)i;
		iface->plen = plen;
	}
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

		if (lo->link >= 0 || lo->plen == 0)
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
		uint8_t plen = topo_link_plen(link);
		uint32_t size = 1u << (32 - plen);
		char name[TOPO_LINK_NAME_MAX];

		if (a->plen != 0)
			continue;
		if (an->kind == TOPO_NODE_KERNEL) {
			/* The kernel end is iface[0] of a TUN link; the loader
			 * gives a TUN LAN its addresses. */
			topo_set_hosts(topo, link,
				       TOPO_POOL_FIRST + 4u * (uint32_t)an->tun,
				       30);
			continue;
		}
		/* A LAN's subnet starts on a multiple of its size. */
		next = (next + size - 1) & ~(size - 1);
		while (next < TOPO_POOL_LAST &&
		       topo_overlaps_any(given, n_given, next, plen))
			next += size;
		if (next >= TOPO_POOL_LAST) {
			topo_set_error(
			    err, topo->source, link->line, link->column,
			    "no free /%u left in 198.18.0.0/15 for link %s (give it a 'subnet')",
			    plen, topo_link_name(topo, i, name, sizeof(name)));
			ret = -ENOSPC;
			break;
		}
		topo_set_hosts(topo, link, next, plen);
		next += size;
	}
	free(given);
	return ret;
}

/* Reports that interfaces @a and @b have the same address, @addr. */
static int topo_address_conflict(const struct topology *topo, int a, int b,
				 const char *addr, struct topo_error *err)
{
	char name[TOPO_LINK_NAME_MAX], other[2 * TOPO_NAME_MAX + 8];
	const struct topo_iface *late, *early;
	const struct topo_link *link;

	/* The loader rejects a loopback that collides with any address. */
	if (topo->ifaces[a].link < 0 || topo->ifaces[b].link < 0) {
		const struct topo_iface *lo =
		    &topo->ifaces[topo->ifaces[a].link < 0 ? a : b];

		topo_set_error(
		    err, topo->source, 1, 1,
		    "address conflict: loopback '%s' of %s is used twice", addr,
		    topo->nodes[lo->node].name);
		return -EINVAL;
	}
	/* Blame the link written later in the file. */
	late =
	    &topo->ifaces[topo->ifaces[a].link >= topo->ifaces[b].link ? a : b];
	early = &topo->ifaces[late == &topo->ifaces[a] ? b : a];
	link = &topo->links[late->link];
	topo_link_name(topo, late->link, name, sizeof(name));
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
	char text[16];
	int i;

	topo_addr_map_destroy(topo->owners);
	topo->owners = topo_addr_map_create(topo->n_ifaces);
	if (!topo->owners)
		return -ENOMEM;

	for (i = 0; i < topo->n_ifaces; i++) {
		const struct topo_iface *iface = &topo->ifaces[i];
		uint32_t slot = topo_addr_map_slot(topo->owners, iface->addr);
		int prev = topo->owners->ifaces[slot];

		/* A loopback with only an IPv6 address has no IPv4 one. */
		if (iface->plen == 0)
			continue;
		if (prev >= 0)
			return topo_address_conflict(
			    topo, prev, i, topo_format_ipv4(iface->addr, text),
			    err);
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
		char late_name[TOPO_LINK_NAME_MAX];
		char early_name[TOPO_LINK_NAME_MAX];
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

/* IPv6 address assignment. */

#define TOPO6_LINK_SUBNETS 65536 /* the /64s of 2001:db8:1::/48 */

/* An IPv6 prefix written in the file, which automatic /64s skip. */
struct topo_span6 {
	struct pkt_in6 net;
	uint8_t plen;
	int link; /* -1 for a loopback6 */
};

/* Whether the link at @link carries IPv6: Linux needs an MTU of 1280. */
static bool topo_link_has_ipv6(const struct topology *topo, int link)
{
	return topo->ipv6 && topo->links[link].mtu >= PKT_IPV6_MIN_MTU;
}

/* Gives the interfaces of @link the addresses net::1, net::2, ... */
static void topo_set_hosts6(struct topology *topo, const struct topo_link *link,
			    const struct pkt_in6 *net)
{
	int i;

	for (i = 0; i < link->n_ifaces; i++) {
		struct topo_iface *iface = &topo->ifaces[link->iface[i]];

		iface->addr6 = topo6_add(net, (uint32_t)i + 1);
		iface->plen6 = 64;
	}
}

static bool topo_overlaps_any6(const struct topo_span6 *spans, int n,
			       const struct pkt_in6 *net)
{
	int i;

	for (i = 0; i < n; i++)
		if (topo6_overlap(&spans[i].net, spans[i].plen, net, 64))
			return true;
	return false;
}

/* Collects the IPv6 subnets and loopback6 addresses the file gives. */
static int topo_given6(const struct topology *topo, struct topo_span6 *given)
{
	int i, n = 0;

	for (i = 0; i < topo->n_ifaces; i++) {
		const struct topo_iface *lo = &topo->ifaces[i];

		if (lo->link >= 0 || lo->plen6 == 0)
			continue;
		given[n].net = lo->addr6;
		given[n].plen = 128;
		given[n++].link = -1;
	}
	for (i = 0; i < topo->n_links; i++) {
		const struct topo_iface *a =
		    &topo->ifaces[topo->links[i].iface[0]];

		if (a->plen6 == 0)
			continue;
		given[n].net = topo6_subnet(&a->addr6, a->plen6);
		given[n].plen = a->plen6;
		given[n++].link = i;
	}
	return n;
}

static int topo_assign_links6(struct topology *topo, struct topo_error *err)
{
	struct topo_span6 *given;
	uint32_t next = 0;
	int n_given, i, ret = 0;

	given = calloc((size_t)topo->n_ifaces + 1, sizeof(*given));
	if (!given)
		return -ENOMEM;
	n_given = topo_given6(topo, given);

	for (i = 0; i < topo->n_links && ret == 0; i++) {
		const struct topo_link *link = &topo->links[i];
		const struct topo_iface *a = &topo->ifaces[link->iface[0]];
		const struct topo_node *an = &topo->nodes[a->node];
		char name[TOPO_LINK_NAME_MAX];
		struct pkt_in6 net;

		if (a->plen6 != 0 || !topo_link_has_ipv6(topo, i))
			continue;
		if (an->kind == TOPO_NODE_KERNEL) {
			net = topo6_doc_address(0, (uint16_t)an->tun, 0);
			topo_set_hosts6(topo, link, &net);
			continue;
		}
		for (; next < TOPO6_LINK_SUBNETS; next++) {
			net = topo6_doc_address(1, (uint16_t)next, 0);
			if (!topo_overlaps_any6(given, n_given, &net))
				break;
		}
		if (next == TOPO6_LINK_SUBNETS) {
			topo_set_error(
			    err, topo->source, link->line, link->column,
			    "no free /64 left in 2001:db8:1::/48 for link %s (give it a 'subnet6')",
			    topo_link_name(topo, i, name, sizeof(name)));
			ret = -ENOSPC;
			break;
		}
		topo_set_hosts6(topo, link, &net);
		next++;
	}
	free(given);
	return ret;
}

/* Gives every interface with IPv6 on a link fe80::K:E (see topology.h). */
static void topo_assign_link_local(struct topology *topo)
{
	int i, end;

	for (i = 0; i < topo->n_links; i++) {
		for (end = 0; end < topo->links[i].n_ifaces; end++) {
			struct topo_iface *iface =
			    &topo->ifaces[topo->links[i].iface[end]];
			uint32_t k = (uint32_t)i + 1;
			struct pkt_in6 *ll = &iface->ll6;

			memset(ll, 0, sizeof(*ll));
			if (iface->plen6 == 0)
				continue;
			ll->b[0] = 0xfe;
			ll->b[1] = 0x80;
			ll->b[10] = (uint8_t)(k >> 24);
			ll->b[11] = (uint8_t)(k >> 16);
			ll->b[12] = (uint8_t)(k >> 8);
			ll->b[13] = (uint8_t)k;
			ll->b[15] = (uint8_t)(end + 1);
		}
	}
}

/* Indexes @addr for @iface.  Returns the interface that has it, or -1. */
static int topo_index_one6(struct topology *topo, const struct pkt_in6 *addr,
			   int iface)
{
	uint32_t slot = topo_addr6_map_slot(topo->owners6, addr);
	int prev = topo->owners6->ifaces[slot];

	if (prev >= 0)
		return prev;
	topo->owners6->addrs[slot] = *addr;
	topo->owners6->ifaces[slot] = iface;
	return -1;
}

static int topo_index_addresses6(struct topology *topo, struct topo_error *err)
{
	char text[48];
	int i, prev;

	topo_addr6_map_destroy(topo->owners6);
	topo->owners6 = topo_addr6_map_create(2 * topo->n_ifaces);
	if (!topo->owners6)
		return -ENOMEM;

	for (i = 0; i < topo->n_ifaces; i++) {
		const struct topo_iface *iface = &topo->ifaces[i];

		if (iface->plen6 == 0)
			continue;
		prev = topo_index_one6(topo, &iface->addr6, i);
		if (prev >= 0)
			return topo_address_conflict(
			    topo, prev, i,
			    topo_format_ipv6(&iface->addr6, text), err);
		/* Link-local addresses are unique by construction. */
		if (iface->link >= 0)
			topo_index_one6(topo, &iface->ll6, i);
	}
	return 0;
}

static int topo_span6_cmp(const void *pa, const void *pb)
{
	const struct topo_span6 *a = pa, *b = pb;
	int diff = memcmp(a->net.b, b->net.b, 16);

	if (diff != 0)
		return diff;
	return a->link - b->link;
}

static int topo_check_overlaps6(struct topology *topo, struct topo_error *err)
{
	struct topo_span6 *spans;
	int i, n = 0, ret = 0;

	spans = calloc((size_t)topo->n_links + 1, sizeof(*spans));
	if (!spans)
		return -ENOMEM;
	for (i = 0; i < topo->n_links; i++) {
		const struct topo_iface *a =
		    &topo->ifaces[topo->links[i].iface[0]];

		if (a->plen6 == 0)
			continue;
		spans[n].net = topo6_subnet(&a->addr6, a->plen6);
		spans[n].plen = a->plen6;
		spans[n++].link = i;
	}
	qsort(spans, (size_t)n, sizeof(*spans), topo_span6_cmp);

	/* Prefixes nest or are disjoint, so a sorted neighbour overlaps. */
	for (i = 1; i < n && ret == 0; i++) {
		const struct topo_span6 *prev = &spans[i - 1];
		const struct topo_span6 *cur = &spans[i];
		const struct topo_span6 *late =
		    prev->link > cur->link ? prev : cur;
		const struct topo_span6 *early = late == prev ? cur : prev;
		char late_name[TOPO_LINK_NAME_MAX];
		char early_name[TOPO_LINK_NAME_MAX];
		char late_net[48], early_net[48];

		if (!topo6_in_prefix(&cur->net, &prev->net, prev->plen))
			continue;
		topo_set_error(
		    err, topo->source, topo->links[late->link].line,
		    topo->links[late->link].column,
		    "address conflict: subnet %s/%u of link %s overlaps subnet %s/%u of link %s (line %d)",
		    topo_format_ipv6(&late->net, late_net), late->plen,
		    topo_link_name(topo, late->link, late_name,
				   sizeof(late_name)),
		    topo_format_ipv6(&early->net, early_net), early->plen,
		    topo_link_name(topo, early->link, early_name,
				   sizeof(early_name)),
		    topo->links[early->link].line);
		ret = -EINVAL;
	}
	free(spans);
	return ret;
}

/* Assigns, indexes and checks the IPv6 addresses. */
static int topo_assign_addresses6(struct topology *topo, struct topo_error *err)
{
	int ret;

	ret = topo_assign_links6(topo, err);
	if (ret < 0)
		return ret;
	topo_assign_link_local(topo);

	ret = topo_index_addresses6(topo, err);
	if (ret < 0)
		return ret;

	return topo_check_overlaps6(topo, err);
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

	ret = topo_check_overlaps(topo, err);
	if (ret < 0)
		return ret;

	return topo_assign_addresses6(topo, err);
}

/* A shortest-path label: total cost, then the link of the first hop. */
/* The first hop of a shortest path: its link and the neighbour's
 * interface on that link. */
struct topo_label {
	uint32_t cost;
	int first_link;
	int first_hop;
};

static bool topo_label_less(struct topo_label a, struct topo_label b)
{
	if (a.cost != b.cost)
		return a.cost < b.cost;
	if (a.first_link != b.first_link)
		return a.first_link < b.first_link;
	return a.first_hop < b.first_hop;
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
 * Dijkstra from @source by summed link cost, over links that are up, and
 * with @ipv6 only over links with IPv6.  Only the source and routers
 * pass traffic on, so hosts and kernel nodes are reached but not expanded.
 */
static void topo_spf_run(struct topo_spf *spf, const struct topology *topo,
			 int source, bool ipv6)
{
	struct topo_label label = { 0, -1, -1 };
	int i, k;

	for (i = 0; i < topo->n_nodes; i++) {
		spf->best[i].cost = TOPO_COST_INFINITE;
		spf->best[i].first_link = -1;
		spf->best[i].first_hop = -1;
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
			const struct topo_link *link;

			if (!topo_iface_up(topo, iface) ||
			    (ipv6 && iface->plen6 == 0))
				continue;
			link = &topo->links[iface->link];
			for (k = 0; k < link->n_ifaces; k++) {
				int hop = link->iface[k];
				int peer = topo->ifaces[hop].node;
				struct topo_label next;

				if (hop == i)
					continue;
				next.cost = label.cost + link->cost;
				next.first_link = node == source
						      ? iface->link
						      : label.first_link;
				next.first_hop =
				    node == source ? hop : label.first_hop;
				if (spf->done[peer] ||
				    !topo_label_less(next, spf->best[peer]))
					continue;
				spf->best[peer] = next;
				if (spf->heap.n < spf->heap.cap)
					topo_heap_push(&spf->heap, next, peer);
			}
		}
	}
}

/* The shortest path from the SPF source to any node on @link. */
static struct topo_label topo_link_best(const struct topology *topo, int link,
					const struct topo_spf *spf)
{
	const struct topo_link *l = &topo->links[link];
	struct topo_label best = spf->best[topo->ifaces[l->iface[0]].node];
	int k;

	for (k = 1; k < l->n_ifaces; k++) {
		struct topo_label next =
		    spf->best[topo->ifaces[l->iface[k]].node];

		if (topo_label_less(next, best))
			best = next;
	}
	return best;
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
		struct topo_label best = topo_link_best(topo, i, spf);
		struct topo_route route = { 0 };
		int out;

		/* The subnet of a link that is down is nowhere. */
		if (link->down || topo_link_iface(topo, i, node) >= 0 ||
		    best.cost == TOPO_COST_INFINITE || best.first_link < 0)
			continue;

		out = topo_link_iface(topo, best.first_link, node);
		route.prefix = topo_iface_subnet(a);
		route.plen = a->plen;
		route.kind = TOPO_ROUTE_VIA;
		route.iface = out;
		route.next_iface = best.first_hop;
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

/* IPv6 routes, computed as the IPv4 ones are. */

/*
 * Whether IPv6 needs its own shortest paths: some link that is up has
 * no IPv6 (an MTU below 1280), so IPv4 paths may cross it.
 */
static bool topo_spf6_differs(const struct topology *topo)
{
	int i;

	if (!topo->ipv6)
		return false;
	for (i = 0; i < topo->n_links; i++)
		if (!topo->links[i].down &&
		    topo->ifaces[topo->links[i].iface[0]].plen6 == 0)
			return true;
	return false;
}

static int topo_append_route6(struct topo_node *node,
			      const struct topo_route6 *route)
{
	struct topo_route6 *routes;
	int ret;

	routes = realloc(node->routes6,
			 ((size_t)node->n_routes6 + 1) * sizeof(*routes));
	if (!routes)
		return -ENOMEM;
	node->routes6 = routes;

	ret = rtable6_insert(node->table6, &route->prefix, route->plen,
			     node->n_routes6);
	if (ret < 0)
		return ret;
	routes[node->n_routes6++] = *route;
	return 0;
}

static int topo_reset_routes6(struct topo_node *node)
{
	free(node->routes6);
	node->routes6 = NULL;
	node->n_routes6 = 0;
	rtable6_destroy(node->table6);
	node->table6 = rtable6_create();
	return node->table6 ? 0 : -ENOMEM;
}

static int topo_add_connected6(struct topology *topo, int node)
{
	struct topo_node *n = &topo->nodes[node];
	int i, ret;

	for (i = n->first_iface; i < n->first_iface + n->n_ifaces; i++) {
		const struct topo_iface *iface = &topo->ifaces[i];
		struct topo_route6 route = {
			.prefix = topo6_subnet(&iface->addr6, iface->plen6),
			.plen = iface->plen6,
			.kind = TOPO_ROUTE_CONNECTED,
			.iface = i,
			.next_iface = -1,
		};

		if (iface->plen6 == 0 || !topo_iface_up(topo, iface))
			continue;
		ret = topo_append_route6(n, &route);
		if (ret < 0)
			return ret;
	}
	return 0;
}

/* Fills @route to go toward @label's first link, via the neighbour's
 * global address there. */
static void topo_via6(const struct topology *topo, int node,
		      struct topo_label label, struct topo_route6 *route)
{
	int out = topo_link_iface(topo, label.first_link, node);

	route->kind = TOPO_ROUTE_VIA;
	route->iface = out;
	route->next_iface = label.first_hop;
	route->gateway = topo->ifaces[route->next_iface].addr6;
}

/* Adds a route to every IPv6 link subnet @node is not on but reaches. */
static int topo_add_shortest6(struct topology *topo, int node,
			      const struct topo_spf *spf)
{
	int i, ret;

	for (i = 0; i < topo->n_links; i++) {
		const struct topo_link *link = &topo->links[i];
		const struct topo_iface *a = &topo->ifaces[link->iface[0]];
		struct topo_label best = topo_link_best(topo, i, spf);
		struct topo_route6 route = { .plen = a->plen6 };

		if (a->plen6 == 0 || link->down ||
		    topo_link_iface(topo, i, node) >= 0 ||
		    best.cost == TOPO_COST_INFINITE || best.first_link < 0)
			continue;
		route.prefix = topo6_subnet(&a->addr6, a->plen6);
		topo_via6(topo, node, best, &route);
		ret = topo_append_route6(&topo->nodes[node], &route);
		if (ret < 0)
			return ret;
	}
	return 0;
}

/* Replaces @node's IPv6 routes with connected and shortest-path ones. */
static int topo_compute_routes6(struct topology *topo, int node,
				struct topo_spf *spf, bool own_spf)
{
	int ret;

	ret = topo_add_connected6(topo, node);
	if (ret < 0)
		return ret;
	if (own_spf)
		topo_spf_run(spf, topo, node, true);
	return topo_add_shortest6(topo, node, spf);
}

/* As topo_set_route(), for IPv6. */
static int topo_set_route6(struct topology *topo, int node,
			   const struct topo_route6 *route)
{
	struct topo_node *n = &topo->nodes[node];
	struct topo_route6 copy;
	int index;

	if (route->plen > 128)
		return -EINVAL;
	if (!n->table6) {
		n->table6 = rtable6_create();
		if (!n->table6)
			return -ENOMEM;
	}

	copy = *route;
	topo6_apply_mask(&copy.prefix, copy.plen);
	index = rtable6_get(n->table6, &copy.prefix, copy.plen);
	if (index >= 0) {
		n->routes6[index] = copy;
		return 0;
	}
	return topo_append_route6(n, &copy);
}

/* Installs each IPv6 static route whose egress interface's link is up. */
static int topo_install_static6(struct topology *topo)
{
	int i, j, ret;

	for (i = 0; i < topo->n_nodes; i++) {
		const struct topo_node *n = &topo->nodes[i];

		for (j = 0; j < n->n_static_routes6; j++) {
			const struct topo_route6 *r = &n->static_routes6[j];

			if (r->iface >= 0 &&
			    !topo_iface_up(topo, &topo->ifaces[r->iface]))
				continue;
			ret = topo_set_route6(topo, i, r);
			if (ret < 0)
				return ret;
		}
	}
	return 0;
}

static bool topo_has_static6(const struct topo_node *n,
			     const struct topo_prefix6 *p)
{
	int index;

	if (!n->table6)
		return false;
	index = rtable6_get(n->table6, &p->prefix, p->plen);
	return index >= 0 && n->routes6[index].is_static;
}

/* Appends @prefix/@plen to @out unless it is already among the first @n.
 * Returns the new count. */
static int topo_add_prefix6(struct topo_prefix6 *out, int n, int cap,
			    const struct pkt_in6 *prefix, uint8_t plen)
{
	int i;

	for (i = 0; i < n && i < cap; i++) {
		if (out[i].plen == plen &&
		    memcmp(out[i].prefix.b, prefix->b, 16) == 0)
			return n;
	}
	if (n < cap) {
		out[n].prefix = *prefix;
		out[n].plen = plen;
	}
	return n + 1;
}

/*
 * Collects the distinct prefixes of IPv6 static routes in the tables,
 * other than ::/0, into @out (room for @cap).  Returns how many there
 * are.
 */
static int topo_static_prefixes6(const struct topology *topo,
				 struct topo_prefix6 *out, int cap)
{
	int i, j, n = 0;

	for (i = 0; i < topo->n_nodes; i++) {
		const struct topo_node *node = &topo->nodes[i];

		for (j = 0; j < node->n_routes6; j++) {
			const struct topo_route6 *r = &node->routes6[j];

			if (r->is_static && r->plen != 0)
				n = topo_add_prefix6(out, n, cap, &r->prefix,
						     r->plen);
		}
	}
	return n;
}

static int topo_count_static6(const struct topology *topo)
{
	int i, j, n = 0;

	for (i = 0; i < topo->n_nodes; i++) {
		for (j = 0; j < topo->nodes[i].n_routes6; j++)
			n += topo->nodes[i].routes6[j].is_static;
	}
	return n;
}

/* As topo_points_at(), for IPv6: split horizon. */
static bool topo_points_at6(const struct topology *topo, int origin, int node,
			    const struct topo_prefix6 *p)
{
	const struct topo_node *o = &topo->nodes[origin];
	const struct topo_route6 *r;

	r = &o->routes6[rtable6_get(o->table6, &p->prefix, p->plen)];
	return r->kind == TOPO_ROUTE_VIA &&
	       topo->ifaces[r->next_iface].node == node;
}

/* As topo_add_redistributed(), for IPv6. */
static int topo_add_redistributed6(struct topology *topo, int node,
				   const struct topo_spf *spf,
				   const struct topo_prefix6 *p)
{
	struct topo_label best = { TOPO_COST_INFINITE, -1, -1 };
	struct topo_route6 route = { .prefix = p->prefix, .plen = p->plen };
	int i;

	if (rtable6_get(topo->nodes[node].table6, &p->prefix, p->plen) >= 0)
		return 0;
	for (i = 0; i < topo->n_nodes; i++) {
		if (i == node || topo->nodes[i].kind != TOPO_NODE_ROUTER ||
		    !topo_has_static6(&topo->nodes[i], p) ||
		    topo_points_at6(topo, i, node, p))
			continue;
		if (topo_label_less(spf->best[i], best))
			best = spf->best[i];
	}
	if (best.cost == TOPO_COST_INFINITE || best.first_link < 0)
		return 0;
	topo_via6(topo, node, best, &route);
	return topo_set_route6(topo, node, &route);
}

/* The IPv6 static prefixes to redistribute, in a new array. */
static int topo_redistributed_prefixes6(const struct topology *topo,
					struct topo_prefix6 **out)
{
	int n = topo_count_static6(topo);

	*out = NULL;
	if (n == 0)
		return 0;
	*out = calloc((size_t)n, sizeof(**out));
	if (!*out)
		return -ENOMEM;
	return topo_static_prefixes6(topo, *out, n);
}

/* Routes @node toward each other router's loopback6 /128 it reaches. */
static int topo_add_loopback_routes6(struct topology *topo, int node,
				     const struct topo_spf *spf)
{
	int i, ret;

	for (i = 0; i < topo->n_nodes; i++) {
		const struct topo_node *owner = &topo->nodes[i];
		struct topo_label best = spf->best[i];
		struct topo_route6 route = { .plen = 128 };

		if (i == node || owner->loopback_iface < 0 ||
		    topo->ifaces[owner->loopback_iface].plen6 == 0 ||
		    best.cost == TOPO_COST_INFINITE || best.first_link < 0)
			continue;
		route.prefix = topo->ifaces[owner->loopback_iface].addr6;
		if (rtable6_get(topo->nodes[node].table6, &route.prefix, 128) >=
		    0)
			continue;
		topo_via6(topo, node, best, &route);
		ret = topo_set_route6(topo, node, &route);
		if (ret < 0)
			return ret;
	}
	return 0;
}

const struct topo_route6 *topo_route6_lookup(const struct topology *topo,
					     int node,
					     const struct pkt_in6 *dst)
{
	const struct topo_node *n;
	int index;

	if (node < 0 || node >= topo->n_nodes)
		return NULL;
	n = &topo->nodes[node];
	if (!n->table6)
		return NULL;
	index = rtable6_lookup(n->table6, dst);
	return index < 0 ? NULL : &n->routes6[index];
}

/* Adds every prefix that some ROUTE_ADD event of @topo adds, other than
 * ::/0 and @own/@own_plen, to @out.  Returns the new count. */
static int topo_event_prefixes6(const struct topology *topo,
				struct topo_prefix6 *out, int n, int cap,
				const struct pkt_in6 *own, uint8_t own_plen)
{
	int i;

	for (i = 0; i < topo->n_events; i++) {
		const struct topo_route6 *r = &topo->events[i].route6;

		if (topo->events[i].kind != TOPO_EVENT_ROUTE_ADD ||
		    !topo->events[i].is_ipv6 || r->plen == 0 ||
		    (r->plen == own_plen &&
		     memcmp(r->prefix.b, own->b, 16) == 0))
			continue;
		n = topo_add_prefix6(out, n, cap, &r->prefix, r->plen);
	}
	return n;
}

int topo_tun_prefixes6(const struct topology *topo, int tun,
		       struct topo_prefix6 *out, int cap)
{
	const struct topo_iface *own;
	const struct topo_tun *t;
	struct pkt_in6 own_net;
	int i, j, n = 0;

	if (tun < 0 || tun >= topo->n_tuns)
		return -EINVAL;
	t = &topo->tuns[tun];
	own = &topo->ifaces[t->kernel_iface];
	if (!t->routes_all || own->plen6 == 0)
		return 0;

	/* The kernel makes the routes for TUN subnets itself. */
	own_net = topo6_subnet(&own->addr6, own->plen6);
	for (i = topo->n_tuns; i < topo->n_links; i++) {
		const struct topo_iface *a =
		    &topo->ifaces[topo->links[i].iface[0]];
		struct pkt_in6 net = topo6_subnet(&a->addr6, a->plen6);

		if (a->plen6 != 0)
			n = topo_add_prefix6(out, n, cap, &net, a->plen6);
	}
	for (i = 0; i < topo->n_ifaces; i++) {
		const struct topo_iface *lo = &topo->ifaces[i];

		if (lo->link < 0 && lo->plen6 != 0)
			n = topo_add_prefix6(out, n, cap, &lo->addr6, 128);
	}
	/* Static routes as written, whether their link is up or not. */
	for (i = 0; i < topo->n_nodes; i++) {
		const struct topo_node *node = &topo->nodes[i];

		for (j = 0; j < node->n_static_routes6; j++) {
			const struct topo_route6 *r = &node->static_routes6[j];

			if (r->plen == 0 ||
			    (r->plen == own->plen6 &&
			     memcmp(r->prefix.b, own_net.b, 16) == 0))
				continue;
			n = topo_add_prefix6(out, n, cap, &r->prefix, r->plen);
		}
	}
	/* Routes that the timeline adds are routed from the start. */
	return topo_event_prefixes6(topo, out, n, cap, &own_net, own->plen6);
}

/*
 * Replaces every router's and host's routes, of both families, with a
 * connected route per interface on a link that is up and a shortest-path
 * route, over links that are up, to every other link subnet that is up.
 * Returns 0 or -ENOMEM.
 */
static int topo_compute_routes(struct topology *topo)
{
	bool own_spf6 = topo_spf6_differs(topo);
	struct topo_spf spf;
	int i, ret;

	ret = topo_spf_alloc(&spf, topo);
	if (ret < 0)
		return ret;

	for (i = 0; i < topo->n_nodes && ret == 0; i++) {
		ret = topo_reset_routes(&topo->nodes[i]);
		if (ret == 0)
			ret = topo_reset_routes6(&topo->nodes[i]);
		if (ret < 0 || topo->nodes[i].kind == TOPO_NODE_KERNEL)
			continue;

		ret = topo_add_connected(topo, i);
		if (ret < 0)
			break;

		topo_spf_run(&spf, topo, i, false);
		ret = topo_add_shortest(topo, i, &spf);
		if (ret == 0 && topo->ipv6)
			ret = topo_compute_routes6(topo, i, &spf, own_spf6);
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
	struct topo_label best = { TOPO_COST_INFINITE, -1, -1 };
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

	out = topo_link_iface(topo, best.first_link, node);
	route.prefix = p->prefix;
	route.plen = p->plen;
	route.kind = TOPO_ROUTE_VIA;
	route.iface = out;
	route.next_iface = best.first_hop;
	route.gateway = topo->ifaces[route.next_iface].addr;
	return topo_set_route(topo, node, &route);
}

/* Redistributes the @n IPv6 @prefixes for @node.  @spf contains the IPv4
 * shortest paths from @node, which are rerun for IPv6 when @own_spf. */
static int topo_redistribute_node6(struct topology *topo, int node,
				   struct topo_spf *spf, bool own_spf,
				   const struct topo_prefix6 *prefixes, int n)
{
	int j, ret = 0;

	if (n > 0 && own_spf)
		topo_spf_run(spf, topo, node, true);
	for (j = 0; j < n && ret == 0; j++)
		ret = topo_add_redistributed6(topo, node, spf, &prefixes[j]);
	return ret;
}

/*
 * Gives every router and host that has no route for the prefix of
 * another router's static route (other than a default route) a
 * shortest-path route toward the nearest such router, as an IGP that
 * redistributes static routes would, so a `blackhole` route on r3 is
 * reached through r1 and r2.  A router whose static route points at a
 * neighbour is not used by that neighbour (split horizon).  Call it after
 * the static routes are set.  Returns 0 or -ENOMEM.
 */
static int topo_redistribute_static(struct topology *topo)
{
	bool own_spf6 = topo_spf6_differs(topo);
	struct topo_prefix *prefixes = NULL;
	struct topo_prefix6 *prefixes6 = NULL;
	struct topo_spf spf;
	int n, n6, i, j, ret;

	n = topo_count_static(topo);
	n6 = topo_redistributed_prefixes6(topo, &prefixes6);
	if (n6 < 0)
		return n6;
	if (n == 0 && n6 == 0) {
		free(prefixes6);
		return 0;
	}
	prefixes = calloc((size_t)n + 1, sizeof(*prefixes));
	ret = prefixes ? topo_spf_alloc(&spf, topo) : -ENOMEM;
	if (ret < 0) {
		free(prefixes);
		free(prefixes6);
		return ret;
	}
	n = topo_static_prefixes(topo, prefixes, n);

	for (i = 0; i < topo->n_nodes && ret == 0; i++) {
		if (topo->nodes[i].kind == TOPO_NODE_KERNEL)
			continue;
		topo_spf_run(&spf, topo, i, false);
		for (j = 0; j < n && ret == 0; j++)
			ret =
			    topo_add_redistributed(topo, i, &spf, &prefixes[j]);
		if (ret == 0)
			ret = topo_redistribute_node6(topo, i, &spf, own_spf6,
						      prefixes6, n6);
	}
	topo_spf_free(&spf);
	free(prefixes);
	free(prefixes6);
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
		    topo->ifaces[owner->loopback_iface].plen == 0 ||
		    best.cost == TOPO_COST_INFINITE || best.first_link < 0)
			continue;
		route.prefix = topo->ifaces[owner->loopback_iface].addr;
		if (rtable_get(topo->nodes[node].table, route.prefix, 32) >= 0)
			continue;
		out = topo_link_iface(topo, best.first_link, node);
		route.iface = out;
		route.next_iface = best.first_hop;
		route.gateway = topo->ifaces[route.next_iface].addr;
		ret = topo_set_route(topo, node, &route);
		if (ret < 0)
			return ret;
	}
	return 0;
}

static int topo_route_loopbacks(struct topology *topo)
{
	bool own_spf6 = topo_spf6_differs(topo);
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
		topo_spf_run(&spf, topo, i, false);
		ret = topo_add_loopback_routes(topo, i, &spf);
		if (ret < 0 || !topo->ipv6)
			continue;
		if (own_spf6)
			topo_spf_run(&spf, topo, i, true);
		ret = topo_add_loopback_routes6(topo, i, &spf);
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
	ret = topo_install_static6(topo);
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

/* Whether interface @next is another interface on @iface's link. */
static bool topo_is_neighbour(const struct topology *topo, int iface, int next)
{
	return next >= 0 && next < topo->n_ifaces && next != iface &&
	       topo->ifaces[next].link == topo->ifaces[iface].link;
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
		topo_is_neighbour(topo, route->iface, route->next_iface));
}

/* Returns the index of @node's IPv6 static route for @prefix/@plen, or -1. */
static int topo_find_static6(const struct topo_node *n,
			     const struct pkt_in6 *prefix, uint8_t plen)
{
	int i;

	for (i = 0; i < n->n_static_routes6; i++)
		if (n->static_routes6[i].plen == plen &&
		    memcmp(n->static_routes6[i].prefix.b, prefix->b, 16) == 0)
			return i;
	return -1;
}

/* Adds @route to @n's IPv6 static routes, replacing one of its prefix. */
static int topo_add_static6(struct topo_node *n,
			    const struct topo_route6 *route)
{
	struct topo_route6 *routes;
	int index = topo_find_static6(n, &route->prefix, route->plen);

	if (index >= 0) {
		n->static_routes6[index] = *route;
		return 0;
	}
	routes = realloc(n->static_routes6,
			 ((size_t)n->n_static_routes6 + 1) * sizeof(*routes));
	if (!routes)
		return -ENOMEM;
	n->static_routes6 = routes;
	routes[n->n_static_routes6++] = *route;
	return 0;
}

/* Checks that @route's interfaces belong to @node and carry IPv6. */
static bool topo_route6_valid(const struct topology *topo, int node,
			      const struct topo_route6 *route)
{
	const struct topo_node *n = &topo->nodes[node];

	if (route->plen > 128)
		return false;
	if (route->kind != TOPO_ROUTE_VIA &&
	    route->kind != TOPO_ROUTE_CONNECTED)
		return true;
	return route->iface >= n->first_iface &&
	       route->iface < n->first_iface + n->n_ifaces &&
	       topo->ifaces[route->iface].link >= 0 &&
	       topo->ifaces[route->iface].plen6 != 0 &&
	       (route->kind != TOPO_ROUTE_VIA ||
		topo_is_neighbour(topo, route->iface, route->next_iface));
}

/* Adds or removes the IPv6 static route of the ROUTE_* @event. */
static int topo_change_static6(const struct topology *topo, struct topo_node *n,
			       const struct topo_event *event)
{
	struct topo_route6 route = event->route6;
	int index;

	if (event->kind == TOPO_EVENT_ROUTE_ADD) {
		if (!topo_route6_valid(topo, event->node, &route))
			return -EINVAL;
		route.is_static = true;
		return topo_add_static6(n, &route);
	}
	index = topo_find_static6(n, &route.prefix, route.plen);
	if (index < 0)
		return -EINVAL;
	n->static_routes6[index] = n->static_routes6[--n->n_static_routes6];
	return 0;
}

static int topo_apply_route_event(struct topology *topo,
				  const struct topo_event *event)
{
	struct topo_node *n = &topo->nodes[event->node];
	int index, ret;

	if (n->kind == TOPO_NODE_KERNEL)
		return -EINVAL;
	if (event->is_ipv6) {
		ret = topo_change_static6(topo, n, event);
		if (ret < 0)
			return ret;
	} else if (event->kind == TOPO_EVENT_ROUTE_ADD) {
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

	/* The kernel makes the routes for TUN subnets itself, on each
	 * device: TUN links come first. */
	own = &topo->ifaces[t->kernel_iface];
	own_net = topo_iface_subnet(own);
	for (i = topo->n_tuns; i < topo->n_links; i++) {
		const struct topo_iface *a =
		    &topo->ifaces[topo->links[i].iface[0]];

		n = topo_add_prefix(out, n, cap, topo_iface_subnet(a), a->plen);
	}
	for (i = 0; i < topo->n_ifaces; i++) {
		if (topo->ifaces[i].link < 0 && topo->ifaces[i].plen != 0)
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
		    topo->events[i].is_ipv6 || r->plen == 0 ||
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
	/* ICMP destination unreachable codes (RFC 792, RFC 1812). */
	if (mark == TOPO_HOP_HOST_UNREACH)
		hop->code = 1;
	else if (mark == TOPO_HOP_PROHIBITED)
		hop->code = 13;
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

	memset(hop, 0, sizeof(*hop));
	hop->ttl = ttl;
	hop->mark = TOPO_HOP_SILENT;
	hop->node = -1;
	/* The kernel's end is iface[0] of a TUN link. */
	if (topo_sends_down(topo,
			    topo->links[topo->ifaces[in_iface].link].iface[0]))
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
		/* A directed broadcast is dropped silently before the TTL
		 * check, as the engine does (RFC 2644). */
		next = topo_next_iface(topo, dst, route);
		if (next == -2)
			return false;
		if (remaining == 1) {
			topo_hop_error(topo, hop, cur, in_iface, src,
				       TOPO_HOP_TIME_EXCEEDED);
			return false;
		}
		remaining--;

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
	int ttl, entry, n = 0;

	if (tun < 0 || tun >= topo->n_tuns || max_ttl < 1 || max_ttl > 255 ||
	    cap < 0 || (cap > 0 && !hops))
		return -EINVAL;
	t = &topo->tuns[tun];
	src = topo->ifaces[t->kernel_iface].addr;
	entry = topo_tun_entry(topo, tun, topo_addr_owner(topo, dst));

	for (ttl = 1; ttl <= max_ttl && n < cap; ttl++) {
		bool ends =
		    topo_trace_probe(topo, entry, src, dst, ttl, &hops[n]);

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

/* The IPv6 traceroute that the route tables predict. */

/* ICMPv6 destination unreachable codes (RFC 4443 3.1). */
enum {
	TOPO_ICMP6_NO_ROUTE = 0,
	TOPO_ICMP6_ADMIN = 1,
	TOPO_ICMP6_BEYOND_SCOPE = 2,
	TOPO_ICMP6_ADDRESS = 3,
	TOPO_ICMP6_REJECT_ROUTE = 6,
};

/* Returns the mark that traceroute 2.1 prints for unreachable @code. */
static enum topo_hop_mark topo_mark6(uint8_t code)
{
	switch (code) {
	case TOPO_ICMP6_NO_ROUTE:
		return TOPO_HOP_NET_UNREACH;
	case TOPO_ICMP6_ADMIN:
		return TOPO_HOP_PROHIBITED;
	case TOPO_ICMP6_BEYOND_SCOPE:
	case TOPO_ICMP6_ADDRESS:
		return TOPO_HOP_HOST_UNREACH;
	default:
		return TOPO_HOP_UNREACH_OTHER;
	}
}

static int topo_addr6_node(const struct topology *topo,
			   const struct pkt_in6 *addr)
{
	int iface = topo_addr6_owner(topo, addr);

	return iface < 0 ? -1 : topo->ifaces[iface].node;
}

/* Whether routers never forward to @addr (RFC 4291 2.5.6, 2.7). */
static bool topo_is_martian6(const struct pkt_in6 *addr)
{
	return pkt6_addr_is_multicast(addr) || pkt6_addr_is_link_local(addr) ||
	       pkt6_addr_is_unspecified(addr) || pkt6_addr_is_loopback(addr);
}

/*
 * As topo_next_iface(), for IPv6.  An IPv6 subnet has no broadcast
 * address, so a connected route only fails address resolution.
 */
static int topo_next_iface6(const struct topology *topo,
			    const struct pkt_in6 *dst,
			    const struct topo_route6 *route)
{
	int owner;

	switch (route->kind) {
	case TOPO_ROUTE_CONNECTED:
		/*
		 * NOTE: a Linux router also accepts the subnet-router
		 * anycast address (host bits 0) of its subnets; here it is
		 * an address that no interface has.
		 */
		owner = topo_addr6_owner(topo, dst);
		if (owner < 0 ||
		    topo->ifaces[owner].link != topo->ifaces[route->iface].link)
			return -1;
		return owner;
	case TOPO_ROUTE_VIA:
		return route->next_iface;
	default:
		return -2;
	}
}

/* As topo_reply_arrives(), for IPv6, with the hop limit of @from. */
static bool topo_reply_arrives6(const struct topology *topo, int from,
				const struct pkt_in6 *src)
{
	int target = topo_addr6_node(topo, src);
	int cur = from;
	int forwards;

	if (target < 0)
		return false;
	for (forwards = 0;; forwards++) {
		const struct topo_route6 *route;
		int next;

		if (cur == target)
			return true;
		if (forwards > 0 &&
		    (topo->nodes[cur].kind != TOPO_NODE_ROUTER ||
		     forwards >= topo->nodes[from].ttl))
			return false;
		route = topo_route6_lookup(topo, cur, src);
		if (!route)
			return false;
		next = topo_next_iface6(topo, src, route);
		if (next < 0 || topo_sends_down(topo, route->iface))
			return false;
		cur = topo->ifaces[next].node;
	}
}

/*
 * As topo_error_source(), for IPv6.  A fixed source is an IPv4 address,
 * so it and a loopback source without loopback6 fall back to egress.
 * Returns false when the error would not arrive.
 */
static bool topo_error_source6(const struct topology *topo, int node,
			       int in_iface, const struct pkt_in6 *src,
			       struct pkt_in6 *out)
{
	const struct topo_route6 *route = topo_route6_lookup(topo, node, src);
	const struct topo_node *n = &topo->nodes[node];
	const struct topo_iface *chosen;

	if (!route || (route->kind != TOPO_ROUTE_CONNECTED &&
		       route->kind != TOPO_ROUTE_VIA))
		return false;
	if (!topo_reply_arrives6(topo, node, src))
		return false;
	chosen = &topo->ifaces[route->iface];
	if (n->icmp.source == TOPO_ICMP_SOURCE_INGRESS &&
	    topo->ifaces[in_iface].plen6 != 0)
		chosen = &topo->ifaces[in_iface];
	if (n->icmp.source == TOPO_ICMP_SOURCE_LOOPBACK &&
	    n->loopback_iface >= 0 &&
	    topo->ifaces[n->loopback_iface].plen6 != 0)
		chosen = &topo->ifaces[n->loopback_iface];
	*out = chosen->addr6;
	return true;
}

/* Fills @hop with an ICMPv6 error from @node with @mark and @code. */
static void topo_hop_error6(const struct topology *topo, struct topo_hop *hop,
			    int node, int in_iface, const struct pkt_in6 *src,
			    enum topo_hop_mark mark, uint8_t code)
{
	struct pkt_in6 addr;

	if (topo->nodes[node].icmp.silent ||
	    !topo_error_source6(topo, node, in_iface, src, &addr))
		return;
	hop->mark = mark;
	hop->addr6 = addr;
	hop->node = node;
	hop->code = code;
}

/* Fills @hop for unreachable @code.  Returns true if the path ends. */
static bool topo_hop_unreachable6(const struct topology *topo,
				  struct topo_hop *hop, int node, int in_iface,
				  const struct pkt_in6 *src, uint8_t code)
{
	topo_hop_error6(topo, hop, node, in_iface, src, topo_mark6(code), code);
	return hop->mark != TOPO_HOP_SILENT;
}

/* Returns the unreachable code that a drop route sends, or -1 for none. */
static int topo_drop_code6(enum topo_route_kind kind)
{
	switch (kind) {
	case TOPO_ROUTE_UNREACHABLE:
		return TOPO_ICMP6_REJECT_ROUTE;
	case TOPO_ROUTE_PROHIBIT:
		return TOPO_ICMP6_ADMIN;
	default:
		return -1;
	}
}

/* Fills @hop with the port unreachable that @cur, the destination,
 * sends.  Returns false when it is silent or its reply cannot arrive. */
static bool topo_reached6(const struct topology *topo, int cur,
			  const struct pkt_in6 *src, const struct pkt_in6 *dst,
			  struct topo_hop *hop)
{
	if (topo->nodes[cur].icmp.silent ||
	    !topo_reply_arrives6(topo, cur, src))
		return false;
	hop->mark = TOPO_HOP_REACHED;
	hop->addr6 = *dst;
	hop->node = cur;
	return true;
}

/* As topo_trace_probe(), for IPv6: @hop_limit instead of a TTL. */
static bool topo_trace_probe6(const struct topology *topo, int in_iface,
			      const struct pkt_in6 *src,
			      const struct pkt_in6 *dst, int hop_limit,
			      struct topo_hop *hop)
{
	int cur = topo->ifaces[in_iface].node;
	int remaining = hop_limit;
	int next, code;

	memset(hop, 0, sizeof(*hop));
	hop->ttl = hop_limit;
	hop->mark = TOPO_HOP_SILENT;
	hop->node = -1;
	/* The kernel's end is iface[0] of a TUN link. */
	if (topo_sends_down(topo,
			    topo->links[topo->ifaces[in_iface].link].iface[0]))
		return false;

	for (;;) {
		const struct topo_route6 *route;

		if (topo->nodes[cur].kind == TOPO_NODE_KERNEL)
			return false;
		if (topo_addr6_node(topo, dst) == cur)
			return topo_reached6(topo, cur, src, dst, hop);
		if (topo->nodes[cur].kind != TOPO_NODE_ROUTER ||
		    topo_is_martian6(dst))
			return false;

		route = topo_route6_lookup(topo, cur, dst);
		if (!route)
			return topo_hop_unreachable6(topo, hop, cur, in_iface,
						     src, TOPO_ICMP6_NO_ROUTE);
		if (route->kind == TOPO_ROUTE_BLACKHOLE)
			return false;
		code = topo_drop_code6(route->kind);
		if (code >= 0)
			return topo_hop_unreachable6(topo, hop, cur, in_iface,
						     src, (uint8_t)code);
		if (remaining == 1) {
			topo_hop_error6(topo, hop, cur, in_iface, src,
					TOPO_HOP_TIME_EXCEEDED, 0);
			return false;
		}
		remaining--;

		next = topo_next_iface6(topo, dst, route);
		if (next == -2)
			return false;
		/* Neighbour discovery fails: no interface has @dst. */
		if (next < 0)
			return topo_hop_unreachable6(topo, hop, cur, in_iface,
						     src, TOPO_ICMP6_ADDRESS);
		if (topo_sends_down(topo, route->iface))
			return false;
		in_iface = next;
		cur = topo->ifaces[next].node;
	}
}

int topo_path6(const struct topology *topo, int tun, const struct pkt_in6 *dst,
	       int max_ttl, struct topo_hop *hops, int cap)
{
	const struct topo_iface *kernel;
	const struct topo_tun *t;
	int ttl, entry, n = 0;

	if (tun < 0 || tun >= topo->n_tuns || !dst || max_ttl < 1 ||
	    max_ttl > 255 || cap < 0 || (cap > 0 && !hops))
		return -EINVAL;
	t = &topo->tuns[tun];
	kernel = &topo->ifaces[t->kernel_iface];
	if (kernel->plen6 == 0)
		return -EINVAL;
	entry = topo_tun_entry(topo, tun, topo_addr6_owner(topo, dst));

	for (ttl = 1; ttl <= max_ttl && n < cap; ttl++) {
		bool ends = topo_trace_probe6(topo, entry, &kernel->addr6, dst,
					      ttl, &hops[n]);

		n++;
		if (ends)
			break;
	}
	return n;
}

uint32_t topo_path_mtu6(const struct topology *topo, int tun,
			const struct pkt_in6 *dst)
{
	const struct topo_tun *t;
	uint32_t mtu;
	int cur, hops;

	if (tun < 0 || tun >= topo->n_tuns ||
	    topo->ifaces[topo->tuns[tun].kernel_iface].plen6 == 0)
		return 0;
	t = &topo->tuns[tun];
	mtu = topo->links[topo->ifaces[t->router_iface].link].mtu;
	if (topo_sends_down(topo, t->kernel_iface))
		return mtu;
	cur = topo->ifaces[t->router_iface].node;

	/* At most 255 forwards, as the hop limit allows. */
	for (hops = 0; hops < 255; hops++) {
		const struct topo_route6 *route;
		uint32_t link_mtu;
		int next;

		if (topo->nodes[cur].kind != TOPO_NODE_ROUTER ||
		    topo_addr6_node(topo, dst) == cur || topo_is_martian6(dst))
			break;
		route = topo_route6_lookup(topo, cur, dst);
		if (!route)
			break;
		next = topo_next_iface6(topo, dst, route);
		if (next < 0)
			break;
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
	if (!icmp->redirects)
		topo_append(buf, len, &used, " redirects off");
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

static void topo_append_prefix6(char *buf, size_t len, size_t *used,
				const struct pkt_in6 *prefix, uint8_t plen)
{
	char text[48];

	topo_append(buf, len, used, "%s/%u", topo_format_ipv6(prefix, text),
		    plen);
}

/* Writes the IPv6 @route in the syntax of the file's route strings. */
static void topo_write_route6(char *buf, size_t len, size_t *used,
			      const struct topo_route6 *route)
{
	static const char *const kinds[] = {
		[TOPO_ROUTE_BLACKHOLE] = "blackhole ",
		[TOPO_ROUTE_UNREACHABLE] = "unreachable ",
		[TOPO_ROUTE_PROHIBIT] = "prohibit ",
	};
	char text[48];

	if (route->kind == TOPO_ROUTE_VIA ||
	    route->kind == TOPO_ROUTE_CONNECTED) {
		topo_append_prefix6(buf, len, used, &route->prefix,
				    route->plen);
		topo_append(buf, len, used, " via %s",
			    topo_format_ipv6(&route->gateway, text));
		return;
	}
	topo_append(buf, len, used, "%s", kinds[route->kind]);
	topo_append_prefix6(buf, len, used, &route->prefix, route->plen);
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
	if (link->lan) {
		/* Every node of a LAN sends through one medium. */
		topo_append(
		    buf, len, used, ", %s",
		    topo_format_impair(&event->dir[0], text, sizeof(text)));
		return;
	}
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
		if (event->is_ipv6)
			topo_write_route6(buf, len, &used, &event->route6);
		else
			topo_write_route(buf, len, &used, &event->route);
		break;
	default:
		topo_append(buf, len, &used, " remove-route ");
		if (event->is_ipv6)
			topo_append_prefix6(buf, len, &used,
					    &event->route6.prefix,
					    event->route6.plen);
		else
			topo_append_prefix(buf, len, &used, event->route.prefix,
					   event->route.plen);
		break;
	}
	return buf;
}
