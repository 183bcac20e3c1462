"""Running the app under uvicorn, with bounded request heads and a shutdown that always ends."""

from __future__ import annotations

import os
import threading
from types import FrameType

import uvicorn

from stewardgraph.config import Settings
from stewardgraph.opening import open_store


class _Server(uvicorn.Server):
    """On SIGTERM or Ctrl-C, requests get ``timeout_graceful_shutdown`` seconds to finish; a
    watchdog then ends the process even if a thread is still busy (a query, a page)."""

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        super().handle_exit(sig, frame)
        grace = (self.config.timeout_graceful_shutdown or 0) + 2.0
        watchdog = threading.Timer(grace, _exit_now)
        watchdog.daemon = True
        watchdog.start()


def _exit_now() -> None:  # pragma: no cover - runs only when a shutdown hangs
    from stewardgraph.store.pool import kill_all

    kill_all()
    os._exit(0)


def serve(settings: Settings) -> None:
    """Serve until SIGTERM or Ctrl-C; the request head is limited to ``max_header_bytes``.

    The store opens first, before the facade and the web framework are imported, so that its
    query workers start while they load."""
    store = open_store(settings, serving=True)
    try:
        from stewardgraph.service import StewardGraph
        from stewardgraph.web.app import create_app
    except BaseException:
        store.close()
        raise
    graph = StewardGraph(settings, store=store)
    try:
        config = uvicorn.Config(
            create_app(settings, graph=graph), host=settings.host, port=settings.port, log_level="info",
            http="h11", h11_max_incomplete_event_size=settings.max_header_bytes,
            timeout_graceful_shutdown=settings.shutdown_seconds,
        )
        _Server(config).run()
    finally:
        graph.close()
