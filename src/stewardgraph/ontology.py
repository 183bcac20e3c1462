"""The ontology and shapes on disk, and the closed vocabularies they define."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import SKOS

from stewardgraph.vocab import SG

ONTOLOGY_FILE = "stewardgraph.ttl"
SHAPES_FILE = "shapes.ttl"


@dataclass(frozen=True)
class Vocabularies:
    """Concept IRIs by their ``skos:notation``, one mapping per concept scheme."""

    event_types: dict[str, URIRef]
    roles: dict[str, URIRef]
    tiers: dict[str, URIRef]
    date_kinds: dict[str, URIRef]
    source_kinds: dict[str, URIRef]


@dataclass(frozen=True)
class Ontology:
    graph: Graph
    shapes: Graph
    vocabularies: Vocabularies

    @classmethod
    def load(cls, directory: Path) -> Ontology:
        graph = Graph().parse(directory / ONTOLOGY_FILE, format="turtle")
        shapes = Graph().parse(directory / SHAPES_FILE, format="turtle")

        def scheme(name: URIRef) -> dict[str, URIRef]:
            return {
                str(graph.value(concept, SKOS.notation)): URIRef(str(concept))
                for concept in graph.subjects(SKOS.inScheme, name)
            }

        vocabularies = Vocabularies(
            event_types=scheme(SG.EventTypes),
            roles=scheme(SG.StewardRoles),
            tiers=scheme(SG.MembershipTiers),
            date_kinds=scheme(SG.DateKinds),
            source_kinds=scheme(SG.SourceKinds),
        )
        return cls(graph, shapes, vocabularies)
