#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The spoofed-router attack on IPv6, with the topology of setup_lan6
# (lib.sh):
#
#   victim -- LAN -- r1 (victim's router, fe80::1), r2 (fe80::2), attacker
#
# The attacker sends the victim an ND Redirect from r1's link-local address
# telling it to send far's traffic to the attacker (target = attacker):
# without a Redirected Header (Linux applies it after its router check
# alone), and quoting an ICMPv6 echo reply (Linux applies those with no
# socket at all), from its own MAC and from r1's MAC copied. Then the
# Redirect whose target is r2, a neighbour the victim has, with a Target
# Link-Layer Address option carrying the attacker's MAC: Linux writes it
# into its neighbour entry for r2. Each lands with the module unloaded and
# with net.ipv6.icmp_guard.policy=0, and is refused under enforce, counted
# under its reason: DropLladdr from the attacker's MAC; from r1's MAC,
# DropNoEvidence (no Redirected Header), DropInnerProto (an echo reply is
# no evidence) and DropTlla.

source "$(dirname "$0")/lib.sh"

ig_begin_lan6_test

check_eq "victim routes far via r1" "$LL_R1" "$(victim6_gw $V6_FAR)"

# attack [injector options]: the victim's route back to r1, then the
# forged Redirect; prints the router it uses for far afterwards.
attack()
{
	reset_victim6_routes
	inject6 "$attacker" -g $LL_ATTACKER "$@"
	ig_sleep 0.3
	victim6_gw $V6_FAR
}

NORH="--no-rh"
ECHO="--inner-proto icmp6 --inner-icmp-type 129"
declare -A CHECK_R1MAC=([NORH]=DropNoEvidence [ECHO]=DropInnerProto)

for variant in NORH ECHO; do
	args=${!variant}
	ig_unload
	check_eq "module unloaded: attack ($variant) hijacks the route" \
		"$LL_ATTACKER" "$(attack $args)"

	ig_load
	ig_sysctl "$victim" policy 0
	check_eq "policy=off: attack ($variant) hijacks the route" \
		"$LL_ATTACKER" "$(attack $args)"

	ig_sysctl "$victim" policy 2
	ig_snap "$victim"
	check_eq "enforce: attack ($variant) refused" "$LL_R1" \
		"$(attack $args)"
	check_deltas "$victim" "enforce: attack ($variant) counted as DropLladdr" \
		InRedirects=1 Dropped=1 DropLladdr=1

	ig_snap "$victim"
	check_eq "enforce: attack ($variant) with r1's MAC too refused" \
		"$LL_R1" "$(attack $args --src-mac "$R1_MAC")"
	check_deltas "$victim" "enforce: attack ($variant) with r1's MAC counted as ${CHECK_R1MAC[$variant]}" \
		InRedirects=1 Dropped=1 "${CHECK_R1MAC[$variant]}=1"
done

# The TLLA variant: target r2, whose entry the victim holds, with the
# attacker's MAC in the option, from r1's address and MAC.
tlla_attack()
{
	ip -n "$victim" -6 neigh flush dev eth0 to $LL_R2 2>/dev/null || :
	victim6_ping $LL_R2%eth0 || :
	reset_victim6_routes
	inject6 "$attacker" --no-rh --tlla "$ATTACKER_MAC" "$@"
	ig_sleep 0.3
	echo "$(victim6_gw $V6_FAR) $(victim6_neigh $LL_R2)"
}

check_eq "victim's entry for r2 is r2's MAC" "$R2_MAC" \
	"$(victim6_neigh $LL_R2)"

ig_unload
check_eq "module unloaded: TLLA attack rewrites the victim's entry for r2" \
	"$LL_R2 $ATTACKER_MAC" "$(tlla_attack --src-mac "$R1_MAC")"

ig_load
ig_sysctl "$victim" policy 0
check_eq "policy=off: TLLA attack rewrites the victim's entry for r2" \
	"$LL_R2 $ATTACKER_MAC" "$(tlla_attack --src-mac "$R1_MAC")"

ig_sysctl "$victim" policy 2
ig_snap "$victim"
check_eq "enforce: TLLA attack refused" "$LL_R1 $R2_MAC" \
	"$(tlla_attack)"
check_deltas "$victim" "enforce: TLLA attack counted as DropLladdr" \
	InRedirects=1 Dropped=1 DropLladdr=1

ig_snap "$victim"
check_eq "enforce: TLLA attack with r1's MAC refused" "$LL_R1 $R2_MAC" \
	"$(tlla_attack --src-mac "$R1_MAC")"
check_deltas "$victim" "enforce: TLLA attack with r1's MAC counted as DropTlla" \
	InRedirects=1 Dropped=1 DropTlla=1

check_invariants "$victim"
ktap_finish
