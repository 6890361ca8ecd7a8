# SPDX-License-Identifier: GPL-2.0
# The nvm-initrd checks, with 4 GiB of RAM.
. /nvmtest/scenarios/nvm-initrd.sh
