"""StewardGraph: a knowledge graph of open-source stewardship.
Everything goes through the facade, `StewardGraph`, configured by `Settings`.

The names below load on first use, so that importing a small part of the package (a query
worker imports only the store) does not import all of it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from stewardgraph.config import Settings
    from stewardgraph.errors import StewardGraphError
    from stewardgraph.service import StewardGraph

__all__ = ["Settings", "StewardGraph", "StewardGraphError"]
__version__ = "0.1.0"
_WHERE = {"Settings": "stewardgraph.config", "StewardGraph": "stewardgraph.service",
          "StewardGraphError": "stewardgraph.errors"}


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        import importlib

        return getattr(importlib.import_module(_WHERE[name]), name)
    raise AttributeError(f"module 'stewardgraph' has no attribute {name!r}")
