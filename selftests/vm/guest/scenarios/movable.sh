# SPDX-License-Identifier: GPL-2.0
# Shape (d): movable_node.  The hotpluggable boot memory of node 2 is all
# ZONE_MOVABLE; hot-added DIMMs come online by themselves in ZONE_MOVABLE
# and can be hot-removed again; the upstream memory-hotplug selftest passes.
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
t_run "4 new memory blocks appear" wait_for 60 'test "$(block_count)" = $((n_before + 512 * 1048576 / bs))'
new=$(block_ids | grep -vxF "$before" | tr '\n' ' ')
t_run "they came online by themselves" wait_for 60 "for b in $new; do grep -qx online $MEMDIR/memory\$b/state || exit 1; done"
t_run "in ZONE_MOVABLE" sh -c "for b in $new; do grep -qx Movable $MEMDIR/memory\$b/valid_zones || exit 1; done"
t_run "hot-remove it while online (device_del)" hostctl hotremove dimm1
t_run "its memory blocks are gone" wait_for 60 'test "$(block_count)" = "$n_before"'

# The upstream memory-hotplug selftest, on a hot-added 1 GiB DIMM.  It must
# run here: it re-onlines blocks with a plain "online", which movable_node
# turns into ZONE_MOVABLE; without it, blocks land in ZONE_NORMAL, fill with
# kernel allocations and the DIMM can no longer be removed.
t_run "hot-add a 1 GiB pc-dimm on node 0 (QMP)" hostctl hotadd dimm2 1G 0
t_run "8 new memory blocks appear" wait_for 60 'test "$(block_count)" = $((n_before + 1073741824 / bs))'
new=$(block_ids | grep -vxF "$before" | tr '\n' ' ')
t_run "they came online by themselves in ZONE_MOVABLE" wait_for 60 "for b in $new; do grep -qx online $MEMDIR/memory\$b/state && grep -qx Movable $MEMDIR/memory\$b/valid_zones || exit 1; done"
t_run "upstream memory-hotplug/mem-on-off-test.sh -r 10" \
	bash /nvmtest/upstream/memory-hotplug/mem-on-off-test.sh -r 10
t_run "all of the DIMM is back in ZONE_MOVABLE" sh -c "for b in $new; do grep -qx Movable $MEMDIR/memory\$b/valid_zones || exit 1; done"
t_run "hot-remove the 1 GiB pc-dimm while online (device_del)" hostctl hotremove dimm2
t_run "its memory blocks are gone" wait_for 60 'test "$(block_count)" = "$n_before"'
t_end
