# SPDX-License-Identifier: GPL-2.0
# daxctl and libdaxctl patched for ZONE_NVM (tools/ndctl/patches): --zone
# onlines a devdax namespace's memory into ZONE_NVM, ZONE_NORMAL or
# ZONE_MOVABLE, "daxctl list" says which ("zone"), daxctl follows the
# kernel's kmem policy (kmem_default_zone, kmem_zone) and does not call the
# memory that policy onlined a race, while a real race still fails.  Then
# ndctl's own test of this flow, test/daxctl-devices.sh of the pinned
# source, against this daxctl on the NFIT NVDIMM, with kmem_default_zone
# "auto" and "nvm".
. /nvmtest/lib.sh
t_begin

NVM=/sys/kernel/mm/nvm

t_run "daxctl is the patched one (online-memory knows --zone)" \
	sh -c 'daxctl online-memory -h 2>&1 | grep -q -- "--zone"'
t_run "daxctl --version says so ($(daxctl --version))" sh -c 'daxctl --version | grep -q nvmzone'

region=$(nfit_region)
t_run "NFIT region ($region) on node 1" test "$(cat /sys/bus/nd/devices/$region/target_node)" = 1
t_run "label space initialised" reset_labels "$region"
ns=$(ndctl create-namespace -r "$region" -m devdax -s 512M 2>&1)
dax=$(echo "$ns" | json_field chardev)
uuid=$(echo "$ns" | json_field uuid)
t_run "a 512 MiB devdax namespace ($dax)" test -c "/dev/$dax"
nblk=$(dax_range "$dax" | awk '{ print $2 - $1 + 1 }')
t_run "  ... with more than one memory block ($nblk)" test "$nblk" -gt 1

# back to devdax once the background scrub of what was onlined is done: a
# block offlined while the scrub frees the pages it zeroed into it can fail
# to isolate (EBUSY; a known bug, docs/design.md "Known limits")
devdax() { scrub_wait && daxctl reconfigure-device -m devdax -f "$dax"; }

# where the device's memory blocks are: "STATE/ZONES"
where() { echo "$(dax_blocks "$dax" state)/$(dax_blocks "$dax" valid_zones)"; }
# what "daxctl list" says: "movable zone", "-" for an absent key
listed() {
	local l m z
	l=$(daxctl list -d "$dax")
	m=$(echo "$l" | grep -o '"movable":[a-z]*' | cut -d: -f2)
	z=$(echo "$l" | json_field zone)
	echo "${m:--} ${z:--}"
}
# quiet CMD...: CMD exits 0 without the race warning
quiet() {
	local out rc
	out=$("$@" 2>&1)
	rc=$?
	printf '%s\n' "$out"
	[ "$rc" = 0 ] && ! printf '%s\n' "$out" | grep -q 'detected a race'
}
# warns WANT_RC CMD...: CMD prints the race warning and exits WANT_RC (0 or 1)
warns() {
	local want=$1 out rc
	shift
	out=$("$@" 2>&1)
	rc=$?
	printf '%s\n' "$out"
	[ "$rc" -ne 0 ] && rc=1
	[ "$rc" = "$want" ] && printf '%s\n' "$out" | grep -q 'detected a race'
}
# refused TEXT CMD...: CMD fails, says TEXT and leaves the blocks as they were
refused() {
	local text=$1 before out
	shift
	before=$(where)
	out=$("$@" 2>&1) && { printf '%s\n' "$out"; echo "it succeeded"; return 1; }
	printf '%s\n' "$out" | grep -q -- "$text" || { printf '%s\n' "$out"; return 1; }
	[ "$(where)" = "$before" ] || { echo "blocks went from $before to $(where)"; return 1; }
}

# --- --zone, with the kernel's default policy ("auto") -------------------
t_eq "kmem_default_zone is auto" "$(cat $NVM/kmem_default_zone)" auto
t_run "reconfigure-device -m system-ram --zone=nvm: no race warning" \
	quiet daxctl reconfigure-device -m system-ram --zone=nvm "$dax"
t_eq "  ... blocks online in ZONE_NVM" "$(where)" "online/NVM"
t_eq "  ... daxctl list: movable false, zone nvm" "$(listed)" "false nvm"
t_run "offline-memory" daxctl offline-memory "$dax"
t_eq "  ... no movable or zone key while offline" "$(where) $(listed)" "offline/Normal Movable NVM - -"
t_run "online-memory --zone=normal" quiet daxctl online-memory --zone=normal "$dax"
t_eq "  ... ZONE_NORMAL, listed as normal" "$(where) $(listed)" "online/Normal false normal"
t_run "offline-memory" daxctl offline-memory "$dax"
t_run "online-memory --no-movable" quiet daxctl online-memory --no-movable "$dax"
t_eq "  ... ZONE_NORMAL" "$(where) $(listed)" "online/Normal false normal"
t_run "offline-memory" daxctl offline-memory "$dax"
t_run "online-memory (no zone)" quiet daxctl online-memory "$dax"
t_eq "  ... ZONE_MOVABLE, as before" "$(where) $(listed)" "online/Movable true movable"
t_run "offline-memory" daxctl offline-memory "$dax"
t_run "online-memory --zone=NVM (any case)" quiet daxctl online-memory --zone=NVM "$dax"
t_eq "  ... ZONE_NVM" "$(where) $(listed)" "online/NVM false nvm"
t_run "--zone=bogus is refused" refused "invalid zone" daxctl online-memory --zone=bogus "$dax"
t_run "--no-movable --zone=nvm is refused" refused "conflicts" \
	daxctl online-memory --no-movable --zone=nvm "$dax"
t_run "--zone with -m devdax is refused" refused "incompatible" \
	daxctl reconfigure-device -m devdax --zone=nvm "$dax"
t_run "back to devdax" devdax
# the config file, as the udev rule's "reconfigure-device -C" reads it
mkdir -p /etc/daxctl.conf.d
printf '[reconfigure-device nvmtest]\nnvdimm.uuid = %s\nmode = system-ram\nzone = nvm\n' "$uuid" \
	>/etc/daxctl.conf.d/nvmtest.conf
t_run "reconfigure-device -C, 'zone = nvm' in the config" quiet daxctl reconfigure-device -C "$dax"
t_eq "  ... ZONE_NVM" "$(where)" "online/NVM"
t_run "-C with --zone is refused" refused "cannot be used with" \
	daxctl reconfigure-device -C --zone=normal "$dax"
rm -f /etc/daxctl.conf.d/nvmtest.conf
t_run "back to devdax" devdax

# --- the kernel's kmem policy ---------------------------------------------
t_run "kmem_default_zone=nvm" sh -c "echo nvm > $NVM/kmem_default_zone"
said=$(daxctl reconfigure-device -m system-ram "$dax" 2>&1)
rc=$?
printf '%s\n' "$said" | grep -q 'detected a race' && rc="$rc, race warning"
t_eq "reconfigure-device -m system-ram: exit 0, no race warning" "$rc" 0
t_run "  ... says the kernel's kmem policy onlined it" \
	sh -c 'printf "%s\n" "$1" | grep -qF "already online in zone nvm (kernel kmem policy)"' _ "$said"
t_eq "  ... ZONE_NVM, listed as nvm" "$(where) $(listed)" "online/NVM false nvm"
t_run "offline-memory" daxctl offline-memory "$dax"
t_run "online-memory (no zone) follows the policy" quiet daxctl online-memory "$dax"
t_eq "  ... ZONE_NVM" "$(where)" "online/NVM"
t_run "offline-memory" daxctl offline-memory "$dax"
t_run "online-memory --zone=movable overrides it" quiet daxctl online-memory --zone=movable "$dax"
t_eq "  ... ZONE_MOVABLE" "$(where) $(listed)" "online/Movable true movable"
t_run "back to devdax" devdax
t_run "reconfigure-device --zone=movable: kmem put it in ZONE_NVM, a race (exit 0)" \
	warns 0 daxctl reconfigure-device -m system-ram --zone=movable "$dax"
t_eq "  ... ZONE_NVM" "$(where)" "online/NVM"
t_run "back to devdax" devdax
t_run "the device's kmem_zone=movable beats kmem_default_zone=nvm" \
	sh -c "echo movable > /sys/bus/dax/devices/$dax/kmem_zone"
t_run "reconfigure-device -m system-ram: no race warning" \
	quiet daxctl reconfigure-device -m system-ram "$dax"
t_eq "  ... ZONE_MOVABLE" "$(where) $(listed)" "online/Movable true movable"
t_run "back to devdax" devdax
echo default >/sys/bus/dax/devices/$dax/kmem_zone
t_run "reconfigure-device -m system-ram --no-online: kmem onlines it" \
	quiet daxctl reconfigure-device -m system-ram --no-online "$dax"
t_eq "  ... ZONE_NVM" "$(where)" "online/NVM"
t_run "online-memory: already online by the policy, exit 0, no race warning" \
	quiet daxctl online-memory "$dax"
t_run "back to devdax" devdax
echo auto >$NVM/kmem_default_zone

# --- a real race still fails (libdaxctl checks the zone after onlining) --
t_run "reconfigure-device -m system-ram --no-online" \
	daxctl reconfigure-device -m system-ram --no-online "$dax"
first=$(dax_range "$dax" | cut -d' ' -f1)
t_run "memory$first onlined into ZONE_NVM by hand" sh -c "echo online_nvm > $MEMDIR/memory$first/state"
t_run "online-memory (ZONE_MOVABLE): race warning, exit non-zero" warns 1 daxctl online-memory "$dax"
t_eq "  ... all online, in two zones, listed as mixed" "$(where) $(listed)" "online/Movable NVM false mixed"
t_run "back to devdax" devdax

# --- nvmzone through libdaxctl ------------------------------------------
# nvmzone lists the devices as daxctl list does (libdaxctl's view), and
# onlines and offlines their memory through libdaxctl
# (daxctl_memory_online_with_zone, daxctl_memory_offline), then finishes
# or reports block by block what it left.
one() { jq -c 'if type == "array" then .[0] else . end'; }
t_eq "nvmzone devices -J: $dax as daxctl list has it (size, target_node, mode)" \
	"$(nvmzone devices -J | jq -c ".[] | select(.chardev == \"$dax\") | [.size, .target_node, .mode]")" \
	"$(daxctl list -d "$dax" | one | jq -c '[.size, .target_node, .mode]')"
t_run "nvmzone hotadd --no-online" nvmzone hotadd --no-online "$dax"
t_eq "  ... system-ram, blocks offline" "$(daxctl list -d "$dax" | one | jq -r .mode) $(where)" \
	"system-ram offline/Normal Movable NVM"
t_run "nvmzone hotadd --zone nvm onlines them (libdaxctl)" nvmzone hotadd --zone nvm "$dax"
t_eq "  ... ZONE_NVM, daxctl list agrees" "$(where) $(listed)" "online/NVM false nvm"
t_eq "nvmzone devices: system-ram in NVM" \
	"$(nvmzone devices -r -n -o CHARDEV,MODE,STATE,ZONES | grep "^$dax ")" "$dax system-ram online NVM"
t_run "nvmzone hotremove (libdaxctl offlines)" nvmzone hotremove "$dax"
t_eq "  ... devdax again" "$(daxctl list -d "$dax" | one | jq -r .mode)" devdax
t_run "nvmzone hotadd --no-online" nvmzone hotadd --no-online "$dax"
t_run "memory$first onlined into ZONE_MOVABLE by hand" \
	sh -c "echo online_movable > $MEMDIR/memory$first/state"
t_eq "nvmzone hotadd --zone nvm with one block in Movable: exit 64" \
	"$(nvmzone hotadd --zone nvm "$dax" >/tmp/chk 2>&1; echo $?)" 64
t_eq "  ... the others online in ZONE_NVM" "$(where)" "online/Movable NVM"
t_run "  ... and names the block in Movable, in one line" \
	sh -c "cat /tmp/chk; test \$(grep -c 'memory$first .*online in Movable, not NVM: offline it first' /tmp/chk) = 1"
t_run "nvmzone hotremove" nvmzone hotremove "$dax"
t_run "non-root nvmzone devices fails: $dax's resource is unreadable" \
	sh -c "! /bin/setpriv --reuid=65534 --regid=65534 --clear-groups nvmzone devices >/tmp/chk 2>&1 &&
	       grep -q '^nvmzone: $dax: cannot read resource: Permission denied\$' /tmp/chk"
t_run "namespace destroyed" ndctl destroy-namespace -f all -r "$region"
t_run "the background scrub finishes" scrub_wait

# --- ndctl's test/daxctl-devices.sh --------------------------------------
# test/common wants NDCTL, DAXCTL and CXL (cxl is unused here); the test
# takes the first namespace of the ACPI.NFIT bus, turns it into a 4 GiB
# devdax namespace and reconfigures it through daxctl, auto_online_blocks
# off (and on, for a refusal), then destroys it.
ndctl_test() {
	(cd /nvmtest/ndctl && NDCTL=/bin/ndctl DAXCTL=/bin/daxctl CXL=/bin/false \
		./daxctl-devices.sh)
}
policy0=$(cat $MEMDIR/auto_online_blocks)
for z in auto nvm; do
	echo "$z" >$NVM/kmem_default_zone
	on0=$(cat $NVM/stats/online_pages)
	t_run "ndctl test/daxctl-devices.sh passes, kmem_default_zone=$z" ndctl_test
	on=$(( $(cat $NVM/stats/online_pages) - on0 ))
	if [ "$z" = nvm ]; then
		t_run "  ... its memory went to ZONE_NVM ($on pages onlined there)" test "$on" -gt 0
	else
		t_eq "  ... its memory stayed out of ZONE_NVM" "$on" 0
	fi
	t_eq "  ... auto_online_blocks restored" "$(cat $MEMDIR/auto_online_blocks)" "$policy0"
	t_run "  ... the background scrub finishes" scrub_wait
done
echo auto >$NVM/kmem_default_zone
t_end
