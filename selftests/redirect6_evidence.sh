#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The egress record for IPv6 against the strongest blind forger: r1's
# link-local address and MAC, the victim's real datagram captured at r1
# (ig_quote.py) and quoted as Linux routers quote it, every field right but
# the one it cannot see: the flow label (echo request, connected UDP, TCP)
# or TCP's sequence number. Refused (DropNoEvidence). The exact quote, as a
# forger who sees the traffic makes it, is accepted: not stopped, and
# asserted as such. Also: out of evidence_ms; a quote about another
# destination than the Redirect's (DropInnerDest); with
# net.ipv6.auto_flowlabels=0, connected UDP is not recorded (no secret
# left in it) while echo requests and TCP still are; a bulk TCP flow's
# segment quoted seconds and dozens of packets later. Topology of
# setup_lan6 (lib.sh); r1 blackholes far's network, so that it sends no
# Redirect of its own.

source "$(dirname "$0")/lib.sh"

ig_begin_lan6_test
ip -n "$r1" -6 route replace blackhole 2001:db8:2::/64
# A quote is forged some seconds after the datagram left, on a loaded
# host under TCG (on the debug kernel, beside other guests, more than 10 s
# passed between the datagram and its second forgery): a wide window, but
# for its own case.
ig_sysctl "$victim" evidence_ms 40000

qout=$(mktemp)
qpid=""
flow_pid=""
far_pid=""
ev_cleanup()
{
	kill $qpid $flow_pid $far_pid 2>/dev/null || :
	rm -f "$qout" "$qout.err"
}
IG_CLEANUP_HOOK=ev_cleanup

# quote ARGS: capture in r1 the victim's next datagram to far matching
# ARGS (ig_quote.py's), once its route to far is back via r1; quoted VAR:
# its hex into VAR.
quote()
{
	reset_victim6_routes
	ip netns exec "$r1" python3 "$IG_DIR/ig_quote.py" eth0 \
		--src $V6_VICTIM --dst $V6_FAR --info "$@" \
		>"$qout" 2>"$qout.err" &
	qpid=$!
	ig_wait_for 100 grep -q ready "$qout.err"
}
quoted()
{
	local -n hex=$1

	wait "$qpid" || echo "# ig_quote: $(cat "$qout.err")" >&2
	qpid=""
	hex=$(cat "$qout")
	grep -v ready "$qout.err" | sed 's/^/# /'
}

# label_off HEX, seq_off HEX: the quote with its flow label changed, with
# TCP's sequence number 100000 further: a blind forger's guesses.
label_off()
{
	python3 -c '
import sys
q = bytearray.fromhex(sys.argv[1])
q[3] ^= 0x10
print(q.hex())' "$1"
}
seq_off()
{
	python3 -c '
import sys
q = bytearray.fromhex(sys.argv[1])
s = (int.from_bytes(q[44:48], "big") + 100000) & 0xffffffff
q[44:48] = s.to_bytes(4, "big")
print(q.hex())' "$1"
}

# forge DESC DELTAS ROUTE HEX [inject args]: the attacker, as r1 by address
# and MAC, target itself, embeds HEX; then the counter deltas and the
# victim's route to far (ROUTE "-": not asserted). It is sent from the
# victim's port of the bridge: from the attacker's port, r1's MAC would
# move there in the bridge's table (port stealing), and r1 would stop
# seeing the victim's traffic. The routes are not reset here: that would
# invalidate a TCP socket's cached route, and Linux would not apply a
# Redirect about it; each case refused comes before the one accepted.
forge()
{
	local desc=$1 deltas=$2 route=$3 hex=$4

	shift 4
	ig_snap "$victim"
	ig_inject6_at "$lan" "$(lan_port "$victim")" --src-mac "$R1_MAC" \
		-g $LL_ATTACKER --inner-hex "$hex" "$@"
	ig_wait_for 10 moved || :
	check_deltas "$victim" "$desc: counted" $deltas
	[ "$route" = - ] ||
		check_eq "$desc: far via" "$route" "$(victim6_gw $V6_FAR)"
}
moved() { [ "$(ig_delta "$victim" InRedirects)" -ge 1 ]; }
OK="InRedirects=1 Accepted=1"
NOEV="InRedirects=1 Dropped=1 DropNoEvidence=1"

# flow udp|tcp: a connected socket of the victim's sends far a datagram
# every 0.2 s (TCP: a SYN, retransmitted: r1 drops it).
flow()
{
	ip netns exec "$victim" python3 -c '
import socket, sys, time
t = socket.SOCK_DGRAM if sys.argv[1] == "udp" else socket.SOCK_STREAM
s = socket.socket(socket.AF_INET6, t)
if t == socket.SOCK_STREAM:
    s.connect_ex((sys.argv[2], 8080))
    time.sleep(600)
s.connect((sys.argv[2], 8080))
while True:
    s.send(b"x" * 100)
    time.sleep(0.2)' "$1" $V6_FAR >/dev/null 2>&1 &
	flow_pid=$!
}
stop_flow()
{
	kill $flow_pid 2>/dev/null || :
	wait $flow_pid 2>/dev/null || :
	flow_pid=""
}

# ---- echo requests
quote --proto icmp --icmp-type 128
victim6_ping $V6_FAR || :
quoted echo
check "echo: r1 saw the victim's echo request" test -n "$echo"
forge "echo: every field right but the flow label: refused" "$NOEV" \
	$LL_R1 "$(label_off "$echo")"
forge "echo: the exact quote (a forger who sees it) is accepted" "$OK" \
	$LL_ATTACKER "$echo"

# ---- connected UDP
quote --proto udp --dport 8080
flow udp
quoted udp
check "udp: r1 saw the victim's datagram" test -n "$udp"
forge "udp: every field right but the flow label: refused" "$NOEV" \
	$LL_R1 "$(label_off "$udp")"
forge "udp: the exact quote about another destination: refused" \
	"InRedirects=1 Dropped=1 DropInnerDest=1" $LL_R1 "$udp" \
	--dest 2001:db8:2::99 --inner-dst 2001:db8:2::99
# Linux 6.1 does not apply it (an unbound socket: ip6_sk_redirect() with
# oif 0), 6.12 does: only icmp_guard's verdict is asserted.
forge "udp: the exact quote is accepted" "$OK" - "$udp"
stop_flow

# ---- TCP
quote --proto tcp --dport 8080
flow tcp
quoted syn
check "tcp: r1 saw the victim's SYN" test -n "$syn"
forge "tcp: the sequence number off by 100000: refused" "$NOEV" $LL_R1 \
	"$(seq_off "$syn")"
forge "tcp: the flow label wrong: refused" "$NOEV" $LL_R1 \
	"$(label_off "$syn")"
forge "tcp: the exact quote is accepted" "$OK" $LL_ATTACKER "$syn"
stop_flow

# ---- a bulk TCP flow: the quote is of a segment sent two seconds, and some
# forty packets, before the Redirect. A span grows with the flow's sequence
# space (IPv6 has no IP ID to bound it), so the segment is still in the
# record. r1 forwards to far for this case, with its own Redirects dropped.
ip -n "$r1" -6 route replace 2001:db8:2::/64 via $LL_R2 dev eth0
ip netns exec "$r1" nft -f - <<-EOF
	table ip6 ig_quiet {
		chain out {
			type filter hook output priority 0;
			icmpv6 type nd-redirect drop
		}
	}
EOF
ip netns exec "$far" python3 -c '
import socket
l = socket.socket(socket.AF_INET6)
l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
l.bind(("::", 8081))
l.listen()
c, _ = l.accept()
while c.recv(65536):
    pass' >/dev/null 2>&1 &
far_pid=$!
ig_wait_for 100 sh -c "ip netns exec $far ss -Htln sport = :8081 | grep -q 8081"
quote --proto tcp --dport 8081 --payload
ip netns exec "$victim" python3 -c '
import socket, sys, time
s = socket.create_connection((sys.argv[1], 8081))
while True:
    s.send(b"t" * 100)
    time.sleep(0.1)
    s.send(b"T" * 30000)
    time.sleep(0.1)' $V6_FAR >/dev/null 2>&1 &
flow_pid=$!
quoted bulk
check "tcp bulk: r1 saw a segment with data" test -n "$bulk"
# At least two seconds, and until the victim has sent 100 kB more (a slow
# kernel takes longer). Read from its IPv6 MIB, not from ss's TCP info:
# without CONFIG_INET_DIAG (the debug kernel) ss falls back to
# /proc/net/tcp6, which has no byte counts.
sent0=$(ig_mib "$victim" Ip6OutOctets)
ig_sleep 2
sent_on() { [ "$(ig_mib "$victim" Ip6OutOctets)" -ge $((sent0 + 100000)) ]; }
check "tcp bulk: the flow went on meanwhile" ig_wait_for 300 sent_on
forge "tcp bulk: that segment, the flow label wrong: refused" "$NOEV" \
	$LL_R1 "$(label_off "$bulk")"
# Only icmp_guard's verdict is asserted: Linux applies a Redirect about TCP
# only while the quoted sequence number is unacknowledged (tcp_v6_err()),
# and a segment two seconds old may be acknowledged by then (on 6.12 it is).
forge "tcp bulk: that segment, quoted exactly: accepted" "$OK" - "$bulk"
stop_flow
kill $far_pid 2>/dev/null || :
wait $far_pid 2>/dev/null || :
far_pid=""
ip netns exec "$r1" nft delete table ip6 ig_quiet
ip -n "$r1" -6 route replace blackhole 2001:db8:2::/64

# ---- out of the window
ig_sysctl "$victim" evidence_ms 300
quote --proto icmp --icmp-type 128
victim6_ping $V6_FAR || :
quoted echo
ig_sleep 1
forge "echo: the exact quote after evidence_ms: refused" "$NOEV" $LL_R1 \
	"$echo"
ig_sysctl "$victim" evidence_ms 40000

# ---- without flow labels
ig_nsh "$victim" 'echo 0 > /proc/sys/net/ipv6/auto_flowlabels'
quote --proto udp --dport 8080
flow udp
quoted udp
check "auto_flowlabels=0: the datagram has no flow label" \
	test "${udp:3:5}" = 00000
forge "auto_flowlabels=0: connected UDP is not recorded, the exact quote refused" \
	"$NOEV" $LL_R1 "$udp"
stop_flow
quote --proto icmp --icmp-type 128
victim6_ping $V6_FAR || :
quoted echo
forge "auto_flowlabels=0: an echo request still is, the exact quote accepted" \
	"$OK" $LL_ATTACKER "$echo"
quote --proto tcp --dport 8080
flow tcp
quoted syn
forge "auto_flowlabels=0: a SYN still is, the exact quote accepted" \
	"$OK" $LL_ATTACKER "$syn"
stop_flow

check_invariants "$victim"
ktap_finish
