# SPDX-License-Identifier: GPL-2.0
# Shape (c): pc-dimm hot-add through QMP, onlining with chmem into
# ZONE_MOVABLE, offlining, ACPI hot-remove (device_del).
. /nvmtest/lib.sh
t_begin

bs=$(block_size)
t_run "auto_online_blocks is offline" test "$(cat $MEMDIR/auto_online_blocks)" = offline
before=$(block_ids)
n_before=$(echo "$before" | wc -l)
t_run "hot-add a 512 MiB pc-dimm on node 1 (QMP)" hostctl hotadd dimm1 512M 1
t_run "4 new memory blocks appear" wait_for 60 'test "$(block_count)" = $((n_before + 512 * 1048576 / bs))'
new=$(block_ids | grep -vxF "$before" | tr '\n' ' ')
first=${new%% *} last=$(echo $new | awk "{ print \$NF }")
t_run "the new blocks are offline" sh -c "for b in $new; do grep -qx offline $MEMDIR/memory\$b/state || exit 1; done"
t_run "the new blocks are on node 1" test "$(block_node "$first")" = 1
t_run "the new blocks may go to Movable" sh -c "grep -q Movable $MEMDIR/memory$first/valid_zones"
t_run "chmem -e -b $first-$last" chmem -e -b "$first-$last"
t_run "the new blocks are online in ZONE_MOVABLE" sh -c "for b in $new; do grep -qx online $MEMDIR/memory\$b/state && grep -qx Movable $MEMDIR/memory\$b/valid_zones || exit 1; done"
t_run "node 1 ZONE_MOVABLE has 512 MiB" test "$(zone_pages 1 Movable present)" = 131072
t_run "chmem -d -b $first-$last" offline_range "$first-$last"
t_run "hot-remove the pc-dimm (device_del)" hostctl hotremove dimm1
t_run "its memory blocks are gone" wait_for 60 'test "$(block_count)" = "$n_before"'

t_end
