/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The meshredir generic netlink messages, built (msg.c) and parsed
 * (msg_get.c) on plain buffers (no socket: nl.c sends them), so that
 * tests/unit checks them without a kernel.
 */
#ifndef MR_MSG_H
#define MR_MSG_H

#include <libmnl/libmnl.h>
#include "config.h"

/* A message buffer that grows to fit, freed with msg_free(). */
struct msg {
	char *buf;
	size_t cap;
};

void msg_free(struct msg *m);

/*
 * A part's size: far below the socket's default send buffer (about 200
 * KiB), and below a nest's 64 KiB, so no list ever needs to be refused.
 */
#define MR_SET_PART_SIZE 32768

/* The messages of one SET, to be sent in order on one socket. */
struct set_parts {
	struct msg *part;	/* each one's nlmsghdr is at part[i].buf */
	size_t n;
};

void set_parts_free(struct set_parts *p);

/*
 * The SET for cfg, addressed to the generic netlink family with this ID,
 * in messages of at most size bytes: one plain message when it fits, else
 * parts split between entries, the lists' nests reopened in the next part,
 * numbered by MESHREDIR_A_SET_PART from 0, all but the last with
 * MESHREDIR_A_SET_MORE (uapi/linux/meshredir.h). -1, with err set, if an
 * entry does not fit a message of that size.
 */
int msg_build_set(struct set_parts *p, const struct tool_config *cfg,
		  uint16_t family, size_t size, char *err, size_t errlen);
/* A command without attributes: GET, DEL, RESET_COUNTERS. */
struct nlmsghdr *msg_build_cmd(struct msg *m, uint16_t family, uint8_t cmd);
/* The same as a dump request (NLM_F_DUMP): GET. */
struct nlmsghdr *msg_build_dump(struct msg *m, uint16_t family, uint8_t cmd);

/*
 * A GET reply into cfg, which is overwritten (free it with config_free
 * afterwards, also on error). Attributes it does not know are skipped, so
 * that a newer kernel's additions don't break an older tool.
 */
int msg_parse_get(const struct nlmsghdr *nlh, struct tool_config *cfg,
		  char *err, size_t errlen);
/*
 * One message of a GET dump added to cfg (config_init it first): its
 * lists are appended to cfg's, the scalars it carries replace cfg's.
 */
int msg_merge_get(const struct nlmsghdr *nlh, struct tool_config *cfg,
		  char *err, size_t errlen);

#endif /* MR_MSG_H */
