"""The page builders, as functions of their rows (the pages themselves are tested over HTTP and
in a browser)."""

from __future__ import annotations

import re

from stewardgraph.web import pages

CNCF = {"iri": "https://w3id.org/stewardgraph/id/organization/cncf", "name": "CNCF", "id": "cncf"}


def _event(date: str, kind: str) -> dict[str, object]:
    return {"iri": f"https://w3id.org/stewardgraph/id/event/x-{kind}", "type": kind, "date": date,
            "from": None, "to": CNCF}


def test_the_timeline_draws_a_lane_of_maturity_stages() -> None:
    events = [_event("2016", "creation"), _event("2018-08", "incubation"), _event("2020-02-12", "promotion"),
              _event("2023-10", "graduation")]
    drawn = pages.timeline([], events)
    stages = [" ".join(re.sub(r"<[^>]+>", " ", li).split())
              for li in re.findall(r'<li class="period stage">.*?</li>', drawn)]
    assert stages == ["stage: incubation at CNCF 2018-08 – 2020-02-12",
                      "stage: incubation, promoted at CNCF 2020-02-12 – 2023-10",
                      "stage: graduated at CNCF 2023-10 – now"]
    widths = [float(w) for w in re.findall(r'class="period stage">.*?width:([\d.]+)%', drawn)]
    assert widths[0] < widths[1] and all(w > 0 for w in widths)  # 18 months, then 44


def test_a_timeline_without_stage_events_has_no_stage_lane() -> None:
    assert "stage" not in pages.timeline([], [_event("2016", "creation")])


def test_stale_figures_are_shown_while_a_thread_counts_them_again(loaded, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import threading

    first = pages._counts(loaded)
    assert first["Project"] == 4
    monkeypatch.setattr(pages, "FIGURES_TTL", 0.0)
    release, counting = threading.Event(), []

    def held(graph):  # type: ignore[no-untyped-def]
        counting.append(threading.current_thread().name)
        release.wait(10)
        return {**first, "Project": 5}

    monkeypatch.setattr(pages, "_count", held)
    assert pages._counts(loaded) == first  # the visitor gets the figures it had, at once
    assert pages._counts(loaded) == first  # and a second one does not start a second count
    release.set()
    for thread in threading.enumerate():
        if thread.name == "figures":
            thread.join(10)
    assert counting == ["figures"]


def test_a_project_without_stewards_or_events_says_so(loaded, write_yaml) -> None:  # type: ignore[no-untyped-def]
    from fastapi.testclient import TestClient

    from stewardgraph.web import create_app

    loaded.build(write_yaml(orgs="organizations: []\n", facts="projects:\n  - {id: lonely, name: Lonely, sources: [{url: https://example.org/l, kind: primary}]}\n"))
    with TestClient(create_app(graph=loaded, warm=False)) as client:
        page = client.get("/id/project/lonely", headers={"Accept": "text/html"}).text
    assert "No stewardship event of this project is recorded." in page and "<h2>Stewards</h2>" not in page
