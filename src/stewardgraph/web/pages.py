"""Pages for people: the HTML face of the lists, the named queries, search and the home page.

Browsers (``Accept: text/html`` first) get these; API clients keep the JSON of the same URLs.
Every value is escaped; every date shows with its own precision, as the graph records it.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode, urlsplit

from fastapi import Request
from fastapi.responses import HTMLResponse, Response

from stewardgraph import formats
from stewardgraph.errors import NotAcceptable
from stewardgraph.namespaces import ID
from stewardgraph.queries import NamedQuery
from stewardgraph.service import StewardGraph
from stewardgraph.web.html import escape, link, page, plural, spoken, table

Column = tuple[str, Callable[[dict[str, Any]], str]]
EXPORT_LIMIT = 5000  # the most items a list gives at once (?limit=), and what its JSON and CSV links ask for


def wants_html(request: Request) -> bool:
    """Whether the client prefers HTML to JSON: browsers do, API clients and ``*/*`` do not."""
    accept = request.headers.get("accept")
    if not accept:
        return False
    try:
        return formats.negotiate(accept, ["application/json", "text/html"]) == "text/html"
    except NotAcceptable:
        return False


def exported(request: Request, fmt: str) -> str:
    """This list, with its filters and order, from the start and as long as a list may be, in
    ``fmt`` (json or csv): what a reader downloads, not the page that shows."""
    return _here(request.url.remove_query_params(["offset", "limit"]).include_query_params(format=fmt, limit=EXPORT_LIMIT))


def entity(item: dict[str, Any] | None, kind: str | None = None) -> str:
    """A link to an entity's page, labelled with its name."""
    if not item:
        return ""
    kind = kind or item.get("kind") or "project"
    return link(f"/id/{kind}/{item['id']}", str(item.get("name") or item["id"]))


def list_page(request: Request, title: str, found: dict[str, Any], columns: Sequence[Column],
              intro: str = "", listing: Listing | None = None) -> HTMLResponse:
    """One page of a list, with its place in the whole, the next and previous pages, and the
    same list as JSON and CSV; with a ``listing``, its facets, the filters in force (each
    removable) and column headers that sort."""
    listing = listing or Listing()
    items, total, limit, offset = found["items"], found["total"], found["limit"], found["offset"]
    shown = (f"{offset + 1:,}–{offset + len(items):,} of {total:,}" if items
             else f"none of {total:,}: past the end" if total else "nothing matches")
    moves = []
    if not items and total:  # past the end: back to where there are rows
        last = (total - 1) // limit * limit
        moves.append(f'<a href="{escape(_here(request.url.remove_query_params(["offset"])))}">first page</a>')
        moves.append(f'<a href="{escape(_here(request.url.include_query_params(offset=last)))}">last page</a>')
    elif offset > 0:
        moves.append(f'<a rel="prev" href="{escape(_here(request.url.include_query_params(offset=max(0, offset - limit))))}">previous</a>')
    if found.get("next"):
        moves.append(f'<a rel="next" href="{escape(_here(request.url.include_query_params(offset=offset + limit)))}">next</a>')
    headers, rows = [h for h, _ in columns], [[cell(item) for _, cell in columns] for item in items]
    whole = "the whole list" if total <= EXPORT_LIMIT else f"the first {EXPORT_LIMIT:,}"
    rows_html = [
        f'<p class="muted">{shown} · {whole} as <a href="{escape(exported(request, "json"))}">JSON</a> · '
        f'<a href="{escape(exported(request, "csv"))}">CSV</a></p>',
        sortable_table(request, headers, rows, listing.sorts, listing.sort) if listing.sorts else table(headers, rows),
        f'<nav class="pages" aria-label="Pages">{" ".join(moves)}</nav>' if moves else "",
    ]
    panel = facet_panel(request, listing.facets, listing.applied)
    body = [
        intro,
        filter_chips(request, listing.applied),
        f'<p class="muted">{escape(listing.note)}</p>' if listing.note else "",
        f'<div class="listing">{panel}<div class="rows">{"".join(rows_html)}</div></div>' if panel else "".join(rows_html),
    ]
    return HTMLResponse(page(title, "".join(body)))


def items_csv(items: list[dict[str, Any]], columns: Sequence[tuple[str, Callable[[dict[str, Any]], Any]]]) -> Response:
    rows = [{name: value(item) for name, value in columns} for item in items]
    return Response(formats.table_csv([name for name, _ in columns], rows), media_type="text/csv")


def search_box(value: str = "", autofocus: bool = False) -> str:
    return (
        '<form class="search" action="/search" method="get" role="search">'
        '<label for="q">Find a project or an organization</label>'
        f'<input id="q" name="q" type="search" value="{escape(value)}" data-suggest="go" autocomplete="off"'
        f' placeholder="PyTorch, Kubernetes, Linux Foundation…" required{" autofocus" if autofocus else ""}>'
        '<button type="submit">Search</button></form>'
    )


# -- home ----------------------------------------------------------------------------------------

FEATURED = [
    ("PyTorch moves to its own foundation (2022)", "/id/project/pytorch"),
    ("Elasticsearch relicensed, OpenSearch forked", "/id/project/opensearch"),
    ("Terraform relicensed, OpenTofu forked", "/id/project/opentofu"),
    ("Redis relicensed, Valkey forked", "/id/project/valkey"),
    ("The Linux Foundation and its foundations", "/id/organization/linux-foundation"),
]


_FIGURES: dict[int, tuple[float, dict[str, int]]] = {}
FIGURES_TTL = 300.0  # seconds: counting every class reads the whole graph
_RECOUNTING = threading.Lock()


def _counts(graph: StewardGraph) -> dict[str, int]:
    """Instances per class, counted at most once every few minutes per open graph. Once counted,
    a visitor never waits for a count: stale figures are shown while a thread counts again."""
    cached = _FIGURES.get(id(graph))
    if cached is None:
        return _count(graph)
    if time.monotonic() - cached[0] > FIGURES_TTL and _RECOUNTING.acquire(blocking=False):
        def recount() -> None:
            try:
                _count(graph)
            except Exception:  # noqa: BLE001  best effort: the figures stay as they were
                pass
            finally:
                _RECOUNTING.release()

        threading.Thread(target=recount, name="figures", daemon=True).start()
    return cached[1]


def _count(graph: StewardGraph) -> dict[str, int]:
    counts = {str(r["class"]).rsplit("#", 1)[-1]: int(str(r["instances"])) for r in graph.run("class-stats").rows}
    _FIGURES[id(graph)] = (time.monotonic(), counts)
    return counts


def warm(graph: StewardGraph) -> None:
    """Start a worker and count the figures before the first visitor asks for the home page."""
    try:
        _counts(graph)
    except Exception:  # noqa: BLE001  best effort: the first page counts them if this could not
        pass


def home(graph: StewardGraph) -> str:
    counts = _counts(graph)
    sources = counts.get("Source", 0)
    figures = (
        f'<ul class="figures"><li><b>{counts.get("Project", 0):,}</b> projects</li>'
        f'<li><b>{counts.get("Foundation", 0):,}</b> foundations</li>'
        f'<li><b>{counts.get("Organization", 0):,}</b> organizations</li>'
        f'<li><b>{counts.get("StewardshipEvent", 0):,}</b> events</li>'
        f'<li><b>{sources:,}</b> sources</li></ul>'
    )
    from stewardgraph import entities  # the read models

    recent = entities.events(graph, sort="-date", limit=12, count=False).items
    body = [
        "<p>Who owns, hosts, funds and governs open-source projects, and how that changed over time. "
        "Every fact cites its sources.</p>",
        search_box(autofocus=True),
        figures,
        "<h2>Stories</h2><ul>",
        *(f'<li><a href="{escape(url)}">{escape(text)}</a></li>' for text, url in FEATURED),
        "</ul>",
        '<h2>Recent events</h2><p class="muted"><a href="/events?sort=-date">all events, newest first</a></p>',
        table(["date", "event", "project or organization", "from", "to"], [
            [escape(str(e["date"])), link(str(e["iri"]), spoken(e["type"])),
             entity(e["project"], "project") or entity(e["organization"], "organization"),
             entity(e["from"], "organization"), entity(e["to"], "organization")] for e in recent]),
    ]
    return page("StewardGraph", "".join(body))


# -- named queries -------------------------------------------------------------------------------


def catalogue(queries: Sequence[NamedQuery]) -> str:
    rows = [[link(f"/queries/{q.name}", q.title), escape(q.description or ""),
             escape(", ".join(p.name for p in q.params))] for q in queries if not q.internal]
    return page("Named queries", "<p>Questions the graph answers by name, each with typed parameters.</p>"
                + table(["query", "what it answers", "parameters"], rows))


_INPUT = {"date": "text", "boolean": "checkbox"}
HTML_ROWS = 500  # rows of a query result a page shows
_SUGGEST = {"project": "project", "organization": "organization", "foundation": "organization"}


def query_page(request: Request, named: NamedQuery, values: dict[str, str], result: Any | None,
               error: str | None, sparql: str | None = None, labels: dict[str, str] | None = None) -> str:
    """A named query as a form with typed inputs, and its result as a table (our entities named
    by ``labels``; at most HTML_ROWS rows), with links to the same result as JSON and CSV, and to
    its SPARQL (parameters bound) in the editor."""
    fields = []
    for p in named.params:
        value = values.get(p.name, "")
        kind = _INPUT.get(p.type, "text")
        extra = ' pattern="\\d{4}(-\\d{2}(-\\d{2})?)?" placeholder="YYYY, YYYY-MM or YYYY-MM-DD"' if p.type == "date" else ""
        if p.type in _SUGGEST:
            extra = f' data-suggest="fill" data-kind="{_SUGGEST[p.type]}" autocomplete="off"'
        if kind == "checkbox":  # a choice, so that the URL says it once
            yes = (value or str(p.default)).lower() in ("true", "1", "yes")
            options = "".join(f'<option value="{v}"{" selected" if (v == "true") == yes else ""}>{w}</option>'
                              for v, w in (("true", "yes"), ("false", "no")))
            control = f'<select id="p-{escape(p.name)}" name="{escape(p.name)}">{options}</select>'
        else:
            required = " required" if p.required else ""
            control = (f'<input id="p-{escape(p.name)}" name="{escape(p.name)}" type="text" value="{escape(value)}"'
                       f'{extra}{required}>')
        fields.append(f'<div class="field"><label for="p-{escape(p.name)}">{escape(spoken(p.name))}</label>{control}'
                      f'<small>{escape(p.description or "")}</small></div>')
    body = [f"<p>{escape(named.description or '')}</p>",
            f'<form class="query" method="get" action="/queries/{escape(named.name)}">{"".join(fields)}'
            '<button type="submit" name="run" value="1">Run</button></form>']
    if error:
        body.append(f'<p class="error" role="alert">{escape(error)}</p>')
    if result is not None:
        query = urlencode(values)
        body.append(
            f'<p class="muted">{plural(len(result.rows), "row")}{" (cut at the row cap)" if result.truncated else ""} · '
            f'<a href="/queries/{escape(named.name)}.json?{escape(query)}">JSON</a> · '
            f'<a href="/queries/{escape(named.name)}.csv?{escape(query)}">CSV</a>'
            + (f' · <a href="/sparql?{escape(urlencode({"query": sparql}))}">SPARQL</a>' if sparql else "") + "</p>")
        if len(result.rows) > HTML_ROWS:
            body.append(f'<p class="muted">This page shows {HTML_ROWS:,} of the {len(result.rows):,} rows; '
                        "JSON and CSV give them all.</p>")
        names = labels or {}
        body.append(table([spoken(c) for c in result.columns],
                          [[_cell(row.get(c), names) for c in result.columns] for row in result.rows[:HTML_ROWS]]))
    return page(named.title, "".join(body))


def names(graph: StewardGraph, iris: Iterable[str], cap: int = HTML_ROWS) -> dict[str, str]:
    """The labels of the entities of ours among ``iris`` (the first ``cap``), in words for a
    stewardship or membership: to name the links of a result."""
    ours = sorted({i for i in iris if i.startswith(ID)})[:cap]
    return {str(r["term"]): str(r["label"]) for r in graph.run("page-labels", {"terms": ours}).rows} if ours else {}


def _cell(value: Any, labels: dict[str, str]) -> str:
    """A value of a result: our entities linked by name, web addresses by their site (the whole
    address as the tooltip), several of them apart."""
    text = "" if value is None else str(value)
    if text.startswith("https://w3id.org/stewardgraph/id/"):
        return link(text, labels.get(text) or text.rsplit("/", 1)[-1])
    if text.startswith(("https://", "http://")):
        return " · ".join(f'<a href="{escape(u)}" title="{escape(u)}">{escape(urlsplit(u).netloc or u)}</a>'
                          for u in text.split())
    return escape(text)


# -- a project's chain of custody ----------------------------------------------------------------


BY = {"creation": "by", "fork": "by", "acquisition": "by"}  # the word before an event's "to", else "to"


def _to(event: dict[str, Any]) -> str:
    """Who an event went to: "to X", or "by X" for the events that X made."""
    if not event.get("to"):
        return ""
    return f' {BY.get(str(event["type"]), "to")} {entity(event["to"], "organization")}'


def timeline(periods: list[dict[str, Any]], events: list[dict[str, Any]]) -> str:
    """The stewardship periods as bars on a shared time axis, with the dated events below.
    A period's start and end show at the precision the graph records them."""
    if not periods and not events:
        return ""
    today = dt.date.today()

    year = _year
    starts = [year(p["since"]) for p in periods] + [year(e["date"]) for e in events]
    first = float(int(min(starts)))  # the axis starts at a whole year
    last = max([today.year + (today.timetuple().tm_yday / 366)] + starts)
    span = max(last - first, 1.0)
    rows = []
    for p in periods:
        left = (year(p["since"]) - first) / span * 100
        right = (year(p["until"]) - first) / span * 100 if p["until"] else 100.0
        width = max(right - left, 0.8)
        until = escape(str(p["until"])) if p["until"] else "now"
        rows.append(
            f'<li class="period role-{escape(str(p["role"]))}"><span class="who">{entity(p["steward"], "organization")}'
            f'{" <small>(" + escape(str(p["steward_now"])) + " today)</small>" if p.get("steward_now") else ""}'
            f' <small>{escape(spoken(p["role"]))}</small></span><span class="track"><span class="bar" '
            f'style="margin-left:{left:.2f}%;width:{width:.2f}%" title="{escape(str(p["since"]))} to {until}"></span></span>'
            f'<span class="when"><time>{escape(str(p["since"]))}</time> – '
            f'{f"<time>{until}</time>" if p["until"] else until}</span></li>')
    rows.extend(_stage_rows(events, first, span))
    steps = "".join(
        f'<li><time>{escape(str(e["date"]))}</time> {link(str(e["iri"]), spoken(e["type"]))}'
        f'{" from " + entity(e["from"], "organization") if e.get("from") else ""}'
        f'{_to(e)}</li>' for e in events)
    # Year ticks placed like the bars, in percent of the track; at a round step, six at most, to fit a phone.
    step = next(s for s in (1, 2, 5, 10, 20, 25, 50, 100, 1000) if (last - first) / s <= 6)
    ticks = "".join(f'<span style="left:{(y - first) / span * 100:.2f}%">{y}</span>'
                    for y in range(int(first), int(last) + 1) if y % step == 0)
    axis = f'<div class="axis" aria-hidden="true"><span class="scale">{ticks}</span></div>'
    return (f'<section class="timeline" aria-label="Chain of custody"><ol class="periods">{"".join(rows)}</ol>{axis}'
            f'<ol class="steps">{steps}</ol></section>')


# The maturity stage each event type starts, on the timeline's stage lane.
STAGES = {"incubation": "incubation", "promotion": "incubation, promoted", "graduation": "graduated",
          "retirement": "retired", "archival": "archived"}


def _stage_rows(events: list[dict[str, Any]], first: float, span: float) -> list[str]:
    """The project's maturity stages as bars: each from the event that starts it to the next."""
    marks = [(str(e["date"]), STAGES[str(e["type"])], e.get("to")) for e in events if str(e["type"]) in STAGES]
    rows = []
    for i, (since, stage, where) in enumerate(marks):
        until = marks[i + 1][0] if i + 1 < len(marks) else None
        left = (_year(since) - first) / span * 100
        right = (_year(until) - first) / span * 100 if until else 100.0
        at = f" at {entity(where, 'organization')}" if where else ""
        rows.append(
            f'<li class="period stage"><span class="who">stage: {escape(stage)}{at}</span><span class="track">'
            f'<span class="bar" style="margin-left:{left:.2f}%;width:{max(right - left, 0.8):.2f}%"></span></span>'
            f'<span class="when"><time>{escape(since)}</time> – {f"<time>{escape(until)}</time>" if until else "now"}</span></li>')
    return rows


def _year(text: Any) -> float:
    """A date at any precision as a fractional year, for placing it on an axis."""
    parts = [int(p) for p in str(text).split("-")]
    return parts[0] + ((parts[1] - 1) / 12 if len(parts) > 1 else 0) + ((parts[2] - 1) / 365 if len(parts) > 2 else 0)


# -- a foundation's projects over the years ------------------------------------------------------


def hosted_by_year(periods: list[dict[str, Any]]) -> str:
    """How many projects an organization hosted (or fiscally sponsored) in each year, as bars:
    a project counts in every year its period touches."""
    years: dict[int, int] = {}
    this_year = dt.date.today().year
    for p in periods:
        if p["role"] not in ("host-foundation", "fiscal-sponsor"):
            continue
        first = int(str(p["since"])[:4])
        last = int(str(p["until"])[:4]) if p["until"] else this_year
        for year in range(first, last + 1):
            years[year] = years.get(year, 0) + 1
    if not years:
        return ""
    top = max(years.values())
    bars = "".join(
        f'<li><span class="year">{year}</span><span class="count-bar" style="width:{100 * years.get(year, 0) / top:.1f}%"></span>'
        f'<span class="count">{years.get(year, 0):,}</span></li>'
        for year in range(min(years), max(years) + 1))
    return f'<ol class="by-year" aria-label="Projects hosted, by year">{bars}</ol>'


# -- lists: facets, filters in force, orders -----------------------------------------------------


@dataclass(frozen=True)
class Facet:
    """One facet of a list: the filter (query parameter) its values set, a heading, and its
    values, each a dict of value (what the filter takes), label and count."""

    parameter: str
    title: str
    values: list[dict[str, Any]]


@dataclass(frozen=True)
class Listing:
    """What a list page shows around its rows: the facets, the filters in force (parameter and
    value as shown), the order each sortable column asks for first, and the order in force."""

    facets: Sequence[Facet] = ()
    applied: Sequence[tuple[str, str]] = ()
    sorts: dict[str, str] = field(default_factory=dict)
    sort: str = ""
    note: str = ""


def with_filter(request: Request, parameter: str, value: str) -> str:
    """This list with one more filter (or another value for it), from its first page."""
    return _here(_filtered(request, parameter, value))


def _filtered(request: Request, parameter: str, value: str) -> Any:
    return request.url.remove_query_params(["offset", parameter]).include_query_params(**{parameter: value})


def without_filter(request: Request, parameter: str) -> str:
    """This list without one of its filters, from its first page."""
    return _here(request.url.remove_query_params([parameter, "offset"]))


def sorted_by(request: Request, order: str) -> str:
    """This list in another order, from its first page."""
    return _here(request.url.remove_query_params(["offset", "sort"]).include_query_params(sort=order))


def _here(url: Any) -> str:
    """A URL of this server as a path and query, which a link follows wherever the server is."""
    return f"{url.path}?{url.query}" if url.query else str(url.path)


def filter_chips(request: Request, applied: Sequence[tuple[str, str]]) -> str:
    """The filters in force, each a link that drops it."""
    if not applied:
        return ""
    chips = "".join(
        f'<li><a class="chip" href="{escape(without_filter(request, parameter))}" title="Remove this filter">'
        f'{escape(parameter)}: {escape(value)}<span aria-hidden="true"> ×</span>'
        f'<span class="hidden-text"> (remove)</span></a></li>'
        for parameter, value in applied)
    return f'<ul class="chips" aria-label="Filters in force">{chips}</ul>'


def facet_panel(request: Request, facets: Sequence[Facet], applied: Sequence[tuple[str, str]] = ()) -> str:
    """Each facet with its values and counts; a value is a link to the list with its filter (in
    place of another value of the same filter), except the value in force, which shows as chosen."""
    shown = dict(applied)
    sections = []
    for facet in facets:
        items = []
        for v in facet.values:
            label, count = escape(str(v["label"])), f'<span class="count">{int(v["count"]):,}</span>'
            if str(v["value"]) == request.query_params.get(facet.parameter) or str(v["label"]) == shown.get(facet.parameter):
                items.append(f'<li class="chosen"><strong aria-current="true">{label}</strong> {count}</li>')
            else:
                items.append(f'<li><a href="{escape(with_filter(request, facet.parameter, str(v["value"])))}">'
                             f'{label}</a> {count}</li>')
        # open; on a phone, app.js folds the facets not in force, so that the rows come into view
        sections.append(f'<details class="facet" data-facet="{escape(facet.parameter)}" open>'
                        f'<summary><h2>{escape(facet.title)}</h2></summary><ul>{"".join(items)}</ul></details>')
    return f'<aside class="facets" aria-label="Facets">{"".join(sections)}</aside>' if sections else ""


def sortable_table(request: Request, headers: Sequence[str], rows: Sequence[Sequence[str]],
                   sorts: dict[str, str], sort: str) -> str:
    """A table (of cells already HTML) whose sortable column headers are links: to the order the
    column asks for first or, when the list is in that column's order already, the other way."""
    head = "".join(_sort_header(request, header, sorts.get(header), sort) for header in headers)
    body = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _sort_header(request: Request, header: str, first: str | None, sort: str) -> str:
    if first is None:
        return f"<th>{escape(header)}</th>"
    key = first.lstrip("-")
    if sort not in (key, "-" + key):
        return f'<th><a href="{escape(sorted_by(request, first))}">{escape(header)}</a></th>'
    ascending = sort == key
    state, arrow, other = ("ascending", "▲", "-" + key) if ascending else ("descending", "▼", key)
    return (f'<th aria-sort="{state}"><a href="{escape(sorted_by(request, other))}">{escape(header)}'
            f'<span aria-hidden="true">&nbsp;{arrow}</span></a></th>')


def facets_json(request: Request, facets: Sequence[Facet]) -> dict[str, list[dict[str, Any]]]:
    """The facets for API clients: each value with its count and the URL of the list it filters."""
    return {f.parameter: [{**v, "url": str(_filtered(request, f.parameter, str(v["value"])))} for v in f.values]
            for f in facets}


def outside_link(url: Any) -> str:
    """A link to a web page elsewhere (a homepage), labelled with its address; an address that is
    not http(s) shows as text, and nothing shows without one."""
    if not url:
        return ""
    text = str(url)
    return link(text, text) if text.startswith(("https://", "http://")) else escape(text)


def organization_search(request: Request) -> str:
    """The form that filters the list of organizations by text in a name or alias, keeping the
    other filters and the order."""
    kept = "".join(f'<input type="hidden" name="{escape(name)}" value="{escape(value)}">'
                   for name, value in request.query_params.multi_items() if name in ("kind", "hosts", "sort", "limit"))
    value = request.query_params.get("q", "")
    return ('<form class="search" action="/organizations" method="get" role="search">'
            '<label for="organization-q">Organizations whose name or alias holds</label>'
            f'<input id="organization-q" name="q" type="search" value="{escape(value)}" autocomplete="off"'
            f' placeholder="Linux, Apache, Google…">{kept}<button type="submit">Find</button></form>')
