// SPDX-License-Identifier: GPL-2.0
/*
 * nvmzone devices - dax devices of /sys/bus/dax/devices, their mode and,
 * for system-ram, the memory blocks and zones they went to.
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
	COL_CHARDEV,
	COL_SIZE,
	COL_TARGET_NODE,
	COL_ALIGN,
	COL_MODE,
	COL_MOVABLE,
	COL_RESOURCE,
	COL_BLOCKS,
	COL_ONLINE_MEMBLOCKS,
	COL_TOTAL_MEMBLOCKS,
	COL_STATE,
	COL_ZONES,
	COL_DRIVER,
};

/* daxctl list's names where it shows the same thing */
static const struct nz_coldesc coldescs[] = {
	[COL_CHARDEV] = { "CHARDEV", 0, 0, NZ_COL_STR, "dax device name",
			  "DEVICE" },
	[COL_SIZE] = { "SIZE", 5, SCOLS_FL_RIGHT, NZ_COL_SIZE,
		       "size of the device" },
	[COL_TARGET_NODE] = { "TARGET_NODE", 0, SCOLS_FL_RIGHT, NZ_COL_NUM,
			      "the node its memory goes to", "NODE" },
	[COL_ALIGN] = { "ALIGN", 5, SCOLS_FL_RIGHT, NZ_COL_SIZE,
			"alignment of its mappings" },
	[COL_MODE] = { "MODE", 0, 0, NZ_COL_STR,
		       "devdax, system-ram, unbound, or the driver's name" },
	[COL_MOVABLE] = { "MOVABLE", 0, SCOLS_FL_RIGHT, NZ_COL_BOOL,
			  "system-ram: all its online memory is in Movable" },
	[COL_RESOURCE] = { "RESOURCE", 0, SCOLS_FL_RIGHT, NZ_COL_STR,
			   "physical start address" },
	[COL_BLOCKS] = { "BLOCKS", 0, SCOLS_FL_RIGHT, NZ_COL_STR,
			 "memory blocks of a system-ram device" },
	[COL_ONLINE_MEMBLOCKS] = { "ONLINE_MEMBLOCKS", 0, SCOLS_FL_RIGHT,
				   NZ_COL_NUM, "how many of them are online" },
	[COL_TOTAL_MEMBLOCKS] = { "TOTAL_MEMBLOCKS", 0, SCOLS_FL_RIGHT,
				  NZ_COL_NUM, "how many of them are present" },
	[COL_STATE] = { "STATE", 0, 0, NZ_COL_STR,
			"online, offline or mixed: state of those blocks" },
	[COL_ZONES] = { "ZONES", 0, 0, NZ_COL_STR, "zones of those blocks" },
	[COL_DRIVER] = { "DRIVER", 0, 0, NZ_COL_STR,
			 "driver the device is bound to" },
};

static const int defcols[] = { COL_CHARDEV, COL_SIZE,	COL_TARGET_NODE,
			       COL_MODE,    COL_BLOCKS, COL_STATE,
			       COL_ZONES,   -1 };

/* What the memory blocks of a system-ram device are */
struct daxmem {
	uint64_t first, last; /* block numbers */
	size_t nblocks; /* blocks that exist */
	size_t online; /* of those, online */
	size_t movable; /* of those, online in Movable */
	char state[NZ_STATE_LEN];
	char zones[NZ_ZONES_LEN];
};

static const struct nz_cmdopt opts[] = {
	{ NZ_O_ALL, "also show devices of size 0 (region seeds)" },
	{ NZ_O_IDLE, NULL },
	NZ_CMDOPT_OUTPUT,
	NZ_CMDOPT_END,
};

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: nvmzone [options] devices [options]\n\n"
		"List the dax devices, their mode (devdax or system-ram) and, for\n"
		"system-ram, the memory blocks and zones their memory went to.  With\n"
		"-J, an array of objects, as daxctl list prints it.\n\n"
		"Options:\n");
	nz_opts_help(f, opts);
	nz_out_help(f, coldescs, ARRAY_SIZE(coldescs));
}

const char *nz_dax_mode(const struct nz_daxdev *d)
{
	if (!d->driver[0])
		return "unbound";
	if (!strcmp(d->driver, "device_dax"))
		return "devdax";
	if (!strcmp(d->driver, "kmem"))
		return "system-ram";
	return d->driver;
}

/* "dax0.0: cannot read size: REASON"; -1 */
static int err_dax(const char *name, const char *file, int errnum)
{
	nz_errx("%s: cannot read %s: %s", name, file, strerror(errnum));
	return -1;
}

/* nz_dax_read() under --sysroot: the files libdaxctl reads */
static int dax_read_sysfs(const char *name, struct nz_daxdev *d)
{
	char dir[PATH_MAX], path[PATH_MAX + 32], link[PATH_MAX];
	const char *base;
	ssize_t n;
	int r;

	memset(d, 0, sizeof(*d));
	nz_strlcpy(d->name, name, sizeof(d->name));
	if (!nz_path(dir, sizeof(dir), DAX_DIR "/%s", name))
		return err_dax(name, "it", ENAMETOOLONG);
	if (!nz_exists(dir))
		return -ENOENT;
	snprintf(path, sizeof(path), "%s/size", dir);
	r = nz_read_u64(path, 10, &d->size);
	if (r < 0)
		return err_dax(name, "size", -r);
	snprintf(path, sizeof(path), "%s/target_node", dir);
	r = nz_read_s64(path, &d->target_node);
	if (r < 0) {
		if (r != -ENOENT)
			return err_dax(name, "target_node", -r);
		d->target_node = -1;
	}
	snprintf(path, sizeof(path), "%s/align", dir);
	r = nz_read_u64(path, 10, &d->align);
	if (r < 0 && r != -ENOENT)
		return err_dax(name, "align", -r);
	snprintf(path, sizeof(path), "%s/resource", dir);
	r = nz_read_u64(path, 16, &d->resource);
	if (r == -ENOENT) {
		/* kernels without "resource": the first mapping */
		snprintf(path, sizeof(path), "%s/mapping0/start", dir);
		r = nz_read_u64(path, 16, &d->resource);
		if (r < 0 && r != -ENOENT)
			return err_dax(name, "mapping0/start", -r);
	} else if (r < 0) {
		return err_dax(name, "resource", -r);
	}
	d->have_resource = r == 0;
	snprintf(path, sizeof(path), "%s/driver", dir);
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0) {
		if (errno != ENOENT)
			return err_dax(name, "driver", errno);
		return 0;
	}
	link[n] = '\0';
	base = strrchr(link, '/');
	nz_strlcpy(d->driver, base ? base + 1 : link, sizeof(d->driver));
	return 0;
}

int nz_dax_read(const char *name, struct nz_daxdev *d)
{
	if (nz_sysroot()[0])
		return dax_read_sysfs(name, d);
	return nz_daxlib_read(name, d);
}

int nz_dax_read_mappings(struct nz_daxdev *d)
{
	char path[PATH_MAX], file[32];
	uint64_t start, end;
	size_t i;
	int r;

	d->nmap = 0;
	for (i = 0; i < NZ_DAX_MAX_MAPPINGS; i++) {
		snprintf(file, sizeof(file), "mapping%zu/start", i);
		if (!nz_path(path, sizeof(path), DAX_DIR "/%s/%s", d->name,
			     file))
			return err_dax(d->name, file, ENAMETOOLONG);
		r = nz_read_u64(path, 16, &start);
		if (r == -ENOENT)
			break;
		if (r == 0) {
			snprintf(file, sizeof(file), "mapping%zu/end", i);
			nz_path(path, sizeof(path), DAX_DIR "/%s/%s", d->name,
				file);
			r = nz_read_u64(path, 16, &end);
		}
		if (r < 0)
			return err_dax(d->name, file, -r);
		d->map[d->nmap].start = start;
		d->map[d->nmap].end = end;
		d->nmap++;
	}
	return 0;
}

static void zones_add(char *zones, size_t len, const char *zone)
{
	const char *p = zones;
	size_t zl = strlen(zone), l = strlen(zones);

	/* already there as a whole word? */
	while ((p = strstr(p, zone))) {
		if ((p == zones || p[-1] == ' ') && (p[zl] == ' ' || !p[zl]))
			return;
		p += zl;
	}
	if (l + zl + 2 > len)
		return;
	if (l)
		zones[l++] = ' ';
	memcpy(zones + l, zone, zl + 1);
}

static void dax_memory(const struct nz_daxdev *d, const struct nz_memblocks *mb,
		       struct daxmem *m)
{
	size_t i;

	memset(m, 0, sizeof(*m));
	m->first = d->resource / mb->block_size;
	m->last = (d->resource + d->size - 1) / mb->block_size;
	for (i = 0; i < mb->n; i++) {
		const struct nz_memblock *b = &mb->blk[i];

		if (b->index < m->first || b->index > m->last)
			continue;
		if (!m->nblocks++)
			nz_strlcpy(m->state, b->state, sizeof(m->state));
		else if (strcmp(m->state, b->state))
			nz_strlcpy(m->state, "mixed", sizeof(m->state));
		if (b->zones[0])
			zones_add(m->zones, sizeof(m->zones), b->zones);
		if (nz_block_online_p(b)) {
			m->online++;
			m->movable += nz_block_in_zone(b, &nz_zone_movable);
		}
	}
}

static int add_dev(struct libscols_table *tb, const struct nz_out *o,
		   const struct nz_daxdev *d, const struct nz_memblocks *mb)
{
	struct libscols_line *ln = nz_out_line(tb);
	bool sysram = !strcmp(d->driver, "kmem");
	struct daxmem m = { 0 };
	size_t i;

	if (!ln)
		return -1;
	if (sysram && mb && d->have_resource && d->size)
		dax_memory(d, mb, &m);
	for (i = 0; i < o->ncols; i++) {
		char *s = NULL;

		switch (o->cols[i]) {
		case COL_CHARDEV:
			s = nz_xstrdup(d->name);
			break;
		case COL_SIZE:
			s = nz_out_size(o, d->size);
			break;
		case COL_TARGET_NODE:
			s = nz_xasprintf("%" PRId64, d->target_node);
			break;
		case COL_ALIGN:
			if (d->align)
				s = nz_out_size(o, d->align);
			break;
		case COL_MODE:
			s = nz_xstrdup(nz_dax_mode(d));
			break;
		case COL_MOVABLE:
			/* as daxctl: of the online memory of a system-ram device */
			if (m.online)
				s = nz_out_bool(o, m.movable == m.online);
			break;
		case COL_RESOURCE:
			if (d->have_resource)
				s = nz_xasprintf("0x%" PRIx64, d->resource);
			break;
		case COL_BLOCKS:
			if (m.nblocks && m.first == m.last)
				s = nz_xasprintf("%" PRIu64, m.first);
			else if (m.nblocks)
				s = nz_xasprintf("%" PRIu64 "-%" PRIu64,
						 m.first, m.last);
			break;
		case COL_ONLINE_MEMBLOCKS:
			if (sysram && mb)
				s = nz_xasprintf("%zu", m.online);
			break;
		case COL_TOTAL_MEMBLOCKS:
			if (sysram && mb)
				s = nz_xasprintf("%zu", m.nblocks);
			break;
		case COL_STATE:
			if (m.nblocks)
				s = nz_xstrdup(m.state);
			break;
		case COL_ZONES:
			if (m.zones[0])
				s = nz_xstrdup(m.zones);
			break;
		case COL_DRIVER:
			if (d->driver[0])
				s = nz_xstrdup(d->driver);
			break;
		}
		if (nz_out_cell(ln, i, s) < 0)
			return -1;
	}
	return 0;
}

static int cmp_names(const void *a, const void *b)
{
	return strverscmp(((const struct nz_daxdev *)a)->name,
			  ((const struct nz_daxdev *)b)->name);
}

int nz_dax_grow(struct nz_daxdev **devs, size_t n, size_t *alloc)
{
	struct nz_daxdev *nd;

	if (n < *alloc)
		return 0;
	nd = realloc(*devs, (*alloc ? *alloc * 2 : 16) * sizeof(*nd));
	if (!nd) {
		nz_errx("out of memory");
		return -1;
	}
	*alloc = *alloc ? *alloc * 2 : 16;
	*devs = nd;
	return 0;
}

/* Every device of DAX_DIR under --sysroot, as nz_daxlib_list() */
static int list_sysfs(struct nz_daxdev **devs, size_t *n, int *failed)
{
	char path[PATH_MAX];
	size_t alloc = 0;
	struct dirent *de;
	DIR *dir;
	int r;

	if (!nz_path(path, sizeof(path), DAX_DIR)) {
		nz_err("cannot list dax devices", DAX_DIR, ENAMETOOLONG);
		return -1;
	}
	dir = opendir(path);
	if (!dir) {
		nz_err("cannot list dax devices (is the dax driver loaded?)",
		       path, errno);
		return -1;
	}
	while ((de = readdir(dir))) {
		if (de->d_name[0] == '.')
			continue;
		if (nz_dax_grow(devs, *n, &alloc) < 0) {
			closedir(dir);
			return -1;
		}
		r = dax_read_sysfs(de->d_name, &(*devs)[*n]);
		if (r == -ENOENT)
			continue; /* gone since readdir() */
		if (r < 0)
			(*failed)++;
		else
			(*n)++;
	}
	closedir(dir);
	return 0;
}

int cmd_devices(int argc, char **argv)
{
	struct nz_opts o;
	struct nz_out *out = &o.out;
	struct nz_memblocks mb = { 0 };
	struct libscols_table *tb = NULL;
	struct nz_daxdev *devs = NULL;
	size_t ndevs = 0, idle = 0, kept, i;
	bool all, need_blocks = false, have_blocks = false;
	int failed = 0, rc;

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
	all = o.given[NZ_O_ALL] || o.given[NZ_O_IDLE];

	if (!nz_sysroot()[0]) {
		if (nz_daxlib_list(&devs, &ndevs, &failed) < 0)
			goto out;
	} else if (list_sysfs(&devs, &ndevs, &failed) < 0) {
		goto out;
	}
	/* seeds (size 0) only with -a; only system-ram has memory blocks */
	for (i = 0, kept = 0; i < ndevs; i++) {
		if (!all && devs[i].size == 0) {
			idle++;
			continue;
		}
		if (!strcmp(devs[i].driver, "kmem"))
			need_blocks = true;
		devs[kept++] = devs[i];
	}
	ndevs = kept;
	if (ndevs)
		qsort(devs, ndevs, sizeof(*devs), cmp_names);

	if (need_blocks) {
		if (nz_memblocks_read(&mb) == 0) {
			have_blocks = true;
			if (mb.failed)
				failed++;
		} else {
			failed++;
		}
	}

	tb = nz_out_table(out);
	if (!tb)
		goto out;
	for (i = 0; i < ndevs; i++)
		if (add_dev(tb, out, &devs[i], have_blocks ? &mb : NULL) < 0)
			goto out;
	/* an array at the top, as daxctl list prints the devices */
	if (nz_out_print(out, tb, NULL) < 0)
		goto out;
	if (!ndevs && !failed && idle)
		nz_errx("no dax devices with memory (-a also lists the %zu of size 0)",
			idle);
	else if (!ndevs && !failed)
		nz_errx("no dax devices");
	if (failed && !ndevs)
		rc = NZ_EXIT_FAILURE;
	else
		rc = failed ? NZ_EXIT_PARTIAL : NZ_EXIT_OK;
out:
	scols_unref_table(tb);
	nz_memblocks_free(&mb);
	free(devs);
	return rc;
}
