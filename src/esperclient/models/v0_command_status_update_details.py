"""The esperclient 0.1.3 module path of this model."""

from esperclient.models._commands import V0CommandStatusUpdateDetails

__all__ = ["V0CommandStatusUpdateDetails"]
