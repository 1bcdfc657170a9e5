#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""
memvisor_drgn's read path (tools/drgn/memvisor_drgn/memory.py) over a fake
VMM: whole pages read, a run of missing pages in one command of at most
64 KiB, pages kept until invalidate(), an unreadable page found inside a
run and named. No drgn and no guest needed.
"""

import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "tools", "drgn"))
from memvisor_drgn.memory import GuestMemory, ReadError  # noqa: E402
from memvisor_drgn.qmp import QmpError  # noqa: E402

BASE = 0xFFFF888000000000
HOLE = BASE + 5 * 4096          # an unmapped page


def byte_at(addr):
    return (addr * 7 + (addr >> 12)) & 0xFF


class FakeQmp:
    def __init__(self):
        self.calls = []

    def execute(self, command, addr, size):
        addr = int(addr, 16)
        self.calls.append((command, addr, size))
        if size > 64 << 10:
            raise QmpError("size over 64 KiB")
        if addr <= HOLE < addr + size:
            raise QmpError(f"cannot translate 0x{HOLE:x}")
        return {"addr": hex(addr), "size": size,
                "data": bytes(byte_at(a) for a in range(addr, addr + size)).hex()}


def expected(addr, count):
    return bytes(byte_at(a) for a in range(addr, addr + count))


class ReadPath(unittest.TestCase):
    def setUp(self):
        self.qmp = FakeQmp()
        self.mem = GuestMemory(self.qmp, "__org.memvisor_read-virt")

    def test_small_reads_of_one_page_cost_one_command(self):
        for off in (8, 16, 100, 4000):
            self.assertEqual(self.mem.read(BASE + off, 8), expected(BASE + off, 8))
        self.assertEqual(self.qmp.calls, [("__org.memvisor_read-virt", BASE, 4096)])
        self.assertEqual((self.mem.reads, self.mem.bytes), (1, 4096))

    def test_a_read_across_pages_reads_the_run_at_once(self):
        self.assertEqual(self.mem.read(BASE + 4090, 20), expected(BASE + 4090, 20))
        self.assertEqual(self.qmp.calls, [("__org.memvisor_read-virt", BASE, 8192)])

    def test_runs_are_split_at_64_kib(self):
        addr = BASE + (1 << 20)
        self.assertEqual(self.mem.read(addr, 100 << 10), expected(addr, 100 << 10))
        self.assertEqual([c[2] for c in self.qmp.calls], [64 << 10, 36 << 10])

    def test_only_missing_pages_are_read(self):
        self.mem.read(BASE + 4096, 1)
        self.mem.read(BASE, 3 * 4096)
        self.assertEqual([(c[1], c[2]) for c in self.qmp.calls],
                         [(BASE + 4096, 4096), (BASE, 4096), (BASE + 8192, 4096)])

    def test_invalidate_reads_again(self):
        self.mem.read(BASE, 8)
        self.mem.invalidate()
        self.mem.read(BASE, 8)
        self.assertEqual(len(self.qmp.calls), 2)

    def test_the_unreadable_page_is_named_and_its_neighbours_kept(self):
        with self.assertRaises(ReadError) as cm:
            self.mem.read(BASE + 3 * 4096, 4 * 4096)
        self.assertEqual(cm.exception.address, HOLE)
        self.assertIn(f"0x{HOLE:x}", str(cm.exception))
        calls = len(self.qmp.calls)
        self.assertEqual(self.mem.read(BASE + 4 * 4096, 4096), expected(BASE + 4 * 4096, 4096))
        self.assertEqual(len(self.qmp.calls), calls, "page 4 was read with the run")

    def test_zero_bytes_cost_nothing(self):
        self.assertEqual(self.mem.read(BASE, 0), b"")
        self.assertEqual(self.qmp.calls, [])


if __name__ == "__main__":
    unittest.main()
