# SPDX-License-Identifier: GPL-2.0
# TAP helpers and memory helpers for the guest scenario scripts.
# Each check is one TAP line; its output is shown (as "# " lines) on failure.

T_N=0
T_FAILED=0
MEMDIR=/sys/devices/system/memory

t_ok()   { T_N=$((T_N + 1)); echo "ok $T_N - $*"; }
t_fail() { T_N=$((T_N + 1)); T_FAILED=$((T_FAILED + 1)); echo "not ok $T_N - $*"; }
t_skip() { T_N=$((T_N + 1)); echo "ok $T_N - $1 # SKIP $2"; }
t_diag() { sed 's/^/# /'; }

# t_run NAME CMD [ARG...]: one test, passing when CMD exits 0.
t_run() {
	local name=$1 out rc
	shift
	out=$("$@" 2>&1)
	rc=$?
	if [ "$rc" = 0 ]; then
		t_ok "$name"
	else
		[ -n "$out" ] && printf '%s\n' "$out" | t_diag
		t_fail "$name (exit $rc)"
	fi
	return "$rc"
}

# t_eq NAME GOT WANT: one test, passing when GOT is WANT; both are shown
# when they differ
t_eq() {
	if [ "$2" = "$3" ]; then
		t_ok "$1"
	else
		printf 'got:  %s\nwant: %s\n' "$2" "$3" | t_diag
		t_fail "$1"
	fi
}

# t_ksft PROG: a kselftest_harness program; each of its results is one test.
t_ksft() {
	local prog=$1 name out rc line res
	name=$(basename "$prog")
	out=$("$prog" 2>&1)
	rc=$?
	printf '%s\n' "$out" | grep -q '^not ok' && printf '%s\n' "$out" | t_diag
	printf '%s\n' "$out" | grep -E '^(not )?ok [0-9]+ ' >/tmp/ksft.$$
	if [ ! -s /tmp/ksft.$$ ]; then
		printf '%s\n' "$out" | t_diag
		t_fail "$name: no results (exit $rc)"
		return 1
	fi
	while read -r line; do
		case "$line" in
		"not ok "*) res=${line#not ok } ; t_fail "$name: ${res#* }" ;;
		*"# SKIP"*) res=${line#ok } ; res=${res#* }; t_skip "$name: ${res%%#*}" "${res#*# SKIP}" ;;
		*) res=${line#ok } ; t_ok "$name: ${res#* }" ;;
		esac
	done </tmp/ksft.$$
	rm -f /tmp/ksft.$$
	return "$rc"
}

# The harness's own self-test (nvmtest.inject=): make this run fail in a
# known way, and run nothing else.
t_begin() {
	echo "TAP version 13"
	case "$NVMTEST_INJECT" in
	"") return 0 ;;
	fail) t_fail "injected failure (harness self-test)" ;;
	warn)
		echo WARNING >/sys/kernel/debug/provoke-crash/DIRECT
		t_ok "injected a kernel WARNING (harness self-test)" ;;
	esac
	t_end
	exit 0
}

t_end() { echo "1..$T_N"; }

# Host requests over the second serial port (selftests/vm/hostctl.py):
# "hotadd ID SIZE NODE" and "hotremove ID" answer "ok" or "err MESSAGE".
hostctl() {
	local reply
	if [ -z "$HOSTCTL_OPEN" ]; then
		exec 3<>/dev/ttyS1 || return 1
		stty -F /dev/ttyS1 raw -echo 115200
		HOSTCTL_OPEN=1
	fi
	echo "$*" >&3
	read -r -t 90 reply <&3 || { echo "hostctl: no answer to '$*'"; return 1; }
	case "$reply" in
	ok*) return 0 ;;
	*) echo "hostctl: $*: $reply"; return 1 ;;
	esac
}

# as_nobody CMD...: run CMD as uid/gid 65534 without groups.  The path is
# explicit: busybox sh prefers its own setpriv applet, which lacks --reuid.
as_nobody() { /bin/setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }

block_size()   { printf '%d\n' "0x$(cat $MEMDIR/block_size_bytes)"; }
block_ids()    { ls -d $MEMDIR/memory[0-9]* 2>/dev/null | sed 's/.*memory//' | sort -n; }
block_count()  { block_ids | wc -l; }
block_state()  { cat $MEMDIR/memory$1/state; }
block_zones()  { cat $MEMDIR/memory$1/valid_zones; }
# block_node ID: the node of a memory block
block_node()   { ls -d $MEMDIR/memory$1/node* | sed 's/.*node//'; }

# zone_pages NODE ZONE FIELD: a field (present, managed, spanned) of /proc/zoneinfo
zone_pages() {
	awk -v node="$1," -v zone="$2" -v field="$3" '
		/^Node/ { in_zone = ($2 == node && $4 == zone) }
		in_zone && $1 == field { print $2; found = 1; exit }
		END { if (!found) print 0 }' /proc/zoneinfo
}

# zone_free_pcp NODE ZONE: the zone's free pages, those on its per-cpu
# lists included (since 6.7 the per-cpu lists grow with the free rate, to
# a few thousand pages of a zone: nr_free_pages alone moves with them)
zone_free_pcp() {
	awk -v node="$1," -v zone="$2" '
		/^Node/ { in_zone = ($2 == node && $4 == zone) }
		in_zone && $1 == "nr_free_pages" { free = $2 }
		in_zone && $1 == "count:" { pcp += $2 }
		END { print free + pcp }' /proc/zoneinfo
}

# meminfo_kb FIELD [NODE]: a /proc/meminfo (or node meminfo) field in kB
# hold_start ARGS...: /nvmtest/bin/nvm_hold ARGS in the background, talking
# over two fifos (commands in on fd 7, answers out on fd 8); its first line
# goes into $ready $pages $innvm, its pid into $hold_pid
hold_start() {
	rm -f /tmp/hold.in /tmp/hold.out
	mkfifo /tmp/hold.in /tmp/hold.out
	/nvmtest/bin/nvm_hold "$@" </tmp/hold.in >/tmp/hold.out &
	hold_pid=$!
	exec 7>/tmp/hold.in 8</tmp/hold.out
	read -r -t 120 ready pages innvm <&8
}
# hold_check START END: its answer to "check START END" (hex)
hold_check() { echo "check $1" >&7; read -r -t 120 hres hnvm hin <&8; echo "$hres $hnvm $hin"; }
# hold_stop: quit it and close the fifos
hold_stop() { echo quit >&7; wait "$hold_pid"; exec 7>&- 8<&-; }

# node_tier N: the memory tiers (memory_tierT) whose nodelist has node N
node_tier() {
	local f list r
	for f in /sys/devices/virtual/memory_tiering/memory_tier*/nodelist; do
		[ -r "$f" ] || continue
		list=$(cat "$f")
		for r in $(echo "$list" | tr ',' ' '); do
			if [ "$1" -ge "${r%-*}" ] && [ "$1" -le "${r#*-}" ]; then
				basename "$(dirname "$f")"
			fi
		done
	done
}

meminfo_kb() {
	if [ -n "$2" ]; then
		# a node without memory may be offline: no directory, 0 kB
		cat /sys/devices/system/node/node$2/meminfo 2>/dev/null |
			awk -v f="$1:" '$3 == f { v = $4 } END { print v + 0 }'
	else
		awk -v f="$1:" '$1 == f { print $2 }' /proc/meminfo
	fi
}

# wait_for SECONDS 'SHELL CONDITION': poll until the condition, evaluated
# afresh each time, holds.  Each evaluation runs in a subshell, so that a
# condition may end with "exit 1" (a loop over blocks) without ending the
# wait at its first poll.
wait_for() {
	local t=$(($1 * 10))
	shift
	while [ "$t" -gt 0 ]; do
		(eval "$*") >/dev/null 2>&1 && return 0
		sleep 0.1
		t=$((t - 1))
	done
	(eval "$*")
}

# scrub_wait [SECONDS]: until no ZONE_NVM page waits for the background
# scrub (stats/unscrubbed_pages is 0); memory onlined to ZONE_NVM, at boot
# or by hot-add, joins the zone's counters only once scrubbed
scrub_wait() {
	[ -r /sys/kernel/mm/nvm/stats/unscrubbed_pages ] || return 0
	wait_for "${1:-300}" '[ "$(cat /sys/kernel/mm/nvm/stats/unscrubbed_pages)" = 0 ]'
}

# expect_err ERRNO_TEXT FILE VALUE: writing VALUE and a newline (as echo
# does) in one write(2) fails with that error, and the file is unchanged
expect_err() {
	local before out
	before=$(cat "$2")
	out=$(printf '%s\n' "$3" | dd of="$2" bs=65536 2>&1) &&
		{ echo "write of '$3' to $2 succeeded"; return 1; }
	echo "$out" | grep -q "$1" || { echo "error was: $out"; return 1; }
	[ "$(cat "$2")" = "$before" ] || { echo "$2 changed to $(cat "$2")"; return 1; }
}

# json_field KEY: the first "KEY":"value" of ndctl/daxctl JSON on stdin
json_field() { grep -o "\"$1\":\"[^\"]*\"" | head -n 1 | cut -d'"' -f4; }
json_num()   { grep -o "\"$1\":[0-9]*" | head -n 1 | cut -d: -f2; }

# pattern_rw DEV OFFSET_MB: write 4 MiB of random data, drop nothing, read back
pattern_rw() {
	dd if=/dev/urandom of=/tmp/pat bs=1M count=4 2>/dev/null &&
	dd if=/tmp/pat of="$1" bs=1M seek="$2" count=4 conv=fsync 2>/dev/null &&
	dd if="$1" of=/tmp/back bs=1M skip="$2" count=4 2>/dev/null &&
	cmp /tmp/pat /tmp/back
}

# fsdax_mount DEV: ext2 on a pmem block device, mounted -o dax, keeps a
# file across a remount
fsdax_mount() {
	mke2fs -q -b 4096 "$1" && mkdir -p /mnt/dax && mount -t ext2 -o dax "$1" /mnt/dax &&
	dd if=/dev/urandom of=/mnt/dax/f bs=1M count=2 2>/dev/null && md5sum /mnt/dax/f >/tmp/sum &&
	umount /mnt/dax && mount -t ext2 -o dax "$1" /mnt/dax && md5sum -c /tmp/sum &&
	{ grep '/mnt/dax' /proc/mounts; grep -q '/mnt/dax ext2 .*dax' /proc/mounts; } && umount /mnt/dax
}

# region_on_node NODE: the NFIT region whose memory targets NODE
region_on_node() {
	local r
	for r in /sys/bus/nd/devices/region*; do
		[ -e "$r/mappings" ] && [ "$(cat "$r/mappings")" -gt 0 ] &&
			[ "$(cat "$r/target_node")" = "$1" ] && { basename "$r"; return 0; }
	done
	return 1
}

# nfit_region: the region of the NFIT NVDIMM (not the e820 one)
nfit_region() {
	local r
	for r in /sys/bus/nd/devices/region*; do
		[ -e "$r/mappings" ] && [ "$(cat "$r/mappings")" -gt 0 ] && { basename "$r"; return 0; }
	done
	return 1
}

# reset_labels REGION: fresh label space on the region's NVDIMM
reset_labels() {
	local nmem
	nmem=$(cut -d, -f1 /sys/bus/nd/devices/$1/mapping0)
	ndctl disable-region "$1" && ndctl init-labels -f "$nmem" && ndctl enable-region "$1"
}

# offline_range FIRST-LAST: chmem -d, retried: pages of a movable block can be
# pinned for a moment (LRU caches, in-flight I/O), which makes offlining fail
# with EBUSY until the pin goes away.
offline_range() {
	local i
	for i in 1 2 3 4 5; do
		chmem -d -b "$1" && return 0
		sleep 1
	done
	for i in $(seq "${1%-*}" "${1#*-}"); do
		echo "memory$i: $(cat $MEMDIR/memory$i/state) $(cat $MEMDIR/memory$i/valid_zones)"
	done
	return 1
}

# dax_range DEV: "FIRST LAST" block ids kmem uses for the device
dax_range() {
	local start size bs
	bs=$(block_size)
	start=$(($(cat /sys/bus/dax/devices/$1/resource)))
	size=$(cat /sys/bus/dax/devices/$1/size)
	echo "$(((start + bs - 1) / bs)) $(((start + size) / bs - 1))"
}
# dax_blocks DEV FILE: the distinct values of FILE of the device's present
# memory blocks, on one line
dax_blocks() {
	local r i
	r=$(dax_range "$1")
	for i in $(seq $r); do
		[ -d $MEMDIR/memory$i ] && cat $MEMDIR/memory$i/$2
	done | sort -u | tr '\n' ' ' | sed 's/ $//'
}
# mirror_blocks: pageblocks of type Mirror, all zones (/proc/pagetypeinfo)
mirror_blocks() {
	awk '/^Number of blocks type/ { for (i = 1; i <= NF; i++) if ($i == "Mirror") col = i; tbl = 1; next }
	     tbl && /^Node/ && !/, type/ { s += $col } END { print s + 0 }' /proc/pagetypeinfo
}
# kmem_namespaces: fresh labels on node 1's NVDIMM region and two 384 MiB
# devdax namespaces on it, checked; sets region, daxa and daxb
kmem_namespaces() {
	region=$(region_on_node 1)
	t_run "NVDIMM region on node 1 ($region)" test -n "$region"
	t_run "label space initialised" reset_labels "$region"
	daxa=$(ndctl create-namespace -r "$region" -m devdax -s 384M 2>&1 | json_field chardev)
	daxb=$(ndctl create-namespace -r "$region" -m devdax -s 384M 2>&1 | json_field chardev)
	t_run "two devdax namespaces ($daxa, $daxb)" test -c "/dev/$daxa" -a -c "/dev/$daxb"
}
