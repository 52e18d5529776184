/* SPDX-License-Identifier: GPL-2.0 */
/*
 * `meshredir show`: a configuration and its counters as text for people and
 * as JSON for scripts, with one vocabulary (the flag and reason names) in
 * both.
 */
#ifndef MR_SHOW_H
#define MR_SHOW_H

#include <stdbool.h>
#include <stdio.h>
#include "config.h"

#define MR_NOT_CONFIGURED "meshredir: not configured in this network namespace"

/* "redirected-inbound", ...; NULL for a reason this tool does not know. */
const char *reason_name(unsigned int reason);
/*
 * monitor's --reason: one name or a comma-separated list of them, added to
 * *mask (1 << reason); -1 with "FLAG: ..." in err for a name not known.
 */
int reason_mask(const char *flag, const char *value, uint64_t *mask, char *err, size_t errlen);
/* "local-out" or "pre-routing". */
const char *hook_name(unsigned int hook);

void show_text(FILE *f, const struct tool_config *cfg);
void show_json(FILE *f, const struct tool_config *cfg);
/* Kuma's format (kuma_write), then events-dropped as a comment. */
void show_yaml(FILE *f, const struct tool_config *cfg);
void show_unconfigured(FILE *f, bool json);

#endif /* MR_SHOW_H */
