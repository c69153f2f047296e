"""Every generated operation reads the answers its spec describes.

No server takes part: the emulator does not serve Esper's current API yet, so the
answers are generated from the spec's own response schemas (schemathesis's JSON
Schema data generation, derandomized, five per schema) and read through
``esperclient._request``: each success body as the operation's payload (an envelope's
``content``, a page under its usual key names), each documented error body as the
model ``errors`` gives for its status.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from esperclient._operations import Operation
from esperclient._request import decode, read_answer
from tests.generated._spec import SpecOperation, examples, generated, resolve, spec_operations

EXAMPLES = 5
OPERATIONS = list(spec_operations())


def _bodies(op: SpecOperation) -> dict[int, Any]:
    """The JSON body schema of each documented status (``0`` for ``default``)."""
    bodies = {}
    for code, response in op.raw["responses"].items():
        media = resolve(op.spec, response).get("content", {})
        for media_type, content in media.items():
            if "schema" in content:
                status = 0 if code == "default" else int(code)
                bodies[status] = (media_type, op.json_schema(content["schema"]))
    return bodies


@pytest.mark.parametrize("op", OPERATIONS, ids=lambda op: op.key)
def test_the_operation_reads_its_documented_answers(op: SpecOperation) -> None:
    operation: Operation[Any] = generated()[op.key]
    errors = dict(operation.errors)
    bodies = _bodies(op)
    assert set(errors) == {s for s in bodies if not 200 <= s < 300}
    for status, (media_type, schema) in bodies.items():
        if status == operation.status and media_type != "application/json":
            assert operation.media == "text"
            for value in examples(schema, EXAMPLES):
                assert read_answer(operation, value.encode()) == value
            continue
        if status == operation.status:
            for value in examples(schema, EXAMPLES):
                read_answer(operation, json.dumps(value).encode())
            continue
        model = errors.get(status)
        if model is None:
            continue  # a second success status: the client reads the first one's payload
        for value in examples(schema, EXAMPLES):
            decode(model, json.dumps(value).encode())
