"""The states of a blueprint converge and of a device's blueprint upgrade, as the Esper
API names them: written here once, read everywhere."""

from __future__ import annotations

from typing import Final


class ConvergeStatus:
    """The ``status`` of a converge (``/v2/converge``): it moves QUEUED, PROCESSING,
    IN_PROGRESS and ends SUCCESS or FAILURE (``FINAL``)."""

    QUEUED: Final = "QUEUED"
    PROCESSING: Final = "PROCESSING"
    IN_PROGRESS: Final = "IN_PROGRESS"
    SUCCESS: Final = "SUCCESS"
    FAILURE: Final = "FAILURE"

    FINAL: Final = frozenset({SUCCESS, FAILURE})
    """The states a converge ends in."""


class BlueprintUpgradeStatus:
    """A device's ``blueprint_info.blueprint_upgrade_status``."""

    UPGRADABLE: Final = "UPGRADABLE"
    UPGRADE_INITIATED: Final = "UPGRADE_INITIATED"
    UPGRADE_FAILED: Final = "UPGRADE_FAILED"
    UPGRADED: Final = "UPGRADED"
    NOT_UPGRADABLE: Final = "NOT_UPGRADABLE"
    NOT_APPLICABLE: Final = "NOT_APPLICABLE"
