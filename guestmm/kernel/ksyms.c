// SPDX-License-Identifier: MIT
/*
 * The kernel's exports: everything a module may link against, in one list
 * (so work on mm/ and kernel/ files does not touch it). A module calling a
 * name not here is refused at load ("Unknown symbol"), as Linux refuses one
 * calling a function the kernel does not export. EXPORT_SYMBOL_GPL where
 * Linux has the symbol GPL-only; memvisor-only names (dmadev, ktest) as
 * their Linux counterparts (drivers, KUnit) are.
 */
#include <linux/kernel.h>
#include <linux/export.h>
#include <linux/slab.h>
#include <linux/mempool.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/highmem.h>
#include <linux/vmalloc.h>
#include <linux/io.h>
#include <linux/percpu.h>
#include <linux/string.h>
#include <linux/kthread.h>
#include <linux/sched.h>
#include <linux/wait.h>
#include <linux/completion.h>
#include <linux/jiffies.h>
#include <linux/timer.h>
#include <linux/dmadev.h>
#include <linux/ktest.h>
#include <linux/smp.h>
#include <linux/uaccess.h>
#include <linux/shrinker.h>
#include <linux/moduleparam.h>

/* printk and reports */
EXPORT_SYMBOL(printk);
EXPORT_SYMBOL(vprintk);
EXPORT_SYMBOL(snprintf);
EXPORT_SYMBOL(vsnprintf);
EXPORT_SYMBOL(panic);
EXPORT_SYMBOL(__bug);		/* BUG(), BUG_ON() */
EXPORT_SYMBOL(__warn);		/* WARN(), WARN_ON() */

/* Strings: gcc also emits calls to memcpy, memset, memmove, memcmp. */
EXPORT_SYMBOL(memset);
EXPORT_SYMBOL(memcpy);
EXPORT_SYMBOL(memmove);
EXPORT_SYMBOL(memcmp);
EXPORT_SYMBOL(strlen);
EXPORT_SYMBOL(strnlen);
EXPORT_SYMBOL(strcmp);
EXPORT_SYMBOL(strncmp);
EXPORT_SYMBOL(strchr);
EXPORT_SYMBOL(strscpy_len);

/* kmalloc and lookaside caches */
EXPORT_SYMBOL(kmalloc);
EXPORT_SYMBOL(kzalloc);
EXPORT_SYMBOL(kcalloc);
EXPORT_SYMBOL(kmalloc_array);
EXPORT_SYMBOL(krealloc);
EXPORT_SYMBOL(kfree);
EXPORT_SYMBOL(kfree_sensitive);
EXPORT_SYMBOL(ksize);
EXPORT_SYMBOL(kstrdup);
EXPORT_SYMBOL(kmemdup);
EXPORT_SYMBOL(kmem_cache_create);
EXPORT_SYMBOL(kmem_cache_alloc);
EXPORT_SYMBOL(kmem_cache_zalloc);
EXPORT_SYMBOL(kmem_cache_free);
EXPORT_SYMBOL(kmem_cache_destroy);
EXPORT_SYMBOL(kmem_cache_shrink);
EXPORT_SYMBOL(kmem_cache_size);
EXPORT_SYMBOL(kmem_cache_name);
EXPORT_SYMBOL(kmem_cache_get_info);	/* its slabinfo line, as a struct */

/* mempools */
EXPORT_SYMBOL(mempool_create);
EXPORT_SYMBOL(mempool_alloc);
EXPORT_SYMBOL(mempool_free);
EXPORT_SYMBOL(mempool_resize);
EXPORT_SYMBOL(mempool_destroy);
EXPORT_SYMBOL(mempool_alloc_slab);
EXPORT_SYMBOL(mempool_free_slab);
EXPORT_SYMBOL(mempool_create_slab_pool);
EXPORT_SYMBOL(mempool_kmalloc);
EXPORT_SYMBOL(mempool_kfree);
EXPORT_SYMBOL(mempool_create_kmalloc_pool);
EXPORT_SYMBOL(mempool_alloc_pages);
EXPORT_SYMBOL(mempool_free_pages);
EXPORT_SYMBOL(mempool_create_page_pool);

/* Whole pages */
EXPORT_SYMBOL(alloc_pages);
EXPORT_SYMBOL(alloc_pages_node);
EXPORT_SYMBOL(__get_free_pages);
EXPORT_SYMBOL(get_zeroed_page);
EXPORT_SYMBOL(__free_pages);
EXPORT_SYMBOL(free_pages);
EXPORT_SYMBOL(free_hot_page);
EXPORT_SYMBOL(free_cold_page);
EXPORT_SYMBOL(put_page);
EXPORT_SYMBOL_GPL(split_page);
EXPORT_SYMBOL_GPL(nr_free_buffer_pages);
EXPORT_SYMBOL(nr_free_pages);
EXPORT_SYMBOL(mem_map);		/* page_to_pfn(), pfn_to_page() */
EXPORT_SYMBOL(max_pfn);
EXPORT_SYMBOL(max_low_pfn);
EXPORT_SYMBOL(totalram_pages);
EXPORT_SYMBOL(totalhigh_pages);
EXPORT_SYMBOL(contig_page_data);

/* High memory */
EXPORT_SYMBOL(kmap);
EXPORT_SYMBOL(kunmap);
EXPORT_SYMBOL(kmap_atomic);
EXPORT_SYMBOL(kunmap_atomic);
EXPORT_SYMBOL(kmap_atomic_to_page);

/* vmalloc, vmap, ioremap */
EXPORT_SYMBOL(vmalloc);
EXPORT_SYMBOL(vzalloc);
EXPORT_SYMBOL(__vmalloc);
EXPORT_SYMBOL(vfree);
EXPORT_SYMBOL(vmap);
EXPORT_SYMBOL(vunmap);
EXPORT_SYMBOL(vmalloc_to_page);
EXPORT_SYMBOL(vmalloc_to_pfn);
EXPORT_SYMBOL(is_vmalloc_addr);
EXPORT_SYMBOL_GPL(vm_unmap_aliases);
EXPORT_SYMBOL(ioremap);
EXPORT_SYMBOL(ioremap_wc);
EXPORT_SYMBOL(ioremap_cache);
EXPORT_SYMBOL(iounmap);

/* Per-CPU: the allocator, and what the inlines of <linux/percpu.h>,
 * <asm/pda.h> (smp_processor_id, preempt_disable, current) read. */
EXPORT_SYMBOL_GPL(__alloc_percpu);
EXPORT_SYMBOL_GPL(__alloc_percpu_gfp);
EXPORT_SYMBOL_GPL(free_percpu);
EXPORT_SYMBOL(__per_cpu_offset);
EXPORT_SYMBOL(pcpu_pda);
EXPORT_SYMBOL(nr_cpu_ids);
EXPORT_SYMBOL(num_online_cpus);
EXPORT_SYMBOL(cpu_online);
EXPORT_SYMBOL(smp_call_function_single);
EXPORT_SYMBOL(smp_call_function);
EXPORT_SYMBOL(on_each_cpu);

/* Scheduling, sleeping, waiting */
EXPORT_SYMBOL(get_current);
EXPORT_SYMBOL(schedule);
EXPORT_SYMBOL(schedule_timeout);
EXPORT_SYMBOL(schedule_timeout_uninterruptible);
EXPORT_SYMBOL(wake_up_process);
EXPORT_SYMBOL(yield);
EXPORT_SYMBOL(msleep);
EXPORT_SYMBOL(__might_sleep);
EXPORT_SYMBOL(cond_resched);
EXPORT_SYMBOL(preempt_schedule);
EXPORT_SYMBOL(jiffies);
EXPORT_SYMBOL(init_waitqueue_head);
EXPORT_SYMBOL(prepare_to_wait);
EXPORT_SYMBOL(prepare_to_wait_exclusive);
EXPORT_SYMBOL(finish_wait);
EXPORT_SYMBOL(__wake_up);
EXPORT_SYMBOL(init_completion);
EXPORT_SYMBOL(reinit_completion);
EXPORT_SYMBOL(wait_for_completion);
EXPORT_SYMBOL(wait_for_completion_timeout);
EXPORT_SYMBOL(try_wait_for_completion);
EXPORT_SYMBOL(completion_done);
EXPORT_SYMBOL(complete);
EXPORT_SYMBOL(complete_all);
EXPORT_SYMBOL(timer_setup);
EXPORT_SYMBOL(add_timer);
EXPORT_SYMBOL(mod_timer);
EXPORT_SYMBOL(del_timer);
EXPORT_SYMBOL(del_timer_sync);

/* Kernel threads (kthread_create, kthread_run are macros over these) */
EXPORT_SYMBOL(kthread_create_on_cpu);
EXPORT_SYMBOL(kthread_stop);
EXPORT_SYMBOL(kthread_join);
EXPORT_SYMBOL(kthread_should_stop);
EXPORT_SYMBOL(kthread_exit);

/* Reclaim */
EXPORT_SYMBOL(register_shrinker);
EXPORT_SYMBOL(unregister_shrinker);
EXPORT_SYMBOL_GPL(copy_from_kernel_nofault);
EXPORT_SYMBOL_GPL(copy_to_kernel_nofault);

/* The DMA device's driver API */
EXPORT_SYMBOL(dmadev_present);
EXPORT_SYMBOL(dmadev_boot_buffer);
EXPORT_SYMBOL(dmadev_pool_alloc);
EXPORT_SYMBOL(dmadev_pool_free);
EXPORT_SYMBOL(dmadev_pool);
EXPORT_SYMBOL(dmadev_xfer);
EXPORT_SYMBOL(dmadev_sg_xfer);
EXPORT_SYMBOL(dmadev_read_reg);
EXPORT_SYMBOL(dmadev_set_latency);

/* A module's own KTEST cases (GPL-only, as KUnit's) */
EXPORT_SYMBOL_GPL(ktest_fail);
EXPORT_SYMBOL_GPL(ktest_skip);
EXPORT_SYMBOL_GPL(ktest_diag);
EXPORT_SYMBOL_GPL(__guest_assert_fail);

/* Module parameters (module_param's __param entries point at these) */
EXPORT_SYMBOL(param_ops_int);
EXPORT_SYMBOL(param_ops_uint);
EXPORT_SYMBOL(param_ops_long);
EXPORT_SYMBOL(param_ops_ulong);
EXPORT_SYMBOL(param_ops_short);
EXPORT_SYMBOL(param_ops_ushort);
EXPORT_SYMBOL(param_ops_byte);
EXPORT_SYMBOL(param_ops_bool);
EXPORT_SYMBOL(param_ops_invbool);
EXPORT_SYMBOL(param_ops_charp);
EXPORT_SYMBOL(param_array_ops);
EXPORT_SYMBOL(param_ops_string);
EXPORT_SYMBOL(param_set_int);
EXPORT_SYMBOL(param_set_uint);
EXPORT_SYMBOL(param_set_long);
EXPORT_SYMBOL(param_set_ulong);
EXPORT_SYMBOL(param_set_short);
EXPORT_SYMBOL(param_set_ushort);
EXPORT_SYMBOL(param_set_byte);
EXPORT_SYMBOL(param_set_bool);
EXPORT_SYMBOL(param_set_invbool);
EXPORT_SYMBOL(param_set_charp);
EXPORT_SYMBOL(param_free_charp);

/* What the module.* tests' modules report into (kernel/tests/module_test.c) */
extern long module_test_seen[8];
EXPORT_SYMBOL(module_test_seen);
