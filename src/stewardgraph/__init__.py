"""StewardGraph: a knowledge graph of open-source stewardship.
Everything goes through the facade, `StewardGraph`, configured by `Settings`.
"""

from stewardgraph.config import Settings
from stewardgraph.errors import StewardGraphError
from stewardgraph.service import StewardGraph

__all__ = ["Settings", "StewardGraph", "StewardGraphError"]
__version__ = "0.1.0"
