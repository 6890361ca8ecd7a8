// SPDX-License-Identifier: GPL-2.0
/*
 * nvmzone run - run a program with its anonymous memory placed in ZONE_NVM.
 *
 * After numactl(8) and env(1): set the placement of this process with
 * prctl(PR_SET_NVM_PLACEMENT), preferred (ZONE_NVM first, then DRAM) or
 * strict (ZONE_NVM only, SIGBUS when it is full), then execvp() the
 * program, which inherits it (as do its children).  No fork: the program
 * keeps nvmzone's pid, its signals and its exit status.  The placement is a
 * property of the running kernel and of this process (its mm), so
 * --sysroot does not apply.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "nvmzone.h"

/* include/uapi/linux/prctl.h of the nvmzone kernel */
#ifndef PR_SET_NVM_PLACEMENT
#define PR_SET_NVM_PLACEMENT 0x4e564d01
#define PR_GET_NVM_PLACEMENT 0x4e564d02
#endif
#ifndef PR_NVM_PLACEMENT_OFF
#define PR_NVM_PLACEMENT_OFF 0
#define PR_NVM_PLACEMENT_PREFERRED 1
#endif
#ifndef PR_NVM_PLACEMENT_STRICT
#define PR_NVM_PLACEMENT_STRICT 2
#endif

/* What PR_GET_NVM_PLACEMENT returns, by value (NvmPlacement: in status) */
static const char *const mode_names[] = {
	[PR_NVM_PLACEMENT_OFF] = "off",
	[PR_NVM_PLACEMENT_PREFERRED] = "preferred",
	[PR_NVM_PLACEMENT_STRICT] = "strict",
};

static const struct nz_cmdopt opts[] = {
	{ NZ_O_PREFERRED, "ZONE_NVM first, then DRAM (the default)" },
	{ NZ_O_STRICT, "ZONE_NVM only: a page fault that finds it full\n"
		       "gets SIGBUS" },
	{ NZ_O_SHOW, "print the placement nvmzone inherited (off,\n"
		     "preferred or strict) and exit" },
	{ NZ_O_SYSROOT, "" }, /* refused, with a reason */
	{ NZ_O_HELP, NULL },
	{ -1, NULL },
};

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: nvmzone run [--preferred | --strict] -- COMMAND [ARG...]\n"
		"       nvmzone run --show\n\n"
		"Run COMMAND with its anonymous memory in ZONE_NVM: set the placement of\n"
		"this process with prctl(PR_SET_NVM_PLACEMENT), then execute COMMAND\n"
		"(searched in PATH), which inherits it, as do its children.  Options\n"
		"end at COMMAND: those after it are COMMAND's.\n\n"
		"Options:\n");
	nz_opts_help(f, opts);
	fputs("\nSetting a placement needs CAP_SYS_ADMIN, or vm.nvm_placement_unprivileged\n"
	      "set to 1; --strict also needs memory in ZONE_NVM.  --sysroot is refused:\n"
	      "the placement belongs to the running kernel, not to a tree.\n\n"
	      "Exit status: COMMAND's; 1 when the placement cannot be set (or shown)\n"
	      "or on invalid usage, 126 when COMMAND cannot be executed, 127 when it\n"
	      "is not found.\n",
	      f);
}

/* "nvmzone run: ...": the messages of a wrapper name it, as env(1)'s do */
static void run_errx(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
static void run_errx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	nz_vmsg(nz_cmd_prog, "", fmt, ap);
	va_end(ap);
}

/*
 * Whether the kernel knows PR_GET_NVM_PLACEMENT: after an EINVAL from
 * PR_SET_NVM_PLACEMENT, it tells a kernel older than strict placement from
 * one without any placement.  prctl() is variadic and the kernel checks all
 * of its unsigned long arguments: pass them as unsigned long, not as int
 * (see prctl(2)).
 */
static bool have_placement(void)
{
	return prctl(PR_GET_NVM_PLACEMENT, 0UL, 0UL, 0UL, 0UL) >= 0;
}

/*
 * The reason a placement prctl failed; the call is named by @what, @mode is
 * the mode PR_SET_NVM_PLACEMENT was given (-1: PR_GET_NVM_PLACEMENT).
 */
static void placement_err(const char *what, long mode, int errnum)
{
	const char *reason = strerror(errnum);
	bool strict = mode == PR_NVM_PLACEMENT_STRICT;

	/* our arguments are valid: EINVAL is an unknown mode or option */
	if (errnum == EINVAL && strict && have_placement())
		run_errx(
			"--strict: this kernel has no strict placement, only --preferred (%s: %s)",
			what, reason);
	else if (errnum == EINVAL)
		run_errx("this kernel has no ZONE_NVM placement (%s: %s)", what,
			 reason);
	else if (errnum == ENOMEM && strict)
		run_errx(
			"--strict: no ZONE_NVM memory for strict placement (%s: %s)",
			what, reason);
	else if (errnum == EPERM)
		run_errx(
			"%s: %s (needs CAP_SYS_ADMIN, or vm.nvm_placement_unprivileged=1)",
			what, reason);
	else
		run_errx("%s: %s", what, reason);
}

static int show_placement(void)
{
	int mode = prctl(PR_GET_NVM_PLACEMENT, 0UL, 0UL, 0UL, 0UL);

	if (mode < 0) {
		placement_err("PR_GET_NVM_PLACEMENT", -1, errno);
		return NZ_EXIT_FAILURE;
	}
	if ((size_t)mode < ARRAY_SIZE(mode_names) && mode_names[mode])
		printf("%s\n", mode_names[mode]);
	else
		printf("unknown (%d)\n", mode);
	return NZ_EXIT_OK;
}

/* PR_NVM_PLACEMENT_PREFERRED or _STRICT.  0 or -1 (error printed). */
static int set_placement(unsigned long mode)
{
	if (prctl(PR_SET_NVM_PLACEMENT, mode, 0UL, 0UL, 0UL) < 0) {
		placement_err("PR_SET_NVM_PLACEMENT", (long)mode, errno);
		return -1;
	}
	return 0;
}

/* Only returns on failure: 127 when @argv[0] is not found, else 126 */
static int exec_command(char **argv)
{
	int err;

	execvp(argv[0], argv);
	err = errno;
	run_errx("%s: %s", argv[0], strerror(err));
	return err == ENOENT ? NZ_EXIT_ENOENT : NZ_EXIT_CANNOT_INVOKE;
}

int cmd_run(int argc, char **argv)
{
	unsigned long mode = PR_NVM_PLACEMENT_PREFERRED;
	struct nz_opts o;
	int rc;

	/* options end at COMMAND, its options are its own */
	rc = nz_opts_parse(&o, argc, argv, opts, NZ_OPTS_STOP, usage);
	if (rc >= 0)
		return rc;
	if (o.placement == NZ_O_STRICT)
		mode = PR_NVM_PLACEMENT_STRICT;
	/* before or after "run" ("--sysroot /" before it is no sysroot) */
	if (o.given[NZ_O_SYSROOT] || nz_sysroot()[0]) {
		run_errx(
			"--sysroot does not apply: the placement is set in the running kernel");
		return NZ_EXIT_FAILURE;
	}
	if (o.given[NZ_O_SHOW]) {
		if (o.placement >= 0 || o.argc) {
			nz_usage_errx(
				"--show takes no other option and no command");
			return NZ_EXIT_FAILURE;
		}
		return show_placement();
	}
	if (!o.argc) {
		nz_usage_errx("no command given");
		return NZ_EXIT_FAILURE;
	}
	/* before COMMAND is looked for: a failure never runs it */
	if (set_placement(mode) < 0)
		return NZ_EXIT_FAILURE;
	return exec_command(o.argv);
}
