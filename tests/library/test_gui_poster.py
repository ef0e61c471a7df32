"""GuiPoster: results posted from worker threads run on the GUI thread, in order, in slices.

The time budget is what keeps a warm start (twenty result batches posted at once) from
freezing the window: these tests hold that the event loop gets a turn between slow
callbacks, that nothing is lost or reordered on the way, and that ``close`` drops the rest.
"""

from __future__ import annotations

import gc
import threading
import time

import pytest
from PySide6.QtCore import QTimer

from reader.library import workers
from reader.library.workers import GuiPoster


@pytest.fixture(autouse=True)
def _no_garbage_from_earlier_tests():
    """Earlier tests' cyclic garbage is collected here, on the GUI thread: otherwise the
    sender threads' allocations can set off that collection, and a Qt object of an earlier
    test (a window, a model with a running timer) is destroyed from the wrong thread."""
    gc.collect()


def test_callbacks_posted_from_threads_run_on_the_gui_thread_in_order(qtbot):
    poster = GuiPoster()
    gui_thread = threading.get_ident()
    seen: list[tuple[int, int]] = []

    def post_all() -> None:
        for number in range(500):
            poster.post(lambda number=number: seen.append((number, threading.get_ident())))

    sender = threading.Thread(target=post_all)
    sender.start()
    sender.join()
    qtbot.waitUntil(lambda: len(seen) == 500, timeout=5000)
    assert [number for number, _thread in seen] == list(range(500))
    assert {thread for _number, thread in seen} == {gui_thread}
    assert poster.pending() == 0


def test_slow_callbacks_leave_the_event_loop_a_turn_between_them(qtbot):
    poster = GuiPoster()
    order: list[str] = []
    slow_s = workers.DRAIN_BUDGET_S * 1.5

    def slow(number: int) -> None:
        time.sleep(slow_s)
        order.append(f"callback {number}")

    for number in range(4):
        poster.post(lambda number=number: slow(number))
    # A zero-interval timer started now fires on the event loop's next turn: with a
    # budget per turn it lands between the slow callbacks, not after all of them.
    ticks = QTimer()
    ticks.setInterval(0)
    ticks.timeout.connect(lambda: order.append("tick"))
    ticks.start()
    qtbot.waitUntil(lambda: order.count("callback 3") == 1, timeout=5000)
    ticks.stop()
    callbacks = [entry for entry in order if entry != "tick"]
    assert callbacks == [f"callback {number}" for number in range(4)]
    first, last = order.index("callback 0"), order.index("callback 3")
    assert "tick" in order[first:last], order


def test_a_failing_callback_is_logged_and_the_rest_still_run(qtbot, caplog):
    poster = GuiPoster()
    ran: list[int] = []

    def broken() -> None:
        raise RuntimeError("a handler bug")

    poster.post(lambda: ran.append(1))
    poster.post(broken)
    poster.post(lambda: ran.append(3))
    qtbot.waitUntil(lambda: ran == [1, 3], timeout=5000)
    assert "a background result could not be applied" in caplog.text


def test_close_drops_queued_and_later_callbacks(qtbot):
    poster = GuiPoster()
    ran: list[int] = []
    poster.post(lambda: ran.append(1))
    poster.close()
    poster.post(lambda: ran.append(2))
    qtbot.wait(50)
    assert ran == []
    assert poster.pending() == 0
