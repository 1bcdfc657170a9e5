# SPDX-License-Identifier: MIT
"""
memvisor_drgn: drgn on a running memvisor guest (`vmmctl drgn`).

In a session, `prog` is the guest, and these are imported:
for_each_zone, for_each_populated_zone, for_each_slab_cache,
find_slab_cache, for_each_free_block, zone_free_blocks, page_to_pfn,
pfn_to_page, for_each_vmap_area, for_each_module; refresh() drops the pages
read so far (a script that watches the guest change calls it between
looks), read_counts() says how many QMP reads the session made.
"""

try:
    from .helpers import *  # noqa: F401,F403
    from .helpers import __all__ as _helpers_all
except ImportError:     # no drgn: `python3 -m memvisor_drgn` says so itself
    _helpers_all = []

session = None   # the Session of `vmmctl drgn` (memvisor_drgn.program)


def refresh():
    """Read the guest anew from here on (the page cache is dropped)."""
    session.invalidate()


def read_counts():
    """(QMP reads, bytes, seconds in them) since the session began."""
    return session.counts()


__all__ = _helpers_all + ["refresh", "read_counts"]
