# SPDX-License-Identifier: GPL-2.0
# EFI "more reliable" memory without mirrormem= (mirror-efi.conf): the
# firmware's range reaches the kernel, and nothing changes from a kernel
# without CONFIG_MEMORY_MIRROR: no MIGRATE_MIRROR pageblock, no mirrored
# range, MirrorTotal 0.
. /nvmtest/lib.sh
t_begin

MIR=/sys/kernel/mm/nvm/mirror

t_run "booted through EFI" test -d /sys/firmware/efi
t_run "dmesg: the firmware reports 512 MiB mirrored" \
	sh -c "dmesg | grep -q 'efi: Memory: 512M/[0-9]*M mirrored memory'"
t_eq "MirrorTotal is 0 kB" "$(meminfo_kb MirrorTotal)" 0
t_eq "MirrorFree is 0 kB" "$(meminfo_kb MirrorFree)" 0
t_eq "no pageblock is MIGRATE_MIRROR" "$(mirror_blocks)" 0
t_eq "mirror/total_pages is 0" "$(cat $MIR/total_pages)" 0
t_run "dmesg: no opt-in was logged" sh -c "! dmesg | grep -q 'mirrormem=firmware'"

t_end
