"""Every named query, on the small fictional fixture dataset; and parameter checking."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from stewardgraph import StewardGraph
from stewardgraph.errors import NotFound, ParameterError, StewardGraphError
from stewardgraph.queries import Catalogue, parse_query_file
from stewardgraph.resources import resource_dir

CONTRACT = {
    "project-history": ["date", "event_type", "from_steward", "to_steward", "sources"],
    "steward-at": ["steward", "role", "since", "until", "organization"],
    "foundation-projects": ["project", "host", "since", "until"],
    "foundation-members": ["member", "tier", "since", "until"],
    "transfers": ["date", "project", "event_type", "from_steward", "to_steward"],
}


def rows(graph: StewardGraph, name: str, **params: Any) -> list[dict[str, Any]]:
    table = graph.run(name, params)
    assert table.columns == list(graph.catalogue.get(name).columns)
    assert not table.truncated
    return table.rows


def test_sponsors_of_a_foundation_top_levels_first(loaded: StewardGraph) -> None:
    found = rows(loaded, "foundation-sponsors", foundation="WF")
    assert [(r["sponsor"], r["level"], r["rank"], r["kind"], r["amount_usd"], r["listed"]) for r in found] == [
        ("Acme Corp", "Diamond", 1, "cash", 50000, "2024-09-26"),
        ("Globex", "Cloud credits", 1, "in-kind", None, "2024-09-26"),
        ("Globex", "Friends", None, "cash", None, "2024-09"),  # unranked levels last; the month kept
    ]
    assert found[0]["organization"] == "https://w3id.org/stewardgraph/id/organization/acme"  # the node, to link to
    assert rows(loaded, "foundation-sponsors", foundation="UF") == []


def test_catalogue_has_the_contract_and_more(graph: StewardGraph) -> None:
    names = [q.name for q in graph.catalogue]
    for name, columns in CONTRACT.items():
        assert list(graph.catalogue.get(name).columns) == columns
    assert len(names) >= 10
    for named in graph.catalogue:
        assert named.title and named.description, named.name
        assert "WHERE {" in named.text, named.name  # where parameters get bound


def test_project_history(loaded: StewardGraph) -> None:
    found = rows(loaded, "project-history", project="widget")
    assert [(r["date"], r["event_type"], r["from_steward"], r["to_steward"]) for r in found] == [
        ("2015", "creation", None, "Acme Widgets"),  # its name before the renaming of 2019-05-01
        ("2020-06-15", "donation", "Acme Corp", "Widget Foundation"),
    ]
    assert found[1]["sources"] == "https://example.org/widget https://example.org/widget-donation"  # sorted


@pytest.mark.parametrize(
    ("project", "date", "expected"),
    [
        ("Widget", "2019-06-01", [("Acme Corp", "owner", "2015", "2020-06-15")]),
        ("WIDGETS", "2020-06-14", [("Acme Corp", "owner", "2015", "2020-06-15")]),
        ("widget", "2020-06-15", [("Widget Foundation", "host-foundation", "2020-06-15", None)]),
        ("widget", "2014", []),
        ("gadget", "2018-03", [("Globex", "owner", "2018-03", "2019-01-10")]),
        ("widget", "2019-04-30", [("Acme Widgets", "owner", "2015", "2020-06-15")]),  # the name in force then
    ],
)
def test_steward_at(loaded: StewardGraph, project: str, date: str, expected: list[tuple[Any, ...]]) -> None:
    found = rows(loaded, "steward-at", project=project, date=date)
    assert [(r["steward"], r["role"], r["since"], r["until"]) for r in found] == expected


def test_a_steward_named_as_it_was_is_the_same_organization(loaded: StewardGraph) -> None:
    [then] = rows(loaded, "steward-at", project="widget", date="2016")
    [now] = rows(loaded, "steward-at", project="widget", date="2020-01-01")
    assert (then["steward"], now["steward"]) == ("Acme Widgets", "Acme Corp")
    assert then["organization"] == now["organization"] == "https://w3id.org/stewardgraph/id/organization/acme"
    assert [r["member"] for r in rows(loaded, "foundation-members", foundation="Widget Foundation")] == ["Acme Corp", "Globex"]  # premier before general
    # every name it ever had finds it
    assert [r["steward"] for r in rows(loaded, "steward-at", project="gizmo", date="2018")] == ["Acme Widgets"]


def test_steward_at_defaults_to_today(loaded: StewardGraph) -> None:
    assert [r["steward"] for r in rows(loaded, "steward-at", project="gadget")] == ["Cloud Foundation"]


def test_foundation_projects_with_and_without_sub_foundations(loaded: StewardGraph) -> None:
    everything = rows(loaded, "foundation-projects", foundation="UF")
    assert [(r["project"], r["host"], r["since"], r["until"]) for r in everything] == [
        ("Gadget", "Cloud Foundation", "2019-01-10", None),
        ("Widget", "Widget Foundation", "2020-06-15", None),
        ("OpenGizmo", "Umbrella Foundation", "2021-05-01", None),
    ]
    direct = rows(loaded, "foundation-projects", foundation="UF", include_sub="false")
    assert [r["project"] for r in direct] == ["OpenGizmo"]
    on_date = rows(loaded, "foundation-projects", foundation="umbrella foundation", date="2019-06")
    assert [r["project"] for r in on_date] == ["Gadget"]
    sub = rows(loaded, "foundation-projects", foundation="widget-foundation")
    assert [r["project"] for r in sub] == ["Widget"]


def test_foundation_members(loaded: StewardGraph) -> None:
    found = rows(loaded, "foundation-members", foundation="WF", date="2021")
    assert [(r["member"], r["tier"], r["since"], r["until"]) for r in found] == [
        ("Acme Corp", "premier", "2020-06-15", None),
        ("Globex", "general", "2020-07", "2022-01-01"),
    ]
    later = rows(loaded, "foundation-members", foundation="WF", date="2022-01-01")
    assert [r["member"] for r in later] == ["Acme Corp"]


def test_foundation_board(loaded: StewardGraph) -> None:
    assert [r["member"] for r in rows(loaded, "foundation-board", foundation="WF")] == ["Acme Corp"]


def test_transfers(loaded: StewardGraph) -> None:
    found = rows(loaded, "transfers", from_date="2019", to_date="2020-12-31")
    assert [(r["date"], r["project"], r["event_type"], r["from_steward"], r["to_steward"]) for r in found] == [
        ("2019-01-10", "Gadget", "donation", "Globex", "Cloud Foundation"),
        ("2020-06-15", "Widget", "donation", "Acme Corp", "Widget Foundation"),
    ]
    creations = rows(loaded, "transfers", from_date="2000", to_date="2030", event_type="creation")
    assert [(r["project"], r["event_type"]) for r in creations] == [("Widget", "creation")]


def test_company_handovers(loaded: StewardGraph) -> None:
    found = rows(loaded, "company-handovers", company="ACME")
    assert [(r["date"], r["project"], r["event_type"], r["to_steward"]) for r in found] == [
        ("2020-06-15", "Widget", "donation", "Widget Foundation")
    ]


def test_relicensing_forks(loaded: StewardGraph) -> None:
    assert rows(loaded, "relicensing-forks") == [
        {"date": "2021-03", "project": "Gizmo", "old_license": "Apache-2.0", "new_license": "BUSL-1.1",
         "fork": "OpenGizmo", "fork_date": "2021-04-02", "fork_steward": None}
    ]


def test_foundation_tree(loaded: StewardGraph) -> None:
    assert [(r["foundation"], r["parent"]) for r in rows(loaded, "foundation-tree")] == [
        ("Umbrella Foundation", None),
        ("Cloud Foundation", "Umbrella Foundation"),
        ("Widget Foundation", "Umbrella Foundation"),
    ]


def test_unhosted_projects(loaded: StewardGraph) -> None:
    found = rows(loaded, "unhosted-projects", date="2021-06-01")
    assert [(r["project"], r["steward"], r["role"]) for r in found] == [("Gizmo", "Acme Corp", "owner")]
    early = rows(loaded, "unhosted-projects", date="2018-06")
    assert [r["project"] for r in early] == ["Gadget", "Gizmo", "Widget"]  # OpenGizmo is from 2021


def test_entity_sources(loaded: StewardGraph) -> None:
    found = rows(loaded, "entity-sources", entity="Gadget")
    assert {(r["fact_type"], r["url"]) for r in found} == {
        ("Project", "https://example.org/gadget"),
        ("Stewardship", "https://example.org/gadget"),
        ("StewardshipEvent", "https://example.org/gadget"),
    }
    assert len(found) == 4
    assert {r["graph"] for r in found} == {"https://w3id.org/stewardgraph/graph/curated/facts"}
    donation = rows(loaded, "entity-sources", entity="widget-foundation")
    titles = {r["title"] for r in donation if r["url"] == "https://example.org/widget-donation"}
    assert titles == {"Acme gives Widget away"}


# -- parameters ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "params", "message"),
    [
        ("steward-at", {}, "parameter 'project': is required"),
        ("steward-at", {"project": "widget", "colour": "red"}, "parameter 'colour': query 'steward-at' has no such parameter"),
        ("steward-at", {"project": "widget", "date": "yesterday"}, "parameter 'date': expected date: 'yesterday' is not a date"),
        ("foundation-projects", {"foundation": "UF", "include_sub": "maybe"}, "parameter 'include_sub': expected boolean: 'maybe' is not true or false"),
        ("steward-at", {"project": "Nonexistent"}, "parameter 'project': no project has the id, name or alias 'Nonexistent'"),
        ("foundation-members", {"foundation": "Acme"}, "parameter 'foundation': no foundation has the id, name or alias 'Acme'"),
        ("transfers", {"from_date": "2019", "to_date": "2020", "event_type": "sale"}, "parameter 'event_type': 'sale' is not one of: acceptance"),
    ],
)
def test_bad_parameters_name_the_parameter(loaded: StewardGraph, name: str, params: dict[str, str], message: str) -> None:
    with pytest.raises(ParameterError) as info:
        loaded.run(name, params)
    assert str(info.value).startswith(message)
    assert info.value.status == 400


def test_injection_attempts_are_just_values(loaded: StewardGraph) -> None:
    sneaky = 'widget" } UNION { ?s ?p ?o } #'
    with pytest.raises(ParameterError, match="no project has the id, name or alias"):
        loaded.run("steward-at", {"project": sneaky})


def test_unknown_query(loaded: StewardGraph) -> None:
    with pytest.raises(NotFound, match="no named query 'nope'"):
        loaded.run("nope")


def test_header_is_typed(tmp_path: Path) -> None:
    bad = tmp_path / "bad.rq"
    bad.write_text("#+ title: Bad\n#+ columns: [x]\n#+ params:\n#+   x: {type: colour}\nSELECT ?x WHERE { }\n")
    with pytest.raises(StewardGraphError, match="parameter 'x' has unknown type 'colour'"):
        parse_query_file(bad)


def test_shipped_catalogue_loads() -> None:
    assert len(Catalogue.load(resource_dir("queries"))) >= 10


def test_no_sparql_outside_queries() -> None:
    """Every query the code runs is a file in queries/ (the parser module, which cuts queries to a
    page or counts them, is the one exception, with its doctests)."""
    package = Path(__file__).resolve().parent.parent / "src" / "stewardgraph"
    found = [f"{path.relative_to(package)}:{number}"
             for path in sorted(package.rglob("*.py")) if path.name != "guard.py"
             for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if re.search(r"\bWHERE\s*\{", line)]
    assert found == []


# Queries that read every project or every relicensing anyway: an OPTIONAL with a join inside
# costs them one pass over its matches, which they make regardless.
_WHOLE_GRAPH = {"project-list", "project-facets", "unhosted-projects", "foundation-tree", "relicensing-forks"}


def _joins_inside(text: str) -> list[str]:
    """The OPTIONAL and EXISTS groups of a query that join two or more patterns directly.

    Oxigraph runs such a group without the outer solution's bindings (a hash join over every
    match in the graph), so the query costs as much as the graph is large, however small its
    result. One pattern, or a pattern with OPTIONALs nested under it, runs once per outer
    solution with its bindings: a property path or a nested OPTIONAL keeps a query fast.
    """
    from stewardgraph.guard import _parser, _walk

    source = text.encode()
    found = []
    for node in _walk(_parser().parse(source).root_node):
        if node.type not in ("optional_graph_pattern", "exists_func", "not_exists_func"):
            continue
        group = next(child for child in node.named_children if child.type == "group_graph_pattern")
        parts = 0
        for child in group.named_children:
            if child.type == "triples_block":
                parts += sum(len(prop.named_children[-1].named_children)
                             for triple in child.named_children for prop in _properties(triple))
            elif child.type not in ("optional_graph_pattern", "filter", "bind", "comment"):
                parts += 1
        if parts > 1:
            found.append(source[node.start_byte:node.end_byte].decode()[:60])
    return found


def _properties(triple: Any) -> list[Any]:
    plist = next((c for c in triple.named_children if c.type == "property_list"), None)
    return [p for p in plist.named_children if p.type == "property"] if plist else []


def test_optional_and_exists_groups_join_nothing() -> None:
    catalogue = Catalogue.load(resource_dir("queries"))
    found = {query.name: _joins_inside(query.text) for query in catalogue if query.name not in _WHOLE_GRAPH}
    assert {name: joins for name, joins in found.items() if joins} == {}


def test_the_join_rule_sees_joins() -> None:
    assert _joins_inside("SELECT * WHERE { ?s ?p ?o OPTIONAL { ?s <a> ?x ; <b> ?y } }")
    assert _joins_inside("SELECT * WHERE { ?s ?p ?o FILTER EXISTS { ?s <a> ?x . ?x <b> ?y } }")
    assert _joins_inside("SELECT * WHERE { ?s ?p ?o OPTIONAL { ?s <a> ?x, ?y } }")
    assert not _joins_inside("SELECT * WHERE { ?s ?p ?o OPTIONAL { ?s <a> ?x OPTIONAL { ?x <b> ?y } } }")
    assert not _joins_inside("SELECT * WHERE { ?s ?p ?o FILTER NOT EXISTS { ?s <a>/<b> ?y } }")
