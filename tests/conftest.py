from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from stewardgraph import Settings, StewardGraph
from stewardgraph.web import create_app

FIXTURES = Path(__file__).parent / "fixtures"
# The tests build the fictional fixture data alone, unless a test asks for the kept imports, and
# an import never rewrites the repository's kept facts (each test gets a directory of its own).
os.environ["STEWARDGRAPH_IMPORTS"] = ""
os.environ["STEWARDGRAPH_KEPT_DIR"] = tempfile.mkdtemp(prefix="stewardgraph-kept-")


@pytest.fixture(autouse=True)
def _kept_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STEWARDGRAPH_KEPT_DIR", str(tmp_path / "kept"))


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """In memory, over the small fictional fixture dataset."""
    return Settings(in_memory=True, data_dir=tmp_path / "data", curated_dir=FIXTURES / "curated")


@pytest.fixture
def disk_settings(tmp_path: Path) -> Settings:
    """On disk in a temporary directory, over the fixture dataset."""
    return Settings(data_dir=tmp_path / "data", curated_dir=FIXTURES / "curated")


@pytest.fixture
def graph(settings: Settings) -> Iterator[StewardGraph]:
    graph = StewardGraph(settings)
    yield graph
    graph.close()


@pytest.fixture
def loaded(graph: StewardGraph) -> StewardGraph:
    graph.build()
    return graph


@pytest.fixture
def write_yaml(tmp_path: Path):  # type: ignore[no-untyped-def]
    """Write curated YAML files into a fresh directory and return their paths."""
    directory = tmp_path / "curated"
    directory.mkdir()

    def write(**files: str) -> list[Path]:
        paths = []
        for name, text in files.items():
            path = directory / f"{name}.yaml"
            path.write_text(text, encoding="utf-8")
            paths.append(path)
        return paths

    return write


# -- the service ---------------------------------------------------------------------------------


def build_store(data_dir: Path) -> Path:
    """Build the fixture dataset into an on-disk store under data_dir."""
    graph = StewardGraph(Settings(data_dir=data_dir, curated_dir=FIXTURES / "curated"))
    graph.build()
    graph.close()
    return data_dir


@pytest.fixture(scope="session")
def served_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store of the fixture dataset that tests only read."""
    return build_store(tmp_path_factory.mktemp("served"))


def service_settings(data_dir: Path, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "data_dir": data_dir,
        "curated_dir": FIXTURES / "curated",
        "query_timeout": 3.0,
        "query_workers": 2,
        "row_cap": 1000,
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def client(served_dir: Path) -> Iterator[TestClient]:
    """The app in-process, over the read-only fixture store, with real worker processes."""
    with TestClient(create_app(service_settings(served_dir))) as test_client:
        yield test_client


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class LiveServer:
    """`stewardgraph serve` in a subprocess: the real CLI, uvicorn and worker processes."""

    def __init__(self, data_dir: Path, **env: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        script = Path(sys.executable).parent / "stewardgraph"
        environment = {**os.environ, "STEWARDGRAPH_DATA_DIR": str(data_dir),
                       "STEWARDGRAPH_QUERY_TIMEOUT": "2", **env}
        self.log = open(data_dir / f"serve-{self.port}.log", "w+b")  # noqa: SIM115
        self.process = subprocess.Popen(
            [str(script), "serve", "--port", str(self.port)], env=environment,
            stdout=self.log, stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                with httpx.Client() as http:
                    if http.get(self.url + "/sparql", params={"query": "ASK {}"}).status_code == 200:
                        return
            except httpx.HTTPError:
                time.sleep(0.2)
        self.stop()
        self.log.seek(0)
        raise RuntimeError(f"stewardgraph serve did not start:\n{self.log.read().decode()[-3000:]}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


@pytest.fixture(scope="session")
def live(served_dir: Path) -> Iterator[LiveServer]:
    server = LiveServer(served_dir)
    yield server
    server.stop()


# -- Neo4j ---------------------------------------------------------------------------------------

CACHE = Path(os.environ.get("STEWARDGRAPH_CACHE_DIR", Path(__file__).resolve().parent.parent / ".cache"))


@pytest.fixture(scope="session")
def neo4j_target(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """Settings for a real Neo4j: the one STEWARDGRAPH_NEO4J_URI names, or one started here from
    the Maven jars (never skipped: CI must run the Neo4j tests)."""
    from stewardgraph.servers.neo4j import Neo4jConfig, start_neo4j, stop_neo4j

    if os.environ.get("STEWARDGRAPH_NEO4J_URI"):
        yield {"neo4j_uri": os.environ["STEWARDGRAPH_NEO4J_URI"],
               "neo4j_password": os.environ.get("STEWARDGRAPH_NEO4J_PASSWORD", "stewardgraph")}
        return
    config = Neo4jConfig(home=tmp_path_factory.mktemp("neo4j-session"), cache_dir=CACHE / "neo4j",
                         bolt_port=free_port(), http_port=free_port())
    try:
        start_neo4j(config)
    except RuntimeError as error:
        pytest.fail(f"cannot start Neo4j: {error}", pytrace=False)
    try:
        yield {"neo4j_uri": config.bolt_uri, "neo4j_password": config.password,
               "neo4j_http": config.http_url, "neo4j_home": str(config.home)}
    finally:
        stop_neo4j(config)


@pytest.fixture(scope="session")
def synced(served_dir: Path, neo4j_target: dict[str, str]) -> Iterator[StewardGraph]:
    """The fixture dataset, synced into the session's Neo4j."""
    settings = service_settings(served_dir, neo4j_uri=neo4j_target["neo4j_uri"],
                                neo4j_password=neo4j_target["neo4j_password"])
    graph = StewardGraph(settings)
    graph.sync_neo4j()
    yield graph
    graph.close()


from .browsing import browser, tab  # noqa: E402,F401  (fixtures for every browser test)
