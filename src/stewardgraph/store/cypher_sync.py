"""The sync that makes a Neo4j database hold exactly the projection of the RDF graph.

Every run has an id. Nodes it writes carry that id while it runs; nodes that carry another id
(or none) are then deleted, and the ids removed. Relationships are not marked: once the nodes
are in place, every relationship between them is deleted and the projection's are created
afresh (a CREATE costs far less than a MERGE plus two property writes per relationship). A run
that was interrupted therefore leaves nothing the next run does not clean up in one pass. Into
an empty database, nodes are simply created, unmarked. A
``SyncState`` node records when the last run started and whether it finished, so the next run
can say that it repaired an interrupted one.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from stewardgraph.projection import Projection
from stewardgraph.store.cypher import ALL_LABELS, CypherStore, counts

STATE_LABEL = "SyncState"
CLEANUP_BATCH = 10_000
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class SyncReport:
    counts: dict[str, dict[str, int]]
    repaired: bool  # the previous sync had been interrupted; this one cleaned up after it


def sync(store: CypherStore, projection: Projection, *, batch: int = 2_000,
         progress: Progress | None = None) -> SyncReport:
    """Make the database hold exactly the projection: constraints and indexes first, then nodes
    in UNWIND batches, then the relationships; whatever the projection lacks is removed."""
    step = progress or (lambda _text, _done, _total: None)
    total = len(projection.nodes) + len(projection.relationships)
    done = 0
    run = uuid.uuid4().hex
    with store.errors(), store.driver.session(database=store.database) as session:
        session.run("CREATE CONSTRAINT resource_uri IF NOT EXISTS FOR (n:Resource) REQUIRE n.uri IS UNIQUE").consume()
        for label in ALL_LABELS:
            session.run(f"CREATE INDEX {label.lower()}_name IF NOT EXISTS FOR (n:{label}) ON (n.name)").consume()
        session.run("CALL db.awaitIndexes(60)").consume()
        previous = session.run(f"MERGE (s:{STATE_LABEL} {{id: 'neo4j-sync'}}) "
                               "WITH s, s.started IS NOT NULL AND s.finished IS NULL AS interrupted "
                               "SET s.started = datetime(), s.finished = null, s.run = $run "
                               "RETURN interrupted", run=run).single(strict=True)["interrupted"]

        def write(query: str, rows: list[dict[str, Any]], what: str) -> None:
            nonlocal done
            for chunk in _chunks(rows, batch):
                session.run(query, rows=chunk, run=run).consume()
                done += len(chunk)
                step(what, done, total)

        def in_batches(match: str, change: str) -> None:
            # Each of these touches the whole graph, so it commits in batches: one transaction
            # over millions of relationships would pass the server's memory limit for one.
            session.run(f"MATCH {match} CALL {change} IN TRANSACTIONS OF {CLEANUP_BATCH} ROWS", run=run).consume()

        # Into an empty database, nodes are created outright: there is nothing to match, mark or remove.
        fresh = session.run("MATCH (n:Resource) RETURN count(n) = 0 AS empty").single(strict=True)["empty"]
        groups: dict[tuple[str, ...], list[dict[str, Any]]] = defaultdict(list)
        for node in projection.nodes.values():
            groups[tuple(sorted(node.labels))].append({"uri": node.uri, "props": node.properties})
        remove = ":".join(ALL_LABELS)
        for labels, rows in sorted(groups.items()):
            if fresh:
                write(f"UNWIND $rows AS row CREATE (n:{':'.join(labels)}) SET n = row.props", rows, "nodes")
            else:
                write(f"UNWIND $rows AS row MERGE (n:Resource {{uri: row.uri}}) "
                      f"SET n = row.props, n._sync = $run REMOVE n:{remove} SET n:{':'.join(labels)}", rows, "nodes")
        if not fresh:
            in_batches("(n:Resource) WHERE n._sync IS NULL OR n._sync <> $run", "(n) { DETACH DELETE n }")
            in_batches("(:Resource)-[r]->(:Resource)", "(r) { DELETE r }")
        by_type: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for rel in projection.relationships:
            by_type[rel.type].append({"start": rel.start, "end": rel.end, "props": rel.properties})
        for kind, rows in sorted(by_type.items()):
            write(f"UNWIND $rows AS row MATCH (a:Resource {{uri: row.start}}) MATCH (b:Resource {{uri: row.end}}) "
                  f"CREATE (a)-[r:{kind}]->(b) SET r = row.props", rows, "relationships")
        if not fresh:
            in_batches("(n:Resource)", "(n) { REMOVE n._sync }")
        session.run(f"MATCH (s:{STATE_LABEL} {{id: 'neo4j-sync'}}) SET s.finished = datetime()").consume()
        found = counts(session)
    return SyncReport(found, bool(previous))


def _chunks(rows: list[Any], size: int) -> Iterator[list[Any]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]
