"""The FOSS Foundations directory (Punderthings/fossfoundation): foundations, sponsors, projects.

A local copy of the repository is read, by directory (upstream names first, then the names of
a copy without the leading underscore):

- ``_foundations/*.md`` (or ``foundations/``): one foundation a file, in YAML front matter
  between the first two ``---`` lines. Each becomes an :class:`ImportedOrganization` with its
  names, website (and its web domain), founding date (only when it is a date: some are prose),
  country (ISO 3166-1 alpha-2; the directory writes the United Kingdom "UK"), nonprofit status,
  tax id, Wikidata QID and the fiscal hosting it offers. Descriptions and other prose are never
  kept.
- ``_sponsorships/<id>.md``: a foundation's sponsor programme, front matter only: its
  ``identifier`` (the funded organization, usually a foundation's identifier) and its
  ``levels``, keyed ``first``, ``second``, … ``eighth``, ``firstinkind`` …, ``community``,
  ``academic``, ``enduser``, ``startuppartners``, ``grants``, each with the foundation's own
  level ``name`` and ``amount``. A programme for an organization with no foundation file
  (a Linux Foundation project such as ``cncf``, an SPI project such as ``debian``) yields an
  organization of its own, with the programme's ``commonName``.
- ``_data/sponsorships/<id>.json``: the sponsor lists of the programme ``<id>``, level key ->
  sponsor identifiers (web domains or slugs), with ``parseDate`` (YYYYMMDD), the day the list
  was read. Each (level, sponsor) becomes an :class:`ImportedSponsorship`. The ranked keys
  give ranks 1-8; an amount is kept only in US dollars and only when the programme states it
  (the directory estimates some, saying so in the programme's ``comment``). Entries that are
  no identifier (names, member-page paths, scraper errors) are problems.
- ``_data/projects-{numfocus,spi,sfc}.csv``: the projects of three fiscal sponsors, each an
  :class:`ImportedProject` stewarded by its ``parentOrganization`` in the role "fiscal-sponsor".
  Their ``foundingDate`` is not read: upstream does not say what it dates. The ASF's list is
  left to the Apache importer.

The location is the repository's root: a local copy (its directories are listed) or the URL of
its raw files (``https://raw.githubusercontent.com/Punderthings/fossfoundation/main/``). A URL
cannot be listed, so there the foundations are the keys of ``_foundations/list.json`` and the
programmes those of ``_data/sponsorships/org-funding.json``; the list names a few foundations
by an identifier that is not their file's name, and misses a few (a problem each, or nothing):
a local copy reads them all.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

import httpx

from stewardgraph.importers.base import (
    ImportedOrganization,
    ImportedProject,
    ImportedSponsorship,
    ImportProblem,
    ImportRefused,
    ImportResult,
    ImportUnavailable,
    Location,
    Upstream,
    is_url,
    load_yaml,
    parse_date,
    read_text,
    text,
)
from stewardgraph.records import PartialDate

REPOSITORY = "Punderthings/fossfoundation"
DIRECTORIES = {  # role -> the names it may have, upstream name first
    "foundations": ("_foundations", "foundations"),
    "sponsorships": ("_sponsorships", "sponsorships"),
    "data": ("_data", "data"),
}
# The day the snapshot's sponsor lists were last refreshed, per the datasets README
# (shared/datasets/README.md, the row of fossfoundation/data/sponsorships/<foundation>.json):
# used only for a list that carries no date of its own (parseDate, staticmap).
LISTS_READ = PartialDate(2024, 9, 26)
PROJECT_FILES = (  # the fiscal sponsor, its project list
    ("numfocus", "projects-numfocus.csv"), ("spi", "projects-spi.csv"), ("sfc", "projects-sfc.csv"),
)  # fmt: skip
PROJECT_COLUMNS = ("identifier", "commonName", "website")
AGGREGATES = frozenset({"org-funding", "sponsor-counts"})  # data/sponsorships/ files that are no list
FISCAL_HOSTING = frozenset({"direct", "indirect", "full"})
COUNTRY_FIXES = {"UK": "GB"}  # written as the directory writes it -> ISO 3166-1 alpha-2
ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth")
_MONTHS = {
    name: number
    for number, month in enumerate(
        ("january", "february", "march", "april", "may", "june", "july", "august",
         "september", "october", "november", "december"), 1,
    )  # fmt: skip
    for name in (month, month[:3])
}
_ISO = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")
_SPELLED = re.compile(r"(\d{1,2})\s+([A-Za-z]+)\.?,?\s+(\d{4})")
_QID = re.compile(r"Q[1-9][0-9]*")
_COUNTRY = re.compile(r"[A-Z]{2}")
_SPONSOR = re.compile(r"[a-z0-9](?:[a-z0-9._-]*[a-z0-9])?")
_ESTIMATED = re.compile(r"\bestimat|\bdefault\b", re.IGNORECASE)  # a comment saying amounts are guessed
NOT_A_DATE = "not a date (YYYY, YYYY-MM, YYYY-MM-DD, YYYYMMDD or '27 November 1997'); left out"


@dataclass(frozen=True)
class _Source:
    """The repository: a local copy, or the root URL of its raw files."""

    root: str | Path
    dirs: Mapping[str, str]  # role -> the directory's name in this copy ("_data" or "data")

    @property
    def remote(self) -> bool:
        return is_url(self.root)

    def name(self, role: str, *parts: str) -> str:
        """How locations and problems cite a file: its path from the repository's root."""
        return "/".join((self.dirs[role], *parts))

    def locate(self, name: str) -> str | Path:
        if isinstance(self.root, Path):
            return self.root / name
        return f"{self.root.rstrip('/')}/{name}"

    def read(self, name: str) -> str | None:
        """A file's text, or None when there is no such file (locally, or HTTP 404)."""
        where = self.locate(name)
        if isinstance(where, Path) and not where.is_file():
            return None
        try:
            return read_text(where)
        except ImportUnavailable as exc:
            cause = exc.__cause__
            if isinstance(cause, httpx.HTTPStatusError) and cause.response.status_code == 404:
                return None
            raise

    def listing(self, role: str, *parts: str, suffix: str) -> list[str] | None:
        """The names of a local directory's files, sorted; None for a URL or a missing directory."""
        if self.remote:
            return None
        directory = self.locate(self.name(role, *parts))
        assert isinstance(directory, Path)
        if not directory.is_dir():
            return None
        return sorted(
            self.name(role, *parts, p.name) for p in directory.iterdir() if p.suffix == suffix and p.is_file()
        )


@dataclass(frozen=True)
class _Programme:
    """A sponsor programme as its ``_sponsorships/<id>.md`` describes it."""

    stem: str  # the file's stem, which names its sponsor list
    identifier: str  # the funded organization
    name: str | None
    file: str
    levels: Mapping[str, Mapping[str, Any]]
    listed: PartialDate | None  # the day its inline list was captured (staticmap)
    estimated: bool  # the directory says the amounts are its own estimates
    host: str | None = None  # the identifier of the organization that fiscally hosts the recipient


@dataclass
class FossFoundationImporter:
    name: str = "fossfoundation"
    foundation: str = ""  # projects name their steward
    default_url: str = f"https://raw.githubusercontent.com/{REPOSITORY}/main/"

    def read(self, location: str | Path, *, commit: str | None = None) -> ImportResult:
        source = _source(location)
        problems: list[ImportProblem] = []
        organizations = read_foundations(source, problems)
        programmes = read_programmes(source, problems)
        organizations += _recipients(organizations, programmes, problems)
        sponsorships = [s for p in programmes for s in read_sponsorships(source, p, problems)]
        _unpaired_lists(source, programmes, problems)
        projects = read_projects(source, {o.identifier for o in organizations}, problems)
        upstream = Upstream(
            url=str(location),
            repository=REPOSITORY,
            path="",
            commit=commit,
            title="FOSS Foundations directory (Punderthings/fossfoundation)",
            publisher="Punderthings",
        )
        return ImportResult(
            source=self.name,
            foundation=self.foundation,
            upstream=upstream,
            projects=tuple(projects),
            members=(),
            problems=tuple(problems),
            organizations=tuple(organizations),
            sponsorships=tuple(sponsorships),
        )


# -- the repository ------------------------------------------------------------------------------


def _source(location: str | Path) -> _Source:
    if is_url(location):
        return _Source(str(location), {role: names[0] for role, names in DIRECTORIES.items()})
    root = Path(location)
    if not root.exists():
        raise ImportUnavailable(f"could not read {root}: no such directory")
    if not root.is_dir():
        raise ImportRefused(f"{root.name} is not the fossfoundation repository: not a directory")
    # Each role under the name it has here; a missing one under its local name (read as empty).
    dirs = {
        role: next((n for n in names if (root / n).is_dir()), names[-1])
        for role, names in DIRECTORIES.items()
    }
    if not (root / dirs["foundations"]).is_dir():
        raise ImportRefused(f"{root.name} is not the fossfoundation repository: no foundations/ directory")
    return _Source(root, dirs)


def front_matter(content: str, name: str) -> Any:
    """The YAML between a file's first two ``---`` lines.

    >>> front_matter("---\\nidentifier: numfocus\\nfoundingDate: 2012-01-01\\n---\\nProse.", "x.md")
    {'identifier': 'numfocus', 'foundingDate': '2012-01-01'}
    """
    lines = content.splitlines()
    if not lines or lines[0].strip() != "---":
        raise ImportRefused(f"{name} has no front matter: it does not start with a '---' line")
    for end, line in enumerate(lines[1:], 1):
        if line.rstrip() == "---":
            return load_yaml("\n".join(lines[1:end]), name)
    raise ImportRefused(f"{name} has no front matter: no closing '---' line")


def _stem(name: str) -> str:
    return name.rsplit("/", 1)[-1].rsplit(".", 1)[0]


def _read_front_matter(
    source: _Source, name: str, problems: list[ImportProblem]
) -> dict[str, Any] | None:
    """A file's front matter, or None with a problem: one bad file does not stop the others."""
    where = Location(name, _stem(name))
    try:
        content = source.read(name)
        doc = None if content is None else front_matter(content, name)
    except ImportRefused as exc:
        problems.append(ImportProblem(where, str(exc)))
        return None
    if content is None:
        problems.append(ImportProblem(where, "listed, but no such file"))
    elif not isinstance(doc, dict):
        problems.append(ImportProblem(where, "the front matter is not a mapping"))
    else:
        return doc
    return None


def _read_json(source: _Source, name: str, problems: list[ImportProblem]) -> Any:
    """A JSON file's content; None when it is missing, or with a problem when it is not JSON."""
    where = Location(name, _stem(name))
    try:
        content = source.read(name)
        return None if content is None else json.loads(content)
    except ImportRefused as exc:
        problems.append(ImportProblem(where, str(exc)))
    except json.JSONDecodeError as exc:
        problems.append(ImportProblem(where, f"not valid JSON: {exc}"))
    except RecursionError:
        problems.append(ImportProblem(where, "JSON nested too deeply"))
    return None


def _index(source: _Source, name: str, key: str | None = None) -> list[str] | None:
    """The keys of an index file (of its ``key`` object), sorted; None when it is missing."""
    content = source.read(name)
    if content is None:
        return None
    try:
        doc = json.loads(content)
    except (json.JSONDecodeError, RecursionError) as exc:
        raise ImportRefused(f"{name} is not valid JSON: {exc}") from exc
    if key is not None:
        doc = doc.get(key) if isinstance(doc, dict) else None
    if not isinstance(doc, dict):
        raise ImportRefused(f"{name}: expected a JSON object keyed by identifier")
    return sorted(str(k) for k in doc)


# -- foundations ---------------------------------------------------------------------------------


def read_foundations(source: _Source, problems: list[ImportProblem]) -> list[ImportedOrganization]:
    organizations: dict[str, ImportedOrganization] = {}
    for name in _foundation_files(source):
        doc = _read_front_matter(source, name, problems)
        if doc is None:
            continue
        organization = _organization(doc, name, text(doc.get("identifier")) or _stem(name), problems)
        if organization is None:
            continue
        if organization.identifier in organizations:
            first = organizations[organization.identifier].location.file
            problems.append(ImportProblem(
                organization.location.at("identifier"), f"the identifier of {first} too; left out"
            ))  # fmt: skip
            continue
        organizations[organization.identifier] = organization
    return list(organizations.values())


def _foundation_files(source: _Source) -> list[str]:
    listed = source.listing("foundations", suffix=".md")
    if listed is not None:
        return listed
    index = source.name("foundations", "list.json")
    keys = _index(source, index)
    if keys is None:
        raise ImportRefused(
            f"{source.root}: no {index} to list the foundations by; give a local copy of the repository"
        )
    return [source.name("foundations", f"{key}.md") for key in keys]


def _organization(
    doc: Mapping[str, Any], name: str, identifier: str, problems: list[ImportProblem]
) -> ImportedOrganization | None:
    where = Location(name, identifier)
    common = text(doc.get("commonName"))
    if common is None:
        problems.append(ImportProblem(where.at("commonName"), "no commonName; left out"))
        return None
    homepage = _homepage(doc.get("website"), where.at("website"), problems)
    host = domain(homepage)
    return ImportedOrganization(
        identifier=identifier,
        name=common,
        location=where,
        legal_name=text(doc.get("legalName")),
        homepage=homepage,
        founded=directory_date(doc.get("foundingDate"), where.at("foundingDate"), problems),
        country=_country(doc.get("addressCountry"), where.at("addressCountry"), problems),
        nonprofit_status=text(doc.get("nonprofitStatus")),
        tax_id=text(doc.get("taxID")),
        wikidata=_wikidata(doc.get("wikidataId"), where.at("wikidataId"), problems),
        fiscal_hosting=_fiscal_hosting(doc.get("fiscalHost"), where.at("fiscalHost"), problems),
        domains=(host,) if host else (),
    )


def iso_date(value: object) -> str | None:
    """A date as the directory writes it, in ISO form, or None when it is no date.

    >>> [iso_date(v) for v in (2012, "2007-05", "20221114", "04 february 2006", "founded in 2004")]
    ['2012', '2007-05', '2022-11-14', '2006-02-04', None]
    """
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        return None
    value = value.strip()
    if _ISO.fullmatch(value):
        return value
    if match := _COMPACT.fullmatch(value):
        return "-".join(match.groups())
    if (match := _SPELLED.fullmatch(value)) and (month := _MONTHS.get(match[2].lower())):
        return f"{match[3]}-{month:02d}-{int(match[1]):02d}"
    return None


def directory_date(value: object, where: Location, problems: list[ImportProblem]) -> PartialDate | None:
    """A date (a founding date, the day a list was read) to the precision given, however the
    directory writes it (YYYYMMDD, ISO, "27 November 1997"); prose is a problem and left out."""
    if text(value) is None:
        return None
    iso = iso_date(value)
    if iso is None:
        problems.append(ImportProblem(where, NOT_A_DATE))
        return None
    return parse_date(iso, where, problems)


def _homepage(value: object, where: Location, problems: list[ImportProblem]) -> str | None:
    url = text(value)
    if url is None or is_url(url):
        return url
    problems.append(ImportProblem(where, "not an http(s) URL; left out"))
    return None


def domain(url: str | None) -> str | None:
    """The web domain a homepage identifies: only a site's root says whose the domain is (a page
    on github.com or kernel.org does not make the domain the foundation's).

    >>> domain("https://www.Apache.org/"), domain("https://numfocus.org/sponsors")
    ('apache.org', None)
    """
    if not url:
        return None
    parts = urlsplit(url)
    host = parts.hostname if parts.path in ("", "/") else None
    return host.rstrip(".").removeprefix("www.") if host else None


def _country(value: object, where: Location, problems: list[ImportProblem]) -> str | None:
    raw = text(value)
    if raw is None:
        return None
    code = COUNTRY_FIXES.get(raw.upper(), raw.upper())
    if _COUNTRY.fullmatch(code):
        return code
    problems.append(ImportProblem(where, f"{raw!r} is not an ISO 3166-1 alpha-2 code; left out"))
    return None


def _wikidata(value: object, where: Location, problems: list[ImportProblem]) -> str | None:
    raw = text(value)
    if raw is None or _QID.fullmatch(raw):
        return raw
    problems.append(ImportProblem(where, f"{raw!r} is not a Wikidata QID (Q and digits); left out"))
    return None


def _fiscal_hosting(value: object, where: Location, problems: list[ImportProblem]) -> str | None:
    raw = text(value)
    if raw is None or raw.lower() in FISCAL_HOSTING:
        return raw.lower() if raw else None
    problems.append(ImportProblem(
        where, f"{raw!r} is not a kind of fiscal hosting (direct, indirect or full); left out"
    ))  # fmt: skip
    return None


# -- sponsorships --------------------------------------------------------------------------------


def read_programmes(source: _Source, problems: list[ImportProblem]) -> list[_Programme]:
    programmes = []
    for name in _programme_files(source, problems):
        doc = _read_front_matter(source, name, problems)
        if doc is not None:
            programmes.append(_programme(doc, _stem(name), name, problems))
    return programmes


def _programme_files(source: _Source, problems: list[ImportProblem]) -> list[str]:
    if not source.remote:
        return source.listing("sponsorships", suffix=".md") or []
    index = source.name("data", "sponsorships", "org-funding.json")
    keys = _index(source, index, "orgs")
    if keys is None:
        problems.append(ImportProblem(Location(index, "orgs"), "missing; no sponsorships read"))
    return [source.name("sponsorships", f"{key}.md") for key in keys or ()]


def _recipients(
    organizations: list[ImportedOrganization], programmes: list[_Programme], problems: list[ImportProblem]
) -> list[ImportedOrganization]:
    """An organization for each programme whose recipient has no foundation file."""
    known = {o.identifier for o in organizations}
    found = []
    for programme in programmes:
        if programme.identifier in known:
            continue
        known.add(programme.identifier)
        where = Location(programme.file, programme.identifier)
        if programme.name is None:
            problems.append(ImportProblem(
                where.at("commonName"), "no foundation file and no commonName: the recipient is unnamed"
            ))  # fmt: skip
            continue
        found.append(ImportedOrganization(programme.identifier, programme.name, where, fiscal_host=programme.host,
                                          is_foundation=False))  # Debian, Arch Linux: not foundations
    return found


def _programme(
    doc: Mapping[str, Any], stem: str, name: str, problems: list[ImportProblem]
) -> _Programme:
    identifier = text(doc.get("identifier")) or stem
    where = Location(name, identifier)
    levels: dict[str, Mapping[str, Any]] = {}
    raw_levels = doc.get("levels")
    if isinstance(raw_levels, dict):
        for key, level in raw_levels.items():
            if isinstance(level, dict):
                levels[str(key)] = level
            else:
                problems.append(ImportProblem(where.at(f"levels.{key}"), "not a mapping"))
    elif raw_levels is not None:
        problems.append(ImportProblem(where.at("levels"), "not a mapping of levels"))
    return _Programme(
        stem=stem,
        identifier=identifier,
        name=text(doc.get("commonName")),
        file=name,
        levels=levels,
        listed=directory_date(doc.get("staticmap"), where.at("staticmap"), problems),
        estimated=bool(_ESTIMATED.search(text(doc.get("comment")) or "")),
        host=_host(doc.get("fiscalHost")),
    )


def _host(value: object) -> str | None:
    """A programme's ``fiscalHost`` names the organization that hosts its recipient (``lf``,
    ``spi``); a foundation file's says which fiscal hosting the foundation itself offers."""
    host = text(value)
    return host.lower() if host and host.lower() not in ("direct", "indirect", "full") else None


def read_sponsorships(
    source: _Source, programme: _Programme, problems: list[ImportProblem]
) -> list[ImportedSponsorship]:
    name = source.name("data", "sponsorships", f"{programme.stem}.json")
    before = len(problems)
    doc = _read_json(source, name, problems)
    if doc is None:
        if len(problems) == before:  # missing, rather than broken
            problems.append(ImportProblem(
                Location(programme.file, programme.identifier), f"no sponsor list {name}"
            ))  # fmt: skip
        return []
    where = Location(name, programme.stem)
    if not isinstance(doc, dict):
        problems.append(ImportProblem(where, "not a JSON object of levels"))
        return []
    listed = directory_date(doc.get("parseDate"), where.at("parseDate"), problems) or programme.listed or LISTS_READ
    found: list[ImportedSponsorship] = []
    for key, sponsors in doc.items():
        if key == "parseDate" or sponsors is None:
            continue
        if key == "error":
            problems.append(ImportProblem(where.at(key), "upstream could not read this list; none imported"))
            continue
        if not isinstance(sponsors, list):
            problems.append(ImportProblem(where.at(key), "not a list of sponsors"))
            continue
        found.extend(_level(programme, name, key, sponsors, listed, problems))
    return found


def _level(
    programme: _Programme,
    name: str,
    key: str,
    sponsors: list[Any],
    listed: PartialDate,
    problems: list[ImportProblem],
) -> Iterator[ImportedSponsorship]:
    level = programme.levels.get(key, {})
    kind: Literal["cash", "in-kind"] = "in-kind" if key.endswith("inkind") else "cash"
    seen: set[str] = set()
    for i, raw in enumerate(sponsors, 1):
        if isinstance(raw, str) and not raw.strip():  # an empty string is no entry
            continue
        sponsor = sponsor_id(raw)
        if sponsor is None:
            problems.append(ImportProblem(Location(name, f"#{i}", key), _bad_sponsor(raw)))
            continue
        if sponsor in seen:
            continue
        seen.add(sponsor)
        yield ImportedSponsorship(
            sponsor=sponsor,
            recipient=programme.identifier,
            level=text(level.get("name")) or key,
            rank=rank(key),
            kind=kind,
            amount=None if programme.estimated else amount(level),
            listed=listed,
            location=Location(name, sponsor, key),
        )


def sponsor_id(raw: object) -> str | None:
    """A sponsor's identifier (a web domain or a slug), or None when the entry is neither.

    >>> [sponsor_id(s) for s in (" Google.com", "http://www.ctsi.com.cn/", "Red Hat", "/a/members/x")]
    ['google.com', 'ctsi.com.cn', None, None]
    """
    if not isinstance(raw, str):
        return None
    value = raw.strip().lower()
    if is_url(value):
        value = urlsplit(value).hostname or ""
    value = value.removeprefix("www.")
    return value if _SPONSOR.fullmatch(value) else None


def _bad_sponsor(raw: object) -> str:
    if not isinstance(raw, str):
        return "not a string; left out"
    if raw.strip().startswith("ERROR"):
        return "an error of the upstream scraper, not a sponsor; left out"
    return "not a web domain or slug (a name or a page path); left out"


def rank(key: str) -> int | None:
    """1 for the first (top) level, cash or in kind, …; None for unranked levels.

    >>> rank("first"), rank("thirdinkind"), rank("community")
    (1, 3, None)
    """
    base = key.removesuffix("inkind")
    return ORDINALS.index(base) + 1 if base in ORDINALS else None


def amount(level: Mapping[str, Any]) -> int | None:
    """The level's amount in US dollars, when it states one."""
    currency = text(level.get("amountCurrency"))
    if currency is not None and currency.upper() != "USD":
        return None
    raw = text(level.get("amount"))
    if raw is None or not raw.isdecimal() or int(raw) <= 0:
        return None
    return int(raw)


def _unpaired_lists(source: _Source, programmes: list[_Programme], problems: list[ImportProblem]) -> None:
    """Sponsor lists without a programme file (in a local copy): their recipient is unknown."""
    stems = {p.stem for p in programmes}
    for name in source.listing("data", "sponsorships", suffix=".json") or ():
        if _stem(name) not in stems and _stem(name) not in AGGREGATES:
            problems.append(ImportProblem(
                Location(name, _stem(name)), "no sponsorships/ file for this list; left out"
            ))  # fmt: skip


# -- projects ------------------------------------------------------------------------------------


def read_projects(
    source: _Source, organizations: set[str], problems: list[ImportProblem]
) -> list[ImportedProject]:
    projects: list[ImportedProject] = []
    for steward, file in PROJECT_FILES:
        name = source.name("data", file)
        content = source.read(name)
        if content is None:
            problems.append(ImportProblem(Location(name, steward), "missing; no projects read"))
            continue
        projects.extend(_projects(name, content, steward, organizations, problems))
    return projects


def _projects(
    name: str, content: str, steward: str, organizations: set[str], problems: list[ImportProblem]
) -> Iterator[ImportedProject]:
    reader = csv.DictReader(io.StringIO(content, newline=""))
    missing = [c for c in PROJECT_COLUMNS if c not in (reader.fieldnames or ())]
    if missing:
        raise ImportRefused(f"{name} is not a fossfoundation project list: no {', '.join(missing)} column")
    try:
        for n, row in enumerate(reader, 2):  # the header is line 1
            where = Location(name, text(row.get("identifier")) or f"row {n}")
            project = _project(row, where, steward, organizations, problems)
            if project is not None:
                yield project
    except csv.Error as exc:
        raise ImportRefused(f"{name} is not valid CSV: {exc}") from exc


def _project(
    row: Mapping[str, Any],
    where: Location,
    steward: str,
    organizations: set[str],
    problems: list[ImportProblem],
) -> ImportedProject | None:
    common = text(row.get("commonName"))
    if common is None:
        problems.append(ImportProblem(where.at("commonName"), "no commonName; left out"))
        return None
    parent = text(row.get("parentOrganization"))
    if parent is not None and parent != steward and parent not in organizations:
        problems.append(ImportProblem(
            where.at("parentOrganization"),
            f"{parent!r} is no foundation of the directory; the list's own, {steward!r}, is kept",
        ))  # fmt: skip
        parent = None
    homepage = _homepage(row.get("website"), where.at("website"), problems)
    return ImportedProject(
        name=common,
        location=where,
        homepage=homepage,
        repository=repository(homepage),
        status="hosted",
        steward=parent or steward,
        role="fiscal-sponsor",
    )


def repository(url: str | None) -> str | None:
    """The GitHub or GitLab repository a URL is in, or None.

    >>> repository("https://github.com/AltraMayor/XIA-for-Linux/wiki")
    'https://github.com/AltraMayor/XIA-for-Linux'
    >>> repository("https://github.com/tux4kids"), repository("https://tuxpaint.org/")
    (None, None)
    """
    if url is None:
        return None
    parts = urlsplit(url)
    host = (parts.hostname or "").removeprefix("www.")
    segments = [s for s in parts.path.split("/") if s]
    if host == "github.com":
        segments = segments[:2]
    elif host == "gitlab.com":
        segments = segments[: segments.index("-")] if "-" in segments else segments
    else:
        return None
    if len(segments) < 2:
        return None
    return f"https://{host}/" + "/".join(segments).removesuffix(".git")


importer = FossFoundationImporter()
