"""A synthetic stewardship graph in the ontology's own shape, at any size, as N-Quads.

    python benchmarks/generate.py 1000000 > graph.nq

Foundations in trees (an umbrella with sub-foundations, as the Linux Foundation has), companies,
projects with an owner and, for most, a host foundation later; events for creation, donation,
incubation, graduation, archival and relicensing; memberships by tier with board seats;
sponsorships on ranked levels; and sources shared between facts. Every fact is written the way the loader writes curated facts
(``stewardgraph.loaders.rdf``), so every named query runs on it. The same size and seed give the
same graph. About 45 triples per project, as in the real graph.
"""

from __future__ import annotations

import random
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache

from stewardgraph.ontology import Ontology
from stewardgraph.resources import resource_dir

NS = "https://w3id.org/stewardgraph/ns#"
ID = "https://w3id.org/stewardgraph/id/"
XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"
ALT = "<http://www.w3.org/2004/02/skos/core#altLabel>"
SUB = "<http://www.w3.org/ns/org#subOrganizationOf>"
HOME = "<http://xmlns.com/foaf/0.1/homepage>"
REPO = "<https://schema.org/codeRepository>"
ATTRIBUTION = "<http://www.w3.org/ns/prov#qualifiedAttribution>"
TITLE = "<http://purl.org/dc/terms/title>"
PRECISION = {"year": "<http://www.w3.org/2006/time#unitYear>", "day": "<http://www.w3.org/2006/time#unitDay>"}
TIERS = ["premier", "platinum", "gold", "silver", "general"]
SPONSOR_LEVELS = ["Platinum", "Gold", "Silver", "Bronze"]
LICENSES = ["Apache-2.0", "MIT", "BSD-3-Clause", "MPL-2.0", "GPL-2.0-only"]
TRIPLES_PER_PROJECT = 45


def sg(name: str) -> str:
    return f"<{NS}{name}>"


def iri(kind: str, slug: str) -> str:
    return f"<{ID}{kind}/{slug}>"


def text(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def day(year: int, month: int, dom: int) -> str:
    return f'"{year:04d}-{month:02d}-{dom:02d}"^^<{XSD}date>'


@cache
def _concepts() -> dict[str, str]:
    vocab = Ontology.load(resource_dir("ontology")).vocabularies
    return {k: f"<{v}>" for table in (vocab.event_types, vocab.roles, vocab.tiers) for k, v in table.items()}


def concept(notation: str) -> str:
    """The ontology's SKOS concept of a notation (an event type, a role or a tier)."""
    return _concepts()[notation]


@dataclass
class Hints:
    """Parameters for the named queries that make them do real work on this graph."""

    project: str = ""
    umbrella: str = ""
    foundation: str = ""
    company: str = ""
    counts: dict[str, int] = field(default_factory=dict)


class Graph:
    def __init__(self, graph: str) -> None:
        self.graph = f"<{graph}>"
        self.lines: list[str] = []

    def add(self, s: str, p: str, o: str) -> None:
        self.lines.append(f"{s} {p} {o} {self.graph} .\n")


def generate(triples: int, *, seed: int = 7) -> tuple[Iterator[str], Hints]:
    """N-Quads lines of a graph of about ``triples`` triples, and hints for querying it."""
    rng = random.Random(seed)
    projects = max(20, triples // TRIPLES_PER_PROJECT)
    umbrellas = max(1, projects // 20_000)
    foundations = max(4, projects // 150)
    companies = max(5, projects // 4)
    hints = Hints(project=f"p{0}", umbrella="f0", foundation="f1", company="c0",
                  counts={"projects": projects, "foundations": foundations, "companies": companies})

    def lines() -> Iterator[str]:
        g = Graph("https://w3id.org/stewardgraph/graph/bench/synthetic")
        source_count = 0

        def source(subject: str) -> None:
            nonlocal source_count
            number = rng.randrange(max(1, source_count + 1))
            if number == source_count:
                source_count += 1
                s = iri("source", f"s{number}")
                g.add(s, RDF_TYPE, sg("Source"))
                g.add(s, sg("url"), f'"https://example.org/news/{number}"^^<{XSD}anyURI>')
                g.add(s, TITLE, text(f"Announcement {number}"))
            g.add(subject, sg("source"), iri("source", f"s{number}"))

        def organization(slug: str, name: str, kind: str, founded: int) -> str:
            s = iri("organization", slug)
            g.add(s, RDF_TYPE, sg("Organization"))
            g.add(s, RDF_TYPE, sg(kind))
            g.add(s, LABEL, text(name))
            g.add(s, sg("nameKey"), text(name.lower()))
            g.add(s, HOME, f"<https://{slug}.example.org/>")
            g.add(s, sg("founded"), f'"{founded}"^^<{XSD}gYear>')
            source(s)
            return s

        def interval(s: str, start: tuple[int, int, int], end: tuple[int, int, int] | None) -> None:
            g.add(s, sg("startDate"), day(*start))
            g.add(s, sg("startDay"), day(*start))
            if end is not None:
                g.add(s, sg("endDate"), day(*end))
                g.add(s, sg("endDay"), day(*end))

        def event(slug: str, kind: str, when: tuple[int, int, int], project: str, src: str | None, dst: str) -> None:
            s = iri("event", slug)
            g.add(s, RDF_TYPE, sg("StewardshipEvent"))
            g.add(s, sg("eventType"), concept(kind))
            g.add(s, sg("date"), day(*when))
            g.add(s, sg("day"), day(*when))
            g.add(s, sg("datePrecision"), PRECISION["day"])
            g.add(s, sg("project"), project)
            if src:
                g.add(s, sg("fromSteward"), src)
            g.add(s, sg("toSteward"), dst)
            g.add(s, LABEL, text(f"{kind} of {slug}"))
            source(s)

        parents: list[str] = []
        for number in range(foundations):
            slug = f"f{number}"
            s = organization(slug, f"Foundation {number}", "Foundation", 1995 + number % 28)
            if number >= umbrellas:
                parent = iri("organization", f"f{number % umbrellas}")
                g.add(s, SUB, parent)
                if number % 3 == 0:
                    g.add(s, sg("hostedBy"), parent)
            parents.append(s)
            yield from g.lines
            g.lines.clear()
        for number in range(companies):
            organization(f"c{number}", f"Company {number}", "Company", 1970 + number % 50)
            for tier_number in range(2 if number % 2 == 0 else 0):
                org = rng.randrange(foundations)
                tier = TIERS[rng.randrange(len(TIERS))]
                year = 2005 + rng.randrange(20)
                s = iri("membership", f"c{number}--f{org}--{year}-{tier_number}")
                g.add(s, RDF_TYPE, sg("Membership"))
                g.add(s, sg("member"), iri("organization", f"c{number}"))
                g.add(s, sg("organization"), iri("organization", f"f{org}"))
                g.add(s, sg("tier"), concept(tier))
                g.add(s, sg("governingBoard"), f'"{"true" if tier == "premier" else "false"}"^^<{XSD}boolean>')
                interval(s, (year, 1 + rng.randrange(12), 1), None)
                source(s)
            if number % 3 == 0:  # a third of the companies sponsor a foundation (company 0: foundation 0)
                org = 0 if number == 0 else rng.randrange(foundations)
                rank = 1 + number % 4
                sponsor, funded = iri("organization", f"c{number}"), iri("organization", f"f{org}")
                s = iri("sponsorship", f"c{number}--f{org}--level-{rank}--2024-09-26")
                g.add(s, RDF_TYPE, sg("Sponsorship"))
                g.add(s, sg("sponsor"), sponsor)
                g.add(s, sg("sponsored"), funded)
                g.add(s, sg("level"), text(SPONSOR_LEVELS[rank - 1]))
                g.add(s, sg("levelRank"), f'"{rank}"^^<{XSD}positiveInteger>')
                g.add(s, sg("inKind"), f'"false"^^<{XSD}boolean>')
                g.add(s, sg("amountUSD"), f'"{100_000 // rank}"^^<{XSD}integer>')
                g.add(s, sg("listedOn"), day(2024, 9, 26))
                g.add(s, sg("listedDay"), f'"2024-09-26"^^<{XSD}date>')
                g.add(funded, "<https://schema.org/sponsor>", sponsor)
                g.add(funded, "<https://schema.org/funder>", sponsor)
                g.add(s, LABEL, text(f"c{number}: {SPONSOR_LEVELS[rank - 1]} sponsor of f{org} (2024-09-26)"))
                source(s)
            yield from g.lines
            g.lines.clear()
        for number in range(projects):
            slug = f"p{number}"
            s = iri("project", slug)
            owner = iri("organization", f"c{0 if number == 0 else rng.randrange(companies)}")
            created = (2000 + rng.randrange(22), 1 + rng.randrange(12), 1 + rng.randrange(28))
            g.add(s, RDF_TYPE, sg("Project"))
            g.add(s, LABEL, text(f"Project {number}"))
            g.add(s, ALT, text(f"proj-{number}"))
            g.add(s, sg("nameKey"), text(f"project {number}"))
            g.add(s, sg("nameKey"), text(f"proj-{number}"))
            g.add(s, HOME, f"<https://{slug}.example.org/>")
            g.add(s, REPO, f"<https://code.example.org/{slug}>")
            g.add(s, sg("license"), f"<http://spdx.org/licenses/{LICENSES[number % len(LICENSES)]}>")
            g.add(s, sg("created"), day(*created))
            g.add(s, sg("status"), text("archived" if number % 20 == 19 else "active"))
            source(s)
            hosted = number == 0 or rng.random() < 0.6
            foundation = parents[0 if number == 0 else 1 + rng.randrange(foundations - 1)]
            moved = (created[0] + 1 + rng.randrange(4), created[1], created[2])
            periods = [("owner", owner, created, moved if hosted else None)]
            if hosted:
                periods.append(("host-foundation", foundation, moved, None))
            for role, steward, start, end in periods:
                st = iri("stewardship", f"{slug}--{role}--{start[0]}")
                g.add(st, RDF_TYPE, sg("Stewardship"))
                g.add(st, sg("project"), s)
                g.add(s, ATTRIBUTION, st)
                g.add(st, sg("steward"), steward)
                g.add(st, sg("role"), concept(role))
                interval(st, start, end)
                source(st)
            event(f"{slug}-created", "creation", created, s, None, owner)
            if hosted:
                kind = "donation" if number % 2 == 0 else "acceptance"
                event(f"{slug}-{kind}", kind, moved, s, owner if kind == "donation" else None, foundation)
                if number % 3 == 0:
                    event(f"{slug}-incubation", "incubation", moved, s, None, foundation)
                    event(f"{slug}-graduation", "graduation", (moved[0] + 2, moved[1], moved[2]), s, None, foundation)
            if number % 20 == 19:
                event(f"{slug}-archival", "archival", (2023, 6, 1), s, None, owner)
            yield from g.lines
            g.lines.clear()

    return lines(), hints


def main() -> None:
    lines, hints = generate(int(sys.argv[1]), seed=int(sys.argv[2]) if len(sys.argv) > 2 else 7)
    out = sys.stdout
    for line in lines:
        out.write(line)
    print(f"# {hints}", file=sys.stderr)


if __name__ == "__main__":
    main()
