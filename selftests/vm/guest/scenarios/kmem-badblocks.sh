# SPDX-License-Identifier: GPL-2.0
# Known-bad persistent memory must fail closed (review item 6):
#  b) a bad range declared while its memory is online in ZONE_NVM goes
#     through memory_failure(); re-onlining withholds it;
#  c) memmap_on_memory never puts a block's memmap on known-bad media;
#  a) a bad range that does not fit the 64-entry list makes ZONE_NVM refuse
#     the memory block that holds it (and only that one).
# The list stays until reboot, so this runs in a VM of its own (the kmem
# shape: selftests/vm/scenarios/kmem-badblocks.conf), and (a),
# which fills the list, runs last.
# Bad ranges come in through /sys/kernel/mm/nvm/badblocks: QEMU's NFIT has
# no ARS and no error injection, and 0017 feeds the region's badblocks to
# the same nvm_zone_badrange_add().
. /nvmtest/lib.sh
t_begin

NVM=/sys/kernel/mm/nvm
BS=$(block_size)

kpf() { dd if=/proc/kpageflags bs=8 skip=$1 count=1 2>/dev/null | od -An -tu8 | tr -d ' '; }
kpf_bit() { echo $(( ($(kpf $1) >> $2) & 1 )); }	# 19 HWPOISON, 23 OFFLINE
# onlined, and through the background scrub (which withholds bad pages)
bind_nvm() { echo nvm >/sys/bus/dax/devices/$1/kmem_zone && daxctl reconfigure-device -m system-ram --no-online "$1" && scrub_wait; }
to_devdax() { daxctl reconfigure-device -m devdax -f "$1"; }
nvm_unmanaged() { echo $(( $(zone_pages 1 NVM present) - $(zone_pages 1 NVM managed) )); }

kmem_namespaces

# --- b) late errors go through memory_failure() ----------------------------
t_run "bind $daxa to ZONE_NVM" bind_nvm "$daxa"
t_eq "$daxa online in ZONE_NVM" "$(dax_blocks $daxa state)/$(dax_blocks $daxa valid_zones)" "online/NVM"
set -- $(dax_range $daxa)
late=$(( ($1 + 1) * BS + 0x200000 ))		# inside the second block
lpfn=$((late / 4096))
hc0=$(meminfo_kb HardwareCorrupted)
t_eq "page $lpfn is neither HWPoison nor Offline" "$(kpf_bit $lpfn 19)$(kpf_bit $lpfn 23)" "00"
t_run "declare it bad while online" sh -c "printf '0x%x 0x1000\n' $late > $NVM/badblocks"
t_eq "  ... it went through memory_failure(): KPF_HWPOISON" "$(kpf_bit $lpfn 19)" 1
t_eq "  ... HardwareCorrupted grew by 4 kB" "$(meminfo_kb HardwareCorrupted)" "$((hc0 + 4))"
t_run "  ... dmesg: Memory failure" sh -c "dmesg | grep -q 'Memory failure: $(printf '%#x' $lpfn)'"
t_run "$daxa offlines and goes back to devdax with it" to_devdax "$daxa"
t_run "bind $daxa again" bind_nvm "$daxa"
t_eq "  ... the page is withheld now (KPF_OFFLINE), badblock_pages 1" \
	"$(kpf_bit $lpfn 23) $(cat $NVM/stats/badblock_pages)" "1 1"
t_run "back to devdax" to_devdax "$daxa"
# the withheld page was never managed: offlining must not leave it counted
t_eq "  ... ZONE_NVM neither present nor managed (the withheld page went too)" \
	"$(zone_pages 1 NVM present)/$(zone_pages 1 NVM managed)/$(meminfo_kb NVMTotal)" "0/0/0"

# --- c) no memmap on known-bad media ----------------------------------------
db=/sys/bus/dax/devices/$daxb
set -- $(dax_range $daxb)
nbb=$(($2 - $1 + 1))
mbad=$(( $1 * BS + 0x1000 ))			# in the memmap of daxb's first block
t_run "declare a page in the first 2 MiB of $daxb bad" \
	sh -c "printf '0x%x 0x1000\n' $mbad > $NVM/badblocks"
u0=$(nvm_unmanaged)
t_run "$daxb: memmap_on_memory=1, bind to ZONE_NVM" \
	sh -c "echo 1 > $db/memmap_on_memory && echo nvm > $db/kmem_zone && daxctl reconfigure-device -m system-ram --no-online $daxb"
t_run "  ... and scrubbed" scrub_wait
t_eq "$daxb online in ZONE_NVM" "$(dax_blocks $daxb state)/$(dax_blocks $daxb valid_zones)" "online/NVM"
# Upstream adds a range's blocks with altmaps all or none (since 6.8): the
# whole device keeps its memmap in DRAM.
t_eq "memory$1 meets the bad page: the memmap of all of $daxb is elsewhere" \
	"$(( $(nvm_unmanaged) - u0 ))" 1
t_run "  ... dmesg says so" sh -c "dmesg | grep -q 'meets known-bad memory: memmap of'"
t_eq "  ... and the bad page is withheld (KPF_OFFLINE)" "$(kpf_bit $((mbad / 4096)) 23)" 1
t_run "$daxb offlines and is removed (blocks with and without altmap)" to_devdax "$daxb"
t_eq "NVM zone empty again (present/managed)" \
	"$(zone_pages 1 NVM present)/$(zone_pages 1 NVM managed)" "0/0"
echo 0 >$db/memmap_on_memory

# --- a) a full list fails closed --------------------------------------------
set -- $(dax_range $daxa)
first=$1 last=$2
n=$(wc -l <$NVM/badblocks)
i=0
# 4 KiB ranges 8 KiB apart in daxa's first block (adjacent ones would merge)
while [ "$n" -lt 64 ] && [ $i -lt 200 ]; do
	printf '0x%x 0x1000\n' $((first * BS + 0x400000 + i * 0x2000)) >$NVM/badblocks 2>/dev/null
	i=$((i + 1)); n=$(wc -l <$NVM/badblocks)
done
t_eq "the list is full" "$n" 64
lost=$(( last * BS + 0x100000 ))			# in daxa's last block
t_run "one range more is refused with ENOSPC" \
	expect_err "No space left on device" $NVM/badblocks "$(printf '0x%x 0x1000' $lost)"
t_run "bind $daxa to ZONE_NVM" bind_nvm "$daxa"
t_eq "memory$last, which holds the range that did not fit, stays offline" \
	"$(block_state $last)" offline
t_eq "  ... the blocks before it are online" \
	"$(for b in $(seq $first $((last - 1))); do block_state $b; done | sort -u)" online
t_run "  ... dmesg says why" sh -c "dmesg | grep -q 'did not fit the list'"
t_run "online_nvm on memory$last is refused with EBUSY" \
	expect_err "Device or resource busy" $MEMDIR/memory$last/state online_nvm
late2=$(( first * BS + 0x2000000 ))		# online, and the list is full
t_run "a late range that does not fit: ENOSPC" \
	expect_err "No space left on device" $NVM/badblocks "$(printf '0x%x 0x1000' $late2)"
t_eq "  ... still goes through memory_failure()" "$(kpf_bit $((late2 / 4096)) 19)" 1
t_run "back to devdax" to_devdax "$daxa"
t_run "namespaces destroyed" ndctl destroy-namespace -f all -r "$region"
t_end
