# SPDX-License-Identifier: GPL-2.0
# The whole /sys/kernel/mm/nvm tree, DAMON-sysfs style: sourced by the nvm
# and mirror scenarios after lib.sh.  Every file that exists is in the table
# below with its documented mode (an undocumented file fails), every file of
# the table whose feature is present exists, read-only files (0444 and
# 0400) refuse root's writes too, 0444 files read one number, keyword files
# take each documented value, nobody (uid 65534) can write nothing and read
# no physical address (0600 and 0400), and concurrent writers leave a valid
# state.  The table follows Documentation/ABI/testing/sysfs-kernel-mm-nvm,
# which the host test checks.  mirror/ranges only lists: its writer is in
# debugfs (/sys/kernel/debug/nvm/mirror/ranges, a test aid, not ABI).
NVMT=/sys/kernel/mm/nvm
nvm_sysfs_spec() {
	cat <<'SPEC'
boot_enabled 444 num
kmem_default_zone 600 auto|nvm|movable|normal|offline
offline_fallback 600 dram|none
badblocks 600 ranges
nodes/nodeN/present_pages 444 num
nodes/nodeN/managed_pages 444 num
nodes/nodeN/free_pages 444 num
nodes/nodeN/min_pages 444 num
nodes/nodeN/low_pages 444 num
nodes/nodeN/high_pages 444 num
stats/alloc_pages 444 num
stats/alloc_fail 444 num
stats/alloc_fallback 444 num
stats/scrubbed_pages 444 num
stats/unscrubbed_pages 444 num
stats/online_pages 444 num
stats/offline_pages 444 num
stats/offline_migrated_nvm 444 num
stats/offline_migrated_dram 444 num
stats/offline_refused 444 num
stats/badblock_pages 444 num
stats/poison_cleared_pages 444 num
mirror/ranges 400 ranges
mirror/total_pages 444 num
mirror/free_pages 444 num
mirror/stats/alloc_pages 444 num
mirror/stats/fallback_pages 444 num
mirror/stats/last_resort_pages 444 num
placement/alloc_pages 444 num
placement/fallback_pages 444 num
placement/failed_faults 444 num
placement/migrated_in_pages 444 num
placement/migrated_out_pages 444 num
placement/migrate_failed_pages 444 num
SPEC
}

# every file that exists: documented, with its mode
nvm_sysfs_undocumented() {
	local f rel want bad=0
	for f in $(find $NVMT -type f); do
		rel=$(echo "${f#$NVMT/}" | sed 's|^nodes/node[0-9]*/|nodes/nodeN/|')
		want=$(nvm_sysfs_spec | awk -v p="$rel" '$1 == p { print $2 }')
		if [ -z "$want" ]; then
			echo "undocumented: $f"; bad=1
		elif [ "$(stat -c %a "$f")" != "$want" ]; then
			echo "$f: mode $(stat -c %a "$f"), documented $want"; bad=1
		fi
	done
	return $bad
}

# every documented file of a feature that is present exists
nvm_sysfs_missing() {
	local rel mode kind bad=0 n
	while read -r rel mode kind; do
		case "$rel" in
		mirror/*) [ -d $NVMT/mirror ] || continue ;;
		nodes/nodeN/*)
			for n in $NVMT/nodes/node*; do
				[ -d "$n" ] || continue
				[ -f "$n/${rel#nodes/nodeN/}" ] || { echo "missing: $n/${rel#nodes/nodeN/}"; bad=1; }
			done
			continue ;;
		esac
		[ -f "$NVMT/$rel" ] || { echo "missing: $NVMT/$rel"; bad=1; }
	done <<EOF2
$(nvm_sysfs_spec)
EOF2
	return $bad
}

# 0444 files: one decimal number each (mirror/ranges, 0400, lists ranges)
nvm_sysfs_numbers() {
	local f bad=0
	for f in $(find $NVMT -type f -perm 444); do
		grep -qxE '[0-9]+' "$f" || { echo "$f: '$(cat "$f")'"; bad=1; }
	done
	return $bad
}

# root cannot write a read-only file (0444, 0400) either: EACCES at open
# (counters move, so nvm_fuzz checks that mirror/ranges stays unchanged)
nvm_sysfs_read_only() {
	local f out bad=0
	for f in $(find $NVMT -type f); do
		case "$(stat -c %a "$f")" in
		444|400) ;;
		*) continue ;;
		esac
		if out=$(sh -c "echo 1 > $f" 2>&1); then
			echo "root wrote $f"; bad=1
		elif ! echo "$out" | grep -q "Permission denied"; then
			echo "$f: $out"; bad=1
		fi
	done
	return $bad
}

# nobody writes nothing (EACCES) and reads no 0600 or 0400 file
nvm_sysfs_nobody() {
	local f bad=0
	for f in $(find $NVMT -type f); do
		if as_nobody sh -c "echo 1 > $f" 2>/dev/null; then
			echo "nobody wrote $f"; bad=1
		fi
		case "$(stat -c %a "$f")" in
		600|400)
			if as_nobody cat "$f" >/dev/null 2>&1; then
				echo "nobody read $f"; bad=1
			fi ;;
		esac
	done
	return $bad
}

# keyword files take each documented value (and are restored)
nvm_sysfs_keywords() {
	local rel mode kind v old bad=0
	while read -r rel mode kind; do
		case "$kind" in num|ranges) continue ;; esac
		old=$(cat $NVMT/$rel)
		for v in $(echo "$kind" | tr '|' ' '); do
			echo "$v" >$NVMT/$rel && [ "$(cat $NVMT/$rel)" = "$v" ] ||
				{ echo "$rel: '$v' not taken"; bad=1; }
		done
		echo "$old" >$NVMT/$rel
	done <<EOF2
$(nvm_sysfs_spec)
EOF2
	return $bad
}

# two writers of each keyword file at once, 200 writes each: the file ends
# with one of their values, and nothing else happened (no splat: the
# harness scans dmesg)
nvm_sysfs_concurrent_keywords() {
	local old1 old2 v1 v2
	old1=$(cat $NVMT/kmem_default_zone) old2=$(cat $NVMT/offline_fallback)
	( i=0; while [ $i -lt 200 ]; do echo nvm >$NVMT/kmem_default_zone; echo none >$NVMT/offline_fallback; i=$((i + 1)); done ) &
	( i=0; while [ $i -lt 200 ]; do echo movable >$NVMT/kmem_default_zone; echo dram >$NVMT/offline_fallback; i=$((i + 1)); done ) &
	wait
	v1=$(cat $NVMT/kmem_default_zone) v2=$(cat $NVMT/offline_fallback)
	echo "$old1" >$NVMT/kmem_default_zone
	echo "$old2" >$NVMT/offline_fallback
	case "$v1 $v2" in
	nvm\ none|nvm\ dram|movable\ none|movable\ dram) return 0 ;;
	esac
	echo "ended as '$v1' '$v2'"
	return 1
}

# four writers add one and the same range at once to FILE (the debugfs
# writer): exactly one succeeds, the others get EEXIST, the range is listed
# once (in FILE and in mirror/ranges) and counted once
nvm_sysfs_concurrent_ranges() {
	local file=$1 range=$2 pages=$3 total ok
	total=$(cat $NVMT/mirror/total_pages)
	for w in 1 2 3 4; do
		( echo "$range" >"$file" 2>/dev/null && echo ok >/tmp/ranges-writer-$w ) &
	done
	wait
	ok=$(cat /tmp/ranges-writer-* 2>/dev/null | wc -l)
	rm -f /tmp/ranges-writer-*
	[ "$ok" = 1 ] || { echo "$ok writers succeeded"; return 1; }
	[ "$(grep -cx "$range" "$file")" = 1 ] || { echo "listed $(grep -cx "$range" "$file") times"; return 1; }
	[ "$(grep -cx "$range" $NVMT/mirror/ranges)" = 1 ] ||
		{ echo "listed $(grep -cx "$range" $NVMT/mirror/ranges) times in mirror/ranges"; return 1; }
	[ "$(cat $NVMT/mirror/total_pages)" = $((total + pages)) ] ||
		{ echo "total_pages $total -> $(cat $NVMT/mirror/total_pages), want +$pages"; return 1; }
}

nvm_sysfs_checks() {
	t_run "every file of /sys/kernel/mm/nvm is documented, with its mode" nvm_sysfs_undocumented
	t_run "every documented file of the built features exists" nvm_sysfs_missing
	t_run "every 0444 file reads one number" nvm_sysfs_numbers
	t_run "root cannot write a read-only file (EACCES)" nvm_sysfs_read_only
	t_run "nobody can write no file (EACCES) nor read a 0600 or 0400 file" nvm_sysfs_nobody
	t_run "keyword files take every documented value" nvm_sysfs_keywords
	t_run "concurrent writers of the keyword files leave a valid value" nvm_sysfs_concurrent_keywords
}
