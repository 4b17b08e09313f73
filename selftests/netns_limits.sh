#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# What a namespace's owner may change, and what the host bounds, for
# container hosts (Documentation/icmp_guard.rst, "Container hosts"):
#
#   init_net (the host)                         f1 ... f50 (ip netns add)
#   igv1 10.60.1.2 ----------------- veth ----- eth0 10.60.1.1
#   ...                                         ...
#   igv50 --------------------------- veth ---- eth0 10.60.50.1
#
#   uid 65534: unshare -Urn, its own user and network namespace
#
# - as an unprivileged user in its own namespaces, every knob that sizes
#   memory or work is read-only and holds the host's value; the others are
#   writable; inherit and the senders file are not the user's;
# - new namespaces take init_net's values with inherit=1, the defaults with
#   inherit=0, and log=0 either way;
# - a flood from random sources into 50 namespaces leaves the module's
#   entries at or under max_senders_total (the Senders gauges and the
#   ig_sender slab);
# - the GC forgets a sender as soon as its bucket would be full again, and
#   no bucket holds more than 600 s of credit;
# - a namespace flooding its log does not silence the host's lines.

source "$(dirname "$0")/lib.sh"

BOUND=300		# max_senders_total for this test
NNS=50
RESOURCE="rate burst global_rate global_burst max_senders"
POLICY="policy demote check_gateway check_lladdr check_new_gateway"
POLICY+=" check_inner_source check_evidence evidence_ms log"
HOST_SYSCTL=/proc/sys/net/ipv4/icmp_guard

ig_require_root
[ -x "$IG_INJECT" ] || ksft_skip "redirect_inject not built"
command -v setpriv >/dev/null || ksft_skip "needs setpriv (util-linux)"
command -v python3 >/dev/null || ksft_skip "needs python3"
ig_unload 2>/dev/null || ksft_skip "icmp_guard is loaded and busy"
ko=${ICMP_GUARD_KO:-$IG_DIR/../icmp_guard.ko}
if [ -f "$ko" ]; then
	insmod "$ko" max_senders_total=$BOUND
else
	modprobe icmp_guard max_senders_total=$BOUND
fi || ksft_skip "icmp_guard module not loadable"
# Reloading leaves init_net's knobs at their defaults again.
ig_reload() { ig_unload && ig_load; }
IG_CLEANUP_HOOK=ig_reload
ktap_header
check_eq "max_senders_total is the module parameter" $BOUND \
	"$(cat /sys/module/icmp_guard/parameters/max_senders_total)"

host_set() { echo "$2" >"$HOST_SYSCTL/$1"; }
host_get() { cat "$HOST_SYSCTL/$1"; }

# ---- the host's policy: resource knobs below the defaults, and others
declare -A HOST=([rate]=5 [burst]=40 [global_rate]=200 [global_burst]=300
		 [max_senders]=100 [policy]=1 [demote]=0 [check_gateway]=1
		 [check_lladdr]=0 [check_new_gateway]=1 [check_inner_source]=0
		 [check_evidence]=0 [evidence_ms]=5000 [log]=1)
check_eq "inherit defaults to 1 in init_net" 1 "$(host_get inherit)"
for k in "${!HOST[@]}"; do
	host_set "$k" "${HOST[$k]}"
done

# ---- an unprivileged user in its own user and network namespaces
[ -w /proc/sys/kernel/unprivileged_userns_clone ] &&
	echo 1 >/proc/sys/kernel/unprivileged_userns_clone
# One process does it all and prints one line per finding:
#   R knob before raise-rc lower-rc after    (resource knobs)
#   W knob before rc after wanted            (the others)
unpriv=$(setpriv --reuid=65534 --regid=65534 --clear-groups \
	unshare -Urn bash -c '
	d=/proc/sys/net/ipv4/icmp_guard
	echo "U $(id -u) $(cat /proc/self/uid_map | tr -s " " | tr " " ,)"
	for k in '"$RESOURCE"'; do
		read -r v <$d/$k
		echo $((v + 1)) 2>/dev/null >$d/$k; up=$?
		echo 1 2>/dev/null >$d/$k; down=$?
		read -r a <$d/$k
		echo "R $k $v $up $down $a"
	done
	for k in '"$POLICY"'; do
		read -r v <$d/$k
		n=$((1 - v)); [ $k = policy ] && n=0
		[ $k = evidence_ms ] && n=1000
		echo $n 2>/dev/null >$d/$k; rc=$?
		read -r a <$d/$k
		echo "W $k $v $rc $a $n"
	done
	test -e $d/inherit; echo "I $?"
	echo "M $(stat -c %a /proc/net/icmp_guard/senders)"
	cat /proc/net/icmp_guard/senders >/dev/null 2>&1; echo "S $?"
' 2>&1)
echo "$unpriv" | sed 's/^/# /'
u=$(awk '$1 == "U" { print $2 }' <<<"$unpriv")
[ "$u" = 0 ] || ksft_skip "unprivileged user namespaces unavailable"
for k in $RESOURCE; do
	read -r _ _ v up down a < <(grep "^R $k " <<<"$unpriv")
	check_eq "unprivileged: $k holds the host's ${HOST[$k]}" \
		"${HOST[$k]}" "$v"
	check "unprivileged: $k cannot be raised" test "${up:-0}" -ne 0
	check "unprivileged: $k cannot be lowered either (read-only)" \
		test "${down:-0}" -ne 0
	check_eq "unprivileged: $k unchanged" "${HOST[$k]}" "$a"
done
for k in $POLICY; do
	read -r _ _ v rc a n < <(grep "^W $k " <<<"$unpriv")
	want=${HOST[$k]}
	[ "$k" = log ] && want=0	# quiet outside init_net
	check_eq "unprivileged: $k starts at $want" "$want" "$v"
	check "unprivileged: $k is the owner's to write ($v -> $n)" \
		test "${rc:-1}" -eq 0 -a "$a" = "$n"
done
check_eq "unprivileged: no inherit knob outside init_net" \
	"I 1" "$(grep '^I ' <<<"$unpriv")"
check_eq "senders is 0440" "M 440" "$(grep '^M ' <<<"$unpriv")"
check_eq "senders is the host's: not readable by the namespace's root" \
	"S 1" "$(grep '^S ' <<<"$unpriv")"

# ---- inheritance, in namespaces of the initial user namespace
setup_ns inh
bad=""
for k in "${!HOST[@]}"; do
	want=${HOST[$k]}
	[ "$k" = log ] && want=0
	v=$(ig_sysctl "$inh" "$k")
	[ "$v" = "$want" ] || bad="$bad $k=$v/$want"
done
check_eq "inherit=1: a new namespace takes the host's values, log 0" "" "$bad"
check "the host's root may still raise max_senders there" \
	ig_sysctl "$inh" max_senders 4096
host_set inherit 0
setup_ns def
host_set inherit 1
bad=""
for k in $IG_KNOBS; do
	v=$(ig_sysctl "$def" "$k")
	[ "$v" = "${IG_DEFAULT[$k]}" ] || bad="$bad $k=$v/${IG_DEFAULT[$k]}"
done
check_eq "inherit=0: a new namespace takes the defaults" "" "$bad"
ig_netns_del "$inh"
ig_netns_del "$def"

# ---- 50 namespaces, each on a veth from init_net; made with one ip
# process for the links and one per namespace for its addresses.
mac() { printf '02:00:00:00:%02x:%02x' "$1" "$2"; }
tag=$(mktemp -u XXXXXX)
ns=()
for ((i = 1; i <= NNS; i++)); do
	ns[i]="ig-f$i-$tag"
	ig_namespaces+=("${ns[i]}")
done
# Each injector alone sends 400 Redirects from random sources, more than
# the module-wide bound, under a namespace bound (1000) it cannot reach: a
# DropSendersFull is the module's bound at work. At rate 1, an entry of
# one Redirect lives 1 s, so the injectors' entries overlap too.
# Enforce, so that refusals are counted as such (monitor counts them as
# MonitorWouldDrop).
# Random sources fail check 2 before the limiter (redirect_flood.sh):
# the namespaces made now take check_gateway=0 (and the host's
# check_lladdr=0), so that every sender is charged.
host_set policy 2
host_set rate 1
host_set max_senders 1000
host_set check_gateway 0
ip -batch - <<-EOF || ksft_skip "cannot make $NNS namespaces"
	$(for ((i = 1; i <= NNS; i++)); do
		echo "netns add ${ns[i]}"
		echo "link add eth0 address $(mac $i 1) netns ${ns[i]} type veth peer name igv$i address $(mac $i 2)"
		echo "link set igv$i up"
	done)
	addr add 10.60.2.2/24 dev igv2
EOF
for ((i = 1; i <= NNS; i++)); do
	ip -n "${ns[i]}" -batch - <<-EOF
		link set lo up
		addr add 10.60.$i.1/24 dev eth0
		link set eth0 up
		route add default via 10.60.$i.2
	EOF
done
ig_nsh_start "${ns[1]}"
host_set check_gateway 1

# totals: "Senders DropSendersFull slab-objects", all namespaces, read by
# one process in turn: the entries age while it reads. The slab is shrunk
# first: the free objects of the CPUs' slabs count as active otherwise.
totals()
{
	python3 - "${ns[@]:1}" <<'EOF'
import ctypes, os, sys
try:
    with open("/sys/kernel/slab/ig_sender/shrink", "w") as f:
        f.write("1")
except OSError:
    pass
libc = ctypes.CDLL(None, use_errno=True)
senders = full = 0
for name in sys.argv[1:]:
    fd = os.open("/run/netns/" + name, os.O_RDONLY)
    if libc.setns(fd, 0x40000000):
        sys.exit("setns " + name)
    os.close(fd)
    for line in open("/proc/self/net/icmp_guard/stats"):
        k, v = line.split()
        if k == "Senders":
            senders += int(v)
        elif k == "DropSendersFull":
            full += int(v)
objs = 0
for line in open("/proc/slabinfo"):
    if line.startswith("ig_sender "):
        objs = int(line.split()[1])
print(senders, full, objs)
EOF
}

flood_one()
{
	"$IG_INJECT" -q -i "igv$1" --dst-mac "$(mac "$1" 1)" \
		-s "10.60.$1.2" -d "10.60.$1.1" -g "10.60.$1.3" \
		--inner-src "10.60.$1.1" --inner-dst 10.2.0.20 -n 400 \
		--random-src 10.61.0.0/16 --seed "$1"
}
pids=()
for ((i = 1; i <= NNS; i++)); do
	flood_one $i &
	pids+=($!)
done
wait "${pids[@]}"
read -r senders full objs < <(totals)
echo "# after the flood: Senders $senders, DropSendersFull $full, slab $objs"
check "$((NNS * 400)) Redirects from random sources: the module-wide bound was reached" \
	test "$full" -gt 0
check "Senders over $NNS namespaces <= max_senders_total ($senders)" \
	test "$senders" -le $BOUND
# Entries awaiting their RCU grace period count against the bound too, so
# the slab holds no more than it.
check "ig_sender slab objects <= max_senders_total ($objs)" \
	test "$objs" -le $BOUND
host_set rate 5
host_set max_senders 100

# ---- the GC: a sender goes as soon as its bucket would be full again.
# At rate 1, burst 1000000 (600 s of credit, the most a bucket holds), 5
# Redirects leave 595 s: 5 s to refill, not 600 s as a GC waiting for a
# whole refill from empty would take. 5 s, so that the entry is surely
# still there when senders is read right after them (1 s, one Redirect,
# was too short on a loaded machine); gone within 60 tries 0.2 s apart,
# 12 s or a little more (the GC passes once a second).
f1=${ns[1]}
senders_zero() { [ "$(ig_stat "$f1" Senders)" -eq 0 ]; }
all_zero() { local s; read -r s _ < <(totals); [ "$s" -eq 0 ]; }
check "every namespace's entries reclaimed after the flood" \
	ig_wait_for 50 all_zero
ig_sysctl "$f1" rate 1
ig_sysctl "$f1" burst 1000000
ig_inject_f1() { "$IG_INJECT" -q -i igv1 --dst-mac "$(mac 1 1)" \
	-s 10.60.1.2 -d 10.60.1.1 -g 10.60.1.3 --inner-src 10.60.1.1 \
	--inner-dst 10.2.0.20 "$@"; }
ig_inject_f1 -n 5
list=$(ig_nsh "$f1" 'while read -r l; do echo "$l"; done </proc/net/icmp_guard/senders')
echo "$list" | sed 's/^/# /'
check_eq "burst 1000000 at rate 1: a bucket holds 600 Redirects at most" \
	595 "$(awk '$1 == "10.60.1.2" { print $3 }' <<<"$list")"
t0=$(date +%s)
check "the entry is gone once its bucket is full again (5 s)" \
	ig_wait_for 60 senders_zero
echo "# waited $(($(date +%s) - t0)) s"
ig_sysctl "$f1" burst 100

# ---- logging: f1 floods its log, 200 refusals a second, while the host
# gets three Redirects to refuse and log, 0.7 s apart. With one budget for
# all (10 lines per 5 s), f1 would spend each window's within 50 ms of its
# start, and the host's lines would be lost.
ns_inum() { stat -L -c %i "/run/netns/$1"; }
host_inum=$(stat -L -c %i /proc/1/ns/net)
# Only the lines from now on: an earlier run's namespaces may have had the
# same inode numbers.
log_from=$(($(dmesg | wc -l) + 1))
ig_sysctl "$f1" log 1
t0=$(date +%s)
(exec "$IG_INJECT" -q -i igv1 --dst-mac "$(mac 1 1)" -s 10.60.1.2 \
	-d 10.60.1.1 -g 10.60.1.3 --inner-src 10.60.1.1 --inner-dst 10.2.0.20 \
	-n 1000000 --rate 200 --random-src 10.62.0.0/16 --seed 7) &
flood_pid=$!
IG_CLEANUP_HOOK="kill $flood_pid; ig_reload"
ig_sleep 1.5
for i in 1 2 3; do
	read -r up _ </proc/uptime
	echo "# the host's Redirect $i at $up s"
	nsenter --net="/run/netns/${ns[2]}" "$IG_INJECT" -q -i eth0 \
		--dst-mac "$(mac 2 2)" -s 10.60.2.1 -d 10.60.2.2 \
		-g 10.60.2.3 --inner-src 10.60.2.2 --inner-dst 10.2.0.20 -n 1
	ig_sleep 0.7
done
kill $flood_pid
wait $flood_pid 2>/dev/null
IG_CLEANUP_HOOK=ig_reload
t=$(($(date +%s) - t0))
log=$(dmesg | tail -n "+$log_from")
n1=$(grep -c "icmp_guard: netns $(ns_inum "$f1"): " <<<"$log")
grep -E "icmp_guard: netns ($(ns_inum "$f1")|$host_inum): |suppressed" <<<"$log" |
	cut -c1-90 | sed 's/^/# /'
check "f1's flood for $t s: at most 10 lines per 5 s ($n1)" \
	test "$n1" -ge 1 -a "$n1" -le $((10 * (t / 5 + 1)))
check_eq "the host's three lines are all logged" 3 \
	"$(grep -c "icmp_guard: netns $host_inum: dropped redirect from 10.60.2.1 " <<<"$log")"
n3=$(grep -c "icmp_guard: netns $(ns_inum "${ns[3]}"): " <<<"$log")
check_eq "a flooded namespace with the default log=0 logs nothing" 0 "$n3"

ktap_finish
