"""A round trip through a real Apache Jena Fuseki server started by stewardgraph.servers.fuseki.

Needs java (17+) and, until the Fuseki jar is cached, mvn with access to Maven Central. The jar
is cached under ``$STEWARDGRAPH_CACHE_DIR/maven`` (default ``<repo>/.cache/maven``).
"""

from __future__ import annotations

import json
import os
import shutil
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from stewardgraph.servers.fuseki import DEFAULT_VERSION, FusekiServer, start_fuseki

REPO = Path(__file__).resolve().parent.parent
CACHE = Path(os.environ.get("STEWARDGRAPH_CACHE_DIR", REPO / ".cache")) / "maven"
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))

GRAPH = "http://example.org/graph/one"
TRIPLE = '<http://example.org/s> <http://example.org/p> "o" .'


def _java_available() -> bool:
    java_home = os.environ.get("JAVA_HOME")
    return (Path(java_home) / "bin" / "java").is_file() if java_home else bool(shutil.which("java"))


def _jar_available() -> bool:
    return (CACHE / f"jena-fuseki-server-{DEFAULT_VERSION}.jar").is_file() or bool(
        shutil.which("mvn")
    )


@pytest.fixture(scope="module")
def fuseki(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FusekiServer]:
    if not _java_available():
        pytest.skip("java is not installed")
    if not _jar_available():
        pytest.skip("mvn is not installed and the Fuseki jar is not cached")
    server = start_fuseki(cache_dir=CACHE, work_dir=tmp_path_factory.mktemp("fuseki"))
    yield server
    server.stop()


def _call(
    method: str, url: str, data: bytes | None = None, headers: dict[str, str] | None = None
) -> tuple[int, str]:
    request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with OPENER.open(request, timeout=30) as response:
            return int(response.status), response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.read().decode("utf-8")


def _query(server: FusekiServer, query: str, accept: str) -> str:
    status, body = _call(
        "POST",
        server.query_url,
        urllib.parse.urlencode({"query": query}).encode(),
        {"Accept": accept, "Content-Type": "application/x-www-form-urlencoded"},
    )
    assert status == 200, body
    return body


def test_fuseki_round_trip(fuseki: FusekiServer) -> None:
    graph_url = f"{fuseki.gsp_url}?{urllib.parse.urlencode({'graph': GRAPH})}"

    # Graph Store Protocol: PUT an N-Triples document into a named graph.
    status, body = _call(
        "PUT", graph_url, (TRIPLE + "\n").encode(), {"Content-Type": "application/n-triples"}
    )
    assert status in (200, 201, 204), body

    # A query without GRAPH sees the named graph: the default graph is the union.
    results = json.loads(
        _query(fuseki, "SELECT * WHERE { ?s ?p ?o }", "application/sparql-results+json")
    )
    assert results["results"]["bindings"] == [
        {
            "s": {"type": "uri", "value": "http://example.org/s"},
            "p": {"type": "uri", "value": "http://example.org/p"},
            "o": {"type": "literal", "value": "o"},
        }
    ]

    constructed = _query(
        fuseki, "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", "application/n-triples"
    )
    assert constructed.strip() == TRIPLE

    # SPARQL Update.
    status, body = _call(
        "POST",
        fuseki.update_url,
        b"INSERT DATA { GRAPH <http://example.org/graph/two> "
        b"{ <http://example.org/a> <http://example.org/b> 1 } }",
        {"Content-Type": "application/sparql-update"},
    )
    assert status in (200, 204), body
    count = json.loads(
        _query(fuseki, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "application/sparql-results+json")
    )
    assert count["results"]["bindings"][0]["n"]["value"] == "2"

    # Graph Store Protocol: DELETE the graph; a second DELETE finds nothing.
    assert _call("DELETE", graph_url)[0] in (200, 204)
    assert _call("DELETE", graph_url)[0] == 404
    remaining = _query(
        fuseki, "ASK { GRAPH <http://example.org/graph/one> { ?s ?p ?o } }", "application/sparql-results+json"
    )
    assert json.loads(remaining)["boolean"] is False
