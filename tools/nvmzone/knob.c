// SPDX-License-Identifier: GPL-2.0
/*
 * nvmzone get/set - sysctl knobs of /proc/sys/vm and the files of
 * /sys/kernel/mm/nvm.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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

static const struct nz_cmdopt get_opts[] = {
	{ NZ_O_VALUES, NULL },
	{ NZ_O_ALL, "print every vm.* sysctl and nvm/* file, as sysctl -a" },
	NZ_CMDOPT_END,
};

static const struct nz_cmdopt set_opts[] = {
	NZ_CMDOPT_END,
};

static void usage_get(FILE *f)
{
	fprintf(f,
		"Usage: nvmzone [options] get [options] KNOB...\n"
		"       nvmzone [options] get [options] -a\n\n"
		"Print the value of knobs, \"KNOB = VALUE\" a line, as sysctl does:\n"
		"  vm.NAME or vm/NAME     /proc/sys/vm/NAME (sysctl)\n"
		"  nvm/NAME or nvm.NAME   /sys/kernel/mm/nvm/NAME\n"
		"  mirrorable             vm.mirrorable: who gets mirrored memory, 0-3\n\n"
		"Options:\n");
	nz_opts_help(f, get_opts);
	fputs("\nExit status: 0 all printed, 1 none, 64 some (partial success).\n",
	      f);
}

static void usage_set(FILE *f)
{
	fprintf(f,
		"Usage: nvmzone [options] set [options] KNOB=VALUE...\n"
		"       nvmzone [options] set [options] KNOB VALUE\n\n"
		"Write VALUE to a knob (see 'nvmzone get --help'), read it back and\n"
		"print \"KNOB: OLD -> NEW\".  KNOB=VALUE as sysctl takes it; a negative\n"
		"VALUE is a value, not an option.  The value of vm.mirrorable (0-3) is\n"
		"checked, and every KNOB and VALUE before anything is written.\n\n"
		"Options (before the first KNOB):\n");
	nz_opts_help(f, set_opts);
	fputs("\nExit status: 0 all written, 1 none, 64 some (partial success).\n",
	      f);
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

/* "KNOB: cannot read: REASON"; for a known knob, what this kernel lacks */
static void err_read(const char *knob, const struct knob_def *def, int errnum)
{
	if (def && errnum == ENOENT)
		nz_errx("%s: this kernel has no %s", knob, def->feature);
	else
		nz_errx("%s: cannot read: %s", knob, strerror(errnum));
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

/* Each line of @val, after "KNOB = " unless @values_only (as sysctl) */
static void print_value(const char *knob, const char *val, bool values_only)
{
	const char *p = val;
	size_t len;

	do {
		len = strcspn(p, "\n");
		if (values_only)
			printf("%.*s\n", (int)len, p);
		else
			printf("%s = %.*s\n", knob, (int)len, p);
		p += len;
	} while (*p++);
}

/* Read and print the file @path of @knob.  0 or -1 (printed). */
static int get_path(const char *knob, const struct knob_def *def,
		    const char *path, bool values_only)
{
	char val[KNOB_VALUE_MAX];
	ssize_t n;

	n = nz_read_file(path, val, sizeof(val));
	if (n < 0) {
		err_read(knob, def, -n);
		return -1;
	}
	print_value(knob, val, values_only);
	return 0;
}

static int get_one(const char *knob, bool values_only)
{
	char path[PATH_MAX];
	const struct knob_def *def;

	if (knob_path(knob, path, sizeof(path), &def) < 0)
		return -1;
	return get_path(knob, def, path, values_only);
}

struct getall {
	bool values_only;
	size_t done, failed;
};

static int cmp_names(const struct dirent **a, const struct dirent **b)
{
	return strverscmp((*a)->d_name, (*b)->d_name);
}

/*
 * Every readable file under @dir, @prefix its knob ("vm." or "nvm/"),
 * @sep what joins the names under it ('.' or '/'), sorted; as sysctl -a,
 * files nobody may read (write-only) are left out.  -1 when @dir cannot
 * be listed (printed when @must).
 */
static int get_dir(struct getall *g, const char *dir, const char *prefix,
		   char sep, bool must)
{
	struct dirent **names;
	struct stat st;
	int i, n;

	n = scandir(dir, &names, NULL, cmp_names);
	if (n < 0) {
		if (must)
			nz_errx("%.*s: cannot list: %s",
				(int)strlen(prefix) - 1, prefix,
				strerror(errno));
		return -1;
	}
	for (i = 0; i < n; i++) {
		const char *name = names[i]->d_name;
		char *path = nz_xasprintf("%s/%s", dir, name);
		char *knob = nz_xasprintf("%s%s", prefix, name);

		if (name[0] == '.' || lstat(path, &st) < 0) {
			/* gone since scandir(): nothing to print */
		} else if (S_ISDIR(st.st_mode)) {
			char *sub = nz_xasprintf("%s%c", knob, sep);

			get_dir(g, path, sub, sep, false);
			free(sub);
		} else if (S_ISREG(st.st_mode) && (st.st_mode & 0444)) {
			if (get_path(knob, NULL, path, g->values_only) < 0)
				g->failed++;
			else
				g->done++;
		}
		free(knob);
		free(path);
		free(names[i]);
	}
	free(names);
	return 0;
}

static int get_all(bool values_only)
{
	struct getall g = { .values_only = values_only };
	char path[PATH_MAX];

	if (!nz_path(path, sizeof(path), "/proc/sys/vm") ||
	    get_dir(&g, path, "vm.", '.', true) < 0)
		return NZ_EXIT_FAILURE;
	/* a kernel without ZONE_NVM has no nvm/ */
	if (nz_path(path, sizeof(path), NVM_DIR))
		get_dir(&g, path, "nvm/", '/', false);
	if (!g.done && !g.failed)
		nz_errx("no knobs");
	if (!g.failed)
		return NZ_EXIT_OK;
	return g.done ? NZ_EXIT_PARTIAL : NZ_EXIT_FAILURE;
}

int cmd_get(int argc, char **argv)
{
	struct nz_opts o;
	bool values_only;
	int i, failed = 0, rc;

	rc = nz_opts_parse(&o, argc, argv, get_opts, 0, usage_get);
	if (rc >= 0)
		return rc;
	values_only = o.given[NZ_O_VALUES];
	if (o.given[NZ_O_ALL]) {
		if (o.argc) {
			nz_usage_errx("give either -a or KNOB, not both");
			return NZ_EXIT_FAILURE;
		}
		return get_all(values_only);
	}
	if (!o.argc) {
		nz_usage_errx("no knob given");
		return NZ_EXIT_FAILURE;
	}
	for (i = 0; i < o.argc; i++)
		if (get_one(o.argv[i], values_only) < 0)
			failed++;
	return nz_exit_status(o.argc - failed, o.argc);
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

/* One KNOB=VALUE or KNOB VALUE of set */
struct assign {
	char *knob; /* malloc'd */
	const char *value;
	const struct knob_def *def;
	char path[PATH_MAX];
};

/* Check @a before anything is written.  0 or -1 (printed). */
static int check_assign(struct assign *a)
{
	const char *p;

	if (knob_path(a->knob, a->path, sizeof(a->path), &a->def) < 0)
		return -1;
	if (!*a->value || strlen(a->value) >= KNOB_VALUE_MAX - 1) {
		nz_errx("invalid value for %s: empty or too long", a->knob);
		return -1;
	}
	for (p = a->value; *p; p++) {
		if ((unsigned char)*p < ' ' && *p != '\t') {
			nz_errx("invalid value for %s: control characters are not allowed",
				a->knob);
			return -1;
		}
	}
	if (a->def && check_value(a->knob, a->def, a->value) < 0)
		return -1;
	return 0;
}

/*
 * Write one knob and say "KNOB: OLD -> NEW".  0; 1 when it was written but
 * cannot be read back; -1 (printed) when it was not written.
 */
static int set_one(const struct assign *a)
{
	char oldv[KNOB_VALUE_MAX], newv[KNOB_VALUE_MAX];
	bool wronly = false;
	ssize_t n;

	n = nz_read_file(a->path, oldv, sizeof(oldv));
	if (n == -EACCES || n == -EPERM) {
		/* a write-only knob: write it all the same, old value unknown */
		strcpy(oldv, "?");
		wronly = true;
	} else if (n < 0) {
		err_read(a->knob, a->def, -n);
		return -1;
	}
	n = write_value(a->path, a->value);
	if (n < 0) {
		nz_err_write(a->knob, NULL, a->value, -n, NULL);
		return -1;
	}
	n = nz_read_file(a->path, newv, sizeof(newv));
	if (wronly && (n == -EACCES || n == -EPERM)) {
		/* write-only: what was written is what it is */
		printf("%s: ? -> %s\n", a->knob, a->value);
		return 0;
	}
	if (n < 0) {
		nz_errx("%s: wrote '%s', but cannot read it back: %s", a->knob,
			a->value, strerror(-n));
		return 1;
	}
	printf("%s: %s -> %s\n", a->knob, oldv, newv);
	return 0;
}

int cmd_set(int argc, char **argv)
{
	struct assign *as = NULL;
	struct nz_opts o;
	size_t n = 0, done = 0, written = 0, i;
	bool pairs;
	int rc;

	/* options end at the first KNOB: "set vm.x -1" writes -1 */
	rc = nz_opts_parse(&o, argc, argv, set_opts, NZ_OPTS_STOP, usage_set);
	if (rc >= 0)
		return rc;
	pairs = o.argc > 0 && strchr(o.argv[0], '=');
	if (!o.argc || (!pairs && o.argc != 2)) {
		nz_usage_errx("expected KNOB=VALUE... or KNOB VALUE");
		return NZ_EXIT_FAILURE;
	}
	rc = NZ_EXIT_FAILURE;
	as = calloc(o.argc, sizeof(*as));
	if (!as) {
		nz_errx("out of memory");
		return NZ_EXIT_FAILURE;
	}
	for (n = 0; n < (size_t)(pairs ? o.argc : 1); n++) {
		const char *arg = o.argv[n], *eq = strchr(arg, '=');

		if (pairs && !eq) {
			nz_usage_errx("expected KNOB=VALUE, not '%s'", arg);
			n++;
			goto out;
		}
		as[n].knob = pairs ? strndup(arg, eq - arg) : nz_xstrdup(arg);
		if (!as[n].knob) {
			nz_errx("out of memory");
			n++;
			goto out;
		}
		as[n].value = pairs ? eq + 1 : o.argv[1];
		if (check_assign(&as[n]) < 0) {
			n++;
			goto out;
		}
	}
	/* written and read back, or at least written */
	for (i = 0; i < n; i++) {
		rc = set_one(&as[i]);
		done += rc == 0;
		written += rc >= 0;
	}
	if (done == n)
		rc = NZ_EXIT_OK;
	else
		rc = written ? NZ_EXIT_PARTIAL : NZ_EXIT_FAILURE;
out:
	for (i = 0; i < n; i++)
		free(as[i].knob);
	free(as);
	return rc;
}
