"""Progress of long work on stderr: bytes of an upload, devices of a bulk command.

On a terminal it is a live rich bar. Elsewhere (a pipe, a CI log, a test) it is plain
lines, about every 5 % and always one at the end, e.g.::

    app.apk: uploaded 262144/1048863 bytes (24%)
    app.apk: uploaded 1048863/1048863 bytes (100%)
    REBOOT: 12/12 devices done

Callbacks may come from several threads (the SDK's bulk commands): they are serialized.
"""

from __future__ import annotations

import sys
import threading
from types import TracebackType

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    TaskID,
    TextColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)

STEPS = 20


class _Reporter:
    """Shared workings of the two progress kinds; ``unit`` picks bytes or devices."""

    def __init__(self, label: str, *, quiet: bool = False, total: int | None = None) -> None:
        self.label = label
        self.quiet = quiet
        self.total = total
        self._lock = threading.Lock()
        self._printed = -1
        self._last = 0
        self._bar: Progress | None = None
        self._task: TaskID | None = None
        if not quiet and sys.stderr.isatty():
            self._bar = Progress(*self._columns(), console=Console(stderr=True))

    def _columns(self) -> tuple[ProgressColumn, ...]:
        raise NotImplementedError

    def _line(self, done: int, total: int) -> str:
        raise NotImplementedError

    def __enter__(self) -> _Reporter:
        if self._bar is not None:
            self._bar.start()
            self._task = self._bar.add_task(self.label, total=self.total)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._bar is not None:
            self._bar.stop()

    def __call__(self, done: int, total: int) -> None:
        """Note that ``done`` of ``total`` are done."""
        if self.quiet:
            return
        with self._lock:
            if self._bar is not None and self._task is not None:
                self._bar.update(self._task, completed=done, total=total)
                return
            if done < self._last:  # a retried upload starts again from 0
                self._printed = -1
            self._last = done
            step = max(1, total // STEPS)
            if done >= total or self._printed < 0 or done - self._printed >= step:
                if done == self._printed:
                    return
                self._printed = done
                typer.echo(self._line(done, total), err=True)


class BytesProgress(_Reporter):
    """``on_progress(sent, total)`` for an upload: ``LABEL: uploaded SENT/TOTAL bytes (P%)``."""

    def _columns(self) -> tuple[ProgressColumn, ...]:
        return (
            TextColumn("{task.description}"),
            BarColumn(),
            DownloadColumn(),
            TransferSpeedColumn(),
            TimeRemainingColumn(),
        )

    def _line(self, done: int, total: int) -> str:
        percent = 100 * done // total if total else 100
        return f"{self.label}: uploaded {done}/{total} bytes ({percent}%)"


class CountProgress(_Reporter):
    """``on_progress(done, total)`` for a bulk command: ``LABEL: DONE/TOTAL devices done``."""

    def _columns(self) -> tuple[ProgressColumn, ...]:
        return (
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("devices"),
        )

    def _line(self, done: int, total: int) -> str:
        return f"{self.label}: {done}/{total} devices done"
