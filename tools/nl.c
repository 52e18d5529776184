// SPDX-License-Identifier: GPL-2.0
/*
 * libmnl glue: builds SET messages, parses GET replies and acks, and talks
 * to the kernel over a generic netlink socket. Configurations can be large
 * (tens of thousands of CIDRs, megabytes), more than one message holds: a
 * SET goes in parts of MR_SET_PART_SIZE bytes at most, which the kernel
 * gathers and applies at the last, and show reads a GET dump, one message
 * per part of the configuration, merged back into one. Replies are read
 * with a peek at their size first.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include "nl.h"

#ifndef SO_SNDBUFFORCE
#define SO_SNDBUFFORCE 32
#endif
#ifndef SO_RCVBUFFORCE
#define SO_RCVBUFFORCE 33
#endif

/*
 * Room for a GET reply (four lists of 64 KiB at most, and the counters) and
 * for the messages of a dump, which the kernel queues 32 KiB at a time.
 */
#define MR_RCVBUF (1 << 20)

void mr_msg_free(struct mr_msg *m)
{
	free(m->buf);
	m->buf = NULL;
	m->cap = 0;
}

static struct nlmsghdr *mr_msg_start(struct mr_msg *m, size_t cap, uint16_t family,
				     uint8_t cmd)
{
	struct genlmsghdr *g;
	struct nlmsghdr *nlh;
	char *buf;

	if (cap > m->cap) {
		buf = realloc(m->buf, cap);
		if (!buf) {
			fputs("meshredir: out of memory\n", stderr);
			exit(1);
		}
		m->buf = buf;
		m->cap = cap;
	}
	memset(m->buf, 0, MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(*g)));
	nlh = mnl_nlmsg_put_header(m->buf);
	nlh->nlmsg_type = family;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = MESHREDIR_GENL_VERSION;
	return nlh;
}

struct nlmsghdr *mr_nl_build_cmd(struct mr_msg *m, uint16_t family, uint8_t cmd)
{
	return mr_msg_start(m, MNL_SOCKET_BUFFER_SIZE, family, cmd);
}

struct nlmsghdr *mr_nl_build_dump(struct mr_msg *m, uint16_t family, uint8_t cmd)
{
	struct nlmsghdr *nlh = mr_msg_start(m, MNL_SOCKET_BUFFER_SIZE, family, cmd);

	nlh->nlmsg_flags |= NLM_F_DUMP;
	return nlh;
}

/* ---- building a SET ---- */

/*
 * Every put goes through here. Entries are written one at a time: one that
 * does not fit the part is taken back (full), the open nests are closed,
 * and the next part reopens them and takes the entry again. Each part keeps
 * room for the SET_MORE flag it may end with.
 */
struct mr_builder {
	struct mr_set_parts *parts;
	struct nlmsghdr *nlh;		/* the part being written */
	size_t size;			/* a part's size */
	size_t cap;			/* what its attributes may fill */
	uint16_t family;
	struct {
		uint16_t type;
		struct nlattr *a;
	} open[8];			/* the open nests, outermost first */
	int depth;
	uint32_t fresh_len;		/* a new part's length, nests reopened */
	bool full;
	bool failed;			/* an entry bigger than an empty part */
	const char *what;		/* the entry being written, for errors */
};

/* Where an entry starts: where to go back to if it does not fit. */
struct mr_mark {
	uint32_t len;
	int depth;
};

static struct nlmsghdr *mr_b_new_part(struct mr_builder *b)
{
	struct mr_set_parts *p = b->parts;
	struct mr_msg *part = realloc(p->part, (p->n + 1) * sizeof(*part));

	if (!part) {
		fputs("meshredir: out of memory\n", stderr);
		exit(1);
	}
	p->part = part;
	part = &p->part[p->n++];
	memset(part, 0, sizeof(*part));
	return mr_msg_start(part, b->size, b->family, MESHREDIR_CMD_SET);
}

static void mr_b_put(struct mr_builder *b, uint16_t type, size_t len, const void *data)
{
	if (!b->full && !mnl_attr_put_check(b->nlh, b->cap, type, len, data))
		b->full = true;
}

static void mr_b_u8(struct mr_builder *b, uint16_t type, uint8_t v)
{
	mr_b_put(b, type, sizeof(v), &v);
}

static void mr_b_u16(struct mr_builder *b, uint16_t type, uint16_t v)
{
	mr_b_put(b, type, sizeof(v), &v);
}

static void mr_b_u32(struct mr_builder *b, uint16_t type, uint32_t v)
{
	mr_b_put(b, type, sizeof(v), &v);
}

static void mr_b_nest(struct mr_builder *b, uint16_t type)
{
	struct nlattr *a;

	if (b->full)
		return;
	if (b->depth == (int)(sizeof(b->open) / sizeof(b->open[0])) ||
	    !(a = mnl_attr_nest_start_check(b->nlh, b->cap, type))) {
		b->full = true;
		return;
	}
	b->open[b->depth].type = type;
	b->open[b->depth++].a = a;
}

static void mr_b_end(struct mr_builder *b)
{
	if (!b->full)
		mnl_attr_nest_end(b->nlh, b->open[--b->depth].a);
}

static struct mr_mark mr_b_mark(const struct mr_builder *b)
{
	return (struct mr_mark){ b->nlh->nlmsg_len, b->depth };
}

/* Closes the part, nests first (an empty one goes), and opens the next. */
static void mr_b_next_part(struct mr_builder *b)
{
	uint32_t part = b->parts->n;
	int i;

	for (i = b->depth - 1; i >= 0; i--) {
		struct nlattr *a = b->open[i].a;

		if ((char *)mnl_nlmsg_get_payload_tail(b->nlh) ==
		    (char *)a + MNL_ATTR_HDRLEN)
			b->nlh->nlmsg_len = (char *)a - (char *)b->nlh;
		else
			mnl_attr_nest_end(b->nlh, a);
	}
	/* Room was kept for it: cap is size less the flag. */
	mnl_attr_put(b->nlh, MESHREDIR_A_SET_MORE, 0, NULL);
	b->nlh = mr_b_new_part(b);
	mnl_attr_put_u32(b->nlh, MESHREDIR_A_SET_PART, part);
	for (i = 0; i < b->depth; i++)
		b->open[i].a = mnl_attr_nest_start(b->nlh, b->open[i].type);
	b->fresh_len = b->nlh->nlmsg_len;
}

/*
 * After an entry: whether it must be written again, at the start of a new
 * part, because it did not fit this one.
 */
static bool mr_b_retry(struct mr_builder *b, struct mr_mark m, const char *what)
{
	if (!b->full || b->failed)
		return false;
	b->full = false;
	b->nlh->nlmsg_len = m.len;
	b->depth = m.depth;
	if (m.len == b->fresh_len) {
		b->failed = true;
		b->what = what;
		b->full = true;		/* stops everything after */
		return false;
	}
	mr_b_next_part(b);
	return true;
}

static void mr_b_open(struct mr_builder *b, uint16_t type, const char *what)
{
	struct mr_mark m;

	do {
		m = mr_b_mark(b);
		mr_b_nest(b, type);
	} while (mr_b_retry(b, m, what));
}

static void mr_b_scalar(struct mr_builder *b, uint16_t type, size_t len, const void *data,
			const char *what)
{
	struct mr_mark m;

	do {
		m = mr_b_mark(b);
		mr_b_put(b, type, len, data);
	} while (mr_b_retry(b, m, what));
}

static void mr_b_port_range(struct mr_builder *b, uint16_t type, const struct mr_port_range *r)
{
	mr_b_nest(b, type);
	mr_b_u16(b, MESHREDIR_RANGE_A_FIRST, r->first);
	mr_b_u16(b, MESHREDIR_RANGE_A_LAST, r->last);
	mr_b_end(b);
}

static void mr_b_ports(struct mr_builder *b, uint16_t type, const struct mr_port_list *l,
		       const char *what)
{
	struct mr_mark m;
	size_t i;

	if (!l->n)
		return;
	mr_b_open(b, type, what);
	for (i = 0; i < l->n; i++) {
		do {
			m = mr_b_mark(b);
			mr_b_port_range(b, MESHREDIR_LIST_A_ENTRY, &l->v[i]);
		} while (mr_b_retry(b, m, what));
	}
	mr_b_end(b);
}

static void mr_b_id_range(struct mr_builder *b, uint16_t type, const struct mr_id_range *r)
{
	mr_b_nest(b, type);
	mr_b_u32(b, MESHREDIR_RANGE_A_FIRST, r->first);
	mr_b_u32(b, MESHREDIR_RANGE_A_LAST, r->last);
	mr_b_end(b);
}

static void mr_b_ids(struct mr_builder *b, uint16_t type, const struct mr_id_list *l,
		     const char *what)
{
	struct mr_mark m;
	size_t i;

	if (!l->n)
		return;
	mr_b_open(b, type, what);
	for (i = 0; i < l->n; i++) {
		do {
			m = mr_b_mark(b);
			mr_b_id_range(b, MESHREDIR_LIST_A_ENTRY, &l->v[i]);
		} while (mr_b_retry(b, m, what));
	}
	mr_b_end(b);
}

static void mr_b_cidrs(struct mr_builder *b, uint16_t type, const struct mr_cidr_list *l,
		       const char *what)
{
	struct mr_mark m;
	size_t i;

	if (!l->n)
		return;
	mr_b_open(b, type, what);
	for (i = 0; i < l->n; i++) {
		const struct mr_cidr *c = &l->v[i];

		do {
			m = mr_b_mark(b);
			mr_b_nest(b, MESHREDIR_LIST_A_ENTRY);
			mr_b_u16(b, MESHREDIR_CIDR_A_FAMILY, c->family);
			mr_b_put(b, MESHREDIR_CIDR_A_ADDR, c->family == AF_INET6 ? 16 : 4, c->addr);
			mr_b_u8(b, MESHREDIR_CIDR_A_PREFIX_LEN, c->prefix_len);
			mr_b_end(b);
		} while (mr_b_retry(b, m, what));
	}
	mr_b_end(b);
}

/* An entry is never split: its ports (1,024 ranges at most) fit a part. */
static void mr_b_uid_ports(struct mr_builder *b, const struct mr_uid_ports_list *l)
{
	const char *what = "--exclude-outbound-ports-for-uids";
	struct mr_mark m;
	size_t i, j;

	if (!l->n)
		return;
	mr_b_open(b, MESHREDIR_DIR_A_EXCLUDE_PORTS_FOR_UIDS, what);
	for (i = 0; i < l->n; i++) {
		const struct mr_uid_ports *up = &l->v[i];

		do {
			m = mr_b_mark(b);
			mr_b_nest(b, MESHREDIR_LIST_A_ENTRY);
			if (up->ports.n) {
				mr_b_nest(b, MESHREDIR_UID_PORTS_A_PORTS);
				for (j = 0; j < up->ports.n; j++)
					mr_b_port_range(b, MESHREDIR_LIST_A_ENTRY, &up->ports.v[j]);
				mr_b_end(b);
			}
			mr_b_id_range(b, MESHREDIR_UID_PORTS_A_UIDS, &up->uids);
			mr_b_end(b);
		} while (mr_b_retry(b, m, what));
	}
	mr_b_end(b);
}

static void mr_b_dir(struct mr_builder *b, uint16_t type, const struct mr_dir_config *d,
		     bool in)
{
	const char *what = in ? "inbound" : "outbound";
	struct mr_mark m;

	mr_b_open(b, type, what);
	do {
		m = mr_b_mark(b);
		mr_b_u8(b, MESHREDIR_DIR_A_ENABLED, d->enabled);
		mr_b_u16(b, MESHREDIR_DIR_A_PORT, d->port);
	} while (mr_b_retry(b, m, what));
	mr_b_ports(b, MESHREDIR_DIR_A_EXCLUDE_PORTS, &d->exclude_ports,
		   in ? "--exclude-inbound-ports" : "--exclude-outbound-ports");
	mr_b_ports(b, MESHREDIR_DIR_A_INCLUDE_PORTS, &d->include_ports,
		   in ? "--include-inbound-ports" : "--include-outbound-ports");
	mr_b_cidrs(b, MESHREDIR_DIR_A_EXCLUDE_IPS, &d->exclude_ips,
		   in ? "--exclude-inbound-ips" : "--exclude-outbound-ips");
	/* The kernel takes these in OUTBOUND only. */
	if (!in)
		mr_b_uid_ports(b, &d->exclude_ports_for_uids);
	mr_b_end(b);
}

void mr_set_parts_free(struct mr_set_parts *p)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		mr_msg_free(&p->part[i]);
	free(p->part);
	p->part = NULL;
	p->n = 0;
}

int mr_nl_build_set(struct mr_set_parts *p, const struct mr_tool_config *cfg,
		    uint16_t family, size_t size, char *err, size_t errlen)
{
	struct mr_builder b = { .parts = p, .size = size, .family = family };
	const uint8_t one = 1;

	mr_set_parts_free(p);
	/* The smallest part still holds the flag, a part number and an entry. */
	if (size < 256)
		size = b.size = 256;
	b.cap = size - MNL_ATTR_HDRLEN;
	b.nlh = mr_b_new_part(&b);
	b.fresh_len = b.nlh->nlmsg_len;
	mr_b_scalar(&b, MESHREDIR_A_IP_FAMILY_MODE, 1, &cfg->ip_family_mode, "--ip-family-mode");
	mr_b_ids(&b, MESHREDIR_A_OWNER_UIDS, &cfg->owner_uids, "--owner-uid");
	mr_b_ids(&b, MESHREDIR_A_OWNER_GIDS, &cfg->owner_gids, "--owner-gid");
	mr_b_dir(&b, MESHREDIR_A_INBOUND, &cfg->inbound, true);
	mr_b_dir(&b, MESHREDIR_A_OUTBOUND, &cfg->outbound, false);
	/* Only when asked for: a default SET still works on older modules. */
	if (cfg->drop_invalid)
		mr_b_scalar(&b, MESHREDIR_A_DROP_INVALID_PACKETS, 1, &one,
			    "--drop-invalid-packets");
	if (b.failed) {
		snprintf(err, errlen, "%s: an entry does not fit a %zu-byte message", b.what, size);
		mr_set_parts_free(p);
		return -1;
	}
	return 0;
}

/* ---- parsing a GET reply ---- */

struct mr_parser {
	char *err;
	size_t errlen;
	bool bad;
};

static void mr_bad(struct mr_parser *p, const char *what)
{
	if (!p->bad)
		snprintf(p->err, p->errlen, "malformed reply from the kernel: %s", what);
	p->bad = true;
}

/*
 * mnl_attr_for_each_nested stops at the first attribute that doesn't fit;
 * this says whether it stopped because the nest was used up.
 */
static bool mr_nest_done(const struct nlattr *nest, const struct nlattr *stop)
{
	const char *end = (const char *)mnl_attr_get_payload(nest) + mnl_attr_get_payload_len(nest);

	return (const char *)stop >= end;
}

static bool mr_get(const struct nlattr *a, size_t size, void *out)
{
	if (mnl_attr_get_payload_len(a) != size)
		return false;
	memcpy(out, mnl_attr_get_payload(a), size);
	return true;
}

static void mr_p_range(struct mr_parser *p, const struct nlattr *nest, bool port,
		       uint32_t *first, uint32_t *last, const char *what)
{
	const struct nlattr *a;
	bool has_first = false, has_last = false;
	uint16_t v16;

	mnl_attr_for_each_nested(a, nest) {
		uint32_t *v;

		switch (mnl_attr_get_type(a)) {
		case MESHREDIR_RANGE_A_FIRST:
			v = first;
			has_first = true;
			break;
		case MESHREDIR_RANGE_A_LAST:
			v = last;
			has_last = true;
			break;
		default:
			continue;
		}
		if (port ? !mr_get(a, 2, &v16) : !mr_get(a, 4, v)) {
			mr_bad(p, what);
			return;
		}
		if (port)
			*v = v16;
	}
	if (!mr_nest_done(nest, a) || !has_first) {
		mr_bad(p, what);
		return;
	}
	if (!has_last)
		*last = *first;
	if (*first > *last)
		mr_bad(p, what);
}

static void mr_p_ports(struct mr_parser *p, const struct nlattr *list,
		       struct mr_port_list *out, const char *what)
{
	const struct nlattr *e;
	uint32_t first, last;

	mnl_attr_for_each_nested(e, list) {
		if (mnl_attr_get_type(e) != MESHREDIR_LIST_A_ENTRY)
			continue;
		mr_p_range(p, e, true, &first, &last, what);
		if (p->bad)
			return;
		mr_port_list_add(out, first, last);
	}
	if (!mr_nest_done(list, e))
		mr_bad(p, what);
}

static void mr_p_ids(struct mr_parser *p, const struct nlattr *list,
		     struct mr_id_list *out, const char *what)
{
	const struct nlattr *e;
	uint32_t first, last;

	mnl_attr_for_each_nested(e, list) {
		if (mnl_attr_get_type(e) != MESHREDIR_LIST_A_ENTRY)
			continue;
		mr_p_range(p, e, false, &first, &last, what);
		if (p->bad)
			return;
		mr_id_list_add(out, first, last);
	}
	if (!mr_nest_done(list, e))
		mr_bad(p, what);
}

static void mr_p_cidr(struct mr_parser *p, const struct nlattr *nest, struct mr_cidr *c,
		      const char *what)
{
	const struct nlattr *a, *addr = NULL;
	bool has_len = false;

	memset(c, 0, sizeof(*c));
	mnl_attr_for_each_nested(a, nest) {
		switch (mnl_attr_get_type(a)) {
		case MESHREDIR_CIDR_A_FAMILY:
			if (!mr_get(a, 2, &c->family)) {
				mr_bad(p, what);
				return;
			}
			break;
		case MESHREDIR_CIDR_A_ADDR:
			addr = a;
			break;
		case MESHREDIR_CIDR_A_PREFIX_LEN:
			if (!mr_get(a, 1, &c->prefix_len)) {
				mr_bad(p, what);
				return;
			}
			has_len = true;
			break;
		}
	}
	if (!mr_nest_done(nest, a) || !addr ||
	    (c->family != AF_INET && c->family != AF_INET6) ||
	    !mr_get(addr, c->family == AF_INET6 ? 16 : 4, c->addr)) {
		mr_bad(p, what);
		return;
	}
	if (!has_len)
		c->prefix_len = c->family == AF_INET6 ? 128 : 32;
	if (c->prefix_len > (c->family == AF_INET6 ? 128 : 32))
		mr_bad(p, what);
}

static void mr_p_cidrs(struct mr_parser *p, const struct nlattr *list,
		       struct mr_cidr_list *out, const char *what)
{
	const struct nlattr *e;
	struct mr_cidr c;

	mnl_attr_for_each_nested(e, list) {
		if (mnl_attr_get_type(e) != MESHREDIR_LIST_A_ENTRY)
			continue;
		mr_p_cidr(p, e, &c, what);
		if (p->bad)
			return;
		mr_cidr_list_add(out, &c);
	}
	if (!mr_nest_done(list, e))
		mr_bad(p, what);
}

static void mr_p_uid_ports(struct mr_parser *p, const struct nlattr *list,
			   struct mr_uid_ports_list *out)
{
	const char *what = "exclude-outbound-ports-for-uids";
	const struct nlattr *e, *a;

	mnl_attr_for_each_nested(e, list) {
		struct mr_uid_ports *up;
		bool has_uids = false;

		if (mnl_attr_get_type(e) != MESHREDIR_LIST_A_ENTRY)
			continue;
		up = mr_uid_ports_list_add(out);
		mnl_attr_for_each_nested(a, e) {
			switch (mnl_attr_get_type(a)) {
			case MESHREDIR_UID_PORTS_A_PORTS:
				mr_p_ports(p, a, &up->ports, what);
				break;
			case MESHREDIR_UID_PORTS_A_UIDS:
				mr_p_range(p, a, false, &up->uids.first, &up->uids.last, what);
				has_uids = true;
				break;
			}
			if (p->bad)
				return;
		}
		if (!mr_nest_done(e, a) || !has_uids) {
			mr_bad(p, what);
			return;
		}
		/* No PORTS means every port. */
		if (!up->ports.n)
			mr_port_list_add(&up->ports, 1, 65535);
	}
	if (!mr_nest_done(list, e))
		mr_bad(p, what);
}

static void mr_p_dir(struct mr_parser *p, const struct nlattr *nest, struct mr_dir_config *d,
		     bool in)
{
	const struct nlattr *a;
	uint8_t enabled;

	mnl_attr_for_each_nested(a, nest) {
		switch (mnl_attr_get_type(a)) {
		case MESHREDIR_DIR_A_ENABLED:
			if (!mr_get(a, 1, &enabled) || enabled > 1) {
				mr_bad(p, in ? "redirect-inbound" : "redirect-outbound");
				return;
			}
			d->enabled = enabled;
			break;
		case MESHREDIR_DIR_A_PORT:
			if (!mr_get(a, 2, &d->port)) {
				mr_bad(p, in ? "redirect-inbound-port" : "redirect-outbound-port");
				return;
			}
			break;
		case MESHREDIR_DIR_A_EXCLUDE_PORTS:
			mr_p_ports(p, a, &d->exclude_ports,
				   in ? "exclude-inbound-ports" : "exclude-outbound-ports");
			break;
		case MESHREDIR_DIR_A_INCLUDE_PORTS:
			mr_p_ports(p, a, &d->include_ports,
				   in ? "include-inbound-ports" : "include-outbound-ports");
			break;
		case MESHREDIR_DIR_A_EXCLUDE_IPS:
			mr_p_cidrs(p, a, &d->exclude_ips,
				   in ? "exclude-inbound-ips" : "exclude-outbound-ips");
			break;
		case MESHREDIR_DIR_A_EXCLUDE_PORTS_FOR_UIDS:
			mr_p_uid_ports(p, a, &d->exclude_ports_for_uids);
			break;
		}
		if (p->bad)
			return;
	}
	if (!mr_nest_done(nest, a))
		mr_bad(p, in ? "inbound" : "outbound");
}

static void mr_p_counters(struct mr_parser *p, const struct nlattr *nest,
			  struct mr_tool_config *cfg)
{
	const struct nlattr *hook, *a;
	uint64_t v;
	int h;

	cfg->has_counters = true;
	mnl_attr_for_each_nested(hook, nest) {
		switch (mnl_attr_get_type(hook)) {
		case MESHREDIR_COUNTERS_A_LOCAL_OUT:
			h = MR_CTR_LOCAL_OUT;
			break;
		case MESHREDIR_COUNTERS_A_PRE_ROUTING:
			h = MR_CTR_PRE_ROUTING;
			break;
		default:
			continue;
		}
		mnl_attr_for_each_nested(a, hook) {
			uint16_t r = mnl_attr_get_type(a);

			/* 0 is the kernel's padding for 64-bit alignment. */
			if (r == MESHREDIR_REASON_UNSPEC || r > MESHREDIR_REASON_MAX)
				continue;
			if (!mr_get(a, sizeof(v), &v)) {
				mr_bad(p, "counters");
				return;
			}
			cfg->counters[h][r] = v;
		}
		if (!mr_nest_done(hook, a)) {
			mr_bad(p, "counters");
			return;
		}
	}
	if (!mr_nest_done(nest, hook))
		mr_bad(p, "counters");
}

int mr_nl_parse_get(const struct nlmsghdr *nlh, struct mr_tool_config *cfg,
		    char *err, size_t errlen)
{
	mr_config_init(cfg);
	return mr_nl_merge_get(nlh, cfg, err, errlen);
}

int mr_nl_merge_get(const struct nlmsghdr *nlh, struct mr_tool_config *cfg,
		    char *err, size_t errlen)
{
	struct mr_parser p = { .err = err, .errlen = errlen };
	const struct nlattr *a;
	const char *end;

	if (nlh->nlmsg_len < MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(struct genlmsghdr))) {
		mr_bad(&p, "short message");
		return -1;
	}
	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		switch (mnl_attr_get_type(a)) {
		case MESHREDIR_A_IP_FAMILY_MODE:
			if (!mr_get(a, 1, &cfg->ip_family_mode))
				mr_bad(&p, "ip-family-mode");
			break;
		case MESHREDIR_A_OWNER_UIDS:
			mr_p_ids(&p, a, &cfg->owner_uids, "owner-uids");
			break;
		case MESHREDIR_A_OWNER_GIDS:
			mr_p_ids(&p, a, &cfg->owner_gids, "owner-gids");
			break;
		case MESHREDIR_A_INBOUND:
			mr_p_dir(&p, a, &cfg->inbound, true);
			break;
		case MESHREDIR_A_OUTBOUND:
			mr_p_dir(&p, a, &cfg->outbound, false);
			break;
		case MESHREDIR_A_COUNTERS:
			mr_p_counters(&p, a, cfg);
			break;
		case MESHREDIR_A_DROP_INVALID_PACKETS: {
			uint8_t v;

			if (!mr_get(a, 1, &v) || v > 1)
				mr_bad(&p, "drop-invalid-packets");
			else
				cfg->drop_invalid = v;
			break;
		}
		}
		if (p.bad)
			return -1;
	}
	end = (const char *)nlh + nlh->nlmsg_len;
	if ((const char *)a < end) {
		mr_bad(&p, "trailing bytes");
		return -1;
	}
	return 0;
}

/* ---- acks ---- */

/*
 * The extack text among the TLVs that start at offset off of nlh's payload,
 * into st->msg without its trailing newlines. An ack and a dump's
 * NLMSG_DONE carry it the same way, only at another offset.
 */
static void mr_nl_extack_msg(const struct nlmsghdr *nlh, size_t off, struct mr_nl_status *st)
{
	const struct nlattr *a;

	mnl_attr_for_each(a, nlh, off) {
		size_t len;

		if (mnl_attr_get_type(a) != NLMSGERR_ATTR_MSG)
			continue;
		len = mnl_attr_get_payload_len(a);
		if (len >= sizeof(st->msg))
			len = sizeof(st->msg) - 1;
		memcpy(st->msg, mnl_attr_get_payload(a), len);
		st->msg[len] = '\0';
		len = strlen(st->msg);
		while (len && st->msg[len - 1] == '\n')
			st->msg[--len] = '\0';
	}
}

void mr_nl_parse_ack(const struct nlmsghdr *nlh, struct mr_nl_status *st)
{
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
	size_t off = MNL_ALIGN(sizeof(*e)), payload;

	st->error = 0;
	st->msg[0] = '\0';
	if (nlh->nlmsg_len < MNL_NLMSG_HDRLEN + sizeof(*e)) {
		st->error = EBADMSG;
		return;
	}
	st->error = -e->error;
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	/* Unless capped, the request is echoed back before the TLVs. */
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED) && e->msg.nlmsg_len >= MNL_NLMSG_HDRLEN)
		off = MNL_ALIGN(sizeof(*e) - sizeof(e->msg) + e->msg.nlmsg_len);
	payload = mnl_nlmsg_get_payload_len(nlh);
	if (off >= payload)
		return;
	mr_nl_extack_msg(nlh, off, st);
}

/*
 * A dump ends with NLMSG_DONE: an int, the dump's error, and the extack
 * attributes after it when NLM_F_ACK_TLVS says so.
 */
void mr_nl_parse_done(const struct nlmsghdr *nlh, struct mr_nl_status *st)
{
	int error;

	st->error = 0;
	st->msg[0] = '\0';
	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(error))
		return;	/* old kernels may send it bare */
	memcpy(&error, mnl_nlmsg_get_payload(nlh), sizeof(error));
	st->error = -error;
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS) ||
	    mnl_nlmsg_get_payload_len(nlh) <= MNL_ALIGN(sizeof(error)))
		return;
	mr_nl_extack_msg(nlh, MNL_ALIGN(sizeof(error)), st);
}

/* ---- the socket ---- */

struct mr_nl {
	struct mnl_socket *sock;
	uint32_t portid;
	uint32_t seq;
	uint16_t family;
	char *rbuf;
	size_t rcap;
};

struct mr_nl *mr_nl_open(void)
{
	struct mr_nl *nl = calloc(1, sizeof(*nl));
	int one = 1, rcvbuf = MR_RCVBUF, fd, e;

	if (!nl)
		return NULL;
	nl->sock = mnl_socket_open(NETLINK_GENERIC);
	if (!nl->sock)
		goto fail;
	if (mnl_socket_bind(nl->sock, 0, MNL_SOCKET_AUTOPID) < 0)
		goto fail;
	nl->portid = mnl_socket_get_portid(nl->sock);
	nl->seq = time(NULL);
	/* Without these the kernel's reason is lost, or the request echoed back. */
	mnl_socket_setsockopt(nl->sock, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(nl->sock, NETLINK_CAP_ACK, &one, sizeof(one));
	/*
	 * A big GET reply is queued whole, and the ack behind it would be
	 * dropped if the reply filled the receive buffer.
	 */
	fd = mnl_socket_get_fd(nl->sock);
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	return nl;
fail:
	e = errno;
	mr_nl_close(nl);
	errno = e;
	return NULL;
}

void mr_nl_close(struct mr_nl *nl)
{
	if (!nl)
		return;
	if (nl->sock)
		mnl_socket_close(nl->sock);
	free(nl->rbuf);
	free(nl);
}

uint16_t mr_nl_family(const struct mr_nl *nl)
{
	return nl->family;
}

/*
 * Netlink refuses (EMSGSIZE) a message longer than the send buffer, whose
 * default is about 200 KiB; a SET with 10,000 CIDRs is more. Root may force
 * any size; others get what net.core.wmem_max allows.
 */
static int mr_nl_fit(int fd, size_t len)
{
	int cur, want;
	socklen_t sl = sizeof(cur);

	if (len > INT_MAX / 2)
		return -1;
	if (!getsockopt(fd, SOL_SOCKET, SO_SNDBUF, &cur, &sl) && (size_t)cur >= len + 64)
		return 0;
	want = len + 4096;
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &want, sizeof(want)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &want, sizeof(want));
	sl = sizeof(cur);
	if (getsockopt(fd, SOL_SOCKET, SO_SNDBUF, &cur, &sl) || (size_t)cur < len + 64)
		return -1;
	return 0;
}

int mr_nl_talk(struct mr_nl *nl, struct nlmsghdr *req,
	       int (*cb)(const struct nlmsghdr *nlh, void *data), void *data,
	       struct mr_nl_status *st)
{
	int fd = mnl_socket_get_fd(nl->sock);
	uint32_t seq = ++nl->seq;
	struct nlmsghdr *nlh;
	ssize_t n;
	int len;

	st->error = 0;
	st->msg[0] = '\0';
	req->nlmsg_seq = seq;
	req->nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
	if (mr_nl_fit(fd, req->nlmsg_len)) {
		st->error = EMSGSIZE;
		return -1;
	}
	if (mnl_socket_sendto(nl->sock, req, req->nlmsg_len) < 0) {
		st->error = errno;
		return -1;
	}
	for (;;) {
		n = recv(fd, NULL, 0, MSG_PEEK | MSG_TRUNC);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			st->error = errno;
			return -1;
		}
		if ((size_t)n > nl->rcap) {
			char *b = realloc(nl->rbuf, n);

			if (!b) {
				st->error = ENOMEM;
				return -1;
			}
			nl->rbuf = b;
			nl->rcap = n;
		}
		n = recv(fd, nl->rbuf, nl->rcap, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			st->error = errno;
			return -1;
		}
		len = n;
		for (nlh = (struct nlmsghdr *)nl->rbuf; mnl_nlmsg_ok(nlh, len);
		     nlh = mnl_nlmsg_next(nlh, &len)) {
			if (nlh->nlmsg_seq != seq || nlh->nlmsg_pid != nl->portid)
				continue;
			switch (nlh->nlmsg_type) {
			case NLMSG_NOOP:
				continue;
			case NLMSG_ERROR:
				mr_nl_parse_ack(nlh, st);
				return st->error ? -1 : 0;
			case NLMSG_DONE:
				mr_nl_parse_done(nlh, st);
				return st->error ? -1 : 0;
			case NLMSG_OVERRUN:
				st->error = ENOBUFS;
				return -1;
			}
			if (cb && cb(nlh, data) < 0) {
				st->error = EPROTO;
				return -1;
			}
		}
	}
}

static int mr_family_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *a;
	uint16_t *family = data;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr))
		if (mnl_attr_get_type(a) == CTRL_ATTR_FAMILY_ID &&
		    mnl_attr_get_payload_len(a) == sizeof(uint16_t))
			*family = mnl_attr_get_u16(a);
	return 0;
}

int mr_nl_resolve(struct mr_nl *nl, struct mr_nl_status *st)
{
	struct mr_msg m = { 0 };
	struct nlmsghdr *nlh;
	struct genlmsghdr *g;
	int ret;

	nlh = mr_msg_start(&m, MNL_SOCKET_BUFFER_SIZE, GENL_ID_CTRL, CTRL_CMD_GETFAMILY);
	g = mnl_nlmsg_get_payload(nlh);
	g->version = 1;
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, MESHREDIR_GENL_NAME);
	nl->family = 0;
	ret = mr_nl_talk(nl, nlh, mr_family_cb, &nl->family, st);
	mr_msg_free(&m);
	if (!ret && !nl->family) {
		st->error = EPROTO;
		return -1;
	}
	return ret;
}
