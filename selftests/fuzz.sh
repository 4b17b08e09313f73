#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Fuzz the parser: Redirects and near-Redirects mutated from valid ones
# (redirect_inject --fuzz: every code, other types, inner and outer IP
# options, lying IHL/version/length fields, TCP/UDP/ICMP/GRE/unknown inner
# protocols, bad checksums, truncation at any length, fragments reassembled
# into non-linear skbs) from random senders, at the victim of setup_lan:
#
#   victim -- LAN -- random senders (fuzzing), r1 (victim's gateway), r2, ...
#
# Pass: no kernel report (vm-run checks the log), the module still answers,
# and the counters' invariants hold. ICMP_GUARD_FUZZ_COUNT sets the number
# of frames (default 40000; the reliability lane sends 1000000).

source "$(dirname "$0")/lib.sh"

ig_begin_lan_test
COUNT=${ICMP_GUARD_FUZZ_COUNT:-40000}
# Let the limiter pass most of it, so the checks behind it are fuzzed too.
ig_sysctl "$victim" rate 1000000000
ig_sysctl "$victim" burst 1000000
ig_sysctl "$victim" global_rate 1000000000
ig_sysctl "$victim" global_burst 1000000
ig_sysctl "$victim" max_senders 1048576
ig_sysctl "$victim" log 0

# Half of them come from the gateway itself, so the checks behind the
# gateway check see fuzz too; half from random senders (sent onto the
# victim's wire from its bridge port, see inject_lan), at the same time, so
# that two CPUs run the parser at once. The gateway's first half meets
# check 6 (whose parser is fuzzed then); its second half passes with check
# 6 off, so that the accepted path (demotion) is fuzzed too.
ig_snap "$victim"
(
	inject "$r1" --fuzz -n $((COUNT / 4)) --seed 8 &&
	ip netns exec "$victim" \
		sysctl -qw net.ipv4.icmp_guard.check_evidence=0 &&
	inject "$r1" --fuzz -n $((COUNT / 2 - COUNT / 4)) --seed 9
) &
r1_fuzz=$!
check "$((COUNT - COUNT / 2)) fuzzed frames from random senders" \
	inject_lan --fuzz -n $((COUNT - COUNT / 2)) \
	--random-src 10.1.0.0/24 --seed 7
check "$((COUNT / 2)) fuzzed frames from the gateway itself, meanwhile" \
	wait $r1_fuzz
check "the fuzz reached the guard ($(ig_delta "$victim" InRedirects) Redirects)" \
	test "$(ig_delta "$victim" InRedirects)" -gt $((COUNT / 8))
for c in DropMalformed DropChecksum DropBadCode DropNotGateway \
	 DropLladdr DropBadNewGateway DropInnerProto DropNoEvidence Accepted; do
	check "fuzz exercised $c ($(ig_delta "$victim" $c))" \
		test "$(ig_delta "$victim" $c)" -gt 0
done
check_invariants "$victim"

# The module still answers: a valid Redirect from r1 is honoured.
ig_sysctl "$victim" log 1
reset_victim_routes
ig_snap "$victim"
inject "$r1"
check_deltas "$victim" "a valid Redirect after the fuzz" InRedirects=1 Accepted=1
check_eq "and honoured" "$R2 redirected" "$(victim_gw $FAR)"
ktap_finish
