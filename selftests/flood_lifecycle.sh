#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Unload, reload and namespace deletion while a Redirect flood runs, with
# procfs read and every sysctl written (legal and illegal values)
# meanwhile. Topology of setup_lan (lib.sh):
#
#   victim -- LAN -- random senders (flooding), r1, r2, ...
#
# The flood is sent from the victim's bridge port (see inject_lan in lib.sh).
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
	exec timeout "$1" nsenter --net="/run/netns/$lan" "$IG_INJECT" -q \
		-i "$(lan_port "$victim")" --dst-mac "$VICTIM_MAC" \
		-s $R1 -d $VICTIM -g $ATTACKER --inner-src $VICTIM \
		--inner-dst $FAR -n 1000000000 --rate 5000 \
		--random-src 10.7.0.0/16 >/dev/null 2>&1
}
# One bash in the victim's namespace reads both files over and over, with
# builtins only: a new process per read would cost the debug kernel more
# than the reads. The flood is paced, 5000/s, ten times the namespace's
# global rate: unpaced, it and the reader would starve the reloads of CPU
# under emulation.
reader()
{
	exec ip netns exec "$victim" bash -c '
		exec {p}<> <(:)
		while :; do
			for f in stats senders; do
				while read -r l; do :; done \
					</proc/net/icmp_guard/$f
			done 2>/dev/null
			read -t 0.02 -u $p
		done'
}

# Another bash there writes every knob, its legal values and illegal ones,
# over and over, racing the hook that reads them and the reloads that
# remove and add the directory. On SIGTERM it leaves in file $1 how many
# legal writes succeeded and how many illegal ones did (which must be none).
writer()
{
	exec ip netns exec "$victim" bash -c "
		$(declare -p IG_KNOBS IG_DEFAULT IG_OTHER IG_BAD IG_BAD_ANY)
		$(cat <<'EOF'
		legal=0 illegal=0
		trap 'echo "$legal $illegal" >"$0"; exit' TERM
		exec {p}<> <(:)
		while :; do
			for k in $IG_KNOBS; do
				f=/proc/sys/net/ipv4/icmp_guard/$k
				for v in ${IG_OTHER[$k]} ${IG_DEFAULT[$k]}; do
					echo "$v" >"$f" && legal=$((legal + 1))
				done 2>/dev/null
				for v in ${IG_BAD[$k]} $IG_BAD_ANY; do
					echo "$v" >"$f" && illegal=$((illegal + 1))
				done 2>/dev/null
			done
			read -t 0.2 -u $p
		done
EOF
)" "$1"
}

flood 3600 &
flood_pid=$!
reader &
reader_pid=$!
written=$(mktemp)
writer "$written" &
writer_pid=$!
IG_CLEANUP_HOOK="kill $flood_pid $reader_pid $writer_pid; rm -f $written"
ig_sleep 1

ok=0
for ((i = 1; i <= ROUNDS; i++)); do
	ig_unload && ig_load && ok=$((ok + 1))
	ig_sysctl "$victim" max_senders 50
	ig_sleep 1
	((i % 10)) || echo "# $i rounds"
done
check_eq "unloaded and reloaded $ROUNDS times mid-flood" "$ROUNDS" "$ok"

kill $writer_pid
wait $writer_pid 2>/dev/null
read -r legal illegal <"$written"
check "legal sysctl writes raced the reloads and the flood (${legal:-none})" \
	test "${legal:-0}" -gt 0
check_eq "illegal sysctl writes all refused meanwhile" 0 "${illegal:-missing}"
# Each knob holds a value that was written legally, or the round's 50.
legal_values()
{
	local k v

	for k in $IG_KNOBS; do
		v=$(ig_sysctl "$victim" "$k")
		case " ${IG_DEFAULT[$k]} ${IG_OTHER[$k]} 50 " in
		*" $v "*) ;;
		*) echo "# $k = '$v'"; return 1 ;;
		esac
	done
}
check "every knob holds a legal value after the race" legal_values
# Back to the state each round leaves: defaults, max_senders 50. Random
# sources fail checks 2 and 3 before the limiter: with both off (as where
# check 3 cannot run) the flood is charged to the table.
ig_unload && ig_load
ig_sysctl "$victim" max_senders 50
ig_sysctl "$victim" check_gateway 0
ig_sysctl "$victim" check_lladdr 0
ig_sleep 1
check "the flood was still running" kill -0 $flood_pid
senders=$(ig_stat "$victim" Senders)
check "Senders in use and bounded mid-flood ($senders)" \
	test "$senders" -ge 1 -a "$senders" -le 4096
few_senders()
{
	[ "$(ig_stat "$victim" Senders)" -le 50 ]
}
check "max_senders lowered to 50 live: the table shrinks to it mid-flood" \
	ig_wait_for 50 few_senders
check "the module still counts" test "$(ig_stat "$victim" InRedirects)" -gt 0

# Namespaces come and go under the flood: one process creates ROUNDS of
# them in turn, each freed as the next replaces it, and checks the module
# gave every one its own state.
churn()
{
	python3 - "$ROUNDS" <<'EOF'
import ctypes, os, sys
libc = ctypes.CDLL(None, use_errno=True)
CLONE_NEWNET = 0x40000000
for i in range(int(sys.argv[1])):
    if libc.unshare(CLONE_NEWNET):
        sys.exit("unshare: " + os.strerror(ctypes.get_errno()))
    with open("/proc/self/net/icmp_guard/stats") as f:
        if not f.read().startswith("InRedirects 0\n"):
            sys.exit("namespace %d: no fresh counters" % i)
    with open("/proc/sys/net/ipv4/icmp_guard/policy") as f:
        if f.read() != "2\n":
            sys.exit("namespace %d: no default policy" % i)
EOF
}
check "$ROUNDS namespaces created and destroyed mid-flood" churn
ig_netns_del "$victim"
ig_sleep 1
check "a namespace deleted mid-flood" sh -c "! ip netns exec $victim true 2>/dev/null"

kill $flood_pid $reader_pid 2>/dev/null
wait $flood_pid $reader_pid 2>/dev/null
rm -f "$written"
IG_CLEANUP_HOOK=""

# A fresh victim: the module works and its counters are sane.
ig_cleanup
setup_lan legacy
check "victim reaches r1" victim_ping $R1
ig_no_evidence "$victim"	# a made-up datagram
ig_snap "$victim"
inject "$r1"
check_deltas "$victim" "the module still answers" InRedirects=1 Accepted=1
check_invariants "$victim"
check "module unloads after the flood" ig_unload
check "no sender entry left behind" sh -c '! grep -q "^ig_sender " /proc/slabinfo'
ig_load
ktap_finish
