# SPDX-License-Identifier: GPL-2.0
# MIGRATE_MIRROR (mirror.conf): ranges from mirrormem= at boot and from
# the debugfs writer /sys/kernel/debug/nvm/mirror/ranges after boot (the
# sysfs list /sys/kernel/mm/nvm/mirror/ranges is read-only), in every
# counter; ordinary loads leave mirrored memory alone; vm.mirrorable
# decides the last resort, slab and kernel use; bad ranges change nothing;
# offline and online keep the ranges mirrored.  The KUnit suite
# memory_mirror checks tagging and __GFP_MIRROR allocations up to
# exhaustion at boot.
. /nvmtest/lib.sh
t_begin

MIR=/sys/kernel/mm/nvm/mirror
# the writer of ranges: a debugfs test and injection aid (/init mounts debugfs)
MIRDBG=/sys/kernel/debug/nvm/mirror
# a /proc/vmstat counter
vmstat() { awk -v k="$1" '$1 == k { print $2 }' /proc/vmstat; }
# the sum of a zone counter of /proc/zoneinfo over all zones
zoneinfo_sum() { awk -v k="$1" '$1 == k { s += $2 } END { print s + 0 }' /proc/zoneinfo; }
# CMD fails for uid 65534
nobody_fails() { ! as_nobody "$@" 2>/dev/null; }
# nvm_hold's count of its pages inside [START, END)
load_in_range() {
	printf 'check %s %s\nquit\n' "$2" "$3" | /nvmtest/bin/nvm_hold --no-place "$1" |
		awk '$1 == "ok" { print $3 }'
}

# --- ranges from the boot parameter ----------------------------------------
t_run "dmesg: mirrormem= marked both ranges" \
	sh -c "dmesg | grep -q 'mirrormem=: \[mem 0x0000000020000000-0x0000000023ffffff\] mirrored' &&
	       dmesg | grep -q 'mirrormem=: \[mem 0x0000000110000000-0x000000012fffffff\] mirrored'"
t_eq "MirrorTotal is 576 MiB" "$(meminfo_kb MirrorTotal)" 589824
t_eq "node 0 MirrorTotal is 64 MiB" "$(meminfo_kb MirrorTotal 0)" 65536
t_eq "node 1 MirrorTotal is 512 MiB" "$(meminfo_kb MirrorTotal 1)" 524288
# memblock allocations prefer mirrored memory (the memmap, page tables...)
free=$(meminfo_kb MirrorFree)
t_run "MirrorFree ($free kB) is above 256 MiB, below MirrorTotal" \
	test "$free" -le 589824 -a "$free" -ge 262144
t_eq "total_pages matches MirrorTotal" "$(cat $MIR/total_pages)" 147456
t_eq "zoneinfo nr_mirror sums to the total" "$(zoneinfo_sum nr_mirror)" 147456
# Two reads of a moving counter: pages come and go from the per-cpu lists
# (thousands of pages at a time) between them, so ask until a quiet moment.
# (wait_for polls in a subshell: the last difference is kept in a file)
free_mirror_agree() {
	d=$(($(zoneinfo_sum nr_free_mirror) * 4 - $(meminfo_kb MirrorFree)))
	echo "$d" >/tmp/mirror-diff
	test "${d#-}" -lt 1024
}
wait_for 20 free_mirror_agree
d=$(cat /tmp/mirror-diff)
t_run "zoneinfo nr_free_mirror sums to MirrorFree (off by $d kB)" test "${d#-}" -lt 1024
t_eq "pagetypeinfo: 288 Mirror pageblocks" "$(mirror_blocks)" 288
t_run "pagetypeinfo lists Mirror free lists" grep -qE "type +Mirror" /proc/pagetypeinfo
t_eq "ranges lists both, in bytes" "$(cat $MIR/ranges | tr '\n' ' ')" "0x20000000 0x4000000 0x110000000 0x20000000 "
t_eq "ranges is 0400" "$(stat -c %a $MIR/ranges)" 400
t_run "ranges refuses root's write (EACCES, unchanged)" expect_err "Permission denied" $MIR/ranges "0x30000000 0x4000000"
t_eq "the debugfs writer is 0600" "$(stat -c %a $MIRDBG/ranges)" 600
t_eq "the debugfs writer lists the same ranges" "$(cat $MIRDBG/ranges)" "$(cat $MIR/ranges)"
t_eq "total_pages is 0444" "$(stat -c %a $MIR/total_pages)" 444
t_eq "free_pages is 0444" "$(stat -c %a $MIR/free_pages)" 444
for f in alloc_pages fallback_pages last_resort_pages; do
	t_run "stats/$f is a number, 0444" sh -c "grep -qE '^[0-9]+$' $MIR/stats/$f && test \$(stat -c %a $MIR/stats/$f) = 444"
done
t_run "KUnit's __GFP_MIRROR pages counted (mirror_alloc > 0)" test "$(vmstat mirror_alloc)" -gt 0
t_run "and its exhaustion fallback (mirror_alloc_fallback > 0)" test "$(vmstat mirror_alloc_fallback)" -gt 0
t_eq "stats/alloc_pages is vmstat mirror_alloc" "$(cat $MIR/stats/alloc_pages)" "$(vmstat mirror_alloc)"

# --- vm.mirrorable ---------------------------------------------------------
t_eq "vm.mirrorable defaults to 1 (last resort)" "$(cat /proc/sys/vm/mirrorable)" 1
for v in 0 1 2 3; do
	t_run "vm.mirrorable accepts $v" sh -c "echo $v > /proc/sys/vm/mirrorable && test \$(cat /proc/sys/vm/mirrorable) = $v"
done
for v in 4 -1 abc 99999999999 ""; do
	t_run "vm.mirrorable refuses '$v' (EINVAL, unchanged)" expect_err "Invalid argument" /proc/sys/vm/mirrorable "$v"
done
echo 1 >/proc/sys/vm/mirrorable

# --- policy in action ------------------------------------------------------
# slab pages of a dentry/inode load: none mirrored at 1, some at 2
mkdir -p /tmp/slab
a=$(vmstat mirror_alloc)
i=0; while [ $i -lt 3000 ]; do : >/tmp/slab/f$i; i=$((i + 1)); done
t_eq "vm.mirrorable=1: 3000 new files take no mirrored page" "$(vmstat mirror_alloc)" "$a"
rm -rf /tmp/slab; mkdir -p /tmp/slab
echo 2 >/proc/sys/vm/mirrorable
a=$(vmstat mirror_alloc)
i=0; while [ $i -lt 3000 ]; do : >/tmp/slab/f$i; i=$((i + 1)); done
t_run "vm.mirrorable=2: their slab pages come from mirrored memory" test "$(vmstat mirror_alloc)" -gt "$a"
rm -rf /tmp/slab
echo 3 >/proc/sys/vm/mirrorable
a=$(vmstat mirror_alloc)
ls / >/dev/null; cat /proc/meminfo >/dev/null
t_run "vm.mirrorable=3: kernel memory of a fork comes from mirrored memory" test "$(vmstat mirror_alloc)" -gt "$a"
echo 1 >/proc/sys/vm/mirrorable

# an ordinary load half the size of ordinary free memory: no mirrored page
free=$(meminfo_kb MirrorFree)
ordinary=$((($(meminfo_kb MemFree) - free) / 1024))
load=$((ordinary / 2))
n0=$(load_in_range $load 0x20000000 0x24000000)
t_eq "a ${load} MiB ordinary load has no page in node 0's range" "$n0" 0
n1=$(load_in_range $load 0x110000000 0x130000000)
t_eq "nor in node 1's range" "$n1" 0
t_run "MirrorFree did not drop" test "$(meminfo_kb MirrorFree)" -ge $((free - 2048))

# a load 32 MiB larger than ordinary memory: served from mirrored memory
# (last resort) instead of the OOM killer
# the last resort serves down to the min watermarks, like everything else
minkb=$(awk '$1 == "min" { s += $2 } END { print s * 4 }' /proc/zoneinfo)
t_run "free mirrored memory ($(meminfo_kb MirrorFree) kB) exceeds the min watermarks ($minkb kB) by 64 MiB" \
	test "$(meminfo_kb MirrorFree)" -ge $((minkb + 65536))
lr=$(vmstat mirror_alloc_last_resort)
load=$((ordinary + 32))
t_run "a ${load} MiB load (ordinary memory + 32 MiB) completes" \
	sh -c "echo quit | /nvmtest/bin/nvm_hold --no-place $load | grep -q '^ready'"
t_run "... on mirrored memory (mirror_alloc_last_resort grew)" test "$(vmstat mirror_alloc_last_resort)" -gt "$lr"
t_run "... without the OOM killer" sh -c "! dmesg | grep -q 'Out of memory'"
# MirrorFree counts the buddy lists only: the pages the load freed may wait
# on the per-cpu lists, which 6.12 lets grow to thousands after a burst
pcp_kb() { awk '$1 == "count:" { s += $2 } END { print s * 4 }' /proc/zoneinfo; }
t_run "MirrorFree recovers after the load exits (per-cpu lists included)" \
	wait_for 30 "test \$((\$(meminfo_kb MirrorFree) + \$(pcp_kb))) -ge $((free - 8192))"

# --- bad ranges change nothing ---------------------------------------------
total=$(cat $MIR/total_pages)
long=$(head -c 5000 /dev/zero | tr '\0' 7)
for v in "" " " "0x30000000" "0x30000000 0x4000000 1" "zzz 0x400000" "0x30000000 4M" \
	 "0x30100000 0x400000" "0x30000000 0x100000" "0x30000000 0" "-0x30000000 0x400000" \
	 "0xffffffffffc00000 0x800000" "0x40000000 0x400000" "0x200000000 0x400000" "$long"; do
	t_run "the writer refuses '${v:0:26}' (EINVAL, unchanged)" expect_err "Invalid argument" $MIRDBG/ranges "$v"
done
t_run "the writer refuses an overlap (EEXIST, unchanged)" expect_err "File exists" $MIRDBG/ranges "0x21000000 0x400000"
t_run "the writer refuses an exact duplicate (EEXIST)" expect_err "File exists" $MIRDBG/ranges "0x110000000 0x20000000"
t_eq "total_pages unchanged" "$(cat $MIR/total_pages)" "$total"
t_eq "ranges unchanged" "$(cat $MIR/ranges | tr '\n' ' ')" "0x20000000 0x4000000 0x110000000 0x20000000 "
t_run "nobody cannot write ranges (EACCES)" nobody_fails sh -c "echo 0x30000000 0x400000 > $MIR/ranges"
t_run "nobody cannot write the debugfs writer" nobody_fails sh -c "echo 0x30000000 0x400000 > $MIRDBG/ranges"
t_run "nobody cannot read ranges (physical addresses)" nobody_fails cat $MIR/ranges
t_run "nobody cannot write vm.mirrorable" nobody_fails sh -c "echo 0 > /proc/sys/vm/mirrorable"
t_eq "vm.mirrorable still 1" "$(cat /proc/sys/vm/mirrorable)" 1

# --- a range added after boot ----------------------------------------------
free=$(meminfo_kb MirrorFree)
t_run "add 0x30000000 (64 MiB of node 0) after boot" sh -c "echo '0x30000000 0x4000000' > $MIRDBG/ranges"
t_eq "MirrorTotal grew by 64 MiB" "$(meminfo_kb MirrorTotal)" $((589824 + 65536))
t_eq "node 0 MirrorTotal grew by 64 MiB" "$(meminfo_kb MirrorTotal 0)" $((65536 + 65536))
t_eq "total_pages grew" "$(cat $MIR/total_pages)" $((147456 + 16384))
t_eq "zoneinfo nr_mirror grew" "$(zoneinfo_sum nr_mirror)" $((147456 + 16384))
t_eq "pagetypeinfo: 320 Mirror pageblocks" "$(mirror_blocks)" 320
t_run "MirrorFree grew (free pages of the range moved)" test "$(meminfo_kb MirrorFree)" -gt $((free + 32768))
t_eq "ranges lists it third" "$(sed -n 3p $MIR/ranges)" "0x30000000 0x4000000"
t_run "dmesg: the range is MIGRATE_MIRROR" sh -c "dmesg | grep -q '0x0000000033ffffff\] MIGRATE_MIRROR, added after boot'"

# --- hot-added memory: mirror, offline, online, remove ---------------------
bs=$(block_size)
before=$(block_ids)
t_run "hot-add a 256 MiB pc-dimm on node 1 (QMP)" hostctl hotadd dimm0 256M 1
t_run "its blocks come online in ZONE_MOVABLE" \
	wait_for 60 'test "$(block_count)" = $(($(echo "$before" | wc -l) + 268435456 / bs))'
new=$(block_ids | grep -vxF "$before" | tr '\n' ' ')
first=${new%% *}
start=$(printf '%#x' $((first * bs)))
t_run "block $first is online" wait_for 30 "grep -qx online $MEMDIR/memory$first/state"
t_run "in ZONE_MOVABLE" grep -qx Movable $MEMDIR/memory$first/valid_zones
total=$(meminfo_kb MirrorTotal)
t_run "mirror 64 MiB of the new memory at $start" sh -c "echo '$start 0x4000000' > $MIRDBG/ranges"
t_eq "MirrorTotal grew by 64 MiB" "$(meminfo_kb MirrorTotal)" $((total + 65536))
t_eq "node 1 MirrorTotal grew by 64 MiB" "$(meminfo_kb MirrorTotal 1)" $((524288 + 65536))
t_run "offline block $first (holds the range)" sh -c "echo offline > $MEMDIR/memory$first/state"
t_eq "MirrorTotal lost its 64 MiB" "$(meminfo_kb MirrorTotal)" "$total"
t_run "online it again (online_movable)" sh -c "echo online_movable > $MEMDIR/memory$first/state"
t_eq "its pageblocks are mirrored again" "$(meminfo_kb MirrorTotal)" $((total + 65536))
t_eq "pagetypeinfo: 352 Mirror pageblocks" "$(mirror_blocks)" 352
t_run "hot-remove the pc-dimm (device_del)" hostctl hotremove dimm0
t_run "its blocks are gone" wait_for 60 'test "$(block_count)" = "$(echo "$before" | wc -l)"'
t_eq "MirrorTotal is back" "$(meminfo_kb MirrorTotal)" "$total"
t_run "the range stays registered (it describes the hardware)" grep -q "^$start 0x4000000$" $MIR/ranges

# --- consistency -----------------------------------------------------------
t_eq "MirrorTotal = zoneinfo nr_mirror" "$(meminfo_kb MirrorTotal)" $(($(zoneinfo_sum nr_mirror) * 4))
t_run "MirrorFree <= MirrorTotal" test "$(meminfo_kb MirrorFree)" -le "$(meminfo_kb MirrorTotal)"
# --- nvmzone -----------------------------------------------------------------
t_run "nvmzone mirror lists the boot ranges online" \
	sh -c "nvmzone mirror | grep -q '^0x0000000020000000-0x0000000023ffffff *64M *0 online' &&
	       nvmzone mirror | grep -q '^0x0000000110000000-0x000000012fffffff *512M *1 online'"
t_run "nvmzone mirror -J names the ranges" sh -c "nvmzone mirror -J | grep -q '\"range\": *\"0x0000000030000000-0x0000000033ffffff\"'"
total=$(meminfo_kb MirrorTotal)
t_run "nvmzone mirror add 0x38000000-0x3bffffff reports the change" \
	sh -c "nvmzone mirror add 0x38000000-0x3bffffff | grep -q 'mirrored 0x0000000038000000-0x000000003bffffff (64M): MirrorTotal .* -> '"
t_eq "MirrorTotal grew by 64 MiB" "$(meminfo_kb MirrorTotal)" $((total + 65536))
t_run "nvmzone mirror add refuses an overlap" sh -c "nvmzone mirror add 0x39000000-0x393fffff 2>&1 | grep -q overlaps"
t_run "... with exit 1" sh -c "nvmzone mirror add 0x39000000-0x393fffff 2>/dev/null; test \$? = 1"
t_run "nvmzone mirror add refuses an unaligned range" sh -c "! nvmzone mirror add 0x3c100000-0x3c4fffff 2>/dev/null"
t_eq "MirrorTotal unchanged by the refusals" "$(meminfo_kb MirrorTotal)" $((total + 65536))
t_run "nvmzone mirror as nobody: exit 1, says run as root" \
	sh -c "as_out=\$(/bin/setpriv --reuid=65534 --regid=65534 --clear-groups nvmzone mirror 2>&1); test \$? = 1 && echo \"\$as_out\" | grep -q 'run as root'"
t_eq "nvmzone get mirrorable" "$(nvmzone get mirrorable)" "mirrorable = 1"
t_eq "nvmzone set mirrorable 2 reports old -> new" "$(nvmzone set mirrorable 2)" "mirrorable: 1 -> 2"
t_run "nvmzone set mirrorable 4 is refused" sh -c "! nvmzone set mirrorable 4 2>/dev/null && test \$(cat /proc/sys/vm/mirrorable) = 2"
echo 1 >/proc/sys/vm/mirrorable
t_run "nvmzone status shows MirrorTotal and the policy" \
	sh -c "nvmzone status | grep -q '^MirrorTotal:' && nvmzone status | grep -q '^vm.mirrorable: 1'"

# --- the whole tree, and concurrent writers of one range --------------------
. /nvmtest/nvm-sysfs.sh
nvm_sysfs_checks
t_run "four concurrent writers of one range: one succeeds, listed and counted once" \
	nvm_sysfs_concurrent_ranges $MIRDBG/ranges "0x3c000000 0x400000" 1024
# 10000 random and adversarial writes to every writable file of the
# interface (and a few memory block states): nothing invalid accepted,
# nothing changed by a refused write, and no splat (the harness)
t_ksft /nvmtest/bin/nvm_fuzz
t_end
