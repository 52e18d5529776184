/* SPDX-License-Identifier: GPL-2.0 */
/* Docker's DOCKER_OUTPUT chain, which Kuma's install looks for. */
#ifndef MR_DOCKER_H
#define MR_DOCKER_H

#include <stdbool.h>
#include <stddef.h>

/* Docker's embedded DNS, at a fixed address in every such container. */
#define DOCKER_DNS4 "127.0.0.11"

enum docker_seen {
	DOCKER_NONE,		/* no chain, no table */
	DOCKER_FOUND,
	DOCKER_DENIED,		/* unreadable: no chain, as for Kuma */
};

/*
 * Whether this namespace's IPv4 (or IPv6) nat table has the chain; where
 * gets the table it was found in, or the one that could not be read.
 */
enum docker_seen docker_output_chain(bool v6, char *where, size_t len);

#endif /* MR_DOCKER_H */
