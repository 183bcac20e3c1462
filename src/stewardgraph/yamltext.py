"""Safe YAML that leaves dates as text, so that our own date parser reports a bad one."""

from __future__ import annotations

from typing import Any

import yaml


class _Loader(yaml.SafeLoader):
    pass


_Loader.yaml_implicit_resolvers = {
    key: [r for r in resolvers if r[0] != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load(text: str) -> Any:
    """Parse YAML with the safe loader, keeping ``2022-09-12`` as a string.

    >>> load("date: 2022-09-12")
    {'date': '2022-09-12'}
    """
    return yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass
