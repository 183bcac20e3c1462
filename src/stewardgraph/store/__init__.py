"""Graph stores behind one narrow interface: query, update, load, dump, close."""

from stewardgraph.store.base import Document, Limits, QueryOptions, QueryResult, Store, Table, Value
from stewardgraph.store.embedded import EmbeddedStore

__all__ = ["Document", "EmbeddedStore", "Limits", "QueryOptions", "QueryResult", "Store", "Table", "Value"]
