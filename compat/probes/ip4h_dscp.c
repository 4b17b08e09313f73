// SPDX-License-Identifier: GPL-2.0
/*
 * ip4h_dscp(), the DSCP of an IPv4 header: upstream since 6.10, and in
 * Debian's 6.1 by a stable backport.
 */
#include "probe.h"

#ifdef IG_PROBE_HAVE
void ig_probe(void *p)
{
	dscp_t dscp = ip4h_dscp(p);

	*(u8 *)p = inet_dscp_to_dsfield(dscp);
}
#else
static int ip4h_dscp __maybe_unused;

void ig_probe(void *p)
{
}
#endif
