"""The esperclient 0.1.3 module path of this model."""

from esperclient.models._applications import ApplicationVersion

__all__ = ["ApplicationVersion"]
