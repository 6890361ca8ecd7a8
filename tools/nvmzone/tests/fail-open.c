// SPDX-License-Identifier: GPL-2.0
/*
 * An LD_PRELOAD shim for the unit tests: open() fails where the test says.
 *
 *   NZ_FAILR_SUFFIX=S  read-opens of a path ending in S fail with EACCES,
 *                      as a 0200 file does for root (drop_caches)
 *   NZ_FAILW_SUFFIX=S  the NZ_FAILW_N'th (default 1st) write-open of a
 *   NZ_FAILW_N=N       path ending in S fails with EIO
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

static bool ends_with(const char *path, const char *suffix)
{
	size_t l = strlen(path), s = strlen(suffix);

	return l >= s && !strcmp(path + l - s, suffix);
}

int open(const char *path, int flags, ...)
{
	static int (*real)(const char *, int, ...);
	static int wcount;
	const char *rsuf = getenv("NZ_FAILR_SUFFIX");
	const char *wsuf = getenv("NZ_FAILW_SUFFIX");
	const char *wn = getenv("NZ_FAILW_N");
	mode_t mode = 0;

	if (flags & O_CREAT) {
		va_list ap;

		va_start(ap, flags);
		mode = va_arg(ap, int);
		va_end(ap);
	}
	if (!real)
		real = (int (*)(const char *, int, ...))dlsym(RTLD_NEXT, "open");
	if ((flags & O_ACCMODE) == O_RDONLY) {
		if (rsuf && ends_with(path, rsuf)) {
			errno = EACCES;
			return -1;
		}
	} else if (wsuf && ends_with(path, wsuf) &&
		   ++wcount == atoi(wn ? wn : "1")) {
		errno = EIO;
		return -1;
	}
	return real(path, flags, mode);
}
