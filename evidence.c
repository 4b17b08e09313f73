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
 * Memory is fixed per namespace (the evidence_flows module parameter),
 * allocated at namespace creation and charged to the creator's memory
 * cgroup; nothing is allocated on the packet path. A full bucket recycles
 * its least recently used flow, which can only make a real Redirect be
 * refused (the host keeps the path it had), never a forged one accepted.
 */

#include <linux/jiffies.h>
#include <linux/log2.h>
#include <linux/module.h>
#include <linux/siphash.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>

#include "icmp_guard.h"

/* Spans per flow, flows per bucket. */
#define IG_EV_SPANS	4
#define IG_EV_WAYS	4

/*
 * A span grows while IDs stay contiguous (a connected socket's IDs are a
 * per-socket counter), up to this many: a bulk flow then spreads over
 * several spans, and a blind guess of the ID of its newest packets wins
 * with odds of at most IG_EV_SPANS * IG_EV_MAX_IDS / 65536.
 */
#define IG_EV_MAX_IDS	256

/* A TCP span's sequence range may grow by at most this much. */
#define IG_EV_MAX_SEQ	BIT(24)

/*
 * A packet may extend a span whose newest packet is at most this old (a
 * constant, so the output path converts no time unit); a span matches
 * while its newest packet is younger than evidence_ms.
 */
#define IG_EV_MERGE	HZ

/* The largest flow key, in u64 words: struct ig_ev6_key. */
#define IG_EV_KEY_WORDS	8

struct ig_ev_span {
	u64 stamp;		/* jiffies64 of its newest datagram */
	u32 seq_lo;
	u32 seq_n;		/* 0: an empty span */
	u16 id_lo;
	u16 id_n;
};

struct ig_ev_flow {
	u64 tag;		/* the flow's keyed hash; 0: free */
	u64 last;		/* jiffies64 of its newest datagram */
	struct ig_ev_span span[IG_EV_SPANS];
	u8 head;		/* the newest span */
};

struct ig_ev_bucket {
	spinlock_t lock;	/* the bucket's flows */
	struct ig_ev_flow flow[IG_EV_WAYS];
};

static unsigned int evidence_flows = 512;
module_param(evidence_flows, uint, 0444);
MODULE_PARM_DESC(evidence_flows,
		 "Flows in each namespace's egress record, 16 to 65536 (default 512)");

static unsigned int ig_ev_buckets __read_mostly;

/*
 * The last flow each CPU recorded and its tag: a sending socket's packets
 * come one after another, and comparing three words is cheaper than
 * hashing them again. Used with BHs off, cleared when its namespace goes.
 */
struct ig_ev_cache {
	const struct icmp_guard_net *ign;
	size_t klen;		/* the key's family: its length */
	u64 key[IG_EV_KEY_WORDS];
	u64 tag;
};

static DEFINE_PER_CPU(struct ig_ev_cache, ig_ev_cache);

size_t icmp_guard_ev_bytes(void)
{
	return ig_ev_buckets * sizeof(struct ig_ev_bucket);
}

unsigned int icmp_guard_ev_flows(void)
{
	return ig_ev_buckets * IG_EV_WAYS;
}

void icmp_guard_ev_module_init(void)
{
	unsigned int flows = clamp(evidence_flows, 16U, 65536U);

	ig_ev_buckets = roundup_pow_of_two(flows) / IG_EV_WAYS;
}

int icmp_guard_ev_init(struct icmp_guard_net *ign)
{
	struct ig_ev_bucket *b;
	unsigned int i;

	b = kvcalloc(ig_ev_buckets, sizeof(*b), GFP_KERNEL_ACCOUNT);
	if (!b)
		return -ENOMEM;
	for (i = 0; i < ig_ev_buckets; i++)
		spin_lock_init(&b[i].lock);
	get_random_bytes(&ign->ev.key, sizeof(ign->ev.key));
	ign->ev.buckets = b;
	return 0;
}

/* No packet of the namespace is on its way any more (see main.c). */
void icmp_guard_ev_exit(struct icmp_guard_net *ign)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		struct ig_ev_cache *c = per_cpu_ptr(&ig_ev_cache, cpu);

		if (c->ign == ign)
			c->ign = NULL;
	}
	kvfree(ign->ev.buckets);
}

/*
 * K is a family's flow key (struct ig_ev4_key or ig_ev6_key), zero-padded
 * to a multiple of 8 bytes. The bucket is the tag's low bits; bit 32 keeps a
 * tag from being 0, which marks a free slot.
 */
static u64 ig_ev_tag(const struct icmp_guard_net *ign, const void *k,
		     size_t klen)
{
	return hsiphash(k, klen, &ign->ev.key) | BIT_ULL(32);
}

/* With BHs off: the CPU's cached tag for K, or a new one cached. */
static u64 ig_ev_tag_cached(const struct icmp_guard_net *ign,
			    const u64 *k, size_t klen)
{
	struct ig_ev_cache *c = this_cpu_ptr(&ig_ev_cache);
	size_t i, n = klen / sizeof(u64);

	BUILD_BUG_ON(sizeof(struct ig_ev4_key) > sizeof(c->key));
	BUILD_BUG_ON(sizeof(struct ig_ev6_key) > sizeof(c->key));
	if (c->ign == ign && c->klen == klen) {
		for (i = 0; i < n && c->key[i] == k[i]; i++)
			;
		if (i == n)
			return c->tag;
	}
	c->ign = ign;
	c->klen = klen;
	memcpy(c->key, k, klen);
	c->tag = ig_ev_tag(ign, k, klen);
	return c->tag;
}

static struct ig_ev_bucket *ig_ev_bucket(const struct icmp_guard_net *ign,
					 u64 tag)
{
	return &ign->ev.buckets[tag & (ig_ev_buckets - 1)];
}

static bool ig_ev_fresh(u64 stamp, u64 now, unsigned long window)
{
	return time_before_eq64(stamp, now) &&
	       time_before_eq64(now, stamp + window);
}

/*
 * Can datagram (ID, SEQ) extend span S? Its ID must follow S's last one,
 * and its sequence range start inside or right after S's (TCP: in order;
 * a retransmission of older data starts a span of its own). Echo requests
 * never merge: each is a span of one ID and one sequence value.
 */
static bool ig_ev_extends(const struct ig_ev_span *s, u16 id, u16 nid,
			  u32 seq, u32 nseq, bool merge)
{
	u32 off = seq - s->seq_lo;

	return merge && s->seq_n &&
	       (u16)(id - s->id_lo) == s->id_n &&
	       s->id_n + nid <= IG_EV_MAX_IDS &&
	       off <= s->seq_n && off + nseq <= IG_EV_MAX_SEQ;
}

/*
 * Record one datagram (a GSO packet: NID IDs from ID, NSEQ sequence values
 * from SEQ) sent on flow K (KLEN bytes, at most IG_EV_KEY_WORDS words);
 * MERGE if it may extend the flow's newest span (see ig_ev_extends()).
 * Runs for every such datagram on the output path, in process or softirq
 * context.
 */
void icmp_guard_ev_record(struct icmp_guard_net *ign, const void *k,
			  size_t klen, u16 id, u16 nid, u32 seq, u32 nseq,
			  bool merge)
{
	u64 tag, now = get_jiffies_64();
	struct ig_ev_flow *f, *victim = NULL;
	struct ig_ev_bucket *b;
	struct ig_ev_span *s;
	int i;

	local_bh_disable();
	tag = ig_ev_tag_cached(ign, k, klen);
	b = ig_ev_bucket(ign, tag);
	spin_lock(&b->lock);
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
	s = &f->span[f->head];
	if (ig_ev_fresh(s->stamp, now, IG_EV_MERGE) &&
	    ig_ev_extends(s, id, nid, seq, nseq, merge)) {
		s->id_n += nid;
		s->seq_n = max(s->seq_n, seq - s->seq_lo + nseq);
	} else {
		f->head = (f->head + 1) % IG_EV_SPANS;
		s = &f->span[f->head];
		s->id_lo = id;
		s->id_n = nid;
		s->seq_lo = seq;
		s->seq_n = nseq;
	}
	s->stamp = now;
	f->last = now;
	spin_unlock(&b->lock);
	local_bh_enable();
}

/*
 * Was datagram (ID, SEQ) of flow K sent within WINDOW jiffies? Runs in the
 * receive softirq, for Redirects that passed every other check.
 */
bool icmp_guard_ev_match(struct icmp_guard_net *ign, const void *k,
			 size_t klen, u16 id, u32 seq, unsigned long window)
{
	u64 tag = ig_ev_tag(ign, k, klen), now = get_jiffies_64();
	struct ig_ev_bucket *b = ig_ev_bucket(ign, tag);
	bool found = false;
	int i, j;

	spin_lock_bh(&b->lock);
	for (i = 0; i < IG_EV_WAYS && !found; i++) {
		const struct ig_ev_flow *f = &b->flow[i];

		if (f->tag != tag)
			continue;
		for (j = 0; j < IG_EV_SPANS && !found; j++) {
			const struct ig_ev_span *s = &f->span[j];

			found = s->seq_n &&
				ig_ev_fresh(s->stamp, now, window) &&
				(u16)(id - s->id_lo) < s->id_n &&
				seq - s->seq_lo < s->seq_n;
		}
	}
	spin_unlock_bh(&b->lock);
	return found;
}
