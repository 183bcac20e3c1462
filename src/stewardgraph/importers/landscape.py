"""The shared reader of landscape.yml files (the cncf/landscape2 data format).

A landscape lists far more than a foundation hosts. An item counts as hosted only when it
carries a ``project:`` status the foundation uses, or sits in the foundation's own project
category; everything else is ecosystem and is skipped. Members are the items of the category
whose name says "Member(s)"; their tier is the subcategory.

Dates in ``extra`` (``accepted``, ``incubating``, ``graduated``, ``archived``) are the dates of
the votes. ``accepted`` is the vote that let the project in, at the foundation's entry stage,
unless it is also the ``incubating`` date (accepted straight into incubation). A member's
``joined`` is kept by the month (most read YYYY-MM-01): a first of the month becomes a month.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from stewardgraph.importers.base import (
    ImportedMember,
    ImportedProject,
    ImportProblem,
    ImportRefused,
    ImportResult,
    Location,
    Stage,
    StageEvent,
    Upstream,
    file_name,
    load_yaml,
    name_aliases,
    normalize_tier,
    order_stages,
    parse_date,
    read_text,
    text,
)
from stewardgraph.records import PartialDate

DATE_STAGES: tuple[tuple[str, Stage], ...] = (
    ("incubating", "incubating"), ("graduated", "graduated"), ("archived", "archived"),
)  # fmt: skip
MEMBER_CATEGORY = re.compile(r"\bmembers?\b", re.IGNORECASE)
# The landscape marks a member's role in its name: "Adyen (member)", "Boeing (contributor)".
_ROLE_SUFFIX = re.compile(r"\s*\((member|supporter|contributor|end[ -]?user)\)\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Item:
    category: str
    subcategory: str
    label: str  # the item's name, or its position when it has none
    data: Mapping[str, Any]


def items(doc: object, name: str, problems: list[ImportProblem]) -> Iterator[Item]:
    """Every item of a landscape, refusing a document that is not a landscape."""
    if not isinstance(doc, dict) or not isinstance(doc.get("landscape"), list):
        raise ImportRefused(f"{name} is not a landscape: no top-level 'landscape' list")
    if not doc["landscape"]:
        raise ImportRefused(f"{name} is not a landscape: the 'landscape' list is empty")
    for c, category in enumerate(doc["landscape"], 1):
        if not isinstance(category, dict) or not isinstance(category.get("subcategories"), list):
            raise ImportRefused(
                f"{name} is not a landscape: category #{c} has no 'subcategories' list"
            )
        cname = text(category.get("name")) or f"#{c}"
        for s, sub in enumerate(category["subcategories"], 1):
            entries = sub.get("items") if isinstance(sub, dict) else ()
            if not isinstance(sub, dict) or not isinstance(entries, (list, type(None))):
                raise ImportRefused(
                    f"{name} is not a landscape: subcategory #{s} of '{cname}' has no 'items' list"
                )
            sname = text(sub.get("name")) or f"#{s}"
            for i, entry in enumerate(entries or (), 1):
                label = f"{cname} / {sname} #{i}"
                if not isinstance(entry, dict):
                    problems.append(ImportProblem(Location(name, label), "not a mapping"))
                    continue
                yield Item(cname, sname, text(entry.get("name")) or label, entry)


@dataclass
class LandscapeImporter:
    """An importer for one foundation's landscape.yml."""

    name: str
    foundation: str
    default_url: str
    repository: str
    title: str
    publisher: str
    statuses: Mapping[str, Stage]  # `project:` value -> stage
    entry_stage: Stage = "hosted"  # the stage `extra.accepted` lets a project into
    path: str = "landscape.yml"
    project_categories: frozenset[str] = field(default_factory=frozenset)
    status_means_hosted: bool = True  # False: only the project categories are hosted
    member_category: str = ""  # this foundation's own members category, e.g. "CNCF Members"
    not_hosted: frozenset[str] = frozenset()  # statuses of entries that are no projects (SIGs, working groups)

    def read(self, location: str | Path, *, commit: str | None = None) -> ImportResult:
        fname = file_name(location)
        doc = load_yaml(read_text(location), fname)
        problems: list[ImportProblem] = []
        projects: dict[str, ImportedProject] = {}
        members: list[ImportedMember] = []
        found = list(items(doc, fname, problems))
        own = {self.member_category.lower(), *(c.lower() for c in self.project_categories)} - {""}
        categories = {(text(c.get("name")) or "").lower() for c in doc["landscape"]}  # an empty one counts
        if own and not own & categories:
            wanted = " or ".join(f"'{c}'" for c in sorted({self.member_category, *self.project_categories} - {""}))
            raise ImportRefused(f"{fname} is not the {self.publisher} landscape: it has no {wanted} category")
        for item in found:
            where = Location(fname, item.label)
            is_member = (item.category.lower() == self.member_category.lower() if self.member_category
                         else bool(MEMBER_CATEGORY.search(item.category)))
            if is_member:
                member = self._member(item, where, problems)
                if member is not None:
                    members.append(member)
                continue
            project = self._project(item, where, problems)
            if project is None:
                continue
            key = project.name.casefold()
            if key in projects:
                problems.append(ImportProblem(
                    where, f"listed again (in {item.category} / {item.subcategory}); "
                    "the first entry is kept",
                ))  # fmt: skip
                continue
            projects[key] = project
        upstream = Upstream(
            str(location), self.repository, self.path, commit, self.title, self.publisher
        )
        return ImportResult(
            self.name, self.foundation, upstream,
            tuple(projects.values()), tuple(members), tuple(problems),
        )  # fmt: skip

    def _project(
        self, item: Item, where: Location, problems: list[ImportProblem]
    ) -> ImportedProject | None:
        data = item.data
        raw = text(data.get("project"))
        if raw is not None and raw.lower() in self.not_hosted:
            return None
        in_category = item.category in self.project_categories
        if not in_category and (raw is None or not self.status_means_hosted):
            return None  # ecosystem, even when marked (e.g. PyTorch's archived entries)
        status: Stage = "hosted"
        if raw is not None:
            known_status = self.statuses.get(raw.lower())
            if known_status is None:
                known = ", ".join(sorted(self.statuses))
                problems.append(ImportProblem(
                    where.at("project"), f"unknown project status '{raw}' (expected one of {known})"
                ))  # fmt: skip
                return None
            status = known_status
        name = text(data.get("name"))
        if name is None:
            problems.append(ImportProblem(where.at("name"), "a hosted project without a name"))
            return None
        extra = data.get("extra")
        if extra is not None and not isinstance(extra, dict):
            problems.append(ImportProblem(where.at("extra"), "not a mapping; its dates are ignored"))
            extra = None
        return ImportedProject(
            name=name,
            location=where,
            aliases=name_aliases(name),
            homepage=text(data.get("homepage_url")),
            repository=text(data.get("repo_url")),
            status=status,
            stages=self._stages(extra or {}, status, where, problems),
            description=text(data.get("description")),
        )

    def _stages(
        self, extra: Mapping[str, Any], status: Stage, where: Location,
        problems: list[ImportProblem],
    ) -> tuple[StageEvent, ...]:  # fmt: skip
        def date(key: str) -> PartialDate | None:
            return parse_date(extra.get(key), where.at(f"extra.{key}"), problems)

        dates = {key: date(key) for key in ("accepted", *dict(DATE_STAGES)) if key in extra}
        events: list[StageEvent] = []
        into_incubation = "accepted" in dates and dates["accepted"] is not None and (
            dates.get("incubating") == dates["accepted"]
        )
        if "accepted" in dates:
            stage: Stage = "incubating" if into_incubation else self.entry_stage
            events.append(StageEvent(stage, dates["accepted"], "vote", where.at("extra.accepted")))
        for key, stage in DATE_STAGES:
            if key in dates and not (key == "incubating" and into_incubation):
                events.append(StageEvent(stage, dates[key], "vote", where.at(f"extra.{key}")))
        if all(e.stage != status for e in events):
            events.append(StageEvent(status, None, "vote", where.at("project")))
        return order_stages(events)

    def _member(
        self, item: Item, where: Location, problems: list[ImportProblem]
    ) -> ImportedMember | None:
        data = item.data
        name = text(data.get("name"))
        if name is None:
            problems.append(ImportProblem(where.at("name"), "a member without a name"))
            return None
        if data.get("unnamed_organization") is True:
            problems.append(ImportProblem(
                where.at("unnamed_organization"), "an anonymous member; not imported"
            ))  # fmt: skip
            return None
        tier = normalize_tier(item.subcategory)
        if tier is None:
            problems.append(ImportProblem(
                where.at("subcategory"), f"unknown membership tier '{item.subcategory}'"
            ))  # fmt: skip
            return None
        joined = parse_date(data.get("joined"), where.at("joined"), problems)
        if joined is not None and joined.day == 1:
            joined = PartialDate(joined.year, joined.month)
        return ImportedMember(
            name=_ROLE_SUFFIX.sub("", name) or name,
            tier=tier,
            location=where,
            joined=joined,
            date_kind="month-of-record",
            homepage=text(data.get("homepage_url")),
        )
