"""The store interface and the shapes of what a query returns.

A query runs under one ``Limits`` (time, rows). It returns plain rows (a ``Table``) or ``True``/
``False``, or, when the caller names a media type, a ``Document``: the result already written in
that format by the engine (a query worker writes it once; nothing is converted twice).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol, Union

Value = Union[str, int, float, bool, None]
IRI_PATTERN = re.compile(r'^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>"{}|\\^`]*$')


@dataclass(frozen=True)
class Limits:
    """How long a query may run, and how many rows (or triples) it may return."""

    timeout: float
    rows: int


@dataclass(frozen=True)
class Table:
    """Rows keyed by column, with plain Python values: what SELECT queries return to code."""

    columns: list[str]
    rows: list[dict[str, Value]]
    truncated: bool = False


@dataclass(frozen=True)
class Document:
    """A result written in one media type: SPARQL results, or RDF for CONSTRUCT and DESCRIBE."""

    data: bytes
    media: str
    count: int  # rows, triples, or 1 for an ASK answer
    truncated: bool = False


QueryResult = Union[Table, bool, Document]


@dataclass(frozen=True)
class QueryOptions:
    """How to run one query. Empty graph lists mean: the union of all graphs, all named graphs.

    ``media`` asks for a Document in that media type; without it SELECT gives a Table, ASK a
    bool, CONSTRUCT and DESCRIBE an N-Triples Document."""

    limits: Limits
    prefixes: Mapping[str, str] = field(default_factory=dict)
    default_graphs: Sequence[str] = ()
    named_graphs: Sequence[str] = ()
    media: str | None = None
    capped: bool = False  # the text's own LIMIT keeps a SELECT within rows + 1: the engine may write it


class Store(Protocol):
    """What the rest of the code needs of a store. The default graph is the union of all graphs."""

    def query(self, sparql: str, options: QueryOptions) -> QueryResult:
        """Run a read-only query (its parameters already bound in the text)."""
        ...

    def update(self, sparql: str) -> None:
        """Run a SPARQL Update, atomically."""
        ...

    def load(self, nquads: bytes) -> None:
        """Replace the store's whole content with this N-Quads document, atomically."""
        ...

    def dump(self, fmt: str) -> bytes:
        """The whole content in one of formats.EXPORTS; triple formats merge all graphs."""
        ...

    def close(self) -> None: ...
