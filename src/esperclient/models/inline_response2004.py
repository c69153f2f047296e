"""The esperclient 0.1.3 module path of this model."""

from esperclient.models._pages import InlineResponse2004

__all__ = ["InlineResponse2004"]
