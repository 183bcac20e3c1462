"""Bad input never loses data and never stalls: imports that would wipe a source, YAML bombs,
bad encodings and dates, deep nesting, huge fields, and two writers at once."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from stewardgraph import Settings, StewardGraph, yamltext
from stewardgraph.errors import Busy, ImportRefused, ValidationFailed
from stewardgraph.store.embedded import write_lock

from .conftest import FIXTURES

IMPORTS = FIXTURES / "imports"
BOMB = """organizations:
  - &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]
  - &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
  - &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
  - &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
  - &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
  - &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
  - &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
  - &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]
  - &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]
"""
ORG = "organizations:\n  - {id: acme, name: Acme, kind: company, founded: FOUNDED, sources: [https://example.org/a]}\n"


FOUNDATIONS = """organizations:
  - {id: cncf, name: Cloud Native Computing Foundation, kind: foundation, aliases: [CNCF], sources: [{url: "https://example.org/c", kind: primary}]}
  - {id: apache-software-foundation, name: The Apache Software Foundation, kind: foundation, sources: [{url: "https://example.org/a", kind: primary}]}
"""


def graph_in(tmp_path: Path) -> StewardGraph:
    return StewardGraph(Settings(data_dir=tmp_path / "data", curated_dir=FIXTURES / "curated"))


def importing(tmp_path: Path) -> StewardGraph:
    """A graph whose curated data has the foundations the importers add to."""
    curated = tmp_path / "curated"
    curated.mkdir()
    (curated / "foundations.yaml").write_text(FOUNDATIONS)
    return StewardGraph(Settings(data_dir=tmp_path / "data", curated_dir=curated))


def triples(graph: StewardGraph) -> int:
    return int(str(graph.select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }").rows[0]["n"]))


def test_an_empty_apache_snapshot_changes_nothing(tmp_path: Path) -> None:
    graph = importing(tmp_path)
    graph.build()
    graph.import_source("apache", IMPORTS / "apache" / "good")
    before = triples(graph)
    empty = tmp_path / "empty"
    empty.mkdir()
    for name in ("committees.json", "committees-retired.json", "podlings.json", "podlings-history.json"):
        (empty / name).write_text("{}" if name.startswith("podlings") else "[]")
    with pytest.raises(ImportRefused, match=r"apache: the file gives no records; the graph holds [\d,]+ triples from it; "
                                            "nothing was changed; give --allow-shrink"):
        graph.import_source("apache", empty)
    assert triples(graph) == before
    graph.import_source("apache", empty, allow_shrink=True)  # the operator says so
    assert triples(graph) < before
    graph.close()


def test_an_import_far_smaller_than_what_the_graph_holds_is_refused(tmp_path: Path) -> None:
    graph = importing(tmp_path)
    graph.build()
    graph.import_source("cncf", IMPORTS / "cncf" / "landscape.yml")
    before = triples(graph)
    landscape = yamltext.load((IMPORTS / "cncf" / "landscape.yml").read_text(encoding="utf-8"))
    for category in landscape["landscape"]:  # one item left in each category
        category["subcategories"] = category["subcategories"][:1]
        category["subcategories"][0]["items"] = category["subcategories"][0]["items"][:1]
    small = tmp_path / "landscape.yml"
    small.write_text(yaml.safe_dump(landscape), encoding="utf-8")
    with pytest.raises(ImportRefused, match=r"cncf: the file gives [\d,]+ triples where the graph holds [\d,]+ from it \(-\d+%\)"):
        graph.import_source("cncf", small)
    assert triples(graph) == before
    graph.close()


def test_the_cli_says_why_an_import_was_refused(tmp_path: Path) -> None:
    graph = importing(tmp_path)
    graph.build()
    graph.close()
    empty = tmp_path / "empty"
    empty.mkdir()
    for name in ("committees.json", "committees-retired.json", "podlings.json", "podlings-history.json"):
        (empty / name).write_text("{}" if name.startswith("podlings") else "[]")
    done = subprocess.run([str(Path(sys.executable).parent / "stewardgraph"), "--data-dir", str(tmp_path / "data"),
                           "--curated-dir", str(tmp_path / "curated"), "import", "apache", str(empty)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert "apache: the file gives no records" in done.stderr and "Traceback" not in done.stderr


def test_a_yaml_alias_bomb_is_refused_in_under_a_second(write_yaml, graph: StewardGraph) -> None:  # type: ignore[no-untyped-def]
    paths = write_yaml(bomb=BOMB)
    started = time.monotonic()
    with pytest.raises(ValidationFailed, match=r"bomb\.yaml: \(file\): cannot read YAML: YAML anchors \(&a\) are not "
                                               r"allowed at line 2, column 5"):
        graph.validate(paths)
    assert time.monotonic() - started < 1.0


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"organizations:\n  - {id: acme, name: \"Acme \xff\", kind: company}\n",
         "broken.yaml: (file): not UTF-8 text: byte 0xff at line 2 cannot be decoded"),
        (ORG.replace("FOUNDED", "0000-01-01").encode(),
         "broken.yaml: organizations[0] (id: acme), field 'founded': '0000-01-01' has no year 0: years start at 1"),
        (b"organizations: " + b"[" * 2000 + b"]" * 2000 + b"\n",
         "broken.yaml: (file): cannot read YAML: YAML nested more than 32 levels deep at line 1, column 47"),
        (ORG.replace("FOUNDED", "2001").replace("name: Acme", "name: Acme, description: " + "x" * 5000).encode(),
         "broken.yaml: organizations[0] (id: acme), field 'description': String should have at most 4000 characters"),
        (ORG.replace("FOUNDED", "2001").encode() + b"# " + b"x" * 1_100_000 + b"\n",
         "broken.yaml: (file): the file is 1,100,"),
        (b"a: [1, 2\nb: 3\n",
         "broken.yaml: (file): cannot read YAML: while parsing a flow sequence expected ',' or ']', but got ':' "
         "at line 2, column 2"),
    ],
)
def test_bad_files_give_one_line_errors_naming_file_record_and_field(
    write_yaml, graph: StewardGraph, content: bytes, message: str,  # type: ignore[no-untyped-def]
) -> None:
    (path,) = write_yaml(broken="")
    path.write_bytes(content)
    started = time.monotonic()
    with pytest.raises(ValidationFailed) as caught:
        graph.validate([path])
    assert time.monotonic() - started < 2.0
    lines = [str(p) for p in caught.value.problems]
    assert len(lines) == 1 and "\n" not in lines[0]
    assert lines[0].startswith(message), lines[0]


def test_bad_import_files_are_refused_with_one_line(tmp_path: Path) -> None:
    graph = graph_in(tmp_path)
    graph.build()
    bad = tmp_path / "landscape.yml"
    bad.write_bytes(b"landscape:\n  - name: \xff\n")
    with pytest.raises(ImportRefused, match=r"^landscape.yml is not UTF-8 text: byte 0xff at line 2 cannot be decoded$"):
        graph.import_source("cncf", bad)
    bad.write_text("landscape: &x [1]\nagain: *x\n")
    with pytest.raises(ImportRefused, match=r"^landscape.yml is not valid YAML: YAML anchors \(&x\) are not allowed"):
        graph.import_source("cncf", bad)
    deep = tmp_path / "apache"
    shutil.copytree(IMPORTS / "apache" / "good", deep)
    (deep / "committees.json").write_text("[" * 100_000 + "]" * 100_000)
    with pytest.raises(ImportRefused, match="nested too deeply"):
        graph.import_source("apache", deep)
    graph.close()


def test_one_write_at_a_time(tmp_path: Path) -> None:
    graph = graph_in(tmp_path)
    graph.build()
    with write_lock(graph.settings.store_dir, "a test"):
        with pytest.raises(Busy, match=r"another write to the store in .* is running \(a test, pid \d+, since"):
            graph.build()
    graph.build()  # the lock is free again
    graph.close()


def test_two_builds_at_once_one_is_told_to_wait_and_nothing_breaks(tmp_path: Path) -> None:
    command = [str(Path(sys.executable).parent / "stewardgraph"), "--data-dir", str(tmp_path / "data"),
               "--curated-dir", str(FIXTURES / "curated"), "build"]
    runs = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(4)]
    outcomes = []
    for run in runs:
        _, stderr = run.communicate(timeout=120)
        outcomes.append((run.returncode, stderr))
    assert all(code in (0, 1) for code, _ in outcomes), outcomes
    assert any(code == 0 for code, _ in outcomes)
    for code, stderr in outcomes:
        assert "Traceback" not in stderr
        if code == 1:
            assert "another write to the store" in stderr
    graph = graph_in(tmp_path)
    assert graph.run("foundation-tree").rows  # the graph is whole
    assert not list((tmp_path / "data" / "store").glob("CURRENT*.tmp"))
    graph.close()
