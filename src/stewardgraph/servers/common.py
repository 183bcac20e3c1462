"""What the server harnesses share: java and mvn, Maven runs, local ports, HTTP and log files.

Only the standard library is used. Every server listens on :data:`HOST` only, and every request
to it goes through :data:`OPENER`, which ignores proxies from the environment.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import urllib.error
import urllib.request
from collections import deque
from collections.abc import Sequence
from pathlib import Path

__all__ = [
    "HOST",
    "LOG_TAIL_LINES",
    "OPENER",
    "find_java",
    "find_mvn",
    "free_port",
    "http_get",
    "maven_failure",
    "port_answers",
    "port_is_free",
    "run_captured",
    "run_maven",
    "tail",
    "write_atomically",
]

HOST = "127.0.0.1"
LOG_TAIL_LINES = 40

_ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
# Never send requests to the local server through a proxy from the environment.
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


# -- commands --------------------------------------------------------------------------------


def run_captured(
    command: Sequence[str],
    *,
    cwd: Path,
    env: dict[str, str] | None = None,
    timeout: float | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run ``command`` to its end with no input, its output captured as text; never raises for
    the exit status (check ``returncode``)."""
    return subprocess.run(
        command,
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        check=False,
        timeout=timeout,
    )


def captured_output(result: subprocess.CompletedProcess[str]) -> str:
    """The non-blank stdout and stderr of a :func:`run_captured` command, stripped and joined."""
    return "\n".join(s.strip() for s in (result.stdout, result.stderr) if s.strip())


# -- java and mvn ----------------------------------------------------------------------------


def find_java(*, needs: str, missing: str) -> str:
    """The java executable: ``$JAVA_HOME/bin/java`` if JAVA_HOME is set, else ``java`` on PATH.

    Raises RuntimeError ending in ``needs`` (what the server needs) when JAVA_HOME names no java,
    or ``"java not found: " + missing`` when there is no java on PATH.
    """
    java_home = os.environ.get("JAVA_HOME")
    if java_home:
        candidate = Path(java_home) / "bin" / ("java.exe" if os.name == "nt" else "java")
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
        raise RuntimeError(
            f"JAVA_HOME is set to {java_home!r} but {candidate} is not an executable; {needs}"
        )
    found = shutil.which("java")
    if found is None:
        raise RuntimeError(f"java not found: {missing}")
    return found


def find_mvn(*, fetches: str) -> str:
    """The Maven executable on PATH; the RuntimeError without it says what it ``fetches``."""
    found = shutil.which("mvn")
    if found is None:
        raise RuntimeError(
            "mvn not found: install Apache Maven and put mvn on PATH; it is needed once to fetch "
            f"{fetches}"
        )
    return found


def run_maven(mvn: str, arguments: Sequence[str], *, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run ``mvn -q -B -Dstyle.color=never ARGUMENTS`` in ``cwd``, output captured as text.

    ``cwd`` should be a directory outside any Maven project (such as a temporary staging
    directory), so that a pom.xml in the current directory is not used.
    """
    return run_captured([mvn, "-q", "-B", "-Dstyle.color=never", *arguments], cwd=cwd)


def maven_failure(
    result: subprocess.CompletedProcess[str], what: str, problem: str | None = None
) -> RuntimeError:
    """The error for a :func:`run_maven` that could not fetch ``what``, with its command and output.

    ``problem`` defaults to the exit status.
    """
    # Maven writes its errors to stdout; report both streams.
    streams = (_ANSI_ESCAPE.sub("", s).strip() for s in (result.stderr, result.stdout))
    output = "\n".join(s for s in streams if s)
    return RuntimeError(
        f"could not fetch {what} from Maven Central "
        f"({problem or f'exit status {result.returncode}'}).\n"
        f"command: {subprocess.list2cmdline(result.args)}\n"
        f"output:\n{output or '(none)'}"
    )


# -- ports and HTTP --------------------------------------------------------------------------


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


def port_answers(port: int) -> bool:
    """Whether something accepts TCP connections on 127.0.0.1:``port``."""
    try:
        with socket.create_connection((HOST, port), timeout=1):
            return True
    except OSError:
        return False


def port_is_free(port: int) -> bool:
    """Whether a server could bind 127.0.0.1:``port`` now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        # As the servers do: connections left in TIME_WAIT do not make the port busy.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((HOST, port))
        except OSError:
            return False
        return True


def http_get(url: str, *, timeout: float = 2, accept: str | None = None) -> bytes | None:
    """The body of a successful (2xx) GET of ``url`` through :data:`OPENER`, else None."""
    request = urllib.request.Request(url, headers={"Accept": accept} if accept else {})
    try:
        with OPENER.open(request, timeout=timeout) as response:
            body: bytes = response.read()
            status: int = response.status
    except urllib.error.HTTPError as error:
        error.close()
        return None
    except OSError:
        return None
    return body if 200 <= status < 300 else None


# -- files -----------------------------------------------------------------------------------


def write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file beside it, so readers never see half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


def tail(path: Path, lines: int = LOG_TAIL_LINES) -> str:
    """The last ``lines`` lines of a log file, or a note that it is empty or unreadable."""
    try:
        with path.open(encoding="utf-8", errors="replace") as file:
            return "".join(deque(file, maxlen=lines)).rstrip("\n") or "(empty log)"
    except OSError as error:
        return f"(cannot read the log: {error})"
