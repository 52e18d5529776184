/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Raw generic netlink for the stress programs (mr-fuzz, mr-swap): they send
 * messages the control tool would never build (wrong lengths, lying
 * headers), so no library stands between them and the socket. One request
 * at a time; mr_genl_call() reads until the request's own ack or error and
 * hands back the reply's attributes, its errno and the extended-ack text.
 */
#ifndef MR_GENL_H
#define MR_GENL_H

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/meshredir.h>

#include "../../e2e/helpers/common.h"

#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK 11
#endif
#ifndef SO_RCVBUFFORCE
#define SO_RCVBUFFORCE 33
#endif
#ifndef SO_SNDBUFFORCE
#define SO_SNDBUFFORCE 32
#endif

/* The largest GET reply is a few 64 KiB nests; fuzzed SETs stay below. */
#define MR_GENL_BUF (1 << 21)

struct mr_genl {
	int fd;
	uint16_t family;
	uint32_t seq;
	unsigned char *rx;
	unsigned char *rbuf;		/* the data message, kept past later reads */
	/* The last call's outcome. */
	int err;			/* 0 or a positive errno */
	char ext_msg[256];		/* extended-ack text, "" if none */
	unsigned char *reply;		/* the reply's attributes (after genlmsghdr) */
	int reply_len;			/* -1: no data message came back */
	unsigned char reply_cmd;
	uint32_t stray;			/* -2: the sequence number that came instead */
};

/* Sends len bytes as one datagram to the kernel. */
static inline int mr_genl_send_raw(struct mr_genl *g, const void *buf, size_t len)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };

	return sendto(g->fd, buf, len, 0, (struct sockaddr *)&sa, sizeof(sa)) < 0 ? -1 : 0;
}

static inline void mr_genl_ext_msg(struct mr_genl *g, const struct nlmsghdr *nlh)
{
	const struct nlmsgerr *e = NLMSG_DATA(nlh);
	const unsigned char *p;
	int rem, skip;

	g->ext_msg[0] = 0;
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	/* Without NLM_F_CAPPED the whole request follows the error. */
	skip = sizeof(*e);
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		skip += e->msg.nlmsg_len - sizeof(struct nlmsghdr);
	skip = NLMSG_ALIGN(skip);
	p = (const unsigned char *)e + skip;
	rem = (int)nlh->nlmsg_len - NLMSG_HDRLEN - skip;
	while (rem >= NLA_HDRLEN) {
		const struct nlattr *a = (const void *)p;

		if (a->nla_len < NLA_HDRLEN || a->nla_len > rem)
			break;
		if ((a->nla_type & NLA_TYPE_MASK) == NLMSGERR_ATTR_MSG) {
			int n = a->nla_len - NLA_HDRLEN;

			if (n > (int)sizeof(g->ext_msg) - 1)
				n = sizeof(g->ext_msg) - 1;
			memcpy(g->ext_msg, p + NLA_HDRLEN, n);
			g->ext_msg[n] = 0;
			return;
		}
		p += NLA_ALIGN(a->nla_len);
		rem -= NLA_ALIGN(a->nla_len);
	}
}

/*
 * Reads until the ack or error of sequence number seq. Returns 0 when it
 * came (g->err, g->reply set), -1 on a socket error, -2 when a message of
 * another sequence number came first (*stray set to it), -3 on a timeout
 * (SO_RCVTIMEO) with nothing for seq.
 */
static inline int mr_genl_wait(struct mr_genl *g, uint32_t seq, uint32_t *stray)
{
	g->reply_len = -1;
	g->err = 0;
	g->ext_msg[0] = 0;
	for (;;) {
		ssize_t n = recv(g->fd, g->rx, MR_GENL_BUF, 0);
		struct nlmsghdr *nlh;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return (errno == EAGAIN || errno == EWOULDBLOCK) ? -3 : -1;
		}
		for (nlh = (void *)g->rx; NLMSG_OK(nlh, (size_t)n); nlh = NLMSG_NEXT(nlh, n)) {
			if (nlh->nlmsg_seq != seq) {
				g->stray = nlh->nlmsg_seq;
				if (stray)
					*stray = nlh->nlmsg_seq;
				return -2;
			}
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = NLMSG_DATA(nlh);

				g->err = -e->error;
				mr_genl_ext_msg(g, nlh);
				return 0;
			}
			if (nlh->nlmsg_type == NLMSG_DONE)
				return 0;
			if (nlh->nlmsg_type == g->family &&
			    nlh->nlmsg_len >= NLMSG_LENGTH(GENL_HDRLEN)) {
				/* A data message: kept, the ack follows. */
				const struct genlmsghdr *gh = NLMSG_DATA(nlh);

				g->reply_cmd = gh->cmd;
				g->reply_len = nlh->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);
				memcpy(g->rbuf, (unsigned char *)gh + GENL_HDRLEN, g->reply_len);
				g->reply = g->rbuf;
			}
		}
	}
}

/* Appends one attribute to buf at *off (aligned), payload len bytes. */
static inline void mr_genl_put(unsigned char *buf, size_t *off, uint16_t type,
			       const void *data, uint16_t len)
{
	struct nlattr *a = (void *)(buf + *off);

	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	if (len)
		memcpy(buf + *off + NLA_HDRLEN, data, len);
	memset(buf + *off + NLA_HDRLEN + len, 0, NLA_ALIGN(len) - len);
	*off += NLA_ALIGN(NLA_HDRLEN + len);
}

/*
 * A well-formed request: family, cmd, version 1, attributes attrs[0..len).
 * Returns what mr_genl_wait does.
 */
static inline int mr_genl_call(struct mr_genl *g, uint8_t cmd, const void *attrs,
			       size_t len)
{
	size_t total = NLMSG_LENGTH(GENL_HDRLEN) + len;
	unsigned char *buf = malloc(total);
	struct nlmsghdr *nlh = (void *)buf;
	struct genlmsghdr *gh = NLMSG_DATA(nlh);
	int r;

	if (!buf)
		return -1;
	memset(buf, 0, NLMSG_LENGTH(GENL_HDRLEN));
	nlh->nlmsg_len = total;
	nlh->nlmsg_type = g->family;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = ++g->seq;
	gh->cmd = cmd;
	gh->version = MESHREDIR_GENL_VERSION;
	if (len)
		memcpy(buf + NLMSG_LENGTH(GENL_HDRLEN), attrs, len);
	r = mr_genl_send_raw(g, buf, total);
	free(buf);
	return r ? -1 : mr_genl_wait(g, g->seq, NULL);
}

/* The family's id, from the generic netlink controller. */
static inline int mr_genl_resolve(struct mr_genl *g)
{
	unsigned char buf[128];
	struct nlmsghdr *nlh = (void *)buf;
	struct genlmsghdr *gh = NLMSG_DATA(nlh);
	size_t off = NLMSG_LENGTH(GENL_HDRLEN);
	const unsigned char *p;
	int rem;

	memset(buf, 0, sizeof(buf));
	mr_genl_put(buf, &off, CTRL_ATTR_FAMILY_NAME, MESHREDIR_GENL_NAME,
		    sizeof(MESHREDIR_GENL_NAME));
	nlh->nlmsg_len = off;
	nlh->nlmsg_type = GENL_ID_CTRL;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = ++g->seq;
	gh->cmd = CTRL_CMD_GETFAMILY;
	gh->version = 1;
	g->family = GENL_ID_CTRL;
	if (mr_genl_send_raw(g, buf, off) || mr_genl_wait(g, g->seq, NULL))
		return -1;
	if (g->err || g->reply_len < 0) {
		errno = g->err ? g->err : ENOENT;
		return -1;
	}
	p = g->reply;
	rem = g->reply_len;
	while (rem >= NLA_HDRLEN) {
		const struct nlattr *a = (const void *)p;

		if (a->nla_len < NLA_HDRLEN || a->nla_len > rem)
			break;
		if ((a->nla_type & NLA_TYPE_MASK) == CTRL_ATTR_FAMILY_ID &&
		    a->nla_len == NLA_HDRLEN + 2) {
			memcpy(&g->family, p + NLA_HDRLEN, 2);
			return 0;
		}
		p += NLA_ALIGN(a->nla_len);
		rem -= NLA_ALIGN(a->nla_len);
	}
	errno = ENOENT;
	return -1;
}

/* Opens the socket in the current network namespace and finds the family. */
static inline int mr_genl_open(struct mr_genl *g)
{
	int one = 1, size = MR_GENL_BUF;
	struct timeval tv = { .tv_sec = 30 };

	memset(g, 0, sizeof(*g));
	g->rx = malloc(MR_GENL_BUF);
	g->rbuf = malloc(MR_GENL_BUF);
	g->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (!g->rx || !g->rbuf || g->fd < 0)
		return -1;
	setsockopt(g->fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(g->fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	if (setsockopt(g->fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)))
		setsockopt(g->fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	/* netlink_sendmsg() refuses a datagram bigger than the send buffer. */
	if (setsockopt(g->fd, SOL_SOCKET, SO_SNDBUFFORCE, &size, sizeof(size)))
		setsockopt(g->fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
	setsockopt(g->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	return mr_genl_resolve(g);
}

/*
 * The configuration part of a GET reply: every top-level attribute but the
 * counters, events-dropped and padding (GET's only: a SET refuses them),
 * copied into out (at least g->reply_len bytes). Returns its length.
 */
static inline int mr_genl_config_only(const struct mr_genl *g, unsigned char *out)
{
	const unsigned char *p = g->reply;
	int rem = g->reply_len, len = 0;

	while (rem >= NLA_HDRLEN) {
		const struct nlattr *a = (const void *)p;
		int step = NLA_ALIGN(a->nla_len);

		if (a->nla_len < NLA_HDRLEN || a->nla_len > rem)
			break;
		int type = a->nla_type & NLA_TYPE_MASK;

		if (type != MESHREDIR_A_COUNTERS && type != MESHREDIR_A_EVENTS_DROPPED &&
		    type != MESHREDIR_A_UNSPEC) {
			memcpy(out + len, p, step > rem ? rem : step);
			len += step > rem ? rem : step;
		}
		p += step;
		rem -= step;
	}
	return len;
}

#endif /* MR_GENL_H */
