"""The resources of the idiomatic async client: one class per area of the API.

Each method is one line of intent over an operation of ``esperclient._operations``;
lists return lazy paginators. This module is the source of the sync resources.
"""

from __future__ import annotations

import builtins
import time
from collections.abc import Callable, Sequence
from typing import Any, Protocol, TypeVar

from esperclient import _operations as ops
from esperclient._async._bulk_run import AsyncBulkRun
from esperclient._async._command_api import AsyncCommandApi
from esperclient._async._pagination import AsyncPaginator
from esperclient._async._polling import poll_until
from esperclient._async._resource import PAGE_SIZE, AsyncResource
from esperclient._bulk import (
    BulkProgressCallback,
    BulkReport,
    Progress,
    ProgressTracker,
    is_final,
    pick_via,
)
from esperclient._concurrency import AsyncReader
from esperclient._exceptions import (
    ApiException,
    CommandFailedError,
    NotFoundError,
)
from esperclient._multipart import FileInput
from esperclient.models import (
    AppInstall,
    Application,
    AppVersion,
    CommandArgs,
    CommandRequest,
    CommandState,
    Content,
    Data,
    Device,
    DeviceApp,
    DeviceCommand,
    DeviceGroup,
    DeviceGroupPartialUpdate,
    DeviceStatus,
    EnterprisePolicy,
    EnterprisePolicyPartialUpdate,
    EnterpriseUpdateV1,
    EnterpriseV1,
    EventSubscription,
    EventSubscriptionArgs,
    Geofence,
    GeofenceUpdate,
    GroupCommand,
    GroupCommandArgs,
    GroupCommandRequest,
    InstallDevices,
    TokenInfoV1,
    TokenRenewV0,
    V0CommandRequest,
    V0CommandStatus,
    id_from_url,
)

T = TypeVar("T")


class _Command(Protocol):
    state: str | None
    details: str | None


C = TypeVar("C", bound=_Command)


async def _until_success(
    read: AsyncReader[C],
    sent: C,
    what: str,
    *,
    timeout: float,
    poll_interval: float,
    on_poll: Callable[[C], None] | None,
) -> C:
    """``sent`` read again until final; it if it succeeded, else ``CommandFailedError``."""
    current = await poll_until(
        read,
        lambda command: is_final(command.state),
        first=sent,
        timeout=timeout,
        poll_interval=poll_interval,
        describe=lambda last: f"{what} still {last.state!r} after {timeout} s",
        on_poll=on_poll,
    )
    if current.state != CommandState.SUCCESS:
        raise CommandFailedError(
            f"{what} ended {current.state!r}: {current.details or ''}", current
        )
    return current


class AsyncDevices(AsyncResource):
    """The enterprise's devices, their apps, installs and status events."""

    def list(
        self,
        *,
        name: str | None = None,
        group: str | None = None,
        imei: str | None = None,
        serial: str | None = None,
        state: int | None = None,
        brand: str | None = None,
        is_gms: bool | None = None,
        search: str | None = None,
        tags: str | None = None,
        page_size: int = PAGE_SIZE,
        prefetch: int = 0,
    ) -> AsyncPaginator[Device]:
        """Devices matching the filters, fetched lazily page by page."""
        return self._paged(
            ops.GET_ALL_DEVICES,
            page_size,
            prefetch,
            name=name,
            group=group,
            imei=imei,
            serial=serial,
            state=state,
            brand=brand,
            is_gms=is_gms,
            search=search,
            tags=tags,
        )

    async def get(self, device_id: str) -> Device:
        """One device."""
        return await self._client.call(ops.GET_DEVICE_BY_ID, device_id=device_id)

    async def get_by_name(self, name: str) -> Device:
        """The device called exactly ``name``; ``NotFoundError`` when there is none."""
        found = await self.list(name=name, page_size=1).first()
        if found is None:
            raise NotFoundError(status=404, reason=f"No device named {name!r}.")
        return found

    def apps(
        self,
        device_id: str,
        *,
        package_name: str | None = None,
        whitelisted: bool | None = None,
        search: str | None = None,
        page_size: int = PAGE_SIZE,
        prefetch: int = 0,
    ) -> AsyncPaginator[DeviceApp]:
        """The apps on a device."""
        flag = None if whitelisted is None else str(whitelisted).lower()
        return self._paged(
            ops.GET_DEVICE_APPS,
            page_size,
            prefetch,
            device_id=device_id,
            package_name=package_name,
            whitelisted=flag,
            search=search,
        )

    async def app(self, device_id: str, app_id: str) -> DeviceApp:
        """One app on a device."""
        return await self._client.call(ops.GET_DEVICE_APP_BY_ID, device_id=device_id, app_id=app_id)

    def installs(
        self,
        device_id: str,
        *,
        package_name: str | None = None,
        application_name: str | None = None,
        install_state: str | None = None,
        page_size: int = PAGE_SIZE,
        prefetch: int = 0,
    ) -> AsyncPaginator[AppInstall]:
        """The install and uninstall records of a device."""
        return self._paged(
            ops.GET_APP_INSTALLS,
            page_size,
            prefetch,
            device_id=device_id,
            package_name=package_name,
            application_name=application_name,
            install_state=install_state,
        )

    async def events(self, device_id: str, *, latest: bool = False) -> builtins.list[DeviceStatus]:
        """A device's status events, newest first (only the newest with ``latest``)."""
        page = await self._client.call(
            ops.GET_DEVICE_EVENT, device_id=device_id, latest_event=int(latest)
        )
        return list(page.results or [])


class AsyncApplications(AsyncResource):
    """The enterprise's applications and their versions."""

    def list(
        self,
        *,
        application_name: str | None = None,
        package_name: str | None = None,
        is_hidden: bool | None = None,
        page_size: int = PAGE_SIZE,
        prefetch: int = 0,
    ) -> AsyncPaginator[Application]:
        """Applications matching the filters."""
        return self._paged(
            ops.GET_ALL_APPLICATIONS,
            page_size,
            prefetch,
            application_name=application_name,
            package_name=package_name,
            is_hidden=is_hidden,
        )

    async def get(self, application_id: str) -> Application:
        """One application, with a summary of its versions."""
        return await self._client.call(ops.GET_APPLICATION, application_id=application_id)

    async def upload(self, file: FileInput, *, on_progress: Progress | None = None) -> Application:
        """Upload an APK (a path or an open binary file), streamed; the new application.

        ``on_progress(sent, total)`` is called as the bytes go out.
        """
        answer = await self._client.call(ops.UPLOAD, app_file=file, on_progress=on_progress)
        if answer.application is None:
            raise ApiException(status=0, reason="The upload's answer names no application")
        return answer.application

    async def delete(self, application_id: str) -> None:
        """Delete an application and all its versions."""
        await self._client.call(ops.DELETE_APPLICATION, application_id=application_id)

    def versions(
        self,
        application_id: str,
        *,
        version_code: str | None = None,
        build_number: str | None = None,
        page_size: int = PAGE_SIZE,
        prefetch: int = 0,
    ) -> AsyncPaginator[AppVersion]:
        """The versions of an application."""
        return self._paged(
            ops.GET_APP_VERSIONS,
            page_size,
            prefetch,
            application_id=application_id,
            version_code=version_code,
            build_number=build_number,
        )

    async def version(self, application_id: str, version_id: str) -> AppVersion:
        """One version of an application."""
        return await self._client.call(
            ops.GET_APP_VERSION, application_id=application_id, version_id=version_id
        )

    async def delete_version(self, application_id: str, version_id: str) -> None:
        """Delete one version of an application."""
        await self._client.call(
            ops.DELETE_APP_VERSION, application_id=application_id, version_id=version_id
        )

    def install_devices(
        self,
        application_id: str,
        version_id: str,
        *,
        search: str | None = None,
        page_size: int = PAGE_SIZE,
        prefetch: int = 0,
    ) -> AsyncPaginator[InstallDevices]:
        """The devices that have a version installed."""
        return self._paged(
            ops.GET_INSTALL_DEVICES,
            page_size,
            prefetch,
            application_id=application_id,
            version_id=version_id,
            search=search,
        )


class AsyncCommands(AsyncResource):
    """Commands to devices: run one, follow it, or run one on many devices."""

    async def run(self, device_id: str, command: str, **command_args: Any) -> DeviceCommand:
        """Send ``command`` (e.g. ``"REBOOT"``) to a device, with ``CommandArgs`` fields."""
        args = CommandArgs(**command_args) if command_args else None
        request = CommandRequest(command=command, command_args=args)
        return await self._client.call(ops.RUN_COMMAND, device_id=device_id, command=request)

    async def get(self, device_id: str, command_id: str) -> DeviceCommand:
        """A command's current state."""
        return await self._client.call(ops.GET_COMMAND, device_id=device_id, command_id=command_id)

    async def wait(
        self,
        command: DeviceCommand,
        *,
        timeout: float = 120.0,
        poll_interval: float = 1.0,
        on_poll: Callable[[DeviceCommand], None] | None = None,
    ) -> DeviceCommand:
        """Poll until ``command`` reaches a final state; it, if that state is success.

        ``CommandFailedError`` for another final state, ``WaitTimeoutError`` after
        ``timeout`` seconds; both carry the last state read in ``last``. ``on_poll`` is
        called with each command read that is not final yet.
        """
        device_id = id_from_url(command.device) or ""
        return await _until_success(
            lambda: self.get(device_id, str(command.id)),
            command,
            f"command {command.id}",
            timeout=timeout,
            poll_interval=poll_interval,
            on_poll=on_poll,
        )

    async def run_many(
        self,
        device_ids: Sequence[str],
        command: str,
        *,
        concurrency: int = 16,
        wait: bool = True,
        timeout: float = 300.0,
        poll_interval: float = 1.0,
        on_progress: BulkProgressCallback | None = None,
        via: str = "auto",
        **command_args: Any,
    ) -> BulkReport:
        """Run ``command`` on every device; one outcome per device, in the order given.

        ``via="commands"`` sends Commands API requests of up to 1,000 devices each (the
        API's limit) and follows each device's status in them: the fewest requests for
        large fleets, and any of its 50 commands (``ApiCommand.ALL``), with
        ``command_args`` by their wire names; a device whose platform does not carry the
        command out gets none and is an ``error``. ``via="device"`` sends one command
        per device, ``concurrency`` at a time; ``via="v0"`` sends v0 command requests of
        up to 500 devices each. ``"auto"`` picks the Commands API for a command it
        knows when there are more devices than ``concurrency``, or when only it knows
        the command; otherwise (a small run) one command per device. v0 is used only
        when asked for. A device whose command could not be sent is an ``error`` (no
        command is sent twice unless it provably did not arrive: a request refused as
        invalid goes device by device when the device API takes the command). With
        ``wait``, commands are polled in rounds until all are final or ``timeout`` has
        passed (by device, each ``poll_interval`` after it was last read, or sent);
        those still running stay ``pending``.

        ``on_progress(progress)`` gets a ``BulkProgress`` each time a device's command
        is sent and each time one finishes, so ``sent`` and ``finished`` each go up one
        at a time (calls never overlap); devices still pending at the end are sent but
        not finished.
        """
        ids = builtins.list(device_ids)
        deadline = time.monotonic() + timeout
        bulk = AsyncBulkRun(
            self,
            AsyncCommandRequests(self._client),
            AsyncCommandApi(self._client),
            command,
            command_args,
            concurrency=concurrency,
            poll_interval=poll_interval,
            tracker=ProgressTracker(len(ids), on_progress),
        )
        runs = {"commands": bulk.by_api, "v0": bulk.by_request, "device": bulk.by_device}
        if via not in (*runs, "auto"):
            raise ValueError(f"via must be one of auto, {', '.join(runs)}: not {via!r}")
        chosen = pick_via(command, len(ids), concurrency) if via == "auto" else via
        outcomes = await runs[chosen](ids, wait=wait, deadline=deadline)
        return BulkReport(command, outcomes)


class AsyncCommandRequests(AsyncResource):
    """Command requests (v0): one command to many devices or groups."""

    async def create(
        self,
        command: str,
        *,
        devices: Sequence[str] | None = None,
        groups: Sequence[str] | None = None,
        command_type: str | None = None,
        device_type: str = "active",
        command_args: dict[str, Any] | None = None,
        schedule: str = "IMMEDIATE",
        schedule_args: dict[str, Any] | None = None,
    ) -> V0CommandRequest:
        """Send ``command`` to ``devices`` or ``groups`` (or, with neither, the enterprise)."""
        kind = command_type or ("DEVICE" if devices else "GROUP" if groups else "DYNAMIC")
        body = {
            "command_type": kind,
            "devices": list(devices or []),
            "groups": list(groups or []),
            "device_type": device_type,
            "command": command,
            "command_args": command_args or {},
            "schedule": schedule,
            **({"schedule_args": schedule_args} if schedule_args else {}),
        }
        return await self._client.call(ops.CREATE_COMMAND, request=body)

    async def list(
        self,
        *,
        command_type: str | None = None,
        devices: Sequence[str] | None = None,
        device_type: str | None = None,
        command: str | None = None,
        issued_by: str | None = None,
    ) -> builtins.list[V0CommandRequest]:
        """Command requests matching the filters."""
        page = await self._client.call(
            ops.LIST_COMMAND_REQUEST,
            command_type=command_type,
            devices=",".join(devices) if devices else None,
            device_type=device_type,
            command=command,
            issued_by=issued_by,
        )
        return list(page.results or [])

    async def statuses(
        self, request_id: str, *, device: str | None = None, state: str | None = None
    ) -> builtins.list[V0CommandStatus]:
        """The per-device states of a command request."""
        page = await self._client.call(
            ops.GET_COMMAND_REQUEST_STATUS, request_id=request_id, device=device, state=state
        )
        return list(page.results or [])

    async def history(
        self, device_id: str, *, state: str | None = None
    ) -> builtins.list[V0CommandStatus]:
        """Every command request state of one device."""
        page = await self._client.call(
            ops.GET_DEVICE_COMMAND_HISTORY, device_id=device_id, state=state
        )
        return list(page.results or [])

    async def wait(
        self,
        request: V0CommandRequest,
        *,
        timeout: float = 300.0,
        poll_interval: float = 1.0,
        on_poll: Callable[[builtins.list[V0CommandStatus]], None] | None = None,
    ) -> builtins.list[V0CommandStatus]:
        """Poll until every device of ``request`` is final; their statuses.

        ``WaitTimeoutError`` after ``timeout`` seconds, with the last statuses in ``last``.
        ``on_poll`` is called with each read of the statuses before all are final.
        """
        return await poll_until(
            lambda: self.statuses(str(request.id)),
            lambda statuses: all(is_final(s.state) for s in statuses),
            timeout=timeout,
            poll_interval=poll_interval,
            describe=lambda _: f"request {request.id} not final after {timeout} s",
            on_poll=on_poll,
        )


class AsyncGroups(AsyncResource):
    """Device groups and their members."""

    def list(
        self, *, name: str | None = None, page_size: int = PAGE_SIZE, prefetch: int = 0
    ) -> AsyncPaginator[DeviceGroup]:
        """Groups, optionally only the one called ``name``."""
        return self._paged(ops.GET_ALL_GROUPS, page_size, prefetch, name=name)

    async def get(self, group_id: str) -> DeviceGroup:
        """One group."""
        return await self._client.call(ops.GET_GROUP_BY_ID, group_id=group_id)

    async def get_by_name(self, name: str) -> DeviceGroup:
        """The group called exactly ``name``; ``NotFoundError`` when there is none."""
        found = await self.list(name=name, page_size=1).first()
        if found is None:
            raise NotFoundError(status=404, reason=f"No group named {name!r}.")
        return found

    async def create(self, name: str, *, parent: str | None = None) -> DeviceGroup:
        """A new, empty group (under ``parent``, a group id, if given)."""
        return await self._client.call(ops.CREATE_GROUP, data=DeviceGroup(name=name, parent=parent))

    async def update(
        self, group_id: str, *, name: str | None = None, device_ids: Sequence[str] | None = None
    ) -> DeviceGroup:
        """Rename a group and/or set its members to exactly ``device_ids``."""
        change = DeviceGroupPartialUpdate(
            name=name, device_ids=None if device_ids is None else list(device_ids)
        )
        return await self._client.call(ops.PARTIAL_UPDATE_GROUP, group_id=group_id, data=change)

    async def add_devices(self, group_id: str, device_ids: Sequence[str]) -> DeviceGroup:
        """Add devices to a group; each leaves its current group (a device is in one group)."""
        return await self._members(group_id, device_ids, "add")

    async def remove_devices(self, group_id: str, device_ids: Sequence[str]) -> DeviceGroup:
        """Take devices out of a group; they go back to its parent group."""
        return await self._members(group_id, device_ids, "remove")

    async def _members(self, group_id: str, device_ids: Sequence[str], action: str) -> DeviceGroup:
        change = DeviceGroupPartialUpdate(device_ids=list(device_ids))
        return await self._client.call(
            ops.PARTIAL_UPDATE_GROUP, group_id=group_id, data=change, action=action
        )

    async def delete(self, group_id: str) -> None:
        """Delete a group; its devices become ungrouped."""
        await self._client.call(ops.DELETE_GROUP, group_id=group_id)


class AsyncGroupCommands(AsyncResource):
    """Commands to every device of a group."""

    async def run(
        self, group_id: str, command: str, *, app_version: str | None = None
    ) -> GroupCommand:
        """Send ``command`` (REBOOT, LOCK, INSTALL, UPDATE_HEARTBEAT) to a group."""
        args = GroupCommandArgs(app_version=app_version) if app_version else None
        request = GroupCommandRequest(command=command, command_args=args)
        return await self._client.call(ops.RUN_GROUP_COMMAND, group_id=group_id, data=request)

    async def get(self, group_id: str, command_id: str) -> GroupCommand:
        """A group command and its overall state."""
        return await self._client.call(
            ops.GET_GROUP_COMMAND, group_id=group_id, command_id=command_id
        )

    async def wait(
        self,
        command: GroupCommand,
        *,
        timeout: float = 300.0,
        poll_interval: float = 1.0,
        on_poll: Callable[[GroupCommand], None] | None = None,
    ) -> GroupCommand:
        """Poll until a group command is final; as ``AsyncCommands.wait``."""
        group_id = id_from_url(command.group) or ""
        return await _until_success(
            lambda: self.get(group_id, str(command.id)),
            command,
            f"group command {command.id}",
            timeout=timeout,
            poll_interval=poll_interval,
            on_poll=on_poll,
        )


class AsyncEnterprise(AsyncResource):
    """The enterprise itself."""

    async def get(self) -> EnterpriseV1:
        """The enterprise's details."""
        return await self._client.call(ops.GET_ENTERPRISE)

    async def update(self, **fields: Any) -> EnterpriseV1:
        """Change some of the enterprise's details (``name``, ``contact_email``...)."""
        return await self._client.call(
            ops.PARTIAL_UPDATE_ENTERPRISE, data=EnterpriseUpdateV1(**fields)
        )


class AsyncPolicies(AsyncResource):
    """Enterprise policies."""

    def list(
        self,
        *,
        name: str | None = None,
        is_active: bool | None = None,
        page_size: int = PAGE_SIZE,
        prefetch: int = 0,
    ) -> AsyncPaginator[EnterprisePolicy]:
        """Policies matching the filters."""
        return self._paged(ops.LIST_POLICIES, page_size, prefetch, name=name, is_active=is_active)

    async def get(self, policy_id: int) -> EnterprisePolicy:
        """One policy."""
        return await self._client.call(ops.GET_POLICY_BY_ID, policy_id=policy_id)

    async def create(self, name: str, policy: Any, **fields: Any) -> EnterprisePolicy:
        """A new policy; ``policy`` is an ``EnterprisePolicyData`` or a dict of it."""
        body = EnterprisePolicy.construct(name=name, policy=policy, **fields)  # API sets enterprise
        return await self._client.call(ops.CREATE_POLICY, request=body)

    async def update(self, policy_id: int, **fields: Any) -> EnterprisePolicy:
        """Change some fields of a policy."""
        return await self._client.call(
            ops.PARTIALUPDATE_POLICY,
            policy_id=policy_id,
            data=EnterprisePolicyPartialUpdate(**fields),
        )

    async def delete(self, policy_id: int) -> None:
        """Delete a policy."""
        await self._client.call(ops.DELETE_ENTERPRISE_POLICY, policy_id=policy_id)


class AsyncGeofences(AsyncResource):
    """Geofences."""

    def list(
        self, *, search: str | None = None, page_size: int = PAGE_SIZE, prefetch: int = 0
    ) -> AsyncPaginator[Geofence]:
        """Geofences, optionally matching ``search``."""
        return self._paged(ops.GET_ALL_GEOFENCES, page_size, prefetch, search=search)

    async def get(self, geofence_id: str) -> Geofence:
        """One geofence."""
        return await self._client.call(ops.GET_GEOFENCE, geofence_id=geofence_id)

    async def create(self, name: str, latitude: str, longitude: str, **fields: Any) -> Geofence:
        """A new geofence (``radius``, ``radius_unit``, ``device_actions``... optional)."""
        body = Geofence(name=name, latitude=latitude, longitude=longitude, **fields)
        return await self._client.call(ops.CREATE_GEOFENCE, data=body)

    async def update(self, geofence_id: str, **fields: Any) -> Geofence:
        """Change some fields of a geofence."""
        return await self._client.call(
            ops.PARTIAL_UPDATE_GEOFENCE, geofence_id=geofence_id, data=GeofenceUpdate(**fields)
        )

    async def delete(self, geofence_id: str) -> None:
        """Delete a geofence."""
        await self._client.call(ops.DELETE_GEOFENCE, geofence_id=geofence_id)


class AsyncSubscriptions(AsyncResource):
    """Event subscriptions (to an AWS account's SNS)."""

    def list(
        self, *, page_size: int = PAGE_SIZE, prefetch: int = 0
    ) -> AsyncPaginator[EventSubscription]:
        """Every subscription."""
        return self._paged(ops.GET_ALL_SUBSCRIPTIONS, page_size, prefetch)

    async def get(self, subscription_id: str) -> EventSubscription:
        """One subscription."""
        return await self._client.call(ops.GET_SUBSCRIPTION, subscription_id=subscription_id)

    async def create(self, aws_account_id: str) -> EventSubscription:
        """Subscribe an AWS account to the enterprise's events."""
        return await self._client.call(
            ops.CREATE_SUBSCRIPTION, data=EventSubscriptionArgs(aws_account_id=aws_account_id)
        )

    async def delete(self, subscription_id: str) -> None:
        """Delete a subscription."""
        await self._client.call(ops.DELETE_SUBSCRIPTION, subscription_id=subscription_id)


class AsyncContentLibrary(AsyncResource):
    """Content files."""

    def list(
        self, *, search: str | None = None, page_size: int = PAGE_SIZE, prefetch: int = 0
    ) -> AsyncPaginator[Content]:
        """Content, optionally matching ``search``."""
        return self._paged(ops.GET_ALL_CONTENT, page_size, prefetch, search=search)

    async def get(self, content_id: int) -> Content:
        """One content file's details."""
        return await self._client.call(ops.GET_CONTENT, content_id=content_id)

    async def upload(self, file: FileInput, *, on_progress: Progress | None = None) -> Content:
        """Upload a file (a path or an open binary file), streamed."""
        return await self._client.call(ops.POST_CONTENT, key=file, on_progress=on_progress)

    async def update(
        self, content_id: int, *, tags: Sequence[str] | None = None, description: str | None = None
    ) -> Content:
        """Change a content file's tags and/or description."""
        change = Data(tags=None if tags is None else list(tags), description=description)
        return await self._client.call(ops.PATCH_CONTENT, content_id=content_id, data=change)

    async def delete(self, content_id: int) -> None:
        """Delete a content file."""
        await self._client.call(ops.DELETE_CONTENT, content_id=content_id)


class AsyncToken(AsyncResource):
    """The API key in use."""

    async def info(self) -> TokenInfoV1:
        """What the key is: its enterprise, scope and expiry."""
        return await self._client.call(ops.GET_TOKEN_INFO)

    async def renew(self) -> TokenRenewV0:
        """Replace the key with a new one (the old one stops working) and use it from now on."""
        info = await self.info()
        renewed: TokenRenewV0 = await self._client.call(
            ops.RENEW_TOKEN, developerapp_id=info.developer_app, access_token=info.token
        )
        if renewed.token:
            self._client.use_key(renewed.token)
        return renewed
