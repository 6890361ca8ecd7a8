# SPDX-License-Identifier: GPL-2.0
# EFI boot with mirrormem=firmware on firmware that reports no mirrored
# range (mirror-efi.conf): the opt-in is taken, and nothing changes from a
# kernel without CONFIG_MEMORY_MIRROR: no MIGRATE_MIRROR pageblock, no
# mirrored range, MirrorTotal 0.
. /nvmtest/lib.sh
t_begin

MIR=/sys/kernel/mm/nvm/mirror

t_run "booted through EFI" test -d /sys/firmware/efi
t_run "dmesg: the firmware reports no mirrored memory" \
	sh -c "! dmesg | grep -q 'efi: Memory: .*mirrored memory'"
t_run "dmesg: mirrormem=firmware took the opt-in" \
	sh -c "dmesg | grep -q 'mirrormem=firmware: the firmware.s mirrored ranges become MIGRATE_MIRROR'"
t_eq "MirrorTotal is 0 kB" "$(meminfo_kb MirrorTotal)" 0
t_eq "MirrorFree is 0 kB" "$(meminfo_kb MirrorFree)" 0
t_eq "no pageblock is MIGRATE_MIRROR" "$(mirror_blocks)" 0
t_eq "mirror/total_pages is 0" "$(cat $MIR/total_pages)" 0
t_eq "no mirrored range is listed" "$(cat $MIR/ranges 2>/dev/null | grep -c .)" 0

t_end
