/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The differences between the kernels we build against (Debian's 6.1 and
 * 6.12), detected from their headers rather than from version numbers, so
 * that stable backports are picked up on their own.
 */
#ifndef MR_COMPAT_H
#define MR_COMPAT_H

#include <linux/netlink.h>
#include <linux/string.h>

/*
 * Our messages are spelled out per attribute and live in static storage
 * (6.1's extack only keeps a pointer), but are not literals, which
 * NL_SET_ERR_MSG_ATTR() insists on.
 */
static inline void mr_err(struct netlink_ext_ack *extack,
			  const struct nlattr *attr, const char *msg)
{
	if (!extack)
		return;
	extack->_msg = msg;
	if (attr)
		extack->bad_attr = attr;
}

/*
 * 6.1's struct nla_policy points to its range without const (6.2 added
 * it); lib/nlattr.c only reads it, so the range can stay in .rodata.
 */
#define MR_POLICY_RANGE(range) ((struct netlink_range_validation *)(range))

/*
 * Formatted extack messages arrived in 6.2: there a policy's own reason is
 * kept behind the attribute's name; before, the static message stands. A
 * formatted message is cut at NETLINK_MAX_FMTMSG_LEN bytes, with a kernel
 * warning: one that would not fit is not formatted (netlink_set.c makes sure
 * the reasons of lib/nlattr.c fit behind every name).
 */
#ifdef NL_SET_ERR_MSG_FMT
#define MR_FMTMSG_LEN NETLINK_MAX_FMTMSG_LEN
static inline void mr_err_prefix(struct netlink_ext_ack *extack,
				 const char *static_msg, const char *name)
{
	const char *why = extack ? extack->_msg : NULL;

	if (why && why != extack->_msg_buf &&
	    strlen(name) + 2 + strlen(why) < MR_FMTMSG_LEN)
		NL_SET_ERR_MSG_FMT(extack, "%s: %s", name, why);
	else
		mr_err(extack, NULL, static_msg);
}
#else
#define MR_FMTMSG_LEN 80
static inline void mr_err_prefix(struct netlink_ext_ack *extack,
				 const char *static_msg, const char *name)
{
	mr_err(extack, NULL, static_msg);
}
#endif

#endif /* MR_COMPAT_H */
