"""A client process: ``python -m bench.worker CLIENT.TASK`` with the task's JSON config on stdin.

It prints one JSON object: the task's result (``cpu_s``, ``wall_s`` and its own fields).
``CLIENT`` is a module of ``bench.clients`` (``orig`` runs in ``bench/.venv-orig``, with
esperclient 0.1.3; ``ours`` and ``floor`` in the project's venv); it is imported only
here, so each venv imports only what it has.
"""

from __future__ import annotations

import importlib
import json
import sys
from collections.abc import Callable

from bench.common import Config, Result

Task = Callable[[Config], Result]


def task(name: str) -> Task:
    """``orig.list_pages`` -> ``bench.clients.orig.list_pages``."""
    client, _, function = name.partition(".")
    module = importlib.import_module(f"bench.clients.{client}")
    found: Task = getattr(module, function)
    return found


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m bench.worker CLIENT.TASK < config.json", file=sys.stderr)
        return 2
    config: Config = json.load(sys.stdin)
    result = task(argv[0])(config)
    json.dump(result, sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
