// SPDX-License-Identifier: GPL-2.0
/*
 * Rate limiting of incoming Redirects, after WireGuard's rate limiter: a
 * token bucket per sender, counted in nanoseconds, in an hsiphash-keyed
 * table bounded by max_senders, plus one bucket per namespace whose cost is
 * randomised. Entries are reclaimed by deferrable work as soon as their
 * bucket is full again.
 *
 * A sender is its IP address (IPv4 as a v4-mapped IPv6 address, so that
 * both families share one table) and its MAC address: an attacker who spoofs
 * the gateway's IP from its own MAC fills its own bucket, not the gateway's.
 * The table is per namespace, so the namespace is part of the key too.
 */

#include <linux/etherdevice.h>
#include <linux/jiffies.h>
#include <linux/moduleparam.h>
#include <linux/random.h>
#include <linux/rculist.h>
#include <linux/seq_file.h>
#include <linux/siphash.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <linux/vmalloc.h>
#include <linux/workqueue.h>
#include <net/ipv6.h>
#include <net/net_namespace.h>

#include "icmp_guard.h"

/*
 * 112 bytes on x86_64 without lock debugging: the fields pack. tokens,
 * last_ns and the counts are written under the lock, with WRITE_ONCE() for
 * the procfs reader, which reads them locklessly.
 */
struct ig_sender {
	struct hlist_node node;		/* in the hash table */
	struct hlist_node all_node;	/* in ig_rl.all */
	struct rcu_head rcu;
	u64 last_ns;
	u64 tokens;		/* nanoseconds of credit */
	u64 accepted;
	u64 dropped;
	spinlock_t lock;	/* tokens, last_ns, the per-sender counts */
	struct in6_addr addr;	/* IPv4: v4-mapped */
	u8 lladdr[ETH_ALEN];
};

static struct kmem_cache *ig_sender_cache __read_mostly;

/*
 * The bound on entries across all namespaces: whatever each namespace's
 * max_senders, the module never holds more than this many, so its memory
 * has a worst case the host chose (this times the object size, see the
 * documentation). Read-only once loaded: set it with modprobe.
 */
static unsigned int ig_max_senders_total __read_mostly = 65536;
module_param_named(max_senders_total, ig_max_senders_total, uint, 0444);
MODULE_PARM_DESC(max_senders_total,
		 "Sender entries across all namespaces (default 65536)");

static atomic_t ig_senders_total = ATOMIC_INIT(0);

/*
 * A bucket holds at most this much credit, whatever burst / rate says, so
 * an entry outlives its sender's last Redirect by at most 10 minutes (else
 * rate=1, burst=1000000 would keep one 11 days).
 */
#define IG_MAX_CAP_NS (600 * NSEC_PER_SEC)

/*
 * The limiter's clock. The coarse clocks move in ticks (4 ms at HZ=250),
 * which would make any cost under a tick free; this one is as fine as the
 * clocksource and lockless (a few ns with the TSC).
 */
static u64 ig_now(void)
{
	return ktime_get_boot_fast_ns();
}

static u32 ig_sender_hash(const struct icmp_guard_net *ign,
			  const struct in6_addr *addr, const u8 *lladdr)
{
	struct {
		struct in6_addr addr;
		u8 lladdr[ETH_ALEN];
		u8 pad[2];
	} k = { .addr = *addr };

	ether_addr_copy(k.lladdr, lladdr);
	return hsiphash(&k, sizeof(k), &ign->rl.key) & (IG_RL_BUCKETS - 1);
}

/* Nanoseconds one Redirect costs at RATE per second; 0 < rate <= 1e9. */
static u64 ig_cost_ns(int rate)
{
	return div_u64(NSEC_PER_SEC, max(rate, 1));
}

/* A full sender bucket: BURST Redirects' worth, at most IG_MAX_CAP_NS. */
static u64 ig_sender_cap(const struct icmp_guard_net *ign, u64 cost)
{
	return min_t(u64, cost * READ_ONCE(ign->cfg.burst), IG_MAX_CAP_NS);
}

/*
 * Refill by the time elapsed, capped at a full bucket; admit if one COST is
 * there, and then take TAKE (COST itself, or a random amount for the
 * namespace's bucket). The cap is computed from the knobs at each use, so a
 * change of rate or burst applies to existing buckets at once.
 */
static bool ig_take(u64 *tokens, u64 *last_ns, u64 now, u64 cost, u64 take,
		    u64 cap)
{
	u64 t = *tokens, last = *last_ns;
	bool ok;

	/* NOW was read before the lock: another CPU may be ahead of it. */
	if (now > last) {
		t = min(t + min(now - last, cap), cap);
		WRITE_ONCE(*last_ns, now);
	} else {
		t = min(t, cap);
	}
	ok = t >= cost;
	if (ok)
		t -= min(t, take);
	WRITE_ONCE(*tokens, t);
	return ok;
}

static struct ig_sender *ig_sender_find(struct hlist_head *bucket,
					const struct in6_addr *addr,
					const u8 *lladdr)
{
	struct ig_sender *s;

	hlist_for_each_entry_rcu(s, bucket, node)
		if (ipv6_addr_equal(&s->addr, addr) &&
		    ether_addr_equal_unaligned(s->lladdr, lladdr))
			return s;
	return NULL;
}

/*
 * Find the sender's entry or make one, without ever going over max_senders,
 * nor over max_senders_total across namespaces: a full table refuses new
 * senders (fails closed) rather than evict a live bucket an attacker could
 * then reset at will.
 */
static struct ig_sender *ig_sender_get(struct icmp_guard_net *ign,
				       const struct in6_addr *addr,
				       const u8 *lladdr, u64 now, u64 cap)
{
	struct ig_rl *rl = &ign->rl;
	struct hlist_head *bucket;
	struct ig_sender *s;

	bucket = &rl->table[ig_sender_hash(ign, addr, lladdr)];
	s = ig_sender_find(bucket, addr, lladdr);
	if (likely(s))
		return s;

	if (atomic_read(&rl->count) >= READ_ONCE(ign->cfg.max_senders) ||
	    atomic_read(&ig_senders_total) >= READ_ONCE(ig_max_senders_total))
		return ERR_PTR(-ENOSPC);
	spin_lock(&rl->lock);
	/* Another CPU may have added it meanwhile. */
	s = ig_sender_find(bucket, addr, lladdr);
	if (s)
		goto out_unlock;
	if (atomic_read(&rl->count) >= READ_ONCE(ign->cfg.max_senders)) {
		s = ERR_PTR(-ENOSPC);
		goto out_unlock;
	}
	/* Other namespaces insert under their own locks: reserve a slot. */
	if (atomic_inc_return(&ig_senders_total) >
	    READ_ONCE(ig_max_senders_total)) {
		atomic_dec(&ig_senders_total);
		s = ERR_PTR(-ENOSPC);
		goto out_unlock;
	}
	s = kmem_cache_alloc(ig_sender_cache, GFP_ATOMIC);
	if (!s) {
		atomic_dec(&ig_senders_total);
		s = ERR_PTR(-ENOMEM);
		goto out_unlock;
	}
	s->addr = *addr;
	ether_addr_copy(s->lladdr, lladdr);
	s->last_ns = now;
	s->tokens = cap;
	s->accepted = 0;
	s->dropped = 0;
	hlist_add_head_rcu(&s->node, bucket);
	hlist_add_head_rcu(&s->all_node, &rl->all);
	atomic_inc(&rl->count);
	queue_delayed_work(system_power_efficient_wq, &rl->gc, HZ);
out_unlock:
	spin_unlock(&rl->lock);
	return s;
}

/*
 * The limiter's verdict for one Redirect from ADDR/LLADDR: 0, or the drop
 * reason. *SENDER is set to the sender's entry (valid until the hook
 * returns, under RCU) for icmp_guard_rl_account(), or NULL. IPv4 and IPv6
 * senders share the table, its bounds and the namespace's bucket.
 */
int icmp_guard_rl_check6(struct icmp_guard_net *ign,
			 const struct in6_addr *addr, const u8 *lladdr,
			 struct ig_sender **sender)
{
	u64 cost, cap, gcost, gcap, now = ig_now();
	struct ig_rl *rl = &ign->rl;
	struct ig_sender *s;
	bool ok;

	*sender = NULL;
	cost = ig_cost_ns(READ_ONCE(ign->cfg.rate));
	cap = ig_sender_cap(ign, cost);
	s = ig_sender_get(ign, addr, lladdr, now, cap);
	if (IS_ERR(s))
		return PTR_ERR(s) == -ENOMEM ? IG_DROP_NO_MEMORY :
					       IG_DROP_SENDERS_FULL;
	*sender = s;

	spin_lock(&s->lock);
	ok = ig_take(&s->tokens, &s->last_ns, now, cost, cost, cap);
	spin_unlock(&s->lock);
	if (!ok)
		return IG_DROP_RATE_LIMITED;

	/*
	 * The shared bucket admits while it holds one Redirect's worth, but
	 * takes 0, 1 or 2 at random, one on average, so that its state is no
	 * exact side channel for probing (as icmp_global_allow() does since
	 * the fix of CVE-2020-25705).
	 */
	gcost = ig_cost_ns(READ_ONCE(ign->cfg.global_rate));
	gcap = gcost * READ_ONCE(ign->cfg.global_burst);
	spin_lock(&rl->global_lock);
	ok = ig_take(&rl->global_tokens, &rl->global_last_ns, now, gcost,
		     gcost * get_random_u32_below(3), gcap);
	spin_unlock(&rl->global_lock);
	return ok ? 0 : IG_DROP_GLOBAL_LIMIT;
}

int icmp_guard_rl_check(struct icmp_guard_net *ign, __be32 addr,
			const u8 *lladdr, struct ig_sender **sender)
{
	struct in6_addr a;

	ipv6_addr_set_v4mapped(addr, &a);
	return icmp_guard_rl_check6(ign, &a, lladdr, sender);
}

void icmp_guard_rl_account(struct ig_sender *s, bool accepted)
{
	spin_lock(&s->lock);
	if (accepted)
		WRITE_ONCE(s->accepted, s->accepted + 1);
	else
		WRITE_ONCE(s->dropped, s->dropped + 1);
	spin_unlock(&s->lock);
}

static void ig_sender_free(struct ig_sender *s)
{
	kmem_cache_free(ig_sender_cache, s);
	atomic_dec(&ig_senders_total);
}

static void ig_sender_free_rcu(struct rcu_head *rcu)
{
	ig_sender_free(container_of(rcu, struct ig_sender, rcu));
}

/*
 * Would S's bucket be full by now? Then it holds no state a fresh entry
 * would not have. Under its lock, so tokens and last_ns are one pair.
 */
static bool ig_sender_full(struct ig_sender *s, u64 now, u64 cap)
{
	bool full;

	spin_lock(&s->lock);
	full = now <= s->last_ns ? s->tokens >= cap :
	       s->tokens + (now - s->last_ns) >= cap;
	spin_unlock(&s->lock);
	return full;
}

/*
 * Reclaim each entry as soon as its bucket would be full again: a sender
 * that sent one Redirect is forgotten after one COST, one that emptied its
 * bucket after at most IG_MAX_CAP_NS. A Redirect that found the entry just
 * before it went loses its charge with it: one more Redirect let through,
 * from a sender whose bucket was full anyway. Deferrable, so an idle
 * system is not woken.
 */
static void ig_rl_gc(struct work_struct *work)
{
	struct ig_rl *rl = container_of(to_delayed_work(work), struct ig_rl,
					gc);
	struct icmp_guard_net *ign = container_of(rl, struct icmp_guard_net,
						  rl);
	u64 now = ig_now();
	struct hlist_node *tmp;
	struct ig_sender *s;
	u64 cap;
	int i;

	cap = ig_sender_cap(ign, ig_cost_ns(READ_ONCE(ign->cfg.rate)));
	for (i = 0; i < IG_RL_BUCKETS; i++) {
		spin_lock_bh(&rl->lock);
		hlist_for_each_entry_safe(s, tmp, &rl->table[i], node) {
			if (!ig_sender_full(s, now, cap))
				continue;
			hlist_del_rcu(&s->node);
			hlist_del_rcu(&s->all_node);
			atomic_dec(&rl->count);
			call_rcu(&s->rcu, ig_sender_free_rcu);
		}
		spin_unlock_bh(&rl->lock);
		if (!(i & 63))
			cond_resched();
	}
	if (atomic_read(&rl->count))
		queue_delayed_work(system_power_efficient_wq, &rl->gc, HZ);
}

int icmp_guard_rl_init(struct icmp_guard_net *ign)
{
	struct ig_rl *rl = &ign->rl;
	int i;

	/* Charged to the memory cgroup of the namespace's creator. */
	rl->table = kvmalloc_array(IG_RL_BUCKETS, sizeof(*rl->table),
				   GFP_KERNEL_ACCOUNT);
	if (!rl->table)
		return -ENOMEM;
	for (i = 0; i < IG_RL_BUCKETS; i++)
		INIT_HLIST_HEAD(&rl->table[i]);
	INIT_HLIST_HEAD(&rl->all);
	get_random_bytes(&rl->key, sizeof(rl->key));
	spin_lock_init(&rl->lock);
	spin_lock_init(&rl->global_lock);
	atomic_set(&rl->count, 0);
	rl->global_last_ns = ig_now();
	rl->global_tokens = ig_cost_ns(ign->cfg.global_rate) *
			    ign->cfg.global_burst;
	INIT_DEFERRABLE_WORK(&rl->gc, ig_rl_gc);
	return 0;
}

/* The hook is gone and an RCU grace period has passed: no reader is left. */
void icmp_guard_rl_exit(struct icmp_guard_net *ign)
{
	struct ig_rl *rl = &ign->rl;
	struct hlist_node *tmp;
	struct ig_sender *s;
	int i;

	cancel_delayed_work_sync(&rl->gc);
	for (i = 0; i < IG_RL_BUCKETS; i++)
		hlist_for_each_entry_safe(s, tmp, &rl->table[i], node)
			ig_sender_free(s);
	kvfree(rl->table);
}

int icmp_guard_rl_senders(const struct icmp_guard_net *ign)
{
	return atomic_read(&ign->rl.count);
}

static void ig_sender_ctor(void *obj)
{
	struct ig_sender *s = obj;

	spin_lock_init(&s->lock);
}

/*
 * A constructor of its own also keeps the cache from being merged with
 * another of the same size, so /proc/slabinfo shows what the table costs.
 */
int __init icmp_guard_rl_module_init(void)
{
	ig_sender_cache = kmem_cache_create("ig_sender",
					    sizeof(struct ig_sender), 0, 0,
					    ig_sender_ctor);
	return ig_sender_cache ? 0 : -ENOMEM;
}

/* Entries freed by the GC's call_rcu() must be gone before the cache. */
void icmp_guard_rl_module_exit(void)
{
	rcu_barrier();
	kmem_cache_destroy(ig_sender_cache);
}

/* ------------------------------------------------------------------------
 * /proc/net/icmp_guard/senders
 *
 * Under RCU: readers never take the table lock, so a slow reader costs the
 * hot path nothing. Listed from ig_rl.all, newest first: in hash-bucket
 * order the file would show how the secret key places senders, and so
 * which ones share a chain.
 */

struct ig_senders_iter {
	struct seq_net_private p;	/* first: seq_file_net() */
	u64 now;
};

static void *ig_senders_start(struct seq_file *seq, loff_t *pos)
	__acquires(RCU)
{
	struct icmp_guard_net *ign = icmp_guard_pernet(seq_file_net(seq));
	struct ig_senders_iter *it = seq->private;

	rcu_read_lock();
	it->now = ig_now();
	return seq_hlist_start_head_rcu(&ign->rl.all, *pos);
}

static void *ig_senders_next(struct seq_file *seq, void *v, loff_t *pos)
{
	struct icmp_guard_net *ign = icmp_guard_pernet(seq_file_net(seq));

	return seq_hlist_next_rcu(v, &ign->rl.all, pos);
}

static void ig_senders_stop(struct seq_file *seq, void *v)
	__releases(RCU)
{
	rcu_read_unlock();
}

/*
 * Tokens in whole Redirects. An entry may have been charged after the
 * reader took NOW, on another CPU: its age is then 0, not 2^64 ns.
 */
static int ig_senders_show(struct seq_file *seq, void *v)
{
	const struct icmp_guard_net *ign = icmp_guard_pernet(seq_file_net(seq));
	struct ig_senders_iter *it = seq->private;
	u64 cost = ig_cost_ns(READ_ONCE(ign->cfg.rate));
	const struct ig_sender *s;
	u64 last;

	if (v == SEQ_START_TOKEN) {
		seq_puts(seq, "Address LinkAddress Tokens LastSeenMs Accepted Dropped\n");
		return 0;
	}
	s = hlist_entry(v, struct ig_sender, all_node);
	last = READ_ONCE(s->last_ns);
	if (ipv6_addr_v4mapped(&s->addr))
		seq_printf(seq, "%pI4", &s->addr.s6_addr32[3]);
	else
		seq_printf(seq, "%pI6c", &s->addr);
	seq_printf(seq, " %pM %llu %llu %llu %llu\n", s->lladdr,
		   div64_u64(READ_ONCE(s->tokens), cost),
		   it->now > last ? div_u64(it->now - last, NSEC_PER_MSEC) : 0,
		   READ_ONCE(s->accepted), READ_ONCE(s->dropped));
	return 0;
}

const struct seq_operations icmp_guard_senders_seq_ops = {
	.start	= ig_senders_start,
	.next	= ig_senders_next,
	.stop	= ig_senders_stop,
	.show	= ig_senders_show,
};

size_t icmp_guard_senders_iter_size(void)
{
	return sizeof(struct ig_senders_iter);
}
