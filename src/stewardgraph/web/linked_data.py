"""Resolvable IRIs: every entity as HTML, Turtle or JSON-LD; the ontology as Turtle or HTML."""

from __future__ import annotations

import json
import re
from urllib.parse import quote
from typing import Annotated, Any

from fastapi import APIRouter, Request
from fastapi import Path as PathParam
from fastapi.concurrency import run_in_threadpool
import pyoxigraph as ox
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from stewardgraph import entities, formats
from stewardgraph.errors import NotFound, ParameterError
from stewardgraph.namespaces import BASE, ID, NS, PREFIXES
from stewardgraph.ontology import ONTOLOGY_FILE
from stewardgraph.rdfgraph import rdflib_graph
from stewardgraph.service import StewardGraph
from stewardgraph.store import Document
from stewardgraph.store.engine import NTRIPLES
from stewardgraph.web.deps import Graph as GraphDep
from stewardgraph.web import pages
from stewardgraph.web.html import clip, compact, escape, link, page, table
from stewardgraph.web.limits import Budget

router = APIRouter(tags=["Linked data"])
KINDS = ("project", "organization", "event", "stewardship", "membership", "source", "license")
CONTEXT: dict[str, Any] = {
    **PREFIXES,
    "name": "rdfs:label",
    "alias": "skos:altLabel",
    "description": "dcterms:description",
    "homepage": {"@id": "foaf:homepage", "@type": "@id"},
    "source": {"@id": "sg:source", "@type": "@id"},
}
# The stable address of the context, like the entity IRIs under w3id.org; every server serves a copy
# at /context.jsonld (linked from each document's Link header).
CONTEXT_URL = BASE + "context.jsonld"
_PAGE_TYPES = ["text/html", *formats.offered("rdf")]
PER_PROPERTY = 25  # values of one property shown on a page; the RDF has them all
LIST_CAP = 200  # rows of a long section shown on a page


@router.get("/", include_in_schema=False)
async def home(graph: GraphDep) -> HTMLResponse:
    return HTMLResponse(await run_in_threadpool(pages.home, graph))


@router.get("/context.jsonld", summary="The JSON-LD @context used by entity documents")
def context() -> JSONResponse:
    return JSONResponse({"@context": CONTEXT}, media_type="application/ld+json")


@router.get(
    "/id/{kind}/{slug}",
    summary="An entity, by content negotiation: HTML, Turtle, JSON-LD, N-Triples or RDF/XML",
    response_class=Response,
    responses={200: {"content": {t: {} for t in _PAGE_TYPES}}, 404: {"description": "No such entity"}},
)
async def resolve(
    request: Request,
    graph: GraphDep,
    kind: Annotated[str, PathParam(examples=["project"])],
    slug: Annotated[str, PathParam(examples=["pytorch"])],
) -> Response:
    if kind not in KINDS:
        raise NotFound(f"no kind of entity '{kind}' (known: {', '.join(KINDS)})")
    if not re.fullmatch(r"[a-z0-9]+(-+[a-z0-9]+)*", slug):
        raise ParameterError("slug", f"'{slug[:80]}' is not an id: ids are lower-case letters, digits and hyphens")
    iri = ox.NamedNode(f"{ID}{kind}/{slug}")
    media = formats.negotiate(request.headers.get("accept"), _PAGE_TYPES)
    ask = NTRIPLES if media in ("text/html", "application/ld+json") else media
    found = await run_in_threadpool(lambda: graph.document("describe", {"subject": iri}, media=ask))
    if found.count == 0:
        raise NotFound(f"nothing is known about {iri.value}")
    if media == "text/html":
        budget = Budget(graph.settings.query_timeout, "page")
        return HTMLResponse(await run_in_threadpool(_entity_page, graph, iri, kind, found, budget))
    if media == "application/ld+json":
        return Response(_jsonld(found, CONTEXT_URL), media_type=media,
                        headers={"Link": f'<{request.url_for("context")}>; rel="alternate"; type="{media}"'})
    return Response(found.data, media_type=media)


def _jsonld(triples: Document, context_url: str) -> bytes:
    g = rdflib_graph(ox.parse(triples.data, format=ox.RdfFormat.N_TRIPLES))
    document = json.loads(g.serialize(format="json-ld", context=CONTEXT, auto_compact=True))
    document["@context"] = context_url
    return json.dumps(document, indent=2, ensure_ascii=False).encode("utf-8")


def _entity_page(graph: StewardGraph, iri: ox.NamedNode, kind: str, triples: Document, budget: Budget) -> str:
    labels = {str(r["term"]): str(r["label"]) for r in graph.run("page-labels", {"subject": iri}).rows}
    budget.check()
    facts = [(t.predicate.value, t.object) for t in ox.parse(triples.data, format=ox.RdfFormat.N_TRIPLES)
             if t.subject == iri]
    title = next((o.value for p, o in facts if p == str(RDFS.label)), iri.value)

    def show(term: Any) -> str:
        if isinstance(term, ox.NamedNode):
            return link(term.value, labels.get(term.value, compact(term.value)))
        return escape(clip(term.value))

    facts.sort(key=lambda po: (labels.get(po[0], po[0]), str(po[1].value)))
    body = [f'<p class="muted">{escape(iri.value)} · {escape(kind)}</p>']
    rows: list[list[str]] = []
    shown: dict[str, int] = {}
    for p, o in facts:
        if p == NS + "source":
            continue
        shown[p] = shown.get(p, 0) + 1
        if shown[p] <= PER_PROPERTY:
            rows.append([show(ox.NamedNode(p)), show(o)])
        elif shown[p] == PER_PROPERTY + 1:
            more = sum(1 for q, _ in facts if q == p) - PER_PROPERTY
            rows.append([show(ox.NamedNode(p)), f'<span class="muted">and {more:,} more (the Turtle or JSON-LD of this '
                                                 "page has them all)</span>"])
    body.append(table(["property", "value"], rows))
    budget.check()
    if kind == "project":
        detail = entities.project(graph, iri)
        budget.check()
        body.append("<h2>Chain of custody</h2>")
        body.append(pages.timeline(detail["timeline"], detail["events"]))
        body.append("<h2>Stewards</h2>")
        body.append(table(
            ["steward", "role", "since", "until", "sources"],
            [[_ref(t["steward"]), escape(t["role"]), escape(t["since"]), escape(t["until"] or ""), _sources(t["sources"])]
             for t in detail["timeline"]],
        ))
        body.append("<h2>Events</h2>")
        body.append(table(
            ["date", "event", "from", "to", "sources"],
            [[escape(e["date"]), link(e["iri"], e["type"]), _ref(e["from"]), _ref(e["to"]), _sources(e["sources"])]
             for e in detail["events"]],
        ))
    if kind == "organization":
        chart = pages.hosted_by_year(graph.run("stewardships", {"steward": iri}).rows)
        if chart:
            body.append("<h2>Projects hosted, by year</h2>" + chart)
        try:
            sponsors = graph.run("foundation-sponsors", {"foundation": iri.value}).rows
        except ParameterError:  # not a foundation
            sponsors = []
        budget.check()
        if sponsors:
            every = f'/queries/foundation-sponsors.csv?foundation={quote(iri.value, safe="")}'
            body.append(f'<h2>Sponsors</h2><p class="muted">{len(sponsors):,} on record · '
                        f'<a href="{escape(every)}">all as CSV</a></p>')
            body.append(table(["sponsor", "level", "kind", "amount (USD a year)", "listed"], [
                [escape(str(r["sponsor"])), escape(str(r["level"])), escape(str(r["kind"])),
                 escape(f'{int(str(r["amount_usd"])):,}' if r["amount_usd"] else ""), escape(str(r["listed"]))]
                for r in sponsors[:LIST_CAP]]))
    incoming = graph.run("incoming", {"object": iri})
    budget.check()
    if incoming.rows:
        body.append("<h2>Referenced by</h2>")
        if len(incoming.rows) > LIST_CAP:
            body.append(f'<p class="muted">The first {LIST_CAP} of {len(incoming.rows):,}; '
                        '<a href="/sparql">SPARQL</a> gives them all.</p>')
        body.append(table(
            ["subject", "property"],
            [[link(str(r["s"]), clip(str(r["label"] or labels.get(str(r["s"])) or r["s"]))),
              show(ox.NamedNode(str(r["p"])))]
             for r in incoming.rows[:LIST_CAP]],
        ))
    sources = graph.run("entity-source-list", {"entity": iri})
    budget.check()
    if sources.rows:
        body.append("<h2>Sources</h2><ul>")
        body.extend(f"<li>{link(str(r['url']), clip(str(r['title'] or r['url'])))}</li>" for r in sources.rows)
        body.append("</ul>")
    return page(title, "".join(body))


def _ref(item: dict[str, Any] | None) -> str:
    return link(item["iri"], item["name"]) if item else ""


def _sources(items: list[dict[str, Any]]) -> str:
    return " ".join(link(str(s["url"]), str(s["title"] or s["url"])) for s in items)


# -- the ontology ---------------------------------------------------------------------------------


@router.get(
    "/ontology",
    summary="The ontology: Turtle, or HTML documentation generated from it",
    response_class=Response,
    responses={200: {"content": {"text/turtle": {}, "text/html": {}}}},
)
def ontology(request: Request, graph: GraphDep) -> Response:
    media = formats.negotiate(request.headers.get("accept"), ["text/turtle", "text/html"])
    if media == "text/turtle":
        return Response((graph.settings.ontology_dir / ONTOLOGY_FILE).read_bytes(), media_type=media)
    return HTMLResponse(_ontology_page(graph.ontology.graph))


@router.get("/ns", include_in_schema=False)
def namespace() -> RedirectResponse:
    return RedirectResponse("/ontology", status_code=303)


def _ontology_page(g: Graph) -> str:
    ns = str(NS)

    def name(term: Any) -> str:
        text = str(term)
        return f"sg:{text[len(ns):]}" if text.startswith(ns) else g.namespace_manager.normalizeUri(term)

    def rows(kind: URIRef) -> list[list[str]]:
        out = []
        for term in sorted((t for t in g.subjects(RDF.type, kind) if str(t).startswith(ns)), key=str):
            parents = sorted(name(o) for o in g.objects(term, RDFS.subClassOf)) + sorted(
                name(o) for o in g.objects(term, RDFS.subPropertyOf)
            )
            out.append([
                f'<code id="{escape(str(term)[len(ns):])}">{escape(name(term))}</code>',
                escape(str(g.value(term, RDFS.label) or "")),
                escape(str(g.value(term, RDFS.comment) or "")),
                escape(", ".join(parents)),
            ])
        return out

    body = [
        f"<p>{escape(str(g.value(URIRef(ns[:-1]), RDFS.comment) or ''))}</p>",
        f'<p>Namespace <code>{escape(ns)}</code>. <a href="/ontology" type="text/turtle">Turtle</a> '
        "(ask for <code>text/turtle</code>).</p>",
        "<h2>Classes</h2>", table(["term", "label", "comment", "aligned with"], rows(OWL.Class)),
        "<h2>Object properties</h2>", table(["term", "label", "comment", "aligned with"], rows(OWL.ObjectProperty)),
        "<h2>Datatype properties</h2>", table(["term", "label", "comment", "aligned with"], rows(OWL.DatatypeProperty)),
    ]
    for scheme in sorted(g.subjects(RDF.type, SKOS.ConceptScheme), key=str):
        concepts = sorted(g.subjects(SKOS.inScheme, scheme), key=lambda c: str(g.value(c, SKOS.notation)))
        body.append(f"<h2>{escape(str(g.value(scheme, RDFS.label)))}</h2>")
        body.append(table(
            ["notation", "concept", "comment"],
            [[f"<code>{escape(str(g.value(c, SKOS.notation)))}</code>", escape(name(c)),
              escape(str(g.value(c, RDFS.comment) or ""))] for c in concepts],
        ))
    return page("StewardGraph ontology", "".join(body))

