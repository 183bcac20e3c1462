"""The facts the repository keeps from each import, and what changed between two versions.

An import's facts are kept in ``data/imports/<source>.jsonl``, so that a fresh clone builds the
whole graph without the upstream files or a network. The first line says where the facts came
from (the upstream repository, file and commit, and the month they stand for); every further
line is one project, member or bad record, in a stable order, with its keys sorted: a changed
record upstream is a changed line here. Only derived facts are kept (names, identifiers, dates
with their kind, statuses, tiers, URLs), no upstream prose.

>>> from stewardgraph.importers.base import Location, Upstream
>>> up = Upstream("u", "o/r", "f.yml", "abc", "t", "p")
>>> old = ImportResult("x", "x-fdn", up, (), (ImportedMember("Acme", "gold", Location("f.yml", "Acme")),), ())
>>> new = ImportResult("x", "x-fdn", up, (), (ImportedMember("Acme", "silver", Location("f.yml", "Acme")),), ())
>>> changes(old, new).lines()
['~ member Acme: gold → silver']
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, cast

from stewardgraph.errors import ImportRefused
from stewardgraph.importers.base import (
    DateKind,
    ImportedMember,
    ImportedOrganization,
    ImportedProject,
    ImportedSponsorship,
    ImportProblem,
    ImportResult,
    Location,
    Stage,
    StageEvent,
    Upstream,
)
from stewardgraph.records import PartialDate

SUFFIX = ".jsonl"


def canonical(result: ImportResult) -> ImportResult:
    """The result as it is kept: records in a stable order, without upstream prose. Every
    import goes through this, so that a build from the kept file and one from the upstream file
    give the same graph."""
    projects = sorted((replace(p, description=None) for p in result.projects),
                      key=lambda p: (p.name.casefold(), p.name, p.location.file, p.location.item))
    members = sorted(result.members, key=lambda m: (m.name.casefold(), m.name, m.tier, m.location.item))
    problems = sorted(result.problems, key=lambda p: (str(p.location), p.message))
    organizations = sorted(result.organizations, key=lambda o: o.identifier)
    sponsorships = sorted(result.sponsorships, key=lambda s: (s.recipient, s.rank or 99, s.level, s.sponsor))
    return replace(result, projects=tuple(projects), members=tuple(members), problems=tuple(problems),
                   organizations=tuple(organizations), sponsorships=tuple(sponsorships))


# -- writing and reading -------------------------------------------------------------------------


def dumps(result: ImportResult, as_of: PartialDate) -> str:
    result = canonical(result)
    upstream = replace(result.upstream, url=result.upstream.cited_url)  # not the path of a local copy
    head = {"source": result.source, "foundation": result.foundation, "as_of": str(as_of),
            "upstream": asdict(upstream)}
    lines: list[dict[str, Any]] = [head]
    lines += [{"organization": o.identifier, **_location(o.location), "name": o.name, "legal_name": o.legal_name,
               "homepage": o.homepage, "founded": str(o.founded) if o.founded else None, "country": o.country,
               "nonprofit_status": o.nonprofit_status, "tax_id": o.tax_id, "wikidata": o.wikidata,
               "fiscal_hosting": o.fiscal_hosting, "domains": list(o.domains) or None, "fiscal_host": o.fiscal_host,
               "foundation": None if o.is_foundation else False}
              for o in result.organizations]
    lines += [{"project": p.name, **_location(p.location), "aliases": list(p.aliases) or None,
               "homepage": p.homepage, "repository": p.repository, "status": p.status,
               "steward": p.steward, "role": p.role,
               "stages": [_compact({"stage": s.stage, "date": str(s.date) if s.date else None, "kind": s.date_kind,
                                    **_location(s.location, p.location)}) for s in p.stages] or None}
              for p in result.projects]
    lines += [{"member": m.name, **_location(m.location), "tier": m.tier,
               "joined": str(m.joined) if m.joined else None, "kind": m.date_kind, "homepage": m.homepage}
              for m in result.members]
    lines += [{"sponsorship": s.sponsor, **_location(s.location), "recipient": s.recipient, "level": s.level,
               "rank": s.rank, "kind": s.kind, "amount": s.amount, "listed": str(s.listed)}
              for s in result.sponsorships]
    lines += [{"problem": p.message, **_location(p.location)} for p in result.problems]
    return "".join(json.dumps(_compact(line), ensure_ascii=False, sort_keys=True) + "\n" for line in lines)


def write(path: Path, result: ImportResult, as_of: PartialDate) -> None:
    """Replace the kept file in one step: a reader sees the old file or the new one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as out:
            out.write(dumps(result, as_of))
        os.chmod(temporary, 0o644)  # a data file like the others in the repository
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


@dataclass(frozen=True)
class Kept:
    result: ImportResult
    as_of: PartialDate


def read(path: Path) -> Kept:
    """A kept file; one that is not well formed is refused, naming the file, line and field."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ImportRefused(f"cannot read the kept facts {path}: {exc.strerror or exc}") from exc
    lines = text.splitlines()
    if not lines:
        raise ImportRefused(f"{path}: empty; refresh it with 'stewardgraph import SOURCE'")
    projects, members, problems, organizations, sponsorships = [], [], [], [], []
    for number, line in enumerate(lines, start=1):
        where = f"{path.name}, line {number}"
        try:
            row = json.loads(line)
            if not isinstance(row, dict):
                raise ImportRefused(f"{where}: not a JSON object")
            if number == 1:
                head = row
                upstream = Upstream(**head["upstream"])
                as_of = PartialDate.parse(head["as_of"])
            elif "project" in row:
                projects.append(_project(row))
            elif "member" in row:
                members.append(ImportedMember(row["member"], row["tier"], _where(row), _date(row.get("joined")),
                                              cast(DateKind, row["kind"]), row.get("homepage")))
            elif "organization" in row:
                organizations.append(ImportedOrganization(
                    row["organization"], row["name"], _where(row), row.get("legal_name"), row.get("homepage"),
                    _date(row.get("founded")), row.get("country"), row.get("nonprofit_status"), row.get("tax_id"),
                    row.get("wikidata"), row.get("fiscal_hosting"), tuple(row.get("domains") or ()),
                    row.get("fiscal_host"), row.get("foundation", True)))
            elif "sponsorship" in row:
                sponsorships.append(ImportedSponsorship(
                    row["sponsorship"], row["recipient"], row["level"], row.get("rank"), row["kind"],
                    row.get("amount"), PartialDate.parse(row["listed"]), _where(row)))
            elif "problem" in row:
                problems.append(ImportProblem(_where(row), row["problem"]))
            else:
                raise ImportRefused(f"{where}: neither a project, a member nor a problem")
        except json.JSONDecodeError as exc:
            raise ImportRefused(f"{where}: not JSON ({exc.msg})") from exc
        except KeyError as exc:
            raise ImportRefused(f"{where}: field {exc} is missing") from exc
        except (TypeError, ValueError) as exc:
            raise ImportRefused(f"{where}: {exc}") from exc
    if head["source"] != path.stem:
        raise ImportRefused(f"{path.name}, line 1: the facts of '{head['source']}', not of '{path.stem}'")
    result = ImportResult(head["source"], head["foundation"], upstream, tuple(projects), tuple(members),
                          tuple(problems), tuple(organizations), tuple(sponsorships))
    return Kept(result, as_of)


def _project(row: dict[str, Any]) -> ImportedProject:
    where = _where(row)
    stages = tuple(StageEvent(cast(Stage, s["stage"]), _date(s.get("date")), cast(DateKind, s["kind"]),
                              Location(s.get("file", where.file), s.get("item", where.item), s.get("field")))
                   for s in row.get("stages") or ())
    return ImportedProject(row["project"], where, tuple(row.get("aliases") or ()), row.get("homepage"),
                           row.get("repository"), cast(Stage | None, row.get("status")), stages,
                           steward=row.get("steward"), role=row.get("role"))


def _location(location: Location, parent: Location | None = None) -> dict[str, str | None]:
    """A location, leaving out what it shares with its record (or its parent record)."""
    if parent is not None:
        return {"file": location.file if location.file != parent.file else None,
                "item": location.item if location.item != parent.item else None, "field": location.field}
    return {"file": location.file, "item": location.item, "field": location.field}


def _where(row: dict[str, Any]) -> Location:
    name = row.get("project") or row.get("member") or row.get("organization") or row.get("sponsorship") or ""
    return Location(row["file"], row.get("item", name), row.get("field"))


def _date(value: object) -> PartialDate | None:
    return PartialDate.parse(value) if value is not None else None


def _compact(row: dict[str, Any]) -> dict[str, Any]:
    name = row.get("project") or row.get("member") or row.get("organization") or row.get("sponsorship")
    return {k: v for k, v in row.items() if v is not None and not (k == "item" and v == name)}


# -- what changed ----------------------------------------------------------------------------------


@dataclass
class Changes:
    """What changed in stewardship between two versions of one source's facts."""

    source: str
    before: dict[str, Any] | None  # the upstream and month of the old version, if there was one
    after: dict[str, Any]
    projects_added: list[dict[str, Any]] = field(default_factory=list)
    projects_removed: list[dict[str, Any]] = field(default_factory=list)
    stage_changes: list[dict[str, Any]] = field(default_factory=list)
    steward_changes: list[dict[str, Any]] = field(default_factory=list)  # in a source that names stewards
    members_added: list[dict[str, Any]] = field(default_factory=list)
    members_dropped: list[dict[str, Any]] = field(default_factory=list)
    members_moved: list[dict[str, Any]] = field(default_factory=list)
    sponsors_added: list[dict[str, Any]] = field(default_factory=list)
    sponsors_dropped: list[dict[str, Any]] = field(default_factory=list)
    sponsors_moved: list[dict[str, Any]] = field(default_factory=list)

    def empty(self) -> bool:
        return not (self.projects_added or self.projects_removed or self.stage_changes or self.steward_changes
                    or self.members_added
                    or self.members_dropped or self.members_moved or self.sponsors_added or self.sponsors_dropped
                    or self.sponsors_moved)

    def as_json(self) -> dict[str, Any]:
        return asdict(self)

    def lines(self) -> list[str]:
        out = [f"+ project {p['name']}" + (f" ({p['status']})" if p.get("status") else "")
               for p in self.projects_added]
        out += [f"- project {p['name']}" for p in self.projects_removed]
        for c in self.stage_changes:
            dated = f" on {c['date']}" if c.get("date") else ""
            out.append(f"~ project {c['name']}: {c['before'] or 'no stage'} → {c['after'] or 'no stage'}{dated}")
        out += [f"~ project {c['name']}: {c['before']} → {c['after']}" for c in self.steward_changes]
        out += [f"+ member {m['name']} ({m['tier']})" for m in self.members_added]
        out += [f"- member {m['name']} ({m['tier']})" for m in self.members_dropped]
        out += [f"~ member {m['name']}: {m['before']} → {m['after']}" for m in self.members_moved]
        out += [f"+ sponsor {s['sponsor']} of {s['recipient']} ({s['level']})" for s in self.sponsors_added]
        out += [f"- sponsor {s['sponsor']} of {s['recipient']} ({s['level']})" for s in self.sponsors_dropped]
        out += [f"~ sponsor {s['sponsor']} of {s['recipient']}: {s['before']} → {s['after']}"
                for s in self.sponsors_moved]
        return out


def changes(old: ImportResult | None, new: ImportResult, *, old_as_of: PartialDate | None = None,
            new_as_of: PartialDate | None = None) -> Changes:
    new = canonical(new)
    found = Changes(new.source, _version(old, old_as_of) if old else None, _version(new, new_as_of))
    before = {p.name: p for p in (canonical(old).projects if old else ())}
    after = {p.name: p for p in new.projects}
    found.projects_added = [{"name": n, "status": after[n].status} for n in after if n not in before]
    found.projects_removed = [{"name": n, "status": before[n].status} for n in before if n not in after]
    for name in after.keys() & before.keys():
        was, now = before[name], after[name]
        old_stages = {(s.stage, str(s.date) if s.date else None) for s in was.stages}
        new_dates = [s for s in now.stages if (s.stage, str(s.date) if s.date else None) not in old_stages]
        if was.status != now.status or new_dates:
            latest = next((s for s in reversed(now.stages) if s.stage == now.status and s.date), None)
            found.stage_changes.append({"name": name, "before": was.status, "after": now.status,
                                        "date": str(latest.date) if latest and latest.date else None,
                                        "date_kind": latest.date_kind if latest else None,
                                        "new_dates": [{"stage": s.stage, "date": str(s.date) if s.date else None,
                                                       "date_kind": s.date_kind} for s in new_dates]})
    found.stage_changes.sort(key=lambda c: str(c["name"]).casefold())
    found.steward_changes = [
        {"name": name, "before": _steward(before[name]), "after": _steward(after[name])}
        for name in sorted(after.keys() & before.keys(), key=str.casefold)
        if (before[name].steward, before[name].role) != (after[name].steward, after[name].role)]
    was_member = _tiers(old.members if old else ())
    is_member = _tiers(new.members)
    found.members_added = [{"name": n, "tier": t} for n, t in is_member.items() if n not in was_member]
    found.members_dropped = [{"name": n, "tier": t} for n, t in was_member.items() if n not in is_member]
    found.members_moved = [{"name": n, "before": was_member[n], "after": t} for n, t in is_member.items()
                           if n in was_member and was_member[n] != t]
    was_sponsor = _levels(canonical(old).sponsorships if old else ())
    is_sponsor = _levels(new.sponsorships)
    found.sponsors_added = [{"sponsor": k[1], "recipient": k[0], "level": v} for k, v in is_sponsor.items()
                            if k not in was_sponsor]
    found.sponsors_dropped = [{"sponsor": k[1], "recipient": k[0], "level": v} for k, v in was_sponsor.items()
                              if k not in is_sponsor]
    found.sponsors_moved = [{"sponsor": k[1], "recipient": k[0], "before": was_sponsor[k], "after": v}
                            for k, v in is_sponsor.items() if k in was_sponsor and was_sponsor[k] != v]
    return found


def _steward(project: ImportedProject) -> str:
    return f"{project.steward or 'the foundation'} ({project.role or 'host-foundation'})"


def _levels(sponsorships: tuple[ImportedSponsorship, ...]) -> dict[tuple[str, str], str]:
    """(recipient, sponsor) -> its levels, as the recipient names them."""
    levels: dict[tuple[str, str], list[str]] = {}
    for s in sponsorships:
        levels.setdefault((s.recipient, s.sponsor), []).append(s.level)
    return {key: ", ".join(sorted(set(found))) for key, found in sorted(levels.items())}


def _tiers(members: tuple[ImportedMember, ...] | list[ImportedMember]) -> dict[str, str]:
    tiers: dict[str, list[str]] = {}
    for m in members:
        tiers.setdefault(m.name, []).append(m.tier)
    return {name: ", ".join(sorted(set(found))) for name, found in sorted(tiers.items(), key=lambda i: i[0].casefold())}


def _version(result: ImportResult, as_of: PartialDate | None) -> dict[str, Any]:
    return {"repository": result.upstream.repository, "path": result.upstream.path,
            "commit": result.upstream.commit, "as_of": str(as_of) if as_of else None}
