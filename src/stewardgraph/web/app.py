"""The app factory. Nothing happens at import time: the store opens in the lifespan."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
import threading
from contextlib import asynccontextmanager

import anyio
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.exceptions import HTTPException

from stewardgraph.config import Settings
from stewardgraph.errors import StewardGraphError
from stewardgraph.opening import open_store
from stewardgraph.service import StewardGraph
from stewardgraph.web import assets, cypher, linked_data, named_queries, pages, resources, sparql
from stewardgraph.web.deps import TRUNCATED
from stewardgraph.web.html import escape, page
from stewardgraph.web.limits import RequestLimits

DESCRIPTION = """
A knowledge graph of open-source stewardship: who owns, hosts, funds and governs open-source
projects, and how that changes over time. Every fact cites its sources.

* `/sparql` is a SPARQL 1.1 Protocol endpoint (read-only unless an update token is configured).
* `/queries` lists named queries; `/queries/{name}` runs one with bound, typed parameters.
* `/projects`, `/organizations`, `/events` and `/search` are JSON resources.
* `/cypher` runs read-only Cypher on the Neo4j projection; `/queries/{name}?backend=neo4j` runs a
  named query's Cypher twin.
* Every entity IRI `https://w3id.org/stewardgraph/id/<kind>/<slug>` resolves here at
  `/id/<kind>/<slug>` as HTML, Turtle or JSON-LD.

Every query has a time limit and a row cap; a cut result says so (`truncated`, or the
`X-StewardGraph-Truncated` header). Errors share one shape:
`{"error": {"status": 400, "type": "ParameterError", "message": "...", "parameter": "date"}}`.
"""


def error_body(status: int, kind: str, message: str, **extra: object) -> dict[str, object]:
    error: dict[str, object] = {"status": status, "type": kind, "message": message}
    error.update({k: v for k, v in extra.items() if v is not None})
    return {"error": error}


TITLES = {400: "Bad request", 401: "Unauthorized", 403: "Forbidden", 404: "Not found", 405: "Method not allowed",
          406: "Not acceptable", 408: "Too slow", 413: "Too large", 422: "Unprocessable", 429: "Too many requests",
          503: "Unavailable", 504: "Too slow"}


def _respond(request: Request, status: int, kind: str, message: str, headers: Mapping[str, str] | None = None,
             **extra: object) -> Response:
    """The one error shape as JSON, or, for a browser, as a page saying the same."""
    if not pages.wants_html(request):
        return JSONResponse(error_body(status, kind, message, **extra), status_code=status, headers=headers)
    where = "".join(f"<dt>{escape(k)}</dt><dd>{escape(str(v))}</dd>" for k, v in extra.items() if v is not None)
    body = (f'<p class="error" role="alert">{escape(message)}</p>'
            + (f"<dl>{where}</dl>" if where else "")
            + f'<p class="muted">{status} · {escape(kind)} · <a href="/">home</a> · <a href="/search">search</a></p>')
    return HTMLResponse(page(TITLES.get(status, "Error"), body), status_code=status, headers=headers)


async def _our_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StewardGraphError)
    extra = {k: getattr(exc, k, None) for k in ("parameter", "line", "column")}
    public = next(c for c in type(exc).__mro__ if c.__module__ == "stewardgraph.errors")
    return _respond(request, exc.status, public.__name__, exc.message, **extra)


async def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    first = exc.errors()[0]
    parameter = str(first["loc"][-1]) if first.get("loc") else None
    message = f"parameter '{parameter}': {first['msg']}" if parameter else str(first["msg"])
    return _respond(request, 400, "ParameterError", message, parameter=parameter)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    kind = {404: "NotFound", 405: "MethodNotAllowed"}.get(exc.status_code, "HTTPError")
    return _respond(request, exc.status_code, kind, str(exc.detail), exc.headers)


def create_app(settings: Settings | None = None, *, graph: StewardGraph | None = None, warm: bool = True) -> FastAPI:
    """Build the service. Give ``graph`` to serve an already open facade (tests do). With
    ``warm``, the home page's figures are counted in a thread at start-up."""
    settings = settings or (graph.settings if graph else Settings())

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        served = graph or StewardGraph(settings, store=open_store(settings, serving=True))
        app.state.graph = served
        app.state.neo4j_threads = anyio.CapacityLimiter(2 * settings.neo4j_concurrency)
        if warm:
            threading.Thread(target=pages.warm, args=(served,), name="warm-up", daemon=True).start()
        try:
            yield
        finally:
            if graph is None:
                served.close()

    app = FastAPI(
        title="StewardGraph",
        version="0.1.0",
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url=None,  # served from packaged assets by web.assets, not from a CDN
        redoc_url=None,
    )
    app.add_middleware(
        CORSMiddleware,
        allow_origins=["*"],
        allow_methods=["GET", "POST", "OPTIONS"],
        allow_headers=["*"],
        expose_headers=[TRUNCATED],
    )
    app.add_middleware(RequestLimits, max_bytes=settings.max_body_bytes, max_head=settings.max_header_bytes)
    app.add_exception_handler(StewardGraphError, _our_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(HTTPException, _http_error)
    assets.mount(app)
    for module in (sparql, named_queries, resources, cypher, linked_data):
        app.include_router(module.router)
    return app
