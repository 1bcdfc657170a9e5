// SPDX-License-Identifier: MIT
/*
 * The ELF loader: elf_check on an untrusted image against a 64 MiB layout,
 * then, when it passes, elf_load into fake guest RAM (gmem over a
 * MAP_NORESERVE mapping, as the VMM has it). Checked: an accepted image's
 * extent lies in usable RAM below 1 GiB and holds its entry point; loading
 * it succeeds; afterwards each PT_LOAD segment's bytes are in RAM and its
 * bss is zero. The same image's symbol table (ksyms_load, on any image):
 * sorted, every name terminated inside the table, every symbol named.
 */
#include <elf.h>

#include <memvisor/layout.h>

#include "fuzz.h"
#include "gmem.h"
#include "ksyms.h"
#include "loader.h"
#include "memmap.h"

static struct memmap mm;
static struct gmem gm;

static void setup(void)
{
	struct errbuf e;

	if (gm.nr)
		return;
	if (memmap_build(&mm, MV_MIB(64), 0, NULL, 0, &e) ||
	    gmem_map_ram(&gm, &mm, &e)) {
		fprintf(stderr, "fuzz_elf: %s\n", e.msg);
		abort();
	}
}

static void check_loaded(const uint8_t *data, size_t size)
{
	Elf64_Ehdr eh;

	memcpy(&eh, data, sizeof(eh));
	for (unsigned int i = 0; i < eh.e_phnum; i++) {
		const uint8_t *mem;
		Elf64_Phdr ph;

		memcpy(&ph, data + eh.e_phoff + (size_t)i * sizeof(ph),
		       sizeof(ph));
		if (ph.p_type != PT_LOAD || !ph.p_memsz)
			continue;
		mem = gmem_ptr(&gm, ph.p_paddr, ph.p_memsz);
		FUZZ_CHECK(mem, "segment %u is not in RAM", i);
		FUZZ_CHECK(!memcmp(mem, data + ph.p_offset, ph.p_filesz),
			   "segment %u: the file's bytes are not in RAM", i);
		for (uint64_t j = ph.p_filesz; j < ph.p_memsz; j++)
			FUZZ_CHECK(!mem[j], "segment %u: bss byte 0x%lx is not 0",
				   i, (unsigned long)j);
	}
}

static void check_ksyms(const uint8_t *data, size_t size)
{
	char out[KSYM_FORMAT_MAX];
	struct ksyms ks;
	struct errbuf e;

	if (ksyms_load(&ks, data, size, &e)) {
		FUZZ_CHECK(!ks.nr && !strncmp(e.msg, "ksyms: ", 7), "message: %s", e.msg);
		return;
	}
	for (size_t i = 0; i < ks.nr; i++) {
		const struct ksym *s = &ks.syms[i];

		FUZZ_CHECK(s->name < ks.names_len &&
			   memchr(ks.names + s->name, 0, ks.names_len - s->name),
			   "symbol %zu: name outside the table", i);
		FUZZ_CHECK(!i || ks.syms[i - 1].addr <= s->addr, "not sorted at %zu", i);
		if (!ksyms_format(&ks, s->addr, out, sizeof(out)))
			FUZZ_CHECK(strstr(out, "+0x0/"), "%s names its own address", out);
	}
	ksyms_free(&ks);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kernel_image k;
	struct errbuf e;
	uint8_t *copy;

	setup();
	/* an exact-size copy: ASan sees any read past the image */
	copy = malloc(size ? size : 1);
	FUZZ_CHECK(copy, "out of memory");
	memcpy(copy, data, size);
	check_ksyms(copy, size);
	if (elf_check(copy, size, "fuzz.elf", &mm, &k, &e)) {
		FUZZ_CHECK(!strncmp(e.msg, "vmm: fuzz.elf: ", 15), "message: %s",
			   e.msg);
		goto out;
	}
	FUZZ_CHECK(k.nr_load && k.start < k.end && k.end <= MV_KERNEL_MAP_SIZE,
		   "extent [0x%lx-0x%lx) of %u segments",
		   (unsigned long)k.start, (unsigned long)k.end, k.nr_load);
	FUZZ_CHECK(k.entry >= MV_KERNEL_VIRT_BASE + k.start &&
		   k.entry < MV_KERNEL_VIRT_BASE + k.end,
		   "entry 0x%lx outside the image", (unsigned long)k.entry);
	FUZZ_CHECK(memmap_in_ram(&mm, k.start, k.end), "image not in RAM");
	FUZZ_CHECK(!fixed_range_overlap(k.start, k.start + 1) &&
		   !fixed_range_overlap(k.end - 1, k.end),
		   "image edge on a fixed range");
	FUZZ_CHECK(!elf_load(copy, size, "fuzz.elf", &gm, &e),
		   "a checked image does not load: %s", e.msg);
	check_loaded(copy, size);
out:
	free(copy);
	return 0;
}
