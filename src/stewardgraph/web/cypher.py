"""Read-only, parameterised Cypher over HTTP."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from stewardgraph.web.deps import TRUNCATED, Graph
from stewardgraph.web.limits import neo4j_call

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
        "Runs in READ access mode after a check of the planner's EXPLAIN plan: writes (CREATE, MERGE, DELETE, "
        "SET, ...), LOAD CSV in any spelling, every SHOW and TERMINATE command, schema and admin commands, "
        "and procedures outside the allow-list are refused with 403. A time limit, the row cap and a byte cap "
        "apply; a cut result says `truncated`. 503 when Neo4j is not configured, not reachable or not answering."
    ),
    responses={403: {"description": "Not a read query"}, 503: {"description": "Neo4j is down"}},
)
async def cypher(body: CypherRequest, request: Request, graph: Graph) -> JSONResponse:
    found = await neo4j_call(
        request, lambda: graph.cypher(body.query, body.parameters, timeout=body.timeout, graph=body.result == "graph")
    )
    headers = {TRUNCATED: "true"} if found.truncated else {}
    if body.result == "graph":
        return JSONResponse({**found.rows[0], "truncated": found.truncated}, headers=headers)
    return JSONResponse({"columns": found.columns, "rows": found.rows, "truncated": found.truncated}, headers=headers)
