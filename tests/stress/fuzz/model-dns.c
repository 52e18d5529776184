// SPDX-License-Identifier: GPL-2.0
/*
 * mr-fuzz's model of MESHREDIR_A_DNS and MESHREDIR_A_VNET: what the module
 * checks below the policies model.c walks (module/netlink_set.c's
 * dns_parse(), module/netlink_vnet.c's mr_nl_vnet_parse() and ifname_get(),
 * set_apply()'s zone-split check).
 *
 * The module has no rule across these nests and the rest: a vnet without
 * MESHREDIR_A_DNS takes the default DNS port, a CIDR of either family is
 * taken whatever the ip-family-mode, and an ENABLED 0 nest is checked
 * whole though GET gives back only its port and Docker's addresses.
 */
#include "mr-fuzz.h"

enum mr_zones mr_kernel_zones = MR_ZONES_UNKNOWN;

/* ---- vnet's interface names ---- */

/*
 * lib/nlattr.c's NLA_NUL_STRING with .len IFNAMSIZ - 1: a NUL within the
 * first 16 bytes, and at most 15 bytes once a last NUL is left out.
 */
bool mr_ifname_policy_ok(const unsigned char *p, int len)
{
	int minlen = len < 16 ? len : 16;

	if (!minlen || !memchr(p, 0, minlen))
		return false;
	if (!p[len - 1])
		len--;
	return len <= 15;
}

/* The kernel's isspace(): lib/ctype.c's _S, Latin-1's no-break space too. */
static bool mr_kernel_space(unsigned char c)
{
	return (c >= '\t' && c <= '\r') || c == ' ' || c == 0xa0;
}

/* net/core/dev.c's dev_valid_name(), for a name the policy kept under 16. */
static bool mr_dev_valid_name(const char *name)
{
	if (!*name || !strcmp(name, ".") || !strcmp(name, ".."))
		return false;
	for (; *name; name++)
		if (*name == '/' || *name == ':' || mr_kernel_space(*name))
			return false;
	return true;
}

/*
 * ifname_get(): the name nla_strscpy() leaves in name (the bytes before
 * the first NUL), a '+' only at its end, and the rest a valid device name
 * unless '+' is all of it. Returns why it is refused, or NULL.
 */
static const char *mr_ifname_refusal(const struct mr_nla *a, char name[16])
{
	char base[16];
	size_t len;
	char *plus;

	memset(name, 0, 16);
	memcpy(name, a->data, a->len < 15 ? a->len : 15);
	len = strlen(name);
	if (!len)
		return "vnet: ifname is empty";
	plus = strchr(name, '+');
	if (plus && plus != name + len - 1)
		return "vnet: ifname: '+' only at the end";
	memcpy(base, name, 16);
	if (plus)
		base[len - 1] = 0;
	if ((!plus || len > 1) && !mr_dev_valid_name(base))
		return "vnet: ifname is not a valid interface name";
	return NULL;
}

/* ---- the nests in a SET ---- */

static void mr_sem_dns(const struct mr_nla *a, struct mr_verdict *v)
{
	struct mr_dns_state *d = &v->dns;
	struct mr_tb tb;

	mr_parse(L_DNS, a->data, a->len, &tb, v);
	if (v->pol_bad)
		return;
	d->enabled = tb.has[MESHREDIR_DNS_A_ENABLED] ?
		     mr_get_uint(tb.a[MESHREDIR_DNS_A_ENABLED].data, 1) : 1;
	if (tb.has[MESHREDIR_DNS_A_PORT])
		d->port = mr_get_uint(tb.a[MESHREDIR_DNS_A_PORT].data, 2);
	if (tb.has[MESHREDIR_DNS_A_CAPTURE_ALL])
		d->capture_all = mr_get_uint(tb.a[MESHREDIR_DNS_A_CAPTURE_ALL].data, 1);
	if (tb.has[MESHREDIR_DNS_A_ZONE_SPLIT])
		d->zone_split = mr_get_uint(tb.a[MESHREDIR_DNS_A_ZONE_SPLIT].data, 1);
	/* Their own limits, outside MESHREDIR_MAX_ENTRIES. */
	if (tb.has[MESHREDIR_DNS_A_SERVERS])
		d->nservers = mr_sem_cidr_list(&tb.a[MESHREDIR_DNS_A_SERVERS],
					       MESHREDIR_MAX_DNS_SERVERS, d->servers,
					       MESHREDIR_MAX_DNS_SERVERS, v);
	if (tb.has[MESHREDIR_DNS_A_DOCKER])
		d->ndocker = mr_sem_cidr_list(&tb.a[MESHREDIR_DNS_A_DOCKER],
					      MESHREDIR_MAX_DNS_DOCKER, d->docker,
					      MESHREDIR_MAX_DNS_DOCKER, v);
}

struct mr_vnet_ctx {
	struct mr_verdict *v;
	int count;
	bool stopped;		/* the module returns at its first refusal */
};

static void mr_sem_vnet_entry(const struct mr_nla *entry, int type, void *vctx)
{
	struct mr_vnet_ctx *c = vctx;
	struct mr_verdict *v = c->v;
	struct mr_dns_state *d = &v->dns;
	const char *refusal;
	struct mr_cidr cidr;
	char name[16];
	struct mr_tb tb;
	int i;

	(void)type;
	if (c->stopped)
		return;
	c->stopped = true;
	if (++c->count > MESHREDIR_MAX_VNETS) {
		mr_bad(v, false, "vnet: too many entries");
		return;
	}
	mr_parse(L_VNET_ENTRY, entry->data, entry->len, &tb, v);
	if (v->pol_bad)
		return;
	if (!tb.has[MESHREDIR_VNET_A_IFNAME] || !tb.has[MESHREDIR_VNET_A_CIDR]) {
		mr_bad(v, false, "vnet: entry without ifname or cidr");
		return;
	}
	refusal = mr_ifname_refusal(&tb.a[MESHREDIR_VNET_A_IFNAME], name);
	if (refusal) {
		mr_bad(v, false, refusal);
		return;
	}
	if (!mr_sem_cidr(&tb.a[MESHREDIR_VNET_A_CIDR], &cidr, v))
		return;
	/* The name as given, '+' included, once per family. */
	for (i = 0; i < d->nvnet; i++) {
		if (d->vnet[i].cidr.v6 == cidr.v6 && !strcmp(d->vnet[i].ifname, name)) {
			mr_bad(v, false, "vnet: ifname given twice for one family");
			return;
		}
	}
	memcpy(d->vnet[d->nvnet].ifname, name, sizeof(name));
	d->vnet[d->nvnet++].cidr = cidr;
	c->stopped = false;
}

static void mr_sem_vnet(const struct mr_nla *a, struct mr_verdict *v)
{
	struct mr_vnet_ctx c = { v, 0, false };
	struct mr_verdict pol = { 0 };
	struct mr_nla entry;
	const unsigned char *p = a->data;
	int rem = a->len;

	/* nla_validate_nested() of the whole list first: entries, names, CIDRs. */
	mr_policy_check(L_VNET_LIST, a->data, a->len, &pol);
	if (pol.pol_bad) {
		mr_bad(v, true, pol.why);
		return;
	}
	/* The policy passed: a clean stream of entries. */
	while (rem >= NLA_HDRLEN) {
		struct nlattr h;

		memcpy(&h, p, sizeof(h));
		entry.data = p + NLA_HDRLEN;
		entry.len = h.nla_len - NLA_HDRLEN;
		entry.raw_type = h.nla_type;
		mr_sem_vnet_entry(&entry, h.nla_type & NLA_TYPE_MASK, &c);
		p += NLA_ALIGN(h.nla_len);
		rem -= NLA_ALIGN(h.nla_len);
	}
}

/*
 * The DNS and vnet nests of a SET whose top level is in top; called last,
 * as it ends with set_apply()'s zone-split check, which the whole SET
 * reaches only if nothing before refused it.
 */
void mr_model_dns_vnet(const struct mr_tb *top, struct mr_verdict *v)
{
	struct mr_dns_state *d = &v->dns;
	bool pol_bad = v->pol_bad, sem_bad = v->sem_bad;

	d->dns_sent = top->has[MESHREDIR_A_DNS];
	d->vnet_sent = top->has[MESHREDIR_A_VNET];
	d->enabled = 0;		/* no MESHREDIR_A_DNS: no capture */
	d->port = MESHREDIR_DEFAULT_DNS_PORT;
	d->capture_all = 0;
	d->zone_split = MR_ZONE_SPLIT_ALL;
	/* Judged alone, so that the run can count what they refuse. */
	v->pol_bad = v->sem_bad = false;
	if (d->dns_sent)
		mr_sem_dns(&top->a[MESHREDIR_A_DNS], v);
	if (d->vnet_sent && !v->pol_bad)
		mr_sem_vnet(&top->a[MESHREDIR_A_VNET], v);
	d->inside_bad = v->pol_bad || v->sem_bad;
	v->pol_bad |= pol_bad;
	v->sem_bad |= sem_bad;

	d->zones_needed = d->enabled && d->zone_split;
	if (!d->zones_needed || v->pol_bad || v->sem_bad)
		return;
	if (mr_kernel_zones == MR_ZONES_NO)
		mr_bad(v, false, "dns: the zone split without CONFIG_NF_CONNTRACK_ZONES");
	else if (mr_kernel_zones == MR_ZONES_UNKNOWN)
		/* The kernel's build decides (EOPNOTSUPP without zones). */
		v->unknown = true;
}
