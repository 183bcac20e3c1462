"""The named-query catalogue: query files with a typed header, and parameter checking.

A query file starts with a YAML header in ``#+`` comment lines::

    #+ title: Project history
    #+ description: Every stewardship event of a project, in date order.
    #+ params:
    #+   project: {type: project, description: "Id, name or alias of the project"}
    #+   date: {type: date, default: today, description: "..."}
    #+ columns: [date, event_type, from_steward, to_steward, sources]
    #+ sets: [sources]

A parameter without ``default`` is required; ``default: null`` makes it optional and unbound
when absent; a date's ``default: today`` means the day the query runs. ``var`` binds a query
variable of another name. ``sets`` names columns that hold space-separated values (made with
GROUP_CONCAT, whose order engines do not define): they are returned sorted, so every engine
gives the same rows. Values are bound with the engine's own mechanism, never pasted into the text.

The read models behind the REST resources and pages are named queries too, marked
``internal: true`` (listed with the others, but their parameters are IRIs, not names).
``paginate: true`` lets the caller ask for one page (the query gets LIMIT and OFFSET; it
must have neither itself), and ``rows: all`` lifts the row cap for a query whose size is
bounded by what it is about (the facts of one entity).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import pyoxigraph as ox
import yaml

from stewardgraph.errors import NotFound, ParameterError, StewardGraphError
from stewardgraph.names import did_you_mean
from stewardgraph.records import PartialDate
from stewardgraph.store.base import IRI_PATTERN

ParamType = Literal[
    "iri",
    "iris",
    "string",
    "integer",
    "boolean",
    "date",
    "project",
    "organization",
    "foundation",
    "entity",
    "event_type",
]
PARAM_TYPES: tuple[str, ...] = ParamType.__args__  # type: ignore[attr-defined]
ENTITY_TYPES = ("project", "organization", "foundation", "entity")
_HEADER = re.compile(r"^#\+ ?(.*)$")
_MISSING = object()


@dataclass(frozen=True)
class Param:
    name: str
    type: ParamType
    description: str
    required: bool
    default: Any = None
    var: str = ""  # the query variable it binds, when it differs from the name

    @property
    def variable(self) -> str:
        return self.var or self.name

    def coerce(self, raw: Any) -> Any:
        """Check and convert one raw value (text from a command line or URL, or Python)."""
        try:
            return _coerce(self.type, raw)
        except ValueError as exc:
            raise ParameterError(self.name, f"expected {self.type}: {exc}") from exc


def _iri(raw: Any) -> ox.NamedNode:
    if isinstance(raw, ox.NamedNode):
        return raw
    if not IRI_PATTERN.match(str(raw)):
        raise ValueError(f"'{raw}' is not an IRI")
    return ox.NamedNode(str(raw))


def _coerce(kind: str, raw: Any) -> Any:
    if kind == "iri":
        return _iri(raw)
    if kind == "iris":
        return [_iri(item) for item in (raw if isinstance(raw, (list, tuple)) else [raw])]
    if kind == "boolean":
        if isinstance(raw, bool):
            return raw
        text = str(raw).strip().lower()
        if text in ("true", "1", "yes"):
            return True
        if text in ("false", "0", "no"):
            return False
        raise ValueError(f"'{raw}' is not true or false")
    if kind == "integer":
        if isinstance(raw, bool):
            raise ValueError(f"'{raw}' is not an integer")
        return int(str(raw))
    if kind == "date":
        if raw == "today":
            return PartialDate.parse(dt.date.today())
        return PartialDate.parse(raw)
    text = str(raw).strip()
    if not text:
        raise ValueError("empty value")
    return text


@dataclass(frozen=True)
class NamedQuery:
    name: str
    title: str
    description: str
    params: tuple[Param, ...]
    columns: tuple[str, ...]
    text: str
    sets: tuple[str, ...] = ()  # columns holding space-separated values, returned sorted
    cypher: str | None = None  # the twin for Neo4j, from <name>.cypher beside the .rq file
    internal: bool = False  # a read model of the REST resources and pages
    paginate: bool = False  # takes a page: LIMIT and OFFSET are added
    all_rows: bool = False  # not cut by the row cap (bounded by what it is about)

    def param(self, name: str) -> Param:
        for param in self.params:
            if param.name == name:
                return param
        raise ParameterError(name, f"query '{self.name}' has no such parameter")

    def check(self, raw: Mapping[str, Any]) -> dict[str, Any]:
        """Typed values for every parameter that has one; raises ParameterError naming it."""
        values: dict[str, Any] = {}
        for name in raw:
            self.param(name)  # unknown names are refused
        for param in self.params:
            value = raw.get(param.name, _MISSING)
            if value is _MISSING or value is None:
                if param.required:
                    raise ParameterError(param.name, "is required")
                if param.default is not None:
                    values[param.name] = param.coerce(param.default)
                continue
            values[param.name] = param.coerce(value)
        return values


def parse_query_file(path: Path) -> NamedQuery:
    text = path.read_text(encoding="utf-8")
    header_lines = []
    for line in text.splitlines():
        match = _HEADER.match(line)
        if not match:
            break
        header_lines.append(match.group(1))
    try:
        header = yaml.safe_load("\n".join(header_lines)) or {}
    except yaml.YAMLError as exc:
        raise StewardGraphError(f"{path.name}: bad query header: {exc}") from exc
    if not isinstance(header, dict) or "title" not in header or "columns" not in header:
        raise StewardGraphError(f"{path.name}: the header needs at least 'title' and 'columns'")
    params = []
    for name, spec in (header.get("params") or {}).items():
        spec = spec or {}
        kind = spec.get("type", "string")
        if kind not in PARAM_TYPES:
            raise StewardGraphError(f"{path.name}: parameter '{name}' has unknown type '{kind}'")
        params.append(
            Param(
                name=name,
                type=kind,
                description=str(spec.get("description", "")),
                required="default" not in spec,
                default=spec.get("default"),
                var=str(spec.get("var", "")),
            )
        )
    return NamedQuery(
        name=path.stem,
        title=str(header["title"]),
        description=str(header.get("description", "")).strip(),
        params=tuple(params),
        columns=tuple(header["columns"]),
        text=text,
        sets=tuple(header.get("sets") or ()),
        cypher=twin.read_text(encoding="utf-8") if (twin := path.with_suffix(".cypher")).is_file() else None,
        internal=bool(header.get("internal", False)),
        paginate=bool(header.get("paginate", False)),
        all_rows=header.get("rows") == "all",
    )


def signature(named: NamedQuery) -> str:
    """The parameters of a named query as a user types them, values spelled as in JSON.

    >>> signature(NamedQuery("q", "", "", (Param("date", "date", "", False, None),
    ...     Param("include_sub", "boolean", "", False, True), Param("project", "entity", "", True)), (), ""))
    'date: date (optional), include_sub: boolean = true, project: entity'
    """
    def one(p: Param) -> str:
        if p.required:
            return f"{p.name}: {p.type}"
        if p.default is None:
            return f"{p.name}: {p.type} (optional)"
        return f"{p.name}: {p.type} = {json.dumps(p.default) if not isinstance(p.default, str) else p.default}"

    return ", ".join(one(p) for p in named.params)


class Catalogue:
    """Named queries, loaded once from a directory."""

    def __init__(self, queries: Mapping[str, NamedQuery]) -> None:
        self._queries = dict(sorted(queries.items()))

    @classmethod
    def load(cls, directory: Path) -> Catalogue:
        return cls({p.stem: parse_query_file(p) for p in directory.glob("*.rq")})

    def __iter__(self) -> Any:
        return iter(self._queries.values())

    def public(self) -> list[NamedQuery]:
        """The queries for users (not the internal read models)."""
        return [q for q in self._queries.values() if not q.internal]

    def __len__(self) -> int:
        return len(self._queries)

    def get(self, name: str) -> NamedQuery:
        try:
            return self._queries[name]
        except KeyError:
            hint = did_you_mean(name, self._queries) or f" (known: {', '.join(q.name for q in self.public())})"
            raise NotFound(f"no named query '{name}'{hint}") from None
