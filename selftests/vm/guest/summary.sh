#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# A short summary of the VM's memory: nodes, zones, memory blocks, pmem.
echo "== kernel $(uname -r): $(cat /proc/cmdline)"
echo "== zones (pages: present managed free)"
awk '/^Node/ { node = $2; zone = $4 }
     /^ +pages free/ { free = $3 }
     /^ +present/ { present = $2 }
     /^ +managed/ { if (present > 0) printf "  node %s %-8s %9d %9d %9d\n", node, zone, present, $2, free }' /proc/zoneinfo | tr -d ,
echo "== memory blocks"
lsmem 2>&1 | sed 's/^/  /'
echo "== persistent memory"
ndctl list -N 2>/dev/null | tr -d " \n" | sed "s/},{/}\n{/g; s/^\[//; s/\]$//" | sed "s/^/  /"; echo
ls /dev/pmem* /dev/dax* 2>/dev/null | sed 's/^/  /'
true
