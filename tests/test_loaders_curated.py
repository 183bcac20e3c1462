"""Bad curated input: each case gets a message naming the file, the record and the field."""

from __future__ import annotations

import pytest

from stewardgraph import StewardGraph
from stewardgraph.errors import ValidationFailed
from stewardgraph.loaders.curated import is_spdx_id

ORGS = """
organizations:
  - {id: acme, name: Acme, kind: company, sources: [{url: https://example.org/a, kind: primary}]}
  - {id: wf, name: Widget Foundation, kind: foundation, sources: [https://example.org/a]}
  - {id: globex, name: Globex, kind: company, sources: [https://example.org/a]}
"""

PROJECT = """
projects:
  - {id: widget, name: Widget, license: Apache-2.0, sources: [{url: https://example.org/w, kind: primary}]}
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
  - {{id: widget-given, type: donation, date: {date}, date_kind: vote, project: widget, from: acme, to: wf,
     sources: [https://example.org/w]}}
"""
    found = problems(graph, write_yaml(orgs=ORGS, facts=text))
    assert found == [f"facts.yaml: events[0] (id: widget-given), field 'date': {message}"]


def test_reference_to_undefined_organization_and_project(graph: StewardGraph, write_yaml) -> None:  # type: ignore[no-untyped-def]
    text = PROJECT + """
stewardships:
  - {project: gadget, steward: initech, role: owner, start: 2019, sources: [https://example.org/w]}
"""
    found = problems(graph, write_yaml(orgs=ORGS, facts=text))
    assert found == [
        "facts.yaml: stewardships[0] (gadget / initech), field 'project': refers to undefined project 'gadget'",
        "facts.yaml: stewardships[0] (gadget / initech), field 'steward': refers to undefined organization 'initech'",
    ]


def test_duplicate_id_across_files(graph: StewardGraph, write_yaml) -> None:  # type: ignore[no-untyped-def]
    again = "organizations:\n  - {id: acme, name: Acme Again, kind: company, sources: [{url: \"https://example.org/b\", kind: press}]}\n"
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
  - {id: widget-relicensed, type: relicensing, date: 2021, date_kind: effective, project: widget,
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
  - {id: widget-sold, type: sale, date: 2021, date_kind: vote, project: widget, sources: [https://example.org/w]}
"""
    found = problems(graph, write_yaml(orgs=ORGS, facts=text))
    assert len(found) == 2
    assert found[0].startswith("facts.yaml: stewardships[0] (widget / acme), field 'role': 'landlord' is not one of: fiscal-sponsor, host-foundation, owner")
    assert found[1].startswith("facts.yaml: events[0] (id: widget-sold), field 'type': 'sale' is not one of: acceptance, acquisition,")


def test_event_rules(graph: StewardGraph, write_yaml) -> None:  # type: ignore[no-untyped-def]
    text = PROJECT + """
events:
  - {id: widget-loop, type: donation, date: 2021, date_kind: vote, project: widget, from: acme, to: acme, sources: [https://example.org/w]}
  - {id: widget-relicensed, type: relicensing, date: 2021, date_kind: vote, project: widget, sources: [https://example.org/w]}
  - {id: nothing, type: merger, date: 2021, date_kind: vote, sources: [https://example.org/w]}
"""
    found = problems(graph, write_yaml(orgs=ORGS, facts=text))
    assert found == [
        "facts.yaml: events[0] (id: widget-loop), field 'to': previous and next steward are the same",
        "facts.yaml: events[2] (id: nothing), field 'project': an event needs a project or an organization",
        "facts.yaml: events[1] (id: widget-relicensed), field 'old_license': a relicensing needs it",
        "facts.yaml: events[1] (id: widget-relicensed), field 'new_license': a relicensing needs it",
    ]


def test_unreadable_yaml(graph: StewardGraph, write_yaml) -> None:  # type: ignore[no-untyped-def]
    found = problems(graph, write_yaml(orgs="organizations: [\n"))
    assert len(found) == 1 and found[0].startswith("orgs.yaml: (file): cannot read YAML")


def test_spdx_ids() -> None:
    assert is_spdx_id("BSD-3-Clause") and is_spdx_id("LicenseRef-RSALv2")
    assert not is_spdx_id("BSD") and not is_spdx_id("LicenseRef-")


def test_dissolved_before_founded(graph: StewardGraph, write_yaml) -> None:  # type: ignore[no-untyped-def]
    text = "organizations:\n  - {id: gone, name: Gone, kind: other, founded: 2010, dissolved: 2009-05, sources: [{url: \"https://example.org/g\", kind: primary}]}\n"
    assert problems(graph, write_yaml(orgs=text)) == ["orgs.yaml: organizations[0] (id: gone), field 'dissolved': 2009-05 is before founded 2010"]


def test_a_source_has_one_title(graph: StewardGraph, write_yaml) -> None:  # type: ignore[no-untyped-def]
    text = """projects:
  - {id: a, name: A, sources: [{url: "https://example.org/s", title: One}]}
  - {id: b, name: B, sources: [{url: "https://example.org/s", title: Two}]}
"""
    assert problems(graph, write_yaml(facts=text)) == [
        "facts.yaml: projects[1] (id: b), field 'sources.0.title': https://example.org/s has title 'Two' here "
        "but 'One' in facts.yaml: projects[0] (id: a)",
        "facts.yaml: projects[0] (id: a), field 'sources.0.kind': https://example.org/s gives no kind anywhere: "
        "primary, press or secondary",
    ]


# -- the modelling rule (data/README.md) ---------------------------------------------------------

OWNED = PROJECT + """
stewardships:
  - {project: widget, steward: acme, role: owner, start: 2015, end: 2020-06-15, sources: [https://example.org/w]}
"""


def test_every_event_gives_its_date_kind(graph: StewardGraph, write_yaml) -> None:  # type: ignore[no-untyped-def]
    text = PROJECT + "events:\n  - {id: made, type: creation, date: 2015, project: widget, to: acme, sources: [https://example.org/w]}\n"
    assert problems(graph, write_yaml(orgs=ORGS, facts=text)) == [
        "facts.yaml: events[0] (id: made), field 'date_kind': is required"]


def test_every_url_gives_its_kind_once(graph: StewardGraph, write_yaml) -> None:  # type: ignore[no-untyped-def]
    text = """projects:
  - {id: a, name: A, sources: [https://example.org/s]}
  - {id: b, name: B, sources: [{url: "https://example.org/s", kind: primary}, https://example.org/t]}
  - {id: c, name: C, sources: [{url: "https://example.org/t", kind: press}, {url: "https://example.org/s", kind: press}]}
"""
    assert problems(graph, write_yaml(facts=text)) == [
        "facts.yaml: projects[2] (id: c), field 'sources.1.kind': https://example.org/s has kind 'press' here "
        "but 'primary' in facts.yaml: projects[1] (id: b)"]


def test_hosted_by_is_retired_for_part_of(graph: StewardGraph, write_yaml) -> None:  # type: ignore[no-untyped-def]
    text = ORGS + "  - {id: sub, name: Sub Foundation, kind: foundation, hosted_by: wf, sources: [https://example.org/a]}\n"
    [found] = problems(graph, write_yaml(orgs=text))
    assert found.startswith("orgs.yaml: organizations[3] (id: sub), field 'hosted_by': hosted_by is retired: "
                            "a directed fund or sub-foundation is part_of its parent")


@pytest.mark.parametrize(
    ("event", "message"),
    [
        ("{id: given, type: donation, date: 2020-06-15, date_kind: vote, project: widget, to: wf}",
         "events[0] (id: given), field 'from': a donation needs it: a donation names the owner that gives the "
         "project (from) and the foundation (to)"),
        ("{id: given, type: incubation, date: 2018, date_kind: vote, project: widget, to: wf}",
         "events[0] (id: given), field 'from': the project had an owner (acme) on 2018; name it"),
        ("{id: given, type: acceptance, date: 2019-03, date_kind: vote, project: widget, to: wf}",
         "events[0] (id: given), field 'type': the project had an owner (acme) on 2019-03: that is a donation "
         "(from: acme), or an incubation with from"),
        ("{id: given, type: donation, date: 2020-06-15, date_kind: vote, project: widget, from: globex, to: wf}",
         "events[0] (id: given), field 'from': 'globex' did not own the project on 2020-06-15; acme did"),
        ("{id: moved, type: transfer, date: 2019, date_kind: vote, project: widget, to: wf}",
         "events[0] (id: moved), field 'from': a transfer needs it: a transfer names both companies (from, to)"),
        ("{id: bought, type: acquisition, date: 2019, date_kind: effective, project: widget, acquired: acme, to: wf}",
         "events[0] (id: bought), field 'project': an acquisition is of a company (acquired); its projects pass "
         "through the owner stewardships, or a transfer moves one project"),
        ("{id: bought, type: acquisition, date: 2019, date_kind: effective, organization: acme, acquired: acme, to: wf}",
         "events[0] (id: bought), field 'organization': an acquisition names the company bought in acquired, "
         "not in organization"),
        ("{id: renamed, type: renaming, date: 2019, date_kind: effective, organization: acme, old_name: Acme, "
         "new_name: Acme, forked_from: widget}",
         "events[0] (id: renamed), field 'forked_from': only a fork gives it, not a renaming"),
    ],
)
def test_events_follow_the_modelling_rule(graph: StewardGraph, write_yaml, event: str, message: str) -> None:  # type: ignore[no-untyped-def]
    found = problems(graph, write_yaml(orgs=ORGS, facts=OWNED + f"events:\n  - {{{event[1:-1]}, sources: [https://example.org/w]}}\n"))
    assert f"facts.yaml: {message}" in found


def test_a_project_without_an_owner_is_accepted(graph: StewardGraph, write_yaml) -> None:  # type: ignore[no-untyped-def]
    text = OWNED + """events:
  - {id: voted-in, type: acceptance, date: 2021, date_kind: vote, project: widget, to: wf, sources: [https://example.org/w]}
  - {id: given, type: donation, date: 2020-06-15, date_kind: vote, project: widget, from: acme, to: wf, sources: [https://example.org/w]}
"""
    assert graph.validate(write_yaml(orgs=ORGS, facts=text)).total_triples > 0


def test_an_acquisition_moves_the_stewardships_of_the_company_bought(graph: StewardGraph, write_yaml) -> None:  # type: ignore[no-untyped-def]
    orgs = ORGS + "  - {id: bigco, name: BigCo, kind: company, sources: [https://example.org/a]}\n"
    acquisition = """events:
  - {id: bigco-buys-acme, type: acquisition, date: 2018-04, date_kind: effective, acquired: acme, to: bigco,
     sources: [https://example.org/w]}
"""
    found = problems(graph, write_yaml(orgs=orgs, facts=OWNED + acquisition))
    assert found == ["facts.yaml: stewardships[0] (widget / acme), field 'end': acme owned 'widget' past its acquisition "
                     "by bigco (bigco-buys-acme, 2018-04): end it on 2018-04"]
    ended = OWNED.replace("end: 2020-06-15", "end: 2018-04") + acquisition
    found = problems(graph, write_yaml(orgs=orgs, facts=ended))
    assert found == ["facts.yaml: events[0] (id: bigco-buys-acme), field 'to': 'widget' passed to bigco on 2018-04: "
                     "add its owner stewardship starting 2018-04"]
    handed = ended.replace("stewardships:\n", "stewardships:\n  - {project: widget, steward: bigco, role: owner, "
                           "start: 2018-04, sources: [https://example.org/w]}\n")
    assert graph.validate(write_yaml(orgs=orgs, facts=handed)).total_triples > 0
    graph.build(write_yaml(orgs=orgs, facts=handed))
    listed = graph.run("event-list", {"type": "acquisition"}).rows
    assert [(r["organization"], r["to_name"]) for r in listed] == [("Acme", "BigCo")]
    acme = graph.resolve("organization", "acme")
    assert [r["type"] for r in graph.run("organization-events", {"organization": acme}).rows] == ["acquisition"]


def test_renamings_chain_to_the_current_name(graph: StewardGraph, write_yaml) -> None:  # type: ignore[no-untyped-def]
    text = PROJECT + """events:
  - {id: r1, type: renaming, date: 2010, date_kind: effective, organization: acme, old_name: Acme Tools,
     new_name: Acme Widgets, sources: [https://example.org/w]}
  - {id: r2, type: renaming, date: 2015, date_kind: effective, organization: acme, old_name: Acme Gadgets,
     new_name: Acme Ltd, sources: [https://example.org/w]}
"""
    assert problems(graph, write_yaml(orgs=ORGS, facts=text)) == [
        "facts.yaml: events[1] (id: r2), field 'old_name': 'Acme Gadgets' is not the name the previous renaming gave "
        "(r1: 'Acme Widgets')",
        "facts.yaml: events[1] (id: r2), field 'new_name': the last renaming gives 'Acme Ltd', but the organization's "
        "name is 'Acme'",
    ]


def test_a_name_belongs_to_one_entity(graph: StewardGraph, write_yaml) -> None:  # type: ignore[no-untyped-def]
    orgs = ORGS + """  - {id: airbnb, name: Airbnb, kind: company, aliases: [Airbnb, Inc.], sources: [https://example.org/a]}
  - {id: acme-two, name: ACME Holdings, kind: company, aliases: [acme], sources: [https://example.org/a]}
"""
    assert problems(graph, write_yaml(orgs=orgs)) == [
        "orgs.yaml: organizations[3] (id: airbnb), field 'aliases': 'Inc.' is a legal form or a generic word, not a name",
        "orgs.yaml: organizations[4] (id: acme-two), field 'aliases': 'acme' is also a name of orgs.yaml: "
        "organizations[0] (id: acme); a name belongs to one organization",
    ]


def test_a_former_name_is_a_name_too(graph: StewardGraph, write_yaml) -> None:  # type: ignore[no-untyped-def]
    orgs = ORGS + "  - {id: old-acme, name: Acme Tools, kind: company, sources: [https://example.org/a]}\n"
    text = PROJECT + """events:
  - {id: r1, type: renaming, date: 2010, date_kind: effective, organization: acme, old_name: Acme Tools,
     new_name: Acme, sources: [https://example.org/w]}
"""
    found = problems(graph, write_yaml(orgs=orgs, facts=text))
    assert found == ["orgs.yaml: organizations[3] (id: old-acme), field 'name': 'Acme Tools' is also a name of "
                     "orgs.yaml: organizations[0] (id: acme); a name belongs to one organization"]


def test_tracking_parameters_and_moving_listings_are_not_sources(graph: StewardGraph, write_yaml) -> None:  # type: ignore[no-untyped-def]
    text = """projects:
  - {id: a, name: A, sources: [{url: "https://example.org/news?id=3&utm_source=rss", kind: press}]}
  - {id: b, name: B, sources: [{url: "https://example.org/blog/page/536", kind: primary}]}
"""
    assert problems(graph, write_yaml(facts=text)) == [
        "facts.yaml: projects[0] (id: a), field 'sources.0.url': https://example.org/news?id=3&utm_source=rss: "
        "a tracking parameter; cite the URL without it",
        "facts.yaml: projects[1] (id: b), field 'sources.0.url': https://example.org/blog/page/536: "
        "a listing whose content moves; cite the page that states the fact",
    ]


def test_events_and_sponsorships_are_labelled_with_names_as_they_were(loaded: StewardGraph) -> None:
    found = loaded.query(
        "SELECT ?s ?label WHERE { ?s rdfs:label ?label . "
        "FILTER(STRSTARTS(STR(?s), 'https://w3id.org/stewardgraph/id/event/') || "
        "STRSTARTS(STR(?s), 'https://w3id.org/stewardgraph/id/sponsorship/')) }")
    labels = {str(r["s"]).rsplit("/", 1)[-1]: r["label"] for r in found.rows}  # type: ignore[union-attr]
    assert labels["widget-created"] == "creation of Widget (2015)"
    assert labels["acme-renamed"] == "renaming of Acme Widgets (2019-05-01)"
    assert "Acme Corp: Diamond sponsor of Widget Foundation (2024-09-26)" in labels.values()


def test_a_license_of_our_own_is_named_so_that_its_page_resolves(graph: StewardGraph, write_yaml) -> None:  # type: ignore[no-untyped-def]
    import pyoxigraph as ox

    graph.build(write_yaml(orgs=ORGS, facts=PROJECT.replace("license: Apache-2.0", "license: [LicenseRef-Acme, MIT]")))
    ours = ox.NamedNode("https://w3id.org/stewardgraph/id/license/LicenseRef-Acme")
    described = graph.document("describe", {"subject": ours}, media="application/n-triples")
    assert '"LicenseRef-Acme"' in described.data.decode() and described.count > 0


def test_a_fiscal_sponsor_hosts_its_projects_in_the_lists(graph: StewardGraph, write_yaml) -> None:  # type: ignore[no-untyped-def]
    from stewardgraph import entities

    text = PROJECT + """stewardships:
  - {project: widget, steward: wf, role: fiscal-sponsor, start: 2019, sources: [https://example.org/w]}
"""
    graph.build(write_yaml(orgs=ORGS, facts=text))
    wf = graph.resolve("foundation", "wf")
    assert [p["id"] for p in entities.projects(graph, foundation=wf).items] == ["widget"]
    assert {v["value"]: v["count"] for v in entities.project_facets(graph).values["foundation"]} == {"wf": 1}


def test_a_handover_names_the_receiver_as_it_was_named_then(graph: StewardGraph, write_yaml) -> None:  # type: ignore[no-untyped-def]
    text = OWNED + """  - {project: widget, steward: wf, role: host-foundation, start: 2020-06-15, sources: [https://example.org/w]}
events:
  - {id: given, type: donation, date: 2020-06-15, date_kind: effective, project: widget, from: acme, to: wf,
     sources: [https://example.org/w]}
  - {id: wf-renamed, type: renaming, date: 2021, date_kind: effective, organization: wf, old_name: Gadget Foundation,
     new_name: Widget Foundation, sources: [https://example.org/w]}
"""
    graph.build(write_yaml(orgs=ORGS, facts=text))
    found = graph.run("company-handovers", {"company": "acme"}).rows
    assert [(r["project"], r["to_steward"]) for r in found] == [("Widget", "Gadget Foundation")]


def test_a_stewardship_is_named_with_the_project_name_of_its_time(graph: StewardGraph, write_yaml) -> None:  # type: ignore[no-untyped-def]
    text = OWNED + """  - {project: widget, steward: wf, role: host-foundation, start: 2020-06-15, sources: [https://example.org/w]}
events:
  - {id: renamed, type: renaming, date: 2019, date_kind: effective, project: widget, old_name: Widgetry,
     new_name: Widget, sources: [https://example.org/w]}
"""
    graph.build(write_yaml(orgs=ORGS, facts=text))
    stewardships = [f"https://w3id.org/stewardgraph/id/stewardship/widget--{who}" for who in ("acme--2015", "wf--2020-06-15")]
    labels = sorted(str(r["label"]) for r in graph.run("page-labels", {"terms": stewardships}).rows)
    assert labels == ["Acme (owner) for Widgetry, 2015 – 2020-06-15", "Widget Foundation (host foundation) for Widget, 2020-06-15 – now"]


def test_every_name_alias_and_former_name_is_a_key_in_lower_case(loaded: StewardGraph) -> None:
    """resolve-name looks names up in sg:nameKey, so every name, alias and former name is there."""
    names = loaded.query(
        "SELECT ?e ?name WHERE { { ?e a sg:Project } UNION { ?e a sg:Organization } "
        "{ ?e rdfs:label ?name } UNION { ?e skos:altLabel ?name } }")
    keys = loaded.query("SELECT ?e ?key WHERE { ?e sg:nameKey ?key }")
    expected = {(str(r["e"]), str(r["name"]).lower()) for r in names.rows}  # type: ignore[union-attr]
    assert expected and {(str(r["e"]), str(r["key"])) for r in keys.rows} == expected  # type: ignore[union-attr]
    acme = "https://w3id.org/stewardgraph/id/organization/acme"
    assert loaded.resolve("organization", "ACME WIDGETS").value == acme  # a former name, in any case
