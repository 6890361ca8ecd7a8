// SPDX-License-Identifier: GPL-2.0
/*
 * nvmzone - the running system's dax devices, through libdaxctl.
 *
 * Without --sysroot, what daxctl knows is asked of libdaxctl, as daxctl
 * list, online-memory and offline-memory do: the dax devices and their
 * properties, the physical ranges of a device's memory (its mappings), and
 * onlining or offlining that memory.  libdaxctl answers for a whole
 * device and has no per-block interface, so hotadd and hotremove re-read
 * every block afterwards and finish the ones left block by block
 * (online.c), with nvmzone's own one-line errors: libdaxctl's log is
 * silenced so that a failure is not reported twice, unless DAXCTL_LOG
 * asks for it (as it does of daxctl: "err", "info", "debug").
 *
 * libdaxctl knows only the real /sys.  Under --sysroot (the fake trees of
 * the unit tests) devices.c reads the tree instead, the same files that
 * libdaxctl reads.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <daxctl/libdaxctl.h>

#include "nvmzone.h"

static void nolog(struct daxctl_ctx *ctx, int priority, const char *file,
		  int line, const char *fn, const char *format, va_list args)
{
	(void)ctx;
	(void)priority;
	(void)file;
	(void)line;
	(void)fn;
	(void)format;
	(void)args;
}

/* libdaxctl logs only when DAXCTL_LOG asks, at the level it names */
static void quiet(struct daxctl_ctx *ctx)
{
	if (!getenv("DAXCTL_LOG"))
		daxctl_set_log_fn(ctx, nolog);
}

/* A libdaxctl context; NULL with an error printed */
static struct daxctl_ctx *ctx_new(void)
{
	struct daxctl_ctx *ctx;
	int rc = daxctl_new(&ctx);

	if (rc < 0) {
		nz_errx("cannot start libdaxctl: %s", strerror(-rc));
		return NULL;
	}
	quiet(ctx);
	return ctx;
}

static struct daxctl_dev *dev_find(struct daxctl_ctx *ctx, const char *name)
{
	struct daxctl_region *region;
	struct daxctl_dev *dev;

	daxctl_region_foreach(ctx, region)
		daxctl_dev_foreach(region, dev)
			if (!strcmp(daxctl_dev_get_devname(dev), name))
				return dev;
	return NULL;
}

/*
 * libdaxctl reads a file it cannot open as 0: "resource" and the mappings
 * are 0400.  Say why, as reading the file ourselves would.
 */
static int unreadable(const char *name, const char *file)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), DAX_DIR "/%s/%s", name, file);
	if (access(path, R_OK) < 0 && errno != ENOENT) {
		nz_errx("%s: cannot read %s: %s", name, file, strerror(errno));
		return -1;
	}
	return 0;
}

/* Fill @d from libdaxctl's @dev.  0, or -1 with an error printed. */
static int dev_fill(struct daxctl_dev *dev, struct nz_daxdev *d)
{
	const char *name = daxctl_dev_get_devname(dev);
	struct daxctl_mapping *m;
	unsigned long long start, size;
	__typeof__(d->map[0]) tmp;
	size_t i, j;

	memset(d, 0, sizeof(*d));
	nz_strlcpy(d->name, name, sizeof(d->name));
	d->size = daxctl_dev_get_size(dev);
	d->target_node = daxctl_dev_get_target_node(dev);
	d->align = daxctl_dev_get_align(dev);
	d->resource = daxctl_dev_get_resource(dev);
	if (d->size && !d->resource && unreadable(name, "resource") < 0)
		return -1;
	d->have_resource = d->resource != 0;
	daxctl_mapping_foreach(dev, m) {
		start = daxctl_mapping_get_start(m);
		size = daxctl_mapping_get_size(m);
		if (!size)
			continue;
		if (d->nmap == NZ_DAX_MAX_MAPPINGS) {
			nz_errx("%s: more than %d mappings", name,
				NZ_DAX_MAX_MAPPINGS);
			return -1;
		}
		d->map[d->nmap].start = start;
		d->map[d->nmap].end = start + size - 1;
		d->nmap++;
	}
	if (d->size && !d->nmap && unreadable(name, "mapping0/start") < 0)
		return -1;
	/* libdaxctl lists them newest first: by address, as mappingN are */
	for (i = 1; i < d->nmap; i++)
		for (j = i; j > 0 && d->map[j].start < d->map[j - 1].start; j--) {
			tmp = d->map[j];
			d->map[j] = d->map[j - 1];
			d->map[j - 1] = tmp;
		}
	/*
	 * The mode as daxctl list gives it: system-ram is the memory of
	 * kmem, any other bound device is devdax.
	 */
	if (daxctl_dev_is_enabled(dev))
		nz_strlcpy(d->driver,
			   daxctl_dev_get_memory(dev) ? "kmem" : "device_dax",
			   sizeof(d->driver));
	return 0;
}

int nz_daxlib_read(const char *name, struct nz_daxdev *d)
{
	struct daxctl_ctx *ctx = ctx_new();
	struct daxctl_dev *dev;
	int rc;

	if (!ctx)
		return -1;
	dev = dev_find(ctx, name);
	rc = dev ? dev_fill(dev, d) : -ENOENT;
	daxctl_unref(ctx);
	return rc;
}

int nz_daxlib_list(struct nz_daxdev **devs, size_t *n, int *failed)
{
	struct daxctl_ctx *ctx = ctx_new();
	struct daxctl_region *region;
	struct daxctl_dev *dev;
	size_t alloc = 0;
	int rc = 0;

	*devs = NULL;
	*n = 0;
	if (!ctx)
		return -1;
	daxctl_region_foreach(ctx, region) {
		daxctl_dev_foreach(region, dev) {
			if (nz_dax_grow(devs, *n, &alloc) < 0) {
				rc = -1;
				goto out;
			}
			if (dev_fill(dev, &(*devs)[*n]) < 0)
				(*failed)++;
			else
				(*n)++;
		}
	}
out:
	daxctl_unref(ctx);
	return rc;
}

/*
 * libdaxctl finds a device's memory blocks by its resource and size, not
 * by its mappings: for a device of several ranges it would reach the
 * blocks between them, another device's.  Only one range that is
 * [resource, resource + size) is left to it.
 */
static bool one_range(const struct nz_daxdev *d)
{
	if (!d->have_resource || !d->size)
		return false;
	if (d->nmap == 0)
		return true;
	return d->nmap == 1 && d->map[0].start == d->resource &&
	       d->map[0].end == d->resource + d->size - 1;
}

/* Online @d's memory into @z, or offline it (@z NULL): libdaxctl's answer */
static int memory_op(const struct nz_daxdev *d, const struct nz_zone *z)
{
	struct daxctl_memory *mem;
	struct daxctl_ctx *ctx;
	struct daxctl_dev *dev;
	int rc;

	if (nz_sysroot()[0] || !one_range(d))
		return NZ_DAXLIB_UNUSED;
#ifndef NZ_HAVE_DAXCTL_ZONE
	/* only a libdaxctl that knows ZONE_NVM can online into it */
	if (z && !strcmp(z->name, "nvm"))
		return NZ_DAXLIB_UNUSED;
#endif
	rc = daxctl_new(&ctx);
	if (rc < 0)
		return rc;
	quiet(ctx);
	dev = dev_find(ctx, d->name);
	mem = dev ? daxctl_dev_get_memory(dev) : NULL;
	if (!mem)
		rc = -ENODEV;
	else if (!z)
		rc = daxctl_memory_offline(mem);
#ifdef NZ_HAVE_DAXCTL_ZONE
	else
		rc = daxctl_memory_online_with_zone(mem,
			daxctl_memory_zone_from_ident(z->name));
#else
	else if (!strcmp(z->name, "normal"))
		rc = daxctl_memory_online_no_movable(mem);
	else
		rc = daxctl_memory_online(mem);
#endif
	daxctl_unref(ctx);
	return rc;
}

int nz_daxlib_online(const struct nz_daxdev *d, const struct nz_zone *z)
{
	return memory_op(d, z);
}

int nz_daxlib_offline(const struct nz_daxdev *d)
{
	return memory_op(d, NULL);
}
