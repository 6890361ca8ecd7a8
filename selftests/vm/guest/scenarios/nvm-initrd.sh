# SPDX-License-Identifier: GPL-2.0
# nvm_zone=on with memmap=512M!1536M: the boot loader put the initrd inside
# the range that becomes ZONE_NVM.  The kernel moves it to DRAM before it
# uses the range, ZONE_NVM gets every page of the range, scrubbed, and no
# page freed later (the initrd, init memory) reaches ZONE_NVM unscrubbed:
# the zone_nvm KUnit suite, which checks every ZONE_NVM page it can
# allocate for zeroes, runs at boot in this shape (judged by the runner).
. /nvmtest/lib.sh
t_begin

# the memmap= range (nvm-initrd-4g.sh sets its own before sourcing this)
nvm_lo=$((${nvm_lo:-0x60000000})) nvm_hi=$((${nvm_hi:-0x80000000}))
rd=$(dmesg | sed -n 's/.*RAMDISK: \[mem \(0x[0-9a-f]*\)-\(0x[0-9a-f]*\)\].*/\1 \2/p' | head -1)
t_run "dmesg names the boot loader's initrd ($rd)" test -n "$rd"
set -- $rd
t_run "the boot loader put it inside the NVM range (the shape under test)" \
	test $(($1)) -ge $nvm_lo -a $(($1)) -lt $nvm_hi
moved=$(dmesg | sed -n 's/.*Move RAMDISK from .* to \[mem \(0x[0-9a-f]*\)-\(0x[0-9a-f]*\)\].*/\1 \2/p')
t_run "the kernel moved the initrd out of the NVM range ($moved)" test -n "$moved"
set -- $moved 0 0
t_run "  ... into DRAM outside the NVM range" \
	test $(($2)) -lt $nvm_lo -o $(($1)) -ge $nvm_hi
# (with debug_pagealloc, x86 unmaps init memory instead of freeing it)
t_run "dmesg: the initrd was freed" \
	sh -c "dmesg | grep -qE 'Freeing initrd memory|debug: unmapping init'"
# memmap= may cover what the firmware uses (in the 2 GiB shape, QEMU's
# ACPI tables at 0x7ffe0000): that stays the firmware's, out of ZONE_NVM.
nvm_iomem_pages() {
	local sum=0 r
	for r in $(sed -n 's/^\([0-9a-f]*\)-\([0-9a-f]*\) : System RAM (NVM)$/\1-\2/p' /proc/iomem); do
		sum=$((sum + (0x${r#*-} + 1 - 0x${r%-*}) / 4096))
	done
	echo $sum
}
present=$(zone_pages 0 NVM present) managed=$(zone_pages 0 NVM managed)
t_run "ZONE_NVM present = System RAM (NVM) in /proc/iomem ($present pages)" \
	test "$present" = "$(nvm_iomem_pages)" -a "$present" -gt 130000
t_run "ACPI works: its tables are readable, the DSDT whole" \
	sh -c "test \$(wc -c < /sys/firmware/acpi/tables/DSDT) -gt 4096"
t_eq "ZONE_NVM managed = present: nothing stays reserved in it" "$managed" "$present"
t_eq "NVMTotal = the managed pages" "$(meminfo_kb NVMTotal)" $((managed * 4))
t_eq "stats/scrubbed_pages = the managed pages: none joined unscrubbed" \
	"$(cat /sys/kernel/mm/nvm/stats/scrubbed_pages)" "$managed"
t_run "dmesg: the KUnit suite ran with ZONE_NVM populated" \
	sh -c "dmesg | grep -q 'ZONE_NVM populated, key on'"
t_ksft /nvmtest/bin/nvm_zone_test
t_end
