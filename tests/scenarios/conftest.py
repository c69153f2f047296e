"""The scenarios run ``esper`` as the CLI tests do: a config folder of their own."""

from tests.cli.conftest import config_dir, env

__all__ = ["config_dir", "env"]
