"""REST resources: projects, organizations, events, search; pagination and the error shape."""

from __future__ import annotations

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
    with TestClient(create_app(graph=graph)) as client:
        body = client.get("/projects", params={"limit": 2}).json()
        assert [p["name"] for p in body["items"]] == ["Gadget", "Gizmo"]
        assert body["total"] == 4 and body["next"] is not None
        listed = [(text, rows) for text, rows in seen if "LIMIT 3 OFFSET 0" in text]
        assert listed and all(rows <= 3 for _, rows in listed)
        assert all(rows <= 4 for _, rows in seen)  # nothing asked for every project
        last = client.get("/projects", params={"limit": 2, "offset": 2}).json()
        assert [p["name"] for p in last["items"]] == ["OpenGizmo", "Widget"] and last["next"] is None
    graph.close()
