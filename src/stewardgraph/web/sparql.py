"""The SPARQL 1.1 Protocol endpoint: GET, both POST forms for queries, and guarded updates."""

from __future__ import annotations

from urllib.parse import parse_qs

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, PlainTextResponse, Response
import pyoxigraph as ox

from stewardgraph import formats
from stewardgraph.errors import ParameterError, StewardGraphError, UnsupportedMediaType
from stewardgraph.service import StewardGraph
from stewardgraph.store import Document, Table
from stewardgraph.web.deps import TRUNCATED, seconds
from stewardgraph.web.deps import Graph as GraphDep
from stewardgraph.web.editor import EXAMPLE, editor_answer, editor_page
from stewardgraph.web.limits import text

router = APIRouter(tags=["SPARQL"])
SD = "http://www.w3.org/ns/sparql-service-description#"
VOID = "http://rdfs.org/ns/void#"
FORMATS_NS = "http://www.w3.org/ns/formats/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


async def _answer(
    request: Request,
    graph: StewardGraph,
    *,
    query: str | None,
    update: str | None,
    default_graphs: list[str],
    named_graphs: list[str],
    timeout: str | None,
    hint: str | None,
) -> Response:
    if query is not None and update is not None:
        raise ParameterError("update", "give either query or update, not both")
    if update is not None:
        await run_in_threadpool(graph.update, update, token=_bearer(request))
        return PlainTextResponse("update applied\n")
    if query is None:
        return await _description(request, graph)
    if hint is None and _wants_editor(request.headers.get("accept")):
        return await editor_answer(graph, query, timeout, default_graphs, named_graphs)
    form = graph.form(query)
    kind: formats.Kind = "rdf" if form in ("construct", "describe") else "results"
    media = formats.negotiate(_accept(request, hint, kind), formats.offered(kind))
    result = await run_in_threadpool(
        lambda: graph.query(
            query, timeout=seconds(timeout), default_graphs=default_graphs, named_graphs=named_graphs, media=media,
        )
    )
    assert isinstance(result, Document)
    headers = {TRUNCATED: "true"} if result.truncated else {}
    return Response(result.data, media_type=media, headers=headers)


def _wants_editor(accept: str | None) -> bool:
    """Whether the client prefers a page to every result format we offer (a browser does)."""
    if not accept:
        return False
    offered = [*dict.fromkeys([*formats.offered("results"), *formats.offered("rdf")]), "text/html"]
    try:
        return formats.negotiate(accept, offered) == "text/html"
    except StewardGraphError:
        return False


def _accept(request: Request, hint: str | None, kind: formats.Kind) -> str | None:
    """The Accept header; a `format`/`output` parameter (as SPARQLWrapper sends) decides only
    when the header names no specific type."""
    accept = request.headers.get("accept")
    specific = accept and any(not part.strip().startswith("*/*") for part in accept.split(",") if part.strip())
    if hint and not specific:
        return formats.from_hint(hint, kind) or accept
    return accept


@router.get(
    "/sparql",
    summary="SPARQL query (GET), or the service description when there is no query",
    response_class=Response,
    responses={
        200: {
            "description": "Results, negotiated: SPARQL JSON/XML, CSV, TSV for SELECT and ASK; "
            "Turtle, N-Triples, JSON-LD, RDF/XML, N-Quads, TriG for CONSTRUCT and DESCRIBE.",
        },
        400: {"description": "Malformed query, with the parser's line and column"},
        406: {"description": "No acceptable media type"},
        504: {"description": "The query ran out of time and was stopped"},
    },
    openapi_extra={"parameters": [
        {"name": "query", "in": "query", "required": False, "description": "A SPARQL 1.1 query",
         "schema": {"type": "string"}, "example": EXAMPLE},
        {"name": "default-graph-uri", "in": "query", "required": False,
         "schema": {"type": "array", "items": {"type": "string"}}},
        {"name": "named-graph-uri", "in": "query", "required": False,
         "schema": {"type": "array", "items": {"type": "string"}}},
        {"name": "timeout", "in": "query", "required": False, "schema": {"type": "string"},
         "description": "Seconds; may lower the server's limit, not raise it"},
        {"name": "format", "in": "query", "required": False, "schema": {"type": "string"},
         "description": "Tolerated: json, xml, csv, tsv, turtle, ..."},
        {"name": "output", "in": "query", "required": False, "schema": {"type": "string"},
         "description": "Tolerated, like format"},
    ]},
)
async def sparql_get(request: Request) -> Response:
    # The parameters are read from the request as they are (and documented in openapi_extra):
    # the protocol's endpoint is the hot path, and FastAPI's per-parameter machinery is most of
    # what a point query costs here.
    params = request.query_params
    if "update" in params:
        raise ParameterError("update", "SPARQL Update must be sent with POST")
    return await _answer(
        request, request.app.state.graph, query=params.get("query"), update=None,
        default_graphs=params.getlist("default-graph-uri"), named_graphs=params.getlist("named-graph-uri"),
        timeout=params.get("timeout"), hint=params.get("format") or params.get("output"),
    )


@router.post(
    "/sparql",
    summary="SPARQL query or update (POST, form-encoded or direct)",
    response_class=Response,
    openapi_extra={
        "requestBody": {
            "content": {
                "application/x-www-form-urlencoded": {
                    "schema": {"type": "object", "properties": {"query": {"type": "string"}, "update": {"type": "string"}}}
                },
                "application/sparql-query": {"schema": {"type": "string"}, "example": EXAMPLE},
                "application/sparql-update": {"schema": {"type": "string"}},
            }
        }
    },
    responses={403: {"description": "Updates are disabled, or the bearer token is missing or wrong"}},
)
async def sparql_post(request: Request, graph: GraphDep) -> Response:
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    params = request.query_params
    query = update = None
    defaults, named = params.getlist("default-graph-uri"), params.getlist("named-graph-uri")
    timeout, hint = params.get("timeout"), params.get("format") or params.get("output")
    if content_type == "application/x-www-form-urlencoded":
        try:
            fields = parse_qs(text(await request.body(), "body"), keep_blank_values=True, errors="strict")
        except UnicodeDecodeError as exc:
            raise ParameterError("body", f"a form field is not valid UTF-8 once decoded (byte {exc.start})") from None

        def first(*names: str) -> str | None:
            return next((fields[n][0] for n in names if fields.get(n)), None)

        query, update = first("query"), first("update")
        defaults = defaults + fields.get("default-graph-uri", [])
        named = named + fields.get("named-graph-uri", [])
        timeout = timeout or first("timeout")
        hint = hint or first("format", "output")
    elif content_type == "application/sparql-query":
        query = text(await request.body(), "query")
    elif content_type == "application/sparql-update":
        update = text(await request.body(), "update")
    else:
        raise UnsupportedMediaType(
            f"unsupported Content-Type '{content_type}': use application/x-www-form-urlencoded, "
            "application/sparql-query or application/sparql-update"
        )
    if query is None and update is None:
        raise ParameterError("query", "a POST needs a query or an update")
    return await _answer(
        request, graph, query=query, update=update, default_graphs=defaults,
        named_graphs=named, timeout=timeout, hint=hint,
    )


# -- service description ------------------------------------------------------------------------


async def _description(request: Request, graph: StewardGraph) -> Response:
    media = formats.negotiate(request.headers.get("accept"), [*formats.offered("rdf"), "text/html"])
    if media == "text/html":
        return HTMLResponse(editor_page(graph))
    stats = await run_in_threadpool(graph.stats)
    endpoint = ox.NamedNode(str(request.url_for("sparql_get")))
    triples = _service_description(endpoint, stats, writable=graph.settings.update_token is not None)
    return Response(formats.write_triples(triples, media), media_type=media)


def _service_description(endpoint: ox.NamedNode, stats: dict[str, Table], *, writable: bool) -> list[ox.Triple]:
    """SPARQL 1.1 Service Description, with VoID statistics of the dataset."""
    out: list[ox.Triple] = []

    def add(s: ox.NamedNode | ox.BlankNode, p: str, o: ox.NamedNode | ox.BlankNode | ox.Literal) -> None:
        out.append(ox.Triple(s, ox.NamedNode(p), o))

    def count(value: object) -> ox.Literal:
        return ox.Literal(str(int(str(value))), datatype=ox.NamedNode(formats.XSD + "integer"))

    add(endpoint, RDF_TYPE, ox.NamedNode(SD + "Service"))
    add(endpoint, SD + "endpoint", endpoint)
    add(endpoint, SD + "supportedLanguage", ox.NamedNode(SD + "SPARQL11Query"))
    if writable:
        add(endpoint, SD + "supportedLanguage", ox.NamedNode(SD + "SPARQL11Update"))
    add(endpoint, SD + "feature", ox.NamedNode(SD + "UnionDefaultGraph"))
    for name in ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV",
                 "Turtle", "N-Triples", "JSON-LD", "RDF_XML", "N-Quads", "TriG"):
        add(endpoint, SD + "resultFormat", ox.NamedNode(FORMATS_NS + name))
    dataset, default = ox.BlankNode(), ox.BlankNode()
    add(endpoint, SD + "defaultDataset", dataset)
    add(dataset, RDF_TYPE, ox.NamedNode(SD + "Dataset"))
    add(dataset, RDF_TYPE, ox.NamedNode(VOID + "Dataset"))
    add(dataset, SD + "defaultGraph", default)
    add(default, RDF_TYPE, ox.NamedNode(SD + "Graph"))
    graphs = stats["graphs"].rows
    total = sum(int(str(row["triples"])) for row in graphs)
    add(default, VOID + "triples", count(total))
    add(dataset, VOID + "triples", count(total))
    for row in stats["classes"].rows:
        partition = ox.BlankNode()
        add(dataset, VOID + "classPartition", partition)
        add(partition, VOID + "class", ox.NamedNode(str(row["class"])))
        add(partition, VOID + "entities", count(row["instances"]))
    for row in graphs:
        named, inner = ox.BlankNode(), ox.BlankNode()
        add(dataset, SD + "namedGraph", named)
        add(named, SD + "name", ox.NamedNode(str(row["graph"])))
        add(named, SD + "graph", inner)
        add(inner, VOID + "triples", count(row["triples"]))
    return out
