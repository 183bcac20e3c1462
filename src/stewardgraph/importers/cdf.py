"""CD Foundation: the hosted projects and members in cdfoundation/landscape's landscape.yml.

Hosted are the items with a ``project:`` status (incubating, graduated; sandbox and archived are
accepted too). The file gives the status only, no dates. Members are the category
"CDF Members", tier = subcategory ("End User" -> end-user).
"""

from __future__ import annotations

from stewardgraph.importers.landscape import LandscapeImporter

importer = LandscapeImporter(
    name="cdf",
    foundation="cd-foundation",
    # The repository's default branch, whatever its name.
    default_url="https://raw.githubusercontent.com/cdfoundation/landscape/HEAD/landscape.yml",
    repository="cdfoundation/landscape",
    title="CD Foundation Landscape (landscape.yml)",
    member_category="CDF Members",
    publisher="Continuous Delivery Foundation",
    statuses={
        "sandbox": "sandbox", "incubating": "incubating", "graduated": "graduated",
        "archived": "archived",
    },  # fmt: skip
    entry_stage="incubating",
)
