/* SPDX-License-Identifier: MIT */
/* Longest-prefix-match table: a binary trie over the IPv6 address bits. */
#include <errno.h>
#include <stdlib.h>

#include "hopsim/rtable6.h"

#define ADDR_BITS 128

/*
 * One trie node per prefix bit.  Children are indices into the node array;
 * 0 means no child, because the root is node 0 and is nobody's child.
 */
struct rtable6_node {
	int32_t child[2];
	int value; /* -1 when no prefix ends here */
};

struct rtable6 {
	struct rtable6_node *nodes;
	int32_t n_nodes;
	int32_t cap;
};

static int rtable6_grow(struct rtable6 *table)
{
	struct rtable6_node *nodes;
	int32_t cap;

	if (table->cap > INT32_MAX / 2)
		return -ENOMEM;
	cap = table->cap ? table->cap * 2 : 256;
	nodes = realloc(table->nodes, (size_t)cap * sizeof(*nodes));
	if (!nodes)
		return -ENOMEM;
	table->nodes = nodes;
	table->cap = cap;
	return 0;
}

static int32_t rtable6_new_node(struct rtable6 *table)
{
	struct rtable6_node *node;

	if (table->n_nodes == table->cap && rtable6_grow(table) < 0)
		return -1;
	node = &table->nodes[table->n_nodes];
	node->child[0] = 0;
	node->child[1] = 0;
	node->value = -1;
	return table->n_nodes++;
}

struct rtable6 *rtable6_create(void)
{
	struct rtable6 *table;

	table = calloc(1, sizeof(*table));
	if (!table)
		return NULL;

	if (rtable6_new_node(table) < 0) {
		free(table);
		errno = ENOMEM;
		return NULL;
	}
	return table;
}

void rtable6_destroy(struct rtable6 *table)
{
	if (!table)
		return;
	free(table->nodes);
	free(table);
}

/* Returns bit @depth of @addr, counting from the most significant. */
static unsigned int rtable6_bit(const struct pkt_in6 *addr, int depth)
{
	return (addr->b[depth / 8] >> (7 - depth % 8)) & 1u;
}

int rtable6_insert(struct rtable6 *table, const struct pkt_in6 *prefix,
		   uint8_t plen, int value)
{
	int32_t cur = 0;
	int depth;

	if (plen > ADDR_BITS || value < 0)
		return -EINVAL;

	for (depth = 0; depth < plen; depth++) {
		unsigned int bit = rtable6_bit(prefix, depth);
		int32_t next = table->nodes[cur].child[bit];

		if (next == 0) {
			/* The array may move, so index it again afterwards. */
			next = rtable6_new_node(table);
			if (next < 0)
				return -ENOMEM;
			table->nodes[cur].child[bit] = next;
		}
		cur = next;
	}
	table->nodes[cur].value = value;
	return 0;
}

int rtable6_lookup(const struct rtable6 *table, const struct pkt_in6 *addr)
{
	int32_t cur = 0;
	int best = table->nodes[0].value;
	int depth;

	for (depth = 0; depth < ADDR_BITS; depth++) {
		cur = table->nodes[cur].child[rtable6_bit(addr, depth)];
		if (cur == 0)
			break;
		if (table->nodes[cur].value >= 0)
			best = table->nodes[cur].value;
	}
	return best;
}

int rtable6_get(const struct rtable6 *table, const struct pkt_in6 *prefix,
		uint8_t plen)
{
	int32_t cur = 0;
	int depth;

	if (plen > ADDR_BITS)
		return -1;

	for (depth = 0; depth < plen; depth++) {
		cur = table->nodes[cur].child[rtable6_bit(prefix, depth)];
		if (cur == 0)
			return -1;
	}
	return table->nodes[cur].value;
}
