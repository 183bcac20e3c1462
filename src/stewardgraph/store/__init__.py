"""Graph stores behind one narrow interface: query, update, load, dump, close."""

from stewardgraph.store.base import (
    EXPORT_FORMATS,
    QueryOptions,
    QueryResult,
    Solutions,
    Store,
    Table,
    Term,
    Triples,
)
from stewardgraph.store.embedded import EmbeddedStore

__all__ = [
    "EXPORT_FORMATS",
    "EmbeddedStore",
    "QueryOptions",
    "QueryResult",
    "Solutions",
    "Store",
    "Table",
    "Term",
    "Triples",
]
