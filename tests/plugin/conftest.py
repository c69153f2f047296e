"""Running pytest in a child process, as a user's suite runs: plugins from their entry points."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def run_pytest(
    directory: Path, *args: str, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    """``python -m pytest ARGS`` in ``directory`` (its own rootdir: no project ini, no conftest).

    Only entry-point plugins load, as in any project that installed the emulator extra.
    The ``ESPER_*`` variables of this process are left out.
    """
    env = {key: value for key, value in os.environ.items() if not key.startswith("ESPER_")}
    env.pop("PYTEST_ADDOPTS", None)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    command = [
        sys.executable, "-m", "pytest", "-p", "no:cacheprovider",
        "--rootdir", str(directory), *args,
    ]  # fmt: skip
    return subprocess.run(
        command, cwd=directory, env=env, capture_output=True, text=True, timeout=timeout
    )
