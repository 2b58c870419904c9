/* SPDX-License-Identifier: MIT */
/* Link, address and route configuration through libnl-route-3. */

#include <arpa/inet.h>
#include <errno.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netlink/errno.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/route.h>
#include <netlink/route/rtnl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "hopsim/io.h"

/* Room for "255.255.255.255/255", so an out-of-range length prints too. */
#define PREFIX_STRLEN (INET6_ADDRSTRLEN + 4)

enum added_kind {
	ADDED_ADDRESS,
	ADDED_ROUTE,
};

/* An address or route that this session added, to remove on destroy. */
struct added {
	struct added *older;
	enum added_kind kind;
	struct nl_object *object;
};

struct io_net {
	struct nl_sock *sock;
	struct added *newest;
};

__attribute__((format(printf, 2, 3))) static void
set_error(struct io_error *err, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return;
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
}

/* Maps a negative libnl error code to a negative errno. */
static int nlerr_to_errno(int nlerr)
{
	switch (nlerr < 0 ? -nlerr : nlerr) {
	case NLE_SUCCESS:
		return 0;
	case NLE_INTR:
		return -EINTR;
	case NLE_BAD_SOCK:
		return -EBADF;
	case NLE_AGAIN:
		return -EAGAIN;
	case NLE_NOMEM:
		return -ENOMEM;
	case NLE_EXIST:
		return -EEXIST;
	case NLE_INVAL:
		return -EINVAL;
	case NLE_RANGE:
		return -ERANGE;
	case NLE_MSGSIZE:
		return -EMSGSIZE;
	case NLE_OPNOTSUPP:
		return -EOPNOTSUPP;
	case NLE_AF_NOSUPPORT:
		return -EAFNOSUPPORT;
	case NLE_OBJ_NOTFOUND:
		return -ENOENT;
	case NLE_NOADDR:
		return -EADDRNOTAVAIL;
	case NLE_BUSY:
		return -EBUSY;
	case NLE_PERM:
		return -EPERM;
	case NLE_NOACCESS:
		return -EACCES;
	case NLE_NODEV:
		return -ENODEV;
	case NLE_PROTO_MISMATCH:
		return -EPROTONOSUPPORT;
	default:
		return -EIO;
	}
}

static const char *nlerr_hint(int nlerr)
{
	if (nlerr == -NLE_PERM || nlerr == -NLE_NOACCESS)
		return " (run as root or grant CAP_NET_ADMIN)";
	return "";
}

static uint32_t prefix_mask(uint8_t plen)
{
	return plen == 0 ? 0 : UINT32_MAX << (32 - plen);
}

static void format_prefix(char *buf, uint32_t addr, uint8_t plen)
{
	struct in_addr in = { .s_addr = htonl(addr) };
	char text[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &in, text, sizeof(text));
	snprintf(buf, PREFIX_STRLEN, "%s/%u", text, (unsigned int)plen);
}

static struct nl_addr *build_nl_addr(uint32_t addr, uint8_t plen)
{
	uint32_t be = htonl(addr);
	struct nl_addr *nl_addr;

	nl_addr = nl_addr_build(AF_INET, &be, sizeof(be));
	if (nl_addr)
		nl_addr_set_prefixlen(nl_addr, plen);
	return nl_addr;
}

static int remember(struct io_net *net, enum added_kind kind,
		    struct nl_object *object)
{
	struct added *entry;

	entry = calloc(1, sizeof(*entry));
	if (!entry)
		return -ENOMEM;
	entry->kind = kind;
	entry->object = object;
	entry->older = net->newest;
	net->newest = entry;
	return 0;
}

/* Looks up @ifname in the session's namespace.  The caller puts *@link. */
static int find_link(struct io_net *net, const char *ifname,
		     struct rtnl_link **link, struct io_error *err)
{
	int ret;

	ret = rtnl_link_get_kernel(net->sock, 0, ifname, link);
	if (ret == -NLE_OBJ_NOTFOUND || ret == -NLE_NODEV) {
		set_error(err, "%s: network device not found", ifname);
		return -ENODEV;
	}
	if (ret < 0) {
		set_error(err, "%s: unable to look up network device: %s%s",
			  ifname, nl_geterror(ret), nlerr_hint(ret));
		return nlerr_to_errno(ret);
	}
	return 0;
}

static int find_ifindex(struct io_net *net, const char *ifname, int *ifindex,
			struct io_error *err)
{
	struct rtnl_link *link;
	int ret;

	ret = find_link(net, ifname, &link, err);
	if (ret < 0)
		return ret;
	*ifindex = rtnl_link_get_ifindex(link);
	rtnl_link_put(link);
	return 0;
}

struct io_net *io_net_create(struct io_error *err)
{
	struct io_net *net;
	int ret;

	net = calloc(1, sizeof(*net));
	if (!net) {
		set_error(err, "route netlink: unable to allocate session: %s",
			  strerror(ENOMEM));
		return NULL;
	}

	net->sock = nl_socket_alloc();
	if (!net->sock) {
		set_error(err, "route netlink: nl_socket_alloc failed: %s",
			  strerror(ENOMEM));
		free(net);
		return NULL;
	}

	ret = nl_connect(net->sock, NETLINK_ROUTE);
	if (ret < 0) {
		set_error(err, "route netlink: nl_connect failed: %s",
			  nl_geterror(ret));
		nl_socket_free(net->sock);
		free(net);
		return NULL;
	}
	return net;
}

/* Formats " dev NAME", or " dev ifINDEX" like `ip` when NAME is unknown. */
static void describe_device(struct io_net *net, int ifindex, char *buf,
			    size_t size)
{
	struct rtnl_link *link;

	if (rtnl_link_get_kernel(net->sock, ifindex, NULL, &link) < 0) {
		snprintf(buf, size, " dev if%d", ifindex);
		return;
	}
	snprintf(buf, size, " dev %s", rtnl_link_get_name(link));
	rtnl_link_put(link);
}

/* Describes @route the way `ip route` prints it, for error messages. */
static void describe_route(struct io_net *net, struct rtnl_route *route,
			   const char *dst, char *buf, size_t size)
{
	struct rtnl_nexthop *nh = rtnl_route_nexthop_n(route, 0);
	int ifindex = nh ? rtnl_route_nh_get_ifindex(nh) : 0;
	uint32_t table_id = rtnl_route_get_table(route);
	char type[40] = "", dev[IFNAMSIZ + 8] = "", table[48] = "";
	char name[32];

	if (rtnl_route_get_type(route) != RTN_UNICAST) {
		nl_rtntype2str(rtnl_route_get_type(route), name, sizeof(name));
		snprintf(type, sizeof(type), "%s ", name);
	}
	if (ifindex > 0)
		describe_device(net, ifindex, dev, sizeof(dev));
	if (table_id == RT_TABLE_LOCAL)
		snprintf(table, sizeof(table), " table local");
	else if (table_id == RT_TABLE_DEFAULT)
		snprintf(table, sizeof(table), " table default");
	else if (table_id != RT_TABLE_MAIN)
		snprintf(table, sizeof(table), " table %u", table_id);
	snprintf(buf, size, "%s%s%s%s", type, dst, dev, table);
}

/*
 * Returns true when @route is an IPv4 route, other than a default route,
 * whose destination contains @prefix or lies within it.  Fills @dst with
 * the route's destination.
 */
static bool route_overlaps(struct rtnl_route *route,
			   const struct io_prefix *prefix, char *dst)
{
	struct nl_addr *nl_dst = rtnl_route_get_dst(route);
	uint32_t be, addr, mask;
	unsigned int plen;

	if (!nl_dst || nl_addr_get_family(nl_dst) != AF_INET ||
	    nl_addr_get_len(nl_dst) != sizeof(be))
		return false;
	plen = nl_addr_get_prefixlen(nl_dst);
	if (plen == 0 || plen > 32)
		return false;

	memcpy(&be, nl_addr_get_binary_addr(nl_dst), sizeof(be));
	addr = ntohl(be);
	mask = prefix_mask(plen < prefix->plen ? plen : prefix->plen);
	if ((addr & mask) != (prefix->prefix & mask))
		return false;

	format_prefix(dst, addr, (uint8_t)plen);
	return true;
}

static int check_one(struct io_net *net, struct nl_cache *routes,
		     const struct io_prefix *prefix, struct io_error *err)
{
	char text[PREFIX_STRLEN], dst[PREFIX_STRLEN], route_text[160];
	struct nl_object *object;

	format_prefix(text, prefix->prefix, prefix->plen);
	for (object = nl_cache_get_first(routes); object;
	     object = nl_cache_get_next(object)) {
		struct rtnl_route *route = (struct rtnl_route *)object;

		if (!route_overlaps(route, prefix, dst))
			continue;
		describe_route(net, route, dst, route_text, sizeof(route_text));
		set_error(
		    err,
		    "%s: overlaps route %s already in this namespace; hopsim will not capture traffic meant for another network (run it in another namespace with --netns, or change the topology's addresses)",
		    text, route_text);
		return -EEXIST;
	}
	return 0;
}

int io_net_check_overlap(struct io_net *net, const struct io_prefix *prefixes,
			 int n, struct io_error *err)
{
	struct nl_cache *routes;
	int i, ret;

	for (i = 0; i < n; i++) {
		if (prefixes[i].plen > 32) {
			set_error(err, "prefix length %u is out of range 0-32",
				  (unsigned int)prefixes[i].plen);
			return -EINVAL;
		}
	}

	/* Flags 0 dumps every table, local and custom ones included. */
	ret = rtnl_route_alloc_cache(net->sock, AF_INET, 0, &routes);
	if (ret < 0) {
		set_error(err, "unable to dump IPv4 routes: %s%s",
			  nl_geterror(ret), nlerr_hint(ret));
		return nlerr_to_errno(ret);
	}

	for (i = 0; i < n; i++) {
		ret = check_one(net, routes, &prefixes[i], err);
		if (ret < 0)
			break;
	}
	nl_cache_free(routes);
	return ret;
}

int io_net_link_up(struct io_net *net, const char *ifname, uint32_t mtu,
		   struct io_error *err)
{
	struct rtnl_link *link, *change;
	int ret;

	ret = find_link(net, ifname, &link, err);
	if (ret < 0)
		return ret;

	change = rtnl_link_alloc();
	if (!change) {
		rtnl_link_put(link);
		set_error(err, "%s: unable to allocate link change: %s", ifname,
			  strerror(ENOMEM));
		return -ENOMEM;
	}
	rtnl_link_set_mtu(change, mtu);
	rtnl_link_set_flags(change, IFF_UP);

	ret = rtnl_link_change(net->sock, link, change, 0);
	if (ret < 0)
		set_error(err, "%s: unable to set MTU %u and bring it up: %s%s",
			  ifname, mtu, nl_geterror(ret), nlerr_hint(ret));
	rtnl_link_put(change);
	rtnl_link_put(link);
	return nlerr_to_errno(ret);
}

/*
 * Adds @local (of @family, taken over by this call) to @ifname with
 * @flags, and records it for io_net_destroy().  @text names it in
 * messages.  Returns 0 or -errno.
 */
static int add_address(struct io_net *net, const char *ifname, const char *text,
		       int family, struct nl_addr *local, unsigned int flags,
		       struct io_error *err)
{
	struct rtnl_addr *rtnl_addr = NULL;
	int ifindex, ret;

	ret = find_ifindex(net, ifname, &ifindex, err);
	if (ret < 0) {
		nl_addr_put(local);
		return ret;
	}

	rtnl_addr = rtnl_addr_alloc();
	if (!rtnl_addr || !local) {
		ret = -NLE_NOMEM;
		goto fail;
	}
	rtnl_addr_set_ifindex(rtnl_addr, ifindex);
	rtnl_addr_set_family(rtnl_addr, family);
	ret = rtnl_addr_set_local(rtnl_addr, local);
	if (ret < 0)
		goto fail;
	rtnl_addr_set_prefixlen(rtnl_addr, nl_addr_get_prefixlen(local));
	if (flags)
		rtnl_addr_set_flags(rtnl_addr, flags);

	ret = rtnl_addr_add(net->sock, rtnl_addr, NLM_F_EXCL);
	if (ret < 0)
		goto fail;
	nl_addr_put(local);

	ret = remember(net, ADDED_ADDRESS, OBJ_CAST(rtnl_addr));
	if (ret < 0) {
		/* Without a record, destroy could not remove it later. */
		rtnl_addr_delete(net->sock, rtnl_addr, 0);
		rtnl_addr_put(rtnl_addr);
		set_error(err, "%s: unable to record address %s: %s", ifname,
			  text, strerror(-ret));
		return ret;
	}
	return 0;

fail:
	set_error(err, "%s: unable to add address %s: %s%s", ifname, text,
		  nl_geterror(ret), nlerr_hint(ret));
	nl_addr_put(local);
	rtnl_addr_put(rtnl_addr);
	return nlerr_to_errno(ret);
}

int io_net_addr_add(struct io_net *net, const char *ifname, uint32_t addr,
		    uint8_t plen, struct io_error *err)
{
	char text[PREFIX_STRLEN];

	format_prefix(text, addr, plen);
	if (plen > 32) {
		set_error(
		    err,
		    "%s: unable to add address %s: prefix length is out of range 0-32",
		    ifname, text);
		return -EINVAL;
	}
	return add_address(net, ifname, text, AF_INET,
			   build_nl_addr(addr, plen), 0, err);
}

static struct rtnl_route *build_route(int ifindex,
				      const struct io_prefix *prefix)
{
	struct rtnl_route *route;
	struct rtnl_nexthop *nh;
	struct nl_addr *dst;

	route = rtnl_route_alloc();
	nh = rtnl_route_nh_alloc();
	dst = build_nl_addr(prefix->prefix, prefix->plen);
	if (!route || !nh || !dst || rtnl_route_set_dst(route, dst) < 0) {
		nl_addr_put(dst);
		if (nh)
			rtnl_route_nh_free(nh);
		rtnl_route_put(route);
		return NULL;
	}
	nl_addr_put(dst);

	rtnl_route_set_family(route, AF_INET);
	rtnl_route_set_table(route, RT_TABLE_MAIN);
	rtnl_route_set_scope(route, prefix->gateway ? RT_SCOPE_UNIVERSE
						    : RT_SCOPE_LINK);
	rtnl_route_set_protocol(route, RTPROT_STATIC);
	rtnl_route_set_type(route, RTN_UNICAST);
	rtnl_route_nh_set_ifindex(nh, ifindex);
	if (prefix->gateway) {
		struct nl_addr *gw = build_nl_addr(prefix->gateway, 32);

		if (!gw) {
			rtnl_route_nh_free(nh);
			rtnl_route_put(route);
			return NULL;
		}
		rtnl_route_nh_set_gateway(nh, gw);
		nl_addr_put(gw);
	}
	/* The route owns @nh from here on. */
	rtnl_route_add_nexthop(route, nh);
	return route;
}

int io_net_route_add(struct io_net *net, const char *ifname,
		     const struct io_prefix *prefix, struct io_error *err)
{
	char text[PREFIX_STRLEN], network[PREFIX_STRLEN];
	struct rtnl_route *route;
	int ifindex, ret;

	format_prefix(text, prefix->prefix, prefix->plen);
	if (prefix->plen > 32) {
		set_error(
		    err,
		    "%s: unable to add route %s: prefix length is out of range 0-32",
		    ifname, text);
		return -EINVAL;
	}
	if (prefix->prefix & ~prefix_mask(prefix->plen)) {
		format_prefix(network,
			      prefix->prefix & prefix_mask(prefix->plen),
			      prefix->plen);
		set_error(
		    err,
		    "%s: unable to add route %s: host bits are set (did you mean %s?)",
		    ifname, text, network);
		return -EINVAL;
	}

	ret = find_ifindex(net, ifname, &ifindex, err);
	if (ret < 0)
		return ret;

	route = build_route(ifindex, prefix);
	if (!route) {
		set_error(err, "%s: unable to add route %s: %s", ifname, text,
			  strerror(ENOMEM));
		return -ENOMEM;
	}

	ret = rtnl_route_add(net->sock, route, NLM_F_EXCL);
	if (ret < 0) {
		set_error(err, "%s: unable to add route %s: %s%s", ifname, text,
			  nl_geterror(ret), nlerr_hint(ret));
		rtnl_route_put(route);
		return nlerr_to_errno(ret);
	}

	ret = remember(net, ADDED_ROUTE, OBJ_CAST(route));
	if (ret < 0) {
		rtnl_route_delete(net->sock, route, 0);
		rtnl_route_put(route);
		set_error(err, "%s: unable to record route %s: %s", ifname,
			  text, strerror(-ret));
		return ret;
	}
	return 0;
}

/*
 * Deletes the recorded objects of @kind, newest first.  Errors are
 * ignored, because an object may be gone already.  Closing a TUN device
 * removes its addresses and routes with it.
 */
static void remove_added(struct io_net *net, enum added_kind kind)
{
	struct added *entry;

	for (entry = net->newest; entry; entry = entry->older) {
		if (entry->kind != kind)
			continue;
		if (kind == ADDED_ROUTE)
			rtnl_route_delete(
			    net->sock, (struct rtnl_route *)entry->object, 0);
		else
			rtnl_addr_delete(net->sock,
					 (struct rtnl_addr *)entry->object, 0);
	}
}

void io_net_destroy(struct io_net *net)
{
	struct added *entry, *older;

	if (!net)
		return;

	remove_added(net, ADDED_ROUTE);
	remove_added(net, ADDED_ADDRESS);
	for (entry = net->newest; entry; entry = older) {
		older = entry->older;
		nl_object_put(entry->object);
		free(entry);
	}
	nl_socket_free(net->sock);
	free(net);
}

static void format_prefix6(char *buf, const struct pkt_in6 *addr, uint8_t plen)
{
	char text[INET6_ADDRSTRLEN];

	inet_ntop(AF_INET6, addr->b, text, sizeof(text));
	snprintf(buf, PREFIX_STRLEN, "%s/%u", text, (unsigned int)plen);
}

static struct nl_addr *build_nl_addr6(const struct pkt_in6 *addr, uint8_t plen)
{
	struct nl_addr *nl_addr = nl_addr_build(AF_INET6, addr->b, 16);

	if (nl_addr)
		nl_addr_set_prefixlen(nl_addr, plen);
	return nl_addr;
}

/* True when the first @plen bits of @a and @b are equal. */
static bool same_bits(const uint8_t *a, const uint8_t *b, unsigned int plen)
{
	unsigned int whole = plen / 8, rest = plen % 8;
	uint8_t mask = (uint8_t)(0xff << (8 - rest));

	if (memcmp(a, b, whole) != 0)
		return false;
	return rest == 0 || ((a[whole] ^ b[whole]) & mask) == 0;
}

static bool route_overlaps6(struct rtnl_route *route,
			    const struct io_prefix6 *prefix, char *dst)
{
	struct nl_addr *nl_dst = rtnl_route_get_dst(route);
	struct pkt_in6 addr;
	unsigned int plen;

	if (!nl_dst || nl_addr_get_family(nl_dst) != AF_INET6 ||
	    nl_addr_get_len(nl_dst) != 16)
		return false;
	plen = nl_addr_get_prefixlen(nl_dst);
	if (plen == 0 || plen > 128)
		return false;
	memcpy(addr.b, nl_addr_get_binary_addr(nl_dst), 16);
	if (!same_bits(addr.b, prefix->prefix.b,
		       plen < prefix->plen ? plen : prefix->plen))
		return false;
	format_prefix6(dst, &addr, (uint8_t)plen);
	return true;
}

int io_net_check_overlap6(struct io_net *net, const struct io_prefix6 *prefixes,
			  int n, struct io_error *err)
{
	char text[PREFIX_STRLEN], dst[PREFIX_STRLEN], route_text[200];
	struct nl_object *object;
	struct nl_cache *routes;
	int i, ret;

	ret = rtnl_route_alloc_cache(net->sock, AF_INET6, 0, &routes);
	if (ret < 0) {
		set_error(err, "unable to dump IPv6 routes: %s%s",
			  nl_geterror(ret), nlerr_hint(ret));
		return nlerr_to_errno(ret);
	}
	for (i = 0, ret = 0; i < n && ret == 0; i++) {
		format_prefix6(text, &prefixes[i].prefix, prefixes[i].plen);
		for (object = nl_cache_get_first(routes); object;
		     object = nl_cache_get_next(object)) {
			struct rtnl_route *route = (struct rtnl_route *)object;

			if (!route_overlaps6(route, &prefixes[i], dst))
				continue;
			describe_route(net, route, dst, route_text,
				       sizeof(route_text));
			set_error(
			    err,
			    "%s: overlaps route %s already in this namespace; hopsim will not capture traffic meant for another network (run it in another namespace with --netns, or change the topology's addresses)",
			    text, route_text);
			ret = -EEXIST;
			break;
		}
	}
	nl_cache_free(routes);
	return ret;
}

int io_net_addr_add6(struct io_net *net, const char *ifname,
		     const struct pkt_in6 *addr, uint8_t plen,
		     struct io_error *err)
{
	char text[PREFIX_STRLEN];

	format_prefix6(text, addr, plen);
	if (plen > 128) {
		set_error(
		    err,
		    "%s: unable to add address %s: prefix length is out of range 0-128",
		    ifname, text);
		return -EINVAL;
	}
	/* The far end is simulated, so duplicate address detection could
	 * only delay the address by a second. */
	return add_address(net, ifname, text, AF_INET6,
			   build_nl_addr6(addr, plen), IFA_F_NODAD, err);
}

/* The result of a route lookup: the gateway, and whether a route came. */
struct route_reply {
	size_t addr_len;
	uint8_t *gateway;
	bool found;
};

static int parse_route_reply(struct nl_msg *msg, void *arg)
{
	struct route_reply *answer = arg;
	struct nlmsghdr *hdr = nlmsg_hdr(msg);
	struct nlattr *attrs[RTA_MAX + 1];

	if (hdr->nlmsg_type != RTM_NEWROUTE ||
	    nlmsg_parse(hdr, sizeof(struct rtmsg), attrs, RTA_MAX, NULL) < 0)
		return NL_SKIP;
	answer->found = true;
	if (attrs[RTA_GATEWAY] &&
	    nla_len(attrs[RTA_GATEWAY]) == (int)answer->addr_len)
		memcpy(answer->gateway, nla_data(attrs[RTA_GATEWAY]),
		       answer->addr_len);
	return NL_OK;
}

int io_net_route_get(struct io_net *net, const char *ifname, bool v6,
		     const uint8_t *dst, uint8_t gateway[16])
{
	struct rtmsg rtm = {
		.rtm_family = v6 ? AF_INET6 : AF_INET,
		.rtm_dst_len = v6 ? 128 : 32,
	};
	struct route_reply answer = { .addr_len = v6 ? 16 : 4,
				      .gateway = gateway };
	unsigned int ifindex = if_nametoindex(ifname);
	struct nl_msg *msg;
	struct nl_cb *cb;
	int ret;

	memset(gateway, 0, 16);
	if (ifindex == 0)
		return -errno;
	msg = nlmsg_alloc_simple(RTM_GETROUTE, 0);
	cb = nl_cb_clone(nl_socket_get_cb(net->sock));
	if (!msg || !cb ||
	    nlmsg_append(msg, &rtm, sizeof(rtm), NLMSG_ALIGNTO) < 0 ||
	    nla_put(msg, RTA_DST, (int)answer.addr_len, dst) < 0 ||
	    nla_put_u32(msg, RTA_OIF, ifindex) < 0) {
		nlmsg_free(msg);
		nl_cb_put(cb);
		return -ENOMEM;
	}
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, parse_route_reply, &answer);
	ret = nl_send_auto(net->sock, msg);
	nlmsg_free(msg);
	if (ret >= 0)
		ret = nl_recvmsgs(net->sock, cb);
	/* The route comes before the acknowledgement, which ends the wait. */
	if (ret >= 0 && answer.found)
		ret = nl_wait_for_ack(net->sock);
	nl_cb_put(cb);
	if (ret < 0)
		return nlerr_to_errno(ret);
	return answer.found ? 0 : -ENOENT;
}

int io_net_route_add6(struct io_net *net, const char *ifname,
		      const struct io_prefix6 *prefix, struct io_error *err)
{
	char text[PREFIX_STRLEN];
	struct rtnl_route *route;
	struct rtnl_nexthop *nh;
	struct nl_addr *dst;
	int ifindex, ret;

	format_prefix6(text, &prefix->prefix, prefix->plen);
	ret = find_ifindex(net, ifname, &ifindex, err);
	if (ret < 0)
		return ret;

	route = rtnl_route_alloc();
	nh = rtnl_route_nh_alloc();
	dst = build_nl_addr6(&prefix->prefix, prefix->plen);
	if (!route || !nh || !dst || rtnl_route_set_dst(route, dst) < 0) {
		nl_addr_put(dst);
		if (nh)
			rtnl_route_nh_free(nh);
		rtnl_route_put(route);
		set_error(err, "%s: unable to add route %s: %s", ifname, text,
			  strerror(ENOMEM));
		return -ENOMEM;
	}
	nl_addr_put(dst);
	rtnl_route_set_family(route, AF_INET6);
	rtnl_route_set_table(route, RT_TABLE_MAIN);
	rtnl_route_set_protocol(route, RTPROT_STATIC);
	rtnl_route_set_type(route, RTN_UNICAST);
	rtnl_route_nh_set_ifindex(nh, ifindex);
	if (prefix->has_gateway) {
		struct nl_addr *gw = build_nl_addr6(&prefix->gateway, 128);

		if (!gw) {
			rtnl_route_nh_free(nh);
			rtnl_route_put(route);
			set_error(err, "%s: unable to add route %s: %s", ifname,
				  text, strerror(ENOMEM));
			return -ENOMEM;
		}
		rtnl_route_nh_set_gateway(nh, gw);
		nl_addr_put(gw);
	}
	rtnl_route_add_nexthop(route, nh);

	ret = rtnl_route_add(net->sock, route, NLM_F_EXCL);
	if (ret < 0) {
		set_error(err, "%s: unable to add route %s: %s%s", ifname, text,
			  nl_geterror(ret), nlerr_hint(ret));
		rtnl_route_put(route);
		return nlerr_to_errno(ret);
	}
	ret = remember(net, ADDED_ROUTE, OBJ_CAST(route));
	if (ret < 0) {
		rtnl_route_delete(net->sock, route, 0);
		rtnl_route_put(route);
		set_error(err, "%s: unable to record route %s: %s", ifname,
			  text, strerror(-ret));
		return ret;
	}
	return 0;
}
