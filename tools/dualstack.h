/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What kumactl does to a namespace before it installs dualstack rules, for
 * install and apply (not set, which configures the kernel and nothing else).
 */
#ifndef MR_DUALSTACK_H
#define MR_DUALSTACK_H

#include <stdbool.h>
#include <stddef.h>

/* Whether an interface other than a loopback one has an IPv6 address. */
int has_ipv6_outside_lo(bool *has, char *err, size_t errlen);
/*
 * ::6/128 on lo, the proxy's passthrough source: *added is false if it
 * was there already, so that lo6_del undoes exactly what was done.
 * Returns 0 or the kernel's errno.
 */
int lo6_add(bool *added, char *err, size_t errlen);
int lo6_del(char *err, size_t errlen);

#endif /* MR_DUALSTACK_H */
