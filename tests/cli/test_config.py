"""Profiles, where settings come from, ``whoami``, and the key never being shown."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from esper_cli import config
from esper_emulator.server import EmulatorServer
from tests.cli.conftest import Run, run_esper
from tests.conftest import Tenant

DEAD_HOST = "http://127.0.0.1:1/api"


def configure(tenant: Tenant, *extra: str, key: str | None = None, host: str | None = None) -> None:
    result = run_esper(
        "configure",
        "--host",
        host or tenant.host,
        "--api-key",
        key or tenant.api_key,
        "--enterprise",
        tenant.enterprise_id,
        *extra,
    )
    assert result.code == 0, result.everything
    assert (key or tenant.api_key) not in result.everything


def test_configure_writes_a_0600_file_atomically_without_a_prompt(
    tenant: Tenant, config_dir: Path
) -> None:
    old_umask = os.umask(0)  # a permissive umask must not widen the file's mode
    try:
        configure(tenant)
    finally:
        os.umask(old_umask)
    path = config_dir / "profiles.ini"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(config_dir.stat().st_mode) == 0o700
    assert sorted(p.name for p in config_dir.iterdir()) == ["profiles.ini"]  # no temp file left
    assert config.read_profiles(path) == {
        "default": {
            "host": tenant.host,
            "api_key": tenant.api_key,
            "enterprise_id": tenant.enterprise_id,
        }
    }


def test_profiles_are_kept_side_by_side_and_updated_in_part(
    tenant: Tenant, config_dir: Path
) -> None:
    configure(tenant)
    configure(tenant, "--profile", "staging", "--no-verify", host="acme")
    changed = run_esper(
        "configure", "--profile", "staging", "--enterprise", "other-enterprise", "--no-verify"
    )
    assert changed.code == 0, changed.everything
    profiles = config.read_profiles(config_dir / "profiles.ini")
    assert profiles["default"]["host"] == tenant.host
    assert profiles["staging"] == {
        "host": "https://acme-api.esper.cloud/api",  # a tenant name stands for its URL
        "api_key": tenant.api_key,
        "enterprise_id": "other-enterprise",
    }
    listed = run_esper("profiles", "-o", "json")
    assert listed.code == 0
    assert listed.json() == [
        {
            "name": "default",
            "current": True,
            "host": tenant.host,
            "enterprise_id": tenant.enterprise_id,
            "api_key_set": True,
        },
        {
            "name": "staging",
            "current": False,
            "host": "https://acme-api.esper.cloud/api",
            "enterprise_id": "other-enterprise",
            "api_key_set": True,
        },
    ]
    assert tenant.api_key not in listed.everything


def test_configure_prompts_when_given_no_option_and_hides_the_key(
    tenant: Tenant, config_dir: Path
) -> None:
    answers = f"{tenant.host}\n{tenant.api_key}\n{tenant.enterprise_id}\n"
    result = run_esper("configure", input=answers)
    assert result.code == 0, result.everything
    assert tenant.api_key not in result.everything  # typed, not echoed
    assert config.read_profiles(config_dir / "profiles.ini")["default"]["api_key"] == tenant.api_key
    again = run_esper("configure", input="\n\n\n")  # Enter keeps every value
    assert again.code == 0, again.everything
    assert tenant.api_key not in again.everything
    assert config.read_profiles(config_dir / "profiles.ini")["default"] == {
        "host": tenant.host,
        "api_key": tenant.api_key,
        "enterprise_id": tenant.enterprise_id,
    }


def test_configure_reads_the_key_from_stdin_and_refuses_missing_values(
    tenant: Tenant, config_dir: Path
) -> None:
    result = run_esper(
        "configure",
        "--host",
        tenant.host,
        "--api-key",
        "-",
        "--enterprise",
        tenant.enterprise_id,
        input=tenant.api_key + "\n",
    )
    assert result.code == 0, result.everything
    assert config.read_profiles(config_dir / "profiles.ini")["default"]["api_key"] == tenant.api_key
    missing = run_esper("configure", "--profile", "new", "--host", tenant.host)
    assert missing.code == 2
    assert missing.stderr.splitlines()[0] == "error: no API key for profile 'new': give --api-key"
    bad_host = run_esper("configure", "--host", "not a host", "--api-key", "k", "--enterprise", "e")
    assert bad_host.code == 2
    assert "neither a URL nor a tenant name" in bad_host.stderr


def test_whoami_shows_host_enterprise_scope_and_expiry_never_the_key(tenant: Tenant) -> None:
    configure(tenant)
    table = run_esper("whoami")
    assert table.code == 0, table.everything
    assert tenant.host in table.stdout and tenant.enterprise_id in table.stdout
    assert "Test Enterprise" in table.stdout and "read" in table.stdout
    as_json = run_esper("whoami", "-o", "json")
    record = as_json.json()
    assert list(record) == [
        "profile",
        "host",
        "enterprise_id",
        "enterprise_name",
        "user",
        "scope",
        "expires_on",
        "sources",
    ]
    assert record["enterprise_id"] == tenant.enterprise_id
    assert record["enterprise_name"] == "Test Enterprise"
    assert record["scope"] and record["expires_on"]
    for result in (table, as_json):
        assert tenant.api_key not in result.everything


def test_the_key_is_not_in_help_errors_or_verbose_logs(
    tenant: Tenant, monkeypatch: pytest.MonkeyPatch
) -> None:
    configure(tenant)
    monkeypatch.setenv("ESPER_API_KEY", tenant.api_key)
    shown = [
        run_esper("--help"),
        run_esper("configure", "--help"),
        run_esper("devices", "list", "--help"),
        run_esper("--verbose", "devices", "list", "--limit", "1"),
        run_esper("devices", "show", "00000000-0000-0000-0000-000000000000"),
        run_esper("--host", DEAD_HOST, "enterprise", "show"),
    ]
    for result in shown:
        assert tenant.api_key not in result.everything
    assert "GET" in shown[3].stderr  # --verbose logs the requests (without the key)
    wrong = "wrong-key-that-must-not-show"
    refused = run_esper("whoami", env={"ESPER_API_KEY": wrong})
    assert refused.code == 3
    assert wrong not in refused.everything and tenant.api_key not in refused.everything


def test_environment_overrides_the_profile_and_options_override_both(tenant: Tenant) -> None:
    configure(tenant, "--no-verify", host=DEAD_HOST, key="not-the-key")
    assert run_esper("enterprise", "show").code == 5  # the profile's host is dead

    by_env = run_esper(
        "whoami", "-o", "json", env={"ESPER_HOST": tenant.host, "ESPER_API_KEY": tenant.api_key}
    )
    assert by_env.code == 0, by_env.everything
    assert by_env.json()["sources"] == {
        "host": "env ESPER_HOST",
        "api_key": "env ESPER_API_KEY",
        "enterprise_id": "profile default",
    }

    by_option = run_esper(
        "--host",
        tenant.host,
        "whoami",
        "-o",
        "json",
        env={"ESPER_HOST": DEAD_HOST, "ESPER_API_KEY": tenant.api_key},
    )
    assert by_option.code == 0, by_option.everything
    assert by_option.json()["host"] == tenant.host
    assert by_option.json()["sources"]["host"] == "option"

    wrong_enterprise = run_esper(
        "--enterprise",
        "00000000-0000-0000-0000-000000000000",
        "enterprise",
        "show",
        env={"ESPER_HOST": tenant.host, "ESPER_API_KEY": tenant.api_key},
    )
    assert wrong_enterprise.code == 3  # the option was used: the key may not act on it
    assert wrong_enterprise.stderr.startswith("error: 403 Forbidden: ")
    assert "check --enterprise / ESPER_ENTERPRISE_ID" in wrong_enterprise.stderr


def test_a_profile_is_picked_by_option_or_by_esper_profile(tenant: Tenant) -> None:
    configure(tenant, "--no-verify", host=DEAD_HOST)  # default: dead
    configure(tenant, "--profile", "work")  # work: alive
    assert run_esper("whoami").code == 5
    by_env = run_esper("whoami", "-o", "json", env={"ESPER_PROFILE": "work"})
    assert by_env.code == 0 and by_env.json()["profile"] == "work"
    by_option = run_esper("--profile", "work", "whoami", "-o", "json")
    assert by_option.code == 0 and by_option.json()["profile"] == "work"
    option_wins = run_esper("-p", "default", "whoami", env={"ESPER_PROFILE": "work"})
    assert option_wins.code == 5
    unknown = run_esper("--profile", "nope", "whoami")
    assert unknown.code == 3
    assert unknown.stderr.startswith("error: no profile 'nope' in ")
    assert "esper configure --profile nope" in unknown.stderr


def test_nothing_configured_is_a_clear_error(tenant: Tenant) -> None:
    result = run_esper("devices", "list")
    assert result.code == 3
    assert result.stderr.splitlines() == [
        "error: no host, API key, enterprise id configured (profile 'default')",
        "hint: run `esper configure` or set ESPER_HOST, ESPER_API_KEY, ESPER_ENTERPRISE_ID",
    ]


def test_a_profiles_file_others_can_read_is_warned_about(tenant: Tenant, config_dir: Path) -> None:
    configure(tenant)
    (config_dir / "profiles.ini").chmod(0o644)
    result = run_esper("enterprise", "show")
    assert result.code == 0
    assert "can be read by other users: chmod 600" in result.stderr


def test_the_config_folder_follows_xdg_config_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ESPER_CONFIG_DIR")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    if os.name == "posix" and sys.platform != "darwin":
        assert config.config_path() == tmp_path / "xdg" / "esper" / "profiles.ini"
    monkeypatch.setenv("ESPER_CONFIG_DIR", str(tmp_path / "mine"))
    assert config.config_path() == tmp_path / "mine" / "profiles.ini"


def test_a_broken_profiles_file_is_a_clear_error(tenant: Tenant, config_dir: Path) -> None:
    config_dir.mkdir()
    (config_dir / "profiles.ini").write_text("host = no section\n")
    for args in (["whoami"], ["configure", "--host", "acme"]):
        result = run_esper(*args)
        assert result.code == 3
        assert result.stderr.startswith(f"error: cannot read {config_dir / 'profiles.ini'}: ")


def test_configure_checks_the_values_with_the_api_before_saving(
    tenant: Tenant, config_dir: Path, server: EmulatorServer
) -> None:
    path = config_dir / "profiles.ini"
    not_saved = "hint: profile 'default' not saved: check the values, or save them unchecked"
    values = {
        "--host": tenant.host,
        "--api-key": tenant.api_key,
        "--enterprise": tenant.enterprise_id,
    }

    def attempt(*flags: str, **changed: str) -> Run:
        chosen = {**values, **changed}
        return run_esper("configure", *(item for pair in chosen.items() for item in pair), *flags)

    wrong_key = attempt(**{"--api-key": "not-a-key-of-this-emulator"})
    assert wrong_key.code == 3
    assert wrong_key.stderr.splitlines() == [
        "error: 401 Unauthorized: Invalid token.",
        f"{not_saved} with --no-verify",
    ]
    other_enterprise = attempt(**{"--enterprise": "00000000-0000-0000-0000-000000000000"})
    assert other_enterprise.code == 3
    assert other_enterprise.stderr.startswith("error: 403 Forbidden: ")
    no_api = attempt(**{"--host": server.url})
    assert no_api.code == 4
    assert no_api.stderr.splitlines()[0] == (
        f"error: 404 Not Found: Not found. (check the host, {server.url}: the Esper API's base"
        f" URL ends in /api, e.g. {server.url}/api)"
    )
    assert not path.exists()  # nothing saved
    for refused in (wrong_key, other_enterprise, no_api):
        assert tenant.api_key not in refused.everything

    unchecked = attempt("--no-verify", **{"--host": server.url})
    assert unchecked.code == 0, unchecked.everything
    assert unchecked.stdout.endswith(f"enterprise {tenant.enterprise_id} (not checked)\n")
    assert config.read_profiles(path)["default"]["host"] == server.url

    checked = attempt()
    assert checked.code == 0, checked.everything
    assert checked.stdout == (
        f"Saved profile 'default' in {path}: {tenant.host}, "
        f"enterprise Test Enterprise ({tenant.enterprise_id})\n"
    )


def test_configure_with_nothing_on_stdin_says_so(tenant: Tenant, config_dir: Path) -> None:
    empty = run_esper("configure", input="")  # as `esper configure < /dev/null`
    assert empty.code == 2
    assert empty.stdout == "Host: \n"  # the prompt's line ends before the error
    assert empty.stderr.splitlines() == [
        "error: stdin is empty or closed: nothing to answer the questions for the host,"
        " API key and enterprise id",
        "hint: give them as options: esper configure --host URL --enterprise ID --api-key -"
        " (the key read from stdin)",
    ]
    no_key = run_esper(
        "configure", "--host", tenant.host, "--enterprise", tenant.enterprise_id, "--api-key", "-",
        input="",
    )  # fmt: skip
    assert no_key.code == 2
    assert no_key.stderr == "error: --api-key -: stdin is empty, no key to read\n"
    assert not (config_dir / "profiles.ini").exists()


def test_a_piped_key_is_read_without_an_echo_warning(tenant: Tenant, config_dir: Path) -> None:
    # A process of its own, without a terminal (start_new_session), as in CI: there the
    # standard library's hidden prompt warns that the input may be echoed.
    script = Path(sys.executable).parent / "esper"
    answers = f"{tenant.host}\n{tenant.api_key}\n{tenant.enterprise_id}\n"
    result = subprocess.run(
        [str(script), "configure"],
        input=answers,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "ESPER_CONFIG_DIR": str(config_dir)},
        start_new_session=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "echo" not in result.stderr.lower()
    assert tenant.api_key not in result.stdout + result.stderr
    saved = config.read_profiles(config_dir / "profiles.ini")["default"]
    assert saved["api_key"] == tenant.api_key
