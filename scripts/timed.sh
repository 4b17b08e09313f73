# SPDX-License-Identifier: GPL-2.0
#
# Sourced by scripts/check and scripts/check-debug (safe under set -eu).
#
# timed: copy a kselftest run's output from stdin to stdout, with each test
# program's wall time after its result ("# time: fuzz.sh 812 s"), so that a
# CI log shows where a lane's time goes.
timed()
{
	local line t0=$SECONDS

	while IFS= read -r line; do
		case $line in
		"# selftests: "*) t0=$SECONDS ;;
		esac
		printf '%s\n' "$line"
		case $line in
		"ok "*" selftests: "* | "not ok "*" selftests: "*)
			line=${line##*selftests: }
			echo "# time: ${line%% *} $((SECONDS - t0)) s"
			;;
		esac
	done
}
