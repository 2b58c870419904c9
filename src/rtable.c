/* SPDX-License-Identifier: MIT */
/* Longest-prefix-match table: a binary trie over the address bits. */
#include <errno.h>
#include <stdlib.h>

#include "hopsim/rtable.h"

/*
 * One trie node per prefix bit.  Children are indices into the node array;
 * 0 means no child, because the root is node 0 and is nobody's child.
 */
struct rtable_node {
	int32_t child[2];
	int value; /* -1 when no prefix ends here */
};

struct rtable {
	struct rtable_node *nodes;
	int32_t n_nodes;
	int32_t cap;
};

static int rtable_grow(struct rtable *table)
{
	struct rtable_node *nodes;
	int32_t cap;

	if (table->cap > INT32_MAX / 2)
		return -ENOMEM;
	cap = table->cap ? table->cap * 2 : 64;
	nodes = realloc(table->nodes, (size_t)cap * sizeof(*nodes));
	if (!nodes)
		return -ENOMEM;
	table->nodes = nodes;
	table->cap = cap;
	return 0;
}

static int32_t rtable_new_node(struct rtable *table)
{
	struct rtable_node *node;

	if (table->n_nodes == table->cap && rtable_grow(table) < 0)
		return -1;
	node = &table->nodes[table->n_nodes];
	node->child[0] = 0;
	node->child[1] = 0;
	node->value = -1;
	return table->n_nodes++;
}

struct rtable *rtable_create(void)
{
	struct rtable *table;

	table = calloc(1, sizeof(*table));
	if (!table)
		return NULL;

	if (rtable_new_node(table) < 0) {
		free(table);
		errno = ENOMEM;
		return NULL;
	}
	return table;
}

void rtable_destroy(struct rtable *table)
{
	if (!table)
		return;
	free(table->nodes);
	free(table);
}

static unsigned int rtable_bit(uint32_t addr, int depth)
{
	return (addr >> (31 - depth)) & 1u;
}

int rtable_insert(struct rtable *table, uint32_t prefix, uint8_t plen,
		  int value)
{
	int32_t cur = 0;
	int depth;

	if (plen > 32 || value < 0)
		return -EINVAL;

	for (depth = 0; depth < plen; depth++) {
		unsigned int bit = rtable_bit(prefix, depth);
		int32_t next = table->nodes[cur].child[bit];

		if (next == 0) {
			/* The array may move, so index it again afterwards. */
			next = rtable_new_node(table);
			if (next < 0)
				return -ENOMEM;
			table->nodes[cur].child[bit] = next;
		}
		cur = next;
	}
	table->nodes[cur].value = value;
	return 0;
}

int rtable_lookup(const struct rtable *table, uint32_t addr)
{
	int32_t cur = 0;
	int best = table->nodes[0].value;
	int depth;

	for (depth = 0; depth < 32; depth++) {
		cur = table->nodes[cur].child[rtable_bit(addr, depth)];
		if (cur == 0)
			break;
		if (table->nodes[cur].value >= 0)
			best = table->nodes[cur].value;
	}
	return best;
}

int rtable_get(const struct rtable *table, uint32_t prefix, uint8_t plen)
{
	int32_t cur = 0;
	int depth;

	if (plen > 32)
		return -1;

	for (depth = 0; depth < plen; depth++) {
		cur = table->nodes[cur].child[rtable_bit(prefix, depth)];
		if (cur == 0)
			return -1;
	}
	return table->nodes[cur].value;
}
