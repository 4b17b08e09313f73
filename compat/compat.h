/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every difference between the kernels icmp_guard builds for, in one place:
 * the rest of the module is written for the newest kernel, and this header
 * supplies what an older one lacks. Which side of each difference a kernel
 * is on comes from compat/generated.h, made at build time by compiling
 * compat/probes/ against that kernel (see compat/gen-compat): distribution
 * kernels carry backports, so version numbers would misjudge them.
 */
#ifndef _IG_COMPAT_H
#define _IG_COMPAT_H

#include <linux/ip.h>
#include <linux/random.h>
#include <linux/sysctl.h>
#include <linux/version.h>
#include <net/net_namespace.h>

#include "generated.h"

#if LINUX_VERSION_CODE < KERNEL_VERSION(5, 10, 0)
#error "icmp_guard needs Linux 5.10 or later"
#endif

/* dscp_t: since 5.18. */
#if IG_HAVE_INET_DSCP
#include <net/inet_dscp.h>
#else
typedef u8 __bitwise dscp_t;

#define INET_DSCP_MASK 0xfc

static inline dscp_t inet_dsfield_to_dscp(__u8 dsfield)
{
	return (__force dscp_t)(dsfield & INET_DSCP_MASK);
}

static inline __u8 inet_dscp_to_dsfield(dscp_t dscp)
{
	return (__force __u8)dscp;
}
#endif

/* ip4h_dscp(): since 6.10, and in Debian's 6.1. */
#if !IG_HAVE_IP4H_DSCP
static inline dscp_t ip4h_dscp(const struct iphdr *ip4h)
{
	return inet_dsfield_to_dscp(ip4h->tos);
}
#endif

/* get_random_u32_below(): since 6.2, and in Debian's 6.1. */
#if !IG_HAVE_GET_RANDOM_U32_BELOW
static inline u32 get_random_u32_below(u32 ceil)
{
	return prandom_u32_max(ceil);
}
#endif

/*
 * register_net_sysctl_sz(): since 6.6. Before it, the table must end with
 * an empty entry, which the size leaves out.
 */
#if !IG_HAVE_REGISTER_NET_SYSCTL_SZ
static inline struct ctl_table_header *
register_net_sysctl_sz(struct net *net, const char *path,
		       struct ctl_table *table, size_t table_size)
{
	return register_net_sysctl(net, path, table);
}
#endif

/* SYSCTL_THREE: since 5.17 (a macro, so no probe). */
#ifndef SYSCTL_THREE
#define SYSCTL_THREE ((void *)&(const int){ 3 })
#endif

#endif /* _IG_COMPAT_H */
