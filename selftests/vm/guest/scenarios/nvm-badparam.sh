# SPDX-License-Identifier: GPL-2.0
# nvm_zone=maybe: rejected with a message, nothing changes.
. /nvmtest/lib.sh
t_begin

t_run "dmesg names the bad value and the default" \
	sh -c "dmesg | grep -q 'NVM zone: nvm_zone=maybe: invalid value, expected \"on\" or \"off\"'"
t_run "boot_enabled is 0" test "$(cat /sys/kernel/mm/nvm/boot_enabled)" = 0
t_run "no ZONE_NVM has memory" test "$(meminfo_kb NVMTotal)" = 0
t_run "no NVM node directories" test -z "$(ls /sys/kernel/mm/nvm/nodes)"
t_run "both e820 ranges are legacy pmem devices" \
	sh -c "grep -q '120000000-13fffffff : Persistent Memory (legacy)' /proc/iomem && test \$(ls -d /sys/bus/nd/devices/region* | wc -l) = 2"
t_run "node 2 has no memory (its only memory is pmem)" test "$(meminfo_kb MemTotal 2)" = 0
t_ksft /nvmtest/bin/nvm_zone_test
t_end
