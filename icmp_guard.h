/* SPDX-License-Identifier: GPL-2.0 */
/*
 * icmp_guard: police incoming ICMP Redirects, per network namespace.
 */

#ifndef _ICMP_GUARD_H
#define _ICMP_GUARD_H

#include <linux/types.h>
#include <linux/if_ether.h>
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

#define IG_BIT(c) BIT_ULL(IG_##c)

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

/*
 * Knobs of net.ipv6.icmp_guard.*: IPv4's names for the same checks, and
 * check_tlla. The limiter's knobs are IPv4's: one limiter serves both.
 */
struct icmp_guard_cfg6 {
	int policy;
	int check_gateway;
	int check_lladdr;
	int check_new_gateway;
	int check_tlla;
	int check_inner_source;
	int check_evidence;
	int evidence_ms;
	int log;
};

/* The address families, each with its own knobs and counters. */
enum { IG_V4, IG_V6, IG_NR_FAMILIES };

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

/* The hooks each namespace registers: LOCAL_IN and POST_ROUTING, per family. */
#define IG_NR_HOOKS	4

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
	struct icmp_guard_cfg6 cfg6;
	/* The namespace's copy of the hooks: their priv is this structure. */
	struct nf_hook_ops ops[IG_NR_HOOKS];
	/* stats and stats6, and their sysctl directories */
	struct icmp_guard_stats __percpu *stats[IG_NR_FAMILIES];
	struct ctl_table_header *sysctl_hdr[IG_NR_FAMILIES];
	struct ig_rl rl;
	struct ig_ev ev;
	/* Log lines: a budget per namespace, see icmp_guard_log(). */
	struct ratelimit_state log_rs;
	struct proc_dir_entry *proc_dir;
};

extern const struct icmp_guard_cfg icmp_guard_default_cfg;
extern const struct icmp_guard_cfg6 icmp_guard_default_cfg6;

/*
 * One Redirect, as the shared verdict (main.c) sees it: each family's
 * description of a Redirect (struct ig_redirect in ipv4.c and ipv6.c)
 * starts with this. The family fills it in before icmp_guard_verdict();
 * its checks find the rest with container_of().
 */
struct ig_msg {
	struct net *net;
	struct icmp_guard_net *ign;
	struct ig_sender *sender;	/* its rate limiter entry, or NULL */
	struct net_device *dev;		/* where it arrived (a VRF's port) */
	u64 mask;			/* counters its arrival adds */
	int policy;			/* the family's knobs, read once */
	bool log;
	bool has_mac;
	u8 src_mac[ETH_ALEN];
	/* For the log line: the family's addresses, 4 or 16 bytes each. */
	const void *saddr;		/* the sender: the claimed router */
	const void *new_gw;		/* the new gateway, IPv6's target */
	const void *inner_saddr;	/* the datagram it is about */
	const void *inner_daddr;
};

/*
 * A family's part of the pipeline: everything that reads its headers or
 * its routing. The verdict, the limiter's accounting, the log line and the
 * counters are shared (icmp_guard_verdict()); a new check is one function
 * per family, called from its judge.
 */
struct ig_family {
	int idx;			/* IG_V4, IG_V6 */
	/* Linux ignores Redirects that arrive on SKB's device. */
	bool (*ignored)(const struct sk_buff *skb);
	/* The checks in order: the first drop reason, or 0. */
	int (*judge)(struct sk_buff *skb, struct ig_msg *m);
	/* Optional, under enforce: the counters of what it did to MASK's. */
	u64 (*accepted)(struct sk_buff *skb, struct ig_msg *m, u64 mask);
};

unsigned int icmp_guard_verdict(const struct ig_family *fam,
				struct sk_buff *skb, struct ig_msg *m);

/* init_net's net.ipv4.icmp_guard.inherit (ctl.c) */
extern int icmp_guard_inherit;

struct icmp_guard_net *icmp_guard_pernet(const struct net *net);
void icmp_guard_stats_fold(const struct icmp_guard_stats __percpu *stats,
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

/* ipv4.c and ipv6.c: each family's hooks, LOCAL_IN then POST_ROUTING */
extern const struct nf_hook_ops icmp_guard_ipv4_ops[2];
extern const struct nf_hook_ops icmp_guard_ipv6_ops[2];

#endif /* _ICMP_GUARD_H */
