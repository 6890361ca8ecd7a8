# SPDX-License-Identifier: GPL-2.0
# make bench, guest side: the fork with ZONE_NVM and mirrored memory in use.
# Order-0 requests on one CPU: GFP_HIGHUSER_MOVABLE|__GFP_NVM against
# GFP_HIGHUSER_MOVABLE, GFP_KERNEL|__GFP_MIRROR against GFP_KERNEL,
# interleaved, five times each.
. /nvmtest/lib.sh
[ "$(meminfo_kb NVMTotal)" -gt 0 ] || { echo "no ZONE_NVM"; exit 1; }
[ "$(meminfo_kb MirrorTotal)" -gt 0 ] || { echo "no mirrored memory"; exit 1; }
# ZONE_NVM pages join the zone as the background scrub clears them: an
# allocation loop started before it ends finds the zone nearly empty
scrub_wait 600 || { echo "the scrub did not finish"; exit 1; }
for rep in 1 2 3 4 5; do
	for m in normal movable nvm mirror; do
		insmod /nvmtest/allocbench.ko mode=$m order=0 cpus=1 iters=200000 || exit 1
		rmmod allocbench
	done
done
dmesg | grep -o 'allocbench: mode=.*'
grep -E '^mirror_alloc' /proc/vmstat
