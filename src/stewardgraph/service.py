"""The facade: settings, store, ontology and query catalogue behind one object.

The CLI and the web layer parse input, call a method here, and format what comes back.
"""

from __future__ import annotations

import hmac
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from stewardgraph.config import Settings
from stewardgraph.errors import (
    Forbidden,
    NotAcceptable,
    NotFound,
    ParameterError,
    QueryRefused,
    StewardGraphError,
)
from stewardgraph import formats
from stewardgraph.binding import cypher_parameters, sparql_bindings
from stewardgraph.guard import Guard, Term, bind, capped, check, counted, paginate
from stewardgraph.ontology import Ontology
from stewardgraph.queries import ENTITY_TYPES, Catalogue, NamedQuery
from stewardgraph.records import SLUG
from stewardgraph.store import Document, Limits, QueryOptions, QueryResult, Store, Table
from stewardgraph.store.base import IRI_PATTERN
from stewardgraph.store.embedded import write_lock
from stewardgraph.namespaces import ID, NS, PREFIXES
from stewardgraph.names import did_you_mean
from stewardgraph.opening import open_store

_KIND: dict[str, formats.Kind] = {"select": "results", "ask": "results", "construct": "rdf", "describe": "rdf"}
XSD_DATE = ox.NamedNode("http://www.w3.org/2001/XMLSchema#date")
if TYPE_CHECKING:  # building and the Neo4j driver are big: they are imported when first used
    from stewardgraph.building import BuildSummary, Compiled
    from stewardgraph.projection import Projection
    from stewardgraph.store.cypher import CypherResult, CypherStore
    from stewardgraph.store.cypher_sync import SyncReport

ALL_ROWS = 100_000_000  # for queries bounded by what they are about, not by the row cap


Progress = Callable[[str], None]


class StewardGraph:
    """The stewardship graph.

    >>> graph = StewardGraph(Settings(in_memory=True))
    >>> summary = graph.build()
    >>> [(r["steward"], r["role"], r["since"]) for r in graph.run("steward-at", {"project": "PyTorch", "date": "2021"}).rows]
    [('Facebook', 'owner', '2016')]
    """

    def __init__(self, settings: Settings, *, store: Store | None = None) -> None:
        self.settings = settings
        self._store = store

    # -- parts ---------------------------------------------------------------------------------

    @property
    def store(self) -> Store:
        if self._store is None:
            self._store = open_store(self.settings)
        return self._store

    @cached_property
    def ontology(self) -> Ontology:
        return Ontology.load(self.settings.ontology_dir)

    @cached_property
    def catalogue(self) -> Catalogue:
        return Catalogue.load(self.settings.queries_dir)

    @cached_property
    def guard(self) -> Guard:
        s = self.settings
        return Guard(max_bytes=s.query_max_bytes, max_depth=s.query_max_depth, allowed_endpoints=s.endpoints)

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
        if "cypher_store" in self.__dict__:
            self.cypher_store.close()

    # -- building ------------------------------------------------------------------------------

    def compile(self, paths: Iterable[Path] | None = None, progress: Progress | None = None, *,
                imports: Sequence[Any] = ()) -> Compiled:
        """Read, check and convert curated files and imports without touching the store."""
        from stewardgraph import building

        return building.compile_data(self, paths, progress, imports=imports)

    def validate(self, paths: Iterable[Path] | None = None, progress: Progress | None = None) -> BuildSummary:
        """Check the curated files (and the configured imports) without loading anything."""
        from stewardgraph import building

        return building.validate(self, paths, progress)

    def build(self, paths: Iterable[Path] | None = None, progress: Progress | None = None, *,
              allow_shrink: bool = False) -> BuildSummary:
        """Validate everything (with the configured imports), then replace the stored graph in one swap.

        An import that gives no records, or less than half the triples the graph holds from its
        source, is refused (nothing changes) unless ``allow_shrink``."""
        from stewardgraph import building

        with self._write_lock("stewardgraph build"):
            return building.build(self, paths, progress, allow_shrink=allow_shrink)

    def import_source(
        self, source: str, location: str | Path | None = None, *, commit: str | None = None,
        as_of: str | None = None, progress: Progress | None = None, allow_shrink: bool = False,
    ) -> BuildSummary:
        """Replace one source's named graph in the current graph, matching its entities
        against everything else there. A file that gives no records, or less than half the
        triples the graph holds from the source, is refused unless ``allow_shrink``."""
        from stewardgraph import building

        with self._write_lock(f"stewardgraph import {source}"):
            return building.import_source(self, source, location, commit=commit, as_of=as_of, progress=progress,
                                          allow_shrink=allow_shrink)

    def _write_lock(self, what: str) -> AbstractContextManager[None]:
        """One writer at a time for the on-disk store; other stores need no lock here."""
        s = self.settings
        if s.backend == "embedded" and not s.in_memory:
            return write_lock(s.store_dir, what)
        return nullcontext()

    # -- querying ------------------------------------------------------------------------------

    def query(
        self,
        sparql: str,
        *,
        bindings: Mapping[str, Term | Sequence[Term]] | None = None,
        timeout: float | None = None,
        default_graphs: Sequence[str] = (),
        named_graphs: Sequence[str] = (),
        prefixes: bool = True,
        row_cap: int | None = None,
        media: str | None = None,
    ) -> QueryResult:
        """Run read-only SPARQL. The default graph is the union of all graphs, unless
        ``default_graphs`` names some; with ``prefixes`` our prefixes are predeclared.

        The text is parsed first (see ``guard``): nothing that would make the engine fetch a URL
        runs, and graphs named by FROM or the protocol must be graphs of the store. ``bindings``
        bind variables to terms; ``media`` asks for the result written in that media type
        (``formats``), else SELECT gives a Table, ASK a bool, CONSTRUCT an N-Triples Document."""
        checked = check(sparql, self.guard, prefixes=PREFIXES if prefixes else {})
        if media is not None and media not in formats.offered(_KIND[checked.form]):
            raise NotAcceptable(f"a {checked.form.upper()} query cannot give {media}")
        self._check_graphs(checked.graphs, "query")
        self._check_graphs(default_graphs, "default-graph-uri")
        self._check_graphs(named_graphs, "named-graph-uri")
        limits = self.limits(timeout, row_cap)
        text = bind(sparql, checked, bindings or {})
        native = media is not None and checked.form == "select"
        options = QueryOptions(
            limits=limits,
            prefixes=PREFIXES if prefixes else {},
            default_graphs=tuple(default_graphs),
            named_graphs=tuple(named_graphs),
            media=media,
            capped=native,
        )
        return self.store.query(capped(text, limits.rows + 1) if native else text, options)

    def form(self, sparql: str) -> str:
        """What a query gives: select, ask, construct or describe (it is checked on the way)."""
        return check(sparql, self.guard).form

    def limits(self, timeout: float | None = None, rows: int | None = None) -> Limits:
        """The limits of one query: the time a request asks for, never above the configured limit
        nor below its floor, and the row cap."""
        s = self.settings
        seconds = s.query_timeout if not timeout else min(max(timeout, s.query_timeout_floor), s.query_timeout)
        return Limits(timeout=seconds, rows=rows or s.row_cap)

    def _check_graphs(self, graphs: Sequence[str], parameter: str) -> None:
        """Graphs a query names must be IRIs of graphs the store holds: the service never fetches one."""
        if not graphs:
            return
        for iri in graphs:
            if not IRI_PATTERN.match(iri):
                raise ParameterError(parameter, f"'{iri}' is not an IRI")
        for iri in dict.fromkeys(graphs):
            if not self.run("has-graph", {"graph": iri}, backend="sparql").rows:
                raise QueryRefused(f"{parameter}: <{iri}> is not a graph of this store, and the service "
                                   "never fetches graphs from elsewhere")

    def select(self, sparql: str, **kwargs: Any) -> Table:
        """Run a SELECT query and return plain rows."""
        result = self.query(sparql, **kwargs)
        if not isinstance(result, Table):
            raise StewardGraphError("expected a SELECT query")
        return result

    def run(
        self, name: str, params: Mapping[str, Any] | None = None, *, timeout: float | None = None,
        backend: str | None = None, limit: int | None = None, offset: int = 0, media: str | None = None,
    ) -> Table:
        """Run a named query with raw parameter values (text or Python), on SPARQL or on its
        Cypher twin in Neo4j. ``limit`` and ``offset`` take one page of a paginated query: it
        reads one row more, so that ``truncated`` says whether another page follows."""
        named = self.catalogue.get(name)
        engine = backend or self.settings.query_backend
        if self.form(named.text) != "select":
            raise NotAcceptable(f"named query '{name}' gives RDF, not rows: read it at /id/<kind>/<id>")
        if engine not in ("sparql", "neo4j"):
            raise ParameterError("backend", f"'{engine}' is not one of: sparql, neo4j")
        if limit is not None and not named.paginate:
            raise ParameterError("limit", f"named query '{name}' gives no pages")
        values = self._values(named, params or {}, engine)
        if engine == "neo4j":
            if named.cypher is None:
                raise NotFound(f"named query '{name}' has no Cypher twin")
            found = self.cypher_store.read(named.cypher, cypher_parameters(named, values),
                                           timeout=self.limits(timeout).timeout, row_cap=self.settings.row_cap)
            table = Table(list(named.columns), [{c: row.get(c) for c in named.columns} for row in found.rows],
                          found.truncated)
        else:
            # the text is checked as written, then its parameters bound: a long list of values is
            # not a long query (the size limit is for text that clients send)
            text = named.text if limit is None else paginate(named.text, limit + 1, offset)
            cap = limit + 1 if limit is not None else (ALL_ROWS if named.all_rows else None)
            result = self.query(text, bindings=self._terms(values, named), timeout=timeout, prefixes=False,
                                row_cap=cap)
            if not isinstance(result, Table):
                raise StewardGraphError(f"named query '{name}' is not a SELECT query")
            table = result
            if limit is not None:
                table = Table(table.columns, table.rows[:limit], len(table.rows) > limit)
        for row in table.rows:
            for column in named.sets:
                if row.get(column) is not None:
                    row[column] = " ".join(sorted(set(str(row[column]).split())))
        return table

    def count(self, name: str, params: Mapping[str, Any] | None = None, *, timeout: float | None = None) -> int:
        """How many rows a paginated named query gives in all."""
        named = self.catalogue.get(name)
        found = self.query(counted(named.text), bindings=self._terms(self._values(named, params or {}, "sparql"), named),
                           timeout=timeout, prefixes=False)
        assert isinstance(found, Table)
        return int(str(found.rows[0]["total"]))

    def document(self, name: str, params: Mapping[str, Any], *, media: str, timeout: float | None = None) -> Document:
        """A CONSTRUCT named query's triples, written in an RDF media type."""
        named = self.catalogue.get(name)
        found = self.query(named.text, bindings=self._terms(self._values(named, params, "sparql"), named),
                           timeout=timeout, prefixes=False, media=media, row_cap=ALL_ROWS if named.all_rows else None)
        assert isinstance(found, Document)
        return found

    def bound_text(self, name: str, params: Mapping[str, Any]) -> str:
        """The SPARQL of a named query with its parameters bound (names resolved to IRIs), as the
        embedded engine runs it: to read, or to change in the SPARQL editor."""
        named = self.catalogue.get(name)
        return self._bound(named, self._values(named, params, "sparql"))

    def _terms(self, values: Mapping[str, Any], named: NamedQuery) -> dict[str, Term | list[Term]]:
        return sparql_bindings(named, values, self.ontology.vocabularies.event_types)

    def _bound(self, named: NamedQuery, values: Mapping[str, Any]) -> str:
        return bind(named.text, check(named.text, self.guard, prefixes={}), self._terms(values, named))

    def update(self, sparql: str, *, token: str | None) -> None:
        """Run SPARQL Update, only with the configured token."""
        expected = self.settings.update_token
        if expected is None:
            raise Forbidden("updates are disabled: this service is read-only")
        if token is None or not hmac.compare_digest(token.encode(), expected.get_secret_value().encode()):
            raise Forbidden("updates need the configured bearer token")
        check(sparql, self.guard, kind="update")
        with self._write_lock("SPARQL update"):
            self.store.update(sparql)

    def _values(self, named: NamedQuery, params: Mapping[str, Any], engine: str) -> dict[str, Any]:
        """Checked parameter values: names resolved to IRIs (by the engine that runs the query),
        event types validated, dates parsed."""
        values: dict[str, Any] = {}
        for name, value in named.check(params).items():
            kind = named.param(name).type
            if kind in ENTITY_TYPES:
                value = self.resolve(kind, value, parameter=name, backend=engine)
            elif kind == "event_type" and value not in self.ontology.vocabularies.event_types:
                types = ", ".join(sorted(self.ontology.vocabularies.event_types))
                raise ParameterError(name, f"'{value}' is not one of: {types}")
            values[name] = value
        return values

    # -- Neo4j ---------------------------------------------------------------------------------

    @cached_property
    def cypher_store(self) -> CypherStore:
        from stewardgraph.store.cypher import CypherStore

        s = self.settings
        return CypherStore(uri=s.bolt_uri, user=s.neo4j_user, password=s.neo4j_password.get_secret_value(),
                           database=s.neo4j_database, timeout=s.query_timeout, read_user=s.neo4j_read_user,
                           read_password=s.neo4j_read_password.get_secret_value() if s.neo4j_read_password else None,
                           procedures=s.procedures, concurrency=s.neo4j_concurrency, max_bytes=s.result_max_bytes,
                           max_text=s.query_max_bytes,
                           down_hint="; start it with 'stewardgraph neo4j start'" if s.neo4j_uri is None
                           else "; check STEWARDGRAPH_NEO4J_URI and that the server runs")

    def cypher(self, query: str, parameters: Mapping[str, Any] | None = None, *, timeout: float | None = None,
               graph: bool = False) -> CypherResult:
        """Run read-only Cypher with a time limit and the row cap."""
        return self.cypher_store.read(query, parameters or {}, timeout=self.limits(timeout).timeout,
                                      row_cap=self.settings.row_cap, graph=graph)

    def projection(self) -> Projection:
        from stewardgraph.projection import project

        return project(ox.parse(self.store.dump("nquads"), format=ox.RdfFormat.N_QUADS))

    def sync_neo4j(self, progress: Callable[[str, int, int], None] | None = None) -> SyncReport:
        """Project the RDF graph into Neo4j; a full resync removes what the graph no longer has,
        and repairs what an interrupted sync left behind."""
        from stewardgraph.store.cypher_sync import sync

        return sync(self.cypher_store, self.projection(), progress=progress)

    def resolve(self, kind: str, value: str, *, parameter: str | None = None,
                backend: str | None = None) -> ox.NamedNode:
        """The IRI of a project or organization given by IRI, id, name or alias (any case), found
        by the engine that asks (SPARQL or Neo4j).

        ``kind`` is project, organization, foundation, or entity (a project or an organization).
        """
        kinds = ["project", "organization"] if kind == "entity" else [kind]
        needle = value.strip()
        candidates: set[str] = set()
        for each in kinds:
            cls = NS + each.capitalize()
            id_kind = "project" if each == "project" else "organization"
            iris = [needle] if "://" in needle and IRI_PATTERN.match(needle) else []
            if re.fullmatch(SLUG, needle.lower()):
                iris.append(f"{ID}{id_kind}/{needle.lower()}")
            for iri in iris:
                if self.run("is-a", {"entity": iri, "class": cls}, backend=backend).rows:
                    return ox.NamedNode(iri)
            table = self.run("resolve-name", {"class": cls, "needle": needle.lower()}, backend=backend)
            candidates.update(str(row["entity"]) for row in table.rows)
        if len(candidates) == 1:
            return ox.NamedNode(candidates.pop())
        if not candidates:
            names = {str(row["name"]): str(row["entity"]) for each in kinds
                     for row in self.run("entity-names", {"class": NS + each.capitalize()}, backend=backend).rows}
            raise ParameterError(parameter or kind,
                                 f"no {kind} has the id, name or alias '{value}'{did_you_mean(needle, names)}")
        raise ParameterError(
            parameter or kind,
            f"'{value}' is ambiguous: {', '.join(sorted(candidates))}",
        )

    # -- output --------------------------------------------------------------------------------

    def export(self, fmt: str) -> bytes:
        """The whole graph in a format of formats.EXPORTS; triple formats merge the graphs."""
        if fmt not in formats.EXPORTS:
            raise StewardGraphError(f"unknown export format '{fmt}' (use {', '.join(formats.EXPORTS)})")
        return self.store.dump(fmt)

    def stats(self) -> dict[str, Table]:
        return {"graphs": self.run("graph-stats"), "classes": self.run("class-stats")}


