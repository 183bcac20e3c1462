"""StewardGraph: a knowledge graph of open-source stewardship.

>>> from stewardgraph import StewardGraph, Settings
>>> graph = StewardGraph(Settings(in_memory=True))  # doctest: +SKIP
"""

from stewardgraph.config import Settings
from stewardgraph.errors import StewardGraphError
from stewardgraph.service import StewardGraph

__all__ = ["Settings", "StewardGraph", "StewardGraphError"]
__version__ = "0.1.0"
