"""The SPARQL guard: what it refuses, in every spelling, and that it reads real SPARQL 1.1."""

from __future__ import annotations

import time
from pathlib import Path

import pyoxigraph as ox
import pytest

from stewardgraph.errors import QueryRefused, QuerySyntaxError, TooLarge
from stewardgraph.guard import Guard, bind, capped, check, counted, paginate
from stewardgraph.vocab import PREFIXES

GUARD = Guard()
URL = "http://127.0.0.1:7474/db/neo4j/tx/commit"

# Every way of asking the engine to fetch that the tests know of.
FETCHING = [
    f"SELECT * WHERE {{ SERVICE <{URL}> {{ ?s ?p ?o }} }}",
    f"select * where {{ service <{URL}> {{ ?s ?p ?o }} }}",
    f"SELECT * WHERE {{ SeRvIcE SILENT <{URL}> {{ ?s ?p ?o }} }}",
    f"SELECT * WHERE {{ SERVICE#comment\n<{URL}> {{ ?s ?p ?o }} }}",
    f"PREFIX x: <http://127.0.0.1:7474/> SELECT * WHERE {{ SERVICE x:db {{ ?s ?p ?o }} }}",
    "SELECT * WHERE { BIND(<http://127.0.0.1:1/> AS ?e) SERVICE ?e { ?s ?p ?o } }",
    f"SELECT * WHERE {{ ?a ?b ?c OPTIONAL {{ {{ SELECT * WHERE {{ SERVICE <{URL}> {{ ?s ?p ?o }} }} }} }} }}",
    f"ASK {{ FILTER EXISTS {{ SERVICE <{URL}> {{ ?s ?p ?o }} }} }}",
    f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ {{ ?s ?p ?o }} UNION {{ SERVICE <{URL}> {{ ?s ?p ?o }} }} }}",
    f"DESCRIBE ?s WHERE {{ MINUS {{ SERVICE <{URL}> {{ ?s ?p ?o }} }} }}",
    "SELECT * WHERE " + "{ " * 7 + f"SERVICE <{URL}> {{ ?s ?p ?o }}" + " }" * 7,
]
FETCHING_UPDATES = [
    f"LOAD <{URL}>",
    f"load silent <{URL}> into graph <http://example.org/g>",
    f"INSERT {{ ?s ?p ?o }} WHERE {{ SERVICE <{URL}> {{ ?s ?p ?o }} }}",
    f"INSERT DATA {{ <http://a> <http://b> <http://c> }} ; LOAD <{URL}>",
]

# A corpus of valid SPARQL 1.1 (the guard must read everything Oxigraph runs).
VALID = [
    "SELECT * WHERE { ?s ?p ?o }",
    "SELECT ?s (COUNT(DISTINCT ?o) AS ?n) WHERE { ?s a/rdfs:subClassOf* ?c ; ^sg:project|!(sg:x|^sg:y) ?o . }"
    " GROUP BY ?s HAVING (COUNT(?o) > 1) ORDER BY DESC(?n) ?s LIMIT 10 OFFSET 2",
    "SELECT * WHERE { ?s ?p ?o } VALUES ?s { <http://a> UNDEF }",
    "SELECT * WHERE { VALUES (?a ?b) { (1 2) (UNDEF 'x') } }",
    "SELECT * WHERE { ?s ?p \"x\"@en-GB, 'y'^^xsd:string, 1.5e3, -2, .5, true ; sg:q [ sg:r (1 2 3) ] }",
    "SELECT * WHERE { BIND(IF(BOUND(?x), STRUUID(), CONCAT('a', \"b\")) AS ?y) MINUS { ?y ?p ?o }"
    " OPTIONAL { { SELECT ?z WHERE { ?z ?p ?o } LIMIT 1 } } }",
    "SELECT * WHERE { ?s sg:p ?o FILTER NOT EXISTS { ?o ?p ?s } FILTER(?o IN (1, 2)) FILTER(?o NOT IN (3))"
    " FILTER REGEX(STR(?o), '^a', 'i') }",
    "DESCRIBE <http://example.org/x>",
    "DESCRIBE ?s WHERE { ?s a sg:Project }",
    "CONSTRUCT WHERE { ?s ?p ?o }",
    "CONSTRUCT { ?s rdfs:label ?l } WHERE { ?s rdfs:label ?l }",
    "ASK { GRAPH ?g { ?s ?p ?o } }",
    "ASK {}",
    "SELECT (GROUP_CONCAT(?x; SEPARATOR=', ') AS ?l) (SAMPLE(?y) AS ?z) (AVG(?y) AS ?a) (MIN(?y) AS ?mi)"
    " (MAX(?y) AS ?ma) (SUM(?y) AS ?su) WHERE { ?x ?p ?y }",
    "SELECT * WHERE { ?s <http://p> ?o . FILTER(xsd:date(?o) > \"2020-01-01\"^^xsd:date) }",
    "SELECT * WHERE { ?s ?p ?o FILTER(LANGMATCHES(LANG(?o), '*') && STRLEN(?o) < 3 && ABS(-1) = 1"
    " && YEAR(NOW()) > 2000 && ENCODE_FOR_URI('a') != '' && SHA256('x') != '' && ?o >= 1 && ?o <= 2"
    " && !BOUND(?x) && -?o + 1 * 2 / 3 = 0 && isIRI(?s) && isBlank(?o) && isLiteral(?o) && isNumeric(?o)"
    " && sameTerm(?s, ?o) && STRSTARTS(?o, 'a') && CONTAINS(?o, 'b') && COALESCE(?x, 1) = 1) }",
    "SELECT ?s WHERE { ?s ?p ?o } ORDER BY ASC(STR(?o)) DESC(?s)",
    "SELECT REDUCED ?s WHERE { ?s ?p ?o . ?o ?q ?r }",
    "PREFIX ex: <http://example.org/> BASE <http://example.org/> SELECT * WHERE { <a> ex:b ?c }",
    "PREFIX : <http://example.org/> SELECT * WHERE { :a :b :c }",
    "PREFIX SERVICE: <http://example.org/> SELECT * WHERE { ?s SERVICE:x \"SERVICE <http://x>\" } # SERVICE <http://y>",
    "SELECT * WHERE { ?s ?p ?o . FILTER(SUBSTR(?o, 1, 2) = REPLACE('ab', 'a', 'b')) }",
    "SELECT * WHERE { ?s ?p ?o } LIMIT 5",
    "SELECT * WHERE { ?s sg:p{0}?o }".replace("{0}", " "),
    "SELECT * WHERE { ?s ?p ?o OPTIONAL { ?o ?q ?r FILTER(?r != ?s) } }",
    "SELECT * WHERE { { ?s ?p ?o } UNION { ?o ?p ?s } UNION { ?s ?o ?p } }",
    "SELECT * WHERE { ?s ?p \"\"\"long\nstring\"\"\" }",
    "SELECT * WHERE { ?s ?p '''it''s''' }",
]


@pytest.mark.parametrize("query", FETCHING)
def test_every_spelling_of_service_is_refused(query: str) -> None:
    with pytest.raises(QueryRefused, match="would make the server fetch a URL"):
        check(query, GUARD)


@pytest.mark.parametrize("update", FETCHING_UPDATES)
def test_updates_that_fetch_are_refused(update: str) -> None:
    with pytest.raises(QueryRefused, match="would make the server fetch a URL"):
        check(update, GUARD, kind="update")


def test_an_allowed_endpoint_passes_and_only_it() -> None:
    guard = Guard(allowed_endpoints=frozenset({"http://query.wikidata.org/sparql"}))
    check("SELECT * WHERE { SERVICE <http://query.wikidata.org/sparql> { ?s ?p ?o } }", guard)
    with pytest.raises(QueryRefused, match="allowed: http://query.wikidata.org/sparql"):
        check("SELECT * WHERE { SERVICE <http://query.wikidata.org/sparql/> { ?s ?p ?o } }", guard)
    with pytest.raises(QueryRefused, match="variable endpoint"):
        check("SELECT * WHERE { SERVICE ?x { ?s ?p ?o } }", guard)


@pytest.mark.parametrize("query", VALID)
def test_valid_sparql_passes_and_oxigraph_agrees(query: str) -> None:
    checked = check(query, GUARD)
    assert checked.kind == "query"
    ox.Store().query(query, prefixes=PREFIXES)  # Oxigraph parses it too


def test_every_named_query_passes() -> None:
    queries = sorted((Path(__file__).parent.parent / "queries").glob("*.rq"))
    assert queries
    for path in queries:
        assert check(path.read_text(encoding="utf-8"), GUARD).form in {"select", "ask", "construct", "describe"}


def test_dataset_clauses_are_reported_for_the_caller_to_check() -> None:
    found = check("PREFIX g: <https://w3id.org/stewardgraph/graph/> SELECT * FROM g:a FROM NAMED <http://b> "
                  "WHERE { ?s ?p ?o }", GUARD)
    assert found.graphs == ("https://w3id.org/stewardgraph/graph/a", "http://b")
    assert check("DELETE { ?s ?p ?o } USING <http://u> WHERE { ?s ?p ?o }", GUARD, kind="update").graphs == ("http://u",)


def test_queries_and_updates_are_told_apart() -> None:
    with pytest.raises(QueryRefused, match="this is a SPARQL Update, not a query"):
        check("INSERT DATA { <http://a> <http://b> <http://c> }", GUARD)
    with pytest.raises(QueryRefused, match="this is a query, not a SPARQL Update"):
        check("SELECT * WHERE { ?s ?p ?o }", GUARD, kind="update")


def test_deep_nesting_is_refused_fast_in_every_bracket() -> None:
    for text in ("SELECT * WHERE " + "{ " * 5000 + "?s ?p ?o" + " }" * 5000,
                 "SELECT * WHERE { FILTER(" + "(" * 5000 + "1" + ")" * 5000 + ") }",
                 "SELECT * WHERE { ?s ?p " + "[ ?p " * 3000 + "1" + " ]" * 3000 + " }"):
        started = time.monotonic()
        with pytest.raises(QueryRefused, match="nested more than 64 deep"):
            check(text, Guard(max_bytes=1_000_000))
        assert time.monotonic() - started < 1.0
    check("SELECT * WHERE " + "{ " * 64 + "?s ?p ?o" + " }" * 64, GUARD)


def test_size_limit() -> None:
    text = "SELECT * WHERE { ?s ?p ?o } #" + "x" * 40_000
    with pytest.raises(TooLarge, match=r"the query is 40,029 bytes; the limit is 32,768"):
        check(text, GUARD)


@pytest.mark.parametrize(
    ("text", "line", "column", "message"),
    [
        ("SELECT ?x WHERE {\n  ?x ?y }", 2, 9, "expected var before '}'"),
        ("SELECT * WHERE { ?s ?p ?o", 1, 26, "expected } at the end of the text"),
        ("SELECT * WHERE { ?s ?p ?o } LIMT 3", 1, 29, "unexpected 'LIMT'"),
        ("SELECT ?x WHERE { ?x", 1, 21, "unexpected end of the text: a bracket is not closed"),
        ("SELEC ?x WHERE {}", 1, 1, "unexpected 'SELEC'"),
        ("SELECT ?x WHERE { ?x ?y ?z ] }", 1, 28, "unexpected ']'"),
        ("", 1, 1, "the text holds no query"),
        ("SELECT ?s WHERE {\n  ?s a foo:Bar }", 2, 8, "is not declared: add PREFIX foo: <...>"),
    ],
)
def test_syntax_errors_point_at_the_line_and_column(text: str, line: int, column: int, message: str) -> None:
    with pytest.raises(QuerySyntaxError) as caught:
        check(text, GUARD)
    assert (caught.value.line, caught.value.column) == (line, column)
    assert caught.value.message.endswith(message)


# -- the rewrites of a parsed query (formerly doctests of stewardgraph.guard) -----------------


def test_the_refusal_names_the_service_and_the_setting() -> None:
    with pytest.raises(QueryRefused) as refused:
        check("SELECT * WHERE { SERVICE <http://127.0.0.1:7474/> { ?s ?p ?o } }", GUARD)
    assert str(refused.value) == ("SERVICE <http://127.0.0.1:7474/> would make the server fetch a URL; this service "
                                  "fetches nothing (STEWARDGRAPH_ALLOWED_ENDPOINTS is empty)")


def test_from_names_the_graphs_for_the_store_to_check() -> None:
    checked = check("SELECT * FROM <https://w3id.org/stewardgraph/graph/curated/pytorch> WHERE { ?s ?p ?o }", GUARD)
    assert checked.graphs == ("https://w3id.org/stewardgraph/graph/curated/pytorch",)


def test_bind_places_escaped_values_where_the_parse_says() -> None:
    text = "SELECT ?x WHERE { ?x ?p ?n }"
    assert bind(text, check(text, GUARD), {"n": ox.Literal('a "b"')}) == \
        'SELECT ?x WHERE { VALUES (?n) { ("a \\"b\\"") } ?x ?p ?n }'
    assert bind(text, check(text, GUARD), {"x": [ox.NamedNode("http://e/a"), ox.NamedNode("http://e/b")]}) == \
        "SELECT ?x WHERE { VALUES ?x { <http://e/a> <http://e/b> } ?x ?p ?n }"
    # a subquery does not see the bindings around it: it gets those it uses
    nested = "SELECT ?x ?n WHERE { { SELECT ?x WHERE { ?x ?p ?o FILTER(?o = ?n) } } ?x ?q ?m }"
    assert bind(nested, check(nested, GUARD), {"n": ox.Literal("a"), "m": ox.Literal("b")}) == (
        'SELECT ?x ?n WHERE { VALUES (?n ?m) { ("a" "b") } { SELECT ?x WHERE { VALUES (?n) { ("a") } '
        '?x ?p ?o FILTER(?o = ?n) } } ?x ?q ?m }')


def test_paginate_capped_and_counted_rewrite_the_parsed_query() -> None:
    assert paginate("SELECT ?x WHERE { ?x ?p ?o } ORDER BY ?x", 11, 20) == \
        "SELECT ?x WHERE { ?x ?p ?o } ORDER BY ?x LIMIT 11 OFFSET 20"
    assert capped("SELECT ?x WHERE { ?x ?p ?o } ORDER BY ?x", 11) == "SELECT ?x WHERE { ?x ?p ?o } ORDER BY ?x LIMIT 11"
    assert capped("SELECT ?x WHERE { ?x ?p ?o } LIMIT 50 OFFSET 5", 11) == "SELECT ?x WHERE { ?x ?p ?o } LIMIT 11 OFFSET 5"
    assert capped("SELECT ?x WHERE { ?x ?p ?o } LIMIT 3", 11) == "SELECT ?x WHERE { ?x ?p ?o } LIMIT 3"
    assert counted("PREFIX e: <http://e/> SELECT ?x WHERE { ?x e:p ?o } ORDER BY ?x") == \
        "PREFIX e: <http://e/> SELECT (COUNT(*) AS ?total) WHERE { { SELECT ?x WHERE { ?x e:p ?o } ORDER BY ?x } }"
