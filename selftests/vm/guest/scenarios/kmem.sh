# SPDX-License-Identifier: GPL-2.0
# dax/kmem into ZONE_NVM: two devdax namespaces on the NFIT NVDIMM of node 1
# (no CPUs, no DRAM).  kmem_zone / kmem_default_zone choose the zone,
# daxctl does the rest unmodified; a placed process's data survives the
# hot-remove of the memory under it (into the other NVM device, then into
# DRAM), and removal is refused with EBUSY when it cannot succeed.
. /nvmtest/lib.sh
t_begin

NVM=/sys/kernel/mm/nvm
BS=$(block_size)

dax_zones()  { dax_blocks "$1" valid_zones; }
dax_states() { dax_blocks "$1" state; }
dax_phys() { local r; r=$(dax_range "$1"); set -- $r; printf '%x %x\n' $(($1 * BS)) $((($2 + 1) * BS)); }
stat_of() { cat $NVM/stats/$1; }

nvm_kb() { meminfo_kb NVMTotal; }

kmem_namespaces

# --- the interface ------------------------------------------------------
t_run "kmem_default_zone is 'auto' at boot, mode 600" \
	test "$(cat $NVM/kmem_default_zone) $(stat -c %a $NVM/kmem_default_zone)" = "auto 600"
t_run "offline_fallback is 'dram' at boot, mode 600" \
	test "$(cat $NVM/offline_fallback) $(stat -c %a $NVM/offline_fallback)" = "dram 600"
t_run "$daxa/kmem_zone is 'default', mode 644" \
	test "$(cat /sys/bus/dax/devices/$daxa/kmem_zone) $(stat -c %a /sys/bus/dax/devices/$daxa/kmem_zone)" = "default 644"
for f in online_pages offline_pages offline_migrated_nvm offline_migrated_dram offline_refused; do
	t_eq "stats/$f is 0444 and 0" "$(stat -c %a $NVM/stats/$f) $(cat $NVM/stats/$f)" "444 0"
done
for v in "" " " "nvmx" "NVM1" "default" "-1" "movable x" "$(head -c 5000 /dev/zero | tr '\0' a)"; do
	t_run "kmem_default_zone refuses '${v:0:12}' (EINVAL, unchanged)" \
		expect_err "Invalid argument" $NVM/kmem_default_zone "$v"
	t_run "$daxa/kmem_zone refuses '${v:0:12}' (EINVAL, unchanged)" \
		expect_err "Invalid argument" /sys/bus/dax/devices/$daxa/kmem_zone "${v#default}x"
done
for v in "" " " "drams" "nvm" "0" "none none" "dram\ndram"; do
	t_run "offline_fallback refuses '$v' (EINVAL, unchanged)" \
		expect_err "Invalid argument" $NVM/offline_fallback "$v"
done
t_eq "as_nobody runs commands as uid 65534" "$(as_nobody id -u)" 65534
for f in $NVM/kmem_default_zone $NVM/offline_fallback; do
	before=$(cat $f)
	t_run "non-root cannot read or write $(basename $f) (EACCES)" \
		sh -c "as_out=\$(/bin/setpriv --reuid=65534 --regid=65534 --clear-groups sh -c 'cat $f; echo nvm > $f' 2>&1); echo \"\$as_out\"; test \$(echo \"\$as_out\" | grep -c 'Permission denied') = 2"
	t_eq "  ... $(basename $f) unchanged" "$(cat $f)" "$before"
done
t_run "non-root cannot write $daxa/kmem_zone (EACCES)" \
	sh -c "/bin/setpriv --reuid=65534 --regid=65534 --clear-groups sh -c 'echo nvm > /sys/bus/dax/devices/$daxa/kmem_zone' 2>&1 | grep -q 'Permission denied'"
t_run "no node directory without NVM memory" test ! -e $NVM/nodes/node1
t_ksft /nvmtest/bin/nvm_prctl_test

# --- the memmap on the memory itself (memory_hotplug.memmap_on_memory=1) ----
# First, while neither device was ever memory: the DRAM a memmap takes is
# seen only on a range's first hot-add (freed memmap pages may sit on the
# per-cpu lists and serve the next one).  The 4 MiB memmap of 256 MiB must
# be saved; the rest (page tables, KASAN shadow on debug kernels) is not.
da=/sys/bus/dax/devices/$daxa db=/sys/bus/dax/devices/$daxb
t_eq "$daxa/memmap_on_memory is 0, mode 644" \
	"$(cat $da/memmap_on_memory) $(stat -c %a $da/memmap_on_memory)" "0 644"
# The attribute is upstream's (6.8), parsed by kstrtobool(), which reads
# only the first character: "1 1" is 1 and "0x1" is 0, so only these fail.
for v in "" "maybe" "2" "-1"; do
	t_run "memmap_on_memory refuses '$v' (EINVAL, unchanged)" \
		expect_err "Invalid argument" $da/memmap_on_memory "$v"
done
nb=$(echo $(dax_range $daxa) | awk '{print $2 - $1 + 1}')
sync; echo 3 >/proc/sys/vm/drop_caches
f0=$(meminfo_kb MemFree 0)
t_run "kmem_zone=nvm, memmap in DRAM: bind $daxa" \
	sh -c "echo nvm > $da/kmem_zone && daxctl reconfigure-device -m system-ram --no-online $daxa"
f1=$(meminfo_kb MemFree 0)
t_eq "$daxa is online in ZONE_NVM" "$(dax_states $daxa)/$(dax_zones $daxa)" "online/NVM"
# no demotion can allocate in ZONE_NVM: such a node is nobody's target
t_eq "node 1, all ZONE_NVM, is in no memory tier" "$(node_tier 1)" ""
t_run "node 0 is in a memory tier ($(node_tier 0))" test -n "$(node_tier 0)"
t_run "the background scrub of $daxa finishes" scrub_wait
t_eq "present - managed = 0 without memmap_on_memory" \
	"$(( $(zone_pages 1 NVM present) - $(zone_pages 1 NVM managed) ))" 0
t_run "back to devdax" daxctl reconfigure-device -m devdax -f "$daxa"
t_run "$daxb: memmap_on_memory=1 accepted" sh -c "echo 1 > $db/memmap_on_memory"
sync; echo 3 >/proc/sys/vm/drop_caches
f2=$(meminfo_kb MemFree 0)
t_run "kmem_zone=nvm, memmap on the memory: bind $daxb" \
	sh -c "echo nvm > $db/kmem_zone && daxctl reconfigure-device -m system-ram --no-online $daxb"
f3=$(meminfo_kb MemFree 0)
nbb=$(echo $(dax_range $daxb) | awk '{print $2 - $1 + 1}')
t_eq "$daxb is online in ZONE_NVM" "$(dax_states $daxb)/$(dax_zones $daxb)" "online/NVM"
t_run "the background scrub of $daxb finishes" scrub_wait
t_eq "present - managed = 512 memmap pages per block ($nbb blocks)" \
	"$(( $(zone_pages 1 NVM present) - $(zone_pages 1 NVM managed) ))" "$((nbb * 512))"
without=$((f0 - f1)); with=$((f2 - f3))
if grep -qw kasan_save_stack /proc/kallsyms; then
	# KASAN shadow allocations of the hot-added memory blur the figure
	t_run "KASAN kernel: DRAM for the memmap of $((nb * BS >> 20)) MiB: ${without} kB without, ${with} kB with" \
		test "$with" -lt "$without"
else
	t_run "DRAM for the memmap of $((nb * BS >> 20)) MiB: ${without} kB without, ${with} kB with" \
		test "$((without - with))" -ge 3072
fi
t_run "offline and remove $daxb with the memmap on the memory" \
	daxctl reconfigure-device -m devdax -f "$daxb"
t_eq "NVM zone empty again" "$(zone_pages 1 NVM present)" 0
echo 0 >$db/memmap_on_memory; echo default >$da/kmem_zone; echo default >$db/kmem_zone

# --- hot-add into ZONE_NVM with daxctl as it is used today -----------
mem0=$(meminfo_kb MemTotal)
nvm0=$(nvm_kb)
scrub0=$(stat_of scrubbed_pages)
on0=$(stat_of online_pages)
t_run "kmem_default_zone=nvm accepted" sh -c "echo nvm > $NVM/kmem_default_zone"
t_run "daxctl reconfigure-device --mode=system-ram --no-online $daxa" \
	daxctl reconfigure-device --mode=system-ram --no-online "$daxa"
t_eq "$daxa blocks are online in ZONE_NVM" "$(dax_states $daxa)/$(dax_zones $daxa)" "online/NVM"
t_run "daxctl reconfigure-device --mode=system-ram $daxb (no flags) exits 0" \
	daxctl reconfigure-device --mode=system-ram "$daxb"
t_eq "$daxb blocks are online in ZONE_NVM" "$(dax_states $daxb)/$(dax_zones $daxb)" "online/NVM"
nblk=$(( $(echo $(dax_range $daxa) | awk '{print $2 - $1 + 1}') + $(echo $(dax_range $daxb) | awk '{print $2 - $1 + 1}') ))
t_run "the background scrub finishes" scrub_wait
t_run "NVMTotal grew by the devices' blocks ($nblk x $((BS >> 10)) kB)" \
	test "$(( $(nvm_kb) - nvm0 ))" = "$((nblk * (BS >> 10)))"
t_eq "MemTotal unchanged ($mem0 kB)" "$(meminfo_kb MemTotal)" "$mem0"
t_run "zoneinfo: node 1 NVM present = $((nblk * BS / 4096)) pages" \
	test "$(zone_pages 1 NVM present)" = "$((nblk * BS / 4096))"
t_eq "node 1 has no DRAM zone" "$(zone_pages 1 Movable present)$(zone_pages 1 Normal present)" "00"
t_run "nodes/node1 appeared" test -d $NVM/nodes/node1
t_run "nodes/node1/present_pages matches zoneinfo" \
	test "$(cat $NVM/nodes/node1/present_pages)" = "$(zone_pages 1 NVM present)"
t_eq "stats/online_pages grew by $((nblk * BS / 4096))" "$(( $(stat_of online_pages) - on0 ))" "$((nblk * BS / 4096))"
t_eq "every page was scrubbed" "$(( $(stat_of scrubbed_pages) - scrub0 ))" "$((nblk * BS / 4096))"
t_run "lsmem reports the NVM blocks" sh -c "lsmem -o +ZONES | grep -q NVM"

# --- placement by the program: madvise(MADV_NVM, _STRICT, MADV_NONVM) --------
pfree0=$(zone_free_pcp 1 NVM)
t_ksft /nvmtest/bin/nvm_placement_test
t_ksft /nvmtest/bin/nvm_prctl_test
pfree1=$(zone_free_pcp 1 NVM)
t_run "placement tests gave ZONE_NVM back (free $pfree0 -> $pfree1 pages)" \
	test $((pfree0 - pfree1)) -lt 2048

# --- nvmzone run: a whole unmodified program placed -------------------------
t_eq "nvmzone run -- nvmzone run --show" "$(nvmzone run -- nvmzone run --show 2>&1)" preferred
t_eq "nvmzone run --show outside: off" "$(nvmzone run --show 2>&1)" off
t_eq "nvmzone run -- nvm_hold --no-place 16: its pages are in ZONE_NVM" \
	"$(echo quit | nvmzone run -- /nvmtest/bin/nvm_hold --no-place 16)" "ready 4096 4096"
t_eq "  ... and without nvmzone run they are not" \
	"$(echo quit | /nvmtest/bin/nvm_hold --no-place 16)" "ready 4096 0"
t_eq "nvmzone run -- /no/such: exit 127" "$(nvmzone run -- /no/such >/dev/null 2>&1; echo $?)" 127
t_eq "nvmzone run -- /proc: exit 126" "$(nvmzone run -- /proc >/dev/null 2>&1; echo $?)" 126
t_eq "nvmzone run --strict -- nvmzone run --show" "$(nvmzone run --strict -- nvmzone run --show 2>&1)" strict
t_eq "nvmzone run --strict: NvmPlacement in /proc/PID/status" \
	"$(nvmzone run --strict -- grep NvmPlacement /proc/self/status)" "$(printf 'NvmPlacement:\tstrict')"
t_eq "NvmPlacement of an ordinary process: off" \
	"$(grep NvmPlacement /proc/self/status)" "$(printf 'NvmPlacement:\toff')"
t_eq "nvmzone run --strict -- sh -c 'sh -c nvm_hold': a grandchild's pages are in ZONE_NVM" \
	"$(echo quit | nvmzone run --strict -- sh -c 'sh -c "/nvmtest/bin/nvm_hold --no-place 16"')" "ready 4096 4096"
t_eq "nvmzone run -- sh -c nvm_hold: a child's pages are in ZONE_NVM" \
	"$(echo quit | nvmzone run -- sh -c '/nvmtest/bin/nvm_hold --no-place 16')" "ready 4096 4096"
t_eq "non-root nvmzone run: exit 1" "$(as_nobody nvmzone run -- true >/tmp/chk 2>&1; echo $?)" 1
t_run "  ... Operation not permitted (needs CAP_SYS_ADMIN)" grep -q "Operation not permitted" /tmp/chk
t_eq "non-root nvmzone run --strict: exit 1" "$(as_nobody nvmzone run --strict -- true >/tmp/chk 2>&1; echo $?)" 1
t_run "  ... Operation not permitted" grep -q "Operation not permitted" /tmp/chk
PU=/proc/sys/vm/nvm_placement_unprivileged
t_eq "vm.nvm_placement_unprivileged is 0 by default" "$(cat $PU)" 0
t_run "vm.nvm_placement_unprivileged=1 accepted" sh -c "echo 1 > $PU"
t_eq "  ... then non-root nvmzone run --strict places" \
	"$(as_nobody nvmzone run --strict -- nvmzone run --show 2>&1)" strict
t_run "vm.nvm_placement_unprivileged back to 0" sh -c "echo 0 > $PU"
for v in 2 -1 x 99999999999; do
	t_run "vm.nvm_placement_unprivileged=$v refused (EINVAL)" expect_err "Invalid argument" $PU "$v"
done
t_eq "  ... unchanged" "$(cat $PU)" 0
t_run "non-root cannot write vm.nvm_placement_unprivileged" \
	sh -c "/bin/setpriv --reuid=65534 --regid=65534 --clear-groups sh -c 'echo 1 > $PU' 2>&1 | grep -q 'Permission denied'"

# --- ZONE_DEVICE beside ZONE_NVM: fsdax and devdax on the second NVDIMM -----
region2=$(region_on_node 0)
t_run "second NVDIMM region on node 0 ($region2)" test -n "$region2"
t_run "second NVDIMM: label space initialised" reset_labels "$region2"
nvmp=$(zone_pages 1 NVM present)
ddax=$(ndctl create-namespace -r "$region2" -m devdax -s 256M 2>&1 | json_field chardev)
t_run "devdax namespace on it gives /dev/$ddax" test -c "/dev/$ddax"
NVMTEST_DAX=/dev/$ddax t_ksft /nvmtest/bin/dax_mmap_test
pmem=$(ndctl create-namespace -r "$region2" -m fsdax -s 256M 2>&1 | json_field blockdev)
t_run "fsdax namespace on it gives /dev/$pmem" test -b "/dev/$pmem"
t_run "fsdax pmem holds data" pattern_rw "/dev/$pmem" 8
t_run "ext2 on fsdax mounts with -o dax and keeps a file" fsdax_mount "/dev/$pmem"
t_eq "ZONE_NVM unchanged beside them" "$(zone_pages 1 NVM present) $(dax_zones $daxa)" "$nvmp NVM"
t_run "second NVDIMM's namespaces destroyed" ndctl destroy-namespace -f all -r "$region2"

# --- a placed process; hot-remove under it ------------------------------
hold_start 64
t_eq "placed process: all $pages pages in ZONE_NVM ($innvm)" "$ready $innvm" "ready $pages"

t_run "offline_fallback=none accepted" sh -c "echo none > $NVM/offline_fallback"
mig0=$(stat_of offline_migrated_nvm)
t_run "daxctl offline-memory $daxa: pages move to $daxb" daxctl offline-memory "$daxa"
res=$(hold_check "$(dax_phys $daxa)")
t_eq "data intact, all in ZONE_NVM, none in $daxa ($res)" "$res" "ok $pages 0"
t_run "stats/offline_migrated_nvm grew" test "$(stat_of offline_migrated_nvm)" -gt "$mig0"

ref0=$(stat_of offline_refused)
t_run "offlining $daxb with no room and offline_fallback=none fails with EBUSY" \
	sh -c "! daxctl offline-memory $daxb"
first=$(dax_range $daxb | cut -d' ' -f1)
busy=""
for i in $(seq $(dax_range $daxb)); do
	out=$( (echo offline > $MEMDIR/memory$i/state) 2>&1) && continue
	echo "$out" | grep -q "Device or resource busy" && busy=1
done
t_run "a block's state write says EBUSY" test -n "$busy"
t_run "stats/offline_refused grew" test "$(stat_of offline_refused)" -gt "$ref0"
t_run "dmesg says why" sh -c "dmesg | grep -q 'pages in use, .* free in ZONE_NVM elsewhere, offline_fallback=none'"
res=$(hold_check "$(dax_phys $daxb)")
t_run "data intact after the refusal ($res)" sh -c "test '${res%% *}' = ok"

t_run "offline_fallback=dram accepted" sh -c "echo dram > $NVM/offline_fallback"
t_run "daxctl offline-memory $daxb: pages move to DRAM" daxctl offline-memory "$daxb"
res=$(hold_check "$(dax_phys $daxb)")
t_eq "data intact, none in ZONE_NVM ($res)" "$res" "ok 0 0"
t_run "stats/offline_migrated_dram >= $pages" test "$(stat_of offline_migrated_dram)" -ge "$pages"
hold_stop

t_run "daxctl reconfigure-device --mode=devdax $daxa" daxctl reconfigure-device --mode=devdax "$daxa"
t_run "daxctl reconfigure-device --mode=devdax $daxb" daxctl reconfigure-device --mode=devdax "$daxb"
t_eq "NVMTotal back to $nvm0 kB" "$(nvm_kb)" "$nvm0"
t_run "nodes/node1 went away" test ! -e $NVM/nodes/node1
t_eq "stats/offline_pages = online_pages" "$(stat_of offline_pages)" "$(stat_of online_pages)"

# --- the other choices, per device ---------------------------------------
dev=/sys/bus/dax/devices/$daxa
blk=$(dax_range $daxa | cut -d' ' -f1)
# kmem_as CHOICE: bind kmem with that choice (daxctl does not online)
# bind, and let the background scrub (which withholds bad pages) finish
kmem_as() { echo "$1" >$dev/kmem_zone && daxctl reconfigure-device -m system-ram --no-online "$daxa" && scrub_wait; }
to_devdax() { daxctl reconfigure-device -m devdax -f "$daxa"; }
t_run "kmem_zone=movable: bind $daxa" kmem_as movable
t_eq "$daxa is online in ZONE_MOVABLE" "$(dax_states $daxa)/$(dax_zones $daxa)" "online/Movable"
t_run "node 1 with Movable memory is in a memory tier ($(node_tier 1))" test -n "$(node_tier 1)"
t_run "back to devdax" to_devdax
t_run "kmem_zone=offline: bind $daxa" kmem_as offline
t_eq "$daxa stays offline" "$(dax_states $daxa)" "offline"
t_run "an offline pmem block lists NVM in valid_zones ($(cat $MEMDIR/memory$blk/valid_zones))" \
	grep -qw NVM $MEMDIR/memory$blk/valid_zones
t_run "echo online_nvm > memory$blk/state" sh -c "echo online_nvm > $MEMDIR/memory$blk/state"
t_run "memory$blk is in ZONE_NVM" test "$(cat $MEMDIR/memory$blk/valid_zones)" = NVM
t_run "echo offline > memory$blk/state" sh -c "echo offline > $MEMDIR/memory$blk/state"
t_run "back to devdax" to_devdax
t_run "kmem_zone=auto: bind $daxa, daxctl onlines it" \
	sh -c "echo auto > $dev/kmem_zone && daxctl reconfigure-device -m system-ram $daxa"
t_eq "$daxa is in ZONE_MOVABLE, as on a stock kernel" "$(dax_zones $daxa)" "Movable"
t_run "back to devdax" to_devdax

# --- lsmem/chmem and nvmzone with the same kernel ---------------------------
t_run "kmem_zone=offline again: bind $daxa" kmem_as offline
r=$(dax_range $daxa); set -- $r
range=$(printf '0x%x-0x%x' $(($1 * BS)) $((($2 + 1) * BS - 1)))
t_run "chmem -e -z NVM $range" chmem -e -z NVM "$range"
t_eq "lsmem -o +ZONES shows the range in NVM" \
	"$(lsmem -r -n -o RANGE,STATE,ZONES | grep "^$(printf '0x%016x-0x%016x' $(($1 * BS)) $((($2 + 1) * BS - 1))) " | cut -d' ' -f2-)" \
	"online NVM"
t_run "chmem -d $range" chmem -d "$range"
t_eq "nvmzone online --blocks $1-$2 --zone nvm" \
	"$(nvmzone online --blocks "$1-$2" --zone nvm >/dev/null 2>&1; echo $?)/$(dax_zones $daxa)" "0/NVM"
t_eq "nvmzone devices: $daxa is system-ram in NVM" \
	"$(nvmzone devices -r -n -o DEVICE,MODE,ZONES | grep "^$daxa ")" "$daxa system-ram NVM"
t_eq "nvmzone offline --blocks $1-$2" \
	"$(nvmzone offline --blocks "$1-$2" >/dev/null 2>&1; echo $?)/$(dax_states $daxa)" "0/offline"
t_eq "nvmzone offline again: nothing to do, exit 0" \
	"$(nvmzone offline --blocks "$1-$2" >/dev/null 2>&1; echo $?)" 0
t_eq "nvmzone online --zone bogus: exit 1, nothing changed" \
	"$(nvmzone online --blocks "$1-$2" --zone bogus >/dev/null 2>&1; echo $?)/$(dax_states $daxa)" "1/offline"
t_eq "nvmzone online $range --zone nvm (a byte range)" \
	"$(nvmzone online "$range" --zone nvm >/dev/null 2>&1; echo $?)/$(dax_zones $daxa)" "0/NVM"
t_eq "nvmzone hotremove --check $daxa: removable (exit 0)" \
	"$(nvmzone hotremove --check "$daxa" >/tmp/chk 2>&1; echo $?)" 0
t_run "nvmzone hotremove $daxa" nvmzone hotremove "$daxa"
t_eq "$daxa is devdax again" "$(daxctl list -d "$daxa" | json_field mode)" devdax
echo default > $dev/kmem_zone
scrub0=$(stat_of scrubbed_pages)
npages=$(( $(echo $(dax_range $daxa) | awk '{print $2 - $1 + 1}') * BS / 4096 ))
hmib=$((npages / 2 / 256))
t_run "nvmzone hotadd $daxa --zone nvm" nvmzone hotadd "$daxa" --zone nvm
# the command returns before the background scrub is done; a strict
# program may use the memory at once: its faults scrub what they need
left=$(stat_of unscrubbed_pages)
t_eq "strict, at once: $hmib MiB placed, all in ZONE_NVM ($left of $npages pages still waited for the scrub)" \
	"$(echo quit | nvmzone run --strict -- /nvmtest/bin/nvm_hold --no-place $hmib 2>&1)" "ready $((hmib * 256)) $((hmib * 256))"
t_eq "$daxa is online in ZONE_NVM" "$(dax_states $daxa)/$(dax_zones $daxa)" "online/NVM"
t_run "the background scrub finishes" scrub_wait
t_eq "every page of $daxa was scrubbed once" "$(( $(stat_of scrubbed_pages) - scrub0 ))" "$npages"
t_eq "stats/unscrubbed_pages is 0" "$(stat_of unscrubbed_pages)" 0
# the scrub threads start once, one per CPU (at most 16), however many
# ranges the hot-adds queued: none is started again, no online scrubs inline
ncpu=$(grep -c '^processor' /proc/cpuinfo)
[ "$ncpu" -le 16 ] || ncpu=16
t_eq "one scrub thread per CPU after every hot-add so far (nvm_scrub/N)" \
	"$(cat /proc/[0-9]*/comm 2>/dev/null | grep -c '^nvm_scrub/')" "$ncpu"
# a placed process fills the device: with offline_fallback=none and no
# other ZONE_NVM memory, removal cannot succeed and --check says so
hold_start 200
echo none > $NVM/offline_fallback
t_eq "nvmzone hotremove --check: cannot be removed (exit 1)" \
	"$(nvmzone hotremove --check "$daxa" >/tmp/chk 2>&1; echo $?)" 1
t_run "  ... and says why" grep -q "cannot be removed" /tmp/chk
t_eq "nvmzone hotremove $daxa fails (exit 1)" \
	"$(nvmzone hotremove "$daxa" >/tmp/chk 2>&1; echo $?)" 1
t_run "  ... naming the state file and EBUSY" grep -q "state.*Device or resource busy" /tmp/chk
echo dram > $NVM/offline_fallback
res=$(hold_check "$(dax_phys $daxa)")
t_run "placed data intact ($res)" test "${res%% *}" = ok
t_run "nvmzone hotremove $daxa with offline_fallback=dram" nvmzone hotremove "$daxa"
res=$(hold_check "$(dax_phys $daxa)")
t_eq "placed data intact, now in DRAM" "$res" "ok 0 0"
hold_stop
nvmzone watch -b -n 0.2 3 >/tmp/watch 2>&1
t_eq "nvmzone watch 0.2 3: three lines" "$(wc -l </tmp/watch)" 3
t_eq "  ... the first shows NVM total = NVMTotal" \
	"$(awk 'NR == 1 { print $2 }' /tmp/watch)" "$(( $(nvm_kb) * 1024 ))"
t_eq "nvmzone hotadd dax9.9: exit 1" "$(nvmzone hotadd dax9.9 >/dev/null 2>&1; echo $?)" 1
t_eq "nvmzone hotadd --zone bogus: exit 1" "$(nvmzone hotadd "$daxa" --zone bogus >/dev/null 2>&1; echo $?)" 1
t_eq "non-root nvmzone hotadd: exit 1" \
	"$(as_nobody nvmzone hotadd "$daxa" >/tmp/chk 2>&1; echo $?)" 1
t_run "  ... Permission denied, nothing changed" \
	sh -c "cat /tmp/chk; grep -Eq 'Permission denied|Operation not permitted' /tmp/chk && test \"\$(daxctl list -d $daxa | grep -o '\"mode\":\"[a-z-]*\"')\" = '\"mode\":\"devdax\"'"

# --- known-bad persistent memory is never handed out ------------------------
kpf_offline() { echo $(( ($(dd if=/proc/kpageflags bs=8 skip=$1 count=1 2>/dev/null | od -An -tu8 | tr -d ' ') >> 23) & 1 )); }
t_eq "badblocks is empty, mode 600" "$(wc -l <$NVM/badblocks) $(stat -c %a $NVM/badblocks)" "0 600"
set -- $(dax_range $daxa)
bad=$(printf '0x%x' $(($1 * BS + 0x100000)))
for v in "" "$bad" "$bad 0" "$bad -1" "$bad 0x1000 7" "0x1000 0x1000" \
	 "$bad 0xffffffffffffffff" "zz 0x1000" "$bad 0x1000x"; do
	t_run "badblocks refuses '$v' (EINVAL, unchanged)" expect_err "Invalid argument" $NVM/badblocks "$v"
done
t_run "declare 3 pages at $bad bad" sh -c "echo '$bad 0x3000' > $NVM/badblocks"
t_eq "badblocks lists the range" "$(cat $NVM/badblocks)" "$bad 0x3000"
t_run "an overlapping range" sh -c "echo '$(printf '0x%x' $((bad + 0x1000))) 0x1000' > $NVM/badblocks"
t_eq "  ... merges into it" "$(cat $NVM/badblocks)" "$bad 0x3000"
t_eq "non-root cannot read badblocks" \
	"$(as_nobody cat $NVM/badblocks 2>&1 | grep -c 'Permission denied')" 1
t_run "kmem_zone=nvm: bind $daxa" kmem_as nvm
t_eq "stats/badblock_pages = 3" "$(stat_of badblock_pages)" 3
t_eq "NVM present - managed = 3" "$(( $(zone_pages 1 NVM present) - $(zone_pages 1 NVM managed) ))" 3
pfn=$((bad / 4096))
t_eq "the 3 pages are PageOffline (kpageflags), the next is not" \
	"$(kpf_offline $pfn)$(kpf_offline $((pfn + 1)))$(kpf_offline $((pfn + 2)))$(kpf_offline $((pfn + 3)))" "1110"
t_run "dmesg reports them" sh -c "dmesg | grep -q 'is known bad: withheld'"
hold_start 250
t_run "a placed process fills ZONE_NVM ($innvm of $pages pages there)" test "$innvm" -gt 60000
res=$(hold_check "$(printf '%x %x' $bad $((bad + 0x3000)))")
t_eq "none of its pages is a bad page" "${res%% *} ${res##* }" "ok 0"
hold_stop
t_run "offline and remove $daxa with withheld pages" to_devdax
t_eq "stats/badblock_pages back to 0" "$(stat_of badblock_pages)" 0
t_eq "NVMTotal back to $nvm0 kB" "$(nvm_kb)" "$nvm0"

# --- add/remove cycles leave the counters where they were -----------------
echo default > $dev/kmem_zone
free0=$(zone_pages 1 NVM present)
nvmfree0=$(awk '/^Node 1, zone +NVM/ {z=1} z && /pages free/ {print $3; exit}' /proc/zoneinfo)
nvmf0=$(meminfo_kb NVMFree)
blocks0=$(block_count)
for c in 1 2 3; do
	daxctl reconfigure-device -m system-ram --no-online "$daxa" >/dev/null 2>&1 &&
	test "$(dax_zones $daxa)" = NVM &&
	daxctl reconfigure-device -m devdax -f "$daxa" >/dev/null 2>&1 || break
done
t_run "3 add/remove cycles done ($c)" test "$c" = 3
t_eq "NVM present and free pages, NVMTotal, NVMFree, MemTotal, block count as before" \
	"$(zone_pages 1 NVM present) $(awk '/^Node 1, zone +NVM/ {z=1} z && /pages free/ {print $3; exit}' /proc/zoneinfo) $(nvm_kb) $(meminfo_kb NVMFree) $(meminfo_kb MemTotal) $(block_count)" \
	"$free0 $nvmfree0 $nvm0 $nvmf0 $mem0 $blocks0"

# --- DRAM refuses online_nvm ----------------------------------------------
block_ids >/tmp/blocks.before
t_run "hot-add a 512 MiB pc-dimm on node 0" hostctl hotadd kd0 512M 0
wait_for 10 "test \$(block_count) -gt $blocks0"
dimm=$(block_ids | grep -vxF -f /tmp/blocks.before | head -n 1)
t_run "pc-dimm block memory$dimm does not list NVM ($(block_zones $dimm))" \
	sh -c "! grep -qw NVM $MEMDIR/memory$dimm/valid_zones"
t_run "pc-dimm block refuses online_nvm with EINVAL" \
	expect_err "Invalid argument" $MEMDIR/memory$dimm/state online_nvm
t_eq "pc-dimm block still offline" "$(block_state $dimm)" offline
t_eq "nvmzone online --blocks $dimm --zone nvm: exit 1" \
	"$(nvmzone online --blocks "$dimm" --zone nvm >/tmp/chk 2>&1; echo $?)" 1
t_eq "pc-dimm block still offline" "$(block_state $dimm)" offline
t_run "hot-remove the pc-dimm" hostctl hotremove kd0
# Last, as it may not come back: ZONE_NORMAL memory can hold kernel
# allocations that cannot move.  Stock behaviour; a KASAN kernel puts the
# shadow of the hot-added memory there, so it never comes back there.
db=/sys/bus/dax/devices/$daxb
t_run "kmem_zone=normal: bind $daxb" \
	sh -c "echo normal > $db/kmem_zone && daxctl reconfigure-device -m system-ram --no-online $daxb"
t_eq "$daxb is online in ZONE_NORMAL" "$(dax_states $daxb)/$(dax_zones $daxb)" "online/Normal"
if grep -qw kasan_save_stack /proc/kallsyms; then
	out=$(daxctl reconfigure-device -m devdax -f "$daxb" 2>&1)
	t_run "KASAN kernel: $daxb back to devdax, or refused with EBUSY" \
		sh -c "test '$(daxctl list -d $daxb | json_field mode)' = devdax || echo '$out' | grep -q 'Device or resource busy'"
else
	t_run "$daxb back to devdax" daxctl reconfigure-device -m devdax -f "$daxb"
fi
[ "$(daxctl list -d $daxb | json_field mode)" = devdax ] &&
	t_run "namespaces destroyed" ndctl destroy-namespace -f all -r "$region"
t_end
