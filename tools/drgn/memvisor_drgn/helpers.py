# SPDX-License-Identifier: MIT
"""
drgn helpers for memvisor's guest kernel (guestmm), named as Linux's where
Linux has one. guestmm keeps one node (contig_page_data), a flat mem_map,
its caches on slab_caches, its vmap areas on vmap_area_list and its modules
on modules, so each is a few lines over drgn's list helpers.
"""

from drgn import Object
from drgn.helpers.linux.list import list_for_each_entry

__all__ = [
    "for_each_zone", "for_each_populated_zone", "for_each_slab_cache",
    "find_slab_cache", "for_each_free_block", "page_to_pfn", "pfn_to_page",
    "for_each_vmap_area", "for_each_module", "zone_free_blocks",
]


def for_each_zone(prog):
    """Every struct zone of contig_page_data (as Linux's for_each_zone)."""
    pgdat = prog["contig_page_data"]
    for i in range(len(pgdat.node_zones)):
        yield pgdat.node_zones[i]


def for_each_populated_zone(prog):
    """The zones with present pages."""
    for zone in for_each_zone(prog):
        if zone.present_pages:
            yield zone


def for_each_slab_cache(prog):
    """Every struct kmem_cache * on slab_caches."""
    return list_for_each_entry("struct kmem_cache", prog["slab_caches"].address_of_(),
                               "list")


def find_slab_cache(prog, name):
    """The struct kmem_cache * called @name, or None."""
    if isinstance(name, str):
        name = name.encode()
    for cache in for_each_slab_cache(prog):
        if cache.name.string_() == name:
            return cache
    return None


def page_to_pfn(page):
    return (page - page.prog_["mem_map"]).value_()


def pfn_to_page(prog, pfn):
    return prog["mem_map"] + pfn


def for_each_free_block(zone, order):
    """The head struct page * of every free block of @order in @zone's buddy lists."""
    return list_for_each_entry("struct page", zone.free_area[order].free_list.address_of_(),
                               "lru")


def zone_free_blocks(zone):
    """[nr_free of order 0, 1, ...]: the zone's buddyinfo line."""
    return [zone.free_area[o].nr_free.value_() for o in range(len(zone.free_area))]


def for_each_vmap_area(prog):
    """Every busy struct vmap_area *, by address (vmap_area_list)."""
    return list_for_each_entry("struct vmap_area", prog["vmap_area_list"].address_of_(),
                               "list")


def for_each_module(prog):
    """Every loaded struct module *, newest first (modules)."""
    return list_for_each_entry("struct module", prog["modules"].address_of_(), "list")
