#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make run: boot the fork in a VM shape; the default, demo, has ZONE_NVM
# (at boot and hot-added) and mirrored memory in use
# (selftests/vm/scenarios/demo.conf).
#   scripts/run.sh SCENARIO ""        interactive shell (or, when stdin is not
#                                     a terminal, the memory summary)
#   scripts/run.sh SCENARIO SCRIPT    run SCRIPT in the guest, print its
#                                     output, exit with its status
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
scenario=${1:-demo}
script=${2:-}
sfx=
[ -z "${DEBUG:-}" ] || [ "$DEBUG" = 0 ] || sfx=-debug
args=(-k "$top/build/linux$sfx/arch/x86/boot/bzImage" -r "$top/build/initramfs$sfx.cpio"
	-o "$top/build/vm/run-$scenario")
out=$top/build/vm/run-$scenario

if [ -n "$script" ]; then
	[ -f "$script" ] || { echo "run: no such script: $script" >&2; exit 2; }
	bash "$top/selftests/vm/run-scenario.sh" -q -m run -s "$script" "${args[@]}" "$scenario"
	# The summary, then the script's output, as the guest printed them.
	sed -n '/^@@BEGIN /,/^@@RUN-BEGIN$/p' "$out/console.txt" | sed '1d;$d'
	cat "$out/run.txt"
	grep -E '^FAIL' "$out/results" | sed 's/^/run: /' >&2
	exit "$(cat "$out/run.status")"
elif [ -t 0 ]; then
	exec bash "$top/selftests/vm/run-scenario.sh" -m shell "${args[@]}" "$scenario"
else
	bash "$top/selftests/vm/run-scenario.sh" -q -m summary "${args[@]}" "$scenario"
	rc=$?
	sed -n '/^@@BEGIN /,/^@@DMESG-BEGIN$/p' "$out/console.txt" | sed '1d;$d'
	grep -E '^FAIL' "$out/results" | sed 's/^/run: /' >&2
	exit $rc
fi
