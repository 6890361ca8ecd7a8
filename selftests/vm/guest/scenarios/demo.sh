# SPDX-License-Identifier: GPL-2.0
# demo.conf, the default shape of "make run": what its summary shows must
# hold.  Node 1's 512 MiB of e820 pmem is ZONE_NVM from boot, the guest's
# demo step (/nvmtest/demo.sh, run by summary.sh) hot-adds node 1's NVDIMM
# into ZONE_NVM, and 256 MiB of node 0 is mirrored.
. /nvmtest/lib.sh
t_begin

t_eq "boot_enabled is 1 (nvm_zone=on)" "$(cat /sys/kernel/mm/nvm/boot_enabled)" 1
t_eq "node 1's ZONE_NVM: the 512 MiB of e820 pmem" "$(meminfo_kb NVMTotal 1)" 524288
t_eq "node 1 has no DRAM zone" \
	"$(zone_pages 1 DMA32 present)/$(zone_pages 1 Normal present)/$(zone_pages 1 Movable present)" 0/0/0
t_eq "MirrorTotal is the 256 MiB of mirrormem=" "$(meminfo_kb MirrorTotal)" 262144

sh /nvmtest/demo.sh >/tmp/demo.txt 2>&1
rc=$?
t_diag </tmp/demo.txt
t_eq "the demo step hot-added the NVDIMM into ZONE_NVM (exit status)" "$rc" 0
dax=$(ndctl list -r "$(region_on_node 1)" -N 2>/dev/null | json_field chardev)
t_eq "$dax is system-ram" "$(daxctl list -d "$dax" | json_field mode)" system-ram
t_eq "its blocks are online in ZONE_NVM" "$(dax_blocks "$dax" state)/$(dax_blocks "$dax" valid_zones)" online/NVM
t_run "node 1's ZONE_NVM grew by the NVDIMM (now $(meminfo_kb NVMTotal 1) kB)" \
	test "$(meminfo_kb NVMTotal 1)" -gt 524288
t_eq "NVMTotal is node 1's" "$(meminfo_kb NVMTotal)" "$(meminfo_kb NVMTotal 1)"
t_run "the summary says what this is and what to try" \
	sh -c "grep -q '^== what this is' /tmp/demo.txt && grep -q 'Try: nvmzone' /tmp/demo.txt"
t_eq "a second run reuses the device" "$(sh /nvmtest/demo.sh >/tmp/demo2.txt 2>&1; echo $?)" 0
t_run "  ... and says so" grep -q "$dax is system-ram already" /tmp/demo2.txt
t_end
