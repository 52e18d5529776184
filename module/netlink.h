/* SPDX-License-Identifier: GPL-2.0 */
/* The meshredir generic netlink family: the only code that touches attributes. */
#ifndef MR_NETLINK_H
#define MR_NETLINK_H

int mr_genl_init(void);
void mr_genl_exit(void);

#endif /* MR_NETLINK_H */
