"""The SPARQL editor page at /sparql for browsers: the query as typed, its result or its error.

Without scripts it is a form with a textarea. With them, static/editor.js turns the textarea into a
CodeMirror editor (highlighting, prefix completion, the error's line marked) and static/graph.js
draws CONSTRUCT and DESCRIBE results as a graph. Both take their data from attributes written here.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse
import pyoxigraph as ox

from stewardgraph.errors import StewardGraphError
from stewardgraph.guard import bind, check
from stewardgraph.namespaces import ID, NS, PREFIXES
from stewardgraph.resources import resource_dir
from stewardgraph.service import StewardGraph
from stewardgraph.store import Document
from stewardgraph.store.engine import NTRIPLES
from stewardgraph.vocab import TERMS
from stewardgraph.web.deps import TRUNCATED, seconds
from stewardgraph.web import pages
from stewardgraph.web.entity_page import words
from stewardgraph.web.html import clip, compact, escape, link, local, page, plural, table

# The example on the query page and in the API docs (a file, so that SPARQL lives in queries/).
EXAMPLE = (resource_dir("queries") / "examples" / "pytorch-stewards.rq").read_text(encoding="utf-8").strip()
_JSON = "application/sparql-results+json"
_CM = "/static/vendor/codemirror"
_EDITOR_ASSETS = (f"{_CM}/codemirror.css", f"{_CM}/show-hint.css", f"{_CM}/codemirror.js", f"{_CM}/sparql.js",
                  f"{_CM}/show-hint.js", f"{_CM}/matchbrackets.js", "/static/editor.js")
_GRAPH_ASSETS = ("/static/graph.js",)
ROWS_NAMED = 500  # IRIs of a result looked up by name at most
GRAPH_CAP = 150  # nodes drawn at most: beyond that a drawing is a hairball, and the table has it all
_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
# The kind a node is drawn as, from its rdf:type in the result (a foundation is an organization too) ...
_KIND_OF_TYPE = {NS + "Foundation": "foundation", NS + "Project": "project",
                 NS + "Organization": "organization", NS + "Company": "organization"}
_RANK = ["foundation", "project", "organization"]
# ... or else from the path of one of our IRIs.
_KIND_OF_PATH = {ID + "project/": "project", ID + "organization/": "organization"}


async def editor_answer(graph: StewardGraph, query: str, timeout: str | None, default_graphs: list[str],
                        named_graphs: list[str]) -> HTMLResponse:
    """The editor with the query kept and its result below: a table for SELECT (IRIs linked to
    their pages), the answer for ASK, a graph, the triples and a download link for CONSTRUCT and
    DESCRIBE. A user error shows on the page, at its line and column, with the status the API gives it."""
    try:
        graph_form = graph.form(query) in ("construct", "describe")
        media = NTRIPLES if graph_form else _JSON
        result = await run_in_threadpool(lambda: graph.query(
            query, timeout=seconds(timeout), default_graphs=default_graphs, named_graphs=named_graphs, media=media))
    except StewardGraphError as exc:
        return HTMLResponse(editor_page(graph, query, error=exc), status_code=exc.status)
    assert isinstance(result, Document)
    headers = {TRUNCATED: "true"} if result.truncated else {}
    note = '<p class="muted">Cut at the row cap.</p>' if result.truncated else ""
    if graph_form:
        triples = list(ox.parse(result.data, format=ox.RdfFormat.N_TRIPLES))
        known = await run_in_threadpool(_labels, graph, triples)
        download = f"/sparql?query={quote(query, safe='')}&format=turtle"
        shown = (f'<p>{plural(len(triples), "triple")} · <a href="{escape(download)}" download="result.ttl">download as '
                 f"Turtle</a></p>{note}{figure(triples, known) if triples else ''}")
        return HTMLResponse(editor_page(graph, query, result=shown, assets=_GRAPH_ASSETS), headers=headers)
    document = json.loads(result.data)
    if "boolean" in document:
        shown = f'<p class="answer">ASK: <b>{"yes" if document["boolean"] else "no"}</b></p>'
    else:
        variables = document["head"]["vars"]
        bindings = document["results"]["bindings"]
        ours = {t["value"] for b in bindings[:ROWS_NAMED] for t in b.values() if t["type"] == "uri"}
        names = await run_in_threadpool(pages.names, graph, ours, ROWS_NAMED)
        rows = [[_cell(binding.get(v), names) for v in variables] for binding in bindings]
        shown = f"<p>{plural(len(rows), 'row')}</p>{note}{table(variables, rows)}"
    return HTMLResponse(editor_page(graph, query, result=shown), headers=headers)


def editor_page(graph: StewardGraph, query: str = EXAMPLE, *, result: str = "", error: StewardGraphError | None = None,
                assets: Sequence[str] = ()) -> str:
    """The query editor: the query as typed, a result or an error, and examples."""
    problem, where = "", ""
    if error is not None:
        line, column = getattr(error, "line", None), getattr(error, "column", None)
        if line:
            where = f' data-error-line="{int(line)}"' + (f' data-error-column="{int(column)}"' if column else "")
        at = f" (line {line}, column {column})" if line and f"line {line}" not in error.message else ""
        problem = f'<p class="error" role="alert">{escape(error.message)}{escape(at)}</p>'
    listed = "".join(
        f'<li><a href="/sparql?query={escape(quote(text, safe=""))}">{escape(name)}</a></li>'
        for name, text in examples(graph))
    prefixes, terms = _attribute(PREFIXES), _attribute(TERMS)
    body = (
        "<p>A SPARQL 1.1 endpoint over the stewardship graph. The default graph is the union of "
        "all named graphs, and the prefixes sg, rdf, rdfs, xsd, skos, dcterms, doap, org, prov, "
        "schema, time and foaf are predeclared. A result's URL can be shared. Point SPARQLWrapper, "
        "YASGUI or Jena at this URL for more.</p>"
        '<form method="get" action="/sparql" class="editor"><label for="query">Query</label>'
        f'<textarea id="query" name="query" spellcheck="false" data-prefixes="{prefixes}" '
        f'data-terms="{terms}"{where}>{escape(query)}</textarea>'
        # Shown by editor.js: these keys are the editor's, a plain textarea needs no telling.
        '<p id="query-keys" class="muted keys" hidden>In the editor, Tab and Shift+Tab move on to the next '
        "or previous control (Ctrl+] and Ctrl+[ indent), Ctrl+Space completes a prefix or an sg: term, "
        "and Ctrl+Enter runs the query.</p>"
        '<p><button type="submit">Run</button></p></form>'
        f"{problem}{result}"
        f"<details><summary>Examples</summary><ul>{listed}</ul></details>"
        '<p class="muted">Without a query, clients that ask for RDF get the service description '
        "(SPARQL Service Description with VoID statistics).</p>"
    )
    return page("SPARQL", body, assets=[*_EDITOR_ASSETS, *assets])


def _labels(graph: StewardGraph, triples: Sequence[ox.Triple]) -> dict[str, str]:
    """The labels in the graph of the entities a result names without giving their label."""
    named = {str(t.subject.value) for t in triples if t.predicate.value == _LABEL and isinstance(t.subject, ox.NamedNode)}
    return pages.names(graph, {term.value for t in triples for term in (t.subject, t.object)
                               if isinstance(term, ox.NamedNode) and term.value not in named}, ROWS_NAMED)


def figure(triples: Sequence[ox.Triple], known: dict[str, str] | None = None) -> str:
    """Triples as a graph for static/graph.js, with what it draws said in words and the triples
    in a table, for a page read without scripts. ``known`` labels the nodes the triples give no
    label for."""
    data, total = graph_data(triples, known=known or {})
    nodes, edges = len(data["nodes"]), len(data["edges"])
    cut = f" The drawing shows the first {nodes:,} of {total:,} nodes." if total > nodes else ""
    rows = [[_term(t.subject), _term(t.predicate), _term(t.object)] for t in triples]
    return (
        f'<figure class="graph" data-graph="{_attribute(data)}">'
        f"<figcaption>The result as a graph: {plural(nodes, 'node')} and {plural(edges, 'edge')}.{cut}</figcaption>"
        f"<details><summary>The {plural(len(triples), 'triple')} as a table</summary>"
        f'{table(["subject", "predicate", "object"], rows)}</details></figure>'
    )


def graph_data(triples: Sequence[ox.Triple], cap: int = GRAPH_CAP,
               known: dict[str, str] | None = None) -> tuple[dict[str, list[dict[str, Any]]], int]:
    """The ``data-graph`` that static/graph.js draws, and how many nodes there were before the cap.

    Resources are nodes, labelled by their label (rdfs label) when the result has one (that triple is then
    not drawn again), else by a prefixed name or the path of our IRIs; each literal is a leaf of
    its own (``known`` labels, from the graph, come after the result's own). An IRI that has a
    page here (our entities) links to it. Past ``cap`` nodes, the later ones and their edges are
    left out."""
    labels: dict[str, str] = {}
    kinds: dict[str, str] = {}
    for t in triples:
        key = _key(t.subject)
        if t.predicate.value == _LABEL and isinstance(t.object, ox.Literal):
            labels.setdefault(key, t.object.value)
        elif t.predicate.value == _RDF_TYPE and (kind := _KIND_OF_TYPE.get(_key(t.object))):
            kinds[key] = min(kinds.get(key, kind), kind, key=_RANK.index)
    labels = {**(known or {}), **labels}
    nodes: dict[str, dict[str, Any]] = {}
    edges: list[dict[str, Any]] = []
    for t in triples:
        source = _node(nodes, t.subject, labels, kinds)
        if t.predicate.value == _LABEL and isinstance(t.object, ox.Literal) and labels[source] == t.object.value:
            continue
        target = _node(nodes, t.object, labels, kinds, leaf=len(edges))
        edges.append({"source": source, "target": target, "label": compact(t.predicate.value)})
    kept = dict(list(nodes.items())[:cap])
    drawn = [e for e in edges if e["source"] in kept and e["target"] in kept]
    return {"nodes": list(kept.values()), "edges": drawn}, len(nodes)


def _key(term: Any) -> str:
    """A node's id: an IRI as it is, a blank node as _:name, a quoted triple as N-Triples."""
    if isinstance(term, ox.Triple):
        return str(term)
    return f"_:{term.value}" if isinstance(term, ox.BlankNode) else str(term.value)


def _node(nodes: dict[str, dict[str, Any]], term: Any, labels: dict[str, str], kinds: dict[str, str],
          leaf: int | None = None) -> str:
    """The id of a term's node, made on first sight. A literal is a new leaf each time it is met."""
    if isinstance(term, ox.Literal):
        key = f"literal:{leaf}"
        nodes[key] = {"id": key, "label": clip(term.value, 200), "href": None, "kind": "literal"}
        return key
    key = _key(term)
    if key not in nodes:
        iri = term.value if isinstance(term, ox.NamedNode) else ""
        kind = kinds.get(key) or next((k for path, k in _KIND_OF_PATH.items() if iri.startswith(path)), "other")
        href = local(iri) if iri and local(iri).startswith("/") else None  # a page of this service
        # Unlabelled, one of our entities goes by its path (organization/acme), not a long IRI.
        name = iri[len(ID):] if iri.startswith(ID) else words(iri, {})
        nodes[key] = {"id": key, "label": labels.get(key) or name or key, "href": href, "kind": kind}
    return key


def _attribute(value: object) -> str:
    """JSON for an HTML attribute value (in double quotes)."""
    return escape(json.dumps(value, ensure_ascii=False, separators=(",", ":")), quote=True)


# A value for each kind of parameter, so that the catalogue's queries run as examples.
_EXAMPLE_TERMS: dict[str, ox.NamedNode | ox.Literal] = {
    "project": ox.NamedNode(ID + "project/pytorch"), "foundation": ox.NamedNode(ID + "organization/linux-foundation"),
    "organization": ox.NamedNode(ID + "organization/meta"), "entity": ox.NamedNode(ID + "project/pytorch"),
    "date": ox.Literal("2023-01-01", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#date")),
    "boolean": ox.Literal("true", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#boolean")),
}


def examples(graph: StewardGraph) -> list[tuple[str, str]]:
    """The example queries, and each of the catalogue's public queries with its parameters bound
    to an example (PyTorch, the Linux Foundation, Meta, 2023-01-01) in a VALUES block; one with a
    required parameter of another kind is left out."""
    folder = resource_dir("queries")
    found = [(path.stem.replace("-", " "), path.read_text(encoding="utf-8").strip())
             for path in sorted((folder / "examples").glob("*.rq"))]
    for named in sorted(graph.catalogue.public(), key=lambda q: q.name):
        text = "\n".join(line for line in named.text.splitlines() if not line.startswith("#+")).strip()
        terms = {p.variable: _EXAMPLE_TERMS[p.type] for p in named.params if p.type in _EXAMPLE_TERMS}
        if any(p.required and p.type not in _EXAMPLE_TERMS for p in named.params):
            continue
        found.append((named.title, bind(text, check(text, graph.guard, prefixes={}), terms) if terms else text))
    return found


def _term(term: Any) -> str:
    if isinstance(term, ox.NamedNode):
        return link(term.value, compact(term.value))
    return escape(clip(str(term.value)))


def _cell(term: dict[str, str] | None, names: dict[str, str]) -> str:
    """A value: an IRI linked, named by its label (ours) or in words, with the IRI as tooltip."""
    if term is None:
        return ""
    if term["type"] != "uri":
        return escape(term["value"])
    iri = term["value"]
    return f'<a href="{escape(local(iri))}" title="{escape(iri)}">{escape(names.get(iri) or words(iri, {}))}</a>'

