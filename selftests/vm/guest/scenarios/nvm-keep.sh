# SPDX-License-Identifier: GPL-2.0
# nvm_zone=on leaves persistent memory that holds data alone (nvm-keep.conf):
# range A (ext4 magic) stays a pmem device with its bytes; B (fsdax info
# block) is taken because nvm_zone_overwrite= names it; C (no signature)
# is taken.
. /nvmtest/lib.sh
t_begin

t_run "dmesg: A holds an ext2/3/4 file system and is left a pmem device" \
	sh -c "dmesg | grep -q 'nvm_zone: \[mem 0x0000000080000000-0x000000008fffffff\] holds an ext2/3/4 file system: left a pmem device (nvm_zone_overwrite=0x80000000 takes it'"
t_run "dmesg: B is taken, named by nvm_zone_overwrite=" \
	sh -c "dmesg | grep -q 'nvm_zone: \[mem 0x0000000090000000-0x000000009fffffff\] named by nvm_zone_overwrite=: taken'"
t_run "dmesg: C is not mentioned as left alone" \
	sh -c "! dmesg | grep -q 'mem 0x00000000a0000000-0x00000000afffffff\] holds'"
t_run "dmesg: the invalid nvm_zone_overwrite= was refused" \
	sh -c "dmesg | grep -q \"nvm_zone_overwrite=: '0x90000001' is not a page-aligned address\""
t_eq "NVMTotal is B + C (512 MiB)" "$(meminfo_kb NVMTotal)" 524288
t_run "iomem: A is legacy persistent memory, B and C System RAM (NVM)" \
	sh -c "grep -q '80000000-8fffffff : Persistent Memory (legacy)' /proc/iomem &&
	       grep -q '90000000-9fffffff : System RAM (NVM)' /proc/iomem &&
	       grep -q 'a0000000-afffffff : System RAM (NVM)' /proc/iomem"
pmem=$(for b in /sys/block/pmem*; do [ -e "$b" ] && basename "$b"; done | head -n 1)
t_run "A is a pmem block device ($pmem) of 256 MiB" \
	test -n "$pmem" -a "$(cat /sys/block/$pmem/size 2>/dev/null)" = 524288
t_eq "A's data survived: the ext magic" \
	"$(dd if=/dev/$pmem bs=1 skip=1080 count=2 2>/dev/null | od -An -tx1 | tr -d ' ')" 53ef
t_eq "A's data survived: the marker" \
	"$(dd if=/dev/$pmem bs=1 skip=8192 count=15 2>/dev/null)" nvmtest-keep-me
t_eq "the taken ranges were scrubbed (stats/scrubbed_pages)" \
	"$(cat /sys/kernel/mm/nvm/stats/scrubbed_pages)" 131072
t_end
