// SPDX-License-Identifier: GPL-2.0
/*
 * The generic netlink socket: one request and its replies at a time, the
 * kernel's acks and their extended-ack text, the family's ID and its
 * events group, and joining that group. Replies are
 * read with a peek at their size first, as a GET dump's may be large.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include "nl.h"

#ifndef SO_SNDBUFFORCE
#define SO_SNDBUFFORCE 32
#endif
#ifndef SO_RCVBUFFORCE
#define SO_RCVBUFFORCE 33
#endif

/*
 * Room for a GET reply (four lists of 64 KiB at most, and the counters) and
 * for the messages of a dump, which the kernel queues 32 KiB at a time.
 */
#define RCVBUF (1 << 20)

/*
 * The extack text among the TLVs that start at offset off of nlh's payload,
 * into st->msg without its trailing newlines. An ack and a dump's
 * NLMSG_DONE carry it the same way, only at another offset.
 */
static void extack_msg(const struct nlmsghdr *nlh, size_t off, struct nl_status *st)
{
	const struct nlattr *a;

	mnl_attr_for_each(a, nlh, off) {
		size_t len;

		if (mnl_attr_get_type(a) != NLMSGERR_ATTR_MSG)
			continue;
		len = mnl_attr_get_payload_len(a);
		if (len >= sizeof(st->msg))
			len = sizeof(st->msg) - 1;
		memcpy(st->msg, mnl_attr_get_payload(a), len);
		st->msg[len] = '\0';
		len = strlen(st->msg);
		while (len && st->msg[len - 1] == '\n')
			st->msg[--len] = '\0';
	}
}

void nl_parse_ack(const struct nlmsghdr *nlh, struct nl_status *st)
{
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
	size_t off = MNL_ALIGN(sizeof(*e)), payload;

	st->error = 0;
	st->msg[0] = '\0';
	if (nlh->nlmsg_len < MNL_NLMSG_HDRLEN + sizeof(*e)) {
		st->error = EBADMSG;
		return;
	}
	st->error = -e->error;
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	/* Unless capped, the request is echoed back before the TLVs. */
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED) && e->msg.nlmsg_len >= MNL_NLMSG_HDRLEN)
		off = MNL_ALIGN(sizeof(*e) - sizeof(e->msg) + e->msg.nlmsg_len);
	payload = mnl_nlmsg_get_payload_len(nlh);
	if (off >= payload)
		return;
	extack_msg(nlh, off, st);
}

/*
 * A dump ends with NLMSG_DONE: an int, the dump's error, and the extack
 * attributes after it when NLM_F_ACK_TLVS says so.
 */
void nl_parse_done(const struct nlmsghdr *nlh, struct nl_status *st)
{
	int error;

	st->error = 0;
	st->msg[0] = '\0';
	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(error))
		return;	/* old kernels may send it bare */
	memcpy(&error, mnl_nlmsg_get_payload(nlh), sizeof(error));
	st->error = -error;
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS) ||
	    mnl_nlmsg_get_payload_len(nlh) <= MNL_ALIGN(sizeof(error)))
		return;
	extack_msg(nlh, MNL_ALIGN(sizeof(error)), st);
}

/* ---- the socket ---- */

struct nl {
	struct mnl_socket *sock;
	uint32_t portid;
	uint32_t seq;
	uint16_t family;
	uint32_t events_group;		/* 0: the module has no such group */
	char *rbuf;
	size_t rcap;
};

struct nl *nl_open(void)
{
	struct nl *nl = calloc(1, sizeof(*nl));
	int one = 1, rcvbuf = RCVBUF, fd, e;

	if (!nl)
		return NULL;
	nl->sock = mnl_socket_open(NETLINK_GENERIC);
	if (!nl->sock)
		goto fail;
	if (mnl_socket_bind(nl->sock, 0, MNL_SOCKET_AUTOPID) < 0)
		goto fail;
	nl->portid = mnl_socket_get_portid(nl->sock);
	nl->seq = time(NULL);
	/* Without these the kernel's reason is lost, or the request echoed back. */
	mnl_socket_setsockopt(nl->sock, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(nl->sock, NETLINK_CAP_ACK, &one, sizeof(one));
	/*
	 * A big GET reply is queued whole, and the ack behind it would be
	 * dropped if the reply filled the receive buffer.
	 */
	fd = mnl_socket_get_fd(nl->sock);
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	return nl;
fail:
	e = errno;
	nl_close(nl);
	errno = e;
	return NULL;
}

void nl_close(struct nl *nl)
{
	if (!nl)
		return;
	if (nl->sock)
		mnl_socket_close(nl->sock);
	free(nl->rbuf);
	free(nl);
}

uint16_t nl_family(const struct nl *nl)
{
	return nl->family;
}

/*
 * Netlink refuses (EMSGSIZE) a message longer than the send buffer, whose
 * default is about 200 KiB; a SET with 10,000 CIDRs is more. Root may force
 * any size; others get what net.core.wmem_max allows.
 */
static int fit_sndbuf(int fd, size_t len)
{
	int cur, want;
	socklen_t sl = sizeof(cur);

	if (len > INT_MAX / 2)
		return -1;
	if (!getsockopt(fd, SOL_SOCKET, SO_SNDBUF, &cur, &sl) && (size_t)cur >= len + 64)
		return 0;
	want = len + 4096;
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &want, sizeof(want)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &want, sizeof(want));
	sl = sizeof(cur);
	if (getsockopt(fd, SOL_SOCKET, SO_SNDBUF, &cur, &sl) || (size_t)cur < len + 64)
		return -1;
	return 0;
}

int nl_talk(struct nl *nl, struct nlmsghdr *req,
	    int (*cb)(const struct nlmsghdr *nlh, void *data), void *data,
	    struct nl_status *st)
{
	int fd = mnl_socket_get_fd(nl->sock);
	uint32_t seq = ++nl->seq;
	struct nlmsghdr *nlh;
	ssize_t n;
	int len;

	st->error = 0;
	st->msg[0] = '\0';
	req->nlmsg_seq = seq;
	req->nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
	if (fit_sndbuf(fd, req->nlmsg_len)) {
		st->error = EMSGSIZE;
		return -1;
	}
	if (mnl_socket_sendto(nl->sock, req, req->nlmsg_len) < 0) {
		st->error = errno;
		return -1;
	}
	for (;;) {
		n = recv(fd, NULL, 0, MSG_PEEK | MSG_TRUNC);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			st->error = errno;
			return -1;
		}
		if ((size_t)n > nl->rcap) {
			char *b = realloc(nl->rbuf, n);

			if (!b) {
				st->error = ENOMEM;
				return -1;
			}
			nl->rbuf = b;
			nl->rcap = n;
		}
		n = recv(fd, nl->rbuf, nl->rcap, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			st->error = errno;
			return -1;
		}
		len = n;
		for (nlh = (struct nlmsghdr *)nl->rbuf; mnl_nlmsg_ok(nlh, len);
		     nlh = mnl_nlmsg_next(nlh, &len)) {
			if (nlh->nlmsg_seq != seq || nlh->nlmsg_pid != nl->portid)
				continue;
			switch (nlh->nlmsg_type) {
			case NLMSG_NOOP:
				continue;
			case NLMSG_ERROR:
				nl_parse_ack(nlh, st);
				return st->error ? -1 : 0;
			case NLMSG_DONE:
				nl_parse_done(nlh, st);
				return st->error ? -1 : 0;
			case NLMSG_OVERRUN:
				st->error = ENOBUFS;
				return -1;
			}
			if (cb && cb(nlh, data) < 0) {
				st->error = EPROTO;
				return -1;
			}
		}
	}
}

/* The ID of the group named MESHREDIR_MCGRP_EVENTS in CTRL_ATTR_MCAST_GROUPS. */
static void mcast_groups(const struct nlattr *groups, uint32_t *events)
{
	const struct nlattr *g, *a;

	mnl_attr_for_each_nested(g, groups) {
		const char *name = NULL;
		uint32_t id = 0;

		mnl_attr_for_each_nested(a, g) {
			if (mnl_attr_get_type(a) == CTRL_ATTR_MCAST_GRP_NAME &&
			    !mnl_attr_validate(a, MNL_TYPE_NUL_STRING))
				name = mnl_attr_get_str(a);
			else if (mnl_attr_get_type(a) == CTRL_ATTR_MCAST_GRP_ID &&
				 !mnl_attr_validate(a, MNL_TYPE_U32))
				id = mnl_attr_get_u32(a);
		}
		if (name && !strcmp(name, MESHREDIR_MCGRP_EVENTS))
			*events = id;
	}
}

static int family_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *a;
	struct nl *nl = data;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(a) == CTRL_ATTR_FAMILY_ID &&
		    mnl_attr_get_payload_len(a) == sizeof(uint16_t))
			nl->family = mnl_attr_get_u16(a);
		else if (mnl_attr_get_type(a) == CTRL_ATTR_MCAST_GROUPS)
			mcast_groups(a, &nl->events_group);
	}
	return 0;
}

int nl_resolve(struct nl *nl, struct nl_status *st)
{
	struct msg m = { 0 };
	struct nlmsghdr *nlh;
	struct genlmsghdr *g;
	int ret;

	nlh = msg_build_cmd(&m, GENL_ID_CTRL, CTRL_CMD_GETFAMILY);
	g = mnl_nlmsg_get_payload(nlh);
	g->version = 1;
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, MESHREDIR_GENL_NAME);
	nl->family = 0;
	nl->events_group = 0;
	ret = nl_talk(nl, nlh, family_cb, nl, st);
	msg_free(&m);
	if (!ret && !nl->family) {
		st->error = EPROTO;
		return -1;
	}
	return ret;
}

uint32_t nl_events_group(const struct nl *nl)
{
	return nl->events_group;
}

int nl_subscribe(struct nl *nl, uint32_t group)
{
	return setsockopt(mnl_socket_get_fd(nl->sock), SOL_NETLINK, NETLINK_ADD_MEMBERSHIP,
			  &group, sizeof(group));
}

int nl_fd(const struct nl *nl)
{
	return mnl_socket_get_fd(nl->sock);
}
