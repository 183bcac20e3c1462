"""What a SPARQL request may ask of the engine, decided by parsing it.

Every query and update is parsed with the tree-sitter SPARQL 1.1 grammar (a C parser with an
explicit stack: deep nesting cannot overflow it) before it reaches an engine. The parse tree
decides:

* ``SERVICE`` and ``LOAD`` make the engine fetch a URL: refused, unless the endpoint is on the
  operator's allow-list (``STEWARDGRAPH_ALLOWED_ENDPOINTS``); ``SERVICE ?variable`` always;
* ``FROM``, ``FROM NAMED`` and ``USING`` may only name graphs the store holds (the caller checks
  them against the store: see :attr:`Checked.graphs`), so no engine is asked to fetch a graph;
* a text over the size limit, or brackets nested deeper than the depth limit, is refused before
  any engine parses it (Oxigraph's recursive parser overflows its stack on deep nesting);
* an update sent as a query (or a query sent as an update) is named as such.

A text the grammar cannot read is a syntax error at the line and column where reading stopped.
The query texts themselves live in ``queries/``; ``tests/test_guard.py`` shows every rewrite here.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import Literal

import pyoxigraph as ox
import tree_sitter_sparql
from tree_sitter import Language, Node, Parser

from stewardgraph.errors import QueryRefused, QuerySyntaxError, TooLarge
from stewardgraph.namespaces import PREFIXES

Kind = Literal["query", "update"]
Term = ox.NamedNode | ox.Literal
_UPDATES = {"load", "clear", "drop", "create", "add", "move", "copy", "insert_data", "delete_data", "delete_where",
            "modify"}
_QUERIES = {"select_query", "construct_query", "describe_query", "ask_query"}
_OPEN, _CLOSE = {"{", "(", "["}, {"}", ")", "]"}
# A codepoint escape (\u0041, \U00000041) stands for one character inside a string or an IRI,
# which the grammar does not know; the parse sees "_u0041" there instead (same length, so
# positions hold). An escaped backslash before the "u" is left alone.
_ESCAPE = re.compile(rb"(?<!\\)((?:\\\\)*)\\(u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8})")


@dataclass(frozen=True)
class Guard:
    """The limits a query text must respect. Defaults are the settings' defaults."""

    max_bytes: int = 32_768
    max_depth: int = 64
    allowed_endpoints: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True)
class Checked:
    """What the parse found: the form, the graphs that FROM, FROM NAMED or USING name, and where
    parameters are bound: the byte just inside the first WHERE group, and, for each subquery,
    the byte just inside its WHERE group with the variables that group uses."""

    kind: Kind
    form: str
    graphs: tuple[str, ...] = ()
    values_at: int | None = None
    subqueries: tuple[tuple[int, frozenset[str]], ...] = ()


def bind(text: str, checked: Checked, bindings: Mapping[str, Term | Sequence[Term]]) -> str:
    r"""The query with its parameters bound: a ``VALUES`` block at the start of its first WHERE
    group, found by the parse, and in each subquery that uses a parameter (a subquery does not
    see the bindings of the query around it). The terms are written by Oxigraph (``str`` of a
    term is its N-Triples form, escaped), so no value can change the query's structure. A list of
    terms binds its variable to each of them in turn (a ``VALUES ?x { … }`` block of its own)."""
    if not bindings:
        return text
    if checked.values_at is None:
        raise ValueError("a query with bound parameters needs a WHERE clause")
    places = [(checked.values_at, _values(bindings))]
    for at, used in checked.subqueries:
        if used & bindings.keys():
            places.append((at, _values({k: v for k, v in bindings.items() if k in used})))
    raw = text.encode("utf-8", "surrogatepass")
    for at, block in sorted(places, reverse=True):  # from the end, so that each place stays put
        raw = raw[:at] + block.encode() + raw[at:]
    return raw.decode("utf-8", "surrogatepass")


def with_prefixes(sparql: str, prefixes: Mapping[str, str]) -> str:
    """Prepend PREFIX declarations (for a remote server: the protocol cannot carry them separately)."""
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in prefixes.items()) + sparql


def _values(bindings: Mapping[str, Term | Sequence[Term]]) -> str:
    single = {k: v for k, v in bindings.items() if not isinstance(v, (list, tuple))}
    blocks = []
    if single:
        names = " ".join(f"?{name}" for name in single)
        blocks.append(f" VALUES ({names}) {{ ({' '.join(str(term) for term in single.values())}) }}")
    for name, terms in bindings.items():
        if isinstance(terms, (list, tuple)):
            blocks.append(f" VALUES ?{name} {{ {' '.join(str(term) for term in terms)} }}")
    return "".join(blocks)


def paginate(text: str, limit: int, offset: int) -> str:
    """A SELECT query that has no LIMIT or OFFSET of its own, cut to one page (LIMIT and OFFSET
    added after its solution modifiers)."""
    select = _select(text)
    if any(node.type in ("limit_clause", "offset_clause") for node in _walk(select)):
        raise ValueError("a query that is paginated must not have a LIMIT or OFFSET of its own")
    raw = text.encode("utf-8", "surrogatepass")
    page = f" LIMIT {int(limit)} OFFSET {int(offset)}".encode()
    return (raw[: select.end_byte] + page + raw[select.end_byte :]).decode("utf-8", "surrogatepass")


@lru_cache(maxsize=1024)
def capped(text: str, limit: int) -> str:
    """A SELECT query that gives at most ``limit`` solutions: its own top-level LIMIT if that is
    lower, else ``limit`` (put in place of its LIMIT, or added). Subqueries are left alone."""
    select = _select(text)
    raw = text.encode("utf-8", "surrogatepass")
    modifier = next((n for n in select.named_children if n.type == "solution_modifier"), None)
    clauses = next((n for n in modifier.named_children if n.type == "limit_offset_clauses"), None) if modifier else None
    current = next((n for n in clauses.named_children if n.type == "limit_clause"), None) if clauses else None
    if current is None:
        at = clauses.start_byte if clauses else select.end_byte
        page = f"LIMIT {int(limit)} " if clauses else f" LIMIT {int(limit)}"
        return (raw[:at] + page.encode() + raw[at:]).decode("utf-8", "surrogatepass")
    value = next((n for n in current.named_children if n.type == "integer"), None)
    if value is None or int(raw[value.start_byte : value.end_byte]) <= limit:
        return text
    return (raw[: value.start_byte] + str(int(limit)).encode() + raw[value.end_byte :]).decode("utf-8", "surrogatepass")


def counted(text: str) -> str:
    """A query that counts the solutions of a SELECT query: the query as a subquery under a
    COUNT(*) AS ?total, its prologue kept in front."""
    select = _select(text)
    raw = text.encode("utf-8", "surrogatepass")
    prologue, body = raw[: select.start_byte], raw[select.start_byte : select.end_byte]
    return (prologue + b"SELECT (COUNT(*) AS ?total) WHERE { { " + body + b" } }").decode("utf-8", "surrogatepass")


def _select(text: str) -> Node:
    root = _parser().parse(_ESCAPE.sub(rb"\1_\2", text.encode("utf-8", "surrogatepass"))).root_node
    select = next((n for n in root.named_children if n.type == "select_query"), None)
    if root.has_error or select is None:
        raise ValueError("not a SELECT query")
    return select


@cache
def _parser() -> Parser:
    with warnings.catch_warnings():  # the grammar package hands over its language as an int
        warnings.simplefilter("ignore", DeprecationWarning)
        language = Language(tree_sitter_sparql.language())
    return Parser(language)


def check(text: str, guard: Guard, *, kind: Kind = "query", prefixes: Mapping[str, str] = PREFIXES) -> Checked:
    """Parse a query (or update) and refuse what the service must not run; see the module doc."""
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > guard.max_bytes:
        raise TooLarge(f"the {kind} is {size:,} bytes; the limit is {guard.max_bytes:,}")
    return _check(text, guard, kind, tuple(sorted(prefixes.items())))


@lru_cache(maxsize=1024)
def _check(text: str, guard: Guard, kind: Kind, prefixes: tuple[tuple[str, str], ...]) -> Checked:
    source = _ESCAPE.sub(rb"\1_\2", text.encode("utf-8", "surrogatepass"))
    root = _parser().parse(source).root_node
    _check_depth(root, source, guard.max_depth)
    if root.has_error:
        raise _syntax_error(root, source)
    declared = dict(prefixes)
    forms: list[str] = []
    graphs: list[str] = []
    values_at: int | None = None
    subqueries: list[tuple[int, frozenset[str]]] = []
    for node in _walk(root):
        if node.type == "where_clause":
            group = _first(node, "group_graph_pattern")
            if group is not None and group.children and values_at is None:
                values_at = group.children[0].end_byte
            elif group is not None and group.children:
                used = frozenset(_text(n, source)[1:] for n in _walk(group) if n.type == "var")
                subqueries.append((group.children[0].end_byte, used))
        if node.type == "prefix_declaration":
            name = node.child_by_field_name("namespace") or _first(node, "namespace")
            iri = _first(node, "iri_reference")
            if iri is not None:
                declared[_text(name, source).rstrip(":") if name else ""] = _iri(iri, source)
        if node.type == "prefixed_name" and (prefix := _text(node, source).partition(":")[0]) not in declared:
            line, column = _position(source, node.start_byte)
            raise QuerySyntaxError(f"the prefix '{prefix}:' at line {line}, column {column} is not declared: "
                                   f"add PREFIX {prefix}: <...>", line=line, column=column)
        if node.type in _QUERIES or node.type in _UPDATES:
            forms.append(node.type)
        if node.type == "service_graph_pattern":
            _allowed("SERVICE", _endpoint(node, source, declared), source, guard)
        elif node.type == "load":
            iri = _first(node, "iri_reference") or _first(node, "prefixed_name")
            _allowed("LOAD", _resolve(iri, source, declared) if iri else None, source, guard)
        elif node.type in ("default_graph_clause", "named_graph_clause", "using_clause"):
            iri = _first(node, "iri_reference") or _first(node, "prefixed_name")
            if iri is not None:
                graphs.append(_resolve(iri, source, declared))
    if not forms:
        raise QuerySyntaxError("malformed query: the text holds no query", line=1, column=1)
    is_update = forms[0] in _UPDATES
    if kind == "query" and is_update:
        raise QueryRefused("this is a SPARQL Update, not a query: send it as 'update' with POST")
    if kind == "update" and not is_update:
        raise QueryRefused("this is a query, not a SPARQL Update: send it as 'query'")
    return Checked(kind, forms[0].removesuffix("_query"), tuple(dict.fromkeys(graphs)), values_at, tuple(subqueries))


def _walk(root: Node) -> Iterator[Node]:
    """Every named node, depth first, without recursion."""
    stack = [root]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(reversed(node.named_children))


def _check_depth(root: Node, source: bytes, limit: int) -> None:
    """Refuse brackets nested deeper than ``limit``, counting the grammar's own bracket tokens."""
    depth = 0
    cursor = root.walk()
    while True:
        node = cursor.node
        assert node is not None
        if node.child_count == 0 and not node.is_named:
            if node.type in _OPEN:
                depth += 1
                if depth > limit:
                    line, column = _position(source, node.start_byte)
                    raise QueryRefused(f"brackets are nested more than {limit} deep (at line {line}, column {column})")
            elif node.type in _CLOSE:
                depth -= 1
        if cursor.goto_first_child() or cursor.goto_next_sibling():
            continue
        while cursor.goto_parent():
            if cursor.goto_next_sibling():
                break
        else:
            return


def _first(node: Node, kind: str) -> Node | None:
    return next((child for child in node.named_children if child.type == kind), None)


def _text(node: Node, source: bytes) -> str:
    return source[node.start_byte : node.end_byte].decode("utf-8", "surrogatepass")


def _iri(node: Node, source: bytes) -> str:
    return _text(node, source).strip()[1:-1]


def _resolve(node: Node, source: bytes, prefixes: Mapping[str, str]) -> str:
    """An IRI reference or a prefixed name as the absolute IRI it stands for (when we can tell)."""
    if node.type == "iri_reference":
        return _iri(node, source)
    prefix, _, local = _text(node, source).partition(":")
    return prefixes.get(prefix, prefix + ":") + local


def _endpoint(node: Node, source: bytes, prefixes: Mapping[str, str]) -> str | None:
    for child in node.named_children:
        if child.type in ("iri_reference", "prefixed_name"):
            return _resolve(child, source, prefixes)
        if child.type == "var":
            return None
    return None


def _allowed(keyword: str, endpoint: str | None, source: bytes, guard: Guard) -> None:
    if endpoint is not None and endpoint in guard.allowed_endpoints:
        return
    what = f"{keyword} <{endpoint}>" if endpoint is not None else f"{keyword} with a variable endpoint"
    allowed = (f"allowed: {', '.join(sorted(guard.allowed_endpoints))}" if guard.allowed_endpoints
               else "STEWARDGRAPH_ALLOWED_ENDPOINTS is empty")
    raise QueryRefused(f"{what} would make the server fetch a URL; this service fetches nothing ({allowed})")


def _position(source: bytes, offset: int) -> tuple[int, int]:
    """1-based line and column (in characters) of a byte offset."""
    before = source[:offset].decode("utf-8", "replace")
    line = before.count("\n") + 1
    return line, len(before) - (before.rfind("\n") + 1) + 1


def _syntax_error(root: Node, source: bytes) -> QuerySyntaxError:
    bad = next((n for n in _all_nodes(root) if n.is_error or n.is_missing), root)
    offset = bad.start_byte
    if bad.is_missing:  # placed right after the last good token: point at what came instead
        rest = source[offset:]
        offset += len(rest) - len(rest.lstrip())
        found = source[offset:].split()
        after = f" before '{found[0][:40].decode('utf-8', 'replace')}'" if found else " at the end of the text"
        problem = f"expected {bad.type.replace('_', ' ')}{after}"
    elif _open_brackets(root) > 0:
        offset = len(source.rstrip())
        problem = "unexpected end of the text: a bracket is not closed"
    else:
        words = _text(bad, source).strip().split()
        problem = f"unexpected '{words[0][:40]}'" if words else "unexpected end of the text"
    line, column = _position(source, offset)
    return QuerySyntaxError(f"malformed query at line {line}, column {column}: {problem}", line=line, column=column)


def _open_brackets(root: Node) -> int:
    """How many brackets the text opens and never closes."""
    depth = 0
    for node in _all_nodes(root):
        if node.child_count == 0 and not node.is_named and not node.is_missing:
            depth += (node.type in _OPEN) - (node.type in _CLOSE)
    return depth


def _all_nodes(root: Node) -> Iterator[Node]:
    """Every node, named or not, in document order."""
    stack = [root]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(reversed(node.children))
