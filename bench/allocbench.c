// SPDX-License-Identifier: GPL-2.0
/*
 * allocbench - page allocator microbenchmark for "make bench".
 *
 * Loading the module runs one measurement and prints one line:
 *
 *   allocbench: mode=MODE order=N cpus=C batch=B iters=I ns=NS
 *
 * Each of the first C online CPUs runs a kthread bound to it that allocates
 * B pages of order N with the flags of MODE, frees them, and repeats until
 * I pages were allocated; NS is the mean time of one allocation plus its
 * free, in nanoseconds, averaged over the CPUs.  A warm-up pass of I/10
 * comes first.  The module then stays loaded; unload it before the next
 * run.  Built out of tree against both kernels: modes that need the fork
 * exist only where their config option does.
 *
 *   normal   GFP_KERNEL
 *   movable  GFP_HIGHUSER_MOVABLE
 *   nvm      GFP_HIGHUSER_MOVABLE | __GFP_NVM (CONFIG_ZONE_NVM: only movable
 *            requests may use ZONE_NVM, docs/design.md)
 *   mirror   GFP_KERNEL | __GFP_MIRROR       (CONFIG_MEMORY_MIRROR)
 */
#include <linux/completion.h>
#include <linux/cpumask.h>
#include <linux/gfp.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/slab.h>

/* The largest buddy order: MAX_PAGE_ORDER since 6.8, MAX_ORDER - 1 before */
#ifdef MAX_PAGE_ORDER
#define BENCH_MAX_ORDER	MAX_PAGE_ORDER
#else
#define BENCH_MAX_ORDER	(MAX_ORDER - 1)
#endif

static char *mode = "normal";
module_param(mode, charp, 0444);
static uint order;
module_param(order, uint, 0444);
static uint cpus = 1;
module_param(cpus, uint, 0444);
static uint batch = 32;
module_param(batch, uint, 0444);
static uint iters = 200000;
module_param(iters, uint, 0444);

struct bench_cpu {
	struct completion done;
	gfp_t gfp;
	u64 ns;
	int err;
};

static int bench_pass(struct bench_cpu *bc, struct page **pages, uint n)
{
	uint done = 0, i;

	while (done < n) {
		for (i = 0; i < batch; i++) {
			pages[i] = alloc_pages(bc->gfp, order);
			if (!pages[i])
				break;
		}
		done += i;
		while (i--)
			__free_pages(pages[i], order);
		if (!pages[0])
			return -ENOMEM;
		cond_resched();
	}
	return 0;
}

static int bench_thread(void *arg)
{
	struct bench_cpu *bc = arg;
	struct page **pages;
	u64 t0;

	pages = kcalloc(batch, sizeof(*pages), GFP_KERNEL);
	if (!pages) {
		bc->err = -ENOMEM;
		goto out;
	}
	bc->err = bench_pass(bc, pages, iters / 10);
	if (!bc->err) {
		t0 = ktime_get_ns();
		bc->err = bench_pass(bc, pages, iters);
		bc->ns = ktime_get_ns() - t0;
	}
	kfree(pages);
out:
	complete(&bc->done);
	return 0;
}

static int bench_gfp(const char *m, gfp_t *gfp)
{
	if (!strcmp(m, "normal"))
		*gfp = GFP_KERNEL;
	else if (!strcmp(m, "movable"))
		*gfp = GFP_HIGHUSER_MOVABLE;
#ifdef CONFIG_ZONE_NVM
	else if (!strcmp(m, "nvm"))
		*gfp = GFP_HIGHUSER_MOVABLE | __GFP_NVM;
#endif
#ifdef CONFIG_MEMORY_MIRROR
	else if (!strcmp(m, "mirror"))
		*gfp = GFP_KERNEL | __GFP_MIRROR;
#endif
	else
		return -EINVAL;
	*gfp |= __GFP_NOWARN;
	return 0;
}

static int __init allocbench_init(void)
{
	struct bench_cpu *bc;
	uint n = 0, i;
	u64 sum = 0;
	gfp_t gfp;
	int cpu, err;

	err = bench_gfp(mode, &gfp);
	if (err || !batch || batch > 4096 || order > BENCH_MAX_ORDER || !iters ||
	    !cpus || cpus > num_online_cpus()) {
		pr_err("allocbench: bad parameters\n");
		return -EINVAL;
	}
	bc = kcalloc(cpus, sizeof(*bc), GFP_KERNEL);
	if (!bc)
		return -ENOMEM;
	for_each_online_cpu(cpu) {
		struct task_struct *t;

		if (n == cpus)
			break;
		init_completion(&bc[n].done);
		bc[n].gfp = gfp;
		t = kthread_create_on_cpu(bench_thread, &bc[n], cpu,
					  "allocbench/%u");
		if (IS_ERR(t)) {
			err = PTR_ERR(t);
			break;
		}
		wake_up_process(t);
		n++;
	}
	for (i = 0; i < n; i++) {
		wait_for_completion(&bc[i].done);
		if (bc[i].err)
			err = bc[i].err;
		sum += bc[i].ns;
	}
	if (!err && n == cpus)
		pr_info("allocbench: mode=%s order=%u cpus=%u batch=%u iters=%u ns=%llu.%02llu\n",
			mode, order, cpus, batch, iters,
			div_u64(sum, (u64)iters * n),
			div_u64(sum * 100, (u64)iters * n) % 100);
	else
		pr_err("allocbench: mode=%s order=%u cpus=%u failed: %d\n",
		       mode, order, cpus, err);
	kfree(bc);
	return err;
}

static void __exit allocbench_exit(void)
{
}

module_init(allocbench_init);
module_exit(allocbench_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("page allocator microbenchmark for make bench");
