#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Real ND Redirects from a real Linux router are honoured under enforce,
# with the victim's route to far a static default via r1's link-local
# address, a default learned from r1's Router Advertisement, a nexthop
# object, or a default in a VRF, about a ping, a connected UDP socket's
# datagrams and a TCP connection's segments: each passes every check, the
# egress record's too. Topology of setup_lan6 (lib.sh):
#
#   victim -- LAN -- r1 -- (back over the LAN) -- r2 -- far
#
# r1 routes far's network via fe80::2 on the LAN it received the packet
# from, so it sends the victim a Redirect to fe80::2, quoting the packet.
# Linux 6.1 does not apply a Redirect about an unbound UDP socket's datagram
# (ip6_sk_redirect() looks up with oif 0); 6.12 does; in a VRF, Linux
# applies none about a TCP or UDP socket bound to it. So for UDP and TCP the
# test first learns, with the module unloaded, what Linux does, and requires
# the same under enforce, with every Redirect accepted by icmp_guard. Where
# Linux's TCP let Redirects go for timing (a busy socket, a segment already
# acknowledged: its own counters say so), either outcome is Linux's.

source "$(dirname "$0")/lib.sh"

IG_FAMILY=6
ig_family_paths
ig_require_root
[ -x "$IG_INJECT" ] || ksft_skip "redirect_inject not built"
ig_require_module
ktap_header

flow_pid=""
far_pid=""
flow_log=$(mktemp)
legit_cleanup()
{
	kill $flow_pid $far_pid 2>/dev/null || :
	rm -f "$flow_log"
}
IG_CLEANUP_HOOK=legit_cleanup

# flow udp|tcp: the victim sends far a datagram or a segment every 0.2 s,
# from a socket bound to the VRF in vrf mode.
flow()
{
	ip netns exec "$victim" python3 -c '
import socket, sys, time
kind, far, vrf = sys.argv[1:4]
t = socket.SOCK_DGRAM if kind == "udp" else socket.SOCK_STREAM
s = socket.socket(socket.AF_INET6, t)
if vrf:
    s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, vrf.encode())
s.connect((far, 8080))
print("connected", flush=True)
while True:
    try:    # UDP: far answers port unreachable, reported here
        s.send(b"x" * 100)
    except OSError as e:
        print(e, flush=True)
    time.sleep(0.2)' "$1" $V6_FAR "${VRF_ARG#vrf }" >"$flow_log" 2>&1 &
	flow_pid=$!
}

stop_flow()
{
	kill $flow_pid 2>/dev/null || :
	wait $flow_pid 2>/dev/null || :
	flow_pid=""
}

via_r2() { [ "$(victim6_gw $V6_FAR)" = "$LL_R2" ]; }
# ICMP errors the victim's TCP let go unapplied: its socket was busy
# (LockDroppedIcmps), or the quoted segment was acknowledged before the
# Redirect came (OutOfWindowIcmps: far's ACK comes back through r2 and may
# overtake r1's Redirect). Whether Linux applies a Redirect about a TCP
# segment is then a matter of timing, with or without the module.
tcp_declined()
{
	ig_mib "$victim" TcpExtLockDroppedIcmps TcpExtOutOfWindowIcmps
}
declined=0
via_r2_or_declined() { via_r2 || [ "$(tcp_declined)" -gt "$declined" ]; }
accepted_some() { [ "$(ig_delta "$victim" Accepted)" -ge 1 ]; }
redirected()
{
	victim6_ping $V6_FAR
	via_r2
}

for mode in legacy ra nexthop vrf; do
	ig_cleanup
	ig_load
	setup_lan6 $mode || { ktap_result 1 "$mode: topology"; continue; }
	if [ $mode = ra ]; then
		# r1 advertises itself as a default router, from its own port.
		ig_nsexec "$r1" "$IG_INJECT" -q -i eth0 \
			--dst-mac 33:33:00:00:00:01 -s $LL_R1 -d ff02::1 --ra 1800
		ra_route() { ip -n "$victim" -6 route show default | grep -q "via $LL_R1 dev eth0 proto ra"; }
		check "ra: victim learnt its default route from r1's RA" \
			ig_wait_for 25 ra_route
	fi
	check_eq "$mode: victim routes far via r1" "$LL_R1" \
		"$(victim6_gw $V6_FAR)"
	ig_snap "$victim"
	check "$mode: victim reaches far" ig_wait_for 5 victim6_ping $V6_FAR 2
	check "$mode: r1's Redirect about a ping is honoured (via r2)" \
		ig_wait_for 10 redirected
	check_eq "$mode: no Redirect dropped" 0 "$(ig_delta "$victim" Dropped)"
	ig_sysctl "$victim" log 1
	accepted=$(ig_delta "$victim" Accepted)
	check "$mode: r1's Redirects counted as accepted ($accepted)" \
		test "$accepted" -ge 1

	ip netns exec "$far" python3 -c '
import socket
l = socket.socket(socket.AF_INET6)
l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
l.bind(("::", 8080))
l.listen()
while True:
    c, _ = l.accept()
    while c.recv(65536):
        pass
    c.close()' >/dev/null 2>&1 &
	far_pid=$!
	# As in redirect_legit.sh: r1's Redirects leave 10 ms late, or TCP
	# finds its socket busy and drops them (LockDroppedIcmps). The debug
	# kernel has no netem; there, and on any slow kernel, TCP's outcome
	# is timing, and tcp_declined() tells it from a refusal.
	ip netns exec "$r1" tc qdisc add dev eth0 root netem delay 10ms \
		2>/dev/null || :

	# What Linux does alone, then the same under enforce.
	for kind in udp tcp; do
		ig_unload
		reset_victim6_routes
		declined=$(tcp_declined)
		flow $kind
		ig_wait_for 15 via_r2 && linux=$LL_R2 || linux=$LL_R1
		stop_flow
		if [ $kind = tcp ] && [ "$linux" = "$LL_R1" ] &&
		   [ "$(tcp_declined)" -gt "$declined" ]; then
			linux="$LL_R1 (TCP declined them: timing)"
		fi
		echo "# $mode: $kind: Linux alone routes far via $linux after r1's Redirects"
		# r1's last Redirects (10 ms late) land before the module
		# does, and the counters are read before the routes are
		# reset: a Redirect judged after the reset is in the delta.
		ig_sleep 1
		ig_load
		ig_sysctl "$victim" log 1
		ig_snap "$victim"
		reset_victim6_routes
		declined=$(tcp_declined)
		flow $kind
		if [ "$linux" = "$LL_R1" ]; then
			ig_wait_for 25 accepted_some || :
			check_eq "$mode: $kind: Linux itself does not apply it (as without the module)" \
				"$LL_R1" "$(victim6_gw $V6_FAR)"
		elif [ $kind = tcp ]; then
			check "$mode: tcp: r1's Redirect honoured, or declined by Linux's TCP (busy socket, segment acknowledged), as without the module" \
				ig_wait_for 50 via_r2_or_declined
		else
			check "$mode: $kind: r1's Redirect is honoured, as without the module" \
				ig_wait_for 50 via_r2
		fi
		# Judged while the flow runs: its teardown's last segments
		# may leave from a time-wait socket, whose datagrams are
		# never evidence (see main.c), and r1 may redirect those.
		check_eq "$mode: $kind: no Redirect dropped" 0 \
			"$(ig_delta "$victim" Dropped)"
		check "$mode: $kind: accepted ($(ig_delta "$victim" Accepted))" \
			test "$(ig_delta "$victim" Accepted)" -ge 1
		stop_flow
		sort "$flow_log" | uniq -c | sed "s/^/# $mode: $kind: /"
	done
	kill $far_pid
	wait $far_pid 2>/dev/null || :
	far_pid=""
	# Nothing in flight while the counters are read.
	ig_sleep 1
	check_invariants "$victim"
done

ktap_finish
