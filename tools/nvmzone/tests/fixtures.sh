# SPDX-License-Identifier: GPL-2.0
# Fake /proc and /sys trees for the nvmzone tests; sourced by run-tests.sh.
# Block size 128M (0x8000000); page counts are pages of the host's page size.

# zone NODE NAME FREE SPANNED PRESENT MANAGED [MIRROR MIRROR_FREE]: one
# /proc/zoneinfo entry; nr_mirror and nr_free_mirror with MIRROR
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
ZONE
	[ -z "${7:-}" ] ||
		printf '      nr_free_mirror %s\n      nr_mirror %s\n' "$8" "$7"
	cat <<ZONE
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
	# no newline: nvmzone writes none, and the tests compare exact bytes
	printf '%s' "$3" >"$d/state"
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

# The sysfs files of the dax bus drivers that binding writes to
dax_drivers()
{
	local d="$1/sys/bus/dax/drivers" drv f

	for drv in device_dax kmem; do
		mkdir -p "$d/$drv"
		for f in new_id remove_id bind unbind; do
			: >"$d/$drv/$f"
		done
	done
}

# mk_hotplug ROOT [stock]: mk_nvm plus what hot-add needs.  dax0.0 (devdax,
# 0x240000000, 2G) has its blocks 72-87 present and offline on node 1 (a
# fake tree cannot make them appear when kmem binds); auto_online_blocks is
# offline.  Without "stock": the issue-4 ABI (kmem_zone, kmem_default_zone,
# offline_fallback, stats, nodes/nodeN/free_pages) and valid_zones
# "Normal Movable NVM"; with it, none of that and "Normal Movable".
mk_hotplug()
{
	local r="$1" i d="$1/sys/bus/dax/devices" n="$1/sys/kernel/mm/nvm"
	local zones="Normal Movable NVM"

	mk_nvm "$r"
	dax_drivers "$r"
	echo offline >"$r/sys/devices/system/memory/auto_online_blocks"
	if [ "${2:-}" = stock ]; then
		zones="Normal Movable"
		rm -rf "$n"
		sed -i '/^NVM/d' "$r/proc/meminfo"
	else
		printf default >"$d/dax0.0/kmem_zone"
		printf default >"$d/dax1.0/kmem_zone"
		echo auto >"$n/kmem_default_zone"
		echo dram >"$n/offline_fallback"
		mkdir -p "$n/stats" "$n/nodes/node0" "$n/nodes/node1" \
			"$n/nodes/node2"
		for i in online_pages offline_pages offline_migrated_nvm \
			offline_migrated_dram offline_refused; do
			echo 0 >"$n/stats/$i"
		done
		echo 131008 >"$n/nodes/node0/free_pages"
		echo 262000 >"$n/nodes/node1/free_pages"
		echo 0 >"$n/nodes/node2/free_pages"
	fi
	for i in $(seq 72 87); do
		memblock "$r" $i offline "$zones" 1
	done
}

# kpf FILE PFN COUNT FLAGS: write COUNT 8-byte little-endian /proc/kpageflags
# words of value FLAGS from PFN on (the file stays sparse elsewhere)
kpf()
{
	python3 - "$@" <<'PY'
import os, struct, sys
path, pfn, count, flags = sys.argv[1], int(sys.argv[2], 0), \
	int(sys.argv[3], 0), int(sys.argv[4], 0)
with open(path, 'r+b' if os.path.exists(path) else 'wb') as f:
	f.seek(pfn * 8)
	f.write(struct.pack('<Q', flags) * count)
PY
}

# mk_watch ROOT: mk_hotplug with every file of /sys/kernel/mm/nvm/stats and
# nodes/nodeN/managed_pages (node 2: dax1.0's 1G); the counters have
# different values
mk_watch()
{
	local r="$1" n="$1/sys/kernel/mm/nvm"

	mk_hotplug "$r"
	echo 5000 >"$n/stats/alloc_pages"
	echo 7 >"$n/stats/alloc_fail"
	echo 3 >"$n/stats/alloc_fallback"
	echo 262144 >"$n/stats/scrubbed_pages"
	echo 262144 >"$n/stats/online_pages"
	echo 65536 >"$n/stats/offline_pages"
	echo 1200 >"$n/stats/offline_migrated_nvm"
	echo 34 >"$n/stats/offline_migrated_dram"
	echo 2 >"$n/stats/offline_refused"
	echo 16 >"$n/stats/badblock_pages"
	echo 131072 >"$n/nodes/node0/managed_pages"
	echo 262144 >"$n/nodes/node1/managed_pages"
	echo 262144 >"$n/nodes/node2/managed_pages"
	echo 1000 >"$n/nodes/node2/free_pages"
}

# mirror_files ROOT: what CONFIG_MEMORY_MIRROR adds to a tree, for the
# ranges of mirrormem=64M@512M,128M@0x110000000 (the mirror VM) in 4K
# pages: 192M mirrored, 86.9M free; vm.mirrorable 1 (the default).  The
# debugfs writer (CONFIG_DEBUG_FS, debugfs mounted) is a hard link to the
# sysfs list: what is written there is listed, as in the kernel.  Both are
# 0600, the writer's mode (the kernel's sysfs file is 0400), so that the
# tests' owner can write when they do not run as root.
mirror_files()
{
	local r="$1" m="$1/sys/kernel/mm/nvm/mirror"
	local d="$1/sys/kernel/debug/nvm/mirror"

	mkdir -p "$m/stats" "$d" "$r/proc/sys/vm"
	printf '0x20000000 0x4000000\n0x110000000 0x8000000\n' >"$m/ranges"
	chmod 0600 "$m/ranges"
	ln "$m/ranges" "$d/ranges"
	echo 49152 >"$m/total_pages"
	echo 22246 >"$m/free_pages"
	echo 1200 >"$m/stats/alloc_pages"
	echo 30 >"$m/stats/fallback_pages"
	echo 5 >"$m/stats/last_resort_pages"
	echo 1 >"$r/proc/sys/vm/mirrorable"
	cat >>"$r/proc/meminfo" <<MEM
MirrorTotal:      196608 kB
MirrorFree:        88984 kB
MEM
	cat >>"$r/proc/vmstat" <<VM
nr_free_mirror 22246
nr_mirror 49152
mirror_alloc 1200
mirror_alloc_fallback 30
mirror_alloc_last_resort 5
VM
}

# node_meminfo ROOT NODE MEMTOTAL [MIRRORTOTAL MIRRORFREE] (kB)
node_meminfo()
{
	local d="$1/sys/devices/system/node/node$2"

	mkdir -p "$d"
	printf 'Node %s MemTotal:       %8s kB\n' "$2" "$3" >"$d/meminfo"
	[ -z "${4:-}" ] ||
		printf 'Node %s MirrorTotal:    %8s kB\nNode %s MirrorFree:     %8s kB\n' \
			"$2" "$4" "$2" "$5" >>"$d/meminfo"
}

# mk_mirror ROOT [none]: the fork in the mirror VM: ZONE_NVM configured but
# empty; node 0 blocks 0-7 (0-1G, DMA32), node 1 blocks 32-39 (4G-5G,
# Normal), all online.  Mirrored (mirror_files): 0x20000000 64M in block 4,
# 0x110000000 128M, block 34.  With "none": a kernel without
# CONFIG_MEMORY_MIRROR (no mirror directory, sysctl or Mirror lines).
mk_mirror()
{
	local r="$1" i m=

	[ "${2:-}" = none ] || m=1
	common_tree "$r"
	mkdir -p "$r/sys/kernel/mm/nvm"
	{
		zone 0 DMA 3840 4095 3998 3840 ${m:+0 0}
		zone 0 DMA32 180000 258048 258048 250000 ${m:+16384 6000}
		zone 1 Normal 200000 262144 262144 262144 ${m:+32768 16246}
	} >"$r/proc/zoneinfo"
	cat >"$r/proc/meminfo" <<MEM
MemTotal:        2000000 kB
MemFree:         1500000 kB
NVMTotal:              0 kB
NVMFree:               0 kB
MEM
	: >"$r/proc/vmstat"
	for i in 0 1 2 3 4 5 6 7; do
		memblock "$r" $i online DMA32 0
	done
	for i in 32 33 34 35 36 37 38 39; do
		memblock "$r" $i online Normal 1
	done
	node_meminfo "$r" 0 1000000 ${m:+65536 24000}
	node_meminfo "$r" 1 1048576 ${m:+131072 64984}
	[ -z "$m" ] || mirror_files "$r"
}
