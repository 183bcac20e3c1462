"""The command line: thin commands over the StewardGraph facade."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table as RichTable

from stewardgraph.config import SOURCES, Settings
from stewardgraph.formats import EXPORTS, table_csv
from stewardgraph.errors import StewardGraphError
from stewardgraph.names import did_you_mean
from stewardgraph.namespaces import GRAPH, compact
from stewardgraph.store import Document, Table

if TYPE_CHECKING:  # the facade loads when a command opens it, so that `serve` starts its query workers first
    from stewardgraph.building import BuildSummary
    from stewardgraph.service import StewardGraph

err = Console(stderr=True)


def _settings(ctx: click.Context) -> Settings:
    """The settings of the options and the environment; a bad one is a one-line reason and exit code 1."""
    overrides = {k: v for k, v in ctx.obj.items() if v is not None}
    try:
        return Settings(**overrides)
    except Exception as exc:  # settings errors come from pydantic
        raise click.ClickException(f"bad settings: {exc}") from exc


@contextmanager
def _graph(ctx: click.Context) -> Iterator[StewardGraph]:
    """Open the facade; turn any StewardGraphError into a one-line reason and exit code 1."""
    from stewardgraph.service import StewardGraph

    graph = StewardGraph(_settings(ctx))
    try:
        yield graph
    except StewardGraphError as exc:
        raise click.ClickException(exc.message) from exc
    finally:
        graph.close()


_SETTINGS_OPTIONS = [  # (flag, settings key, type, help): given before or after the subcommand
    ("--data-dir", "data_dir", click.Path(path_type=Path), "Store directory (env STEWARDGRAPH_DATA_DIR)."),
    ("--curated-dir", "curated_dir", click.Path(path_type=Path), "Curated YAML directory (env STEWARDGRAPH_CURATED_DIR)."),
    ("--imports", "imports", None, "Comma-separated importers that build includes (env STEWARDGRAPH_IMPORTS)."),
    ("--import-dir", "import_dir", click.Path(path_type=Path), "Directory of data snapshots (env STEWARDGRAPH_IMPORT_DIR)."),
]


def _settings_options() -> list[click.Option]:
    def remember(key: str) -> Callable[[click.Context, click.Parameter, Any], None]:
        def callback(ctx: click.Context, _param: click.Parameter, value: Any) -> None:
            if value is not None:
                ctx.ensure_object(dict)[key] = value
        return callback

    return [click.Option([flag], type=kind, help=text, expose_value=False, callback=remember(key))
            for flag, key, kind, text in _SETTINGS_OPTIONS]


@click.group(context_settings={"help_option_names": ["-h", "--help"]}, params=_settings_options())
@click.version_option(package_name="stewardgraph")
@click.pass_context
def main(ctx: click.Context) -> None:
    """StewardGraph: who owns, hosts, funds and governs open-source projects, over time."""
    ctx.ensure_object(dict)


def _with_progress(action: Callable[[Callable[[str], None]], BuildSummary]) -> BuildSummary:
    columns = (SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn())
    with Progress(*columns, console=err, transient=True) as bar:
        task = bar.add_task("starting", total=None)
        return action(lambda text: bar.update(task, description=text))


def _print_summary(summary: BuildSummary, verb: str) -> None:
    table = RichTable(title=f"{verb}: {summary.total_triples} triples")
    for column in ("file", "records", "triples"):
        table.add_column(column, justify="left" if column == "file" else "right")
    for item in summary.files:
        table.add_row(item.file, str(item.records), str(item.triples))
    Console().print(table)
    if summary.figures is not None:
        f = summary.figures
        span = f", {f.years[0]}-{f.years[1]}" if f.years else ""
        kinds = ", ".join(f"{count} {kind}" for kind, count in f.sources.items())
        Console().print(f"curated: {f.events} events{span}, {f.foundations} foundations; "
                        f"{f.primary_events} events ({f.primary_share:.0%}) cite a primary source; "
                        f"source URLs: {kinds}", markup=False, highlight=False)
    if summary.dropped_imports:
        names = ", ".join(summary.dropped_imports)
        err.print(f"[yellow]note: the previous graph held imported data ({names}) that this build left out; "
                  f"set STEWARDGRAPH_IMPORTS (or --imports) to keep it[/yellow]")
    if summary.reports:
        report = RichTable(title="merge report")
        for column in ("source", "matched", "created", "ambiguous", "conflicts", "refined", "bad records",
                       "new sponsors"):
            report.add_column(column, justify="left" if column == "source" else "right")
        for r in summary.reports:
            report.add_row(r.source, str(r.matched), str(r.created), str(len(r.ambiguous)), str(len(r.conflicts)),
                           str(sum(x.refines for x in r.refinements)), str(len(r.problems)), str(len(r.new_sponsors)))
        Console().print(report)
        for r in summary.reports:
            for line in r.ambiguous:
                err.print(f"{r.source}: ambiguous: {line}", markup=False, highlight=False)
            for line in r.conflicts:
                err.print(f"{r.source}: conflict: {line}", markup=False, highlight=False)
            for refined in (x for x in r.refinements if x.refines):
                err.print(f"{r.source}: refined: {refined}", markup=False, highlight=False)
            for line in r.problems:
                err.print(f"{r.source}: bad record: {line}", markup=False, highlight=False)
            if r.new_sponsors:
                err.print(f"{r.source}: sponsors that matched no organization, now organizations of their own: "
                          + ", ".join(r.new_sponsors), markup=False, highlight=False)


@main.command()
@click.argument("files", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--target",
    type=click.Choice(["embedded", "remote"]),
    help="Where to publish: the embedded store, or the remote SPARQL server of the settings "
    "(one Graph Store PUT per named graph). Default: the configured backend.",
)
@click.option("--allow-shrink", is_flag=True, help="Keep an import that gives no records, or less than half of "
              "what the graph held from its source (refused otherwise).")
@click.pass_context
def build(ctx: click.Context, files: tuple[Path, ...], target: str | None, allow_shrink: bool) -> None:
    """Validate the curated data and swap it into the store (FILES default to all of data/curated)."""
    ctx.obj["backend"] = target
    with _graph(ctx) as graph:
        summary = _with_progress(lambda step: graph.build(files or None, step, allow_shrink=allow_shrink))
        _print_summary(summary, "built")


@main.command()
@click.argument("files", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.pass_context
def validate(ctx: click.Context, files: tuple[Path, ...]) -> None:
    """Check curated files (default: all of data/curated) without loading anything."""
    with _graph(ctx) as graph:
        summary = _with_progress(lambda step: graph.validate(files or None, step))
        _print_summary(summary, "valid")


class _QueryCommand(click.Command):
    """`query --help` ends with the catalogue of named queries and their parameters."""

    def format_epilog(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        try:
            from stewardgraph.queries import Catalogue, signature

            catalogue = Catalogue.load(Settings().queries_dir)
        except Exception:  # help must never fail; the listing is a courtesy
            return
        with formatter.section("Named queries (--name NAME --param KEY=VALUE ...)"):
            formatter.write_dl([(q.name, f"{q.title}. {signature(q)}") for q in catalogue.public()])


@main.command(cls=_QueryCommand)
@click.argument("sparql", required=False)
@click.option("--name", "name", help="Run the named query NAME instead of SPARQL text.")
@click.option("--param", "params", multiple=True, metavar="KEY=VALUE", help="A named-query parameter; repeatable.")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True)
@click.option("--backend", type=click.Choice(["sparql", "neo4j"]), help="Engine for a named query (default: the setting).")
@click.pass_context
def query(
    ctx: click.Context, sparql: str | None, name: str | None, params: tuple[str, ...], fmt: str, backend: str | None
) -> None:
    """Run SPARQL text (or - for stdin), or a named query with --name and --param."""
    if (sparql is None) == (name is None):
        raise click.UsageError("give either SPARQL text or --name NAME")
    values: dict[str, str] = {}
    for item in params:
        key, sep, value = item.partition("=")
        if not sep:
            raise click.BadParameter(f"'{item}' is not KEY=VALUE", param_hint="--param")
        values[key.strip()] = value
    with _graph(ctx) as graph:
        if name is not None:
            result: Any = graph.run(name, values, backend=backend)
        else:
            if values:
                raise click.UsageError("--param only applies to named queries")
            text = sys.stdin.read() if sparql == "-" else str(sparql)
            if re.fullmatch(r"[a-z][a-z0-9-]*", text.strip()):
                word, names = text.strip(), [q.name for q in graph.catalogue.public()]
                if word in names:
                    raise click.UsageError(f"'{word}' is a named query, not SPARQL: run it with --name {word} "
                                           "--param NAME=VALUE ...")
                hint = did_you_mean(word, names) or "; see 'stewardgraph queries'"
                raise click.UsageError(f"'{word}' is not SPARQL; a named query runs with --name NAME{hint}")
            rdf = graph.form(text) in ("construct", "describe")
            result = graph.query(text, media="text/turtle" if rdf else None)
        _print_result(result, fmt)


def _print_result(result: Any, fmt: str) -> None:
    if isinstance(result, bool):
        click.echo(json.dumps(result) if fmt == "json" else str(result).lower())
        return
    if isinstance(result, Document):  # CONSTRUCT or DESCRIBE, asked for as Turtle
        click.echo(result.data.decode("utf-8"), nl=False)
        return
    assert isinstance(result, Table)
    if fmt == "json":
        click.echo(json.dumps(result.rows, indent=2, ensure_ascii=False))
    elif fmt == "csv":
        click.echo(table_csv(result.columns, result.rows), nl=False)
    else:
        table = RichTable(*result.columns)
        for row in result.rows:
            table.add_row(*("" if row[c] is None else str(row[c]) for c in result.columns))
        Console().print(table)
    if result.truncated:
        err.print(f"[yellow]truncated at {len(result.rows)} rows[/yellow]")


@main.command()
@click.option("--format", "fmt", type=click.Choice(list(EXPORTS)), default="trig", show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), help="Write here instead of stdout.")
@click.pass_context
def export(ctx: click.Context, fmt: str, output: Path | None) -> None:
    """Export the whole graph (turtle and ntriples merge the named graphs)."""
    with _graph(ctx) as graph:
        data = graph.export(fmt)
    if output is None:
        click.echo(data.decode("utf-8"), nl=False)
    else:
        output.write_bytes(data)
        err.print(f"wrote {len(data)} bytes to {output}")


@main.command("import")
@click.argument("source", type=click.Choice(SOURCES))
@click.argument("location", required=False)
@click.option("--commit", help="Upstream commit the file was taken at, cited on every fact.")
@click.option("--as-of", help="Month the file stands for (YYYY-MM), for facts it does not date.")
@click.option("--allow-shrink", is_flag=True, help="Import a file that gives no records, or less than half of "
              "what the graph holds from the source (refused otherwise).")
@click.option("--changes", "changes_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write what changed in stewardship since the kept version, as JSON, to this file.")
@click.pass_context
def import_(ctx: click.Context, source: str, location: str | None, commit: str | None, as_of: str | None,
            allow_shrink: bool, changes_file: Path | None) -> None:
    """Import a foundation's data: rewrite the source's kept facts and replace its named graph in
    the current graph, then print what changed in stewardship since the kept version.

    LOCATION is a local file (for apache: the directory of projects.apache.org JSON files) or a
    URL; by default the snapshot in --import-dir, else the current file upstream."""
    with _graph(ctx) as graph:
        summary = _with_progress(lambda step: graph.import_source(source, location, commit=commit, as_of=as_of, progress=step,
                                                                allow_shrink=allow_shrink))
        _print_summary(summary, f"imported {source}")
    for found in summary.changes:
        lines = found.lines()
        if found.before is None:
            click.echo(f"{found.source}: no kept version before this one ({len(found.projects_added)} projects, "
                       f"{len(found.members_added)} members)")
            continue
        click.echo(f"{found.source}: {len(lines) or 'no'} changes in stewardship since the kept version")
        for line in lines:
            click.echo(line)
    if changes_file is not None:
        document = [found.as_json() for found in summary.changes]
        changes_file.write_text(json.dumps(document[0] if len(document) == 1 else document, indent=2,
                                           ensure_ascii=False) + "\n", encoding="utf-8")
        err.print(f"wrote the changes to {changes_file}")


@main.command()
@click.pass_context
def stats(ctx: click.Context) -> None:
    """Triples per named graph (after graph/) and instances per class (as prefixed names)."""
    with _graph(ctx) as graph:
        tables = graph.stats()
    for title, table in tables.items():
        for row in table.rows:
            row.update({k: str(v).removeprefix(GRAPH) if k == "graph" else compact(str(v)) for k, v in row.items()})
        _print_result(table, "table") if table.rows else click.echo(f"{title}: none")


@main.command("queries")
@click.option("--all", "everything", is_flag=True, help="Also the internal read models behind the REST resources.")
@click.pass_context
def list_queries(ctx: click.Context, everything: bool) -> None:
    """List the named queries and their parameters."""
    from stewardgraph.queries import signature

    with _graph(ctx) as graph:
        table = RichTable("name", "parameters", "columns", "title")
        for named in (list(graph.catalogue) if everything else graph.catalogue.public()):
            table.add_row(named.name, signature(named), ", ".join(named.columns), named.title)
        Console().print(table)


@main.command()
@click.option("--host", help="Address to listen on (env STEWARDGRAPH_HOST; default 127.0.0.1).")
@click.option("--port", type=int, help="Port to listen on (env STEWARDGRAPH_PORT; default 8000).")
@click.option("--query-timeout", type=float, help="Seconds a query may run (env STEWARDGRAPH_QUERY_TIMEOUT).")
@click.pass_context
def serve(ctx: click.Context, host: str | None, port: int | None, query_timeout: float | None) -> None:
    """Serve the SPARQL endpoint, named queries, REST resources and entity pages over HTTP."""
    from stewardgraph.store.embedded import current_generation
    from stewardgraph.web.server import serve as run_server

    ctx.obj.update(host=host, port=port, query_timeout=query_timeout)
    settings = _settings(ctx)
    local = settings.backend == "embedded" and not settings.in_memory
    if local and current_generation(settings.store_dir) is None:
        raise click.ClickException(f"no graph has been built in {settings.store_dir}; run 'stewardgraph build'")
    err.print(f"StewardGraph on http://{settings.host}:{settings.port}/ (SPARQL at /sparql, API docs at /docs)")
    run_server(settings)


@main.group()
def neo4j() -> None:
    """A local Neo4j server (jars from Maven Central), and the projection of the graph into Neo4j."""


def _neo4j_config(graph: StewardGraph) -> Any:
    from stewardgraph.servers.neo4j import Neo4jConfig

    s = graph.settings
    return Neo4jConfig(home=s.neo4j_home, cache_dir=s.jar_cache / "neo4j", bolt_port=s.neo4j_bolt_port,
                       http_port=s.neo4j_http_port, password=s.neo4j_password.get_secret_value())


@neo4j.command("start")
@click.pass_context
def neo4j_start(ctx: click.Context) -> None:
    """Download Neo4j on first use, start it, and wait until Bolt answers."""
    from stewardgraph.servers.neo4j import start_neo4j

    with _graph(ctx.find_root()) as graph:
        config = _neo4j_config(graph)
        try:
            pid = start_neo4j(config)
        except RuntimeError as exc:
            raise click.ClickException(str(exc)) from exc
    click.echo(f"Neo4j is running (pid {pid}): bolt://127.0.0.1:{config.bolt_port}, "
               f"Browser at http://127.0.0.1:{config.http_port}/browser/")


@neo4j.command("status")
@click.pass_context
def neo4j_status(ctx: click.Context) -> None:
    """Whether the local Neo4j server runs, and where."""
    from stewardgraph.servers.neo4j import neo4j_status as status

    with _graph(ctx.find_root()) as graph:
        state = status(_neo4j_config(graph))
    click.echo(json.dumps(state, indent=2, default=str))
    if not state.get("running"):
        ctx.exit(1)


@neo4j.command("stop")
@click.pass_context
def neo4j_stop(ctx: click.Context) -> None:
    """Stop the local Neo4j server."""
    from stewardgraph.servers.neo4j import stop_neo4j

    with _graph(ctx.find_root()) as graph:
        was_running = stop_neo4j(_neo4j_config(graph))
    click.echo("Neo4j stopped" if was_running else "Neo4j was not running")


@neo4j.command("sync")
@click.pass_context
def neo4j_sync(ctx: click.Context) -> None:
    """Project the RDF graph into Neo4j (STEWARDGRAPH_NEO4J_URI, default the local server)."""
    with _graph(ctx.find_root()) as graph:
        columns = (SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
        with Progress(*columns, console=err, transient=True) as bar:
            task = bar.add_task("reading the graph", total=None)

            def step(what: str, done: int, total: int) -> None:
                bar.update(task, description=f"writing {what}", completed=done, total=total)

            report = graph.sync_neo4j(step)
    if report.repaired:
        err.print("[yellow]the previous sync had been interrupted; this one removed what it left behind[/yellow]")
    counts = report.counts
    table = RichTable(title=f"synced to {graph.settings.bolt_uri}")
    table.add_column("kind")
    table.add_column("name")
    table.add_column("count", justify="right")
    for kind, items in counts.items():
        for name, count in items.items():
            table.add_row(kind, name, str(count))
    Console().print(table)


def _add_settings_options(group: click.Group) -> None:
    for command in group.commands.values():
        if isinstance(command, click.Group):
            _add_settings_options(command)
        else:
            command.params.extend(_settings_options())


_add_settings_options(main)
