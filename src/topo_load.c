/* SPDX-License-Identifier: MIT */
/* Reads and validates a YAML topology file with libfyaml. */
#include <errno.h>
#include <libfyaml.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "hopsim/rtable.h"
#include "hopsim/topology.h"

#define LD_MAX_TUNS	   64
#define LD_MAX_DURATION_US 60000000u /* 60 s */
#define LD_TEXT_MAX	   256
#define LD_FILE_MAX	   (16u << 20)
#define LD_ROUTE_WORDS	   4

/* A router or host as the file describes it. */
struct ld_node {
	char name[TOPO_NAME_MAX];
	enum topo_node_kind kind;
	int line;
	int column;
	struct fy_node *routes; /* the 'routes' sequence, or NULL */
	uint8_t ttl;
	uint32_t arp_timeout_us;
	uint16_t tcp_open[TOPO_MAX_TCP_OPEN];
	int n_tcp_open;
	int n_links; /* TUN attachments included */
	struct topo_icmp_policy icmp;
	struct fy_node *icmp_source; /* the value of 'source' in 'icmp' */
	uint32_t reasm_timeout_us;
	struct fy_node *loopback; /* the 'loopback' value, or NULL */
	uint32_t loopback_addr;
	struct fy_node *loopback6; /* the 'loopback6' value, or NULL */
	struct pkt_in6 loopback6_addr;
};

struct ld_tun {
	char name[TOPO_IFNAME_MAX];
	int router;
	int line;
	int column;
	uint32_t mtu;
	bool routes_all;
	uint32_t address;	 /* kernel end; plen 0 when not given */
	uint32_t router_address; /* valid when plen is not 0 */
	uint8_t plen;
	struct pkt_in6 address6; /* kernel end; plen6 0 when not given */
	struct pkt_in6 router_address6;
	uint8_t plen6;
	struct fy_node *routes;	     /* the 'routes' value, or NULL */
	int lan[TOPO_LAN_MAX_NODES]; /* more nodes on the device's LAN */
	int n_lan;
	uint32_t lan_addr[TOPO_LAN_MAX_NODES]; /* valid when plen is not 0 */
	struct pkt_in6
	    lan_addr6[TOPO_LAN_MAX_NODES]; /* and when plen6 is not 0 */
};

/* A link or, with lan set, a LAN of n_ends nodes. */
struct ld_link {
	int end[TOPO_LAN_MAX_NODES];
	int n_ends;
	bool lan;
	char label[TOPO_LINK_NAME_MAX]; /* "A -- B" or "lan A, B, C" */
	int line;
	int column;
	struct topo_impair dir[2];
	uint32_t mtu;
	uint32_t cost;
	bool down;
	uint32_t addr[TOPO_LAN_MAX_NODES]; /* valid when plen is not 0 */
	uint8_t plen;
	struct pkt_in6
	    addr6[TOPO_LAN_MAX_NODES]; /* valid when plen6 is not 0 */
	uint8_t plen6;
};

struct loader {
	const char *name;
	const char *text; /* the YAML source, for locating collections */
	size_t len;
	struct topo_error *err;
	struct fy_diag *diag;
	struct ld_node *nodes;
	int n_nodes;
	struct ld_tun *tuns;
	int n_tuns;
	struct ld_link *links;
	int n_links;
	struct fy_node *timeline; /* the 'timeline' sequence, or NULL */
	struct fy_node *timeline_key;
	bool ipv6; /* false after 'ipv6: false' */
	struct topology *topo;
};

/* Settings shared by the link, TUN and node parsers. */
struct ld_pair {
	struct fy_node *key;
	struct fy_node *value;
	const char *name; /* the key's text */
};

static const char *const ld_root_keys[] = { "tun",   "routers",	 "hosts",
					    "links", "timeline", "ipv6",
					    NULL };
static const char *const ld_node_keys[] = {
	"routes", "ttl",      "arp-timeout",	    "tcp-open",
	"icmp",	  "loopback", "reassembly-timeout", "loopback6",
	NULL
};
static const char *const ld_tun_keys[] = {
	"router", "address",  "router-address",	 "mtu",
	"routes", "address6", "router-address6", "lan",
	NULL
};
/* The keys of one direction of a link, at link level or in its block. */
#define LD_IMPAIR_KEYS                                                         \
	"delay", "jitter", "distribution", "jitter-reorder", "loss",           \
	    "duplicate", "reorder", "corrupt", "rate", "queue", "state"
#define LD_N_LINK_KEYS 17 /* LD_IMPAIR_KEYS and the six below */
static const char *const ld_link_keys[] = { LD_IMPAIR_KEYS, "mtu",
					    "cost",	    "subnet",
					    "addresses",    "subnet6",
					    "addresses6" };
static const char *const ld_dir_keys[] = { LD_IMPAIR_KEYS, NULL };
static const char *const ld_loss_keys[] = { "model",	 "p",	     "r",
					    "loss-good", "loss-bad", NULL };
static const char *const ld_icmp_keys[] = { "silent",	 "frag-needed",
					    "echo",	 "delay",
					    "source",	 "rate-limit",
					    "redirects", NULL };
static const char *const ld_ratelimit_keys[] = {
	"interval",	      "burst", "global-rate", "global-burst", "types",
	"frag-needed-exempt", NULL
};
static const char *const ld_event_keys[] = {
	"at",  "link",	    "router",	    "host", "state",
	"set", "add-route", "remove-route", NULL
};

static uint32_t ld_mask(uint8_t plen)
{
	return plen == 0 ? 0 : UINT32_MAX << (32 - plen);
}

static const char *ld_kind_name(enum topo_node_kind kind)
{
	switch (kind) {
	case TOPO_NODE_ROUTER:
		return "router";
	case TOPO_NODE_HOST:
		return "host";
	default:
		return "tun";
	}
}

static bool ld_is_scalar(struct fy_node *node)
{
	return node && fy_node_get_type(node) == FYNT_SCALAR;
}

/* Whether @node is YAML null: absent, empty, '~' or 'null', unquoted. */
static bool ld_is_null(struct fy_node *node)
{
	const char *text;
	size_t len;

	if (!node)
		return true;
	if (!ld_is_scalar(node) || fy_node_get_style(node) != FYNS_PLAIN)
		return false;
	text = fy_node_get_scalar(node, &len);
	return len == 0 || (len == 1 && text[0] == '~') ||
	       (len == 4 &&
		(memcmp(text, "null", 4) == 0 || memcmp(text, "Null", 4) == 0 ||
		 memcmp(text, "NULL", 4) == 0));
}

static const char *ld_type_name(struct fy_node *node)
{
	if (ld_is_null(node))
		return "an empty value";
	switch (fy_node_get_type(node)) {
	case FYNT_MAPPING:
		return "a mapping";
	case FYNT_SEQUENCE:
		return "a sequence";
	default:
		return "a scalar";
	}
}

/* A position in the source: 1-based line and column, byte offset or -1. */
struct ld_where {
	int line;
	int column;
	long pos;
};

static bool ld_where(struct loader *ld, struct fy_node *node,
		     struct ld_where *where);

/*
 * Locates a collection from its first child, stepping back over blanks to
 * a '{', '[' or '-' that opens it on the same line.
 */
static bool ld_where_first_child(struct loader *ld, struct fy_node *node,
				 struct ld_where *where)
{
	struct fy_node *child = NULL;
	long p;

	if (fy_node_get_type(node) == FYNT_MAPPING) {
		struct fy_node_pair *pair =
		    fy_node_mapping_get_by_index(node, 0);

		child = pair ? fy_node_pair_key(pair) : NULL;
	} else {
		child = fy_node_sequence_get_by_index(node, 0);
	}
	if (!child || !ld_where(ld, child, where) || where->pos < 0 ||
	    (size_t)where->pos > ld->len)
		return child && where->line > 0;

	for (p = where->pos - 1; p >= 0; p--) {
		char c = ld->text[p];

		if (c == '{' || c == '[' || c == '-') {
			where->column -= (int)(where->pos - p);
			where->pos = p;
			break;
		}
		if (c != ' ' && c != '\t')
			break;
	}
	return true;
}

/*
 * Finds where @node starts.  libfyaml 0.7 exports start marks only for
 * tokens, so a scalar uses its token (which starts after any quote) and a
 * collection is located through a collected node report.  That report is
 * not made for a collection whose last value is empty, so then the first
 * child locates it.
 */
static bool ld_where(struct loader *ld, struct fy_node *node,
		     struct ld_where *where)
{
	const struct fy_diag_error *last = NULL, *e;
	void *iter = NULL;
	int before = 0, after = 0;

	if (!node)
		return false;
	if (ld_is_scalar(node)) {
		struct fy_token *token = fy_node_get_scalar_token(node);
		const struct fy_mark *mark;

		mark = token ? fy_token_start_mark(token) : NULL;
		if (!mark)
			return false;
		where->line = mark->line + 1;
		where->column = mark->column + 1;
		where->pos = (long)mark->input_pos;
		return true;
	}

	while (fy_diag_errors_iterate(ld->diag, &iter) != NULL)
		before++;
	fy_node_report(node, FYET_ERROR, "location");
	iter = NULL;
	while ((e = fy_diag_errors_iterate(ld->diag, &iter)) != NULL) {
		last = e;
		after++;
	}
	if (after > before && last->line > 0) {
		where->line = last->line;
		where->column = last->column;
		where->pos = -1;
		return true;
	}
	return ld_where_first_child(ld, node, where);
}

static bool ld_locate(struct loader *ld, struct fy_node *node, int *line,
		      int *column)
{
	struct ld_where where = { 0, 0, -1 };

	if (!ld_where(ld, node, &where))
		return false;
	*line = where.line;
	*column = where.column;
	return true;
}

static int ld_vfail_at(struct loader *ld, int line, int column, const char *fmt,
		       va_list ap)
{
	char *msg = ld->err->message;
	size_t size = sizeof(ld->err->message);
	int n;

	n = snprintf(msg, size, "%s:%d:%d: ", ld->name, line, column);
	if (n >= 0 && (size_t)n < size)
		vsnprintf(msg + n, size - (size_t)n, fmt, ap);
	return -EINVAL;
}

static int ld_fail_at(struct loader *ld, int line, int column, const char *fmt,
		      ...) __attribute__((format(printf, 4, 5)));

static int ld_fail_at(struct loader *ld, int line, int column, const char *fmt,
		      ...)
{
	va_list ap;

	va_start(ap, fmt);
	ld_vfail_at(ld, line, column, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/*
 * Fills the error for @node, or @fallback when @node has no position (an
 * empty value), at @offset characters into a one-line scalar.  Returns
 * -EINVAL.
 */
static int ld_fail(struct loader *ld, struct fy_node *node,
		   struct fy_node *fallback, int offset, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static int ld_fail(struct loader *ld, struct fy_node *node,
		   struct fy_node *fallback, int offset, const char *fmt, ...)
{
	int line = 1, column = 1;
	va_list ap;

	if (ld_locate(ld, node, &line, &column)) {
		size_t len;
		const char *text =
		    ld_is_scalar(node) ? fy_node_get_scalar(node, &len) : NULL;

		if (text && !memchr(text, '\n', len))
			column += offset;
	} else {
		ld_locate(ld, fallback, &line, &column);
	}

	va_start(ap, fmt);
	ld_vfail_at(ld, line, column, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* Grows @*array by one element of @size bytes; returns it zeroed. */
static void *ld_push(void **array, int *n, size_t size)
{
	char *base = *array;

	if (*n == 0 || (*n >= 8 && (*n & (*n - 1)) == 0)) {
		size_t cap = *n == 0 ? 8 : (size_t)*n * 2;

		base = realloc(base, cap * size);
		if (!base)
			return NULL;
		*array = base;
	}
	memset(base + (size_t)*n * size, 0, size);
	return base + (size_t)(*n)++ * size;
}

/*
 * Copies the scalar @node into @buf.  @what and @ctx name the value for
 * messages ("'delay'", "in link r1 -- r2").
 */
static int ld_text(struct loader *ld, struct fy_node *node, struct fy_node *key,
		   const char *what, const char *ctx, char *buf, size_t size)
{
	const char *text;
	size_t len;

	if (!ld_is_scalar(node) || ld_is_null(node))
		return ld_fail(ld, node, key, 0,
			       "expected a scalar for %s%s%s, found %s", what,
			       *ctx ? " " : "", ctx, ld_type_name(node));
	text = fy_node_get_scalar(node, &len);
	if (len >= size || memchr(text, '\0', len))
		return ld_fail(
		    ld, node, key, 0,
		    "value of %s%s%s is too long (at most %zu characters)",
		    what, *ctx ? " " : "", ctx, size - 1);
	memcpy(buf, text, len);
	buf[len] = '\0';
	return 0;
}

static int ld_expect(struct loader *ld, struct fy_node *node,
		     struct fy_node *key, enum fy_node_type type,
		     const char *what, const char *ctx)
{
	static const char *const names[] = {
		[FYNT_SCALAR] = "a scalar",
		[FYNT_SEQUENCE] = "a sequence",
		[FYNT_MAPPING] = "a mapping",
	};

	if (!ld_is_null(node) && fy_node_get_type(node) == type)
		return 0;
	return ld_fail(ld, node, key, 0, "expected %s for %s%s%s, found %s",
		       names[type], what, *ctx ? " " : "", ctx,
		       ld_type_name(node));
}

/* Optimal string alignment distance: an edit, or a swap of neighbours. */
static int ld_distance(const char *a, const char *b)
{
	int d[LD_TEXT_MAX + 1][32];
	int la = (int)strlen(a), lb = (int)strlen(b);
	int i, j;

	if (la > LD_TEXT_MAX || lb > 31)
		return 1000;
	for (i = 0; i <= la; i++)
		d[i][0] = i;
	for (j = 0; j <= lb; j++)
		d[0][j] = j;
	for (i = 1; i <= la; i++) {
		for (j = 1; j <= lb; j++) {
			int cost = a[i - 1] != b[j - 1];
			int best = d[i - 1][j - 1] + cost;

			if (d[i - 1][j] + 1 < best)
				best = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < best)
				best = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < best)
				best = d[i - 2][j - 2] + 1;
			d[i][j] = best;
		}
	}
	return d[la][lb];
}

static int ld_unknown_key(struct loader *ld, struct fy_node *key,
			  const char *text, const char *const *keys,
			  const char *ctx)
{
	char list[LD_TEXT_MAX] = "";
	const char *best = NULL;
	int best_distance = 1000;
	int i, n = 0;
	size_t used = 0;

	for (i = 0; keys[i]; i++) {
		int distance = ld_distance(text, keys[i]);

		if (distance < best_distance) {
			best_distance = distance;
			best = keys[i];
		}
		n++;
	}
	/* Suggest a key within 2 edits, or 1 per 3 characters if longer. */
	if (best &&
	    (best_distance <= 2 || best_distance <= (int)strlen(text) / 3))
		return ld_fail(ld, key, NULL, 0,
			       "unknown key '%s' %s (did you mean '%s'?)", text,
			       ctx, best);

	for (i = 0; keys[i] && used < sizeof(list); i++) {
		const char *sep = ", ";
		int w;

		if (i == 0)
			sep = "";
		else if (i == n - 1)
			sep = " or ";
		w = snprintf(list + used, sizeof(list) - used, "%s'%s'", sep,
			     keys[i]);
		if (w < 0)
			break;
		used += (size_t)w;
	}
	return ld_fail(ld, key, NULL, 0, "unknown key '%s' %s (expected %s)",
		       text, ctx, list);
}

/*
 * Calls @fn for each pair of the mapping @map after checking that its
 * keys are scalars from @keys.
 */
typedef int (*ld_pair_fn)(struct loader *ld, const struct ld_pair *pair,
			  void *data);

static int ld_each_pair(struct loader *ld, struct fy_node *map,
			const char *const *keys, const char *ctx, ld_pair_fn fn,
			void *data)
{
	struct fy_node_pair *fynp;
	void *iter = NULL;

	while ((fynp = fy_node_mapping_iterate(map, &iter)) != NULL) {
		struct ld_pair pair = {
			.key = fy_node_pair_key(fynp),
			.value = fy_node_pair_value(fynp),
		};
		char text[LD_TEXT_MAX];
		int i, ret;

		if (!ld_is_scalar(pair.key) || ld_is_null(pair.key))
			return ld_fail(ld, pair.key, map, 0,
				       "expected a name as key %s, found %s",
				       ctx, ld_type_name(pair.key));
		ret = ld_text(ld, pair.key, map, "a key", ctx, text,
			      sizeof(text));
		if (ret < 0)
			return ret;
		for (i = 0; keys[i] && strcmp(keys[i], text) != 0; i++)
			;
		if (!keys[i])
			return ld_unknown_key(ld, pair.key, text, keys, ctx);
		pair.name = keys[i];
		ret = fn(ld, &pair, data);
		if (ret < 0)
			return ret;
	}
	return 0;
}

/* Parses a decimal number without sign, at most 10 digits. */
static int ld_parse_uint(const char *text, uint64_t *value)
{
	uint64_t v = 0;
	int digits = 0;

	for (; *text >= '0' && *text <= '9'; text++, digits++)
		v = v * 10 + (uint64_t)(*text - '0');
	if (*text != '\0' || digits == 0 || digits > 10)
		return -EINVAL;
	*value = v;
	return 0;
}

static int ld_get_uint(struct loader *ld, const struct ld_pair *pair,
		       struct fy_node *node, const char *ctx, uint32_t min,
		       uint32_t max, uint32_t *out)
{
	char text[LD_TEXT_MAX], what[64];
	uint64_t value;
	int ret;

	snprintf(what, sizeof(what), "'%s'", pair->name);
	ret = ld_text(ld, node, pair->key, what, ctx, text, sizeof(text));
	if (ret < 0)
		return ret;
	if (ld_parse_uint(text, &value) < 0)
		return ld_fail(
		    ld, node, pair->key, 0,
		    "invalid %s '%s' %s (expected a whole number from %u to %u)",
		    pair->name, text, ctx, min, max);
	if (value < min || value > max)
		return ld_fail(ld, node, pair->key, 0,
			       "%s '%s' %s is out of range (%u..%u)",
			       pair->name, text, ctx, min, max);
	*out = (uint32_t)value;
	return 0;
}

/*
 * Parses "0" or a decimal number with unit us, ms or s into microseconds,
 * at most @max.  Returns 0, -EINVAL (malformed), -EDOM (a number without
 * unit), -ERANGE (above @max) or -ENOTSUP (finer than a microsecond).
 */
static int ld_parse_duration(const char *text, uint64_t max, uint64_t *us)
{
	uint64_t whole = 0, frac = 0, scale = 1, unit;
	int digits = 0, frac_digits = 0;
	const char *p = text;

	for (; *p >= '0' && *p <= '9' && digits < 12; p++, digits++)
		whole = whole * 10 + (uint64_t)(*p - '0');
	if (*p == '.') {
		for (p++; *p >= '0' && *p <= '9' && frac_digits < 9;
		     p++, frac_digits++) {
			frac = frac * 10 + (uint64_t)(*p - '0');
			scale *= 10;
		}
		if (frac_digits == 0)
			return -EINVAL;
	}
	if (digits == 0)
		return -EINVAL;

	if (*p == '\0')
		unit = whole == 0 && frac == 0 ? 1 : 0;
	else if (strcmp(p, "us") == 0)
		unit = 1;
	else if (strcmp(p, "ms") == 0)
		unit = 1000;
	else if (strcmp(p, "s") == 0)
		unit = 1000000;
	else
		return -EINVAL;
	if (unit == 0)
		return -EDOM;

	if (whole > max || whole * unit > max)
		return -ERANGE;
	if ((frac * unit) % scale != 0)
		return -ENOTSUP;
	whole = whole * unit + frac * unit / scale;
	if (whole > max)
		return -ERANGE;
	*us = whole;
	return 0;
}

/* Formats @us as the file writes durations: "0", "250us", "2ms", "3s". */
static const char *ld_format_duration(uint64_t us, char *buf, size_t size)
{
	if (us == 0)
		snprintf(buf, size, "0");
	else if (us % 1000000u == 0)
		snprintf(buf, size, "%llus",
			 (unsigned long long)(us / 1000000u));
	else if (us % 1000u == 0)
		snprintf(buf, size, "%llums", (unsigned long long)(us / 1000u));
	else
		snprintf(buf, size, "%lluus", (unsigned long long)us);
	return buf;
}

/* Reads the duration @node from @min to @max microseconds. */
static int ld_get_duration_in(struct loader *ld, const struct ld_pair *pair,
			      struct fy_node *node, const char *ctx,
			      uint64_t min, uint64_t max, uint64_t *us)
{
	char text[LD_TEXT_MAX], what[64], low[24], high[24];
	int ret;

	snprintf(what, sizeof(what), "'%s'", pair->name);
	ret = ld_text(ld, node, pair->key, what, ctx, text, sizeof(text));
	if (ret < 0)
		return ret;

	ret = ld_parse_duration(text, max, us);
	if (ret == 0 && *us < min)
		ret = -ERANGE;
	switch (ret) {
	case 0:
		return 0;
	case -EDOM:
		return ld_fail(
		    ld, node, pair->key, 0,
		    "%s '%s' %s has no unit (write '%sms', '%sus' or '%ss')",
		    pair->name, text, ctx, text, text, text);
	case -ERANGE:
		return ld_fail(ld, node, pair->key, 0,
			       "%s '%s' %s is out of range (%s to %s)",
			       pair->name, text, ctx,
			       ld_format_duration(min, low, sizeof(low)),
			       ld_format_duration(max, high, sizeof(high)));
	case -ENOTSUP:
		return ld_fail(
		    ld, node, pair->key, 0,
		    "%s '%s' %s is not a whole number of microseconds",
		    pair->name, text, ctx);
	default:
		return ld_fail(
		    ld, node, pair->key, 0,
		    "invalid %s '%s' %s (expected a number with unit us, ms or s, such as '2.5ms', or '0')",
		    pair->name, text, ctx);
	}
}

static int ld_get_duration(struct loader *ld, const struct ld_pair *pair,
			   const char *ctx, uint32_t *us)
{
	uint64_t value;
	int ret;

	ret = ld_get_duration_in(ld, pair, pair->value, ctx, 0,
				 LD_MAX_DURATION_US, &value);
	if (ret == 0)
		*us = (uint32_t)value;
	return ret;
}

/*
 * Parses a percentage "N%" or "N.NNNN%", 0 to 100, into parts per
 * million.  Returns 0, -EINVAL (malformed), -EDOM (no '%' sign), -ERANGE
 * (above 100 %) or -ENOTSUP (finer than 0.0001 %, one part per million).
 */
static int ld_parse_percent(const char *text, uint32_t *ppm)
{
	uint64_t whole = 0, frac = 0;
	int digits = 0, frac_digits = 0;
	const char *p = text;

	for (; *p >= '0' && *p <= '9' && digits < 12; p++, digits++)
		whole = whole * 10 + (uint64_t)(*p - '0');
	if (*p == '.') {
		for (p++; *p >= '0' && *p <= '9'; p++, frac_digits++) {
			if (frac_digits >= 4 && *p != '0')
				return -ENOTSUP;
			if (frac_digits < 4)
				frac = frac * 10 + (uint64_t)(*p - '0');
		}
		if (frac_digits == 0)
			return -EINVAL;
	}
	if (digits == 0)
		return -EINVAL;
	if (*p == '\0')
		return -EDOM;
	if (strcmp(p, "%") != 0)
		return -EINVAL;

	for (; frac_digits < 4; frac_digits++)
		frac *= 10;
	if (whole > 100 || whole * 10000 + frac > 1000000)
		return -ERANGE;
	*ppm = (uint32_t)(whole * 10000 + frac);
	return 0;
}

static int ld_get_percent(struct loader *ld, const struct ld_pair *pair,
			  struct fy_node *node, const char *ctx, uint32_t *ppm)
{
	char text[LD_TEXT_MAX], what[64];
	int ret;

	snprintf(what, sizeof(what), "'%s'", pair->name);
	ret = ld_text(ld, node, pair->key, what, ctx, text, sizeof(text));
	if (ret < 0)
		return ret;

	switch (ld_parse_percent(text, ppm)) {
	case 0:
		return 0;
	case -EDOM:
		return ld_fail(ld, node, pair->key, 0,
			       "%s '%s' %s has no %% sign (write '%s%%')",
			       pair->name, text, ctx, text);
	case -ERANGE:
		return ld_fail(ld, node, pair->key, 0,
			       "%s '%s' %s is out of range (0%% to 100%%)",
			       pair->name, text, ctx);
	case -ENOTSUP:
		return ld_fail(
		    ld, node, pair->key, 0,
		    "%s '%s' %s is finer than 0.0001%% (one part per million)",
		    pair->name, text, ctx);
	default:
		return ld_fail(
		    ld, node, pair->key, 0,
		    "invalid %s '%s' %s (expected a percentage such as '5%%' or '0.5%%')",
		    pair->name, text, ctx);
	}
}

#define LD_MAX_RATE_BPS 100000000000ull /* 100gbit */

/* A rate unit as tc writes it, and its size in bits per second. */
struct ld_rate_unit {
	const char *name;
	uint64_t bits;
	bool bytes; /* tc's bps family: bytes per second */
};

static const struct ld_rate_unit ld_rate_units[] = {
	{ "bit", 1, false },	    { "kbit", 1000, false },
	{ "mbit", 1000000, false }, { "gbit", 1000000000, false },
	{ "bps", 8, true },	    { "kbps", 8000, true },
	{ "mbps", 8000000, true },  { "gbps", 8000000000ull, true },
};

/*
 * Parses a rate with a tc unit (bit, kbit, mbit, gbit, in any case) into
 * bits per second; "0" is no limit.  Returns 0, -EINVAL (malformed),
 * -EDOM (a number without unit), -EPROTO (a unit of tc's bps family, in
 * bytes, with its unit in @unit), -ERANGE (above 100gbit) or -ENOTSUP
 * (not a whole number of bits per second).
 */
static int ld_parse_rate(const char *text, uint64_t *bps,
			 const struct ld_rate_unit **unit)
{
	uint64_t whole = 0, frac = 0, scale = 1;
	int digits = 0, frac_digits = 0;
	const char *p = text;
	size_t i;

	for (; *p >= '0' && *p <= '9' && digits < 12; p++, digits++)
		whole = whole * 10 + (uint64_t)(*p - '0');
	if (*p == '.') {
		for (p++; *p >= '0' && *p <= '9' && frac_digits < 9;
		     p++, frac_digits++) {
			frac = frac * 10 + (uint64_t)(*p - '0');
			scale *= 10;
		}
		if (frac_digits == 0)
			return -EINVAL;
	}
	if (digits == 0)
		return -EINVAL;
	if (*p == '\0') {
		if (whole != 0 || frac != 0)
			return -EDOM;
		*bps = 0;
		return 0;
	}
	for (i = 0; i < sizeof(ld_rate_units) / sizeof(ld_rate_units[0]); i++)
		if (strcasecmp(p, ld_rate_units[i].name) == 0)
			break;
	if (i == sizeof(ld_rate_units) / sizeof(ld_rate_units[0]))
		return -EINVAL;
	*unit = &ld_rate_units[i];
	if (ld_rate_units[i].bytes)
		return -EPROTO;

	if (whole > LD_MAX_RATE_BPS / (*unit)->bits)
		return -ERANGE;
	if ((frac * (*unit)->bits) % scale != 0)
		return -ENOTSUP;
	whole = whole * (*unit)->bits + frac * (*unit)->bits / scale;
	if (whole > LD_MAX_RATE_BPS)
		return -ERANGE;
	*bps = whole;
	return 0;
}

static int ld_get_rate(struct loader *ld, const struct ld_pair *pair,
		       struct fy_node *node, const char *ctx, uint64_t *bps)
{
	const struct ld_rate_unit *unit = NULL;
	char text[LD_TEXT_MAX];
	int ret;

	ret = ld_text(ld, node, pair->key, "'rate'", ctx, text, sizeof(text));
	if (ret < 0)
		return ret;

	switch (ld_parse_rate(text, bps, &unit)) {
	case 0:
		return 0;
	case -EDOM:
		return ld_fail(
		    ld, node, pair->key, 0,
		    "rate '%s' %s has no unit (write '%skbit', '%smbit' or '%sgbit')",
		    text, ctx, text, text, text);
	case -EPROTO:
		return ld_fail(
		    ld, node, pair->key, 0,
		    "rate '%s' %s is in bytes per second: tc's '%s' means bytes, not bits (write the rate in bit, kbit, mbit or gbit, such as '10mbit')",
		    text, ctx, unit->name);
	case -ERANGE:
		return ld_fail(ld, node, pair->key, 0,
			       "rate '%s' %s is out of range (at most 100gbit)",
			       text, ctx);
	case -ENOTSUP:
		return ld_fail(
		    ld, node, pair->key, 0,
		    "rate '%s' %s is not a whole number of bits per second",
		    text, ctx);
	default:
		return ld_fail(
		    ld, node, pair->key, 0,
		    "invalid rate '%s' %s (expected a number with unit bit, kbit, mbit or gbit, such as '10mbit' or '1.5mbit', or '0' for no limit)",
		    text, ctx);
	}
}

/* Reads a boolean: YAML's true or false, or on, off, yes or no. */
static int ld_get_bool(struct loader *ld, const struct ld_pair *pair,
		       struct fy_node *node, const char *ctx, bool *out)
{
	static const char *const yes[] = { "true", "on", "yes" };
	static const char *const no[] = { "false", "off", "no" };
	char text[LD_TEXT_MAX], what[64];
	int i, ret;

	snprintf(what, sizeof(what), "'%s'", pair->name);
	ret = ld_text(ld, node, pair->key, what, ctx, text, sizeof(text));
	if (ret < 0)
		return ret;
	for (i = 0; i < 3; i++) {
		if (strcasecmp(text, yes[i]) == 0) {
			*out = true;
			return 0;
		}
		if (strcasecmp(text, no[i]) == 0) {
			*out = false;
			return 0;
		}
	}
	return ld_fail(
	    ld, node, pair->key, 0,
	    "invalid %s '%s' %s (expected true or false, on or off, yes or no)",
	    pair->name, text, ctx);
}

/*
 * Reads one word of @choices into @index.  @expected lists them for the
 * message ("'up' or 'down'").
 */
static int ld_get_choice(struct loader *ld, const struct ld_pair *pair,
			 struct fy_node *node, const char *ctx,
			 const char *const *choices, const char *expected,
			 int *index)
{
	char text[LD_TEXT_MAX], what[64];
	int i, ret;

	snprintf(what, sizeof(what), "'%s'", pair->name);
	ret = ld_text(ld, node, pair->key, what, ctx, text, sizeof(text));
	if (ret < 0)
		return ret;
	for (i = 0; choices[i]; i++) {
		if (strcmp(text, choices[i]) == 0) {
			*index = i;
			return 0;
		}
	}
	return ld_fail(ld, node, pair->key, 0,
		       "invalid %s '%s' %s (expected %s)", pair->name, text,
		       ctx, expected);
}

/* Parses "A.B.C.D" or "A.B.C.D/LEN"; @plen is -1 without "/LEN". */
static int ld_parse_cidr(const char *text, uint32_t *addr, int *plen)
{
	char buf[LD_TEXT_MAX];
	const char *slash = strchr(text, '/');
	uint64_t len;

	if (strlen(text) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, text);
	*plen = -1;
	if (slash) {
		buf[slash - text] = '\0';
		if (ld_parse_uint(slash + 1, &len) < 0 || len > 32 ||
		    (slash[1] == '0' && slash[2] != '\0'))
			return -EINVAL;
		*plen = (int)len;
	}
	return topo_parse_ipv4(buf, addr);
}

/*
 * Rejects an interface address that no host may use: the network or
 * broadcast address of its subnet, 0/8, loopback, multicast or class E.
 */
static int ld_check_host_addr(struct loader *ld, struct fy_node *node,
			      const char *text, uint32_t addr, uint8_t plen,
			      const char *ctx)
{
	uint32_t net = addr & ld_mask(plen);
	char buf[16];

	if (addr >> 24 == 0 || addr >> 24 == 127 || addr >> 28 >= 14)
		return ld_fail(
		    ld, node, NULL, 0,
		    "address '%s' %s is not usable on an interface (0/8, loopback, multicast or reserved)",
		    text, ctx);
	if (addr == net)
		return ld_fail(
		    ld, node, NULL, 0,
		    "address '%s' %s is the network address of %s/%u (use a host address)",
		    text, ctx, topo_format_ipv4(net, buf), plen);
	if (addr == (net | ~ld_mask(plen)))
		return ld_fail(
		    ld, node, NULL, 0,
		    "address '%s' %s is the broadcast address of %s/%u (use a host address)",
		    text, ctx, topo_format_ipv4(net, buf), plen);
	return 0;
}

/* Parses a subnet "A.B.C.D/LEN", LEN 1..30, with no host bits set. */
static int ld_get_subnet(struct loader *ld, struct fy_node *node,
			 struct fy_node *key, const char *what, const char *ctx,
			 uint32_t *net, uint8_t *plen)
{
	char text[LD_TEXT_MAX], quoted[64], buf[16];
	uint32_t addr;
	int len, ret;

	snprintf(quoted, sizeof(quoted), "'%s'", what);
	ret = ld_text(ld, node, key, quoted, ctx, text, sizeof(text));
	if (ret < 0)
		return ret;
	if (ld_parse_cidr(text, &addr, &len) < 0 || len < 0)
		return ld_fail(ld, node, key, 0,
			       "invalid %s '%s' %s (expected A.B.C.D/LEN)",
			       what, text, ctx);
	if (len < 1 || len > 30)
		return ld_fail(
		    ld, node, key, 0,
		    "%s '%s' %s has prefix length %d, out of range (1..30)",
		    what, text, ctx, len);
	if ((addr & ld_mask((uint8_t)len)) != addr)
		return ld_fail(
		    ld, node, key, 0,
		    "%s '%s' %s has host bits set (did you mean '%s/%d'?)",
		    what, text, ctx,
		    topo_format_ipv4(addr & ld_mask((uint8_t)len), buf), len);
	*net = addr;
	*plen = (uint8_t)len;
	return 0;
}

/* Parses "ADDR" or "ADDR/LEN" of IPv6; @plen is -1 without "/LEN". */
static int ld_parse_cidr6(const char *text, struct pkt_in6 *addr, int *plen)
{
	char buf[LD_TEXT_MAX];
	const char *slash = strchr(text, '/');
	uint64_t len;

	if (strlen(text) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, text);
	*plen = -1;
	if (slash) {
		buf[slash - text] = '\0';
		if (ld_parse_uint(slash + 1, &len) < 0 || len > 128 ||
		    (slash[1] == '0' && slash[2] != '\0'))
			return -EINVAL;
		*plen = (int)len;
	}
	return topo_parse_ipv6(buf, addr);
}

/* Clears the bits of @addr past @plen. */
static struct pkt_in6 ld_subnet6(const struct pkt_in6 *addr, uint8_t plen)
{
	struct pkt_in6 net = *addr;
	int i;

	for (i = 0; i < 16; i++) {
		int bits = (int)plen - 8 * i;

		if (bits < 8)
			net.b[i] &=
			    bits <= 0 ? 0 : (uint8_t)(0xff << (8 - bits));
	}
	return net;
}

static bool ld_in_prefix6(const struct pkt_in6 *addr,
			  const struct pkt_in6 *prefix, uint8_t plen)
{
	struct pkt_in6 a = ld_subnet6(addr, plen);
	struct pkt_in6 p = ld_subnet6(prefix, plen);

	return memcmp(a.b, p.b, 16) == 0;
}

/* Returns @net plus @n (at most 255), as host addresses of a subnet. */
static struct pkt_in6 ld_host6(const struct pkt_in6 *net, unsigned int n)
{
	struct pkt_in6 addr = *net;
	unsigned int carry = n;
	int i;

	for (i = 15; i >= 0 && carry; i--) {
		carry += addr.b[i];
		addr.b[i] = (uint8_t)carry;
		carry >>= 8;
	}
	return addr;
}

/* Whether no interface may have @addr: RFC 4291 reserves these. */
static bool ld_unusable6(const struct pkt_in6 *addr)
{
	return pkt6_addr_is_multicast(addr) || pkt6_addr_is_link_local(addr) ||
	       pkt6_addr_is_loopback(addr) || pkt6_addr_is_unspecified(addr);
}

/*
 * Rejects an IPv6 interface address that no host may use: multicast,
 * link-local (every link has its own), loopback or unspecified.  The
 * subnet-router anycast address (RFC 4291 2.6.1) is rejected too, except
 * in a /127, which uses both its addresses (RFC 6164).
 */
static int ld_check_host_addr6(struct loader *ld, struct fy_node *node,
			       const char *text, const struct pkt_in6 *addr,
			       uint8_t plen, const char *ctx)
{
	struct pkt_in6 net = ld_subnet6(addr, plen);
	char buf[48];

	if (ld_unusable6(addr))
		return ld_fail(
		    ld, node, NULL, 0,
		    "address '%s' %s is not usable on an interface (multicast, link-local, loopback or unspecified)",
		    text, ctx);
	if (plen < 127 && memcmp(net.b, addr->b, 16) == 0)
		return ld_fail(
		    ld, node, NULL, 0,
		    "address '%s' %s is the subnet-router anycast address of %s/%u (use a host address)",
		    text, ctx, topo_format_ipv6(&net, buf), plen);
	return 0;
}

/* The first and second host addresses of @net/@plen: ::1 and ::2, or
 * both addresses of a /127. */
static void ld_host_pair6(const struct pkt_in6 *net, uint8_t plen,
			  struct pkt_in6 pair[2])
{
	unsigned int first = plen == 127 ? 0 : 1;

	pair[0] = ld_host6(net, first);
	pair[1] = ld_host6(net, first + 1);
}

/* Rejects @key, an IPv6 setting, when the file turns IPv6 off. */
static int ld_check_ipv6_on(struct loader *ld, struct fy_node *key,
			    const char *what, const char *ctx)
{
	if (ld->ipv6)
		return 0;
	return ld_fail(ld, key, NULL, 0,
		       "%s %s needs IPv6, which 'ipv6: false' turns off", what,
		       ctx);
}

/* Parses an IPv6 subnet "PREFIX/LEN", LEN 64..127, no host bits set. */
static int ld_get_subnet6(struct loader *ld, struct fy_node *node,
			  struct fy_node *key, const char *what,
			  const char *ctx, struct pkt_in6 *net, uint8_t *plen)
{
	char text[LD_TEXT_MAX], quoted[64], buf[48];
	struct pkt_in6 addr, masked;
	int len, ret;

	snprintf(quoted, sizeof(quoted), "'%s'", what);
	ret = ld_text(ld, node, key, quoted, ctx, text, sizeof(text));
	if (ret < 0)
		return ret;
	if (ld_parse_cidr6(text, &addr, &len) < 0 || len < 0)
		return ld_fail(
		    ld, node, key, 0,
		    "invalid %s '%s' %s (expected an IPv6 PREFIX/LEN such as 2001:db8:5::/64)",
		    what, text, ctx);
	if (len < 64 || len > 127)
		return ld_fail(
		    ld, node, key, 0,
		    "%s '%s' %s has prefix length %d, out of range (64..127)",
		    what, text, ctx, len);
	if (pkt6_addr_is_multicast(&addr) || pkt6_addr_is_link_local(&addr) ||
	    pkt6_addr_is_unspecified(&addr))
		return ld_fail(
		    ld, node, key, 0,
		    "%s '%s' %s is not a unicast subnet (multicast, link-local or unspecified)",
		    what, text, ctx);
	masked = ld_subnet6(&addr, (uint8_t)len);
	if (memcmp(masked.b, addr.b, 16) != 0)
		return ld_fail(
		    ld, node, key, 0,
		    "%s '%s' %s has host bits set (did you mean '%s/%d'?)",
		    what, text, ctx, topo_format_ipv6(&masked, buf), len);
	*net = addr;
	*plen = (uint8_t)len;
	return 0;
}

/* Checks a node or TUN name: 1..@max - 1 characters of [A-Za-z0-9_.-]. */
static int ld_check_name(struct loader *ld, struct fy_node *node,
			 const char *name, size_t max, const char *kind)
{
	size_t len = strlen(name), i;
	uint32_t addr;

	for (i = 0; i < len; i++) {
		char c = name[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '_' || c == '.' ||
		      c == '-'))
			break;
	}
	if (len == 0 || len >= max || i < len || strcmp(name, ".") == 0 ||
	    strcmp(name, "..") == 0)
		return ld_fail(
		    ld, node, NULL, 0,
		    "invalid %s name '%s' (use 1 to %zu letters, digits, '_', '.' or '-', not '.' or '..')",
		    kind, name, max - 1);
	if (topo_parse_ipv4(name, &addr) == 0)
		return ld_fail(
		    ld, node, NULL, 0,
		    "invalid %s name '%s' (a name must not read as an address)",
		    kind, name);
	return 0;
}

static int ld_find_node(const struct loader *ld, const char *name)
{
	int i;

	for (i = 0; i < ld->n_nodes; i++)
		if (strcmp(ld->nodes[i].name, name) == 0)
			return i;
	return -1;
}

static int ld_find_tun(const struct loader *ld, const char *name)
{
	int i;

	for (i = 0; i < ld->n_tuns; i++)
		if (strcmp(ld->tuns[i].name, name) == 0)
			return i;
	return -1;
}

/* Rejects @name if a router, host or TUN already has it. */
static int ld_check_unique(struct loader *ld, struct fy_node *node,
			   const char *name)
{
	int i = ld_find_node(ld, name);

	if (i >= 0)
		return ld_fail(ld, node, NULL, 0,
			       "duplicate name '%s': already a %s at line %d",
			       name, ld_kind_name(ld->nodes[i].kind),
			       ld->nodes[i].line);
	i = ld_find_tun(ld, name);
	if (i >= 0)
		return ld_fail(
		    ld, node, NULL, 0,
		    "duplicate name '%s': already a TUN device at line %d",
		    name, ld->tuns[i].line);
	return 0;
}

/* Routers and hosts. */

struct ld_node_ctx {
	struct ld_node *node;
	char ctx[TOPO_NAME_MAX + 16];
};

static int ld_parse_tcp_open(struct loader *ld, const struct ld_pair *pair,
			     struct ld_node_ctx *nc)
{
	struct fy_node *item;
	void *iter = NULL;
	int ret;

	ret = ld_expect(ld, pair->value, pair->key, FYNT_SEQUENCE, "'tcp-open'",
			nc->ctx);
	if (ret < 0)
		return ret;

	while ((item = fy_node_sequence_iterate(pair->value, &iter))) {
		struct ld_node *node = nc->node;
		uint32_t port;
		int i;

		ret = ld_get_uint(ld, pair, item, nc->ctx, 1, 65535, &port);
		if (ret < 0)
			return ret;
		for (i = 0; i < node->n_tcp_open; i++)
			if (node->tcp_open[i] == port)
				return ld_fail(
				    ld, item, NULL, 0,
				    "port %u listed twice in 'tcp-open' %s",
				    port, nc->ctx);
		if (node->n_tcp_open == TOPO_MAX_TCP_OPEN)
			return ld_fail(
			    ld, item, NULL, 0,
			    "too many ports in 'tcp-open' %s (at most %d)",
			    nc->ctx, TOPO_MAX_TCP_OPEN);
		node->tcp_open[node->n_tcp_open++] = (uint16_t)port;
	}
	return 0;
}

/* The ICMP policy of a node that the file does not change. */
static struct topo_icmp_policy ld_default_icmp(void)
{
	return (struct topo_icmp_policy){
		.frag_needed = true,
		.echo = true,
		.redirects = true,
		.source = TOPO_ICMP_SOURCE_EGRESS,
	};
}

/* The policy that an 'icmp' mapping changes, and names for messages. */
struct ld_icmp_ctx {
	struct topo_icmp_policy *icmp;
	struct fy_node *source; /* the 'source' value, if the mapping has one */
	char node[TOPO_NAME_MAX + 16]; /* "router r1" */
	char ctx[TOPO_NAME_MAX + 48];  /* "in 'icmp' of router r1" */
};

static int ld_parse_types(struct loader *ld, const struct ld_pair *pair,
			  const char *ctx, uint64_t *mask)
{
	struct fy_node *item;
	void *iter = NULL;
	int ret;

	*mask = 0;
	if (ld_is_null(pair->value))
		return 0;
	ret = ld_expect(ld, pair->value, pair->key, FYNT_SEQUENCE, "'types'",
			ctx);
	if (ret < 0)
		return ret;
	while ((item = fy_node_sequence_iterate(pair->value, &iter))) {
		uint32_t type;

		ret = ld_get_uint(ld, pair, item, ctx, 0, 63, &type);
		if (ret < 0)
			return ret;
		if (*mask & (1ull << type))
			return ld_fail(
			    ld, item, NULL, 0,
			    "ICMP type %u listed twice in 'types' %s", type,
			    ctx);
		*mask |= 1ull << type;
	}
	return 0;
}

/*
 * Applies one key of a 'rate-limit' mapping.  The buckets' sizes and
 * rates apply to ICMPv6 too; 'types' and 'frag-needed-exempt' name IPv4
 * types, so ICMPv6 keeps the ratemask of its linux profile.
 */
static int ld_ratelimit_setting(struct loader *ld, const struct ld_pair *pair,
				void *data)
{
	struct ld_icmp_ctx *ic = data;
	struct topo_ratelimit *rl = &ic->icmp->ratelimit;
	struct topo_ratelimit *rl6 = &ic->icmp->ratelimit6;
	int ret;

	if (strcmp(pair->name, "types") == 0)
		return ld_parse_types(ld, pair, ic->ctx, &rl->type_mask);
	if (strcmp(pair->name, "frag-needed-exempt") == 0)
		return ld_get_bool(ld, pair, pair->value, ic->ctx,
				   &rl->frag_needed_exempt);
	if (strcmp(pair->name, "interval") == 0) {
		ret = ld_get_duration(ld, pair, ic->ctx, &rl->interval_us);
		rl6->interval_us = rl->interval_us;
	} else if (strcmp(pair->name, "burst") == 0) {
		ret = ld_get_uint(ld, pair, pair->value, ic->ctx, 1, 1000000,
				  &rl->burst);
		rl6->burst = rl->burst;
	} else if (strcmp(pair->name, "global-rate") == 0) {
		ret = ld_get_uint(ld, pair, pair->value, ic->ctx, 0, 1000000,
				  &rl->global_rate);
		rl6->global_rate = rl->global_rate;
	} else {
		ret = ld_get_uint(ld, pair, pair->value, ic->ctx, 1, 1000000,
				  &rl->global_burst);
		rl6->global_burst = rl->global_burst;
	}
	return ret;
}

/*
 * Reads 'rate-limit': 'off', 'linux', or a mapping that starts from the
 * linux profile without its random cost per error.
 */
static int ld_parse_ratelimit(struct loader *ld, const struct ld_pair *pair,
			      struct ld_icmp_ctx *ic)
{
	struct ld_icmp_ctx inner = { .icmp = ic->icmp };
	char text[LD_TEXT_MAX];
	int ret;

	if (!ld_is_null(pair->value) &&
	    fy_node_get_type(pair->value) == FYNT_MAPPING) {
		ic->icmp->ratelimit = TOPO_RATELIMIT_LINUX;
		ic->icmp->ratelimit.global_random_cost = false;
		ic->icmp->ratelimit6 = TOPO_RATELIMIT_LINUX6;
		ic->icmp->ratelimit6.global_random_cost = false;
		snprintf(inner.ctx, sizeof(inner.ctx), "in 'rate-limit' of %s",
			 ic->node);
		return ld_each_pair(ld, pair->value, ld_ratelimit_keys,
				    inner.ctx, ld_ratelimit_setting, &inner);
	}
	ret = ld_text(ld, pair->value, pair->key, "'rate-limit'", ic->ctx, text,
		      sizeof(text));
	if (ret < 0)
		return ret;
	if (strcmp(text, "off") == 0) {
		ic->icmp->ratelimit = (struct topo_ratelimit){ 0 };
		ic->icmp->ratelimit6 = (struct topo_ratelimit){ 0 };
		return 0;
	}
	if (strcmp(text, "linux") == 0) {
		ic->icmp->ratelimit = TOPO_RATELIMIT_LINUX;
		ic->icmp->ratelimit6 = TOPO_RATELIMIT_LINUX6;
		return 0;
	}
	return ld_fail(
	    ld, pair->value, pair->key, 0,
	    "invalid rate-limit '%s' %s (expected 'off', 'linux' or a mapping with 'interval', 'burst', 'global-rate', 'global-burst', 'types' or 'frag-needed-exempt')",
	    text, ic->ctx);
}

/* Reads 'source': egress, ingress, loopback or an IPv4 address. */
static int ld_parse_icmp_source(struct loader *ld, const struct ld_pair *pair,
				struct ld_icmp_ctx *ic)
{
	static const char *const names[] = { "egress", "ingress", "loopback",
					     NULL };
	char text[LD_TEXT_MAX];
	uint32_t addr;
	int i, ret;

	ret = ld_text(ld, pair->value, pair->key, "'source'", ic->ctx, text,
		      sizeof(text));
	if (ret < 0)
		return ret;
	ic->source = pair->value;
	for (i = 0; names[i]; i++) {
		if (strcmp(text, names[i]) == 0) {
			ic->icmp->source = (enum topo_icmp_source)i;
			return 0;
		}
	}
	if (topo_parse_ipv4(text, &addr) < 0)
		return ld_fail(
		    ld, pair->value, pair->key, 0,
		    "invalid source '%s' %s (expected 'egress', 'ingress', 'loopback' or an address A.B.C.D)",
		    text, ic->ctx);
	if (addr >> 24 == 0 || addr >> 24 == 127 || addr >> 28 >= 14)
		return ld_fail(
		    ld, pair->value, pair->key, 0,
		    "source '%s' %s is not usable as a source address (0/8, loopback, multicast or reserved)",
		    text, ic->ctx);
	ic->icmp->source = TOPO_ICMP_SOURCE_FIXED;
	ic->icmp->source_addr = addr;
	return 0;
}

static int ld_icmp_setting(struct loader *ld, const struct ld_pair *pair,
			   void *data)
{
	struct ld_icmp_ctx *ic = data;
	struct topo_icmp_policy *icmp = ic->icmp;

	if (strcmp(pair->name, "silent") == 0)
		return ld_get_bool(ld, pair, pair->value, ic->ctx,
				   &icmp->silent);
	if (strcmp(pair->name, "frag-needed") == 0)
		return ld_get_bool(ld, pair, pair->value, ic->ctx,
				   &icmp->frag_needed);
	if (strcmp(pair->name, "echo") == 0)
		return ld_get_bool(ld, pair, pair->value, ic->ctx, &icmp->echo);
	if (strcmp(pair->name, "redirects") == 0)
		return ld_get_bool(ld, pair, pair->value, ic->ctx,
				   &icmp->redirects);
	if (strcmp(pair->name, "delay") == 0)
		return ld_get_duration(ld, pair, ic->ctx, &icmp->delay_us);
	if (strcmp(pair->name, "source") == 0)
		return ld_parse_icmp_source(ld, pair, ic);
	return ld_parse_ratelimit(ld, pair, ic);
}

/*
 * Applies the 'icmp' mapping @pair to @icmp, which keeps the settings
 * the mapping does not name.  @kind and @name name the node.  Sets
 * @*source to the 'source' value when there is one.
 */
static int ld_parse_icmp(struct loader *ld, const struct ld_pair *pair,
			 enum topo_node_kind kind, const char *name,
			 struct topo_icmp_policy *icmp, struct fy_node **source)
{
	struct ld_icmp_ctx ic = { .icmp = icmp };
	char in_node[TOPO_NAME_MAX + 24];
	int ret;

	snprintf(ic.node, sizeof(ic.node), "%s %s", ld_kind_name(kind), name);
	snprintf(ic.ctx, sizeof(ic.ctx), "in 'icmp' of %s", ic.node);
	snprintf(in_node, sizeof(in_node), "in %s", ic.node);
	if (ld_is_null(pair->value))
		return 0;
	ret = ld_expect(ld, pair->value, pair->key, FYNT_MAPPING, "'icmp'",
			in_node);
	if (ret < 0)
		return ret;
	ret = ld_each_pair(ld, pair->value, ld_icmp_keys, ic.ctx,
			   ld_icmp_setting, &ic);
	if (ret == 0 && ic.source)
		*source = ic.source;
	return ret;
}

/* Reads 'loopback: A.B.C.D' (or A.B.C.D/32) of a router. */
static int ld_parse_loopback(struct loader *ld, const struct ld_pair *pair,
			     struct ld_node_ctx *nc)
{
	struct ld_node *node = nc->node;
	char text[LD_TEXT_MAX];
	int plen, ret;

	if (node->kind != TOPO_NODE_ROUTER)
		return ld_fail(ld, pair->key, NULL, 0,
			       "'loopback' %s: only routers have a loopback",
			       nc->ctx);
	ret = ld_text(ld, pair->value, pair->key, "'loopback'", nc->ctx, text,
		      sizeof(text));
	if (ret < 0)
		return ret;
	if (ld_parse_cidr(text, &node->loopback_addr, &plen) < 0 ||
	    (plen >= 0 && plen != 32))
		return ld_fail(
		    ld, pair->value, pair->key, 0,
		    "invalid loopback '%s' %s (expected an address A.B.C.D, a /32)",
		    text, nc->ctx);
	if (node->loopback_addr >> 24 == 0 ||
	    node->loopback_addr >> 24 == 127 || node->loopback_addr >> 28 >= 14)
		return ld_fail(
		    ld, pair->value, pair->key, 0,
		    "loopback '%s' %s is not usable on an interface (0/8, loopback, multicast or reserved)",
		    text, nc->ctx);
	node->loopback = pair->value;
	return 0;
}

/* Reads 'loopback6: ADDR' (or ADDR/128) of a router. */
static int ld_parse_loopback6(struct loader *ld, const struct ld_pair *pair,
			      struct ld_node_ctx *nc)
{
	struct ld_node *node = nc->node;
	char text[LD_TEXT_MAX];
	int plen, ret;

	if (node->kind != TOPO_NODE_ROUTER)
		return ld_fail(ld, pair->key, NULL, 0,
			       "'loopback6' %s: only routers have a loopback",
			       nc->ctx);
	ret = ld_check_ipv6_on(ld, pair->key, "'loopback6'", nc->ctx);
	if (ret < 0)
		return ret;
	ret = ld_text(ld, pair->value, pair->key, "'loopback6'", nc->ctx, text,
		      sizeof(text));
	if (ret < 0)
		return ret;
	if (ld_parse_cidr6(text, &node->loopback6_addr, &plen) < 0 ||
	    (plen >= 0 && plen != 128))
		return ld_fail(
		    ld, pair->value, pair->key, 0,
		    "invalid loopback6 '%s' %s (expected an IPv6 address such as 2001:db8:ff::1, a /128)",
		    text, nc->ctx);
	if (ld_unusable6(&node->loopback6_addr))
		return ld_fail(
		    ld, pair->value, pair->key, 0,
		    "loopback6 '%s' %s is not usable on an interface (multicast, link-local, loopback or unspecified)",
		    text, nc->ctx);
	node->loopback6 = pair->value;
	return 0;
}

static int ld_node_setting(struct loader *ld, const struct ld_pair *pair,
			   void *data)
{
	struct ld_node_ctx *nc = data;
	uint32_t value;
	int ret;

	/* An empty list may be written as an empty value. */
	if ((strcmp(pair->name, "routes") == 0 ||
	     strcmp(pair->name, "tcp-open") == 0) &&
	    ld_is_null(pair->value))
		return 0;
	if (strcmp(pair->name, "routes") == 0) {
		ret = ld_expect(ld, pair->value, pair->key, FYNT_SEQUENCE,
				"'routes'", nc->ctx);
		nc->node->routes = pair->value;
		return ret;
	}
	if (strcmp(pair->name, "ttl") == 0) {
		ret =
		    ld_get_uint(ld, pair, pair->value, nc->ctx, 1, 255, &value);
		nc->node->ttl = (uint8_t)value;
		return ret;
	}
	if (strcmp(pair->name, "arp-timeout") == 0)
		return ld_get_duration(ld, pair, nc->ctx,
				       &nc->node->arp_timeout_us);
	if (strcmp(pair->name, "icmp") == 0)
		return ld_parse_icmp(ld, pair, nc->node->kind, nc->node->name,
				     &nc->node->icmp, &nc->node->icmp_source);
	if (strcmp(pair->name, "loopback") == 0)
		return ld_parse_loopback(ld, pair, nc);
	if (strcmp(pair->name, "loopback6") == 0)
		return ld_parse_loopback6(ld, pair, nc);
	if (strcmp(pair->name, "reassembly-timeout") == 0) {
		uint64_t us;

		ret = ld_get_duration_in(ld, pair, pair->value, nc->ctx, 1,
					 LD_MAX_DURATION_US, &us);
		nc->node->reasm_timeout_us = (uint32_t)us;
		return ret;
	}
	return ld_parse_tcp_open(ld, pair, nc);
}

/* Rejects 'source: loopback' on a node without 'loopback'. */
static int ld_check_icmp_source(struct loader *ld, struct fy_node *source,
				const struct topo_icmp_policy *icmp,
				const struct ld_node *node)
{
	if (icmp->source != TOPO_ICMP_SOURCE_LOOPBACK || node->loopback)
		return 0;
	if (node->kind != TOPO_NODE_ROUTER)
		return ld_fail(
		    ld, source, NULL, 0,
		    "source 'loopback' in 'icmp' of %s %s needs a loopback, and only routers have one",
		    ld_kind_name(node->kind), node->name);
	return ld_fail(
	    ld, source, NULL, 0,
	    "source 'loopback' in 'icmp' of router %s needs 'loopback: A.B.C.D' on router %s",
	    node->name, node->name);
}

static int ld_add_node(struct loader *ld, struct fy_node *name_node,
		       struct fy_node *settings, enum topo_node_kind kind)
{
	struct ld_node_ctx nc;
	char name[LD_TEXT_MAX];
	struct ld_node *node;
	int ret;

	ret =
	    ld_text(ld, name_node, NULL,
		    kind == TOPO_NODE_ROUTER ? "a router name" : "a host name",
		    "", name, sizeof(name));
	if (ret < 0)
		return ret;
	ret = ld_check_name(ld, name_node, name, TOPO_NAME_MAX,
			    ld_kind_name(kind));
	if (ret < 0)
		return ret;
	ret = ld_check_unique(ld, name_node, name);
	if (ret < 0)
		return ret;

	node = ld_push((void **)&ld->nodes, &ld->n_nodes, sizeof(*node));
	if (!node)
		return -ENOMEM;
	strcpy(node->name, name);
	node->kind = kind;
	node->line = 1;
	node->column = 1;
	ld_locate(ld, name_node, &node->line, &node->column);
	node->ttl = TOPO_DEFAULT_TTL;
	node->arp_timeout_us = TOPO_DEFAULT_ARP_TIMEOUT_US;
	node->icmp = ld_default_icmp();
	node->reasm_timeout_us = TOPO_DEFAULT_REASM_TIMEOUT_US;

	if (ld_is_null(settings))
		return 0;
	nc.node = node;
	snprintf(nc.ctx, sizeof(nc.ctx), "in %s %s", ld_kind_name(kind),
		 node->name);
	ret = ld_expect(ld, settings, name_node, FYNT_MAPPING, "the settings",
			nc.ctx);
	if (ret < 0)
		return ret;
	ret = ld_each_pair(ld, settings, ld_node_keys, nc.ctx, ld_node_setting,
			   &nc);
	if (ret < 0)
		return ret;
	return ld_check_icmp_source(ld, node->icmp_source, &node->icmp, node);
}

static int ld_parse_nodes(struct loader *ld, struct fy_node *section,
			  struct fy_node *key, enum topo_node_kind kind)
{
	const char *what = kind == TOPO_NODE_ROUTER ? "'routers'" : "'hosts'";
	struct fy_node_pair *pair;
	struct fy_node *item;
	void *iter = NULL;
	int ret;

	if (ld_is_null(section))
		return 0;

	switch (fy_node_get_type(section)) {
	case FYNT_SEQUENCE:
		while ((item = fy_node_sequence_iterate(section, &iter))) {
			ret = ld_add_node(ld, item, NULL, kind);
			if (ret < 0)
				return ret;
		}
		return 0;
	case FYNT_MAPPING:
		while ((pair = fy_node_mapping_iterate(section, &iter))) {
			ret = ld_add_node(ld, fy_node_pair_key(pair),
					  fy_node_pair_value(pair), kind);
			if (ret < 0)
				return ret;
		}
		return 0;
	default:
		return ld_fail(
		    ld, section, key, 0,
		    "expected a sequence or a mapping for %s, found %s", what,
		    ld_type_name(section));
	}
}

/* TUN devices. */

struct ld_tun_ctx {
	struct ld_tun *tun;
	char ctx[TOPO_IFNAME_MAX + 16];
	struct fy_node *router;
	struct fy_node *address;
	struct fy_node *router_address;
	struct fy_node *address6;
	struct fy_node *address6_key;
	struct fy_node *router_address6;
	struct fy_node *lan;
	struct fy_node *lan_key;
};

static int ld_tun_setting(struct loader *ld, const struct ld_pair *pair,
			  void *data)
{
	struct ld_tun_ctx *tc = data;
	char text[LD_TEXT_MAX];
	int ret;

	if (strcmp(pair->name, "router") == 0) {
		tc->router = pair->value;
		return ld_expect(ld, pair->value, pair->key, FYNT_SCALAR,
				 "'router'", tc->ctx);
	}
	if (strcmp(pair->name, "address") == 0) {
		tc->address = pair->value;
		return ld_expect(ld, pair->value, pair->key, FYNT_SCALAR,
				 "'address'", tc->ctx);
	}
	if (strcmp(pair->name, "router-address") == 0) {
		tc->router_address = pair->value;
		return ld_expect(ld, pair->value, pair->key, FYNT_SCALAR,
				 "'router-address'", tc->ctx);
	}
	if (strcmp(pair->name, "address6") == 0) {
		tc->address6 = pair->value;
		tc->address6_key = pair->key;
		return ld_expect(ld, pair->value, pair->key, FYNT_SCALAR,
				 "'address6'", tc->ctx);
	}
	if (strcmp(pair->name, "router-address6") == 0) {
		tc->router_address6 = pair->value;
		return ld_expect(ld, pair->value, pair->key, FYNT_SCALAR,
				 "'router-address6'", tc->ctx);
	}
	if (strcmp(pair->name, "mtu") == 0)
		return ld_get_uint(ld, pair, pair->value, tc->ctx, 68, 65535,
				   &tc->tun->mtu);
	if (strcmp(pair->name, "lan") == 0) {
		tc->lan = pair->value;
		tc->lan_key = pair->key;
		return ld_expect(ld, pair->value, pair->key, FYNT_SEQUENCE,
				 "'lan'", tc->ctx);
	}

	ret = ld_text(ld, pair->value, pair->key, "'routes'", tc->ctx, text,
		      sizeof(text));
	if (ret < 0)
		return ret;
	if (strcmp(text, "all") != 0 && strcmp(text, "none") != 0)
		return ld_fail(
		    ld, pair->value, pair->key, 0,
		    "invalid routes '%s' %s (expected 'all' or 'none')", text,
		    tc->ctx);
	tc->tun->routes_all = strcmp(text, "all") == 0;
	tc->tun->routes = pair->value;
	return 0;
}

static int ld_tun_router(struct loader *ld, struct ld_tun_ctx *tc,
			 struct fy_node *at)
{
	char name[LD_TEXT_MAX];
	int node, ret;

	ret = ld_text(ld, tc->router, at, "'router'", tc->ctx, name,
		      sizeof(name));
	if (ret < 0)
		return ret;
	node = ld_find_node(ld, name);
	if (node < 0)
		return ld_fail(ld, tc->router, at, 0, "unknown router '%s' %s",
			       name, tc->ctx);
	if (ld->nodes[node].kind != TOPO_NODE_ROUTER)
		return ld_fail(
		    ld, tc->router, at, 0,
		    "'%s' %s is a host (a TUN device attaches to a router)",
		    name, tc->ctx);
	tc->tun->router = node;
	ld->nodes[node].n_links++;
	return 0;
}

static int ld_tun_addresses(struct loader *ld, struct ld_tun_ctx *tc)
{
	struct ld_tun *tun = tc->tun;
	char text[LD_TEXT_MAX], buf[16];
	uint32_t addr, net;
	int plen, ret;

	if (!tc->address) {
		if (tc->router_address)
			return ld_fail(
			    ld, tc->router_address, NULL, 0,
			    "'router-address' %s needs 'address' (the kernel's end, A.B.C.D/LEN)",
			    tc->ctx);
		return 0;
	}
	ret = ld_text(ld, tc->address, NULL, "'address'", tc->ctx, text,
		      sizeof(text));
	if (ret < 0)
		return ret;
	if (ld_parse_cidr(text, &addr, &plen) < 0 || plen < 0)
		return ld_fail(ld, tc->address, NULL, 0,
			       "invalid address '%s' %s (expected A.B.C.D/LEN)",
			       text, tc->ctx);
	if (plen < 1 || plen > 30)
		return ld_fail(
		    ld, tc->address, NULL, 0,
		    "address '%s' %s has prefix length %d, out of range (1..30)",
		    text, tc->ctx, plen);
	ret = ld_check_host_addr(ld, tc->address, text, addr, (uint8_t)plen,
				 tc->ctx);
	if (ret < 0)
		return ret;
	tun->address = addr;
	tun->plen = (uint8_t)plen;
	net = addr & ld_mask(tun->plen);

	if (!tc->router_address) {
		/* The lowest host address that the kernel does not have. */
		tun->router_address = net + 1 == addr ? net + 2 : net + 1;
		return 0;
	}
	ret = ld_text(ld, tc->router_address, NULL, "'router-address'", tc->ctx,
		      text, sizeof(text));
	if (ret < 0)
		return ret;
	if (ld_parse_cidr(text, &addr, &plen) < 0 ||
	    (plen >= 0 && plen != tun->plen))
		return ld_fail(
		    ld, tc->router_address, NULL, 0,
		    "invalid router-address '%s' %s (expected A.B.C.D in %s/%u)",
		    text, tc->ctx, topo_format_ipv4(net, buf), tun->plen);
	if ((addr & ld_mask(tun->plen)) != net)
		return ld_fail(
		    ld, tc->router_address, NULL, 0,
		    "router-address '%s' %s is outside the subnet %s/%u of 'address'",
		    text, tc->ctx, topo_format_ipv4(net, buf), tun->plen);
	if (addr == tun->address)
		return ld_fail(
		    ld, tc->router_address, NULL, 0,
		    "address conflict: router-address '%s' %s equals 'address'",
		    text, tc->ctx);
	tun->router_address = addr;
	return ld_check_host_addr(ld, tc->router_address, text, addr, tun->plen,
				  tc->ctx);
}

/* Reads 'router-address6', which must lie in the subnet of 'address6'. */
static int ld_tun_router_address6(struct loader *ld, struct ld_tun_ctx *tc,
				  const struct pkt_in6 *net)
{
	struct ld_tun *tun = tc->tun;
	char text[LD_TEXT_MAX], buf[48];
	struct pkt_in6 addr;
	int plen, ret;

	ret = ld_text(ld, tc->router_address6, NULL, "'router-address6'",
		      tc->ctx, text, sizeof(text));
	if (ret < 0)
		return ret;
	if (ld_parse_cidr6(text, &addr, &plen) < 0 ||
	    (plen >= 0 && plen != tun->plen6))
		return ld_fail(
		    ld, tc->router_address6, NULL, 0,
		    "invalid router-address6 '%s' %s (expected an IPv6 address in %s/%u)",
		    text, tc->ctx, topo_format_ipv6(net, buf), tun->plen6);
	if (!ld_in_prefix6(&addr, net, tun->plen6))
		return ld_fail(
		    ld, tc->router_address6, NULL, 0,
		    "router-address6 '%s' %s is outside the subnet %s/%u of 'address6'",
		    text, tc->ctx, topo_format_ipv6(net, buf), tun->plen6);
	if (memcmp(addr.b, tun->address6.b, 16) == 0)
		return ld_fail(
		    ld, tc->router_address6, NULL, 0,
		    "address conflict: router-address6 '%s' %s equals 'address6'",
		    text, tc->ctx);
	tun->router_address6 = addr;
	return ld_check_host_addr6(ld, tc->router_address6, text, &addr,
				   tun->plen6, tc->ctx);
}

/* Reads 'address6' and 'router-address6' of a TUN device. */
static int ld_tun_addresses6(struct loader *ld, struct ld_tun_ctx *tc)
{
	struct ld_tun *tun = tc->tun;
	struct pkt_in6 addr, net, pair[2];
	char text[LD_TEXT_MAX];
	int plen, ret;

	if (!tc->address6) {
		if (tc->router_address6)
			return ld_fail(
			    ld, tc->router_address6, NULL, 0,
			    "'router-address6' %s needs 'address6' (the kernel's end, an IPv6 ADDRESS/LEN)",
			    tc->ctx);
		return 0;
	}
	ret = ld_check_ipv6_on(ld, tc->address6_key, "'address6'", tc->ctx);
	if (ret < 0)
		return ret;
	if (tun->mtu < PKT_IPV6_MIN_MTU)
		return ld_fail(
		    ld, tc->address6_key, NULL, 0,
		    "'address6' %s needs an mtu of at least %d, the IPv6 minimum, not %u",
		    tc->ctx, PKT_IPV6_MIN_MTU, tun->mtu);
	ret = ld_text(ld, tc->address6, NULL, "'address6'", tc->ctx, text,
		      sizeof(text));
	if (ret < 0)
		return ret;
	if (ld_parse_cidr6(text, &addr, &plen) < 0 || plen < 0)
		return ld_fail(
		    ld, tc->address6, NULL, 0,
		    "invalid address6 '%s' %s (expected an IPv6 ADDRESS/LEN such as 2001:db8:7::1/64)",
		    text, tc->ctx);
	if (plen < 64 || plen > 127)
		return ld_fail(
		    ld, tc->address6, NULL, 0,
		    "address6 '%s' %s has prefix length %d, out of range (64..127)",
		    text, tc->ctx, plen);
	ret = ld_check_host_addr6(ld, tc->address6, text, &addr, (uint8_t)plen,
				  tc->ctx);
	if (ret < 0)
		return ret;
	tun->address6 = addr;
	tun->plen6 = (uint8_t)plen;
	net = ld_subnet6(&addr, tun->plen6);

	if (tc->router_address6)
		return ld_tun_router_address6(ld, tc, &net);
	/* The lowest host address that the kernel does not have. */
	ld_host_pair6(&net, tun->plen6, pair);
	tun->router_address6 =
	    memcmp(pair[0].b, addr.b, 16) == 0 ? pair[1] : pair[0];
	return 0;
}

static int ld_link_end(struct loader *ld, struct fy_node *key, const char *word,
		       int offset, const char *ctx);

/*
 * Reads the node names of the sequence @seq, a LAN's members, into @out
 * after the @n nodes already there (a TUN's router), up to @max in all.
 * Each node may be named once.
 */
static int ld_lan_members(struct loader *ld, struct fy_node *seq,
			  struct fy_node *key, const char *ctx, int *out,
			  int *n, int max)
{
	int given = *n;
	struct fy_node *item;
	void *iter = NULL;
	char name[LD_TEXT_MAX];
	int i, node, ret;

	while ((item = fy_node_sequence_iterate(seq, &iter))) {
		ret = ld_text(ld, item, key, "a node name", ctx, name,
			      sizeof(name));
		if (ret < 0)
			return ret;
		if (ld_find_tun(ld, name) >= 0)
			return ld_fail(
			    ld, item, NULL, 0,
			    "'%s' %s is a TUN device (a LAN holds routers and hosts; a TUN device shares its link through its own 'lan' under 'tun')",
			    name, ctx);
		node = ld_link_end(ld, item, name, 0, ctx);
		if (node < 0)
			return node;
		for (i = 0; i < *n; i++) {
			if (out[i] != node)
				continue;
			if (i < given)
				return ld_fail(
				    ld, item, NULL, 0,
				    "'%s' %s is the device's router already ('lan' names the other nodes)",
				    name, ctx);
			return ld_fail(ld, item, NULL, 0,
				       "'%s' is named twice %s", name, ctx);
		}
		if (*n == max)
			return ld_fail(ld, item, NULL, 0,
				       "too many nodes %s (at most %d)", ctx,
				       max - given);
		out[(*n)++] = node;
	}
	return 0;
}

/* The lowest host addresses of @net/@plen, in order, that @taken[0..1]
 * do not have, into @out for @n nodes.  Returns -1 if they do not fit. */
static int ld_free_hosts(uint32_t net, uint8_t plen, const uint32_t taken[2],
			 uint32_t *out, int n)
{
	uint32_t last = net | ~ld_mask(plen); /* the broadcast address */
	uint32_t addr = net + 1;
	int i = 0;

	for (; i < n && addr < last; addr++)
		if (addr != taken[0] && addr != taken[1])
			out[i++] = addr;
	return i == n ? 0 : -1;
}

/* As ld_free_hosts() for IPv6, whose subnets are at least 2^1 big. */
static int ld_free_hosts6(const struct pkt_in6 *net, uint8_t plen,
			  const struct pkt_in6 taken[2], struct pkt_in6 *out,
			  int n)
{
	unsigned int size = plen >= 120 ? 1u << (128 - plen) : 256;
	unsigned int k = plen == 127 ? 0 : 1;
	int i = 0;

	for (; i < n && k < size; k++) {
		struct pkt_in6 addr = ld_host6(net, k);

		if (memcmp(addr.b, taken[0].b, 16) != 0 &&
		    memcmp(addr.b, taken[1].b, 16) != 0)
			out[i++] = addr;
	}
	return i == n ? 0 : -1;
}

/* Reads the 'lan' of a TUN device and gives its nodes addresses. */
static int ld_tun_lan(struct loader *ld, struct ld_tun_ctx *tc)
{
	struct ld_tun *tun = tc->tun;
	int members[TOPO_LAN_MAX_NODES] = { tun->router };
	int n = 1, i, ret;
	char buf[48];

	if (!tc->lan)
		return 0;
	/* The kernel is on the LAN too. */
	ret = ld_lan_members(ld, tc->lan, tc->lan_key, tc->ctx, members, &n,
			     TOPO_LAN_MAX_NODES - 1);
	if (ret < 0)
		return ret;
	if (n == 1)
		return ld_fail(
		    ld, tc->lan, tc->lan_key, 0,
		    "'lan' %s is empty (name the routers and hosts that share the device with '%s')",
		    tc->ctx, ld->nodes[tun->router].name);
	tun->n_lan = n - 1;
	for (i = 1; i < n; i++) {
		tun->lan[i - 1] = members[i];
		ld->nodes[members[i]].n_links++;
	}

	if (tun->plen == 0)
		return ld_fail(
		    ld, tc->lan_key, NULL, 0,
		    "'lan' %s needs 'address' with room for %d addresses (A.B.C.D/LEN; a /29 holds 6)",
		    tc->ctx, n + 1);
	{
		uint32_t taken[2] = { tun->address, tun->router_address };
		uint32_t net = tun->address & ld_mask(tun->plen);

		if (ld_free_hosts(net, tun->plen, taken, tun->lan_addr,
				  tun->n_lan) < 0)
			return ld_fail(
			    ld, tc->address, NULL, 0,
			    "subnet %s/%u %s has no room for the kernel, its router and the %d node%s of its 'lan'",
			    topo_format_ipv4(net, buf), tun->plen, tc->ctx,
			    tun->n_lan, tun->n_lan == 1 ? "" : "s");
	}
	if (tun->plen6) {
		struct pkt_in6 taken6[2] = { tun->address6,
					     tun->router_address6 };
		struct pkt_in6 net6 = ld_subnet6(&tun->address6, tun->plen6);

		if (ld_free_hosts6(&net6, tun->plen6, taken6, tun->lan_addr6,
				   tun->n_lan) < 0)
			return ld_fail(
			    ld, tc->address6, NULL, 0,
			    "subnet %s/%u %s has no room for the kernel, its router and the %d node%s of its 'lan'",
			    topo_format_ipv6(&net6, buf), tun->plen6, tc->ctx,
			    tun->n_lan, tun->n_lan == 1 ? "" : "s");
	}
	return 0;
}

static int ld_add_tun(struct loader *ld, struct fy_node *key,
		      struct fy_node *value)
{
	struct ld_tun_ctx tc = { 0 };
	char name[LD_TEXT_MAX];
	struct ld_tun *tun;
	int ret;

	ret =
	    ld_text(ld, key, NULL, "a TUN device name", "", name, sizeof(name));
	if (ret < 0)
		return ret;
	ret = ld_check_name(ld, key, name, TOPO_IFNAME_MAX, "TUN device");
	if (ret < 0)
		return ret;
	ret = ld_check_unique(ld, key, name);
	if (ret < 0)
		return ret;
	if (ld->n_tuns == LD_MAX_TUNS)
		return ld_fail(ld, key, NULL, 0,
			       "too many TUN devices (at most %d)",
			       LD_MAX_TUNS);

	tun = ld_push((void **)&ld->tuns, &ld->n_tuns, sizeof(*tun));
	if (!tun)
		return -ENOMEM;
	strcpy(tun->name, name);
	ld_locate(ld, key, &tun->line, &tun->column);
	tun->mtu = TOPO_DEFAULT_MTU;
	/* By default the kernel routes the topology into the first TUN. */
	tun->routes_all = ld->n_tuns == 1;
	tc.tun = tun;
	snprintf(tc.ctx, sizeof(tc.ctx), "in tun %s", tun->name);

	if (ld_is_null(value))
		return ld_fail(
		    ld, key, NULL, 0,
		    "missing router %s (write '%s: ROUTER' or '%s: { router: ROUTER }')",
		    tc.ctx, name, name);
	if (ld_is_scalar(value)) {
		tc.router = value;
	} else {
		if (fy_node_get_type(value) != FYNT_MAPPING)
			return ld_fail(
			    ld, value, key, 0,
			    "expected a router name or a mapping %s, found %s",
			    tc.ctx, ld_type_name(value));
		ret = ld_each_pair(ld, value, ld_tun_keys, tc.ctx,
				   ld_tun_setting, &tc);
		if (ret < 0)
			return ret;
		if (!tc.router)
			return ld_fail(ld, value, key, 0, "missing 'router' %s",
				       tc.ctx);
	}
	ret = ld_tun_router(ld, &tc, key);
	if (ret < 0)
		return ret;
	ret = ld_tun_addresses(ld, &tc);
	if (ret < 0)
		return ret;
	ret = ld_tun_addresses6(ld, &tc);
	if (ret < 0)
		return ret;
	return ld_tun_lan(ld, &tc);
}

/*
 * Rejects 'routes: all' on a second TUN device: the kernel would route
 * every link subnet into both, and only one route per prefix can exist.
 */
static int ld_check_routes_all(struct loader *ld)
{
	int i, first = -1;

	for (i = 0; i < ld->n_tuns; i++) {
		if (!ld->tuns[i].routes_all)
			continue;
		if (first < 0) {
			first = i;
			continue;
		}
		if (ld->tuns[i].routes)
			return ld_fail(
			    ld, ld->tuns[i].routes, NULL, 0,
			    "'routes: all' in tun %s: tun %s routes the topology already, and only one device may (give one of them 'routes: none')",
			    ld->tuns[i].name, ld->tuns[first].name);
		return ld_fail(
		    ld, ld->tuns[first].routes, NULL, 0,
		    "'routes: all' in tun %s: tun %s routes the topology too (only one device may)",
		    ld->tuns[first].name, ld->tuns[i].name);
	}
	return 0;
}

static int ld_parse_tuns(struct loader *ld, struct fy_node *section,
			 struct fy_node *key)
{
	struct fy_node_pair *pair;
	void *iter = NULL;
	int ret;

	if (ld_is_null(section))
		return 0;
	ret = ld_expect(ld, section, key, FYNT_MAPPING, "'tun'", "");
	if (ret < 0)
		return ret;

	while ((pair = fy_node_mapping_iterate(section, &iter))) {
		ret = ld_add_tun(ld, fy_node_pair_key(pair),
				 fy_node_pair_value(pair));
		if (ret < 0)
			return ret;
	}
	return ld_check_routes_all(ld);
}

/* Links. */

/* The settings of a link direction that the file does not change. */
static struct topo_impair ld_default_impair(void)
{
	return (struct topo_impair){ .queue_limit = TOPO_DEFAULT_QUEUE_LIMIT };
}

/*
 * The target of a link's settings: a link being loaded, or the running
 * copy of a link that a timeline 'set' changes.  With @timeline true the
 * keys that cannot change are rejected.
 */
struct ld_link_ctx {
	struct ld_link *link; /* NULL on the timeline */
	bool timeline;
	struct topo_impair *dir; /* dir[0] from ends[0], dir[1] back */
	uint32_t *mtu;
	bool *down;
	const char *ends[2];
	/* Link keys, then end names (a LAN's 'lan' and node names), NULL. */
	const char *keys[LD_N_LINK_KEYS + TOPO_LAN_MAX_NODES + 2];
	bool lan;
	int n_ends;		    /* of the link's addresses */
	struct ld_pair blocks[2];   /* the direction block of each end */
	char label[LD_TEXT_MAX];    /* "A -- B" */
	char ctx[LD_TEXT_MAX + 64]; /* "in link A -- B" */
	struct fy_node *subnet;
	struct fy_node *subnet_key;
	struct fy_node *addresses;
	struct fy_node *addresses_key;
	struct fy_node *subnet6;
	struct fy_node *subnet6_key;
	struct fy_node *addresses6;
	struct fy_node *addresses6_key;
};

static void ld_link_ctx_init(struct ld_link_ctx *lc, const char *a,
			     const char *b)
{
	int i;

	for (i = 0; i < LD_N_LINK_KEYS; i++)
		lc->keys[i] = ld_link_keys[i];
	lc->ends[0] = a;
	lc->ends[1] = b;
	lc->keys[LD_N_LINK_KEYS] = a;
	lc->keys[LD_N_LINK_KEYS + 1] = b;
	lc->keys[LD_N_LINK_KEYS + 2] = NULL;
	lc->n_ends = 2;
	snprintf(lc->label, sizeof(lc->label), "%s -- %s", a, b);
}

/*
 * As ld_link_ctx_init() for a LAN of the @n_ends nodes named @names, which
 * has no direction blocks: a node's name as a key gets its own message.
 * @lan_key adds 'lan' to the keys.
 */
static void ld_lan_ctx_init(struct ld_link_ctx *lc, const char *label,
			    const char *const *names, int n_ends, bool lan_key)
{
	int i, n = LD_N_LINK_KEYS;

	for (i = 0; i < LD_N_LINK_KEYS; i++)
		lc->keys[i] = ld_link_keys[i];
	if (lan_key)
		lc->keys[n++] = "lan";
	for (i = 0; i < n_ends; i++)
		lc->keys[n++] = names[i];
	lc->keys[n] = NULL;
	lc->lan = true;
	lc->ends[0] = NULL;
	lc->ends[1] = NULL;
	lc->n_ends = n_ends;
	snprintf(lc->label, sizeof(lc->label), "%s", label);
}

/* Gilbert-Elliott settings as the 'loss' mapping writes them. */
struct ld_ge {
	const char *ctx;
	bool model;
	bool has_p;
	bool has_r;
	uint32_t p;
	uint32_t r;
	uint32_t good;
	uint32_t bad;
};

static int ld_ge_setting(struct loader *ld, const struct ld_pair *pair,
			 void *data)
{
	static const char *const models[] = { "gilbert-elliott", NULL };
	struct ld_ge *ge = data;
	int model;

	if (strcmp(pair->name, "model") == 0) {
		ge->model = true;
		return ld_get_choice(
		    ld, pair, pair->value, ge->ctx, models,
		    "'gilbert-elliott'; write independent loss as 'loss: N%'",
		    &model);
	}
	if (strcmp(pair->name, "p") == 0) {
		ge->has_p = true;
		return ld_get_percent(ld, pair, pair->value, ge->ctx, &ge->p);
	}
	if (strcmp(pair->name, "r") == 0) {
		ge->has_r = true;
		return ld_get_percent(ld, pair, pair->value, ge->ctx, &ge->r);
	}
	if (strcmp(pair->name, "loss-good") == 0)
		return ld_get_percent(ld, pair, pair->value, ge->ctx,
				      &ge->good);
	return ld_get_percent(ld, pair, pair->value, ge->ctx, &ge->bad);
}

/* Reads 'loss': a percentage, or a Gilbert-Elliott mapping. */
static int ld_parse_loss(struct loader *ld, const struct ld_pair *pair,
			 const char *ctx, struct topo_impair *d)
{
	char inner[LD_TEXT_MAX + 80];
	struct ld_ge ge = { .ctx = inner, .bad = TOPO_PPM };
	const char *missing;
	int ret;

	if (ld_is_null(pair->value) ||
	    fy_node_get_type(pair->value) != FYNT_MAPPING) {
		ret = ld_get_percent(ld, pair, pair->value, ctx, &d->loss_ppm);
		if (ret == 0)
			d->loss_model = TOPO_LOSS_RANDOM;
		return ret;
	}
	snprintf(inner, sizeof(inner), "in 'loss' of %s", ctx + 3);
	ret = ld_each_pair(ld, pair->value, ld_loss_keys, inner, ld_ge_setting,
			   &ge);
	if (ret < 0)
		return ret;
	missing = !ge.model   ? "model: gilbert-elliott"
		  : !ge.has_p ? "p"
		  : !ge.has_r ? "r"
			      : NULL;
	if (missing)
		return ld_fail(
		    ld, pair->value, pair->key, 0,
		    "missing '%s' %s (write 'loss: { model: gilbert-elliott, p: 1%%, r: 30%% }', p from good to bad, r back)",
		    missing, inner);
	d->loss_model = TOPO_LOSS_GILBERT_ELLIOTT;
	d->loss_ppm = 0;
	d->ge_p_ppm = ge.p;
	d->ge_r_ppm = ge.r;
	d->ge_loss_good_ppm = ge.good;
	d->ge_loss_bad_ppm = ge.bad;
	return 0;
}

/* Applies one key of LD_IMPAIR_KEYS to the direction @d. */
static int ld_impair_setting(struct loader *ld, const struct ld_pair *pair,
			     const char *ctx, struct topo_impair *d)
{
	static const char *const dists[] = { "uniform", "normal", NULL };
	static const char *const states[] = { "up", "down", NULL };
	const char *name = pair->name;
	int index, ret;

	if (strcmp(name, "delay") == 0)
		return ld_get_duration(ld, pair, ctx, &d->delay_us);
	if (strcmp(name, "jitter") == 0)
		return ld_get_duration(ld, pair, ctx, &d->jitter_us);
	if (strcmp(name, "distribution") == 0) {
		ret = ld_get_choice(ld, pair, pair->value, ctx, dists,
				    "'uniform' or 'normal'", &index);
		d->jitter_dist = (enum topo_jitter_dist)index;
		return ret;
	}
	if (strcmp(name, "jitter-reorder") == 0)
		return ld_get_bool(ld, pair, pair->value, ctx,
				   &d->allow_reorder);
	if (strcmp(name, "loss") == 0)
		return ld_parse_loss(ld, pair, ctx, d);
	if (strcmp(name, "duplicate") == 0)
		return ld_get_percent(ld, pair, pair->value, ctx,
				      &d->duplicate_ppm);
	if (strcmp(name, "reorder") == 0)
		return ld_get_percent(ld, pair, pair->value, ctx,
				      &d->reorder_ppm);
	if (strcmp(name, "corrupt") == 0)
		return ld_get_percent(ld, pair, pair->value, ctx,
				      &d->corrupt_ppm);
	if (strcmp(name, "rate") == 0)
		return ld_get_rate(ld, pair, pair->value, ctx, &d->rate_bps);
	if (strcmp(name, "queue") == 0)
		return ld_get_uint(ld, pair, pair->value, ctx, 1, 100000,
				   &d->queue_limit);
	ret = ld_get_choice(ld, pair, pair->value, ctx, states,
			    "'up' or 'down'", &index);
	d->down = index == 1;
	return ret;
}

/* One direction block: the direction it fills, and its context. */
struct ld_dir_ctx {
	struct topo_impair *dir;
	char ctx[LD_TEXT_MAX + 128]; /* "in link A -- B, direction A -> B" */
};

static int ld_dir_setting(struct loader *ld, const struct ld_pair *pair,
			  void *data)
{
	struct ld_dir_ctx *dc = data;

	return ld_impair_setting(ld, pair, dc->ctx, dc->dir);
}

/* Rejects a key that a timeline 'set' cannot change. */
static int ld_fixed_key(struct loader *ld, const struct ld_pair *pair,
			const char *ctx, const char *hint)
{
	return ld_fail(ld, pair->key, NULL, 0,
		       "'%s' %s cannot change on the timeline%s", pair->name,
		       ctx, hint);
}

static int ld_link_setting(struct loader *ld, const struct ld_pair *pair,
			   void *data)
{
	static const char *const states[] = { "up", "down", NULL };
	struct ld_link_ctx *lc = data;
	const char *name = pair->name;
	int i, index, ret;

	if (strcmp(name, "lan") == 0)
		return 0; /* the members, read by ld_add_lan() */
	for (i = LD_N_LINK_KEYS; lc->lan && lc->keys[i]; i++)
		if (name == lc->keys[i])
			return ld_fail(
			    ld, pair->key, NULL, 0,
			    "'%s' %s is a node of the LAN: a LAN has no direction blocks (write the settings at LAN level, for every node)",
			    name, lc->ctx);
	for (i = 0; i < 2; i++) {
		if (!lc->ends[i] || name != lc->ends[i])
			continue;
		lc->blocks[i] = *pair;
		if (ld_is_null(pair->value))
			return 0;
		return ld_expect(ld, pair->value, pair->key, FYNT_MAPPING,
				 "a direction block", lc->ctx);
	}
	if (strcmp(name, "mtu") == 0)
		return ld_get_uint(ld, pair, pair->value, lc->ctx, 68, 65535,
				   lc->mtu);
	if (lc->timeline && strcmp(name, "state") == 0)
		return ld_fail(
		    ld, pair->key, NULL, 0,
		    "'state' %s cannot change the link's state (write 'state: down' or 'state: up' as the event's action, or 'state' in a direction block for one direction)",
		    lc->ctx);
	if (lc->timeline &&
	    (strcmp(name, "cost") == 0 || strcmp(name, "subnet") == 0 ||
	     strcmp(name, "addresses") == 0 || strcmp(name, "subnet6") == 0 ||
	     strcmp(name, "addresses6") == 0))
		return ld_fixed_key(ld, pair, lc->ctx, "");
	if (strcmp(name, "state") == 0) {
		ret = ld_get_choice(ld, pair, pair->value, lc->ctx, states,
				    "'up' or 'down'", &index);
		*lc->down = index == 1;
		return ret;
	}
	if (strcmp(name, "cost") == 0)
		return ld_get_uint(ld, pair, pair->value, lc->ctx, 1, 65535,
				   &lc->link->cost);
	if (strcmp(name, "subnet") == 0) {
		lc->subnet = pair->value;
		lc->subnet_key = pair->key;
		return 0;
	}
	if (strcmp(name, "addresses") == 0) {
		lc->addresses = pair->value;
		lc->addresses_key = pair->key;
		return ld_expect(ld, pair->value, pair->key, FYNT_SEQUENCE,
				 "'addresses'", lc->ctx);
	}
	if (strcmp(name, "subnet6") == 0) {
		lc->subnet6 = pair->value;
		lc->subnet6_key = pair->key;
		return 0;
	}
	if (strcmp(name, "addresses6") == 0) {
		lc->addresses6 = pair->value;
		lc->addresses6_key = pair->key;
		return ld_expect(ld, pair->value, pair->key, FYNT_SEQUENCE,
				 "'addresses6'", lc->ctx);
	}
	/* A link-level setting applies to both directions. */
	ret = ld_impair_setting(ld, pair, lc->ctx, &lc->dir[0]);
	if (ret < 0)
		return ret;
	return ld_impair_setting(ld, pair, lc->ctx, &lc->dir[1]);
}

/*
 * Applies the settings mapping @settings to @lc: link-level keys first,
 * then each direction block, which overrides them for packets that its
 * end sends.
 */
static int ld_link_settings(struct loader *ld, struct fy_node *settings,
			    struct ld_link_ctx *lc)
{
	int i, ret;

	ret =
	    ld_each_pair(ld, settings, lc->keys, lc->ctx, ld_link_setting, lc);
	if (ret < 0)
		return ret;

	for (i = 0; i < 2; i++) {
		struct ld_dir_ctx dc = { .dir = &lc->dir[i] };

		if (!lc->blocks[i].key || ld_is_null(lc->blocks[i].value))
			continue;
		snprintf(dc.ctx, sizeof(dc.ctx), "%s, direction %s -> %s",
			 lc->ctx, lc->ends[i], lc->ends[1 - i]);
		ret = ld_each_pair(ld, lc->blocks[i].value, ld_dir_keys, dc.ctx,
				   ld_dir_setting, &dc);
		if (ret < 0)
			return ret;
	}
	return 0;
}

/* Fails unless the sequence @seq of @what has one item per end. */
static int ld_count_addresses(struct loader *ld, const struct ld_link_ctx *lc,
			      struct fy_node *seq, struct fy_node *key,
			      const char *what)
{
	int n = fy_node_sequence_item_count(seq);

	if (n == lc->n_ends)
		return 0;
	if (lc->n_ends == 2)
		return ld_fail(
		    ld, seq, key, 0,
		    "'%s' %s needs exactly two addresses, one per end, found %d",
		    what, lc->ctx, n);
	return ld_fail(ld, seq, key, 0,
		       "'%s' %s needs %d addresses, one per node, found %d",
		       what, lc->ctx, lc->n_ends, n);
}

/* Reports that the nodes at @i and @j of a link have address @text. */
static int ld_address_conflict(struct loader *ld, const struct ld_link_ctx *lc,
			       struct fy_node *item, int i, int j,
			       const char *text)
{
	const struct ld_link *link = lc->link;

	if (lc->n_ends == 2)
		return ld_fail(
		    ld, item, NULL, 0,
		    "address conflict: both ends of link %s have address '%s'",
		    lc->label, text);
	return ld_fail(
	    ld, item, NULL, 0,
	    "address conflict: '%s' and '%s' of %s both have address '%s'",
	    ld->nodes[link->end[j]].name, ld->nodes[link->end[i]].name,
	    lc->label, text);
}

/* Reads the 'addresses' of a link, in the 'subnet' if there is one. */
static int ld_link_addresses(struct loader *ld, struct ld_link_ctx *lc)
{
	struct ld_link *link = lc->link;
	struct fy_node *items[TOPO_LAN_MAX_NODES] = { NULL };
	int plens[TOPO_LAN_MAX_NODES];
	char texts[TOPO_LAN_MAX_NODES][LD_TEXT_MAX];
	int i, j, ret;

	ret = ld_count_addresses(ld, lc, lc->addresses, lc->addresses_key,
				 "addresses");
	if (ret < 0)
		return ret;

	for (i = 0; i < lc->n_ends; i++) {
		items[i] = fy_node_sequence_get_by_index(lc->addresses, i);
		ret = ld_text(ld, items[i], lc->addresses_key, "an address",
			      lc->ctx, texts[i], sizeof(texts[i]));
		if (ret < 0)
			return ret;
		if (ld_parse_cidr(texts[i], &link->addr[i], &plens[i]) < 0 ||
		    (plens[i] >= 0 && (plens[i] < 1 || plens[i] > 30)))
			return ld_fail(
			    ld, items[i], NULL, 0,
			    "invalid address '%s' %s (expected A.B.C.D, or A.B.C.D/LEN with LEN 1..30)",
			    texts[i], lc->ctx);
	}

	if (link->plen == 0) {
		/* No subnet: it comes from the /LEN of the addresses. */
		int plen = -1;

		for (i = 0; i < lc->n_ends && plen < 0; i++)
			plen = plens[i];

		if (plen < 0)
			return ld_fail(
			    ld, items[0], NULL, 0,
			    "address '%s' %s needs a prefix length (A.B.C.D/LEN), or give the link a 'subnet'",
			    texts[0], lc->ctx);
		link->plen = (uint8_t)plen;
	}

	for (i = 0; i < lc->n_ends; i++) {
		uint32_t net = link->addr[0] & ld_mask(link->plen);
		char buf[16];

		if ((plens[i] >= 0 && plens[i] != link->plen) ||
		    (link->addr[i] & ld_mask(link->plen)) != net)
			return ld_fail(
			    ld, items[i], NULL, 0,
			    "address '%s' %s is outside the subnet %s/%u",
			    texts[i], lc->ctx, topo_format_ipv4(net, buf),
			    link->plen);
		ret = ld_check_host_addr(ld, items[i], texts[i], link->addr[i],
					 link->plen, lc->ctx);
		if (ret < 0)
			return ret;
	}
	for (i = 1; i < lc->n_ends; i++)
		for (j = 0; j < i; j++)
			if (link->addr[i] == link->addr[j])
				return ld_address_conflict(ld, lc, items[i], i,
							   j, texts[i]);
	return 0;
}

static int ld_link_subnet(struct loader *ld, struct ld_link_ctx *lc)
{
	struct ld_link *link = lc->link;
	uint32_t net = 0;
	int ret;

	if (lc->subnet) {
		ret = ld_get_subnet(ld, lc->subnet, lc->subnet_key, "subnet",
				    lc->ctx, &net, &link->plen);
		if (ret < 0)
			return ret;
	}
	if (lc->addresses)
		return ld_link_addresses(ld, lc);
	if (lc->subnet) {
		uint32_t none[2] = { 0, 0 };
		char buf[16];

		if (ld_free_hosts(net, link->plen, none, link->addr,
				  lc->n_ends) < 0)
			return ld_fail(
			    ld, lc->subnet, lc->subnet_key, 0,
			    "subnet %s/%u %s has room for fewer than %d addresses",
			    topo_format_ipv4(net, buf), link->plen, lc->ctx,
			    lc->n_ends);
	}
	return 0;
}

/* Reads one item of 'addresses6': an IPv6 address, maybe with /LEN. */
static int ld_link_address6(struct loader *ld, struct ld_link_ctx *lc,
			    struct fy_node *item, char *text, size_t size,
			    struct pkt_in6 *addr, int *plen)
{
	int ret;

	ret = ld_text(ld, item, lc->addresses6_key, "an address", lc->ctx, text,
		      size);
	if (ret < 0)
		return ret;
	if (ld_parse_cidr6(text, addr, plen) < 0 ||
	    (*plen >= 0 && (*plen < 64 || *plen > 127)))
		return ld_fail(
		    ld, item, NULL, 0,
		    "invalid address '%s' %s (expected an IPv6 address, or ADDRESS/LEN with LEN 64..127)",
		    text, lc->ctx);
	return 0;
}

/* Reads the 'addresses6' of a link, in 'subnet6' if there is one. */
static int ld_link_addresses6(struct loader *ld, struct ld_link_ctx *lc)
{
	struct ld_link *link = lc->link;
	struct fy_node *items[TOPO_LAN_MAX_NODES];
	char texts[TOPO_LAN_MAX_NODES][LD_TEXT_MAX], buf[48];
	struct pkt_in6 net;
	int plens[TOPO_LAN_MAX_NODES], i, j, ret;

	ret = ld_count_addresses(ld, lc, lc->addresses6, lc->addresses6_key,
				 "addresses6");
	if (ret < 0)
		return ret;
	for (i = 0; i < lc->n_ends; i++) {
		items[i] = fy_node_sequence_get_by_index(lc->addresses6, i);
		ret = ld_link_address6(ld, lc, items[i], texts[i],
				       sizeof(texts[i]), &link->addr6[i],
				       &plens[i]);
		if (ret < 0)
			return ret;
	}

	if (link->plen6 == 0) {
		/* No subnet6: it comes from the /LEN of the addresses. */
		int plen = -1;

		for (i = 0; i < lc->n_ends && plen < 0; i++)
			plen = plens[i];

		if (plen < 0)
			return ld_fail(
			    ld, items[0], NULL, 0,
			    "address '%s' %s needs a prefix length (ADDRESS/LEN), or give the link a 'subnet6'",
			    texts[0], lc->ctx);
		link->plen6 = (uint8_t)plen;
	}

	net = ld_subnet6(&link->addr6[0], link->plen6);
	for (i = 0; i < lc->n_ends; i++) {
		if ((plens[i] >= 0 && plens[i] != link->plen6) ||
		    !ld_in_prefix6(&link->addr6[i], &net, link->plen6))
			return ld_fail(
			    ld, items[i], NULL, 0,
			    "address '%s' %s is outside the subnet %s/%u",
			    texts[i], lc->ctx, topo_format_ipv6(&net, buf),
			    link->plen6);
		ret =
		    ld_check_host_addr6(ld, items[i], texts[i], &link->addr6[i],
					link->plen6, lc->ctx);
		if (ret < 0)
			return ret;
	}
	for (i = 1; i < lc->n_ends; i++)
		for (j = 0; j < i; j++)
			if (memcmp(link->addr6[i].b, link->addr6[j].b, 16) == 0)
				return ld_address_conflict(ld, lc, items[i], i,
							   j, texts[i]);
	return 0;
}

/* Reads 'subnet6' and 'addresses6' of a link. */
static int ld_link_subnet6(struct loader *ld, struct ld_link_ctx *lc)
{
	struct fy_node *key =
	    lc->subnet6 ? lc->subnet6_key : lc->addresses6_key;
	const char *what = lc->subnet6 ? "'subnet6'" : "'addresses6'";
	struct ld_link *link = lc->link;
	struct pkt_in6 net, none[2] = { 0 };
	char buf[48];
	int ret;

	if (!lc->subnet6 && !lc->addresses6)
		return 0;
	ret = ld_check_ipv6_on(ld, key, what, lc->ctx);
	if (ret < 0)
		return ret;
	if (link->mtu < PKT_IPV6_MIN_MTU)
		return ld_fail(
		    ld, key, NULL, 0,
		    "%s %s needs an mtu of at least %d, the IPv6 minimum, not %u",
		    what, lc->ctx, PKT_IPV6_MIN_MTU, link->mtu);
	if (lc->subnet6) {
		ret = ld_get_subnet6(ld, lc->subnet6, lc->subnet6_key,
				     "subnet6", lc->ctx, &net, &link->plen6);
		if (ret < 0)
			return ret;
	}
	if (lc->addresses6)
		return ld_link_addresses6(ld, lc);
	/* ::1, ::2, ..., or both addresses of a /127. */
	if (ld_free_hosts6(&net, link->plen6, none, link->addr6, lc->n_ends) <
	    0)
		return ld_fail(
		    ld, lc->subnet6, lc->subnet6_key, 0,
		    "subnet6 %s/%u %s has room for fewer than %d addresses",
		    topo_format_ipv6(&net, buf), link->plen6, lc->ctx,
		    lc->n_ends);
	return 0;
}

/* Finds the node that end @word of a link names. */
static int ld_link_end(struct loader *ld, struct fy_node *key, const char *word,
		       int offset, const char *ctx)
{
	int node = ld_find_node(ld, word);

	if (node >= 0)
		return node;
	if (ld_find_tun(ld, word) >= 0)
		return ld_fail(
		    ld, key, NULL, offset,
		    "'%s' %s is a TUN device (attach it under 'tun' with 'router: NAME')",
		    word, ctx);
	return ld_fail(ld, key, NULL, offset, "unknown node '%s' %s", word,
		       ctx);
}

/* Splits "A -- B" into its two names and their offsets. */
static int ld_split_link(char *text, char *ends[2], int offsets[2])
{
	char *words[4];
	int n = 0;
	char *p = text;

	while (*p && n < 4) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			break;
		words[n++] = p;
		while (*p && *p != ' ' && *p != '\t')
			p++;
		if (*p)
			*p++ = '\0';
	}
	if (n != 3 || strcmp(words[1], "--") != 0)
		return -EINVAL;
	ends[0] = words[0];
	ends[1] = words[2];
	offsets[0] = (int)(words[0] - text);
	offsets[1] = (int)(words[2] - text);
	return 0;
}

static int ld_add_link(struct loader *ld, struct fy_node *key,
		       struct fy_node *settings)
{
	struct ld_link_ctx lc = { 0 };
	char text[LD_TEXT_MAX], words[LD_TEXT_MAX];
	char *ends[2];
	int offsets[2], i, ret;
	struct ld_link *link;

	ret = ld_text(ld, key, NULL, "a link", "", text, sizeof(text));
	if (ret < 0)
		return ret;
	strcpy(words, text);
	if (ld_split_link(words, ends, offsets) < 0)
		return ld_fail(
		    ld, key, NULL, 0,
		    "invalid link '%s' (write it as 'A -- B', with spaces around '--')",
		    text);
	ld_link_ctx_init(&lc, ends[0], ends[1]);
	snprintf(lc.ctx, sizeof(lc.ctx), "in link %s", lc.label);

	link = ld_push((void **)&ld->links, &ld->n_links, sizeof(*link));
	if (!link)
		return -ENOMEM;
	lc.link = link;
	lc.dir = link->dir;
	lc.mtu = &link->mtu;
	lc.down = &link->down;
	link->dir[0] = ld_default_impair();
	link->dir[1] = ld_default_impair();
	link->mtu = TOPO_DEFAULT_MTU;
	link->cost = 1;
	link->n_ends = 2;
	snprintf(link->label, sizeof(link->label), "%s", lc.label);
	ld_locate(ld, key, &link->line, &link->column);

	for (i = 0; i < 2; i++) {
		ret = ld_link_end(ld, key, ends[i], offsets[i], lc.ctx);
		if (ret < 0)
			return ret;
		link->end[i] = ret;
	}
	if (link->end[0] == link->end[1])
		return ld_fail(ld, key, NULL, offsets[1],
			       "link %s connects '%s' to itself", lc.label,
			       ends[0]);
	ld->nodes[link->end[0]].n_links++;
	ld->nodes[link->end[1]].n_links++;

	if (ld_is_null(settings))
		return 0;
	ret =
	    ld_expect(ld, settings, key, FYNT_MAPPING, "the settings", lc.ctx);
	if (ret < 0)
		return ret;
	ret = ld_link_settings(ld, settings, &lc);
	if (ret < 0)
		return ret;
	ret = ld_link_subnet(ld, &lc);
	if (ret < 0)
		return ret;
	return ld_link_subnet6(ld, &lc);
}

/* Adds the LAN that the mapping @item, with its key 'lan', describes. */
static int ld_add_lan(struct loader *ld, struct fy_node *item)
{
	struct fy_node *members =
	    fy_node_mapping_lookup_by_string(item, "lan", 3);
	struct fy_node *key =
	    fy_node_mapping_lookup_key_by_string(item, "lan", 3);
	const char *names[TOPO_LAN_MAX_NODES];
	struct ld_link_ctx lc = { 0 };
	struct ld_link *link;
	size_t used;
	int i, ret;

	ret = ld_expect(ld, members, key, FYNT_SEQUENCE, "'lan'", "in 'links'");
	if (ret < 0)
		return ret;
	link = ld_push((void **)&ld->links, &ld->n_links, sizeof(*link));
	if (!link)
		return -ENOMEM;
	link->lan = true;
	link->dir[0] = ld_default_impair();
	link->dir[1] = ld_default_impair();
	link->mtu = TOPO_DEFAULT_MTU;
	link->cost = 1;
	ld_locate(ld, key, &link->line, &link->column);
	ret = ld_lan_members(ld, members, key, "in 'lan'", link->end,
			     &link->n_ends, TOPO_LAN_MAX_NODES);
	if (ret < 0)
		return ret;
	if (link->n_ends < 2)
		return ld_fail(ld, members, key, 0,
			       "'lan' needs at least two nodes, found %d",
			       link->n_ends);

	snprintf(link->label, sizeof(link->label), "lan %s",
		 ld->nodes[link->end[0]].name);
	for (i = 1; i < link->n_ends; i++) {
		used = strlen(link->label);
		snprintf(link->label + used, sizeof(link->label) - used, ", %s",
			 ld->nodes[link->end[i]].name);
	}
	for (i = 0; i < link->n_ends; i++)
		ld->nodes[link->end[i]].n_links++;

	for (i = 0; i < link->n_ends; i++)
		names[i] = ld->nodes[link->end[i]].name;
	ld_lan_ctx_init(&lc, link->label, names, link->n_ends, true);
	snprintf(lc.ctx, sizeof(lc.ctx), "in %s", link->label);
	lc.link = link;
	lc.dir = link->dir;
	lc.mtu = &link->mtu;
	lc.down = &link->down;
	ret = ld_link_settings(ld, item, &lc);
	if (ret < 0)
		return ret;
	ret = ld_link_subnet(ld, &lc);
	if (ret < 0)
		return ret;
	return ld_link_subnet6(ld, &lc);
}

static int ld_parse_link_item(struct loader *ld, struct fy_node *item)
{
	struct fy_node_pair *pair;
	int n;

	if (ld_is_scalar(item) && !ld_is_null(item))
		return ld_add_link(ld, item, NULL);
	if (ld_is_null(item) || fy_node_get_type(item) != FYNT_MAPPING)
		return ld_fail(
		    ld, item, NULL, 0,
		    "expected 'A -- B', 'A -- B: { settings }' or 'lan: [A, B, C]' in 'links', found %s",
		    ld_type_name(item));
	if (fy_node_mapping_lookup_by_string(item, "lan", 3) ||
	    fy_node_mapping_lookup_key_by_string(item, "lan", 3))
		return ld_add_lan(ld, item);

	n = fy_node_mapping_item_count(item);
	if (n != 1) {
		/* A common slip: settings indented as siblings of the link. */
		pair = fy_node_mapping_get_by_index(item, n > 1 ? 1 : 0);
		return ld_fail(
		    ld, pair ? fy_node_pair_key(pair) : item, item, 0,
		    "a link item must have one key 'A -- B', found %d (indent the settings under the link, or write 'A -- B: { key: value }')",
		    n);
	}
	pair = fy_node_mapping_get_by_index(item, 0);
	return ld_add_link(ld, fy_node_pair_key(pair),
			   fy_node_pair_value(pair));
}

/* Whether some TUN device has a 'lan'. */
static bool ld_any_tun_lan(const struct loader *ld)
{
	int i;

	for (i = 0; i < ld->n_tuns; i++)
		if (ld->tuns[i].n_lan > 0)
			return true;
	return false;
}

static int ld_parse_links(struct loader *ld, struct fy_node *section,
			  struct fy_node *key)
{
	struct fy_node *item;
	void *iter = NULL;
	int ret;

	ret = ld_expect(ld, section, key, FYNT_SEQUENCE, "'links'", "");
	if (ret < 0)
		return ret;
	if (fy_node_sequence_item_count(section) == 0 && !ld_any_tun_lan(ld))
		return ld_fail(
		    ld, section, key, 0,
		    "'links' is empty (a topology needs at least one link)");

	while ((item = fy_node_sequence_iterate(section, &iter))) {
		ret = ld_parse_link_item(ld, item);
		if (ret < 0)
			return ret;
	}
	return 0;
}

static int ld_check_attached(struct loader *ld)
{
	int i;

	for (i = 0; i < ld->n_nodes; i++) {
		const struct ld_node *node = &ld->nodes[i];

		if (node->n_links == 0)
			return ld_fail_at(
			    ld, node->line, node->column,
			    "%s '%s' has no links (connect it in 'links')",
			    ld_kind_name(node->kind), node->name);
	}
	return 0;
}

/* Reads the top-level 'ipv6': whether the topology has IPv6 at all. */
static int ld_parse_ipv6(struct loader *ld, struct fy_node *key,
			 struct fy_node *value)
{
	struct ld_pair pair = { .key = key, .value = value, .name = "ipv6" };

	ld->ipv6 = true;
	if (!key)
		return 0;
	return ld_get_bool(ld, &pair, value, "at the top level", &ld->ipv6);
}

static int ld_parse_root(struct loader *ld, struct fy_node *root)
{
	struct fy_node *values[6] = { NULL }, *keys[6] = { NULL };
	struct fy_node_pair *pair;
	void *iter = NULL;
	int i, ret;

	if (ld_is_null(root))
		return ld_fail_at(
		    ld, 1, 1,
		    "empty topology file (expected 'tun', 'routers', 'hosts' and 'links')");
	if (fy_node_get_type(root) != FYNT_MAPPING)
		return ld_fail(ld, root, NULL, 0,
			       "expected a mapping at the top level, found %s",
			       ld_type_name(root));

	while ((pair = fy_node_mapping_iterate(root, &iter))) {
		struct fy_node *key = fy_node_pair_key(pair);
		char text[LD_TEXT_MAX];

		ret = ld_text(ld, key, root, "a key", "at the top level", text,
			      sizeof(text));
		if (ret < 0)
			return ret;
		for (i = 0; ld_root_keys[i] && strcmp(text, ld_root_keys[i]);
		     i++)
			;
		if (!ld_root_keys[i])
			return ld_unknown_key(ld, key, text, ld_root_keys,
					      "at the top level");
		keys[i] = key;
		values[i] = fy_node_pair_value(pair);
	}

	/* The IPv6 keys of every section depend on it. */
	ret = ld_parse_ipv6(ld, keys[5], values[5]);
	if (ret < 0)
		return ret;
	ret = ld_parse_nodes(ld, values[1], keys[1], TOPO_NODE_ROUTER);
	if (ret < 0)
		return ret;
	ret = ld_parse_nodes(ld, values[2], keys[2], TOPO_NODE_HOST);
	if (ret < 0)
		return ret;
	ret = ld_parse_tuns(ld, values[0], keys[0]);
	if (ret < 0)
		return ret;
	/* A TUN device shared by several nodes is a network of its own. */
	if (!keys[3] && !ld_any_tun_lan(ld))
		return ld_fail(
		    ld, root, NULL, 0,
		    "no 'links' in the topology (add a sequence such as 'links: [r1 -- r2]')");
	ret = keys[3] ? ld_parse_links(ld, values[3], keys[3]) : 0;
	if (ret < 0)
		return ret;
	/* Events name links and routes, so they are read once those exist. */
	ld->timeline = values[4];
	ld->timeline_key = keys[4];
	return ld_check_attached(ld);
}

/* The topology itself. */

static int ld_build_nodes(struct loader *ld, struct topology *topo)
{
	int i;

	topo->ipv6 = ld->ipv6;
	topo->n_nodes = ld->n_nodes + ld->n_tuns;
	topo->nodes = calloc((size_t)topo->n_nodes, sizeof(*topo->nodes));
	topo->n_tuns = ld->n_tuns;
	topo->tuns = calloc((size_t)topo->n_tuns + 1, sizeof(*topo->tuns));
	if (!topo->nodes || !topo->tuns)
		return -ENOMEM;

	for (i = 0; i < ld->n_nodes; i++) {
		const struct ld_node *from = &ld->nodes[i];
		struct topo_node *node = &topo->nodes[i];

		strcpy(node->name, from->name);
		node->kind = from->kind;
		node->n_ifaces = from->n_links;
		memcpy(node->tcp_open, from->tcp_open, sizeof(node->tcp_open));
		node->n_tcp_open = from->n_tcp_open;
		node->arp_timeout_us = from->arp_timeout_us;
		node->ttl = from->ttl;
		node->tun = -1;
		node->icmp = from->icmp;
		node->reasm_timeout_us = from->reasm_timeout_us;
		node->loopback_iface = -1;
		if (from->loopback || from->loopback6)
			node->n_ifaces++;
	}
	for (i = 0; i < ld->n_tuns; i++) {
		struct topo_node *node = &topo->nodes[ld->n_nodes + i];

		strcpy(node->name, ld->tuns[i].name);
		node->kind = TOPO_NODE_KERNEL;
		node->n_ifaces = 1;
		node->arp_timeout_us = TOPO_DEFAULT_ARP_TIMEOUT_US;
		node->ttl = TOPO_DEFAULT_TTL;
		node->tun = i;
		node->icmp = ld_default_icmp();
		node->reasm_timeout_us = TOPO_DEFAULT_REASM_TIMEOUT_US;
		node->loopback_iface = -1;

		strcpy(topo->tuns[i].name, ld->tuns[i].name);
		topo->tuns[i].kernel_node = ld->n_nodes + i;
		topo->tuns[i].mtu = ld->tuns[i].mtu;
		topo->tuns[i].routes_all = ld->tuns[i].routes_all;
	}
	return 0;
}

/* An interface address of each family; a prefix length of 0 for none. */
struct ld_addrs {
	uint32_t addr;
	uint8_t plen;
	struct pkt_in6 addr6;
	uint8_t plen6;
};

/* Adds the interface of @node on @link at the node's next free slot. */
static int ld_attach(struct topology *topo, int *used, int node, int link,
		     const struct ld_addrs *addrs)
{
	struct topo_node *n = &topo->nodes[node];
	int index = n->first_iface + used[node];
	struct topo_iface *iface = &topo->ifaces[index];

	if (n->kind == TOPO_NODE_KERNEL)
		strcpy(iface->name, n->name);
	else
		snprintf(iface->name, sizeof(iface->name), "eth%d", used[node]);
	iface->node = node;
	iface->link = link;
	iface->addr = addrs->plen ? addrs->addr : 0;
	iface->plen = addrs->plen;
	if (addrs->plen6) {
		iface->addr6 = addrs->addr6;
		iface->plen6 = addrs->plen6;
	}
	used[node]++;
	return index;
}

static void ld_connect(struct topology *topo, int link, int a, int b)
{
	topo->links[link].iface[0] = a;
	topo->links[link].iface[1] = b;
	topo->links[link].n_ifaces = 2;
	topo->ifaces[a].peer = b;
	topo->ifaces[b].peer = a;
}

/* Makes @link, whose iface[] is filled, a LAN of @n interfaces: none of
 * them has one peer. */
static void ld_make_lan(struct topology *topo, int link, int n)
{
	struct topo_link *l = &topo->links[link];
	int i;

	l->lan = true;
	l->n_ifaces = n;
	for (i = 0; i < n; i++)
		topo->ifaces[l->iface[i]].peer = -1;
}

/* Adds each router's loopback "lo" after its other interfaces. */
static void ld_attach_loopbacks(struct loader *ld, struct topology *topo,
				int *used)
{
	int i;

	for (i = 0; i < ld->n_nodes; i++) {
		const struct ld_node *n = &ld->nodes[i];
		struct ld_addrs addrs = {
			.addr = n->loopback_addr,
			.plen = n->loopback ? 32 : 0,
			.addr6 = n->loopback6_addr,
			.plen6 = n->loopback6 ? 128 : 0,
		};
		struct topo_iface *lo;
		int index;

		if (!n->loopback && !n->loopback6)
			continue;
		index = ld_attach(topo, used, i, -1, &addrs);
		lo = &topo->ifaces[index];
		strcpy(lo->name, "lo");
		lo->peer = -1;
		topo->nodes[i].loopback_iface = index;
	}
}

/* The subnet of TUN @i, as topo_assign_addresses() will give it. */
static void ld_tun_subnet(const struct ld_tun *tun, int i, uint32_t *net,
			  uint8_t *plen)
{
	if (tun->plen) {
		*net = tun->address & ld_mask(tun->plen);
		*plen = tun->plen;
	} else {
		*net = 0xc6120000u + 4u * (uint32_t)i; /* 198.18.0.(4i)/30 */
		*plen = 30;
	}
}

/*
 * Rejects a loopback address that another loopback has, or that lies in
 * the subnet of a TUN device or of a link written with an address.
 * Automatic link subnets skip the loopbacks.
 */
static int ld_check_loopback(struct loader *ld, int node)
{
	const struct ld_node *n = &ld->nodes[node];
	uint32_t lo = n->loopback_addr, net;
	char text[16], buf[16];
	uint8_t plen;
	int i;

	topo_format_ipv4(lo, text);
	for (i = 0; i < node; i++) {
		if (ld->nodes[i].loopback && ld->nodes[i].loopback_addr == lo)
			return ld_fail(
			    ld, n->loopback, NULL, 0,
			    "address conflict: loopback '%s' of router %s is already the loopback of router %s (line %d)",
			    text, n->name, ld->nodes[i].name,
			    ld->nodes[i].line);
	}
	for (i = 0; i < ld->n_tuns; i++) {
		ld_tun_subnet(&ld->tuns[i], i, &net, &plen);
		if ((lo & ld_mask(plen)) == net)
			return ld_fail(
			    ld, n->loopback, NULL, 0,
			    "address conflict: loopback '%s' of router %s is inside subnet %s/%u of tun %s (line %d)",
			    text, n->name, topo_format_ipv4(net, buf), plen,
			    ld->tuns[i].name, ld->tuns[i].line);
	}
	for (i = 0; i < ld->n_links; i++) {
		const struct ld_link *l = &ld->links[i];

		net = l->addr[0] & ld_mask(l->plen);
		if (l->plen == 0 || (lo & ld_mask(l->plen)) != net)
			continue;
		return ld_fail(
		    ld, n->loopback, NULL, 0,
		    "address conflict: loopback '%s' of router %s is inside subnet %s/%u of link %s (line %d)",
		    text, n->name, topo_format_ipv4(net, buf), l->plen,
		    l->label, l->line);
	}
	return 0;
}

/* Whether TUN @i gets IPv6, and its IPv6 subnet if so. */
static bool ld_tun_subnet6(const struct loader *ld, int i, struct pkt_in6 *net,
			   uint8_t *plen)
{
	const struct ld_tun *tun = &ld->tuns[i];

	if (tun->plen6) {
		*net = ld_subnet6(&tun->address6, tun->plen6);
		*plen = tun->plen6;
		return true;
	}
	if (!ld->ipv6 || tun->mtu < PKT_IPV6_MIN_MTU)
		return false;
	/* 2001:db8:0:i::/64, as topo_assign_addresses() gives it. */
	memset(net, 0, sizeof(*net));
	net->b[0] = 0x20;
	net->b[1] = 0x01;
	net->b[2] = 0x0d;
	net->b[3] = 0xb8;
	net->b[6] = (uint8_t)(i >> 8);
	net->b[7] = (uint8_t)i;
	*plen = 64;
	return true;
}

/*
 * As ld_check_loopback(), for loopback6: rejects an address that another
 * loopback6 has, or that lies in the IPv6 subnet of a TUN device or of a
 * link written with one.
 */
static int ld_check_loopback6(struct loader *ld, int node)
{
	const struct ld_node *n = &ld->nodes[node];
	const struct pkt_in6 *lo = &n->loopback6_addr;
	char text[48], buf[48];
	struct pkt_in6 net;
	uint8_t plen;
	int i;

	topo_format_ipv6(lo, text);
	for (i = 0; i < node; i++) {
		if (ld->nodes[i].loopback6 &&
		    memcmp(ld->nodes[i].loopback6_addr.b, lo->b, 16) == 0)
			return ld_fail(
			    ld, n->loopback6, NULL, 0,
			    "address conflict: loopback6 '%s' of router %s is already the loopback6 of router %s (line %d)",
			    text, n->name, ld->nodes[i].name,
			    ld->nodes[i].line);
	}
	for (i = 0; i < ld->n_tuns; i++) {
		if (!ld_tun_subnet6(ld, i, &net, &plen) ||
		    !ld_in_prefix6(lo, &net, plen))
			continue;
		return ld_fail(
		    ld, n->loopback6, NULL, 0,
		    "address conflict: loopback6 '%s' of router %s is inside subnet %s/%u of tun %s (line %d)",
		    text, n->name, topo_format_ipv6(&net, buf), plen,
		    ld->tuns[i].name, ld->tuns[i].line);
	}
	for (i = 0; i < ld->n_links; i++) {
		const struct ld_link *l = &ld->links[i];

		if (l->plen6 == 0 || !ld_in_prefix6(lo, &l->addr6[0], l->plen6))
			continue;
		net = ld_subnet6(&l->addr6[0], l->plen6);
		return ld_fail(
		    ld, n->loopback6, NULL, 0,
		    "address conflict: loopback6 '%s' of router %s is inside subnet %s/%u of link %s (line %d)",
		    text, n->name, topo_format_ipv6(&net, buf), l->plen6,
		    l->label, l->line);
	}
	return 0;
}

static int ld_check_loopbacks(struct loader *ld)
{
	int i, ret;

	for (i = 0; i < ld->n_nodes; i++) {
		ret = ld->nodes[i].loopback ? ld_check_loopback(ld, i) : 0;
		if (ret == 0 && ld->nodes[i].loopback6)
			ret = ld_check_loopback6(ld, i);
		if (ret < 0)
			return ret;
	}
	return 0;
}

/*
 * Builds links and interfaces.  TUN links come first, so a router's TUN
 * side is eth0, and each node's interfaces follow the order of its links.
 */
static int ld_build_links(struct loader *ld, struct topology *topo)
{
	int *used;
	int i, next = 0;

	topo->n_links = ld->n_tuns + ld->n_links;
	topo->links = calloc((size_t)topo->n_links, sizeof(*topo->links));
	used = calloc((size_t)topo->n_nodes, sizeof(*used));
	if (!topo->links || !used) {
		free(used);
		return -ENOMEM;
	}
	for (i = 0; i < topo->n_nodes; i++) {
		topo->nodes[i].first_iface = next;
		next += topo->nodes[i].n_ifaces;
	}
	/* Two interfaces per link, and one per loopback. */
	topo->n_ifaces = next;
	topo->ifaces = calloc((size_t)next + 1, sizeof(*topo->ifaces));
	if (!topo->ifaces) {
		free(used);
		return -ENOMEM;
	}

	for (i = 0; i < ld->n_tuns; i++) {
		const struct ld_tun *t = &ld->tuns[i];
		struct topo_link *link = &topo->links[i];
		struct ld_addrs kernel = { t->address, t->plen, t->address6,
					   t->plen6 };
		struct ld_addrs router = { t->router_address, t->plen,
					   t->router_address6, t->plen6 };
		int k, r, m;

		k = ld_attach(topo, used, ld->n_nodes + i, i, &kernel);
		r = ld_attach(topo, used, t->router, i, &router);
		ld_connect(topo, i, k, r);
		for (m = 0; m < t->n_lan; m++) {
			struct ld_addrs other = { t->lan_addr[m], t->plen,
						  t->lan_addr6[m], t->plen6 };

			link->iface[2 + m] =
			    ld_attach(topo, used, t->lan[m], i, &other);
		}
		if (t->n_lan > 0)
			ld_make_lan(topo, i, 2 + t->n_lan);
		topo->tuns[i].kernel_iface = k;
		topo->tuns[i].router_iface = r;
		link->dir[0] = ld_default_impair();
		link->dir[1] = ld_default_impair();
		link->mtu = t->mtu;
		link->cost = 1;
		link->line = t->line;
		link->column = t->column;
	}
	for (i = 0; i < ld->n_links; i++) {
		const struct ld_link *l = &ld->links[i];
		int index = ld->n_tuns + i;
		struct topo_link *link = &topo->links[index];
		int m;

		for (m = 0; m < l->n_ends; m++) {
			struct ld_addrs end = { l->addr[m], l->plen,
						l->addr6[m], l->plen6 };

			link->iface[m] =
			    ld_attach(topo, used, l->end[m], index, &end);
		}
		ld_connect(topo, index, link->iface[0], link->iface[1]);
		if (l->lan)
			ld_make_lan(topo, index, l->n_ends);
		link->dir[0] = l->dir[0];
		link->dir[1] = l->dir[1];
		link->mtu = l->mtu;
		link->cost = l->cost;
		link->down = l->down;
		link->line = l->line;
		link->column = l->column;
	}
	ld_attach_loopbacks(ld, topo, used);
	free(used);
	return 0;
}

/* Static routes. */

struct ld_route_ctx {
	int node;
	struct fy_node *item;
	char ctx[LD_TEXT_MAX + 64]; /* "in route '...' of router r1" */
};

static int ld_route_prefix(struct loader *ld, const struct ld_route_ctx *rc,
			   const char *word, int offset,
			   struct topo_route *route)
{
	uint32_t addr;
	char buf[16];
	int plen;

	if (strcmp(word, "default") == 0) {
		route->prefix = 0;
		route->plen = 0;
		return 0;
	}
	if (ld_parse_cidr(word, &addr, &plen) < 0)
		return ld_fail(
		    ld, rc->item, NULL, offset,
		    "invalid prefix '%s' %s (expected A.B.C.D/LEN, A.B.C.D or 'default')",
		    word, rc->ctx);
	if (plen < 0)
		plen = 32;
	if ((addr & ld_mask((uint8_t)plen)) != addr)
		return ld_fail(
		    ld, rc->item, NULL, offset,
		    "prefix '%s' %s has host bits set (did you mean '%s/%d'?)",
		    word, rc->ctx,
		    topo_format_ipv4(addr & ld_mask((uint8_t)plen), buf), plen);
	route->prefix = addr;
	route->plen = (uint8_t)plen;
	return 0;
}

/* Resolves a gateway address: the other end of one of the node's links. */
static int ld_route_via_addr(struct loader *ld, const struct ld_route_ctx *rc,
			     const char *word, int offset, uint32_t addr,
			     struct topo_route *route)
{
	const struct topology *topo = ld->topo;
	const struct topo_node *node = &topo->nodes[rc->node];
	int i, owner;

	for (i = node->first_iface; i < node->first_iface + node->n_ifaces;
	     i++) {
		const struct topo_iface *iface = &topo->ifaces[i];
		uint32_t mask = ld_mask(iface->plen);

		if ((addr & mask) == (iface->addr & mask))
			break;
	}
	if (i == node->first_iface + node->n_ifaces)
		return ld_fail(ld, rc->item, NULL, offset,
			       "gateway '%s' %s is not in a subnet of %s", word,
			       rc->ctx, node->name);
	if (topo->ifaces[i].addr == addr)
		return ld_fail(ld, rc->item, NULL, offset,
			       "gateway '%s' %s is an address of %s itself",
			       word, rc->ctx, node->name);
	owner = topo_addr_owner(topo, addr);
	if (owner < 0 || topo->ifaces[owner].link != topo->ifaces[i].link ||
	    topo->ifaces[i].link < 0)
		return ld_fail(
		    ld, rc->item, NULL, offset,
		    "gateway '%s' %s is not the address of a neighbour of %s (no interface has it)",
		    word, rc->ctx, node->name);
	route->iface = i;
	route->next_iface = owner;
	route->gateway = addr;
	return 0;
}

/* Resolves a neighbour's name to its address on the first shared link. */
static int ld_route_via_name(struct loader *ld, const struct ld_route_ctx *rc,
			     const char *word, int offset,
			     struct topo_route *route)
{
	const struct topology *topo = ld->topo;
	const struct topo_node *node = &topo->nodes[rc->node];
	int peer = topo_node_find(topo, word);
	int i;

	if (peer < 0)
		return ld_fail(ld, rc->item, NULL, offset,
			       "unknown node '%s' %s", word, rc->ctx);
	if (peer == rc->node)
		return ld_fail(ld, rc->item, NULL, offset,
			       "gateway '%s' %s is %s itself", word, rc->ctx,
			       node->name);
	for (i = node->first_iface; i < node->first_iface + node->n_ifaces;
	     i++) {
		int link = topo->ifaces[i].link;
		int other = link >= 0 ? topo_link_iface(topo, link, peer) : -1;

		if (other < 0)
			continue;
		route->iface = i;
		route->next_iface = other;
		route->gateway = topo->ifaces[other].addr;
		return 0;
	}
	return ld_fail(
	    ld, rc->item, NULL, offset,
	    "'%s' %s is not a neighbour of %s (no link connects them)", word,
	    rc->ctx, node->name);
}

/* A static route of either family, as one route string gives it. */
struct ld_route {
	bool is_ipv6;
	struct topo_route v4;
	struct topo_route6 v6;
};

/* Whether a route word is written in IPv6: only IPv6 has colons. */
static bool ld_is_ipv6_word(const char *word)
{
	return strchr(word, ':') != NULL;
}

/* Writes the prefix of @route as "PREFIX/LEN". */
static const char *ld_format_prefix(const struct ld_route *route, char *buf,
				    size_t size)
{
	char text[48];

	if (route->is_ipv6)
		snprintf(buf, size, "%s/%u",
			 topo_format_ipv6(&route->v6.prefix, text),
			 route->v6.plen);
	else
		snprintf(buf, size, "%s/%u",
			 topo_format_ipv4(route->v4.prefix, text),
			 route->v4.plen);
	return buf;
}

static int ld_route_prefix6(struct loader *ld, const struct ld_route_ctx *rc,
			    const char *word, int offset,
			    struct topo_route6 *route)
{
	struct pkt_in6 addr, masked;
	char buf[48];
	int plen;

	if (ld_parse_cidr6(word, &addr, &plen) < 0)
		return ld_fail(
		    ld, rc->item, NULL, offset,
		    "invalid prefix '%s' %s (expected an IPv6 PREFIX/LEN such as 2001:db8:99::/48, an IPv6 address, or ::/0)",
		    word, rc->ctx);
	if (!ld->ipv6)
		return ld_fail(
		    ld, rc->item, NULL, offset,
		    "IPv6 prefix '%s' %s needs IPv6, which 'ipv6: false' turns off",
		    word, rc->ctx);
	if (plen < 0)
		plen = 128;
	masked = ld_subnet6(&addr, (uint8_t)plen);
	if (memcmp(masked.b, addr.b, 16) != 0)
		return ld_fail(
		    ld, rc->item, NULL, offset,
		    "prefix '%s' %s has host bits set (did you mean '%s/%d'?)",
		    word, rc->ctx, topo_format_ipv6(&masked, buf), plen);
	route->prefix = addr;
	route->plen = (uint8_t)plen;
	return 0;
}

/* As ld_route_via_addr(), for an IPv6 gateway, global or link-local. */
static int ld_route_via_addr6(struct loader *ld, const struct ld_route_ctx *rc,
			      const char *word, int offset,
			      const struct pkt_in6 *addr,
			      struct topo_route6 *route)
{
	const struct topology *topo = ld->topo;
	const struct topo_node *node = &topo->nodes[rc->node];
	int owner = topo_addr6_owner(topo, addr);
	int link = owner >= 0 ? topo->ifaces[owner].link : -1;
	int peer = link >= 0 ? topo_link_iface(topo, link, rc->node) : -1;
	bool in_subnet = pkt6_addr_is_link_local(addr);
	int i;

	if (owner >= 0 && topo->ifaces[owner].node == rc->node)
		return ld_fail(ld, rc->item, NULL, offset,
			       "gateway '%s' %s is an address of %s itself",
			       word, rc->ctx, node->name);
	if (peer >= 0) {
		route->iface = peer;
		route->next_iface = owner;
		route->gateway = *addr;
		return 0;
	}
	for (i = node->first_iface; i < node->first_iface + node->n_ifaces;
	     i++) {
		const struct topo_iface *iface = &topo->ifaces[i];

		if (iface->plen6 != 0 &&
		    ld_in_prefix6(addr, &iface->addr6, iface->plen6))
			in_subnet = true;
	}
	if (!in_subnet)
		return ld_fail(ld, rc->item, NULL, offset,
			       "gateway '%s' %s is not in a subnet of %s", word,
			       rc->ctx, node->name);
	return ld_fail(
	    ld, rc->item, NULL, offset,
	    "gateway '%s' %s is not the address of a neighbour of %s (no interface has it)",
	    word, rc->ctx, node->name);
}

/* Resolves a neighbour's name to its global IPv6 address on the first
 * shared link that has IPv6. */
static int ld_route_via_name6(struct loader *ld, const struct ld_route_ctx *rc,
			      const char *word, int offset,
			      struct topo_route6 *route)
{
	const struct topology *topo = ld->topo;
	const struct topo_node *node = &topo->nodes[rc->node];
	int peer = topo_node_find(topo, word);
	bool joined = false;
	int i;

	if (peer < 0)
		return ld_fail(ld, rc->item, NULL, offset,
			       "unknown node '%s' %s", word, rc->ctx);
	if (peer == rc->node)
		return ld_fail(ld, rc->item, NULL, offset,
			       "gateway '%s' %s is %s itself", word, rc->ctx,
			       node->name);
	for (i = node->first_iface; i < node->first_iface + node->n_ifaces;
	     i++) {
		int link = topo->ifaces[i].link;
		int other = link >= 0 ? topo_link_iface(topo, link, peer) : -1;

		if (other < 0)
			continue;
		joined = true;
		if (topo->ifaces[other].plen6 == 0)
			continue;
		route->iface = i;
		route->next_iface = other;
		route->gateway = topo->ifaces[other].addr6;
		return 0;
	}
	if (joined)
		return ld_fail(
		    ld, rc->item, NULL, offset,
		    "'%s' %s shares no link with IPv6 with %s (a link with an mtu below 1280 has no IPv6)",
		    word, rc->ctx, node->name);
	return ld_fail(
	    ld, rc->item, NULL, offset,
	    "'%s' %s is not a neighbour of %s (no link connects them)", word,
	    rc->ctx, node->name);
}

static int ld_route_via6(struct loader *ld, const struct ld_route_ctx *rc,
			 const char *word, int offset,
			 struct topo_route6 *route)
{
	struct pkt_in6 addr;
	uint32_t addr4;

	route->kind = TOPO_ROUTE_VIA;
	if (ld_is_ipv6_word(word)) {
		if (topo_parse_ipv6(word, &addr) < 0)
			return ld_fail(
			    ld, rc->item, NULL, offset,
			    "invalid gateway '%s' %s (expected an IPv6 address or a neighbour's name)",
			    word, rc->ctx);
		return ld_route_via_addr6(ld, rc, word, offset, &addr, route);
	}
	if (topo_parse_ipv4(word, &addr4) == 0)
		return ld_fail(
		    ld, rc->item, NULL, offset,
		    "gateway '%s' %s is an IPv4 address, but the prefix is IPv6 (write an IPv6 gateway or a neighbour's name)",
		    word, rc->ctx);
	if (strspn(word, "0123456789.") == strlen(word))
		return ld_fail(
		    ld, rc->item, NULL, offset,
		    "invalid gateway '%s' %s (expected an IPv6 address or a neighbour's name)",
		    word, rc->ctx);
	return ld_route_via_name6(ld, rc, word, offset, route);
}

/* Returns the index of the IPv6 static route for @prefix/@plen, or -1. */
static int ld_find_static6(const struct topo_route6 *routes, int n,
			   const struct pkt_in6 *prefix, uint8_t plen)
{
	int i;

	for (i = 0; i < n; i++)
		if (routes[i].plen == plen &&
		    memcmp(routes[i].prefix.b, prefix->b, 16) == 0)
			return i;
	return -1;
}

static int ld_append_static6(struct topo_route6 **routes, int *n,
			     const struct topo_route6 *route)
{
	struct topo_route6 *slot;

	slot = ld_push((void **)routes, n, sizeof(*slot));
	if (!slot)
		return -ENOMEM;
	*slot = *route;
	return 0;
}

static int ld_route_via(struct loader *ld, const struct ld_route_ctx *rc,
			const char *word, int offset, struct topo_route *route)
{
	uint32_t addr;

	route->kind = TOPO_ROUTE_VIA;
	if (ld_is_ipv6_word(word))
		return ld_fail(
		    ld, rc->item, NULL, offset,
		    "gateway '%s' %s is an IPv6 address, but the prefix is IPv4 (write an IPv4 gateway or a neighbour's name)",
		    word, rc->ctx);
	if (topo_parse_ipv4(word, &addr) == 0)
		return ld_route_via_addr(ld, rc, word, offset, addr, route);
	if (strspn(word, "0123456789.") == strlen(word))
		return ld_fail(
		    ld, rc->item, NULL, offset,
		    "invalid gateway '%s' %s (expected an address A.B.C.D or a neighbour's name)",
		    word, rc->ctx);
	return ld_route_via_name(ld, rc, word, offset, route);
}

/* Splits @text at blanks into at most @max words with their offsets. */
static int ld_split_words(char *text, char **words, int *offsets, int max)
{
	char *p = text;
	int n = 0;

	while (*p) {
		while (*p == ' ' || *p == '\t')
			*p++ = '\0';
		if (!*p)
			break;
		if (n == max)
			return max + 1;
		words[n] = p;
		offsets[n++] = (int)(p - text);
		while (*p && *p != ' ' && *p != '\t')
			p++;
	}
	return n;
}

static int ld_route_kind(const char *word, enum topo_route_kind *kind)
{
	if (strcmp(word, "blackhole") == 0)
		*kind = TOPO_ROUTE_BLACKHOLE;
	else if (strcmp(word, "unreachable") == 0)
		*kind = TOPO_ROUTE_UNREACHABLE;
	else if (strcmp(word, "prohibit") == 0)
		*kind = TOPO_ROUTE_PROHIBIT;
	else
		return -1;
	return 0;
}

/* Parses the prefix @word of @route, of the family its text shows. */
static int ld_route_prefix_any(struct loader *ld, const struct ld_route_ctx *rc,
			       const char *word, int offset,
			       struct ld_route *route)
{
	route->is_ipv6 = ld_is_ipv6_word(word);
	if (route->is_ipv6)
		return ld_route_prefix6(ld, rc, word, offset, &route->v6);
	return ld_route_prefix(ld, rc, word, offset, &route->v4);
}

/*
 * Parses one route string into @route; words are "ip route" syntax, and
 * the prefix chooses the family.
 */
static int ld_parse_route(struct loader *ld, const struct ld_route_ctx *rc,
			  char *text, struct ld_route *route)
{
	static const char usage[] =
	    "expected 'PREFIX via ADDRESS', 'PREFIX via NODE', 'blackhole PREFIX', 'unreachable PREFIX' or 'prohibit PREFIX'";
	char *words[LD_ROUTE_WORDS];
	int offsets[LD_ROUTE_WORDS];
	int n = ld_split_words(text, words, offsets, 3);

	route->v4.iface = -1;
	route->v4.next_iface = -1;
	route->v4.is_static = true;
	route->v6.iface = -1;
	route->v6.next_iface = -1;
	route->v6.is_static = true;

	if (n == 0)
		return ld_fail(ld, rc->item, NULL, 0, "empty route %s (%s)",
			       rc->ctx, usage);
	if (ld_route_kind(words[0], &route->v4.kind) == 0) {
		route->v6.kind = route->v4.kind;
		if (n != 2)
			return ld_fail(ld, rc->item, NULL,
				       n > 2 ? offsets[2] : 0, "%s %s (%s)",
				       n > 2 ? "unexpected words"
					     : "missing prefix",
				       rc->ctx, usage);
		return ld_route_prefix_any(ld, rc, words[1], offsets[1], route);
	}
	if (n == 1 || strcmp(words[1], "via") != 0) {
		int at = n == 1 ? offsets[0] : offsets[1];

		return ld_fail(ld, rc->item, NULL, at,
			       "unknown route form '%s' %s (%s)",
			       n == 1 ? words[0] : words[1], rc->ctx, usage);
	}
	if (n != 3)
		return ld_fail(
		    ld, rc->item, NULL, n > 3 ? 0 : offsets[1], "%s %s (%s)",
		    n > 3 ? "unexpected words" : "missing gateway after 'via'",
		    rc->ctx, usage);
	if (ld_route_prefix_any(ld, rc, words[0], offsets[0], route) < 0)
		return -EINVAL;
	if (route->is_ipv6)
		return ld_route_via6(ld, rc, words[2], offsets[2], &route->v6);
	return ld_route_via(ld, rc, words[2], offsets[2], &route->v4);
}

/* Returns the index of the static route for @prefix/@plen in @routes, or -1. */
static int ld_find_static(const struct topo_route *routes, int n,
			  uint32_t prefix, uint8_t plen)
{
	int i;

	for (i = 0; i < n; i++)
		if (routes[i].prefix == prefix && routes[i].plen == plen)
			return i;
	return -1;
}

/* Appends @route to the static routes @*routes of @*n entries. */
static int ld_append_static(struct topo_route **routes, int *n,
			    const struct topo_route *route)
{
	struct topo_route *slot;

	slot = ld_push((void **)routes, n, sizeof(*slot));
	if (!slot)
		return -ENOMEM;
	*slot = *route;
	return 0;
}

/*
 * Parses the route string @item of @node into @route; @where names it
 * in messages ("'routes'", "'add-route' of timeline event").
 */
static int ld_read_route(struct loader *ld, int node, struct fy_node *item,
			 struct fy_node *key, const char *where,
			 struct ld_route *route)
{
	const struct topo_node *n = &ld->topo->nodes[node];
	struct ld_route_ctx rc = { .node = node, .item = item };
	char text[LD_TEXT_MAX];
	int ret;

	snprintf(rc.ctx, sizeof(rc.ctx), "in %s of %s %s", where,
		 ld_kind_name(n->kind), n->name);
	ret = ld_text(ld, item, key, "a route", rc.ctx, text, sizeof(text));
	if (ret < 0)
		return ret;
	if (strspn(text, " \t") == strlen(text))
		return ld_fail(ld, item, key, 0, "empty route %s", rc.ctx);
	snprintf(rc.ctx, sizeof(rc.ctx), "in route '%s' of %s %s", text,
		 ld_kind_name(n->kind), n->name);
	return ld_parse_route(ld, &rc, text, route);
}

static int ld_add_route(struct loader *ld, int node, struct fy_node *item)
{
	struct topo_node *n = &ld->topo->nodes[node];
	struct ld_route route = { 0 };
	char buf[64];
	bool duplicate;
	int ret;

	ret = ld_read_route(ld, node, item, NULL, "'routes'", &route);
	if (ret < 0)
		return ret;
	if (route.is_ipv6)
		duplicate =
		    ld_find_static6(n->static_routes6, n->n_static_routes6,
				    &route.v6.prefix, route.v6.plen) >= 0;
	else
		duplicate = ld_find_static(n->static_routes, n->n_static_routes,
					   route.v4.prefix, route.v4.plen) >= 0;
	if (duplicate)
		return ld_fail(ld, item, NULL, 0,
			       "duplicate route for %s in %s %s",
			       ld_format_prefix(&route, buf, sizeof(buf)),
			       ld_kind_name(n->kind), n->name);
	if (route.is_ipv6)
		return ld_append_static6(&n->static_routes6,
					 &n->n_static_routes6, &route.v6);
	return ld_append_static(&n->static_routes, &n->n_static_routes,
				&route.v4);
}

static int ld_add_routes(struct loader *ld)
{
	int i, ret;

	for (i = 0; i < ld->n_nodes; i++) {
		struct fy_node *item;
		void *iter = NULL;

		if (ld_is_null(ld->nodes[i].routes))
			continue;
		while ((item = fy_node_sequence_iterate(ld->nodes[i].routes,
							&iter))) {
			ret = ld_add_route(ld, i, item);
			if (ret < 0)
				return ret;
		}
	}
	return 0;
}

/* The timeline. */

#define LD_MAX_AT_US 86400000000ull /* one day */

/* A timeline event as the file writes it. */
struct ld_event {
	struct fy_node *item;
	int order; /* position in the file, to keep ties in file order */
	bool has_at;
	uint64_t at_us;
	struct ld_pair target; /* 'link', 'router' or 'host' */
	struct ld_pair action; /* 'state', 'set', 'add-route', 'remove-route' */
	int link;
	int node;
	char label[LD_TEXT_MAX + 16]; /* "link A -- B", "router r1" */
	char ctx[LD_TEXT_MAX + 64];   /* "in timeline event for link A -- B" */
};

/* The settings of a node at the point of the timeline being read. */
struct ld_node_state {
	struct topo_icmp_policy icmp;
	uint8_t ttl;
	uint32_t arp_timeout_us;
	struct topo_route *routes; /* static routes */
	int n_routes;
	struct topo_route6 *routes6; /* IPv6 static routes */
	int n_routes6;
};

/* The events as read, and the running copies of the links and nodes. */
struct ld_timeline {
	struct ld_event *events;
	int n_events;
	struct topo_link *links;
	struct ld_node_state *nodes;
};

static bool ld_is_target(const char *key)
{
	return strcmp(key, "link") == 0 || strcmp(key, "router") == 0 ||
	       strcmp(key, "host") == 0;
}

static int ld_event_setting(struct loader *ld, const struct ld_pair *pair,
			    void *data)
{
	struct ld_event *ev = data;
	struct ld_pair *slot;

	if (strcmp(pair->name, "at") == 0) {
		ev->has_at = true;
		return ld_get_duration_in(ld, pair, pair->value,
					  "in timeline event", 0, LD_MAX_AT_US,
					  &ev->at_us);
	}
	slot = ld_is_target(pair->name) ? &ev->target : &ev->action;
	if (slot->key)
		return ld_fail(
		    ld, pair->key, NULL, 0,
		    "timeline event has two %s, '%s' and '%s' (write one event for each)",
		    slot == &ev->target ? "targets" : "actions", slot->name,
		    pair->name);
	*slot = *pair;
	return 0;
}

/* Returns the first link that joins nodes @a and @b, or -1. */
static int ld_find_link(const struct topology *topo, int a, int b)
{
	int i;

	/* TUN links come first, and no event may change them. */
	for (i = topo->n_tuns; i < topo->n_links; i++)
		if (topo_link_iface(topo, i, a) >= 0 &&
		    topo_link_iface(topo, i, b) >= 0)
			return i;
	return -1;
}

/* Resolves 'link: "A -- B"', in either order, to a link of the topology. */
static int ld_event_link(struct loader *ld, struct ld_event *ev)
{
	const struct topology *topo = ld->topo;
	char text[LD_TEXT_MAX], words[LD_TEXT_MAX], name[LD_TEXT_MAX];
	int offsets[2], nodes[2], i, ret;
	char *ends[2];

	ret = ld_text(ld, ev->target.value, ev->target.key, "'link'",
		      "in timeline event", text, sizeof(text));
	if (ret < 0)
		return ret;
	strcpy(words, text);
	if (ld_split_link(words, ends, offsets) < 0)
		return ld_fail(
		    ld, ev->target.value, NULL, 0,
		    "invalid link '%s' in timeline event (write it as 'A -- B', with spaces around '--')",
		    text);
	for (i = 0; i < 2; i++) {
		nodes[i] = ld_find_node(ld, ends[i]);
		if (nodes[i] < 0 && ld_find_tun(ld, ends[i]) >= 0)
			return ld_fail(
			    ld, ev->target.value, NULL, offsets[i],
			    "'%s' in link '%s' of timeline event is a TUN device (the timeline cannot change a TUN link)",
			    ends[i], text);
		if (nodes[i] < 0)
			return ld_fail(
			    ld, ev->target.value, NULL, offsets[i],
			    "unknown node '%s' in link '%s' of timeline event",
			    ends[i], text);
	}
	if (nodes[0] == nodes[1])
		return ld_fail(
		    ld, ev->target.value, NULL, offsets[1],
		    "link '%s' of timeline event joins '%s' to itself", text,
		    ends[0]);
	ev->link = ld_find_link(topo, nodes[0], nodes[1]);
	if (ev->link < 0)
		return ld_fail(
		    ld, ev->target.value, NULL, 0,
		    "no link joins '%s' and '%s' in timeline event (the event must name a link from 'links')",
		    ends[0], ends[1]);
	topo_link_name(topo, ev->link, name, sizeof(name));
	snprintf(ev->label, sizeof(ev->label), "link %s", name);
	return 0;
}

/* Resolves 'router: NAME' or 'host: NAME'. */
static int ld_event_node(struct loader *ld, struct ld_event *ev)
{
	enum topo_node_kind kind = strcmp(ev->target.name, "router") == 0
				       ? TOPO_NODE_ROUTER
				       : TOPO_NODE_HOST;
	char name[LD_TEXT_MAX], what[16];
	int ret;

	snprintf(what, sizeof(what), "'%s'", ev->target.name);
	ret = ld_text(ld, ev->target.value, ev->target.key, what,
		      "in timeline event", name, sizeof(name));
	if (ret < 0)
		return ret;
	ev->node = ld_find_node(ld, name);
	if (ev->node < 0)
		return ld_fail(ld, ev->target.value, NULL, 0,
			       "unknown %s '%s' in timeline event",
			       ld_kind_name(kind), name);
	if (ld->nodes[ev->node].kind != kind)
		return ld_fail(
		    ld, ev->target.value, NULL, 0,
		    "'%s' in timeline event is a %s (write '%s: %s')", name,
		    ld_kind_name(ld->nodes[ev->node].kind),
		    ld_kind_name(ld->nodes[ev->node].kind), name);
	snprintf(ev->label, sizeof(ev->label), "%s %s", ld_kind_name(kind),
		 name);
	return 0;
}

/* Checks that the action of @ev applies to its target. */
static int ld_event_check_action(struct loader *ld, const struct ld_event *ev)
{
	bool for_link = strcmp(ev->action.name, "state") == 0 ||
			strcmp(ev->action.name, "set") == 0;
	bool for_node = strcmp(ev->action.name, "state") != 0;

	if (ev->link >= 0 && !for_link)
		return ld_fail(
		    ld, ev->action.key, NULL, 0,
		    "'%s' %s applies to routers and hosts only (a link takes 'state' or 'set')",
		    ev->action.name, ev->ctx);
	if (ev->node >= 0 && !for_node)
		return ld_fail(
		    ld, ev->action.key, NULL, 0,
		    "'%s' %s applies to links only (a %s takes 'set', 'add-route' or 'remove-route')",
		    ev->action.name, ev->ctx, ev->target.name);
	return 0;
}

/* Reads the 'at', target and action of one event, in file order. */
static int ld_read_event(struct loader *ld, struct fy_node *item,
			 struct ld_event *ev)
{
	int ret;

	ev->item = item;
	ev->link = -1;
	ev->node = -1;
	if (ld_is_null(item) || fy_node_get_type(item) != FYNT_MAPPING)
		return ld_fail(
		    ld, item, ld->timeline, 0,
		    "expected a mapping for a timeline event, found %s (write '- { at: 5s, link: \"r1 -- r2\", state: down }')",
		    ld_type_name(item));
	ret = ld_each_pair(ld, item, ld_event_keys, "in timeline event",
			   ld_event_setting, ev);
	if (ret < 0)
		return ret;
	if (!ev->has_at)
		return ld_fail(
		    ld, item, NULL, 0,
		    "missing 'at' in timeline event (the time from start, such as 'at: 5s')");
	if (!ev->target.key)
		return ld_fail(
		    ld, item, NULL, 0,
		    "timeline event has no target (add 'link: \"A -- B\"', 'router: NAME' or 'host: NAME')");

	ret = strcmp(ev->target.name, "link") == 0 ? ld_event_link(ld, ev)
						   : ld_event_node(ld, ev);
	if (ret < 0)
		return ret;
	snprintf(ev->ctx, sizeof(ev->ctx), "in timeline event for %s",
		 ev->label);
	if (!ev->action.key)
		return ld_fail(
		    ld, item, NULL, 0,
		    "timeline event for %s has no action (add %s)", ev->label,
		    ev->link >= 0
			? "'state: down', 'state: up' or 'set: { ... }'"
			: "'set: { ... }', 'add-route: ROUTE' or 'remove-route: PREFIX'");
	return ld_event_check_action(ld, ev);
}

static int ld_event_cmp(const void *pa, const void *pb)
{
	const struct ld_event *a = pa, *b = pb;

	if (a->at_us != b->at_us)
		return a->at_us < b->at_us ? -1 : 1;
	return a->order - b->order;
}

/* Builds the event of a link's 'state' or 'set' on the running copy. */
static int ld_event_link_action(struct loader *ld, struct ld_timeline *tl,
				const struct ld_event *ev,
				struct topo_event *out)
{
	static const char *const states[] = { "up", "down", NULL };
	struct topo_link *link = &tl->links[ev->link];
	const struct topology *topo = ld->topo;
	struct ld_link_ctx lc = { .timeline = true };
	const char *names[TOPO_LAN_MAX_NODES];
	int index, ret, i;

	if (strcmp(ev->action.name, "state") == 0) {
		ret = ld_get_choice(ld, &ev->action, ev->action.value, ev->ctx,
				    states, "'up' or 'down'", &index);
		if (ret < 0)
			return ret;
		link->down = index == 1;
		out->kind =
		    index == 1 ? TOPO_EVENT_LINK_DOWN : TOPO_EVENT_LINK_UP;
		return 0;
	}

	for (i = 0; link->lan && i < link->n_ifaces; i++)
		names[i] = topo->nodes[topo->ifaces[link->iface[i]].node].name;
	if (link->lan)
		ld_lan_ctx_init(&lc, ev->label, names, link->n_ifaces, false);
	else
		ld_link_ctx_init(
		    &lc, topo->nodes[topo->ifaces[link->iface[0]].node].name,
		    topo->nodes[topo->ifaces[link->iface[1]].node].name);
	snprintf(lc.ctx, sizeof(lc.ctx), "in 'set' of timeline event for %s",
		 ev->label);
	lc.dir = link->dir;
	lc.mtu = &link->mtu;
	ret = ld_expect(ld, ev->action.value, ev->action.key, FYNT_MAPPING,
			"'set'", ev->ctx);
	if (ret < 0)
		return ret;
	ret = ld_link_settings(ld, ev->action.value, &lc);
	if (ret < 0)
		return ret;
	/* Linux turns IPv6 off below 1280, which routes would have to follow. */
	if (link->mtu < PKT_IPV6_MIN_MTU &&
	    topo->ifaces[link->iface[0]].plen6 != 0)
		return ld_fail(
		    ld,
		    fy_node_mapping_lookup_by_string(ev->action.value, "mtu",
						     3),
		    ev->action.value, 0,
		    "mtu %u %s is below 1280, the IPv6 minimum, on a link with IPv6 (the timeline cannot turn IPv6 off: give the link an mtu below 1280 in 'links', or 'ipv6: false')",
		    link->mtu, lc.ctx);
	out->kind = TOPO_EVENT_LINK_SET;
	out->dir[0] = link->dir[0];
	out->dir[1] = link->dir[1];
	out->mtu = link->mtu;
	return 0;
}

/* A node's 'set' on the timeline, applied to its running copy. */
struct ld_node_set_ctx {
	const struct ld_event *ev;
	struct ld_node_state *state;
	struct fy_node *source;
};

static int ld_node_set_setting(struct loader *ld, const struct ld_pair *pair,
			       void *data)
{
	struct ld_node_set_ctx *sc = data;
	const struct ld_node *node = &ld->nodes[sc->ev->node];
	uint32_t value;
	int ret;

	if (strcmp(pair->name, "icmp") == 0)
		return ld_parse_icmp(ld, pair, node->kind, node->name,
				     &sc->state->icmp, &sc->source);
	if (strcmp(pair->name, "ttl") == 0) {
		ret = ld_get_uint(ld, pair, pair->value, sc->ev->ctx, 1, 255,
				  &value);
		sc->state->ttl = (uint8_t)value;
		return ret;
	}
	if (strcmp(pair->name, "arp-timeout") == 0)
		return ld_get_duration(ld, pair, sc->ev->ctx,
				       &sc->state->arp_timeout_us);
	return ld_fixed_key(
	    ld, pair, sc->ev->ctx,
	    strcmp(pair->name, "routes") == 0
		? " (use 'add-route: ROUTE' or 'remove-route: PREFIX')"
		: " ('set' takes 'icmp', 'ttl' and 'arp-timeout')");
}

static int ld_event_node_set(struct loader *ld, struct ld_timeline *tl,
			     const struct ld_event *ev, struct topo_event *out)
{
	struct ld_node_set_ctx sc = { .ev = ev, .state = &tl->nodes[ev->node] };
	int ret;

	ret = ld_expect(ld, ev->action.value, ev->action.key, FYNT_MAPPING,
			"'set'", ev->ctx);
	if (ret < 0)
		return ret;
	ret = ld_each_pair(ld, ev->action.value, ld_node_keys, ev->ctx,
			   ld_node_set_setting, &sc);
	if (ret < 0)
		return ret;
	ret = ld_check_icmp_source(ld, sc.source, &sc.state->icmp,
				   &ld->nodes[ev->node]);
	if (ret < 0)
		return ret;
	out->kind = TOPO_EVENT_NODE_SET;
	out->icmp = sc.state->icmp;
	out->ttl = sc.state->ttl;
	out->arp_timeout_us = sc.state->arp_timeout_us;
	return 0;
}

static int ld_event_add_route(struct loader *ld, struct ld_timeline *tl,
			      const struct ld_event *ev, struct topo_event *out)
{
	struct ld_node_state *state = &tl->nodes[ev->node];
	struct ld_route route = { 0 };
	char buf[64], at[24];
	bool duplicate;
	int ret;

	ret = ld_read_route(ld, ev->node, ev->action.value, ev->action.key,
			    "'add-route' of timeline event", &route);
	if (ret < 0)
		return ret;
	if (route.is_ipv6)
		duplicate =
		    ld_find_static6(state->routes6, state->n_routes6,
				    &route.v6.prefix, route.v6.plen) >= 0;
	else
		duplicate = ld_find_static(state->routes, state->n_routes,
					   route.v4.prefix, route.v4.plen) >= 0;
	if (duplicate)
		return ld_fail(
		    ld, ev->action.value, NULL, 0,
		    "duplicate route for %s %s (at %s %s already has a static route for it, so remove that first with 'remove-route')",
		    ld_format_prefix(&route, buf, sizeof(buf)), ev->ctx,
		    ld_format_duration(ev->at_us, at, sizeof(at)), ev->label);
	out->kind = TOPO_EVENT_ROUTE_ADD;
	out->is_ipv6 = route.is_ipv6;
	if (route.is_ipv6) {
		out->route6 = route.v6;
		return ld_append_static6(&state->routes6, &state->n_routes6,
					 &route.v6);
	}
	out->route = route.v4;
	return ld_append_static(&state->routes, &state->n_routes, &route.v4);
}

static int ld_event_remove_route(struct loader *ld, struct ld_timeline *tl,
				 const struct ld_event *ev,
				 struct topo_event *out)
{
	struct ld_node_state *state = &tl->nodes[ev->node];
	struct ld_route_ctx rc = { .node = ev->node, .item = ev->action.value };
	char text[LD_TEXT_MAX], buf[64], at[24];
	struct ld_route route = { 0 };
	char *words[2];
	int offsets[2], index, ret;

	snprintf(rc.ctx, sizeof(rc.ctx),
		 "in 'remove-route' of timeline event for %s", ev->label);
	ret = ld_text(ld, ev->action.value, ev->action.key, "a prefix", rc.ctx,
		      text, sizeof(text));
	if (ret < 0)
		return ret;
	if (ld_split_words(text, words, offsets, 1) != 1)
		return ld_fail(
		    ld, ev->action.value, NULL, 0,
		    "expected one prefix %s (A.B.C.D/LEN, A.B.C.D, 'default' or an IPv6 PREFIX/LEN)",
		    rc.ctx);
	ret = ld_route_prefix_any(ld, &rc, words[0], offsets[0], &route);
	if (ret < 0)
		return ret;
	if (route.is_ipv6)
		index = ld_find_static6(state->routes6, state->n_routes6,
					&route.v6.prefix, route.v6.plen);
	else
		index = ld_find_static(state->routes, state->n_routes,
				       route.v4.prefix, route.v4.plen);
	if (index < 0)
		return ld_fail(
		    ld, ev->action.value, NULL, offsets[0],
		    "no static route for %s on %s at %s to remove (add it under 'routes' or with an earlier 'add-route')",
		    ld_format_prefix(&route, buf, sizeof(buf)), ev->label,
		    ld_format_duration(ev->at_us, at, sizeof(at)));
	out->kind = TOPO_EVENT_ROUTE_REMOVE;
	out->is_ipv6 = route.is_ipv6;
	if (route.is_ipv6) {
		out->route6 = state->routes6[index];
		state->routes6[index] = state->routes6[--state->n_routes6];
		return 0;
	}
	out->route = state->routes[index];
	state->routes[index] = state->routes[--state->n_routes];
	return 0;
}

/* Builds the topology's event for @ev from the running state. */
static int ld_build_event(struct loader *ld, struct ld_timeline *tl,
			  const struct ld_event *ev, struct topo_event *out)
{
	int column = 1;

	out->at_us = ev->at_us;
	out->link = ev->link;
	out->node = ev->node;
	out->line = 1;
	ld_locate(ld, ev->item, &out->line, &column);
	if (ev->link >= 0)
		return ld_event_link_action(ld, tl, ev, out);
	if (strcmp(ev->action.name, "set") == 0)
		return ld_event_node_set(ld, tl, ev, out);
	if (strcmp(ev->action.name, "add-route") == 0)
		return ld_event_add_route(ld, tl, ev, out);
	return ld_event_remove_route(ld, tl, ev, out);
}

/* Starts the running state from the topology as the file writes it. */
static int ld_timeline_start(struct loader *ld, struct ld_timeline *tl)
{
	const struct topology *topo = ld->topo;
	int i, j, ret;

	tl->links = calloc((size_t)topo->n_links + 1, sizeof(*tl->links));
	tl->nodes = calloc((size_t)topo->n_nodes + 1, sizeof(*tl->nodes));
	if (!tl->links || !tl->nodes)
		return -ENOMEM;
	memcpy(tl->links, topo->links,
	       (size_t)topo->n_links * sizeof(*tl->links));
	for (i = 0; i < topo->n_nodes; i++) {
		const struct topo_node *n = &topo->nodes[i];
		struct ld_node_state *state = &tl->nodes[i];

		state->icmp = n->icmp;
		state->ttl = n->ttl;
		state->arp_timeout_us = n->arp_timeout_us;
		for (j = 0; j < n->n_static_routes; j++) {
			ret = ld_append_static(&state->routes, &state->n_routes,
					       &n->static_routes[j]);
			if (ret < 0)
				return ret;
		}
		for (j = 0; j < n->n_static_routes6; j++) {
			ret = ld_append_static6(&state->routes6,
						&state->n_routes6,
						&n->static_routes6[j]);
			if (ret < 0)
				return ret;
		}
	}
	return 0;
}

static void ld_timeline_free(const struct topology *topo,
			     struct ld_timeline *tl)
{
	int i;

	for (i = 0; tl->nodes && i < topo->n_nodes; i++) {
		free(tl->nodes[i].routes);
		free(tl->nodes[i].routes6);
	}
	free(tl->nodes);
	free(tl->links);
	free(tl->events);
}

/*
 * Reads the events in file order, sorts them by time (ties in file
 * order), then builds each from the state that every earlier event
 * leaves.
 */
static int ld_timeline_build(struct loader *ld, struct ld_timeline *tl)
{
	struct topology *topo = ld->topo;
	struct fy_node *item;
	void *iter = NULL;
	int i, ret;

	while ((item = fy_node_sequence_iterate(ld->timeline, &iter))) {
		struct ld_event *ev;

		ev = ld_push((void **)&tl->events, &tl->n_events, sizeof(*ev));
		if (!ev)
			return -ENOMEM;
		ev->order = tl->n_events - 1;
		ret = ld_read_event(ld, item, ev);
		if (ret < 0)
			return ret;
	}
	if (tl->n_events == 0)
		return 0;
	qsort(tl->events, (size_t)tl->n_events, sizeof(*tl->events),
	      ld_event_cmp);

	ret = ld_timeline_start(ld, tl);
	if (ret < 0)
		return ret;
	topo->events = calloc((size_t)tl->n_events, sizeof(*topo->events));
	if (!topo->events)
		return -ENOMEM;
	for (i = 0; i < tl->n_events; i++) {
		ret = ld_build_event(ld, tl, &tl->events[i], &topo->events[i]);
		if (ret < 0)
			return ret;
		topo->n_events++;
	}
	return 0;
}

static int ld_parse_timeline(struct loader *ld)
{
	struct ld_timeline tl = { 0 };
	int ret;

	if (ld_is_null(ld->timeline))
		return 0;
	ret = ld_expect(ld, ld->timeline, ld->timeline_key, FYNT_SEQUENCE,
			"'timeline'", "");
	if (ret < 0)
		return ret;
	ret = ld_timeline_build(ld, &tl);
	ld_timeline_free(ld->topo, &tl);
	return ret;
}

static int ld_build(struct loader *ld)
{
	int ret;

	ret = ld_build_nodes(ld, ld->topo);
	if (ret < 0)
		return ret;
	ret = ld_check_loopbacks(ld);
	if (ret < 0)
		return ret;
	ret = ld_build_links(ld, ld->topo);
	if (ret < 0)
		return ret;
	ret = topo_assign_addresses(ld->topo, ld->err);
	if (ret < 0)
		return ret;
	ret = ld_add_routes(ld);
	if (ret < 0)
		return ret;
	ret = ld_parse_timeline(ld);
	if (ret < 0)
		return ret;
	return topo_rebuild_routes(ld->topo);
}

/* Copies libfyaml's first collected error, which is 1-based already. */
static int ld_yaml_error(struct loader *ld)
{
	struct fy_diag_error *e;
	void *iter = NULL;

	e = fy_diag_errors_iterate(ld->diag, &iter);
	if (!e)
		return ld_fail_at(
		    ld, 1, 1,
		    "empty topology file (expected 'tun', 'routers', 'hosts' and 'links')");
	return ld_fail_at(ld, e->line > 0 ? e->line : 1,
			  e->column > 0 ? e->column : 1, "%s", e->msg);
}

static struct fy_diag *ld_diag_create(void)
{
	struct fy_diag_cfg cfg;
	struct fy_diag *diag;

	fy_diag_cfg_default(&cfg);
	cfg.fp = NULL;
	cfg.output_fn = NULL;
	cfg.level = FYET_ERROR;
	cfg.colorize = false;
	diag = fy_diag_create(&cfg);
	if (diag)
		fy_diag_set_collect_errors(diag, true);
	return diag;
}

static void ld_nomem(struct loader *ld)
{
	snprintf(ld->err->message, sizeof(ld->err->message),
		 "%s: out of memory while loading the topology", ld->name);
}

/* Rejects the first YAML alias under @node. */
static int ld_check_aliases(struct loader *ld, struct fy_node *node)
{
	struct fy_node_pair *pair;
	struct fy_node *item;
	void *iter = NULL;
	int ret = 0;

	if (!node)
		return 0;
	if (fy_node_is_alias(node))
		return ld_fail(
		    ld, node, NULL, -1,
		    "YAML aliases such as '*%s' are not supported in topology files; write the value out",
		    fy_node_get_scalar0(node) ? fy_node_get_scalar0(node)
					      : "name");
	if (fy_node_is_mapping(node)) {
		while (ret == 0 &&
		       (pair = fy_node_mapping_iterate(node, &iter))) {
			ret = ld_check_aliases(ld, fy_node_pair_key(pair));
			if (ret == 0)
				ret = ld_check_aliases(
				    ld, fy_node_pair_value(pair));
		}
	} else if (fy_node_is_sequence(node)) {
		while (ret == 0 &&
		       (item = fy_node_sequence_iterate(node, &iter)))
			ret = ld_check_aliases(ld, item);
	}
	return ret;
}

/* Returns the number of items of the top-level collection @key. */
static int ld_count(struct fy_node *root, const char *key,
		    struct fy_node **node)
{
	*node = fy_node_mapping_lookup_by_string(root, key, FY_NT);
	if (!*node)
		return 0;
	if (fy_node_is_sequence(*node))
		return fy_node_sequence_item_count(*node);
	if (fy_node_is_mapping(*node))
		return fy_node_mapping_item_count(*node);
	return 0;
}

/*
 * Rejects topologies past TOPO_MAX_NODES nodes or TOPO_MAX_LINKS links
 * before anything else reads them: routes grow with the square of the
 * node count.
 */
static int ld_check_size(struct loader *ld, struct fy_node *root)
{
	struct fy_node *routers, *hosts, *tuns, *links;
	int nodes, n_links;

	if (!root || !fy_node_is_mapping(root))
		return 0;
	nodes = ld_count(root, "routers", &routers) +
		ld_count(root, "hosts", &hosts) + ld_count(root, "tun", &tuns);
	n_links = ld_count(root, "links", &links);
	if (nodes > TOPO_MAX_NODES)
		return ld_fail(
		    ld, routers ? routers : hosts, NULL, 0,
		    "%d routers, hosts and TUN devices: at most %d are supported",
		    nodes, TOPO_MAX_NODES);
	if (n_links > TOPO_MAX_LINKS)
		return ld_fail(ld, links, NULL, 0,
			       "%d links: at most %d are supported", n_links,
			       TOPO_MAX_LINKS);
	return 0;
}

struct topology *topo_load_string(const char *name, const char *text,
				  size_t len, struct topo_error *err)
{
	struct topo_error scratch;
	struct loader ld = {
		.name = name,
		.text = text,
		.len = len,
		.err = err ? err : &scratch,
	};
	struct fy_parse_cfg cfg = { 0 };
	struct fy_document *doc = NULL;
	int ret = -ENOMEM;

	ld.err->message[0] = '\0';
	ld.diag = ld_diag_create();
	ld.topo = calloc(1, sizeof(*ld.topo));
	if (!ld.diag || !ld.topo)
		goto out;
	ld.topo->source = strdup(name);
	if (!ld.topo->source)
		goto out;

	/* Aliases are not resolved: a few nested ones can expand to more
	 * nodes than memory holds, so they are rejected instead. */
	cfg.flags = FYPCF_QUIET;
	cfg.diag = ld.diag;
	doc = fy_document_build_from_string(&cfg, text, len);
	if (!doc || fy_diag_got_error(ld.diag)) {
		ret = ld_yaml_error(&ld);
		goto out;
	}
	ret = ld_check_aliases(&ld, fy_document_root(doc));
	if (ret == 0)
		ret = ld_check_size(&ld, fy_document_root(doc));
	if (ret == 0)
		ret = ld_parse_root(&ld, fy_document_root(doc));
	if (ret == 0)
		ret = ld_build(&ld);
out:
	if (ret == -ENOMEM)
		ld_nomem(&ld);
	fy_document_destroy(doc);
	if (ld.diag)
		fy_diag_destroy(ld.diag);
	free(ld.nodes);
	free(ld.tuns);
	free(ld.links);
	if (ret < 0) {
		topo_destroy(ld.topo);
		return NULL;
	}
	return ld.topo;
}

/* Reads all of @path into a new buffer.  Returns 0 or a negative errno. */
static int ld_read_file(const char *path, char **text, size_t *len)
{
	size_t size = 0, cap = 4096;
	char *buf = malloc(cap), *bigger;
	FILE *fp;
	int ret = 0;

	if (!buf)
		return -ENOMEM;
	fp = fopen(path, "r");
	if (!fp) {
		ret = -errno;
		free(buf);
		return ret;
	}
	for (;;) {
		size_t n = fread(buf + size, 1, cap - size, fp);

		size += n;
		if (size < cap) {
			if (ferror(fp))
				ret = -EIO;
			break;
		}
		if (cap >= LD_FILE_MAX) {
			ret = -EFBIG;
			break;
		}
		cap *= 2;
		bigger = realloc(buf, cap);
		if (!bigger) {
			ret = -ENOMEM;
			break;
		}
		buf = bigger;
	}
	fclose(fp);
	if (ret < 0) {
		free(buf);
		return ret;
	}
	*text = buf;
	*len = size;
	return 0;
}

struct topology *topo_load_file(const char *path, struct topo_error *err)
{
	struct topology *topo;
	char *text = NULL;
	size_t len = 0;
	int ret;

	ret = ld_read_file(path, &text, &len);
	if (ret < 0) {
		if (err)
			snprintf(err->message, sizeof(err->message),
				 "%s: failed to read: %s%s", path,
				 strerror(-ret),
				 ret == -EFBIG ? " (at most 16 MiB)" : "");
		errno = -ret;
		return NULL;
	}
	topo = topo_load_string(path, text, len, err);
	free(text);
	return topo;
}
