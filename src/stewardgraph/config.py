"""Settings: the one typed configuration object. No other module reads the environment."""

from __future__ import annotations

from pathlib import Path

import platformdirs
from typing import Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from stewardgraph.resources import resource_dir

# Every import, in the order a build reads them (later ones match against earlier ones: the
# foundations directory comes last, so that its sponsors meet the members the landscapes brought);
# the importers themselves are in stewardgraph.importers.IMPORTERS, in the same order.
SOURCES = ("cncf", "apache", "lfai", "pytorch", "cdf", "openjs", "finos", "lfenergy", "aswf", "fossfoundation")

# Procedures read-only Cypher may call by default: those Neo4j Browser uses to draw the schema.
READ_PROCEDURES = ("db.labels", "db.relationshipTypes", "db.propertyKeys", "db.schema.visualization",
                   "db.schema.nodeTypeProperties", "db.schema.relTypeProperties")


def _default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir("stewardgraph"))


class Settings(BaseSettings):
    """Configuration, read from `STEWARDGRAPH_*` environment variables or given explicitly."""

    model_config = SettingsConfigDict(env_prefix="STEWARDGRAPH_", frozen=True, extra="forbid")

    data_dir: Path = Field(
        default_factory=_default_data_dir,
        description="Directory of the persistent embedded store (default: the user's data directory).",
    )
    in_memory: bool = Field(
        default=False, description="Keep the store in memory instead of on disk (for tests)."
    )
    ontology_dir: Path = Field(
        default_factory=lambda: resource_dir("ontology"),
        description="Directory holding stewardgraph.ttl and shapes.ttl.",
    )
    curated_dir: Path = Field(
        default_factory=lambda: resource_dir("data/curated"),
        description="Directory of curated YAML fact files.",
    )
    queries_dir: Path = Field(
        default_factory=lambda: resource_dir("queries"),
        description="Directory of named queries.",
    )
    imports: str = Field(
        default=",".join(SOURCES),
        description="Comma-separated imports that 'stewardgraph build' includes (all by default; "
        "an empty value builds the curated facts alone).",
    )
    kept_dir: Path = Field(
        default_factory=lambda: resource_dir("data") / "imports",
        description="Directory of the facts kept from each import (<source>.jsonl), which 'stewardgraph build' "
        "reads and 'stewardgraph import' rewrites.",
    )
    import_dir: Path | None = Field(
        default=None,
        description="Directory of upstream foundation data files (snapshots) that 'stewardgraph build' reads "
        "instead of the kept facts, and 'stewardgraph import' reads instead of downloading.",
    )
    aliases_file: Path = Field(
        default_factory=lambda: resource_dir("data") / "aliases.yaml",
        description="Matching overrides for imported entities.",
    )
    row_cap: int = Field(
        default=10_000, gt=0, description="Most rows any query returns; more are cut and flagged."
    )
    query_timeout: float = Field(
        default=10.0, gt=0, description="Seconds a public query may run; a request may lower it."
    )
    query_timeout_floor: float = Field(
        default=0.5, gt=0,
        description="Shortest time limit a request may ask for; a lower one is raised to this, so that "
        "tiny limits cannot be used to kill worker after worker.",
    )
    query_max_bytes: int = Field(
        default=32_768, gt=0, description="Longest SPARQL or Cypher text accepted, in bytes; longer gets 413."
    )
    query_max_depth: int = Field(
        default=64, gt=0, description="Deepest nesting of brackets in a SPARQL query; deeper is refused (400)."
    )
    allowed_endpoints: str = Field(
        default="",
        description="Comma-separated URLs that SPARQL SERVICE (and LOAD, with the update token) may fetch; "
        "empty: the service never fetches anything.",
    )
    query_workers: int = Field(
        default=2, ge=1, description="Worker processes that run the service's queries."
    )
    query_workers_max: int = Field(
        default=6, ge=1, description="Most worker processes when slow queries keep the others busy."
    )
    query_memory_mb: int = Field(
        default=512, ge=0,
        description="Memory (MiB) one query may use in a worker beyond what the worker needs at rest; a query "
        "that needs more is stopped with 400. 0: no bound.",
    )
    query_in_memory_max: int = Field(
        default=2_000_000, ge=0,
        description="Largest graph (in quads) that the query workers hold in memory, where Oxigraph answers several "
        "times faster than from disk (about 400 bytes a quad, once for all workers); a bigger one is read from disk. "
        "0: always disk.",
    )
    query_slow_seconds: float = Field(
        default=0.5, gt=0,
        description="A query running longer than this is slow: it runs at the lowest CPU priority, and at most "
        "QUERY_WORKERS_MAX - QUERY_WORKERS slow queries (at least one) run at once, so that the other workers "
        "stay free for quick ones; another is stopped with 503.",
    )
    query_respawn_seconds: float = Field(
        default=0.1, gt=0,
        description="Once a burst of worker starts is used up, at most one new worker per this many seconds, so "
        "that queries that get their worker killed cannot keep the machine busy starting workers.",
    )
    host: str = Field(default="127.0.0.1", description="Address the service listens on.")
    max_body_bytes: int = Field(
        default=1_048_576, gt=0, description="Largest request body the service reads; a bigger one gets 413."
    )
    max_header_bytes: int = Field(
        default=16_384, gt=0, description="Largest request head (request line and headers) the service reads."
    )
    shutdown_seconds: int = Field(
        default=3, ge=1,
        description="On SIGTERM or Ctrl-C, seconds in-flight requests get to finish before the server exits anyway.",
    )
    port: int = Field(default=8000, ge=0, le=65535, description="Port the service listens on.")
    update_token: SecretStr | None = Field(
        default=None,
        description="Bearer token that enables SPARQL Update; without it the service is read-only.",
    )
    backend: Literal["embedded", "remote"] = Field(
        default="embedded", description="Where the graph lives: the embedded store or a remote SPARQL server."
    )
    remote_query_url: str | None = Field(default=None, description="Remote SPARQL 1.1 query endpoint.")
    remote_update_url: str | None = Field(default=None, description="Remote SPARQL 1.1 update endpoint.")
    remote_gsp_url: str | None = Field(default=None, description="Remote Graph Store Protocol endpoint.")
    remote_user: str | None = Field(default=None, description="User for the remote server (HTTP basic).")
    remote_password: SecretStr | None = Field(default=None, description="Password for the remote server.")
    query_backend: Literal["sparql", "neo4j"] = Field(
        default="sparql", description="Engine that answers named queries unless a request says otherwise."
    )
    neo4j_uri: str | None = Field(
        default=None,
        description="Bolt URI of Neo4j (bolt://, neo4j://, neo4j+s:// ...); default: the server 'stewardgraph neo4j start' runs.",
    )
    neo4j_user: str = Field(default="neo4j", description="Neo4j user.")
    neo4j_password: SecretStr = Field(
        default=SecretStr("stewardgraph"), description="Neo4j password (also the initial one 'neo4j start' sets)."
    )
    neo4j_database: str = Field(default="neo4j", description="Neo4j database.")
    neo4j_read_user: str | None = Field(
        default=None,
        description="Neo4j user with a read-only role (Enterprise, Aura) that runs every read query; "
        "unset: the Neo4j user, guarded by the query plan check alone (Community has no roles).",
    )
    neo4j_read_password: SecretStr | None = Field(default=None, description="Password of the read-only Neo4j user.")
    neo4j_concurrency: int = Field(
        default=4, ge=1, description="Cypher queries that may wait on Neo4j at once; more get 503."
    )
    cypher_procedures: str = Field(
        default=",".join(sorted(READ_PROCEDURES)),
        description="Comma-separated procedures that read-only Cypher may CALL; every other one is refused.",
    )
    result_max_bytes: int = Field(
        default=16 * 2**20, gt=0,
        description="Most bytes of rows a Cypher query returns; a bigger result is cut and flagged truncated.",
    )
    neo4j_bolt_port: int = Field(default=7687, description="Bolt port of the server 'neo4j start' runs.")
    neo4j_http_port: int = Field(default=7474, description="HTTP port (Neo4j Browser) of the server 'neo4j start' runs.")
    cache_dir: Path | None = Field(
        default=None, description="Where downloaded server jars are cached (default: <data_dir>/cache)."
    )

    @field_validator("update_token", "remote_password", "neo4j_read_password", mode="before")
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        return None if value == "" else value

    @property
    def store_dir(self) -> Path:
        return self.data_dir / "store"

    @property
    def endpoints(self) -> frozenset[str]:
        return frozenset(url.strip() for url in self.allowed_endpoints.split(",") if url.strip())

    @property
    def procedures(self) -> frozenset[str]:
        return frozenset(name.strip() for name in self.cypher_procedures.split(",") if name.strip())

    @property
    def import_sources(self) -> list[str]:
        """The imports to build, once each, in the order of SOURCES (unknown names last: the build
        refuses them by name)."""
        names = list(dict.fromkeys(name.strip() for name in self.imports.split(",") if name.strip()))
        return sorted(names, key=lambda name: SOURCES.index(name) if name in SOURCES else len(SOURCES))

    @property
    def neo4j_home(self) -> Path:
        return self.data_dir / "neo4j"

    @property
    def jar_cache(self) -> Path:
        return self.cache_dir or self.data_dir / "cache"

    @property
    def bolt_uri(self) -> str:
        return self.neo4j_uri or f"bolt://127.0.0.1:{self.neo4j_bolt_port}"
