#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Check 2's route lookup is Linux's own Redirect lookup, with no IPsec
# policy lookup: with an outbound policy for the victim's UDP to far whose
# template has no state, a lookup through xfrm_lookup_route() makes the
# kernel ask the key manager for one (an ACQUIRE, seen by ip xfrm monitor)
# and, with xfrm_larval_drop (the default), returns a blackhole route on lo,
# on which r1's Redirect about that traffic was refused as DropWrongDevice.
# Topology of setup_lan (lib.sh):
#
#   victim -- LAN -- r1 (gateway), r2, attacker; far behind r2
#   victim: xfrm policy out, 10.1.0.10 -> 10.2.0.20 udp, tmpl esp transport

source "$(dirname "$0")/lib.sh"

ig_begin_lan_test
# Made-up embedded datagrams: check 6 off (it would refuse them all, and it
# looks nothing up in the routing tables).
ig_no_evidence "$victim"

ip -n "$victim" xfrm policy add dir out src $VICTIM/32 dst $FAR/32 \
	proto udp tmpl proto esp mode transport 2>/dev/null ||
	ksft_skip "no IPsec policies (xfrm_user)"
larval=$(ip netns exec "$victim" sysctl -n net.core.xfrm_larval_drop)
check_eq "xfrm_larval_drop is on (the default)" 1 "$larval"

mon=$(mktemp)
ip -n "$victim" xfrm monitor acquire >"$mon" 2>&1 &
mon_pid=$!
xfrm_cleanup()
{
	kill $mon_pid 2>/dev/null || :
	rm -f "$mon"
}
IG_CLEANUP_HOOK=xfrm_cleanup
ig_sleep 1

UDP="--inner-proto udp --inner-sport 40000 --inner-dport 53"
# The attacker, from its own MAC, as r1: refused (check 3), and it must not
# reach the key manager.
ig_snap "$victim"
inject "$attacker" -g $ATTACKER -n 5 $UDP
check_deltas "$victim" "forged Redirects about IPsec-covered UDP: refused" \
	InRedirects=5 Dropped=5 DropLladdr=5
# r1's own: accepted, and applied by Linux.
ig_snap "$victim"
inject "$r1" $UDP
check_deltas "$victim" "r1's Redirect about IPsec-covered UDP: accepted" \
	InRedirects=1 Accepted=1
check_eq "and applied" "$R2 redirected" "$(victim_gw $FAR)"
ig_sleep 1
kill $mon_pid 2>/dev/null
wait $mon_pid 2>/dev/null
sed 's/^/# monitor: /' "$mon" | head -n 20
check_eq "no ACQUIRE sent to the key manager" 0 "$(grep -c '^acquire' "$mon")"

ip -n "$victim" xfrm policy flush
check_invariants "$victim"
ktap_finish
