// SPDX-License-Identifier: MIT
/* Bounds-checked access to guest memory. */
#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <sys/mman.h>

#include "gmem.h"
#include "size.h"

void gmem_init(struct gmem *gm)
{
	memset(gm, 0, sizeof(*gm));
}

static int overlaps(const struct gmem *gm, uint64_t gpa, uint64_t size)
{
	unsigned int i;

	for (i = 0; i < gm->nr; i++)
		if (gpa < gm->r[i].gpa + gm->r[i].size &&
		    gm->r[i].gpa < gpa + size)
			return 1;
	return 0;
}

int gmem_add(struct gmem *gm, uint64_t gpa, uint64_t size, void *host)
{
	if (!size || !host || gpa + size < gpa)
		return -EINVAL;
	if (gm->nr >= GMEM_MAX_REGIONS)
		return -ENOSPC;
	if (overlaps(gm, gpa, size))
		return -EEXIST;
	gm->r[gm->nr++] = (struct gmem_region){
		.gpa = gpa, .size = size, .host = host,
	};
	return 0;
}

int gmem_map_ram(struct gmem *gm, const struct memmap *mm, struct errbuf *e)
{
	unsigned int i;

	for (i = 0; i < mm->nr_ram; i++) {
		uint64_t size = mm->ram[i].end - mm->ram[i].start;
		void *p;
		char s[32];

		p = mmap(NULL, size, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		if (p == MAP_FAILED) {
			int err = errno;

			gmem_release(gm);
			size_format(size, s, sizeof(s));
			return errf(e, "vmm: --mem: cannot reserve %s of host address space for guest RAM [0x%" PRIx64 "-0x%" PRIx64 ") (mmap MAP_NORESERVE: %s)",
				    s, mm->ram[i].start, mm->ram[i].end,
				    strerror(err));
		}
		/* the guest's pages should not end up in a core dump */
		madvise(p, size, MADV_DONTDUMP);
		gm->r[gm->nr++] = (struct gmem_region){
			.gpa = mm->ram[i].start, .size = size, .host = p,
			.owned = 1,
		};
	}
	return 0;
}

void gmem_release(struct gmem *gm)
{
	unsigned int i;

	for (i = 0; i < gm->nr; i++)
		if (gm->r[i].owned)
			munmap(gm->r[i].host, gm->r[i].size);
	gmem_init(gm);
}

const struct gmem_region *gmem_region_of(const struct gmem *gm, uint64_t gpa,
					 uint64_t len)
{
	unsigned int i;

	for (i = 0; i < gm->nr; i++) {
		const struct gmem_region *r = &gm->r[i];

		/* offset and len compared separately: gpa + len may wrap */
		if (gpa < r->gpa || gpa - r->gpa > r->size)
			continue;
		if (len > r->size - (gpa - r->gpa))
			continue;
		if (!len && gpa - r->gpa == r->size)
			continue;
		return r;
	}
	return NULL;
}

void *gmem_ptr(const struct gmem *gm, uint64_t gpa, uint64_t len)
{
	const struct gmem_region *r = gmem_region_of(gm, gpa, len);

	if (!r)
		return NULL;
	return (char *)r->host + (gpa - r->gpa);
}

int gmem_read(const struct gmem *gm, uint64_t gpa, void *dst, size_t len)
{
	void *p = gmem_ptr(gm, gpa, len);

	if (!p)
		return -EFAULT;
	memcpy(dst, p, len);
	return 0;
}

int gmem_write(const struct gmem *gm, uint64_t gpa, const void *src,
	       size_t len)
{
	void *p = gmem_ptr(gm, gpa, len);

	if (!p)
		return -EFAULT;
	if (gm->before_write)
		gm->before_write(gpa, len);
	memcpy(p, src, len);
	return 0;
}

int gmem_fill(const struct gmem *gm, uint64_t gpa, int c, size_t len)
{
	void *p = gmem_ptr(gm, gpa, len);

	if (!p)
		return -EFAULT;
	if (gm->before_write)
		gm->before_write(gpa, len);
	memset(p, c, len);
	return 0;
}

int gmem_read_str(const struct gmem *gm, uint64_t gpa, char *dst, size_t max)
{
	const struct gmem_region *r;
	uint64_t avail;
	size_t n;
	const char *src;

	if (!max)
		return -EINVAL;
	dst[0] = '\0';
	r = gmem_region_of(gm, gpa, 1);
	if (!r)
		return -EFAULT;
	avail = r->size - (gpa - r->gpa);
	n = max - 1 < avail ? max - 1 : avail;
	src = (const char *)r->host + (gpa - r->gpa);
	n = strnlen(src, n);
	memcpy(dst, src, n);
	dst[n] = '\0';
	return n;
}
