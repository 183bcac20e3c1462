"""A remote SPARQL 1.1 server (Fuseki, GraphDB, QLever, ...) as the store.

Queries and updates use the SPARQL 1.1 Protocol; loading uses the Graph Store Protocol, one PUT
per named graph. The server must use the union of its named graphs as the default graph (in
Fuseki, ``tdb2:unionDefaultGraph true``), as the embedded store does.
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from typing import Any

import httpx
import pyoxigraph as ox

from stewardgraph.config import Settings
from stewardgraph.errors import QuerySyntaxError, QueryTimeout, StoreError
from stewardgraph.store.base import (
    EXPORT_FORMATS,
    QueryOptions,
    QueryResult,
    Solutions,
    Term,
    Triples,
    bind_values,
    with_prefixes,
)
from stewardgraph.store.embedded import RDF_FORMATS
from stewardgraph.vocab import GRAPH, PREFIXES

_ACCEPT = "application/sparql-results+json, application/n-triples;q=0.9, text/turtle;q=0.8"
_ALL_QUADS = "SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
_GRAPHS = "SELECT DISTINCT ?g WHERE { GRAPH ?g { } }"


class RemoteStore:
    """A SPARQL 1.1 query endpoint, with optional update and Graph Store Protocol endpoints."""

    def __init__(
        self,
        *,
        query_url: str,
        update_url: str | None = None,
        gsp_url: str | None = None,
        auth: tuple[str, str] | None = None,
        timeout: float = 10.0,
    ) -> None:
        self.query_url, self.update_url, self.gsp_url = query_url, update_url, gsp_url
        self._timeout = timeout
        self._client = httpx.Client(auth=auth, timeout=httpx.Timeout(timeout + 5, connect=5))

    @classmethod
    def from_settings(cls, settings: Settings) -> RemoteStore:
        if not settings.remote_query_url:
            raise StoreError("backend 'remote' needs STEWARDGRAPH_REMOTE_QUERY_URL")
        auth = None
        if settings.remote_user:
            password = settings.remote_password.get_secret_value() if settings.remote_password else ""
            auth = (settings.remote_user, password)
        return cls(
            query_url=settings.remote_query_url,
            update_url=settings.remote_update_url,
            gsp_url=settings.remote_gsp_url,
            auth=auth,
            timeout=settings.query_timeout,
        )

    # -- protocol ---------------------------------------------------------------------------

    def _send(self, method: str, url: str, *, timeout: float | None = None, **kwargs: Any) -> httpx.Response:
        limit = timeout or self._timeout
        try:
            response = self._client.request(method, url, timeout=httpx.Timeout(limit + 2, connect=5), **kwargs)
        except httpx.TimeoutException as exc:
            raise QueryTimeout(f"the remote SPARQL server did not answer within {limit:g} s") from exc
        except httpx.HTTPError as exc:
            raise StoreError(f"cannot reach the remote SPARQL server at {url}: {exc}") from exc
        if response.status_code == 400:
            raise QuerySyntaxError(f"the remote server refused the request: {response.text.strip()}")
        if response.status_code == 503 and "timed out" in response.text.lower():
            raise QueryTimeout(f"the remote server stopped the query: {response.text.strip()}")
        if response.status_code >= 400:
            raise StoreError(f"the remote server answered {response.status_code}: {response.text.strip()[:500]}")
        return response

    def query(self, sparql: str, options: QueryOptions) -> QueryResult:
        text = with_prefixes(bind_values(sparql, options.bindings), options.prefixes)
        timeout = min(options.timeout or self._timeout, self._timeout)
        data: dict[str, Any] = {
            "query": text,
            "default-graph-uri": list(options.default_graphs),
            "named-graph-uri": list(options.named_graphs),
            # Fuseki reads "overall,first-result" in whole seconds; other servers ignore it.
            "timeout": f"{math.ceil(timeout)},{math.ceil(timeout)}",
        }
        response = self._send("POST", self.query_url, data=data, headers={"Accept": _ACCEPT}, timeout=timeout)
        kind = response.headers.get("content-type", "").split(";")[0].strip()
        if kind in ("application/sparql-results+json", "application/json"):
            return _solutions(json.loads(response.content), options.row_cap)
        rdf_format = ox.RdfFormat.N_TRIPLES if kind in ("application/n-triples", "text/plain") else ox.RdfFormat.TURTLE
        triples = list(ox.parse(response.content, format=rdf_format))
        kept = triples[: options.row_cap]
        data_nt = ox.serialize(kept, format=ox.RdfFormat.N_TRIPLES) or b""
        return Triples(data_nt, len(kept), truncated=len(triples) > options.row_cap)

    def update(self, sparql: str) -> None:
        if not self.update_url:
            raise StoreError("no remote update endpoint is configured (STEWARDGRAPH_REMOTE_UPDATE_URL)")
        self._send("POST", self.update_url, data={"update": with_prefixes(sparql, PREFIXES)})

    # -- graph store ------------------------------------------------------------------------

    def load(self, nquads: bytes) -> None:
        """Replace each of our named graphs with a PUT, and delete ours that are gone."""
        if not self.gsp_url:
            raise StoreError("no remote Graph Store endpoint is configured (STEWARDGRAPH_REMOTE_GSP_URL)")
        graphs: dict[str, list[ox.Triple]] = defaultdict(list)
        for quad in ox.parse(nquads, format=ox.RdfFormat.N_QUADS):
            if not isinstance(quad.graph_name, ox.NamedNode):
                raise StoreError("only named graphs can be published")
            graphs[quad.graph_name.value].append(ox.Triple(quad.subject, quad.predicate, quad.object))
        for name, triples in graphs.items():
            body = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
            self._send("PUT", self.gsp_url, params={"graph": name}, content=body,
                       headers={"Content-Type": "application/n-triples"}, timeout=120)
        for name in self._our_graphs() - set(graphs):
            self._send("DELETE", self.gsp_url, params={"graph": name})

    def _our_graphs(self) -> set[str]:
        result = self.query(_GRAPHS, QueryOptions(row_cap=1_000_000))
        assert isinstance(result, Solutions)
        return {row[0].value for row in result.rows if row[0] and row[0].value.startswith(str(GRAPH))}

    def dump(self, fmt: str) -> bytes:
        result = self.query(_ALL_QUADS, QueryOptions(row_cap=100_000_000, timeout=self._timeout))
        assert isinstance(result, Solutions)
        quads = [
            ox.Quad(_ox(s), _ox(p), _ox(o), _ox(g) if EXPORT_FORMATS[fmt] else ox.DefaultGraph())  # type: ignore[arg-type]
            for s, p, o, g in result.rows
        ]
        store = ox.Store()
        store.extend(quads)
        graph = None if EXPORT_FORMATS[fmt] else ox.DefaultGraph()
        return store.dump(format=RDF_FORMATS[fmt], from_graph=graph, prefixes=PREFIXES) or b""

    def close(self) -> None:
        self._client.close()


def _solutions(document: dict[str, Any], row_cap: int) -> Solutions | bool:
    if "boolean" in document:
        return bool(document["boolean"])
    variables = list(document["head"].get("vars", []))
    bindings = document["results"]["bindings"]
    rows = [[_term(b.get(v)) for v in variables] for b in bindings[:row_cap]]
    return Solutions(variables, rows, truncated=len(bindings) > row_cap)


def _term(value: dict[str, str] | None) -> Term | None:
    if value is None:
        return None
    kind = "literal" if value["type"] == "typed-literal" else value["type"]
    datatype = value.get("datatype")
    if datatype == "http://www.w3.org/2001/XMLSchema#string":
        datatype = None
    return Term(kind, value["value"], datatype=datatype, lang=value.get("xml:lang"))  # type: ignore[arg-type]


def _ox(term: Term | None) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    assert term is not None
    if term.type == "uri":
        return ox.NamedNode(term.value)
    if term.type == "bnode":
        return ox.BlankNode(term.value)
    if term.lang:
        return ox.Literal(term.value, language=term.lang)
    return ox.Literal(term.value, datatype=ox.NamedNode(term.datatype) if term.datatype else None)

