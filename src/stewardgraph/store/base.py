"""The store interface, the shapes of query results, and parameter binding."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal as TypingLiteral
from typing import Protocol, Union

from rdflib import Literal, URIRef
from rdflib.term import Identifier

Value = Union[str, int, float, bool, None]

XSD = "http://www.w3.org/2001/XMLSchema#"
_NUMERIC: dict[str, type[int] | type[float]] = {
    XSD + "integer": int,
    XSD + "int": int,
    XSD + "long": int,
    XSD + "decimal": float,
    XSD + "double": float,
    XSD + "float": float,
}


@dataclass(frozen=True)
class Term:
    """An RDF term as in SPARQL JSON results: a uri, a literal or a bnode."""

    type: TypingLiteral["uri", "literal", "bnode"]
    value: str
    datatype: str | None = None
    lang: str | None = None

    def python(self) -> Value:
        """Plain Python: numbers and booleans as such, everything else as its text."""
        if self.type == "literal" and self.datatype:
            if self.datatype in _NUMERIC:
                try:
                    number: int | float = _NUMERIC[self.datatype](self.value)
                    return number
                except ValueError:
                    return self.value
            if self.datatype == XSD + "boolean":
                return self.value in ("true", "1")
        return self.value


@dataclass(frozen=True)
class Table:
    """Rows keyed by column, with plain Python values: what named queries return."""

    columns: list[str]
    rows: list[dict[str, Value]]
    truncated: bool = False


@dataclass(frozen=True)
class Solutions:
    """The solutions of a SELECT query, as RDF terms."""

    variables: list[str]
    rows: list[list[Term | None]]
    truncated: bool = False

    def table(self) -> Table:
        return Table(
            list(self.variables),
            [
                {v: (t.python() if t is not None else None) for v, t in zip(self.variables, row)}
                for row in self.rows
            ],
            self.truncated,
        )


@dataclass(frozen=True)
class Triples:
    """The triples of a CONSTRUCT or DESCRIBE query, as an N-Triples document."""

    ntriples: bytes
    count: int
    truncated: bool = False


QueryResult = Union[Solutions, bool, Triples]

# Export formats by name, with whether they keep named graphs.
EXPORT_FORMATS = {"turtle": False, "ntriples": False, "nquads": True, "trig": True, "jsonld": True}


@dataclass(frozen=True)
class QueryOptions:
    """How to run one query. Empty graph lists mean: the union of all graphs, all named graphs."""

    row_cap: int
    timeout: float | None = None
    bindings: Mapping[str, Identifier] = field(default_factory=dict)
    prefixes: Mapping[str, str] = field(default_factory=dict)
    default_graphs: Sequence[str] = ()
    named_graphs: Sequence[str] = ()


class Store(Protocol):
    """What the rest of the code needs of a store. The default graph is the union of all graphs."""

    def query(self, sparql: str, options: QueryOptions) -> QueryResult:
        """Run a read-only query."""
        ...

    def update(self, sparql: str) -> None:
        """Run a SPARQL Update, atomically."""
        ...

    def load(self, nquads: bytes) -> None:
        """Replace the store's whole content with this N-Quads document, atomically."""
        ...

    def dump(self, fmt: str) -> bytes:
        """The whole content in one of EXPORT_FORMATS; triple formats merge all graphs."""
        ...

    def close(self) -> None: ...


_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)
IRI_PATTERN = re.compile(r'^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>"{}|\\^`]*$')


def bind_values(sparql: str, bindings: Mapping[str, Identifier]) -> str:
    """Bind variables with a ``VALUES`` block at the start of the query's first WHERE group.

    Values are serialized as RDF terms (IRIs checked, literals escaped), so input can never
    change the query's structure.

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
        if not IRI_PATTERN.match(str(term)):
            raise ValueError(f"not an IRI: {str(term)!r}")
        return f"<{term}>"
    if isinstance(term, Literal):
        return term.n3()
    raise TypeError(f"cannot bind {term!r}")


def with_prefixes(sparql: str, prefixes: Mapping[str, str]) -> str:
    """Prepend PREFIX declarations, for engines that cannot take them separately."""
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in prefixes.items()) + sparql
