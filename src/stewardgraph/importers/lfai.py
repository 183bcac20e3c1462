"""LF AI & Data: the hosted projects and members in lfai/lfai-landscape's landscape.yml.

Hosted are the items with a ``project:`` status (sandbox, incubating, graduated, archived; the
file also writes "incubation" once). The file gives no dates today; if a newer one carries
``extra.accepted`` and the like, they are read as for CNCF. Members are the category
"LF AI & Data Member Company", tier = subcategory; "Hosting Companies" are not members.
"""

from __future__ import annotations

from stewardgraph.importers.landscape import LandscapeImporter

importer = LandscapeImporter(
    name="lfai",
    foundation="lf-ai-data",
    default_url="https://raw.githubusercontent.com/lfai/lfai-landscape/main/landscape.yml",
    repository="lfai/lfai-landscape",
    title="LF AI & Data Landscape (landscape.yml)",
    member_category="LF AI & Data Member Company",
    publisher="LF AI & Data Foundation",
    statuses={
        "sandbox": "sandbox", "incubating": "incubating", "incubation": "incubating",
        "graduated": "graduated", "archived": "archived",
    },  # fmt: skip
    entry_stage="sandbox",
)
