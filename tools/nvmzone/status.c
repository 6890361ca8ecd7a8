// SPDX-License-Identifier: GPL-2.0
/*
 * nvmzone status - zones per node from /proc/zoneinfo, NVMTotal/NVMFree
 * from /proc/meminfo.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nvmzone.h"

enum {
	COL_NODE,
	COL_ZONE,
	COL_TOTAL,
	COL_MANAGED,
	COL_FREE,
	COL_USED,
	COL_SPANNED,
};

static const struct nz_coldesc coldescs[] = {
	[COL_NODE] = { "NODE", 0, SCOLS_FL_RIGHT, NZ_COL_NUM, "NUMA node" },
	[COL_ZONE] = { "ZONE", 0, 0, NZ_COL_STR,
		       "zone name (DMA, DMA32, Normal, Movable, NVM, Device)" },
	[COL_TOTAL] = { "TOTAL", 5, SCOLS_FL_RIGHT, NZ_COL_SIZE,
			"present memory of the zone" },
	[COL_MANAGED] = { "MANAGED", 5, SCOLS_FL_RIGHT, NZ_COL_SIZE,
			  "memory managed by the buddy allocator" },
	[COL_FREE] = { "FREE", 5, SCOLS_FL_RIGHT, NZ_COL_SIZE, "free memory" },
	[COL_USED] = { "USED", 5, SCOLS_FL_RIGHT, NZ_COL_SIZE,
		       "managed minus free memory" },
	[COL_SPANNED] = { "SPANNED", 5, SCOLS_FL_RIGHT, NZ_COL_SIZE,
			  "memory spanned by the zone, holes included" },
};

static const int defcols[] = { COL_NODE,    COL_ZONE, COL_TOTAL,
			       COL_MANAGED, COL_FREE, -1 };

struct zone {
	int node;
	char name[32];
	uint64_t free, spanned, present, managed; /* pages */
};

struct meminfo {
	bool have_nvm;
	uint64_t nvm_total, nvm_free; /* kB */
};

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: nvmzone [--sysroot DIR] status [options]\n\n"
		"Show the memory zones of every node, and NVMTotal/NVMFree.\n\n"
		"Options:\n"
		" -a, --all              also show zones without present memory\n");
	nz_out_help_options(f);
	nz_out_help(f, coldescs, ARRAY_SIZE(coldescs));
}

/* Parse /proc/zoneinfo.  Returns the number of zones or -1. */
static int read_zoneinfo(struct zone **zonesp)
{
	char path[PATH_MAX], line[512];
	struct zone *zones = NULL, *z = NULL;
	size_t n = 0, alloc = 0;
	FILE *f;

	if (!nz_path(path, sizeof(path), "/proc/zoneinfo")) {
		nz_err("cannot read zone statistics", "/proc/zoneinfo",
		       ENAMETOOLONG);
		return -1;
	}
	f = fopen(path, "re");
	if (!f) {
		nz_err("cannot read zone statistics", path, errno);
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		char key[32], name[32];
		unsigned long long v;
		int node;

		if (sscanf(line, "Node %d, zone %31s", &node, name) == 2) {
			if (n == alloc) {
				struct zone *nz;

				alloc = alloc ? alloc * 2 : 16;
				nz = realloc(zones, alloc * sizeof(*zones));
				if (!nz) {
					nz_errx("out of memory");
					free(zones);
					fclose(f);
					return -1;
				}
				zones = nz;
			}
			z = &zones[n++];
			memset(z, 0, sizeof(*z));
			z->node = node;
			memcpy(z->name, name, sizeof(z->name));
			continue;
		}
		if (!z)
			continue;
		if (sscanf(line, " pages free %llu", &v) == 1) {
			z->free = v;
			continue;
		}
		if (sscanf(line, " %31s %llu", key, &v) != 2)
			continue;
		if (!strcmp(key, "spanned"))
			z->spanned = v;
		else if (!strcmp(key, "present"))
			z->present = v;
		else if (!strcmp(key, "managed"))
			z->managed = v;
	}
	if (ferror(f)) {
		nz_err("cannot read zone statistics", path,
		       errno ? errno : EIO);
		free(zones);
		fclose(f);
		return -1;
	}
	fclose(f);
	if (n == 0) {
		nz_errx("no zones found: %s: not a zoneinfo file?", path);
		free(zones);
		return -1;
	}
	*zonesp = zones;
	return (int)n;
}

/* Returns 0, or -1 when /proc/meminfo cannot be read (error printed). */
static int read_meminfo(struct meminfo *mi)
{
	char path[PATH_MAX], line[256];
	unsigned long long v;
	FILE *f;

	memset(mi, 0, sizeof(*mi));
	if (!nz_path(path, sizeof(path), "/proc/meminfo")) {
		nz_err("cannot read memory statistics", "/proc/meminfo",
		       ENAMETOOLONG);
		return -1;
	}
	f = fopen(path, "re");
	if (!f) {
		nz_err("cannot read memory statistics", path, errno);
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "NVMTotal: %llu kB", &v) == 1) {
			mi->have_nvm = true;
			mi->nvm_total = v;
		} else if (sscanf(line, "NVMFree: %llu kB", &v) == 1) {
			mi->nvm_free = v;
		}
	}
	fclose(f);
	return 0;
}

static int add_zone(struct libscols_table *tb, const struct nz_out *o,
		    const struct zone *z, uint64_t pgsz)
{
	struct libscols_line *ln = scols_table_new_line(tb, NULL);
	size_t i;

	if (!ln) {
		nz_errx("failed to allocate output line");
		return -1;
	}
	for (i = 0; i < o->ncols; i++) {
		char *s = NULL;

		switch (o->cols[i]) {
		case COL_NODE:
			s = nz_xasprintf("%d", z->node);
			break;
		case COL_ZONE:
			s = nz_xstrdup(z->name);
			break;
		case COL_TOTAL:
			s = nz_out_size(o, z->present * pgsz);
			break;
		case COL_MANAGED:
			s = nz_out_size(o, z->managed * pgsz);
			break;
		case COL_FREE:
			s = nz_out_size(o, z->free * pgsz);
			break;
		case COL_USED:
			s = nz_out_size(o, (z->managed > z->free ?
						    z->managed - z->free :
						    0) *
						   pgsz);
			break;
		case COL_SPANNED:
			s = nz_out_size(o, z->spanned * pgsz);
			break;
		}
		if (nz_out_cell(ln, i, s) < 0)
			return -1;
	}
	return 0;
}

int cmd_status(int argc, char **argv)
{
	static const struct option longopts[] = {
		NZ_OUT_LONGOPTS,
		{ "all", no_argument, NULL, 'a' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct nz_out out = { 0 };
	struct libscols_table *tb;
	struct zone *zones = NULL;
	struct meminfo mi;
	bool all = false, have_meminfo;
	uint64_t pgsz = (uint64_t)sysconf(_SC_PAGESIZE);
	int n, i, rc = NZ_EXIT_FAILURE;

	rc = nz_out_parse(&out, argc, argv, NZ_OUT_SHORTOPTS "ah", longopts,
			  usage, 'a', &all, coldescs, ARRAY_SIZE(coldescs),
			  defcols);
	if (rc >= 0)
		return rc;
	rc = NZ_EXIT_FAILURE;

	n = read_zoneinfo(&zones);
	if (n < 0)
		return NZ_EXIT_FAILURE;
	have_meminfo = read_meminfo(&mi) == 0;
	if (have_meminfo && !mi.have_nvm)
		fprintf(stderr,
			"%s: this kernel has no ZONE_NVM support (no NVMTotal in "
			"/proc/meminfo); showing what it has\n",
			nz_prog);

	tb = nz_out_table(&out, "zones", coldescs);
	if (!tb)
		goto out;
	for (i = 0; i < n; i++) {
		if (!all && zones[i].present == 0)
			continue;
		if (add_zone(tb, &out, &zones[i], pgsz) < 0)
			goto out_tb;
	}
	if (nz_out_print(tb) < 0)
		goto out_tb;

	/* The summary is for people; -J and -r output only the table */
	if (have_meminfo && mi.have_nvm && !out.json && !out.raw) {
		char *t = nz_out_size(&out, mi.nvm_total * 1024);
		char *f = nz_out_size(&out, mi.nvm_free * 1024);

		printf("\nNVMTotal: %s\nNVMFree:  %s\n", t, f);
		free(t);
		free(f);
	}
	rc = have_meminfo ? NZ_EXIT_OK : NZ_EXIT_PARTIAL;
out_tb:
	scols_unref_table(tb);
out:
	free(zones);
	return rc;
}
