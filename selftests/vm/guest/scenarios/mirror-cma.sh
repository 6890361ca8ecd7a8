# SPDX-License-Identifier: GPL-2.0
# mirror-cma.conf: a 32 MiB CMA area (16 pageblocks) inside a 256 MiB
# mirrored range (128 pageblocks).  The CMA blocks are CMA, never Mirror:
# MirrorTotal leaves them out, and a contiguous allocation that isolates
# them gives them back as CMA, with CmaFree restored when it is freed.
. /nvmtest/lib.sh
t_begin

# pageblocks of TYPE, all zones (the "Number of blocks type" table)
blocks_of() {
	awk -v t="$1" '/^Number of blocks type/ { for (i = 1; i <= NF; i++) if ($i == t) col = i; tbl = 1; next }
	     tbl && /^Node/ && !/, type/ { s += $col } END { print s + 0 }' /proc/pagetypeinfo
}
CMA=/sys/kernel/debug/cma/reserved

t_run "dmesg: the CMA area lies at 1088 MiB" \
	sh -c "dmesg | grep -q 'cma: Reserved 32 MiB at 0x0000000044000000'"
t_run "dmesg: mirrormem= marked the range" \
	sh -c "dmesg | grep -q 'mirrormem=: \[mem 0x0000000040000000-0x000000004fffffff\] mirrored'"
t_eq "CmaTotal: 32768 kB" "$(meminfo_kb CmaTotal)" 32768
t_eq "pagetypeinfo: 16 CMA pageblocks" "$(blocks_of CMA)" 16
t_eq "pagetypeinfo: 112 Mirror pageblocks (the range less the CMA area)" "$(blocks_of Mirror)" 112
t_eq "MirrorTotal: 229376 kB (224 MiB: CMA is not counted)" "$(meminfo_kb MirrorTotal)" 229376
t_run "CMA debugfs is there" test -w $CMA/alloc -a -w $CMA/free

# small per-cpu lists, so that freed pages reach the free lists at once
F=/proc/sys/vm/percpu_pagelist_high_fraction
frac0=$(cat $F)
t_run "per-cpu lists made small" sh -c "echo 100000 > $F"
free0=$(meminfo_kb CmaFree)
t_run "a contiguous allocation of 16 MiB from the CMA area" sh -c "echo 4096 > $CMA/alloc"
t_eq "  ... CmaFree fell by it" "$(( free0 - $(meminfo_kb CmaFree) >= 16384 ))" 1
t_eq "  ... the CMA pageblocks are still CMA" "$(blocks_of CMA)" 16
t_eq "  ... and none became Mirror" "$(blocks_of Mirror)" 112
t_run "freeing it" sh -c "echo 4096 > $CMA/free"
t_eq "  ... the CMA pageblocks are CMA" "$(blocks_of CMA)" 16
t_eq "  ... Mirror pageblocks unchanged" "$(blocks_of Mirror)" 112
# at most a few hundred pages per CPU may still sit on the per-cpu lists
t_run "  ... CmaFree is back (was $free0 kB, now $(meminfo_kb CmaFree) kB)" \
	test "$(meminfo_kb CmaFree)" -ge $((free0 - 4096))
echo "$frac0" > $F
t_eq "MirrorTotal unchanged" "$(meminfo_kb MirrorTotal)" 229376
t_end
