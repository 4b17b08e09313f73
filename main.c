// SPDX-License-Identifier: GPL-2.0
/*
 * icmp_guard: police incoming ICMP Redirects.
 *
 * A netfilter hook at NF_INET_LOCAL_IN, registered in every network
 * namespace, sees each IPv4 Redirect before icmp_rcv() does. It checks that
 * the message is well formed, that it comes from the gateway this host would
 * use for the embedded datagram (by route, device and link-layer address),
 * that the new gateway is a sane on-link neighbour and that the embedded
 * datagram really left this host, through that gateway, recently; it demotes
 * Network Redirects to Host Redirects. It only ever drops or rewrites:
 * Linux's own checks still run on whatever it lets through.
 *
 * A second hook, at NF_INET_POST_ROUTING, keeps the evidence for that last
 * check: the egress record of evidence.c.
 */

#include <linux/etherdevice.h>
#include <linux/icmp.h>
#include <linux/if_arp.h>
#include <linux/inetdevice.h>
#include <linux/ip.h>
#include <linux/module.h>
#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>
#include <linux/ratelimit.h>
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
#include <net/netns/generic.h>
#include <net/route.h>
#include <net/sock.h>
#include <net/tcp_states.h>

#include "icmp_guard.h"

/* In enum order, so each string sits at its counter's index. */
#define IG_NAME(id, name, why) name,
const char *const icmp_guard_counter_names[IG_NR_COUNTERS] = {
	ICMP_GUARD_COUNTERS(IG_NAME)
};

#define IG_WHY(id, name, why) why,
const char *const icmp_guard_drop_reasons[IG_NR_COUNTERS] = {
	ICMP_GUARD_COUNTERS(IG_WHY)
};

const struct icmp_guard_cfg icmp_guard_default_cfg = {
	.policy			= ICMP_GUARD_ENFORCE,
	.demote			= 1,
	.check_gateway		= 1,
	.check_lladdr		= 1,
	.check_new_gateway	= 1,
	.check_inner_source	= 1,
	.check_evidence		= 1,
	.evidence_ms		= 2000,
	.log			= 1,
	.rate			= 10,
	.burst			= 20,
	.global_rate		= 500,
	.global_burst		= 1000,
	.max_senders		= 4096,
};

static unsigned int icmp_guard_net_id __read_mostly;

struct icmp_guard_net *icmp_guard_pernet(const struct net *net)
{
	return net_generic(net, icmp_guard_net_id);
}

/* ------------------------------------------------------------------------
 * Counters
 */

#define IG_BIT(c) BIT_ULL(IG_##c)

/* One update section per packet: the verdict is collected as a bit mask. */
static void icmp_guard_count(struct icmp_guard_net *ign, u64 mask)
{
	struct icmp_guard_stats *s;

	BUILD_BUG_ON(IG_NR_COUNTERS > 64);

	/* LOCAL_IN runs with BH disabled, so this CPU's slot is ours. */
	s = this_cpu_ptr(ign->stats);
	u64_stats_update_begin(&s->syncp);
	while (mask) {
		u64_stats_inc(&s->cnt[__ffs64(mask)]);
		mask &= mask - 1;
	}
	u64_stats_update_end(&s->syncp);
}

void icmp_guard_stats_fold(const struct icmp_guard_net *ign,
			   u64 sum[IG_NR_COUNTERS])
{
	u64 v[IG_NR_COUNTERS];
	unsigned int start;
	int cpu, i;

	memset(sum, 0, sizeof(u64) * IG_NR_COUNTERS);
	for_each_possible_cpu(cpu) {
		const struct icmp_guard_stats *s = per_cpu_ptr(ign->stats, cpu);

		do {
			start = u64_stats_fetch_begin(&s->syncp);
			for (i = 0; i < IG_NR_COUNTERS; i++)
				v[i] = u64_stats_read(&s->cnt[i]);
		} while (u64_stats_fetch_retry(&s->syncp, start));
		for (i = 0; i < IG_NR_COUNTERS; i++)
			sum[i] += v[i];
	}
}

/* ------------------------------------------------------------------------
 * The Redirect pipeline
 */

/* What the checks need of one Redirect, read once from the skb. */
struct ig_redirect {
	struct net *net;
	struct icmp_guard_net *ign;
	struct ig_sender *sender;	/* its rate limiter entry, or NULL */
	struct net_device *dev;	/* device it arrived on (a VRF's slave) */
	unsigned int thoff;
	__be32 saddr;		/* sender: the claimed current gateway */
	__be32 new_gw;
	struct iphdr inner;	/* embedded header, fixed part */
	u8 src_mac[ETH_ALEN];
	bool has_mac;
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
	if (csum_fold(skb_checksum(skb, r->thoff, len, 0)))
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
 */
static int ig_check_gateway(const struct ig_redirect *r)
{
	struct flowi4 fl4;
	struct rtable *rt;
	int ret = 0;

	flowi4_init_output(&fl4, l3mdev_master_ifindex_rcu(r->dev), 0,
			   inet_dscp_to_dsfield(ip4h_dscp(&r->inner)),
			   RT_SCOPE_UNIVERSE,
			   r->inner.protocol, FLOWI_FLAG_ANYSRC,
			   r->inner.daddr, r->inner.saddr, 0, 0,
			   sock_net_uid(r->net, NULL));
	rt = ip_route_output_key(r->net, &fl4);
	if (IS_ERR(rt))
		return IG_DROP_NOT_GATEWAY;
	if (rt->rt_gw_family != AF_INET || rt->rt_gw4 != r->saddr)
		ret = IG_DROP_NOT_GATEWAY;
	else if (rt->dst.dev != r->dev)
		ret = IG_DROP_WRONG_DEVICE;
	ip_rt_put(rt);
	return ret;
}

/*
 * Check 3: the frame's source MAC is the one this host has resolved for the
 * gateway. A spoofed source IP is not enough to pass it. Devices without
 * Ethernet-like link-layer addresses (tunnels) have nothing to compare.
 */
static int ig_check_lladdr(const struct ig_redirect *r)
{
	u8 ha[MAX_ADDR_LEN] __aligned(sizeof(unsigned long));
	struct neighbour *n;

	if (r->dev->type != ARPHRD_ETHER || r->dev->addr_len != ETH_ALEN)
		return 0;
	if (!r->has_mac)
		return IG_DROP_LLADDR;
	n = __ipv4_neigh_lookup_noref(r->dev, (__force u32)r->saddr);
	if (!n || !(READ_ONCE(n->nud_state) & NUD_VALID))
		return IG_DROP_LLADDR;
	neigh_ha_snapshot(ha, n, r->dev);
	if (!ether_addr_equal_unaligned(ha, r->src_mac))
		return IG_DROP_LLADDR;
	return 0;
}

static bool ig_is_onlink(struct in_device *in_dev, __be32 addr)
{
	const struct in_ifaddr *ifa;

	in_dev_for_each_ifa_rcu(ifa, in_dev) {
		if (!inet_ifa_match(addr, ifa))
			continue;
		/* Not the subnet's own network or broadcast address. */
		if (ifa->ifa_prefixlen < 31 &&
		    ((addr & ~ifa->ifa_mask) == 0 ||
		     (addr | ifa->ifa_mask) == htonl(INADDR_BROADCAST)))
			return false;
		return true;
	}
	return false;
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
	if (inet_addr_type_table(r->net, gw, ig_l3mdev_table(r->dev)) !=
	    RTN_UNICAST)
		return IG_DROP_BAD_NEW_GATEWAY;
	in_dev = __in_dev_get_rcu(r->dev);
	if (!in_dev || !ig_is_onlink(in_dev, gw))
		return IG_DROP_BAD_NEW_GATEWAY;
	return 0;
}

/* Check 5: a Redirect is about a datagram this host sent. */
static int ig_check_inner_source(const struct ig_redirect *r)
{
	if (inet_addr_type_table(r->net, r->inner.saddr,
				 ig_l3mdev_table(r->dev)) != RTN_LOCAL)
		return IG_DROP_INNER_SOURCE;
	return 0;
}

/*
 * The flow and "sequence" of a datagram from the first 8 bytes of its
 * transport header, the same for the egress record's feed and for check
 * 6, so that both sides key a datagram alike: TCP's ports and sequence
 * number, UDP's ports, an echo request's identifier, and as its sequence
 * its echo sequence number and checksum. False for anything else.
 */
static bool ig_ev4_l4(const u8 *l4, struct ig_ev4_key *k, u32 *seq)
{
	switch (k->proto) {
	case IPPROTO_TCP:
		*seq = get_unaligned_be32(l4 + 4);
		break;
	case IPPROTO_UDP:
		*seq = 0;
		break;
	case IPPROTO_ICMP:
		if (l4[0] != ICMP_ECHO || l4[1] != 0)
			return false;
		k->sport = get_unaligned((__be16 *)(l4 + 4));
		*seq = get_unaligned_be16(l4 + 6) << 16 |
		       get_unaligned_be16(l4 + 2);
		return true;
	default:
		return false;
	}
	k->sport = get_unaligned((__be16 *)l4);
	k->dport = get_unaligned((__be16 *)(l4 + 2));
	return true;
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
		.ifindex	= r->dev->ifindex,
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
	if (!ig_ev4_l4(l4, &k, &seq))
		return IG_DROP_INNER_PROTO;
	if (!icmp_guard_ev_match(r->ign, &k, sizeof(k), ntohs(r->inner.id),
				 seq, window))
		return IG_DROP_NO_EVIDENCE;
	return 0;
}

/*
 * Run the checks in order; return the first drop reason, or 0. The rate
 * limiter comes after the cheap well-formedness checks and before the
 * route and neighbour lookups, so a flood costs little.
 */
static int ig_judge(struct sk_buff *skb, struct ig_redirect *r,
		    const struct icmp_guard_cfg *cfg)
{
	static const u8 no_mac[ETH_ALEN];
	int ret;

	ret = ig_check_wellformed(skb, r);
	if (ret)
		return ret;
	ret = icmp_guard_rl_check(r->ign, r->saddr,
				  r->has_mac ? r->src_mac : no_mac,
				  &r->sender);
	if (ret)
		return ret;
	if (cfg->check_gateway) {
		ret = ig_check_gateway(r);
		if (ret)
			return ret;
	}
	if (cfg->check_lladdr) {
		ret = ig_check_lladdr(r);
		if (ret)
			return ret;
	}
	if (cfg->check_new_gateway) {
		ret = ig_check_new_gateway(r);
		if (ret)
			return ret;
	}
	if (cfg->check_inner_source) {
		ret = ig_check_inner_source(r);
		if (ret)
			return ret;
	}
	if (cfg->check_evidence)
		return ig_check_evidence(skb, r,
					 msecs_to_jiffies(cfg->evidence_ms));
	return 0;
}

/*
 * Codes 0/2 become 1/3, as Linux already treats them. The type/code word
 * changes and the checksum absorbs the difference, so the sum over the
 * message, and a CHECKSUM_COMPLETE skb->csum, stay valid.
 */
static bool ig_demote(struct sk_buff *skb, unsigned int thoff)
{
	struct icmphdr *ih;
	__be16 old;

	if (skb_ensure_writable(skb, thoff + sizeof(*ih)))
		return false;
	ih = (struct icmphdr *)(skb_network_header(skb) + thoff);
	old = htons(ih->type << 8 | ih->code);
	ih->code = ih->code == ICMP_REDIR_NET ? ICMP_REDIR_HOST :
						ICMP_REDIR_HOSTTOS;
	csum_replace2(&ih->checksum, old, htons(ih->type << 8 | ih->code));
	return true;
}

/*
 * Each namespace has its own budget of lines (10 per 5 s, net_ratelimit()'s
 * defaults), so that a namespace flooding itself with bad Redirects cannot
 * use up the budget of another, or of the host, as it would with the shared
 * net_ratelimit().
 */
static void ig_log(const struct ig_redirect *r, int reason, bool dropped)
{
	static const u8 no_mac[ETH_ALEN];

	if (!__ratelimit(&r->ign->log_rs))
		return;
	pr_info("netns %u: %s redirect from %pI4 (%pM) on %s: %s; new gateway %pI4 for %pI4 -> %pI4\n",
		r->net->ns.inum,
		dropped ? "dropped" : "would drop",
		&r->saddr, r->has_mac ? r->src_mac : no_mac,
		r->dev->name, icmp_guard_drop_reasons[reason],
		&r->new_gw, &r->inner.saddr, &r->inner.daddr);
}

static unsigned int ig_redirect(struct net *net, struct sk_buff *skb,
				unsigned int thoff, struct net_device *in)
{
	struct icmp_guard_net *ign = icmp_guard_pernet(net);
	struct icmp_guard_cfg cfg;
	struct ig_redirect r;
	u64 mask = IG_BIT(IN_REDIRECTS);
	int sdif, reason;
	u8 _code;
	const u8 *code;

	cfg.policy = READ_ONCE(ign->cfg.policy);
	if (cfg.policy == ICMP_GUARD_OFF) {
		icmp_guard_count(ign, mask | IG_BIT(ACCEPTED));
		return NF_ACCEPT;
	}
	/* Counted as it arrived, whatever the verdict; see ig_judge(). */
	code = skb_header_pointer(skb, thoff + 1, sizeof(_code), &_code);
	if (code && (*code == ICMP_REDIR_NET || *code == ICMP_REDIR_NETTOS))
		mask |= IG_BIT(IN_NET_REDIRECTS);
	if (cfg.policy == ICMP_GUARD_BLOCK) {
		icmp_guard_count(ign, mask | IG_BIT(DROPPED) |
				 IG_BIT(DROP_BLOCKED));
		return NF_DROP;
	}

	cfg.demote = READ_ONCE(ign->cfg.demote);
	cfg.check_gateway = READ_ONCE(ign->cfg.check_gateway);
	cfg.check_lladdr = READ_ONCE(ign->cfg.check_lladdr);
	cfg.check_new_gateway = READ_ONCE(ign->cfg.check_new_gateway);
	cfg.check_inner_source = READ_ONCE(ign->cfg.check_inner_source);
	cfg.check_evidence = READ_ONCE(ign->cfg.check_evidence);
	cfg.evidence_ms = READ_ONCE(ign->cfg.evidence_ms);
	cfg.log = READ_ONCE(ign->cfg.log);

	r.net = net;
	r.ign = ign;
	r.sender = NULL;
	r.thoff = thoff;
	r.saddr = ip_hdr(skb)->saddr;
	r.new_gw = 0;
	r.inner.saddr = 0;
	r.inner.daddr = 0;
	/* In a VRF, skb->dev is the master; judge the real port. */
	sdif = inet_sdif(skb);
	r.dev = sdif ? dev_get_by_index_rcu(net, sdif) : in;
	if (!r.dev)
		r.dev = in;
	r.has_mac = skb_mac_header_was_set(skb) &&
		    skb_mac_header_len(skb) >= ETH_HLEN;
	if (r.has_mac)
		ether_addr_copy(r.src_mac, eth_hdr(skb)->h_source);

	reason = ig_judge(skb, &r, &cfg);
	if (r.sender)
		icmp_guard_rl_account(r.sender, !reason ||
				      cfg.policy != ICMP_GUARD_ENFORCE);
	if (reason) {
		if (cfg.log)
			ig_log(&r, reason, cfg.policy == ICMP_GUARD_ENFORCE);
		if (cfg.policy == ICMP_GUARD_ENFORCE) {
			icmp_guard_count(ign, mask | IG_BIT(DROPPED) |
					 BIT_ULL(reason));
			return NF_DROP;
		}
		mask |= IG_BIT(MONITOR_WOULD_DROP);
	}

	/*
	 * Monitor changes nothing. Under memory pressure the message goes on
	 * undemoted: Linux treats it as a Host Redirect anyway.
	 */
	if ((mask & IG_BIT(IN_NET_REDIRECTS)) &&
	    cfg.policy == ICMP_GUARD_ENFORCE && cfg.demote &&
	    ig_demote(skb, thoff))
		mask |= IG_BIT(DEMOTED);
	icmp_guard_count(ign, mask | IG_BIT(ACCEPTED));
	return NF_ACCEPT;
}

/*
 * Out of line, so that its stack buffer does not cost the fast path a stack
 * canary and saved registers: inlined, they made the hook cost 19 guest
 * instructions more than a nop hook on every packet of every protocol, 5
 * now (make bench, microbenchmark). ICMP pays 6 more for the call.
 */
static noinline unsigned int ig_icmp(struct sk_buff *skb,
				     const struct nf_hook_state *state)
{
	unsigned int thoff = ip_hdrlen(skb);
	u8 _type;
	const u8 *type;

	type = skb_header_pointer(skb, thoff, sizeof(_type), &_type);
	if (!type || *type != ICMP_REDIRECT)
		return NF_ACCEPT;
	return ig_redirect(state->net, skb, thoff, state->in);
}

static unsigned int icmp_guard_hook(void *priv, struct sk_buff *skb,
				    const struct nf_hook_state *state)
{
	/* The fast path: one load and compare for everything but ICMP. */
	if (ip_hdr(skb)->protocol != IPPROTO_ICMP)
		return NF_ACCEPT;
	return ig_icmp(skb, state);
}

/* ------------------------------------------------------------------------
 * The egress record's feed
 */

/* The TCP states in which a socket sends what its peer asked for. */
#define IG_TCPF_LIVE (TCPF_SYN_SENT | TCPF_ESTABLISHED | TCPF_FIN_WAIT1 | \
		      TCPF_FIN_WAIT2 | TCPF_CLOSE_WAIT | TCPF_LAST_ACK | \
		      TCPF_CLOSING)

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

static noinline void ig_out(struct sk_buff *skb, const struct rtable *rt,
			    const struct nf_hook_state *state)
{
	const struct iphdr *iph = ip_hdr(skb);
	struct icmp_guard_net *ign;
	struct ig_ev4_key k;
	unsigned int thoff;
	u32 seq, nseq = 1;
	bool merge;
	u8 _l4[20];
	const u8 *l4;
	int policy;

	ign = icmp_guard_pernet(state->net);
	policy = READ_ONCE(ign->cfg.policy);
	if (policy == ICMP_GUARD_OFF || policy == ICMP_GUARD_BLOCK ||
	    !READ_ONCE(ign->cfg.check_evidence))
		return;

	thoff = ip_hdrlen(skb);
	l4 = skb_header_pointer(skb, thoff, sizeof(_l4), _l4);
	if (!l4 && iph->protocol != IPPROTO_TCP)
		l4 = skb_header_pointer(skb, thoff, 8, _l4);
	if (!l4)
		return;
	memset(&k, 0, sizeof(k));
	k.saddr = iph->saddr;
	k.daddr = iph->daddr;
	k.gw = rt->rt_gw4;
	k.ifindex = rt->dst.dev->ifindex;
	k.proto = iph->protocol;
	if (!ig_ev4_l4(l4, &k, &seq))
		return;
	if (k.proto == IPPROTO_TCP) {
		const struct tcphdr *th = (const struct tcphdr *)l4;
		unsigned int hl = th->doff * 4;

		/* The sequence space it takes: its payload, SYN and FIN. */
		if (hl < sizeof(*th) || thoff + hl > skb->len)
			return;
		nseq = max(skb->len - thoff - hl + th->syn + th->fin, 1U);
	}
	/* Echo requests do not merge: each is a span of its own. */
	merge = k.proto != IPPROTO_ICMP;
	icmp_guard_ev_record(ign, &k, sizeof(k), ntohs(iph->id),
			     skb_is_gso(skb) ?
			     max_t(u16, skb_shinfo(skb)->gso_segs, 1) : 1,
			     seq, nseq, merge);
}

static unsigned int icmp_guard_out_hook(void *priv, struct sk_buff *skb,
					const struct nf_hook_state *state)
{
	const struct rtable *rt;

	/* Forwarded traffic has no socket: one load and compare for it. */
	if (skb->sk) {
		rt = ig_out_wanted(skb);
		if (rt)
			ig_out(skb, rt, state);
	}
	return NF_ACCEPT;
}

static const struct nf_hook_ops icmp_guard_ops[] = {
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

/* ------------------------------------------------------------------------
 * Per-namespace life cycle
 */

/*
 * A new namespace's knobs: init_net's current values if
 * net.ipv4.icmp_guard.inherit is on (so a host's sysctl.d settings reach
 * its containers), else the defaults. init_net is the first namespace the
 * core initialises, so its values are there. Each value is read once; a
 * write racing the creation leaves the new namespace with the old or the
 * new value of that knob. Outside init_net, log starts at 0, whatever
 * init_net's: lines from every container are opt-in, as nf_log_all_netns
 * makes them for netfilter's log.
 */
static void icmp_guard_cfg_init(struct net *net, struct icmp_guard_cfg *cfg)
{
	const int *host;
	int *knob;
	size_t i;

	*cfg = icmp_guard_default_cfg;
	if (net_eq(net, &init_net))
		return;
	if (READ_ONCE(icmp_guard_inherit)) {
		/*
		 * Every knob is an int (the sysctl table says so): copy them
		 * all, so that a knob added later cannot be forgotten here.
		 */
		BUILD_BUG_ON(sizeof(*cfg) % sizeof(int));
		host = (const int *)&icmp_guard_pernet(&init_net)->cfg;
		knob = (int *)cfg;
		for (i = 0; i < sizeof(*cfg) / sizeof(int); i++)
			knob[i] = READ_ONCE(host[i]);
	}
	cfg->log = 0;
}

static int __net_init icmp_guard_net_init(struct net *net)
{
	struct icmp_guard_net *ign = icmp_guard_pernet(net);
	int ret;

	icmp_guard_cfg_init(net, &ign->cfg);
	ratelimit_state_init(&ign->log_rs, DEFAULT_RATELIMIT_INTERVAL,
			     DEFAULT_RATELIMIT_BURST);
	ign->stats = netdev_alloc_pcpu_stats(struct icmp_guard_stats);
	if (!ign->stats)
		return -ENOMEM;

	ret = icmp_guard_rl_init(ign);
	if (ret)
		goto err_free_stats;
	ret = icmp_guard_ev_init(ign);
	if (ret)
		goto err_exit_rl;
	ret = icmp_guard_sysctl_register(net, ign);
	if (ret)
		goto err_exit_ev;
	ret = icmp_guard_proc_init(net, ign);
	if (ret)
		goto err_unregister_sysctl;
	ret = nf_register_net_hooks(net, icmp_guard_ops,
				    ARRAY_SIZE(icmp_guard_ops));
	if (ret)
		goto err_remove_proc;
	return 0;

err_remove_proc:
	icmp_guard_proc_exit(net, ign);
err_unregister_sysctl:
	icmp_guard_sysctl_unregister(ign);
err_exit_ev:
	icmp_guard_ev_exit(ign);
err_exit_rl:
	icmp_guard_rl_exit(ign);
err_free_stats:
	free_percpu(ign->stats);
	return ret;
}

/*
 * The hook goes first; the core then waits for an RCU grace period before
 * ->exit, so no packet is still inside the hook when its state is freed.
 */
static void __net_exit icmp_guard_net_pre_exit(struct net *net)
{
	nf_unregister_net_hooks(net, icmp_guard_ops,
				ARRAY_SIZE(icmp_guard_ops));
}

static void __net_exit icmp_guard_net_exit(struct net *net)
{
	struct icmp_guard_net *ign = icmp_guard_pernet(net);

	icmp_guard_proc_exit(net, ign);
	icmp_guard_sysctl_unregister(ign);
	icmp_guard_ev_exit(ign);
	icmp_guard_rl_exit(ign);
	free_percpu(ign->stats);
	ratelimit_state_exit(&ign->log_rs);
}

static struct pernet_operations icmp_guard_net_ops = {
	.init		= icmp_guard_net_init,
	.pre_exit	= icmp_guard_net_pre_exit,
	.exit		= icmp_guard_net_exit,
	.id		= &icmp_guard_net_id,
	.size		= sizeof(struct icmp_guard_net),
};

static int __init icmp_guard_init(void)
{
	int ret;

	icmp_guard_ev_module_init();
	ret = icmp_guard_rl_module_init();
	if (ret)
		return ret;
	ret = register_pernet_subsys(&icmp_guard_net_ops);
	if (ret)
		goto err_exit_rl;
	ret = icmp_guard_ipv6_init();
	if (ret)
		goto err_unregister;
	pr_info("loaded; egress record: %u flows, %zu bytes per namespace\n",
		icmp_guard_ev_flows(), icmp_guard_ev_bytes());
	return 0;

err_unregister:
	unregister_pernet_subsys(&icmp_guard_net_ops);
err_exit_rl:
	icmp_guard_rl_module_exit();
	return ret;
}

static void __exit icmp_guard_exit(void)
{
	icmp_guard_ipv6_exit();
	unregister_pernet_subsys(&icmp_guard_net_ops);
	icmp_guard_rl_module_exit();
	pr_info("unloaded\n");
}

module_init(icmp_guard_init);
module_exit(icmp_guard_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Police incoming ICMP Redirects");
MODULE_VERSION("0.2.0");
MODULE_AUTHOR("The icmp_guard developers");
