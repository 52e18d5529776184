/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The differences between the kernels we build against (Debian's 6.1 and
 * 6.12), detected from their headers rather than from version numbers, so
 * that stable backports are picked up on their own.
 */
#ifndef MR_COMPAT_H
#define MR_COMPAT_H

#include <linux/netlink.h>

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
 * Formatted extack messages arrived in 6.2: there a policy's own reason is
 * kept behind the attribute's name; before, the static message stands.
 */
#ifdef NL_SET_ERR_MSG_FMT
#define MR_ERR_PREFIX(extack, static_msg, name)				\
	do {								\
		const char *__why = (extack) ? (extack)->_msg : NULL;	\
		if (__why && __why != (extack)->_msg_buf)		\
			NL_SET_ERR_MSG_FMT(extack, "%s: %s", name, __why); \
		else							\
			mr_err(extack, NULL, static_msg);		\
	} while (0)
#else
#define MR_ERR_PREFIX(extack, static_msg, name) mr_err(extack, NULL, static_msg)
#endif

#endif /* MR_COMPAT_H */
