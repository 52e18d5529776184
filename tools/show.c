// SPDX-License-Identifier: GPL-2.0
/*
 * What `meshredir show` prints, and the one table of the counters' reason
 * names. The text form writes lists in the syntax of the set flags, so a
 * value can be pasted back; the JSON form keeps ranges as {"first",
 * "last"} objects so scripts never parse "a-b" strings.
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <string.h>
#include <sys/socket.h>
#include "kuma.h"
#include "cni_json.h"
#include "show.h"
#include "util.h"

static const char *const reasons[MESHREDIR_REASON_MAX + 1] = {
	[MESHREDIR_REASON_REDIRECTED_INBOUND] = "redirected-inbound",
	[MESHREDIR_REASON_REDIRECTED_OUTBOUND] = "redirected-outbound",
	[MESHREDIR_REASON_EXCLUDED_PORT] = "excluded-port",
	[MESHREDIR_REASON_EXCLUDED_PORT_FOR_UID] = "excluded-port-for-uid",
	[MESHREDIR_REASON_EXCLUDED_IP] = "excluded-ip",
	[MESHREDIR_REASON_PROXY_OWNER] = "proxy-owner",
	[MESHREDIR_REASON_PASSTHROUGH] = "passthrough",
	[MESHREDIR_REASON_LOOPBACK] = "loopback",
	[MESHREDIR_REASON_LOCALHOST] = "localhost",
	[MESHREDIR_REASON_NOT_INCLUDED] = "not-included",
	[MESHREDIR_REASON_DIRECTION_DISABLED] = "direction-disabled",
	[MESHREDIR_REASON_DROPPED] = "dropped",
	[MESHREDIR_REASON_DROPPED_INVALID] = "dropped-invalid",
	[MESHREDIR_REASON_FAMILY_DISABLED] = "family-disabled",
	[MESHREDIR_REASON_RESUMED] = "resumed",
	[MESHREDIR_REASON_MIDSTREAM] = "midstream",
	[MESHREDIR_REASON_REDIRECTED_DNS] = "redirected-dns",
	[MESHREDIR_REASON_DNS_PASSED] = "dns-passed",
	[MESHREDIR_REASON_DNS_ZONED] = "dns-zoned",
};

const char *reason_name(unsigned int reason)
{
	return reason <= MESHREDIR_REASON_MAX ? reasons[reason] : NULL;
}

/* The reason named by the n bytes at name; MESHREDIR_REASON_UNSPEC if none. */
static unsigned int reason_lookup(const char *name, size_t n)
{
	unsigned int r;

	for (r = MESHREDIR_REASON_UNSPEC + 1; r <= MESHREDIR_REASON_MAX; r++)
		if (strlen(reasons[r]) == n && !memcmp(reasons[r], name, n))
			return r;
	return MESHREDIR_REASON_UNSPEC;
}

_Static_assert(MESHREDIR_REASON_MAX < 64, "monitor's --reason mask is 64 bits");

int reason_mask(const char *flag, const char *value, uint64_t *mask, char *err, size_t errlen)
{
	const char *p = value, *end;
	unsigned int r;
	size_t n;

	for (;;) {
		end = strchr(p, ',');
		n = end ? (size_t)(end - p) : strlen(p);
		r = reason_lookup(p, n);
		if (r == MESHREDIR_REASON_UNSPEC)
			return fail(err, errlen,
				    "%s: \"%.*s\" is not a reason (the names of show's counters: redirected-inbound, excluded-port, ...)",
				    flag, (int)n, p);
		*mask |= 1ull << r;
		if (!end)
			return 0;
		p = end + 1;
	}
}

const char *hook_name(unsigned int hook)
{
	switch (hook) {
	case HOOK_LOCAL_OUT:
		return "local-out";
	case HOOK_PRE_ROUTING:
		return "pre-routing";
	}
	return NULL;
}

/* ---- text ---- */

static void text_range(FILE *f, uint32_t first, uint32_t last)
{
	if (first == last)
		fprintf(f, "%" PRIu32, first);
	else
		fprintf(f, "%" PRIu32 "-%" PRIu32, first, last);
}

/* Comma-separated, as the flags take them. */
static void text_ranges(FILE *f, const struct range_list *l, const char *empty)
{
	size_t i;

	if (!l->n)
		fputs(empty, f);
	for (i = 0; i < l->n; i++) {
		if (i)
			fputc(',', f);
		text_range(f, l->v[i].first, l->v[i].last);
	}
}

static void text_dir(FILE *f, const char *name, const struct dir_config *d, bool out)
{
	char buf[INET6_ADDRSTRLEN + 8];
	size_t i;

	fprintf(f, "%s:\n", name);
	fprintf(f, "  enabled: %s\n", d->enabled ? "true" : "false");
	fprintf(f, "  port: %u\n", d->port);
	fputs("  exclude-ports: ", f);
	text_ranges(f, &d->exclude_ports, "none");
	fputs("\n  include-ports: ", f);
	text_ranges(f, &d->include_ports, "all");
	fputs("\n  exclude-ips: ", f);
	if (!d->exclude_ips.n)
		fputs("none", f);
	for (i = 0; i < d->exclude_ips.n; i++) {
		cidr_format(&d->exclude_ips.v[i], buf, sizeof(buf));
		fprintf(f, "%s%s", i ? "," : "", buf);
	}
	fputc('\n', f);
	if (!out)
		return;
	fputs("  exclude-ports-for-uids:", f);
	if (!d->exclude_ports_for_uids.n)
		fputs(" none", f);
	fputc('\n', f);
	for (i = 0; i < d->exclude_ports_for_uids.n; i++) {
		const struct uid_ports *up = &d->exclude_ports_for_uids.v[i];

		/* In the flag's own syntax. */
		fprintf(f, "    %s:", uid_ports_protocol(up->protocols));
		if (range_list_all_ports(&up->ports))
			fputc('*', f);
		else
			text_ranges(f, &up->ports, "*");
		fputc(':', f);
		text_range(f, up->uids.first, up->uids.last);
		fputc('\n', f);
	}
}

static void text_dns(FILE *f, const struct dns_config *d)
{
	char buf[INET6_ADDRSTRLEN + 8];
	size_t i;

	fputs("dns:\n", f);
	fprintf(f, "  enabled: %s\n", d->enabled ? "true" : "false");
	if (d->enabled) {
		fprintf(f, "  port: %u\n", d->port);
		fprintf(f, "  capture-all: %s\n", d->capture_all ? "true" : "false");
		fprintf(f, "  conntrack-zone-split: %s\n", zone_split_name(dns_zone_split(d)));
		fputs("  servers: ", f);
		if (!d->servers.n)
			fputs("none", f);
		for (i = 0; i < d->servers.n; i++) {
			cidr_format(&d->servers.v[i], buf, sizeof(buf));
			fprintf(f, "%s%s", i ? "," : "", buf);
		}
		fputc('\n', f);
	}
	/* Only where install found Docker's DOCKER_OUTPUT chain. */
	if (d->docker.n)
		fputs("  docker: ", f);
	for (i = 0; i < d->docker.n; i++) {
		cidr_format(&d->docker.v[i], buf, sizeof(buf));
		fprintf(f, "%s%s%s", i ? "," : "", buf, i + 1 == d->docker.n ? "\n" : "");
	}
}

static void text_vnet(FILE *f, const struct vnet_list *l)
{
	char buf[INET6_ADDRSTRLEN + 24];
	size_t i;

	/* Only when configured, as Kuma's file leaves an empty one out. */
	if (!l->n)
		return;
	fputs("vnet: ", f);
	for (i = 0; i < l->n; i++) {
		vnet_format(&l->v[i], buf, sizeof(buf));
		fprintf(f, "%s%s", i ? "," : "", buf);
	}
	fputc('\n', f);
}

void show_text(FILE *f, const struct tool_config *cfg)
{
	char buf[32];
	unsigned int r;

	fprintf(f, "ip-family-mode: %s\n", ip_family_name(cfg->ip_family_mode, buf, sizeof(buf)));
	fputs("owner-uids: ", f);
	text_ranges(f, &cfg->owner_uids, "none");
	fputs("\nowner-gids: ", f);
	text_ranges(f, &cfg->owner_gids, "none");
	fputc('\n', f);
	text_dir(f, "inbound", &cfg->inbound, false);
	text_dir(f, "outbound", &cfg->outbound, true);
	fprintf(f, "drop-invalid-packets: %s\n", cfg->drop_invalid ? "true" : "false");
	text_dns(f, &cfg->dns);
	text_vnet(f, &cfg->vnet);
	fprintf(f, "event-rate: %" PRIu32 "\n", cfg->event_rate);
	if (!cfg->has_counters)
		return;
	fprintf(f, "events-dropped: %" PRIu64 "\n", cfg->events_dropped);
	/* The space before each column keeps even 20-digit counts apart. */
	fprintf(f, "counters:\n  %-22s %12s %12s\n", "reason", hook_name(HOOK_LOCAL_OUT),
		hook_name(HOOK_PRE_ROUTING));
	for (r = MESHREDIR_REASON_UNSPEC + 1; r <= MESHREDIR_REASON_MAX; r++)
		fprintf(f, "  %-22s %12" PRIu64 " %12" PRIu64 "\n", reason_name(r),
			cfg->counters[HOOK_LOCAL_OUT][r], cfg->counters[HOOK_PRE_ROUTING][r]);
}

/* ---- JSON ---- */

/* Every string written is one of ours: names, addresses, no escaping needed. */
static void json_range(FILE *f, uint32_t first, uint32_t last)
{
	fprintf(f, "{\"first\": %" PRIu32 ", \"last\": %" PRIu32 "}", first, last);
}

static void json_ranges(FILE *f, const struct range_list *l)
{
	size_t i;

	fputc('[', f);
	for (i = 0; i < l->n; i++) {
		if (i)
			fputs(", ", f);
		json_range(f, l->v[i].first, l->v[i].last);
	}
	fputc(']', f);
}

static void json_dir(FILE *f, const char *name, const struct dir_config *d, bool out)
{
	char buf[INET6_ADDRSTRLEN + 8];
	size_t i;

	fprintf(f, "  \"%s\": {\n", name);
	fprintf(f, "    \"enabled\": %s,\n", d->enabled ? "true" : "false");
	fprintf(f, "    \"port\": %u,\n", d->port);
	fputs("    \"exclude-ports\": ", f);
	json_ranges(f, &d->exclude_ports);
	fputs(",\n    \"include-ports\": ", f);
	json_ranges(f, &d->include_ports);
	fputs(",\n    \"exclude-ips\": [", f);
	for (i = 0; i < d->exclude_ips.n; i++) {
		cidr_format(&d->exclude_ips.v[i], buf, sizeof(buf));
		fprintf(f, "%s\"%s\"", i ? ", " : "", buf);
	}
	fputc(']', f);
	if (out) {
		fputs(",\n    \"exclude-ports-for-uids\": [", f);
		for (i = 0; i < d->exclude_ports_for_uids.n; i++) {
			const struct uid_ports *up = &d->exclude_ports_for_uids.v[i];

			fprintf(f, "%s\n      {\"protocol\": \"%s\", \"ports\": ", i ? "," : "",
				uid_ports_protocol(up->protocols));
			json_ranges(f, &up->ports);
			fputs(", \"uids\": ", f);
			json_range(f, up->uids.first, up->uids.last);
			fputc('}', f);
		}
		fputs(d->exclude_ports_for_uids.n ? "\n    ]" : "]", f);
	}
	fputs("\n  }", f);
}

void show_json(FILE *f, const struct tool_config *cfg)
{
	char buf[32], a[INET6_ADDRSTRLEN + 8];
	unsigned int h, r;
	size_t i;

	fputs("{\n  \"configured\": true,\n", f);
	fprintf(f, "  \"ip-family-mode\": \"%s\",\n",
		ip_family_name(cfg->ip_family_mode, buf, sizeof(buf)));
	fputs("  \"owner-uids\": ", f);
	json_ranges(f, &cfg->owner_uids);
	fputs(",\n  \"owner-gids\": ", f);
	json_ranges(f, &cfg->owner_gids);
	fputs(",\n", f);
	json_dir(f, "inbound", &cfg->inbound, false);
	fputs(",\n", f);
	json_dir(f, "outbound", &cfg->outbound, true);
	fprintf(f, ",\n  \"drop-invalid-packets\": %s", cfg->drop_invalid ? "true" : "false");
	fprintf(f, ",\n  \"dns\": {\"enabled\": %s", cfg->dns.enabled ? "true" : "false");
	if (cfg->dns.enabled) {
		uint8_t split = dns_zone_split(&cfg->dns);

		fprintf(f, ", \"port\": %u, \"capture-all\": %s, \"conntrack-zone-split\": [%s%s%s], \"servers\": [",
			cfg->dns.port, cfg->dns.capture_all ? "true" : "false",
			split & MESHREDIR_ZONE_SPLIT_IPV4 ? "\"ipv4\"" : "",
			split == ZONE_SPLIT_BOTH ? ", " : "",
			split & MESHREDIR_ZONE_SPLIT_IPV6 ? "\"ipv6\"" : "");
		for (i = 0; i < cfg->dns.servers.n; i++) {
			cidr_format(&cfg->dns.servers.v[i], a, sizeof(a));
			fprintf(f, "%s\"%s\"", i ? ", " : "", a);
		}
		fputc(']', f);
	}
	/* Docker's addresses matter with DNS capture or without. */
	fputs(", \"docker\": [", f);
	for (i = 0; i < cfg->dns.docker.n; i++) {
		cidr_format(&cfg->dns.docker.v[i], a, sizeof(a));
		fprintf(f, "%s\"%s\"", i ? ", " : "", a);
	}
	fputs("]}", f);
	if (cfg->vnet.n)
		fputs(",\n  \"vnet\": [", f);
	for (h = 0; h < cfg->vnet.n; h++) {
		char v[INET6_ADDRSTRLEN + 24];

		vnet_format(&cfg->vnet.v[h], v, sizeof(v));
		fputs(h ? ", " : "", f);
		json_put_string(f, v);
	}
	if (cfg->vnet.n)
		fputc(']', f);
	fprintf(f, ",\n  \"event-rate\": %" PRIu32, cfg->event_rate);
	if (cfg->has_counters) {
		fprintf(f, ",\n  \"events-dropped\": %" PRIu64, cfg->events_dropped);
		fputs(",\n  \"counters\": {", f);
		for (h = 0; h < HOOK_COUNT; h++) {
			fprintf(f, "%s\n    \"%s\": {", h ? "," : "", hook_name(h));
			for (r = MESHREDIR_REASON_UNSPEC + 1; r <= MESHREDIR_REASON_MAX; r++)
				fprintf(f, "%s\n      \"%s\": %" PRIu64, r > 1 ? "," : "",
					reason_name(r), cfg->counters[h][r]);
			fputs("\n    }", f);
		}
		fputs("\n  }", f);
	}
	fputs("\n}\n", f);
}

void show_unconfigured(FILE *f, bool json)
{
	fputs(json ? "{\"configured\": false}\n" : MR_NOT_CONFIGURED "\n", f);
}

void show_yaml(FILE *f, const struct tool_config *cfg)
{
	kuma_write(f, cfg);
	/*
	 * Not configuration: comments, which apply and kumactl skip. Docker's
	 * addresses come from the namespace, as the servers do from
	 * resolv.conf: apply, as install, looks for the chain again.
	 */
	if (cfg->dns.docker.n) {
		char a[INET6_ADDRSTRLEN + 8];
		size_t i;

		fputs("# redirect.dns: Docker's DOCKER_OUTPUT chain found at install; its DNS:", f);
		for (i = 0; i < cfg->dns.docker.n; i++) {
			cidr_format(&cfg->dns.docker.v[i], a, sizeof(a));
			fprintf(f, " %s", a);
		}
		fputc('\n', f);
	}
	/* The same for the split install left out where it found the chain. */
	if (cfg->dns.enabled && cfg->dns.zone_split && cfg->dns.zone_split_off)
		fprintf(f, "# redirect.dns: conntrack zone split off for %s with captureAll: Docker's DOCKER_OUTPUT chain found at install\n",
			cfg->dns.zone_split_off == ZONE_SPLIT_BOTH ? "IPv4 and IPv6" :
			cfg->dns.zone_split_off == MESHREDIR_ZONE_SPLIT_IPV4 ? "IPv4" : "IPv6");
	if (cfg->has_counters)
		fprintf(f, "# events-dropped: %" PRIu64 "\n", cfg->events_dropped);
}
