// SPDX-License-Identifier: GPL-2.0
/*
 * kumactl's install transparent-proxy flags that meshredir takes and
 * ignores: those that only tune kumactl's iptables runs, and kumactl's
 * global ones, which that command takes and does not use either. Each
 * value is checked as kumactl types it (pflag's UintVar and DurationVar,
 * Kuma's Duration and Executables), so a command line kumactl refuses is
 * refused here too. args.c lists them in its flag table.
 */
#include <string.h>
#include "kuma.h"
#include "parse.h"
#include "util.h"

#define WHY_KUMACTL "it is one of kumactl's global settings, which its install " \
	"transparent-proxy does not use"

enum value_kind {
	VK_BOOL,	/* bare, or =BOOL */
	VK_UINT,	/* Go's uint */
	VK_KUMA_DURATION,
	VK_DURATION,	/* Go's time.ParseDuration */
	VK_EXECUTABLES,
	VK_STRING,	/* anything */
};

static const struct {
	const char *flag;
	enum value_kind kind;
	const char *why;
} ignored[] = {
	{ "--wait", VK_UINT, KUMA_WHY_IPTABLES },
	{ "--wait-interval", VK_UINT, KUMA_WHY_IPTABLES },
	{ "--max-retries", VK_UINT, KUMA_WHY_IPTABLES },
	{ "--sleep-between-retries", VK_KUMA_DURATION, KUMA_WHY_IPTABLES },
	{ "--iptables-executables", VK_EXECUTABLES, KUMA_WHY_IPTABLES },
	{ "--store-firewalld", VK_BOOL, KUMA_WHY_IPTABLES },
	{ "--disable-comments", VK_BOOL, KUMA_WHY_IPTABLES },
	{ "--iptables-logs", VK_BOOL, KUMA_WHY_IPTABLES },
	{ "--redirect-inbound-insert-instead-of-append", VK_BOOL, KUMA_WHY_IPTABLES },
	{ "--redirect-outbound-insert-instead-of-append", VK_BOOL, KUMA_WHY_IPTABLES },
	{ "--context", VK_STRING, WHY_KUMACTL },
	{ "--log-level", VK_STRING, WHY_KUMACTL },
	{ "--no-config", VK_BOOL, WHY_KUMACTL },
	{ "--api-timeout", VK_DURATION, WHY_KUMACTL },
};

int kuma_ignored_flag(const char *flag, const char *value, struct kuma_notes *notes,
		      char *err, size_t errlen)
{
	size_t i;
	bool b;
	int ret;

	for (i = 0; i < ARRAY_SIZE(ignored); i++)
		if (!strcmp(ignored[i].flag, flag))
			break;
	if (i == ARRAY_SIZE(ignored))
		return fail(err, errlen, "%s: not a kumactl flag meshredir ignores", flag);
	switch (ignored[i].kind) {
	case VK_BOOL:
		ret = parse_bool(flag, value ? value : "true", &b, err, errlen);
		break;
	case VK_UINT:
		ret = parse_go_uint(flag, value, 64, err, errlen);
		break;
	case VK_KUMA_DURATION:
		ret = parse_kuma_duration(flag, value, err, errlen);
		break;
	case VK_DURATION:
		ret = parse_duration(flag, value, err, errlen);
		break;
	case VK_EXECUTABLES:
		ret = parse_executables(flag, value, err, errlen);
		break;
	default:
		ret = 0;
		break;
	}
	if (ret)
		return -1;
	kuma_note(notes, ignored[i].why, "%s", flag);
	return 0;
}
