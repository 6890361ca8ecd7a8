#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# A short summary of the VM's memory: nodes, zones, memory blocks, pmem.
echo "== kernel $(uname -r): $(cat /proc/cmdline)"
echo "== nvmzone status"
nvmzone status 2>&1 | sed 's/^/  /'
echo "== memory blocks"
lsmem 2>&1 | sed 's/^/  /'
echo "== persistent memory"
ndctl list -N 2>/dev/null | tr -d " \n" | sed "s/},{/}\n{/g; s/^\[//; s/\]$//" | sed "s/^/  /"; echo
ls /dev/pmem* /dev/dax* 2>/dev/null | sed 's/^/  /'
true
# make run's default shape (scenarios/demo.conf): hot-add its NVDIMM into
# ZONE_NVM, then say what the reader is looking at and what to try
if [ "${NVMTEST_SCENARIO:-}" = demo ]; then
	sh /nvmtest/demo.sh
	true
fi
