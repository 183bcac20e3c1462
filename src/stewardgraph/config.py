"""Settings: the one typed configuration object. No other module reads the environment."""

from __future__ import annotations

from pathlib import Path

import platformdirs
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from stewardgraph.resources import resource_dir


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
    row_cap: int = Field(
        default=10_000, gt=0, description="Most rows any query returns; more are cut and flagged."
    )
    query_timeout: float = Field(
        default=10.0, gt=0, description="Seconds a public query may run; a request may lower it."
    )
    query_workers: int = Field(
        default=2, ge=1, description="Worker processes that run the service's queries."
    )
    host: str = Field(default="127.0.0.1", description="Address the service listens on.")
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

    @property
    def store_dir(self) -> Path:
        return self.data_dir / "store"
