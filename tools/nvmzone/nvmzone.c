// SPDX-License-Identifier: GPL-2.0
/*
 * nvmzone - look at and tune the memory zones of the nvmzone kernel:
 * ZONE_NVM, the DRAM zones, memory blocks and dax devices.
 *
 * Structure after ndctl's daxctl (a table of subcommands), output after
 * util-linux lsmem (libsmartcols columns).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nvmzone.h"

struct nz_cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
};

static int cmd_help(int argc, char **argv);

static const struct nz_cmd commands[] = {
	{ "status", cmd_status, "zones per node, NVMTotal/NVMFree (default)" },
	{ "blocks", cmd_blocks, "memory blocks, their state, node and zone" },
	{ "devices", cmd_devices, "dax devices, their mode and memory" },
	{ "online", cmd_online,
	  "online memory blocks into a zone (ZONE_NVM too)" },
	{ "offline", cmd_offline, "offline memory blocks" },
	{ "hotadd", cmd_hotadd,
	  "bind a dax device to kmem, online its memory" },
	{ "hotremove", cmd_hotremove,
	  "offline a dax device's memory, return it to devdax" },
	{ "get", cmd_get, "print vm.* sysctls and nvm/* knobs" },
	{ "set", cmd_set, "write vm.* sysctls or nvm/* knobs" },
	{ "help", cmd_help, "show this help, or a command's" },
	{ "mirror", cmd_mirror, "list mirrored memory ranges, add one" },
	{ "watch", cmd_watch, "follow the ZONE_NVM counters over time" },
	{ "run", cmd_run, "run a program with its memory in ZONE_NVM" },
};

/* What may come before the command: it is passed on to the command */
static const struct nz_cmdopt global_opts[] = {
	NZ_CMDOPT_OUTPUT,
	{ NZ_O_ALL, "" },
	{ NZ_O_VERSION, NULL },
	NZ_CMDOPT_END,
};

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "Usage: nvmzone [options] [COMMAND] [options]\n\n"
		   "Look at and tune ZONE_NVM and the other memory zones.\n\n"
		   "Commands:\n");
	for (i = 0; i < ARRAY_SIZE(commands); i++)
		fprintf(f, "  %-10s %s\n", commands[i].name,
			commands[i].summary);
	fputs("\nGlobal options:\n", f);
	nz_opts_help(f, (const struct nz_cmdopt[]){ { NZ_O_SYSROOT, NULL },
						    { NZ_O_HELP, NULL },
						    { NZ_O_VERSION, NULL },
						    { -1, NULL } });
	fputs("\n--sysroot and -h may come after COMMAND too, and the options of COMMAND\n"
	      "-o, -J, -r, -n, -b and -a before it: 'nvmzone -J status' is\n"
	      "'nvmzone status -J'.  Before COMMAND, -b is --bytes only, and a\n"
	      "COMMAND without --bytes refuses it: 'nvmzone -b offline' is not\n"
	      "'nvmzone offline --blocks'.\n"
	      "Without a COMMAND, or with only options, 'status' runs.\n"
	      "'nvmzone COMMAND --help' describes a command's options and columns.\n\n"
	      "Exit status: 0 success, 1 failure, 64 partial success.\n",
	      f);
}

static const struct nz_cmd *find_cmd(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(commands); i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

static char progbuf[64];

static int run_cmd(const struct nz_cmd *cmd, int argc, char **argv)
{
	/* messages about options and operands name "nvmzone <command>" */
	snprintf(progbuf, sizeof(progbuf), "nvmzone %s", cmd->name);
	nz_cmd_prog = progbuf;
	return cmd->fn(argc, argv);
}

static int cmd_help(int argc, char **argv)
{
	static const struct nz_cmdopt help_opts[] = { { NZ_O_HELP, NULL },
						      { -1, NULL } };
	const struct nz_cmd *cmd;
	char *hargv[] = { NULL, "--help", NULL };
	struct nz_opts o;
	int rc;

	rc = nz_opts_parse(&o, argc, argv, help_opts, 0, usage);
	if (rc >= 0)
		return rc;
	if (o.argc > 1) {
		nz_usage_errx("expected at most one command");
		return NZ_EXIT_FAILURE;
	}
	if (!o.argc || !strcmp(o.argv[0], "help")) {
		usage(stdout);
		return NZ_EXIT_OK;
	}
	cmd = find_cmd(o.argv[0]);
	if (!cmd) {
		nz_usage_errx("unknown command: %s", o.argv[0]);
		return NZ_EXIT_FAILURE;
	}
	hargv[0] = o.argv[0];
	return run_cmd(cmd, 2, hargv);
}

/*
 * At exit, as util-linux's close_stdout(): what could not be written to
 * stdout (a full disk, /dev/full) is a failure, not a silent success.
 */
static void close_stdout(void)
{
	bool prev_err = ferror(stdout);
	int err = 0;

	errno = 0;
	if (fflush(stdout) != 0 || prev_err)
		err = errno ? errno : EIO;
	if (fclose(stdout) != 0 && !err)
		err = errno ? errno : EIO;
	if (!err || err == EPIPE)
		return;
	nz_errx("write error: %s", strerror(err));
	_exit(NZ_EXIT_FAILURE);
}

int main(int argc, char **argv)
{
	const struct nz_cmd *cmd = find_cmd("status");
	struct nz_opts o;
	char **cargv;
	int rest, cargc = 0, i, rc;

	atexit(close_stdout);

	/* The options before COMMAND: -h and -V here, the rest passed on */
	rc = nz_opts_parse(&o, argc, argv, global_opts, NZ_OPTS_STOP, usage);
	if (rc >= 0)
		return rc;
	if (o.given[NZ_O_VERSION]) {
		printf("nvmzone %s\n", NVMZONE_VERSION);
		return NZ_EXIT_OK;
	}
	rest = o.argc;
	if (o.argc > 0) {
		cmd = find_cmd(o.argv[0]);
		if (!cmd) {
			nz_usage_errx("unknown command: %s", o.argv[0]);
			return NZ_EXIT_FAILURE;
		}
		rest--;
	}
	/* COMMAND, the options before it, then what follows it */
	cargv = calloc(NZ_NOPTS + 1 + rest + 2, sizeof(*cargv));
	if (!cargv) {
		nz_errx("out of memory");
		return NZ_EXIT_FAILURE;
	}
	cargv[cargc++] = (char *)cmd->name;
	/*
	 * The options before COMMAND, by their long names: a letter may mean
	 * something else to COMMAND (-b is --blocks to online), a long name
	 * it does not take is refused.  -n alone is passed as the letter:
	 * --noheadings, or get's --values.  --sysroot is set already.
	 */
	if (o.given[NZ_O_OUTPUT]) {
		cargv[cargc++] = "--output";
		cargv[cargc++] = (char *)o.out.columns;
	}
	if (o.given[NZ_O_JSON])
		cargv[cargc++] = "--json";
	if (o.given[NZ_O_RAW])
		cargv[cargc++] = "--raw";
	/* -n is --values to get, as documented: the letter */
	if (o.given[NZ_O_NOHEADINGS])
		cargv[cargc++] = "-n";
	if (o.given[NZ_O_BYTES])
		cargv[cargc++] = "--bytes";
	if (o.given[NZ_O_ALL])
		cargv[cargc++] = "--all";
	for (i = o.argc - rest; i < o.argc; i++)
		cargv[cargc++] = o.argv[i];
	rc = run_cmd(cmd, cargc, cargv);
	free(cargv);
	return rc;
}
