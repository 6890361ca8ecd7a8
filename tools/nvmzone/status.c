// SPDX-License-Identifier: GPL-2.0
/*
 * nvmzone status - zones per node from /proc/zoneinfo, NVMTotal/NVMFree
 * from /proc/meminfo; MirrorTotal/MirrorFree, per node too, and
 * vm.mirrorable where the kernel has MIGRATE_MIRROR.
 */
#include <dirent.h>
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
	COL_MIRROR,
	COL_MIRROR_FREE,
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
	[COL_MIRROR] = { "MIRROR", 5, SCOLS_FL_RIGHT, NZ_COL_SIZE,
			 "mirrored memory (nr_mirror)" },
	[COL_MIRROR_FREE] = { "MIRROR_FREE", 5, SCOLS_FL_RIGHT, NZ_COL_SIZE,
			      "free mirrored memory (nr_free_mirror)",
			      "MIRROR-FREE" },
};

static const int defcols[] = { COL_NODE,    COL_ZONE, COL_TOTAL,
			       COL_MANAGED, COL_FREE, -1 };

struct zone {
	int node;
	char name[32];
	uint64_t free, spanned, present, managed; /* pages */
	bool have_mirror;
	uint64_t mirror, mirror_free; /* pages */
};

struct meminfo {
	bool have_nvm, have_mirror;
	uint64_t nvm_total, nvm_free; /* kB */
	uint64_t mirror_total, mirror_free; /* kB */
};

/* MirrorTotal/MirrorFree of a node's meminfo */
struct nodemirror {
	int node;
	uint64_t total, free; /* kB */
};

static const struct nz_cmdopt opts[] = {
	{ NZ_O_ALL, "also show zones without present memory" },
	NZ_CMDOPT_OUTPUT,
	NZ_CMDOPT_END,
};

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: nvmzone [options] status [options]\n\n"
		"Show the memory zones of every node, and NVMTotal/NVMFree; where the\n"
		"kernel has MIGRATE_MIRROR, MirrorTotal/MirrorFree (per node too) and\n"
		"vm.mirrorable.  With -J, an object: the zones, then those totals\n"
		"(nvm_total, nvm_free, mirror_total, mirror_free, mirror_nodes,\n"
		"mirrorable) where the kernel has them.\n\n"
		"Options:\n");
	nz_opts_help(f, opts);
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
		if (!strcmp(key, "spanned")) {
			z->spanned = v;
		} else if (!strcmp(key, "present")) {
			z->present = v;
		} else if (!strcmp(key, "managed")) {
			z->managed = v;
		} else if (!strcmp(key, "nr_mirror")) {
			z->have_mirror = true;
			z->mirror = v;
		} else if (!strcmp(key, "nr_free_mirror")) {
			z->mirror_free = v;
		}
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
		} else if (sscanf(line, "MirrorTotal: %llu kB", &v) == 1) {
			mi->have_mirror = true;
			mi->mirror_total = v;
		} else if (sscanf(line, "MirrorFree: %llu kB", &v) == 1) {
			mi->mirror_free = v;
		}
	}
	fclose(f);
	return 0;
}

static int cmp_nodes(const void *a, const void *b)
{
	const struct nodemirror *x = a, *y = b;

	return x->node < y->node ? -1 : x->node > y->node;
}

/* MirrorTotal/MirrorFree of NODE_DIR/@name/meminfo.  0, or -1 if none. */
static int read_node_meminfo(const char *name, struct nodemirror *m)
{
	char path[PATH_MAX], line[256];
	unsigned long long v;
	bool have = false;
	int node;
	FILE *f;

	if (!nz_path(path, sizeof(path), NODE_DIR "/%s/meminfo", name))
		return -1;
	f = fopen(path, "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "Node %d MirrorTotal: %llu kB", &node, &v) ==
		    2) {
			m->total = v;
			have = true;
		} else if (sscanf(line, "Node %d MirrorFree: %llu kB", &node,
				  &v) == 2) {
			m->free = v;
		}
	}
	fclose(f);
	return have ? 0 : -1;
}

/*
 * The nodes whose meminfo has MirrorTotal, sorted: how many.  None (a
 * kernel without node meminfo) leaves the totals of /proc/meminfo alone.
 */
static size_t read_node_mirror(struct nodemirror **nmp)
{
	char path[PATH_MAX];
	struct nodemirror m, *nm = NULL, *t;
	struct dirent *de;
	unsigned int node;
	size_t n = 0;
	char c;
	DIR *d;

	*nmp = NULL;
	if (!nz_path(path, sizeof(path), NODE_DIR))
		return 0;
	d = opendir(path);
	if (!d)
		return 0;
	while ((de = readdir(d))) {
		memset(&m, 0, sizeof(m));
		if (sscanf(de->d_name, "node%u%c", &node, &c) != 1 ||
		    node > INT_MAX || read_node_meminfo(de->d_name, &m) < 0)
			continue;
		m.node = (int)node;
		t = realloc(nm, (n + 1) * sizeof(*nm));
		if (!t) {
			nz_errx("out of memory");
			break;
		}
		nm = t;
		nm[n++] = m;
	}
	closedir(d);
	if (n)
		qsort(nm, n, sizeof(*nm), cmp_nodes);
	*nmp = nm;
	return n;
}

/* "SIZE (node 0: SIZE, node 1: SIZE)": @kb, and each node's total or free */
static char *mirror_sizes(const struct nz_out *o, uint64_t kb,
			  const struct nodemirror *nm, size_t n, bool free_kb)
{
	char *s = nz_out_size(o, kb * 1024), *sz, *t;
	size_t i;

	for (i = 0; i < n; i++) {
		sz = nz_out_size(o,
				 (free_kb ? nm[i].free : nm[i].total) * 1024);
		t = nz_xasprintf("%s%snode %d: %s%s", s, i ? ", " : " (",
				 nm[i].node, sz, i + 1 == n ? ")" : "");
		free(sz);
		free(s);
		s = t;
	}
	return s;
}

/* What there is of MIGRATE_MIRROR, where the kernel has it */
struct mirror {
	struct nodemirror *nm; /* the nodes' MirrorTotal/MirrorFree */
	size_t n;
	bool have_mirrorable;
	int64_t mirrorable; /* vm.mirrorable */
};

/* Read the nodes and vm.mirrorable.  0, or -1 when it cannot be (printed) */
static int read_mirror(struct mirror *m)
{
	char path[PATH_MAX];
	int rc;

	memset(m, 0, sizeof(*m));
	m->n = read_node_mirror(&m->nm);
	if (!nz_path(path, sizeof(path), "/proc/sys/vm/mirrorable"))
		rc = -ENAMETOOLONG;
	else
		rc = nz_read_s64(path, &m->mirrorable);
	if (rc < 0) {
		nz_errx("vm.mirrorable: cannot read: %s", strerror(-rc));
		return -1;
	}
	m->have_mirrorable = true;
	return 0;
}

/* MirrorTotal, MirrorFree and the vm.mirrorable in force, for people */
static void print_mirror(const struct nz_out *o, const struct meminfo *mi,
			 const struct mirror *m)
{
	const char *desc;
	char *t, *f;

	if (mi->have_mirror) {
		t = mirror_sizes(o, mi->mirror_total, m->nm, m->n, false);
		f = mirror_sizes(o, mi->mirror_free, m->nm, m->n, true);
		printf("MirrorTotal: %s\nMirrorFree:  %s\n", t, f);
		free(t);
		free(f);
	}
	if (!m->have_mirrorable)
		return;
	desc = nz_mirrorable_desc(m->mirrorable);
	printf("vm.mirrorable: %" PRId64 " (%s)\n", m->mirrorable,
	       desc ? desc : "unknown to this nvmzone");
}

/* The totals after the zones in JSON: those the kernel has */
static void json_totals(struct nz_json *j, const struct meminfo *mi,
			const struct mirror *m)
{
	size_t i;

	if (mi->have_nvm) {
		nz_json_u64(j, "nvm_total", mi->nvm_total * 1024);
		nz_json_u64(j, "nvm_free", mi->nvm_free * 1024);
	}
	if (mi->have_mirror) {
		nz_json_u64(j, "mirror_total", mi->mirror_total * 1024);
		nz_json_u64(j, "mirror_free", mi->mirror_free * 1024);
	}
	if (m && mi->have_mirror && m->n) {
		nz_json_open(j, "mirror_nodes", '[');
		for (i = 0; i < m->n; i++) {
			nz_json_open(j, NULL, '{');
			nz_json_s64(j, "node", m->nm[i].node);
			nz_json_u64(j, "mirror_total", m->nm[i].total * 1024);
			nz_json_u64(j, "mirror_free", m->nm[i].free * 1024);
			nz_json_close(j, '{');
		}
		nz_json_close(j, '[');
	}
	if (m && m->have_mirrorable)
		nz_json_s64(j, "mirrorable", m->mirrorable);
}

static int add_zone(struct libscols_table *tb, const struct nz_out *o,
		    const struct zone *z, uint64_t pgsz)
{
	struct libscols_line *ln = nz_out_line(tb);
	size_t i;

	if (!ln)
		return -1;
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
		case COL_MIRROR:
			if (z->have_mirror)
				s = nz_out_size(o, z->mirror * pgsz);
			break;
		case COL_MIRROR_FREE:
			if (z->have_mirror)
				s = nz_out_size(o, z->mirror_free * pgsz);
			break;
		}
		if (nz_out_cell(ln, i, s) < 0)
			return -1;
	}
	return 0;
}

int cmd_status(int argc, char **argv)
{
	struct nz_opts o;
	struct nz_out *out = &o.out;
	struct libscols_table *tb = NULL;
	struct zone *zones = NULL;
	struct meminfo mi;
	struct mirror m = { 0 };
	struct nz_json j;
	bool have_meminfo, partial, nvm, mirror;
	uint64_t pgsz = (uint64_t)sysconf(_SC_PAGESIZE);
	int n, i, shown = 0, rc;

	rc = nz_opts_parse(&o, argc, argv, opts, 0, usage);
	if (rc >= 0)
		return rc;
	if (o.argc) {
		nz_usage_errx("unexpected argument: %s", o.argv[0]);
		return NZ_EXIT_FAILURE;
	}
	if (nz_out_columns(out, coldescs, ARRAY_SIZE(coldescs), defcols) < 0)
		return NZ_EXIT_FAILURE;
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

	tb = nz_out_table(out);
	if (!tb)
		goto out;
	for (i = 0; i < n; i++) {
		if (!o.given[NZ_O_ALL] && zones[i].present == 0)
			continue;
		if (add_zone(tb, out, &zones[i], pgsz) < 0)
			goto out;
		shown++;
	}
	if (!shown)
		nz_errx("no zone with present memory (-a shows every zone)");

	partial = !have_meminfo;
	nvm = have_meminfo && mi.have_nvm;
	/* MIGRATE_MIRROR: the summary of people, the totals of JSON */
	mirror = nz_mirror_supported() && (out->json || !out->raw);
	if (mirror && read_mirror(&m) < 0)
		partial = true;

	if (out->json) {
		nz_json_init(&j, stdout);
		nz_json_open(&j, NULL, '{');
		if (nz_out_json_rows(&j, out, tb, "zones") < 0)
			goto out;
		/* without /proc/meminfo, @mi has none of its totals */
		json_totals(&j, &mi, mirror ? &m : NULL);
		nz_json_close(&j, '{');
	} else {
		if (nz_out_print(out, tb, NULL) < 0)
			goto out;
	}

	/* The summary is for people; -J has it in the object, -r not */
	if (nvm && !out->json && !out->raw) {
		char *t = nz_out_size(out, mi.nvm_total * 1024);
		char *f = nz_out_size(out, mi.nvm_free * 1024);

		printf("\nNVMTotal: %s\nNVMFree:  %s\n", t, f);
		free(t);
		free(f);
	}
	if (mirror && !out->json) {
		if (!nvm)
			putchar('\n');
		print_mirror(out, &mi, &m);
	}
	rc = partial ? NZ_EXIT_PARTIAL : NZ_EXIT_OK;
out:
	scols_unref_table(tb);
	free(m.nm);
	free(zones);
	return rc;
}
