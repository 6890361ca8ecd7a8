#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The harness must be able to fail.  Boot the default shape three times with
# an injected fault and check that each run is judged a failure, for the
# right reason:
#   fail  a guest test reports "not ok"
#   warn  the kernel logs a real WARNING (LKDTM's WARNING crash point)
#   hang  the guest never finishes (a short timeout ends it)
# Prints one "PASS|FAIL name" line per fault.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
scenario=${1:-numa}

inject() { # inject KIND TIMEOUT 'EXPECTED FAIL LINE' DESCRIPTION
	local kind=$1 t=$2 want=$3 desc=$4 out=$top/build/test/harness-$1 rc
	bash "$here/run-scenario.sh" -q -i "$kind" -t "$t" -o "$out" "$scenario"
	rc=$?
	if [ "$rc" != 0 ] && grep -qE "^FAIL $scenario: $want" "$out/results"; then
		echo "PASS harness: $desc makes the run fail"
	else
		echo "FAIL harness: $desc makes the run fail (exit $rc; results in $out)"
	fi
}

inject fail 120 "injected failure" "a failing guest test"
inject warn 120 "no kernel splat: .*WARNING" "a kernel WARNING in dmesg"
inject hang 20 "guest finished within 20s \(timed out" "a hung guest"
