# SPDX-License-Identifier: GPL-2.0
# make bench, guest side: the allocator fast path with nothing of the fork in
# use.  Order 0 and order 9 (pageblock), on one CPU and on two when the
# guest has them (the icount shape has one), GFP_KERNEL, each measured
# three times per boot.  Prints the allocbench lines.
. /nvmtest/lib.sh
ncpu=$(grep -c '^processor' /proc/cpuinfo)
cpus=1
[ "$ncpu" -lt 2 ] || cpus="1 2"
for rep in 1 2 3; do
	for o in 0 9; do
		n=200000
		[ "$o" = 0 ] || n=4000
		for c in $cpus; do
			insmod /nvmtest/allocbench.ko mode=normal order=$o cpus=$c iters=$n || exit 1
			rmmod allocbench
		done
	done
done
dmesg | grep -o 'allocbench: mode=.*'
