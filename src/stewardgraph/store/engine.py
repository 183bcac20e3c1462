"""Run a query on an Oxigraph store and write its result, under the row cap.

The one place where Oxigraph results become ours: a query worker calls it, and so does the
in-process store. It reads one row more than the cap, to know whether the result was cut.
"""

from __future__ import annotations

import re
from itertools import islice

import pyoxigraph as ox

from stewardgraph import formats
from stewardgraph.errors import QuerySyntaxError, StoreError
from stewardgraph.store.base import Document, QueryOptions, QueryResult, Table

NTRIPLES = "application/n-triples"
_POSITION = re.compile(r"error at (\d+):(\d+)")


def evaluate(store: ox.Store, sparql: str, options: QueryOptions) -> QueryResult:
    """Run ``sparql`` and return its result in the shape ``options`` asks for.

    A SELECT whose text keeps it within the row cap plus one (``options.capped``) is written by
    Oxigraph itself, in C speed; only when it did give one row more than the cap is it run again
    and cut here."""
    try:
        result = _run(store, sparql, options)
        native = formats.of_media(options.media, "results").results if options.capped and options.media else None
        if native is not None and isinstance(result, ox.QuerySolutions):
            data = result.serialize(format=native)
            assert data is not None
            count = formats.count_rows(data, options.media or "")
            if count <= options.limits.rows:
                return Document(data, options.media or "", count)
            result = _run(store, sparql, options)
        return _written(result, options)
    except SyntaxError as exc:
        raise syntax_error(exc) from exc
    except (OSError, ValueError, RuntimeError) as exc:
        raise StoreError(f"query failed: {exc}") from exc


def _run(store: ox.Store, sparql: str, options: QueryOptions) -> object:
    return store.query(
        sparql,
        prefixes=dict(options.prefixes) or None,
        use_default_graph_as_union=not options.default_graphs,
        default_graph=[ox.NamedNode(g) for g in options.default_graphs] or None,
        named_graphs=[ox.NamedNode(g) for g in options.named_graphs] or None,
    )


def _written(result: object, options: QueryOptions) -> QueryResult:
    cap, media = options.limits.rows, options.media
    if isinstance(result, ox.QueryBoolean):
        return Document(formats.write_boolean(bool(result), media), media, 1) if media else bool(result)
    if isinstance(result, ox.QuerySolutions):
        variables = [v.value for v in result.variables]
        rows = [tuple(solution) for solution in islice(result, cap + 1)]
        truncated = len(rows) > cap
        del rows[cap:]
        if media:
            return Document(formats.write_solutions(variables, rows, media), media, len(rows), truncated)
        plain = [dict(zip(variables, map(formats.python, row))) for row in rows]
        return Table(variables, plain, truncated)
    assert isinstance(result, ox.QueryTriples)
    triples = list(islice(result, cap + 1))
    truncated = len(triples) > cap
    del triples[cap:]
    media = media or NTRIPLES
    return Document(formats.write_triples(triples, media), media, len(triples), truncated)


def syntax_error(exc: SyntaxError) -> QuerySyntaxError:
    """Our error for a parser message, with its line and column when the parser gave them."""
    message = str(exc)
    match = _POSITION.search(message)
    line, column = (int(match.group(1)), int(match.group(2))) if match else (None, None)
    return QuerySyntaxError(f"malformed query: {message}", line=line, column=column)
