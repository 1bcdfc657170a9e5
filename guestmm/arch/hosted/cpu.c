// SPDX-License-Identifier: MIT
/*
 * Hosted CPUs: every host thread that runs kernel code is its own CPU, with
 * its own PDA reached through the thread-local hosted_pda, and its own id
 * (ids are recycled when a thread detaches). Per-CPU areas are copies of
 * the "percpu_data" section, as in the guest.
 *
 * IPIs: smp_call_function_single() queues the call on the target CPU and
 * sends its thread HOSTED_IPI_SIGNAL; the handler runs the call in
 * "interrupt context" (hardirq count raised, interrupts off) or, when the
 * thread has its virtual interrupts off, leaves it pending until
 * local_irq_enable(). A CPU's per-CPU data is therefore only ever touched
 * by its own thread, with interrupts off, as in the guest.
 */
#include <linux/kernel.h>
#include <linux/percpu.h>
#include <linux/smp.h>
#include <linux/sched.h>
#include <linux/spinlock.h>
#include <linux/mm.h>
#include <linux/errno.h>
#include <linux/string.h>
#include <asm/irqflags.h>
#include <asm/hosted.h>

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>

#include "hosted_internal.h"

struct cpu_pda cpu_pdas[NR_CPUS];
unsigned long __per_cpu_offset[NR_CPUS];
unsigned int nr_cpu_ids = NR_CPUS;
__hosted_tls struct cpu_pda *hosted_pda;
__hosted_tls struct hosted_this_cpu hosted_this_cpu;

/* The linker defines these only if some object has a DEFINE_PER_CPU. */
#pragma weak __start_percpu_data
#pragma weak __stop_percpu_data

struct hosted_csd {
	struct list_head list;
	void (*func)(void *info);
	void *info;
	int busy;			/* queued or running; the sender waits on it */
};

struct hosted_cpu {
	pthread_t thread;
	bool online;
	spinlock_t ipi_lock;		/* taken with interrupts off */
	struct list_head ipi_queue;
	/* The slot each other CPU sends its calls through (Linux's per-CPU csd). */
	struct hosted_csd csd_from[NR_CPUS];
};

static struct hosted_cpu hosted_cpus[NR_CPUS];
static pthread_mutex_t cpu_ids_lock = PTHREAD_MUTEX_INITIALIZER;
static bool cpu_id_used[NR_CPUS];
static void *percpu_areas;

/*
 * The first per-CPU chunk (mm/percpu.c): a PCPU_UNIT_SIZE unit per possible
 * CPU, each starting with a copy of the static per-CPU variables.
 */
int setup_per_cpu_areas(unsigned int nr_cpus)
{
	size_t size = (size_t)(__stop_percpu_data - __start_percpu_data);

	(void)nr_cpus;	/* every thread may become a CPU: make all NR_CPUS */
	if (!__start_percpu_data)
		size = 0;
	free(percpu_areas);
	percpu_areas = aligned_alloc(PAGE_SIZE, PCPU_UNIT_SIZE * NR_CPUS);
	if (!percpu_areas)
		return -ENOMEM;
	memset(percpu_areas, 0, PCPU_UNIT_SIZE * NR_CPUS);
	for (unsigned int cpu = 0; cpu < NR_CPUS; cpu++)
		memcpy((char *)percpu_areas + cpu * PCPU_UNIT_SIZE,
		       __start_percpu_data, size);
	pcpu_setup_first_chunk(percpu_areas, PCPU_UNIT_SIZE, NR_CPUS, size);
	return 0;
}

void percpu_init_cpu(unsigned int cpu)
{
	cpu_pdas[cpu].percpu_offset = __per_cpu_offset[cpu];
}

unsigned int num_online_cpus(void)
{
	unsigned int n = 0;

	for (unsigned int cpu = 0; cpu < NR_CPUS; cpu++)
		n += READ_ONCE(hosted_cpus[cpu].online);
	return n;
}

bool cpu_online(unsigned int cpu)
{
	return cpu < NR_CPUS && READ_ONCE(hosted_cpus[cpu].online);
}

/* ---- IPIs ---------------------------------------------------------------- */

/* Runs this CPU's queued calls; interrupts are off, hardirq count raised. */
static void run_ipi_queue(struct hosted_cpu *hc)
{
	for (;;) {
		struct hosted_csd *csd;

		spin_lock(&hc->ipi_lock);
		csd = list_first_entry_or_null(&hc->ipi_queue, struct hosted_csd, list);
		if (csd)
			list_del_init(&csd->list);
		spin_unlock(&hc->ipi_lock);
		if (!csd)
			return;
		csd->func(csd->info);
		__atomic_store_n(&csd->busy, 0, __ATOMIC_RELEASE);
	}
}

static void hosted_interrupt(void)
{
	struct hosted_cpu *hc = &hosted_cpus[hosted_this_cpu.cpu];

	do {
		__HOSTED_IRQS_OFF = 1;
		arch_preempt_count_add(HARDIRQ_OFFSET);
		hosted_pda->irq_count++;
		do {
			hosted_irq_pending = 0;
			barrier();
			run_ipi_queue(hc);
		} while (hosted_irq_pending);
		arch_preempt_count_add(-(int)HARDIRQ_OFFSET);
		barrier();
		__HOSTED_IRQS_OFF = 0;
		barrier();
		/* A signal that came after the last check found interrupts off. */
	} while (hosted_irq_pending);
}

void hosted_irq_replay(void)
{
	if (hosted_pda && !__HOSTED_IRQS_OFF)
		hosted_interrupt();
}

/*
 * hosted_irq_replay for arch_local_irq_restore/enable's inline asm: the
 * interrupt a real CPU takes on popf or sti costs the code around it
 * nothing, so the compiled fast paths must not pay for a call they almost
 * never make (a frame, registers kept across it). The thunk saves every
 * register the C ABI lets a callee clobber, the flags and the x87/SSE
 * state, and aligns the stack itself; its frame is linked first, so a
 * frame-pointer unwinder walks through it to the interrupted code.
 */
__asm__(
	"	.text\n"
	"	.globl hosted_irq_replay_thunk\n"
	"	.type hosted_irq_replay_thunk, @function\n"
	"hosted_irq_replay_thunk:\n"
	"	push %rbp\n"
	"	mov %rsp, %rbp\n"
	"	pushfq\n"
	"	push %rax\n"
	"	push %rcx\n"
	"	push %rdx\n"
	"	push %rsi\n"
	"	push %rdi\n"
	"	push %r8\n"
	"	push %r9\n"
	"	push %r10\n"
	"	push %r11\n"
	"	and $-64, %rsp\n"
	"	sub $512, %rsp\n"
	"	fxsave64 (%rsp)\n"
	"	call hosted_irq_replay\n"
	"	fxrstor64 (%rsp)\n"
	"	lea -80(%rbp), %rsp\n"
	"	pop %r11\n"
	"	pop %r10\n"
	"	pop %r9\n"
	"	pop %r8\n"
	"	pop %rdi\n"
	"	pop %rsi\n"
	"	pop %rdx\n"
	"	pop %rcx\n"
	"	pop %rax\n"
	"	popfq\n"
	"	pop %rbp\n"
	"	ret\n"
	"	.size hosted_irq_replay_thunk, . - hosted_irq_replay_thunk\n");

static void hosted_ipi_signal(int sig)
{
	int saved_errno = errno;	/* a handler must not clobber it */

	(void)sig;
	if (hosted_pda) {
		if (__HOSTED_IRQS_OFF)
			hosted_irq_pending = 1;
		else
			hosted_interrupt();
	}
	errno = saved_errno;
}

static void install_ipi_handler(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = hosted_ipi_signal;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	sigaction(HOSTED_IPI_SIGNAL, &sa, NULL);
}

int smp_call_function_single(unsigned int cpu, void (*func)(void *info),
			     void *info, bool wait)
{
	unsigned int self = raw_smp_processor_id();
	struct hosted_cpu *hc;
	struct hosted_csd *csd;
	unsigned long flags;

	if (cpu == self) {
		local_irq_save(flags);
		func(info);
		local_irq_restore(flags);
		return 0;
	}
	if (cpu >= NR_CPUS)
		return -EIO;
	WARN_ON_ONCE(irqs_disabled());	/* could deadlock, as on Linux */
	hc = &hosted_cpus[cpu];
	csd = &hc->csd_from[self];
	/* The previous call through this slot must have run. */
	while (__atomic_load_n(&csd->busy, __ATOMIC_ACQUIRE))
		sched_yield();
	spin_lock_irqsave(&hc->ipi_lock, flags);
	if (!hc->online) {
		spin_unlock_irqrestore(&hc->ipi_lock, flags);
		return -EIO;
	}
	csd->func = func;
	csd->info = info;
	csd->busy = 1;
	list_add_tail(&csd->list, &hc->ipi_queue);
	pthread_kill(hc->thread, HOSTED_IPI_SIGNAL);
	spin_unlock_irqrestore(&hc->ipi_lock, flags);
	while (wait && __atomic_load_n(&csd->busy, __ATOMIC_ACQUIRE))
		sched_yield();
	return 0;
}

void on_each_cpu(void (*func)(void *info), void *info, bool wait)
{
	unsigned long flags;

	smp_call_function(func, info, wait);
	local_irq_save(flags);
	func(info);
	local_irq_restore(flags);
}

void smp_call_function(void (*func)(void *info), void *info, bool wait)
{
	unsigned int self = raw_smp_processor_id();

	for (unsigned int cpu = 0; cpu < NR_CPUS; cpu++)
		if (cpu != self && cpu_online(cpu))
			smp_call_function_single(cpu, func, info, wait);
}

/* ---- Attaching threads ------------------------------------------------------ */

static int claim_cpu_id(int want)
{
	int id = -1;

	pthread_mutex_lock(&cpu_ids_lock);
	if (want >= 0 && want < NR_CPUS && !cpu_id_used[want])
		id = want;
	for (int i = 0; id < 0 && i < NR_CPUS; i++)
		if (!cpu_id_used[i])
			id = i;
	if (id >= 0)
		cpu_id_used[id] = true;
	pthread_mutex_unlock(&cpu_ids_lock);
	return id;
}

static void release_cpu_id(int id)
{
	pthread_mutex_lock(&cpu_ids_lock);
	cpu_id_used[id] = false;
	pthread_mutex_unlock(&cpu_ids_lock);
}

int hosted_cpu_attach_task(struct task_struct *task, int want)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	struct hosted_cpu *hc;
	struct cpu_pda *pda;
	int id;

	pthread_once(&once, install_ipi_handler);
	id = claim_cpu_id(want);
	if (id < 0)
		panic("hosted: more than %d threads running kernel code", NR_CPUS);
	pda = &cpu_pdas[id];
	memset(pda, 0, sizeof(*pda));
	pda->cpu = id;
	pda->self = pda;
	pda_set_current(pda, task);
	percpu_init_cpu(id);
	task->cpu = id;
	memset(&hosted_this_cpu, 0, sizeof(hosted_this_cpu));
	hosted_this_cpu.percpu_offset = pda->percpu_offset;
	hosted_this_cpu.cpu = id;
	hosted_this_cpu.curr = task;
	hosted_this_cpu.irqs_off = 1;	/* until the CPU is online */
	hosted_pda = pda;

	hc = &hosted_cpus[id];
	if (!hc->ipi_queue.next) {
		spin_lock_init(&hc->ipi_lock);
		INIT_LIST_HEAD(&hc->ipi_queue);
	}
	hc->thread = pthread_self();
	spin_lock(&hc->ipi_lock);
	WRITE_ONCE(hc->online, true);
	spin_unlock(&hc->ipi_lock);
	local_irq_enable();
	return id;
}

/* The CPU goes offline: runs what is queued, then gives back its pages. */
void hosted_cpu_detach(void)
{
	struct hosted_cpu *hc;
	int id;

	if (!hosted_pda)
		return;
	id = hosted_pda->cpu;
	hc = &hosted_cpus[id];
	local_irq_disable();
	spin_lock(&hc->ipi_lock);
	WRITE_ONCE(hc->online, false);
	spin_unlock(&hc->ipi_lock);
	arch_preempt_count_add(HARDIRQ_OFFSET);
	run_ipi_queue(hc);
	arch_preempt_count_add(-(int)HARDIRQ_OFFSET);
	page_alloc_cpu_dead(id);
	hosted_pda = NULL;
	memset(&hosted_this_cpu, 0, sizeof(hosted_this_cpu));
	release_cpu_id(id);
}

/* Forgets every CPU but the caller's (after a fork, or before a new boot). */
void hosted_cpus_reset(void)
{
	pthread_mutex_lock(&cpu_ids_lock);
	for (int i = 0; i < NR_CPUS; i++) {
		cpu_id_used[i] = false;
		hosted_cpus[i].online = false;
		spin_lock_init(&hosted_cpus[i].ipi_lock);
		INIT_LIST_HEAD(&hosted_cpus[i].ipi_queue);
		for (int j = 0; j < NR_CPUS; j++)
			hosted_cpus[i].csd_from[j].busy = 0;
	}
	pthread_mutex_unlock(&cpu_ids_lock);
	hosted_pda = NULL;
}
