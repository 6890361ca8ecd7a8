# SPDX-License-Identifier: GPL-2.0
# ZONE_NVM from e820 pmem with nvm_zone=on: node 1 holds 512 MiB of NVM
# inside its DRAM, node 2 is 1 GiB of NVM and nothing else.
. /nvmtest/lib.sh
t_begin

t_run "nvm_zone=on is on the command line" grep -qw nvm_zone=on /proc/cmdline
t_run "dmesg: NVM zone on node 1 with 131072 pages" sh -c "dmesg | grep -q 'NVM zone: node 1: 131072 pages'"
t_run "dmesg: NVM zone on node 2 with 262144 pages" sh -c "dmesg | grep -q 'NVM zone: node 2: 262144 pages'"
t_run "dmesg: the NVM pages were scrubbed in the background" sh -c "dmesg | grep -q 'NVM zone: 393216 pages of the boot scrubbed in'"
t_run "the mempolicy zone is not ZONE_NVM" sh -c "dmesg | grep -q 'Policy zone: Normal'"
t_run "node 1 ZONE_NVM: present = memmap= size" test "$(zone_pages 1 NVM present)" = 131072
t_run "node 1 ZONE_NVM: managed = present" test "$(zone_pages 1 NVM managed)" = 131072
t_run "node 1 ZONE_NVM: spanned = present" test "$(zone_pages 1 NVM spanned)" = 131072
t_run "node 1 keeps its DRAM in ZONE_NORMAL (512 MiB)" test "$(zone_pages 1 Normal present)" = 131072
t_run "node 2 ZONE_NVM: present = 1 GiB" test "$(zone_pages 2 NVM present)" = 262144
t_run "node 2 has no DRAM zone" test "$(( $(zone_pages 2 Normal present) + $(zone_pages 2 DMA32 present) ))" = 0
t_run "node 0 has no ZONE_NVM" test "$(zone_pages 0 NVM present)" = 0
t_eq "node 2, all ZONE_NVM, is in no memory tier" "$(node_tier 2)" ""
t_run "nodes 0 and 1 (DRAM) are in memory tiers" test -n "$(node_tier 0)" -a -n "$(node_tier 1)"
t_run "NVMTotal: 1572864 kB" test "$(meminfo_kb NVMTotal)" = 1572864
t_run "node 2 meminfo NVMTotal: 1048576 kB" test "$(meminfo_kb NVMTotal 2)" = 1048576
t_run "the pmem ranges are System RAM (NVM), not pmem devices" \
	sh -c "grep -q '120000000-13fffffff : System RAM (NVM)' /proc/iomem && ! ls /sys/bus/nd/devices/region* 2>/dev/null"
t_run "/proc/buddyinfo and pagetypeinfo list the NVM zone" \
	sh -c "grep -q 'zone      NVM' /proc/buddyinfo && grep -q 'zone      NVM' /proc/pagetypeinfo"
t_run "vmstat has the NVM counters" \
	sh -c "grep -q '^pgalloc_nvm ' /proc/vmstat && grep -q '^nvm_alloc_fail ' /proc/vmstat && grep -q '^nvm_alloc_fallback ' /proc/vmstat"
t_run "KUnit tested with ZONE_NVM populated and the key on" \
	sh -c "dmesg | grep -q 'ZONE_NVM populated, key on'"
# /sys/kernel/mm/nvm (read-only interface)
N=/sys/kernel/mm/nvm
t_run "/sys/kernel/mm/nvm/boot_enabled is 1" test "$(cat $N/boot_enabled)" = 1
t_run "nodes/ has node1 and node2 only" test "$(ls $N/nodes | tr '\n' ' ')" = "node1 node2 "
nvm_files_ok() {
	local f
	for f in $N/boot_enabled $N/stats/alloc_pages $N/stats/alloc_fail $N/stats/alloc_fallback \
		 $N/stats/scrubbed_pages $N/nodes/node1/present_pages $N/nodes/node1/managed_pages \
		 $N/nodes/node1/free_pages $N/nodes/node1/min_pages $N/nodes/node1/low_pages \
		 $N/nodes/node1/high_pages; do
		[ "$(stat -c %a "$f")" = 444 ] || { echo "$f: mode $(stat -c %a "$f")"; return 1; }
		grep -qxE '[0-9]+' "$f" || { echo "$f: '$(cat "$f")' is not a number"; return 1; }
	done
}
t_run "every file is 0444 and holds one number" nvm_files_ok
t_run "node1 present_pages matches zoneinfo" test "$(cat $N/nodes/node1/present_pages)" = "$(zone_pages 1 NVM present)"
t_run "node2 managed_pages matches zoneinfo" test "$(cat $N/nodes/node2/managed_pages)" = "$(zone_pages 2 NVM managed)"
t_run "node1 watermarks: min <= low <= high" sh -c "[ $(cat $N/nodes/node1/min_pages) -le $(cat $N/nodes/node1/low_pages) ] && [ $(cat $N/nodes/node1/low_pages) -le $(cat $N/nodes/node1/high_pages) ]"
t_run "stats/scrubbed_pages = 393216" test "$(cat $N/stats/scrubbed_pages)" = 393216
t_run "stats/alloc_pages = pgalloc_nvm" test "$(cat $N/stats/alloc_pages)" = "$(awk '$1 == "pgalloc_nvm" { print $2 }' /proc/vmstat)"
t_run "stats/alloc_fail = nvm_alloc_fail" test "$(cat $N/stats/alloc_fail)" = "$(awk '$1 == "nvm_alloc_fail" { print $2 }' /proc/vmstat)"
nvm_write_refused() {
	local before out
	before=$(cat $N/nodes/node1/free_pages)
	out=$(sh -c "echo 5 > $N/stats/alloc_fail" 2>&1) && { echo "write succeeded"; return 1; }
	echo "$out" | grep -q 'Permission denied' || { echo "unexpected: $out"; return 1; }
	[ "$(cat $N/stats/scrubbed_pages)" = 393216 ]
}
t_run "writes are refused (EACCES) and change nothing" nvm_write_refused

# vm.nvm_min_free_kbytes: the ZONE_NVM reserve
K=/proc/sys/vm/nvm_min_free_kbytes
t_run "vm.nvm_min_free_kbytes is 0 (automatic) and 0644" sh -c "[ \$(cat $K) = 0 ] && [ \$(stat -c %a $K) = 644 ]"
t_run "automatic reserve: node 2 min = 128 pages" test "$(cat $N/nodes/node2/min_pages)" = 128
t_run "vm.nvm_min_free_kbytes=65536 is accepted" sh -c "echo 65536 > $K"
# 16384 pages split by size: node 2 holds 262144 of 393216 NVM pages
t_run "node 2 min = its share, 10922 pages" test "$(cat $N/nodes/node2/min_pages)" = 10922
t_run "zoneinfo agrees" test "$(awk '/^Node 2, zone +NVM/ { z = 1 } z && $1 == "min" { print $2; exit }' /proc/zoneinfo)" = 10922
nvm_sysctl_rejects() {
	local v out
	# (like every integer sysctl it also takes 0x.. and ignores a second number)
	for v in -1 67108865 99999999999999999999 abc 12abc ""; do
		out=$(sh -c "printf '%s' '$v' > $K" 2>&1) && [ -n "$v" ] && { echo "'$v' accepted"; return 1; }
		[ "$(cat $K)" = 65536 ] || { echo "'$v' changed the value to $(cat $K)"; return 1; }
	done
	[ "$(cat $N/nodes/node2/min_pages)" = 10922 ]
}
t_run "bad values are rejected and change nothing" nvm_sysctl_rejects
t_run "an unprivileged user cannot write it" \
	sh -c "/bin/setpriv --reuid=65534 --regid=65534 --clear-groups sh -c 'echo 0 > $K' 2>&1 | grep -q 'Permission denied' && [ \$(cat $K) = 65536 ]"
t_run "vm.lowmem_reserve_ratio has a slot for ZONE_NVM" \
	test "$(tr -s '\t ' '  ' < /proc/sys/vm/lowmem_reserve_ratio)" = "256 256 32 0 0 0"
t_run "nvmzone set vm.nvm_min_free_kbytes reports old -> new" \
	sh -c "nvmzone set vm.nvm_min_free_kbytes 32768 | tee /dev/stderr | grep -qx 'vm.nvm_min_free_kbytes: 65536 -> 32768'"
t_run "vm.nvm_min_free_kbytes=0 restores the automatic reserve" \
	sh -c "echo 0 > $K && [ \$(cat $N/nodes/node2/min_pages) = 128 ]"

# The nvmzone CLI against the real kernel interfaces
t_run "nvmzone status lists node 2's NVM zone" sh -c "nvmzone status -r -n -o NODE,ZONE,TOTAL -b | grep -qx '2 NVM 1073741824'"
t_run "nvmzone status -J is JSON with the NVM zones" sh -c "nvmzone status -J | grep -c '\"zone\": *\"NVM\"' | grep -qx 2"
t_run "nvmzone shows NVMTotal" sh -c "nvmzone status | grep -q 'NVMTotal'"
t_run "nvmzone get nvm/boot_enabled" sh -c "nvmzone get nvm/boot_enabled | grep -qx 'nvm/boot_enabled = 1'"
t_run "nvmzone blocks shows node 2's blocks" sh -c "nvmzone blocks -r -n -o NODE | grep -qx 2"
t_run "nvmzone set on a read-only nvm file fails with the knob named" \
	sh -c "! nvmzone set nvm/boot_enabled 0 2>/tmp/err && grep -q \"^nvmzone: nvm/boot_enabled: cannot write '0': \" /tmp/err"
t_eq "nvmzone -J status: nvm_total is NVMTotal, in bytes (daxctl's JSON)" \
	"$(nvmzone -J status | json_num nvm_total)" "$(($(awk '/^NVMTotal:/ { print $2 }' /proc/meminfo) * 1024))"

# Boot-time ZONE_NVM of the NVM-only node 2 goes offline and comes back
# with online_nvm; a plain "online" may not take it to a DRAM zone first.
nb=$(ls -d /sys/devices/system/node/node2/memory* | sed 's/.*memory//' | sort -n | tail -n 1)
t_eq "node 2's memory$nb is online in ZONE_NVM" "$(block_state $nb) $(block_zones $nb)" "online NVM"
on0=$(cat $N/stats/online_pages)
t_run "offline memory$nb" sh -c "echo offline > $MEMDIR/memory$nb/state"
t_run "offline memory$nb lists NVM in valid_zones ($(block_zones $nb))" sh -c "grep -qw NVM $MEMDIR/memory$nb/valid_zones"
t_run "echo online_nvm > memory$nb/state" sh -c "echo online_nvm > $MEMDIR/memory$nb/state"
t_eq "memory$nb is back in ZONE_NVM" "$(block_state $nb) $(block_zones $nb)" "online NVM"
t_run "  ... and through the background scrub" scrub_wait
t_eq "stats/online_pages grew by one block" "$(( $(cat $N/stats/online_pages) - on0 ))" "$(( $(block_size) / 4096 ))"
t_eq "NVMTotal unchanged (1572864 kB)" "$(meminfo_kb NVMTotal)" 1572864

# memory.stat: a cgroup's memory in ZONE_NVM ("nvm", bytes, the last line)
memcg_nvm_stat() {
	local cg=/tmp/cg2 ready pages innvm nvm last after stat rc=0
	mkdir -p $cg && mount -t cgroup2 nvmtest $cg || return 1
	echo +memory >$cg/cgroup.subtree_control && mkdir $cg/placed || { umount $cg; return 1; }
	rm -f /tmp/cg.in /tmp/cg.out && mkfifo /tmp/cg.in /tmp/cg.out
	sh -c "echo \$\$ >$cg/placed/cgroup.procs && exec /nvmtest/bin/nvm_hold 64" </tmp/cg.in >/tmp/cg.out &
	exec 5>/tmp/cg.in 6</tmp/cg.out
	read -r -t 120 ready pages innvm <&6
	# one read for both: the value is live (the shell's own pages move)
	stat=$(cat $cg/placed/memory.stat)
	nvm=$(echo "$stat" | awk '$1 == "nvm" { print $2 }')
	last=$(echo "$stat" | tail -n 1)
	echo quit >&5; wait $!; exec 5>&- 6<&-
	after=$(awk '$1 == "nvm" { print $2 }' $cg/placed/memory.stat)
	echo "$ready $pages pages, $innvm in ZONE_NVM; memory.stat nvm $nvm, then $after; last line '$last'"
	[ "$ready" = ready ] && [ "${innvm:-0}" -ge 16000 ] || rc=1
	[ -n "$nvm" ] && [ "$nvm" -ge $(((innvm - 64) * 4096)) ] && [ "$nvm" -le $((pages * 4096 + 1048576)) ] || rc=1
	[ "$last" = "nvm $nvm" ] && [ "$after" = 0 ] || rc=1
	rmdir $cg/placed; umount $cg
	return $rc
}
t_run "memory.stat counts a cgroup's ZONE_NVM memory (nvm, last line)" memcg_nvm_stat
# The same under the multi-gen LRU, which distributions turn on
# (CONFIG_LRU_GEN_ENABLED): it keeps its own per-zone counts, and the nvm
# line read 0 until memcg counted them too.
LG=/sys/kernel/mm/lru_gen/enabled
if [ -w $LG ]; then
	t_run "multi-gen LRU turned on" sh -c "echo y > $LG && [ \$(cat $LG) != 0x0000 ]"
	t_run "memory.stat counts a cgroup's ZONE_NVM memory under the multi-gen LRU" memcg_nvm_stat
	t_run "multi-gen LRU off again" sh -c "echo n > $LG && [ \$(cat $LG) = 0x0000 ]"
else
	t_fail "no $LG: the test kernel lacks CONFIG_LRU_GEN"
fi

NVMTEST_NVM_KB=1572864 t_ksft /nvmtest/bin/nvm_zone_test
t_ksft /nvmtest/bin/zoneinfo_test
t_ksft /nvmtest/bin/memory_blocks_test
. /nvmtest/nvm-sysfs.sh
nvm_sysfs_checks
# 10000 random and adversarial writes to every writable file of the
# interface (and a few memory block states): nothing invalid accepted,
# nothing changed by a refused write, and no splat (the harness)
t_ksft /nvmtest/bin/nvm_fuzz
# Reclaim of ZONE_NVM (kswapd and direct reclaim for __GFP_NVM), last: it
# turns swap on (a 2 GiB zram device it sets up itself) and off again
t_ksft /nvmtest/bin/nvm_reclaim_test
no_swap_left() {
	local z
	if [ -e /proc/swaps ] && [ "$(wc -l </proc/swaps)" != 1 ]; then
		cat /proc/swaps
		swapoff -a
		return 1
	fi
	for z in /sys/block/zram*; do
		[ -e "$z/disksize" ] || continue
		[ "$(cat "$z/disksize")" = 0 ] || { echo "$z: disksize $(cat "$z/disksize")"; return 1; }
	done
}
t_run "nvm_reclaim_test left no swap on and no zram device in use" no_swap_left
t_end
