#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Redirects on a device where Linux ignores them (accept_redirects, read as
# IN_DEV_RX_REDIRECTS: all OR the device for a host, all AND the device
# for a router) pass the hook untouched: not judged, not charged to the
# sender's bucket, not logged, counted as Accepted and IgnoredNoAccept.
# Topology of setup_lan (lib.sh):
#
#   victim -- LAN -- r1 (gateway), r2, attacker; far behind r2

source "$(dirname "$0")/lib.sh"

ig_begin_lan_test
# The limiter and the log, with made-up embedded datagrams: check 6 off.
ig_no_evidence "$victim"
acc()
{
	ip netns exec "$victim" sysctl -qw net.ipv4.conf.all.accept_redirects=$1
	ip netns exec "$victim" sysctl -qw net.ipv4.conf.eth0.accept_redirects=$2
}
senders_zero() { [ "$(ig_stat "$victim" Senders)" -eq 0 ]; }

# A bucket of 5 at 1/s, full.
ig_sysctl "$victim" rate 1
ig_sysctl "$victim" burst 5
check "no sender tracked to start with" ig_wait_for 50 senders_zero

acc 0 0
ig_snap "$victim"
inject "$r1" -n 20
check_deltas "$victim" "accept_redirects off: 20 from r1 pass unjudged" \
	InRedirects=20 Accepted=20 IgnoredNoAccept=20
check_eq "accept_redirects off: r1's Redirects are ignored by Linux" \
	"$R1" "$(victim_gw $FAR)"
check_eq "accept_redirects off: no sender entry made" 0 \
	"$(ig_stat "$victim" Senders)"
ig_sysctl "$victim" log 1
dmesg -C
ig_snap "$victim"
inject "$attacker" -g $ATTACKER -n 3
check_deltas "$victim" "accept_redirects off: the spoofed gateway passes too, unjudged" \
	InRedirects=3 Accepted=3 IgnoredNoAccept=3
check "accept_redirects off: nothing logged" \
	sh -c '! dmesg | grep -q "icmp_guard: netns"'
ig_sysctl "$victim" log 0

# Back on: r1's bucket is still full, the 20 ignored took nothing. The
# first is applied and makes r2 the gateway: check 2 off, so that the
# next four are judged by the limiter alone.
acc 1 1
ig_sysctl "$victim" check_gateway 0
ig_snap "$victim"
inject "$r1" -n 5
check_deltas "$victim" "accept_redirects on: r1's bucket of 5 was not spent" \
	InRedirects=5 Accepted=5
ig_sysctl "$victim" check_gateway 1
reset_victim_routes
# The bucket is empty now and refills one Redirect a second: on a fast
# machine the next would come too soon. A rate change applies to existing
# buckets at once, so 1000/s leaves a token for each of the checks below.
ig_sysctl "$victim" rate 1000

# Linux's rule: a host takes them if all OR the device says so.
acc 1 0
ig_snap "$victim"
inject "$r1" -n 1
check_deltas "$victim" "host, all=1 eth0=0: judged and accepted" \
	InRedirects=1 Accepted=1
check_eq "host, all=1 eth0=0: Linux applies it" "$R2 redirected" \
	"$(victim_gw $FAR)"
reset_victim_routes
# A router (forwarding on) takes them only if all AND the device say so.
ip netns exec "$victim" sysctl -qw net.ipv4.conf.all.forwarding=1
acc 1 0
ig_snap "$victim"
inject "$r1" -n 1
check_deltas "$victim" "router, all=1 eth0=0: ignored" \
	InRedirects=1 Accepted=1 IgnoredNoAccept=1
check_eq "router, all=1 eth0=0: Linux ignores it" "$R1" "$(victim_gw $FAR)"
acc 1 1
ig_snap "$victim"
inject "$r1" -n 1
check_deltas "$victim" "router, all=1 eth0=1: judged and accepted" \
	InRedirects=1 Accepted=1
ip netns exec "$victim" sysctl -qw net.ipv4.conf.all.forwarding=0

check_invariants "$victim"
ktap_finish
