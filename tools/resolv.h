/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MR_RESOLV_H
#define MR_RESOLV_H

#include <stddef.h>
#include "config.h"

/*
 * cfg->dns's servers from resolv.conf at path, unless DNS capture is off or
 * captures every address (captureAll turns it on). A family with no server
 * gets no DNS capture, said on stderr, as kumactl does. name is what errors
 * blame: a flag, or a file's field.
 */
int dns_load_servers(struct tool_config *cfg, const char *name, const char *path,
		     char *err, size_t errlen);

#endif /* MR_RESOLV_H */
