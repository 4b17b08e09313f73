# SPDX-License-Identifier: GPL-2.0
#
# Sourced by the scripts that install on the host, or in the guest, without
# changing it: scripts/check-readme, scripts/check-packages.
#
# ig_overlay UPPER DIR...: mount an overlay on each DIR, which keeps showing
# what it holds but takes every write into UPPER/DIR (a directory, or better
# a tmpfs, of the caller's). Run it in a private mount namespace (unshare
# --mount --propagation private) or in the test VM: the overlays vanish with
# the namespace, and nothing outside it ever sees them.

ig_overlay()
{
	local up=$1 dir

	shift
	for dir in "$@"; do
		mkdir -p "$up/$dir/u" "$up/$dir/w" || return 1
		mount -t overlay overlay \
			-o "lowerdir=$dir,upperdir=$up/$dir/u,workdir=$up/$dir/w" \
			"$dir" || return 1
	done
}
