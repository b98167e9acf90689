"""CPU slots lent between ingest workers, and pages mapped over a borrowed slot."""

from __future__ import annotations

import pickle
import threading
import time
from pathlib import Path

import pytest
from evidence.ingest.cpu import CpuSlots, map_pages


def _slots(tmp_path: Path, count: int = 2) -> CpuSlots:
    return CpuSlots.create(tmp_path, count)


def test_a_slot_held_by_a_worker_cannot_be_borrowed(tmp_path: Path) -> None:
    base = _slots(tmp_path)
    first, second = base.for_worker(0), base.for_worker(1)
    with second.held():
        assert first.borrow() is None
    slot = first.borrow()  # the second worker is idle: its CPU is free
    assert slot == 1
    first.give_back(1)
    with second.held():  # an exclusive lock on its own: nothing left to wait for
        assert first.borrow() is None


def test_one_process_never_borrows_a_slot_twice(tmp_path: Path) -> None:
    slots = _slots(tmp_path, 3).for_worker(0)
    taken = {slots.borrow(), slots.borrow()}
    assert taken == {1, 2}
    assert slots.borrow() is None  # flock alone would grant the same slot again


def test_slots_travel_to_a_worker_as_paths(tmp_path: Path) -> None:
    slots = _slots(tmp_path).for_worker(1)
    assert slots.borrow() == 0
    copy = pickle.loads(pickle.dumps(slots))
    assert (copy.folder, copy.count, copy.own) == (slots.folder, 2, 1)
    assert copy.borrow() is None  # a fresh file: the original's borrowing still counts
    slots.give_back(0)
    assert copy.borrow() == 0


def test_pages_run_two_at_a_time_on_a_spare_slot(tmp_path: Path) -> None:
    slots = _slots(tmp_path).for_worker(0)
    both = threading.Barrier(2, timeout=10)
    names: list[str] = []

    def read(n: int) -> int:
        names.append(threading.current_thread().name)
        if n < 2:
            both.wait()  # the first two pages only pass together: two threads at once
        return n * n

    assert map_pages(read, list(range(6)), slots) == [0, 1, 4, 9, 16, 25]
    assert len(set(names)) == 2
    assert slots.borrow() == 1  # the borrowed slot was given back


def test_pages_stay_on_one_thread_when_every_slot_is_busy(tmp_path: Path) -> None:
    base = _slots(tmp_path)
    mine, other = base.for_worker(0), base.for_worker(1)
    names: set[str] = set()

    def read(n: int) -> int:
        names.add(threading.current_thread().name)
        return n

    with other.held():
        assert map_pages(read, [1, 2, 3, 4], mine) == [1, 2, 3, 4]
    assert names == {threading.current_thread().name}
    assert map_pages(read, [5], None) == [5]


def test_a_worker_taking_a_new_unit_waits_at_most_one_borrowed_page(tmp_path: Path) -> None:
    base = _slots(tmp_path)
    mine, other = base.for_worker(0), base.for_worker(1)
    started = threading.Event()
    reclaimed: list[float] = []

    def read(n: int) -> int:
        if threading.current_thread().name == "evidence-page":
            started.set()
        time.sleep(0.05)
        return n

    def owner() -> None:
        started.wait(10)
        with other.held():  # blocks until the borrower's page ends
            reclaimed.append(time.monotonic())

    t = threading.Thread(target=owner)
    t.start()
    done = map_pages(read, list(range(40)), mine)
    end = time.monotonic()
    t.join(10)
    assert done == list(range(40))
    assert reclaimed and reclaimed[0] < end  # the slot came back before the file ended


def test_the_earliest_failing_page_raises_after_the_others_end(tmp_path: Path) -> None:
    slots = _slots(tmp_path).for_worker(0)
    finished: list[int] = []

    def read(n: int) -> int:
        if n in (3, 1):
            raise ValueError(f"page {n}")
        time.sleep(0.01)
        finished.append(n)
        return n

    with pytest.raises(ValueError, match="page 1"):
        map_pages(read, list(range(8)), slots)
    assert 7 not in finished  # no new page starts once one failed
    assert slots.borrow() == 1
