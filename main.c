// SPDX-License-Identifier: GPL-2.0
/*
 * icmp_guard: police incoming Redirects, ICMP's (ipv4.c) and Neighbour
 * Discovery's (ipv6.c), per network namespace.
 *
 * This is the part both families share: the verdict on a Redirect their
 * checks judged (the policy, the limiter's accounting, the log line, the
 * counters), the per-namespace state and its life cycle, and the module.
 * Each family's netfilter hooks, at NF_INET_LOCAL_IN (the Redirects) and
 * NF_INET_POST_ROUTING (the egress record's feed, evidence.c), are
 * registered here, in every namespace, with that namespace's state as
 * their priv.
 */

#include <linux/etherdevice.h>
#include <linux/module.h>
#include <linux/netdevice.h>
#include <linux/netfilter.h>
#include <linux/ratelimit.h>
#include <linux/skbuff.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

#include "icmp_guard.h"

/* In enum order, so each string sits at its counter's index. */
#define IG_NAME(id, name, why) name,
const char *const icmp_guard_counter_names[IG_NR_COUNTERS] = {
	ICMP_GUARD_COUNTERS(IG_NAME)
};

#define IG_WHY(id, name, why) why,
const char *const icmp_guard_drop_reasons[IG_NR_COUNTERS] = {
	ICMP_GUARD_COUNTERS(IG_WHY)
};

const struct icmp_guard_cfg6 icmp_guard_default_cfg6 = {
	.policy			= ICMP_GUARD_ENFORCE,
	.check_gateway		= 1,
	.check_lladdr		= 1,
	.check_new_gateway	= 1,
	.check_tlla		= 1,
	.check_inner_source	= 1,
	.check_evidence		= 1,
	.evidence_ms		= 2000,
	.log			= 1,
};

const struct icmp_guard_cfg icmp_guard_default_cfg = {
	.policy			= ICMP_GUARD_ENFORCE,
	.demote			= 1,
	.check_gateway		= 1,
	.check_lladdr		= 1,
	.check_new_gateway	= 1,
	.check_inner_source	= 1,
	.check_evidence		= 1,
	.evidence_ms		= 2000,
	.log			= 1,
	.rate			= 10,
	.burst			= 20,
	.global_rate		= 500,
	.global_burst		= 1000,
	.max_senders		= 4096,
};

static unsigned int icmp_guard_net_id __read_mostly;

struct icmp_guard_net *icmp_guard_pernet(const struct net *net)
{
	return net_generic(net, icmp_guard_net_id);
}

/* ------------------------------------------------------------------------
 * Counters
 */

/* One update section per packet: the verdict is collected as a bit mask. */
static void icmp_guard_count(struct icmp_guard_stats __percpu *stats,
			     u64 mask)
{
	struct icmp_guard_stats *s;

	BUILD_BUG_ON(IG_NR_COUNTERS > 64);

	/* LOCAL_IN runs with BH disabled, so this CPU's slot is ours. */
	s = this_cpu_ptr(stats);
	u64_stats_update_begin(&s->syncp);
	while (mask) {
		u64_stats_inc(&s->cnt[__ffs64(mask)]);
		mask &= mask - 1;
	}
	u64_stats_update_end(&s->syncp);
}

void icmp_guard_stats_fold(const struct icmp_guard_stats __percpu *stats,
			   u64 sum[IG_NR_COUNTERS])
{
	u64 v[IG_NR_COUNTERS];
	unsigned int start;
	int cpu, i;

	memset(sum, 0, sizeof(u64) * IG_NR_COUNTERS);
	for_each_possible_cpu(cpu) {
		const struct icmp_guard_stats *s = per_cpu_ptr(stats, cpu);

		do {
			start = u64_stats_fetch_begin(&s->syncp);
			for (i = 0; i < IG_NR_COUNTERS; i++)
				v[i] = u64_stats_read(&s->cnt[i]);
		} while (u64_stats_fetch_retry(&s->syncp, start));
		for (i = 0; i < IG_NR_COUNTERS; i++)
			sum[i] += v[i];
	}
}

/* ------------------------------------------------------------------------
 * The verdict
 */

/*
 * Each namespace has its own budget of lines (10 per 5 s, net_ratelimit()'s
 * defaults), shared by both families, so that a namespace flooding itself
 * with bad Redirects cannot use up the budget of another, or of the host,
 * as it would with the shared net_ratelimit(). One format for both: the
 * addresses are IPv4's or IPv6's.
 */
static void icmp_guard_log(int idx, const struct ig_msg *m, int reason,
			   bool dropped)
{
	static const u8 no_mac[ETH_ALEN];
	const char *what = dropped ? "dropped" : "would drop";
	const u8 *mac = m->has_mac ? m->src_mac : no_mac;

	if (!__ratelimit(&m->ign->log_rs))
		return;
	if (idx == IG_V4)
		pr_info("netns %u: %s redirect from %pI4 (%pM) on %s: %s; new gateway %pI4 for %pI4 -> %pI4\n",
			m->net->ns.inum, what, m->saddr, mac, m->dev->name,
			icmp_guard_drop_reasons[reason], m->new_gw,
			m->inner_saddr, m->inner_daddr);
	else
		pr_info("netns %u: %s redirect from %pI6c (%pM) on %s: %s; new gateway %pI6c for %pI6c -> %pI6c\n",
			m->net->ns.inum, what, m->saddr, mac, m->dev->name,
			icmp_guard_drop_reasons[reason], m->new_gw,
			m->inner_saddr, m->inner_daddr);
}

/*
 * The verdict on Redirect M of family FAM, and its counters, in one update
 * of the family's stats:
 * - policy off: accepted, unjudged; block: dropped, unjudged;
 * - on a device where Linux ignores Redirects: passed untouched, unjudged
 *   and uncharged, so that they cost nothing and spend no sender's tokens,
 *   counted as accepted and as ignored;
 * - else the family's checks judge it; the sender's limiter entry, if the
 *   checks reached the limiter, learns the outcome; a refusal is logged
 *   (if log is on) and, under enforce, dropped and counted under its
 *   reason; under monitor it goes on, counted as MonitorWouldDrop. An
 *   accepted one under enforce may still be rewritten (IPv4's demotion).
 */
unsigned int icmp_guard_verdict(const struct ig_family *fam,
				struct sk_buff *skb, struct ig_msg *m)
{
	struct icmp_guard_stats __percpu *stats = m->ign->stats[fam->idx];
	bool enforce = m->policy == ICMP_GUARD_ENFORCE;
	u64 mask = m->mask | IG_BIT(IN_REDIRECTS);
	int reason;

	if (m->policy == ICMP_GUARD_OFF) {
		icmp_guard_count(stats, mask | IG_BIT(ACCEPTED));
		return NF_ACCEPT;
	}
	if (m->policy == ICMP_GUARD_BLOCK) {
		icmp_guard_count(stats, mask | IG_BIT(DROPPED) |
			       IG_BIT(DROP_BLOCKED));
		return NF_DROP;
	}
	if (fam->ignored(skb)) {
		icmp_guard_count(stats, mask | IG_BIT(ACCEPTED) |
			       IG_BIT(IGNORED_NO_ACCEPT));
		return NF_ACCEPT;
	}

	reason = fam->judge(skb, m);
	if (m->sender)
		icmp_guard_rl_account(m->sender, !reason || !enforce);
	if (reason) {
		if (m->log)
			icmp_guard_log(fam->idx, m, reason, enforce);
		if (enforce) {
			icmp_guard_count(stats, mask | IG_BIT(DROPPED) |
				       BIT_ULL(reason));
			return NF_DROP;
		}
		mask |= IG_BIT(MONITOR_WOULD_DROP);
	} else if (enforce && fam->accepted) {
		mask |= fam->accepted(skb, m, mask);
	}
	icmp_guard_count(stats, mask | IG_BIT(ACCEPTED));
	return NF_ACCEPT;
}

/* ------------------------------------------------------------------------
 * Per-namespace life cycle
 */

/*
 * A new namespace's knobs, both families': init_net's current values if
 * net.ipv4.icmp_guard.inherit is on (so a host's sysctl.d settings reach
 * its containers), else the defaults. init_net is the first namespace the
 * core initialises, so its values are there. Each value is read once; a
 * write racing the creation leaves the new namespace with the old or the
 * new value of that knob. Outside init_net, log starts at 0, whatever
 * init_net's: lines from every container are opt-in, as nf_log_all_netns
 * makes them for netfilter's log.
 *
 * Every knob is an int (the sysctl tables say so): they are copied as an
 * array, so that a knob added later cannot be forgotten here.
 */
static void icmp_guard_inherit_knobs(int *knob, const int *host, size_t size)
{
	size_t i;

	for (i = 0; i < size / sizeof(int); i++)
		knob[i] = READ_ONCE(host[i]);
}

static void icmp_guard_cfg_init(struct net *net, struct icmp_guard_net *ign)
{
	const struct icmp_guard_net *host = icmp_guard_pernet(&init_net);

	BUILD_BUG_ON(sizeof(ign->cfg) % sizeof(int));
	BUILD_BUG_ON(sizeof(ign->cfg6) % sizeof(int));
	ign->cfg = icmp_guard_default_cfg;
	ign->cfg6 = icmp_guard_default_cfg6;
	if (net_eq(net, &init_net))
		return;
	if (READ_ONCE(icmp_guard_inherit)) {
		icmp_guard_inherit_knobs((int *)&ign->cfg,
					 (const int *)&host->cfg,
					 sizeof(ign->cfg));
		icmp_guard_inherit_knobs((int *)&ign->cfg6,
					 (const int *)&host->cfg6,
					 sizeof(ign->cfg6));
	}
	ign->cfg.log = 0;
	ign->cfg6.log = 0;
}

static void icmp_guard_free_stats(struct icmp_guard_net *ign)
{
	int i;

	for (i = 0; i < IG_NR_FAMILIES; i++)
		free_percpu(ign->stats[i]);
}

static int __net_init icmp_guard_net_init(struct net *net)
{
	struct icmp_guard_net *ign = icmp_guard_pernet(net);
	int i, ret;

	icmp_guard_cfg_init(net, ign);
	ratelimit_state_init(&ign->log_rs, DEFAULT_RATELIMIT_INTERVAL,
			     DEFAULT_RATELIMIT_BURST);
	for (i = 0; i < IG_NR_FAMILIES; i++) {
		/* It initialises each CPU's syncp; alloc_percpu() does not. */
		ign->stats[i] =
			netdev_alloc_pcpu_stats(struct icmp_guard_stats);
		if (!ign->stats[i]) {
			ret = -ENOMEM;
			goto err_free_stats;
		}
	}

	ret = icmp_guard_rl_init(ign);
	if (ret)
		goto err_free_stats;
	ret = icmp_guard_ev_init(ign);
	if (ret)
		goto err_exit_rl;
	ret = icmp_guard_sysctl_register(net, ign);
	if (ret)
		goto err_exit_ev;
	ret = icmp_guard_proc_init(net, ign);
	if (ret)
		goto err_unregister_sysctl;
	/*
	 * A copy of the hooks per namespace, so that each finds its state
	 * in priv rather than through net_generic() on every packet.
	 */
	BUILD_BUG_ON(ARRAY_SIZE(icmp_guard_ipv4_ops) +
		     ARRAY_SIZE(icmp_guard_ipv6_ops) != IG_NR_HOOKS);
	memcpy(ign->ops, icmp_guard_ipv4_ops, sizeof(icmp_guard_ipv4_ops));
	memcpy(ign->ops + ARRAY_SIZE(icmp_guard_ipv4_ops), icmp_guard_ipv6_ops,
	       sizeof(icmp_guard_ipv6_ops));
	for (i = 0; i < IG_NR_HOOKS; i++)
		ign->ops[i].priv = ign;
	ret = nf_register_net_hooks(net, ign->ops, IG_NR_HOOKS);
	if (ret)
		goto err_remove_proc;
	return 0;

err_remove_proc:
	icmp_guard_proc_exit(net, ign);
err_unregister_sysctl:
	icmp_guard_sysctl_unregister(ign);
err_exit_ev:
	icmp_guard_ev_exit(ign);
err_exit_rl:
	icmp_guard_rl_exit(ign);
err_free_stats:
	icmp_guard_free_stats(ign);
	return ret;
}

/*
 * The hooks go first; the core then waits for an RCU grace period before
 * ->exit, so no packet is still inside a hook when its state is freed.
 */
static void __net_exit icmp_guard_net_pre_exit(struct net *net)
{
	nf_unregister_net_hooks(net, icmp_guard_pernet(net)->ops, IG_NR_HOOKS);
}

static void __net_exit icmp_guard_net_exit(struct net *net)
{
	struct icmp_guard_net *ign = icmp_guard_pernet(net);

	icmp_guard_proc_exit(net, ign);
	icmp_guard_sysctl_unregister(ign);
	icmp_guard_ev_exit(ign);
	icmp_guard_rl_exit(ign);
	icmp_guard_free_stats(ign);
	ratelimit_state_exit(&ign->log_rs);
}

static struct pernet_operations icmp_guard_net_ops = {
	.init		= icmp_guard_net_init,
	.pre_exit	= icmp_guard_net_pre_exit,
	.exit		= icmp_guard_net_exit,
	.id		= &icmp_guard_net_id,
	.size		= sizeof(struct icmp_guard_net),
};

static int __init icmp_guard_init(void)
{
	int ret;

	icmp_guard_ev_module_init();
	ret = icmp_guard_rl_module_init();
	if (ret)
		return ret;
	ret = register_pernet_subsys(&icmp_guard_net_ops);
	if (ret)
		goto err_exit_rl;
	pr_info("loaded; egress record: %u flows, %zu bytes per namespace\n",
		icmp_guard_ev_flows(), icmp_guard_ev_bytes());
	return 0;

err_exit_rl:
	icmp_guard_rl_module_exit();
	return ret;
}

static void __exit icmp_guard_exit(void)
{
	unregister_pernet_subsys(&icmp_guard_net_ops);
	icmp_guard_rl_module_exit();
	pr_info("unloaded\n");
}

module_init(icmp_guard_init);
module_exit(icmp_guard_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Police incoming ICMP and ND Redirects");
MODULE_VERSION("0.3.0");
MODULE_AUTHOR("The icmp_guard developers");
