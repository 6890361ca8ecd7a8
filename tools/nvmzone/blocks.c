// SPDX-License-Identifier: GPL-2.0
/*
 * nvmzone blocks - memory blocks, merged into ranges as lsmem does.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "nvmzone.h"

enum {
	COL_RANGE,
	COL_SIZE,
	COL_STATE,
	COL_REMOVABLE,
	COL_BLOCK,
	COL_NODE,
	COL_ZONES,
	COL_START,
	COL_END,
};

static const struct nz_coldesc coldescs[] = {
	[COL_RANGE] = { "RANGE", 0, 0, NZ_COL_STR,
			"start and end address of the memory range" },
	[COL_SIZE] = { "SIZE", 5, SCOLS_FL_RIGHT, NZ_COL_SIZE,
		       "size of the memory range" },
	[COL_STATE] = { "STATE", 0, SCOLS_FL_RIGHT, NZ_COL_STR,
			"online status of the memory range" },
	[COL_REMOVABLE] = { "REMOVABLE", 0, SCOLS_FL_RIGHT, NZ_COL_BOOL,
			    "memory is removable" },
	[COL_BLOCK] = { "BLOCK", 0, SCOLS_FL_RIGHT, NZ_COL_STR,
			"memory block number or blocks range" },
	[COL_NODE] = { "NODE", 0, SCOLS_FL_RIGHT, NZ_COL_NUM,
		       "NUMA node of memory" },
	[COL_ZONES] = { "ZONES", 0, SCOLS_FL_RIGHT, NZ_COL_STR,
			"zone of an online range, valid zones of an offline one" },
	[COL_START] = { "START", 0, SCOLS_FL_RIGHT, NZ_COL_NUM,
			"start address (bytes)" },
	[COL_END] = { "END", 0, SCOLS_FL_RIGHT, NZ_COL_NUM,
		      "end address (bytes, inclusive)" },
};

static const int defcols[] = { COL_RANGE, COL_SIZE, COL_STATE, COL_REMOVABLE,
			       COL_BLOCK, COL_NODE, COL_ZONES, -1 };

struct range {
	size_t first, last; /* indexes into nz_memblocks.blk */
};

/* What splits contiguous blocks into ranges (lsmem -S) */
enum {
	SPLIT_STATE = 1 << 0,
	SPLIT_REMOVABLE = 1 << 1,
	SPLIT_NODE = 1 << 2,
	SPLIT_ZONES = 1 << 3,
	SPLIT_ALL = 0xf,
};

static const struct nz_cmdopt opts[] = {
	{ NZ_O_ALL, "show every memory block on its own line" },
	{ NZ_O_SPLIT, NULL },
	NZ_CMDOPT_OUTPUT,
	NZ_CMDOPT_END,
};

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: nvmzone [options] blocks [options]\n\n"
		"List the memory blocks of /sys/devices/system/memory; contiguous blocks\n"
		"with the same state, removability, node and zones are merged into ranges,\n"
		"as lsmem does.\n\n"
		"Options:\n");
	nz_opts_help(f, opts);
	nz_out_help(f, coldescs, ARRAY_SIZE(coldescs));
}

/* -S LIST: the split columns of lsmem, or none.  0 or -1 (printed). */
static int parse_split(const char *arg, unsigned int *split)
{
	static const struct {
		int col;
		unsigned int bit;
	} bits[] = {
		{ COL_STATE, SPLIT_STATE },
		{ COL_REMOVABLE, SPLIT_REMOVABLE },
		{ COL_NODE, SPLIT_NODE },
		{ COL_ZONES, SPLIT_ZONES },
	};
	static const int nodefault[] = { -1 };
	struct nz_out o = { .columns = arg };
	size_t i, k;

	*split = 0;
	if (!strcasecmp(arg, "none"))
		return 0;
	if (nz_out_columns(&o, coldescs, ARRAY_SIZE(coldescs), nodefault) < 0)
		return -1;
	/* as lsmem: the other columns split nothing */
	for (i = 0; i < o.ncols; i++)
		for (k = 0; k < ARRAY_SIZE(bits); k++)
			if (o.cols[i] == bits[k].col)
				*split |= bits[k].bit;
	return 0;
}

static bool same_range(const struct nz_memblock *a, const struct nz_memblock *b,
		       unsigned int split)
{
	return b->index == a->index + 1 &&
	       (!(split & SPLIT_STATE) || !strcmp(a->state, b->state)) &&
	       (!(split & SPLIT_ZONES) || !strcmp(a->zones, b->zones)) &&
	       (!(split & SPLIT_NODE) || a->node == b->node) &&
	       (!(split & SPLIT_REMOVABLE) || a->removable == b->removable);
}

static int add_range(struct libscols_table *tb, const struct nz_out *o,
		     const struct nz_memblocks *mb, const struct range *r)
{
	const struct nz_memblock *f = &mb->blk[r->first],
				 *l = &mb->blk[r->last];
	uint64_t start = f->index * mb->block_size;
	uint64_t end = (l->index + 1) * mb->block_size - 1;
	struct libscols_line *ln = nz_out_line(tb);
	size_t i;

	if (!ln)
		return -1;
	for (i = 0; i < o->ncols; i++) {
		char *s = NULL;

		switch (o->cols[i]) {
		case COL_RANGE:
			s = nz_xasprintf("0x%016" PRIx64 "-0x%016" PRIx64,
					 start, end);
			break;
		case COL_SIZE:
			s = nz_out_size(o, end - start + 1);
			break;
		case COL_STATE:
			s = nz_xstrdup(f->state);
			break;
		case COL_REMOVABLE:
			if (f->removable >= 0)
				s = nz_out_bool(o, f->removable);
			break;
		case COL_BLOCK:
			if (f == l)
				s = nz_xasprintf("%" PRIu64, f->index);
			else
				s = nz_xasprintf("%" PRIu64 "-%" PRIu64,
						 f->index, l->index);
			break;
		case COL_NODE:
			if (f->node >= 0)
				s = nz_xasprintf("%d", f->node);
			break;
		case COL_ZONES:
			if (f->zones[0])
				s = nz_xstrdup(f->zones);
			break;
		case COL_START:
			s = nz_xasprintf("%" PRIu64, start);
			break;
		case COL_END:
			s = nz_xasprintf("%" PRIu64, end);
			break;
		}
		if (nz_out_cell(ln, i, s) < 0)
			return -1;
	}
	return 0;
}

int cmd_blocks(int argc, char **argv)
{
	struct nz_opts o;
	struct nz_out *out = &o.out;
	struct nz_memblocks mb = { 0 };
	struct libscols_table *tb;
	uint64_t online = 0, offline = 0;
	unsigned int split = SPLIT_ALL;
	int rc;
	size_t i;

	rc = nz_opts_parse(&o, argc, argv, opts, 0, usage);
	if (rc >= 0)
		return rc;
	if (o.argc) {
		nz_usage_errx("unexpected argument: %s", o.argv[0]);
		return NZ_EXIT_FAILURE;
	}
	if (nz_out_columns(out, coldescs, ARRAY_SIZE(coldescs), defcols) < 0 ||
	    (o.split && parse_split(o.split, &split) < 0))
		return NZ_EXIT_FAILURE;
	rc = NZ_EXIT_FAILURE;
	if (nz_memblocks_read(&mb) < 0)
		return NZ_EXIT_FAILURE;

	tb = nz_out_table(out);
	if (!tb)
		goto out;
	for (i = 0; i < mb.n;) {
		struct range r = { i, i };

		while (!o.given[NZ_O_ALL] && r.last + 1 < mb.n &&
		       same_range(&mb.blk[r.last], &mb.blk[r.last + 1], split))
			r.last++;
		if (add_range(tb, out, &mb, &r) < 0)
			goto out_tb;
		i = r.last + 1;
	}
	for (i = 0; i < mb.n; i++) {
		if (!strcmp(mb.blk[i].state, "online"))
			online += mb.block_size;
		else
			offline += mb.block_size;
	}
	if (nz_out_print(out, tb, "memory") < 0)
		goto out_tb;
	/* each block that could not be read has had its line */
	if (!mb.n && !mb.failed)
		nz_errx("no memory blocks");

	if (!out->json && !out->raw) {
		char *bs = nz_out_size(out, mb.block_size);
		char *on = nz_out_size(out, online);
		char *off = nz_out_size(out, offline);

		printf("\nMemory block size:    %s\n"
		       "Total online memory:  %s\n"
		       "Total offline memory: %s\n",
		       bs, on, off);
		free(bs);
		free(on);
		free(off);
	}
	if (mb.failed)
		rc = mb.n ? NZ_EXIT_PARTIAL : NZ_EXIT_FAILURE;
	else
		rc = NZ_EXIT_OK;
out_tb:
	scols_unref_table(tb);
out:
	nz_memblocks_free(&mb);
	return rc;
}
