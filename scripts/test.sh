#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make test: install what is missing, build the fork, run every test, print
# each result and end with "N passed, N failed".  Exits non-zero on any
# failure, any kernel splat, any scenario that did not finish; a skipped
# test is never counted as passed.
#
#   SCENARIOS="numa hotplug"   run only these VM scenarios
#   DEBUG=1                    test the debug (KASAN, lockdep) kernel
#   SOAK_DURATION=SECONDS      length of the soak scenario (default 40)
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

step() { printf '== %s\n' "$*"; }
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
build initramfs "$top/scripts/initramfs.sh"
sfx=
[ -z "${DEBUG:-}" ] || [ "$DEBUG" = 0 ] || sfx=-debug

step "host tests (pipeline)"
bash "$top/selftests/host/pipeline.sh" | tee -a "$all"

step "host tests (patched util-linux lsmem/chmem on a fake sysfs)"
bash "$top/selftests/host/util-linux.sh" | tee -a "$all"

step "nvmzone unit tests (ASan+UBSan build, fake sysfs trees)"
if make -s -C "$top/tools/nvmzone" check >"$out/nvmzone-check.log" 2>&1; then
	echo "PASS build: nvmzone check" | tee -a "$all"
else
	echo "FAIL build: nvmzone check (log: build/test/nvmzone-check.log)" | tee -a "$all"
fi
grep -E '^(PASS|FAIL) ' "$out/nvmzone-check.log" | sed 's/^\(PASS\|FAIL\) /\1 nvmzone: /' | tee -a "$all"

kernel=$top/build/linux$sfx/arch/x86/boot/bzImage
initrd=$top/build/initramfs$sfx.cpio
for s in ${SCENARIOS:-numa nvm nvm-badparam nfit hotplug movable kmem mirror mirror-badparam mirror-kernelcore soak}; do
	step "VM scenario $s: $(sed -n 's/^DESC="\(.*\)"$/\1/p' "$top/selftests/vm/scenarios/$s.conf")"
	bash "$top/selftests/vm/run-scenario.sh" -q -k "$kernel" -r "$initrd" -o "$out/vm-$s" "$s"
	# A scenario that could not be judged at all is a failure too.
	mkdir -p "$out/vm-$s"
	grep -qs "guest tests ran to the end" "$out/vm-$s/results" ||
		echo "FAIL $s: the scenario produced no results (log: build/test/vm-$s)" >>"$out/vm-$s/results"
	tee -a "$all" <"$out/vm-$s/results"
	grep -qE '^(FAIL|SKIP)' "$out/vm-$s/results" && echo "   logs: build/test/vm-$s"
	echo "   $(grep -c '^PASS' "$out/vm-$s/results") passed, $(grep -cE '^(FAIL|SKIP)' "$out/vm-$s/results") failed"
done

step "harness self-test (injected faults must fail the run)"
bash "$top/selftests/vm/harness-test.sh" | tee -a "$all"

summary
