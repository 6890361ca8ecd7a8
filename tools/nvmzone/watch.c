// SPDX-License-Identifier: GPL-2.0
/*
 * nvmzone watch - the ZONE_NVM and MIGRATE_MIRROR counters over time, as
 * vmstat(8) prints the VM's: one line every INTERVAL seconds, the first
 * with the values since boot, each further one with the change over the
 * last interval.
 *
 * Plain fixed-width printf, as vmstat: a line has to go out as soon as its
 * sample is taken, while libsmartcols sizes its columns over a whole table
 * and prints its JSON as one document rather than one object per line.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "nvmzone.h"

#define HEADER_EVERY 20 /* data lines between two headers */
#define STR_(x) #x
#define STR(x) STR_(x)
#define INTERVAL_MIN 0.01
#define INTERVAL_MAX 86400.0
#define NSEC_PER_SEC 1000000000LL

/* One column of /sys/kernel/mm/nvm/stats or /sys/kernel/mm/nvm/mirror */
struct counter {
	const char *name; /* header; in lower case, the JSON key */
	int width; /* 0: pages printed as a size, as TOTAL and FREE */
	const char *dir; /* under NVM_DIR */
	const char *file; /* NVM_DIR/DIR/FILE */
	const char *vmstat; /* the /proc/vmstat line with the same count */
	const char *feature; /* what a kernel without the file lacks */
	bool level; /* a value, not a counter: printed as it is */
	const char *help;
};

static const char dir_stats[] = "stats";
static const char dir_mirror[] = "mirror"; /* MIRROR_DIR */
static const char dir_mirror_stats[] = "mirror/stats";
static const char feat_alloc[] = "ZONE_NVM allocation statistics";
static const char feat_hotplug[] = "ZONE_NVM hot-plug statistics";
static const char feat_offline[] = "ZONE_NVM offline migration statistics";
static const char feat_mirror[] = "MIGRATE_MIRROR statistics";

/* clang-format off */
static const struct counter counters[] = {
	{ "ALLOC", 9, dir_stats, "alloc_pages", "pgalloc_nvm", feat_alloc, false,
	  "pages allocated from ZONE_NVM" },
	{ "FAIL", 6, dir_stats, "alloc_fail", "nvm_alloc_fail", feat_alloc, false,
	  "ZONE_NVM requests it could not serve" },
	{ "FALLBACK", 8, dir_stats, "alloc_fallback", "nvm_alloc_fallback",
	  feat_alloc, false, "preferred requests served by other zones" },
	{ "SCRUBBED", 8, dir_stats, "scrubbed_pages", NULL,
	  "ZONE_NVM scrubbing statistics", false,
	  "pages zeroed before they entered ZONE_NVM" },
	{ "ONLINE", 7, dir_stats, "online_pages", NULL, feat_hotplug, false,
	  "pages onlined to ZONE_NVM" },
	{ "OFFLINE", 7, dir_stats, "offline_pages", NULL, feat_hotplug, false,
	  "pages offlined from ZONE_NVM" },
	{ "MIG_NVM", 7, dir_stats, "offline_migrated_nvm", NULL, feat_offline,
	  false, "pages offlining moved to other ZONE_NVM" },
	{ "MIG_DRAM", 8, dir_stats, "offline_migrated_dram", NULL, feat_offline,
	  false, "pages offlining moved to DRAM" },
	{ "REFUSED", 7, dir_stats, "offline_refused", NULL, feat_offline, false,
	  "offlinings refused (offline_fallback=none)" },
	{ "BADBLOCK", 8, dir_stats, "badblock_pages", NULL, "ZONE_NVM badblocks",
	  true, "pages withheld as bad (a level: the value)" },
	{ "MIR_FREE", 0, dir_mirror, "free_pages", "nr_free_mirror", feat_mirror,
	  true, "free mirrored memory (a level: MirrorFree)" },
	{ "MIR_ALLOC", 9, dir_mirror_stats, "alloc_pages", "mirror_alloc",
	  feat_mirror, false, "mirror-first pages served from mirrored memory" },
	{ "MIR_FALLBK", 10, dir_mirror_stats, "fallback_pages",
	  "mirror_alloc_fallback", feat_mirror, false,
	  "mirror-first pages that fell back to other memory" },
	{ "MIR_LAST", 8, dir_mirror_stats, "last_resort_pages",
	  "mirror_alloc_last_resort", feat_mirror, false,
	  "other pages served from it as a last resort" },
};
/* clang-format on */

#define NCOUNTERS ARRAY_SIZE(counters)

enum src {
	SRC_NONE, /* not on this kernel: not shown */
	SRC_SYSFS, /* NVM_DIR/nodes or NVM_DIR/stats */
	SRC_PROC, /* /proc/meminfo or /proc/vmstat */
};

struct watch {
	struct nz_out out;
	double interval;
	uint64_t count; /* 0: until interrupted */
	uint64_t pgsz;
	enum src size_src;
	enum src src[NCOUNTERS];
	uint64_t prev[NCOUNTERS];
	int64_t start_ns; /* when the first sample was taken */
};

struct sample {
	double time; /* seconds since the first sample */
	uint64_t total, free; /* bytes */
	uint64_t val[NCOUNTERS];
};

static volatile sig_atomic_t interrupted;

static const struct nz_cmdopt opts[] = {
	{ NZ_O_JSON, "one JSON object per line (JSON lines)" },
	{ NZ_O_NOHEADINGS,
	  "don't print headings (else every " STR(HEADER_EVERY) " lines)" },
	{ NZ_O_BYTES, NULL },
	NZ_CMDOPT_END,
};

static void usage(FILE *f)
{
	char rel[64];
	size_t i;

	fprintf(f,
		"Usage: nvmzone [options] watch [options] [INTERVAL [COUNT]]\n\n"
		"Print the ZONE_NVM counters, and the MIGRATE_MIRROR ones where the\n"
		"kernel has them, every INTERVAL seconds (default 1; a\n"
		"decimal such as 0.5 will do), COUNT times (default: until interrupted),\n"
		"as vmstat does: the first line has the counts since boot, each further\n"
		"line the change over the last interval.\n\n"
		"Options:\n");
	nz_opts_help(f, opts);
	fprintf(f,
		"\nColumns (left out where the kernel lacks them; JSON keys in lower case,\n"
		"sizes in bytes):\n"
		" TIME        seconds since the first line\n"
		" TOTAL       managed ZONE_NVM memory: nodes/node*/managed_pages (NVMTotal)\n"
		" FREE        free ZONE_NVM memory: nodes/node*/free_pages (NVMFree)\n"
		"and the change of each file of /sys/kernel/mm/nvm/stats:\n");
	for (i = 0; i < NCOUNTERS; i++)
		if (counters[i].dir == dir_stats)
			fprintf(f, " %-10s  %-23s  %s\n", counters[i].name,
				counters[i].file, counters[i].help);
	fputs("and, where the kernel has MIGRATE_MIRROR, of /sys/kernel/mm/nvm/mirror:\n",
	      f);
	for (i = 0; i < NCOUNTERS; i++) {
		if (counters[i].dir == dir_stats)
			continue;
		snprintf(rel, sizeof(rel), "%s%s",
			 counters[i].dir == dir_mirror_stats ? "stats/" : "",
			 counters[i].file);
		fprintf(f, " %-10s  %-23s  %s\n", counters[i].name, rel,
			counters[i].help);
	}
	fputs("\nNVMTotal and NVMFree of /proc/meminfo stand in for nodes/, the\n"
	      "pgalloc_nvm, nvm_alloc_fail and nvm_alloc_fallback lines of /proc/vmstat\n"
	      "for alloc_*, nr_free_mirror and mirror_alloc* for mirror/, where the\n"
	      "kernel lacks them.\n\n"
	      "Exit status: 0 after COUNT lines or an interrupt (SIGINT), 1 on an\n"
	      "invalid argument, without ZONE_NVM, or when a file cannot be read.\n",
	      f);
}

/*
 * INTERVAL: decimal seconds (digits, at most one '.'), from INTERVAL_MIN to
 * INTERVAL_MAX.  0 or -1 (error printed).
 */
static int parse_interval(const char *s, double *val)
{
	const char *p = *s == '-' ? s + 1 : s;
	bool digit = false, dot = false;
	double v;

	for (; *p; p++) {
		if (*p >= '0' && *p <= '9') {
			digit = true;
		} else if (*p == '.' && !dot) {
			dot = true;
		} else {
			digit = false;
			break;
		}
	}
	if (!digit) {
		nz_errx("invalid interval '%s': expected seconds, such as 2 or 0.5",
			s);
		return -1;
	}
	v = strtod(s, NULL);
	if (v < INTERVAL_MIN || v > INTERVAL_MAX) {
		nz_errx("invalid interval '%s': must be from %g to %g seconds",
			s, INTERVAL_MIN, INTERVAL_MAX);
		return -1;
	}
	*val = v;
	return 0;
}

static int parse_count(const char *s, uint64_t *val)
{
	if (nz_parse_u64(s, 10, val) < 0 || *val == 0) {
		nz_errx("invalid count '%s': expected a positive number of lines",
			s);
		return -1;
	}
	return 0;
}

/*
 * Read the lines "KEY VALUE" (/proc/vmstat) or "KEY: VALUE kB"
 * (/proc/meminfo) of @file: vals[i] is the value of keys[i], found[i]
 * whether there is one.  0, or -errno with nothing printed.
 */
static int read_keyed(const char *file, const char *const *keys, size_t n,
		      uint64_t *vals, bool *found)
{
	char path[PATH_MAX], line[256], key[64];
	unsigned long long v;
	size_t i, len;
	FILE *f;

	for (i = 0; i < n; i++)
		found[i] = false;
	if (!nz_path(path, sizeof(path), "%s", file))
		return -ENAMETOOLONG;
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%63s %llu", key, &v) != 2)
			continue;
		len = strlen(key);
		if (key[len - 1] == ':')
			key[len - 1] = '\0';
		for (i = 0; i < n; i++) {
			if (keys[i] && !strcmp(key, keys[i])) {
				vals[i] = v;
				found[i] = true;
			}
		}
	}
	if (ferror(f)) {
		fclose(f);
		return -EIO;
	}
	fclose(f);
	return 0;
}

static void err_read(const char *what, const char *file, int errnum)
{
	char path[PATH_MAX];

	if (!nz_path(path, sizeof(path), "%s", file))
		nz_strlcpy(path, file, sizeof(path));
	nz_err(what, path, errnum);
}

static const char *const meminfo_keys[] = { "NVMTotal", "NVMFree" };

static int read_meminfo(uint64_t *total, uint64_t *free, bool *have)
{
	uint64_t vals[2] = { 0, 0 };
	bool found[2];
	int rc;

	rc = read_keyed("/proc/meminfo", meminfo_keys, 2, vals, found);
	if (rc < 0) {
		err_read("cannot read memory statistics", "/proc/meminfo", -rc);
		return -1;
	}
	*have = found[0] && found[1];
	*total = vals[0] * 1024;
	*free = vals[1] * 1024;
	return 0;
}

/* Pages of NVM_DIR/nodes/@node/@file; 0 when the node went away */
static int node_pages(const char *node, const char *file, uint64_t *val)
{
	char path[PATH_MAX];
	int rc;

	*val = 0;
	if (!nz_path(path, sizeof(path), NVM_DIR "/nodes/%s/%s", node, file)) {
		nz_err("cannot read ZONE_NVM pages", node, ENAMETOOLONG);
		return -1;
	}
	rc = nz_read_u64(path, 10, val);
	/* the last ZONE_NVM memory of the node went offline since readdir() */
	if (rc == -ENOENT)
		return 0;
	if (rc < 0) {
		nz_err("cannot read ZONE_NVM pages", path, -rc);
		return -1;
	}
	return 0;
}

static int read_nodes(const struct watch *w, struct sample *s)
{
	char path[PATH_MAX];
	struct dirent *de;
	uint64_t v;
	DIR *d;
	int rc = 0;

	s->total = s->free = 0;
	if (!nz_path(path, sizeof(path), NVM_DIR "/nodes")) {
		err_read("cannot read ZONE_NVM nodes", NVM_DIR "/nodes",
			 ENAMETOOLONG);
		return -1;
	}
	d = opendir(path);
	if (!d) {
		nz_err("cannot read ZONE_NVM nodes", path, errno);
		return -1;
	}
	for (;;) {
		unsigned int node;
		char c;

		errno = 0;
		de = readdir(d);
		if (!de)
			break;
		if (sscanf(de->d_name, "node%u%c", &node, &c) != 1)
			continue;
		if (node_pages(de->d_name, "managed_pages", &v) < 0) {
			rc = -1;
			break;
		}
		s->total += v * w->pgsz;
		if (node_pages(de->d_name, "free_pages", &v) < 0) {
			rc = -1;
			break;
		}
		s->free += v * w->pgsz;
	}
	if (!rc && errno) {
		nz_err("cannot read ZONE_NVM nodes", path, errno);
		rc = -1;
	}
	closedir(d);
	return rc;
}

static char *stats_path(char *buf, size_t len, const struct counter *c)
{
	return nz_path(buf, len, NVM_DIR "/%s/%s", c->dir, c->file);
}

static int read_counters(const struct watch *w, struct sample *s)
{
	const char *keys[NCOUNTERS];
	bool found[NCOUNTERS], proc = false;
	uint64_t vals[NCOUNTERS];
	char path[PATH_MAX];
	size_t i;
	int rc;

	for (i = 0; i < NCOUNTERS; i++) {
		keys[i] = NULL;
		s->val[i] = 0;
		if (w->src[i] == SRC_PROC) {
			keys[i] = counters[i].vmstat;
			proc = true;
		}
		if (w->src[i] != SRC_SYSFS)
			continue;
		if (!stats_path(path, sizeof(path), &counters[i])) {
			err_read("cannot read ZONE_NVM statistics",
				 counters[i].file, ENAMETOOLONG);
			return -1;
		}
		rc = nz_read_u64(path, 10, &s->val[i]);
		if (rc < 0) {
			nz_err("cannot read ZONE_NVM statistics", path, -rc);
			return -1;
		}
	}
	if (!proc)
		return 0;
	rc = read_keyed("/proc/vmstat", keys, NCOUNTERS, vals, found);
	if (rc < 0) {
		err_read("cannot read VM statistics", "/proc/vmstat", -rc);
		return -1;
	}
	for (i = 0; i < NCOUNTERS; i++) {
		if (!keys[i])
			continue;
		if (!found[i]) {
			err_read("cannot read VM statistics", "/proc/vmstat",
				 ENOENT);
			return -1;
		}
		s->val[i] = vals[i];
	}
	return 0;
}

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
}

static int take_sample(struct watch *w, struct sample *s, bool first)
{
	int64_t t = now_ns();
	bool have;

	if (first)
		w->start_ns = t;
	s->time = (double)(t - w->start_ns) / NSEC_PER_SEC;
	switch (w->size_src) {
	case SRC_NONE:
		break;
	case SRC_SYSFS:
		if (read_nodes(w, s) < 0)
			return -1;
		break;
	case SRC_PROC:
		if (read_meminfo(&s->total, &s->free, &have) < 0)
			return -1;
		break;
	}
	return read_counters(w, s);
}

/* Whether column @i is not shown, and one of @feature and @dir (NULL: any) */
static bool missing(const struct watch *w, size_t i, const char *feature,
		    const char *dir)
{
	return w->src[i] == SRC_NONE &&
	       (!feature || counters[i].feature == feature) &&
	       (!dir || counters[i].dir == dir);
}

static size_t count_missing(const struct watch *w, const char *feature,
			    const char *dir)
{
	size_t i, n = 0;

	for (i = 0; i < NCOUNTERS; i++)
		n += missing(w, i, feature, dir);
	return n;
}

/* " COL, COL not shown": the missing() columns of @feature and @dir */
static void print_missing(const struct watch *w, const char *feature,
			  const char *dir)
{
	const char *sep = " ";
	size_t i;

	for (i = 0; i < NCOUNTERS; i++) {
		if (!missing(w, i, feature, dir))
			continue;
		fprintf(stderr, "%s%s", sep, counters[i].name);
		sep = ", ";
	}
	fputs(" not shown\n", stderr);
}

/*
 * Decide the columns: where the sizes and each counter come from, or that
 * this kernel has none.  0, or -1 (error printed) when there is nothing to
 * watch or /proc/meminfo cannot be read.
 */
static int watch_setup(struct watch *w)
{
	char nvm[PATH_MAX], nodes[PATH_MAX], stats[PATH_MAX], path[PATH_MAX];
	const char *keys[NCOUNTERS];
	uint64_t vals[NCOUNTERS], total, avail;
	bool found[NCOUNTERS], have_nvm, have_meminfo = false, have_stats;
	size_t i, j, shown = 0;

	if (!nz_path(nvm, sizeof(nvm), NVM_DIR) ||
	    !nz_path(nodes, sizeof(nodes), NVM_DIR "/nodes") ||
	    !nz_path(stats, sizeof(stats), NVM_DIR "/stats")) {
		err_read("cannot read ZONE_NVM statistics", NVM_DIR,
			 ENAMETOOLONG);
		return -1;
	}
	have_nvm = nz_exists(nvm);
	if (have_nvm && nz_exists(nodes)) {
		w->size_src = SRC_SYSFS;
	} else {
		if (read_meminfo(&total, &avail, &have_meminfo) < 0)
			return -1;
		w->size_src = have_meminfo ? SRC_PROC : SRC_NONE;
	}

	for (i = 0; i < NCOUNTERS; i++) {
		keys[i] = counters[i].vmstat;
		w->src[i] = SRC_NONE;
		if (stats_path(path, sizeof(path), &counters[i]) &&
		    nz_exists(path))
			w->src[i] = SRC_SYSFS;
	}
	/* without the file, the same count in /proc/vmstat (absent: none) */
	if (read_keyed("/proc/vmstat", keys, NCOUNTERS, vals, found) == 0) {
		for (i = 0; i < NCOUNTERS; i++)
			if (w->src[i] == SRC_NONE && found[i])
				w->src[i] = SRC_PROC;
	}
	for (i = 0; i < NCOUNTERS; i++)
		if (w->src[i] != SRC_NONE)
			shown++;

	if (w->size_src == SRC_NONE && !shown) {
		nz_errx("this kernel has no ZONE_NVM support (no %s, no NVMTotal in /proc/meminfo): nothing to watch",
			nvm);
		return -1;
	}

	/*
	 * Say once what is not shown, and why; nothing of MIGRATE_MIRROR on a
	 * kernel built without it
	 */
	if (w->size_src == SRC_NONE)
		fprintf(stderr,
			"%s: this kernel has no ZONE_NVM sizes (no %s, no NVMTotal in /proc/meminfo): TOTAL, FREE not shown\n",
			nz_prog, have_nvm ? nodes : nvm);
	have_stats = nz_exists(stats);
	if (!have_stats && count_missing(w, NULL, dir_stats)) {
		fprintf(stderr,
			"%s: this kernel has no ZONE_NVM statistics (no %s):",
			nz_prog, have_nvm ? stats : nvm);
		print_missing(w, NULL, dir_stats);
	}
	for (i = 0; i < NCOUNTERS; i++) {
		const char *feat = counters[i].feature;

		if (!missing(w, i, NULL, NULL) ||
		    (counters[i].dir == dir_stats && !have_stats) ||
		    (feat == feat_mirror && !nz_mirror_supported()))
			continue;
		for (j = 0; j < i; j++)
			if (missing(w, j, feat, NULL))
				break;
		if (j < i)
			continue;
		stats_path(path, sizeof(path), &counters[i]);
		fprintf(stderr, "%s: this kernel has no %s (no %s):", nz_prog,
			feat, path);
		print_missing(w, feat, NULL);
	}
	return 0;
}

/* The width of a size column named @name */
static int size_width(const struct watch *w, const char *name)
{
	int width = w->out.bytes ? 14 : 7, len = (int)strlen(name);

	return len > width ? len : width;
}

static int col_width(const struct watch *w, const struct counter *c)
{
	return c->width ? c->width : size_width(w, c->name);
}

static void print_header(const struct watch *w)
{
	size_t i;

	printf("%8s", "TIME");
	if (w->size_src != SRC_NONE)
		printf(" %*s %*s", size_width(w, "TOTAL"), "TOTAL",
		       size_width(w, "FREE"), "FREE");
	for (i = 0; i < NCOUNTERS; i++)
		if (w->src[i] != SRC_NONE)
			printf(" %*s", col_width(w, &counters[i]),
			       counters[i].name);
	putchar('\n');
}

/* The JSON key of column @name: in lower case */
static void json_key(char *key, size_t len, const char *name)
{
	size_t j;

	for (j = 0; name[j] && j < len - 1; j++)
		key[j] = (char)tolower((unsigned char)name[j]);
	key[j] = '\0';
}

static void print_size(const struct watch *w, const char *name, uint64_t v)
{
	char *s = nz_out_size(&w->out, v), key[16];

	/* in JSON a number of bytes, as daxctl prints sizes */
	json_key(key, sizeof(key), name);
	if (w->out.json)
		printf(",\"%s\":%s", key, s);
	else
		printf(" %*s", size_width(w, name), s);
	free(s);
}

static void print_sample(const struct watch *w, const struct sample *s)
{
	size_t i;

	if (w->out.json)
		printf("{\"time\":%.3f", s->time);
	else
		printf("%8.2f", s->time);
	if (w->size_src != SRC_NONE) {
		print_size(w, "TOTAL", s->total);
		print_size(w, "FREE", s->free);
	}
	for (i = 0; i < NCOUNTERS; i++) {
		const struct counter *c = &counters[i];
		/* since boot on the first line, as prev is 0 there */
		uint64_t v = c->level ? s->val[i] : s->val[i] - w->prev[i];
		char key[16];

		if (w->src[i] == SRC_NONE)
			continue;
		if (!c->width) {
			print_size(w, c->name, v * w->pgsz);
		} else if (!w->out.json) {
			printf(" %*" PRIu64, c->width, v);
		} else {
			json_key(key, sizeof(key), c->name);
			printf(",\"%s\":%" PRIu64, key, v);
		}
	}
	puts(w->out.json ? "}" : "");
}

static void on_sigint(int sig)
{
	(void)sig;
	interrupted = 1;
}

/*
 * Sleep until @next_ns, the next multiple of the interval after the first
 * sample (skipping those already past: a stopped watch does not catch up).
 * SIGINT is blocked from the check of @interrupted to ppoll(), which
 * unblocks it while it sleeps: one that comes in between cannot be missed.
 * Returns 0, or -1 when interrupted.
 */
static int wait_next(int64_t *next_ns, int64_t ival_ns)
{
	sigset_t block, orig, waitmask;
	struct timespec ts;
	int64_t now = now_ns();
	int rc = 0;

	*next_ns += ival_ns;
	if (*next_ns <= now)
		*next_ns += ((now - *next_ns) / ival_ns + 1) * ival_ns;
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigprocmask(SIG_BLOCK, &block, &orig);
	waitmask = orig;
	sigdelset(&waitmask, SIGINT);
	while (!interrupted && now < *next_ns) {
		ts.tv_sec = (*next_ns - now) / NSEC_PER_SEC;
		ts.tv_nsec = (*next_ns - now) % NSEC_PER_SEC;
		ppoll(NULL, 0, &ts, &waitmask);
		now = now_ns();
	}
	if (interrupted)
		rc = -1;
	sigprocmask(SIG_SETMASK, &orig, NULL);
	return rc;
}

int cmd_watch(int argc, char **argv)
{
	struct watch w = { .interval = 1,
			   .pgsz = (uint64_t)sysconf(_SC_PAGESIZE) };
	struct sigaction sa = { .sa_handler = on_sigint };
	struct sample s;
	struct nz_opts o;
	int64_t ival_ns, next_ns = 0;
	uint64_t n;
	size_t i;
	int rc;

	rc = nz_opts_parse(&o, argc, argv, opts, 0, usage);
	if (rc >= 0)
		return rc;
	w.out = o.out;
	if (o.argc > 2) {
		nz_usage_errx("unexpected argument: %s", o.argv[2]);
		return NZ_EXIT_FAILURE;
	}
	if (o.argc > 0 && parse_interval(o.argv[0], &w.interval) < 0)
		return NZ_EXIT_FAILURE;
	if (o.argc > 1 && parse_count(o.argv[1], &w.count) < 0)
		return NZ_EXIT_FAILURE;
	ival_ns = (int64_t)(w.interval * NSEC_PER_SEC + 0.5);

	if (watch_setup(&w) < 0)
		return NZ_EXIT_FAILURE;

	/* SIGINT ends the watch after the line being printed, with status 0 */
	sigemptyset(&sa.sa_mask);
	/* a second one kills, should a write to a stuck reader block */
	sa.sa_flags = SA_RESTART | SA_RESETHAND;
	sigaction(SIGINT, &sa, NULL);

	for (n = 0; !w.count || n < w.count; n++) {
		if (n > 0 && wait_next(&next_ns, ival_ns) < 0)
			break;
		if (take_sample(&w, &s, n == 0) < 0)
			return NZ_EXIT_FAILURE;
		if (n == 0)
			next_ns = w.start_ns;
		if (!w.out.json && !w.out.noheadings && n % HEADER_EVERY == 0)
			print_header(&w);
		print_sample(&w, &s);
		if (fflush(stdout) == EOF || ferror(stdout)) {
			nz_err("cannot write", "standard output",
			       errno ? errno : EIO);
			return NZ_EXIT_FAILURE;
		}
		for (i = 0; i < NCOUNTERS; i++)
			w.prev[i] = s.val[i];
	}
	return NZ_EXIT_OK;
}
