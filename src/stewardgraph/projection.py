"""The property-graph projection of the RDF graph, for Neo4j. Pure: no database access.

Every typed entity becomes a node labelled by its class (plus ``Resource``), keeping its ``uri``
and a ``name`` for captions. Literals become properties; dates become ``datetime.date`` values
(Neo4j DATE, the first day the recorded date covers) with ``<property>_precision`` beside them.
Links between entities become relationships, one per triple, with the types in ``RELATIONSHIPS``.
The table in docs/neo4j-mapping.md is generated from the constants here and checked by a test.
"""

from __future__ import annotations

import gc
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from stewardgraph.formats import NUMERIC
from stewardgraph.records import PartialDate

SG = "https://w3id.org/stewardgraph/ns#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
SKOS_NOTATION = "http://www.w3.org/2004/02/skos/core#notation"
XSD = "http://www.w3.org/2001/XMLSchema#"
ONTOLOGY_GRAPH = "https://w3id.org/stewardgraph/graph/ontology"

# rdf:type -> node label
LABELS = {
    SG + "Project": "Project",
    SG + "Organization": "Organization",
    SG + "Foundation": "Foundation",
    SG + "Company": "Company",
    SG + "Stewardship": "Stewardship",
    SG + "Membership": "Membership",
    SG + "Sponsorship": "Sponsorship",
    SG + "StewardshipEvent": "Event",
    SG + "Source": "Source",
    SG + "FormerName": "FormerName",
}
LICENSE_LABEL = "License"

# predicate -> (relationship type, reversed?) ; reversed relationships point from object to subject
RELATIONSHIPS: dict[str, tuple[str, bool]] = {
    "http://www.w3.org/ns/org#subOrganizationOf": ("PART_OF", False),
    SG + "project": ("ABOUT", False),
    SG + "aboutOrganization": ("ABOUT", False),
    SG + "steward": ("STEWARDED_BY", False),
    "http://www.w3.org/ns/prov#qualifiedAttribution": ("HAS_STEWARDSHIP", False),
    SG + "member": ("HOLDS", True),
    SG + "organization": ("MEMBER_OF", False),
    SG + "sponsor": ("SPONSORS", True),
    SG + "fiscalHost": ("FISCALLY_HOSTED_BY", False),
    SG + "sponsored": ("FUNDS", False),
    SG + "fromSteward": ("FROM", False),
    SG + "toSteward": ("TO", False),
    SG + "forkedFrom": ("FORKED_FROM", False),
    SG + "forkOf": ("FORK_OF", False),
    SG + "promptedBy": ("PROMPTED_BY", False),
    SG + "mergedOrganization": ("MERGED", False),
    SG + "acquired": ("ACQUIRED", False),
    SG + "formerName": ("HAD_NAME", False),
    "http://www.w3.org/ns/prov#wasInvalidatedBy": ("ENDED_BY", False),
    SG + "source": ("CITES", False),
    SG + "license": ("LICENSED_AS", False),
    SG + "oldLicense": ("OLD_LICENSE", False),
    SG + "newLicense": ("NEW_LICENSE", False),
}
LICENSE_PREDICATES = {SG + "license", SG + "oldLicense", SG + "newLicense"}

# predicate -> property name; IRIs that are concepts become their notation
PROPERTIES = {
    "http://www.w3.org/2000/01/rdf-schema#label": "name",
    "http://www.w3.org/2004/02/skos/core#altLabel": "aliases",
    "http://purl.org/dc/terms/description": "description",
    "http://www.w3.org/2000/01/rdf-schema#comment": "note",
    "http://xmlns.com/foaf/0.1/homepage": "homepage",
    "https://schema.org/codeRepository": "repository",
    SG + "status": "status",
    SG + "founded": "founded",
    SG + "dissolved": "dissolved",
    SG + "created": "created",
    SG + "startDate": "start",
    SG + "endDate": "end",
    SG + "date": "date",
    SG + "eventType": "type",
    SG + "role": "role",
    SG + "tier": "tier",
    SG + "governingBoard": "governing_board",
    SG + "location": "location",
    SG + "url": "url",
    "http://purl.org/dc/terms/title": "title",
    SG + "publisher": "publisher",
    SG + "accessed": "accessed",
    SG + "dateKind": "date_kind",
    SG + "sourceKind": "kind",
    SG + "oldName": "old_name",
    SG + "newName": "new_name",
    SG + "webDomain": "domains",
    SG + "fiscalHosting": "fiscal_hosting",
    "https://schema.org/legalName": "legal_name",
    "https://schema.org/addressCountry": "country",
    "https://schema.org/nonprofitStatus": "nonprofit_status",
    "https://schema.org/taxID": "tax_id",
    "http://www.w3.org/2002/07/owl#sameAs": "same_as",
    SG + "level": "level",
    SG + "levelRank": "rank",
    SG + "inKind": "in_kind",
    SG + "amountUSD": "amount_usd",
    SG + "listedOn": "listed",
}
LISTS = {"aliases", "domains", "same_as"}
# derived helpers of the RDF graph, not projected
SKIPPED = {SG + "startDay", SG + "endDay", SG + "day", SG + "datePrecision", SG + "listedDay", SG + "nameKey",
           "https://schema.org/sponsor", "https://schema.org/funder"}  # the last two: the Sponsorship node's shortcuts
_PRECISION = {XSD + "gYear": "year", XSD + "gYearMonth": "month", XSD + "date": "day"}



@dataclass
class Node:
    uri: str
    labels: set[str] = field(default_factory=set)
    properties: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Relationship:
    type: str
    start: str
    end: str
    properties: dict[str, Any] = field(default_factory=dict, compare=False)


@dataclass
class Projection:
    nodes: dict[str, Node]
    relationships: list[Relationship]

    def label_counts(self) -> dict[str, int]:
        counts: dict[str, int] = defaultdict(int)
        for node in self.nodes.values():
            for label in node.labels:
                counts[label] += 1
        return dict(sorted(counts.items()))

    def relationship_counts(self) -> dict[str, int]:
        counts: dict[str, int] = defaultdict(int)
        for rel in self.relationships:
            counts[rel.type] += 1
        return dict(sorted(counts.items()))


def project(quads: Iterable[ox.Quad]) -> Projection:
    """The projection of the quads in named graphs other than the ontology's (triples deduplicated).

    Each triple is keyed by the text of its terms: Python hashes and compares strings far faster
    than it does Oxigraph's terms, which counts at millions of quads. The cycle collector waits:
    it would otherwise walk the growing tables over and over, and they hold no cycles."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _project(quads)
    finally:
        if collecting:
            gc.enable()


def _project(quads: Iterable[ox.Quad]) -> Projection:
    seen: dict[tuple[str, str, str], tuple[Any, Any, set[str]]] = {}
    notations: dict[str, str] = {}
    for q in quads:
        p = q.predicate.value
        if p == SKOS_NOTATION and isinstance(q.subject, ox.NamedNode) and isinstance(q.object, ox.Literal):
            notations[q.subject.value] = q.object.value
        graph = q.graph_name
        if not isinstance(graph, ox.NamedNode) or graph.value == ONTOLOGY_GRAPH:
            continue
        s, o = q.subject, q.object
        key = (str(s), p, str(o))
        if (entry := seen.get(key)) is None:
            seen[key] = (s, o, {graph.value})
        else:
            entry[2].add(graph.value)
    # (subject, predicate, object) as text, with the subject and object terms and the graphs
    triples = [(s.value, p, key_o, s, o, graphs) for (_, p, key_o), (s, o, graphs) in seen.items()]
    triples.sort(key=lambda t: (t[0], t[1], t[2]))
    nodes: dict[str, Node] = {}
    for sv, p, _, s, o, _ in triples:
        if p == RDF_TYPE and isinstance(s, ox.NamedNode) and (label := LABELS.get(o.value)) is not None:
            nodes.setdefault(sv, Node(sv)).labels.update({"Resource", label})
    for _, p, _, _, o, _ in triples:
        if p in LICENSE_PREDICATES and isinstance(o, ox.NamedNode):
            license_node = nodes.setdefault(o.value, Node(o.value))
            license_node.labels.update({"Resource", LICENSE_LABEL})
            license_node.properties["name"] = o.value.rsplit("/", 1)[-1]
    relationships = []
    for sv, p, _, _, o, graphs in triples:
        node = nodes.get(sv)
        if node is None or p == RDF_TYPE or p in SKIPPED:
            continue
        if p in RELATIONSHIPS and isinstance(o, ox.NamedNode) and o.value in nodes:
            kind, reverse = RELATIONSHIPS[p]
            start, end = (o.value, sv) if reverse else (sv, o.value)
            # a citation keeps the named graph (the source file) it was stated in
            props = {"graph": min(graphs)} if kind == "CITES" else {}
            relationships.append(Relationship(kind, start, end, props))
        elif p in PROPERTIES:
            _set(node, PROPERTIES[p], o, notations)
    for node in nodes.values():
        node.properties["uri"] = node.uri
        node.properties.setdefault("name", _caption(node))
    return Projection(nodes, relationships)


def _set(node: Node, name: str, value: object, notations: dict[str, str]) -> None:
    if isinstance(value, ox.NamedNode):
        found = notations.get(value.value, value.value)
        node.properties[name] = sorted({*node.properties.get(name, []), found}) if name in LISTS else found
        return
    assert isinstance(value, ox.Literal)
    datatype = value.datatype.value
    if datatype in _PRECISION:
        date = PartialDate.parse(value.value)
        node.properties[name] = date.first_day()
        node.properties[f"{name}_precision"] = _PRECISION[datatype]
    elif datatype == XSD + "boolean":
        node.properties[name] = value.value in ("true", "1")
    elif datatype in NUMERIC:
        node.properties[name] = NUMERIC[datatype](value.value)
    elif name in LISTS:
        node.properties[name] = sorted({*node.properties.get(name, []), value.value})
    else:
        node.properties[name] = value.value


def _caption(node: Node) -> str:
    """A name for nodes that have no rdfs:label, so Browser captions say something useful."""
    props = node.properties
    if "Source" in node.labels:
        return str(props.get("title") or props.get("url") or node.uri)
    if "Stewardship" in node.labels or "Membership" in node.labels:
        return f"{props.get('role') or props.get('tier')} since {props.get('start')}"
    return node.uri.rsplit("/", 1)[-1]


def mapping_table() -> str:
    """The mapping as Markdown, for docs/neo4j-mapping.md (a test keeps the two equal)."""

    def short(iri: str) -> str:
        for prefix, ns in (("sg:", SG), ("rdfs:", "http://www.w3.org/2000/01/rdf-schema#"),
                           ("skos:", "http://www.w3.org/2004/02/skos/core#"), ("dcterms:", "http://purl.org/dc/terms/"),
                           ("foaf:", "http://xmlns.com/foaf/0.1/"), ("schema:", "https://schema.org/"),
                           ("org:", "http://www.w3.org/ns/org#"), ("prov:", "http://www.w3.org/ns/prov#"),
                           ("owl:", "http://www.w3.org/2002/07/owl#")):
            if iri.startswith(ns):
                return prefix + iri[len(ns):]
        return iri

    lines = [
        "# RDF to Neo4j mapping",
        "",
        "`stewardgraph neo4j sync` projects every named graph except the ontology's. Every node also",
        "has the label `Resource`, its IRI in `uri` (unique) and a `name` for captions. Dates become",
        "Neo4j `DATE` values (the first day the recorded date covers) with `<property>_precision`",
        "(`year`, `month` or `day`) beside them. Concepts (event types, roles, tiers) become their",
        "notation. Each linking triple becomes one relationship.",
        "",
        "| RDF | Neo4j | kind |",
        "|---|---|---|",
    ]
    lines += [f"| `rdf:type {short(k)}` | `:{v}` | label |" for k, v in LABELS.items()]
    lines.append("| object of `sg:license`, `sg:oldLicense`, `sg:newLicense` | `:License` (name = SPDX id) | label |")
    lines += [f"| `{short(k)}` | `{v}` | property{' (list)' if v in LISTS else ''} |" for k, v in PROPERTIES.items()]
    for predicate, (kind, reverse) in RELATIONSHIPS.items():
        direction = "(object)-[:{0}]->(subject)" if reverse else "(subject)-[:{0}]->(object)"
        extra = ", with `graph`: the named graph (source file) of the triple" if kind == "CITES" else ""
        lines.append(f"| `{short(predicate)}` | `{direction.format(kind)}`{extra} | relationship |")
    lines += [f"| `{short(k)}` | not projected (derived) | — |" for k in sorted(SKIPPED)]
    return "\n".join(lines) + "\n"
