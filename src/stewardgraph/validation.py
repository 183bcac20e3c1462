"""SHACL validation of a built dataset, reported by file, record and field."""

from __future__ import annotations

from pyshacl import validate
from rdflib import Graph, URIRef
from rdflib.namespace import SH

from stewardgraph.errors import Problem, ValidationFailed
from stewardgraph.loaders.rdf import FIELDS, RdfBuild


def check_shapes(build: RdfBuild, shapes: Graph) -> None:
    """Raise ValidationFailed with one Problem per SHACL violation."""
    conforms, report, _ = validate(build.union(), shacl_graph=shapes, inference="none", allow_warnings=True)
    if conforms:
        return
    assert isinstance(report, Graph)
    problems = []
    for result in report.subjects(SH.resultSeverity, SH.Violation):
        focus = report.value(result, SH.focusNode)
        path = report.value(result, SH.resultPath)
        message = str(report.value(result, SH.resultMessage) or "violates a shape")
        field = FIELDS.get(path, str(path or "")) if isinstance(path, URIRef) else ""
        origin = build.origins.get(focus) if isinstance(focus, URIRef) else None
        if origin is not None:
            problems.append(origin.problem(field, f"{message} (SHACL)"))
        else:
            problems.append(Problem("(graph)", str(focus), field, f"{message} (SHACL)"))
    raise ValidationFailed(sorted(problems, key=str))
