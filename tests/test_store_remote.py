"""The remote SPARQL backend against a real Apache Jena Fuseki started by the test suite."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from stewardgraph import Settings, StewardGraph
from stewardgraph.cli import main
from stewardgraph.servers.fuseki import FusekiServer, start_fuseki
from stewardgraph.web import create_app

from .conftest import FIXTURES
from .test_web_named_queries import CALLS

REPO = Path(__file__).resolve().parent.parent
CACHE = Path(os.environ.get("STEWARDGRAPH_CACHE_DIR", REPO / ".cache")) / "maven"


@pytest.fixture(scope="module")
def fuseki(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FusekiServer]:
    if not shutil.which("java"):
        pytest.skip("java is not installed, so Fuseki cannot run")
    server = start_fuseki(cache_dir=CACHE, work_dir=tmp_path_factory.mktemp("fuseki"))
    yield server
    server.stop()


def remote_env(server: FusekiServer) -> dict[str, str]:
    return {
        "STEWARDGRAPH_BACKEND": "remote",
        "STEWARDGRAPH_REMOTE_QUERY_URL": server.query_url,
        "STEWARDGRAPH_REMOTE_UPDATE_URL": server.update_url,
        "STEWARDGRAPH_REMOTE_GSP_URL": server.gsp_url,
    }


def remote_settings(server: FusekiServer) -> Settings:
    return Settings(
        backend="remote", remote_query_url=server.query_url, remote_update_url=server.update_url,
        remote_gsp_url=server.gsp_url, curated_dir=FIXTURES / "curated", query_timeout=10,
    )


@pytest.fixture(scope="module")
def published(fuseki: FusekiServer) -> FusekiServer:
    """The fixture dataset, published with the real command line."""
    env = {**os.environ, **remote_env(fuseki)}
    done = subprocess.run(
        [str(Path(sys.executable).parent / "stewardgraph"), "--curated-dir", str(FIXTURES / "curated"),
         "build", "--target", "remote"],
        env=env, capture_output=True, text=True, timeout=120, check=False,
    )
    assert done.returncode == 0, done.stderr
    return fuseki


@pytest.fixture
def remote(published: FusekiServer) -> Iterator[StewardGraph]:
    graph = StewardGraph(remote_settings(published))
    yield graph
    graph.close()


def test_one_named_graph_per_source(remote: StewardGraph) -> None:
    graphs = [r["graph"] for r in remote.stats()["graphs"].rows]
    assert graphs == [
        "https://w3id.org/stewardgraph/graph/curated/facts",
        "https://w3id.org/stewardgraph/graph/curated/organizations",
        "https://w3id.org/stewardgraph/graph/ontology",
    ]


@pytest.mark.parametrize(("name", "params"), CALLS)
def test_named_queries_give_the_same_rows_as_the_embedded_store(
    remote: StewardGraph, loaded: StewardGraph, name: str, params: dict[str, str]
) -> None:
    there, here = remote.run(name, params), loaded.run(name, params)
    assert there.columns == here.columns
    assert there.rows == here.rows


def test_export_matches_the_embedded_store(remote: StewardGraph, loaded: StewardGraph) -> None:
    def quads(graph: StewardGraph) -> set[str]:
        return {str(q) for q in ox.parse(graph.export("nquads"), format=ox.RdfFormat.N_QUADS)}

    assert quads(remote) == quads(loaded)


def test_republishing_replaces_the_graphs(published: FusekiServer, tmp_path: Path) -> None:
    only = tmp_path / "organizations.yaml"
    only.write_text((FIXTURES / "curated" / "organizations.yaml").read_text())
    graph = StewardGraph(remote_settings(published))
    try:
        graph.build([only])
        graphs = [r["graph"] for r in graph.stats()["graphs"].rows]
        assert graphs == ["https://w3id.org/stewardgraph/graph/curated/organizations",
                          "https://w3id.org/stewardgraph/graph/ontology"]
        graph.build()  # and back, for the other tests
        assert len(graph.stats()["graphs"].rows) == 3
    finally:
        graph.close()


def test_the_service_runs_over_the_remote_backend(published: FusekiServer) -> None:
    with TestClient(create_app(remote_settings(published))) as client:
        response = client.get("/queries/steward-at", params={"project": "widget", "date": "2016"})
        assert response.json()["rows"] == [{"steward": "Acme Widgets", "role": "owner", "since": "2015", "until": "2020-06-15",
                                            "organization": "https://w3id.org/stewardgraph/id/organization/acme"}]
        sparql = client.get("/sparql", params={"query": "ASK { ?p a <https://w3id.org/stewardgraph/ns#Project> }"})
        assert sparql.json()["boolean"] is True
        assert client.get("/projects/widget").json()["timeline"][0]["steward"]["id"] == "acme"
        bad = client.get("/sparql", params={"query": "SELECT ?x WHERE { ?x"})
        assert bad.status_code == 400


def test_unreachable_server_is_a_clear_error() -> None:
    graph = StewardGraph(Settings(backend="remote", remote_query_url="http://127.0.0.1:9/none/query"))
    result = CliRunner().invoke(main, ["query", "ASK {}"], env={"STEWARDGRAPH_BACKEND": "remote",
                                                                "STEWARDGRAPH_REMOTE_QUERY_URL": "http://127.0.0.1:9/q"})
    assert result.exit_code == 1 and "cannot reach the remote SPARQL server" in result.stderr
    graph.close()
