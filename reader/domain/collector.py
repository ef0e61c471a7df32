"""Pausing Python's cycle collector while many long-lived objects are made at once."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def cyclic_gc_paused(*, keep_frozen: bool = False) -> Iterator[None]:
    """No cyclic garbage collection inside the block, and none owed for it afterwards.

    Grouping stories allocates hundreds of thousands of sets, dicts and tuples, and the
    story view's first build 170,000 lists and groups at 100,000 articles; neither makes
    reference cycles, so the collector's passes over the growing heap find nothing:
    pausing it saved 15% of grouping 10,000 files (0.62 -> 0.53 s in ``reader list``) and
    a third of the story view's build (0.21-0.33 -> 0.14 s).

    Everything made meanwhile is still in the youngest generation, and the first allocation
    after re-enabling would scan all of it for nothing (0.54 s after grouping 100,000).
    ``freeze`` then ``unfreeze`` moves the tracked objects to the oldest generation without
    a scan; the next full collection still looks at them.

    ``keep_frozen`` leaves every tracked object frozen instead, the window's policy for
    what lives as long as the folder is open (its rows and search records, frozen by
    the row feed; the story view's groups): unfreezing here would hand the window's
    100,000 rows back to the collector, whose full passes take 100+ ms of the GUI thread.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.freeze()
            if not keep_frozen:
                gc.unfreeze()
            gc.enable()
