"""Our IRIs and the prefixes every query may use, as plain text (no RDF library needed)."""

BASE = "https://w3id.org/stewardgraph/"
NS = BASE + "ns#"
ID = BASE + "id/"
GRAPH = BASE + "graph/"

PREFIXES = {
    "sg": NS,
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "doap": "http://usefulinc.com/ns/doap#",
    "org": "http://www.w3.org/ns/org#",
    "prov": "http://www.w3.org/ns/prov#",
    "schema": "https://schema.org/",
    "time": "http://www.w3.org/2006/time#",
    "foaf": "http://xmlns.com/foaf/0.1/",
}


def compact(iri: str) -> str:
    """A prefixed name for an IRI in one of the known namespaces, else the IRI.

    >>> compact("http://purl.org/dc/terms/description")
    'dcterms:description'
    >>> compact("https://example.org/x")
    'https://example.org/x'
    """
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{iri[len(namespace):]}"
    return iri
