"""Map parsed foundation data onto the graph: match entities, make records, report.

One real-world thing must be one node. An imported project or member is matched to an entity
already in the graph by, in order: the override file (``data/aliases.yaml``), its repository
URL, its name or an alias (normalized), its homepage. One candidate is a match; several are
ambiguous (reported, and a separate entity is made); none means a new entity.

Curated facts win: when the graph already holds a fact of the same kind (a host stewardship of
the project by the foundation, an event of the same type, a membership of the member), the
imported one is dropped, and reported as a conflict when its date disagrees.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field, replace
from urllib.parse import urlsplit
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from stewardgraph.errors import InputError, Problem
from stewardgraph.loaders.curated import Located
from stewardgraph.loaders.rules import covers
from stewardgraph.names import is_key, norm, org_norm
from stewardgraph.importers import (
    ImportedMember,
    ImportedOrganization,
    ImportedProject,
    ImportedSponsorship,
    ImportResult,
    StageEvent,
)
from stewardgraph.records import (
    DOMAIN,
    SLUG,
    WIKIDATA,
    Event,
    Membership,
    Organization,
    PartialDate,
    Profile,
    Project,
    Record,
    SourceRef,
    Sponsorship,
    Stewardship,
)

Kind = Literal["project", "organization"]
_EVENT_TYPES = {
    "sandbox": "incubation",  # a sandbox is an incubator (data/README.md, how a project joins)
    "hosted": "acceptance",
    "incubating": "incubation",
    "graduated": "graduation",
    "archived": "archival",
    "retired": "retirement",
}
_ENDS = ("archived", "retired")
_JOINING = ("acceptance", "donation", "incubation", "umbrella-expansion")


def _event_type(stage: str, present: set[str]) -> str | None:
    """The event a stage reached makes. Apache's "established" (a top-level project) is a
    graduation when the podling record lacks one, an acceptance for a project that never
    incubated, and nothing new when the podling graduation is already there."""
    if stage == "incubating" and "sandbox" in present:
        return "promotion"  # from the sandbox up to incubating: the project joined at the sandbox
    if stage != "established":
        return _EVENT_TYPES.get(stage)  # early adoption (LF Energy) is a stage, not an event we record
    if "incubating" not in present:
        return "acceptance"
    return None if "graduated" in present else "graduation"


def url_key(url: str | None) -> str | None:
    """A URL for matching: no scheme, www., trailing slash or .git."""
    if not url:
        return None
    key = re.sub(r"^[a-z]+://(www\.)?", "", url.strip().lower()).rstrip("/")
    return key.removesuffix(".git") or None


def domain_of(url: str | None) -> str | None:
    """The web domain a homepage stands for: only a site's root identifies its owner.

    >>> domain_of("https://www.Google.com/"), domain_of("https://github.com/acme"), domain_of(None)
    ('google.com', None, None)
    >>> domain_of("https://Example.com.?ref=landscape"), domain_of("https://bücher.de/"), domain_of("https://my_host.org")
    ('example.com', 'xn--bcher-kva.de', None)
    """
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
        host = (parts.hostname or "").rstrip(".").removeprefix("www.")
        host = host.encode("idna").decode("ascii") if host and not host.isascii() else host
    except (ValueError, UnicodeError):
        return None
    if parts.path not in ("", "/") or parts.username or parts.port:
        return None
    return host if re.fullmatch(DOMAIN, host) else None


def slugify(name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower())
    return slug.strip("-") or "unnamed"


# -- what the graph already holds ----------------------------------------------------------------


@dataclass
class Entity:
    id: str
    kind: Kind
    names: set[str] = field(default_factory=set)
    urls: set[str] = field(default_factory=set)  # repositories
    homepages: set[str] = field(default_factory=set)
    domains: set[str] = field(default_factory=set)  # web domains that identify an organization


@dataclass
class Known:
    """Entities and facts already in the graph, indexed for matching and conflict checks."""

    entities: dict[tuple[Kind, str], Entity] = field(default_factory=dict)
    stewardships: dict[tuple[str, str], PartialDate] = field(default_factory=dict)  # (project, steward) -> start
    events: dict[tuple[str, str], list[PartialDate]] = field(default_factory=dict)  # (project, type) -> dates
    memberships: dict[tuple[str, str], PartialDate] = field(default_factory=dict)  # (member, org) -> start
    owners: dict[str, list[Stewardship]] = field(default_factory=dict)  # project -> its owner stewardships

    def add_records(self, records: list[Record]) -> None:
        for rec in records:
            if isinstance(rec, (Project, Organization)):
                kind: Kind = "project" if isinstance(rec, Project) else "organization"
                entity = self.entities.setdefault((kind, rec.id), Entity(rec.id, kind))
                entity.names.update(_keys(kind, (rec.name, *rec.aliases)))
                if isinstance(rec, Project) and url_key(rec.repository):
                    entity.urls.add(str(url_key(rec.repository)))
                if url_key(rec.homepage):
                    entity.homepages.add(str(url_key(rec.homepage)))
                if isinstance(rec, Organization):
                    entity.domains.update(rec.domains)
                    entity.domains.update(d for d in (domain_of(rec.homepage),) if d)
            elif isinstance(rec, Profile) and ("organization", rec.organization) in self.entities:
                self.entities[("organization", rec.organization)].domains.update(rec.domains)
            elif isinstance(rec, Stewardship) and rec.role in ("host-foundation", "fiscal-sponsor"):
                self.stewardships.setdefault((rec.project, rec.steward), rec.start)
            elif isinstance(rec, Stewardship) and rec.role == "owner":
                self.owners.setdefault(rec.project, []).append(rec)
            elif isinstance(rec, Event) and rec.project:
                self.events.setdefault((rec.project, rec.type), []).append(rec.date)
            elif isinstance(rec, Membership):
                self.memberships.setdefault((rec.member, rec.organization), rec.start)

    def candidates(self, kind: Kind, name: str, aliases: tuple[str, ...], repository: str | None,
                   homepage: str | None, domains: tuple[str, ...] = ()) -> list[str]:
        pool = [e for (k, _), e in self.entities.items() if k == kind]
        repo = url_key(repository)
        if repo:
            found = [e.id for e in pool if repo in e.urls]
            if found:
                return found
        if domains:
            found = [e.id for e in pool if e.domains.intersection(domains)]
            if found:
                return found
        keys = _keys(kind, (name, *aliases))
        found = [e.id for e in pool if keys & e.names]
        if found:
            return found
        page = url_key(homepage)
        return [e.id for e in pool if page and page in e.homepages]


def known_from(graph: Any, *, skip: str) -> Known:
    """What a graph (a StewardGraph facade) holds outside the named graph ``skip``."""
    known = Known()
    for row in graph.run("import-entities", {"skip": skip}).rows:
        kind: Kind = "project" if str(row["class"]).endswith("Project") else "organization"
        entity = known.entities.setdefault((kind, _id(row["e"])), Entity(_id(row["e"]), kind))
        entity.names.update(_keys(kind, (str(row["name"]),)))
        if url_key(_text(row["repo"])):
            entity.urls.add(str(url_key(_text(row["repo"]))))
        if url_key(_text(row["home"])):
            entity.homepages.add(str(url_key(_text(row["home"]))))
        if kind == "organization":
            entity.domains.update(d for d in (_text(row["domain"]), domain_of(_text(row["home"]))) if d)
    for row in graph.run("import-facts", {"skip": skip}).rows:
        date = PartialDate.parse(str(row["date"]))
        a, b = _id(row["a"]), _id(row["b"])
        if row["fact"] == "stewardship":
            known.stewardships.setdefault((a, b), date)
        elif row["fact"] == "event":
            known.events.setdefault((a, str(row["kind"])), []).append(date)
        else:
            known.memberships.setdefault((a, b), date)
    return known


def _id(iri: object) -> str:
    return str(iri).rsplit("/", 1)[-1]


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def _keys(kind: Kind, names: tuple[str, ...]) -> set[str]:
    """Matching keys: normalized names, plus "apache"-less ones for projects and legal-form-less
    ones for organizations."""
    keys = {norm(n) for n in names}
    if kind == "project":
        keys |= {k.removeprefix("apache") for k in keys if k.startswith("apache") and len(k) > len("apache")}
    else:
        keys |= {org_norm(n) for n in names}
    return {key for key in keys if is_key(key)}


# -- overrides -----------------------------------------------------------------------------------


class Override(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    source: str = "*"
    kind: Kind
    name: str
    id: str | None = None  # the entity to use; None makes a new one


def load_overrides(path: Path) -> list[Override]:
    if not path.is_file():
        return []
    document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    overrides = []
    for index, raw in enumerate(document.get("overrides") or []):
        try:
            overrides.append(Override.model_validate(raw))
        except ValidationError as exc:
            first = exc.errors()[0]
            field_name = ".".join(str(p) for p in first["loc"])
            raise InputError(Problem(path.name, f"overrides[{index}]", field_name, first["msg"])) from None
    return overrides


# -- the mapping ---------------------------------------------------------------------------------


@dataclass
class Report:
    source: str
    matched: int = 0
    created: int = 0
    ambiguous: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    records: int = 0
    new_sponsors: list[str] = field(default_factory=list)  # sponsors that matched nothing: new organizations
    refinements: list[Refinement] = field(default_factory=list)  # curated dates this import makes precise


@dataclass(frozen=True)
class Refinement:
    """An imported date that agrees with a curated one. The build cites the import's source beside
    the curated ones, and where the import says more (2013-06 for 2013) keeps its precise date,
    with its kind."""

    fact: Literal["event", "stewardship"]
    project: str
    other: tuple[str, ...]  # the event types that count as the same event, or the steward
    coarse: PartialDate
    precise: PartialDate
    date_kind: str
    sources: tuple[SourceRef, ...]

    @property
    def refines(self) -> bool:
        return self.precise != self.coarse

    def __str__(self) -> str:
        change = f"{self.coarse} refined to {self.precise}" if self.refines else f"{self.coarse} confirmed"
        return f"{self.fact} of '{self.project}' ({'/'.join(self.other)}): {change}"


def refine(records: list[Located], refinements: list[Refinement]) -> None:
    """Apply refinements to the curated records they name, in place. A refined start also moves
    the end of the stewardship handed over on the same coarse date."""
    by_project: dict[str, list[Refinement]] = {}
    for ref in refinements:
        by_project.setdefault(ref.project, []).append(ref)
    for index, item in enumerate(records):
        rec = item.record
        if not isinstance(rec, (Event, Stewardship)) or rec.project is None:
            continue
        for ref in by_project.get(rec.project, []):
            if ref.fact == "event" and isinstance(rec, Event) and rec.project == ref.project \
                    and rec.type in ref.other and rec.date == ref.coarse:
                update: dict[str, Any] = {"date": ref.precise}
            elif ref.fact == "stewardship" and isinstance(rec, Stewardship) and rec.project == ref.project \
                    and rec.steward == ref.other[0] and rec.start == ref.coarse:
                update = {"start": ref.precise}
            elif ref.fact == "stewardship" and isinstance(rec, Stewardship) and rec.project == ref.project \
                    and rec.end == ref.coarse:  # the stewardship handed over on the day the other began
                records[index] = item = replace(item, record=rec.model_copy(update={"end": ref.precise}))
                rec = item.record
                continue
            else:
                continue
            sources = [*rec.sources, *(s for s in ref.sources if s.url not in {r.url for r in rec.sources})]
            if ref.refines:
                update["date_kind"] = ref.date_kind
            rec = rec.model_copy(update={**update, "sources": sources})
            records[index] = replace(item, record=rec)


@dataclass
class Mapping:
    records: list[Record]
    report: Report


def map_import(result: ImportResult, known: Known, *, overrides: list[Override], as_of: PartialDate) -> Mapping:
    """Records for one parsed import, matched against what is known (which it then extends)."""
    mapper = _Mapper(result, known, overrides, as_of)
    found = [(item, *mapper.resolve_organization(item)) for item in result.organizations]  # ids first: hosts
    for item, oid, new in found:
        mapper.organization(item, oid, new)
    for project in result.projects:
        mapper.project(project)
    for member in result.members:
        mapper.member(member)
    for sponsorship in result.sponsorships:
        mapper.sponsorship(sponsorship)
    known.add_records(mapper.records)
    mapper.report.records = len(mapper.records)
    return Mapping(mapper.records, mapper.report)


class _Mapper:
    def __init__(self, result: ImportResult, known: Known, overrides: list[Override], as_of: PartialDate) -> None:
        self.result, self.known, self.as_of = result, known, as_of
        self.overrides = {(o.kind, norm(o.name)): o for o in overrides if o.source in ("*", result.source)}
        self.report = Report(result.source)
        self.report.problems = [str(p) for p in result.problems]
        self.records: list[Record] = []
        self.used: set[tuple[Kind, str]] = set()
        self.ids: dict[str, str] = {}  # the source's own organization identifiers -> ids in the graph
        self.sponsors: dict[str, str] = {}  # a sponsor identifier -> its id
        self.listed: set[str] = set()  # sponsorships made
        self.profiles: dict[str, int] = {}  # organization id -> where its profile is in the records
        up = result.upstream
        title = up.title + (f" at commit {up.commit}" if up.commit else "")
        self.sources = [SourceRef(url=up.cited_url, kind="primary", title=title, publisher=up.publisher,
                                  accessed=dt.date.today())]

    def _resolve(self, kind: Kind, name: str, aliases: tuple[str, ...] = (), repository: str | None = None,
                 homepage: str | None = None, domains: tuple[str, ...] = ()) -> tuple[str, bool]:
        """The id to use, and whether it is new."""
        override = self.overrides.get((kind, norm(name)))
        if override is not None:
            if override.id is not None:
                self.report.matched += 1
                return override.id, (kind, override.id) not in self.known.entities
            found: list[str] = []
        else:
            found = sorted(set(self.known.candidates(kind, name, aliases, repository, homepage, domains)))
        if len(found) == 1:
            self.report.matched += 1
            return found[0], False
        if len(found) > 1:
            self.report.ambiguous.append(f"{kind} '{name}' matches {', '.join(found)}")
        return self._create(kind, name, aliases, repository, homepage, domains), True

    def _create(self, kind: Kind, name: str, aliases: tuple[str, ...] = (), repository: str | None = None,
                homepage: str | None = None, domains: tuple[str, ...] = ()) -> str:
        """A new entity's id; known at once, so that later records of this import match it."""
        slug = slugify(name)
        if (kind, slug) in self.known.entities or (kind, slug) in self.used or not re.fullmatch(SLUG, slug):
            slug = f"{slug}-{self.result.source}"
        self.used.add((kind, slug))
        self.report.created += 1
        entity = self.known.entities.setdefault((kind, slug), Entity(slug, kind))
        entity.names.update(_keys(kind, (name, *aliases)))
        entity.urls.update(u for u in (url_key(repository),) if u and kind == "project")
        entity.homepages.update(u for u in (url_key(homepage),) if u)
        entity.domains.update(domains)
        return slug

    def resolve_organization(self, item: ImportedOrganization) -> tuple[str, bool]:
        domains = tuple(self._valid_domains(item.domains, item.location))
        oid, new = self._resolve("organization", item.name, _legal_alias(item), homepage=item.homepage,
                                 domains=domains)
        if oid in self.ids.values():  # two entries of the directory are not one organization
            self.report.ambiguous.append(f"organization '{item.name}' ({item.identifier}) matches {oid}, which "
                                         "another entry of the directory matched; made a separate one")
            oid, new = self._create("organization", item.name, _legal_alias(item), homepage=item.homepage), True
        self.ids[item.identifier] = oid
        return oid, new

    def organization(self, item: ImportedOrganization, oid: str, new: bool) -> None:
        """An organization from a directory: a new one, or its identity facts on the one known."""
        aliases = _legal_alias(item)
        host = self.ids.get(item.fiscal_host) if item.fiscal_host else None
        if item.fiscal_host and host is None:
            self.report.problems.append(f"{item.location}: fiscal host '{item.fiscal_host}' is not in the "
                                        "directory; left out")
        wikidata = item.wikidata if item.wikidata and re.fullmatch(WIKIDATA, item.wikidata) else None
        if item.wikidata and wikidata is None:
            self.report.problems.append(f"{item.location}: '{item.wikidata}' is not a Wikidata item id; left out")
        identity: dict[str, Any] = {
            "wikidata": wikidata, "domains": self._valid_domains(item.domains, item.location),
            "legal_name": item.legal_name,
            "country": item.country, "nonprofit_status": item.nonprofit_status, "tax_id": item.tax_id,
            "fiscal_hosting": item.fiscal_hosting, "fiscal_host": host if host != oid else None,
            "sources": self.sources}
        if new:
            self.records.append(Organization.model_validate({
                "id": oid, "name": item.name, "kind": "foundation" if item.is_foundation else "other",
                "aliases": list(aliases),
                "homepage": item.homepage, "founded": item.founded, **identity}))
        else:
            self._profile(Profile.model_validate({"organization": oid, **identity}))

    def project(self, item: ImportedProject) -> None:
        foundation = self.result.foundation
        if item.steward is not None:
            if item.steward not in self.ids:
                self.report.problems.append(f"{item.location}: steward '{item.steward}' is not in the directory; "
                                            "not imported")
                return
            foundation = self.ids[item.steward]
        pid, new = self._resolve("project", item.name, item.aliases, item.repository, item.homepage)
        if new:
            status: Literal["archived", "retired", "active"] = (
                "archived" if item.status == "archived" else "retired" if item.status == "retired" else "active"
            )
            self.records.append(Project(
                id=pid, name=item.name, aliases=[a for a in item.aliases if a != item.name],
                homepage=item.homepage, repository=item.repository, status=status,
                description=item.description, sources=self.sources,
            ))
        dated = [s for s in item.stages if s.date is not None]
        # Archival and retirement are events; the foundation still holds the project after them.
        start = next((s for s in dated if s.stage not in _ENDS), None)
        self._stewardship(item, pid, foundation, start, item.role or "host-foundation")
        present: set[str] = {s.stage for s in dated}
        for stage in dated:
            kind = _event_type(stage.stage, present)
            if kind is not None:
                self._event(item, pid, foundation, stage, kind)

    def _stewardship(self, item: ImportedProject, pid: str, foundation: str, start: StageEvent | None,
                     role: str) -> None:
        existing = self.known.stewardships.get((pid, foundation))
        begin = start.date if start else self.as_of
        assert begin is not None
        if existing is not None:
            if start is not None and not _compatible(existing, begin):
                self.report.conflicts.append(
                    f"{item.location}: hosting of '{pid}' by {foundation} since {begin} ({start.date_kind}); "
                    f"kept the curated start {existing}"
                )
            elif start is not None and not _finer(existing, begin):
                self.report.refinements.append(Refinement("stewardship", pid, (foundation,), existing, begin,
                                                          start.date_kind, tuple(self.sources)))
            return
        self.known.stewardships[(pid, foundation)] = begin
        self.records.append(Stewardship(
            project=pid, steward=foundation, role=role, start=begin,
            date_kind=start.date_kind if start else "month-of-record",
            note=None if start else f"listed as hosted in the {self.result.source} data as of {self.as_of}; "
                                    "the file gives no start",
            sources=self.sources,
        ))

    def _event(self, item: ImportedProject, pid: str, foundation: str, stage: StageEvent, kind: str) -> None:
        assert stage.date is not None
        # however a curated file records a project's entry, it is the entry the import records
        same = _JOINING if kind in _JOINING else (kind,)
        existing = [date for other in same for date in self.known.events.get((pid, other), [])]
        if existing:
            # the same event already known (one date agrees), or a disagreement to report
            agreeing = [date for date in existing if _compatible(date, stage.date)]
            if not agreeing:
                kept = ", ".join(str(date) for date in existing)
                self.report.conflicts.append(
                    f"{stage.location}: {kind} of '{pid}' on {stage.date} ({stage.date_kind}); kept the curated {kept}"
                )
            elif not any(_finer(date, stage.date) for date in agreeing):
                self.report.refinements.append(Refinement("event", pid, same, agreeing[0], stage.date,
                                                          stage.date_kind, tuple(self.sources)))
            return
        leaving = kind in ("archival", "retirement")
        # the modelling rule: a project its owner brings in names the owner; an owned project is donated
        owner = None if leaving else next((o.steward for o in self.known.owners.get(pid, [])
                                          if o.steward != foundation and covers(o, stage.date)), None)
        if owner is not None and kind == "acceptance":
            kind = "donation"
        self.records.append(Event.model_validate({
            "id": f"{self.result.source}-{pid}-{stage.stage}", "type": kind, "date": stage.date,
            "date_kind": stage.date_kind, "project": pid, "from": foundation if leaving else owner,
            "to": None if leaving else foundation, "sources": self.sources,
            "description": f"{item.name}: {stage.stage} in the {self.result.source} records.",
        }))
        self.known.events[(pid, kind)] = [stage.date]

    def member(self, item: ImportedMember) -> None:
        domains = tuple(d for d in (domain_of(item.homepage),) if d)
        oid, new = self._resolve("organization", item.name, homepage=item.homepage, domains=domains)
        foundation = self.result.foundation
        if new:
            kind: Literal["company", "other"] = "other" if item.tier in ("academic", "nonprofit", "associate") else "company"
            self.records.append(Organization(id=oid, name=item.name, kind=kind, homepage=item.homepage,
                                             domains=list(domains), sources=self.sources))
        else:
            self._add_domains(oid, domains)
        start = item.joined or self.as_of
        existing = self.known.memberships.get((oid, foundation))
        if existing is not None:
            if item.joined and not _compatible(existing, item.joined):
                self.report.conflicts.append(
                    f"{item.location}: membership of '{oid}' since {item.joined}; kept the curated {existing}")
            return
        self.known.memberships[(oid, foundation)] = start
        self.records.append(Membership(
            member=oid, organization=foundation, tier=item.tier, start=start,
            date_kind=item.date_kind if item.joined else "month-of-record", sources=self.sources,
        ))


    def _add_domains(self, oid: str, domains: tuple[str, ...]) -> None:
        """A known organization's web domains, learnt from this source, as its identifiers."""
        entity = self.known.entities.get(("organization", oid))
        fresh = [d for d in domains if entity is None or d not in entity.domains]
        if fresh:
            self._profile(Profile(organization=oid, domains=fresh, sources=self.sources))
            if entity is not None:
                entity.domains.update(fresh)

    def _profile(self, profile: Profile) -> None:
        """One profile per organization and import: a second one adds its domains to the first."""
        at = self.profiles.get(profile.organization)
        if at is None:
            self.profiles[profile.organization] = len(self.records)
            self.records.append(profile)
            return
        first = self.records[at]
        assert isinstance(first, Profile)
        domains = list(dict.fromkeys([*first.domains, *profile.domains]))
        self.records[at] = first.model_copy(update={"domains": domains})

    def sponsorship(self, item: ImportedSponsorship) -> None:
        recipient = self.ids.get(item.recipient)
        if recipient is None:
            self.report.problems.append(f"{item.location}: the funded organization '{item.recipient}' is not in the "
                                        "directory; not imported")
            return
        sponsor = self._sponsor(item.sponsor, item.location)
        if sponsor == recipient:
            self.report.problems.append(f"{item.location}: '{item.sponsor}' is the funded organization itself; "
                                        "not imported")
            return
        record = Sponsorship(sponsor=sponsor, recipient=recipient, level=item.level, rank=item.rank, kind=item.kind,
                             amount=item.amount, listed=item.listed, date_kind="month-of-record",
                             sources=self.sources)
        if record.slug not in self.listed:
            self.listed.add(record.slug)
            self.records.append(record)

    def _sponsor(self, identifier: str, where: object) -> str:
        """A sponsor as a list names it. A web domain matches the organization that has it; else
        the one named like the domain's first label (nvidia.com: NVIDIA), if that one has no web
        domain of its own (switch.com is not SWITCH of switch.ch), without learning the domain
        from that name. A slug matches by name. One that matches nothing becomes an organization
        of its own, named by its identifier, and is reported."""
        if identifier in self.sponsors:
            return self.sponsors[identifier]
        domains = tuple(self._valid_domains((identifier,), where)) if "." in identifier else ()
        found = sorted(set(self.known.candidates("organization", "", (), None, None, domains))) if domains else []
        if not found:
            label = identifier.split(".")[0]
            found = [oid for oid in sorted(set(self.known.candidates("organization", label, (), None, None)))
                     if not domains or not self.known.entities[("organization", oid)].domains]
        if len(found) == 1:
            self.report.matched += 1
            oid = found[0]
        else:
            if len(found) > 1:
                self.report.ambiguous.append(f"sponsor '{identifier}' matches {', '.join(found)}")
            oid = self._create("organization", identifier, domains=domains)
            self.report.new_sponsors.append(identifier)
            self.records.append(Organization(
                id=oid, name=identifier, kind="other", homepage=f"https://{identifier}/" if domains else None,
                domains=list(domains), sources=self.sources))
        self.sponsors[identifier] = oid
        return oid

    def _valid_domains(self, domains: tuple[str, ...], where: object) -> list[str]:
        valid = [d for d in domains if re.fullmatch(DOMAIN, d)]
        for bad in sorted(set(domains) - set(valid)):
            self.report.problems.append(f"{where}: '{bad}' is not a web domain; left out")
        return valid


def _legal_alias(item: ImportedOrganization) -> tuple[str, ...]:
    return tuple(a for a in (item.legal_name,) if a and a != item.name)


_RANK = {"year": 0, "month": 1, "day": 2}


def _finer(a: PartialDate, b: PartialDate) -> bool:
    """Whether ``a`` is known to a finer precision than ``b`` (2013-06 against 2013)."""
    return _RANK[a.precision] > _RANK[b.precision]


def _compatible(a: PartialDate, b: PartialDate) -> bool:
    """Whether two dates can be the same day: equal where both are known."""
    return a.year == b.year and (a.month is None or b.month is None or (
        a.month == b.month and (a.day is None or b.day is None or a.day == b.day)))


