"""SHACL violations are reported like any other bad input: file, record, field."""

from __future__ import annotations

from pathlib import Path

import pytest

from stewardgraph import StewardGraph
from stewardgraph.errors import ValidationFailed
from stewardgraph.loaders.curated import CuratedData, Located
from stewardgraph.loaders.rdf import to_rdf
from stewardgraph.records import Event, Membership, Organization, Record, SourceRef
from stewardgraph.validation import check_shapes

ORGS = """
organizations:
  - {id: acme, name: Acme, kind: company, sources: [{url: "https://example.org/a", kind: primary}]}
  - {id: wf, name: Widget Foundation, kind: foundation, sources: [https://example.org/a]}
projects:
  - {id: widget, name: Widget, sources: [{url: "https://example.org/w", kind: primary}]}
"""
SOURCE = [SourceRef(url="https://example.org/s")]


def test_start_after_end_is_a_shacl_violation(graph: StewardGraph, write_yaml) -> None:  # type: ignore[no-untyped-def]
    text = ORGS + """
memberships:
  - {member: acme, organization: wf, tier: gold, start: 2021-05, end: 2020, sources: [{url: "https://example.org/m", kind: primary}]}
"""
    with pytest.raises(ValidationFailed) as info:
        graph.validate(write_yaml(facts=text))
    assert [str(p) for p in info.value.problems] == [
        "facts.yaml: memberships[0] (acme / wf), field 'start': start must not be after end (SHACL)"
    ]


def _check(graph: StewardGraph, *records: Record) -> list[str]:
    file = Path("hand-made.yaml")
    located = [Located(file, f"record {i}", r) for i, r in enumerate(records)]
    build = to_rdf(CuratedData([file], located), graph.ontology.vocabularies, graph.ontology.graph)
    with pytest.raises(ValidationFailed) as info:
        check_shapes(build, graph.ontology.shapes)
    return [str(p) for p in info.value.problems]


def _orgs() -> list[Record]:
    return [
        Organization(id="acme", name="Acme", kind="company", sources=SOURCE),
        Organization(id="wf", name="WF", kind="foundation", sources=SOURCE),
    ]


def test_same_previous_and_next_steward_is_a_shacl_violation(graph: StewardGraph) -> None:
    # The loader's own checks refuse this first; the shape guards data from any other path.
    event = Event.model_validate(
        {"id": "loop", "type": "donation", "date": "2020", "date_kind": "vote", "organization": "wf",
         "from": "acme", "to": "acme", "sources": ["https://example.org/e"]}
    )
    found = _check(graph, *_orgs(), event)
    assert "hand-made.yaml: record 2, field 'from': previous steward must differ from next steward (SHACL)" in found


def test_event_and_membership_without_source_are_shacl_violations(graph: StewardGraph) -> None:
    event = Event.model_construct(
        id="bare", type="foundation-formation", date=Event.model_validate(
            {"id": "x", "type": "merger", "date": "2020", "date_kind": "vote", "organization": "wf", "sources": SOURCE}
        ).date, date_kind="vote", organization="wf", project=None, from_=None, to=None, old_license=None,
        new_license=None, forked_from=None, prompted_by=None, merged=[], acquired=None, old_name=None,
        new_name=None, location=None, description=None, sources=[],
    )
    membership = Membership.model_construct(
        member="acme", organization="wf", tier="gold", start=event.date, end=None,
        governing_board=None, note=None, sources=[],
    )
    found = _check(graph, *_orgs(), event, membership)
    assert "hand-made.yaml: record 2, field 'sources': needs at least one source (SHACL)" in found
    assert "hand-made.yaml: record 3, field 'sources': needs at least one source (SHACL)" in found


def test_an_event_without_a_date_kind_is_a_shacl_violation(graph: StewardGraph) -> None:
    # The record model requires it; the shape guards data from any other path.
    event = Event.model_construct(**{**Event.model_validate(
        {"id": "undated", "type": "merger", "date": "2020", "date_kind": "vote", "organization": "wf", "sources": SOURCE}
    ).__dict__, "date_kind": None})
    found = _check(graph, *_orgs(), event)
    assert "hand-made.yaml: record 2, field 'date_kind': needs exactly one date kind (SHACL)" in found


def test_curated_data_conforms(graph: StewardGraph) -> None:
    assert graph.validate().total_triples > 0
