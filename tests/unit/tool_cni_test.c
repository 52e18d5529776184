// SPDX-License-Identifier: GPL-2.0
/*
 * meshredir-cni's pure parts: its JSON checker, the network configuration
 * and the pod annotations into a configuration (the whole YAML alone; the
 * per-field ones over transparentProxy), the CNI error of each bad one
 * naming annotation and field, prevResult passed through byte for byte,
 * and the .conflist edits of install and uninstall.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "check.h"
#include "../../tools/cni_conf.h"
#include "../../tools/cni_conflist.h"
#include "../../tools/kuma.h"

#define CONF_HEAD "{\"cniVersion\": \"1.0.0\", \"name\": \"pods\", \"type\": \"meshredir-cni\""
/* A configuration with these annotations (a JSON object's members). */
#define WITH_ANN(members) CONF_HEAD ", \"runtimeConfig\": {\"io.kubernetes.cri.pod-annotations\": {" members "}}}"
#define KUMA_POD "\"kuma.io/sidecar-injected\": \"true\""

static bool range_in(const struct range_list *l, uint32_t first, uint32_t last)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (l->v[i].first == first && l->v[i].last == last)
			return true;
	return false;
}

/* text into cfg as ADD builds it; 0, or -1 with e. */
static int build(const char *text, struct tool_config *cfg, struct cni_error *e)
{
	struct cni_conf c;

	config_init(cfg);
	memset(e, 0, sizeof(*e));
	if (cni_conf_parse(text, strlen(text), &c, e))
		return -1;
	config_free(cfg);
	return cni_build_config(&c, cfg, e);
}

static void test_json(void)
{
	static const char *const good[] = {
		"{}", " [1, -2.5e+3, true, false, null, \"a\\u00e9\\n\"] ",
		"{\"a\": {\"b\": [{}]}}", "\"x\"", "0",
	};
	static const struct {
		const char *text, *err;
	} bad[] = {
		{ "{", "line 1: a member name (a string) is missing" },
		{ "{\"a\" 1}", "line 1: a ':' is missing after a member name" },
		{ "[1,]", "line 1: not a value" },
		{ "{\"a\": 1}\n{}", "line 2: more text after the value" },
		{ "\"a\tb\"", "line 1: a control character in a string" },
		{ "\"\\x\"", "line 1: a bad escape in a string" },
		{ "\"\\u12\"", "line 1: a bad \\u escape" },
		{ "01", "line 1: more text after the value" },
		{ "", "line 1: a value is missing" },
	};
	char err[MR_ERR_LEN];
	struct json v = { "\"caf\\u00e9 \\ud83d\\ude00 \\\"q\\\"\"", 0 }, obj, m;
	char *s;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(good); i++)
		CHECK_INT(json_check(good[i], strlen(good[i]), err, sizeof(err)), 0);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		err[0] = '\0';
		CHECK_INT(json_check(bad[i].text, strlen(bad[i].text), err, sizeof(err)), -1);
		CHECK_STR(err, bad[i].err);
	}
	v.len = strlen(v.p);
	s = json_string(v, NULL);
	CHECK_STR(s, "caf\xc3\xa9 \xf0\x9f\x98\x80 \"q\"");
	free(s);
	/* The last of a name given twice, as Go takes it. */
	obj.p = "{\"a\": 1, \"b\": [2], \"a\": {\"c\": 3}}";
	obj.len = strlen(obj.p);
	CHECK(json_get(obj, "a", &m));
	CHECK_INT((int)m.len, 8);
	CHECK(!memcmp(m.p, "{\"c\": 3}", 8));
	CHECK(!json_get(obj, "c", &m));
}

static void test_conf_errors(void)
{
	static const struct {
		const char *text;
		int code;
		const char *msg, *details;
	} cases[] = {
		{ "{\"cniVersion\": \"1.0.0\",", CNI_ERR_DECODE,
		  "cannot decode the network configuration",
		  "the network configuration on stdin: line 1: a member name (a string) is missing" },
		{ "[]", CNI_ERR_DECODE, "cannot decode the network configuration",
		  "the network configuration on stdin is not a JSON object" },
		{ "{\"name\": \"x\"}", CNI_ERR_INVALID_CONFIG,
		  "invalid network configuration: cniVersion",
		  "cniVersion: a string, such as \"1.0.0\", is needed" },
		{ "{\"cniVersion\": \"0.3.1\"}", CNI_ERR_VERSION, "incompatible CNI version",
		  "cniVersion: \"0.3.1\" is not 0.4.0 or 1.0.0" },
		{ CONF_HEAD ", \"prevResult\": []}", CNI_ERR_INVALID_CONFIG,
		  "invalid network configuration: prevResult",
		  "prevResult: expected an object, the result of the plugin before" },
		{ CONF_HEAD ", \"runtimeConfig\": {\"io.kubernetes.cri.pod-annotations\": {\"a\": 1}}}",
		  CNI_ERR_INVALID_CONFIG,
		  "invalid network configuration: runtimeConfig.io.kubernetes.cri.pod-annotations",
		  "runtimeConfig.io.kubernetes.cri.pod-annotations: annotation \"a\": expected a string" },
		{ CONF_HEAD ", \"transparentProxy\": 5}", CNI_ERR_INVALID_CONFIG,
		  "invalid network configuration: transparentProxy",
		  "transparentProxy: expected an object of Kuma's transparent-proxy fields" },
		{ CONF_HEAD ", \"configureWithoutAnnotations\": \"yes\"}", CNI_ERR_INVALID_CONFIG,
		  "invalid network configuration: configureWithoutAnnotations",
		  "configureWithoutAnnotations: expected true or false" },
	};
	struct cni_conf c;
	struct cni_error e;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		memset(&e, 0, sizeof(e));
		CHECK_INT(cni_conf_parse(cases[i].text, strlen(cases[i].text), &c, &e), -1);
		CHECK_INT(e.code, cases[i].code);
		CHECK_STR(e.msg, cases[i].msg);
		CHECK_STR(e.details, cases[i].details);
	}
}

static void test_marker(void)
{
	static const struct {
		const char *text;
		bool kuma;
	} cases[] = {
		{ CONF_HEAD "}", false },
		{ WITH_ANN(""), false },
		{ WITH_ANN("\"kuma.io/sidecar-injected\": \"false\""), false },
		{ WITH_ANN("\"kuma.io/sidecar-injected\": \"True\""), false },
		{ WITH_ANN(KUMA_POD), true },
		/* A runtime without the capability (podman): the entry decides. */
		{ CONF_HEAD ", \"configureWithoutAnnotations\": true}", true },
		{ CONF_HEAD ", \"configureWithoutAnnotations\": false}", false },
		/* Annotations given, even none, are a pod's: the marker decides. */
		{ CONF_HEAD ", \"configureWithoutAnnotations\": true, \"runtimeConfig\": {\"io.kubernetes.cri.pod-annotations\": {}}}",
		  false },
	};
	struct cni_conf c;
	struct cni_error e;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		CHECK_INT(cni_conf_parse(cases[i].text, strlen(cases[i].text), &c, &e), 0);
		CHECK_INT(cni_is_kuma_pod(&c), cases[i].kuma);
	}
}

static void test_whole_annotation(void)
{
	struct tool_config cfg;
	struct cni_error e;

	/* The YAML alone: transparentProxy and per-field annotations do not count. */
	CHECK_INT(build(CONF_HEAD ", \"transparentProxy\": {\"redirect\": {\"outbound\": {\"port\": 1}}},"
			" \"runtimeConfig\": {\"io.kubernetes.cri.pod-annotations\": {" KUMA_POD ","
			" \"traffic.kuma.io/exclude-outbound-ports\": \"22\","
			" \"traffic.kuma.io/transparent-proxy-config\": \"kumaDPUser: \\\"1234\\\"\\n"
			"cniMode: true\\nipFamilyMode: ipv4\\nredirect:\\n  outbound:\\n    port: 15002\\n"
			"    excludePorts: [8080]\\n\"}}}", &cfg, &e), 0);
	CHECK_UINT(cfg.outbound.port, 15002);
	CHECK_UINT(cfg.ip_family_mode, MESHREDIR_IP_FAMILY_IPV4);
	CHECK(range_in(&cfg.outbound.exclude_ports, 8080, 8080));
	CHECK_UINT(cfg.outbound.exclude_ports.n, 1);
	CHECK(range_in(&cfg.owner_uids, 1234, 1234));
	CHECK_UINT(cfg.owner_uids.n, 1);
	config_free(&cfg);

	CHECK_INT(build(WITH_ANN(KUMA_POD ", \"traffic.kuma.io/transparent-proxy-config\":"
				 " \"redirect:\\n  outbound:\\n    port: 99999\\n\""), &cfg, &e), -1);
	CHECK_INT(e.code, CNI_ERR_ANNOTATION);
	CHECK_STR(e.msg, "invalid pod annotation traffic.kuma.io/transparent-proxy-config (field redirect.outbound.port)");
	CHECK_STR(e.details, "pod annotation traffic.kuma.io/transparent-proxy-config:3: redirect.outbound.port: \"99999\" is not a port (1-65535)");
	config_free(&cfg);

	CHECK_INT(build(WITH_ANN(KUMA_POD ", \"traffic.kuma.io/transparent-proxy-config\":"
				 " \"redirect: [\""), &cfg, &e), -1);
	CHECK_STR(e.msg, "invalid pod annotation traffic.kuma.io/transparent-proxy-config");
	config_free(&cfg);
}

static void test_per_field(void)
{
	struct tool_config cfg;
	struct cni_error e;

	CHECK_INT(build(CONF_HEAD ", \"transparentProxy\": {\"redirect\": {\"outbound\": {\"port\": 15009,"
			" \"excludePorts\": [1]}, \"inbound\": {\"port\": 15008}}},"
			" \"runtimeConfig\": {\"io.kubernetes.cri.pod-annotations\": {" KUMA_POD ","
			" \"kuma.io/sidecar-uid\": \"777\","
			" \"kuma.io/transparent-proxying-outbound-port\": \"15011\","
			" \"traffic.kuma.io/exclude-outbound-ports\": \"22,80-81\","
			" \"traffic.kuma.io/exclude-outbound-ips\": \"10.0.0.0/8,fd00::1\","
			" \"traffic.kuma.io/exclude-outbound-ports-for-uids\": \"tcp:53:5;100-101\","
			" \"traffic.kuma.io/drop-invalid-packets\": \"yes\","
			" \"kuma.io/transparent-proxying-ip-family-mode\": \"ipv4\","
			" \"kuma.io/application-probe-proxy-port\": \"9001\"}}}", &cfg, &e), 0);
	CHECK_UINT(cfg.outbound.port, 15011);
	CHECK_UINT(cfg.inbound.port, 15008);		/* transparentProxy's, kept */
	CHECK(range_in(&cfg.owner_uids, 777, 777));
	CHECK(range_in(&cfg.outbound.exclude_ports, 22, 22));
	CHECK(range_in(&cfg.outbound.exclude_ports, 80, 81));
	CHECK(!range_in(&cfg.outbound.exclude_ports, 1, 1));	/* replaced */
	CHECK_UINT(cfg.outbound.exclude_ips.n, 2);
	CHECK_UINT(cfg.outbound.exclude_ports_for_uids.n, 2);
	CHECK(cfg.drop_invalid);
	CHECK_UINT(cfg.ip_family_mode, MESHREDIR_IP_FAMILY_IPV4);
	CHECK(range_in(&cfg.inbound.exclude_ports, 9001, 9001));
	CHECK(cfg.inbound.enabled);
	config_free(&cfg);

	CHECK_INT(build(WITH_ANN(KUMA_POD ", \"kuma.io/gateway\": \"enabled\""), &cfg, &e), 0);
	CHECK(!cfg.inbound.enabled);
	CHECK(cfg.outbound.enabled);
	config_free(&cfg);
	CHECK_INT(build(WITH_ANN(KUMA_POD ", \"kuma.io/gateway\": \"disabled\""), &cfg, &e), 0);
	CHECK(cfg.inbound.enabled);
	config_free(&cfg);
}

static void test_per_field_errors(void)
{
	static const struct {
		const char *members, *msg, *details;
	} cases[] = {
		{ "\"traffic.kuma.io/exclude-outbound-ports\": \"x\"",
		  "invalid pod annotation traffic.kuma.io/exclude-outbound-ports (field redirect.outbound.excludePorts)",
		  "pod annotation traffic.kuma.io/exclude-outbound-ports: redirect.outbound.excludePorts: \"x\" is not a port (1-65535)" },
		{ "\"kuma.io/transparent-proxying-outbound-port\": \"0\"",
		  "invalid pod annotation kuma.io/transparent-proxying-outbound-port (field redirect.outbound.port)",
		  "pod annotation kuma.io/transparent-proxying-outbound-port: redirect.outbound.port: \"0\" is not a port (1-65535)" },
		{ "\"traffic.kuma.io/exclude-outbound-ips\": \"10.0.0.0/8,\"",
		  "invalid pod annotation traffic.kuma.io/exclude-outbound-ips (field redirect.outbound.excludePortsForIPs)",
		  "pod annotation traffic.kuma.io/exclude-outbound-ips: redirect.outbound.excludePortsForIPs: \"\" is not an IP address or CIDR" },
		{ "\"traffic.kuma.io/drop-invalid-packets\": \"enabled\"",
		  "invalid pod annotation traffic.kuma.io/drop-invalid-packets (field dropInvalidPackets)",
		  "pod annotation traffic.kuma.io/drop-invalid-packets: dropInvalidPackets: \"enabled\" is not true, yes, false or no" },
		{ "\"traffic.kuma.io/iptables-logs\": \"maybe\"",
		  "invalid pod annotation traffic.kuma.io/iptables-logs (field log.enabled)",
		  NULL },
		{ "\"kuma.io/transparent-proxying-ip-family-mode\": \"ipv5\"",
		  "invalid pod annotation kuma.io/transparent-proxying-ip-family-mode (field ipFamilyMode)",
		  NULL },
		{ "\"kuma.io/application-probe-proxy-port\": \"70000\"",
		  "invalid pod annotation kuma.io/application-probe-proxy-port",
		  "pod annotation kuma.io/application-probe-proxy-port: \"70000\" is not a port (1-65535)" },
		/* A value cannot reach past its field: it is one quoted scalar. */
		{ "\"kuma.io/transparent-proxying-outbound-port\": \"1}, inbound: {port: 2\"",
		  "invalid pod annotation kuma.io/transparent-proxying-outbound-port (field redirect.outbound.port)",
		  NULL },
	};
	struct tool_config cfg;
	struct cni_error e;
	char text[1024];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		snprintf(text, sizeof(text), WITH_ANN(KUMA_POD ", %s"), cases[i].members);
		CHECK_INT(build(text, &cfg, &e), -1);
		CHECK_INT(e.code, CNI_ERR_ANNOTATION);
		CHECK_STR(e.msg, cases[i].msg);
		if (cases[i].details)
			CHECK_STR(e.details, cases[i].details);
		config_free(&cfg);
	}
}

static char *capture(void (*fn)(FILE *, const struct cni_conf *), const struct cni_conf *c)
{
	char *buf = NULL;
	size_t len;
	FILE *f = open_memstream(&buf, &len);

	fn(f, c);
	fclose(f);
	return buf;
}

static void test_result(void)
{
	static const char prev[] = "{\"cniVersion\":\"1.0.0\",\n \"interfaces\": [{\"name\":\"eth0\",\"sandbox\":\"/x\"}],"
		"\"ips\":[{\"address\":\"10.22.0.5/16\",\"gateway\":\"10.22.0.1\",\"interface\":0}],"
		"\"dns\":{}, \"x-unknown\": \"\\u00e9\"}";
	char text[1024], *out;
	struct cni_conf c;
	struct cni_error e;

	snprintf(text, sizeof(text), CONF_HEAD ", \"prevResult\": %s}", prev);
	CHECK_INT(cni_conf_parse(text, strlen(text), &c, &e), 0);
	out = capture(cni_write_result, &c);
	/* Byte for byte, unknown members and escapes included. */
	CHECK_INT((int)strlen(out), (int)strlen(prev) + 1);
	CHECK(!strncmp(out, prev, strlen(prev)));
	free(out);

	snprintf(text, sizeof(text), "{\"cniVersion\": \"0.4.0\", \"name\": \"n\"}");
	CHECK_INT(cni_conf_parse(text, strlen(text), &c, &e), 0);
	out = capture(cni_write_result, &c);
	CHECK_STR(out, "{\"cniVersion\": \"0.4.0\"}\n");
	free(out);
}

static void test_error_json(void)
{
	struct cni_error e = { 100, "invalid pod annotation a (field b)", "a: \"x\"\tis\nbad" };
	char *buf = NULL, err[MR_ERR_LEN];
	size_t len;
	FILE *f = open_memstream(&buf, &len);

	cni_write_error(f, "0.4.0", &e);
	fclose(f);
	CHECK_STR(buf, "{\n  \"cniVersion\": \"0.4.0\",\n  \"code\": 100,\n"
		  "  \"msg\": \"invalid pod annotation a (field b)\",\n"
		  "  \"details\": \"a: \\\"x\\\"\\tis\\nbad\"\n}\n");
	CHECK_INT(json_check(buf, len, err, sizeof(err)), 0);
	free(buf);
}

static const char calico[] =
"{\n"
"  \"name\": \"k8s-pod-network\",\n"
"  \"cniVersion\": \"0.3.1\",\n"
"  \"plugins\": [\n"
"    {\n"
"      \"type\": \"calico\",\n"
"      \"ipam\": {\"type\": \"calico-ipam\"}\n"
"    },\n"
"    {\"type\": \"portmap\", \"snat\": true, \"capabilities\": {\"portMappings\": true}}\n"
"  ]\n"
"}\n";

static void test_conflist(void)
{
	char err[MR_ERR_LEN], *entry, *once, *twice, *back, *tp, *other;
	const char *empty = "{\"plugins\": []}";

	entry = cni_plugin_entry(NULL);
	CHECK_STR(entry, "{\"type\": \"meshredir-cni\", \"capabilities\": {\"io.kubernetes.cri.pod-annotations\": true}}");
	CHECK_INT(conflist_insert(calico, strlen(calico), entry, &once, err, sizeof(err)), 0);
	/* Appended last, indented as the plugin before it, the rest unchanged. */
	CHECK(strstr(once, "\"portMappings\": true}},\n    {\"type\": \"meshredir-cni\"") != NULL);
	CHECK(!strncmp(once, calico, strstr(calico, "}}\n  ]") + 2 - calico));
	CHECK_INT(json_check(once, strlen(once), err, sizeof(err)), 0);
	/* Idempotent. */
	CHECK_INT(conflist_insert(once, strlen(once), entry, &twice, err, sizeof(err)), 1);
	CHECK(twice == NULL);
	/* Another entry of ours is replaced in place. */
	tp = cni_plugin_entry("{\"redirect\": {\"outbound\": {\"port\": 15002}}}");
	CHECK_INT(conflist_insert(once, strlen(once), tp, &other, err, sizeof(err)), 0);
	CHECK(strstr(other, "\"transparentProxy\": {\"redirect\"") != NULL);
	CHECK(strstr(other, "\"capabilities\": {\"io.kubernetes.cri.pod-annotations\": true}}\n") == NULL);
	/* Removed, the text is what it was. */
	CHECK_INT(conflist_remove(once, strlen(once), &back, err, sizeof(err)), 0);
	CHECK_STR(back, calico);
	free(back);
	CHECK_INT(conflist_remove(other, strlen(other), &back, err, sizeof(err)), 0);
	CHECK_STR(back, calico);
	free(back);
	CHECK_INT(conflist_remove(calico, strlen(calico), &back, err, sizeof(err)), 1);
	/* An empty list; ours first and alone. */
	CHECK_INT(conflist_insert(empty, strlen(empty), entry, &twice, err, sizeof(err)), 0);
	CHECK_INT(json_check(twice, strlen(twice), err, sizeof(err)), 0);
	CHECK_INT(conflist_remove(twice, strlen(twice), &back, err, sizeof(err)), 0);
	CHECK_STR(back, empty);
	free(back);
	free(twice);
	/* Not a conflist. */
	CHECK_INT(conflist_insert("{\"type\": \"bridge\"}", 18, entry, &twice, err, sizeof(err)), -1);
	CHECK_STR(err, "no \"plugins\" list: not a .conflist");
	CHECK_INT(conflist_insert("{\"plugins\": [", 13, entry, &twice, err, sizeof(err)), -1);
	free(entry);
	free(tp);
	free(once);
	free(other);
}

int main(void)
{
	RUN(test_json);
	RUN(test_conf_errors);
	RUN(test_marker);
	RUN(test_whole_annotation);
	RUN(test_per_field);
	RUN(test_per_field_errors);
	RUN(test_result);
	RUN(test_error_json);
	RUN(test_conflist);
	return check_report();
}
