"""The emulator's clock: real time, plus whatever the tests advanced it by."""

from __future__ import annotations

import time
from datetime import datetime, timezone


class Clock:
    """Seconds since the epoch, ``offset`` ahead of real time (``Emulator.advance_clock``)."""

    def __init__(self, offset: float = 0.0) -> None:
        self.offset = offset

    def now(self) -> float:
        """The current simulated time, in seconds since the epoch."""
        return time.time() + self.offset

    def utcnow(self) -> datetime:
        """The current simulated time as an aware UTC datetime."""
        return self.at(self.now())

    @staticmethod
    def at(seconds: float) -> datetime:
        """``seconds`` since the epoch as an aware UTC datetime."""
        return datetime.fromtimestamp(seconds, tz=timezone.utc)
