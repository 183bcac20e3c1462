"""The registry of Linux Foundation landscapes: one entry per foundation, read by one importer.

Each entry names the foundation (its id in the graph), where its landscape.yml lives upstream,
its members' category, and which ``project:`` statuses (or which categories) mean "hosted".
Adding a landscape is one entry here, one line in ``data/imports.yaml`` for its snapshot, and a
fixture test. What the entries say about each file:

- ``cncf``: hosted are the items with ``project: sandbox|incubating|graduated|archived``; the
  votes are in ``extra.accepted`` (entry, into the sandbox unless it is also the incubating
  date), ``extra.incubating``, ``extra.graduated`` and ``extra.archived``. Members: "CNCF
  Members" ("End User Supporter and Contributor" -> end-user).
- ``lfai``: a ``project:`` status (the file also writes "incubation" once); no dates today.
  Members: "LF AI & Data Member Company"; "Hosting Companies" are not members.
- ``pytorch``: hosted are the items of the foundation's own category "PyTorch Projects"
  (``project: foundation``), with the vote in ``extra.accepted``; elsewhere ``project: archived``
  marks an archived *ecosystem* entry, so those are skipped. Members: "PyTorch Members".
- ``cdf``: a ``project:`` status, no dates. Members: "CDF Members" ("End User" -> end-user).
- ``finos``: ``project: incubating|graduated|archived``; "sig" marks a special interest group,
  not a project. ``extra.accepted``, where given, is the contribution's acceptance, before its
  ``extra.incubating``. Members: "FINOS Members" (empty in the file today).
- ``lfenergy``: ``project: sandbox|incubating|earlyadoption|graduated`` with the entry vote in
  ``extra.accepted``; SIGs and working groups are not projects. Members: "LF Energy Member"
  (the "LFESS Member" category is the separate LF Energy Supply-chain programme's).
- ``aswf``: ``project: sandbox|incubating|graduated`` with ``extra.accepted``; working groups
  are not projects. Members: "ASWF Member Company".
"""

from __future__ import annotations

from stewardgraph.importers.base import Stage
from stewardgraph.importers.landscape import LandscapeImporter

_STAGES: dict[str, Stage] = {
    "sandbox": "sandbox", "incubating": "incubating", "graduated": "graduated", "archived": "archived",
}

LANDSCAPES: dict[str, LandscapeImporter] = {
    importer.name: importer
    for importer in (
        LandscapeImporter(
            name="cncf", foundation="cncf", repository="cncf/landscape",
            default_url="https://raw.githubusercontent.com/cncf/landscape/master/landscape.yml",
            title="CNCF Cloud Native Landscape (landscape.yml)", publisher="Cloud Native Computing Foundation",
            member_category="CNCF Members", statuses=_STAGES, entry_stage="sandbox",
        ),
        LandscapeImporter(
            name="lfai", foundation="lf-ai-data", repository="lfai/lfai-landscape",
            default_url="https://raw.githubusercontent.com/lfai/lfai-landscape/main/landscape.yml",
            title="LF AI & Data Landscape (landscape.yml)", publisher="LF AI & Data Foundation",
            member_category="LF AI & Data Member Company", statuses={**_STAGES, "incubation": "incubating"},
            entry_stage="sandbox",
        ),
        LandscapeImporter(
            name="pytorch", foundation="pytorch-foundation", repository="pytorch-fdn/landscape",
            default_url="https://raw.githubusercontent.com/pytorch-fdn/landscape/main/landscape.yml",
            title="PyTorch Landscape (landscape.yml)", publisher="PyTorch Foundation",
            member_category="PyTorch Members", statuses={"foundation": "hosted", "archived": "archived"},
            entry_stage="hosted", project_categories=frozenset({"PyTorch Projects"}), status_means_hosted=False,
        ),
        LandscapeImporter(
            name="cdf", foundation="cd-foundation", repository="cdfoundation/landscape",
            default_url="https://raw.githubusercontent.com/cdfoundation/landscape/HEAD/landscape.yml",
            title="CD Foundation Landscape (landscape.yml)", publisher="Continuous Delivery Foundation",
            member_category="CDF Members", statuses=_STAGES, entry_stage="incubating",
        ),
        LandscapeImporter(
            name="finos", foundation="finos", repository="finos/finos-landscape",
            default_url="https://raw.githubusercontent.com/finos/finos-landscape/HEAD/landscape.yml",
            title="FINOS Landscape (landscape.yml)", publisher="FINOS",
            member_category="FINOS Members", statuses=_STAGES, entry_stage="hosted",
            not_hosted=frozenset({"sig"}),
        ),
        LandscapeImporter(
            name="lfenergy", foundation="lf-energy", repository="lf-energy/lfenergy-landscape",
            default_url="https://raw.githubusercontent.com/lf-energy/lfenergy-landscape/HEAD/landscape.yml",
            title="LF Energy Landscape (landscape.yml)", publisher="LF Energy",
            member_category="LF Energy Member", statuses={**_STAGES, "earlyadoption": "early-adoption"},
            entry_stage="sandbox", not_hosted=frozenset({"sig", "working-group"}),
        ),
        LandscapeImporter(
            name="aswf", foundation="academy-software-foundation",
            repository="AcademySoftwareFoundation/aswf-landscape",
            default_url="https://raw.githubusercontent.com/AcademySoftwareFoundation/aswf-landscape/HEAD/landscape.yml",
            title="Academy Software Foundation Landscape (landscape.yml)", publisher="Academy Software Foundation",
            member_category="ASWF Member Company", statuses=_STAGES, entry_stage="sandbox",
            not_hosted=frozenset({"working-group", "long-term-working-group"}),
        ),
    )
}
