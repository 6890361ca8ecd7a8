/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers of the ZONE_NVM test programs: the ZONE_NVM spans and free room
 * of /proc/zoneinfo, and writing a sysctl or sysfs file.
 */
#ifndef NVM_UTIL_H
#define NVM_UTIL_H

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define NVM_MAX_ZONES 64

static struct { uint64_t start, end; } nvm_span[NVM_MAX_ZONES];
static int nr_nvm_spans;

/*
 * Read the pfn spans of the populated ZONE_NVM zones of /proc/zoneinfo.
 * Returns the pages they have free above their min watermarks, -1 when
 * /proc/zoneinfo cannot be read.
 */
static inline long nvm_read_zoneinfo(void)
{
	FILE *f = fopen("/proc/zoneinfo", "r");
	char line[256], zone[32];
	int in_nvm = 0, node;
	unsigned long v, spanned = 0;
	long free = 0, room = 0, min = 0;

	nr_nvm_spans = 0;
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "Node %d, zone %31s", &node, zone) == 2) {
			if (in_nvm && free > min)
				room += free - min;
			in_nvm = !strcmp(zone, "NVM");
			free = min = spanned = 0;
			continue;
		}
		if (!in_nvm)
			continue;
		if (sscanf(line, "  pages free %lu", &v) == 1)
			free += v;
		/*
		 * Free pages on the per-cpu lists serve faults too; since 6.7
		 * the lists grow with the free rate (to thousands of pages of
		 * a zone with a large vm.nvm_min_free_kbytes), and "pages free"
		 * leaves them out.
		 */
		else if (sscanf(line, " count: %lu", &v) == 1)
			free += v;
		else if (sscanf(line, " min %lu", &v) == 1)
			min = v;
		else if (sscanf(line, " spanned %lu", &v) == 1)
			spanned = v;
		else if (sscanf(line, " start_pfn: %lu", &v) == 1 &&
			 nr_nvm_spans < NVM_MAX_ZONES && spanned) {
			nvm_span[nr_nvm_spans].start = v;
			nvm_span[nr_nvm_spans].end = v + spanned;
			nr_nvm_spans++;
		}
	}
	if (in_nvm && free > min)
		room += free - min;
	fclose(f);
	return room;
}

/* Does @pfn lie in a ZONE_NVM span that nvm_read_zoneinfo() found? */
static inline int pfn_in_nvm(uint64_t pfn)
{
	int i;

	for (i = 0; i < nr_nvm_spans; i++)
		if (pfn >= nvm_span[i].start && pfn < nvm_span[i].end)
			return 1;
	return 0;
}

/* Write @s to the file @path; 0, or -1 when open, write or close fails. */
static inline int write_str(const char *path, const char *s)
{
	FILE *f = fopen(path, "w");
	int ret;

	if (!f)
		return -1;
	ret = fputs(s, f) < 0;
	return fclose(f) || ret ? -1 : 0;
}

/* Read the file @path into @buf (NUL-terminated); 0, or -errno. */
static inline int read_file(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = 0;
	return 0;
}

/* A counter of /proc/vmstat, -1 if missing */
static inline long vmstat_of(const char *name)
{
	FILE *f = fopen("/proc/vmstat", "r");
	char line[256], key[64];
	long v, ret = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%63s %ld", key, &v) == 2 && !strcmp(key, name)) {
			ret = v;
			break;
		}
	fclose(f);
	return ret;
}

/* madvise() advice of ZONE_NVM placement (uapi asm-generic/mman-common.h) */
#ifndef MADV_NVM
#define MADV_NVM	0x4e564d01
#define MADV_NVM_STRICT	0x4e564d02
#define MADV_NONVM	0x4e564d03
#endif

#endif /* NVM_UTIL_H */
