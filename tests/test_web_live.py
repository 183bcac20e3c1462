"""The real thing: `stewardgraph serve` (uvicorn) in a subprocess, queried by SPARQLWrapper and
httpx. Covers the protocol claims, updates with and without the token, and hard timeouts."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
import urllib.error
import xml.dom.minidom
from collections.abc import Iterator
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from SPARQLWrapper import CSV, JSON, JSONLD, POST, TSV, TURTLE, XML, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

from .conftest import FIXTURES, LiveServer, build_store

SELECT = "SELECT ?name WHERE { ?p a <https://w3id.org/stewardgraph/ns#Project> ; <http://www.w3.org/2000/01/rdf-schema#label> ?name } ORDER BY ?name"
NAMES = ["Gadget", "Gizmo", "OpenGizmo", "Widget"]
CONSTRUCT = "CONSTRUCT { ?p a <https://w3id.org/stewardgraph/ns#Project> } WHERE { ?p a <https://w3id.org/stewardgraph/ns#Project> }"
EXPENSIVE = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


def wrapper(live: LiveServer, query: str, fmt: str, *, method: str | None = None) -> SPARQLWrapper:
    client = SPARQLWrapper(live.url + "/sparql")
    client.setQuery(query)
    client.setReturnFormat(fmt)
    if method:
        client.setMethod(method)
    return client


@pytest.mark.parametrize("method", ["GET", POST])
def test_select_and_ask_in_json(live: LiveServer, method: str) -> None:
    result = wrapper(live, SELECT, JSON, method=method).query().convert()
    assert [b["name"]["value"] for b in result["results"]["bindings"]] == NAMES  # type: ignore[index]
    assert wrapper(live, "ASK { ?s ?p ?o }", JSON, method=method).query().convert() == {"head": {}, "boolean": True}


def test_select_and_ask_in_xml(live: LiveServer) -> None:
    document = wrapper(live, SELECT, XML).query().convert()
    assert isinstance(document, xml.dom.minidom.Document)
    assert [n.firstChild.data for n in document.getElementsByTagName("literal")] == NAMES  # type: ignore[union-attr]
    ask = wrapper(live, "ASK { <urn:none> ?p ?o }", XML).query().convert()
    assert ask.getElementsByTagName("boolean")[0].firstChild.data == "false"  # type: ignore[union-attr]


def test_select_and_ask_in_csv_and_tsv(live: LiveServer) -> None:
    csv_text = wrapper(live, SELECT, CSV).query().convert().decode()  # type: ignore[union-attr]
    assert csv_text.split("\r\n")[:5] == ["name", *NAMES]
    tsv_text = wrapper(live, SELECT, TSV).query().convert().decode()  # type: ignore[union-attr]
    assert tsv_text.splitlines() == ["?name", *[f'"{n}"' for n in NAMES]]
    assert wrapper(live, "ASK {}", CSV).query().convert().decode().split() == ["_askResult", "true"]  # type: ignore[union-attr]
    assert wrapper(live, "ASK {}", TSV).query().convert().decode().split() == ["_askResult", "true"]  # type: ignore[union-attr]


def test_construct_in_turtle_jsonld_and_ntriples(live: LiveServer) -> None:
    turtle = wrapper(live, CONSTRUCT, TURTLE).query().convert()
    assert len(list(ox.parse(turtle, format=ox.RdfFormat.TURTLE))) == 4  # type: ignore[arg-type]
    response = wrapper(live, CONSTRUCT, JSONLD).query()  # read raw: rdflib's JSON-LD graph is deprecated
    assert response.response.headers["content-type"].startswith("application/ld+json")
    assert len(list(ox.parse(response.response.read(), format=ox.RdfFormat.JSON_LD))) == 4
    client = wrapper(live, CONSTRUCT, TURTLE)
    client.addCustomHttpHeader("Accept", "application/n-triples")
    raw = client.query().response
    assert raw.headers["content-type"].startswith("application/n-triples")
    assert len(list(ox.parse(raw.read(), format=ox.RdfFormat.N_TRIPLES))) == 4


def test_not_acceptable(live: LiveServer) -> None:
    client = wrapper(live, SELECT, JSON)
    client.addCustomHttpHeader("Accept", "image/png")
    with pytest.raises(urllib.error.HTTPError) as info:
        client.query()
    assert info.value.code == 406
    info.value.close()


def test_malformed_query(live: LiveServer) -> None:
    with pytest.raises(QueryBadFormed) as info:
        wrapper(live, "SELECT ?x WHERE { ?x", JSON).query()
    assert "malformed query at line 1, column 21: unexpected end of the text" in str(info.value)


def test_named_queries_over_http_match_the_cli(live: LiveServer, served_dir: Path) -> None:
    script = Path(sys.executable).parent / "stewardgraph"
    calls = [
        ("project-history", {"project": "widget"}),
        ("steward-at", {"project": "Widget", "date": "2019"}),
        ("foundation-projects", {"foundation": "UF"}),
        ("foundation-members", {"foundation": "WF"}),
        ("transfers", {"from_date": "2019", "to_date": "2021"}),
    ]
    with httpx.Client(base_url=live.url) as http:
        for name, params in calls:
            args = [f"--param={k}={v}" for k, v in params.items()]
            cli = subprocess.run(
                [str(script), "--data-dir", str(served_dir), "query", "--name", name, *args, "--format", "json"],
                capture_output=True, text=True, check=True, timeout=60,
            )
            rows = json.loads(cli.stdout)
            assert rows, name
            assert http.get(f"/queries/{name}", params=params).json()["rows"] == rows
            csv_rows = http.get(f"/queries/{name}.csv", params=params).text.splitlines()
            assert len(csv_rows) == len(rows) + 1


def test_entity_iri_resolves_as_turtle(live: LiveServer) -> None:
    with httpx.Client() as http:
        response = http.get(live.url + "/id/project/widget", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    assert any(t.object.value == "Widget" for t in ox.parse(response.content, format=ox.RdfFormat.TURTLE))


# -- updates -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def writable(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    server = LiveServer(build_store(tmp_path_factory.mktemp("writable")), STEWARDGRAPH_UPDATE_TOKEN="let-me-in")
    yield server
    server.stop()


def test_update_refused_without_the_token_and_accepted_with_it(live: LiveServer, writable: LiveServer) -> None:
    insert = "INSERT DATA { GRAPH <urn:graph> { <urn:new> <urn:p> 'added' } }"
    ask = "ASK { <urn:new> ?p ?o }"
    for server, headers in ((live, {}), (writable, {}), (writable, {"Authorization": "Bearer wrong"})):
        client = wrapper(server, insert, JSON, method=POST)
        for key, value in headers.items():
            client.addCustomHttpHeader(key, value)
        with pytest.raises(urllib.error.HTTPError) as info:
            client.query()
        assert info.value.code == 403
        info.value.close()
        assert wrapper(server, ask, JSON).query().convert()["boolean"] is False  # type: ignore[index]
    client = wrapper(writable, insert, JSON, method=POST)
    client.addCustomHttpHeader("Authorization", "Bearer let-me-in")
    client.query().response.close()
    assert wrapper(writable, ask, JSON).query().convert()["boolean"] is True  # type: ignore[index]


# -- time limits -------------------------------------------------------------------------------


def _cpu_seconds_of_children(pid: int) -> float:
    """CPU time used so far by every descendant of pid, from /proc."""
    ticks = os.sysconf("SC_CLK_TCK")
    parents: dict[int, int] = {}
    usage: dict[int, float] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(entry.name)] = int(fields[1])
        usage[int(entry.name)] = (int(fields[11]) + int(fields[12])) / ticks
    descendants, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - descendants
        descendants |= frontier
    return sum(usage.get(p, 0.0) for p in descendants)


@pytest.mark.parametrize("requested", ["1", "30"])
def test_expensive_query_times_out_and_really_stops(live: LiveServer, requested: str) -> None:
    limit = min(float(requested), 2.0)  # the server's limit is 2 s; a request may lower it only
    outcome: dict[str, object] = {}

    def expensive() -> None:
        started = time.monotonic()
        with httpx.Client(timeout=30) as http:
            response = http.get(live.url + "/sparql", params={"query": EXPENSIVE, "timeout": requested})
        outcome["elapsed"] = time.monotonic() - started
        outcome["response"] = response

    worker = threading.Thread(target=expensive)
    worker.start()
    time.sleep(0.3)
    answered = []
    with httpx.Client(timeout=10) as http:
        while worker.is_alive():
            started = time.monotonic()
            cheap = http.get(live.url + "/queries/steward-at", params={"project": "widget", "date": "2016"})
            assert cheap.status_code == 200
            answered.append(time.monotonic() - started)
            time.sleep(0.1)
    worker.join()
    response = outcome["response"]
    assert isinstance(response, httpx.Response)
    assert response.status_code == 504
    assert response.json()["error"]["type"] == "QueryTimeout"
    assert outcome["elapsed"] <= limit + 1.0  # type: ignore[operator]
    assert len(answered) >= 3 and max(answered) < 1.0  # other requests kept being answered
    time.sleep(2.0)  # the killed worker's replacement starts up meanwhile
    before = _cpu_seconds_of_children(live.process.pid)
    time.sleep(1.0)
    assert _cpu_seconds_of_children(live.process.pid) - before < 0.2  # nothing is still burning CPU


def test_more_slow_queries_than_workers_do_not_block_the_rest(live: LiveServer) -> None:
    """Two workers busy with slow queries: a third worker starts for everyone else."""
    threads = []
    with httpx.Client(timeout=30) as http:
        for _ in range(2):
            thread = threading.Thread(target=lambda: httpx.get(live.url + "/sparql", params={"query": EXPENSIVE}, timeout=30))
            thread.start()
            threads.append(thread)
        time.sleep(0.5)
        started = time.monotonic()
        cheap = http.get(live.url + "/queries/steward-at", params={"project": "widget", "date": "2016"})
        elapsed = time.monotonic() - started
    for thread in threads:
        thread.join()
    assert cheap.status_code == 200
    assert elapsed < 1.9  # well before the slow queries' 2 s limit runs out
