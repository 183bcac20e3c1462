"""Projects, organizations and events as JSON-ready dictionaries, for the REST resources.

Every read model is an internal named query (``queries/*.rq`` with ``internal: true``); lists
ask the engine for one page (and one row more, to know if another follows) and count the rest
in the engine too.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox

from stewardgraph.errors import NotFound, ParameterError
from stewardgraph.service import StewardGraph
from stewardgraph.store.base import Value

Row = dict[str, Value]
_SEPARATOR = "\u001f"  # between the values that a GROUP_CONCAT of names joins


@dataclass(frozen=True)
class Page:
    """One page of a list: its items, how many there are in all, and whether more follow."""

    items: list[dict[str, Any]]
    total: int
    more: bool


def slug(iri: Value) -> str:
    """The id part of one of our IRIs: ``.../id/project/pytorch`` gives ``pytorch``."""
    return str(iri).rsplit("/", 1)[-1]


def ref(iri: Value, name: Value, kind: str) -> dict[str, Any] | None:
    if iri is None:
        return None
    return {"id": slug(iri), "name": name, "iri": iri, "url": f"/{kind}s/{slug(iri)}"}


def _sources(rows: list[Row]) -> dict[str, list[dict[str, Value]]]:
    found: dict[str, list[dict[str, Value]]] = defaultdict(list)
    for row in rows:
        found[str(row["fact"])].append({"url": row["url"], "title": row["title"], "publisher": row["publisher"]})
    return found


def _page(graph: StewardGraph, name: str, params: dict[str, Any], limit: int, offset: int,
          count: bool = True) -> tuple[list[Row], int, bool]:
    """One page of rows, the total and whether more follow. Without ``count`` the total is only
    what this page shows (the caller knows it from elsewhere: the facets count it too)."""
    table = graph.run(name, params, limit=limit, offset=offset)
    if count and (table.truncated or (offset and not table.rows)):
        total = graph.count(name, params)
    else:
        total = offset + len(table.rows)
    return table.rows, total, table.truncated


# -- projects ------------------------------------------------------------------------------------


def projects(
    graph: StewardGraph, *, foundation: ox.NamedNode | None = None, steward: ox.NamedNode | None = None,
    status: str | None = None, year: int | None = None, sort: str | None = None, limit: int = 50, offset: int = 0,
    count: bool = True,
) -> Page:
    """Projects with their current stewards, filtered by current host foundation (including
    sub-foundations), current steward, status, or the year their current hosting began; by name
    unless ``sort`` (one of PROJECT_SORTS) says otherwise."""
    params = {"foundation": foundation, "steward": steward, "status": status, "year": year,
              "sort": checked_sort(sort, PROJECT_SORTS)}
    rows, total, more = _page(graph, "project-list", params, limit, offset, count)
    current: dict[str, list[Row]] = defaultdict(list)
    if rows:
        for row in graph.run("current-stewards", {"projects": [str(r["p"]) for r in rows]}).rows:
            current[str(row["p"])].append(row)
    return Page([_project_summary(row, current.get(str(row["p"]), [])) for row in rows], total, more)


def _project_summary(row: Row, held: list[Row]) -> dict[str, Any]:
    return {
        "id": slug(row["p"]),
        "iri": row["p"],
        "name": row["name"],
        "aliases": [a for a in str(row["aliases"] or "").split(_SEPARATOR) if a],
        "status": row["status"],
        "licenses": [slug(iri) for iri in str(row["licenses"] or "").split()],
        "homepage": row["homepage"],
        "repository": row["repository"],
        "stewards": [
            {**(ref(h["o"], h["steward"], "organization") or {}), "role": h["role"], "since": h["since"]}
            for h in held
        ],
        "url": f"/projects/{slug(row['p'])}",
    }


def project(graph: StewardGraph, iri: ox.NamedNode) -> dict[str, Any]:
    """One project with its stewardship timeline and events, each with its sources."""
    rows = graph.run("project-list", {"project": iri}).rows
    if not rows:
        raise NotFound(f"no project {slug(iri.value)}")
    sources = _sources(graph.run("sources-about", {"about": iri}).rows)
    current = graph.run("current-stewards", {"projects": [iri]}).rows
    detail = _project_summary(rows[0], current)
    facts = _facts(graph, iri)
    detail["description"] = _first(facts, "http://purl.org/dc/terms/description")
    detail["created"] = _first(facts, "https://w3id.org/stewardgraph/ns#created")
    detail["fork_of"] = [slug(o) for o in facts.get("https://w3id.org/stewardgraph/ns#forkOf", [])]
    detail["timeline"] = [
        {
            "steward": ref(r["o"], r["steward"], "organization"),
            "steward_now": r["steward_now"] if r["steward_now"] != r["steward"] else None,
            "role": r["role"],
            "since": r["since"],
            "until": r["until"],
            "sources": sources.get(str(r["s"]), []),
        }
        for r in graph.run("stewardships", {"project": iri}).rows
    ]
    detail["events"] = [_event(r, sources) for r in graph.run("project-events", {"project": iri}).rows]
    detail["sources"] = sources.get(iri.value, [])
    return detail


# -- organizations -------------------------------------------------------------------------------


def organization(graph: StewardGraph, iri: ox.NamedNode) -> dict[str, Any]:
    """One organization: parent and child foundations, hosted projects over time, members by
    tier, its own memberships and events, with sources."""
    mine = graph.run("organization", {"organization": iri}).rows
    if not mine:
        raise NotFound(f"no organization {slug(iri.value)}")
    sources = _sources(graph.run("sources-about", {"about": iri}).rows)
    facts = _facts(graph, iri)
    first = mine[0]
    members: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for m in graph.run("memberships", {"organization": iri}).rows:
        members[str(m["tier"])].append({
            "member": ref(m["member"], m["member_name"], "organization"), "since": m["since"], "until": m["until"],
            "governing_board": bool(m["board"]), "sources": sources.get(str(m["m"]), []),
        })
    return {
        "id": slug(iri.value),
        "iri": iri.value,
        "name": first["name"],
        "kind": first["kind"],
        "aliases": [str(a) for a in facts.get("http://www.w3.org/2004/02/skos/core#altLabel", [])],
        "description": _first(facts, "http://purl.org/dc/terms/description"),
        "homepage": first["homepage"],
        "founded": first["founded"],
        "parents": [
            ref(r["parent"], r["parent_name"], "organization")
            for r in mine if r["parent"] is not None
        ],
        "children": [
            ref(r["o"], r["name"], "organization")
            for r in graph.run("organization-children", {"organization": iri}).rows
        ],
        "projects": [
            {"project": ref(r["p"], r["project"], "project"), "role": r["role"], "since": r["since"],
             "until": r["until"], "sources": sources.get(str(r["s"]), [])}
            for r in graph.run("stewardships", {"steward": iri}).rows
        ],
        "members_by_tier": dict(members),
        "member_of": [
            {"organization": ref(m["org"], m["org_name"], "organization"), "tier": m["tier"],
             "since": m["since"], "until": m["until"], "governing_board": bool(m["board"])}
            for m in graph.run("memberships", {"member": iri}).rows
        ],
        "events": [_event(r, sources) for r in graph.run("organization-events", {"organization": iri}).rows],
        "sources": sources.get(iri.value, []),
    }


# -- events and search ---------------------------------------------------------------------------


def events(graph: StewardGraph, *, type: str | None = None, since: str | None = None, until: str | None = None,
           year: int | None = None, foundation: ox.NamedNode | None = None, sort: str | None = None,
           limit: int = 50, offset: int = 0, count: bool = True) -> Page:
    """Events in date order (``sort``: one of EVENT_SORTS), by type, a date range (inclusive, by
    each date's first day), a year, and an organization that takes part."""
    params = {"type": type, "from": since, "to": until, "year": year, "foundation": foundation,
              "sort": checked_sort(sort, EVENT_SORTS)}
    rows, total, more = _page(graph, "event-list", params, limit, offset, count)
    sources = _sources(graph.run("fact-sources", {"facts": [str(r["e"]) for r in rows]}).rows) if rows else {}
    return Page([_event(row, sources) for row in rows], total, more)


def _event(row: Row, sources: dict[str, list[dict[str, Value]]]) -> dict[str, Any]:
    return {
        "id": slug(row["e"]),
        "iri": row["e"],
        "type": row["type"],
        "date": row["date"],
        "project": ref(row["p"], row["project"], "project"),
        "organization": ref(row["org"], row["organization"], "organization"),
        "from": ref(row["from"], row["from_name"], "organization"),
        "to": ref(row["to"], row["to_name"], "organization"),
        "description": row["description"],
        "sources": sources.get(str(row["e"]), []),
    }


def search(graph: StewardGraph, text: str, *, limit: int = 50, offset: int = 0) -> Page:
    """Projects and organizations whose name or an alias contains the text, in any case."""
    rows, total, more = _page(graph, "search", {"needle": text.strip().lower()}, limit, offset)
    items = [
        {**(ref(row["e"], row["name"], str(row["kind"])) or {}), "kind": row["kind"],
         "matched": sorted(str(row["matched"] or "").split(_SEPARATOR))}
        for row in rows
    ]
    return Page(items, total, more)


def _facts(graph: StewardGraph, iri: ox.NamedNode) -> dict[str, list[Value]]:
    facts: dict[str, list[Value]] = defaultdict(list)
    for row in graph.run("entity-facts", {"subject": iri}).rows:
        facts[str(row["p"])].append(row["o"])
    return facts


def _first(facts: dict[str, list[Value]], predicate: str) -> Value:
    values = facts.get(predicate)
    return values[0] if values else None


# -- lists: sorting, organizations and facets ----------------------------------------------------

PROJECT_SORTS = ("name", "-name", "since", "-since", "status", "-status")
EVENT_SORTS = ("date", "-date")
ORGANIZATION_SORTS = ("name", "-name", "projects", "-projects")
ORGANIZATION_KINDS = ("foundation", "company", "other")
TOP = 15  # values a facet of organizations (foundation) shows: the ones with most rows


def checked_sort(value: str | None, allowed: Sequence[str]) -> str:
    """The order a list is asked for, one of ``allowed`` (the first without one); the query
    picks its sort key among a fixed set by this value, bound like any parameter."""
    if value is None or value == "":
        return allowed[0]
    if value not in allowed:
        raise ParameterError("sort", f"'{value}' is not one of: {', '.join(allowed)}")
    return value


def organizations(
    graph: StewardGraph, *, text: str | None = None, kind: str | None = None, hosts: bool | None = None,
    sort: str | None = None, limit: int = 50, offset: int = 0, count: bool = True,
) -> Page:
    """Organizations with their kind, homepage and how many projects they host now (directly),
    filtered by text in a name or alias, kind, and whether they host projects now."""
    params = {"needle": _needle(text), "kind": checked_kind(kind), "hosts": hosts,
              "sort": checked_sort(sort, ORGANIZATION_SORTS)}
    rows, total, more = _page(graph, "organization-list", params, limit, offset, count)
    items = [{**(ref(row["o"], row["name"], "organization") or {}), "kind": row["kind"], "homepage": row["homepage"],
              "projects": int(str(row["projects"] or 0))} for row in rows]
    return Page(items, total, more)


def _needle(text: str | None) -> str | None:
    """Text to find, as the queries take it: in lower case; blank is no filter."""
    needle = (text or "").strip().lower()
    return needle or None


def checked_kind(kind: str | None) -> str | None:
    """A kind of organization to filter by: one of ORGANIZATION_KINDS."""
    if kind is not None and kind not in ORGANIZATION_KINDS:
        raise ParameterError("kind", f"'{kind}' is not one of: {', '.join(ORGANIZATION_KINDS)}")
    return kind


@dataclass(frozen=True)
class Facets:
    """How many rows of a filtered list have each value of each facet, most first; ``total``
    counts the rows of the list. A value is what the list's filter of that name takes."""

    total: int
    values: dict[str, list[dict[str, Any]]]


def project_facets(graph: StewardGraph, *, foundation: ox.NamedNode | None = None,
                   steward: ox.NamedNode | None = None, status: str | None = None, year: int | None = None) -> Facets:
    """Status, current foundation (each counts the projects under it too: as its filter does) and
    the year the current hosting began, over the projects the same filters keep."""
    params = {"foundation": foundation, "steward": steward, "status": status, "year": year}
    return _facets(graph, "project-facets", params, named=("foundation",), by_value=("year",))


def event_facets(graph: StewardGraph, *, type: str | None = None, since: str | None = None, until: str | None = None,
                 year: int | None = None, foundation: ox.NamedNode | None = None) -> Facets:
    """Event type, year and the foundations taking part, over the events the same filters keep."""
    params = {"type": type, "from": since, "to": until, "year": year, "foundation": foundation}
    return _facets(graph, "event-facets", params, named=("foundation",), by_value=("year",))


def organization_facets(graph: StewardGraph, *, text: str | None = None, kind: str | None = None,
                        hosts: bool | None = None) -> Facets:
    """Kind, and whether they host projects now, over the organizations the same filters keep."""
    params = {"needle": _needle(text), "kind": checked_kind(kind), "hosts": hosts}
    return _facets(graph, "organization-facets", params)


def _facets(graph: StewardGraph, name: str, params: dict[str, Any], *, named: Sequence[str] = (),
            by_value: Sequence[str] = ()) -> Facets:
    """The rows of a facet query as Facets. The ``named`` facets count by entity IRI: they keep
    their TOP values, named by their labels, with the id as the value; ``by_value`` facets are
    ordered by value, newest first, rather than by count."""
    total = 0
    values: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in graph.run(name, params).rows:
        if row["facet"] == "total":
            total = int(str(row["count"]))
        else:
            values[str(row["facet"])].append({"value": str(row["value"]), "label": str(row["value"]),
                                              "count": int(str(row["count"]))})
    iris = [v["value"] for facet in named for v in values.get(facet, [])[:TOP]]
    labels = {str(r["e"]): str(r["label"]) for r in graph.run("entity-labels", {"entities": iris}).rows} if iris else {}
    for facet in named:
        values[facet] = [{**v, "value": slug(v["value"]), "label": labels.get(v["value"], slug(v["value"]))}
                         for v in values.get(facet, [])[:TOP]]
    for facet in by_value:
        values[facet] = sorted(values.get(facet, []), key=lambda v: str(v["value"]), reverse=True)
    return Facets(total, {facet: found for facet, found in values.items() if found})
