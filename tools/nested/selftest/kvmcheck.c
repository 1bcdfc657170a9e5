/*
 * kvmcheck - prove /dev/kvm works: create a VM with an in-kernel irqchip and
 * one vCPU, run real-mode code that writes a byte to an I/O port, and check
 * the KVM_EXIT_IO carries that byte.  Exit 0 and print "kvmcheck: ok" on
 * success; exit 1 with a one-line reason otherwise.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#define MEM_SIZE (2u << 20)
#define CODE_ADDR 0x1000u
#define TEST_PORT 0x10fu
#define TEST_VALUE 0x5au
#define TIMEOUT_S 60

static void fail(const char *fmt, ...)
{
	va_list ap;

	fputs("kvmcheck: FAIL: ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	exit(1);
}

static void on_alarm(int sig)
{
	static const char msg[] = "kvmcheck: FAIL: KVM_RUN did not return in time\n";

	(void)sig;
	(void)!write(STDOUT_FILENO, msg, sizeof(msg) - 1);
	_exit(1);
}

int main(void)
{
	/* mov dx, TEST_PORT; mov al, TEST_VALUE; out dx, al; hlt */
	static const uint8_t code[] = {
		0xba, TEST_PORT & 0xff, TEST_PORT >> 8,
		0xb0, TEST_VALUE,
		0xee,
		0xf4,
	};
	struct kvm_userspace_memory_region region;
	struct kvm_sregs sregs;
	struct kvm_regs regs;
	struct kvm_run *run;
	int kvm, vm, vcpu, api, run_size;
	uint8_t *mem;

	/* A wedged vCPU must not hang the test suite. */
	signal(SIGALRM, on_alarm);
	alarm(TIMEOUT_S);

	kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm < 0)
		fail("open /dev/kvm: %s", strerror(errno));
	api = ioctl(kvm, KVM_GET_API_VERSION, 0);
	if (api != KVM_API_VERSION)
		fail("KVM_GET_API_VERSION is %d, want %d", api, KVM_API_VERSION);

	vm = ioctl(kvm, KVM_CREATE_VM, 0);
	if (vm < 0)
		fail("KVM_CREATE_VM: %s", strerror(errno));
	/* Only needed on Intel without unrestricted guest; harmless elsewhere. */
	if (ioctl(vm, KVM_SET_TSS_ADDR, 0xfffbd000ul) < 0)
		fail("KVM_SET_TSS_ADDR: %s", strerror(errno));
	if (ioctl(vm, KVM_CREATE_IRQCHIP, 0) < 0)
		fail("KVM_CREATE_IRQCHIP: %s", strerror(errno));

	mem = mmap(NULL, MEM_SIZE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (mem == MAP_FAILED)
		fail("mmap %u bytes: %s", MEM_SIZE, strerror(errno));
	memcpy(mem + CODE_ADDR, code, sizeof(code));
	memset(&region, 0, sizeof(region));
	region.slot = 0;
	region.guest_phys_addr = 0;
	region.memory_size = MEM_SIZE;
	region.userspace_addr = (uintptr_t)mem;
	if (ioctl(vm, KVM_SET_USER_MEMORY_REGION, &region) < 0)
		fail("KVM_SET_USER_MEMORY_REGION: %s", strerror(errno));

	vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
	if (vcpu < 0)
		fail("KVM_CREATE_VCPU: %s", strerror(errno));
	run_size = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (run_size < (int)sizeof(*run))
		fail("KVM_GET_VCPU_MMAP_SIZE: %d", run_size);
	run = mmap(NULL, (size_t)run_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		   vcpu, 0);
	if (run == MAP_FAILED)
		fail("mmap kvm_run: %s", strerror(errno));

	/* Real mode, flat segment at 0: CS:IP = 0:CODE_ADDR. */
	if (ioctl(vcpu, KVM_GET_SREGS, &sregs) < 0)
		fail("KVM_GET_SREGS: %s", strerror(errno));
	sregs.cs.base = 0;
	sregs.cs.selector = 0;
	if (ioctl(vcpu, KVM_SET_SREGS, &sregs) < 0)
		fail("KVM_SET_SREGS: %s", strerror(errno));
	memset(&regs, 0, sizeof(regs));
	regs.rip = CODE_ADDR;
	regs.rflags = 0x2;
	if (ioctl(vcpu, KVM_SET_REGS, &regs) < 0)
		fail("KVM_SET_REGS: %s", strerror(errno));

	if (ioctl(vcpu, KVM_RUN, 0) < 0)
		fail("KVM_RUN: %s", strerror(errno));
	if (run->exit_reason != KVM_EXIT_IO)
		fail("exit reason %u, want KVM_EXIT_IO (%u)", run->exit_reason,
		     KVM_EXIT_IO);
	if (run->io.direction != KVM_EXIT_IO_OUT || run->io.port != TEST_PORT ||
	    run->io.size != 1 || run->io.count != 1)
		fail("I/O exit dir=%u port=%#x size=%u count=%u, want out to %#x, 1 byte",
		     run->io.direction, run->io.port, run->io.size,
		     run->io.count, TEST_PORT);
	{
		uint8_t v = *((uint8_t *)run + run->io.data_offset);

		if (v != TEST_VALUE)
			fail("port %#x got %#x, want %#x", TEST_PORT, v, TEST_VALUE);
	}
	/*
	 * Not resumed: with the in-kernel irqchip, hlt blocks in the kernel
	 * instead of exiting, and nothing would wake it.
	 */
	printf("kvmcheck: ok (API %d, out %#x <- %#x)\n", api, TEST_PORT,
	       TEST_VALUE);
	return 0;
}
