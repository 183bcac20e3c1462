"""What route handlers share: the facade of the running app."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from stewardgraph.errors import ParameterError
from stewardgraph.service import StewardGraph

TRUNCATED = "X-StewardGraph-Truncated"


def _graph(request: Request) -> StewardGraph:
    graph: StewardGraph = request.app.state.graph
    return graph


Graph = Annotated[StewardGraph, Depends(_graph)]


def seconds(value: str | None, parameter: str = "timeout") -> float | None:
    """A positive number of seconds from a request parameter, or None when absent."""
    if value is None or value == "":
        return None
    try:
        number = float(value)
    except ValueError:
        raise ParameterError(parameter, f"'{value}' is not a number of seconds") from None
    if not number > 0:
        raise ParameterError(parameter, "must be more than 0 seconds")
    return number
