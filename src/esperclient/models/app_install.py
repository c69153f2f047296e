"""The esperclient 0.1.3 module path of this model."""

from esperclient.models._applications import AppInstall

__all__ = ["AppInstall"]
