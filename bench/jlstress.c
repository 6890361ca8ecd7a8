// SPDX-License-Identifier: GPL-2.0
/*
 * jlstress: flip a static key FLIPS times on one CPU while every other
 * CPU allocates and frees pages in a loop, running through the key's
 * patched sites.  On a JUMP_LABEL=y kernel each flip rewrites those sites
 * with text_poke_bp() (int3, sync, tail, sync, first byte, sync), which
 * must be invisible to the CPUs running them.  Used by
 * bench/jump-label-tcg.sh to tell the emulator's cross-modifying-code
 * handling from the kernel's.  The module never stays loaded.
 *
 *   key=0  zone_nvm_key (the fork: gfp_zone() on every allocation)
 *   key=1  init_on_alloc (stock 6.1: post_alloc_hook())
 *   key=2  a key of this module, one site in its own loop
 */
#include <linux/delay.h>
#include <linux/gfp.h>
#include <linux/jump_label.h>
#include <linux/kthread.h>
#include <linux/mm.h>
#include <linux/module.h>

#ifdef CONFIG_ZONE_NVM
DECLARE_STATIC_KEY_FALSE(zone_nvm_key);
#endif
static DEFINE_STATIC_KEY_FALSE(jlstress_key);

static int key = 2;
module_param(key, int, 0444);
static int flips = 400;
module_param(flips, int, 0444);

static atomic_t jlstress_stop;

static noinline void jlstress_site(unsigned long *n)
{
	if (static_branch_unlikely(&jlstress_key))
		(*n)++;
}

static int jlstress_worker(void *arg)
{
	unsigned long allocs = 0, hits = 0;

	while (!atomic_read(&jlstress_stop)) {
		struct page *page = alloc_page(GFP_KERNEL);

		jlstress_site(&hits);
		if (page)
			__free_page(page);
		allocs++;
	}
	pr_notice("jlstress: cpu %d: %lu allocations\n", raw_smp_processor_id(), allocs);
	while (!kthread_should_stop())
		msleep(1);
	return 0;
}

static struct static_key *jlstress_the_key(void)
{
	switch (key) {
#ifdef CONFIG_ZONE_NVM
	case 0:
		return &zone_nvm_key.key;
#endif
	case 1:
		return &init_on_alloc.key;
	case 2:
		return &jlstress_key.key;
	}
	return NULL;
}

static int __init jlstress_init(void)
{
	struct static_key *k = jlstress_the_key();
	struct task_struct *t[NR_CPUS] = {};
	int cpu, i, self;

	if (!k || flips < 0)
		return -EINVAL;
	if (static_key_enabled(k))
		return -EBUSY;	/* the key is in use: leave it alone */
	self = get_cpu();
	for_each_online_cpu(cpu) {
		if (cpu == self)
			continue;
		t[cpu] = kthread_create_on_cpu(jlstress_worker, NULL, cpu, "jlstress/%u");
		if (IS_ERR(t[cpu])) {
			t[cpu] = NULL;
			continue;
		}
		wake_up_process(t[cpu]);
	}
	put_cpu();
	msleep(50);
	for (i = 0; i < flips; i++) {
		if (i & 1)
			static_key_disable(k);
		else
			static_key_enable(k);
		cond_resched();
	}
	static_key_disable(k);
	atomic_set(&jlstress_stop, 1);
	for_each_online_cpu(cpu)
		if (t[cpu])
			kthread_stop(t[cpu]);
	atomic_set(&jlstress_stop, 0);
	pr_notice("jlstress: key %d: %d flips done\n", key, flips);
	return -ECANCELED;	/* done; nothing to keep loaded */
}
module_init(jlstress_init);
MODULE_DESCRIPTION("Flip a static key while other CPUs run its sites");
MODULE_LICENSE("GPL");
