#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Configure and build the VM kernel in build/linux:
#   tinyconfig + configs/qemu.config + configs/nvm.config
#   + configs/nvm-test.config [+ configs/debug.config]
# then check that every option the fragments ask for is in the final .config,
# because Kconfig silently drops an option whose dependencies are missing.
#
# DEBUG=1 builds the debug variant in build/linux-debug, a git worktree of
# build/linux at its HEAD (commit your work first), so the two kernels do not
# rebuild each other.  BASE=1 builds the unpatched base (the "base" tag,
# empty series) with the same VM configuration minus configs/nvm.config and
# configs/nvm-test.config in
# build/linux-base, for "make bench"; JUMP_LABEL=1 adds CONFIG_JUMP_LABEL=y
# (configs/jump-label.config) in a tree of its own, suffixed -jl, and O2=1
# -O2 (configs/o2.config), suffixed -o2.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
src=$top/build/linux
frags=("$top/configs/qemu.config" "$top/configs/nvm.config" "$top/configs/nvm-test.config")
# EXTRA_CONFIG: one more fragment (used by the harness's own tests);
# CONFIG_ONLY=1: stop after checking the configuration.
[ -z "${EXTRA_CONFIG:-}" ] || frags+=("$EXTRA_CONFIG")

die() { printf 'kernel: error: %s\n' "$*" >&2; exit 1; }

[ -d "$src/.git" ] || die "no tree in $src: run 'make tree' first"
tree=$src rev=
if [ -n "${DEBUG:-}" ] && [ "${DEBUG}" != 0 ]; then
	frags+=("$top/configs/debug.config")
	tree=$top/build/linux-debug
	rev=$(git -C "$src" rev-parse HEAD)
elif [ -n "${BASE:-}" ] && [ "${BASE}" != 0 ]; then
	frags=("$top/configs/qemu.config")
	tree=$top/build/linux-base
	rev=base
fi
# JUMP_LABEL=1: the same kernel with CONFIG_JUMP_LABEL=y, as distributions
# build it, in a tree of its own (build/linux-jl, build/linux-base-jl):
# make bench's icount-jl part.
if [ -n "${JUMP_LABEL:-}" ] && [ "${JUMP_LABEL}" != 0 ]; then
	frags+=("$top/configs/jump-label.config")
	tree=$tree-jl
fi
# O2=1: -O2 instead of -Os (configs/o2.config), suffixed -o2: with
# JUMP_LABEL=1, a kernel built as distributions build it (make bench's
# distro part).
if [ -n "${O2:-}" ] && [ "${O2}" != 0 ]; then
	frags+=("$top/configs/o2.config")
	tree=$tree-o2
fi
# a tree of its own is a worktree at the fork's HEAD unless it has a rev
[ "$tree" = "$src" ] || [ -n "$rev" ] || rev=$(git -C "$src" rev-parse HEAD)
if [ -n "$rev" ]; then
	if [ ! -d "$tree" ]; then
		git -C "$src" worktree prune
		git -C "$src" worktree add -q --detach "$tree" "$rev"
	else
		git -C "$tree" checkout -q --detach "$rev"
	fi
fi

jobs=${JOBS:-$(nproc)}
cc=gcc
command -v ccache >/dev/null && cc="ccache gcc"
# Fixed build identity so that ccache hits across rebuilds and machines.
export KBUILD_BUILD_TIMESTAMP='1970-01-01' KBUILD_BUILD_USER=nvmzone KBUILD_BUILD_HOST=nvmzone
export CCACHE_DIR=${CCACHE_DIR:-$top/build/ccache} CCACHE_BASEDIR=$top/build
export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-5G} CCACHE_SLOPPINESS=time_macros,include_file_mtime,include_file_ctime
kmake() { make -C "$tree" -s ARCH=x86_64 CC="$cc" HOSTCC=gcc "$@"; }

# Build the wanted configuration aside and install it only when it differs,
# so that an unchanged configuration never triggers a rebuild.
cfg=$(mktemp -d)
trap 'rm -rf "$cfg"' EXIT
# tinyconfig is allnoconfig plus the tiny.config fragments; spelled out here
# because the tinyconfig target ignores KCONFIG_CONFIG.
kmake KCONFIG_CONFIG="$cfg/.config" allnoconfig >/dev/null
"$tree/scripts/kconfig/merge_config.sh" -m -O "$cfg" "$cfg/.config" \
	"$tree/kernel/configs/tiny.config" "$tree/arch/x86/configs/tiny.config" \
	"${frags[@]}" >"$cfg/merge.log" 2>&1 ||
	{ cat "$cfg/merge.log" >&2; die "merge_config.sh failed"; }
kmake KCONFIG_CONFIG="$cfg/.config" olddefconfig >>"$cfg/merge.log" 2>&1 ||
	{ cat "$cfg/merge.log" >&2; die "olddefconfig failed"; }

# Every request must have taken.
bad=0
while IFS= read -r line; do
	case "$line" in
	CONFIG_*=*)
		sym=${line%%=*}
		if ! grep -qxF "$line" "$cfg/.config"; then
			got=$(grep -E "^$sym=|^# $sym is not set" "$cfg/.config" || echo "absent")
			echo "kernel: error: $line requested, got: $got" >&2
			bad=1
		fi ;;
	"# CONFIG_"*" is not set")
		sym=${line#\# }
		sym=${sym%% *}
		if grep -qE "^$sym=" "$cfg/.config"; then
			echo "kernel: error: $line requested, got: $(grep -E "^$sym=" "$cfg/.config")" >&2
			bad=1
		fi ;;
	esac
done < <(cat "${frags[@]}")
[ "$bad" = 0 ] || die "some requested options did not take (missing dependencies?)"

[ -z "${CONFIG_ONLY:-}" ] || { echo "kernel: configuration checked"; exit 0; }
if ! cmp -s "$cfg/.config" "$tree/.config"; then
	cp "$cfg/.config" "$tree/.config"
	echo "kernel: configuration updated"
fi
kmake olddefconfig >/dev/null
echo "kernel: building $(kmake kernelrelease) in ${tree#$top/} with $jobs jobs"
kmake -j"$jobs" bzImage modules
echo "kernel: $tree/arch/x86/boot/bzImage"
