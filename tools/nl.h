/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Talking to the kernel: a generic netlink socket with extended acks, one
 * request/reply exchange at a time, and how each ended. The messages
 * themselves are msg.h's.
 */
#ifndef MR_NL_H
#define MR_NL_H

#include <libmnl/libmnl.h>
#include "msg.h"

/* How an exchange ended. */
struct nl_status {
	int error;		/* positive errno; 0: success */
	char msg[256];		/* the kernel's extack message, or "" */
};

/* An NLMSG_ERROR message: an error or an ack, with any extack text. */
void nl_parse_ack(const struct nlmsghdr *nlh, struct nl_status *st);
/* The NLMSG_DONE that ends a dump: its error, with any extack text. */
void nl_parse_done(const struct nlmsghdr *nlh, struct nl_status *st);

struct nl;

/* A generic netlink socket with extended acks; NULL with errno set. */
struct nl *nl_open(void);
void nl_close(struct nl *nl);
/* Looks the meshredir family up: ENOENT in st->error if it isn't there. */
int nl_resolve(struct nl *nl, struct nl_status *st);
uint16_t nl_family(const struct nl *nl);
/* The MESHREDIR_MCGRP_EVENTS group nl_resolve() found; 0 if none. */
uint32_t nl_events_group(const struct nl *nl);
/* Joins a multicast group: -1 with errno (EPERM: not allowed) on failure. */
int nl_subscribe(struct nl *nl, uint32_t group);
/* The socket, for a caller that reads multicast messages itself. */
int nl_fd(const struct nl *nl);

/*
 * Sends req with NLM_F_ACK and gives every reply message to cb until the
 * ack, or until NLMSG_DONE for a dump. cb returns -1 to fail the exchange
 * (st->error is then EPROTO). On success st->msg may still hold a warning
 * the kernel attached to the ack.
 */
int nl_talk(struct nl *nl, struct nlmsghdr *req,
	    int (*cb)(const struct nlmsghdr *nlh, void *data), void *data,
	    struct nl_status *st);

#endif /* MR_NL_H */
