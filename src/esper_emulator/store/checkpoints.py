"""SQLite's checkpoints, made on a thread of their own.

In WAL mode a commit appends pages to the write-ahead log, and a checkpoint copies them
into the database file and syncs it. SQLite checkpoints in the commit that takes the log
past 1,000 pages: a request paid for the copy and the syncs now and then (a tenth of a
command POST's time), and a seed of 100,000 devices for a copy of all of them (a sixth
of its time). ``Checkpointer`` makes them on a connection and thread of its own, which
SQLite lets run beside the writer, while Python's ``sqlite3`` lets go of the GIL.
"""

from __future__ import annotations

import logging
import sqlite3
import threading

log = logging.getLogger(__name__)

PAUSE_S = 0.1
"""The least time between two checkpoints: at most ten syncs a second however many
commits there are."""
RESTART_BYTES = 512 << 20
"""The log's size past which the writer has it start again from its beginning: SQLite
restarts the log only when a writer begins after a checkpoint that left nothing behind,
which commits coming faster than checkpoints never allow."""


class Checkpointer:
    """Checkpoints the SQLite database at ``path`` after commits (``wake``), from a thread
    of its own, until ``close``. The writer's connection checkpoints no more itself
    (``PRAGMA wal_autocheckpoint=0``: the caller's to set), but for ``restart``."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.log_bytes = 0
        """The log's size at the last checkpoint."""
        self._wake = threading.Event()
        self._closing = threading.Event()
        self._thread = threading.Thread(target=self._run, name="esper-checkpoints", daemon=True)
        self._thread.start()

    @property
    def running(self) -> bool:
        """Whether the thread making the checkpoints runs (until ``close``)."""
        return self._thread.is_alive()

    def wake(self) -> None:
        """Note that a commit added to the log: a checkpoint follows soon."""
        self._wake.set()

    def restart_due(self) -> bool:
        """Whether the writer should have the log start again (``restart``)."""
        return self.log_bytes > RESTART_BYTES

    def restart(self, writer: sqlite3.Connection) -> None:
        """On the ``writer``'s connection, before it begins: checkpoint what the last
        checkpoint left (waiting for one under way) and start the log again."""
        try:
            writer.execute("PRAGMA wal_checkpoint(RESTART)").fetchall()
        except sqlite3.Error as exc:  # the write goes on; a later one tries again
            log.warning("SQLite checkpoint of %s failed: %s", self.path, exc)
        self.log_bytes = 0

    def close(self) -> None:
        """Stop checkpointing (the last connection to close checkpoints what is left)."""
        self._closing.set()
        self._wake.set()
        self._thread.join()

    def _run(self) -> None:
        conn = sqlite3.connect(self.path)
        try:
            conn.execute("PRAGMA synchronous=NORMAL")
            while self._wake.wait() and not self._closing.is_set():
                self._wake.clear()
                self._checkpoint(conn)
                self._closing.wait(PAUSE_S)
        finally:
            conn.close()

    def _checkpoint(self, conn: sqlite3.Connection) -> None:
        # PASSIVE copies what no reader still needs, waiting for no one
        try:
            _busy, frames, _copied = conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
            page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        except sqlite3.Error as exc:  # the next commit tries again
            log.warning("SQLite checkpoint of %s failed: %s", self.path, exc)
        else:
            self.log_bytes = frames * page_size
