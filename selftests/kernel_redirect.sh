#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The kernel's own Redirect tests, with icmp_guard loaded: every Redirect a
# Linux router really sends there (IPv4 and IPv6, legacy routes and nexthop
# objects, with and without a VRF) must still be applied. The script is
# linux-source-6.1's tools/testing/selftests/net/icmp_redirect.sh, which
# scripts/install-deps installs; it makes its own namespaces:
#
#   +----+       +----+       +----+       +----+
#   | h1 |-------| r1 |-------| r2 |-------| h2 |
#   +----+  \    +----+       +----+       +----+
#            \------------------/
#   r1 forwards h1's packets to r2 out the port they came in, and sends h1
#   a Redirect; h1's route exception to h2 must then name r2.
#
# Each of its namespaces gets icmp_guard's hooks and, with inherit=1 (the
# default), init_net's knobs, both families'. Run once as shipped (enforce,
# every check): no test of the script may fail. Run again with init_net's
# policy at block, IPv4's and IPv6's: its Redirect tests of each family must
# fail, or the guard was not in their path.

source "$(dirname "$0")/lib.sh"

IG_KERNEL_TEST=${IG_KERNEL_TEST:-/usr/src/linux-source-6.1/tools/testing/selftests/net/icmp_redirect.sh}

ig_require_root
[ -r "$IG_KERNEL_TEST" ] ||
	ksft_skip "no $IG_KERNEL_TEST (package linux-source-6.1)"
ig_require_module
ktap_header

host_knob()
{
	echo "$2" >"/proc/sys/net/ipv4/icmp_guard/$1"
}

host_knob6()
{
	echo "$2" >"/proc/sys/net/ipv6/icmp_guard/$1"
}

# run_kernel_test: the script's "Tests passed/failed" figures and how many
# of its IPv4 and IPv6 tests failed, "P F F4 F6"; the tests that failed, as
# comments on stderr. The script expects its IPv6 exception tests may fail
# (XFAIL, not counted in "Tests failed"); on 6.1 with no module none does,
# so an XFAIL counts as a failure here.
run_kernel_test()
{
	local log

	log=$(mktemp)
	bash "$IG_KERNEL_TEST" >"$log" 2>&1 || :
	awk '/^Tests passed:/ { p = $3 } /^Tests failed:/ { f = $3 }
	     /^TEST: IPv4:.*\[FAIL\]/ { f4++ }
	     /^TEST: IPv6:.*\[(FAIL|XFAIL)\]/ { f6++ }
	     END { print p + 0, f + 0, f4 + 0, f6 + 0 }' "$log"
	grep -E 'TEST:.*\[X?FAIL\]' "$log" | sed 's/^/# /' | head -n 40 >&2
	rm -f "$log"
}

host_knob inherit 1
host_knob policy 2
host_knob6 policy 2
read -r passed failed _ failed6 < <(run_kernel_test)
check "the kernel's icmp_redirect.sh ran its tests ($passed)" \
	test "$passed" -ge 20
check_eq "no test of it fails with icmp_guard enforcing" 0 "$failed"
check_eq "none of its IPv6 tests fails, not even as expected (XFAIL)" 0 \
	"$failed6"

host_knob policy 3
host_knob6 policy 3
read -r passed failed failed4 failed6 < <(run_kernel_test)
# 6.1's script has 12 IPv4 Redirect tests, 3 in each of its 4 modes, and
# 8 IPv6 ones that look for the Redirect's exception, 2 in each.
check "with policy=block its IPv4 Redirect tests fail ($failed4 of 12)" \
	test "$failed4" -ge 12
check "with policy=block its IPv6 Redirect tests fail ($failed6 of 8)" \
	test "$failed6" -ge 8
host_knob policy 2
host_knob6 policy 2

ktap_finish
