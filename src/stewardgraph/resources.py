"""Find the ontology, curated data and named queries, from a checkout or an installed wheel."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def resource_dir(name: str) -> Path:
    """The directory `name` (such as ``"queries"``), packaged in the wheel or at the checkout root."""
    packaged = _PACKAGE / "_resources" / name
    if packaged.exists():
        return packaged
    return _PACKAGE.parent.parent / name
