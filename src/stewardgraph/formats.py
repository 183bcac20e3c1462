"""Media types: content negotiation, and writing query results in each format.

One table per kind of result says what we offer, in order of preference.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

from stewardgraph.errors import NotAcceptable
from stewardgraph.store import Solutions, Table, Term, Triples
from stewardgraph.vocab import PREFIXES

RESULTS = {
    "application/sparql-results+json": "json",
    "application/sparql-results+xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
    "application/json": "json",
    "application/xml": "xml",
    "text/xml": "xml",
}
RDF = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "application/n-quads": ox.RdfFormat.N_QUADS,
    "application/trig": ox.RdfFormat.TRIG,
    "text/plain": ox.RdfFormat.N_TRIPLES,
}
# Values of the `format` / `output` parameters that SPARQLWrapper and others send.
ALIASES = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "turtle": "text/turtle",
    "ttl": "text/turtle",
    "n3": "text/turtle",
    "nt": "application/n-triples",
    "ntriples": "application/n-triples",
    "json-ld": "application/ld+json",
    "jsonld": "application/ld+json",
    "rdf+xml": "application/rdf+xml",
    "rdf": "application/rdf+xml",
    "nquads": "application/n-quads",
    "trig": "application/trig",
}


@dataclass(frozen=True)
class _Range:
    type: str
    subtype: str
    q: float
    order: int

    def matches(self, offered: str) -> int:
        """How specifically this range matches a media type: 2 exact, 1 type/*, 0 */*, -1 no."""
        kind, sub = offered.split("/", 1)
        if self.type == "*" and self.subtype == "*":
            return 0
        if self.type == kind and self.subtype == "*":
            return 1
        if self.type == kind and self.subtype == sub:
            return 2
        return -1


def _ranges(accept: str) -> list[_Range]:
    ranges = []
    for order, part in enumerate(accept.split(",")):
        fields = [f.strip() for f in part.split(";")]
        media = fields[0].lower()
        if "/" not in media:
            continue
        q = 1.0
        for param in fields[1:]:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        kind, sub = media.split("/", 1)
        ranges.append(_Range(kind, sub, q, order))
    return ranges


def negotiate(accept: str | None, offered: list[str]) -> str:
    """The offered media type the Accept header prefers (q-values, wildcards, our order on ties).

    >>> negotiate("text/csv;q=0.5, application/sparql-results+json", ["text/csv", "application/sparql-results+json"])
    'application/sparql-results+json'
    >>> negotiate("*/*", ["text/turtle", "application/ld+json"])
    'text/turtle'
    """
    if not accept or not accept.strip():
        return offered[0]
    ranges = _ranges(accept)
    best: tuple[float, int, int] | None = None
    chosen = None
    for index, media in enumerate(offered):
        # The most specific matching range decides this type's quality.
        matching = [(r.matches(media), r) for r in ranges if r.matches(media) >= 0]
        if not matching:
            continue
        specificity, rule = max(matching, key=lambda m: (m[0], -m[1].order))
        if rule.q <= 0:
            continue
        key = (rule.q, specificity, -index)
        if best is None or key > best:
            best, chosen = key, media
    if chosen is None:
        raise NotAcceptable(f"none of the acceptable types ({accept}) is offered; offered: {', '.join(offered)}")
    return chosen


# -- SPARQL results ------------------------------------------------------------------------------


def write_results(result: Solutions | bool, media: str) -> bytes:
    """SELECT solutions or an ASK answer in a SPARQL results format."""
    kind = RESULTS[media]
    if kind == "json":
        return _json(result)
    if kind == "xml":
        return _xml(result)
    return _delimited(result, tab=kind == "tsv")


def _json_term(term: Term) -> dict[str, str]:
    out = {"type": term.type, "value": term.value}
    if term.lang:
        out["xml:lang"] = term.lang
    elif term.datatype:
        out["datatype"] = term.datatype
    return out


def _json(result: Solutions | bool) -> bytes:
    if isinstance(result, bool):
        document: dict[str, object] = {"head": {}, "boolean": result}
    else:
        bindings = [
            {v: _json_term(t) for v, t in zip(result.variables, row) if t is not None} for row in result.rows
        ]
        document = {"head": {"vars": result.variables}, "results": {"bindings": bindings}}
    return json.dumps(document, ensure_ascii=False).encode("utf-8")


def _xml(result: Solutions | bool) -> bytes:
    out = ['<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n<head>']
    if isinstance(result, bool):
        out.append(f"</head>\n<boolean>{'true' if result else 'false'}</boolean>\n</sparql>\n")
        return "".join(out).encode("utf-8")
    out.extend(f"<variable name={quoteattr(v)}/>" for v in result.variables)
    out.append("</head>\n<results>\n")
    for row in result.rows:
        out.append("<result>")
        for variable, term in zip(result.variables, row):
            if term is None:
                continue
            out.append(f"<binding name={quoteattr(variable)}>{_xml_term(term)}</binding>")
        out.append("</result>\n")
    out.append("</results>\n</sparql>\n")
    return "".join(out).encode("utf-8")


def _xml_term(term: Term) -> str:
    if term.type == "uri":
        return f"<uri>{escape(term.value)}</uri>"
    if term.type == "bnode":
        return f"<bnode>{escape(term.value)}</bnode>"
    if term.lang:
        return f"<literal xml:lang={quoteattr(term.lang)}>{escape(term.value)}</literal>"
    if term.datatype:
        return f"<literal datatype={quoteattr(term.datatype)}>{escape(term.value)}</literal>"
    return f"<literal>{escape(term.value)}</literal>"


def _delimited(result: Solutions | bool, *, tab: bool) -> bytes:
    if isinstance(result, bool):  # not in the CSV/TSV specs; this is what Jena writes
        return f"_askResult\r\n{'true' if result else 'false'}\r\n".encode()
    if tab:
        lines = ["\t".join(f"?{v}" for v in result.variables)]
        lines += ["\t".join(_tsv_term(t) for t in row) for row in result.rows]
        return ("\n".join(lines) + "\n").encode("utf-8")
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(result.variables)
    for row in result.rows:
        writer.writerow(["" if t is None else (f"_:{t.value}" if t.type == "bnode" else t.value) for t in row])
    return buffer.getvalue().encode("utf-8")


def _tsv_term(term: Term | None) -> str:
    if term is None:
        return ""
    if term.type == "uri":
        return f"<{term.value}>"
    if term.type == "bnode":
        return f"_:{term.value}"
    text = term.value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")
    if term.lang:
        return f'"{text}"@{term.lang}'
    if term.datatype:
        return f'"{text}"^^<{term.datatype}>'
    return f'"{text}"'


# -- RDF -------------------------------------------------------------------------------------------


def write_rdf(triples: Triples, media: str) -> bytes:
    """CONSTRUCT or DESCRIBE triples in an RDF format (quad formats put them in the default graph)."""
    parsed = ox.parse(triples.ntriples, format=ox.RdfFormat.N_TRIPLES)
    rdf_format = RDF[media]
    if rdf_format in (ox.RdfFormat.N_QUADS, ox.RdfFormat.TRIG):
        quads = [ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in parsed]
        data = ox.serialize(quads, format=rdf_format, prefixes=PREFIXES)
    else:
        data = ox.serialize(parsed, format=rdf_format, prefixes=PREFIXES)
    return data or b""


def table_csv(table: Table) -> str:
    """Named-query rows as CSV with a header; empty cells for unbound values."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=table.columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows({k: "" if v is None else v for k, v in row.items()} for row in table.rows)
    return buffer.getvalue()
