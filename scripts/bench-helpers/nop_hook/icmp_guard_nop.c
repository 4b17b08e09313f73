// SPDX-License-Identifier: GPL-2.0
/*
 * The benchmark's floor: an IPv4 NF_INET_LOCAL_IN hook at icmp_guard's
 * priority, in every namespace, that accepts everything at once. What
 * icmp_guard costs beyond this is the cost of its own work.
 */

#include <linux/module.h>
#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>
#include <net/net_namespace.h>

static unsigned int nop_hook(void *priv, struct sk_buff *skb,
			     const struct nf_hook_state *state)
{
	return NF_ACCEPT;
}

static const struct nf_hook_ops nop_ops = {
	.hook		= nop_hook,
	.pf		= NFPROTO_IPV4,
	.hooknum	= NF_INET_LOCAL_IN,
	.priority	= NF_IP_PRI_FILTER - 1,
};

static int __net_init nop_net_init(struct net *net)
{
	return nf_register_net_hook(net, &nop_ops);
}

static void __net_exit nop_net_pre_exit(struct net *net)
{
	nf_unregister_net_hook(net, &nop_ops);
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
MODULE_DESCRIPTION("icmp_guard benchmark: a LOCAL_IN hook that does nothing");
