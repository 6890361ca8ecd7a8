// SPDX-License-Identifier: GPL-2.0
/*
 * nvmzone mirror - mirrored memory (MIGRATE_MIRROR): the ranges of
 * /sys/kernel/mm/nvm/mirror/ranges (read-only) with the memory blocks under
 * them, and one more range mirrored after boot through the debugfs writer,
 * /sys/kernel/debug/nvm/mirror/ranges (a test and injection aid, not ABI).
 *
 * As hotadd does: re-read the state before writing, write once, re-read
 * it after and say exactly what changed.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nvmzone.h"

/*
 * START and LENGTH of a range are multiples of the larger of a pageblock
 * and the largest buddy block, so that no free block is part mirrored:
 * 4 MiB on x86-64, as the ABI documents.
 */
#define MIRROR_ALIGN (4ULL << 20)
#define MAX_NODES 64 /* nodes named in a NODE cell */
#define RANGE_EXPECTED "START-END (bytes, 0x hex, or a K/M/G/T suffix)"

enum {
	COL_RANGE,
	COL_SIZE,
	COL_NODE,
	COL_STATE,
	COL_BLOCK,
	COL_START,
	COL_END,
};

static const struct nz_coldesc coldescs[] = {
	[COL_RANGE] = { "RANGE", 0, 0, NZ_COL_STR,
			"start and end address of the mirrored range" },
	[COL_SIZE] = { "SIZE", 5, SCOLS_FL_RIGHT, NZ_COL_SIZE,
		       "size of the range" },
	[COL_NODE] = { "NODE", 0, SCOLS_FL_RIGHT, NZ_COL_STR,
		       "node(s) of its memory blocks, - if none is present" },
	[COL_STATE] = { "STATE", 0, SCOLS_FL_RIGHT, NZ_COL_STR,
			"its memory blocks: online, offline, partial or absent" },
	[COL_BLOCK] = { "BLOCK", 0, SCOLS_FL_RIGHT, NZ_COL_STR,
			"memory block number or blocks range under it" },
	[COL_START] = { "START", 0, SCOLS_FL_RIGHT, NZ_COL_NUM,
			"start address (bytes)" },
	[COL_END] = { "END", 0, SCOLS_FL_RIGHT, NZ_COL_NUM,
		      "end address (bytes, inclusive)" },
};

static const int defcols[] = { COL_RANGE, COL_SIZE, COL_NODE, COL_STATE, -1 };

/* vm.mirrorable, each level adding to the one below */
static const char *const mirrorable_desc[] = {
	"only __GFP_MIRROR requests",
	"__GFP_MIRROR requests; any request as a last resort",
	"__GFP_MIRROR requests and slab first; any request as a last resort",
	"__GFP_MIRROR requests and all non-movable kernel memory first; any request as a last resort",
};

/* A line of the ranges file */
struct mrange {
	uint64_t start, size; /* bytes */
};

struct mranges {
	struct mrange *r; /* sorted by start */
	size_t n;
	int bad; /* lines that are not "START LENGTH" */
};

/* What the memory blocks under a range are */
struct cover {
	uint64_t first, last; /* block numbers */
	uint64_t present, online, nvm; /* blocks */
	int nodes[MAX_NODES]; /* sorted */
	size_t nnodes;
};

static const struct nz_cmdopt opts[] = {
	NZ_CMDOPT_OUTPUT,
	NZ_CMDOPT_END,
};

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: nvmzone [options] mirror [list] [options]\n"
		"       nvmzone [options] mirror add RANGE\n\n"
		"Mirrored memory (MIGRATE_MIRROR).  list (the default) shows the ranges\n"
		"registered in /sys/kernel/mm/nvm/mirror/ranges, by mirrormem= at boot or\n"
		"added since, with the node and state of the memory blocks under them, and\n"
		"the mirrored memory online and free.  add mirrors one more range of online\n"
		"memory, outside ZONE_NVM, through /sys/kernel/debug/nvm/mirror/ranges: a\n"
		"test and injection aid, not a stable interface, which needs a kernel with\n"
		"CONFIG_DEBUG_FS and debugfs mounted (mount -t debugfs none /sys/kernel/debug).\n"
		"Both need root.\n\n"
		"  RANGE    START-END: addresses in bytes, 0x hex or with a K/M/G/T\n"
		"           suffix, multiples of 4M; END is the last byte (0x33ffffff)\n"
		"           or, aligned, the first after (768M-832M)\n\n"
		"Options of list:\n");
	nz_opts_help(f, opts);
	nz_out_help(f, coldescs, ARRAY_SIZE(coldescs));
	fputs("\nRanges are never removed: they describe the hardware, and stay listed\n"
	      "(offline, absent) when their memory is offlined or removed.\n\n"
	      "Exit status: 0 success; 1 failure (no MIGRATE_MIRROR support, a bad\n"
	      "RANGE, no debugfs writer, a range the kernel refused); 64 partial: a\n"
	      "line of the ranges file or a memory block could not be read, or add\n"
	      "mirrored the range but could not read the result back.\n",
	      f);
}

bool nz_mirror_supported(void)
{
	char path[PATH_MAX];

	return nz_path(path, sizeof(path), MIRROR_DIR) && nz_exists(path);
}

void nz_mirror_unsupported(void)
{
	char path[PATH_MAX];

	if (!nz_path(path, sizeof(path), MIRROR_DIR))
		nz_strlcpy(path, MIRROR_DIR, sizeof(path));
	nz_errx("this kernel has no MIGRATE_MIRROR support (CONFIG_MEMORY_MIRROR): %s does not exist",
		path);
}

const char *nz_mirrorable_desc(int64_t val)
{
	if (val < 0 || val >= (int64_t)ARRAY_SIZE(mirrorable_desc))
		return NULL;
	return mirrorable_desc[val];
}

/* "nvmzone: WHAT: FILE: REASON", and who may read the ranges */
static void err_ranges(const char *what, const char *path, int errnum)
{
	if (errnum == EACCES || errnum == EPERM)
		nz_errx("%s: %s: %s (run as root)", what, path,
			strerror(errnum));
	else
		nz_err(what, path, errnum);
}

static int cmp_ranges(const void *a, const void *b)
{
	const struct mrange *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

/* "START LENGTH", as the kernel prints it (%#llx, any base will do) */
static int parse_line(const char *line, struct mrange *r)
{
	char a[32], b[32], extra;

	if (sscanf(line, "%31s %31s %c", a, b, &extra) != 2 ||
	    nz_parse_u64(a, 0, &r->start) < 0 ||
	    nz_parse_u64(b, 0, &r->size) < 0 || !r->size ||
	    r->start + r->size - 1 < r->start)
		return -1;
	return 0;
}

static void ranges_add(struct mranges *mr, const struct mrange *r)
{
	struct mrange *nr = realloc(mr->r, (mr->n + 1) * sizeof(*nr));

	if (!nr) {
		nz_errx("out of memory");
		exit(NZ_EXIT_FAILURE);
	}
	mr->r = nr;
	mr->r[mr->n++] = *r;
}

/* Read MIRROR_DIR/ranges.  0, or -1 (printed). */
static int read_ranges(struct mranges *mr)
{
	char path[PATH_MAX], line[128];
	struct mrange r;
	int lineno = 0;
	FILE *f;

	memset(mr, 0, sizeof(*mr));
	if (!nz_path(path, sizeof(path), MIRROR_DIR "/ranges")) {
		nz_err("cannot read mirrored ranges", MIRROR_DIR "/ranges",
		       ENAMETOOLONG);
		return -1;
	}
	f = fopen(path, "re");
	if (!f) {
		err_ranges("cannot read mirrored ranges", path, errno);
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		lineno++;
		if (parse_line(line, &r) < 0) {
			line[strcspn(line, "\n")] = '\0';
			nz_warnx("%s: line %d: '%s' is not START LENGTH", path,
				 lineno, line);
			mr->bad++;
			continue;
		}
		ranges_add(mr, &r);
	}
	if (ferror(f)) {
		err_ranges("cannot read mirrored ranges", path,
			   errno ? errno : EIO);
		fclose(f);
		free(mr->r);
		memset(mr, 0, sizeof(*mr));
		return -1;
	}
	fclose(f);
	if (mr->n)
		qsort(mr->r, mr->n, sizeof(*mr->r), cmp_ranges);
	return 0;
}

/* MIRROR_DIR/@file (pages) in bytes.  0, or -1 (printed). */
static int read_pages(const char *file, uint64_t *bytes)
{
	char path[PATH_MAX];
	uint64_t pages;
	int rc;

	if (!nz_path(path, sizeof(path), MIRROR_DIR "/%s", file)) {
		nz_err("cannot read mirrored memory", file, ENAMETOOLONG);
		return -1;
	}
	rc = nz_read_u64(path, 10, &pages);
	if (rc < 0) {
		nz_err("cannot read mirrored memory", path, -rc);
		return -1;
	}
	*bytes = pages * (uint64_t)sysconf(_SC_PAGESIZE);
	return 0;
}

static void cover_node(struct cover *c, int node)
{
	size_t i;

	for (i = 0; i < c->nnodes && c->nodes[i] < node; i++)
		;
	if ((i < c->nnodes && c->nodes[i] == node) || c->nnodes == MAX_NODES)
		return;
	memmove(&c->nodes[i + 1], &c->nodes[i],
		(c->nnodes - i) * sizeof(c->nodes[0]));
	c->nodes[i] = node;
	c->nnodes++;
}

static void range_cover(const struct nz_memblocks *mb, uint64_t start,
			uint64_t size, struct cover *c)
{
	const struct nz_memblock *b;
	uint64_t i;

	memset(c, 0, sizeof(*c));
	c->first = start / mb->block_size;
	c->last = (start + size - 1) / mb->block_size;
	for (i = c->first; i <= c->last; i++) {
		b = nz_memblocks_find(mb, i);
		if (!b)
			continue;
		c->present++;
		if (nz_block_online_p(b))
			c->online++;
		if (nz_block_in_zone(b, &nz_zone_nvm))
			c->nvm++;
		if (b->node >= 0)
			cover_node(c, b->node);
	}
}

static const char *cover_state(const struct cover *c)
{
	if (!c->present)
		return "absent";
	if (c->online == c->last - c->first + 1)
		return "online";
	return c->online ? "partial" : "offline";
}

static char *cover_nodes(const struct nz_out *o, const struct cover *c)
{
	char *s, *t;
	size_t i;

	if (!c->nnodes)
		return o->json ? NULL : nz_xstrdup("-");
	s = nz_xasprintf("%d", c->nodes[0]);
	for (i = 1; i < c->nnodes; i++) {
		t = nz_xasprintf("%s,%d", s, c->nodes[i]);
		free(s);
		s = t;
	}
	return s;
}

static char *range_name(uint64_t start, uint64_t size)
{
	return nz_xasprintf("0x%016" PRIx64 "-0x%016" PRIx64, start,
			    start + size - 1);
}

static int add_line(struct libscols_table *tb, const struct nz_out *o,
		    const struct nz_memblocks *mb, const struct mrange *r)
{
	struct libscols_line *ln = nz_out_line(tb);
	struct cover c;
	size_t i;

	if (!ln)
		return -1;
	range_cover(mb, r->start, r->size, &c);
	for (i = 0; i < o->ncols; i++) {
		char *s = NULL;

		switch (o->cols[i]) {
		case COL_RANGE:
			s = range_name(r->start, r->size);
			break;
		case COL_SIZE:
			s = nz_out_size(o, r->size);
			break;
		case COL_NODE:
			s = cover_nodes(o, &c);
			break;
		case COL_STATE:
			s = nz_xstrdup(cover_state(&c));
			break;
		case COL_BLOCK:
			if (c.first == c.last)
				s = nz_xasprintf("%" PRIu64, c.first);
			else
				s = nz_xasprintf("%" PRIu64 "-%" PRIu64,
						 c.first, c.last);
			break;
		case COL_START:
			s = nz_xasprintf("%" PRIu64, r->start);
			break;
		case COL_END:
			s = nz_xasprintf("%" PRIu64, r->start + r->size - 1);
			break;
		}
		if (nz_out_cell(ln, i, s) < 0)
			return -1;
	}
	return 0;
}

/* "Mirrored online: X, free: Y".  0, or -1 (printed). */
static int print_summary(const struct nz_out *o)
{
	uint64_t total, avail;
	char *t, *f;

	if (read_pages("total_pages", &total) < 0 ||
	    read_pages("free_pages", &avail) < 0)
		return -1;
	t = nz_out_size(o, total);
	f = nz_out_size(o, avail);
	printf("\nMirrored online: %s, free: %s\n", t, f);
	free(t);
	free(f);
	return 0;
}

static int mirror_list(const struct nz_out *o)
{
	struct libscols_table *tb = NULL;
	struct nz_memblocks mb = { 0 };
	struct mranges mr;
	bool partial;
	int rc = NZ_EXIT_FAILURE;
	size_t i;

	if (!nz_mirror_supported()) {
		nz_mirror_unsupported();
		return NZ_EXIT_FAILURE;
	}
	if (read_ranges(&mr) < 0)
		return NZ_EXIT_FAILURE;
	if (nz_memblocks_read(&mb) < 0)
		goto out;
	tb = nz_out_table(o);
	if (!tb)
		goto out;
	for (i = 0; i < mr.n; i++)
		if (add_line(tb, o, &mb, &mr.r[i]) < 0)
			goto out;
	if (nz_out_print(o, tb, "mirror") < 0)
		goto out;
	/* bad lines and blocks that could not be read have had their line */
	if (!mr.n && !mr.bad)
		nz_errx("no mirrored ranges");
	partial = mr.bad || mb.failed;
	/* The summary is for people: not with -n, -J or -r */
	if (!o->noheadings && !o->json && !o->raw && print_summary(o) < 0)
		partial = true;
	rc = partial ? NZ_EXIT_PARTIAL : NZ_EXIT_OK;
out:
	scols_unref_table(tb);
	nz_memblocks_free(&mb);
	free(mr.r);
	return rc;
}

/* The registered range that [@start, @end] overlaps, or NULL */
static const struct mrange *find_overlap(const struct mranges *mr,
					 uint64_t start, uint64_t end)
{
	size_t i;

	for (i = 0; i < mr->n; i++)
		if (start <= mr->r[i].start + mr->r[i].size - 1 &&
		    mr->r[i].start <= end)
			return &mr->r[i];
	return NULL;
}

static bool listed(const struct mranges *mr, uint64_t start, uint64_t size)
{
	size_t i;

	for (i = 0; i < mr->n; i++)
		if (mr->r[i].start == start && mr->r[i].size == size)
			return true;
	return false;
}

/* Why the kernel said EINVAL: the state of the memory blocks under it */
static char *hint_einval(uint64_t start, uint64_t size)
{
	struct nz_memblocks mb;
	struct cover c;
	char *asz = nz_size_human(MIRROR_ALIGN), *hint;

	if (nz_memblocks_read(&mb) < 0) {
		hint = nz_xasprintf(
			"(the range must be online memory outside ZONE_NVM and CMA, START and LENGTH multiples of %s)",
			asz);
		free(asz);
		return hint;
	}
	range_cover(&mb, start, size, &c);
	hint = nz_xasprintf(
		"(the range must be online memory outside ZONE_NVM and CMA, START and LENGTH multiples of %s; its memory blocks %" PRIu64
		"-%" PRIu64 " are %s%s: see 'nvmzone blocks')",
		asz, c.first, c.last, cover_state(&c),
		c.nvm ? ", some in ZONE_NVM" : "");
	nz_memblocks_free(&mb);
	free(asz);
	return hint;
}

/* What the kernel's refusal @errnum means (see ranges_store()), or NULL */
static char *hint_write(int errnum, uint64_t start, uint64_t size,
			const struct mranges *before)
{
	switch (errnum) {
	case EEXIST:
		return nz_xstrdup(
			"(the range overlaps a registered mirrored range: see 'nvmzone mirror')");
	case EINVAL:
		return hint_einval(start, size);
	case EOPNOTSUPP:
		return nz_xstrdup(
			"(the kernel was booted with kernelcore=mirror: mirrored memory is its own zones, MIGRATE_MIRROR is not used)");
	case ENOSPC:
		return nz_xasprintf(
			"(the kernel holds at most 64 mirrored ranges, and %zu are registered)",
			before->n);
	case EACCES:
	case EPERM:
		return nz_xstrdup("(adding a mirrored range needs root)");
	}
	return NULL;
}

static int mirror_add(const char *arg)
{
	const struct mrange *clash;
	struct mranges before = { 0 }, after = { 0 };
	uint64_t start, end, size, total0, total1;
	char path[PATH_MAX], list[PATH_MAX], value[64], *name, *sz, *t0, *t1;
	int r, rc = NZ_EXIT_FAILURE;

	if (nz_parse_range(arg, RANGE_EXPECTED, MIRROR_ALIGN,
			   "the mirroring unit", &start, &end) < 0)
		return NZ_EXIT_FAILURE;
	size = end - start + 1;
	if (!nz_mirror_supported()) {
		nz_mirror_unsupported();
		return NZ_EXIT_FAILURE;
	}
	if (read_ranges(&before) < 0 || read_pages("total_pages", &total0) < 0)
		goto out;
	name = range_name(start, size);
	clash = find_overlap(&before, start, end);
	if (clash) {
		char *other = range_name(clash->start, clash->size);

		nz_errx("%s overlaps the mirrored range %s (see 'nvmzone mirror')",
			name, other);
		free(other);
		goto out_name;
	}

	if (!nz_path(path, sizeof(path), MIRROR_DEBUG_DIR "/ranges") ||
	    !nz_path(list, sizeof(list), MIRROR_DIR "/ranges")) {
		nz_err("cannot add a mirrored range", MIRROR_DEBUG_DIR "/ranges",
		       ENAMETOOLONG);
		goto out_name;
	}
	snprintf(value, sizeof(value), "%#" PRIx64 " %#" PRIx64, start, size);
	r = nz_write_file(path, value);
	if (r == -ENOENT) {
		/* the writer is in debugfs: a test and injection aid */
		nz_errx("cannot add a mirrored range: %s does not exist: debugfs must be mounted (mount -t debugfs none /sys/kernel/debug) and the kernel built with CONFIG_DEBUG_FS",
			path);
		goto out_name;
	}
	if (r < 0) {
		char *hint = hint_write(-r, start, size, &before);

		nz_err_write(NULL, path, value, -r, hint);
		free(hint);
		goto out_name;
	}

	rc = NZ_EXIT_PARTIAL;
	if (read_ranges(&after) < 0 || read_pages("total_pages", &total1) < 0) {
		nz_errx("wrote '%s' to %s, but cannot read the result back",
			value, path);
		goto out_name;
	}
	if (!listed(&after, start, size)) {
		nz_errx("wrote '%s' to %s, but the range is not listed in %s",
			value, path, list);
		goto out_name;
	}
	sz = nz_size_human(size);
	t0 = nz_size_human(total0);
	t1 = nz_size_human(total1);
	printf("mirrored %s (%s): MirrorTotal %s -> %s\n", name, sz, t0, t1);
	free(sz);
	free(t0);
	free(t1);
	rc = NZ_EXIT_OK;
out_name:
	free(name);
out:
	free(before.r);
	free(after.r);
	return rc;
}

int cmd_mirror(int argc, char **argv)
{
	struct nz_opts o;
	const char *verb;
	int i, rc;

	rc = nz_opts_parse(&o, argc, argv, opts, 0, usage);
	if (rc >= 0)
		return rc;
	verb = o.argc ? o.argv[0] : "list";
	if (!strcmp(verb, "list")) {
		if (o.argc > 1) {
			nz_usage_errx("unexpected argument: %s", o.argv[1]);
			return NZ_EXIT_FAILURE;
		}
		if (nz_out_columns(&o.out, coldescs, ARRAY_SIZE(coldescs),
				   defcols) < 0)
			return NZ_EXIT_FAILURE;
		return mirror_list(&o.out);
	}
	if (strcmp(verb, "add")) {
		nz_usage_errx(
			"unknown mirror command: %s (expected list or add)",
			verb);
		return NZ_EXIT_FAILURE;
	}
	for (i = NZ_O_OUTPUT; i <= NZ_O_BYTES; i++) {
		if (o.given[i]) {
			nz_usage_errx(
				"add takes no output option (-o, -J, -r, -n, -b)");
			return NZ_EXIT_FAILURE;
		}
	}
	if (o.argc != 2) {
		nz_usage_errx(o.argc > 2 ? "expected one RANGE" :
					   "no RANGE given");
		return NZ_EXIT_FAILURE;
	}
	return mirror_add(o.argv[1]);
}
