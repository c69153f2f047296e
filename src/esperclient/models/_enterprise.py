"""The enterprise, its policies and API tokens."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from msgspec import field

from esperclient.models._base import EnumModel, Limits, Model


class EnterprisePolicyDataDeviceUpdatePolicy(Model):
    """The `EnterprisePolicyDataDeviceUpdatePolicy` object of the Esper API."""

    _allowed: ClassVar[dict[str, tuple[str, ...]]] = {
        "type": (
            "TYPE_INSTALL_AUTOMATIC",
            "TYPE_POSTPONE",
            "TYPE_INSTALL_WINDOWED",
            "TYPE_INSTALL_DISABLED",
        )
    }

    type: str | None = None
    maintenance_start: int | None = field(default=None, name="maintenanceStart")
    maintenance_end: int | None = field(default=None, name="maintenanceEnd")


class EnterprisePolicyDataFrpGoogles(Model):
    """The `EnterprisePolicyDataFrpGoogles` object of the Esper API."""

    _allowed: ClassVar[dict[str, tuple[str, ...]]] = {"type": ("USER", "ADMIN")}

    type: str | None = None
    email: str | None = None
    google_id: str | None = field(default=None, name="googleId")


class EnterprisePolicyDataPhonePolicy(Model):
    """The `EnterprisePolicyDataPhonePolicy` object of the Esper API."""

    _allowed: ClassVar[dict[str, tuple[str, ...]]] = {"dialer": ("DEFAULT", "SHOONYA")}

    incoming_numbers: list[str] | None = field(default=None, name="incomingNumbers")
    outgoing_numbers: list[str] | None = field(default=None, name="outgoingNumbers")
    dialer: str | None = None


class EnterprisePolicyDataDevicePasswordPolicy(Model):
    """The `EnterprisePolicyDataDevicePasswordPolicy` object of the Esper API."""

    _allowed: ClassVar[dict[str, tuple[str, ...]]] = {
        "password_quality": (
            "PASSWORD_QUALITY_ALPHABETIC",
            "PASSWORD_QUALITY_ALPHANUMERIC",
            "PASSWORD_QUALITY_BIOMETRIC_WEAK",
            "PASSWORD_QUALITY_COMPLEX",
            "PASSWORD_QUALITY_NUMERIC",
            "PASSWORD_QUALITY_NUMERIC_COMPLEX",
            "PASSWORD_QUALITY_SOMETHING",
            "PASSWORD_QUALITY_UNSPECIFIED",
        )
    }

    password_quality: str | None = field(default=None, name="passwordQuality")


class EnterprisePolicyDataGoogleAccountPermission(Model):
    """The `EnterprisePolicyDataGoogleAccountPermission` object of the Esper API."""

    max_account: int | None = field(default=None, name="maxAccount")
    emails: list[str] | None = None
    domains: list[str] | None = None


class EnterpriseUpdateV1(Model):
    """The `EnterpriseUpdateV1` object of the Esper API."""

    _limits: ClassVar[dict[str, Limits]] = {
        "name": Limits(min_length=1, max_length=255),
        "registered_name": Limits(min_length=1, max_length=255),
        "registered_address": Limits(min_length=1, max_length=255),
        "location": Limits(min_length=1, max_length=255),
        "zipcode": Limits(min_length=1, max_length=8),
        "contact_person": Limits(min_length=1, max_length=255),
        "contact_number": Limits(min_length=1, max_length=20),
        "contact_email": Limits(min_length=1, max_length=254),
    }

    id: str | None = None
    name: str | None = None
    registered_name: str | None = None
    registered_address: str | None = None
    location: str | None = None
    zipcode: str | None = None
    contact_person: str | None = None
    contact_number: str | None = None
    contact_email: str | None = None


class GoogleEMM(Model):
    """The `GoogleEMM` object of the Esper API."""

    google_enterprise_id: str | None = None


class TokenInfoV1(Model):
    """The `TokenInfoV1` object of the Esper API."""

    _required: ClassVar[frozenset[str]] = frozenset({"enterprise", "id"})

    _secret_fields: ClassVar[frozenset[str]] = frozenset({"token", "source_refresh_token"})

    id: str | None = None
    enterprise: str | None = None
    user: str | None = None
    developer_app: str | None = None
    source_refresh_token: str | None = None
    token: str | None = None
    expires_on: datetime | None = None
    scope: list[str] | None = None
    created_on: datetime | None = None
    updated_on: datetime | None = None


class TokenRenewV0(Model):
    """The `TokenRenewV0` object of the Esper API."""

    _secret_fields: ClassVar[frozenset[str]] = frozenset({"token"})

    id: str | None = None
    user: str | None = None
    enterprise: str | None = None
    token: str | None = None
    expires_at: datetime | None = None
    developerapp: str | None = None
    scope: str | None = None
    created_on: datetime | None = None
    updated_on: datetime | None = None


class EnterprisePolicyData(Model):
    """The `EnterprisePolicyData` object of the Esper API."""

    _allowed: ClassVar[dict[str, tuple[str, ...]]] = {
        "permission_policy": (
            "PERMISSION_POLICY_PROMPT",
            "PERMISSION_POLICY_AUTO_GRANT",
            "PERMISSION_POLICY_AUTO_DENY",
        ),
        "settings_access_level": ("SYSTEM", "SHOONYA", "NONE"),
    }
    _limits: ClassVar[dict[str, Limits]] = {"minimum_password_length": Limits(minimum=4)}

    keyguard_disabled: bool | None = field(default=None, name="keyguardDisabled")
    safe_boot_disabled: bool | None = field(default=None, name="safeBootDisabled")
    status_bar_disabled: bool | None = field(default=None, name="statusBarDisabled")
    factory_reset_disabled: bool | None = field(default=None, name="factoryResetDisabled")
    screenshot_disabled: bool | None = field(default=None, name="screenshotDisabled")
    usb_connectivity_disabled: bool | None = field(default=None, name="usbConnectivityDisabled")
    sms_disabled: bool | None = field(default=None, name="smsDisabled")
    outgoing_calls_disabled: bool | None = field(default=None, name="outgoingCallsDisabled")
    camera_disabled: bool | None = field(default=None, name="cameraDisabled")
    nfc_beam_disabled: bool | None = field(default=None, name="nfcBeamDisabled")
    disable_play_store: bool | None = field(default=None, name="disablePlayStore")
    usb_file_transfer_disabled: bool | None = field(default=None, name="usbFileTransferDisabled")
    tethering_disabled: bool | None = field(default=None, name="tetheringDisabled")
    date_time_config_disabled: bool | None = field(default=None, name="dateTimeConfigDisabled")
    app_uninstall_disabled: bool | None = field(default=None, name="appUninstallDisabled")
    google_assistant_disabled: bool | None = field(default=None, name="googleAssistantDisabled")
    disable_local_app_install: bool | None = field(default=None, name="disableLocalAppInstall")
    adb_disabled: bool | None = field(default=None, name="adbDisabled")
    phone_policy: EnterprisePolicyDataPhonePolicy | None = field(default=None, name="phonePolicy")
    frp_googles: list[EnterprisePolicyDataFrpGoogles] | None = field(
        default=None, name="frpGoogles"
    )
    google_account_permission: EnterprisePolicyDataGoogleAccountPermission | None = field(
        default=None, name="googleAccountPermission"
    )
    device_password_policy: EnterprisePolicyDataDevicePasswordPolicy | None = field(
        default=None, name="devicePasswordPolicy"
    )
    minimum_password_length: int | None = field(default=None, name="minimumPasswordLength")
    permission_policy: str | None = field(default=None, name="permissionPolicy")
    device_update_policy: EnterprisePolicyDataDeviceUpdatePolicy | None = field(
        default=None, name="deviceUpdatePolicy"
    )
    settings_access_level: str | None = field(default=None, name="settingsAccessLevel")
    settings_app_password: str | None = field(default=None, name="settingsAppPassword")


class EnterpriseV1(Model):
    """The `EnterpriseV1` object of the Esper API."""

    _required: ClassVar[frozenset[str]] = frozenset({"id", "name", "short_code"})
    _limits: ClassVar[dict[str, Limits]] = {
        "name": Limits(min_length=1, max_length=255),
        "short_code": Limits(min_length=1, max_length=10),
        "registered_name": Limits(min_length=1, max_length=255),
        "registered_address": Limits(min_length=1, max_length=255),
        "location": Limits(min_length=1, max_length=255),
        "zipcode": Limits(min_length=1, max_length=8),
        "contact_person": Limits(min_length=1, max_length=255),
        "contact_number": Limits(min_length=1, max_length=20),
        "contact_email": Limits(min_length=1, max_length=254),
    }

    id: str | None = None
    name: str | None = None
    short_code: str | None = None
    registered_name: str | None = None
    registered_address: str | None = None
    location: str | None = None
    zipcode: str | None = None
    contact_person: str | None = None
    contact_number: str | None = None
    contact_email: str | None = None
    emm: GoogleEMM | None = None
    created_on: datetime | None = None
    updated_on: datetime | None = None


class EnterprisePolicy(Model):
    """The `EnterprisePolicy` object of the Esper API."""

    _required: ClassVar[frozenset[str]] = frozenset({"enterprise", "policy", "name"})

    uuid: str | None = None
    enterprise: str | None = None
    url: str | None = None
    name: str | None = None
    description: str | None = None
    device_count: int | None = None
    google_policy_id: str | None = None
    policy: EnterprisePolicyData | None = None
    updated_on: datetime | None = None
    created_on: datetime | None = None
    is_active: bool | None = None


class EnterprisePolicyPartialUpdate(Model):
    """The `EnterprisePolicyPartialUpdate` object of the Esper API."""

    uuid: str | None = None
    enterprise: str | None = None
    url: str | None = None
    name: str | None = None
    description: str | None = None
    device_count: int | None = None
    policy: EnterprisePolicyData | None = None
    updated_on: datetime | None = None
    created_on: datetime | None = None
    is_active: bool | None = None
    google_policy_id: str | None = None


class EMMEnterpriseStateEnum(EnumModel):
    """The state of an enterprise's sign-up with Google (0.1.3's numbered constants)."""

    _1 = "1"
    _2 = "2"
    _3 = "3"
    _4 = "4"
    _5 = "5"
    _10 = "10"


class GoogleEnterprise(Model):
    """The `GoogleEnterprise` object of the Esper API (the v0 enterprise's EMM binding)."""

    _enum_fields: ClassVar[dict[str, str]] = {"state": "EMMEnterpriseStateEnum"}
    _required: ClassVar[frozenset[str]] = frozenset({"name"})
    _limits: ClassVar[dict[str, Limits]] = {
        "google_enterprise_id": Limits(min_length=1, max_length=50),
        "name": Limits(min_length=1, max_length=255),
        "callback_url": Limits(min_length=1),
        "signup_url": Limits(min_length=1),
        "completion_token": Limits(min_length=1, max_length=255),
        "enterprise_token": Limits(min_length=1, max_length=255),
    }

    id: int | None = None
    google_enterprise_id: str | None = None
    name: str | None = None
    state: int | str | None = None
    callback_url: str | None = None
    signup_url: str | None = None
    completion_token: str | None = None
    enterprise_token: str | None = None
    is_active: bool | None = None
    created_on: datetime | None = None
    updated_on: datetime | None = None
    enterprise: str | None = None


class EnterpriseDetail(Model):
    """The `EnterpriseDetail` object of the Esper API (the v0 enterprise's registration)."""

    _required: ClassVar[frozenset[str]] = frozenset(
        {"registered_name", "registered_address", "location", "zipcode", "contact_email"}
    )
    _limits: ClassVar[dict[str, Limits]] = {
        "registered_name": Limits(min_length=1, max_length=255),
        "registered_address": Limits(min_length=1),
        "location": Limits(min_length=1, max_length=255),
        "zipcode": Limits(min_length=1, max_length=8),
        "contact_person": Limits(min_length=1, max_length=255),
        "contact_number": Limits(min_length=1, max_length=20),
        "contact_email": Limits(min_length=1, max_length=254),
    }

    id: str | None = None
    registered_name: str | None = None
    registered_address: str | None = None
    location: str | None = None
    zipcode: str | None = None
    contact_person: str | None = None
    contact_number: str | None = None
    contact_email: str | None = None
    created_on: datetime | None = None
    updated_on: datetime | None = None
    is_active: bool | None = None


class Enterprise(Model):
    """The `Enterprise` object of the Esper v0 API."""

    _required: ClassVar[frozenset[str]] = frozenset({"name", "short_code", "details"})
    _limits: ClassVar[dict[str, Limits]] = {
        "name": Limits(min_length=1, max_length=255),
        "display_name": Limits(min_length=1, max_length=50),
        "short_code": Limits(min_length=1, max_length=10),
    }

    id: str | None = None
    url: str | None = None
    name: str | None = None
    display_name: str | None = None
    short_code: str | None = None
    mdm_service: int | None = None
    details: EnterpriseDetail | None = None
    default_policy: int | None = None
    emm: GoogleEnterprise | None = None
    created_on: datetime | None = None
    updated_on: datetime | None = None
    is_active: bool | None = None


class EnterpriseUpdate(Model):
    """The `EnterpriseUpdate` object of the Esper v0 API."""

    _limits: ClassVar[dict[str, Limits]] = {
        "name": Limits(min_length=1, max_length=255),
        "display_name": Limits(min_length=1, max_length=50),
        "short_code": Limits(min_length=1, max_length=10),
    }

    name: str | None = None
    display_name: str | None = None
    short_code: str | None = None
    details: EnterpriseDetail | None = None
