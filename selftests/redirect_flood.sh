#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A flood of forged Redirects from random sources (random IPs, random
# MACs) must not spend the real gateway's budget: it fails the checks that
# say who sent it (2, the route; 3, the link-layer address) before the
# limiter, so it gets no sender entry and draws nothing from the
# namespace's bucket, and r1's real Redirect, sent while the flood runs,
# is honoured. Topology of setup_lan (lib.sh):
#
#   victim -- LAN -- r1 (gateway; forwards far's traffic back over the LAN
#                        to r2: a real Redirect), r2, attacker; far
#   flood: from the victim's bridge port, random sources in 10.9.0.0/16
#
# The limits are small so that the flood would exhaust them within a
# second: namespace bucket 10/s, burst 20; 100 senders at 1/s, burst 100.

source "$(dirname "$0")/lib.sh"

ig_begin_lan_test

ig_redirect_every_packet
flood_pid=""
flood_cleanup()
{
	[ -n "$flood_pid" ] && kill $flood_pid 2>/dev/null
}
IG_CLEANUP_HOOK=flood_cleanup

ig_sysctl "$victim" global_rate 10
ig_sysctl "$victim" global_burst 20
ig_sysctl "$victim" rate 1
ig_sysctl "$victim" burst 100
ig_sysctl "$victim" max_senders 100
ig_sleep 2.2	# the namespace's bucket is full at the new setting

flood_loop()
{
	local seed=1

	while :; do
		inject_lan -n 2000 --random-src 10.9.0.0/16 --seed $seed || break
		seed=$((seed + 1))
	done
}

ig_snap "$victim"
flood_loop &
flood_pid=$!
ig_sleep 2	# the flood has emptied whatever it could
redirected_now() { [ "$(victim_gw $FAR)" = "$R2 redirected" ]; }
redirected()
{
	victim_ping $FAR
	redirected_now
}
# One ping: r1's first Redirect must be honoured, not one of many tries.
victim_ping $FAR
check "during the flood, r1's first real Redirect is honoured" \
	ig_wait_for 10 redirected_now
senders=$(ig_stat "$victim" Senders)
check "during the flood, no sender entry but r1's (Senders $senders)" \
	test "$senders" -le 1
kill $flood_pid 2>/dev/null
wait $flood_pid 2>/dev/null
flood_pid=""
ig_stats "$victim" | grep -E '^(InRedirects|Accepted|Dropped|Drop[A-Z][a-zA-Z]*|Senders) [1-9]' |
	sed 's/^/# after: /'
n=$(ig_delta "$victim" InRedirects)
check "the flood reached the hook ($n Redirects)" test "$n" -ge 2000
check_eq "nothing refused for the namespace's bucket" 0 \
	"$(ig_delta "$victim" DropGlobalLimit)"
check_eq "nothing refused for a full sender table" 0 \
	"$(ig_delta "$victim" DropSendersFull)"
check "the flood refused as not from the gateway" \
	test "$(ig_delta "$victim" DropNotGateway)" -ge $((n - 20))
check "r1's Redirects accepted" \
	test "$(ig_delta "$victim" Accepted)" -ge 1

# The attacker floods as r1 (r1's IP, its own MAC): refused by check 3,
# r1's bucket and the namespace's untouched.
reset_victim_routes
ig_snap "$victim"
inject "$attacker" -g $ATTACKER -n 500
check_deltas "$victim" "500 as r1 from the attacker's MAC: all DropLladdr" \
	InRedirects=500 Dropped=500 DropLladdr=500
check "then r1's real Redirect is honoured" ig_wait_for 10 redirected
check_eq "with nothing refused by the limiter" 0 \
	"$(( $(ig_delta "$victim" DropRateLimited) + $(ig_delta "$victim" DropGlobalLimit) ))"

check_invariants "$victim"
ktap_finish
