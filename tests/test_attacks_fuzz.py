"""Property-based fuzzing of the whole HTTP API from its own OpenAPI schema (schemathesis),
against the live server with Neo4j up: no request may get a 5xx, or a response over its limits."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable

from stewardgraph import StewardGraph

from .conftest import LiveServer

MAX_BODY = 2_000_000


@pytest.fixture(scope="module")
def fuzzed(synced: StewardGraph) -> Iterator[LiveServer]:
    s = synced.settings
    server = LiveServer(s.data_dir, STEWARDGRAPH_NEO4J_URI=s.bolt_uri,
                        STEWARDGRAPH_NEO4J_PASSWORD=s.neo4j_password.get_secret_value(),
                        STEWARDGRAPH_RESULT_MAX_BYTES=str(MAX_BODY // 2), STEWARDGRAPH_QUERY_TIMEOUT="5")
    yield server
    server.stop()


@pytest.mark.parametrize("mode", [schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE])
def test_no_request_gets_a_server_error(fuzzed: LiveServer, mode: schemathesis.GenerationMode) -> None:
    schema = schemathesis.openapi.from_url(fuzzed.url + "/openapi.json")
    failures: list[str] = []
    covered: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 12

    for operation in operations:

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(max_examples=30, deadline=None, database=None, derandomize=True,
                  suppress_health_check=list(HealthCheck), phases=[Phase.generate])
        def call(case: schemathesis.Case) -> None:
            response = case.call(base_url=fuzzed.url, timeout=30)
            where = f"{case.method} {case.formatted_path} query={case.query} body={str(case.body)[:200]}"
            if response.status_code >= 500:
                failures.append(f"{response.status_code} for {where}: {response.text[:300]}")
            elif len(response.content) > MAX_BODY:
                failures.append(f"{len(response.content):,} bytes for {where}")
            elif response.status_code >= 400 and response.text.startswith('{"error"'):
                error = response.json()["error"]
                if error["status"] != response.status_code or not error["message"]:
                    failures.append(f"error shape {error} for {where}")

        try:
            call()
        except Unsatisfiable:  # no input breaks this operation's schema (it takes no parameters)
            assert mode == schemathesis.GenerationMode.NEGATIVE
            continue
        covered.append(operation.label)
    assert failures == []
    everything = mode == schemathesis.GenerationMode.POSITIVE
    assert len(covered) >= (len(operations) if everything else 5), covered
