// SPDX-License-Identifier: MIT
/* The accelerator decision: one implementation for vmm and every harness. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "accel.h"

const char *accel_kvm_dev(void)
{
	const char *dev = getenv(ACCEL_KVM_DEV_ENV);

	return dev && *dev ? dev : ACCEL_KVM_DEV;
}

/* The KVM module that is loaded, by /sys/module; "kvm" if none is known. */
static const char *kvm_module(void)
{
	/* kvm_pvm first: where it is loaded, it serves the device */
	static const char *const mods[][2] = {
		{ "/sys/module/kvm_pvm", "kvm_pvm" },
		{ "/sys/module/kvm_amd", "kvm-amd" },
		{ "/sys/module/kvm_intel", "kvm-intel" },
	};

	for (size_t i = 0; i < sizeof(mods) / sizeof(mods[0]); i++)
		if (access(mods[i][0], F_OK) == 0)
			return mods[i][1];
	return "kvm";
}

void accel_name(char *buf, size_t len)
{
	snprintf(buf, len, "%s%s", nested_inside() ? "TCG+" : "", kvm_module());
}

#define choose(c, k, ...) \
	((c)->kind = (k), snprintf((c)->why, sizeof((c)->why), __VA_ARGS__), 0)

/* auto, with @dev present: how fast is it? */
static int choose_by_speed(const char *dev, struct accel_choice *c)
{
	char runner_why[200];
	struct errbuf e;
	double ns;

	if (accel_calibrate(dev, &ns, &e))
		return choose(c, VMM_ACCEL_KVM, "%s is there, but its speed could not be measured (%.200s)",
			      dev, e.msg);
	if (ns < ACCEL_NATIVE_STEP_NS)
		return choose(c, VMM_ACCEL_KVM, "%s runs guest kernel code natively (%.1f ns per loop step)",
			      dev, ns);
	if (nested_runner_usable(runner_why, sizeof(runner_why)))
		return choose(c, VMM_ACCEL_NESTED, "%s emulates guest kernel code (%.0f ns per loop step, about %.0fx native); QEMU TCG with a nested KVM runs this guest several times faster",
			      dev, ns, ns / ACCEL_NATIVE_REF_NS);
	return choose(c, VMM_ACCEL_KVM, "warning: %s emulates guest kernel code (%.0f ns per loop step): the guest runs about %.0fx slower than on a native KVM, and the nested runner can't run here (%s)",
		      dev, ns, ns / ACCEL_NATIVE_REF_NS, runner_why);
}

int accel_choose(enum vmm_accel want, struct accel_choice *c, struct errbuf *e)
{
	const char *dev = accel_kvm_dev();
	char runner_why[200];

	if (nested_inside())
		return choose(c, VMM_ACCEL_KVM, "inside the nested runner, its %s",
			      dev);
	switch (want) {
	case VMM_ACCEL_KVM:
		return choose(c, VMM_ACCEL_KVM, "--accel kvm: %s", dev);
	case VMM_ACCEL_NESTED:
		if (!nested_runner_usable(runner_why, sizeof(runner_why)))
			return errf(e, "vmm: --accel nested: the nested runner can't run here: %s",
				    runner_why);
		return choose(c, VMM_ACCEL_NESTED, "--accel nested: QEMU TCG with a nested KVM");
	default:
		break;
	}
	if (access(dev, F_OK) == 0)
		return choose_by_speed(dev, c);
	if (nested_runner_usable(runner_why, sizeof(runner_why)))
		return choose(c, VMM_ACCEL_NESTED, "%s not found; QEMU TCG with a nested KVM runs the guest instead (slower than a native KVM)",
			      dev);
	return choose(c, VMM_ACCEL_NONE, "%s not found, and the nested runner can't run here (%s)",
		      dev, runner_why);
}
