"""REST resources: projects, organizations, events and search, as paginated JSON."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi import Path as PathParam
from fastapi.concurrency import run_in_threadpool

from stewardgraph import entities
import pyoxigraph as ox

from stewardgraph.errors import NotFound, ParameterError
from stewardgraph.service import StewardGraph
from stewardgraph.records import PartialDate
from stewardgraph.web.deps import Graph

router = APIRouter(tags=["Resources"])
Limit = Annotated[int, Query(ge=1, le=500, description="Items per page")]
Offset = Annotated[int, Query(ge=0, description="Items to skip")]


def paginate(request: Request, page: entities.Page, limit: int, offset: int) -> dict[str, Any]:
    following = None
    if page.more:
        following = str(request.url.include_query_params(offset=offset + limit, limit=limit))
    return {"items": page.items, "total": page.total, "limit": limit, "offset": offset, "next": following}


def _date(value: str | None, parameter: str) -> Any:
    if value is None:
        return None
    try:
        return str(PartialDate.parse(value))
    except ValueError as exc:
        raise ParameterError(parameter, str(exc)) from None


def _find(graph: StewardGraph, kind: str, id: str) -> ox.NamedNode:
    """The entity a path names by id, name or alias; an unknown one is a 404."""
    try:
        return graph.resolve(kind, id, parameter="id")
    except ParameterError as exc:
        raise NotFound(exc.message.removeprefix("parameter 'id': ")) from None


@router.get("/projects", summary="Projects, filterable by current foundation, steward and status")
async def list_projects(
    request: Request,
    graph: Graph,
    foundation: Annotated[str | None, Query(description="Hosted now by this foundation or one under it", examples=["Linux Foundation"])] = None,
    steward: Annotated[str | None, Query(description="Stewarded now by this organization", examples=["Meta"])] = None,
    status: Annotated[str | None, Query(description="active, archived, retired or deprecated")] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> dict[str, Any]:
    def work() -> entities.Page:
        host = graph.resolve("foundation", foundation, parameter="foundation") if foundation else None
        held = graph.resolve("organization", steward, parameter="steward") if steward else None
        return entities.projects(graph, foundation=host, steward=held, status=status, limit=limit, offset=offset)

    return paginate(request, await run_in_threadpool(work), limit, offset)


@router.get("/projects/{id}", summary="A project with its stewardship timeline, events and sources")
async def get_project(
    id: Annotated[str, PathParam(description="Project id, name or alias", examples=["pytorch"])], graph: Graph
) -> dict[str, Any]:
    return await run_in_threadpool(lambda: entities.project(graph, _find(graph, "project", id)))


@router.get(
    "/organizations/{id}",
    summary="An organization: hosted projects over time, members by tier, parent and child foundations",
)
async def get_organization(
    id: Annotated[str, PathParam(description="Organization id, name or alias", examples=["pytorch-foundation"])],
    graph: Graph,
) -> dict[str, Any]:
    return await run_in_threadpool(lambda: entities.organization(graph, _find(graph, "organization", id)))


@router.get("/events", summary="Stewardship events, filterable by type and date range")
async def list_events(
    request: Request,
    graph: Graph,
    type: Annotated[str | None, Query(description="An event type, e.g. donation", examples=["donation"])] = None,
    since: Annotated[str | None, Query(alias="from", description="First ISO date, inclusive", examples=["2022"])] = None,
    until: Annotated[str | None, Query(alias="to", description="Last ISO date, inclusive", examples=["2025-12-31"])] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> dict[str, Any]:
    first, last = _date(since, "from"), _date(until, "to")
    page = await run_in_threadpool(
        lambda: entities.events(graph, type=type, since=first, until=last, limit=limit, offset=offset))
    return paginate(request, page, limit, offset)


@router.get("/search", summary="Projects and organizations by name or alias")
async def search(
    request: Request,
    graph: Graph,
    q: Annotated[str, Query(min_length=1, description="Text to find in names and aliases", examples=["torch"])],
    limit: Limit = 50,
    offset: Offset = 0,
) -> dict[str, Any]:
    page = await run_in_threadpool(lambda: entities.search(graph, q, limit=limit, offset=offset))
    return paginate(request, page, limit, offset)
