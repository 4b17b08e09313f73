/* SPDX-License-Identifier: GPL-2.0 */
/*
 * icmp_guard: police incoming ICMP Redirects, per network namespace.
 */

#ifndef _ICMP_GUARD_H
#define _ICMP_GUARD_H

#include <linux/types.h>
#include <linux/percpu.h>
#include <linux/u64_stats_sync.h>

struct net;
struct ctl_table_header;
struct proc_dir_entry;

/*
 * Every counter of /proc/net/icmp_guard/stats, in file order. The enum, the
 * names and the log reasons all come from this one table so they cannot
 * drift. C(ID, "ProcName", "log reason"): a non-empty reason marks a drop
 * reason, counted together with IG_DROPPED.
 */
#define ICMP_GUARD_COUNTERS(C)						\
	C(IN_REDIRECTS,		"InRedirects",		"")		\
	C(IN_NET_REDIRECTS,	"InNetRedirects",	"")		\
	C(DEMOTED,		"Demoted",		"")		\
	C(ACCEPTED,		"Accepted",		"")		\
	C(DROPPED,		"Dropped",		"")		\
	C(DROP_MALFORMED,	"DropMalformed",	"malformed")	\
	C(DROP_CHECKSUM,	"DropChecksum",		"bad checksum")	\
	C(DROP_BAD_CODE,	"DropBadCode",		"bad code")	\
	C(DROP_NOT_GATEWAY,	"DropNotGateway",			\
	  "sender is not the current gateway")				\
	C(DROP_WRONG_DEVICE,	"DropWrongDevice",			\
	  "arrived on another device than the route's")			\
	C(DROP_LLADDR,		"DropLladdr",				\
	  "link-layer sender is not the gateway")			\
	C(DROP_BAD_NEW_GATEWAY,	"DropBadNewGateway",			\
	  "new gateway is not an on-link unicast neighbour")		\
	C(DROP_INNER_SOURCE,	"DropInnerSource",			\
	  "embedded datagram was not sent by this host")		\
	C(DROP_BLOCKED,		"DropBlocked",		"policy is block") \
	C(MONITOR_WOULD_DROP,	"MonitorWouldDrop",	"")

#define IG_COUNTER_ENUM(id, name, why) IG_##id,
enum icmp_guard_counter {
	ICMP_GUARD_COUNTERS(IG_COUNTER_ENUM)
	IG_NR_COUNTERS
};

#undef IG_COUNTER_ENUM

extern const char *const icmp_guard_counter_names[IG_NR_COUNTERS];
extern const char *const icmp_guard_drop_reasons[IG_NR_COUNTERS];

enum icmp_guard_policy {
	ICMP_GUARD_OFF,
	ICMP_GUARD_MONITOR,
	ICMP_GUARD_ENFORCE,
	ICMP_GUARD_BLOCK,
};

/* Knobs of net.ipv4.icmp_guard.*, read locklessly on the hook's path. */
struct icmp_guard_cfg {
	int policy;
	int demote;
	int check_gateway;
	int check_lladdr;
	int check_new_gateway;
	int check_inner_source;
	int log;
};

struct icmp_guard_stats {
	u64_stats_t cnt[IG_NR_COUNTERS];
	struct u64_stats_sync syncp;
};

struct icmp_guard_net {
	struct icmp_guard_cfg cfg;
	struct icmp_guard_stats __percpu *stats;
	struct ctl_table_header *sysctl_hdr;
	struct proc_dir_entry *proc_dir;
};

extern const struct icmp_guard_cfg icmp_guard_default_cfg;

struct icmp_guard_net *icmp_guard_pernet(const struct net *net);
void icmp_guard_stats_fold(const struct icmp_guard_net *ign,
			   u64 sum[IG_NR_COUNTERS]);

/* ctl.c: sysctl and procfs, per namespace */
int icmp_guard_sysctl_register(struct net *net, struct icmp_guard_net *ign);
void icmp_guard_sysctl_unregister(struct icmp_guard_net *ign);
int icmp_guard_proc_init(struct net *net, struct icmp_guard_net *ign);
void icmp_guard_proc_exit(struct net *net, struct icmp_guard_net *ign);

#endif /* _ICMP_GUARD_H */
