// SPDX-License-Identifier: GPL-2.0
/*
 * The meshredir messages, on plain buffers: the requests, and a
 * configuration to the SET that carries it. A large configuration (tens of
 * thousands of CIDRs, megabytes) goes in parts of MR_SET_PART_SIZE bytes at
 * most, which the kernel gathers and applies at the last. GET replies are
 * msg_get.c's. No socket here, so that tests/unit checks every byte.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/genetlink.h>
#include "msg.h"
#include "util.h"

void msg_free(struct msg *m)
{
	free(m->buf);
	m->buf = NULL;
	m->cap = 0;
}

static struct nlmsghdr *msg_start(struct msg *m, size_t cap, uint16_t family, uint8_t cmd)
{
	struct genlmsghdr *g;
	struct nlmsghdr *nlh;

	if (cap > m->cap) {
		m->buf = xrealloc(m->buf, cap, 1);
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

struct nlmsghdr *msg_build_cmd(struct msg *m, uint16_t family, uint8_t cmd)
{
	return msg_start(m, MNL_SOCKET_BUFFER_SIZE, family, cmd);
}

struct nlmsghdr *msg_build_dump(struct msg *m, uint16_t family, uint8_t cmd)
{
	struct nlmsghdr *nlh = msg_start(m, MNL_SOCKET_BUFFER_SIZE, family, cmd);

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
struct builder {
	struct set_parts *parts;
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
struct mark {
	uint32_t len;
	int depth;
};

static struct nlmsghdr *b_new_part(struct builder *b)
{
	struct set_parts *p = b->parts;
	struct msg *part;

	p->part = xrealloc(p->part, p->n + 1, sizeof(*part));
	part = &p->part[p->n++];
	memset(part, 0, sizeof(*part));
	return msg_start(part, b->size, b->family, MESHREDIR_CMD_SET);
}

static void b_put(struct builder *b, uint16_t type, size_t len, const void *data)
{
	if (!b->full && !mnl_attr_put_check(b->nlh, b->cap, type, len, data))
		b->full = true;
}

static void b_u8(struct builder *b, uint16_t type, uint8_t v)
{
	b_put(b, type, sizeof(v), &v);
}

static void b_u16(struct builder *b, uint16_t type, uint16_t v)
{
	b_put(b, type, sizeof(v), &v);
}

static void b_u32(struct builder *b, uint16_t type, uint32_t v)
{
	b_put(b, type, sizeof(v), &v);
}

static void b_nest(struct builder *b, uint16_t type)
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

static void b_end(struct builder *b)
{
	if (!b->full)
		mnl_attr_nest_end(b->nlh, b->open[--b->depth].a);
}

static struct mark b_mark(const struct builder *b)
{
	return (struct mark){ b->nlh->nlmsg_len, b->depth };
}

/* Closes the part, nests first (an empty one goes), and opens the next. */
static void b_next_part(struct builder *b)
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
	b->nlh = b_new_part(b);
	mnl_attr_put_u32(b->nlh, MESHREDIR_A_SET_PART, part);
	for (i = 0; i < b->depth; i++)
		b->open[i].a = mnl_attr_nest_start(b->nlh, b->open[i].type);
	b->fresh_len = b->nlh->nlmsg_len;
}

/*
 * After an entry: whether it must be written again, at the start of a new
 * part, because it did not fit this one.
 */
static bool b_retry(struct builder *b, struct mark m, const char *what)
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
	b_next_part(b);
	return true;
}

static void b_open(struct builder *b, uint16_t type, const char *what)
{
	struct mark m;

	do {
		m = b_mark(b);
		b_nest(b, type);
	} while (b_retry(b, m, what));
}

static void b_scalar(struct builder *b, uint16_t type, size_t len, const void *data,
		     const char *what)
{
	struct mark m;

	do {
		m = b_mark(b);
		b_put(b, type, len, data);
	} while (b_retry(b, m, what));
}

/* A range of ports (u16) or of IDs (u32), as the attribute wants it. */
static void b_range(struct builder *b, uint16_t type, const struct range *r, bool port)
{
	b_nest(b, type);
	if (port) {
		b_u16(b, MESHREDIR_RANGE_A_FIRST, r->first);
		b_u16(b, MESHREDIR_RANGE_A_LAST, r->last);
	} else {
		b_u32(b, MESHREDIR_RANGE_A_FIRST, r->first);
		b_u32(b, MESHREDIR_RANGE_A_LAST, r->last);
	}
	b_end(b);
}

/*
 * A list's nest, one entry at a time: an entry that does not fit is taken
 * back and written again at the start of the next part.
 */
static void b_list(struct builder *b, uint16_t type, size_t n, const char *what,
		   void (*entry)(struct builder *b, const void *list, size_t i), const void *list)
{
	struct mark m;
	size_t i;

	if (!n)
		return;
	b_open(b, type, what);
	for (i = 0; i < n; i++) {
		do {
			m = b_mark(b);
			entry(b, list, i);
		} while (b_retry(b, m, what));
	}
	b_end(b);
}

static void port_entry(struct builder *b, const void *list, size_t i)
{
	b_range(b, MESHREDIR_LIST_A_ENTRY, &((const struct range_list *)list)->v[i], true);
}

static void id_entry(struct builder *b, const void *list, size_t i)
{
	b_range(b, MESHREDIR_LIST_A_ENTRY, &((const struct range_list *)list)->v[i], false);
}

static void cidr_entry(struct builder *b, const void *list, size_t i)
{
	const struct cidr *c = &((const struct cidr_list *)list)->v[i];

	b_nest(b, MESHREDIR_LIST_A_ENTRY);
	b_u16(b, MESHREDIR_CIDR_A_FAMILY, c->family);
	b_put(b, MESHREDIR_CIDR_A_ADDR, c->family == AF_INET6 ? 16 : 4, c->addr);
	b_u8(b, MESHREDIR_CIDR_A_PREFIX_LEN, c->prefix_len);
	b_end(b);
}

static void vnet_entry(struct builder *b, const void *list, size_t i)
{
	const struct vnet *v = &((const struct vnet_list *)list)->v[i];

	b_nest(b, MESHREDIR_LIST_A_ENTRY);
	b_put(b, MESHREDIR_VNET_A_IFNAME, strlen(v->ifname) + 1, v->ifname);
	b_nest(b, MESHREDIR_VNET_A_CIDR);
	b_u16(b, MESHREDIR_CIDR_A_FAMILY, v->cidr.family);
	b_put(b, MESHREDIR_CIDR_A_ADDR, v->cidr.family == AF_INET6 ? 16 : 4, v->cidr.addr);
	b_u8(b, MESHREDIR_CIDR_A_PREFIX_LEN, v->cidr.prefix_len);
	b_end(b);
	b_end(b);
}

/* An entry is never split: its ports (1,024 ranges at most) fit a part. */
static void uid_ports_entry(struct builder *b, const void *list, size_t i)
{
	const struct uid_ports *up = &((const struct uid_ports_list *)list)->v[i];
	size_t j;

	b_nest(b, MESHREDIR_LIST_A_ENTRY);
	if (up->ports.n) {
		b_nest(b, MESHREDIR_UID_PORTS_A_PORTS);
		for (j = 0; j < up->ports.n; j++)
			b_range(b, MESHREDIR_LIST_A_ENTRY, &up->ports.v[j], true);
		b_end(b);
	}
	b_range(b, MESHREDIR_UID_PORTS_A_UIDS, &up->uids, false);
	/* Left out for TCP alone, the kernel's default. */
	if (up->protocols != MESHREDIR_PROTO_TCP)
		b_u8(b, MESHREDIR_UID_PORTS_A_PROTOCOLS, up->protocols);
	b_end(b);
}

static void b_ports(struct builder *b, uint16_t type, const struct range_list *l,
		    const char *what)
{
	b_list(b, type, l->n, what, port_entry, l);
}

static void b_dir(struct builder *b, uint16_t type, const struct dir_config *d, bool in)
{
	const char *what = in ? "inbound" : "outbound";
	struct mark m;

	b_open(b, type, what);
	do {
		m = b_mark(b);
		b_u8(b, MESHREDIR_DIR_A_ENABLED, d->enabled);
		b_u16(b, MESHREDIR_DIR_A_PORT, d->port);
	} while (b_retry(b, m, what));
	b_ports(b, MESHREDIR_DIR_A_EXCLUDE_PORTS, &d->exclude_ports,
		in ? "--exclude-inbound-ports" : "--exclude-outbound-ports");
	b_ports(b, MESHREDIR_DIR_A_INCLUDE_PORTS, &d->include_ports,
		in ? "--include-inbound-ports" : "--include-outbound-ports");
	b_list(b, MESHREDIR_DIR_A_EXCLUDE_IPS, d->exclude_ips.n,
	       in ? "--exclude-inbound-ips" : "--exclude-outbound-ips", cidr_entry,
	       &d->exclude_ips);
	/* The kernel takes these in OUTBOUND only. */
	if (!in)
		b_list(b, MESHREDIR_DIR_A_EXCLUDE_PORTS_FOR_UIDS, d->exclude_ports_for_uids.n,
		       "--exclude-outbound-ports-for-uids", uid_ports_entry,
		       &d->exclude_ports_for_uids);
	b_end(b);
}

/*
 * Whole in one part: the servers are few (MESHREDIR_MAX_DNS_SERVERS), and
 * so are Docker's addresses (MESHREDIR_MAX_DNS_DOCKER).
 * Without DNS capture, vnet's DNS port and Docker's addresses (ENABLED 0).
 */
static void b_dns(struct builder *b, const struct dns_config *d, bool vnet)
{
	const char *what = "--redirect-dns";
	struct mark m;

	if (!d->enabled && !vnet && !d->docker.n)
		return;
	b_open(b, MESHREDIR_A_DNS, what);
	if (!d->enabled) {
		do {
			m = b_mark(b);
			b_u8(b, MESHREDIR_DNS_A_ENABLED, 0);
			b_u16(b, MESHREDIR_DNS_A_PORT, d->port);
		} while (b_retry(b, m, what));
		b_list(b, MESHREDIR_DNS_A_DOCKER, d->docker.n, "Docker's DNS", cidr_entry,
		       &d->docker);
		b_end(b);
		return;
	}
	do {
		m = b_mark(b);
		b_u16(b, MESHREDIR_DNS_A_PORT, d->port);
		b_u8(b, MESHREDIR_DNS_A_CAPTURE_ALL, d->capture_all);
		b_u8(b, MESHREDIR_DNS_A_ZONE_SPLIT, dns_zone_split(d));
	} while (b_retry(b, m, what));
	b_list(b, MESHREDIR_DNS_A_SERVERS, d->servers.n, "resolv.conf", cidr_entry,
	       &d->servers);
	b_list(b, MESHREDIR_DNS_A_DOCKER, d->docker.n, "Docker's DNS", cidr_entry,
	       &d->docker);
	b_end(b);
}

void set_parts_free(struct set_parts *p)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		msg_free(&p->part[i]);
	free(p->part);
	p->part = NULL;
	p->n = 0;
}

int msg_build_set(struct set_parts *p, const struct tool_config *cfg,
		  uint16_t family, size_t size, char *err, size_t errlen)
{
	struct builder b = { .parts = p, .size = size, .family = family };
	const uint8_t one = 1;

	set_parts_free(p);
	/* The smallest part still holds the flag, a part number and an entry. */
	if (size < 256)
		size = b.size = 256;
	b.cap = size - MNL_ATTR_HDRLEN;
	b.nlh = b_new_part(&b);
	b.fresh_len = b.nlh->nlmsg_len;
	b_scalar(&b, MESHREDIR_A_IP_FAMILY_MODE, 1, &cfg->ip_family_mode, "--ip-family-mode");
	b_list(&b, MESHREDIR_A_OWNER_UIDS, cfg->owner_uids.n, "--owner-uid", id_entry,
	       &cfg->owner_uids);
	b_list(&b, MESHREDIR_A_OWNER_GIDS, cfg->owner_gids.n, "--owner-gid", id_entry,
	       &cfg->owner_gids);
	b_dir(&b, MESHREDIR_A_INBOUND, &cfg->inbound, true);
	b_dir(&b, MESHREDIR_A_OUTBOUND, &cfg->outbound, false);
	/* Left out when false, the kernel's default. */
	if (cfg->drop_invalid)
		b_scalar(&b, MESHREDIR_A_DROP_INVALID_PACKETS, 1, &one,
			 "--drop-invalid-packets");
	b_dns(&b, &cfg->dns, cfg->vnet.n);
	b_list(&b, MESHREDIR_A_VNET, cfg->vnet.n, "--vnet", vnet_entry, &cfg->vnet);
	/* Left out at the default, so that an older module takes the SET. */
	if (cfg->event_rate != MESHREDIR_DEFAULT_EVENT_RATE)
		b_scalar(&b, MESHREDIR_A_EVENT_RATE, sizeof(cfg->event_rate), &cfg->event_rate,
			 "--event-rate");
	if (b.failed) {
		snprintf(err, errlen, "%s: an entry does not fit a %zu-byte message", b.what, size);
		set_parts_free(p);
		return -1;
	}
	return 0;
}
