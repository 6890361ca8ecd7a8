# SPDX-License-Identifier: GPL-2.0
# make bench, guest side: seconds from boot to /init's first script line
# (the same for both runs but for the NVM zone's initialisation), and the
# NVM memory the kernel manages.
. /nvmtest/lib.sh
echo "BENCH boot uptime=$(cut -d' ' -f1 /proc/uptime) nvm_kb=$(meminfo_kb NVMTotal)"
