"""Named queries over HTTP: the catalogue, JSON and CSV, parameter errors; same rows as the CLI."""

from __future__ import annotations

import csv
import html
import io
import re
from urllib.parse import parse_qs, urlparse

import pytest
from fastapi.testclient import TestClient

from stewardgraph import StewardGraph

CALLS = [
    ("project-history", {"project": "widget"}),
    ("steward-at", {"project": "Widget", "date": "2019-06-01"}),
    ("foundation-projects", {"foundation": "UF", "include_sub": "false"}),
    ("foundation-members", {"foundation": "WF", "date": "2021"}),
    ("foundation-sponsors", {"foundation": "WF"}),
    ("transfers", {"from_date": "2019", "to_date": "2020-12-31"}),
    ("foundation-board", {"foundation": "WF"}),
    ("company-handovers", {"company": "acme"}),
    ("relicensing-forks", {}),
    ("foundation-tree", {}),
    ("unhosted-projects", {"date": "2021-06-01"}),
    ("entity-sources", {"entity": "gadget"}),
]


def test_catalogue(client: TestClient) -> None:
    queries = {q["name"]: q for q in client.get("/queries").json()["queries"]}
    assert {name for name, _ in CALLS} == {name for name, q in queries.items() if not q["internal"]}
    assert {"project-list", "resolve-name", "describe"} <= {name for name, q in queries.items() if q["internal"]}
    steward_at = queries["steward-at"]
    assert steward_at["columns"] == ["steward", "role", "since", "until", "organization"]
    assert steward_at["parameters"] == [
        {"name": "project", "type": "project", "required": True, "default": None,
         "description": "Id, name or alias of the project"},
        {"name": "date", "type": "date", "required": False, "default": "today",
         "description": "ISO date (YYYY, YYYY-MM or YYYY-MM-DD); a partial date means its first day"},
    ]


@pytest.mark.parametrize(("name", "params"), CALLS)
def test_every_named_query_matches_the_library(client: TestClient, loaded: StewardGraph, name: str, params: dict[str, str]) -> None:
    response = client.get(f"/queries/{name}", params=params)
    assert response.status_code == 200, response.text
    expected = loaded.run(name, params)
    body = response.json()
    assert body == {"columns": expected.columns, "rows": expected.rows, "truncated": False}


def test_csv_by_suffix_and_by_accept(client: TestClient) -> None:
    by_suffix = client.get("/queries/foundation-members.csv", params={"foundation": "WF"})
    by_accept = client.get("/queries/foundation-members", params={"foundation": "WF"}, headers={"Accept": "text/csv"})
    for response in (by_suffix, by_accept):
        assert response.headers["content-type"].startswith("text/csv")
        assert list(csv.DictReader(io.StringIO(response.text)))[0] == {
            "member": "Acme Corp", "tier": "premier", "since": "2020-06-15", "until": ""
        }
    as_json = client.get("/queries/foundation-members.json", params={"foundation": "WF"}, headers={"Accept": "text/csv"})
    assert as_json.headers["content-type"].startswith("application/json")


@pytest.mark.parametrize(
    ("params", "parameter", "message"),
    [
        ({}, "project", "parameter 'project': is required"),
        ({"project": "widget", "colour": "red"}, "colour", "parameter 'colour': query 'steward-at' has no such parameter"),
        ({"project": "widget", "date": "2021-02-30"}, "date", "parameter 'date': expected date: '2021-02-30' is not a real day"),
        ({"project": "nothing"}, "project", "parameter 'project': no project has the id, name or alias 'nothing'"),
        ({"project": "Widgit"}, "project", "parameter 'project': no project has the id, name or alias 'Widgit'; "
                                           "did you mean 'Widget'?"),
        ({"project": "widget", "timeout": "-1"}, "timeout", "parameter 'timeout': must be more than 0 seconds"),
    ],
)
def test_bad_parameters_are_400_naming_the_parameter(client: TestClient, params: dict[str, str], parameter: str, message: str) -> None:
    response = client.get("/queries/steward-at", params=params)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["parameter"] == parameter and error["message"].startswith(message)


def test_unknown_query_is_404(client: TestClient) -> None:
    response = client.get("/queries/nope")
    assert response.status_code == 404 and response.json()["error"]["type"] == "NotFound"
    misspelt = client.get("/queries/steward-atx").json()["error"]["message"]
    assert misspelt == "no named query 'steward-atx'; did you mean 'steward-at'?"


def test_a_result_page_links_to_its_sparql(client: TestClient) -> None:
    page = client.get("/queries/steward-at", params={"project": "Widget", "date": "2016"},
                      headers={"Accept": "text/html"}).text
    found = re.search(r'<a href="(/sparql\?query=[^"]*)">SPARQL</a>', page)
    assert found is not None
    sparql = parse_qs(urlparse(html.unescape(found.group(1))).query)["query"][0]
    assert "VALUES" in sparql and "https://w3id.org/stewardgraph/id/project/widget" in sparql  # bound, name resolved
    answer = client.get("/sparql", params={"query": sparql}, headers={"Accept": "application/sparql-results+json"})
    steward = [b["steward"]["value"] for b in answer.json()["results"]["bindings"]]
    named = client.get("/queries/steward-at", params={"project": "Widget", "date": "2016"}).json()["rows"]
    assert steward == [r["steward"] for r in named] == ["Acme Widgets"]


def test_a_form_with_blank_optional_fields_and_one_without_parameters_run(client: TestClient) -> None:
    browser = {"Accept": "text/html"}
    blank = client.get("/queries/steward-at", params={"project": "Widget", "date": "", "run": "1"}, headers=browser)
    assert blank.status_code == 200 and "1 row ·" in blank.text  # the blank date means today
    tree = client.get("/queries/foundation-tree", params={"run": "1"}, headers=browser)
    assert tree.status_code == 200 and "Widget Foundation" in tree.text
    assert "Widget Foundation" not in client.get("/queries/foundation-tree", headers=browser).text  # the form alone


def test_a_result_page_names_our_entities_and_says_its_columns_in_words(client: TestClient,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    browser = {"Accept": "text/html"}
    page = client.get("/queries/steward-at", params={"project": "Widget", "date": "2016"}, headers=browser).text
    assert '<a href="/id/organization/acme">Acme Corp</a>' in page  # the organization column, by its name
    history = client.get("/queries/project-history", params={"project": "Widget"}, headers=browser).text
    assert "<th>event type</th>" in history and 'title="https://example.org/widget">example.org</a>' in history
    form = client.get("/queries/foundation-projects", headers=browser).text
    assert '<select id="p-include_sub" name="include_sub"><option value="true" selected>yes</option>' in form
    assert '<label for="p-include_sub">include sub</label>' in form
    from stewardgraph.web import pages

    monkeypatch.setattr(pages, "HTML_ROWS", 1)
    capped = client.get("/queries/foundation-members", params={"foundation": "WF"}, headers=browser).text
    assert "This page shows 1 of the 2 rows; JSON and CSV give them all." in capped and "Globex" not in capped


def test_a_form_checks_timeout_and_backend_as_the_api_does(client: TestClient) -> None:
    browser = {"Accept": "text/html"}
    for extra, parameter in (({"timeout": "abc"}, "timeout"), ({"backend": "nosuch"}, "backend")):
        page = client.get("/queries/steward-at", params={"project": "Widget", **extra}, headers=browser)
        api = client.get("/queries/steward-at", params={"project": "Widget", **extra})
        assert page.status_code == api.status_code == 400
        assert html.escape(api.json()["error"]["message"], quote=True) in page.text, parameter
    assert client.get("/queries/steward-at", params={"project": "Widget", "timeout": "5"}, headers=browser).status_code == 200
