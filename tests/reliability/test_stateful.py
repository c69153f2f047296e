"""Stateful fuzzing: sequences of calls that reuse what earlier answers returned.

The Swagger 2.0 spec declares no links, so schemathesis infers them from the
schemas (an id in a list or create answer feeds the get, update, delete of that
object), giving a state machine over the whole API: create a group, read it, patch
it, delete it, read it again... Every call is made with the key of one enterprise,
on its own path, over real HTTP. No answer may be a 5xx, every documented answer
must match the spec, every 4xx must carry the Esper error body, and the stateful
checks hold: a deleted object stays gone, a created one can be read back.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import msgspec
import pytest

schemathesis = pytest.importorskip("schemathesis")
from hypothesis import HealthCheck, Phase, settings  # noqa: E402
from schemathesis.checks import not_a_server_error  # noqa: E402
from schemathesis.specs.openapi.checks import (  # noqa: E402
    ensure_resource_availability,
    response_schema_conformance,
    use_after_free,
)

from esper_emulator.server import EmulatorServer  # noqa: E402
from tests.conformance.test_schemathesis import _spec_with_nullable_links  # noqa: E402
from tests.conftest import Tenant, new_tenant  # noqa: E402

MAX_SCENARIOS = 25
STEPS_PER_SCENARIO = 12


def esper_error_body(ctx: Any, response: Any, case: Any) -> bool | None:
    """Every 4xx answer is the Esper error body: ``errors``, ``message``, ``status``."""
    if not 400 <= response.status_code < 500:
        return None
    body = msgspec.json.decode(response.content)
    assert isinstance(body, dict) and set(body) == {"errors", "message", "status"}, body
    assert body["status"] == response.status_code and body["message"] and body["errors"]
    return True


CHECKS = [
    not_a_server_error,
    response_schema_conformance,
    esper_error_body,
    use_after_free,
    ensure_resource_availability,
]


@pytest.mark.usefixtures("no_local_constants")
def test_call_sequences_never_fail_the_server_and_keep_to_the_spec(
    server: EmulatorServer,
) -> None:
    schema = schemathesis.openapi.from_dict(_spec_with_nullable_links())
    workflow = schema.as_state_machine()
    calls: Counter[str] = Counter()
    statuses: Counter[int] = Counter()

    class EsperWorkflow(workflow):  # type: ignore[misc, valid-type]
        """Each scenario starts from a fresh enterprise, so every run starts alike."""

        tenant: Tenant

        def setup(self) -> None:
            self.tenant = new_tenant(server, "Stateful Enterprise", devices=3)

        def before_call(self, case: Any) -> None:
            if "enterprise_id" in (case.path_parameters or {}):
                case.path_parameters["enterprise_id"] = self.tenant.enterprise_id
            key = f"Bearer {self.tenant.api_key}"
            case.headers = {**(case.headers or {}), "Authorization": key}

        def get_call_kwargs(self, case: Any) -> dict[str, Any]:
            return {"base_url": self.tenant.host}

        def after_call(self, response: Any, case: Any) -> None:
            super().after_call(response, case)
            calls[f"{case.method} {case.path}"] += 1
            statuses[response.status_code] += 1

        def validate_response(
            self,
            response: Any,
            case: Any,
            additional_checks: Any = None,
            **kwargs: Any,
        ) -> None:
            case.validate_response(response, checks=CHECKS, transport_kwargs=kwargs)

    EsperWorkflow.run(
        settings=settings(
            max_examples=MAX_SCENARIOS,
            stateful_step_count=STEPS_PER_SCENARIO,
            deadline=None,
            derandomize=True,
            database=None,
            phases=[Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
    )
    assert statuses and max(statuses) < 500
    assert sum(calls.values()) >= MAX_SCENARIOS * 4
    assert len(calls) >= 20  # operations reached, chained through the inferred links
    assert {201, 204} <= set(statuses)  # objects were created and deleted along the way
