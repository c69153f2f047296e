"""The esperclient 0.1.3 module path of this model."""

from esperclient.models._pages import InlineResponse2006

__all__ = ["InlineResponse2006"]
