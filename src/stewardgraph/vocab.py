"""Namespaces, and the closed list of our own terms. A test checks it against ontology/."""

from __future__ import annotations

from rdflib import Namespace
from rdflib.namespace import ClosedNamespace

from stewardgraph.namespaces import BASE, NS, PREFIXES
from stewardgraph.namespaces import GRAPH as GRAPH_BASE
from stewardgraph.namespaces import ID as ID_BASE

ID = Namespace(ID_BASE)
GRAPH = Namespace(GRAPH_BASE)
SPDX = Namespace("http://spdx.org/licenses/")
SCHEMA = Namespace("https://schema.org/")
DOAP = Namespace("http://usefulinc.com/ns/doap#")

TERMS = [
    # classes
    "Project", "Organization", "Foundation", "Company", "Stewardship", "Membership",
    "StewardshipEvent", "Source", "EventType", "StewardRole", "MembershipTier", "Sponsorship",
    "FormerName", "SourceKind",
    # properties
    "license", "status", "forkOf", "founded", "dissolved", "created", "project",
    "steward", "role", "member", "organization", "tier", "governingBoard", "startDate",
    "endDate", "startDay", "endDay", "eventType", "date", "day", "datePrecision",
    "fromSteward", "toSteward", "aboutOrganization", "mergedOrganization", "oldLicense",
    "newLicense", "forkedFrom", "promptedBy", "location", "source", "url", "publisher",
    "accessed", "dateKind", "webDomain", "nameKey", "fiscalHosting", "fiscalHost", "sponsor", "sponsored", "level",
    "levelRank", "inKind", "amountUSD", "listedOn", "listedDay", "acquired", "oldName", "newName",
    "formerName", "sourceKind",
    # concept schemes (their concepts are looked up by skos:notation, see ontology.py)
    "EventTypes", "StewardRoles", "MembershipTiers", "DateKinds", "SourceKinds",
]

SG = ClosedNamespace(NS, TERMS)

__all__ = ["BASE", "DOAP", "GRAPH", "ID", "PREFIXES", "SCHEMA", "SG", "SPDX"]
