#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Fuzz the IPv6 parser: ND Redirects and near-Redirects mutated from valid
# ones (redirect_inject --fuzz with IPv6 addresses: every code, other types
# and hop limits, non-link-local sources and targets, multicast and other
# destinations, TLLA options, options of length 0 or past the end, with and
# without the Redirected Header, embedded datagrams of every protocol and
# length, Hop-by-Hop and Fragment headers, real fragments, bad checksums,
# truncation at any length), at the victim of setup_lan6:
#
#   victim -- LAN -- r1 (victim's router, fe80::1), random MACs as r1
#
# Pass: no kernel report (vm-run checks the log), the module still answers,
# and the counters' invariants hold. ICMP_GUARD_FUZZ_COUNT sets the number
# of frames (default 40000; the reliability lane sends more).

source "$(dirname "$0")/lib.sh"

ig_begin_lan6_test
COUNT=${ICMP_GUARD_FUZZ_COUNT:-40000}
# Let the shared limiter (IPv4's knobs) pass most of it, so the checks
# behind it are fuzzed too.
ig_nsh "$victim" 'd=/proc/sys/net/ipv4/icmp_guard; echo 1000000000 > $d/rate && echo 1000000 > $d/burst && echo 1000000000 > $d/global_rate && echo 1000000 > $d/global_burst && echo 1048576 > $d/max_senders'
ig_sysctl "$victim" log 0

# Half from r1 itself (its address and MAC, from its port), so the checks
# behind the router and link-layer ones see fuzz too: the first quarter
# meets the evidence check, the second passes with it off; half from
# random MACs as r1's address, onto the victim's wire from its bridge port,
# at the same time.
ig_snap "$victim"
(
	inject6 "$r1" --rh --fuzz -n $((COUNT / 4)) --seed 8 &&
	ip netns exec "$victim" \
		sysctl -qw net.ipv6.icmp_guard.check_evidence=0 &&
	inject6 "$r1" --rh --fuzz -n $((COUNT / 2 - COUNT / 4)) --seed 9
) &
r1_fuzz=$!
check "$((COUNT - COUNT / 2)) fuzzed frames from random MACs" \
	ig_inject6_at "$lan" "$(lan_port "$victim")" --rh --fuzz \
	-n $((COUNT - COUNT / 2)) --random-mac --seed 7
check "$((COUNT / 2)) fuzzed frames from r1 itself, meanwhile" \
	wait $r1_fuzz
check "the fuzz reached the guard ($(ig_delta "$victim" InRedirects) Redirects)" \
	test "$(ig_delta "$victim" InRedirects)" -gt $((COUNT / 8))
for c in DropMalformed DropChecksum DropBadCode DropLladdr \
	 DropBadNewGateway DropTlla DropInnerSource DropInnerDest \
	 DropInnerProto DropNoEvidence Accepted; do
	check "fuzz exercised $c ($(ig_delta "$victim" $c))" \
		test "$(ig_delta "$victim" $c)" -gt 0
done
check_invariants "$victim"

# The module still answers: a valid Redirect from r1 is honoured.
ig_sysctl "$victim" log 1
reset_victim6_routes
ig_snap "$victim"
inject6 "$r1" --no-rh
ig_sleep 0.3
check_deltas "$victim" "a valid Redirect after the fuzz" InRedirects=1 Accepted=1
check_eq "and honoured" "$LL_R2" "$(victim6_gw $V6_FAR)"
ktap_finish
