// SPDX-License-Identifier: GPL-2.0
/*
 * nvm_hold - hold checksummed anonymous memory placed in ZONE_NVM while the
 * test script hot-removes memory under it.
 *
 *   nvm_hold [--no-place] [--node N] MIB
 *
 * Turns on PR_SET_NVM_PLACEMENT (unless --no-place), binds the memory to
 * node N with mbind(MPOL_BIND) when asked, maps MIB MiB of
 * anonymous memory, fills every page with a pattern derived from its index,
 * and prints "ready PAGES NVM" (pages, and pages whose frame lies in a
 * ZONE_NVM of /proc/zoneinfo).  Then it reads commands from stdin:
 *
 *   check START END   verify every page; print "ok NVM INRANGE" where
 *                     INRANGE counts the pages whose frame lies in the
 *                     physical range [START, END) (hex), or "bad N" with
 *                     the number of corrupted pages
 *   pin N             take a reference on each of the first N pages by
 *                     vmsplice()ing them into a pipe that nobody reads,
 *                     so that they cannot migrate; print "pinned N"
 *   unpin             close the pipe, dropping the references; "unpinned"
 *   quit
 *
 * Frames come from /proc/self/pagemap (root only).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "nvm_util.h"

#ifndef PR_SET_NVM_PLACEMENT
#define PR_SET_NVM_PLACEMENT		0x4e564d01
#define PR_NVM_PLACEMENT_PREFERRED	1
#endif

static long psize;

static uint64_t pattern(size_t page, size_t word)
{
	uint64_t x = (page + 1) * 0x9e3779b97f4a7c15ULL ^ (word * 0xbf58476d1ce4e5b9ULL);

	return x ^ (x >> 31);
}

static uint64_t frame(int fd, void *addr)
{
	uint64_t e;

	if (pread(fd, &e, sizeof(e), (uintptr_t)addr / psize * sizeof(e)) != sizeof(e))
		return 0;
	if (!(e & (1ULL << 63)))
		return 0;
	return e & ((1ULL << 55) - 1);
}

/*
 * vmsplice() without SPLICE_F_GIFT takes a reference on each page (as
 * get_user_pages() does for direct I/O) and holds it while the pipe holds
 * the buffer: migration, and so offlining, cannot move the pages meanwhile.
 */
static void pin_pages(char *mem, size_t n, int pin[2])
{
	size_t done = 0;

	if (pin[0] < 0 && pipe(pin)) {
		printf("error pipe: %s\n", strerror(errno));
		goto out;
	}
	/* room for n pages: pipe-max-size is 1 MiB by default */
	if (fcntl(pin[1], F_SETPIPE_SZ, (int)(n * psize)) < 0 &&
	    fcntl(pin[1], F_SETPIPE_SZ, 1 << 20) < 0) {
		printf("error F_SETPIPE_SZ: %s\n", strerror(errno));
		goto out;
	}
	while (done < n) {
		struct iovec iov = {
			.iov_base = mem + done * psize,
			.iov_len = psize,
		};
		ssize_t r = vmsplice(pin[1], &iov, 1, SPLICE_F_NONBLOCK);

		if (r <= 0)
			break;
		done++;
	}
	printf("pinned %zu\n", done);
out:
	fflush(stdout);
}

int main(int argc, char **argv)
{
	int place = 1, node = -1, fd;
	size_t pages, i, w, words, n;
	int pin[2] = { -1, -1 };
	uint64_t *mem;
	char cmd[128];

	for (;;) {
		if (argc > 1 && !strcmp(argv[1], "--no-place")) {
			place = 0;
		} else if (argc > 2 && !strcmp(argv[1], "--node")) {
			node = atoi(argv[2]);
			argv++;
			argc--;
		} else {
			break;
		}
		argv++;
		argc--;
	}
	if (argc != 2 || atol(argv[1]) <= 0 || node < -1 || node > 63) {
		fprintf(stderr, "usage: nvm_hold [--no-place] [--node N] MIB\n");
		return 2;
	}
	psize = sysconf(_SC_PAGESIZE);
	pages = (size_t)atol(argv[1]) * (1 << 20) / psize;
	words = psize / sizeof(uint64_t);
	if (place && prctl(PR_SET_NVM_PLACEMENT, PR_NVM_PLACEMENT_PREFERRED, 0, 0, 0)) {
		printf("error prctl: %s\n", strerror(errno));
		return 1;
	}
	mem = mmap(NULL, pages * psize, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED) {
		printf("error mmap: %s\n", strerror(errno));
		return 1;
	}
	/* No THP: one frame per page keeps the accounting simple */
	madvise(mem, pages * psize, MADV_NOHUGEPAGE);
	if (node >= 0) {
		unsigned long mask = 1UL << node;

		/* mbind(MPOL_BIND): no libnuma in the initramfs */
		if (syscall(SYS_mbind, mem, pages * psize, 2, &mask, 64, 0)) {
			printf("error mbind: %s\n", strerror(errno));
			return 1;
		}
	}
	for (i = 0; i < pages; i++)
		for (w = 0; w < words; w++)
			mem[i * words + w] = pattern(i, w);
	fd = open("/proc/self/pagemap", O_RDONLY);
	if (fd < 0) {
		printf("error pagemap: %s\n", strerror(errno));
		return 1;
	}
	if (nvm_read_zoneinfo() < 0) {
		perror("nvm_hold: /proc/zoneinfo");
		return 1;
	}
	{
		size_t in = 0;

		for (i = 0; i < pages; i++)
			in += pfn_in_nvm(frame(fd, (char *)mem + i * psize));
		printf("ready %zu %zu\n", pages, in);
		fflush(stdout);
	}
	while (fgets(cmd, sizeof(cmd), stdin)) {
		unsigned long long s, e;
		size_t bad = 0, in = 0, inrange = 0;

		if (!strncmp(cmd, "quit", 4))
			break;
		if (sscanf(cmd, "pin %zu", &n) == 1) {
			pin_pages((char *)mem, n > pages ? pages : n, pin);
			continue;
		}
		if (!strncmp(cmd, "unpin", 5)) {
			if (pin[0] >= 0) {
				close(pin[0]);
				close(pin[1]);
				pin[0] = pin[1] = -1;
			}
			printf("unpinned\n");
			fflush(stdout);
			continue;
		}
		if (sscanf(cmd, "check %llx %llx", &s, &e) != 2) {
			printf("error bad command\n");
			fflush(stdout);
			continue;
		}
		nvm_read_zoneinfo();
		for (i = 0; i < pages; i++) {
			uint64_t pfn = frame(fd, (char *)mem + i * psize);

			for (w = 0; w < words; w++)
				if (mem[i * words + w] != pattern(i, w)) {
					bad++;
					break;
				}
			in += pfn_in_nvm(pfn);
			if (pfn * psize >= s && pfn * psize < e)
				inrange++;
		}
		if (bad)
			printf("bad %zu\n", bad);
		else
			printf("ok %zu %zu\n", in, inrange);
		fflush(stdout);
	}
	return 0;
}
