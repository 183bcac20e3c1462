"""Load with abusive clients, against the live server: cheap queries keep their latency while
slow queries and a stream of churn requests run. (A bounded load test; the suite in
benchmarks/ measures speed.)"""

from __future__ import annotations

import asyncio
import statistics
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import httpx

from .attack import RawConnection
from .conftest import LiveServer

CHEAP = {"query": "ASK { ?s a <https://w3id.org/stewardgraph/ns#Project> }"}
SLOW = {"query": "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"}
DEEP = urlencode({"query": "SELECT * WHERE " + "{ " * 5000 + "?s ?p ?o" + " }" * 5000}).encode()
SECONDS = 20.0
CLIENTS = 16
FORM = "application/x-www-form-urlencoded"


def target(params: dict[str, str]) -> str:
    return "/sparql?" + urlencode(params)


async def _cheap(connection: RawConnection, until: float, latencies: list[float], errors: list[str]) -> None:
    while time.monotonic() < until:
        started = time.monotonic()
        status, body = await connection.request("GET", target(CHEAP))
        latencies.append(time.monotonic() - started)
        if status != 200:
            errors.append(f"{status}: {body[:200]!r}")


async def _slow(connection: RawConnection, until: float, codes: list[int]) -> None:
    while time.monotonic() < until:
        codes.append((await connection.request("GET", target(SLOW)))[0])


async def _churn(connection: RawConnection, until: float, codes: list[int]) -> None:
    while time.monotonic() < until:
        for params in ({**CHEAP, "timeout": "0.000001"}, {**SLOW, "timeout": "0.000001"}):
            codes.append((await connection.request("GET", target(params)))[0])
        codes.append((await connection.request("POST", "/sparql", DEEP, FORM))[0])


async def load(url: str, seconds: float = SECONDS) -> tuple[list[float], list[str], list[int], list[int]]:
    """Sixteen clients of a cheap query, four of a slow one, and one of churn, for ``seconds``."""
    address = urlsplit(url)
    assert address.hostname and address.port
    connections = [RawConnection(address.hostname, address.port) for _ in range(CLIENTS + 5)]
    latencies: list[float] = []
    errors: list[str] = []
    slow: list[int] = []
    churn: list[int] = []
    until = time.monotonic() + seconds
    try:
        await asyncio.gather(
            *(_cheap(c, until, latencies, errors) for c in connections[:CLIENTS]),
            *(_slow(c, until, slow) for c in connections[CLIENTS:CLIENTS + 4]),
            _churn(connections[-1], until, churn),
        )
    finally:
        for connection in connections:
            await connection.close()
    return latencies, errors, slow, churn


def test_cheap_queries_keep_their_latency_under_slow_queries_and_churn(served_dir: Path) -> None:
    server = LiveServer(served_dir, STEWARDGRAPH_QUERY_TIMEOUT="2")
    try:
        latencies, errors, slow, churn = asyncio.run(load(server.url))
        alive = httpx.get(server.url + "/sparql", params=CHEAP, timeout=10).status_code
    finally:
        server.stop()
    assert errors == []
    assert len(latencies) > 1000
    p99 = statistics.quantiles(latencies, n=100)[98]
    assert p99 < 1.0, f"p99 {p99:.3f} s over {len(latencies)} cheap queries"
    assert slow and set(slow) <= {503, 504}  # the slow queries were really stopped
    assert set(churn) <= {200, 400, 503, 504} and {200, 400} <= set(churn)
    assert alive == 200
