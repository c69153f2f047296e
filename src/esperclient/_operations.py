"""Every Esper API operation, described once.

An ``Operation`` says what one call is on the wire: method, path, parameters (where
each goes and its type), the body model and the model of the answer. The drop-in
``*Api`` classes, the idiomatic client and the emulator's router all read this table;
none of them spells a route or a parameter list again.

Parameters are listed in the order of the esperclient 0.1.3 signature: the required
ones first, in positional order, then the optional keyword arguments.
"""

from __future__ import annotations

import dataclasses
import functools
import operator
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, Literal, Protocol, TypeVar

from esperclient.models import (
    Application,
    AppVersion,
    CommandRequest,
    Content,
    Data,
    Device,
    DeviceApp,
    DeviceCommand,
    DeviceGroup,
    DeviceGroupPartialUpdate,
    DeviceGroupUpdate,
    EnterprisePolicy,
    EnterprisePolicyPartialUpdate,
    EnterpriseUpdateV1,
    EnterpriseV1,
    EventSubscription,
    EventSubscriptionArgs,
    Geofence,
    GeofenceUpdate,
    GroupCommand,
    GroupCommandRequest,
    InlineResponse200,
    InlineResponse201,
    InlineResponse2001,
    InlineResponse2002,
    InlineResponse2003,
    InlineResponse2004,
    InlineResponse2005,
    InlineResponse2006,
    InlineResponse2007,
    InlineResponse2008,
    InlineResponse2009,
    InlineResponse20010,
    InlineResponse20011,
    InlineResponse20012,
    InlineResponse20013,
    TokenInfoV1,
    TokenRenewV0,
    V0CommandRequest,
)
from esperclient.models._base import Model

Location = Literal["path", "query", "body", "file", "form"]
#: Where an answer carries its payload: the whole body, or ``content`` of the envelope.
Envelope = Literal["bare", "content"]
#: How a list operation pages: not at all, by ``limit``/``offset``, or by ``cursor``.
Paging = Literal["none", "offset", "cursor"]
#: What a successful answer's body is: JSON, or plain text read as ``str``.
Media = Literal["json", "text"]
#: What an operation answers: a model, or ``None`` (``returns=NoneType``) for no body.
R_co = TypeVar("R_co", covariant=True)
NoneType = type(None)
T_co = TypeVar("T_co", covariant=True)
M = TypeVar("M")


class ListAnswer(Protocol[T_co]):
    """What a list operation answers: one page of ``results`` and the list's ``count``."""

    @property
    def count(self) -> int | None: ...

    @property
    def results(self) -> Sequence[T_co] | None: ...


class CursorAnswer(Protocol[T_co]):
    """What a list paged by cursor answers: one page of ``results`` and the cursor of the
    next page (none on the last page)."""

    @property
    def next_cursor(self) -> str | None: ...

    @property
    def results(self) -> Sequence[T_co] | None: ...


@dataclass(frozen=True)
class Param:
    """One parameter of an operation.

    ``name`` is the Python name; ``wire`` the name on the wire when it differs (a path
    placeholder, a query key or a form field). A ``form`` parameter is a text field of a
    ``multipart/form-data`` body whose file is the ``file`` parameter.
    """

    name: str
    location: Location
    type: type = str
    required: bool = True
    uuid: bool = False
    default: object = None
    wire: str = ""

    @property
    def key(self) -> str:
        """The parameter's name on the wire."""
        return self.wire or self.name


@dataclass(frozen=True)
class Operation(Generic[R_co]):
    """One Esper API call: ``method`` ``path`` with ``params``, answering ``returns``.

    ``Operation[Device]`` answers a ``Device``; ``Operation[None]`` answers no body.
    ``returns`` is the payload: the whole body, or with ``envelope="content"`` the
    ``content`` of a ``{code, message, content}`` body. ``paging`` says how a list pages
    (its page then reads as ``count``, ``next``, ``previous``, ``results``), ``media``
    whether the body is JSON or text, and ``errors`` the documented error bodies by
    status (``0`` for the spec's ``default``).
    """

    name: str
    method: str
    path: str
    summary: str
    params: tuple[Param, ...]
    returns: type[R_co]
    status: int
    envelope: Envelope = "bare"
    paging: Paging = "none"
    media: Media = "json"
    errors: tuple[tuple[int, type[Any]], ...] = ()
    positional: tuple[str, ...] = field(init=False)
    by_name: dict[str, Param] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        positional = tuple(p.name for p in self.params if p.required)
        object.__setattr__(self, "positional", positional)
        object.__setattr__(self, "by_name", {p.name: p for p in self.params})

    def in_(self, location: Location) -> tuple[Param, ...]:
        """The parameters that travel in ``location``."""
        return tuple(p for p in self.params if p.location == location)

    def with_query(self, *names: str, type_: type = int) -> Operation[R_co]:
        """This operation, sending the query parameters ``names`` too where it does not
        declare them (a list pages by ``limit``/``offset`` whether or not its spec says)."""
        missing = tuple(
            Param(name, "query", type_, required=False)
            for name in names
            if name not in self.by_name
        )
        return dataclasses.replace(self, params=self.params + missing) if missing else self


def one_of(*members: type[M]) -> type[M]:
    """The answer type of an operation answering any one of ``members`` (models told
    apart by a tag): ``one_of(A, B)`` is ``A | B``, typed as ``Operation`` takes it."""
    return functools.reduce(operator.or_, members)


def _path(name: str, type_: type = str, *, uuid: bool = False) -> Param:
    return Param(name, "path", type_, uuid=uuid)


def _query(
    name: str,
    type_: type = str,
    *,
    uuid: bool = False,
    required: bool = False,
    default: object = None,
) -> Param:
    return Param(name, "query", type_, required=required, uuid=uuid, default=default)


def _body(name: str, model: type[Model], required: bool = True) -> Param:
    return Param(name, "body", model, required=required)


def _file(name: str) -> Param:
    return Param(name, "file", bytes)


# ApplicationApi

DELETE_APP_VERSION = Operation(
    "delete_app_version",
    "DELETE",
    "/enterprise/{enterprise_id}/application/{application_id}/version/{version_id}/",
    "Delete app version",
    params=(
        _path("version_id", uuid=True),
        _path("application_id", uuid=True),
        _path("enterprise_id", uuid=True),
    ),
    returns=NoneType,
    status=204,
)

DELETE_APPLICATION = Operation(
    "delete_application",
    "DELETE",
    "/enterprise/{enterprise_id}/application/{application_id}/",
    "Delete an application",
    params=(
        _path("application_id", uuid=True),
        _path("enterprise_id", uuid=True),
    ),
    returns=NoneType,
    status=204,
)

GET_ALL_APPLICATIONS = Operation(
    "get_all_applications",
    "GET",
    "/enterprise/{enterprise_id}/application/",
    "List apps in enterprise",
    params=(
        _path("enterprise_id", uuid=True),
        _query("application_name"),
        _query("package_name"),
        _query("is_hidden", bool),
        _query("limit", int, default=20),
        _query("offset", int, default=0),
    ),
    returns=InlineResponse200,
    status=200,
)

GET_APP_VERSION = Operation(
    "get_app_version",
    "GET",
    "/enterprise/{enterprise_id}/application/{application_id}/version/{version_id}/",
    "Get app version information",
    params=(
        _path("version_id", uuid=True),
        _path("application_id", uuid=True),
        _path("enterprise_id", uuid=True),
        _query("legacy_format", bool),
    ),
    returns=AppVersion,
    status=200,
)

GET_APP_VERSIONS = Operation(
    "get_app_versions",
    "GET",
    "/enterprise/{enterprise_id}/application/{application_id}/version/",
    "List App versions",
    params=(
        _path("application_id", uuid=True),
        _path("enterprise_id", uuid=True),
        _query("version_code"),
        _query("build_number"),
        _query("legacy_format", bool),
        _query("limit", int, default=20),
        _query("offset", int, default=0),
    ),
    returns=InlineResponse2001,
    status=200,
)

GET_APPLICATION = Operation(
    "get_application",
    "GET",
    "/enterprise/{enterprise_id}/application/{application_id}/",
    "Get application information",
    params=(
        _path("application_id", uuid=True),
        _path("enterprise_id", uuid=True),
    ),
    returns=Application,
    status=200,
)

GET_INSTALL_DEVICES = Operation(
    "get_install_devices",
    "GET",
    "/enterprise/{enterprise_id}/application/{application_id}/version/{version_id}/installdevices",
    "List install devices",
    params=(
        _path("version_id", uuid=True),
        _path("application_id", uuid=True),
        _path("enterprise_id", uuid=True),
        _query("search"),
        _query("limit", int),
        _query("offset", int),
    ),
    returns=InlineResponse2002,
    status=200,
)

UPLOAD = Operation(
    "upload",
    "POST",
    "/enterprise/{enterprise_id}/application/upload/",
    "Upload an application to enterprise",
    params=(
        _path("enterprise_id", uuid=True),
        _file("app_file"),
    ),
    returns=InlineResponse201,
    status=201,
)

# CommandsApi

GET_COMMAND = Operation(
    "get_command",
    "GET",
    "/enterprise/{enterprise_id}/device/{device_id}/command/{command_id}/",
    "Get command status",
    params=(
        _path("command_id", uuid=True),
        _path("device_id", uuid=True),
        _path("enterprise_id", uuid=True),
    ),
    returns=DeviceCommand,
    status=200,
)

RUN_COMMAND = Operation(
    "run_command",
    "POST",
    "/enterprise/{enterprise_id}/device/{device_id}/command/",
    "Run commands on device",
    params=(
        _path("enterprise_id", uuid=True),
        _path("device_id", uuid=True),
        _body("command", CommandRequest),
    ),
    returns=DeviceCommand,
    status=200,
)

# CommandsV2Api

CREATE_COMMAND = Operation(
    "create_command",
    "POST",
    "/v0/enterprise/{enterprise_id}/command/",
    "Create a command request",
    params=(
        _path("enterprise_id", uuid=True),
        _body("request", V0CommandRequest),
    ),
    returns=V0CommandRequest,
    status=201,
)

GET_COMMAND_REQUEST_STATUS = Operation(
    "get_command_request_status",
    "GET",
    "/v0/enterprise/{enterprise_id}/command/{request_id}/status/",
    "get status list for command request",
    params=(
        _path("enterprise_id", uuid=True),
        _path("request_id", uuid=True),
        _query("device"),
        _query("state"),
    ),
    returns=InlineResponse20010,
    status=200,
)

GET_DEVICE_COMMAND_HISTORY = Operation(
    "get_device_command_history",
    "GET",
    "/v0/enterprise/{enterprise_id}/device/{device_id}/command-history/",
    "get command history for device",
    params=(
        _path("enterprise_id", uuid=True),
        _path("device_id", uuid=True),
        _query("state"),
    ),
    returns=InlineResponse20010,
    status=200,
)

LIST_COMMAND_REQUEST = Operation(
    "list_command_request",
    "GET",
    "/v0/enterprise/{enterprise_id}/command/",
    "List command requests",
    params=(
        _path("enterprise_id", uuid=True),
        _query("command_type"),
        _query("devices"),
        _query("device_type"),
        _query("command"),
        _query("issued_by"),
    ),
    returns=InlineResponse2009,
    status=200,
)

# ContentApi

DELETE_CONTENT = Operation(
    "delete_content",
    "DELETE",
    "/v0/enterprise/{enterprise_id}/content/{content_id}/",
    "Delete Content",
    params=(
        _path("content_id", uuid=True),
        _path("enterprise_id", uuid=True),
    ),
    returns=NoneType,
    status=204,
)

GET_ALL_CONTENT = Operation(
    "get_all_content",
    "GET",
    "/v0/enterprise/{enterprise_id}/content/",
    "List content in the enterprise",
    params=(
        _path("enterprise_id", uuid=True),
        _query("search"),
        _query("limit", int, default=20),
        _query("offset", int, default=0),
    ),
    returns=InlineResponse20011,
    status=200,
)

GET_CONTENT = Operation(
    "get_content",
    "GET",
    "/v0/enterprise/{enterprise_id}/content/{content_id}/",
    "Get content information",
    params=(
        _path("content_id", uuid=True),
        _path("enterprise_id", uuid=True),
    ),
    returns=Content,
    status=200,
)

PATCH_CONTENT = Operation(
    "patch_content",
    "PATCH",
    "/v0/enterprise/{enterprise_id}/content/{content_id}/",
    "Patch a content instance",
    params=(
        _path("content_id", uuid=True),
        _path("enterprise_id", uuid=True),
        _body("data", Data, required=False),
    ),
    returns=Content,
    status=200,
)

POST_CONTENT = Operation(
    "post_content",
    "POST",
    "/v0/enterprise/{enterprise_id}/content/upload/",
    "Upload new content",
    params=(
        _path("enterprise_id", uuid=True),
        _file("key"),
    ),
    returns=Content,
    status=200,
)

# DeviceApi

GET_ALL_DEVICES = Operation(
    "get_all_devices",
    "GET",
    "/enterprise/{enterprise_id}/device/",
    "Fetch all devices in an enterprise",
    params=(
        _path("enterprise_id", uuid=True),
        _query("name"),
        _query("group", uuid=True),
        _query("imei"),
        _query("serial"),
        _query("state", int),
        _query("brand"),
        _query("is_gms", bool),
        _query("search"),
        _query("tags"),
        _query("limit", int, default=20),
        _query("offset", int, default=0),
    ),
    returns=InlineResponse2003,
    status=200,
)

GET_APP_INSTALLS = Operation(
    "get_app_installs",
    "GET",
    "/enterprise/{enterprise_id}/device/{device_id}/install/",
    "List installed apps",
    params=(
        _path("enterprise_id", uuid=True),
        _path("device_id"),
        _query("device"),
        _query("package_name"),
        _query("application_name"),
        _query("install_state"),
        _query("limit", int, default=20),
        _query("offset", int, default=0),
    ),
    returns=InlineResponse2005,
    status=200,
)

GET_DEVICE_APP_BY_ID = Operation(
    "get_device_app_by_id",
    "GET",
    "/enterprise/{enterprise_id}/device/{device_id}/app/{app_id}/",
    "Get device app details",
    params=(
        _path("app_id", uuid=True),
        _path("enterprise_id", uuid=True),
        _path("device_id"),
    ),
    returns=DeviceApp,
    status=200,
)

GET_DEVICE_APPS = Operation(
    "get_device_apps",
    "GET",
    "/enterprise/{enterprise_id}/device/{device_id}/app/",
    "List all device apps",
    params=(
        _path("enterprise_id", uuid=True),
        _path("device_id"),
        _query("package_name"),
        _query("whitelisted"),
        _query("search"),
        _query("limit", int, default=20),
        _query("offset", int),
    ),
    returns=InlineResponse2004,
    status=200,
)

GET_DEVICE_BY_ID = Operation(
    "get_device_by_id",
    "GET",
    "/enterprise/{enterprise_id}/device/{device_id}/",
    "Fetch device details by ID",
    params=(
        _path("enterprise_id", uuid=True),
        _path("device_id", uuid=True),
    ),
    returns=Device,
    status=200,
)

GET_DEVICE_EVENT = Operation(
    "get_device_event",
    "GET",
    "/enterprise/{enterprise_id}/device/{device_id}/status/",
    "Get latest device event",
    params=(
        _path("enterprise_id", uuid=True),
        _path("device_id"),
        _query("latest_event", int, required=True),
    ),
    returns=InlineResponse2006,
    status=200,
)

# DeviceGroupApi

CREATE_GROUP = Operation(
    "create_group",
    "POST",
    "/enterprise/{enterprise_id}/devicegroup/",
    "Create a device group",
    params=(
        _path("enterprise_id", uuid=True),
        _body("data", DeviceGroupUpdate),
    ),
    returns=DeviceGroup,
    status=201,
)

DELETE_GROUP = Operation(
    "delete_group",
    "DELETE",
    "/enterprise/{enterprise_id}/devicegroup/{group_id}/",
    "Delete a device group",
    params=(
        _path("group_id", uuid=True),
        _path("enterprise_id", uuid=True),
    ),
    returns=NoneType,
    status=204,
)

GET_ALL_GROUPS = Operation(
    "get_all_groups",
    "GET",
    "/enterprise/{enterprise_id}/devicegroup/",
    "List device groups",
    params=(
        _path("enterprise_id", uuid=True),
        _query("name"),
        _query("limit", int, default=20),
        _query("offset", int, default=0),
    ),
    returns=InlineResponse2007,
    status=200,
)

GET_GROUP_BY_ID = Operation(
    "get_group_by_id",
    "GET",
    "/enterprise/{enterprise_id}/devicegroup/{group_id}/",
    "Get device group information",
    params=(
        _path("group_id", uuid=True),
        _path("enterprise_id", uuid=True),
    ),
    returns=DeviceGroup,
    status=200,
)

PARTIAL_UPDATE_GROUP = Operation(
    "partial_update_group",
    "PATCH",
    "/enterprise/{enterprise_id}/devicegroup/{group_id}/",
    "Partial update group",
    params=(
        _path("group_id", uuid=True),
        _path("enterprise_id", uuid=True),
        _body("data", DeviceGroupPartialUpdate),
        _query("action"),
    ),
    returns=DeviceGroup,
    status=200,
)

UPDATE_GROUP = Operation(
    "update_group",
    "PUT",
    "/enterprise/{enterprise_id}/devicegroup/{group_id}/",
    "Update device group",
    params=(
        _path("group_id", uuid=True),
        _path("enterprise_id", uuid=True),
        _body("data", DeviceGroupUpdate),
        _query("action"),
    ),
    returns=DeviceGroup,
    status=200,
)

# EnterpriseApi

GET_ENTERPRISE = Operation(
    "get_enterprise",
    "GET",
    "/v1/enterprise/{enterprise_id}/",
    "Get your enterprise information",
    params=(_path("enterprise_id", uuid=True),),
    returns=EnterpriseV1,
    status=200,
)

PARTIAL_UPDATE_ENTERPRISE = Operation(
    "partial_update_enterprise",
    "PATCH",
    "/v1/enterprise/{enterprise_id}/",
    "Partial update enterprise information",
    params=(
        _path("enterprise_id", uuid=True),
        _body("data", EnterpriseUpdateV1),
    ),
    returns=EnterpriseV1,
    status=200,
)

# EnterprisePolicyApi

CREATE_POLICY = Operation(
    "create_policy",
    "POST",
    "/enterprise/{enterprise_id}/policy/",
    "Create a new Enterprise Policy",
    params=(
        _path("enterprise_id", uuid=True),
        _body("request", EnterprisePolicy),
    ),
    returns=EnterprisePolicy,
    status=201,
)

DELETE_ENTERPRISE_POLICY = Operation(
    "delete_enterprise_policy",
    "DELETE",
    "/enterprise/{enterprise_id}/policy/{policy_id}/",
    "Delete a Enterprise Policy",
    params=(
        _path("policy_id", int),
        _path("enterprise_id", uuid=True),
    ),
    returns=NoneType,
    status=204,
)

GET_POLICY_BY_ID = Operation(
    "get_policy_by_id",
    "GET",
    "/enterprise/{enterprise_id}/policy/{policy_id}/",
    "Get Enterprise Policy",
    params=(
        _path("policy_id", int),
        _path("enterprise_id", uuid=True),
    ),
    returns=EnterprisePolicy,
    status=200,
)

LIST_POLICIES = Operation(
    "list_policies",
    "GET",
    "/enterprise/{enterprise_id}/policy/",
    "List all policies in enterprise",
    params=(
        _path("enterprise_id", uuid=True),
        _query("name"),
        _query("is_active", bool),
        _query("limit", int, default=20),
        _query("offset", int, default=0),
    ),
    returns=InlineResponse2008,
    status=200,
)

PARTIALUPDATE_POLICY = Operation(
    "partialupdate_policy",
    "PATCH",
    "/enterprise/{enterprise_id}/policy/{policy_id}/",
    "Partial update EnterprisePolicy",
    params=(
        _path("policy_id", int),
        _path("enterprise_id", uuid=True),
        _body("data", EnterprisePolicyPartialUpdate),
    ),
    returns=EnterprisePolicy,
    status=200,
)

UPDATE_POLICY = Operation(
    "update_policy",
    "PUT",
    "/enterprise/{enterprise_id}/policy/{policy_id}/",
    "Update Enterprise Policy",
    params=(
        _path("policy_id", int),
        _path("enterprise_id", uuid=True),
        _body("data", EnterprisePolicy),
    ),
    returns=EnterprisePolicy,
    status=200,
)

# GeofenceApi

CREATE_GEOFENCE = Operation(
    "create_geofence",
    "POST",
    "/v0/enterprise/{enterprise_id}/geofence/",
    "Create a geofence",
    params=(
        _body("data", Geofence),
        _path("enterprise_id", uuid=True),
    ),
    returns=Geofence,
    status=201,
)

DELETE_GEOFENCE = Operation(
    "delete_geofence",
    "DELETE",
    "/v0/enterprise/{enterprise_id}/geofence/{geofence_id}/",
    "Delete a geofence",
    params=(
        _path("geofence_id", uuid=True),
        _path("enterprise_id", uuid=True),
    ),
    returns=NoneType,
    status=204,
)

GET_ALL_GEOFENCES = Operation(
    "get_all_geofences",
    "GET",
    "/v0/enterprise/{enterprise_id}/geofence/",
    "List Geofences in Enterprise",
    params=(
        _path("enterprise_id", uuid=True),
        _query("search"),
        _query("limit", int),
        _query("offset", int),
    ),
    returns=InlineResponse20012,
    status=200,
)

GET_GEOFENCE = Operation(
    "get_geofence",
    "GET",
    "/v0/enterprise/{enterprise_id}/geofence/{geofence_id}/",
    "Get geofence information",
    params=(
        _path("geofence_id", uuid=True),
        _path("enterprise_id", uuid=True),
    ),
    returns=Geofence,
    status=200,
)

PARTIAL_UPDATE_GEOFENCE = Operation(
    "partial_update_geofence",
    "PATCH",
    "/v0/enterprise/{enterprise_id}/geofence/{geofence_id}/",
    "Partially updates geofence information",
    params=(
        _path("geofence_id", uuid=True),
        _path("enterprise_id", uuid=True),
        _body("data", GeofenceUpdate),
    ),
    returns=Geofence,
    status=200,
)

UPDATE_GEOFENCE = Operation(
    "update_geofence",
    "PUT",
    "/v0/enterprise/{enterprise_id}/geofence/{geofence_id}/",
    "Update geofence information",
    params=(
        _path("geofence_id", uuid=True),
        _path("enterprise_id", uuid=True),
        _body("data", Geofence),
    ),
    returns=Geofence,
    status=200,
)

# GroupCommandsApi

GET_GROUP_COMMAND = Operation(
    "get_group_command",
    "GET",
    "/enterprise/{enterprise_id}/devicegroup/{group_id}/command/{command_id}/",
    "Get group command status",
    params=(
        _path("command_id", uuid=True),
        _path("group_id", uuid=True),
        _path("enterprise_id", uuid=True),
    ),
    returns=GroupCommand,
    status=200,
)

RUN_GROUP_COMMAND = Operation(
    "run_group_command",
    "POST",
    "/enterprise/{enterprise_id}/devicegroup/{group_id}/command/",
    "Run commands on group devices",
    params=(
        _path("enterprise_id", uuid=True),
        _path("group_id", uuid=True),
        _body("data", GroupCommandRequest),
    ),
    returns=GroupCommand,
    status=201,
)

# SubscriptionApi

CREATE_SUBSCRIPTION = Operation(
    "create_subscription",
    "POST",
    "/v0/enterprise/{enterprise_id}/subscription/",
    "Create a Subscription",
    params=(
        _body("data", EventSubscriptionArgs),
        _path("enterprise_id", uuid=True),
    ),
    returns=EventSubscription,
    status=201,
)

DELETE_SUBSCRIPTION = Operation(
    "delete_subscription",
    "DELETE",
    "/v0/enterprise/{enterprise_id}/subscription/{subscription_id}/",
    "Delete a subscription",
    params=(
        _path("subscription_id", uuid=True),
        _path("enterprise_id", uuid=True),
    ),
    returns=NoneType,
    status=204,
)

GET_ALL_SUBSCRIPTIONS = Operation(
    "get_all_subscriptions",
    "GET",
    "/v0/enterprise/{enterprise_id}/subscription/",
    "List Subscriptions in Enterprise",
    params=(
        _path("enterprise_id", uuid=True),
        _query("limit", int),
        _query("offset", int),
    ),
    returns=InlineResponse20013,
    status=200,
)

GET_SUBSCRIPTION = Operation(
    "get_subscription",
    "GET",
    "/v0/enterprise/{enterprise_id}/subscription/{subscription_id}/",
    "Get subscription information",
    params=(
        _path("subscription_id", uuid=True),
        _path("enterprise_id", uuid=True),
    ),
    returns=EventSubscription,
    status=200,
)

# TokenApi

GET_TOKEN_INFO = Operation(
    "get_token_info",
    "GET",
    "/v1/token-info/",
    "Token Information",
    params=(),
    returns=TokenInfoV1,
    status=200,
)

RENEW_TOKEN = Operation(
    "renew_token",
    "POST",
    "/v0/enterprise/{enterprise_id}/developerapp/{developerapp_id}/renew-token/",
    "Renew Token",
    params=(
        _path("enterprise_id", uuid=True),
        _path("developerapp_id", uuid=True),
        _query("access_token", required=True),
    ),
    returns=TokenRenewV0,
    status=201,
)

ALL_OPERATIONS: tuple[Operation[Any], ...] = (
    DELETE_APP_VERSION,
    DELETE_APPLICATION,
    GET_ALL_APPLICATIONS,
    GET_APP_VERSION,
    GET_APP_VERSIONS,
    GET_APPLICATION,
    GET_INSTALL_DEVICES,
    UPLOAD,
    GET_COMMAND,
    RUN_COMMAND,
    CREATE_COMMAND,
    GET_COMMAND_REQUEST_STATUS,
    GET_DEVICE_COMMAND_HISTORY,
    LIST_COMMAND_REQUEST,
    DELETE_CONTENT,
    GET_ALL_CONTENT,
    GET_CONTENT,
    PATCH_CONTENT,
    POST_CONTENT,
    GET_ALL_DEVICES,
    GET_APP_INSTALLS,
    GET_DEVICE_APP_BY_ID,
    GET_DEVICE_APPS,
    GET_DEVICE_BY_ID,
    GET_DEVICE_EVENT,
    CREATE_GROUP,
    DELETE_GROUP,
    GET_ALL_GROUPS,
    GET_GROUP_BY_ID,
    PARTIAL_UPDATE_GROUP,
    UPDATE_GROUP,
    GET_ENTERPRISE,
    PARTIAL_UPDATE_ENTERPRISE,
    CREATE_POLICY,
    DELETE_ENTERPRISE_POLICY,
    GET_POLICY_BY_ID,
    LIST_POLICIES,
    PARTIALUPDATE_POLICY,
    UPDATE_POLICY,
    CREATE_GEOFENCE,
    DELETE_GEOFENCE,
    GET_ALL_GEOFENCES,
    GET_GEOFENCE,
    PARTIAL_UPDATE_GEOFENCE,
    UPDATE_GEOFENCE,
    GET_GROUP_COMMAND,
    RUN_GROUP_COMMAND,
    CREATE_SUBSCRIPTION,
    DELETE_SUBSCRIPTION,
    GET_ALL_SUBSCRIPTIONS,
    GET_SUBSCRIPTION,
    GET_TOKEN_INFO,
    RENEW_TOKEN,
)
"""Every operation, in the order of its API class and method name."""

OPERATIONS: dict[str, Operation[Any]] = {op.name: op for op in ALL_OPERATIONS}
"""Every operation by its esperclient 0.1.3 method name."""
