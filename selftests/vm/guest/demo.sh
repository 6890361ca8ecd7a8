#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The demo shape of "make run" (selftests/vm/scenarios/demo.conf), run by
# summary.sh at its end: give node 1's NVDIMM to ZONE_NVM as an
# administrator would (a devdax namespace, then "nvmzone hotadd --zone
# nvm"), wait until its memory has joined the zone, then say what the
# machine shows and what to try.  Every step is bounded in time, and a
# failure is reported, never fatal: the summary and the shell still come.
# Run again, it reuses the device it finds.  Exit status 0 when the
# NVDIMM's memory is online in ZONE_NVM.
. /nvmtest/lib.sh

say() { echo "  $*"; }
# show CMD...: the command as typed, then its output, indented; its status
show() {
	echo "  # $*"
	timeout 120 "$@" >/tmp/demo.out 2>&1
	set -- $?
	sed 's/^/    /' /tmp/demo.out
	return "$1"
}
mib() { echo "$(($1 / 1024))M"; }

echo "== make run's demo: node 1's NVDIMM hot-added into ZONE_NVM"
# the boot's ZONE_NVM joins the zone as the background scrub zeroes it
scrub_wait 120 || say "(the boot's ZONE_NVM is still being scrubbed)"
boot_kb=$(meminfo_kb NVMTotal)
rc=1 dax=
region=$(region_on_node 1)
if [ -z "$region" ]; then
	say "no NVDIMM region on node 1: nothing to hot-add"
else
	dax=$(ndctl list -r "$region" -N 2>/dev/null | json_field chardev)
fi
if [ -n "$region" ] && [ -z "$dax" ]; then
	# a fresh NVDIMM: initialise its labels, make one devdax namespace
	reset_labels "$region" >/tmp/demo.out 2>&1 || sed 's/^/    /' /tmp/demo.out
	echo "  # ndctl create-namespace -r $region -m devdax"
	timeout 120 ndctl create-namespace -r "$region" -m devdax >/tmp/demo.out 2>&1
	dax=$(json_field chardev </tmp/demo.out)
	if [ -n "$dax" ]; then
		say "  $dax: a devdax namespace of $(($(cat /sys/bus/dax/devices/$dax/size) >> 20)) MiB"
	else
		sed 's/^/    /' /tmp/demo.out
		say "no devdax namespace: nothing to hot-add"
	fi
fi
if [ -n "$dax" ]; then
	if [ "$(daxctl list -d "$dax" 2>/dev/null | json_field mode)" = system-ram ]; then
		say "$dax is system-ram already"
	else
		show nvmzone hotadd "$dax" --zone nvm || say "nvmzone hotadd: exit $?"
	fi
	scrub_wait 120 || say "(ZONE_NVM still grows: the background scrub zeroes $dax)"
	[ "$(dax_blocks "$dax" valid_zones)" = NVM ] && rc=0
fi

nvm_kb=$(meminfo_kb NVMTotal)
echo "== what this is"
say "ZONE_NVM (NVMTotal) is $(mib "$nvm_kb"): $(mib "$boot_kb") of e820 pmem taken at boot (nvm_zone=on)"
say "and $(mib $((nvm_kb - boot_kb))) of the NVDIMM ${dax:-(none)}, hot-added.  Only requests that ask for"
say "ZONE_NVM get its pages, and MemTotal leaves it out.  MirrorTotal is $(mib "$(meminfo_kb MirrorTotal)"):"
say "DRAM marked mirrored (mirrormem=), kept for the allocations that ask for it."
say "Try: nvmzone status, nvmzone blocks, nvmzone run --strict -- CMD,"
say "nvmzone hotremove ${dax:-daxX.Y}, nvmzone mirror; nvmzone help COMMAND tells more."
exit "$rc"
