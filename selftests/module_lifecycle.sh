#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# icmp_guard's life cycle and per-namespace control surface:
#
#   init_net   ns1   ns2        (no links: only the module's state matters)
#
# - loading with namespaces alive gives every one its own sysctl directory
#   and /proc/net/icmp_guard/stats; a namespace created later gets them too;
# - values are independent per namespace, defaults as documented;
# - out-of-range writes fail with EINVAL and change nothing;
# - deleting a namespace while loaded is clean; unloading removes every
#   trace from /proc and sysctl, in every namespace.

source "$(dirname "$0")/lib.sh"

ig_require_root
ktap_header
ig_unload 2>/dev/null || ksft_skip "icmp_guard is loaded and busy"

setup_ns ns1 ns2
check "module loads with namespaces alive" ig_load

for ns in "$ns1" "$ns2"; do
	check "stats file exists in $ns" \
		ig_nsh "$ns" "test -r /proc/net/icmp_guard/stats"
	check "senders file exists in $ns" \
		ig_nsh "$ns" "test -r /proc/net/icmp_guard/senders"
	check_eq "Senders starts at 0 in $ns" 0 "$(ig_stat "$ns" Senders)"
	check_eq "InRedirects starts at 0 in $ns" 0 "$(ig_stat "$ns" InRedirects)"
	for k in $IG_KNOBS; do
		check_eq "$k defaults to ${IG_DEFAULT[$k]} in $ns" \
			"${IG_DEFAULT[$k]}" "$(ig_sysctl "$ns" "$k")"
	done
done
check "sysctl exists in init_net" test -w /proc/sys/net/ipv4/icmp_guard/policy
check "stats exist in init_net" test -r /proc/net/icmp_guard/stats

# Independence: a write in ns1 is seen only in ns1.
for k in $IG_KNOBS; do
	v=${IG_OTHER[$k]}
	ig_sysctl "$ns1" "$k" "$v"
	check_eq "$k written in ns1" "$v" "$(ig_sysctl "$ns1" "$k")"
	check_eq "$k unchanged in ns2" "${IG_DEFAULT[$k]}" "$(ig_sysctl "$ns2" "$k")"
done
check_eq "policy unchanged in init_net" 2 \
	"$(cat /proc/sys/net/ipv4/icmp_guard/policy)"
ig_sysctl "$ns1" policy 1
check_eq "every policy value is accepted (monitor)" 1 "$(ig_sysctl "$ns1" policy)"
ig_sysctl "$ns1" policy 3
check_eq "every policy value is accepted (block)" 3 "$(ig_sysctl "$ns1" policy)"

# Out of range: EINVAL, value kept.
einval()
{
	local ns=$1 k=$2 v=$3 before err

	before=$(ig_sysctl "$ns" "$k")
	err=$(ig_sysctl "$ns" "$k" "$v" 2>&1)
	if [ $? -eq 0 ] || [[ $err != *"Invalid argument"* ]]; then
		echo "# writing '$v' to $k: '$err'"
		return 1
	fi
	[ "$(ig_sysctl "$ns" "$k")" = "$before" ]
}
for k in $IG_KNOBS; do
	for v in ${IG_BAD[$k]} $IG_BAD_ANY; do
		check "$k=$v fails with EINVAL and changes nothing" \
			einval "$ns2" "$k" "$v"
	done
done

# A namespace created after loading gets its own state.
setup_ns ns3
check "late namespace has stats" \
	ig_nsh "$ns3" "test -r /proc/net/icmp_guard/stats"
check_eq "late namespace has default policy" 2 "$(ig_sysctl "$ns3" policy)"

# Deleting a namespace with the module loaded.
ig_netns_del "$ns3"
check "module still answers after a namespace is deleted" \
	test -r /proc/net/icmp_guard/stats

check "module unloads with namespaces alive" ig_unload
GONE='! test -e /proc/net/icmp_guard && ! test -e /proc/sys/net/ipv4/icmp_guard'
check "nothing left in init_net after unload" eval "$GONE"
for ns in "$ns1" "$ns2"; do
	check "nothing left in $ns after unload" ig_nsh "$ns" "$GONE"
done

# Reload: fresh defaults, not the values of the last life.
check "module reloads" ig_load
check_eq "policy back to default after reload" 2 "$(ig_sysctl "$ns1" policy)"

ktap_finish
