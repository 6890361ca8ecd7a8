// SPDX-License-Identifier: GPL-2.0
/*
 * nvmzone - columns, -o/--output and libsmartcols tables (as lsmem does);
 * JSON as daxctl prints it.
 *
 * libsmartcols prints the tables and their raw form.  Its JSON is lsmem's
 * (sizes as strings, always an object around the array), so the JSON is
 * written here from the same table: json-c's pretty format, as daxctl and
 * ndctl print it, with sizes as numbers of bytes.
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nvmzone.h"

/* Whether column name @name (@len characters) is @want: any case, '-' = '_' */
static bool colname_is(const char *want, const char *name, size_t len)
{
	size_t i;

	if (!want || strlen(want) != len)
		return false;
	for (i = 0; i < len; i++) {
		int a = want[i] == '-' ? '_' : tolower((unsigned char)want[i]);
		int b = name[i] == '-' ? '_' : tolower((unsigned char)name[i]);

		if (a != b)
			return false;
	}
	return true;
}

static int column_by_name(const struct nz_coldesc *desc, size_t ndesc,
			  const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < ndesc; i++)
		if (colname_is(desc[i].name, name, len) ||
		    colname_is(desc[i].alias, name, len))
			return (int)i;
	return -1;
}

int nz_out_columns(struct nz_out *o, const struct nz_coldesc *desc,
		   size_t ndesc, const int *defcols)
{
	const char *p = o->columns;
	size_t i;

	o->desc = desc;
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

void nz_out_help(FILE *f, const struct nz_coldesc *desc, size_t ndesc)
{
	size_t i;

	fputs("\nAvailable output columns (JSON keys in lower case):\n", f);
	for (i = 0; i < ndesc; i++) {
		fprintf(f, " %16s  %s", desc[i].name, desc[i].help);
		if (desc[i].alias)
			fprintf(f, " (also %s)", desc[i].alias);
		fputc('\n', f);
	}
}

struct libscols_table *nz_out_table(const struct nz_out *o)
{
	struct libscols_table *tb;
	size_t i;

	tb = scols_new_table();
	if (!tb) {
		nz_errx("failed to allocate output table");
		return NULL;
	}
	scols_table_enable_raw(tb, o->raw);
	scols_table_enable_noheadings(tb, o->noheadings);

	for (i = 0; i < o->ncols; i++) {
		const struct nz_coldesc *d = &o->desc[o->cols[i]];

		if (!scols_table_new_column(tb, d->name, d->whint, d->flags)) {
			nz_errx("failed to allocate output column");
			scols_unref_table(tb);
			return NULL;
		}
	}
	return tb;
}

struct libscols_line *nz_out_line(struct libscols_table *tb)
{
	struct libscols_line *ln = scols_table_new_line(tb, NULL);

	if (!ln)
		nz_errx("failed to allocate output line");
	return ln;
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
	/* JSON has numbers, as daxctl prints them */
	if (o->bytes || o->json)
		return nz_xasprintf("%" PRIu64, bytes);
	return nz_size_human(bytes);
}

char *nz_out_bool(const struct nz_out *o, bool val)
{
	if (o->json)
		return nz_xstrdup(val ? "true" : "false");
	return nz_xstrdup(val ? "yes" : "no");
}

/* ---- JSON ---- */

void nz_json_init(struct nz_json *j, FILE *f)
{
	memset(j, 0, sizeof(*j));
	j->f = f;
	j->first[0] = true;
}

/* Start a member (@key) or an element (@key NULL) at the current depth */
static void json_member(struct nz_json *j, const char *key)
{
	const char *p;

	if (j->depth > 0) {
		fputs(j->first[j->depth] ? "\n" : ",\n", j->f);
		fprintf(j->f, "%*s", 2 * j->depth, "");
	}
	j->first[j->depth] = false;
	if (!key)
		return;
	fputc('"', j->f);
	/* keys are lower-case column names: "-" becomes "_" */
	for (p = key; *p; p++) {
		if (*p == '-')
			fputc('_', j->f);
		else
			fputc(tolower((unsigned char)*p), j->f);
	}
	fputs("\":", j->f);
}

void nz_json_open(struct nz_json *j, const char *key, char brace)
{
	json_member(j, key);
	fputc(brace, j->f);
	if (j->depth + 1 < (int)ARRAY_SIZE(j->first))
		j->depth++;
	j->first[j->depth] = true;
}

void nz_json_close(struct nz_json *j, char brace)
{
	bool empty = j->first[j->depth];

	j->depth--;
	if (!empty)
		fprintf(j->f, "\n%*s", 2 * j->depth, "");
	fputc(brace == '{' ? '}' : ']', j->f);
	if (!j->depth)
		fputc('\n', j->f);
}

void nz_json_str(struct nz_json *j, const char *key, const char *val)
{
	const unsigned char *p;

	json_member(j, key);
	if (!val) {
		fputs("null", j->f);
		return;
	}
	fputc('"', j->f);
	for (p = (const unsigned char *)val; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(j->f, "\\%c", *p);
		else if (*p < 0x20)
			fprintf(j->f, "\\u%04x", *p);
		else
			fputc(*p, j->f);
	}
	fputc('"', j->f);
}

/* A number or a boolean: the cell as it is */
static void json_raw(struct nz_json *j, const char *key, const char *val)
{
	json_member(j, key);
	fputs(val ? val : "null", j->f);
}

void nz_json_u64(struct nz_json *j, const char *key, uint64_t val)
{
	json_member(j, key);
	fprintf(j->f, "%" PRIu64, val);
}

void nz_json_s64(struct nz_json *j, const char *key, int64_t val)
{
	json_member(j, key);
	fprintf(j->f, "%" PRId64, val);
}

int nz_out_json_rows(struct nz_json *j, const struct nz_out *o,
		     struct libscols_table *tb, const char *key)
{
	struct libscols_iter *itr = scols_new_iter(SCOLS_ITER_FORWARD);
	struct libscols_line *ln;
	size_t i;

	if (!itr) {
		nz_errx("failed to allocate output iterator");
		return -1;
	}
	nz_json_open(j, key, '[');
	while (scols_table_next_line(tb, itr, &ln) == 0) {
		nz_json_open(j, NULL, '{');
		for (i = 0; i < o->ncols; i++) {
			const struct nz_coldesc *d = &o->desc[o->cols[i]];
			const char *v =
				scols_cell_get_data(scols_line_get_cell(ln, i));

			if (d->kind == NZ_COL_STR)
				nz_json_str(j, d->name, v);
			else
				json_raw(j, d->name, v);
		}
		nz_json_close(j, '{');
	}
	nz_json_close(j, '[');
	scols_free_iter(itr);
	return 0;
}

int nz_out_print(const struct nz_out *o, struct libscols_table *tb,
		 const char *name)
{
	struct nz_json j;
	int rc;

	if (o->json) {
		nz_json_init(&j, stdout);
		if (!name)
			return nz_out_json_rows(&j, o, tb, NULL);
		nz_json_open(&j, NULL, '{');
		rc = nz_out_json_rows(&j, o, tb, name);
		nz_json_close(&j, '{');
		return rc;
	}
	if (scols_print_table(tb)) {
		nz_errx("failed to print the table");
		return -1;
	}
	return 0;
}
