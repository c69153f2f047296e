"""Every Python example of README.md and docs/*.md runs, against a fresh emulator.

The conventions (told to readers in docs/index.md, "About the examples"):

- Blocks fenced as ``python`` run; any other fence (``console``, ``text``, ``toml``...)
  does not.
- A page's blocks run in order in one namespace (``__name__ == "__main__"``), so a page
  reads as one story: a name defined in one block is there in the next.
- Before the first block, a new emulator serves an enterprise of 12 devices, the first
  9 online and the last 3 offline, with commands finishing at once (``latency_ms=0``);
  ``ESPER_HOST``, ``ESPER_API_KEY`` and ``ESPER_ENTERPRISE_ID`` point at it (what
  ``Esper()`` reads; the 0.1.3 examples read them with ``os.environ``). The page runs in
  an empty directory of its own holding ``app.apk``, a small real APK
  (``com.example.app``).
- A block whose first line is a file name comment (``# test_fleet.py``, ``# conftest.py``)
  is a file: it is written to that directory instead of being run, padded so that line
  N of the file is line N of the page. Once the page's blocks have run, pytest runs the
  ``test_*.py`` files there in a child process (only entry-point plugins load, as in a
  user's project) and every test must pass.

A failing block fails its page's test with the page and line of the block.
"""

from __future__ import annotations

import logging
import re
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from esper_emulator.apk import build_apk
from esper_emulator.testing import Sandbox, emulator
from tests.plugin.conftest import run_pytest

ROOT = Path(__file__).resolve().parents[2]
PAGES = sorted([ROOT / "README.md", *(ROOT / "docs").glob("*.md")])
ONLINE_DEVICES, OFFLINE_DEVICES = 9, 3
FENCE = re.compile(r"^(?P<indent> {0,3})(?P<fence>`{3,}|~{3,})\s*(?P<info>[^`\s]*)")
FILE_NAME = re.compile(r"#\s*(?P<name>[\w.-]+\.py)\s*$")
NOT_RUN_BY_MISTAKE = {"py", "python3", "Python", "py3", "pycon"}
# Pages index.md links to that are written on their own schedule: checked once they exist.
WRITTEN_ELSEWHERE = {"cli.md", "reliability.md"}


@dataclass(frozen=True)
class Block:
    """One fenced code block of a page."""

    page: Path
    line: int  # the page's line number of the block's first line of code
    info: str
    code: str

    @property
    def where(self) -> str:
        """``page:line`` of the block's first line of code."""
        return f"{_shown(self.page)}:{self.line}"

    @property
    def file_name(self) -> str | None:
        first = self.code.split("\n", 1)[0]
        match = FILE_NAME.fullmatch(first.strip())
        return match["name"] if match else None

    def padded(self) -> str:
        """The code with blank lines before it: line N of the result is line N of the page."""
        return "\n" * (self.line - 1) + self.code


def blocks(page: Path) -> Iterator[Block]:
    """The fenced code blocks of ``page``, in order."""
    lines = page.read_text().splitlines()
    index = 0
    while index < len(lines):
        opening = FENCE.match(lines[index])
        index += 1
        if not opening:
            continue
        fence = opening["fence"]
        start = index
        while index < len(lines) and not lines[index].lstrip().startswith(fence):
            index += 1
        assert index < len(lines), f"{_shown(page)}:{start}: unclosed code fence"
        indent = len(opening["indent"])
        code = "\n".join(line[indent:] for line in lines[start:index]) + "\n"
        yield Block(page, start + 1, opening["info"], code)
        index += 1


def _shown(page: Path) -> str:
    """The page's path from the repository's root (or as it is, when outside)."""
    return str(page.relative_to(ROOT)) if page.is_relative_to(ROOT) else str(page)


def _ids(pages: list[Path]) -> list[str]:
    return [_shown(page) for page in pages]


@pytest.fixture
def page_sandbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Sandbox]:
    """The emulator and directory a page's examples run against (see the module's docstring)."""
    with emulator(devices=ONLINE_DEVICES) as sandbox, _logging_kept():
        sandbox.add_devices(OFFLINE_DEVICES, online_ratio=0)
        for name, value in sandbox.environ().items():
            monkeypatch.setenv(name, value)
        build_apk(tmp_path / "app.apk", package_name="com.example.app", label="Example App")
        monkeypatch.chdir(tmp_path)
        yield sandbox


@contextmanager
def _logging_kept() -> Iterator[None]:
    """Put back the loggers' levels and the root's handlers an example may have changed."""
    loggers = [logging.getLogger(name) for name in list(logging.Logger.manager.loggerDict)]
    loggers.append(logging.getLogger("esperclient"))
    levels = {logger: logger.level for logger in [*loggers, logging.root]}
    handlers = logging.root.handlers[:]
    try:
        yield
    finally:
        for logger, level in levels.items():
            logger.setLevel(level)
        logging.root.handlers[:] = handlers


def _run(block: Block, namespace: dict[str, Any]) -> None:
    """Run one block; on failure, fail the test naming the page and line."""
    try:
        exec(compile(block.padded(), str(block.page), "exec"), namespace)
        return
    except BaseException as exc:  # SystemExit too: an example must not end the run
        tb = exc.__traceback__.tb_next if exc.__traceback__ else None  # not this frame
        frames = traceback.extract_tb(tb)
        own = [frame for frame in frames if frame.filename == str(block.page)]
        line = own[-1].lineno if own else block.line
        shown = "".join(traceback.format_exception(type(exc), exc, tb))
        message = (
            f"the example at {block.where} failed at {_shown(block.page)}:{line}: "
            f"{exc!r}\n\n{shown}"
        )
    pytest.fail(message, pytrace=False)


@pytest.mark.parametrize("page", PAGES, ids=_ids(PAGES))
def test_the_examples_of_the_page_run(page: Path, page_sandbox: Sandbox, tmp_path: Path) -> None:
    namespace: dict[str, Any] = {"__name__": "__main__"}
    written: list[Block] = []
    for block in blocks(page):
        if block.info != "python":
            continue
        if block.file_name:
            (tmp_path / block.file_name).write_text(block.padded())
            written.append(block)
            continue
        _run(block, namespace)
    tests = [block for block in written if block.file_name and block.file_name.startswith("test_")]
    if tests:
        result = run_pytest(tmp_path, "-q", "-rfE", *(block.file_name or "" for block in tests))
        blocks_at = ", ".join(f"{block.file_name} ({block.where})" for block in tests)
        assert result.returncode == 0, (
            f"the test files of {_shown(page)} failed: {blocks_at}\n"
            f"(line N of a file is line N of the page)\n{result.stdout}{result.stderr}"
        )
        assert " passed" in result.stdout and " skipped" not in result.stdout, result.stdout


def test_the_pages_are_found() -> None:
    names = {page.name for page in PAGES}
    assert {"README.md", "index.md", "quickstart.md", "migrating.md"} <= names
    assert {"client.md", "emulator.md", "testing.md"} <= names


@pytest.mark.parametrize("page", PAGES, ids=_ids(PAGES))
def test_no_example_is_left_out_by_its_fence(page: Path) -> None:
    mistaken = [block.where for block in blocks(page) if block.info in NOT_RUN_BY_MISTAKE]
    assert not mistaken, f"fence these ```python, or they do not run: {mistaken}"


LINK = re.compile(r"\]\((?!https?://|mailto:|#)(?P<target>[^)#\s]+)(?:#[^)]*)?\)")


@pytest.mark.parametrize("page", PAGES, ids=_ids(PAGES))
def test_the_relative_links_lead_somewhere(page: Path) -> None:
    text = "\n".join(line for line in _outside_code(page.read_text().splitlines()))
    missing = [
        target
        for target in (match["target"] for match in LINK.finditer(text))
        if not (page.parent / target).exists() and Path(target).name not in WRITTEN_ELSEWHERE
    ]
    assert not missing, f"{_shown(page)} links to missing files: {missing}"


def _outside_code(lines: list[str]) -> Iterator[str]:
    fence: str | None = None
    for line in lines:
        opening = FENCE.match(line)
        if fence is None and opening:
            fence = opening["fence"]
        elif fence is not None and line.lstrip().startswith(fence):
            fence = None
        elif fence is None:
            yield line


SAMPLE = """# A page

```python
greeting = "hello"
```

1. A step:

   ```python
   # test_sample.py
   def test_it():
       pass
   ```

```console
$ esper-emulator serve
```

```python
def shout(text):
    raise RuntimeError(text.upper())


shout(greeting)
```
"""


def test_blocks_are_read_with_their_lines_and_file_names(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(SAMPLE)
    found = list(blocks(page))
    assert [(b.line, b.info, b.file_name) for b in found] == [
        (4, "python", None),
        (10, "python", "test_sample.py"),
        (16, "console", None),
        (20, "python", None),
    ]
    assert found[1].code == "# test_sample.py\ndef test_it():\n    pass\n"
    assert found[1].padded().splitlines()[9] == "# test_sample.py"


def test_a_failing_block_names_its_page_and_line(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(SAMPLE)
    first, _, _, failing = blocks(page)
    namespace: dict[str, Any] = {}
    _run(first, namespace)
    with pytest.raises(pytest.fail.Exception) as failed:
        _run(failing, namespace)
    message = str(failed.value)
    assert message.startswith(f"the example at {page}:20 failed at {page}:21: RuntimeError")
    assert f'File "{page}", line 24, in <module>' in message
