// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * user_bench.c - small TCP loads for the user-mode networking benchmark
 *
 * Usage:
 *   user_bench serve ADDR PORT
 *   user_bench pingpong ADDR PORT N
 *   user_bench connrate ADDR PORT N
 *   user_bench hold ADDR PORT N FILE
 *
 * ADDR is an IPv4 address.  bench/user.sh runs "serve" on the host's
 * loopback and the three clients inside the namespace of each forwarder
 * (tapir-user, pasta, slirp4netns), addressing the host through the
 * forwarder's gateway.
 *
 * Exit status: 0; 1 for any failure (reported on stderr: a figure from a
 * run in which a connection failed is worthless, so there is none); 2 for
 * usage.
 *
 * Theory of operation
 *
 * serve listens on PORT and PORT + 1 and runs until SIGTERM or SIGINT,
 * one thread, one epoll set, every socket non-blocking:
 *   PORT      echo: whatever a connection sends comes back, until it
 *             closes.  Connections are held as long as the client keeps
 *             them.
 *   PORT + 1  reply and close: the first bytes a connection sends are
 *             answered with one byte, then the server closes it.  The
 *             server closing first puts TIME_WAIT on the server's side,
 *             so thousands of short connections in a row do not use up
 *             the client side's ephemeral ports.
 * The clients send one byte at a time and wait for its answer, so an
 * echo never finds the socket's send buffer full; if it ever did, the
 * connection is closed and the client fails loudly.
 *
 * pingpong opens one connection to PORT (TCP_NODELAY), makes N / 10
 * untimed round trips (at most 1000) to warm the path, then N timed ones
 * of one byte each, and prints
 *	pingpong n=N mean_us=.. median_us=.. p10_us=.. p99_us=..
 *
 * connrate makes N connections to PORT + 1 one after another: connect,
 * send one byte, receive one byte, receive the end of the stream, close.
 * It prints the rate over the whole run and the median time of one:
 *	connrate n=N secs=.. per_sec=.. median_us=..
 *
 * hold opens N connections to PORT and makes one round trip on each, so
 * that every one is known to be established end to end (through the
 * forwarder and up to the server).  It keeps up to UB_HOLD_WINDOW of
 * them in progress at a time, non-blocking, in an epoll set: opening
 * them one after another would take minutes through a forwarder whose
 * every loop iteration polls all of its sockets (slirp4netns: 10,000 in
 * about 280 s, against about 90 s with 64 at a time; with 256 at a time
 * it drops SYNs and stalls in the guest's SYN retransmission back-off),
 * and the time it takes is not what hold measures.  Then it writes "held N" to
 * FILE (through a temporary file and rename(), so a reader never sees
 * half of it) and sleeps, every connection open, until SIGTERM or
 * SIGINT.  It prints
 *	hold n=N secs=..
 * It fails if UB_HOLD_STALL_S pass without a connection being completed.
 *
 * Every blocking client socket has a 10 s send and receive timeout, which
 * bounds connect() too: a stuck forwarder makes the client fail instead
 * of hang.
 * serve and hold raise their RLIMIT_NOFILE soft limit to the hard one;
 * hold fails at once if that is not enough for N connections.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* Timeout of every client socket operation, seconds */
#define UB_TIMEOUT_S		10
/* Connections hold has in progress at a time */
#define UB_HOLD_WINDOW		64
/* hold fails when no connection completes in this long, seconds */
#define UB_HOLD_STALL_S		30
/* Most untimed round trips before pingpong's timed ones */
#define UB_WARMUP_MAX		1000
/* Largest N of every mode */
#define UB_N_MAX		1000000L
/* epoll tags of serve's two listeners and its signalfd */
#define UB_TAG_ECHO		0
#define UB_TAG_CLOSE		1
#define UB_TAG_SIGNAL		2
/* Tag of a connection: its fd shifted past the listener tags; bit 0 of
 * the shifted value tells a reply-and-close connection from an echo one */
#define UB_TAG_CONN		4

static void __attribute__((noreturn, format(printf, 1, 2)))
ub_fail(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs("user_bench: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static void __attribute__((noreturn)) ub_usage(void)
{
	fputs("usage: user_bench serve ADDR PORT\n"
	      "       user_bench pingpong ADDR PORT N\n"
	      "       user_bench connrate ADDR PORT N\n"
	      "       user_bench hold ADDR PORT N FILE\n", stderr);
	exit(2);
}

/* Monotonic time in microseconds */
static double ub_now_us(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e6 + (double)t.tv_nsec / 1e3;
}

static int ub_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* The value at fraction @q (0..1) of @n sorted samples, nearest rank */
static double ub_rank(const double *sorted, size_t n, double q)
{
	return sorted[(size_t)(q * (double)(n - 1) + 0.5)];
}

/* The median of @n sorted samples */
static double ub_median(const double *sorted, size_t n)
{
	return n % 2 ? sorted[n / 2] :
		(sorted[n / 2 - 1] + sorted[n / 2]) / 2;
}

/*
 * ub_nofile() - raise the soft RLIMIT_NOFILE to the hard one; with @need
 * > 0, exit unless @need descriptors (and a few more) can then be open
 */
static void ub_nofile(long need)
{
	rlim_t want = (rlim_t)need + 32;
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl))
		ub_fail("getrlimit: %s", strerror(errno));
	rl.rlim_cur = rl.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &rl))
		ub_fail("setrlimit: %s", strerror(errno));
	if (need > 0 && rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < want)
		ub_fail("needs %llu descriptors, RLIMIT_NOFILE allows %llu",
			(unsigned long long)want,
			(unsigned long long)rl.rlim_cur);
}

/* Parse a decimal number in [min, max], or exit with the usage text */
static long ub_num(const char *s, long min, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max)
		ub_usage();
	return v;
}

/* Fill @sa with ADDR:PORT, or exit with the usage text */
static void ub_addr(struct sockaddr_in *sa, const char *addr, long port)
{
	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	sa->sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, addr, &sa->sin_addr) != 1)
		ub_usage();
}

/*
 * ub_connect() - a blocking client connection to @sa, with the timeouts
 * and TCP_NODELAY set; exits on failure, naming connection @i
 */
static int ub_connect(const struct sockaddr_in *sa, long i)
{
	struct timeval tv = { .tv_sec = UB_TIMEOUT_S };
	int fd, one = 1;

	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		ub_fail("socket (connection %ld): %s", i, strerror(errno));
	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) ||
	    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) ||
	    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)))
		ub_fail("setsockopt: %s", strerror(errno));
	if (connect(fd, (const struct sockaddr *)sa, sizeof(*sa)))
		ub_fail("connect (connection %ld): %s", i, strerror(errno));
	return fd;
}

/* One byte out on @fd and one back; exits on failure */
static void ub_roundtrip(int fd, long i)
{
	char b = 'x';
	ssize_t r;

	if (send(fd, &b, 1, MSG_NOSIGNAL) != 1)
		ub_fail("send (round trip %ld): %s", i, strerror(errno));
	r = recv(fd, &b, 1, 0);
	if (r != 1)
		ub_fail("recv (round trip %ld): %s", i,
			r ? strerror(errno) : "connection closed");
}

/* pingpong: see the theory of operation */
static void ub_pingpong(const struct sockaddr_in *sa, long n)
{
	long warm = n / 10 < UB_WARMUP_MAX ? n / 10 : UB_WARMUP_MAX, i;
	double *v, t, sum = 0;
	int fd;

	v = calloc((size_t)n, sizeof(*v));
	if (!v)
		ub_fail("out of memory");
	fd = ub_connect(sa, 0);
	for (i = 0; i < warm; i++)
		ub_roundtrip(fd, i);
	for (i = 0; i < n; i++) {
		t = ub_now_us();
		ub_roundtrip(fd, warm + i);
		v[i] = ub_now_us() - t;
		sum += v[i];
	}
	close(fd);
	qsort(v, (size_t)n, sizeof(*v), ub_cmp);
	printf("pingpong n=%ld mean_us=%.1f median_us=%.1f p10_us=%.1f p99_us=%.1f\n",
	       n, sum / (double)n, ub_median(v, (size_t)n),
	       ub_rank(v, (size_t)n, 0.10), ub_rank(v, (size_t)n, 0.99));
	free(v);
}

/* connrate: see the theory of operation */
static void ub_connrate(const struct sockaddr_in *sa, long n)
{
	double *v, t0, t;
	ssize_t r;
	char b;
	long i;
	int fd;

	v = calloc((size_t)n, sizeof(*v));
	if (!v)
		ub_fail("out of memory");
	t0 = ub_now_us();
	for (i = 0; i < n; i++) {
		t = ub_now_us();
		fd = ub_connect(sa, i);
		ub_roundtrip(fd, i);
		r = recv(fd, &b, 1, 0);
		if (r)
			ub_fail("connection %ld: %s", i, r < 0 ? strerror(errno) :
				"more data instead of the end of the stream");
		close(fd);
		v[i] = ub_now_us() - t;
	}
	t = ub_now_us() - t0;
	qsort(v, (size_t)n, sizeof(*v), ub_cmp);
	printf("connrate n=%ld secs=%.3f per_sec=%.0f median_us=%.1f\n",
	       n, t / 1e6, (double)n / (t / 1e6), ub_median(v, (size_t)n));
	free(v);
}

/* Block SIGTERM and SIGINT; return the set */
static sigset_t ub_block_signals(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	if (sigprocmask(SIG_BLOCK, &set, NULL))
		ub_fail("sigprocmask: %s", strerror(errno));
	return set;
}

/* Add @fd to @ep for @events, tagged @tag */
static void ub_watch(int ep, int fd, uint32_t events, uint64_t tag)
{
	struct epoll_event ev = { .events = events, .data.u64 = tag };

	if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev))
		ub_fail("epoll_ctl: %s", strerror(errno));
}

/*
 * ub_hold_step() - connection @fd of hold is ready: connected (@sending:
 * send its byte and wait for the answer) or answered (done)
 *
 * Return: 1 when the connection is complete, 0 when it goes on
 */
static int ub_hold_step(int ep, int fd, int sending)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = (uint64_t)fd };
	socklen_t sl = sizeof(int);
	int err = 0;
	char b = 'x';
	ssize_t r;

	if (sending) {
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &sl) || err)
			ub_fail("connect: %s", strerror(err ? err : errno));
		if (send(fd, &b, 1, MSG_NOSIGNAL) != 1)
			ub_fail("send: %s", strerror(errno));
		if (epoll_ctl(ep, EPOLL_CTL_MOD, fd, &ev))
			ub_fail("epoll_ctl: %s", strerror(errno));
		return 0;
	}
	r = recv(fd, &b, 1, 0);
	if (r != 1)
		ub_fail("recv: %s", r ? strerror(errno) : "connection closed");
	if (epoll_ctl(ep, EPOLL_CTL_DEL, fd, NULL))
		ub_fail("epoll_ctl: %s", strerror(errno));
	return 1;
}

/* hold: see the theory of operation */
static void ub_hold(const struct sockaddr_in *sa, long n, const char *file)
{
	sigset_t set = ub_block_signals();
	long started = 0, done = 0, busy = 0;
	struct epoll_event ev[UB_HOLD_WINDOW];
	double t0, last;
	char tmp[4096];
	int ep, fd, k, i, sig;
	FILE *f;

	ub_nofile(n);
	ep = epoll_create1(EPOLL_CLOEXEC);
	if (ep < 0)
		ub_fail("epoll_create1: %s", strerror(errno));
	t0 = last = ub_now_us();
	while (done < n) {
		for (; busy < UB_HOLD_WINDOW && started < n; started++, busy++) {
			fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK |
				    SOCK_CLOEXEC, 0);
			if (fd < 0)
				ub_fail("socket (connection %ld): %s", started,
					strerror(errno));
			if (connect(fd, (const struct sockaddr *)sa, sizeof(*sa)) &&
			    errno != EINPROGRESS)
				ub_fail("connect (connection %ld): %s", started,
					strerror(errno));
			/* tag bit 32: waiting to be connected */
			ub_watch(ep, fd, EPOLLOUT, (1ULL << 32) | (uint64_t)fd);
		}
		k = epoll_wait(ep, ev, UB_HOLD_WINDOW, 1000);
		if (k < 0 && errno != EINTR)
			ub_fail("epoll_wait: %s", strerror(errno));
		for (i = 0; i < k; i++) {
			if (ub_hold_step(ep, (int)(uint32_t)ev[i].data.u64,
					 (int)(ev[i].data.u64 >> 32))) {
				done++;
				busy--;
				last = ub_now_us();
			}
		}
		if (ub_now_us() - last > UB_HOLD_STALL_S * 1e6)
			ub_fail("no connection completed in %d s (%ld of %ld done)",
				UB_HOLD_STALL_S, done, n);
	}
	close(ep);	/* every socket stays open until exit */
	printf("hold n=%ld secs=%.3f\n", n, (ub_now_us() - t0) / 1e6);
	fflush(stdout);

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", file) >= (int)sizeof(tmp))
		ub_fail("file name too long");
	f = fopen(tmp, "w");
	if (!f || fprintf(f, "held %ld\n", n) < 0 || fclose(f) ||
	    rename(tmp, file))
		ub_fail("cannot write %s: %s", file, strerror(errno));
	sigwait(&set, &sig);
}

/* A non-blocking listener on @sa */
static int ub_listen(const struct sockaddr_in *sa)
{
	int fd, one = 1;

	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(fd, (const struct sockaddr *)sa, sizeof(*sa)) ||
	    listen(fd, 4096))
		ub_fail("listen on port %u: %s", ntohs(sa->sin_port),
			strerror(errno));
	return fd;
}

/* Accept every pending connection on @lfd; @close_mode: reply and close */
static void ub_accept(int ep, int lfd, int close_mode)
{
	int fd, one = 1;

	for (;;) {
		fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EAGAIN || errno == EINTR ||
			    errno == ECONNABORTED)
				return;
			/* EMFILE and the like: the client's connect or
			 * round trip times out and reports it */
			fprintf(stderr, "user_bench: accept: %s\n",
				strerror(errno));
			return;
		}
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		ub_watch(ep, fd, EPOLLIN, UB_TAG_CONN +
			 (((uint64_t)fd << 1) | (unsigned)close_mode));
	}
}

/* Serve connection @fd that is readable: echo, or reply and close */
static void ub_serve_conn(int fd, int close_mode)
{
	char buf[256];
	ssize_t r;

	r = recv(fd, buf, sizeof(buf), 0);
	if (r < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	/* closing also takes the socket out of the epoll set */
	if (r <= 0) {
		close(fd);
	} else if (close_mode) {
		send(fd, buf, 1, MSG_NOSIGNAL | MSG_DONTWAIT);
		close(fd);
	} else if (send(fd, buf, (size_t)r, MSG_NOSIGNAL | MSG_DONTWAIT) != r) {
		close(fd);
	}
}

/* serve: see the theory of operation */
static void ub_serve(struct sockaddr_in *sa)
{
	sigset_t set = ub_block_signals();
	struct epoll_event ev[256];
	int ep, sfd, lecho, lclose, n, i;
	uint64_t tag;

	ub_nofile(0);
	ep = epoll_create1(EPOLL_CLOEXEC);
	sfd = signalfd(-1, &set, SFD_CLOEXEC);
	if (ep < 0 || sfd < 0)
		ub_fail("epoll or signalfd: %s", strerror(errno));
	lecho = ub_listen(sa);
	sa->sin_port = htons((uint16_t)(ntohs(sa->sin_port) + 1));
	lclose = ub_listen(sa);
	ub_watch(ep, lecho, EPOLLIN, UB_TAG_ECHO);
	ub_watch(ep, lclose, EPOLLIN, UB_TAG_CLOSE);
	ub_watch(ep, sfd, EPOLLIN, UB_TAG_SIGNAL);
	for (;;) {
		n = epoll_wait(ep, ev, 256, -1);
		if (n < 0 && errno != EINTR)
			ub_fail("epoll_wait: %s", strerror(errno));
		for (i = 0; i < n; i++) {
			tag = ev[i].data.u64;
			if (tag == UB_TAG_SIGNAL)
				return;
			if (tag == UB_TAG_ECHO || tag == UB_TAG_CLOSE)
				ub_accept(ep, tag == UB_TAG_ECHO ? lecho : lclose,
					  tag == UB_TAG_CLOSE);
			else
				ub_serve_conn((int)((tag - UB_TAG_CONN) >> 1),
					      (int)((tag - UB_TAG_CONN) & 1));
		}
	}
}

int main(int argc, char **argv)
{
	struct sockaddr_in sa;
	long n = 0;

	if (argc < 4)
		ub_usage();
	ub_addr(&sa, argv[2], ub_num(argv[3], 1, 65534));
	if (strcmp(argv[1], "serve")) {
		if (argc < 5)
			ub_usage();
		n = ub_num(argv[4], 1, UB_N_MAX);
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!strcmp(argv[1], "serve") && argc == 4) {
		ub_serve(&sa);
	} else if (!strcmp(argv[1], "pingpong") && argc == 5) {
		ub_pingpong(&sa, n);
	} else if (!strcmp(argv[1], "connrate") && argc == 5) {
		sa.sin_port = htons((uint16_t)(ntohs(sa.sin_port) + 1));
		ub_connrate(&sa, n);
	} else if (!strcmp(argv[1], "hold") && argc == 6) {
		ub_hold(&sa, n, argv[5]);
	} else {
		ub_usage();
	}
	return 0;
}
