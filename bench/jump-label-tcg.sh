#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Is a static-key flip safe in this QEMU?  Builds bench/jlstress.c against a
# kernel tree built with CONFIG_JUMP_LABEL=y, packs it with busybox into a
# small initramfs and boots the tree's kernel (2 CPUs) BOOTS times per key
# and TCG mode: each boot flips the key FLIPS times while the other CPU
# allocates pages through the key's patched sites.  Keys: 0 zone_nvm_key
# (the fork only), 1 stock init_on_alloc, 2 the module's own; modes: "multi"
# (one host thread per vCPU, the test VMs' default) and "single".  Prints a
# line per boot and the crashes per key and mode.  Not part of make test.
#
#   bench/jump-label-tcg.sh KERNEL_TREE [BOOTS [FLIPS]]   (default 3 400)
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
ktree=$(realpath "${1:?usage: $0 KERNEL_TREE [BOOTS [FLIPS]]}")
boots=${2:-3} flips=${3:-400}
kernel=$ktree/arch/x86/boot/bzImage
out=$top/build/bench/jump-label
die() { echo "jump-label-tcg: $*" >&2; exit 2; }

[ -f "$kernel" ] || die "no kernel in $ktree"
grep -qx CONFIG_JUMP_LABEL=y "$ktree/.config" || die "$ktree is not built with CONFIG_JUMP_LABEL=y"
rm -rf "$out"
mkdir -p "$out/mod" "$out/root/bin" "$out/root/proc"
cp "$top/bench/jlstress.c" "$out/mod/"
echo 'obj-m := jlstress.o' >"$out/mod/Makefile"
make -C "$ktree" -s ARCH=x86_64 M="$out/mod" modules >"$out/build.log" 2>&1 ||
	{ cat "$out/build.log" >&2; die "cannot build jlstress.ko"; }
cp /bin/busybox "$out/root/bin/"
cp "$out/mod/jlstress.ko" "$out/root/"
cat >"$out/root/init" <<'EOI'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
set -- $(cat /proc/cmdline)
for a; do case $a in jlstress.*) opts="$opts ${a#jlstress.}" ;; esac; done
insmod /jlstress.ko $opts
echo "jlstress: insmod exit status $?"
poweroff -f
EOI
chmod 0755 "$out/root/init"
(cd "$out/root" && find . | cpio -o -H newc --owner=0:0 --quiet) >"$out/initrd.cpio"

keys="1 2"
grep -qx CONFIG_ZONE_NVM=y "$ktree/.config" && keys="0 1 2"
for mode in multi single; do
	for k in $keys; do
		crashed=0
		for b in $(seq "$boots"); do
			log=$out/$mode-key$k-$b.log
			timeout 300 qemu-system-x86_64 -accel "tcg,thread=$mode" -cpu max \
				-smp 2,sockets=2 -m 1G -no-reboot -display none -monitor none \
				-kernel "$kernel" -initrd "$out/initrd.cpio" -serial "file:$log" \
				-append "console=ttyS0 panic=-1 loglevel=6 jlstress.key=$k jlstress.flips=$flips" \
				</dev/null >/dev/null 2>&1
			# -ECANCELED is how the module says it finished its flips
			if grep -q "flips done" "$log" && grep -q "insmod exit status" "$log" &&
				! grep -qE 'Oops|int3:|BUG|WARNING|Call Trace' "$log"; then
				echo "ok    $mode key=$k boot $b"
			else
				crashed=$((crashed + 1))
				echo "crash $mode key=$k boot $b: $(grep -m1 -E '^RIP' "$log" || echo 'no RIP (see log)') (${log#$top/})"
			fi
		done
		echo "$mode key=$k: $crashed of $boots boots crashed" >>"$out/summary"
	done
done
echo
cat "$out/summary"
