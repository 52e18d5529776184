// SPDX-License-Identifier: GPL-2.0
/*
 * mr-fuzz's model of MESHREDIR_DIR_A_EXCLUDE_PORTS_FOR_UIDS after a valid
 * SET: what module/config.c keeps of each entry for GET
 * (mr_uid_ports_keep()) and how module/netlink_get.c's
 * put_uid_ports_entry() gives it back.
 *
 * The entries stay as given, in order: the module merges entries of one
 * protocol across UIDs only in the tables it matches against (TCP for
 * every connection, UDP for DNS capture alone), never in what GET shows,
 * so a UDP-only entry reads back as one, DNS capture or not. Each entry's
 * ports are sorted and merged (touching ranges too, as
 * mr_ranges_normalize()); no PORTS is every port, an empty PORTS none, and
 * GET puts PORTS even then. UIDS comes back with FIRST and LAST both, a
 * port range with LAST only when it differs from FIRST, PROTOCOLS always.
 */
#include "mr-fuzz.h"

#include <stdlib.h>

struct mr_ports_ctx {
	struct mr_up_state *up;
	int count;
};

static void mr_up_port(const struct mr_nla *a, int type, void *vctx)
{
	struct mr_ports_ctx *c = vctx;
	struct mr_up_state *up = c->up;
	struct mr_verdict dummy = { 0 };
	struct mr_tb tb;
	uint32_t first;

	(void)type;
	/* Validated by model.c already; a full store means an invalid SET. */
	if (up->nports >= MESHREDIR_MAX_UID_PORTS_RANGES)
		return;
	mr_parse(L_PORT_RANGE, a->data, a->len, &tb, &dummy);
	first = mr_get_uint(tb.a[MESHREDIR_RANGE_A_FIRST].data, 2);
	up->ports[up->nports][0] = first;
	up->ports[up->nports][1] = tb.has[MESHREDIR_RANGE_A_LAST] ?
				   mr_get_uint(tb.a[MESHREDIR_RANGE_A_LAST].data, 2) : first;
	up->nports++;
	c->count++;
}

static int mr_port_cmp(const void *a, const void *b)
{
	const uint16_t *x = a, *y = b;

	return x[0] != y[0] ? x[0] - y[0] : x[1] - y[1];
}

/* Sorted, then each range that overlaps or touches the last kept joins it. */
static int mr_ports_merge(uint16_t (*r)[2], int count)
{
	int i, n = 0;

	if (!count)
		return 0;
	qsort(r, count, sizeof(*r), mr_port_cmp);
	for (i = 1; i < count; i++) {
		if (r[i][0] <= r[n][1] + 1) {
			if (r[i][1] > r[n][1])
				r[n][1] = r[i][1];
		} else {
			n++;
			r[n][0] = r[i][0];
			r[n][1] = r[i][1];
		}
	}
	return n + 1;
}

/* One entry the module took (UIDS present, everything in bounds), as GET keeps it. */
void mr_up_record(const struct mr_tb *tb, struct mr_verdict *v)
{
	struct mr_up_state *up = &v->up;
	const struct mr_nla *u = &tb->a[MESHREDIR_UID_PORTS_A_UIDS];
	struct mr_ports_ctx c = { up, 0 };
	struct mr_verdict dummy = { 0 };
	struct mr_tb r;
	int i;

	if (up->n >= MESHREDIR_MAX_UID_PORTS)
		return;
	i = up->n++;
	mr_parse(L_ID_RANGE, u->data, u->len, &r, &dummy);
	up->e[i].first = mr_get_uint(r.a[MESHREDIR_RANGE_A_FIRST].data, 4);
	up->e[i].last = r.has[MESHREDIR_RANGE_A_LAST] ?
			mr_get_uint(r.a[MESHREDIR_RANGE_A_LAST].data, 4) : up->e[i].first;
	up->e[i].protocols = tb->has[MESHREDIR_UID_PORTS_A_PROTOCOLS] ?
			     mr_get_uint(tb->a[MESHREDIR_UID_PORTS_A_PROTOCOLS].data, 1) :
			     MESHREDIR_PROTO_TCP;
	up->e[i].off = up->nports;
	if (tb->has[MESHREDIR_UID_PORTS_A_PORTS]) {
		mr_walk(tb->a[MESHREDIR_UID_PORTS_A_PORTS].data,
			tb->a[MESHREDIR_UID_PORTS_A_PORTS].len, mr_up_port, &c);
	} else if (up->nports < MESHREDIR_MAX_UID_PORTS_RANGES) {
		up->ports[up->nports][0] = 1;
		up->ports[up->nports][1] = 65535;
		up->nports++;
		c.count = 1;
	}
	up->e[i].count = mr_ports_merge(&up->ports[up->e[i].off], c.count);
	up->nports = up->e[i].off + up->e[i].count;
}

/* GET's entries, walked in order against the model's. */
struct mr_agree_ctx {
	const struct mr_up_state *up;
	int i, port;
	char *why;
	size_t whylen;
	bool bad;
};

static void mr_agree_port(const struct mr_nla *a, int type, void *vctx)
{
	struct mr_agree_ctx *c = vctx;
	int idx = c->up->e[c->i].off + c->port;
	struct mr_verdict dummy = { 0 };
	uint32_t first, last;
	struct mr_tb tb;

	if (c->bad)
		return;
	if (type != MESHREDIR_LIST_A_ENTRY || c->port >= c->up->e[c->i].count) {
		snprintf(c->why, c->whylen, "uid-ports entry %d: more port ranges than %d", c->i,
			 c->up->e[c->i].count);
		c->bad = true;
		return;
	}
	c->port++;
	first = c->up->ports[idx][0];
	last = c->up->ports[idx][1];
	mr_parse(L_PORT_RANGE, a->data, a->len, &tb, &dummy);
	if (dummy.pol_bad || tb.count != 1 + (first != last) ||
	    !tb.has[MESHREDIR_RANGE_A_FIRST] ||
	    mr_get_uint(tb.a[MESHREDIR_RANGE_A_FIRST].data, 2) != first ||
	    tb.has[MESHREDIR_RANGE_A_LAST] != (first != last) ||
	    (first != last && mr_get_uint(tb.a[MESHREDIR_RANGE_A_LAST].data, 2) != last)) {
		snprintf(c->why, c->whylen, "uid-ports entry %d: port range %d is not %u-%u",
			 c->i, c->port - 1, first, last);
		c->bad = true;
	}
}

static void mr_agree_entry(const struct mr_nla *a, int type, void *vctx)
{
	struct mr_agree_ctx *c = vctx;
	const struct mr_up_state *up = c->up;
	struct mr_verdict dummy = { 0 };
	struct mr_tb tb, u;
	int i = c->i;

	if (c->bad)
		return;
	if (type != MESHREDIR_LIST_A_ENTRY || i >= up->n) {
		snprintf(c->why, c->whylen, "uid-ports: GET has more than %d entries", up->n);
		c->bad = true;
		return;
	}
	mr_parse(L_UP_ENTRY, a->data, a->len, &tb, &dummy);
	if (dummy.pol_bad || tb.count != 3 || !tb.has[MESHREDIR_UID_PORTS_A_PORTS] ||
	    !tb.has[MESHREDIR_UID_PORTS_A_UIDS] || !tb.has[MESHREDIR_UID_PORTS_A_PROTOCOLS]) {
		snprintf(c->why, c->whylen, "uid-ports entry %d: not PORTS, UIDS, PROTOCOLS", i);
		c->bad = true;
		return;
	}
	if (mr_get_uint(tb.a[MESHREDIR_UID_PORTS_A_PROTOCOLS].data, 1) != up->e[i].protocols) {
		snprintf(c->why, c->whylen, "uid-ports entry %d: protocols %u, expected %u", i,
			 mr_get_uint(tb.a[MESHREDIR_UID_PORTS_A_PROTOCOLS].data, 1),
			 up->e[i].protocols);
		c->bad = true;
		return;
	}
	mr_parse(L_ID_RANGE, tb.a[MESHREDIR_UID_PORTS_A_UIDS].data,
		 tb.a[MESHREDIR_UID_PORTS_A_UIDS].len, &u, &dummy);
	if (u.count != 2 || !u.has[MESHREDIR_RANGE_A_FIRST] || !u.has[MESHREDIR_RANGE_A_LAST] ||
	    mr_get_uint(u.a[MESHREDIR_RANGE_A_FIRST].data, 4) != up->e[i].first ||
	    mr_get_uint(u.a[MESHREDIR_RANGE_A_LAST].data, 4) != up->e[i].last) {
		snprintf(c->why, c->whylen, "uid-ports entry %d: uids not %u-%u", i,
			 up->e[i].first, up->e[i].last);
		c->bad = true;
		return;
	}
	c->port = 0;
	mr_walk(tb.a[MESHREDIR_UID_PORTS_A_PORTS].data, tb.a[MESHREDIR_UID_PORTS_A_PORTS].len,
		mr_agree_port, c);
	if (!c->bad && c->port != up->e[i].count) {
		snprintf(c->why, c->whylen, "uid-ports entry %d: %d port ranges, expected %d", i,
			 c->port, up->e[i].count);
		c->bad = true;
	}
	c->i++;
}

/* GET's outbound exclude-ports-for-uids against a valid SET's (none: absent). */
bool mr_up_agree(const struct mr_tb *get, const struct mr_verdict *v, char *why,
		 size_t whylen)
{
	struct mr_agree_ctx c = { &v->up, 0, 0, why, whylen, false };
	struct mr_verdict dummy = { 0 };
	const struct mr_nla *list;
	struct mr_tb dir;

	if (!get->has[MESHREDIR_A_OUTBOUND]) {
		dir.has[MESHREDIR_DIR_A_EXCLUDE_PORTS_FOR_UIDS] = false;
	} else {
		mr_parse(L_DIR_OUT, get->a[MESHREDIR_A_OUTBOUND].data,
			 get->a[MESHREDIR_A_OUTBOUND].len, &dir, &dummy);
	}
	if (!dir.has[MESHREDIR_DIR_A_EXCLUDE_PORTS_FOR_UIDS]) {
		if (v->up.n)
			snprintf(why, whylen, "uid-ports: GET lacks its %d entries", v->up.n);
		return !v->up.n;
	}
	list = &dir.a[MESHREDIR_DIR_A_EXCLUDE_PORTS_FOR_UIDS];
	mr_walk(list->data, list->len, mr_agree_entry, &c);
	if (!c.bad && c.i != v->up.n) {
		snprintf(why, whylen, "uid-ports: GET has %d entries, expected %d", c.i, v->up.n);
		return false;
	}
	return !c.bad;
}
