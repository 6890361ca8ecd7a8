# SPDX-License-Identifier: GPL-2.0
# EFI boot with mirrormem=firmware,512M@1G (mirror-efi-optin.conf): the
# explicit range becomes MIGRATE_MIRROR on an EFI machine, and the kernel's
# early allocations go there first.
. /nvmtest/lib.sh
t_begin

MIR=/sys/kernel/mm/nvm/mirror

t_run "booted through EFI" test -d /sys/firmware/efi
t_run "dmesg: mirrormem=firmware took the opt-in" \
	sh -c "dmesg | grep -q 'mirrormem=firmware: the firmware.s mirrored ranges become MIGRATE_MIRROR'"
t_eq "MirrorTotal is 512 MiB" "$(meminfo_kb MirrorTotal)" 524288
t_eq "mirror/total_pages is 131072" "$(cat $MIR/total_pages)" 131072
t_eq "256 pageblocks are MIGRATE_MIRROR" "$(mirror_blocks)" 256
# memblock now prefers mirrored memory for the kernel's early allocations
free=$(meminfo_kb MirrorFree)
t_run "MirrorFree ($free kB) is below MirrorTotal and above 256 MiB" \
	test "$free" -lt 524288 -a "$free" -gt 262144

t_end
