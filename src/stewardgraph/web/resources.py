"""REST resources: projects, organizations, events and search, as paginated JSON."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi import Path as PathParam
from fastapi.concurrency import run_in_threadpool

from stewardgraph import entities
import pyoxigraph as ox

from stewardgraph.errors import NotFound, ParameterError
from stewardgraph.service import StewardGraph
from stewardgraph.records import PartialDate
from stewardgraph.web import pages
from stewardgraph.web.deps import Graph
from stewardgraph.web.html import escape

router = APIRouter(tags=["Resources"])
Limit = Annotated[int, Query(ge=1, le=500, description="Items per page")]
Offset = Annotated[int, Query(ge=0, description="Items to skip")]
Format = Annotated[Literal["json", "csv"] | None, Query(
    description="json or csv; without it, browsers get an HTML page and other clients JSON")]


def _name(item: dict[str, Any] | None) -> str:
    return str(item["name"]) if item else ""


def answer(request: Request, found: dict[str, Any], fmt: str | None, title: str,
           columns: list[tuple[str, Any, Any]], intro: str = "") -> Any:
    """A list as JSON (the API's default), CSV, or, for a browser, an HTML page. Each column is
    (header, the cell as HTML, the cell as text)."""
    if fmt == "csv":
        return pages.items_csv(found["items"], [(name, text) for name, _, text in columns])
    if fmt is None and pages.wants_html(request):
        return pages.list_page(request, title, found, [(name, html) for name, html, _ in columns], intro)
    return found


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


@router.get("/projects", summary="Projects, filterable by current foundation, steward and status",
            response_model=None)
async def list_projects(
    request: Request,
    graph: Graph,
    foundation: Annotated[str | None, Query(description="Hosted now by this foundation or one under it", examples=["Linux Foundation"])] = None,
    steward: Annotated[str | None, Query(description="Stewarded now by this organization", examples=["Meta"])] = None,
    status: Annotated[str | None, Query(description="active, archived, retired or deprecated")] = None,
    limit: Limit = 50,
    offset: Offset = 0,
    format: Format = None,
) -> Any:
    def work() -> entities.Page:
        host = graph.resolve("foundation", foundation, parameter="foundation") if foundation else None
        held = graph.resolve("organization", steward, parameter="steward") if steward else None
        return entities.projects(graph, foundation=host, steward=held, status=status, limit=limit, offset=offset)

    found = paginate(request, await run_in_threadpool(work), limit, offset)
    return answer(request, found, format, "Projects", [
        ("project", lambda p: pages.entity(p, "project"), lambda p: p["name"]),
        ("status", lambda p: escape(str(p["status"] or "")), lambda p: p["status"]),
        ("licenses", lambda p: escape(", ".join(p["licenses"])), lambda p: " ".join(p["licenses"])),
        ("stewards now", lambda p: ", ".join(pages.entity(s, "organization") + f' <small>{escape(str(s["role"]))}</small>'
                                             for s in p["stewards"]),
         lambda p: "; ".join(f'{s["name"]} ({s["role"]})' for s in p["stewards"])),
    ], intro=_filters(request, {"foundation": foundation, "steward": steward, "status": status}))


def _filters(request: Request, given: dict[str, str | None]) -> str:
    """The filters in force, each with a link that drops it."""
    shown = [f'{escape(k)}: {escape(v)} (<a href="{escape(str(request.url.remove_query_params([k, "offset"])))}">all</a>)'
             for k, v in given.items() if v]
    return f'<p>{" · ".join(shown)}</p>' if shown else ""


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


@router.get("/events", summary="Stewardship events, filterable by type and date range", response_model=None)
async def list_events(
    request: Request,
    graph: Graph,
    type: Annotated[str | None, Query(description="An event type, e.g. donation", examples=["donation"])] = None,
    since: Annotated[str | None, Query(alias="from", description="First ISO date, inclusive", examples=["2022"])] = None,
    until: Annotated[str | None, Query(alias="to", description="Last ISO date, inclusive", examples=["2025-12-31"])] = None,
    limit: Limit = 50,
    offset: Offset = 0,
    format: Format = None,
) -> Any:
    first, last = _date(since, "from"), _date(until, "to")
    page = await run_in_threadpool(
        lambda: entities.events(graph, type=type, since=first, until=last, limit=limit, offset=offset))
    found = paginate(request, page, limit, offset)
    return answer(request, found, format, "Events", [
        ("date", lambda e: escape(str(e["date"])), lambda e: e["date"]),
        ("event", lambda e: f'<a href="/id/event/{escape(e["id"])}">{escape(str(e["type"]))}</a>', lambda e: e["type"]),
        ("project or organization", lambda e: pages.entity(e["project"], "project") or pages.entity(e["organization"], "organization"),
         lambda e: _name(e["project"]) or _name(e["organization"])),
        ("from", lambda e: pages.entity(e["from"], "organization"), lambda e: _name(e["from"])),
        ("to", lambda e: pages.entity(e["to"], "organization"), lambda e: _name(e["to"])),
        ("sources", lambda e: " ".join(f'<a href="{escape(str(s["url"]))}">{escape(str(s["title"] or s["publisher"] or s["url"]))}</a>'
                                       for s in e["sources"]), lambda e: " ".join(str(s["url"]) for s in e["sources"])),
    ], intro=_filters(request, {"type": type, "from": since, "to": until}))


@router.get("/search", summary="Projects and organizations by name or alias", response_model=None)
async def search(
    request: Request,
    graph: Graph,
    q: Annotated[str, Query(min_length=1, description="Text to find in names and aliases", examples=["torch"])],
    limit: Limit = 50,
    offset: Offset = 0,
    format: Format = None,
) -> Any:
    page = await run_in_threadpool(lambda: entities.search(graph, q, limit=limit, offset=offset))
    found = paginate(request, page, limit, offset)
    return answer(request, found, format, f"Search: {q}", [
        ("name", lambda i: pages.entity(i), lambda i: i["name"]),
        ("kind", lambda i: escape(str(i["kind"])), lambda i: i["kind"]),
        ("matched", lambda i: escape(", ".join(i["matched"])), lambda i: "; ".join(i["matched"])),
    ], intro=pages.search_box(q))
