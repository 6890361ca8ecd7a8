# SPDX-License-Identifier: GPL-2.0
# make bench, guest side, under -icount shift=0 (one CPU): allocbench's
# "ns" counts guest instructions.  Order 0 and order 9, GFP_KERNEL, with
# nothing of the fork in use; three runs per boot.
. /nvmtest/lib.sh
for rep in 1 2 3; do
	for o in 0 9; do
		n=200000
		[ "$o" = 0 ] || n=4000
		insmod /nvmtest/allocbench.ko mode=normal order=$o cpus=1 iters=$n || exit 1
		rmmod allocbench
	done
done
dmesg | grep -o 'allocbench: mode=.*'
