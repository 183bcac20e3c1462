"""Limits on what one request may take: body size, text encoding, and threads for Neo4j.

Header size is bounded by the HTTP server (``serve`` sets h11's limit); the body by the ASGI
middleware here, before any route reads it. Calls to Neo4j run on threads of their own
(a separate limiter), so a slow or hung Neo4j cannot take the threads SPARQL queries use.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import TypeVar

import anyio
from fastapi import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from stewardgraph.errors import ParameterError, QueryTimeout, TooLarge

T = TypeVar("T")


class RequestLimits:
    """Refuse request heads over ``max_head`` bytes with 431, and bodies over ``max_bytes`` with
    413: at once when Content-Length says so, else as soon as the bytes read pass the limit.
    (The HTTP server itself stops reading a head that grows past its own limit.)"""

    def __init__(self, app: ASGIApp, *, max_bytes: int, max_head: int) -> None:
        self.app, self.max_bytes, self.max_head = app, max_bytes, max_head

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = scope.get("headers", [])
        head = len(scope.get("raw_path") or b"") + len(scope.get("query_string") or b"") + sum(
            len(name) + len(value) + 4 for name, value in headers)
        if head > self.max_head:
            await _refuse(send, 431, f"the request line and headers are {head:,} bytes; the limit is "
                                     f"{self.max_head:,} (STEWARDGRAPH_MAX_HEADER_BYTES)")
            return
        declared = dict(headers).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await _refuse(send, 413, self._message(int(declared)))
            return
        seen = 0

        async def counting() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.max_bytes:
                raise TooLarge(self._message(seen, at_least=True))
            return message

        await self.app(scope, counting, send)

    def _message(self, size: int, *, at_least: bool = False) -> str:
        amount = f"at least {size:,}" if at_least else f"{size:,}"
        return f"the request body is {amount} bytes; the limit is {self.max_bytes:,} (STEWARDGRAPH_MAX_BODY_BYTES)"


async def _refuse(send: Send, status: int, message: str) -> None:
    body = json.dumps({"error": {"status": status, "type": "TooLarge", "message": message}}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                            (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})


def text(data: bytes, parameter: str) -> str:
    """A request body as text: UTF-8, or a 400 naming the parameter and the offending byte."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ParameterError(parameter, f"is not valid UTF-8 (byte {exc.start})") from None


async def neo4j_call(request: Request, work: Callable[[], T]) -> T:
    """Run a call that waits on Neo4j, on the threads kept for Neo4j."""
    limiter: anyio.CapacityLimiter = request.app.state.neo4j_threads
    return await anyio.to_thread.run_sync(work, limiter=limiter)


class Budget:
    """A time budget for work outside the query workers, such as rendering a page: the work
    calls ``check()`` between steps, and past the budget it stops with a 504."""

    def __init__(self, seconds: float, what: str) -> None:
        self.seconds, self.what = seconds, what
        self.end = time.monotonic() + seconds

    def check(self) -> None:
        if time.monotonic() > self.end:
            raise QueryTimeout(f"the {self.what} took longer than {self.seconds:g} s to make, and was stopped")
