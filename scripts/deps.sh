#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Install what building and testing the fork needs, from Debian's apt, when
# it is missing.  The kernel source package itself is installed (pinned) by
# scripts/tree.sh.
set -euo pipefail

pkgs=(
	# kernel build
	build-essential bc bison flex libelf-dev libssl-dev kmod cpio xz-utils
	git python3 python3-ply python3-git perl ccache rsync
	# the VM and what runs in it
	qemu-system-x86 busybox-static ndctl daxctl util-linux bash
	# EFI firmware for the mirror-efi scenarios (efi_fake_mem=)
	ovmf
	# the nvmzone CLI
	libsmartcols-dev libdaxctl-dev libndctl-dev pkg-config
	# lsmem and chmem for the VM, from Debian's util-linux source
	dpkg-dev patch
	# ndctl and daxctl for the VM, from upstream ndctl v81 as Debian's archive
	# serves it (scripts/ndctl.sh; no documentation; v81's cxl needs
	# libtracefs), and jq for ndctl's own test
	meson ninja-build libkmod-dev libudev-dev uuid-dev libjson-c-dev libiniparser-dev
	libkeyutils-dev libtracefs-dev libtraceevent-dev jq
	# the upstream mm selftests (migration and ksm_tests link libnuma)
	libnuma-dev
	# make crossbuild: the series on the other architectures Debian builds
	gcc-aarch64-linux-gnu gcc-arm-linux-gnueabihf gcc-powerpc64le-linux-gnu
	gcc-s390x-linux-gnu gcc-riscv64-linux-gnu gcc-mips64el-linux-gnuabi64
	gcc-alpha-linux-gnu gcc-hppa-linux-gnu
)
missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} = 0 ] && exit 0
[ "$(id -u)" = 0 ] || { echo "deps: missing ${missing[*]}; run as root to install them" >&2; exit 1; }
echo "deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# the downloaded .deb files are not needed once installed: CI's disk is
# shared with everything else the machine holds
apt-get clean
