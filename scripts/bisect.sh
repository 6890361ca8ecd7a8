#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make bisect: build every commit of the series on its own, in the worktree
# build/bisect, with the VM configuration of build/linux (CONFIG_ZONE_NVM=y),
# then the top of the series with CONFIG_ZONE_NVM=n and with
# CONFIG_MEMORY_MIRROR=n.  A build fails on any
# error or compiler warning.  FROM=N starts at the N-th patch (default 1).
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
src=$top/build/linux
wt=$top/build/bisect
from=${FROM:-1}

die() { printf 'bisect: error: %s\n' "$*" >&2; exit 1; }
[ -f "$src/.config" ] || die "no build/linux/.config: run 'make kernel' first"
export CCACHE_DIR=${CCACHE_DIR:-$top/build/ccache} CCACHE_BASEDIR=$top/build
export KBUILD_BUILD_TIMESTAMP='1970-01-01' KBUILD_BUILD_USER=nvmzone KBUILD_BUILD_HOST=nvmzone
cc=gcc
command -v ccache >/dev/null && cc="ccache gcc"
[ -d "$wt" ] || { git -C "$src" worktree prune; git -C "$src" worktree add -q --detach "$wt" base; }

fail=0
build() {
	local what=$1 t0
	make -C "$wt" -s ARCH=x86_64 CC="$cc" olddefconfig >/dev/null
	t0=$(date +%s)
	if make -C "$wt" -s -j"$(nproc)" ARCH=x86_64 CC="$cc" bzImage >"$wt.log" 2>&1 &&
	   ! grep -q 'warning:' "$wt.log"; then
		echo "PASS bisect: $what ($(( $(date +%s) - t0 ))s)"
	else
		echo "FAIL bisect: $what"
		grep -E 'error|warning' "$wt.log" | head -n 5 | sed 's/^/  /'
		fail=1
	fi
}
for c in $(git -C "$src" rev-list --reverse base..HEAD | tail -n +"$from"); do
	git -C "$wt" checkout -q --detach "$c"
	cp "$src/.config" "$wt/.config"
	build "$(git -C "$src" log -1 --format='%s' "$c")"
done
cp "$src/.config" "$wt/.config"
sed -i 's/^CONFIG_ZONE_NVM=y/# CONFIG_ZONE_NVM is not set/; /^CONFIG_ZONE_NVM_KUNIT_TEST=/d' "$wt/.config"
build "the top of the series with CONFIG_ZONE_NVM=n (MEMORY_MIRROR alone)"
cp "$src/.config" "$wt/.config"
sed -i 's/^CONFIG_MEMORY_MIRROR=y/# CONFIG_MEMORY_MIRROR is not set/; /^CONFIG_MEMORY_MIRROR_KUNIT_TEST=/d' "$wt/.config"
build "the top of the series with CONFIG_MEMORY_MIRROR=n"
exit "$fail"
