#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Unload, reload and namespace deletion while a Redirect flood runs, with
# procfs read meanwhile. Topology of setup_lan (lib.sh):
#
#   victim -- LAN -- attacker (flooding from random sources), r1, r2, ...
#
# Nothing may crash or leak (vm-run fails the run on any kernel report, and
# kmem_cache_destroy() WARNs on a leaked sender entry); afterwards the module
# still answers and its counters are sane.

source "$(dirname "$0")/lib.sh"

ig_begin_lan_test
ROUNDS=${ICMP_GUARD_FLOOD_ROUNDS:-5}
# Keep one other IPv4 LOCAL_IN hook registered, so that reloading the module
# does not flip the nf_hooks_needed static key: under multi-threaded TCG,
# patching that jump label while another vCPU floods through it can stall
# the vCPU at the patch site (an emulator artefact, seen here as RCU stalls
# with RIP on the static branch in ip_local_deliver()).
ip netns exec "$r2" nft add table ip ig_keep
ip netns exec "$r2" nft add chain ip ig_keep input \
	'{ type filter hook input priority 0; }'

flood()
{
	timeout "$1" ip netns exec "$attacker" "$IG_INJECT" -q -i eth0 \
		--dst-mac "$(ig_mac "$victim" eth0)" -s $R1 -d $VICTIM \
		-g $ATTACKER --inner-src $VICTIM --inner-dst $FAR \
		-n 1000000000 --random-src 10.7.0.0/16 >/dev/null 2>&1
}
reader()
{
	while :; do
		ip netns exec "$victim" cat /proc/net/icmp_guard/stats \
			/proc/net/icmp_guard/senders >/dev/null 2>&1
	done
}

flood 600 &
flood_pid=$!
reader &
reader_pid=$!
IG_CLEANUP_HOOK="kill $flood_pid $reader_pid"
sleep 1

ok=0
for i in $(seq "$ROUNDS"); do
	ig_unload && ig_load && ok=$((ok + 1))
	ig_sysctl "$victim" max_senders 50
	sleep 1
done
check_eq "unloaded and reloaded $ROUNDS times mid-flood" "$ROUNDS" "$ok"
check "the flood was still running" kill -0 $flood_pid
senders=$(ig_stat "$victim" Senders)
check "Senders bounded by the default max_senders mid-flood ($senders)" \
	test "$senders" -le 4096
few_senders()
{
	[ "$(ig_stat "$victim" Senders)" -le 50 ]
}
check "max_senders lowered to 50 live: the table shrinks to it mid-flood" \
	ig_wait_for 50 few_senders
check "the module still counts" test "$(ig_stat "$victim" InRedirects)" -gt 0

# Namespaces come and go under the flood.
for i in $(seq "$ROUNDS"); do
	setup_ns extra
	ip netns del "$extra"
done
ip netns del "$victim"
sleep 1
check "a namespace deleted mid-flood" sh -c "! ip netns exec $victim true 2>/dev/null"

kill $flood_pid $reader_pid 2>/dev/null
wait $flood_pid $reader_pid 2>/dev/null
IG_CLEANUP_HOOK=""

# A fresh victim: the module works and its counters are sane.
ig_cleanup
setup_lan legacy
check "victim reaches r1" victim_ping $R1
ig_snap "$victim"
inject "$r1"
check_deltas "$victim" "the module still answers" InRedirects=1 Accepted=1
check_invariants "$victim"
check "module unloads after the flood" ig_unload
check "no sender entry left behind" sh -c '! grep -q "^ig_sender " /proc/slabinfo'
ig_load
ktap_finish
