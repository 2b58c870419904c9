/* SPDX-License-Identifier: MIT */
/*
 * The reference echo responder of scripts/bench: turns every IPv4 ICMP echo
 * request that the kernel routes into a TUN device into its reply in place,
 * with one read and one write system call per packet.
 *
 * Usage: tun_echo DEVICE ADDRESS/LEN PREFIX
 *
 * Creates TUN device DEVICE, gives it ADDRESS/LEN, brings it up and routes
 * PREFIX into it, all with `ip` in the current network namespace.  It then
 * prints "ready" on stdout and replies until a signal ends it.  It drops
 * every other packet.
 */

#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/ip_icmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

static int open_tun(const char *name)
{
	struct ifreq ifr;
	int fd;

	fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "tun_echo: open /dev/net/tun failed: %s\n",
			strerror(errno));
		return -1;
	}

	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		fprintf(stderr, "tun_echo: %s: TUNSETIFF failed: %s\n", name,
			strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

#define IP_MAX_ARGS 8

/*
 * Runs `ip` with the arguments that follow, up to IP_MAX_ARGS of them and
 * ended by NULL, and returns 0 if it exits with status 0.
 */
static int run_ip(const char *first, ...)
{
	char *argv[IP_MAX_ARGS + 2] = { "ip" };
	const char *arg = first;
	va_list ap;
	pid_t pid;
	int argc = 1, status;

	va_start(ap, first);
	while (arg && argc <= IP_MAX_ARGS) {
		argv[argc++] = (char *)arg;
		arg = va_arg(ap, const char *);
	}
	va_end(ap);

	pid = fork();
	if (pid < 0) {
		fprintf(stderr, "tun_echo: fork failed: %s\n", strerror(errno));
		return -1;
	}
	if (pid == 0) {
		execvp("ip", argv);
		fprintf(stderr, "tun_echo: exec ip failed: %s\n",
			strerror(errno));
		_exit(127);
	}

	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0) {
		fprintf(stderr, "tun_echo: ip %s %s failed\n", argv[1],
			argv[2]);
		return -1;
	}
	return 0;
}

static int configure(const char *dev, const char *address, const char *prefix)
{
	if (run_ip("address", "add", address, "dev", dev, NULL) < 0)
		return -1;
	if (run_ip("link", "set", "dev", dev, "up", NULL) < 0)
		return -1;
	return run_ip("route", "add", prefix, "dev", dev, NULL);
}

/*
 * Turns the echo request in @pkt into its reply in place and returns 0, or
 * returns -1 for any other packet.  Swapping the addresses leaves the IPv4
 * header checksum as it is, because a one's-complement sum does not depend
 * on the order of its words.  The ICMP checksum is updated for the type
 * change as RFC 1624 (equation 3) gives: HC' = ~(~HC + ~m + m').
 */
static int make_reply(uint8_t *pkt, size_t len)
{
	uint8_t addr[4];
	size_t ihl;
	uint32_t sum;
	uint16_t check, old_word, new_word;

	if (len < 20 || (pkt[0] >> 4) != 4)
		return -1;
	ihl = (size_t)(pkt[0] & 0x0f) * 4;
	if (ihl < 20 || len < ihl + 8 || pkt[9] != IPPROTO_ICMP)
		return -1;
	if (pkt[ihl] != ICMP_ECHO || pkt[ihl + 1] != 0)
		return -1;

	memcpy(addr, pkt + 12, 4);
	memcpy(pkt + 12, pkt + 16, 4);
	memcpy(pkt + 16, addr, 4);

	old_word = (uint16_t)(ICMP_ECHO << 8);
	new_word = (uint16_t)(ICMP_ECHOREPLY << 8);
	check = (uint16_t)(pkt[ihl + 2] << 8 | pkt[ihl + 3]);
	sum = (uint16_t)~check;
	sum += (uint16_t)~old_word;
	sum += new_word;
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	check = (uint16_t)~sum;

	pkt[ihl] = ICMP_ECHOREPLY;
	pkt[ihl + 2] = (uint8_t)(check >> 8);
	pkt[ihl + 3] = (uint8_t)(check & 0xff);
	return 0;
}

int main(int argc, char **argv)
{
	uint8_t pkt[65536];
	ssize_t n;
	int fd;

	if (argc != 4) {
		fprintf(stderr, "usage: tun_echo DEVICE ADDRESS/LEN PREFIX\n");
		return 2;
	}

	fd = open_tun(argv[1]);
	if (fd < 0)
		return 1;
	if (configure(argv[1], argv[2], argv[3]) < 0)
		return 1;

	printf("ready\n");
	fflush(stdout);

	for (;;) {
		n = read(fd, pkt, sizeof(pkt));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "tun_echo: read failed: %s\n",
				strerror(errno));
			return 1;
		}
		if (make_reply(pkt, (size_t)n) < 0)
			continue;
		if (write(fd, pkt, (size_t)n) < 0 && errno != EINTR) {
			fprintf(stderr, "tun_echo: write failed: %s\n",
				strerror(errno));
			return 1;
		}
	}
}
