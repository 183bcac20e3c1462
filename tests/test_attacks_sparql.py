"""Attacks on the SPARQL side of the service, each against the real app with real workers.

Request forgery (SERVICE, LOAD, FROM), worker churn (tiny timeouts, deep nesting), memory,
bodies and heads, bad encodings, and paths that used to give a 5xx.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from SPARQLWrapper import JSON, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

from stewardgraph.web import create_app

from .attack import Listener, listening, worker_pids
from .conftest import LiveServer, build_store, service_settings

CHEAP = "ASK { ?s ?p ?o }"
CROSS = "SELECT ?a ?b ?c WHERE { ?a ?p ?b . ?c ?q ?d . ?e ?r ?f } ORDER BY ?a ?b ?c ?d ?e ?f"
GRAPH = "https://w3id.org/stewardgraph/graph/curated/facts"


@pytest.fixture
def listener() -> Iterator[Listener]:
    with listening() as server:
        yield server


def forging(url: str) -> list[str]:
    return [
        f"SELECT * WHERE {{ SERVICE <{url}/x> {{ ?s ?p ?o }} }}",
        f"select * where {{ service silent <{url}/x> {{ ?s ?p ?o }} }}",
        f"PREFIX x: <{url}/> SELECT * WHERE {{ SERVICE x:y {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ BIND(<{url}/x> AS ?e) SERVICE ?e {{ ?s ?p ?o }} }}",
        "SELECT * WHERE " + "{ " * 7 + f"SERVICE <{url}/sparql> {{ ?s ?p ?o }}" + " }" * 7,
        f"ASK {{ FILTER EXISTS {{ SERVICE <{url}/x> {{ ?s ?p ?o }} }} }}",
    ]


def test_service_is_refused_in_every_spelling_and_nothing_is_fetched(client: TestClient, listener: Listener) -> None:
    for query in forging(listener.url):
        for response in (
            client.get("/sparql", params={"query": query}),
            client.post("/sparql", data={"query": query}),
            client.post("/sparql", content=query, headers={"Content-Type": "application/sparql-query"}),
        ):
            assert response.status_code == 400, (query, response.text)
            error = response.json()["error"]
            assert error["type"] == "QueryRefused" and "would make the server fetch a URL" in error["message"]
    assert listener.requests == []


def test_service_is_refused_by_the_live_server_to_sparqlwrapper(live: LiveServer, listener: Listener) -> None:
    sparql = SPARQLWrapper(live.url + "/sparql")
    sparql.setQuery(f"SELECT * WHERE {{ SERVICE <{listener.url}/db/neo4j/tx/commit> {{ ?s ?p ?o }} }}")
    sparql.setReturnFormat(JSON)
    with pytest.raises(QueryBadFormed, match="would make the server fetch a URL"):
        sparql.query()
    assert listener.requests == []


def test_updates_that_fetch_are_refused_even_with_the_token(tmp_path: Path, listener: Listener) -> None:
    settings = service_settings(build_store(tmp_path), update_token="s3cret")
    auth = {"Authorization": "Bearer s3cret"}
    with TestClient(create_app(settings)) as client:
        before = client.get("/sparql", params={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"}).json()
        for update in (f"LOAD <{listener.url}/data.ttl>",
                       f"LOAD SILENT <{listener.url}/data.ttl> INTO GRAPH <urn:g>",
                       f"INSERT {{ ?s ?p ?o }} WHERE {{ SERVICE <{listener.url}/x> {{ ?s ?p ?o }} }}"):
            response = client.post("/sparql", data={"update": update}, headers=auth)
            assert response.status_code == 400, response.text
            assert response.json()["error"]["type"] == "QueryRefused"
        after = client.get("/sparql", params={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"}).json()
    assert before == after
    assert listener.requests == []


def test_an_allowed_endpoint_is_fetched_and_no_other(served_dir: Path, listener: Listener) -> None:
    settings = service_settings(served_dir, allowed_endpoints=f"{listener.url}/sparql")
    with TestClient(create_app(settings)) as client:
        allowed = client.get("/sparql", params={"query": f"SELECT * WHERE {{ SERVICE <{listener.url}/sparql> {{ ?s ?p ?o }} }}"})
        assert allowed.status_code == 200, allowed.text
        other = client.get("/sparql", params={"query": f"SELECT * WHERE {{ SERVICE <{listener.url}/other> {{ ?s ?p ?o }} }}"})
        assert other.status_code == 400
    assert [r.split("?")[0] for r in listener.requests] in (["POST /sparql"], ["GET /sparql"])


def test_graphs_may_only_be_graphs_of_the_store(client: TestClient, listener: Listener) -> None:
    named = client.get("/sparql", params={"query": f"SELECT (COUNT(*) AS ?n) FROM <{GRAPH}> WHERE {{ ?s ?p ?o }}"})
    assert named.status_code == 200 and int(named.json()["results"]["bindings"][0]["n"]["value"]) > 0
    for params in ({"query": f"SELECT * FROM <{listener.url}/g.ttl> WHERE {{ ?s ?p ?o }}"},
                   {"query": f"SELECT * FROM NAMED <{listener.url}/g.ttl> WHERE {{ ?s ?p ?o }}"},
                   {"query": CHEAP, "default-graph-uri": f"{listener.url}/g.ttl"},
                   {"query": CHEAP, "named-graph-uri": f"{listener.url}/g.ttl"}):
        response = client.get("/sparql", params=params)
        assert response.status_code == 400, params
        assert "is not a graph of this store" in response.json()["error"]["message"]
    bad = client.get("/sparql", params={"query": CHEAP, "default-graph-uri": "not an iri"})
    assert bad.status_code == 400
    assert bad.json()["error"] == {"status": 400, "type": "ParameterError", "parameter": "default-graph-uri",
                                   "message": "parameter 'default-graph-uri': 'not an iri' is not an IRI"}
    assert listener.requests == []


def test_tiny_timeouts_are_raised_to_the_floor_and_kill_no_worker(client: TestClient) -> None:
    store = client.app.state.graph.store  # type: ignore[attr-defined]
    client.get("/sparql", params={"query": CHEAP})
    before = worker_pids(store)
    for timeout in ("0.000001", "1e-300", "0.01"):
        response = client.get("/sparql", params={"query": CHEAP, "timeout": timeout})
        assert response.status_code == 200, response.text
    assert worker_pids(store) == before


def test_deep_and_long_queries_are_refused_before_a_worker(client: TestClient) -> None:
    store = client.app.state.graph.store  # type: ignore[attr-defined]
    before = worker_pids(store)
    deep = "SELECT * WHERE " + "{ " * 5000 + "?s ?p ?o" + " }" * 5000  # 20 KB
    response = client.post("/sparql", data={"query": deep})
    assert response.status_code == 400 and "nested more than 64 deep" in response.json()["error"]["message"]
    long = "SELECT * WHERE { ?s ?p ?o } #" + "x" * 40_000
    response = client.post("/sparql", data={"query": long})
    assert response.status_code == 413 and response.json()["error"]["type"] == "TooLarge"
    assert worker_pids(store) == before


def test_the_cli_refuses_a_deep_query_without_crashing(served_dir: Path) -> None:
    deep = "SELECT * WHERE " + "{ " * 5000 + "?s ?p ?o" + " }" * 5000
    script = Path(sys.executable).parent / "stewardgraph"
    done = subprocess.run([str(script), "--data-dir", str(served_dir), "query", "-"], input=deep, text=True,
                          capture_output=True, timeout=60)
    assert done.returncode == 1, done.stderr
    assert "nested more than 64 deep" in done.stderr and "Traceback" not in done.stderr


def test_a_query_past_the_memory_bound_is_a_400_and_costs_no_other_request(served_dir: Path) -> None:
    settings = service_settings(served_dir, query_memory_mb=128, query_timeout=30.0)
    with TestClient(create_app(settings)) as client:
        answers: list[int] = []

        def cheap_queries() -> None:
            for _ in range(20):
                answers.append(client.get("/sparql", params={"query": CHEAP}).status_code)
                time.sleep(0.05)

        helper = threading.Thread(target=cheap_queries)
        helper.start()
        started = time.monotonic()
        response = client.get("/sparql", params={"query": CROSS})
        helper.join()
        assert response.status_code == 400, response.text
        assert "needed more than 128 MiB of memory" in response.json()["error"]["message"]
        assert time.monotonic() - started < 25
        assert answers == [200] * 20
        assert client.get("/sparql", params={"query": CHEAP}).status_code == 200  # the pool recovered


def test_bad_utf8_in_bodies_is_a_400(client: TestClient) -> None:
    bad = b"SELECT * WHERE { ?s ?p \"\xff\xfe\" }"
    direct = client.post("/sparql", content=bad, headers={"Content-Type": "application/sparql-query"})
    assert direct.status_code == 400 and direct.json()["error"]["parameter"] == "query"
    form = client.post("/sparql", content=b"query=" + bad, headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert form.status_code == 400 and form.json()["error"]["parameter"] == "body"
    encoded = client.post("/sparql", content=b"query=%FF%FE", headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert encoded.status_code == 400
    update = client.post("/sparql", content=b"\xff", headers={"Content-Type": "application/sparql-update"})
    assert update.status_code == 400


def test_bodies_over_the_limit_get_413(served_dir: Path) -> None:
    settings = service_settings(served_dir, max_body_bytes=10_000)
    with TestClient(create_app(settings)) as client:
        declared = client.post("/sparql", content=b"x" * 20_000, headers={"Content-Type": "application/sparql-query"})
        assert declared.status_code == 413 and declared.json()["error"]["type"] == "TooLarge"

        def chunks() -> Iterator[bytes]:
            for _ in range(20):
                yield b"#" + b"x" * 999

        streamed = client.post("/sparql", content=chunks(), headers={"Content-Type": "application/sparql-query"})
        assert streamed.status_code == 413
        assert "at least" in streamed.json()["error"]["message"]
        assert client.post("/sparql", content=CHEAP, headers={"Content-Type": "application/sparql-query"}).status_code == 200


def test_a_head_over_the_limit_is_refused_and_the_server_goes_on(live: LiveServer) -> None:
    with httpx.Client(timeout=10) as http:
        response = http.get(live.url + "/sparql", params={"query": CHEAP}, headers={"X-Padding": "x" * 40_000})
        assert response.status_code == 431 and response.json()["error"]["type"] == "TooLarge"
        assert http.get(live.url + "/sparql", params={"query": CHEAP}).status_code == 200


def test_entity_paths_that_are_not_ids_are_a_400(client: TestClient) -> None:
    for path in ("/id/project/%3E%20%3C", "/id/project/a%22b", "/id/organization/%7Bx%7D"):
        response = client.get(path)
        assert response.status_code == 400, path
        assert response.json()["error"]["parameter"] == "slug"


def test_a_huge_literal_renders_fast_and_clipped(tmp_path: Path) -> None:
    settings = service_settings(build_store(tmp_path), update_token="t")
    huge = "word " * 1_000_000  # 5 MB
    with TestClient(create_app(settings)) as client:
        update = ("PREFIX dcterms: <http://purl.org/dc/terms/> INSERT DATA { "
                  f"<https://w3id.org/stewardgraph/id/project/widget> dcterms:abstract \"{huge}\" }}")
        headers = {"Authorization": "Bearer t", "Content-Type": "application/sparql-update"}
        assert client.post("/sparql", content=update.encode(), headers=headers).status_code == 413
    settings = service_settings(tmp_path, update_token="t", max_body_bytes=8_000_000, query_max_bytes=8_000_000)
    with TestClient(create_app(settings)) as client:
        assert client.post("/sparql", content=update.encode(), headers=headers).status_code == 200
        started = time.monotonic()
        page = client.get("/id/project/widget", headers={"Accept": "text/html"})
        assert page.status_code == 200
        assert time.monotonic() - started < 5
        assert "more characters)" in page.text and len(page.text) < 200_000
        jsonld = client.get("/id/project/widget", headers={"Accept": "application/ld+json"})
        assert jsonld.status_code == 200 and len(jsonld.content) > 5_000_000


def descendants(pid: int) -> set[int]:
    found = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
    children = {int(p) for p in found}
    return children.union(*(descendants(child) for child in children)) if children else set()


def test_sigterm_stops_the_server_within_seconds_while_a_query_runs(served_dir: Path) -> None:
    server = LiveServer(served_dir, STEWARDGRAPH_QUERY_TIMEOUT="60")
    try:
        slow = threading.Thread(
            target=lambda: httpx.get(server.url + "/sparql", params={"query": CROSS}, timeout=70), daemon=True)
        slow.start()
        time.sleep(1.0)
        processes = descendants(server.process.pid)
        assert processes  # the workers
        started = time.monotonic()
        server.process.send_signal(signal.SIGTERM)
        server.process.wait(15)
        assert time.monotonic() - started < 8
    finally:
        server.stop()
    time.sleep(0.5)
    alive = [pid for pid in processes if Path(f"/proc/{pid}").exists()
             and "zombie" not in Path(f"/proc/{pid}/status").read_text().lower()]
    assert alive == []
