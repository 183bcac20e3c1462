"""The modelling rule of data/README.md, checked over all records at once.

Each kind of fact has one way to be recorded: which fields an event type needs, how a project
joins a foundation, how an acquisition moves stewardships, how renamings chain, and that a name
belongs to one entity only. Every problem names the file, the record and the field.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from stewardgraph.errors import Problem
from stewardgraph.names import LEGAL_FORMS, is_key, norm
from stewardgraph.records import Event, Organization, PartialDate, Project, Stewardship

if TYPE_CHECKING:
    from stewardgraph.loaders.curated import Located

JOINING = ("donation", "incubation", "acceptance")

# Fields each event type needs, and fields only some types may give.
REQUIRED: dict[str, tuple[str, ...]] = {
    "donation": ("project", "from_", "to"),
    "incubation": ("project", "to"),
    "promotion": ("project", "to"),
    "graduation": ("project", "to"),
    "acceptance": ("project", "to"),
    "transfer": ("project", "from_", "to"),
    "acquisition": ("acquired", "to"),
    "renaming": ("old_name", "new_name"),
    "foundation-formation": ("organization",),
    "merger": ("organization",),
    "umbrella-expansion": ("organization",),
    "relicensing": ("project", "old_license", "new_license"),
    "fork": ("project", "forked_from"),
}
ONLY: dict[str, tuple[str, ...]] = {
    "acquired": ("acquisition",), "old_name": ("renaming",), "new_name": ("renaming",),
    "old_license": ("relicensing",), "new_license": ("relicensing",), "forked_from": ("fork",),
    "merged": ("merger", "foundation-formation"),
}
WHY = {
    "donation": "a donation names the owner that gives the project (from) and the foundation (to)",
    "transfer": "a transfer names both companies (from, to)",
    "acquisition": "an acquisition names the company bought (acquired) and the buyer (to)",
}


def check_rules(records: list[Located]) -> list[Problem]:
    problems: list[Problem] = []
    events = [(item, item.record) for item in records if isinstance(item.record, Event)]
    owners = _owners(records)
    for item, event in events:
        problems += _fields(item, event)
        if event.type in JOINING and event.project:
            problems += _joining(item, event, owners.get(event.project, []))
        if event.type == "acquisition" and event.acquired and event.to:
            problems += _acquisition(item, event, owners)
    problems += _renamings(records, events)
    problems += _names(records)
    return problems


def _fields(item: Located, event: Event) -> list[Problem]:
    problems = []
    for field in REQUIRED.get(event.type, ()):
        if field in ("project", "organization") and event.project is None and event.organization is None:
            continue  # reported once: an event needs a project or an organization
        if not getattr(event, field):
            name = field.rstrip("_")
            problems.append(item.problem(name, f"a {event.type} needs it" + (f": {WHY[event.type]}" if event.type in WHY else "")))
    for field, types in ONLY.items():
        if getattr(event, field) and event.type not in types:
            problems.append(item.problem(field, f"only a {' or '.join(types)} gives it, not a {event.type}"))
    if event.type == "acquisition" and event.organization:
        problems.append(item.problem("organization", "an acquisition names the company bought in acquired, "
                                                     "not in organization"))
    if event.type == "acquisition" and event.project:
        problems.append(item.problem("project", "an acquisition is of a company (acquired); its projects pass "
                                                "through the owner stewardships, or a transfer moves one project"))
    if event.acquired and event.acquired == event.to:
        problems.append(item.problem("acquired", "a company cannot acquire itself"))
    if event.type == "renaming":
        if (event.project is None) == (event.organization is None):
            problems.append(item.problem("organization", "a renaming names one organization or one project"))
        if event.old_name and event.old_name == event.new_name:
            problems.append(item.problem("new_name", "is the same as old_name"))
    return problems


def covers(rec: Stewardship, day: PartialDate) -> bool:
    """Whether the stewardship held on that date. Its end counts (a handover day), and so does
    all of a coarse end: an owner until 2016-03 may still hold the project on 2016-03-10."""
    when = day.first_day()
    return rec.start.first_day() <= when and (rec.end is None or rec.end.last_day() >= when)


def _owners(records: list[Located]) -> dict[str, list[tuple[Located, Stewardship]]]:
    found: dict[str, list[tuple[Located, Stewardship]]] = defaultdict(list)
    for item in records:
        rec = item.record
        if isinstance(rec, Stewardship) and rec.role == "owner":
            found[rec.project].append((item, rec))
    return found


def _joining(item: Located, event: Event, owners: list[tuple[Located, Stewardship]]) -> list[Problem]:
    holding = sorted({rec.steward for _, rec in owners if covers(rec, event.date) and rec.steward != event.to})
    if not holding:
        return []
    names = ", ".join(holding)
    if event.type == "acceptance":
        return [item.problem("type", f"the project had an owner ({names}) on {event.date}: that is a donation "
                                     f"(from: {holding[0]}), or an incubation with from")]
    if event.from_ is None:
        return [item.problem("from", f"the project had an owner ({names}) on {event.date}; name it")]
    if event.from_ not in holding:
        return [item.problem("from", f"'{event.from_}' did not own the project on {event.date}; {names} did")]
    return []


def _acquisition(item: Located, event: Event,
                 owners: dict[str, list[tuple[Located, Stewardship]]]) -> list[Problem]:
    problems = []
    when = event.date.first_day()
    assert event.acquired is not None and event.to is not None
    for project, held in sorted(owners.items()):
        for place, rec in held:
            if rec.steward != event.acquired or rec.start.first_day() >= when:
                continue
            if rec.end is None or rec.end.first_day() > when:
                problems.append(place.problem("end", f"{event.acquired} owned '{project}' past its acquisition by "
                                                     f"{event.to} ({event.id}, {event.date}): end it on {event.date}"))
            elif rec.end == event.date and not any(
                other.steward == event.to and other.start == event.date for _, other in held
            ):
                problems.append(item.problem("to", f"'{project}' passed to {event.to} on {event.date}: add its owner "
                                                   f"stewardship starting {event.date}"))
    return problems


def _renamings(records: list[Located], events: list[tuple[Located, Event]]) -> list[Problem]:
    """Renamings chain, in date order, from the oldest name to the record's current one."""
    names = {(_kind(item), item.record.id): item.record.name for item in records
             if isinstance(item.record, (Organization, Project))}
    chains: dict[tuple[str, str], list[tuple[Located, Event]]] = defaultdict(list)
    for item, event in events:
        if event.type == "renaming" and event.old_name and event.new_name:
            key = ("project", event.project) if event.project else ("organization", event.organization or "")
            chains[key].append((item, event))
    problems = []
    for key, chain in chains.items():
        chain.sort(key=lambda pair: pair[1].date)
        for (_, before), (item, after) in zip(chain, chain[1:]):
            if after.old_name != before.new_name:
                problems.append(item.problem("old_name", f"'{after.old_name}' is not the name the previous renaming "
                                                         f"gave ({before.id}: '{before.new_name}')"))
        current = names.get(key)
        item, last = chain[-1]
        if current is not None and last.new_name != current:
            problems.append(item.problem("new_name", f"the last renaming gives '{last.new_name}', but the {key[0]}'s "
                                                     f"name is '{current}'"))
    return problems


def _kind(item: Located) -> str:
    return "project" if isinstance(item.record, Project) else "organization"


def _names(records: list[Located]) -> list[Problem]:
    """A name, an alias or a former name belongs to one organization, or one project, only."""
    problems = []
    owner: dict[tuple[str, str], Located] = {}
    former: dict[tuple[str, str], list[str]] = defaultdict(list)
    for item in records:
        rec = item.record
        if isinstance(rec, Event) and rec.type == "renaming" and rec.old_name:
            key = ("project", rec.project) if rec.project else ("organization", rec.organization or "")
            former[key].append(rec.old_name)
    for item in records:
        rec = item.record
        if not isinstance(rec, (Organization, Project)) or item.graph is not None:
            continue  # imported records are matched to known ones, not checked here
        kind = _kind(item)
        seen_here: set[str] = set()
        for field, name in [("name", rec.name), *(("aliases", a) for a in rec.aliases),
                            *(("renaming", n) for n in former.get((kind, rec.id), []))]:
            name_key = norm(name)
            if field == "aliases" and (not is_key(name_key) or name_key in LEGAL_FORMS):
                problems.append(item.problem("aliases", f"'{name}' is a legal form or a generic word, not a name"))
                continue
            if name_key in seen_here or not name_key:
                continue
            seen_here.add(name_key)
            first = owner.setdefault((kind, name_key), item)
            if first is not item:
                problems.append(item.problem(field, f"'{name}' is also a name of {first.file.name}: {first.label}; "
                                                    f"a name belongs to one {kind}"))
    return problems



PRIMARY_BAR = 0.8  # the share of curated events that must cite a primary source


@dataclass(frozen=True)
class Figures:
    """What the curated data covers, and how well it is sourced."""

    events: int
    foundations: int
    primary_events: int  # events citing at least one primary source
    sources: dict[str, int]  # distinct URLs by kind ("unknown" when no record gives one)
    years: tuple[int, int] | None  # the first and last year of an event

    @property
    def primary_share(self) -> float:
        return self.primary_events / self.events if self.events else 1.0


def figures(records: list[Located]) -> Figures:
    curated = [item.record for item in records if item.graph is None]
    kinds: dict[str, str] = {}
    for rec in curated:
        for ref in rec.sources:
            if ref.kind:
                kinds.setdefault(ref.url, ref.kind)
            else:
                kinds.setdefault(ref.url, "")
    for rec in curated:  # a kind given anywhere counts for the URL everywhere
        for ref in rec.sources:
            if ref.kind:
                kinds[ref.url] = ref.kind
    events = [rec for rec in curated if isinstance(rec, Event)]
    by_kind: dict[str, int] = defaultdict(int)
    for kind in kinds.values():
        by_kind[kind or "unknown"] += 1
    years = sorted(rec.date.year for rec in events)
    return Figures(
        events=len(events),
        foundations=sum(1 for rec in curated if isinstance(rec, Organization) and rec.kind == "foundation"),
        primary_events=sum(1 for rec in events if any(kinds.get(ref.url) == "primary" for ref in rec.sources)),
        sources=dict(sorted(by_kind.items())),
        years=(years[0], years[-1]) if years else None,
    )


def check_figures(found: Figures) -> list[Problem]:
    if found.primary_share >= PRIMARY_BAR:
        return []
    return [Problem("(curated data)", "(all events)", "sources",
                    f"{found.primary_events} of {found.events} events ({found.primary_share:.0%}) cite a primary "
                    f"source; at least {PRIMARY_BAR:.0%} must")]
