"""CNCF: the hosted projects and members in cncf/landscape's landscape.yml.

Hosted are the items with ``project: sandbox|incubating|graduated|archived``; their votes are in
``extra.accepted`` (entry, into the sandbox unless it is also the incubating date),
``extra.incubating``, ``extra.graduated`` and ``extra.archived``. Members are the category
"CNCF Members", tier = subcategory ("End User Supporter and Contributor" -> end-user).
"""

from __future__ import annotations

from stewardgraph.importers.landscape import LandscapeImporter

importer = LandscapeImporter(
    name="cncf",
    foundation="cncf",
    default_url="https://raw.githubusercontent.com/cncf/landscape/master/landscape.yml",
    repository="cncf/landscape",
    title="CNCF Cloud Native Landscape (landscape.yml)",
    member_category="CNCF Members",
    publisher="Cloud Native Computing Foundation",
    statuses={
        "sandbox": "sandbox", "incubating": "incubating", "graduated": "graduated",
        "archived": "archived",
    },  # fmt: skip
    entry_stage="sandbox",
)
