// SPDX-License-Identifier: GPL-2.0
/*
 * Kuma's transparent-proxy configuration file (what `kumactl install
 * transparent-proxy --config-file` reads) to and from struct
 * mr_tool_config, with libyaml: `meshredir apply`, install's --config and
 * --config-file, and `show --format yaml`. yaml.c says which fields exist
 * and what meshredir does with each.
 */
#ifndef MR_YAML_H
#define MR_YAML_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include "args.h"

/* What a file sets besides the kernel's configuration. */
struct mr_kuma_extra {
	uint32_t kuma_dp_uid;	/* kumaDPUser, MR_DEFAULT_KUMA_DP_UID if not given */
	bool dry_run;		/* dryRun */
	bool verbose;		/* verbose */
};

void mr_kuma_extra_init(struct mr_kuma_extra *x);

/*
 * Reads one YAML (or JSON) document of Kuma's transparent-proxy settings
 * onto cfg and x: a field the text sets replaces what was there, a list as
 * a whole (as Kuma merges a file over its defaults); the others are left
 * alone. meshredir.ownerUIDs and ownerGIDs replace cfg's owner lists; the
 * kuma-dp user is not added to them here (mr_config_finish does that). name
 * is what errors call the text, "config.yaml" or "--config": on error err
 * holds "NAME:LINE: FIELD.PATH: ..." and cfg may hold part of the text.
 */
int mr_yaml_parse(const char *name, const char *text, size_t len,
		  struct mr_tool_config *cfg, struct mr_kuma_extra *x,
		  char *err, size_t errlen);

/*
 * The whole of PATH, or of stdin for "-", NUL-terminated, in a buffer to
 * free(); NULL with "cannot read PATH: why" in err.
 */
char *mr_read_file(const char *path, size_t *len, char *err, size_t errlen);

/*
 * cfg as the YAML mr_yaml_parse reads back into the same configuration
 * (after mr_config_finish): Kuma's field names, and a "meshredir" mapping
 * for the owners Kuma has no field for. Counters are not written.
 */
void mr_yaml_write(FILE *f, const struct mr_tool_config *cfg);

#endif /* MR_YAML_H */
