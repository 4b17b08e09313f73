/* SPDX-License-Identifier: GPL-2.0 */
/*
 * icmp_guard: police incoming ICMP Redirects, per network namespace.
 */

#ifndef _ICMP_GUARD_H
#define _ICMP_GUARD_H

#include <linux/types.h>
#include <linux/in6.h>
#include <linux/percpu.h>
#include <linux/ratelimit_types.h>
#include <linux/siphash.h>
#include <linux/spinlock.h>
#include <linux/netfilter.h>
#include <linux/u64_stats_sync.h>
#include <linux/workqueue.h>

#include "compat/compat.h"

struct net;
struct ctl_table_header;
struct proc_dir_entry;
struct ig_sender;

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
	C(DROP_RATE_LIMITED,	"DropRateLimited",			\
	  "sender over its rate limit")					\
	C(DROP_GLOBAL_LIMIT,	"DropGlobalLimit",			\
	  "namespace over its rate limit")				\
	C(DROP_SENDERS_FULL,	"DropSendersFull",			\
	  "too many senders tracked")					\
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
	C(DROP_INNER_PROTO,	"DropInnerProto",			\
	  "embedded datagram is of a kind anyone can make this host send") \
	C(DROP_NO_EVIDENCE,	"DropNoEvidence",			\
	  "embedded datagram was not sent via this gateway recently")	\
	C(DROP_TLLA,		"DropTlla",				\
	  "target link-layer address contradicts its neighbour entry")	\
	C(DROP_INNER_DEST,	"DropInnerDest",			\
	  "embedded datagram is not to the redirected destination")	\
	C(DROP_BLOCKED,		"DropBlocked",		"policy is block") \
	C(MONITOR_WOULD_DROP,	"MonitorWouldDrop",	"")		\
	C(DROP_NO_MEMORY,	"DropNoMemory",				\
	  "no memory for the sender's entry")				\
	C(IGNORED_NO_ACCEPT,	"IgnoredNoAccept",	"")

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
	int check_evidence;
	int evidence_ms;	/* how long a sent datagram is evidence */
	int log;
	int rate;		/* per sender, per second */
	int burst;
	int global_rate;	/* per namespace, per second */
	int global_burst;
	int max_senders;
};

struct icmp_guard_stats {
	u64_stats_t cnt[IG_NR_COUNTERS];
	struct u64_stats_sync syncp;
};

/*
 * The rate limiter's state, per namespace. 1024 buckets keep chains short
 * at the default max_senders of 4096; the table costs 8 KiB.
 */
#define IG_RL_BUCKETS 1024

struct ig_rl {
	struct hlist_head *table;
	/*
	 * Every entry again, newest first: /proc/net/icmp_guard/senders
	 * lists this, an order that tells nothing of the hash key.
	 */
	struct hlist_head all;
	hsiphash_key_t key;
	spinlock_t lock;		/* insertions and removals */
	atomic_t count;			/* entries: the Senders gauge */
	spinlock_t global_lock;		/* the namespace's bucket */
	u64 global_tokens;
	u64 global_last_ns;
	struct delayed_work gc;
};

/* The egress record (evidence.c), per namespace. */
struct ig_ev_table;

struct ig_ev {
	hsiphash_key_t key;
	struct ig_ev_table *table;
};

/* The largest flow key, in u64 words: struct ig_ev6_key. */
#define IG_EV_KEY_WORDS	8

/*
 * An IPv4 flow as the egress record keys it; zero the padding. Read as u64
 * words (evidence.c), hence the alignment.
 */
struct ig_ev4_key {
	__be32 saddr;
	__be32 daddr;
	__be32 gw;
	int ifindex;		/* the output device, a VRF's port */
	__be16 sport;		/* ICMP: the echo identifier */
	__be16 dport;
	u8 proto;
	u8 pad[3];
} __aligned(8);

/* The hooks each namespace registers (main.c). */
#define IG_NR_HOOKS	2

/*
 * An IPv6 flow as the egress record keys it (ipv6.c); zero the padding.
 * IPv6 has no IP ID: the flow label, a keyed hash of the flow when
 * net.ipv6.auto_flowlabels is on, is part of the key instead.
 */
struct ig_ev6_key {
	struct in6_addr saddr;
	struct in6_addr daddr;
	struct in6_addr gw;	/* the router, as rt6_nexthop() names it */
	int ifindex;		/* the output device, a VRF's port */
	__be32 flowlabel;
	__be16 sport;		/* ICMPv6: the echo identifier */
	__be16 dport;
	u8 proto;
	u8 pad[3];
} __aligned(8);

struct icmp_guard_net {
	struct icmp_guard_cfg cfg;
	/* The namespace's copy of the hooks: their priv is this structure. */
	struct nf_hook_ops ops[IG_NR_HOOKS];
	struct icmp_guard_stats __percpu *stats;
	struct ig_rl rl;
	struct ig_ev ev;
	/* Log lines: each namespace has its own budget, see ig_log(). */
	struct ratelimit_state log_rs;
	struct ctl_table_header *sysctl_hdr;
	struct proc_dir_entry *proc_dir;
};

extern const struct icmp_guard_cfg icmp_guard_default_cfg;

/* init_net's net.ipv4.icmp_guard.inherit (ctl.c) */
extern int icmp_guard_inherit;

struct icmp_guard_net *icmp_guard_pernet(const struct net *net);
void icmp_guard_stats_fold(const struct icmp_guard_net *ign,
			   u64 sum[IG_NR_COUNTERS]);

/* ctl.c: sysctl and procfs, per namespace */
int icmp_guard_sysctl_register(struct net *net, struct icmp_guard_net *ign);
void icmp_guard_sysctl_unregister(struct icmp_guard_net *ign);
int icmp_guard_proc_init(struct net *net, struct icmp_guard_net *ign);
void icmp_guard_proc_exit(struct net *net, struct icmp_guard_net *ign);

/* ratelimiter.c */
int icmp_guard_rl_check(struct icmp_guard_net *ign, __be32 addr,
			const u8 *lladdr, struct ig_sender **sender);
int icmp_guard_rl_check6(struct icmp_guard_net *ign,
			 const struct in6_addr *addr, const u8 *lladdr,
			 struct ig_sender **sender);
void icmp_guard_rl_account(struct ig_sender *s, bool accepted);
int icmp_guard_rl_senders(const struct icmp_guard_net *ign);
int icmp_guard_rl_init(struct icmp_guard_net *ign);
void icmp_guard_rl_exit(struct icmp_guard_net *ign);
int icmp_guard_rl_module_init(void);
void icmp_guard_rl_module_exit(void);
extern const struct seq_operations icmp_guard_senders_seq_ops;
size_t icmp_guard_senders_iter_size(void);

/* evidence.c */
void icmp_guard_ev_module_init(void);
size_t icmp_guard_ev_bytes(void);
unsigned int icmp_guard_ev_flows(void);
int icmp_guard_ev_init(struct icmp_guard_net *ign);
void icmp_guard_ev_exit(struct icmp_guard_net *ign);
bool icmp_guard_ev_match(struct icmp_guard_net *ign, const void *k,
			 size_t klen, u16 id, u32 seq, unsigned long window);

/* ipv6.c: ND Redirects, net.ipv6.icmp_guard, /proc/net/icmp_guard/stats6 */
int icmp_guard_ipv6_init(void);
void icmp_guard_ipv6_exit(void);

#endif /* _ICMP_GUARD_H */
