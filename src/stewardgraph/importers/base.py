"""What every importer returns, and the reading helpers they share.

This is the parsing layer only: an importer turns one upstream file (or, for Apache, one
directory of files) into plain, located records. Mapping them onto the graph and merging
entities across sources is a later step.

A file of the wrong shape is refused as a whole (:class:`ImportRefused`); a bad record in a
good file becomes an :class:`ImportProblem` and the rest of the file still imports.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Protocol
from urllib.parse import urlsplit

import httpx
import yaml

from stewardgraph import yamltext
from stewardgraph.errors import ImportRefused as ImportRefused
from stewardgraph.errors import ImportUnavailable as ImportUnavailable
from stewardgraph.records import PartialDate

DateKind = Literal["vote", "announcement", "month-of-record", "proxy"]
Stage = Literal["sandbox", "incubating", "early-adoption", "graduated", "archived", "retired", "established", "hosted"]
TIERS = (
    "premier", "platinum", "gold", "silver", "bronze", "general", "associate", "end-user",
    "academic", "nonprofit", "strategic", "member",
)  # fmt: skip
TIMEOUT = 30.0
MAX_FILE_BYTES = 64 * 2**20  # the biggest upstream file (the CNCF landscape) is about 1 MB
# Tests replace this with an httpx.MockTransport; None means the real network.
transport: httpx.BaseTransport | None = None


@dataclass(frozen=True)
class Location:
    """Where a record came from.

    >>> str(Location("landscape.yml", "Kubernetes", "extra.graduated"))
    "landscape.yml: item 'Kubernetes', field 'extra.graduated'"
    """

    file: str
    item: str
    field: str | None = None

    def at(self, field: str) -> Location:
        return Location(self.file, self.item, field)

    def __str__(self) -> str:
        text = f"{self.file}: item '{self.item}'"
        return text + (f", field '{self.field}'" if self.field else "")


@dataclass(frozen=True)
class StageEvent:
    """A project reaching a stage at a date (None when the file gives the stage but no date)."""

    stage: Stage
    date: PartialDate | None
    date_kind: DateKind
    location: Location


@dataclass(frozen=True)
class ImportedProject:
    name: str
    location: Location
    aliases: tuple[str, ...] = ()
    homepage: str | None = None
    repository: str | None = None
    status: Stage | None = None  # the current stage per the file
    stages: tuple[StageEvent, ...] = ()  # in date order, undated ones last
    description: str | None = None
    # A source that lists several stewards (a directory of fiscal sponsors) names the project's:
    # the identifier of one of its own organizations, and the role; else the result's foundation hosts it.
    steward: str | None = None
    role: str | None = None


@dataclass(frozen=True)
class ImportedOrganization:
    """An organization as a directory of organizations describes it."""

    identifier: str  # the directory's own id for it ("numfocus"), which its other records use
    name: str  # the common name
    location: Location
    legal_name: str | None = None
    homepage: str | None = None
    founded: PartialDate | None = None  # only a date whose meaning is the founding
    country: str | None = None  # ISO 3166-1 alpha-2
    nonprofit_status: str | None = None  # a schema.org NonprofitType member ("Nonprofit501c3"), else as written
    tax_id: str | None = None
    wikidata: str | None = None  # "Q…"
    fiscal_hosting: str | None = None  # the fiscal hosting it offers to projects: direct, indirect or full
    domains: tuple[str, ...] = ()  # web domains that identify it ("numfocus.org")
    fiscal_host: str | None = None  # the identifier of the organization that fiscally hosts it
    is_foundation: bool = True  # False: only known as the recipient of a sponsor programme


@dataclass(frozen=True)
class ImportedSponsorship:
    """One sponsor on one level of a foundation's sponsor list, on the day the list was read."""

    sponsor: str  # as the list identifies it: a web domain ("google.com") or a slug ("nvidia")
    recipient: str  # the identifier of the funded organization (an ImportedOrganization's)
    level: str  # the foundation's own name of the level ("principal", "Platinum")
    rank: int | None  # 1 for the first (top) level, 2 for the second, …; None for unranked levels
    kind: Literal["cash", "in-kind"]
    amount: int | None  # US dollars, where the programme states one (never 0)
    listed: PartialDate  # the day (or month) the list was read
    location: Location


@dataclass(frozen=True)
class ImportedMember:
    name: str
    tier: str  # one of TIERS
    location: Location
    joined: PartialDate | None = None
    date_kind: DateKind = "vote"
    homepage: str | None = None


@dataclass(frozen=True)
class ImportProblem:
    """A bad record: counted and reported, never a crash."""

    location: Location
    message: str

    def __str__(self) -> str:
        return f"{self.location}: {self.message}"


@dataclass(frozen=True)
class Upstream:
    """Where the data comes from, cited on every imported fact."""

    url: str  # the URL or path actually read
    repository: str
    path: str
    commit: str | None
    title: str
    publisher: str

    @property
    def cited_url(self) -> str:
        """The URL a fact cites: the one read, or for a local file its place upstream."""
        if self.url.startswith(("http://", "https://")):
            return self.url
        return f"https://github.com/{self.repository}/blob/{self.commit or 'HEAD'}/{self.path}"


@dataclass(frozen=True)
class ImportResult:
    source: str
    foundation: str  # the organization that hosts the projects (unless a project names its steward)
    upstream: Upstream
    projects: tuple[ImportedProject, ...]
    members: tuple[ImportedMember, ...]
    problems: tuple[ImportProblem, ...]
    organizations: tuple[ImportedOrganization, ...] = ()
    sponsorships: tuple[ImportedSponsorship, ...] = ()


class Importer(Protocol):
    name: str
    default_url: str

    def read(self, location: str | Path, *, commit: str | None = None) -> ImportResult: ...


# -- reading -------------------------------------------------------------------------------------


def is_url(location: str | Path) -> bool:
    return isinstance(location, str) and location.startswith(("http://", "https://"))


def file_name(location: str | Path) -> str:
    """The name that problems cite: the last part of a path or URL."""
    if is_url(location):
        return urlsplit(str(location)).path.rstrip("/").rsplit("/", 1)[-1] or str(location)
    return Path(location).name


def read_bytes(location: str | Path) -> bytes:
    """The content of a local file or an http(s) URL, at most MAX_FILE_BYTES."""
    too_big = f"{file_name(location)} is bigger than {MAX_FILE_BYTES:,} bytes, the most an import file may have"
    if is_url(location):
        url = str(location)
        try:
            with httpx.Client(timeout=TIMEOUT, follow_redirects=True, transport=transport) as client:
                with client.stream("GET", url) as response:
                    response.raise_for_status()
                    chunks, size = [], 0
                    for chunk in response.iter_bytes():
                        size += len(chunk)
                        if size > MAX_FILE_BYTES:
                            raise ImportRefused(too_big)
                        chunks.append(chunk)
        except httpx.HTTPStatusError as exc:
            raise ImportUnavailable(
                f"could not download {url}: HTTP {exc.response.status_code}"
            ) from exc
        except httpx.HTTPError as exc:
            raise ImportUnavailable(f"could not download {url}: {exc}") from exc
        return b"".join(chunks)
    path = Path(location)
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise ImportRefused(too_big)
        return path.read_bytes()
    except OSError as exc:
        raise ImportUnavailable(f"could not read {path}: {exc.strerror or exc}") from exc


def read_text(location: str | Path) -> str:
    data = read_bytes(location)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ImportRefused(f"{file_name(location)} is not UTF-8 text: byte 0x{data[exc.start]:02x} at line {line} "
                            "cannot be decoded") from exc


def load_yaml(text: str, name: str) -> Any:
    try:
        return yamltext.load(text)
    except yaml.YAMLError as exc:
        raise ImportRefused(f"{name} is not valid YAML: {yamltext.one_line(exc)}") from exc


# -- values --------------------------------------------------------------------------------------


def text(value: object) -> str | None:
    """A non-empty, stripped string, or None."""
    if isinstance(value, str) and value.strip():
        return value.strip()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return None


def parse_date(
    value: object, where: Location, problems: list[ImportProblem]
) -> PartialDate | None:
    """A date, or None with a problem recorded when the value is not a date."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        value = value.date()
    try:
        return PartialDate.parse(value)
    except ValueError as exc:
        problems.append(ImportProblem(where, str(exc)))
        return None


def order_stages(events: Iterable[StageEvent]) -> tuple[StageEvent, ...]:
    """In date order, undated last; ties keep the order given (the lifecycle order)."""
    listed = list(events)
    return tuple(
        sorted(
            listed,
            key=lambda e: (e.date is None, e.date.first_day() if e.date else dt.date.min),
        )
    )


_PAREN = re.compile(r"^(?P<base>.+?)\s*\((?P<inner>[^()]+)\)$")


def name_aliases(name: str) -> tuple[str, ...]:
    """Other names in a name that carries its abbreviation.

    >>> name_aliases("Open Policy Agent (OPA)")
    ('Open Policy Agent', 'OPA')
    >>> name_aliases("Kubernetes")
    ()
    """
    match = _PAREN.match(name)
    if not match:
        return ()
    return tuple(dict.fromkeys(p for p in (match["base"].strip(), match["inner"].strip()) if p))


_TIER_WORDS = {
    "premier": "premier", "platinum": "platinum", "gold": "gold", "silver": "silver",
    "bronze": "bronze", "general": "general", "associate": "associate", "strategic": "strategic",
    "academic": "academic", "nonprofit": "nonprofit", "non profit": "nonprofit",
    "not for profit": "nonprofit", "end user": "end-user", "enduser": "end-user",
    "member": "member", "members": "member",
}  # fmt: skip


def normalize_tier(raw: str) -> str | None:
    """One of :data:`TIERS` for a tier as a foundation writes it, or None.

    >>> [normalize_tier(t) for t in ("Platinum", "End User Supporter and Contributor", "Gold Members")]
    ['platinum', 'end-user', 'gold']
    >>> normalize_tier("Diamond") is None
    True
    """
    words = re.sub(r"[^a-z0-9]+", " ", raw.lower()).strip()
    if words in _TIER_WORDS:
        return _TIER_WORDS[words]
    words = re.sub(r"\s+(members?|membership|tier|level)$", "", words)
    if words in _TIER_WORDS:
        return _TIER_WORDS[words]
    for prefix, tier in _TIER_WORDS.items():
        if words.startswith(prefix + " ") and tier not in ("member",):
            return tier
    return None
