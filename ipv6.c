// SPDX-License-Identifier: GPL-2.0
/*
 * icmp_guard for IPv6: police incoming Neighbour Discovery Redirects
 * (ICMPv6 type 137, RFC 4861 section 8).
 *
 * A netfilter hook at NF_INET_LOCAL_IN, in every namespace, finds ICMPv6
 * behind any extension headers and judges each Redirect before ndisc_rcv()
 * does, with the shape of the IPv4 pipeline: well-formed as RFC 4861
 * section 8.1 and RFC 6980 say, the shared rate limiter, the sender is the
 * current first-hop router for the destination (route and device), the
 * frame's source MAC is that router's neighbour entry, the target is a sane
 * on-link choice, a Target Link-Layer Address option does not contradict a
 * valid neighbour entry of the target, the embedded datagram was sent by
 * this host, to the redirected destination, and through that router (the
 * egress record of evidence.c, fed by a POST_ROUTING hook here).
 *
 * Its knobs are net.ipv6.icmp_guard.*, its counters
 * /proc/net/icmp_guard/stats6, with the names of the IPv4 ones (ctl.c); the
 * verdict, the log line, the rate limiter, its knobs
 * (net.ipv4.icmp_guard.rate, ...) and the log budget are shared with IPv4
 * (main.c, ratelimiter.c).
 */

#include <linux/etherdevice.h>
#include <linux/icmpv6.h>
#include <linux/if_arp.h>
#include <linux/ipv6.h>
#include <linux/netfilter.h>
#include <linux/netfilter_ipv6.h>
#include <linux/skbuff.h>
#include <linux/tcp.h>
#include <net/addrconf.h>
#include <net/checksum.h>
#include <net/dst.h>
#include <net/ip6_checksum.h>
#include <net/ip6_fib.h>
#include <net/ip6_route.h>
#include <net/ipv6.h>
#include <net/l3mdev.h>
#include <net/ndisc.h>
#include <net/net_namespace.h>
#include <net/sock.h>
#include <net/tcp_states.h>

#include "icmp_guard.h"
#include "evidence.h"

/* ------------------------------------------------------------------------
 * The Redirect pipeline
 */

/* What the checks need of one Redirect, read once from the skb. */
struct ig6_redirect {
	struct ig_msg m;	/* first: what the shared verdict needs */
	unsigned int thoff;	/* the ICMPv6 message, from skb->data */
	unsigned int len;	/* its length */
	unsigned int tlla;	/* the first TLLA option's offset, or 0 */
	unsigned int tlla_len;
	unsigned int rh;	/* the embedded datagram's offset, or 0 */
	unsigned int rh_len;	/* its length */
	struct in6_addr saddr;	/* sender: the claimed first-hop router */
	struct in6_addr target;
	struct in6_addr dest;
	struct ipv6hdr inner;	/* when rh_len holds it */
	bool has_inner;
	bool frag;		/* it came with a Fragment header */
	u8 hop_limit;
};

static bool ig6_ll_unicast(const struct in6_addr *a)
{
	return (ipv6_addr_type(a) & (IPV6_ADDR_UNICAST | IPV6_ADDR_LINKLOCAL))
		== (IPV6_ADDR_UNICAST | IPV6_ADDR_LINKLOCAL);
}

/*
 * Check 1, RFC 4861 section 8.1 in full, and RFC 6980: no fragments. The
 * skb may be non-linear, so every read goes through skb_header_pointer();
 * every later check trusts the offsets found here, all inside the message.
 */
static int ig6_check_wellformed(struct sk_buff *skb, struct ig6_redirect *r)
{
	struct rd_msg _m;
	const struct rd_msg *m;
	unsigned int off, end = r->thoff + r->len, olen;
	u8 _o[2];
	const u8 *o;

	if (r->frag || r->hop_limit != 255 || !ig6_ll_unicast(&r->saddr) ||
	    r->len < sizeof(*m))
		return IG_DROP_MALFORMED;
	m = skb_header_pointer(skb, r->thoff, sizeof(_m), &_m);
	if (!m)
		return IG_DROP_MALFORMED;
	r->target = m->target;
	r->dest = m->dest;
	if (csum_ipv6_magic(&ipv6_hdr(skb)->saddr, &ipv6_hdr(skb)->daddr,
			    r->len, IPPROTO_ICMPV6,
			    skb_checksum(skb, r->thoff, r->len, 0)))
		return IG_DROP_CHECKSUM;
	if (m->icmph.icmp6_code)
		return IG_DROP_BAD_CODE;
	if ((!ig6_ll_unicast(&r->target) &&
	     !ipv6_addr_equal(&r->target, &r->dest)) ||
	    ipv6_addr_is_multicast(&r->dest))
		return IG_DROP_MALFORMED;
	/* Options: a non-zero length each, inside the message. */
	for (off = r->thoff + sizeof(*m); off < end; off += olen) {
		o = skb_header_pointer(skb, off, sizeof(_o), _o);
		if (!o || !o[1] || o[1] * 8 > end - off)
			return IG_DROP_MALFORMED;
		olen = o[1] * 8;
		/* Linux applies the first of each (ndisc_parse_options()). */
		if (o[0] == ND_OPT_TARGET_LL_ADDR && !r->tlla) {
			r->tlla = off;
			r->tlla_len = olen;
		} else if (o[0] == ND_OPT_REDIRECT_HDR && !r->rh) {
			r->rh = off + 8;
			r->rh_len = olen - 8;
		}
	}
	if (r->rh && r->rh_len >= sizeof(r->inner)) {
		if (skb_copy_bits(skb, r->rh, &r->inner, sizeof(r->inner)))
			return IG_DROP_MALFORMED;
		r->has_inner = true;
	}
	return 0;
}

/*
 * Check 2: the route this host uses for the destination has the sender as
 * its router and leaves through the device the Redirect came in on. The
 * flow is the embedded datagram's, when there is one (its source and flow
 * label, for source-specific and policy routes); the receiving port's VRF,
 * if any, selects the table. The router must be named by the address the
 * Redirect comes from, its link-local one (RFC 4861 section 8.1): with a
 * route via the router's global address, Linux itself ignores its
 * Redirects (ip6_redirect_nh_match()), and so does this check.
 */
static int ig6_check_gateway(const struct ig6_redirect *r)
{
	struct flowi6 fl6 = {
		.flowi6_oif	= l3mdev_master_ifindex_rcu(r->m.dev),
		.daddr		= r->dest,
		.flowi6_uid	= sock_net_uid(r->m.net, NULL),
	};
	const struct rt6_info *rt;
	struct dst_entry *dst;
	int ret = 0;

	if (r->has_inner) {
		fl6.saddr = r->inner.saddr;
		fl6.flowlabel = ip6_flowinfo(&r->inner);
	}
	dst = ip6_route_output(r->m.net, NULL, &fl6);
	if (dst->error) {
		ret = IG_DROP_NOT_GATEWAY;
	} else {
		rt = container_of(dst, struct rt6_info, dst);
		if (!(rt->rt6i_flags & RTF_GATEWAY) ||
		    !ipv6_addr_equal(&rt->rt6i_gateway, &r->saddr))
			ret = IG_DROP_NOT_GATEWAY;
		else if (dst->dev != r->m.dev)
			ret = IG_DROP_WRONG_DEVICE;
	}
	dst_release(dst);
	return ret;
}

/* The link-layer address this host has for ADDR on DEV, if valid. */
static bool ig6_neigh_ha(struct net_device *dev, const struct in6_addr *addr,
			 u8 *ha)
{
	struct neighbour *n;

	n = __ipv6_neigh_lookup_noref(dev, addr);
	if (!n || !(READ_ONCE(n->nud_state) & NUD_VALID))
		return false;
	neigh_ha_snapshot(ha, n, dev);
	return true;
}

static bool ig6_ether(const struct net_device *dev)
{
	return dev->type == ARPHRD_ETHER && dev->addr_len == ETH_ALEN;
}

/* Check 3: the frame's source MAC is the router's neighbour entry. */
static int ig6_check_lladdr(const struct ig6_redirect *r)
{
	u8 ha[MAX_ADDR_LEN] __aligned(sizeof(unsigned long));

	if (!ig6_ether(r->m.dev))
		return 0;
	if (!r->m.has_mac || !ig6_neigh_ha(r->m.dev, &r->saddr, ha) ||
	    !ether_addr_equal_unaligned(ha, r->m.src_mac))
		return IG_DROP_LLADDR;
	return 0;
}

/*
 * Check 4: the target is a sane on-link choice: another router's
 * link-local unicast address (not the sender's, not the subnet-router
 * anycast fe80::, not this host's), or the destination itself, then a
 * unicast address that is not this host's (nothing tells whether a
 * destination is really on-link: RFC 4861 lets it be outside every prefix).
 */
static int ig6_check_target(const struct ig6_redirect *r)
{
	const struct in6_addr *t = &r->target;
	int type = ipv6_addr_type(t);

	if (!(type & IPV6_ADDR_UNICAST) ||
	    (type & (IPV6_ADDR_LOOPBACK | IPV6_ADDR_MAPPED)) ||
	    ipv6_addr_equal(t, &r->saddr) ||
	    ((type & IPV6_ADDR_LINKLOCAL) && !t->s6_addr32[2] &&
	     !t->s6_addr32[3]) ||
	    ipv6_chk_addr(r->m.net, t, r->m.dev, 0))
		return IG_DROP_BAD_NEW_GATEWAY;
	return 0;
}

/*
 * Check 5: a Target Link-Layer Address option must not contradict a valid
 * neighbour entry of the target: Linux writes it into its neighbour cache
 * (rt6_do_redirect()), which would let a Redirect rewrite the MAC of any
 * neighbour it names as target. With no entry, or an incomplete one, there
 * is nothing to contradict.
 */
static int ig6_check_tlla(struct sk_buff *skb, const struct ig6_redirect *r)
{
	u8 ha[MAX_ADDR_LEN] __aligned(sizeof(unsigned long));
	u8 _ll[ETH_ALEN];
	const u8 *ll;

	if (!r->tlla || !ig6_ether(r->m.dev) || r->tlla_len < 2 + ETH_ALEN)
		return 0;
	ll = skb_header_pointer(skb, r->tlla + 2, sizeof(_ll), _ll);
	if (!ll)
		return IG_DROP_MALFORMED;
	if (ig6_neigh_ha(r->m.dev, &r->target, ha) &&
	    !ether_addr_equal_unaligned(ha, ll))
		return IG_DROP_TLLA;
	return 0;
}

/*
 * Check 6: the embedded datagram, when there is one, is from this host
 * (an address of the receiving port's L3 domain: its VRF, or the
 * namespace's main one) and to the destination the Redirect is about.
 * Linux creates its route exception for the Redirect's destination and
 * never compares it with the embedded datagram's (rt6_do_redirect()).
 */
static int ig6_check_inner_source(const struct ig6_redirect *r)
{
	if (!r->has_inner)
		return 0;
	if (r->inner.version != 6 ||
	    !ipv6_chk_addr(r->m.net, &r->inner.saddr, r->m.dev, 0))
		return IG_DROP_INNER_SOURCE;
	if (!ipv6_addr_equal(&r->inner.daddr, &r->dest))
		return IG_DROP_INNER_DEST;
	return 0;
}

/*
 * Check 7: the embedded datagram is one this host sent to the destination,
 * through this router, out of this device, within evidence_ms, with the
 * flow label it had (see ig6_out()). A Redirect without a Redirected
 * Header option has no evidence and is refused: RFC 4861 makes the option
 * optional, and Linux applies such a Redirect with no check but the router
 * one (ip6_redirect_no_header()), which is the attack.
 */
static int ig6_check_evidence(struct sk_buff *skb,
			      const struct ig6_redirect *r,
			      unsigned long window)
{
	struct ig_ev6_key k;
	__be16 frag_off = 0;
	u8 nexthdr, _l4[8];
	const u8 *l4;
	int off;
	u32 seq;

	if (!r->has_inner || r->inner.version != 6)
		return IG_DROP_NO_EVIDENCE;
	if (!ipv6_addr_equal(&r->inner.daddr, &r->dest))
		return IG_DROP_INNER_DEST;
	/* Behind the embedded datagram's own extension headers, if any. */
	nexthdr = r->inner.nexthdr;
	off = ipv6_skip_exthdr(skb, r->rh + sizeof(r->inner), &nexthdr,
			       &frag_off);
	if (off < 0 || (frag_off & htons(IP6_OFFSET)))
		return IG_DROP_INNER_PROTO;
	if (off + sizeof(_l4) > r->rh + r->rh_len)
		return IG_DROP_NO_EVIDENCE;
	l4 = skb_header_pointer(skb, off, sizeof(_l4), _l4);
	if (!l4)
		return IG_DROP_MALFORMED;
	memset(&k, 0, sizeof(k));
	k.saddr = r->inner.saddr;
	k.daddr = r->dest;
	k.gw = r->saddr;
	k.ifindex = r->m.dev->ifindex;
	k.flowlabel = ip6_flowlabel(&r->inner);
	k.proto = nexthdr;
	if (!ig_ev_l4(l4, k.proto, &k.sport, &k.dport, &seq))
		return IG_DROP_INNER_PROTO;
	if (!icmp_guard_ev_match(r->m.ign, &k, sizeof(k), 0, seq, window))
		return IG_DROP_NO_EVIDENCE;
	return 0;
}

/*
 * The checks in IPv4's order (ipv4.c), for the same reason: the limiter
 * comes after the checks that say who sent the Redirect (2, the route; 3,
 * the link-layer address), so that Redirects forged from other addresses,
 * or from the router's address and another MAC, get no sender entry and
 * draw nothing from the namespace's bucket, which IPv4 shares.
 */
static int ig6_judge(struct sk_buff *skb, struct ig_msg *m)
{
	static const u8 no_mac[ETH_ALEN];
	struct ig6_redirect *r = container_of(m, struct ig6_redirect, m);
	const struct icmp_guard_cfg6 *knobs = &m->ign->cfg6;
	int ret;

	ret = ig6_check_wellformed(skb, r);
	if (ret)
		return ret;
	if (READ_ONCE(knobs->check_gateway)) {
		ret = ig6_check_gateway(r);
		if (ret)
			return ret;
	}
	if (READ_ONCE(knobs->check_lladdr)) {
		ret = ig6_check_lladdr(r);
		if (ret)
			return ret;
	}
	ret = icmp_guard_rl_check6(m->ign, &r->saddr,
				   m->has_mac ? m->src_mac : no_mac,
				   &m->sender);
	if (ret)
		return ret;
	if (READ_ONCE(knobs->check_new_gateway)) {
		ret = ig6_check_target(r);
		if (ret)
			return ret;
	}
	if (READ_ONCE(knobs->check_tlla)) {
		ret = ig6_check_tlla(skb, r);
		if (ret)
			return ret;
	}
	if (READ_ONCE(knobs->check_inner_source)) {
		ret = ig6_check_inner_source(r);
		if (ret)
			return ret;
	}
	if (READ_ONCE(knobs->check_evidence))
		return ig6_check_evidence(skb, r,
			msecs_to_jiffies(READ_ONCE(knobs->evidence_ms)));
	return 0;
}

/*
 * Linux ignores Redirects on a router, and on a device with
 * accept_redirects off (rt6_do_redirect(), for both of ndisc_redirect_rcv()'s
 * paths). ND messages keep their port as skb->dev in a VRF
 * (vrf_ip6_rcv()).
 */
static bool ig6_ignored(const struct sk_buff *skb)
{
	struct inet6_dev *idev = __in6_dev_get(skb->dev);

	return !idev || READ_ONCE(idev->cnf.forwarding) ||
	       !READ_ONCE(idev->cnf.accept_redirects);
}

static const struct ig_family ig_ipv6 = {
	.idx		= IG_V6,
	.ignored	= ig6_ignored,
	.judge		= ig6_judge,
};

static unsigned int ig6_redirect(struct icmp_guard_net *ign,
				 struct sk_buff *skb, unsigned int thoff,
				 bool frag, const struct nf_hook_state *state)
{
	struct ig6_redirect r;
	int sdif;

	memset(&r, 0, sizeof(r));
	r.m.net = state->net;
	r.m.ign = ign;
	r.m.policy = READ_ONCE(ign->cfg6.policy);
	r.m.log = READ_ONCE(ign->cfg6.log);
	/* In a VRF, the hook's device is the master; judge the real port. */
	sdif = inet6_sdif(skb);
	r.m.dev = sdif ? dev_get_by_index_rcu(state->net, sdif) : state->in;
	if (!r.m.dev)
		r.m.dev = state->in;
	r.m.has_mac = skb_mac_header_was_set(skb) &&
		      skb_mac_header_len(skb) >= ETH_HLEN;
	if (r.m.has_mac)
		ether_addr_copy(r.m.src_mac, eth_hdr(skb)->h_source);
	r.m.saddr = &r.saddr;
	r.m.new_gw = &r.target;
	/* Without a Redirected Header, the log names no source. */
	r.m.inner_saddr = &r.inner.saddr;
	r.m.inner_daddr = &r.dest;
	r.thoff = thoff;
	r.len = skb->len - thoff;
	r.frag = frag;
	r.saddr = ipv6_hdr(skb)->saddr;
	r.hop_limit = ipv6_hdr(skb)->hop_limit;
	return icmp_guard_verdict(&ig_ipv6, skb, &r.m);
}

/*
 * ICMPv6 right after the fixed header, or behind extension headers: a
 * Fragment header among them is remembered (RFC 6980), as is a datagram
 * that conntrack's defragmentation reassembled (IP6SKB_FRAGMENTED). A
 * later fragment has no ICMPv6 header to judge; Linux drops what it
 * reassembles into an ND message (ndisc_suppress_frag_ndisc()).
 */
static noinline unsigned int ig6_icmp(struct icmp_guard_net *ign,
				      struct sk_buff *skb,
				      const struct nf_hook_state *state)
{
	unsigned int thoff = 0;
	unsigned short fragoff;
	int flags = 0;
	u8 _type;
	const u8 *type;

	if (ipv6_find_hdr(skb, &thoff, IPPROTO_ICMPV6, &fragoff, &flags) !=
	    IPPROTO_ICMPV6)
		return NF_ACCEPT;
	type = skb_header_pointer(skb, thoff, sizeof(_type), &_type);
	if (!type || *type != NDISC_REDIRECT)
		return NF_ACCEPT;
	return ig6_redirect(ign, skb, thoff,
			    (flags & IP6_FH_F_FRAG) ||
			    (IP6CB(skb)->flags & IP6SKB_FRAGMENTED), state);
}

/*
 * The next headers ig6_icmp() looks behind: ICMPv6, and those
 * ipv6_ext_hdr() calls extension headers (the same six in every kernel
 * since 2.6, exthdrs_core.c), all numbered below 64, so one bit test.
 * ipv6_ext_hdr() itself is exported, not inline: calling it made the
 * hook save three registers, and cost each UDP or TCP packet 24
 * instructions above a nop hook, 8 now (scripts/bench's udp6 row).
 */
#define IG6_SLOW_NEXTHDRS (BIT_ULL(IPPROTO_ICMPV6) | BIT_ULL(NEXTHDR_HOP) | \
			   BIT_ULL(NEXTHDR_ROUTING) |			\
			   BIT_ULL(NEXTHDR_FRAGMENT) | BIT_ULL(NEXTHDR_AUTH) | \
			   BIT_ULL(NEXTHDR_NONE) | BIT_ULL(NEXTHDR_DEST))

/* PRIV is the namespace's struct icmp_guard_net (main.c). */
static unsigned int ig6_hook(void *priv, struct sk_buff *skb,
			     const struct nf_hook_state *state)
{
	u8 nexthdr = ipv6_hdr(skb)->nexthdr;

	/* The fast path: ICMPv6 or an extension header go on. */
	if (nexthdr >= 64 || !(IG6_SLOW_NEXTHDRS & BIT_ULL(nexthdr)))
		return NF_ACCEPT;
	return ig6_icmp(priv, skb, state);
}

/* ------------------------------------------------------------------------
 * The egress record's feed
 */

/*
 * Record a datagram this host sends through a router: TCP of a live
 * connection's own socket, UDP of a connected socket with a flow label,
 * echo requests; the kinds IPv4 records, for the same reasons (ipv4.c).
 * IPv6 has no IP ID: what a blind forger must guess is the flow label (20
 * bits, a keyed hash of the flow under net.ipv6.auto_flowlabels, the
 * default), TCP's sequence number, an echo request's identifier, sequence
 * number and checksum. Connected UDP without a flow label
 * (auto_flowlabels=0, or a socket that opted out) has nothing a forger
 * must guess but the ports, and is not recorded.
 *
 * As for IPv4, most datagrams only extend this CPU's open span; spans
 * have no IDs (evidence.h), so a TCP flow's span grows with its sequence
 * space, a UDP flow's covers its datagrams of the last IG_EV_MERGE, and
 * each echo request is a span of its own.
 */
static noinline void ig6_out(struct icmp_guard_net *ign, struct sk_buff *skb,
			     const struct nf_hook_state *state)
{
	const struct dst_entry *dst = skb_dst(skb);
	const struct ipv6hdr *ip6h = ipv6_hdr(skb);
	const struct sock *sk = skb->sk;
	const struct rt6_info *rt;
	struct ig_ev6_key k;
	__be16 frag_off = 0;
	u32 seq, nseq = 1;
	u8 nexthdr, _l4[20];
	const u8 *l4;
	int policy, thoff;

	/* A VRF's own pass (vrf_ip6_out_direct()) comes again on its port. */
	if (!dst || dst_xfrm(dst) || dst->ops->family != AF_INET6 ||
	    (state->out && netif_is_l3_master(state->out)))
		return;
	rt = container_of(dst, struct rt6_info, dst);
	if (!(rt->rt6i_flags & RTF_GATEWAY))
		return;
	policy = READ_ONCE(ign->cfg6.policy);
	if (policy == ICMP_GUARD_OFF || policy == ICMP_GUARD_BLOCK ||
	    !READ_ONCE(ign->cfg6.check_evidence))
		return;
	nexthdr = ip6h->nexthdr;
	thoff = ipv6_skip_exthdr(skb, skb_network_offset(skb) + sizeof(*ip6h),
				 &nexthdr, &frag_off);
	if (thoff < 0 || frag_off)
		return;

	memset(&k, 0, sizeof(k));
	k.flowlabel = ip6_flowlabel(ip6h);
	switch (nexthdr) {
	case IPPROTO_TCP:
		if (!sk_fullsock(sk) || sk->sk_protocol != IPPROTO_TCP ||
		    !((1 << sk->sk_state) & IG_TCPF_LIVE))
			return;
		break;
	case IPPROTO_UDP:
		if (!sk_fullsock(sk) || sk->sk_protocol != IPPROTO_UDP ||
		    sk->sk_state != TCP_ESTABLISHED || !k.flowlabel)
			return;
		break;
	case IPPROTO_ICMPV6:
		break;
	default:
		return;
	}
	l4 = skb_header_pointer(skb, thoff, sizeof(_l4), _l4);
	if (!l4 && nexthdr != IPPROTO_TCP)
		l4 = skb_header_pointer(skb, thoff, 8, _l4);
	if (!l4)
		return;
	k.proto = nexthdr;
	if (!ig_ev_l4(l4, k.proto, &k.sport, &k.dport, &seq))
		return;
	if (k.proto == IPPROTO_TCP) {
		const struct tcphdr *th = (const struct tcphdr *)l4;
		unsigned int hl = th->doff * 4;

		if (hl < sizeof(*th) || thoff + hl > skb->len)
			return;
		nseq = max(skb->len - thoff - hl + th->syn + th->fin, 1U);
	} else if (k.proto == IPPROTO_ICMPV6) {
		/* Echo requests never extend a span: each is one of its own. */
		goto record;
	}
	if (icmp_guard_ev_extend(ign, sk, dst, (__force u32)k.flowlabel, 0, 0,
				 seq, nseq))
		return;
record:
	k.saddr = ip6h->saddr;
	k.daddr = ip6h->daddr;
	k.gw = *rt6_nexthop(rt, &ip6h->daddr);
	k.ifindex = dst->dev->ifindex;
	icmp_guard_ev_record(ign, sk, dst, (__force u32)k.flowlabel, &k,
			     sizeof(k), 0, 0, seq, nseq,
			     k.proto != IPPROTO_ICMPV6);
}

/* PRIV is the namespace's struct icmp_guard_net (main.c). */
static unsigned int ig6_out_hook(void *priv, struct sk_buff *skb,
				 const struct nf_hook_state *state)
{
	/* Forwarded traffic has no socket: one load and compare for it. */
	if (skb->sk)
		ig6_out(priv, skb, state);
	return NF_ACCEPT;
}

const struct nf_hook_ops icmp_guard_ipv6_ops[2] = {
	{
		.hook		= ig6_hook,
		.pf		= NFPROTO_IPV6,
		.hooknum	= NF_INET_LOCAL_IN,
		.priority	= NF_IP6_PRI_FILTER - 1,
	},
	{
		.hook		= ig6_out_hook,
		.pf		= NFPROTO_IPV6,
		.hooknum	= NF_INET_POST_ROUTING,
		.priority	= NF_IP6_PRI_LAST,
	},
};
