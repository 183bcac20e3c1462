"""A query worker: the process that runs queries for ``store.pool``.

It imports only Oxigraph and our small modules, so that it starts fast and stays small. It holds
the current store generation, copied into memory when it has at most ``in_memory_max`` quads
(Oxigraph answers several times faster from memory than from disk), and follows the generation
pointer when a build swaps in a new one. Its address space is capped at what it needs at rest
plus ``memory_bytes``: a query that needs more aborts this process alone. Each result goes back
written in the format the caller asked for.
"""

from __future__ import annotations

import ctypes
import resource
import signal
import sys
from multiprocessing.connection import Connection
from pathlib import Path

import pyoxigraph as ox

from stewardgraph.errors import QueryRefused, StewardGraphError, StoreError
from stewardgraph.store.embedded import copy_of, current_generation
from stewardgraph.store.engine import evaluate

_M_ARENA_MAX = -8  # glibc mallopt: fewer malloc arenas, so threads do not reserve 64 MiB each


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
    """The current generation of the store, from disk or copied into memory."""

    def __init__(self, directory: Path, in_memory_max: int, memory: _Memory) -> None:
        self.directory, self.in_memory_max, self.memory = directory, in_memory_max, memory
        self.generation: Path | None = None
        self.store: ox.Store | None = None

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


def serve(conn: Connection, directory: str, memory_bytes: int, in_memory_max: int) -> None:  # pragma: no cover
    """The worker's loop: one query at a time, until the pipe closes or says None."""
    try:
        ctypes.CDLL(None).mallopt(_M_ARENA_MAX, 2)
    except (OSError, AttributeError):
        pass
    memory = _Memory(memory_bytes)
    graph = _Graph(Path(directory), in_memory_max, memory)
    try:
        graph.current()
    except StewardGraphError:
        memory.apply()  # nothing built yet: the first query says so
    conn.send(("ready",))
    while True:
        try:
            message = conn.recv()
        except EOFError:
            return
        if message is None:
            return
        sparql, options = message
        try:
            conn.send(("ok", evaluate(graph.current(), sparql, options)))
        except StewardGraphError as exc:
            conn.send(("error", exc))
        except MemoryError:
            conn.send(("error", QueryRefused("the query needed more memory than one query may use; narrow it")))
        except Exception as exc:  # noqa: BLE001 - report, never die silently
            conn.send(("error", StoreError(f"query failed: {exc}")))


def main(argv: list[str]) -> None:  # pragma: no cover - runs in a child
    """``python -m stewardgraph.store.worker FD DIRECTORY MEMORY_BYTES IN_MEMORY_MAX``"""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the pool stops its workers; Ctrl-C is for the pool
    fd, directory, memory_bytes, in_memory_max = argv
    serve(Connection(int(fd)), directory, int(memory_bytes), int(in_memory_max))


if __name__ == "__main__":  # pragma: no cover
    main(sys.argv[1:])
