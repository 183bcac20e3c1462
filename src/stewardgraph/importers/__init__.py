"""Importers of real foundation data: the parsing layer.

Each importer reads one upstream file (Apache: one directory) into an :class:`ImportResult` of
located projects, members and problems, citing its :class:`Upstream`. ``IMPORTERS`` maps each
source name to its importer.
"""

from __future__ import annotations

from stewardgraph.importers import apache, cdf, cncf, lfai, openjs, pytorch
from stewardgraph.importers.base import (
    DateKind,
    ImportedMember,
    ImportedProject,
    Importer,
    ImportProblem,
    ImportRefused,
    ImportResult,
    ImportUnavailable,
    Location,
    Stage,
    StageEvent,
    Upstream,
)

IMPORTERS: dict[str, Importer] = {
    "cncf": cncf.importer,
    "apache": apache.importer,
    "lfai": lfai.importer,
    "pytorch": pytorch.importer,
    "cdf": cdf.importer,
    "openjs": openjs.importer,
}

__all__ = [
    "IMPORTERS", "DateKind", "ImportProblem", "ImportRefused", "ImportResult", "ImportUnavailable",
    "ImportedMember", "ImportedProject", "Importer", "Location", "Stage", "StageEvent", "Upstream",
]  # fmt: skip
