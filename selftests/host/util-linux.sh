#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Host-side tests of the VM's patched lsmem and chmem (scripts/util-linux.sh)
# against a fake /sys/devices/system/memory tree.  Prints one
# "PASS|FAIL name" line per test.
#
# lsmem reads the fake tree through --sysroot.  chmem has no --sysroot: it
# runs in a private mount namespace (unshare -m, root) where the fake tree
# is bind-mounted over /sys/devices/system/memory, so it never touches the
# host's memory.  The host's own lsmem and chmem run on the same trees and
# must fail the NVM checks, which shows that the tests can fail.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
bin=$top/build/util-linux/bin
# The host's stock util-linux.
host_lsmem=$(PATH=/usr/bin:/bin command -v lsmem)
host_chmem=$(PATH=/usr/sbin:/usr/bin:/sbin:/bin command -v chmem)
log=$top/build/test/host
mkdir -p "$log"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

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

# fake DIR: DIR/sys/devices/system/memory with 128 MiB blocks.  chmem
# opens state files for writing without truncating them, so each initial
# state is no longer than what is expected to be written over it.
fake() {
	local mem=$1/sys/devices/system/memory n state zones
	mkdir -p "$mem"
	echo 8000000 >"$mem/block_size_bytes"
	touch "$mem/nvmzone-fake"
	while read -r n state zones; do
		mkdir -p "$mem/memory$n"
		echo "$state" >"$mem/memory$n/state"
		echo "$zones" >"$mem/memory$n/valid_zones"
		echo 1 >"$mem/memory$n/removable"
		mkdir -p "$mem/memory$n/node0"
	done <<-EOF
	0 online DMA32
	1 offline Normal Movable NVM
	2 offline Normal Movable NVM
	3 offline Normal Movable
	4 online NVM
	5 online Normal
	EOF
}
state() { cat "$1/sys/devices/system/memory/memory$2/state"; }

# in_fake DIR CMD...: run CMD with DIR's fake tree as /sys/devices/system/memory.
in_fake() {
	local dir=$1
	shift
	# shellcheck disable=SC2016 # expanded by the inner sh
	unshare -m -- sh -c 'mount --bind "$1/sys/devices/system/memory" /sys/devices/system/memory &&
		[ -e /sys/devices/system/memory/nvmzone-fake ] && shift && exec "$@"' sh "$dir" "$@"
}

# run_chmem NAME EXPECTED_RC CHMEM ARGS...: a fresh fake tree in $tmp/NAME,
# chmem run on it; its output in $tmp/NAME.out.
run_chmem() {
	local name=$1 want=$2 rc
	shift 2
	fake "$tmp/$name"
	in_fake "$tmp/$name" "$@" >"$tmp/$name.out" 2>&1
	rc=$?
	cat "$tmp/$name.out"
	echo "rc $rc (want $want)"
	[ "$rc" = "$want" ]
}

built() {
	"$top/scripts/util-linux.sh" && "$top/scripts/util-linux.sh" | grep -q reused &&
		[ -x "$bin/lsmem" ] && [ -x "$bin/chmem" ]
}
check "util-linux builds lsmem and chmem, and reuses the build" built

fake "$tmp/ls"
lsmem_zones() { # lsmem_zones LSMEM
	"$1" --sysroot "$tmp/ls" -a -n -r -o BLOCK,STATE,ZONES
}
lsmem_nvm() {
	local out
	out=$(lsmem_zones "$bin/lsmem") || return 1
	echo "$out"
	diff -u - <(echo "$out") <<-EOF
	0 online DMA32
	1 offline Normal/Movable/NVM
	2 offline Normal/Movable/NVM
	3 offline Normal/Movable
	4 online NVM
	5 online Normal
	EOF
}
check "lsmem -o +ZONES shows NVM" lsmem_nvm
lsmem_host_unknown() {
	local out
	out=$(lsmem_zones "$host_lsmem") || return 1
	echo "$out"
	grep -qx '4 online Unknown' <<<"$out" && ! grep -q NVM <<<"$out"
}
check "the host's lsmem shows Unknown for NVM (the check above can fail)" lsmem_host_unknown

fake "$tmp/ns"
if [ "$(id -u)" != 0 ] || ! in_fake "$tmp/ns" true 2>/dev/null; then
	res SKIP "chmem tests need root and unshare -m"
	exit 0
fi

# Blocks 1-3: NVM is valid for 1 and 2, not for 3 (zone mismatch: exit 64,
# "some succeeded").
chmem_enable_nvm() {
	run_chmem en 64 "$bin/chmem" -v -e -z NVM 0x8000000-0x1fffffff &&
		grep -q 'Memory Block 3 .* enable failed: Zone mismatch' "$tmp/en.out" &&
		[ "$(state "$tmp/en" 1)" = online_nvm ] && [ "$(state "$tmp/en" 2)" = online_nvm ] &&
		[ "$(state "$tmp/en" 3)" = offline ]
}
check "chmem -e -z NVM writes online_nvm to the blocks whose valid_zones lists NVM only" chmem_enable_nvm
chmem_enable_default() {
	run_chmem def 0 "$bin/chmem" -e 0x8000000-0xfffffff &&
		[ "$(state "$tmp/def" 1)" = online_movable ]
}
check "chmem -e without -z still prefers Movable" chmem_enable_default
chmem_disable() {
	run_chmem dis 0 "$bin/chmem" -d 0x20000000-0x2fffffff &&
		[ "$(state "$tmp/dis" 4)" = offline ] && [ "$(state "$tmp/dis" 5)" = offline ]
}
check "chmem -d offlines NVM and Normal blocks" chmem_disable
chmem_disable_nvm() {
	run_chmem disnvm 64 "$bin/chmem" -d -z NVM 0x20000000-0x2fffffff &&
		[ "$(state "$tmp/disnvm" 4)" = offline ] && [ "$(state "$tmp/disnvm" 5)" = online ]
}
check "chmem -d -z NVM offlines the blocks in NVM only" chmem_disable_nvm
chmem_host_refuses() {
	run_chmem host 1 "$host_chmem" -e -z NVM 0x8000000-0xfffffff &&
		grep -q 'unknown memory zone: NVM' "$tmp/host.out" &&
		[ "$(state "$tmp/host" 1)" = offline ]
}
check "the host's chmem refuses -z NVM (the checks above can fail)" chmem_host_refuses
