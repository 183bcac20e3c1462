"""Queries with a hard time limit: worker processes over the on-disk store.

pyoxigraph cannot interrupt a running query, so each query runs in a worker process that opens
the store read-only. When a query runs out of time its worker is killed, which really stops it
and frees the CPU, and a fresh worker takes its place. Other requests go to the other workers
meanwhile. Writes happen in the calling process on a new store generation; workers follow the
generation pointer on their next query.
"""

from __future__ import annotations

import multiprocessing
import queue
import threading
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path

from stewardgraph import errors
from stewardgraph.errors import QueryTimeout, StewardGraphError, StoreError
from stewardgraph.store.base import QueryOptions, QueryResult
from stewardgraph.store.embedded import EmbeddedStore

_STARTUP_SECONDS = 60.0


class _WorkerLost(StoreError):
    """The worker process died or never started; it must be replaced."""


def _serve(conn: Connection, directory: str) -> None:  # pragma: no cover - runs in a child
    store = EmbeddedStore.open(Path(directory))
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
            extra = {k: getattr(exc, k) for k in ("line", "column") if hasattr(exc, k)}
            conn.send(("error", type(exc).__name__, exc.message, extra))
        except Exception as exc:  # noqa: BLE001 - report, never die silently
            conn.send(("error", "StoreError", f"query failed: {exc}", {}))


class _Worker:
    def __init__(self, directory: Path) -> None:
        context = multiprocessing.get_context("spawn")
        self.conn, child = context.Pipe()
        self.process: BaseProcess = context.Process(
            target=_serve, args=(child, str(directory)), daemon=True, name="stewardgraph-query"
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
        except EOFError as exc:
            raise _WorkerLost("the query worker died") from exc
        if reply[0] == "ok":
            result: QueryResult = reply[1]
            return result
        _, kind, message, extra = reply
        cls = getattr(errors, kind, StoreError)
        if kind == "QuerySyntaxError":
            raise errors.QuerySyntaxError(message, **extra)
        raise cls(message) if issubclass(cls, StewardGraphError) else StoreError(message)

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


class PooledStore:
    """A time-limited, on-disk embedded store. Queries run in ``workers`` processes; when all are
    busy (slow queries), more start, up to ``max_workers``."""

    def __init__(self, directory: Path, *, workers: int, timeout: float, max_workers: int | None = None) -> None:
        self._directory = directory
        self._timeout = timeout
        self._max = max(max_workers or workers, workers)
        self._writer = EmbeddedStore.open(directory)
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: list[_Worker] = []
        self._lock = threading.Lock()
        for _ in range(workers):
            self._idle.put(self._start())

    def _start(self) -> _Worker:
        worker = _Worker(self._directory)
        with self._lock:
            self._all.append(worker)
        return worker

    def _acquire(self, timeout: float) -> _Worker:
        try:
            return self._idle.get_nowait()
        except queue.Empty:
            pass
        with self._lock:
            room = len(self._all) < self._max
        if room:
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
        except (QueryTimeout, _WorkerLost):
            self._replace(worker)
            raise
        except StewardGraphError:
            self._idle.put(worker)
            raise
        self._idle.put(worker)
        return result

    def _replace(self, worker: _Worker) -> None:
        worker.stop(kill=True)
        with self._lock:
            self._all.remove(worker)
        self._idle.put(self._start())

    def update(self, sparql: str) -> None:
        self._writer.update(sparql)

    def load(self, nquads: bytes) -> None:
        self._writer.load(nquads)

    def dump(self, fmt: str) -> bytes:
        return self._writer.dump(fmt)

    def close(self) -> None:
        with self._lock:
            workers, self._all = self._all, []
        for worker in workers:
            worker.stop()
        self._writer.close()
