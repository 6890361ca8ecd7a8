#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Unit tests of nvmzone against fake /proc and /sys trees (--sysroot).
# Prints "PASS name" or "FAIL name" per test; exits non-zero on any failure.
#
#   NVMZONE=path/to/nvmzone tests/run-tests.sh [TEST...]

set -u
HERE=$(cd "$(dirname "$0")" && pwd)
NVMZONE=${NVMZONE:-$HERE/../nvmzone}
PAGE=$(getconf PAGESIZE)
. "$HERE/fixtures.sh"

TMP=$(mktemp -d /tmp/nvmzone-tests.XXXXXX)
trap 'rm -rf "$TMP"' EXIT

# nz ARGS...: run nvmzone; $rc, $T/out, $T/err
nz()
{
	rc=0
	"$NVMZONE" "$@" >"$T/out" 2>"$T/err" || rc=$?
}

fail()
{
	echo "  $*"
	echo "  --- stdout:"; sed 's/^/  | /' "$T/out"
	echo "  --- stderr:"; sed 's/^/  | /' "$T/err"
	exit 1
}

expect_rc()	{ [ "$rc" -eq "$1" ] || fail "exit status $rc, expected $1"; }
out_has()	{ grep -qE -- "$1" "$T/out" || fail "stdout lacks /$1/"; }
out_lacks()	{ ! grep -qE -- "$1" "$T/out" || fail "stdout has /$1/"; }
err_has()	{ grep -qF -- "$1" "$T/err" || fail "stderr lacks '$1'"; }
err_empty()	{ [ ! -s "$T/err" ] || fail "stderr not empty"; }
out_is()	{ printf '%s\n' "$1" | diff -u - "$T/out" || fail "stdout differs"; }
# json PYTHON-EXPR: parse stdout as JSON into j and assert the expression
json()
{
	python3 -c 'import json, sys
j = json.load(open(sys.argv[1]))
sys.exit(0 if eval(sys.argv[2]) else 1)' "$T/out" "$1" || fail "JSON check failed: $1"
}

# ---- status ----

test_status_stock_note()
{
	mk_stock "$T/r"
	nz --sysroot "$T/r"
	expect_rc 0
	err_has "nvmzone: this kernel has no ZONE_NVM support (no NVMTotal in /proc/meminfo); showing what it has"
	out_has '^ +0 DMA32 '
	out_has '^ +0 Normal '
	out_lacks 'Movable|Device|NVM'
}

test_status_stock_all()
{
	mk_stock "$T/r"
	nz --sysroot "$T/r" status -a -r -n -o ZONE
	expect_rc 0
	out_is "DMA
DMA32
Normal
Movable
Device"
}

test_status_nvm()
{
	mk_nvm "$T/r"
	nz --sysroot "$T/r" status
	expect_rc 0
	err_empty
	out_has '^ +0 NVM +512M +512M +511.8M$'
	out_has '^ +1 NVM +1G +1G +1023.4M$'
	out_has '^NVMTotal: 1.5G$'
	out_has '^NVMFree: +1.5G$'
	out_lacks 'Movable'
}

test_status_bytes_columns()
{
	mk_nvm "$T/r"
	nz status --sysroot "$T/r" -b -r -n -o NODE,ZONE,MANAGED,FREE,USED,SPANNED
	expect_rc 0
	out_has "^1 NVM $((262144 * PAGE)) $((262000 * PAGE)) $((144 * PAGE)) $((262144 * PAGE))\$"
	out_has "^0 DMA $((3840 * PAGE)) $((3840 * PAGE)) 0 $((4095 * PAGE))\$"
	out_lacks 'NVMTotal'
}

test_status_json()
{
	mk_nvm "$T/r"
	nz --sysroot "$T/r" -J
	expect_rc 0
	json 'set(j) == {"zones"} and len(j["zones"]) == 6'
	json 'all(set(z) == {"node", "zone", "total", "managed", "free"} for z in j["zones"])'
	json '[z["zone"] for z in j["zones"] if z["node"] == 1] == ["NVM"]'
	json 'j["zones"][0]["total"] == "15.6M"'
	nz --sysroot "$T/r" status -J -b
	expect_rc 0
	json "[z['total'] for z in j['zones'] if z['zone'] == 'NVM'] == [$((131072 * PAGE)), $((262144 * PAGE))]"
}

test_status_plus_columns()
{
	mk_nvm "$T/r"
	nz --sysroot "$T/r" status -o +USED
	expect_rc 0
	out_has '^NODE +ZONE +TOTAL +MANAGED +FREE +USED$'
}

test_status_missing_zoneinfo()
{
	mkdir -p "$T/r/proc"
	nz --sysroot "$T/r" status
	expect_rc 1
	err_has "nvmzone: cannot read zone statistics: $T/r/proc/zoneinfo: No such file or directory"
	[ ! -s "$T/out" ] || fail "output on failure"
}

test_status_missing_meminfo_partial()
{
	mk_nvm "$T/r"
	rm "$T/r/proc/meminfo"
	nz --sysroot "$T/r" status
	expect_rc 64
	err_has "nvmzone: cannot read memory statistics: $T/r/proc/meminfo: No such file or directory"
	out_has ' NVM '
}

# ---- columns and options ----

test_unknown_column()
{
	mk_stock "$T/r"
	for cmd in status:ZONE blocks:ZONES devices:DEVICE; do
		nz --sysroot "$T/r" ${cmd%:*} -o ${cmd#*:},BOGUS
		expect_rc 1
		err_has "nvmzone: unknown column: BOGUS"
		[ ! -s "$T/out" ] || fail "output with an unknown column"
	done
	nz --sysroot "$T/r" blocks -o RANGE,
	expect_rc 1
	err_has "empty column name"
}

test_unknown_option_and_command()
{
	nz status --bogus
	expect_rc 1
	err_has "Try 'nvmzone status --help'."
	nz frobnicate
	expect_rc 1
	err_has "nvmzone: unknown command: frobnicate"
}

test_bad_sysroot()
{
	nz --sysroot "$T/nonexistent" status
	expect_rc 1
	err_has "nvmzone: invalid sysroot: $T/nonexistent: No such file or directory"
	nz blocks --sysroot "$T/nonexistent"
	expect_rc 1
	err_has "nvmzone: invalid sysroot: $T/nonexistent: No such file or directory"
}

test_help_version()
{
	nz --help
	expect_rc 0
	out_has '^Usage: nvmzone'
	out_has 'Exit status: 0 success, 1 failure, 64 partial success'
	nz --version
	expect_rc 0
	out_has '^nvmzone [0-9]'
	nz help devices
	expect_rc 0
	out_has 'Usage: nvmzone \[--sysroot DIR\] devices'
	out_has '^ +BLOCKS +memory blocks'
	nz blocks -h
	expect_rc 0
	out_has '--split'
}

test_not_implemented()
{
	for cmd in hotadd hotremove online offline mirror watch run; do
		nz $cmd foo
		expect_rc 1
		err_has "nvmzone: $cmd: not implemented yet; it comes with "
	done
	nz hotadd
	err_has "online_nvm"
	nz run
	err_has "placement"
}

# ---- blocks ----

test_blocks_merged()
{
	mk_stock "$T/r"
	nz --sysroot "$T/r" blocks
	expect_rc 0
	err_empty
	out_has '^RANGE +SIZE +STATE +REMOVABLE +BLOCK +NODE +ZONES$'
	out_has '^0x0000000000000000-0x000000001fffffff +512M +online +yes +0-3 +0 +Normal$'
	out_has '^0x0000000020000000-0x000000002fffffff +256M +offline +yes +4-5 +0 +Normal Movable$'
	[ "$(grep -c '^0x' "$T/out")" -eq 2 ] || fail "expected 2 ranges"
	out_has '^Memory block size: +128M$'
	out_has '^Total online memory: +512M$'
	out_has '^Total offline memory: +256M$'
}

test_blocks_split()
{
	mk_stock "$T/r"
	nz --sysroot "$T/r" blocks --split -r -n -o BLOCK,STATE,ZONES
	expect_rc 0
	out_is '0 online Normal
1 online Normal
2 online Normal
3 online Normal
4 offline Normal\x20Movable
5 offline Normal\x20Movable'
}

test_blocks_merge_gap_node_zone()
{
	mk_nvm "$T/r"
	nz --sysroot "$T/r" blocks -r -n -o BLOCK,NODE,ZONES,REMOVABLE
	expect_rc 0
	out_is '0-3 0 Normal yes
4-5 1 NVM no
88-95 2 NVM yes'
}

test_blocks_json()
{
	mk_stock "$T/r"
	nz --sysroot "$T/r" blocks -J -b
	expect_rc 0
	json 'set(j) == {"memory"} and len(j["memory"]) == 2'
	json 'set(j["memory"][0]) == {"range", "size", "state", "removable", "block", "node", "zones"}'
	json 'j["memory"][0]["removable"] is True and j["memory"][0]["node"] == 0'
	json 'j["memory"][1]["size"] == 2 * 128 * 1024 * 1024 and j["memory"][1]["block"] == "4-5"'
}

test_blocks_missing_sysfs()
{
	mkdir -p "$T/r/sys"
	nz --sysroot "$T/r" blocks
	expect_rc 1
	err_has "nvmzone: cannot read the memory block size: $T/r/sys/devices/system/memory/block_size_bytes: No such file or directory"
}

test_blocks_partial()
{
	mk_stock "$T/r"
	rm "$T/r/sys/devices/system/memory/memory2/state"
	nz --sysroot "$T/r" blocks -r -n -o BLOCK
	expect_rc 64
	err_has "nvmzone: cannot read memory block state: $T/r/sys/devices/system/memory/memory2/state: No such file or directory"
	err_has "1 memory block(s) could not be read"
	out_is '0-1
3
4-5'
}

# ---- devices ----

test_devices()
{
	mk_nvm "$T/r"
	nz --sysroot "$T/r" devices
	expect_rc 0
	err_empty
	out_has '^DEVICE +SIZE +NODE +MODE +BLOCKS +STATE +ZONES$'
	out_has '^dax0\.0 +2G +1 +devdax *$'
	out_has '^dax1\.0 +1G +2 +system-ram +88-95 +online +NVM$'
	out_lacks 'dax0\.1'
	nz --sysroot "$T/r" devices -a -r -n -o DEVICE,MODE,RESOURCE
	expect_rc 0
	out_is 'dax0.0 devdax 0x240000000
dax0.1 unbound 
dax1.0 system-ram 0x2c0000000'
}

test_devices_json()
{
	mk_nvm "$T/r"
	nz --sysroot "$T/r" devices -J -b
	expect_rc 0
	json 'set(j) == {"devices"} and len(j["devices"]) == 2'
	json 'j["devices"][0] == {"device": "dax0.0", "size": 2147483648, "node": 1, "mode": "devdax", "blocks": None, "state": None, "zones": None}'
	json 'j["devices"][1]["mode"] == "system-ram" and j["devices"][1]["zones"] == "NVM"'
}

test_devices_mixed_state()
{
	mk_nvm "$T/r"
	echo offline >"$T/r/sys/devices/system/memory/memory95/state"
	echo Movable >"$T/r/sys/devices/system/memory/memory94/valid_zones"
	nz --sysroot "$T/r" devices -r -n -o DEVICE,STATE,ZONES
	expect_rc 0
	out_has '^dax1\.0 mixed NVM\\x20Movable$'
}

test_devices_partial_and_mapping0()
{
	local d="$T/r/sys/bus/dax/devices"

	mk_nvm "$T/r"
	rm "$d/dax0.0/size"
	mkdir "$d/dax1.0/mapping0"
	mv "$d/dax1.0/resource" "$d/dax1.0/mapping0/start"
	nz --sysroot "$T/r" devices -r -n -o DEVICE,RESOURCE,BLOCKS
	expect_rc 64
	err_has "nvmzone: cannot read dax device size: $d/dax0.0/size: No such file or directory"
	out_is 'dax1.0 0x2c0000000 88-95'
}

test_devices_missing_sysfs()
{
	mk_stock "$T/r"
	nz --sysroot "$T/r" devices
	expect_rc 1
	err_has "nvmzone: cannot list dax devices (is the dax driver loaded?): $T/r/sys/bus/dax/devices: No such file or directory"
}

# ---- get / set ----

test_get()
{
	mk_nvm "$T/r"
	nz --sysroot "$T/r" get vm.min_free_kbytes vm/lowmem_reserve_ratio nvm/scrub_batch nvm.scrub_batch
	expect_rc 0
	out_is "vm.min_free_kbytes = 67584
vm/lowmem_reserve_ratio = $(printf '256\t256\t32\t0\t0')
nvm/scrub_batch = 32
nvm.scrub_batch = 32"
	nz get --sysroot "$T/r" -n vm.min_free_kbytes
	out_is 67584
}

test_get_partial()
{
	mk_nvm "$T/r"
	nz --sysroot "$T/r" get vm.min_free_kbytes vm.nope
	expect_rc 64
	out_is "vm.min_free_kbytes = 67584"
	err_has "nvmzone: cannot read sysctl: $T/r/proc/sys/vm/nope: No such file or directory"
	nz --sysroot "$T/r" get vm.nope
	expect_rc 1
}

test_set()
{
	mk_nvm "$T/r"
	nz --sysroot "$T/r" set vm.min_free_kbytes 90112
	expect_rc 0
	out_is "vm.min_free_kbytes: 67584 -> 90112"
	[ "$(cat "$T/r/proc/sys/vm/min_free_kbytes")" = 90112 ] || fail "file not written"
	nz set --sysroot "$T/r" nvm/scrub_batch 64
	expect_rc 0
	out_is "nvm/scrub_batch: 32 -> 64"
	[ "$(cat "$T/r/sys/kernel/mm/nvm/scrub_batch")" = 64 ] || fail "file not written"
}

# snapshot of the whole tree, to prove nothing was written
snap()
{
	(cd "$T/r" && find . -printf '%p %s %T@\n' | sort &&
		find . -type f -exec md5sum {} + | sort)
}

test_set_bad_knob()
{
	mk_nvm "$T/r"
	mkdir -p "$T/r/etc" && echo secret >"$T/r/etc/passwd"
	snap >"$T/before"
	for k in vm/../../../etc/passwd ../etc/passwd /proc/sys/vm/min_free_kbytes \
		'vm/min free' 'vm.$x' vm//min_free_kbytes vm/ vm kernel.panic sys/kernel/mm/nvm/x ''; do
		nz --sysroot "$T/r" set "$k" 1
		expect_rc 1
		err_has "nvmzone: invalid knob"
		[ ! -s "$T/out" ] || fail "output for bad knob '$k'"
	done
	nz --sysroot "$T/r" set vm/../../../etc/passwd 1
	err_has "must not contain '..'"
	nz --sysroot "$T/r" set /proc/sys/vm/min_free_kbytes 1
	err_has "must not start with '/'"
	nz --sysroot "$T/r" get ../etc/passwd
	expect_rc 1
	err_has "must not contain '..'"
	snap >"$T/after"
	diff -u "$T/before" "$T/after" >&2 || fail "the tree changed"
}

test_set_missing_or_unwritable()
{
	mk_nvm "$T/r"
	nz --sysroot "$T/r" set vm.does_not_exist 1
	expect_rc 1
	err_has "nvmzone: cannot read sysctl: $T/r/proc/sys/vm/does_not_exist: No such file or directory"
	[ ! -e "$T/r/proc/sys/vm/does_not_exist" ] || fail "file created"
	nz --sysroot "$T/r" set vm.min_free_kbytes "$(printf '1\n2')"
	expect_rc 1
	err_has "control characters"
	[ "$(cat "$T/r/proc/sys/vm/min_free_kbytes")" = 67584 ] || fail "file changed"
	if [ "$(id -u)" -ne 0 ]; then
		chmod 0444 "$T/r/proc/sys/vm/min_free_kbytes"
		nz --sysroot "$T/r" set vm.min_free_kbytes 1
		expect_rc 1
		err_has "nvmzone: cannot write sysctl: $T/r/proc/sys/vm/min_free_kbytes: Permission denied"
	fi
	nz --sysroot "$T/r" set vm.min_free_kbytes
	expect_rc 1
	err_has "expected KNOB VALUE"
}

# ---- runner ----

failed=0
passed=0
tests=${*:-$(declare -F | awk '$3 ~ /^test_/ { sub(/^test_/, "", $3); print $3 }')}
for t in $tests; do
	T="$TMP/$t"
	mkdir -p "$T"
	: >"$T/out"; : >"$T/err"
	(set -e; "test_$t") >"$T/log" 2>&1
	if [ $? -eq 0 ]; then
		echo "PASS $t"
		passed=$((passed + 1))
	else
		echo "FAIL $t"
		sed 's/^/    /' "$T/log"
		failed=$((failed + 1))
	fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
