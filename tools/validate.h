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

#endif /* MR_VALIDATE_H */
