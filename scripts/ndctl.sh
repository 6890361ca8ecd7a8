#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the VM's ndctl and daxctl, with libndctl, libdaxctl and libcxl
# (build/ndctl/root), from the ndctl source pinned in tools/ndctl/BASE
# (upstream v81's tarball as Debian's archive serves it) with
# tools/ndctl/patches/series applied.  The stock daxctl knows the zones
# Normal and Movable only: it cannot online memory into ZONE_NVM, "daxctl
# list" says only "movable":false for memory there, and it warns about a
# race when the kernel's kmem policy (kmem_zone, kmem_default_zone) onlined
# the memory before it.  The patches add --zone=normal|movable|nvm, a "zone"
# key, the libdaxctl API for both and the kmem policy.  build/ndctl/test
# gets ndctl's own test of that flow (test/daxctl-devices.sh and
# test/common) for the daxctl VM scenario.
#
# The source is downloaded from the pool URL in BASE (deb.debian.org; not
# "apt-get source": the archive serves no .dsc for it, see BASE), with
# apt-helper, which every Debian system has and which follows apt's proxy
# configuration, or curl or wget where apt-helper is missing; it is checked
# against BASE's SHA256 and kept in build/ndctl/dl.  Only what the VM needs
# is built, with meson: ndctl and daxctl, cxl (meson installs the three
# together) and their libraries; no documentation, tests or systemd units.
# libtracefs and keyutils stay on as in Debian's build: v81's cxl does not
# build without libtracefs (cxl/json.c includes tracefs.h whatever
# -Dlibtracefs says), and neither ndctl nor daxctl links it.  They are installed into
# build/ndctl/root as Debian lays them out (/usr/bin, /usr/lib/<multiarch>),
# the test into build/ndctl/test.  DOCS=1 also builds the daxctl man pages
# into build/ndctl/man (needs asciidoctor, which scripts/deps.sh does not
# install).
#
# Exit status: 0 built or reused; 2 the pinned source cannot be downloaded
# (scripts/initramfs.sh then falls back to the host's ndctl and daxctl,
# loudly); 1 anything else (a checksum, a patch that does not apply, the
# build).  Idempotent: a build made from the same BASE, series, patches and
# script is reused (FORCE=1 rebuilds).  JOBS sets ninja's parallelism
# (default: nproc).
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
self=$top/scripts/ndctl.sh
base=$top/tools/ndctl/BASE
patches=$top/tools/ndctl/patches
series=$patches/series
out=$top/build/ndctl
dl=$out/dl
src=$out/src
bld=$out/build
docs=${DOCS:-0}
[ "$docs" = 0 ] || docs=1

die() { printf 'ndctl: error: %s\n' "$*" >&2; exit 1; }
unavailable() { printf 'ndctl: error: %s\n' "$*" >&2; exit 2; }
say() { printf 'ndctl: %s\n' "$*"; }
sha_of() { sha256sum "$1" | cut -d' ' -f1; }

# shellcheck disable=SC1090
. <(grep -E '^(PACKAGE|VERSION|URL|SHA256)=' "$base")
for v in PACKAGE VERSION URL SHA256; do
	[ -n "${!v:-}" ] || die "tools/ndctl/BASE must set PACKAGE, VERSION, URL and SHA256"
done
orig=$(basename "$URL")
case $orig in
*.tar.gz) ;;
*) die "tools/ndctl/BASE: URL must name a .tar.gz" ;;
esac

[ -f "$series" ] || die "tools/ndctl/patches/series is missing"
pfiles=()
while read -r p; do
	p=${p%%#*}
	p=${p//[[:space:]]/}
	[ -n "$p" ] || continue
	[ -f "$patches/$p" ] || die "series names $p, which is not in tools/ndctl/patches"
	pfiles+=("$patches/$p")
done <"$series"

mkdir -p "$out"
exec 9>"$out/.lock"
flock 9

want=$( (cat "$base" "$self" "$series" "${pfiles[@]}"; echo "docs=$docs") | sha256sum | cut -d' ' -f1)
if [ -z "${FORCE:-}" ] && [ "$(cat "$out/stamp" 2>/dev/null)" = "$want" ] &&
   [ -x "$out/root/usr/bin/daxctl" ] && [ -x "$out/root/usr/bin/ndctl" ]; then
	say "build/ndctl matches BASE and the series; reused"
	exit 0
fi
rm -f "$out/stamp"
t0=$(date +%s)

# The pinned tarball in $dl, checked.  No other version: the patches are
# made for this one.
have_source() {
	[ -f "$dl/$orig" ] && [ "$(sha_of "$dl/$orig")" = "$SHA256" ]
}
download() { # URL FILE
	local helper=/usr/lib/apt/apt-helper
	if [ -x "$helper" ]; then
		"$helper" download-file "$1" "$2" "SHA256:$SHA256"
	elif command -v curl >/dev/null; then
		curl -fsSL --retry 3 -o "$2" "$1"
	elif command -v wget >/dev/null; then
		wget -q --tries=3 -O "$2" "$1"
	else
		echo "no apt-helper, curl or wget" >&2
		return 1
	fi
}
fetch() {
	local tmp sha
	have_source && return 0
	rm -rf "$out"/fetch.*
	say "fetching $URL"
	tmp=$(mktemp -d "$out/fetch.XXXXXX")
	# 0755 as the rest of build/, not mktemp's 0700 (as root, apt-helper
	# warns that it downloads unsandboxed, as _apt cannot write here)
	chmod 755 "$tmp"
	if ! download "$URL" "$tmp/$orig" >"$out/fetch.log" 2>&1 || [ ! -s "$tmp/$orig" ]; then
		rm -rf "$tmp"
		grep -q 'Hash Sum mismatch' "$out/fetch.log" &&
			die "$orig does not have the sha256 that BASE pins, $SHA256 (log: build/ndctl/fetch.log)"
		unavailable "cannot download $URL (log: build/ndctl/fetch.log)"
	fi
	sha=$(sha_of "$tmp/$orig")
	if [ "$sha" != "$SHA256" ]; then
		rm -rf "$tmp"
		die "$orig has sha256 $sha, BASE pins $SHA256"
	fi
	rm -rf "$dl"
	mv "$tmp" "$dl"
}

fetch

say "extracting $orig into build/ndctl/src"
rm -rf "$src" "$bld"
mkdir -p "$src"
tar -xzf "$dl/$orig" -C "$src" --strip-components=1 ||
	die "cannot extract $orig"

for p in "${pfiles[@]}"; do
	patch -d "$src" -p1 -N -s -F 0 --no-backup-if-mismatch <"$p" >"$out/patch.log" 2>&1 ||
		die "patch does not apply: tools/ndctl/patches/$(basename "$p") (log: build/ndctl/patch.log)"
done

cc=gcc
command -v ccache >/dev/null && cc="ccache gcc"
export CCACHE_DIR=${CCACHE_DIR:-$top/build/ccache} CCACHE_BASEDIR=$top/build
export CCACHE_SLOPPINESS=time_macros,include_file_mtime,include_file_ctime
multiarch=$(gcc -print-multiarch)
# Debian's flags (debian/rules: hardening=+all)
flags() { DEB_BUILD_MAINT_OPTIONS=hardening=+all dpkg-buildflags --get "$1"; }
mesondocs=disabled
[ "$docs" = 0 ] || mesondocs=enabled

say "configuring and building ndctl, daxctl and their libraries"
# -Dversion-tag: the version says what this is, and meson does not ask git
# (the source lies inside this repository's work tree).
if ! (cd "$src" && CC="$cc" CFLAGS="$(flags CFLAGS) $(flags CPPFLAGS)" LDFLAGS="$(flags LDFLAGS)" \
	nice -n 10 meson setup "$bld" --buildtype=plain --prefix=/usr --libdir="lib/$multiarch" \
	-Drootlibdir="/usr/lib/$multiarch" -Dversion-tag="$VERSION+nvmzone" \
	-Ddocs="$mesondocs" -Dasciidoctor="$mesondocs" -Dsystemd=disabled -Dkeyutils=enabled \
	-Dlibtracefs=enabled -Dtest=disabled -Ddestructive=disabled -Dbashcompletiondir=no \
	-Diniparserdir=iniparser) >"$out/configure.log" 2>&1; then
	tail -n 20 "$out/configure.log" >&2
	die "meson setup failed (log: build/ndctl/configure.log)"
fi
targets=(ndctl/ndctl daxctl/daxctl cxl/cxl)
if [ "$docs" = 1 ]; then
	mapfile -t man < <(ninja -C "$bld" -t targets all | grep -oE '^Documentation/daxctl/[^:]+\.1')
	targets+=("${man[@]}")
fi
if ! nice -n 10 ninja -C "$bld" -j"${JOBS:-$(nproc)}" "${targets[@]}" >"$out/make.log" 2>&1; then
	tail -n 20 "$out/make.log" >&2
	die "build failed (log: build/ndctl/make.log)"
fi

# Programs and libraries only (no headers, pkg-config files, udev rules or
# configuration), with meson's build-tree RUNPATH removed.
rm -rf "$out/root.tmp"
if ! meson install -C "$bld" --no-rebuild --tags runtime --destdir "$out/root.tmp" \
	>"$out/install.log" 2>&1; then
	tail -n 20 "$out/install.log" >&2
	die "meson install failed (log: build/ndctl/install.log)"
fi
lib=$out/root.tmp/usr/lib/$multiarch
for p in ndctl daxctl; do
	bin=$out/root.tmp/usr/bin/$p
	cmp -s -n 4 <(printf '\177ELF') "$bin" || die "$p is not an ELF program"
	! readelf -d "$bin" | grep -qE 'R(UN)?PATH' || die "$p keeps a RUNPATH"
	deps=$(LD_LIBRARY_PATH=$lib ldd "$bin")
	for l in libndctl.so.6 libdaxctl.so.1; do
		[ -e "$lib/$l" ] || die "$l was not installed"
		grep -qF "$l => $lib/$l" <<<"$deps" || die "$p does not load the $l of the build"
	done
	LD_LIBRARY_PATH=$lib "$bin" --version >/dev/null || die "$p does not run"
done
# libdaxctl's header, for nvmzone built against this libdaxctl
# (tools/nvmzone's DAXCTL_ROOT): it is what finds the ZONE_NVM API
install -D -m 0644 "$src/daxctl/libdaxctl.h" "$out/root.tmp/usr/include/daxctl/libdaxctl.h"
rm -rf "$out/root" "$out/test" "$out/man"
mv "$out/root.tmp" "$out/root"
mkdir -p "$out/test"
install -m 0755 "$src/test/daxctl-devices.sh" "$out/test/"
install -m 0644 "$src/test/common" "$out/test/"
if [ "$docs" = 1 ]; then
	mkdir -p "$out/man"
	cp "$bld"/Documentation/daxctl/*.1 "$out/man/"
fi
echo "$want" >"$out/stamp"
say "built ndctl and daxctl $(LD_LIBRARY_PATH=$out/root/usr/lib/$multiarch "$out/root/usr/bin/daxctl" --version) (${#pfiles[@]} patch(es)) in $(( $(date +%s) - t0 ))s"
