"""The embedded store: Oxigraph, in memory or on disk.

On disk, every load writes a new generation directory beside the current one and then swaps a
pointer file, so a failed load leaves the previous graph untouched and readers never see a half
loaded graph. Readers open the current generation read-only and follow the pointer when it moves.
"""

from __future__ import annotations

import fcntl
import gc
import os
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox

from stewardgraph.errors import Busy, StoreError
from stewardgraph.formats import BY_NAME
from stewardgraph.namespaces import PREFIXES
from stewardgraph.store.base import QueryOptions, QueryResult
from stewardgraph.store.engine import evaluate, syntax_error

POINTER = "CURRENT"
COPY_MAX_BYTES = 2**30  # a generation up to this size (about 5M quads) gets an N-Quads copy beside it


class EmbeddedStore:
    """An Oxigraph store. ``EmbeddedStore()`` is in memory; ``open(directory)`` is on disk.

    It runs queries in the calling thread, without a time limit: the service puts it behind
    a process pool (see ``store.pool``) to get one.
    """

    def __init__(self, *, directory: Path | None = None) -> None:
        self._directory = directory
        self._store: ox.Store | None = ox.Store() if directory is None else None
        self._generation: Path | None = None

    @classmethod
    def open(cls, directory: Path) -> EmbeddedStore:
        return cls(directory=directory)

    # -- reading ----------------------------------------------------------------------------

    def _reader(self) -> ox.Store:
        if self._directory is None:
            assert self._store is not None
            return self._store
        current = current_generation(self._directory)
        if current is None:
            raise StoreError(f"no graph has been built in {self._directory}; run 'stewardgraph build'")
        if self._store is None or current != self._generation:
            self.close()
            try:
                self._store = ox.Store.read_only(str(current))
            except OSError as exc:
                raise StoreError(f"cannot open the store at {current}: {exc}") from exc
            self._generation = current
        assert self._store is not None
        return self._store

    def query(self, sparql: str, options: QueryOptions) -> QueryResult:
        return evaluate(self._reader(), sparql, options)

    def dump(self, fmt: str) -> bytes:
        return dump(self._reader(), fmt)

    # -- writing ----------------------------------------------------------------------------

    def load(self, nquads: bytes) -> None:
        if self._directory is None:
            fresh = ox.Store()
            fresh.load(nquads, format=ox.RdfFormat.N_QUADS)
            self._store = fresh  # swap only once the new store is complete
            return
        self.close()
        replace_generation(self._directory, nquads)

    def update(self, sparql: str) -> None:
        """Apply an update to a copy, then swap it in: readers never see half of it."""
        if self._directory is None:
            fresh = ox.Store()
            fresh.load(self.dump("nquads"), format=ox.RdfFormat.N_QUADS)
            _update(fresh, sparql)
            self._store = fresh
            return
        before = self.dump("nquads")
        self.close()
        replace_generation(self._directory, before, update=sparql)

    def close(self) -> None:
        if self._directory is not None and self._store is not None:
            self._store = None
            self._generation = None
            gc.collect()  # pyoxigraph releases RocksDB handles when the object is freed


def _update(store: ox.Store, sparql: str) -> None:
    try:
        store.update(sparql, prefixes=PREFIXES)
    except SyntaxError as exc:
        raise syntax_error(exc) from exc
    except (OSError, ValueError, RuntimeError) as exc:
        raise StoreError(f"update failed: {exc}") from exc


def dump(store: ox.Store, fmt: str) -> bytes:
    """A store's whole content in an export format; triple formats merge all graphs."""
    found = BY_NAME[fmt]
    assert found.rdf is not None
    if found.quads:
        data = store.dump(format=found.rdf, prefixes=PREFIXES)
    else:  # the union of the graphs: a store keeps each triple once
        union = ox.Store()
        union.bulk_extend(ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph()) for q in store)
        data = union.dump(format=found.rdf, from_graph=ox.DefaultGraph(), prefixes=PREFIXES)
    assert data is not None  # no output file was given, so the bytes come back
    return data


@contextmanager
def write_lock(directory: Path, what: str) -> Iterator[None]:
    """Hold the store's write lock, or fail at once saying who holds it: one build at a time."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "write.lock"
    with open(path, "a+", encoding="utf-8") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise Busy(f"another write to the store in {directory} is running ({holder}); "
                       "wait for it to finish, then try again") from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"{what}, pid {os.getpid()}, since {time.strftime('%Y-%m-%d %H:%M:%S')}")
        handle.flush()
        try:
            yield
        finally:
            handle.seek(0)
            handle.truncate()
            fcntl.flock(handle, fcntl.LOCK_UN)


def current_generation(directory: Path) -> Path | None:
    pointer = directory / POINTER
    try:
        name = pointer.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    generation = directory / name
    return generation if generation.is_dir() else None


def replace_generation(directory: Path, nquads: bytes | Path, *, update: str | None = None) -> Path:
    """Load N-Quads (bytes, or a file read as it loads) into a new generation (and apply an
    update), point CURRENT at it, drop the old."""
    directory.mkdir(parents=True, exist_ok=True)
    name = f"gen-{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}-{time.monotonic_ns()}"
    generation = directory / name
    try:
        store = ox.Store(str(generation))
        if isinstance(nquads, Path):
            store.bulk_load(path=str(nquads), format=ox.RdfFormat.N_QUADS)
        else:
            store.bulk_load(nquads, format=ox.RdfFormat.N_QUADS)
        if update is not None:
            _update(store, update)
        store.flush()
        del store
        gc.collect()
        if update is None and isinstance(nquads, bytes) and len(nquads) <= COPY_MAX_BYTES:
            copy_of(generation).write_bytes(nquads)
        elif update is None and isinstance(nquads, Path) and nquads.stat().st_size <= COPY_MAX_BYTES:
            shutil.copyfile(nquads, copy_of(generation))
    except BaseException:
        gc.collect()
        shutil.rmtree(generation, ignore_errors=True)
        copy_of(generation).unlink(missing_ok=True)
        raise
    previous = current_generation(directory)
    tmp = directory / f"{POINTER}.{os.getpid()}.{time.monotonic_ns()}.tmp"  # never shared by two writers
    tmp.write_text(name, encoding="utf-8")
    os.replace(tmp, directory / POINTER)
    # Keep the previous generation: a reader in another process may still be using it.
    for old in directory.glob("gen-*"):
        if old.is_dir() and old.name != name and old != previous:
            shutil.rmtree(old, ignore_errors=True)
            copy_of(old).unlink(missing_ok=True)
    return generation


def copy_of(generation: Path) -> Path:
    """A generation's content as N-Quads beside it, for readers that hold the graph in memory:
    loading it is several times faster than reading the store."""
    return generation.with_name(generation.name + ".nq")
