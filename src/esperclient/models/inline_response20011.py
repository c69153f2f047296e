"""The esperclient 0.1.3 module path of this model."""

from esperclient.models._pages import InlineResponse20011

__all__ = ["InlineResponse20011"]
