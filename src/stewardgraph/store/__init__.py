"""Graph stores behind one narrow interface: query, load, close."""

from stewardgraph.store.base import GraphResult, QueryResult, Store, Table
from stewardgraph.store.embedded import EmbeddedStore

__all__ = ["EmbeddedStore", "GraphResult", "QueryResult", "Store", "Table"]
