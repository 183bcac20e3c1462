"""Ontology hygiene: labels, comments, alignment, and no drift from the Python vocabulary."""

from __future__ import annotations

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from stewardgraph.ontology import Ontology
from stewardgraph.resources import resource_dir
from stewardgraph.vocab import SG, TERMS

NS = str(SG)


@pytest.fixture(scope="module")
def ontology() -> Ontology:
    return Ontology.load(resource_dir("ontology"))


def _ours(graph: Graph, kind: URIRef) -> set[URIRef]:
    return {s for s in graph.subjects(RDF.type, kind) if isinstance(s, URIRef) and str(s).startswith(NS)}


def test_is_owl_with_version_and_license(ontology: Ontology) -> None:
    g = ontology.graph
    onto = URIRef("https://w3id.org/stewardgraph/ns")
    assert (onto, RDF.type, OWL.Ontology) in g
    assert str(g.value(onto, OWL.versionIRI)).startswith("https://w3id.org/stewardgraph/ns/")
    assert g.value(onto, URIRef("http://purl.org/dc/terms/license")) is not None


def test_every_class_and_property_has_label_and_comment(ontology: Ontology) -> None:
    g = ontology.graph
    terms = _ours(g, OWL.Class) | _ours(g, OWL.ObjectProperty) | _ours(g, OWL.DatatypeProperty)
    assert len(terms) > 40
    for term in terms:
        assert g.value(term, RDFS.label) is not None, term
        assert g.value(term, RDFS.comment) is not None, term


def test_concepts_have_labels_comments_and_notations(ontology: Ontology) -> None:
    g = ontology.graph
    for scheme in (SG.EventTypes, SG.StewardRoles, SG.MembershipTiers):
        concepts = list(g.subjects(SKOS.inScheme, scheme))
        assert concepts, scheme
        for concept in concepts:
            for predicate in (SKOS.notation, SKOS.prefLabel, RDFS.label, RDFS.comment):
                assert g.value(concept, predicate) is not None, (concept, predicate)


def test_event_types_cover_the_required_kinds(ontology: Ontology) -> None:
    required = {"donation", "foundation-formation", "acceptance", "incubation", "graduation",
                "archival", "retirement", "relicensing", "fork", "merger", "acquisition", "umbrella-expansion"}
    assert required <= set(ontology.vocabularies.event_types)
    assert {"owner", "host-foundation", "fiscal-sponsor"} <= set(ontology.vocabularies.roles)


@pytest.mark.parametrize(
    ("term", "axiom", "target"),
    [
        (SG.Project, RDFS.subClassOf, "http://usefulinc.com/ns/doap#Project"),
        (SG.Project, RDFS.subClassOf, "https://schema.org/SoftwareSourceCode"),
        (SG.Organization, RDFS.subClassOf, "http://www.w3.org/ns/org#FormalOrganization"),
        (SG.Organization, RDFS.subClassOf, "http://www.w3.org/ns/prov#Agent"),
        (SG.Membership, RDFS.subClassOf, "http://www.w3.org/ns/org#Membership"),
        (SG.StewardshipEvent, RDFS.subClassOf, "http://www.w3.org/ns/prov#Activity"),
        (SG.Stewardship, RDFS.subClassOf, "http://www.w3.org/ns/prov#Attribution"),
        (SG.EventType, RDFS.subClassOf, "http://www.w3.org/2004/02/skos/core#Concept"),
        (SG.FormerName, RDFS.subClassOf, "http://www.w3.org/ns/prov#Entity"),
        (SG.acquired, RDFS.subPropertyOf, "http://www.w3.org/ns/prov#used"),
        (SG.member, RDFS.subPropertyOf, "http://www.w3.org/ns/org#member"),
        (SG.source, RDFS.subPropertyOf, "http://www.w3.org/ns/prov#wasDerivedFrom"),
        (SG.date, RDFS.subPropertyOf, "http://purl.org/dc/terms/date"),
        (SG.datePrecision, RDFS.subPropertyOf, "http://www.w3.org/2006/time#unitType"),
        (SG.startDate, RDFS.subPropertyOf, "https://schema.org/startDate"),
    ],
)
def test_alignment_axioms(ontology: Ontology, term: URIRef, axiom: URIRef, target: str) -> None:
    assert (term, axiom, URIRef(target)) in ontology.graph


def test_python_vocabulary_matches_the_ontology(ontology: Ontology) -> None:
    g = ontology.graph
    defined = {
        str(s)[len(NS):]
        for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, SKOS.ConceptScheme)
        for s in _ours(g, kind)
    }
    assert defined == set(TERMS)


def test_a_misspelt_term_is_an_error() -> None:
    with pytest.raises(AttributeError):
        SG.Projekt  # noqa: B018


def test_shapes_parse_and_target_our_classes(ontology: Ontology) -> None:
    targets = set(ontology.shapes.objects(None, URIRef("http://www.w3.org/ns/shacl#targetClass")))
    assert {SG.Project, SG.Organization, SG.Stewardship, SG.Membership, SG.StewardshipEvent, SG.Source} <= targets
