"""Generate the sync idiomatic client (``esperclient/_sync``) from the async source.

The async client in ``src/esperclient/_async`` is the one written by hand; this script
rewrites it with unasync (``async def`` -> ``def``, ``await x`` -> ``x``, ``async for``
-> ``for``...) and the renames below. ``make sync`` runs it; a test fails when the
generated files are out of date.

    python scripts/gen_sync.py [OUTPUT_DIR]
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from pathlib import Path

import unasync

SOURCE = Path(__file__).resolve().parent.parent / "src" / "esperclient" / "_async"
TARGET = SOURCE.parent / "_sync"

SPECIAL_RENAMES = {
    "_async": "_sync",
    "_aiohttp": "rest",
    "AsyncTransport": "RESTClientObject",
    "AsyncAPIClient": "SyncAPIClient",
    "async_sleep": "sleep",
    "async_map": "thread_map",
    "AsyncReader": "Reader",
    "aclose": "close",
    "aclosing": "closing",
    "AsyncWindow": "ThreadWindow",
}


def renames() -> dict[str, str]:
    """Every ``class AsyncName`` of the async source becomes ``Name``, but for the specials."""
    classes = re.findall(r"^class (Async\w+)", _source_text(), re.MULTILINE)
    return {**{name: name.removeprefix("Async") for name in classes}, **SPECIAL_RENAMES}


def _source_text() -> str:
    return "".join(path.read_text() for path in sorted(SOURCE.glob("*.py")))


HEADER = "# Generated from esperclient/_async/{name} by scripts/gen_sync.py: do not edit.\n"


def generate(target: Path) -> list[Path]:
    """Write the sync modules into ``target``; the files written."""
    with tempfile.TemporaryDirectory() as scratch:
        rule = unasync.Rule(f"{SOURCE}/", f"{scratch}/", additional_replacements=renames())
        sources = sorted(SOURCE.glob("*.py"))
        unasync.unasync_files([str(path) for path in sources], [rule])
        target.mkdir(parents=True, exist_ok=True)
        written = []
        for path in sources:
            text = (Path(scratch) / path.name).read_text()
            out = target / path.name
            out.write_text(HEADER.format(name=path.name) + text)
            written.append(out)
    ruff = [sys.executable, "-m", "ruff"]
    subprocess.run([*ruff, "check", "--fix", "--select", "I", "-q", str(target)], check=True)
    subprocess.run([*ruff, "format", "-q", str(target)], check=True)
    return written


if __name__ == "__main__":
    generate(Path(sys.argv[1]) if len(sys.argv) > 1 else TARGET)
