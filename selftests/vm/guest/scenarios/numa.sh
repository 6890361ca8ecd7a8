# SPDX-License-Identifier: GPL-2.0
# Shape (a): two NUMA nodes, e820 pmem (memmap=512M!0x120000000) inside
# node 1's DRAM, and an NFIT NVDIMM of 1 GiB on node 1.  Stock behaviour:
# the e820 range is a legacy pmem block device, the NVDIMM gives fsdax and
# devdax namespaces, and a devdax device becomes System RAM through kmem.
. /nvmtest/lib.sh
t_begin

t_ksft /nvmtest/bin/memory_blocks_test
t_ksft /nvmtest/bin/zoneinfo_test

t_run "/sys/kernel/mm/nvm: boot_enabled 0, no NVM nodes" \
	sh -c "[ \$(cat /sys/kernel/mm/nvm/boot_enabled) = 0 ] && [ -z \"\$(ls /sys/kernel/mm/nvm/nodes)\" ]"
t_run "two NUMA nodes are online" test "$(cat /sys/devices/system/node/online)" = 0-1
t_run "a Normal zone is populated" test "$(zone_pages 1 Normal present)" -gt 0

providers=$(cat /sys/class/nd/ndctl*/device/provider 2>/dev/null | sort | tr '\n' ' ')
t_run "both pmem kinds are nd buses (e820 and NFIT): $providers" \
	sh -c "echo '$providers' | grep -q e820 && echo '$providers' | grep -q ACPI.NFIT"
t_run "two nd regions" test "$(ls -d /sys/bus/nd/devices/region* | wc -l)" = 2

# e820 pmem stays out of the page allocator: a legacy /dev/pmem block device.
legacy=
for b in /sys/block/pmem*; do
	readlink -f "$b" | grep -q e820 && legacy=/dev/$(basename "$b")
done
t_run "e820 pmem is a legacy block device ($legacy)" test -b "$legacy"
t_run "legacy pmem is 512 MiB" test "$(blockdev --getsize64 "$legacy")" = $((512 << 20))
t_run "e820 pmem is not System RAM" sh -c "grep -q '120000000-13fffffff : Persistent Memory (legacy)' /proc/iomem"
t_run "legacy pmem holds data" pattern_rw "$legacy" 100

# NFIT: label space, then a devdax and an fsdax namespace (ZONE_DEVICE).
region=$(nfit_region)
t_run "NFIT region found ($region)" test -n "$region"
t_run "NFIT region is on node 1" test "$(cat /sys/bus/nd/devices/$region/numa_node)" = 1
t_run "label space initialised" reset_labels "$region"

out=$(ndctl create-namespace -r "$region" -m devdax -s 512M 2>&1)
dax=$(echo "$out" | json_field chardev)
t_run "devdax namespace gives /dev/$dax" test -c "/dev/$dax"
NVMTEST_DAX=/dev/$dax t_ksft /nvmtest/bin/dax_mmap_test

out=$(ndctl create-namespace -r "$region" -m fsdax -s 256M 2>&1)
pmem=$(echo "$out" | json_field blockdev)
t_run "fsdax namespace gives /dev/$pmem" test -b "/dev/$pmem"
t_run "fsdax pmem holds data" pattern_rw "/dev/$pmem" 8
t_run "ext2 on fsdax mounts with -o dax and keeps a file" fsdax_mount "/dev/$pmem"

# kmem: the devdax device as System RAM in ZONE_MOVABLE, then given back.
mem_before=$(meminfo_kb MemTotal)
mov_before=$(zone_pages 1 Movable present)
t_run "daxctl reconfigure-device --mode=system-ram $dax" \
	daxctl reconfigure-device --mode=system-ram "$dax"
mem_after=$(meminfo_kb MemTotal)
t_run "MemTotal grew by the device ($mem_before -> $mem_after kB)" test "$mem_after" -gt "$mem_before"
t_run "node 1 ZONE_MOVABLE grew" test "$(zone_pages 1 Movable present)" -gt "$mov_before"
t_run "lsmem lists the new memory as online" sh -c "lsmem -o RANGE,STATE,ZONES,NODE | grep -E 'online +Movable +1'"
t_run "daxctl offline-memory $dax" daxctl offline-memory "$dax"
t_run "daxctl reconfigure-device --mode=devdax $dax" daxctl reconfigure-device --mode=devdax -f "$dax"
t_run "MemTotal is back ($(meminfo_kb MemTotal) kB)" test "$(meminfo_kb MemTotal)" = "$mem_before"
t_run "/dev/$dax is back" test -c "/dev/$dax"

t_run "namespaces destroyed" ndctl destroy-namespace -f all -r "$region"
t_end
