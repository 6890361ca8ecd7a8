#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Materialise the fork in build/linux: the pristine Debian source of
# linux/BASE committed and tagged "base", with linux/patches/series applied
# on top by "git am".
#
# Idempotent. An existing tree is reused when its base matches linux/BASE
# and the commits base..HEAD are exactly the series (compared by patch-id, so
# a tree whose work has been exported by "make patches" is also reused).
# A tree holding commits that are not in the series is never thrown away:
# the script stops and says so (FORCE=1 re-creates it).
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
queue=linux
tree=${TREE:-$top/build/linux}
patches=$top/$queue/patches
series=$patches/series

die() { printf 'tree: error: %s\n' "$*" >&2; exit 1; }
say() { printf 'tree: %s\n' "$*"; }

# shellcheck disable=SC1090,SC1091
. <(grep -E '^(PACKAGE|VERSION|SHA256)=' "$top/$queue/BASE")
[ -n "${PACKAGE:-}" ] && [ -n "${VERSION:-}" ] && [ -n "${SHA256:-}" ] ||
	die "$queue/BASE must set PACKAGE, VERSION and SHA256"
tarball=/usr/src/$PACKAGE.tar.xz

series_files() {
	local p
	[ -f "$series" ] || return 0
	while read -r p; do
		p=${p%%#*}
		p=${p//[[:space:]]/}
		[ -n "$p" ] || continue
		[ -f "$patches/$p" ] || die "series names $p, which is not in $queue/patches"
		printf '%s\n' "$patches/$p"
	done <"$series"
}

install_base() {
	local have
	have=$(dpkg-query -W -f='${Status} ${Version}' "$PACKAGE" 2>/dev/null || true)
	if [ "$have" = "install ok installed $VERSION" ] && [ -f "$tarball" ]; then
		return 0
	fi
	[ "$(id -u)" = 0 ] || die "$PACKAGE $VERSION is not installed and installing needs root"
	say "installing $PACKAGE=$VERSION"
	export DEBIAN_FRONTEND=noninteractive
	if ! apt-get install -y --allow-downgrades "$PACKAGE=$VERSION" >/dev/null 2>&1; then
		apt-get update >/dev/null 2>&1 || true
		if ! apt-get install -y --allow-downgrades "$PACKAGE=$VERSION" >/dev/null 2>&1; then
			cat >&2 <<-EOF
			################################################################
			tree: WARNING: $PACKAGE=$VERSION is no longer served by apt.
			tree: WARNING: falling back to the newest $PACKAGE available.
			tree: WARNING: the fork is NOT built on its pinned base; update
			tree: WARNING: $queue/BASE and rebase the series.
			################################################################
			EOF
			apt-get install -y "$PACKAGE" >/dev/null || die "cannot install $PACKAGE"
			FALLBACK=1
		fi
	fi
	[ -f "$tarball" ] || die "$PACKAGE installed but $tarball is missing"
	apt-get clean
}

tree_ok() {
	local want have
	[ -d "$tree/.git" ] || return 1
	git -C "$tree" rev-parse -q --verify refs/tags/base >/dev/null || return 1
	# The base commit records the tarball checksum it was made from.
	git -C "$tree" log -1 --format=%B base | grep -qx "sha256: $expected_sha" || return 1
	want=$(series_files | while read -r p; do git -C "$tree" patch-id --stable <"$p" | cut -d' ' -f1; done)
	have=$(git -C "$tree" rev-list --reverse base..HEAD | while read -r c; do
		git -C "$tree" show "$c" | git -C "$tree" patch-id --stable | cut -d' ' -f1; done)
	[ "$want" = "$have" ] && return 0
	[ -n "${FORCE:-}" ] && return 1
	# Commits that are not in the series: someone's kernel work.  Keep it.
	if [ -n "$(git -C "$tree" rev-list base..HEAD)" ] &&
	   [ "$(git -C "$tree" rev-parse HEAD)" != "$(cat "$tree/.git/nvmzone-applied" 2>/dev/null)" ]; then
		die "${tree#$top/} has commits that are not in $queue/patches/series; export them with 'make patches' (or re-create the tree with FORCE=1)"
	fi
	# The tree is exactly what we applied last time: re-apply the new series.
	say "series changed: re-applying on base"
	git -C "$tree" reset -q --hard base
	apply_series
	return 0
}

apply_series() {
	local p
	git -C "$tree" am --abort >/dev/null 2>&1 || true
	while read -r p; do
		if ! git -C "$tree" am -q --keep-cr "$p" >/dev/null 2>&1; then
			git -C "$tree" am --abort >/dev/null 2>&1 || true
			die "patch does not apply: $queue/patches/$(basename "$p")"
		fi
	done < <(series_files)
	git -C "$tree" rev-parse HEAD >"$tree/.git/nvmzone-applied"
	say "applied $(series_files | wc -l) patch(es) on base"
}

FALLBACK=
install_base
expected_sha=$SHA256
actual_sha=$(sha256sum "$tarball" | cut -d' ' -f1)
if [ "$actual_sha" != "$SHA256" ]; then
	[ -n "$FALLBACK" ] || die "$tarball has sha256 $actual_sha, $queue/BASE pins $SHA256"
	say "WARNING: building on $actual_sha instead of the pinned base"
	expected_sha=$actual_sha
fi

if tree_ok; then
	say "${tree#$top/} matches $queue/BASE and the series; reused"
	exit 0
fi

say "extracting $tarball into $tree"
rm -rf "$tree"
mkdir -p "$tree"
tar -xJf "$tarball" -C "$tree" --strip-components=1
git -C "$tree" init -q
git -C "$tree" config core.autocrlf false
git -C "$tree" config gc.auto 0
# Kernel-style identity for commits made in the tree, if the user has none.
git -C "$tree" config user.name >/dev/null || git -C "$tree" config user.name "nvmzone developers"
git -C "$tree" config user.email >/dev/null || git -C "$tree" config user.email "nvmzone@localhost"
git -C "$tree" add -A -f .
pkgver=$(dpkg-query -W -f='${Version}' "$PACKAGE")
git -C "$tree" commit -q --no-verify -m "base: $PACKAGE $pkgver" -m "sha256: $expected_sha"
git -C "$tree" tag -f base >/dev/null
apply_series
