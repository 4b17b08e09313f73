// SPDX-License-Identifier: GPL-2.0
/*
 * BENCHMARK ONLY, never load it on a production host: it runs prepared
 * packets through netfilter hooks with bottom halves disabled for as long
 * as a batch lasts, and bumps icmp_guard's counters and sender table.
 *
 * What icmp_guard's hooks cost per packet, without the throughput noise of
 * a loaded, emulated machine: the same skb is run through a chain of hooks
 * CALLS times per batch, and batches of every configuration are
 * interleaved, so that any drift of the machine's speed hits them all.
 * The configurations, all through nf_hook_slow() as nf_hook() would call
 * it, with the same skb reference work:
 *
 *   none   no hook: nf_hook() finds no chain and returns at once
 *   nop    a chain of one hook that accepts at once (as the nop_hook module)
 *   plant0 a hook that accepts after a loop of no iterations
 *   plant  the same hook, the loop run plant_iters times: plant - plant0
 *          is a known extra cost, calibrated at each run, that the
 *          figures must find
 *   guard  a chain of one hook: icmp_guard's, taken from the namespace's
 *          own LOCAL_IN (or POST_ROUTING) hooks of the packet's family
 *   chain  nf_hook() itself on the namespace's real list of hooks of the
 *          packet's family: a check that the lists built here cost what
 *          it does
 *
 * Packets are frames arriving on a device (LOCAL_IN: icmp_guard_hook for
 * IPv4, ig6_hook for IPv6), or datagrams this namespace sends
 * (POST_ROUTING: icmp_guard_out_hook, ig6_out_hook). An IPv4 datagram is
 * built here: a kernel UDP socket connected to an address, its route, and
 * a 64-byte datagram as ip_make_skb() builds it, owned by that socket.
 * Each call of it gives it the next IP ID first, in every configuration,
 * as the socket's counter would: the egress record then grows its span as
 * it does for a real flow. An IPv6 datagram is the kernel's own: a kernel
 * UDP socket connected to the address sends 64 bytes, and a hook of this
 * module, first at POST_ROUTING, steals that datagram (see hb_build_out6()),
 * with the flow label, hash and route ip6_make_skb() gave it. IPv6 has no
 * ID: every call is the same datagram, as a flow's are to the record.
 *
 * Interface, /proc/icmp_guard_hookbench, one command per write(), run in
 * the writer's network namespace:
 *
 *   dev IFNAME         the device packets "arrived" on
 *   pkt NAME HEX       a frame: Ethernet header, then the IPv4 or IPv6
 *                      packet (by the EtherType)
 *   out NAME ADDR PORT a datagram sent by a UDP socket connected to
 *                      ADDR:PORT (an IPv4 or IPv6 address)
 *   run CALLS BATCHES  time every packet in every configuration
 *   clear              forget the packets
 *
 * Reading gives the last run: "# key value" lines (for each IPv6 datagram
 * sent, "# flowlabel NAME LABEL"), then one line per packet and
 * configuration with the nanoseconds of each batch, in batch order.
 */

#include <linux/etherdevice.h>
#include <linux/in.h>
#include <linux/inet.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/kallsyms.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/netdevice.h>
#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6.h>
#include <linux/proc_fs.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/skbuff.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/udp.h>
#include <net/inet_sock.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/net_namespace.h>
#include <net/sock.h>

#define HB_MAX_PKTS	16
#define HB_MAX_FRAME	512
#define HB_MAX_BATCHES	10000
#define HB_NAME_LEN	24

/* A loop of known length: its cost per iteration is measured at each run. */
static unsigned int plant_iters = 1;
module_param(plant_iters, uint, 0644);
MODULE_PARM_DESC(plant_iters, "iterations of the planted loop in the plant hook");

enum hb_cfg {
	HB_NONE, HB_NOP, HB_PLANT0, HB_PLANT, HB_GUARD, HB_CHAIN, HB_NR_CFGS
};

static const char *const hb_cfg_names[HB_NR_CFGS] = {
	"none", "nop", "plant0", "plant", "guard", "chain"
};

struct hb_pkt {
	char name[HB_NAME_LEN];
	struct sk_buff *skb;
	struct socket *sock;	/* an outgoing datagram's; else NULL */
	u8 pf;			/* NFPROTO_IPV4 or NFPROTO_IPV6 */
};

static DEFINE_MUTEX(hb_lock);
static struct hb_pkt hb_pkts[HB_MAX_PKTS];
static unsigned int hb_nr_pkts;
static char hb_dev[IFNAMSIZ];

/* The last run, for reading. */
static u64 *hb_ns;		/* [pkt][cfg][batch] */
static unsigned int hb_calls, hb_batches, hb_run_pkts, hb_run_iters;
static unsigned int hb_zero;
static u64 *hb_iter_ps;		/* per batch: picoseconds per iteration */
static char hb_names[HB_MAX_PKTS][HB_NAME_LEN];
static u32 hb_labels[HB_MAX_PKTS];	/* an IPv6 datagram's flow label + 1 */

static unsigned int hb_nop_hook(void *priv, struct sk_buff *skb,
				const struct nf_hook_state *state)
{
	return NF_ACCEPT;
}

/* A loop of *priv iterations: one code for plant0, plant and calibration. */
static unsigned int hb_plant_hook(void *priv, struct sk_buff *skb,
				  const struct nf_hook_state *state)
{
	unsigned int i, n = READ_ONCE(*(unsigned int *)priv);

	for (i = 0; i < n; i++)
		barrier();
	return NF_ACCEPT;
}

static int hb_okfn(struct net *net, struct sock *sk, struct sk_buff *skb)
{
	return 0;
}

/* A chain of one hook, laid out as nf_hook_slow() reads it. */
static struct nf_hook_entries *hb_chain_alloc(void)
{
	return kzalloc(sizeof(struct nf_hook_entries) +
		       sizeof(struct nf_hook_entry) +
		       sizeof(struct nf_hook_ops *), GFP_KERNEL);
}

/*
 * icmp_guard's hook in this namespace's chain for family PF and HOOK,
 * found by name so that nothing needs exporting. Only valid inside the RCU
 * read section it was found in: icmp_guard unregisters its hooks and waits
 * for a grace period before its code or its per-namespace state can go
 * away.
 */
static const struct nf_hook_entry *hb_find_guard(struct net *net, u8 pf,
						 unsigned int hook)
{
	const char *name;
	const struct nf_hook_entries *e;
	char sym[KSYM_SYMBOL_LEN], *p;
	unsigned int i;

	if (pf == NFPROTO_IPV6) {
		name = hook == NF_INET_LOCAL_IN ? "ig6_hook" : "ig6_out_hook";
		e = rcu_dereference(net->nf.hooks_ipv6[hook]);
	} else {
		name = hook == NF_INET_LOCAL_IN ? "icmp_guard_hook" :
		       "icmp_guard_out_hook";
		e = rcu_dereference(net->nf.hooks_ipv4[hook]);
	}
	if (!e)
		return NULL;
	for (i = 0; i < e->num_hook_entries; i++) {
		/* "icmp_guard_hook [icmp_guard]" */
		p = sym;
		snprintf(sym, sizeof(sym), "%ps", e->hooks[i].hook);
		if (!strcmp(strsep(&p, " "), name))
			return &e->hooks[i];
	}
	return NULL;
}

/*
 * One call as the IP layer of family PF (a constant) makes it: a frame
 * arriving on DEV (LOCAL_IN), or a datagram of socket SK leaving through
 * DEV (POST_ROUTING), for IPv4 with the next IP ID. The extra reference
 * keeps the skb alive through a drop; on accept it is given back here, so
 * every configuration pays the same reference work.
 */
static __always_inline void hb_call(struct net *net, struct net_device *dev,
				    const struct nf_hook_entries *e,
				    struct sk_buff *skb, struct sock *sk,
				    bool real, u8 pf)
{
	unsigned int hook = sk ? NF_INET_POST_ROUTING : NF_INET_LOCAL_IN;
	struct net_device *in = sk ? NULL : dev, *out = sk ? dev : NULL;
	struct nf_hook_state state;
	int ret = 1;

	if (sk && pf == NFPROTO_IPV4)
		ip_hdr(skb)->id = htons(ntohs(ip_hdr(skb)->id) + 1);
	skb_get(skb);
	if (real) {
		ret = nf_hook(pf, hook, net, sk, skb, in, out, hb_okfn);
	} else if (e) {
		nf_hook_state_init(&state, hook, pf, in, out, sk, net,
				   hb_okfn);
		ret = nf_hook_slow(skb, &state, e, 0);
	}
	if (ret == 1)
		consume_skb(skb);
}

/* CALLS calls of configuration CFG, family PF (a constant). */
static __always_inline void hb_loop(struct net *net, struct net_device *dev,
				    const struct nf_hook_entries *e,
				    enum hb_cfg cfg, struct sk_buff *skb,
				    struct sock *sk, unsigned int calls, u8 pf)
{
	unsigned int i;

	switch (cfg) {
	case HB_NONE:
		for (i = 0; i < calls; i++)
			hb_call(net, dev, NULL, skb, sk, false, pf);
		break;
	case HB_CHAIN:
		for (i = 0; i < calls; i++)
			hb_call(net, dev, NULL, skb, sk, true, pf);
		break;
	default:
		for (i = 0; i < calls; i++)
			hb_call(net, dev, e, skb, sk, false, pf);
		break;
	}
}

/*
 * CALLS calls of one configuration, timed as a whole. Bottom halves are
 * off, as in the softirq that runs LOCAL_IN, so icmp_guard's per-CPU
 * state is safe and nothing interrupts the batch but hard interrupts.
 * Flattened: nf_hook(), called here once per family, is then inlined in
 * each, as the IP layer's callers have it (otherwise GCC makes one copy
 * of it for both, and "chain" would pay a call more than the IP layer).
 */
static __flatten int hb_batch(struct net *net, struct net_device *dev,
			      struct nf_hook_entries **chains, enum hb_cfg cfg,
			      const struct hb_pkt *pkt, unsigned int calls,
			      u64 *ns)
{
	const struct nf_hook_entries *e = chains[cfg];
	struct sock *sk = pkt->sock ? pkt->sock->sk : NULL;
	struct sk_buff *skb = pkt->skb;
	const struct nf_hook_entry *g;
	u64 t0;

	if (sk)
		dev = skb_dst(skb)->dev;
	local_bh_disable();
	rcu_read_lock();
	if (cfg == HB_GUARD) {
		g = hb_find_guard(net, pkt->pf, sk ? NF_INET_POST_ROUTING :
						     NF_INET_LOCAL_IN);
		if (!g) {
			rcu_read_unlock();
			local_bh_enable();
			return -ENOENT;
		}
		chains[cfg]->hooks[0] = *g;
	}
	t0 = ktime_get_ns();
	if (pkt->pf == NFPROTO_IPV6)
		hb_loop(net, dev, e, cfg, skb, sk, calls, NFPROTO_IPV6);
	else
		hb_loop(net, dev, e, cfg, skb, sk, calls, NFPROTO_IPV4);
	*ns = ktime_get_ns() - t0;
	rcu_read_unlock();
	local_bh_enable();
	return 0;
}

/*
 * The planted loop's cost per iteration, in picoseconds, on this machine,
 * by the hook's own code.
 */
static u64 hb_calibrate(void)
{
	unsigned int n = 1000000, n2 = 2 * n;
	u64 t0, t1, t2;

	local_bh_disable();
	t0 = ktime_get_ns();
	hb_plant_hook(&n, NULL, NULL);
	t1 = ktime_get_ns();
	hb_plant_hook(&n2, NULL, NULL);
	t2 = ktime_get_ns();
	local_bh_enable();
	/* The difference cancels the call and clock reads. */
	return t2 - t1 > t1 - t0 ? (t2 - t1 - (t1 - t0)) * 1000 / n : 0;
}

static int hb_run(unsigned int calls, unsigned int batches)
{
	struct nf_hook_entries *chains[HB_NR_CFGS] = {};
	struct net *net = current->nsproxy->net_ns;
	struct net_device *dev;
	unsigned int b, c, p, k;
	int ret = -ENOMEM;
	u64 *ns, *cal = NULL;

	if (!hb_nr_pkts || !calls || !batches || batches > HB_MAX_BATCHES)
		return -EINVAL;
	dev = dev_get_by_name(net, hb_dev);
	if (!dev)
		return -ENODEV;
	ns = kvcalloc(array3_size(hb_nr_pkts, HB_NR_CFGS, batches),
		      sizeof(*ns), GFP_KERNEL);
	cal = kvcalloc(batches, sizeof(*cal), GFP_KERNEL);
	if (!ns || !cal)
		goto out_free;
	for (c = HB_NOP; c <= HB_GUARD; c++) {
		chains[c] = hb_chain_alloc();
		if (!chains[c])
			goto out_free;
		chains[c]->num_hook_entries = 1;
	}
	chains[HB_NOP]->hooks[0].hook = hb_nop_hook;
	chains[HB_PLANT0]->hooks[0].hook = hb_plant_hook;
	chains[HB_PLANT0]->hooks[0].priv = &hb_zero;
	chains[HB_PLANT]->hooks[0].hook = hb_plant_hook;
	chains[HB_PLANT]->hooks[0].priv = &hb_run_iters;

	hb_run_iters = READ_ONCE(plant_iters);
	/*
	 * Batch b runs every packet in every configuration, starting from a
	 * different configuration each time, so none is always first. The
	 * loop is calibrated in every batch, so it sees the same drift.
	 */
	for (b = 0; b < batches; b++) {
		cal[b] = hb_calibrate();
		for (p = 0; p < hb_nr_pkts; p++) {
			for (k = 0; k < HB_NR_CFGS; k++) {
				c = (b + k) % HB_NR_CFGS;
				ret = hb_batch(net, dev, chains, c,
					       &hb_pkts[p], calls,
					       &ns[(p * HB_NR_CFGS + c) *
						   batches + b]);
				if (ret)
					goto out_free;
			}
			cond_resched();
		}
		if (fatal_signal_pending(current)) {
			ret = -EINTR;
			goto out_free;
		}
	}

	kvfree(hb_ns);
	kvfree(hb_iter_ps);
	hb_ns = ns;
	hb_iter_ps = cal;
	ns = NULL;
	cal = NULL;
	hb_calls = calls;
	hb_batches = batches;
	hb_run_pkts = hb_nr_pkts;
	for (p = 0; p < hb_nr_pkts; p++) {
		const struct hb_pkt *pkt = &hb_pkts[p];

		strscpy(hb_names[p], pkt->name, HB_NAME_LEN);
		hb_labels[p] = 0;
		if (pkt->sock && pkt->pf == NFPROTO_IPV6)
			hb_labels[p] =
				ntohl(ip6_flowlabel(ipv6_hdr(pkt->skb))) + 1;
	}
	ret = 0;
out_free:
	for (c = 0; c < HB_NR_CFGS; c++)
		kfree(chains[c]);
	kvfree(ns);
	kvfree(cal);
	dev_put(dev);
	return ret;
}

/*
 * The network header's length of FRAME, LEN bytes, if it holds a whole
 * IPv4 or IPv6 packet (by its EtherType); *PF its family. Else 0.
 */
static unsigned int hb_nhlen(const u8 *frame, unsigned int len, u8 *pf)
{
	const struct ipv6hdr *ip6h = (const struct ipv6hdr *)(frame + ETH_HLEN);
	const struct iphdr *iph = (const struct iphdr *)(frame + ETH_HLEN);
	__be16 proto;

	if (len < ETH_HLEN + sizeof(*iph))
		return 0;
	proto = ((const struct ethhdr *)frame)->h_proto;
	if (proto == htons(ETH_P_IP)) {
		if (iph->version != 4 || iph->ihl < 5 ||
		    ETH_HLEN + ntohs(iph->tot_len) != len ||
		    ntohs(iph->tot_len) < iph->ihl * 4)
			return 0;
		*pf = NFPROTO_IPV4;
		return iph->ihl * 4;
	}
	if (proto != htons(ETH_P_IPV6) || len < ETH_HLEN + sizeof(*ip6h) ||
	    ip6h->version != 6 ||
	    ETH_HLEN + sizeof(*ip6h) + ntohs(ip6h->payload_len) != len)
		return 0;
	*pf = NFPROTO_IPV6;
	return sizeof(*ip6h);
}

/*
 * An skb as the IP layer hands it to LOCAL_IN: MAC header set, pulled,
 * the transport header after the fixed network header; for IPv6, the
 * control block as ip6_rcv_core() leaves it.
 */
static struct sk_buff *hb_build(struct net *net, const u8 *frame,
				unsigned int len, u8 *pf)
{
	struct net_device *dev;
	struct sk_buff *skb;
	unsigned int nhlen;

	nhlen = hb_nhlen(frame, len, pf);
	if (!nhlen)
		return ERR_PTR(-EINVAL);
	dev = dev_get_by_name(net, hb_dev);
	if (!dev)
		return ERR_PTR(-ENODEV);
	skb = alloc_skb(NET_SKB_PAD + len, GFP_KERNEL);
	if (!skb) {
		dev_put(dev);
		return ERR_PTR(-ENOMEM);
	}
	skb_reserve(skb, NET_SKB_PAD);
	skb_put_data(skb, frame, len);
	skb->dev = dev;
	skb_reset_mac_header(skb);
	skb_pull(skb, ETH_HLEN);
	skb_reset_network_header(skb);
	skb_set_transport_header(skb, nhlen);
	skb->mac_len = ETH_HLEN;
	skb->protocol = eth_hdr(skb)->h_proto;
	skb->pkt_type = PACKET_HOST;
	skb->skb_iif = dev->ifindex;
	if (*pf == NFPROTO_IPV6) {
		IP6CB(skb)->iif = dev->ifindex;
		IP6CB(skb)->nhoff = offsetof(struct ipv6hdr, nexthdr);
	}
	/* The skb holds the device until "clear" or unload. */
	return skb;
}

/*
 * A 64-byte datagram of a UDP socket connected to ADDR:PORT in NET, as
 * ip_make_skb() hands it to the output path: IP and UDP headers built,
 * the socket's route attached, owned by the socket (no destructor: the
 * socket lives as long as the packet, see hb_clear()).
 */
static struct sk_buff *hb_build_out(struct net *net, const char *addr,
				    u16 port, struct socket **sockp)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	const unsigned int plen = 64;
	struct dst_entry *dst;
	struct inet_sock *inet;
	struct socket *sock;
	struct sk_buff *skb;
	struct udphdr *uh;
	struct iphdr *iph;
	int ret;

	if (!in4_pton(addr, -1, (u8 *)&sin.sin_addr.s_addr, -1, NULL) ||
	    !port)
		return ERR_PTR(-EINVAL);
	sin.sin_port = htons(port);
	ret = sock_create_kern(net, AF_INET, SOCK_DGRAM, IPPROTO_UDP, &sock);
	if (ret)
		return ERR_PTR(ret);
	ret = kernel_connect(sock, (struct sockaddr *)&sin, sizeof(sin), 0);
	dst = ret ? NULL : sk_dst_get(sock->sk);
	if (!dst) {
		sock_release(sock);
		return ERR_PTR(ret ?: -EHOSTUNREACH);
	}
	skb = alloc_skb(MAX_HEADER + sizeof(*iph) + sizeof(*uh) + plen,
			GFP_KERNEL);
	if (!skb) {
		dst_release(dst);
		sock_release(sock);
		return ERR_PTR(-ENOMEM);
	}
	inet = inet_sk(sock->sk);
	skb_reserve(skb, MAX_HEADER);
	skb_reset_network_header(skb);
	iph = skb_put_zero(skb, sizeof(*iph));
	iph->version = 4;
	iph->ihl = 5;
	iph->tot_len = htons(sizeof(*iph) + sizeof(*uh) + plen);
	iph->frag_off = htons(IP_DF);
	iph->ttl = 64;
	iph->protocol = IPPROTO_UDP;
	iph->saddr = inet->inet_saddr;
	iph->daddr = inet->inet_daddr;
	ip_send_check(iph);
	skb_set_transport_header(skb, sizeof(*iph));
	uh = skb_put_zero(skb, sizeof(*uh) + plen);
	uh->source = inet->inet_sport;
	uh->dest = inet->inet_dport;
	uh->len = htons(sizeof(*uh) + plen);
	skb->protocol = htons(ETH_P_IP);
	skb->sk = sock->sk;
	skb_dst_set(skb, dst);
	skb->dev = dst->dev;
	dev_hold(skb->dev);
	*sockp = sock;
	return skb;
}

/* The datagram hb_build_out6() waits for, once stolen. */
static struct sk_buff *hb_stolen;

/* PRIV is the socket whose first datagram to pass is taken. */
static unsigned int hb_steal_hook(void *priv, struct sk_buff *skb,
				  const struct nf_hook_state *state)
{
	if (skb->sk != priv || cmpxchg(&hb_stolen, NULL, skb))
		return NF_ACCEPT;
	return NF_STOLEN;
}

static struct nf_hook_ops hb_steal_ops = {
	.hook		= hb_steal_hook,
	.pf		= NFPROTO_IPV6,
	.hooknum	= NF_INET_POST_ROUTING,
	.priority	= NF_IP6_PRI_FIRST,
};

/*
 * A 64-byte datagram of a UDP socket connected to ADDR:PORT in NET, the
 * kernel's own: the socket sends it, and hb_steal_hook(), the first hook
 * at POST_ROUTING while it is registered here, takes it as the hooks see
 * it (ip6_make_skb()'s headers, flow label and hash, the socket's route,
 * owned by the socket; icmp_guard's hook, last, never sees it). Under
 * hb_lock, so one at a time.
 */
static struct sk_buff *hb_build_out6(struct net *net, const char *addr,
				     u16 port, struct socket **sockp)
{
	struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6 };
	struct msghdr msg = { .msg_flags = MSG_DONTWAIT };
	u8 payload[64] = {};
	struct kvec iov = { .iov_base = payload, .iov_len = sizeof(payload) };
	struct socket *sock;
	struct sk_buff *skb;
	int ret;

	if (!in6_pton(addr, -1, sin6.sin6_addr.s6_addr, -1, NULL) || !port)
		return ERR_PTR(-EINVAL);
	sin6.sin6_port = htons(port);
	ret = sock_create_kern(net, AF_INET6, SOCK_DGRAM, IPPROTO_UDP, &sock);
	if (ret)
		return ERR_PTR(ret);
	ret = kernel_connect(sock, (struct sockaddr *)&sin6, sizeof(sin6), 0);
	if (ret)
		goto out_release;
	hb_steal_ops.priv = sock->sk;
	ret = nf_register_net_hook(net, &hb_steal_ops);
	if (ret)
		goto out_release;
	ret = kernel_sendmsg(sock, &msg, &iov, 1, iov.iov_len);
	nf_unregister_net_hook(net, &hb_steal_ops);
	/* No CPU is still in the hook when it goes with the module. */
	synchronize_net();
	skb = xchg(&hb_stolen, NULL);
	if (skb) {
		dev_hold(skb->dev);
		*sockp = sock;
		return skb;
	}
	if (ret >= 0)
		ret = -EHOSTUNREACH;
out_release:
	sock_release(sock);
	return ERR_PTR(ret);
}

static void hb_clear(void)
{
	struct hb_pkt *pkt;

	while (hb_nr_pkts) {
		pkt = &hb_pkts[--hb_nr_pkts];
		dev_put(pkt->skb->dev);
		kfree_skb(pkt->skb);
		if (pkt->sock)
			sock_release(pkt->sock);
		pkt->sock = NULL;
	}
}

/* NAME and the rest of ARGS, after a space. */
static const char *hb_name(const char *args, char *name)
{
	const char *rest = strchr(args, ' ');
	int n;

	if (!rest || rest - args >= HB_NAME_LEN || rest == args)
		return NULL;
	n = rest - args;
	memcpy(name, args, n);
	name[n] = '\0';
	return rest + 1;
}

static int hb_add_out(const char *args)
{
	struct net *net = current->nsproxy->net_ns;
	char name[HB_NAME_LEN], addr[INET6_ADDRSTRLEN];
	struct socket *sock = NULL;
	struct sk_buff *skb;
	const char *rest;
	bool v6;
	u16 port;

	if (hb_nr_pkts == HB_MAX_PKTS)
		return -ENOSPC;
	rest = hb_name(args, name);
	if (!rest || sscanf(rest, "%45s %hu", addr, &port) != 2)
		return -EINVAL;
	v6 = strchr(addr, ':');
	if (v6)
		skb = hb_build_out6(net, addr, port, &sock);
	else
		skb = hb_build_out(net, addr, port, &sock);
	if (IS_ERR(skb))
		return PTR_ERR(skb);
	strscpy(hb_pkts[hb_nr_pkts].name, name, HB_NAME_LEN);
	hb_pkts[hb_nr_pkts].sock = sock;
	hb_pkts[hb_nr_pkts].pf = v6 ? NFPROTO_IPV6 : NFPROTO_IPV4;
	hb_pkts[hb_nr_pkts++].skb = skb;
	return 0;
}

static int hb_add_pkt(const char *args)
{
	struct net *net = current->nsproxy->net_ns;
	char name[HB_NAME_LEN];
	const char *hex;
	struct sk_buff *skb;
	unsigned int len;
	u8 *frame, pf;

	if (hb_nr_pkts == HB_MAX_PKTS)
		return -ENOSPC;
	hex = hb_name(args, name);
	if (!hex)
		return -EINVAL;
	len = strlen(hex) / 2;
	if (strlen(hex) % 2 || len > HB_MAX_FRAME)
		return -EINVAL;
	frame = kmalloc(len, GFP_KERNEL);
	if (!frame)
		return -ENOMEM;
	if (hex2bin(frame, hex, len)) {
		kfree(frame);
		return -EINVAL;
	}
	skb = hb_build(net, frame, len, &pf);
	kfree(frame);
	if (IS_ERR(skb))
		return PTR_ERR(skb);
	strscpy(hb_pkts[hb_nr_pkts].name, name, HB_NAME_LEN);
	hb_pkts[hb_nr_pkts].pf = pf;
	hb_pkts[hb_nr_pkts++].skb = skb;
	return 0;
}

static int hb_command(char *cmd)
{
	unsigned int calls, batches;

	if (!strncmp(cmd, "dev ", 4)) {
		if (hb_nr_pkts || strscpy(hb_dev, cmd + 4, IFNAMSIZ) < 0)
			return -EINVAL;
		return 0;
	}
	if (!strncmp(cmd, "pkt ", 4))
		return hb_add_pkt(cmd + 4);
	if (!strncmp(cmd, "out ", 4))
		return hb_add_out(cmd + 4);
	if (sscanf(cmd, "run %u %u", &calls, &batches) == 2)
		return hb_run(calls, batches);
	if (!strcmp(cmd, "clear")) {
		hb_clear();
		return 0;
	}
	return -EINVAL;
}

static ssize_t hb_write(struct file *file, const char __user *ubuf,
			size_t count, loff_t *ppos)
{
	char *cmd;
	int ret;

	if (count > 2 * HB_MAX_FRAME + 64)
		return -E2BIG;
	cmd = memdup_user_nul(ubuf, count);
	if (IS_ERR(cmd))
		return PTR_ERR(cmd);
	strim(cmd);
	mutex_lock(&hb_lock);
	ret = hb_command(cmd);
	mutex_unlock(&hb_lock);
	kfree(cmd);
	return ret ? ret : count;
}

static int hb_show(struct seq_file *m, void *v)
{
	unsigned int p, c, b;

	mutex_lock(&hb_lock);
	seq_printf(m, "# calls %u\n# batches %u\n", hb_calls, hb_batches);
	seq_printf(m, "# plant_iters %u\n# iter_ps", hb_run_iters);
	for (b = 0; hb_iter_ps && b < hb_batches; b++)
		seq_printf(m, " %llu", hb_iter_ps[b]);
	seq_putc(m, '\n');
	for (p = 0; hb_ns && p < hb_run_pkts; p++)
		if (hb_labels[p])
			seq_printf(m, "# flowlabel %s 0x%05x\n", hb_names[p],
				   hb_labels[p] - 1);
	for (p = 0; hb_ns && p < hb_run_pkts; p++) {
		for (c = 0; c < HB_NR_CFGS; c++) {
			const u64 *ns = &hb_ns[(p * HB_NR_CFGS + c) *
					       hb_batches];

			seq_printf(m, "%s %s", hb_names[p], hb_cfg_names[c]);
			for (b = 0; b < hb_batches; b++)
				seq_printf(m, " %llu", ns[b]);
			seq_putc(m, '\n');
		}
	}
	mutex_unlock(&hb_lock);
	return 0;
}

static int hb_open(struct inode *inode, struct file *file)
{
	/* Room for every batch of every line, so show() runs once. */
	return single_open_size(file, hb_show, NULL,
				PAGE_SIZE + HB_MAX_PKTS * HB_NR_CFGS *
				(HB_NAME_LEN + 8 + 21 * hb_batches));
}

static const struct proc_ops hb_proc_ops = {
	.proc_open	= hb_open,
	.proc_read	= seq_read,
	.proc_write	= hb_write,
	.proc_lseek	= seq_lseek,
	.proc_release	= single_release,
};

static int __init hb_init(void)
{
	if (!proc_create("icmp_guard_hookbench", 0600, NULL, &hb_proc_ops))
		return -ENOMEM;
	pr_warn("benchmark only: do not load on a production host\n");
	return 0;
}

static void __exit hb_exit(void)
{
	remove_proc_entry("icmp_guard_hookbench", NULL);
	hb_clear();
	kvfree(hb_ns);
	kvfree(hb_iter_ps);
}

module_init(hb_init);
module_exit(hb_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("icmp_guard benchmark: time its hooks per call");
