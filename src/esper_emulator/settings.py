"""The emulator's settings."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

FAULT_KINDS = ("error", "drop", "reset")


@dataclass
class Settings:
    """How one emulator instance runs.

    ``db`` is a SQLite file path, ``:memory:``, or any SQLAlchemy URL. Uploaded files
    are kept in ``files_dir`` (next to a file database by default).

    The rest makes the network misbehave (see ``faults``), and can be changed while the
    emulator runs through the side door: ``rate_limit`` (requests per second per API
    key, a token bucket; over it, a 429), ``fault_rate`` (the chance that an ``/api``
    request meets one of ``fault_kinds``: ``error``, ``drop``, ``reset``), drawn from a
    ``random.Random(fault_seed)`` so a run can be repeated, ``fault_latency_ms`` (added to
    every ``/api`` request) and ``fail_next_commands`` (that many device commands fail).
    """

    db: str = ":memory:"
    latency_ms: float = 0.0
    max_upload_bytes: int = 512 * 1024 * 1024
    control: bool = True
    files_dir: Path = field(default_factory=lambda: Path())
    rate_limit: float | None = None
    fault_rate: float = 0.0
    fault_latency_ms: float = 0.0
    fault_kinds: tuple[str, ...] = FAULT_KINDS
    fault_seed: int | None = None
    fail_next_commands: int = 0

    def __post_init__(self) -> None:
        self._check_faults()
        if self.files_dir == Path():
            if self.db == ":memory:" or "://" in self.db:
                import tempfile

                self.files_dir = Path(tempfile.mkdtemp(prefix="esper-emulator-files-"))
            else:
                self.files_dir = Path(f"{self.db}.files")

    def _check_faults(self) -> None:
        if self.rate_limit is not None and not self.rate_limit > 0:
            raise ValueError("rate_limit must be a positive number of requests per second")
        if not 0.0 <= self.fault_rate <= 1.0:
            raise ValueError("fault_rate must be between 0 and 1")
        if self.fault_latency_ms < 0:
            raise ValueError("fault_latency_ms must be zero or more")
        unknown = set(self.fault_kinds) - set(FAULT_KINDS)
        if unknown:
            raise ValueError(f"unknown fault kinds {sorted(unknown)}; known: {list(FAULT_KINDS)}")
        if self.fail_next_commands < 0:
            raise ValueError("fail_next_commands must be zero or more")
        self.fault_kinds = tuple(kind for kind in FAULT_KINDS if kind in self.fault_kinds)
