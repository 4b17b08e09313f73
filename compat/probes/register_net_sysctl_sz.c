// SPDX-License-Identifier: GPL-2.0
/*
 * register_net_sysctl_sz(), which takes the table's size: since 6.6, where
 * register_net_sysctl() became a macro over it that only takes an array.
 */
#include "probe.h"

#ifdef IG_PROBE_HAVE
void ig_probe(void *p)
{
	unregister_net_sysctl_table(register_net_sysctl_sz(p, "ig", p, 1));
}
#else
static int register_net_sysctl_sz __maybe_unused;

void ig_probe(void *p)
{
}
#endif
