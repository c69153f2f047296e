"""What both conformance suites do with each operation of a description."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error, response_schema_conformance

from tests.conftest import Tenant

FUZZED = settings(
    max_examples=25,
    deadline=None,
    derandomize=True,  # the same requests on every run: a failure is a change, not luck
    database=None,
    suppress_health_check=list(HealthCheck),
)
"""The examples each operation gets."""


def call_and_check(operation: Any, data: st.DataObject, tenant: Tenant) -> None:
    """Send one generated request for ``operation`` as ``tenant`` (its enterprise in the
    path, so that it reaches the handler); no 5xx, and the answer matches its schema."""
    case = data.draw(operation.as_strategy())
    if "enterprise_id" in (case.path_parameters or {}):
        case.path_parameters["enterprise_id"] = tenant.enterprise_id
    case.call_and_validate(
        base_url=tenant.host,
        headers={"Authorization": f"Bearer {tenant.api_key}"},
        checks=[not_a_server_error, response_schema_conformance],
    )
