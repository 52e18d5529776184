// SPDX-License-Identifier: GPL-2.0
/*
 * mr-fuzz's model of MESHREDIR_A_DNS and MESHREDIR_A_VNET: what the module
 * checks below the policies model.c walks (module/netlink_set.c's
 * dns_parse(), module/netlink_vnet.c's mr_nl_vnet_parse() and ifname_get(),
 * set_apply()'s zone-split check), and what a GET after a valid SET must
 * then say of them (module/netlink_get.c's put_dns(), mr_nl_vnet_put()).
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

/* ---- what GET must say of them ---- */

typedef unsigned __int128 mr_u128;

/* The low host_bits bits set. */
static mr_u128 mr_host(unsigned int host_bits)
{
	return host_bits >= 128 ? ~(mr_u128)0 : ((mr_u128)1 << host_bits) - 1;
}

static mr_u128 mr_addr_value(const struct mr_cidr *c)
{
	mr_u128 x = 0;
	int i;

	for (i = 0; i < (c->v6 ? 16 : 4); i++)
		x = x << 8 | c->addr[i];
	return x;
}

static void mr_addr_set(struct mr_cidr *c, mr_u128 x)
{
	int i;

	memset(c->addr, 0, sizeof(c->addr));
	for (i = (c->v6 ? 16 : 4) - 1; i >= 0; i--, x >>= 8)
		c->addr[i] = (uint8_t)x;
}

/*
 * The CIDRs GET gives for a list: each family's ranges sorted, those that
 * overlap or touch merged (mr_ranges_normalize()), each walked with the
 * largest CIDR that starts there and fits (mr_cidr_fit()); IPv4 first.
 * Never more than the list had: the walk is the fewest CIDRs covering a
 * range, and the list's own CIDRs cover it. Returns the count.
 */
static int mr_cover(const struct mr_cidr *in, int n, struct mr_cidr *out, int cap)
{
	struct { mr_u128 first, last; } r[MESHREDIR_MAX_DNS_SERVERS], t;
	int fam, i, j, m, k = 0;

	for (fam = 0; fam < 2; fam++) {
		unsigned int bits = fam ? 128 : 32;
		mr_u128 all = mr_host(bits);

		for (i = m = 0; i < n && m < MESHREDIR_MAX_DNS_SERVERS; i++) {
			if (in[i].v6 != fam)
				continue;
			r[m].first = mr_addr_value(&in[i]);
			r[m].last = r[m].first | mr_host(bits - in[i].prefix);
			for (j = m++; j > 0 && r[j - 1].first > r[j].first; j--) {
				t = r[j - 1];
				r[j - 1] = r[j];
				r[j] = t;
			}
		}
		for (i = 0, j = -1; i < m; i++) {
			if (j >= 0 && (r[i].first <= r[j].last ||
				       (r[j].last != all && r[i].first == r[j].last + 1))) {
				if (r[i].last > r[j].last)
					r[j].last = r[i].last;
			} else {
				r[++j] = r[i];
			}
		}
		for (i = 0; i <= j; i++) {
			mr_u128 cur = r[i].first, h = 0;
			unsigned int p;

			for (;;) {
				for (p = 0; p < bits; p++) {
					h = mr_host(bits - p);
					if (!(cur & h) && (cur | h) <= r[i].last)
						break;
				}
				if (p == bits)
					h = 0;
				if (k < cap) {
					out[k].v6 = fam;
					out[k].prefix = p;
					mr_addr_set(&out[k], cur);
				}
				k++;
				if ((cur | h) == r[i].last)
					break;
				cur = (cur | h) + 1;
			}
		}
	}
	return k;
}

/* A CIDR nest of a GET reply against c. */
static bool mr_cidr_agrees(const struct mr_nla *a, const struct mr_cidr *c)
{
	struct mr_verdict dummy = { 0 };
	int bytes = c->v6 ? 16 : 4;
	struct mr_tb tb;

	mr_parse(L_CIDR, a->data, a->len, &tb, &dummy);
	return !dummy.pol_bad && tb.count == 3 &&
	       tb.has[MESHREDIR_CIDR_A_FAMILY] && tb.has[MESHREDIR_CIDR_A_ADDR] &&
	       tb.has[MESHREDIR_CIDR_A_PREFIX_LEN] &&
	       mr_get_uint(tb.a[MESHREDIR_CIDR_A_FAMILY].data, 2) ==
	       (uint32_t)(c->v6 ? AF_INET6 : AF_INET) &&
	       tb.a[MESHREDIR_CIDR_A_ADDR].len == bytes &&
	       !memcmp(tb.a[MESHREDIR_CIDR_A_ADDR].data, c->addr, bytes) &&
	       mr_get_uint(tb.a[MESHREDIR_CIDR_A_PREFIX_LEN].data, 1) == c->prefix;
}

struct mr_entries_ctx {
	struct mr_nla *out;
	int cap, n;
};

static void mr_entry_one(const struct mr_nla *a, int type, void *vctx)
{
	struct mr_entries_ctx *c = vctx;

	(void)type;
	if (c->n < c->cap)
		c->out[c->n] = *a;
	c->n++;
}

/* The entries of a list nest (or of MESHREDIR_A_VNET), in order; their count. */
static int mr_entries(const struct mr_nla *list, struct mr_nla *out, int cap)
{
	struct mr_entries_ctx c = { .out = out, .cap = cap };

	mr_walk(list->data, list->len, mr_entry_one, &c);
	return c.n;
}

/* SERVERS or DOCKER of a GET against the list set (n CIDRs as sent). */
static bool mr_list_agrees(const struct mr_nla *list, const struct mr_cidr *set, int n,
			   const char *name, char *why, size_t whylen)
{
	struct mr_cidr want[MESHREDIR_MAX_DNS_SERVERS];
	struct mr_nla got[MESHREDIR_MAX_DNS_SERVERS];
	int nwant = mr_cover(set, n, want, MESHREDIR_MAX_DNS_SERVERS);
	int ngot = mr_entries(list, got, MESHREDIR_MAX_DNS_SERVERS), i;

	if (ngot != nwant) {
		snprintf(why, whylen, "dns.%s: %d CIDRs, expected %d", name, ngot, nwant);
		return false;
	}
	for (i = 0; i < ngot; i++) {
		if (!mr_cidr_agrees(&got[i], &want[i])) {
			snprintf(why, whylen, "dns.%s: CIDR %d is not the expected /%u", name, i,
				 want[i].prefix);
			return false;
		}
	}
	return true;
}

static bool mr_dns_agrees(const struct mr_nla *a, const struct mr_dns_state *d, char *why,
			  size_t whylen)
{
	struct mr_verdict dummy = { 0 };
	bool want[MESHREDIR_DNS_A_MAX + 1] = { false };
	int t, nwant = 0;
	struct mr_tb tb;

	/* put_dns(): without capture, only what vnet and Docker need. */
	want[MESHREDIR_DNS_A_PORT] = true;
	want[MESHREDIR_DNS_A_ENABLED] = !d->enabled;
	want[MESHREDIR_DNS_A_CAPTURE_ALL] = d->enabled;
	want[MESHREDIR_DNS_A_ZONE_SPLIT] = d->enabled;
	want[MESHREDIR_DNS_A_SERVERS] = d->enabled && d->nservers > 0;
	want[MESHREDIR_DNS_A_DOCKER] = d->ndocker > 0;
	mr_parse(L_DNS, a->data, a->len, &tb, &dummy);
	if (dummy.pol_bad) {
		snprintf(why, whylen, "dns: GET's nest breaks the policy (%s)", dummy.why);
		return false;
	}
	for (t = 1; t <= MESHREDIR_DNS_A_MAX; t++) {
		nwant += want[t];
		if (want[t] != tb.has[t]) {
			snprintf(why, whylen, "dns: attribute %d %s", t,
				 want[t] ? "missing" : "not expected");
			return false;
		}
	}
	if (tb.count != nwant) {
		snprintf(why, whylen, "dns: %d attributes, expected %d", tb.count, nwant);
		return false;
	}
	if ((tb.has[MESHREDIR_DNS_A_ENABLED] &&
	     mr_get_uint(tb.a[MESHREDIR_DNS_A_ENABLED].data, 1) != 0) ||
	    mr_get_uint(tb.a[MESHREDIR_DNS_A_PORT].data, 2) != (uint32_t)d->port ||
	    (d->enabled &&
	     (mr_get_uint(tb.a[MESHREDIR_DNS_A_CAPTURE_ALL].data, 1) != (uint32_t)d->capture_all ||
	      mr_get_uint(tb.a[MESHREDIR_DNS_A_ZONE_SPLIT].data, 1) != (uint32_t)d->zone_split))) {
		snprintf(why, whylen, "dns: expected enabled=%d port=%d capture-all=%d zone-split=%d",
			 d->enabled, d->port, d->capture_all, d->zone_split);
		return false;
	}
	if (want[MESHREDIR_DNS_A_SERVERS] &&
	    !mr_list_agrees(&tb.a[MESHREDIR_DNS_A_SERVERS], d->servers, d->nservers, "servers",
			    why, whylen))
		return false;
	return !want[MESHREDIR_DNS_A_DOCKER] ||
	       mr_list_agrees(&tb.a[MESHREDIR_DNS_A_DOCKER], d->docker, d->ndocker, "docker",
			      why, whylen);
}

/* mr_nl_vnet_put(): every entry, in the order given, its CIDR's host bits cleared. */
static bool mr_vnet_agrees(const struct mr_nla *a, const struct mr_dns_state *d, char *why,
			   size_t whylen)
{
	struct mr_nla got[MESHREDIR_MAX_VNETS];
	int n = mr_entries(a, got, MESHREDIR_MAX_VNETS), i;

	if (n != d->nvnet) {
		snprintf(why, whylen, "vnet: %d entries, expected %d", n, d->nvnet);
		return false;
	}
	for (i = 0; i < n; i++) {
		struct mr_verdict dummy = { 0 };
		const char *name = d->vnet[i].ifname;
		struct mr_tb tb;

		mr_parse(L_VNET_ENTRY, got[i].data, got[i].len, &tb, &dummy);
		if (dummy.pol_bad || tb.count != 2 || !tb.has[MESHREDIR_VNET_A_IFNAME] ||
		    tb.a[MESHREDIR_VNET_A_IFNAME].len != (int)strlen(name) + 1 ||
		    memcmp(tb.a[MESHREDIR_VNET_A_IFNAME].data, name, strlen(name) + 1) ||
		    !tb.has[MESHREDIR_VNET_A_CIDR] ||
		    !mr_cidr_agrees(&tb.a[MESHREDIR_VNET_A_CIDR], &d->vnet[i].cidr)) {
			snprintf(why, whylen, "vnet: entry %d is not %s/%u", i, name,
				 d->vnet[i].cidr.prefix);
			return false;
		}
	}
	return true;
}

/* The DNS and vnet nests of a GET (top level in get) after the valid SET v. */
bool mr_dns_vnet_agree(const struct mr_tb *get, const struct mr_verdict *v, char *why,
		       size_t whylen)
{
	const struct mr_dns_state *d = &v->dns;
	bool dns = d->enabled || d->nvnet || d->ndocker;

	if (get->has[MESHREDIR_A_DNS] != dns) {
		snprintf(why, whylen, "dns: GET %s it", dns ? "lacks" : "has");
		return false;
	}
	if (get->has[MESHREDIR_A_VNET] != (d->nvnet > 0)) {
		snprintf(why, whylen, "vnet: GET %s it", d->nvnet ? "lacks" : "has");
		return false;
	}
	return (!dns || mr_dns_agrees(&get->a[MESHREDIR_A_DNS], d, why, whylen)) &&
	       (!d->nvnet || mr_vnet_agrees(&get->a[MESHREDIR_A_VNET], d, why, whylen));
}
