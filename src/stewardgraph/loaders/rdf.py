"""Turn checked curated records into RDF: one named graph per source file."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, ORG, OWL, PROV, RDF, RDFS, SKOS, TIME, XSD

from stewardgraph.loaders.curated import CuratedData, Located
from stewardgraph.ontology import Vocabularies
from stewardgraph.records import (
    Event,
    Identity,
    Membership,
    Organization,
    PartialDate,
    Profile,
    Project,
    Record,
    SourceRef,
    Sponsorship,
    Stewardship,
)
from stewardgraph.vocab import GRAPH, ID, SCHEMA, SG, SPDX

ONTOLOGY_GRAPH = GRAPH["ontology"]
_PRECISION = {"year": TIME.unitYear, "month": TIME.unitMonth, "day": TIME.unitDay}
_DATATYPE = {"year": XSD.gYear, "month": XSD.gYearMonth, "day": XSD.date}

# The YAML field behind each predicate, so that SHACL results can name the field.
FIELDS: dict[URIRef, str] = {
    RDFS.label: "name", SG.source: "sources", SG.founded: "founded", SG.created: "created",
    SG.status: "status", ORG.subOrganizationOf: "part_of", SG.acquired: "acquired",
    SG.oldName: "old_name", SG.newName: "new_name", SG.sourceKind: "sources.kind",
    SG.project: "project", SG.steward: "steward", SG.role: "role", SG.member: "member",
    SG.organization: "organization", SG.tier: "tier", SG.startDate: "start",
    SG.startDay: "start", SG.endDate: "end", SG.endDay: "end", SG.eventType: "type",
    SG.date: "date", SG.day: "date", SG.datePrecision: "date", SG.fromSteward: "from",
    SG.toSteward: "to", SG.aboutOrganization: "organization", SG.oldLicense: "old_license",
    SG.newLicense: "new_license", SG.forkedFrom: "forked_from", SG.governingBoard: "governing_board",
    SG.url: "sources.url", SG.accessed: "sources.accessed", SG.dateKind: "date_kind",
    OWL.sameAs: "wikidata", SG.webDomain: "domains", SCHEMA.legalName: "legal_name",
    SCHEMA.addressCountry: "country", SCHEMA.nonprofitStatus: "nonprofit_status", SCHEMA.taxID: "tax_id",
    SG.fiscalHosting: "fiscal_hosting", SG.fiscalHost: "fiscal_host", SG.sponsor: "sponsor", SG.sponsored: "recipient", SG.level: "level",
    SG.levelRank: "rank", SG.inKind: "kind", SG.amountUSD: "amount", SG.listedOn: "listed",
}
WIKIDATA = "http://www.wikidata.org/entity/"
# schema.org's NonprofitType members: a status written as one of these becomes its IRI.
NONPROFIT_TYPES = frozenset(
    [f"Nonprofit501c{n}" for n in range(1, 29)] + ["Nonprofit501a", "Nonprofit501d", "Nonprofit501e",
     "Nonprofit501f", "Nonprofit501k", "Nonprofit501n", "Nonprofit501q", "Nonprofit527", "NonprofitANBI",
     "NonprofitSBBI", "CharitableIncorporatedOrganization", "LimitedByGuaranteeCharity", "UKTrust",
     "UnincorporatedAssociationCharity"]
)


def entity(kind: str, slug: str) -> URIRef:
    """The deterministic IRI of an entity: ``https://w3id.org/stewardgraph/id/<kind>/<slug>``."""
    return ID[f"{kind}/{slug}"]


def source_iri(url: str) -> URIRef:
    return entity("source", hashlib.sha256(url.encode("utf-8")).hexdigest()[:16])


def license_iri(spdx_id: str) -> URIRef:
    if spdx_id.startswith("LicenseRef-"):
        return entity("license", spdx_id)
    return SPDX[spdx_id]


def _license(g: Graph, spdx_id: str) -> URIRef:
    """A license's IRI; one of ours (a LicenseRef-) is named, so that its page has something to say."""
    iri = license_iri(spdx_id)
    if spdx_id.startswith("LicenseRef-"):
        g.add((iri, RDFS.label, Literal(spdx_id)))
    return iri


def file_graph(path: Path) -> URIRef:
    return GRAPH[f"curated/{path.stem}"]


def import_graph(source: str) -> URIRef:
    return GRAPH[f"import/{source}"]


def date_literal(value: PartialDate) -> Literal:
    return Literal(str(value), datatype=_DATATYPE[value.precision])


@dataclass
class RdfBuild:
    """Named graphs by IRI plus, for error reports, where each subject came from."""

    graphs: dict[URIRef, Graph] = field(default_factory=dict)
    origins: dict[URIRef, Located] = field(default_factory=dict)

    def graph(self, name: URIRef) -> Graph:
        return self.graphs.setdefault(name, Graph(identifier=name))

    def __len__(self) -> int:
        return sum(len(g) for g in self.graphs.values())

    def union(self) -> Graph:
        union = Graph()
        for graph in self.graphs.values():
            union += graph
        return union

    def nquads(self) -> bytes:
        """The whole build as N-Quads: each graph's N-Triples with its name added."""
        lines: list[str] = []
        for name, graph in self.graphs.items():
            suffix = f" <{name}> .\n"
            text = graph.serialize(format="nt", encoding="utf-8").decode("utf-8")
            lines.extend(line[: -len(" .")] + suffix for line in text.splitlines() if line.strip())
        return "".join(lines).encode("utf-8")


def to_rdf(data: CuratedData, vocab: Vocabularies, ontology: Graph | None = None) -> RdfBuild:
    build = RdfBuild()
    if ontology is not None:
        build.graph(ONTOLOGY_GRAPH).__iadd__(ontology)
    for item in data.records:
        graph = URIRef(item.graph) if item.graph else file_graph(item.file)
        subject = _emit(build.graph(graph), item.record, vocab)
        build.origins[subject] = item
    _former_names(build, data.records)
    _labels_in_words(build, data.records)
    return build


def _labels_in_words(build: RdfBuild, records: list[Located]) -> None:
    """Labels of events and sponsorships that name their parties, as named on the day, where the
    records at hand name them (an import alone labels by id what the curated data names)."""
    names: dict[str, str] = {}
    renamings: dict[str, list[Event]] = {}
    for item in records:
        rec = item.record
        if isinstance(rec, (Organization, Project)):
            names[rec.id] = rec.name
        elif isinstance(rec, Event) and rec.type == "renaming" and rec.old_name:
            renamings.setdefault(rec.project or rec.organization or "", []).append(rec)

    def named(key: str | None, on: PartialDate) -> str | None:
        if key is None:
            return None
        earlier = sorted((r for r in renamings.get(key, []) if on.first_day() < r.date.first_day()),
                         key=lambda r: r.date.first_day())
        return str(earlier[0].old_name) if earlier else names.get(key, key)

    for item in records:
        rec = item.record
        g = build.graph(URIRef(item.graph) if item.graph else file_graph(item.file))
        if isinstance(rec, Event):
            about = rec.old_name if rec.type == "renaming" else named(rec.project or rec.organization or rec.acquired,
                                                                        rec.date)
            what = (f"{about} forked from {named(rec.forked_from, rec.date)}" if rec.type == "fork" and rec.forked_from
                    else f"{rec.type.replace('-', ' ')} of {about}")
            g.set((entity("event", rec.id), RDFS.label, Literal(f"{what} ({rec.date})")))
        elif isinstance(rec, Sponsorship):
            g.set((entity("sponsorship", rec.slug), RDFS.label, Literal(
                f"{named(rec.sponsor, rec.listed)}: {rec.level} sponsor of {named(rec.recipient, rec.listed)} "
                f"({rec.listed})")))


def _former_names(build: RdfBuild, records: list[Located]) -> None:
    """Each name an entity had before a renaming, with the period it was in force. The entity
    keeps its current name as its label; a former name is also an alternative label, for search."""
    chains: dict[URIRef, list[tuple[Located, Event]]] = {}
    for item in records:
        rec = item.record
        if isinstance(rec, Event) and rec.type == "renaming" and rec.old_name:
            subject = entity("project", rec.project) if rec.project else entity("organization", rec.organization or "")
            chains.setdefault(subject, []).append((item, rec))
    for subject, chain in chains.items():
        chain.sort(key=lambda pair: pair[1].date)
        start: PartialDate | None = None
        for item, rec in chain:
            g = build.graph(URIRef(item.graph) if item.graph else file_graph(item.file))
            name = entity("name", f"{subject.rsplit('/', 2)[-2]}-{subject.rsplit('/', 1)[-1]}--{rec.date}")
            g.add((name, RDF.type, SG.FormerName))
            g.add((name, RDFS.label, Literal(str(rec.old_name))))
            if start is not None:
                g.add((name, SG.startDate, date_literal(start)))
                g.add((name, SG.startDay, Literal(start.first_day())))
            g.add((name, SG.endDate, date_literal(rec.date)))
            g.add((name, SG.endDay, Literal(rec.date.first_day())))
            g.add((name, PROV.wasInvalidatedBy, entity("event", rec.id)))
            g.add((subject, SG.formerName, name))
            g.add((subject, SKOS.altLabel, Literal(str(rec.old_name))))
            g.add((subject, SG.nameKey, Literal(str(rec.old_name).lower())))
            start = rec.date


def _emit(g: Graph, rec: Record, vocab: Vocabularies) -> URIRef:
    if isinstance(rec, Organization):
        s = entity("organization", rec.id)
        g.add((s, RDF.type, SG.Organization))
        if rec.kind != "other":
            g.add((s, RDF.type, SG.Foundation if rec.kind == "foundation" else SG.Company))
        _names(g, s, rec.name, rec.aliases, rec.description, rec.homepage)
        _date(g, s, SG.founded, rec.founded)
        _date(g, s, SG.dissolved, rec.dissolved)
        if rec.part_of:
            g.add((s, ORG.subOrganizationOf, entity("organization", rec.part_of)))
        _identity(g, s, rec)
    elif isinstance(rec, Profile):
        s = entity("organization", rec.organization)
        _identity(g, s, rec)
    elif isinstance(rec, Project):
        s = entity("project", rec.id)
        g.add((s, RDF.type, SG.Project))
        _names(g, s, rec.name, rec.aliases, rec.description, rec.homepage)
        if rec.repository:
            g.add((s, SCHEMA.codeRepository, URIRef(rec.repository)))
        for spdx_id in rec.license or []:
            g.add((s, SG.license, _license(g, spdx_id)))
        _date(g, s, SG.created, rec.created)
        if rec.status:
            g.add((s, SG.status, Literal(rec.status)))
        if rec.wikidata:
            g.add((s, OWL.sameAs, URIRef(WIKIDATA + rec.wikidata)))
    elif isinstance(rec, Stewardship):
        s = entity("stewardship", rec.slug)
        g.add((s, RDF.type, SG.Stewardship))
        project = entity("project", rec.project)
        g.add((s, SG.project, project))
        g.add((project, PROV.qualifiedAttribution, s))
        g.add((s, SG.steward, entity("organization", rec.steward)))
        g.add((s, SG.role, vocab.roles[rec.role]))
        _interval(g, s, rec.start, rec.end, rec.note)
    elif isinstance(rec, Membership):
        s = entity("membership", rec.slug)
        g.add((s, RDF.type, SG.Membership))
        g.add((s, SG.member, entity("organization", rec.member)))
        g.add((s, SG.organization, entity("organization", rec.organization)))
        g.add((s, SG.tier, vocab.tiers[rec.tier]))
        if rec.governing_board is not None:
            g.add((s, SG.governingBoard, Literal(rec.governing_board)))
        _interval(g, s, rec.start, rec.end, rec.note)
    elif isinstance(rec, Sponsorship):
        s = _sponsorship(g, rec)
    elif isinstance(rec, Event):
        s = _event(g, rec, vocab)
    else:  # pragma: no cover - RECORD_TYPES is closed
        raise TypeError(rec)
    date_kind = getattr(rec, "date_kind", None)
    if date_kind is not None:
        g.add((s, SG.dateKind, vocab.date_kinds[date_kind]))
    for ref in rec.sources:
        g.add((s, SG.source, _source(g, ref, vocab)))
    return s


def _identity(g: Graph, s: URIRef, rec: Identity) -> None:
    if rec.wikidata:
        g.add((s, OWL.sameAs, URIRef(WIKIDATA + rec.wikidata)))
    for domain in rec.domains:
        g.add((s, SG.webDomain, Literal(domain)))
    if rec.fiscal_host:
        g.add((s, SG.fiscalHost, entity("organization", rec.fiscal_host)))
    for predicate, value in ((SCHEMA.legalName, rec.legal_name), (SCHEMA.addressCountry, rec.country),
                             (SCHEMA.taxID, rec.tax_id), (SG.fiscalHosting, rec.fiscal_hosting)):
        if value:
            g.add((s, predicate, Literal(value)))
    if rec.nonprofit_status:
        status = rec.nonprofit_status
        g.add((s, SCHEMA.nonprofitStatus, SCHEMA[status] if status in NONPROFIT_TYPES else Literal(status)))


def _sponsorship(g: Graph, rec: Sponsorship) -> URIRef:
    """The qualified sponsorship, and the plain schema.org links it stands for."""
    s = entity("sponsorship", rec.slug)
    sponsor, recipient = entity("organization", rec.sponsor), entity("organization", rec.recipient)
    g.add((s, RDF.type, SG.Sponsorship))
    g.add((s, SG.sponsor, sponsor))
    g.add((s, SG.sponsored, recipient))
    g.add((s, SG.level, Literal(rec.level)))
    if rec.rank is not None:
        g.add((s, SG.levelRank, Literal(str(rec.rank), datatype=XSD.positiveInteger)))
    g.add((s, SG.inKind, Literal(rec.kind == "in-kind")))
    if rec.amount is not None:
        g.add((s, SG.amountUSD, Literal(str(rec.amount), datatype=XSD.integer)))
    g.add((s, SG.listedOn, date_literal(rec.listed)))
    g.add((s, SG.listedDay, Literal(rec.listed.first_day())))
    g.add((recipient, SCHEMA.sponsor, sponsor))
    if rec.kind == "cash":
        g.add((recipient, SCHEMA.funder, sponsor))
    if rec.note:
        g.add((s, RDFS.comment, Literal(rec.note, lang="en")))
    g.add((s, RDFS.label, Literal(f"{rec.sponsor}: {rec.level} sponsor of {rec.recipient} ({rec.listed})")))
    return s


def _event(g: Graph, rec: Event, vocab: Vocabularies) -> URIRef:
    s = entity("event", rec.id)
    g.add((s, RDF.type, SG.StewardshipEvent))
    g.add((s, SG.eventType, vocab.event_types[rec.type]))
    g.add((s, SG.date, date_literal(rec.date)))
    g.add((s, SG.day, Literal(rec.date.first_day())))
    g.add((s, SG.datePrecision, _PRECISION[rec.date.precision]))
    for predicate, kind, value in (
        (SG.project, "project", rec.project),
        (SG.aboutOrganization, "organization", rec.organization),
        (SG.fromSteward, "organization", rec.from_),
        (SG.toSteward, "organization", rec.to),
        (SG.forkedFrom, "project", rec.forked_from),
        (SG.promptedBy, "event", rec.prompted_by),
        (SG.acquired, "organization", rec.acquired),
    ):
        if value is not None:
            g.add((s, predicate, entity(kind, value)))
    for predicate, text in ((SG.oldName, rec.old_name), (SG.newName, rec.new_name)):
        if text:
            g.add((s, predicate, Literal(text)))
    for merged in rec.merged:
        g.add((s, SG.mergedOrganization, entity("organization", merged)))
    for spdx_id in rec.old_license or []:
        g.add((s, SG.oldLicense, _license(g, spdx_id)))
    for spdx_id in rec.new_license or []:
        g.add((s, SG.newLicense, _license(g, spdx_id)))
    if rec.type == "fork" and rec.project and rec.forked_from:
        g.add((entity("project", rec.project), SG.forkOf, entity("project", rec.forked_from)))
    if rec.location:
        g.add((s, SG.location, Literal(rec.location)))
    if rec.description:
        g.add((s, DCTERMS.description, Literal(rec.description, lang="en")))
    label = f"{rec.type.replace('-', ' ')} of {rec.project or rec.organization or rec.acquired} ({rec.date})"
    g.add((s, RDFS.label, Literal(label)))
    return s


def _names(
    g: Graph, s: URIRef, name: str, aliases: list[str], description: str | None, homepage: str | None
) -> None:
    g.add((s, RDFS.label, Literal(name)))
    for alias in aliases:
        g.add((s, SKOS.altLabel, Literal(alias)))
    for key in {name.lower(), *(alias.lower() for alias in aliases)}:  # found by name with an index lookup
        g.add((s, SG.nameKey, Literal(key)))
    if description:
        g.add((s, DCTERMS.description, Literal(description, lang="en")))
    if homepage:
        g.add((s, FOAF.homepage, URIRef(homepage)))


def _date(g: Graph, s: URIRef, predicate: URIRef, value: PartialDate | None) -> None:
    if value is not None:
        g.add((s, predicate, date_literal(value)))


def _interval(
    g: Graph, s: URIRef, start: PartialDate, end: PartialDate | None, note: str | None
) -> None:
    g.add((s, SG.startDate, date_literal(start)))
    g.add((s, SG.startDay, Literal(start.first_day())))
    if end is not None:
        g.add((s, SG.endDate, date_literal(end)))
        g.add((s, SG.endDay, Literal(end.first_day())))
    if note:
        g.add((s, RDFS.comment, Literal(note, lang="en")))


def _source(g: Graph, ref: SourceRef, vocab: Vocabularies) -> URIRef:
    s = source_iri(ref.url)
    g.add((s, RDF.type, SG.Source))
    g.add((s, SG.url, Literal(ref.url, datatype=XSD.anyURI)))
    if ref.kind:
        g.add((s, SG.sourceKind, vocab.source_kinds[ref.kind]))
    if ref.title:
        g.add((s, DCTERMS.title, Literal(ref.title)))
    if ref.publisher:
        g.add((s, SG.publisher, Literal(ref.publisher)))
    if ref.accessed:
        g.add((s, SG.accessed, Literal(ref.accessed)))
    if ref.note:
        g.add((s, RDFS.comment, Literal(ref.note, lang="en")))
    return s

