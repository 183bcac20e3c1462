"""Settings: the one typed configuration object. No other module reads the environment."""

from __future__ import annotations

from pathlib import Path

import platformdirs
from pydantic import Field
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

    @property
    def store_dir(self) -> Path:
        return self.data_dir / "store"
