"""The HTTP service: a thin FastAPI layer over the StewardGraph facade."""

from stewardgraph.web.app import create_app

__all__ = ["create_app"]
