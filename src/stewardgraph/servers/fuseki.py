"""Run a real Apache Jena Fuseki server for tests and development.

The standalone server jar ``org.apache.jena:jena-fuseki-server`` is fetched once from Maven
Central with ``mvn dependency:copy`` into a cache directory, then started with ``java -jar``
over a generated configuration that defines one in-memory TDB2 dataset whose default graph is
the union of its named graphs. The dataset offers SPARQL query (at ``/query`` and at the dataset
root), SPARQL update (``/update``) and the read-write Graph Store Protocol (``/data``).

Queries honour a ``timeout`` request parameter (Fuseki 5.6: whole seconds only, ``X`` or
``X,Y``). ``X`` alone limits the time to the *first* result; ``X,Y`` adds an overall limit ``Y``,
so pass ``timeout=N,N`` for an overall timeout. A timed-out query answers HTTP 503 "Query timed
out". A fractional value such as ``0.5`` is rejected with a warning in the server log and the
query then runs without a timeout.

Only the standard library is used: the harness needs ``java`` (17 or later; ``$JAVA_HOME/bin/java``
when ``JAVA_HOME`` is set) and, until the jar is cached, ``mvn``.
"""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from stewardgraph.servers import common
from stewardgraph.servers.common import HOST, LOG_TAIL_LINES, free_port, http_get, tail
from stewardgraph.servers.processes import stop_child

__all__ = [
    "DEFAULT_VERSION",
    "FusekiServer",
    "find_java",
    "find_mvn",
    "fuseki_jar",
    "start_fuseki",
]

DEFAULT_VERSION = "5.6.0"
GROUP_ID = "org.apache.jena"
ARTIFACT_ID = "jena-fuseki-server"
STOP_GRACE_SECONDS = 20.0
LOG_NAME = "fuseki.log"
CONFIG_NAME = "fuseki-config.ttl"

_DATASET_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*")


@dataclass(frozen=True)
class FusekiServer:
    """A running Fuseki server with one dataset."""

    port: int
    dataset: str
    process: subprocess.Popen[bytes]

    @property
    def base_url(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def dataset_url(self) -> str:
        return f"{self.base_url}/{self.dataset}"

    @property
    def query_url(self) -> str:
        """The SPARQL 1.1 query endpoint."""
        return f"{self.dataset_url}/query"

    @property
    def update_url(self) -> str:
        """The SPARQL 1.1 update endpoint."""
        return f"{self.dataset_url}/update"

    @property
    def gsp_url(self) -> str:
        """The read-write SPARQL 1.1 Graph Store Protocol endpoint."""
        return f"{self.dataset_url}/data"

    @property
    def ping_url(self) -> str:
        return f"{self.base_url}/$/ping"

    def stop(self) -> None:
        """Terminate the server cleanly and wait; kill it if it is still running after 20 s.

        Does nothing for one that has already stopped.
        """
        stop_child(self.process, STOP_GRACE_SECONDS)


def find_java() -> str:
    """The java executable: ``$JAVA_HOME/bin/java`` if JAVA_HOME is set, else ``java`` on PATH."""
    return common.find_java(
        needs="Fuseki needs Java 17 or later",
        missing="install a JDK/JRE 17 or later (e.g. OpenJDK 17) and put java on PATH, "
        "or set JAVA_HOME",
    )


def find_mvn() -> str:
    """The Maven executable on PATH."""
    return common.find_mvn(
        fetches=f"{GROUP_ID}:{ARTIFACT_ID} from Maven Central "
        "(or place the jar in the cache directory)"
    )


def fuseki_jar(cache_dir: Path, version: str = DEFAULT_VERSION) -> Path:
    """The standalone Fuseki server jar, fetched from Maven Central into ``cache_dir`` once.

    If ``cache_dir/jena-fuseki-server-{version}.jar`` already exists nothing is downloaded.
    Otherwise runs ``mvn -q -B dependency:copy -Dartifact=org.apache.jena:jena-fuseki-server:
    {version}`` into a temporary directory beside the jar and moves the jar into place, so a
    failed or concurrent download never leaves a partial jar behind.
    """
    cache_dir = Path(cache_dir)
    jar = cache_dir / f"{ARTIFACT_ID}-{version}.jar"
    if jar.is_file() and jar.stat().st_size > 0:
        return jar
    mvn = find_mvn()
    cache_dir.mkdir(parents=True, exist_ok=True)
    artifact = f"{GROUP_ID}:{ARTIFACT_ID}:{version}:jar"
    with tempfile.TemporaryDirectory(prefix=".fuseki-download-", dir=cache_dir) as tmp:
        staging = Path(tmp)
        arguments = ["dependency:copy", f"-Dartifact={artifact}", f"-DoutputDirectory={staging}"]
        result = common.run_maven(mvn, arguments, cwd=staging)
        downloaded = staging / jar.name
        if result.returncode != 0 or not downloaded.is_file():
            raise common.maven_failure(result, artifact)
        os.replace(downloaded, jar)
    return jar


def fuseki_config(dataset: str) -> str:
    """A Fuseki configuration (Turtle) with one in-memory TDB2 dataset named ``dataset``."""
    _check_dataset(dataset)
    return f"""\
@prefix fuseki: <http://jena.apache.org/fuseki#> .
@prefix rdf:    <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix tdb2:   <http://jena.apache.org/2016/tdb#> .

[] rdf:type fuseki:Server .

<#service> rdf:type fuseki:Service ;
    fuseki:name "{dataset}" ;
    # SPARQL query at the dataset root and at /query
    fuseki:endpoint [ fuseki:operation fuseki:query ] ;
    fuseki:endpoint [ fuseki:operation fuseki:query ; fuseki:name "query" ] ;
    fuseki:endpoint [ fuseki:operation fuseki:update ; fuseki:name "update" ] ;
    # Graph Store Protocol, read-write
    fuseki:endpoint [ fuseki:operation fuseki:gsp-rw ; fuseki:name "data" ] ;
    fuseki:dataset <#dataset> .

# In memory; queries without GRAPH see the union of all named graphs.
<#dataset> rdf:type tdb2:DatasetTDB2 ;
    tdb2:location "--mem--" ;
    tdb2:unionDefaultGraph true .
"""


def start_fuseki(
    *,
    cache_dir: Path,
    work_dir: Path,
    port: int = 0,
    dataset: str = "stewardgraph",
    timeout: float = 90,
    version: str = DEFAULT_VERSION,
) -> FusekiServer:
    """Start Fuseki on 127.0.0.1 and wait until it answers ``/$/ping``.

    ``port`` 0 picks a free port. The configuration, the server log (``fuseki.log``) and
    Fuseki's run area (``run/``) go into ``work_dir``. Raises RuntimeError, with the end of the
    log, if the server exits or does not answer within ``timeout`` seconds.
    """
    _check_dataset(dataset)
    java = find_java()
    jar = fuseki_jar(Path(cache_dir), version)
    work_dir = Path(work_dir)
    work_dir.mkdir(parents=True, exist_ok=True)
    config = work_dir / CONFIG_NAME
    config.write_text(fuseki_config(dataset), encoding="utf-8")
    log = work_dir / LOG_NAME
    env = dict(os.environ)
    env["FUSEKI_BASE"] = str(work_dir / "run")
    # A port picked here can be taken by someone else before Java binds it: then try another.
    attempts = 3 if port == 0 else 1
    deadline = time.monotonic() + timeout
    for attempt in range(1, attempts + 1):
        chosen = port or free_port()
        command = [
            java,
            "-Xmx512m",
            "-jar",
            str(jar),
            f"--config={config}",
            f"--port={chosen}",
            "--localhost",
        ]
        with log.open("wb") as log_file:
            log_file.write(f"$ {subprocess.list2cmdline(command)}\n".encode())
            log_file.flush()
            process = subprocess.Popen(
                command,
                cwd=work_dir,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log_file,
                stderr=subprocess.STDOUT,
            )
        server = FusekiServer(port=chosen, dataset=dataset, process=process)
        try:
            problem = _wait_until_up(server, process, deadline, timeout)
        except BaseException:
            server.stop()
            raise
        if problem is None:
            return server
        server.stop()
        log_tail = tail(log)
        if attempt < attempts and "Failed to bind" in log_tail and time.monotonic() < deadline:
            continue
        raise RuntimeError(f"{problem}; last {LOG_TAIL_LINES} lines of {log}:\n{log_tail}")
    raise AssertionError("unreachable")  # pragma: no cover


def _wait_until_up(
    server: FusekiServer, process: subprocess.Popen[bytes], deadline: float, timeout: float
) -> str | None:
    """None once the server answers its ping, else what went wrong."""
    while True:
        status = process.poll()
        if status is not None:
            return f"Fuseki exited with status {status} during startup"
        # Check the process again after the ping: another server may hold the port.
        if http_get(server.ping_url) is not None and process.poll() is None:
            return None
        if time.monotonic() >= deadline:
            return f"Fuseki did not answer {server.ping_url} within {timeout:g} s"
        time.sleep(0.1)


def _check_dataset(dataset: str) -> None:
    if not _DATASET_NAME.fullmatch(dataset):
        raise ValueError(
            f"bad Fuseki dataset name {dataset!r}: use letters, digits, '_', '.' and '-'"
        )
