// SPDX-License-Identifier: GPL-2.0
/*
 * `meshredir monitor`: joins the family's events group in the namespace and
 * prints each decision the module makes there, until --count events have
 * been shown or SIGINT or SIGTERM, and then, on stderr, how many events
 * the kernel did not send (its rate limit, or no memory), as the events
 * themselves report it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>
#include <linux/genetlink.h>
#include "commands.h"
#include "event.h"
#include "util.h"

/* Events are small; the kernel queues at most this much in one read. */
#define RECV_SIZE 65536

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

struct tally {
	uint64_t received;	/* every event, shown or filtered out */
	uint64_t shown;
	uint64_t dropped;	/* the sum of their MESHREDIR_EVENT_A_DROPPED */
	uint64_t overruns;	/* times our socket's queue overflowed */
	uint64_t malformed;
};

/* Local time with microseconds, as ISO 8601 has it. */
static void now(char *buf, size_t len)
{
	struct timespec ts;
	struct tm tm;
	size_t n;

	clock_gettime(CLOCK_REALTIME, &ts);
	localtime_r(&ts.tv_sec, &tm);
	n = strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf + n, len - n, ".%06ld", ts.tv_nsec / 1000);
}

/* Returns true when --count is reached. */
static bool one_event(const struct run *r, const struct nlmsghdr *nlh, struct tally *t)
{
	const struct cmdline *cl = r->cl;
	char err[MR_ERR_LEN], time[40], ifbuf[IF_NAMESIZE];
	const char *ifname = NULL;
	struct event ev;

	if (event_parse(nlh, &ev, err, sizeof(err))) {
		t->malformed++;
		print_error("monitor: %s", err);
		return false;
	}
	t->received++;
	t->dropped += ev.dropped;
	if (cl->reasons && (ev.reason >= 64 || !(cl->reasons & (1ull << ev.reason))))
		return false;
	now(time, sizeof(time));
	/* The interface of this namespace, which the tool has entered. */
	if (ev.has_ifindex)
		ifname = if_indextoname(ev.ifindex, ifbuf);
	if (cl->format == FORMAT_JSON)
		event_json(stdout, &ev, time, ifname);
	else
		event_text(stdout, &ev, time, ifname);
	t->shown++;
	return cl->count && t->shown >= cl->count;
}

/* One read's messages; returns true when --count is reached. */
static bool one_read(const struct run *r, const char *buf, int len, struct tally *t)
{
	const struct nlmsghdr *nlh;

	for (nlh = (const struct nlmsghdr *)buf; mnl_nlmsg_ok(nlh, len);
	     nlh = mnl_nlmsg_next(nlh, &len)) {
		const struct genlmsghdr *g = mnl_nlmsg_get_payload(nlh);

		if (nlh->nlmsg_type != nl_family(r->nl) ||
		    mnl_nlmsg_get_payload_len(nlh) < sizeof(*g) || g->cmd != MESHREDIR_CMD_EVENT)
			continue;
		if (one_event(r, nlh, t))
			return true;
	}
	return false;
}

/*
 * Every command needs CAP_NET_ADMIN over the namespace: a GET says whether
 * we have it in words of our own, whatever the kernel's way of refusing a
 * subscription is. Not configured is no error: events start with the SET.
 */
static int may_monitor(struct run *r)
{
	struct msg m = { 0 };
	struct nl_status st;
	int ret = 0;

	if (nl_talk(r->nl, msg_build_cmd(&m, nl_family(r->nl), MESHREDIR_CMD_GET), NULL, NULL,
		    &st)) {
		if (st.error == ENOENT)
			fprintf(stderr, "meshredir: monitor: %s is not configured yet; waiting for events\n",
				r->where);
		else if (st.error != EMSGSIZE)	/* a configuration too big for one reply */
			ret = kernel_error("monitor", &st);
	}
	msg_free(&m);
	return ret;
}

/*
 * What is queued on the socket; 1 when it is empty, 2 when --count is
 * reached, -1 on error.
 */
static int read_queued(const struct run *r, struct tally *t)
{
	static char buf[RECV_SIZE];
	ssize_t n;

	for (;;) {
		n = recv(nl_fd(r->nl), buf, sizeof(buf), MSG_DONTWAIT);
		if (n < 0 && errno == ENOBUFS) {
			/* Events the kernel sent and our queue could not hold. */
			t->overruns++;
			print_error("monitor: events were lost: this socket's receive queue overflowed");
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return 1;
		if (n < 0) {
			print_error("monitor: reading events: %s", strerror(errno));
			return -1;
		}
		if (one_read(r, buf, n, t))
			return 2;
	}
}

static int listen_loop(const struct run *r, sigset_t *unblocked, struct tally *t)
{
	struct pollfd pfd = { .fd = nl_fd(r->nl), .events = POLLIN };
	int ret = 1;

	while (!stop && ret == 1) {
		/* ppoll() lets the signals in only while it waits: none is missed. */
		if (ppoll(&pfd, 1, NULL, unblocked) < 0 && errno != EINTR)
			return print_error("monitor: waiting for events: %s", strerror(errno));
		/*
		 * After a signal too: the events the kernel queued before it are
		 * shown and counted, so that the total is exact.
		 */
		ret = read_queued(r, t);
		if (fflush(stdout) || ferror(stdout))
			return print_error("monitor: cannot write the output: %s", strerror(errno));
	}
	return ret < 0 ? 1 : 0;
}

int run_monitor(struct run *r)
{
	struct sigaction sa = { .sa_handler = on_signal };
	uint32_t group = nl_events_group(r->nl);
	sigset_t block, unblocked;
	struct tally t = { 0 };
	int ret;

	if (!group)
		return print_error("monitor: the loaded meshredir module has no \"%s\" multicast group (it is older than monitor)",
				   MESHREDIR_MCGRP_EVENTS);
	ret = may_monitor(r);
	if (ret)
		return ret;
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigprocmask(SIG_BLOCK, &block, &unblocked);
	sigdelset(&unblocked, SIGINT);
	sigdelset(&unblocked, SIGTERM);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	if (nl_subscribe(r->nl, group)) {
		struct nl_status st = { .error = errno };

		return kernel_error("monitor: joining the events group", &st);
	}
	/* As tcpdump does: a script knows from this line that nothing is missed. */
	fprintf(stderr, "meshredir: monitor: listening in %s\n", r->where);
	ret = listen_loop(r, &unblocked, &t);
	fprintf(stderr, "meshredir: monitor: %" PRIu64 " events received, %" PRIu64 " shown, %" PRIu64 " dropped by the kernel",
		t.received, t.shown, t.dropped);
	if (t.overruns)
		fprintf(stderr, ", and more lost %" PRIu64 " times on this socket", t.overruns);
	if (t.malformed)
		fprintf(stderr, ", %" PRIu64 " malformed", t.malformed);
	fputc('\n', stderr);
	return ret;
}
