// SPDX-License-Identifier: GPL-2.0
/*
 * The netlink side of the tool: struct mr_tool_config to a SET message and
 * a GET reply back to it, and one request/reply exchange with the kernel
 * that brings back its extended-ack text. The builders and parsers work on
 * plain buffers, so that tests/unit checks them without a kernel.
 */
#ifndef MR_NL_H
#define MR_NL_H

#include <libmnl/libmnl.h>
#include "args.h"

/* A message buffer that grows to fit, freed with mr_msg_free(). */
struct mr_msg {
	char *buf;
	size_t cap;
};

void mr_msg_free(struct mr_msg *m);

/*
 * A part's size: far below the socket's default send buffer (about 200
 * KiB), and below a nest's 64 KiB, so no list ever needs to be refused.
 */
#define MR_SET_PART_SIZE 32768

/* The messages of one SET, to be sent in order on one socket. */
struct mr_set_parts {
	struct mr_msg *part;	/* each one's nlmsghdr is at part[i].buf */
	size_t n;
};

void mr_set_parts_free(struct mr_set_parts *p);

/*
 * The SET for cfg, addressed to the generic netlink family with this ID,
 * in messages of at most size bytes: one plain message when it fits, else
 * parts split between entries, the lists' nests reopened in the next part,
 * numbered by MESHREDIR_A_SET_PART from 0, all but the last with
 * MESHREDIR_A_SET_MORE (uapi/linux/meshredir.h). -1, with err set, if an
 * entry does not fit a message of that size.
 */
int mr_nl_build_set(struct mr_set_parts *p, const struct mr_tool_config *cfg,
		    uint16_t family, size_t size, char *err, size_t errlen);
/* A command without attributes: GET, DEL, RESET_COUNTERS. */
struct nlmsghdr *mr_nl_build_cmd(struct mr_msg *m, uint16_t family, uint8_t cmd);
/* The same as a dump request (NLM_F_DUMP): GET. */
struct nlmsghdr *mr_nl_build_dump(struct mr_msg *m, uint16_t family, uint8_t cmd);

/*
 * A GET reply into cfg, which is overwritten (free it with mr_config_free
 * afterwards, also on error). Attributes it does not know are skipped, so
 * that a newer kernel's additions don't break an older tool.
 */
int mr_nl_parse_get(const struct nlmsghdr *nlh, struct mr_tool_config *cfg,
		    char *err, size_t errlen);
/*
 * One message of a GET dump added to cfg (mr_config_init it first): its
 * lists are appended to cfg's, the scalars it carries replace cfg's.
 */
int mr_nl_merge_get(const struct nlmsghdr *nlh, struct mr_tool_config *cfg,
		    char *err, size_t errlen);

/* How an exchange ended. */
struct mr_nl_status {
	int error;		/* positive errno; 0: success */
	char msg[256];		/* the kernel's extack message, or "" */
};

/* An NLMSG_ERROR message: an error or an ack, with any extack text. */
void mr_nl_parse_ack(const struct nlmsghdr *nlh, struct mr_nl_status *st);
/* The NLMSG_DONE that ends a dump: its error, with any extack text. */
void mr_nl_parse_done(const struct nlmsghdr *nlh, struct mr_nl_status *st);

struct mr_nl;

/* A generic netlink socket with extended acks; NULL with errno set. */
struct mr_nl *mr_nl_open(void);
void mr_nl_close(struct mr_nl *nl);
/* Looks the meshredir family up: ENOENT in st->error if it isn't there. */
int mr_nl_resolve(struct mr_nl *nl, struct mr_nl_status *st);
uint16_t mr_nl_family(const struct mr_nl *nl);

/*
 * Sends req with NLM_F_ACK and gives every reply message to cb until the
 * ack, or until NLMSG_DONE for a dump. cb returns -1 to fail the exchange (st->error is then EPROTO). On
 * success st->msg may still hold a warning the kernel attached to the ack.
 */
int mr_nl_talk(struct mr_nl *nl, struct nlmsghdr *req,
	       int (*cb)(const struct nlmsghdr *nlh, void *data), void *data,
	       struct mr_nl_status *st);

#endif /* MR_NL_H */
