"""The esperclient 0.1.3 module path of this model."""

from esperclient.models._devices import Device

__all__ = ["Device"]
