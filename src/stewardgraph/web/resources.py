"""REST resources: projects, organizations, events and search, as paginated JSON (and, for
browsers, as pages with facets, removable filters and sortable columns)."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Callable
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi import Path as PathParam
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse

from stewardgraph import entities
import pyoxigraph as ox

from stewardgraph.errors import NotFound, ParameterError
from stewardgraph.service import StewardGraph
from stewardgraph.records import PartialDate, ProjectStatus
from stewardgraph.web import pages
from stewardgraph.web.deps import Graph
from stewardgraph.web.html import escape, local, page, spoken

router = APIRouter(tags=["Resources"])
Limit = Annotated[int, Query(ge=1, le=pages.EXPORT_LIMIT, description="Items per page")]
Offset = Annotated[int, Query(ge=0, le=1_000_000, description="Items to skip")]
Format = Annotated[Literal["json", "csv"] | None, Query(
    description="json or csv; without it, browsers get an HTML page and other clients JSON")]
WithFacets = Annotated[bool, Query(description='Add to the JSON a "facets" key: how many items of the whole list '
                                               "have each value of each facet, with the URL of the list it filters")]


def _name(item: dict[str, Any] | None) -> str:
    return str(item["name"]) if item else ""


def answer(request: Request, found: dict[str, Any], fmt: str | None, title: str,
           columns: list[tuple[str, Any, Any]], intro: str = "", *, listing: pages.Listing | None = None,
           with_facets: bool = False) -> Any:
    """A list as JSON (the API's default), CSV, or, for a browser, an HTML page (with the facets,
    filters and orders of ``listing``). Each column is (header, the cell as HTML, the cell as
    text). JSON gets a "facets" key only when it asks for them."""
    if fmt == "csv":
        return pages.items_csv(found["items"], [(name, text) for name, _, text in columns])
    if fmt is None and pages.wants_html(request):
        return pages.list_page(request, title, found, [(name, html) for name, html, _ in columns], intro, listing)
    if with_facets and listing is not None:
        return {**found, "facets": pages.facets_json(request, listing.facets)}
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


async def _detail(request: Request, graph: StewardGraph, kind: str, id: str,
                  read: Callable[[StewardGraph, ox.NamedNode], dict[str, Any]]) -> Any:
    """One entity as JSON; a browser is sent to its page (its IRI, resolved here)."""
    iri = await run_in_threadpool(_find, graph, kind, id)
    if pages.wants_html(request):
        return RedirectResponse(local(iri.value), status_code=303)
    return await run_in_threadpool(read, graph, iri)


def _find(graph: StewardGraph, kind: str, id: str) -> ox.NamedNode:
    """The entity a path names by id, name or alias; an unknown one is a 404."""
    try:
        return graph.resolve(kind, id, parameter="id")
    except ParameterError as exc:
        raise NotFound(exc.message.removeprefix("parameter 'id': ")) from None


@router.get("/projects", summary="Projects, filterable by current foundation, steward, status and year; sortable",
            response_model=None)
async def list_projects(
    request: Request,
    graph: Graph,
    foundation: Annotated[str | None, Query(description="Hosted now by this foundation or one under it", examples=["Linux Foundation"])] = None,
    steward: Annotated[str | None, Query(description="Stewarded now by this organization", examples=["Meta"])] = None,
    status: Annotated[ProjectStatus | None, Query(description="active, archived, retired or deprecated")] = None,
    year: Annotated[int | None, Query(ge=1000, le=9999, description="Hosted now by a foundation since this year")] = None,
    sort: Annotated[str | None, Query(description="name (the default), -name, since, -since, status or -status; "
                                      "since is when the current hosting by a foundation began, - is descending")] = None,
    limit: Limit = 50,
    offset: Offset = 0,
    format: Format = None,
    facets: WithFacets = False,
) -> Any:
    order = entities.checked_sort(sort, entities.PROJECT_SORTS)
    host, held = await run_in_threadpool(lambda: (
        graph.resolve("foundation", foundation, parameter="foundation") if foundation else None,
        graph.resolve("organization", steward, parameter="steward") if steward else None))
    filters: dict[str, Any] = {"foundation": host, "steward": held, "status": status, "year": year}
    faceted = _faceted(request, format, facets)
    page, counted = await _with_facets(
        lambda: entities.projects(graph, **filters, sort=order, limit=limit, offset=offset, count=not faceted),
        (lambda: entities.project_facets(graph, **filters)) if faceted else None)
    listing = pages.Listing(
        facets=_facets(counted, [("foundation", "hosting foundation now"), ("status", "status"),
                                 ("year", "hosted since (year)")]),
        applied=_applied({"foundation": _shown(counted, "foundation", foundation, host), "steward": steward,
                          "status": status, "year": year}),
        sorts={"project": "name", "status": "status", "hosted since": "-since"}, sort=order,
        note="A foundation counts the projects of the foundations under it too; the year is the year the "
             "project's current hosting by a foundation began.")
    return answer(request, paginate(request, page, limit, offset), format, "Projects", [
        ("project", lambda p: pages.entity(p, "project"), lambda p: p["name"]),
        ("status", lambda p: escape(str(p["status"] or "")), lambda p: p["status"]),
        ("licenses", lambda p: escape(", ".join(p["licenses"])), lambda p: " ".join(p["licenses"])),
        ("stewards now", lambda p: ", ".join(pages.entity(s, "organization") + f' <small>{escape(spoken(s["role"]))}</small>'
                                             for s in p["stewards"]),
         lambda p: "; ".join(f'{s["name"]} ({s["role"]})' for s in p["stewards"])),
        ("hosted since", lambda p: f"<time>{escape(_hosted_since(p))}</time>" if _hosted_since(p) else "", _hosted_since),
    ], listing=listing, with_facets=facets)


def _hosted_since(project: dict[str, Any]) -> str:
    """When the project's current hosting by a foundation began (the earliest, if two host it)."""
    return min((str(s["since"]) for s in project["stewards"] if s["role"] in ("host-foundation", "fiscal-sponsor")), default="")


@router.get("/projects/{id}", summary="A project with its stewardship timeline, events and sources")
async def get_project(
    request: Request,
    id: Annotated[str, PathParam(description="Project id, name or alias", examples=["pytorch"])], graph: Graph,
) -> Any:
    return await _detail(request, graph, "project", id, entities.project)


@router.get("/organizations", summary="Organizations, filterable by name, kind and whether they host projects; sortable",
            response_model=None)
async def list_organizations(
    request: Request,
    graph: Graph,
    q: Annotated[str | None, Query(description="Text to find in a name or alias, in any case", examples=["linux"])] = None,
    kind: Annotated[str | None, Query(description="foundation, company or other")] = None,
    hosts: Annotated[bool | None, Query(description="true: only those that host projects now; false: only the others")] = None,
    sort: Annotated[str | None, Query(description="name (the default), -name, projects or -projects (by how many "
                                      "projects they host now; - is descending)")] = None,
    limit: Limit = 50,
    offset: Offset = 0,
    format: Format = None,
    facets: WithFacets = False,
) -> Any:
    order = entities.checked_sort(sort, entities.ORGANIZATION_SORTS)
    filters: dict[str, Any] = {"text": q, "kind": entities.checked_kind(kind), "hosts": hosts}
    faceted = _faceted(request, format, facets)
    page, counted = await _with_facets(
        lambda: entities.organizations(graph, **filters, sort=order, limit=limit, offset=offset, count=not faceted),
        (lambda: entities.organization_facets(graph, **filters)) if faceted else None)
    listing = pages.Listing(
        facets=_facets(counted, [("kind", "kind"), ("hosts", "hosts projects now")]),
        applied=_applied({"q": q, "kind": kind, "hosts": None if hosts is None else _yes(hosts)}),
        sorts={"organization": "name", "projects hosted now": "-projects"}, sort=order,
        note="Projects hosted now: those an organization hosts itself now, as host foundation or fiscal "
             "sponsor (the projects of the foundations under it are not added).")
    return answer(request, paginate(request, page, limit, offset), format, "Organizations", [
        ("organization", lambda o: pages.entity(o, "organization"), lambda o: o["name"]),
        ("kind", lambda o: escape(str(o["kind"])), lambda o: o["kind"]),
        ("homepage", lambda o: pages.outside_link(o["homepage"]), lambda o: o["homepage"]),
        ("projects hosted now", lambda o: f'{int(o["projects"]):,}', lambda o: o["projects"]),
    ], intro=pages.organization_search(request), listing=listing, with_facets=facets)


@router.get(
    "/organizations/{id}",
    summary="An organization: hosted projects over time, members by tier, parent and child foundations",
)
async def get_organization(
    id: Annotated[str, PathParam(description="Organization id, name or alias", examples=["pytorch-foundation"])],
    graph: Graph, request: Request,
) -> Any:
    return await _detail(request, graph, "organization", id, entities.organization)


@router.get("/events", summary="Stewardship events, filterable by type, date range, year and foundation; sortable",
            response_model=None)
async def list_events(
    request: Request,
    graph: Graph,
    type: Annotated[str | None, Query(description="An event type, e.g. donation", examples=["donation"])] = None,
    since: Annotated[str | None, Query(alias="from", description="First ISO date, inclusive", examples=["2022"])] = None,
    until: Annotated[str | None, Query(alias="to", description="Last ISO date, inclusive", examples=["2025-12-31"])] = None,
    year: Annotated[int | None, Query(ge=1000, le=9999, description="Only events of this year")] = None,
    foundation: Annotated[str | None, Query(description="Only events a foundation takes part in (from, to or about)",
                                            examples=["CNCF"])] = None,
    sort: Annotated[str | None, Query(description="date (oldest first, the default) or -date (newest first)")] = None,
    limit: Limit = 50,
    offset: Offset = 0,
    format: Format = None,
    facets: WithFacets = False,
) -> Any:
    first, last = _date(since, "from"), _date(until, "to")
    if first and last and PartialDate.parse(first).first_day() > PartialDate.parse(last).last_day():
        raise ParameterError("to", f"'{until}' is before from ('{since}'): nothing could match")
    order = entities.checked_sort(sort, entities.EVENT_SORTS)
    party = await run_in_threadpool(
        lambda: graph.resolve("foundation", foundation, parameter="foundation") if foundation else None)
    filters: dict[str, Any] = {"type": type, "since": first, "until": last, "year": year, "foundation": party}
    faceted = _faceted(request, format, facets)
    page, counted = await _with_facets(
        lambda: entities.events(graph, **filters, sort=order, limit=limit, offset=offset, count=not faceted),
        (lambda: entities.event_facets(graph, **filters)) if faceted else None)
    listing = pages.Listing(
        facets=_facets(counted, [("type", "event type"), ("year", "year"), ("foundation", "foundation taking part")]),
        applied=_applied({"type": type, "from": since, "to": until, "year": year,
                          "foundation": _shown(counted, "foundation", foundation, party)}),
        sorts={"date": "date"}, sort=order)
    return answer(request, paginate(request, page, limit, offset), format, "Events", [
        ("date", lambda e: f'<time>{escape(str(e["date"]))}</time>', lambda e: e["date"]),
        ("event", lambda e: f'<a href="/id/event/{escape(e["id"])}">{escape(spoken(e["type"]))}</a>', lambda e: e["type"]),
        ("project or organization", lambda e: pages.entity(e["project"], "project") or pages.entity(e["organization"], "organization"),
         lambda e: _name(e["project"]) or _name(e["organization"])),
        ("from", lambda e: pages.entity(e["from"], "organization"), lambda e: _name(e["from"])),
        ("to", lambda e: pages.entity(e["to"], "organization"), lambda e: _name(e["to"])),
        ("sources", lambda e: " · ".join(f'<a href="{escape(str(s["url"]))}">{escape(str(s["title"] or s["publisher"] or s["url"]))}</a>'
                                       for s in e["sources"]), lambda e: " ".join(str(s["url"]) for s in e["sources"])),
    ], listing=listing, with_facets=facets)


@router.get("/search", summary="Projects and organizations by name or alias", response_model=None)
async def search(
    request: Request,
    graph: Graph,
    q: Annotated[str | None, Query(min_length=1, description="Text to find in names and aliases (required, "
                                                              "but a browser without it gets the search box)",
                                   examples=["torch"])] = None,
    limit: Limit = 50,
    offset: Offset = 0,
    format: Format = None,
) -> Any:
    if q is None:
        if format is None and pages.wants_html(request):
            return HTMLResponse(page("Search", pages.search_box(autofocus=True)))
        raise ParameterError("q", "Field required: the text to find")
    text = q
    found = paginate(request, await run_in_threadpool(lambda: entities.search(graph, text, limit=limit, offset=offset)),
                     limit, offset)
    return answer(request, found, format, f"Search: {q}", [
        ("name", lambda i: pages.entity(i), lambda i: i["name"]),
        ("kind", lambda i: escape(str(i["kind"])), lambda i: i["kind"]),
        ("matched", lambda i: escape(", ".join(i["matched"])), lambda i: "; ".join(i["matched"])),
    ], intro=pages.search_box(q))


# -- lists with facets ---------------------------------------------------------------------------


def _faceted(request: Request, fmt: str | None, asked: bool) -> bool:
    """Whether a list needs its facets: for a browser's page, or when JSON asks for them."""
    if fmt is None and pages.wants_html(request):
        return True
    return asked and fmt != "csv"


async def _with_facets(page: Callable[[], entities.Page],
                       facets: Callable[[], entities.Facets] | None) -> tuple[entities.Page, entities.Facets | None]:
    """One page of a list and, if asked, its facets, queried side by side (each on a worker of
    its own); the facets count the whole list, so the page need not count it again."""
    if facets is None:
        return await run_in_threadpool(page), None
    found, counted = await asyncio.gather(run_in_threadpool(page), run_in_threadpool(facets))
    return dataclasses.replace(found, total=counted.total), counted


_LABELS = {"hosts": {"true": "yes", "false": "no"}}


def _facets(counted: entities.Facets | None, titles: list[tuple[str, str]]) -> list[pages.Facet]:
    """The facets that have values, in the order of ``titles`` (parameter, heading)."""
    if counted is None:
        return []
    return [pages.Facet(parameter, title, [{**v, "label": _LABELS.get(parameter, {}).get(
                v["value"], spoken(v["label"]) if parameter == "type" else v["label"])}
                                           for v in counted.values[parameter]])
            for parameter, title in titles if counted.values.get(parameter)]


def _shown(counted: entities.Facets | None, parameter: str, typed: str | None, iri: ox.NamedNode | None) -> str | None:
    """How a filter given by id, name or alias shows: by the label its facet gives the entity it
    resolved to, else as it was typed."""
    if typed is None or iri is None or counted is None:
        return typed
    labels = {v["value"]: v["label"] for v in counted.values.get(parameter, [])}
    return str(labels.get(entities.slug(iri.value), typed))


def _yes(value: bool) -> str:
    return "yes" if value else "no"


def _applied(given: dict[str, Any]) -> list[tuple[str, str]]:
    """The filters in force, as (parameter, value as shown)."""
    return [(parameter, str(value)) for parameter, value in given.items() if value is not None and value != ""]
