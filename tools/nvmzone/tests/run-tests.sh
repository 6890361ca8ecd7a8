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
err_is()	{ printf '%s\n' "$1" | diff -u - "$T/err" || fail "stderr differs"; }
out_empty()	{ [ ! -s "$T/out" ] || fail "stdout not empty"; }
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
	json 'list(j) == ["zones", "nvm_total", "nvm_free"] and len(j["zones"]) == 6'
	json 'all(list(z) == ["node", "zone", "total", "managed", "free"] for z in j["zones"])'
	json '[z["zone"] for z in j["zones"] if z["node"] == 1] == ["NVM"]'
	# sizes are numbers of bytes, as daxctl prints them, with -b or not
	json "j['zones'][0]['total'] == $((3998 * PAGE)) and j['zones'][0]['free'] == $((3840 * PAGE))"
	json "j['nvm_total'] == 1572864 * 1024 and j['nvm_free'] == 1569280 * 1024"
	cp "$T/out" "$T/nob"
	nz --sysroot "$T/r" status -J -b
	expect_rc 0
	cmp -s "$T/nob" "$T/out" || fail "-J -b differs from -J"
	json "[z['total'] for z in j['zones'] if z['zone'] == 'NVM'] == [$((131072 * PAGE)), $((262144 * PAGE))]"
	# json-c's pretty format: two spaces a level, "key":value
	out_has '^  "zones":\[$'
	out_has '^      "zone":"NVM",$'
	out_has "^  \"nvm_free\":$((1569280 * 1024))\$"
	# a kernel without ZONE_NVM or MIGRATE_MIRROR: the zones only
	mk_stock "$T/r2"
	nz --sysroot "$T/r2" status -J
	expect_rc 0
	json 'list(j) == ["zones"]'
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
	err_is "nvmzone status: unrecognized option '--bogus' (see 'nvmzone status --help')"
	nz frobnicate
	expect_rc 1
	err_is "nvmzone: unknown command: frobnicate (see 'nvmzone --help')"
	nz --bogus status
	expect_rc 1
	err_is "nvmzone: unrecognized option '--bogus' (see 'nvmzone --help')"
}

# every mistake with an option is one line, naming the command
test_option_errors()
{
	local a

	mk_nvm "$T/r"
	for a in "status -o:option requires an argument -- 'o'" \
		"status --output:option '--output' requires an argument" \
		"blocks -x:invalid option -- 'x'" \
		"blocks -Jx:invalid option -- 'x'" \
		"devices --json=1:option '--json' doesn't allow an argument" \
		"offline -z nvm -b 88:invalid option -- 'z'" \
		"get --zone nvm vm.x:unrecognized option '--zone'" \
		"hotadd --zone:option '--zone' requires an argument" \
		"blocks --split:option '--split' requires an argument" \
		"status extra:unexpected argument: extra"; do
		nz --sysroot "$T/r" ${a%%:*}
		expect_rc 1
		out_empty
		set -- ${a%%:*}
		err_is "nvmzone $1: ${a#*:} (see 'nvmzone $1 --help')"
	done
}

# the output options and -a before the command are the command's
test_global_options()
{
	local a

	mk_nvm "$T/r"
	for a in "-J status" "-b -r -n blocks -o BLOCK,SIZE" "-Jb devices" \
		"-a devices -r" "-o NODE,ZONE,FREE status -b" \
		"--noheadings --raw -- status"; do
		set -- $a
		nz --sysroot "$T/r" "$@"
		expect_rc 0
		cp "$T/out" "$T/before"
		# the same options after the command
		local cmd= args=() x
		for x in "$@"; do
			case $x in
			status | blocks | devices) cmd=$x ;;
			--) ;;
			*) args+=("$x") ;;
			esac
		done
		nz "$cmd" --sysroot "$T/r" "${args[@]}"
		expect_rc 0
		cmp -s "$T/before" "$T/out" || fail "'nvmzone $a' differs from 'nvmzone $cmd ${args[*]}'"
	done
	# -J alone: status
	nz --sysroot "$T/r" -J
	json 'list(j)[0] == "zones"'
	# -n before get is get's --values; -b before online is its --blocks
	nz --sysroot "$T/r" -n get vm.min_free_kbytes
	expect_rc 0
	out_is 67584
	nz --sysroot "$T/r" -z nvm online 1G
	expect_rc 1
	err_is "nvmzone: invalid option -- 'z' (see 'nvmzone --help')"
	nz -V status
	expect_rc 0
	out_has '^nvmzone [0-9]'
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
	out_has 'Usage: nvmzone \[options\] devices'
	out_has '^ +BLOCKS +memory blocks'
	nz blocks -h
	expect_rc 0
	out_has '^ -a, --all +show every memory block on its own line$'
	out_has '^ -S, --split <list> +split ranges by the columns STATE, REMOVABLE, NODE,$'
	nz help help
	expect_rc 0
	out_has '^Usage: nvmzone'
	nz help frobnicate
	expect_rc 1
	err_is "nvmzone help: unknown command: frobnicate (see 'nvmzone help --help')"
}

# one style of column names: upper case, words joined by '_'; JSON keys
# are the same in lower case
test_column_names()
{
	local cmd

	for cmd in status blocks devices mirror watch; do
		nz $cmd --help
		expect_rc 0
		sed -n '/^Available output columns\|^Columns/,$p' "$T/out" |
			awk '/^ +[A-Z][A-Za-z0-9_-]* / { print $1 }' >"$T/cols"
		[ -s "$T/cols" ] || fail "no columns in $cmd --help"
		! grep -v '^[A-Z][A-Z0-9]*\(_[A-Z0-9]\+\)*$' "$T/cols" ||
			fail "$cmd: a column name not in UPPER_SNAKE case"
	done
	mk_mirror "$T/r"
	nz --sysroot "$T/r" status -J -o +USED,SPANNED,MIRROR,MIRROR_FREE
	expect_rc 0
	json 'list(j["zones"][0]) == ["node", "zone", "total", "managed", "free", "used", "spanned", "mirror", "mirror_free"]'
	json 'all(k == k.lower() and "-" not in k for k in j)'
}

test_not_implemented()
{
	nz --help
	expect_rc 0
	out_lacks 'not implemented'
	out_has '^  mirror +list mirrored memory ranges, add one$'
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

test_blocks_all()
{
	local a

	mk_stock "$T/r"
	nz --sysroot "$T/r" blocks -a -r -n -o BLOCK,STATE,ZONES
	expect_rc 0
	cp "$T/out" "$T/a"
	nz --sysroot "$T/r" blocks --all -r -n -o BLOCK,STATE,ZONES
	cmp -s "$T/a" "$T/out" || fail "--all is not -a"
	out_is '0 online Normal
1 online Normal
2 online Normal
3 online Normal
4 offline Normal\x20Movable
5 offline Normal\x20Movable'
}

# -S LIST: what splits ranges, as lsmem -S
test_blocks_split_columns()
{
	mk_nvm "$T/r"
	# a gap always splits
	nz --sysroot "$T/r" blocks -r -n -o BLOCK -S none
	expect_rc 0
	out_is '0-5
88-95'
	nz --sysroot "$T/r" blocks -r -n -o BLOCK,ZONES --split node
	expect_rc 0
	out_is '0-3 Normal
4-5 NVM
88-95 NVM'
	# REMOVABLE differs between 0-3 and 4-5; other columns split nothing
	printf NVM >"$T/r$MEM/memory3/valid_zones"
	nz --sysroot "$T/r" blocks -r -n -o BLOCK -S REMOVABLE,SIZE
	expect_rc 0
	out_is '0-3
4-5
88-95'
	nz --sysroot "$T/r" blocks -r -n -o BLOCK -S zones
	expect_rc 0
	out_is '0-2
3-5
88-95'
	nz --sysroot "$T/r" blocks -S STATE,BOGUS
	expect_rc 1
	err_is "nvmzone: unknown column: BOGUS (see 'nvmzone blocks --help' for the columns)"
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
	nz --sysroot "$T/r" blocks -J
	expect_rc 0
	json 'list(j) == ["memory"] and len(j["memory"]) == 2'
	json 'list(j["memory"][0]) == ["range", "size", "state", "removable", "block", "node", "zones"]'
	json 'j["memory"][0]["removable"] is True and j["memory"][0]["node"] == 0'
	json 'j["memory"][1]["size"] == 2 * 128 * 1024 * 1024 and j["memory"][1]["block"] == "4-5"'
	echo 0 >"$T/r$MEM/memory5/removable"
	rm "$T/r$MEM/memory4/removable"
	nz --sysroot "$T/r" blocks -J -o BLOCK,REMOVABLE,START,END
	expect_rc 0
	json '[b["removable"] for b in j["memory"]] == [True, None, False]'
	json 'j["memory"][2] == {"block": "5", "removable": False, "start": 5 * 2**27, "end": 6 * 2**27 - 1}'
}

# nothing to list: a line on standard error, valid JSON
test_blocks_none()
{
	mkdir -p "$T/r$MEM"
	echo 8000000 >"$T/r$MEM/block_size_bytes"
	nz --sysroot "$T/r" blocks -J
	expect_rc 0
	err_is "nvmzone: no memory blocks"
	json 'j == {"memory": []}'
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
	# one line per failure, the block by its name
	err_is "nvmzone: memory2: cannot read state: No such file or directory"
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
	out_has '^CHARDEV +SIZE +TARGET_NODE +MODE +BLOCKS +STATE +ZONES$'
	out_has '^dax0\.0 +2G +1 +devdax *$'
	out_has '^dax1\.0 +1G +2 +system-ram +88-95 +online +NVM$'
	out_lacks 'dax0\.1'
	nz --sysroot "$T/r" devices -a -r -n -o CHARDEV,MODE,RESOURCE
	expect_rc 0
	out_is 'dax0.0 devdax 0x240000000
dax0.1 unbound 
dax1.0 system-ram 0x2c0000000'
	# daxctl list's -i; the names of before 0.2
	nz --sysroot "$T/r" devices --idle -r -n -o device,node
	expect_rc 0
	out_is 'dax0.0 1
dax0.1 1
dax1.0 2'
}

test_devices_json()
{
	mk_nvm "$T/r"
	nz --sysroot "$T/r" devices -J
	expect_rc 0
	# an array at the top, daxctl's keys, sizes in bytes
	json 'type(j) is list and len(j) == 2'
	json 'j[0] == {"chardev": "dax0.0", "size": 2147483648, "target_node": 1, "mode": "devdax", "blocks": None, "state": None, "zones": None}'
	json 'j[1]["mode"] == "system-ram" and j[1]["zones"] == "NVM"'
	# as daxctl prints it: what reads daxctl's JSON reads it
	[ "$(grep -o '"chardev":"[^"]*"' "$T/out" | cut -d'"' -f4 | tr '\n' ' ')" = "dax0.0 dax1.0 " ] ||
		fail "\"chardev\":\"...\" not found as in daxctl's JSON"
	nz --sysroot "$T/r" devices -J -o CHARDEV,SIZE
	expect_rc 0
	out_is '[
  {
    "chardev":"dax0.0",
    "size":2147483648
  },
  {
    "chardev":"dax1.0",
    "size":1073741824
  }
]'
}

# ALIGN, MOVABLE, ONLINE_MEMBLOCKS, TOTAL_MEMBLOCKS: daxctl's keys
test_devices_daxctl_columns()
{
	local d="$T/r/sys/bus/dax/devices" i

	mk_nvm "$T/r"
	echo 2097152 >"$d/dax0.0/align"
	echo 1073741824 >"$d/dax1.0/align"
	nz --sysroot "$T/r" devices -J -o CHARDEV,ALIGN,MOVABLE,ONLINE_MEMBLOCKS,TOTAL_MEMBLOCKS
	expect_rc 0
	json 'j[0] == {"chardev": "dax0.0", "align": 2097152, "movable": None, "online_memblocks": None, "total_memblocks": None}'
	json 'j[1] == {"chardev": "dax1.0", "align": 1073741824, "movable": False, "online_memblocks": 8, "total_memblocks": 8}'
	for i in $(seq 88 95); do echo Movable >"$T/r$MEM/memory$i/valid_zones"; done
	printf offline >"$T/r$MEM/memory95/state"
	nz --sysroot "$T/r" devices -r -n -o CHARDEV,ALIGN,MOVABLE,ONLINE_MEMBLOCKS,TOTAL_MEMBLOCKS,STATE
	expect_rc 0
	out_is 'dax0.0 2M    
dax1.0 1G yes 7 8 mixed'
	# the online blocks of a device not all in Movable: not movable
	echo NVM >"$T/r$MEM/memory94/valid_zones"
	nz --sysroot "$T/r" devices -J -o MOVABLE
	json '[x["movable"] for x in j] == [None, False]'
}

# nothing to list: a line on standard error, an empty array
test_devices_none()
{
	local d="$T/r/sys/bus/dax/devices"

	mk_nvm "$T/r"
	rm -r "$d/dax0.0" "$d/dax1.0"
	nz --sysroot "$T/r" devices
	expect_rc 0
	err_is "nvmzone: no dax devices with memory (-a also lists the 1 of size 0)"
	out_lacks dax
	rm -r "$d/dax0.1"
	nz --sysroot "$T/r" devices -J
	expect_rc 0
	err_is "nvmzone: no dax devices"
	json 'j == []'
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
	err_is "nvmzone: dax0.0: cannot read size: No such file or directory"
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
	# a value of several lines: each with the knob, as sysctl prints it
	printf '0x150100000 0x3000\n0x160000000 0x1000\n' >"$T/r/sys/kernel/mm/nvm/badblocks"
	nz --sysroot "$T/r" get nvm/badblocks vm.min_free_kbytes
	expect_rc 0
	out_is 'nvm/badblocks = 0x150100000 0x3000
nvm/badblocks = 0x160000000 0x1000
vm.min_free_kbytes = 67584'
	nz --sysroot "$T/r" get --values nvm/badblocks
	out_is '0x150100000 0x3000
0x160000000 0x1000'
}

# get -a: every sysctl of vm and every readable file of nvm/, sorted, as
# sysctl -a; names that get and set take back
test_get_all()
{
	local n="$T/r/sys/kernel/mm/nvm" k

	mk_mirror "$T/r"
	echo 5 >"$n/scrub_batch"
	: >"$n/badblocks"
	echo x >"$n/writeonly"
	chmod 0200 "$n/writeonly"
	nz --sysroot "$T/r" get -a
	expect_rc 0
	err_empty
	out_is "vm.lowmem_reserve_ratio = $(printf '256\t256\t32\t0\t0')
vm.min_free_kbytes = 67584
vm.mirrorable = 1
nvm/badblocks = 
nvm/mirror/free_pages = 22246
nvm/mirror/ranges = 0x20000000 0x4000000
nvm/mirror/ranges = 0x110000000 0x8000000
nvm/mirror/stats/alloc_pages = 1200
nvm/mirror/stats/fallback_pages = 30
nvm/mirror/stats/last_resort_pages = 5
nvm/mirror/total_pages = 49152
nvm/scrub_batch = 5"
	for k in $(sed 's/ = .*//' "$T/out" | sort -u); do
		nz --sysroot "$T/r" get -n "$k"
		expect_rc 0
	done
	nz --sysroot "$T/r" get -a -n
	expect_rc 0
	[ "$(sed -n 2p "$T/out")" = 67584 ] || fail "get -a -n: not the values"
	nz --sysroot "$T/r" get -a vm.min_free_kbytes
	expect_rc 1
	err_is "nvmzone get: give either -a or KNOB, not both (see 'nvmzone get --help')"
	# one line for each file that cannot be read: partial (a user reads
	# the 0600 files the tests made)
	if [ "$(id -u)" -eq 0 ]; then
		nz_nobody --sysroot "$T/r" get --all
		expect_rc 64
		out_has '^vm.min_free_kbytes = 67584$'
		out_lacks 'ranges'
		err_is "nvmzone: nvm/mirror/ranges: cannot read: Permission denied"
	fi
	# no nvm/: the sysctls only
	mk_stock "$T/r2"
	nz --sysroot "$T/r2" get -a
	expect_rc 0
	[ "$(wc -l <"$T/out")" -eq 2 ] || fail "expected the two sysctls"
}

test_get_partial()
{
	mk_nvm "$T/r"
	nz --sysroot "$T/r" get vm.min_free_kbytes vm.nope
	expect_rc 64
	out_is "vm.min_free_kbytes = 67584"
	err_is "nvmzone: vm.nope: cannot read: No such file or directory"
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

# KEY=VALUE as sysctl takes it, several at once; negative values
test_set_sysctl_forms()
{
	local vm="$T/r/proc/sys/vm"

	mk_nvm "$T/r"
	echo 0 >"$vm/negative_ok"
	nz --sysroot "$T/r" set vm.min_free_kbytes=90112 nvm.scrub_batch=16
	expect_rc 0
	err_empty
	out_is "vm.min_free_kbytes: 67584 -> 90112
nvm.scrub_batch: 32 -> 16"
	[ "$(cat "$vm/min_free_kbytes") $(cat "$T/r/sys/kernel/mm/nvm/scrub_batch")" = "90112 16" ] ||
		fail "not written"
	nz --sysroot "$T/r" set vm.negative_ok=-1
	expect_rc 0
	out_is "vm.negative_ok: 0 -> -1"
	# without "--": a negative VALUE is not an option
	nz --sysroot "$T/r" set vm.negative_ok -2
	expect_rc 0
	out_is "vm.negative_ok: -1 -> -2"
	# a value with '=' in it
	nz --sysroot "$T/r" set vm.negative_ok==3
	expect_rc 0
	out_is "vm.negative_ok: -2 -> =3"
	# anything invalid: nothing is written
	snap >"$T/before"
	nz --sysroot "$T/r" set vm.min_free_kbytes=1 mirrorable=4
	expect_rc 1
	err_is "nvmzone: invalid value for mirrorable: '4' (expected an integer from 0 to 3)"
	nz --sysroot "$T/r" set vm.min_free_kbytes=1 vm.negative_ok
	expect_rc 1
	err_is "nvmzone set: expected KNOB=VALUE, not 'vm.negative_ok' (see 'nvmzone set --help')"
	nz --sysroot "$T/r" set vm.min_free_kbytes= 
	expect_rc 1
	err_is "nvmzone: invalid value for vm.min_free_kbytes: empty or too long"
	nz --sysroot "$T/r" set vm.min_free_kbytes 1 2
	expect_rc 1
	err_has "expected KNOB=VALUE... or KNOB VALUE"
	snap >"$T/after"
	diff -u "$T/before" "$T/after" >&2 || fail "the tree changed"
	# one that cannot be read: the others are written, partial
	nz --sysroot "$T/r" set vm.nope=1 vm.min_free_kbytes=2
	expect_rc 64
	out_is "vm.min_free_kbytes: 90112 -> 2"
	err_is "nvmzone: vm.nope: cannot read: No such file or directory"
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
	err_is "nvmzone: vm.does_not_exist: cannot read: No such file or directory"
	[ ! -e "$T/r/proc/sys/vm/does_not_exist" ] || fail "file created"
	nz --sysroot "$T/r" set vm.min_free_kbytes "$(printf '1\n2')"
	expect_rc 1
	err_has "control characters"
	[ "$(cat "$T/r/proc/sys/vm/min_free_kbytes")" = 67584 ] || fail "file changed"
	# a link: read, but not written (O_NOFOLLOW), even by root
	mv "$T/r/proc/sys/vm/min_free_kbytes" "$T/r/proc/sys/vm/real"
	ln -s real "$T/r/proc/sys/vm/min_free_kbytes"
	nz --sysroot "$T/r" set vm.min_free_kbytes 1
	expect_rc 1
	err_is "nvmzone: vm.min_free_kbytes: cannot write '1': Too many levels of symbolic links"
	nz --sysroot "$T/r" set vm.min_free_kbytes
	expect_rc 1
	err_is "nvmzone set: expected KNOB=VALUE... or KNOB VALUE (see 'nvmzone set --help')"
}

# nzo ARGS...: nz with tests/fail-open.c preloaded: open() fails as
# NZ_FAILR_SUFFIX, NZ_FAILW_SUFFIX and NZ_FAILW_N of the caller's
# environment say ("NZ_FAILR_SUFFIX=/x nzo set ...")
FAIL_OPEN=$TMP/fail-open.so
nzo()
{
	[ -e "$FAIL_OPEN" ] ||
		${CC:-cc} -shared -fPIC -O2 -Wall -Wextra -Werror \
			-o "$FAIL_OPEN" "$HERE/fail-open.c" -ldl ||
		fail "cannot build $FAIL_OPEN"
	rc=0
	LD_PRELOAD=$FAIL_OPEN \
		ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0 \
		"$NVMZONE" "$@" >"$T/out" 2>"$T/err" || rc=$?
}

# a write-only knob (0200: root cannot read it either): written all the
# same, its old value "?"
test_set_write_only()
{
	mk_nvm "$T/r"
	NZ_FAILR_SUFFIX=/vm/min_free_kbytes nzo --sysroot "$T/r" set vm.min_free_kbytes 90112
	expect_rc 0
	err_empty
	out_is "vm.min_free_kbytes: ? -> 90112"
	[ "$(cat "$T/r/proc/sys/vm/min_free_kbytes")" = 90112 ] || fail "file not written"
}

# failed writes to stdout are a failure, as util-linux close_stdout()
test_stdout_write_error()
{
	mk_nvm "$T/r"
	rc=0
	"$NVMZONE" --sysroot "$T/r" status >/dev/full 2>"$T/err" || rc=$?
	expect_rc 1
	err_is "nvmzone: write error: No space left on device"
	rc=0
	"$NVMZONE" --version >/dev/full 2>"$T/err" || rc=$?
	expect_rc 1
	err_has "write error"
}

# before COMMAND, -b is --bytes only: never offline's or online's --blocks
test_global_bytes_not_blocks()
{
	mk_hotplug "$T/r"
	snap >"$T/before"
	nz --sysroot "$T/r" -b offline 88
	expect_rc 1
	err_has "unrecognized option '--bytes'"
	nz --sysroot "$T/r" -b online 72
	expect_rc 1
	err_has "unrecognized option '--bytes'"
	snap >"$T/after"
	diff -u "$T/before" "$T/after" >&2 || fail "the tree changed"
	# where -b is --bytes, it still is
	nz --sysroot "$T/r" -b blocks -o SIZE -n -r
	expect_rc 0
	out_lacks '[KMGT]$'
	# --sysroot before help
	nz --sysroot "$T/r" help status
	expect_rc 0
	out_has '^Usage:'
}

# ---- online / offline ----

MEM=/sys/devices/system/memory
# file_is FILE VALUE: FILE holds exactly VALUE, no newline (what nvmzone
# writes, and what the fixtures hold)
file_is()
{
	printf '%s' "$2" | cmp -s - "$1" ||
		fail "$1 is '$(od -An -c "$1" | tr -s ' ')', expected '$2'"
}
# state_is N VALUE: memory block N's state file
state_is()	{ file_is "$T/r$MEM/memory$1/state" "$2"; }
# write-fail R N: make memory N's state readable but not writable (nvmzone
# writes with O_NOFOLLOW: a symlink is ELOOP, even for root)
write_fail()
{
	mv "$T/r$MEM/memory$1/state" "$T/r$MEM/memory$1/state.real"
	ln -s state.real "$T/r$MEM/memory$1/state"
}

test_online_range_nvm()
{
	mk_hotplug "$T/r"
	nz --sysroot "$T/r" online --zone nvm 0x240000000-0x25fffffff
	expect_rc 0
	err_empty
	out_is 'memory72 (0x0000000240000000-0x0000000247ffffff): offline -> online
memory73 (0x0000000248000000-0x000000024fffffff): offline -> online
memory74 (0x0000000250000000-0x0000000257ffffff): offline -> online
memory75 (0x0000000258000000-0x000000025fffffff): offline -> online'
	for i in 72 73 74 75; do state_is $i online_nvm; done
	state_is 76 offline
}

test_online_range_forms()
{
	mk_hotplug "$T/r"
	# size suffixes; an aligned END is the first byte after the range
	nz --sysroot "$T/r" online -z movable 9G-9472M
	expect_rc 0
	state_is 72 online_movable
	state_is 73 online_movable
	state_is 74 offline
	# decimal bytes, inclusive END
	nz online --sysroot "$T/r" --zone=normal 9932111872-10200547327
	expect_rc 0
	state_is 73 online_movable
	state_is 74 online_kernel
	state_is 75 online_kernel
	state_is 76 offline
	# no --zone: plain "online", the kernel's choice
	nz --sysroot "$T/r" online --blocks 76
	expect_rc 0
	state_is 76 online
}

# a block whose byte address is past 2^64 is refused before anything is
# done: it would wrap the counts and addresses and take every block
test_offline_blocks_overflow()
{
	mk_hotplug "$T/r"
	snap >"$T/before"
	nz --sysroot "$T/r" offline -b 0-18446744073709551615
	expect_rc 1
	err_is "nvmzone: invalid block list '0-18446744073709551615': block 18446744073709551615 is past the end of the address space"
	out_empty
	# 2^37 blocks of 128M are 2^64 bytes: the last one, 2^37 - 1, is not
	nz --sysroot "$T/r" online -b 88,137438953472
	expect_rc 1
	err_has "invalid block list '88,137438953472'"
	snap >"$T/after"
	diff -u "$T/before" "$T/after" >&2 || fail "the tree changed"
	nz --sysroot "$T/r" offline -b 137438953471
	expect_rc 1
	err_is "nvmzone: no memory block 137438953471"
}

test_online_blocks_skip()
{
	mk_hotplug "$T/r"
	printf online >"$T/r$MEM/memory73/state"
	echo NVM >"$T/r$MEM/memory73/valid_zones"
	nz --sysroot "$T/r" online -z nvm -b 72-73,76
	expect_rc 0
	out_is 'memory72 (0x0000000240000000-0x0000000247ffffff): offline -> online
memory73 (0x0000000248000000-0x000000024fffffff): already online NVM, skipped
memory76 (0x0000000260000000-0x0000000267ffffff): offline -> online'
	state_is 72 online_nvm
	state_is 73 online
	state_is 76 online_nvm
	state_is 74 offline
	# everything already online: nothing to do is success
	nz --sysroot "$T/r" online -b 72-73
	expect_rc 0
	out_has 'memory72 .*: already online, skipped'
	state_is 72 online_nvm
}

test_online_zone_refused()
{
	mk_hotplug "$T/r"
	echo "Normal Movable" >"$T/r$MEM/memory77/valid_zones"
	nz --sysroot "$T/r" online -z nvm -b 77
	expect_rc 1
	err_is "nvmzone: memory77 (0x0000000268000000-0x000000026fffffff): cannot online into NVM: the kernel allows only 'Normal Movable' (valid_zones)"
	state_is 77 offline
	# online in another zone than asked: refused, not skipped
	printf online >"$T/r$MEM/memory78/state"
	echo Normal >"$T/r$MEM/memory78/valid_zones"
	nz --sysroot "$T/r" online -z nvm -b 78
	expect_rc 1
	err_has "memory78 (0x0000000270000000-0x0000000277ffffff): online in Normal, not NVM: offline it first"
	state_is 78 online
	# Normal is listed: allowed
	nz --sysroot "$T/r" online -z normal -b 77
	expect_rc 0
	state_is 77 online_kernel
}

test_online_partial()
{
	mk_hotplug "$T/r"
	write_fail 74
	nz --sysroot "$T/r" online -z nvm -b 72-75
	expect_rc 64
	err_is "nvmzone: memory74 (0x0000000250000000-0x0000000257ffffff): cannot write 'online_nvm' to state: Too many levels of symbolic links"
	state_is 72 online_nvm
	state_is 74 offline
	state_is 75 online_nvm
	# a block that does not exist counts as not done
	nz --sysroot "$T/r" online -z nvm -b 76,200-203
	expect_rc 64
	err_is "nvmzone: no memory blocks 200-203"
	state_is 76 online_nvm
	# none done
	nz --sysroot "$T/r" online -z nvm -b 74
	expect_rc 1
}

test_online_size()
{
	mk_hotplug "$T/r"
	echo "Normal Movable" >"$T/r$MEM/memory72/valid_zones"
	# 256M: the two lowest offline blocks that may go to NVM
	nz --sysroot "$T/r" online -z nvm 256M
	expect_rc 0
	err_empty
	state_is 72 offline
	state_is 73 online_nvm
	state_is 74 online_nvm
	state_is 75 offline
	# a bare number is MiB, as for chmem; more than there is: partial
	nz --sysroot "$T/r" online -z nvm 4096
	expect_rc 64
	err_has "nvmzone: could only online 1.6G of 4G"
	state_is 87 online_nvm
	state_is 72 offline
}

test_offline()
{
	mk_hotplug "$T/r"
	nz --sysroot "$T/r" offline -b 88-89,72
	expect_rc 0
	out_is 'memory72 (0x0000000240000000-0x0000000247ffffff): already offline, skipped
memory88 (0x00000002c0000000-0x00000002c7ffffff): online NVM -> offline
memory89 (0x00000002c8000000-0x00000002cfffffff): online NVM -> offline'
	state_is 88 offline
	state_is 89 offline
	state_is 90 online
	# SIZE: the highest online blocks
	nz --sysroot "$T/r" offline 256M
	expect_rc 0
	state_is 95 offline
	state_is 94 offline
	state_is 93 online
	nz --sysroot "$T/r" offline 0x2d0000000-0x2d7ffffff
	expect_rc 0
	state_is 90 offline
	state_is 91 online
}

test_offline_partial()
{
	mk_hotplug "$T/r"
	write_fail 89
	nz --sysroot "$T/r" offline -b 88-90
	expect_rc 64
	err_is "nvmzone: memory89 (0x00000002c8000000-0x00000002cfffffff): cannot write 'offline' to state: Too many levels of symbolic links"
	state_is 88 offline
	state_is 89 online
	state_is 90 offline
}

test_online_bad_args()
{
	mk_hotplug "$T/r"
	snap >"$T/before"
	nz --sysroot "$T/r" online abc
	expect_rc 1
	err_is "nvmzone: invalid size 'abc': expected a size such as 512M (MiB without a suffix), START-END or --blocks N[-M]"
	nz --sysroot "$T/r" online 1X
	expect_rc 1
	err_has "nvmzone: invalid size '1X': expected a size"
	nz --sysroot "$T/r" online 0x8000000
	expect_rc 1
	err_has "nvmzone: invalid size '0x8000000': expected a size"
	nz --sysroot "$T/r" online 0x1-0x2
	expect_rc 1
	err_has "nvmzone: invalid range '0x1-0x2': START and END + 1 must be multiples of the memory block size (128M)"
	nz --sysroot "$T/r" online 10G-9G
	expect_rc 1
	err_has "nvmzone: invalid range '10G-9G': START is above END"
	nz --sysroot "$T/r" online 1-2-3
	expect_rc 1
	err_has "invalid range '1-2-3'"
	nz --sysroot "$T/r" online ''
	expect_rc 1
	err_has "nvmzone: invalid size '': expected a size"
	nz --sysroot "$T/r" offline 100
	expect_rc 1
	err_has "nvmzone: invalid size '100': must be a non-zero multiple of the memory block size (128M)"
	nz --sysroot "$T/r" online -z dram 1G
	expect_rc 1
	err_has "nvmzone: unknown zone: dram (expected nvm, movable or normal)"
	nz --sysroot "$T/r" online 1G -b 72
	expect_rc 1
	err_has "give either RANGE or --blocks, not both"
	nz --sysroot "$T/r" online -b 75-72
	expect_rc 1
	err_has "nvmzone: invalid block range '75-72': 75 is above 72"
	nz --sysroot "$T/r" offline -b 7x
	expect_rc 1
	err_has "nvmzone: invalid block list '7x'"
	nz --sysroot "$T/r" offline
	expect_rc 1
	err_is "nvmzone offline: no RANGE, SIZE or --blocks given (see 'nvmzone offline --help')"
	nz --sysroot "$T/r" offline -z nvm -b 88
	expect_rc 1
	err_is "nvmzone offline: invalid option -- 'z' (see 'nvmzone offline --help')"
	nz --sysroot "$T/r" online -b 0x10
	expect_rc 1
	nz --sysroot "$T/r" online 0x100000000-0x13fffffff
	expect_rc 1
	err_has "nvmzone: no memory blocks in 0x0000000100000000-0x000000013fffffff"
	snap >"$T/after"
	diff -u "$T/before" "$T/after" >&2 || fail "the tree changed"
}

# ---- hotadd ----

DAXD=/sys/bus/dax/drivers
# written R DRIVER FILE VALUE: what nvmzone wrote to a dax driver file
written()	{ file_is "$T/r$DAXD/$1/$2" "$3"; }

test_hotadd_nvm()
{
	local i

	mk_hotplug "$T/r"
	nz --sysroot "$T/r" hotadd dax0.0
	expect_rc 0
	err_empty
	# kmem_zone: nvm while kmem binds, then the device's own choice again
	out_is 'dax0.0: kmem_zone default -> nvm
dax0.0: bound to kmem (was devdax)
dax0.0: kmem_zone nvm -> default (restored)
dax0.0: kmem left 16 blocks offline; onlining them into NVM
memory72-87 (0x0000000240000000-0x00000002bfffffff): offline -> online
dax0.0: blocks 72-87 (2G): 16 online
dax0.0: 0 pages onlined into ZONE_NVM'
	file_is "$T/r/sys/bus/dax/devices/dax0.0/kmem_zone" default
	written device_dax remove_id dax0.0
	written device_dax unbind dax0.0
	written kmem new_id dax0.0
	written kmem bind dax0.0
	for i in $(seq 72 87); do state_is $i online_nvm; done
	state_is 88 online
}

# hotadd reads only the device's blocks: another block whose files cannot
# be read (here memory0 has no state file) neither costs time nor errors
test_hotadd_reads_only_its_blocks()
{
	mk_hotplug "$T/r"
	rm "$T/r/sys/devices/system/memory/memory0/state"
	nz --sysroot "$T/r" hotadd dax0.0
	expect_rc 0
	err_empty
	state_is 72 online_nvm
	state_is 87 online_nvm
}

test_hotadd_zone_and_no_online()
{
	mk_hotplug "$T/r"
	nz --sysroot "$T/r" hotadd --no-online dax0.0
	expect_rc 0
	err_empty
	out_is 'dax0.0: kmem_zone default -> offline
dax0.0: bound to kmem (was devdax)
dax0.0: kmem_zone offline -> default (restored)
dax0.0: no memory block changed
dax0.0: blocks 72-87 (2G): 16 offline'
	written kmem bind dax0.0
	state_is 72 offline
	file_is "$T/r/sys/bus/dax/devices/dax0.0/kmem_zone" default

	# the device's own choice is what is restored; -N is --no-online
	mk_hotplug "$T/r2"
	printf normal >"$T/r2/sys/bus/dax/devices/dax0.0/kmem_zone"
	nz --sysroot "$T/r2" hotadd -z movable dax0.0
	expect_rc 0
	out_has '^dax0.0: kmem_zone normal -> movable$'
	out_has '^dax0.0: kmem_zone movable -> normal \(restored\)$'
	# the ZONE_NVM counter does not apply to Movable
	out_lacks 'ZONE_NVM'
	file_is "$T/r2/sys/bus/dax/devices/dax0.0/kmem_zone" normal
	file_is "$T/r2$MEM/memory80/state" online_movable
	mk_hotplug "$T/r3"
	nz --sysroot "$T/r3" hotadd -N dax0.0
	expect_rc 0
	out_has '^dax0.0: blocks 72-87 \(2G\): 16 offline$'
	out_lacks 'ZONE_NVM'
	# kmem_zone already as wanted: nothing written, nothing restored
	mk_hotplug "$T/r4"
	printf nvm >"$T/r4/sys/bus/dax/devices/dax0.0/kmem_zone"
	nz --sysroot "$T/r4" hotadd dax0.0
	expect_rc 0
	out_lacks kmem_zone
	file_is "$T/r4/sys/bus/dax/devices/dax0.0/kmem_zone" nvm
}

# an option that changes nothing is said to be ignored
test_hotadd_ignored_options()
{
	mk_hotplug "$T/r"
	nz --sysroot "$T/r" hotadd --zone movable --no-online dax0.0
	expect_rc 0
	err_is "nvmzone: warning: --zone is ignored with --no-online: the blocks stay offline"
	out_has '^dax0.0: kmem_zone default -> offline$'
	nz --sysroot "$T/r" hotadd -f dax1.0
	expect_rc 0
	err_is "nvmzone: warning: --force is ignored: dax1.0 is already system-ram"
	out_has '^dax1.0: already system-ram$'
	mk_hotplug "$T/r2"
	nz --sysroot "$T/r2" hotadd --force dax0.0
	expect_rc 0
	err_is "nvmzone: warning: --force is ignored: kmem onlines the blocks of dax0.0 as its kmem_zone says, not as auto_online_blocks does"
	# a stock kernel with auto_online_blocks offline needs no --force
	mk_hotplug "$T/r3" stock
	nz --sysroot "$T/r3" hotadd --force dax0.0
	expect_rc 0
	err_is "nvmzone: warning: --force is ignored: auto_online_blocks is offline"
	# --zone nvm with --no-online on a stock kernel: no zone to refuse
	mk_hotplug "$T/r4" stock
	nz --sysroot "$T/r4" hotadd --zone nvm --no-online dax0.0
	expect_rc 0
	err_is "nvmzone: warning: --zone is ignored with --no-online: the blocks stay offline"
	written kmem bind dax0.0
	file_is "$T/r4$MEM/memory72/state" offline
}

test_hotadd_stock()
{
	mk_hotplug "$T/r" stock
	snap >"$T/before"
	nz --sysroot "$T/r" hotadd --zone nvm dax0.0
	expect_rc 1
	err_is "nvmzone: dax0.0: cannot hot-add into ZONE_NVM: this kernel has no ZONE_NVM hot-add (the device has no kmem_zone)"
	snap >"$T/after"
	diff -u "$T/before" "$T/after" >&2 || fail "the tree changed"
	# default on a stock kernel: Movable, onlined by nvmzone
	nz --sysroot "$T/r" hotadd dax0.0
	expect_rc 0
	out_lacks 'kmem_zone'
	out_has '^memory72-87 \(0x0000000240000000-0x00000002bfffffff\): offline -> online$'
	written kmem bind dax0.0
	state_is 72 online_movable
	state_is 87 online_movable
}

test_hotadd_auto_online_refused()
{
	mk_hotplug "$T/r" stock
	echo online >"$T/r$MEM/auto_online_blocks"
	snap >"$T/before"
	nz --sysroot "$T/r" hotadd dax0.0
	expect_rc 1
	err_is "nvmzone: dax0.0: auto_online_blocks is 'online': the kernel would online the memory blocks itself as soon as kmem binds the device, in a zone of its own choosing, racing nvmzone; set it to 'offline' first, or use --force to let the kernel online them"
	snap >"$T/after"
	diff -u "$T/before" "$T/after" >&2 || fail "the tree changed"
	nz --sysroot "$T/r" hotadd --force dax0.0
	expect_rc 0
	err_has "warning: dax0.0: auto_online_blocks is 'online'"
	written kmem bind dax0.0
	state_is 72 online_movable
	# with kmem_zone the kernel follows it, not auto_online_blocks
	mk_hotplug "$T/r2"
	echo online_nvm >"$T/r2$MEM/auto_online_blocks"
	nz --sysroot "$T/r2" hotadd dax0.0
	expect_rc 0
	err_empty
}

test_hotadd_zone_refused()
{
	local i

	mk_hotplug "$T/r"
	for i in $(seq 72 87); do
		echo "Normal Movable" >"$T/r$MEM/memory$i/valid_zones"
	done
	nz --sysroot "$T/r" hotadd dax0.0
	expect_rc 64
	err_has "memory72 (0x0000000240000000-0x0000000247ffffff): cannot online into NVM: the kernel allows only 'Normal Movable' (valid_zones)"
	# one line for each block, none more
	[ "$(wc -l <"$T/err")" -eq 16 ] || fail "expected 16 lines"
	out_has '^dax0.0: no memory block changed$'
	out_has '^dax0.0: blocks 72-87 \(2G\): 16 offline$'
	state_is 72 offline
}

test_hotadd_errors()
{
	mk_hotplug "$T/r"
	rm "$T/r$DAXD/kmem/new_id"
	snap >"$T/before"
	nz --sysroot "$T/r" hotadd dax9.9
	expect_rc 1
	err_is "nvmzone: dax9.9: no such dax device"
	nz --sysroot "$T/r" hotadd ../../kernel
	expect_rc 1
	err_has "nvmzone: invalid dax device name: '../../kernel' (expected daxX.Y)"
	nz --sysroot "$T/r" hotadd -z dram dax0.0
	expect_rc 1
	err_has "unknown zone: dram"
	nz --sysroot "$T/r" hotadd
	expect_rc 1
	err_is "nvmzone hotadd: no DEVICE given (see 'nvmzone hotadd --help')"
	nz --sysroot "$T/r" hotadd dax0.0 dax1.0
	expect_rc 1
	err_is "nvmzone hotadd: expected one DEVICE (see 'nvmzone hotadd --help')"
	nz --sysroot "$T/r" hotadd dax0.1
	expect_rc 1
	err_has "nvmzone: dax0.1: the device has size 0 (a region seed): no memory"
	snap >"$T/after"
	diff -u "$T/before" "$T/after" >&2 || fail "the tree changed"
	# binding fails: the blocks are left alone, kmem_zone restored
	nz --sysroot "$T/r" hotadd dax0.0
	expect_rc 1
	err_is "nvmzone: dax0.0: cannot write 'dax0.0' to kmem/new_id: No such file or directory"
	out_is 'dax0.0: kmem_zone default -> nvm
dax0.0: kmem_zone nvm -> default (restored)'
	file_is "$T/r/sys/bus/dax/devices/dax0.0/kmem_zone" default
	state_is 72 offline
}

# bind fails and kmem_zone cannot be written back: kmem_zone stays
# changed, a partial success (64), not a failure
test_hotadd_restore_fails()
{
	mk_hotplug "$T/r"
	rm "$T/r$DAXD/kmem/new_id"
	NZ_FAILW_SUFFIX=/dax0.0/kmem_zone NZ_FAILW_N=2 nzo --sysroot "$T/r" hotadd dax0.0
	expect_rc 64
	err_is "nvmzone: dax0.0: cannot write 'dax0.0' to kmem/new_id: No such file or directory
nvmzone: dax0.0: cannot write 'default' to kmem_zone: Input/output error (it stays 'nvm')"
	out_is 'dax0.0: kmem_zone default -> nvm'
	file_is "$T/r/sys/bus/dax/devices/dax0.0/kmem_zone" nvm
}

# SIGINT while kmem binds (kmem/bind a fifo that nobody reads yet): it
# waits until kmem_zone is written back, then ends nvmzone (128 + 2); what
# was printed is not lost
test_hotadd_interrupted_restores()
{
	local zf="$T/r/sys/bus/dax/devices/dax0.0/kmem_zone" pid i

	mk_hotplug "$T/r"
	rm "$T/r$DAXD/kmem/bind"
	mkfifo "$T/r$DAXD/kmem/bind"
	# a background job of a script ignores SIGINT: let it have it again
	python3 -c 'import os, signal, sys
signal.signal(signal.SIGINT, signal.SIG_DFL)
os.execv(sys.argv[1], sys.argv[1:])' "$NVMZONE" --sysroot "$T/r" hotadd dax0.0 \
		>"$T/out" 2>"$T/err" &
	pid=$!
	for i in $(seq 100); do
		[ "$(cat "$zf")" = nvm ] && break
		sleep 0.1
	done
	[ "$(cat "$zf")" = nvm ] || { kill -KILL $pid; fail "kmem_zone not set"; }
	sleep 0.2
	kill -INT $pid
	sleep 0.2
	# let the bind go on (a bounded wait: nvmzone may be gone already)
	timeout 10 cat "$T/r$DAXD/kmem/bind" >"$T/bound" || true
	rc=0
	wait $pid || rc=$?
	expect_rc 130
	file_is "$zf" default
	out_is 'dax0.0: kmem_zone default -> nvm
dax0.0: bound to kmem (was devdax)
dax0.0: kmem_zone nvm -> default (restored)'
	file_is "$T/bound" dax0.0
}

# a memory block of the device that cannot be read: partial success
test_hotadd_unreadable_block()
{
	mk_hotplug "$T/r"
	rm "$T/r$MEM/memory80/state"
	nz --sysroot "$T/r" hotadd dax0.0
	expect_rc 64
	err_has "memory80: cannot read state: No such file or directory"
	state_is 72 online_nvm
	state_is 87 online_nvm
}

# ---- hotremove ----

test_hotremove()
{
	local i

	mk_hotplug "$T/r"
	nz --sysroot "$T/r" hotremove dax1.0
	expect_rc 0
	err_empty
	out_is 'dax1.0: bound to device_dax (was system-ram)
memory88-95 (0x00000002c0000000-0x00000002ffffffff): online NVM -> offline
dax1.0: blocks 88-95 (1G): 8 offline
dax1.0: ZONE_NVM offlining moved 0 pages into other ZONE_NVM memory and 0 into DRAM; 0 attempts refused'
	for i in $(seq 88 95); do state_is $i offline; done
	written kmem remove_id dax1.0
	written kmem unbind dax1.0
	written device_dax new_id dax1.0
	written device_dax bind dax1.0
	# a device that is not system-ram: nothing to do
	nz --sysroot "$T/r" hotremove dax0.0
	expect_rc 0
	out_is 'dax0.0: not system-ram (mode devdax): nothing to remove'
	# memory that was not in ZONE_NVM: no ZONE_NVM counters
	mk_hotplug "$T/r2"
	for i in $(seq 88 95); do echo Movable >"$T/r2$MEM/memory$i/valid_zones"; done
	nz --sysroot "$T/r2" hotremove dax1.0
	expect_rc 0
	out_has '^dax1.0: bound to device_dax \(was system-ram\)$'
	out_lacks 'ZONE_NVM'
}

test_hotremove_partial_keeps_kmem()
{
	mk_hotplug "$T/r"
	write_fail 90
	nz --sysroot "$T/r" hotremove dax1.0
	expect_rc 64
	err_is "nvmzone: memory90 (0x00000002d0000000-0x00000002d7ffffff): cannot write 'offline' to state: Too many levels of symbolic links
nvmzone: dax1.0: 1 memory blocks are still online: the device stays system-ram"
	out_has '^memory88-89 \(0x00000002c0000000-0x00000002cfffffff\): online NVM -> offline$'
	out_has '^memory91-95 \(0x00000002d8000000-0x00000002ffffffff\): online NVM -> offline$'
	out_has '^dax1.0: blocks 88-95 \(1G\): 7 offline, 1 online NVM$'
	state_is 90 online
	# kmem must not be unbound while memory is online
	written kmem unbind ''
	written device_dax bind ''
}

# a block of the device that cannot be read may be online: kmem stays
test_hotremove_unreadable_block()
{
	mk_hotplug "$T/r"
	NZ_FAILR_SUFFIX=/memory90/state nzo --sysroot "$T/r" hotremove dax1.0
	expect_rc 64
	err_has "nvmzone: dax1.0: 1 memory blocks of the device cannot be read: the device stays system-ram"
	state_is 88 offline
	written kmem unbind ''
	written device_dax bind ''
	# nothing offlined: a failure
	mk_hotplug "$T/r2"
	for i in $(seq 88 95); do echo offline >"$T/r2$MEM/memory$i/state"; done
	NZ_FAILR_SUFFIX=/memory90/state nzo --sysroot "$T/r2" hotremove dax1.0
	expect_rc 1
	err_has "1 memory blocks of the device cannot be read"
	file_is "$T/r2$DAXD/kmem/unbind" ''
}

test_hotremove_check()
{
	local ppb=$((0x8000000 / PAGE)) kpf="$T/r/proc/kpageflags"
	local n="$T/r/sys/kernel/mm/nvm" own

	mk_hotplug "$T/r"
	# blocks 88-95 free (BUDDY) but for 1000 pages in use (LRU|ANON) at
	# the start of 88 and 100 reserved ones in 90; nothing else is read
	kpf "$kpf" $((88 * ppb)) $((8 * ppb)) 0x400
	kpf "$kpf" $((88 * ppb)) 1000 0x1020
	kpf "$kpf" $((90 * ppb)) 100 0x100000000
	own=$((8 * ppb - 1100))
	echo $own >"$n/nodes/node2/free_pages"
	snap >"$T/before"

	nz --sysroot "$T/r" hotremove --check dax1.0
	expect_rc 0
	out_has "^memory88 \\(0x00000002c0000000-0x00000002c7ffffff\\): online NVM, 1000 pages in use, $((ppb - 1000)) free\$"
	out_has "^memory90 .*: online NVM, 0 pages in use, $((ppb - 100)) free\$"
	out_has '^dax1.0: 8 online blocks, 1000 pages in use$'
	out_has '^free ZONE_NVM pages elsewhere: 393008$'
	out_has '^dax1.0: can be removed$'

	snap >"$T/after"
	diff -u "$T/before" "$T/after" >&2 || fail "--check changed the tree"

	# too little ZONE_NVM elsewhere, no fallback
	echo none >"$n/offline_fallback"
	echo 0 >"$n/nodes/node0/free_pages"
	echo 500 >"$n/nodes/node1/free_pages"
	nz --sysroot "$T/r" hotremove --check dax1.0
	expect_rc 1
	out_has '^dax1.0: cannot be removed: 1000 pages in use, 500 free ZONE_NVM pages elsewhere, offline_fallback=none$'
	# DRAM takes the rest with offline_fallback=dram...
	echo dram >"$n/offline_fallback"
	nz --sysroot "$T/r" hotremove --check dax1.0
	expect_rc 0
	out_has '^dax1.0: can be removed$'
	# ...when it has room
	sed -i 's/^MemFree:.*/MemFree: 1000 kB/' "$T/r/proc/meminfo"
	snap >"$T/before"
	nz --sysroot "$T/r" hotremove --check dax1.0
	expect_rc 1
	out_has "^dax1.0: cannot be removed: 1000 pages in use, 500 free ZONE_NVM pages elsewhere, $((1000 * 1024 / PAGE)) free DRAM pages, offline_fallback=dram\$"
	snap >"$T/after"
	diff -u "$T/before" "$T/after" >&2 || fail "--check changed the tree"
}

test_hotremove_check_upper_bound()
{
	local ppb=$((0x8000000 / PAGE))

	mk_hotplug "$T/r"
	echo none >"$T/r/sys/kernel/mm/nvm/offline_fallback"
	nz --sysroot "$T/r" hotremove --check dax1.0
	expect_rc 1
	err_has "nvmzone: warning: cannot read $T/r/proc/kpageflags: No such file or directory: counting every page of the online blocks as in use"
	out_has "^dax1.0: 8 online blocks, $((8 * ppb)) pages in use \\(every page counted: an upper bound\\)\$"
	# the device's own free pages are unknown: all of its NVM is taken off
	out_has "^dax1.0: cannot be removed: $((8 * ppb)) pages in use, $((393008 - 8 * ppb)) free ZONE_NVM pages elsewhere, offline_fallback=none\$"
	# Movable memory (a stock kernel) goes to DRAM
	mk_hotplug "$T/r2" stock
	for i in $(seq 88 95); do
		echo Movable >"$T/r2$MEM/memory$i/valid_zones"
	done
	nz --sysroot "$T/r2" hotremove --check dax1.0
	expect_rc 0
	out_lacks 'ZONE_NVM|offline_fallback'
	out_has '^dax1.0: can be removed$'
	# MemFree holds the device's own free pages: unknown, so all are taken
	sed -i "s/^MemFree:.*/MemFree: $((8 * ppb * PAGE / 1024 + 4)) kB/" "$T/r2/proc/meminfo"
	nz --sysroot "$T/r2" hotremove --check dax1.0
	expect_rc 1
	out_has "^dax1.0: cannot be removed: $((8 * ppb)) pages in use, $((4096 / PAGE)) free DRAM pages\$"
}

test_hotremove_errors()
{
	mk_hotplug "$T/r"
	snap >"$T/before"
	nz --sysroot "$T/r" hotremove dax7.0
	expect_rc 1
	err_is "nvmzone: dax7.0: no such dax device"
	nz --sysroot "$T/r" hotremove --check dax7.0
	expect_rc 1
	nz --sysroot "$T/r" hotremove dax1
	expect_rc 1
	err_has "invalid dax device name: 'dax1'"
	nz --sysroot "$T/r" hotremove --bogus dax1.0
	expect_rc 1
	err_is "nvmzone hotremove: unrecognized option '--bogus' (see 'nvmzone hotremove --help')"
	nz --sysroot "$T/r" hotremove
	expect_rc 1
	err_has "no DEVICE given"
	snap >"$T/after"
	diff -u "$T/before" "$T/after" >&2 || fail "the tree changed"
}

test_hotplug_help()
{
	nz help online
	expect_rc 0
	out_has '^Usage: nvmzone \[options\] online \[options\] RANGE\|SIZE$'
	out_has '^ -z, --zone <zone> +nvm, movable or normal'
	out_has 'Exit status: 0 all blocks online, 1 none, 64 some'
	nz offline --help
	expect_rc 0
	out_has '^ -b, --blocks <list>'
	out_lacks '--zone'
	nz hotadd -h
	expect_rc 0
	out_has '^ -N, --no-online '
	out_has '^ -f, --force '
	nz hotremove --help
	expect_rc 0
	out_has '^     --check '
}

# The man page and every command's --help agree: the commands of
# "nvmzone --help" are those of COMMANDS; each command's options (but
# --sysroot and -h, which every command takes) are those its entries in
# COMMANDS show; each long option has an entry in OPTIONS
MAN=$HERE/../nvmzone.8

# help_opts: the options of the --help in $T/out, one a line: the letter
# ("-x") where there is one, else the long name ("--name")
help_opts()
{
	sed -n '/^Options/,/^$/p' "$T/out" |
		sed -nE 's/^ (-[a-zA-Z]),.*/\1/p; s/^     (--[a-z-]+).*/\1/p' |
		grep -vxE -- '-h|--sysroot' | sort -u
}

# man_opts CMD: the same of the .BI "CMD ..." entries of COMMANDS
man_opts()
{
	sed -n '/^\.SH COMMANDS/,/^\.SH /p' "$MAN" |
		grep -E "^\.BI \"$1( |\\\\)" |
		grep -oE '\\fB\\-(\\-[a-z]([a-z]|\\-)*|[a-zA-Z])' |
		sed 's/\\fB//; s/\\-/-/g' | sort -u
}

test_man_agrees_with_help()
{
	local cmd n=0 opt

	nz --help
	expect_rc 0
	sed -n '/^Commands:/,/^$/p' "$T/out" | awk 'NF > 1 { print $1 }' |
		sort >"$T/cmds"
	sed -n '/^\.SH COMMANDS/,/^\.SH /p' "$MAN" |
		sed -nE 's/^\.BI "([a-z]+)[ \\].*/\1/p' | sort -u >"$T/mancmds"
	diff -u "$T/cmds" "$T/mancmds" >&2 || fail "the commands of --help and nvmzone.8 differ"
	for cmd in $(cat "$T/cmds"); do
		nz $cmd --help
		expect_rc 0
		help_opts >"$T/h"
		man_opts $cmd >"$T/m"
		diff -u "$T/h" "$T/m" >&2 ||
			fail "the options of 'nvmzone $cmd --help' (-) and its nvmzone.8 entries (+) differ"
		for opt in $(grep -oE -- '--[a-z][a-z-]+' "$T/out" | sort -u); do
			sed -n '/^\.SH OPTIONS/,/^\.SH /p' "$MAN" |
				grep -q "^\.B.*$(echo "$opt" | sed 's/-/\\\\-/g')" ||
				fail "OPTIONS of nvmzone.8 lacks $opt of $cmd --help"
		done
		n=$((n + 1))
	done
	[ "$n" -eq 13 ] || fail "$n commands checked, expected 13"
	! grep -qi 'not implemented' "$MAN" ||
		fail "nvmzone.8 still says a command is not implemented"
}

# ---- watch ----

NVMS=/sys/kernel/mm/nvm/stats

# wline TIME TOTAL FREE ALLOC FAIL FALLBACK SCRUBBED ONLINE OFFLINE MIG_NVM
#	MIG_DRAM REFUSED BADBLOCK: a line of watch -b, in its column widths
wline()
{
	printf '%8s %14s %14s %9s %6s %8s %8s %7s %7s %7s %8s %7s %8s\n' "$@"
}

# set_file FILE VALUE: change a file at once (a reader never sees it empty)
set_file()
{
	echo "$2" >"$1.new"
	mv "$1.new" "$1"
}

# wait_lines N: until stdout of the watch in the background has N lines
wait_lines()
{
	local i

	for i in $(seq 200); do
		[ "$(wc -l <"$T/out")" -ge "$1" ] && return 0
		sleep 0.05
	done
	fail "no $1 lines after 10 seconds"
}

test_watch_first_line()
{
	mk_watch "$T/r"
	nz --sysroot "$T/r" watch -b 0.01 1
	expect_rc 0
	err_empty
	out_is "$(wline TIME TOTAL FREE ALLOC FAIL FALLBACK SCRUBBED ONLINE \
		OFFLINE MIG_NVM MIG_DRAM REFUSED BADBLOCK
	wline 0.00 $((655360 * PAGE)) $((394008 * PAGE)) 5000 7 3 262144 \
		262144 65536 1200 34 2 16)"
	# human sizes by default (4K pages: 2.5G managed, 1.5G free)
	nz watch 0.5 1 --noheadings --sysroot "$T/r"
	expect_rc 0
	out_is '    0.00    2.5G    1.5G      5000      7        3   262144  262144   65536    1200       34       2       16'
}

test_watch_count_header()
{
	mk_watch "$T/r"
	nz --sysroot "$T/r" watch -n 0.01 3
	expect_rc 0
	[ "$(wc -l <"$T/out")" -eq 3 ] || fail "expected 3 lines"
	[ "$(grep -cE '^ +[0-9]+\.[0-9]{2} .* 16$' "$T/out")" -eq 3 ] ||
		fail "expected 3 lines of values"
	# the header again after 20 lines
	nz --sysroot "$T/r" watch 0.01 22
	expect_rc 0
	[ "$(wc -l <"$T/out")" -eq 24 ] || fail "expected 24 lines"
	[ "$(grep -n '^ *TIME ' "$T/out" | cut -d: -f1 | tr '\n' ' ')" = "1 22 " ] ||
		fail "expected the header on lines 1 and 22"
}

test_watch_deltas()
{
	local n="$T/r/sys/kernel/mm/nvm" pid

	mk_watch "$T/r"
	rc=0
	"$NVMZONE" --sysroot "$T/r" watch -b -n 1.5 2 >"$T/out" 2>"$T/err" &
	pid=$!
	wait_lines 1
	# between the two samples (1.5 seconds apart)
	set_file "$n/stats/alloc_pages" 5100
	set_file "$n/stats/online_pages" 294912
	set_file "$n/stats/badblock_pages" 24
	set_file "$n/nodes/node2/managed_pages" 131072
	set_file "$n/nodes/node2/free_pages" 0
	wait $pid || rc=$?
	expect_rc 0
	err_empty
	[ "$(wc -l <"$T/out")" -eq 2 ] || fail "expected 2 lines"
	sed -n 1p "$T/out" | grep -qF "$(wline 0.00 $((655360 * PAGE)) \
		$((394008 * PAGE)) 5000 7 3 262144 262144 65536 1200 34 2 16)" ||
		fail "first line: not the values since boot"
	# counters: the change; BADBLOCK, TOTAL and FREE: the values
	sed -n 2p "$T/out" | grep -qE "^ +1\.[5-9][0-9] $(wline '' \
		$((524288 * PAGE)) $((393008 * PAGE)) 100 0 0 0 32768 0 0 0 0 \
		24 | cut -c10-)\$" || fail "second line: not the changes"
}

test_watch_sigint()
{
	local pid

	mk_watch "$T/r"
	rc=0
	# a COUNT, so that it ends should the signal not stop it
	"$NVMZONE" --sysroot "$T/r" watch -n 0.05 200 >"$T/out" 2>"$T/err" &
	pid=$!
	wait_lines 2
	kill -INT $pid
	wait $pid || rc=$?
	expect_rc 0
	err_empty
	[ "$(wc -l <"$T/out")" -lt 100 ] || fail "SIGINT did not stop it"
	[ "$(tail -c1 "$T/out" | od -An -c | tr -d ' ')" = '\n' ] ||
		fail "the last line is cut"
}

# nzt ARGS...: nz, killed after 10 seconds (a watch that should have been
# refused would run until interrupted)
nzt()
{
	rc=0
	timeout 10 "$NVMZONE" "$@" >"$T/out" 2>"$T/err" || rc=$?
}

test_watch_bad_args()
{
	local a

	mk_watch "$T/r"
	for a in 0 -1 -0.5 0.001 86401; do
		nzt --sysroot "$T/r" watch -- "$a"
		expect_rc 1
		err_has "nvmzone: invalid interval '$a': must be from 0.01 to 86400 seconds"
		[ ! -s "$T/out" ] || fail "output with interval $a"
	done
	for a in abc 1x '' . 1.2.3 1e3 0x10 ' 1'; do
		nzt --sysroot "$T/r" watch -- "$a" 1
		expect_rc 1
		err_has "nvmzone: invalid interval '$a': expected seconds, such as 2 or 0.5"
		[ ! -s "$T/out" ] || fail "output with interval '$a'"
	done
	for a in 0 -1 abc 1.5 2x ''; do
		nzt --sysroot "$T/r" watch -- 0.01 "$a"
		expect_rc 1
		err_has "nvmzone: invalid count '$a': expected a positive number of lines"
		[ ! -s "$T/out" ] || fail "output with count '$a'"
	done
	nzt --sysroot "$T/r" watch 1 2 3
	expect_rc 1
	err_is "nvmzone watch: unexpected argument: 3 (see 'nvmzone watch --help')"
	nzt --sysroot "$T/r" watch -o ALLOC 1 1
	expect_rc 1
	err_is "nvmzone watch: invalid option -- 'o' (see 'nvmzone watch --help')"
}

test_watch_json()
{
	mk_watch "$T/r"
	nz --sysroot "$T/r" watch -J 0.01 3
	expect_rc 0
	err_empty
	[ "$(wc -l <"$T/out")" -eq 3 ] || fail "expected 3 lines"
	python3 -c 'import json,sys; [json.loads(l) for l in sys.stdin]' \
		<"$T/out" || fail "not JSON lines"
	python3 - "$T/out" $((655360 * PAGE)) $((394008 * PAGE)) <<'PY' || fail "JSON lines: wrong values"
import json, sys
j = [json.loads(l) for l in open(sys.argv[1])]
keys = ["time", "total", "free", "alloc", "fail", "fallback", "scrubbed",
	"online", "offline", "mig_nvm", "mig_dram", "refused", "badblock"]
assert all(list(o) == keys for o in j), j
assert j[0]["time"] == 0 and j[0]["total"] == int(sys.argv[2]) and j[0]["free"] == int(sys.argv[3]), j[0]
assert j[0]["alloc"] == 5000 and j[0]["mig_dram"] == 34, j[0]
assert all(o["alloc"] == 0 and o["online"] == 0 for o in j[1:]), j
assert all(o["badblock"] == 16 for o in j), j
assert 0 < j[1]["time"] < j[2]["time"], j
PY
	# sizes are bytes in JSON, with -b or not
	sed 's/"time":[0-9.]*,//' "$T/out" | head -n1 >"$T/nob"
	nz --sysroot "$T/r" watch --json --bytes 0.01 1
	expect_rc 0
	python3 - "$T/out" $((655360 * PAGE)) <<'PY' || fail "JSON -b: wrong sizes"
import json, sys
j = [json.loads(l) for l in open(sys.argv[1])]
assert len(j) == 1 and j[0]["total"] == int(sys.argv[2]), j
PY
	sed 's/"time":[0-9.]*,//' "$T/out" | cmp -s - "$T/nob" || fail "-J -b differs from -J"
}

test_watch_meminfo_fallback()
{
	mk_nvm "$T/r"
	rm -r "$T/r/sys/kernel/mm/nvm"
	printf 'pgalloc_normal 5\npgalloc_nvm 42\nnvm_alloc_fail 2\nnvm_alloc_fallback 1\n' \
		>"$T/r/proc/vmstat"
	nz --sysroot "$T/r" watch -b 0.01 1
	expect_rc 0
	out_is "    TIME          TOTAL           FREE     ALLOC   FAIL FALLBACK
    0.00     1610612736     1606942720        42      2        1"
	err_has "nvmzone: this kernel has no ZONE_NVM statistics (no $T/r/sys/kernel/mm/nvm): SCRUBBED, ONLINE, OFFLINE, MIG_NVM, MIG_DRAM, REFUSED, BADBLOCK not shown"
	[ "$(wc -l <"$T/err")" -eq 1 ] || fail "expected one note"
	# without /proc/vmstat: the sizes only
	rm "$T/r/proc/vmstat"
	nz --sysroot "$T/r" watch -n 0.01 1
	expect_rc 0
	out_is '    0.00    1.5G    1.5G'
	err_has ": ALLOC, FAIL, FALLBACK, SCRUBBED, ONLINE,"
	# /sys/kernel/mm/nvm without nodes/ (and stats/): meminfo too
	mk_nvm "$T/r2"
	nz --sysroot "$T/r2" watch -b -n 0.01 1
	expect_rc 0
	out_is '    0.00     1610612736     1606942720'
	err_has "no ZONE_NVM statistics (no $T/r2/sys/kernel/mm/nvm/stats): ALLOC,"
}

test_watch_missing_features()
{
	local s="$T/r$NVMS"

	mk_watch "$T/r"
	rm "$s/offline_migrated_nvm" "$s/offline_migrated_dram" \
		"$s/offline_refused" "$s/badblock_pages" "$s/alloc_pages" \
		"$s/alloc_fail" "$s/alloc_fallback"
	# /proc/vmstat has the allocation counts too
	printf 'pgalloc_nvm 42\nnvm_alloc_fail 2\nnvm_alloc_fallback 1\n' \
		>"$T/r/proc/vmstat"
	nz --sysroot "$T/r" watch 0.01 1
	expect_rc 0
	out_is '    TIME   TOTAL    FREE     ALLOC   FAIL FALLBACK SCRUBBED  ONLINE OFFLINE
    0.00    2.5G    1.5G        42      2        1   262144  262144   65536'
	err_has "nvmzone: this kernel has no ZONE_NVM offline migration statistics (no $s/offline_migrated_nvm): MIG_NVM, MIG_DRAM, REFUSED not shown"
	err_has "nvmzone: this kernel has no ZONE_NVM badblocks (no $s/badblock_pages): BADBLOCK not shown"
	[ "$(wc -l <"$T/err")" -eq 2 ] || fail "expected two notes"
}

test_watch_no_nvm()
{
	mk_stock "$T/r"
	nz --sysroot "$T/r" watch 0.01 1
	expect_rc 1
	err_has "nvmzone: this kernel has no ZONE_NVM support (no $T/r/sys/kernel/mm/nvm, no NVMTotal in /proc/meminfo): nothing to watch"
	[ ! -s "$T/out" ] || fail "output without ZONE_NVM"
}

test_watch_read_error()
{
	mk_watch "$T/r"
	rm "$T/r$NVMS/alloc_fail"
	mkdir "$T/r$NVMS/alloc_fail"
	nz --sysroot "$T/r" watch 0.01 1
	expect_rc 1
	err_has "nvmzone: cannot read ZONE_NVM statistics: $T/r$NVMS/alloc_fail: Is a directory"
	[ ! -s "$T/out" ] || fail "output on failure"
	mk_watch "$T/r2"
	echo bogus >"$T/r2/sys/kernel/mm/nvm/nodes/node1/managed_pages"
	nz --sysroot "$T/r2" watch 0.01 1
	expect_rc 1
	err_has "nvmzone: cannot read ZONE_NVM pages: $T/r2/sys/kernel/mm/nvm/nodes/node1/managed_pages: Invalid argument"
}

test_watch_help()
{
	nz help watch
	expect_rc 0
	out_has '^Usage: nvmzone \[options\] watch \[options\] \[INTERVAL \[COUNT\]\]$'
	out_has '^ -J, --json +one JSON object per line'
	out_has '^ MIG_DRAM +offline_migrated_dram +pages offlining moved to DRAM$'
	nz watch -h
	expect_rc 0
	out_has '^ -n, --noheadings '
}

# ---- mirror ----

MIR=/sys/kernel/mm/nvm/mirror
MIRDBG=/sys/kernel/debug/nvm/mirror

test_mirror_list()
{
	mk_mirror "$T/r"
	nz --sysroot "$T/r" mirror
	expect_rc 0
	err_empty
	out_is 'RANGE                                  SIZE NODE  STATE
0x0000000020000000-0x0000000023ffffff   64M    0 online
0x0000000110000000-0x0000000117ffffff  128M    1 online

Mirrored online: 192M, free: 86.9M'
	cp "$T/out" "$T/default"
	nz mirror list --sysroot "$T/r"
	expect_rc 0
	cmp -s "$T/default" "$T/out" || fail "'mirror list' is not 'mirror'"
	nz --sysroot "$T/r" mirror -b
	expect_rc 0
	out_has "^0x0000000110000000-0x0000000117ffffff +134217728 +1 online\$"
	out_has "^Mirrored online: $((49152 * PAGE)), free: $((22246 * PAGE))\$"
}

test_mirror_raw_bytes()
{
	mk_mirror "$T/r"
	nz --sysroot "$T/r" mirror -r -b
	expect_rc 0
	out_is 'RANGE SIZE NODE STATE
0x0000000020000000-0x0000000023ffffff 67108864 0 online
0x0000000110000000-0x0000000117ffffff 134217728 1 online'
	# -n: the lines only, no summary either
	nz --sysroot "$T/r" mirror list -n -o START,END,BLOCK
	expect_rc 0
	out_is ' 536870912  603979775     4
4563402752 4697620479    34'
}

test_mirror_json()
{
	mk_mirror "$T/r"
	nz --sysroot "$T/r" mirror -J
	expect_rc 0
	err_empty
	json 'list(j) == ["mirror"] and len(j["mirror"]) == 2'
	json 'j["mirror"][0] == {"range": "0x0000000020000000-0x0000000023ffffff", "size": 67108864, "node": "0", "state": "online"}'
	json 'j["mirror"][1]["size"] == 134217728 and j["mirror"][1]["node"] == "1"'
	nz --sysroot "$T/r" mirror list --json --bytes -o +BLOCK,START
	expect_rc 0
	json 'j["mirror"][1] == {"range": "0x0000000110000000-0x0000000117ffffff", "size": 134217728, "node": "1", "state": "online", "block": "34", "start": 4563402752}'
}

test_mirror_states()
{
	local m="$T/r$MIR"

	mk_mirror "$T/r"
	# block 34 offline; 0x300000000 8M: block 96, none; 0x38000000 3.25G:
	# blocks 7-32, of which 7 (node 0) and 32 (node 1) exist, online
	printf offline >"$T/r$MEM/memory34/state"
	printf '0x300000000 0x800000\n0x38000000 0xd0000000\n' >>"$m/ranges"
	nz --sysroot "$T/r" mirror -r -n -o RANGE,NODE,STATE,BLOCK
	expect_rc 0
	err_empty
	out_is '0x0000000020000000-0x0000000023ffffff 0 online 4
0x0000000038000000-0x0000000107ffffff 0,1 partial 7-32
0x0000000110000000-0x0000000117ffffff 1 offline 34
0x0000000300000000-0x00000003007fffff - absent 96'
	nz --sysroot "$T/r" mirror -J -o STATE,NODE
	json '[r["node"] for r in j["mirror"]] == ["0", "0,1", "1", None]'
	json '[r["state"] for r in j["mirror"]] == ["online", "partial", "offline", "absent"]'
}

# nothing to list: a line on standard error, valid JSON
test_mirror_none()
{
	mk_mirror "$T/r"
	: >"$T/r$MIR/ranges"
	nz --sysroot "$T/r" mirror -J
	expect_rc 0
	err_is "nvmzone: no mirrored ranges"
	json 'j == {"mirror": []}'
}

test_mirror_bad_lines()
{
	mk_mirror "$T/r"
	printf 'bogus\n0x40000000\n0x40000000 0\n0x50000000 0x400000 7\n' >>"$T/r$MIR/ranges"
	nz --sysroot "$T/r" mirror -r -n -o RANGE
	expect_rc 64
	err_has "nvmzone: warning: $T/r$MIR/ranges: line 3: 'bogus' is not START LENGTH"
	err_has "line 6: '0x50000000 0x400000 7' is not START LENGTH"
	[ "$(grep -c 'is not START LENGTH' "$T/err")" -eq 4 ] || fail "expected 4 warnings"
	out_is '0x0000000020000000-0x0000000023ffffff
0x0000000110000000-0x0000000117ffffff'
	# the summary's files
	mk_mirror "$T/r2"
	rm "$T/r2$MIR/free_pages"
	nz --sysroot "$T/r2" mirror
	expect_rc 64
	err_has "nvmzone: cannot read mirrored memory: $T/r2$MIR/free_pages: No such file or directory"
	out_has '^0x0000000110000000-'
	out_lacks '^Mirrored'
}

test_mirror_add()
{
	mk_mirror "$T/r"
	nz --sysroot "$T/r" mirror add 0x30000000-0x33ffffff
	expect_rc 0
	err_empty
	# a fake tree's total_pages does not move
	out_is 'mirrored 0x0000000030000000-0x0000000033ffffff (64M): MirrorTotal 192M -> 192M'
	file_is "$T/r$MIRDBG/ranges" '0x30000000 0x4000000'
	# other forms of the same range: suffixes, an aligned END, decimal
	for a in 768M-832M 0x30000000-0x34000000 805306368-872415231; do
		mk_mirror "$T/r2"
		nz mirror add "$a" --sysroot "$T/r2"
		expect_rc 0
		file_is "$T/r2$MIRDBG/ranges" '0x30000000 0x4000000'
		rm -rf "$T/r2"
	done
	# START 0 is written "0"
	mk_mirror "$T/r2"
	nz --sysroot "$T/r2" mirror add 0-4M
	expect_rc 0
	file_is "$T/r2$MIRDBG/ranges" '0 0x400000'
	out_is 'mirrored 0x0000000000000000-0x00000000003fffff (4M): MirrorTotal 192M -> 192M'
}

test_mirror_add_bad()
{
	local a

	mk_mirror "$T/r"
	snap >"$T/before"
	for a in abc 0x30000000 '' 0x30000000-0x33ffffff-1 -0x1 30000000-G; do
		nz --sysroot "$T/r" mirror add -- "$a"
		expect_rc 1
		out_empty
		err_has "nvmzone: invalid range '$a': expected START-END (bytes, 0x hex, or a K/M/G/T suffix)"
	done
	nz --sysroot "$T/r" mirror add 0x30000000-0x30100000
	expect_rc 1
	err_is "nvmzone: invalid range '0x30000000-0x30100000': START and END + 1 must be multiples of the mirroring unit (4M)"
	nz --sysroot "$T/r" mirror add 0x30100000-0x341fffff
	expect_rc 1
	err_has "must be multiples of the mirroring unit (4M)"
	nz --sysroot "$T/r" mirror add 1G-512M
	expect_rc 1
	err_is "nvmzone: invalid range '1G-512M': START is above END"
	nz --sysroot "$T/r" mirror add 0-0xffffffffffffffff
	expect_rc 1
	err_has "END is beyond the last address"
	# overlapping a registered range: refused before writing
	nz --sysroot "$T/r" mirror add 0x1c000000-0x20ffffff
	expect_rc 1
	out_empty
	err_is "nvmzone: 0x000000001c000000-0x0000000020ffffff overlaps the mirrored range 0x0000000020000000-0x0000000023ffffff (see 'nvmzone mirror')"
	nz --sysroot "$T/r" mirror add 4G-5G
	expect_rc 1
	err_has "overlaps the mirrored range 0x0000000110000000-0x0000000117ffffff"
	nz --sysroot "$T/r" mirror add
	expect_rc 1
	err_is "nvmzone mirror: no RANGE given (see 'nvmzone mirror --help')"
	nz --sysroot "$T/r" mirror add 768M-832M 1G-1028M
	expect_rc 1
	err_is "nvmzone mirror: expected one RANGE (see 'nvmzone mirror --help')"
	nz --sysroot "$T/r" mirror add -J 768M-832M
	expect_rc 1
	err_is "nvmzone mirror: add takes no output option (-o, -J, -r, -n, -b) (see 'nvmzone mirror --help')"
	nz --sysroot "$T/r" mirror remove 768M-832M
	expect_rc 1
	err_is "nvmzone mirror: unknown mirror command: remove (expected list or add) (see 'nvmzone mirror --help')"
	nz --sysroot "$T/r" mirror list 768M-832M
	expect_rc 1
	err_is "nvmzone mirror: unexpected argument: 768M-832M (see 'nvmzone mirror --help')"
	nz --sysroot "$T/r" mirror -o RANGE,BOGUS
	expect_rc 1
	err_is "nvmzone: unknown column: BOGUS (see 'nvmzone mirror --help' for the columns)"
	nz --sysroot "$T/r" mirror --bogus
	expect_rc 1
	err_is "nvmzone mirror: unrecognized option '--bogus' (see 'nvmzone mirror --help')"
	snap >"$T/after"
	diff -u "$T/before" "$T/after" >&2 || fail "the tree changed"
}

test_mirror_add_write_error()
{
	local m="$T/r$MIR" d="$T/r$MIRDBG"

	mk_mirror "$T/r"
	# the debugfs writer is a link: nvmzone writes with O_NOFOLLOW, ELOOP
	mv "$d/ranges" "$d/ranges.real"
	ln -s ranges.real "$d/ranges"
	nz --sysroot "$T/r" mirror add 768M-832M
	expect_rc 1
	out_empty
	err_is "nvmzone: cannot write '0x30000000 0x4000000' to $d/ranges: Too many levels of symbolic links"
	[ "$(cat "$m/ranges")" = "$(printf '0x20000000 0x4000000\n0x110000000 0x8000000')" ] ||
		fail "ranges changed"
	rm "$d/ranges"
	mv "$d/ranges.real" "$d/ranges"
	# a ranges file that cannot be read
	rm "$m/ranges"
	mkdir "$m/ranges"
	for a in list "add 768M-832M"; do
		nz --sysroot "$T/r" mirror $a
		expect_rc 1
		out_empty
		err_is "nvmzone: cannot read mirrored ranges: $m/ranges: Is a directory"
	done
}

# debugfs not mounted (an empty /sys/kernel/debug), or a kernel without
# CONFIG_DEBUG_FS (none): add says so in one line and writes nothing; list
# reads the sysfs file and needs no debugfs
test_mirror_add_no_debugfs()
{
	local dbg

	for dbg in /sys/kernel/debug/nvm /sys/kernel/debug; do
		rm -rf "$T/r"
		mk_mirror "$T/r"
		rm -r "$T/r$dbg"
		snap >"$T/before"
		nz --sysroot "$T/r" mirror add 768M-832M
		expect_rc 1
		out_empty
		err_is "nvmzone: cannot add a mirrored range: $T/r$MIRDBG/ranges does not exist: debugfs must be mounted (mount -t debugfs none /sys/kernel/debug) and the kernel built with CONFIG_DEBUG_FS"
		snap >"$T/after"
		diff -u "$T/before" "$T/after" >&2 || fail "the tree changed"
		nz --sysroot "$T/r" mirror
		expect_rc 0
		err_empty
		out_has '^0x0000000110000000-0x0000000117ffffff +128M +1 online$'
	done
}

# add writes the debugfs file, never the sysfs list, and checks that the
# list has the range: here a kernel that took the write but lists nothing
test_mirror_add_not_listed()
{
	local m="$T/r$MIR" d="$T/r$MIRDBG"

	mk_mirror "$T/r"
	rm "$d/ranges"
	: >"$d/ranges"
	nz --sysroot "$T/r" mirror add 768M-832M
	expect_rc 64
	out_empty
	err_is "nvmzone: wrote '0x30000000 0x4000000' to $d/ranges, but the range is not listed in $m/ranges"
	file_is "$d/ranges" '0x30000000 0x4000000'
	[ "$(cat "$m/ranges")" = "$(printf '0x20000000 0x4000000\n0x110000000 0x8000000')" ] ||
		fail "the sysfs list was written"
}

# nz_nobody ARGS...: nz as nobody (root: with setpriv), for the root-only ranges
nz_nobody()
{
	rc=0
	if [ "$(id -u)" -ne 0 ]; then
		"$NVMZONE" "$@" >"$T/out" 2>"$T/err" || rc=$?
		return
	fi
	chmod a+rx "$TMP" "$T"
	setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$NVMZONE" "$@" >"$T/out" 2>"$T/err" || rc=$?
}

test_mirror_not_root()
{
	mk_mirror "$T/r"
	# its owner reads a 0600 file: make it 0 where the tests run as a user
	[ "$(id -u)" -eq 0 ] || chmod 0 "$T/r$MIR/ranges"
	snap >"$T/before"
	nz_nobody --sysroot "$T/r" mirror
	expect_rc 1
	out_empty
	err_is "nvmzone: cannot read mirrored ranges: $T/r$MIR/ranges: Permission denied (run as root)"
	nz_nobody --sysroot "$T/r" mirror add 768M-832M
	expect_rc 1
	err_is "nvmzone: cannot read mirrored ranges: $T/r$MIR/ranges: Permission denied (run as root)"
	# status and get need no root
	nz_nobody --sysroot "$T/r" status
	expect_rc 0
	out_has '^MirrorTotal: 192M'
	snap >"$T/after"
	diff -u "$T/before" "$T/after" >&2 || fail "the tree changed"
}

test_mirror_unsupported()
{
	mk_mirror "$T/r" none
	snap >"$T/before"
	for a in "" list "-J" "add 768M-832M"; do
		nz --sysroot "$T/r" mirror $a
		expect_rc 1
		out_empty
		err_is "nvmzone: this kernel has no MIGRATE_MIRROR support (CONFIG_MEMORY_MIRROR): $T/r$MIR does not exist"
	done
	nz --sysroot "$T/r" status
	expect_rc 0
	err_empty
	out_lacks 'Mirror|mirror'
	nz --sysroot "$T/r" status -o +MIRROR -r
	expect_rc 0
	out_has '^0 DMA32 .* $'
	nz --sysroot "$T/r" get mirrorable
	expect_rc 1
	err_is "nvmzone: mirrorable: this kernel has no MIGRATE_MIRROR support (CONFIG_MEMORY_MIRROR)"
	nz --sysroot "$T/r" set mirrorable 2
	expect_rc 1
	err_is "nvmzone: mirrorable: this kernel has no MIGRATE_MIRROR support (CONFIG_MEMORY_MIRROR)"
	snap >"$T/after"
	diff -u "$T/before" "$T/after" >&2 || fail "the tree changed"
}

test_mirror_status()
{
	mk_mirror "$T/r"
	nz --sysroot "$T/r" status
	expect_rc 0
	err_empty
	out_is 'NODE ZONE   TOTAL MANAGED   FREE
   0 DMA    15.6M     15M    15M
   0 DMA32  1008M  976.6M 703.1M
   1 Normal    1G      1G 781.3M

NVMTotal: 0B
NVMFree:  0B
MirrorTotal: 192M (node 0: 64M, node 1: 128M)
MirrorFree:  86.9M (node 0: 23.4M, node 1: 63.5M)
vm.mirrorable: 1 (__GFP_MIRROR requests; any request as a last resort)'
	nz --sysroot "$T/r" status -r -n -b -o NODE,ZONE,MIRROR,MIRROR-FREE
	expect_rc 0
	out_is "0 DMA 0 0
0 DMA32 $((16384 * PAGE)) $((6000 * PAGE))
1 Normal $((32768 * PAGE)) $((16246 * PAGE))"
	nz --sysroot "$T/r" status -J -o ZONE,MIRROR
	expect_rc 0
	json "[z['mirror'] for z in j['zones']] == [0, $((16384 * PAGE)), $((32768 * PAGE))]"
	# every total of the summary, in bytes
	json 'list(j) == ["zones", "nvm_total", "nvm_free", "mirror_total", "mirror_free", "mirror_nodes", "mirrorable"]'
	json 'j["nvm_total"] == 0 and j["mirror_total"] == 196608 * 1024 and j["mirror_free"] == 88984 * 1024'
	json 'j["mirror_nodes"] == [{"node": 0, "mirror_total": 65536 * 1024, "mirror_free": 24000 * 1024}, {"node": 1, "mirror_total": 131072 * 1024, "mirror_free": 64984 * 1024}]'
	json 'j["mirrorable"] == 1'
	# the old name of MIRROR_FREE
	nz --sysroot "$T/r" status -r -o ZONE,MIRROR-FREE
	expect_rc 0
	out_has '^ZONE MIRROR_FREE$'
	# without ZONE_NVM; vm.mirrorable 3; no node meminfo
	sed -i '/^NVM/d' "$T/r/proc/meminfo"
	echo 3 >"$T/r/proc/sys/vm/mirrorable"
	rm -r "$T/r/sys/devices/system/node"
	nz --sysroot "$T/r" status
	expect_rc 0
	err_has "no ZONE_NVM support"
	out_has '^   1 Normal +1G +1G +781.3M$'
	out_lacks NVM
	grep -A4 '^   1 Normal' "$T/out" | tail -n +2 >"$T/tail"
	printf '\nMirrorTotal: 192M\nMirrorFree:  86.9M\nvm.mirrorable: 3 (__GFP_MIRROR requests and all non-movable kernel memory first; any request as a last resort)\n' |
		diff -u - "$T/tail" || fail "summary differs"
	# the sysctl missing under a mirror directory: partial
	rm "$T/r/proc/sys/vm/mirrorable"
	nz --sysroot "$T/r" status
	expect_rc 64
	# the note on ZONE_NVM, then the one failure
	err_has "nvmzone: vm.mirrorable: cannot read: No such file or directory"
	[ "$(wc -l <"$T/err")" -eq 2 ] || fail "expected the note and one error"
	out_has '^MirrorFree: +86.9M$'
	nz --sysroot "$T/r" status -J
	expect_rc 64
	json 'list(j) == ["zones", "mirror_total", "mirror_free"]'
}

test_mirror_get_set()
{
	local f="$T/r/proc/sys/vm/mirrorable" v

	mk_mirror "$T/r"
	nz --sysroot "$T/r" get mirrorable
	expect_rc 0
	out_is 'mirrorable = 1'
	nz --sysroot "$T/r" get -n mirrorable vm.mirrorable vm/mirrorable
	expect_rc 0
	out_is '1
1
1'
	nz --sysroot "$T/r" set mirrorable 2
	expect_rc 0
	out_is 'mirrorable: 1 -> 2'
	[ "$(cat "$f")" = 2 ] || fail "not written"
	nz --sysroot "$T/r" set vm.mirrorable 0
	expect_rc 0
	out_is 'vm.mirrorable: 2 -> 0'
	nz --sysroot "$T/r" set vm/mirrorable 3
	expect_rc 0
	out_is 'vm/mirrorable: 0 -> 3'
	snap >"$T/before"
	for v in 4 -1 abc 1.5 99999999999 0x1 '1 2' ' '; do
		for k in mirrorable vm.mirrorable; do
			nz --sysroot "$T/r" set -- "$k" "$v"
			expect_rc 1
			out_empty
			err_is "nvmzone: invalid value for $k: '$v' (expected an integer from 0 to 3)"
		done
	done
	# without --, -1 is a value too, as for sysctl
	nz --sysroot "$T/r" set mirrorable -1
	expect_rc 1
	err_is "nvmzone: invalid value for mirrorable: '-1' (expected an integer from 0 to 3)"
	nz --sysroot "$T/r" set mirrorable=-1
	expect_rc 1
	err_is "nvmzone: invalid value for mirrorable: '-1' (expected an integer from 0 to 3)"
	snap >"$T/after"
	diff -u "$T/before" "$T/after" >&2 || fail "the tree changed"
	# a short name is not a path: no other short names, no mirrorable/x
	nz --sysroot "$T/r" get mirrorable/x
	expect_rc 1
	err_has "nvmzone: invalid knob 'mirrorable/x': expected vm/NAME or nvm/NAME"
}

test_mirror_watch()
{
	local m="$T/r$MIR"

	mk_watch "$T/r"
	mirror_files "$T/r"
	nz --sysroot "$T/r" watch -b 0.01 1
	expect_rc 0
	err_empty
	# MIR_FREE is a size, 14 wide with -b
	out_is "$(printf '%s %14s %9s %10s %8s\n' "$(wline TIME TOTAL FREE \
		ALLOC FAIL FALLBACK SCRUBBED ONLINE OFFLINE MIG_NVM MIG_DRAM \
		REFUSED BADBLOCK)" MIR_FREE MIR_ALLOC MIR_FALLBK MIR_LAST
	printf '%s %14s %9s %10s %8s\n' "$(wline 0.00 $((655360 * PAGE)) \
		$((394008 * PAGE)) 5000 7 3 262144 262144 65536 1200 34 2 16)" \
		$((22246 * PAGE)) 1200 30 5)"
	nz --sysroot "$T/r" watch -n 0.5 1
	expect_rc 0
	out_has ' +16 +86\.9M +1200 +30 +5$'
	nz --sysroot "$T/r" watch -J 0.01 2
	expect_rc 0
	python3 - "$T/out" $((22246 * PAGE)) <<'PY' || fail "JSON lines: wrong mirror values"
import json, sys
j = [json.loads(l) for l in open(sys.argv[1])]
free = int(sys.argv[2])
assert list(j[0])[-4:] == ["mir_free", "mir_alloc", "mir_fallbk", "mir_last"], j[0]
assert j[0]["mir_free"] == free and j[0]["mir_alloc"] == 1200, j[0]
assert j[1]["mir_free"] == free and j[1]["mir_alloc"] == 0, j[1]
PY
	# the sysfs files gone: /proc/vmstat has the same counts
	rm -r "$m/stats" "$m/free_pages"
	nz --sysroot "$T/r" watch -n 0.01 1
	expect_rc 0
	err_empty
	out_has ' +16 +86\.9M +1200 +30 +5$'
	# neither: a note, as for the ZONE_NVM features
	sed -i '/mirror/d' "$T/r/proc/vmstat"
	nz --sysroot "$T/r" watch -n 0.01 1
	expect_rc 0
	err_is "nvmzone: this kernel has no MIGRATE_MIRROR statistics (no $m/free_pages): MIR_FREE, MIR_ALLOC, MIR_FALLBK, MIR_LAST not shown"
	out_has ' 16$'
}

test_mirror_help()
{
	nz help mirror
	expect_rc 0
	err_empty
	out_has '^Usage: nvmzone \[options\] mirror \[list\] \[options\]$'
	out_has '^       nvmzone \[options\] mirror add RANGE$'
	out_has '^ +STATE +its memory blocks: online, offline, partial or absent$'
	out_has '^Exit status: 0 success; 1 failure'
	nz mirror add --help
	expect_rc 0
	out_has '^  RANGE +START-END'
	nz watch --help
	out_has '^ MIR_FALLBK +stats/fallback_pages +mirror-first pages that fell back'
	nz get --help
	out_has '^  mirrorable +vm.mirrorable'
}

# ---- run ----
#
# Most run tests preload tests/fake-prctl.c (nzf): the placement prctls of
# the nvmzone kernel, faked on any host kernel, their calls logged to
# $T/prctl, their errors chosen by NZ_FAKE_* (see that file).  With it, run
# really executes COMMAND, which inherits the fake mode across exec as it
# would the kernel's.  test_run_host_kernel makes the real prctl() calls;
# placement itself (pages in ZONE_NVM, SIGBUS) is for the VM tests.

RUN_EINVAL_SET="nvmzone run: this kernel has no ZONE_NVM placement (PR_SET_NVM_PLACEMENT: Invalid argument)"
RUN_EINVAL_GET="nvmzone run: this kernel has no ZONE_NVM placement (PR_GET_NVM_PLACEMENT: Invalid argument)"
RUN_NO_STRICT="nvmzone run: --strict: this kernel has no strict placement, only --preferred (PR_SET_NVM_PLACEMENT: Invalid argument)"
RUN_ENOMEM="nvmzone run: --strict: no ZONE_NVM memory for strict placement (PR_SET_NVM_PLACEMENT: Cannot allocate memory)"
RUN_EPERM="nvmzone run: PR_SET_NVM_PLACEMENT: Operation not permitted (needs CAP_SYS_ADMIN, or vm.nvm_placement_unprivileged=1)"
RUN_SYSROOT="nvmzone run: --sysroot does not apply: the placement is set in the running kernel"
FAKE_PRCTL=$TMP/fake-prctl.so

# nzf ARGS...: nz with the fake placement prctls (NZ_FAKE_* from the
# caller's environment, "NZ_FAKE_SET_ERRNO=EPERM nzf run ...").  An
# LD_PRELOAD ahead of a dynamic ASan runtime needs verify_asan_link_order=0.
nzf()
{
	[ -e "$FAKE_PRCTL" ] ||
		${CC:-cc} -shared -fPIC -O2 -Wall -Wextra -Werror \
			-o "$FAKE_PRCTL" "$HERE/fake-prctl.c" ||
		fail "cannot build $FAKE_PRCTL"
	rc=0
	LD_PRELOAD=$FAKE_PRCTL NZ_FAKE_PRCTL_LOG=$T/prctl \
		ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0 \
		"$NVMZONE" "$@" >"$T/out" 2>"$T/err" || rc=$?
}

# prctl_is CALLS: the fake prctls called since the last one, then forget them
prctl_is()
{
	if [ -n "$1" ]; then
		printf '%s\n' "$1" | diff -u - "$T/prctl" || fail "prctl calls differ"
	else
		[ ! -s "$T/prctl" ] || fail "prctl called: $(cat "$T/prctl")"
	fi
	rm -f "$T/prctl"
}

test_run_no_command()
{
	local a

	for a in "" --preferred --strict "--strict --" --; do
		nzf run $a
		expect_rc 1
		out_empty
		err_is "nvmzone run: no command given (see 'nvmzone run --help')"
		prctl_is ""
	done
}

test_run_strict()
{
	# the mode reaches the kernel, COMMAND runs with its arguments
	nzf run --strict -- sh -c 'echo "$0 $1: $NZ_FAKE_PLACEMENT"' a b
	expect_rc 0
	err_empty
	out_is "a b: 2"
	prctl_is "SET 2 0 0 0"
	# and inherits the mode across exec
	nzf run --strict "$NVMZONE" run --show
	expect_rc 0
	err_empty
	out_is strict
	prctl_is "SET 2 0 0 0
GET 0 0 0 0"
	# the last of --preferred and --strict counts
	nzf run --preferred --strict true
	expect_rc 0
	prctl_is "SET 2 0 0 0"
	nzf run --strict --preferred true
	expect_rc 0
	prctl_is "SET 1 0 0 0"
	# COMMAND's exit status and signals are its own
	nzf run --strict -- sh -c 'exit 3'
	expect_rc 3
	err_empty
	nzf run --strict -- sh -c 'kill -TERM $$'
	expect_rc $((128 + 15))
}

test_run_preferred()
{
	local a

	for a in "" --preferred "--preferred --"; do
		nzf run $a "$NVMZONE" run --show
		expect_rc 0
		err_empty
		out_is preferred
		prctl_is "SET 1 0 0 0
GET 0 0 0 0"
	done
	# options after COMMAND are COMMAND's, not run's
	nzf run echo --strict --show -h
	expect_rc 0
	out_is "--strict --show -h"
	prctl_is "SET 1 0 0 0"
	nzf run sh -c 'exit 0' --show -h
	expect_rc 0
	prctl_is "SET 1 0 0 0"
}

test_run_exec_errors()
{
	# the placement is set first, then COMMAND looked for
	nzf run --strict -- "$T/no-such-command" arg
	expect_rc 127
	out_empty
	err_is "nvmzone run: $T/no-such-command: No such file or directory"
	prctl_is "SET 2 0 0 0"
	nzf run -- no-such-command-nvmzone
	expect_rc 127
	err_is "nvmzone run: no-such-command-nvmzone: No such file or directory"
	prctl_is "SET 1 0 0 0"
	mkdir "$T/dir"
	nzf run -- "$T/dir"
	expect_rc 126
	err_is "nvmzone run: $T/dir: Permission denied"
	prctl_is "SET 1 0 0 0"
}

test_run_eperm()
{
	local a

	for a in "" --preferred --strict; do
		NZ_FAKE_SET_ERRNO=EPERM nzf run $a -- touch "$T/ran"
		expect_rc 1
		out_empty
		err_is "$RUN_EPERM"
		[ ! -e "$T/ran" ] || fail "run $a: COMMAND ran"
	done
	# COMMAND is not looked for
	NZ_FAKE_SET_ERRNO=EPERM nzf run --strict -- "$T/no-such-command"
	expect_rc 1
	err_is "$RUN_EPERM"
	# --show needs no privilege
	NZ_FAKE_SET_ERRNO=EPERM nzf run --show
	expect_rc 0
	out_is off
}

test_run_strict_enomem()
{
	NZ_FAKE_STRICT_ERRNO=ENOMEM nzf run --strict -- touch "$T/ran"
	expect_rc 1
	out_empty
	err_is "$RUN_ENOMEM"
	[ ! -e "$T/ran" ] || fail "COMMAND ran"
	prctl_is "SET 2 0 0 0"
	# preferred placement needs no ZONE_NVM memory
	NZ_FAKE_STRICT_ERRNO=ENOMEM nzf run -- "$NVMZONE" run --show
	expect_rc 0
	out_is preferred
	# ENOMEM for another mode: no more than the reason
	NZ_FAKE_SET_ERRNO=ENOMEM nzf run -- true
	expect_rc 1
	err_is "nvmzone run: PR_SET_NVM_PLACEMENT: Cannot allocate memory"
}

test_run_strict_einval()
{
	local a

	# a kernel with placement but without strict: the GET tells it apart
	NZ_FAKE_STRICT_ERRNO=EINVAL nzf run --strict -- touch "$T/ran"
	expect_rc 1
	out_empty
	err_is "$RUN_NO_STRICT"
	[ ! -e "$T/ran" ] || fail "COMMAND ran"
	prctl_is "SET 2 0 0 0
GET 0 0 0 0"
	NZ_FAKE_STRICT_ERRNO=EINVAL nzf run --strict --preferred -- true
	expect_rc 0
	prctl_is "SET 1 0 0 0"
	# a kernel without any placement
	for a in --strict --preferred; do
		NZ_FAKE_SET_ERRNO=EINVAL NZ_FAKE_GET_ERRNO=EINVAL nzf run $a -- touch "$T/ran"
		expect_rc 1
		out_empty
		err_is "$RUN_EINVAL_SET"
		[ ! -e "$T/ran" ] || fail "COMMAND ran"
	done
	NZ_FAKE_SET_ERRNO=EINVAL NZ_FAKE_GET_ERRNO=EINVAL nzf run --show
	expect_rc 1
	out_empty
	err_is "$RUN_EINVAL_GET"
	# any other errno: the call and the reason
	NZ_FAKE_SET_ERRNO=EBUSY nzf run --strict -- true
	expect_rc 1
	err_is "nvmzone run: PR_SET_NVM_PLACEMENT: Device or resource busy"
	NZ_FAKE_GET_ERRNO=EBUSY nzf run --show
	expect_rc 1
	err_is "nvmzone run: PR_GET_NVM_PLACEMENT: Device or resource busy"
}

test_run_show()
{
	local m

	for m in 0:off 1:preferred 2:strict 7:"unknown (7)"; do
		NZ_FAKE_PLACEMENT=${m%%:*} nzf run --show
		expect_rc 0
		err_empty
		out_is "${m#*:}"
		prctl_is "GET 0 0 0 0"
	done
}

test_run_bad_options()
{
	nzf run --bogus -- true
	expect_rc 1
	err_is "nvmzone run: unrecognized option '--bogus' (see 'nvmzone run --help')"
	nzf run -x true
	expect_rc 1
	err_is "nvmzone run: invalid option -- 'x' (see 'nvmzone run --help')"
	for a in "--show -- true" "--show true" "--preferred --show" "--show --strict"; do
		nzf run $a
		expect_rc 1
		out_empty
		err_is "nvmzone run: --show takes no other option and no command (see 'nvmzone run --help')"
	done
	prctl_is ""
}

test_run_sysroot_refused()
{
	mkdir "$T/r"
	nzf --sysroot "$T/r" run -- true
	expect_rc 1
	err_is "$RUN_SYSROOT"
	nzf run --sysroot "$T/r" --strict -- true
	expect_rc 1
	err_is "$RUN_SYSROOT"
	nzf run --sysroot="$T/r" --show
	expect_rc 1
	err_is "$RUN_SYSROOT"
	prctl_is ""
	# options end at COMMAND: this --sysroot is the command's
	nzf run echo --sysroot "$T/r"
	expect_rc 0
	out_is "--sysroot $T/r"
	prctl_is "SET 1 0 0 0"
}

# The real prctl() of this host's kernel, whichever it is
test_run_host_kernel()
{
	local r

	r=$(python3 -c 'import ctypes
libc = ctypes.CDLL(None, use_errno=True)
r = libc.prctl(0x4e564d02, 0, 0, 0, 0)
print(r if r >= 0 else "errno %d" % ctypes.get_errno())')
	if [ "$r" != "errno 22" ]; then
		# the nvmzone kernel: what nvmzone inherited from here
		nz run --show
		expect_rc 0
		err_empty
		out_has '^(off|preferred|strict)$'
		return
	fi
	# no placement prctls: EINVAL, with or without --strict
	for a in "" --strict --preferred; do
		nz run $a -- touch "$T/ran"
		expect_rc 1
		out_empty
		err_is "$RUN_EINVAL_SET"
		[ ! -e "$T/ran" ] || fail "run $a: COMMAND ran"
	done
	nz run --show
	expect_rc 1
	out_empty
	err_is "$RUN_EINVAL_GET"
}

test_run_help()
{
	nz help run
	expect_rc 0
	err_empty
	out_has '^Usage: nvmzone run \[--preferred \| --strict\] -- COMMAND \[ARG\.\.\.\]$'
	out_has '^       nvmzone run --show$'
	out_has '^     --strict +ZONE_NVM only: a page fault that finds it full$'
	out_has '^     --show +print the placement nvmzone inherited \(off,$'
	out_has 'vm.nvm_placement_unprivileged'
	out_lacks 'not in this kernel'
	nz run -h
	expect_rc 0
	out_has '126 when COMMAND cannot be executed, 127 when it$'
	nz --help
	out_has '^  run +run a program with its memory in ZONE_NVM$'
}

# ---- packaging ----

# make: the packager's CPPFLAGS, CFLAGS and LDFLAGS, -Werror on request
test_make_flags()
{
	# not the flags of the make or the environment that runs the tests
	local mk="env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u CFLAGS -u CPPFLAGS -u LDFLAGS -u WERROR -u BIN -u SAN_BIN make -s -B -n -C $HERE/.. nvmzone"

	$mk CPPFLAGS=-DNZ_CPP CFLAGS=-DNZ_C LDFLAGS=-Wl,-z,nzld >"$T/out" 2>"$T/err" ||
		fail "make -n failed"
	out_has ' -DNZ_CPP '
	out_has ' -DNZ_C '
	out_has ' -Wl,-z,nzld '
	out_has ' -Wall -Wextra '
	# CFLAGS given: they replace the default -O2 -g
	out_lacks ' -O2 '
	out_lacks 'Werror'
	$mk >"$T/out" 2>"$T/err" || fail "make -n failed"
	out_has ' -O2 -g '
	out_lacks 'Werror'
	$mk WERROR=1 >"$T/out" 2>"$T/err" || fail "make -n failed"
	out_has ' -Wall -Wextra -Werror '
	# the project's test build: -Werror always
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u SAN_BIN make -s -B -n -C "$HERE/.." nvmzone-san >"$T/out" 2>"$T/err" ||
		fail "make -n nvmzone-san failed"
	out_has ' -Werror '
}

# make install DESTDIR=: the binary, the man page, the sysctl.d example
test_make_install()
{
	local src="$T/src/tools/nvmzone" conf=docs/sysctl.d/90-nvmzone.conf

	mkdir -p "$src" "$T/src/docs/sysctl.d"
	cp "$HERE/../Makefile" "$HERE/../nvmzone.8" "$src"
	cp "$HERE/../../../$conf" "$T/src/$conf"
	echo binary >"$src/nvmzone"
	# -o nvmzone: install what is there, build nothing
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -C "$src" -o nvmzone install DESTDIR="$T/d" PREFIX=/usr \
		>"$T/out" 2>"$T/err" || fail "make install failed"
	(cd "$T/d" && find . -type f -printf '%p %m\n' | sort) >"$T/out"
	out_is './etc/sysctl.d/90-nvmzone.conf 644
./usr/bin/nvmzone 755
./usr/share/man/man8/nvmzone.8 644'
	cmp -s "$T/src/$conf" "$T/d/etc/sysctl.d/90-nvmzone.conf" ||
		fail "the sysctl.d file differs from $conf"
	cmp -s "$HERE/../nvmzone.8" "$T/d/usr/share/man/man8/nvmzone.8" ||
		fail "the man page differs"
	# the defaults: /usr/local, /etc
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u PREFIX make -s -C "$src" -o nvmzone install DESTDIR="$T/d2" \
		>"$T/out" 2>"$T/err" || fail "make install failed"
	(cd "$T/d2" && find . -type f | sort) >"$T/out"
	out_is './etc/sysctl.d/90-nvmzone.conf
./usr/local/bin/nvmzone
./usr/local/share/man/man8/nvmzone.8'
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
