"""The esperclient 0.1.3 module path of this model."""

from esperclient.models._enterprise import EMMEnterpriseStateEnum

__all__ = ["EMMEnterpriseStateEnum"]
