// SPDX-License-Identifier: GPL-2.0
/*
 * `meshredir show`: a configuration and its counters as text for people and
 * as JSON for scripts, with one vocabulary (the flag and reason names) in
 * both.
 */
#ifndef MR_SHOW_H
#define MR_SHOW_H

#include <stdbool.h>
#include <stdio.h>
#include "args.h"

#define MR_NOT_CONFIGURED "meshredir: not configured in this network namespace"

/* "redirected-inbound", ...; NULL for a reason this tool does not know. */
const char *mr_reason_name(unsigned int reason);
/* "local-out" or "pre-routing". */
const char *mr_hook_name(unsigned int hook);

void mr_show_text(FILE *f, const struct mr_tool_config *cfg);
void mr_show_json(FILE *f, const struct mr_tool_config *cfg);
void mr_show_unconfigured(FILE *f, bool json);

#endif /* MR_SHOW_H */
