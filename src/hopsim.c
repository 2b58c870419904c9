// SPDX-License-Identifier: MIT
/* The hopsim command: parses options, reports errors, sets exit codes. */
#include <arpa/inet.h>
#include <net/if.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "hopsim/engine.h"
#include "hopsim/io.h"
#include "hopsim/io_loop.h"
#include "hopsim/io_pcap.h"
#include "hopsim/packet.h"
#include "hopsim/packet6.h"
#include "hopsim/topology.h"

#define HOPSIM_VERSION "0.1.0"

/* Exit statuses; --help lists them. */
enum {
	EXIT_OK = 0,
	EXIT_INVALID = 1, /* the topology is invalid, or DEST is unknown */
	EXIT_USAGE = 2,
	EXIT_SYSTEM = 3, /* a system call or the network setup failed */
};

#define DEFAULT_QUEUE_SLOTS 4096
#define DEFAULT_MAX_TTL	    30

extern const char hopsim_default_topology[];
extern const size_t hopsim_default_topology_len;

enum log_level { LOG_ERROR, LOG_WARN, LOG_INFO, LOG_DEBUG };

struct cli {
	enum log_level level;
	uint64_t start_us;
	struct topology *topo;
	uint64_t seed;
};

static const char usage_text[] =
    "Usage: hopsim run [TOPOLOGY] [--netns NAME] [--seed N] [--queue SLOTS]\n"
    "                  [-v] [-q]\n"
    "       hopsim check TOPOLOGY\n"
    "       hopsim path TOPOLOGY DEST [--from TUN] [--max-ttl N] [-6]\n"
    "       hopsim replay TOPOLOGY IN.pcap OUT.pcap [--from TUN] [--seed N]\n"
    "                  [-v]\n"
    "       hopsim --help | --version\n";

static const char help_text[] =
    "\n"
    "hopsim simulates a network of routers and hosts behind TUN devices, so\n"
    "that ping, traceroute, tracepath and mtr see real hops and ICMP errors.\n"
    "\n"
    "Commands:\n"
    "  run     create the topology's TUN devices, addresses and routes, and\n"
    "          forward packets until SIGINT or SIGTERM; then remove them.\n"
    "          Without TOPOLOGY, runs the built-in default topology.\n"
    "  check   validate TOPOLOGY and print its nodes, addresses and routes.\n"
    "  path    print what `traceroute -n DEST` from the kernel end of a TUN\n"
    "          device shows: one line per TTL, '<ttl> <address> [!H|!N|!X]'\n"
    "          or '<ttl> *', then 'pmtu <bytes>'.  DEST is an IPv4 or IPv6\n"
    "          address or a node's name.\n"
    "  replay  carry the packets of capture IN.pcap through the topology\n"
    "          as if read from a TUN device, and write what comes back to\n"
    "          OUT.pcap, each stamped with the time it would leave.\n"
    "\n"
    "Options:\n"
    "  --netns NAME     run inside network namespace NAME, created as\n"
    "                   `ip netns add` does if missing and then removed at exit\n"
    "  --seed N         seed every random choice (loss, jitter, corruption)\n"
    "                   with N, from 0 to 2^64-1, so a run repeats exactly;\n"
    "                   without it the seed comes from the clock and is\n"
    "                   printed at start\n"
    "  --queue SLOTS    packets the delay lines hold at once (default 4096)\n"
    "  --from TUN       the TUN device a path or replay starts from (default:\n"
    "                   the first in the topology)\n"
    "  --max-ttl N      last TTL `path` prints, 1 to 255 (default 30)\n"
    "  -6, --ipv6       path: take a node's IPv6 address, not its IPv4 one\n"
    "  -v, --verbose    print one line per packet per hop\n"
    "  -q, --quiet      print errors only\n"
    "  -h, --help       print this help\n"
    "  -V, --version    print the version\n"
    "\n"
    "Exit status: 0 success, 1 invalid topology or unknown DEST, 2 usage\n"
    "error, 3 system or network setup failure.\n";

static void say(const struct cli *cli, enum log_level level, const char *fmt,
		...) __attribute__((format(printf, 3, 4)));

static void say(const struct cli *cli, enum log_level level, const char *fmt,
		...)
{
	static const char *const prefix[] = { "error: ", "warning: ", "", "" };
	va_list ap;

	if (level > cli->level)
		return;
	fprintf(stderr, "hopsim: %s", prefix[level]);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static int usage_error(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

static int usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("hopsim: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\n", stderr);
	fputs(usage_text, stderr);
	return EXIT_USAGE;
}

/* Parses a decimal number for option @name within [@min, @max]. */
static int parse_number(const char *name, const char *text, long min, long max,
			long *value)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(text, &end, 10);
	if (errno || end == text || *end || v < min || v > max) {
		fprintf(
		    stderr,
		    "hopsim: invalid value '%s' for %s: expected an integer from %ld to %ld\n",
		    text, name, min, max);
		return -1;
	}
	*value = v;
	return 0;
}

/* Parses --seed: any unsigned 64-bit decimal number. */
static int parse_seed(const char *text, uint64_t *seed)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(text, &end, 10);
	if (errno || end == text || *end || text[0] == '-') {
		fprintf(
		    stderr,
		    "hopsim: invalid value '%s' for --seed: expected an integer from 0 to 18446744073709551615\n",
		    text);
		return -1;
	}
	*seed = v;
	return 0;
}

/* A seed for runs without --seed, from the clock and the process ID. */
static uint64_t clock_seed(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ((uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec) ^
	       ((uint64_t)getpid() << 32);
}

static struct topology *load(const char *path, struct topo_error *err)
{
	if (!path)
		return topo_load_string("<built-in default>",
					hopsim_default_topology,
					hopsim_default_topology_len, err);
	return topo_load_file(path, err);
}

static const char *node_kind_name(enum topo_node_kind kind)
{
	switch (kind) {
	case TOPO_NODE_ROUTER:
		return "router";
	case TOPO_NODE_HOST:
		return "host";
	case TOPO_NODE_KERNEL:
		return "kernel";
	}
	return "node";
}

static void format_prefix(uint32_t prefix, uint8_t plen, char *buf, size_t size)
{
	char addr[16];

	if (plen == 0)
		snprintf(buf, size, "default");
	else
		snprintf(buf, size, "%s/%u", topo_format_ipv4(prefix, addr),
			 plen);
}

/* Formats a duration in microseconds as the topology file writes it. */
static void format_duration(uint32_t us, char *buf, size_t size)
{
	if (us % 1000000u == 0 && us)
		snprintf(buf, size, "%" PRIu32 "s", us / 1000000u);
	else if (us % 1000u == 0)
		snprintf(buf, size, "%" PRIu32 "ms", us / 1000u);
	else
		snprintf(buf, size, "%" PRIu32 "us", us);
}

static void print_route(const struct topology *topo,
			const struct topo_route *route)
{
	static const char *const kinds[] = {
		[TOPO_ROUTE_BLACKHOLE] = "blackhole",
		[TOPO_ROUTE_UNREACHABLE] = "unreachable",
		[TOPO_ROUTE_PROHIBIT] = "prohibit",
	};
	const char *suffix = route->is_static ? " (static)" : "";
	char prefix[24], gw[16];

	format_prefix(route->prefix, route->plen, prefix, sizeof(prefix));
	switch (route->kind) {
	case TOPO_ROUTE_CONNECTED:
		printf("    %s dev %s%s\n", prefix,
		       topo->ifaces[route->iface].name, suffix);
		break;
	case TOPO_ROUTE_VIA:
		printf("    %s via %s dev %s%s\n", prefix,
		       topo_format_ipv4(route->gateway, gw),
		       topo->ifaces[route->iface].name, suffix);
		break;
	default:
		printf("    %s %s%s\n", kinds[route->kind], prefix, suffix);
		break;
	}
}

/* As print_route(), for an IPv6 route; ::/0 is the IPv6 default. */
static void print_route6(const struct topology *topo,
			 const struct topo_route6 *route)
{
	static const char *const kinds[] = {
		[TOPO_ROUTE_BLACKHOLE] = "blackhole",
		[TOPO_ROUTE_UNREACHABLE] = "unreachable",
		[TOPO_ROUTE_PROHIBIT] = "prohibit",
	};
	const char *suffix = route->is_static ? " (static)" : "";
	char prefix[48], gw[48];

	topo_format_ipv6(&route->prefix, prefix);
	switch (route->kind) {
	case TOPO_ROUTE_CONNECTED:
		printf("    %s/%u dev %s%s\n", prefix, route->plen,
		       topo->ifaces[route->iface].name, suffix);
		break;
	case TOPO_ROUTE_VIA:
		printf("    %s/%u via %s dev %s%s\n", prefix, route->plen,
		       topo_format_ipv6(&route->gateway, gw),
		       topo->ifaces[route->iface].name, suffix);
		break;
	default:
		printf("    %s %s/%u%s\n", kinds[route->kind], prefix,
		       route->plen, suffix);
		break;
	}
}

/*
 * Prints an interface, with what its link does to the packets it sends,
 * and then its IPv6 addresses, if it has any.
 */
static void print_iface(const struct topology *topo, int i)
{
	const struct topo_iface *iface = &topo->ifaces[i];
	const struct topo_iface *peer;
	const struct topo_link *link;
	char addr[16], addr6[48], ll6[48], impair[256];

	if (iface->link < 0) {
		/* A loopback may have an address of one family only. */
		printf("  %s", iface->name);
		if (iface->plen)
			printf(" %s/%u", topo_format_ipv4(iface->addr, addr),
			       iface->plen);
		if (iface->plen6)
			printf(" %s/%u", topo_format_ipv6(&iface->addr6, addr6),
			       iface->plen6);
		printf(", loopback\n");
		return;
	}
	link = &topo->links[iface->link];
	topo_format_impair(&link->dir[topo_link_dir(topo, iface->link, i)],
			   impair, sizeof(impair));
	if (link->lan) {
		char name[TOPO_LINK_NAME_MAX];

		printf("  %s %s/%u -- %s, %s, mtu %" PRIu32 "%s\n", iface->name,
		       topo_format_ipv4(iface->addr, addr), iface->plen,
		       topo_link_name(topo, iface->link, name, sizeof(name)),
		       impair, link->mtu, link->down ? ", link down" : "");
	} else {
		peer = &topo->ifaces[iface->peer];
		/* The kernel's end is named after the TUN device already. */
		printf("  %s %s/%u -- %s%s%s, %s, mtu %" PRIu32 "%s\n",
		       iface->name, topo_format_ipv4(iface->addr, addr),
		       iface->plen, topo->nodes[peer->node].name,
		       topo->nodes[peer->node].kind == TOPO_NODE_KERNEL ? ""
									: " ",
		       topo->nodes[peer->node].kind == TOPO_NODE_KERNEL
			   ? ""
			   : peer->name,
		       impair, link->mtu, link->down ? ", link down" : "");
	}
	if (iface->plen6)
		printf("    ipv6 %s/%u, link-local %s/64\n",
		       topo_format_ipv6(&iface->addr6, addr6), iface->plen6,
		       topo_format_ipv6(&iface->ll6, ll6));
}

static void print_node(const struct topology *topo, int node)
{
	const struct topo_node *n = &topo->nodes[node];
	char text[512], duration[24];
	int i;

	printf("%s %s\n", node_kind_name(n->kind), n->name);
	for (i = 0; i < n->n_ifaces; i++)
		print_iface(topo, n->first_iface + i);
	if (topo_format_icmp(&n->icmp, text, sizeof(text))[0])
		printf("  icmp: %s\n", text);
	if (n->reasm_timeout_us != TOPO_DEFAULT_REASM_TIMEOUT_US) {
		format_duration(n->reasm_timeout_us, duration,
				sizeof(duration));
		printf("  reassembly timeout: %s\n", duration);
	}
	if (n->n_tcp_open) {
		printf("  tcp open:");
		for (i = 0; i < n->n_tcp_open; i++)
			printf(" %u", n->tcp_open[i]);
		printf("\n");
	}
	if (n->kind == TOPO_NODE_KERNEL)
		return;
	printf("  routes:\n");
	for (i = 0; i < n->n_routes; i++)
		print_route(topo, &n->routes[i]);
	if (!topo->ipv6)
		return;
	printf("  ipv6 routes:\n");
	for (i = 0; i < n->n_routes6; i++)
		print_route6(topo, &n->routes6[i]);
}

/* Prints "@n @noun", with an "s" when @n is not 1, then @sep. */
static void print_count(int n, const char *noun, const char *sep)
{
	printf("%d %s%s%s", n, noun, n == 1 ? "" : "s", sep);
}

static int cmd_check(const char *path)
{
	struct topo_error err;
	struct topology *topo;
	int counts[3] = { 0 };
	int i;

	topo = load(path, &err);
	if (!topo) {
		fprintf(stderr, "hopsim: %s\n", err.message);
		return EXIT_INVALID;
	}
	for (i = 0; i < topo->n_nodes; i++)
		counts[topo->nodes[i].kind]++;
	printf("%s: valid: ", topo->source);
	print_count(counts[TOPO_NODE_ROUTER], "router", ", ");
	print_count(counts[TOPO_NODE_HOST], "host", ", ");
	print_count(counts[TOPO_NODE_KERNEL], "TUN device", ", ");
	print_count(topo->n_links - topo->n_tuns, "link", "\n");
	for (i = 0; i < topo->n_nodes; i++) {
		printf("\n");
		print_node(topo, i);
	}
	if (topo->n_events)
		printf("\ntimeline:\n");
	for (i = 0; i < topo->n_events; i++) {
		char at[24], text[1024];

		/* Timeline times may pass the 32 bits of format_duration(). */
		if (topo->events[i].at_us % 1000000u == 0)
			snprintf(at, sizeof(at), "%" PRIu64 "s",
				 topo->events[i].at_us / 1000000u);
		else
			snprintf(at, sizeof(at), "%" PRIu64 "us",
				 topo->events[i].at_us);
		printf("  at %s: %s\n", at,
		       topo_format_event(topo, &topo->events[i], text,
					 sizeof(text)));
	}
	topo_destroy(topo);
	return EXIT_OK;
}

/*
 * Resolves DEST, an address of either family or a node's name, to an
 * address, and sets @is_ipv6 to its family.  A name resolves to the
 * node's first IPv4 address, or with @ipv6 to its first global IPv6
 * address.  Returns 0, -ENOENT for an unknown name, -EADDRNOTAVAIL for a
 * node without IPv6, or -EAFNOSUPPORT for an IPv4 address with @ipv6.
 */
static int resolve_dest(const struct topology *topo, const char *text,
			bool ipv6, uint32_t *addr, struct pkt_in6 *addr6,
			bool *is_ipv6)
{
	const struct topo_node *n;
	int node, i;

	*is_ipv6 = topo_parse_ipv6(text, addr6) == 0;
	if (*is_ipv6)
		return 0;
	if (topo_parse_ipv4(text, addr) == 0)
		return ipv6 ? -EAFNOSUPPORT : 0;
	node = topo_node_find(topo, text);
	if (node < 0 || topo->nodes[node].n_ifaces == 0)
		return -ENOENT;
	n = &topo->nodes[node];
	if (!ipv6) {
		*addr = topo->ifaces[n->first_iface].addr;
		return 0;
	}
	for (i = n->first_iface; i < n->first_iface + n->n_ifaces; i++) {
		if (topo->ifaces[i].plen6 == 0)
			continue;
		*addr6 = topo->ifaces[i].addr6;
		*is_ipv6 = true;
		return 0;
	}
	return -EADDRNOTAVAIL;
}

static int find_tun(const struct topology *topo, const char *name)
{
	int i;

	if (!name)
		return 0;
	for (i = 0; i < topo->n_tuns; i++) {
		if (strcmp(topo->tuns[i].name, name) == 0)
			return i;
	}
	return -1;
}

/* Prints one line per hop as `traceroute -n` does, "<ttl> *" for none. */
static void print_hops(const struct topo_hop *hops, int n, bool is_ipv6)
{
	static const char *const marks[] = {
		[TOPO_HOP_NET_UNREACH] = " !N",
		[TOPO_HOP_HOST_UNREACH] = " !H",
		[TOPO_HOP_PROHIBITED] = " !X",
	};
	char addr[48], mark[16];
	int i;

	for (i = 0; i < n; i++) {
		if (hops[i].mark == TOPO_HOP_SILENT) {
			printf("%d *\n", hops[i].ttl);
			continue;
		}
		if (hops[i].mark == TOPO_HOP_UNREACH_OTHER)
			snprintf(mark, sizeof(mark), " !<%u>", hops[i].code);
		else
			snprintf(mark, sizeof(mark), "%s",
				 marks[hops[i].mark] ? marks[hops[i].mark]
						     : "");
		if (is_ipv6)
			topo_format_ipv6(&hops[i].addr6, addr);
		else
			topo_format_ipv4(hops[i].addr, addr);
		printf("%d %s%s\n", hops[i].ttl, addr, mark);
	}
}

/*
 * Prints the hops to DEST, an address of either family or a node's
 * name, which @ipv6 resolves to its IPv6 address, and the path MTU.
 */
static bool in_prefix6(const struct pkt_in6 *addr, const struct pkt_in6 *prefix,
		       unsigned int plen)
{
	unsigned int whole = plen / 8, rest = plen % 8;

	if (memcmp(addr->b, prefix->b, whole) != 0)
		return false;
	return rest == 0 || ((addr->b[whole] ^ prefix->b[whole]) &
			     (0xff << (8 - rest))) == 0;
}

static bool in_prefix4(uint32_t addr, uint32_t prefix, uint8_t plen)
{
	return plen == 0 || (addr ^ prefix) >> (32 - plen) == 0;
}

/* True when `hopsim run` routes @dst into TUN @tun: its own subnet or
 * one of the prefixes it adds routes for. */
static bool kernel_routes(const struct topology *topo, int tun, bool v6,
			  uint32_t dst, const struct pkt_in6 *dst6)
{
	const struct topo_iface *k =
	    &topo->ifaces[topo->tuns[tun].kernel_iface];
	struct topo_prefix6 *p6 = NULL;
	struct topo_prefix *p4 = NULL;
	bool found = false;
	int i, n;

	if (v6 ? k->plen6 && in_prefix6(dst6, &k->addr6, k->plen6)
	       : k->plen && in_prefix4(dst, k->addr, k->plen))
		return true;

	n = v6 ? topo_tun_prefixes6(topo, tun, NULL, 0)
	       : topo_tun_prefixes(topo, tun, NULL, 0);
	if (n <= 0)
		return false;
	if (v6)
		p6 = calloc((size_t)n, sizeof(*p6));
	else
		p4 = calloc((size_t)n, sizeof(*p4));
	/* Without memory the note is only left out. */
	if (!p6 && !p4)
		return true;

	if (v6)
		n = topo_tun_prefixes6(topo, tun, p6, n);
	else
		n = topo_tun_prefixes(topo, tun, p4, n);
	for (i = 0; i < n && !found; i++)
		found = v6 ? in_prefix6(dst6, &p6[i].prefix, p6[i].plen)
			   : in_prefix4(dst, p4[i].prefix, p4[i].plen);
	free(p6);
	free(p4);
	return found;
}

static int cmd_path(const char *path, const char *dest, const char *from,
		    int max_ttl, bool ipv6)
{
	struct topo_hop hops[256];
	struct topo_error err;
	struct topology *topo;
	struct pkt_in6 dst6;
	uint32_t dst, mtu;
	bool is_ipv6;
	int tun, n, ret;

	topo = load(path, &err);
	if (!topo) {
		fprintf(stderr, "hopsim: %s\n", err.message);
		return EXIT_INVALID;
	}
	tun = find_tun(topo, from);
	if (tun < 0) {
		fprintf(stderr, "hopsim: --from: no TUN device '%s' in %s\n",
			from, topo->source);
		topo_destroy(topo);
		return EXIT_INVALID;
	}
	ret = resolve_dest(topo, dest, ipv6, &dst, &dst6, &is_ipv6);
	if (ret == -EAFNOSUPPORT)
		fprintf(
		    stderr,
		    "hopsim: '%s' is an IPv4 address, but -6 asks for IPv6\n",
		    dest);
	else if (ret == -EADDRNOTAVAIL)
		fprintf(stderr, "hopsim: node '%s' of %s has no IPv6 address\n",
			dest, topo->source);
	else if (ret < 0)
		fprintf(stderr,
			"hopsim: '%s' is neither an address nor a node of %s\n",
			dest, topo->source);
	if (ret < 0) {
		topo_destroy(topo);
		return EXIT_INVALID;
	}

	if (!kernel_routes(topo, tun, is_ipv6, dst, &dst6))
		fprintf(
		    stderr,
		    "hopsim: note: hopsim does not route %s into %s, so the kernel answers traceroute with 'Network is unreachable' unless a route for it is added; the hops below are what the topology does with it\n",
		    dest, topo->tuns[tun].name);
	if (is_ipv6) {
		n = topo_path6(topo, tun, &dst6, max_ttl, hops, 256);
		mtu = topo_path_mtu6(topo, tun, &dst6);
	} else {
		n = topo_path(topo, tun, dst, max_ttl, hops, 256);
		mtu = topo_path_mtu(topo, tun, dst);
	}
	if (n < 0 && is_ipv6)
		fprintf(
		    stderr,
		    "hopsim: tun %s of %s has no IPv6 (the file turns IPv6 off, or its mtu is below 1280)\n",
		    topo->tuns[tun].name, topo->source);
	print_hops(hops, n, is_ipv6);
	if (n >= 0)
		printf("pmtu %" PRIu32 "\n", mtu);
	topo_destroy(topo);
	return n < 0 ? EXIT_INVALID : EXIT_OK;
}

/* Everything `hopsim run` set up, for teardown in reverse. */
struct run_state {
	struct cli *cli;
	bool netns_created;
	const char *netns;
	struct io_net *net;
	int *fds;
	int n_fds;
	struct engine *engine;
	struct io_loop *loop;
};

/* Describes the transport of @packet for the per-hop trace. */
static void format_transport(const uint8_t *packet, size_t len,
			     const struct pkt_ipv4 *ip, char *buf, size_t size)
{
	const uint8_t *l4 = packet + ip->hdr_len;
	size_t l4_len = len - ip->hdr_len;

	if (pkt_ipv4_is_later_fragment(ip)) {
		snprintf(buf, size, "proto %u fragment offset %u", ip->proto,
			 (ip->frag & PKT_IP_OFFSET) * 8);
	} else if (ip->proto == PKT_PROTO_ICMP && l4_len >= PKT_ICMP_HDR) {
		if (l4[0] == PKT_ICMP_ECHO || l4[0] == PKT_ICMP_ECHO_REPLY)
			snprintf(buf, size, "icmp %s id %u seq %u",
				 l4[0] ? "echo-request" : "echo-reply",
				 pkt_get16(l4 + 4), pkt_get16(l4 + 6));
		else
			snprintf(buf, size, "icmp %u/%u", l4[0], l4[1]);
	} else if (ip->proto == PKT_PROTO_UDP && l4_len >= PKT_UDP_HDR) {
		snprintf(buf, size, "udp %u > %u", pkt_get16(l4),
			 pkt_get16(l4 + 2));
	} else if (ip->proto == PKT_PROTO_TCP && l4_len >= PKT_TCP_MIN_HDR) {
		snprintf(buf, size, "tcp %u > %u flags 0x%02x", pkt_get16(l4),
			 pkt_get16(l4 + 2), l4[13]);
	} else {
		snprintf(buf, size, "proto %u", ip->proto);
	}
}

static void format_decision(const struct topology *topo,
			    const struct engine_event *ev, char *buf,
			    size_t size)
{
	char answer[48] = "";

	if (ev->answer_proto == PKT_PROTO_ICMP)
		snprintf(answer, sizeof(answer), ", sent icmp %u/%u",
			 ev->icmp_type, ev->icmp_code);
	else if (ev->answer_proto == PKT6_NH_ICMPV6)
		snprintf(answer, sizeof(answer), ", sent icmp6 %u/%u",
			 ev->icmp_type, ev->icmp_code);
	else if (ev->answer_proto == PKT_PROTO_TCP)
		snprintf(answer, sizeof(answer), ", sent tcp %s",
			 ev->tcp_flags & PKT_TCP_SYN ? "syn-ack" : "rst");

	switch (ev->action) {
	case ENGINE_FORWARDED:
		snprintf(buf, size, "forwarded to %s%s",
			 topo->nodes[ev->next_node].name, answer);
		break;
	case ENGINE_DELIVERED:
		snprintf(buf, size, "delivered%s", answer);
		break;
	case ENGINE_ANSWERED:
		snprintf(buf, size, "delivered%s", answer);
		break;
	case ENGINE_DROPPED:
		snprintf(buf, size, "dropped: %s%s",
			 engine_drop_name(ev->reason), answer);
		break;
	case ENGINE_LEFT:
		snprintf(buf, size, "written to the TUN device");
		break;
	}
}

/* The trace line of an IPv6 packet. */
static void trace_event6(const struct run_state *st,
			 const struct engine_event *ev, const char *iface)
{
	const struct cli *cli = st->cli;
	const struct topology *topo = cli->topo;
	char src[48], dst[48], transport[64], decision[96];
	struct pkt6_chain chain;
	struct pkt_ipv6 ip;
	const uint8_t *l4;

	format_decision(topo, ev, decision, sizeof(decision));
	if (pkt6_parse(ev->packet, ev->len, &ip) != PKT6_VALID) {
		printf("%10.6f %s %s: %zu bytes, not IPv6: %s\n",
		       (double)(ev->time_us - cli->start_us) / 1e6,
		       topo->nodes[ev->node].name, iface, ev->len, decision);
		return;
	}
	pkt6_walk(ev->packet, &ip, 0, &chain);
	l4 = ev->packet + chain.l4_off;
	if (chain.proto == PKT6_NH_ICMPV6 && chain.l4_off + 8u <= ev->len &&
	    (l4[0] == PKT_ICMP6_ECHO_REQUEST || l4[0] == PKT_ICMP6_ECHO_REPLY))
		snprintf(transport, sizeof(transport), "icmp6 %s id %u seq %u",
			 l4[0] == PKT_ICMP6_ECHO_REQUEST ? "echo-request"
							 : "echo-reply",
			 pkt_get16(l4 + 4), pkt_get16(l4 + 6));
	else if (chain.proto == PKT6_NH_ICMPV6 && chain.l4_off + 2u <= ev->len)
		snprintf(transport, sizeof(transport), "icmp6 %u/%u", l4[0],
			 l4[1]);
	else if ((chain.proto == PKT6_NH_UDP || chain.proto == PKT6_NH_TCP) &&
		 chain.l4_off + 4u <= ev->len)
		snprintf(transport, sizeof(transport), "%s %u > %u",
			 chain.proto == PKT6_NH_UDP ? "udp" : "tcp",
			 pkt_get16(l4), pkt_get16(l4 + 2));
	else
		snprintf(transport, sizeof(transport), "next-header %u",
			 chain.proto);
	printf("%10.6f %s %s: %s > %s %s hlim %u len %zu: %s\n",
	       (double)(ev->time_us - cli->start_us) / 1e6,
	       topo->nodes[ev->node].name, iface,
	       topo_format_ipv6(&ip.src, src), topo_format_ipv6(&ip.dst, dst),
	       transport, ip.hop_limit, ev->len, decision);
}

/* Prints one line per packet per hop: time, node, interface, packet,
 * decision. */
static void trace_event(void *ctx, const struct engine_event *ev)
{
	const struct run_state *st = ctx;
	const struct cli *cli = st->cli;
	const struct topology *topo = cli->topo;
	struct pkt_ipv4 ip;
	char src[16], dst[16], transport[64], decision[96];
	const char *iface =
	    ev->iface >= 0 ? topo->ifaces[ev->iface].name : "local";

	/* The kernel's end of a TUN device has the device's name. */
	if (topo->nodes[ev->node].kind == TOPO_NODE_KERNEL)
		iface = "tun";

	if (ev->len >= 1 && ev->packet[0] >> 4 == 6) {
		trace_event6(st, ev, iface);
		return;
	}
	if (pkt_ipv4_parse(ev->packet, ev->len, &ip) != PKT_VALID) {
		printf("%10.6f %s %s: %zu bytes, not IPv4: dropped: %s\n",
		       (double)(ev->time_us - cli->start_us) / 1e6,
		       topo->nodes[ev->node].name, iface, ev->len,
		       engine_drop_name(ev->reason));
		return;
	}
	format_transport(ev->packet, ev->len, &ip, transport,
			 sizeof(transport));
	format_decision(topo, ev, decision, sizeof(decision));
	printf("%10.6f %s %s: %s > %s %s ttl %u len %u: %s\n",
	       (double)(ev->time_us - cli->start_us) / 1e6,
	       topo->nodes[ev->node].name, iface, topo_format_ipv4(ip.src, src),
	       topo_format_ipv4(ip.dst, dst), transport, ip.ttl, ip.total_len,
	       decision);
}

/* True when the current namespace has a device other than lo, whose
 * name goes to @name. */
static bool netns_device_in_use(char *name, size_t size)
{
	struct if_nameindex *list = if_nameindex(), *i;
	bool found = false;

	if (!list)
		return false;
	for (i = list; i->if_index; i++) {
		if (strcmp(i->if_name, "lo") != 0) {
			snprintf(name, size, "%s", i->if_name);
			found = true;
			break;
		}
	}
	if_freenameindex(list);
	return found;
}

static void teardown(struct cli *cli, struct run_state *st)
{
	char busy[IF_NAMESIZE + 1];
	struct io_error err;
	int i;

	io_loop_destroy(st->loop);
	engine_destroy(st->engine);
	io_net_destroy(st->net);
	for (i = 0; i < st->n_fds; i++) {
		if (st->fds[i] >= 0)
			close(st->fds[i]);
	}
	free(st->fds);
	if (!st->netns_created)
		return;
	if (netns_device_in_use(busy, sizeof(busy))) {
		say(cli, LOG_WARN,
		    "%s: not removing the namespace: device %s is still in it (another program or hopsim uses it; remove it with `ip netns del %s`)",
		    st->netns, busy, st->netns);
		return;
	}
	if (io_netns_remove(st->netns, &err) < 0)
		say(cli, LOG_ERROR, "%s", err.message);
}

static int tun_subnet(const struct topology *topo, int tun,
		      struct io_prefix *prefix)
{
	const struct topo_iface *k =
	    &topo->ifaces[topo->tuns[tun].kernel_iface];
	uint32_t mask = k->plen ? ~0u << (32 - k->plen) : 0;

	prefix->prefix = k->addr & mask;
	prefix->plen = k->plen;
	return 0;
}

/* Returns room enough for the prefixes of any one TUN device. */
static int tun_prefix_room(const struct topology *topo)
{
	int i, n, room = 1;

	for (i = 0; i < topo->n_tuns; i++) {
		n = topo_tun_prefixes(topo, i, NULL, 0);
		if (n > room)
			room = n;
	}
	return room;
}

/* Collects every prefix the kernel will route into a TUN device. */
static int collect_prefixes(const struct topology *topo, struct io_prefix **out)
{
	struct topo_prefix *tp = NULL;
	struct io_prefix *all;
	int n = 0, t, i, k, cap = tun_prefix_room(topo);

	/* Each TUN's own subnet and at most cap prefixes routed into it. */
	all =
	    calloc(((size_t)cap + 1) * (size_t)topo->n_tuns + 1, sizeof(*all));
	tp = calloc((size_t)cap, sizeof(*tp));
	if (!all || !tp) {
		free(all);
		free(tp);
		return -ENOMEM;
	}
	for (t = 0; t < topo->n_tuns; t++) {
		tun_subnet(topo, t, &all[n++]);
		k = topo_tun_prefixes(topo, t, tp, cap);
		for (i = 0; i < k && i < cap; i++) {
			all[n].prefix = tp[i].prefix;
			all[n++].plen = tp[i].plen;
		}
	}
	free(tp);
	*out = all;
	return n;
}

/* Adds the IPv6 addresses of TUN @t's kernel end and its IPv6 routes. */
static int setup_tun6(struct cli *cli, struct run_state *st, int t,
		      struct io_error *err)
{
	const struct topology *topo = cli->topo;
	const struct topo_tun *tun = &topo->tuns[t];
	const struct topo_iface *k = &topo->ifaces[tun->kernel_iface];
	struct topo_prefix6 *tp;
	int i, n, ret;

	ret = io_net_addr_add6(st->net, tun->name, &k->addr6, k->plen6, err);
	/* fe80::K:1, beside the link-local address the kernel makes. */
	if (ret == 0)
		ret = io_net_addr_add6(st->net, tun->name, &k->ll6, 64, err);
	if (ret < 0)
		return ret;
	n = topo_tun_prefixes6(topo, t, NULL, 0);
	if (n <= 0)
		return 0;
	tp = calloc((size_t)n, sizeof(*tp));
	if (!tp)
		return -ENOMEM;
	n = topo_tun_prefixes6(topo, t, tp, n);
	for (i = 0; i < n && ret == 0; i++) {
		struct io_prefix6 p = { .prefix = tp[i].prefix,
					.plen = tp[i].plen };

		/* On a LAN the kernel routes via the router, so that it
		 * takes the router's redirects (which come from its
		 * link-local address). */
		if (topo->links[k->link].lan) {
			p.has_gateway = true;
			p.gateway = topo->ifaces[tun->router_iface].ll6;
		}
		ret = io_net_route_add6(st->net, tun->name, &p, err);
	}
	free(tp);
	return ret;
}

/* Fails when an IPv6 prefix of the topology overlaps a route already in
 * the namespace. */
static int check_overlap6(const struct topology *topo, struct io_net *net,
			  struct io_error *err)
{
	struct io_prefix6 *all;
	struct topo_prefix6 *tp;
	int t, i, k, n = 0, cap = 1, ret;

	for (t = 0; t < topo->n_tuns; t++) {
		k = topo_tun_prefixes6(topo, t, NULL, 0);
		cap += (k > 0 ? k : 0) + 1;
	}
	all = calloc((size_t)cap, sizeof(*all));
	tp = calloc((size_t)cap, sizeof(*tp));
	if (!all || !tp) {
		free(all);
		free(tp);
		return -ENOMEM;
	}
	for (t = 0; t < topo->n_tuns; t++) {
		const struct topo_iface *kif =
		    &topo->ifaces[topo->tuns[t].kernel_iface];

		if (kif->plen6 && n < cap) {
			all[n].prefix = kif->addr6;
			all[n++].plen = kif->plen6;
		}
		k = topo_tun_prefixes6(topo, t, tp, cap);
		for (i = 0; i < k && n < cap; i++) {
			all[n].prefix = tp[i].prefix;
			all[n++].plen = tp[i].plen;
		}
	}
	ret = io_net_check_overlap6(net, all, n, err);
	free(all);
	free(tp);
	return ret;
}

static int setup_tun(struct cli *cli, struct run_state *st, int t,
		     struct io_error *err)
{
	const struct topology *topo = cli->topo;
	const struct topo_tun *tun = &topo->tuns[t];
	const struct topo_iface *k = &topo->ifaces[tun->kernel_iface];
	struct topo_prefix *tp;
	int cap = tun_prefix_room(topo);
	int i, n, ret;
	char addr[16], text6[48], addr6[64] = "";

	st->fds[t] = io_tun_open(tun->name, err);
	if (st->fds[t] < 0)
		return st->fds[t];
	ret = io_net_link_up(st->net, tun->name, tun->mtu, err);
	if (ret == 0)
		ret =
		    io_net_addr_add(st->net, tun->name, k->addr, k->plen, err);
	if (ret < 0)
		return ret;

	tp = calloc((size_t)cap, sizeof(*tp));
	if (!tp)
		return -ENOMEM;
	n = topo_tun_prefixes(topo, t, tp, cap);
	for (i = 0; i < n && i < cap && ret == 0; i++) {
		struct io_prefix p = { tp[i].prefix, tp[i].plen, 0 };

		/* On a LAN the kernel routes via the router and takes its
		 * redirects. */
		if (topo->links[k->link].lan)
			p.gateway = topo->ifaces[tun->router_iface].addr;
		ret = io_net_route_add(st->net, tun->name, &p, err);
	}
	free(tp);
	if (ret == 0 && k->plen6)
		ret = setup_tun6(cli, st, t, err);
	if (ret == 0 && k->plen6)
		snprintf(addr6, sizeof(addr6), " and %s/%u",
			 topo_format_ipv6(&k->addr6, text6), k->plen6);
	if (ret == 0)
		say(cli, LOG_INFO,
		    "%s: up, address %s/%u%s, mtu %" PRIu32
		    ", %d IPv4 routes, attached to %s",
		    tun->name, topo_format_ipv4(k->addr, addr), k->plen, addr6,
		    tun->mtu, n,
		    topo->nodes[topo->ifaces[tun->router_iface].node].name);
	return ret;
}

/*
 * Warns about prefixes outside 198.18.0.0/15, the range set aside for
 * tests (RFC 2544): in a namespace shared with real traffic, hopsim
 * captures what the kernel sends to them.
 */
static void warn_outside_ranges(struct cli *cli, const struct io_prefix *p,
				int n)
{
	char text[24];
	int i;

	for (i = 0; i < n; i++) {
		if (p[i].plen >= 15 &&
		    (p[i].prefix >> 17) == (0xc6120000u >> 17))
			continue;
		format_prefix(p[i].prefix, p[i].plen, text, sizeof(text));
		say(cli, LOG_WARN,
		    "%s is outside 198.18.0.0/15: traffic this namespace sends there goes into the simulation",
		    text);
	}
}

/* The engine's kernel_gateway callback: a route lookup in the namespace. */
static int kernel_gateway(void *ctx, int tun, bool v6, const uint8_t *dst,
			  uint8_t gateway[16])
{
	const struct run_state *st = ctx;

	return io_net_route_get(st->net, st->cli->topo->tuns[tun].name, v6, dst,
				gateway);
}

/* Logs a timeline event as the engine applies it. */
static void log_timeline(void *ctx, const struct topo_event *event,
			 uint64_t now_us)
{
	const struct run_state *st = ctx;
	char text[256];

	(void)now_us;
	say(st->cli, LOG_INFO, "timeline at %.3f s: %s",
	    (double)event->at_us / 1e6,
	    topo_format_event(st->cli->topo, event, text, sizeof(text)));
}

static int output_packet(void *ctx, int tun, uint64_t due_us,
			 const uint8_t *packet, size_t len)
{
	struct run_state *st = ctx;

	return io_loop_output(st->loop, tun, due_us, packet, len);
}

static int setup(struct cli *cli, struct run_state *st, size_t queue_slots,
		 struct io_error *err)
{
	const struct topology *topo = cli->topo;
	struct engine_ops ops = {
		.output = output_packet,
		.timeline = log_timeline,
		.kernel_gateway = kernel_gateway,
	};
	struct io_prefix *prefixes = NULL;
	uint32_t slot_size = PKT_ICMP4_ERR_MAX;
	int i, n, ret;

	if (st->netns) {
		ret = io_netns_enter(st->netns, &st->netns_created, err);
		if (ret < 0)
			return ret;
	}
	st->net = io_net_create(err);
	if (!st->net)
		return -EIO;

	n = collect_prefixes(topo, &prefixes);
	if (n < 0)
		return n;
	ret = io_net_check_overlap(st->net, prefixes, n, err);
	if (ret == 0)
		warn_outside_ranges(cli, prefixes, n);
	free(prefixes);
	if (ret == 0)
		ret = check_overlap6(topo, st->net, err);
	if (ret < 0)
		return ret;

	st->fds = malloc(sizeof(*st->fds) * (size_t)topo->n_tuns);
	if (!st->fds)
		return -ENOMEM;
	for (i = 0; i < topo->n_tuns; i++)
		st->fds[i] = -1;
	st->n_fds = topo->n_tuns;
	for (i = 0; i < topo->n_tuns; i++) {
		if (topo->tuns[i].mtu > slot_size)
			slot_size = topo->tuns[i].mtu;
		ret = setup_tun(cli, st, i, err);
		if (ret < 0)
			return ret;
	}

	st->loop =
	    io_loop_create(st->fds, st->n_fds, queue_slots, slot_size, err);
	if (!st->loop)
		return -EIO;
	if (cli->level >= LOG_DEBUG)
		ops.trace = trace_event;
	st->engine = engine_create(cli->topo, &ops, st, cli->seed);
	if (!st->engine)
		return -errno;
	return 0;
}

static void report_counters(struct cli *cli, struct run_state *st)
{
	const struct io_loop_stats *s = io_loop_get_stats(st->loop);
	const uint64_t *drops = engine_drop_counters(st->engine);
	int i;

	say(cli, LOG_INFO,
	    "%" PRIu64 " packets read, %" PRIu64 " written, %" PRIu64
	    " write errors, %" PRIu64 " dropped for a full queue",
	    s->packets_read, s->packets_written, s->write_errors,
	    s->queue_full + s->too_big);
	for (i = 0; i < ENGINE_DROP_COUNT; i++) {
		bool suppressed = i == ENGINE_DROP_ICMP_SILENT ||
				  i == ENGINE_DROP_ICMP_RATE_LIMITED ||
				  i == ENGINE_DROP_ICMP_FRAG_NEEDED_OFF;

		if (drops[i])
			say(cli, LOG_INFO, "  %s %" PRIu64 ": %s",
			    suppressed ? "ICMP errors not sent" : "dropped",
			    drops[i], engine_drop_name((enum engine_drop)i));
	}
}

static int cmd_run(struct cli *cli, const char *path, const char *netns,
		   size_t queue_slots)
{
	struct run_state st = { .cli = cli, .netns = netns };
	struct topo_error terr;
	struct io_error err;
	struct topology *topo;
	sigset_t mask;
	int ret, status = EXIT_OK;

	topo = load(path, &terr);
	if (!topo) {
		say(cli, LOG_ERROR, "%s", terr.message);
		return EXIT_INVALID;
	}
	cli->topo = topo;

	/* Signals wait in the signalfd from here on, so a Ctrl-C during
	 * setup still tears everything down. */
	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGHUP);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	/* A closed pipe on -v output must not kill hopsim before it tears
	 * down what it set up. */
	signal(SIGPIPE, SIG_IGN);

	ret = setup(cli, &st, queue_slots, &err);
	if (ret < 0) {
		say(cli, LOG_ERROR, "%s", err.message);
		status = EXIT_SYSTEM;
		goto out;
	}
	cli->start_us = io_loop_now();
	say(cli, LOG_INFO,
	    "running %s%s%s: %d nodes, seed %" PRIu64 "; stop with Ctrl-C",
	    topo->source, netns ? " in namespace " : "", netns ? netns : "",
	    topo->n_nodes, cli->seed);

	ret = io_loop_run(st.loop, st.engine, &err);
	if (ret < 0) {
		say(cli, LOG_ERROR, "%s", err.message);
		status = EXIT_SYSTEM;
	} else {
		say(cli, LOG_INFO, "stopping on %s", strsignal(ret));
	}
	report_counters(cli, &st);
out:
	teardown(cli, &st);
	topo_destroy(topo);
	return status;
}

/* True when @a and @b name the same existing file. */
static bool same_file(const char *a, const char *b)
{
	struct stat sa, sb;

	if (stat(a, &sa) < 0 || stat(b, &sb) < 0)
		return false;
	return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

static int cmd_replay(struct cli *cli, const char *path, const char *in,
		      const char *out, const char *from)
{
	struct run_state st = { .cli = cli };
	struct io_replay_stats stats;
	struct topo_error terr;
	struct io_error err;
	struct topology *topo;
	int tun, ret;

	topo = load(path, &terr);
	if (!topo) {
		say(cli, LOG_ERROR, "%s", terr.message);
		return EXIT_INVALID;
	}
	cli->topo = topo;
	tun = find_tun(topo, from);
	if (tun < 0) {
		say(cli, LOG_ERROR, "--from: no TUN device '%s' in %s", from,
		    topo->source);
		topo_destroy(topo);
		return EXIT_INVALID;
	}

	if (same_file(in, out)) {
		say(cli, LOG_ERROR,
		    "replay: %s is both the input and the output capture; name another file for the output",
		    out);
		topo_destroy(topo);
		return EXIT_USAGE;
	}
	ret = io_pcap_replay(topo, tun, cli->seed, in, out,
			     cli->level >= LOG_DEBUG ? trace_event : NULL, &st,
			     &stats, &err);
	if (ret < 0) {
		say(cli, LOG_ERROR, "%s", err.message);
	} else {
		say(cli, LOG_INFO,
		    "%s: %" PRIu64 " packets read, %" PRIu64
		    " skipped, %" PRIu64 " written to %s",
		    in, stats.packets_read, stats.packets_skipped,
		    stats.packets_written, out);
	}
	topo_destroy(topo);
	return ret < 0 ? EXIT_SYSTEM : EXIT_OK;
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "netns", required_argument, NULL, 'n' },
		{ "queue", required_argument, NULL, 'Q' },
		{ "seed", required_argument, NULL, 's' },
		{ "ipv6", no_argument, NULL, '6' },
		{ "from", required_argument, NULL, 'f' },
		{ "max-ttl", required_argument, NULL, 'm' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct cli cli = { .level = LOG_INFO };
	bool seeded = false, ipv6 = false;
	const char *netns = NULL, *from = NULL, *verb;
	long queue_slots = DEFAULT_QUEUE_SLOTS, max_ttl = DEFAULT_MAX_TTL;
	int opt, nargs;
	char **args;

	setvbuf(stdout, NULL, _IOLBF, 0);
	while ((opt = getopt_long(argc, argv, "+vqhV", options, NULL)) != -1) {
		switch (opt) {
		case 'h':
			fputs(usage_text, stdout);
			fputs(help_text, stdout);
			return EXIT_OK;
		case 'V':
			printf("hopsim %s\n", HOPSIM_VERSION);
			return EXIT_OK;
		default:
			return usage_error("options go after the command");
		}
	}
	if (optind >= argc)
		return usage_error("missing command");
	verb = argv[optind];

	/* The command's own options may come before or after its arguments.
	 * Scan from the command on; optind 0 makes GNU getopt start afresh. */
	argc -= optind;
	argv += optind;
	optind = 0;
	while ((opt = getopt_long(argc, argv, "6vqhV", options, NULL)) != -1) {
		switch (opt) {
		case '6':
			ipv6 = true;
			break;
		case 'n':
			netns = optarg;
			break;
		case 'Q':
			if (parse_number("--queue", optarg, 1, 1 << 20,
					 &queue_slots) < 0)
				return EXIT_USAGE;
			break;
		case 'f':
			from = optarg;
			break;
		case 's':
			if (parse_seed(optarg, &cli.seed) < 0)
				return EXIT_USAGE;
			seeded = true;
			break;
		case 'm':
			if (parse_number("--max-ttl", optarg, 1, 255,
					 &max_ttl) < 0)
				return EXIT_USAGE;
			break;
		case 'v':
			cli.level = LOG_DEBUG;
			break;
		case 'q':
			cli.level = LOG_ERROR;
			break;
		case 'h':
			fputs(usage_text, stdout);
			fputs(help_text, stdout);
			return EXIT_OK;
		case 'V':
			printf("hopsim %s\n", HOPSIM_VERSION);
			return EXIT_OK;
		default:
			fputs(usage_text, stderr);
			return EXIT_USAGE;
		}
	}
	args = argv + optind;
	nargs = argc - optind;
	if (!seeded)
		cli.seed = clock_seed();

	if (strcmp(verb, "run") == 0) {
		if (nargs > 1)
			return usage_error("run: too many arguments");
		if (from)
			return usage_error("run: --from applies to path only");
		return cmd_run(&cli, nargs ? args[0] : NULL, netns,
			       (size_t)queue_slots);
	}
	if (strcmp(verb, "check") == 0) {
		if (nargs != 1)
			return usage_error("check: expected TOPOLOGY");
		return cmd_check(args[0]);
	}
	if (strcmp(verb, "path") == 0) {
		if (nargs != 2)
			return usage_error("path: expected TOPOLOGY DEST");
		return cmd_path(args[0], args[1], from, (int)max_ttl, ipv6);
	}
	if (strcmp(verb, "replay") == 0) {
		if (nargs != 3)
			return usage_error(
			    "replay: expected TOPOLOGY IN.pcap OUT.pcap");
		return cmd_replay(&cli, args[0], args[1], args[2], from);
	}
	return usage_error("unknown command '%s'", verb);
}
