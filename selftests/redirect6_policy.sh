#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Every check of the IPv6 pipeline with an ND Redirect it passes and one it
# refuses, exact counter deltas in /proc/net/icmp_guard/stats6: each clause
# of RFC 4861 section 8.1 (hop limit, link-local source, code, length,
# checksum, target, destination, option lengths), RFC 6980 (no Fragment
# header), ICMPv6 behind a Hop-by-Hop header; the router check (another
# router, the router's address on another link), the link-layer, target,
# TLLA, embedded source and destination checks, and the evidence of the
# embedded datagram; each check_* knob switched off, policy monitor and
# block, Redirects Linux ignores (IgnoredNoAccept), the shared rate
# limiter keyed by the 128-bit address and the MAC, after checks 2 and 3
# (forged sources spend no namespace credit), bad sysctl writes, the
# log line. Topology of setup_lan6 (lib.sh), and a namespace "side" on the
# victim's eth1 for the other link; the Redirects come from the attacker's
# port, from r1's link-local address and MAC unless a case says otherwise.

source "$(dirname "$0")/lib.sh"

ig_begin_lan6_test

# The shared limiter's knobs are IPv4's; room for every case here.
ig_nsh "$victim" 'echo 1000000 > /proc/sys/net/ipv4/icmp_guard/rate && echo 1000000 > /proc/sys/net/ipv4/icmp_guard/burst'
ig_sysctl "$victim" check_evidence 0
ig_sysctl "$victim" log 1

moved() { [ "$(ig_delta "$victim" InRedirects)" -ge "$1" ]; }

# expect DESC "NAME=DELTA..." [injector options]: one ND Redirect (no
# Redirected Header, target r2) from r1's address and MAC, then exactly
# these counter deltas.
expect()
{
	local desc=$1 counters=$2 n

	shift 2
	reset_victim6_routes
	ig_snap "$victim"
	inject6 "$attacker" --src-mac "$R1_MAC" --no-rh "$@"
	n=$(sed -n 's/.*InRedirects=\([0-9]*\).*/\1/p' <<<"$counters")
	ig_wait_for 10 moved "${n:-1}" || :
	check_deltas "$victim" "$desc" $counters
}
OK="InRedirects=1 Accepted=1"
MAL="InRedirects=1 Dropped=1 DropMalformed=1"

# ---- RFC 4861 section 8.1, each clause passing and refused
expect "8.1 hop limit 255: accepted" "$OK" --ttl 255
check_eq "8.1: the accepted Redirect is applied (far via r2)" "$LL_R2" \
	"$(victim6_gw $V6_FAR)"
expect "8.1 hop limit 254: refused" "$MAL" --ttl 254
check_eq "8.1: the refused one is not (far via r1)" "$LL_R1" \
	"$(victim6_gw $V6_FAR)"
expect "8.1 link-local source: accepted" "$OK" -s $LL_R1
expect "8.1 global source (r1's): refused" "$MAL" -s 2001:db8:1::1
expect "8.1 code 0: accepted" "$OK" -c 0
expect "8.1 code 1: refused" "InRedirects=1 Dropped=1 DropBadCode=1" -c 1
expect "8.1 ICMP length 40, no options: accepted" "$OK"
expect "8.1 ICMP length 39: refused" "$MAL" --truncate 79 --fix-tot-len
expect "8.1 good checksum: accepted" "$OK"
expect "8.1 bad checksum: refused" "InRedirects=1 Dropped=1 DropChecksum=1" \
	--bad-csum
expect "8.1 target link-local: accepted" "$OK" -g $LL_R2
expect "8.1 target == destination: accepted" "$OK" -g $V6_FAR
check_eq "8.1: far is then on-link" direct "$(victim6_gw $V6_FAR)"
expect "8.1 target global, not the destination: refused" "$MAL" \
	-g 2001:db8:1::2
expect "8.1 destination unicast: accepted" "$OK" --dest $V6_FAR
expect "8.1 destination multicast: refused" "$MAL" --dest ff0e::1
expect "8.1 options of non-zero length (TLLA): accepted" "$OK" \
	--tlla "$R2_MAC"
expect "8.1 an option of length 0: refused" "$MAL" --opt-zero
expect "8.1 an option past the message's end: refused" "$MAL" --opt-over 1
expect "8.1 options with a Redirected Header: accepted" "$OK" \
	--tlla "$R2_MAC" -g $LL_R2 --rh --inner-proto udp
# ---- RFC 6980 and extension headers
expect "RFC 6980: an atomic fragment refused" "$MAL" --frag-atomic
expect "RFC 6980: the first of real fragments refused" "$MAL" \
	--frag 16
expect "behind a Hop-by-Hop header: found and accepted" "$OK" --hbh
expect "behind a Hop-by-Hop header, from the attacker's MAC: refused" \
	"InRedirects=1 Dropped=1 DropLladdr=1" --hbh --src-mac "$ATTACKER_MAC"

# ---- the checks
expect "router: from r2's address and MAC, refused" \
	"InRedirects=1 Dropped=1 DropNotGateway=1" -s $LL_R2 --src-mac "$R2_MAC"
# The router's own address on the victim's other link (a link-local
# address names an interface on its link only, so fe80::1 is there too):
# the route to far leaves through eth0, not the link it came in on.
setup_ns side
ip link add eth1 netns "$victim" type veth peer name eth0 netns "$side"
ip -n "$side" addr add $LL_R1/64 dev eth0 nodad
ip -n "$side" link set eth0 up
ip -n "$victim" addr add fe80::a/64 dev eth1 nodad
ip -n "$victim" link set eth1 up
reset_victim6_routes
ig_snap "$victim"
ig_nsexec "$side" "$IG_INJECT" -q -i eth0 \
	--dst-mac "$(ig_mac "$victim" eth1)" -s $LL_R1 -d fe80::a \
	-g $LL_R2 --dest $V6_FAR --no-rh
ig_wait_for 10 moved 1 || :
check_deltas "$victim" "router: its address on the victim's other link, refused" \
	InRedirects=1 Dropped=1 DropWrongDevice=1
check_eq "router: the victim's route to far kept r1 on eth0" "$LL_R1" \
	"$(victim6_gw $V6_FAR)"
expect "link layer: from r1's address, the attacker's MAC, refused" \
	"InRedirects=1 Dropped=1 DropLladdr=1" --src-mac "$ATTACKER_MAC"
expect "target: the victim itself, refused" \
	"InRedirects=1 Dropped=1 DropBadNewGateway=1" -g $LL_VICTIM
expect "target: the sender itself, refused" \
	"InRedirects=1 Dropped=1 DropBadNewGateway=1" -g $LL_R1
expect "target: fe80:: (subnet-router anycast), refused" \
	"InRedirects=1 Dropped=1 DropBadNewGateway=1" -g fe80::
expect "target: the attacker, accepted (evidence off)" "$OK" -g $LL_ATTACKER
expect "TLLA: r2's own MAC for r2, accepted" "$OK" --tlla "$R2_MAC"
expect "TLLA: the attacker's MAC for r2, refused" \
	"InRedirects=1 Dropped=1 DropTlla=1" --tlla "$ATTACKER_MAC"
check_eq "TLLA: the victim's entry for r2 kept r2's MAC" "$R2_MAC" \
	"$(victim6_neigh $LL_R2)"
expect "inner: from the victim to far, accepted" "$OK" --rh --inner-proto udp
expect "inner: from another host, refused" \
	"InRedirects=1 Dropped=1 DropInnerSource=1" --rh --inner-proto udp \
	--inner-src 2001:db8:1::66
expect "inner: to another destination than the Redirect's, refused" \
	"InRedirects=1 Dropped=1 DropInnerDest=1" --rh --inner-proto udp \
	--inner-dst 2001:db8:2::99 --dest $V6_FAR

ig_sysctl "$victim" check_evidence 1
expect "evidence: no Redirected Header, refused" \
	"InRedirects=1 Dropped=1 DropNoEvidence=1"
expect "evidence: an echo reply, refused" \
	"InRedirects=1 Dropped=1 DropInnerProto=1" --rh --inner-proto icmp6
expect "evidence: UDP the victim never sent, refused" \
	"InRedirects=1 Dropped=1 DropNoEvidence=1" --rh --inner-proto udp \
	--flowlabel 12345
expect "evidence: to another destination than the Redirect's, refused" \
	"InRedirects=1 Dropped=1 DropInnerDest=1" --rh --inner-proto udp \
	--inner-dst 2001:db8:2::99 --dest $V6_FAR
ig_sysctl "$victim" check_inner_source 0
expect "evidence (check_inner_source=0): another destination still refused" \
	"InRedirects=1 Dropped=1 DropInnerDest=1" --rh --inner-proto udp \
	--inner-dst 2001:db8:2::99 --dest $V6_FAR
ig_sysctl "$victim" check_inner_source 1

# ---- each knob off lets its case through
declare -A KNOB_CASE=(
	[check_gateway]="-s $LL_R2 --src-mac $R2_MAC -g $LL_ATTACKER"
	[check_lladdr]="--src-mac $ATTACKER_MAC"
	[check_new_gateway]="-g $LL_VICTIM"
	[check_tlla]="--tlla $ATTACKER_MAC"
	[check_inner_source]="--rh --inner-proto udp --inner-src 2001:db8:1::66"
	[check_evidence]=""
)
for knob in check_gateway check_lladdr check_new_gateway check_tlla \
	    check_inner_source check_evidence; do
	ig_sysctl "$victim" check_evidence 0
	[ $knob = check_evidence ] && ig_sysctl "$victim" check_evidence 1
	ig_sysctl "$victim" $knob 0
	# shellcheck disable=SC2086
	expect "$knob=0: its case accepted" "$OK" ${KNOB_CASE[$knob]}
	ig_sysctl "$victim" $knob 1
done
ig_sysctl "$victim" check_evidence 0
check_eq "check_tlla=0: Linux then rewrote the victim's entry for r2" \
	"$ATTACKER_MAC" "$(victim6_neigh $LL_R2)"
ip -n "$victim" -6 neigh flush dev eth0 to $LL_R2 2>/dev/null || :
victim6_ping $LL_R2%eth0 || :

# ---- policies
ig_sysctl "$victim" policy 1
expect "monitor: a refused case passes, counted" \
	"InRedirects=1 Accepted=1 MonitorWouldDrop=1" --src-mac "$ATTACKER_MAC"
ig_sysctl "$victim" policy 3
expect "block: a good one is dropped" \
	"InRedirects=1 Dropped=1 DropBlocked=1"
ig_sysctl "$victim" policy 0
expect "off: a refused case passes, counted as accepted" "$OK" \
	--src-mac "$ATTACKER_MAC"
ig_sysctl "$victim" policy 2
check_eq "IPv4's policy is its own" 2 \
	"$(ig_nsh "$victim" 'cat /proc/sys/net/ipv4/icmp_guard/policy')"

# ---- where Linux ignores Redirects (rt6_do_redirect(): forwarding on, or
# accept_redirects off): passed untouched, unjudged, uncharged, counted
# as accepted and ignored; one that every check would refuse shows it.
conf6() { ig_nsh "$victim" "echo $2 > /proc/sys/net/ipv6/conf/eth0/$1"; }
conf6 accept_redirects 0
expect "accept_redirects=0: a forged one passes unjudged" \
	"InRedirects=1 Accepted=1 IgnoredNoAccept=1" --src-mac "$ATTACKER_MAC" \
	-g $LL_ATTACKER
check_eq "accept_redirects=0: Linux ignores it (far via r1)" "$LL_R1" \
	"$(victim6_gw $V6_FAR)"
conf6 accept_redirects 1
conf6 forwarding 1
expect "forwarding=1: a forged one passes unjudged" \
	"InRedirects=1 Accepted=1 IgnoredNoAccept=1" --src-mac "$ATTACKER_MAC" \
	-g $LL_ATTACKER
check_eq "forwarding=1: Linux ignores it (far via r1)" "$LL_R1" \
	"$(victim6_gw $V6_FAR)"
conf6 forwarding 0
expect "accept_redirects=1, forwarding=0: judged again, refused" \
	"InRedirects=1 Dropped=1 DropLladdr=1" --src-mac "$ATTACKER_MAC" \
	-g $LL_ATTACKER

# ---- the shared rate limiter: address and MAC, after checks 2 and 3
ig_nsh "$victim" 'echo 5 > /proc/sys/net/ipv4/icmp_guard/burst && echo 1 > /proc/sys/net/ipv4/icmp_guard/rate'
ig_sleep 1
no_entry() { ! ig_nsh "$victim" 'cat /proc/net/icmp_guard/senders' | grep -q "^$1 $2 "; }
expect "limiter: r1's address from a new MAC, 30 times: refused by the link-layer check, before the limiter" \
	"InRedirects=30 Dropped=30 DropLladdr=30" \
	--src-mac 02:00:00:00:00:77 -n 30
check "limiter: that MAC got no sender entry" no_entry fe80::1 02:00:00:00:00:77
# Keyed by address and MAC: with checks 2 and 3 off, the new MAC gets a
# bucket of its own (20 pass, the rest refused), and r1's is untouched (all
# 20 pass). Each bucket is empty then, so the limiter's GC (each second, it
# frees full buckets) keeps both entries for 20 s, while senders is read,
# even on the debug kernel (a process start there is 0.6 s; with buckets
# of 5 the entries were gone before the read).
ig_nsh "$victim" 'echo 20 > /proc/sys/net/ipv4/icmp_guard/burst'
ig_sysctl "$victim" check_gateway 0
ig_sysctl "$victim" check_lladdr 0
expect "limiter (checks 2 and 3 off): r1's address from a new MAC, 30 times: 20 pass, then refused" \
	"InRedirects=30 Accepted=20 Dropped=10 DropRateLimited=10" \
	--src-mac 02:00:00:00:00:77 -n 30
expect "limiter (checks 2 and 3 off): r1's own bucket untouched, all 20 pass" \
	"InRedirects=20 Accepted=20" -n 20
ig_sysctl "$victim" check_gateway 1
ig_sysctl "$victim" check_lladdr 1
senders=$(ig_nsh "$victim" 'cat /proc/net/icmp_guard/senders')
sed 's/^/# senders: /' <<<"$senders"
check "senders lists fe80::1 with r1's MAC" \
	grep -q "^fe80::1 $R1_MAC " <<<"$senders"
check "senders lists fe80::1 with the flood's MAC, apart" \
	grep -q "^fe80::1 02:00:00:00:00:77 " <<<"$senders"
ig_nsh "$victim" 'echo 1000000 > /proc/sys/net/ipv4/icmp_guard/rate && echo 1000000 > /proc/sys/net/ipv4/icmp_guard/burst'

# Forged from 40 other link-local addresses: refused as not from the
# router, before the limiter, so they draw nothing from the namespace's
# bucket (20, 1 a second: it would be empty after 20), which IPv4's real
# gateway shares; r1's own Redirect then passes.
ig_nsh "$victim" 'echo 1 > /proc/sys/net/ipv4/icmp_guard/global_rate && echo 20 > /proc/sys/net/ipv4/icmp_guard/global_burst'
reset_victim6_routes
ig_snap "$victim"
for i in $(seq 40); do
	inject6 "$attacker" --src-mac "$ATTACKER_MAC" -s fe80::1:$i --no-rh
done
ig_wait_for 10 moved 40 || :
check_deltas "$victim" "40 forged sources: refused as not the router, no namespace credit spent" \
	InRedirects=40 Dropped=40 DropNotGateway=40
no_forged_entry() { ! ig_nsh "$victim" 'cat /proc/net/icmp_guard/senders' | grep -q '^fe80::1:'; }
check "40 forged sources: no sender entry for any" no_forged_entry
expect "r1's own after them: accepted" "$OK"
ig_nsh "$victim" 'echo 1000000 > /proc/sys/net/ipv4/icmp_guard/global_rate && echo 1000000 > /proc/sys/net/ipv4/icmp_guard/global_burst'

# ---- sysctls: bad writes fail and change nothing
for knob in policy check_gateway check_lladdr check_new_gateway check_tlla \
	    check_inner_source check_evidence evidence_ms log; do
	before=$(ig_sysctl "$victim" $knob)
	case $knob in
	policy) bad="-1 4" ;;
	evidence_ms) bad="9 60001" ;;
	*) bad="-1 2" ;;
	esac
	for v in $bad nonsense; do
		out=$(ig_sysctl "$victim" $knob "$v" 2>&1) && rc=0 || rc=$?
		check "net.ipv6.icmp_guard.$knob=$v refused" \
			test "$rc" -ne 0 -a -n "$(grep -i 'invalid' <<<"$out")"
	done
	check_eq "net.ipv6.icmp_guard.$knob unchanged" "$before" \
		"$(ig_sysctl "$victim" $knob)"
done

# ---- the log line
ig_sysctl "$victim" log 1
expect "log: a refused one" "InRedirects=1 Dropped=1 DropLladdr=1" \
	--src-mac "$ATTACKER_MAC" --rh --inner-proto udp
line=$(dmesg | grep "icmp_guard: netns" | grep "redirect from $LL_R1 ($ATTACKER_MAC)" | tail -1)
echo "# $line"
check "log: the IPv4 format with IPv6 addresses" grep -qE \
	"icmp_guard: netns [0-9]+: dropped redirect from fe80::1 \($ATTACKER_MAC\) on eth0: link-layer sender is not the gateway; new gateway fe80::2 for 2001:db8:1::10 -> 2001:db8:2::20$" \
	<<<"$line"

check_invariants "$victim"
ktap_finish
