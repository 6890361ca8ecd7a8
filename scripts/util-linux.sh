#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the VM's lsmem and chmem (build/util-linux/bin) from the Debian
# util-linux source package pinned in tools/util-linux/BASE, with
# tools/util-linux/patches/series applied: the stock tools know only the
# zones DMA, DMA32, Normal, Highmem, Movable and Device, show ZONE_NVM as
# "Unknown" and refuse "chmem -z NVM".
#
# The source comes from apt (deb-src of bookworm main; as root, the script
# adds /etc/apt/sources.list.d/nvmzone-src.sources when no such deb-src is
# configured) and is kept in build/util-linux/dl.  dpkg-source -x unpacks it
# with Debian's own patches into build/util-linux/src, where only lsmem,
# chmem and what they need are configured and built.  libsmartcols is
# linked statically: the binaries need nothing but libc.
#
# Idempotent: a build made from the same BASE, series, patches and script
# is reused (FORCE=1 rebuilds).  Patches may touch sources only: the build
# system is not regenerated (no autotools needed).
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
self=$top/scripts/util-linux.sh
base=$top/tools/util-linux/BASE
patches=$top/tools/util-linux/patches
series=$patches/series
out=$top/build/util-linux
dl=$out/dl
src=$out/src
srclist=/etc/apt/sources.list.d/nvmzone-src.sources
progs=(lsmem chmem)

die() { printf 'util-linux: error: %s\n' "$*" >&2; exit 1; }
say() { printf 'util-linux: %s\n' "$*"; }
sha_of() { sha256sum "$1" | cut -d' ' -f1; }

# shellcheck disable=SC1090
. <(grep -E '^(PACKAGE|VERSION|SHA256|DSC_SHA256)=' "$base")
[ -n "${PACKAGE:-}" ] && [ -n "${VERSION:-}" ] && [ -n "${SHA256:-}" ] && [ -n "${DSC_SHA256:-}" ] ||
	die "tools/util-linux/BASE must set PACKAGE, VERSION, SHA256 and DSC_SHA256"
orig=${PACKAGE}_${VERSION%-*}.orig.tar.xz
dsc=$dl/${PACKAGE}_$VERSION.dsc

[ -f "$series" ] || die "tools/util-linux/patches/series is missing"
pfiles=()
while read -r p; do
	p=${p%%#*}
	p=${p//[[:space:]]/}
	[ -n "$p" ] || continue
	[ -f "$patches/$p" ] || die "series names $p, which is not in tools/util-linux/patches"
	pfiles+=("$patches/$p")
done <"$series"

mkdir -p "$out"
exec 9>"$out/.lock"
flock 9

want=$(cat "$base" "$self" "$series" "${pfiles[@]}" | sha256sum | cut -d' ' -f1)
if [ -z "${FORCE:-}" ] && [ "$(cat "$out/stamp" 2>/dev/null)" = "$want" ] &&
   [ -x "$out/bin/lsmem" ] && [ -x "$out/bin/chmem" ]; then
	say "build/util-linux matches BASE and the series; reused"
	exit 0
fi
rm -f "$out/stamp"
t0=$(date +%s)

# apt knows the pinned source version, adding deb-src and updating if not.
ensure_deb_src() {
	apt-cache showsrc "$PACKAGE" 2>/dev/null | grep -qxF "Version: $VERSION" && return 0
	[ "$(id -u)" = 0 ] || die "apt does not know the source of $PACKAGE $VERSION (deb-src); adding it needs root"
	# shellcheck disable=SC2016 # apt's own $(FIELD) syntax
	if ! apt-get indextargets --format '$(RELEASE) $(COMPONENT)' 'Identifier: Sources' 2>/dev/null |
	     grep -qx 'bookworm main'; then
		say "adding deb-src for bookworm main: $srclist"
		cat >"$srclist.tmp" <<-EOF
		# Added by nvmzone (scripts/util-linux.sh): Debian sources, for the
		# VM's lsmem and chmem built from util-linux.
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
		say "warning: apt-get update failed (log: build/util-linux/apt-update.log)"
}

# The source files in $dl: the pinned version, or (with a loud warning) the
# newest one apt serves, whose upstream tarball must still be the pinned one.
fetch() {
	local tmp sha
	if [ -f "$dsc" ] && [ "$(sha_of "$dsc")" = "$DSC_SHA256" ] &&
	   [ -f "$dl/$orig" ] && [ "$(sha_of "$dl/$orig")" = "$SHA256" ]; then
		return 0
	fi
	ensure_deb_src
	rm -rf "$out"/fetch.*
	say "fetching $PACKAGE $VERSION"
	tmp=$(mktemp -d "$out/fetch.XXXXXX")
	if ! (cd "$tmp" && apt-get source --download-only -q "$PACKAGE=$VERSION") >"$out/fetch.log" 2>&1; then
		cat >&2 <<-EOF
		################################################################
		util-linux: WARNING: $PACKAGE=$VERSION is not served by apt.
		util-linux: WARNING: falling back to the newest $PACKAGE source;
		util-linux: WARNING: update tools/util-linux/BASE.
		################################################################
		EOF
		rm -rf "$tmp"
		tmp=$(mktemp -d "$out/fetch.XXXXXX")
		(cd "$tmp" && apt-get source --download-only -q "$PACKAGE") >>"$out/fetch.log" 2>&1 ||
			die "apt-get source $PACKAGE failed (log: build/util-linux/fetch.log)"
		dsc=$(ls "$tmp"/*.dsc)
		dsc=$dl/$(basename "$dsc")
	else
		sha=$(sha_of "$tmp/$(basename "$dsc")")
		[ "$sha" = "$DSC_SHA256" ] || die "$(basename "$dsc") has sha256 $sha, BASE pins $DSC_SHA256"
	fi
	[ -f "$tmp/$orig" ] || die "the $PACKAGE source has no $orig: its upstream version changed; update BASE"
	sha=$(sha_of "$tmp/$orig")
	[ "$sha" = "$SHA256" ] || die "$orig has sha256 $sha, BASE pins $SHA256"
	rm -rf "$dl"
	chmod 755 "$tmp"
	mv "$tmp" "$dl"
}

fetch

say "extracting $(basename "$dsc") into build/util-linux/src"
rm -rf "$src"
dpkg-source --no-copy -x "$dsc" "$src" >"$out/extract.log" 2>&1 ||
	die "dpkg-source -x failed (log: build/util-linux/extract.log)"
# One old timestamp for the whole tree, so that make never tries to
# regenerate configure or Makefile.in after Debian's patches (which touch
# configure.ac and Makefile.am), and ccache sees no "too new" files.
find "$src" -exec touch -h -d "@$(dpkg-parsechangelog -l "$src/debian/changelog" -STimestamp)" {} +

for p in "${pfiles[@]}"; do
	if grep -qE '^\+\+\+ b/(.*/)?(configure\.ac|Makefile\.am|[^/]*\.m4)$' "$p"; then
		die "$(basename "$p") changes the build system, which this script does not regenerate"
	fi
	patch -d "$src" -p1 -N -s -F 0 --no-backup-if-mismatch <"$p" >"$out/patch.log" 2>&1 ||
		die "patch does not apply: tools/util-linux/patches/$(basename "$p") (log: build/util-linux/patch.log)"
done

cc=gcc
command -v ccache >/dev/null && cc="ccache gcc"
export CCACHE_DIR=${CCACHE_DIR:-$top/build/ccache} CCACHE_BASEDIR=$top/build
export CCACHE_SLOPPINESS=time_macros,include_file_mtime,include_file_ctime

# Everything off but lsmem, chmem and libsmartcols (lsmem's tables).
say "configuring and building ${progs[*]}"
if ! (cd "$src" && nice -n 10 ./configure -q CC="$cc" \
	--disable-all-programs --enable-lsmem --enable-chmem --enable-libsmartcols \
	--disable-shared --enable-static --disable-nls --disable-asciidoc \
	--disable-poman --disable-bash-completion --disable-makeinstall-chown \
	--disable-makeinstall-setuid --without-systemd --without-udev \
	--without-python --without-readline --without-ncursesw --without-ncurses \
	--without-tinfo --without-libz --without-libmagic --without-cap-ng \
	--without-user --without-btrfs --without-econf --without-selinux \
	--without-audit --without-utempter --without-smack --without-cryptsetup) \
	>"$out/configure.log" 2>&1; then
	tail -n 20 "$out/configure.log" >&2
	die "configure failed (log: build/util-linux/configure.log)"
fi
if ! (cd "$src" && nice -n 10 make -j"$(nproc)" "${progs[@]}") >"$out/make.log" 2>&1; then
	tail -n 20 "$out/make.log" >&2
	die "build failed (log: build/util-linux/make.log)"
fi

mkdir -p "$out/bin"
for p in "${progs[@]}"; do
	# A real program, not a libtool wrapper, and no library of the build tree.
	cmp -s -n 4 <(printf '\177ELF') "$src/$p" || die "$p is not an ELF program"
	! ldd "$src/$p" | grep -qF "$out" || die "$p links a library of build/util-linux"
	"$src/$p" --version >/dev/null || die "$p does not run"
	cp "$src/$p" "$out/bin/$p.tmp"
	mv "$out/bin/$p.tmp" "$out/bin/$p"
done
echo "$want" >"$out/stamp"
say "built ${progs[*]} ($(basename "$dsc" .dsc), ${#pfiles[@]} patch(es)) in $(( $(date +%s) - t0 ))s"
