"""The HTML page of one entity: its facts in words, and for a project its chain of custody, its
neighbourhood as a graph, its license history and fork lineage; for an organization what it hosts
and who sponsors it. The RDF of the same IRI has every triple; a page caps long sections."""

from __future__ import annotations

import json
import re
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import quote

import pyoxigraph as ox

from stewardgraph import entities
from stewardgraph.loaders.rdf import NONPROFIT_TYPES
from stewardgraph.namespaces import ID, NS, PREFIXES
from stewardgraph.service import StewardGraph
from stewardgraph.store import Document, Table
from stewardgraph.web import pages
from stewardgraph.web.html import clip, compact, escape, link, local, page, plural, spoken, table, when
from stewardgraph.web.limits import Budget

PER_PROPERTY = 25  # values of one property shown on a page; the RDF has them all
LIST_CAP = 100  # rows of a long section shown on a page
REFERRERS_CAP = 50  # rows of "Referenced by": most referrers have a section of their own
GRAPH_CAP = 60  # nodes of a neighbourhood graph
SPDX = "http://spdx.org/licenses/"
WIKIDATA = "http://www.wikidata.org/entity/"
LABEL = PREFIXES["rdfs"] + "label"
TIME_UNIT = PREFIXES["time"] + "unit"
Row = dict[str, Any]

# Properties a section of the page lists in full (with level, kind and date), not the facts table.
IN_SECTIONS = {PREFIXES["schema"] + "sponsor", PREFIXES["schema"] + "funder",
               # and the first days that order dates: the dates themselves show, at their precision
               NS + "day", NS + "startDay", NS + "endDay", NS + "listedDay",
               # and the names in lower case that a lookup by name uses
               NS + "nameKey"}
# Words for the terms of other vocabularies that pages show; ours have labels in the ontology.
TERM_WORDS = {
    PREFIXES["rdf"] + "type": "type",
    LABEL: "name",
    PREFIXES["rdfs"] + "comment": "comment",
    PREFIXES["skos"] + "altLabel": "also known as",
    PREFIXES["skos"] + "prefLabel": "name",
    PREFIXES["skos"] + "notation": "notation",
    PREFIXES["dcterms"] + "description": "description",
    PREFIXES["dcterms"] + "title": "title",
    PREFIXES["foaf"] + "homepage": "homepage",
    PREFIXES["schema"] + "codeRepository": "code repository",
    PREFIXES["schema"] + "sponsor": "sponsor",
    PREFIXES["schema"] + "funder": "funder",
    PREFIXES["schema"] + "legalName": "legal name",
    PREFIXES["schema"] + "taxID": "tax id",
    PREFIXES["schema"] + "nonprofitStatus": "nonprofit status",
    PREFIXES["schema"] + "addressCountry": "country",
    PREFIXES["prov"] + "qualifiedAttribution": "stewardship",
    PREFIXES["prov"] + "wasInvalidatedBy": "ended by",
    PREFIXES["org"] + "subOrganizationOf": "part of",
    "http://www.w3.org/2002/07/owl#sameAs": "same as",
}


def words(iri: str, labels: dict[str, str]) -> str:
    """What a page calls a term: its label, a word for a well-known property, an SPDX id, a
    Wikidata id, else its prefixed name.

    >>> words("http://spdx.org/licenses/BSD-3-Clause", {}), words("http://www.wikidata.org/entity/Q1", {})
    ('BSD-3-Clause', 'Wikidata Q1')
    """
    if iri in labels:
        return labels[iri]
    if iri in TERM_WORDS:
        return TERM_WORDS[iri]
    if iri.startswith((SPDX, ID + "license/")):  # an SPDX id, or a LicenseRef- of ours
        return iri.rsplit("/", 1)[-1]
    if iri.startswith(WIKIDATA):
        return f"Wikidata {iri[len(WIKIDATA):]}"
    if iri.startswith(TIME_UNIT):  # a date's precision
        return iri[len(TIME_UNIT):].lower()
    if iri.startswith(PREFIXES["schema"]) and iri[len(PREFIXES["schema"]):] in NONPROFIT_TYPES:
        return _nonprofit(iri[len(PREFIXES["schema"]):])
    return compact(iri)


def _nonprofit(status: str) -> str:
    """schema.org's name of a nonprofit status, as people write it.

    >>> _nonprofit("Nonprofit501c6"), _nonprofit("NonprofitANBI"), _nonprofit("LimitedByGuaranteeCharity")
    ('501(c)(6)', 'ANBI', 'Limited By Guarantee Charity')
    """
    if found := re.fullmatch(r"Nonprofit501([a-z])(\d*)", status):
        return f"501({found[1]})" + (f"({found[2]})" if found[2] else "")
    return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", status.removeprefix("Nonprofit"))


def _term(iri: str, labels: dict[str, str]) -> str:
    """A link named in words, with the prefixed name as its tooltip for those who write queries."""
    return f'<a href="{escape(local(iri))}" title="{escape(compact(iri))}">{escape(words(iri, labels))}</a>'


def render(graph: StewardGraph, iri: ox.NamedNode, kind: str, triples: Document, budget: Budget) -> str:
    own = [(t.predicate.value, t.object) for t in ox.parse(triples.data, format=ox.RdfFormat.N_TRIPLES)
           if t.subject == iri]
    facts = _shown([(p, o) for p, o in own if p not in IN_SECTIONS])
    # an event, stewardship or membership names its parties as they were named on its day
    day = next((o.value for p, o in own if p in (NS + "day", NS + "startDay")), None)
    # the first referrers (counting them costs as much as reading them) and an organization's
    # sections, asked at once
    calls: dict[str, Call] = {"referrers": ("incoming", {"object": iri}, REFERRERS_CAP)}
    if kind == "organization":
        calls |= _organization_calls(iri, foundation=(PREFIXES["rdf"] + "type", ox.NamedNode(NS + "Foundation")) in own)
    found = _fetch(graph, budget, calls)
    referrers = found["referrers"]
    terms = {iri.value} | {p for p, _, _ in facts} | {o.value for _, o, _ in facts if isinstance(o, ox.NamedNode)}
    terms |= {str(r[c]) for r in referrers.rows for c in ("p", "s") if c == "p" or r["label"] is None}
    labels = {str(r["term"]): str(r["label"]) for r in graph.run("page-labels", {"terms": sorted(terms), "day": day}).rows}
    budget.check()
    # its name; a stewardship or membership named in words; a source by its title
    title = next((o.value for p, o, _ in facts if p == LABEL), None) or labels.get(iri.value) or next(
        (o.value for p, o, _ in facts if p == PREFIXES["dcterms"] + "title"), iri.value)
    body = [f'<p class="muted">{escape(iri.value)} · {escape(kind)} · '
            f'<a href="{escape(local(iri.value))}?format=ttl">Turtle</a> · '
            f'<a href="{escape(local(iri.value))}?format=jsonld">JSON-LD</a></p>']
    body.append(_facts(facts, labels))
    if kind == "project":
        body.extend(_project(graph, iri, title, budget))
    if kind == "organization":
        body.extend(_organization(found, iri))
    body.append(_referrers(referrers, labels, graph.bound_text("incoming", {"object": iri}) if referrers.truncated else ""))
    budget.check()
    sources = graph.run("entity-source-list", {"entity": iri})
    if sources.rows:
        body.append("<h2>Sources</h2><ul>")
        body.extend(f"<li>{link(str(r['url']), clip(str(r['title'] or r['url'])))}</li>" for r in sources.rows)
        body.append("</ul>")
    drawn = ["/static/graph.js"] if 'class="graph"' in "".join(body) else []
    return page(title, "".join(body), assets=drawn)


def _shown(facts: list[tuple[str, Any]]) -> list[tuple[str, Any, int]]:
    """The facts a page shows, each with how many more of its property it leaves out (on its
    last shown value): at most PER_PROPERTY values a property, sources apart (they have a section)."""
    by_property: dict[str, list[Any]] = {}
    for p, o in sorted(facts, key=lambda po: (po[0], str(po[1].value))):
        if p != NS + "source":
            by_property.setdefault(p, []).append(o)
    return [(p, o, len(values) - PER_PROPERTY if i == PER_PROPERTY - 1 else 0)
            for p, values in by_property.items() for i, o in enumerate(values[:PER_PROPERTY])]


def _facts(facts: list[tuple[str, Any, int]], labels: dict[str, str]) -> str:
    def value(term: Any) -> str:
        return _term(term.value, labels) if isinstance(term, ox.NamedNode) else escape(clip(term.value))

    rows: list[list[str]] = []
    for p, o, more in sorted(facts, key=lambda f: (words(f[0], labels), str(f[1].value))):
        rows.append([_term(p, labels), value(o)])
        if more > 0:
            rows.append([_term(p, labels), f'<span class="muted">and {more:,} more (the Turtle or JSON-LD of this '
                                            "page has them all)</span>"])
    return table(["property", "value"], rows)


# -- projects ------------------------------------------------------------------------------------


def _project(graph: StewardGraph, iri: ox.NamedNode, title: str, budget: Budget) -> list[str]:
    detail = entities.project(graph, iri)
    budget.check()
    licenses = graph.run("license-history", {"project": iri}).rows
    lineage = graph.run("fork-lineage", {"project": iri}).rows
    budget.check()
    out = ["<h2>Chain of custody</h2>", pages.timeline(detail["timeline"], detail["events"])]
    out.append("<h2>Neighbourhood</h2>" + neighbourhood(iri.value, title, detail["timeline"], lineage))
    if detail["timeline"]:
        out.append("<h2>Stewards</h2>")
        out.append(table(
            ["steward", "role", "since", "until", "sources"],
            [[_ref(t["steward"]), escape(spoken(t["role"])), _when(t["since"]), _when(t["until"] or ""),
              _sources(t["sources"])] for t in detail["timeline"]],
        ))
    out.append("<h2>Events</h2>")
    out.append(table(
        ["date", "event", "from", "to", "sources"],
        [[_when(e["date"]), link(e["iri"], spoken(e["type"])), _ref(e["from"]), _ref(e["to"]), _sources(e["sources"])]
         for e in detail["events"]],
    ) if detail["events"] else '<p class="muted">No stewardship event of this project is recorded.</p>')
    out.append(license_history(detail.get("licenses") or [], licenses))
    out.append(fork_lineage(lineage))
    return out


def license_history(current: list[Any], changes: list[dict[str, Any]]) -> str:
    """The relicensings in date order, ending with the license in force now."""
    def ids(text: Any) -> str:
        return " or ".join(escape(x) for x in str(text or "").split()) or "not recorded"

    now = " or ".join(escape(str(x).removeprefix(SPDX)) for x in current) or "not recorded"
    if not changes:
        said = f"Its license is {now}" if current else "Its license is not recorded"
        return f"<h2>License history</h2><p>{said}; no relicensing is recorded.</p>"
    steps = "".join(
        f'<li><time>{escape(str(c["date"]))}</time> {link(str(c["event"]), "relicensed")} from '
        f'{ids(c["old_license"])} to {ids(c["new_license"])}</li>' for c in changes)
    return f'<h2>License history</h2><ol class="steps">{steps}</ol><p>Now: {now}.</p>'


def fork_lineage(rows: list[dict[str, Any]]) -> str:
    """Where the project was forked from, and the forks of it, with the relicensing behind each."""
    if not rows:
        return ""

    def why(r: dict[str, Any]) -> str:
        if not r["cause"]:
            return ""
        return (f', after {escape(str(r["cause_project"]))}\'s {link(str(r["cause"]), "relicensing")} of '
                f'{escape(str(r["cause_date"]))} to {escape(" or ".join(str(r["cause_license"] or "").split()))}')

    items = []
    for r in rows:
        date = f' {when(r["date"])}' if r["date"] else ""
        fork = link(str(r["event"]), "forked") if r["event"] else "forked"
        other = link(str(r["other"]), str(r["other_name"]))
        items.append(f"<li>{fork} from {other}{date}{why(r)}</li>" if r["direction"] == "from"
                     else f"<li>{other} {fork} from it{date}{why(r)}</li>")
    return f'<h2>Fork lineage</h2><ul class="lineage">{"".join(items)}</ul>'


def neighbourhood(iri: str, name: str, periods: list[dict[str, Any]], lineage: list[dict[str, Any]]) -> str:
    """The project, its stewards and its forks as a graph for static/graph.js to draw, with the
    same links as a list for readers without scripts."""
    nodes: dict[str, dict[str, Any]] = {iri: {"id": iri, "label": name, "href": local(iri), "kind": "project"}}
    edges: list[dict[str, str]] = []
    lines: list[str] = []
    for p in periods:
        steward = p["steward"]
        if steward is None or len(nodes) >= GRAPH_CAP:
            continue
        kind = "foundation" if p["role"] in ("host-foundation", "fiscal-sponsor") else "organization"
        nodes.setdefault(steward["iri"], {"id": steward["iri"], "label": steward["name"],
                                          "href": local(steward["iri"]), "kind": kind})
        when = f'{p["since"]} – {p["until"] or "now"}'
        years = f'{str(p["since"])[:4]}–{str(p["until"])[:4] if p["until"] else "now"}'  # short, to fit a line
        edges.append({"source": steward["iri"], "target": iri, "label": f'{spoken(p["role"])} {years}'})
        lines.append(f'{link(steward["iri"], steward["name"])} — {escape(spoken(p["role"]))}, {escape(when)}')
    for r in lineage:
        other = str(r["other"])
        if len(nodes) >= GRAPH_CAP:
            break
        nodes.setdefault(other, {"id": other, "label": r["other_name"], "href": local(other), "kind": "project"})
        origin, fork = (other, iri) if r["direction"] == "from" else (iri, other)
        edges.append({"source": fork, "target": origin, "label": f'fork of, {r["date"] or "undated"}'})
        lines.append(f'{link(other, str(r["other_name"]))} — '
                     f'{"forked from" if r["direction"] == "from" else "a fork of"} {escape(name)}')
    if not edges:
        return '<p class="muted">No stewards or forks are recorded.</p>'
    data = json.dumps({"nodes": list(nodes.values()), "edges": edges}, ensure_ascii=False)
    return (f'<figure class="graph" data-graph="{escape(data)}">'
            f"<figcaption>{plural(len(nodes), 'node')} and {plural(len(edges), 'link')}: who held {escape(name)}, "
            f"and in what role{'; forks point at their origin' if lineage else ''}.</figcaption>"
            f'<details><summary>The links as a list</summary><ul>{"".join(f"<li>{x}</li>" for x in lines)}</ul>'
            "</details></figure>")


# -- organizations -------------------------------------------------------------------------------


def _organization_calls(iri: ox.NamedNode, *, foundation: bool) -> dict[str, Call]:
    """The queries of an organization's sections, all independent of each other; who sponsors it,
    only for a foundation."""
    calls: dict[str, Call] = {
        "above": ("organization", {"organization": iri}), "below": ("organization-children", {"organization": iri}),
        "held": ("stewardships", {"steward": iri}), "counts": ("organization-counts", {"organization": iri}),
        "members": ("memberships", {"organization": iri}, LIST_CAP),
        "board": ("memberships", {"organization": iri, "board": True}),
        "holds": ("memberships", {"member": iri}, LIST_CAP), "gives": ("sponsorships-given", {"sponsor": iri}),
        "events": ("organization-events", {"organization": iri}, LIST_CAP),
    }
    if foundation:
        calls["sponsors"] = ("foundation-sponsors", {"foundation": iri.value}, LIST_CAP)
    return calls


def _organization(found: dict[str, Table], iri: ox.NamedNode) -> list[str]:
    """What an organization is part of and what is under it; the projects it holds or hosts (a
    chart by year, and the list); its members and board; what it is a member of and sponsors; who
    sponsors it; the events it took part in."""
    counts = found["counts"].rows[0]
    out = [_family(found["above"].rows, found["below"].rows)]
    held = found["held"].rows
    if held:
        chart = pages.hosted_by_year(held)
        if chart:
            out.append("<h2>Projects hosted, by year</h2>" + chart)
        out.append("<h2>Projects</h2>" + _capped(len(held), "foundation-projects", iri) + table(
            ["project", "role", "since", "until"],
            [[link(str(r["p"]), str(r["project"])), escape(spoken(r["role"])), _when(r["since"]),
              _when(r["until"] or "now")] for r in held[:LIST_CAP]]))
    members, board = found["members"].rows, found["board"].rows
    if members:
        out.append("<h2>Members</h2>" + _capped(int(str(counts["members"])), "foundation-members", iri)
                   + _memberships(members, "member"))
    if board:
        out.append("<h2>Board seats</h2>" + _memberships(board, "member"))
    holds = found["holds"].rows
    if holds:
        out.append("<h2>Member of</h2>" + _memberships(holds, "org"))
    gives = found["gives"].rows
    if gives:
        out.append("<h2>Sponsorships it gives</h2>")
        out.append(table(["foundation", "level", "kind", "amount (USD a year)", "listed"], [
            [link(str(r["foundation"]), str(r["foundation_name"])), escape(str(r["level"])), escape(str(r["kind"])),
             escape(f'{int(str(r["amount_usd"])):,}' if r["amount_usd"] else ""), escape(str(r["listed"]))]
            for r in gives[:LIST_CAP]]))
    if "sponsors" in found:
        out.extend(_sponsors(found["sponsors"].rows, int(str(counts["sponsors"])), iri))
    events = found["events"].rows
    if events:
        out.append("<h2>Events</h2>" + _capped(int(str(counts["events"]))) + table(
            ["date", "event", "project or organization", "from", "to"],
            [[_when(e["date"]), link(str(e["e"]), spoken(e["type"])),
              link(str(e["p"]), str(e["project"])) if e["p"] else
              (link(str(e["org"]), str(e["organization"])) if e["org"] else ""),
              link(str(e["from"]), str(e["from_name"])) if e["from"] else "",
              link(str(e["to"]), str(e["to_name"])) if e["to"] else ""] for e in events]))
    return out


Call = tuple[str, dict[str, Any]] | tuple[str, dict[str, Any], int]


def _fetch(graph: StewardGraph, budget: Budget, calls: dict[str, Call]) -> dict[str, Table]:
    """The results of a page's independent named queries (each with its parameters and, for a
    list that the page cuts, how many rows it shows), asked at once so that the query workers answer
    them side by side."""
    def rows(name: str, params: dict[str, Any], limit: int | None = None) -> Table:
        return graph.run(name, params, limit=limit)

    # as many at once as the service has workers at rest: more would make the pool grow
    with ThreadPoolExecutor(max_workers=graph.settings.query_workers, thread_name_prefix="page") as pool:
        futures = {key: pool.submit(rows, *call) for key, call in calls.items()}
        found = {key: future.result() for key, future in futures.items()}
    budget.check()
    return found


def _family(mine: list[Row], below: list[Row]) -> str:
    above = [r for r in mine if r["parent"]]
    if not above and not below:
        return ""
    items = [f'<li>part of {link(str(r["parent"]), str(r["parent_name"]))}</li>' for r in above]
    if below:
        items.append("<li>over " + ", ".join(link(str(r["o"]), str(r["name"])) for r in below) + "</li>")
    return f'<h2>Parent and child organizations</h2><ul>{"".join(items)}</ul>'


def _memberships(rows: list[dict[str, Any]], who: str) -> str:
    return table([("member" if who == "member" else "of"), "tier", "board", "since", "until"], [
        [link(str(r[who]), str(r[f"{who}_name"])), escape(str(r["tier"])),
         "board seat" if r["board"] in (True, "true", "1") else "", _when(r["since"]),
         _when(r["until"] or "now")] for r in rows])


def _capped(total: int, query: str | None = None, iri: ox.NamedNode | None = None) -> str:
    """Says that a section shows only the first rows, and where all of them are."""
    if total <= LIST_CAP:
        return ""
    every = (f' · <a href="/queries/{query}.csv?foundation={quote(iri.value, safe="")}">all as CSV</a>'
             if query and iri else "")
    return f'<p class="muted">The first {LIST_CAP} of {total:,}{every}.</p>'



def _sponsors(sponsors: list[Row], total: int, iri: ox.NamedNode) -> list[str]:
    out: list[str] = []
    if sponsors:
        every = f'/queries/foundation-sponsors.csv?foundation={quote(iri.value, safe="")}'
        shown = f"the first {LIST_CAP} of {total:,}" if total > LIST_CAP else f"{total:,} on record"
        out.append(f'<h2>Sponsors</h2><p class="muted">{shown} · <a href="{escape(every)}">all as CSV</a></p>')
        out.append(table(["sponsor", "level", "kind", "amount (USD a year)", "listed"], [
            [link(str(r["organization"]), str(r["sponsor"])), escape(str(r["level"])), escape(str(r["kind"])),
             escape(f'{int(str(r["amount_usd"])):,}' if r["amount_usd"] else ""), escape(str(r["listed"]))]
            for r in sponsors]))
    return out


def _referrers(found: Table, labels: dict[str, str], every: str) -> str:
    """The first referrers; ``every`` is the SPARQL that reads them all (given when they are cut)."""
    if not found.rows:
        return ""
    out = ["<h2>Referenced by</h2>"]
    if found.truncated:
        out.append(f'<p class="muted">The first {REFERRERS_CAP}; '
                   f'<a href="/sparql?query={quote(every, safe="")}">SPARQL</a> gives them all.</p>')
    out.append(table(
        ["subject", "property"],
        [[link(str(r["s"]), clip(str(r["label"] or labels.get(str(r["s"])) or r["s"]))), _term(str(r["p"]), labels)]
         for r in found.rows],
    ))
    return "".join(out)


def _when(date: Any) -> str:
    """A date in a table cell, at its own precision, kept on one line."""
    return f"<time>{escape(str(date))}</time>" if date else ""


def _ref(item: dict[str, Any] | None) -> str:
    return link(item["iri"], item["name"]) if item else ""


def _sources(items: list[dict[str, Any]]) -> str:
    return " · ".join(link(str(s["url"]), str(s["title"] or s["url"])) for s in items)
