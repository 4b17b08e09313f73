/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Common to every probe: the kernel headers icmp_guard includes, so that
 * "absent" means absent from everything the module can see. Each probe
 * defines ig_probe(), once with the API (IG_PROBE_HAVE) and once with a
 * declaration that collides with it; compat/gen-compat wants exactly one of
 * the two to compile.
 */
#ifndef _IG_PROBE_H
#define _IG_PROBE_H

#include <linux/etherdevice.h>
#include <linux/icmp.h>
#include <linux/if_arp.h>
#include <linux/inetdevice.h>
#include <linux/ip.h>
#include <linux/jiffies.h>
#include <linux/module.h>
#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>
#include <linux/proc_fs.h>
#include <linux/random.h>
#include <linux/rculist.h>
#include <linux/seq_file.h>
#include <linux/siphash.h>
#include <linux/skbuff.h>
#include <linux/slab.h>
#include <linux/sysctl.h>
#include <linux/timekeeping.h>
#include <linux/vmalloc.h>
#include <linux/workqueue.h>
#include <net/arp.h>
#include <net/checksum.h>
#include <net/ip.h>
#include <net/ip_fib.h>
#include <net/l3mdev.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>
#include <net/route.h>
/* Quoted: checkpatch reads <...> here as comparisons. */
#if __has_include("net/inet_dscp.h")
#include <net/inet_dscp.h>
#endif

void ig_probe(void *p);

#endif /* _IG_PROBE_H */
