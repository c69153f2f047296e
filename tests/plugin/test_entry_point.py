"""The plugin reaches pytest through its ``pytest11`` entry point, and its options work.

The child runs (``run_pytest``) are fresh pytest processes in a directory of their own:
only entry-point plugins load there, as in any project that installed the extra.
"""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

import pytest

import esper_emulator.pytest_plugin
from tests.conftest import import_blocker
from tests.plugin.conftest import run_pytest


def test_the_plugin_is_loaded_through_its_entry_point(pytestconfig: pytest.Config) -> None:
    (entry,) = [e for e in entry_points(group="pytest11") if e.name == "esper"]
    assert entry.value == "esper_emulator.pytest_plugin"
    assert pytestconfig.pluginmanager.hasplugin("esper")
    assert pytestconfig.pluginmanager.get_plugin("esper") is esper_emulator.pytest_plugin
    loaded = {
        plugin: dist.project_name
        for plugin, dist in pytestconfig.pluginmanager.list_plugin_distinfo()
    }
    assert loaded[esper_emulator.pytest_plugin] == "esperclient"


def _passed(result: subprocess.CompletedProcess[str], count: int) -> None:
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{count} passed" in result.stdout, result.stdout


def test_without_the_plugin_its_fixtures_are_unknown(tmp_path: Path) -> None:
    (tmp_path / "test_uses_it.py").write_text("def test_it(esper):\n    pass\n")
    result = run_pytest(tmp_path, "-p", "no:esper")
    assert result.returncode == 1, result.stdout
    assert "fixture 'esper' not found" in result.stdout
    _passed(run_pytest(tmp_path), 1)


def test_the_ini_options_and_the_marker(tmp_path: Path) -> None:
    (tmp_path / "pytest.ini").write_text("[pytest]\nesper_emulator_devices = 2\n")
    (tmp_path / "test_options.py").write_text(
        "import pytest\n"
        "\n"
        "def test_ini(esper, esper_emulator):\n"
        "    assert esper.devices.list().total() == len(esper_emulator.device_ids) == 2\n"
        "\n"
        "@pytest.mark.esper_emulator(devices=4)\n"
        "def test_marker(esper):\n"
        "    assert esper.devices.list().total() == 4\n"
        "\n"
        "@pytest.mark.esper_emulator(devices=1)\n"
        "class TestClass:\n"
        "    @pytest.mark.esper_emulator(online_ratio=0)\n"
        "    def test_closest_marker_wins(self, esper):\n"
        "        assert esper.devices.list(state=60).total() == 1\n"
    )
    _passed(run_pytest(tmp_path, "--strict-markers"), 3)


def test_the_shared_emulator_gives_each_test_an_enterprise(tmp_path: Path) -> None:
    (tmp_path / "test_shared.py").write_text(
        "import pytest\n"
        "\n"
        "seen = []\n"
        "\n"
        "def test_one(esper_emulator, esper_emulator_session):\n"
        "    assert esper_emulator.emulator is esper_emulator_session\n"
        "    seen.append(esper_emulator.enterprise_id)\n"
        "    esper_emulator.set_faults(latency_ms=5, fail_next_commands=3)\n"
        "    esper_emulator.set_rate_limit(1000)\n"
        "\n"
        "def test_two(esper, esper_emulator, esper_emulator_session):\n"
        "    assert esper_emulator.emulator is esper_emulator_session\n"
        "    assert seen and esper_emulator.enterprise_id not in seen\n"
        "    faults = esper_emulator_session.faults()\n"
        "    assert (faults['latency_ms'], faults['fail_next_commands']) == (0, 0)\n"
        "    assert esper_emulator_session.rate_limit() is None\n"
        "    assert esper.devices.list().total() == 5\n"
        "\n"
        "@pytest.mark.esper_emulator(latency_ms=1000)\n"
        "def test_settings_get_an_emulator_of_their_own(esper_emulator, esper_emulator_session):\n"
        "    assert esper_emulator.url != esper_emulator_session.url\n"
    )
    _passed(run_pytest(tmp_path, "-o", "esper_emulator_shared=true"), 3)


def test_a_missing_emulator_extra_fails_the_tests_that_need_it(tmp_path: Path) -> None:
    (tmp_path / "conftest.py").write_text(
        "import sys\n\nsys.modules['esper_emulator.testing'] = None  # as if not installed\n"
    )
    (tmp_path / "test_needs_it.py").write_text(
        "def test_needs_it(esper):\n    pass\n\ndef test_does_not(tmp_path):\n    pass\n"
    )
    result = run_pytest(tmp_path, "-rE")
    assert result.returncode == 1, result.stdout
    assert "1 passed, 1 error" in result.stdout
    assert "need the emulator extra: pip install 'esperclient[emulator]'" in result.stdout


def test_fixtures_without_the_emulators_dependencies_say_what_to_install(tmp_path: Path) -> None:
    # The extras are installed here: the child's conftest blocks starlette, as if the
    # emulator extra were not installed (esper_emulator.testing itself still imports).
    (tmp_path / "conftest.py").write_text(import_blocker("starlette"))
    (tmp_path / "test_needs_it.py").write_text(
        "def test_client(esper):\n    pass\n\ndef test_session(esper_emulator_session):\n    pass\n"
    )
    result = run_pytest(tmp_path, "-rE")
    assert result.returncode == 1, result.stdout
    assert "2 errors" in result.stdout
    needed = (
        "the Esper emulator fixtures need the emulator extra: "
        "pip install 'esperclient[emulator]' (no module 'starlette')"
    )
    assert result.stdout.count(needed) >= 2, result.stdout
    assert "Traceback" not in result.stdout and "ModuleNotFoundError" not in result.stdout


def test_a_positional_marker_argument_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "test_bad.py").write_text(
        "import pytest\n\n@pytest.mark.esper_emulator(3)\ndef test_it(esper):\n    pass\n"
    )
    result = run_pytest(tmp_path)
    assert result.returncode != 0
    assert "takes keyword arguments only" in result.stdout + result.stderr


def _imported_by_the_plugin(*blocked: str) -> subprocess.CompletedProcess[str]:
    """Import the plugin in a fresh interpreter where ``blocked`` modules cannot be imported."""
    code = (
        import_blocker(*blocked)
        + "import esper_emulator.pytest_plugin\n"
        + "print(' '.join(sorted(sys.modules)))\n"
    )
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)


def test_importing_the_plugin_leaves_the_fixtures_machinery_alone() -> None:
    result = _imported_by_the_plugin()
    assert result.returncode == 0, result.stderr
    modules = set(result.stdout.split())
    assert "esper_emulator.pytest_plugin" in modules
    assert not {"esper_emulator.testing", "aiohttp"} & modules


def test_the_plugin_loads_without_the_emulator_extra() -> None:
    result = _imported_by_the_plugin("starlette", "uvicorn", "sqlalchemy", "apkInspector")
    assert result.returncode == 0, result.stderr
