/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One MESHREDIR_CMD_EVENT message: taken apart into a struct event, and
 * written as `meshredir monitor` prints it, a line of text or one JSON
 * object.
 */
#ifndef MR_EVENT_H
#define MR_EVENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <libmnl/libmnl.h>
#include <linux/meshredir.h>

struct event {
	uint8_t hook;			/* MESHREDIR_COUNTERS_A_LOCAL_OUT or _PRE_ROUTING */
	uint8_t family;			/* AF_INET or AF_INET6 */
	uint8_t protocol;		/* IPPROTO_TCP or IPPROTO_UDP */
	uint8_t src[16], dst[16], to[16];	/* network order; AF_INET uses 4 */
	uint16_t sport, dport, to_port;
	uint32_t uid, gid, reason, ifindex;
	uint64_t dropped;		/* events not sent just before this one */
	bool has_ports, has_uid, has_gid, has_to, has_ifindex;
};

/*
 * The event in nlh into ev; -1 with err naming the attribute when it is
 * malformed or one it cannot do without is missing.
 */
int event_parse(const struct nlmsghdr *nlh, struct event *ev, char *err, size_t errlen);

/*
 * One line, newline included: time is when it arrived, as the caller
 * formats it; ifname the name of ev->ifindex, or NULL.
 */
void event_text(FILE *f, const struct event *ev, const char *time, const char *ifname);
void event_json(FILE *f, const struct event *ev, const char *time, const char *ifname);

#endif /* MR_EVENT_H */
