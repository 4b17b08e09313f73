// SPDX-License-Identifier: GPL-2.0
/*
 * get_random_u32_below(): upstream since 6.2, and in Debian's 6.1; before
 * it, prandom_u32_max().
 */
#include "probe.h"

#ifdef IG_PROBE_HAVE
void ig_probe(void *p)
{
	*(u32 *)p = get_random_u32_below(3);
}
#else
static int get_random_u32_below __maybe_unused;

void ig_probe(void *p)
{
}
#endif
