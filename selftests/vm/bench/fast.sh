# SPDX-License-Identifier: GPL-2.0
# make bench, guest side: the allocator fast path with nothing of the fork in
# use.  Order 0 and order 9 (pageblock), one CPU and both, GFP_KERNEL, each
# measured three times per boot.  Prints the allocbench lines.
. /nvmtest/lib.sh
for rep in 1 2 3; do
	for o in 0 9; do
		n=200000
		[ "$o" = 0 ] || n=4000
		for c in 1 2; do
			insmod /nvmtest/allocbench.ko mode=normal order=$o cpus=$c iters=$n || exit 1
			rmmod allocbench
		done
	done
done
dmesg | grep -o 'allocbench: mode=.*'
