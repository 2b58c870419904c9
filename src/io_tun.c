/* SPDX-License-Identifier: MIT */
/* TUN devices that hopsim creates for itself and owns while it runs. */

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "hopsim/io.h"

#define TUN_PATH "/dev/net/tun"
#define EXISTS_MESSAGE                                                         \
	"a network device with this name already exists; hopsim creates its own TUN devices and will not attach to another"

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

/*
 * Applies the kernel's rules for device names, and rejects '%' too,
 * because TUNSETIFF would treat the name as a template such as "tun%d"
 * and pick a different one.
 */
static int check_name(const char *name, struct io_error *err)
{
	size_t len = name ? strnlen(name, IFNAMSIZ) : 0;
	const char *c;

	if (len == 0) {
		set_error(err, "TUN device name is empty");
		return -EINVAL;
	}
	if (len >= IFNAMSIZ) {
		set_error(
		    err,
		    "%.*s...: TUN device name is longer than %d characters",
		    IFNAMSIZ - 1, name, IFNAMSIZ - 1);
		return -EINVAL;
	}
	if (!strcmp(name, ".") || !strcmp(name, ".."))
		goto invalid;
	for (c = name; *c; c++) {
		if (*c == '/' || *c == ':' || *c == '%' ||
		    isspace((unsigned char)*c))
			goto invalid;
	}
	return 0;

invalid:
	set_error(
	    err,
	    "'%s': invalid TUN device name (it must not contain '/', ':', '%%' or white space, or be '.' or '..')",
	    name);
	return -EINVAL;
}

static const char *tun_open_hint(int errnum)
{
	switch (errnum) {
	case ENOENT:
	case ENODEV:
	case ENXIO:
		return " (load the tun module: modprobe tun)";
	case EACCES:
	case EPERM:
		return " (run as root or grant access to " TUN_PATH ")";
	default:
		return "";
	}
}

int io_tun_open(const char *name, struct io_error *err)
{
	struct ifreq ifr;
	int fd, ret;

	ret = check_name(name, err);
	if (ret < 0)
		return ret;

	/*
	 * TUNSETIFF would attach to an existing persistent TUN device of
	 * this name.  IFF_TUN_EXCL below closes the race after this check.
	 */
	if (if_nametoindex(name) != 0) {
		set_error(err, "%s: " EXISTS_MESSAGE, name);
		return -EEXIST;
	}

	fd = open(TUN_PATH, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		set_error(err, "%s: open %s failed: %s%s", name, TUN_PATH,
			  strerror(-ret), tun_open_hint(-ret));
		return ret;
	}

	memset(&ifr, 0, sizeof(ifr));
	memcpy(ifr.ifr_name, name, strlen(name));
	ifr.ifr_flags = IFF_TUN | IFF_NO_PI | IFF_TUN_EXCL;
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		ret = -errno;
		if (ret == -EBUSY) {
			set_error(err, "%s: " EXISTS_MESSAGE, name);
			ret = -EEXIST;
		} else {
			set_error(err, "%s: TUNSETIFF failed: %s%s", name,
				  strerror(-ret),
				  ret == -EPERM
				      ? " (run as root or grant CAP_NET_ADMIN)"
				      : "");
		}
		close(fd);
		return ret;
	}
	return fd;
}
