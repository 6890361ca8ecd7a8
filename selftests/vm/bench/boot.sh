# SPDX-License-Identifier: GPL-2.0
# make bench, guest side: the first line comes at /init's first script line
# (the host times it: boot-to-/init), with how much ZONE_NVM memory still
# waits for the background scrub; the second once the scrub has finished
# (the guest's uptime between the two: how long until all NVM is usable).
. /nvmtest/lib.sh
unscrubbed() { cat /sys/kernel/mm/nvm/stats/unscrubbed_pages 2>/dev/null || echo 0; }
echo "BENCH boot uptime=$(cut -d' ' -f1 /proc/uptime) nvm_kb=$(meminfo_kb NVMTotal) unscrubbed=$(unscrubbed)"
scrub_wait 1800 || { echo "the scrub did not finish: $(unscrubbed) pages left"; exit 1; }
echo "BENCH scrubbed uptime=$(cut -d' ' -f1 /proc/uptime) nvm_kb=$(meminfo_kb NVMTotal)"
