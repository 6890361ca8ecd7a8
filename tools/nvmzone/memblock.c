// SPDX-License-Identifier: GPL-2.0
/*
 * nvmzone - memory blocks of /sys/devices/system/memory.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nvmzone.h"

static int cmp_blocks(const void *a, const void *b)
{
	const struct nz_memblock *x = a, *y = b;

	return x->index < y->index ? -1 : x->index > y->index;
}

static int block_node(const char *dir)
{
	struct dirent *de;
	DIR *d = opendir(dir);
	int node = -1;

	if (!d)
		return -1;
	while ((de = readdir(d))) {
		char *end;
		long v;

		if (strncmp(de->d_name, "node", 4))
			continue;
		v = strtol(de->d_name + 4, &end, 10);
		if (end != de->d_name + 4 && !*end && v >= 0 && v < INT_MAX) {
			node = (int)v;
			break;
		}
	}
	closedir(d);
	return node;
}

/* Returns 0, or -1 with an error printed ("memory40: cannot read state") */
static int read_block(const char *name, struct nz_memblock *b)
{
	char dir[PATH_MAX], path[PATH_MAX + 32];
	uint64_t v;
	ssize_t n;
	char *end;

	memset(b, 0, sizeof(*b));
	if (!nz_path(dir, sizeof(dir), MEMORY_DIR "/%s", name)) {
		nz_errx("%s: cannot read: %s", name, strerror(ENAMETOOLONG));
		return -1;
	}
	b->index = strtoull(name + 6, &end, 10);
	snprintf(path, sizeof(path), "%s/phys_index", dir);
	n = nz_read_u64(path, 16, &v);
	if (n == 0)
		b->index = v;
	else if (n != -ENOENT)
		nz_errx("%s: cannot read phys_index: %s", name, strerror(-n));

	snprintf(path, sizeof(path), "%s/state", dir);
	n = nz_read_file(path, b->state, sizeof(b->state));
	if (n < 0) {
		nz_errx("%s: cannot read state: %s", name, strerror(-n));
		return -1;
	}

	/* valid_zones: the zone of an online block, the candidates of an offline one */
	snprintf(path, sizeof(path), "%s/valid_zones", dir);
	n = nz_read_file(path, b->zones, sizeof(b->zones));
	if (n < 0) {
		if (n != -ENOENT) {
			nz_errx("%s: cannot read valid_zones: %s", name,
				strerror(-n));
			return -1;
		}
		b->zones[0] = '\0';
	}

	snprintf(path, sizeof(path), "%s/removable", dir);
	n = nz_read_u64(path, 10, &v);
	b->removable = n == 0 ? (v != 0) : -1;

	b->node = block_node(dir);
	return 0;
}

static bool is_block_name(const char *s)
{
	const char *p;

	if (strncmp(s, "memory", 6) || !s[6])
		return false;
	for (p = s + 6; *p; p++)
		if (*p < '0' || *p > '9')
			return false;
	return true;
}

int nz_memblocks_read(struct nz_memblocks *mb)
{
	return nz_memblocks_read_some(mb, NULL, NULL);
}

int nz_memblocks_read_some(struct nz_memblocks *mb,
			   bool (*want)(uint64_t index, const void *arg),
			   const void *arg)
{
	char path[PATH_MAX];
	struct dirent *de;
	size_t alloc = 0;
	ssize_t n;
	DIR *d;

	memset(mb, 0, sizeof(*mb));
	if (!nz_path(path, sizeof(path), MEMORY_DIR "/block_size_bytes")) {
		nz_err("cannot read memory blocks", MEMORY_DIR, ENAMETOOLONG);
		return -1;
	}
	n = nz_read_u64(path, 16, &mb->block_size);
	if (n < 0) {
		nz_err("cannot read the memory block size", path, -n);
		return -1;
	}
	if (mb->block_size == 0) {
		nz_err("cannot read the memory block size", path, EINVAL);
		return -1;
	}
	nz_path(path, sizeof(path), MEMORY_DIR);
	d = opendir(path);
	if (!d) {
		nz_err("cannot read memory blocks", path, errno);
		return -1;
	}
	while ((de = readdir(d))) {
		if (!is_block_name(de->d_name))
			continue;
		/* the index in the name, as read_block() starts from */
		if (want && !want(strtoull(de->d_name + 6, NULL, 10), arg))
			continue;
		if (mb->n == alloc) {
			struct nz_memblock *nb;

			alloc = alloc ? alloc * 2 : 64;
			nb = realloc(mb->blk, alloc * sizeof(*nb));
			if (!nb) {
				nz_errx("out of memory");
				closedir(d);
				nz_memblocks_free(mb);
				return -1;
			}
			mb->blk = nb;
		}
		if (read_block(de->d_name, &mb->blk[mb->n]) < 0)
			mb->failed++;
		else
			mb->n++;
	}
	closedir(d);
	if (mb->n)
		qsort(mb->blk, mb->n, sizeof(*mb->blk), cmp_blocks);
	return 0;
}

void nz_memblocks_free(struct nz_memblocks *mb)
{
	free(mb->blk);
	mb->blk = NULL;
	mb->n = 0;
}

char *nz_memblock_path(char *buf, size_t len, uint64_t index, const char *file)
{
	return nz_path(buf, len, MEMORY_DIR "/memory%llu%s%s",
		       (unsigned long long)index, file ? "/" : "",
		       file ? file : "");
}

int nz_memblock_read(uint64_t index, struct nz_memblock *b)
{
	char dir[PATH_MAX], name[32];

	if (!nz_memblock_path(dir, sizeof(dir), index, NULL)) {
		nz_err("cannot read memory block", MEMORY_DIR, ENAMETOOLONG);
		return -1;
	}
	if (!nz_exists(dir))
		return -ENOENT;
	snprintf(name, sizeof(name), "memory%llu", (unsigned long long)index);
	return read_block(name, b);
}

int nz_memblocks_size(uint64_t *block_size)
{
	char path[PATH_MAX];
	int n;

	if (!nz_path(path, sizeof(path), MEMORY_DIR "/block_size_bytes")) {
		nz_err("cannot read memory blocks", MEMORY_DIR, ENAMETOOLONG);
		return -1;
	}
	n = nz_read_u64(path, 16, block_size);
	if (n == 0 && *block_size == 0)
		n = -EINVAL;
	if (n < 0) {
		nz_err("cannot read the memory block size", path, -n);
		return -1;
	}
	return 0;
}

const struct nz_memblock *nz_memblocks_find(const struct nz_memblocks *mb,
					    uint64_t index)
{
	size_t lo = 0, hi = mb->n;

	/* mb->blk is sorted by index */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (mb->blk[mid].index == index)
			return &mb->blk[mid];
		if (mb->blk[mid].index < index)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}
