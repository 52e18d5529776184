/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kuma's transparent-proxy configuration file (what `kumactl install
 * transparent-proxy --config-file` reads), YAML or JSON, to and from struct
 * tool_config: `meshredir apply`, install's --config and --config-file,
 * and `show --format yaml`. kuma.c's field table says which fields exist
 * and what meshredir does with each.
 */
#ifndef MR_KUMA_H
#define MR_KUMA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "config.h"

/* Kuma's redirect.dns.resolvConfigPath default. */
#define KUMA_RESOLV_CONF "/etc/resolv.conf"
#define KUMA_PATH_MAX 4096

/* What a file sets besides the kernel's configuration. */
struct kuma_extra {
	uint32_t kuma_dp_uid;	/* kumaDPUser, MR_DEFAULT_KUMA_DP_UID if not given */
	bool dry_run;		/* dryRun */
	bool verbose;		/* verbose */
	char resolv_conf[KUMA_PATH_MAX];	/* redirect.dns.resolvConfigPath */
};

void kuma_extra_init(struct kuma_extra *x);

/*
 * Reads one YAML (or JSON) document of Kuma's transparent-proxy settings
 * onto cfg and x: a field the text sets replaces what was there, a list as
 * a whole (as Kuma merges a file over its defaults); the others are left
 * alone. meshredir.ownerUIDs and ownerGIDs replace cfg's owner lists; the
 * kuma-dp user is not added to them here (config_finish does that). name
 * is what errors call the text, "config.yaml" or "--config": on error err
 * holds "NAME:LINE: FIELD.PATH: ..." and cfg may hold part of the text.
 */
int kuma_parse(const char *name, const char *text, size_t len,
	       struct tool_config *cfg, struct kuma_extra *x, char *err, size_t errlen);

/*
 * cfg as the YAML kuma_parse reads back into the same configuration
 * (after config_finish): Kuma's field names, and a "meshredir" mapping
 * for the owners Kuma has no field for. Counters are not written.
 */
void kuma_write(FILE *f, const struct tool_config *cfg);

/*
 * Kuma's KUMA_TRANSPARENT_PROXY_REDIRECT_DNS_* environment variables onto
 * cfg and x, as kumactl reads them after its file: -1 with "NAME: ..." in
 * err for a bad value.
 */
int kuma_env_dns(struct tool_config *cfg, struct kuma_extra *x, char *err, size_t errlen);

/*
 * KUMA_TRANSPARENT_PROXY_REDIRECT_VNET_NETWORKS, a comma-separated list
 * (envconfig's) that replaces the file's redirect.vnet.networks.
 */
int kuma_env_vnet(struct tool_config *cfg, char *err, size_t errlen);

#endif /* MR_KUMA_H */
