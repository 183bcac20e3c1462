"""rdflib graphs, made from Oxigraph's terms: only where rdflib is needed (pyshacl, JSON-LD)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pyoxigraph as ox
import rdflib

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def rdflib_graph(triples: Iterable[ox.Triple | ox.Quad]) -> rdflib.Graph:
    """Oxigraph triples (or quads, their graphs dropped) as an rdflib graph, term by term:
    rdflib's own N-Triples parser takes time quadratic in the length of a literal."""
    graph = rdflib.Graph()
    for triple in triples:
        graph.add((_rdflib(triple.subject), _rdflib(triple.predicate), _rdflib(triple.object)))
    return graph


def _rdflib(term: Any) -> Any:
    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return rdflib.BNode(term.value)
    if term.language:
        return rdflib.Literal(term.value, lang=term.language)
    datatype = term.datatype.value
    return rdflib.Literal(term.value, datatype=None if datatype == _XSD_STRING else rdflib.URIRef(datatype))
