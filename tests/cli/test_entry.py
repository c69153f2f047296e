"""The installed ``esper`` script, shell completion, and the emulator commands."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer

from esper_cli import emulator
from esper_cli.app import app
from tests.cli.conftest import run_esper
from tests.conftest import Tenant, import_blocker

SCRIPT = Path(sys.executable).parent / "esper"


def esper_process(
    *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the installed ``esper`` script in a process of its own."""
    return subprocess.run(
        [str(SCRIPT), *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **(env or {})},
        check=False,
    )


def test_the_console_script_is_installed_and_runs(env: Tenant) -> None:
    assert SCRIPT.exists(), "run `make install` to install the esper script"
    version = esper_process("--version")
    assert version.returncode == 0 and version.stdout.startswith("esper ")
    whoami = esper_process("whoami", "-o", "json")
    assert whoami.returncode == 0, whoami.stderr
    assert json.loads(whoami.stdout)["enterprise_id"] == env.enterprise_id
    assert env.api_key not in whoami.stdout + whoami.stderr
    missing = esper_process("devices", "show", "00000000-0000-0000-0000-000000000000")
    assert missing.returncode == 4
    assert missing.stderr == "error: 404 Not Found: Device not found.\n"
    as_module = subprocess.run(
        [sys.executable, "-m", "esper_cli", "--version"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert as_module.stdout == version.stdout


def test_shell_completion_is_enabled_for_bash_zsh_and_fish() -> None:
    helped = run_esper("--help")
    assert "--install-completion" in helped.stdout and "--show-completion" in helped.stdout
    bash = esper_process(
        env={"_ESPER_COMPLETE": "complete_bash", "COMP_WORDS": "esper dev", "COMP_CWORD": "1"}
    )
    assert bash.stdout.split() == ["devices"]
    zsh = esper_process(
        env={"_ESPER_COMPLETE": "complete_zsh", "_TYPER_COMPLETE_ARGS": "esper commands run REB"}
    )
    assert "REBOOT" in zsh.stdout
    fish = esper_process(
        env={
            "_ESPER_COMPLETE": "complete_fish",
            "_TYPER_COMPLETE_ARGS": "esper groups ",
            "_TYPER_COMPLETE_FISH_ACTION": "get-args",
        }
    )
    assert {"list", "create", "add", "remove", "delete"} <= {
        line.split("\t")[0] for line in fish.stdout.splitlines()
    }


def test_states_complete_as_the_docs_promise() -> None:
    def complete(line: str) -> list[str]:
        words = line.split(" ")
        env = {"_ESPER_COMPLETE": "complete_bash", "COMP_WORDS": line}
        return esper_process(env={**env, "COMP_CWORD": str(len(words) - 1)}).stdout.split()

    states = complete("esper devices list --state ")
    assert states[:2] == ["online", "offline"] and "provisioning_begin" in states
    assert complete("esper devices list -s off") == ["offline"]
    assert complete("esper devices list --platform w") == ["windows"]
    assert complete("esper devices installs Lobby-0001 --state INSTALL_F") == ["INSTALL_FAILED"]


@pytest.fixture
def serving(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], Path]]:
    """``esper emulator serve`` in a process of its own, stopped after the test."""
    credentials = tmp_path / "credentials.json"
    args = [
        str(SCRIPT), "emulator", "serve", "--port", "0", "--db", str(tmp_path / "e.db"),
        "--seed", "demo", "--devices", "3", "--credentials", str(credentials),
    ]  # fmt: skip
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        yield proc, credentials
    finally:
        if proc.poll() is None:
            proc.terminate()
            proc.wait(timeout=10)
        if proc.stdout:
            proc.stdout.close()


def test_emulator_serve_is_esper_emulator_serve(
    serving: tuple[subprocess.Popen[str], Path],
) -> None:
    proc, credentials = serving
    for _ in range(300):  # until the emulator writes its credentials (it then serves)
        if credentials.exists() or proc.poll() is not None:
            break
        time.sleep(0.05)
    assert credentials.exists(), proc.stdout.read() if proc.stdout else ""
    creds = json.loads(credentials.read_text())
    listed = esper_process(
        "devices", "list", "-o", "json",
        env={
            "ESPER_HOST": creds["host"],
            "ESPER_API_KEY": creds["api_key"],
            "ESPER_ENTERPRISE_ID": creds["enterprise_id"],
        },
    )  # fmt: skip
    assert listed.returncode == 0, listed.stderr
    assert len(json.loads(listed.stdout)) == 3
    proc.terminate()
    assert proc.wait(timeout=10) == 0
    assert proc.stdout is not None
    assert "Esper API emulator serving" in proc.stdout.read()


def test_emulator_serve_passes_help_and_bad_options_through() -> None:
    helped = run_esper("emulator", "serve", "--help")
    assert helped.code == 0
    assert "usage: esper-emulator serve" in helped.stdout
    bad = run_esper("emulator", "serve", "--fault-rate", "2")
    assert bad.code == 2
    assert "must be between 0 and 1" in bad.stderr


def test_a_missing_emulator_extra_is_a_clear_message(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("esper_emulator.cli", "esper_emulator.server", "esper_emulator.demo"):
        monkeypatch.delitem(sys.modules, name, raising=False)
    monkeypatch.setitem(sys.modules, "uvicorn", None)  # as if uvicorn were not installed
    for args in (["emulator", "serve", "--port", "0"], ["demo"]):
        result = run_esper(*args)
        assert result.code == 1
        assert result.stderr.splitlines() == [
            "error: the emulator is not installed (no module 'uvicorn')",
            "hint: pip install 'esperclient[emulator]'",
        ]
    with pytest.raises(ModuleNotFoundError):
        emulator.load("esper_cli.not_a_module")  # our own modules are never excused


def test_demo_runs_what_make_demo_runs() -> None:
    result = run_esper("demo")
    assert result.code == 0, result.everything
    assert "Starting the emulator..." in result.stdout
    assert result.stdout.rstrip().endswith("Done.")


def test_without_the_cli_extra_the_script_says_what_to_install() -> None:
    code = "import sys; sys.modules['typer'] = None; from esper_cli import main; main(['--help'])"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert result.returncode == 1
    assert result.stderr == (
        "esper: the command line needs 'typer': pip install 'esperclient[cli]'\n"
    )


def test_without_the_emulator_extra_esper_emulator_says_what_to_install(tmp_path: Path) -> None:
    # The extras are installed here: a sitecustomize on PYTHONPATH blocks starlette in the
    # child processes, as if the emulator extra were not installed.
    (tmp_path / "sitecustomize.py").write_text(import_blocker("starlette"))
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    needed = "the Esper emulator needs 'starlette': pip install 'esperclient[emulator]'"
    for command in (
        [str(SCRIPT.parent / "esper-emulator"), "serve", "--port", "0"],
        [sys.executable, "-m", "esper_emulator", "serve", "--port", "0"],
    ):
        result = subprocess.run(
            command, capture_output=True, text=True, timeout=120, env=env, check=False
        )
        assert result.returncode == 1
        assert result.stderr == f"esper-emulator: {needed}\n"
    imported = subprocess.run(
        [sys.executable, "-c", "from esper_emulator import EmulatorServer"],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )
    assert imported.stderr.splitlines()[-1] == f"esper_emulator.MissingExtraError: {needed}"


def test_without_the_postgres_extra_a_postgresql_db_says_what_to_install(tmp_path: Path) -> None:
    # psycopg is installed here: a sitecustomize blocks it in the child process
    (tmp_path / "sitecustomize.py").write_text(import_blocker("psycopg"))
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    command = [str(SCRIPT.parent / "esper-emulator"), "serve", "--port", "0"]
    result = subprocess.run(
        [*command, "--db", "postgresql://localhost/esper"],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr == (
        "esper-emulator: the database postgresql+psycopg:// needs 'psycopg':"
        " pip install 'esperclient[postgres]'\n"
    )


def _command_paths(command: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    yield path
    for name, sub in getattr(command, "commands", {}).items():
        yield from _command_paths(sub, (*path, name))


def test_no_help_page_shows_a_type_beside_a_flag() -> None:
    paths = list(_command_paths(typer.main.get_command(app)))
    assert len(paths) > 40  # every group and command, the root included
    for path in paths:
        helped = run_esper(*path, "--help", env={"COLUMNS": "200"})
        assert helped.code == 0, path
        assert "<bool>" not in helped.stdout, path
        assert "--help" in helped.stdout, path
