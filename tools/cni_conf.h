/* SPDX-License-Identifier: GPL-2.0 */
/*
 * meshredir-cni's reading of its network configuration and of the pod's
 * annotations into a struct tool_config, and what it writes back to the
 * runtime (cni_conf.c): pure, so that tests/unit checks it.
 */
#ifndef MR_CNI_CONF_H
#define MR_CNI_CONF_H

#include <stdbool.h>
#include <stdio.h>
#include "cni_json.h"
#include "config.h"
#include "util.h"

/* The runtime capability that carries the pod's annotations. */
#define CNI_ANNOTATIONS_CAP "io.kubernetes.cri.pod-annotations"
/* Kuma's marker of a pod with its sidecar, and its annotations read whole. */
#define CNI_SIDECAR_INJECTED "kuma.io/sidecar-injected"
#define CNI_TP_CONFIG "traffic.kuma.io/transparent-proxy-config"
#define CNI_PROBE_PORT "kuma.io/application-probe-proxy-port"
/*
 * The entry's boolean for a runtime that passes no annotations at all:
 * then every namespace of the network is configured from transparentProxy.
 */
#define CNI_WITHOUT_ANNOTATIONS "configureWithoutAnnotations"

/* The CNI specification's error codes, and meshredir-cni's own (100 up). */
enum {
	CNI_ERR_VERSION = 1,
	CNI_ERR_ENV = 4,
	CNI_ERR_IO = 5,
	CNI_ERR_DECODE = 6,
	CNI_ERR_INVALID_CONFIG = 7,
	CNI_ERR_ANNOTATION = 100,	/* a pod annotation is invalid */
	CNI_ERR_KERNEL = 101,		/* the namespace could not be configured */
	CNI_ERR_CHECK = 102,		/* CHECK: it is not configured as ADD would */
};

struct cni_error {
	int code;
	char msg[MR_ERR_LEN];
	char details[2 * MR_ERR_LEN];
};

/* Spans into the text given to cni_conf_parse, which must outlive it. */
struct cni_conf {
	struct json root;
	char version[16];
	char name[128];
	struct json prev;		/* prevResult; len 0 if none */
	struct json tp;			/* transparentProxy; len 0 if none */
	struct json annotations;	/* runtimeConfig's; len 0 if none */
	bool without_annotations;	/* CNI_WITHOUT_ANNOTATIONS */
};

int cni_conf_parse(const char *text, size_t len, struct cni_conf *c, struct cni_error *e);
/* An annotation's value, decoded, to free(); NULL if the pod has none such. */
char *cni_annotation(const struct cni_conf *c, const char *key);
/*
 * Whether Kuma injected its sidecar: the pod is meshed; without any
 * annotations from the runtime, whether the entry says to configure.
 */
bool cni_is_kuma_pod(const struct cni_conf *c);
/*
 * What ADD applies, checked and finished (config_finish): the whole YAML
 * annotation alone, or transparentProxy under the per-field annotations.
 */
int cni_build_config(const struct cni_conf *c, struct tool_config *cfg, struct cni_error *e);

void cni_write_error(FILE *f, const char *version, const struct cni_error *e);
/* ADD's result: prevResult exactly as it came, or an empty result. */
void cni_write_result(FILE *f, const struct cni_conf *c);
void cni_write_versions(FILE *f);

#endif /* MR_CNI_CONF_H */
