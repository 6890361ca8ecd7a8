// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/zoneinfo as administrators and nvmzone read it: every zone of every
 * node has spanned >= present >= managed, free <= managed, and min <= low <=
 * high watermarks; the zone names are the kernel's known names.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kselftest_harness.h"

struct zone_rec {
	int node;
	char name[32];
	long free, min, low, high, spanned, present, managed;
};

static int parse_zoneinfo(struct zone_rec *z, int max)
{
	FILE *f = fopen("/proc/zoneinfo", "r");
	char line[512];
	int n = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		struct zone_rec *c = n >= 0 ? &z[n] : NULL;
		int node;
		char name[32];
		long v;

		if (sscanf(line, "Node %d, zone %31s", &node, name) == 2) {
			if (n + 1 >= max)
				break;
			c = &z[++n];
			memset(c, 0, sizeof(*c));
			c->node = node;
			strcpy(c->name, name);
			continue;
		}
		if (!c)
			continue;
		if (sscanf(line, " pages free %ld", &v) == 1)
			c->free = v;
		else if (sscanf(line, " min %ld", &v) == 1)
			c->min = v;
		else if (sscanf(line, " low %ld", &v) == 1)
			c->low = v;
		else if (sscanf(line, " high %ld", &v) == 1)
			c->high = v;
		else if (sscanf(line, " spanned %ld", &v) == 1)
			c->spanned = v;
		else if (sscanf(line, " present %ld", &v) == 1)
			c->present = v;
		else if (sscanf(line, " managed %ld", &v) == 1)
			c->managed = v;
	}
	fclose(f);
	return n + 1;
}

static const char *const known[] = {
	"DMA", "DMA32", "Normal", "HighMem", "Movable", "Device", "NVM",
};

TEST(zones_are_consistent)
{
	struct zone_rec z[64];
	int i, j, n = parse_zoneinfo(z, 64), populated = 0;

	ASSERT_LT(0, n);
	for (i = 0; i < n; i++) {
		int ok = 0;

		for (j = 0; j < (int)(sizeof(known) / sizeof(known[0])); j++)
			ok |= !strcmp(z[i].name, known[j]);
		EXPECT_TRUE(ok) TH_LOG("unknown zone name %s", z[i].name);
		EXPECT_LE(z[i].present, z[i].spanned) TH_LOG("node %d %s", z[i].node, z[i].name);
		EXPECT_LE(z[i].managed, z[i].present) TH_LOG("node %d %s", z[i].node, z[i].name);
		if (!z[i].managed)
			continue;
		populated++;
		EXPECT_LE(z[i].free, z[i].managed) TH_LOG("node %d %s", z[i].node, z[i].name);
		EXPECT_LE(z[i].min, z[i].low);
		EXPECT_LE(z[i].low, z[i].high);
	}
	ASSERT_LT(0, populated);
}

TEST_HARNESS_MAIN
