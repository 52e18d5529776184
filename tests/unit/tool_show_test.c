// SPDX-License-Identifier: GPL-2.0
/*
 * tools/show.c: the exact text output, and JSON output that a strict
 * validator here (and python3's json module, when there is one) accepts,
 * with the values where scripts will look for them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/socket.h>
#include "check.h"
#include "tool_util.h"
#include "../../tools/show.h"

/* ---- a strict JSON validator (RFC 8259), enough to catch our mistakes ---- */

struct json {
	const char *p;
	int depth;
};

static void json_ws(struct json *j)
{
	while (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r')
		j->p++;
}

static bool json_value(struct json *j);

static bool json_string(struct json *j)
{
	if (*j->p++ != '"')
		return false;
	while (*j->p && *j->p != '"') {
		if ((unsigned char)*j->p < 0x20)
			return false;
		if (*j->p == '\\') {
			j->p++;
			if (!strchr("\"\\/bfnrtu", *j->p) || !*j->p)
				return false;
		}
		j->p++;
	}
	return *j->p++ == '"';
}

static bool json_number(struct json *j)
{
	const char *start = j->p;

	if (*j->p == '-')
		j->p++;
	if (*j->p == '0')
		j->p++;
	else if (*j->p >= '1' && *j->p <= '9')
		while (*j->p >= '0' && *j->p <= '9')
			j->p++;
	else
		return false;
	if (*j->p == '.') {
		j->p++;
		if (!(*j->p >= '0' && *j->p <= '9'))
			return false;
		while (*j->p >= '0' && *j->p <= '9')
			j->p++;
	}
	return j->p > start;
}

static bool json_container(struct json *j, char close, bool object)
{
	j->p++;
	if (++j->depth > 64)
		return false;
	json_ws(j);
	if (*j->p == close) {
		j->p++;
		j->depth--;
		return true;
	}
	for (;;) {
		json_ws(j);
		if (object) {
			if (!json_string(j))
				return false;
			json_ws(j);
			if (*j->p++ != ':')
				return false;
		}
		if (!json_value(j))
			return false;
		json_ws(j);
		if (*j->p == ',') {
			j->p++;
			continue;
		}
		if (*j->p++ != close)
			return false;
		j->depth--;
		return true;
	}
}

static bool json_value(struct json *j)
{
	json_ws(j);
	switch (*j->p) {
	case '{':
		return json_container(j, '}', true);
	case '[':
		return json_container(j, ']', false);
	case '"':
		return json_string(j);
	case 't':
		return !strncmp(j->p, "true", 4) && (j->p += 4);
	case 'f':
		return !strncmp(j->p, "false", 5) && (j->p += 5);
	case 'n':
		return !strncmp(j->p, "null", 4) && (j->p += 4);
	}
	return json_number(j);
}

static bool json_valid(const char *s)
{
	struct json j = { s, 0 };

	if (!json_value(&j))
		return false;
	json_ws(&j);
	return !*j.p;
}

/*
 * Runs python3 on the JSON with a script of asserts, d being the document;
 * true if they hold, or if there is no python3 to ask.
 */
static bool python_accepts(const char *json, const char *asserts)
{
	char path[] = "/tmp/mr-show-XXXXXX";
	char cmd[4096];
	int fd, rc;
	FILE *f;

	if (system("command -v python3 >/dev/null 2>&1"))
		return true;
	fd = mkstemp(path);
	if (fd < 0)
		return false;
	f = fdopen(fd, "w");
	fputs(json, f);
	fclose(f);
	snprintf(cmd, sizeof(cmd),
		 "python3 -m json.tool %s >/dev/null && "
		 "python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); %s' %s",
		 path, asserts, path);
	rc = system(cmd);
	unlink(path);
	return rc == 0;
}

static void full_config(struct cmdline *cl)
{
	char err[MR_ERR_LEN];

	CHECK_INT(tool_parse(cl, err, "set", "--ip-family-mode=ipv4", "--redirect-inbound=false",
			     "--exclude-inbound-ports=22,8080-8090", "--include-inbound-ports=1-1000",
			     "--exclude-inbound-ips=10.1.2.3/8,fd00::1/64",
			     "--exclude-outbound-ips=192.168.0.1",
			     "--exclude-outbound-ports-for-uids=80,443:1000-1010",
			     "--exclude-outbound-ports-for-uids=7",
			     "--owner-gid=100-200", "--drop-invalid-packets",
			     "--redirect-all-dns-traffic", "--redirect-dns-port=5353",
			     "--skip-dns-conntrack-zone-split", "--event-rate=40", NULL), 0);
	cl->cfg.has_counters = true;
	cl->cfg.events_dropped = 17;
	cl->cfg.counters[HOOK_LOCAL_OUT][MESHREDIR_REASON_REDIRECTED_INBOUND] = 5;
	cl->cfg.counters[HOOK_LOCAL_OUT][MESHREDIR_REASON_PROXY_OWNER] = 12;
	cl->cfg.counters[HOOK_PRE_ROUTING][MESHREDIR_REASON_DROPPED] = UINT64_MAX;
	cl->cfg.counters[HOOK_PRE_ROUTING][MESHREDIR_REASON_DROPPED_INVALID] = 3;
}

static void test_text_full(void)
{
	struct cmdline cl;
	char *out;

	full_config(&cl);
	out = tool_capture(show_text, &cl.cfg);
	CHECK_STR(out,
		  "ip-family-mode: ipv4\n"
		  "owner-uids: 5678\n"
		  "owner-gids: 100-200\n"
		  "inbound:\n"
		  "  enabled: false\n"
		  "  port: 15006\n"
		  "  exclude-ports: 22,8080-8090\n"
		  "  include-ports: 1-1000\n"
		  "  exclude-ips: 10.0.0.0/8,fd00::/64\n"
		  "outbound:\n"
		  "  enabled: true\n"
		  "  port: 15001\n"
		  "  exclude-ports: none\n"
		  "  include-ports: all\n"
		  "  exclude-ips: 192.168.0.1/32\n"
		  "  exclude-ports-for-uids:\n"
		  "    *:80,443:1000-1010\n"
		  "    *:*:7\n"
		  "drop-invalid-packets: true\n"
		  "dns:\n"
		  "  enabled: true\n"
		  "  port: 5353\n"
		  "  capture-all: true\n"
		  "  conntrack-zone-split: off\n"
		  "  servers: none\n"
		  "event-rate: 40\n"
		  "events-dropped: 17\n"
		  "counters:\n"
		  "  reason                    local-out  pre-routing\n"
		  "  redirected-inbound                5            0\n"
		  "  redirected-outbound               0            0\n"
		  "  excluded-port                     0            0\n"
		  "  excluded-port-for-uid             0            0\n"
		  "  excluded-ip                       0            0\n"
		  "  proxy-owner                      12            0\n"
		  "  passthrough                       0            0\n"
		  "  loopback                          0            0\n"
		  "  localhost                         0            0\n"
		  "  not-included                      0            0\n"
		  "  direction-disabled                0            0\n"
		  "  dropped                           0 18446744073709551615\n"
		  "  dropped-invalid                   0            3\n"
		  "  family-disabled                   0            0\n"
		  "  resumed                           0            0\n"
		  "  midstream                         0            0\n"
		  "  redirected-dns                    0            0\n"
		  "  dns-passed                        0            0\n"
		  "  dns-zoned                         0            0\n");
	free(out);
	cmdline_free(&cl);
}

static void test_text_defaults(void)
{
	struct cmdline cl;
	char err[MR_ERR_LEN];
	char *out;

	CHECK_INT(tool_parse(&cl, err, "set", NULL), 0);
	out = tool_capture(show_text, &cl.cfg);
	/* Without counters (a GET always has them), no counters section. */
	CHECK_STR(out,
		  "ip-family-mode: dualstack\n"
		  "owner-uids: 5678\n"
		  "owner-gids: none\n"
		  "inbound:\n"
		  "  enabled: true\n"
		  "  port: 15006\n"
		  "  exclude-ports: none\n"
		  "  include-ports: all\n"
		  "  exclude-ips: none\n"
		  "outbound:\n"
		  "  enabled: true\n"
		  "  port: 15001\n"
		  "  exclude-ports: none\n"
		  "  include-ports: all\n"
		  "  exclude-ips: none\n"
		  "  exclude-ports-for-uids: none\n"
		  "drop-invalid-packets: false\n"
		  "dns:\n"
		  "  enabled: false\n"
		  "event-rate: 1000\n");
	free(out);
	cmdline_free(&cl);
}

static void test_json_full(void)
{
	struct cmdline cl;
	char *out;

	full_config(&cl);
	out = tool_capture(show_json, &cl.cfg);
	CHECK(json_valid(out));
	CHECK(python_accepts(out,
		"assert d[\"configured\"] is True; "
		"assert d[\"ip-family-mode\"] == \"ipv4\"; "
		"assert d[\"owner-uids\"] == [{\"first\": 5678, \"last\": 5678}]; "
		"assert d[\"owner-gids\"] == [{\"first\": 100, \"last\": 200}]; "
		"i = d[\"inbound\"]; o = d[\"outbound\"]; "
		"assert i[\"enabled\"] is False and i[\"port\"] == 15006; "
		"assert i[\"exclude-ports\"] == [{\"first\": 22, \"last\": 22}, {\"first\": 8080, \"last\": 8090}]; "
		"assert i[\"include-ports\"] == [{\"first\": 1, \"last\": 1000}]; "
		"assert i[\"exclude-ips\"] == [\"10.0.0.0/8\", \"fd00::/64\"]; "
		"assert \"exclude-ports-for-uids\" not in i; "
		"assert o[\"enabled\"] is True and o[\"port\"] == 15001; "
		"assert o[\"exclude-ports\"] == [] and o[\"include-ports\"] == []; "
		"assert o[\"exclude-ips\"] == [\"192.168.0.1/32\"]; "
		"u = o[\"exclude-ports-for-uids\"]; "
		"assert u[0] == {\"protocol\": \"*\", \"ports\": [{\"first\": 80, \"last\": 80}, {\"first\": 443, \"last\": 443}], \"uids\": {\"first\": 1000, \"last\": 1010}}; "
		"assert u[1][\"ports\"] == [{\"first\": 1, \"last\": 65535}] and u[1][\"uids\"][\"first\"] == 7; "
		"c = d[\"counters\"]; "
		"assert sorted(c) == [\"local-out\", \"pre-routing\"]; "
		"assert len(c[\"local-out\"]) == 19 and len(c[\"pre-routing\"]) == 19; "
		"assert d[\"drop-invalid-packets\"] is True; "
		"assert d[\"event-rate\"] == 40 and d[\"events-dropped\"] == 17; "
		"assert d[\"dns\"] == {\"enabled\": True, \"port\": 5353, \"capture-all\": True, \"conntrack-zone-split\": [], \"servers\": [], \"docker\": []}; "
		"assert c[\"pre-routing\"][\"dropped-invalid\"] == 3; "
		"assert c[\"local-out\"][\"dropped-invalid\"] == 0; "
		"assert c[\"local-out\"][\"redirected-inbound\"] == 5; "
		"assert c[\"local-out\"][\"proxy-owner\"] == 12; "
		"assert c[\"pre-routing\"][\"dropped\"] == 2**64 - 1"));
	free(out);
	cmdline_free(&cl);
}

/* Docker's address: a line of its own in text, a list in JSON, a comment in YAML. */
static void test_docker(void)
{
	struct cidr docker = { .family = AF_INET, .prefix_len = 32, .addr = { 127, 0, 0, 11 } };
	struct cmdline cl;
	char err[MR_ERR_LEN];
	char *out;

	CHECK_INT(tool_parse(&cl, err, "set", "--redirect-all-dns-traffic",
			     "--skip-dns-conntrack-zone-split", NULL), 0);
	cidr_list_add(&cl.cfg.dns.docker, &docker);
	out = tool_capture(show_text, &cl.cfg);
	CHECK(strstr(out, "  servers: none\n  docker: 127.0.0.11/32\nevent-rate: 1000\n"));
	free(out);
	out = tool_capture(show_json, &cl.cfg);
	CHECK(json_valid(out));
	CHECK(python_accepts(out, "assert d[\"dns\"][\"docker\"] == [\"127.0.0.11/32\"]"));
	free(out);
	out = tool_capture(show_yaml, &cl.cfg);
	CHECK(strstr(out, "\n# redirect.dns: Docker's DOCKER_OUTPUT chain found at install; its DNS: 127.0.0.11/32\n"));
	free(out);
	cmdline_free(&cl);

	/* Without DNS capture: Docker's jump still comes ahead of Kuma's rules. */
	CHECK_INT(tool_parse(&cl, err, "set", "--dns-docker", "127.0.0.11", NULL), 0);
	out = tool_capture(show_text, &cl.cfg);
	CHECK(strstr(out, "dns:\n  enabled: false\n  docker: 127.0.0.11/32\nevent-rate: 1000\n"));
	free(out);
	out = tool_capture(show_json, &cl.cfg);
	CHECK(json_valid(out));
	CHECK(python_accepts(out, "assert d[\"dns\"] == {\"enabled\": False, \"docker\": [\"127.0.0.11/32\"]}"));
	free(out);
	out = tool_capture(show_yaml, &cl.cfg);
	CHECK(strstr(out, "\n# redirect.dns: Docker's DOCKER_OUTPUT chain found at install; its DNS: 127.0.0.11/32\n"));
	free(out);
	cmdline_free(&cl);
}

/*
 * The zone split per family: its families in text and JSON; in YAML the
 * user's setting, and a comment for a family install's finding of
 * Docker's chain left out, as apply looks for it again.
 */
static void zone_split_shown(bool skip, uint8_t off, const char *text, const char *json,
			     const char *comment, int line)
{
	struct cmdline cl;
	char err[MR_ERR_LEN], want[160];
	char *out;

	CHECK_INT(tool_parse(&cl, err, "set", "--redirect-all-dns-traffic",
			     skip ? "--skip-dns-conntrack-zone-split" : NULL, NULL), 0);
	cl.cfg.dns.zone_split_off = off;
	out = tool_capture(show_text, &cl.cfg);
	snprintf(want, sizeof(want), "\n  conntrack-zone-split: %s\n", text);
	check_result(strstr(out, want), __FILE__, line, "text lacks '%s':\n%s", want, out);
	free(out);
	out = tool_capture(show_json, &cl.cfg);
	CHECK(json_valid(out));
	snprintf(want, sizeof(want), "assert d[\"dns\"][\"conntrack-zone-split\"] == %s", json);
	check_result(python_accepts(out, want), __FILE__, line, "JSON: %s", want);
	free(out);
	out = tool_capture(show_yaml, &cl.cfg);
	check_result(strstr(out, skip ? "    skipConntrackZoneSplit: true\n" :
			    "    skipConntrackZoneSplit: false\n"),
		     __FILE__, line, "YAML's skipConntrackZoneSplit:\n%s", out);
	if (comment)
		check_result(strstr(out, comment), __FILE__, line, "YAML lacks '%s':\n%s",
			     comment, out);
	else
		check_result(!strstr(out, "zone split"), __FILE__, line,
			     "YAML has a zone split comment:\n%s", out);
	free(out);
	cmdline_free(&cl);
}

static void test_zone_split(void)
{
	zone_split_shown(false, 0, "ipv4,ipv6", "[\"ipv4\", \"ipv6\"]", NULL, __LINE__);
	zone_split_shown(false, MESHREDIR_ZONE_SPLIT_IPV4, "ipv6", "[\"ipv6\"]",
			 "\n# redirect.dns: conntrack zone split off for IPv4 with captureAll: Docker's DOCKER_OUTPUT chain found at install\n",
			 __LINE__);
	zone_split_shown(false, MESHREDIR_ZONE_SPLIT_IPV6, "ipv4", "[\"ipv4\"]",
			 "\n# redirect.dns: conntrack zone split off for IPv6 with captureAll: Docker's DOCKER_OUTPUT chain found at install\n",
			 __LINE__);
	/* Install's configuration with the chain in both tables. */
	zone_split_shown(false, ZONE_SPLIT_BOTH, "off", "[]",
			 "\n# redirect.dns: conntrack zone split off for IPv4 and IPv6 with captureAll: Docker's DOCKER_OUTPUT chain found at install\n",
			 __LINE__);
	zone_split_shown(true, 0, "off", "[]", NULL, __LINE__);
	zone_split_shown(true, MESHREDIR_ZONE_SPLIT_IPV4, "off", "[]", NULL, __LINE__);
}

static void test_json_defaults(void)
{
	struct tool_config cfg;
	char *out;

	config_init(&cfg);
	out = tool_capture(show_json, &cfg);
	CHECK(json_valid(out));
	CHECK(python_accepts(out, "assert \"counters\" not in d and d[\"owner-uids\"] == [] and "
				  "d[\"outbound\"][\"exclude-ports-for-uids\"] == [] and "
				  "d[\"drop-invalid-packets\"] is False and "
				  "d[\"event-rate\"] == 1000 and \"events-dropped\" not in d"));
	free(out);
}

static void test_unconfigured(void)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	show_unconfigured(f, false);
	fclose(f);
	CHECK_STR(buf, "meshredir: not configured in this network namespace\n");
	free(buf);

	buf = NULL;
	f = open_memstream(&buf, &len);
	show_unconfigured(f, true);
	fclose(f);
	CHECK_STR(buf, "{\"configured\": false}\n");
	CHECK(json_valid(buf));
	CHECK(python_accepts(buf, "assert d == {\"configured\": False}"));
	free(buf);
}

static void test_names(void)
{
	static const char *const want[] = {
		NULL, "redirected-inbound", "redirected-outbound", "excluded-port",
		"excluded-port-for-uid", "excluded-ip", "proxy-owner", "passthrough",
		"loopback", "localhost", "not-included", "direction-disabled", "dropped",
		"dropped-invalid", "family-disabled", "resumed", "midstream",
		"redirected-dns", "dns-passed", "dns-zoned",
	};
	unsigned int r;

	/* Every reason of the uapi has a name, this list is all of them. */
	CHECK_UINT(sizeof(want) / sizeof(want[0]), MESHREDIR_REASON_MAX + 1);
	CHECK(!reason_name(0));
	for (r = 1; r <= MESHREDIR_REASON_MAX && r < sizeof(want) / sizeof(want[0]); r++)
		CHECK_STR(reason_name(r), want[r]);
	CHECK(!reason_name(MESHREDIR_REASON_MAX + 1));
	CHECK_STR(hook_name(HOOK_LOCAL_OUT), "local-out");
	CHECK_STR(hook_name(HOOK_PRE_ROUTING), "pre-routing");
}

static void test_validator(void)
{
	/* The validator itself must refuse what python would. */
	CHECK(json_valid("{\"a\": [1, 2, {\"b\": null}], \"c\": \"x\"}"));
	CHECK(!json_valid("{\"a\": 1,}"));
	CHECK(!json_valid("{\"a\": [1 2]}"));
	CHECK(!json_valid("{\"a\": 01}"));
	CHECK(!json_valid("{\"a\": 1} x"));
	CHECK(!json_valid("{a: 1}"));
}

int main(void)
{
	RUN(test_validator);
	RUN(test_text_full);
	RUN(test_text_defaults);
	RUN(test_json_full);
	RUN(test_json_defaults);
	RUN(test_docker);
	RUN(test_zone_split);
	RUN(test_unconfigured);
	RUN(test_names);
	return check_report();
}
