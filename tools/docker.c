// SPDX-License-Identifier: GPL-2.0
/*
 * Docker's embedded DNS, found as Kuma finds it at install time: a
 * family's nat table (iptables-legacy's, or iptables-nft's "nat" table of
 * nftables) has a chain named DOCKER_OUTPUT. Docker makes it in a
 * container on a user-defined network, where its OUTPUT rule sends
 * 127.0.0.11 to the chain, which DNATs UDP and TCP port 53 to the
 * embedded server's own ports. Kuma then jumps to the chain from its rule
 * for the proxy's UDP/53 (D1), and switches the conntrack zone split off
 * with captureAll. Kuma takes iptables-nft or iptables-legacy, preferring
 * the one with a DOCKER_OUTPUT chain, so a chain in either counts.
 * Reading nothing (no table, no permission) is no chain, as for Kuma,
 * whose iptables-save then fails.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter_ipv4/ip_tables.h>
#include <linux/netfilter_ipv6/ip6_tables.h>
#include "docker.h"
#include "util.h"
#include "validate.h"

#define DOCKER_CHAIN "DOCKER_OUTPUT"

struct nft_find {
	uint8_t family;
	bool found;
};

static bool attr_is(const struct nlattr *a, const char *s)
{
	return mnl_attr_get_payload_len(a) >= strlen(s) + 1 &&
	       !strncmp(mnl_attr_get_payload(a), s, strlen(s) + 1);
}

static int chain_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nfgenmsg *g = mnl_nlmsg_get_payload(nlh);
	struct nft_find *f = data;
	const struct nlattr *a;
	bool nat = false, name = false;

	if (g->nfgen_family != f->family)
		return MNL_CB_OK;
	mnl_attr_for_each(a, nlh, sizeof(*g)) {
		if (mnl_attr_get_type(a) == NFTA_CHAIN_TABLE)
			nat = attr_is(a, "nat");
		else if (mnl_attr_get_type(a) == NFTA_CHAIN_NAME)
			name = attr_is(a, DOCKER_CHAIN);
	}
	f->found |= nat && name;
	return MNL_CB_OK;
}

/* iptables-nft's nat table: nftables table "nat" of family ip or ip6. */
static enum docker_seen nft_chain(bool v6)
{
	struct nft_find f = { .family = v6 ? NFPROTO_IPV6 : NFPROTO_IPV4 };
	int r = nft_dump(NFT_MSG_GETCHAIN, chain_cb, &f);

	if (r == -EPERM)
		return DOCKER_DENIED;
	return !r && f.found ? DOCKER_FOUND : DOCKER_NONE;
}

/*
 * A user-defined chain of an iptables-legacy table starts with an entry
 * whose target is ERROR, its data the chain's name; the table's last
 * entry is an ERROR too, named "ERROR".
 */
#define LEGACY_WALK(entry_t, entries, found)					\
	do {									\
		unsigned int off = 0;						\
		while (off + sizeof(entry_t) <= (entries)->size) {		\
			const entry_t *e = (const void *)((const char *)	\
					(entries)->entrytable + off);		\
			const struct xt_entry_target *t = (const void *)	\
					((const char *)e + e->target_offset);	\
			if (!strcmp(t->u.user.name, XT_ERROR_TARGET) &&	\
			    !strcmp((const char *)t->data, DOCKER_CHAIN))	\
				(found) = true;					\
			if (!e->next_offset)					\
				break;						\
			off += e->next_offset;					\
		}								\
	} while (0)

_Static_assert(sizeof(struct ipt_get_entries) == sizeof(struct ip6t_get_entries) &&
	       offsetof(struct ipt_get_entries, entrytable) ==
	       offsetof(struct ip6t_get_entries, entrytable),
	       "ipt_get_entries and ip6t_get_entries differ");

static enum docker_seen legacy_chain(bool v6)
{
	struct ipt_getinfo info = { 0 };	/* the same layout as ip6t_getinfo */
	struct ipt_get_entries *g = NULL;
	int level = v6 ? IPPROTO_IPV6 : IPPROTO_IP;
	enum docker_seen seen = DOCKER_NONE;
	socklen_t len = sizeof(info);
	bool found = false;
	int fd;

	/* Asking for a table that is not there would load it. */
	if (!has_table(v6 ? "ip6_tables_names" : "ip_tables_names", "nat"))
		return DOCKER_NONE;
	fd = socket(v6 ? AF_INET6 : AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW);
	if (fd < 0)
		return errno == EPERM ? DOCKER_DENIED : DOCKER_NONE;
	snprintf(info.name, sizeof(info.name), "nat");
	if (getsockopt(fd, level, v6 ? IP6T_SO_GET_INFO : IPT_SO_GET_INFO, &info, &len)) {
		seen = errno == EPERM ? DOCKER_DENIED : DOCKER_NONE;
		goto out;
	}
	/* ip6t_get_entries is ipt_get_entries but for its entries' type. */
	len = sizeof(*g) + info.size;
	g = calloc(1, len);
	if (!g)
		goto out;
	snprintf(g->name, sizeof(g->name), "nat");
	g->size = info.size;
	if (getsockopt(fd, level, v6 ? IP6T_SO_GET_ENTRIES : IPT_SO_GET_ENTRIES, g, &len))
		goto denied;
	if (v6)
		LEGACY_WALK(struct ip6t_entry, (struct ip6t_get_entries *)g, found);
	else
		LEGACY_WALK(struct ipt_entry, g, found);
	seen = found ? DOCKER_FOUND : DOCKER_NONE;
	goto out;
denied:
	seen = errno == EPERM ? DOCKER_DENIED : DOCKER_NONE;
out:
	free(g);
	close(fd);
	return seen;
}

enum docker_seen docker_output_chain(bool v6, char *where, size_t len)
{
	enum docker_seen nft = nft_chain(v6), legacy = legacy_chain(v6);
	const char *tool = v6 ? "ip6tables" : "iptables";

	if (nft == DOCKER_FOUND || legacy == DOCKER_FOUND) {
		snprintf(where, len, "%s-%s nat table", tool,
			 nft == DOCKER_FOUND ? "nft" : "legacy");
		return DOCKER_FOUND;
	}
	if (nft == DOCKER_DENIED || legacy == DOCKER_DENIED) {
		snprintf(where, len, "%s-%s nat table", tool,
			 nft == DOCKER_DENIED ? "nft" : "legacy");
		return DOCKER_DENIED;
	}
	snprintf(where, len, "%s nat table (nft and legacy)", tool);
	return DOCKER_NONE;
}
