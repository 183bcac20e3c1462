"""Projects, organizations and events as JSON-ready dictionaries, for the REST resources."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

import pyoxigraph as ox

from stewardgraph.errors import NotFound
from stewardgraph.service import StewardGraph
from stewardgraph.store.base import Value

Row = dict[str, Value]

_PROJECTS = """
SELECT ?p ?name ?status ?homepage ?repository
       (GROUP_CONCAT(DISTINCT ?alias; separator="\\u001f") AS ?aliases)
       (GROUP_CONCAT(DISTINCT STR(?license); separator=" ") AS ?licenses)
WHERE {
  ?p a sg:Project ; rdfs:label ?name .
  OPTIONAL { ?p sg:status ?status }
  OPTIONAL { ?p foaf:homepage ?homepage }
  OPTIONAL { ?p schema:codeRepository ?repository }
  OPTIONAL { ?p skos:altLabel ?alias }
  OPTIONAL { ?p sg:license ?license }
} GROUP BY ?p ?name ?status ?homepage ?repository ORDER BY LCASE(?name) ?p"""

_STEWARDSHIPS = """
SELECT ?s ?p ?project ?o ?steward ?role ?since ?until ?start ?end WHERE {
  ?s a sg:Stewardship ; sg:project ?p ; sg:steward ?o ; sg:role/skos:notation ?role ;
     sg:startDate ?since ; sg:startDay ?start .
  ?p rdfs:label ?project . ?o rdfs:label ?steward .
  OPTIONAL { ?s sg:endDate ?until ; sg:endDay ?end }
} ORDER BY ?start ?s"""

_ANCESTORS = """
SELECT ?o ?ancestor WHERE { ?o a sg:Organization ; org:subOrganizationOf* ?ancestor }"""

_EVENT_BODY = """
  ?e a sg:StewardshipEvent ; sg:eventType/skos:notation ?type ; sg:date ?date ; sg:day ?day .
  OPTIONAL { ?e sg:project ?p . ?p rdfs:label ?project }
  OPTIONAL { ?e sg:aboutOrganization ?org . ?org rdfs:label ?organization }
  OPTIONAL { ?e sg:fromSteward ?from . ?from rdfs:label ?from_name }
  OPTIONAL { ?e sg:toSteward ?to . ?to rdfs:label ?to_name }
  OPTIONAL { ?e dcterms:description ?description }"""
_EVENT_VARS = "?e ?type ?date ?day ?p ?project ?org ?organization ?from ?from_name ?to ?to_name ?description"
_EVENTS = f"SELECT {_EVENT_VARS} WHERE {{ {_EVENT_BODY} }} ORDER BY ?day ?e"
# events about the project ?p (bound, so it must be a required pattern, not the OPTIONAL one)
_EVENTS_ABOUT = f"SELECT {_EVENT_VARS} WHERE {{ ?e sg:project ?p . {_EVENT_BODY} }} ORDER BY ?day ?e"
# events in which the organization ?x takes part
_EVENTS_INVOLVING = f"SELECT {_EVENT_VARS} WHERE {{ {_EVENT_BODY} FILTER(?x IN (?org, ?from, ?to)) }} ORDER BY ?day ?e"

_MEMBERSHIPS = """
SELECT ?m ?member ?member_name ?org ?org_name ?tier ?board ?since ?until WHERE {
  ?m a sg:Membership ; sg:member ?member ; sg:organization ?org ; sg:tier/skos:notation ?tier ;
     sg:startDate ?since ; sg:startDay ?start .
  ?member rdfs:label ?member_name . ?org rdfs:label ?org_name .
  OPTIONAL { ?m sg:endDate ?until }
  OPTIONAL { ?m sg:governingBoard ?board }
} ORDER BY ?tier ?start ?member_name"""

_SOURCE_BODY = """
  ?fact sg:source ?source . ?source sg:url ?u . BIND(STR(?u) AS ?url)
  OPTIONAL { ?source dcterms:title ?title }
  OPTIONAL { ?source sg:publisher ?publisher }"""
# the sources of an entity's own facts and of the facts about it
_SOURCES_ABOUT = f"""SELECT ?fact ?url ?title ?publisher WHERE {{
  ?fact (sg:project|sg:steward|sg:member|sg:organization|sg:aboutOrganization|sg:fromSteward|sg:toSteward)? ?about .
  {_SOURCE_BODY} }} ORDER BY ?fact ?url"""
_SOURCES_OF_EVENTS = f"""SELECT ?fact ?url ?title ?publisher WHERE {{
  ?fact a sg:StewardshipEvent . {_SOURCE_BODY} }} ORDER BY ?fact ?url"""
EVERYTHING = 100_000_000  # internal queries are paginated here, not cut by the row cap

_ENTITY = """
SELECT ?p ?o WHERE { ?subject ?p ?o } ORDER BY ?p ?o"""

_ORGANIZATIONS = """
SELECT ?o ?name ?kind ?founded ?homepage ?parent ?relation WHERE {
  ?o a sg:Organization ; rdfs:label ?name .
  BIND(IF(EXISTS { ?o a sg:Foundation }, "foundation", IF(EXISTS { ?o a sg:Company }, "company", "other")) AS ?kind)
  OPTIONAL { ?o sg:founded ?founded }
  OPTIONAL { ?o foaf:homepage ?homepage }
  OPTIONAL { ?o org:subOrganizationOf ?parent .
             BIND(IF(EXISTS { ?o sg:hostedBy ?parent }, "hosted-by", "part-of") AS ?relation) }
} ORDER BY LCASE(?name)"""

_SEARCH = """
SELECT DISTINCT ?e ?kind ?name ?matched WHERE {
  ?e a ?class ; rdfs:label ?name .
  VALUES (?class ?kind) { (sg:Project "project") (sg:Organization "organization") }
  { ?e rdfs:label ?matched } UNION { ?e skos:altLabel ?matched }
  FILTER(CONTAINS(LCASE(STR(?matched)), ?needle))
} ORDER BY LCASE(?name) ?e"""


def slug(iri: Value) -> str:
    """The id part of one of our IRIs: ``.../id/project/pytorch`` gives ``pytorch``."""
    return str(iri).rsplit("/", 1)[-1]


def ref(iri: Value, name: Value, kind: str) -> dict[str, Any] | None:
    if iri is None:
        return None
    return {"id": slug(iri), "name": name, "iri": iri, "url": f"/{kind}s/{slug(iri)}"}


def _is_current(row: Row, today: str) -> bool:
    return str(row["start"]) <= today and (row["end"] is None or today < str(row["end"]))


def _rows(graph: StewardGraph, query: str, **bindings: ox.NamedNode | ox.Literal) -> list[Row]:
    """Every row (the public pages paginate them), with the service's time limit."""
    return graph.select(query, bindings=bindings, row_cap=EVERYTHING).rows


def sources_by_fact(graph: StewardGraph, about: ox.NamedNode | None = None) -> dict[str, list[dict[str, Value]]]:
    """Sources by fact: those about one entity, or those of every event."""
    rows = _rows(graph, _SOURCES_ABOUT, about=about) if about is not None else _rows(graph, _SOURCES_OF_EVENTS)
    found: dict[str, list[dict[str, Value]]] = defaultdict(list)
    for row in rows:
        found[str(row["fact"])].append({"url": row["url"], "title": row["title"], "publisher": row["publisher"]})
    return found


# -- projects ------------------------------------------------------------------------------------


def projects(
    graph: StewardGraph, *, foundation: ox.NamedNode | None = None, steward: ox.NamedNode | None = None, status: str | None = None
) -> list[dict[str, Any]]:
    """Every project, with its current stewards, filtered by current host foundation (including
    sub-foundations), current steward, or status."""
    today = dt.date.today().isoformat()
    current: dict[str, list[Row]] = defaultdict(list)
    for row in _rows(graph, _STEWARDSHIPS):
        if _is_current(row, today):
            current[str(row["p"])].append(row)
    ancestors: dict[str, set[str]] = defaultdict(set)
    for row in _rows(graph, _ANCESTORS):
        ancestors[str(row["o"])].add(str(row["ancestor"]))
    items = []
    for row in _rows(graph, _PROJECTS):
        held = current.get(str(row["p"]), [])
        if status is not None and row["status"] != status:
            continue
        if steward is not None and not any(h["o"] == steward.value for h in held):
            continue
        if foundation is not None and not any(
            h["role"] == "host-foundation" and foundation.value in ancestors[str(h["o"])] for h in held
        ):
            continue
        items.append(_project_summary(row, held))
    return items


def _project_summary(row: Row, held: list[Row]) -> dict[str, Any]:
    return {
        "id": slug(row["p"]),
        "iri": row["p"],
        "name": row["name"],
        "aliases": [a for a in str(row["aliases"] or "").split("\u001f") if a],
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
    rows = _rows(graph, _PROJECTS, p=iri)
    if not rows:
        raise NotFound(f"no project {slug(iri.value)}")
    sources = sources_by_fact(graph, iri)
    today = dt.date.today().isoformat()
    stewardships = _rows(graph, _STEWARDSHIPS, p=iri)
    detail = _project_summary(rows[0], [r for r in stewardships if _is_current(r, today)])
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
        for r in stewardships
    ]
    detail["events"] = [_event(r, sources) for r in _rows(graph, _EVENTS_ABOUT, p=iri)]
    detail["sources"] = sources.get(iri.value, [])
    return detail


# -- organizations -------------------------------------------------------------------------------


def organization(graph: StewardGraph, iri: ox.NamedNode) -> dict[str, Any]:
    """One organization: parent and child foundations, hosted projects over time, members by
    tier, its own memberships and events, with sources."""
    orgs = _rows(graph, _ORGANIZATIONS)
    mine = [r for r in orgs if r["o"] == iri.value]
    if not mine:
        raise NotFound(f"no organization {slug(iri.value)}")
    sources = sources_by_fact(graph, iri)
    facts = _facts(graph, iri)
    first = mine[0]
    members: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for m in _rows(graph, _MEMBERSHIPS, org=iri):
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
            {**(ref(r["parent"], _name(orgs, r["parent"]), "organization") or {}), "relation": r["relation"]}
            for r in mine if r["parent"] is not None
        ],
        "children": [
            {**(ref(r["o"], r["name"], "organization") or {}), "relation": r["relation"]}
            for r in orgs if r["parent"] == iri.value
        ],
        "projects": [
            {"project": ref(r["p"], r["project"], "project"), "role": r["role"], "since": r["since"],
             "until": r["until"], "sources": sources.get(str(r["s"]), [])}
            for r in _rows(graph, _STEWARDSHIPS, o=iri)
        ],
        "members_by_tier": dict(members),
        "member_of": [
            {"organization": ref(m["org"], m["org_name"], "organization"), "tier": m["tier"],
             "since": m["since"], "until": m["until"], "governing_board": bool(m["board"])}
            for m in _rows(graph, _MEMBERSHIPS, member=iri)
        ],
        "events": [_event(r, sources) for r in _rows(graph, _EVENTS_INVOLVING, x=iri)],
        "sources": sources.get(iri.value, []),
    }


def _name(rows: list[Row], iri: Value) -> Value:
    return next((r["name"] for r in rows if r["o"] == iri), None)


# -- events and search ---------------------------------------------------------------------------


def events(
    graph: StewardGraph, *, type: str | None = None, since: dt.date | None = None, until: dt.date | None = None
) -> list[dict[str, Any]]:
    """Events in date order, by type and a date range (inclusive, by each date's first day)."""
    sources = sources_by_fact(graph)
    found = []
    for row in _rows(graph, _EVENTS):
        day = str(row["day"])
        if type is not None and row["type"] != type:
            continue
        if (since is not None and day < since.isoformat()) or (until is not None and day > until.isoformat()):
            continue
        found.append(_event(row, sources))
    return found


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


def search(graph: StewardGraph, text: str) -> list[dict[str, Any]]:
    """Projects and organizations whose name or an alias contains the text, in any case."""
    rows = _rows(graph, _SEARCH, needle=ox.Literal(text.strip().lower()))
    seen: dict[str, dict[str, Any]] = {}
    for row in rows:
        item = seen.setdefault(
            str(row["e"]), {**(ref(row["e"], row["name"], str(row["kind"])) or {}), "kind": row["kind"], "matched": []}
        )
        item["matched"].append(row["matched"])
    return list(seen.values())


def _facts(graph: StewardGraph, iri: ox.NamedNode) -> dict[str, list[Value]]:
    facts: dict[str, list[Value]] = defaultdict(list)
    for row in _rows(graph, _ENTITY, subject=iri):
        facts[str(row["p"])].append(row["o"])
    return facts


def _first(facts: dict[str, list[Value]], predicate: str) -> Value:
    values = facts.get(predicate)
    return values[0] if values else None
