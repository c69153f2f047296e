"""SQLite's checkpoints, made on a thread of their own, and a log that starts again."""

from __future__ import annotations

import shutil
import sqlite3
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from esper_emulator.store import Store, create_store_engine
from esper_emulator.store import checkpoints as checkpoints_module

DEADLINE_S = 30.0


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "checkpointed.db"


@pytest.fixture
def store(path: Path) -> Iterator[Store]:
    opened = Store(create_store_engine(str(path)))
    yield opened
    opened.close()


def eventually(condition: Callable[[], bool]) -> None:
    deadline = time.monotonic() + DEADLINE_S
    while not condition():
        assert time.monotonic() < deadline, "the condition never held"
        time.sleep(0.01)


def in_database_file(path: Path, key: str, tmp_path: Path) -> bool:
    """Whether ``key`` is in the database file itself, without its write-ahead log."""
    alone = tmp_path / "alone.db"
    shutil.copyfile(path, alone)
    try:
        with sqlite3.connect(alone) as copy:
            found = copy.execute("SELECT count(*) FROM meta WHERE key = ?", (key,)).fetchone()
    except sqlite3.DatabaseError:  # no tables yet, or copied while a checkpoint wrote it
        return False
    finally:
        alone.unlink()
    return bool(found[0])


def log_frames(path: Path) -> int:
    """The frames in the write-ahead log now (a passive checkpoint reports them)."""
    with sqlite3.connect(path) as other:
        _busy, frames, _copied = other.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
    return int(frames)


def test_a_commit_reaches_the_database_file_without_the_writer_checkpointing(
    store: Store, path: Path, tmp_path: Path
) -> None:
    with store.transaction():
        store.meta_set("written", "yes")
        autocheckpoint = store.conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar()
    assert autocheckpoint == 0
    eventually(lambda: in_database_file(path, "written", tmp_path))


def test_a_log_past_its_bound_starts_again_at_the_next_write(
    store: Store, path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(checkpoints_module, "RESTART_BYTES", 64 << 10)
    with store.transaction():
        for n in range(200):
            store.meta_set(f"key-{n}", "x" * 2000)
    eventually(lambda: store.checkpoints is not None and store.checkpoints.restart_due())
    before = log_frames(path)
    with store.transaction():
        store.meta_set("after", "yes")
    assert before > 64 and log_frames(path) < before
    with store.transaction(read_only=True):
        assert store.meta_get("key-199") == "x" * 2000 and store.meta_get("after") == "yes"


def test_closing_the_store_stops_its_checkpoints_and_leaves_no_log(path: Path) -> None:
    store = Store(create_store_engine(str(path)))
    with store.transaction():
        store.meta_set("written", "yes")
    checkpoints = store.checkpoints
    store.close()
    assert checkpoints is not None and not checkpoints.running
    assert not Path(f"{path}-wal").exists()
    with sqlite3.connect(path) as other:
        assert other.execute("SELECT value FROM meta WHERE key = 'written'").fetchone() == ("yes",)


def test_a_database_in_memory_has_no_checkpoints() -> None:
    store = Store(create_store_engine(":memory:"))
    try:
        assert store.checkpoints is None
    finally:
        store.close()
