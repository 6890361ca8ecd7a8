#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make crossbuild: the series on the architectures a distribution builds,
# with the cross-compilers Debian ships.  For each architecture, its
# defconfig in a tree of its own (build/cross/ARCH, O= of build/linux): the
# fork's features on where Kconfig offers them (configs/nvm.config merged;
# ZONE_NVM and MEMORY_MIRROR depend on X86_64 today, so they stay off
# elsewhere) and what the series touches (configs/cross.config: memory
# hot-plug, dax/kmem, libnvdimm, memcg, THP, ...), then every .c file the series changes that the configuration
# builds (kbuild's dry run of their directories says which) is compiled,
# with W=1 for the files the series adds; the others are counted.  Then the uapi
# numbers: MADV_NVM, MADV_NVM_STRICT and MADV_NONVM must come out of every
# architecture's <asm/mman.h> (headers_install), with the same values.
#
# debian-amd64 is Debian's own amd64 configuration (configs/debian), with
# configs/nvm.config only: the series as Debian would build it (MAXSMP,
# JUMP_LABEL, deferred struct page init, memcg, MGLRU, ...).
#
# Prints "PASS crossbuild: ARCH ..." or "FAIL crossbuild: ARCH ..." per
# architecture, and "NOTE crossbuild: ARCH: not judged" where the unpatched
# base itself does not build (then nothing is claimed for it); exits 1 when
# any failed.  CROSS_ARCHES="arm64 alpha" picks
# some; logs in build/cross/ARCH.log.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
ktree=$top/build/linux
out=$top/build/cross
jobs=${JOBS:-$(nproc)}

# Debian architecture: kernel ARCH, cross prefix (none: the host's gcc), defconfig
declare -A karch=(
	[amd64]=x86 [debian-amd64]=x86 [arm64]=arm64 [armhf]=arm [ppc64el]=powerpc [s390x]=s390
	[riscv64]=riscv [mips64el]=mips [alpha]=alpha [hppa]=parisc
)
declare -A prefix=(
	[amd64]= [debian-amd64]= [arm64]=aarch64-linux-gnu- [armhf]=arm-linux-gnueabihf-
	[ppc64el]=powerpc64le-linux-gnu- [s390x]=s390x-linux-gnu-
	[riscv64]=riscv64-linux-gnu- [mips64el]=mips64el-linux-gnuabi64-
	[alpha]=alpha-linux-gnu- [hppa]=hppa-linux-gnu-
)
declare -A defconfig=(
	[amd64]=x86_64_defconfig [debian-amd64]=configs/debian/amd64.config [arm64]=defconfig [armhf]=multi_v7_defconfig
	[ppc64el]=ppc64le_defconfig [s390x]=defconfig [riscv64]=defconfig
	[mips64el]=64r2el_defconfig [alpha]=defconfig [hppa]=generic-32bit_defconfig
)
arches=${CROSS_ARCHES:-amd64 debian-amd64 arm64 armhf ppc64el s390x riscv64 mips64el alpha hppa}

[ -d "$ktree/.git" ] || { echo "crossbuild: no kernel tree: run 'make tree' first" >&2; exit 1; }
base=$(git -C "$ktree" rev-parse --verify -q base) || { echo "crossbuild: build/linux has no base tag" >&2; exit 1; }
# the series' C files, and those it adds (W=1 for them)
mapfile -t changed < <(git -C "$ktree" diff --name-only --diff-filter=AM "$base" HEAD -- '*.c' | grep -v '^tools/')
mapfile -t added < <(git -C "$ktree" diff --name-only --diff-filter=A "$base" HEAD -- '*.c')
is_added() { local f; for f in "${added[@]}"; do [ "$f" = "$1" ] && return 0; done; return 1; }

# O= builds need a source tree that was never configured: build/linux is
# the VM kernel's, so a worktree of it at the same commit
mkdir -p "$out"
src=$out/src
head=$(git -C "$ktree" rev-parse HEAD)
if ! git -C "$src" rev-parse -q --verify HEAD >/dev/null 2>&1; then
	rm -rf "$src"
	git -C "$ktree" worktree prune
	git -C "$ktree" worktree add -q --detach "$src" "$head" >/dev/null 2>&1 ||
		{ echo "crossbuild: cannot make a worktree of build/linux in $src" >&2; exit 1; }
fi
git -C "$src" checkout -q --detach "$head" ||
	{ echo "crossbuild: cannot check out $head in $src" >&2; exit 1; }
git -C "$src" clean -qfdx

export CCACHE_DIR=${CCACHE_DIR:-$top/build/ccache} CCACHE_BASEDIR=$top/build
ccache=
command -v ccache >/dev/null && ccache="ccache "

# base_prepares ARCH: the base, unpatched, configures and prepares
base_prepares() {
	local a=$1 o=$out/$1-base rc=0
	local mk=(make -s -C "$src" O="$o" ARCH="${karch[$a]}" CROSS_COMPILE="${prefix[$a]}" CC="${ccache}${prefix[$a]}gcc" -j"$jobs")

	git -C "$src" checkout -q --detach "$base" || return 0
	mkdir -p "$o"
	{ "${mk[@]}" "${defconfig[$a]}" && "${mk[@]}" prepare; } >"$out/$a-base.log" 2>&1 || rc=1
	git -C "$src" checkout -q --detach "$head"
	return $rc
}
# base_error ARCH: its first compiler error, shortly
base_error() {
	grep -m1 -oE '[^ /]+\.[ch]:[0-9]+:[0-9]+: error: .*' "$out/$1-base.log" | cut -c1-160
}

failed=0
for a in $arches; do
	[ -n "${karch[$a]:-}" ] || { echo "FAIL crossbuild: $a: unknown architecture"; failed=1; continue; }
	p=${prefix[$a]}
	o=$out/$a
	log=$out/$a.log
	if ! command -v "${p}gcc" >/dev/null; then
		echo "FAIL crossbuild: $a: no ${p}gcc (scripts/deps.sh installs gcc-${p%-})"
		failed=1
		continue
	fi
	t0=$(date +%s)
	mk=(make -s -C "$src" O="$o" ARCH="${karch[$a]}" CROSS_COMPILE="$p" CC="${ccache}${p}gcc" -j"$jobs")
	: >"$log"
	mkdir -p "$o"
	# a defconfig target, or a distribution's whole configuration (a file
	# of configs/, which needs no additions: it has what it has)
	case ${defconfig[$a]} in
	configs/*) conf=(cp "$top/${defconfig[$a]}" "$o/.config") frags=() ;;
	*) conf=("${mk[@]}" "${defconfig[$a]}") frags=("$top/configs/cross.config") ;;
	esac
	if ! { "${conf[@]}" &&
	       "$src/scripts/kconfig/merge_config.sh" -m -O "$o" "$o/.config" "$top/configs/nvm.config" "${frags[@]}" &&
	       "${mk[@]}" olddefconfig &&
	       "${mk[@]}" prepare; } >>"$log" 2>&1; then
		# the base alone, in a tree of its own: a base that does not
		# build is not the series' failure, but nothing was judged
		if ! base_prepares "$a"; then
			echo "NOTE crossbuild: $a: not judged: the unpatched base does not build ${defconfig[$a]} either ($(base_error "$a")); log: build/cross/$a-base.log"
			continue
		fi
		echo "FAIL crossbuild: $a: configuring and preparing the tree (log: build/cross/$a.log)"
		failed=1
		continue
	fi
	feat=
	for c in ZONE_NVM MEMORY_MIRROR; do
		grep -q "^CONFIG_$c=y" "$o/.config" && feat+=" $c"
	done
	# what this configuration builds of the directories the series
	# touches, as kbuild's dry run says (-o DIR/FILE.o; the series' objects
	# are removed first, as a dry run lists only what it would rebuild;
	# ccache makes them again cheaply); another architecture's files never
	dirs=()
	for f in "${changed[@]}"; do
		case $f in arch/*) [ "${f#arch/"${karch[$a]}"/}" != "$f" ] || continue ;; esac
		dirs+=("$(dirname "$f")/")
	done
	mapfile -t dirs < <(printf '%s\n' "${dirs[@]}" | sort -u)
	for f in "${changed[@]}"; do
		rm -f "$o/${f%.c}.o"
	done
	objs=$("${mk[@]}" -k -n "${dirs[@]}" 2>>"$log" | grep -oE ' -o [^ ]+\.o( |$)' | sed 's/^ -o //; s/ $//' | sort -u)
	# those of the series' files, in one make each (-j): W=1 for the new
	# files; an object that is not there afterwards did not compile
	built=0 skipped=0 bad=() plain=() wone=()
	for f in "${changed[@]}"; do
		if ! grep -qxF "${f%.c}.o" <<<"$objs"; then
			skipped=$((skipped + 1))
		elif is_added "$f"; then
			wone+=("${f%.c}.o")
		else
			plain+=("${f%.c}.o")
		fi
	done
	[ ${#plain[@]} = 0 ] || "${mk[@]}" -k "${plain[@]}" >>"$log" 2>&1
	[ ${#wone[@]} = 0 ] || "${mk[@]}" -k W=1 "${wone[@]}" >>"$log" 2>&1
	for obj in "${plain[@]}" "${wone[@]}"; do
		if [ -f "$o/$obj" ]; then
			built=$((built + 1))
		else
			bad+=("${obj%.o}.c")
		fi
	done
	# the uapi numbers, from the installed headers of this architecture
	uapi=ok
	if "${mk[@]}" headers_install INSTALL_HDR_PATH="$o/usr" >>"$log" 2>&1; then
		got=$(printf '#include <asm/mman.h>\nMADV_NVM MADV_NVM_STRICT MADV_NONVM\n' |
			"${p}gcc" -E -P -nostdinc -I"$o/usr/include" -x c - 2>>"$log" | tail -n 1)
		[ "$got" = "0x4e564d01 0x4e564d02 0x4e564d03" ] || uapi="MADV_NVM* from <asm/mman.h>: '$got'"
	else
		uapi="headers_install failed"
	fi
	# where Kconfig offers the features (x86_64), the merge must keep every
	# option configs/nvm.config asks for, as make kernel checks its own
	want=ok
	if [ "${karch[$a]}" = x86 ]; then
		lost=$(grep -E '^CONFIG_[A-Z0-9_]+=' "$top/configs/nvm.config" | grep -vxFf "$o/.config" | tr '\n' ' ')
		[ -z "$lost" ] || want="configs/nvm.config asks for what the merge lost: $lost"
	fi
	dt=$(( $(date +%s) - t0 ))
	what="${defconfig[$a]}, features:${feat:- none}; $built series files built, $skipped not in this config (${dt}s)"
	if [ ${#bad[@]} = 0 ] && [ "$uapi" = ok ] && [ "$want" = ok ] && [ "$built" -gt 0 ]; then
		echo "PASS crossbuild: $a: $what"
	else
		[ ${#bad[@]} = 0 ] || what+="; failed: ${bad[*]}"
		[ "$uapi" = ok ] || what+="; $uapi"
		[ "$want" = ok ] || what+="; $want"
		echo "FAIL crossbuild: $a: $what (log: build/cross/$a.log)"
		failed=1
	fi
done
exit $failed
