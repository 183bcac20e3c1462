"""Safe YAML that leaves dates as text, refuses anchors and aliases, and limits nesting.

Anchors and aliases are refused outright: nothing we read needs them, and an alias "bomb" of a
kilobyte expands to gigabytes. Nesting is limited before PyYAML's recursive composer could
exhaust the stack. Errors are one line, with the line and column.
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.composer import ComposerError
from yaml.events import AliasEvent, CollectionStartEvent, ScalarEvent
from yaml.nodes import Node

MAX_DEPTH = 32


class _Loader(yaml.SafeLoader):
    depth = 0

    def compose_node(self, parent: Node | None, index: int) -> Node | None:
        event: Any = self.peek_event()  # type: ignore[no-untyped-call]
        mark: Any = event.start_mark
        if isinstance(event, AliasEvent):
            raise ComposerError(None, None, f"YAML aliases (*{event.anchor}) are not allowed", mark)
        if isinstance(event, (ScalarEvent, CollectionStartEvent)) and event.anchor is not None:
            raise ComposerError(None, None, f"YAML anchors (&{event.anchor}) are not allowed", mark)
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                raise ComposerError(None, None, f"YAML nested more than {MAX_DEPTH} levels deep", mark)
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


_Loader.yaml_implicit_resolvers = {
    key: [r for r in resolvers if r[0] != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load(text: str) -> Any:
    """Parse YAML with the safe loader, keeping ``2022-09-12`` as a string.

    >>> load("date: 2022-09-12")
    {'date': '2022-09-12'}
    >>> load("a: &x [1]\\nb: *x")
    Traceback (most recent call last):
    ...
    yaml.composer.ComposerError: YAML anchors (&x) are not allowed at line 1, column 4
    """
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        raise type(exc)(None, None, one_line(exc)) from None


def one_line(exc: yaml.YAMLError) -> str:
    """A YAML error as one line: what is wrong, and where."""
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        what = " ".join(filter(None, [exc.context, exc.problem])) or "invalid YAML"
        return f"{what} at line {mark.line + 1}, column {mark.column + 1}" if mark else what
    return " ".join(str(exc).split())
