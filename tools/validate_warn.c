// SPDX-License-Identifier: GPL-2.0
/*
 * What validate warns of: rules of the namespace that silently change what
 * meshredir's redirection does. meshredir decides at NF_IP_PRI_NAT_DST - 10
 * (-110); a nat rule at the usual -100 then only sees what meshredir left
 * alone, so a mesh's or a user's REDIRECT/DNAT there no longer does what it
 * says; a NOTRACK rule (raw, -300) leaves a connection without conntrack,
 * which no NAT, meshredir's included, can redirect. Read from nftables
 * over netlink and from iptables-legacy's tables; nothing is changed.
 */
#include <errno.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter_ipv4/ip_tables.h>
#include <linux/netfilter_ipv6/ip6_tables.h>
#include "util.h"
#include "validate.h"

#define NAME_LEN 64

struct chain {
	uint8_t family;
	char table[NAME_LEN];
	char name[NAME_LEN];
	bool nat;		/* a base chain of type nat */
	bool raw;		/* a base chain before conntrack (priority < -200) */
	unsigned int nat_rules;
	bool notrack;
};

struct chains {
	struct chain *v;
	size_t n, cap;
};

struct dump {
	struct chains *c;
	struct chain cur;	/* GETRULE: the rule's table and chain */
};

static const char *attr_str(const struct nlattr *a, char *buf)
{
	snprintf(buf, NAME_LEN, "%.*s", (int)mnl_attr_get_payload_len(a),
		 (const char *)mnl_attr_get_payload(a));
	return buf;
}

static int chain_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nfgenmsg *g = mnl_nlmsg_get_payload(nlh);
	struct chains *c = ((struct dump *)data)->c;
	struct chain ch = { .family = g->nfgen_family };
	const struct nlattr *a, *h;
	char type[NAME_LEN] = "";
	bool base = false;

	mnl_attr_for_each(a, nlh, sizeof(*g)) {
		switch (mnl_attr_get_type(a)) {
		case NFTA_CHAIN_TABLE:
			attr_str(a, ch.table);
			break;
		case NFTA_CHAIN_NAME:
			attr_str(a, ch.name);
			break;
		case NFTA_CHAIN_TYPE:
			attr_str(a, type);
			break;
		case NFTA_CHAIN_HOOK:
			base = true;
			mnl_attr_for_each_nested(h, a)
				if (mnl_attr_get_type(h) == NFTA_HOOK_PRIORITY &&
				    (int32_t)ntohl(mnl_attr_get_u32(h)) < -200)
					ch.raw = true;
			break;
		}
	}
	ch.nat = base && !strcmp(type, "nat");
	if (ch.nat || ch.raw) {
		GROW(c);
		c->v[c->n++] = ch;
	}
	return MNL_CB_OK;
}

static struct chain *find(struct chains *c, uint8_t family, const char *table,
			  const char *name)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		if (c->v[i].family == family && !strcmp(c->v[i].table, table) &&
		    !strcmp(c->v[i].name, name))
			return &c->v[i];
	return NULL;
}

/* An expression that turns conntrack off: nft's notrack, xtables' NOTRACK or CT. */
static bool notrack_expr(const struct nlattr *e)
{
	const struct nlattr *a, *d;
	char name[NAME_LEN] = "", t[NAME_LEN];

	mnl_attr_for_each_nested(a, e) {
		if (mnl_attr_get_type(a) == NFTA_EXPR_NAME)
			attr_str(a, name);
		if (mnl_attr_get_type(a) == NFTA_EXPR_DATA && !strcmp(name, "target"))
			mnl_attr_for_each_nested(d, a)
				if (mnl_attr_get_type(d) == 1 /* NFTA_TARGET_NAME */ &&
				    (!strcmp(attr_str(d, t), "NOTRACK") || !strcmp(t, "CT")))
					return true;
	}
	return !strcmp(name, "notrack");
}

static int rule_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nfgenmsg *g = mnl_nlmsg_get_payload(nlh);
	struct dump *d = data;
	const struct nlattr *a, *e, *exprs = NULL;
	char table[NAME_LEN] = "", name[NAME_LEN] = "";
	struct chain *ch;

	mnl_attr_for_each(a, nlh, sizeof(*g)) {
		if (mnl_attr_get_type(a) == NFTA_RULE_TABLE)
			attr_str(a, table);
		else if (mnl_attr_get_type(a) == NFTA_RULE_CHAIN)
			attr_str(a, name);
		else if (mnl_attr_get_type(a) == NFTA_RULE_EXPRESSIONS)
			exprs = a;
	}
	ch = find(d->c, g->nfgen_family, table, name);
	if (!ch)
		return MNL_CB_OK;
	if (ch->nat)
		ch->nat_rules++;
	if (ch->raw && exprs)
		mnl_attr_for_each_nested(e, exprs)
			if (notrack_expr(e))
				ch->notrack = true;
	return MNL_CB_OK;
}

int nft_dump(uint16_t msg, mnl_cb_t cb, void *d)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct mnl_socket *s;
	struct nlmsghdr *nlh;
	struct nfgenmsg *g;
	unsigned int seq = time(NULL), portid;
	int n, ret = -1;

	s = mnl_socket_open(NETLINK_NETFILTER);
	if (!s)
		return -1;
	if (mnl_socket_bind(s, 0, MNL_SOCKET_AUTOPID) < 0)
		goto out;
	portid = mnl_socket_get_portid(s);
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = (NFNL_SUBSYS_NFTABLES << 8) | msg;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = seq;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->nfgen_family = NFPROTO_UNSPEC;
	g->version = NFNETLINK_V0;
	if (mnl_socket_sendto(s, nlh, nlh->nlmsg_len) < 0)
		goto out;
	while ((n = mnl_socket_recvfrom(s, buf, sizeof(buf))) > 0) {
		n = mnl_cb_run(buf, n, seq, portid, cb, d);
		if (n <= 0)
			break;
	}
	ret = n < 0 ? (errno == EPERM ? -EPERM : -1) : 0;
out:
	mnl_socket_close(s);
	return ret;
}

static const char *family_name(uint8_t f)
{
	switch (f) {
	case NFPROTO_IPV4:
		return "ip";
	case NFPROTO_IPV6:
		return "ip6";
	case NFPROTO_INET:
		return "inet";
	default:
		return "other";
	}
}

/* Whether the rules were unreadable: no CAP_NET_ADMIN. */
static bool nft_warnings(void)
{
	struct chains c = { 0 };
	struct dump d = { .c = &c };
	bool denied = false;
	size_t i;
	int r;

	r = nft_dump(NFT_MSG_GETCHAIN, chain_cb, &d);
	if (!r && c.n)
		r = nft_dump(NFT_MSG_GETRULE, rule_cb, &d);
	if (r) {
		denied = r == -EPERM;
		goto out;
	}
	for (i = 0; i < c.n; i++) {
		const struct chain *ch = &c.v[i];

		if (ch->nat_rules)
			print_error("validate: warning: nftables %s %s chain %s: %u nat rule%s, which see only the connections meshredir left alone (it decides first, at priority -110)",
				    family_name(ch->family), ch->table, ch->name, ch->nat_rules,
				    ch->nat_rules == 1 ? "" : "s");
		if (ch->notrack)
			print_error("validate: warning: nftables %s %s chain %s: a notrack rule; an untracked connection is never redirected",
				    family_name(ch->family), ch->table, ch->name);
	}
out:
	free(c.v);
	return denied;
}

bool has_table(const char *file, const char *table)
{
	char path[64], line[64];
	bool found = false;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/net/%s", file);
	f = fopen(path, "r");
	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f))
		found = !strcmp(strtok(line, "\n") ?: "", table);
	fclose(f);
	return found;
}

/*
 * Whether an iptables-legacy table has rules of its users: an empty one
 * holds one policy per hook and the closing error entry. The names are
 * checked first: asking for a table that is not there would load it; and
 * they are readable without CAP_NET_ADMIN, the table's entries are not
 * (-1 then).
 */
static int legacy_has_rules(bool v6, const char *table)
{
	struct ipt_getinfo info = { 0 };	/* the same layout as ip6t_getinfo */
	socklen_t len = sizeof(info);
	unsigned int hooks = 0, h;
	int fd;

	if (!has_table(v6 ? "ip6_tables_names" : "ip_tables_names", table))
		return false;
	fd = socket(v6 ? AF_INET6 : AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW);
	if (fd < 0)
		return errno == EPERM ? -1 : false;
	snprintf(info.name, sizeof(info.name), "%s", table);
	if (getsockopt(fd, v6 ? IPPROTO_IPV6 : IPPROTO_IP,
		       v6 ? IP6T_SO_GET_INFO : IPT_SO_GET_INFO, &info, &len)) {
		close(fd);
		return errno == EPERM ? -1 : false;
	}
	close(fd);
	for (h = 0; h < NF_INET_NUMHOOKS; h++)
		if (info.valid_hooks & (1u << h))
			hooks++;
	return info.num_entries > hooks + 1;
}

/* The tables whose rules were unreadable, as "iptables-legacy nat, ...", in denied. */
static void legacy_warnings(char *denied, size_t len)
{
	static const char *const tables[] = { "nat", "raw" };
	size_t i;
	int v6, r;

	for (v6 = 0; v6 < 2; v6++) {
		const char *tool = v6 ? "ip6tables-legacy" : "iptables-legacy";

		for (i = 0; i < ARRAY_SIZE(tables); i++) {
			r = legacy_has_rules(v6, tables[i]);
			if (r < 0)
				snprintf(denied + strlen(denied), len - strlen(denied), ", %s %s",
					 tool, tables[i]);
			else if (r && i == 0)
				print_error("validate: warning: %s nat table has rules, which see only the connections meshredir left alone (it decides first, at priority -110)",
					    tool);
			else if (r)
				print_error("validate: warning: %s raw table has rules; a NOTRACK or CT --notrack there leaves connections meshredir never redirects",
					    tool);
		}
	}
}

void validate_warnings(bool verbose)
{
	char denied[256] = "";

	if (nft_warnings())
		snprintf(denied, sizeof(denied), ", nftables");
	legacy_warnings(denied, sizeof(denied));
	/*
	 * Nothing else shows rules: nfnetlink and the iptables sockopts both
	 * want CAP_NET_ADMIN (and the sockopts' raw socket CAP_NET_RAW),
	 * /proc/net/ip*_tables_names only names the tables, and conntrack
	 * shows connections, not what made them.
	 */
	if (verbose && denied[0])
		print_error("validate: the check for nat and NOTRACK rules was skipped (%s): reading rules needs CAP_NET_ADMIN (iptables-legacy's also CAP_NET_RAW), which validate lacks here, and nothing readable without them shows them",
			    denied + 2);
}
