#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Check 3, the link-layer sender, beyond plain Ethernet. Topology of
# setup_lan (lib.sh), then:
#
#   victim -- LAN -- r1, r2, attacker (10.1.0.0/24); far behind r2
#
#   1. NOARP: the victim's eth0 with ARP off. An entry Linux makes there is
#      NUD_NOARP and holds the victim's own MAC, not the sender's: nothing
#      to compare, the check is skipped (it refused every Redirect before);
#      a static (permanent) entry is compared as any other.
#   2. NBMA GRE over the LAN:
#
#        victim gre1 (NBMA, local 10.1.0.10) 192.168.9.10/24
#          neigh 192.168.9.1 lladdr 10.1.0.1, 192.168.9.2 lladdr 10.1.0.2
#          route 10.2.0.0/24 via 192.168.9.1 dev gre1
#        r1       gre1 local 10.1.0.1  remote 10.1.0.10, 192.168.9.1/24
#        attacker gre1 local 10.1.0.66 remote 10.1.0.10, 192.168.9.66/24
#
#      The link-layer address of a GRE NBMA device is the outer source
#      address (ipgre_header_parse()): r1's Redirect from 192.168.9.1,
#      outer source 10.1.0.1, passes; the attacker's, claiming
#      192.168.9.1 from outer source 10.1.0.66, is refused (it passed
#      before: check 3 skipped every non-Ethernet device).

source "$(dirname "$0")/lib.sh"

ig_begin_lan_test
R1_MAC=$(ig_mac "$r1" eth0)
# Made-up embedded datagrams: check 6 off but where said.
ig_no_evidence "$victim"

expect()
{
	local desc=$1 deltas=$2 route=$3 from=$4

	shift 4
	reset_victim_routes
	ig_snap "$victim"
	inject "$from" "$@" || echo "# injector failed"
	check_deltas "$victim" "$desc: counters" $deltas
	check_eq "$desc: victim's route to far" "$route" "$(victim_gw $FAR)"
}

# ---- 1. NOARP
ip -n "$victim" link set eth0 arp off
ip netns exec "$victim" ping -c 1 -W 1 -q $R1 >/dev/null 2>&1
noarp_r1()
{
	ip -n "$victim" neigh show $R1 dev eth0 nud all | grep -q NOARP
}
check "NOARP: the victim's entry for r1 is NOARP" noarp_r1
check_eq "NOARP: and holds the victim's own MAC, not r1's" "$VICTIM_MAC" \
	"$(ip -n "$victim" neigh show $R1 dev eth0 nud all | awk '{ print $3 }')"
ip -n "$victim" neigh show dev eth0 nud all | sed 's/^/# /'
expect "NOARP entry: r1's Redirect, nothing to compare, accepted" \
	"InRedirects=1 Accepted=1" "$R2 redirected" "$r1"
expect "NOARP entry: the spoofed gateway passes check 3 too, check 6 off" \
	"InRedirects=1 Accepted=1" "$ATTACKER redirected" "$attacker" \
	-g $ATTACKER
ig_sysctl "$victim" check_evidence 1
expect "NOARP entry: check 6 still refuses the spoofed gateway" \
	"InRedirects=1 Dropped=1 DropInnerProto=1" "$R1" "$attacker" \
	-g $ATTACKER
ig_no_evidence "$victim"
ip -n "$victim" neigh replace $R1 lladdr "$R1_MAC" nud permanent dev eth0
expect "NOARP device, static entry: r1's Redirect accepted" \
	"InRedirects=1 Accepted=1" "$R2 redirected" "$r1"
expect "NOARP device, static entry: the spoofed gateway refused" \
	"InRedirects=1 Dropped=1 DropLladdr=1" "$R1" "$attacker" -g $ATTACKER
ip -n "$victim" neigh del $R1 dev eth0
ip -n "$victim" link set eth0 arp on
for addr in $R1 $R2 $ATTACKER; do
	victim_ping $addr
done

# ---- 2. NBMA GRE
if ! ip -n "$victim" tunnel add gre1 mode gre local $VICTIM ttl 64 \
	2>/dev/null; then
	echo "# no GRE (ip_gre): its cases are not run"
	check_invariants "$victim"
	ktap_finish
fi
ip -n "$victim" -batch - <<EOF
addr add 192.168.9.10/24 dev gre1
link set gre1 up
neigh add 192.168.9.1 lladdr 10.1.0.1 dev gre1
neigh add 192.168.9.2 lladdr 10.1.0.2 dev gre1
route add 10.2.0.0/24 via 192.168.9.1 dev gre1
EOF
ig_nsh "$victim" 'echo 0 > /proc/sys/net/ipv4/conf/gre1/rp_filter'
for pair in "$r1 10.1.0.1 192.168.9.1" "$attacker 10.1.0.66 192.168.9.66"; do
	set -- $pair
	ip -n "$1" -batch - <<-EOF
		tunnel add gre1 mode gre local $2 remote $VICTIM ttl 64
		addr add $3/24 dev gre1
		link set gre1 up
	EOF
done
ip -n "$victim" -d link show gre1 | sed 's/^/# /'

# gre_redirect NS: from NS's gre1, a Redirect from 192.168.9.1 to the
# victim's 192.168.9.10: route to far via 192.168.9.2, about an echo reply
# the victim sent to far.
gre_redirect()
{
	ip netns exec "$1" python3 -c '
import socket, struct
def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff
def ip(src, dst, proto, payload, ident):
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), ident, 0,
                    64, proto, 0, socket.inet_aton(src), socket.inet_aton(dst))
    return h[:10] + struct.pack("!H", csum(h)) + h[12:] + payload
echo = struct.pack("!BBHHH", 0, 0, 0, 7, 1)
echo = echo[:2] + struct.pack("!H", csum(echo)) + echo[4:]
inner = ip("192.168.9.10", "10.2.0.20", 1, echo, 4242)
red = struct.pack("!BBH4s", 5, 1, 0, socket.inet_aton("192.168.9.2")) + inner
red = red[:2] + struct.pack("!H", csum(red)) + red[4:]
pkt = ip("192.168.9.1", "192.168.9.10", 1, red, 1)
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
s.sendto(pkt, ("192.168.9.10", 0))'
}
gre_reset()
{
	ip -n "$victim" -batch - <<-EOF
		route del 10.2.0.0/24
		route add 10.2.0.0/24 via 192.168.9.1 dev gre1
	EOF
}

check_eq "NBMA GRE: the victim routes far via 192.168.9.1" 192.168.9.1 \
	"$(victim_gw $FAR)"
gre_reset
ig_snap "$victim"
gre_redirect "$attacker"
ig_sleep 0.5
check_deltas "$victim" "NBMA GRE: 192.168.9.1 forged from outer source 10.1.0.66: refused" \
	InRedirects=1 Dropped=1 DropLladdr=1
check_eq "NBMA GRE: forged: route unchanged" 192.168.9.1 "$(victim_gw $FAR)"
gre_reset
ig_snap "$victim"
gre_redirect "$r1"
ig_sleep 0.5
check_deltas "$victim" "NBMA GRE: 192.168.9.1's own Redirect (outer source 10.1.0.1): accepted" \
	InRedirects=1 Accepted=1
check_eq "NBMA GRE: and applied" "192.168.9.2 redirected" "$(victim_gw $FAR)"

check_invariants "$victim"
ktap_finish
