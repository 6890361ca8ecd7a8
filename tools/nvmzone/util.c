// SPDX-License-Identifier: GPL-2.0
/*
 * nvmzone - sysroot-aware file reading, parsing, sizes and messages.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nvmzone.h"

const char *nz_prog = "nvmzone";
const char *nz_cmd_prog = "nvmzone";

static char sysroot[PATH_MAX];

int nz_set_sysroot(const char *dir)
{
	struct stat st;
	size_t len = strlen(dir);

	if (len >= sizeof(sysroot) - 64) {
		nz_errx("invalid sysroot: %s: %s", dir, strerror(ENAMETOOLONG));
		return -1;
	}
	if (stat(dir, &st) < 0) {
		nz_err("invalid sysroot", dir, errno);
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		nz_err("invalid sysroot", dir, ENOTDIR);
		return -1;
	}
	memcpy(sysroot, dir, len + 1);
	/* "/" and "dir/" : no trailing slash, paths add their own */
	while (len > 0 && sysroot[len - 1] == '/')
		sysroot[--len] = '\0';
	return 0;
}

const char *nz_sysroot(void)
{
	return sysroot;
}

char *nz_path(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	int n, m;

	n = snprintf(buf, len, "%s", sysroot);
	if (n < 0 || (size_t)n >= len)
		return NULL;
	va_start(ap, fmt);
	m = vsnprintf(buf + n, len - n, fmt, ap);
	va_end(ap);
	if (m < 0 || (size_t)m >= len - n)
		return NULL;
	return buf;
}

void nz_err(const char *what, const char *file, int errnum)
{
	fprintf(stderr, "%s: %s: %s: %s\n", nz_prog, what, file,
		strerror(errnum));
}

void nz_vmsg(const char *prog, const char *tag, const char *fmt, va_list ap)
{
	fprintf(stderr, "%s: %s", prog, tag);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void nz_errx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	nz_vmsg(nz_prog, "", fmt, ap);
	va_end(ap);
}

void nz_warnx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	nz_vmsg(nz_prog, "warning: ", fmt, ap);
	va_end(ap);
}

void nz_usage_errx(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", nz_cmd_prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (see '%s --help')\n", nz_cmd_prog);
}

ssize_t nz_read_file(const char *path, char *buf, size_t len)
{
	size_t off = 0;
	ssize_t n;
	int fd;

	if (len == 0)
		return -EINVAL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	while (off < len - 1) {
		n = read(fd, buf + off, len - 1 - off);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			n = -errno;
			close(fd);
			return n;
		}
		if (n == 0)
			break;
		off += n;
	}
	close(fd);
	buf[off] = '\0';
	while (off > 0 && buf[off - 1] == '\n')
		buf[--off] = '\0';
	return off;
}

int nz_parse_u64(const char *s, int base, uint64_t *val)
{
	unsigned long long v;
	char *end;

	while (*s == ' ' || *s == '\t')
		s++;
	if (!*s || *s == '-')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, base);
	if (errno)
		return -errno;
	if (end == s || (*end && *end != '\n'))
		return -EINVAL;
	*val = v;
	return 0;
}

int nz_parse_s64(const char *s, int64_t *val)
{
	long long v;
	char *end;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno)
		return -errno;
	if (end == s || (*end && *end != '\n'))
		return -EINVAL;
	*val = v;
	return 0;
}

int nz_read_u64(const char *path, int base, uint64_t *val)
{
	char buf[64];
	ssize_t n = nz_read_file(path, buf, sizeof(buf));

	if (n < 0)
		return n;
	return nz_parse_u64(buf, base, val);
}

int nz_read_s64(const char *path, int64_t *val)
{
	char buf[64];
	ssize_t n = nz_read_file(path, buf, sizeof(buf));

	if (n < 0)
		return n;
	return nz_parse_s64(buf, val);
}

static void *xalloc_check(void *p)
{
	if (!p) {
		nz_errx("out of memory");
		exit(NZ_EXIT_FAILURE);
	}
	return p;
}

char *nz_xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	return xalloc_check(n < 0 ? NULL : s);
}

char *nz_xstrdup(const char *s)
{
	return xalloc_check(strdup(s));
}

void nz_strlcpy(char *dst, const char *src, size_t len)
{
	size_t n = strnlen(src, len - 1);

	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* Like util-linux size_to_human_string(SIZE_SUFFIX_1LETTER): "1.5G" */
char *nz_size_human(uint64_t bytes)
{
	static const char units[] = "BKMGTPE";
	uint64_t v = bytes, rem = 0;
	unsigned int i = 0, frac;

	while (v >= 1024 && i < sizeof(units) - 2) {
		rem = v % 1024;
		v /= 1024;
		i++;
	}
	frac = (unsigned int)((rem * 10 + 512) / 1024);
	if (frac >= 10) {
		v++;
		frac = 0;
		if (v == 1024 && i < sizeof(units) - 2) {
			v = 1;
			i++;
		}
	}
	if (frac)
		return nz_xasprintf("%" PRIu64 ".%u%c", v, frac, units[i]);
	return nz_xasprintf("%" PRIu64 "%c", v, units[i]);
}

bool nz_exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

int nz_write_file(const char *path, const char *value)
{
	size_t len = strlen(value);
	ssize_t n;
	int fd, err = 0;

	/* never create a file: a missing sysfs attribute is an error */
	fd = open(path, O_WRONLY | O_TRUNC | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	/* one write(): a sysfs store sees the whole value or nothing */
	do {
		n = write(fd, value, len);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		err = errno;
	else if ((size_t)n != len)
		err = EIO;
	if (close(fd) < 0 && !err)
		err = errno;
	return -err;
}

void nz_err_write(const char *who, const char *file, const char *value,
		  int errnum, const char *hint)
{
	fprintf(stderr, "%s: %s%scannot write '%s'%s%s: %s%s%s\n", nz_prog,
		who ? who : "", who ? ": " : "", value, file ? " to " : "",
		file ? file : "", strerror(errnum), hint ? " " : "",
		hint ? hint : "");
}

int nz_parse_size(const char *s, uint64_t *val)
{
	static const char suffixes[] = "KMGTPE";
	unsigned long long v;
	const char *p;
	char *end;
	int shift = 0, base = 10;

	if (!*s || *s < '0' || *s > '9')
		return -EINVAL;
	/* decimal or 0x hex; a leading 0 is not octal */
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		base = 16;
	errno = 0;
	v = strtoull(s, &end, base);
	if (errno)
		return -errno;
	if (*end) {
		p = strchr(suffixes, *end >= 'a' ? *end - 'a' + 'A' : *end);
		if (!p || !*p)
			return -EINVAL;
		shift = 10 * (int)(p - suffixes + 1);
		end++;
		if (!strcmp(end, "iB"))
			end += 2;
		if (*end)
			return -EINVAL;
		if (v > (UINT64_MAX >> shift))
			return -ERANGE;
	}
	*val = (uint64_t)v << shift;
	return 0;
}

int nz_parse_range(const char *arg, const char *expected, uint64_t align,
		   const char *align_name, uint64_t *start, uint64_t *end)
{
	char buf[128], *dash, *asz;

	if (strlen(arg) >= sizeof(buf))
		goto bad;
	strcpy(buf, arg);
	dash = strchr(buf, '-');
	if (!dash)
		goto bad;
	*dash = '\0';
	if (nz_parse_size(buf, start) < 0 || nz_parse_size(dash + 1, end) < 0)
		goto bad;
	if (*start > *end) {
		nz_errx("invalid range '%s': START is above END", arg);
		return -1;
	}
	if (*end == UINT64_MAX) {
		nz_errx("invalid range '%s': END is beyond the last address",
			arg);
		return -1;
	}
	/*
	 * END is the last byte (0x13fffffff); an aligned END cannot be, so
	 * it is the first byte after the range (4G-5G).
	 */
	if (*end > *start && *end % align == 0)
		(*end)--;
	if (*start % align || (*end + 1) % align) {
		asz = nz_size_human(align);
		nz_errx("invalid range '%s': START and END + 1 must be multiples of %s (%s)",
			arg, align_name, asz);
		free(asz);
		return -1;
	}
	return 0;
bad:
	nz_errx("invalid range '%s': expected %s", arg, expected);
	return -1;
}

int nz_exit_status(size_t done, size_t total)
{
	if (total && done == total)
		return NZ_EXIT_OK;
	return done ? NZ_EXIT_PARTIAL : NZ_EXIT_FAILURE;
}
