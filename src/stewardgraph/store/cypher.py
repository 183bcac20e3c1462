"""Neo4j: read-only Cypher with limits, and the sync that writes the projection.

Neo4j errors are turned into ours here: an unreachable or misconfigured server is a StoreError
(503), a write in a read-only query is Forbidden (403), a syntax error is a QuerySyntaxError
(400) and a query past its time limit is a QueryTimeout (504).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import neo4j
from neo4j import GraphDatabase, Query
from neo4j import exceptions as neo4j_errors
from neo4j import graph as neo4j_graph
from neo4j import time as neo4j_time

from stewardgraph.errors import Forbidden, QuerySyntaxError, QueryTimeout, StewardGraphError, StoreError
from stewardgraph.projection import LABELS, LICENSE_LABEL, Projection

ALL_LABELS = sorted({*LABELS.values(), LICENSE_LABEL})
_LOAD_CSV = re.compile(r"\bLOAD\s+CSV\b", re.IGNORECASE)
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class CypherResult:
    columns: list[str]
    rows: list[dict[str, Any]]
    truncated: bool = False


class CypherStore:
    """A Neo4j database reached over Bolt (``bolt://``, ``neo4j://``, ``neo4j+s://`` …)."""

    def __init__(self, *, uri: str, user: str, password: str, database: str, timeout: float) -> None:
        self.uri, self.database, self._timeout = uri, database, timeout
        self._auth = (user, password)
        self._driver: neo4j.Driver | None = None

    @property
    def driver(self) -> neo4j.Driver:
        if self._driver is None:
            self._driver = GraphDatabase.driver(self.uri, auth=self._auth, connection_timeout=5,
                                                connection_acquisition_timeout=10, max_transaction_retry_time=0)
        return self._driver

    @contextmanager
    def _errors(self) -> Iterator[None]:
        """Neo4j's errors, as ours."""
        try:
            yield
        except StewardGraphError:
            raise
        except (neo4j_errors.ServiceUnavailable, neo4j_errors.SessionExpired, OSError) as exc:
            raise StoreError(f"Neo4j is not reachable at {self.uri}: {' '.join(str(exc).split())}") from exc
        except neo4j_errors.AuthError as exc:
            raise StoreError(f"Neo4j at {self.uri} refused the credentials: {exc.message}") from exc
        except neo4j_errors.CypherSyntaxError as exc:
            raise QuerySyntaxError(f"malformed Cypher: {exc.message}") from exc
        except neo4j_errors.Neo4jError as exc:
            code = exc.code or ""
            if "TransactionTimedOut" in code or "Terminated" in code:
                raise QueryTimeout(f"the Cypher query ran out of time and was stopped: {exc.message}") from exc
            if "Forbidden" in code or "AccessMode" in code or "WriteOnReadOnlyAccessDbException" in code:
                raise Forbidden(f"only read queries are allowed: {exc.message}") from exc
            if code.startswith("Neo.ClientError"):
                raise QuerySyntaxError(f"Cypher error: {exc.message}") from exc
            raise StoreError(f"Neo4j failed: {exc.message}") from exc
        except neo4j_errors.DriverError as exc:
            raise StoreError(f"Neo4j driver error: {exc}") from exc

    # -- reading ----------------------------------------------------------------------------

    def check_read_only(self, cypher: str, parameters: Mapping[str, Any]) -> None:
        """Refuse anything but a read query: writes, schema and admin commands, LOAD CSV."""
        if _LOAD_CSV.search(cypher):
            raise Forbidden("LOAD CSV is not allowed")
        with self._errors(), self.driver.session(database=self.database, default_access_mode=neo4j.READ_ACCESS) as session:
            summary = session.run(Query(f"EXPLAIN {cypher}", timeout=self._timeout), dict(parameters)).consume()
        if summary.query_type != "r":
            raise Forbidden(f"only read queries are allowed (this one is of type '{summary.query_type}')")

    def read(self, cypher: str, parameters: Mapping[str, Any], *, timeout: float | None, row_cap: int,
             graph: bool = False) -> CypherResult:
        """Run a read query in READ access mode, with a time limit and a row cap."""
        limit = min(timeout or self._timeout, self._timeout)
        self.check_read_only(cypher, parameters)
        rows: list[dict[str, Any]] = []
        truncated = False
        with self._errors(), self.driver.session(database=self.database, default_access_mode=neo4j.READ_ACCESS) as session:
            result = session.run(Query(cypher, timeout=limit), dict(parameters))
            columns = list(result.keys())
            if graph:
                shape = _graph_shape(result, row_cap)
                return CypherResult(["nodes", "relationships"], [shape], shape.pop("truncated"))
            for record in result:
                if len(rows) == row_cap:
                    truncated = True
                    break
                rows.append({k: plain(record[k]) for k in columns})
        return CypherResult(columns, rows, truncated)

    # -- writing ----------------------------------------------------------------------------

    def sync(self, projection: Projection, *, batch: int = 500, progress: Progress | None = None) -> dict[str, dict[str, int]]:
        """Make the database hold exactly the projection: constraints and indexes first, then
        nodes and relationships in UNWIND batches; whatever the projection lacks is removed."""
        step = progress or (lambda _text, _done, _total: None)
        total = len(projection.nodes) + len(projection.relationships)
        done = 0
        with self._errors(), self.driver.session(database=self.database) as session:
            session.run("CREATE CONSTRAINT resource_uri IF NOT EXISTS FOR (n:Resource) REQUIRE n.uri IS UNIQUE").consume()
            for label in ALL_LABELS:
                session.run(f"CREATE INDEX {label.lower()}_name IF NOT EXISTS FOR (n:{label}) ON (n.name)").consume()
            session.run("CALL db.awaitIndexes(60)").consume()

            def write(query: str, rows: list[dict[str, Any]], what: str) -> None:
                nonlocal done
                for chunk in _chunks(rows, batch):
                    session.run(query, rows=chunk).consume()
                    done += len(chunk)
                    step(what, done, total)

            groups: dict[tuple[str, ...], list[dict[str, Any]]] = defaultdict(list)
            for node in projection.nodes.values():
                groups[tuple(sorted(node.labels))].append({"uri": node.uri, "props": node.properties})
            remove = ":".join(ALL_LABELS)
            for labels, rows in sorted(groups.items()):
                write(f"UNWIND $rows AS row MERGE (n:Resource {{uri: row.uri}}) "
                      f"SET n = row.props, n._seen = true REMOVE n:{remove} SET n:{':'.join(labels)}", rows, "nodes")
            session.run("MATCH (n:Resource) WHERE n._seen IS NULL DETACH DELETE n").consume()
            by_type: dict[str, list[dict[str, Any]]] = defaultdict(list)
            for rel in projection.relationships:
                by_type[rel.type].append({"start": rel.start, "end": rel.end, "props": rel.properties})
            for kind, rows in sorted(by_type.items()):
                write(f"UNWIND $rows AS row MATCH (a:Resource {{uri: row.start}}), (b:Resource {{uri: row.end}}) "
                      f"MERGE (a)-[r:{kind}]->(b) SET r = row.props, r._seen = true", rows, "relationships")
            session.run("MATCH (:Resource)-[r]->(:Resource) WHERE r._seen IS NULL DELETE r").consume()
            session.run("MATCH (:Resource)-[r]->(:Resource) REMOVE r._seen").consume()
            session.run("MATCH (n:Resource) REMOVE n._seen").consume()
        return self.counts()

    def counts(self) -> dict[str, dict[str, int]]:
        """Nodes by label and relationships by type, as the database holds them now."""
        with self._errors(), self.driver.session(database=self.database, default_access_mode=neo4j.READ_ACCESS) as session:
            labels = {
                label: session.run(f"MATCH (n:{label}) RETURN count(n) AS n").single(strict=True)["n"]
                for label in ["Resource", *ALL_LABELS]
            }
            rels = {
                r["type"]: r["n"]
                for r in session.run("MATCH (:Resource)-[r]->(:Resource) RETURN type(r) AS type, count(r) AS n ORDER BY type")
            }
        return {"nodes": {k: v for k, v in labels.items() if v}, "relationships": rels}

    def close(self) -> None:
        if self._driver is not None:
            self._driver.close()
            self._driver = None


def _chunks(rows: list[Any], size: int) -> Iterator[list[Any]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def plain(value: Any) -> Any:
    """A Neo4j value as JSON-ready Python: dates as ISO text, nodes and relationships as dicts."""
    if isinstance(value, (neo4j_time.Date, neo4j_time.DateTime, neo4j_time.Time, neo4j_time.Duration)):
        return value.iso_format()
    if isinstance(value, neo4j_graph.Node):
        return {"id": value.element_id, "labels": sorted(value.labels), "properties": plain(dict(value))}
    if isinstance(value, neo4j_graph.Relationship):
        return {"id": value.element_id, "type": value.type, "start": value.start_node.element_id if value.start_node else None,
                "end": value.end_node.element_id if value.end_node else None, "properties": plain(dict(value))}
    if isinstance(value, neo4j_graph.Path):
        return {"nodes": [plain(n) for n in value.nodes], "relationships": [plain(r) for r in value.relationships]}
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


def _graph_shape(result: neo4j.Result, row_cap: int) -> dict[str, Any]:
    """Every node and relationship the records mention, once each."""
    nodes: dict[str, Any] = {}
    relationships: dict[str, Any] = {}
    truncated = False
    for count, record in enumerate(result):
        if count == row_cap:
            truncated = True
            break
        for value in record.values():
            _collect(value, nodes, relationships)
    return {"nodes": list(nodes.values()), "relationships": list(relationships.values()), "truncated": truncated}


def _collect(value: Any, nodes: dict[str, Any], relationships: dict[str, Any]) -> None:
    if isinstance(value, neo4j_graph.Node):
        nodes[value.element_id] = plain(value)
    elif isinstance(value, neo4j_graph.Relationship):
        relationships[value.element_id] = plain(value)
        for end in (value.start_node, value.end_node):
            if end is not None:
                nodes.setdefault(end.element_id, plain(end))
    elif isinstance(value, neo4j_graph.Path):
        for node in value.nodes:
            nodes[node.element_id] = plain(node)
        for rel in value.relationships:
            relationships[rel.element_id] = plain(rel)
    elif isinstance(value, (list, tuple)):
        for item in value:
            _collect(item, nodes, relationships)
