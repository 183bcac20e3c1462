"""The one table of formats, content negotiation, and the writers of every result.

Each format has a name, its media types (the first is the one we send), the kind of result it
holds and the names clients use for it in a ``format=`` parameter. The writers work on
Oxigraph's own terms: query workers write a result once, in the format the client asked for.
This module imports nothing heavy, so that workers stay small.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import pyoxigraph as ox

from stewardgraph.errors import NotAcceptable
from stewardgraph.namespaces import PREFIXES

Kind = Literal["results", "rdf", "table"]
XSD = "http://www.w3.org/2001/XMLSchema#"
XSD_STRING = XSD + "string"
NUMERIC: dict[str, type[int] | type[float]] = {
    **{XSD + t: int for t in ("integer", "int", "long", "short", "positiveInteger", "nonNegativeInteger")},
    XSD + "decimal": float, XSD + "double": float, XSD + "float": float,
}


@dataclass(frozen=True)
class Format:
    name: str
    kind: Kind
    media: tuple[str, ...]  # the first is the one we send
    aliases: tuple[str, ...] = ()  # what clients put in format= / output=
    rdf: ox.RdfFormat | None = None
    quads: bool = False  # an RDF format that keeps named graphs
    results: ox.QueryResultsFormat | None = None  # Oxigraph's own writer of this results format


FORMATS = (
    Format("json", "results", ("application/sparql-results+json", "application/json"), ("json",),
           results=ox.QueryResultsFormat.JSON),
    Format("xml", "results", ("application/sparql-results+xml", "application/xml", "text/xml"), ("xml",),
           results=ox.QueryResultsFormat.XML),
    Format("csv", "results", ("text/csv",), ("csv",), results=ox.QueryResultsFormat.CSV),
    Format("tsv", "results", ("text/tab-separated-values",), ("tsv",), results=ox.QueryResultsFormat.TSV),
    Format("turtle", "rdf", ("text/turtle",), ("turtle", "ttl", "n3"), ox.RdfFormat.TURTLE),
    Format("ntriples", "rdf", ("application/n-triples", "text/plain"), ("nt", "ntriples"), ox.RdfFormat.N_TRIPLES),
    Format("jsonld", "rdf", ("application/ld+json",), ("json-ld", "jsonld"), ox.RdfFormat.JSON_LD, quads=True),
    Format("rdfxml", "rdf", ("application/rdf+xml",), ("rdf", "rdf+xml"), ox.RdfFormat.RDF_XML),
    Format("nquads", "rdf", ("application/n-quads",), ("nquads",), ox.RdfFormat.N_QUADS, quads=True),
    Format("trig", "rdf", ("application/trig",), ("trig",), ox.RdfFormat.TRIG, quads=True),
    Format("table-json", "table", ("application/json",), ("json",)),
    Format("table-csv", "table", ("text/csv",), ("csv",)),
)
BY_NAME = {f.name: f for f in FORMATS}
EXPORTS = ("turtle", "ntriples", "nquads", "trig", "jsonld")  # what `export` writes


def offered(kind: Kind) -> list[str]:
    """The media types of a kind of result, in our order of preference: each format's own
    type first, then the other names it goes by."""
    chosen = [f for f in FORMATS if f.kind == kind]
    return [f.media[0] for f in chosen] + [media for f in chosen for media in f.media[1:]]


def of_media(media: str, kind: Kind) -> Format:
    return next(f for f in FORMATS if f.kind == kind and media in f.media)


def from_hint(hint: str, kind: Kind) -> str | None:
    """The media type a ``format=`` value names (an alias or a media type), or None."""
    value = hint.strip().lower()
    for f in FORMATS:
        if f.kind == kind and (value in f.aliases or value in f.media):
            return f.media[0]
    return None


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


def negotiate(accept: str | None, offered: Sequence[str]) -> str:
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


# -- terms -----------------------------------------------------------------------------------------

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple


def python(term: Term | None) -> Any:
    """A term as plain Python: numbers and booleans as such, everything else as its text.

    >>> python(ox.Literal("3", datatype=ox.NamedNode(XSD + "integer"))), python(ox.NamedNode("http://e/a"))
    (3, 'http://e/a')
    """
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        datatype = term.datatype.value
        if datatype in NUMERIC:
            try:
                return NUMERIC[datatype](term.value)
            except ValueError:
                return term.value
        if datatype == XSD + "boolean":
            return term.value in ("true", "1")
        return term.value
    if isinstance(term, ox.Triple):
        return str(term)
    return term.value


def _json_term(term: Term) -> dict[str, str]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        if term.language:
            return {"type": "literal", "value": term.value, "xml:lang": term.language}
        datatype = term.datatype.value
        if datatype == XSD_STRING:
            return {"type": "literal", "value": term.value}
        return {"type": "literal", "value": term.value, "datatype": datatype}
    return {"type": "literal", "value": str(term)}


# -- SPARQL results ----------------------------------------------------------------------------------

Row = Sequence[Term | None]


def write_solutions(variables: Sequence[str], rows: Iterable[Row], media: str) -> bytes:
    """SELECT solutions in a SPARQL results format."""
    name = of_media(media, "results").name
    if name == "json":
        bindings = [{v: _json_term(t) for v, t in zip(variables, row) if t is not None} for row in rows]
        return json.dumps({"head": {"vars": list(variables)}, "results": {"bindings": bindings}},
                          ensure_ascii=False).encode("utf-8")
    if name == "xml":
        return _xml(variables, rows)
    if name == "tsv":
        lines = ["\t".join(f"?{v}" for v in variables)]
        lines += ["\t".join(_tsv_term(t) for t in row) for row in rows]
        return ("\n".join(lines) + "\n").encode("utf-8")
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(variables)
    for row in rows:
        writer.writerow(["" if t is None else (f"_:{t.value}" if isinstance(t, ox.BlankNode) else _text(t))
                         for t in row])
    return buffer.getvalue().encode("utf-8")


def count_rows(data: bytes, media: str) -> int:
    """How many solutions a SPARQL results document holds.

    >>> count_rows(b"?x\\n<http://e/a>\\n<http://e/b>\\n", "text/tab-separated-values")
    2
    """
    name = of_media(media, "results").name
    if name == "json":
        return len(json.loads(data)["results"]["bindings"])
    if name == "xml":  # content escapes "<", so every "<result>" is a tag
        return data.count(b"<result>")
    if name == "tsv":  # one line a solution: TSV escapes line breaks in terms
        return data.count(b"\n") - 1
    return sum(1 for _ in csv.reader(io.StringIO(data.decode("utf-8")))) - 1


def write_boolean(value: bool, media: str) -> bytes:
    """An ASK answer in a SPARQL results format."""
    name = of_media(media, "results").name
    if name == "json":
        return json.dumps({"head": {}, "boolean": value}).encode()
    if name == "xml":
        word = "true" if value else "false"
        return (f'<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n<head>'
                f"</head>\n<boolean>{word}</boolean>\n</sparql>\n").encode()
    # not in the CSV/TSV specs; this is what Jena writes
    return f"_askResult\r\n{'true' if value else 'false'}\r\n".encode()


def escape(text: str) -> str:
    """Text for XML content (as xml.sax.saxutils does, without importing urllib for it)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def quoteattr(text: str) -> str:
    """Text as a double-quoted XML attribute value."""
    return '"' + escape(text).replace('"', "&quot;").replace("\n", "&#10;").replace("\r", "&#13;").replace(
        "\t", "&#9;") + '"'


def _text(term: Term) -> str:
    return str(term) if isinstance(term, ox.Triple) else term.value


def _xml(variables: Sequence[str], rows: Iterable[Row]) -> bytes:
    out = ['<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n<head>']
    out.extend(f"<variable name={quoteattr(v)}/>" for v in variables)
    out.append("</head>\n<results>\n")
    for row in rows:
        out.append("<result>")
        for variable, term in zip(variables, row):
            if term is not None:
                out.append(f"<binding name={quoteattr(variable)}>{_xml_term(term)}</binding>")
        out.append("</result>\n")
    out.append("</results>\n</sparql>\n")
    return "".join(out).encode("utf-8")


def _xml_term(term: Term) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if isinstance(term, ox.Literal):
        if term.language:
            return f"<literal xml:lang={quoteattr(term.language)}>{escape(term.value)}</literal>"
        if term.datatype.value != XSD_STRING:
            return f"<literal datatype={quoteattr(term.datatype.value)}>{escape(term.value)}</literal>"
        return f"<literal>{escape(term.value)}</literal>"
    return f"<literal>{escape(str(term))}</literal>"


def _tsv_term(term: Term | None) -> str:
    if term is None:
        return ""
    return str(term)  # Oxigraph writes terms in their N-Triples form, escaped as TSV results want


# -- RDF -------------------------------------------------------------------------------------------


def write_triples(triples: Sequence[ox.Triple], media: str) -> bytes:
    """CONSTRUCT or DESCRIBE triples in an RDF format (quad formats put them in the default graph)."""
    fmt = of_media(media, "rdf")
    assert fmt.rdf is not None
    if fmt.quads:
        quads = [ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples]
        return ox.serialize(quads, format=fmt.rdf, prefixes=PREFIXES) or b""
    return ox.serialize(triples, format=fmt.rdf, prefixes=PREFIXES) or b""


# -- named-query tables ----------------------------------------------------------------------------


def table_csv(columns: Sequence[str], rows: Iterable[dict[str, Any]]) -> str:
    """Rows as CSV with a header; empty cells for unbound values."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(columns), lineterminator="\n")
    writer.writeheader()
    writer.writerows({k: "" if v is None else v for k, v in row.items()} for row in rows)
    return buffer.getvalue()
