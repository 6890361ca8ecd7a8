#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Boot-parameter fuzzing over many boots (issue 10).

Each boot of the "bootfuzz" scenario gets random and adversarial values of
the fork's boot parameters, nvm_zone= and mirrormem= (sometimes repeated,
sometimes with the '-' spelling that the kernel treats as '_'), and the
expected outcome, computed here by a model of the kernel's parsing:

  nvm_zone=   "on" or "off" (after quote stripping); anything else, or no
              value, is refused with a message and leaves ZONE_NVM off.
  mirrormem=  SIZE@START[,SIZE@START...], memparse() numbers, at most 16
              ranges, none empty, overflowing or overlapping, each 4 MiB
              aligned and all RAM of the VM; anything else is refused with
              a message and marks nothing.
  memhp_default_state=  offline, online, online_kernel, online_movable or
              online_nvm; anything else is refused with a message and
              changes nothing (a later valid value still wins); without
              a '=' it is not this parameter at all (__setup).
  Every name also answers to '-' for '_' (parameq()).
  Otherwise the last occurrence of a parameter wins.

The guest (selftests/vm/guest/scenarios/bootfuzz.sh) checks the outcome;
run-scenario.sh fails any boot with a kernel splat.  Results go to
OUTDIR/results as PASS/FAIL lines; exit status 0 only if all passed.

usage: bootfuzz.py [-n BOOTS] [-s SEED] -k BZIMAGE -r INITRD -o OUTDIR
"""
import argparse
import os
import random
import shlex
import subprocess
import sys

MASK = (1 << 64) - 1
MIB = 1 << 20
ALIGN = 4 * MIB
# memblock memory of the bootfuzz shape (selftests/vm/scenarios/bootfuzz.conf):
# e820 RAM below 1 GiB (QEMU/SeaBIOS reserve the last 128 KiB) and node 1's
# RAM at 4 GiB up to the pmem range at 0x130000000 (never mirrorable).
RAM = [(0x0, 0x9fc00), (0x100000, 0x3ffe0000), (0x100000000, 0x130000000)]
MAX_RANGES = 16


def memparse(s, i):
    """The kernel's memparse() on s[i:]: (value mod 2^64, end index)."""
    base = 10
    if s[i:i + 1] == "0":
        if s[i + 1:i + 2].lower() == "x" and s[i + 2:i + 3] and \
                s[i + 2] in "0123456789abcdefABCDEF":
            base, i = 16, i + 2
        else:
            base = 8
    start = i
    val = 0
    while i < len(s):
        c = s[i].lower()
        d = "0123456789abcdef".find(c)
        if d < 0 or d >= base:
            break
        val = (val * base + d) & MASK
        i += 1
    if i == start:
        return 0, start
    shift = {"e": 60, "p": 50, "t": 40, "g": 30, "m": 20, "k": 10}.get(s[i:i + 1].lower())
    if shift is not None:
        val = (val << shift) & MASK
        i += 1
    return val, i


def parse_spans(arg):
    """The early_param's parse: None if refused (with a message at once)."""
    if not arg:
        return None
    spans = []
    for tok in arg.split(","):
        if len(spans) == MAX_RANGES or not tok:
            return None
        size, end = memparse(tok, 0)
        if end == 0 or tok[end:end + 1] != "@":
            return None
        start, end2 = memparse(tok, end + 1)
        if end2 == end + 1 or end2 != len(tok):
            return None
        if not size or (start + size) & MASK < start:
            return None
        for s, z in spans:
            if start < s + z and s < start + size:
                return None
        spans.append((start, size))
    return spans


def mark_spans(spans):
    """The later marking of the last parsed value: None if refused."""
    for s, z in spans:
        if s % ALIGN or z % ALIGN:
            return None
        covered = sum(max(0, min(s + z, e) - max(s, b)) for b, e in RAM)
        if covered != z:
            return None
    return spans


def parse_mirrormem(arg):
    """None if refused, else [(start, size), ...]."""
    spans = parse_spans(arg)
    return None if spans is None else mark_spans(spans)


def strip_quotes(v):
    if v is not None and v.startswith('"'):
        v = v[1:]
        if v.endswith('"'):
            v = v[:-1]
    return v


def num(n, rnd):
    """n in a random memparse notation."""
    forms = [str(n), hex(n)]
    for suf, sh in (("K", 10), ("M", 20), ("G", 30)):
        if n and n % (1 << sh) == 0:
            forms.append(str(n >> sh) + rnd.choice([suf, suf.lower()]))
    if n:
        forms.append("0" + oct(n)[2:])
    return rnd.choice(forms)


def valid_ranges(rnd):
    """Aligned, non-overlapping ranges of RAM."""
    slots = [(b + ALIGN - 1) // ALIGN for b, e in RAM[1:]]
    ends = [e // ALIGN for b, e in RAM[1:]]
    taken, out = set(), []
    for _ in range(rnd.randint(1, 6)):
        k = rnd.randrange(2)
        first = rnd.randrange(slots[k], ends[k])
        n = rnd.randint(1, min(16, ends[k] - first))
        blocks = set(range(first, first + n))
        if blocks & taken:
            continue
        taken |= blocks
        out.append((first * ALIGN, n * ALIGN))
    return out


def fmt(spans, rnd):
    return ",".join(num(z, rnd) + "@" + num(s, rnd) for s, z in spans)


JUNK = "abcxyzONoff0123456789@,.:;-_+=/KMGTPE%!~"


def mirror_value(rnd):
    kind = rnd.choice(["valid", "valid", "unaligned", "hole", "pmem", "overlap",
                       "toomany", "zero", "overflow", "syntax", "junk", "long", "none"])
    if kind == "valid":
        return fmt(valid_ranges(rnd), rnd)
    if kind == "unaligned":
        s, z = valid_ranges(rnd)[0]
        return fmt([(s + rnd.choice([1, 4096, MIB]), z)], rnd)
    if kind == "hole":
        return fmt([(rnd.choice([0, 0x40000000, 0x80000000, 0x3fc00000, 0x140000000]),
                     rnd.choice([4, 64, 512]) * MIB)], rnd)
    if kind == "pmem":
        return fmt([(0x130000000, 64 * MIB)], rnd)
    if kind == "overlap":
        s, z = valid_ranges(rnd)[0]
        return fmt([(s, z), (s, ALIGN)], rnd)
    if kind == "toomany":
        return ",".join("4M@%dM" % (64 + 8 * i) for i in range(rnd.randint(17, 40)))
    if kind == "zero":
        return "0@" + num(64 * MIB, rnd)
    if kind == "overflow":
        return rnd.choice(["0xffffffffffffffff@4M", "4M@0xfffffffffff00000",
                           "99999999999999999999999@4M", "16E@4M", "4M@-4M"])
    if kind == "syntax":
        return rnd.choice(["", "64M", "@64M", "64M@", "64M@64M,", ",64M@64M",
                           "64M@@64M", "64Mx@64M", "64M@64M@64M", "64M 64M",
                           '"64M@64M"', "64M@64M,,8M@128M", "0x@64M", "-64M@64M"])
    if kind == "long":
        return ",".join(["4M@" + str(i) + "G" for i in range(rnd.randint(20, 60))])
    if kind == "none":
        return None
    return "".join(rnd.choice(JUNK) for _ in range(rnd.randint(1, 40)))


def nvm_value(rnd):
    if rnd.random() < 0.5:
        return rnd.choice(["on", "off"])
    return rnd.choice([None, "", "ON", "On", "1", "0", "yes",
                       "on,off", "onn", "of", "-1", '"on"', '"off"', '"o n"',
                       "on" + "x" * rnd.randint(1, 400),
                       "".join(rnd.choice(JUNK) for _ in range(rnd.randint(1, 60)))])


MEMHP = ["offline", "online", "online_kernel", "online_movable", "online_nvm"]


def memhp_value(rnd):
    return rnd.choice(MEMHP + MEMHP + [None, "", "online_moveable", "ONLINE", "onl",
                                       '"online_movable"', '"online nvm"', "online,offline",
                                       "".join(rnd.choice(JUNK) for _ in range(rnd.randint(1, 30)))])


def param(name, value, rnd):
    if rnd.random() < 0.2:
        name = name.replace("_", "-")
    if value is None:
        return name
    if " " in value and not value.startswith('"'):
        value = '"' + value + '"'
    return name + "=" + value


def case(rnd):
    """(command-line fragment, expected nvm state, nvm message expected,
    expected mirrored kB or "invalid", mirrormem message expected,
    expected auto_online_blocks, memhp_default_state message expected)"""
    args = []
    nvm = mirror = "absent"
    items = []
    for _ in range(rnd.choice([1, 1, 2])):
        items.append(("nvm_zone", nvm_value(rnd)))
    for _ in range(rnd.choice([0, 1, 1, 1, 2])):
        items.append(("mirrormem", mirror_value(rnd)))
    for _ in range(rnd.choice([0, 1, 1, 2])):
        items.append(("memhp_default_state", memhp_value(rnd)))
    rnd.shuffle(items)
    memhp, memhp_msg = "offline", 0
    nvm_msg = mirror_msg = 0
    spans = []
    for name, value in items:
        arg = param(name, value, rnd)
        args.append(arg)
        v = strip_quotes(value)
        if name == "memhp_default_state":
            # __setup("memhp_default_state="): needs the '=' ('-' is '_')
            if not arg.replace("-", "_").startswith("memhp_default_state="):
                continue
            if v in MEMHP:
                memhp = v
            else:
                memhp_msg = 1
        elif name == "nvm_zone":
            # every refused occurrence says so; the last one decides
            nvm = v if v in ("on", "off") else "invalid"
            nvm_msg |= nvm == "invalid"
        else:
            # refused at parse time: a message, and no range (so far)
            spans = parse_spans(v)
            mirror = "parsed"
            mirror_msg |= spans is None
    exp_nvm = "off" if nvm == "absent" else nvm
    exp_mirror = "0"
    if mirror == "parsed":
        # the last value's ranges are checked against memory once known
        marked = mark_spans(spans) if spans else None
        if marked is None:
            exp_mirror = "invalid"
            mirror_msg = 1
        else:
            exp_mirror = str(sum(z for s, z in marked) >> 10)
    return (" ".join(args), exp_nvm, nvm_msg, exp_mirror, mirror_msg, memhp, memhp_msg)


def selftest():
    """The model against cases whose answer is known."""
    ok = {"64M@4M": [(4 * MIB, 64 * MIB)], "0x4000000@0x100000000": [(1 << 32, 64 * MIB)],
          "4m@4m,8M@1G": None, "8M@16M,4M@8M": [(16 * MIB, 8 * MIB), (8 * MIB, 4 * MIB)],
          "64M@64M,4M@64M": None, "4M@0": None, "0@4M": None, "64M": None,
          "64M@64M,": None, "010000000@4M": None, "020000000@0x400000": [(4 * MIB, 4 * MIB)],
          "4M@0x12fc00000": [(0x12fc00000, 4 * MIB)], "8M@0x12fc00000": None,
          "16E@4M": None, "4M@0x3fc00000": None, "4M@0x3f800000": [(0x3f800000, 4 * MIB)]}
    for arg, want in ok.items():
        got = parse_mirrormem(arg)
        assert got == want, (arg, got, want)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-n", type=int, default=16, help="boots")
    ap.add_argument("-s", type=int, default=None, help="seed")
    ap.add_argument("-k", required=True)
    ap.add_argument("-r", required=True)
    ap.add_argument("-o", required=True)
    a = ap.parse_args()
    selftest()
    seed = a.s if a.s is not None else random.SystemRandom().randrange(1 << 31)
    rnd = random.Random(seed)
    here = os.path.dirname(os.path.abspath(__file__))
    os.makedirs(a.o, exist_ok=True)
    results = open(os.path.join(a.o, "results"), "w")
    print("bootfuzz: %d boots, seed %d (bootfuzz.py -s %d repeats them)" % (a.n, seed, seed))
    failed = 0
    for i in range(a.n):
        frag, exp_nvm, nvm_msg, exp_mirror, mirror_msg, memhp, memhp_msg = case(rnd)
        env = dict(os.environ, BOOTFUZZ_ARGS=frag,
                   BOOTFUZZ_EXPECT="nvmtest.expect_nvm=%s nvmtest.expect_nvm_msg=%d "
                   "nvmtest.expect_mirror=%s nvmtest.expect_mirror_msg=%d "
                   "nvmtest.expect_memhp=%s nvmtest.expect_memhp_msg=%d"
                   % (exp_nvm, nvm_msg, exp_mirror, mirror_msg, memhp, memhp_msg))
        w = os.path.join(a.o, "boot%02d" % i)
        subprocess.run(["bash", os.path.join(here, "run-scenario.sh"), "-q", "-k", a.k, "-r", a.r,
                        "-o", w, "bootfuzz"], env=env, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        try:
            lines = open(os.path.join(w, "results")).read().splitlines()
        except OSError:
            lines = ["FAIL bootfuzz: no results"]
        bad = [l for l in lines if not l.startswith("PASS ")]
        short = frag if len(frag) <= 100 else frag[:97] + "..."
        tag = "boot %d (nvm %s, mirror %s kB, memhp %s): %s" % (i, exp_nvm, exp_mirror, memhp, short)
        if bad or not lines:
            failed += 1
            results.write("FAIL bootfuzz: %s: %s (logs: %s)\n" % (tag, (bad or ["empty"])[0], w))
        else:
            results.write("PASS bootfuzz: %s (%d checks)\n" % (tag, len(lines)))
        results.flush()
    results.write("%s bootfuzz: %d boots with fuzzed boot parameters, seed %d\n"
                  % ("FAIL" if failed else "PASS", a.n, seed))
    results.close()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
