# SPDX-License-Identifier: GPL-2.0
# Hot-plug soak (issue 10): until nvmtest.duration= seconds have passed
# (and for at least six cycles: each kind with and without injection),
# cycle memory through hot-add, online (ZONE_NVM through dax/kmem, Movable
# through dax/kmem, Movable through a QMP pc-dimm), load, offline and
# remove, while checksummed data lives in DRAM for the whole run and in the
# new memory for each cycle (nvm_hold: placed for ZONE_NVM, bound to node 1
# for Movable).  Every other cycle injects a failure into offlining (the
# memory notifier error injector, MEM_GOING_OFFLINE = -EBUSY): the offline
# must fail cleanly, leave the memory online and the data intact.  The
# other cycles inject a fault of their own: ZONE_NVM is hot-removed while
# its pages have nowhere to go (offline_fallback=none: EBUSY at once), and
# Movable memory is offlined while 64 of its pages are pinned (vmsplice()
# references: offlining retries until SIGKILL ends it, the memory stays
# online).  Every refusal is checked with the data.  At the end: 0 checksum mismatches, every cycle complete, node 0's free memory
# back where it started.
# bash for the arithmetic and the fd juggling
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. /nvmtest/lib.sh
t_begin

dur=$(sed -n 's/.*nvmtest.duration=\([0-9]*\).*/\1/p' /proc/cmdline)
dur=${dur:-40}
# at least this many cycles, however slow the kernel: 3 run each kind
# (nvm, movable, dimm) and each fault (busy, injected, pinned) once
mincyc=$(sed -n 's/.*nvmtest.min_cycles=\([0-9]*\).*/\1/p' /proc/cmdline)
mincyc=${mincyc:-6}
[ "$mincyc" -ge 3 ] || mincyc=3
BS=$(block_size)
INJ=/sys/kernel/debug/notifier-error-inject/memory/actions/MEM_GOING_OFFLINE/error

region=$(region_on_node 1)
t_run "NVDIMM region on node 1 ($region)" test -n "$region"
t_run "label space initialised" reset_labels "$region"
dax=$(ndctl create-namespace -r "$region" -m devdax 2>&1 | json_field chardev)
t_run "a 1 GiB devdax namespace ($dax)" test -n "$dax"
DAXD=/sys/bus/dax/devices/$dax
t_run "memory notifier error injection loaded" \
	sh -c "modprobe memory-notifier-error-inject && test -w $INJ"

# hold_start FD_IN FD_OUT NAME ARGS...: nvm_hold on two fifos; "ready" answer
hold_start() {
	local in=$1 out=$2 name=$3
	shift 3
	rm -f /tmp/$name.in /tmp/$name.out
	mkfifo /tmp/$name.in /tmp/$name.out
	/nvmtest/bin/nvm_hold "$@" </tmp/$name.in >/tmp/$name.out &
	eval "exec $in>/tmp/$name.in $out</tmp/$name.out"
	read -r -t 300 -u "$out" HREADY HPAGES HNVM
}
# hold_check FD_IN FD_OUT: "ok ..." or "bad N"
hold_check() {
	echo "check 0 0" >&"$1"
	read -r -t 300 -u "$2" HRES HREST
	echo "$HRES $HREST"
}
hold_stop() { echo quit >&"$1"; wait "$3" 2>/dev/null; eval "exec $1>&- $2<&-"; }

dax_blocks() {
	local start size
	start=$(($(cat $DAXD/resource)))
	size=$(cat $DAXD/size)
	seq $(((start + BS - 1) / BS)) $(((start + size) / BS - 1))
}
# whatever went offline before a refusal comes back online in its zone
reonline() {
	local b online=online_movable
	[ $kind != nvm ] || online=online_nvm
	for b in $blocks; do
		[ "$(cat $MEMDIR/memory$b/state)" = online ] || echo $online >$MEMDIR/memory$b/state ||
			fail "memory$b back $online"
	done
}
all_state() { local b; for b in $1; do cat $MEMDIR/memory$b/state; done | sort -u | tr '\n' ' '; }

# the DRAM holder lives through the whole soak
hold_start 7 8 dram --no-place 64
dram_pid=$!
t_eq "DRAM holder ready" "$HREADY" ready
dram_pages=$HPAGES
sync; echo 3 >/proc/sys/vm/drop_caches
free0=$(meminfo_kb MemFree 0)

cycles=0 fails=0 injected=0 refused=0 bytes=0 dimm=0
busy=0 busy_refused=0 pinned=0 pin_refused=0
fail() { fails=$((fails + 1)); echo "# cycle $cycles ($kind): $*"; }
t0=$(date +%s)
# cycle 1 nvm + busy hot-remove, 2 movable + injected error, 3 dimm +
# pinned pages, 4 nvm + injected, 5 movable + pinned, 6 dimm + injected...
while [ $(($(date +%s) - t0)) -lt "$dur" ] || [ "$cycles" -lt "$mincyc" ]; do
	cycles=$((cycles + 1))
	case $((cycles % 3)) in
	1) kind=nvm ;;
	2) kind=movable ;;
	0) kind=dimm ;;
	esac
	# --- hot-add and online ---
	case $kind in
	nvm)
		nvmzone hotadd "$dax" --zone nvm >/dev/null || { fail "hotadd"; continue; }
		blocks=$(dax_blocks)
		hold="96"
		;;
	movable)
		echo movable >$DAXD/kmem_zone
		daxctl reconfigure-device --mode=system-ram "$dax" >/dev/null 2>&1 ||
			{ fail "reconfigure system-ram"; continue; }
		blocks=$(dax_blocks)
		hold="--no-place --node 1 96"
		;;
	dimm)
		dimm=$((dimm + 1))
		before=$(block_ids)
		hostctl hotadd "soak$dimm" 256M 1 || { fail "pc-dimm hotadd"; continue; }
		wait_for 60 'test "$(block_ids | grep -cvxF "$before")" = $((256 * 1048576 / BS))' ||
			{ fail "pc-dimm blocks"; continue; }
		blocks=$(block_ids | grep -vxF "$before" | tr '\n' ' ')
		for b in $blocks; do
			echo online_movable >$MEMDIR/memory$b/state || fail "online_movable memory$b"
		done
		hold="--no-place --node 1 96"
		;;
	esac
	[ "$(all_state "$blocks")" = "online " ] || fail "not all online: $(all_state "$blocks")"
	# --- load ---
	hold_start 5 6 new $hold
	new_pid=$!
	[ "$HREADY" = ready ] || fail "holder: $HREADY $HPAGES"
	[ $kind != nvm ] || [ "$HNVM" = "$HPAGES" ] || fail "placed $HNVM of $HPAGES pages in ZONE_NVM"
	# --- an offline that the injector makes fail ---
	if [ $((cycles % 2)) = 0 ]; then
		injected=$((injected + 1))
		echo -16 >$INJ
		if [ $kind = dimm ]; then
			out=$(for b in $blocks; do echo offline >$MEMDIR/memory$b/state || exit 1; done 2>&1)
		else
			out=$(daxctl offline-memory "$dax" 2>&1)
		fi && fail "offline succeeded despite the injected error"
		echo 0 >$INJ
		echo "$out" | grep -qi "busy" && refused=$((refused + 1))
		reonline
		r=$(hold_check 5 6)
		[ "${r%% *}" = ok ] || fail "data after the refused offline: $r"
	elif [ $kind = nvm ]; then
		# --- remove while busy: with offline_fallback=none the pages in use
		# have nowhere to go (no other ZONE_NVM): EBUSY at once ---
		busy=$((busy + 1))
		echo none >/sys/kernel/mm/nvm/offline_fallback
		out=$(nvmzone hotremove "$dax" 2>&1) && fail "hotremove succeeded with nowhere for the pages to go"
		echo dram >/sys/kernel/mm/nvm/offline_fallback
		echo "$out" | grep -qi "busy" && busy_refused=$((busy_refused + 1))
		[ -e /sys/bus/dax/drivers/kmem/$dax ] || fail "the busy device left kmem"
		reonline
		r=$(hold_check 5 6)
		[ "${r%% *}" = ok ] || fail "data after the refused hotremove: $r"
	else
		# --- offline while pages are pinned: vmsplice() references keep 64
		# pages from migrating; offlining retries until a fatal signal ends
		# it (EINTR), and the memory stays online ---
		pinned=$((pinned + 1))
		echo "pin 64" >&5
		read -r -t 60 -u 6 PRES PN
		[ "$PRES $PN" = "pinned 64" ] || fail "pin: $PRES $PN"
		if [ $kind = dimm ]; then
			timeout -s KILL 10 sh -c "for b in $blocks; do echo offline >$MEMDIR/memory\$b/state || exit 1; done"
		else
			timeout -s KILL 10 daxctl offline-memory "$dax"
		fi >/dev/null 2>&1 && fail "offline succeeded with pinned pages"
		case "$(all_state "$blocks")" in
		*online*) pin_refused=$((pin_refused + 1)) ;;
		*) fail "every block went offline despite the pinned pages" ;;
		esac
		echo unpin >&5
		read -r -t 60 -u 6 PRES
		[ "$PRES" = unpinned ] || fail "unpin: $PRES"
		reonline
		r=$(hold_check 5 6)
		[ "${r%% *}" = ok ] || fail "data after the offline with pinned pages: $r"
	fi
	# --- offline (migrate out) and check ---
	if [ $kind = dimm ]; then
		offline_range "$(echo $blocks | awk '{ print $1 "-" $NF }')" >/dev/null || fail "offline pc-dimm"
	else
		daxctl offline-memory "$dax" >/dev/null 2>&1 || fail "daxctl offline-memory"
	fi
	[ "$(all_state "$blocks")" = "offline " ] || fail "not all offline: $(all_state "$blocks")"
	r=$(hold_check 5 6)
	[ "${r%% *}" = ok ] || fail "data after offline: $r"
	r=$(hold_check 7 8)
	[ "${r%% *}" = ok ] || fail "DRAM data: $r"
	bytes=$((bytes + (HPAGES + dram_pages) * 4096))
	hold_stop 5 6 "$new_pid"
	# --- remove ---
	if [ $kind = dimm ]; then
		hostctl hotremove "soak$dimm" || fail "pc-dimm hotremove"
		wait_for 60 'test -z "$(block_ids | grep -xF "${blocks%% *}")"' || fail "pc-dimm blocks still there"
	else
		daxctl reconfigure-device --mode=devdax "$dax" >/dev/null 2>&1 || fail "reconfigure devdax"
		echo 0 >$DAXD/memmap_on_memory 2>/dev/null
		echo default >$DAXD/kmem_zone
	fi
done
hold_stop 7 8 "$dram_pid"
echo 0 >$INJ
sync; echo 3 >/proc/sys/vm/drop_caches
free1=$(meminfo_kb MemFree 0)

echo "SOAK seconds=$dur cycles=$cycles failures=$fails injected=$injected refused=$refused busy=$busy busy_refused=$busy_refused pinned=$pinned pin_refused=$pin_refused verified_mib=$((bytes / 1048576))"
t_eq "every cycle complete and every checksum intact ($cycles cycles, $((bytes / 1048576)) MiB verified)" "$fails" 0
t_run "every injected failure refused cleanly ($refused of $injected)" \
	test "$injected" -ge 1 -a "$refused" = "$injected"
t_run "every busy hotremove refused with EBUSY ($busy_refused of $busy)" \
	test "$busy" -ge 1 -a "$busy_refused" = "$busy"
t_run "every offline with pinned pages refused, memory online ($pin_refused of $pinned)" \
	test "$pinned" -ge 1 -a "$pin_refused" = "$pinned"
t_run "node 0 free memory back (${free0} -> ${free1} kB)" \
	test $((free0 - free1)) -lt $((free0 / 50))
t_eq "NVMTotal back to 0" "$(meminfo_kb NVMTotal)" 0
t_end
