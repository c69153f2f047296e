"""Profiles: where ``esper`` keeps its settings, and which setting wins.

The settings live in one INI file (stdlib ``configparser``), one section per profile::

    [default]
    host = https://acme-api.esper.cloud/api
    enterprise_id = 7c3e...
    api_key = ...

It is ``profiles.ini`` in ``$ESPER_CONFIG_DIR`` if set, else in the user's config folder
(``typer.get_app_dir("esper")``: ``$XDG_CONFIG_HOME/esper``, by default
``~/.config/esper``, on Linux). The folder is made ``0700`` and the file is created
``0600`` from the start (a temporary file made by ``mkstemp`` beside it, then renamed
over it), so the key is never readable by others, not even for a moment.

A value is taken from the first of: an explicit option (``--host``, ``--enterprise``),
the environment (``ESPER_HOST``, ``ESPER_API_KEY``, ``ESPER_ENTERPRISE_ID``), the profile
(``--profile``, else ``$ESPER_PROFILE``, else ``default``).
"""

from __future__ import annotations

import configparser
import contextlib
import os
import re
import stat
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import typer

from esper_cli.errors import EXIT_CONFIG, EXIT_USAGE, CliError

CONFIG_DIR_ENV = "ESPER_CONFIG_DIR"
PROFILE_ENV = "ESPER_PROFILE"
DEFAULT_PROFILE = "default"
FILE_NAME = "profiles.ini"
FIELDS = ("host", "api_key", "enterprise_id")
ENV_VARS = {
    "host": "ESPER_HOST",
    "api_key": "ESPER_API_KEY",
    "enterprise_id": "ESPER_ENTERPRISE_ID",
}
LABELS = {"host": "host", "api_key": "API key", "enterprise_id": "enterprise id"}

_TENANT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]*$")
_PROFILE_NAME = re.compile(r"^[A-Za-z0-9_.@-]+$")
# configparser's DEFAULT section is inherited by every section: keep it out of the way.
_NO_DEFAULTS = "esper:unused-defaults"


def config_dir() -> Path:
    """The folder holding ``profiles.ini``: ``$ESPER_CONFIG_DIR`` or the user's config folder."""
    override = os.environ.get(CONFIG_DIR_ENV)
    return Path(override) if override else Path(typer.get_app_dir("esper"))


def config_path() -> Path:
    """The profiles file."""
    return config_dir() / FILE_NAME


def normalize_host(value: str) -> str:
    """The API base URL for ``value``: a URL as given (no trailing slash) or a tenant name.

    A bare tenant name such as ``acme`` stands for ``https://acme-api.esper.cloud/api``.
    """
    text = value.strip().rstrip("/")
    if "://" in text:
        return text
    if _TENANT.match(text):
        return f"https://{text}-api.esper.cloud/api"
    raise CliError(
        f"host {value!r} is neither a URL nor a tenant name",
        EXIT_USAGE,
        hint="give a URL such as https://acme-api.esper.cloud/api, or just the tenant: acme",
    )


def check_profile_name(name: str) -> str:
    """``name`` if it can name a profile (letters, digits and ``_.@-``), else a usage error."""
    if not _PROFILE_NAME.match(name) or name == _NO_DEFAULTS:
        raise CliError(f"{name!r} cannot name a profile: use letters, digits and _.@-", EXIT_USAGE)
    return name


def _parser() -> configparser.ConfigParser:
    return configparser.ConfigParser(interpolation=None, default_section=_NO_DEFAULTS)


def read_profiles(path: Path | None = None) -> dict[str, dict[str, str]]:
    """Every profile of the file (none when it does not exist), by name."""
    target = path or config_path()
    parser = _parser()
    try:
        with target.open(encoding="utf-8") as handle:
            parser.read_file(handle)
    except FileNotFoundError:
        return {}
    except (OSError, configparser.Error) as exc:
        raise CliError(f"cannot read {target}: {exc}", EXIT_CONFIG) from None
    return {name: dict(parser[name]) for name in parser.sections()}


def exposed(path: Path) -> bool:
    """Whether the file exists and others than its owner may read or write it."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return False
    return os.name == "posix" and bool(mode & (stat.S_IRWXG | stat.S_IRWXO))


def save_profile(name: str, values: Mapping[str, str], path: Path | None = None) -> Path:
    """Set ``values`` in profile ``name`` (other profiles and keys kept); the file's path.

    The new file is written aside with mode 0600 (``mkstemp``), flushed to disk, then
    renamed over the old one: readers see the old file or the new one, never a part.
    """
    target = path or config_path()
    parser = _parser()
    try:
        with target.open(encoding="utf-8") as handle:
            parser.read_file(handle)
    except FileNotFoundError:
        pass
    except configparser.Error as exc:
        raise CliError(f"cannot read {target}: {exc}", EXIT_CONFIG) from None
    if not parser.has_section(name):
        parser.add_section(name)
    for key, value in values.items():
        parser.set(name, key, value)
    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            parser.write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return target


@dataclass(frozen=True)
class Settings:
    """Where to send requests, as resolved; ``sources`` says where each value came from.

    A source is ``"option"``, ``"env ESPER_..."`` or ``"profile NAME"``. ``repr`` never
    shows the key.
    """

    profile: str
    host: str | None
    api_key: str | None = field(repr=False)
    enterprise_id: str | None
    sources: Mapping[str, str]

    def missing(self) -> list[str]:
        """The settings that have no value."""
        return [name for name in FIELDS if not getattr(self, name)]


def chosen_profile(option: str | None, environ: Mapping[str, str] | None = None) -> str:
    """The profile in use: ``--profile``, else ``$ESPER_PROFILE``, else ``default``."""
    env = os.environ if environ is None else environ
    return option or env.get(PROFILE_ENV) or DEFAULT_PROFILE


def resolve(
    profile: str | None = None,
    host: str | None = None,
    enterprise_id: str | None = None,
    environ: Mapping[str, str] | None = None,
    path: Path | None = None,
) -> Settings:
    """The settings from the options given, the environment and the chosen profile.

    A profile named explicitly (option or ``$ESPER_PROFILE``) must exist; the
    ``default`` one may be missing when the environment provides everything.
    """
    env = os.environ if environ is None else environ
    name = chosen_profile(profile, env)
    profiles = read_profiles(path)
    if name not in profiles and name != DEFAULT_PROFILE:
        known = ", ".join(sorted(profiles)) or "none"
        raise CliError(
            f"no profile {name!r} in {path or config_path()} (profiles: {known})",
            EXIT_CONFIG,
            hint=f"create it with `esper configure --profile {name}`",
        )
    stored = profiles.get(name, {})
    options = {"host": host, "enterprise_id": enterprise_id}
    values: dict[str, str | None] = {}
    sources: dict[str, str] = {}
    for key in FIELDS:
        candidates = (
            (options.get(key), "option"),
            (env.get(ENV_VARS[key]), f"env {ENV_VARS[key]}"),
            (stored.get(key), f"profile {name}"),
        )
        for value, source in candidates:
            if value:
                values[key], sources[key] = value, source
                break
        else:
            values[key] = None
    found_host = values["host"]
    return Settings(
        profile=name,
        host=normalize_host(found_host) if found_host else None,
        api_key=values["api_key"],
        enterprise_id=values["enterprise_id"],
        sources=sources,
    )
