"""The resources of the idiomatic async client: one class per area of the API.

Each method is one line of intent over an operation of ``esperclient._operations``;
lists return lazy paginators. This module is the source of the sync resources.
"""

from __future__ import annotations

import builtins
import threading
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from esperclient import _operations as ops
from esperclient._async._pagination import AsyncPaginator
from esperclient._bulk import (
    FINAL_STATES,
    SUCCESS,
    V0_BATCH,
    BulkProgress,
    BulkProgressCallback,
    BulkReport,
    Outcome,
    Progress,
    outcome_of,
)
from esperclient._concurrency import async_map, async_sleep
from esperclient._exceptions import (
    ApiException,
    BadRequestError,
    CommandFailedError,
    NotFoundError,
    WaitTimeoutError,
)
from esperclient._multipart import FileInput
from esperclient.models import (
    AppInstall,
    Application,
    AppVersion,
    CommandArgs,
    CommandRequest,
    Content,
    Data,
    Device,
    DeviceApp,
    DeviceCommand,
    DeviceCommandEnum,
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
    V0DeviceCommandEnum,
)

if TYPE_CHECKING:
    from esperclient._async._client import AsyncAPIClient

PAGE_SIZE = 100


def _last_segment(url: str | None) -> str:
    return (url or "").rstrip("/").rsplit("/", 1)[-1]


class AsyncResource:
    """A part of the API, bound to the client that sends its calls."""

    def __init__(self, client: AsyncAPIClient) -> None:
        self._client = client

    def _paged(self, op: ops.Operation, page_size: int, **values: Any) -> AsyncPaginator[Any]:
        return AsyncPaginator(self._client, op, values, page_size)


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
    ) -> AsyncPaginator[Device]:
        """Devices matching the filters, fetched lazily page by page."""
        return self._paged(
            ops.GET_ALL_DEVICES,
            page_size,
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
        return await self._client.call(ops.GET_DEVICE_BY_ID, device_id=device_id)  # type: ignore[no-any-return]

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
    ) -> AsyncPaginator[DeviceApp]:
        """The apps on a device."""
        flag = None if whitelisted is None else str(whitelisted).lower()
        return self._paged(
            ops.GET_DEVICE_APPS,
            page_size,
            device_id=device_id,
            package_name=package_name,
            whitelisted=flag,
            search=search,
        )

    async def app(self, device_id: str, app_id: str) -> DeviceApp:
        """One app on a device."""
        return await self._client.call(  # type: ignore[no-any-return]
            ops.GET_DEVICE_APP_BY_ID, device_id=device_id, app_id=app_id
        )

    def installs(
        self,
        device_id: str,
        *,
        package_name: str | None = None,
        application_name: str | None = None,
        install_state: str | None = None,
        page_size: int = PAGE_SIZE,
    ) -> AsyncPaginator[AppInstall]:
        """The install and uninstall records of a device."""
        return self._paged(
            ops.GET_APP_INSTALLS,
            page_size,
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
    ) -> AsyncPaginator[Application]:
        """Applications matching the filters."""
        return self._paged(
            ops.GET_ALL_APPLICATIONS,
            page_size,
            application_name=application_name,
            package_name=package_name,
            is_hidden=is_hidden,
        )

    async def get(self, application_id: str) -> Application:
        """One application, with a summary of its versions."""
        return await self._client.call(ops.GET_APPLICATION, application_id=application_id)  # type: ignore[no-any-return]

    async def upload(self, file: FileInput, *, on_progress: Progress | None = None) -> Application:
        """Upload an APK (a path or an open binary file), streamed; the new application.

        ``on_progress(sent, total)`` is called as the bytes go out.
        """
        answer = await self._client.call(ops.UPLOAD, app_file=file, on_progress=on_progress)
        return answer.application  # type: ignore[no-any-return]

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
    ) -> AsyncPaginator[AppVersion]:
        """The versions of an application."""
        return self._paged(
            ops.GET_APP_VERSIONS,
            page_size,
            application_id=application_id,
            version_code=version_code,
            build_number=build_number,
        )

    async def version(self, application_id: str, version_id: str) -> AppVersion:
        """One version of an application."""
        return await self._client.call(  # type: ignore[no-any-return]
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
    ) -> AsyncPaginator[InstallDevices]:
        """The devices that have a version installed."""
        return self._paged(
            ops.GET_INSTALL_DEVICES,
            page_size,
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
        return await self._client.call(  # type: ignore[no-any-return]
            ops.RUN_COMMAND, device_id=device_id, command=request
        )

    async def get(self, device_id: str, command_id: str) -> DeviceCommand:
        """A command's current state."""
        return await self._client.call(  # type: ignore[no-any-return]
            ops.GET_COMMAND, device_id=device_id, command_id=command_id
        )

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
        device_id = _last_segment(command.device)
        deadline = time.monotonic() + timeout
        current = command
        while current.state not in FINAL_STATES:
            if time.monotonic() >= deadline:
                raise WaitTimeoutError(
                    f"command {command.id} still {current.state!r} after {timeout} s", current
                )
            await async_sleep(poll_interval)
            current = await self.get(device_id, str(command.id))
            if on_poll is not None and current.state not in FINAL_STATES:
                on_poll(current)
        if current.state != SUCCESS:
            raise CommandFailedError(
                f"command {command.id} ended {current.state!r}: {current.details or ''}", current
            )
        return current

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

        ``via="device"`` sends one command per device, ``concurrency`` at a time;
        ``via="v0"`` sends command requests of up to 500 devices each (the API's limit),
        far fewer requests for large fleets; ``"auto"`` picks v0 for a command only v0
        knows, and for a command v0 knows when there are more devices than
        ``concurrency``. A device whose command could not be sent is an ``error`` (no
        command is sent twice unless it provably did not arrive). With ``wait``,
        commands are polled in rounds until all are final or ``timeout`` has passed;
        those still running stay ``pending``.

        ``on_progress(progress)`` gets a ``BulkProgress`` each time a device's command
        is sent and each time one finishes, so ``sent`` and ``finished`` each go up one
        at a time (calls never overlap); devices still pending at the end are sent but
        not finished.
        """
        ids = builtins.list(device_ids)
        tracker = _Tracker(len(ids), on_progress)
        deadline = time.monotonic() + timeout
        v0_only = command not in DeviceCommandEnum.allowed_values
        use_v0 = via == "v0" or (
            via == "auto"
            and command in V0DeviceCommandEnum.allowed_values
            and (v0_only or len(ids) > concurrency)
        )
        if use_v0:
            outcomes = await self._run_many_v0(
                ids, command, command_args, concurrency, wait, deadline, poll_interval, tracker
            )
        else:
            outcomes = await self._run_many_devices(
                ids, command, command_args, concurrency, wait, deadline, poll_interval, tracker
            )
        return BulkReport(command, outcomes)

    async def _send_each(
        self,
        ids: builtins.list[str],
        command: str,
        args: dict[str, Any],
        concurrency: int,
        tracker: _Tracker,
    ) -> builtins.list[Outcome]:
        async def send(device_id: str) -> Outcome:
            try:
                sent = await self.run(device_id, command, **args)
            except ApiException as exc:
                return tracker.send(Outcome(device_id, "error", error=exc))
            return tracker.send(outcome_of(device_id, sent))

        return await async_map(send, ids, concurrency)

    async def _run_many_devices(
        self,
        ids: builtins.list[str],
        command: str,
        args: dict[str, Any],
        concurrency: int,
        wait: bool,
        deadline: float,
        poll_interval: float,
        tracker: _Tracker,
    ) -> builtins.list[Outcome]:
        outcomes = await self._send_each(ids, command, args, concurrency, tracker)
        while wait:
            pending = [i for i, o in enumerate(outcomes) if o.status == "pending"]
            if not pending or time.monotonic() >= deadline:
                break
            await async_sleep(poll_interval)

            async def poll(index: int) -> None:
                previous = outcomes[index]
                assert isinstance(previous.command, DeviceCommand)
                try:
                    current = await self.get(previous.device_id, str(previous.command.id))
                except ApiException:
                    return  # read again next round
                outcomes[index] = tracker.settle(outcome_of(previous.device_id, current))

            await async_map(poll, pending, concurrency)
        return outcomes

    async def _run_many_v0(
        self,
        ids: builtins.list[str],
        command: str,
        args: dict[str, Any],
        concurrency: int,
        wait: bool,
        deadline: float,
        poll_interval: float,
        tracker: _Tracker,
    ) -> builtins.list[Outcome]:
        requests = AsyncCommandRequests(self._client)
        found: dict[str, Outcome] = {}
        sent: builtins.list[V0CommandRequest] = []

        async def send(batch: builtins.list[str]) -> None:
            try:
                request = await requests.create(
                    command, devices=batch, device_type="all", command_args=args
                )
            except BadRequestError as exc:  # an id the server refuses: find it one by one
                if not _device_api_takes(command, args):
                    for device_id in batch:
                        found[device_id] = tracker.send(Outcome(device_id, "error", error=exc))
                    return
                for outcome in await self._send_each(batch, command, args, concurrency, tracker):
                    found[outcome.device_id] = outcome
                return
            except ApiException as exc:
                for device_id in batch:
                    found[device_id] = tracker.send(Outcome(device_id, "error", error=exc))
                return
            sent.append(request)
            for device_id in batch:
                found[device_id] = tracker.send(Outcome(device_id, "pending"))

        batches = [ids[i : i + V0_BATCH] for i in range(0, len(ids), V0_BATCH)]
        await async_map(send, batches, concurrency)
        while True:
            sent = await self._poll_requests(requests, sent, found, tracker)
            await self._poll_commands(found, concurrency, tracker)
            waiting = sent or any(o.status == "pending" for o in found.values())
            if not wait or not waiting or time.monotonic() >= deadline:
                break
            await async_sleep(poll_interval)
        return [found[device_id] for device_id in ids]

    async def _poll_requests(
        self,
        requests: AsyncCommandRequests,
        sent: builtins.list[V0CommandRequest],
        found: dict[str, Outcome],
        tracker: _Tracker,
    ) -> builtins.list[V0CommandRequest]:
        """Read each request's per-device states; the requests not final yet."""
        still: builtins.list[V0CommandRequest] = []
        for request in sent:
            try:
                statuses = await requests.statuses(str(request.id))
            except ApiException:
                still.append(request)
                continue
            for status in statuses:
                device_id = _last_segment(status.device)
                if device_id in found and found[device_id].status == "pending":
                    found[device_id] = tracker.settle(outcome_of(device_id, status))
            if any(s.state not in FINAL_STATES for s in statuses):
                still.append(request)
        return still

    async def _poll_commands(
        self, found: dict[str, Outcome], concurrency: int, tracker: _Tracker
    ) -> None:
        """Read again the device commands (sent one by one) that are not final."""
        pending = [
            o
            for o in found.values()
            if o.status == "pending" and isinstance(o.command, DeviceCommand)
        ]

        async def poll(previous: Outcome) -> None:
            assert isinstance(previous.command, DeviceCommand)
            try:
                current = await self.get(previous.device_id, str(previous.command.id))
            except ApiException:
                return
            found[previous.device_id] = tracker.settle(outcome_of(previous.device_id, current))

        await async_map(poll, pending, concurrency)


def _device_api_takes(command: str, args: dict[str, Any]) -> bool:
    """Whether a v0 command and its ``command_args`` can also go to the one-device API."""
    return command in DeviceCommandEnum.allowed_values and set(args) <= set(
        CommandArgs.__struct_fields__
    )


class _Tracker:
    """Counts sent and finished devices for ``on_progress``.

    Calls are made under a lock, so they never overlap (the sync client polls on
    threads) and their counts never go down.
    """

    def __init__(self, total: int, on_progress: BulkProgressCallback | None) -> None:
        self.total = total
        self.on_progress = on_progress
        self.sent = 0
        self.finished = 0
        self._lock = threading.Lock()

    def send(self, outcome: Outcome) -> Outcome:
        """Count a device whose command was just sent (or refused); return ``outcome``."""
        self._bump(sent=1)
        return self.settle(outcome)

    def settle(self, outcome: Outcome) -> Outcome:
        """Count ``outcome`` as finished if it is final; return it."""
        if outcome.status != "pending":
            self._bump(finished=1)
        return outcome

    def _bump(self, *, sent: int = 0, finished: int = 0) -> None:
        with self._lock:
            self.sent += sent
            self.finished += finished
            if self.on_progress is not None:
                self.on_progress(BulkProgress(self.sent, self.finished, self.total))


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
        return await self._client.call(ops.CREATE_COMMAND, request=body)  # type: ignore[no-any-return]

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
        deadline = time.monotonic() + timeout
        while True:
            statuses = await self.statuses(str(request.id))
            if all(s.state in FINAL_STATES for s in statuses):
                return statuses
            if on_poll is not None:
                on_poll(statuses)
            if time.monotonic() >= deadline:
                raise WaitTimeoutError(
                    f"request {request.id} not final after {timeout} s", statuses
                )
            await async_sleep(poll_interval)


class AsyncGroups(AsyncResource):
    """Device groups and their members."""

    def list(
        self, *, name: str | None = None, page_size: int = PAGE_SIZE
    ) -> AsyncPaginator[DeviceGroup]:
        """Groups, optionally only the one called ``name``."""
        return self._paged(ops.GET_ALL_GROUPS, page_size, name=name)

    async def get(self, group_id: str) -> DeviceGroup:
        """One group."""
        return await self._client.call(ops.GET_GROUP_BY_ID, group_id=group_id)  # type: ignore[no-any-return]

    async def get_by_name(self, name: str) -> DeviceGroup:
        """The group called exactly ``name``; ``NotFoundError`` when there is none."""
        found = await self.list(name=name, page_size=1).first()
        if found is None:
            raise NotFoundError(status=404, reason=f"No group named {name!r}.")
        return found

    async def create(self, name: str, *, parent: str | None = None) -> DeviceGroup:
        """A new, empty group (under ``parent``, a group id, if given)."""
        return await self._client.call(  # type: ignore[no-any-return]
            ops.CREATE_GROUP, data=DeviceGroup(name=name, parent=parent)
        )

    async def update(
        self, group_id: str, *, name: str | None = None, device_ids: Sequence[str] | None = None
    ) -> DeviceGroup:
        """Rename a group and/or set its members to exactly ``device_ids``."""
        change = DeviceGroupPartialUpdate(
            name=name, device_ids=None if device_ids is None else list(device_ids)
        )
        return await self._client.call(  # type: ignore[no-any-return]
            ops.PARTIAL_UPDATE_GROUP, group_id=group_id, data=change
        )

    async def add_devices(self, group_id: str, device_ids: Sequence[str]) -> DeviceGroup:
        """Add devices to a group; each leaves its current group (a device is in one group)."""
        return await self._members(group_id, device_ids, "add")

    async def remove_devices(self, group_id: str, device_ids: Sequence[str]) -> DeviceGroup:
        """Take devices out of a group; they go back to its parent group."""
        return await self._members(group_id, device_ids, "remove")

    async def _members(self, group_id: str, device_ids: Sequence[str], action: str) -> DeviceGroup:
        change = DeviceGroupPartialUpdate(device_ids=list(device_ids))
        return await self._client.call(  # type: ignore[no-any-return]
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
        return await self._client.call(  # type: ignore[no-any-return]
            ops.RUN_GROUP_COMMAND, group_id=group_id, data=request
        )

    async def get(self, group_id: str, command_id: str) -> GroupCommand:
        """A group command and its overall state."""
        return await self._client.call(  # type: ignore[no-any-return]
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
        group_id = _last_segment(command.group)
        deadline = time.monotonic() + timeout
        current = command
        while current.state not in FINAL_STATES:
            if time.monotonic() >= deadline:
                raise WaitTimeoutError(
                    f"group command {command.id} still {current.state!r} after {timeout} s", current
                )
            await async_sleep(poll_interval)
            current = await self.get(group_id, str(command.id))
            if on_poll is not None and current.state not in FINAL_STATES:
                on_poll(current)
        if current.state != SUCCESS:
            raise CommandFailedError(
                f"group command {command.id} ended {current.state!r}: {current.details or ''}",
                current,
            )
        return current


class AsyncEnterprise(AsyncResource):
    """The enterprise itself."""

    async def get(self) -> EnterpriseV1:
        """The enterprise's details."""
        return await self._client.call(ops.GET_ENTERPRISE)  # type: ignore[no-any-return]

    async def update(self, **fields: Any) -> EnterpriseV1:
        """Change some of the enterprise's details (``name``, ``contact_email``...)."""
        return await self._client.call(  # type: ignore[no-any-return]
            ops.PARTIAL_UPDATE_ENTERPRISE, data=EnterpriseUpdateV1(**fields)
        )


class AsyncPolicies(AsyncResource):
    """Enterprise policies."""

    def list(
        self, *, name: str | None = None, is_active: bool | None = None, page_size: int = PAGE_SIZE
    ) -> AsyncPaginator[EnterprisePolicy]:
        """Policies matching the filters."""
        return self._paged(ops.LIST_POLICIES, page_size, name=name, is_active=is_active)

    async def get(self, policy_id: int) -> EnterprisePolicy:
        """One policy."""
        return await self._client.call(ops.GET_POLICY_BY_ID, policy_id=policy_id)  # type: ignore[no-any-return]

    async def create(self, name: str, policy: Any, **fields: Any) -> EnterprisePolicy:
        """A new policy; ``policy`` is an ``EnterprisePolicyData`` or a dict of it."""
        body = EnterprisePolicy.construct(name=name, policy=policy, **fields)  # API sets enterprise
        return await self._client.call(ops.CREATE_POLICY, request=body)  # type: ignore[no-any-return]

    async def update(self, policy_id: int, **fields: Any) -> EnterprisePolicy:
        """Change some fields of a policy."""
        return await self._client.call(  # type: ignore[no-any-return]
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
        self, *, search: str | None = None, page_size: int = PAGE_SIZE
    ) -> AsyncPaginator[Geofence]:
        """Geofences, optionally matching ``search``."""
        return self._paged(ops.GET_ALL_GEOFENCES, page_size, search=search)

    async def get(self, geofence_id: str) -> Geofence:
        """One geofence."""
        return await self._client.call(ops.GET_GEOFENCE, geofence_id=geofence_id)  # type: ignore[no-any-return]

    async def create(self, name: str, latitude: str, longitude: str, **fields: Any) -> Geofence:
        """A new geofence (``radius``, ``radius_unit``, ``device_actions``... optional)."""
        body = Geofence(name=name, latitude=latitude, longitude=longitude, **fields)
        return await self._client.call(ops.CREATE_GEOFENCE, data=body)  # type: ignore[no-any-return]

    async def update(self, geofence_id: str, **fields: Any) -> Geofence:
        """Change some fields of a geofence."""
        return await self._client.call(  # type: ignore[no-any-return]
            ops.PARTIAL_UPDATE_GEOFENCE, geofence_id=geofence_id, data=GeofenceUpdate(**fields)
        )

    async def delete(self, geofence_id: str) -> None:
        """Delete a geofence."""
        await self._client.call(ops.DELETE_GEOFENCE, geofence_id=geofence_id)


class AsyncSubscriptions(AsyncResource):
    """Event subscriptions (to an AWS account's SNS)."""

    def list(self, *, page_size: int = PAGE_SIZE) -> AsyncPaginator[EventSubscription]:
        """Every subscription."""
        return self._paged(ops.GET_ALL_SUBSCRIPTIONS, page_size)

    async def get(self, subscription_id: str) -> EventSubscription:
        """One subscription."""
        return await self._client.call(  # type: ignore[no-any-return]
            ops.GET_SUBSCRIPTION, subscription_id=subscription_id
        )

    async def create(self, aws_account_id: str) -> EventSubscription:
        """Subscribe an AWS account to the enterprise's events."""
        return await self._client.call(  # type: ignore[no-any-return]
            ops.CREATE_SUBSCRIPTION, data=EventSubscriptionArgs(aws_account_id=aws_account_id)
        )

    async def delete(self, subscription_id: str) -> None:
        """Delete a subscription."""
        await self._client.call(ops.DELETE_SUBSCRIPTION, subscription_id=subscription_id)


class AsyncContentLibrary(AsyncResource):
    """Content files."""

    def list(
        self, *, search: str | None = None, page_size: int = PAGE_SIZE
    ) -> AsyncPaginator[Content]:
        """Content, optionally matching ``search``."""
        return self._paged(ops.GET_ALL_CONTENT, page_size, search=search)

    async def get(self, content_id: int) -> Content:
        """One content file's details."""
        return await self._client.call(ops.GET_CONTENT, content_id=content_id)  # type: ignore[no-any-return]

    async def upload(self, file: FileInput, *, on_progress: Progress | None = None) -> Content:
        """Upload a file (a path or an open binary file), streamed."""
        return await self._client.call(  # type: ignore[no-any-return]
            ops.POST_CONTENT, key=file, on_progress=on_progress
        )

    async def update(
        self, content_id: int, *, tags: Sequence[str] | None = None, description: str | None = None
    ) -> Content:
        """Change a content file's tags and/or description."""
        change = Data(tags=None if tags is None else list(tags), description=description)
        return await self._client.call(ops.PATCH_CONTENT, content_id=content_id, data=change)  # type: ignore[no-any-return]

    async def delete(self, content_id: int) -> None:
        """Delete a content file."""
        await self._client.call(ops.DELETE_CONTENT, content_id=content_id)


class AsyncToken(AsyncResource):
    """The API key in use."""

    async def info(self) -> TokenInfoV1:
        """What the key is: its enterprise, scope and expiry."""
        return await self._client.call(ops.GET_TOKEN_INFO)  # type: ignore[no-any-return]

    async def renew(self) -> TokenRenewV0:
        """Replace the key with a new one (the old one stops working) and use it from now on."""
        info = await self.info()
        renewed: TokenRenewV0 = await self._client.call(
            ops.RENEW_TOKEN, developerapp_id=info.developer_app, access_token=info.token
        )
        if renewed.token:
            self._client.use_key(renewed.token)
        return renewed
