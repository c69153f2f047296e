"""The emulator's settings."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, get_args

FaultKind = Literal["error", "drop", "reset", "throttle"]
"""A fault an ``/api`` request may meet (see ``faults``)."""
FAULT_KINDS: tuple[str, ...] = get_args(FaultKind)
DEFAULT_FAULT_KINDS = ("error", "drop", "reset")
"""The kinds drawn when none are named: the network failing (a 429 is asked for by name)."""

SIDE_DOOR_HEADER = "X-Emulator-Token"
"""The header that carries the side door's token, when the emulator has one."""
SIDE_DOOR_ENV = "ESPER_EMULATOR_CONTROL_TOKEN"
"""The environment variable the side door's token is read from."""

#: The bound on a JSON request body: Django's default ``DATA_UPLOAD_MAX_MEMORY_SIZE``.
DEFAULT_MAX_JSON_BYTES = 2_621_440


@dataclass
class Settings:
    """How one emulator instance runs.

    ``db`` is a SQLite file path, ``:memory:``, or any SQLAlchemy URL. Uploaded files
    are kept in ``files_dir`` (next to a file database by default).

    Bodies are bounded: an upload over ``max_upload_bytes`` and a JSON body over
    ``max_json_bytes`` are refused with a 413 as soon as they pass the bound (uploads
    are streamed to disk, never held whole; JSON bodies are read into memory, hence
    their much smaller bound).

    ``control`` serves the ``/_emulator`` side door, which creates keys and wipes data
    without any API key. ``None`` leaves it to whoever runs the app: ``esper-emulator
    serve`` keeps it closed unless ``--control`` is given, the in-process
    ``EmulatorServer`` used by tests opens it, and a bare ``create_app`` keeps it
    closed. With ``control_token`` set, every side-door request must carry
    ``X-Emulator-Token: <control_token>``.

    The rest makes the network misbehave (see ``faults``), and can be changed while the
    emulator runs through the side door: ``rate_limit`` (requests per second per API
    key, a token bucket; over it, a 429), ``fault_rate`` (the chance that an ``/api``
    request meets one of ``fault_kinds``: ``error``, ``drop``, ``reset``, ``throttle``),
    drawn from a ``random.Random(fault_seed)`` so a run can be repeated,
    ``fault_latency_ms`` (added to every ``/api`` request) and ``fail_next_commands``
    (that many device commands fail).
    """

    db: str = ":memory:"
    latency_ms: float = 0.0
    max_upload_bytes: int = 512 * 1024 * 1024
    max_json_bytes: int = DEFAULT_MAX_JSON_BYTES
    control: bool | None = None
    control_token: str | None = field(default=None, repr=False)
    files_dir: Path = field(default_factory=lambda: Path())
    rate_limit: float | None = None
    fault_rate: float = 0.0
    fault_latency_ms: float = 0.0
    fault_kinds: tuple[str, ...] = DEFAULT_FAULT_KINDS
    fault_seed: int | None = None
    fail_next_commands: int = 0

    def __post_init__(self) -> None:
        self._check_faults()
        if self.max_upload_bytes < 1 or self.max_json_bytes < 1:
            raise ValueError("max_upload_bytes and max_json_bytes must be at least 1")
        if self.control_token is not None and not self.control_token.strip():
            raise ValueError("control_token must not be empty")
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
