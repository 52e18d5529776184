// SPDX-License-Identifier: GPL-2.0
/*
 * Output of `meshredir show`. The text form writes lists in the syntax of
 * the set flags, so a value can be pasted back; the JSON form keeps ranges
 * as {"first", "last"} objects so scripts never parse "a-b" strings.
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <sys/socket.h>
#include "show.h"

static const char *const mr_reasons[MESHREDIR_REASON_MAX + 1] = {
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
};

const char *mr_reason_name(unsigned int reason)
{
	return reason <= MESHREDIR_REASON_MAX ? mr_reasons[reason] : NULL;
}

const char *mr_hook_name(unsigned int hook)
{
	switch (hook) {
	case MR_CTR_LOCAL_OUT:
		return "local-out";
	case MR_CTR_PRE_ROUTING:
		return "pre-routing";
	}
	return NULL;
}

static const char *mr_mode_name(uint8_t mode, char *buf, size_t len)
{
	switch (mode) {
	case MESHREDIR_IP_FAMILY_IPV4:
		return "ipv4";
	case MESHREDIR_IP_FAMILY_DUALSTACK:
		return "dualstack";
	}
	snprintf(buf, len, "unknown-%u", mode);
	return buf;
}

/* ---- text ---- */

static void mr_text_range(FILE *f, uint32_t first, uint32_t last)
{
	if (first == last)
		fprintf(f, "%" PRIu32, first);
	else
		fprintf(f, "%" PRIu32 "-%" PRIu32, first, last);
}

static void mr_text_ports(FILE *f, const struct mr_port_list *l, const char *empty)
{
	size_t i;

	if (!l->n)
		fputs(empty, f);
	for (i = 0; i < l->n; i++) {
		if (i)
			fputc(',', f);
		mr_text_range(f, l->v[i].first, l->v[i].last);
	}
}

static void mr_text_ids(FILE *f, const char *name, const struct mr_id_list *l)
{
	size_t i;

	fprintf(f, "%s: ", name);
	if (!l->n)
		fputs("none", f);
	for (i = 0; i < l->n; i++) {
		if (i)
			fputc(',', f);
		mr_text_range(f, l->v[i].first, l->v[i].last);
	}
	fputc('\n', f);
}

static bool mr_all_ports(const struct mr_port_list *l)
{
	return l->n == 1 && l->v[0].first == 1 && l->v[0].last == 65535;
}

static void mr_text_dir(FILE *f, const char *name, const struct mr_dir_config *d, bool out)
{
	char buf[INET6_ADDRSTRLEN + 8];
	size_t i;

	fprintf(f, "%s:\n", name);
	fprintf(f, "  enabled: %s\n", d->enabled ? "true" : "false");
	fprintf(f, "  port: %u\n", d->port);
	fputs("  exclude-ports: ", f);
	mr_text_ports(f, &d->exclude_ports, "none");
	fputs("\n  include-ports: ", f);
	mr_text_ports(f, &d->include_ports, "all");
	fputs("\n  exclude-ips: ", f);
	if (!d->exclude_ips.n)
		fputs("none", f);
	for (i = 0; i < d->exclude_ips.n; i++) {
		mr_cidr_format(&d->exclude_ips.v[i], buf, sizeof(buf));
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
		const struct mr_uid_ports *up = &d->exclude_ports_for_uids.v[i];

		/* In the flag's own syntax. */
		fputs("    tcp:", f);
		if (mr_all_ports(&up->ports))
			fputc('*', f);
		else
			mr_text_ports(f, &up->ports, "*");
		fputc(':', f);
		mr_text_range(f, up->uids.first, up->uids.last);
		fputc('\n', f);
	}
}

void mr_show_text(FILE *f, const struct mr_tool_config *cfg)
{
	char buf[32];
	unsigned int r;

	fprintf(f, "ip-family-mode: %s\n", mr_mode_name(cfg->ip_family_mode, buf, sizeof(buf)));
	mr_text_ids(f, "owner-uids", &cfg->owner_uids);
	mr_text_ids(f, "owner-gids", &cfg->owner_gids);
	mr_text_dir(f, "inbound", &cfg->inbound, false);
	mr_text_dir(f, "outbound", &cfg->outbound, true);
	fprintf(f, "drop-invalid-packets: %s\n", cfg->drop_invalid ? "true" : "false");
	if (!cfg->has_counters)
		return;
	/* The space before each column keeps even 20-digit counts apart. */
	fprintf(f, "counters:\n  %-22s %12s %12s\n", "reason", mr_hook_name(MR_CTR_LOCAL_OUT),
		mr_hook_name(MR_CTR_PRE_ROUTING));
	for (r = MESHREDIR_REASON_UNSPEC + 1; r <= MESHREDIR_REASON_MAX; r++)
		fprintf(f, "  %-22s %12" PRIu64 " %12" PRIu64 "\n", mr_reason_name(r),
			cfg->counters[MR_CTR_LOCAL_OUT][r], cfg->counters[MR_CTR_PRE_ROUTING][r]);
}

/* ---- JSON ---- */

/* Every string written is one of ours: names, addresses, no escaping needed. */
static void mr_json_range(FILE *f, uint32_t first, uint32_t last)
{
	fprintf(f, "{\"first\": %" PRIu32 ", \"last\": %" PRIu32 "}", first, last);
}

static void mr_json_ports(FILE *f, const struct mr_port_list *l)
{
	size_t i;

	fputc('[', f);
	for (i = 0; i < l->n; i++) {
		if (i)
			fputs(", ", f);
		mr_json_range(f, l->v[i].first, l->v[i].last);
	}
	fputc(']', f);
}

static void mr_json_ids(FILE *f, const struct mr_id_list *l)
{
	size_t i;

	fputc('[', f);
	for (i = 0; i < l->n; i++) {
		if (i)
			fputs(", ", f);
		mr_json_range(f, l->v[i].first, l->v[i].last);
	}
	fputc(']', f);
}

static void mr_json_dir(FILE *f, const char *name, const struct mr_dir_config *d, bool out)
{
	char buf[INET6_ADDRSTRLEN + 8];
	size_t i;

	fprintf(f, "  \"%s\": {\n", name);
	fprintf(f, "    \"enabled\": %s,\n", d->enabled ? "true" : "false");
	fprintf(f, "    \"port\": %u,\n", d->port);
	fputs("    \"exclude-ports\": ", f);
	mr_json_ports(f, &d->exclude_ports);
	fputs(",\n    \"include-ports\": ", f);
	mr_json_ports(f, &d->include_ports);
	fputs(",\n    \"exclude-ips\": [", f);
	for (i = 0; i < d->exclude_ips.n; i++) {
		mr_cidr_format(&d->exclude_ips.v[i], buf, sizeof(buf));
		fprintf(f, "%s\"%s\"", i ? ", " : "", buf);
	}
	fputc(']', f);
	if (out) {
		fputs(",\n    \"exclude-ports-for-uids\": [", f);
		for (i = 0; i < d->exclude_ports_for_uids.n; i++) {
			const struct mr_uid_ports *up = &d->exclude_ports_for_uids.v[i];

			fprintf(f, "%s\n      {\"protocol\": \"tcp\", \"ports\": ", i ? "," : "");
			mr_json_ports(f, &up->ports);
			fputs(", \"uids\": ", f);
			mr_json_range(f, up->uids.first, up->uids.last);
			fputc('}', f);
		}
		fputs(d->exclude_ports_for_uids.n ? "\n    ]" : "]", f);
	}
	fputs("\n  }", f);
}

void mr_show_json(FILE *f, const struct mr_tool_config *cfg)
{
	char buf[32];
	unsigned int h, r;

	fputs("{\n  \"configured\": true,\n", f);
	fprintf(f, "  \"ip-family-mode\": \"%s\",\n",
		mr_mode_name(cfg->ip_family_mode, buf, sizeof(buf)));
	fputs("  \"owner-uids\": ", f);
	mr_json_ids(f, &cfg->owner_uids);
	fputs(",\n  \"owner-gids\": ", f);
	mr_json_ids(f, &cfg->owner_gids);
	fputs(",\n", f);
	mr_json_dir(f, "inbound", &cfg->inbound, false);
	fputs(",\n", f);
	mr_json_dir(f, "outbound", &cfg->outbound, true);
	fprintf(f, ",\n  \"drop-invalid-packets\": %s", cfg->drop_invalid ? "true" : "false");
	if (cfg->has_counters) {
		fputs(",\n  \"counters\": {", f);
		for (h = 0; h < MR_CTR_HOOKS; h++) {
			fprintf(f, "%s\n    \"%s\": {", h ? "," : "", mr_hook_name(h));
			for (r = MESHREDIR_REASON_UNSPEC + 1; r <= MESHREDIR_REASON_MAX; r++)
				fprintf(f, "%s\n      \"%s\": %" PRIu64, r > 1 ? "," : "",
					mr_reason_name(r), cfg->counters[h][r]);
			fputs("\n    }", f);
		}
		fputs("\n  }", f);
	}
	fputs("\n}\n", f);
}

void mr_show_unconfigured(FILE *f, bool json)
{
	fputs(json ? "{\"configured\": false}\n" : MR_NOT_CONFIGURED "\n", f);
}
