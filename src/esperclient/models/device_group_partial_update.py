"""The esperclient 0.1.3 module path of this model."""

from esperclient.models._groups import DeviceGroupPartialUpdate

__all__ = ["DeviceGroupPartialUpdate"]
