// SPDX-License-Identifier: GPL-2.0
/*
 * What each kind of Kuma's settings means once its text is in hand: the
 * part the file (kuma.c) and the environment (kuma_env.c) share below
 * their own syntax, so that a field and its variable read a value alike.
 * Errors blame the name given, a field's path or a variable.
 */
#include <string.h>
#include "kuma_fields.h"
#include "parse.h"
#include "util.h"

void kuma_list_clear(const struct field *f, void *to)
{
	switch (f->kind) {
	case K_RANGES:
		range_list_clear(to);
		break;
	case K_CIDRS:
		cidr_list_clear(to);
		break;
	case K_VNETS:
		vnet_list_clear(to);
		break;
	default:
		uid_ports_list_clear(to);
		break;
	}
}

int kuma_list_add(const char *name, const struct field *f, const char *value, void *to,
		  char *err, size_t errlen)
{
	switch (f->kind) {
	case K_RANGES:
		return parse_range_list(name, f->rk, value, to, err, errlen);
	case K_CIDRS:
		/* Kuma refuses an empty entry; the flag's parser would take it as none. */
		if (parse_blank(value))
			return fail(err, errlen, "%s: \"%s\" is not an IP address or CIDR",
				    name, value);
		return parse_cidr_list(name, value, to, err, errlen);
	case K_VNETS:
		return parse_vnet(name, value, to, err, errlen);
	default:
		return parse_uid_ports(name, value, to, err, errlen);
	}
}

int kuma_value(const char *name, const struct field *f, const char *value, void *to,
	       char *err, size_t errlen)
{
	bool b;

	switch (f->kind) {
	case K_BOOL:
	case K_OPTION:
		return parse_bool(name, value, to, err, errlen);
	case K_NOT_BOOL:
		if (parse_bool(name, value, &b, err, errlen))
			return -1;
		*(bool *)to = !b;
		return 0;
	case K_FALSE:
		if (parse_bool(name, value, &b, err, errlen))
			return -1;
		if (b)
			return fail(err, errlen, "%s: true is not supported: %s", name, f->why);
		return 0;
	case K_PORT:
		return parse_port(name, value, to, err, errlen);
	case K_EVENT_RATE:
		return parse_event_rate(name, value, to, err, errlen);
	case K_FAMILY:
		return parse_ip_family_mode(name, value, to, err, errlen);
	case K_USER:
		/* Kuma: empty is the default user. */
		if (!*value) {
			*(uint32_t *)to = MR_DEFAULT_KUMA_DP_UID;
			return 0;
		}
		return parse_user(name, value, to, err, errlen);
	case K_PATH:
		/* Kuma: empty is the default. */
		if (strlen(value) >= KUMA_PATH_MAX)
			return fail(err, errlen, "%s: longer than %d bytes", name,
				    KUMA_PATH_MAX - 1);
		snprintf(to, KUMA_PATH_MAX, "%s", *value ? value : KUMA_RESOLV_CONF);
		return 0;
	case K_SKIP_BOOL:
		return parse_bool(name, value, &b, err, errlen);
	default:
		return 0;	/* K_SKIP_STRING: any single value */
	}
}
