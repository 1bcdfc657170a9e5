# SPDX-License-Identifier: MIT
"""
Guest memory for drgn, read through the VMM's read-virt and read-phys.

drgn reads a few bytes at a time (a pointer, a member); each QMP read parks
the guest's vCPUs, so whole pages are read, and a run of missing pages in
one command, and kept until invalidate(): a snapshot that costs a round
trip per new page run, not per member. The guest runs on between reads, so
the cache is dropped before every statement of the interactive shell (and
by memvisor_drgn.refresh()): what one statement sees is one page-consistent
picture, as good as a live kernel's /proc/kcore gives drgn.
"""

import time

PAGE_SIZE = 4096
READ_MAX = 64 << 10          # read-virt's and read-phys's limit per command
CACHE_PAGES = 16384          # 64 MiB at most, then the cache starts anew


class ReadError(Exception):
    def __init__(self, address, msg):
        super().__init__(msg)
        self.address = address


class GuestMemory:
    """Pages of one address space ("virt" or "phys"), read in runs."""

    def __init__(self, qmp, command):
        self.qmp = qmp
        self.command = command
        self.pages = {}
        self.reads = 0       # QMP round trips
        self.bytes = 0
        self.seconds = 0.0

    def invalidate(self):
        self.pages.clear()

    def _fetch(self, addr, size):
        t = time.perf_counter()
        self.reads += 1
        try:
            ret = self.qmp.execute(self.command, addr=f"0x{addr:x}", size=size)
        finally:
            self.seconds += time.perf_counter() - t
        data = bytes.fromhex(ret["data"])
        if len(data) != size:
            raise ReadError(addr, f"{self.command} answered {len(data)} bytes of {size}")
        self.bytes += size
        return data

    def _fill(self, first, last):
        """Reads the missing pages of [first, last] (page addresses)."""
        if len(self.pages) + (last - first) // PAGE_SIZE >= CACHE_PAGES:
            self.pages.clear()
        page = first
        while page <= last:
            if page in self.pages:
                page += PAGE_SIZE
                continue
            run = page
            while (run + PAGE_SIZE <= last and run + PAGE_SIZE not in self.pages
                   and run + PAGE_SIZE - page < READ_MAX):
                run += PAGE_SIZE
            self._fill_run(page, run + PAGE_SIZE - page)
            page = run + PAGE_SIZE

    def _fill_run(self, start, size):
        try:
            data = self._fetch(start, size)
        except Exception as e:
            if size == PAGE_SIZE:
                raise ReadError(start, str(e)) from None
            # one page of the run cannot be read: find which, keep the others
            for off in range(0, size, PAGE_SIZE):
                self._fill_run(start + off, PAGE_SIZE)
            return
        for off in range(0, size, PAGE_SIZE):
            self.pages[start + off] = data[off:off + PAGE_SIZE]

    def read(self, address, count):
        if count == 0:
            return b""
        first = address & ~(PAGE_SIZE - 1)
        last = (address + count - 1) & ~(PAGE_SIZE - 1)
        self._fill(first, last)
        if first == last:
            off = address - first
            return self.pages[first][off:off + count]
        buf = b"".join(self.pages[p] for p in range(first, last + 1, PAGE_SIZE))
        off = address - first
        return buf[off:off + count]
