/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Spans of a checked JSON text (cni_json.c): what meshredir-cni reads of
 * its configuration and passes on unchanged.
 */
#ifndef MR_CNI_JSON_H
#define MR_CNI_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* A value: the exact text it was, quotes and brackets included. */
struct json {
	const char *p;
	size_t len;
};

enum json_type {
	JSON_NONE,
	JSON_OBJECT,
	JSON_ARRAY,
	JSON_STRING,
	JSON_NUMBER,
	JSON_BOOL,
	JSON_NULL,
};

/* Whether text is one JSON value and nothing else; "line N: why" if not. */
int json_check(const char *text, size_t len, char *err, size_t errlen);

enum json_type json_type(struct json v);

/* v without the white space around it: a checked text's one value. */
struct json json_trim(struct json v);

/* Where a walk over an object's members or an array's items is. */
struct json_iter {
	const char *at;
	const char *item_start;	/* of the item just returned: its key, for a member */
};

/*
 * The next member (key, with its quotes, and value) of an object, or item
 * (val; key is not touched) of an array, of a checked text.
 */
bool json_next(struct json container, struct json_iter *it, struct json *key, struct json *val);
/* The object's member of that name, the last one if given twice. */
bool json_get(struct json obj, const char *name, struct json *val);
bool json_key_is(struct json key, const char *name);
/* A string value decoded (UTF-8, NUL-terminated), to free(); len may be NULL. */
char *json_string(struct json v, size_t *len);
/* s as a JSON string. */
void json_put_string(FILE *f, const char *s);

#endif /* MR_CNI_JSON_H */
