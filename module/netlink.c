// SPDX-License-Identifier: GPL-2.0
/* The generic netlink family: its policy, its commands, registration. */

#include <net/genetlink.h>
#include "compat.h"
#include "netlink.h"

static const struct netlink_range_validation event_rate_range = {
	.min = 1,
	.max = MESHREDIR_MAX_EVENT_RATE,
};

static const struct nla_policy family_policy[MESHREDIR_A_MAX + 1] = {
	[MESHREDIR_A_IP_FAMILY_MODE] = NLA_POLICY_RANGE(NLA_U8, MESHREDIR_IP_FAMILY_IPV4,
							 MESHREDIR_IP_FAMILY_MAX),
	[MESHREDIR_A_OWNER_UIDS] = { .type = NLA_NESTED },
	[MESHREDIR_A_OWNER_GIDS] = { .type = NLA_NESTED },
	[MESHREDIR_A_INBOUND] = { .type = NLA_NESTED },
	[MESHREDIR_A_OUTBOUND] = { .type = NLA_NESTED },
	[MESHREDIR_A_COUNTERS] = { .type = NLA_REJECT },
	[MESHREDIR_A_DROP_INVALID_PACKETS] = NLA_POLICY_MAX(NLA_U8, 1),
	[MESHREDIR_A_SET_MORE] = { .type = NLA_FLAG },
	[MESHREDIR_A_SET_PART] = { .type = NLA_U32 },
	[MESHREDIR_A_DNS] = { .type = NLA_NESTED },
	[MESHREDIR_A_EVENT_RATE] = NLA_POLICY_FULL_RANGE(NLA_U32,
							 MR_POLICY_RANGE(&event_rate_range)),
	[MESHREDIR_A_EVENTS_DROPPED] = {
		.type = NLA_REJECT,
		.reject_message = "events-dropped: read-only, in GET replies only",
	},
	[MESHREDIR_A_VNET] = { .type = NLA_NESTED },
};

static const struct genl_ops genl_ops[] = {
	{
		.cmd = MESHREDIR_CMD_SET,
		.doit = mr_nl_set,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = MESHREDIR_CMD_GET,
		.doit = mr_nl_get,
		.start = mr_nl_get_start,
		.dumpit = mr_nl_get_dumpit,
		.done = mr_nl_get_done,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = MESHREDIR_CMD_DEL,
		.doit = mr_nl_del,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = MESHREDIR_CMD_RESET_COUNTERS,
		.doit = mr_nl_reset_counters,
		.flags = GENL_UNS_ADMIN_PERM,
	},
};

/* Subscribing needs CAP_NET_ADMIN over the namespace, as every command. */
static const struct genl_multicast_group genl_mcgrps[] = {
	[MR_MCGRP_EVENTS] = MR_MCGRP(MESHREDIR_MCGRP_EVENTS),
};

struct genl_family mr_genl_family __ro_after_init = {
	.name = MESHREDIR_GENL_NAME,
	.version = MESHREDIR_GENL_VERSION,
	.maxattr = MESHREDIR_A_MAX,
	.policy = family_policy,
	.netnsok = true,
	.parallel_ops = true,
	/*
	 * resv_start_op 0: every command is new, so genetlink refuses (EINVAL)
	 * a non-zero reserved byte or unknown nlmsg_flags, and no command may
	 * opt out of strict attribute validation.
	 */
	.ops = genl_ops,
	.n_ops = ARRAY_SIZE(genl_ops),
	.mcgrps = genl_mcgrps,
	.n_mcgrps = ARRAY_SIZE(genl_mcgrps),
	.module = THIS_MODULE,
};

int __init mr_genl_init(void)
{
	return genl_register_family(&mr_genl_family);
}

void mr_genl_exit(void)
{
	genl_unregister_family(&mr_genl_family);
}
