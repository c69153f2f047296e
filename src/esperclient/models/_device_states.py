"""The states of a device, as the Esper API numbers them: written here once, read everywhere."""

from __future__ import annotations

from typing import Final


class DeviceState:
    """The ``state`` of a device (``status`` of the legacy device object).

    ``ACTIVE`` is a device online, ``INACTIVE`` one offline; ``ONLINE`` and ``OFFLINE``
    name the same numbers. Apple, Linux and Windows devices are only ever in the
    ``NON_ANDROID`` states. ``NAMES`` maps each number to its name; ``of`` reads a state
    given by number or by name.
    """

    UNSPECIFIED: Final = 0
    ACTIVE: Final = 1
    DISABLED: Final = 20
    PROVISIONING_BEGIN: Final = 30
    GOOGLE_PLAY_CONFIGURATION: Final = 40
    POLICY_APPLICATION_IN_PROGRESS: Final = 50
    INACTIVE: Final = 60
    WIPE_IN_PROGRESS: Final = 70
    ONBOARDING_IN_PROGRESS: Final = 80
    ONBOARDING_FAILED: Final = 90
    ONBOARDED: Final = 100
    AFW_ACCOUNT_ADDED: Final = 110
    APPS_INSTALLED: Final = 120
    BRANDING_PROCESSED: Final = 130
    PERMISSION_POLICY_PROCESSED: Final = 140
    DEVICE_POLICY_PROCESSED: Final = 150
    DEVICE_SETTINGS_PROCESSED: Final = 160
    SECURITY_POLICY_PROCESSED: Final = 170
    PHONE_POLICY_PROCESSED: Final = 180
    CUSTOM_SETTINGS_PROCESSED: Final = 190
    REGISTERED: Final = 200

    ONLINE: Final = ACTIVE
    OFFLINE: Final = INACTIVE

    NAMES: Final[dict[int, str]] = {
        0: "UNSPECIFIED",
        1: "ACTIVE",
        20: "DISABLED",
        30: "PROVISIONING_BEGIN",
        40: "GOOGLE_PLAY_CONFIGURATION",
        50: "POLICY_APPLICATION_IN_PROGRESS",
        60: "INACTIVE",
        70: "WIPE_IN_PROGRESS",
        80: "ONBOARDING_IN_PROGRESS",
        90: "ONBOARDING_FAILED",
        100: "ONBOARDED",
        110: "AFW_ACCOUNT_ADDED",
        120: "APPS_INSTALLED",
        130: "BRANDING_PROCESSED",
        140: "PERMISSION_POLICY_PROCESSED",
        150: "DEVICE_POLICY_PROCESSED",
        160: "DEVICE_SETTINGS_PROCESSED",
        170: "SECURITY_POLICY_PROCESSED",
        180: "PHONE_POLICY_PROCESSED",
        190: "CUSTOM_SETTINGS_PROCESSED",
        200: "REGISTERED",
    }
    """Each state's number and name."""

    NON_ANDROID: Final = frozenset({0, 1, 20, 70, 80, 90, 100, 200})
    """The states an Apple, Linux or Windows device can be in."""

    ALIASES: Final[dict[str, int]] = {"ONLINE": ACTIVE, "OFFLINE": INACTIVE}
    """Names other than ``NAMES``'s that ``of`` reads."""

    @classmethod
    def of(cls, value: int | str) -> int:
        """The state ``value`` names: a number, or a name in any case (``"online"``).

        Raises ``ValueError`` for anything else.
        """
        if isinstance(value, int) and not isinstance(value, bool) and value in cls.NAMES:
            return value
        text = str(value).strip()
        if text.isdigit() and int(text) in cls.NAMES:
            return int(text)
        key = text.upper().replace("-", "_")
        by_name = {name: number for number, name in cls.NAMES.items()} | cls.ALIASES
        if key in by_name:
            return by_name[key]
        raise ValueError(f"{value!r} is not a device state")

    @classmethod
    def name_of(cls, value: int | None) -> str:
        """The name of state ``value`` (its number as text when it has none)."""
        if value is None:
            return ""
        return cls.NAMES.get(value, str(value))


class DevicePlatform:
    """The platform of a device (Devices v2's ``platform``); ``ALL`` lists them."""

    ANDROID: Final = "ANDROID"
    APPLE: Final = "APPLE"
    LINUX: Final = "LINUX"
    WINDOWS: Final = "WINDOWS"

    ALL: Final = (ANDROID, APPLE, LINUX, WINDOWS)
    """Every platform, in the API's order."""
