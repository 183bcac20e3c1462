"""Neo4j: read-only Cypher with limits. (The sync that writes the projection is in ``cypher_sync``.)

A read query is checked twice before it runs. Neo4j's planner explains it (``EXPLAIN``), and
the plan decides: only plans of type ``r`` (read), with no ``LOAD CSV`` operator, no
administration command (every ``SHOW`` and ``TERMINATE``), and no procedure call outside the
allow-list, may run. The query then runs in READ access mode, as the read-only user when one
is configured (Enterprise and Aura have roles; Community has none, so there the plan is the
guard). It runs with Neo4j's own transaction time limit, and the client stops reading at the
row cap, the byte cap and the deadline, so neither a big result nor a hung server can hold
the caller for longer than its limit.

Neo4j errors are turned into ours here: an unreachable or misconfigured server is a StoreError
(503), a refused plan is Forbidden (403), a syntax error is a QuerySyntaxError (400), a query
past the server's memory limit is QueryRefused (400) and one past its time limit a QueryTimeout
(504).
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

import neo4j
from neo4j import GraphDatabase, Query
from neo4j import exceptions as neo4j_errors
from neo4j import graph as neo4j_graph
from neo4j import time as neo4j_time

from stewardgraph.errors import (
    Forbidden,
    ParameterError,
    QueryRefused,
    QuerySyntaxError,
    QueryTimeout,
    StewardGraphError,
    StoreError,
    TooLarge,
)
from stewardgraph.projection import LABELS, LICENSE_LABEL

T = TypeVar("T")
ALL_LABELS = sorted({*LABELS.values(), LICENSE_LABEL})
_INT64 = (-(2**63), 2**63 - 1)
_POSITION = re.compile(r"\(line (\d+), column (\d+) \(offset: (\d+)\)\)")
_GRACE = 2.0  # seconds past the query's own limit before the client gives up on the server
_FETCH = 20  # records the driver reads ahead of us: few, as one record may be large


@dataclass(frozen=True)
class CypherResult:
    columns: list[str]
    rows: list[dict[str, Any]]
    truncated: bool = False


class CypherStore:
    """A Neo4j database reached over Bolt (``bolt://``, ``neo4j://``, ``neo4j+s://`` …).

    ``read_user`` (with ``read_password``), when given, runs every read query: give it a user
    with a read-only role where the edition has roles. At most ``concurrency`` Cypher queries
    run at once, on threads of their own, so a slow or hung Neo4j never holds anything else.
    """

    def __init__(self, *, uri: str, user: str, password: str, database: str, timeout: float,
                 read_user: str | None = None, read_password: str | None = None,
                 procedures: frozenset[str] = frozenset(), concurrency: int = 4,
                 max_bytes: int = 16 * 2**20, max_text: int = 32_768, down_hint: str = "") -> None:
        self.uri, self.database, self._timeout = uri, database, timeout
        self.down_hint = down_hint  # what to do when Neo4j does not answer
        self._auth = (user, password)
        self._read_auth = (read_user, read_password or "") if read_user else None
        self.procedures, self.max_bytes, self.max_text = procedures, max_bytes, max_text
        self._driver: neo4j.Driver | None = None
        self._reader: neo4j.Driver | None = None
        self._threads = ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="neo4j-read")

    def _connect(self, auth: tuple[str, str]) -> neo4j.Driver:
        return GraphDatabase.driver(self.uri, auth=auth, connection_timeout=5, connection_acquisition_timeout=5,
                                    max_transaction_retry_time=0, warn_notification_severity="OFF")

    @property
    def driver(self) -> neo4j.Driver:
        """The driver of the configured (writing) user: sync and counts."""
        if self._driver is None:
            self._driver = self._connect(self._auth)
        return self._driver

    @property
    def reader(self) -> neo4j.Driver:
        """The driver that runs read queries: the read-only user's, if there is one."""
        if self._read_auth is None:
            return self.driver
        if self._reader is None:
            self._reader = self._connect(self._read_auth)
        return self._reader

    @contextmanager
    def errors(self) -> Iterator[None]:
        """Neo4j's errors, as ours."""
        try:
            yield
        except StewardGraphError:
            raise
        except (neo4j_errors.ServiceUnavailable, neo4j_errors.SessionExpired, OSError) as exc:
            raise StoreError(f"Neo4j is not reachable at {self.uri} ({_reason(exc)}){self.down_hint}") from exc
        except neo4j_errors.AuthError as exc:
            raise StoreError(f"Neo4j at {self.uri} refused the credentials: {exc.message}") from exc
        except neo4j_errors.CypherSyntaxError as exc:
            raise _syntax_error(exc.message or str(exc)) from exc
        except neo4j_errors.Neo4jError as exc:
            code = exc.code or ""
            if "TransactionTimedOut" in code or "Terminated" in code:
                raise QueryTimeout(f"the Cypher query ran out of time and was stopped: {exc.message}") from exc
            if "Memory" in code:
                raise QueryRefused("the Cypher query needed more memory than one query may use, and was stopped; "
                                   "narrow it") from exc
            if "Forbidden" in code or "AccessMode" in code or "WriteOnReadOnlyAccessDbException" in code:
                raise Forbidden(f"only read queries are allowed: {exc.message}") from exc
            if code.startswith("Neo.ClientError"):
                raise QuerySyntaxError(f"Cypher error: {exc.message}") from exc
            raise StoreError(f"Neo4j failed: {exc.message}") from exc
        except neo4j_errors.DriverError as exc:
            raise StoreError(f"Neo4j driver error: {exc}") from exc

    # -- reading ----------------------------------------------------------------------------

    def check_read_only(self, cypher: str, parameters: Mapping[str, Any]) -> None:
        """Refuse, by the planner's plan, anything but a read query over the graph's data."""
        with self.errors(), self.reader.session(database=self.database, default_access_mode=neo4j.READ_ACCESS) as session:
            # On a line of its own, so that error positions are the query's own, one line down.
            summary = session.run(Query(f"EXPLAIN\n{cypher}", timeout=self._timeout), dict(parameters)).consume()
        if summary.query_type != "r":
            raise Forbidden(f"only read queries are allowed (this one is of type '{summary.query_type}')")
        refusal = plan_refusal(summary.plan or {}, self.procedures)
        if refusal:
            raise Forbidden(refusal)

    def read(self, cypher: str, parameters: Mapping[str, Any], *, timeout: float | None, row_cap: int,
             graph: bool = False) -> CypherResult:
        """Run a read query in READ access mode, within the time limit, the row cap and the byte cap."""
        size = len(cypher.encode("utf-8", "surrogatepass"))
        if size > self.max_text:
            raise TooLarge(f"the Cypher query is {size:,} bytes; the limit is {self.max_text:,}")
        params = checked_parameters(parameters)
        limit = timeout or self._timeout  # the facade has clamped it already
        started = time.monotonic()
        return self._within(started + limit + _GRACE,
                            lambda: self._read(cypher, params, limit, row_cap, graph, started + limit))

    def _within(self, deadline: float, work: Callable[[], T]) -> T:
        """Run on one of our threads; give up at the deadline even if Neo4j never answers."""
        future = self._threads.submit(work)
        try:
            return future.result(timeout=max(0.0, deadline - time.monotonic()))
        except FutureTimeout:
            started = not future.cancel()
            raise StoreError(
                f"Neo4j at {self.uri} did not answer in time" if started
                else "Neo4j is busy: every Cypher slot is taken by queries waiting for it"
            ) from None

    def _read(self, cypher: str, params: dict[str, Any], limit: float, row_cap: int, graph: bool,
              deadline: float) -> CypherResult:
        self.check_read_only(cypher, params)
        with self.errors(), self.reader.session(database=self.database, default_access_mode=neo4j.READ_ACCESS,
                                                fetch_size=_FETCH) as session:
            result = session.run(Query(cypher, timeout=limit), params)
            columns = list(result.keys())
            reader = _Reader(row_cap, self.max_bytes, deadline, limit)
            if graph:
                shape = _graph_shape(result, reader)
                return CypherResult(["nodes", "relationships"], [shape], reader.truncated)
            rows: list[dict[str, Any]] = []
            for record in reader.each(result):
                row = reader.take({k: plain(record[k]) for k in columns})
                if row is None:
                    break
                rows.append(row)
            return CypherResult(columns, rows, reader.truncated)

    def counts(self) -> dict[str, dict[str, int]]:
        """Nodes by label and relationships by type, as the database holds them now."""
        with self.errors(), self.driver.session(database=self.database, default_access_mode=neo4j.READ_ACCESS) as session:
            return counts(session)

    def close(self) -> None:
        self._threads.shutdown(wait=False, cancel_futures=True)
        for driver in (self._driver, self._reader):
            if driver is not None:
                driver.close()
        self._driver = self._reader = None


def counts(session: neo4j.Session) -> dict[str, dict[str, int]]:
    """Nodes by label and relationships by type, as the database holds them now."""
    labels = {
        label: session.run(f"MATCH (n:{label}) RETURN count(n) AS n").single(strict=True)["n"]
        for label in ["Resource", *ALL_LABELS]
    }
    rels = {
        r["type"]: r["n"]
        for r in session.run("MATCH (:Resource)-[r]->(:Resource) RETURN type(r) AS type, count(r) AS n ORDER BY type")
    }
    return {"nodes": {k: v for k, v in labels.items() if v}, "relationships": rels}


class _Reader:
    """Stops reading records at the row cap, the byte cap or the deadline."""

    def __init__(self, row_cap: int, max_bytes: int, deadline: float, limit: float) -> None:
        self.row_cap, self.max_bytes, self.deadline, self.limit = row_cap, max_bytes, deadline, limit
        self.rows = self.bytes = 0
        self.truncated = False

    def each(self, result: neo4j.Result) -> Iterator[neo4j.Record]:
        for record in result:
            if time.monotonic() > self.deadline:
                raise QueryTimeout(f"the Cypher result took longer than {self.limit:g} s to read, and was stopped")
            if self.rows == self.row_cap:
                self.truncated = True
                return
            yield record

    def take(self, row: dict[str, Any]) -> dict[str, Any] | None:
        """The row, counted; None once it would pass the byte cap (the result is then cut)."""
        size = _size(row)
        if self.bytes + size > self.max_bytes:
            self.truncated = True
            self.rows = self.row_cap  # read nothing more
            return None
        self.rows += 1
        self.bytes += size
        return row


def plan_refusal(plan: Mapping[str, Any], procedures: frozenset[str]) -> str | None:
    """Why a query with this EXPLAIN plan may not run on a public endpoint, or None.

    >>> plan_refusal({"operatorType": "ProduceResults@neo4j", "children": [{"operatorType": "LoadCSV@neo4j"}]}, frozenset())
    'LOAD CSV reads files and URLs: not allowed'
    """
    stack = [plan]
    while stack:
        step = stack.pop()
        stack.extend(step.get("children", []))
        operator = str(step.get("operatorType", "")).split("@")[0]
        details = str(step.get("args", {}).get("Details", ""))
        if operator == "LoadCSV":
            return "LOAD CSV reads files and URLs: not allowed"
        if operator.startswith(("Show", "Terminate")) or operator.endswith("Command"):
            return f"administration commands ({operator}) are not allowed"
        if operator == "ProcedureCall":
            name = details.split("(")[0].strip()
            if name not in procedures:
                allowed = ", ".join(sorted(procedures)) or "none"
                return f"procedure {name} is not allowed (allowed: {allowed})"
    return None


def checked_parameters(parameters: Mapping[str, Any]) -> dict[str, Any]:
    """Parameters as Neo4j can take them: integers within 64 bits, finite numbers."""

    def check(key: str, value: Any) -> None:
        if isinstance(value, bool) or value is None or isinstance(value, str):
            return
        if isinstance(value, int) and not _INT64[0] <= value <= _INT64[1]:
            raise ParameterError("parameters", f"'{key}': the integer {value} does not fit in 64 bits")
        if isinstance(value, float) and not math.isfinite(value):
            raise ParameterError("parameters", f"'{key}': {value} is not a finite number")
        if isinstance(value, Mapping):
            for inner, item in value.items():
                check(f"{key}.{inner}", item)
        elif isinstance(value, (list, tuple)):
            for index, item in enumerate(value):
                check(f"{key}[{index}]", item)

    for key, value in parameters.items():
        check(key, value)
    return dict(parameters)


def plain(value: Any) -> Any:
    """A Neo4j value as JSON-ready Python: dates as ISO text, nodes and relationships as dicts,
    and the floats JSON cannot hold (NaN, ±infinity) as the text "NaN", "Infinity", "-Infinity"."""
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
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


def _size(value: Any) -> int:
    """About how many bytes a plain value takes as JSON."""
    if isinstance(value, str):
        return len(value) + 2
    if isinstance(value, dict):
        return 2 + sum(len(str(k)) + 4 + _size(v) for k, v in value.items())
    if isinstance(value, list):
        return 2 + sum(_size(v) + 1 for v in value)
    return 8


def _syntax_error(message: str) -> QuerySyntaxError:
    """Neo4j's syntax error with the position in the query as given (the EXPLAIN line removed)."""
    first = message.split("\n")[0]
    match = _POSITION.search(first)
    if not match:
        return QuerySyntaxError(f"malformed Cypher: {first}")
    line, column = int(match.group(1)) - 1, int(match.group(2))
    text = first[: match.start()] + f"(line {line}, column {column})" + first[match.end():]
    return QuerySyntaxError(f"malformed Cypher: {text}", line=line, column=column)


def _graph_shape(result: neo4j.Result, reader: _Reader) -> dict[str, Any]:
    """Every node and relationship the records mention, once each."""
    nodes: dict[str, Any] = {}
    relationships: dict[str, Any] = {}
    for record in reader.each(result):
        found_nodes: dict[str, Any] = {}
        found_rels: dict[str, Any] = {}
        for value in record.values():
            _collect(value, found_nodes, found_rels)
        new = {k: v for k, v in found_nodes.items() if k not in nodes}
        new_rels = {k: v for k, v in found_rels.items() if k not in relationships}
        if reader.take({"nodes": list(new.values()), "relationships": list(new_rels.values())}) is None:
            break
        nodes.update(new)
        relationships.update(new_rels)
    return {"nodes": list(nodes.values()), "relationships": list(relationships.values())}


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


def _reason(exc: Exception) -> str:
    """The driver's reason for a failed connection, without its addresses and wrappers.

    >>> _reason(OSError("Couldn't connect to 127.0.0.1:9 (resolved to ...): Failed to establish connection to "
    ...                 "ResolvedIPv4Address(('127.0.0.1', 9)) (reason [Errno 111] Connection refused)"))
    'connection refused'
    """
    text = " ".join(str(exc).split())
    found = re.search(r"reason (?:\[Errno -?\d+\] )?([^)]*)\)", text)
    reason = found.group(1) if found else text
    return (reason[:1].lower() + reason[1:])[:120] or type(exc).__name__
