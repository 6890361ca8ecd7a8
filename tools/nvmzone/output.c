// SPDX-License-Identifier: GPL-2.0
/*
 * nvmzone - columns, -o/--output and libsmartcols tables (as lsmem does).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "nvmzone.h"

bool nz_out_option(struct nz_out *o, int c, const char *arg, int *rc)
{
	*rc = 0;
	switch (c) {
	case 'o':
		o->columns = arg;
		return true;
	case 'J':
		o->json = true;
		return true;
	case 'r':
		o->raw = true;
		return true;
	case 'n':
		o->noheadings = true;
		return true;
	case 'b':
		o->bytes = true;
		return true;
	case NZ_OPT_SYSROOT:
		if (nz_set_sysroot(arg) < 0)
			*rc = -1;
		return true;
	}
	return false;
}

static int column_by_name(const struct nz_coldesc *desc, size_t ndesc,
			  const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < ndesc; i++)
		if (strlen(desc[i].name) == len &&
		    !strncasecmp(desc[i].name, name, len))
			return (int)i;
	return -1;
}

int nz_out_columns(struct nz_out *o, const struct nz_coldesc *desc,
		   size_t ndesc, const int *defcols)
{
	const char *p = o->columns;
	size_t i;

	o->ncols = 0;
	if (!p || *p == '+') {
		for (i = 0; defcols[i] >= 0; i++)
			o->cols[o->ncols++] = defcols[i];
		if (p)
			p++;
	}
	if (!p)
		return 0;
	if (!*p) {
		nz_errx("empty column list");
		return -1;
	}
	for (;;) {
		size_t len = strcspn(p, ",");
		int id;

		if (len == 0) {
			nz_errx("empty column name in '%s'", o->columns);
			return -1;
		}
		id = column_by_name(desc, ndesc, p, len);
		if (id < 0) {
			nz_errx("unknown column: %.*s (see '%s --help' for the columns)",
				(int)len, p, nz_cmd_prog);
			return -1;
		}
		if (o->ncols >= NZ_MAX_COLUMNS) {
			nz_errx("too many columns in '%s'", o->columns);
			return -1;
		}
		o->cols[o->ncols++] = id;
		p += len;
		if (!*p)
			break;
		p++;
	}
	return 0;
}

void nz_out_help_options(FILE *f)
{
	fputs(" -o, --output <list>    output columns (comma list; +list adds to the default)\n"
	      " -J, --json             use JSON output format\n"
	      " -r, --raw              use raw output format\n"
	      " -n, --noheadings       don't print headings\n"
	      " -b, --bytes            print sizes in bytes rather than in human readable format\n"
	      "     --sysroot <dir>    use the /sys and /proc of <dir>\n"
	      " -h, --help             display this help\n",
	      f);
}

void nz_out_help(FILE *f, const struct nz_coldesc *desc, size_t ndesc)
{
	size_t i;

	fputs("\nAvailable output columns:\n", f);
	for (i = 0; i < ndesc; i++)
		fprintf(f, " %10s  %s\n", desc[i].name, desc[i].help);
}

struct libscols_table *nz_out_table(const struct nz_out *o, const char *name,
				    const struct nz_coldesc *desc)
{
	struct libscols_table *tb;
	size_t i;

	tb = scols_new_table();
	if (!tb) {
		nz_errx("failed to allocate output table");
		return NULL;
	}
	scols_table_enable_json(tb, o->json);
	scols_table_enable_raw(tb, o->raw);
	scols_table_enable_noheadings(tb, o->noheadings);
	scols_table_set_name(tb, name);

	for (i = 0; i < o->ncols; i++) {
		const struct nz_coldesc *d = &desc[o->cols[i]];
		struct libscols_column *cl;
		int type = SCOLS_JSON_STRING;

		cl = scols_table_new_column(tb, d->name, d->whint, d->flags);
		if (!cl) {
			nz_errx("failed to allocate output column");
			scols_unref_table(tb);
			return NULL;
		}
		switch (d->kind) {
		case NZ_COL_STR:
			break;
		case NZ_COL_SIZE:
			if (o->bytes)
				type = SCOLS_JSON_NUMBER;
			break;
		case NZ_COL_NUM:
			type = SCOLS_JSON_NUMBER;
			break;
		case NZ_COL_BOOL:
			type = SCOLS_JSON_BOOLEAN;
			break;
		}
		scols_column_set_json_type(cl, type);
	}
	return tb;
}

int nz_out_cell(struct libscols_line *ln, size_t i, char *data)
{
	if (!data)
		return 0;
	if (scols_line_refer_data(ln, i, data)) {
		free(data);
		nz_errx("failed to add output data");
		return -1;
	}
	return 0;
}

char *nz_out_size(const struct nz_out *o, uint64_t bytes)
{
	if (o->bytes)
		return nz_xasprintf("%llu", (unsigned long long)bytes);
	return nz_size_human(bytes);
}

char *nz_out_bool(const struct nz_out *o, bool val)
{
	/* libsmartcols reads "0"/"1" for JSON booleans */
	if (o->json)
		return nz_xstrdup(val ? "1" : "0");
	return nz_xstrdup(val ? "yes" : "no");
}

int nz_out_print(struct libscols_table *tb)
{
	int rc = scols_print_table(tb);

	if (rc) {
		nz_errx("failed to print the table");
		return -1;
	}
	return 0;
}

int nz_out_parse(struct nz_out *o, int argc, char **argv, const char *shortopts,
		 const struct option *longopts, void (*usage)(FILE *f),
		 int flag_opt, bool *flag, const struct nz_coldesc *desc,
		 size_t ndesc, const int *defcols)
{
	int c, rc;

	while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		if (nz_out_option(o, c, optarg, &rc)) {
			if (rc < 0)
				return NZ_EXIT_FAILURE;
			continue;
		}
		if (flag_opt && c == flag_opt) {
			*flag = true;
		} else if (c == 'h') {
			usage(stdout);
			return NZ_EXIT_OK;
		} else {
			fprintf(stderr, "Try '%s --help'.\n", nz_cmd_prog);
			return NZ_EXIT_FAILURE;
		}
	}
	if (optind < argc) {
		nz_errx("unexpected argument: %s", argv[optind]);
		return NZ_EXIT_FAILURE;
	}
	if (nz_out_columns(o, desc, ndesc, defcols) < 0)
		return NZ_EXIT_FAILURE;
	return -1;
}
