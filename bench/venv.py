"""``bench/.venv-orig``: the published esperclient 0.1.3, to run the original SDK."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ORIGINAL = "esperclient==0.1.3"
CHECK = "import importlib.metadata as m; assert m.version('esperclient') == '0.1.3'"


def python_of(venv: Path) -> Path:
    """The interpreter of ``venv``."""
    return venv / "bin" / "python"


def _ready(venv: Path) -> bool:
    python = python_of(venv)
    return python.exists() and subprocess.run([python, "-c", CHECK]).returncode == 0


def ensure_original(venv: Path) -> Path:
    """Create ``venv`` with esperclient 0.1.3 from PyPI unless it has it; its python.

    It is made with the interpreter running the benchmarks, so both SDKs run on the
    same Python.
    """
    if not _ready(venv):
        print(f"creating {venv} with {ORIGINAL} ...", flush=True)
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(venv)], check=True)
        pip = [str(python_of(venv)), "-m", "pip", "install", "-q", "--disable-pip-version-check"]
        subprocess.run([*pip, ORIGINAL], check=True)
    return python_of(venv)
