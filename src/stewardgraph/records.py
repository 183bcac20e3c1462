"""Typed models of curated records, and dates at the precision they are known."""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator

SLUG = r"^[a-z0-9]+(-[a-z0-9]+)*$"
_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


ProjectStatus = Literal["active", "archived", "retired", "deprecated"]


@dataclass(frozen=True, order=True)
class PartialDate:
    """An ISO date known to the year, the month or the day.

    >>> PartialDate.parse("2025-05")
    PartialDate(year=2025, month=5, day=None)
    >>> str(PartialDate.parse("2016")), PartialDate.parse("2016").first_day()
    ('2016', datetime.date(2016, 1, 1))
    """

    year: int
    month: int | None = None
    day: int | None = None

    @classmethod
    def parse(cls, value: object) -> PartialDate:
        if isinstance(value, PartialDate):
            return value
        if isinstance(value, dt.datetime):
            raise ValueError(f"'{value}' has a time; give a date")
        if isinstance(value, dt.date):
            return cls(value.year, value.month, value.day)
        if isinstance(value, bool) or not isinstance(value, (int, str)):
            raise ValueError(f"'{value}' is not a date (use YYYY, YYYY-MM or YYYY-MM-DD)")
        match = _DATE.match(str(value).strip())
        if not match:
            raise ValueError(f"'{value}' is not a date (use YYYY, YYYY-MM or YYYY-MM-DD)")
        year, month, day = (int(g) if g else None for g in match.groups())
        assert year is not None  # the pattern requires it
        if year < 1:
            raise ValueError(f"'{value}' has no year 0: years start at 1")
        if month is not None and not 1 <= month <= 12:
            raise ValueError(f"'{value}' has no month {month}")
        if day is not None and month is not None:
            last = calendar.monthrange(year, month)[1]
            if not 1 <= day <= last:
                raise ValueError(f"'{value}' is not a real day: {year}-{month:02d} has {last} days")
        return cls(year, month, day)

    @property
    def precision(self) -> Literal["year", "month", "day"]:
        if self.day is not None:
            return "day"
        return "month" if self.month is not None else "year"

    def first_day(self) -> dt.date:
        """The first calendar day the date covers, for comparing dates of mixed precision."""
        return dt.date(self.year, self.month or 1, self.day or 1)

    def last_day(self) -> dt.date:
        """The last calendar day the date covers: 2013 ends on 2013-12-31, 2024-02 on 2024-02-29."""
        if self.day is not None:
            return self.first_day()
        if self.month is None:
            return dt.date(self.year, 12, 31)
        following = dt.date(self.year + self.month // 12, self.month % 12 + 1, 1)
        return following - dt.timedelta(days=1)

    def __str__(self) -> str:
        text = f"{self.year:04d}"
        if self.month is not None:
            text += f"-{self.month:02d}"
        if self.day is not None:
            text += f"-{self.day:02d}"
        return text


def _partial_date(value: Any) -> PartialDate:
    return PartialDate.parse(value)


Date = Annotated[PartialDate, BeforeValidator(_partial_date)]
Slug = Annotated[str, Field(pattern=SLUG)]
WIKIDATA = r"^Q[1-9][0-9]*$"  # an item id, "Q858851"
DOMAIN = r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$"  # lower-case ASCII (IDNA)
Wikidata = Annotated[str, Field(pattern=WIKIDATA)]
Domain = Annotated[str, Field(pattern=DOMAIN)]
Country = Annotated[str, Field(pattern=r"^[A-Z]{2}$")]  # ISO 3166-1 alpha-2


def _listify(value: Any) -> Any:
    return [value] if isinstance(value, (str, dict)) else value


# Longest text in any field of a record: descriptions and notes are a few sentences in our
# own words, so this is far above need, and far below what would make a page slow to render.
MAX_TEXT = 4_000


class SourceRef(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_max_length=MAX_TEXT)

    url: Annotated[str, Field(pattern=r"^https?://\S+$")]
    kind: Literal["primary", "press", "secondary"] | None = None  # given at least once per URL
    title: str | None = None
    publisher: str | None = None
    accessed: dt.date | None = None
    note: str | None = None  # what in the source supports the fact, in our words

    @classmethod
    def coerce(cls, value: Any) -> Any:
        return {"url": value} if isinstance(value, str) else value


SourceList = Annotated[
    list[Annotated[SourceRef, BeforeValidator(SourceRef.coerce)]],
    BeforeValidator(_listify),
    Field(min_length=1),
]
Licenses = Annotated[list[str], BeforeValidator(_listify), Field(min_length=1)]


class Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_max_length=MAX_TEXT)

    sources: SourceList


class Identity(Record):
    """What identifies an organization and what it is legally, as its own records say."""

    wikidata: Wikidata | None = None
    domains: list[Domain] = []  # the web domains that identify it ("google.com")
    legal_name: str | None = None
    country: Country | None = None
    nonprofit_status: str | None = None  # a schema.org NonprofitType member ("Nonprofit501c3"), else as written
    tax_id: str | None = None
    fiscal_hosting: Literal["direct", "indirect", "full"] | None = None  # the fiscal hosting it offers
    fiscal_host: Slug | None = None  # the organization that fiscally hosts it


class Organization(Identity):
    id: Slug
    name: str
    kind: Literal["foundation", "company", "other"]
    aliases: list[str] = []
    homepage: str | None = None
    founded: Date | None = None
    dissolved: Date | None = None
    part_of: Slug | None = None
    description: str | None = None


class Profile(Identity):
    """Further identity facts about an organization defined elsewhere, from another source."""

    organization: Slug


class Project(Record):
    id: Slug
    name: str
    aliases: list[str] = []
    homepage: str | None = None
    repository: str | None = None
    license: Licenses | None = None
    created: Date | None = None
    status: ProjectStatus | None = None
    description: str | None = None
    wikidata: Wikidata | None = None


class Stewardship(Record):
    project: Slug
    steward: Slug
    role: str
    start: Date
    end: Date | None = None
    date_kind: str | None = None
    note: str | None = None

    @property
    def slug(self) -> str:
        return f"{self.project}--{self.steward}--{self.start}"


class Membership(Record):
    member: Slug
    organization: Slug
    tier: str
    start: Date
    end: Date | None = None
    governing_board: bool | None = None
    date_kind: str | None = None
    note: str | None = None

    @property
    def slug(self) -> str:
        return f"{self.member}--{self.organization}--{self.start}"


class Sponsorship(Record):
    """A sponsor on one level of the sponsor list of the organization it funds."""

    sponsor: Slug
    recipient: Slug  # the organization funded
    level: str  # the recipient's own name for the level
    rank: int | None = Field(default=None, ge=1)  # 1: the top level; None: an unranked level
    kind: Literal["cash", "in-kind"] = "cash"
    amount: int | None = Field(default=None, gt=0)  # US dollars, where the programme states one
    listed: Date  # when the list was read: the sponsorship held then
    date_kind: str | None = None
    note: str | None = None

    @property
    def slug(self) -> str:
        level = re.sub(r"[^a-z0-9]+", "-", self.level.lower()).strip("-")
        if not level or not self.level.isascii():  # a name in another script
            level = "level-" + hashlib.sha256(self.level.encode("utf-8")).hexdigest()[:8]
        return f"{self.sponsor}--{self.recipient}--{level}--{self.rank or 0}--{self.kind}--{self.listed}"


class Event(Record):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, str_max_length=MAX_TEXT)

    id: Slug
    type: str
    date: Date
    date_kind: str
    project: Slug | None = None
    organization: Slug | None = None
    from_: Slug | None = Field(default=None, alias="from")
    to: Slug | None = None
    old_license: Licenses | None = None
    new_license: Licenses | None = None
    forked_from: Slug | None = None
    prompted_by: Slug | None = None
    merged: list[Slug] = []
    acquired: Slug | None = None  # an acquisition's company bought
    old_name: str | None = None  # a renaming's name before and after
    new_name: str | None = None
    location: str | None = None
    description: str | None = None

    @field_validator("merged", mode="before")
    @classmethod
    def _merged_list(cls, value: Any) -> Any:
        return _listify(value)


class CuratedFile(BaseModel):
    """The top level of one curated YAML file."""

    model_config = ConfigDict(extra="forbid")

    organizations: list[Any] = []
    projects: list[Any] = []
    stewardships: list[Any] = []
    memberships: list[Any] = []
    sponsorships: list[Any] = []
    events: list[Any] = []


RECORD_TYPES: dict[str, type[Record]] = {
    "organizations": Organization,
    "projects": Project,
    "stewardships": Stewardship,
    "memberships": Membership,
    "sponsorships": Sponsorship,
    "events": Event,
}
