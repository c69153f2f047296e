"""The emulator's settings."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Settings:
    """How one emulator instance runs.

    ``db`` is a SQLite file path, ``:memory:``, or any SQLAlchemy URL. Uploaded files
    are kept in ``files_dir`` (next to a file database by default).
    """

    db: str = ":memory:"
    latency_ms: float = 0.0
    max_upload_bytes: int = 512 * 1024 * 1024
    control: bool = True
    files_dir: Path = field(default_factory=lambda: Path())

    def __post_init__(self) -> None:
        if self.files_dir == Path():
            if self.db == ":memory:" or "://" in self.db:
                import tempfile

                self.files_dir = Path(tempfile.mkdtemp(prefix="esper-emulator-files-"))
            else:
                self.files_dir = Path(f"{self.db}.files")
