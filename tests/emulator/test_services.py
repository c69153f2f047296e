"""The services' contract (``esper_emulator.services``): typed filters in, models out of writes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import msgspec

from esper_emulator.apk import read_apk
from esper_emulator.server import EmulatorServer
from esper_emulator.store.apps import ApplicationFilters
from esperclient.models import EnterprisePolicy, EnterprisePolicyData, InlineResponse201
from tests.conftest import Tenant


def test_a_write_answers_the_model_it_stored(server: EmulatorServer, tenant: Tenant) -> None:
    policies = server.emulator.policies
    with server.emulator.store.transaction():
        body = EnterprisePolicy.construct(name="Kiosk", policy=EnterprisePolicyData())
        policy = policies.create(tenant.enterprise_id, body)
        assert isinstance(policy, EnterprisePolicy)
        assert policy.url is not None
        policy_id = int(policy.url.rstrip("/").rsplit("/", 1)[-1])
        assert policies.get(tenant.enterprise_id, policy_id) == msgspec.json.encode(policy)


def test_list_filters_are_typed_arguments(
    server: EmulatorServer, tenant: Tenant, make_apk: Callable[..., Path]
) -> None:
    apps, upload = server.emulator.apps, make_apk("com.example.typed")
    with server.emulator.store.transaction():
        added = apps.add_version(tenant.enterprise_id, read_apk(upload), upload)
        assert isinstance(added, InlineResponse201)
        typed, none = (ApplicationFilters(package_name=f"com.example.{p}") for p in ("typed", "x"))
        found = apps.list_apps(tenant.enterprise_id, typed, 20, 0)
        missing = apps.list_apps(tenant.enterprise_id, none, 20, 0)
        named = server.emulator.policies.list_policies(tenant.enterprise_id, 20, 0, name="none")
    assert (found.count, missing.count, named.count) == (1, 0, 0)
