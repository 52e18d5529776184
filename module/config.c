// SPDX-License-Identifier: GPL-2.0
/*
 * Building and freeing the immutable configuration. Everything here runs in
 * process context, under the namespace's configuration mutex; memory is
 * charged to the caller, so a container cannot configure its way past its
 * memory limit.
 */

#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include "config.h"

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
	r->count = r->capacity = 0;
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

static void mr_uid_ports_free(const struct mr_uid_ports *up)
{
	u32 i;

	if (!up)
		return;
	for (i = 0; i < up->count; i++)
		kvfree(up->entry[i].ports);
	kvfree(up);
}

static int mr_key_cmp_sort(const void *a, const void *b)
{
	return mr_key_cmp(*(const struct mr_key *)a, *(const struct mr_key *)b);
}

/*
 * Cuts the UID axis at every entry's first UID and at the UID after its
 * last, so that each piece between two cuts is covered by the same entries;
 * each covered piece gets the union of those entries' ports.
 */
int mr_uid_ports_build(struct mr_uid_ports_input *in, u32 count,
		       const struct mr_uid_ports **out)
{
	struct mr_uid_ports *up = NULL;
	struct mr_key *cut;
	u32 ncut = 0, i, j, total = 0;
	int err = -ENOMEM;

	*out = NULL;
	if (!count)
		return 0;
	cut = kvmalloc_array(2 * count, sizeof(*cut), GFP_KERNEL_ACCOUNT);
	if (!cut)
		return -ENOMEM;
	for (i = 0; i < count; i++) {
		cut[ncut++] = in[i].uids.first;
		/* UIDs stop below U32_MAX (the policy), so +1 cannot wrap. */
		cut[ncut++] = mr_key_inc(in[i].uids.last);
		total += in[i].ports.count;
	}
	mr_sort(cut, ncut, sizeof(*cut), mr_key_cmp_sort);

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

			if (mr_key_cmp(in[j].uids.first, piece.first) > 0 ||
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
	mr_uid_ports_free(up);
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
			err = mr_set_build(&in[i].ports, &up->entry[i].ports);
			up->count = i + 1;
		} else {
			mr_ranges_free(&in[i].ports);
		}
	}
	if (!up || err) {
		mr_uid_ports_free(up);
		return -ENOMEM;
	}
	*out = up;
	return 0;
}

struct mr_config *mr_config_alloc(void)
{
	return kzalloc(sizeof(struct mr_config), GFP_KERNEL_ACCOUNT);
}

static void mr_dir_free(struct mr_dir *dir)
{
	kvfree(dir->exclude_ports);
	kvfree(dir->include_ports);
	kvfree(dir->exclude_ips4);
	kvfree(dir->exclude_ips6);
}

void mr_config_free(struct mr_config *cfg)
{
	if (!cfg)
		return;
	kvfree(cfg->owner_uids);
	kvfree(cfg->owner_gids);
	mr_uid_ports_free(cfg->uid_ports);
	mr_uid_ports_free(cfg->uid_ports_given);
	mr_dir_free(&cfg->inbound);
	mr_dir_free(&cfg->outbound);
	kfree(cfg);
}

static void mr_config_free_rcu_cb(struct rcu_head *rcu)
{
	mr_config_free(container_of(rcu, struct mr_config, rcu));
}

/*
 * kvfree() is allowed in the softirq context RCU callbacks run in (vfree
 * defers to a worker there). The module's exit waits for these callbacks
 * with rcu_barrier().
 */
void mr_config_free_rcu(struct mr_config *cfg)
{
	if (cfg)
		call_rcu(&cfg->rcu, mr_config_free_rcu_cb);
}
