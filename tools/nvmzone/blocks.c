// SPDX-License-Identifier: GPL-2.0
/*
 * nvmzone blocks - memory blocks, merged into ranges as lsmem does.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: nvmzone [--sysroot DIR] blocks [options]\n\n"
		"List the memory blocks of /sys/devices/system/memory; contiguous blocks\n"
		"with the same state, removability, node and zones are merged into ranges.\n\n"
		"Options:\n"
		"     --split            show every memory block on its own line\n");
	nz_out_help_options(f);
	nz_out_help(f, coldescs, ARRAY_SIZE(coldescs));
}

static bool same_range(const struct nz_memblock *a, const struct nz_memblock *b)
{
	return b->index == a->index + 1 && !strcmp(a->state, b->state) &&
	       !strcmp(a->zones, b->zones) && a->node == b->node &&
	       a->removable == b->removable;
}

static int add_range(struct libscols_table *tb, const struct nz_out *o,
		     const struct nz_memblocks *mb, const struct range *r)
{
	const struct nz_memblock *f = &mb->blk[r->first],
				 *l = &mb->blk[r->last];
	uint64_t start = f->index * mb->block_size;
	uint64_t end = (l->index + 1) * mb->block_size - 1;
	struct libscols_line *ln = scols_table_new_line(tb, NULL);
	size_t i;

	if (!ln) {
		nz_errx("failed to allocate output line");
		return -1;
	}
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
	static const struct option longopts[] = {
		NZ_OUT_LONGOPTS,
		{ "split", no_argument, NULL, NZ_OPT_SPLIT },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct nz_out out = { 0 };
	struct nz_memblocks mb;
	struct libscols_table *tb;
	uint64_t online = 0, offline = 0;
	bool split = false;
	int rc = NZ_EXIT_FAILURE;
	size_t i;

	rc = nz_out_parse(&out, argc, argv, NZ_OUT_SHORTOPTS "h", longopts,
			  usage, NZ_OPT_SPLIT, &split, coldescs,
			  ARRAY_SIZE(coldescs), defcols);
	if (rc >= 0)
		return rc;
	rc = NZ_EXIT_FAILURE;
	if (nz_memblocks_read(&mb) < 0)
		return NZ_EXIT_FAILURE;

	tb = nz_out_table(&out, "memory", coldescs);
	if (!tb)
		goto out;
	for (i = 0; i < mb.n;) {
		struct range r = { i, i };

		while (!split && r.last + 1 < mb.n &&
		       same_range(&mb.blk[r.last], &mb.blk[r.last + 1]))
			r.last++;
		if (add_range(tb, &out, &mb, &r) < 0)
			goto out_tb;
		i = r.last + 1;
	}
	for (i = 0; i < mb.n; i++) {
		if (!strcmp(mb.blk[i].state, "online"))
			online += mb.block_size;
		else
			offline += mb.block_size;
	}
	if (nz_out_print(tb) < 0)
		goto out_tb;

	if (!out.json && !out.raw) {
		char *bs = nz_out_size(&out, mb.block_size);
		char *on = nz_out_size(&out, online);
		char *off = nz_out_size(&out, offline);

		printf("\nMemory block size:    %s\n"
		       "Total online memory:  %s\n"
		       "Total offline memory: %s\n",
		       bs, on, off);
		free(bs);
		free(on);
		free(off);
	}
	if (mb.failed && !mb.n) {
		nz_errx("no memory block could be read");
	} else if (mb.failed) {
		nz_warnx("%d memory block(s) could not be read", mb.failed);
		rc = NZ_EXIT_PARTIAL;
	} else {
		rc = NZ_EXIT_OK;
	}
out_tb:
	scols_unref_table(tb);
out:
	nz_memblocks_free(&mb);
	return rc;
}
