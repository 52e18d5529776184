// SPDX-License-Identifier: GPL-2.0
/*
 * Values as kumactl's Go libraries read them (pflag, envconfig, Kuma's
 * Duration): unsigned integers with Go's prefixes, durations, JSON
 * numbers. meshredir only checks them: they belong to settings it ignores.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "parse.h"
#include "util.h"

/* Go's time.ParseDuration: "0", or numbers with units, as 1m30s or 1.5h. */
static bool duration(const char *s)
{
	static const char *const units[] = { "ns", "us", "\xc2\xb5s", "\xce\xbcs", "ms", "s", "m", "h" };
	const char *p = s + (*s == '+' || *s == '-');
	size_t i, len;
	bool digits;

	if (!strcmp(p, "0"))
		return true;
	if (!*p)
		return false;
	while (*p) {
		digits = false;
		while (isdigit((unsigned char)*p)) {
			p++;
			digits = true;
		}
		if (*p == '.') {
			p++;
			while (isdigit((unsigned char)*p)) {
				p++;
				digits = true;
			}
		}
		if (!digits)
			return false;
		len = 0;
		for (i = 0; i < ARRAY_SIZE(units); i++) {
			size_t l = strlen(units[i]);

			if (!strncmp(p, units[i], l) && l > len)
				len = l;
		}
		if (!len)
			return false;
		p += len;
	}
	return true;
}

int parse_duration(const char *flag, const char *value, char *err, size_t errlen)
{
	if (!duration(value))
		return fail(err, errlen, "%s: \"%s\" is not a duration (like 2s, 500ms or 1m30s)",
			    flag, value);
	return 0;
}

/* Go's ParseUint(s, 0, bits), as pflag and envconfig call it: 0x, 0o, 0b, 0 and _. */
static bool go_uint(const char *s, unsigned int bits, uint64_t *out)
{
	uint64_t v = 0, max = bits >= 64 ? UINT64_MAX : (1ull << bits) - 1;
	bool digits = false, sep_ok = false;	/* sep_ok: a _ may come next */
	unsigned int base = 10, d;
	const char *p = s;

	if (p[0] == '0' && p[1]) {
		sep_ok = true;
		switch (p[1]) {
		case 'x': case 'X': base = 16; p += 2; break;
		case 'o': case 'O': base = 8; p += 2; break;
		case 'b': case 'B': base = 2; p += 2; break;
		default: base = 8; p++; digits = true; break;
		}
	}
	for (; *p; p++) {
		if (*p == '_') {
			if (!sep_ok)
				return false;
			sep_ok = false;
			continue;
		}
		if (isdigit((unsigned char)*p))
			d = *p - '0';
		else if (isxdigit((unsigned char)*p))
			d = tolower((unsigned char)*p) - 'a' + 10;
		else
			return false;
		if (d >= base || v > (max - d) / base)
			return false;
		v = v * base + d;
		digits = sep_ok = true;
	}
	if (!digits || !sep_ok)
		return false;
	*out = v;
	return true;
}

int parse_go_uint(const char *flag, const char *value, unsigned int bits,
		  char *err, size_t errlen)
{
	uint64_t v;

	if (!go_uint(value, bits, &v))
		return fail(err, errlen, "%s: \"%s\" is not a number (0-%llu)", flag, value,
			    bits >= 64 ? (unsigned long long)UINT64_MAX : (1ull << bits) - 1);
	return 0;
}

/* A JSON number, as Go's encoding/json reads one. */
static bool json_number(const char *p)
{
	p += *p == '-';
	if (*p == '0')
		p++;
	else if (isdigit((unsigned char)*p))
		while (isdigit((unsigned char)*p))
			p++;
	else
		return false;
	if (*p == '.') {
		if (!isdigit((unsigned char)*++p))
			return false;
		while (isdigit((unsigned char)*p))
			p++;
	}
	if (*p == 'e' || *p == 'E') {
		p++;
		p += *p == '+' || *p == '-';
		if (!isdigit((unsigned char)*p))
			return false;
		while (isdigit((unsigned char)*p))
			p++;
	}
	return !*p;
}

int parse_kuma_duration(const char *flag, const char *value, char *err, size_t errlen)
{
	size_t n = strlen(value);
	char unquoted[64];

	if (duration(value) || json_number(value))
		return 0;
	if (n >= 2 && n - 2 < sizeof(unquoted) && value[0] == '"' && value[n - 1] == '"') {
		snprintf(unquoted, sizeof(unquoted), "%.*s", (int)(n - 2), value + 1);
		if (duration(unquoted))
			return 0;
	}
	return fail(err, errlen,
		    "%s: \"%s\" is not a duration (like 2s, 500ms or 1m30s, or nanoseconds)",
		    flag, value);
}
