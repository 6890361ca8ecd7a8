# SPDX-License-Identifier: GPL-2.0
# Fake /proc and /sys trees for the nvmzone tests; sourced by run-tests.sh.
# Block size 128M (0x8000000); page counts are pages of the host's page size.

# zone NODE NAME FREE SPANNED PRESENT MANAGED: one /proc/zoneinfo entry
zone()
{
	cat <<ZONE
Node $1, zone $(printf '%8s' "$2")
  per-node stats
      nr_inactive_anon 3591
      nr_free_pages 999
  pages free     $3
        boost    0
        min      128
        low      160
        high     192
        spanned  $4
        present  $5
        managed  $6
        cma      0
        protection: (0, 0, 0, 0)
      nr_free_pages $3
  pagesets
    cpu: 0
              count: 0
ZONE
}

# memblock ROOT N STATE ZONES NODE [REMOVABLE]
memblock()
{
	local d="$1/sys/devices/system/memory/memory$2"

	mkdir -p "$d"
	echo "$3" >"$d/state"
	echo "$4" >"$d/valid_zones"
	echo "${6:-1}" >"$d/removable"
	printf '%08x\n' "$2" >"$d/phys_index"
	ln -s "../../node/node$5" "$d/node$5"
}

common_tree()
{
	local r="$1"

	mkdir -p "$r/proc/sys/vm" "$r/sys/devices/system/memory"
	echo 67584 >"$r/proc/sys/vm/min_free_kbytes"
	printf '256\t256\t32\t0\t0\n' >"$r/proc/sys/vm/lowmem_reserve_ratio"
	echo 8000000 >"$r/sys/devices/system/memory/block_size_bytes"
	echo online >"$r/sys/devices/system/memory/auto_online_blocks"
}

# A stock 6.1 kernel: no NVM zone, no NVMTotal; blocks 0-3 online Normal,
# 4-5 offline (valid zones "Normal Movable"), all node 0.
mk_stock()
{
	local r="$1" i

	common_tree "$r"
	{
		zone 0 DMA 3840 4095 3998 3840
		zone 0 DMA32 772915 1044480 782336 772915
		zone 0 Normal 100000 262144 262144 250000
		zone 0 Movable 0 0 0 0
		zone 0 Device 0 0 0 0
	} >"$r/proc/zoneinfo"
	cat >"$r/proc/meminfo" <<MEM
MemTotal:        4000000 kB
MemFree:         3000000 kB
MemAvailable:    3500000 kB
MEM
	for i in 0 1 2 3; do
		memblock "$r" $i online Normal 0
	done
	for i in 4 5; do
		memblock "$r" $i offline "Normal Movable" 0
	done
}

# The fork with nvm_zone=on: NVM on node 0 (inside DRAM) and node 1 (NVM
# only); two dax devices: dax0.0 devdax, dax1.0 kmem into blocks 88-95 on
# node 2; dax0.1 a size-0 seed.
mk_nvm()
{
	local r="$1" i d

	common_tree "$r"
	mkdir -p "$r/sys/kernel/mm/nvm"
	echo 32 >"$r/sys/kernel/mm/nvm/scrub_batch"
	{
		zone 0 DMA 3840 4095 3998 3840
		zone 0 DMA32 772915 1044480 782336 772915
		zone 0 Normal 100000 262144 262144 250000
		zone 0 Movable 0 0 0 0
		zone 0 NVM 131008 131072 131072 131072
		zone 1 Normal 0 0 0 0
		zone 1 NVM 262000 262144 262144 262144
		zone 2 Normal 200000 262144 262144 262144
	} >"$r/proc/zoneinfo"
	cat >"$r/proc/meminfo" <<MEM
MemTotal:        4000000 kB
MemFree:         3000000 kB
NVMTotal:        1572864 kB
NVMFree:         1569280 kB
MEM
	for i in 0 1 2 3; do
		memblock "$r" $i online Normal 0
	done
	for i in 4 5; do
		memblock "$r" $i online NVM 1 0
	done
	for i in 88 89 90 91 92 93 94 95; do
		memblock "$r" $i online NVM 2
	done

	mkdir -p "$r/sys/bus/dax/drivers/device_dax" "$r/sys/bus/dax/drivers/kmem"
	d="$r/sys/bus/dax/devices"
	mkdir -p "$d/dax0.0" "$d/dax1.0" "$d/dax0.1"
	echo 2147483648 >"$d/dax0.0/size"
	echo 1 >"$d/dax0.0/target_node"
	echo 0x240000000 >"$d/dax0.0/resource"
	ln -s ../../drivers/device_dax "$d/dax0.0/driver"
	echo 1073741824 >"$d/dax1.0/size"
	echo 2 >"$d/dax1.0/target_node"
	echo 0x2c0000000 >"$d/dax1.0/resource"
	ln -s ../../drivers/kmem "$d/dax1.0/driver"
	echo 0 >"$d/dax0.1/size"
	echo 1 >"$d/dax0.1/target_node"
}
