// SPDX-License-Identifier: MIT
/*
 * The DMA engine in the VM: its MSI through KVM_SIGNAL_MSI (the in-kernel
 * LAPIC; the guest has no IOAPIC driver), its faults as QMP events, and
 * the page-owner reader (vmm/control/slab_cmds.c) for the
 * freed-while-in-flight check. The reader runs without pausing the vCPUs:
 * it is safe against memory that changes under it (bounded, every pointer
 * checked), and a torn read can only make it say "unknown".
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include <memvisor/layout.h>

#include "console.h"
#include "devices.h"
#include "dma_cmds.h"
#include "dmadev.h"
#include "slab_cmds.h"

#define MSI_ADDR_BASE	0xfee00000U	/* destination APIC ID 0, physical */

static void dma_irq(void *opaque)
{
	struct vm *vm = opaque;
	struct kvm_msi msi = {
		.address_lo = MSI_ADDR_BASE,
		.data = MV_DMADEV_VECTOR,
	};
	static bool warned;

	if (ioctl(vm->vm_fd, KVM_SIGNAL_MSI, &msi) < 0 && !warned) {
		warned = true;
		console_err("vmm: dmadev: KVM_SIGNAL_MSI: %s\n", strerror(errno));
	}
}

#define FAULTS_PRINTED	100

static void dma_fault(void *opaque, const struct dmadev_fault *f)
{
	struct vm *vm = opaque;

	if (f->seq <= FAULTS_PRINTED)
		console_err("vmm: dmadev: fault %" PRIu64 ": %s of [0x%" PRIx64 "+0x%" PRIx64 ") refused: %s%s%s%s%s%s\n",
			    f->seq, dmadev_op_name(f->op), f->addr, f->len,
			    dmadev_err_name(f->reason),
			    f->owner_then[0] ? "; page owner at submit: " : "",
			    f->owner_then, f->owner_now[0] ? ", now: " : "",
			    f->owner_now,
			    f->seq == FAULTS_PRINTED ? " (later faults: query-dma)" : "");

	qmp_server_broadcast(vm->qmp, qmp_event_new(QMP_VENDOR "DMA_FAULT",
							dma_fault_json(f)));
}

static int dma_owner(void *opaque, uint64_t pfn, char *buf, size_t len)
{
	struct vm *vm = opaque;
	struct errbuf e;
	uint64_t gpa;
	json_t *o, *v;
	int n;

	pthread_mutex_lock(&vm->lock);
	gpa = vm->mminfo_gpa;
	pthread_mutex_unlock(&vm->lock);
	if (!gpa)
		return -1;
	o = slab_read_page_owner(&vm->gmem, vm->boot.pml4, gpa, pfn, &e);
	if (!o)
		return -1;
	n = snprintf(buf, len, "%s", json_string_value(json_object_get(o, "owner")) ?: "unknown");
	if ((v = json_object_get(o, "cache")) && json_is_string(v))
		n += snprintf(buf + n, len > (size_t)n ? len - n : 0, " %s",
			      json_string_value(v));
	if ((v = json_object_get(o, "order")) && json_is_integer(v))
		n += snprintf(buf + n, len > (size_t)n ? len - n : 0, " order %" JSON_INTEGER_FORMAT,
			      json_integer_value(v));
	if ((v = json_object_get(o, "head_pfn")) && json_is_integer(v))
		snprintf(buf + n, len > (size_t)n ? len - n : 0, " head_pfn %" JSON_INTEGER_FORMAT,
			 json_integer_value(v));
	json_decref(o);
	return 0;
}

static const struct dmadev_ops dma_ops = {
	.irq = dma_irq,
	.fault = dma_fault,
	.owner = dma_owner,
};

int devices_create(struct vm *vm, struct errbuf *e)
{
	struct dmadev *dev = malloc(sizeof(*dev));

	if (!dev)
		return errf(e, "vmm: dmadev: out of memory");
	dmadev_init(dev, &vm->gmem, &dma_ops, vm);
	if (dmadev_register(dev, &vm->mmio, MV_DMADEV_MMIO_GPA,
			    MV_DMADEV_MMIO_SIZE)) {
		dmadev_destroy(dev);
		free(dev);
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
	if (!vm->dmadev)
		return;
	dmadev_destroy(vm->dmadev);
	free(vm->dmadev);
	vm->dmadev = NULL;
}
