#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench: the fork's cost against the unpatched base, as ratios measured
# in one run (issue 9).  Builds the fork (build/linux) and the base
# (build/linux-base: the "base" tag, empty series, the same VM configuration
# minus configs/nvm.config), boots each in the same VM shapes, interleaving
# the kernels, and prints medians, spreads and ratios.  Not part of CI's
# pass/fail: TCG timings are noisy, so only ratios measured in the same run
# mean anything.  Results: build/bench/results.md (and the raw lines beside).
#
#   BENCH_REPS=N      boots per kernel and shape (default 5)
#   BENCH_BIG=1       also time the boot with 16 GiB of NVM (17 GiB guest)
#   BENCH_ONLY="..."  only these parts: fast icount inuse kmem boot (default: all)
#                     and jumplabel (not in the default): the icount part on
#                     both kernels built with CONFIG_JUMP_LABEL=y
#                     (build/linux-jl, build/linux-base-jl), as distributions
#                     build them; distro (not in the default either): the
#                     same with -O2 too (configs/o2.config; build/linux-jl-o2,
#                     build/linux-base-jl-o2)
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
reps=${BENCH_REPS:-5}
out=$top/build/bench
mkdir -p "$out"
only=${BENCH_ONLY:-fast icount inuse kmem boot}
want() { [[ " $only " == *" $1 "* ]]; }
for p in $only; do rm -f "$out"/"$p"*.txt; done

die() { printf 'bench: error: %s\n' "$*" >&2; exit 1; }
step() { printf '\n== %s (%s)\n' "$*" "$(date +%T)"; }

t_start=$(date +%s)
step "build the fork and the base"
# inuse and boot run the fork only
if want fast || want icount || want inuse || want kmem || want boot; then
	bash "$top/scripts/kernel.sh" >/dev/null || die "fork kernel build failed"
	bash "$top/scripts/initramfs.sh" >/dev/null || die "fork initramfs failed"
fi
if want fast || want icount || want kmem; then
	BASE=1 bash "$top/scripts/kernel.sh" >/dev/null || die "base kernel build failed"
	BASE=1 bash "$top/scripts/initramfs.sh" >/dev/null || die "base initramfs failed"
fi
if want jumplabel; then
	for b in 0 1; do
		BASE=$b JUMP_LABEL=1 bash "$top/scripts/kernel.sh" >/dev/null ||
			die "JUMP_LABEL=y kernel build failed (BASE=$b)"
		BASE=$b JUMP_LABEL=1 bash "$top/scripts/initramfs.sh" >/dev/null ||
			die "JUMP_LABEL=y initramfs failed (BASE=$b)"
	done
fi
if want distro; then
	for b in 0 1; do
		BASE=$b JUMP_LABEL=1 O2=1 bash "$top/scripts/kernel.sh" >/dev/null ||
			die "JUMP_LABEL=y -O2 kernel build failed (BASE=$b)"
		BASE=$b JUMP_LABEL=1 O2=1 bash "$top/scripts/initramfs.sh" >/dev/null ||
			die "JUMP_LABEL=y -O2 initramfs failed (BASE=$b)"
	done
fi

# vm KERNEL SCENARIO SCRIPT TAG: boot, run SCRIPT, append its output to
# $out/TAG.txt; a failed script or a kernel splat stops the benchmark.
# KERNEL: base or fork, with -jl for the JUMP_LABEL=y builds and -jl-o2 for
# the JUMP_LABEL=y -O2 ones.
vm() {
	local kernel=$1 scenario=$2 script=$3 tag=$4 k i d sfx=
	case $kernel in *-jl) sfx=-jl ;; *-jl-o2) sfx=-jl-o2 ;; esac
	if [ "${kernel%"$sfx"}" = base ]; then
		k=$top/build/linux-base$sfx/arch/x86/boot/bzImage i=$top/build/initramfs-base$sfx.cpio
	else
		k=$top/build/linux$sfx/arch/x86/boot/bzImage i=$top/build/initramfs$sfx.cpio
	fi
	d=$out/vm-$tag
	# the host's clock from here to the script's first BENCH line
	rm -rf "$out/t-$tag" "$d"
	(
		while ! grep -qs '^BENCH ' "$d/console.log"; do sleep 0.05; done
		date +%s.%N >"$out/t-$tag"
	) &
	local t0 poller=$!
	t0=$(date +%s.%N)
	bash "$top/selftests/vm/run-scenario.sh" -q -m run -s "$top/selftests/vm/bench/$script" \
		-k "$k" -r "$i" -o "$d" "$scenario" >/dev/null 2>&1
	kill "$poller" 2>/dev/null; wait "$poller" 2>/dev/null
	if [ "$(cat "$d/run.status" 2>/dev/null)" != 0 ] || grep -q '^FAIL' "$d/results"; then
		grep '^FAIL' "$d/results" >&2
		tail -n 5 "$d/run.txt" >&2
		die "$tag: $scenario/$script on the $kernel kernel failed (logs: ${d#$top/})"
	fi
	# each line also gets the VM's whole run in host wall-clock seconds,
	# and the host's seconds until the script's first line (boot to /init:
	# the guest's early clock may miss what runs before timekeeping starts)
	local wall
	wall=$(sed -n 's/.*guest finished within [0-9]*s (\([0-9.]*\)s).*/\1/p' "$d/results")
	local initwall=nan
	[ ! -s "$out/t-$tag" ] || initwall=$(awk -v a="$(cat "$out/t-$tag")" -v b="$t0" 'BEGIN { printf "%.2f", a - b }')
	sed "s/^/${kernel%"$sfx"} /; s/\$/ vmwall=${wall:-nan} initwall=$initwall/" "$d/run.txt" >>"$out/$tag.txt"
	printf '.'
}

if want fast; then
	step "allocator fast path, features unused ($reps boots per kernel, interleaved)"
	for r in $(seq "$reps"); do
		vm base bench fast.sh fast
		vm fork bench fast.sh fast
	done
fi
if want icount; then
	# Under -icount the guest's clock counts instructions: deterministic,
	# so two boots per kernel show the spread (none) without more.
	step "allocator fast path in guest instructions (-icount, 2 boots per kernel)"
	for r in 1 2; do
		vm base bench-icount fast.sh icount
		vm fork bench-icount fast.sh icount
	done
fi
if want jumplabel; then
	# -icount runs one vCPU in one host thread: the JUMP_LABEL=y kernels are
	# safe there (see bench/jump-label-tcg.sh)
	step "the same with CONFIG_JUMP_LABEL=y (-icount, 2 boots per kernel)"
	for r in 1 2; do
		vm base-jl bench-icount fast.sh jumplabel
		vm fork-jl bench-icount fast.sh jumplabel
	done
fi
if want distro; then
	step "the same with CONFIG_JUMP_LABEL=y and -O2 (-icount, 2 boots per kernel)"
	for r in 1 2; do
		vm base-jl-o2 bench-icount fast.sh distro
		vm fork-jl-o2 bench-icount fast.sh distro
	done
fi
if want inuse; then
	step "ZONE_NVM and __GFP_MIRROR in use, fork only ($reps boots)"
	for r in $(seq "$reps"); do
		vm fork bench-inuse inuse.sh inuse
	done
fi
if want kmem; then
	step "hot-add of a 1 GiB NVDIMM ($reps boots per kernel, interleaved)"
	for r in $(seq "$reps"); do
		BENCH_ROUND=$r vm base bench-kmem kmem.sh kmem
		BENCH_ROUND=$r vm fork bench-kmem kmem.sh kmem
	done
fi
sizes="1 4"
[ -z "${BENCH_BIG:-}" ] || sizes="$sizes 16"
want boot || sizes=
[ -z "$sizes" ] || step "boot with N GiB of NVM, nvm_zone=on against off"
for n in $sizes; do
	for r in $(seq "$reps"); do
		for on in off on; do
			BENCH_NVM_GIB=$n BENCH_NVM=$on vm fork bench-boot boot.sh "boot-$n-$on"
		done
	done
done
echo

step "results"
python3 - "$out" "$(($(date +%s) - t_start))" <<'EOF' | tee "$out/results.md"
import re, statistics as st, sys, os, platform
out, secs = sys.argv[1], int(sys.argv[2])

def lines(tag):
    p = os.path.join(out, tag + ".txt")
    return open(p).read().splitlines() if os.path.exists(p) else []

def kv(s):
    return dict(re.findall(r"(\w+)=([\w.]+)", s))

def med(xs):
    return st.median(xs) if xs else float("nan")

def spread(xs):
    m = med(xs)
    return (max(xs) - min(xs)) / m * 100 if xs and m else float("nan")

print("| Measurement | Base | Fork | Ratio fork/base (target) | Spread |")
print("|---|---|---|---|---|")
# fast path: ns per alloc+free, by kernel/order/cpus; the icount part is
# the same measurement counted in guest instructions (-icount: 1 ns each)
for tag, unit, prec in (("fast", "ns", 1), ("icount", "guest instructions (-icount)", 2),
                        ("jumplabel", "guest instructions (-icount), CONFIG_JUMP_LABEL=y", 2),
                        ("distro", "guest instructions (-icount), CONFIG_JUMP_LABEL=y, -O2", 2)):
    runs = {}
    for l in lines(tag):
        kern, rest = l.split(" ", 1)
        d = kv(rest)
        if "ns" in d:
            runs.setdefault((int(d["order"]), d["cpus"]), {}).setdefault(kern, []).append(float(d["ns"]))
    for (o, c), v in sorted(runs.items()):
        b, f = v.get("base", []), v.get("fork", [])
        if b and f:
            print(f"| order-{o} alloc+free, {c} CPU{'s' if c != '1' else ''}, GFP_KERNEL, {unit} | "
                  f"{med(b):.1f} | {med(f):.1f} | **{med(f) / med(b):.3f}** (<= 1.01) | "
                  f"base {spread(b):.{prec}f}%, fork {spread(f):.{prec}f}% (n={len(f)}) |")
# in use, paired per boot on the fork: nvm against movable (ZONE_NVM takes
# only movable requests), mirror against normal
inuse = {}
for l in lines("inuse"):
    d = kv(l)
    if "ns" in d:
        inuse.setdefault(d["mode"], []).append(float(d["ns"]))
for m, ref, what in (("nvm", "movable", "GFP_HIGHUSER_MOVABLE|__GFP_NVM (ZONE_NVM) vs GFP_HIGHUSER_MOVABLE"),
                     ("mirror", "normal", "GFP_KERNEL|__GFP_MIRROR vs GFP_KERNEL")):
    a, n = inuse.get(m, []), inuse.get(ref, [])
    if a and n:
        pairs = [x / y for x, y in zip(a, n)]
        print(f"| order-0, 1 CPU, {what}, fork, ns | "
              f"{med(n):.1f} (ordinary) | {med(a):.1f} | **{med(pairs):.3f}** (<= 1.05) | pairs {min(pairs):.3f}-{max(pairs):.3f} (n={len(pairs)}) |")
# hot-add
hot = {}
for l in lines("kmem"):
    kern, rest = l.split(" ", 1)
    if "BENCH hotadd" in rest:
        d = kv(rest)
        hot.setdefault((kern, d["how"]), []).append(d)
bm = [float(d["ms"]) for d in hot.get(("base", "movable"), [])]
for (kern, how), label in ((("fork", "nvm"), "ZONE_NVM, memmap on the memory (fork) vs Movable (base)"),
                           (("fork", "movable"), "Movable (both, stock daxctl)")):
    fm = [float(d["ms"]) for d in hot.get((kern, how), [])]
    if fm and bm:
        print(f"| hot-add + online 1 GiB NVDIMM, {label}, until the command returns, ms | {med(bm):.0f} | {med(fm):.0f} | "
              f"**{med(fm) / med(bm):.2f}** ({'<= 1.1' if how == 'nvm' else '-'}) | base {spread(bm):.0f}%, fork {spread(fm):.0f}% (n={len(fm)}) |")
    fu = [float(d["usable_ms"]) for d in hot.get((kern, how), []) if "usable_ms" in d]
    if how == "nvm" and fu and bm:
        print(f"| the same, until all of it is usable (the background scrub done), ms | {med(bm):.0f} | {med(fu):.0f} | "
              f"{med(fu) / med(bm):.2f} (reported) | base {spread(bm):.0f}%, fork {spread(fu):.0f}% (n={len(fu)}) |")
# offline (migrate out) of the loaded block: MiB/s
off = {}
for l in lines("kmem"):
    kern, rest = l.split(" ", 1)
    if "BENCH offline" in rest:
        d = kv(rest)
        if d.get("data") == "ok" and float(d["ms"]) > 0:
            off.setdefault((kern, d["how"]), []).append(float(d["mib"]) / float(d["ms"]) * 1000)
bo = off.get(("base", "movable"), [])
for (kern, how), label in ((("fork", "nvm"), "ZONE_NVM block (fork) vs Movable block (base)"),
                           (("fork", "movable"), "Movable block (both)")):
    fo = off.get((kern, how), [])
    if fo and bo:
        print(f"| offline (migrate out) of a 1 GiB block holding 256 MiB, {label}, MiB/s | {med(bo):.0f} | {med(fo):.0f} | "
              f"**{med(fo) / med(bo):.2f}** (1.0 = stock) | base {spread(bo):.0f}%, fork {spread(fo):.0f}% (n={len(fo)}) |")
for kern, how in (("base", "movable"), ("fork", "movable"), ("fork", "nvm")):
    ds = [d for d in hot.get((kern, how), []) if d.get("cold") == "1"]
    if ds:
        per_gib = [float(d["dram_kb"]) / 1024 * 1024 / float(d["mib"]) for d in ds]
        print(f"| DRAM used by a first hot-add of the boot ({kern}, {how}), MiB per GiB | | {med(per_gib):.1f} | (stock 16, target 0 for nvm) | {min(per_gib):.1f}-{max(per_gib):.1f} (n={len(ds)}) |")
# boot: host wall-clock seconds from the start of the VM to /init's first
# script line (initwall; the guest's early clock may miss what runs before
# timekeeping starts), and the guest's uptime from there until the
# background scrub is done
for n in ("1", "4", "16"):
    on = [float(kv(l)["initwall"]) for l in lines(f"boot-{n}-on") if "BENCH boot" in l]
    off = [float(kv(l)["initwall"]) for l in lines(f"boot-{n}-off") if "BENCH boot" in l]
    if on and off:
        print(f"| boot to /init with {n} GiB NVM: nvm_zone=off vs on (fork), host wall-clock s | {med(off):.2f} | {med(on):.2f} | "
              f"**{med(on) / med(off):.2f}** (<= 1.2) | off {spread(off):.0f}%, on {spread(on):.0f}% (n={len(on)}) |")
    b = [float(kv(l)["uptime"]) for l in lines(f"boot-{n}-on") if "BENCH boot" in l]
    e = [float(kv(l)["uptime"]) for l in lines(f"boot-{n}-on") if "BENCH scrubbed" in l]
    if on and b and len(b) == len(e):
        u = [i + (y - x) for i, x, y in zip(on, b, e)]
        print(f"| the same, until all {n} GiB are usable (boot to /init + the rest of the background scrub), s | {med(off):.2f} | {med(u):.2f} | "
              f"{med(u) / med(off):.2f} (reported) | on {spread(u):.0f}% (n={len(u)}) |")
print()
print(f"Machine: {platform.node()}, {os.cpu_count()} CPUs, QEMU TCG (-cpu max); "
      f"{secs} s for the whole run.  Ratios compare medians; spread = (max-min)/median.")
EOF
