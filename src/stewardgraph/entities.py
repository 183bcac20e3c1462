"""Projects, organizations and events as JSON-ready dictionaries, for the REST resources.

Every read model is an internal named query (``queries/*.rq`` with ``internal: true``); lists
ask the engine for one page (and one row more, to know if another follows) and count the rest
in the engine too.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox

from stewardgraph.errors import NotFound
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


def _page(graph: StewardGraph, name: str, params: dict[str, Any], limit: int, offset: int) -> tuple[list[Row], int, bool]:
    table = graph.run(name, params, limit=limit, offset=offset)
    if table.truncated or (offset and not table.rows):
        total = graph.count(name, params)
    else:
        total = offset + len(table.rows)
    return table.rows, total, table.truncated


# -- projects ------------------------------------------------------------------------------------


def projects(
    graph: StewardGraph, *, foundation: ox.NamedNode | None = None, steward: ox.NamedNode | None = None,
    status: str | None = None, limit: int = 50, offset: int = 0,
) -> Page:
    """Projects with their current stewards, filtered by current host foundation (including
    sub-foundations), current steward, or status."""
    params = {"foundation": foundation, "steward": steward, "status": status}
    rows, total, more = _page(graph, "project-list", params, limit, offset)
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
           limit: int = 50, offset: int = 0) -> Page:
    """Events in date order, by type and a date range (inclusive, by each date's first day)."""
    rows, total, more = _page(graph, "event-list", {"type": type, "from": since, "to": until}, limit, offset)
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
