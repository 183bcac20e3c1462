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
import subprocess
import time
from pathlib import Path
from typing import Any

from neo4j import GraphDatabase
from neo4j.exceptions import AuthError, DriverError, Neo4jError

from stewardgraph.servers import common
from stewardgraph.servers.common import (
    HOST,
    LOG_TAIL_LINES,
    http_get,
    port_answers,
    port_is_free,
    tail,
    write_atomically,
)
from stewardgraph.servers.neo4j_config import (
    ADMIN_CLASS,
    ADMIN_JVM_FLAGS,
    HOME_DIRS,
    MAIN_CLASS,
    USER,
    Neo4jConfig,
    neo4j_conf,
    neo4j_home,
    neo4j_jvm_flags,
)
from stewardgraph.servers.neo4j_maven import (
    BROWSER_VERSION,
    NEO4J_VERSION,
    find_mvn,
    resolve_classpath,
)
from stewardgraph.servers.processes import (
    KILL_WAIT_SECONDS,
    command_line,
    is_alive,
    launch_detached,
    terminate,
)

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

CONSOLE_LOG = "console.log"
USER_LOG = "neo4j.log"


def find_java() -> str:
    """The java executable: ``$JAVA_HOME/bin/java`` if JAVA_HOME is set, else ``java`` on PATH."""
    return common.find_java(
        needs=f"Neo4j {NEO4J_VERSION} needs Java 17 or 21",
        missing=f"Neo4j {NEO4J_VERSION} needs a JDK/JRE 17 or 21 (e.g. OpenJDK 17); "
        "put java on PATH or set JAVA_HOME",
    )


def neo4j_classpath(cache_dir: Path) -> list[Path]:
    """The server's runtime jars, resolved from Maven Central into ``cache_dir/lib`` once.

    Resolves ``org.neo4j:neo4j:{NEO4J_VERSION}`` with its compile- and runtime-scope
    dependencies (such as ``neo4j-record-storage-engine``) and
    ``org.neo4j.client:neo4j-browser:{BROWSER_VERSION}`` through a generated pom.xml and
    ``mvn -q -B dependency:copy-dependencies -DincludeScope=runtime``. A marker file in ``lib/``
    records the artifacts and jars; while it matches, nothing is downloaded and mvn is not run.
    The jars are collected in a temporary directory and moved into place when complete.
    """
    # find_mvn is looked up here, in this module, on every call: replacing
    # stewardgraph.servers.neo4j.find_mvn (as the tests do) changes what is used.
    return resolve_classpath(cache_dir, find_mvn)


def write_config(config: Neo4jConfig) -> Path:
    """Write ``home/conf/neo4j.conf`` (and set the initial password); returns the file.

    Creates the home's directories. While the home has no system database yet (before the first
    start) it also runs ``neo4j-admin dbms set-initial-password`` (``org.neo4j.cli.AdminTool``
    on the server's classpath, which needs the jars: see :func:`neo4j_classpath`), which writes
    ``data/dbms/auth.ini``; the server applies it when it creates its system database.
    """
    home = neo4j_home(config)
    for name in HOME_DIRS:
        (home / name).mkdir(parents=True, exist_ok=True)
    conf = home / "conf" / "neo4j.conf"
    write_atomically(conf, neo4j_conf(config, home))
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
    home = neo4j_home(config)
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
        if not port_is_free(port):
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
    pid = launch_detached(command, console, cwd=home, env=_clean_env(), name="Neo4j")
    deadline = time.monotonic() + timeout
    try:
        write_atomically(config.pid_file, f"{pid}\n")
        problem = _wait_until_up(config, pid, deadline, timeout)
    except BaseException:
        terminate(pid, KILL_WAIT_SECONDS)
        config.pid_file.unlink(missing_ok=True)
        raise
    if problem is None:
        return pid
    terminate(pid, KILL_WAIT_SECONDS)
    config.pid_file.unlink(missing_ok=True)
    raise RuntimeError(f"{problem}.\n{_log_tails(home)}")


def neo4j_status(config: Neo4jConfig) -> dict[str, Any]:
    """Whether a server runs for this home, its pid, addresses and (if it answers) version.

    ``running`` means the pid file names a live Neo4j process for this home; ``version`` is
    read from the HTTP discovery document and is None while the server does not answer.
    """
    home = neo4j_home(config)
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
    home = neo4j_home(config)
    pid = _read_pid(config)
    if pid is None:
        return False
    running = _is_server_for(pid, home)
    if running:
        terminate(pid, timeout)
    config.pid_file.unlink(missing_ok=True)
    return running


# -- configuration ---------------------------------------------------------------------------


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
    result = common.run_captured(command, cwd=home, env=env)
    if result.returncode != 0 or not (home / "data" / "dbms" / "auth.ini").is_file():
        output = common.captured_output(result)
        shown = [*command[:-1], "<password>"]
        shown[shown.index("-cp") + 1] = "<classpath>"
        raise RuntimeError(
            f"could not set the initial Neo4j password (exit status {result.returncode}).\n"
            f"command: {subprocess.list2cmdline(shown)}\n"
            f"output:\n{output.replace(config.password, '<password>') or '(none)'}"
        )


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


def _is_server_for(pid: int, home: Path) -> bool:
    """Whether ``pid`` is a live Neo4j server for ``home`` (where /proc tells; else: is alive)."""
    if not is_alive(pid):
        return False
    args = command_line(pid)
    if args is None:
        return not Path("/proc/self").exists()
    return MAIN_CLASS in args and f"--home-dir={home}" in args


def _wait_until_up(config: Neo4jConfig, pid: int, deadline: float, timeout: float) -> str | None:
    """None once Bolt accepts the password and HTTP answers, else what went wrong.

    HTTP (and so the Browser) comes up a moment after Bolt, so both are awaited.
    """
    bolt_ready = False
    while True:
        if not is_alive(pid):
            return f"Neo4j (pid {pid}) exited during startup"
        if not bolt_ready and port_answers(config.bolt_port):
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
        if bolt_ready and _http_version(config) is not None and is_alive(pid):
            return None
        if time.monotonic() >= deadline:
            where = config.http_url if bolt_ready else config.bolt_uri
            return f"Neo4j (pid {pid}) did not answer on {where} within {timeout:g} s"
        time.sleep(0.25)


def _http_version(config: Neo4jConfig) -> str | None:
    """The ``neo4j_version`` of the HTTP discovery document (no authentication needed)."""
    body = http_get(config.http_url + "/", timeout=2, accept="application/json")
    if body is None:
        return None
    try:
        document = json.loads(body.decode("utf-8"))
    except ValueError:
        return None
    version = document.get("neo4j_version") if isinstance(document, dict) else None
    return version if isinstance(version, str) else None


def _log_tails(home: Path) -> str:
    logs = home / "logs"
    parts = [
        f"last {LOG_TAIL_LINES} lines of {logs / name}:\n{tail(logs / name)}"
        for name in (CONSOLE_LOG, USER_LOG)
        if (logs / name).exists()
    ]
    return "\n".join(parts) or f"(no logs in {logs})"
