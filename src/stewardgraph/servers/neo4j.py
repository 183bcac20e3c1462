"""Run a real Neo4j Community server (5.26 LTS) for tests and development, without Docker.

The server's runtime jars, ``org.neo4j:neo4j`` with its compile- and runtime-scope dependencies
plus the Neo4j Browser (``org.neo4j.client:neo4j-browser``), are resolved once from Maven Central
with ``mvn dependency:copy-dependencies`` into ``cache_dir/lib``. The server is then started
directly from that classpath with ``java ... org.neo4j.server.CommunityEntryPoint``, bypassing
Neo4j's bootloader, over a generated ``conf/neo4j.conf`` in a server home (``conf/``, ``data/``,
``logs/``, ``run/``, ``plugins/``, ``import/``). It listens on 127.0.0.1 only: Bolt, HTTP (the
transactional and query APIs, and the Browser at ``/browser/``), no HTTPS. Authentication is
on; the initial password of user ``neo4j`` is set with the ``neo4j-admin dbms
set-initial-password`` command (``org.neo4j.cli.AdminTool``) before the first start.

The server runs detached (its own session, not a child of the Python process, which it
outlives); its pid is kept in ``run/neo4j.pid``, so :func:`neo4j_status` and
:func:`stop_neo4j` work from any process.

Only the standard library and the ``neo4j`` driver are used: the harness needs ``java`` (17 or
21; ``$JAVA_HOME/bin/java`` when ``JAVA_HOME`` is set) and, until the jars are cached, ``mvn``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from neo4j import GraphDatabase
from neo4j.exceptions import AuthError, DriverError, Neo4jError

__all__ = [
    "BROWSER_VERSION",
    "NEO4J_VERSION",
    "Neo4jConfig",
    "find_java",
    "find_mvn",
    "neo4j_classpath",
    "neo4j_jvm_flags",
    "neo4j_status",
    "start_neo4j",
    "stop_neo4j",
    "write_config",
]

# The newest 5.26 LTS patch on Maven Central (built for Java 17: runs on 17 and 21).
NEO4J_VERSION = "5.26.30"
# The newest neo4j-browser on Maven Central; later Browser releases are not published there.
BROWSER_VERSION = "5.24.0"
ARTIFACTS = (
    ("org.neo4j", "neo4j", NEO4J_VERSION),
    ("org.neo4j.client", "neo4j-browser", BROWSER_VERSION),
)
# Pinned so the resolution does not depend on the Maven version's default (2.8 in Maven 3.8).
DEPENDENCY_PLUGIN_VERSION = "3.8.1"
MAIN_CLASS = "org.neo4j.server.CommunityEntryPoint"
ADMIN_CLASS = "org.neo4j.cli.AdminTool"
HOST = "127.0.0.1"
USER = "neo4j"
LOG_TAIL_LINES = 40
KILL_WAIT_SECONDS = 10.0
PID_NAME = "neo4j.pid"
CONSOLE_LOG = "console.log"
USER_LOG = "neo4j.log"
MARKER_NAME = ".stewardgraph-classpath.json"
HOME_DIRS = ("conf", "data", "logs", "run", "plugins", "import")
HTTP_MODULES = ("TRANSACTIONAL_ENDPOINTS", "UNMANAGED_EXTENSIONS", "BROWSER", "QUERY_API_ENDPOINTS")

# The ``server.jvm.additional`` defaults of the neo4j.conf shipped with Neo4j 5.26, which the
# bootloader (bin/neo4j) would pass and which CommunityEntryPoint therefore needs from us. The
# --add-opens / --enable-native-access set is also the one that Neo4j 5.26.30's own config
# migrator (org.neo4j.commandline.dbms.ConfigFileMigrator) insists on. Left out on purpose:
# -XX:+AlwaysPreTouch (would commit the whole heap at startup) and the profiling-only
# -XX:FlightRecorderOptions=stackdepth=256, -XX:+UnlockDiagnosticVMOptions, -XX:+DebugNonSafepoints.
# -Dfile.encoding=UTF-8 is what the bootloader adds by itself.
MODULE_FLAGS = (
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "--enable-native-access=ALL-UNNAMED",
)
JVM_FLAGS = (
    "-XX:+UseG1GC",
    "-XX:-OmitStackTraceInFastThrow",
    "-XX:+UnlockExperimentalVMOptions",
    "-XX:+TrustFinalNonStaticFields",
    "-XX:+DisableExplicitGC",
    "-Djdk.nio.maxCachedBufferSize=1024",
    "-Dio.netty.tryReflectionSetAccessible=true",
    "-Djdk.tls.ephemeralDHKeySize=2048",
    "-Djdk.tls.rejectClientInitiatedRenegotiation=true",
    *MODULE_FLAGS,
    "-Dlog4j2.disable.jmx=true",
    "-Dlog4j.layout.jsonTemplate.maxStringLength=32768",
    "-Dfile.encoding=UTF-8",
)
# A short-lived JVM for neo4j-admin commands.
ADMIN_JVM_FLAGS = (
    "-Xmx256m",
    "-XX:+UseSerialGC",
    "-XX:TieredStopAtLevel=1",
    *MODULE_FLAGS,
    "-Dlog4j2.disable.jmx=true",
    "-Dfile.encoding=UTF-8",
)

_ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_MEMORY_SIZE = re.compile(r"[1-9][0-9]*[kKmMgG]")
# Never send requests to the local server through a proxy from the environment.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))
# Started with ``python -I -c _LAUNCHER LOG COMMAND...``: starts COMMAND in a new session with
# its output appended to LOG, prints its pid and exits at once, so the server is not our child
# (no zombie to reap, no Popen object to keep) and outlives us like a daemon.
_LAUNCHER = """\
import os, subprocess, sys
with open(sys.argv[1], "ab") as log:
    process = subprocess.Popen(
        sys.argv[2:], stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
        start_new_session=True,
    )
print(process.pid, flush=True)
os._exit(0)
"""


@dataclass(frozen=True)
class Neo4jConfig:
    """Where and how to run one Neo4j server.

    ``home`` holds the server's ``conf/``, ``data/``, ``logs/``, ``run/`` (the pid file) and
    ``plugins/``; ``cache_dir`` holds the jars (``lib/``) and can be shared between homes.
    ``password`` is the *initial* password of user ``neo4j``: it only takes effect while the
    home has no databases yet, that is before the first start.
    """

    home: Path
    cache_dir: Path
    bolt_port: int = 7687
    http_port: int = 7474
    password: str = "stewardgraph"
    heap: str = "512m"
    pagecache: str = "128m"

    def __post_init__(self) -> None:
        for name in ("bolt_port", "http_port"):
            port = getattr(self, name)
            if not isinstance(port, int) or not 0 < port < 65536:
                raise ValueError(f"{name} must be a TCP port number, not {port!r}")
        if self.bolt_port == self.http_port:
            raise ValueError(f"bolt_port and http_port are both {self.bolt_port}")
        if len(self.password) < 8 or any(c in self.password for c in "\r\n\0"):
            raise ValueError("password must have at least 8 characters and no line breaks")
        for name in ("heap", "pagecache"):
            size = getattr(self, name)
            if not _MEMORY_SIZE.fullmatch(size):
                raise ValueError(f"{name} must be a size such as '512m' or '1g', not {size!r}")

    @property
    def bolt_uri(self) -> str:
        return f"bolt://{HOST}:{self.bolt_port}"

    @property
    def http_url(self) -> str:
        return f"http://{HOST}:{self.http_port}"

    @property
    def pid_file(self) -> Path:
        return _home(self) / "run" / PID_NAME


def find_java() -> str:
    """The java executable: ``$JAVA_HOME/bin/java`` if JAVA_HOME is set, else ``java`` on PATH."""
    java_home = os.environ.get("JAVA_HOME")
    if java_home:
        candidate = Path(java_home) / "bin" / ("java.exe" if os.name == "nt" else "java")
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
        raise RuntimeError(
            f"JAVA_HOME is set to {java_home!r} but {candidate} is not an executable; "
            f"Neo4j {NEO4J_VERSION} needs Java 17 or 21"
        )
    found = shutil.which("java")
    if found is None:
        raise RuntimeError(
            f"java not found: Neo4j {NEO4J_VERSION} needs a JDK/JRE 17 or 21 (e.g. OpenJDK 17); "
            "put java on PATH or set JAVA_HOME"
        )
    return found


def find_mvn() -> str:
    """The Maven executable on PATH."""
    found = shutil.which("mvn")
    if found is None:
        raise RuntimeError(
            "mvn not found: install Apache Maven and put mvn on PATH; it is needed once to fetch "
            f"org.neo4j:neo4j:{NEO4J_VERSION} and its dependencies from Maven Central"
        )
    return found


def neo4j_classpath(cache_dir: Path) -> list[Path]:
    """The server's runtime jars, resolved from Maven Central into ``cache_dir/lib`` once.

    Resolves ``org.neo4j:neo4j:{NEO4J_VERSION}`` with its compile- and runtime-scope
    dependencies (such as ``neo4j-record-storage-engine``) and
    ``org.neo4j.client:neo4j-browser:{BROWSER_VERSION}`` through a generated pom.xml and
    ``mvn -q -B dependency:copy-dependencies -DincludeScope=runtime``. A marker file in ``lib/``
    records the artifacts and jars; while it matches, nothing is downloaded and mvn is not run.
    The jars are collected in a temporary directory and moved into place when complete.
    """
    cache_dir = Path(cache_dir).absolute()
    lib = cache_dir / "lib"
    cached = _cached_jars(lib)
    if cached is not None:
        return cached
    mvn = find_mvn()
    cache_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".neo4j-download-", dir=cache_dir) as tmp:
        staging = Path(tmp)
        pom = staging / "pom.xml"
        pom.write_text(_pom(), encoding="utf-8")
        output_dir = staging / "lib"
        command = [
            mvn,
            "-q",
            "-B",
            "-Dstyle.color=never",
            "-f",
            str(pom),
            "dependency:copy-dependencies",
            "-DincludeScope=runtime",
            f"-DoutputDirectory={output_dir}",
        ]
        result = subprocess.run(
            command,
            cwd=staging,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            check=False,
        )
        jars = sorted(p.name for p in output_dir.glob("*.jar")) if output_dir.is_dir() else []
        missing = [name for name in _required_jars() if name not in jars]
        if result.returncode != 0 or missing:
            # Maven writes its errors to stdout; report both streams.
            streams = (_ANSI_ESCAPE.sub("", s).strip() for s in (result.stderr, result.stdout))
            output = "\n".join(s for s in streams if s)
            problem = f"exit status {result.returncode}"
            if result.returncode == 0:
                problem += f", but {', '.join(missing)} missing"
            raise RuntimeError(
                f"could not fetch {', '.join(_coordinates())} and their runtime dependencies "
                f"from Maven Central ({problem}).\n"
                f"command: {subprocess.list2cmdline(command)}\n"
                f"output:\n{output or '(none)'}"
            )
        marker = {"artifacts": _coordinates(), "jars": jars}
        (output_dir / MARKER_NAME).write_text(json.dumps(marker, indent=1), encoding="utf-8")
        if lib.exists():
            # Incomplete, or for other versions: move it out of the way (deleted with staging).
            os.replace(lib, staging / "stale-lib")
        try:
            os.replace(output_dir, lib)
        except OSError:
            # Another process has just put a lib/ in place; use it if it is complete.
            cached = _cached_jars(lib)
            if cached is None:
                raise
            return cached
    return [lib / name for name in jars]


def neo4j_jvm_flags(config: Neo4jConfig) -> list[str]:
    """The JVM options for the server: heap size plus Neo4j's default ``server.jvm.additional``."""
    return [f"-Xms{config.heap}", f"-Xmx{config.heap}", *JVM_FLAGS]


def write_config(config: Neo4jConfig) -> Path:
    """Write ``home/conf/neo4j.conf`` (and set the initial password); returns the file.

    Creates the home's directories. While the home has no system database yet (before the first
    start) it also runs ``neo4j-admin dbms set-initial-password`` (``org.neo4j.cli.AdminTool``
    on the server's classpath, which needs the jars: see :func:`neo4j_classpath`), which writes
    ``data/dbms/auth.ini``; the server applies it when it creates its system database.
    """
    home = _home(config)
    for name in HOME_DIRS:
        (home / name).mkdir(parents=True, exist_ok=True)
    conf = home / "conf" / "neo4j.conf"
    _write_atomically(conf, _neo4j_conf(config, home))
    if not (home / "data" / "databases" / "system").exists():
        _set_initial_password(config, home)
    return conf


def start_neo4j(config: Neo4jConfig, *, timeout: float = 120) -> int:
    """Start Neo4j for ``config.home``; returns the pid once it is ready.

    Ready means Bolt accepts the password (checked with the driver's ``verify_connectivity``)
    and HTTP answers. If a server is already running for this home (its pid file names a live
    Neo4j process for it) no other is started: this waits until it is ready and returns its
    pid. Otherwise the jars are fetched if needed, the configuration is (re)written and the
    server is launched detached, with its console output in ``logs/console.log`` (the server's
    own logs are ``logs/neo4j.log`` and ``logs/debug.log``). ``timeout`` counts from the launch,
    not the download. Raises RuntimeError, with the end of the logs, if the server exits, does
    not answer in time, or rejects the password; a server started here is then stopped again.
    """
    home = _home(config)
    deadline = time.monotonic() + timeout
    pid = _read_pid(config)
    if pid is not None:
        if _is_server_for(pid, home):
            problem = _wait_until_up(config, pid, deadline, timeout)
            if problem is None:
                return pid
            raise RuntimeError(f"{problem} (already running, pid {pid}).\n{_log_tails(home)}")
        config.pid_file.unlink(missing_ok=True)  # stale
    java = find_java()
    classpath = neo4j_classpath(config.cache_dir)
    write_config(config)
    for port in (config.bolt_port, config.http_port):
        if not _port_is_free(port):
            raise RuntimeError(
                f"cannot start Neo4j for {home}: port {port} on {HOST} is already in use"
            )
    command = [
        java,
        *neo4j_jvm_flags(config),
        "-cp",
        os.pathsep.join(str(jar) for jar in classpath),
        MAIN_CLASS,
        f"--home-dir={home}",
        f"--config-dir={home / 'conf'}",
    ]
    shown = [*command]
    shown[shown.index("-cp") + 1] = f"<{len(classpath)} jars in {classpath[0].parent}>"
    console = home / "logs" / CONSOLE_LOG
    console.write_text(f"$ {subprocess.list2cmdline(shown)}\n", encoding="utf-8")
    pid = _launch(command, console, home)
    deadline = time.monotonic() + timeout
    try:
        _write_atomically(config.pid_file, f"{pid}\n")
        problem = _wait_until_up(config, pid, deadline, timeout)
    except BaseException:
        _terminate(pid, KILL_WAIT_SECONDS)
        config.pid_file.unlink(missing_ok=True)
        raise
    if problem is None:
        return pid
    _terminate(pid, KILL_WAIT_SECONDS)
    config.pid_file.unlink(missing_ok=True)
    raise RuntimeError(f"{problem}.\n{_log_tails(home)}")


def neo4j_status(config: Neo4jConfig) -> dict[str, Any]:
    """Whether a server runs for this home, its pid, addresses and (if it answers) version.

    ``running`` means the pid file names a live Neo4j process for this home; ``version`` is
    read from the HTTP discovery document and is None while the server does not answer.
    """
    home = _home(config)
    pid = _read_pid(config)
    running = pid is not None and _is_server_for(pid, home)
    return {
        "running": running,
        "pid": pid if running else None,
        "bolt": config.bolt_uri,
        "http": config.http_url,
        "version": _http_version(config) if running else None,
    }


def stop_neo4j(config: Neo4jConfig, *, timeout: float = 60) -> bool:
    """Stop the server for this home: SIGTERM, wait ``timeout`` s, then SIGKILL.

    Removes the pid file. Returns True if a server was running. A pid file naming a process that
    is not this home's Neo4j server is only removed, the process is left alone.
    """
    home = _home(config)
    pid = _read_pid(config)
    if pid is None:
        return False
    running = _is_server_for(pid, home)
    if running:
        _terminate(pid, timeout)
    config.pid_file.unlink(missing_ok=True)
    return running


# -- configuration ---------------------------------------------------------------------------


def _home(config: Neo4jConfig) -> Path:
    return Path(config.home).absolute()


def _neo4j_conf(config: Neo4jConfig, home: Path) -> str:
    bolt = f"{HOST}:{config.bolt_port}"
    http = f"{HOST}:{config.http_port}"
    jvm = "\n".join(f"server.jvm.additional={flag}" for flag in JVM_FLAGS)
    return f"""\
# Generated by stewardgraph.servers.neo4j.write_config, rewritten on every start:
# change the Neo4jConfig instead of this file.
initial.dbms.default_database=neo4j

server.directories.data={home / "data"}
server.directories.logs={home / "logs"}
server.directories.run={home / "run"}
server.directories.plugins={home / "plugins"}
server.directories.import={home / "import"}

# Local connections only: Bolt and HTTP (with the Browser at /browser/); no HTTPS.
server.default_listen_address={HOST}
server.default_advertised_address={HOST}
server.bolt.enabled=true
server.bolt.listen_address={bolt}
server.bolt.advertised_address={bolt}
server.http.enabled=true
server.http.listen_address={http}
server.http.advertised_address={http}
server.https.enabled=false
server.http_enabled_modules={",".join(HTTP_MODULES)}

dbms.security.auth_enabled=true
dbms.usage_report.enabled=false

# Small: this server shares the machine with tests and other services.
server.memory.heap.initial_size={config.heap}
server.memory.heap.max_size={config.heap}
server.memory.pagecache.size={config.pagecache}
# Transaction logs grow as needed (not 256 MiB preallocated per database) and stay small.
db.tx_log.preallocate=false
db.tx_log.rotation.retention_policy=100M size
# Bolt's event loops otherwise wait 2 x 5 s of quiet period on shutdown (after the databases
# have been checkpointed and closed).
internal.dbms.bolt.netty_server_shutdown_quiet_period=0
# Enforce transaction time limits promptly (the default check runs every 2 s), and refuse to
# read files with LOAD CSV even if a query got that far.
db.transaction.monitor.check.interval=100ms
dbms.security.allow_csv_import_from_file_urls=false

# Passed by stewardgraph.servers.neo4j itself (CommunityEntryPoint runs without the
# bootloader, which would read these); listed here for reference.
{jvm}
"""


def _set_initial_password(config: Neo4jConfig, home: Path) -> None:
    java = find_java()
    classpath = neo4j_classpath(config.cache_dir)
    command = [
        java,
        *ADMIN_JVM_FLAGS,
        "-cp",
        os.pathsep.join(str(jar) for jar in classpath),
        ADMIN_CLASS,
        "dbms",
        "set-initial-password",
        config.password,
    ]
    env = _clean_env()
    env["NEO4J_HOME"] = str(home)
    env["NEO4J_CONF"] = str(home / "conf")
    result = subprocess.run(
        command,
        cwd=home,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0 or not (home / "data" / "dbms" / "auth.ini").is_file():
        output = "\n".join(s.strip() for s in (result.stdout, result.stderr) if s.strip())
        shown = [*command[:-1], "<password>"]
        shown[shown.index("-cp") + 1] = "<classpath>"
        raise RuntimeError(
            f"could not set the initial Neo4j password (exit status {result.returncode}).\n"
            f"command: {subprocess.list2cmdline(shown)}\n"
            f"output:\n{output.replace(config.password, '<password>') or '(none)'}"
        )


def _pom() -> str:
    dependencies = "\n".join(
        f"    <dependency><groupId>{group}</groupId><artifactId>{artifact}</artifactId>"
        f"<version>{version}</version></dependency>"
        for group, artifact, version in ARTIFACTS
    )
    return f"""\
<?xml version="1.0" encoding="UTF-8"?>
<!-- Generated by stewardgraph.servers.neo4j to collect the Neo4j server's runtime jars. -->
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.stewardgraph</groupId>
  <artifactId>neo4j-runtime</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
{dependencies}
  </dependencies>
  <build>
    <pluginManagement>
      <plugins>
        <plugin>
          <groupId>org.apache.maven.plugins</groupId>
          <artifactId>maven-dependency-plugin</artifactId>
          <version>{DEPENDENCY_PLUGIN_VERSION}</version>
        </plugin>
      </plugins>
    </pluginManagement>
  </build>
</project>
"""


def _coordinates() -> list[str]:
    return [f"{group}:{artifact}:{version}" for group, artifact, version in ARTIFACTS]


def _required_jars() -> list[str]:
    return [
        f"neo4j-{NEO4J_VERSION}.jar",
        f"neo4j-record-storage-engine-{NEO4J_VERSION}.jar",
        f"neo4j-browser-{BROWSER_VERSION}.jar",
    ]


def _cached_jars(lib: Path) -> list[Path] | None:
    """The jars in ``lib`` if its marker matches the wanted artifacts and they all exist."""
    try:
        marker = json.loads((lib / MARKER_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(marker, dict) or marker.get("artifacts") != _coordinates():
        return None
    names = marker.get("jars")
    if not isinstance(names, list) or not names or not all(isinstance(n, str) for n in names):
        return None
    jars = [lib / name for name in names]
    if not all(jar.is_file() for jar in jars):
        return None
    return jars


# -- processes -------------------------------------------------------------------------------


def _clean_env() -> dict[str, str]:
    """The environment without variables that Neo4j's tools read instead of our arguments."""
    ignored = {"NEO4J_HOME", "NEO4J_CONF", "JAVA_OPTS", "HEAP_SIZE", "JAVA_TOOL_OPTIONS"}
    return {key: value for key, value in os.environ.items() if key not in ignored}


def _read_pid(config: Neo4jConfig) -> int | None:
    try:
        text = config.pid_file.read_text(encoding="utf-8").strip()
    except OSError:
        return None
    return int(text) if text.isdigit() and int(text) > 0 else None


def _launch(command: list[str], log: Path, cwd: Path) -> int:
    """Start ``command`` detached (see ``_LAUNCHER``), output appended to ``log``; its pid."""
    result = subprocess.run(
        [sys.executable, "-I", "-c", _LAUNCHER, str(log), *command],
        cwd=cwd,
        env=_clean_env(),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    if result.returncode != 0 or not result.stdout.strip().isdigit():
        output = "\n".join(s.strip() for s in (result.stdout, result.stderr) if s.strip())
        raise RuntimeError(
            f"could not launch Neo4j ({command[0]}; exit status {result.returncode}):\n"
            f"{output or '(no output)'}"
        )
    return int(result.stdout)


def _is_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # A zombie waiting for its parent has finished.
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return True
    return stat.rpartition(")")[2].split()[:1] != ["Z"]


def _is_server_for(pid: int, home: Path) -> bool:
    """Whether ``pid`` is a live Neo4j server for ``home`` (where /proc tells; else: is alive)."""
    if not _is_alive(pid):
        return False
    try:
        args = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace").split("\0")
    except OSError:
        return not Path("/proc/self").exists()
    return MAIN_CLASS in args and f"--home-dir={home}" in args


def _terminate(pid: int, timeout: float) -> None:
    """SIGTERM, wait up to ``timeout`` s, then SIGKILL and wait."""
    for sig, wait in ((signal.SIGTERM, timeout), (signal.SIGKILL, KILL_WAIT_SECONDS)):
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            break
        deadline = time.monotonic() + wait
        while _is_alive(pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        if not _is_alive(pid):
            break


def _wait_until_up(config: Neo4jConfig, pid: int, deadline: float, timeout: float) -> str | None:
    """None once Bolt accepts the password and HTTP answers, else what went wrong.

    HTTP (and so the Browser) comes up a moment after Bolt, so both are awaited.
    """
    bolt_ready = False
    while True:
        if not _is_alive(pid):
            return f"Neo4j (pid {pid}) exited during startup"
        if not bolt_ready and _port_answers(config.bolt_port):
            try:
                with GraphDatabase.driver(
                    config.bolt_uri, auth=(USER, config.password), connection_timeout=5
                ) as driver:
                    driver.verify_connectivity()
            except AuthError as error:
                return (
                    f"Neo4j at {config.bolt_uri} rejected the password of user {USER!r} "
                    f"({error.message}); the initial password only applies to a new home, "
                    f"before its first start"
                )
            except (DriverError, Neo4jError, OSError):
                pass
            else:
                bolt_ready = True
        # Check the process again at the end: another server may hold the ports.
        if bolt_ready and _http_version(config) is not None and _is_alive(pid):
            return None
        if time.monotonic() >= deadline:
            where = config.http_url if bolt_ready else config.bolt_uri
            return f"Neo4j (pid {pid}) did not answer on {where} within {timeout:g} s"
        time.sleep(0.25)


def _port_answers(port: int) -> bool:
    try:
        with socket.create_connection((HOST, port), timeout=1):
            return True
    except OSError:
        return False


def _port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        # As the server does: connections left in TIME_WAIT do not make the port busy.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((HOST, port))
        except OSError:
            return False
        return True


def _http_version(config: Neo4jConfig) -> str | None:
    """The ``neo4j_version`` of the HTTP discovery document (no authentication needed)."""
    request = urllib.request.Request(config.http_url + "/", headers={"Accept": "application/json"})
    try:
        with _OPENER.open(request, timeout=2) as response:
            document = json.loads(response.read().decode("utf-8"))
    except urllib.error.HTTPError as error:
        error.close()
        return None
    except (OSError, ValueError):
        return None
    version = document.get("neo4j_version") if isinstance(document, dict) else None
    return version if isinstance(version, str) else None


# -- files -----------------------------------------------------------------------------------


def _write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


def _tail(path: Path, lines: int = LOG_TAIL_LINES) -> str:
    try:
        with path.open(encoding="utf-8", errors="replace") as file:
            return "".join(deque(file, maxlen=lines)).rstrip("\n") or "(empty log)"
    except OSError as error:
        return f"(cannot read the log: {error})"


def _log_tails(home: Path) -> str:
    logs = home / "logs"
    parts = [
        f"last {LOG_TAIL_LINES} lines of {logs / name}:\n{_tail(logs / name)}"
        for name in (CONSOLE_LOG, USER_LOG)
        if (logs / name).exists()
    ]
    return "\n".join(parts) or f"(no logs in {logs})"
