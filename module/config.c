// SPDX-License-Identifier: GPL-2.0
/*
 * Building and freeing the immutable configuration. Everything here runs in
 * process context, under the namespace's configuration mutex; memory is
 * charged to the caller, so a container cannot configure its way past its
 * memory limit.
 */

#include <linux/err.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <net/netfilter/nf_conntrack.h>
#include <net/netfilter/nf_conntrack_zones.h>
#include "config.h"
#include "../uapi/linux/meshredir.h"

int mr_ranges_init(struct mr_ranges *r, u32 capacity)
{
	r->count = 0;
	r->capacity = capacity;
	r->range = NULL;
	if (!capacity)
		return 0;
	r->range = kvmalloc_array(capacity, sizeof(*r->range),
				  GFP_KERNEL_ACCOUNT);
	return r->range ? 0 : -ENOMEM;
}

/*
 * Room for more elements of size bytes after the count in array: array
 * itself, or a zeroed copy at least twice as large, array freed. Doubling:
 * a SET in many parts copies each element a few times at most.
 */
static void *grow(void *array, size_t size, u32 count, u32 *capacity, u32 more)
{
	u32 want;
	void *p;

	if (more <= *capacity - count)
		return array;
	if (check_add_overflow(count, more, &want))
		return ERR_PTR(-E2BIG);
	want = max(want, *capacity * 2);
	p = kvmalloc_array(want, size, GFP_KERNEL_ACCOUNT | __GFP_ZERO);
	if (!p)
		return ERR_PTR(-ENOMEM);
	if (count)
		memcpy(p, array, count * size);
	kvfree(array);
	*capacity = want;
	return p;
}

int mr_ranges_reserve(struct mr_ranges *r, u32 more)
{
	struct mr_range *range = grow(r->range, sizeof(*range), r->count,
				      &r->capacity, more);

	if (IS_ERR(range))
		return PTR_ERR(range);
	r->range = range;
	return 0;
}

void mr_ranges_add(struct mr_ranges *r, struct mr_range range)
{
	/* The caller sized r by counting first; more would be a bug. */
	if (WARN_ON_ONCE(r->count >= r->capacity))
		return;
	r->range[r->count++] = range;
}

void mr_ranges_free(struct mr_ranges *r)
{
	kvfree(r->range);
	r->range = NULL;
	r->count = 0;
	r->capacity = 0;
}

int mr_set_build(struct mr_ranges *r, const struct mr_set **out)
{
	struct mr_set *set;
	u32 count;

	*out = NULL;
	count = mr_ranges_normalize(r->range, r->count);
	if (count) {
		set = kvmalloc(struct_size(set, range, count), GFP_KERNEL_ACCOUNT);
		if (!set) {
			mr_ranges_free(r);
			return -ENOMEM;
		}
		set->count = count;
		memcpy(set->range, r->range, count * sizeof(*r->range));
		*out = set;
	}
	mr_ranges_free(r);
	return 0;
}

static void uid_ports_free(const struct mr_uid_ports *up)
{
	u32 i;

	if (!up)
		return;
	for (i = 0; i < up->count; i++)
		kvfree(up->entry[i].ports);
	kvfree(up);
}

static int key_cmp_sort(const void *a, const void *b)
{
	return mr_key_cmp(*(const struct mr_key *)a, *(const struct mr_key *)b);
}

/*
 * Cuts the UID axis at every entry's first UID and at the UID after its
 * last, so that each piece between two cuts is covered by the same entries;
 * each covered piece gets the union of those entries' ports.
 */
int mr_uid_ports_build(struct mr_uid_ports_input *in, u32 count, u8 protocol,
		       const struct mr_uid_ports **out)
{
	struct mr_uid_ports *up = NULL;
	struct mr_key *cut;
	u32 ncut = 0, i, j, total = 0;
	int err = -ENOMEM;

	*out = NULL;
	for (i = 0; i < count; i++)
		ncut += !!(in[i].protocols & protocol);
	if (!ncut)
		return 0;
	cut = kvmalloc_array(2 * ncut, sizeof(*cut), GFP_KERNEL_ACCOUNT);
	if (!cut)
		return -ENOMEM;
	ncut = 0;
	for (i = 0; i < count; i++) {
		if (!(in[i].protocols & protocol))
			continue;
		cut[ncut++] = in[i].uids.first;
		/* UIDs stop below U32_MAX (the policy), so +1 cannot wrap. */
		cut[ncut++] = mr_key_inc(in[i].uids.last);
		total += in[i].ports.count;
	}
	mr_sort(cut, ncut, sizeof(*cut), key_cmp_sort);

	up = kvzalloc(struct_size(up, entry, ncut), GFP_KERNEL_ACCOUNT);
	if (!up)
		goto out;
	for (i = 0; i + 1 < ncut; i++) {
		struct mr_range piece = { cut[i], cut[i + 1] };
		struct mr_ranges ports;

		if (mr_key_eq(cut[i], cut[i + 1]))
			continue;
		piece.last.lo--;	/* cut[i + 1] > cut[i] >= 0, and .hi is 0 */
		err = mr_ranges_init(&ports, total);
		if (err)
			goto out;
		for (j = 0; j < count; j++) {
			u32 k;

			if (!(in[j].protocols & protocol) ||
			    mr_key_cmp(in[j].uids.first, piece.first) > 0 ||
			    mr_key_cmp(in[j].uids.last, piece.last) < 0)
				continue;
			for (k = 0; k < in[j].ports.count; k++)
				mr_ranges_add(&ports, in[j].ports.range[k]);
		}
		if (!ports.count) {
			mr_ranges_free(&ports);
			continue;
		}
		up->entry[up->count].uids = piece;
		err = mr_set_build(&ports, &up->entry[up->count].ports);
		if (err)
			goto out;
		up->count++;
	}
	*out = up;
	up = NULL;
	err = 0;
out:
	uid_ports_free(up);
	kvfree(cut);
	return err;
}

int mr_uid_ports_keep(struct mr_uid_ports_input *in, u32 count,
		      const struct mr_uid_ports **out)
{
	struct mr_uid_ports *up;
	u32 i;
	int err = 0;

	*out = NULL;
	if (!count)
		return 0;
	up = kvzalloc(struct_size(up, entry, count), GFP_KERNEL_ACCOUNT);
	for (i = 0; i < count; i++) {
		if (up && !err) {
			up->entry[i].uids = in[i].uids;
			up->entry[i].protocols = in[i].protocols;
			err = mr_set_build(&in[i].ports, &up->entry[i].ports);
			up->count = i + 1;
		} else {
			mr_ranges_free(&in[i].ports);
		}
	}
	if (!up || err) {
		uid_ports_free(up);
		return -ENOMEM;
	}
	*out = up;
	return 0;
}

struct mr_config *mr_config_alloc(void)
{
	struct mr_config *cfg = kzalloc(sizeof(*cfg), GFP_KERNEL_ACCOUNT);

	if (cfg)
		refcount_set(&cfg->ref, 1);
	return cfg;
}

static void dir_input_init(struct mr_dir_input *d, u16 port)
{
	d->enabled = true;
	d->port = port;
}

struct mr_config_input *mr_config_input_alloc(u32 portid)
{
	struct mr_config_input *in = kzalloc(sizeof(*in), GFP_KERNEL_ACCOUNT);

	if (!in)
		return NULL;
	in->portid = portid;
	in->ip_family_mode = MESHREDIR_IP_FAMILY_DUALSTACK;
	dir_input_init(&in->inbound, MESHREDIR_DEFAULT_INBOUND_PORT);
	dir_input_init(&in->outbound, MESHREDIR_DEFAULT_OUTBOUND_PORT);
	in->dns.port = MESHREDIR_DEFAULT_DNS_PORT;
	in->event_rate = MESHREDIR_DEFAULT_EVENT_RATE;
	in->dns.zone_split = MESHREDIR_ZONE_SPLIT_IPV4 | MESHREDIR_ZONE_SPLIT_IPV6;
	return in;
}

static void dir_input_free(struct mr_dir_input *d)
{
	mr_ranges_free(&d->exclude_ports);
	mr_ranges_free(&d->include_ports);
	mr_ranges_free(&d->exclude_ips4);
	mr_ranges_free(&d->exclude_ips6);
}

static void config_input_clear(struct mr_config_input *in)
{
	u32 i;

	mr_ranges_free(&in->owner_uids);
	mr_ranges_free(&in->owner_gids);
	dir_input_free(&in->inbound);
	dir_input_free(&in->outbound);
	mr_ranges_free(&in->dns.servers4);
	mr_ranges_free(&in->dns.servers6);
	mr_ranges_free(&in->dns.docker4);
	mr_ranges_free(&in->dns.docker6);
	kfree(in->vnet);
	in->vnet = NULL;
	for (i = 0; i < in->uid_ports_count; i++)
		mr_ranges_free(&in->uid_ports[i].ports);
	kvfree(in->uid_ports);
	in->uid_ports = NULL;
	in->uid_ports_count = 0;
	in->uid_ports_capacity = 0;
}

void mr_config_input_free(struct mr_config_input *in)
{
	if (!in)
		return;
	config_input_clear(in);
	kfree(in);
}

int mr_config_input_reserve_uid_ports(struct mr_config_input *in, u32 more)
{
	struct mr_uid_ports_input *up = grow(in->uid_ports, sizeof(*up),
					     in->uid_ports_count,
					     &in->uid_ports_capacity, more);

	if (IS_ERR(up))
		return PTR_ERR(up);
	in->uid_ports = up;
	return 0;
}

static int dir_build(struct mr_dir_input *in, struct mr_dir *dir)
{
	dir->enabled = in->enabled;
	dir->port = in->port;
	return mr_set_build(&in->exclude_ports, &dir->exclude_ports) ?:
	       mr_set_build(&in->include_ports, &dir->include_ports) ?:
	       mr_set_build(&in->exclude_ips4, &dir->exclude_ips4) ?:
	       mr_set_build(&in->exclude_ips6, &dir->exclude_ips6);
}

/*
 * The zone split's templates, as xt_CT makes them for `-j CT --zone-orig n`:
 * once per configuration, attached by reference to each query. The zone is
 * the original direction's only, so an answer is looked up, and its
 * query's reply tuple kept, in the default zone: no answer needs a
 * template, and none is ever looked up in a zone its query is not in.
 */
static int dns_zones_alloc(struct net *net, struct mr_config *cfg)
{
	static const u16 id[] = { MESHREDIR_DNS_ZONE_UPSTREAM, MESHREDIR_DNS_ZONE_PROXY };
	struct nf_conntrack_zone zone;
	unsigned int i;

	if (!cfg->dns.zone_split)
		return 0;
	for (i = 0; i < ARRAY_SIZE(cfg->dns_zone); i++) {
		nf_ct_zone_init(&zone, id[i], NF_CT_ZONE_DIR_ORIG, 0);
		cfg->dns_zone[i] = nf_ct_tmpl_alloc(net, &zone, GFP_KERNEL_ACCOUNT);
		if (!cfg->dns_zone[i])
			return -ENOMEM;
		__set_bit(IPS_CONFIRMED_BIT, &cfg->dns_zone[i]->status);
	}
	return 0;
}

/* Room for the entries given only, not for MESHREDIR_MAX_VNETS. */
static int vnet_build(const struct mr_vnet *in, const struct mr_vnet **out)
{
	if (!in || !in->count)
		return 0;
	*out = kmemdup(in, struct_size(in, entry, in->count), GFP_KERNEL_ACCOUNT);
	return *out ? 0 : -ENOMEM;
}

int mr_config_build(struct net *net, struct mr_config_input *in,
		    struct mr_config **out)
{
	struct mr_config *cfg = mr_config_alloc();
	int err;

	*out = NULL;
	if (!cfg) {
		config_input_clear(in);
		return -ENOMEM;
	}
	cfg->ip_family_mode = in->ip_family_mode;
	cfg->drop_invalid = in->drop_invalid;
	cfg->event_rate = in->event_rate;
	cfg->dns.enabled = in->dns.enabled;
	cfg->dns.capture_all = in->dns.capture_all;
	cfg->dns.zone_split = in->dns.enabled ? in->dns.zone_split : 0;
	cfg->dns.port = in->dns.port;
	err = mr_set_build(&in->owner_uids, &cfg->owner_uids) ?:
	      mr_set_build(&in->owner_gids, &cfg->owner_gids) ?:
	      dir_build(&in->inbound, &cfg->inbound) ?:
	      dir_build(&in->outbound, &cfg->outbound) ?:
	      mr_set_build(&in->dns.servers4, &cfg->dns.servers4) ?:
	      mr_set_build(&in->dns.servers6, &cfg->dns.servers6) ?:
	      mr_set_build(&in->dns.docker4, &cfg->dns.docker4) ?:
	      mr_set_build(&in->dns.docker6, &cfg->dns.docker6) ?:
	      mr_uid_ports_build(in->uid_ports, in->uid_ports_count,
				 MESHREDIR_PROTO_TCP, &cfg->uid_ports) ?:
	      mr_uid_ports_build(in->uid_ports, in->uid_ports_count,
				 MESHREDIR_PROTO_UDP, &cfg->uid_ports_udp) ?:
	      vnet_build(in->vnet, &cfg->vnet) ?:
	      dns_zones_alloc(net, cfg);
	if (!err) {
		err = mr_uid_ports_keep(in->uid_ports, in->uid_ports_count,
					&cfg->uid_ports_given);
		in->uid_ports_count = 0;	/* consumed, even on error */
	}
	config_input_clear(in);
	if (err) {
		mr_config_free(cfg);
		return err;
	}
	*out = cfg;
	return 0;
}

static void dir_free(struct mr_dir *dir)
{
	kvfree(dir->exclude_ports);
	kvfree(dir->include_ports);
	kvfree(dir->exclude_ips4);
	kvfree(dir->exclude_ips6);
}

void mr_config_free(struct mr_config *cfg)
{
	unsigned int i;

	if (!cfg)
		return;
	kvfree(cfg->owner_uids);
	kvfree(cfg->owner_gids);
	uid_ports_free(cfg->uid_ports);
	uid_ports_free(cfg->uid_ports_udp);
	uid_ports_free(cfg->uid_ports_given);
	kvfree(cfg->dns.servers4);
	kvfree(cfg->dns.servers6);
	kvfree(cfg->dns.docker4);
	kvfree(cfg->dns.docker6);
	kfree(cfg->vnet);
	for (i = 0; i < ARRAY_SIZE(cfg->dns_zone); i++)
		if (cfg->dns_zone[i])
			nf_ct_put(cfg->dns_zone[i]);
	dir_free(&cfg->inbound);
	dir_free(&cfg->outbound);
	kfree(cfg);
}

static void config_free_rcu(struct rcu_head *rcu)
{
	mr_config_free(container_of(rcu, struct mr_config, rcu));
}

/*
 * kvfree() is allowed in the softirq context RCU callbacks run in (vfree
 * defers to a worker there). The module's exit waits for these callbacks
 * with rcu_barrier(); a dump holding the last reference holds the module.
 */
void mr_config_put(struct mr_config *cfg)
{
	if (cfg && refcount_dec_and_test(&cfg->ref))
		call_rcu(&cfg->rcu, config_free_rcu);
}
