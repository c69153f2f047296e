"""Progress of long work on stderr: bytes of an upload, devices of a bulk command, the
state of a command being waited for.

Uploads and bulk commands show a live rich bar on a terminal. Elsewhere (a pipe, a CI
log, a test) they are plain lines, about every 5 % and always one at the end, e.g.::

    app.apk: uploaded 262144/1048863 bytes (24%)
    app.apk: uploaded 1048863/1048863 bytes (100%)
    REBOOT: 12/12 sent, 9/12 finished

A waited-for command gets a line each time its state changes (``Changes``).
Callbacks may come from several threads (the SDK's bulk commands): they are serialized.
"""

from __future__ import annotations

import sys
import threading
from types import TracebackType
from typing import Any, TypeVar

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

from esperclient import BulkProgress

STEPS = 20

R = TypeVar("R", bound="_Reporter")


class _Reporter:
    """Shared workings of the two progress kinds: a bar on a terminal, else lines."""

    def __init__(self, label: str, *, quiet: bool = False, total: int | None = None) -> None:
        self.label = label
        self.quiet = quiet
        self.total = total
        self._lock = threading.Lock()
        self._printed = -1
        self._unprinted: str | None = None
        self._bar: Progress | None = None
        self._task: TaskID | None = None
        if not quiet and sys.stderr.isatty():
            self._bar = Progress(*self._columns(), console=Console(stderr=True))

    def _columns(self) -> tuple[ProgressColumn, ...]:
        raise NotImplementedError

    def _fields(self) -> dict[str, Any]:
        """The bar task's extra fields, for its columns."""
        return {}

    def __enter__(self: R) -> R:
        if self._bar is not None:
            self._bar.start()
            self._task = self._bar.add_task(self.label, total=self.total, **self._fields())
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._bar is not None:
            self._bar.stop()
        elif self._unprinted is not None:  # where it stopped, short of its end
            typer.echo(self._unprinted, err=True)

    def _line(self, position: int, end: int, line: str) -> None:
        """Print ``line`` when ``position`` (of ``end``) has moved a step or reached the end."""
        if position < self._printed:  # a retried upload starts again from 0
            self._printed = -1
        step = max(1, end // STEPS)
        if position >= end or self._printed < 0 or position - self._printed >= step:
            if position != self._printed:
                self._printed = position
                typer.echo(line, err=True)
            self._unprinted = None
        else:
            self._unprinted = line


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

    def __call__(self, done: int, total: int) -> None:
        """Note that ``done`` of ``total`` bytes are sent."""
        if self.quiet:
            return
        with self._lock:
            if self._bar is not None and self._task is not None:
                self._bar.update(self._task, completed=done, total=total)
                return
            percent = 100 * done // total if total else 100
            self._line(done, total, f"{self.label}: uploaded {done}/{total} bytes ({percent}%)")


class CountProgress(_Reporter):
    """``on_progress(progress)`` for a bulk command: ``LABEL: S/T sent, F/T finished``."""

    def _columns(self) -> tuple[ProgressColumn, ...]:
        return (
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.fields[sent]}/{task.total:.0f} sent,"),
            MofNCompleteColumn(),
            TextColumn("finished"),
        )

    def _fields(self) -> dict[str, Any]:
        return {"sent": 0}

    def __call__(self, progress: BulkProgress) -> None:
        """Note how many devices have the command sent, and how many have finished it."""
        if self.quiet:
            return
        sent, finished, total = progress.sent, progress.finished, progress.total
        with self._lock:
            if self._bar is not None and self._task is not None:
                self._bar.update(self._task, completed=finished, total=total, sent=sent)
                return
            line = f"{self.label}: {sent}/{total} sent, {finished}/{total} finished"
            self._line(sent + finished, 2 * total, line)


class Changes:
    """A line ``LABEL: TEXT`` on stderr each time ``TEXT`` changes (not with ``quiet``)."""

    def __init__(self, label: str, *, quiet: bool = False) -> None:
        self.label = label
        self.quiet = quiet
        self._last: str | None = None

    def __call__(self, text: str) -> None:
        """Note the current state, printed if it differs from the last one."""
        if not self.quiet and text != self._last:
            self._last = text
            typer.echo(f"{self.label}: {text}", err=True)
