"""The store interface and the shapes of query results."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol, Union

from rdflib import Graph, Literal, URIRef
from rdflib.term import Identifier

Value = Union[str, int, float, bool, None]


@dataclass(frozen=True)
class Table:
    """The rows of a SELECT query, keyed by column, with plain Python values."""

    columns: list[str]
    rows: list[dict[str, Value]]
    truncated: bool = False


@dataclass(frozen=True)
class GraphResult:
    """The triples of a CONSTRUCT or DESCRIBE query."""

    graph: Graph
    truncated: bool = False


QueryResult = Union[Table, bool, GraphResult]

# Export formats by name, with whether they keep named graphs.
EXPORT_FORMATS = {"turtle": False, "ntriples": False, "nquads": True, "trig": True, "jsonld": True}


class Store(Protocol):
    """What the rest of the code needs of a store. The default graph is the union of all graphs."""

    def query(
        self, sparql: str, *, bindings: Mapping[str, Identifier] | None = None, row_cap: int
    ) -> QueryResult:
        """Run a read-only query, with variables pre-bound to RDF terms."""
        ...

    def load(self, nquads: bytes) -> None:
        """Replace the store's whole content with this N-Quads document, atomically."""
        ...

    def dump(self, fmt: str) -> bytes:
        """The whole content in one of EXPORT_FORMATS; triple formats merge all graphs."""
        ...

    def close(self) -> None: ...


_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)
_IRI = re.compile(r'^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>"{}|\\^`]*$')


def bind_values(sparql: str, bindings: Mapping[str, Identifier]) -> str:
    """Bind variables with a ``VALUES`` block at the start of the query's first WHERE group.

    Values are serialized as RDF terms (IRIs checked, literals escaped), so input can never
    change the query's structure.

    >>> from rdflib import Literal
    >>> bind_values('SELECT ?x WHERE { ?x ?p ?n }', {"n": Literal('a "b"')})
    'SELECT ?x WHERE { VALUES (?n) { ("a \\\\"b\\\\"") }  ?x ?p ?n }'
    """
    if not bindings:
        return sparql
    match = _WHERE.search(sparql)
    if match is None:
        raise ValueError("a query with bound parameters needs a WHERE clause")
    names = " ".join(f"?{name}" for name in bindings)
    values = " ".join(_term(term) for term in bindings.values())
    block = f" VALUES ({names}) {{ ({values}) }} "
    return sparql[: match.end()] + block + sparql[match.end() :]


def _term(term: Identifier) -> str:
    if isinstance(term, URIRef):
        if not _IRI.match(str(term)):
            raise ValueError(f"not an IRI: {str(term)!r}")
        return f"<{term}>"
    if isinstance(term, Literal):
        return term.n3()
    raise TypeError(f"cannot bind {term!r}")
