#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Check 4's on-link test of the new gateway. Topology of setup_lan
# (lib.sh), with the victim's addressing changed:
#
#   victim -- LAN 10.1.0.0/24 -- r1 (gateway, forwards far's traffic back
#                                    over the LAN to r2: a real Redirect)
#                             -- r2 (also 10.1.0.128) -- far
#
#   1. /32: the victim has 10.1.0.10/32 and "default via 10.1.0.1 dev eth0
#      onlink" (clouds, Calico). No prefix says who is on the link; the
#      gateway is not in one either. Linux (shared_media=1) takes r1's
#      Redirect to r2; the guard refused it as DropBadNewGateway.
#   2. Two prefixes: 10.1.0.200/25, then 10.1.0.10/24. 10.1.0.128 is the
#      network address of the first and a host of the second: on-link.
#      The test stopped at the first prefix that matched.

source "$(dirname "$0")/lib.sh"

ig_begin_lan_test

ig_redirect_every_packet

# ---- 1. /32 and an onlink default route, r1's real Redirect
ip -n "$victim" -batch - <<EOF
addr del $VICTIM/24 dev eth0
addr add $VICTIM/32 dev eth0
route add default via $R1 dev eth0 onlink
EOF
IG_GW_ROUTES="route add default via $R1 dev eth0 onlink"
check_eq "/32: victim routes far via r1" "$R1" "$(victim_gw $FAR)"
check "/32: victim reaches r1" victim_ping $R1
ig_snap "$victim"
redirected()
{
	victim_ping $FAR
	[ "$(victim_gw $FAR)" = "$R2 redirected" ]
}
# Linux answers the first with an ARP request for r2 (a /32 host has not
# resolved it), and applies the next.
check "/32: r1's Redirect is honoured (route via r2)" \
	ig_wait_for 20 redirected
ig_stats "$victim" | grep -E '^(Accepted|Dropped|Drop[A-Z][a-zA-Z]*) [1-9]' |
	sed 's/^/# \/32: /'
check_eq "/32: no Redirect dropped" 0 "$(ig_delta "$victim" Dropped)"
check "/32: r1's Redirects accepted" \
	test "$(ig_delta "$victim" Accepted)" -ge 1
# Still on-link by the route only: an address the victim reaches through
# another device is not.
ig_no_evidence "$victim"
reset_victim_routes
ig_snap "$victim"
inject "$r1" -g 10.3.0.1
check_deltas "$victim" "/32: a new gateway reached through eth1 is refused" \
	InRedirects=1 Dropped=1 DropBadNewGateway=1

# ---- 2. two prefixes, the first makes the new gateway its network address
ip -n "$victim" -batch - <<EOF
route del default
addr del $VICTIM/32 dev eth0
addr add 10.1.0.200/25 dev eth0
addr add $VICTIM/24 dev eth0
route add default via $R1
EOF
IG_GW_ROUTES="route add default via $R1"
ip -n "$r2" addr add 10.1.0.128/24 dev eth0
ip -n "$victim" addr show dev eth0 | sed 's/^/# /'
check "two prefixes: victim reaches 10.1.0.128" victim_ping 10.1.0.128
check "two prefixes: victim reaches r1" victim_ping $R1
reset_victim_routes
ig_snap "$victim"
inject "$r1" -g 10.1.0.128
check_deltas "$victim" "two prefixes: a host of the second prefix is on-link" \
	InRedirects=1 Accepted=1
check_eq "two prefixes: and applied" "10.1.0.128 redirected" \
	"$(victim_gw $FAR)"
reset_victim_routes
ig_snap "$victim"
inject "$r1" -g 10.1.0.255
check_deltas "$victim" "two prefixes: the broadcast address of both is not" \
	InRedirects=1 Dropped=1 DropBadNewGateway=1

check_invariants "$victim"
ktap_finish
