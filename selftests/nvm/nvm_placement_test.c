// SPDX-License-Identifier: GPL-2.0
/*
 * Placement of anonymous memory in ZONE_NVM with madvise(MADV_NVM,
 * MADV_NVM_STRICT, MADV_NONVM): every page's frame, read from
 * /proc/self/pagemap (root), must lie in a ZONE_NVM span of /proc/zoneinfo
 * (or outside all of them after MADV_NONVM), and every page keeps its
 * content (a checksum per page) across every migration.  Strict placement
 * with ZONE_NVM full: SIGBUS on fault, ENOMEM from madvise with nothing
 * changed; preferred placement falls back to DRAM.  Fork, mremap, huge
 * pages, refused mappings, long-term pins, privilege, accounting (smaps
 * Nvm:, VmFlags, /sys/kernel/mm/nvm/placement).
 *
 * Needs a ZONE_NVM with memory whose span holds no other zone's memory
 * (the kmem scenario: a dax device onlined to ZONE_NVM on its own node).
 */
#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/userfaultfd.h>

#include "kselftest_harness.h"
#include "nvm_util.h"

#define MIB		(1UL << 20)

static long psize;

/* pfn of the page at @addr, 0 if not present */
static uint64_t frame(void *addr)
{
	int fd = open("/proc/self/pagemap", O_RDONLY);
	uint64_t e = 0;

	if (fd < 0)
		return 0;
	if (pread(fd, &e, sizeof(e), (uintptr_t)addr / psize * sizeof(e)) != sizeof(e))
		e = 0;
	close(fd);
	if (!(e & (1ULL << 63)))
		return 0;
	return e & ((1ULL << 55) - 1);
}

/* Pages of [mem, mem + len) present: *in_nvm of them in ZONE_NVM */
static size_t count_pages(char *mem, size_t len, size_t *in_nvm)
{
	int fd = open("/proc/self/pagemap", O_RDONLY);
	size_t i, n = len / psize, present = 0;
	uint64_t *e = calloc(n, sizeof(*e));

	*in_nvm = 0;
	if (fd < 0 || !e ||
	    pread(fd, e, n * sizeof(*e), (uintptr_t)mem / psize * sizeof(*e)) !=
	    (ssize_t)(n * sizeof(*e))) {
		free(e);
		if (fd >= 0)
			close(fd);
		return (size_t)-1;
	}
	close(fd);
	for (i = 0; i < n; i++) {
		if (!(e[i] & (1ULL << 63)))
			continue;
		present++;
		if (pfn_in_nvm(e[i] & ((1ULL << 55) - 1)))
			(*in_nvm)++;
	}
	free(e);
	return present;
}

static uint64_t pattern(uintptr_t page, size_t word, unsigned int seed)
{
	uint64_t x = (page + seed + 1) * 0x9e3779b97f4a7c15ULL ^
		     (word * 0xbf58476d1ce4e5b9ULL);

	return x ^ (x >> 31);
}

static void fill(char *mem, size_t len, unsigned int seed)
{
	size_t p, w, words = psize / sizeof(uint64_t);

	for (p = 0; p < len / psize; p++) {
		uint64_t *q = (uint64_t *)(mem + p * psize);

		for (w = 0; w < words; w++)
			q[w] = pattern(p, w, seed);
	}
}

/* Pages first..last-1 of what fill(mem, ...) wrote that are not intact */
static size_t bad_range(char *mem, size_t first, size_t last, unsigned int seed)
{
	size_t p, w, bad = 0, words = psize / sizeof(uint64_t);

	for (p = first; p < last; p++) {
		uint64_t *q = (uint64_t *)(mem + p * psize);

		for (w = 0; w < words; w++)
			if (q[w] != pattern(p, w, seed)) {
				bad++;
				break;
			}
	}
	return bad;
}

static size_t bad_pages(char *mem, size_t len, unsigned int seed)
{
	return bad_range(mem, 0, len / psize, seed);
}

static char *map_anon(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

static unsigned long read_ul(const char *path)
{
	FILE *f = fopen(path, "r");
	unsigned long v = -1UL;

	if (f) {
		if (fscanf(f, "%lu", &v) != 1)
			v = -1UL;
		fclose(f);
	}
	return v;
}

#define STAT(name) read_ul("/sys/kernel/mm/nvm/placement/" name)

/* AnonHugePages of the mapping smaps_of() read last, kB */
static long thp_kb;

/*
 * The smaps entry of the mapping that starts at @addr: its VmFlags has
 * @flag ("nv", "ns", "nn")?  Its "Nvm:" line into *nvm_kb.
 */
static int smaps_of(void *addr, const char *flag, long *nvm_kb)
{
	FILE *f = fopen("/proc/self/smaps", "r");
	char line[512], want[32];
	int in = 0, has = 0;

	*nvm_kb = -1;
	thp_kb = -1;
	if (!f)
		return -1;
	snprintf(want, sizeof(want), "%lx-", (unsigned long)addr);
	while (fgets(line, sizeof(line), f)) {
		/* "start-end perms ...": lower-case hex; fields: "Name:" */
		if (isxdigit((unsigned char)line[0]) &&
		    !isupper((unsigned char)line[0])) {
			in = !strncmp(line, want, strlen(want));
			continue;
		}
		if (!in)
			continue;
		if (!strncmp(line, "Nvm:", 4))
			sscanf(line + 4, "%ld", nvm_kb);
		if (!strncmp(line, "AnonHugePages:", 14))
			sscanf(line + 14, "%ld", &thp_kb);
		if (!strncmp(line, "VmFlags:", 8)) {
			char *t = strtok(line + 8, " \n");

			for (; t; t = strtok(NULL, " \n"))
				if (!strcmp(t, flag))
					has = 1;
		}
	}
	fclose(f);
	return has;
}

/* The "Nvm:" line of /proc/self/smaps_rollup, kB */
static long rollup_nvm_kb(void)
{
	FILE *f = fopen("/proc/self/smaps_rollup", "r");
	char line[256];
	long kb = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "Nvm:", 4))
			sscanf(line + 4, "%ld", &kb);
	fclose(f);
	return kb;
}

/* Transparent huge pages not "[never]"? */
static int thp_enabled(void)
{
	FILE *f = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "r");
	char mode[128] = "";
	int on;

	if (!f)
		return 0;
	on = fgets(mode, sizeof(mode), f) && !strstr(mode, "[never]");
	fclose(f);
	return on;
}

/* The first 2 MiB boundary in a mapping of at least len + 2 MiB */
static char *align_2m(char *raw)
{
	return (char *)(((uintptr_t)raw + 2 * MIB - 1) & ~(2 * MIB - 1));
}

FIXTURE(place)
{
	long room;
};

FIXTURE_SETUP(place)
{
	int i;

	psize = sysconf(_SC_PAGESIZE);
	/*
	 * Memory hot-added just before joins ZONE_NVM as the background scrub
	 * zeroes it: wait, or a zone that a test filled would grow again.
	 */
	for (i = 0; i < 3000; i++) {
		unsigned long left = read_ul("/sys/kernel/mm/nvm/stats/unscrubbed_pages");

		if (!left || left == -1UL)
			break;
		usleep(100000);
	}
	self->room = nvm_read_zoneinfo();
	if (geteuid())
		SKIP(return, "needs root (pagemap frames)");
	if (!nr_nvm_spans || self->room < (long)(64 * MIB / psize))
		SKIP(return, "no ZONE_NVM with 64 MiB free");
	ASSERT_EQ(0, prctl(0x4e564d01, 0UL, 0UL, 0UL, 0UL));
}

FIXTURE_TEARDOWN(place)
{
}

/* Advice on populated memory migrates it in, and back out, intact */
TEST_F(place, migrate_in_and_out)
{
	size_t len = 16 * MIB, n = len / psize, present, in;
	unsigned long in0 = STAT("migrated_in_pages");
	unsigned long out0 = STAT("migrated_out_pages");
	char *mem = map_anon(len);
	long kb;

	ASSERT_NE(NULL, mem);
	fill(mem, len, 1);
	present = count_pages(mem, len, &in);
	ASSERT_EQ(n, present);
	ASSERT_EQ(0UL, in);	/* ordinary memory never lands in ZONE_NVM */

	ASSERT_EQ(0, madvise(mem, len, MADV_NVM));
	present = count_pages(mem, len, &in);
	ASSERT_EQ(n, present);
	ASSERT_EQ(n, in);
	ASSERT_EQ(0UL, bad_pages(mem, len, 1));
	ASSERT_EQ(1, smaps_of(mem, "nv", &kb));
	ASSERT_EQ((long)(len >> 10), kb);
	ASSERT_LE((long)(len >> 10), rollup_nvm_kb());
	ASSERT_LE(in0 + n, STAT("migrated_in_pages"));

	ASSERT_EQ(0, madvise(mem, len, MADV_NONVM));
	present = count_pages(mem, len, &in);
	ASSERT_EQ(n, present);
	ASSERT_EQ(0UL, in);
	ASSERT_EQ(0UL, bad_pages(mem, len, 1));
	ASSERT_EQ(1, smaps_of(mem, "nn", &kb));
	ASSERT_EQ(0, kb);
	ASSERT_LE(out0 + n, STAT("migrated_out_pages"));

	/* and in again, strictly this time */
	ASSERT_EQ(0, madvise(mem, len, MADV_NVM_STRICT));
	count_pages(mem, len, &in);
	ASSERT_EQ(n, in);
	ASSERT_EQ(0UL, bad_pages(mem, len, 1));
	ASSERT_EQ(1, smaps_of(mem, "ns", &kb));
	ASSERT_EQ(0, munmap(mem, len));
}

/* Advice first: the faults that follow allocate in ZONE_NVM */
TEST_F(place, future_faults)
{
	size_t len = 8 * MIB, n = len / psize, in;
	unsigned long a0 = STAT("alloc_pages");
	char *mem = map_anon(len), *strict = map_anon(len);

	ASSERT_NE(NULL, mem);
	ASSERT_NE(NULL, strict);
	ASSERT_EQ(0, madvise(mem, len, MADV_NVM));
	ASSERT_EQ(0, madvise(strict, len, MADV_NVM_STRICT));
	fill(mem, len, 2);
	fill(strict, len, 3);
	ASSERT_EQ(n, count_pages(mem, len, &in));
	ASSERT_EQ(n, in);
	ASSERT_EQ(n, count_pages(strict, len, &in));
	ASSERT_EQ(n, in);
	ASSERT_EQ(0UL, bad_pages(mem, len, 2));
	ASSERT_EQ(0UL, bad_pages(strict, len, 3));
	ASSERT_LE(a0 + 2 * n, STAT("alloc_pages"));
	/* only part of a mapping: the rest stays in DRAM */
	munmap(mem, len);
	mem = map_anon(len);
	ASSERT_NE(NULL, mem);
	ASSERT_EQ(0, madvise(mem + len / 2, len / 2, MADV_NVM));
	fill(mem, len, 4);
	ASSERT_EQ(n / 2, count_pages(mem, len / 2, &in));
	ASSERT_EQ(0UL, in);
	ASSERT_EQ(n / 2, count_pages(mem + len / 2, len / 2, &in));
	ASSERT_EQ(n / 2, in);
	ASSERT_EQ(0UL, bad_pages(mem, len, 4));
	munmap(mem, len);
	munmap(strict, len);
}

/* A child inherits the advice; its copy-on-write copies go to ZONE_NVM */
TEST_F(place, fork_and_mremap)
{
	size_t len = 4 * MIB, n = len / psize, in;
	char *mem = map_anon(len), *moved;
	long kb;
	pid_t pid;
	int status;

	ASSERT_NE(NULL, mem);
	ASSERT_EQ(0, madvise(mem, len, MADV_NVM_STRICT));
	fill(mem, len, 5);
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		if (smaps_of(mem, "ns", &kb) != 1)
			_exit(10);
		fill(mem, len, 6);	/* every page copied on write */
		if (count_pages(mem, len, &in) != n || in != n)
			_exit(11);
		if (bad_pages(mem, len, 6))
			_exit(12);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(0, WEXITSTATUS(status));
	ASSERT_EQ(0UL, bad_pages(mem, len, 5));

	/* mremap moves the pages with their advice */
	moved = mremap(mem, len, 2 * len, MREMAP_MAYMOVE);
	ASSERT_NE(MAP_FAILED, moved);
	ASSERT_EQ(0UL, bad_pages(moved, len, 5));
	ASSERT_EQ(n, count_pages(moved, len, &in));
	ASSERT_EQ(n, in);
	fill(moved + len, len, 7);	/* the grown part is placed too */
	ASSERT_EQ(n, count_pages(moved + len, len, &in));
	ASSERT_EQ(n, in);
	ASSERT_EQ(1, smaps_of(moved, "ns", &kb));
	ASSERT_EQ((long)(2 * len >> 10), kb);
	munmap(moved, 2 * len);
}

/* Huge pages of a placed range come from ZONE_NVM, and migrate whole */
TEST_F(place, huge_pages)
{
	size_t len = 8 * MIB, n = len / psize, in;
	char *raw = map_anon(len + 2 * MIB), *mem;
	if (!thp_enabled())
		SKIP(munmap(raw, len + 2 * MIB); return, "transparent huge pages disabled");
	ASSERT_NE(NULL, raw);
	mem = align_2m(raw);
	ASSERT_EQ(0, madvise(mem, len, MADV_HUGEPAGE));
	ASSERT_EQ(0, madvise(mem, len, MADV_NVM));
	fill(mem, len, 8);
	ASSERT_EQ(n, count_pages(mem, len, &in));
	ASSERT_EQ(n, in);
	/* out of ZONE_NVM and back in: content intact */
	ASSERT_EQ(0, madvise(mem, len, MADV_NONVM));
	ASSERT_EQ(n, count_pages(mem, len, &in));
	ASSERT_EQ(0UL, in);
	ASSERT_EQ(0, madvise(mem, len, MADV_NVM));
	ASSERT_EQ(n, count_pages(mem, len, &in));
	ASSERT_EQ(n, in);
	ASSERT_EQ(0UL, bad_pages(mem, len, 8));
	/* khugepaged and MADV_COLLAPSE would move placed memory to DRAM */
	errno = 0;
	ASSERT_EQ(-1, madvise(mem, len, 25 /* MADV_COLLAPSE */));
	ASSERT_EQ(EINVAL, errno);
	munmap(raw, len + 2 * MIB);
}

/*
 * A huge page cut by munmap: its head is mapped nowhere, the rest by PTEs.
 * The advice must still move the pages that are mapped.
 */
TEST_F(place, partial_huge_page)
{
	size_t len = 4 * MIB, cut = MIB, n = (len - cut) / psize, in;
	char *raw = map_anon(len + 2 * MIB), *mem;
	long kb;
	if (!thp_enabled())
		SKIP(munmap(raw, len + 2 * MIB); return, "transparent huge pages disabled");
	ASSERT_NE(NULL, raw);
	mem = align_2m(raw);
	ASSERT_EQ(0, madvise(mem, len, MADV_HUGEPAGE));
	fill(mem, len, 13);
	/* MADV_HUGEPAGE made [mem, mem + len) a mapping of its own */
	ASSERT_EQ(1, smaps_of(mem, "hg", &kb));
	if (thp_kb < 2048)
		SKIP(munmap(raw, len + 2 * MIB); return, "no huge page formed");
	ASSERT_EQ(0, munmap(mem, cut));
	ASSERT_EQ(0, madvise(mem + cut, len - cut, MADV_NVM));
	ASSERT_EQ(n, count_pages(mem + cut, len - cut, &in));
	ASSERT_EQ(n, in);
	ASSERT_EQ(0, madvise(mem + cut, len - cut, MADV_NONVM));
	ASSERT_EQ(n, count_pages(mem + cut, len - cut, &in));
	ASSERT_EQ(0UL, in);
	ASSERT_EQ(0UL, bad_range(mem, cut / psize, len / psize, 13));
	munmap(raw, len + 2 * MIB);
}

/* Only private anonymous memory; a refused advice changes nothing */
static void *sleeper(void *arg)
{
	pause();
	return NULL;
}

#define NB_DBG "/sys/kernel/debug/sched/numa_balancing/"

/*
 * NUMA balancing leaves ZONE_NVM pages alone: the scanner makes no hinting
 * PTEs for them (a hinting fault would move them to the faulting node's
 * DRAM), while it does for the DRAM pages of the same process, which show
 * that it ran.  A second thread keeps the scanner from skipping pages
 * already on the node the task runs on.
 */
TEST_F(place, numa_balancing_leaves_nvm_alone)
{
	static const char *const knobs[] = {
		NB_DBG "scan_delay_ms", NB_DBG "scan_period_min_ms",
		NB_DBG "scan_size_mb",
	};
	static const char *const fast[] = { "0", "100", "256" };
	char saved[3][32], mode[32];
	size_t nvm_len = 64 * MIB, dram_len = 16 * MIB, in, i;
	long before, delta = 0, nvm_pages = nvm_len / psize;
	long dram_pages = dram_len / psize;
	char *nvm, *dram;
	pthread_t thr;
	int round;

	ASSERT_EQ(0, read_file("/proc/sys/kernel/numa_balancing", mode,
			      sizeof(mode))) TH_LOG("CONFIG_NUMA_BALANCING is needed");
	for (i = 0; i < 3; i++)
		ASSERT_EQ(0, read_file(knobs[i], saved[i], sizeof(saved[i])));

	nvm = map_anon(nvm_len);
	dram = map_anon(dram_len);
	ASSERT_NE(NULL, nvm);
	ASSERT_NE(NULL, dram);
	ASSERT_EQ(0, madvise(nvm, nvm_len, MADV_NVM_STRICT));
	ASSERT_EQ(0, madvise(nvm, nvm_len, MADV_NOHUGEPAGE));
	ASSERT_EQ(0, madvise(dram, dram_len, MADV_NOHUGEPAGE));
	fill(nvm, nvm_len, 7);
	fill(dram, dram_len, 8);
	count_pages(nvm, nvm_len, &in);
	ASSERT_EQ((size_t)nvm_pages, in);
	ASSERT_EQ(0, pthread_create(&thr, NULL, sleeper, NULL));

	for (i = 0; i < 3; i++)
		ASSERT_EQ(0, write_str(knobs[i], fast[i]));
	before = vmstat_of("numa_pte_updates");
	ASSERT_EQ(0, write_str("/proc/sys/kernel/numa_balancing", "1"));
	/* keep running (the scanner runs from the task's ticks) */
	for (round = 0; round < 400; round++) {
		fill(dram, dram_len, 8);
		delta = vmstat_of("numa_pte_updates") - before;
		if (round >= 50 && delta >= dram_pages)
			break;
	}
	write_str("/proc/sys/kernel/numa_balancing", mode);
	for (i = 0; i < 3; i++)
		write_str(knobs[i], saved[i]);
	pthread_cancel(thr);
	pthread_join(thr, NULL);

	TH_LOG("numa_pte_updates +%ld after %d rounds (DRAM %ld pages, ZONE_NVM %ld pages)",
	       delta, round, dram_pages, nvm_pages);
	/* the scanner ran over the DRAM pages... */
	ASSERT_LE(dram_pages, delta);
	/* ...and over none of the ZONE_NVM ones (a few pages besides) */
	ASSERT_GT(dram_pages + nvm_pages / 4, delta);
	count_pages(nvm, nvm_len, &in);
	ASSERT_EQ((size_t)nvm_pages, in);
	ASSERT_EQ(0UL, bad_pages(nvm, nvm_len, 7));
	ASSERT_EQ(0, munmap(nvm, nvm_len));
	ASSERT_EQ(0, munmap(dram, dram_len));
}

TEST_F(place, refused_mappings)
{
	size_t len = 2 * MIB;
	char path[] = "/tmp/nvm_placement.XXXXXX";
	char *anon = map_anon(len), *shared, *file, *vdso;
	int fd = mkstemp(path);
	long kb;

	ASSERT_NE(NULL, anon);
	ASSERT_LE(0, fd);
	unlink(path);
	ASSERT_EQ(0, ftruncate(fd, len));
	file = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	ASSERT_NE(MAP_FAILED, file);
	shared = mmap(NULL, len, PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, shared);

	errno = 0;
	ASSERT_EQ(-1, madvise(file, len, MADV_NVM));
	ASSERT_EQ(EINVAL, errno);
	errno = 0;
	ASSERT_EQ(-1, madvise(shared, len, MADV_NVM_STRICT));
	ASSERT_EQ(EINVAL, errno);
	errno = 0;
	ASSERT_EQ(-1, madvise(shared, len, MADV_NONVM));
	ASSERT_EQ(EINVAL, errno);
	/* unaligned, wrapping, unknown advice */
	errno = 0;
	ASSERT_EQ(-1, madvise(anon + 1, len - psize, MADV_NVM));
	ASSERT_EQ(EINVAL, errno);
	errno = 0;
	ASSERT_EQ(-1, madvise(anon, -psize, MADV_NVM));
	ASSERT_EQ(EINVAL, errno);
	errno = 0;
	ASSERT_EQ(-1, madvise(anon, len, MADV_NONVM + 1));
	ASSERT_EQ(EINVAL, errno);
	/* a hole: ENOMEM, and the mapped part is not advised either */
	ASSERT_EQ(0, munmap(anon + len / 2, psize));
	errno = 0;
	ASSERT_EQ(-1, madvise(anon, len, MADV_NVM));
	ASSERT_EQ(ENOMEM, errno);
	ASSERT_EQ(0, smaps_of(anon, "nv", &kb));
	munmap(anon, len);
	/* a range that spans anonymous and file memory: nothing changes */
	anon = map_anon(2 * len);
	ASSERT_NE(NULL, anon);
	ASSERT_EQ(anon + len, mmap(anon + len, len, PROT_READ | PROT_WRITE,
				   MAP_PRIVATE | MAP_FIXED, fd, 0));
	errno = 0;
	ASSERT_EQ(-1, madvise(anon, 2 * len, MADV_NVM));
	ASSERT_EQ(EINVAL, errno);
	ASSERT_EQ(0, smaps_of(anon, "nv", &kb));
	ASSERT_EQ(0, smaps_of(file, "nv", &kb));
	munmap(anon, 2 * len);
	/* a special mapping: the vDSO */
	vdso = (char *)getauxval(AT_SYSINFO_EHDR);
	if (vdso) {
		errno = 0;
		ASSERT_EQ(-1, madvise(vdso, psize, MADV_NVM));
		ASSERT_EQ(EINVAL, errno);
	}
	close(fd);
	munmap(file, len);
	munmap(shared, len);
}

static sigjmp_buf bus_jmp;

static void on_sigbus(int sig)
{
	siglongjmp(bus_jmp, 1);
}

/* fill_nvm_child() locks what it got: reclaim cannot make room by swapping */
static int filler_mlock;

/*
 * Fill ZONE_NVM with a strict range until a fault gets SIGBUS, tell the
 * parent how far it got, then hold the memory until killed.
 */
static void fill_nvm_child(int wfd, size_t len)
{
	volatile size_t touched = 0;
	char *mem = map_anon(len);
	struct sigaction sa = { .sa_handler = on_sigbus };

	if (!mem || madvise(mem, len, MADV_NVM_STRICT))
		_exit(20);
	sigaction(SIGBUS, &sa, NULL);
	if (!sigsetjmp(bus_jmp, 1)) {
		for (touched = 0; touched < len; touched += psize)
			mem[touched] = 1;
	}
	if (filler_mlock && mlockall(MCL_CURRENT))
		_exit(22);
	if (write(wfd, (void *)&touched, sizeof(touched)) != sizeof(touched))
		_exit(21);
	pause();
	_exit(0);
}

/* ZONE_NVM full: strict faults get SIGBUS, strict advice ENOMEM, preferred falls back */
TEST_F(place, zone_full)
{
	size_t len = 8 * MIB, n = len / psize, in, touched = 0;
	size_t big = (self->room + 8192) * psize;
	unsigned long fail0 = STAT("failed_faults");
	unsigned long fb0 = STAT("fallback_pages");
	unsigned long mf0 = STAT("migrate_failed_pages");
	char *dram = map_anon(len), *pref = map_anon(len);
	int pfd[2], status;
	long kb;
	pid_t pid;

	ASSERT_NE(NULL, dram);
	ASSERT_NE(NULL, pref);
	fill(dram, len, 9);
	ASSERT_EQ(0, pipe(pfd));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid)
		fill_nvm_child(pfd[1], big);
	ASSERT_EQ((ssize_t)sizeof(touched), read(pfd[0], &touched, sizeof(touched)));
	/* it got most of ZONE_NVM, not all of the range: SIGBUS stopped it */
	EXPECT_LT(touched, big);
	EXPECT_LT((size_t)(self->room / 2) * psize, touched);
	EXPECT_LT(fail0, STAT("failed_faults"));

	/* strict advice on populated memory that does not fit: ENOMEM */
	errno = 0;
	EXPECT_EQ(-1, madvise(dram, len, MADV_NVM_STRICT));
	EXPECT_EQ(ENOMEM, errno);
	EXPECT_EQ(0, smaps_of(dram, "ns", &kb));
	EXPECT_EQ(n, count_pages(dram, len, &in));
	EXPECT_EQ(0UL, in);
	/* preferred advice: the pages stay in DRAM, counted */
	EXPECT_EQ(0, madvise(dram, len, MADV_NVM));
	EXPECT_EQ(n, count_pages(dram, len, &in));
	EXPECT_GT(n / 8, in);
	EXPECT_LT(mf0, STAT("migrate_failed_pages"));
	/* preferred faults fall back to DRAM */
	EXPECT_EQ(0, madvise(pref, len, MADV_NVM));
	fill(pref, len, 10);
	EXPECT_EQ(n, count_pages(pref, len, &in));
	EXPECT_GT(n / 8, in);
	EXPECT_LT(fb0, STAT("fallback_pages"));

	kill(pid, SIGKILL);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFSIGNALED(status));

	/* room again: the advice moves what it could not move before */
	usleep(100000);
	mf0 = STAT("migrate_failed_pages");
	EXPECT_EQ(0, madvise(dram, len, MADV_NVM));
	EXPECT_EQ(n, count_pages(dram, len, &in));
	if (in != n)
		TH_LOG("%zu pages not moved, migrate_failed_pages +%lu",
		       n - in, STAT("migrate_failed_pages") - mf0);
	EXPECT_EQ(n, in);
	EXPECT_EQ(0UL, bad_pages(dram, len, 9));
	EXPECT_EQ(0UL, bad_pages(pref, len, 10));
	munmap(dram, len);
	munmap(pref, len);
	close(pfd[0]);
	close(pfd[1]);
}

/* A strict fault with no room and no handler: the process gets SIGBUS */
TEST_F(place, strict_fault_sigbus)
{
	size_t big = (self->room + 8192) * psize;
	int status;
	pid_t pid = fork();

	ASSERT_LE(0, pid);
	if (!pid) {
		char *mem = map_anon(big);
		size_t i;

		if (!mem || madvise(mem, big, MADV_NVM_STRICT))
			_exit(30);
		for (i = 0; i < big; i += psize)
			mem[i] = 1;
		_exit(31);	/* all of it fit: not strict */
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFSIGNALED(status));
	ASSERT_EQ(SIGBUS, WTERMSIG(status));
}

#ifndef MAP_DROPPABLE
#define MAP_DROPPABLE	0x08	/* 6.11 */
#endif
#ifndef PR_SET_NVM_PLACEMENT
#define PR_SET_NVM_PLACEMENT		0x4e564d01
#endif
#ifndef PR_NVM_PLACEMENT_STRICT
#define PR_NVM_PLACEMENT_STRICT		2
#endif

/*
 * A droppable mapping (MAP_DROPPABLE) in a strictly placed process, with
 * ZONE_NVM full: the kernel never fails such a fault (it drops its
 * VM_FAULT_OOM and the access is retried), so strict placement there must
 * fall back to DRAM.  Before the fix each access failed strictly and was
 * retried, for as long as ZONE_NVM stayed full (1335 failed faults for
 * 1024 pages in the kmem scenario, until the scrub made room).
 */
TEST_F_TIMEOUT(place, droppable_strict_falls_back, 180)
{
	size_t big = (self->room + 8192) * psize, len = 4 * MIB, touched = 0;
	unsigned long a0, f0, x0;
	int pfd[2], status;
	pid_t filler, pid;

	ASSERT_EQ(0, pipe(pfd));
	filler_mlock = 1;	/* with swap, retried faults would make room */
	filler = fork();
	ASSERT_LE(0, filler);
	if (!filler)
		fill_nvm_child(pfd[1], big);
	filler_mlock = 0;
	ASSERT_EQ((ssize_t)sizeof(touched), read(pfd[0], &touched, sizeof(touched)));
	EXPECT_LT(touched, big);	/* SIGBUS stopped the filler: full */
	a0 = STAT("alloc_pages");
	f0 = STAT("fallback_pages");
	x0 = STAT("failed_faults");

	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		char *mem;
		size_t i;

		alarm(60);	/* a fault retried for ever ends here */
		if (prctl(PR_SET_NVM_PLACEMENT, PR_NVM_PLACEMENT_STRICT, 0, 0, 0))
			_exit(40);
		mem = mmap(NULL, len, PROT_READ | PROT_WRITE,
			   MAP_DROPPABLE | MAP_ANONYMOUS, -1, 0);
		if (mem == MAP_FAILED)
			_exit(41);
		for (i = 0; i < len; i += psize)
			mem[i] = 1;
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	TH_LOG("droppable child: %lu pages placed, %lu fell back, %lu strict failures",
	       STAT("alloc_pages") - a0, STAT("fallback_pages") - f0,
	       STAT("failed_faults") - x0);
	kill(filler, SIGKILL);
	ASSERT_EQ(filler, waitpid(filler, NULL, 0));
	close(pfd[0]);
	close(pfd[1]);
	if (WIFSIGNALED(status))
		TH_LOG("the droppable child died of signal %d (%s)", WTERMSIG(status),
		       WTERMSIG(status) == SIGALRM ? "its fault retried for 60 s" : "?");
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(0, WEXITSTATUS(status));
	EXPECT_EQ(0UL, STAT("failed_faults") - x0);
}

/*
 * A strict allocation that fails outside a fault (here UFFDIO_COPY into a
 * strict range, as fork's copy, swap readahead or migration can) must not
 * turn a later, unrelated VM_FAULT_OOM of the task into SIGBUS.  The later
 * OOM comes from a cgroup v1 memory controller with its OOM killer off: the
 * faulting task must wait for room, and runs on when the limit is raised.
 */
#define STALE_CG "/tmp/nvmtest-memcg"

/* A userfaultfd with [@dst, @dst + @len) registered for missing faults */
static int uffd_on(char *dst, size_t len)
{
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg = {
		.range = { .start = (uintptr_t)dst, .len = len },
		.mode = UFFDIO_REGISTER_MODE_MISSING,
	};
	int fd = syscall(__NR_userfaultfd, O_CLOEXEC | O_NONBLOCK);

	if (fd < 0 || ioctl(fd, UFFDIO_API, &api) || ioctl(fd, UFFDIO_REGISTER, &reg))
		return -1;
	return fd;
}

/*
 * Before each page it touches, the child tries a strict allocation outside
 * a fault (UFFDIO_COPY into a fresh page of a strict range while ZONE_NVM
 * is full): so the fault that meets the memcg limit comes right after such
 * a failure.  A copy that finds room (reclaim may free some) is no error.
 */
static void stale_child(int wfd)
{
	size_t len = 64 * MIB, i;
	char *strict = map_anon(len), *src = map_anon(psize), *mem;
	struct uffdio_copy copy;
	char pid[32];
	int fd;

	if (!strict || !src || madvise(strict, len, MADV_NVM_STRICT))
		_exit(43);
	memset(src, 0x5a, psize);
	fd = uffd_on(strict, len);
	if (fd < 0)
		_exit(40);
	mem = map_anon(len);
	if (!mem)
		_exit(46);
	snprintf(pid, sizeof(pid), "%d\n", getpid());
	if (write_str(STALE_CG "/nvmtest/cgroup.procs", pid))
		_exit(44);
	if (write(wfd, "j", 1) != 1)
		_exit(45);
	for (i = 0; i < len; i += psize) {
		copy = (struct uffdio_copy){
			.dst = (uintptr_t)strict + i, .src = (uintptr_t)src,
			.len = psize,
		};
		if (ioctl(fd, UFFDIO_COPY, &copy) && errno != ENOMEM)
			_exit(42);
		/* a new page: at the limit, wait for room, never SIGBUS */
		mem[i] = 1;
	}
	_exit(0);
}

/* filling ZONE_NVM takes more than the default 30 s on the debug kernel */
TEST_F_TIMEOUT(place, stale_strict_failure_not_sigbus, 180)
{
	size_t big = (self->room + 8192) * psize, touched;
	int pfd[2], jfd[2], status;
	pid_t filler, pid;
	char c;

	if (mkdir(STALE_CG, 0755) && errno != EEXIST)
		SKIP(return, "mkdir " STALE_CG ": %s", strerror(errno));
	if (mount("nvmtest", STALE_CG, "cgroup", 0, "memory"))
		SKIP(return, "no cgroup v1 memory controller: %s", strerror(errno));
	ASSERT_EQ(0, mkdir(STALE_CG "/nvmtest", 0755));
	ASSERT_EQ(0, write_str(STALE_CG "/nvmtest/memory.limit_in_bytes", "8M\n"));
	ASSERT_EQ(0, write_str(STALE_CG "/nvmtest/memory.oom_control", "1\n"));

	/* ZONE_NVM full, held by a strict range of another process */
	ASSERT_EQ(0, pipe(pfd));
	filler = fork();
	ASSERT_LE(0, filler);
	if (!filler)
		fill_nvm_child(pfd[1], big);
	ASSERT_EQ((ssize_t)sizeof(touched), read(pfd[0], &touched, sizeof(touched)));

	ASSERT_EQ(0, pipe(jfd));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid)
		stale_child(jfd[1]);
	/* it joined the memcg; give it time to hit the limit */
	if (read(jfd[0], &c, 1) == 1)
		sleep(2);
	ASSERT_EQ(0, waitpid(pid, &status, WNOHANG)) {
		TH_LOG("the child ended early: %s %d",
		       WIFSIGNALED(status) ? "signal" : "exit",
		       WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
		kill(filler, SIGKILL);
		waitpid(filler, NULL, 0);
	}
	/* room in the memcg: the waiting fault goes on */
	ASSERT_EQ(0, write_str(STALE_CG "/nvmtest/memory.limit_in_bytes", "-1\n"));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	kill(filler, SIGKILL);
	ASSERT_EQ(filler, waitpid(filler, NULL, 0));
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	EXPECT_EQ(0, rmdir(STALE_CG "/nvmtest"));
	EXPECT_EQ(0, umount(STALE_CG));
	rmdir(STALE_CG);
	close(pfd[0]);
	close(pfd[1]);
	close(jfd[0]);
	close(jfd[1]);
}

/* A node with memory and no ZONE_NVM memory, -1 if none */
static int dram_only_node(void)
{
	char path[128];
	int nid;

	for (nid = 0; nid < 64; nid++) {
		snprintf(path, sizeof(path), "/sys/devices/system/node/node%d/meminfo", nid);
		if (access(path, R_OK))
			continue;
		snprintf(path, sizeof(path), "/sys/kernel/mm/nvm/nodes/node%d", nid);
		if (access(path, F_OK))
			return nid;
	}
	return -1;
}

/*
 * Placement chooses a zone within the nodes the memory policy allows: a
 * range bound (MPOL_BIND) to a node without ZONE_NVM gets that node's DRAM,
 * strict advice included (no SIGBUS), and keeps its advice.
 */
TEST_F(place, policy_bind_wins)
{
	size_t len = 4 * MIB, n = len / psize, in;
	int nid = dram_only_node();
	unsigned long mask;
	char *strict = map_anon(len), *pref = map_anon(len);
	long kb;

	if (nid < 0 || nid >= 64)
		SKIP(return, "no node without ZONE_NVM memory");
	mask = 1UL << nid;
	ASSERT_NE(NULL, strict);
	ASSERT_NE(NULL, pref);
	ASSERT_EQ(0, madvise(strict, len, MADV_NVM_STRICT));
	ASSERT_EQ(0, madvise(pref, len, MADV_NVM));
	ASSERT_EQ(0, syscall(__NR_mbind, strict, len, 2 /* MPOL_BIND */, &mask, 64, 0));
	ASSERT_EQ(0, syscall(__NR_mbind, pref, len, 2 /* MPOL_BIND */, &mask, 64, 0));
	fill(strict, len, 24);
	fill(pref, len, 25);
	EXPECT_EQ(n, count_pages(strict, len, &in));
	EXPECT_EQ(0UL, in);
	EXPECT_EQ(n, count_pages(pref, len, &in));
	EXPECT_EQ(0UL, in);
	EXPECT_EQ(1, smaps_of(strict, "ns", &kb));
	EXPECT_EQ(0UL, bad_pages(strict, len, 24));
	EXPECT_EQ(0UL, bad_pages(pref, len, 25));
	munmap(strict, len);
	munmap(pref, len);
}

/* mm/gup_test.h (CONFIG_GUP_TEST): pin_user_pages(FOLL_LONGTERM), unpin */
struct gup_test_args {
	uint64_t get_delta_usec;
	uint64_t put_delta_usec;
	uint64_t addr;
	uint64_t size;
	uint32_t nr_pages_per_call;
	uint32_t gup_flags;
	uint32_t test_flags;
	uint32_t which_pages[8];
};
#define PIN_LONGTERM_BENCHMARK	_IOWR('g', 3, struct gup_test_args)
#define GUP_FOLL_WRITE		0x01

/* Long-term pin [mem, mem + len) and release it; 0 if all of it was pinned */
static int pin_longterm(char *mem, size_t len)
{
	struct gup_test_args g = {
		.addr = (uintptr_t)mem,
		.size = len,
		.nr_pages_per_call = len / psize,
		.gup_flags = GUP_FOLL_WRITE,
	};
	int fd = open("/sys/kernel/debug/gup_test", O_RDWR);
	int ret;

	if (fd < 0)
		return -errno;
	ret = ioctl(fd, PIN_LONGTERM_BENCHMARK, &g) ? -errno : 0;
	close(fd);
	if (!ret && g.size != len)
		ret = -EFAULT;
	return ret;
}

/*
 * ZONE_NVM must stay offlinable: a long-term pin (RDMA, io_uring fixed
 * buffers) moves placed pages to DRAM first, strict ones too, and the
 * pages it faults in are allocated in DRAM.  The data moves intact.
 */
TEST_F(place, longterm_pin)
{
	size_t len = 8 * MIB, n = len / psize, in;
	char *pref = map_anon(len), *strict = map_anon(len), *fresh = map_anon(len);
	unsigned long a0;
	int ret;

	ASSERT_NE(NULL, pref);
	ASSERT_NE(NULL, strict);
	ASSERT_NE(NULL, fresh);
	ret = pin_longterm(pref, psize);
	if (ret == -ENOENT)
		SKIP(return, "no /sys/kernel/debug/gup_test (CONFIG_GUP_TEST)");

	ASSERT_EQ(0, madvise(pref, len, MADV_NVM));
	ASSERT_EQ(0, madvise(strict, len, MADV_NVM_STRICT));
	fill(pref, len, 21);
	fill(strict, len, 22);
	ASSERT_EQ(n, count_pages(pref, len, &in));
	ASSERT_EQ(n, in);
	ASSERT_EQ(n, count_pages(strict, len, &in));
	ASSERT_EQ(n, in);

	ASSERT_EQ(0, pin_longterm(pref, len));
	ASSERT_EQ(n, count_pages(pref, len, &in));
	EXPECT_EQ(0UL, in);
	EXPECT_EQ(0UL, bad_pages(pref, len, 21));
	ASSERT_EQ(0, pin_longterm(strict, len));
	ASSERT_EQ(n, count_pages(strict, len, &in));
	EXPECT_EQ(0UL, in);
	EXPECT_EQ(0UL, bad_pages(strict, len, 22));

	/* Faulted in by the pin itself: DRAM from the start */
	ASSERT_EQ(0, madvise(fresh, len, MADV_NVM));
	a0 = STAT("alloc_pages");
	ASSERT_EQ(0, pin_longterm(fresh, len));
	ASSERT_EQ(n, count_pages(fresh, len, &in));
	EXPECT_EQ(0UL, in);
	EXPECT_EQ(a0, STAT("alloc_pages"));

	/* The advice stays: later faults are placed again */
	ASSERT_EQ(0, munmap(fresh, len));
	fresh = map_anon(len);
	ASSERT_NE(NULL, fresh);
	ASSERT_EQ(0, madvise(fresh, len, MADV_NVM));
	fill(fresh, len, 23);
	count_pages(fresh, len, &in);
	EXPECT_EQ(n, in);
	munmap(pref, len);
	munmap(strict, len);
	munmap(fresh, len);
}

/* Privilege: vm.nvm_placement_unprivileged decides; leaving needs none */
TEST_F(place, unprivileged)
{
	size_t len = 2 * MIB;
	char *mem = map_anon(len);
	int status, i;

	ASSERT_NE(NULL, mem);
	ASSERT_EQ(0, write_str("/proc/sys/vm/nvm_placement_unprivileged", "0\n"));
	for (i = 0; i < 2; i++) {
		pid_t pid;

		if (i)
			ASSERT_EQ(0, write_str("/proc/sys/vm/nvm_placement_unprivileged", "1\n"));
		pid = fork();
		ASSERT_LE(0, pid);
		if (!pid) {
			int want = i ? 0 : -1;

			if (setresgid(65534, 65534, 65534) || setresuid(65534, 65534, 65534))
				_exit(40);
			errno = 0;
			if (madvise(mem, len, MADV_NVM) != want || (!i && errno != EPERM))
				_exit(41);
			errno = 0;
			if (madvise(mem, len, MADV_NVM_STRICT) != want ||
			    (!i && errno != EPERM))
				_exit(42);
			if (madvise(mem, len, MADV_NONVM))
				_exit(43);
			/* no frame numbers for a user */
			mem[0] = 1;
			if (frame(mem))
				_exit(44);
			_exit(0);
		}
		ASSERT_EQ(pid, waitpid(pid, &status, 0));
		ASSERT_TRUE(WIFEXITED(status));
		EXPECT_EQ(0, WEXITSTATUS(status));
	}
	ASSERT_EQ(0, write_str("/proc/sys/vm/nvm_placement_unprivileged", "0\n"));
	munmap(mem, len);
}

/* The process mode: /proc/PID/status and its faults */
TEST_F(place, process_mode)
{
	size_t len = 4 * MIB, n = len / psize, in;
	char line[256], mode[32] = "";
	char *mem, *keep;
	FILE *f;

	ASSERT_EQ(0, prctl(0x4e564d01, 2UL, 0UL, 0UL, 0UL));
	f = fopen("/proc/self/status", "r");
	ASSERT_NE(NULL, f);
	while (fgets(line, sizeof(line), f))
		sscanf(line, "NvmPlacement: %31s", mode);
	fclose(f);
	ASSERT_STREQ("strict", mode);
	mem = map_anon(len);
	keep = map_anon(len);
	ASSERT_NE(NULL, mem);
	ASSERT_NE(NULL, keep);
	/* MADV_NONVM keeps a range in DRAM in a placed process */
	ASSERT_EQ(0, madvise(keep, len, MADV_NONVM));
	fill(mem, len, 11);
	fill(keep, len, 12);
	ASSERT_EQ(0, prctl(0x4e564d01, 0UL, 0UL, 0UL, 0UL));
	ASSERT_EQ(n, count_pages(mem, len, &in));
	ASSERT_EQ(n, in);
	ASSERT_EQ(n, count_pages(keep, len, &in));
	ASSERT_EQ(0UL, in);
	ASSERT_EQ(0UL, bad_pages(mem, len, 11));
	ASSERT_EQ(0UL, bad_pages(keep, len, 12));
	munmap(mem, len);
	munmap(keep, len);
}

TEST_HARNESS_MAIN
