# SPDX-License-Identifier: GPL-2.0
# Upstream kernelcore=mirror, its ranges from mirrormem=: node 1's mirrored
# 256 MiB stay ZONE_NORMAL, its other 768 MiB become ZONE_MOVABLE; memory
# below 4 GiB stays in the kernel zones (as upstream does); MIGRATE_MIRROR
# is not used and ranges cannot be added after boot.
. /nvmtest/lib.sh
t_begin

MIR=/sys/kernel/mm/nvm/mirror
MIRDBG=/sys/kernel/debug/nvm/mirror
t_run "mirrormem= marked both ranges" \
	sh -c "dmesg | grep -q 'mirrormem=: \[mem 0x0000000020000000-0x000000002fffffff\] mirrored' &&
	       dmesg | grep -q 'mirrormem=: \[mem 0x0000000100000000-0x000000010fffffff\] mirrored'"
t_run "dmesg: MIGRATE_MIRROR steps aside for kernelcore=mirror" \
	sh -c "dmesg | grep -q 'kernelcore=mirror: mirrored memory serves the kernel through its zones'"
t_eq "node 1 ZONE_NORMAL is the mirrored 256 MiB" "$(zone_pages 1 Normal present)" 65536
t_eq "node 1 ZONE_MOVABLE is the other 768 MiB" "$(zone_pages 1 Movable present)" 196608
t_eq "node 0 has no ZONE_MOVABLE (below 4 GiB)" "$(zone_pages 0 Movable present)" 0
t_eq "MirrorTotal is 0 (no MIGRATE_MIRROR pageblock)" "$(meminfo_kb MirrorTotal)" 0
t_eq "no range registered" "$(cat $MIR/ranges)" ""
t_run "adding a range is refused (EOPNOTSUPP)" \
	expect_err "Operation not supported" $MIRDBG/ranges "0x30000000 0x400000"
t_run "nvmzone mirror add says kernelcore=mirror" \
	sh -c "nvmzone mirror add 0x30000000-0x303fffff 2>&1 | grep -q kernelcore=mirror"
t_run "a 512 MiB load lands in ZONE_MOVABLE too" \
	sh -c "echo quit | /nvmtest/bin/nvm_hold --no-place 512 | grep -q '^ready'"
t_end
