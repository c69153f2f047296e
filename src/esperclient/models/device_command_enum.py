"""The esperclient 0.1.3 module path of this model."""

from esperclient.models._commands import DeviceCommandEnum

__all__ = ["DeviceCommandEnum"]
