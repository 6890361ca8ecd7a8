// SPDX-License-Identifier: GPL-2.0
/*
 * nvmzone hotadd/hotremove - give a dax device's memory to the page
 * allocator (dax/kmem, into ZONE_NVM or a DRAM zone) and take it back.
 *
 * After daxctl reconfigure-device: refuse when the kernel's auto-online
 * policy would race us, re-read the state after acting and say exactly
 * which blocks changed.  The sysfs side (which blocks belong to a device,
 * their state) is read through the sysroot and unit-tested against fake
 * trees; binding the device to a driver is daxbind.c's.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nvmzone.h"

#define MAX_RANGES 64

/* /proc/kpageflags bits (include/uapi/linux/kernel-page-flags.h) */
#define KPF_BUDDY 10
#define KPF_HWPOISON 19
#define KPF_NOPAGE 20
#define KPF_OFFLINE 23
#define KPF_RESERVED 32

/* A dax device and the memory blocks kmem makes of it */
struct devmem {
	struct nz_daxdev dax;
	uint64_t block_size;
	struct {
		uint64_t first, last; /* block numbers */
	} r[MAX_RANGES];
	size_t n;
};

/* Counters of /sys/kernel/mm/nvm/stats (issue 4), when the kernel has them */
struct nvmstats {
	bool have;
	uint64_t online, offline, mig_nvm, mig_dram, refused;
};

static const struct nz_cmdopt hotadd_opts[] = {
	{ NZ_O_ZONE, "nvm, movable or normal; default nvm where the\n"
		     "kernel has ZONE_NVM hot-add (DEVICE/kmem_zone),\n"
		     "movable elsewhere" },
	{ NZ_O_NO_ONLINE, "leave the memory blocks offline" },
	{ NZ_O_FORCE, "go on although auto_online_blocks is not offline" },
	NZ_CMDOPT_END,
};

static const struct nz_cmdopt hotremove_opts[] = {
	{ NZ_O_CHECK, "change nothing: estimate the pages in use from\n"
		      "/proc/kpageflags and whether they have room\n"
		      "elsewhere (free ZONE_NVM, and DRAM when\n"
		      "nvm/offline_fallback is dram)" },
	NZ_CMDOPT_END,
};

static void usage_hotadd(FILE *f)
{
	fprintf(f,
		"Usage: nvmzone [options] hotadd [options] DEVICE\n\n"
		"Give the memory of dax device DEVICE (daxX.Y) to the page allocator:\n"
		"bind it to kmem and online its memory blocks into a zone.\n\n"
		"Options:\n");
	nz_opts_help(f, hotadd_opts);
	fputs("\nWith DEVICE/kmem_zone the zone is written there for kmem to online the\n"
	      "blocks as it binds the device, and the old value is written back after.\n"
	      "Without it (a stock kernel) the blocks are onlined here, and\n"
	      "auto_online_blocks must be offline: the kernel would otherwise online\n"
	      "them first, into a zone of its choosing.  An option that does not apply\n"
	      "is ignored with a warning.\n\n"
	      "Exit status: 0 all blocks in the wanted state, 1 nothing changed,\n"
	      "64 the device was bound but some blocks are not.\n",
	      f);
}

static void usage_hotremove(FILE *f)
{
	fprintf(f,
		"Usage: nvmzone [options] hotremove [options] DEVICE\n\n"
		"Take the memory of dax device DEVICE (daxX.Y) back from the page\n"
		"allocator: offline its memory blocks, then return it to devdax mode.\n\n"
		"Options:\n");
	nz_opts_help(f, hotremove_opts);
	fputs("\nExit status: 0 done (--check: can be removed), 1 nothing changed\n"
	      "(--check: cannot be removed), 64 some blocks offlined but the device\n"
	      "is still system-ram.\n",
	      f);
}

static bool valid_devname(const char *s)
{
	const char *p = s;

	if (strncmp(p, "dax", 3))
		return false;
	p += 3;
	if (*p < '0' || *p > '9')
		return false;
	p += strspn(p, "0123456789");
	if (*p++ != '.' || *p < '0' || *p > '9')
		return false;
	p += strspn(p, "0123456789");
	return !*p && p - s < 32;
}

/* Add the whole memory blocks of [@start, @end]: kmem onlines only those */
static void devmem_add(struct devmem *dm, uint64_t start, uint64_t end)
{
	uint64_t bs = dm->block_size;
	uint64_t first = start / bs + (start % bs != 0);
	uint64_t lim = end == UINT64_MAX ? UINT64_MAX / bs : (end + 1) / bs;

	if (lim <= first || dm->n >= MAX_RANGES)
		return;
	dm->r[dm->n].first = first;
	dm->r[dm->n].last = lim - 1;
	dm->n++;
}

static bool devmem_has(const struct devmem *dm, uint64_t index)
{
	size_t i;

	for (i = 0; i < dm->n; i++)
		if (index >= dm->r[i].first && index <= dm->r[i].last)
			return true;
	return false;
}

/* nz_memblocks_read_some()'s filter: the blocks of the device */
static bool devmem_want(uint64_t index, const void *arg)
{
	return devmem_has(arg, index);
}

/* Read the blocks of @dm only. 0 or -1 (error printed). */
static int devmem_blocks_read(const struct devmem *dm, struct nz_memblocks *mb)
{
	return nz_memblocks_read_some(mb, devmem_want, dm);
}

/*
 * The ranges of a device: its mappings (libdaxctl's, or mappingN/start,end
 * under --sysroot), else resource and size
 */
static int devmem_ranges(struct devmem *dm)
{
	size_t i;

	if (nz_sysroot()[0] && nz_dax_read_mappings(&dm->dax) < 0)
		return -1;
	for (i = 0; i < dm->dax.nmap; i++)
		devmem_add(dm, dm->dax.map[i].start, dm->dax.map[i].end);
	if (!dm->dax.nmap) {
		if (!dm->dax.have_resource) {
			nz_errx("%s: cannot tell where its memory is: no resource, no mapping0",
				dm->dax.name);
			return -1;
		}
		devmem_add(dm, dm->dax.resource,
			   dm->dax.resource + dm->dax.size - 1);
	}
	return 0;
}

/* Read dax device @name and where its memory blocks are.  0 or -1. */
static int devmem_read(const char *name, struct devmem *dm)
{
	char *bs;
	int r;

	memset(dm, 0, sizeof(*dm));
	if (!valid_devname(name)) {
		nz_errx("invalid dax device name: '%s' (expected daxX.Y)",
			name);
		return -1;
	}
	r = nz_dax_read(name, &dm->dax);
	if (r == -ENOENT)
		nz_errx("%s: no such dax device", name);
	if (r < 0)
		return -1;
	if (!dm->dax.size) {
		nz_errx("%s: the device has size 0 (a region seed): no memory",
			name);
		return -1;
	}
	if (nz_memblocks_size(&dm->block_size) < 0)
		return -1;
	if (devmem_ranges(dm) < 0)
		return -1;
	if (!dm->n) {
		bs = nz_size_human(dm->block_size);
		nz_errx("%s: no whole %s memory block in the device's range: kmem cannot use it",
			name, bs);
		free(bs);
		return -1;
	}
	return 0;
}

/* The one DEVICE operand of hotadd and hotremove, read into @dm. */
static int device_arg(const struct nz_opts *o, const char **dev,
		      struct devmem *dm)
{
	if (o->argc != 1) {
		nz_usage_errx(o->argc ? "expected one DEVICE" :
					"no DEVICE given");
		return -1;
	}
	*dev = o->argv[0];
	return devmem_read(*dev, dm);
}

/* "88-95" or "88-91,100-103" */
static void print_ranges(const struct devmem *dm)
{
	size_t i;

	for (i = 0; i < dm->n; i++) {
		printf("%s%" PRIu64, i ? "," : "", dm->r[i].first);
		if (dm->r[i].last != dm->r[i].first)
			printf("-%" PRIu64, dm->r[i].last);
	}
}

/* A run of contiguous blocks that changed the same way */
struct change {
	uint64_t first, last;
	char *from, *to; /* NULL: added / removed */
};

static bool same_str(const char *a, const char *b)
{
	return a && b ? !strcmp(a, b) : a == b;
}

static void change_flush(struct change *c, uint64_t bs)
{
	uint64_t start = c->first * bs, end = (c->last + 1) * bs - 1;

	if (!c->from && !c->to)
		return;
	printf("memory%" PRIu64, c->first);
	if (c->last != c->first)
		printf("-%" PRIu64, c->last);
	printf(" (0x%016" PRIx64 "-0x%016" PRIx64 "): ", start, end);
	if (!c->from)
		printf("added, %s\n", c->to);
	else if (!c->to)
		printf("removed (was %s)\n", c->from);
	else
		printf("%s -> %s\n", c->from, c->to);
	free(c->from);
	free(c->to);
	c->from = c->to = NULL;
}

/*
 * Print how the device's blocks changed from @before to @after, contiguous
 * blocks that changed alike on one line.  Returns the number of changed
 * blocks.
 */
static size_t report_changes(const struct devmem *dm,
			     const struct nz_memblocks *before,
			     const struct nz_memblocks *after)
{
	struct change run = { 0 };
	size_t i = 0, j = 0, changed = 0;

	while (i < before->n || j < after->n) {
		const struct nz_memblock *b = i < before->n ? &before->blk[i] :
							      NULL;
		const struct nz_memblock *a = j < after->n ? &after->blk[j] :
							     NULL;
		char *sb = NULL, *sa = NULL;
		uint64_t index;

		if (b && a && b->index == a->index) {
			i++;
			j++;
		} else if (b && (!a || b->index < a->index)) {
			a = NULL;
			i++;
		} else {
			b = NULL;
			j++;
		}
		index = (a ? a : b)->index;
		if (!devmem_has(dm, index))
			continue;
		if (b)
			sb = nz_block_state(b);
		if (a)
			sa = nz_block_state(a);
		if (same_str(sb, sa)) {
			free(sb);
			free(sa);
			continue;
		}
		changed++;
		if ((run.from || run.to) && index == run.last + 1 &&
		    same_str(run.from, sb) && same_str(run.to, sa)) {
			run.last = index;
			free(sb);
			free(sa);
			continue;
		}
		change_flush(&run, dm->block_size);
		run.first = run.last = index;
		run.from = sb;
		run.to = sa;
	}
	change_flush(&run, dm->block_size);
	return changed;
}

/* "dax0.0: blocks 72-87 (2G): 16 online NVM" */
static void report_summary(const struct devmem *dm,
			   const struct nz_memblocks *mb)
{
	struct {
		char *state;
		size_t n;
	} groups[8];
	size_t ngroups = 0, other = 0, total = 0, i, k;
	char *size;

	for (i = 0; i < mb->n; i++) {
		char *s;

		if (!devmem_has(dm, mb->blk[i].index))
			continue;
		total++;
		s = nz_block_state(&mb->blk[i]);
		for (k = 0; k < ngroups; k++)
			if (!strcmp(groups[k].state, s))
				break;
		if (k < ngroups) {
			groups[k].n++;
			free(s);
		} else if (ngroups < ARRAY_SIZE(groups)) {
			groups[ngroups].state = s;
			groups[ngroups++].n = 1;
		} else {
			other++;
			free(s);
		}
	}
	printf("%s: blocks ", dm->dax.name);
	print_ranges(dm);
	size = nz_size_human(total * dm->block_size);
	printf(" (%s):", size);
	free(size);
	if (!total)
		printf(" none present");
	for (k = 0; k < ngroups; k++) {
		printf("%s %zu %s", k ? "," : "", groups[k].n, groups[k].state);
		free(groups[k].state);
	}
	if (other)
		printf(", %zu in other states", other);
	putchar('\n');
}

static void stats_read(struct nvmstats *st)
{
	static const char *const names[] = {
		"online_pages",		"offline_pages",
		"offline_migrated_nvm", "offline_migrated_dram",
		"offline_refused",
	};
	uint64_t *vals[] = { &st->online, &st->offline, &st->mig_nvm,
			     &st->mig_dram, &st->refused };
	char path[PATH_MAX];
	size_t i;

	memset(st, 0, sizeof(*st));
	for (i = 0; i < ARRAY_SIZE(names); i++) {
		if (!nz_path(path, sizeof(path), NVM_DIR "/stats/%s",
			     names[i]) ||
		    nz_read_u64(path, 10, vals[i]) < 0)
			return;
	}
	st->have = true;
}

/*
 * On a kernel without DEVICE/kmem_zone, kmem onlines the new blocks as
 * auto_online_blocks says, before nvmzone sees them: refuse unless
 * --force.  With kmem_zone, nvmzone writes the zone there and kmem
 * follows it instead of auto_online_blocks, so nothing races.
 */
static int check_auto_online(const char *dev, bool force)
{
	char val[64], path[PATH_MAX];
	ssize_t r = -ENAMETOOLONG;

	if (nz_path(path, sizeof(path), MEMORY_DIR "/auto_online_blocks"))
		r = nz_read_file(path, val, sizeof(val));
	if (r < 0) {
		/* as daxctl: carry on, the re-read afterwards tells */
		nz_warnx("cannot read auto_online_blocks: %s", strerror(-r));
		return 0;
	}
	if (!strcmp(val, "offline")) {
		if (force)
			nz_warnx(
				"--force is ignored: auto_online_blocks is offline");
		return 0;
	}
	if (force) {
		nz_warnx(
			"%s: auto_online_blocks is '%s': the kernel onlines the blocks itself; blocks it puts in another zone are reported",
			dev, val);
		return 0;
	}
	nz_errx("%s: auto_online_blocks is '%s': the kernel would online the memory blocks itself as soon as kmem binds the device, in a zone of its own choosing, racing nvmzone; set it to 'offline' first, or use --force to let the kernel online them",
		dev, val);
	return -1;
}

/*
 * Write @value to @dev's kmem_zone, for kmem to read when it binds the
 * device, and say so; @old gets what was there, to write back after.  0,
 * or -1 (printed).
 */
static int set_kmem_zone(const char *dev, const char *value, char *old,
			 size_t len)
{
	char path[PATH_MAX];
	ssize_t n = -ENAMETOOLONG;
	int r;

	old[0] = '\0';
	if (nz_path(path, sizeof(path), DAX_DIR "/%s/kmem_zone", dev))
		n = nz_read_file(path, old, len);
	if (n < 0) {
		nz_errx("%s: cannot read kmem_zone: %s", dev, strerror(-n));
		old[0] = '\0';
		return -1;
	}
	if (!strcmp(old, value)) {
		old[0] = '\0'; /* nothing to write back */
		return 0;
	}
	r = nz_write_file(path, value);
	if (r < 0) {
		nz_err_write(dev, "kmem_zone", value, -r, NULL);
		old[0] = '\0';
		return -1;
	}
	printf("%s: kmem_zone %s -> %s\n", dev, old, value);
	return 0;
}

/* Write @old back to @dev's kmem_zone (@now in it).  0, or -1 (printed). */
static int restore_kmem_zone(const char *dev, const char *old, const char *now)
{
	char path[PATH_MAX];
	int r = -ENAMETOOLONG;

	if (nz_path(path, sizeof(path), DAX_DIR "/%s/kmem_zone", dev))
		r = nz_write_file(path, old);
	if (r < 0) {
		char *hint = nz_xasprintf("(it stays '%s')", now);

		nz_err_write(dev, "kmem_zone", old, -r, hint);
		free(hint);
		return -1;
	}
	printf("%s: kmem_zone %s -> %s (restored)\n", dev, now, old);
	return 0;
}

/* Block SIGINT, SIGTERM and SIGHUP; @old gets the mask to restore. */
static void block_signals(sigset_t *old)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigprocmask(SIG_BLOCK, &set, old);
}

/* Let them through again: a pending one takes effect now, as usual */
static void unblock_signals(const sigset_t *old)
{
	fflush(stdout);
	sigprocmask(SIG_SETMASK, old, NULL);
}

int cmd_hotadd(int argc, char **argv)
{
	struct nz_memblocks before = { 0 }, mid = { 0 }, after = { 0 };
	const struct nz_zone *z = NULL;
	bool no_online, force, bound = false, have_kmem_zone, already;
	char path[PATH_MAX], kmem_old[64] = "";
	const char *kmem_new = NULL;
	struct nvmstats st0, st1;
	struct nz_opts o;
	struct devmem dm;
	const char *dev;
	size_t i, total = 0, ok = 0, changed, left = 0, failed = 0;
	sigset_t oldmask;
	int rc;

	rc = nz_opts_parse(&o, argc, argv, hotadd_opts, 0, usage_hotadd);
	if (rc >= 0)
		return rc;
	no_online = o.given[NZ_O_NO_ONLINE];
	force = o.given[NZ_O_FORCE];
	if (o.zone) {
		z = nz_zone_parse(o.zone);
		if (!z)
			return NZ_EXIT_FAILURE;
	}
	if (device_arg(&o, &dev, &dm) < 0)
		return NZ_EXIT_FAILURE;
	have_kmem_zone =
		nz_path(path, sizeof(path), DAX_DIR "/%s/kmem_zone", dev) &&
		nz_exists(path);
	already = !strcmp(dm.dax.driver, "kmem");
	if (!z)
		z = have_kmem_zone ? &nz_zone_nvm : &nz_zone_movable;
	if (z == &nz_zone_nvm && !have_kmem_zone && !no_online) {
		nz_errx("%s: cannot hot-add into ZONE_NVM: this kernel has no ZONE_NVM hot-add (the device has no kmem_zone)",
			dev);
		return NZ_EXIT_FAILURE;
	}
	/* options that change nothing here: say so rather than drop them */
	if (o.zone && no_online)
		nz_warnx(
			"--zone is ignored with --no-online: the blocks stay offline");
	if (force && already)
		nz_warnx("--force is ignored: %s is already system-ram", dev);
	else if (force && have_kmem_zone)
		nz_warnx(
			"--force is ignored: kmem onlines the blocks of %s as its kmem_zone says, not as auto_online_blocks does",
			dev);
	if (devmem_blocks_read(&dm, &before) < 0)
		return NZ_EXIT_FAILURE;
	stats_read(&st0);

	rc = NZ_EXIT_FAILURE;
	if (already) {
		printf("%s: already system-ram\n", dev);
	} else {
		if (!have_kmem_zone && check_auto_online(dev, force) < 0)
			goto out;
		/*
		 * From writing kmem_zone to writing it back, SIGINT, SIGTERM
		 * and SIGHUP wait: an interrupted hotadd must not leave the
		 * device's kmem_zone changed.  What was printed is flushed
		 * first, for a signal that ends nvmzone when it is let through.
		 */
		block_signals(&oldmask);
		if (have_kmem_zone) {
			kmem_new = no_online ? "offline" : z->kmem;
			if (set_kmem_zone(dev, kmem_new, kmem_old,
					  sizeof(kmem_old)) < 0) {
				unblock_signals(&oldmask);
				goto out;
			}
		}
		fflush(stdout);
		if (nz_dax_bind(dev, NZ_DAX_KMEM) == 0) {
			bound = true;
			printf("%s: bound to kmem (was %s)\n", dev,
			       nz_dax_mode(&dm.dax));
		}
		/* kmem has read it (or failed): leave the device's own choice */
		if (kmem_old[0] &&
		    restore_kmem_zone(dev, kmem_old, kmem_new) < 0)
			failed++;
		unblock_signals(&oldmask);
		if (!bound) {
			/* kmem_zone stays changed: that is a change */
			if (failed)
				rc = NZ_EXIT_PARTIAL;
			goto out;
		}
	}

	/* Online what is still offline: all of it on a stock kernel */
	if (devmem_blocks_read(&dm, &mid) < 0) {
		rc = NZ_EXIT_PARTIAL;
		goto out;
	}
	for (i = 0; i < mid.n && !no_online; i++)
		if (devmem_has(&dm, mid.blk[i].index) &&
		    !nz_block_online_p(&mid.blk[i]))
			left++;
	if (left && have_kmem_zone && bound)
		printf("%s: kmem left %zu blocks offline; onlining them into %s\n",
		       dev, left, z->kname);
	/*
	 * libdaxctl onlines the device's memory as daxctl online-memory
	 * does; what it leaves offline is onlined block by block below, each
	 * failure with its line.
	 */
	if (left && nz_daxlib_online(&dm.dax, z) != NZ_DAXLIB_UNUSED) {
		nz_memblocks_free(&mid);
		if (devmem_blocks_read(&dm, &mid) < 0) {
			rc = NZ_EXIT_PARTIAL;
			goto out;
		}
	}
	/* blocks that cannot be read have had their line: not onlined */
	failed += mid.failed;
	for (i = 0; i < mid.n && !no_online; i++)
		if (devmem_has(&dm, mid.blk[i].index) &&
		    nz_block_online(&mid.blk[i], mid.block_size, z, true) ==
			    NZ_BLK_FAILED)
			failed++;

	/* Re-read, and say what changed */
	if (devmem_blocks_read(&dm, &after) < 0) {
		rc = NZ_EXIT_PARTIAL;
		goto out;
	}
	changed = report_changes(&dm, &before, &after);
	if (!changed)
		printf("%s: no memory block changed\n", dev);
	report_summary(&dm, &after);
	/* the ZONE_NVM counter, when the memory was to go there */
	stats_read(&st1);
	if (z == &nz_zone_nvm && !no_online && st0.have && st1.have &&
	    st1.online >= st0.online)
		printf("%s: %" PRIu64 " pages onlined into ZONE_NVM\n", dev,
		       st1.online - st0.online);

	for (i = 0; i < after.n; i++) {
		const struct nz_memblock *b = &after.blk[i];

		if (!devmem_has(&dm, b->index))
			continue;
		total++;
		if (no_online)
			ok += !nz_block_online_p(b);
		else
			ok += nz_block_online_p(b) &&
			      (!nz_block_zone(b) || nz_block_in_zone(b, z));
	}
	/* a block that cannot be read is not known to be as wanted */
	total += after.failed;
	failed += after.failed;
	/* blocks that failed have had their line; the others get one */
	if (!total)
		nz_errx("%s: no memory block of the device is present", dev);
	else if (ok < total && !failed)
		nz_errx("%s: %zu of %zu memory blocks are not %s", dev,
			total - ok, total,
			no_online ? "offline" : "online in the wanted zone");
	if (total && ok == total && !failed)
		rc = NZ_EXIT_OK;
	else
		rc = bound || changed ? NZ_EXIT_PARTIAL : NZ_EXIT_FAILURE;
out:
	nz_memblocks_free(&before);
	nz_memblocks_free(&mid);
	nz_memblocks_free(&after);
	return rc;
}

/* ---- hotremove --check ---- */

struct usage {
	uint64_t used_nvm, used_dram; /* pages in use */
	uint64_t free_nvm, free_dram; /* free (buddy) pages */
	size_t online; /* online blocks */
	bool exact; /* from /proc/kpageflags */
};

/*
 * Count the pages in use and the free pages of @n pages from @pfn: in use
 * is neither free (BUDDY, set on every page of a free block) nor reserved,
 * nor a hole, poisoned or offline page (which offlining skips).  The words
 * of /proc/kpageflags are in the kernel's byte order: the host's.
 */
static int count_pages(int fd, uint64_t pfn, uint64_t n, uint64_t *used,
		       uint64_t *freep)
{
	const uint64_t skip = 1ULL << KPF_RESERVED | 1ULL << KPF_NOPAGE |
			      1ULL << KPF_HWPOISON | 1ULL << KPF_OFFLINE;
	uint64_t buf[1024];

	*used = *freep = 0;
	while (n) {
		size_t want = n < ARRAY_SIZE(buf) ? n : ARRAY_SIZE(buf);
		ssize_t got = pread(fd, buf, want * sizeof(buf[0]),
				    (off_t)(pfn * sizeof(buf[0])));
		size_t i;

		if (got < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if ((size_t)got != want * sizeof(buf[0]))
			return -ENODATA;
		for (i = 0; i < want; i++) {
			if (buf[i] & 1ULL << KPF_BUDDY)
				(*freep)++;
			else if (!(buf[i] & skip))
				(*used)++;
		}
		pfn += want;
		n -= want;
	}
	return 0;
}

static void count_usage(const struct devmem *dm, const struct nz_memblocks *mb,
			struct usage *u)
{
	uint64_t pgsz = (uint64_t)sysconf(_SC_PAGESIZE);
	uint64_t ppb = dm->block_size / pgsz;
	char path[PATH_MAX];
	size_t i;
	int fd = -1;

	memset(u, 0, sizeof(*u));
	if (nz_path(path, sizeof(path), "/proc/kpageflags"))
		fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		nz_warnx(
			"cannot read %s: %s: counting every page of the online blocks as in use",
			path, strerror(errno));
	u->exact = fd >= 0;
	for (i = 0; i < mb->n; i++) {
		const struct nz_memblock *b = &mb->blk[i];
		bool nvm = nz_block_in_zone(b, &nz_zone_nvm);
		uint64_t used = ppb, freep = 0;
		char *name, *state;
		int r;

		if (!devmem_has(dm, b->index) || !nz_block_online_p(b))
			continue;
		u->online++;
		if (u->exact) {
			r = count_pages(fd, b->index * ppb, ppb, &used, &freep);
			if (r < 0) {
				nz_warnx(
					"cannot read %s at pfn 0x%" PRIx64
					": %s: counting every page of the online blocks as in use",
					path, b->index * ppb, strerror(-r));
				u->exact = false;
				used = ppb;
				freep = 0;
			}
		}
		*(nvm ? &u->used_nvm : &u->used_dram) += used;
		*(nvm ? &u->free_nvm : &u->free_dram) += freep;
		name = nz_block_name(b, dm->block_size);
		state = nz_block_state(b);
		printf("%s: %s, %" PRIu64 " pages in use, %" PRIu64 " free\n",
		       name, state, used, freep);
		free(state);
		free(name);
	}
	if (fd >= 0)
		close(fd);
	if (!u->exact) {
		/* the device's free pages are unknown: assume none elsewhere */
		u->free_nvm = u->used_nvm;
		u->free_dram = u->used_dram;
	}
}

/* Sum of NVM_DIR/nodes/node* /free_pages; false when there is none */
static bool nvm_free_pages(uint64_t *sum)
{
	char path[PATH_MAX], file[PATH_MAX];
	struct dirent *de;
	bool any = false;
	uint64_t v;
	DIR *d;
	int r;

	*sum = 0;
	if (!nz_path(path, sizeof(path), NVM_DIR "/nodes"))
		return false;
	d = opendir(path);
	if (!d)
		return false;
	while ((de = readdir(d))) {
		if (strncmp(de->d_name, "node", 4))
			continue;
		if (!nz_path(file, sizeof(file), NVM_DIR "/nodes/%s/free_pages",
			     de->d_name))
			continue;
		r = nz_read_u64(file, 10, &v);
		if (r < 0) {
			nz_err("cannot read ZONE_NVM free pages", file, -r);
			continue;
		}
		*sum += v;
		any = true;
	}
	closedir(d);
	return any;
}

static uint64_t dram_free_pages(void)
{
	char path[PATH_MAX], line[256];
	unsigned long long kb;
	uint64_t pgsz = (uint64_t)sysconf(_SC_PAGESIZE);
	FILE *f = NULL;

	if (nz_path(path, sizeof(path), "/proc/meminfo"))
		f = fopen(path, "re");
	if (!f) {
		nz_err("cannot read free DRAM (assuming none)", path, errno);
		return 0;
	}
	/* ZONE_NVM is not in MemFree: it is DRAM's */
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "MemFree: %llu kB", &kb) == 1) {
			fclose(f);
			return kb * 1024 / pgsz;
		}
	}
	fclose(f);
	nz_errx("no MemFree in %s (assuming no free DRAM)", path);
	return 0;
}

static uint64_t sub0(uint64_t a, uint64_t b)
{
	return a > b ? a - b : 0;
}

static int check_removable(const struct devmem *dm,
			   const struct nz_memblocks *mb)
{
	char path[PATH_MAX], fallback[32] = "unknown";
	uint64_t nvm_total = 0, nvm_room, dram_room, need_dram, used;
	bool have_nvm, dram_ok, ok;
	struct usage u;

	count_usage(dm, mb, &u);
	used = u.used_nvm + u.used_dram;
	if (!u.online) {
		printf("%s: no memory block online\n", dm->dax.name);
		printf("%s: can be removed\n", dm->dax.name);
		return NZ_EXIT_OK;
	}
	have_nvm = nvm_free_pages(&nvm_total);
	nvm_room = sub0(nvm_total, u.free_nvm);
	if (nz_path(path, sizeof(path), NVM_DIR "/offline_fallback") &&
	    nz_read_file(path, fallback, sizeof(fallback)) < 0)
		nz_strlcpy(fallback, "unknown", sizeof(fallback));
	dram_ok = !strcmp(fallback, "dram");
	dram_room = sub0(dram_free_pages(), u.free_dram);

	/* ZONE_NVM pages go to other ZONE_NVM memory, then maybe DRAM */
	need_dram = u.used_dram;
	ok = true;
	if (u.used_nvm > nvm_room) {
		if (dram_ok)
			need_dram += u.used_nvm - nvm_room;
		else
			ok = false;
	}
	if (need_dram > dram_room)
		ok = false;

	printf("%s: %zu online blocks, %" PRIu64 " pages in use%s\n",
	       dm->dax.name, u.online, used,
	       u.exact ? "" : " (every page counted: an upper bound)");
	if (u.used_nvm || have_nvm)
		printf("free ZONE_NVM pages elsewhere: %" PRIu64
		       "\noffline_fallback: %s\n",
		       nvm_room, fallback);
	printf("free DRAM pages elsewhere: %" PRIu64 "\n", dram_room);
	if (ok) {
		printf("%s: can be removed\n", dm->dax.name);
		return NZ_EXIT_OK;
	}
	printf("%s: cannot be removed: %" PRIu64 " pages in use", dm->dax.name,
	       used);
	if (u.used_nvm)
		printf(", %" PRIu64 " free ZONE_NVM pages elsewhere", nvm_room);
	if (u.used_dram || (u.used_nvm && dram_ok))
		printf(", %" PRIu64 " free DRAM pages", dram_room);
	if (u.used_nvm)
		printf(", offline_fallback=%s", fallback);
	putchar('\n');
	return NZ_EXIT_FAILURE;
}

int cmd_hotremove(int argc, char **argv)
{
	struct nz_memblocks before = { 0 }, mid = { 0 }, after = { 0 };
	size_t i, done = 0, failed = 0, still = 0, nvm = 0;
	const struct nz_memblocks *cur;
	int lib;
	struct nvmstats st0, st1;
	struct nz_opts o;
	struct devmem dm;
	const char *dev;
	int rc;

	rc = nz_opts_parse(&o, argc, argv, hotremove_opts, 0, usage_hotremove);
	if (rc >= 0)
		return rc;
	rc = NZ_EXIT_FAILURE;
	if (device_arg(&o, &dev, &dm) < 0)
		return NZ_EXIT_FAILURE;
	if (strcmp(dm.dax.driver, "kmem")) {
		printf("%s: not system-ram (mode %s): nothing to remove\n", dev,
		       nz_dax_mode(&dm.dax));
		if (o.given[NZ_O_CHECK])
			printf("%s: can be removed\n", dev);
		return NZ_EXIT_OK;
	}
	if (nz_memblocks_read(&before) < 0)
		return NZ_EXIT_FAILURE;
	if (o.given[NZ_O_CHECK]) {
		rc = check_removable(&dm, &before);
		goto out;
	}

	stats_read(&st0);
	for (i = 0; i < before.n; i++)
		if (devmem_has(&dm, before.blk[i].index) &&
		    nz_block_in_zone(&before.blk[i], &nz_zone_nvm))
			nvm++;
	/*
	 * libdaxctl offlines the device's memory as daxctl offline-memory
	 * does; what it leaves online is offlined block by block, each
	 * failure with its line.
	 */
	lib = nz_daxlib_offline(&dm.dax);
	/* libdaxctl says how many blocks it offlined */
	if (lib > 0)
		done = lib;
	if (lib != NZ_DAXLIB_UNUSED && devmem_blocks_read(&dm, &mid) < 0)
		goto reread;
	cur = lib != NZ_DAXLIB_UNUSED ? &mid : &before;
	for (i = 0; i < cur->n; i++) {
		struct nz_memblock b = cur->blk[i];

		if (!devmem_has(&dm, b.index))
			continue;
		switch (nz_block_offline(&b, cur->block_size, true)) {
		case NZ_BLK_DONE:
			done++;
			break;
		case NZ_BLK_FAILED:
			failed++;
			break;
		case NZ_BLK_SKIPPED:
			break;
		}
	}
	nz_memblocks_free(&mid);
	if (devmem_blocks_read(&dm, &mid) < 0)
		goto reread;
	for (i = 0; i < mid.n; i++)
		if (devmem_has(&dm, mid.blk[i].index) &&
		    strcmp(mid.blk[i].state, "offline"))
			still++;
	/*
	 * kmem cannot remove online memory: unbinding it then leaks it.  A
	 * block that cannot be read may be online.
	 */
	if (mid.failed) {
		nz_errx("%s: %d memory blocks of the device cannot be read: the device stays system-ram",
			dev, mid.failed);
	} else if (!still && !failed) {
		if (nz_dax_bind(dev, NZ_DAX_DEVDAX) == 0) {
			printf("%s: bound to device_dax (was system-ram)\n",
			       dev);
			rc = NZ_EXIT_OK;
		}
	} else {
		nz_errx("%s: %zu memory blocks are still online: the device stays system-ram",
			dev, still);
	}
	if (nz_memblocks_read(&after) == 0) {
		if (!report_changes(&dm, &before, &after))
			printf("%s: no memory block changed\n", dev);
		report_summary(&dm, &after);
	}
	/* the ZONE_NVM counters, when some of its memory was in ZONE_NVM */
	stats_read(&st1);
	if (nvm && st0.have && st1.have)
		printf("%s: ZONE_NVM offlining moved %" PRIu64
		       " pages into other ZONE_NVM memory and %" PRIu64
		       " into DRAM; %" PRIu64 " attempts refused\n",
		       dev, st1.mig_nvm - st0.mig_nvm,
		       st1.mig_dram - st0.mig_dram, st1.refused - st0.refused);
	if (rc != NZ_EXIT_OK)
		rc = done ? NZ_EXIT_PARTIAL : NZ_EXIT_FAILURE;
	goto out;
reread:
	/* the blocks could not be read back: what is known to have changed */
	rc = done ? NZ_EXIT_PARTIAL : NZ_EXIT_FAILURE;
out:
	nz_memblocks_free(&before);
	nz_memblocks_free(&mid);
	nz_memblocks_free(&after);
	return rc;
}
