#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the VM's ndctl and daxctl, with libndctl, libdaxctl and libcxl
# (build/ndctl/root), from the Debian ndctl source package pinned in
# tools/ndctl/BASE with tools/ndctl/patches/series applied.  The stock
# daxctl knows the zones Normal and Movable only: it cannot online memory
# into ZONE_NVM, "daxctl list" says only "movable":false for memory there,
# and it warns about a race when the kernel's kmem policy (kmem_zone,
# kmem_default_zone) onlined the memory before it.  The patches add
# --zone=normal|movable|nvm, a "zone" key, the libdaxctl API for both and
# the kmem policy.  build/ndctl/test gets ndctl's own test of that flow
# (test/daxctl-devices.sh and test/common) for the daxctl VM scenario.
#
# The source comes from apt (deb-src of bookworm main; as root, the script
# adds /etc/apt/sources.list.d/nvmzone-src.sources when no such deb-src is
# configured, as scripts/util-linux.sh does) and is kept in build/ndctl/dl.
# Only what the VM needs is built, with meson: ndctl and daxctl, cxl (meson
# installs the three together) and their libraries; no documentation, tests,
# systemd units or libtracefs.  keyutils stays on as in Debian's build: 76.1
# does not build without it (its stub of ndctl_dimm_remove_key() takes one
# argument, the caller passes two).  They are installed into build/ndctl/root
# as Debian lays them out (/usr/bin, /usr/lib/<multiarch>), the test into
# build/ndctl/test.  DOCS=1 also builds the daxctl man pages into
# build/ndctl/man (needs asciidoctor, which scripts/deps.sh does not install).
#
# Exit status: 0 built or reused; 2 the pinned source cannot be had from
# apt (scripts/initramfs.sh then falls back to the host's ndctl and daxctl,
# loudly); 1 anything else (a checksum, a patch that does not apply, the
# build).  Idempotent: a build made from the same BASE, series, patches and
# script is reused (FORCE=1 rebuilds).
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
srclist=/etc/apt/sources.list.d/nvmzone-src.sources
docs=${DOCS:-0}
[ "$docs" = 0 ] || docs=1

die() { printf 'ndctl: error: %s\n' "$*" >&2; exit 1; }
unavailable() { printf 'ndctl: error: %s\n' "$*" >&2; exit 2; }
say() { printf 'ndctl: %s\n' "$*"; }
sha_of() { sha256sum "$1" | cut -d' ' -f1; }

# shellcheck disable=SC1090
. <(grep -E '^(PACKAGE|VERSION|SHA256|DSC_SHA256|DEBIAN_PATCHES)=' "$base")
[ -n "${PACKAGE:-}" ] && [ -n "${VERSION:-}" ] && [ -n "${SHA256:-}" ] && [ -n "${DSC_SHA256:-}" ] ||
	die "tools/ndctl/BASE must set PACKAGE, VERSION, SHA256 and DSC_SHA256"
[ "${DEBIAN_PATCHES:-}" = none ] ||
	die "tools/ndctl/BASE: only a Debian revision without debian/patches (DEBIAN_PATCHES=none) is supported"
orig=${PACKAGE}_${VERSION%-*}.orig.tar.gz
dsc=$dl/${PACKAGE}_$VERSION.dsc
debtar=$dl/${PACKAGE}_$VERSION.debian.tar.xz

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

# apt knows the pinned source version, adding deb-src and updating if not.
ensure_deb_src() {
	apt-cache showsrc "$PACKAGE" 2>/dev/null | grep -qxF "Version: $VERSION" && return 0
	[ "$(id -u)" = 0 ] ||
		unavailable "apt does not know the source of $PACKAGE $VERSION (deb-src); adding it needs root"
	# shellcheck disable=SC2016 # apt's own $(FIELD) syntax
	if ! apt-get indextargets --format '$(RELEASE) $(COMPONENT)' 'Identifier: Sources' 2>/dev/null |
	     grep -qx 'bookworm main'; then
		say "adding deb-src for bookworm main: $srclist"
		cat >"$srclist.tmp" <<-EOF
		# Added by nvmzone (scripts/util-linux.sh, scripts/ndctl.sh): Debian
		# sources, for the VM's lsmem, chmem, ndctl and daxctl.
		Types: deb-src
		URIs: http://deb.debian.org/debian
		Suites: bookworm bookworm-updates
		Components: main
		Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
		EOF
		mv "$srclist.tmp" "$srclist"
	fi
	say "apt-get update"
	apt-get update -qq >"$out/apt-update.log" 2>&1 ||
		say "warning: apt-get update failed (log: build/ndctl/apt-update.log)"
}

# The pinned source files in $dl: the .dsc and the upstream tarball, both
# checked; debian.tar.xz too where apt serves it (it is checked against the
# .dsc and must patch nothing).  No other version: the patches are made
# for this one.
have_source() {
	[ -f "$dsc" ] && [ "$(sha_of "$dsc")" = "$DSC_SHA256" ] &&
		[ -f "$dl/$orig" ] && [ "$(sha_of "$dl/$orig")" = "$SHA256" ]
}
fetch() {
	local tmp sha f
	have_source && return 0
	ensure_deb_src
	rm -rf "$out"/fetch.*
	say "fetching $PACKAGE $VERSION"
	tmp=$(mktemp -d "$out/fetch.XXXXXX")
	# apt-get fails as a whole when one file fails: judge file by file
	(cd "$tmp" && apt-get source --download-only -q "$PACKAGE=$VERSION") >"$out/fetch.log" 2>&1 || true
	for f in "$(basename "$dsc")" "$orig"; do
		if [ ! -f "$tmp/$f" ]; then
			rm -rf "$tmp"
			unavailable "apt-get source $PACKAGE=$VERSION did not bring $f (log: build/ndctl/fetch.log)"
		fi
	done
	sha=$(sha_of "$tmp/$(basename "$dsc")")
	[ "$sha" = "$DSC_SHA256" ] || die "$(basename "$dsc") has sha256 $sha, BASE pins $DSC_SHA256"
	sha=$(sha_of "$tmp/$orig")
	[ "$sha" = "$SHA256" ] || die "$orig has sha256 $sha, BASE pins $SHA256"
	rm -rf "$dl"
	chmod 755 "$tmp"
	mv "$tmp" "$dl"
}

fetch

say "extracting $orig into build/ndctl/src"
rm -rf "$src" "$bld"
mkdir -p "$src"
tar -xzf "$dl/$orig" -C "$src" --strip-components=1 ||
	die "cannot extract $orig"
if [ -f "$debtar" ]; then
	sha=$(sha_of "$debtar")
	grep -qE "^ $sha [0-9]+ $(basename "$debtar")\$" "$dsc" ||
		die "$(basename "$debtar") has sha256 $sha, which $(basename "$dsc") does not list"
	tar -xJf "$debtar" -C "$src" || die "cannot extract $(basename "$debtar")"
	[ ! -s "$src/debian/patches/series" ] ||
		die "Debian $VERSION patches the source (debian/patches/series), BASE says DEBIAN_PATCHES=none"
fi

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
	-Dlibtracefs=disabled -Dtest=disabled -Ddestructive=disabled -Dbashcompletiondir=no \
	-Diniparserdir=iniparser) >"$out/configure.log" 2>&1; then
	tail -n 20 "$out/configure.log" >&2
	die "meson setup failed (log: build/ndctl/configure.log)"
fi
targets=(ndctl/ndctl daxctl/daxctl cxl/cxl)
if [ "$docs" = 1 ]; then
	mapfile -t man < <(ninja -C "$bld" -t targets all | grep -oE '^Documentation/daxctl/[^:]+\.1')
	targets+=("${man[@]}")
fi
if ! nice -n 10 ninja -C "$bld" -j"$(nproc)" "${targets[@]}" >"$out/make.log" 2>&1; then
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
