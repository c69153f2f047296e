"""The ``esper`` command line against the SDK: one fleet listed as JSON lines.

- ``esper_jsonl``: ``esper devices list -o jsonl`` run in this process through the
  command that typer builds from the app (built once, before the runs: like the
  imports, it is start-up that every ``esper`` command pays), its stdout a text stream
  on a sink that counts lines (what a pipe to ``wc -l`` would see, without the reader).
- ``sdk_jsonl``: the same listing with ``Esper().devices.list`` and one
  ``msgspec.json.Encoder``, each device encoded and written to the same kind of sink.
- ``esper_process`` and ``sdk_process``: one whole process (``python -m esper_cli ...``
  or this module's SDK script), start-up and imports included, its stdout a pipe read
  to the end.

Each runs once untimed (imports, lazy names, file caches), then times a whole run: the
client made, the pages fetched on a new connection, the output written, the client
closed. The CLI's run also parses its arguments and resolves its settings, as ``esper``
does. ``python -m bench.clients.cli PAGE_SIZE`` is the SDK script: the fleet of
``ESPER_*`` as JSON lines on stdout.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable
from typing import Any

import msgspec

import esperclient
from bench.common import Config, Result, Stopwatch


class LineCounter(io.RawIOBase):
    """A ``/dev/null`` that counts the lines written to it."""

    def __init__(self) -> None:
        super().__init__()
        self.lines = 0

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        chunk = bytes(data)
        self.lines += chunk.count(b"\n")
        return len(chunk)


def _environment(cfg: Config, config_dir: str) -> dict[str, str]:
    return {
        "ESPER_HOST": cfg["host"],
        "ESPER_API_KEY": cfg["api_key"],
        "ESPER_ENTERPRISE_ID": cfg["enterprise_id"],
        "ESPER_CONFIG_DIR": config_dir,  # no profile of the user's
    }


def _timed(once: Callable[[], int]) -> Result:
    once()
    with Stopwatch() as watch:
        items = once()
    return watch.result(items=items)


def list_jsonl(page_size: int, out: io.BufferedIOBase) -> None:
    """The fleet of ``ESPER_*`` as JSON lines on ``out``, through the SDK."""
    encode = msgspec.json.Encoder().encode
    with esperclient.Esper() as esper:
        for device in esper.devices.list(page_size=page_size):
            out.write(encode(device) + b"\n")
    out.flush()


def sdk_jsonl(cfg: Config) -> Result:
    """``Esper().devices.list(page_size=...)``, each device encoded to a JSON line."""

    def once() -> int:
        sink = LineCounter()
        list_jsonl(cfg["page_size"], io.BufferedWriter(sink))
        return sink.lines

    with tempfile.TemporaryDirectory() as config_dir:
        os.environ.update(_environment(cfg, config_dir))
        return _timed(once)


def esper_jsonl(cfg: Config) -> Result:
    """``esper devices list -o jsonl [ARGS]`` in this process (``cfg['args']``)."""
    import typer.main

    from esper_cli.app import app

    command = typer.main.get_command(app)  # start-up, as the imports: once per process
    args = ["devices", "list", "-o", "jsonl", *cfg["args"]]

    def once() -> int:
        sink = LineCounter()
        stdout, sys.stdout = sys.stdout, io.TextIOWrapper(io.BufferedWriter(sink), "utf-8")
        try:
            command.main(args=args, prog_name="esper", standalone_mode=False)
        finally:
            sys.stdout.flush()
            sys.stdout = stdout
        return sink.lines

    with tempfile.TemporaryDirectory() as config_dir:
        os.environ.update(_environment(cfg, config_dir))
        return _timed(once)


def _process(cfg: Config, argv: list[str]) -> Result:
    """One whole ``python ARGV`` process, its stdout a pipe read to the end."""
    with tempfile.TemporaryDirectory() as config_dir:
        env = {**os.environ, **_environment(cfg, config_dir)}

        def once() -> int:
            command = [sys.executable, *argv]
            done = subprocess.run(command, env=env, stdout=subprocess.PIPE, check=True)
            return done.stdout.count(b"\n")

        return _timed(once)


def esper_process(cfg: Config) -> Result:
    """``esper devices list -o jsonl`` (``python -m esper_cli``), start-up included."""
    return _process(cfg, ["-m", "esper_cli", "devices", "list", "-o", "jsonl"])


def sdk_process(cfg: Config) -> Result:
    """This module's SDK script (``list_jsonl`` to stdout), start-up included."""
    return _process(cfg, ["-m", "bench.clients.cli", str(cfg["page_size"])])


if __name__ == "__main__":
    list_jsonl(int(sys.argv[1]), sys.stdout.buffer)
