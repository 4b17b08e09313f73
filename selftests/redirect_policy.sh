#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Every check of the IPv4 Redirect pipeline, with the topology of
# setup_lan (see lib.sh):
#
#   victim -- LAN -- r1 (gateway), r2 (second router), attacker; far behind r2
#     |
#    side (a second link of the victim's)
#
# For each check: a Redirect that passes it and one it refuses, with the
# exact counter deltas and the victim's route to far afterwards. Then each
# check switched off re-admits what it refused, and each policy value.

source "$(dirname "$0")/lib.sh"

ig_begin_lan_test
# Linux applies a Redirect only to a resolved new gateway: resolve the
# attacker too, so that one Redirect is enough whenever one is accepted.
check "victim reaches the attacker" victim_ping $ATTACKER
check_eq "victim routes far via r1" "$R1" "$(victim_gw $FAR)"

R1_MAC=$(ig_mac "$r1" eth0)
# Checks 1 to 5 here, with made-up embedded datagrams: check 6 off but
# where said (redirect_evidence.sh is its test).
ig_no_evidence "$victim"

# expect DESC "COUNTER=DELTA..." ROUTE [inject args]: one Redirect, from
# r1 unless FROM= names another namespace, then the exact counter deltas
# and the victim's route to far.
expect()
{
	local desc=$1 deltas=$2 route=$3 from=${FROM:-$r1}

	shift 3
	reset_victim_routes
	ig_snap "$victim"
	inject "$from" "$@" || echo "# injector failed"
	check_deltas "$victim" "$desc: counters" $deltas
	check_eq "$desc: victim's route to far" "$route" "$(victim_gw $FAR)"
}

OK="InRedirects=1 Accepted=1"
NOTREDIR=$R1

# ---- 1. well-formed
expect "valid Host Redirect from the gateway" "$OK" "$R2 redirected"
expect "valid Net Redirect is demoted and honoured" \
	"InRedirects=1 InNetRedirects=1 Demoted=1 Accepted=1" \
	"$R2 redirected" -c 0
expect "valid Net-and-TOS Redirect is demoted" \
	"InRedirects=1 InNetRedirects=1 Demoted=1 Accepted=1" \
	"$R2 redirected" -c 2
# A small first fragment and large later ones: reassembly chains those on
# the frag_list instead of copying them into the first one's tailroom, so
# the skb the hook sees is non-linear right after the ICMP header.
expect "fragmented Redirect, reassembled non-linear, is parsed" "$OK" \
	"$R2 redirected" --inner-payload 1000 --frag 8 --frag-rest 1024
expect "the same with inner IP options across the fragments" "$OK" \
	"$R2 redirected" --inner-ihl 8 --inner-payload 1000 --frag 16 \
	--frag-rest 1024
expect "Redirect with inner IP options" "$OK" "$R2 redirected" \
	--inner-ihl 8
expect "truncated inner header" \
	"InRedirects=1 Dropped=1 DropMalformed=1" "$NOTREDIR" --truncate 40 \
	--fix-tot-len
expect "inner datagram shorter than its IHL + 8" \
	"InRedirects=1 Dropped=1 DropMalformed=1" "$NOTREDIR" \
	--inner-ihl 15 --inner-ihl-lie
expect "inner IHL below 5" \
	"InRedirects=1 Dropped=1 DropMalformed=1" "$NOTREDIR" \
	--inner-ihl 4 --inner-ihl-lie
expect "inner version 6" \
	"InRedirects=1 Dropped=1 DropMalformed=1" "$NOTREDIR" --inner-version 6
expect "ICMP header only" \
	"InRedirects=1 Dropped=1 DropMalformed=1" "$NOTREDIR" --truncate 28 \
	--fix-tot-len
expect "bad ICMP checksum" \
	"InRedirects=1 Dropped=1 DropChecksum=1" "$NOTREDIR" --bad-csum
for code in 4 8 9 11 255; do
	expect "code $code" "InRedirects=1 Dropped=1 DropBadCode=1" \
		"$NOTREDIR" -c $code
done

# ---- 2. sender is the current gateway, on the route's device
FROM=$r2 expect "sender r2 is not the gateway" \
	"InRedirects=1 Dropped=1 DropNotGateway=1" "$NOTREDIR" -s $R2 \
	-g $ATTACKER
expect "inner destination is on-link, not via the sender" \
	"InRedirects=1 Dropped=1 DropNotGateway=1" "$NOTREDIR" \
	--inner-dst 10.3.0.99
side_inject()
{
	ip netns exec "$side" "$IG_INJECT" -q -i eth0 \
		--dst-mac "$(ig_mac "$victim" eth1)" -s $R1 -d 10.3.0.10 \
		-g $R2 -c 1 --inner-src $VICTIM --inner-dst $FAR "$@"
}
reset_victim_routes
ig_snap "$victim"
check "inject from r1's address on the victim's other link" side_inject
check_deltas "$victim" "gateway's address on the wrong link: counters" \
	InRedirects=1 Dropped=1 DropWrongDevice=1

# ---- 3. link-layer sender
FROM=$attacker expect "gateway's IP from the attacker's MAC" \
	"InRedirects=1 Dropped=1 DropLladdr=1" "$NOTREDIR" -g $ATTACKER
# The attacker copies r1's MAC too: the link-layer check alone cannot tell
# (the bridge delivers on the destination MAC); check 6 refuses it, whether
# the embedded datagram is an echo reply (never evidence) or UDP to a port
# the victim has bound (never sent).
FROM=$attacker expect "gateway's IP and MAC from the attacker's port, check 6 off: honoured" \
	"$OK" "$R2 redirected" --src-mac "$R1_MAC"
ig_sysctl "$victim" check_evidence 1
FROM=$attacker expect "gateway's IP and MAC from the attacker's port, echo reply: refused" \
	"InRedirects=1 Dropped=1 DropInnerProto=1" "$NOTREDIR" \
	--src-mac "$R1_MAC"
FROM=$attacker expect "gateway's IP and MAC from the attacker's port, UDP: refused" \
	"InRedirects=1 Dropped=1 DropNoEvidence=1" "$NOTREDIR" \
	--src-mac "$R1_MAC" --inner-proto udp --inner-sport 5353 \
	--inner-dport 53
ig_no_evidence "$victim"
# r1 speaks again, so the bridge learns its MAC back on r1's port.
ip netns exec "$r1" ping -c 1 -W 1 -q $VICTIM >/dev/null
# Forget r1, for sure: switching ARP off on the link flushes the victim's
# neighbours there and keeps any late ARP exchange from teaching r1's MAC
# again (on the debug kernel one did, between the flush and the Redirect).
ip -n "$victim" link set eth0 arp off
no_r1()
{
	! ip -n "$victim" neigh show $R1 dev eth0 | grep -qE 'REACHABLE|STALE|DELAY|PROBE|PERMANENT'
}
check "the victim forgets r1's MAC" no_r1
expect "gateway not resolved: no neighbour entry to compare" \
	"InRedirects=1 Dropped=1 DropLladdr=1" "$NOTREDIR"
ip -n "$victim" link set eth0 arp on
# The flush took every neighbour of the link: resolve them again, as Linux
# applies a Redirect only towards a resolved new gateway.
for addr in $R1 $R2 $ATTACKER; do
	victim_ping $addr
done

# ---- 4. the new gateway
for gw in 0.0.0.0 127.0.0.1 224.0.0.1 240.0.0.1 255.255.255.255 \
	  10.1.0.255 10.1.0.0 $VICTIM $R1 10.9.9.9 10.3.0.1; do
	expect "new gateway $gw" \
		"InRedirects=1 Dropped=1 DropBadNewGateway=1" "$NOTREDIR" -g $gw
done

# ---- 5. the embedded datagram is the victim's own
expect "inner source not local" \
	"InRedirects=1 Dropped=1 DropInnerSource=1" "$NOTREDIR" \
	--inner-src 10.1.0.99
expect "inner source on the victim's other link is local" \
	"$OK" "$R2 redirected" --inner-src 10.3.0.10

# ---- each check switched off re-admits what it refused
ig_sysctl "$victim" check_gateway 0
FROM=$r2 expect "check_gateway=0 admits a non-gateway sender" \
	"InRedirects=1 Accepted=1" "$NOTREDIR" -s $R2 -g $ATTACKER
ig_sysctl "$victim" check_gateway 1
ig_sysctl "$victim" check_lladdr 0
FROM=$attacker expect "check_lladdr=0 admits the spoofed gateway" \
	"$OK" "$ATTACKER redirected" -g $ATTACKER
ig_sysctl "$victim" check_lladdr 1
ig_sysctl "$victim" check_new_gateway 0
expect "check_new_gateway=0 admits an off-link gateway" \
	"InRedirects=1 Accepted=1" "$NOTREDIR" -g 10.9.9.9
ig_sysctl "$victim" check_new_gateway 1
ig_sysctl "$victim" check_inner_source 0
expect "check_inner_source=0 admits a foreign inner source" \
	"InRedirects=1 Accepted=1" "$NOTREDIR" --inner-src 10.1.0.99
ig_sysctl "$victim" check_inner_source 1
ig_sysctl "$victim" demote 0
expect "demote=0 leaves a Net Redirect alone" \
	"InRedirects=1 InNetRedirects=1 Accepted=1" \
	"$R2 redirected" -c 0
ig_sysctl "$victim" demote 1

# ---- demotion, seen after the hook: by a later netfilter rule, and by a
# raw socket that checks the rewritten checksum.
ip netns exec "$victim" nft -f - <<NFT
table ip ig_test {
	chain input {
		type filter hook input priority 0;
		icmp type redirect icmp code 0 counter name net
		icmp type redirect icmp code 1 counter name host
	}
	counter net { }
	counter host { }
}
NFT
nft_count()
{
	ip netns exec "$victim" nft list counter ip ig_test "$1" |
		awk '/packets/ { print $2 }'
}
raw_out=$(mktemp)
ip netns exec "$victim" python3 -c '
import socket, struct, sys
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
s.settimeout(20)
print("ready", flush=True)
while True:
	pkt = s.recv(2048)
	icmp = pkt[(pkt[0] & 15) * 4:]
	if icmp[0] != 5:
		continue
	if len(icmp) % 2:
		icmp += b"\0"
	total = sum(struct.unpack("!%dH" % (len(icmp) // 2), icmp))
	while total >> 16:
		total = (total & 0xffff) + (total >> 16)
	print("code", icmp[1], "csum", "ok" if total == 0xffff else "bad")
	break
' >"$raw_out" 2>&1 &
raw_pid=$!
ig_wait_for 100 grep -q ready "$raw_out"
reset_victim_routes
inject "$r1" -c 0
wait $raw_pid
check_eq "a raw socket sees code 1 with a valid checksum" "code 1 csum ok" \
	"$(grep code "$raw_out")"
rm -f "$raw_out"
check_eq "nft after the hook sees no Net Redirect" 0 "$(nft_count net)"
check_eq "nft after the hook sees the Host Redirect" 1 "$(nft_count host)"
ip netns exec "$victim" nft delete table ip ig_test

# ---- policies
ig_sysctl "$victim" policy 0
FROM=$attacker expect "policy=off passes the spoofed gateway" \
	"InRedirects=1 Accepted=1" "$ATTACKER redirected" -g $ATTACKER
expect "policy=off passes code 9, which Linux takes as 1" \
	"InRedirects=1 Accepted=1" "$ATTACKER redirected" -c 9 \
	-g $ATTACKER
ig_sysctl "$victim" policy 1
FROM=$attacker expect "policy=monitor drops nothing but counts" \
	"InRedirects=1 Accepted=1 MonitorWouldDrop=1" \
	"$ATTACKER redirected" -g $ATTACKER
expect "policy=monitor does not rewrite" \
	"InRedirects=1 InNetRedirects=1 Accepted=1" \
	"$R2 redirected" -c 0
ig_sysctl "$victim" policy 3
expect "policy=block drops even the gateway's Redirect" \
	"InRedirects=1 InNetRedirects=1 Dropped=1 DropBlocked=1" "$NOTREDIR" -c 0
ig_sysctl "$victim" policy 2

# ---- the log line
log_line()
{
	dmesg | grep -q "icmp_guard: netns [0-9]*: dropped redirect from $R1 ($(ig_mac "$attacker" eth0)) on eth0: link-layer sender is not the gateway; new gateway $ATTACKER for $VICTIM -> $FAR"
}
# Outside init_net a namespace starts quiet (log=0): its owner opts in.
ig_sysctl "$victim" log 1
dmesg -C
inject "$attacker" -g $ATTACKER
check "a refusal is logged with its reason and addresses" ig_wait_for 10 log_line
ig_sysctl "$victim" log 0
dmesg -C
inject "$attacker" -g $ATTACKER
sleep 0.5
check "log=0 silences it" sh -c '! dmesg | grep -q "icmp_guard: netns"'
ig_sysctl "$victim" log 1

for ns in "$r1" "$r2" "$attacker"; do
	check_eq "nothing counted in the sender's namespace" 0 \
		"$(ig_stat "$ns" InRedirects)"
done
check_invariants "$victim"
ktap_finish
