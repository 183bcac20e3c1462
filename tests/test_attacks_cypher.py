"""Attacks on /cypher and the Neo4j side, against a real Neo4j (Community: the plan check is the
guard, as it has no roles)."""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr
from fastapi.testclient import TestClient

from stewardgraph import StewardGraph
from stewardgraph.errors import Forbidden, StoreError

from .attack import Listener, listening, memory_of
from .conftest import FIXTURES, LiveServer, service_settings


@pytest.fixture(scope="module")
def neo_client(synced: StewardGraph) -> Iterator[TestClient]:
    with TestClient(create_app_for(synced)) as client:
        yield client


def create_app_for(graph: StewardGraph, **overrides: object) -> object:
    from stewardgraph.web import create_app

    return create_app(graph.settings.model_copy(update=overrides))


@pytest.fixture
def listener() -> Iterator[Listener]:
    with listening() as server:
        yield server


def refused(client: TestClient, query: str, **body: object) -> str:
    response = client.post("/cypher", json={"query": query, **body})
    assert response.status_code == 403, (query, response.text)
    error = response.json()["error"]
    assert error["type"] == "Forbidden"
    return str(error["message"])


def test_load_csv_is_refused_in_every_spelling_and_nothing_is_fetched(neo_client: TestClient, listener: Listener) -> None:
    url = f"{listener.url}/data.csv"
    for query, parameters in [
        (f"LOAD CSV FROM '{url}' AS row RETURN row", {}),
        (f"load csv with headers from '{url}' AS row RETURN row", {}),
        (f"LOAD/**/CSV FROM '{url}' AS row RETURN row", {}),
        (f"LOAD // comment\nCSV FROM '{url}' AS row RETURN row", {}),
        ("LOAD CSV FROM $u AS row RETURN row", {"u": url}),
        (f"CALL () {{ LOAD CSV FROM '{url}' AS row RETURN row }} RETURN row", {}),
        (f"UNWIND [1] AS x CALL {{ WITH x LOAD CSV FROM '{url}' AS row RETURN row }} RETURN row", {}),
    ]:
        assert "LOAD CSV" in refused(neo_client, query, parameters=parameters)
    assert listener.requests == []


@pytest.mark.parametrize(
    "query",
    [
        "SHOW TRANSACTIONS YIELD currentQuery, parameters",
        "SHOW TRANSACTIONS",
        "TERMINATE TRANSACTIONS 'neo4j-transaction-1'",
        "SHOW SETTINGS",
        "SHOW SETTINGS YIELD name, value WHERE name CONTAINS 'directories'",
        "SHOW PROCEDURES",
        "SHOW FUNCTIONS",
        "SHOW INDEXES",
        "SHOW CONSTRAINTS",
        "show transactions",
    ],
)
def test_show_and_terminate_commands_are_refused(neo_client: TestClient, query: str) -> None:
    message = refused(neo_client, query)
    assert "administration commands" in message or "only read queries" in message


@pytest.mark.parametrize(
    "query",
    [
        "CALL db.stats.clear('QUERIES')",
        "CALL db.stats.retrieve('GRAPH COUNTS')",
        "CALL dbms.listConfig()",
        "CALL dbms.components()",
        "CALL db.info()",
        "CALL dbms.listConnections()",
        "CALL db.labels() YIELD label CALL dbms.listConfig() YIELD name RETURN label, name",
    ],
)
def test_procedures_outside_the_allow_list_are_refused(neo_client: TestClient, query: str) -> None:
    message = refused(neo_client, query)
    assert "is not allowed" in message or "only read queries" in message


def test_allowed_procedures_answer(neo_client: TestClient) -> None:
    response = neo_client.post("/cypher", json={"query": "CALL db.labels() YIELD label RETURN label ORDER BY label"})
    assert response.status_code == 200, response.text
    assert {"label": "Project"} in response.json()["rows"]


def test_a_running_sync_cannot_be_terminated_from_cypher(neo_client: TestClient, synced: StewardGraph) -> None:
    results: list[object] = []
    syncing = threading.Thread(target=lambda: results.append(synced.sync_neo4j()))
    syncing.start()
    try:
        for _ in range(5):
            refused(neo_client, "TERMINATE TRANSACTIONS 'neo4j-transaction-1', 'neo4j-transaction-2'")
    finally:
        syncing.join(120)
    assert len(results) == 1


def test_a_huge_result_is_cut_in_rows_bytes_and_time(synced: StewardGraph) -> None:
    with TestClient(create_app_for(synced, result_max_bytes=2_000_000)) as client:
        started = time.monotonic()
        response = client.post("/cypher", json={
            "query": "UNWIND range(1, 3000) AS i RETURN i, [x IN range(1, 10000) | 'xxxxxxxxxx'] AS strings",
            "timeout": 3})
        elapsed = time.monotonic() - started
    assert elapsed < 6
    assert response.status_code in (200, 504), response.text
    if response.status_code == 200:
        body = response.json()
        assert body["truncated"] is True and response.headers["X-StewardGraph-Truncated"] == "true"
        assert 0 < len(body["rows"]) < 3000
        assert len(response.content) < 2_500_000


def test_parameters_that_neo4j_cannot_take_are_a_400(neo_client: TestClient) -> None:
    for raw in (b'{"query": "RETURN $x AS x", "parameters": {"x": 158456325028528675187087900672}}',
                b'{"query": "RETURN $x AS x", "parameters": {"x": 1e400}}',
                b'{"query": "RETURN $x AS x", "parameters": {"x": [1, {"y": -1e400}]}}'):
        response = neo_client.post("/cypher", content=raw, headers={"Content-Type": "application/json"})
        assert response.status_code == 400, response.text
        assert response.json()["error"]["parameter"] == "parameters"


def test_values_json_cannot_hold_come_back_as_text(neo_client: TestClient) -> None:
    response = neo_client.post("/cypher", json={"query": "RETURN 0.0/0.0 AS nan, 1.0/0.0 AS inf, -1.0/0.0 AS ninf"})
    assert response.status_code == 200, response.text
    assert response.json()["rows"] == [{"nan": "NaN", "inf": "Infinity", "ninf": "-Infinity"}]


def test_a_query_past_neo4js_memory_limit_is_a_400(neo_client: TestClient) -> None:
    response = neo_client.post("/cypher", json={
        "query": "UNWIND range(1, 50000000) AS x WITH collect(x) AS xs RETURN size(xs) AS n"})
    assert response.status_code == 400, response.text
    assert response.json()["error"]["type"] == "QueryRefused"
    assert "more memory than one query may use" in response.json()["error"]["message"]


def test_syntax_errors_point_at_the_query_as_given(neo_client: TestClient) -> None:
    response = neo_client.post("/cypher", json={"query": "MATCH (n RETURN n"})
    assert response.status_code == 400
    error = response.json()["error"]
    assert (error["line"], error["column"]) == (1, 10)
    assert "(line 1, column 10)" in error["message"] and "EXPLAIN" not in error["message"]


def test_cypher_text_over_the_limit_is_413(neo_client: TestClient) -> None:
    response = neo_client.post("/cypher", json={"query": "RETURN 1 AS x //" + "x" * 40_000})
    assert response.status_code == 413


def test_a_hung_neo4j_leaves_sparql_fast_and_cypher_bounded(synced: StewardGraph, neo4j_target: dict[str, str]) -> None:
    pid_file = neo4j_pid_file(neo4j_target)
    if pid_file is None:
        pytest.fail("the Neo4j under test is not one this suite started, so it cannot be stopped", pytrace=False)
    pid = int(pid_file.read_text().strip())
    with TestClient(create_app_for(synced, query_timeout=2.0)) as client:
        assert client.post("/cypher", json={"query": "RETURN 1 AS one"}).status_code == 200
        os.kill(pid, signal.SIGSTOP)
        try:
            answers: list[int] = []
            hung = [threading.Thread(target=lambda: answers.append(
                client.post("/cypher", json={"query": "MATCH (n) RETURN count(n) AS n"}).status_code)) for _ in range(12)]
            started = time.monotonic()
            for thread in hung:
                thread.start()
            timings = []
            for _ in range(10):
                began = time.monotonic()
                response = client.get("/queries/foundation-tree")
                timings.append(time.monotonic() - began)
                assert response.status_code == 200
            assert max(timings) < 1.0, timings
            for thread in hung:
                thread.join(30)
            assert time.monotonic() - started < 20
            assert answers and all(code in (503, 504) for code in answers), answers
        finally:
            os.kill(pid, signal.SIGCONT)
        deadline = time.monotonic() + 30
        while client.post("/cypher", json={"query": "RETURN 1 AS one"}).status_code != 200:
            assert time.monotonic() < deadline
            time.sleep(0.5)


def neo4j_pid_file(target: dict[str, str]) -> Path | None:
    """The pid file of the Neo4j the suite started (none for an external STEWARDGRAPH_NEO4J_URI)."""
    home = target.get("neo4j_home")
    return Path(home) / "run" / "neo4j.pid" if home else None


def test_an_interrupted_sync_is_repaired_by_the_next_one(synced: StewardGraph, tmp_path: Path) -> None:
    class Interrupt(Exception):
        pass

    def stop_after_some(what: str, done: int, total: int) -> None:
        if what == "relationships":
            raise Interrupt

    with pytest.raises(Interrupt):
        synced.sync_neo4j(stop_after_some)
    smaller = StewardGraph(service_settings(tmp_path / "smaller", neo4j_uri=synced.settings.bolt_uri,
                                            neo4j_password=synced.settings.neo4j_password))
    try:
        smaller.build([FIXTURES / "curated" / "organizations.yaml"])
        report = smaller.sync_neo4j()
        assert report.repaired
        assert report.counts["nodes"]["Resource"] == len(smaller.projection().nodes)
        assert smaller.cypher_store.counts() == report.counts
        assert not smaller.sync_neo4j().repaired
    finally:
        smaller.close()
        synced.sync_neo4j()


def test_plan_check_refuses_writes_in_the_library_too(synced: StewardGraph) -> None:
    with pytest.raises(Forbidden, match="LOAD CSV"):
        synced.cypher("LOAD CSV FROM 'file:///etc/passwd' AS row RETURN row")


def test_huge_results_do_not_grow_the_server(synced: StewardGraph) -> None:
    s = synced.settings
    server = LiveServer(s.data_dir, STEWARDGRAPH_NEO4J_URI=s.bolt_uri,
                        STEWARDGRAPH_NEO4J_PASSWORD=s.neo4j_password.get_secret_value())
    try:
        body = {"query": "UNWIND range(1, 3000) AS i RETURN i, [x IN range(1, 10000) | 'xxxxxxxxxx'] AS strings",
                "timeout": 3}
        with httpx.Client(timeout=30) as http:
            http.post(server.url + "/cypher", json={"query": "RETURN 1 AS x"})
            before = memory_of(server.process.pid)
            for _ in range(3):
                started = time.monotonic()
                response = http.post(server.url + "/cypher", json=body)
                assert time.monotonic() - started < 6
                assert response.status_code in (200, 504)
                assert len(response.content) <= s.result_max_bytes * 1.1
        grown = memory_of(server.process.pid) - before
        assert grown < 200 * 2**20, f"the server grew by {grown // 2**20} MiB"
    finally:
        server.stop()


def test_reads_run_as_the_read_only_user_when_one_is_set(synced: StewardGraph) -> None:
    """Community has no roles to give such a user; here the user does not exist, which shows that
    reads (and only reads) go through it."""
    graph = StewardGraph(synced.settings.model_copy(update={"neo4j_read_user": "reader",
                                                            "neo4j_read_password": SecretStr("not-a-password")}))
    try:
        with pytest.raises(StoreError, match="refused the credentials"):
            graph.cypher("RETURN 1 AS one")
        with pytest.raises(StoreError, match="refused the credentials"):
            graph.run("foundation-tree", backend="neo4j")
        assert graph.cypher_store.counts()["nodes"]  # the sync's own user still works
    finally:
        graph.close()
