"""Names as keys: how two spellings of one name are found to be the same.

Curated checks (one alias, one entity) and the importers' matching use the same keys.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable, Mapping

# Legal forms, and words that name a kind of body: never a key on their own.
LEGAL_FORMS = frozenset({
    "inc", "incorporated", "llc", "ltd", "limited", "co", "corp", "corporation", "gmbh", "ag", "sa",
    "plc", "bv", "nv", "ab", "oy", "srl", "spa", "kk", "pte", "pty", "lp", "llp", "company",
})
GENERIC_WORDS = LEGAL_FORMS | {"foundation", "ev", "association", "the", "project", "group"}


def norm(text: str) -> str:
    """A name for matching: no accents, case, punctuation or spaces.

    >>> norm("Node-RED"), norm("Kubernetes (K8s)"), norm("Apache Kafka")
    ('nodered', 'kubernetes', 'apachekafka')
    """
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    text = re.sub(r"\([^)]*\)", "", text)
    return re.sub(r"[^a-z0-9]", "", text.lower())


def org_norm(text: str) -> str:
    """An organization name for matching, without its legal form.

    >>> org_norm("Amazon Web Services, Inc."), org_norm("Huawei Technologies Co., Ltd"), org_norm("Fujitsu Limited")
    ('amazonwebservices', 'huaweitechnologies', 'fujitsu')
    """
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    words = re.findall(r"[a-z0-9]+", re.sub(r"\([^)]*\)", "", plain))
    while len(words) > 1 and words[-1] in LEGAL_FORMS:
        words.pop()
    return "".join(words)


def is_key(key: str) -> bool:
    """Whether a normalized name may identify anything: not empty, not a bare legal form.

    >>> is_key("inc"), is_key("foundation"), is_key("redhat"), is_key("")
    (False, False, True, False)
    """
    return bool(key) and key not in GENERIC_WORDS


def did_you_mean(wanted: str, known: Iterable[str] | Mapping[str, str], n: int = 3) -> str:
    """A "did you mean" suffix for an error: the known names closest to the one given, or "".
    ``known`` may map each name to what it names, so that one thing is offered once.

    >>> did_you_mean("Pytorh", ["PyTorch", "Pyro", "Torch"])
    "; did you mean 'PyTorch'?"
    >>> did_you_mean("Linux Fundation", {"Linux Foundation": "lf", "The Linux Foundation": "lf"})
    "; did you mean 'Linux Foundation'?"
    """
    owner = known if isinstance(known, Mapping) else {name: name for name in known}
    spelled: dict[str, str] = {}
    for name in owner:
        spelled.setdefault(name.lower(), name)
    offered: dict[str, str] = {}
    for close in difflib.get_close_matches(wanted.strip().lower(), list(spelled), n=3 * n, cutoff=0.75):
        offered.setdefault(owner[spelled[close]], spelled[close])
    names = list(offered.values())[:n]
    return f"; did you mean {' or '.join(repr(name) for name in names)}?" if names else ""
