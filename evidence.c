// SPDX-License-Identifier: GPL-2.0
/*
 * The egress record: evidence of what this host really sent through a
 * gateway, recently, so that a Redirect about a datagram it never sent can
 * be refused.
 *
 * A real Redirect embeds a datagram the router was asked to forward, so the
 * datagram left this host through that router. A forger who cannot see the
 * host's traffic has to guess it: the IP ID, and for TCP the sequence
 * number, are values it does not know. The record keeps, per flow (source,
 * destination, protocol, gateway, output device, ports or echo identifier),
 * the last few spans of IP IDs and sequence numbers sent, with the time of
 * each. A flow's tag is an hsiphash under a secret of the namespace, so the
 * slots a flow takes are not predictable, and namespaces never share one.
 * The tag only finds the flow: what a forger must guess is the ID.
 *
 * Only datagrams a forger cannot make the host send are recorded (see
 * ig_out_wanted() in main.c): TCP from a full socket of a live connection, UDP
 * from a connected socket, ICMP echo requests. Replies the host makes to
 * anyone who asks (echo replies, TCP resets, a server's UDP answers) are
 * never evidence, whatever their fields.
 *
 * The cost on the output path: each CPU keeps the span it is growing, the
 * *open span*, in a per-CPU slot. A sending socket's packets come one after
 * another with consecutive IDs, so most packets only compare the flow key
 * with the slot's and extend the span: no hash, no lock, no shared cache
 * line. When a packet cannot extend it (another flow, an ID gap, a full
 * span, a pause), the open span is published into the namespace's table
 * under its bucket's lock, and the packet opens a new one. A Redirect is
 * matched against every CPU's open span, then the table: Redirects are few
 * (checks 1 to 5 and the rate limiter come first), packets are many.
 *
 * Memory is fixed per namespace (the evidence_flows module parameter),
 * allocated at namespace creation and charged to the creator's memory
 * cgroup; nothing is allocated on the packet path. A full bucket recycles
 * its least recently used flow, which can only make a real Redirect be
 * refused (the host keeps the path it had), never a forged one accepted.
 */

#include <linux/jiffies.h>
#include <linux/log2.h>
#include <linux/module.h>
#include <linux/percpu.h>
#include <linux/rcupdate.h>
#include <linux/seqlock.h>
#include <linux/siphash.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>

#include "icmp_guard.h"
#include "evidence.h"

/* Spans per flow in the table, flows per bucket. */
#define IG_EV_SPANS	4
#define IG_EV_WAYS	4

struct ig_ev_flow {
	u64 tag;		/* the flow's keyed hash; 0: free */
	u64 last;		/* jiffies64 of its newest datagram */
	struct ig_ev_span span[IG_EV_SPANS];	/* seq_n 0: empty */
};

/*
 * A raw lock: it is taken with interrupts off (see icmp_guard_ev_record()),
 * also on PREEMPT_RT, and held for a bounded scan of four flows.
 */
struct ig_ev_bucket {
	raw_spinlock_t lock;	/* the bucket's flows */
	struct ig_ev_flow flow[IG_EV_WAYS];
};

/*
 * A namespace's table. Freed after a grace period: a CPU may still be
 * publishing its open span into it (see icmp_guard_ev_exit()).
 */
struct ig_ev_table {
	struct rcu_head rcu;
	unsigned int mask;	/* buckets - 1 */
	struct ig_ev_bucket bucket[];
};

DEFINE_PER_CPU_ALIGNED(struct ig_ev_open, ig_ev_open);

static unsigned int evidence_flows = 512;
module_param(evidence_flows, uint, 0444);
MODULE_PARM_DESC(evidence_flows,
		 "Flows in each namespace's egress record, 16 to 65536 (default 512)");

static unsigned int ig_ev_buckets __read_mostly;

size_t icmp_guard_ev_bytes(void)
{
	return sizeof(struct ig_ev_table) +
	       ig_ev_buckets * sizeof(struct ig_ev_bucket);
}

unsigned int icmp_guard_ev_flows(void)
{
	return ig_ev_buckets * IG_EV_WAYS;
}

void icmp_guard_ev_module_init(void)
{
	unsigned int flows = clamp(evidence_flows, 16U, 65536U);
	int cpu;

	ig_ev_buckets = roundup_pow_of_two(flows) / IG_EV_WAYS;
	for_each_possible_cpu(cpu)
		seqcount_init(&per_cpu_ptr(&ig_ev_open, cpu)->seq);
}

int icmp_guard_ev_init(struct icmp_guard_net *ign)
{
	struct ig_ev_table *t;
	unsigned int i;

	t = kvzalloc(icmp_guard_ev_bytes(), GFP_KERNEL_ACCOUNT);
	if (!t)
		return -ENOMEM;
	t->mask = ig_ev_buckets - 1;
	for (i = 0; i < ig_ev_buckets; i++)
		raw_spin_lock_init(&t->bucket[i].lock);
	get_random_bytes(&ign->ev.key, sizeof(ign->ev.key));
	ign->ev.table = t;
	return 0;
}

/*
 * No packet of the namespace is on its way any more (see main.c), but a CPU
 * sending for another namespace may have just read a slot that still names
 * this table, and be publishing into it: forget the table in every slot,
 * then free it after a grace period (the output hook runs under RCU).
 */
void icmp_guard_ev_exit(struct icmp_guard_net *ign)
{
	struct ig_ev_table *t = ign->ev.table;
	int cpu;

	for_each_possible_cpu(cpu)
		cmpxchg(&per_cpu_ptr(&ig_ev_open, cpu)->t, t, NULL);
	kvfree_rcu(t, rcu);
}

/*
 * K is a family's flow key (struct ig_ev4_key for IPv4), zero-padded to a
 * multiple of 8 bytes. The bucket is the tag's low bits; bit 32 keeps a
 * tag from being 0, which marks a free slot.
 */
static u64 ig_ev_tag(const struct icmp_guard_net *ign, const void *k,
		     size_t klen)
{
	return hsiphash(k, klen, &ign->ev.key) | BIT_ULL(32);
}

/* Does span S hold datagram (ID, SEQ), sent within WINDOW of NOW? */
static bool ig_ev_holds(const struct ig_ev_span *s, u16 id, u32 seq,
			u64 now, unsigned long window)
{
	return s->seq_n && ig_ev_fresh(s->stamp, now, window) &&
	       (!s->id_n || (u16)(id - s->id_lo) < s->id_n) &&
	       seq - s->seq_lo < s->seq_n;
}

/*
 * Do spans A and B, A's IDs right before B's, join into one? As for
 * extending a span (ig_ev_extends()): B's sequence range starts inside or
 * right after A's, and the whole stays within the bounds of a span.
 */
static bool ig_ev_joins(const struct ig_ev_span *a, const struct ig_ev_span *b)
{
	u32 off = b->seq_lo - a->seq_lo;

	return a->seq_n && b->seq_n &&
	       (u16)(a->id_lo + a->id_n) == b->id_lo &&
	       a->id_n + b->id_n <= IG_EV_MAX_IDS &&
	       off <= a->seq_n && off + b->seq_n <= IG_EV_MAX_SEQ &&
	       time_before_eq64(a->stamp, b->stamp + IG_EV_MERGE) &&
	       time_before_eq64(b->stamp, a->stamp + IG_EV_MERGE);
}

/* Span A becomes A and B together (ig_ev_joins(A, B)). */
static void ig_ev_join(struct ig_ev_span *a, const struct ig_ev_span *b)
{
	a->seq_n = max(a->seq_n, b->seq_lo - a->seq_lo + b->seq_n);
	a->id_n += b->id_n;
	a->stamp = max(a->stamp, b->stamp);
}

/*
 * Span H was just joined: it may now bridge the gap between it and another
 * of the flow's spans (the run that filled the gap was published last).
 * Join those too, each into H, and empty them: at most IG_EV_SPANS - 1.
 */
static void ig_ev_coalesce(struct ig_ev_flow *f, struct ig_ev_span *h)
{
	struct ig_ev_span *k, j;
	bool again = true;
	int i;

	while (again) {
		again = false;
		for (i = 0; i < IG_EV_SPANS; i++) {
			k = &f->span[i];
			if (k == h)
				continue;
			if (ig_ev_joins(h, k)) {
				ig_ev_join(h, k);
			} else if (ig_ev_joins(k, h)) {
				j = *k;
				ig_ev_join(&j, h);
				*h = j;
			} else {
				continue;
			}
			k->seq_n = 0;
			again = true;
		}
	}
}

/* Where a span that joins none goes: an empty slot, else the stalest. */
static struct ig_ev_span *ig_ev_slot(struct ig_ev_flow *f)
{
	struct ig_ev_span *v = &f->span[0];
	int i;

	for (i = 0; i < IG_EV_SPANS; i++) {
		if (!f->span[i].seq_n)
			return &f->span[i];
		if (time_before64(f->span[i].stamp, v->stamp))
			v = &f->span[i];
	}
	return v;
}

/*
 * Put span S of flow TAG into table T: joined to one of the flow's spans
 * it continues or precedes, if MERGE, else in a slot of its own. A flow
 * sent from several CPUs (a TCP socket's process context here, its ACK
 * clocked softirq there) publishes its runs out of order; joining them,
 * and then the spans a run bridges, keeps the flow in few, large spans, as
 * if one CPU had sent it all: without the second step a flow sent from
 * two CPUs by turns (PREEMPT_RT moves a sender often) left a span per gap
 * and pushed a segment of two seconds before out of its four. IRQs off.
 */
static void ig_ev_publish(struct ig_ev_table *t, u64 tag,
			  const struct ig_ev_span *s, bool merge)
{
	struct ig_ev_bucket *b = &t->bucket[tag & t->mask];
	struct ig_ev_flow *f, *victim = NULL;
	struct ig_ev_span *h;
	int i;

	raw_spin_lock(&b->lock);
	for (i = 0; i < IG_EV_WAYS; i++) {
		f = &b->flow[i];
		if (f->tag == tag)
			goto found;
		if (!victim || time_before64(f->last, victim->last))
			victim = f;
	}
	f = victim;
	memset(f, 0, sizeof(*f));
	f->tag = tag;
found:
	f->last = max(f->last, s->stamp);
	for (i = 0; merge && i < IG_EV_SPANS; i++) {
		h = &f->span[i];
		if (ig_ev_joins(h, s)) {
			ig_ev_join(h, s);
			ig_ev_coalesce(f, h);
			goto out;
		}
		if (ig_ev_joins(s, h)) {
			struct ig_ev_span j = *s;

			ig_ev_join(&j, h);
			*h = j;
			ig_ev_coalesce(f, h);
			goto out;
		}
	}
	*ig_ev_slot(f) = *s;
out:
	raw_spin_unlock(&b->lock);
}

/*
 * Record a datagram (NID IDs from ID, NSEQ sequence values from SEQ) of
 * flow K (KLEN bytes, at most IG_EV_KEY_WORDS words), sent by socket SK
 * through route DST with IPv6 flow label LABEL (0 for IPv4), that could
 * not extend this CPU's open span (see icmp_guard_ev_extend()): publish the
 * open span, then open the datagram's; or, !MERGE (an echo request: a span
 * of its own), publish the datagram's and keep the open span.
 */
void icmp_guard_ev_record(struct icmp_guard_net *ign, const void *sk,
			  const void *dst, u32 label, const void *k,
			  size_t klen, u16 id, u16 nid, u32 seq, u32 nseq,
			  bool merge)
{
	const struct ig_ev_span span = {
		.stamp = get_jiffies_64(), .seq_lo = seq, .seq_n = nseq,
		.id_lo = id, .id_n = nid,
	};
	struct ig_ev_table *t = ign->ev.table;
	struct ig_ev_open *o;
	unsigned long flags;
	u64 tag;

	BUILD_BUG_ON(sizeof(struct ig_ev4_key) > sizeof(o->key));
	BUILD_BUG_ON(sizeof(struct ig_ev6_key) > sizeof(o->key));
	local_irq_save(flags);
	o = this_cpu_ptr(&ig_ev_open);
	tag = o->t == t && o->klen == klen && !memcmp(o->key, k, klen) ?
	      o->tag : ig_ev_tag(ign, k, klen);
	if (!merge) {
		ig_ev_publish(t, tag, &span, false);
		goto out;
	}
	/* Into the table first: a reader looks at the slot, then the table. */
	if (o->t && o->span.seq_n)
		ig_ev_publish(o->t, o->tag, &o->span, true);
	raw_write_seqcount_begin(&o->seq);
	WRITE_ONCE(o->t, t);
	o->sk = sk;
	o->dst = dst;
	o->label = label;
	o->tag = tag;
	o->klen = klen;
	memcpy(o->key, k, klen);
	o->span = span;
	raw_write_seqcount_end(&o->seq);
out:
	local_irq_restore(flags);
}

/*
 * Was datagram (ID, SEQ) of flow K sent within WINDOW jiffies? Runs in the
 * receive softirq, for Redirects that passed every other check: every
 * CPU's open span, then the table. A span being published is in the table
 * before it leaves its slot, so it is seen in one or the other.
 */
bool icmp_guard_ev_match(struct icmp_guard_net *ign, const void *k,
			 size_t klen, u16 id, u32 seq, unsigned long window)
{
	u64 tag = ig_ev_tag(ign, k, klen), now = get_jiffies_64();
	struct ig_ev_table *t = ign->ev.table;
	struct ig_ev_bucket *b = &t->bucket[tag & t->mask];
	bool found = false;
	unsigned int start;
	int cpu, i, j;

	for_each_possible_cpu(cpu) {
		const struct ig_ev_open *o = per_cpu_ptr(&ig_ev_open, cpu);

		do {
			start = raw_read_seqcount_begin(&o->seq);
			found = READ_ONCE(o->t) == t && o->tag == tag &&
				o->klen == klen && !memcmp(o->key, k, klen) &&
				ig_ev_holds(&o->span, id, seq, now, window);
		} while (read_seqcount_retry(&o->seq, start));
		if (found)
			return true;
	}

	raw_spin_lock_bh(&b->lock);
	for (i = 0; i < IG_EV_WAYS && !found; i++) {
		const struct ig_ev_flow *f = &b->flow[i];

		if (f->tag != tag)
			continue;
		for (j = 0; j < IG_EV_SPANS && !found; j++)
			found = ig_ev_holds(&f->span[j], id, seq, now, window);
	}
	raw_spin_unlock_bh(&b->lock);
	return found;
}
