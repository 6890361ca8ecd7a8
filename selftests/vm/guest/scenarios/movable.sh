# SPDX-License-Identifier: GPL-2.0
# Shape (d): movable_node.  The hotpluggable boot memory of node 2 is all
# ZONE_MOVABLE; hot-added DIMMs come online by themselves in ZONE_MOVABLE
# and can be hot-removed again.
. /nvmtest/lib.sh
t_begin

t_run "movable_node is on the command line" grep -qw movable_node /proc/cmdline
t_run "node 2 holds 1 GiB of ZONE_MOVABLE" test "$(zone_pages 2 Movable present)" = 262144
t_run "node 2 has no ZONE_NORMAL" test "$(zone_pages 2 Normal present)" = 0
t_run "node 0 has no ZONE_MOVABLE (not hotpluggable)" test "$(zone_pages 0 Movable present)" = 0
t_run "auto_online_blocks is online" test "$(cat $MEMDIR/auto_online_blocks)" = online

bs=$(block_size)
before=$(block_ids)
n_before=$(echo "$before" | wc -l)
t_run "hot-add a 512 MiB pc-dimm on node 1 (QMP)" hostctl hotadd dimm1 512M 1
t_run "4 new memory blocks appear" wait_for 10 'test "$(block_count)" = $((n_before + 512 * 1048576 / bs))'
new=$(block_ids | grep -vxF "$before" | tr '\n' ' ')
t_run "they came online by themselves" wait_for 10 "for b in $new; do grep -qx online $MEMDIR/memory\$b/state || exit 1; done"
t_run "in ZONE_MOVABLE" sh -c "for b in $new; do grep -qx Movable $MEMDIR/memory\$b/valid_zones || exit 1; done"
t_run "hot-remove it while online (device_del)" hostctl hotremove dimm1
t_run "its memory blocks are gone" wait_for 10 'test "$(block_count)" = "$n_before"'
t_end
