"""PyTorch Foundation: the hosted projects and members in pytorch-fdn/landscape's landscape.yml.

Hosted are the items of the foundation's own category "PyTorch Projects" (marked
``project: foundation``), with the vote in ``extra.accepted``. Elsewhere in this landscape
``project: archived`` marks an archived *ecosystem* entry, not a hosted project, so those are
skipped. Members are the category "PyTorch Members", tier = subcategory.
"""

from __future__ import annotations

from stewardgraph.importers.landscape import LandscapeImporter

importer = LandscapeImporter(
    name="pytorch",
    foundation="pytorch-foundation",
    default_url="https://raw.githubusercontent.com/pytorch-fdn/landscape/main/landscape.yml",
    repository="pytorch-fdn/landscape",
    title="PyTorch Landscape (landscape.yml)",
    member_category="PyTorch Members",
    publisher="PyTorch Foundation",
    statuses={"foundation": "hosted", "archived": "archived"},
    entry_stage="hosted",
    project_categories=frozenset({"PyTorch Projects"}),
    status_means_hosted=False,
)
