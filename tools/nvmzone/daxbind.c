// SPDX-License-Identifier: GPL-2.0
/*
 * nvmzone - bind a dax device to kmem (system-ram) or device_dax (devdax).
 *
 * On the running system this is libdaxctl's work: daxctl_dev_disable()
 * unbinds the device, daxctl_dev_enable_ram() or _devdax() loads the
 * driver's module, binds the device and checks that it is bound.
 *
 * libdaxctl knows only the real /sys, so under --sysroot (the fake trees
 * of the unit tests, or a copied tree) the same steps are written as
 * sysfs writes into the tree, the ones libdaxctl makes: the device name
 * to DEV/driver/remove_id and DEV/driver/unbind when DEV is bound, then
 * to DAX_DRIVERS_DIR/DRIVER/new_id and DAX_DRIVERS_DIR/DRIVER/bind.  The
 * tests check the written values.  A plain-file tree cannot move its
 * driver link, so that path does not check the result: everything else
 * the commands do (which blocks belong to the device, onlining them, the
 * report) reads the tree as on the real system.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include <daxctl/libdaxctl.h>

#include "nvmzone.h"

static const char *const driver_names[] = {
	[NZ_DAX_KMEM] = "kmem",
	[NZ_DAX_DEVDAX] = "device_dax",
};

/* Write @dev to @file (DRIVER/FILE) at @path: "dax0.0: cannot write ..." */
static int write_dev(const char *path, const char *file, const char *dev)
{
	int r = nz_write_file(path, dev);

	if (r < 0) {
		nz_err_write(dev, file, dev, -r, NULL);
		return -1;
	}
	return 0;
}

/* @dev's DRIVER/@file, or the bus's drivers/@drv/@file, under the sysroot */
static int write_driver_file(const char *dev, const char *drv, const char *file)
{
	char path[PATH_MAX], rel[64];

	if (drv)
		snprintf(rel, sizeof(rel), "%s/%s", drv, file);
	else
		snprintf(rel, sizeof(rel), "driver/%s", file);
	if (drv ? !nz_path(path, sizeof(path), DAX_DRIVERS_DIR "/%s", rel) :
		  !nz_path(path, sizeof(path), DAX_DIR "/%s/%s", dev, rel)) {
		nz_err_write(dev, rel, dev, ENAMETOOLONG, NULL);
		return -1;
	}
	return write_dev(path, rel, dev);
}

static int bind_sysfs(const char *dev, enum nz_dax_driver drv)
{
	char path[PATH_MAX];

	if (!nz_path(path, sizeof(path), DAX_DIR "/%s/driver", dev)) {
		nz_errx("%s: cannot bind: %s", dev, strerror(ENAMETOOLONG));
		return -1;
	}
	if (nz_exists(path) && (write_driver_file(dev, NULL, "remove_id") < 0 ||
				write_driver_file(dev, NULL, "unbind") < 0))
		return -1;
	if (write_driver_file(dev, driver_names[drv], "new_id") < 0 ||
	    write_driver_file(dev, driver_names[drv], "bind") < 0)
		return -1;
	return 0;
}

static int bind_libdaxctl(const char *name, enum nz_dax_driver drv)
{
	struct daxctl_region *region;
	struct daxctl_dev *dev = NULL, *d;
	struct daxctl_ctx *ctx;
	int rc;

	rc = daxctl_new(&ctx);
	if (rc < 0) {
		nz_errx("%s: cannot start libdaxctl: %s", name, strerror(-rc));
		return -1;
	}
	for (region = daxctl_region_get_first(ctx); region && !dev;
	     region = daxctl_region_get_next(region))
		for (d = daxctl_dev_get_first(region); d && !dev;
		     d = daxctl_dev_get_next(d))
			if (!strcmp(daxctl_dev_get_devname(d), name))
				dev = d;
	if (!dev) {
		nz_errx("%s: libdaxctl does not know this device", name);
		rc = -1;
		goto out;
	}
	rc = daxctl_dev_disable(dev);
	if (rc < 0) {
		nz_errx("%s: cannot unbind it from its driver: %s", name,
			strerror(-rc));
		goto out;
	}
	rc = drv == NZ_DAX_KMEM ? daxctl_dev_enable_ram(dev) :
				  daxctl_dev_enable_devdax(dev);
	if (rc < 0)
		nz_errx("%s: cannot bind it to %s: %s (it is now unbound; see 'daxctl enable-device')",
			name, driver_names[drv], strerror(-rc));
out:
	daxctl_unref(ctx);
	return rc < 0 ? -1 : 0;
}

int nz_dax_bind(const char *dev, enum nz_dax_driver drv)
{
	if (nz_sysroot()[0])
		return bind_sysfs(dev, drv);
	return bind_libdaxctl(dev, drv);
}
