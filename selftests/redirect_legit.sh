#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Real Redirects from a real Linux router are honoured under enforce, with
# the victim's route to far as a plain route, a nexthop object, or inside a
# VRF. Topology of setup_lan (lib.sh):
#
#   victim -- LAN -- r1 -- (back over the LAN) -- r2 -- far
#
# r1 routes far's network via r2 on the LAN it received the packet from, so
# it sends the victim a Redirect to r2 (send_redirects, on by default), as
# in the kernel's net/icmp_redirect.sh.

source "$(dirname "$0")/lib.sh"

ig_require_root
ig_require_module
ktap_header

for mode in legacy nexthop vrf; do
	ig_cleanup
	VRF_ARG=""
	PING_ARG=""
	setup_lan $mode || { ktap_result 1 "$mode: topology"; continue; }
	check_eq "$mode: victim routes far via r1" "$R1" "$(victim_gw $FAR)"
	ig_snap "$victim"
	check "$mode: victim reaches far" victim_ping $FAR 4
	redirected()
	{
		victim_ping $FAR
		[ "$(victim_gw $FAR)" = "$R2 redirected" ]
	}
	check "$mode: r1's Redirect is honoured (cache <redirected> via r2)" \
		ig_wait_for 10 redirected
	check_eq "$mode: no Redirect dropped" 0 "$(ig_delta "$victim" Dropped)"
	accepted=$(ig_delta "$victim" Accepted)
	check "$mode: r1's Redirects counted as accepted ($accepted)" \
		test "$accepted" -ge 1
	check_invariants "$victim"
done

ktap_finish
