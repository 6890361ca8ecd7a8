# SPDX-License-Identifier: GPL-2.0
# kmem-movable.conf: ZONE_NVM on node 0 from dax/kmem, node 1 all
# ZONE_MOVABLE.  A placed process's pages in ZONE_NVM move, when the
# memory is offlined with offline_fallback=dram, to the DRAM of another
# node - here only ZONE_MOVABLE - with their data intact.
. /nvmtest/lib.sh
t_begin

NVM=/sys/kernel/mm/nvm
t_eq "node 1 is all ZONE_MOVABLE (1 GiB)" "$(zone_pages 1 Movable present)/$(zone_pages 1 Normal present)" "262144/0"
region=$(region_on_node 0)
t_run "NVDIMM region on node 0 ($region)" test -n "$region"
t_run "label space initialised" reset_labels "$region"
dax=$(ndctl create-namespace -r "$region" -m devdax -s 512M 2>&1 | json_field chardev)
t_run "a devdax namespace ($dax)" test -c "/dev/$dax"
t_run "kmem_zone=nvm, bind it" \
	sh -c "echo nvm > /sys/bus/dax/devices/$dax/kmem_zone && daxctl reconfigure-device -m system-ram --no-online $dax"
t_run "node 0 has ZONE_NVM memory" test "$(zone_pages 0 NVM present)" -gt 0
t_eq "offline_fallback is dram" "$(cat $NVM/offline_fallback)" dram

hold_start 64
t_eq "placed process: all $pages pages in ZONE_NVM ($innvm)" "$ready $innvm" "ready $pages"
# node 0's DRAM nearly full (24 MiB left above its zones' min watermarks,
# less than half the placed 64 MiB): a DRAM target must be found in node 1's
# ZONE_MOVABLE too.  The watermarks count: 6.12's are higher than 6.1's
# here (its per-cpu lists keep more), and a bound hog below them would
# meet the OOM killer instead.
wmin=$(( ($(zone_pages 0 DMA min) + $(zone_pages 0 DMA32 min) + $(zone_pages 0 Normal min)) * 4 ))
hog=$(( ($(meminfo_kb MemFree 0) - wmin - 24576) / 1024 ))
rm -f /tmp/hog.in
mkfifo /tmp/hog.in
/nvmtest/bin/nvm_hold --no-place --node 0 "$hog" </tmp/hog.in >/tmp/hog.out 2>&1 &
hog_pid=$!
exec 9>/tmp/hog.in
t_run "node 0 filled with $hog MiB of bound memory" wait_for 120 'grep -q ^ready /tmp/hog.out'
mov0=$(zone_pages 1 Movable nr_free_pages)
dram0=$(cat $NVM/stats/offline_migrated_dram)
# before the fix this looped until the signal: migration asked only for
# ZONE_NORMAL, which no other node has
t_run "daxctl offline-memory $dax: done within 120 s" timeout 120 daxctl offline-memory "$dax"
res=$(hold_check "0 1")
t_eq "data intact, none left in ZONE_NVM ($res)" "${res% *}" "ok 0"
mov1=$(zone_pages 1 Movable nr_free_pages)
t_run "node 1's ZONE_MOVABLE took at least 16 MiB (free $mov0 -> $mov1)" \
	test "$mov1" -le $((mov0 - 4096))
t_run "stats/offline_migrated_dram grew by >= $pages" \
	test "$(( $(cat $NVM/stats/offline_migrated_dram) - dram0 ))" -ge "$pages"
hold_stop
echo quit >&9
wait "$hog_pid"
exec 9>&-
t_run "back to devdax" timeout 120 daxctl reconfigure-device -m devdax -f "$dax"
t_end
