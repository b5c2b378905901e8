"""Schema fuzzing: schemathesis generates requests for every operation in the OpenAPI schema, valid
and invalid, and sends them in-process to the real app on the real knowledge. No request may get a
5xx, and every response must match the schema the app publishes."""

from __future__ import annotations

from collections import Counter

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

# Per operation; several have tiny input spaces (/healthz has none), so the bigger ones carry the
# total past 1,000 (about 1,800 today, ~30 s). Seeded and derandomized: every run sends the same cases.
PER_OPERATION = 110
MIN_TOTAL = 1000
SEED = 7
CALLS: Counter[str] = Counter()
# What the issue asks: no 5xx, and every response (status, media type, body) as documented. Not
# run: schemathesis's guesses that a schema-valid value must succeed, or an invalid one fail — the
# API knows more than the schema (allowed interest ids) and forgives blanks from HTML forms.
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]


@pytest.fixture(scope="module")
def api_schema(client: TestClient):
    schema = schemathesis.openapi.from_asgi("/openapi.json", client.app)
    schema.config.seed = SEED
    schema.config.generation.update(max_examples=PER_OPERATION, deterministic=True, database="none")
    return schema


@pytest.fixture(autouse=True)
def _node_id_shim(request: pytest.FixtureRequest) -> None:
    # schemathesis 4.32 reads Node._nodeid, which pytest 9 no longer has; it only renames reports.
    if not hasattr(request.node, "_nodeid"):
        request.node._nodeid = request.node.nodeid


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(deadline=None, suppress_health_check=list(HealthCheck), print_blob=True)
def test_no_server_errors_and_responses_match_schema(case):
    CALLS[f"{case.method} {case.path}"] += 1
    case.call_and_validate(checks=CHECKS)


def test_every_operation_was_fuzzed_and_enough_cases_ran(api_schema):
    """Runs after the fuzz test (file order): each operation was called, and the total reaches the
    issue's floor."""
    operations = {f"{op.ok().method.upper()} {op.ok().path}" for op in api_schema.get_all_operations()}
    assert not {op for op in operations if CALLS[op] == 0}, dict(CALLS)
    assert sum(CALLS.values()) >= MIN_TOTAL, dict(CALLS)
