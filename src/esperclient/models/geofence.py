"""The esperclient 0.1.3 module path of this model."""

from esperclient.models._content import Geofence

__all__ = ["Geofence"]
