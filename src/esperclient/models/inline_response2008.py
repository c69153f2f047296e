"""The esperclient 0.1.3 module path of this model."""

from esperclient.models._pages import InlineResponse2008

__all__ = ["InlineResponse2008"]
