"""All 53 operations of esperclient 0.1.3, called through the drop-in SDK, end to end.

One walk through a fleet's life: every call goes to the real emulator over HTTP, and
the walk checks that each answer is the model 0.1.3 returns, with the data just made.
A recording client proves no operation was skipped.
"""

from __future__ import annotations

from typing import Any

import esperclient as ec
from esperclient._operations import OPERATIONS, Operation
from tests.conftest import Tenant, make_configuration


class RecordingClient(ec.ApiClient):
    """An ``ApiClient`` that notes each operation it sends."""

    def __init__(self, configuration: ec.Configuration) -> None:
        super().__init__(configuration)
        self.called: set[str] = set()

    def invoke(
        self,
        op: Operation[Any],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        http_info: bool = False,
    ) -> Any:
        self.called.add(op.name)
        return super().invoke(op, args, kwargs, http_info)


def test_every_operation_through_the_sdk(tenant: Tenant, make_apk: Any, tmp_path: Any) -> None:
    client = RecordingClient(make_configuration(tenant.host, tenant.api_key))
    eid = tenant.enterprise_id

    token = ec.TokenApi(client).get_token_info()
    assert isinstance(token, ec.TokenInfoV1) and token.enterprise == eid

    enterprise = ec.EnterpriseApi(client)
    assert enterprise.get_enterprise(eid).id == eid
    renamed = enterprise.partial_update_enterprise(eid, ec.EnterpriseUpdateV1(name="Renamed"))
    assert isinstance(renamed, ec.EnterpriseV1) and renamed.name == "Renamed"

    devices = ec.DeviceApi(client)
    online = devices.get_all_devices(eid, state=1, limit=2)
    assert isinstance(online, ec.InlineResponse2003) and online.count >= 2
    device_id = online.results[0].id
    assert devices.get_device_by_id(eid, device_id).id == device_id
    apps_on_device = devices.get_device_apps(eid, device_id)
    assert isinstance(apps_on_device, ec.InlineResponse2004) and apps_on_device.count >= 1
    first_app = apps_on_device.results[0]
    assert devices.get_device_app_by_id(first_app.id, eid, device_id).id == first_app.id
    events = devices.get_device_event(eid, device_id, 0)
    assert isinstance(events, ec.InlineResponse2006) and events.count >= 1

    applications = ec.ApplicationApi(client)
    uploaded = applications.upload(eid, str(make_apk("com.example.every", version_code=3)))
    assert isinstance(uploaded, ec.InlineResponse201)
    app_id, version_id = uploaded.application.id, uploaded.application.versions[0].id
    listed = applications.get_all_applications(eid, package_name="com.example.every")
    assert isinstance(listed, ec.InlineResponse200) and listed.results[0].id == app_id
    assert applications.get_application(app_id, eid).package_name == "com.example.every"
    assert applications.get_app_versions(app_id, eid).results[0].id == version_id
    assert isinstance(applications.get_app_version(version_id, app_id, eid), ec.AppVersion)

    commands = ec.CommandsApi(client)
    install = ec.CommandRequest(
        command="INSTALL", command_args=ec.CommandArgs(app_version=version_id)
    )
    sent = commands.run_command(eid, device_id, install)
    assert isinstance(sent, ec.DeviceCommand) and sent.state == "Command Initiated"
    assert commands.get_command(sent.id, device_id, eid).state == "Command Success"
    installs = devices.get_app_installs(eid, device_id, package_name="com.example.every")
    assert isinstance(installs, ec.InlineResponse2005) and installs.count == 1
    on = applications.get_install_devices(version_id, app_id, eid)
    assert isinstance(on, ec.InlineResponse2002) and [d.id for d in on.results] == [device_id]

    groups = ec.DeviceGroupApi(client)
    group = groups.create_group(eid, ec.DeviceGroup(name="Every op"))
    assert isinstance(group, ec.DeviceGroup) and group.device_count == 0
    assert groups.get_all_groups(eid, name="Every op").results[0].id == group.id
    assert groups.get_group_by_id(group.id, eid).name == "Every op"
    members = [r.id for r in online.results]
    updated = groups.update_group(
        group.id, eid, ec.DeviceGroupUpdate(name="Every op", device_ids=members[:1])
    )
    assert updated.device_count == 1
    patched = groups.partial_update_group(
        group.id, eid, ec.DeviceGroupPartialUpdate(device_ids=members[1:]), action="add"
    )
    assert patched.device_count == 2

    group_commands = ec.GroupCommandsApi(client)
    reboot_all = group_commands.run_group_command(
        eid, group.id, ec.GroupCommandRequest(command="REBOOT")
    )
    assert isinstance(reboot_all, ec.GroupCommand)
    assert group_commands.get_group_command(reboot_all.id, group.id, eid).state == "Command Success"

    v0 = ec.CommandsV2Api(client)
    request = v0.create_command(
        eid,
        ec.V0CommandRequest(command_type="DEVICE", devices=[device_id], command="UPDATE_HEARTBEAT"),
    )
    assert isinstance(request, ec.V0CommandRequest)
    assert request.id in [
        r.id for r in v0.list_command_request(eid, command="UPDATE_HEARTBEAT").results
    ]
    statuses = v0.get_command_request_status(eid, request.id)
    assert (
        isinstance(statuses, ec.InlineResponse20010)
        and statuses.results[0].state == "Command Success"
    )
    assert request.id in [s.request for s in v0.get_device_command_history(eid, device_id).results]

    policies = ec.EnterprisePolicyApi(client)
    policy = policies.create_policy(
        eid,
        ec.EnterprisePolicy(
            enterprise=eid, name="Kiosk", policy=ec.EnterprisePolicyData(camera_disabled=True)
        ),
    )
    assert isinstance(policy, ec.EnterprisePolicy)
    policy_id = int(str(policy.url).rstrip("/").rsplit("/", 1)[1])
    assert policies.list_policies(eid, name="Kiosk").count == 1
    assert policies.get_policy_by_id(policy_id, eid).name == "Kiosk"
    replaced = policies.update_policy(
        policy_id,
        eid,
        ec.EnterprisePolicy(enterprise=eid, name="Kiosk 2", policy=ec.EnterprisePolicyData()),
    )
    assert replaced.name == "Kiosk 2"
    assert (
        policies.partialupdate_policy(
            policy_id, eid, ec.EnterprisePolicyPartialUpdate(description="front desk")
        ).description
        == "front desk"
    )

    geofences = ec.GeofenceApi(client)
    fence = geofences.create_geofence(
        ec.Geofence(
            name="HQ", latitude="37.7749", longitude="-122.4194", radius=200, radius_unit="METERS"
        ),
        eid,
    )
    assert isinstance(fence, ec.Geofence)
    assert geofences.get_all_geofences(eid, search="HQ").count == 1
    assert geofences.get_geofence(fence.id, eid).radius == 200
    assert (
        geofences.update_geofence(
            fence.id,
            eid,
            ec.GeofenceUpdate(name="HQ", latitude="37.7", longitude="-122.4", radius=300),
        ).radius
        == 300
    )
    assert (
        geofences.partial_update_geofence(fence.id, eid, ec.GeofenceUpdate(name="Head office")).name
        == "Head office"
    )

    subscriptions = ec.SubscriptionApi(client)
    subscription = subscriptions.create_subscription(
        ec.EventSubscriptionArgs(aws_account_id="123456789012"), eid
    )
    assert isinstance(subscription, ec.EventSubscription) and subscription.sns_topic_arn
    assert subscriptions.get_all_subscriptions(eid).count == 1
    assert subscriptions.get_subscription(subscription.id, eid).aws_account_id == "123456789012"

    content = ec.ContentApi(client)
    document = tmp_path / "manual.pdf"
    document.write_bytes(b"%PDF-1.4 a small manual\n")
    posted = content.post_content(eid, str(document))
    assert isinstance(posted, ec.Content) and posted.name == "manual.pdf"
    assert content.get_all_content(eid, search="manual").count == 1
    assert content.get_content(posted.id, eid).size == str(document.stat().st_size)
    assert content.patch_content(posted.id, eid, data=ec.Data(tags=["docs"])).tags == ["docs"]

    assert content.delete_content(posted.id, eid) is None
    assert subscriptions.delete_subscription(subscription.id, eid) is None
    assert geofences.delete_geofence(fence.id, eid) is None
    assert policies.delete_enterprise_policy(policy_id, eid) is None
    assert groups.delete_group(group.id, eid) is None
    assert applications.delete_app_version(version_id, app_id, eid) is None
    assert applications.delete_application(app_id, eid) is None

    renewed = ec.TokenApi(client).renew_token(eid, token.developer_app, tenant.api_key)
    assert (
        isinstance(renewed, ec.TokenRenewV0) and renewed.token and renewed.token != tenant.api_key
    )

    assert client.called == set(OPERATIONS), sorted(set(OPERATIONS) - client.called)
