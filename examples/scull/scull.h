/* SPDX-License-Identifier: MIT */
/*
 * scull's memory (LDD3, chapters 3 and 8): a device holds its bytes in a
 * list of quantum sets; each set is an array of qset pointers to quanta of
 * `quantum` bytes, allocated on first write and freed by trim. scullc,
 * scullp and scullv differ only in how a quantum is allocated (a lookaside
 * cache, whole pages, vmalloc): each passes its own scull_ops. memvisor
 * has no /dev and no file operations, so read and write take a kernel
 * buffer and an offset, for the module's own tests to call.
 *
 * The functions are static: each module compiles its own copy
 * (ccflags-y := -I$(CURDIR)/../scull). A device is used by one thread at a
 * time (the book's semaphore is left out: memvisor has no mutex yet).
 */
#ifndef EXAMPLES_SCULL_H
#define EXAMPLES_SCULL_H

#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/string.h>

struct scull_dev;

struct scull_ops {
	/* A quantum of dev->quantum bytes (contents undefined), or NULL. */
	void *(*alloc_quantum)(struct scull_dev *dev);
	void (*free_quantum)(struct scull_dev *dev, void *quantum);
	/*
	 * Copies between a quantum and a buffer; NULL: plain memcpy (the
	 * quantum is mapped). scullp's high-memory quanta kmap page by page.
	 */
	void (*copy)(struct scull_dev *dev, void *quantum, size_t offset,
		     void *buf, size_t len, bool to_quantum);
};

struct scull_qset {
	void **data;			/* qset quanta, or NULL */
	struct scull_qset *next;
};

struct scull_dev {
	struct scull_qset *data;	/* the first quantum set */
	const struct scull_ops *ops;
	size_t quantum;			/* bytes per quantum */
	unsigned int qset;		/* quanta per set */
	size_t size;			/* bytes stored */
	unsigned long quanta;		/* quanta allocated, for the tests */
};

static inline void scull_setup(struct scull_dev *dev,
			       const struct scull_ops *ops, size_t quantum,
			       unsigned int qset)
{
	*dev = (struct scull_dev){ .ops = ops, .quantum = quantum,
				   .qset = qset };
}

/* Frees every quantum and set: the device is empty again. */
static inline void scull_trim(struct scull_dev *dev)
{
	struct scull_qset *dptr, *next;

	for (dptr = dev->data; dptr; dptr = next) {
		if (dptr->data) {
			for (unsigned int i = 0; i < dev->qset; i++)
				if (dptr->data[i])
					dev->ops->free_quantum(dev, dptr->data[i]);
			kfree(dptr->data);
		}
		next = dptr->next;
		kfree(dptr);
	}
	dev->data = NULL;
	dev->size = 0;
	dev->quanta = 0;
}

/* The n-th quantum set, allocating the sets on the way; NULL if out of memory. */
static inline struct scull_qset *scull_follow(struct scull_dev *dev,
					      unsigned long n)
{
	struct scull_qset **link = &dev->data;

	for (;;) {
		if (!*link) {
			*link = kzalloc(sizeof(**link), GFP_KERNEL);
			if (!*link)
				return NULL;
		}
		if (!n--)
			return *link;
		link = &(*link)->next;
	}
}

static inline void scull_copy(struct scull_dev *dev, void *quantum,
			      size_t offset, void *buf, size_t len,
			      bool to_quantum)
{
	if (dev->ops->copy)
		dev->ops->copy(dev, quantum, offset, buf, len, to_quantum);
	else if (to_quantum)
		memcpy((char *)quantum + offset, buf, len);
	else
		memcpy(buf, (char *)quantum + offset, len);
}

/*
 * Where byte *pos lives: its set, its quantum in the set, its offset in
 * the quantum; and how many bytes of count fit before the quantum ends
 * (the book's read and write stop there).
 */
struct scull_pos {
	unsigned long item;
	unsigned int s_pos;
	size_t q_pos;
	size_t len;
};

static inline struct scull_pos scull_locate(const struct scull_dev *dev,
					    loff_t pos, size_t count)
{
	size_t itemsize = dev->quantum * dev->qset;
	size_t rest = (size_t)pos % itemsize;
	struct scull_pos p = {
		.item = (size_t)pos / itemsize,
		.s_pos = rest / dev->quantum,
		.q_pos = rest % dev->quantum,
	};

	p.len = min_t(size_t, count, dev->quantum - p.q_pos);
	return p;
}

/* Up to the end of one quantum; bytes read (0 at the end), *pos advanced. */
static inline ssize_t scull_read(struct scull_dev *dev, void *buf,
				 size_t count, loff_t *pos)
{
	struct scull_qset *dptr;
	struct scull_pos p;

	if (*pos < 0)
		return -EINVAL;
	if ((size_t)*pos >= dev->size)
		return 0;
	count = min_t(size_t, count, dev->size - (size_t)*pos);
	p = scull_locate(dev, *pos, count);
	for (dptr = dev->data; dptr && p.item; p.item--)
		dptr = dptr->next;
	/* a hole (never written): reads as zeros, as a sparse file */
	if (!dptr || !dptr->data || !dptr->data[p.s_pos])
		memset(buf, 0, p.len);
	else
		scull_copy(dev, dptr->data[p.s_pos], p.q_pos, buf, p.len, false);
	*pos += p.len;
	return p.len;
}

/* Up to the end of one quantum; bytes written or -ENOMEM, *pos advanced. */
static inline ssize_t scull_write(struct scull_dev *dev, const void *buf,
				  size_t count, loff_t *pos)
{
	struct scull_qset *dptr;
	struct scull_pos p;

	if (*pos < 0)
		return -EINVAL;
	p = scull_locate(dev, *pos, count);
	dptr = scull_follow(dev, p.item);
	if (!dptr)
		return -ENOMEM;
	if (!dptr->data) {
		dptr->data = kcalloc(dev->qset, sizeof(void *), GFP_KERNEL);
		if (!dptr->data)
			return -ENOMEM;
	}
	if (!dptr->data[p.s_pos]) {
		dptr->data[p.s_pos] = dev->ops->alloc_quantum(dev);
		if (!dptr->data[p.s_pos])
			return -ENOMEM;
		dev->quanta++;
	}
	scull_copy(dev, dptr->data[p.s_pos], p.q_pos, (void *)buf, p.len, true);
	*pos += p.len;
	dev->size = max_t(size_t, dev->size, (size_t)*pos);
	return p.len;
}

/* The whole of count, as a caller of write(2) loops: 0 or -errno. */
static inline int scull_write_all(struct scull_dev *dev, const void *buf,
				  size_t count, loff_t pos)
{
	while (count) {
		ssize_t n = scull_write(dev, buf, count, &pos);

		if (n < 0)
			return n;
		buf = (const char *)buf + n;
		count -= n;
	}
	return 0;
}

/* Reads count bytes from pos; the bytes read (fewer at the end). */
static inline size_t scull_read_all(struct scull_dev *dev, void *buf,
				    size_t count, loff_t pos)
{
	size_t done = 0;

	while (done < count) {
		ssize_t n = scull_read(dev, (char *)buf + done, count - done,
				       &pos);

		if (n <= 0)
			break;
		done += n;
	}
	return done;
}

/* The test pattern: byte i of a device is (i * 7 + i / 251) & 0xff. */
static inline void scull_pattern(unsigned char *buf, size_t len, size_t from)
{
	for (size_t i = 0; i < len; i++)
		buf[i] = ((from + i) * 7 + (from + i) / 251) & 0xff;
}

#endif
