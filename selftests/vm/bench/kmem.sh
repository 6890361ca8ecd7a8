# SPDX-License-Identifier: GPL-2.0
# make bench, guest side: hot-add and online a 1 GiB NVDIMM through
# dax/kmem, three times per way, and the DRAM (node 0) it costs.
#   movable  the stock "daxctl reconfigure-device --mode=system-ram"
#            (ZONE_MOVABLE; both kernels)
#   nvm      the fork: memmap on the memory, "nvmzone hotadd --zone nvm"
#            (ZONE_NVM, every page scrubbed in the background: ms= until
#            the command returns, usable_ms= until the scrub is done)
# Then it loads 256 MiB of checksummed data into the new memory (nvm_hold:
# placed for ZONE_NVM, bound to node 1 for Movable) and times the offline
# that migrates it out: "BENCH offline how=HOW ms=MS mib=MIB ... data=ok".
# Prints "BENCH hotadd how=HOW ms=MS dram_kb=KB mib=MIB cold=0|1" per run;
# cold=1 marks the first hot-add of the boot, the only one whose DRAM cost
# is not blurred by memory that earlier runs left allocated.  The order of
# the ways alternates with the round (nvmtest.round=, from BENCH_ROUND) so
# that each gets cold runs.
# bash for EPOCHREALTIME (busybox date has no %N)
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. /nvmtest/lib.sh
region=$(region_on_node 1)
reset_labels "$region" >/dev/null 2>&1 || exit 1
dax=$(ndctl create-namespace -r "$region" -m devdax 2>&1 | json_field chardev)
[ -n "$dax" ] || { echo "no dax device"; exit 1; }
mib=$(($(cat /sys/bus/dax/devices/$dax/size) / 1048576))
ways=movable
if [ -d /sys/kernel/mm/nvm ]; then
	ways="movable nvm"
	round=$(sed -n 's/.*nvmtest.round=\([0-9]*\).*/\1/p' /proc/cmdline)
	[ $((${round:-1} % 2)) = 0 ] || ways="nvm movable"
fi
cold=1
load=256
now_ms() { local t=${EPOCHREALTIME/./}; echo $((t / 1000)); }
for rep in 1 2 3; do
	for how in $ways; do
		sync
		echo 3 >/proc/sys/vm/drop_caches
		free0=$(meminfo_kb MemFree 0)
		if [ "$how" = nvm ]; then
			echo 1 >/sys/bus/dax/devices/$dax/memmap_on_memory || exit 1
			t0=$(now_ms)
			nvmzone hotadd "$dax" --zone nvm >/dev/null || exit 1
		else
			t0=$(now_ms)
			daxctl reconfigure-device --mode=system-ram "$dax" >/dev/null 2>&1 || exit 1
		fi
		t1=$(now_ms)
		# ZONE_NVM: the memory joins the zone as the background scrub
		# goes; the time until all of it is usable is reported beside
		scrub_wait 600 || { echo "the scrub did not finish"; exit 1; }
		t2=$(now_ms)
		free1=$(meminfo_kb MemFree 0)
		echo "BENCH hotadd how=$how ms=$((t1 - t0)) usable_ms=$((t2 - t0)) dram_kb=$((free0 - free1)) mib=$mib cold=$cold"
		cold=0
		# offline with $load MiB of checksummed data in the block: a
		# placed process (ZONE_NVM) or one bound to node 1 (Movable)
		if [ "$how" = nvm ]; then
			hold="$load"
		else
			hold="--no-place --node 1 $load"
		fi
		rm -f /tmp/b.in /tmp/b.out
		mkfifo /tmp/b.in /tmp/b.out
		/nvmtest/bin/nvm_hold $hold </tmp/b.in >/tmp/b.out &
		hp=$!
		exec 7>/tmp/b.in 8</tmp/b.out
		read -r -t 300 ready pages innvm <&8
		[ "$ready" = ready ] || { echo "nvm_hold: $ready $pages"; exit 1; }
		t0=$(now_ms)
		daxctl offline-memory "$dax" >/dev/null 2>&1 || exit 1
		t1=$(now_ms)
		echo "check 0 0" >&7
		read -r -t 300 res rest <&8
		echo quit >&7
		wait $hp
		exec 7>&- 8<&-
		echo "BENCH offline how=$how ms=$((t1 - t0)) mib=$load innvm=$innvm pages=$pages data=$res"
		[ "$res" = ok ] || exit 1
		daxctl reconfigure-device --mode=devdax "$dax" >/dev/null 2>&1 || exit 1
		if [ "$how" = nvm ]; then
			# back to the defaults for the next way (nvmzone hotadd restores
			# kmem_zone itself; memmap_on_memory was set above)
			echo 0 >/sys/bus/dax/devices/$dax/memmap_on_memory
			echo default >/sys/bus/dax/devices/$dax/kmem_zone
		fi
	done
done
