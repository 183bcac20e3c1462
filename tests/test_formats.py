"""Content negotiation and result writers."""

from __future__ import annotations

import pytest

from stewardgraph.errors import NotAcceptable
import pyoxigraph as ox

from stewardgraph.formats import negotiate, write_solutions

OFFER = ["application/sparql-results+json", "text/csv", "text/tab-separated-values"]


@pytest.mark.parametrize(
    ("accept", "chosen"),
    [
        (None, "application/sparql-results+json"),
        ("text/csv", "text/csv"),
        ("text/csv;q=0.2, text/tab-separated-values;q=0.3", "text/tab-separated-values"),
        ("text/*;q=0.5, text/csv;q=0.1", "text/tab-separated-values"),
        ("*/*;q=0.1, text/csv", "text/csv"),
        ("text/csv;q=0.5, */*;q=0", "text/csv"),
    ],
)
def test_negotiate(accept: str | None, chosen: str) -> None:
    assert negotiate(accept, OFFER) == chosen


def test_nothing_acceptable() -> None:
    with pytest.raises(NotAcceptable):
        negotiate("image/png", OFFER)
    with pytest.raises(NotAcceptable):
        negotiate("text/csv;q=0", ["text/csv"])


def test_writers_escape_and_type_terms() -> None:
    variables = ["x", "y"]
    rows = [[ox.NamedNode("http://e/a"), ox.Literal('say "hi"\tnow', language="en")],
            [ox.Literal("3", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")), None]]
    assert write_solutions(variables, rows, "text/tab-separated-values").decode().splitlines() == [
        "?x\t?y", '<http://e/a>\t"say \\"hi\\"\\tnow"@en', '"3"^^<http://www.w3.org/2001/XMLSchema#integer>\t'
    ]
    xml = write_solutions(variables, rows, "application/sparql-results+xml").decode()
    assert '<literal xml:lang="en">say "hi"\tnow</literal>' in xml
    assert "<literal datatype=\"http://www.w3.org/2001/XMLSchema#integer\">3</literal>" in xml
    assert write_solutions(variables, rows, "text/csv").decode() == 'x,y\r\nhttp://e/a,"say ""hi""\tnow"\r\n3,\r\n'
