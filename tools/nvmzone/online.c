// SPDX-License-Identifier: GPL-2.0
/*
 * nvmzone online/offline - change the state of memory blocks, as chmem(8)
 * does, with ZONE_NVM as a zone to online into (state "online_nvm").
 *
 * The block operations here are shared with hotadd and hotremove.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "nvmzone.h"

const struct nz_zone nz_zone_nvm = { "nvm", "NVM", "online_nvm", "nvm" };
const struct nz_zone nz_zone_movable = { "movable", "Movable", "online_movable",
					 "movable" };
static const struct nz_zone zone_normal = { "normal", "Normal", "online_kernel",
					    "normal" };

static const struct nz_zone *const zones[] = {
	&nz_zone_nvm,
	&nz_zone_movable,
	&zone_normal,
};

/*
 * The kernel zones online_kernel may pick: Normal, or DMA32 (or DMA,
 * HighMem) on a machine whose memory has no Normal zone.
 */
static const char *const kernel_zones[] = { "Normal", "DMA32", "DMA",
					    "HighMem" };

const struct nz_zone *nz_zone_parse(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(zones); i++)
		if (!strcasecmp(name, zones[i]->name))
			return zones[i];
	nz_errx("unknown zone: %s (expected nvm, movable or normal)", name);
	return NULL;
}

static bool word_is(const char *word, size_t len, const char *name)
{
	return strlen(name) == len && !strncasecmp(word, name, len);
}

/* Whether the zone name @word (@len characters) is zone @z */
static bool zone_word_is(const char *word, size_t len, const struct nz_zone *z)
{
	size_t i;

	if (z != &zone_normal)
		return word_is(word, len, z->kname);
	for (i = 0; i < ARRAY_SIZE(kernel_zones); i++)
		if (word_is(word, len, kernel_zones[i]))
			return true;
	return false;
}

/* Whether the space-separated zone list @list names @z */
static bool zones_list(const char *list, const struct nz_zone *z)
{
	const char *p = list;

	while (*p) {
		size_t len = strcspn(p, " ");

		if (len && zone_word_is(p, len, z))
			return true;
		p += len;
		p += strspn(p, " ");
	}
	return false;
}

bool nz_block_online_p(const struct nz_memblock *b)
{
	/* "online"; a fake tree also holds what was written: "online_nvm" */
	return !strncmp(b->state, "online", 6);
}

const char *nz_block_zone(const struct nz_memblock *b)
{
	if (!nz_block_online_p(b) || !b->zones[0] || strchr(b->zones, ' '))
		return NULL;
	return b->zones;
}

bool nz_block_in_zone(const struct nz_memblock *b, const struct nz_zone *z)
{
	const char *zone = nz_block_zone(b);

	return zone && zone_word_is(zone, strlen(zone), z);
}

char *nz_block_name(const struct nz_memblock *b, uint64_t block_size)
{
	uint64_t start = b->index * block_size;

	return nz_xasprintf("memory%" PRIu64 " (0x%016" PRIx64 "-0x%016" PRIx64
			    ")",
			    b->index, start, start + block_size - 1);
}

char *nz_block_state(const struct nz_memblock *b)
{
	const char *zone = nz_block_zone(b);

	if (!nz_block_online_p(b))
		return nz_xstrdup(b->state);
	return zone ? nz_xasprintf("online %s", zone) : nz_xstrdup("online");
}

/* Write @value to @b's state and read the block back; 0 or -1 (printed) */
static int write_state(struct nz_memblock *b, const char *name,
		       const char *value)
{
	const char *hint = NULL;
	char path[PATH_MAX];
	int r;

	if (!nz_memblock_path(path, sizeof(path), b->index, "state")) {
		nz_err_write(name, "state", value, ENAMETOOLONG, NULL);
		return -1;
	}
	r = nz_write_file(path, value);
	if (r < 0) {
		/* EBUSY: the kernel could not migrate the pages in use */
		if (r == -EBUSY && !strcmp(value, "offline"))
			hint = "(its pages in use could not be moved: see dmesg, "
			       "'nvmzone hotremove --check' and nvm/offline_fallback)";
		nz_err_write(name, "state", value, -r, hint);
		return -1;
	}
	r = nz_memblock_read(b->index, b);
	if (r < 0) {
		if (r == -ENOENT)
			nz_errx("%s: wrote '%s' to state, then the block was gone",
				name, value);
		return -1;
	}
	return 0;
}

enum nz_blk_result nz_block_online(struct nz_memblock *b, uint64_t block_size,
				   const struct nz_zone *z, bool quiet)
{
	enum nz_blk_result res = NZ_BLK_FAILED;
	char *name = nz_block_name(b, block_size);
	char *before = nz_block_state(b), *after = NULL;
	const char *value = z ? z->online : "online";
	const char *zone;

	if (nz_block_online_p(b)) {
		zone = nz_block_zone(b);
		if (z && zone && !nz_block_in_zone(b, z)) {
			nz_errx("%s: online in %s, not %s: offline it first",
				name, zone, z->kname);
			goto out;
		}
		if (!quiet)
			printf("%s: already %s, skipped\n", name, before);
		res = NZ_BLK_SKIPPED;
		goto out;
	}
	/* valid_zones of an offline block: the zones it may go to */
	if (z && b->zones[0] && !zones_list(b->zones, z)) {
		nz_errx("%s: cannot online into %s: the kernel allows only '%s' (valid_zones)",
			name, z->kname, b->zones);
		goto out;
	}
	if (write_state(b, name, value) < 0)
		goto out;
	if (!nz_block_online_p(b)) {
		nz_errx("%s: wrote '%s', but the block is %s", name, value,
			b->state);
		goto out;
	}
	zone = nz_block_zone(b);
	if (z && zone && !nz_block_in_zone(b, z)) {
		nz_errx("%s: onlined into %s, not %s (did another agent online it first?)",
			name, zone, z->kname);
		goto out;
	}
	after = nz_block_state(b);
	if (!quiet)
		printf("%s: %s -> %s\n", name, before, after);
	res = NZ_BLK_DONE;
out:
	free(after);
	free(before);
	free(name);
	return res;
}

enum nz_blk_result nz_block_offline(struct nz_memblock *b, uint64_t block_size,
				    bool quiet)
{
	enum nz_blk_result res = NZ_BLK_FAILED;
	char *name = nz_block_name(b, block_size);
	char *before = nz_block_state(b);

	if (!strcmp(b->state, "offline")) {
		if (!quiet)
			printf("%s: already offline, skipped\n", name);
		res = NZ_BLK_SKIPPED;
		goto out;
	}
	if (write_state(b, name, "offline") < 0)
		goto out;
	if (strcmp(b->state, "offline")) {
		nz_errx("%s: wrote 'offline', but the block is %s", name,
			b->state);
		goto out;
	}
	if (!quiet)
		printf("%s: %s -> offline\n", name, before);
	res = NZ_BLK_DONE;
out:
	free(before);
	free(name);
	return res;
}

/* ---- the online and offline commands ---- */

struct blkrange {
	uint64_t first, last;
};

struct selection {
	struct blkrange *r; /* --blocks, or the RANGE argument */
	size_t n, alloc;
	bool explicit_blocks; /* --blocks: a missing block is an error */
	bool is_size; /* SIZE argument: any blocks, @count of them */
	uint64_t count;
};

static const struct nz_cmdopt online_opts[] = {
	{ NZ_O_BLOCKS, NULL },
	{ NZ_O_ZONE, "nvm, movable or normal (online_nvm,\n"
		     "online_movable, online_kernel); without it the\n"
		     "kernel picks its default zone (online)" },
	NZ_CMDOPT_END,
};

static const struct nz_cmdopt offline_opts[] = {
	{ NZ_O_BLOCKS, NULL },
	NZ_CMDOPT_END,
};

#define RANGE_HELP                                                               \
	"  RANGE    START-END: addresses in bytes, 0x hex or with a K/M/G/T\n"   \
	"           suffix, aligned to the memory block size; END is the last\n" \
	"           byte (0x13fffffff) or, aligned, the first after (4G-5G)\n"

static void usage_online(FILE *f)
{
	fprintf(f,
		"Usage: nvmzone [options] online [options] RANGE|SIZE\n"
		"       nvmzone [options] online [options] --blocks N[-M][,...]\n\n"
		"Online memory blocks, as chmem -e does; ZONE_NVM is one of the zones.\n\n");
	fputs(RANGE_HELP, f);
	fputs("  SIZE     that much memory from any offline blocks, lowest first\n"
	      "           (a number without a suffix is in MiB, as for chmem)\n\n"
	      "Options:\n",
	      f);
	nz_opts_help(f, online_opts);
	fputs("\nBlocks already online (in that zone) are skipped.  A block whose\n"
	      "valid_zones does not list the zone is refused.\n\n"
	      "Exit status: 0 all blocks online, 1 none, 64 some (partial success).\n",
	      f);
}

static void usage_offline(FILE *f)
{
	fprintf(f,
		"Usage: nvmzone [options] offline [options] RANGE|SIZE\n"
		"       nvmzone [options] offline [options] --blocks N[-M][,...]\n\n"
		"Offline memory blocks, as chmem -d does.  The kernel moves the pages in\n"
		"use elsewhere first; for ZONE_NVM memory nvm/offline_fallback says\n"
		"whether DRAM may take them.\n\n");
	fputs(RANGE_HELP, f);
	fputs("  SIZE     that much memory from any online blocks, highest first\n"
	      "           (a number without a suffix is in MiB, as for chmem)\n\n"
	      "Options:\n",
	      f);
	nz_opts_help(f, offline_opts);
	fputs("\nBlocks already offline are skipped.\n\n"
	      "Exit status: 0 all blocks offline, 1 none, 64 some (partial success).\n",
	      f);
}

static void sel_add(struct selection *s, uint64_t first, uint64_t last)
{
	if (s->n == s->alloc) {
		struct blkrange *nr;

		s->alloc = s->alloc ? s->alloc * 2 : 8;
		nr = realloc(s->r, s->alloc * sizeof(*nr));
		if (!nr) {
			nz_errx("out of memory");
			exit(NZ_EXIT_FAILURE);
		}
		s->r = nr;
	}
	s->r[s->n].first = first;
	s->r[s->n].last = last;
	s->n++;
}

/* --blocks "N", "N-M", comma-separated.  0 or -1 (printed). */
static int parse_blocks(struct selection *s, const char *arg)
{
	const char *p = arg;

	s->explicit_blocks = true;
	for (;;) {
		size_t len = strcspn(p, ",");
		char item[64], *dash;
		uint64_t first, last;

		if (!len || len >= sizeof(item))
			goto bad;
		memcpy(item, p, len);
		item[len] = '\0';
		dash = strchr(item, '-');
		if (dash)
			*dash = '\0';
		if (item[0] < '0' || item[0] > '9' ||
		    nz_parse_u64(item, 10, &first) < 0)
			goto bad;
		last = first;
		if (dash && (dash[1] < '0' || dash[1] > '9' ||
			     nz_parse_u64(dash + 1, 10, &last) < 0))
			goto bad;
		if (first > last) {
			nz_errx("invalid block range '%.*s': %" PRIu64
				" is above %" PRIu64,
				(int)len, p, first, last);
			return -1;
		}
		sel_add(s, first, last);
		p += len;
		if (!*p)
			return 0;
		p++;
	}
bad:
	nz_errx("invalid block list '%s': expected N or N-M, comma-separated",
		arg);
	return -1;
}

/*
 * Every block of --blocks must have a byte address: a block whose end is
 * past 2^64 would wrap the counts and addresses (block size @bs).  0 or -1
 * (printed).
 */
static int check_blocks(const struct selection *s, const char *arg,
			uint64_t bs)
{
	size_t k;

	for (k = 0; k < s->n; k++) {
		if (s->r[k].last > (UINT64_MAX - (bs - 1)) / bs) {
			nz_errx("invalid block list '%s': block %" PRIu64
				" is past the end of the address space",
				arg, s->r[k].last);
			return -1;
		}
	}
	return 0;
}

#define RANGE_EXPECTED \
	"START-END (bytes, 0x hex, or a K/M/G/T suffix), SIZE, or --blocks N[-M]"

/* RANGE (START-END) or SIZE.  0 or -1 (printed). */
static int parse_range(struct selection *s, const char *arg, uint64_t bs)
{
	uint64_t start, end, size;
	char *bsz, last;

	if (strchr(arg, '-')) {
		if (nz_parse_range(arg, RANGE_EXPECTED, bs,
				   "the memory block size", &start, &end) < 0)
			return -1;
		sel_add(s, start / bs, end / bs);
		return 0;
	}
	if (nz_parse_size(arg, &size) < 0 || !strncasecmp(arg, "0x", 2))
		goto bad;
	/* as chmem: a bare number is in MiB */
	last = arg[strlen(arg) - 1];
	if (last >= '0' && last <= '9') {
		if (size > UINT64_MAX >> 20)
			goto bad;
		size <<= 20;
	}
	if (!size || size % bs) {
		bsz = nz_size_human(bs);
		nz_errx("invalid size '%s': must be a non-zero multiple of the memory block size (%s)",
			arg, bsz);
		free(bsz);
		return -1;
	}
	s->is_size = true;
	s->count = size / bs;
	return 0;
bad:
	/* no '-': a SIZE */
	nz_errx("invalid size '%s': expected a size such as 512M (MiB without a suffix), START-END or --blocks N[-M]",
		arg);
	return -1;
}

static bool sel_has(const struct selection *s, uint64_t index)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (index >= s->r[i].first && index <= s->r[i].last)
			return true;
	return false;
}

/* Blocks @first-@last of --blocks are not in @mb: say so */
static void report_gap(uint64_t first, uint64_t last)
{
	char path[PATH_MAX];

	nz_memblock_path(path, sizeof(path), first, NULL);
	/* one that exists could not be read: nz_memblocks_read() said why */
	if (first == last && nz_exists(path))
		return;
	if (first == last)
		nz_errx("no memory block %" PRIu64, first);
	else
		nz_errx("no memory blocks %" PRIu64 "-%" PRIu64, first, last);
}

/* Report the blocks of --blocks that are not in @mb; returns how many. */
static uint64_t report_missing(const struct selection *s,
			       const struct nz_memblocks *mb)
{
	uint64_t missing = 0, next;
	bool more;
	size_t k, i;

	for (k = 0; k < s->n; k++) {
		const struct blkrange *r = &s->r[k];

		next = r->first;
		more = true;
		for (i = 0; i < mb->n && more; i++) {
			uint64_t idx = mb->blk[i].index;

			if (idx < next || idx > r->last)
				continue;
			if (idx > next) {
				report_gap(next, idx - 1);
				missing += idx - next;
			}
			more = idx < r->last;
			next = idx + 1;
		}
		if (more) {
			report_gap(next, r->last);
			missing += r->last - next + 1;
		}
	}
	return missing;
}

static enum nz_blk_result change(struct nz_memblock *b, uint64_t bs,
				 bool online, const struct nz_zone *z)
{
	return online ? nz_block_online(b, bs, z, false) :
			nz_block_offline(b, bs, false);
}

/* SIZE: the first @count blocks that change, in chmem's order */
static int change_size(struct nz_memblocks *mb, const struct selection *s,
		       bool online, const struct nz_zone *z)
{
	uint64_t done = 0;
	size_t k;

	for (k = 0; k < mb->n && done < s->count; k++) {
		struct nz_memblock *b = &mb->blk[online ? k : mb->n - 1 - k];

		if (online && strcmp(b->state, "offline"))
			continue;
		if (!online && !nz_block_online_p(b))
			continue;
		if (online && z && b->zones[0] && !zones_list(b->zones, z))
			continue;
		if (change(b, mb->block_size, online, z) == NZ_BLK_DONE)
			done++;
	}
	if (done < s->count) {
		char *want = nz_size_human(s->count * mb->block_size);
		char *got = nz_size_human(done * mb->block_size);

		nz_errx("could only %s %s of %s", online ? "online" : "offline",
			got, want);
		free(want);
		free(got);
	}
	return nz_exit_status(done, s->count);
}

static int change_range(struct nz_memblocks *mb, const struct selection *s,
			bool online, const struct nz_zone *z)
{
	uint64_t total = 0, done = 0, failed = 0;
	size_t k;

	if (s->explicit_blocks) {
		failed = report_missing(s, mb);
		total = failed;
	}
	for (k = 0; k < mb->n; k++) {
		struct nz_memblock *b = &mb->blk[k];

		if (!sel_has(s, b->index))
			continue;
		total++;
		if (change(b, mb->block_size, online, z) == NZ_BLK_FAILED)
			failed++;
		else
			done++;
	}
	if (!total) {
		nz_errx("no memory blocks in 0x%016" PRIx64 "-0x%016" PRIx64,
			s->r[0].first * mb->block_size,
			(s->r[0].last + 1) * mb->block_size - 1);
		return NZ_EXIT_FAILURE;
	}
	/* each block that failed has had its line */
	return nz_exit_status(done, total);
}

static int chmem_cmd(int argc, char **argv, bool online)
{
	struct selection sel = { 0 };
	const struct nz_zone *z = NULL;
	struct nz_memblocks mb = { 0 };
	struct nz_opts o;
	uint64_t bs;
	int rc;

	rc = nz_opts_parse(&o, argc, argv, online ? online_opts : offline_opts,
			   0, online ? usage_online : usage_offline);
	if (rc >= 0)
		return rc;
	rc = NZ_EXIT_FAILURE;
	if (o.blocks && parse_blocks(&sel, o.blocks) < 0)
		goto out;
	if (o.zone) {
		z = nz_zone_parse(o.zone);
		if (!z)
			goto out;
	}
	if (o.blocks && o.argc) {
		nz_usage_errx("give either RANGE or --blocks, not both");
		goto out;
	}
	if (!o.blocks && o.argc != 1) {
		nz_usage_errx(o.argc ? "expected one RANGE or SIZE" :
				       "no RANGE, SIZE or --blocks given");
		goto out;
	}
	if (nz_memblocks_size(&bs) < 0)
		goto out;
	if (o.blocks && check_blocks(&sel, o.blocks, bs) < 0)
		goto out;
	if (!o.blocks && parse_range(&sel, o.argv[0], bs) < 0)
		goto out;
	if (nz_memblocks_read(&mb) < 0)
		goto out;
	if (sel.is_size)
		rc = change_size(&mb, &sel, online, z);
	else
		rc = change_range(&mb, &sel, online, z);
out:
	nz_memblocks_free(&mb);
	free(sel.r);
	return rc;
}

int cmd_online(int argc, char **argv)
{
	return chmem_cmd(argc, argv, true);
}

int cmd_offline(int argc, char **argv)
{
	return chmem_cmd(argc, argv, false);
}
