"""The cycle collector's pause: off inside, back on after, and no collection owed for what
was made meanwhile."""

from __future__ import annotations

import gc

import pytest

from reader.domain.collector import cyclic_gc_paused


def test_the_collector_is_paused_inside_and_owes_nothing_after() -> None:
    assert gc.isenabled()
    with cyclic_gc_paused():
        assert not gc.isenabled()
        made = [[number] for number in range(50_000)]
    assert gc.isenabled()
    assert gc.get_count()[0] < 1000  # the 50,000 lists are not waiting in the youngest
    assert len(made) == 50_000


def test_a_collector_switched_off_stays_off_and_an_error_still_ends_the_pause() -> None:
    gc.disable()
    try:
        with cyclic_gc_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
    with pytest.raises(ValueError), cyclic_gc_paused():
        raise ValueError("inside")
    assert gc.isenabled()


def test_what_was_frozen_stays_frozen_when_asked() -> None:
    """The window freezes its rows; a pause inside it must not hand them back."""
    kept = [[number] for number in range(1000)]
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        with cyclic_gc_paused(keep_frozen=True):
            made = [[number] for number in range(1000)]
        assert gc.get_freeze_count() >= frozen + len(made)
        with cyclic_gc_paused():
            pass
        assert gc.get_freeze_count() == 0  # the default hands everything back
    finally:
        gc.unfreeze()
    assert kept
