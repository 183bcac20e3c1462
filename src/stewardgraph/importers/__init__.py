"""Importers of real foundation data: the parsing layer.

Each importer reads one upstream file (Apache: one directory) into an :class:`ImportResult` of
located projects, members and problems, citing its :class:`Upstream`. ``IMPORTERS`` maps each
source name to its importer.
"""

from __future__ import annotations

from stewardgraph.importers import apache, fossfoundation, openjs
from stewardgraph.importers.base import (
    DateKind,
    ImportedMember,
    ImportedOrganization,
    ImportedProject,
    ImportedSponsorship,
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

from stewardgraph.importers.landscapes import LANDSCAPES

# In the order a build imports them (later ones match against earlier ones).
IMPORTERS: dict[str, Importer] = {
    "cncf": LANDSCAPES["cncf"],
    "apache": apache.importer,
    "lfai": LANDSCAPES["lfai"],
    "pytorch": LANDSCAPES["pytorch"],
    "cdf": LANDSCAPES["cdf"],
    "openjs": openjs.importer,
    **{name: importer for name, importer in LANDSCAPES.items() if name not in ("cncf", "lfai", "pytorch", "cdf")},
    "fossfoundation": fossfoundation.importer,
}

__all__ = [
    "IMPORTERS", "DateKind", "ImportProblem", "ImportRefused", "ImportResult", "ImportUnavailable",
    "ImportedMember", "ImportedOrganization", "ImportedProject", "ImportedSponsorship", "Importer", "Location", "Stage", "StageEvent", "Upstream",
]  # fmt: skip
