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
 * A SET for cfg, addressed to the generic netlink family with this ID.
 * NULL, with err set, if some list is too big for one netlink attribute.
 */
struct nlmsghdr *mr_nl_build_set(struct mr_msg *m, const struct mr_tool_config *cfg,
				 uint16_t family, char *err, size_t errlen);
/* A command without attributes: GET, DEL, RESET_COUNTERS. */
struct nlmsghdr *mr_nl_build_cmd(struct mr_msg *m, uint16_t family, uint8_t cmd);

/*
 * A GET reply into cfg, which is overwritten (free it with mr_config_free
 * afterwards, also on error). Attributes it does not know are skipped, so
 * that a newer kernel's additions don't break an older tool.
 */
int mr_nl_parse_get(const struct nlmsghdr *nlh, struct mr_tool_config *cfg,
		    char *err, size_t errlen);

/* How an exchange ended. */
struct mr_nl_status {
	int error;		/* positive errno; 0: success */
	char msg[256];		/* the kernel's extack message, or "" */
};

/* An NLMSG_ERROR message: an error or an ack, with any extack text. */
void mr_nl_parse_ack(const struct nlmsghdr *nlh, struct mr_nl_status *st);

struct mr_nl;

/* A generic netlink socket with extended acks; NULL with errno set. */
struct mr_nl *mr_nl_open(void);
void mr_nl_close(struct mr_nl *nl);
/* Looks the meshredir family up: ENOENT in st->error if it isn't there. */
int mr_nl_resolve(struct mr_nl *nl, struct mr_nl_status *st);
uint16_t mr_nl_family(const struct mr_nl *nl);

/*
 * Sends req with NLM_F_ACK and gives every reply message to cb until the
 * ack. cb returns -1 to fail the exchange (st->error is then EPROTO). On
 * success st->msg may still hold a warning the kernel attached to the ack.
 */
int mr_nl_talk(struct mr_nl *nl, struct nlmsghdr *req,
	       int (*cb)(const struct nlmsghdr *nlh, void *data), void *data,
	       struct mr_nl_status *st);

#endif /* MR_NL_H */
