# SPDX-License-Identifier: GPL-2.0
# gdb script for bench/trace-alloc.sh: from an __alloc_pages() entry, step
# TRACE_STEPS instructions and count them, and the calls (steps onto a
# function's first instruction), per function of TRACE_SYMS (nm output).
import bisect
import collections
import os

import gdb

syms = []
with open(os.environ["TRACE_SYMS"]) as f:
    for line in f:
        parts = line.split()
        if len(parts) >= 3 and parts[1] in "tTwW":
            syms.append((int(parts[0], 16), parts[2]))
syms.sort()
addrs = [a for a, _ in syms]


def name(pc):
    """The function at @pc, and whether @pc is its first instruction"""
    if pc >= 0xffffffffc0000000:
        return "module", False
    i = bisect.bisect_right(addrs, pc) - 1
    return (syms[i][1], syms[i][0] == pc) if i >= 0 else ("unknown", False)


gdb.execute("target remote :1234")
gdb.execute("break __alloc_pages")
gdb.execute("continue")
gdb.execute("delete")
count = collections.Counter()
calls = collections.Counter()
for _ in range(int(os.environ["TRACE_STEPS"])):
    fn, entry = name(int(gdb.parse_and_eval("$pc")) & 0xffffffffffffffff)
    count[fn] += 1
    calls[fn] += entry
    gdb.execute("stepi", to_string=True)
with open(os.environ["TRACE_OUT"], "w") as f:
    for fn, c in count.most_common():
        f.write(f"{c} {calls[fn]} {fn}\n")
gdb.execute("kill")
