#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the test VM's initramfs (build/initramfs.cpio, uncompressed newc):
# busybox-static, bash, the real clients (setpriv, and ndctl, daxctl, lsmem
# and chmem patched for ZONE_NVM) with every shared library they load, the
# kernel's modules, our guest test scripts and kselftest programs, the
# upstream memory-hotplug selftest and ndctl's daxctl test.
#
# DEBUG=1 takes the modules from the debug kernel (build/linux-debug), BASE=1
# from the unpatched base (build/linux-base, for make bench); JUMP_LABEL=1
# from the -jl variant of either (build/initramfs[-base]-jl.cpio).
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
ktree=$top/build/linux
out=$top/build/initramfs.cpio
if [ -n "${DEBUG:-}" ] && [ "${DEBUG}" != 0 ]; then
	ktree=$top/build/linux-debug
	out=$top/build/initramfs-debug.cpio
elif [ -n "${BASE:-}" ] && [ "${BASE}" != 0 ]; then
	ktree=$top/build/linux-base
	out=$top/build/initramfs-base.cpio
fi
# JUMP_LABEL=1: the -jl variant of that tree (scripts/kernel.sh)
if [ -n "${JUMP_LABEL:-}" ] && [ "${JUMP_LABEL}" != 0 ]; then
	ktree=$ktree-jl
	out=${out%.cpio}-jl.cpio
fi
# O2=1: the -o2 variant (scripts/kernel.sh)
if [ -n "${O2:-}" ] && [ "${O2}" != 0 ]; then
	ktree=$ktree-o2
	out=${out%.cpio}-o2.cpio
fi
# KTREE=DIR OUT=FILE: another kernel tree (a bench experiment)
[ -z "${KTREE:-}" ] || { ktree=$(realpath "$KTREE"); out=$(realpath -m "${OUT:?OUT= is needed with KTREE=}"); }
root=${out%.cpio}.d

die() { printf 'initramfs: error: %s\n' "$*" >&2; exit 1; }

[ -f "$ktree/arch/x86/boot/bzImage" ] || die "no kernel in $ktree: run 'make kernel' first"
[ -x /bin/busybox ] || die "busybox-static is not installed"

rm -rf "$root"
mkdir -p "$root"/{bin,sbin,etc,proc,sys,dev,tmp,run,root,mnt,lib,lib64,usr/bin,usr/sbin,usr/lib}

# busybox and its applets; real programs installed below take precedence.
cp /bin/busybox "$root/bin/busybox"
for applet in $(/bin/busybox --list); do
	[ "$applet" = busybox ] || ln -sf busybox "$root/bin/$applet"
done

# Real programs and the libraries they need (ldd, plus the ones they dlopen).
copy_lib() {
	local lib=$1 dest
	dest=$root$lib
	[ -e "$dest" ] && return 0
	mkdir -p "$(dirname "$dest")"
	cp -L "$lib" "$dest"
}
copy_prog() {
	local prog dest lib
	prog=$(command -v "$1") || die "$1 is not installed"
	prog=$(readlink -f "$prog")
	dest=$root/bin/$(basename "$1")
	rm -f "$dest"
	cp "$prog" "$dest"
	for lib in $(ldd "$prog" | grep -oE '/[^ ]+' || true); do
		copy_lib "$lib"
	done
}
for p in bash setpriv; do
	copy_prog "$p"
done
# ndctl, daxctl and their libraries that know ZONE_NVM (make ndctl), never
# the host's: the libraries go where Debian's are, so that the nvmzone CLI
# loads this libdaxctl too.  ndctl's own test of daxctl comes along, with jq,
# which it needs.  Only when the pinned source (tools/ndctl/BASE) cannot be
# downloaded (scripts/ndctl.sh exits 2) do the host's ndctl and daxctl go in
# instead, and the daxctl scenario fails.
ndrc=0
"$top/scripts/ndctl.sh" || ndrc=$?
nd=$top/build/ndctl
ndlib=$nd/root/usr/lib/$(gcc -print-multiarch)
case $ndrc in
0)
	mkdir -p "$root/lib/$(basename "$ndlib")"
	for p in ndctl daxctl; do
		install -m 0755 "$nd/root/usr/bin/$p" "$root/bin/$p"
		for lib in $(LD_LIBRARY_PATH=$ndlib ldd "$nd/root/usr/bin/$p" | grep -oE '/[^ ]+' || true); do
			case $lib in
			"$ndlib"/*) cp -L "$lib" "$root/lib/$(basename "$ndlib")/$(basename "$lib")" ;;
			*) copy_lib "$lib" ;;
			esac
		done
	done
	mkdir -p "$root/nvmtest/ndctl"
	install -m 0755 "$nd/test/daxctl-devices.sh" "$root/nvmtest/ndctl/"
	install -m 0644 "$nd/test/common" "$root/nvmtest/ndctl/"
	;;
2)
	cat >&2 <<-EOF
	################################################################
	initramfs: WARNING: no patched ndctl/daxctl (scripts/ndctl.sh could
	initramfs: WARNING: not fetch the pinned source): the VM gets the
	initramfs: WARNING: host's, which do not know ZONE_NVM.
	################################################################
	EOF
	copy_prog ndctl
	copy_prog daxctl
	;;
*) die "cannot build ndctl and daxctl (scripts/ndctl.sh)" ;;
esac
copy_prog jq
# lsmem and chmem that know ZONE_NVM (make util-linux), never the host's.
"$top/scripts/util-linux.sh" || die "cannot build the patched lsmem and chmem (scripts/util-linux.sh)"
copy_prog "$top/build/util-linux/bin/lsmem"
copy_prog "$top/build/util-linux/bin/chmem"
# Our CLI, built against the libdaxctl that goes in (make ndctl's, which
# onlines into ZONE_NVM) when there is one, else as make nvmzone builds it.
mkdir -p "$top/build/nvmzone-vm"
daxroot=
[ "$ndrc" != 0 ] || daxroot=$nd/root
make -s -C "$top/tools/nvmzone" BIN="$top/build/nvmzone-vm/nvmzone" \
	${daxroot:+DAXCTL_ROOT="$daxroot"} >/dev/null
install -m 0755 "$top/build/nvmzone-vm/nvmzone" "$root/bin/nvmzone"
# make ndctl's libraries are in already (the host's could not serve it)
for lib in $(LD_LIBRARY_PATH=$ndlib ldd "$top/build/nvmzone-vm/nvmzone" | grep -oE '/[^ ]+' || true); do
	case $lib in
	"$ndlib"/*) ;;
	*) copy_lib "$lib" ;;
	esac
done
# pthread_cancel dlopen()s libgcc_s.
for lib in /lib/x86_64-linux-gnu/libgcc_s.so.1; do
	[ -e "$lib" ] && copy_lib "$lib"
done
ln -sf ../bin/bash "$root/usr/bin/bash"
ln -sf ../bin/busybox "$root/usr/bin/env"
ln -sf ../bin/modprobe "$root/sbin/modprobe"

# Modules, with modules.builtin: libdaxctl asks libkmod for "kmem" even when
# it is built in, and fails without these files.
make -C "$ktree" -s ARCH=x86_64 INSTALL_MOD_PATH="$root" INSTALL_MOD_STRIP=1 \
	DEPMOD=/sbin/depmod modules_install >/dev/null
krel=$(make -C "$ktree" -s ARCH=x86_64 kernelrelease)
rm -f "$root/lib/modules/$krel/build" "$root/lib/modules/$krel/source"

# The allocator microbenchmark of make bench, built out of tree against
# this kernel (with the kernel's compiler, so that it loads without a taint).
bdir=${out%.cpio}.bench
rm -rf "$bdir"
mkdir -p "$bdir" "$root/nvmtest"
cp "$top/bench/allocbench.c" "$top/bench/Makefile" "$bdir/"
bcc=gcc
command -v ccache >/dev/null && bcc="ccache gcc"
make -C "$ktree" -s ARCH=x86_64 CC="$bcc" M="$bdir" modules >/dev/null
install -m 0644 "$bdir/allocbench.ko" "$root/nvmtest/allocbench.ko"

cat >"$root/etc/passwd" <<EOF
root:x:0:0:root:/root:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
EOF
cat >"$root/etc/group" <<EOF
root:x:0:
nogroup:x:65534:
EOF
echo "$krel" >"$root/etc/nvmtest-kernel"

# Our tests: the VM init, guest scenario scripts, kselftest programs.
install -m 0755 "$top/selftests/vm/init" "$root/init"
mkdir -p "$root/nvmtest"
cp -r "$top/selftests/vm/guest/." "$root/nvmtest/"
make -s -C "$top/selftests/nvm" KSFT_DIR="$ktree/tools/testing/selftests" \
	OUTPUT="$root/nvmtest/bin" >/dev/null
mkdir -p "$root/nvmtest/upstream/memory-hotplug"
cp "$ktree/tools/testing/selftests/memory-hotplug/mem-on-off-test.sh" \
	"$root/nvmtest/upstream/memory-hotplug/"
# The curated upstream mm selftests (selftests/vm/upstream/tests), built
# static from this kernel's tools/testing/selftests/mm and uapi headers.
msrc=$ktree/tools/testing/selftests/mm
[ -d "$msrc" ] || die "no tools/testing/selftests/mm in ${ktree#$top/}"
make -C "$ktree" -s ARCH=x86_64 headers >/dev/null
udir=$root/nvmtest/upstream/vm
utests=$(sed -n 's/^[^#][^[:space:]]*[[:space:]]\+[0-9]\+[[:space:]]\+\.\/\([^[:space:]]*\).*/\1/p' \
	"$top/selftests/vm/upstream/tests" | sort -u)
ubins=()
for t in $utests; do
	case $t in
	test_hmm.sh) ubins+=("$udir/hmm-tests") ;;
	*.sh) ;;
	*) ubins+=("$udir/$t") ;;
	esac
done
mkdir -p "$udir"
# -include kselftest.h: 6.12.118's khugepaged.c returns KSFT_SKIP (a stable
# backport) without including the header that defines it.
make -C "$msrc" -s OUTPUT="$udir" EXTRA_CFLAGS="-static -include $msrc/../kselftest.h" \
	KHDR_INCLUDES="-isystem $ktree/usr/include" "${ubins[@]}" >"${out%.cpio}.vmtests.log" 2>&1 ||
	{ tail -n 20 "${out%.cpio}.vmtests.log" >&2; die "cannot build the upstream mm selftests"; }
for t in $utests; do
	case $t in
	*.sh) install -m 0755 "$msrc/$t" "$udir/$t" ;;
	esac
done
install -m 0644 "$top/selftests/vm/upstream/tests" "$top/selftests/vm/upstream/baseline" \
	"$root/nvmtest/upstream/"

(cd "$root" && find . -print0 | LC_ALL=C sort -z |
	cpio --null -o -H newc --owner=0:0 --quiet) >"$out.tmp"
mv "$out.tmp" "$out"
echo "initramfs: $out ($(du -h "$out" | cut -f1), kernel $krel)"
