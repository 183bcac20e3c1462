"""The command line, in-process with click's runner and once as the installed script."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from stewardgraph.cli import main

from .conftest import FIXTURES

COMMANDS = ["build", "validate", "query", "export", "stats", "queries"]


@pytest.fixture
def run(tmp_path: Path):  # type: ignore[no-untyped-def]
    runner = CliRunner()
    base = ["--data-dir", str(tmp_path / "data"), "--curated-dir", str(FIXTURES / "curated")]

    def invoke(*args: str, code: int = 0):  # type: ignore[no-untyped-def]
        result = runner.invoke(main, [*base, *args])
        assert result.exit_code == code, result.output + result.stderr
        return result

    return invoke


@pytest.fixture
def built(run):  # type: ignore[no-untyped-def]
    run("build")
    return run


@pytest.mark.parametrize("command", [[], *[[c] for c in COMMANDS]])
def test_every_command_has_help(run, command: list[str]) -> None:  # type: ignore[no-untyped-def]
    assert "Usage:" in run(*command, "--help").output


def test_build_prints_a_summary(run) -> None:  # type: ignore[no-untyped-def]
    out = run("build").output
    assert "facts.yaml" in out and "organizations.yaml" in out and "triples" in out


def test_validate_loads_nothing(run) -> None:  # type: ignore[no-untyped-def]
    assert "valid" in run("validate").output
    result = run("query", "--name", "foundation-tree", code=1)
    assert "run 'stewardgraph build'" in result.stderr


def test_named_query_as_json(built) -> None:  # type: ignore[no-untyped-def]
    out = built("query", "--name", "steward-at", "--param", "project=Widget", "--param", "date=2019", "--format", "json").output
    assert json.loads(out) == [{"steward": "Acme Widgets", "role": "owner", "since": "2015", "until": "2020-06-15",
                                 "organization": "https://w3id.org/stewardgraph/id/organization/acme"}]


def test_named_query_as_csv_and_table(built) -> None:  # type: ignore[no-untyped-def]
    out = built("query", "--name", "foundation-members", "--param", "foundation=WF", "--format", "csv").output
    assert list(csv.DictReader(io.StringIO(out))) == [
        {"member": "Acme Corp", "tier": "premier", "since": "2020-06-15", "until": ""},
        {"member": "Globex", "tier": "general", "since": "2020-07", "until": "2022-01-01"},
    ]
    table = built("query", "--name", "foundation-members", "--param", "foundation=WF").output
    assert "Acme Corp" in table and "premier" in table


def test_sparql_text_select_ask_and_construct(built) -> None:  # type: ignore[no-untyped-def]
    out = built("query", "SELECT ?name WHERE { ?p a sg:Project ; rdfs:label ?name } ORDER BY ?name", "--format", "json").output
    assert [row["name"] for row in json.loads(out)] == ["Gadget", "Gizmo", "OpenGizmo", "Widget"]
    assert built("query", "ASK { ?p a sg:Project }").output.strip() == "true"
    turtle = built("query", "CONSTRUCT { ?p a sg:Project } WHERE { ?p a sg:Project }").output
    assert "id/project/widget" in turtle


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["query", "--name", "nope"], "Error: no named query 'nope'"),
        (["query", "--name", "steward-at"], "Error: parameter 'project': is required"),
        (["query", "--name", "steward-at", "--param", "project=widget", "--param", "date=soon"], "Error: parameter 'date': expected date"),
        (["query", "SELECT ?x WHERE { ?x"], "Error: malformed query"),
    ],
)
def test_errors_exit_non_zero_with_a_reason(built, args: list[str], message: str) -> None:  # type: ignore[no-untyped-def]
    result = built(*args, code=1)
    assert result.stderr.startswith(message)
    assert "Traceback" not in result.output + result.stderr


def test_usage_errors(built) -> None:  # type: ignore[no-untyped-def]
    assert built("query", code=2).stderr.startswith("Usage:")
    assert "not KEY=VALUE" in built("query", "--name", "steward-at", "--param", "project", code=2).stderr


def test_bad_build_reports_file_record_field(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "bad.yaml"
    bad.write_text("projects:\n  - {id: x, name: X, sources: [https://example.org], colour: red}\n")
    result = run("build", str(bad), code=1)
    assert "bad.yaml: projects[0] (id: x), field 'colour': unknown key" in result.stderr


@pytest.mark.parametrize("fmt", ["turtle", "ntriples", "nquads", "trig", "jsonld"])
def test_export(built, tmp_path: Path, fmt: str) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / f"out.{fmt}"
    built("export", "--format", fmt, "--output", str(target))
    assert "id/project/widget" in target.read_text()


def test_stats_names_graphs_and_classes_briefly(built) -> None:  # type: ignore[no-untyped-def]
    out = built("stats").output
    assert "curated/facts" in out and "sg:Project" in out
    assert "https://" not in out


def test_a_misspelt_name_gets_a_did_you_mean(built) -> None:  # type: ignore[no-untyped-def]
    assert "did you mean 'steward-at'?" in built("query", "--name", "stewrd-at", code=1).stderr
    assert "did you mean 'Widget'?" in built("query", "--name", "steward-at", "--param", "project=Widgit",
                                             code=1).stderr
    assert "did you mean 'Widget Foundation'?" in built("query", "--name", "foundation-projects", "--param",
                                                        "foundation=Widget Fundation", code=1).stderr
    # a named query's name given as SPARQL text
    assert "'steward-at' is a named query, not SPARQL: run it with --name steward-at" in built(
        "query", "steward-at", code=2).stderr
    assert "--name NAME; did you mean 'steward-at'?" in built("query", "stewrd-at", code=2).stderr


def test_settings_options_work_after_the_subcommand(tmp_path: Path) -> None:
    runner = CliRunner()
    where = ["--data-dir", str(tmp_path / "after"), "--curated-dir", str(FIXTURES / "curated")]
    assert runner.invoke(main, ["build", *where]).exit_code == 0
    found = runner.invoke(main, ["query", "--name", "project-history", "--param", "project=widget", "--format", "json",
                                 "--data-dir", str(tmp_path / "after")])
    assert found.exit_code == 0 and [r["event_type"] for r in json.loads(found.output)] == ["creation", "donation"]
    assert runner.invoke(main, ["stats", "--data-dir", str(tmp_path / "empty")]).exit_code == 1  # nothing built there


def test_query_help_lists_the_named_queries() -> None:
    out = CliRunner().invoke(main, ["query", "--help"]).output
    assert "Named queries" in out and "steward-at" in out and "project: project, date: date = today" in out
    assert "include_sub: boolean = true" in " ".join(out.split())
    assert "page-labels" not in out  # internal read models are not offered


def test_queries_spell_defaults_as_json(built) -> None:  # type: ignore[no-untyped-def]
    out = " ".join(built("queries").output.replace("│", " ").split())
    assert "include_sub: boolean = true" in out and "True" not in out


def test_installed_console_script(tmp_path: Path) -> None:
    beside = Path(sys.executable).parent / "stewardgraph"
    script = str(beside) if beside.exists() else shutil.which("stewardgraph")
    assert script, "the package must be installed (pip install -e '.[test]')"
    done = subprocess.run(
        [script, "--data-dir", str(tmp_path), "--curated-dir", str(FIXTURES / "curated"), "build"],
        capture_output=True, text=True, timeout=120, check=False,
    )
    assert done.returncode == 0, done.stderr
    done = subprocess.run(
        [script, "--data-dir", str(tmp_path), "query", "--name", "project-history", "--param", "project=widget", "--format", "json"],
        capture_output=True, text=True, timeout=120, check=False,
    )
    assert [row["event_type"] for row in json.loads(done.stdout)] == ["creation", "donation"]


def test_a_query_stops_at_the_time_limit(built, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    script = Path(sys.executable).parent / "stewardgraph"
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
    started = time.monotonic()
    done = subprocess.run([str(script), "--data-dir", str(tmp_path / "data"), "query", slow], capture_output=True,
                          text=True, timeout=60, env={**os.environ, "STEWARDGRAPH_QUERY_TIMEOUT": "1"})
    assert done.returncode == 1
    assert "the query ran out of time after 1 s and was stopped" in done.stderr
    assert time.monotonic() - started < 10  # 1 s of query, plus starting Python and the worker


def test_with_neo4j_down_the_cli_says_how_to_start_it(built, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("STEWARDGRAPH_NEO4J_URI", raising=False)
    monkeypatch.setenv("STEWARDGRAPH_NEO4J_BOLT_PORT", "9")  # the local server's port; nothing listens there
    message = built("query", "--name", "foundation-tree", "--backend", "neo4j", code=1).stderr.strip()
    assert message == ("Error: Neo4j is not reachable at bolt://127.0.0.1:9 (connection refused); "
                       "start it with 'stewardgraph neo4j start'")
