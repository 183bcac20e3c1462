"""Small HTML pages for people with browsers. Every value is escaped."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
import html
import re

from stewardgraph.namespaces import compact as compact
from stewardgraph.vocab import BASE

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def escape(text: str, quote: bool = True) -> str:
    r"""Text for HTML: markup escaped, and control characters (which HTML does not allow) dropped.

    >>> escape('<a href="x">\x00</a>')
    '&lt;a href=&quot;x&quot;&gt;&lt;/a&gt;'
    """
    return html.escape(_CONTROL.sub("", text), quote)


def page(title: str, body: str, *, assets: Sequence[str] = ()) -> str:
    """A whole page: the menu, the title, the body, and the service's own style and script.
    ``assets`` are the paths of more style sheets (``.css``) and scripts that this page needs,
    loaded after the common ones, in their order (scripts are deferred)."""
    nav = (
        '<nav aria-label="Main"><a href="/">StewardGraph</a><a href="/projects">projects</a>'
        '<a href="/events">events</a><a href="/organizations">organizations</a><a href="/queries">queries</a><a href="/sparql">SPARQL</a>'
        '<a href="/ontology">ontology</a><a href="/docs">API</a></nav>'
    )
    styles = "".join(f'<link rel="stylesheet" href="{escape(a)}">' for a in assets if a.endswith(".css"))
    scripts = "".join(f'<script src="{escape(a)}" defer></script>' for a in assets if not a.endswith(".css"))
    return (
        f"<!doctype html><html lang=en><head><meta charset=utf-8>"
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<title>{escape(title)}</title><link rel="stylesheet" href="/static/site.css">'
        f'{styles}<link rel="icon" href="/static/vendor/favicon-32x32.png"></head>'
        f"<body>{nav}<main><h1>{escape(title)}</h1>{body}</main>"
        f'<script src="/static/app.js" defer></script>{scripts}</body></html>'
    )


def local(iri: str) -> str:
    """Our entity IRIs and terms resolve on this server: link to the local path.

    >>> local("https://w3id.org/stewardgraph/id/project/x"), local("https://w3id.org/stewardgraph/ns#Project")
    ('/id/project/x', '/ontology#Project')
    """
    if iri.startswith(BASE + "id/"):
        return iri[len(BASE) - 1 :]
    if iri.startswith(BASE + "ns#"):
        return "/ontology#" + iri[len(BASE) + 3 :]
    return iri


def clip(text: str, limit: int = 2_000) -> str:
    """Text cut to ``limit`` characters for a page, saying how much was left out.

    >>> clip("abcdef", 3)
    'abc… (3 more characters)'
    """
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… ({len(text) - limit:,} more characters)"


def link(iri: str, text: str | None = None) -> str:
    return f'<a href="{escape(local(iri))}">{escape(text or iri)}</a>'


def table(headers: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """A table of cells that are already HTML (escape text with ``escape`` first)."""
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


__all__ = ["clip", "compact", "escape", "link", "local", "page", "table"]


def when(date: object) -> str:
    """A date after a verb, with the preposition its precision takes.

    >>> when("2009"), when("2009-05"), when("2009-05-01")
    ('in 2009', 'in 2009-05', 'on 2009-05-01')
    """
    text = str(date)
    return f"{'on' if len(text) == 10 else 'in'} {escape(text)}"


def plural(count: int, noun: str) -> str:
    """A count with its noun.

    >>> plural(1, "row"), plural(1200, "row")
    ('1 row', '1,200 rows')
    """
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def spoken(code: object) -> str:
    """A code of our vocabularies (a role, an event type, a tier) or a column name as a reader
    says it.

    >>> spoken("host-foundation"), spoken("end-user"), spoken("event_type")
    ('host foundation', 'end user', 'event type')
    """
    return str(code).replace("-", " ").replace("_", " ")
