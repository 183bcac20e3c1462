"""Graph stores behind one narrow interface: query, load, close."""

from stewardgraph.store.base import EXPORT_FORMATS, GraphResult, QueryResult, Store, Table
from stewardgraph.store.embedded import EmbeddedStore

__all__ = ["EXPORT_FORMATS", "EmbeddedStore", "GraphResult", "QueryResult", "Store", "Table"]
