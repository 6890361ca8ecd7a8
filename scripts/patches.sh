#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Export the commits base..HEAD of build/linux into linux/patches as
# "git format-patch" files, and their order into linux/patches/series.
#
# The output is stable: no commit hashes, no git version signature and no
# "n/m" numbering, so re-exporting an unchanged tree rewrites nothing and
# adding a patch touches only the new file and the series.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
queue=linux
tree=${TREE:-$top/build/linux}
out=$top/$queue/patches

die() { printf 'patches: error: %s\n' "$*" >&2; exit 1; }

[ -d "$tree/.git" ] || die "no tree in $tree: run 'make tree' first"
git -C "$tree" rev-parse -q --verify refs/tags/base >/dev/null || die "$tree has no 'base' tag"
git -C "$tree" diff --quiet HEAD -- || echo "patches: warning: $tree has uncommitted changes; they are not exported" >&2

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
git -C "$tree" format-patch -q --zero-commit --no-signature -N \
	--minimal -o "$tmp" base..HEAD >/dev/null

mkdir -p "$out"
changed=0
: >"$tmp/series"
for f in "$tmp"/*.patch; do
	[ -e "$f" ] || break
	name=$(basename "$f")
	echo "$name" >>"$tmp/series"
	if ! cmp -s "$f" "$out/$name"; then
		cp "$f" "$out/$name"
		echo "patches: wrote $queue/patches/$name"
		changed=$((changed + 1))
	fi
done
for f in "$out"/*.patch; do
	[ -e "$f" ] || break
	if ! grep -qxF "$(basename "$f")" "$tmp/series"; then
		rm -f "$f"
		echo "patches: removed $queue/patches/$(basename "$f")"
		changed=$((changed + 1))
	fi
done
if ! cmp -s "$tmp/series" "$out/series"; then
	cp "$tmp/series" "$out/series"
	changed=$((changed + 1))
fi
# The exported tree is what "make tree" would build: remember it as applied.
git -C "$tree" rev-parse HEAD >"$tree/.git/nvmzone-applied"
echo "patches: $(wc -l <"$out/series") patch(es) in $queue/patches, $changed file(s) changed"
