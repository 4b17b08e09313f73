#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# icmp-guard, the control tool, against real namespaces and real Redirects:
#
#   +--------+ 10.0.0.1     10.0.0.2 +--------+    +--------+  init_net
#   |  src   |-----------------------|  dst   |    | other  |  ("default")
#   +--------+ veth         veth     +--------+    +--------+
#
#   later: "doomed" (deleted during --watch), a name with '"' and '\',
#   and a stale /run/netns entry that is no namespace
#
# src injects Redirects and ND Redirects at dst. Every subcommand and
# option of the tool is run and its numbers compared with /proc and
# /proc/sys as read inside each namespace, IPv4's (stats, net.ipv4) and
# IPv6's (-6: stats6, net.ipv6); its JSON is parsed strictly and its
# Prometheus file checked against the text format (tool_check.py). Then the
# error paths: a missing namespace, one deleted mid-run, a stale entry, an
# older module version (a bind mount over the real
# /sys/module/icmp_guard/version in a private mount namespace), a module
# without IPv6 (a copy of /proc/net/icmp_guard without stats6, a tmpfs over
# /proc/sys/net/ipv6), malformed files (ICMP_GUARD_PROC: the tool reads
# copies of the real files), the module unloaded; the export file must
# survive every failure whole, with no temporary file left.

source "$(dirname "$0")/lib.sh"

TOOL=${ICMP_GUARD_TOOL:-$IG_DIR/../tools/icmp-guard}
CHECK="python3 $IG_DIR/tool_check.py"

ig_require_root
[ -x "$IG_INJECT" ] || ksft_skip "redirect_inject not built"
[ -x "$TOOL" ] || ksft_skip "icmp-guard not built (make tool)"
command -v python3 >/dev/null || ksft_skip "needs python3"
command -v unshare >/dev/null || ksft_skip "needs unshare"
ig_require_module
ktap_header

tmp=$(mktemp -d /tmp/icmp_guard_tool.XXXXXX)
ghost=""
default_state=""
tool_cleanup()
{
	[ -n "$ghost" ] && rm -f "/run/netns/$ghost"
	[ -n "$default_state" ] && rm -f "$default_state"
	rm -rf "$tmp"
}
IG_CLEANUP_HOOK=tool_cleanup

setup_ns src dst other
ip link add eth0 netns "$src" type veth peer name eth0 netns "$dst"
ip -n "$src" addr add 10.0.0.1/24 dev eth0
ip -n "$dst" addr add 10.0.0.2/24 dev eth0
ip -n "$src" addr add fe80::1/64 dev eth0 nodad
ip -n "$dst" addr add fe80::2/64 dev eth0 nodad
ip -n "$src" link set eth0 up
ip -n "$dst" link set eth0 up
SRC_MAC=$(ig_mac "$src" eth0)
DST_INO=$(stat -c %i "/run/netns/$dst")
VERSION=$(cat /sys/module/icmp_guard/version)

# Redirects from src, which is no gateway of dst's: DropNotGateway under
# enforce, Accepted under off. dst has src's MAC as its neighbour entry, so
# they pass the link-layer check and are charged to src's limiter entry
# before the egress record is asked (and fails to prove src a gateway).
ip -n "$dst" neigh replace 10.0.0.1 lladdr "$SRC_MAC" dev eth0 nud permanent
inject()
{
	ig_nsexec "$src" "$IG_INJECT" -q -i eth0 \
		--dst-mac "$(ig_mac "$dst" eth0)" -s 10.0.0.1 -d 10.0.0.2 \
		-g 10.0.0.3 -c 1 --inner-src 10.0.0.2 --inner-dst 192.0.2.1 "$@"
}

# ND Redirects from src's link-local address at dst's, with no Redirected
# Header. The tests send them under IPv6 policy block or off, or with hop
# limit 254 (refused as malformed), so none reaches the rate limiter (the
# IPv4 one, which both families share): dst's one sender stays src's IPv4
# entry.
inject6()
{
	ig_nsexec "$src" "$IG_INJECT" -q -i eth0 \
		--dst-mac "$(ig_mac "$dst" eth0)" -s fe80::1 -d fe80::2 \
		-g fe80::3 --dest 2001:db8::1 --no-rh "$@"
}

# sysctl6 NS NAME [VALUE]: read or write net.ipv6.icmp_guard.NAME in NS.
sysctl6()
{
	if [ $# -ge 3 ]; then
		ig_nsh "$1" "echo '$3' > /proc/sys/net/ipv6/icmp_guard/$2"
	else
		ig_nsh "$1" "read -r v < /proc/sys/net/ipv6/icmp_guard/$2 && echo \"\$v\""
	fi
}

# tool OUT ARGS...: run icmp-guard, stdout in $tmp/OUT, stderr in
# $tmp/OUT.err, exit status in $rc.
tool()
{
	local out=$tmp/$1

	shift
	"$TOOL" "$@" >"$out" 2>"$out.err"
	rc=$?
	[ -s "$out.err" ] && sed 's/^/# stderr: /' "$out.err"
	return 0
}

# proc NS FILE: NS's stats file (default: init_net's) into $tmp/FILE;
# proc6 NS FILE: its stats6.
proc()
{
	if [ "$1" = default ]; then
		cat /proc/net/icmp_guard/stats >"$tmp/$2"
	else
		ig_stats "$1" >"$tmp/$2"
	fi
}

proc6()
{
	if [ "$1" = default ]; then
		cat /proc/net/icmp_guard/stats6 >"$tmp/$2"
	else
		ig_nsh "$1" 'while read -r n v; do echo "$n $v"; done < /proc/net/icmp_guard/stats6' >"$tmp/$2"
	fi
}

# "Name Value" lines of the tool's text output.
names_values()
{
	awk 'NF == 2 { print $1, $2 }' "$tmp/$1"
}

# The namespaces --all reads: the current one, then /run/netns by name.
all_labels()
{
	echo default
	ls -A /run/netns | LC_ALL=C sort
}

# ---------------------------------------------------------------- status
#
# dst gets other values than the defaults, so reading the wrong namespace
# shows: /proc/sys/net follows the namespace of the task that opens it.

# dst's one sender must stay tracked while the Senders gauge and the
# senders file are read, and the GC forgets an entry as soon as its bucket
# would be full again. At the lowest rate, 1/s, each Redirect the limiter
# admits costs 1 s of credit; burst 1000 makes a full bucket 1000 s, capped
# by the module at 600 s. So N=300 Redirects under enforce leave src's
# bucket 300 s short of full: the entry lives 300 s at least (the later
# Redirects only add to that), where the reads that need it end about 20 s
# later in the VM under TCG (6.1). The 300 left in the bucket cover the 10
# Redirects sent later, so none is rate-limited; the namespace's bucket
# (500/s, burst 1000, at most 2 of each taken) never runs dry on them.
N=300
ig_sysctl "$dst" policy 0
ig_sysctl "$dst" rate 1
ig_sysctl "$dst" burst 1000
# IPv6's sysctls: other values than IPv4's and than the defaults.
sysctl6 "$dst" policy 3
sysctl6 "$dst" check_tlla 0
sysctl6 "$dst" evidence_ms 5000

tool st -n "$dst" status
check_eq "status -n exits 0" 0 "$rc"
declare -A shown=()
while read -r k v _; do
	shown[$k]=$v
done <"$tmp/st"
bad=""
knobs=()
for k in $IG_KNOBS; do
	v=$(ig_sysctl "$dst" "$k")
	knobs+=("$k=$v")
	[ "${shown[$k]:-missing}" = "$v" ] || bad="$bad $k:${shown[$k]:-missing}/$v"
done
check_eq "status -n shows every sysctl of the named namespace" "" "$bad"
check "status -n names the policy" grep -qE '^policy +0 \(off\)$' "$tmp/st"
check "status shows the module version" \
	grep -qE "^module +$VERSION\$" "$tmp/st"
tool st0 status
check "status without -n reads the current namespace (policy 2)" \
	grep -qE '^policy +2 \(enforce\)$' "$tmp/st0"
check "status without -n reads the current namespace (rate 10)" \
	grep -qE '^rate +10$' "$tmp/st0"
tool stj -n "$dst" status --json
check_eq "status --json exits 0" 0 "$rc"
check "status --json: every sysctl, the version, the policy's name" \
	$CHECK status "$tmp/stj" "$dst" "$VERSION" "${knobs[@]}"

# IPv6's sysctls: in status by default, each as ipv6.NAME (so that no name
# is shown twice), in JSON in an "ipv6" object; -4 and -6 pick a family.
bad=""
knobs6=()
for k in $(ig_nsh "$dst" 'echo /proc/sys/net/ipv6/icmp_guard/*'); do
	k=${k##*/}
	v=$(sysctl6 "$dst" "$k")
	knobs6+=("$k=$v")
	[ "${shown[ipv6.$k]:-missing}" = "$v" ] ||
		bad="$bad ipv6.$k:${shown[ipv6.$k]:-missing}/$v"
done
check_eq "status -n: dst's 9 IPv6 sysctls" 9 "${#knobs6[@]}"
check_eq "status -n shows every IPv6 sysctl of dst as ipv6.NAME" "" "$bad"
check "status -n names the IPv6 policy" \
	grep -qE '^ipv6\.policy +3 \(block\)$' "$tmp/st"
tool st4 -n "$dst" -4 status
check_eq "-4 status: status's IPv4 lines, no IPv6 line" \
	"$(grep -v '^ipv6\.' "$tmp/st")" "$(cat "$tmp/st4")"
tool st6 -n "$dst" -6 status
check_eq "-6 status exits 0" 0 "$rc"
check_eq "-6 status: the namespace, the module, IPv6's lines alone" \
	"$(grep -E '^(netns|module) |^ipv6\.' "$tmp/st")" "$(cat "$tmp/st6")"
check "status --json: IPv6's sysctls and policy in its ipv6 object" \
	$CHECK status6 "$tmp/stj" "$dst" "$VERSION" both "${knobs6[@]}"
tool stj6 -n "$dst" -6 status --json
check "-6 status --json: the ipv6 object, no IPv4 sysctl" \
	$CHECK status6 "$tmp/stj6" "$dst" "$VERSION" ipv6-only "${knobs6[@]}"
tool stj4 -n "$dst" -4 status --json
check_eq "-4 status --json: status --json without its ipv6 object" \
	"$(sed 's/,"ipv6":{.*}}]$/}]/' "$tmp/stj")" "$(cat "$tmp/stj4")"

# ---------------------------------------------------------------- traffic

ig_snap "$dst"
check "inject 5 Redirects under policy off" inject -n 5
ig_sysctl "$dst" policy 2
check "inject $N Redirects under enforce" inject -n $N
check_deltas "$dst" "the Redirects moved dst's counters" \
	InRedirects=$((5 + N)) Accepted=5 Dropped=$N DropNotGateway=$N
check_eq "dst tracks one sender" 1 "$(ig_stat "$dst" Senders)"

# ND Redirects: counted in stats6 alone.
proc "$dst" dst.before6
IG_FAMILY=6 && ig_family_paths
ig_snap "$dst"
check "inject 2 ND Redirects under IPv6 policy block" inject6 -n 2
sysctl6 "$dst" policy 0
check "inject 3 ND Redirects under IPv6 policy off" inject6 -n 3
sysctl6 "$dst" policy 2
check "inject 1 ND Redirect with hop limit 254 under enforce" \
	inject6 -n 1 --ttl 254
check_deltas "$dst" "the ND Redirects moved dst's stats6" \
	InRedirects=6 Accepted=3 Dropped=3 DropBlocked=2 DropMalformed=1
IG_FAMILY=4 && ig_family_paths
proc "$dst" dst.after6
check_eq "and none of dst's stats" "$(cat "$tmp/dst.before6")" \
	"$(cat "$tmp/dst.after6")"
check_eq "dst still tracks one sender" 1 "$(ig_stat "$dst" Senders)"

# ---------------------------------------------------------------- stats

proc "$dst" dst.proc
proc "$src" src.proc
proc "$other" other.proc
proc default default.proc
for ns in "$dst dst" "$src src" "$other other" "default default"; do
	# shellcheck disable=SC2086
	proc6 $ns.proc6
done

# Without -4 or -6, IPv4's counters alone, as before IPv6: the same names
# as IPv6's, whose lines -6 prefixes with ipv6.
tool s -n "$dst" stats
check_eq "stats -n exits 0" 0 "$rc"
check_eq "stats -n prints dst's /proc counters" \
	"$(cat "$tmp/dst.proc")" "$(names_values s)"
tool s0 stats
check_eq "stats prints the current namespace's counters" \
	"$(cat "$tmp/default.proc")" "$(names_values s0)"
tool sj -n "$dst" stats --json
check_eq "stats --json exits 0" 0 "$rc"
check "stats --json: dst's counters, gauge and inode" \
	$CHECK stats "$tmp/sj" "$dst" "$DST_INO" "$tmp/dst.proc"

tool sa --all stats --json
check_eq "--all stats --json exits 0" 0 "$rc"
check "--all stats --json is strict JSON" $CHECK json "$tmp/sa"
mapfile -t labels < <(all_labels)
check "--all: the current namespace, then every named one by name" \
	$CHECK labels "$tmp/sa" "${labels[@]}"
for pair in "default default" "$src src" "$dst dst" "$other other"; do
	read -r ns file <<<"$pair"
	ino=$(stat -L -c %i /proc/self/ns/net)
	[ "$ns" = default ] || ino=$(stat -c %i "/run/netns/$ns")
	check "--all stats --json: $ns equals its /proc" \
		$CHECK stats "$tmp/sa" "$ns" "$ino" "$tmp/$file.proc"
done
# Run from inside dst, --all labels dst by its name, once, and has no
# "default": the namespace it runs in is one of the named ones.
nsenter --net="/run/netns/$dst" "$TOOL" --all stats --json >"$tmp/sin"
check "--all from inside a named namespace: each name once, no default" \
	$CHECK labels "$tmp/sin" "$dst" $(ls -A /run/netns | LC_ALL=C sort |
					  grep -vx "$dst")
tool sat --all stats
check_eq "--all stats: dst's block under its heading" \
	"$(cat "$tmp/dst.proc")" \
	"$(awk -v h="netns $dst (inode $DST_INO)" '
		$0 == h { on = 1; next } /^netns / { on = 0 }
		on && NF == 2 { print $1, $2 }' "$tmp/sat")"

tool s6 -n "$dst" -6 stats
check_eq "-6 stats -n exits 0" 0 "$rc"
check_eq "-6 stats -n prints dst's stats6, as ipv6.NAME" \
	"$(sed 's/^/ipv6./' "$tmp/dst.proc6")" "$(names_values s6)"
tool s46 -n "$dst" -4 -6 stats
check_eq "-4 -6 stats -n: IPv4's lines, then IPv6's" \
	"$(cat "$tmp/dst.proc"; sed 's/^/ipv6./' "$tmp/dst.proc6")" \
	"$(names_values s46)"
tool s6j -n "$dst" --ipv6 stats --json
check "--ipv6 stats --json: dst's stats6 in its ipv6 object, no IPv4's" \
	$CHECK stats6 "$tmp/s6j" "$dst" "$DST_INO" "$tmp/dst.proc6"
tool sa6 --all -46 stats --json
check_eq "--all -46 stats --json exits 0" 0 "$rc"
for pair in "default default" "$src src" "$dst dst" "$other other"; do
	read -r ns file <<<"$pair"
	ino=$(stat -L -c %i /proc/self/ns/net)
	[ "$ns" = default ] || ino=$(stat -c %i "/run/netns/$ns")
	check "--all -46 stats --json: $ns equals its stats and stats6" \
		$CHECK stats6 "$tmp/sa6" "$ns" "$ino" "$tmp/$file.proc6" \
		"$tmp/$file.proc"
done

# ---------------------------------------------------------------- senders

ig_nsh "$dst" 'while IFS= read -r l; do echo "$l"; done < /proc/net/icmp_guard/senders' >"$tmp/dst.senders"
ig_nsh "$src" 'while IFS= read -r l; do echo "$l"; done < /proc/net/icmp_guard/senders' >"$tmp/src.senders"
tool se -n "$dst" senders
check_eq "senders -n exits 0" 0 "$rc"
check_eq "dst's senders file: the header and src's line" 2 \
	"$(wc -l <"$tmp/dst.senders")"
check "senders -n: src as the sender, 0 accepted, $N dropped" \
	grep -qE "^10\.0\.0\.1 +$SRC_MAC +[0-9]+ +[0-9]+ +0 +$N\$" "$tmp/se"
tool sej --all senders --json
check_eq "--all senders --json exits 0" 0 "$rc"
check "senders --json: dst's sender as in /proc" \
	$CHECK senders "$tmp/sej" "$dst" "$tmp/dst.senders"
check "senders --json: src has none" \
	$CHECK senders "$tmp/sej" "$src" "$tmp/src.senders"
tool se4 -n "$dst" -4 senders
# Tokens and LastSeenMs move with time: the other columns.
check_eq "-4 senders: the IPv4 sender" \
	"$(awk '{ print $1, $2, $5, $6 }' "$tmp/se")" \
	"$(awk '{ print $1, $2, $5, $6 }' "$tmp/se4")"
tool se6 -n "$dst" -6 senders
check_eq "-6 senders exits 0" 0 "$rc"
check_eq "-6 senders: the header alone (dst's one sender is IPv4)" \
	"$(head -1 "$tmp/se")" "$(cat "$tmp/se6")"

# ---------------------------------------------------------------- --delta

export ICMP_GUARD_STATE_DIR=$tmp/state
tool d1 -n "$dst" stats --delta --json
check_eq "first stats --delta exits 0" 0 "$rc"
check "first --delta: the counters since zero" \
	$CHECK delta "$tmp/d1" "$dst" InRedirects=$((5 + N)) Accepted=5 \
	Dropped=$N DropNotGateway=$N
check "--delta keeps a snapshot per namespace inode" \
	test -f "$tmp/state/netns-$DST_INO"
check "inject 4 Redirects" inject -n 4
tool d2 -n "$dst" stats --delta
check_eq "stats --delta: only what changed, and the gauge" \
	"InRedirects 4 Dropped 4 DropNotGateway 4 Senders 1" \
	"$(names_values d2 | xargs)"
check "inject 2 Redirects" inject -n 2
tool d3 -n "$dst" stats --delta --json
check "stats --delta --json: exact changes and the seconds since" \
	$CHECK delta "$tmp/d3" "$dst" InRedirects=2 Dropped=2 DropNotGateway=2
check "stats --delta --json has the seconds" grep -q '"seconds":' "$tmp/d3"
tool d4 -n "$dst" stats --delta
check_eq "stats --delta with no traffic: the gauge alone" "Senders 1" \
	"$(names_values d4 | xargs)"

# -6 --delta: IPv6's snapshot apart from IPv4's (netns6-INODE).
cp "$tmp/state/netns-$DST_INO" "$tmp/state4.before"
tool d5 -n "$dst" -6 stats --delta --json
check_eq "first -6 stats --delta exits 0" 0 "$rc"
check "first -6 --delta: the IPv6 counters since zero" \
	$CHECK delta6 "$tmp/d5" "$dst" InRedirects=6 Accepted=3 Dropped=3 \
	DropBlocked=2 DropMalformed=1
check "-6 --delta keeps its snapshot apart, in netns6-INODE" \
	test -f "$tmp/state/netns6-$DST_INO"
check "-6 --delta leaves IPv4's snapshot alone" \
	cmp -s "$tmp/state4.before" "$tmp/state/netns-$DST_INO"
check "inject 2 ND Redirects with hop limit 254" inject6 -n 2 --ttl 254
tool d6 -n "$dst" -6 stats --delta
check_eq "-6 stats --delta: only what changed, as ipv6.NAME, and the gauge" \
	"ipv6.InRedirects 2 ipv6.Dropped 2 ipv6.DropMalformed 2 ipv6.Senders 1" \
	"$(names_values d6 | xargs)"
tool d7 -n "$dst" stats --delta
check_eq "stats --delta: IPv4's counters did not see them" "Senders 1" \
	"$(names_values d7 | xargs)"
check "inject 1 Redirect" inject -n 1
check "inject 1 ND Redirect with hop limit 254" inject6 -n 1 --ttl 254
tool d8 -n "$dst" -46 stats --delta --json
check "-46 --delta --json: IPv4's change at the top level" \
	$CHECK delta "$tmp/d8" "$dst" InRedirects=1 Dropped=1 DropNotGateway=1
check "-46 --delta --json: IPv6's in the ipv6 object, with its seconds" \
	$CHECK delta6 "$tmp/d8" "$dst" InRedirects=1 Dropped=1 DropMalformed=1
check "-46 --delta --json: the seconds of each" \
	test "$(grep -o '"seconds":' "$tmp/d8" | wc -l)" = 2
default_state=/run/icmp-guard/netns-$DST_INO
env -u ICMP_GUARD_STATE_DIR -u XDG_RUNTIME_DIR "$TOOL" -n "$dst" stats \
	--delta >/dev/null
check "--delta as root without XDG_RUNTIME_DIR keeps it in /run/icmp-guard" \
	test -f "$default_state"

# ---------------------------------------------------------------- --watch

# Once the first interval is out, the tool is held in its sleep (SIGSTOP)
# while the Redirects go, so they fall into its second interval however
# slow the machine is; it goes on at SIGCONT.
"$TOOL" -n "$dst" stats --watch 1 --count 3 --json >"$tmp/w" 2>"$tmp/w.err" &
pid=$!
check "--watch prints its first interval" ig_wait_for 50 test -s "$tmp/w"
kill -STOP $pid
check "inject 3 Redirects during --watch" inject -n 3
kill -CONT $pid
wait $pid
check_eq "--watch --count 3 exits 0" 0 "$?"
check_eq "--watch --count 3: three JSON lines" 3 "$(wc -l <"$tmp/w")"
check "--watch: first interval 0, the others add up to the Redirects" \
	$CHECK watch "$tmp/w" "$dst" InRedirects=3 Dropped=3 DropNotGateway=3
tool wt -n "$dst" stats --watch 0.3 --count 2
check_eq "--watch in text: a time line per interval" 2 \
	"$(grep -c '^# [0-9-]*T[0-9:]*' "$tmp/wt")"
"$TOOL" -n "$dst" -6 stats --watch 1 --count 2 --json >"$tmp/w6" \
	2>"$tmp/w6.err" &
pid=$!
check "-6 --watch prints its first interval" ig_wait_for 50 test -s "$tmp/w6"
kill -STOP $pid
check "inject 3 ND Redirects with hop limit 254 during -6 --watch" \
	inject6 -n 3 --ttl 254
kill -CONT $pid
wait $pid
check_eq "-6 --watch --count 2 exits 0" 0 "$?"
check "-6 --watch: IPv6's changes in the ipv6 object" \
	$CHECK watch6 "$tmp/w6" "$dst" InRedirects=3 Dropped=3 DropMalformed=3

# ---------------------------------------------------------------- export

# Both families by default: IPv4's metrics as before IPv6, IPv6's named
# icmp_guard_ipv6_*, all with the netns label alone; the limiter's Senders,
# in both files, once.
mkdir "$tmp/textfile"
prom=$tmp/textfile/icmp_guard.prom
proc "$dst" dst.proc
proc6 "$dst" dst.proc6
tool e --all export --prometheus "$prom"
check_eq "--all export exits 0" 0 "$rc"
check "export: valid text format; every namespace's samples equal /proc" \
	$CHECK prom "$prom" default "$tmp/default.proc" "$tmp/default.proc6" \
	"$src" "$tmp/src.proc" "$tmp/src.proc6" "$dst" "$tmp/dst.proc" \
	"$tmp/dst.proc6" "$other" "$tmp/other.proc" "$tmp/other.proc6"
check_eq "export: mode 644, for node_exporter" 644 "$(stat -c %a "$prom")"
check_eq "export: no temporary file left" icmp_guard.prom \
	"$(ls -A "$tmp/textfile")"
check "export: counters are _total, the gauge is not" \
	grep -qx "icmp_guard_senders{netns=\"$dst\"} 1" "$prom"
check_eq "export: the shared Senders gauge once per namespace" 1 \
	"$(grep -c "^icmp_guard_senders{netns=\"$dst\"} " "$prom")"
check "export: IPv6's counters as icmp_guard_ipv6_*_total" \
	grep -qx "icmp_guard_ipv6_drop_blocked_total{netns=\"$dst\"} 2" "$prom"
tool e1 -n "$dst" export --prometheus "$tmp/one.prom"
check "export -n: dst alone" \
	$CHECK prom "$tmp/one.prom" "$dst" "$tmp/dst.proc" "$tmp/dst.proc6"
# One sample per line of each stats file, Senders once.
nstats=$(wc -l <"$tmp/dst.proc")
nstats6=$(wc -l <"$tmp/dst.proc6")
check_eq "export -n: $nstats + $nstats6 - 1 samples, all of dst" \
	$((nstats + nstats6 - 1)) \
	"$(grep -c "^icmp_guard_[a-z0-9_]*{netns=\"$dst\"} " "$tmp/one.prom")"
tool e4 -n "$dst" -4 export --prometheus "$tmp/four.prom"
check "-4 export: IPv4's metrics alone" \
	$CHECK prom "$tmp/four.prom" "$dst" "$tmp/dst.proc" -
tool e6 -n "$dst" -6 export --prometheus "$tmp/six.prom"
check_eq "-6 export exits 0" 0 "$rc"
check "-6 export: IPv6's metrics and the Senders gauge" \
	$CHECK prom "$tmp/six.prom" "$dst" - "$tmp/dst.proc6"

# A name with a double quote and a backslash, escaped in JSON and labels.
esc="ig-q\"\\$(mktemp -u XXXXXX)"
if ip netns add "$esc" 2>/dev/null; then
	ig_namespaces+=("$esc")
	nsenter --net="/run/netns/$esc" cat /proc/net/icmp_guard/stats \
		>"$tmp/esc.proc"
	nsenter --net="/run/netns/$esc" cat /proc/net/icmp_guard/stats6 \
		>"$tmp/esc.proc6"
	tool ej --all stats --json
	check "JSON: a netns name with \" and \\ round-trips" \
		$CHECK stats "$tmp/ej" "$esc" "$(stat -c %i "/run/netns/$esc")" \
		"$tmp/esc.proc"
	tool ee --all export --prometheus "$prom"
	check "export: a netns label with \" and \\ round-trips" \
		$CHECK prom "$prom" "$esc" "$tmp/esc.proc" "$tmp/esc.proc6" \
		"$dst" "$tmp/dst.proc" "$tmp/dst.proc6"
	ig_netns_del "$esc"
else
	ktap_result 1 "ip netns add '$esc' failed"
fi

# ---------------------------------------------------------------- errors

cp "$prom" "$tmp/prom.before"
prom_kept()
{
	cmp -s "$prom" "$tmp/prom.before" &&
		[ "$(ls -A "$tmp/textfile")" = icmp_guard.prom ]
}

tool u1 stats --count 2
check_eq "usage: --count without --watch exits 1" 1 "$rc"
tool u2 frobnicate
check_eq "usage: an unknown command exits 1" 1 "$rc"
tool u3 -n "$dst" --all stats
check_eq "usage: -n with --all exits 1" 1 "$rc"

missing=ig-missing-$(mktemp -u XXXXXX)
tool m -n "$missing" stats
check_eq "a missing namespace exits 4" 4 "$rc"
check "a missing namespace is named in the message" \
	grep -q "'$missing' does not exist" "$tmp/m.err"
check_eq "a missing namespace prints nothing" "" "$(cat "$tmp/m")"

# A stale entry, as ip netns del leaves for a moment between its umount
# and its unlink: the namespace is gone while its name is still listed.
ghost=ig-ghost-$(mktemp -u XXXXXX)
: >"/run/netns/$ghost"
tool g --all export --prometheus "$prom"
check_eq "export with a vanished namespace exits 4" 4 "$rc"
check "export with a vanished namespace names it" \
	grep -q "'$ghost'.*not a network namespace" "$tmp/g.err"
check "export with a vanished namespace keeps the old file, no temp file" \
	prom_kept
tool gj --all stats --json
check_eq "--all stats with a vanished namespace exits 4" 4 "$rc"
mapfile -t labels < <(all_labels | grep -vx "$ghost")
check "--all stats --json: whole JSON without the vanished one" \
	$CHECK labels "$tmp/gj" "${labels[@]}"
rm -f "/run/netns/$ghost"
ghost=""

# A namespace deleted while --all --watch runs: an error for it, the
# others go on. Held in its sleep as above, so the deletion falls between
# its first and second interval.
setup_ns doomed
"$TOOL" --all stats --watch 1 --count 3 --json >"$tmp/wd" 2>"$tmp/wd.err" &
pid=$!
check "--all --watch prints its first interval" ig_wait_for 50 test -s "$tmp/wd"
kill -STOP $pid
ig_netns_del "$doomed"
kill -CONT $pid
wait $pid
check_eq "--all --watch with a namespace deleted meanwhile exits 4" 4 "$?"
check "--all --watch names the deleted namespace" \
	grep -q "'$doomed' does not exist" "$tmp/wd.err"
$CHECK linelabels "$tmp/wd" >"$tmp/wd.labels"
check_eq "--all --watch: 3 JSON lines" 3 "$(wc -l <"$tmp/wd")"
check "--all --watch: the deleted one before, not after" \
	test "$(grep -c " $doomed\$" "$tmp/wd.labels")" = 1 -a \
	"$(grep " $doomed\$" "$tmp/wd.labels")" = "1 $doomed"
check "--all --watch: dst in every interval" \
	test "$(grep -c " $dst\$" "$tmp/wd.labels")" = 3

# An older module: the version file says so, or (before 0.2.0) is absent.
# The bind mount covers the real sysfs file in a private mount namespace.
fake_version()
{
	echo "$1" >"$tmp/version"
	unshare -m sh -c 'mount --bind "$1" /sys/module/icmp_guard/version &&
		exec "$2" status' sh "$tmp/version" "$TOOL" \
		>"$tmp/v" 2>"$tmp/v.err"
	rc=$?
}
fake_version 0.1.0
check_eq "module 0.1.0 exits 3" 3 "$rc"
check "module 0.1.0: too old, said so" \
	grep -q "version 0.1.0, older than 0.2.0" "$tmp/v.err"
fake_version 0.3.1
check_eq "module 0.3.1 (newer) is read" 0 "$rc"
fake_version banana
check_eq "an unparsable version exits 3" 3 "$rc"
unshare -m sh -c 'mount -t tmpfs none /sys/module/icmp_guard &&
	exec "$1" stats' sh "$TOOL" >"$tmp/v" 2>"$tmp/v.err"
check_eq "a module without a version (before 0.2.0) exits 3" 3 "$?"
check "a module without a version: said so" \
	grep -q "reports no version" "$tmp/v.err"

# Malformed files: copies of dst's real ones, read through ICMP_GUARD_PROC
# after entering dst, then broken one way at a time.
mkdir "$tmp/fake"
proc "$dst" dst.proc
cp "$tmp/dst.senders" "$tmp/fake/senders"
fake_stats()
{
	printf '%s' "$1" >"$tmp/fake/stats"
	ICMP_GUARD_PROC=$tmp/fake "$TOOL" -n "$dst" "${@:2}" >"$tmp/f" \
		2>"$tmp/f.err"
	rc=$?
}
fake_stats "$(cat "$tmp/dst.proc")"$'\n' stats
check_eq "ICMP_GUARD_PROC: an intact copy reads as /proc" \
	"$(cat "$tmp/dst.proc")" "$(names_values f)"
stats=$(cat "$tmp/dst.proc")
nl=$'\n'
malformed()
{
	local what="malformed stats ($1): exits 3, says why, prints nothing"

	fake_stats "$3" stats
	if [ "$rc" -eq 3 ] && [ ! -s "$tmp/f" ] && grep -q -- "$2" "$tmp/f.err"
	then
		ktap_result 0 "$what"
	else
		echo "# status $rc, stdout $(wc -c <"$tmp/f") bytes, stderr: $(cat "$tmp/f.err")"
		ktap_result 1 "$what"
	fi
}
malformed "a line with no value" "line $((nstats + 1)): not 'Name Value'" \
	"$stats${nl}Bogus$nl"
malformed "a value that is no number" "line 1: not 'Name Value'" \
	"${stats/InRedirects /InRedirects 1x}$nl"
malformed "a leading zero" "line 1: not 'Name Value'" \
	"${stats/InRedirects /InRedirects 0}$nl"
malformed "a value past 2^64" "line 1: not 'Name Value'" \
	"InRedirects 18446744073709551616$nl$(tail -n +2 <<<"$stats")$nl"
malformed "two spaces" "line 1: not 'Name Value'" \
	"${stats/InRedirects /InRedirects  }$nl"
malformed "a counter of 0.2.0 missing" "has no DropLladdr" \
	"$(grep -v '^DropLladdr ' <<<"$stats")$nl"
malformed "a name twice" "InRedirects twice" "$stats${nl}InRedirects 1$nl"
malformed "no newline at the end" "no end of line" "$stats"
malformed "an empty file" "is empty" ""
fake_stats "$stats"$'\n'"Bogus"$'\n' export --prometheus "$prom"
check_eq "export of a malformed file exits 3" 3 "$rc"
check "export of a malformed file keeps the old file, no temp file" prom_kept

# New names are passed through: a counter before Senders, a gauge after.
newer=${stats/$'\n'Senders/$'\n'InFuture 7$'\n'Senders}$'\n'"Later 3"$'\n'
printf '%s' "$newer" >"$tmp/newer.proc"
fake_stats "$newer" stats --json
check_eq "new counter and gauge: exits 0" 0 "$rc"
check "new counter and gauge: passed through as such in JSON" \
	$CHECK stats "$tmp/f" "$dst" "$DST_INO" "$tmp/newer.proc"
fake_stats "$newer" export --prometheus "$tmp/newer.prom"
check "new counter and gauge: icmp_guard_in_future_total, icmp_guard_later" \
	$CHECK prom "$tmp/newer.prom" "$dst" "$tmp/newer.proc" -

# A module without IPv6, older than its ND Redirect guard: no stats6, as in
# this copy, and no net.ipv6.icmp_guard (a tmpfs over /proc/sys/net/ipv6 in
# a private mount namespace). IPv4 is read as before, IPv6 left out where
# it is a default; -6 is an error (3) that says why, and nothing is printed
# or written.
printf '%s\n' "$stats" >"$tmp/fake/stats"
old6()
{
	ICMP_GUARD_PROC=$tmp/fake "$TOOL" -n "$dst" "$@" >"$tmp/f" 2>"$tmp/f.err"
	rc=$?
}
no_ipv6="has no IPv6 support (no $tmp/fake/stats6)"
old6 -6 stats
check_eq "no stats6: -6 stats exits 3" 3 "$rc"
check "no stats6: -6 stats says the module has no IPv6" \
	grep -qF "$no_ipv6" "$tmp/f.err"
check_eq "no stats6: -6 stats prints nothing" "" "$(cat "$tmp/f")"
old6 -4 -6 stats --json
check_eq "no stats6: -4 -6 stats --json exits 3, no namespace in it" \
	"3 []" "$rc $(cat "$tmp/f")"
old6 stats
check_eq "no stats6: stats (IPv4) exits 0" 0 "$rc"
check_eq "no stats6: stats prints IPv4's counters" "$stats" "$(names_values f)"
old6 export --prometheus "$tmp/old.prom"
check_eq "no stats6: export exits 0" 0 "$rc"
check "no stats6: export has IPv4's metrics alone" \
	$CHECK prom "$tmp/old.prom" "$dst" "$tmp/dst.proc" -
old6 -6 export --prometheus "$prom"
check_eq "no stats6: -6 export exits 3" 3 "$rc"
check "no stats6: -6 export says why" grep -qF "$no_ipv6" "$tmp/f.err"
check "no stats6: -6 export keeps the old file, no temp file" prom_kept
old6 -6 senders
check_eq "no stats6: -6 senders exits 3" 3 "$rc"
old6 senders
check_eq "no stats6: senders exits 0" 0 "$rc"
hide6()
{
	unshare -m sh -c 'mount -t tmpfs none /proc/sys/net/ipv6 &&
		exec "$0" "$@"' "$TOOL" "$@" >"$tmp/h" 2>"$tmp/h.err"
	rc=$?
}
hide6 status
check_eq "no net.ipv6.icmp_guard: status exits 0" 0 "$rc"
check "no net.ipv6.icmp_guard: status shows IPv4's sysctls" \
	grep -qE '^policy +2 \(enforce\)$' "$tmp/h"
check_eq "no net.ipv6.icmp_guard: status shows no ipv6. line" 0 \
	"$(grep -c '^ipv6\.' "$tmp/h")"
hide6 -6 status
check_eq "no net.ipv6.icmp_guard: -6 status exits 3" 3 "$rc"
check "no net.ipv6.icmp_guard: -6 status says why" grep -qF \
	"has no IPv6 support (no /proc/sys/net/ipv6/icmp_guard)" "$tmp/h.err"
check_eq "no net.ipv6.icmp_guard: -6 status prints nothing" "" \
	"$(cat "$tmp/h")"

# stats6 is read as strictly, and must have every counter of its first
# version: DropTlla came with IPv6 (stats may lack it: it came later).
proc6 "$dst" dst.proc6
stats6=$(cat "$tmp/dst.proc6")
printf '%s\n' "$(grep -v '^DropTlla ' <<<"$stats6")" >"$tmp/fake/stats6"
old6 -6 stats
check_eq "stats6 without DropTlla: -6 stats exits 3" 3 "$rc"
check "stats6 without DropTlla: said so" grep -q "stats6 has no DropTlla" \
	"$tmp/f.err"
fake_stats "$(grep -v '^DropTlla ' <<<"$stats")$nl" stats
check_eq "stats without DropTlla (a module before IPv6): read" 0 "$rc"
printf '%s\n' "${stats6/InRedirects /InRedirects 0}" >"$tmp/fake/stats6"
old6 -6 stats
check_eq "stats6 with a leading zero: -6 stats exits 3" 3 "$rc"
check "stats6 with a leading zero: said where" \
	grep -q "stats6 line 1: not 'Name Value'" "$tmp/f.err"
printf '%s\n' "$stats6" >"$tmp/fake/stats6"
printf '%s\n' "$stats" >"$tmp/fake/stats"

printf '%s\n' "$stats" >"$tmp/fake/stats"
sed '2s/:/-/' "$tmp/dst.senders" >"$tmp/fake/senders"
ICMP_GUARD_PROC=$tmp/fake "$TOOL" -n "$dst" senders >"$tmp/f" 2>"$tmp/f.err"
check_eq "malformed senders line exits 3" 3 "$?"
sed '1s/Tokens/Credit/' "$tmp/dst.senders" >"$tmp/fake/senders"
ICMP_GUARD_PROC=$tmp/fake "$TOOL" -n "$dst" senders >"$tmp/f" 2>"$tmp/f.err"
check_eq "unknown senders header exits 3" 3 "$?"
check "unknown senders header: said so" grep -q "header is not" "$tmp/f.err"
# IPv6 senders share the table (ND Redirects): read as they are, and a
# broken IPv6 address is malformed.
six()
{
	{ head -1 "$tmp/dst.senders"; echo "$1 6a:f5:3d:f4:6c:25 19 332 1 0"; } \
		>"$tmp/fake/senders"
	ICMP_GUARD_PROC=$tmp/fake "$TOOL" -n "$dst" senders >"$tmp/f" \
		2>"$tmp/f.err"
	rc=$?
}
six fe80::1
check_eq "an IPv6 sender: exits 0" 0 "$rc"
check "an IPv6 sender: listed" grep -q "fe80::1 .*6a:f5:3d:f4:6c:25" "$tmp/f"
six fe80::1::2
check_eq "a malformed IPv6 sender exits 3" 3 "$rc"
# -4 and -6 show one family's senders (stats6 is there: IPv6 is).
{ head -1 "$tmp/dst.senders"; echo "10.0.0.7 6a:f5:3d:f4:6c:24 19 332 1 0"
  echo "fe80::1 6a:f5:3d:f4:6c:25 19 332 1 0"; } >"$tmp/fake/senders"
old6 -6 senders
check_eq "-6 senders: the IPv6 sender alone" "fe80::1" \
	"$(awk 'NR > 1 { print $1 }' "$tmp/f" | xargs)"
old6 -4 senders
check_eq "-4 senders: the IPv4 sender alone" "10.0.0.7" \
	"$(awk 'NR > 1 { print $1 }' "$tmp/f" | xargs)"
old6 senders
check_eq "senders: both" "10.0.0.7 fe80::1" \
	"$(awk 'NR > 1 { print $1 }' "$tmp/f" | xargs)"

# The module unloaded: status 2, the export file untouched.
check "module unloads" ig_unload
tool n1 status
check_eq "not loaded: status exits 2" 2 "$rc"
check "not loaded: said so" grep -q "icmp_guard is not loaded" "$tmp/n1.err"
tool n2 -n "$dst" stats --json
check_eq "not loaded: stats -n exits 2" 2 "$rc"
tool n3 --all export --prometheus "$prom"
check_eq "not loaded: export exits 2" 2 "$rc"
check "not loaded: export keeps the old file, no temp file" prom_kept
tool n4 -n "$dst" -6 stats
check_eq "not loaded: -6 stats exits 2, not 'no IPv6'" 2 "$rc"

# Reloaded: the counters start again, --delta says so and counts from 0.
# N Redirects again, so that src's new entry outlives the read (above).
check "module reloads" ig_load
ig_sysctl "$dst" rate 1
ig_sysctl "$dst" burst 1000
check "inject $N Redirects after the reload" inject -n $N
tool r -n "$dst" stats --delta
check_eq "--delta after a reload exits 0" 0 "$rc"
check "--delta after a reload: counters went back, said so" \
	grep -q "counters went back" "$tmp/r.err"
check_eq "--delta after a reload: the changes since zero" \
	"InRedirects $N Dropped $N DropNotGateway $N Senders 1" \
	"$(names_values r | xargs)"
tool r6 -n "$dst" -6 stats --delta
check_eq "-6 --delta after a reload exits 0" 0 "$rc"
check "-6 --delta after a reload: IPv6 counters went back, said so" \
	grep -q "IPv6 counters went back" "$tmp/r6.err"
check_eq "-6 --delta after a reload: the changes since zero" \
	"ipv6.Senders 1" "$(names_values r6 | xargs)"

# make install-tool, where the tree is (not when the tests are installed).
if [ -f "$IG_DIR/../Makefile" ]; then
	make -s -C "$IG_DIR/.." install-tool DESTDIR="$tmp/dest" PREFIX=/usr \
		>/dev/null
	check "make install-tool: the tool in PREFIX/sbin, executable" \
		test -x "$tmp/dest/usr/sbin/icmp-guard"
	check "make install-tool: the man page in PREFIX/share/man/man8" \
		test -s "$tmp/dest/usr/share/man/man8/icmp-guard.8"
fi

ktap_finish
