#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Host-side tests of the persistent regions' metadata (mm/nvm_persist_meta.c
# of build/linux), built with ASan and UBSan against a few kernel shims:
# nvm-persist-meta/nvm_meta_sim.c crashes every update at every write-back,
# fence and step, crashes the recoveries, corrupts tables at rest and feeds
# random bytes.  Then the same simulator on a copy of the code without the
# fence after slot 0's header, and on one that writes entries back without
# flushing them, must fail: the simulator can tell.
#
#   NVM_META_SEED=N   the simulator's seed (default: random, printed)
#   NVM_META_SCALE=N  more updates, crashes and corruptions (default 1;
#                     make soak uses more)
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
src=$top/build/linux
here=$top/selftests/host/nvm-persist-meta
log=$top/build/test/host
mkdir -p "$log"
bin=$log/nvm_meta_sim
res() { printf '%s host: %s\n' "$1" "$2"; }

# only the one header of the kernel's include/: the shims stand in for the rest
inc=$(mktemp -d)
trap 'rm -rf "$inc"' EXIT
mkdir -p "$inc/linux"
cp "$src/include/linux/nvm_persist.h" "$inc/linux/" 2>/dev/null
cflags=(-O1 -g -Wall -Wextra -Wno-unused-parameter -fsanitize=address,undefined
	-fno-sanitize-recover=all -I"$here/shim" -I"$inc" -iquote "$src/mm" -include "$here/shim/kshim.h")
build() { # build OUT SOURCE
	gcc "${cflags[@]}" -o "$1" "$here/nvm_meta_sim.c" "$2"
}
if ! build "$bin" "$src/mm/nvm_persist_meta.c" >"$log/nvm_meta_sim.build.log" 2>&1; then
	res FAIL "nvm_persist_meta: the simulator does not build (log: build/test/host/nvm_meta_sim.build.log)"
	exit 0
fi
seed=${NVM_META_SEED:-$(( (RANDOM << 15 | RANDOM) + 1 ))}
"$bin" -s "$seed" -n "${NVM_META_SCALE:-1}" >"$log/nvm_meta_sim.log" 2>&1
rc=$?
grep -E '^(PASS|FAIL) ' "$log/nvm_meta_sim.log" | sed 's/^\(PASS\|FAIL\) /\1 host: /'
if [ "$rc" = 0 ]; then
	res PASS "nvm_persist_meta: the simulator ran to the end (seed $seed)"
else
	tail -n 5 "$log/nvm_meta_sim.log" >&2
	res FAIL "nvm_persist_meta: the simulator exited $rc (seed $seed; log: build/test/host/nvm_meta_sim.log)"
fi

# mutant NAME TEST FROM TO: the code with FROM replaced by TO must fail TEST
mutant() {
	local name=$1 test=$2 from=$3 to=$4 m=$log/nvm_meta_mutant.c
	python3 - "$src/mm/nvm_persist_meta.c" "$m" "$from" "$to" <<'PY' || { res FAIL "nvm_persist_meta: mutant '$name': the code no longer has its pattern"; return; }
import sys
s = open(sys.argv[1]).read()
if s.count(sys.argv[3]) != 1:
    sys.exit(1)
open(sys.argv[2], "w").write(s.replace(sys.argv[3], sys.argv[4]))
PY
	if ! build "$log/nvm_meta_mutant" "$m" >"$log/nvm_meta_mutant.build.log" 2>&1; then
		res FAIL "nvm_persist_meta: mutant '$name' does not build"
	elif "$log/nvm_meta_mutant" -s "$seed" -t "$test" >"$log/nvm_meta_mutant.log" 2>&1; then
		res FAIL "nvm_persist_meta: the simulator passed the code $name"
	else
		res PASS "nvm_persist_meta: the simulator fails the code $name ($(grep -c '^FAIL' "$log/nvm_meta_mutant.log") failures)"
	fi
}
mutant "without the fence after slot 0's header" crash \
	$'\twrite_header(d, 0, seq, 0);\n\td->ops->fence(d->ctx);' $'\twrite_header(d, 0, seq, 0);'
mutant "that writes entries without writing them back" crash \
	$'\tmemcpy(dst, src, len);\n\td->ops->flush(d->ctx, dst, len);' \
	$'\tmemcpy(dst, src, len);\n\tif (len != sizeof(struct nvm_meta_entry))\n\t\td->ops->flush(d->ctx, dst, len);'
