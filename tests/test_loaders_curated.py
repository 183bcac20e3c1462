"""Bad curated input: each case gets a message naming the file, the record and the field."""

from __future__ import annotations

import pytest

from stewardgraph import StewardGraph
from stewardgraph.errors import ValidationFailed
from stewardgraph.loaders.curated import is_spdx_id

ORGS = """
organizations:
  - {id: acme, name: Acme, kind: company, sources: [https://example.org/a]}
  - {id: wf, name: Widget Foundation, kind: foundation, sources: [https://example.org/a]}
"""

PROJECT = """
projects:
  - {id: widget, name: Widget, license: Apache-2.0, sources: [https://example.org/w]}
"""


def problems(graph: StewardGraph, paths) -> list[str]:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationFailed) as info:
        graph.validate(paths)
    return [str(p) for p in info.value.problems]


def test_valid_input_passes(graph: StewardGraph, write_yaml) -> None:  # type: ignore[no-untyped-def]
    summary = graph.validate(write_yaml(orgs=ORGS, facts=PROJECT))
    assert [f.file for f in summary.files] == ["facts.yaml", "orgs.yaml"]
    assert summary.total_triples > 0


def test_unknown_key(graph: StewardGraph, write_yaml) -> None:  # type: ignore[no-untyped-def]
    text = PROJECT.replace("license:", "colour: red, license:")
    found = problems(graph, write_yaml(orgs=ORGS, facts=text))
    assert found == ["facts.yaml: projects[0] (id: widget), field 'colour': unknown key"]


def test_unknown_top_level_key(graph: StewardGraph, write_yaml) -> None:  # type: ignore[no-untyped-def]
    found = problems(graph, write_yaml(orgs=ORGS + "\npeople: []\n"))
    assert found == ["orgs.yaml: (top level), field 'people': unknown key"]


@pytest.mark.parametrize(
    ("date", "message"),
    [
        ("2023-02-30", "'2023-02-30' is not a real day: 2023-02 has 28 days"),
        ("2023-13", "'2023-13' has no month 13"),
        ("'Sept 2022'", "'Sept 2022' is not a date (use YYYY, YYYY-MM or YYYY-MM-DD)"),
    ],
)
def test_malformed_or_impossible_date(graph: StewardGraph, write_yaml, date: str, message: str) -> None:  # type: ignore[no-untyped-def]
    text = PROJECT + f"""
events:
  - {{id: widget-given, type: donation, date: {date}, project: widget, from: acme, to: wf,
     sources: [https://example.org/w]}}
"""
    found = problems(graph, write_yaml(orgs=ORGS, facts=text))
    assert found == [f"facts.yaml: events[0] (id: widget-given), field 'date': {message}"]


def test_reference_to_undefined_organization_and_project(graph: StewardGraph, write_yaml) -> None:  # type: ignore[no-untyped-def]
    text = PROJECT + """
stewardships:
  - {project: gadget, steward: globex, role: owner, start: 2019, sources: [https://example.org/w]}
"""
    found = problems(graph, write_yaml(orgs=ORGS, facts=text))
    assert found == [
        "facts.yaml: stewardships[0] (gadget / globex), field 'project': refers to undefined project 'gadget'",
        "facts.yaml: stewardships[0] (gadget / globex), field 'steward': refers to undefined organization 'globex'",
    ]


def test_duplicate_id_across_files(graph: StewardGraph, write_yaml) -> None:  # type: ignore[no-untyped-def]
    again = "organizations:\n  - {id: acme, name: Acme Again, kind: company, sources: [https://example.org/b]}\n"
    found = problems(graph, write_yaml(orgs=ORGS, zmore=again))
    assert found == [
        "zmore.yaml: organizations[0] (id: acme), field 'id': duplicate organization 'acme', "
        "first defined in orgs.yaml: organizations[0] (id: acme)"
    ]


def test_missing_source(graph: StewardGraph, write_yaml) -> None:  # type: ignore[no-untyped-def]
    text = "projects:\n  - {id: widget, name: Widget}\n  - {id: gadget, name: Gadget, sources: []}\n"
    found = problems(graph, write_yaml(orgs=ORGS, facts=text))
    assert found == [
        "facts.yaml: projects[0] (id: widget), field 'sources': is required",
        "facts.yaml: projects[1] (id: gadget), field 'sources': Value should have at least 1 item after validation, not 0",
    ]


def test_source_must_be_a_url(graph: StewardGraph, write_yaml) -> None:  # type: ignore[no-untyped-def]
    text = "projects:\n  - {id: widget, name: Widget, sources: [a friend told me]}\n"
    found = problems(graph, write_yaml(orgs=ORGS, facts=text))
    assert len(found) == 1
    assert found[0].startswith("facts.yaml: projects[0] (id: widget), field 'sources.0.url': String should match")


def test_unknown_spdx_id(graph: StewardGraph, write_yaml) -> None:  # type: ignore[no-untyped-def]
    text = PROJECT.replace("Apache-2.0", "Apache 2") + """
events:
  - {id: widget-relicensed, type: relicensing, date: 2021, project: widget,
     old_license: Apache-2.0, new_license: [BUSL-1.1, Made-Up-1.0], sources: [https://example.org/w]}
"""
    found = problems(graph, write_yaml(orgs=ORGS, facts=text))
    assert found == [
        "facts.yaml: projects[0] (id: widget), field 'license': 'Apache 2' is not an SPDX license id",
        "facts.yaml: events[0] (id: widget-relicensed), field 'new_license': 'Made-Up-1.0' is not an SPDX license id",
    ]


def test_vocabularies_are_closed(graph: StewardGraph, write_yaml) -> None:  # type: ignore[no-untyped-def]
    text = PROJECT + """
stewardships:
  - {project: widget, steward: acme, role: landlord, start: 2019, sources: [https://example.org/w]}
events:
  - {id: widget-sold, type: sale, date: 2021, project: widget, sources: [https://example.org/w]}
"""
    found = problems(graph, write_yaml(orgs=ORGS, facts=text))
    assert len(found) == 2
    assert found[0].startswith("facts.yaml: stewardships[0] (widget / acme), field 'role': 'landlord' is not one of: fiscal-sponsor, host-foundation, owner")
    assert found[1].startswith("facts.yaml: events[0] (id: widget-sold), field 'type': 'sale' is not one of: acceptance, acquisition,")


def test_event_rules(graph: StewardGraph, write_yaml) -> None:  # type: ignore[no-untyped-def]
    text = PROJECT + """
events:
  - {id: widget-loop, type: donation, date: 2021, project: widget, from: acme, to: acme, sources: [https://example.org/w]}
  - {id: widget-relicensed, type: relicensing, date: 2021, project: widget, sources: [https://example.org/w]}
  - {id: nothing, type: merger, date: 2021, sources: [https://example.org/w]}
"""
    found = problems(graph, write_yaml(orgs=ORGS, facts=text))
    assert found == [
        "facts.yaml: events[0] (id: widget-loop), field 'to': previous and next steward are the same",
        "facts.yaml: events[1] (id: widget-relicensed), field 'old_license': a relicensing needs it",
        "facts.yaml: events[1] (id: widget-relicensed), field 'new_license': a relicensing needs it",
        "facts.yaml: events[2] (id: nothing), field 'project': an event needs a project or an organization",
    ]


def test_unreadable_yaml(graph: StewardGraph, write_yaml) -> None:  # type: ignore[no-untyped-def]
    found = problems(graph, write_yaml(orgs="organizations: [\n"))
    assert len(found) == 1 and found[0].startswith("orgs.yaml: (file): cannot read YAML")


def test_spdx_ids() -> None:
    assert is_spdx_id("BSD-3-Clause") and is_spdx_id("LicenseRef-RSALv2")
    assert not is_spdx_id("BSD") and not is_spdx_id("LicenseRef-")


def test_dissolved_before_founded(graph: StewardGraph, write_yaml) -> None:  # type: ignore[no-untyped-def]
    text = "organizations:\n  - {id: gone, name: Gone, kind: other, founded: 2010, dissolved: 2009-05, sources: [https://example.org/g]}\n"
    assert problems(graph, write_yaml(orgs=text)) == ["orgs.yaml: organizations[0] (id: gone), field 'dissolved': 2009-05 is before founded 2010"]


def test_a_source_has_one_title(graph: StewardGraph, write_yaml) -> None:  # type: ignore[no-untyped-def]
    text = """projects:
  - {id: a, name: A, sources: [{url: "https://example.org/s", title: One}]}
  - {id: b, name: B, sources: [{url: "https://example.org/s", title: Two}]}
"""
    assert problems(graph, write_yaml(facts=text)) == [
        "facts.yaml: projects[1] (id: b), field 'sources.0.title': https://example.org/s has title 'Two' here "
        "but 'One' in facts.yaml: projects[0] (id: a)"
    ]
