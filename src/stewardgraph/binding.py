"""Checked parameter values as the terms each engine binds: RDF terms for SPARQL (a VALUES
block, placed by the parse), plain values for Cypher ($parameters)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pyoxigraph as ox

from stewardgraph.formats import XSD
from stewardgraph.guard import Term
from stewardgraph.queries import NamedQuery
from stewardgraph.records import PartialDate

XSD_DATE = ox.NamedNode(XSD + "date")


def sparql_bindings(named: NamedQuery, values: Mapping[str, Any],
                    event_types: Mapping[str, Any]) -> dict[str, Term | list[Term]]:
    """Values as RDF terms, keyed by the query variable they bind."""
    bindings: dict[str, Term | list[Term]] = {}
    for name, value in values.items():
        param = named.param(name)
        if isinstance(value, (ox.NamedNode, list)):
            bindings[param.variable] = value
        elif param.type == "event_type":
            bindings[param.variable] = ox.NamedNode(str(event_types[value]))
        elif isinstance(value, PartialDate):
            bindings[param.variable] = ox.Literal(value.first_day().isoformat(), datatype=XSD_DATE)
        else:
            bindings[param.variable] = literal(value)
    return bindings


def cypher_parameters(named: NamedQuery, values: Mapping[str, Any]) -> dict[str, Any]:
    """Values as Cypher $parameters: IRIs as text, dates as dates, absent ones as null."""
    out: dict[str, Any] = {}
    for param in named.params:
        value = values.get(param.name)
        if isinstance(value, ox.NamedNode):
            value = value.value
        elif isinstance(value, list):
            value = [item.value for item in value]
        elif isinstance(value, PartialDate):
            value = value.first_day()
        out[param.name] = value
    return out


def literal(value: Any) -> ox.Literal:
    """A plain Python value as a typed literal.

    >>> str(literal(3)), str(literal("a"))
    ('"3"^^<http://www.w3.org/2001/XMLSchema#integer>', '"a"')
    """
    if isinstance(value, bool):
        return ox.Literal("true" if value else "false", datatype=ox.NamedNode(XSD + "boolean"))
    if isinstance(value, int):
        return ox.Literal(str(value), datatype=ox.NamedNode(XSD + "integer"))
    return ox.Literal(str(value))
