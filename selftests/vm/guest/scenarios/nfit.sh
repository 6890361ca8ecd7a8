# SPDX-License-Identifier: GPL-2.0
# Shape (b): the NFIT NVDIMM is the only memory of node 1, which has no CPUs.
# kmem turns a devdax namespace into node 1's memory (ZONE_MOVABLE, so that
# it can always be offlined: ZONE_NORMAL may fill with kernel allocations),
# lsmem and chmem see and offline it, and it is given back.
. /nvmtest/lib.sh
t_begin

t_run "node 1 has no CPUs" test -z "$(cat /sys/devices/system/node/node1/cpulist 2>/dev/null)"
t_run "node 1 has no memory at boot" test "$(meminfo_kb MemTotal 1 || echo 0)" = 0
region=$(nfit_region)
t_run "NFIT region targets node 1 ($region)" test "$(cat /sys/bus/nd/devices/$region/target_node)" = 1
t_run "label space initialised" reset_labels "$region"
out=$(ndctl create-namespace -r "$region" -m devdax -s 768M 2>&1)
dax=$(echo "$out" | json_field chardev)
t_run "devdax namespace gives /dev/$dax" test -c "/dev/$dax"
t_run "dax device targets node 1" test "$(cat /sys/bus/dax/devices/$dax/target_node)" = 1

blocks_before=$(block_count)
t_run "daxctl reconfigure-device --mode=system-ram $dax" \
	daxctl reconfigure-device --mode=system-ram "$dax"
t_run "node 1 has memory now ($(meminfo_kb MemTotal 1) kB)" test "$(meminfo_kb MemTotal 1)" -gt 0
t_run "node 1 memory is ZONE_MOVABLE" test "$(zone_pages 1 Movable present)" -gt 0
t_run "node 1 has no ZONE_NORMAL" test "$(zone_pages 1 Normal present)" = 0
t_run "new memory blocks appeared" test "$(block_count)" -gt "$blocks_before"

range=$(lsmem -r -n -o RANGE,NODE | awk '$2 == 1 { print $1 }' | head -n 1)
t_run "lsmem shows node 1's range ($range)" test -n "$range"
t_run "chmem -d $range offlines it" offline_range "$(lsmem -r -n -o RANGE,BLOCK,NODE | awk '$3 == 1 { print $2 }' | head -n 1)"
t_run "node 1 memory is offline" sh -c "lsmem -r -n -o RANGE,STATE,NODE | grep -q '^$range offline 1$'"
t_run "chmem -e $range onlines it again" chmem -e "$range"
t_run "daxctl offline-memory $dax" daxctl offline-memory "$dax"
t_run "daxctl reconfigure-device --mode=devdax $dax" daxctl reconfigure-device --mode=devdax -f "$dax"
t_run "node 1 has no memory again" test "$(meminfo_kb MemTotal 1)" = 0
t_run "memory blocks removed" test "$(block_count)" = "$blocks_before"
t_run "namespaces destroyed" ndctl destroy-namespace -f all -r "$region"
t_end
