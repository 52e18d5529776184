// SPDX-License-Identifier: GPL-2.0
/*
 * Just enough JSON for a CNI plugin: a strict check of a whole text (RFC
 * 8259), and walks over objects and arrays that hand out each value as the
 * span of the text it was, so that what the plugin passes on (prevResult)
 * or leaves alone (the other plugins of a .conflist) stays byte for byte as
 * it came. Strings are decoded only when asked for.
 */
#include <string.h>
#include "cni_json.h"
#include "util.h"

#define MAX_DEPTH 64

struct scan {
	const char *s, *end;
	const char *bad;	/* where the first error is */
	const char *why;
};

static void ws(struct scan *c)
{
	while (c->s < c->end && (*c->s == ' ' || *c->s == '\t' || *c->s == '\n' || *c->s == '\r'))
		c->s++;
}

static bool bad(struct scan *c, const char *why)
{
	if (!c->bad) {
		c->bad = c->s;
		c->why = why;
	}
	return false;
}

static bool hex4(const char *p)
{
	int i;

	for (i = 0; i < 4; i++)
		if (!strchr("0123456789abcdefABCDEF", p[i]) || !p[i])
			return false;
	return true;
}

static bool string(struct scan *c)
{
	c->s++;	/* the opening quote */
	while (c->s < c->end && *c->s != '"') {
		unsigned char ch = *c->s;

		if (ch < 0x20)
			return bad(c, "a control character in a string");
		if (ch == '\\') {
			c->s++;
			if (c->s >= c->end)
				break;
			if (*c->s == 'u') {
				if (c->end - c->s < 5 || !hex4(c->s + 1))
					return bad(c, "a bad \\u escape");
				c->s += 4;
			} else if (!strchr("\"\\/bfnrt", *c->s)) {
				return bad(c, "a bad escape in a string");
			}
		}
		c->s++;
	}
	if (c->s >= c->end)
		return bad(c, "a string without its closing quote");
	c->s++;
	return true;
}

static bool digits(struct scan *c)
{
	const char *p = c->s;

	while (c->s < c->end && *c->s >= '0' && *c->s <= '9')
		c->s++;
	return c->s > p;
}

static bool number(struct scan *c)
{
	if (*c->s == '-')
		c->s++;
	if (c->s < c->end && *c->s == '0')
		c->s++;
	else if (!digits(c))
		return bad(c, "not a value");
	if (c->s < c->end && *c->s == '.') {
		c->s++;
		if (!digits(c))
			return bad(c, "a number without digits after the point");
	}
	if (c->s < c->end && (*c->s == 'e' || *c->s == 'E')) {
		c->s++;
		if (c->s < c->end && (*c->s == '+' || *c->s == '-'))
			c->s++;
		if (!digits(c))
			return bad(c, "a number without digits in its exponent");
	}
	return true;
}

static bool word(struct scan *c, const char *w)
{
	size_t n = strlen(w);

	if ((size_t)(c->end - c->s) < n || memcmp(c->s, w, n))
		return bad(c, "not a value");
	c->s += n;
	return true;
}

static bool value(struct scan *c, int depth)
{
	char close;

	ws(c);
	if (c->s >= c->end)
		return bad(c, "a value is missing");
	switch (*c->s) {
	case '"':
		return string(c);
	case 't':
		return word(c, "true");
	case 'f':
		return word(c, "false");
	case 'n':
		return word(c, "null");
	case '{':
	case '[':
		break;
	default:
		return number(c);
	}
	if (depth >= MAX_DEPTH)
		return bad(c, "nested too deep");
	close = *c->s == '{' ? '}' : ']';
	c->s++;
	ws(c);
	if (c->s < c->end && *c->s == close) {
		c->s++;
		return true;
	}
	for (;;) {
		if (close == '}') {
			ws(c);
			if (c->s >= c->end || *c->s != '"')
				return bad(c, "a member name (a string) is missing");
			if (!string(c))
				return false;
			ws(c);
			if (c->s >= c->end || *c->s != ':')
				return bad(c, "a ':' is missing after a member name");
			c->s++;
		}
		if (!value(c, depth + 1))
			return false;
		ws(c);
		if (c->s < c->end && *c->s == ',') {
			c->s++;
			continue;
		}
		if (c->s < c->end && *c->s == close) {
			c->s++;
			return true;
		}
		return bad(c, close == '}' ? "a ',' or '}' is missing" : "a ',' or ']' is missing");
	}
}

struct json json_trim(struct json v)
{
	while (v.len && strchr(" \t\r\n", v.p[0])) {
		v.p++;
		v.len--;
	}
	while (v.len && strchr(" \t\r\n", v.p[v.len - 1]))
		v.len--;
	return v;
}

int json_check(const char *text, size_t len, char *err, size_t errlen)
{
	struct scan c = { text, text + len, NULL, NULL };
	size_t line = 1;
	const char *p;

	if (memchr(text, '\0', len)) {
		c.bad = memchr(text, '\0', len);
		c.why = "a NUL byte";
	} else if (value(&c, 0)) {
		ws(&c);
		if (c.s < c.end)
			bad(&c, "more text after the value");
	}
	if (!c.bad)
		return 0;
	for (p = text; p < c.bad; p++)
		line += *p == '\n';
	return fail(err, errlen, "line %zu: %s", line, c.why);
}

/* The text was checked: these only step over it. */
static const char *skip(const char *s, const char *end)
{
	struct scan c = { s, end, NULL, NULL };

	value(&c, 0);
	return c.s;
}

static const char *skip_ws(const char *s, const char *end)
{
	while (s < end && (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r'))
		s++;
	return s;
}

enum json_type json_type(struct json v)
{
	if (!v.len)
		return JSON_NONE;
	switch (v.p[0]) {
	case '{':
		return JSON_OBJECT;
	case '[':
		return JSON_ARRAY;
	case '"':
		return JSON_STRING;
	case 't':
	case 'f':
		return JSON_BOOL;
	case 'n':
		return JSON_NULL;
	default:
		return JSON_NUMBER;
	}
}

bool json_next(struct json container, struct json_iter *it, struct json *key, struct json *val)
{
	const char *end = container.p + container.len - 1;	/* the closing bracket */
	const char *s = it->at ? it->at : container.p + 1;

	s = skip_ws(s, end);
	if (s < end && *s == ',')
		s = skip_ws(s + 1, end);
	if (s >= end)
		return false;
	if (container.p[0] == '{') {
		key->p = s;
		s = skip(s, end);
		key->len = s - key->p;
		s = skip_ws(s, end) + 1;	/* the ':' */
		s = skip_ws(s, end);
	}
	val->p = s;
	s = skip(s, end);
	val->len = s - val->p;
	it->at = s;
	it->item_start = key && container.p[0] == '{' ? key->p : val->p;
	return true;
}

static void put_utf8(char *out, size_t *n, unsigned int cp)
{
	if (cp < 0x80) {
		out[(*n)++] = cp;
	} else if (cp < 0x800) {
		out[(*n)++] = 0xc0 | cp >> 6;
		out[(*n)++] = 0x80 | (cp & 0x3f);
	} else if (cp < 0x10000) {
		out[(*n)++] = 0xe0 | cp >> 12;
		out[(*n)++] = 0x80 | ((cp >> 6) & 0x3f);
		out[(*n)++] = 0x80 | (cp & 0x3f);
	} else {
		out[(*n)++] = 0xf0 | cp >> 18;
		out[(*n)++] = 0x80 | ((cp >> 12) & 0x3f);
		out[(*n)++] = 0x80 | ((cp >> 6) & 0x3f);
		out[(*n)++] = 0x80 | (cp & 0x3f);
	}
}

static unsigned int hexval(const char *p)
{
	unsigned int v = 0;
	int i;

	for (i = 0; i < 4; i++)
		v = v * 16 + (p[i] <= '9' ? p[i] - '0' : (p[i] | 0x20) - 'a' + 10);
	return v;
}

char *json_string(struct json v, size_t *len)
{
	const char *s = v.p + 1, *end = v.p + v.len - 1;
	char *out = xrealloc(NULL, v.len + 1, 1);
	size_t n = 0;
	unsigned int cp, lo;

	while (s < end) {
		if (*s != '\\') {
			out[n++] = *s++;
			continue;
		}
		s++;
		switch (*s) {
		case 'b': out[n++] = '\b'; break;
		case 'f': out[n++] = '\f'; break;
		case 'n': out[n++] = '\n'; break;
		case 'r': out[n++] = '\r'; break;
		case 't': out[n++] = '\t'; break;
		case 'u':
			cp = hexval(s + 1);
			s += 4;
			/* A surrogate pair is one character; a lone half becomes U+FFFD. */
			if (cp >= 0xd800 && cp < 0xdc00 && end - s > 6 && s[1] == '\\' &&
			    s[2] == 'u' && hex4(s + 3) && (lo = hexval(s + 3)) >= 0xdc00 &&
			    lo < 0xe000) {
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
				s += 6;
			} else if (cp >= 0xd800 && cp < 0xe000) {
				cp = 0xfffd;
			}
			put_utf8(out, &n, cp);
			break;
		default: out[n++] = *s; break;	/* " \ / */
		}
		s++;
	}
	out[n] = '\0';
	if (len)
		*len = n;
	return out;
}

bool json_key_is(struct json key, const char *name)
{
	size_t n = strlen(name);

	/* Names with escapes are compared decoded. */
	if (memchr(key.p, '\\', key.len)) {
		size_t len;
		char *s = json_string(key, &len);
		bool same = len == n && !memcmp(s, name, n);

		free(s);
		return same;
	}
	return key.len == n + 2 && !memcmp(key.p + 1, name, n);
}

bool json_get(struct json obj, const char *name, struct json *val)
{
	struct json_iter it = { 0 };
	struct json k, v;
	bool found = false;

	if (json_type(obj) != JSON_OBJECT)
		return false;
	/* The last of a name given twice, as Go's encoding/json takes it. */
	while (json_next(obj, &it, &k, &v))
		if (json_key_is(k, name)) {
			*val = v;
			found = true;
		}
	return found;
}

void json_put_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char ch = *s;

		if (ch == '"' || ch == '\\')
			fprintf(f, "\\%c", ch);
		else if (ch == '\n')
			fputs("\\n", f);
		else if (ch == '\t')
			fputs("\\t", f);
		else if (ch < 0x20 || ch == 0x7f)
			fprintf(f, "\\u%04x", ch);
		else
			fputc(ch, f);
	}
	fputc('"', f);
}
