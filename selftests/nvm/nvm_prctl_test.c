// SPDX-License-Identifier: GPL-2.0
/*
 * PR_SET_NVM_PLACEMENT / PR_GET_NVM_PLACEMENT: defaults, bad arguments,
 * privilege, strict mode, inheritance across fork and exec, and its end at
 * an exec that gains privilege (setuid).  Placement
 * itself (pages in ZONE_NVM) is checked by nvm_placement_test and by the
 * kmem scenario with nvm_hold.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "nvm_util.h"

#ifndef PR_SET_NVM_PLACEMENT
#define PR_SET_NVM_PLACEMENT		0x4e564d01
#define PR_GET_NVM_PLACEMENT		0x4e564d02
#define PR_NVM_PLACEMENT_OFF		0
#define PR_NVM_PLACEMENT_PREFERRED	1
#endif
#ifndef PR_NVM_PLACEMENT_STRICT
#define PR_NVM_PLACEMENT_STRICT		2
#endif

static int get(void)
{
	return prctl(PR_GET_NVM_PLACEMENT, 0, 0, 0, 0);
}

TEST(default_is_off)
{
	ASSERT_EQ(PR_NVM_PLACEMENT_OFF, get());
}

TEST(set_and_reset)
{
	ASSERT_EQ(0, prctl(PR_SET_NVM_PLACEMENT, PR_NVM_PLACEMENT_PREFERRED, 0, 0, 0));
	ASSERT_EQ(PR_NVM_PLACEMENT_PREFERRED, get());
	ASSERT_EQ(0, prctl(PR_SET_NVM_PLACEMENT, PR_NVM_PLACEMENT_OFF, 0, 0, 0));
	ASSERT_EQ(PR_NVM_PLACEMENT_OFF, get());
}

TEST(bad_arguments_einval)
{
	unsigned long bad[] = { 3, 4, 255, 0x4e564d01, -1UL };
	unsigned int i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		errno = 0;
		ASSERT_EQ(-1, prctl(PR_SET_NVM_PLACEMENT, bad[i], 0, 0, 0));
		ASSERT_EQ(EINVAL, errno);
	}
	errno = 0;
	ASSERT_EQ(-1, prctl(PR_SET_NVM_PLACEMENT, PR_NVM_PLACEMENT_PREFERRED, 1, 0, 0));
	ASSERT_EQ(EINVAL, errno);
	errno = 0;
	ASSERT_EQ(-1, prctl(PR_GET_NVM_PLACEMENT, 1, 0, 0, 0));
	ASSERT_EQ(EINVAL, errno);
	/* nothing changed */
	ASSERT_EQ(PR_NVM_PLACEMENT_OFF, get());
}

TEST(unprivileged_eperm)
{
	pid_t pid = fork();
	int status;

	ASSERT_LE(0, pid);
	if (!pid) {
		if (setresgid(65534, 65534, 65534) || setresuid(65534, 65534, 65534))
			_exit(10);
		errno = 0;
		if (prctl(PR_SET_NVM_PLACEMENT, PR_NVM_PLACEMENT_PREFERRED, 0, 0, 0) != -1)
			_exit(11);
		if (errno != EPERM)
			_exit(12);
		errno = 0;
		if (prctl(PR_SET_NVM_PLACEMENT, PR_NVM_PLACEMENT_STRICT, 0, 0, 0) != -1)
			_exit(15);
		if (errno != EPERM)
			_exit(16);
		if (get() != PR_NVM_PLACEMENT_OFF)
			_exit(13);
		/* turning it off needs no privilege */
		if (prctl(PR_SET_NVM_PLACEMENT, PR_NVM_PLACEMENT_OFF, 0, 0, 0))
			_exit(14);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(0, WEXITSTATUS(status));
}

/* Pages ZONE_NVM manages, all nodes, from /proc/zoneinfo */
static long nvm_managed(void)
{
	FILE *f = fopen("/proc/zoneinfo", "r");
	char line[256], zone[32];
	long sum = 0, v;
	int in_nvm = 0, node;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "Node %d, zone %31s", &node, zone) == 2)
			in_nvm = !strcmp(zone, "NVM");
		else if (in_nvm && sscanf(line, " managed %ld", &v) == 1)
			sum += v;
	}
	fclose(f);
	return sum;
}

TEST(strict_mode)
{
	long managed = nvm_managed();
	int ret;

	ASSERT_LE(0, managed);
	errno = 0;
	ret = prctl(PR_SET_NVM_PLACEMENT, PR_NVM_PLACEMENT_STRICT, 0, 0, 0);
	if (!managed) {
		/* no ZONE_NVM memory: strict placement could only fail */
		ASSERT_EQ(-1, ret);
		ASSERT_EQ(ENOMEM, errno);
		ASSERT_EQ(PR_NVM_PLACEMENT_OFF, get());
		return;
	}
	ASSERT_EQ(0, ret);
	ASSERT_EQ(PR_NVM_PLACEMENT_STRICT, get());
	/* from strict to preferred and back to off */
	ASSERT_EQ(0, prctl(PR_SET_NVM_PLACEMENT, PR_NVM_PLACEMENT_PREFERRED, 0, 0, 0));
	ASSERT_EQ(PR_NVM_PLACEMENT_PREFERRED, get());
	ASSERT_EQ(0, prctl(PR_SET_NVM_PLACEMENT, PR_NVM_PLACEMENT_OFF, 0, 0, 0));
	ASSERT_EQ(PR_NVM_PLACEMENT_OFF, get());
}

/* vm.nvm_placement_unprivileged=1: anyone may place */
TEST(sysctl_lets_unprivileged_place)
{
	pid_t pid;
	int status;

	ASSERT_EQ(0, write_str("/proc/sys/vm/nvm_placement_unprivileged", "1\n"));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		if (setresgid(65534, 65534, 65534) || setresuid(65534, 65534, 65534))
			_exit(10);
		if (prctl(PR_SET_NVM_PLACEMENT, PR_NVM_PLACEMENT_PREFERRED, 0, 0, 0))
			_exit(11);
		if (get() != PR_NVM_PLACEMENT_PREFERRED)
			_exit(12);
		/* a user may not change the sysctl itself */
		if (!write_str("/proc/sys/vm/nvm_placement_unprivileged", "0\n"))
			_exit(13);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_EQ(0, write_str("/proc/sys/vm/nvm_placement_unprivileged", "0\n"));
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(0, WEXITSTATUS(status));
}

TEST(inherited_across_fork_and_exec)
{
	pid_t pid;
	int status;

	ASSERT_EQ(0, prctl(PR_SET_NVM_PLACEMENT, PR_NVM_PLACEMENT_PREFERRED, 0, 0, 0));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		if (get() != PR_NVM_PLACEMENT_PREFERRED)
			_exit(20);
		execl("/proc/self/exe", "nvm_prctl_test", "--child-get", NULL);
		_exit(21);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_EQ(0, prctl(PR_SET_NVM_PLACEMENT, PR_NVM_PLACEMENT_OFF, 0, 0, 0));
	ASSERT_TRUE(WIFEXITED(status));
	/* the exec'd program exits with the mode it found */
	ASSERT_EQ(PR_NVM_PLACEMENT_PREFERRED, WEXITSTATUS(status));
}

/*
 * A user may place memory (vm.nvm_placement_unprivileged=1) but must not
 * carry that into a setuid program: a secure exec (AT_SECURE) starts with
 * placement off, as it starts without pdeath_signal.
 */
#define SUID_COPY "/tmp/nvm_prctl_test.suid"

static int copy_file(const char *from, const char *to, mode_t mode)
{
	FILE *in = fopen(from, "r"), *out = NULL;
	char buf[65536];
	size_t n;
	int ret = -1;

	if (!in)
		return -1;
	unlink(to);
	out = fopen(to, "w");
	if (!out)
		goto out;
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		if (fwrite(buf, 1, n, out) != n)
			goto out;
	if (fflush(out) || fchown(fileno(out), 0, 0) || fchmod(fileno(out), mode))
		goto out;
	ret = 0;
out:
	if (out)
		fclose(out);
	fclose(in);
	return ret;
}

TEST(secure_exec_drops_placement)
{
	pid_t pid;
	int status;

	ASSERT_EQ(0, copy_file("/proc/self/exe", SUID_COPY, 04755));
	ASSERT_EQ(0, write_str("/proc/sys/vm/nvm_placement_unprivileged", "1\n"));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		if (setresgid(65534, 65534, 65534) || setresuid(65534, 65534, 65534))
			_exit(30);
		if (prctl(PR_SET_NVM_PLACEMENT, PR_NVM_PLACEMENT_PREFERRED, 0, 0, 0))
			_exit(31);
		execl(SUID_COPY, "nvm_prctl_test", "--child-get-secure", NULL);
		_exit(32);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_EQ(0, write_str("/proc/sys/vm/nvm_placement_unprivileged", "0\n"));
	unlink(SUID_COPY);
	ASSERT_TRUE(WIFEXITED(status));
	/* 0x10: the exec was secure; the low bits: the mode it found (off) */
	ASSERT_EQ(0x10 | PR_NVM_PLACEMENT_OFF, WEXITSTATUS(status));
}

/* Root running a setuid-root program gains nothing: the mode is kept. */
TEST(exec_without_privilege_change_keeps_placement)
{
	pid_t pid;
	int status;

	ASSERT_EQ(0, copy_file("/proc/self/exe", SUID_COPY, 04755));
	ASSERT_EQ(0, prctl(PR_SET_NVM_PLACEMENT, PR_NVM_PLACEMENT_PREFERRED, 0, 0, 0));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		execl(SUID_COPY, "nvm_prctl_test", "--child-get-secure", NULL);
		_exit(32);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_EQ(0, prctl(PR_SET_NVM_PLACEMENT, PR_NVM_PLACEMENT_OFF, 0, 0, 0));
	unlink(SUID_COPY);
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(PR_NVM_PLACEMENT_PREFERRED, WEXITSTATUS(status));
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "--child-get"))
		return get();
	if (argc == 2 && !strcmp(argv[1], "--child-get-secure"))
		return get() | (getauxval(AT_SECURE) ? 0x10 : 0);
	return test_harness_run(argc, argv);
}
