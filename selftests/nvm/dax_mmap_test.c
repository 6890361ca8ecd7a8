// SPDX-License-Identifier: GPL-2.0
/*
 * A device-dax character device (ZONE_DEVICE memory) maps, holds data across
 * mappings, and refuses a mapping that breaks its alignment.
 *
 * The device is named by $NVMTEST_DAX (e.g. /dev/dax0.0); its alignment is
 * read from /sys/bus/dax/devices/<dev>/align (2 MiB when absent).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kselftest_harness.h"

FIXTURE(dax)
{
	int fd;
	size_t align;
};

FIXTURE_SETUP(dax)
{
	const char *dev = getenv("NVMTEST_DAX");
	char path[256];
	FILE *f;

	ASSERT_NE(NULL, dev) TH_LOG("set NVMTEST_DAX to a /dev/daxX.Y device");
	self->fd = open(dev, O_RDWR);
	ASSERT_LE(0, self->fd) TH_LOG("open %s: %s", dev, strerror(errno));
	self->align = 2UL << 20;
	snprintf(path, sizeof(path), "/sys/bus/dax/devices/%s/align", strrchr(dev, '/') + 1);
	f = fopen(path, "r");
	if (f) {
		unsigned long a;

		if (fscanf(f, "%lu", &a) == 1 && a)
			self->align = a;
		fclose(f);
	}
}

FIXTURE_TEARDOWN(dax)
{
	close(self->fd);
}

TEST_F(dax, data_survives_remap)
{
	size_t len = self->align * 2, i;
	uint64_t *p;

	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, self->fd, 0);
	ASSERT_NE(MAP_FAILED, p) TH_LOG("mmap: %s", strerror(errno));
	for (i = 0; i < len / sizeof(*p); i++)
		p[i] = i * 0x9e3779b97f4a7c15ULL;
	ASSERT_EQ(0, munmap(p, len));

	p = mmap(NULL, len, PROT_READ, MAP_SHARED, self->fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	for (i = 0; i < len / sizeof(*p); i++)
		if (p[i] != i * 0x9e3779b97f4a7c15ULL)
			break;
	EXPECT_EQ(len / sizeof(*p), i) TH_LOG("mismatch at word %zu", i);
	munmap(p, len);
}

TEST_F(dax, private_mapping_is_refused)
{
	void *p = mmap(NULL, self->align, PROT_READ, MAP_PRIVATE, self->fd, 0);

	EXPECT_EQ(MAP_FAILED, p);
	EXPECT_EQ(EINVAL, errno);
}

/*
 * Two alignments long, so that device-dax places the mapping itself
 * (dax_get_unmapped_area()) at an address as misaligned as the offset, which
 * the mmap refuses.  With one alignment it leaves the placement to the mm,
 * which picks a 2 MiB-aligned address about once in 512 runs, and the mmap
 * then succeeds.
 */
TEST_F(dax, misaligned_offset_is_refused)
{
	size_t len = self->align * 2;
	void *p = mmap(NULL, len, PROT_READ, MAP_SHARED, self->fd, 4096);

	EXPECT_EQ(MAP_FAILED, p);
	if (p != MAP_FAILED)
		munmap(p, len);
}

TEST_HARNESS_MAIN
