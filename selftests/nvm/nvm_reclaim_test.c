// SPDX-License-Identifier: GPL-2.0
/*
 * Reclaim of ZONE_NVM: kswapd and direct reclaim must reclaim ZONE_NVM
 * pages for __GFP_NVM requests, and only ZONE_NVM pages when only ZONE_NVM
 * is short.
 *
 * The fixture turns swap on: a zram device (CONFIG_ZRAM, built in) of 2 GiB
 * with a swap header written here (the initramfs has no mkswap), and turns
 * it off and resets the device afterwards.  Every page holds one 64-bit
 * value repeated, so that zram stores it as a same-filled page (cheap under
 * TCG); every page is read back (swapped in) and checked at the end.
 *
 *   kswapd_restores_nvm_watermark: MADV_NVM faults 16 MiB beyond the free
 *     ZONE_NVM memory (they fall back to DRAM, without direct reclaim):
 *     kswapd must bring every ZONE_NVM zone back to its low watermark by
 *     swapping, and swap no page of an older DRAM range.
 *   strict_reclaim_takes_nvm_pages_only: MADV_NVM_STRICT faults 64 MiB
 *     beyond the managed ZONE_NVM memory succeed (direct reclaim swaps
 *     ZONE_NVM pages; no SIGBUS), and no page of an older DRAM range is
 *     swapped.
 *
 * Needs root and populated ZONE_NVM zones (the nvm scenario).
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "nvm_util.h"

#define MIB		(1UL << 20)
#define ZRAM_SIZE	(2UL << 30)
#define ZRAM_CONTROL	"/sys/class/zram-control"

static long psize;

/* --- /proc files ------------------------------------------------------- */

/* A populated or empty ZONE_NVM zone of /proc/zoneinfo */
struct nvm_zone {
	int node;
	long free, min, low, high, managed;
};

static struct nvm_zone nz[NVM_MAX_ZONES];
static int nr_nz;

/*
 * Read every "Node N, zone      NVM" section of /proc/zoneinfo into nz[]:
 * "  pages free N", then the min, low, high, ..., managed lines.  Returns
 * the number of zones, -1 when /proc/zoneinfo cannot be read.
 */
static int read_nvm_zones(void)
{
	FILE *f = fopen("/proc/zoneinfo", "r");
	char line[256], zone[32];
	struct nvm_zone *z = NULL;
	int node;
	long v;

	nr_nz = 0;
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "Node %d, zone %31s", &node, zone) == 2) {
			z = NULL;
			if (!strcmp(zone, "NVM") && nr_nz < NVM_MAX_ZONES) {
				z = &nz[nr_nz++];
				memset(z, 0, sizeof(*z));
				z->node = node;
			}
			continue;
		}
		if (!z)
			continue;
		if (sscanf(line, "  pages free %ld", &v) == 1)
			z->free = v;
		else if (sscanf(line, " min %ld", &v) == 1)
			z->min = v;
		else if (sscanf(line, " low %ld", &v) == 1)
			z->low = v;
		else if (sscanf(line, " high %ld", &v) == 1)
			z->high = v;
		else if (sscanf(line, " managed %ld", &v) == 1)
			z->managed = v;
	}
	fclose(f);
	return nr_nz;
}

/* Sum of "pages free" (@managed 0) or "managed" (1) over the NVM zones */
static long nvm_sum(int managed)
{
	long sum = 0;
	int i;

	for (i = 0; i < nr_nz; i++)
		sum += managed ? nz[i].managed : nz[i].free;
	return sum;
}

/* Every populated NVM zone has free >= low (and there is one) */
static int nvm_at_low(void)
{
	int i, populated = 0;

	for (i = 0; i < nr_nz; i++) {
		if (nz[i].managed <= 0)
			continue;
		populated++;
		if (nz[i].free < nz[i].low)
			return 0;
	}
	return populated > 0;
}

static void log_nvm_zones(struct __test_metadata *_metadata)
{
	int i;

	for (i = 0; i < nr_nz; i++)
		TH_LOG("node %d NVM: free %ld min %ld low %ld high %ld managed %ld",
		       nz[i].node, nz[i].free, nz[i].min, nz[i].low, nz[i].high,
		       nz[i].managed);
}

/* The NVM zones, one "node N: free F low L managed M" each, into @buf */
static void nvm_zones_str(char *buf, size_t size)
{
	size_t len = 0;
	int i;

	buf[0] = 0;
	for (i = 0; i < nr_nz && len < size; i++)
		len += snprintf(buf + len, size - len, "; node %d NVM: free %ld min %ld low %ld managed %ld",
				nz[i].node, nz[i].free, nz[i].min, nz[i].low, nz[i].managed);
}

/* The "Swap:" of the mapping of /proc/self/smaps that starts at @addr, kB; -1 if none */
static long smaps_swap_kb(void *addr)
{
	FILE *f = fopen("/proc/self/smaps", "r");
	char line[512], perms[8];
	unsigned long start, end;
	long kb = -1;
	int in = 0;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		/* "start-end perms ...", or "Name:   value" */
		if (sscanf(line, "%lx-%lx %7s", &start, &end, perms) == 3) {
			in = start == (unsigned long)addr;
			continue;
		}
		if (in && !strncmp(line, "Swap:", 5))
			sscanf(line + 5, "%ld", &kb);
	}
	fclose(f);
	return kb;
}

static long read_long(const char *path)
{
	FILE *f = fopen(path, "r");
	long v = -1;

	if (f) {
		if (fscanf(f, "%ld", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

/* --- memory ------------------------------------------------------------- */

/*
 * An anonymous read-write mapping of @len bytes between two PROT_NONE
 * guard pages: a mapping of its own, which no neighbour merges into, so
 * that its smaps entry starts at the address returned.
 */
static char *map_region(size_t len)
{
	char *raw = mmap(NULL, len + 2 * psize, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (raw == MAP_FAILED)
		return NULL;
	if (mprotect(raw, psize, PROT_NONE) ||
	    mprotect(raw + psize + len, psize, PROT_NONE)) {
		munmap(raw, len + 2 * psize);
		return NULL;
	}
	return raw + psize;
}

static void unmap_region(char *mem, size_t len)
{
	if (mem)
		munmap(mem - psize, len + 2 * psize);
}

/* The value every word of page @p of a region filled with @seed holds */
static uint64_t page_value(size_t p, unsigned int seed)
{
	return (uint64_t)seed << 32 | (uint64_t)(0x5a5a0000UL + p);
}

/* Page @p of the region at @mem: its value in every word (faults it in) */
static void fill_page(char *mem, size_t p, unsigned int seed)
{
	uint64_t *q = (uint64_t *)(mem + p * psize), v = page_value(p, seed);
	size_t w;

	for (w = 0; w < psize / sizeof(uint64_t); w++)
		q[w] = v;
}

static void fill(char *mem, size_t len, unsigned int seed)
{
	size_t p;

	for (p = 0; p < len / psize; p++)
		fill_page(mem, p, seed);
}

/*
 * Read every word of every page back: the pages whose content is wrong,
 * the first of them in *first.  Backwards: the pages touched last are the
 * ones still in memory, and the swap-ins of the first pages then evict
 * pages already checked, not the ones still to check, again and again.
 */
static size_t bad_pages(char *mem, size_t len, unsigned int seed, size_t *first)
{
	size_t p, w, bad = 0, words = psize / sizeof(uint64_t);

	*first = (size_t)-1;
	for (p = len / psize; p-- > 0;) {
		uint64_t *q = (uint64_t *)(mem + p * psize), v = page_value(p, seed);

		for (w = 0; w < words; w++)
			if (q[w] != v) {
				bad++;
				*first = p;
				break;
			}
	}
	return bad;
}

/* --- swap on zram ------------------------------------------------------- */

/* Write @fmt... into @msg (for the fixture's message), return -1 */
static int fail_msg(char *msg, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, size, fmt, ap);
	va_end(ap);
	return -1;
}

/* The swap header of a device of @size bytes into page 0 of @dev */
static int write_swap_header(const char *dev, unsigned long size)
{
	char *page = calloc(1, psize);
	uint32_t info[3] = {
		1,				/* version */
		size / psize - 1,		/* last_page */
		0,				/* nr_badpages */
	};
	int fd, ret = -1;

	if (!page)
		return -1;
	memcpy(page + 1024, info, sizeof(info));	/* after bootbits[1024] */
	memcpy(page + psize - 10, "SWAPSPACE2", 10);
	fd = open(dev, O_RDWR);
	if (fd >= 0) {
		if (pwrite(fd, page, psize, 0) == psize && !fsync(fd))
			ret = 0;
		if (close(fd))
			ret = -1;
	}
	free(page);
	return ret;
}

FIXTURE(reclaim)
{
	int zram;		/* /dev/zramN, -1 before setup chose one */
	int hot_added;		/* hot_add made it: hot_remove it */
	int made_node;		/* we made /dev/zramN */
	int sized;		/* disksize written: reset it */
	int swap_on;
	int ready;		/* not skipped: 6.1's harness runs a test whose setup skipped */
	char dev[32];
	char *dram, *nvm;	/* the test's regions, unmapped by teardown */
	size_t dram_len, nvm_len;
};

static void swap_down(FIXTURE_DATA(reclaim) *self, char *msg, size_t size)
{
	char path[128], n[16];

	msg[0] = 0;
	if (self->swap_on) {
		if (syscall(SYS_swapoff, self->dev))
			fail_msg(msg, size, "swapoff %s: %s", self->dev, strerror(errno));
		else
			self->swap_on = 0;
	}
	if (self->sized && !self->swap_on) {
		snprintf(path, sizeof(path), "/sys/block/zram%d/reset", self->zram);
		if (write_str(path, "1\n"))
			fail_msg(msg, size, "%s: %s", path, strerror(errno));
		else
			self->sized = 0;
	}
	if (self->made_node && !self->swap_on) {
		unlink(self->dev);
		self->made_node = 0;
	}
	if (self->hot_added && !self->sized) {
		snprintf(n, sizeof(n), "%d\n", self->zram);
		if (write_str(ZRAM_CONTROL "/hot_remove", n))
			fail_msg(msg, size, ZRAM_CONTROL "/hot_remove %d: %s",
				 self->zram, strerror(errno));
		else
			self->hot_added = 0;
	}
}

/*
 * A free zram device (zram0 if its disksize is 0, else a hot-added one) of
 * 2 GiB with a swap header, swapped on.  On failure: undone, and -1 with
 * the reason in @msg.
 */
static int swap_up(FIXTURE_DATA(reclaim) *self, char *msg, size_t size)
{
	char path[128], devno[32], undo[256];
	unsigned int major_nr, minor_nr;
	struct stat st;
	long disksize;
	int ret = -1;

	if (!access("/sys/block/zram0", F_OK) && read_long("/sys/block/zram0/disksize") == 0) {
		self->zram = 0;
	} else {
		self->zram = read_long(ZRAM_CONTROL "/hot_add");
		if (self->zram < 0)
			return fail_msg(msg, size, "no free zram0 and no "
					ZRAM_CONTROL "/hot_add: %s", strerror(errno));
		self->hot_added = 1;
	}
	snprintf(self->dev, sizeof(self->dev), "/dev/zram%d", self->zram);

	snprintf(path, sizeof(path), "/sys/block/zram%d/disksize", self->zram);
	if (write_str(path, "2G\n")) {
		fail_msg(msg, size, "%s: 2G: %s", path, strerror(errno));
		goto out;
	}
	self->sized = 1;
	disksize = read_long(path);
	if (disksize != (long)ZRAM_SIZE) {
		fail_msg(msg, size, "%s reads %ld, not %lu", path, disksize, ZRAM_SIZE);
		goto out;
	}

	if (stat(self->dev, &st)) {
		FILE *f;

		snprintf(path, sizeof(path), "/sys/block/zram%d/dev", self->zram);
		f = fopen(path, "r");
		if (!f || !fgets(devno, sizeof(devno), f) ||
		    sscanf(devno, "%u:%u", &major_nr, &minor_nr) != 2) {
			if (f)
				fclose(f);
			fail_msg(msg, size, "%s missing, %s unreadable", self->dev, path);
			goto out;
		}
		fclose(f);
		if (mknod(self->dev, S_IFBLK | 0600, makedev(major_nr, minor_nr))) {
			fail_msg(msg, size, "mknod %s %u:%u: %s", self->dev,
				 major_nr, minor_nr, strerror(errno));
			goto out;
		}
		self->made_node = 1;
	} else if (!S_ISBLK(st.st_mode)) {
		fail_msg(msg, size, "%s is not a block device", self->dev);
		goto out;
	}

	if (write_swap_header(self->dev, disksize)) {
		fail_msg(msg, size, "swap header on %s: %s", self->dev, strerror(errno));
		goto out;
	}
	if (syscall(SYS_swapon, self->dev, 0)) {
		fail_msg(msg, size, "swapon %s: %s", self->dev, strerror(errno));
		goto out;
	}
	self->swap_on = 1;
	ret = 0;
out:
	if (ret) {
		swap_down(self, undo, sizeof(undo));
		if (undo[0] && strlen(msg) + 2 < size)
			snprintf(msg + strlen(msg), size - strlen(msg), "; %s", undo);
	}
	return ret;
}

FIXTURE_SETUP(reclaim)
{
	char msg[512] = "";

	psize = sysconf(_SC_PAGESIZE);
	self->zram = -1;
	if (geteuid())
		SKIP(return, "needs root (swapon, zram, placement)");
	ASSERT_LE(0, read_nvm_zones());
	if (nvm_sum(1) < (long)(64 * MIB / psize))
		SKIP(return, "no ZONE_NVM with 64 MiB of memory");
	/* not placed as a process: only the advised ranges are */
	ASSERT_EQ(0, prctl(0x4e564d01, 0UL, 0UL, 0UL, 0UL));
	ASSERT_EQ(0, swap_up(self, msg, sizeof(msg))) {
		TH_LOG("swap on zram: %s", msg);
	}
	self->ready = 1;
}

FIXTURE_TEARDOWN(reclaim)
{
	char msg[512];

	unmap_region(self->dram, self->dram_len);
	unmap_region(self->nvm, self->nvm_len);
	self->dram = self->nvm = NULL;
	swap_down(self, msg, sizeof(msg));
	/* (no EXPECT_...() { TH_LOG } here: a failed ASSERT leaves its trigger set) */
	if (msg[0])
		TH_LOG("swap off: %s", msg);
	EXPECT_EQ(0, self->swap_on + self->sized + self->hot_added);
}

/*
 * Preferred placement, ZONE_NVM overcommitted by 16 MiB: kswapd, woken by
 * the faults, must reclaim ZONE_NVM pages until every ZONE_NVM zone is at
 * its low watermark again, and leave the DRAM range alone.  (Without the
 * fix kswapd finds the node balanced, its DRAM zones being above their
 * watermarks, and the ZONE_NVM zones stay below low.)
 */
TEST_F_TIMEOUT(reclaim, kswapd_restores_nvm_watermark, 180)
{
	long out0, out1, swap_kb;
	size_t bad, first;
	int i, ok = 0;

	if (!self->ready)
		return;
	self->dram_len = 32 * MIB;
	self->dram = map_region(self->dram_len);
	ASSERT_NE(NULL, self->dram);
	fill(self->dram, self->dram_len, 1);

	ASSERT_LT(0, read_nvm_zones());
	self->nvm_len = nvm_sum(0) * psize + 16 * MIB;
	self->nvm = map_region(self->nvm_len);
	ASSERT_NE(NULL, self->nvm);
	ASSERT_EQ(0, madvise(self->nvm, self->nvm_len, MADV_NVM));
	out0 = vmstat_of("pswpout");
	ASSERT_LE(0, out0);
	fill(self->nvm, self->nvm_len, 2);

	for (i = 0; i < 300 && !ok; i++) {
		ASSERT_LT(0, read_nvm_zones());
		ok = nvm_at_low();
		if (!ok)
			usleep(100000);
	}
	out1 = vmstat_of("pswpout");
	ASSERT_TRUE(ok) {
		TH_LOG("ZONE_NVM below its low watermark 30 s after %zu MiB of MADV_NVM faults (pswpout +%ld):",
		       self->nvm_len / MIB, out1 - out0);
		log_nvm_zones(_metadata);
	}
	ASSERT_LT(out0, out1) {
		TH_LOG("ZONE_NVM at its watermarks but nothing swapped out (pswpout %ld)", out1);
		log_nvm_zones(_metadata);
	}

	swap_kb = smaps_swap_kb(self->dram);
	ASSERT_EQ(0, swap_kb) {
		TH_LOG("smaps Swap: of the DRAM range (not short) is %ld kB (-1: not found): reclaim for ZONE_NVM took DRAM pages",
		       swap_kb);
	}

	bad = bad_pages(self->nvm, self->nvm_len, 2, &first);
	ASSERT_EQ(0UL, bad) {
		TH_LOG("MADV_NVM range: %zu bad pages, the first %zu", bad, first);
	}
	bad = bad_pages(self->dram, self->dram_len, 1, &first);
	ASSERT_EQ(0UL, bad) {
		TH_LOG("DRAM range: %zu bad pages, the first %zu", bad, first);
	}
	unmap_region(self->nvm, self->nvm_len);
	unmap_region(self->dram, self->dram_len);
	self->nvm = self->dram = NULL;
}

/* What the strict child does; its exit status says how far it got */
enum {
	CHILD_OK,
	CHILD_MAP = 10,		/* mmap or madvise failed */
	CHILD_SIGBUS,		/* a strict fault got SIGBUS */
	CHILD_DRAM_SWAPPED,	/* the DRAM range has swap */
	CHILD_BAD_STRICT,	/* the strict range's content is wrong */
	CHILD_BAD_DRAM,		/* the DRAM range's content is wrong */
};

static sigjmp_buf bus_jmp;

static void on_sigbus(int sig)
{
	siglongjmp(bus_jmp, 1);
}

/* Tell the parent why over @fd, exit with @code */
static void __attribute__((noreturn, format(printf, 3, 4)))
child_exit(int fd, int code, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (n > 0 && write(fd, msg, strlen(msg)) < 0)
		code = code ? code : 1;
	_exit(code);
}

static void strict_child(int fd, size_t strict_len)
{
	struct sigaction sa = { .sa_handler = on_sigbus };
	size_t dram_len = 32 * MIB, bad, first, i;
	volatile size_t at = 0;
	volatile int phase = 0;
	char *dram, *strict;
	long swap_kb;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	dram = map_region(dram_len);
	if (!dram)
		child_exit(fd, CHILD_MAP, "mmap 32 MiB: %s", strerror(errno));
	fill(dram, dram_len, 3);
	strict = map_region(strict_len);
	if (!strict)
		child_exit(fd, CHILD_MAP, "mmap %zu MiB: %s", strict_len / MIB, strerror(errno));
	if (madvise(strict, strict_len, MADV_NVM_STRICT))
		child_exit(fd, CHILD_MAP, "madvise(MADV_NVM_STRICT): %s", strerror(errno));

	sigaction(SIGBUS, &sa, NULL);
	if (sigsetjmp(bus_jmp, 1)) {
		char zones[768];

		read_nvm_zones();
		nvm_zones_str(zones, sizeof(zones));
		if (phase)
			child_exit(fd, CHILD_SIGBUS, "SIGBUS reading the strict range back%s", zones);
		child_exit(fd, CHILD_SIGBUS, "SIGBUS faulting in page %zu of %zu of the strict range%s",
			   (size_t)at, strict_len / psize, zones);
	}
	for (i = 0; i < strict_len / psize; i++) {
		at = i;
		fill_page(strict, i, 4);
	}

	swap_kb = smaps_swap_kb(dram);
	if (swap_kb)
		child_exit(fd, CHILD_DRAM_SWAPPED,
			   "smaps Swap: of the DRAM range (not short) is %ld kB (-1: not found): reclaim for ZONE_NVM took DRAM pages",
			   swap_kb);

	phase = 1;
	bad = bad_pages(strict, strict_len, 4, &first);
	if (bad)
		child_exit(fd, CHILD_BAD_STRICT, "strict range: %zu bad pages, the first %zu",
			   bad, first);
	bad = bad_pages(dram, dram_len, 3, &first);
	if (bad)
		child_exit(fd, CHILD_BAD_DRAM, "DRAM range: %zu bad pages, the first %zu",
			   bad, first);
	_exit(CHILD_OK);
}

/*
 * Strict placement 64 MiB beyond the managed ZONE_NVM memory: with swap on,
 * every strict fault must succeed (direct reclaim swaps ZONE_NVM pages out)
 * and no page of the older DRAM range may be swapped.  In a child, so that
 * a SIGBUS or the OOM killer ends only it.
 */
TEST_F_TIMEOUT(reclaim, strict_reclaim_takes_nvm_pages_only, 180)
{
	char msg[1024] = "";
	size_t strict_len;
	long out0, out1;
	int pfd[2], status;
	ssize_t n;
	pid_t pid;

	if (!self->ready)
		return;
	ASSERT_LT(0, read_nvm_zones());
	strict_len = nvm_sum(1) * psize + 64 * MIB;
	out0 = vmstat_of("pswpout");
	ASSERT_LE(0, out0);
	ASSERT_EQ(0, pipe(pfd));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		close(pfd[0]);
		strict_child(pfd[1], strict_len);
	}
	close(pfd[1]);
	n = read(pfd[0], msg, sizeof(msg) - 1);
	msg[n > 0 ? n : 0] = 0;
	close(pfd[0]);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	out1 = vmstat_of("pswpout");
	ASSERT_TRUE(WIFEXITED(status)) {
		TH_LOG("the child faulting in %zu MiB of MADV_NVM_STRICT memory died of signal %d%s",
		       strict_len / MIB, WTERMSIG(status),
		       WTERMSIG(status) == SIGKILL ? " (the OOM killer?)" : "");
	}
	ASSERT_EQ(CHILD_OK, WEXITSTATUS(status)) {
		TH_LOG("%zu MiB of MADV_NVM_STRICT memory (ZONE_NVM manages %ld MiB): %s",
		       strict_len / MIB, nvm_sum(1) * psize / (long)MIB,
		       msg[0] ? msg : "(no message)");
	}
	ASSERT_LT(out0, out1) {
		TH_LOG("the strict range fit without swapping (pswpout %ld)", out1);
	}
}

TEST_HARNESS_MAIN
