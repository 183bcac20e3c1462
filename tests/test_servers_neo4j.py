"""A real Neo4j Community server started by stewardgraph.servers.neo4j: Bolt, Browser, stop.

Needs java (17 or 21) and, until the jars are cached, mvn with access to Maven Central; without
them the tests fail (they are never skipped for that). The jars are cached under
``$STEWARDGRAPH_CACHE_DIR/neo4j`` (default ``<repo>/.cache/neo4j``).

Set ``STEWARDGRAPH_NEO4J_URI`` (e.g. ``bolt://127.0.0.1:7687``) to run the Bolt and Browser
tests against a server that is already running instead, with ``STEWARDGRAPH_NEO4J_PASSWORD``
(default ``stewardgraph``, user ``neo4j``) and ``STEWARDGRAPH_NEO4J_HTTP`` (default port 7474 on
the URI's host); the start/stop test then does not apply.
"""

from __future__ import annotations

import json
import os
import socket
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from neo4j import GraphDatabase

from stewardgraph.servers import neo4j as neo4j_harness
from stewardgraph.servers.neo4j import (
    NEO4J_VERSION,
    Neo4jConfig,
    find_java,
    neo4j_classpath,
    neo4j_status,
    start_neo4j,
    stop_neo4j,
)

REPO = Path(__file__).resolve().parent.parent
CACHE = Path(os.environ.get("STEWARDGRAPH_CACHE_DIR", REPO / ".cache")) / "neo4j"
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


@dataclass(frozen=True)
class Target:
    """The server under test; ``config`` is None for a reused server (not ours to stop)."""

    uri: str
    http_url: str
    password: str
    config: Neo4jConfig | None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def neo4j_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Target]:
    uri = os.environ.get("STEWARDGRAPH_NEO4J_URI")
    if uri:
        host = urllib.parse.urlsplit(uri).hostname or "127.0.0.1"
        yield Target(
            uri=uri,
            http_url=os.environ.get("STEWARDGRAPH_NEO4J_HTTP", f"http://{host}:7474").rstrip("/"),
            password=os.environ.get("STEWARDGRAPH_NEO4J_PASSWORD", "stewardgraph"),
            config=None,
        )
        return
    bolt_port = _free_port()
    http_port = _free_port()
    while http_port == bolt_port:
        http_port = _free_port()
    config = Neo4jConfig(
        home=tmp_path_factory.mktemp("neo4j"),
        cache_dir=CACHE,
        bolt_port=bolt_port,
        http_port=http_port,
    )
    try:
        find_java()
        start_neo4j(config)
    except RuntimeError as error:
        pytest.fail(f"cannot run the Neo4j {NEO4J_VERSION} server: {error}", pytrace=False)
    try:
        yield Target(config.bolt_uri, config.http_url, config.password, config)
    finally:
        stop_neo4j(config)


def _get(url: str) -> tuple[int, str]:
    with OPENER.open(url, timeout=30) as response:
        return int(response.status), response.read().decode("utf-8")


def _count(target: Target, marker: str) -> int:
    with GraphDatabase.driver(target.uri, auth=("neo4j", target.password)) as driver:
        records, _, _ = driver.execute_query(
            "MATCH (n:StewardGraphProbe {marker: $marker}) RETURN count(n) AS n", marker=marker
        )
        count: int = records[0]["n"]
        return count


def test_bolt_round_trip(neo4j_server: Target) -> None:
    marker = uuid.uuid4().hex
    with GraphDatabase.driver(neo4j_server.uri, auth=("neo4j", neo4j_server.password)) as driver:
        driver.verify_connectivity()
        with driver.session() as session:
            created = session.run(
                "CREATE (n:StewardGraphProbe {marker: $marker, name: 'probe', size: 3}) "
                "RETURN n.marker AS marker",
                marker=marker,
            ).single(strict=True)
            assert created["marker"] == marker
            found = session.run(
                "MATCH (n:StewardGraphProbe {marker: $marker}) RETURN n.name AS name, n.size AS size",
                marker=marker,
            ).data()
            assert found == [{"name": "probe", "size": 3}]
            deleted = session.run(
                "MATCH (n:StewardGraphProbe {marker: $marker}) DELETE n RETURN count(*) AS n",
                marker=marker,
            ).single(strict=True)
            assert deleted["n"] == 1
    assert _count(neo4j_server, marker) == 0


def test_browser_served(neo4j_server: Target) -> None:
    status, body = _get(f"{neo4j_server.http_url}/browser/")
    assert status == 200
    assert "<title>Neo4j Browser</title>" in body

    # The discovery document advertises this server's own local addresses.
    status, body = _get(f"{neo4j_server.http_url}/")
    assert status == 200
    discovery = json.loads(body)
    assert discovery["neo4j_edition"] == "community"
    if neo4j_server.config is not None:
        config = neo4j_server.config
        assert discovery["neo4j_version"] == NEO4J_VERSION
        assert discovery["bolt_direct"] == config.bolt_uri
        assert discovery["transaction"] == f"{config.http_url}/db/{{databaseName}}/tx"


def test_status_stop_and_restart(neo4j_server: Target, monkeypatch: pytest.MonkeyPatch) -> None:
    # Runs last: it stops the module's server (and leaves it stopped).
    config = neo4j_server.config
    if config is None:
        pytest.skip("STEWARDGRAPH_NEO4J_URI is set: the reused server is not ours to stop")
    status = neo4j_status(config)
    pid = status["pid"]
    assert status == {
        "running": True,
        "pid": pid,
        "bolt": config.bolt_uri,
        "http": config.http_url,
        "version": NEO4J_VERSION,
    }
    assert isinstance(pid, int)
    assert config.pid_file.read_text(encoding="utf-8").strip() == str(pid)
    # Starting again while it runs returns the running server.
    assert start_neo4j(config) == pid

    assert stop_neo4j(config) is True
    assert neo4j_status(config) == {
        "running": False,
        "pid": None,
        "bolt": config.bolt_uri,
        "http": config.http_url,
        "version": None,
    }
    assert not config.pid_file.exists()
    assert stop_neo4j(config) is False

    # A restart needs no download (mvn is not even looked for) and keeps the password.
    def no_mvn() -> str:
        raise AssertionError("mvn was needed although the jars are cached")

    monkeypatch.setattr(neo4j_harness, "find_mvn", no_mvn)
    assert neo4j_classpath(config.cache_dir)
    new_pid = start_neo4j(config)
    try:
        with GraphDatabase.driver(config.bolt_uri, auth=("neo4j", config.password)) as driver:
            records, _, _ = driver.execute_query("RETURN 1 AS one")
            assert records[0]["one"] == 1
        assert neo4j_status(config)["pid"] == new_pid
    finally:
        assert stop_neo4j(config) is True
    assert neo4j_status(config)["running"] is False


def test_the_first_start_says_it_is_downloading(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Maven can take a minute or two the first time: the user is told, not left with silence."""
    from stewardgraph.servers.neo4j_maven import NEO4J_VERSION, resolve_classpath

    with pytest.raises(RuntimeError, match="could not fetch"):
        resolve_classpath(tmp_path / "neo4j", find_mvn=lambda: "/bin/false")  # a Maven that fails at once
    assert f"fetching Neo4j {NEO4J_VERSION} and its libraries from Maven Central" in capsys.readouterr().err
