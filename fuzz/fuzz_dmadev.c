// SPDX-License-Identifier: MIT
/*
 * The DMA engine's registers, written by a hostile guest: the input is the
 * first 8 KiB of fake RAM (descriptors, rings) followed by register
 * accesses, each {offset (1 byte), size/direction (1 byte), value (8
 * bytes)}. Without its thread the device runs what is pending after each
 * access, on this thread, so a run is repeatable. RAM: [0, 64 KiB) in
 * exact-size buffers (ASan sees any access past them) and [16 MiB,
 * +4 KiB) above the mask, a canary. Checked after every access: the
 * canary is intact, STATUS is one of the four states with an error code
 * exactly when it is ERROR, the counters only grow, the ring's tail is at
 * most a ring ahead of its head; and the device is idle after running.
 * Prints the number of register accesses made at exit.
 */
#include "dmadev.h"
#include "fuzz.h"

#define LOW_SIZE	0x10000u
#define HIGH_GPA	(MV_DMADEV_MASK + 1)
#define HIGH_SIZE	0x1000u
#define CANARY		0xc5

static unsigned long long accesses;

static void report_total(void)
{
	fprintf(stderr, "fuzz_dmadev: %llu register accesses\n", accesses);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	static struct dmadev dev;
	static const struct dmadev_ops ops = { 0 };
	uint64_t faults = 0, done = 0;
	struct gmem gm;
	uint8_t *low = calloc(1, LOW_SIZE), *high = malloc(HIGH_SIZE);
	size_t n;

	static bool registered;

	if (!registered)
		registered = !atexit(report_total);
	FUZZ_CHECK(low && high, "out of memory");
	memset(high, CANARY, HIGH_SIZE);
	n = in.len < 8192 ? in.len : 8192;
	memcpy(low, in.p, n);
	in.p += n;
	in.len -= n;
	gmem_init(&gm);
	FUZZ_CHECK(!gmem_add(&gm, 0, LOW_SIZE, low), "gmem_add");
	FUZZ_CHECK(!gmem_add(&gm, HIGH_GPA, HIGH_SIZE, high), "gmem_add");
	dmadev_init(&dev, &gm, &ops, NULL);

	while (in.len) {
		uint64_t off = fuzz_u8(&in) % (MV_DMADEV_NR_REGS * 8 + 16);
		uint8_t how = fuzz_u8(&in);
		uint64_t val = fuzz_u64(&in), st, f, c;
		uint8_t b[8];

		if (how & 0x80) {
			memcpy(b, &val, 8);
			dmadev_mmio(&dev, off, b, 1u << (how & 3), how & 0x40);
		} else {
			dmadev_write(&dev, off & ~7ULL, val);
		}
		accesses++;
		dmadev_run_pending(&dev);
		st = dmadev_read(&dev, MV_DMADEV_STATUS);
		f = dmadev_read(&dev, MV_DMADEV_FAULT_COUNT);
		c = dmadev_read(&dev, MV_DMADEV_COMPLETED);
		FUZZ_CHECK(MV_DMADEV_STATE(st) <= MV_DMADEV_ST_ERROR && !(st >> 16),
			   "status %#llx", (unsigned long long)st);
		FUZZ_CHECK((MV_DMADEV_ERROR(st) != 0) ==
			   (MV_DMADEV_STATE(st) == MV_DMADEV_ST_ERROR),
			   "status %#llx", (unsigned long long)st);
		FUZZ_CHECK(MV_DMADEV_STATE(st) != MV_DMADEV_ST_BUSY,
			   "busy after running what was pending");
		FUZZ_CHECK(f >= faults && c >= done, "counters went back");
		FUZZ_CHECK(dmadev_read(&dev, MV_DMADEV_RING_HEAD) ==
			   dmadev_read(&dev, MV_DMADEV_RING_TAIL), "ring not drained");
		faults = f;
		done = c;
		for (unsigned int i = 0; i < HIGH_SIZE; i++)
			FUZZ_CHECK(high[i] == CANARY, "wrote above the mask at +%u", i);
	}
	dmadev_destroy(&dev);
	free(low);
	free(high);
	return 0;
}
