"""The esperclient 0.1.3 module path of this model."""

from esperclient.models._commands import V0CommandStatusUpdate

__all__ = ["V0CommandStatusUpdate"]
