"""Start and stop server processes: child processes, and detached ones known by their pid.

A detached server runs in its own session, not as a child of the Python process (which it
outlives); whoever knows its pid can check and stop it from any process.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from stewardgraph.servers.common import captured_output, run_captured

__all__ = [
    "KILL_WAIT_SECONDS",
    "command_line",
    "is_alive",
    "launch_detached",
    "stop_child",
    "terminate",
]

KILL_WAIT_SECONDS = 10.0

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


def stop_child(process: subprocess.Popen[bytes], grace: float) -> None:
    """Terminate a child process and wait; kill it if it still runs after ``grace`` s."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            process.kill()
    process.wait()


def launch_detached(
    command: list[str], log: Path, *, cwd: Path, env: dict[str, str], name: str
) -> int:
    """Start ``command`` detached (see ``_LAUNCHER``), output appended to ``log``; its pid.

    ``name`` (such as ``"Neo4j"``) is what the RuntimeError says could not be launched.
    """
    launcher = [sys.executable, "-I", "-c", _LAUNCHER, str(log), *command]
    result = run_captured(launcher, cwd=cwd, env=env, timeout=60)
    if result.returncode != 0 or not result.stdout.strip().isdigit():
        raise RuntimeError(
            f"could not launch {name} ({command[0]}; exit status {result.returncode}):\n"
            f"{captured_output(result) or '(no output)'}"
        )
    return int(result.stdout)


def is_alive(pid: int) -> bool:
    """Whether process ``pid`` exists and has not finished (a zombie has finished)."""
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


def command_line(pid: int) -> list[str] | None:
    """The arguments process ``pid`` was started with, from /proc; None where /proc cannot tell."""
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace").split("\0")
    except OSError:
        return None


def terminate(pid: int, timeout: float) -> None:
    """SIGTERM, wait up to ``timeout`` s, then SIGKILL and wait."""
    for sig, wait in ((signal.SIGTERM, timeout), (signal.SIGKILL, KILL_WAIT_SECONDS)):
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            break
        deadline = time.monotonic() + wait
        while is_alive(pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        if not is_alive(pid):
            break
