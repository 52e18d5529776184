/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The differences between the kernels we build against (Debian's 6.1 and
 * 6.12), detected from their headers rather than from version numbers, so
 * that stable backports are picked up on their own.
 */
#ifndef MR_COMPAT_H
#define MR_COMPAT_H

/*
 * 6.1's struct nla_policy points to its range without const (6.2 added
 * it); lib/nlattr.c only reads it, so the range can stay in .rodata.
 */
#define MR_POLICY_RANGE(range) ((struct netlink_range_validation *)(range))

#endif /* MR_COMPAT_H */
