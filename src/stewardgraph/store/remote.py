"""A remote SPARQL 1.1 server (Fuseki, GraphDB, QLever, ...) as the store.

Queries and updates use the SPARQL 1.1 Protocol; loading uses the Graph Store Protocol, one PUT
per named graph. The server must use the union of its named graphs as the default graph (in
Fuseki, ``tdb2:unionDefaultGraph true``), as the embedded store does.
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from collections.abc import Mapping
from typing import Any

import httpx
import pyoxigraph as ox

from stewardgraph import formats
from stewardgraph.config import Settings
from stewardgraph.errors import QuerySyntaxError, QueryTimeout, StoreError
from stewardgraph.guard import with_prefixes
from stewardgraph.namespaces import GRAPH, PREFIXES
from stewardgraph.queries import Catalogue
from stewardgraph.store.base import Document, Limits, QueryOptions, QueryResult, Table
from stewardgraph.store.embedded import dump
from stewardgraph.store.engine import NTRIPLES

_ACCEPT = "application/sparql-results+json, application/n-triples;q=0.9, text/turtle;q=0.8"


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
        queries: Mapping[str, str] | None = None,
    ) -> None:
        self.query_url, self.update_url, self.gsp_url = query_url, update_url, gsp_url
        self._queries = dict(queries or {})  # the texts of the named queries all-quads and named-graphs
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
            queries={name: Catalogue.load(settings.queries_dir).get(name).text for name in ("all-quads", "named-graphs")},
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
        text = with_prefixes(sparql, options.prefixes)
        timeout = options.limits.timeout
        data: dict[str, Any] = {
            "query": text,
            "default-graph-uri": list(options.default_graphs),
            "named-graph-uri": list(options.named_graphs),
            # Fuseki reads "overall,first-result" in whole seconds; other servers ignore it.
            "timeout": f"{math.ceil(timeout)},{math.ceil(timeout)}",
        }
        response = self._send("POST", self.query_url, data=data, headers={"Accept": _ACCEPT}, timeout=timeout)
        kind = response.headers.get("content-type", "").split(";")[0].strip()
        cap, media = options.limits.rows, options.media
        if kind in ("application/sparql-results+json", "application/json"):
            document = json.loads(response.content)
            if "boolean" in document:
                answer = bool(document["boolean"])
                return Document(formats.write_boolean(answer, media), media, 1) if media else answer
            variables = list(document["head"].get("vars", []))
            bindings = document["results"]["bindings"]
            rows = [[_ox(b.get(v)) for v in variables] for b in bindings[:cap]]
            truncated = len(bindings) > cap
            if media:
                return Document(formats.write_solutions(variables, rows, media), media, len(rows), truncated)
            plain = [dict(zip(variables, map(formats.python, row))) for row in rows]
            return Table(variables, plain, truncated)
        rdf_format = ox.RdfFormat.N_TRIPLES if kind in ("application/n-triples", "text/plain") else ox.RdfFormat.TURTLE
        triples = list(ox.parse(response.content, format=rdf_format))
        kept = triples[:cap]
        media = media or NTRIPLES
        return Document(formats.write_triples(kept, media), media, len(kept), truncated=len(triples) > cap)

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
        result = self.query(self._queries["named-graphs"], QueryOptions(limits=Limits(self._timeout, 1_000_000)))
        assert isinstance(result, Table)
        return {str(row["graph"]) for row in result.rows if str(row["graph"]).startswith(GRAPH)}

    def dump(self, fmt: str) -> bytes:
        result = self.query(self._queries["all-quads"], QueryOptions(limits=Limits(self._timeout, 100_000_000),
                                                     media=formats.BY_NAME["json"].media[0]))
        assert isinstance(result, Document)
        document = json.loads(result.data)
        store = ox.Store()
        store.extend(
            ox.Quad(_ox(b["s"]), _ox(b["p"]), _ox(b["o"]), _ox(b["g"]))  # type: ignore[arg-type]
            for b in document["results"]["bindings"]
        )
        return dump(store, fmt)

    def close(self) -> None:
        self._client.close()


def _ox(value: dict[str, str] | None) -> ox.NamedNode | ox.BlankNode | ox.Literal | None:
    """A term of SPARQL JSON results as Oxigraph's."""
    if value is None:
        return None
    if value["type"] == "uri":
        return ox.NamedNode(value["value"])
    if value["type"] == "bnode":
        return ox.BlankNode(value["value"])
    if "xml:lang" in value:
        return ox.Literal(value["value"], language=value["xml:lang"])
    datatype = value.get("datatype")
    return ox.Literal(value["value"], datatype=ox.NamedNode(datatype) if datatype else None)
