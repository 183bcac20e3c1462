"""Resolvable IRIs: every entity as HTML, Turtle or JSON-LD; the ontology as Turtle or HTML."""

from __future__ import annotations

import json
import re
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi import Path as PathParam
from fastapi.concurrency import run_in_threadpool
import pyoxigraph as ox
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from stewardgraph import formats
from stewardgraph.errors import NotFound, ParameterError
from stewardgraph.namespaces import BASE, ID, NS, PREFIXES
from stewardgraph.ontology import ONTOLOGY_FILE
from stewardgraph.rdfgraph import rdflib_graph
from stewardgraph.store import Document
from stewardgraph.store.engine import NTRIPLES
from stewardgraph.web.deps import Graph as GraphDep
from stewardgraph.web import entity_page, pages
from stewardgraph.web.html import escape, page, table
from stewardgraph.web.limits import Budget

router = APIRouter(tags=["Linked data"])
KINDS = ("project", "organization", "event", "stewardship", "membership", "sponsorship", "source", "license", "name")
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
_PAGE_TYPES = ["text/html", *formats.offered("rdf"), "application/json"]  # plain JSON gets JSON-LD


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
    format: Annotated[str | None, Query(description="html, or an RDF format (ttl, jsonld, nt, rdf for RDF/XML...) instead "
                                                    "of the Accept header, for links")] = None,
) -> Response:
    if kind not in KINDS:
        raise NotFound(f"no kind of entity '{kind}' (known: {', '.join(KINDS)})")
    if not re.fullmatch(r"[a-z0-9]+(-+[a-z0-9]+)*" if kind != "license" else r"[A-Za-z0-9.+-]+", slug):
        raise ParameterError("slug", f"'{slug[:80]}' is not an id: ids are lower-case letters, digits and hyphens")
    iri = ox.NamedNode(f"{ID}{kind}/{slug}")
    if format is None:
        media = formats.negotiate(request.headers.get("accept"), _PAGE_TYPES)
    elif (media := "text/html" if format.strip().lower() == "html" else formats.from_hint(format, "rdf") or "") == "":
        raise ParameterError("format", f"'{format[:40]}' is not html or an RDF format "
                                       f"({', '.join(f.aliases[0] for f in formats.FORMATS if f.kind == 'rdf')})")
    if media == "application/json":
        media = "application/ld+json"
    ask = NTRIPLES if media in ("text/html", "application/ld+json") else media
    described = "page-describe" if media == "text/html" else "describe"  # a page leaves out the sponsor shortcuts
    found = await run_in_threadpool(lambda: graph.document(described, {"subject": iri}, media=ask))
    if found.count == 0:
        raise NotFound(f"nothing is known about {iri.value}")
    if media == "text/html":
        budget = Budget(graph.settings.query_timeout, "page")
        return HTMLResponse(await run_in_threadpool(entity_page.render, graph, iri, kind, found, budget))
    if media == "application/ld+json":
        return Response(_jsonld(found, CONTEXT_URL), media_type=media,
                        headers={"Link": f'<{request.url_for("context")}>; rel="alternate"; type="{media}"'})
    return Response(found.data, media_type=media)


def _jsonld(triples: Document, context_url: str) -> bytes:
    g = rdflib_graph(ox.parse(triples.data, format=ox.RdfFormat.N_TRIPLES))
    document = json.loads(g.serialize(format="json-ld", context=CONTEXT, auto_compact=True))
    document["@context"] = context_url
    return json.dumps(document, indent=2, ensure_ascii=False).encode("utf-8")


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

