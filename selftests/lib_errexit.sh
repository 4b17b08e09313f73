#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# lib.sh's helpers under `set -e`, as scripts/demo and scripts/bench call
# them. Each case runs in a child bash with errexit on; it must run to its
# last line and leave with the status it chose. The child's own KTAP lines
# are kept out of this test's output (the runner would count them).
#
#   +-------------------+
#   | this test (bash)  |--- child: bash -e, sources lib.sh
#   +-------------------+        +------+
#                                |  a   |  a namespace of setup_ns, with
#                                +------+  its ig_nsh shell
#
# Each of these once ended a `set -e` script early or with a wrong status:
# ig_sleep's timed-out read, ig_netns_del's wait on the shell it killed
# (status 143 from the EXIT trap), check on a failing command.

source "$(dirname "$0")/lib.sh"

ig_require_root
ktap_header

LIB=$IG_DIR/lib.sh

# errexit_case DESCRIPTION WANT_STATUS SCRIPT: run SCRIPT after lib.sh in
# a `bash -e`; it must print "reached" and exit WANT_STATUS.
errexit_case()
{
	local desc=$1 want=$2 out rc=0

	out=$(bash -e -c "source '$LIB'; $3; echo reached" 2>&1) || rc=$?
	if [ "$rc" -ne "$want" ] || ! grep -qx reached <<<"$out"; then
		echo "# $desc: status $rc (want $want), output:"
		sed 's/^/#   | /' <<<"$out" | tail -n 8
		ktap_result 1 "$desc"
		return
	fi
	ktap_result 0 "$desc"
}

errexit_case "ig_sleep returns 0 when its time is up" 0 \
	'ig_sleep 0.1'
errexit_case "ig_wait_for retries, then reports the timeout to its caller" 0 \
	'n=0; ig_wait_for 3 eval "n=\$((n + 1)); false" || [ $n -eq 3 ]'
errexit_case "ig_wait_for returns 0 once the command succeeds" 0 \
	'n=0; ig_wait_for 5 eval "n=\$((n + 1)); [ \$n -ge 2 ]"'
errexit_case "check records a failing command and goes on" 0 \
	'check "a failing command" false; [ $ig_nfail -eq 1 ]'
errexit_case "check_eq records a mismatch and goes on" 0 \
	'check_eq "a mismatch" a b; [ $ig_nfail -eq 1 ]'
errexit_case "setup_ns, ig_nsh and ig_sysctl-style reads work" 0 \
	'setup_ns a; [ "$(ig_nsh "$a" "echo hi")" = hi ];
	 ig_nsh "$a" "false" || [ $? -eq 1 ]'
errexit_case "ig_netns_del reaps the namespace's shell without error" 0 \
	'setup_ns a; ig_netns_del "$a"; ! ip netns list | grep -q "$a"'

# The EXIT trap must not change the script's status: exit 0 stays 0 with
# live namespaces (their shells die of SIGTERM), exit 3 stays 3.
errexit_case "exit 0 with live namespaces leaves with 0" 0 \
	'setup_ns a b; trap "ig_cleanup; echo reached" EXIT; exit 0'
errexit_case "exit 3 with live namespaces leaves with 3" 3 \
	'setup_ns a; trap "ig_cleanup; echo reached" EXIT; exit 3'
errexit_case "a failing cleanup hook does not stop the cleanup" 0 \
	'setup_ns a; IG_CLEANUP_HOOK=false; ig_cleanup;
	 ! ip netns list | grep -q "$a"'

# No namespace of the cases above may be left behind.
left=$(ip netns list | grep -c '^ig-[ab]-' || :)
check_eq "no namespace left behind" 0 "$left"

ktap_finish
