/* SPDX-License-Identifier: MIT */
/*
 * The host side: network namespaces, TUN devices, and address, link and
 * route configuration through libnl-route-3.  Every function reports
 * failure as a negative errno and a message naming the object, the
 * failed call and the value, in a struct io_error.
 */
#ifndef HOPSIM_IO_H
#define HOPSIM_IO_H

#include <stdbool.h>
#include <stdint.h>

#include "hopsim/packet6.h"

#define IO_ERROR_MAX 512

struct io_error {
	char message[IO_ERROR_MAX];
};

/*
 * Moves the calling process into network namespace @name, creating it
 * the way `ip netns add` does (a bind mount at /run/netns/@name, with its
 * loopback device up) when it does not exist.  Sets *@created to whether
 * it was created.  Returns 0 or a negative errno: -EINVAL for an empty
 * name, one longer than 63 characters, "." or "..", or one containing
 * '/'.  On failure the process stays in its original namespace.
 */
int io_netns_enter(const char *name, bool *created, struct io_error *err);

/* Removes namespace @name made by io_netns_enter().  Returns 0 or -errno. */
int io_netns_remove(const char *name, struct io_error *err);

/*
 * Creates TUN device @name (IFF_TUN | IFF_NO_PI, not persistent, so it
 * vanishes when the descriptor closes) and returns a non-blocking,
 * close-on-exec descriptor for it.  Fails with -EEXIST if any device of
 * that name already exists, and with -EINVAL unless @name is 1 to 15
 * characters without '/', ':', '%' or white space.  Returns the
 * descriptor or a negative errno.
 */
int io_tun_open(const char *name, struct io_error *err);

/* An IPv4 prefix in host order. */
struct io_prefix {
	uint32_t prefix;
	uint8_t plen;
	uint32_t gateway; /* a route's next hop on the device, or 0 */
};

/* An IPv6 prefix, in network order like every IPv6 address. */
struct io_prefix6 {
	struct pkt_in6 prefix;
	uint8_t plen;
	bool has_gateway;
	struct pkt_in6 gateway; /* a route's next hop on the device */
};

struct io_net;

/*
 * Opens a route netlink session.  The session configures the network
 * namespace that is current when it is created, so create it after
 * io_netns_enter().  Returns NULL and fills @err on failure.
 */
struct io_net *io_net_create(struct io_error *err);

/*
 * Fails with -EEXIST when any of the @n prefixes overlaps an IPv4 route
 * in any table of the current namespace, other than a default route.
 * The message names both the prefix and the route with its device.
 */
int io_net_check_overlap(struct io_net *net, const struct io_prefix *prefixes,
			 int n, struct io_error *err);

/*
 * Sets @ifname's MTU and brings it up.  Returns 0 or -errno: -ENODEV
 * when no device has that name.
 */
int io_net_link_up(struct io_net *net, const char *ifname, uint32_t mtu,
		   struct io_error *err);

/*
 * Adds @addr/@plen to @ifname, remembering it for io_net_destroy().
 * Returns 0 or -errno.
 */
int io_net_addr_add(struct io_net *net, const char *ifname, uint32_t addr,
		    uint8_t plen, struct io_error *err);

/*
 * Adds a route for @prefix through @ifname (main table, protocol static),
 * via prefix->gateway when it is set and else with scope link,
 * remembering it for io_net_destroy().  Returns 0 or -errno: -EINVAL
 * when @prefix has host bits set.
 */
int io_net_route_add(struct io_net *net, const char *ifname,
		     const struct io_prefix *prefix, struct io_error *err);

/* As io_net_check_overlap(), for IPv6 routes. */
int io_net_check_overlap6(struct io_net *net, const struct io_prefix6 *prefixes,
			  int n, struct io_error *err);

/*
 * Adds IPv6 @addr/@plen to @ifname without duplicate address detection,
 * so it is usable at once.  Returns 0 or -errno.
 */
int io_net_addr_add6(struct io_net *net, const char *ifname,
		     const struct pkt_in6 *addr, uint8_t plen,
		     struct io_error *err);

/* As io_net_route_add(), for an IPv6 prefix, via prefix->gateway when
 * has_gateway is set.  Returns 0 or -errno. */
int io_net_route_add6(struct io_net *net, const char *ifname,
		      const struct io_prefix6 *prefix, struct io_error *err);

/*
 * Asks the kernel, as `ip route get DST oif IFNAME` does, for the gateway
 * of its route to @dst (4 bytes, or 16 with @v6, network order) through
 * @ifname: fills @gateway likewise, all zero for a route without one.
 * Returns 0 or -errno.
 */
int io_net_route_get(struct io_net *net, const char *ifname, bool v6,
		     const uint8_t *dst, uint8_t gateway[16]);

/*
 * Removes, newest first, every route and then every address this
 * session added that is still present, then closes the session and frees
 * @net.  Accepts NULL.
 */
void io_net_destroy(struct io_net *net);

#endif
