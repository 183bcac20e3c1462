"""Namespaces, and the closed list of our own terms. A test checks it against ontology/."""

from __future__ import annotations

from rdflib import Namespace
from rdflib.namespace import ClosedNamespace, DCTERMS, FOAF, ORG, PROV, RDF, RDFS, SKOS, TIME, XSD

BASE = "https://w3id.org/stewardgraph/"
ID = Namespace(BASE + "id/")
GRAPH = Namespace(BASE + "graph/")
SPDX = Namespace("http://spdx.org/licenses/")
SCHEMA = Namespace("https://schema.org/")
DOAP = Namespace("http://usefulinc.com/ns/doap#")

TERMS = [
    # classes
    "Project", "Organization", "Foundation", "Company", "Stewardship", "Membership",
    "StewardshipEvent", "Source", "EventType", "StewardRole", "MembershipTier",
    # properties
    "hostedBy", "license", "status", "forkOf", "founded", "dissolved", "created", "project",
    "steward", "role", "member", "organization", "tier", "governingBoard", "startDate",
    "endDate", "startDay", "endDay", "eventType", "date", "day", "datePrecision",
    "fromSteward", "toSteward", "aboutOrganization", "mergedOrganization", "oldLicense",
    "newLicense", "forkedFrom", "promptedBy", "location", "source", "url", "publisher",
    "accessed", "dateKind",
    # concept schemes (their concepts are looked up by skos:notation, see ontology.py)
    "EventTypes", "StewardRoles", "MembershipTiers", "DateKinds",
]

SG = ClosedNamespace(BASE + "ns#", TERMS)

PREFIXES = {
    "sg": str(SG),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "xsd": str(XSD),
    "skos": str(SKOS),
    "dcterms": str(DCTERMS),
    "doap": str(DOAP),
    "org": str(ORG),
    "prov": str(PROV),
    "schema": str(SCHEMA),
    "time": str(TIME),
    "foaf": str(FOAF),
}

__all__ = ["BASE", "DOAP", "GRAPH", "ID", "PREFIXES", "SCHEMA", "SG", "SPDX"]
