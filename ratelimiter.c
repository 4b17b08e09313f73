// SPDX-License-Identifier: GPL-2.0
/*
 * Rate limiting of incoming Redirects, after WireGuard's rate limiter: a
 * token bucket per sender, counted in nanoseconds, in an hsiphash-keyed
 * table bounded by max_senders, plus one bucket per namespace whose cost is
 * randomised. Idle entries are reclaimed by deferrable work.
 *
 * A sender is its IP address and its MAC address: an attacker who spoofs
 * the gateway's IP from its own MAC fills its own bucket, not the gateway's.
 * The table is per namespace, so the namespace is part of the key too.
 */

#include <linux/etherdevice.h>
#include <linux/jiffies.h>
#include <linux/random.h>
#include <linux/rculist.h>
#include <linux/seq_file.h>
#include <linux/siphash.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <linux/vmalloc.h>
#include <linux/workqueue.h>
#include <net/net_namespace.h>

#include "icmp_guard.h"

/* 80 bytes on x86_64 without lock debugging: the fields pack. */
struct ig_sender {
	struct hlist_node node;
	struct rcu_head rcu;
	u64 last_ns;
	u64 tokens;		/* nanoseconds of credit */
	u64 accepted;
	u64 dropped;
	spinlock_t lock;	/* tokens, last_ns, the per-sender counts */
	__be32 addr;
	u8 lladdr[ETH_ALEN];
};

static struct kmem_cache *ig_sender_cache __read_mostly;

static u32 ig_sender_hash(const struct icmp_guard_net *ign, __be32 addr,
			  const u8 *lladdr)
{
	return hsiphash_3u32((__force u32)addr, get_unaligned((u32 *)lladdr),
			     get_unaligned((u16 *)(lladdr + 4)),
			     &ign->rl.key) & (IG_RL_BUCKETS - 1);
}

/* Nanoseconds one Redirect costs at RATE per second; 0 < rate <= 1e9. */
static u64 ig_cost_ns(int rate)
{
	return div_u64(NSEC_PER_SEC, max(rate, 1));
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
	/* NOW was read before the lock: another CPU may be ahead of it. */
	if (now > *last_ns) {
		*tokens = min(*tokens + min(now - *last_ns, cap), cap);
		*last_ns = now;
	} else {
		*tokens = min(*tokens, cap);
	}
	if (*tokens < cost)
		return false;
	*tokens -= min(*tokens, take);
	return true;
}

static struct ig_sender *ig_sender_find(struct hlist_head *bucket,
					__be32 addr, const u8 *lladdr)
{
	struct ig_sender *s;

	hlist_for_each_entry_rcu(s, bucket, node)
		if (s->addr == addr && ether_addr_equal_unaligned(s->lladdr,
								  lladdr))
			return s;
	return NULL;
}

/*
 * Find the sender's entry or make one, without ever going over max_senders:
 * a table full of senders refuses new ones (fails closed) rather than evict
 * a live bucket an attacker could then reset at will.
 */
static struct ig_sender *ig_sender_get(struct icmp_guard_net *ign,
				       __be32 addr, const u8 *lladdr, u64 now,
				       u64 cap)
{
	struct ig_rl *rl = &ign->rl;
	struct hlist_head *bucket;
	struct ig_sender *s;

	bucket = &rl->table[ig_sender_hash(ign, addr, lladdr)];
	s = ig_sender_find(bucket, addr, lladdr);
	if (likely(s))
		return s;

	if (atomic_read(&rl->count) >= READ_ONCE(ign->cfg.max_senders))
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
	s = kmem_cache_alloc(ig_sender_cache, GFP_ATOMIC);
	if (!s) {
		s = ERR_PTR(-ENOMEM);
		goto out_unlock;
	}
	s->addr = addr;
	ether_addr_copy(s->lladdr, lladdr);
	s->last_ns = now;
	s->tokens = cap;
	s->accepted = 0;
	s->dropped = 0;
	hlist_add_head_rcu(&s->node, bucket);
	atomic_inc(&rl->count);
	queue_delayed_work(system_power_efficient_wq, &rl->gc, HZ);
out_unlock:
	spin_unlock(&rl->lock);
	return s;
}

/*
 * The limiter's verdict for one Redirect from ADDR/LLADDR: 0, or the drop
 * reason. *SENDER is set to the sender's entry (valid until the hook
 * returns, under RCU) for icmp_guard_rl_account(), or NULL.
 */
int icmp_guard_rl_check(struct icmp_guard_net *ign, __be32 addr,
			const u8 *lladdr, struct ig_sender **sender)
{
	u64 cost, cap, gcost, gcap, now = ktime_get_coarse_boottime_ns();
	struct ig_rl *rl = &ign->rl;
	struct ig_sender *s;
	bool ok;

	*sender = NULL;
	cost = ig_cost_ns(READ_ONCE(ign->cfg.rate));
	cap = cost * READ_ONCE(ign->cfg.burst);
	s = ig_sender_get(ign, addr, lladdr, now, cap);
	if (IS_ERR(s))
		return IG_DROP_SENDERS_FULL;
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

void icmp_guard_rl_account(struct ig_sender *s, bool accepted)
{
	spin_lock(&s->lock);
	if (accepted)
		s->accepted++;
	else
		s->dropped++;
	spin_unlock(&s->lock);
}

static void ig_sender_free_rcu(struct rcu_head *rcu)
{
	kmem_cache_free(ig_sender_cache, container_of(rcu, struct ig_sender,
						      rcu));
}

/*
 * Reclaim the entries whose bucket has refilled: they hold no state that a
 * fresh entry would not have. Deferrable, so an idle system is not woken.
 */
static void ig_rl_gc(struct work_struct *work)
{
	struct ig_rl *rl = container_of(to_delayed_work(work), struct ig_rl,
					gc);
	struct icmp_guard_net *ign = container_of(rl, struct icmp_guard_net,
						  rl);
	u64 now = ktime_get_coarse_boottime_ns();
	struct hlist_node *tmp;
	struct ig_sender *s;
	u64 idle;
	int i;

	idle = max_t(u64, ig_cost_ns(READ_ONCE(ign->cfg.rate)) *
			  READ_ONCE(ign->cfg.burst), NSEC_PER_SEC);
	for (i = 0; i < IG_RL_BUCKETS; i++) {
		spin_lock_bh(&rl->lock);
		hlist_for_each_entry_safe(s, tmp, &rl->table[i], node) {
			if ((s64)(now - READ_ONCE(s->last_ns)) < (s64)idle)
				continue;
			hlist_del_rcu(&s->node);
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

	rl->table = kvmalloc_array(IG_RL_BUCKETS, sizeof(*rl->table),
				   GFP_KERNEL);
	if (!rl->table)
		return -ENOMEM;
	for (i = 0; i < IG_RL_BUCKETS; i++)
		INIT_HLIST_HEAD(&rl->table[i]);
	get_random_bytes(&rl->key, sizeof(rl->key));
	spin_lock_init(&rl->lock);
	spin_lock_init(&rl->global_lock);
	atomic_set(&rl->count, 0);
	rl->global_last_ns = ktime_get_coarse_boottime_ns();
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
			kmem_cache_free(ig_sender_cache, s);
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
 * One bucket per step, under RCU: readers never take the table lock, so a
 * slow reader costs the hot path nothing.
 */

struct ig_senders_iter {
	struct seq_net_private p;	/* first: seq_file_net() */
	u64 now;
};

static void *ig_senders_start(struct seq_file *seq, loff_t *pos)
	__acquires(RCU)
{
	struct ig_senders_iter *it = seq->private;

	rcu_read_lock();
	it->now = ktime_get_coarse_boottime_ns();
	if (*pos == 0)
		return SEQ_START_TOKEN;
	return *pos <= IG_RL_BUCKETS ? pos : NULL;
}

static void *ig_senders_next(struct seq_file *seq, void *v, loff_t *pos)
{
	++*pos;
	return *pos <= IG_RL_BUCKETS ? pos : NULL;
}

static void ig_senders_stop(struct seq_file *seq, void *v)
	__releases(RCU)
{
	rcu_read_unlock();
}

static int ig_senders_show(struct seq_file *seq, void *v)
{
	const struct icmp_guard_net *ign = icmp_guard_pernet(seq_file_net(seq));
	struct ig_senders_iter *it = seq->private;
	u64 cost = ig_cost_ns(READ_ONCE(ign->cfg.rate));
	struct ig_sender *s;

	if (v == SEQ_START_TOKEN) {
		seq_puts(seq, "Address LinkAddress Tokens LastSeenMs Accepted Dropped\n");
		return 0;
	}
	hlist_for_each_entry_rcu(s, &ign->rl.table[*(loff_t *)v - 1], node)
		seq_printf(seq, "%pI4 %pM %llu %llu %llu %llu\n",
			   &s->addr, s->lladdr,
			   div64_u64(READ_ONCE(s->tokens), cost),
			   div_u64(it->now - READ_ONCE(s->last_ns),
				   NSEC_PER_MSEC),
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
