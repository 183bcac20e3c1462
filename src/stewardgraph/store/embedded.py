"""The embedded store: Oxigraph, in memory or on disk.

On disk, every load writes a new generation directory beside the current one and then swaps a
pointer file, so a failed load leaves the previous graph untouched and readers never see a half
loaded graph. Readers open the current generation read-only and follow the pointer when it moves.
"""

from __future__ import annotations

import fcntl
import gc
import os
import re
import shutil
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import rdflib

from stewardgraph.errors import Busy, QuerySyntaxError, StoreError
from stewardgraph.store.base import (
    EXPORT_FORMATS,
    QueryOptions,
    QueryResult,
    Solutions,
    Term,
    Triples,
    bind_values,
)
from stewardgraph.vocab import PREFIXES

POINTER = "CURRENT"
RDF_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "nquads": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
    "jsonld": ox.RdfFormat.JSON_LD,
}
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_POSITION = re.compile(r"error at (\d+):(\d+)")


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
        store = self._reader()
        union = not options.default_graphs
        try:
            result = store.query(
                bind_values(sparql, options.bindings),
                prefixes=dict(options.prefixes) or None,
                use_default_graph_as_union=union,
                default_graph=[ox.NamedNode(g) for g in options.default_graphs] or None,
                named_graphs=[ox.NamedNode(g) for g in options.named_graphs] or None,
            )
        except SyntaxError as exc:
            raise syntax_error(exc) from exc
        except (OSError, ValueError, RuntimeError) as exc:
            raise StoreError(f"query failed: {exc}") from exc
        return collect(result, options.row_cap)

    def dump(self, fmt: str) -> bytes:
        store = self._reader()
        rdf_format = RDF_FORMATS[fmt]
        if EXPORT_FORMATS[fmt]:
            data = store.dump(format=rdf_format, prefixes=PREFIXES)
        else:
            union = store.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", use_default_graph_as_union=True)
            assert isinstance(union, ox.QueryTriples)
            data = ox.serialize(union, format=rdf_format, prefixes=PREFIXES)
        assert data is not None  # no output file was given, so the bytes come back
        return data

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


def syntax_error(exc: SyntaxError) -> QuerySyntaxError:
    """Our error for a parser message, with its line and column when the parser gave them."""
    message = str(exc)
    match = _POSITION.search(message)
    line, column = (int(match.group(1)), int(match.group(2))) if match else (None, None)
    return QuerySyntaxError(f"malformed query: {message}", line=line, column=column)


def collect(result: object, row_cap: int) -> QueryResult:
    """Turn a pyoxigraph result into ours, stopping after row_cap rows or triples."""
    if isinstance(result, ox.QueryBoolean):
        return bool(result)
    if isinstance(result, ox.QuerySolutions):
        variables = [v.value for v in result.variables]
        rows: list[list[Term | None]] = []
        for solution in result:
            if len(rows) == row_cap:
                return Solutions(variables, rows, truncated=True)
            rows.append([to_term(solution[v]) for v in variables])
        return Solutions(variables, rows)
    assert isinstance(result, ox.QueryTriples)
    triples: list[ox.Triple] = []
    truncated = False
    for triple in result:
        if len(triples) == row_cap:
            truncated = True
            break
        triples.append(triple)
    data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
    return Triples(data, len(triples), truncated)


def to_term(term: object) -> Term | None:
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return Term("uri", term.value)
    if isinstance(term, ox.BlankNode):
        return Term("bnode", term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Term("literal", term.value, lang=term.language)
        datatype = term.datatype.value
        plain = datatype == "http://www.w3.org/2001/XMLSchema#string"
        return Term("literal", term.value, datatype=None if plain else datatype)
    return Term("literal", str(term))


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


def rdflib_graph(triples: Iterable[ox.Triple | ox.Quad]) -> rdflib.Graph:
    """Oxigraph triples as an rdflib graph (for pyshacl and JSON-LD), term by term: rdflib's own
    N-Triples parser takes time quadratic in the length of a literal."""
    graph = rdflib.Graph()
    for triple in triples:
        graph.add((_rdflib(triple.subject), _rdflib(triple.predicate), _rdflib(triple.object)))
    return graph


def _rdflib(term: Any) -> Any:
    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return rdflib.BNode(term.value)
    if term.language:
        return rdflib.Literal(term.value, lang=term.language)
    datatype = term.datatype.value
    return rdflib.Literal(term.value, datatype=None if datatype == _XSD_STRING else rdflib.URIRef(datatype))


def current_generation(directory: Path) -> Path | None:
    pointer = directory / POINTER
    try:
        name = pointer.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    generation = directory / name
    return generation if generation.is_dir() else None


def replace_generation(directory: Path, nquads: bytes, *, update: str | None = None) -> Path:
    """Load into a new generation (and apply an update), point CURRENT at it, drop the old."""
    directory.mkdir(parents=True, exist_ok=True)
    name = f"gen-{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}-{time.monotonic_ns()}"
    generation = directory / name
    try:
        store = ox.Store(str(generation))
        store.bulk_load(nquads, format=ox.RdfFormat.N_QUADS)
        if update is not None:
            _update(store, update)
        store.flush()
        del store
        gc.collect()
    except BaseException:
        gc.collect()
        shutil.rmtree(generation, ignore_errors=True)
        raise
    previous = current_generation(directory)
    tmp = directory / f"{POINTER}.{os.getpid()}.{time.monotonic_ns()}.tmp"  # never shared by two writers
    tmp.write_text(name, encoding="utf-8")
    os.replace(tmp, directory / POINTER)
    # Keep the previous generation: a reader in another process may still be using it.
    for old in directory.glob("gen-*"):
        if old.name != name and old != previous:
            shutil.rmtree(old, ignore_errors=True)
    return generation
