#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make upstream-baseline: run the curated upstream mm selftests
# (selftests/vm/upstream/tests) on the unpatched base kernel, in the same VM
# shape and harness as the fork's "upstream" scenario, and write each test's
# stock result to selftests/vm/upstream/baseline.  The reason recorded
# for a test that fails or skips on stock is kept while its result stays the
# same; a new failure gets a placeholder that a person must replace (the
# scenario prints it).  Commit the file: make test judges the fork by it.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
bl=$top/selftests/vm/upstream/baseline
out=$top/build/upstream-baseline

BASE=1 "$top/scripts/kernel.sh"
BASE=1 "$top/scripts/initramfs.sh"
bash "$top/selftests/vm/run-scenario.sh" -q -k "$top/build/linux-base/arch/x86/boot/bzImage" \
	-r "$top/build/initramfs-base.cpio" -o "$out" upstream || true
grep -q "guest tests ran to the end" "$out/results" ||
	{ echo "upstream-baseline: the base kernel's run did not finish (logs: $out)" >&2; exit 1; }
grep -q "^PASS upstream: no kernel splat" "$out/results" ||
	echo "upstream-baseline: warning: the base kernel logged a splat: $(head -n 1 "$out/splats.txt")" >&2

new=$(mktemp)
{
	echo "# Results of the curated upstream mm selftests on the unpatched base"
	echo "# ($(sed -n "s/^VERSION=//p" "$top/linux/BASE"), make upstream-baseline, $(date -u +%Y-%m-%d))."
	echo "# NAME RESULT [REASON]: a test that fails or skips on stock says why."
	sed -n 's/^# upstream-result \([^ ]*\) \([a-z]*\) .*/\1 \2/p' "$out/tap.txt" | while read -r name res; do
		old=$(awk -v n="$name" '$1 == n { print; exit }' "$bl" 2>/dev/null || true)
		if [ "$res" = pass ]; then
			echo "$name pass"
		elif [ "$(echo "$old" | awk '{ print $2 }')" = "$res" ]; then
			echo "$old"
		else
			echo "$name $res (on stock too; reason not yet written: see $out)"
		fi
	done
} >"$new"
mv "$new" "$bl"
echo "upstream-baseline: $(grep -c ' pass$' "$bl") pass, $(grep -cE '^[^#][^ ]* (fail|skip)' "$bl") fail or skip on stock; written to ${bl#$top/}"
grep -E '^[^#][^ ]* (fail|skip)' "$bl" | sed 's/^/  /' || true
