// SPDX-License-Identifier: GPL-2.0
/*
 * nvmzone - the options of every command, in one table, and the one
 * getopt_long() loop that parses them.
 *
 * A letter means what it means in the neighbour the command follows: -b is
 * lsmem's --bytes in the listings and chmem's --blocks in online/offline,
 * -n lsmem's --noheadings in the listings and sysctl's --values in get,
 * -a lsmem's --all, -f and -N daxctl's --force and --no-online.  A command
 * takes a list of the options it knows, with its own help text for each
 * where the usual one does not fit.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nvmzone.h"

#define LONG_ONLY 0x100 /* getopt_long() value of an option without a letter */
#define HELP_COLUMN 24 /* where the text of an option's --help line starts */

struct optdef {
	char letter; /* 0: long only */
	const char *name;
	const char *arg; /* NULL: takes no argument */
	const char *help; /* the usual text */
};

static const struct optdef optdefs[NZ_NOPTS] = {
	[NZ_O_OUTPUT] = { 'o', "output", "<list>",
			  "output columns (comma list; +list adds to the default)" },
	[NZ_O_JSON] = { 'J', "json", NULL, "use JSON output format" },
	[NZ_O_RAW] = { 'r', "raw", NULL, "use raw output format" },
	[NZ_O_NOHEADINGS] = { 'n', "noheadings", NULL, "don't print headings" },
	[NZ_O_BYTES] = { 'b', "bytes", NULL,
			 "print sizes in bytes rather than in human readable format" },
	[NZ_O_ALL] = { 'a', "all", NULL, "show all" },
	[NZ_O_SPLIT] = { 'S', "split", "<list>",
			 "split ranges by the columns STATE, REMOVABLE, NODE,\n"
			 "ZONES, or none (default: all four)" },
	[NZ_O_IDLE] = { 'i', "idle", NULL, "same as --all (daxctl list -i)" },
	[NZ_O_VALUES] = { 'n', "values", NULL, "print only the values" },
	[NZ_O_BLOCKS] = { 'b', "blocks", "<list>",
			  "block numbers: N or N-M, comma-separated" },
	[NZ_O_ZONE] = { 'z', "zone", "<zone>", "nvm, movable or normal" },
	[NZ_O_NO_ONLINE] = { 'N', "no-online", NULL,
			     "leave the memory blocks offline" },
	[NZ_O_FORCE] = { 'f', "force", NULL, "go on despite a hazard" },
	[NZ_O_CHECK] = { 0, "check", NULL, "change nothing" },
	[NZ_O_PREFERRED] = { 0, "preferred", NULL, "ZONE_NVM first" },
	[NZ_O_STRICT] = { 0, "strict", NULL, "ZONE_NVM only" },
	[NZ_O_SHOW] = { 0, "show", NULL, "print the placement" },
	[NZ_O_SYSROOT] = { 0, "sysroot", "<dir>",
			   "use the /sys and /proc of <dir>" },
	[NZ_O_HELP] = { 'h', "help", NULL, "display this help" },
	[NZ_O_VERSION] = { 'V', "version", NULL, "display the version" },
};

/* Repeated -b lists, joined (reachable until the next one, or exit) */
static char *blocks_joined;

void nz_opts_help(FILE *f, const struct nz_cmdopt *opts)
{
	const struct nz_cmdopt *c;
	char left[64];
	const char *p;
	size_t len;

	for (c = opts; c->id >= 0; c++) {
		const struct optdef *d = &optdefs[c->id];
		const char *help = c->help ? c->help : d->help;

		if (!*help)
			continue;
		snprintf(left, sizeof(left), "%c%c%c --%s%s%s",
			 d->letter ? '-' : ' ', d->letter ? d->letter : ' ',
			 d->letter ? ',' : ' ', d->name, d->arg ? " " : "",
			 d->arg ? d->arg : "");
		fprintf(f, " %-*s ", HELP_COLUMN - 2, left);
		/* a '\n' in the text continues it under the first line */
		for (p = help;; p += len + 1) {
			len = strcspn(p, "\n");
			fprintf(f, "%.*s\n", (int)len, p);
			if (!p[len])
				break;
			fprintf(f, "%*s", HELP_COLUMN, "");
		}
	}
}

/* The option of @opts whose getopt_long() value is @c, or -1 */
static int opt_of(const struct nz_cmdopt *opts, int c)
{
	for (; opts->id >= 0; opts++) {
		const struct optdef *d = &optdefs[opts->id];

		if (c == (d->letter ? d->letter : LONG_ONLY + opts->id))
			return opts->id;
	}
	return -1;
}

/* The one line that says what was wrong with an option */
static void opt_error(const struct nz_cmdopt *opts, int c, char **argv)
{
	/* the element getopt_long() was at: the option, unless in "-xyz" */
	const char *elem = optind > 0 ? argv[optind - 1] : "";
	bool in_long = !strncmp(elem, "--", 2);
	int id = opt_of(opts, optopt);

	if (c == ':' && id >= 0 && (in_long || !optdefs[id].letter))
		nz_usage_errx("option '--%s' requires an argument",
			      optdefs[id].name);
	else if (c == ':')
		nz_usage_errx("option requires an argument -- '%c'", optopt);
	else if (id >= 0)
		/* '?' for an option of ours: "--json=x" */
		nz_usage_errx("option '--%s' doesn't allow an argument",
			      optdefs[id].name);
	else if (optopt > 0 && optopt < LONG_ONLY)
		nz_usage_errx("invalid option -- '%c'", optopt);
	else
		/* an unknown long option: getopt_long() went past it */
		nz_usage_errx("unrecognized option '%s'", elem);
}

int nz_opts_parse(struct nz_opts *o, int argc, char **argv,
		  const struct nz_cmdopt *opts, unsigned int flags,
		  void (*usage)(FILE *f))
{
	struct option longopts[NZ_NOPTS + 1];
	char shortopts[3 * NZ_NOPTS + 3], *s = shortopts;
	size_t n = 0;
	int c, id;

	memset(o, 0, sizeof(*o));
	o->placement = -1;
	if (flags & NZ_OPTS_STOP)
		*s++ = '+';
	*s++ = ':'; /* ':' for a missing argument, '?' for the rest */
	for (; opts[n].id >= 0; n++) {
		const struct optdef *d = &optdefs[opts[n].id];

		longopts[n].name = d->name;
		longopts[n].has_arg = d->arg ? required_argument : no_argument;
		longopts[n].flag = NULL;
		longopts[n].val = d->letter ? d->letter :
					      LONG_ONLY + opts[n].id;
		if (d->letter) {
			*s++ = d->letter;
			if (d->arg)
				*s++ = ':';
		}
	}
	memset(&longopts[n], 0, sizeof(longopts[n]));
	*s = '\0';

	/* 0: start afresh, the flags of the optstring included (glibc) */
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		id = c == '?' || c == ':' ? -1 : opt_of(opts, c);
		if (id < 0) {
			opt_error(opts, c, argv);
			return NZ_EXIT_FAILURE;
		}
		o->given[id] = true;
		switch (id) {
		case NZ_O_OUTPUT:
			o->out.columns = optarg;
			break;
		case NZ_O_JSON:
			o->out.json = true;
			break;
		case NZ_O_RAW:
			o->out.raw = true;
			break;
		case NZ_O_NOHEADINGS:
			o->out.noheadings = true;
			break;
		case NZ_O_BYTES:
			o->out.bytes = true;
			break;
		case NZ_O_SPLIT:
			o->split = optarg;
			break;
		case NZ_O_BLOCKS:
			/* -b may be repeated, as for chmem: the lists add up */
			if (o->blocks) {
				char *all = nz_xasprintf("%s,%s", o->blocks,
							 optarg);

				free(blocks_joined);
				blocks_joined = all;
				optarg = all;
			}
			o->blocks = optarg;
			break;
		case NZ_O_ZONE:
			o->zone = optarg;
			break;
		case NZ_O_PREFERRED:
		case NZ_O_STRICT:
			/* of --preferred and --strict, the last one counts */
			o->placement = id;
			break;
		case NZ_O_SYSROOT:
			if (nz_set_sysroot(optarg) < 0)
				return NZ_EXIT_FAILURE;
			break;
		case NZ_O_HELP:
			usage(stdout);
			return NZ_EXIT_OK;
		}
	}
	o->argc = argc - optind;
	o->argv = argv + optind;
	return -1;
}
