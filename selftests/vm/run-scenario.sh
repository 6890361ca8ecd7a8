#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot the fork in a named VM shape (selftests/vm/scenarios/NAME.conf) under
# QEMU/TCG and judge the run.  Results go to OUTDIR/results, one line each:
#   PASS|FAIL|SKIP NAME: description
# A run fails when a guest test fails, a KUnit suite fails, the kernel logs a
# splat (BUG, WARNING, Oops, KASAN, lockdep, panic, Call Trace), or the guest
# does not finish before the timeout.  Exit status: 0 only if all passed.
#
# usage: run-scenario.sh [options] NAME
#   -m MODE     test (default), run, summary or shell (interactive)
#   -s SCRIPT   the script to run in the guest (mode run)
#   -i KIND     harness self-test: inject fail, warn or hang
#   -t SECONDS  timeout (default: the scenario's)
#   -o DIR      where logs and results go (default build/vm/NAME)
#   -k BZIMAGE  -r INITRD  the kernel and initramfs (default: build/)
#   -q          quiet: do not print the results
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
mode=test script= inject= timeout= outdir= quiet=
kernel=$top/build/linux/arch/x86/boot/bzImage
initrd=$top/build/initramfs.cpio

usage() { sed -n '/^# usage:/,/^$/s/^# \{0,1\}//p' "$0" >&2; exit 2; }
while getopts "m:s:i:t:o:k:r:q" opt; do
	case "$opt" in
	m) mode=$OPTARG ;;
	s) script=$OPTARG ;;
	i) inject=$OPTARG ;;
	t) timeout=$OPTARG ;;
	o) outdir=$OPTARG ;;
	k) kernel=$OPTARG ;;
	r) initrd=$OPTARG ;;
	q) quiet=1 ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ $# = 1 ] || usage
name=$1
conf=$here/scenarios/$name.conf
[ -f "$conf" ] || { echo "run-scenario: no scenario '$name' (have: $(ls "$here/scenarios" | sed -n 's/\.conf$//p' | tr '\n' ' '))" >&2; exit 2; }
[ -f "$kernel" ] || { echo "run-scenario: no kernel $kernel" >&2; exit 2; }
[ -f "$initrd" ] || { echo "run-scenario: no initramfs $initrd" >&2; exit 2; }
case "$mode" in test|run|summary|shell) ;; *) usage ;; esac
[ "$mode" != run ] || [ -f "$script" ] || { echo "run-scenario: mode run needs -s SCRIPT" >&2; exit 2; }

W=${outdir:-$top/build/vm/$name${inject:+-inject-$inject}}
rm -rf "$W"
mkdir -p "$W"
W=$(cd "$W" && pwd)

# The scenario sets QEMU_ARGS (array), CMDLINE and TIMEOUT; it may create
# backing files in $W.
QEMU_ARGS=() CMDLINE= TIMEOUT=300 DESC=
# shellcheck disable=SC1090
. "$conf"
# The debug kernel (KASAN, lockdep, debug_pagealloc) runs 3-5x slower.
[ -z "${DEBUG:-}" ] || [ "$DEBUG" = 0 ] || TIMEOUT=$((TIMEOUT * 4))
timeout=${timeout:-$TIMEOUT}

if [ "$mode" = run ]; then
	# A second cpio archive appended to the initramfs carries the script.
	mkdir -p "$W/extra/nvmtest"
	install -m 0755 "$script" "$W/extra/nvmtest/run-script"
	(cd "$W/extra" && find . | cpio -o -H newc --owner=0:0 --quiet) >"$W/extra.cpio"
	cat "$initrd" "$W/extra.cpio" >"$W/initrd.cpio"
	initrd=$W/initrd.cpio
fi

# nokaslr: the test kernel is relocatable (CONFIG_EFI_STUB), and a randomly
# placed kernel image can take the memory a scenario's boot parameters name
# (a mirror-cma run once failed to reserve its cma=32M@1088M-1120M)
append="console=ttyS0 panic=-1 log_buf_len=8M nokaslr nvmtest.scenario=$name nvmtest.mode=$mode"
[ "$mode" = shell ] || append+=" loglevel=4"
[ -z "$inject" ] || append+=" nvmtest.inject=$inject"
# The debug kernel also poisons free pages and checks the poison when it
# hands them out again (CONFIG_PAGE_POISONING is off until asked for).
[ -z "${DEBUG:-}" ] || [ "$DEBUG" = 0 ] || append+=" page_poison=1"
append+=" $CMDLINE"

qemu=(qemu-system-x86_64 -accel tcg -cpu max -smp 2,sockets=2 -no-reboot -display none
	-kernel "$kernel" -initrd "$initrd" -append "$append"
	-qmp "unix:$W/qmp.sock,server=on,wait=off"
	-chardev "socket,id=ctl,path=$W/ctl.sock,server=on,wait=off"
	"${QEMU_ARGS[@]}")

if [ "$mode" = shell ] && [ -t 0 ]; then
	qemu+=(-serial mon:stdio -serial chardev:ctl)
else
	qemu+=(-monitor none -serial "file:$W/console.log" -serial chardev:ctl)
fi
printf '%q ' "${qemu[@]}" >"$W/qemu.cmd"

(sleep 0.5; exec python3 "$here/hostctl.py" "$W/qmp.sock" "$W/ctl.sock") 2>"$W/hostctl.log" &
hostctl=$!
start=$(date +%s.%N)
if [ "$mode" = shell ] && [ -t 0 ]; then
	"${qemu[@]}"
	rc=$?
else
	timeout -k 10 "$timeout" "${qemu[@]}" </dev/null >"$W/qemu.log" 2>&1
	rc=$?
fi
secs=$(echo "$(date +%s.%N) - $start" | bc)
kill "$hostctl" 2>/dev/null
wait "$hostctl" 2>/dev/null
touch "$W/console.log"
tr -d '\r' <"$W/console.log" >"$W/console.txt"
[ "$mode" = shell ] && [ -t 0 ] && exit "$rc"

# ---- judging ----
R=$W/results
: >"$R"
res() { printf '%s %s: %s\n' "$1" "$name" "$2" >>"$R"; }

sed -n '/^@@DMESG-BEGIN$/,/^@@DMESG-END$/p' "$W/console.txt" | sed '1d;$d' >"$W/dmesg.txt"
grep -q '^@@BEGIN ' "$W/console.txt" && res PASS "kernel booted and ran /init" ||
	res FAIL "kernel booted and ran /init"

if [ "$mode" = test ]; then
	sed -n 's/^@@T //p' "$W/console.txt" >"$W/tap.txt"
	awk -v P="$name" '
		/^ok [0-9]+ .*# SKIP/ { sub(/^ok [0-9]+ (- )?/, ""); print "SKIP " P ": " $0; next }
		/^ok [0-9]+ /         { sub(/^ok [0-9]+ (- )?/, ""); print "PASS " P ": " $0; next }
		/^not ok [0-9]+ /     { sub(/^not ok [0-9]+ (- )?/, ""); print "FAIL " P ": " $0; next }
	' "$W/tap.txt" >>"$R"
	ntests=$(grep -cE '^(not )?ok [0-9]+ ' "$W/tap.txt")
	plan=$(sed -n 's/^1\.\.\([0-9]*\)$/\1/p' "$W/tap.txt" | tail -n 1)
	[ -n "$plan" ] && [ "$plan" = "$ntests" ] && [ "$ntests" -gt 0 ] &&
		res PASS "guest tests ran to the end ($ntests)" ||
		res FAIL "guest tests ran to the end (plan ${plan:-missing}, $ntests results)"
elif [ "$mode" = run ]; then
	sed -n '/^@@RUN-BEGIN$/,/^@@RUN-END$/p' "$W/console.txt" | sed '1d;$d' >"$W/run.txt"
	status=$(sed -n 's/^@@RUN-STATUS //p' "$W/console.txt" | tail -n 1)
	echo "${status:-255}" >"$W/run.status"
fi

# KUnit: the suites built into the kernel ran at boot, in dmesg.
if grep -q 'KTAP version\|TAP version' "$W/dmesg.txt"; then
	python3 "$top/build/linux/tools/testing/kunit/kunit.py" parse "$W/dmesg.txt" >"$W/kunit.txt" 2>&1
	krc=$?
	sed -E 's/^\[[0-9:]+\] //' "$W/kunit.txt" |
		sed -nE 's/^=+ \[(PASSED|FAILED|SKIPPED|CRASHED)\] (.*) =+$/\1 \2/p' | while read -r st suite; do
		case "$st" in
		PASSED) res PASS "kunit suite $suite" ;;
		SKIPPED) res SKIP "kunit suite $suite" ;;
		*) res FAIL "kunit suite $suite ($st)" ;;
		esac
	done
	[ "$krc" = 0 ] || res FAIL "kunit.py parse (exit $krc, see $W/kunit.txt)"
elif grep -q '^CONFIG_KUNIT=y' "$top/build/linux/.config" 2>/dev/null && [ "$mode" = test ]; then
	res FAIL "kunit results in dmesg"
fi

# Splats, in the full kernel log and on the console (a crash may never reach
# the dmesg dump).
splat='(BUG:|WARNING:|Oops|KASAN|UBSAN|general protection fault|Kernel panic|kernel BUG|Call Trace:|possible circular locking|possible recursive locking|inconsistent lock state|suspicious RCU usage|INFO: task .* blocked|list_(add|del) corruption|Unable to handle kernel)'
grep -vE '^@@(T|RUN)' "$W/console.txt" | cat - "$W/dmesg.txt" | grep -E "$splat" | grep -v '^@@' >"$W/splats.txt"
if [ -s "$W/splats.txt" ]; then
	res FAIL "no kernel splat: $(head -n 1 "$W/splats.txt" | cut -c1-120)"
else
	res PASS "no kernel splat"
fi

if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
	res FAIL "guest finished within ${timeout}s (timed out: hung?)"
elif grep -q '^@@END ' "$W/console.txt"; then
	res PASS "guest finished within ${timeout}s ($(printf '%.1f' "$secs")s)"
else
	res FAIL "guest finished within ${timeout}s (QEMU exit $rc, no end marker)"
fi

if [ -z "$quiet" ]; then
	cat "$R"
	grep -q '^FAIL' "$R" && echo "run-scenario: $name failed; logs in $W" >&2
fi
! grep -qE '^(FAIL|SKIP)' "$R"
