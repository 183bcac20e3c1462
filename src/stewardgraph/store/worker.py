"""The query workers of ``store.pool``: a mother process, and the workers it forks.

The mother imports only Oxigraph and our small modules. When the current store generation has
at most ``in_memory_max`` quads it copies the graph into memory (Oxigraph answers several times
faster from memory than from disk), and every worker it forks shares that copy: a worker starts
in a few milliseconds, and the graph is in memory once, not once per worker. Oxigraph writes to
some of what it reads, so a query makes part of the copy the worker's own: a worker tells, with
each answer, how much memory it does not share, and the pool retires one that holds much of it
once it has been idle a while. A bigger graph is read from disk, by each worker opening the store
itself (RocksDB's threads do not survive a fork).

Each worker's address space is capped at what it needs at rest plus ``memory_bytes``: a query
that needs more aborts that worker alone. A worker follows the generation pointer when a build
swaps in a new one; the mother does so at its next fork. Each result goes back written in the
format the caller asked for.

The mother's protocol, over a Unix socket: ``F`` forks a worker and answers with its pid and two
descriptors (the worker's socket and a pidfd); ``S`` with a pid answers that worker's exit code
(``RUNNING`` while it has none).
"""

from __future__ import annotations

import ctypes
import os
import resource
import signal
import socket
import struct
import sys
import time
from multiprocessing.connection import Connection
from pathlib import Path

import pyoxigraph as ox

from stewardgraph.errors import QueryRefused, StewardGraphError, StoreError
from stewardgraph.store.embedded import copy_of, current_generation
from stewardgraph.store.engine import evaluate

_M_ARENA_MAX = -8  # glibc mallopt: fewer malloc arenas, so threads do not reserve 64 MiB each
RUNNING = -(2**31)  # the exit code of a worker that has not exited
_CHECK_AFTER = 0.02  # seconds: a query quicker than this has not copied much of the graph


class _Memory:
    """The address-space cap: lifted while a new generation loads, then set again above it."""

    def __init__(self, extra: int) -> None:
        self.extra = extra
        self.hard = resource.getrlimit(resource.RLIMIT_AS)[1]

    def lift(self) -> None:
        if self.extra:
            resource.setrlimit(resource.RLIMIT_AS, (self.hard, self.hard))

    def apply(self) -> None:
        if self.extra:
            with open("/proc/self/status", encoding="ascii") as status:
                size = next(int(line.split()[1]) * 1024 for line in status if line.startswith("VmSize:"))
            resource.setrlimit(resource.RLIMIT_AS, (size + self.extra, self.hard))


class _Graph:
    """The current generation of the store: the mother's shared copy in memory, or a worker's own
    (from disk, or copied into memory when the mother has no copy of that generation)."""

    def __init__(self, directory: Path, in_memory_max: int, memory: _Memory) -> None:
        self.directory, self.in_memory_max, self.memory = directory, in_memory_max, memory
        self.generation: Path | None = None
        self.store: ox.Store | None = None
        self.shared: ox.Store | None = None  # the mother's copy, if this is it

    def prepare(self) -> None:
        """In the mother: copy the current generation into memory, from its N-Quads copy, when it
        is small enough. Never opens the store on disk."""
        generation = current_generation(self.directory)
        if generation is None or generation == self.generation:
            return
        self.store = self.shared = None
        plain = copy_of(generation)
        if self.in_memory_max and plain.is_file() and _lines(plain) <= self.in_memory_max:
            copy = ox.Store()
            copy.bulk_load(path=str(plain), format=ox.RdfFormat.N_QUADS)
            self.store = self.shared = copy
        self.generation = generation

    def current(self) -> ox.Store:
        generation = current_generation(self.directory)
        if generation is None:
            raise StoreError(f"no graph has been built in {self.directory}; run 'stewardgraph build'")
        if self.store is None or generation != self.generation:
            self.store = None
            self.memory.lift()
            try:
                self.store = self._open(generation)
            finally:
                self.memory.apply()
            self.generation = generation
        return self.store

    def _open(self, generation: Path) -> ox.Store:
        try:
            disk = ox.Store.read_only(str(generation))
        except OSError as exc:
            raise StoreError(f"cannot open the store at {generation}: {exc}") from exc
        if self.in_memory_max and len(disk) <= self.in_memory_max:
            copy = ox.Store()
            plain = copy_of(generation)
            if plain.is_file():
                copy.bulk_load(path=str(plain), format=ox.RdfFormat.N_QUADS)
            else:
                copy.bulk_extend(disk)
            return copy
        return disk

    def owned(self) -> int:
        """Bytes of memory this worker does not share, when its mother shared a copy of the graph:
        what it has copied of that, or its own copy of a newer generation. A worker that reads
        from disk shares nothing to begin with, and says 0."""
        return _private() if self.shared is not None else 0


def _lines(path: Path) -> int:
    """Lines of a file: the quads of an N-Quads file that Oxigraph wrote."""
    count = 0
    with open(path, "rb") as handle:
        while chunk := handle.read(2**22):
            count += chunk.count(b"\n")
    return count


def _private() -> int:
    """Bytes of memory that this process does not share."""
    total = 0
    with open("/proc/self/smaps_rollup", encoding="ascii") as rollup:
        for line in rollup:
            if line.startswith(("Private_Clean:", "Private_Dirty:")):
                total += int(line.split()[1]) * 1024
    return total


def serve(conn: Connection, graph: _Graph) -> None:  # pragma: no cover - runs in a worker
    """A worker's loop: one query at a time, until the pipe closes or says None."""
    graph.memory.apply()
    try:
        graph.current()
    except StewardGraphError:
        pass  # nothing built yet: the first query says so
    conn.send(("ready",))
    while True:
        try:
            message = conn.recv()
        except EOFError:
            return
        if message is None:
            return
        sparql, options = message
        started, generation = time.perf_counter(), graph.generation
        try:
            result = evaluate(graph.current(), sparql, options)
        except StewardGraphError as exc:
            conn.send(("error", exc))
            continue
        except MemoryError:
            conn.send(("error", QueryRefused("the query needed more memory than one query may use; narrow it")))
            continue
        except Exception as exc:  # noqa: BLE001 - report, never die silently
            conn.send(("error", StoreError(f"query failed: {exc}")))
            continue
        conn.send(("ok", result))
        copied = time.perf_counter() - started > _CHECK_AFTER or graph.generation != generation
        if copied and (owned := graph.owned()):
            conn.send(("owned", owned))  # measured after the reply, which need not wait for it


def mother(control: socket.socket, directory: str, memory_bytes: int, in_memory_max: int) -> None:  # pragma: no cover
    """The mother's loop: fork workers over the shared graph, and tell how they ended."""
    try:
        ctypes.CDLL(None).mallopt(_M_ARENA_MAX, 2)
    except (OSError, AttributeError):
        pass
    graph = _Graph(Path(directory), in_memory_max, _Memory(memory_bytes))
    graph.prepare()
    exits: dict[int, int] = {}

    def reap(*_: object) -> None:
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            exits[pid] = os.waitstatus_to_exitcode(status)
            while len(exits) > 1024:
                del exits[next(iter(exits))]

    signal.signal(signal.SIGCHLD, reap)
    control.sendall(b"R")
    while command := receive(control, 5):
        if command[:1] == b"F":
            graph.prepare()
            ours, theirs = socket.socketpair()
            pid = os.fork()
            if pid == 0:
                try:
                    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                    control.close()
                    ours.close()
                    serve(Connection(theirs.detach()), graph)
                finally:
                    os._exit(0)
            theirs.close()
            pidfd = os.pidfd_open(pid)
            socket.send_fds(control, [struct.pack("!i", pid)], [ours.fileno(), pidfd])
            ours.close()
            os.close(pidfd)
        else:
            (pid,) = struct.unpack("!i", command[1:])
            reap()
            control.sendall(struct.pack("!i", exits.pop(pid, RUNNING)))


def receive(sock: socket.socket, size: int) -> bytes:
    """Exactly ``size`` bytes, or nothing once the other side has closed."""
    data = b""
    while len(data) < size:
        chunk = sock.recv(size - len(data))
        if not chunk:
            return b""
        data += chunk
    return data


def main(argv: list[str]) -> None:  # pragma: no cover - runs in a child
    """``python -m stewardgraph.store.worker FD DIRECTORY MEMORY_BYTES IN_MEMORY_MAX``"""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the pool stops its workers; Ctrl-C is for the pool
    fd, directory, memory_bytes, in_memory_max = argv
    mother(socket.socket(fileno=int(fd)), directory, int(memory_bytes), int(in_memory_max))


if __name__ == "__main__":  # pragma: no cover
    main(sys.argv[1:])
