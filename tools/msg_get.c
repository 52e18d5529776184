// SPDX-License-Identifier: GPL-2.0
/*
 * The meshredir messages, back: a GET reply, or each message of a GET dump
 * (one a part of a large configuration), into the tool's configuration.
 * A malformed reply is an error naming the attribute. No socket here, so
 * that tests/unit checks every byte.
 */
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/genetlink.h>
#include "msg.h"

struct parser {
	char *err;
	size_t errlen;
	bool bad;
};

static void bad(struct parser *p, const char *what)
{
	if (!p->bad)
		snprintf(p->err, p->errlen, "malformed reply from the kernel: %s", what);
	p->bad = true;
}

/*
 * mnl_attr_for_each_nested stops at the first attribute that doesn't fit;
 * this says whether it stopped because the nest was used up.
 */
static bool nest_done(const struct nlattr *nest, const struct nlattr *stop)
{
	const char *end = (const char *)mnl_attr_get_payload(nest) + mnl_attr_get_payload_len(nest);

	return (const char *)stop >= end;
}

static bool get(const struct nlattr *a, size_t size, void *out)
{
	if (mnl_attr_get_payload_len(a) != size)
		return false;
	memcpy(out, mnl_attr_get_payload(a), size);
	return true;
}

static void p_range(struct parser *p, const struct nlattr *nest, bool port,
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
		if (port ? !get(a, 2, &v16) : !get(a, 4, v)) {
			bad(p, what);
			return;
		}
		if (port)
			*v = v16;
	}
	if (!nest_done(nest, a) || !has_first) {
		bad(p, what);
		return;
	}
	if (!has_last)
		*last = *first;
	if (*first > *last)
		bad(p, what);
}

static void p_ranges(struct parser *p, const struct nlattr *list, bool port,
		     struct range_list *out, const char *what)
{
	const struct nlattr *e;
	uint32_t first, last;

	mnl_attr_for_each_nested(e, list) {
		if (mnl_attr_get_type(e) != MESHREDIR_LIST_A_ENTRY)
			continue;
		p_range(p, e, port, &first, &last, what);
		if (p->bad)
			return;
		range_list_add(out, first, last);
	}
	if (!nest_done(list, e))
		bad(p, what);
}

static void p_cidr(struct parser *p, const struct nlattr *nest, struct cidr *c,
		   const char *what)
{
	const struct nlattr *a, *addr = NULL;
	bool has_len = false;

	memset(c, 0, sizeof(*c));
	mnl_attr_for_each_nested(a, nest) {
		switch (mnl_attr_get_type(a)) {
		case MESHREDIR_CIDR_A_FAMILY:
			if (!get(a, 2, &c->family)) {
				bad(p, what);
				return;
			}
			break;
		case MESHREDIR_CIDR_A_ADDR:
			addr = a;
			break;
		case MESHREDIR_CIDR_A_PREFIX_LEN:
			if (!get(a, 1, &c->prefix_len)) {
				bad(p, what);
				return;
			}
			has_len = true;
			break;
		}
	}
	if (!nest_done(nest, a) || !addr ||
	    (c->family != AF_INET && c->family != AF_INET6) ||
	    !get(addr, c->family == AF_INET6 ? 16 : 4, c->addr)) {
		bad(p, what);
		return;
	}
	if (!has_len)
		c->prefix_len = c->family == AF_INET6 ? 128 : 32;
	if (c->prefix_len > (c->family == AF_INET6 ? 128 : 32))
		bad(p, what);
}

static void p_cidrs(struct parser *p, const struct nlattr *list,
		    struct cidr_list *out, const char *what)
{
	const struct nlattr *e;
	struct cidr c;

	mnl_attr_for_each_nested(e, list) {
		if (mnl_attr_get_type(e) != MESHREDIR_LIST_A_ENTRY)
			continue;
		p_cidr(p, e, &c, what);
		if (p->bad)
			return;
		cidr_list_add(out, &c);
	}
	if (!nest_done(list, e))
		bad(p, what);
}

static void p_uid_ports(struct parser *p, const struct nlattr *list,
			struct uid_ports_list *out)
{
	const char *what = "exclude-outbound-ports-for-uids";
	const struct nlattr *e, *a;

	mnl_attr_for_each_nested(e, list) {
		struct uid_ports *up;
		bool has_uids = false;

		if (mnl_attr_get_type(e) != MESHREDIR_LIST_A_ENTRY)
			continue;
		up = uid_ports_list_add(out);
		mnl_attr_for_each_nested(a, e) {
			switch (mnl_attr_get_type(a)) {
			case MESHREDIR_UID_PORTS_A_PORTS:
				p_ranges(p, a, true, &up->ports, what);
				break;
			case MESHREDIR_UID_PORTS_A_UIDS:
				p_range(p, a, false, &up->uids.first, &up->uids.last, what);
				has_uids = true;
				break;
			case MESHREDIR_UID_PORTS_A_PROTOCOLS:
				if (!get(a, 1, &up->protocols) || !up->protocols ||
				    up->protocols > (MESHREDIR_PROTO_TCP | MESHREDIR_PROTO_UDP))
					bad(p, what);
				break;
			}
			if (p->bad)
				return;
		}
		if (!nest_done(e, a) || !has_uids) {
			bad(p, what);
			return;
		}
		/* No PORTS means every port. */
		if (!up->ports.n)
			range_list_add(&up->ports, 1, 65535);
	}
	if (!nest_done(list, e))
		bad(p, what);
}

static void p_dir(struct parser *p, const struct nlattr *nest, struct dir_config *d,
		  bool in)
{
	const struct nlattr *a;
	uint8_t enabled;

	mnl_attr_for_each_nested(a, nest) {
		switch (mnl_attr_get_type(a)) {
		case MESHREDIR_DIR_A_ENABLED:
			if (!get(a, 1, &enabled) || enabled > 1) {
				bad(p, in ? "redirect-inbound" : "redirect-outbound");
				return;
			}
			d->enabled = enabled;
			break;
		case MESHREDIR_DIR_A_PORT:
			if (!get(a, 2, &d->port)) {
				bad(p, in ? "redirect-inbound-port" : "redirect-outbound-port");
				return;
			}
			break;
		case MESHREDIR_DIR_A_EXCLUDE_PORTS:
			p_ranges(p, a, true, &d->exclude_ports,
				 in ? "exclude-inbound-ports" : "exclude-outbound-ports");
			break;
		case MESHREDIR_DIR_A_INCLUDE_PORTS:
			p_ranges(p, a, true, &d->include_ports,
				 in ? "include-inbound-ports" : "include-outbound-ports");
			break;
		case MESHREDIR_DIR_A_EXCLUDE_IPS:
			p_cidrs(p, a, &d->exclude_ips,
				in ? "exclude-inbound-ips" : "exclude-outbound-ips");
			break;
		case MESHREDIR_DIR_A_EXCLUDE_PORTS_FOR_UIDS:
			p_uid_ports(p, a, &d->exclude_ports_for_uids);
			break;
		}
		if (p->bad)
			return;
	}
	if (!nest_done(nest, a))
		bad(p, in ? "inbound" : "outbound");
}

static void p_dns(struct parser *p, const struct nlattr *nest, struct dns_config *d)
{
	const struct nlattr *a;
	uint8_t v;

	d->enabled = true;
	mnl_attr_for_each_nested(a, nest) {
		switch (mnl_attr_get_type(a)) {
		case MESHREDIR_DNS_A_PORT:
			if (!get(a, 2, &d->port))
				bad(p, "redirect-dns-port");
			break;
		case MESHREDIR_DNS_A_CAPTURE_ALL:
			if (!get(a, 1, &v) || v > 1)
				bad(p, "redirect-all-dns-traffic");
			else
				d->capture_all = v;
			break;
		case MESHREDIR_DNS_A_ZONE_SPLIT:
			if (!get(a, 1, &v) || !dns_zone_split_get(d, v))
				bad(p, "skip-dns-conntrack-zone-split");
			break;
		case MESHREDIR_DNS_A_SERVERS:
			p_cidrs(p, a, &d->servers, "dns-servers");
			break;
		case MESHREDIR_DNS_A_DOCKER:
			p_cidrs(p, a, &d->docker, "dns-docker");
			break;
		case MESHREDIR_DNS_A_ENABLED:
			if (!get(a, 1, &v) || v > 1)
				bad(p, "redirect-dns");
			else
				d->enabled = v;
			break;
		}
		if (p->bad)
			return;
	}
	if (!nest_done(nest, a))
		bad(p, "dns");
}

static void p_vnet(struct parser *p, const struct nlattr *list, struct vnet_list *out)
{
	const char *what = "vnet";
	const struct nlattr *e, *a;

	mnl_attr_for_each_nested(e, list) {
		struct vnet v = { 0 };
		bool has_cidr = false;
		size_t len;

		if (mnl_attr_get_type(e) != MESHREDIR_LIST_A_ENTRY)
			continue;
		mnl_attr_for_each_nested(a, e) {
			switch (mnl_attr_get_type(a)) {
			case MESHREDIR_VNET_A_IFNAME:
				len = mnl_attr_get_payload_len(a);
				if (len < 2 || len > sizeof(v.ifname) ||
				    ((const char *)mnl_attr_get_payload(a))[len - 1] ||
				    strlen(mnl_attr_get_payload(a)) != len - 1)
					bad(p, what);
				else
					memcpy(v.ifname, mnl_attr_get_payload(a), len);
				break;
			case MESHREDIR_VNET_A_CIDR:
				p_cidr(p, a, &v.cidr, what);
				has_cidr = true;
				break;
			}
			if (p->bad)
				return;
		}
		if (!nest_done(e, a) || !has_cidr || !v.ifname[0]) {
			bad(p, what);
			return;
		}
		/* The kernel holds one entry per name and family. */
		vnet_list_set(out, &v);
	}
	if (!nest_done(list, e))
		bad(p, what);
}

static void p_counters(struct parser *p, const struct nlattr *nest,
		       struct tool_config *cfg)
{
	const struct nlattr *hook, *a;
	uint64_t v;
	int h;

	cfg->has_counters = true;
	mnl_attr_for_each_nested(hook, nest) {
		switch (mnl_attr_get_type(hook)) {
		case MESHREDIR_COUNTERS_A_LOCAL_OUT:
			h = HOOK_LOCAL_OUT;
			break;
		case MESHREDIR_COUNTERS_A_PRE_ROUTING:
			h = HOOK_PRE_ROUTING;
			break;
		default:
			continue;
		}
		mnl_attr_for_each_nested(a, hook) {
			uint16_t r = mnl_attr_get_type(a);

			/* 0 is the kernel's padding for 64-bit alignment. */
			if (r == MESHREDIR_REASON_UNSPEC || r > MESHREDIR_REASON_MAX)
				continue;
			if (!get(a, sizeof(v), &v)) {
				bad(p, "counters");
				return;
			}
			cfg->counters[h][r] = v;
		}
		if (!nest_done(hook, a)) {
			bad(p, "counters");
			return;
		}
	}
	if (!nest_done(nest, hook))
		bad(p, "counters");
}

int msg_parse_get(const struct nlmsghdr *nlh, struct tool_config *cfg,
		  char *err, size_t errlen)
{
	config_init(cfg);
	return msg_merge_get(nlh, cfg, err, errlen);
}

int msg_merge_get(const struct nlmsghdr *nlh, struct tool_config *cfg,
		  char *err, size_t errlen)
{
	struct parser p = { .err = err, .errlen = errlen };
	const struct nlattr *a;
	const char *end;

	if (nlh->nlmsg_len < MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(struct genlmsghdr))) {
		bad(&p, "short message");
		return -1;
	}
	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		switch (mnl_attr_get_type(a)) {
		case MESHREDIR_A_IP_FAMILY_MODE:
			if (!get(a, 1, &cfg->ip_family_mode))
				bad(&p, "ip-family-mode");
			break;
		case MESHREDIR_A_OWNER_UIDS:
			p_ranges(&p, a, false, &cfg->owner_uids, "owner-uids");
			break;
		case MESHREDIR_A_OWNER_GIDS:
			p_ranges(&p, a, false, &cfg->owner_gids, "owner-gids");
			break;
		case MESHREDIR_A_INBOUND:
			p_dir(&p, a, &cfg->inbound, true);
			break;
		case MESHREDIR_A_OUTBOUND:
			p_dir(&p, a, &cfg->outbound, false);
			break;
		case MESHREDIR_A_COUNTERS:
			p_counters(&p, a, cfg);
			break;
		case MESHREDIR_A_DNS:
			p_dns(&p, a, &cfg->dns);
			break;
		case MESHREDIR_A_VNET:
			p_vnet(&p, a, &cfg->vnet);
			break;
		case MESHREDIR_A_DROP_INVALID_PACKETS: {
			uint8_t v;

			if (!get(a, 1, &v) || v > 1)
				bad(&p, "drop-invalid-packets");
			else
				cfg->drop_invalid = v;
			break;
		}
		case MESHREDIR_A_EVENT_RATE:
			if (!get(a, sizeof(cfg->event_rate), &cfg->event_rate))
				bad(&p, "event-rate");
			break;
		case MESHREDIR_A_EVENTS_DROPPED:
			if (!get(a, sizeof(cfg->events_dropped), &cfg->events_dropped))
				bad(&p, "events-dropped");
			break;
		}
		if (p.bad)
			return -1;
	}
	end = (const char *)nlh + nlh->nlmsg_len;
	if ((const char *)a < end) {
		bad(&p, "trailing bytes");
		return -1;
	}
	return 0;
}
