"""REST resources: projects, organizations, events, search; pagination and the error shape."""

from __future__ import annotations

import re
from html import unescape
from typing import Any

from fastapi.testclient import TestClient

from stewardgraph import Settings, StewardGraph
from stewardgraph.store import QueryOptions, QueryResult, Table
from stewardgraph.web import create_app


def test_projects_with_filters(client: TestClient) -> None:
    everything = client.get("/projects").json()
    assert [p["id"] for p in everything["items"]] == ["gadget", "gizmo", "opengizmo", "widget"]
    assert everything["total"] == 4 and everything["next"] is None
    under_uf = client.get("/projects", params={"foundation": "UF"}).json()
    assert [p["id"] for p in under_uf["items"]] == ["gadget", "opengizmo", "widget"]
    assert [p["id"] for p in client.get("/projects", params={"foundation": "Cloud Foundation"}).json()["items"]] == ["gadget"]
    assert [p["id"] for p in client.get("/projects", params={"steward": "Acme"}).json()["items"]] == ["gizmo"]
    widget = [p for p in everything["items"] if p["id"] == "widget"][0]
    assert widget["stewards"] == [{
        "id": "widget-foundation", "name": "Widget Foundation", "iri": "https://w3id.org/stewardgraph/id/organization/widget-foundation",
        "url": "/organizations/widget-foundation", "role": "host-foundation", "since": "2020-06-15",
    }]
    assert widget["licenses"] == ["Apache-2.0"] and widget["aliases"] == ["widgets"]


def test_pagination(client: TestClient) -> None:
    first = client.get("/projects", params={"limit": 3}).json()
    assert len(first["items"]) == 3 and first["total"] == 4
    assert first["next"].endswith("offset=3&limit=3") or "offset=3" in first["next"]
    second = client.get("/projects", params={"limit": 3, "offset": 3}).json()
    assert [p["id"] for p in second["items"]] == ["widget"] and second["next"] is None


def test_project_detail_has_timeline_events_and_sources(client: TestClient) -> None:
    widget = client.get("/projects/widget").json()
    assert [(t["steward"]["id"], t["role"], t["since"], t["until"]) for t in widget["timeline"]] == [
        ("acme", "owner", "2015", "2020-06-15"),
        ("widget-foundation", "host-foundation", "2020-06-15", None),
    ]
    assert [(e["type"], e["date"]) for e in widget["events"]] == [("creation", "2015"), ("donation", "2020-06-15")]
    donation = widget["events"][1]
    assert donation["from"]["id"] == "acme" and donation["to"]["id"] == "widget-foundation"
    assert {s["url"] for s in donation["sources"]} == {"https://example.org/widget-donation", "https://example.org/widget"}
    assert {"url": "https://example.org/widget-donation", "title": "Acme gives Widget away", "publisher": "Example News"} in donation["sources"]
    assert widget["sources"] == [{"url": "https://example.org/widget", "title": None, "publisher": None}]
    assert widget["created"] == "2015"
    assert client.get("/projects/Widgets").json()["id"] == "widget"  # names and aliases resolve too


def test_a_browser_asking_for_one_entity_is_sent_to_its_page(client: TestClient) -> None:
    for path, page in (("/projects/widgets", "/id/project/widget"), ("/organizations/WF", "/id/organization/widget-foundation")):
        moved = client.get(path, headers=HTML, follow_redirects=False)
        assert (moved.status_code, moved.headers["location"]) == (303, page)
        assert client.get(path).json()["iri"].endswith(page.removeprefix("/id"))  # API clients keep the JSON
    assert client.get("/projects/nothing", headers=HTML).status_code == 404


def test_organization_detail(client: TestClient) -> None:
    wf = client.get("/organizations/widget-foundation").json()
    assert wf["kind"] == "foundation"
    assert [p["id"] for p in wf["parents"]] == ["umbrella-foundation"]
    assert [(p["project"]["id"], p["role"], p["since"]) for p in wf["projects"]] == [("widget", "host-foundation", "2020-06-15")]
    assert {tier: [m["member"]["id"] for m in members] for tier, members in wf["members_by_tier"].items()} == {
        "general": ["globex"], "premier": ["acme"]
    }
    assert wf["members_by_tier"]["premier"][0]["governing_board"] is True
    uf = client.get("/organizations/UF").json()
    assert sorted(c["id"] for c in uf["children"]) == ["cloud-foundation", "widget-foundation"]
    acme = client.get("/organizations/acme").json()
    assert [m["organization"]["id"] for m in acme["member_of"]] == ["widget-foundation"]
    assert {e["id"] for e in acme["events"]} == {"widget-created", "widget-donated", "acme-renamed"}
    assert client.get("/organizations/Acme Widgets").json()["id"] == "acme"  # a former name resolves


def test_events_filters(client: TestClient) -> None:
    donations = client.get("/events", params={"type": "donation"}).json()
    assert [e["id"] for e in donations["items"]] == ["gadget-donated", "widget-donated"]
    ranged = client.get("/events", params={"from": "2021", "to": "2021-04-30"}).json()
    assert [e["id"] for e in ranged["items"]] == ["gizmo-relicensed", "opengizmo-forked"]


def test_search_names_and_aliases(client: TestClient) -> None:
    found = client.get("/search", params={"q": "GIZ"}).json()["items"]
    assert [(i["kind"], i["id"]) for i in found] == [("project", "gizmo"), ("project", "opengizmo")]
    alias = client.get("/search", params={"q": "wf"}).json()["items"]
    assert [(i["id"], i["matched"]) for i in alias] == [("widget-foundation", ["WF"])]
    # best first: the name itself, then names that start with it, then a word that starts with it
    ranked = client.get("/search", params={"q": "widget"}).json()["items"]
    assert [i["id"] for i in ranked] == ["widget", "widget-foundation", "acme"]  # acme was Acme Widgets
    # within a rank, the most referenced first (widget, with its stewardships and events, before acme)
    assert [i["id"] for i in client.get("/search", params={"q": "ge"}).json()["items"]] == [
        "widget", "widget-foundation", "acme", "gadget"]
    # one letter finds the names that start with it
    assert [i["id"] for i in client.get("/search", params={"q": "g"}).json()["items"]] == ["gadget", "gizmo", "globex"]
    former = client.get("/search", params={"q": "acme widg"}).json()["items"]
    assert [(i["id"], i["name"], i["matched"]) for i in former] == [("acme", "Acme Corp", ["Acme Widgets"])]


def test_errors_share_one_shape(client: TestClient) -> None:
    cases = [
        (client.get("/projects/nothing"), 404, "NotFound"),
        (client.get("/organizations/nothing"), 404, "NotFound"),
        (client.get("/events", params={"type": "sale"}), 400, "ParameterError"),
        (client.get("/events", params={"from": "2021-13"}), 400, "ParameterError"),
        (client.get("/projects", params={"limit": 0}), 400, "ParameterError"),
        (client.get("/search"), 400, "ParameterError"),
        (client.get("/no/such/path"), 404, "NotFound"),
    ]
    for response, status, kind in cases:
        assert response.status_code == status, response.text
        error = response.json()["error"]
        assert error["status"] == status and error["type"] == kind and error["message"]
    assert client.get("/projects", params={"limit": 0}).json()["error"]["parameter"] == "limit"


def test_lists_fetch_one_page_and_one_row_more(settings: Settings) -> None:
    graph = StewardGraph(settings)
    graph.build()
    seen: list[tuple[str, int]] = []
    query = graph.store.query

    def spy(sparql: str, options: QueryOptions) -> QueryResult:
        result = query(sparql, options)
        if isinstance(result, Table):
            seen.append((sparql, len(result.rows)))
        return result

    graph.store.query = spy  # type: ignore[method-assign]
    with TestClient(create_app(graph=graph, warm=False)) as client:  # no figures counted beside
        body = client.get("/projects", params={"limit": 2}).json()
        assert [p["name"] for p in body["items"]] == ["Gadget", "Gizmo"]
        assert body["total"] == 4 and body["next"] is not None
        listed = [(text, rows) for text, rows in seen if "LIMIT 3 OFFSET 0" in text]
        assert listed and all(rows <= 3 for _, rows in listed)
        assert all(rows <= 4 for _, rows in seen)  # nothing asked for every project
        last = client.get("/projects", params={"limit": 2, "offset": 2}).json()
        assert [p["name"] for p in last["items"]] == ["OpenGizmo", "Widget"] and last["next"] is None
    graph.close()


# -- lists: facets, sorting, paging, JSON and CSV (issue 10) -------------------------------------

HTML = {"accept": "text/html"}


def _ids(client: TestClient, path: str, **params: object) -> list[str]:
    return [i["id"] for i in client.get(path, params=params).json()["items"]]


def _facets(body: dict[str, Any]) -> dict[str, list[tuple[str, str, int]]]:
    return {name: [(v["value"], v["label"], v["count"]) for v in values] for name, values in body["facets"].items()}


def _links(html: str, inside: str = "") -> dict[str, str]:
    """The links of a page (or of the first element whose opening tag holds ``inside``), by their text."""
    if inside:
        html = html[html.index(inside):]
        html = html[: html.index("</aside>") if "<aside" in inside else len(html)]
    return {unescape(re.sub(r"<[^>]+>", "", re.sub(r'<span aria-hidden="true">.*?</span>', "", text))).strip(): unescape(href)
            for href, text in re.findall(r'<a[^>]* href="([^"]*)"[^>]*>(.*?)</a>', html)}


def test_project_facets_count_the_fixture(client: TestClient) -> None:
    body = client.get("/projects", params={"facets": "true"}).json()
    assert body["total"] == 4
    assert _facets(body) == {  # Umbrella counts the projects of the foundations under it too
        "foundation": [("umbrella-foundation", "Umbrella Foundation", 3), ("cloud-foundation", "Cloud Foundation", 1),
                       ("widget-foundation", "Widget Foundation", 1)],
        "year": [("2021", "2021", 1), ("2020", "2020", 1), ("2019", "2019", 1)],  # no project has a status
    }
    under_wf = client.get("/projects", params={"facets": "true", "foundation": "WF"}).json()
    assert [p["id"] for p in under_wf["items"]] == ["widget"] and under_wf["total"] == 1
    assert _facets(under_wf) == {"foundation": [("umbrella-foundation", "Umbrella Foundation", 1),
                                                ("widget-foundation", "Widget Foundation", 1)],
                                 "year": [("2020", "2020", 1)]}
    assert _facets(client.get("/projects", params={"facets": "true", "steward": "Acme"}).json()) == {}  # Gizmo: no host


def test_facets_count_what_the_filters_keep(client: TestClient) -> None:
    cases = [("/projects", {}), ("/projects", {"foundation": "UF"}), ("/projects", {"year": 2019}),
             ("/projects", {"steward": "Acme"}), ("/projects", {"foundation": "UF", "year": 2021}),
             ("/events", {}), ("/events", {"type": "donation"}), ("/events", {"year": 2019}),
             ("/events", {"foundation": "WF"}), ("/events", {"from": "2020", "to": "2021-04-30"}),
             ("/organizations", {}), ("/organizations", {"kind": "company"}), ("/organizations", {"hosts": "true"}),
             ("/organizations", {"q": "foundation", "hosts": "false"})]
    for path, params in cases:
        plain = client.get(path, params=params).json()
        faceted = client.get(path, params={**params, "facets": "true"}).json()
        assert faceted["total"] == plain["total"] == len(plain["items"]), (path, params)  # counted twice, two ways
        assert faceted["items"] == plain["items"]
        for name, values in faceted["facets"].items():
            if name in ("type", "kind", "hosts"):  # every item has one value of these
                assert sum(v["count"] for v in values) == plain["total"], (path, params, name)
            assert all(0 < v["count"] <= plain["total"] for v in values), (path, params, name)
            for value in values:  # each value's URL gives as many items as its count
                assert len(client.get(value["url"]).json()["items"]) == value["count"], (path, params, value)


def test_event_facets_count_the_fixture(client: TestClient) -> None:
    body = client.get("/events", params={"facets": "true"}).json()
    facets = _facets(body)
    assert body["total"] == 8
    assert facets["type"][0] == ("donation", "donation", 2) and len(facets["type"]) == 7
    assert [(value, count) for value, _, count in facets["year"]] == [("2021", 3), ("2020", 2), ("2019", 2), ("2015", 1)]
    assert facets["foundation"] == [("widget-foundation", "Widget Foundation", 2), ("cloud-foundation", "Cloud Foundation", 1),
                                    ("umbrella-foundation", "Umbrella Foundation", 1)]
    assert _ids(client, "/events", foundation="WF") == ["widget-donated", "widget-foundation-formed"]
    assert _ids(client, "/events", year=2019) == ["gadget-donated", "acme-renamed"]


def test_organization_facets_count_the_fixture(client: TestClient) -> None:
    facets = _facets(client.get("/organizations", params={"facets": "true"}).json())
    assert facets == {"kind": [("foundation", "foundation", 3), ("company", "company", 2)],
                      "hosts": [("true", "yes", 3), ("false", "no", 2)]}
    facets = _facets(client.get("/organizations", params={"facets": "true", "kind": "company"}).json())
    assert facets == {"kind": [("company", "company", 2)], "hosts": [("false", "no", 2)]}


def test_list_json_keeps_its_shape_without_facets(client: TestClient) -> None:
    for path in ("/projects", "/events", "/organizations"):
        assert set(client.get(path).json()) == {"items", "total", "limit", "offset", "next"}, path
        assert "facets" in client.get(path, params={"facets": "true"}).json()
        assert client.get(path, params={"facets": "true", "format": "csv"}).headers["content-type"].startswith("text/csv")


def test_a_facet_link_filters_and_a_chip_removes_the_filter(client: TestClient) -> None:
    page = client.get("/projects", headers=HTML).text
    facets = _links(page, '<aside class="facets"')
    assert facets == {"Umbrella Foundation": "/projects?foundation=umbrella-foundation",
                      "Cloud Foundation": "/projects?foundation=cloud-foundation",
                      "Widget Foundation": "/projects?foundation=widget-foundation",
                      "2021": "/projects?year=2021", "2020": "/projects?year=2020", "2019": "/projects?year=2019"}
    assert '<span class="count">3</span>' in page
    filtered = client.get(facets["Cloud Foundation"], headers=HTML).text
    assert "1–1 of 1" in filtered and '<a href="/id/project/gadget">Gadget</a>' in filtered
    assert "/id/project/widget" not in filtered
    assert '<strong aria-current="true">Cloud Foundation</strong>' in filtered  # the value in force, not a link
    narrower = _links(filtered, '<aside class="facets"')["2019"]  # a facet link adds to the filters in force
    assert narrower == "/projects?foundation=cloud-foundation&year=2019"
    chip = re.search(r'<a class="chip" href="([^"]*)"[^>]*>foundation: Cloud Foundation<', filtered)
    assert chip is not None and unescape(chip.group(1)) == "/projects"
    assert "4 of 4" in client.get(unescape(chip.group(1)), headers=HTML).text


def test_sort_orders_rows_both_ways(client: TestClient) -> None:
    assert _ids(client, "/projects", sort="name") == ["gadget", "gizmo", "opengizmo", "widget"]
    assert _ids(client, "/projects", sort="-name") == ["widget", "opengizmo", "gizmo", "gadget"]
    assert _ids(client, "/projects", sort="since") == ["gadget", "widget", "opengizmo", "gizmo"]  # unhosted last
    assert _ids(client, "/projects", sort="-since") == ["opengizmo", "widget", "gadget", "gizmo"]
    assert _ids(client, "/projects", sort="-name", foundation="UF", limit=2) == ["widget", "opengizmo"]
    assert _ids(client, "/events", sort="-date")[:3] == ["opengizmo-accepted", "opengizmo-forked", "gizmo-relicensed"]
    assert _ids(client, "/events", sort="date")[:3] == ["widget-created", "gadget-donated", "acme-renamed"]
    assert _ids(client, "/organizations", sort="-projects") == [
        "cloud-foundation", "umbrella-foundation", "widget-foundation", "acme", "globex"]
    assert _ids(client, "/organizations", sort="projects") == [
        "acme", "globex", "cloud-foundation", "umbrella-foundation", "widget-foundation"]
    assert _ids(client, "/organizations", sort="-name") == [
        "widget-foundation", "umbrella-foundation", "globex", "cloud-foundation", "acme"]


def test_column_headers_are_sort_links(client: TestClient) -> None:
    page = client.get("/projects", params={"foundation": "UF", "limit": 2, "offset": 2}, headers=HTML).text
    head = page[page.index("<thead>"):page.index("</thead>")]
    links = _links(head)
    assert links["project"] == "/projects?foundation=UF&limit=2&sort=-name"  # in name order now: the other way
    assert links["hosted since"] == "/projects?foundation=UF&limit=2&sort=-since"
    assert '<th aria-sort="ascending">' in head and "licenses</th>" in head  # not every column sorts
    flipped = client.get(links["project"], headers=HTML).text
    assert '<th aria-sort="descending">' in flipped
    assert _links(flipped[flipped.index("<thead>"):])["project"] == "/projects?foundation=UF&limit=2&sort=name"
    assert flipped.index("/id/project/widget") < flipped.index("/id/project/opengizmo")


def test_a_bad_sort_is_a_400_naming_sort(client: TestClient) -> None:
    for path in ("/projects", "/events", "/organizations"):
        response = client.get(path, params={"sort": "nmae;DROP"})
        assert response.status_code == 400, (path, response.text)
        error = response.json()["error"]
        assert (error["type"], error["parameter"], error["status"]) == ("ParameterError", "sort", 400)
        assert "'nmae;DROP' is not one of: " in error["message"]
        # a browser gets the same error as a page, with the same status
        page = client.get(path, params={"sort": "nmae;DROP"}, headers=HTML)
        assert (page.status_code, page.headers["content-type"].split(";")[0]) == (400, "text/html")
        text = unescape(page.text)
        assert "<title>Bad request" in text and "'nmae;DROP' is not one of: " in text and "<dd>sort</dd>" in text
    bad = client.get("/organizations", params={"kind": "charity"}).json()["error"]
    assert bad["parameter"] == "kind" and "foundation, company, other" in bad["message"]
    assert client.get("/projects", params={"year": "soon"}).json()["error"]["parameter"] == "year"
    backwards = client.get("/events", params={"from": "2021", "to": "2020"}).json()["error"]
    assert backwards["parameter"] == "to" and "before from" in backwards["message"]
    assert client.get("/events", params={"from": "2021-03", "to": "2021"}).status_code == 200  # within the year
    status = client.get("/projects", params={"status": "alive"}).json()["error"]
    assert status["parameter"] == "status" and "'active', 'archived', 'retired' or 'deprecated'" in status["message"]
    assert client.get("/events", params={"foundation": "Nowhere"}).json()["error"]["parameter"] == "foundation"


def test_a_huge_offset_is_a_400_naming_offset(client: TestClient) -> None:
    for path, more in (("/projects", {}), ("/events", {}), ("/organizations", {}), ("/search", {"q": "widget"})):
        error = client.get(path, params={"offset": str(10**20), **more}).json()["error"]
        assert (error["status"], error["parameter"]) == (400, "offset"), path
    assert client.get("/projects", params={"offset": "1000000"}).json()["items"] == []


def test_json_and_csv_links_keep_filters_and_sort(client: TestClient) -> None:
    page = client.get("/projects", params={"foundation": "UF", "sort": "-name"}, headers=HTML).text
    links = _links(page)
    as_json = client.get(links["JSON"]).json()
    assert [p["id"] for p in as_json["items"]] == ["widget", "opengizmo", "gadget"] and as_json["total"] == 3
    as_csv = client.get(links["CSV"])
    assert as_csv.headers["content-type"].startswith("text/csv")
    assert [row.split(",")[0] for row in as_csv.text.strip().splitlines()] == ["project", "Widget", "OpenGizmo", "Gadget"]
    events = _links(client.get("/events", params={"type": "donation", "sort": "-date"}, headers=HTML).text)
    assert [e["id"] for e in client.get(events["JSON"]).json()["items"]] == ["widget-donated", "gadget-donated"]
    organizations = _links(client.get("/organizations", params={"kind": "foundation", "sort": "-name"}, headers=HTML).text)
    assert client.get(organizations["CSV"]).text.strip().splitlines()[1:] == [
        "Widget Foundation,foundation,,1", "Umbrella Foundation,foundation,,1", "Cloud Foundation,foundation,,1"]


def test_organizations_as_json_csv_and_html(client: TestClient) -> None:
    body = client.get("/organizations").json()
    assert body["total"] == 5 and body["next"] is None
    assert body["items"][0] == {"id": "acme", "name": "Acme Corp", "iri": "https://w3id.org/stewardgraph/id/organization/acme",
                                "url": "/organizations/acme", "kind": "company", "homepage": None, "projects": 0}
    assert [(o["id"], o["projects"]) for o in body["items"] if o["kind"] == "foundation"] == [
        ("cloud-foundation", 1), ("umbrella-foundation", 1), ("widget-foundation", 1)]  # hosted directly
    assert _ids(client, "/organizations", q="wf") == ["widget-foundation"]  # an alias
    assert _ids(client, "/organizations", q="  GLOB ") == ["globex"]
    assert _ids(client, "/organizations", kind="company") == ["acme", "globex"]
    assert _ids(client, "/organizations", hosts="false") == ["acme", "globex"]
    assert _ids(client, "/organizations", hosts="true", q="widget") == ["widget-foundation"]
    csv = client.get("/organizations", params={"format": "csv", "hosts": "true"}).text.strip().splitlines()
    assert csv[0] == "organization,kind,homepage,projects hosted now" and len(csv) == 4
    page = client.get("/organizations", params={"q": "acme"}, headers=HTML)
    assert page.headers["content-type"].startswith("text/html")
    assert '<a href="/id/organization/acme">Acme Corp</a>' in page.text and "Globex" not in page.text
    assert '<a href="/organizations">organizations</a>' in page.text  # in the menu
    assert 'value="acme"' in page.text  # the search box keeps the text
    assert "q: acme" in page.text  # and the filter shows as a chip


def test_paging_shows_the_total_and_keeps_filters_and_sort(client: TestClient) -> None:
    first = client.get("/organizations", params={"kind": "foundation", "sort": "-name", "limit": 2}, headers=HTML).text
    assert "1–2 of 3" in first
    following = _links(first)["next"]
    assert "kind=foundation" in following and "sort=-name" in following and "offset=2" in following
    second = client.get(following, headers=HTML).text
    assert "3–3 of 3" in second and '<a href="/id/organization/cloud-foundation">' in second
    back = _links(second)["previous"]
    assert "kind=foundation" in back and "sort=-name" in back and "offset=0" in back
    assert "1–2 of 3" in client.get(back, headers=HTML).text
    # the links are paths, as the facet links are, and JSON and CSV give the whole list, not the page
    moves = _links(second)
    assert all(moves[k].startswith("/organizations?") for k in ("previous", "JSON", "CSV"))
    whole = client.get(moves["CSV"]).text.strip().splitlines()[1:]
    assert [row.split(",")[0] for row in whole] == ["Widget Foundation", "Umbrella Foundation", "Cloud Foundation"]
    assert client.get(moves["JSON"]).json()["total"] == 3 and len(client.get(moves["JSON"]).json()["items"]) == 3
    assert "the whole list as" in second
    paged = client.get("/events", params={"sort": "-date", "limit": 3, "offset": 3}).json()
    assert paged["total"] == 8 and [e["id"] for e in paged["items"]] == ["widget-donated", "widget-foundation-formed", "acme-renamed"]
    assert "sort=-date" in paged["next"] and "offset=6" in paged["next"]


def test_no_dead_ends_past_the_end_or_without_a_query(client: TestClient) -> None:
    past = client.get("/projects", params={"offset": 40, "limit": 2}, headers=HTML).text
    assert "none of 4: past the end" in past
    moves = _links(past)
    assert moves["first page"] == "/projects?limit=2" and "offset=2" in moves["last page"]
    assert "3–4 of 4" in client.get(moves["last page"], headers=HTML).text
    assert "nothing matches" in client.get("/search", params={"q": "zzzz"}, headers=HTML).text
    box = client.get("/search", headers=HTML)  # the error pages' "search" link
    assert box.status_code == 200 and 'name="q"' in box.text
    assert client.get("/search").json()["error"]["parameter"] == "q"  # the API still says what is missing
