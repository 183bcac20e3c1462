"""Small HTML pages for people with browsers. Every value is escaped."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from html import escape

from stewardgraph.vocab import BASE, PREFIXES

_STYLE = """
body { font: 15px/1.5 system-ui, sans-serif; margin: 2rem auto; max-width: 70rem; padding: 0 1rem; color: #222; }
table { border-collapse: collapse; margin: 1rem 0; width: 100%; }
th, td { border-bottom: 1px solid #ddd; padding: .3rem .6rem; text-align: left; vertical-align: top; }
th { background: #f4f4f4; } code, textarea { font-family: ui-monospace, monospace; }
textarea { width: 100%; height: 12rem; } nav a { margin-right: 1rem; } .muted { color: #777; }
"""


def page(title: str, body: str) -> str:
    nav = (
        '<nav><a href="/">StewardGraph</a><a href="/sparql">SPARQL</a><a href="/queries">queries</a>'
        '<a href="/ontology">ontology</a><a href="/docs">API</a></nav>'
    )
    return (
        f"<!doctype html><html lang=en><head><meta charset=utf-8><title>{escape(title)}</title>"
        f"<style>{_STYLE}</style></head><body>{nav}<h1>{escape(title)}</h1>{body}</body></html>"
    )


def local(iri: str) -> str:
    """Our entity IRIs resolve on this server: link to the local path."""
    return iri[len(BASE) - 1 :] if iri.startswith(BASE + "id/") else iri


def compact(iri: str) -> str:
    """A prefixed name for an IRI in one of our known namespaces, else the IRI.

    >>> compact("http://purl.org/dc/terms/description")
    'dcterms:description'
    """
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{iri[len(namespace):]}"
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
