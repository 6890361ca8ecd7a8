#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Where the allocator's instructions go, function by function: boot the base
# and the fork (built by make bench) in the bench shape with one CPU and the
# QEMU gdb stub, let allocbench run order-ORDER alloc+free in a loop, then
# single-step STEPS guest instructions from an __alloc_pages() entry and
# count them per function (vmlinux symbols; "module" for allocbench).
# Prints, per function, instructions per allocation (base, fork, fork -
# base), normalised by should_fail_alloc_page() calls, which run once per
# allocation on both kernels.  Needs gdb.  Not part of make test.
#
#   bench/trace-alloc.sh [STEPS [ORDER]]    (default 150000 0)
#
# BASE_TREE, BASE_INITRD, FORK_TREE, FORK_INITRD: other kernels (such as
# JUMP_LABEL=y builds; initramfs.sh's KTREE= and OUT= make their initramfs).
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
steps=${1:-150000} order=${2:-0}
out=$top/build/bench/trace
mkdir -p "$out"
conf=$top/selftests/vm/scenarios/bench-trace.conf
trap 'rm -f "$conf"' EXIT
cat >"$conf" <<EOC
DESC="bench: gdb instruction trace of the allocator (bench/trace-alloc.sh)"
QEMU_ARGS=(-smp 1,sockets=1 -s -machine pc -m 2G)
TIMEOUT=900
EOC
cat >"$out/guest.sh" <<EOG
echo TRACE-GO >/dev/console
insmod /nvmtest/allocbench.ko mode=normal order=$order cpus=1 iters=100000000
EOG
for k in base fork; do
	if [ "$k" = base ]; then
		tree=${BASE_TREE:-$top/build/linux-base} initrd=${BASE_INITRD:-$top/build/initramfs-base.cpio}
	else
		tree=${FORK_TREE:-$top/build/linux} initrd=${FORK_INITRD:-$top/build/initramfs.cpio}
	fi
	[ -f "$tree/vmlinux" ] || { echo "trace-alloc: no $tree/vmlinux: run make bench first" >&2; exit 1; }
	nm "$tree/vmlinux" >"$out/$k.syms"
	bash "$top/selftests/vm/run-scenario.sh" -q -m run -s "$out/guest.sh" \
		-k "$tree/arch/x86/boot/bzImage" -r "$initrd" -o "$out/vm-$k" bench-trace &
	vm=$!
	for _ in $(seq 120); do grep -qs TRACE-GO "$out/vm-$k/console.log" && break; sleep 1; done
	sleep 3
	TRACE_SYMS=$out/$k.syms TRACE_STEPS=$steps TRACE_OUT=$out/$k.txt \
		timeout 1200 gdb -q -batch -x "$top/bench/trace.py" "$tree/vmlinux" >"$out/$k.gdb.log" 2>&1 ||
		{ echo "trace-alloc: gdb failed on $k (build/bench/trace/$k.gdb.log)" >&2; kill "$vm"; exit 1; }
	pkill -f "qemu-system-x86_64.*$out/vm-$k/" 2>/dev/null
	wait "$vm" 2>/dev/null
done
python3 - "$out/base.txt" "$out/fork.txt" <<'EOP'
import sys
def load(p):
    ins, calls = {}, {}
    for l in open(p):
        c, n, fn = l.split()
        ins[fn], calls[fn] = int(c), int(n)
    return ins, calls
(b, bc), (f, fc) = load(sys.argv[1]), load(sys.argv[2])
nb, nf = bc.get("should_fail_alloc_page", 0), fc.get("should_fail_alloc_page", 0)
if not nb or not nf:
    sys.exit("trace-alloc: no allocation in the trace")
print(f"allocations traced: base {nb:.0f}, fork {nf:.0f}; instructions per allocation:")
print(f"{'function':40} {'base':>8} {'fork':>8} {'fork-base':>10}  calls per allocation")
rows = [(f.get(k, 0) / nf - b.get(k, 0) / nb, k) for k in set(b) | set(f)]
for d, k in sorted(rows, key=lambda r: -abs(r[0])):
    if abs(d) >= 0.5:
        print(f"{k:40} {b.get(k, 0) / nb:8.1f} {f.get(k, 0) / nf:8.1f} {d:+10.1f}  "
              f"{bc.get(k, 0) / nb:.2f} / {fc.get(k, 0) / nf:.2f}")
print(f"{'total':40} {sum(b.values()) / nb:8.1f} {sum(f.values()) / nf:8.1f} "
      f"{sum(f.values()) / nf - sum(b.values()) / nb:+10.1f}")
EOP
