"""Queries with a hard time limit and a memory bound: worker processes over the on-disk store.

pyoxigraph cannot interrupt a running query, so each query runs in a worker process that opens
the store read-only. When a query runs out of time its worker is killed, which really stops it
and frees the CPU, and a fresh worker takes its place. Other requests go to the other workers
meanwhile. Writes happen in the calling process on a new store generation; workers follow the
generation pointer on their next query.

Each worker's address space is capped (``RLIMIT_AS``) at what it needs at rest plus
``memory_bytes``: a query that needs more aborts its own worker, and the client is told so.
Workers are forked from a forkserver that has already imported this module, so a replacement
starts in milliseconds; replacements are still rate-limited, so that a stream of queries that
get their worker killed cannot keep the machine busy starting workers. The pool never has more
than ``max_workers`` workers.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import queue
import resource
import signal
import threading
import time
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path

from stewardgraph.errors import QueryRefused, QueryTimeout, StewardGraphError, StoreError
from stewardgraph.store.base import QueryOptions, QueryResult
from stewardgraph.store.embedded import EmbeddedStore

_STARTUP_SECONDS = 60.0
_M_ARENA_MAX = -8  # glibc mallopt: fewer malloc arenas, so threads do not reserve 64 MiB each


class _WorkerLost(StoreError):
    """The worker process died or never started; it must be replaced."""


class _OutOfMemory(QueryRefused):
    """The query needed more memory than a worker may have; the worker died of it."""


def _serve(conn: Connection, directory: str, memory_bytes: int) -> None:  # pragma: no cover - runs in a child
    try:
        ctypes.CDLL(None).mallopt(_M_ARENA_MAX, 2)
    except (OSError, AttributeError):
        pass
    store = EmbeddedStore.open(Path(directory))
    try:
        store.query("ASK { }", QueryOptions(row_cap=1))  # open the store before measuring the worker
    except StewardGraphError:
        pass
    if memory_bytes:
        with open("/proc/self/status", encoding="ascii") as status:
            size = next(int(line.split()[1]) * 1024 for line in status if line.startswith("VmSize:"))
        resource.setrlimit(resource.RLIMIT_AS, (size + memory_bytes, resource.getrlimit(resource.RLIMIT_AS)[1]))
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
            conn.send(("ok", store.query(sparql, options)))
        except StewardGraphError as exc:
            conn.send(("error", exc))
        except MemoryError:
            conn.send(("error", QueryRefused("the query needed more memory than one query may use; narrow it")))
        except Exception as exc:  # noqa: BLE001 - report, never die silently
            conn.send(("error", StoreError(f"query failed: {exc}")))


class _Worker:
    def __init__(self, context: multiprocessing.context.BaseContext, directory: Path, memory_bytes: int) -> None:
        self.memory_bytes = memory_bytes
        self.conn, child = context.Pipe()
        self.process: BaseProcess = context.Process(  # type: ignore[attr-defined]
            target=_serve, args=(child, str(directory), memory_bytes), daemon=True, name="stewardgraph-query"
        )
        self.process.start()
        child.close()
        self.ready = False

    def wait_ready(self) -> None:
        if self.ready:
            return
        if not self.conn.poll(_STARTUP_SECONDS):
            raise _WorkerLost("a query worker did not start")
        try:
            self.ready = self.conn.recv() == ("ready",)
        except EOFError as exc:
            raise _WorkerLost("a query worker died while starting") from exc

    def run(self, sparql: str, options: QueryOptions, timeout: float) -> QueryResult:
        self.wait_ready()
        try:
            self.conn.send((sparql, options))
        except (BrokenPipeError, OSError) as exc:
            raise _WorkerLost("the query worker is gone") from exc
        if not self.conn.poll(timeout):
            raise QueryTimeout(f"the query ran out of time after {timeout:g} s and was stopped")
        try:
            reply = self.conn.recv()
        except (EOFError, OSError) as exc:
            raise self._death() from exc
        if reply[0] == "ok":
            result: QueryResult = reply[1]
            return result
        error: StewardGraphError = reply[1]
        raise error

    def _death(self) -> StewardGraphError:
        """Why the worker died under a query: its memory bound (an abort), or something else."""
        self.process.join(2)
        if self.process.exitcode == -signal.SIGABRT and self.memory_bytes:
            return _OutOfMemory(f"the query needed more than {self.memory_bytes // 2**20} MiB of memory and was "
                                "stopped (STEWARDGRAPH_QUERY_MEMORY_MB); narrow it")
        return _WorkerLost(f"the query worker died (exit code {self.process.exitcode})")

    def stop(self, *, kill: bool = False) -> None:
        if not kill and self.process.is_alive():
            try:
                self.conn.send(None)
            except (BrokenPipeError, OSError):
                pass
            self.process.join(2)
        if self.process.is_alive():
            self.process.kill()
            self.process.join(5)
        self.conn.close()


class _Bucket:
    """A token bucket: at most ``capacity`` at once, one more every ``interval`` seconds."""

    def __init__(self, capacity: int, interval: float) -> None:
        self.capacity, self.interval = capacity, interval
        self.tokens = float(capacity)
        self.stamp = time.monotonic()

    def _refill(self) -> None:
        now = time.monotonic()
        self.tokens = min(self.capacity, self.tokens + (now - self.stamp) / self.interval)
        self.stamp = now

    def take(self) -> bool:
        self._refill()
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        return False

    def wait(self) -> float:
        """Seconds until the next token."""
        self._refill()
        return max(0.0, (1 - self.tokens) * self.interval)


class PooledStore:
    """A time-limited, memory-bounded, on-disk embedded store. Queries run in ``workers``
    processes; when all are busy (slow queries), more start, up to ``max_workers``."""

    def __init__(self, directory: Path, *, workers: int, timeout: float, max_workers: int | None = None,
                 memory_bytes: int = 0, respawn_interval: float = 0.5) -> None:
        self._directory = directory
        self._timeout = timeout
        self._base = workers
        self._max = max(max_workers or workers, workers)
        self._memory = memory_bytes
        self._context = multiprocessing.get_context("forkserver")
        self._context.set_forkserver_preload([__name__])
        self._writer = EmbeddedStore.open(directory)
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: list[_Worker] = []
        self._lock = threading.Lock()
        self._spawns = _Bucket(self._max, respawn_interval)
        self._refill_timer: threading.Timer | None = None
        self._closed = False
        with self._lock:
            for _ in range(workers):
                self._idle.put(self._start())

    @property
    def size(self) -> int:
        """How many workers the pool has now."""
        with self._lock:
            return len(self._all)

    def _start(self) -> _Worker:
        """A new worker; the caller holds the lock and has checked that there is room."""
        worker = _Worker(self._context, self._directory, self._memory)
        self._all.append(worker)
        return worker

    def _acquire(self, timeout: float) -> _Worker:
        try:
            return self._idle.get_nowait()
        except queue.Empty:
            pass
        with self._lock:
            if len(self._all) < self._max and self._spawns.take():
                return self._start()
        try:
            return self._idle.get(timeout=timeout)
        except queue.Empty:
            raise QueryTimeout(f"no query worker was free within {timeout:g} s") from None

    def query(self, sparql: str, options: QueryOptions) -> QueryResult:
        timeout = min(options.timeout or self._timeout, self._timeout)
        worker = self._acquire(timeout)
        try:
            result = worker.run(sparql, options, timeout)
        except (QueryTimeout, _WorkerLost, _OutOfMemory):
            self._replace(worker)
            raise
        except StewardGraphError:
            self._idle.put(worker)
            raise
        self._idle.put(worker)
        return result

    def _replace(self, worker: _Worker) -> None:
        """Kill a worker; start its replacement when the spawn rate allows."""
        worker.stop(kill=True)
        with self._lock:
            if worker in self._all:
                self._all.remove(worker)
        self._top_up()

    def _top_up(self, *, timer: bool = False) -> None:
        """Bring the pool back to its base size, as fast as the spawn rate allows."""
        with self._lock:
            if self._refill_timer is not None and not timer:
                return  # a timer will do it
            self._refill_timer = None
            while not self._closed and len(self._all) < self._base:
                if not self._spawns.take():
                    self._refill_timer = threading.Timer(self._spawns.wait(), self._top_up, kwargs={"timer": True})
                    self._refill_timer.daemon = True
                    self._refill_timer.start()
                    return
                self._idle.put(self._start())

    def update(self, sparql: str) -> None:
        self._writer.update(sparql)

    def load(self, nquads: bytes) -> None:
        self._writer.load(nquads)

    def dump(self, fmt: str) -> bytes:
        return self._writer.dump(fmt)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            workers, self._all = self._all, []
            if self._refill_timer is not None:
                self._refill_timer.cancel()
        for worker in workers:
            worker.stop()
        self._writer.close()
