// SPDX-License-Identifier: GPL-2.0
/*
 * nvm_fuzz - random and adversarial writes to the fork's administration
 * interface, as root:
 *
 *   nvm_fuzz [-n WRITES] [-s SEED]
 *
 * Targets: every writable file under /sys/kernel/mm/nvm (keyword files,
 * badblocks), the debugfs writer of mirrored ranges
 * (/sys/kernel/debug/nvm/mirror/ranges, where debugfs is mounted), the
 * sysctls vm.mirrorable, vm.nvm_min_free_kbytes and
 * vm.nvm_placement_unprivileged, and the state file of up to 8 memory blocks.
 * Inputs: random bytes, numbers (negative, huge, hex junk, overflow),
 * mutated keywords, broken "START LENGTH" pairs, long strings.
 *
 * Every write that fails must leave the file reading as before; every write
 * that succeeds must have been a documented value (the generators make valid
 * values only for keyword files and sysctls, never for ranges or memory
 * block states).  The sysfs list of mirrored ranges,
 * /sys/kernel/mm/nvm/mirror/ranges, is read-only: a write must be refused
 * with EACCES, root's too, and change nothing.  Prints TAP; exits 1 on any
 * violation.  The harness checks dmesg for splats afterwards.  Settings are
 * restored at the end.
 */
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nvm_util.h"

#define MAX_TARGETS	64
#define BUF		6000
#define MIRROR_LIST	"/sys/kernel/mm/nvm/mirror/ranges"
#define MIRROR_WRITER	"/sys/kernel/debug/nvm/mirror/ranges"

enum kind { KEYWORD, RANGES, SYSCTL, BLOCK_STATE };

struct target {
	char path[256];
	enum kind kind;
	const char *const *words;	/* KEYWORD, BLOCK_STATE: valid values */
	long min, max;			/* SYSCTL */
	char saved[256];
	unsigned long writes, refused;
};

static const char *const kmem_words[] = { "auto", "nvm", "movable", "normal", "offline", NULL };
static const char *const fallback_words[] = { "dram", "none", NULL };
static const char *const state_words[] = { "online", "offline", "online_kernel",
					   "online_movable", "online_nvm", NULL };
static const char *const junk[] = {
	"", " ", "\n", "\t", "0", "-1", "-0", "+1", "1 2", "0x", "0x0x1", "0xg",
	"18446744073709551616", "99999999999999999999999", "-9223372036854775809",
	"1e3", "1.5", "0b101", "\\n", "on", "NVM", "Nvm", "movable ", " movable",
	"nvm\nnvm", "dram\tdram", "%s%n", "\xff\xfe", "0 0", "0x1000 0", "1 -1",
	"0xffffffffffffffff 0x1000", "4096 18446744073709551615", "1 2 3",
};

static struct target targets[MAX_TARGETS];
static int nr_targets;
static unsigned long long rng;

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* Returns the bytes the kernel consumed (a sysctl may take a prefix), or -errno */
static long write_file(const char *path, const char *buf, size_t len)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, buf, len);
	close(fd);
	return n < 0 ? -errno : n;
}

static void add(const char *path, enum kind kind, const char *const *words,
		long min, long max)
{
	struct target *t;

	if (nr_targets == MAX_TARGETS || access(path, W_OK))
		return;
	t = &targets[nr_targets++];
	snprintf(t->path, sizeof(t->path), "%s", path);
	t->kind = kind;
	t->words = words;
	t->min = min;
	t->max = max;
	if (read_file(path, t->saved, sizeof(t->saved)))
		t->saved[0] = 0;
}

/* Does buf (as sysfs_streq or a sysctl parser sees it) name a valid value? */
static int is_valid(const struct target *t, const char *buf, size_t len)
{
	char tmp[BUF], *end;
	long v;
	int i;

	if (len >= sizeof(tmp))
		return 0;
	memcpy(tmp, buf, len);
	tmp[len] = 0;
	if (t->kind == KEYWORD || t->kind == BLOCK_STATE) {
		if (len && tmp[len - 1] == '\n')
			tmp[len - 1] = 0;
		for (i = 0; t->words[i]; i++)
			if (!strcmp(tmp, t->words[i]))
				return 1;
		return 0;
	}
	if (t->kind == SYSCTL) {
		/*
		 * proc_dointvec: leading spaces, one integer in base 0
		 * (decimal, 0x hex, 0 octal), trailing spaces
		 */
		errno = 0;
		v = strtol(tmp, &end, 0);
		if (end == tmp || errno)
			return 0;
		while (*end == ' ' || *end == '\n' || *end == '\t')
			end++;
		return !*end && v >= t->min && v <= t->max;
	}
	return 0;
}

static size_t gen(const struct target *t, char *buf)
{
	size_t len, i;
	const char *w;

	switch (rnd() % 6) {
	case 0:		/* random bytes, no NUL */
		len = rnd() % 64;
		for (i = 0; i < len; i++)
			buf[i] = 1 + rnd() % 255;
		return len;
	case 1:		/* a junk string */
		w = junk[rnd() % (sizeof(junk) / sizeof(junk[0]))];
		return (size_t)sprintf(buf, "%s", w);
	case 2:		/* a number */
		switch (rnd() % 4) {
		case 0: return (size_t)sprintf(buf, "%lld\n", (long long)rnd());
		case 1: return (size_t)sprintf(buf, "%llu\n", (unsigned long long)rnd());
		case 2: return (size_t)sprintf(buf, "%#llx\n", (unsigned long long)rnd());
		default: return (size_t)sprintf(buf, "%ld\n", (long)(rnd() % 8) - 2);
		}
	case 3:		/* a keyword, mutated or not */
		if (t->words) {
			w = t->words[rnd() % 3];
			len = (size_t)sprintf(buf, "%s", w);
			switch (rnd() % 4) {
			case 0: buf[rnd() % len] ^= 1 + rnd() % 31; break;
			case 1: buf[len++] = 'x'; break;
			case 2: memmove(buf + 1, buf, len++); buf[0] = ' '; break;
			default: buf[len++] = '\n'; break;
			}
			return len;
		}
		/* fall through */
	case 4:		/* a broken START LENGTH pair: unaligned, odd, overflowing */
		return (size_t)sprintf(buf, "%#llx %#llx%s",
				       (unsigned long long)(rnd() | 1),
				       (unsigned long long)(rnd() % 3 ? (rnd() | 1) : 0),
				       rnd() % 2 ? "\n" : " 1\n");
	default:	/* a long string */
		len = 100 + rnd() % (BUF - 200);
		memset(buf, '0' + rnd() % 10, len);
		return len;
	}
}

/* The sysfs list of mirrored ranges refuses writes, root's too: EACCES */
static int check_mirror_list_read_only(void)
{
	static const char range[] = "0x30000000 0x400000\n";
	char before[4096], after[4096];
	long err;

	if (access(MIRROR_LIST, F_OK)) {
		printf("ok 3 - %s refuses writes # SKIP no CONFIG_MEMORY_MIRROR\n",
		       MIRROR_LIST);
		return 0;
	}
	if (read_file(MIRROR_LIST, before, sizeof(before))) {
		printf("not ok 3 - %s cannot be read\n", MIRROR_LIST);
		return 1;
	}
	err = write_file(MIRROR_LIST, range, sizeof(range) - 1);
	if (err != -EACCES) {
		printf("not ok 3 - a write to %s returned %ld, expected %d (EACCES)\n",
		       MIRROR_LIST, err, -EACCES);
		return 1;
	}
	if (read_file(MIRROR_LIST, after, sizeof(after)) || strcmp(before, after)) {
		printf("not ok 3 - %s changed by a refused write\n", MIRROR_LIST);
		return 1;
	}
	printf("ok 3 - %s refuses writes (EACCES)\n", MIRROR_LIST);
	return 0;
}

int main(int argc, char **argv)
{
	unsigned long n = 10000, i, accepted_bad = 0, changed = 0;
	char buf[BUF], before[4096], after[4096];
	glob_t g = { 0 };
	int opt, fails = 0;
	size_t k;

	rng = (unsigned long long)getpid() * 2654435761ULL + 1;
	while ((opt = getopt(argc, argv, "n:s:")) != -1) {
		if (opt == 'n')
			n = strtoul(optarg, NULL, 0);
		else if (opt == 's')
			rng = strtoull(optarg, NULL, 0) | 1;
		else
			return 2;
	}
	printf("TAP version 13\n# seed %llu\n", rng);

	add("/sys/kernel/mm/nvm/kmem_default_zone", KEYWORD, kmem_words, 0, 0);
	add("/sys/kernel/mm/nvm/offline_fallback", KEYWORD, fallback_words, 0, 0);
	add("/sys/kernel/mm/nvm/badblocks", RANGES, NULL, 0, 0);
	add(MIRROR_WRITER, RANGES, NULL, 0, 0);
	add("/proc/sys/vm/mirrorable", SYSCTL, NULL, 0, 3);
	add("/proc/sys/vm/nvm_min_free_kbytes", SYSCTL, NULL, 0, 67108864);
	add("/proc/sys/vm/nvm_placement_unprivileged", SYSCTL, NULL, 0, 1);
	if (!glob("/sys/devices/system/memory/memory*/state", 0, NULL, &g)) {
		for (k = 0; k < g.gl_pathc && k < 8; k++)
			add(g.gl_pathv[g.gl_pathc - 1 - k], BLOCK_STATE, state_words, 0, 0);
		globfree(&g);
	}
	if (nr_targets < 3) {
		printf("not ok 1 - only %d writable targets found\n1..1\n", nr_targets);
		return 1;
	}

	for (i = 0; i < n; i++) {
		struct target *t = &targets[rnd() % nr_targets];
		size_t len;
		long err;

		do
			len = gen(t, buf);
		while (t->kind == BLOCK_STATE && is_valid(t, buf, len));
		if (read_file(t->path, before, sizeof(before)))
			continue;
		err = write_file(t->path, buf, len);
		t->writes++;
		if (err >= 0 && len) {
			/* a sysctl parses the first value and may leave the rest */
			if (!is_valid(t, buf, (size_t)err)) {
				accepted_bad++;
				if (accepted_bad <= 5)
					printf("# %s accepted '%.40s' (%zu bytes)\n",
					       t->path, buf, len);
			}
			continue;
		}
		/* refused, or empty (the VFS does not call the kernel): no change */
		if (err < 0)
			t->refused++;
		if (read_file(t->path, after, sizeof(after)) || strcmp(before, after)) {
			changed++;
			if (changed <= 5)
				printf("# %s changed by a refused write (%ld) of '%.40s'\n",
				       t->path, err, buf);
		}
	}

	for (k = 0; k < (size_t)nr_targets; k++) {
		struct target *t = &targets[k];

		if (t->kind == KEYWORD || t->kind == SYSCTL)
			write_file(t->path, t->saved, strlen(t->saved));
		printf("# %s: %lu writes, %lu refused\n", t->path, t->writes, t->refused);
	}
	if (accepted_bad) {
		printf("not ok 1 - %lu invalid inputs accepted\n", accepted_bad);
		fails++;
	} else {
		printf("ok 1 - no invalid input accepted (%lu writes to %d files)\n", n, nr_targets);
	}
	if (changed) {
		printf("not ok 2 - %lu refused writes changed their file\n", changed);
		fails++;
	} else {
		printf("ok 2 - no refused write changed its file\n");
	}
	fails += check_mirror_list_read_only();
	printf("1..3\n");
	return fails ? 1 : 0;
}
