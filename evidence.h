/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The egress record's per-packet part, inline in each family's output
 * hook: on most recorded packets it is a comparison with this CPU's open
 * span and a few stores (see evidence.c for the record as a whole).
 */
#ifndef _ICMP_GUARD_EVIDENCE_H
#define _ICMP_GUARD_EVIDENCE_H

/* For the unaligned accessors, from asm/ before 6.12 and linux/ since. */
#include <linux/etherdevice.h>
#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <linux/irqflags.h>
#include <linux/jiffies.h>
#include <linux/percpu.h>
#include <linux/seqlock.h>
#include <net/tcp_states.h>

#include "icmp_guard.h"

/*
 * A span grows while IDs stay contiguous (a connected socket's IDs are a
 * per-socket counter), up to this many: a bulk flow then spreads over
 * several spans, and a blind guess of the ID of its newest packets wins
 * with odds of at most (spans that are fresh) * IG_EV_MAX_IDS / 65536.
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

struct ig_ev_span {
	u64 stamp;		/* jiffies64 of its newest datagram */
	u32 seq_lo;
	u32 seq_n;		/* 0: an empty span */
	u16 id_lo;
	u16 id_n;
};

/*
 * A CPU's open span, with the flow it belongs to. Written only by its CPU
 * with interrupts off; read by any CPU matching a Redirect, under seq.
 */
struct ig_ev_open {
	seqcount_t seq;
	struct ig_ev_table *t;	/* its namespace's table; NULL: none */
	const void *sk;		/* the socket and route that opened it */
	const void *dst;
	u32 label;		/* and IPv6's flow label; 0 for IPv4 */
	u64 tag;
	size_t klen;		/* the key's family: its length */
	u64 key[IG_EV_KEY_WORDS];
	struct ig_ev_span span;
};

/* The TCP states in which a socket sends what its peer asked for. */
#define IG_TCPF_LIVE (TCPF_SYN_SENT | TCPF_ESTABLISHED | TCPF_FIN_WAIT1 | \
		      TCPF_FIN_WAIT2 | TCPF_CLOSE_WAIT | TCPF_LAST_ACK | \
		      TCPF_CLOSING)

/*
 * The flow and "sequence" of a datagram of protocol PROTO from the first 8
 * bytes of its transport header, L4, the same for each family's feed of
 * the record and for its evidence check, so that both sides key a datagram
 * alike: TCP's ports and sequence number, UDP's ports, an echo request's
 * (ICMP or ICMPv6) identifier as SPORT, and as its sequence its echo
 * sequence number and checksum. False for anything else.
 */
static __always_inline bool ig_ev_l4(const u8 *l4, u8 proto, __be16 *sport,
				     __be16 *dport, u32 *seq)
{
	switch (proto) {
	case IPPROTO_TCP:
		*seq = get_unaligned_be32(l4 + 4);
		break;
	case IPPROTO_UDP:
		*seq = 0;
		break;
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		if (l4[0] != (proto == IPPROTO_ICMP ? ICMP_ECHO :
					ICMPV6_ECHO_REQUEST) || l4[1] != 0)
			return false;
		*sport = get_unaligned((__be16 *)(l4 + 4));
		*seq = get_unaligned_be16(l4 + 6) << 16 |
		       get_unaligned_be16(l4 + 2);
		return true;
	default:
		return false;
	}
	*sport = get_unaligned((__be16 *)l4);
	*dport = get_unaligned((__be16 *)(l4 + 2));
	return true;
}

DECLARE_PER_CPU_ALIGNED(struct ig_ev_open, ig_ev_open);

void icmp_guard_ev_record(struct icmp_guard_net *ign, const void *sk,
			  const void *dst, u32 label, const void *k,
			  size_t klen, u16 id, u16 nid, u32 seq, u32 nseq,
			  bool merge);

static inline bool ig_ev_fresh(u64 stamp, u64 now, unsigned long window)
{
	return time_before_eq64(stamp, now) &&
	       time_before_eq64(now, stamp + window);
}

/*
 * Can datagram (ID, SEQ) extend span S? Its ID must follow S's last one,
 * and its sequence range start inside or right after S's (TCP: in order;
 * a retransmission of older data starts a span of its own). IPv6 has no
 * IP ID: its datagrams come with NID 0, their spans have no IDs (id_n 0)
 * and hold any; they are bounded by the sequence range and IG_EV_MERGE.
 */
static inline bool ig_ev_extends(const struct ig_ev_span *s, u16 id,
				 u16 nid, u32 seq, u32 nseq, u64 now)
{
	u32 off = seq - s->seq_lo;

	return s->seq_n && ig_ev_fresh(s->stamp, now, IG_EV_MERGE) &&
	       (u16)(id - s->id_lo) == s->id_n &&
	       s->id_n + nid <= IG_EV_MAX_IDS &&
	       off <= s->seq_n && off + nseq <= IG_EV_MAX_SEQ;
}

/*
 * The per-packet part: can datagram (ID: NID IDs, a GSO packet's; SEQ: NSEQ
 * sequence values) of socket SK, routed by DST, extend this CPU's open
 * span? If so it does, and the datagram is recorded. The slot knows its
 * flow by the socket and route that opened it (icmp_guard_ev_record()), so
 * this builds no key: three loads and compares, and the span's own checks.
 * A socket reconnected elsewhere gets a new route or a new random ID, and
 * then goes the slow way; an IPv6 socket whose flow label changed (TCP
 * picks a new one after a timeout) goes too, as LABEL is in its key. Runs
 * for every recorded datagram, in process or softirq context, under RCU.
 *
 * Interrupts go off, not just BHs: it is three instructions each way, the
 * slot is then this CPU's alone on every kernel (a softirq cannot come in
 * between, nor, on PREEMPT_RT, another task), and a reader elsewhere waits
 * at most for these few stores.
 */
static __always_inline bool
icmp_guard_ev_extend(struct icmp_guard_net *ign, const void *sk,
		     const void *dst, u32 label, u16 id, u16 nid, u32 seq,
		     u32 nseq)
{
	u64 now = get_jiffies_64();
	struct ig_ev_open *o;
	unsigned long flags;
	bool done = false;

	local_irq_save(flags);
	o = this_cpu_ptr(&ig_ev_open);
	if (o->sk == sk && o->dst == dst && o->label == label &&
	    o->t == ign->ev.table &&
	    ig_ev_extends(&o->span, id, nid, seq, nseq, now)) {
		raw_write_seqcount_begin(&o->seq);
		o->span.id_n += nid;
		o->span.seq_n = max(o->span.seq_n,
				    seq - o->span.seq_lo + nseq);
		o->span.stamp = now;
		raw_write_seqcount_end(&o->seq);
		done = true;
	}
	local_irq_restore(flags);
	return done;
}

#endif /* _ICMP_GUARD_EVIDENCE_H */
