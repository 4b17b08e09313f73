// SPDX-License-Identifier: GPL-2.0
/*
 * icmp_guard's control surface, per network namespace: the sysctl directory
 * net/ipv4/icmp_guard/ and the procfs directory /proc/net/icmp_guard/.
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

#define IG_KNOB(name, min, max) {					\
	.procname	= #name,					\
	.data		= (void *)&icmp_guard_default_cfg.name,		\
	.maxlen		= sizeof(int),					\
	.mode		= 0644,						\
	.proc_handler	= proc_dointvec_minmax,				\
	.extra1		= min,						\
	.extra2		= max,						\
}

/*
 * The template points at the defaults; each namespace gets a copy whose
 * .data is moved to the same field of its own icmp_guard_net. Writes out of
 * [extra1, extra2] fail with EINVAL and leave the value alone.
 */
static const struct ctl_table icmp_guard_sysctl_template[] = {
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
	{ }	/* the end, for kernels before 6.6; not counted */
};

#define IG_NR_KNOBS (ARRAY_SIZE(icmp_guard_sysctl_template) - 1)

int icmp_guard_sysctl_register(struct net *net, struct icmp_guard_net *ign)
{
	struct ctl_table *tbl;
	int i;

	tbl = kmemdup(icmp_guard_sysctl_template,
		      sizeof(icmp_guard_sysctl_template), GFP_KERNEL);
	if (!tbl)
		return -ENOMEM;
	for (i = 0; i < IG_NR_KNOBS; i++)
		tbl[i].data = (char *)&ign->cfg +
			      ((char *)tbl[i].data -
			       (char *)&icmp_guard_default_cfg);

	ign->sysctl_hdr = register_net_sysctl_sz(net, "net/ipv4/icmp_guard",
						 tbl, IG_NR_KNOBS);
	if (!ign->sysctl_hdr) {
		kfree(tbl);
		return -ENOMEM;
	}
	return 0;
}

void icmp_guard_sysctl_unregister(struct icmp_guard_net *ign)
{
	const struct ctl_table *tbl = ign->sysctl_hdr->ctl_table_arg;

	unregister_net_sysctl_table(ign->sysctl_hdr);
	kfree(tbl);
}

/* ------------------------------------------------------------------------
 * procfs
 */

/*
 * One "Name Value" line per counter, like /proc/net/snmp's fields, then
 * the gauges.
 */
static int icmp_guard_stats_show(struct seq_file *seq, void *v)
{
	const struct icmp_guard_net *ign;
	u64 sum[IG_NR_COUNTERS];
	int i;

	ign = icmp_guard_pernet(seq_file_single_net(seq));
	icmp_guard_stats_fold(ign, sum);
	for (i = 0; i < IG_NR_COUNTERS; i++)
		seq_printf(seq, "%s %llu\n", icmp_guard_counter_names[i],
			   sum[i]);
	seq_printf(seq, "Senders %d\n", icmp_guard_rl_senders(ign));
	return 0;
}

int icmp_guard_proc_init(struct net *net, struct icmp_guard_net *ign)
{
	/* The directory's data is the netns: PDE_NET() of its files. */
	ign->proc_dir = proc_mkdir_data("icmp_guard", 0555, net->proc_net, net);
	if (!ign->proc_dir)
		return -ENOMEM;
	if (!proc_create_net_single("stats", 0444, ign->proc_dir,
				    icmp_guard_stats_show, NULL) ||
	    !proc_create_net("senders", 0444, ign->proc_dir,
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
