#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Host-side tests of the build pipeline itself (no VM).  Prints one
# "PASS|FAIL name" line per test.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
tree=$top/build/linux
log=$top/build/test/host
mkdir -p "$log"

res() { printf '%s host: %s\n' "$1" "$2"; }
check() { # check NAME CMD...
	local name=$1
	shift
	if "$@" >"$log/$(echo "$name" | tr -c 'a-zA-Z0-9\n' _).log" 2>&1; then
		res PASS "$name"
	else
		res FAIL "$name"
	fi
}

# make tree twice: the second run reuses the tree, it does not re-extract.
tree_reused() {
	local head
	head=$(git -C "$tree" rev-parse HEAD)
	"$top/scripts/tree.sh" | tee /dev/stderr | grep -q reused &&
		[ "$(git -C "$tree" rev-parse HEAD)" = "$head" ]
}
check "make tree reuses a tree that matches BASE and the series" tree_reused

# The base commit is the pinned tarball.
base_pinned() {
	local sha
	sha=$(sed -n 's/^SHA256=//p' "$top/linux/BASE")
	git -C "$tree" log -1 --format=%B base | grep -qx "sha256: $sha"
}
check "the base tag is the tarball pinned in linux/BASE" base_pinned

# make patches on the tree built from the series gives back the series,
# byte for byte (no churn), into a scratch copy of linux/patches.
patches_roundtrip() {
	local tmp
	tmp=$(mktemp -d)
	mkdir -p "$tmp/linux" "$tmp/scripts"
	cp -r "$top/linux/patches" "$tmp/linux/"
	cp "$top/scripts/patches.sh" "$tmp/scripts/"
	cp "$tree/.git/nvmzone-applied" "$tmp/applied" 2>/dev/null
	TREE=$tree bash "$tmp/scripts/patches.sh" | tee /dev/stderr | grep -q ' 0 file(s) changed' &&
		diff -r "$top/linux/patches" "$tmp/linux/patches"
	local rc=$?
	rm -rf "$tmp"
	return $rc
}
check "make patches exports the series back without churn" patches_roundtrip

# The config check catches an option that silently did not take: DEV_DAX
# cannot be built without TRANSPARENT_HUGEPAGE.
config_check_fails() {
	local frag
	frag=$(mktemp)
	echo '# CONFIG_TRANSPARENT_HUGEPAGE is not set' >"$frag"
	local out rc
	out=$(EXTRA_CONFIG=$frag CONFIG_ONLY=1 "$top/scripts/kernel.sh" 2>&1)
	rc=$?
	rm -f "$frag"
	echo "$out"
	[ "$rc" != 0 ] && grep -q 'CONFIG_DEV_DAX=y requested' <<<"$out"
}
check "make kernel fails when a requested option does not take" config_check_fails

# Every patch of the series is checkpatch --strict clean.
for p in $(grep -v '^#' "$top/linux/patches/series" 2>/dev/null); do
	checkpatch_clean() {
		# Debian's python3 (with ply and git) for spdxcheck.py.
		# CAMELCASE: checkpatch cannot see the page flag helpers that
		# macros generate (__SetPageOffline(), __ClearPageReserved()...)
		# and flags every use of them.  MACRO_ARG_UNUSED: 6.12's
		# checkpatch flags the empty variants of the per-zone list
		# macros (NVM_ZONE(xx), TEXT_FOR_NVM(xx)), written as upstream's
		# own DMA_ZONE(xx) and TEXT_FOR_DEVICE(xx) are.
		(cd "$tree" && PATH=/usr/bin:$PATH ./scripts/checkpatch.pl --strict --quiet \
			--ignore UNKNOWN_COMMIT_ID,CAMELCASE,MACRO_ARG_UNUSED "$top/linux/patches/$1")
	}
	check "checkpatch --strict: $p" checkpatch_clean "$p"
done

# The guest's table of /sys/kernel/mm/nvm (selftests/vm/guest/nvm-sysfs.sh)
# and the series' ABI file describe the same files.
abi_covers_table() {
	local abi=$tree/Documentation/ABI/testing/sysfs-kernel-mm-nvm rel bad=0
	for rel in $(sed -n "/<<'SPEC'/,/^SPEC/p" "$top/selftests/vm/guest/nvm-sysfs.sh" | sed '1d;$d' | cut -d' ' -f1); do
		grep -qP "^What:\t+/sys/kernel/mm/nvm/$rel\$" "$abi" || { echo "not in the ABI file: $rel"; bad=1; }
	done
	for rel in $(grep -oP '^What:\t+/sys/kernel/mm/nvm/\K\S+[^/]$' "$abi"); do
		grep -q "^$rel " "$top/selftests/vm/guest/nvm-sysfs.sh" || { echo "not in the guest's table: $rel"; bad=1; }
	done
	return $bad
}
check "the ABI file and the guest's /sys/kernel/mm/nvm table agree" abi_covers_table
