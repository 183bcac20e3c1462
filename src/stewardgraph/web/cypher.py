"""Read-only, parameterised Cypher over HTTP."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from stewardgraph.web.deps import TRUNCATED, Graph

router = APIRouter(tags=["Cypher"])


class CypherRequest(BaseModel):
    query: str = Field(description="A read-only Cypher query", examples=[
        "MATCH (m:Organization)-[:HOLDS]->(:Membership {governing_board: true})-[:MEMBER_OF]->"
        "(f:Foundation {name: $foundation}) RETURN m.name AS member ORDER BY member"
    ])
    parameters: dict[str, Any] = Field(default_factory=dict, examples=[{"foundation": "PyTorch Foundation"}])
    result: Literal["rows", "graph"] = Field(
        default="rows", description="rows: {columns, rows}; graph: {nodes, relationships}"
    )
    timeout: float | None = Field(default=None, gt=0, description="Seconds; may lower the limit, not raise it")


@router.post(
    "/cypher",
    summary="Run read-only Cypher on Neo4j",
    description=(
        "Runs in READ access mode after an EXPLAIN check: writes (CREATE, MERGE, DELETE, SET, ...), "
        "schema and admin commands, write procedures and LOAD CSV are refused with 403. A time limit and "
        "the row cap apply. 503 when Neo4j is not configured or not reachable."
    ),
    responses={403: {"description": "Not a read query"}, 503: {"description": "Neo4j is down"}},
)
async def cypher(body: CypherRequest, graph: Graph) -> JSONResponse:
    found = await run_in_threadpool(
        lambda: graph.cypher(body.query, body.parameters, timeout=body.timeout, graph=body.result == "graph")
    )
    headers = {TRUNCATED: "true"} if found.truncated else {}
    if body.result == "graph":
        return JSONResponse({**found.rows[0], "truncated": found.truncated}, headers=headers)
    return JSONResponse({"columns": found.columns, "rows": found.rows, "truncated": found.truncated}, headers=headers)
