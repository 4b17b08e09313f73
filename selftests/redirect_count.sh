#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A Redirect is counted in the namespace that receives it, and only there.
#
#   +--------+ 10.0.0.1     10.0.0.2 +--------+      +--------+
#   |  src   |-----------------------|  dst   |      | other  |
#   +--------+ veth         veth     +--------+      +--------+
#
# src injects Redirects at dst; dst's counters move, src's, other's and
# init_net's do not.

source "$(dirname "$0")/lib.sh"

ig_require_root
[ -x "$IG_INJECT" ] || ksft_skip "redirect_inject not built"
ig_require_module
ktap_header

setup_ns src dst other
ip link add eth0 netns "$src" type veth peer name eth0 netns "$dst"
ip -n "$src" addr add 10.0.0.1/24 dev eth0
ip -n "$dst" addr add 10.0.0.2/24 dev eth0
ip -n "$src" link set eth0 up
ip -n "$dst" link set eth0 up

inject()
{
	ip netns exec "$src" "$IG_INJECT" -q -i eth0 \
		--dst-mac "$(ig_mac "$dst" eth0)" -s 10.0.0.1 -d 10.0.0.2 \
		-g 10.0.0.3 --inner-src 10.0.0.2 --inner-dst 192.0.2.1 "$@"
}

# policy=off: counted as seen and passed, nothing else.
ig_sysctl "$dst" policy 0
for ns in "$src" "$dst" "$other"; do
	ig_snap "$ns"
done
ig_snapshot[init:InRedirects]=$(awk '$1 == "InRedirects" { print $2 }' \
	/proc/net/icmp_guard/stats)

check "inject one redirect" inject -c 1
check_deltas "$dst" "one redirect counted in the receiving namespace" \
	InRedirects=1 Accepted=1
check_deltas "$src" "nothing counted in the sending namespace"
check_deltas "$other" "nothing counted in an unrelated namespace"
check_eq "nothing counted in init_net" "${ig_snapshot[init:InRedirects]}" \
	"$(awk '$1 == "InRedirects" { print $2 }' /proc/net/icmp_guard/stats)"

ig_snap "$dst"
check "inject 50 redirects" inject -c 1 -n 50
check_deltas "$dst" "50 redirects counted" InRedirects=50 Accepted=50

# Other ICMP and other protocols are not Redirects.
ig_snap "$dst"
check "inject an echo reply (type 0)" inject -t 0
check "ping across the link" ip netns exec "$src" ping -c 2 -i 0.2 -W 2 -q 10.0.0.2
check_deltas "$dst" "non-Redirects are not counted"
check_invariants "$dst"

ktap_finish
