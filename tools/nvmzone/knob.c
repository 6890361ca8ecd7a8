// SPDX-License-Identifier: GPL-2.0
/*
 * nvmzone get/set - sysctl knobs of /proc/sys/vm and the files of
 * /sys/kernel/mm/nvm.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nvmzone.h"

#define KNOB_VALUE_MAX 4096

/* Knobs known by a short name, and the integers they take */
struct knob_def {
	const char *name; /* "mirrorable" */
	const char *rel; /* its file under /proc/sys or /sys/kernel/mm */
	int64_t min, max;
	const char *feature; /* what a kernel without the file lacks */
};

static const struct knob_def knob_defs[] = {
	{ "mirrorable", "vm/mirrorable", 0, NZ_MIRRORABLE_MAX,
	  "MIGRATE_MIRROR support (CONFIG_MEMORY_MIRROR)" },
};

static void usage_get(FILE *f)
{
	fprintf(f,
		"Usage: nvmzone [--sysroot DIR] get [options] KNOB...\n\n"
		"Print the value of knobs:\n"
		"  vm.NAME or vm/NAME     /proc/sys/vm/NAME (sysctl)\n"
		"  nvm/NAME or nvm.NAME   /sys/kernel/mm/nvm/NAME\n"
		"  mirrorable             vm.mirrorable: who gets mirrored memory, 0-3\n\n"
		"Options:\n"
		" -n, --values           print only the values\n"
		"     --sysroot <dir>    use the /sys and /proc of <dir>\n"
		" -h, --help             display this help\n");
}

static void usage_set(FILE *f)
{
	fprintf(f,
		"Usage: nvmzone [--sysroot DIR] set [options] KNOB VALUE\n\n"
		"Write VALUE to a knob (see 'nvmzone get --help'), read it back and\n"
		"print \"KNOB: OLD -> NEW\".  The value of vm.mirrorable (0-3) is\n"
		"checked before anything is written.\n\n"
		"Options:\n"
		"     --sysroot <dir>    use the /sys and /proc of <dir>\n"
		" -h, --help             display this help\n");
}

/* The knob_defs entry of file @rel ("vm/mirrorable") or @name, or NULL */
static const struct knob_def *knob_def(const char *rel, const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(knob_defs); i++)
		if ((rel && !strcmp(rel, knob_defs[i].rel)) ||
		    (name && !strcmp(name, knob_defs[i].name)))
			return &knob_defs[i];
	return NULL;
}

/*
 * Map KNOB to its file.  KNOB: a short name of knob_defs, or [A-Za-z0-9_./-]
 * only, no "..", no leading "/", no empty component; "vm" or "nvm" first.
 * Without a '/', dots separate the components (sysctl style).  *@defp: its
 * knob_defs entry or NULL.  Returns 0 or -1 (error printed).
 */
static int knob_path(const char *knob, char *buf, size_t len,
		     const struct knob_def **defp)
{
	const struct knob_def *def = knob_def(NULL, knob);
	const char *name = def ? def->rel : knob;
	char rel[PATH_MAX];
	const char *p, *base;
	size_t klen = strlen(name);
	bool slashes = strchr(name, '/') != NULL;
	char sep = slashes ? '/' : '.';
	size_t i;

	if (!klen) {
		nz_errx("invalid knob: empty name");
		return -1;
	}
	if (klen >= sizeof(rel)) {
		nz_errx("invalid knob: name too long");
		return -1;
	}
	for (p = knob; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '_' || *p == '.' ||
		    *p == '/' || *p == '-')
			continue;
		nz_errx("invalid knob '%s': only letters, digits and _ . / - are allowed",
			knob);
		return -1;
	}
	if (knob[0] == '/') {
		nz_errx("invalid knob '%s': must not start with '/' (use vm.NAME or nvm/NAME)",
			knob);
		return -1;
	}
	if (strstr(knob, "..")) {
		nz_errx("invalid knob '%s': must not contain '..'", knob);
		return -1;
	}
	memcpy(rel, name, klen + 1);
	if (!slashes)
		for (i = 0; i < klen; i++)
			if (rel[i] == '.')
				rel[i] = '/';
	/* no empty or "." component: "vm//x", "vm/", "vm/./x" */
	for (p = rel; *p;) {
		size_t cl = strcspn(p, "/");

		if (cl == 0 || (cl == 1 && *p == '.') ||
		    (p[cl] == '/' && !p[cl + 1])) {
			nz_errx("invalid knob '%s': empty or '.' component",
				knob);
			return -1;
		}
		p += cl;
		if (*p)
			p++;
	}
	if (!strncmp(rel, "vm/", 3))
		base = "/proc/sys/vm";
	else if (!strncmp(rel, "nvm/", 4))
		base = "/sys/kernel/mm/nvm";
	else {
		nz_errx("invalid knob '%s': expected vm%cNAME or nvm%cNAME",
			knob, sep, sep);
		return -1;
	}
	if (!nz_path(buf, len, "%s/%s", base, strchr(rel, '/') + 1)) {
		nz_errx("invalid knob '%s': path too long", knob);
		return -1;
	}
	*defp = knob_def(rel, NULL);
	return 0;
}

/* "cannot read sysctl: FILE: REASON"; for a known knob, what is missing */
static void err_read(const char *knob, const struct knob_def *def,
		     const char *path, int errnum)
{
	nz_err(knob[0] == 'n' ? "cannot read nvm knob" : "cannot read sysctl",
	       path, errnum);
	if (def && errnum == ENOENT)
		nz_errx("%s: this kernel has no %s", knob, def->feature);
}

/* @value for a known knob: an integer from min to max.  0 or -1 (printed) */
static int check_value(const char *knob, const struct knob_def *def,
		       const char *value)
{
	int64_t v;

	if (nz_parse_s64(value, &v) == 0 && v >= def->min && v <= def->max)
		return 0;
	nz_errx("invalid value for %s: '%s' (expected an integer from %" PRId64
		" to %" PRId64 ")",
		knob, value, def->min, def->max);
	return -1;
}

static int get_one(const char *knob, bool values_only)
{
	char path[PATH_MAX], val[KNOB_VALUE_MAX];
	const struct knob_def *def;
	ssize_t n;

	if (knob_path(knob, path, sizeof(path), &def) < 0)
		return -1;
	n = nz_read_file(path, val, sizeof(val));
	if (n < 0) {
		err_read(knob, def, path, -n);
		return -1;
	}
	if (values_only)
		printf("%s\n", val);
	else
		printf("%s = %s\n", knob, val);
	return 0;
}

int cmd_get(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "values", no_argument, NULL, 'n' },
		{ "sysroot", required_argument, NULL, NZ_OPT_SYSROOT },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	bool values_only = false;
	int c, i, failed = 0;

	while ((c = getopt_long(argc, argv, "nh", longopts, NULL)) != -1) {
		switch (c) {
		case 'n':
			values_only = true;
			break;
		case NZ_OPT_SYSROOT:
			if (nz_set_sysroot(optarg) < 0)
				return NZ_EXIT_FAILURE;
			break;
		case 'h':
			usage_get(stdout);
			return NZ_EXIT_OK;
		default:
			fprintf(stderr, "Try '%s --help'.\n", nz_cmd_prog);
			return NZ_EXIT_FAILURE;
		}
	}
	if (optind >= argc) {
		nz_errx("no knob given");
		fprintf(stderr, "Try '%s --help'.\n", nz_cmd_prog);
		return NZ_EXIT_FAILURE;
	}
	for (i = optind; i < argc; i++)
		if (get_one(argv[i], values_only) < 0)
			failed++;
	if (!failed)
		return NZ_EXIT_OK;
	return failed == argc - optind ? NZ_EXIT_FAILURE : NZ_EXIT_PARTIAL;
}

static int write_value(const char *path, const char *value)
{
	size_t len = strlen(value), off = 0;
	char *buf = nz_xasprintf("%s\n", value);
	int fd, err = 0;

	fd = open(path, O_WRONLY | O_TRUNC | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		err = errno;
		free(buf);
		return -err;
	}
	len++;
	while (off < len) {
		ssize_t n = write(fd, buf + off, len - off);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			err = errno;
			break;
		}
		off += n;
	}
	if (close(fd) < 0 && !err)
		err = errno;
	free(buf);
	return -err;
}

int cmd_set(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "sysroot", required_argument, NULL, NZ_OPT_SYSROOT },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char path[PATH_MAX], oldv[KNOB_VALUE_MAX], newv[KNOB_VALUE_MAX];
	const struct knob_def *def;
	const char *knob, *value, *p;
	const char *what;
	ssize_t n;
	int c;

	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case NZ_OPT_SYSROOT:
			if (nz_set_sysroot(optarg) < 0)
				return NZ_EXIT_FAILURE;
			break;
		case 'h':
			usage_set(stdout);
			return NZ_EXIT_OK;
		default:
			fprintf(stderr, "Try '%s --help'.\n", nz_cmd_prog);
			return NZ_EXIT_FAILURE;
		}
	}
	if (argc - optind != 2) {
		nz_errx("expected KNOB VALUE");
		fprintf(stderr, "Try '%s --help'.\n", nz_cmd_prog);
		return NZ_EXIT_FAILURE;
	}
	knob = argv[optind];
	value = argv[optind + 1];
	if (knob_path(knob, path, sizeof(path), &def) < 0)
		return NZ_EXIT_FAILURE;
	if (!*value || strlen(value) >= KNOB_VALUE_MAX - 1) {
		nz_errx("invalid value for %s: empty or too long", knob);
		return NZ_EXIT_FAILURE;
	}
	for (p = value; *p; p++) {
		if ((unsigned char)*p < ' ' && *p != '\t') {
			nz_errx("invalid value for %s: control characters are not allowed",
				knob);
			return NZ_EXIT_FAILURE;
		}
	}
	if (def && check_value(knob, def, value) < 0)
		return NZ_EXIT_FAILURE;
	what = knob[0] == 'n' ? "nvm knob" : "sysctl";

	n = nz_read_file(path, oldv, sizeof(oldv));
	if (n < 0) {
		err_read(knob, def, path, -n);
		return NZ_EXIT_FAILURE;
	}
	n = write_value(path, value);
	if (n < 0) {
		char *msg = nz_xasprintf("cannot write %s", what);

		nz_err(msg, path, -n);
		free(msg);
		return NZ_EXIT_FAILURE;
	}
	n = nz_read_file(path, newv, sizeof(newv));
	if (n < 0) {
		char *msg = nz_xasprintf("%s written, but cannot read it back",
					 what);

		nz_err(msg, path, -n);
		free(msg);
		return NZ_EXIT_PARTIAL;
	}
	printf("%s: %s -> %s\n", knob, oldv, newv);
	return NZ_EXIT_OK;
}
