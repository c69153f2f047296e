"""Device commands, group commands and v0 command requests."""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from esperclient.models._base import EnumModel, Limits, Model, sent_default
from esperclient.models._command_states import CommandState


class SettingsVolumeStreamEnum(EnumModel):
    """Device settings volume stream enum."""

    STREAM_RING = 0
    STREAM_NOTIFICATION = 1
    STREAM_ALARM = 2
    STREAM_MUSIC = 3

    # 0.1.3's names for the same values, as the strings it declared
    _0 = "0"
    _1 = "1"
    _2 = "2"
    _3 = "3"


class SettingsGPSStateEnum(EnumModel):
    """Device settings GPS state enum."""

    LOCATION_MODE_HIGH_ACCURACY = 0
    LOCATION_MODE_SENSORS_ONLY = 1
    LOCATION_MODE_BATTERY_SAVING = 2
    LOCATION_MODE_OFF = 3

    # 0.1.3's names for the same values, as the strings it declared
    _0 = "0"
    _1 = "1"
    _2 = "2"
    _3 = "3"


class SettingsRotateStateEnum(EnumModel):
    """Device settings rotate state enum."""

    AUTO = 0
    PORTRAIT_ONLY = 1
    LANDSCAPE_ONLY = 2

    # 0.1.3's names for the same values, as the strings it declared
    _0 = "0"
    _1 = "1"
    _2 = "2"


class DeviceCommandEnum(EnumModel):
    """Command Options."""

    REBOOT = "REBOOT"
    LOCK = "LOCK"
    INSTALL = "INSTALL"
    UPDATE_HEARTBEAT = "UPDATE_HEARTBEAT"
    WIPE = "WIPE"
    SET_WIFI_STATE = "SET_WIFI_STATE"
    SET_BLUETOOTH_STATE = "SET_BLUETOOTH_STATE"
    SET_ROTATION_STATE = "SET_ROTATION_STATE"
    SET_GPS_STATE = "SET_GPS_STATE"
    SET_BRIGHTNESS_SCALE = "SET_BRIGHTNESS_SCALE"
    SET_STREAM_VOLUME = "SET_STREAM_VOLUME"
    SET_SCREEN_OFF_TIMEOUT = "SET_SCREEN_OFF_TIMEOUT"
    UNINSTALL = "UNINSTALL"
    ADD_TO_WHITELIST = "ADD_TO_WHITELIST"
    CLEAR_APP_DATA = "CLEAR_APP_DATA"


class GroupCommandArgs(Model):
    """The `GroupCommandArgs` object of the Esper API."""

    app_version: str | None = None


class GroupCommandEnum(EnumModel):
    """Group Command Options."""

    REBOOT = "REBOOT"
    LOCK = "LOCK"
    INSTALL = "INSTALL"
    UPDATE_HEARTBEAT = "UPDATE_HEARTBEAT"


class V0CommandArgs(Model):
    """The `V0CommandArgs` object of the Esper API."""

    device_alias_name: str | None = None
    custom_settings_config: Any | None = None
    app_version: str | None = None
    package_name: str | None = None
    policy_url: str | None = None
    wifi_access_points: Any | None = None
    state: str | None = None
    message: str | None = None
    app_state: str | None = None


class V0CommandRequestStatus(Model):
    """The `V0CommandRequestStatus` object of the Esper API."""

    state: str | None = None
    total: int | None = None


class V0DeviceCommandEnum(EnumModel):
    """Following commands are supported."""

    REBOOT = "REBOOT"
    UPDATE_HEARTBEAT = "UPDATE_HEARTBEAT"
    UPDATE_DEVICE_CONFIG = "UPDATE_DEVICE_CONFIG"
    INSTALL = "INSTALL"
    UNINSTALL = "UNINSTALL"
    SET_NEW_POLICY = "SET_NEW_POLICY"
    ADD_WIFI_AP = "ADD_WIFI_AP"
    REMOVE_WIFI_AP = "REMOVE_WIFI_AP"
    SET_KIOSK_APP = "SET_KIOSK_APP"
    SET_DEVICE_LOCKDOWN_STATE = "SET_DEVICE_LOCKDOWN_STATE"
    SET_APP_STATE = "SET_APP_STATE"
    WIPE = "WIPE"
    UPDATE_LATEST_DPC = "UPDATE_LATEST_DPC"


class V0CommandScheduleEnum(EnumModel):
    """Following Schedule types are supported."""

    IMMEDIATE = "IMMEDIATE"
    WINDOW = "WINDOW"
    RECURRING = "RECURRING"


class V0CommandScheduleArgsTimeTypeEnum(EnumModel):
    """Which clock a schedule window follows: the console's or the device's."""

    CONSOLE = "console"
    DEVICE = "device"


class V0CommandStatus(Model):
    """The `V0CommandStatus` object of the Esper API."""

    _allowed: ClassVar[dict[str, tuple[str, ...]]] = {
        "state": (
            CommandState.QUEUED,
            CommandState.INITIATED,
            CommandState.ACKNOWLEDGED,
            CommandState.IN_PROGRESS,
            CommandState.TIMEOUT,
            CommandState.SUCCESS,
            CommandState.FAILURE,
            CommandState.SCHEDULED,
            CommandState.CANCELLED,
        )
    }

    id: str | None = None
    request: str | None = None
    device: str | None = None
    state: str | None = None
    reason: str | None = None
    created_on: datetime | None = None
    updated_on: datetime | None = None


class CommandArgs(Model):
    """The `CommandArgs` object of the Esper API."""

    _enum_fields: ClassVar[dict[str, str]] = {
        "stream": "SettingsVolumeStreamEnum",
        "rotate_state": "SettingsRotateStateEnum",
        "gps_state": "SettingsGPSStateEnum",
    }
    _limits: ClassVar[dict[str, Limits]] = {
        "brightness_value": Limits(minimum=1, maximum=100),
        "volume_level": Limits(minimum=0, maximum=100),
        "screen_off_timeout": Limits(minimum=5000, maximum=1800000),
    }

    wipe_external_storage: bool | None = sent_default(False)
    wipe_frp: bool | None = sent_default(True, name="wipe_FRP")
    brightness_value: int | None = None
    stream: int | None = None
    volume_level: int | None = None
    wifi_state: bool | None = None
    bluetooth_state: bool | None = None
    rotate_state: int | None = None
    gps_state: int | None = None
    screen_off_timeout: int | None = None
    app_version: str | None = None
    package_name: str | None = None


class GroupCommand(Model):
    """The `GroupCommand` object of the Esper API."""

    _required: ClassVar[frozenset[str]] = frozenset({"enterprise", "command", "group"})
    _allowed: ClassVar[dict[str, tuple[str, ...]]] = {
        "state": (
            CommandState.INITIATED,
            CommandState.SUCCESS,
            CommandState.FAILURE,
            CommandState.SCHEDULED,
        )
    }

    _enum_fields: ClassVar[dict[str, str]] = {"command": "GroupCommandEnum"}

    id: str | None = None
    schedule: str | None = None
    command: str | None = None
    command_args: GroupCommandArgs | None = None
    state: str | None = None
    details: str | None = None
    created_on: datetime | None = None
    updated_on: datetime | None = None
    is_active: bool | None = None
    enterprise: str | None = None
    group: str | None = None
    issued_by: str | None = None


class GroupCommandRequest(Model):
    """The `GroupCommandRequest` object of the Esper API."""

    _required: ClassVar[frozenset[str]] = frozenset({"command"})

    _enum_fields: ClassVar[dict[str, str]] = {"command": "GroupCommandEnum"}

    command_args: GroupCommandArgs | None = None
    command: str | None = None


class V0CommandScheduleArgs(Model):
    """The `V0CommandScheduleArgs` object of the Esper API."""

    _enum_fields: ClassVar[dict[str, str]] = {"time_type": "V0CommandScheduleArgsTimeTypeEnum"}

    name: str | None = None
    start_datetime: datetime | None = None
    end_datetime: datetime | None = None
    time_type: str | None = None
    window_start_time: str | None = None
    window_end_time: str | None = None
    days: list[str] | None = None


class CommandRequest(Model):
    """The `CommandRequest` object of the Esper API."""

    _required: ClassVar[frozenset[str]] = frozenset({"command"})

    _enum_fields: ClassVar[dict[str, str]] = {"command": "DeviceCommandEnum"}

    command_args: CommandArgs | None = None
    command: str | None = None


class DeviceCommand(Model):
    """The `DeviceCommand` object of the Esper API."""

    _required: ClassVar[frozenset[str]] = frozenset({"enterprise", "command", "device"})
    _allowed: ClassVar[dict[str, tuple[str, ...]]] = {
        "action": ("acknowledge", "in_progress", "success", "failed"),
        "state": (
            CommandState.INITIATED,
            CommandState.ACKNOWLEDGED,
            CommandState.IN_PROGRESS,
            CommandState.TIMEOUT,
            CommandState.SUCCESS,
            CommandState.FAILURE,
            CommandState.SCHEDULED,
        ),
    }

    _enum_fields: ClassVar[dict[str, str]] = {"command": "DeviceCommandEnum"}
    _limits: ClassVar[dict[str, Limits]] = {"current_base_uri": Limits(min_length=1)}

    id: str | None = None
    current_base_uri: str | None = None
    command_args: CommandArgs | None = None
    action: str | None = None
    schedule: str | None = None
    group_schedule_id: str | None = None
    command: str | None = None
    state: str | None = None
    details: str | None = None
    created_on: datetime | None = None
    updated_on: datetime | None = None
    enterprise: str | None = None
    device: str | None = None
    group_command: str | None = None
    issued_by: str | None = None


class V0CommandRequest(Model):
    """The `V0CommandRequest` object of the Esper API."""

    _allowed: ClassVar[dict[str, tuple[str, ...]]] = {
        "command_type": ("DEVICE", "GROUP", "DYNAMIC"),
        "device_type": ("active", "inactive", "all"),
    }

    _enum_fields: ClassVar[dict[str, str]] = {
        "command": "V0DeviceCommandEnum",
        "schedule": "V0CommandScheduleEnum",
    }

    id: str | None = None
    enterprise: str | None = None
    command_type: str | None = None
    devices: list[str] | None = None
    groups: list[str] | None = None
    device_type: str | None = sent_default("active")
    command: str | None = None
    command_args: V0CommandArgs | None = None
    schedule: str | None = None
    schedule_args: V0CommandScheduleArgs | None = None
    issued_by: str | None = None
    created_on: datetime | None = None
    status: list[V0CommandRequestStatus] | None = None


class V0CommandStatusUpdateDetails(Model):
    """The `V0CommandStatusUpdateDetails` object of the Esper API."""

    reason: str | None = None


class V0CommandStatusUpdate(Model):
    """The `V0CommandStatusUpdate` object of the Esper API."""

    reason: str | None = None
    details: V0CommandStatusUpdateDetails | None = None
