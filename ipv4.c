// SPDX-License-Identifier: GPL-2.0
/*
 * icmp_guard for IPv4: the checks of ICMP Redirects (type 5), and the
 * egress record's feed.
 *
 * A netfilter hook at NF_INET_LOCAL_IN sees each Redirect before icmp_rcv()
 * does. It checks that the message is well formed, that it comes from the
 * gateway this host would use for the embedded datagram (by route, device
 * and link-layer address), that the new gateway is a sane on-link neighbour
 * and that the embedded datagram really left this host, through that
 * gateway, recently; it demotes Network Redirects to Host Redirects. It
 * only ever drops or rewrites: Linux's own checks still run on whatever it
 * lets through. The verdict, limiter, log and counters are main.c's.
 *
 * A second hook, at NF_INET_POST_ROUTING, keeps the evidence for that last
 * check: the egress record of evidence.c.
 */

#include <linux/etherdevice.h>
#include <linux/icmp.h>
#include <linux/if_arp.h>
#include <linux/inetdevice.h>
#include <linux/ip.h>
#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>
#include <linux/skbuff.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <net/arp.h>
#include <net/checksum.h>
#include <net/dst.h>
#include <net/ip.h>
#include <net/ip_fib.h>
#include <net/l3mdev.h>
#include <net/net_namespace.h>
#include <net/route.h>
#include <net/sock.h>
#include <net/tcp_states.h>

#include "icmp_guard.h"
#include "evidence.h"

/* ------------------------------------------------------------------------
 * The Redirect pipeline
 */

/* A check that had nothing to compare: neither a pass nor a refusal. */
#define IG_SKIPPED (-1)

/* What the checks need of one Redirect, read once from the skb. */
struct ig_redirect {
	struct ig_msg m;	/* first: what the shared verdict needs */
	unsigned int thoff;
	__be32 saddr;		/* sender: the claimed current gateway */
	__be32 new_gw;
	struct iphdr inner;	/* embedded header, fixed part */
	bool evidence_ok;	/* check 6 already matched */
};

/*
 * Check 1, well-formedness. Cheap and first: everything later trusts the
 * lengths validated here. The skb may be non-linear (a reassembled
 * datagram), so every read goes through skb_header_pointer().
 */
static int ig_check_wellformed(struct sk_buff *skb, struct ig_redirect *r)
{
	struct {
		struct icmphdr icmp;
		struct iphdr inner;
	} _h;
	const typeof(_h) *h;
	unsigned int len;

	BUILD_BUG_ON(sizeof(_h) != sizeof(struct icmphdr) +
				   sizeof(struct iphdr));

	len = skb->len - r->thoff;
	h = skb_header_pointer(skb, r->thoff, sizeof(_h), &_h);
	if (!h)
		return IG_DROP_MALFORMED;
	/* RFC 792: the embedded header plus its first 64 bits of data. */
	if (h->inner.version != 4 || h->inner.ihl < 5 ||
	    sizeof(h->icmp) + h->inner.ihl * 4 + 8 > len)
		return IG_DROP_MALFORMED;
	r->new_gw = h->icmp.un.gateway;
	r->inner = h->inner;
	/*
	 * As conntrack checks ICMP: a checksum the device verified
	 * (CHECKSUM_COMPLETE, CHECKSUM_UNNECESSARY) is taken, else it is
	 * computed once, and icmp_rcv() then does not do it again.
	 */
	if (nf_ip_checksum(skb, NF_INET_LOCAL_IN, r->thoff, IPPROTO_ICMP))
		return IG_DROP_CHECKSUM;
	/* Linux itself would take "code & 7", accepting codes 8 to 11. */
	if (h->icmp.code > ICMP_REDIR_HOSTTOS)
		return IG_DROP_BAD_CODE;
	return 0;
}

static int ig_l3mdev_table(const struct net_device *dev)
{
	return l3mdev_fib_table(dev) ? : RT_TABLE_LOCAL;
}

/*
 * Check 2: the route this host uses for the embedded datagram has the
 * sender as gateway, and goes out of the device the Redirect came in on.
 * The flow is built from the inner header the way ipv4_redirect() builds
 * it, with the DSCP bits of its TOS (kernels that still mask with
 * IPTOS_RT_MASK do so again in the lookup, as for their own key); the
 * receiving device's VRF, if any, selects the table. ANYSRC lets
 * the lookup proceed for a foreign inner source, which check 5 judges.
 *
 * It is a guess at the sending socket's flow: it has no mark, no bound
 * device, no uid and no ports, so policy routing on those, a socket bound
 * to one of two default routes and multipath hashed on ports can make it
 * name another gateway than the one the datagram really left through.
 * ig_judge() therefore lets the egress record, which holds the gateway and
 * device the datagram really took, overrule its refusal.
 *
 * The lookup is the one Linux's own Redirect path makes
 * (__ip_route_output_key(), no IPsec policy lookup): through
 * ip_route_output_key() a forged Redirect could make the kernel ask the
 * key manager for a security association (ACQUIRE), and with larval_drop
 * a blackhole route on lo would refuse a real Redirect.
 */
static int ig_check_gateway(const struct ig_redirect *r)
{
	struct flowi4 fl4;
	struct rtable *rt;
	int ret = 0;

	flowi4_init_output(&fl4, l3mdev_master_ifindex_rcu(r->m.dev), 0,
			   inet_dscp_to_dsfield(ip4h_dscp(&r->inner)),
			   RT_SCOPE_UNIVERSE,
			   r->inner.protocol, FLOWI_FLAG_ANYSRC,
			   r->inner.daddr, r->inner.saddr, 0, 0,
			   sock_net_uid(r->m.net, NULL));
	rt = __ip_route_output_key(r->m.net, &fl4);
	if (IS_ERR(rt))
		return IG_DROP_NOT_GATEWAY;
	if (rt->rt_gw_family != AF_INET || rt->rt_gw4 != r->saddr)
		ret = IG_DROP_NOT_GATEWAY;
	else if (rt->dst.dev != r->m.dev)
		ret = IG_DROP_WRONG_DEVICE;
	ip_rt_put(rt);
	return ret;
}

/*
 * Check 3: the frame's source link-layer address is the one this host has
 * resolved for the gateway. A spoofed source IP is not enough to pass it.
 * The frame's address is read by the device's header_ops->parse
 * (dev_parse_header(): Ethernet, and every device whose hard header has a
 * source address, such as NBMA GRE's outer source) and compared over
 * dev->addr_len bytes. On Ethernet a frame without its header is
 * refused. Elsewhere, where there is nothing to compare, the check is
 * skipped: a device with no parse (IP-in-IP, SIT, WireGuard, GRE without
 * a hard header, IPoIB, PPP), a non-Ethernet port of a VRF
 * (dev_parse_header() parses with skb->dev, the master), a frame without a
 * link-layer header, a parsed address of another length, and a neighbour
 * entry in NUD_NOARP (an IFF_NOARP device: the entry holds the device's own
 * address, not the sender's). Returns 0 if it matches, IG_SKIPPED, or
 * the drop reason.
 */
static int ig_check_lladdr(const struct sk_buff *skb,
			   const struct ig_redirect *r)
{
	u8 ha[MAX_ADDR_LEN] __aligned(sizeof(unsigned long));
	struct net_device *dev = r->m.dev;
	u8 buf[MAX_ADDR_LEN];
	struct neighbour *n;
	const u8 *src;
	u8 nud;

	if (dev->type == ARPHRD_ETHER && dev->addr_len == ETH_ALEN) {
		/* Ethernet without its header: nothing proves the sender. */
		if (!r->m.has_mac)
			return IG_DROP_LLADDR;
		src = r->m.src_mac;
	} else if (skb->dev == dev && dev->addr_len &&
		   skb_mac_header_was_set(skb) && skb_mac_header_len(skb) &&
		   dev_parse_header(skb, buf) == dev->addr_len) {
		src = buf;
	} else {
		return IG_SKIPPED;
	}
	n = __ipv4_neigh_lookup_noref(dev, (__force u32)r->saddr);
	if (!n)
		return IG_DROP_LLADDR;
	nud = READ_ONCE(n->nud_state);
	if (nud & NUD_NOARP)
		return IG_SKIPPED;
	if (!(nud & NUD_VALID))
		return IG_DROP_LLADDR;
	neigh_ha_snapshot(ha, n, dev);
	if (memcmp(ha, src, dev->addr_len))
		return IG_DROP_LLADDR;
	return 0;
}

/*
 * Is ADDR a host of a subnet of IN_DEV: inside the prefix of one of its
 * addresses, and not that subnet's network or broadcast address? Every
 * address is tried: a second, longer or shorter, prefix may hold ADDR as a
 * host where the first makes it its network or broadcast address.
 */
static bool ig_is_onlink(struct in_device *in_dev, __be32 addr)
{
	const struct in_ifaddr *ifa;

	in_dev_for_each_ifa_rcu(ifa, in_dev) {
		if (!inet_ifa_match(addr, ifa))
			continue;
		if (ifa->ifa_prefixlen < 31 &&
		    ((addr & ~ifa->ifa_mask) == 0 ||
		     (addr | ifa->ifa_mask) == htonl(INADDR_BROADCAST)))
			continue;
		return true;
	}
	return false;
}

/*
 * A link the addresses say nothing about: the sender itself is in none of
 * the device's prefixes (a /32 address and "via GW onlink", as clouds and
 * Calico configure). There any neighbour is as on-link as the gateway
 * (Linux, with shared_media=1, asks no more), so the new gateway only has
 * to be reached through this same device, as the route to it says.
 */
static bool ig_onlink_by_route(const struct ig_redirect *r,
			       struct in_device *in_dev)
{
	struct flowi4 fl4 = {
		.flowi4_oif = l3mdev_master_ifindex_rcu(r->m.dev),
		.daddr = r->new_gw,
	};
	struct rtable *rt;
	bool ok;

	if (ig_is_onlink(in_dev, r->saddr))
		return false;
	rt = __ip_route_output_key(r->m.net, &fl4);
	if (IS_ERR(rt))
		return false;
	ok = rt->dst.dev == r->m.dev && rt->rt_type == RTN_UNICAST;
	ip_rt_put(rt);
	return ok;
}

/*
 * Check 4: the new gateway is a plausible unicast neighbour on the link,
 * whatever shared_media says (Linux skips its on-link test by default).
 */
static int ig_check_new_gateway(const struct ig_redirect *r)
{
	__be32 gw = r->new_gw;
	struct in_device *in_dev;

	if (ipv4_is_zeronet(gw) || ipv4_is_loopback(gw) ||
	    ipv4_is_lbcast(gw) || ipv4_is_multicast(gw) ||
	    (gw & htonl(0xf0000000)) == htonl(0xf0000000) ||
	    gw == r->saddr)
		return IG_DROP_BAD_NEW_GATEWAY;
	if (inet_addr_type_table(r->m.net, gw, ig_l3mdev_table(r->m.dev)) !=
	    RTN_UNICAST)
		return IG_DROP_BAD_NEW_GATEWAY;
	in_dev = __in_dev_get_rcu(r->m.dev);
	if (!in_dev || !(ig_is_onlink(in_dev, gw) ||
			 ig_onlink_by_route(r, in_dev)))
		return IG_DROP_BAD_NEW_GATEWAY;
	return 0;
}

/* Check 5: a Redirect is about a datagram this host sent. */
static int ig_check_inner_source(const struct ig_redirect *r)
{
	if (inet_addr_type_table(r->m.net, r->inner.saddr,
				 ig_l3mdev_table(r->m.dev)) != RTN_LOCAL)
		return IG_DROP_INNER_SOURCE;
	return 0;
}

/*
 * Check 6: the embedded datagram is one this host sent through this gateway,
 * out of this device, within evidence_ms (see evidence.c for the record).
 * Only what a forger cannot make this host send counts: TCP and connected
 * UDP, with the IP ID and TCP's sequence number, and echo requests, with
 * their identifier, sequence number and checksum. Any other embedded
 * protocol (echo replies, ICMP errors, GRE, tunnels, raw protocols) is
 * refused: Linux applies some of those with no check at all, and refusing a
 * real one only keeps the path the host already has.
 */
static int ig_check_evidence(struct sk_buff *skb, const struct ig_redirect *r,
			     unsigned long window)
{
	struct ig_ev4_key k = {
		.saddr		= r->inner.saddr,
		.daddr		= r->inner.daddr,
		.gw		= r->saddr,
		.ifindex	= r->m.dev->ifindex,
		.proto		= r->inner.protocol,
	};
	u8 _l4[8];
	const u8 *l4;
	u32 seq;

	/* Routers quote the first fragment only; a later one has no ports. */
	if (r->inner.frag_off & htons(IP_OFFSET))
		return IG_DROP_INNER_PROTO;
	/* Check 1 made sure the 8 bytes are there. */
	l4 = skb_header_pointer(skb, r->thoff + sizeof(struct icmphdr) +
				r->inner.ihl * 4, sizeof(_l4), _l4);
	if (!l4)
		return IG_DROP_MALFORMED;
	if (!ig_ev_l4(l4, k.proto, &k.sport, &k.dport, &seq))
		return IG_DROP_INNER_PROTO;
	if (!icmp_guard_ev_match(r->m.ign, &k, sizeof(k), ntohs(r->inner.id),
				 seq, window))
		return IG_DROP_NO_EVIDENCE;
	return 0;
}

/*
 * Run the checks in order; return the first drop reason, or 0.
 *
 * The rate limiter comes after the checks that say who sent the Redirect
 * (2, the route, and 3, the link-layer address: a route lookup and a
 * neighbour hash lookup), so that only senders that passed them get an
 * entry and draw on the namespace's bucket: Redirects forged from other
 * addresses, or from the gateway's address and another MAC, cost those
 * lookups and spend nobody's budget. Where check 3 cannot run (it is off,
 * or the device has no link-layer address to compare), every sender that
 * passed check 2 is charged, as before.
 *
 * Check 2's route lookup guesses the sending socket's flow; when check 6 is
 * on, the egress record knows the gateway and the device the datagram
 * really left through, and a match there overrules check 2's refusal (see
 * ig_check_gateway()). The Redirect is then refused with check 2's reason
 * when the record does not prove the sender is the gateway either.
 */
static int ig_judge(struct sk_buff *skb, struct ig_msg *m)
{
	static const u8 no_mac[ETH_ALEN];
	struct ig_redirect *r = container_of(m, struct ig_redirect, m);
	const struct icmp_guard_cfg *knobs = &m->ign->cfg;
	struct icmp_guard_cfg c;
	unsigned long window;
	int ret, gw_ret = 0;

	ret = ig_check_wellformed(skb, r);
	if (ret)
		return ret;
	/* Each knob read once: a write meanwhile takes effect as a whole. */
	c.check_gateway = READ_ONCE(knobs->check_gateway);
	c.check_lladdr = READ_ONCE(knobs->check_lladdr);
	c.check_new_gateway = READ_ONCE(knobs->check_new_gateway);
	c.check_inner_source = READ_ONCE(knobs->check_inner_source);
	c.check_evidence = READ_ONCE(knobs->check_evidence);
	window = msecs_to_jiffies(READ_ONCE(knobs->evidence_ms));

	if (c.check_gateway) {
		gw_ret = ig_check_gateway(r);
		if (gw_ret && !c.check_evidence)
			return gw_ret;
	}
	if (c.check_lladdr) {
		ret = ig_check_lladdr(skb, r);
		if (ret > 0)
			return gw_ret ? : ret;
	}
	ret = icmp_guard_rl_check(m->ign, r->saddr,
				  m->has_mac ? m->src_mac : no_mac,
				  &m->sender);
	if (ret)
		return ret;
	if (gw_ret) {
		if (ig_check_evidence(skb, r, window))
			return gw_ret;
		r->evidence_ok = true;
	}
	if (c.check_new_gateway) {
		ret = ig_check_new_gateway(r);
		if (ret)
			return ret;
	}
	if (c.check_inner_source) {
		ret = ig_check_inner_source(r);
		if (ret)
			return ret;
	}
	if (c.check_evidence && !r->evidence_ok)
		return ig_check_evidence(skb, r, window);
	return 0;
}

/*
 * Linux ignores Redirects received on this device (accept_redirects, as
 * __ip_do_redirect() reads it, on skb->dev: a VRF's master).
 */
static bool ig_ignored(const struct sk_buff *skb)
{
	struct in_device *in_dev = __in_dev_get_rcu(skb->dev);

	return !in_dev || !IN_DEV_RX_REDIRECTS(in_dev);
}

/*
 * Codes 0/2 become 1/3, as Linux already treats them. The type/code word
 * changes and the checksum absorbs the difference, so the sum over the
 * message, and a CHECKSUM_COMPLETE skb->csum, stay valid. Under memory
 * pressure the message goes on undemoted: Linux treats it as a Host
 * Redirect anyway.
 */
static u64 ig_demote(struct sk_buff *skb, struct ig_msg *m, u64 mask)
{
	struct ig_redirect *r = container_of(m, struct ig_redirect, m);
	struct icmphdr *ih;
	__be16 old;

	if (!(mask & IG_BIT(IN_NET_REDIRECTS)) ||
	    !READ_ONCE(m->ign->cfg.demote) ||
	    skb_ensure_writable(skb, r->thoff + sizeof(*ih)))
		return 0;
	ih = (struct icmphdr *)(skb_network_header(skb) + r->thoff);
	old = htons(ih->type << 8 | ih->code);
	ih->code = ih->code == ICMP_REDIR_NET ? ICMP_REDIR_HOST :
						ICMP_REDIR_HOSTTOS;
	csum_replace2(&ih->checksum, old, htons(ih->type << 8 | ih->code));
	return IG_BIT(DEMOTED);
}

static const struct ig_family ig_ipv4 = {
	.idx		= IG_V4,
	.ignored	= ig_ignored,
	.judge		= ig_judge,
	.accepted	= ig_demote,
};

/*
 * Out of line, so that its stack buffer does not cost the fast path a stack
 * canary and saved registers: inlined, they made the hook cost 19 guest
 * instructions more than a nop hook on every packet of every protocol, 5
 * now (make bench, microbenchmark). ICMP pays 6 more for the call.
 */
static noinline unsigned int ig_icmp(struct icmp_guard_net *ign,
				     struct sk_buff *skb,
				     const struct nf_hook_state *state)
{
	unsigned int thoff = ip_hdrlen(skb);
	struct ig_redirect r;
	u8 _h[2];
	const u8 *h;
	int sdif;

	h = skb_header_pointer(skb, thoff, sizeof(_h), _h);
	if (!h || h[0] != ICMP_REDIRECT)
		return NF_ACCEPT;

	memset(&r, 0, sizeof(r));
	r.m.net = state->net;
	r.m.ign = ign;
	r.m.policy = READ_ONCE(ign->cfg.policy);
	r.m.log = READ_ONCE(ign->cfg.log);
	/* Counted as it arrived, whatever the verdict. */
	if (h[1] == ICMP_REDIR_NET || h[1] == ICMP_REDIR_NETTOS)
		r.m.mask = IG_BIT(IN_NET_REDIRECTS);
	/* In a VRF, skb->dev is the master; judge the real port. */
	sdif = inet_sdif(skb);
	r.m.dev = sdif ? dev_get_by_index_rcu(state->net, sdif) : state->in;
	if (!r.m.dev)
		r.m.dev = state->in;
	r.m.has_mac = skb_mac_header_was_set(skb) &&
		      skb_mac_header_len(skb) >= ETH_HLEN;
	if (r.m.has_mac)
		ether_addr_copy(r.m.src_mac, eth_hdr(skb)->h_source);
	r.m.saddr = &r.saddr;
	r.m.new_gw = &r.new_gw;
	r.m.inner_saddr = &r.inner.saddr;
	r.m.inner_daddr = &r.inner.daddr;
	r.thoff = thoff;
	r.saddr = ip_hdr(skb)->saddr;
	return icmp_guard_verdict(&ig_ipv4, skb, &r.m);
}

/* PRIV is the namespace's struct icmp_guard_net: see icmp_guard_net_init(). */
static unsigned int icmp_guard_hook(void *priv, struct sk_buff *skb,
				    const struct nf_hook_state *state)
{
	/* The fast path: one load and compare for everything but ICMP. */
	if (ip_hdr(skb)->protocol != IPPROTO_ICMP)
		return NF_ACCEPT;
	return ig_icmp(priv, skb, state);
}

/* ------------------------------------------------------------------------
 * The egress record's feed
 */

/*
 * Record a datagram of a local socket that leaves through a gateway, if it
 * is of a kind a forger cannot make this host send (see ig_check_evidence):
 * TCP of a live connection's own socket (not the reset and time-wait
 * replies of the control socket, not a SYN-ACK's request socket), UDP of a
 * connected socket (not a server's answers from an unconnected one), and
 * echo requests. A GSO packet stands for all its segments: each gets the
 * next ID, and TCP's the next MSS of sequence space.
 */
/*
 * Is this a datagram to record? Inline in the hook, so that the others
 * (unconnected UDP, on-link destinations, ...) cost a few loads and no
 * call; the route when it is.
 */
static __always_inline const struct rtable *
ig_out_wanted(const struct sk_buff *skb)
{
	const struct dst_entry *dst = skb_dst(skb);
	const struct sock *sk = skb->sk;
	const struct rtable *rt;

	switch (ip_hdr(skb)->protocol) {
	case IPPROTO_TCP:
		if (!sk_fullsock(sk) || sk->sk_protocol != IPPROTO_TCP ||
		    !((1 << sk->sk_state) & IG_TCPF_LIVE))
			return NULL;
		break;
	case IPPROTO_UDP:
		if (!sk_fullsock(sk) || sk->sk_protocol != IPPROTO_UDP ||
		    sk->sk_state != TCP_ESTABLISHED)
			return NULL;
		break;
	case IPPROTO_ICMP:
		break;
	default:
		return NULL;
	}
	/* Through a gateway, not into an IPsec transform. */
	if (!dst || dst_xfrm(dst) || dst->ops->family != AF_INET)
		return NULL;
	rt = container_of(dst, struct rtable, dst);
	return rt->rt_gw_family == AF_INET ? rt : NULL;
}

/*
 * What a datagram adds to the record: NID IDs (a GSO packet's segments),
 * and for TCP the sequence number SEQ and the NSEQ values it takes (its
 * payload, SYN and FIN). False if it is not to be recorded after all.
 *
 * The IP layer builds a datagram's headers in the skb's linear part
 * (ip_make_skb(), __tcp_transmit_skb()), so they are read in place, within
 * its bounds: a copy into a stack buffer would cost every datagram a stack
 * canary. One with its transport header elsewhere is not recorded, which
 * can only make a real Redirect about it be refused.
 */
static __always_inline bool ig_out_span(const struct sk_buff *skb,
					u16 *nid, u32 *seq, u32 *nseq)
{
	const u8 *l4 = skb_network_header(skb) + ip_hdrlen(skb);
	const struct tcphdr *th = (const struct tcphdr *)l4;
	unsigned int hl, len = skb->len - ip_hdrlen(skb);

	*nid = skb_is_gso(skb) ? max_t(u16, skb_shinfo(skb)->gso_segs, 1) : 1;
	*seq = 0;
	*nseq = 1;
	if (l4 + 8 > skb_tail_pointer(skb))
		return false;
	if (ip_hdr(skb)->protocol != IPPROTO_TCP)
		return true;
	if (l4 + sizeof(*th) > skb_tail_pointer(skb))
		return false;
	hl = th->doff * 4;
	if (hl < sizeof(*th) || hl > len)
		return false;
	*seq = ntohl(th->seq);
	*nseq = max(len - hl + th->syn + th->fin, 1U);
	return true;
}

/* The first datagram of a span: the whole flow key, and into the record. */
static noinline void ig_out_record(struct icmp_guard_net *ign,
				   const struct sk_buff *skb,
				   const struct rtable *rt)
{
	const struct iphdr *iph = ip_hdr(skb);
	struct ig_ev4_key k = {
		.saddr		= iph->saddr,
		.daddr		= iph->daddr,
		.gw		= rt->rt_gw4,
		.ifindex	= rt->dst.dev->ifindex,
		.proto		= iph->protocol,
	};
	u32 seq, nseq;
	u16 nid;

	if (!ig_out_span(skb, &nid, &seq, &nseq) ||
	    !ig_ev_l4(skb_network_header(skb) + ip_hdrlen(skb), k.proto,
		      &k.sport, &k.dport, &seq))
		return;
	icmp_guard_ev_record(ign, skb->sk, rt, 0, &k, sizeof(k), ntohs(iph->id),
			     nid, seq, nseq, k.proto != IPPROTO_ICMP);
}

/*
 * Most datagrams only extend this CPU's open span (icmp_guard_ev_extend());
 * the others go on to ig_out_record(), a tail call, so that this saves
 * few registers and the hook none.
 */
static noinline void ig_out(struct icmp_guard_net *ign,
			    const struct sk_buff *skb, const struct rtable *rt)
{
	u32 seq, nseq;
	int policy;
	u16 nid;

	policy = READ_ONCE(ign->cfg.policy);
	if (policy == ICMP_GUARD_OFF || policy == ICMP_GUARD_BLOCK ||
	    !READ_ONCE(ign->cfg.check_evidence) ||
	    !ig_out_span(skb, &nid, &seq, &nseq))
		return;
	/* Echo requests never extend a span: each is one of its own. */
	if (ip_hdr(skb)->protocol == IPPROTO_ICMP ||
	    !icmp_guard_ev_extend(ign, skb->sk, rt, 0, ntohs(ip_hdr(skb)->id),
				  nid, seq, nseq))
		ig_out_record(ign, skb, rt);
}

/* PRIV is the namespace's struct icmp_guard_net. */
static unsigned int icmp_guard_out_hook(void *priv, struct sk_buff *skb,
					const struct nf_hook_state *state)
{
	const struct rtable *rt;

	/* Forwarded traffic has no socket: one load and compare for it. */
	if (skb->sk) {
		rt = ig_out_wanted(skb);
		if (rt)
			ig_out(priv, skb, rt);
	}
	return NF_ACCEPT;
}

const struct nf_hook_ops icmp_guard_ipv4_ops[2] = {
	/*
	 * Before the filter table, so that rules there see demoted codes and
	 * only the Redirects that survived, and after mangle.
	 */
	{
		.hook		= icmp_guard_hook,
		.pf		= NFPROTO_IPV4,
		.hooknum	= NF_INET_LOCAL_IN,
		.priority	= NF_IP_PRI_FILTER - 1,
	},
	/*
	 * Last: after source NAT, so the record holds the datagram as the
	 * gateway will see and quote it.
	 */
	{
		.hook		= icmp_guard_out_hook,
		.pf		= NFPROTO_IPV4,
		.hooknum	= NF_INET_POST_ROUTING,
		.priority	= NF_IP_PRI_LAST,
	},
};

