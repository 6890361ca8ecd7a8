// SPDX-License-Identifier: GPL-2.0
/*
 * The memory block sysfs ABI that lsmem, chmem, daxctl and nvmzone rely on:
 * /sys/devices/system/memory/block_size_bytes, memoryN/{phys_index,state,
 * valid_zones,removable} and the memoryN/nodeM link.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kselftest_harness.h"

#define MEMDIR "/sys/devices/system/memory"

static int read_str(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f)
		return -errno;
	n = fread(buf, 1, len - 1, f);
	fclose(f);
	buf[n] = '\0';
	while (n && buf[n - 1] == '\n')
		buf[--n] = '\0';
	return n;
}

static int block_ids(unsigned long *ids, int max)
{
	struct dirent *de;
	DIR *d = opendir(MEMDIR);
	int n = 0;

	if (!d)
		return -errno;
	while ((de = readdir(d)) && n < max) {
		char *end;
		unsigned long id;

		if (strncmp(de->d_name, "memory", 6) || !de->d_name[6])
			continue;
		id = strtoul(de->d_name + 6, &end, 10);
		if (*end)
			continue;
		ids[n++] = id;
	}
	closedir(d);
	return n;
}

TEST(block_size_is_power_of_two)
{
	char buf[64], *end;
	unsigned long long sz;

	ASSERT_LT(0, read_str(MEMDIR "/block_size_bytes", buf, sizeof(buf)));
	sz = strtoull(buf, &end, 16);
	ASSERT_EQ('\0', *end) TH_LOG("block_size_bytes is not hex: '%s'", buf);
	ASSERT_NE(0ULL, sz);
	ASSERT_EQ(0ULL, sz & (sz - 1)) TH_LOG("block size %#llx", sz);
	/* x86_64: at least one 128 MiB section per block */
	ASSERT_LE(128ULL << 20, sz);
}

TEST(blocks_are_consistent)
{
	static unsigned long ids[65536];
	int i, n, online = 0;

	n = block_ids(ids, 65536);
	ASSERT_LT(0, n);
	for (i = 0; i < n; i++) {
		char path[256], buf[256], *end;
		unsigned long idx;
		int node, have_node = 0;
		DIR *d;
		struct dirent *de;

		snprintf(path, sizeof(path), MEMDIR "/memory%lu/phys_index", ids[i]);
		ASSERT_LT(0, read_str(path, buf, sizeof(buf)));
		idx = strtoul(buf, &end, 16);
		EXPECT_EQ(ids[i], idx) TH_LOG("memory%lu has phys_index %s", ids[i], buf);

		snprintf(path, sizeof(path), MEMDIR "/memory%lu/state", ids[i]);
		ASSERT_LT(0, read_str(path, buf, sizeof(buf)));
		EXPECT_TRUE(!strcmp(buf, "online") || !strcmp(buf, "offline"))
			TH_LOG("memory%lu state '%s'", ids[i], buf);
		if (!strcmp(buf, "online")) {
			online++;
			snprintf(path, sizeof(path), MEMDIR "/memory%lu/valid_zones", ids[i]);
			EXPECT_LT(0, read_str(path, buf, sizeof(buf)))
				TH_LOG("memory%lu: online without valid_zones", ids[i]);
		}

		snprintf(path, sizeof(path), MEMDIR "/memory%lu", ids[i]);
		d = opendir(path);
		ASSERT_NE(NULL, d);
		while ((de = readdir(d)))
			if (sscanf(de->d_name, "node%d", &node) == 1)
				have_node++;
		closedir(d);
		EXPECT_EQ(1, have_node) TH_LOG("memory%lu has %d node links", ids[i], have_node);
	}
	ASSERT_LT(0, online);
}

TEST(bad_state_is_rejected)
{
	static unsigned long ids[65536];
	char path[256], before[64], after[64];
	FILE *f;
	int n, ret;

	n = block_ids(ids, 65536);
	ASSERT_LT(0, n);
	snprintf(path, sizeof(path), MEMDIR "/memory%lu/state", ids[0]);
	ASSERT_LT(0, read_str(path, before, sizeof(before)));
	f = fopen(path, "w");
	ASSERT_NE(NULL, f);
	setvbuf(f, NULL, _IONBF, 0);
	ret = fputs("online_bogus\n", f);
	EXPECT_TRUE(ret == EOF && errno == EINVAL) TH_LOG("ret %d errno %d", ret, errno);
	fclose(f);
	ASSERT_LT(0, read_str(path, after, sizeof(after)));
	EXPECT_STREQ(before, after);
}

TEST_HARNESS_MAIN
