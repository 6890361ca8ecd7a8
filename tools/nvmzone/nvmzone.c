// SPDX-License-Identifier: GPL-2.0
/*
 * nvmzone - look at and tune the memory zones of the nvmzone kernel:
 * ZONE_NVM, the DRAM zones, memory blocks and dax devices.
 *
 * Structure after ndctl's daxctl (a table of subcommands), output after
 * util-linux lsmem (libsmartcols columns).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nvmzone.h"

struct nz_cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
	const char *later; /* not implemented yet: the work that adds it */
};

static int cmd_help(int argc, char **argv);

static const struct nz_cmd commands[] = {
	{ "status", cmd_status, "zones per node, NVMTotal/NVMFree (default)",
	  NULL },
	{ "blocks", cmd_blocks, "memory blocks, their state, node and zone",
	  NULL },
	{ "devices", cmd_devices, "dax devices, their mode and memory", NULL },
	{ "online", cmd_online,
	  "online memory blocks into a zone (ZONE_NVM too)", NULL },
	{ "offline", cmd_offline, "offline memory blocks", NULL },
	{ "hotadd", cmd_hotadd, "bind a dax device to kmem, online its memory",
	  NULL },
	{ "hotremove", cmd_hotremove,
	  "offline a dax device's memory, return it to devdax", NULL },
	{ "get", cmd_get, "print vm.* sysctls and nvm/* knobs", NULL },
	{ "set", cmd_set, "write a vm.* sysctl or nvm/* knob", NULL },
	{ "help", cmd_help, "show this help, or a command's", NULL },
	{ "mirror", cmd_mirror, "list mirrored memory ranges, add one", NULL },
	{ "watch", cmd_watch, "follow the ZONE_NVM counters over time", NULL },
	{ "run", cmd_run, "run a program with its memory in ZONE_NVM", NULL },
};

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "Usage: nvmzone [--sysroot DIR] [COMMAND] [options]\n\n"
		   "Look at and tune ZONE_NVM and the other memory zones.\n\n"
		   "Commands:\n");
	for (i = 0; i < ARRAY_SIZE(commands); i++)
		fprintf(f, "  %-10s %s%s\n", commands[i].name,
			commands[i].summary,
			commands[i].fn ? "" : " (not implemented yet)");
	fprintf(f,
		"\nGlobal options:\n"
		"     --sysroot <dir>    use the /sys and /proc of <dir> (also after COMMAND)\n"
		" -h, --help             display this help\n"
		" -V, --version          display the version\n\n"
		"Without a COMMAND, or with only options, 'status' runs.\n"
		"'nvmzone COMMAND --help' describes a command's options and columns.\n\n"
		"Exit status: 0 success, 1 failure, 64 partial success.\n");
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
	snprintf(progbuf, sizeof(progbuf), "nvmzone %s", cmd->name);
	nz_cmd_prog = progbuf;
	if (!cmd->fn) {
		nz_errx("%s: not implemented yet; it comes with %s", cmd->name,
			cmd->later);
		return NZ_EXIT_FAILURE;
	}
	/* getopt messages name "nvmzone <command>" */
	argv[0] = progbuf;
	optind = 1;
	return cmd->fn(argc, argv);
}

static int cmd_help(int argc, char **argv)
{
	const struct nz_cmd *cmd;
	char *hargv[] = { NULL, "--help", NULL };

	if (argc < 2) {
		usage(stdout);
		return NZ_EXIT_OK;
	}
	if (argc > 2) {
		nz_errx("expected at most one command");
		return NZ_EXIT_FAILURE;
	}
	cmd = find_cmd(argv[1]);
	if (!cmd) {
		nz_errx("unknown command: %s", argv[1]);
		return NZ_EXIT_FAILURE;
	}
	if (!cmd->fn || cmd->fn == cmd_help) {
		usage(stdout);
		return NZ_EXIT_OK;
	}
	hargv[0] = progbuf;
	return run_cmd(cmd, 2, hargv);
}

int main(int argc, char **argv)
{
	static char *default_argv[] = { "status", NULL };
	const struct nz_cmd *cmd;
	int i = 1;

	/* Global options, up to the command (or the first other option) */
	while (i < argc && argv[i][0] == '-') {
		const char *a = argv[i];

		if (!strcmp(a, "--sysroot") || !strncmp(a, "--sysroot=", 10)) {
			const char *dir = a[9] == '=' ? a + 10 : argv[i + 1];

			if (!dir) {
				nz_errx("option '--sysroot' requires an argument");
				return NZ_EXIT_FAILURE;
			}
			if (nz_set_sysroot(dir) < 0)
				return NZ_EXIT_FAILURE;
			i += a[9] == '=' ? 1 : 2;
		} else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage(stdout);
			return NZ_EXIT_OK;
		} else if (!strcmp(a, "-V") || !strcmp(a, "--version")) {
			printf("nvmzone %s\n", NVMZONE_VERSION);
			return NZ_EXIT_OK;
		} else if (!strcmp(a, "--")) {
			i++;
			break;
		} else {
			break; /* an option of the default command */
		}
	}

	if (i >= argc)
		return run_cmd(find_cmd("status"), 1, default_argv);
	if (argv[i][0] == '-') {
		/* "nvmzone -J": options of status; argv[i - 1] becomes its argv[0] */
		return run_cmd(find_cmd("status"), argc - i + 1, argv + i - 1);
	}
	cmd = find_cmd(argv[i]);
	if (!cmd) {
		nz_errx("unknown command: %s", argv[i]);
		fprintf(stderr, "Try 'nvmzone --help'.\n");
		return NZ_EXIT_FAILURE;
	}
	return run_cmd(cmd, argc - i, argv + i);
}
