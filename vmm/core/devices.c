// SPDX-License-Identifier: MIT
/*
 * The DMA engine in the VM: its MSI through KVM_SIGNAL_MSI (the in-kernel
 * LAPIC; the guest has no IOAPIC driver), and, through the control room's
 * struct device_control (page_state.h), its faults as events and the
 * inspector's O(1) page-owner look for the freed-while-in-flight check.
 * The look runs without pausing the vCPUs: it is safe against memory that
 * changes under it (bounded, every pointer checked), and a torn read can
 * only make it say "unknown" or another owner.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include <memvisor/layout.h>
#include <memvisor/allocreq.h>
#include <memvisor/module.h>

#include "allocq.h"
#include "console.h"
#include "devices.h"
#include "dmadev.h"
#include "modq.h"
#include "page_state.h"

#define MSI_ADDR_BASE	0xfee00000U	/* physical destination mode */
#define MSI_DEST_SHIFT	12		/* the destination APIC ID's place */

/* The DMA device and what it needs of the VM: its ops' opaque. */
struct dma_glue {
	struct vm *vm;
	const struct device_control *ctl;
	struct dmadev dev;
};

/* MSI @vector to APIC ID @apic; @warned: says once that KVM refused, per @who. */
static void signal_msi_to(struct vm *vm, unsigned int apic, unsigned int vector,
			  const char *who, bool *warned)
{
	struct kvm_msi msi = {
		.address_lo = MSI_ADDR_BASE | (apic & 0xff) << MSI_DEST_SHIFT,
		.data = vector,
	};

	if (ioctl(vm->vm_fd, KVM_SIGNAL_MSI, &msi) < 0 && !*warned) {
		*warned = true;
		console_err("vmm: %s: KVM_SIGNAL_MSI: %s\n", who, strerror(errno));
	}
}

static void signal_msi(struct vm *vm, unsigned int vector, const char *who,
		       bool *warned)
{
	signal_msi_to(vm, 0, vector, who, warned);
}

static void dma_irq(void *opaque)
{
	struct dma_glue *g = opaque;
	static bool warned;

	signal_msi(g->vm, MV_DMADEV_VECTOR, "dmadev", &warned);
}

/* A module request was queued: wake the guest's loader thread. */
static void module_irq(void *opaque)
{
	static bool warned;

	signal_msi(opaque, MV_MODULE_VECTOR, "modules", &warned);
}

static int modules_create(struct vm *vm, struct errbuf *e)
{
	vm->modules = malloc(sizeof(*vm->modules));
	if (!vm->modules)
		return errf(e, "vmm: modules: out of memory");
	modq_init(vm->modules, module_irq, vm);
	return 0;
}

/*
 * An allocation request was posted for @cpu: wake that CPU. Its APIC ID is
 * its number: KVM's initial APIC ID is the vCPU id, and vCPUs are created
 * with ids 0..nr_cpus-1 (the guest's cpu_apic_id[] reads the same).
 */
static void alloc_irq(void *opaque, unsigned int cpu)
{
	static bool warned;

	signal_msi_to(opaque, cpu, MV_ALLOC_VECTOR, "allocations", &warned);
}

static int allocs_create(struct vm *vm, struct errbuf *e)
{
	struct allocq_limits lim = {
		.ram_end = vm->mm->ram_end,
		.lowmem = vm->mm->lowmem,
		.nr_cpus = vm->nr_cpus,
	};

	vm->allocs = malloc(sizeof(*vm->allocs));
	if (!vm->allocs)
		return errf(e, "vmm: allocations: out of memory");
	allocq_init(vm->allocs, &vm->gmem, &lim, alloc_irq, vm);
	return 0;
}

#define FAULTS_PRINTED	100

/* ", object 0x... (64 bytes of kmalloc-64): freed, in cpu 0's magazine" */
static void object_words(const struct dmadev_fault *f, char *buf, size_t len)
{
	const struct object_state *o = f->obj_now.kind != OBJECT_NONE ?
				       &f->obj_now : &f->obj_then;
	char state[64];

	buf[0] = '\0';
	if (o->kind == OBJECT_NONE)
		return;
	snprintf(buf, len, "; object 0x%" PRIx64 " (%u bytes of %s): %s",
		 o->addr, o->size, o->cache_name[0] ? o->cache_name : "?",
		 object_state_name(o, state, sizeof(state)));
}

static void dma_fault(void *opaque, const struct dmadev_fault *f)
{
	struct dma_glue *g = opaque;
	uint64_t pfn = f->addr / 4096;
	char then[96], now[96], obj[160];

	page_state_format(&f->owner_then, pfn, then, sizeof(then));
	page_state_format(&f->owner_now, pfn, now, sizeof(now));
	object_words(f, obj, sizeof(obj));
	if (f->seq <= FAULTS_PRINTED)
		console_err("vmm: dmadev: fault %" PRIu64 ": %s of [0x%" PRIx64 "+0x%" PRIx64 ") refused: %s%s%s%s%s%s%s\n",
			    f->seq, dmadev_op_name(f->op), f->addr, f->len,
			    dmadev_err_name(f->reason),
			    then[0] ? "; page owner at submit: " : "", then,
			    now[0] ? ", at transfer: " : "", now, obj,
			    f->seq == FAULTS_PRINTED ? " (later faults: query-dma)" : "");
	if (g->ctl && g->ctl->dma_fault)
		g->ctl->dma_fault(g->vm, f);
}

static int dma_owners(void *opaque, uint64_t pfn, unsigned int n,
		      struct page_state *s)
{
	struct dma_glue *g = opaque;

	if (!g->ctl || !g->ctl->page_states)
		return -1;
	return g->ctl->page_states(g->vm, pfn, n, s);
}

static int dma_object(void *opaque, uint64_t gpa, uint64_t len,
		      struct object_state *o)
{
	struct dma_glue *g = opaque;

	if (!g->ctl || !g->ctl->object_state)
		return -1;
	return g->ctl->object_state(g->vm, gpa, len, o);
}

static const struct dmadev_ops dma_ops = {
	.irq = dma_irq,
	.fault = dma_fault,
	.owners = dma_owners,
	.object = dma_object,
};

int devices_create(struct vm *vm, const struct device_control *ctl,
		   struct errbuf *e)
{
	struct dma_glue *g;
	struct dmadev *dev;

	if (modules_create(vm, e) || allocs_create(vm, e))
		return -1;
	g = malloc(sizeof(*g));
	if (!g)
		return errf(e, "vmm: dmadev: out of memory");
	g->vm = vm;
	g->ctl = ctl;
	dev = &g->dev;
	dmadev_init(dev, &vm->gmem, &dma_ops, g);
	if (dmadev_register(dev, &vm->mmio, MV_DMADEV_MMIO_GPA,
			    MV_DMADEV_MMIO_SIZE)) {
		dmadev_destroy(dev);
		free(g);
		return errf(e, "vmm: cannot register the DMA device's MMIO window");
	}
	vm->dmadev = dev;
	return 0;
}

int devices_start(struct vm *vm, struct errbuf *e)
{
	int ret;

	if (!vm->dmadev)
		return 0;
	ret = dmadev_start(vm->dmadev);
	if (ret)
		return errf(e, "vmm: cannot start the DMA device's thread: %s",
			    strerror(ret));
	return 0;
}

void devices_destroy(struct vm *vm)
{
	if (vm->allocs) {
		allocq_destroy(vm->allocs);
		free(vm->allocs);
		vm->allocs = NULL;
	}
	if (vm->modules) {
		modq_destroy(vm->modules);
		free(vm->modules);
		vm->modules = NULL;
	}
	if (!vm->dmadev)
		return;
	dmadev_destroy(vm->dmadev);
	free(vm->dmadev->opaque);	/* its struct dma_glue */
	vm->dmadev = NULL;
}
