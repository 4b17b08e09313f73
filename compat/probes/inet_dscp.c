// SPDX-License-Identifier: GPL-2.0
/* dscp_t and its conversions, <net/inet_dscp.h>: since 5.18. */
#include "probe.h"

#ifdef IG_PROBE_HAVE
void ig_probe(void *p)
{
	dscp_t dscp = inet_dsfield_to_dscp(*(u8 *)p);

	*(u8 *)p = inet_dscp_to_dsfield(dscp) & INET_DSCP_MASK;
}
#else
static int inet_dsfield_to_dscp __maybe_unused;

void ig_probe(void *p)
{
}
#endif
