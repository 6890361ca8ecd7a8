// SPDX-License-Identifier: GPL-2.0
/*
 * Crash and corruption simulator for mm/nvm_persist_meta.c, built on the
 * host against the kernel's own source (shim/ supplies the few kernel
 * interfaces it uses).
 *
 * The medium is modelled in 8-byte words, the unit x86 and arm64 keep
 * atomic: what the code stores lands in a cache view; a write-back marks
 * the written-back lines' current contents pending; a fence makes pending
 * words persistent.  A crash keeps, for every word that differs from the
 * persistent image, any of its values (the persistent one, the pending one,
 * the cached one) at random: stores reordered, lines evicted early, writes
 * torn at any word.  Each update is crashed at every write-back, fence and
 * step, several times over, recovered, and must come back as its old or its
 * new state (the old one before slot 0's header, the new one after its
 * fence); recovery itself is crashed the same way.  Corruption flips random
 * bits of a table at rest: every region comes back intact or quarantined,
 * never changed, and no unit is claimed twice.
 *
 * Prints "PASS name" / "FAIL name: why" lines; exits non-zero on a failure.
 *   nvm_meta_sim [-s SEED] [-n SCALE] [-t api|format|crash|crafted|corrupt|garbage]
 */
#include "kshim.h"
#include <linux/nvm_persist.h>
#include <getopt.h>
#include <inttypes.h>
#include <time.h>
#include <unistd.h>

/* CRC32C (Castagnoli), reflected, as the kernel's crc32c() */
static u32 crc_table[256];

static void crc_init(void)
{
	for (u32 i = 0; i < 256; i++) {
		u32 c = i;

		for (int k = 0; k < 8; k++)
			c = c & 1 ? (c >> 1) ^ 0x82f63b78 : c >> 1;
		crc_table[i] = c;
	}
}

static u32 crc32c(u32 crc, const void *p, size_t len)
{
	const u8 *b = p;

	while (len--)
		crc = crc_table[(crc ^ *b++) & 0xff] ^ (crc >> 8);
	return crc;
}

/* lib/crc32.c's, which the kernel code calls */
u32 __crc32c_le(u32 crc, unsigned char const *p, size_t len)
{
	return crc32c(crc, p, len);
}

static u64 rng_state;

static u64 rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static u64 rnd_below(u64 n)
{
	return n ? rnd() % n : 0;
}

#define AREA	NVM_META_SIZE
#define WORDS	(AREA / 8)
#define DEV_UNITS	(1ULL << 18)	/* a 1 GiB device */

struct sim {
	u8 *cache;		/* what the CPU sees: the device's base */
	u8 *media;		/* persistent */
	u8 *pendv;		/* a word's written-back value, not yet fenced */
	u8 *pend;		/* which words are pending */
	long events;
	long crash_at;		/* event that snapshots a crash image */
	u8 *crash_img;
	bool crashed;
	unsigned int stop_step;
	long step_event[NVM_STEPS + 1];
	long fence_after_header0;
	bool seen_header0;
};

static int failures;
static long checks;

#define FAIL(...) do { printf("FAIL "); printf(__VA_ARGS__); printf("\n"); failures++; } while (0)

static void make_crash_image(struct sim *s)
{
	u64 *c = (u64 *)s->cache, *m = (u64 *)s->media, *pv = (u64 *)s->pendv;
	u64 *out = (u64 *)s->crash_img;

	for (size_t w = 0; w < WORDS; w++) {
		u64 choice[3];
		int n = 0;

		choice[n++] = m[w];
		if (s->pend[w])
			choice[n++] = pv[w];
		if (c[w] != m[w])
			choice[n++] = c[w];
		out[w] = choice[rnd_below(n)];
	}
	s->crashed = true;
}

static void event(struct sim *s)
{
	s->events++;
	if (s->events == s->crash_at)
		make_crash_image(s);
}

static void sim_flush(void *ctx, void *addr, size_t len)
{
	struct sim *s = ctx;
	size_t off = (u8 *)addr - s->cache, end = off + len;

	event(s);
	if (off >= AREA || end > AREA) {
		FAIL("write-back outside the metadata area (%zu+%zu)", off, len);
		return;
	}
	off &= ~(size_t)63;
	end = (end + 63) & ~(size_t)63;
	for (size_t w = off / 8; w < end / 8; w++) {
		memcpy(s->pendv + w * 8, s->cache + w * 8, 8);
		s->pend[w] = 1;
	}
}

static void sim_fence(void *ctx)
{
	struct sim *s = ctx;

	event(s);
	if (s->seen_header0 && !s->fence_after_header0)
		s->fence_after_header0 = s->events;
	for (size_t w = 0; w < WORDS; w++) {
		if (s->pend[w]) {
			memcpy(s->media + w * 8, s->pendv + w * 8, 8);
			s->pend[w] = 0;
		}
	}
}

static int sim_step(void *ctx, unsigned int st)
{
	struct sim *s = ctx;

	event(s);
	if (st <= NVM_STEPS)
		s->step_event[st] = s->events;
	if (st == NVM_STEP_HEADER0)
		s->seen_header0 = true;
	return st == s->stop_step;
}

static const struct nvm_meta_ops sim_ops = {
	.flush = sim_flush,
	.fence = sim_fence,
	.step = sim_step,
};

static struct sim *sim_new(void)
{
	struct sim *s = calloc(1, sizeof(*s));

	s->cache = calloc(1, AREA);
	s->media = calloc(1, AREA);
	s->pendv = calloc(1, AREA);
	s->pend = calloc(1, WORDS);
	s->crash_img = calloc(1, AREA);
	return s;
}

static void sim_free(struct sim *s)
{
	free(s->cache);
	free(s->media);
	free(s->pendv);
	free(s->pend);
	free(s->crash_img);
	free(s);
}

/* a medium at rest holding img */
static void sim_load(struct sim *s, const u8 *img)
{
	memcpy(s->cache, img, AREA);
	memcpy(s->media, img, AREA);
	memset(s->pend, 0, WORDS);
	s->events = 0;
	s->crash_at = -1;
	s->crashed = false;
	s->stop_step = 0;
	memset(s->step_event, 0, sizeof(s->step_event));
	s->fence_after_header0 = 0;
	s->seen_header0 = false;
}

static void dev_init(struct nvm_meta_dev *d, struct sim *s, struct nvm_region_rec *rec)
{
	memset(d, 0, sizeof(*d));
	d->base = s->cache;
	d->dev_units = DEV_UNITS;
	d->align_units = 1;
	d->ops = &sim_ops;
	d->ctx = s;
	d->rec = rec;
}

/* the part of the decoded state a user sees */
static bool rec_same(const struct nvm_region_rec *a, const struct nvm_region_rec *b)
{
	if (a->state != b->state)
		return false;
	if (a->state == NVM_REGION_FREE)
		return true;
	if (a->id != b->id || a->uid != b->uid || a->gid != b->gid || a->mode != b->mode ||
	    a->nr_units != b->nr_units || a->ctime != b->ctime || a->nr_extents != b->nr_extents ||
	    strncmp(a->name, b->name, NVM_META_NAME_LEN))
		return false;
	for (u32 i = 0; i < a->nr_extents; i++)
		if (a->ext[i].first != b->ext[i].first || a->ext[i].nr != b->ext[i].nr)
			return false;
	return true;
}

static bool table_same(const struct nvm_region_rec *a, const struct nvm_region_rec *b)
{
	for (int i = 0; i < NVM_META_ENTRIES; i++)
		if (!rec_same(&a[i], &b[i]))
			return false;
	return true;
}

static size_t tbl_size = NVM_META_ENTRIES * sizeof(struct nvm_region_rec);

/* units in use in a table, for picking free ones */
static u8 *used_map(const struct nvm_region_rec *t)
{
	u8 *m = calloc(1, DEV_UNITS);

	memset(m, 1, NVM_META_UNITS);
	for (int i = 0; i < NVM_META_ENTRIES; i++)
		for (u32 j = 0; j < t[i].nr_extents; j++)
			memset(m + t[i].ext[j].first, 1, t[i].ext[j].nr);
	return m;
}

/* up to want units in free runs, at most n extents */
static void pick_extents(const struct nvm_region_rec *t, struct nvm_region_rec *r,
			 u32 n, u64 want)
{
	u8 *m = used_map(t);

	for (u32 i = 0; i < r->nr_extents; i++)
		memset(m + r->ext[i].first, 1, r->ext[i].nr);
	while (r->nr_extents < n && want) {
		u64 start = NVM_META_UNITS + rnd_below(DEV_UNITS - NVM_META_UNITS), len = 0;

		while (start < DEV_UNITS && m[start])
			start++;
		while (start + len < DEV_UNITS && !m[start + len] && len < want)
			len++;
		if (!len)
			continue;
		r->ext[r->nr_extents].first = start;
		r->ext[r->nr_extents].nr = len;
		r->nr_extents++;
		r->nr_units += len;
		memset(m + start, 1, len);
		want -= len;
	}
	free(m);
}

static unsigned long name_seq;

/* a random operation on the table t: *idx and *r, the new content */
static void random_op(const struct nvm_region_rec *t, unsigned int *idx,
		      struct nvm_region_rec *r, const char **what)
{
	unsigned int live[NVM_META_ENTRIES], free_[NVM_META_ENTRIES], nl = 0, nf = 0;

	for (unsigned int i = 0; i < NVM_META_ENTRIES; i++) {
		if (t[i].state == NVM_REGION_LIVE)
			live[nl++] = i;
		else if (t[i].state == NVM_REGION_FREE)
			free_[nf++] = i;
	}
	int op = rnd_below(nl ? 5 : 1);

	if (op == 0 && nf) {
		*idx = free_[rnd_below(nf)];
		memset(r, 0, sizeof(*r));
		r->state = NVM_REGION_LIVE;
		snprintf(r->name, sizeof(r->name), "region-%lu", ++name_seq);
		r->mode = rnd_below(01000);
		r->uid = rnd_below(70000);
		r->gid = rnd_below(70000);
		r->ctime = 1800000000 + rnd_below(1000000);
		pick_extents(t, r, 1 + rnd_below(4), 1 + rnd_below(4096));
		*what = "create";
		return;
	}
	if (!nl) {
		*idx = 0;
		*r = t[0];
		*what = "nothing";
		return;
	}
	*idx = live[rnd_below(nl)];
	*r = t[*idx];
	switch (op) {
	case 1:
		memset(r, 0, sizeof(*r));
		*what = "delete";
		break;
	case 2:
		if (r->nr_extents < NVM_META_EXTENTS) {
			pick_extents(t, r, r->nr_extents + 1, 1 + rnd_below(2048));
			*what = "grow";
			break;
		}
		/* fall through */
	case 3:
		if (r->nr_extents > 1) {
			r->nr_extents--;
			r->nr_units -= r->ext[r->nr_extents].nr;
			memset(&r->ext[r->nr_extents], 0, sizeof(r->ext[0]));
			*what = "shrink";
			break;
		}
		/* fall through */
	default:
		r->mode = rnd_below(01000);
		r->uid = rnd_below(70000);
		*what = "chown";
		break;
	}
}

/* both slots identical and valid: what a recovered, repaired device holds */
static bool slots_clean(const u8 *img)
{
	/* headers differ only in their slot number and CRC */
	if (memcmp(img + 16, img + NVM_META_SLOT_SIZE + 16, 256 - 16 - 4) ||
	    memcmp(img, img + NVM_META_SLOT_SIZE, 12))
		return false;
	return !memcmp(img + 4096, img + NVM_META_SLOT_SIZE + 4096, NVM_META_ENTRIES * 512);
}

/* recover img (at rest) into t; 0 or the error */
static int recover_img(struct sim *s, const u8 *img, struct nvm_region_rec *t,
		       struct nvm_meta_report *rep, long crash_at)
{
	struct nvm_meta_dev d;

	sim_load(s, img);
	s->crash_at = crash_at;
	dev_init(&d, s, t);
	return nvm_meta_recover(&d, rep);
}

/* recovery of a repaired device finds nothing to do and changes nothing */
static bool recover_stable(struct sim *s, const struct nvm_region_rec *want)
{
	struct nvm_region_rec *t = calloc(NVM_META_ENTRIES, sizeof(*t));
	struct nvm_meta_report rep;
	u8 *before = malloc(AREA);
	bool ok;

	memcpy(before, s->media, AREA);
	ok = !recover_img(s, before, t, &rep, -1) && table_same(t, want) &&
	     !rep.copies_repaired && !rep.newly_quarantined && rep.headers_valid == 2 &&
	     !memcmp(s->media, before, AREA) && slots_clean(s->media);
	free(before);
	free(t);
	return ok;
}

static int scale = 1;

/* a device at rest, recovered (which writes nothing on a clean one) */
static int dev_from_img(struct sim *s, const u8 *img, struct nvm_meta_dev *d,
			struct nvm_region_rec *t)
{
	struct nvm_meta_report rep;
	int ret;

	sim_load(s, img);
	dev_init(d, s, t);
	ret = nvm_meta_recover(d, &rep);
	s->events = 0;
	memset(s->step_event, 0, sizeof(s->step_event));
	s->fence_after_header0 = 0;
	s->seen_header0 = false;
	return ret;
}

/* crash the recovery of crashed at a random point: the same state after */
static void crash_recovery(struct sim *s2, const u8 *crashed, const struct nvm_region_rec *want,
			   const char *what, long k)
{
	struct nvm_region_rec *t = calloc(NVM_META_ENTRIES, sizeof(*t));
	struct nvm_meta_report rep;
	u8 *again = malloc(AREA);
	long rk;

	recover_img(s2, crashed, t, &rep, -1);
	if (s2->events) {
		rk = 1 + rnd_below(s2->events);
		recover_img(s2, crashed, t, &rep, rk);
		if (!s2->crashed)
			make_crash_image(s2);
		memcpy(again, s2->crash_img, AREA);
		checks++;
		if (recover_img(s2, again, t, &rep, -1) || !table_same(t, want))
			FAIL("persist-meta: %s crashed at event %ld, its recovery crashed at %ld/%ld: a different state",
			     what, k, rk, s2->events);
	}
	free(again);
	free(t);
}

/* every crash point of one update, and of the recovery after it */
static void crash_one_op(const u8 *img, unsigned int idx, const struct nvm_region_rec *r,
			 const char *what, u8 *new_img)
{
	struct nvm_region_rec *old = calloc(NVM_META_ENTRIES, sizeof(*old));
	struct nvm_region_rec *nw = calloc(NVM_META_ENTRIES, sizeof(*nw));
	struct nvm_region_rec *t = calloc(NVM_META_ENTRIES, sizeof(*t));
	struct sim *s = sim_new(), *s2 = sim_new();
	u8 *crashed = malloc(AREA);
	struct nvm_meta_report rep;
	struct nvm_meta_dev d;
	long total, h0, f0;
	int ret;

	/* the uninterrupted run: how many events, where the commit point is */
	if (dev_from_img(s, img, &d, old)) {
		FAIL("persist-meta: the state at rest does not recover");
		goto out;
	}
	memcpy(nw, old, tbl_size);
	d.rec = nw;
	ret = nvm_meta_update(&d, idx, r);
	if (ret) {
		FAIL("persist-meta: %s of entry %u refused (%d)", what, idx, ret);
		goto out;
	}
	total = s->events;
	h0 = s->step_event[NVM_STEP_HEADER0];
	f0 = s->fence_after_header0;
	memcpy(new_img, s->media, AREA);
	if (memcmp(s->media, s->cache, AREA))
		FAIL("persist-meta: %s: the update returned with words not persistent", what);

	for (long k = 1; k <= total + 1; k++) {
		for (int rep_i = 0; rep_i < 2 * scale; rep_i++) {
			dev_from_img(s, img, &d, t);
			s->crash_at = k;
			nvm_meta_update(&d, idx, r);
			if (!s->crashed)
				make_crash_image(s);	/* after it returned */
			memcpy(crashed, s->crash_img, AREA);
			ret = recover_img(s2, crashed, t, &rep, -1);
			checks++;
			if (ret) {
				FAIL("persist-meta: %s crashed at event %ld/%ld: recovery failed (%d)",
				     what, k, total, ret);
				continue;
			}
			bool is_old = table_same(t, old), is_new = table_same(t, nw);

			if (!is_old && !is_new)
				FAIL("persist-meta: %s crashed at event %ld/%ld: neither the old nor the new state",
				     what, k, total);
			else if (k <= h0 && !is_old)
				FAIL("persist-meta: %s crashed at event %ld (commit point after %ld): not the old state",
				     what, k, h0);
			else if (k > f0 && !is_new)
				FAIL("persist-meta: %s crashed at event %ld (commit point %ld): not the new state",
				     what, k, f0);
			else if (rep.quarantined)
				FAIL("persist-meta: %s crashed at event %ld: %u entries quarantined",
				     what, k, rep.quarantined);
			else if (!recover_stable(s2, t))
				FAIL("persist-meta: %s crashed at event %ld: a second recovery was not clean",
				     what, k);
			else
				crash_recovery(s2, crashed, t, what, k);
		}
	}
out:
	free(crashed);
	sim_free(s);
	sim_free(s2);
	free(old);
	free(nw);
	free(t);
}

static u8 *fresh_img(struct sim *s)
{
	struct nvm_region_rec *t = calloc(NVM_META_ENTRIES, sizeof(*t));
	u8 *img = calloc(1, AREA), uuid[16];
	struct nvm_meta_dev d;

	for (int i = 0; i < 16; i++)
		uuid[i] = rnd();
	sim_load(s, img);
	dev_init(&d, s, t);
	nvm_meta_format(&d, uuid);
	memcpy(img, s->media, AREA);
	free(t);
	return img;
}

static void test_crash_updates(int ops)
{
	struct sim *s = sim_new();
	struct nvm_region_rec *t = calloc(NVM_META_ENTRIES, sizeof(*t));
	u8 *img = fresh_img(s), *nimg = malloc(AREA);
	struct nvm_meta_dev d;
	int before = failures, counts[8] = { 0 };
	long before_checks = checks;
	const char *names[] = { "create", "delete", "grow", "shrink", "chown" };

	for (int n = 0; n < ops && failures == before; n++) {
		struct nvm_region_rec r;
		unsigned int idx;
		const char *what;

		if (dev_from_img(s, img, &d, t)) {
			FAIL("persist-meta: recovery of the state at rest failed");
			break;
		}
		random_op(t, &idx, &r, &what);
		for (int i = 0; i < 5; i++)
			counts[i] += !strcmp(what, names[i]);
		crash_one_op(img, idx, &r, what, nimg);
		memcpy(img, nimg, AREA);
	}
	if (failures == before)
		printf("PASS persist-meta: %d updates (%d create, %d delete, %d grow, %d shrink, %d chown) crashed at every write-back, fence and step, %ld recoveries: the old state before the commit point, the new one after it\n",
		       ops, counts[0], counts[1], counts[2], counts[3], counts[4], checks - before_checks);
	free(img);
	free(nimg);
	free(t);
	sim_free(s);
}

/* a table of n live regions, at rest */
static u8 *populated_img(struct sim *s, int n, struct nvm_region_rec *t)
{
	u8 *img = fresh_img(s);
	struct nvm_meta_dev d;

	for (int i = 0; i < n; i++) {
		struct nvm_region_rec r;
		unsigned int idx;
		const char *what;

		dev_from_img(s, img, &d, t);
		do
			random_op(t, &idx, &r, &what);
		while (strcmp(what, "create") && strcmp(what, "grow") && strcmp(what, "nothing"));
		if (!strcmp(what, "nothing")) {
			FAIL("persist-meta: populating: no free entry left after %d updates", i);
			break;
		}
		if (nvm_meta_update(&d, idx, &r))
			FAIL("persist-meta: populating: %s refused", what);
		memcpy(img, s->media, AREA);
	}
	dev_from_img(s, img, &d, t);
	return img;
}

/* a crash while formatting leaves the earlier format, none, or an empty table */
static void test_crash_format(void)
{
	struct sim *s = sim_new(), *s2 = sim_new();
	struct nvm_region_rec *t = calloc(NVM_META_ENTRIES, sizeof(*t));
	struct nvm_region_rec *old_t = calloc(NVM_META_ENTRIES, sizeof(*old_t));
	struct nvm_region_rec *empty_t = calloc(NVM_META_ENTRIES, sizeof(*empty_t));
	u8 *zero = calloc(1, AREA), *old = populated_img(s, 20, old_t), uuid[16] = { 1, 2, 3 };
	struct nvm_meta_report rep;
	struct nvm_meta_dev d;
	int before = failures, none = 0, empty = 0, earlier = 0;
	long total;

	for (int pass = 0; pass < 2; pass++) {
		const u8 *start = pass ? old : zero;

		sim_load(s, start);
		dev_init(&d, s, t);
		nvm_meta_format(&d, uuid);
		total = s->events;
		for (long k = 1; k <= total + 1; k += 1 + (long)rnd_below(8)) {
			for (int r = 0; r < 3; r++) {
				sim_load(s, start);
				dev_init(&d, s, t);
				s->crash_at = k;
				nvm_meta_format(&d, uuid);
				if (!s->crashed)
					make_crash_image(s);
				int ret = recover_img(s2, s->crash_img, t, &rep, -1);

				checks++;
				if (ret == -ENOENT)
					none++;
				else if (!ret && table_same(t, empty_t) && !rep.quarantined)
					empty++;
				else if (!ret && pass && table_same(t, old_t))
					earlier++;
				else
					FAIL("persist-meta: format crashed at event %ld/%ld: %d, %u live, %u quarantined",
					     k, total, ret, rep.live, rep.quarantined);
			}
		}
	}
	if (failures == before)
		printf("PASS persist-meta: format crashed at %d points, over nothing and over a format of 20 regions: the earlier table (%d), no metadata (%d) or the new empty table (%d), nothing else\n",
		       none + empty + earlier, earlier, none, empty);
	free(zero);
	free(old);
	free(t);
	free(old_t);
	free(empty_t);
	sim_free(s);
	sim_free(s2);
}

/* in range, and no unit of a live entry claimed by another entry */
static bool table_sane(const struct nvm_region_rec *t)
{
	u8 *m = calloc(1, DEV_UNITS);
	bool ok = true;

	for (int pass = 0; pass < 2 && ok; pass++) {
		for (int i = 0; i < NVM_META_ENTRIES && ok; i++) {
			if (t[i].state == NVM_REGION_FREE)
				continue;
			for (u32 j = 0; j < t[i].nr_extents && ok; j++) {
				u64 f = t[i].ext[j].first, e = f + t[i].ext[j].nr;

				if (f < NVM_META_UNITS || e > DEV_UNITS || e <= f) {
					ok = false;
					break;
				}
				for (u64 u = f; u < e; u++) {
					/* pass 0 marks live units, pass 1 looks for others on them */
					if (pass == 0 && t[i].state == NVM_REGION_LIVE && m[u]++)
						ok = false;
					if (pass == 1 && t[i].state != NVM_REGION_LIVE && m[u])
						ok = false;
				}
			}
		}
	}
	free(m);
	return ok;
}

/*
 * Bits flipped at rest: every region comes back as it was or quarantined,
 * no free entry becomes live, no unit is claimed twice; a region that is
 * quarantined with its units unknown sets lost_units.
 */
static void test_corruption(int trials)
{
	struct sim *s = sim_new();
	struct nvm_region_rec *orig = calloc(NVM_META_ENTRIES, sizeof(*orig));
	struct nvm_region_rec *t = calloc(NVM_META_ENTRIES, sizeof(*t));
	u8 *img = populated_img(s, 60, orig), *bad = malloc(AREA);
	int before = failures;
	long flips = 0, intact = 0, quarantined = 0, repaired = 0;

	for (int n = 0; n < trials && failures - before < 5; n++) {
		struct nvm_meta_report rep;
		struct nvm_meta_dev d;
		int nflip = 1 + rnd_below(n % 4 == 3 ? 2000 : 40);
		bool magic_hit[2] = { false, false };

		memcpy(bad, img, AREA);
		for (int f = 0; f < nflip; f++) {
			size_t off;

			/* half of them where the table lives: headers and used entries */
			if (rnd() & 1) {
				int sl = rnd() & 1;
				unsigned int e = rnd_below(80);

				off = sl * NVM_META_SLOT_SIZE +
				      (rnd_below(8) ? 4096 + e * 512 + rnd_below(512) : rnd_below(256));
			} else {
				off = rnd_below(AREA);
			}
			bad[off] ^= 1 << rnd_below(8);
			if (off < 8)
				magic_hit[0] = true;
			if (off >= NVM_META_SLOT_SIZE && off < NVM_META_SLOT_SIZE + 8)
				magic_hit[1] = true;
		}
		flips += nflip;
		int ret = recover_img(s, bad, t, &rep, -1);

		checks++;
		(void)magic_hit;
		if (ret) {
			FAIL("persist-meta: %d bits flipped: recovery failed (%d)", nflip, ret);
			continue;
		}
		bool lost = false;

		for (int i = 0; i < NVM_META_ENTRIES; i++) {
			const struct nvm_region_rec *o = &orig[i], *g = &t[i];

			if (g->state == NVM_REGION_QUARANTINED) {
				quarantined++;
				lost |= !g->nr_extents;
				continue;
			}
			if (!rec_same(o, g)) {
				FAIL("persist-meta: %d bits flipped: entry %d came back changed (state %u -> %u, '%s')",
				     nflip, i, o->state, g->state, g->name);
				break;
			}
			intact += g->state == NVM_REGION_LIVE;
		}
		repaired += rep.copies_repaired;
		dev_init(&d, s, t);
		if (!table_sane(t))
			FAIL("persist-meta: %d bits flipped: a unit claimed twice or out of range", nflip);
		memcpy(bad, s->media, AREA);
		if (!recover_stable(s, t))
			FAIL("persist-meta: %d bits flipped: a second recovery was not clean", nflip);
		else {
			struct nvm_meta_report r2;

			recover_img(s, bad, t, &r2, -1);
			if (lost != r2.quarantined && lost && !r2.quarantined)
				FAIL("persist-meta: %d bits flipped: lost units not reported", nflip);
		}
	}
	if (failures == before)
		printf("PASS persist-meta: %d corrupted tables (%ld bits flipped, 60 regions): %ld regions intact, %ld quarantined, %ld copies repaired; never a changed region or a unit claimed twice\n",
		       trials, flips, intact, quarantined, repaired);
	free(img);
	free(bad);
	free(orig);
	free(t);
	sim_free(s);
}

/* on-media offsets of an entry's fields (include/linux/nvm_persist.h layout) */
#define E_STATE		16
#define E_NR_UNITS	32
#define E_NAME		48
#define E_NR_EXT	112
#define E_UUID		120
#define E_EXT		136
#define E_CRC		508

static u8 *entry_ptr(u8 *img, int slot, unsigned int idx)
{
	return img + slot * NVM_META_SLOT_SIZE + 4096 + idx * 512;
}

/* an edit made with a valid checksum, in both slots: what only a bug or a
 * deliberate write could leave */
static void reseal(u8 *img, unsigned int idx)
{
	for (int sl = 0; sl < 2; sl++) {
		u8 *e = entry_ptr(img, sl, idx);
		u32 crc = crc32c(crc32c(~0U, e + E_UUID, 16), e, E_CRC);

		crc = htole32(crc);
		memcpy(e + E_CRC, &crc, 4);
	}
}

static void set_both(u8 *img, unsigned int idx, size_t off, const void *v, size_t len)
{
	memcpy(entry_ptr(img, 0, idx) + off, v, len);
	memcpy(entry_ptr(img, 1, idx) + off, v, len);
	reseal(img, idx);
}

/*
 * Entries that validate but contradict the rest (another region's units or
 * name, units beyond the device, a bad state, a name that is not one): the
 * entries involved are quarantined, every other region comes back intact.
 */
static void test_crafted(void)
{
	struct sim *s = sim_new();
	struct nvm_region_rec *orig = calloc(NVM_META_ENTRIES, sizeof(*orig));
	struct nvm_region_rec *t = calloc(NVM_META_ENTRIES, sizeof(*t));
	u8 *img = populated_img(s, 30, orig), *bad = malloc(AREA);
	unsigned int live[NVM_META_ENTRIES], nl = 0;
	int before = failures, n = 0;

	for (unsigned int i = 0; i < NVM_META_ENTRIES; i++)
		if (orig[i].state == NVM_REGION_LIVE)
			live[nl++] = i;
	for (int c = 0; c < 7; c++) {
		unsigned int a = live[0], b = live[1 + c % (nl - 1)];
		struct nvm_meta_report rep;
		u64 v64;
		u32 v32;
		unsigned int want_a = NVM_REGION_LIVE, want_b = NVM_REGION_QUARANTINED, reason;
		bool lost = false;
		const char *what;

		memcpy(bad, img, AREA);
		switch (c) {
		case 0:
			what = "another region's units";
			set_both(bad, b, E_EXT, entry_ptr(bad, 0, a) + E_EXT, 16);
			/* keep its own sum right: the first extent's length changed */
			v64 = htole64(orig[b].nr_units - orig[b].ext[0].nr + orig[a].ext[0].nr);
			set_both(bad, b, E_NR_UNITS, &v64, 8);
			want_a = NVM_REGION_QUARANTINED;
			reason = NVM_Q_OVERLAP;
			break;
		case 1:
			what = "another region's name";
			set_both(bad, b, E_NAME, entry_ptr(bad, 0, a) + E_NAME, NVM_META_NAME_LEN);
			want_a = NVM_REGION_QUARANTINED;
			reason = NVM_Q_NAME;
			break;
		case 2:
			what = "units beyond the device";
			v64 = htole64(DEV_UNITS - 1);
			set_both(bad, b, E_EXT, &v64, 8);
			reason = NVM_Q_INVALID;
			lost = true;
			break;
		case 3:
			what = "state 9";
			v32 = htole32(9);
			set_both(bad, b, E_STATE, &v32, 4);
			reason = NVM_Q_INVALID;
			lost = true;
			break;
		case 4:
			what = "a name with a /";
			set_both(bad, b, E_NAME + 1, "/", 1);
			reason = NVM_Q_INVALID;
			lost = true;
			break;
		case 5:
			what = "nr_units not the sum of its extents";
			v64 = htole64(orig[b].nr_units + 1);
			set_both(bad, b, E_NR_UNITS, &v64, 8);
			reason = NVM_Q_INVALID;
			lost = true;
			break;
		default:
			what = "24 extents";
			v32 = htole32(24);
			set_both(bad, b, E_NR_EXT, &v32, 4);
			reason = NVM_Q_INVALID;
			lost = true;
			break;
		}
		n++;
		checks++;
		if (recover_img(s, bad, t, &rep, -1)) {
			FAIL("persist-meta: an entry with %s: recovery failed", what);
			continue;
		}
		bool ok = t[b].state == want_b && t[b].reason == reason && t[a].state == want_a &&
			  (t[b].nr_extents == 0) == lost;

		for (unsigned int i = 0; i < NVM_META_ENTRIES && ok; i++)
			if (i != a && i != b && !rec_same(&orig[i], &t[i]))
				ok = false;
		if (!ok)
			FAIL("persist-meta: an entry with %s: entry %u state %u reason %u, entry %u state %u",
			     what, b, t[b].state, t[b].reason, a, t[a].state);
		else if (!table_sane(t) || !recover_stable(s, t))
			FAIL("persist-meta: an entry with %s: not sane or not stable after", what);
	}
	if (failures == before)
		printf("PASS persist-meta: %d entries with valid checksums that contradict the table (shared units or name, out of range, bad state, name, sum or count): quarantined, every other region intact\n",
		       n);
	free(img);
	free(bad);
	free(orig);
	free(t);
	sim_free(s);
}

/* random bytes, with and without the magic numbers: no crash, a sane table */
static void test_garbage(int trials)
{
	struct sim *s = sim_new();
	struct nvm_region_rec *t = calloc(NVM_META_ENTRIES, sizeof(*t));
	u8 *img = malloc(AREA);
	int before = failures, codes[3] = { 0 };

	for (int n = 0; n < trials; n++) {
		struct nvm_meta_report rep;

		for (size_t i = 0; i < AREA; i += 8) {
			u64 v = rnd();

			memcpy(img + i, &v, 8);
		}
		if (n & 1) {
			u64 m = htole64(NVM_META_MAGIC);

			memcpy(img + (n & 2 ? NVM_META_SLOT_SIZE : 0), &m, 8);
		}
		int ret = recover_img(s, img, t, &rep, -1);

		checks++;
		if (ret == -ENOENT)
			codes[0]++;
		else if (!ret && table_sane(t))
			codes[2]++;
		else
			FAIL("persist-meta: random bytes: %d", ret);
	}
	if (failures == before)
		printf("PASS persist-meta: %d areas of random bytes, half with the magic number: %d not ours, %d recovered sane\n",
		       trials, codes[0], codes[2]);
	free(img);
	free(t);
	sim_free(s);
}

/* bad updates are refused with nothing changed */
static void test_api(void)
{
	struct sim *s = sim_new();
	struct nvm_region_rec *t = calloc(NVM_META_ENTRIES, sizeof(*t));
	u8 *img = populated_img(s, 8, t), *before_img = malloc(AREA);
	struct nvm_region_rec *before_t = calloc(NVM_META_ENTRIES, sizeof(*before_t));
	struct nvm_meta_dev d;
	unsigned int freei = 0, livei = 0, live2 = 0;
	int before = failures, n = 0;

	dev_from_img(s, img, &d, t);
	d.align_units = 16;
	for (unsigned int i = 0; i < NVM_META_ENTRIES; i++) {
		if (t[i].state == NVM_REGION_FREE && !freei)
			freei = i;
		if (t[i].state == NVM_REGION_LIVE) {
			if (!livei)
				livei = i;
			else if (!live2)
				live2 = i;
		}
	}
	memcpy(before_img, s->media, AREA);
	memcpy(before_t, t, tbl_size);
	u64 seq = d.seq, next = d.next_id;

	struct nvm_region_rec good = { .state = NVM_REGION_LIVE, .mode = 0600, .nr_units = 16,
		.nr_extents = 1, .ext = { { DEV_UNITS - 16, 16 } } };
	strcpy(good.name, "good");
	/* the last 16 units may be in use already: find 16 free aligned ones */
	u8 *m = used_map(t);

	for (u64 u = NVM_META_UNITS; u + 16 <= DEV_UNITS; u += 16) {
		if (!memchr(m + u, 1, 16)) {
			good.ext[0].first = u;
			break;
		}
	}
	free(m);

	struct { const char *what; int err; void (*mod)(struct nvm_region_rec *); } cases[] = {
#define C(w, e, body) { w, e, ({ void f(struct nvm_region_rec *r) { body; } f; }) }
		C("an empty name", -EINVAL, r->name[0] = 0),
		C("the name .", -EINVAL, strcpy(r->name, ".")),
		C("the name ..", -EINVAL, strcpy(r->name, "..")),
		C("a name with /", -EINVAL, strcpy(r->name, "a/b")),
		C("a name with a space", -EINVAL, strcpy(r->name, "a b")),
		C("a name with a byte above 127", -EINVAL, strcpy(r->name, "caf\xc3\xa9")),
		C("a 64-character name", -EINVAL, memset(r->name, 'a', 64)),
		C("mode 01600", -EINVAL, r->mode = 01600),
		C("no extent", -EINVAL, (r->nr_extents = 0, r->nr_units = 0)),
		C("25 extents", -EINVAL, r->nr_extents = 25),
		C("an empty extent", -EINVAL, (r->ext[0].nr = 0, r->nr_units = 0)),
		C("units inside the metadata area", -EINVAL, r->ext[0].first = 0),
		C("units beyond the device", -EINVAL, r->ext[0].first = DEV_UNITS - 8),
		C("an extent that wraps around", -EINVAL, (r->ext[0].nr = ~0ULL - 4, r->nr_units = ~0ULL - 4)),
		C("units not aligned to the page size", -EINVAL, r->ext[0].first += 8),
		C("a length not a multiple of the page size", -EINVAL, (r->ext[0].nr = 8, r->nr_units = 8)),
		C("nr_units not the sum of its extents", -EINVAL, r->nr_units = 32),
		C("two extents of its own overlapping", -EINVAL,
		  (r->nr_extents = 2, r->ext[1] = r->ext[0], r->nr_units = 32)),
		C("state quarantined", -EINVAL, r->state = NVM_REGION_QUARANTINED),
		C("state 7", -EINVAL, r->state = 7),
#undef C
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct nvm_region_rec r = good;

		cases[i].mod(&r);
		int ret = nvm_meta_update(&d, freei, &r);

		n++;
		if (ret != cases[i].err)
			FAIL("persist-meta: update with %s: %d, not %d", cases[i].what, ret, cases[i].err);
	}
	/* another live region's units, another live region's name, no such entry */
	struct nvm_region_rec r = good;

	r.ext[0] = t[livei].ext[0];
	r.ext[0].nr = r.nr_units = 16;
	r.ext[0].first &= ~15ULL;
	n++;
	int ret = nvm_meta_update(&d, freei, &r);

	if (ret != -EBUSY && ret != -EINVAL)
		FAIL("persist-meta: update claiming another region's units: %d, not -EBUSY", ret);
	r = good;
	memcpy(r.name, t[live2].name, sizeof(r.name));
	n++;
	if ((ret = nvm_meta_update(&d, freei, &r)) != -EEXIST)
		FAIL("persist-meta: update with another live region's name: %d, not -EEXIST", ret);
	n++;
	if ((ret = nvm_meta_update(&d, NVM_META_ENTRIES, &good)) != -EINVAL)
		FAIL("persist-meta: update of entry %u: %d, not -EINVAL", NVM_META_ENTRIES, ret);
	if (memcmp(s->media, before_img, AREA) || memcmp(s->cache, before_img, AREA) ||
	    !table_same(t, before_t) || d.seq != seq || d.next_id != next || s->events)
		FAIL("persist-meta: a refused update changed the device or its state");
	/* and the good one is taken, with the next id */
	n++;
	if ((ret = nvm_meta_update(&d, freei, &good)) || t[freei].id != next || d.seq != seq + 1)
		FAIL("persist-meta: the valid update: %d, id %" PRIu64 " (want %" PRIu64 ")", ret,
		     t[freei].id, next);
	/* the injection hook stops an update at each step; only the last is committed */
	for (unsigned int st = NVM_STEP_ENTRY0; st <= NVM_STEP_HEADER1; st++) {
		struct nvm_region_rec *t2 = calloc(NVM_META_ENTRIES, sizeof(*t2));
		struct nvm_meta_report rep;
		struct sim *s2 = sim_new();

		dev_from_img(s, before_img, &d, t);
		d.align_units = 16;
		s->stop_step = st;
		ret = nvm_meta_update(&d, freei, &good);
		n++;
		memcpy(img, s->cache, AREA);
		if (ret != -EINTR || recover_img(s2, img, t2, &rep, -1) ||
		    t2[freei].state != (st >= NVM_STEP_ENTRY1 ? NVM_REGION_LIVE : NVM_REGION_FREE))
			FAIL("persist-meta: update stopped before step %u: %d, entry state %u", st, ret,
			     t2[freei].state);
		free(t2);
		sim_free(s2);
	}
	if (failures == before)
		printf("PASS persist-meta: %d invalid updates refused (names, modes, extents, alignment, overlaps, duplicate names) with nothing written; stopped at each step, an update is committed from slot 0's header on\n",
		       n);
	free(img);
	free(before_img);
	free(before_t);
	free(t);
	sim_free(s);
}

static const char *only;

static bool want(const char *name)
{
	return !only || !strcmp(only, name);
}

int main(int argc, char **argv)
{
	u64 seed = 0;
	int c;

	while ((c = getopt(argc, argv, "s:n:t:")) != -1) {
		if (c == 's')
			seed = strtoull(optarg, NULL, 0);
		else if (c == 'n')
			scale = atoi(optarg);
		else if (c == 't')
			only = optarg;
		else
			return 2;
	}
	if (!seed)
		seed = (u64)time(NULL) ^ ((u64)getpid() << 32);
	if (scale < 1)
		scale = 1;
	setvbuf(stdout, NULL, _IOLBF, 0);
	rng_state = seed;
	crc_init();
	printf("# nvm_meta_sim seed %" PRIu64 " scale %d\n", seed, scale);
	if (want("api"))
		test_api();
	if (want("format"))
		test_crash_format();
	if (want("crash"))
		test_crash_updates(12 * scale);
	if (want("crafted"))
		test_crafted();
	if (want("corrupt"))
		test_corruption(300 * scale);
	if (want("garbage"))
		test_garbage(40 * scale);
	printf("# %ld checks, %d failed\n", checks, failures);
	return failures ? 1 : 0;
}
