/* SPDX-License-Identifier: GPL-2.0 */
/*
 * meshredir validate: the probes (validate.c) and the warnings about what
 * else in the namespace changes redirection (validate_warn.c).
 */
#ifndef MR_VALIDATE_H
#define MR_VALIDATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <libmnl/libmnl.h>
#include "config.h"

#define MR_VALIDATE_TIMEOUT_MS 5000

struct validate_opts {
	uint32_t proxy_uid;
	uint16_t outbound_port;
	unsigned int timeout_ms;
};

struct run;
int run_validate(struct run *r);

/*
 * Warnings on stderr, one line each, about the namespace entered: nat
 * rules that run after meshredir's decision (iptables legacy or nftables),
 * NOTRACK rules, which leave connections meshredir cannot redirect; with
 * verbose, one line if the rules could not be read.
 */
void validate_warnings(bool verbose);

/*
 * Shared with docker.c. A dump of nf_tables objects of every family, each
 * handed to cb with d; -1 if nftables is not there, -EPERM without
 * CAP_NET_ADMIN.
 */
int nft_dump(uint16_t msg, mnl_cb_t cb, void *d);
/* Whether /proc/net/FILE (ip_tables_names, ...) lists table. */
bool has_table(const char *file, const char *table);

#endif /* MR_VALIDATE_H */
