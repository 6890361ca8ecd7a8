# SPDX-License-Identifier: GPL-2.0
# mirrormem= with an unaligned second range: the kernel names the range and
# the reason, and marks none of the ranges.
. /nvmtest/lib.sh
t_begin

MIR=/sys/kernel/mm/nvm/mirror
t_run "dmesg names the range, the alignment and the outcome" \
	sh -c "dmesg | grep -q 'mirrormem=: 0x600000@0x110000000 is not aligned to 4 MiB; no range marked'"
t_run "the aligned first range is not marked either" sh -c "! dmesg | grep -q 'mirrormem=: \[mem'"
t_eq "MirrorTotal is 0" "$(meminfo_kb MirrorTotal)" 0
t_eq "MirrorFree is 0" "$(meminfo_kb MirrorFree)" 0
t_eq "no range registered" "$(cat $MIR/ranges)" ""
t_eq "no Mirror pageblock" "$(awk '$1 == "nr_mirror" { s += $2 } END { print s + 0 }' /proc/zoneinfo)" 0
t_eq "no mirrored allocation" "$(awk '$1 == "mirror_alloc" { print $2 }' /proc/vmstat)" 0
t_end
