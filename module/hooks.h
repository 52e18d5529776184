/* SPDX-License-Identifier: GPL-2.0 */
/* The netfilter functions: the only code that touches an skb. */
#ifndef MR_HOOKS_H
#define MR_HOOKS_H

#include <linux/netfilter.h>

unsigned int mr_nat_hook(void *priv, struct sk_buff *skb,
			 const struct nf_hook_state *state);
/* drop-invalid-packets: a plain hook at PRE_ROUTING, after conntrack. */
unsigned int mr_invalid_hook(void *priv, struct sk_buff *skb,
			     const struct nf_hook_state *state);
/* The DNS conntrack zone split: plain hooks ahead of conntrack. */
unsigned int mr_zone_hook4(void *priv, struct sk_buff *skb,
			   const struct nf_hook_state *state);
unsigned int mr_zone_hook6(void *priv, struct sk_buff *skb,
			   const struct nf_hook_state *state);

#endif /* MR_HOOKS_H */
