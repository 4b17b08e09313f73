// SPDX-License-Identifier: GPL-2.0
/*
 * The benchmark's floor: IPv4 and IPv6 hooks where icmp_guard has its own
 * (NF_INET_LOCAL_IN and NF_INET_POST_ROUTING, at its priorities), in every
 * namespace, that accept everything at once. What icmp_guard costs beyond
 * this is the cost of its own work.
 */

#include <linux/module.h>
#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6.h>
#include <net/net_namespace.h>

static unsigned int nop_hook(void *priv, struct sk_buff *skb,
			     const struct nf_hook_state *state)
{
	return NF_ACCEPT;
}

static const struct nf_hook_ops nop_ops[] = {
	{
		.hook		= nop_hook,
		.pf		= NFPROTO_IPV4,
		.hooknum	= NF_INET_LOCAL_IN,
		.priority	= NF_IP_PRI_FILTER - 1,
	},
	{
		.hook		= nop_hook,
		.pf		= NFPROTO_IPV4,
		.hooknum	= NF_INET_POST_ROUTING,
		.priority	= NF_IP_PRI_LAST,
	},
	{
		.hook		= nop_hook,
		.pf		= NFPROTO_IPV6,
		.hooknum	= NF_INET_LOCAL_IN,
		.priority	= NF_IP6_PRI_FILTER - 1,
	},
	{
		.hook		= nop_hook,
		.pf		= NFPROTO_IPV6,
		.hooknum	= NF_INET_POST_ROUTING,
		.priority	= NF_IP6_PRI_LAST,
	},
};

static int __net_init nop_net_init(struct net *net)
{
	return nf_register_net_hooks(net, nop_ops, ARRAY_SIZE(nop_ops));
}

static void __net_exit nop_net_pre_exit(struct net *net)
{
	nf_unregister_net_hooks(net, nop_ops, ARRAY_SIZE(nop_ops));
}

static struct pernet_operations nop_net_ops = {
	.init		= nop_net_init,
	.pre_exit	= nop_net_pre_exit,
};

static int __init nop_init(void)
{
	return register_pernet_subsys(&nop_net_ops);
}

static void __exit nop_exit(void)
{
	unregister_pernet_subsys(&nop_net_ops);
}

module_init(nop_init);
module_exit(nop_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("icmp_guard benchmark: hooks that do nothing");
