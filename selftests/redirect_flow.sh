#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A real Redirect about a socket whose route is not the one a lookup with
# mark 0, no bound device, root's uid and no ports finds: check 2 guesses
# that flow, the egress record (check 6) knows the gateway and device the
# datagram really left through, and overrules it. Topology of setup_lan
# (lib.sh), with the victim's routes changed per case:
#
#                 LAN 10.1.0.0/24
#   victim .10 ---------+--------- .1 r1 (forwards far's traffic back over
#     | eth1            |               the LAN to r2: sends a Redirect)
#    side 10.3.0.1      +--------- .2 r2 ---- far 10.2.0.20..27
#
#   fwmark   main: default via r2; fwmark 1 -> table 100: default via r1;
#            the socket has SO_MARK 1
#   uid      main: default via r2; uidrange 1000 -> table 100 (via r1);
#            the socket is uid 1000's
#   bind     default via side (eth1, metric 10) and via r1 (eth0, metric
#            20); the socket is bound to eth0 (SO_BINDTODEVICE)
#   ecmp     default: multipath via r1 and r2, fib_multipath_hash_policy=1;
#            a far address whose portless lookup picks r2, and a source
#            port that puts the socket on r1
#
# In each, the victim's connected UDP socket sends to far through r1, r1
# sends its Redirect to r2, and the guard must accept it under enforce (it
# refused it as DropNotGateway before). Linux then judges it with the
# socket's own flow (ipv4_sk_redirect(): mark, bound device, uid, but no
# ports), and applies it; for ecmp Linux's own portless lookup picks r2,
# so Linux ignores it: only the guard's verdict is tested there.

source "$(dirname "$0")/lib.sh"

ig_require_root
ig_require_module
ktap_header

flow_pid=""
flow_log=$(mktemp)
# r1's Redirects: one per forwarded packet (see redirect_legit.sh).
ig_redirect_every_packet
flow_cleanup()
{
	kill $flow_pid 2>/dev/null || :
	rm -f "$flow_log"
}
IG_CLEANUP_HOOK=flow_cleanup

# flow DST MARK DEV UID SPORT: the victim's connected UDP socket sends DST
# port 8080 a datagram every 0.2 s, with SO_MARK MARK, bound to DEV, as
# UID, from SPORT (0, "" or 0 for none).
flow()
{
	ip netns exec "$victim" python3 -c '
import os, socket, sys, time
dst, mark, dev, uid, sport = sys.argv[1:6]
if int(uid):
    os.setgid(int(uid)); os.setuid(int(uid))
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
if int(mark):
    s.setsockopt(socket.SOL_SOCKET, socket.SO_MARK, int(mark))
if dev:
    s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, dev.encode())
s.bind(("0.0.0.0", int(sport)))
s.connect((dst, 8080))
print("connected", s.getsockname(), flush=True)
while True:
    try:
        s.send(b"x" * 100)
    except OSError as e:
        print(e, flush=True)
    time.sleep(0.2)' "$@" >"$flow_log" 2>&1 &
	flow_pid=$!
}

stop_flow()
{
	kill $flow_pid 2>/dev/null || :
	wait $flow_pid 2>/dev/null || :
	flow_pid=""
	sort "$flow_log" | uniq -c | sed "s/^/# /"
}

# gw_of ARGS: the gateway of "ip route get ARGS" in the victim, with
# " redirected" if a Redirect made it.
gw_of()
{
	local w prev="" gw=none r=""

	for w in $(ip -n "$victim" route get "$@" 2>/dev/null); do
		[ "$prev" = via ] && gw=$w
		[ "$w" = "<redirected>" ] && r=" redirected"
		prev=$w
	done
	echo "$gw$r"
}

# accepted_any: at least one Redirect accepted since ig_snap.
accepted_any() { [ "$(ig_delta "$victim" Accepted)" -ge 1 ]; }
case_redirected() { [ "$(gw_of $case_dst $case_get)" = "$R2 redirected" ]; }

# one_case NAME ROUTES GETARGS DST FLOWARGS...: set the victim's routes
# (ip batch ROUTES, after removing setup_lan's default), check that the
# guess of check 2 and the socket's route differ, run the flow, then the
# verdicts. PREP, if set, runs after the routes and may change GETARGS,
# DST and FLOWARGS (case_get, case_dst, case_flow).
one_case()
{
	local name=$1 routes=$2 linux=${LINUX:-yes}

	case_get=$3
	case_dst=$4
	shift 4
	case_flow=("$@")
	ig_cleanup
	setup_lan legacy || { ktap_result 1 "$name: topology"; return; }
	ip -n "$far" -batch - <<<"$(for i in 1 2 3 4 5 6 7; do
		echo "addr add 10.2.0.2$i/24 dev eth0"; done)"
	ip -n "$victim" -batch - <<<"route del default
		$routes" || { ktap_result 1 "$name: routes"; return; }
	if [ -n "${PREP:-}" ]; then
		$PREP || { ktap_result 1 "$name: $PREP"; return; }
	fi
	check "$name: victim reaches r1 and r2" sh -c \
		"ip netns exec $victim ping -c1 -W1 -q $R1 >/dev/null &&
		 ip netns exec $victim ping -c1 -W1 -q $R2 >/dev/null"
	check_eq "$name: the socket's route is via r1" "$R1" \
		"$(gw_of $case_dst $case_get)"
	check "$name: check 2's guess (mark 0, no device, uid 0, no ports) is not r1" \
		test "$(gw_of $case_dst from $VICTIM ipproto udp)" != "$R1"
	ig_snap "$victim"
	flow "$case_dst" "${case_flow[@]}"
	if [ "$linux" = yes ]; then
		check "$name: r1's Redirect is honoured (the socket's route via r2)" \
			ig_wait_for 50 case_redirected
	else
		check "$name: the guard accepts r1's Redirects" \
			ig_wait_for 50 accepted_any
	fi
	stop_flow
	echo "# $name: the socket's route now: $(gw_of $case_dst $case_get)"
	ig_stats "$victim" | grep -E '^(Accepted|Dropped|Drop[A-Z][a-zA-Z]*) [1-9]' |
		sed "s/^/# $name: /"
	check_eq "$name: no Redirect dropped" 0 "$(ig_delta "$victim" Dropped)"
	check "$name: r1's Redirects accepted ($(ig_delta "$victim" Accepted))" \
		accepted_any
	check_invariants "$victim"
}

one_case fwmark "route add default via $R2
	route add default via $R1 table 100
	rule add fwmark 1 table 100" "mark 1" $FAR 1 "" 0 0

one_case uid "route add default via $R2
	route add default via $R1 table 100
	rule add uidrange 1000-1000 table 100" "uid 1000" $FAR 0 "" 1000 0

one_case bind "route add default via 10.3.0.1 dev eth1 metric 10
	route add default via $R1 dev eth0 metric 20" "oif eth0" $FAR \
	0 eth0 0 0

# ecmp: with the L4 hash, find a far address whose portless lookup goes
# via r2, and a source port that puts the socket on r1.
ecmp_pick()
{
	local d s

	ip netns exec "$victim" sysctl -qw net.ipv4.fib_multipath_hash_policy=1
	for d in 10.2.0.2{0..7}; do
		[ "$(gw_of $d from $VICTIM ipproto udp)" = "$R2" ] || continue
		for s in $(seq 40000 40063); do
			if [ "$(gw_of $d from $VICTIM ipproto udp sport $s dport 8080)" = "$R1" ]; then
				echo "# ecmp: $d, source port $s"
				case_dst=$d
				case_get="from $VICTIM ipproto udp sport $s dport 8080"
				case_flow=(0 "" 0 "$s")
				return 0
			fi
		done
	done
	echo "# ecmp: no far address hashed to r2 without ports and to r1 with"
	return 1
}
LINUX=no PREP=ecmp_pick one_case ecmp \
	"route add default nexthop via $R1 nexthop via $R2" "" $FAR

ktap_finish
