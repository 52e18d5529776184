// SPDX-License-Identifier: GPL-2.0
/*
 * Module load and unload. meshredir redirects a network namespace's new TCP
 * connections to a service-mesh sidecar, classified as Kuma's iptables rules
 * would, bound by conntrack NAT so that the proxy can read the original
 * destination.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <net/genetlink.h>
#include "netlink.h"
#include "netns.h"
#include "../uapi/linux/meshredir.h"

static int __init mod_init(void)
{
	int err;

	/* Per-namespace state must exist before a command can reach it. */
	err = mr_net_init();
	if (err)
		goto err_net;
	err = mr_genl_init();
	if (err)
		goto err_genl;
	pr_info("loaded\n");
	return 0;

err_genl:
	mr_net_exit();
err_net:
	return err;
}

static void __exit mod_exit(void)
{
	mr_genl_exit();
	mr_net_exit();
}

module_init(mod_init);
module_exit(mod_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Transparent TCP redirection to a service-mesh sidecar");
MODULE_AUTHOR("The meshredir developers");
MODULE_VERSION(MR_VERSION);
MODULE_ALIAS_GENL_FAMILY(MESHREDIR_GENL_NAME);
