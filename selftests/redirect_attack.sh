#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The spoofed-gateway attack, with the topology of setup_lan (lib.sh):
#
#   victim -- LAN -- r1 (victim's gateway), attacker; far behind r2
#
# The attacker sends the victim a Redirect whose source IP is r1's and whose
# source MAC is its own, then r1's too, telling it to send far's traffic to
# the attacker. The embedded datagram is (a) an ICMP echo reply, which Linux
# accepts with no socket at all, or (b) UDP from a port the victim has
# bound. Linux honours both once it has resolved the attacker's address;
# icmp_guard, in enforce, refuses them: by the link-layer check (3) from
# the attacker's own MAC, by the egress record (6) from r1's MAC.

source "$(dirname "$0")/lib.sh"

ig_begin_lan_test

# A bound UDP socket for the second variant.
ip netns exec "$victim" python3 -c '
import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("0.0.0.0", 5353))
time.sleep(600)' &
udp_pid=$!
IG_CLEANUP_HOOK="kill $udp_pid"
ig_wait_for 100 sh -c "ip netns exec $victim ss -Hun state all sport = :5353 | grep -q 5353"

attack()
{
	reset_victim_routes
	inject "$attacker" -g $ATTACKER "$@"
	# The first one makes the victim ARP for the attacker; the second lands.
	sleep 0.5
	inject "$attacker" -g $ATTACKER "$@"
	sleep 0.2
	victim_gw $FAR
}

ECHO="--inner-proto icmp --inner-icmp-type 0"
UDP="--inner-proto udp --inner-sport 5353 --inner-dport 53"
declare -A CHECK6=([ECHO]=DropInnerProto [UDP]=DropNoEvidence)
R1_MAC=$(ig_mac "$r1" eth0)

for variant in ECHO UDP; do
	args=${!variant}
	ig_unload
	check_eq "module unloaded: attack ($variant) hijacks the route" \
		"$ATTACKER redirected" "$(attack $args)"

	ig_load
	ig_sysctl "$victim" policy 0
	check_eq "policy=off: attack ($variant) hijacks the route" \
		"$ATTACKER redirected" "$(attack $args)"

	ig_sysctl "$victim" policy 2
	ig_snap "$victim"
	check_eq "enforce: attack ($variant) refused" "$R1" "$(attack $args)"
	check_deltas "$victim" "enforce: attack ($variant) counted as DropLladdr" \
		InRedirects=2 Dropped=2 DropLladdr=2
	check_eq "enforce: victim still routes far via r1" "$R1" \
		"$(victim_gw $FAR)"

	ig_snap "$victim"
	check_eq "enforce: attack ($variant) with r1's MAC too refused" "$R1" \
		"$(attack $args --src-mac "$R1_MAC")"
	check_deltas "$victim" "enforce: attack ($variant) with r1's MAC counted as ${CHECK6[$variant]}" \
		InRedirects=2 Dropped=2 "${CHECK6[$variant]}=2"
done

check_invariants "$victim"
ktap_finish
