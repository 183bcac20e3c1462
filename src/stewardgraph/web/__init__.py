"""The HTTP service: a thin FastAPI layer over the StewardGraph facade.

``create_app`` loads on first use, so that importing a small part of the package (the server
opens the store before it loads the web framework) does not import all of it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from stewardgraph.web.app import create_app

__all__ = ["create_app"]


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from stewardgraph.web.app import create_app

        return create_app
    raise AttributeError(f"module 'stewardgraph.web' has no attribute {name!r}")
