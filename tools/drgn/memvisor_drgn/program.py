# SPDX-License-Identifier: MIT
"""A drgn.Program over a running memvisor guest."""

import drgn

from .memory import GuestMemory, ReadError
from .qmp import Qmp, QmpError

VENDOR = "__org.memvisor_"
KERNEL_HALF = 0xFFFF800000000000     # the guest kernel's addresses: the upper half
PHYS_LIMIT = 1 << 52


class ImageMismatch(Exception):
    """The ELF file is not the kernel the guest runs."""


def _reader(mem):
    def read(address, count, offset, physical):
        try:
            return mem.read(address, count)
        except ReadError as e:
            raise drgn.FaultError(str(e), e.address) from None
    return read


def _text_segment(path):
    """(vaddr, bytes) of the ELF's first executable PT_LOAD."""
    import struct

    try:
        with open(path, "rb") as f:
            elf = f.read()
    except OSError as e:
        raise ImageMismatch(f"cannot read {path}: {e.strerror}") from None
    if elf[:4] != b"\x7fELF" or elf[4] != 2 or elf[5] != 1:
        raise ImageMismatch(f"{path} is not a 64-bit little-endian ELF file")
    phoff, = struct.unpack_from("<Q", elf, 0x20)
    phentsize, phnum = struct.unpack_from("<HH", elf, 0x36)
    for i in range(phnum):
        p_type, p_flags, p_offset, p_vaddr, _, p_filesz, _, _ = \
            struct.unpack_from("<IIQQQQQQ", elf, phoff + i * phentsize)
        if p_type == 1 and p_flags & 1:
            return p_vaddr, elf[p_offset:p_offset + p_filesz]
    raise ImageMismatch(f"{path} has no executable segment")


class Session:
    """prog (the drgn.Program), qmp, and the read counters of both spaces."""

    def __init__(self, socket_path, kernel, check_image=True):
        self.kernel = kernel
        self.qmp = Qmp(socket_path)
        self.virt = GuestMemory(self.qmp, VENDOR + "read-virt")
        self.phys = GuestMemory(self.qmp, VENDOR + "read-phys")
        if check_image:
            self.check_image()
        self.prog = drgn.Program(drgn.Platform(
            drgn.Architecture.X86_64,
            drgn.PlatformFlags.IS_64_BIT | drgn.PlatformFlags.IS_LITTLE_ENDIAN))
        self.prog.add_memory_segment(KERNEL_HALF, (1 << 64) - KERNEL_HALF,
                                     _reader(self.virt))
        self.prog.add_memory_segment(0, PHYS_LIMIT, _reader(self.phys),
                                     physical=True)
        try:
            self.prog.load_debug_info([kernel])
        except drgn.MissingDebugInfoError as e:
            raise ImageMismatch(f"{kernel}: no debug info: {e}".replace("\n", " ")) from None
        self.reset_counts()

    def check_image(self):
        """The file's kernel text must be the text the guest runs."""
        vaddr, text = _text_segment(self.kernel)
        try:
            guest = self.virt.read(vaddr, len(text))
        except ReadError as e:
            raise ImageMismatch(
                f"cannot read the guest's kernel text at 0x{vaddr:x} ({e}): has the "
                f"guest booted, and is {self.kernel} its kernel (--kernel FILE)?") from None
        self.virt.invalidate()
        if guest != text:
            at = next(i for i in range(len(text)) if guest[i] != text[i])
            raise ImageMismatch(
                f"{self.kernel} is not the kernel the guest runs (its text differs "
                f"at 0x{vaddr + at:x}): give the image vmm booted with --kernel FILE")

    def invalidate(self):
        """Forget the pages read: the next reads see the guest as it is now."""
        self.virt.invalidate()
        self.phys.invalidate()

    def reset_counts(self):
        for m in (self.virt, self.phys):
            m.reads, m.bytes, m.seconds = 0, 0, 0.0

    def counts(self):
        """(QMP reads, bytes, seconds spent in them) since reset_counts()."""
        return (self.virt.reads + self.phys.reads,
                self.virt.bytes + self.phys.bytes,
                self.virt.seconds + self.phys.seconds)

    def close(self):
        self.qmp.close()


__all__ = ["Session", "ImageMismatch", "QmpError"]
