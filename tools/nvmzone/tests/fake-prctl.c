// SPDX-License-Identifier: GPL-2.0
/*
 * fake-prctl.so - the ZONE_NVM placement prctls of the nvmzone kernel, for
 * the unit tests of "nvmzone run" on any host kernel (LD_PRELOAD).
 *
 *   NZ_FAKE_PLACEMENT     the mode PR_GET_NVM_PLACEMENT returns (default 0);
 *                         a PR_SET_NVM_PLACEMENT that succeeds sets it, so
 *                         that the program executed next inherits the mode,
 *                         as it does from the kernel
 *   NZ_FAKE_SET_ERRNO     PR_SET_NVM_PLACEMENT fails with this errno
 *   NZ_FAKE_STRICT_ERRNO  the same, for PR_NVM_PLACEMENT_STRICT only (first)
 *   NZ_FAKE_GET_ERRNO     PR_GET_NVM_PLACEMENT fails with this errno
 *   NZ_FAKE_PRCTL_LOG     a file: "SET|GET ARG2 ARG3 ARG4 ARG5" is appended
 *                         to it for each call
 *
 * An errno is a number, EPERM, ENOMEM, EINVAL or EBUSY.  As in the kernel,
 * a mode above PR_NVM_PLACEMENT_STRICT and nonzero unused arguments are
 * EINVAL, before anything else.  The other prctls go to the kernel.  Built
 * without sanitizers: COMMAND inherits LD_PRELOAD.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define PR_SET_NVM_PLACEMENT 0x4e564d01
#define PR_GET_NVM_PLACEMENT 0x4e564d02
#define PR_NVM_PLACEMENT_STRICT 2

/* The errno that the variable @name asks for, 0 for none */
static int fake_errno(const char *name)
{
	static const struct {
		const char *name;
		int val;
	} names[] = {
		{ "EPERM", EPERM },
		{ "ENOMEM", ENOMEM },
		{ "EINVAL", EINVAL },
		{ "EBUSY", EBUSY },
	};
	const char *v = getenv(name);
	size_t i;

	if (!v || !*v)
		return 0;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(v, names[i].name))
			return names[i].val;
	return atoi(v);
}

static void log_call(const char *what, unsigned long a2, unsigned long a3,
		     unsigned long a4, unsigned long a5)
{
	const char *path = getenv("NZ_FAKE_PRCTL_LOG");
	int fd;

	if (!path || !*path)
		return;
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return;
	dprintf(fd, "%s %lu %lu %lu %lu\n", what, a2, a3, a4, a5);
	close(fd);
}

static int fail(int err)
{
	errno = err;
	return -1;
}

int prctl(int option, ...)
{
	unsigned long a2, a3, a4, a5;
	const char *mode;
	char buf[32];
	va_list ap;
	int err;

	/* as glibc: all four, whatever the caller passed */
	va_start(ap, option);
	a2 = va_arg(ap, unsigned long);
	a3 = va_arg(ap, unsigned long);
	a4 = va_arg(ap, unsigned long);
	a5 = va_arg(ap, unsigned long);
	va_end(ap);

	switch (option) {
	case PR_SET_NVM_PLACEMENT:
		log_call("SET", a2, a3, a4, a5);
		if (a2 > PR_NVM_PLACEMENT_STRICT || a3 || a4 || a5)
			return fail(EINVAL);
		err = a2 == PR_NVM_PLACEMENT_STRICT ?
			      fake_errno("NZ_FAKE_STRICT_ERRNO") :
			      0;
		if (!err)
			err = fake_errno("NZ_FAKE_SET_ERRNO");
		if (err)
			return fail(err);
		snprintf(buf, sizeof(buf), "%lu", a2);
		if (setenv("NZ_FAKE_PLACEMENT", buf, 1))
			return -1;
		return 0;
	case PR_GET_NVM_PLACEMENT:
		log_call("GET", a2, a3, a4, a5);
		if (a2 || a3 || a4 || a5)
			return fail(EINVAL);
		err = fake_errno("NZ_FAKE_GET_ERRNO");
		if (err)
			return fail(err);
		mode = getenv("NZ_FAKE_PLACEMENT");
		return mode ? atoi(mode) : 0;
	default:
		return syscall(SYS_prctl, option, a2, a3, a4, a5);
	}
}
