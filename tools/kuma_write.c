// SPDX-License-Identifier: GPL-2.0
/*
 * Kuma's transparent-proxy configuration written with libyaml's emitter
 * from kuma.c's table of its fields: the fields meshredir has a value
 * for, in the table's order, as kuma_parse reads them back.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <yaml.h>
#include "kuma_fields.h"

struct writer {
	yaml_emitter_t e;
	bool ok;
	const struct tool_config *cfg;
	const struct kuma_extra *x;
	bool has_kuma;			/* whether kumaDPUser is written */
};

static void emit(struct writer *o, yaml_event_t *ev)
{
	/* The emitter frees the event, even when it fails. */
	if (!o->ok)
		yaml_event_delete(ev);
	else if (!yaml_emitter_emit(&o->e, ev))
		o->ok = false;
}

/* Plain for numbers and names; quoted where Kuma wants a string. */
static void put(struct writer *o, const char *s, bool quoted)
{
	yaml_event_t ev;

	yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)s, -1, !quoted, quoted,
				     quoted ? YAML_DOUBLE_QUOTED_SCALAR_STYLE :
				     YAML_PLAIN_SCALAR_STYLE);
	emit(o, &ev);
}

static void put_uint(struct writer *o, unsigned int v, bool quoted)
{
	char buf[16];

	snprintf(buf, sizeof(buf), "%u", v);
	put(o, buf, quoted);
}

static void start(struct writer *o, bool seq)
{
	yaml_event_t ev;

	if (seq)
		yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1, YAML_BLOCK_SEQUENCE_STYLE);
	else
		yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1, YAML_BLOCK_MAPPING_STYLE);
	emit(o, &ev);
}

static void end(struct writer *o, bool seq)
{
	yaml_event_t ev;

	if (seq)
		yaml_sequence_end_event_initialize(&ev);
	else
		yaml_mapping_end_event_initialize(&ev);
	emit(o, &ev);
}

/* A number alone, a range as the string "first-last". */
static void put_range(struct writer *o, const struct range *r)
{
	char buf[32];

	if (r->first == r->last) {
		put_uint(o, r->first, false);
	} else {
		snprintf(buf, sizeof(buf), "%u-%u", r->first, r->last);
		put(o, buf, true);
	}
}

/* One entry in kumactl's own syntax: PROTOCOL:PORTS|*:UID[-UID]. */
static void put_uid_ports(struct writer *o, const struct uid_ports *up)
{
	size_t i, cap = 48 + up->ports.n * 12, n = 0;
	char *buf = malloc(cap);

	if (!buf) {
		o->ok = false;
		return;
	}
	n += snprintf(buf + n, cap - n, "%s:", uid_ports_protocol(up->protocols));
	if (range_list_all_ports(&up->ports)) {
		n += snprintf(buf + n, cap - n, "*");
	} else {
		for (i = 0; i < up->ports.n; i++) {
			const struct range *r = &up->ports.v[i];

			n += snprintf(buf + n, cap - n, i ? ",%u" : "%u", r->first);
			if (r->last != r->first)
				n += snprintf(buf + n, cap - n, "-%u", r->last);
		}
	}
	n += snprintf(buf + n, cap - n, ":%u", up->uids.first);
	if (up->uids.last != up->uids.first)
		snprintf(buf + n, cap - n, "-%u", up->uids.last);
	put(o, buf, true);
	free(buf);
}

static size_t list_len(const struct field *f, const void *v)
{
	if (f->kind == K_RANGES)
		return ((const struct range_list *)v)->n;
	if (f->kind == K_CIDRS)
		return ((const struct cidr_list *)v)->n;
	if (f->kind == K_VNETS)
		return ((const struct vnet_list *)v)->n;
	return ((const struct uid_ports_list *)v)->n;
}

/*
 * Whether a field holds some of the configuration, to be written; vnet
 * only when it has networks, as Kuma leaves an empty one out.
 */
static bool written(const struct writer *o, const struct field *f, const void *parent)
{
	const void *v = at(f, o->cfg, o->x, parent);
	size_t i;

	if (f->kind == K_MAP) {
		for (i = 0; i < f->nsub; i++)
			if (written(o, &f->sub[i], v))
				return true;
		return false;
	}
	if (f->kind == K_VNETS)
		return list_len(f, v) > 0;
	return f->kind < K_OPTION;
}

static void put_entry(struct writer *o, const struct field *f, const void *v, size_t i)
{
	char buf[INET6_ADDRSTRLEN + 8], vbuf[INET6_ADDRSTRLEN + 24];

	if (f->kind == K_RANGES) {
		put_range(o, &((const struct range_list *)v)->v[i]);
	} else if (f->kind == K_CIDRS) {
		cidr_format(&((const struct cidr_list *)v)->v[i], buf, sizeof(buf));
		put(o, buf, true);
	} else if (f->kind == K_VNETS) {
		vnet_format(&((const struct vnet_list *)v)->v[i], vbuf, sizeof(vbuf));
		put(o, vbuf, true);
	} else {
		put_uid_ports(o, &((const struct uid_ports_list *)v)->v[i]);
	}
}

static void write_fields(struct writer *o, const struct field *fields, size_t n,
			 const void *parent)
{
	const struct field *f;
	char buf[32];
	const void *v;
	size_t i;

	for (f = fields; f < fields + n; f++) {
		if (!written(o, f, parent) || (f->kind == K_USER && !o->has_kuma))
			continue;
		v = at(f, o->cfg, o->x, parent);
		put(o, f->key, false);
		switch (f->kind) {
		case K_MAP:
			start(o, false);
			write_fields(o, f->sub, f->nsub, v);
			end(o, false);
			break;
		case K_BOOL:
			put(o, *(const bool *)v ? "true" : "false", false);
			break;
		case K_NOT_BOOL:
			put(o, *(const bool *)v ? "false" : "true", false);
			break;
		case K_PORT:
			put_uint(o, *(const uint16_t *)v, false);
			break;
		case K_USER:
			put_uint(o, *(const uint32_t *)v, true);
			break;
		case K_EVENT_RATE:
			put_uint(o, *(const uint32_t *)v, false);
			break;
		case K_FAMILY:
			/* A newer kernel's mode as unknown-N: apply refuses it by name. */
			put(o, ip_family_name(*(const uint8_t *)v, buf, sizeof(buf)), false);
			break;
		default:
			start(o, true);
			for (i = 0; i < list_len(f, v); i++)
				put_entry(o, f, v, i);
			end(o, true);
			break;
		}
	}
}

/*
 * The kernel keeps one owner UID list; Kuma has one user. The default
 * 5678 is kumaDPUser whenever it is an owner, else the lowest owner UID;
 * every other owner goes to meshredir.ownerUIDs. false if there is no
 * owner UID at all, which a file cannot say (kumaDPUser always is one).
 */
static bool split_owners(const struct range_list *owners, uint32_t *kuma,
			 struct range_list *others)
{
	size_t i;

	if (!owners->n)
		return false;
	*kuma = owners->v[0].first;
	for (i = 0; i < owners->n; i++)
		if (owners->v[i].first <= MR_DEFAULT_KUMA_DP_UID &&
		    MR_DEFAULT_KUMA_DP_UID <= owners->v[i].last)
			*kuma = MR_DEFAULT_KUMA_DP_UID;
	range_list_without(owners, *kuma, others);
	return true;
}

void kuma_write(FILE *f, const struct tool_config *cfg)
{
	struct tool_config w = *cfg;	/* with the owners Kuma's user is not */
	struct kuma_extra x;
	struct writer o = { .ok = true, .cfg = &w, .x = &x };
	yaml_event_t ev;

	kuma_extra_init(&x);
	w.owner_uids = (struct range_list){ 0 };
	o.has_kuma = split_owners(&cfg->owner_uids, &x.kuma_dp_uid, &w.owner_uids);
	fputs("# meshredir's configuration, in Kuma's transparent-proxy format: `meshredir\n"
	      "# apply` and `kumactl install transparent-proxy --config-file` read it.\n", f);
	if (!o.has_kuma)
		fputs("# The namespace has no owner UID, which this format cannot say: apply\n"
		      "# makes kumaDPUser (5678 by default) one.\n", f);
	if (!yaml_emitter_initialize(&o.e)) {
		fputs("# meshredir: cannot start the YAML emitter: out of memory\n", f);
		free(w.owner_uids.v);
		return;
	}
	yaml_emitter_set_output_file(&o.e, f);
	yaml_emitter_set_unicode(&o.e, 1);
	yaml_emitter_set_width(&o.e, -1);
	yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING);
	emit(&o, &ev);
	yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 1);
	emit(&o, &ev);
	start(&o, false);
	write_fields(&o, kuma_root_fields, kuma_root_nfields, NULL);
	end(&o, false);
	yaml_document_end_event_initialize(&ev, 1);
	emit(&o, &ev);
	yaml_stream_end_event_initialize(&ev);
	emit(&o, &ev);
	if (!o.ok || !yaml_emitter_flush(&o.e))
		fprintf(f, "\n# meshredir: the YAML emitter failed: %s\n",
			o.e.problem ? o.e.problem : "cannot write");
	yaml_emitter_delete(&o.e);
	free(w.owner_uids.v);
}
