// SPDX-License-Identifier: GPL-2.0
/*
 * ZONE_NVM as user space sees it: /proc/meminfo's NVMTotal and NVMFree agree
 * with the NVM zones of /proc/zoneinfo and with the per-node meminfo, the
 * zone is left out of MemTotal, and an ordinary memory load never takes a
 * page of it.
 *
 * $NVMTEST_NVM_KB, when set, is the NVMTotal the machine must have.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kselftest_harness.h"

static long meminfo_kb(const char *path, const char *key)
{
	char line[256], *p;
	long v = -1;
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		p = strstr(line, key);
		if (p && p[strlen(key)] == ':') {
			v = strtol(p + strlen(key) + 1, NULL, 10);
			break;
		}
	}
	fclose(f);
	return v;
}

/* Sum a field over the zones named @zone (or over all other zones). */
static long zoneinfo_sum(const char *zone, int other, const char *field)
{
	char line[512], name[32];
	long sum = 0, v;
	int node, in = 0;
	FILE *f = fopen("/proc/zoneinfo", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "Node %d, zone %31s", &node, name) == 2) {
			in = !strcmp(name, zone) != !!other;
			continue;
		}
		if (!in)
			continue;
		if (!strcmp(field, "free") && sscanf(line, " pages free %ld", &v) == 1)
			sum += v;
		else if (strcmp(field, "free")) {
			char fmt[64];

			snprintf(fmt, sizeof(fmt), " %s %%ld", field);
			if (sscanf(line, fmt, &v) == 1 && strncmp(line, "        protection", 18))
				sum += v;
		}
	}
	fclose(f);
	return sum;
}

TEST(meminfo_has_nvm_lines)
{
	ASSERT_LE(0, meminfo_kb("/proc/meminfo", "NVMTotal"));
	ASSERT_LE(0, meminfo_kb("/proc/meminfo", "NVMFree"));
}

TEST(nvmtotal_is_the_nvm_zones)
{
	long total = meminfo_kb("/proc/meminfo", "NVMTotal");
	long managed = zoneinfo_sum("NVM", 0, "managed");
	const char *want = getenv("NVMTEST_NVM_KB");

	EXPECT_EQ(managed * 4, total);
	if (want)
		EXPECT_EQ(atol(want), total);
}

TEST(nvmfree_is_the_nvm_zones)
{
	EXPECT_EQ(zoneinfo_sum("NVM", 0, "free") * 4,
		  meminfo_kb("/proc/meminfo", "NVMFree"));
}

TEST(memtotal_leaves_nvm_out)
{
	EXPECT_EQ(zoneinfo_sum("NVM", 1, "managed") * 4,
		  meminfo_kb("/proc/meminfo", "MemTotal"));
}

TEST(node_meminfo_adds_up)
{
	long total = 0, free = 0, v;
	char path[128];
	int nid;

	for (nid = 0; nid < 64; nid++) {
		snprintf(path, sizeof(path), "/sys/devices/system/node/node%d/meminfo", nid);
		if (access(path, R_OK))
			continue;
		v = meminfo_kb(path, "NVMTotal");
		ASSERT_LE(0, v) TH_LOG("node %d has no NVMTotal", nid);
		total += v;
		free += meminfo_kb(path, "NVMFree");
	}
	EXPECT_EQ(meminfo_kb("/proc/meminfo", "NVMTotal"), total);
	EXPECT_EQ(meminfo_kb("/proc/meminfo", "NVMFree"), free);
}

/*
 * Take 60% of MemAvailable (at most 768 MiB, which the debug kernel touches
 * within the harness's timeout), touch it all: NVMFree does not fall.  It
 * may rise: the pressure drains ZONE_NVM pages from the per-cpu lists.
 */
TEST(memory_load_leaves_nvm_alone)
{
	long before = meminfo_kb("/proc/meminfo", "NVMFree");
	long avail = meminfo_kb("/proc/meminfo", "MemAvailable");
	size_t len = (size_t)avail * 1024 / 10 * 6, i;

	if (len > (768UL << 20))
		len = 768UL << 20;
	char *p;

	ASSERT_LT(0, avail);
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, p);
	for (i = 0; i < len; i += 4096)
		p[i] = 1;
	EXPECT_LE(before, meminfo_kb("/proc/meminfo", "NVMFree"))
		TH_LOG("a load of %zu MiB took ZONE_NVM pages", len >> 20);
	munmap(p, len);
	EXPECT_LE(before, meminfo_kb("/proc/meminfo", "NVMFree"));
}

TEST_HARNESS_MAIN
