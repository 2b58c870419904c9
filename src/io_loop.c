// SPDX-License-Identifier: MIT
/* The event loop: epoll over TUN devices, a timerfd and a signalfd. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "hopsim/io_loop.h"
#include "hopsim/queue.h"

#define READ_BATCH    64 /* packets read from one device per wakeup */
#define READ_BUF_SIZE 65536

enum { TOKEN_SIGNAL = -1, TOKEN_TIMER = -2 };

struct io_loop {
	const int *fds;
	int n_fds;
	struct queue *queue;
	int epoll_fd;
	int timer_fd;
	int signal_fd;
	uint64_t armed_us;   /* when the timer fires; 0 when disarmed */
	uint64_t written_us; /* every packet due by then is written */
	struct io_loop_stats stats;
	uint8_t buf[READ_BUF_SIZE];
};

uint64_t io_loop_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static int fail(struct io_error *err, const char *call)
{
	int e = errno;

	snprintf(err->message, sizeof(err->message),
		 "event loop: %s failed: %s", call, strerror(e));
	return -e;
}

static int watch(int epoll_fd, int fd, int token)
{
	struct epoll_event ev = { .events = EPOLLIN,
				  .data.u64 = (uint64_t)token };

	return epoll_ctl(epoll_fd, EPOLL_CTL_ADD, fd, &ev);
}

struct io_loop *io_loop_create(const int *fds, int n_fds, size_t queue_slots,
			       size_t slot_size, struct io_error *err)
{
	struct io_loop *loop;
	sigset_t mask;
	int i;

	loop = calloc(1, sizeof(*loop));
	if (!loop) {
		fail(err, "calloc");
		return NULL;
	}
	loop->fds = fds;
	loop->n_fds = n_fds;
	loop->epoll_fd = loop->timer_fd = loop->signal_fd = -1;

	loop->queue = queue_create(queue_slots, slot_size);
	if (!loop->queue) {
		fail(err, "queue_create");
		goto fail;
	}
	loop->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
	if (loop->epoll_fd < 0) {
		fail(err, "epoll_create1");
		goto fail;
	}
	loop->timer_fd =
	    timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (loop->timer_fd < 0) {
		fail(err, "timerfd_create");
		goto fail;
	}

	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGHUP);
	loop->signal_fd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
	if (loop->signal_fd < 0) {
		fail(err, "signalfd");
		goto fail;
	}

	if (watch(loop->epoll_fd, loop->signal_fd, TOKEN_SIGNAL) < 0 ||
	    watch(loop->epoll_fd, loop->timer_fd, TOKEN_TIMER) < 0) {
		fail(err, "epoll_ctl");
		goto fail;
	}
	for (i = 0; i < n_fds; i++) {
		if (watch(loop->epoll_fd, fds[i], i) < 0) {
			fail(err, "epoll_ctl");
			goto fail;
		}
	}
	return loop;

fail:
	io_loop_destroy(loop);
	return NULL;
}

void io_loop_destroy(struct io_loop *loop)
{
	if (!loop)
		return;
	if (loop->epoll_fd >= 0)
		close(loop->epoll_fd);
	if (loop->timer_fd >= 0)
		close(loop->timer_fd);
	if (loop->signal_fd >= 0)
		close(loop->signal_fd);
	queue_destroy(loop->queue);
	free(loop);
}

const struct io_loop_stats *io_loop_get_stats(const struct io_loop *loop)
{
	return &loop->stats;
}

static void write_packet(struct io_loop *loop, int tun, const uint8_t *packet,
			 size_t len)
{
	if (write(loop->fds[tun], packet, len) == (ssize_t)len)
		loop->stats.packets_written++;
	else
		loop->stats.write_errors++;
}

int io_loop_output(void *ctx, int tun, uint64_t due_us, const uint8_t *packet,
		   size_t len)
{
	struct io_loop *loop = ctx;
	uint64_t now = io_loop_now();
	int ret;

	if (queue_length(loop->queue) == 0 && due_us <= now) {
		write_packet(loop, tun, packet, len);
		loop->written_us = now;
		return 0;
	}
	ret = queue_push(loop->queue, tun, due_us, packet, len);
	if (ret == -EMSGSIZE)
		loop->stats.too_big++;
	else if (ret == -ENOBUFS)
		loop->stats.queue_full++;
	return ret < 0 ? -ENOBUFS : 0;
}

/* Runs the engine's due timers, writes every queued packet that is due
 * and arms the timer for whichever comes next. */
static int flush_due(struct io_loop *loop, struct engine *engine,
		     struct io_error *err)
{
	struct itimerspec spec = { 0 };
	const uint8_t *packet;
	uint64_t now = io_loop_now();
	uint64_t due, timer;
	size_t len;
	int tun;

	if (engine_next_timer(engine) <= now)
		engine_poll(engine, now);
	while ((packet = queue_peek(loop->queue, &tun, &due, &len))) {
		if (due > now)
			break;
		write_packet(loop, tun, packet, len);
		queue_pop(loop->queue);
	}
	loop->written_us = now;
	if (!packet)
		due = UINT64_MAX;
	timer = engine_next_timer(engine);
	if (timer < due)
		due = timer;
	if (due == UINT64_MAX)
		due = 0; /* disarms the timer */
	if (due == loop->armed_us)
		return 0;

	loop->armed_us = due;
	spec.it_value.tv_sec = (time_t)(due / 1000000u);
	spec.it_value.tv_nsec = (long)(due % 1000000u) * 1000;
	if (timerfd_settime(loop->timer_fd, TFD_TIMER_ABSTIME, &spec, NULL) < 0)
		return fail(err, "timerfd_settime");
	return 0;
}

/* Reads what TUN @tun holds.  Returns 0, or -errno when the device is
 * gone (deleted from under hopsim) or reading fails otherwise. */
static int read_device(struct io_loop *loop, struct engine *engine, int tun)
{
	int i;

	for (i = 0; i < READ_BATCH; i++) {
		ssize_t n = read(loop->fds[tun], loop->buf, sizeof(loop->buf));

		if (n < 0 && errno == EAGAIN) {
			/* Whatever the kernel sends next, it sends after
			 * reading all written so far. */
			engine_kernel_caught_up(engine, tun, loop->written_us);
			break;
		}
		if (n < 0 && errno != EINTR)
			return -errno;
		if (n <= 0)
			break;
		loop->stats.packets_read++;
		engine_input(engine, tun, io_loop_now(), loop->buf, (size_t)n);
	}
	return 0;
}

int io_loop_run(struct io_loop *loop, struct engine *engine,
		struct io_error *err)
{
	struct epoll_event events[16];
	int i, n, ret;

	for (;;) {
		n = epoll_wait(loop->epoll_fd, events, 16, -1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return fail(err, "epoll_wait");
		}
		for (i = 0; i < n; i++) {
			int token = (int)events[i].data.u64;
			struct signalfd_siginfo info;
			uint64_t expirations;

			if (token == TOKEN_SIGNAL) {
				if (read(loop->signal_fd, &info,
					 sizeof(info)) == sizeof(info))
					return (int)info.ssi_signo;
			} else if (token == TOKEN_TIMER) {
				if (read(loop->timer_fd, &expirations,
					 sizeof(expirations)) < 0 &&
				    errno != EAGAIN)
					return fail(err, "read timerfd");
				loop->armed_us = 0;
			} else if ((ret = read_device(loop, engine, token)) <
				   0) {
				snprintf(err->message, sizeof(err->message),
					 "event loop: reading a TUN device "
					 "failed: %s (was the device deleted?)",
					 strerror(-ret));
				return ret;
			}
		}
		ret = flush_due(loop, engine, err);
		if (ret < 0)
			return ret;
	}
}
