"""The embedded store: Oxigraph, in memory or on disk.

On disk, every load writes a new generation directory beside the current one and then swaps a
pointer file, so a failed load leaves the previous graph untouched and readers never see a half
loaded graph.
"""

from __future__ import annotations

import gc
import os
import shutil
import time
from collections.abc import Mapping
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Identifier

from stewardgraph.errors import QuerySyntaxError, StoreError
from stewardgraph.store.base import EXPORT_FORMATS, GraphResult, QueryResult, Table, Value, bind_values
from stewardgraph.vocab import PREFIXES

POINTER = "CURRENT"
_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "nquads": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
    "jsonld": ox.RdfFormat.JSON_LD,
}
_NUMERIC: dict[str, type[int] | type[float]] = {
    "http://www.w3.org/2001/XMLSchema#integer": int,
    "http://www.w3.org/2001/XMLSchema#int": int,
    "http://www.w3.org/2001/XMLSchema#long": int,
    "http://www.w3.org/2001/XMLSchema#decimal": float,
    "http://www.w3.org/2001/XMLSchema#double": float,
    "http://www.w3.org/2001/XMLSchema#float": float,
}
_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"


class EmbeddedStore:
    """An Oxigraph store. ``EmbeddedStore()`` is in memory; ``open(directory)`` is on disk."""

    def __init__(self, *, directory: Path | None = None) -> None:
        self._directory = directory
        self._store: ox.Store | None = ox.Store() if directory is None else None

    @classmethod
    def open(cls, directory: Path) -> EmbeddedStore:
        return cls(directory=directory)

    # -- reading ----------------------------------------------------------------------------

    def _reader(self) -> ox.Store:
        if self._store is None:
            assert self._directory is not None
            current = current_generation(self._directory)
            if current is None:
                raise StoreError(
                    f"no graph has been built in {self._directory}; run 'stewardgraph build'"
                )
            try:
                self._store = ox.Store.read_only(str(current))
            except OSError as exc:
                raise StoreError(f"cannot open the store at {current}: {exc}") from exc
        return self._store

    def query(
        self, sparql: str, *, bindings: Mapping[str, Identifier] | None = None, row_cap: int
    ) -> QueryResult:
        store = self._reader()
        try:
            result = store.query(bind_values(sparql, bindings or {}), use_default_graph_as_union=True)
        except SyntaxError as exc:
            raise QuerySyntaxError(f"malformed query: {exc}") from exc
        except OSError as exc:
            raise StoreError(f"query failed: {exc}") from exc
        if isinstance(result, ox.QueryBoolean):
            return bool(result)
        if isinstance(result, ox.QuerySolutions):
            columns = [v.value for v in result.variables]
            rows: list[dict[str, Value]] = []
            for solution in result:
                if len(rows) == row_cap:
                    return Table(columns, rows, truncated=True)
                rows.append({c: to_python(solution[c]) for c in columns})
            return Table(columns, rows)
        graph = Graph()
        for count, triple in enumerate(result):
            if count == row_cap:
                return GraphResult(graph, truncated=True)
            graph.add((to_rdflib(triple.subject), to_rdflib(triple.predicate), to_rdflib(triple.object)))
        return GraphResult(graph)

    def dump(self, fmt: str) -> bytes:
        store = self._reader()
        rdf_format = _FORMATS[fmt]
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

    def close(self) -> None:
        if self._directory is not None:
            self._store = None
            gc.collect()  # pyoxigraph releases RocksDB handles when the object is freed


def current_generation(directory: Path) -> Path | None:
    pointer = directory / POINTER
    if not pointer.is_file():
        return None
    generation = directory / pointer.read_text(encoding="utf-8").strip()
    return generation if generation.is_dir() else None


def replace_generation(directory: Path, nquads: bytes) -> Path:
    """Load into a new generation, then point CURRENT at it and remove older generations."""
    directory.mkdir(parents=True, exist_ok=True)
    name = f"gen-{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}-{time.monotonic_ns()}"
    generation = directory / name
    try:
        store = ox.Store(str(generation))
        store.bulk_load(nquads, format=ox.RdfFormat.N_QUADS)
        store.flush()
        del store
        gc.collect()
    except BaseException:
        shutil.rmtree(generation, ignore_errors=True)
        raise
    tmp = directory / (POINTER + ".tmp")
    tmp.write_text(name, encoding="utf-8")
    os.replace(tmp, directory / POINTER)
    for old in directory.glob("gen-*"):
        if old.name != name:
            shutil.rmtree(old, ignore_errors=True)
    return generation


def to_rdflib(term: object) -> Identifier:
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        return Literal(term.value, datatype=URIRef(term.datatype.value))
    raise TypeError(f"unsupported term {term!r}")


def to_python(term: object) -> Value:
    """A result value as plain Python: IRIs and most literals as their text."""
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        datatype = term.datatype.value
        if datatype in _NUMERIC:
            try:
                number: int | float = _NUMERIC[datatype](term.value)
                return number
            except ValueError:
                return term.value
        if datatype == _BOOLEAN:
            return term.value in ("true", "1")
        return term.value
    if isinstance(term, (ox.NamedNode, ox.BlankNode)):
        return term.value
    return str(term)
