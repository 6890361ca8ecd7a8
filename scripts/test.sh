#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make test: install what is missing, build the fork, run every test, print
# each result and end with "N passed, N failed".  Exits non-zero on any
# failure, any kernel splat, any scenario that did not finish; a skipped
# test is never counted as passed.
#
#   SCENARIOS="numa hotplug"   run only these VM scenarios (and no crossbuild)
#   CROSSBUILD=0|1             without/with make crossbuild
#   DEBUG=1                    test the debug (KASAN, lockdep) kernel
#   SOAK_DURATION=SECONDS      length of the soak scenario (default 40)
#   DEBUG_SCENARIOS="nvm soak" the scenarios the debug kernel runs after the
#                              fork's (default: none; "make test-debug" runs
#                              the whole make test and "nvm nvm-initrd
#                              nvm-initrd-4g soak" on it)
#   BOOTFUZZ_BOOTS=N           boots of the boot-parameter fuzzer (default 16)
#   BOOTFUZZ_SEED=N            its seed (default: random, printed)
#   KEEP_IMAGES=1              keep each scenario's memory and NVDIMM files
#                              and crossbuild's checkout (default: deleted
#                              once used, to bound the disk a run needs)
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
out=$top/build/test
# One run at a time: a second one would delete this one's results.
mkdir -p "$top/build"
exec 9>"$top/build/.test.lock"
flock -n 9 || { echo "make test: another make test is running (build/.test.lock)" >&2; exit 1; }
rm -rf "$out"
mkdir -p "$out"
all=$out/results
: >"$all"
start=$(date +%s)

# each step says how far into the run it starts (CI's time is a budget)
# and how much disk is left (what a scenario's memory files need)
step() {
	printf '== [%ss, %s free] %s\n' "$(( $(date +%s) - start ))" \
		"$(df -h --output=avail "$top/build" 2>/dev/null | tail -n 1 | tr -d ' ')" "$*"
}
summary() {
	local pass fail skip
	pass=$(grep -c '^PASS ' "$all")
	fail=$(grep -c '^FAIL ' "$all")
	skip=$(grep -c '^SKIP ' "$all")
	echo
	grep -E '^(FAIL|SKIP) ' "$all" | sed 's/^/  /'
	[ "$skip" = 0 ] || echo "$skip skipped (counted as failed)"
	echo "make test took $(( $(date +%s) - start ))s"
	echo "$pass passed, $((fail + skip)) failed"
	[ $((fail + skip)) = 0 ]
}
# The build is a test too: if it fails, nothing else can run.
build() {
	local name=$1
	shift
	if "$@" >"$out/build-$name.log" 2>&1; then
		echo "PASS build: $name" | tee -a "$all"
	else
		tail -n 30 "$out/build-$name.log"
		echo "FAIL build: $name (log: build/test/build-$name.log)" | tee -a "$all"
		summary
		exit 1
	fi
}

step "setting up and building"
build deps "$top/scripts/deps.sh"
build tree "$top/scripts/tree.sh"
t0=$(date +%s)
build kernel "$top/scripts/kernel.sh"
echo "   kernel built in $(( $(date +%s) - t0 ))s"
sfx=
[ -z "${DEBUG:-}" ] || [ "$DEBUG" = 0 ] || sfx=-debug

# The debug kernel (configs/debug.config: KASAN, lockdep, DEBUG_VM,
# DEBUG_PAGEALLOC, page poisoning, ...) runs DEBUG_SCENARIOS too, unless
# this whole run is already the debug kernel.  Not by default: its build
# alone is 30 CPU-minutes here (KASAN instruments every memory access; about
# 1.5x the fork's build), which would keep CI at 45-50 minutes on two cores.
# "make test-debug" is make test with DEBUG_SCENARIOS="nvm nvm-initrd
# nvm-initrd-4g soak"
# (docs/testing.md).
dscen=${DEBUG_SCENARIOS:-}
[ -z "$sfx" ] || dscen=
# Its build is the longest step of make test, and the fork's own tests
# leave a CPU idle much of the time (one busy vCPU, host tests, boots): it
# starts now, in the background at the lowest CPU priority and in its own
# process group (killed if this run ends first), and the debug pass waits
# for it.
# bg_start NAME VAR=VALUE: scripts/kernel.sh with VAR=VALUE into
# build-kernel-NAME.log; bg_wait NAME: wait for it, a build test line.
declare -A bg_pid=()
bg_stop() {
	local n
	for n in "${!bg_pid[@]}"; do kill -- "-${bg_pid[$n]}" 2>/dev/null; done
}
trap bg_stop EXIT
bg_start() {
	# shellcheck disable=SC2016
	setsid nice -n 19 bash -c 't=$(date +%s); env "$2" "$3"; rc=$?
		echo "kernel-$1: $(( $(date +%s) - t ))s at nice 19, exit status $rc"
		exit $rc' _ "$1" "$2" "$top/scripts/kernel.sh" >"$out/build-kernel-$1.log" 2>&1 </dev/null &
	bg_pid[$1]=$!
}
bg_wait() {
	local t0 rc
	t0=$(date +%s)
	wait "${bg_pid[$1]}"
	rc=$?
	unset "bg_pid[$1]"
	if [ "$rc" = 0 ]; then
		echo "PASS build: kernel-$1" | tee -a "$all"
	else
		tail -n 30 "$out/build-kernel-$1.log"
		echo "FAIL build: kernel-$1 (log: build/test/build-kernel-$1.log)" | tee -a "$all"
		summary
		exit 1
	fi
	echo "   $(tail -n 1 "$out/build-kernel-$1.log"); waited $(( $(date +%s) - t0 ))s for it"
}
[ -z "$dscen" ] || bg_start debug DEBUG=1
build initramfs "$top/scripts/initramfs.sh"

step "host tests (pipeline)"
bash "$top/selftests/host/pipeline.sh" | tee -a "$all"

step "host tests (patched util-linux lsmem/chmem on a fake sysfs)"
bash "$top/selftests/host/util-linux.sh" | tee -a "$all"

step "host tests (persistent regions' metadata: crashes, corruption, mutants)"
bash "$top/selftests/host/nvm-persist-meta.sh" | tee -a "$all"

step "nvmzone unit tests (ASan+UBSan build, fake sysfs trees)"
if make -s -C "$top/tools/nvmzone" check >"$out/nvmzone-check.log" 2>&1; then
	echo "PASS build: nvmzone check" | tee -a "$all"
else
	echo "FAIL build: nvmzone check (log: build/test/nvmzone-check.log)" | tee -a "$all"
fi
grep -E '^(PASS|FAIL) ' "$out/nvmzone-check.log" | sed 's/^\(PASS\|FAIL\) /\1 nvmzone: /' | tee -a "$all"

# The VM's nvmzone is built against make ndctl's libdaxctl (initramfs.sh):
# the same tests on that build, and the ZONE_NVM API of that libdaxctl in it
nd_root=$top/build/ndctl/root
if [ -x "$nd_root/usr/bin/daxctl" ]; then
	if make -s -C "$top/tools/nvmzone" check DAXCTL_ROOT="$nd_root" \
		SAN_BIN="$top/build/nvmzone-vm/nvmzone-san" >"$out/nvmzone-check-ndctl.log" 2>&1; then
		echo "PASS build: nvmzone check against make ndctl's libdaxctl" | tee -a "$all"
	else
		echo "FAIL build: nvmzone check against make ndctl's libdaxctl (log: build/test/nvmzone-check-ndctl.log)" | tee -a "$all"
	fi
	grep -E '^(PASS|FAIL) ' "$out/nvmzone-check-ndctl.log" |
		sed 's/^\(PASS\|FAIL\) /\1 nvmzone (libdaxctl 81+nvmzone): /' | tee -a "$all"
	# (not grep -q: with pipefail, nm killed by SIGPIPE would fail it)
	if nm -D "$top/build/nvmzone-vm/nvmzone" 2>/dev/null | grep -w daxctl_memory_online_with_zone >/dev/null; then
		echo "PASS build: the VM's nvmzone onlines into ZONE_NVM through libdaxctl (daxctl_memory_online_with_zone)" | tee -a "$all"
	else
		echo "FAIL build: the VM's nvmzone does not call daxctl_memory_online_with_zone" | tee -a "$all"
	fi
else
	echo "FAIL build: no make ndctl build to test nvmzone against (build/ndctl/root)" | tee -a "$all"
fi

# The series on the other architectures Debian builds (cross-compilers from
# Debian's archive): make test runs it unless SCENARIOS picks a few VM
# scenarios, or CROSSBUILD=0.
if [ "${CROSSBUILD:-}" = 1 ] || { [ -z "${SCENARIOS:-}" ] && [ "${CROSSBUILD:-1}" != 0 ]; }; then
	step "the series on other architectures (make crossbuild)"
	t0=$(date +%s)
	bash "$top/scripts/crossbuild.sh" | tee -a "$all"
	echo "   ($(( $(date +%s) - t0 ))s)"
	# its checkout of the tree is 1.5 GB the scenarios can use (the next
	# crossbuild makes it again; the objects and logs stay)
	[ "${KEEP_IMAGES:-0}" = 1 ] || git -C "$top/build/linux" worktree remove --force "$top/build/cross/src" 2>/dev/null
fi

# scenarios KERNEL INITRD TAG NAME...: run VM scenarios, results into $all
# (TAG, when not empty, marks each result line: "PASS [debug] kmem: ...")
scenarios() {
	local kernel=$1 initrd=$2 tag=$3 s d t0 dbg=${DEBUG:-}
	shift 3
	# the debug kernel gets longer timeouts (run-scenario.sh)
	[ "$tag" != debug ] || dbg=1
	for s in "$@"; do
		d=$out/vm-$s${tag:+-$tag}
		t0=$(date +%s)
		step "VM scenario $s${tag:+ ($tag kernel)}: $(sed -n 's/^DESC="\(.*\)"$/\1/p' "$top/selftests/vm/scenarios/$s.conf")"
		DEBUG=$dbg bash "$top/selftests/vm/run-scenario.sh" -q -k "$kernel" -r "$initrd" -o "$d" "$s"
		# A scenario that could not be judged at all is a failure too.
		mkdir -p "$d"
		# the guest's memory and NVDIMM files (up to 6 GB each) are not
		# logs: only KEEP_IMAGES=1 keeps them
		[ "${KEEP_IMAGES:-0}" = 1 ] || rm -f "$d"/*.img
		grep -qs "guest tests ran to the end" "$d/results" ||
			echo "FAIL $s: the scenario produced no results (log: ${d#$top/})" >>"$d/results"
		[ -z "$tag" ] || sed -i -E "s/^(PASS|FAIL|SKIP) /\1 [$tag] /" "$d/results"
		tee -a "$all" <"$d/results"
		grep -qE '^(FAIL|SKIP)' "$d/results" && echo "   logs: ${d#$top/}"
		echo "   $(grep -c '^PASS' "$d/results") passed, $(grep -cE '^(FAIL|SKIP)' "$d/results") failed ($(( $(date +%s) - t0 ))s)"
	done
}

kernel=$top/build/linux$sfx/arch/x86/boot/bzImage
initrd=$top/build/initramfs$sfx.cpio
# shellcheck disable=SC2086
scenarios "$kernel" "$initrd" "" ${SCENARIOS:-numa demo nvm nvm-keep nvm-badparam nvm-initrd nvm-initrd-4g nfit hotplug movable kmem kmem-movable kmem-badblocks mirror mirror-badparam mirror-kernelcore mirror-cma mirror-efi mirror-efi-optin daxctl soak upstream}

# Boot parameters fuzzed over many boots (BOOTFUZZ_BOOTS, 0 for none).
boots=${BOOTFUZZ_BOOTS:-16}
if [ -z "${SCENARIOS:-}" ] && [ "$boots" -gt 0 ]; then
	step "boot-parameter fuzzing: $boots boots with random nvm_zone=, mirrormem= and memhp_default_state="
	t0=$(date +%s)
	python3 "$top/selftests/vm/bootfuzz.py" -n "$boots" ${BOOTFUZZ_SEED:+-s "$BOOTFUZZ_SEED"} \
		-k "$kernel" -r "$initrd" -o "$out/bootfuzz"
	tee -a "$all" <"$out/bootfuzz/results" | grep -E '^(FAIL|SKIP)|boots with'
	echo "   ($(( $(date +%s) - t0 ))s)"
fi

step "harness self-test (injected faults must fail the run)"
bash "$top/selftests/vm/harness-test.sh" | tee -a "$all"

# The debug pass, once the kernel built in the background is there.
if [ -n "$dscen" ]; then
	step "debug kernel (KASAN, lockdep, DEBUG_VM, DEBUG_PAGEALLOC)"
	t0=$(date +%s)
	bg_wait debug
	build initramfs-debug env DEBUG=1 "$top/scripts/initramfs.sh"
	# shellcheck disable=SC2086
	scenarios "$top/build/linux-debug/arch/x86/boot/bzImage" \
		"$top/build/initramfs-debug.cpio" debug $dscen
	echo "   the debug pass took $(( $(date +%s) - t0 ))s"
fi

summary
