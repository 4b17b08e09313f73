# SPDX-License-Identifier: GPL-2.0
#
# Helpers shared by icmp_guard's selftests: KTAP output, namespaces with
# unique names torn down by a trap, the module, its sysctls and counters.
# Sourced by bash scripts; they run as root, in the test VM or on a real
# host with icmp_guard installed.
#
# Every helper is safe under `set -e` (scripts/demo and scripts/bench use
# it): a helper returns non-zero only to report a failure its caller asked
# about, never from a timed-out read, a reaped child or a failed
# best-effort step. lib_errexit.sh checks this.

KSFT_PASS=0
KSFT_FAIL=1
KSFT_SKIP=4

IG_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
IG_INJECT=${ICMP_GUARD_INJECT:-$IG_DIR/redirect_inject}

ig_ntest=0
ig_nfail=0
ig_namespaces=()

# ---------------------------------------------------------------- KTAP

ktap_header()
{
	echo "TAP version 13"
}

# ok/not ok for one assertion; "$1" is 0 for success.
ktap_result()
{
	local rc=$1
	shift

	ig_ntest=$((ig_ntest + 1))
	if [ "$rc" -eq 0 ]; then
		echo "ok $ig_ntest $*"
	else
		ig_nfail=$((ig_nfail + 1))
		echo "not ok $ig_ntest $*"
	fi
}

# check DESCRIPTION CMD...: run CMD, an assertion passes if it exits 0.
check()
{
	local desc=$1 rc=0

	shift
	"$@" || rc=$?
	ktap_result $rc "$desc"
}

# check_eq DESCRIPTION EXPECTED ACTUAL
check_eq()
{
	if [ "$2" = "$3" ]; then
		ktap_result 0 "$1"
	else
		echo "# $1: expected '$2', got '$3'"
		ktap_result 1 "$1"
	fi
}

ksft_skip()
{
	echo "# SKIP: $*"
	echo "1..0 # SKIP $*"
	exit $KSFT_SKIP
}

# Print the plan and leave with the verdict; the EXIT trap cleans up.
ktap_finish()
{
	echo "1..$ig_ntest"
	echo "# $((ig_ntest - ig_nfail)) passed, $ig_nfail failed"
	[ "$ig_nfail" -eq 0 ] && exit $KSFT_PASS
	exit $KSFT_FAIL
}

# ---------------------------------------------------------------- setup

ig_require_root()
{
	[ "$(id -u)" -eq 0 ] || ksft_skip "needs root"
	command -v ip >/dev/null || ksft_skip "needs iproute2"
}

# ig_redirect_every_packet: a Linux router backs off its Redirects to a
# host (20 ms * 2^n, at most redirect_number of them, route.c): a test whose
# router must send one per forwarded packet lifts that, for the whole
# guest (the knobs are global); ig_cleanup puts the old values back.
IG_ROUTE_SYSCTL=/proc/sys/net/ipv4/route
ig_redirect_every_packet()
{
	read -r IG_OLD_REDIRECT_NUMBER <"$IG_ROUTE_SYSCTL/redirect_number"
	read -r IG_OLD_REDIRECT_LOAD <"$IG_ROUTE_SYSCTL/redirect_load"
	echo 1000000 >"$IG_ROUTE_SYSCTL/redirect_number"
	echo 0 >"$IG_ROUTE_SYSCTL/redirect_load"
}

ig_cleanup()
{
	local ns

	if [ -n "${IG_CLEANUP_HOOK:-}" ]; then
		$IG_CLEANUP_HOOK || :
	fi
	if [ -n "${IG_OLD_REDIRECT_NUMBER:-}" ]; then
		echo "$IG_OLD_REDIRECT_NUMBER" \
			>"$IG_ROUTE_SYSCTL/redirect_number" || :
		echo "$IG_OLD_REDIRECT_LOAD" >"$IG_ROUTE_SYSCTL/redirect_load" || :
	fi
	for ns in "${ig_namespaces[@]}"; do
		ig_netns_del "$ns" 2>/dev/null || :
	done
	ig_namespaces=()
	return 0
}
trap ig_cleanup EXIT

# setup_ns VAR...: create one namespace per VAR with a unique name, stored
# in VAR, with lo up and a shell for ig_nsh. Names are unique so tests can
# run side by side.
setup_ns()
{
	local var name

	for var in "$@"; do
		name="ig-$var-$(mktemp -u XXXXXX)"
		ip netns add "$name" || return 1
		ig_namespaces+=("$name")
		ip -n "$name" link set lo up
		ig_nsh_start "$name" || return 1
		eval "$var=\$name"
	done
}

# ig_netns_del NS: delete a namespace of setup_ns, and its shell, so that
# nothing holds it any more and the kernel really tears it down.
ig_netns_del()
{
	local ns=$1

	if [ -n "${ig_nsh_pid[$ns]:-}" ]; then
		# The shell dies of the signal: wait reports 143, no error.
		kill "${ig_nsh_pid[$ns]}" 2>/dev/null || :
		wait "${ig_nsh_pid[$ns]}" 2>/dev/null || :
		exec {ig_nsh_w[$ns]}>&- {ig_nsh_r[$ns]}<&-
		unset "ig_nsh_pid[$ns]" "ig_nsh_w[$ns]" "ig_nsh_r[$ns]"
	fi
	ip netns del "$ns"
}

# ig_nsexec NS CMD...: run CMD in NS's network namespace only. Enough for
# sockets and /proc/net, and cheaper than ip netns exec, which also makes a
# mount namespace and mounts /sys.
ig_nsexec()
{
	nsenter --net="/run/netns/$1" "${@:2}"
}

# ---------------------------------------------------------------- ig_nsh
#
# Sysctls and counters are read and written hundreds of times per test, and
# on the debug kernel under TCG every process started costs about 0.6 s
# (ip netns exec: 2.8 s). So each namespace gets one bash living in it, fed
# one-line commands through a pipe, and ig_nsh runs builtins there without
# starting any process. The shell only enters the network namespace: /proc
# is right for it, /sys is not.

declare -A ig_nsh_w ig_nsh_r ig_nsh_pid

ig_nsh_start()
{
	local ns=$1 w r

	# A pipe only we hold, opened read-write, for the answers.
	exec {r}<> <(:)
	exec {w}> >(exec nsenter --net="/run/netns/$ns" bash -c '
		while IFS= read -r cmd; do
			eval "$cmd"
			echo "@@ig_nsh $?"
		done' >&"$r" 2>&1)
	ig_nsh_pid[$ns]=$!
	ig_nsh_w[$ns]=$w
	ig_nsh_r[$ns]=$r
	ig_nsh "$ns" : >/dev/null
}

# ig_nsh NS CMD: run the one-line bash command CMD in NS's shell; its
# output and error output on stdout, its exit status as ours.
ig_nsh()
{
	local ns=$1 line

	printf '%s\n' "$2" >&"${ig_nsh_w[$ns]}" || return 1
	while IFS= read -r -t 300 line <&"${ig_nsh_r[$ns]}"; do
		case $line in
		"@@ig_nsh "*) return "${line#@@ig_nsh }" ;;
		esac
		printf '%s\n' "$line"
	done
	echo "ig_nsh: no answer from $ns's shell to: $2"
	return 1
}

# ---------------------------------------------------------------- module

ig_module_loaded()
{
	[ -d /sys/module/icmp_guard ]
}

# Prefer an explicit path, then the module built in this tree, then an
# installed one, so a stale installed copy never shadows the tree's build.
ig_load()
{
	local ko=${ICMP_GUARD_KO:-$IG_DIR/../icmp_guard.ko}

	ig_module_loaded && return 0
	if [ -f "$ko" ]; then
		insmod "$ko"
	else
		modprobe icmp_guard
	fi
}

ig_unload()
{
	ig_module_loaded || return 0
	rmmod icmp_guard
}

# Skip when the module cannot be loaded at all.
ig_require_module()
{
	ig_load 2>/dev/null || ksft_skip "icmp_guard module not loadable"
}

# ---------------------------------------------------------------- knobs

# Every sysctl of every namespace: its default in a namespace created by the
# tests (log is 0 outside init_net), another legal value, values out of
# range. init_net alone also has "inherit" (netns_limits.sh tests it).
IG_KNOBS="policy demote check_gateway check_lladdr check_new_gateway
	  check_inner_source check_evidence evidence_ms log rate burst
	  global_rate global_burst max_senders"
declare -gA IG_DEFAULT=([policy]=2 [demote]=1 [check_gateway]=1
			[check_lladdr]=1 [check_new_gateway]=1
			[check_inner_source]=1 [check_evidence]=1
			[evidence_ms]=2000 [log]=0 [rate]=10 [burst]=20
			[global_rate]=500 [global_burst]=1000
			[max_senders]=4096)
declare -gA IG_OTHER=([policy]=0 [demote]=0 [check_gateway]=0
		      [check_lladdr]=0 [check_new_gateway]=0
		      [check_inner_source]=0 [check_evidence]=0
		      [evidence_ms]=60000 [log]=1 [rate]=1000000000
		      [burst]=1000000 [global_rate]=1 [global_burst]=1
		      [max_senders]=1048576)
declare -gA IG_BAD=([policy]="-1 4" [demote]="-1 2" [check_gateway]="-1 2"
		    [check_lladdr]="-1 2" [check_new_gateway]="-1 2"
		    [check_inner_source]="-1 2" [check_evidence]="-1 2"
		    [evidence_ms]="9 60001 0" [log]="-1 2"
		    [rate]="0 -5 1000000001" [burst]="0 1000001"
		    [global_rate]="0 1000000001" [global_burst]="0 1000001"
		    [max_senders]="0 1048577")
# Out of range for every knob: past INT_MAX, not a number.
IG_BAD_ANY="2147483648 nonsense"

# The family the helpers below read and write: IPv4's sysctls and stats,
# or, with IG_FAMILY=6 (the IPv6 tests), net.ipv6.icmp_guard and stats6.
IG_FAMILY=${IG_FAMILY:-4}
ig_family_paths()
{
	if [ "$IG_FAMILY" = 6 ]; then
		IG_SYSCTL_DIR=/proc/sys/net/ipv6/icmp_guard
		IG_STATS_FILE=/proc/net/icmp_guard/stats6
	else
		IG_SYSCTL_DIR=/proc/sys/net/ipv4/icmp_guard
		IG_STATS_FILE=/proc/net/icmp_guard/stats
	fi
}
ig_family_paths

# ig_sysctl NS NAME [VALUE]: read or write net.ipv4.icmp_guard.NAME
# (net.ipv6 with IG_FAMILY=6).
ig_sysctl()
{
	local ns=$1 name=$2

	if [ $# -ge 3 ]; then
		ig_nsh "$ns" "echo '$3' > $IG_SYSCTL_DIR/$name"
	else
		ig_nsh "$ns" "read -r v < $IG_SYSCTL_DIR/$name && echo \"\$v\""
	fi
}

# ig_no_evidence NS: switch check 6 off in NS. For tests of the other
# checks and of the limiter: the injector's embedded datagrams were never
# sent by the victim, so check 6 would refuse them all (redirect_evidence.sh
# tests it with datagrams the victim really sent).
ig_no_evidence()
{
	ig_sysctl "$1" check_evidence 0
}

# ig_stats NS: NS's /proc/net/icmp_guard/stats (stats6 with IG_FAMILY=6).
ig_stats()
{
	ig_nsh "$1" "while read -r n v; do echo \"\$n \$v\"; done < $IG_STATS_FILE"
}

# ig_stat NS NAME: one counter of /proc/net/icmp_guard/stats.
ig_stat()
{
	ig_nsh "$1" "f=missing; while read -r n v; do [ \"\$n\" = '$2' ] && f=\$v && break; done 2>/dev/null < $IG_STATS_FILE; echo \"\$f\""
}

# ig_snap NS: remember every counter of NS; ig_delta NS NAME: its change.
declare -A ig_snapshot
ig_snap()
{
	local name value stats

	stats=$(ig_stats "$1") || return 1
	while read -r name value; do
		ig_snapshot[$1:$name]=$value
	done <<<"$stats"
}

ig_delta()
{
	echo $(($(ig_stat "$1" "$2") - ${ig_snapshot[$1:$2]:-0}))
}

# ig_mib NS NAME...: the sum of Linux's own MIB counters NAME (nstat's
# names: TcpExtLockDroppedIcmps, Ip6OutOctets, ...) in NS, absolute.
ig_mib()
{
	local ns=$1

	shift
	ip netns exec "$ns" nstat -az "$@" |
		awk -v want=" $* " 'index(want, " " $1 " ") { n += $2 }
			END { print n + 0 }'
}

# check_deltas NS DESCRIPTION NAME=DELTA...: every named counter moved by
# exactly DELTA since ig_snap, and every other counter did not move.
check_deltas()
{
	local ns=$1 desc=$2 name value want bad="" stats
	declare -A expect=()

	shift 2
	for want in "$@"; do
		expect[${want%%=*}]=${want#*=}
	done
	stats=$(ig_stats "$ns") || bad=" (no counters to read)"
	while read -r name value; do
		[ -n "$name" ] || continue
		[ "$name" = Senders ] && continue	# a gauge, not a counter
		want=${expect[$name]:-0}
		unset "expect[$name]"
		if [ "$((value - ${ig_snapshot[$ns:$name]:-0}))" -ne "$want" ]; then
			bad="$bad $name:$((value - ${ig_snapshot[$ns:$name]:-0}))/$want"
		fi
	done <<<"$stats"
	# A counter expected to move must exist.
	for name in "${!expect[@]}"; do
		bad="$bad $name:missing"
	done
	[ -n "$bad" ] && echo "# $desc: counter delta got/want:$bad"
	ktap_result "$([ -z "$bad" ]; echo $?)" "$desc"
}

# The counters' invariants: InRedirects = Accepted + Dropped, Dropped is
# the sum of the Drop* reasons, and the Redirects passed unjudged where
# Linux ignores them (IgnoredNoAccept) are some of the Accepted.
check_invariants()
{
	local ns=$1 out="" stats name value drops=0
	declare -A v=()

	stats=$(ig_stats "$ns") || out="no counters to read"
	while read -r name value; do
		[ -n "$name" ] || continue
		v[$name]=$value
		case $name in
		Drop[A-Z]*) drops=$((drops + value)) ;;
		esac
	done <<<"$stats"
	if [ "${v[InRedirects]:-x}" != "$((${v[Accepted]:-0} + ${v[Dropped]:-0}))" ]; then
		out="$out InRedirects ${v[InRedirects]:-missing} != Accepted ${v[Accepted]:-missing} + Dropped ${v[Dropped]:-missing};"
	fi
	if [ "${v[Dropped]:-x}" != "$drops" ]; then
		out="$out Dropped ${v[Dropped]:-missing} != sum of Drop* $drops;"
	fi
	if [ "${v[IgnoredNoAccept]:-0}" -gt "${v[Accepted]:-0}" ]; then
		out="$out IgnoredNoAccept ${v[IgnoredNoAccept]} > Accepted ${v[Accepted]:-missing};"
	fi
	[ -n "$out" ] && echo "#$out"
	ktap_result "$([ -z "$out" ]; echo $?)" "counter invariants hold in $ns"
}

# ---------------------------------------------------------------- links

# ig_mac NS DEV: the link-layer address of DEV in NS.
ig_mac()
{
	ip -n "$1" -br link show dev "$2" | awk '{ print $3 }'
}

# ig_sleep SECONDS: sleep without starting a process (see ig_nsh): wait
# for input that never comes on a pipe only we hold.
exec {ig_sleep_fd}<> <(:)
ig_sleep()
{
	# read -t fails (status > 128) when the time is up, as intended.
	read -r -t "$1" -u "$ig_sleep_fd" _ || :
}

# ig_wait_for TRIES CMD...: retry CMD every 0.2 s, TRIES times.
ig_wait_for()
{
	local tries=$1

	shift
	while [ "$tries" -gt 0 ]; do
		"$@" && return 0
		tries=$((tries - 1))
		ig_sleep 0.2
	done
	return 1
}

# ---------------------------------------------------------------- the LAN
#
# setup_lan [vrf|nexthop]: the redirect topology most tests use.
#
#                         LAN 10.1.0.0/24, a bridge in $lan
#   +--------+ .10            |            .1 +------+
#   | victim |----------------+---------------|  r1  |  victim's gateway
#   +--------+ eth0           |          eth0 +------+  (to 10.2/24 via r2)
#       | eth1 10.3.0.10      |            .2 +------+ .2         .20 +-----+
#   +--------+ .1             +---------------|  r2  |----------------| far |
#   |  side  |                |          eth0 +------+ eth1  10.2/24  +-----+
#   +--------+                |           .66 +----------+
#    (a second link)          +---------------| attacker |
#                                        eth0 +----------+
#
# victim routes 10.2.0.0/24 via r1 (a default route, a nexthop object, or a
# default route in VRF "blue"); r1 routes it via r2 on the same LAN, so
# victim -> far traffic makes r1 send victim a real Redirect to r2.

VICTIM=10.1.0.10
R1=10.1.0.1
R2=10.1.0.2
ATTACKER=10.1.0.66
FAR=10.2.0.20
VRF_ARG=""
PING_ARG=""

# lan_host NS ADDR [COMMANDS]: NS's eth0 gets ADDR/24 and comes up, then
# the ip COMMANDS (one per line) run, all in one ip: on the debug kernel
# under TCG every process started costs about 0.6 s.
lan_host()
{
	ip -n "$1" -batch - <<-EOF
		addr add $2/24 dev eth0
		link set eth0 up
		${3:-}
	EOF
}

# lan_port NS: NS's eth0 is cabled to this port of the LAN's bridge.
lan_port()
{
	echo "p-${1: -6}"
}

setup_lan()
{
	local mode=${1:-legacy} ns routes="" ports

	setup_ns lan victim r1 r2 attacker far side || return 1
	ports=("$victim" "$r1" "$r2" "$attacker")
	ip -batch - <<-EOF || return 1
		link add eth1 netns $r2 type veth peer name eth0 netns $far
		link add eth1 netns $victim type veth peer name eth0 netns $side
		$(for ns in "${ports[@]}"; do
			echo "link add eth0 netns $ns type veth peer name $(lan_port "$ns") netns $lan"
		done)
	EOF
	ip -n "$lan" -batch - <<-EOF || return 1
		link add br0 type bridge stp_state 0 forward_delay 0
		link set br0 up
		$(for ns in "${ports[@]}"; do
			echo "link set $(lan_port "$ns") master br0 up"
		done)
	EOF
	lan_host "$r1" $R1 "route add 10.2.0.0/24 via $R2" || return 1
	lan_host "$r2" $R2 "addr add 10.2.0.2/24 dev eth1
		link set eth1 up" || return 1
	lan_host "$attacker" $ATTACKER || return 1
	lan_host "$far" $FAR "route add default via 10.2.0.2" || return 1
	lan_host "$side" 10.3.0.1 || return 1

	for ns in "$r1" "$r2"; do
		ig_nsh "$ns" 'echo 1 > /proc/sys/net/ipv4/ip_forward' || return 1
	done
	# The victim is a plain host: Linux's defaults, but no reverse-path
	# filter, so a Redirect can reach the hook on the "wrong" link.
	ig_nsh "$victim" 'echo 0 > /proc/sys/net/ipv4/conf/all/rp_filter && echo 0 > /proc/sys/net/ipv4/conf/eth1/rp_filter' ||
		return 1

	case "$mode" in
	legacy)
		IG_GW_ROUTES="route add default via $R1"
		IG_GW_UNROUTES="route del default"
		;;
	nexthop)
		IG_GW_ROUTES="nexthop add id 1 via $R1 dev eth0
			route add 10.2.0.0/16 nhid 1"
		IG_GW_UNROUTES="route del 10.2.0.0/16
			nexthop del id 1"
		;;
	vrf)
		routes="link add blue type vrf table 10
			link set blue up
			route add vrf blue unreachable default metric 8192
			addr add 127.0.0.1/8 dev blue
			link set eth0 vrf blue up"
		IG_GW_ROUTES="route add vrf blue default via $R1"
		IG_GW_UNROUTES="route del vrf blue default via $R1"
		VRF_ARG="vrf blue"
		PING_ARG="-I blue"
		;;
	esac
	lan_host "$victim" $VICTIM "addr add 10.3.0.10/24 dev eth1
		link set eth1 up
		$routes
		$IG_GW_ROUTES" || return 1
	VICTIM_MAC=$(ig_mac "$victim" eth0)
}

# victim_ping ADDR [COUNT]: ping from the victim (in its VRF, if any).
victim_ping()
{
	ip netns exec "$victim" ping $PING_ARG -c "${2:-1}" -i 0.2 -W 1 -q \
		"$1" >/dev/null 2>&1
}

# victim_gw ADDR: the gateway the victim uses for ADDR now, with a trailing
# " redirected" when that comes from a Redirect.
victim_gw()
{
	local w prev="" gw=none r=""

	for w in $(ip -n "$victim" route get $VRF_ARG "$1" 2>/dev/null); do
		[ "$prev" = via ] && gw=$w
		[ "$w" = "<redirected>" ] && r=" redirected"
		prev=$w
	done
	echo "$gw$r"
}

# Forget every learnt Redirect: a route's exceptions die with its nexthop.
# setup_lan set the victim's routes to r1, and how to take them away.
reset_victim_routes()
{
	ip -n "$victim" -force -batch - <<<"$IG_GW_UNROUTES
		$IG_GW_ROUTES"
}

# ig_begin_lan_test [MODE]: the preamble of the LAN tests: root, the
# injector and the module, KTAP, setup_lan MODE, and a victim that has
# resolved r1 and r2, as after normal traffic.
ig_begin_lan_test()
{
	ig_require_root
	[ -x "$IG_INJECT" ] || ksft_skip "redirect_inject not built"
	ig_require_module
	ktap_header
	setup_lan "${1:-legacy}" || ksft_skip "cannot build the topology"
	check "victim reaches r1" victim_ping $R1
	check "victim reaches r2" victim_ping $R2
}

# ig_inject_at NS IFACE [injector options]: send Redirects at the victim's
# eth0 from IFACE in NS. Defaults: a well-formed Host Redirect claiming to
# come from r1, sending far's traffic to r2, about an echo reply the victim
# sent to far.
ig_inject_at()
{
	ig_nsexec "$1" "$IG_INJECT" -q -i "$2" \
		--dst-mac "$VICTIM_MAC" -s $R1 -d $VICTIM \
		-g $R2 -c 1 --inner-src $VICTIM --inner-dst $FAR "${@:3}"
}

# inject NS [injector options]: from NS's eth0, across the LAN's bridge.
inject()
{
	ig_inject_at "$1" eth0 "${@:2}"
}

# inject_lan [injector options]: from the bridge's port to the victim,
# straight onto the victim's wire. For floods of random source MACs: 6.1's
# bridge learns every one (unbounded until 6.5), and a flood through it
# grows the bridge's table by the hundred thousand, which the debug kernel
# pays for in every later test; the victim sees the same frames.
inject_lan()
{
	ig_inject_at "$lan" "$(lan_port "$victim")" "$@"
}

# ---------------------------------------------------------------- the IPv6 LAN
#
# setup_lan6 [legacy|nexthop|vrf|ra]: setup_lan's topology, IPv6 only, with
# fixed link-local addresses (no EUI-64 ones, no DAD):
#
#   victim fe80::10 2001:db8:1::10 --+-- r1 fe80::1 2001:db8:1::1 (router)
#   attacker fe80::66 2001:db8:1::66 +-- r2 fe80::2 2001:db8:1::2 -- far
#                                          eth1 2001:db8:2::2    2001:db8:2::20
#
# victim reaches 2001:db8:2::/64 through r1's link-local address: a static
# default route (legacy), a nexthop object, a default in VRF "blue", or a
# default learned from r1's Router Advertisement (ra); r1 routes it via
# fe80::2 on the same LAN, so victim -> far traffic makes r1 send victim a
# real ND Redirect to fe80::2.

V6_VICTIM=2001:db8:1::10
V6_FAR=2001:db8:2::20
LL_VICTIM=fe80::10
LL_R1=fe80::1
LL_R2=fe80::2
LL_ATTACKER=fe80::66

# lan6_prep NS: no automatic link-local address, no DAD, for links made
# in NS from now on.
lan6_prep()
{
	ig_nsh "$1" 'for k in addr_gen_mode:1 accept_dad:0 dad_transmits:0; do echo ${k#*:} > /proc/sys/net/ipv6/conf/default/${k%:*}; done'
}

# lan6_host NS LL GLOBAL [COMMANDS]
lan6_host()
{
	ip -n "$1" -batch - <<-EOF
		addr add $2/64 dev eth0 nodad
		addr add $3/64 dev eth0 nodad
		link set eth0 up
		${4:-}
	EOF
}

setup_lan6()
{
	local mode=${1:-legacy} ns routes="" ports

	setup_ns lan victim r1 r2 attacker far || return 1
	for ns in "$victim" "$r1" "$r2" "$attacker" "$far"; do
		lan6_prep "$ns" || return 1
	done
	ports=("$victim" "$r1" "$r2" "$attacker")
	ip -batch - <<-EOF || return 1
		link add eth1 netns $r2 type veth peer name eth0 netns $far
		$(for ns in "${ports[@]}"; do
			echo "link add eth0 netns $ns type veth peer name $(lan_port "$ns") netns $lan"
		done)
	EOF
	ip -n "$lan" -batch - <<-EOF || return 1
		link add br0 type bridge stp_state 0 forward_delay 0
		link set br0 up
		$(for ns in "${ports[@]}"; do
			echo "link set $(lan_port "$ns") master br0 up"
		done)
	EOF
	for ns in "$r1" "$r2"; do
		ig_nsh "$ns" 'echo 1 > /proc/sys/net/ipv6/conf/all/forwarding' ||
			return 1
	done
	lan6_host "$r1" $LL_R1 2001:db8:1::1 \
		"route add 2001:db8:2::/64 via $LL_R2 dev eth0" || return 1
	# Neighbour Solicitations leave from a link-local address: eth1 and
	# far need one too.
	lan6_host "$r2" $LL_R2 2001:db8:1::2 \
		"addr add 2001:db8:2::2/64 dev eth1 nodad
		addr add $LL_R2/64 dev eth1 nodad
		link set eth1 up" || return 1
	lan6_host "$attacker" $LL_ATTACKER 2001:db8:1::66 || return 1
	ip -n "$far" -batch - <<-EOF || return 1
		addr add $V6_FAR/64 dev eth0 nodad
		addr add fe80::20/64 dev eth0 nodad
		link set eth0 up
		route add default via 2001:db8:2::2
	EOF

	VRF_ARG=""
	PING_ARG=""
	case "$mode" in
	legacy)
		IG_GW_ROUTES="route add default via $LL_R1 dev eth0"
		IG_GW_UNROUTES="route del default via $LL_R1 dev eth0"
		;;
	ra)
		IG_GW_ROUTES=""
		IG_GW_UNROUTES=""
		;;
	nexthop)
		IG_GW_ROUTES="nexthop add id 1 via $LL_R1 dev eth0
			route add 2001:db8:2::/48 nhid 1"
		IG_GW_UNROUTES="route del 2001:db8:2::/48
			nexthop del id 1"
		;;
	vrf)
		routes="link add blue type vrf table 10
			link set blue up
			route add vrf blue unreachable default metric 8192
			link set eth0 vrf blue up"
		IG_GW_ROUTES="route add vrf blue default via $LL_R1 dev eth0"
		IG_GW_UNROUTES="route del vrf blue default via $LL_R1 dev eth0"
		VRF_ARG="vrf blue"
		PING_ARG="-I blue"
		;;
	esac
	ip -n "$victim" -6 -batch - <<-EOF || return 1
		addr add $LL_VICTIM/64 dev eth0 nodad
		addr add $V6_VICTIM/64 dev eth0 nodad
		link set eth0 up
		$routes
		$IG_GW_ROUTES
	EOF
	if [ "$mode" = vrf ]; then
		# Enslaving flushed the addresses: once more, in the VRF.
		ip -n "$victim" -6 -batch - <<-EOF || return 1
			addr add $LL_VICTIM/64 dev eth0 nodad
			addr add $V6_VICTIM/64 dev eth0 nodad
		EOF
	fi
	VICTIM_MAC=$(ig_mac "$victim" eth0)
	R1_MAC=$(ig_mac "$r1" eth0)
	R2_MAC=$(ig_mac "$r2" eth0)
	ATTACKER_MAC=$(ig_mac "$attacker" eth0)
}

# victim6_ping ADDR [COUNT]
victim6_ping()
{
	ip netns exec "$victim" ping -6 $PING_ARG -c "${2:-1}" -i 0.2 -W 1 -q \
		"$1" >/dev/null 2>&1
}

# victim6_gw ADDR: the router the victim uses for ADDR now ("none" if it
# has no route, the address itself for an on-link one).
victim6_gw()
{
	local w prev="" gw=none

	for w in $(ip -n "$victim" -6 route get $VRF_ARG "$1" 2>/dev/null); do
		[ "$prev" = via ] && gw=$w
		[ "$prev" = dev ] && [ "$gw" = none ] && gw=direct
		prev=$w
	done
	echo "$gw"
}

# victim6_neigh ADDR: the victim's link-layer address for ADDR on eth0.
victim6_neigh()
{
	local w prev="" ll=none

	for w in $(ip -n "$victim" -6 neigh show "$1" dev eth0 2>/dev/null); do
		[ "$prev" = lladdr ] && ll=$w
		prev=$w
	done
	echo "$ll"
}

# Forget every learnt Redirect: the victim's route exceptions go.
reset_victim6_routes()
{
	ip -n "$victim" -6 route flush cache 2>/dev/null || :
	[ -z "$IG_GW_UNROUTES" ] && return 0
	ip -n "$victim" -6 -force -batch - <<<"$IG_GW_UNROUTES
		$IG_GW_ROUTES"
}

# ig_inject6_at NS IFACE [injector options]: an ND Redirect at the victim's
# eth0 from IFACE in NS. Defaults: from r1's link-local address, for far,
# target r2, with no Redirected Header.
ig_inject6_at()
{
	ig_nsexec "$1" "$IG_INJECT" -q -i "$2" \
		--dst-mac "$VICTIM_MAC" -s $LL_R1 -d $LL_VICTIM \
		-g $LL_R2 --dest $V6_FAR --inner-src $V6_VICTIM \
		--inner-dst $V6_FAR "${@:3}"
}

inject6()
{
	ig_inject6_at "$1" eth0 "${@:2}"
}

# ig_begin_lan6_test [MODE]: root, the injector, the module, KTAP,
# setup_lan6 MODE, a victim that has resolved r1 and r2.
ig_begin_lan6_test()
{
	IG_FAMILY=6
	ig_family_paths
	ig_require_root
	[ -x "$IG_INJECT" ] || ksft_skip "redirect_inject not built"
	ig_require_module
	ktap_header
	setup_lan6 "${1:-legacy}" || ksft_skip "cannot build the topology"
	check "victim reaches r1" ig_wait_for 20 victim6_ping $LL_R1%eth0
	check "victim reaches r2" ig_wait_for 20 victim6_ping $LL_R2%eth0
}
