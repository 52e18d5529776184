// SPDX-License-Identifier: GPL-2.0
/*
 * GET: a reply sized once, or, for a configuration too big for one
 * message, a dump over several from one configuration held by reference.
 */

#include <linux/in.h>
#include <linux/in6.h>
#include <linux/socket.h>
#include <net/genetlink.h>
#include <net/netlink.h>
#include <net/sock.h>
#include "config.h"
#include "netlink.h"
#include "netns.h"

/*
 * GET, as one reply or as a dump: the same walk over the configuration's
 * lists, which a dump interrupts where a message is full and resumes in
 * the next, inside the same nests, from a cursor.
 */
enum section_kind {
	MR_K_DIR,		/* a direction's ENABLED and PORT */
	MR_K_IDS,
	MR_K_PORTS,
	MR_K_IPS4,
	MR_K_IPS6,
	MR_K_UID_PORTS,
};

struct section {
	u16 top;		/* MESHREDIR_A_* */
	u16 list;		/* MESHREDIR_DIR_A_* inside it, 0: top is the list */
	u8 kind;
	bool outbound;
};

static const struct section sections[] = {
	{ MESHREDIR_A_OWNER_UIDS, 0, MR_K_IDS },
	{ MESHREDIR_A_OWNER_GIDS, 0, MR_K_IDS },
	{ MESHREDIR_A_INBOUND, 0, MR_K_DIR },
	{ MESHREDIR_A_INBOUND, MESHREDIR_DIR_A_EXCLUDE_PORTS, MR_K_PORTS },
	{ MESHREDIR_A_INBOUND, MESHREDIR_DIR_A_INCLUDE_PORTS, MR_K_PORTS },
	{ MESHREDIR_A_INBOUND, MESHREDIR_DIR_A_EXCLUDE_IPS, MR_K_IPS4 },
	{ MESHREDIR_A_INBOUND, MESHREDIR_DIR_A_EXCLUDE_IPS, MR_K_IPS6 },
	{ MESHREDIR_A_OUTBOUND, 0, MR_K_DIR, true },
	{ MESHREDIR_A_OUTBOUND, MESHREDIR_DIR_A_EXCLUDE_PORTS, MR_K_PORTS, true },
	{ MESHREDIR_A_OUTBOUND, MESHREDIR_DIR_A_INCLUDE_PORTS, MR_K_PORTS, true },
	{ MESHREDIR_A_OUTBOUND, MESHREDIR_DIR_A_EXCLUDE_IPS, MR_K_IPS4, true },
	{ MESHREDIR_A_OUTBOUND, MESHREDIR_DIR_A_EXCLUDE_IPS, MR_K_IPS6, true },
	{ MESHREDIR_A_OUTBOUND, MESHREDIR_DIR_A_EXCLUDE_PORTS_FOR_UIDS, MR_K_UID_PORTS, true },
};

/* Where a walk stands: the next entry to put. */
struct cursor {
	u32 section;
	u32 index;
	bool mid;		/* CIDRs: inside range[index], from cur */
	struct mr_key cur;
};

struct list_walk {
	struct sk_buff *skb;
	const struct mr_config *cfg;
	struct cursor *c;
	bool dir_heads;		/* MR_K_DIR sections too (a dump puts them first) */
	struct nlattr *top, *list;
	u16 top_type, list_type;
	bool too_big;		/* a nest past nla_len's 64 KiB */
};

static const void *section_data(const struct mr_config *cfg, const struct section *s)
{
	const struct mr_dir *dir = s->outbound ? &cfg->outbound : &cfg->inbound;

	switch (s->kind) {
	case MR_K_DIR:
		return dir;
	case MR_K_IDS:
		return s->top == MESHREDIR_A_OWNER_UIDS ? cfg->owner_uids : cfg->owner_gids;
	case MR_K_PORTS:
		return s->list == MESHREDIR_DIR_A_EXCLUDE_PORTS ? dir->exclude_ports :
								 dir->include_ports;
	case MR_K_IPS4:
		return dir->exclude_ips4;
	case MR_K_IPS6:
		return dir->exclude_ips6;
	default:
		return cfg->uid_ports_given;
	}
}

/* Ends a nest; one left empty by a full message goes. */
static void close_nest(struct list_walk *w, struct nlattr **nest)
{
	unsigned char *tail = skb_tail_pointer(w->skb);

	if (!*nest)
		return;
	if (tail == (unsigned char *)nla_data(*nest))
		nla_nest_cancel(w->skb, *nest);
	else if (tail - (unsigned char *)*nest > U16_MAX)
		w->too_big = true;	/* nla_nest_end() would truncate nla_len */
	else
		nla_nest_end(w->skb, *nest);
	*nest = NULL;
}

static int put_range(struct sk_buff *skb, int type, const struct mr_range *r, bool port)
{
	struct nlattr *entry = nla_nest_start(skb, type);
	u32 first = r->first.lo, last = r->last.lo;
	bool err;

	if (!entry)
		return -EMSGSIZE;
	/* LAST only when it differs, as a SET may say it: a GET is no bigger. */
	if (port)
		err = nla_put_u16(skb, MESHREDIR_RANGE_A_FIRST, first) ||
		      (last != first && nla_put_u16(skb, MESHREDIR_RANGE_A_LAST, last));
	else
		err = nla_put_u32(skb, MESHREDIR_RANGE_A_FIRST, first) ||
		      (last != first && nla_put_u32(skb, MESHREDIR_RANGE_A_LAST, last));
	if (err) {
		nla_nest_cancel(skb, entry);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, entry);
	return 0;
}

static int put_set(struct sk_buff *skb, const struct mr_set *set, bool port,
		   struct cursor *c)
{
	for (; c->index < set->count; c->index++)
		if (put_range(skb, MESHREDIR_LIST_A_ENTRY, &set->range[c->index], port))
			return -EMSGSIZE;
	return 0;
}

/* One CIDR, nested as type: a list's entry, or a vnet entry's cidr. */
int mr_nl_put_cidr(struct sk_buff *skb, int type, struct mr_key addr,
		   unsigned int prefix_len, bool ipv6)
{
	struct nlattr *entry = nla_nest_start(skb, type);
	__be64 a6[2];

	if (!entry)
		return -EMSGSIZE;
	if (ipv6) {
		a6[0] = cpu_to_be64(addr.hi);
		a6[1] = cpu_to_be64(addr.lo);
	}
	if (nla_put_u16(skb, MESHREDIR_CIDR_A_FAMILY, ipv6 ? AF_INET6 : AF_INET) ||
	    (ipv6 ? nla_put(skb, MESHREDIR_CIDR_A_ADDR, sizeof(a6), a6) :
		    nla_put_in_addr(skb, MESHREDIR_CIDR_A_ADDR, cpu_to_be32(addr.lo))) ||
	    nla_put_u8(skb, MESHREDIR_CIDR_A_PREFIX_LEN, prefix_len)) {
		nla_nest_cancel(skb, entry);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, entry);
	return 0;
}

/* Each merged range goes back out as the fewest CIDRs that cover it. */
static int put_cidr_set(struct sk_buff *skb, const struct mr_set *set, bool ipv6,
			struct cursor *c)
{
	unsigned int bits = ipv6 ? 128 : 32;

	for (; c->index < set->count; c->index++, c->mid = false) {
		struct mr_key cur = c->mid ? c->cur : set->range[c->index].first;
		struct mr_key last = set->range[c->index].last;

		for (;;) {
			unsigned int prefix_len = mr_cidr_fit(cur, last, bits);
			struct mr_range r = mr_cidr_range(cur, prefix_len, bits);

			if (mr_nl_put_cidr(skb, MESHREDIR_LIST_A_ENTRY, cur, prefix_len, ipv6)) {
				c->mid = true;
				c->cur = cur;
				return -EMSGSIZE;
			}
			if (mr_key_eq(r.last, last))
				break;
			cur = mr_key_inc(r.last);
		}
	}
	return 0;
}

static int put_uid_ports_entry(struct sk_buff *skb, const struct mr_uid_ports_entry *e)
{
	struct nlattr *entry, *ports, *uids;
	u32 i;

	entry = nla_nest_start(skb, MESHREDIR_LIST_A_ENTRY);
	if (!entry)
		return -EMSGSIZE;
	/*
	 * Even empty (SET with an empty PORTS list: no port excluded): left
	 * out, PORTS would read back as "every port" in a SET.
	 */
	ports = nla_nest_start(skb, MESHREDIR_UID_PORTS_A_PORTS);
	if (!ports)
		goto cancel;
	for (i = 0; e->ports && i < e->ports->count; i++)
		if (put_range(skb, MESHREDIR_LIST_A_ENTRY, &e->ports->range[i], true))
			goto cancel;
	nla_nest_end(skb, ports);
	uids = nla_nest_start(skb, MESHREDIR_UID_PORTS_A_UIDS);
	if (!uids ||
	    nla_put_u32(skb, MESHREDIR_RANGE_A_FIRST, e->uids.first.lo) ||
	    nla_put_u32(skb, MESHREDIR_RANGE_A_LAST, e->uids.last.lo))
		goto cancel;
	nla_nest_end(skb, uids);
	if (nla_put_u8(skb, MESHREDIR_UID_PORTS_A_PROTOCOLS, e->protocols))
		goto cancel;
	nla_nest_end(skb, entry);
	return 0;
cancel:
	nla_nest_cancel(skb, entry);
	return -EMSGSIZE;
}

/* The largest exclude-outbound-ports-for-uids entry: a dump never splits one. */
static size_t uid_ports_entry_max(const struct mr_uid_ports *up)
{
	size_t max = 0, size;
	u32 i;

	for (i = 0; up && i < up->count; i++) {
		size = 3 * nla_total_size(0) + 2 * nla_total_size(sizeof(u32)) +
		       nla_total_size(sizeof(u8));
		if (up->entry[i].ports)
			size += up->entry[i].ports->count *
				(nla_total_size(0) + 2 * nla_total_size(sizeof(u16)));
		max = max(max, size);
	}
	return max;
}

/*
 * Puts sections from the cursor on until the configuration ends (0) or
 * the message is full (-EMSGSIZE, the cursor at the first entry left out).
 */
static int put_lists(struct list_walk *w)
{
	struct cursor *c = w->c;
	int err = 0;

	for (; c->section < ARRAY_SIZE(sections); c->section++, c->index = 0, c->mid = false) {
		const struct section *s = &sections[c->section];
		const void *data = section_data(w->cfg, s);
		const struct mr_dir *dir = data;

		if (s->kind == MR_K_DIR ? !w->dir_heads : !data)
			continue;
		if (!w->top || w->top_type != s->top) {
			close_nest(w, &w->list);
			close_nest(w, &w->top);
			w->top = nla_nest_start(w->skb, s->top);
			w->top_type = s->top;
		}
		if (w->top && s->list && (!w->list || w->list_type != s->list)) {
			close_nest(w, &w->list);
			w->list = nla_nest_start(w->skb, s->list);
			w->list_type = s->list;
			if (!w->list)
				err = -EMSGSIZE;
		}
		if (!w->top || err) {
			err = -EMSGSIZE;
			break;
		}
		switch (s->kind) {
		case MR_K_DIR:
			if (nla_put_u8(w->skb, MESHREDIR_DIR_A_ENABLED, dir->enabled) ||
			    nla_put_u16(w->skb, MESHREDIR_DIR_A_PORT, dir->port))
				err = -EMSGSIZE;
			break;
		case MR_K_IDS:
		case MR_K_PORTS:
			err = put_set(w->skb, data, s->kind == MR_K_PORTS, c);
			break;
		case MR_K_IPS4:
		case MR_K_IPS6:
			err = put_cidr_set(w->skb, data, s->kind == MR_K_IPS6, c);
			break;
		case MR_K_UID_PORTS: {
			const struct mr_uid_ports *up = data;

			for (; !err && c->index < up->count; c->index++)
				err = put_uid_ports_entry(w->skb, &up->entry[c->index]);
			if (err)
				c->index--;
			break;
		}
		}
		if (err)
			break;
	}
	close_nest(w, &w->list);
	close_nest(w, &w->top);
	return err;
}

static bool has_docker(const struct mr_dns *dns)
{
	return dns->docker4 || dns->docker6;
}

/* Docker's embedded DNS addresses, with DNS capture or without. */
static int put_docker(struct sk_buff *skb, const struct mr_dns *dns)
{
	struct cursor c = {};
	struct nlattr *list;

	if (!has_docker(dns))
		return 0;
	list = nla_nest_start(skb, MESHREDIR_DNS_A_DOCKER);
	if (!list ||
	    (dns->docker4 && put_cidr_set(skb, dns->docker4, false, &c)))
		return -EMSGSIZE;
	c = (struct cursor){};
	if (dns->docker6 && put_cidr_set(skb, dns->docker6, true, &c))
		return -EMSGSIZE;
	nla_nest_end(skb, list);
	return 0;
}

/*
 * DNS capture, whole: its server list is small enough for any message.
 * Without it, vnet's DNS port and Docker's addresses still are, said with
 * ENABLED 0.
 */
static int put_dns(struct sk_buff *skb, const struct mr_dns *dns, bool vnet)
{
	struct cursor c = {};
	struct nlattr *nest, *list;

	if (!dns->enabled && !vnet && !has_docker(dns))
		return 0;
	nest = nla_nest_start(skb, MESHREDIR_A_DNS);
	if (!nest)
		return -EMSGSIZE;
	if (!dns->enabled) {
		if (nla_put_u8(skb, MESHREDIR_DNS_A_ENABLED, 0) ||
		    nla_put_u16(skb, MESHREDIR_DNS_A_PORT, dns->port) ||
		    put_docker(skb, dns))
			goto cancel;
		nla_nest_end(skb, nest);
		return 0;
	}
	if (nla_put_u16(skb, MESHREDIR_DNS_A_PORT, dns->port) ||
	    nla_put_u8(skb, MESHREDIR_DNS_A_CAPTURE_ALL, dns->capture_all) ||
	    nla_put_u8(skb, MESHREDIR_DNS_A_ZONE_SPLIT, dns->zone_split))
		goto cancel;
	if (dns->servers4 || dns->servers6) {
		list = nla_nest_start(skb, MESHREDIR_DNS_A_SERVERS);
		if (!list ||
		    (dns->servers4 && put_cidr_set(skb, dns->servers4, false, &c)))
			goto cancel;
		c = (struct cursor){};
		if (dns->servers6 && put_cidr_set(skb, dns->servers6, true, &c))
			goto cancel;
		nla_nest_end(skb, list);
	}
	if (put_docker(skb, dns))
		goto cancel;
	nla_nest_end(skb, nest);
	return 0;
cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

static int put_events(struct sk_buff *skb, const struct mr_config *cfg,
		      const struct mr_counters *c)
{
	if (nla_put_u32(skb, MESHREDIR_A_EVENT_RATE, cfg->event_rate) ||
	    nla_put_u64_64bit(skb, MESHREDIR_A_EVENTS_DROPPED, c->events_dropped,
			      MESHREDIR_A_UNSPEC))
		return -EMSGSIZE;
	return 0;
}

static int put_counters(struct sk_buff *skb, const struct mr_counters *c)
{
	static const int hook_attr[MR_HOOK_COUNT] = {
		[MR_HOOK_LOCAL_OUT] = MESHREDIR_COUNTERS_A_LOCAL_OUT,
		[MR_HOOK_PRE_ROUTING] = MESHREDIR_COUNTERS_A_PRE_ROUTING,
	};
	struct nlattr *all, *hook;
	int h, r;

	all = nla_nest_start(skb, MESHREDIR_A_COUNTERS);
	if (!all)
		return -EMSGSIZE;
	for (h = 0; h < MR_HOOK_COUNT; h++) {
		hook = nla_nest_start(skb, hook_attr[h]);
		if (!hook)
			return -EMSGSIZE;
		for (r = MESHREDIR_REASON_UNSPEC + 1; r < __MESHREDIR_REASON_MAX; r++)
			if (nla_put_u64_64bit(skb, r, c->n[h][r], MESHREDIR_REASON_UNSPEC))
				return -EMSGSIZE;
		nla_nest_end(skb, hook);
	}
	nla_nest_end(skb, all);
	return 0;
}

/*
 * What fill() puts, counted as it puts it, so that a GET reply is
 * allocated once. A count past a nest's 64 KiB stops there: such a
 * configuration does not fit one message anyway.
 */
static size_t range_size(const struct mr_range *r, bool port)
{
	size_t one = nla_total_size(port ? sizeof(u16) : sizeof(u32));

	return nla_total_size(0) + one + (r->first.lo != r->last.lo ? one : 0);
}

static size_t set_size(const struct mr_set *set, bool port)
{
	size_t size = 0;
	u32 i;

	for (i = 0; set && i < set->count && size <= U16_MAX; i++)
		size += range_size(&set->range[i], port);
	return size;
}

static size_t cidr_set_size(const struct mr_set *set, bool ipv6)
{
	unsigned int bits = ipv6 ? 128 : 32;
	size_t entry = nla_total_size(0) + nla_total_size(sizeof(u16)) +
		       nla_total_size(ipv6 ? sizeof(struct in6_addr) : sizeof(struct in_addr)) +
		       nla_total_size(sizeof(u8));
	size_t size = 0;
	u32 i;

	for (i = 0; set && i < set->count && size <= U16_MAX; i++) {
		struct mr_key cur = set->range[i].first, last = set->range[i].last;

		for (;;) {
			struct mr_range r = mr_cidr_range(cur, mr_cidr_fit(cur, last, bits), bits);

			size += entry;
			if (mr_key_eq(r.last, last) || size > U16_MAX)
				break;
			cur = mr_key_inc(r.last);
		}
	}
	return size;
}

static size_t uid_ports_size(const struct mr_uid_ports *up)
{
	size_t size = 0;
	u32 i;

	for (i = 0; up && i < up->count && size <= U16_MAX; i++)
		size += 3 * nla_total_size(0) + 2 * nla_total_size(sizeof(u32)) +
			nla_total_size(sizeof(u8)) +
			set_size(up->entry[i].ports, true);
	return size;
}

/* A list's nest and entries; nothing for an absent (empty) list. */
static size_t list_size(bool present, size_t entries)
{
	return present ? nla_total_size(entries) : 0;
}

static size_t dir_size(const struct mr_dir *dir, const struct mr_uid_ports *up)
{
	return nla_total_size(nla_total_size(sizeof(u8)) + nla_total_size(sizeof(u16)) +
		list_size(dir->exclude_ports, set_size(dir->exclude_ports, true)) +
		list_size(dir->include_ports, set_size(dir->include_ports, true)) +
		list_size(dir->exclude_ips4 || dir->exclude_ips6,
			  cidr_set_size(dir->exclude_ips4, false) +
			     cidr_set_size(dir->exclude_ips6, true)) +
		list_size(up, uid_ports_size(up)));
}

static size_t counters_size(void)
{
	return nla_total_size(MR_HOOK_COUNT *
		nla_total_size((__MESHREDIR_REASON_MAX - 1) * nla_total_size_64bit(sizeof(u64))));
}

static size_t dns_size(const struct mr_dns *dns, bool vnet)
{
	size_t docker = list_size(has_docker(dns),
				  cidr_set_size(dns->docker4, false) +
				  cidr_set_size(dns->docker6, true));

	if (!dns->enabled)
		return vnet || docker ?
		       nla_total_size(nla_total_size(sizeof(u8)) +
				      nla_total_size(sizeof(u16)) + docker) : 0;
	return nla_total_size(nla_total_size(sizeof(u16)) +
			      2 * nla_total_size(sizeof(u8)) +
			      list_size(dns->servers4 || dns->servers6,
					cidr_set_size(dns->servers4, false) +
					cidr_set_size(dns->servers6, true)) +
			      docker);
}

/* A GET reply's attributes, or 0 if a nest would pass nla_len's 64 KiB. */
static size_t reply_size(const struct mr_config *cfg)
{
	size_t nests[] = {
		list_size(cfg->owner_uids, set_size(cfg->owner_uids, false)),
		list_size(cfg->owner_gids, set_size(cfg->owner_gids, false)),
		dir_size(&cfg->inbound, NULL),
		dir_size(&cfg->outbound, cfg->uid_ports_given),
	};
	size_t size = 2 * nla_total_size(sizeof(u8)) + counters_size() +
		      dns_size(&cfg->dns, cfg->vnet) + mr_nl_vnet_size(cfg->vnet) +
		      nla_total_size(sizeof(u32)) + nla_total_size_64bit(sizeof(u64));
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(nests); i++) {
		if (nests[i] > U16_MAX)
			return 0;
		size += nests[i];
	}
	return size;
}

/* The whole configuration in one message; -E2BIG if a nest cannot hold its part. */
static int fill(struct sk_buff *skb, struct genl_info *info,
		const struct mr_config *cfg, const struct mr_counters *counters)
{
	void *hdr = genlmsg_put_reply(skb, info, &mr_genl_family, 0,
				      MESHREDIR_CMD_GET);
	struct cursor c = {};
	struct list_walk w = { .skb = skb, .cfg = cfg, .c = &c, .dir_heads = true };
	int err;

	if (!hdr || nla_put_u8(skb, MESHREDIR_A_IP_FAMILY_MODE, cfg->ip_family_mode))
		return -EMSGSIZE;
	err = put_lists(&w);
	if (w.too_big)
		return -E2BIG;
	if (err ||
	    nla_put_u8(skb, MESHREDIR_A_DROP_INVALID_PACKETS, cfg->drop_invalid) ||
	    put_dns(skb, &cfg->dns, cfg->vnet) ||
	    mr_nl_vnet_put(skb, cfg->vnet) ||
	    put_counters(skb, counters) ||
	    put_events(skb, cfg, counters))
		return -EMSGSIZE;
	genlmsg_end(skb, hdr);
	return 0;
}

int mr_nl_get(struct sk_buff *skb, struct genl_info *info)
{
	struct mr_net *mn = mr_net(genl_info_net(info));
	struct mr_counters *counters;
	struct mr_config *cfg;
	struct sk_buff *msg;
	size_t size;
	int err;

	counters = kmalloc(sizeof(*counters), GFP_KERNEL_ACCOUNT);
	if (!counters)
		return -ENOMEM;
	/* A reference, not the mutex: a big reply is built without blocking SET. */
	cfg = mr_net_config_get(mn, counters);
	if (!cfg) {
		NL_SET_ERR_MSG(info->extack, "not configured in this network namespace");
		kfree(counters);
		return -ENOENT;
	}
	size = reply_size(cfg);
	if (!size) {
		NL_SET_ERR_MSG(info->extack,
			       "the configuration is too large for one message: dump it (NLM_F_DUMP), as meshredir show does");
		err = -EMSGSIZE;
		goto out;
	}
	/* Up to four nests of 64 KiB: contiguous memory a busy host may lack. */
	msg = genlmsg_new(size, GFP_KERNEL | __GFP_NOWARN);
	if (!msg) {
		NL_SET_ERR_MSG(info->extack,
			       "no memory for a reply this large: dump the configuration (NLM_F_DUMP), as meshredir show does");
		err = -ENOMEM;
		goto out;
	}
	err = fill(msg, info, cfg, counters);
	/* reply_size() counts what fill() puts: a miss is a bug. */
	if (WARN_ON_ONCE(err)) {
		nlmsg_free(msg);
		err = -EMSGSIZE;
		goto out;
	}
	err = genlmsg_reply(msg, info);
out:
	mr_config_put(cfg);
	kfree(counters);
	return err;
}

/* A GET dump: one configuration, held from start to done. */
struct get_dump {
	struct mr_config *cfg;
	struct mr_counters counters;
	struct cursor c;
	bool head_done;
};

int mr_nl_get_start(struct netlink_callback *cb)
{
	struct mr_net *mn = mr_net(sock_net(cb->skb->sk));
	struct get_dump *d = kzalloc(sizeof(*d), GFP_KERNEL_ACCOUNT);
	size_t need;

	if (!d)
		return -ENOMEM;
	d->cfg = mr_net_config_get(mn, &d->counters);
	if (!d->cfg) {
		NL_SET_ERR_MSG(cb->extack, "not configured in this network namespace");
		kfree(d);
		return -ENOENT;
	}
	/*
	 * Room for the largest entry, with the headers and nests around it,
	 * and for the first message, which holds DNS and vnet whole.
	 */
	need = max(uid_ports_entry_max(d->cfg->uid_ports_given),
		   dns_size(&d->cfg->dns, d->cfg->vnet) + mr_nl_vnet_size(d->cfg->vnet) +
		   counters_size()) + 256;
	if (need > NLMSG_GOODSIZE)
		cb->min_dump_alloc = need;
	cb->args[0] = (long)d;
	return 0;
}

int mr_nl_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct get_dump *d = (struct get_dump *)cb->args[0];
	const struct mr_config *cfg = d->cfg;
	struct list_walk w = { .skb = skb, .cfg = cfg, .c = &d->c };
	struct nlattr *nest;
	unsigned int empty;
	void *hdr;
	int err, i;

	if (d->head_done && d->c.section >= ARRAY_SIZE(sections))
		return 0;
	hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			  &mr_genl_family, NLM_F_MULTI, MESHREDIR_CMD_GET);
	if (!hdr)
		return -EMSGSIZE;
	if (!d->head_done) {
		/* The first message: every scalar and the counters, no list. */
		if (nla_put_u8(skb, MESHREDIR_A_IP_FAMILY_MODE, cfg->ip_family_mode))
			goto cancel;
		for (i = 0; i < 2; i++) {
			const struct mr_dir *dir = i ? &cfg->outbound : &cfg->inbound;

			nest = nla_nest_start(skb, i ? MESHREDIR_A_OUTBOUND : MESHREDIR_A_INBOUND);
			if (!nest ||
			    nla_put_u8(skb, MESHREDIR_DIR_A_ENABLED, dir->enabled) ||
			    nla_put_u16(skb, MESHREDIR_DIR_A_PORT, dir->port))
				goto cancel;
			nla_nest_end(skb, nest);
		}
		if (nla_put_u8(skb, MESHREDIR_A_DROP_INVALID_PACKETS, cfg->drop_invalid) ||
		    put_dns(skb, &cfg->dns, cfg->vnet) ||
		    mr_nl_vnet_put(skb, cfg->vnet) ||
		    put_counters(skb, &d->counters) ||
		    put_events(skb, cfg, &d->counters))
			goto cancel;
		d->head_done = true;
		genlmsg_end(skb, hdr);
		return skb->len;
	}
	empty = skb->len;
	err = put_lists(&w);
	if (skb->len == empty) {
		genlmsg_cancel(skb, hdr);
		/* Nothing fit an empty message: it could never end. */
		return err;
	}
	genlmsg_end(skb, hdr);
	return skb->len;
cancel:
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

int mr_nl_get_done(struct netlink_callback *cb)
{
	struct get_dump *d = (struct get_dump *)cb->args[0];

	if (d) {
		mr_config_put(d->cfg);
		kfree(d);
	}
	return 0;
}
