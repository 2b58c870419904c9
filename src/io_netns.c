/* SPDX-License-Identifier: MIT */
/* Named network namespaces, created and entered the way iproute2 does. */

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hopsim/io.h"

#define NETNS_RUN_DIR  "/run/netns"
#define NETNS_NAME_MAX 63

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

static int check_name(const char *name, struct io_error *err)
{
	size_t len = name ? strlen(name) : 0;

	if (len == 0) {
		set_error(err, "network namespace name is empty");
		return -EINVAL;
	}
	if (len > NETNS_NAME_MAX) {
		set_error(
		    err,
		    "%.*s...: network namespace name is longer than %d characters",
		    16, name, NETNS_NAME_MAX);
		return -EINVAL;
	}
	if (strchr(name, '/') || !strcmp(name, ".") || !strcmp(name, "..")) {
		set_error(
		    err,
		    "'%s': invalid network namespace name (it must not contain '/' or be '.' or '..')",
		    name);
		return -EINVAL;
	}
	return 0;
}

static void format_path(char *path, size_t size, const char *name)
{
	snprintf(path, size, "%s/%s", NETNS_RUN_DIR, name);
}

/*
 * Makes the run directory a shared mount point, so that removing a
 * namespace in one mount namespace also unmounts it in the others and the
 * kernel can free it sooner.  A plain directory cannot be made shared
 * (EINVAL), so it becomes a bind mount of itself first.
 */
static int share_run_dir(struct io_error *err)
{
	int ret;

	if (mkdir(NETNS_RUN_DIR, 0755) < 0 && errno != EEXIST) {
		ret = -errno;
		set_error(err, "%s: mkdir failed: %s", NETNS_RUN_DIR,
			  strerror(-ret));
		return ret;
	}

	if (mount("", NETNS_RUN_DIR, "none", MS_SHARED | MS_REC, NULL) == 0)
		return 0;
	if (errno != EINVAL)
		goto fail_shared;

	if (mount(NETNS_RUN_DIR, NETNS_RUN_DIR, "none", MS_BIND | MS_REC,
		  NULL) < 0) {
		ret = -errno;
		set_error(err, "%s: bind mount onto itself failed: %s",
			  NETNS_RUN_DIR, strerror(-ret));
		return ret;
	}

	if (mount("", NETNS_RUN_DIR, "none", MS_SHARED | MS_REC, NULL) == 0)
		return 0;

fail_shared:
	ret = -errno;
	set_error(err, "%s: mount as shared failed: %s", NETNS_RUN_DIR,
		  strerror(-ret));
	return ret;
}

/* Brings up the loopback device of the current namespace. */
static int loopback_up(const char *name, struct io_error *err)
{
	struct ifreq ifr;
	int fd, ret = 0;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		ret = -errno;
		set_error(err, "%s: socket for lo failed: %s", name,
			  strerror(-ret));
		return ret;
	}

	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, "lo");
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0) {
		ret = -errno;
		set_error(err, "%s: SIOCGIFFLAGS on lo failed: %s", name,
			  strerror(-ret));
		goto out;
	}

	ifr.ifr_flags |= IFF_UP;
	if (ioctl(fd, SIOCSIFFLAGS, &ifr) < 0) {
		ret = -errno;
		set_error(err, "%s: SIOCSIFFLAGS on lo failed: %s", name,
			  strerror(-ret));
	}
out:
	close(fd);
	return ret;
}

static int enter_existing(const char *name, const char *path, int fd,
			  struct io_error *err)
{
	int ret = 0;

	if (setns(fd, CLONE_NEWNET) < 0) {
		ret = -errno;
		if (ret == -EINVAL)
			set_error(
			    err,
			    "%s: setns failed: %s (%s is not a network namespace; remove it with 'ip netns del %s')",
			    name, strerror(-ret), path, name);
		else
			set_error(err, "%s: setns failed: %s", name,
				  strerror(-ret));
	}
	close(fd);
	return ret;
}

/*
 * Moves the process into a new network namespace and pins it with a bind
 * mount of /proc/self/ns/net onto @path.  On failure the process returns
 * to the namespace in @orig_fd and @path is removed.
 */
static int create_and_enter(const char *name, const char *path, int orig_fd,
			    struct io_error *err)
{
	int ret;

	if (unshare(CLONE_NEWNET) < 0) {
		ret = -errno;
		set_error(err, "%s: unshare(CLONE_NEWNET) failed: %s", name,
			  strerror(-ret));
		return ret;
	}

	/* /proc/self names the main thread, and hopsim has no other. */
	if (mount("/proc/self/ns/net", path, "none", MS_BIND, NULL) < 0) {
		ret = -errno;
		set_error(err, "%s: bind mount of /proc/self/ns/net failed: %s",
			  name, strerror(-ret));
		goto fail;
	}

	ret = loopback_up(name, err);
	if (ret < 0) {
		umount2(path, MNT_DETACH);
		goto fail;
	}
	return 0;

fail:
	/* NOTE: a failed setns leaves the process in the unnamed namespace. */
	setns(orig_fd, CLONE_NEWNET);
	return ret;
}

int io_netns_enter(const char *name, bool *created, struct io_error *err)
{
	char path[sizeof(NETNS_RUN_DIR) + NETNS_NAME_MAX + 1];
	int fd, orig_fd, ret;

	*created = false;
	ret = check_name(name, err);
	if (ret < 0)
		return ret;
	format_path(path, sizeof(path), name);

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0)
		return enter_existing(name, path, fd, err);
	if (errno != ENOENT) {
		ret = -errno;
		set_error(err, "%s: open %s failed: %s", name, path,
			  strerror(-ret));
		return ret;
	}

	ret = share_run_dir(err);
	if (ret < 0)
		return ret;

	orig_fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (orig_fd < 0) {
		ret = -errno;
		set_error(err, "%s: open /proc/self/ns/net failed: %s", name,
			  strerror(-ret));
		return ret;
	}

	fd = open(path, O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0);
	if (fd < 0) {
		ret = -errno;
		set_error(err, "%s: create %s failed: %s", name, path,
			  strerror(-ret));
		goto out;
	}
	close(fd);

	ret = create_and_enter(name, path, orig_fd, err);
	if (ret < 0) {
		unlink(path);
		goto out;
	}
	*created = true;
out:
	close(orig_fd);
	return ret;
}

int io_netns_remove(const char *name, struct io_error *err)
{
	char path[sizeof(NETNS_RUN_DIR) + NETNS_NAME_MAX + 1];
	int ret;

	ret = check_name(name, err);
	if (ret < 0)
		return ret;
	format_path(path, sizeof(path), name);

	/* EINVAL means the file is not a mount point, so only unlink is left. */
	if (umount2(path, MNT_DETACH) < 0 && errno != EINVAL &&
	    errno != ENOENT) {
		ret = -errno;
		set_error(err, "%s: umount %s failed: %s", name, path,
			  strerror(-ret));
		return ret;
	}

	if (unlink(path) < 0) {
		ret = -errno;
		if (ret == -ENOENT)
			set_error(
			    err,
			    "%s: network namespace not found (%s does not exist)",
			    name, path);
		else
			set_error(err, "%s: unlink %s failed: %s", name, path,
				  strerror(-ret));
		return ret;
	}
	return 0;
}
