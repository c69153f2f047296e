"""The esperclient 0.1.3 module path of this model."""

from esperclient.models._commands import CommandArgs

__all__ = ["CommandArgs"]
