"""Named queries over HTTP: the catalogue, and each query with bound, typed parameters."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, JSONResponse, Response

from stewardgraph import formats
from stewardgraph.errors import ParameterError, StewardGraphError
from stewardgraph.queries import NamedQuery
from stewardgraph.web import pages
from stewardgraph.web.deps import TRUNCATED, Graph, seconds
from stewardgraph.web.limits import neo4j_call

router = APIRouter(tags=["Named queries"])
RESERVED = {"timeout", "backend", "limit", "offset"}


def describe(named: NamedQuery) -> dict[str, Any]:
    return {
        "name": named.name,
        "title": named.title,
        "description": named.description,
        "parameters": [
            {"name": p.name, "type": p.type, "required": p.required, "default": p.default, "description": p.description}
            for p in named.params
        ],
        "columns": list(named.columns),
        "url": f"/queries/{named.name}",
        "backends": ["sparql", "neo4j"] if named.cypher else ["sparql"],
        "internal": named.internal,
        "paginated": named.paginate,
    }


@router.get("/queries", summary="The catalogue of named queries", response_model=None)
def catalogue(request: Request, graph: Graph) -> Any:
    if pages.wants_html(request):
        return HTMLResponse(pages.catalogue(list(graph.catalogue)))
    return {"queries": [describe(q) for q in graph.catalogue]}


@router.get(
    "/queries/{name}",
    summary="Run a named query",
    description=(
        "Parameters are the query's own (see `GET /queries`), given as URL parameters, for example "
        "`/queries/steward-at?project=PyTorch&date=2021-01-01`. A project, organization or foundation "
        "accepts an id, a name or an alias. `timeout` (seconds) may lower the time limit; `backend=neo4j` "
        "runs the query's Cypher twin on Neo4j (`sparql` is the default); a paginated query takes `limit` "
        "and `offset`. The result "
        "is JSON (`{columns, rows, truncated}`) or CSV, by Accept or by a `.json` / `.csv` suffix."
    ),
    response_class=Response,
    responses={
        200: {
            "content": {
                "application/json": {
                    "example": {
                        "columns": ["steward", "role", "since", "until"],
                        "rows": [{"steward": "Meta Platforms", "role": "owner", "since": "2016", "until": "2022-09-12"}],
                        "truncated": False,
                    }
                },
                "text/csv": {"example": "steward,role,since,until\nMeta Platforms,owner,2016,2022-09-12\n"},
            }
        },
        400: {"description": "A missing, undeclared or ill-typed parameter, named in the error"},
        404: {"description": "No such named query"},
    },
)
async def run(name: str, request: Request, graph: Graph) -> Response:
    def _count(parameter: str) -> int | None:
        raw = request.query_params.get(parameter)
        if raw is None:
            return None
        if not raw.isdigit() or (parameter == "limit" and int(raw) == 0) or int(raw) > 1_000_000:
            raise ParameterError(parameter, f"'{raw[:40]}' is not a count from {int(parameter == 'limit')} to 1000000")
        return int(raw)

    stem, dot, suffix = name.rpartition(".")
    media = formats.from_hint(suffix, "table") if dot else None  # /queries/<name>.json or .csv
    named = graph.catalogue.get(stem if media else name)
    if media is None and pages.wants_html(request):
        return await _form(request, graph, named)
    media = media or formats.negotiate(request.headers.get("accept"), formats.offered("table"))
    params = {k: v for k, v in request.query_params.items() if k not in RESERVED}
    timeout = seconds(request.query_params.get("timeout"))
    backend = request.query_params.get("backend")
    limit, offset = _count("limit"), _count("offset") or 0
    call = lambda: graph.run(named.name, params, timeout=timeout, backend=backend, limit=limit, offset=offset)  # noqa: E731
    if (backend or graph.settings.query_backend) == "neo4j":
        table = await neo4j_call(request, call)
    else:
        table = await run_in_threadpool(call)
    headers = {TRUNCATED: "true"} if table.truncated else {}
    if media == "text/csv":
        return Response(formats.table_csv(table.columns, table.rows), media_type="text/csv", headers=headers)
    body = {"columns": table.columns, "rows": table.rows, "truncated": table.truncated}
    return JSONResponse(body, headers=headers)


async def _form(request: Request, graph: Any, named: NamedQuery) -> HTMLResponse:
    """The query as a form; once its parameters are given, with its result. A user error shows
    on the page, above the form that keeps what was typed, with the status it has in the API."""
    # a field left blank means its default; the Run button (run=1) runs a query that has no parameters
    values = {k: v for k, v in request.query_params.items() if k not in RESERVED | {"run"} and v != ""}
    result, error, status, sparql, labels = None, None, 200, None, {}
    if values or "run" in request.query_params:
        try:  # as the API does: a time limit and a backend may be asked for, and are checked
            timeout = seconds(request.query_params.get("timeout"))
            backend = request.query_params.get("backend")
            call = lambda: graph.run(named.name, values, timeout=timeout, backend=backend)  # noqa: E731
            on_neo4j = (backend or graph.settings.query_backend) == "neo4j"
            result = await (neo4j_call(request, call) if on_neo4j else run_in_threadpool(call))
            sparql = None if on_neo4j else graph.bound_text(named.name, values)
            labels = await run_in_threadpool(pages.names, graph, [str(v) for row in result.rows[:pages.HTML_ROWS]
                                                                   for v in row.values()])
        except StewardGraphError as exc:
            error, status = exc.message, exc.status
    return HTMLResponse(pages.query_page(request, named, values, result, error, sparql, labels), status_code=status)

