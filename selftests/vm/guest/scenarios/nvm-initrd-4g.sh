# SPDX-License-Identifier: GPL-2.0
# The nvm-initrd checks, with 4 GiB of RAM.
nvm_lo=0xa0000000 nvm_hi=0xc0000000
. /nvmtest/scenarios/nvm-initrd.sh
