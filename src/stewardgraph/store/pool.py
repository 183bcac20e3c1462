"""Queries with a hard time limit and a memory bound: worker processes over the on-disk store.

pyoxigraph cannot interrupt a running query, so each query runs in a worker process that opens
the store read-only. When a query runs out of time its worker is killed, which really stops it
and frees the CPU, and a fresh worker takes its place. Other requests go to the other workers
meanwhile. Writes happen in the calling process on a new store generation; workers follow the
generation pointer on their next query.

Each worker's address space is capped (``RLIMIT_AS``) at what it needs at rest plus
``memory_bytes``: a query that needs more aborts its own worker, and the client is told so.
A query that runs longer than ``slow_after`` seconds is slow: its worker drops to the lowest CPU
priority, so that quick queries keep their latency, and at most ``max_workers - workers``
slow queries run at once. Workers are forked by one mother process (``store.worker``), a small
interpreter that imports only the store and holds a graph of up to ``in_memory_max`` quads in
memory once for all its workers, so a replacement starts in milliseconds; replacements are still
rate-limited, so that a stream of queries that get their worker killed cannot keep the machine
busy starting workers. The pool never has more than ``max_workers`` workers.
"""

from __future__ import annotations

import os
import queue
import select
import signal
import socket
import subprocess
import sys
import struct
import threading
import time
import weakref
from collections import deque
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from stewardgraph.errors import QueryRefused, QueryTimeout, StewardGraphError, StoreError
from stewardgraph.store import worker as worker_module
from stewardgraph.store.base import QueryOptions, QueryResult
from stewardgraph.store.embedded import EmbeddedStore

_STARTUP_SECONDS = 60.0
_GROW_AFTER = 0.05  # seconds a query waits for a busy worker before the pool starts another
RETIRE_BYTES = 32 * 2**20  # an idle worker that does not share more memory than this retires...
RETIRE_IDLE = 2.0  # ...once it has been idle this many seconds
_LIVE: weakref.WeakSet[_Mother | _Worker] = weakref.WeakSet()  # the processes of this process's pools


class _WorkerLost(StoreError):
    """The worker process died or never started; it must be replaced."""


class _OutOfMemory(QueryRefused):
    """The query needed more memory than a worker may have; the worker died of it."""


class _Mother:
    """The process that forks the workers (``python -m stewardgraph.store.worker`` over a socket
    pair): it holds the graph in memory once, for all of them. A fresh interpreter that imports
    only the store, so nothing of the calling program (no main module to guard) is imported again."""

    def __init__(self, directory: Path, memory_bytes: int, in_memory_max: int) -> None:
        ours, theirs = socket.socketpair()
        self.process = subprocess.Popen(
            [sys.executable, "-m", worker_module.__name__, str(theirs.fileno()), str(directory), str(memory_bytes),
             str(in_memory_max)],
            pass_fds=(theirs.fileno(),), stdin=subprocess.DEVNULL,
        )
        theirs.close()
        ours.settimeout(_STARTUP_SECONDS)  # a fork waits while the mother loads a new generation
        self.sock = ours
        self.lock = threading.Lock()
        self.ready = False
        _LIVE.add(self)

    def alive(self) -> bool:
        return self.process.poll() is None

    def fork(self) -> tuple[int, Connection, int]:
        """A new worker: its pid, its connection and a pidfd (which no other process can reuse)."""
        with self.lock:
            try:
                if not self.ready:
                    self.ready = worker_module.receive(self.sock, 1) == b"R"
                    if not self.ready:
                        raise _WorkerLost("the query workers' mother did not start")
                self.sock.sendall(b"F\0\0\0\0")
                data, fds, _, _ = socket.recv_fds(self.sock, 4, 2)
            except OSError as exc:
                self.process.kill()  # its conversation is out of step: the pool starts another
                raise _WorkerLost(f"the query workers' mother is gone: {exc}") from exc
        if len(data) != 4 or len(fds) != 2:
            for fd in fds:
                os.close(fd)
            raise _WorkerLost("the query workers' mother is gone")
        (pid,) = struct.unpack("!i", data)
        return pid, Connection(fds[0]), fds[1]

    def exit_code(self, pid: int) -> int | None:
        """How a worker ended, as ``Popen.returncode`` says it; None while it runs."""
        with self.lock:
            try:
                self.sock.sendall(b"S" + struct.pack("!i", pid))
                data = worker_module.receive(self.sock, 4)
            except OSError:
                self.process.kill()
                return None
        if len(data) != 4:
            return None
        (code,) = struct.unpack("!i", data)
        return None if code == worker_module.RUNNING else code

    def kill(self) -> None:
        self.process.kill()

    def stop(self) -> None:
        self.sock.close()  # the mother ends at the end of its input
        try:
            self.process.wait(2)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(5)
        _LIVE.discard(self)


class _Worker:
    """A query worker, forked by the mother when it is first needed."""

    def __init__(self, mother: _Mother, memory_bytes: int) -> None:
        self.mother, self.memory_bytes = mother, memory_bytes
        self.pid = 0
        self._pidfd = -1
        self._conn: Connection | None = None
        self.ready = False
        self.demoted = False
        self.owned = 0  # bytes it does not share, as it last said
        self.since = 0.0  # when it last went idle

    @property
    def conn(self) -> Connection:
        assert self._conn is not None
        return self._conn

    def wait_ready(self) -> None:
        if self.ready:
            return
        if self._conn is None:
            self.pid, self._conn, self._pidfd = self.mother.fork()
            _LIVE.add(self)
        if not self.conn.poll(_STARTUP_SECONDS):
            raise _WorkerLost("a query worker did not start")
        try:
            self.ready = self.conn.recv() == ("ready",)
        except EOFError as exc:
            raise _WorkerLost("a query worker died while starting") from exc

    def run(self, sparql: str, options: QueryOptions, timeout: float, slow: _SlowLane) -> QueryResult:
        self.wait_ready()
        try:
            self.conn.send((sparql, options))
        except (BrokenPipeError, OSError) as exc:
            raise _WorkerLost("the query worker is gone") from exc
        quick = min(timeout, slow.after)
        reply = self._reply(quick)
        if reply is None:
            if timeout <= quick:
                raise QueryTimeout(f"the query ran out of time after {timeout:g} s and was stopped")
            with slow:  # a slow query from now on: it needs one of the slow lane's places
                self.demote()
                reply = self._reply(timeout - quick)
                if reply is None:
                    raise QueryTimeout(f"the query ran out of time after {timeout:g} s and was stopped")
        if reply[0] == "ok":
            result: QueryResult = reply[1]
            return result
        error: StewardGraphError = reply[1]
        raise error

    def _reply(self, seconds: float) -> tuple[Any, ...] | None:
        """The worker's next reply within ``seconds``, or None; the notes it sends after a reply,
        of how much memory it does not share, are recorded on the way."""
        deadline = time.monotonic() + seconds
        while self.conn.poll(max(0.0, deadline - time.monotonic())):
            try:
                reply: tuple[Any, ...] = self.conn.recv()
            except (EOFError, OSError) as exc:
                raise self._death() from exc
            if reply[0] != "owned":
                return reply
            self.owned = reply[1]
        return None

    def retires(self, most: int, idle: float, now: float) -> bool:
        """Whether this idle worker should make way for a fresh fork: it has been idle ``idle``
        seconds and does not share more than ``most`` bytes, or it has died."""
        if self._conn is None:
            return False  # not forked yet
        try:
            self._reply(0)
        except StewardGraphError:
            return True
        return self.owned > most and now - self.since > idle

    def demote(self) -> None:
        """Run at the lowest CPU priority from now on, so that a slow query takes only the CPU that
        quick ones leave. A process may not raise its priority again: the pool replaces the
        worker once its query is done."""
        self.demoted = True
        try:
            os.setpriority(os.PRIO_PROCESS, self.pid, 19)
        except OSError:
            pass

    def _death(self) -> StewardGraphError:
        """Why the worker died under a query: its memory bound (an abort), or something else."""
        self._wait(2)
        code = self.mother.exit_code(self.pid)
        if code == -signal.SIGABRT and self.memory_bytes:
            return _OutOfMemory(f"the query needed more than {self.memory_bytes // 2**20} MiB of memory and was "
                                "stopped (STEWARDGRAPH_QUERY_MEMORY_MB); narrow it")
        return _WorkerLost(f"the query worker died (exit code {code})")

    def _wait(self, seconds: float) -> bool:
        """Wait until the worker has exited; whether it has."""
        return self._pidfd < 0 or bool(select.select([self._pidfd], [], [], seconds)[0])

    def kill(self) -> None:
        if self._pidfd >= 0:
            try:
                signal.pidfd_send_signal(self._pidfd, signal.SIGKILL)
            except OSError:
                pass

    def stop(self, *, kill: bool = False) -> None:
        if self._conn is None:
            return
        if not kill and not self._wait(0):
            try:
                self.conn.send(None)
            except (BrokenPipeError, OSError):
                pass
            self._wait(2)
        if not self._wait(0):
            self.kill()
            self._wait(5)
        self.conn.close()
        os.close(self._pidfd)
        self._pidfd = -1
        _LIVE.discard(self)


def kill_all() -> None:
    """Kill every query worker of this process, and their mothers, at once (for a shutdown that
    must end now)."""
    for process in list(_LIVE):
        process.kill()


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


class _Idle:
    """Idle workers, handed to waiting requests first come, first served: a request that waits
    is never overtaken by one that arrives later (a plain queue lets newcomers barge in)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._free: deque[_Worker] = deque()
        self._waiting: deque[_Waiter] = deque()

    def empty(self) -> bool:
        with self._lock:
            return not self._free

    def put(self, worker: _Worker) -> None:
        with self._lock:
            while self._waiting:
                waiter = self._waiting.popleft()
                if not waiter.cancelled:
                    waiter.worker = worker
                    waiter.ready.set()
                    return
            self._free.append(worker)

    def fail(self, error: StewardGraphError) -> None:
        """Tell the oldest waiting request that the worker it waits for could not start."""
        with self._lock:
            while self._waiting:
                waiter = self._waiting.popleft()
                if not waiter.cancelled:
                    waiter.error = error
                    waiter.ready.set()
                    return

    def take(self, which: Callable[[_Worker], bool]) -> list[_Worker]:
        """Take the idle workers that match out of the pool."""
        with self._lock:
            taken = [worker for worker in self._free if which(worker)]
            for worker in taken:
                self._free.remove(worker)
        return taken

    def get(self, timeout: float) -> _Worker:
        with self._lock:
            if self._free and not self._waiting:
                return self._free.popleft()
            waiter = _Waiter()
            self._waiting.append(waiter)
        waiter.ready.wait(timeout)
        with self._lock:
            if waiter.error is not None:
                raise waiter.error
            if waiter.worker is None:
                waiter.cancelled = True
                raise queue.Empty
            return waiter.worker


class _Waiter:
    def __init__(self) -> None:
        self.ready = threading.Event()
        self.worker: _Worker | None = None
        self.error: StewardGraphError | None = None
        self.cancelled = False


class _TooManySlow(StoreError):
    """Every place for slow queries is taken; this query, slow too, was stopped."""


class _SlowLane:
    """At most ``places`` queries may run longer than ``after`` seconds at once, so that the
    other workers stay free for quick queries. A query that turns slow when every place is
    taken is stopped (503)."""

    def __init__(self, places: int, after: float) -> None:
        self.places, self.after = places, after
        self.taken = 0
        self._lock = threading.Lock()

    def __enter__(self) -> None:
        with self._lock:
            if self.taken >= self.places:
                raise _TooManySlow(
                    f"the service is already running {self.places} slow queries, the most it runs at once; this "
                    f"one was stopped after {self.after:g} s: try again later, or narrow it")
            self.taken += 1

    def __exit__(self, *_: object) -> None:
        with self._lock:
            self.taken -= 1


class PooledStore:
    """A time-limited, memory-bounded, on-disk embedded store. Queries run in ``workers``
    processes; when all are busy (slow queries), more start, up to ``max_workers``. At most
    ``max_workers - workers`` (at least one) queries may run longer than ``slow_after`` seconds
    at once: the rest of the pool stays free for quick ones."""

    def __init__(self, directory: Path, *, workers: int, timeout: float, max_workers: int | None = None,
                 memory_bytes: int = 0, respawn_interval: float = 0.1, slow_after: float = 0.5,
                 in_memory_max: int = 0, retire_bytes: int = RETIRE_BYTES, retire_idle: float = RETIRE_IDLE) -> None:
        self._directory = directory
        self._timeout = timeout
        self._base = workers
        self._max = max(max_workers or workers, workers)
        self._memory = memory_bytes
        self._in_memory_max = in_memory_max
        self._retire, self._retire_idle = retire_bytes, retire_idle
        self._writer = EmbeddedStore.open(directory)
        self._idle = _Idle()
        self._all: list[_Worker] = []
        self._mothers: list[_Mother] = []  # the one that forks the workers (a list, for the finalizer)
        weakref.finalize(self, _stop_workers, self._all, self._mothers)
        self._lock = threading.Lock()
        self._spawns = _Bucket(self._max, respawn_interval)
        self._slow = _SlowLane(max(1, self._max - workers), slow_after)
        self._refill_timer: threading.Timer | None = None
        self._closed = False
        with self._lock:
            for _ in range(workers):
                self._idle.put(self._start())
        self._quit = threading.Event()
        threading.Thread(target=_tidy_while, args=(weakref.ref(self), self._quit, min(1.0, retire_idle / 2)),
                         daemon=True, name="stewardgraph-pool-tidy").start()

    @property
    def size(self) -> int:
        """How many workers the pool has now."""
        with self._lock:
            return len(self._all)

    def _start(self) -> _Worker:
        """A new worker; the caller holds the lock and has checked that there is room. It forks
        when it is first used; a mother that died is replaced first."""
        if not self._mothers or not self._mothers[0].alive():
            for dead in self._mothers:
                dead.stop()
            self._mothers[:] = [_Mother(self._directory, self._memory, self._in_memory_max)]
        started = _Worker(self._mothers[0], self._memory)
        self._all.append(started)
        return started

    def _acquire(self, timeout: float) -> _Worker:
        with self._lock:
            starting = not self._all  # the first worker: its start does not count against the query
        if not starting:
            try:  # most queries are quick: a worker is usually free again sooner than a new one starts
                return self._idle.get(timeout=min(_GROW_AFTER, timeout))
            except queue.Empty:
                timeout -= min(_GROW_AFTER, timeout)
        with self._lock:
            if self._idle.empty() and len(self._all) < self._max and self._spawns.take():
                self._start_in_background()
        try:
            return self._idle.get(timeout=timeout + (_STARTUP_SECONDS if starting else 0))
        except queue.Empty:
            raise QueryTimeout(f"no query worker was free within {timeout:g} s") from None

    def query(self, sparql: str, options: QueryOptions) -> QueryResult:
        if self._closed:
            raise StoreError("the store is closed")
        timeout = min(options.limits.timeout, self._timeout)
        worker = self._acquire(timeout)
        try:
            result = worker.run(sparql, options, timeout, self._slow)
        except (QueryTimeout, _WorkerLost, _OutOfMemory, _TooManySlow):
            self._replace(worker)
            raise
        except StewardGraphError:
            self._release(worker)
            raise
        self._release(worker)
        return result

    def _release(self, worker: _Worker) -> None:
        """A worker whose query is done goes back to the pool, or is replaced if it was demoted."""
        if worker.demoted:
            self._replace(worker)
        else:
            worker.since = time.monotonic()
            self._idle.put(worker)

    def _tidy(self) -> None:
        """Retire the idle workers that have made much of the shared graph their own: fresh forks
        take their places, and the graph is in memory once again."""
        now = time.monotonic()
        for worker in self._idle.take(lambda w: w.retires(self._retire, self._retire_idle, now)):
            self._replace(worker)

    def _replace(self, worker: _Worker) -> None:
        """Kill a worker; start its replacement when the spawn rate allows."""
        worker.stop(kill=True)
        with self._lock:
            if worker in self._all:
                self._all.remove(worker)
        self._top_up()

    def _start_in_background(self) -> None:
        """Start a worker (the caller holds the lock); it joins the idle ones once it is ready, so
        that no request waits for a start when another worker frees up first."""
        worker = self._start()

        def join_when_ready() -> None:
            try:
                worker.wait_ready()
            except _WorkerLost as exc:
                worker.stop(kill=True)
                with self._lock:
                    if worker in self._all:
                        self._all.remove(worker)
                self._idle.fail(StoreError(exc.message))
                return
            self._idle.put(worker)

        threading.Thread(target=join_when_ready, daemon=True, name="stewardgraph-worker-start").start()

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
                self._start_in_background()

    def update(self, sparql: str) -> None:
        self._writer.update(sparql)

    def load(self, nquads: bytes) -> None:
        self._writer.load(nquads)

    def dump(self, fmt: str) -> bytes:
        return self._writer.dump(fmt)

    def close(self) -> None:
        self._quit.set()
        with self._lock:
            self._closed = True
            workers = list(self._all)
            self._all.clear()
            if self._refill_timer is not None:
                self._refill_timer.cancel()
        for worker in workers:
            worker.stop()
        for mother in self._mothers:
            mother.stop()
        self._mothers.clear()
        self._writer.close()


def _tidy_while(pool: weakref.ref[PooledStore], quit_: threading.Event, interval: float) -> None:
    """Tidy a pool every ``interval`` seconds, until it is closed or collected."""
    while not quit_.wait(interval):
        alive = pool()
        if alive is None:
            return
        alive._tidy()  # noqa: SLF001 - the pool's own thread
        del alive


def _stop_workers(workers: list[_Worker], mothers: list[_Mother]) -> None:
    """What a pool that was never closed leaves: its workers are stopped when it is collected."""
    for worker in list(workers):
        worker.stop(kill=True)
    workers.clear()
    for mother in mothers:
        mother.stop()
    mothers.clear()
