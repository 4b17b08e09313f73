// SPDX-License-Identifier: GPL-2.0
/*
 * icmp_guard's control surface, per network namespace: the sysctl
 * directories net/ipv4/icmp_guard/ and net/ipv6/icmp_guard/, and the procfs
 * directory /proc/net/icmp_guard/.
 */

#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/sysctl.h>
#include <net/net_namespace.h>

#include "icmp_guard.h"

/* ------------------------------------------------------------------------
 * sysctl
 */

/*
 * The limiter's bounds: a rate above 1e9/s would cost under a nanosecond,
 * and burst <= 1e6 keeps cost * burst (at most 1e15 ns) far from u64
 * overflow, whatever the two are set to.
 */
static int ig_rate_max = NSEC_PER_SEC;
static int ig_burst_max = 1000000;
static int ig_senders_max = 1 << 20;
static int ig_evidence_ms_min = 10;
static int ig_evidence_ms_max = 60000;

/* A knob of a family's defaults (the template; each netns gets a copy). */
#define IG_CFG_KNOB(cfg, name, min, max)				\
{									\
	.procname	= #name,					\
	.data		= (void *)&(cfg).name,				\
	.maxlen		= sizeof(int),					\
	.mode		= 0644,						\
	.proc_handler	= proc_dointvec_minmax,				\
	.extra1		= min,						\
	.extra2		= max,						\
}

#define IG_KNOB(name, min, max)						\
	[IG_K_##name] = IG_CFG_KNOB(icmp_guard_default_cfg, name, min, max)

/*
 * The knobs in table order. Those from IG_K_rate to IG_K_max_senders size
 * kernel memory or work done in softirq: how many entries a namespace may
 * hold, how long each lives (burst / rate of credit), how many Redirects
 * reach the route and neighbour lookups. IG_K_inherit is last, and only
 * init_net has it.
 */
enum {
	IG_K_policy,
	IG_K_demote,
	IG_K_check_gateway,
	IG_K_check_lladdr,
	IG_K_check_new_gateway,
	IG_K_check_inner_source,
	IG_K_check_evidence,
	IG_K_evidence_ms,
	IG_K_log,
	IG_K_rate,
	IG_K_burst,
	IG_K_global_rate,
	IG_K_global_burst,
	IG_K_max_senders,
	IG_K_inherit,
	IG_NR_KNOBS
};

/*
 * 1: a new namespace starts from init_net's current values (as
 * net.core.devconf_inherit_init_net does for net.ipv4.conf); 0: from the
 * compile-time defaults. Either way log starts at 0 outside init_net.
 */
int icmp_guard_inherit = 1;

/*
 * The template points at the defaults; each namespace gets a copy whose
 * .data is moved to the same field of its own icmp_guard_net. Writes out of
 * [extra1, extra2] fail with EINVAL and leave the value alone.
 */
static const struct ctl_table icmp_guard_sysctl_template[IG_NR_KNOBS + 1] = {
	IG_KNOB(policy, SYSCTL_ZERO, SYSCTL_THREE),
	IG_KNOB(demote, SYSCTL_ZERO, SYSCTL_ONE),
	IG_KNOB(check_gateway, SYSCTL_ZERO, SYSCTL_ONE),
	IG_KNOB(check_lladdr, SYSCTL_ZERO, SYSCTL_ONE),
	IG_KNOB(check_new_gateway, SYSCTL_ZERO, SYSCTL_ONE),
	IG_KNOB(check_inner_source, SYSCTL_ZERO, SYSCTL_ONE),
	IG_KNOB(check_evidence, SYSCTL_ZERO, SYSCTL_ONE),
	IG_KNOB(evidence_ms, &ig_evidence_ms_min, &ig_evidence_ms_max),
	IG_KNOB(log, SYSCTL_ZERO, SYSCTL_ONE),
	IG_KNOB(rate, SYSCTL_ONE, &ig_rate_max),
	IG_KNOB(burst, SYSCTL_ONE, &ig_burst_max),
	IG_KNOB(global_rate, SYSCTL_ONE, &ig_rate_max),
	IG_KNOB(global_burst, SYSCTL_ONE, &ig_burst_max),
	IG_KNOB(max_senders, SYSCTL_ONE, &ig_senders_max),
	[IG_K_inherit] = {
		.procname	= "inherit",
		.data		= &icmp_guard_inherit,
		.maxlen		= sizeof(int),
		.mode		= 0644,
		.proc_handler	= proc_dointvec_minmax,
		.extra1		= SYSCTL_ZERO,
		.extra2		= SYSCTL_ONE,
	},
	[IG_NR_KNOBS] = { }	/* the end, for kernels before 6.6 */
};

/*
 * A namespace whose owner is not the initial user namespace belongs to
 * someone who may be unprivileged (unshare -Urn): its root passes the
 * sysctl permission check as owner. There the knobs that size memory or
 * softirq work are read-only, as nf_conntrack_max is: the namespace keeps
 * the values it started with (init_net's, see icmp_guard_inherit), which
 * only the host chose. The others switch or tune its own protection and
 * stay writable by its owner.
 */
static int icmp_guard_sysctl4_register(struct net *net,
				       struct icmp_guard_net *ign)
{
	size_t nr = IG_NR_KNOBS;
	struct ctl_table *tbl;
	int i;

	tbl = kmemdup(icmp_guard_sysctl_template,
		      sizeof(icmp_guard_sysctl_template), GFP_KERNEL_ACCOUNT);
	if (!tbl)
		return -ENOMEM;
	for (i = 0; i < IG_K_inherit; i++) {
		tbl[i].data = (char *)&ign->cfg +
			      ((char *)tbl[i].data -
			       (char *)&icmp_guard_default_cfg);
		if (i >= IG_K_rate && i <= IG_K_max_senders &&
		    net->user_ns != &init_user_ns)
			tbl[i].mode = 0444;
	}
	if (!net_eq(net, &init_net)) {
		/* inherit is the host's: drop it, leaving the end marker. */
		memset(&tbl[IG_K_inherit], 0, sizeof(tbl[IG_K_inherit]));
		nr = IG_K_inherit;
	}

	ign->sysctl_hdr[IG_V4] = register_net_sysctl_sz(net,
							"net/ipv4/icmp_guard",
							tbl, nr);
	if (!ign->sysctl_hdr[IG_V4]) {
		kfree(tbl);
		return -ENOMEM;
	}
	return 0;
}

#define IG6_KNOB(name, min, max)					\
	IG_CFG_KNOB(icmp_guard_default_cfg6, name, min, max)

/*
 * net.ipv6.icmp_guard.*: the same names, bounds and meaning as IPv4's, and
 * check_tlla. None sizes memory or work (the limiter's knobs are IPv4's,
 * one limiter serves both families), so all stay writable by the
 * namespace's owner.
 */
static const struct ctl_table icmp_guard_sysctl6_template[] = {
	IG6_KNOB(policy, SYSCTL_ZERO, SYSCTL_THREE),
	IG6_KNOB(check_gateway, SYSCTL_ZERO, SYSCTL_ONE),
	IG6_KNOB(check_lladdr, SYSCTL_ZERO, SYSCTL_ONE),
	IG6_KNOB(check_new_gateway, SYSCTL_ZERO, SYSCTL_ONE),
	IG6_KNOB(check_tlla, SYSCTL_ZERO, SYSCTL_ONE),
	IG6_KNOB(check_inner_source, SYSCTL_ZERO, SYSCTL_ONE),
	IG6_KNOB(check_evidence, SYSCTL_ZERO, SYSCTL_ONE),
	IG6_KNOB(evidence_ms, &ig_evidence_ms_min, &ig_evidence_ms_max),
	IG6_KNOB(log, SYSCTL_ZERO, SYSCTL_ONE),
	{ }	/* the end, for kernels before 6.6 */
};

#define IG6_NR_KNOBS (ARRAY_SIZE(icmp_guard_sysctl6_template) - 1)

static int icmp_guard_sysctl6_register(struct net *net,
				       struct icmp_guard_net *ign)
{
	struct ctl_table *tbl;
	size_t i;

	tbl = kmemdup(icmp_guard_sysctl6_template,
		      sizeof(icmp_guard_sysctl6_template), GFP_KERNEL_ACCOUNT);
	if (!tbl)
		return -ENOMEM;
	for (i = 0; i < IG6_NR_KNOBS; i++)
		tbl[i].data = (char *)&ign->cfg6 +
			      ((char *)tbl[i].data -
			       (char *)&icmp_guard_default_cfg6);
	ign->sysctl_hdr[IG_V6] = register_net_sysctl_sz(net,
							"net/ipv6/icmp_guard",
							tbl, IG6_NR_KNOBS);
	if (!ign->sysctl_hdr[IG_V6]) {
		kfree(tbl);
		return -ENOMEM;
	}
	return 0;
}

static void icmp_guard_sysctl_free(struct ctl_table_header *hdr)
{
	const struct ctl_table *tbl = hdr->ctl_table_arg;

	unregister_net_sysctl_table(hdr);
	kfree(tbl);
}

/* Both families' directories. */
int icmp_guard_sysctl_register(struct net *net, struct icmp_guard_net *ign)
{
	int ret;

	ret = icmp_guard_sysctl4_register(net, ign);
	if (ret)
		return ret;
	ret = icmp_guard_sysctl6_register(net, ign);
	if (ret)
		icmp_guard_sysctl_free(ign->sysctl_hdr[IG_V4]);
	return ret;
}

void icmp_guard_sysctl_unregister(struct icmp_guard_net *ign)
{
	icmp_guard_sysctl_free(ign->sysctl_hdr[IG_V6]);
	icmp_guard_sysctl_free(ign->sysctl_hdr[IG_V4]);
}

/* ------------------------------------------------------------------------
 * procfs
 */

/*
 * One "Name Value" line per counter, like /proc/net/snmp's fields, then
 * the gauges: stats for IPv4, stats6 for IPv6, the same names in each.
 * Senders is the limiter's, which both families share, in both.
 */
static int icmp_guard_stats_print(struct seq_file *seq, int idx)
{
	const struct icmp_guard_net *ign;
	u64 sum[IG_NR_COUNTERS];
	int i;

	ign = icmp_guard_pernet(seq_file_single_net(seq));
	icmp_guard_stats_fold(ign->stats[idx], sum);
	for (i = 0; i < IG_NR_COUNTERS; i++)
		seq_printf(seq, "%s %llu\n", icmp_guard_counter_names[i],
			   sum[i]);
	seq_printf(seq, "Senders %d\n", icmp_guard_rl_senders(ign));
	return 0;
}

static int icmp_guard_stats_show(struct seq_file *seq, void *v)
{
	return icmp_guard_stats_print(seq, IG_V4);
}

static int icmp_guard_stats6_show(struct seq_file *seq, void *v)
{
	return icmp_guard_stats_print(seq, IG_V6);
}

/*
 * senders shows who is being rate limited and how much credit each has
 * left: readable by the namespace's root only, as nf_conntrack is (0440).
 */
int icmp_guard_proc_init(struct net *net, struct icmp_guard_net *ign)
{
	/* The directory's data is the netns: PDE_NET() of its files. */
	ign->proc_dir = proc_mkdir_data("icmp_guard", 0555, net->proc_net, net);
	if (!ign->proc_dir)
		return -ENOMEM;
	if (!proc_create_net_single("stats", 0444, ign->proc_dir,
				    icmp_guard_stats_show, NULL) ||
	    !proc_create_net_single("stats6", 0444, ign->proc_dir,
				    icmp_guard_stats6_show, NULL) ||
	    !proc_create_net("senders", 0440, ign->proc_dir,
			     &icmp_guard_senders_seq_ops,
			     icmp_guard_senders_iter_size())) {
		remove_proc_subtree("icmp_guard", net->proc_net);
		return -ENOMEM;
	}
	return 0;
}

void icmp_guard_proc_exit(struct net *net, struct icmp_guard_net *ign)
{
	remove_proc_subtree("icmp_guard", net->proc_net);
}
