"""The benchmark suite: one command, results as JSON and as the tables in the README.

    .venv/bin/python benchmarks/run.py                       # 100k, 1M and 10M triples
    .venv/bin/python benchmarks/run.py --scales 100k --quick # a quick look

Per scale, on a synthetic graph in the ontology's shape (benchmarks/generate.py): the build rate,
the store's size on disk and the build's peak memory, and p50/p99 of every named query. Over
HTTP, on the same data and in one run: `stewardgraph serve` against a bare pyoxigraph endpoint
(benchmarks/bare_endpoint.py) and rdflib-endpoint, for point, large-result, aggregate and slow
queries, throughput at concurrency 1, 4 and 16, a fast query during a slow one, memory and
startup. Then the Neo4j sync rate against rdflib-neo4j. rdflib-endpoint and rdflib-neo4j come
from PyPI into benchmarks/.venv (made on first use); a part that cannot run says why in the
results instead of failing the run.

Results go to benchmarks/results/<date>.json and benchmarks/results/latest.json.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
VENV = HERE / ".venv"
DATA = HERE / "data"
RESULTS = HERE / "results"
QUERIES = {name: (HERE / "queries" / f"{name}.rq").read_text(encoding="utf-8") for name in
           ("point", "large", "aggregate", "slow")}
SCALES = {"2k": 2_000, "100k": 100_000, "1m": 1_000_000, "10m": 10_000_000}
NAMED = {
    "project-history": {"project": "p0"}, "steward-at": {"project": "p0", "date": "2023"},
    "foundation-projects": {"foundation": "f0"}, "foundation-members": {"foundation": "f0"},
    "foundation-sponsors": {"foundation": "f0"},
    "transfers": {"from_date": "2010", "to_date": "2011"}, "foundation-board": {"foundation": "f1"},
    "company-handovers": {"company": "c0"}, "relicensing-forks": {}, "foundation-tree": {},
    "unhosted-projects": {"date": "2024"}, "entity-sources": {"entity": "p0"},
}
# The read models behind REST and the pages: (resource parameters as IRIs, other parameters), and
# the page size the pages ask for.
INTERNAL: dict[str, tuple[dict[str, Any], int | None]] = {
    "stewardships": ({"project": "project/p0"}, None), "project-events": ({"project": "project/p0"}, None),
    "organization-events": ({"organization": "organization/c0"}, None),
    "organization": ({"organization": "organization/f0"}, None),
    "organization-children": ({"organization": "organization/f0"}, None),
    "memberships": ({"organization": "organization/f0"}, None), "sources-about": ({"about": "project/p0"}, None),
    "entity-facts": ({"subject": "project/p0"}, None), "incoming": ({"object": "project/p0"}, None),
    "page-labels": ({"terms": ["project/p0", "organization/c0", "organization/f0"]}, None),
    "sponsorships-given": ({"sponsor": "organization/c0"}, None),
    "license-history": ({"project": "project/p0"}, None), "fork-lineage": ({"project": "project/p0"}, None), "entity-source-list": ({"entity": "project/p0"}, None),
    "current-stewards": ({"projects": ["project/p0", "project/p1"]}, None),
    "project-list": ({}, 50), "event-list": ({}, 50), "organization-list": ({}, 50),
    "project-facets": ({}, None), "event-facets": ({}, None), "organization-facets": ({}, None),
    "entity-labels": ({"entities": ["project/p0", "organization/c0"]}, None), "search": ({"needle": "project 12"}, 50),
    "resolve-name": ({"class": "ns#Project", "needle": "project 7"}, None),
}


# -- data ------------------------------------------------------------------------------------------


def dataset(scale: str, data: Path) -> Path:
    """The synthetic graph of a scale, with the ontology (its concepts carry the notations the
    queries match), as one N-Quads file; made once and kept in the data directory."""
    path = data / f"graph-{scale}.nq"
    if path.exists():
        return path
    sys.path.insert(0, str(HERE))
    from generate import generate

    from stewardgraph import Settings, StewardGraph
    from stewardgraph.loaders.curated import CuratedData
    from stewardgraph.loaders.rdf import to_rdf

    data.mkdir(parents=True, exist_ok=True)
    graph = StewardGraph(Settings(in_memory=True))
    ontology = to_rdf(CuratedData([], []), graph.ontology.vocabularies, graph.ontology.graph).nquads()
    lines, _ = generate(SCALES[scale])
    partial = path.with_suffix(".part")
    with open(partial, "w", encoding="utf-8") as out:
        out.write(ontology.decode("utf-8"))
        for line in lines:
            out.write(line)
    partial.rename(path)
    return path


def count_lines(path: Path) -> int:
    with open(path, "rb") as handle:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b""))


def build(data: Path, directory: Path) -> dict[str, Any]:
    """Load the file into a fresh on-disk store, in a child process whose peak memory we read."""
    shutil.rmtree(directory, ignore_errors=True)
    started = time.perf_counter()
    subprocess.run([sys.executable, __file__, "_load", str(directory / "store"), str(data)], check=True)
    seconds = time.perf_counter() - started
    quads = count_lines(data)
    size = sum(f.stat().st_size for f in (directory / "store").rglob("*") if f.is_file())
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    return {"quads": quads, "seconds": round(seconds, 2), "quads_per_second": round(quads / seconds),
            "disk_bytes": size, "peak_rss_bytes": peak}


def _load(store: str, data: str) -> None:
    from stewardgraph.store.embedded import replace_generation

    replace_generation(Path(store), Path(data))


# -- named queries through the library -------------------------------------------------------------


def named_queries(directory: Path, runs: int) -> dict[str, Any]:
    from stewardgraph import Settings, StewardGraph, StewardGraphError

    # No slow lane here: a query that runs long is measured, not demoted and its worker replaced.
    graph = StewardGraph(Settings(data_dir=directory, query_timeout=300, row_cap=10_000_000,
                                  query_memory_mb=0, query_slow_seconds=300))
    found: dict[str, Any] = {}
    try:
        todo = [(name, params, {}) for name, params in NAMED.items()]
        todo += [(name, {key: _iris(value) for key, value in params.items()}, {"limit": limit} if limit else {})
                 for name, (params, limit) in INTERNAL.items()]
        for name, params, options in todo:
            try:
                rows = len(graph.run(name, params, **options).rows)  # warms up (the first starts a worker)
            except StewardGraphError as exc:
                found[name] = {"error": exc.message}
                continue
            spent: list[float] = []
            budget = time.monotonic() + 30  # a slow query at a large scale runs fewer times
            while len(spent) < runs and (time.monotonic() < budget or not spent):
                began = time.perf_counter()
                graph.run(name, params, **options)
                spent.append((time.perf_counter() - began) * 1000)
            found[name] = {"rows": rows, "p50_ms": round(statistics.median(spent), 2),
                           "p99_ms": round(_p99(spent), 2), "runs": len(spent)}
    finally:
        graph.close()
    return found


def _iris(value: Any) -> Any:
    """An internal query's resource parameter: a path under the graph's IRIs, as a term."""
    import pyoxigraph

    if isinstance(value, list):
        return [_iris(v) for v in value]
    if value.startswith("ns#"):
        return pyoxigraph.NamedNode("https://w3id.org/stewardgraph/" + value)
    if "/" in value:
        return pyoxigraph.NamedNode("https://w3id.org/stewardgraph/id/" + value)
    return value


def _p99(values: list[float]) -> float:
    return statistics.quantiles(values, n=100)[98] if len(values) > 2 else max(values)


# -- servers ---------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    def __init__(self, name: str, command: list[str], env: dict[str, str] | None = None, path: str = "/sparql") -> None:
        import httpx  # here: rdflib-neo4j's run of this file, in benchmarks/.venv, has no httpx

        self.name, self.port, self.path = name, free_port(), path
        self.url = f"http://127.0.0.1:{self.port}{path}"
        started = time.perf_counter()
        self.process = subprocess.Popen([part.replace("{port}", str(self.port)) for part in command],
                                        env={**os.environ, **(env or {})}, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 1800
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{name} exited with code {self.process.returncode}")
            try:
                if httpx.get(self.url, params={"query": "ASK {}"}, timeout=60).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        self.startup = time.perf_counter() - started
        self.settle()

    def settle(self, quiet: float = 1.0, most: float = 120.0) -> None:
        """Wait until the server has finished what it does after it starts (ours counts the home
        page's figures), so that it is measured at rest: its processes use under 5% of a CPU for
        ``quiet`` seconds."""
        deadline = time.monotonic() + most
        while time.monotonic() < deadline:
            before = self.cpu()
            time.sleep(quiet)
            if self.cpu() - before < 0.05 * quiet:
                return

    def cpu(self) -> float:
        """CPU seconds used so far by the server and its children."""
        ticks = os.sysconf("SC_CLK_TCK")
        total = 0.0
        for pid in _tree(self.process.pid):
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += (int(fields[11]) + int(fields[12])) / ticks
        return total

    def memory(self) -> int:
        """Memory of the server and its children (workers), in bytes: their proportional set size, so
        that memory the processes share (a graph that forked workers share) is counted once."""
        return sum(_pss(pid) for pid in _tree(self.process.pid))

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def _tree(pid: int) -> list[int]:
    found = [pid]
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return found
    for child in children:
        found += _tree(int(child))
    return found


def _pss(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


class Connection:
    """A bare HTTP/1.1 keep-alive client, so that on a small machine the load generator costs
    little next to the servers it measures."""

    def __init__(self, port: int, path: str = "/sparql") -> None:
        self.port, self.path = port, path
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def ask(self, query: str) -> int:
        return await self.get(_target(query, self.path))

    async def get(self, target: str) -> int:
        if self.writer is None or self.reader is None:
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        self.writer.write(f"GET {target} HTTP/1.1\r\nHost: localhost\r\n"
                          "Accept: application/sparql-results+json\r\n\r\n".encode())
        await self.writer.drain()
        status = int((await self.reader.readline()).split()[1])
        length, chunked = 0, False
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            if name.lower() == "content-length":
                length = int(value)
            elif name.lower() == "transfer-encoding" and "chunked" in value.lower():
                chunked = True
        if chunked:
            while (size := int((await self.reader.readline()).strip(), 16)) > 0:
                await self.reader.readexactly(size + 2)
            await self.reader.readline()
        else:
            await self.reader.readexactly(length)
        return status

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            await self.writer.wait_closed()


def _target(query: str, path: str = "/sparql") -> str:
    return f"{path}?" + urlencode({"query": query})


async def _latencies(port: int, query: str, seconds: float, limit: int, path: str = "/sparql") -> list[float]:
    connection = Connection(port, path)
    spent: list[float] = []
    until = time.monotonic() + seconds
    try:
        while time.monotonic() < until and len(spent) < limit:
            began = time.perf_counter()
            status = await connection.ask(query)
            if status != 200:
                raise RuntimeError(f"status {status}")
            spent.append((time.perf_counter() - began) * 1000)
    finally:
        await connection.close()
    return spent


async def _throughput(port: int, query: str, clients: int, seconds: float, path: str) -> float:
    connections = [Connection(port, path) for _ in range(clients)]
    done = 0
    until = time.monotonic() + seconds

    async def loop(connection: Connection) -> None:
        nonlocal done
        while time.monotonic() < until:
            if await connection.ask(query) == 200:
                done += 1

    try:
        await asyncio.gather(*(loop(c) for c in connections))
    finally:
        for connection in connections:
            await connection.close()
    return done / seconds


async def _during_slow(port: int, seconds: float, path: str) -> list[float]:
    stop = asyncio.Event()

    async def slow() -> None:
        connection = Connection(port, path)
        try:
            while not stop.is_set():
                await connection.ask(QUERIES["slow"])
        finally:
            await connection.close()

    task = asyncio.create_task(slow())
    await asyncio.sleep(0.2)
    spent = await _latencies(port, QUERIES["point"], seconds, 10_000, path)
    stop.set()
    await task
    return spent


def measure(server: Server, *, seconds: float) -> dict[str, Any]:
    found: dict[str, Any] = {"startup_s": round(server.startup, 2)}
    for shape, query in QUERIES.items():
        spent = asyncio.run(_latencies(server.port, query, seconds, 200 if shape != "slow" else 20, server.path))
        found[shape] = {"p50_ms": round(statistics.median(spent), 2), "p99_ms": round(_p99(spent), 2),
                        "requests": len(spent)}
    for clients in (1, 4, 16):
        found[f"point_rps_c{clients}"] = round(asyncio.run(_throughput(server.port, QUERIES["point"], clients,
                                                                          seconds, server.path)), 1)
    spent = asyncio.run(_during_slow(server.port, seconds, server.path))
    found["point_during_slow"] = {"p50_ms": round(statistics.median(spent), 2), "p99_ms": round(_p99(spent), 2)}
    found["memory_bytes"] = server.memory()
    time.sleep(5)  # idle: what a server holds between bursts
    found["idle_memory_bytes"] = server.memory()
    return found


def http(data: Path, directory: Path, seconds: float, external: bool) -> dict[str, Any]:
    """Each server in turn on the same data: ours over its store, the others over the file."""
    import httpx
    servers: list[tuple[str, list[str], dict[str, str], str]] = [
        ("stewardgraph", [str(Path(sys.executable).parent / "stewardgraph"), "serve", "--port", "{port}"],
         {"STEWARDGRAPH_DATA_DIR": str(directory), "STEWARDGRAPH_ROW_CAP": "10000000",
          "STEWARDGRAPH_QUERY_TIMEOUT": "120"}, "/sparql"),
        ("bare pyoxigraph", [sys.executable, str(HERE / "bare_endpoint.py"), str(data), "{port}"], {}, "/sparql"),
    ]
    if external:
        servers.append(("rdflib-endpoint", [str(VENV / "bin" / "rdflib-endpoint"), "serve", str(data),
                                              "--host", "127.0.0.1", "--port", "{port}"], {}, "/"))
    found: dict[str, Any] = {}
    for name, command, env, path in servers:
        try:
            server = Server(name, command, env, path)
        except (RuntimeError, OSError) as exc:
            found[name] = {"error": str(exc)}
            continue
        try:
            found[name] = measure(server, seconds=seconds)
        except (RuntimeError, OSError, httpx.HTTPError, asyncio.IncompleteReadError) as exc:
            found[name] = {"error": f"{type(exc).__name__}: {exc}"}
        finally:
            server.stop()
    return found


# -- Neo4j -----------------------------------------------------------------------------------------


def neo4j_sync(data: Path, directory: Path, external: bool) -> dict[str, Any]:
    from stewardgraph import Settings, StewardGraph
    from stewardgraph.errors import StewardGraphError
    from stewardgraph.servers.neo4j import Neo4jConfig, start_neo4j, stop_neo4j

    config = Neo4jConfig(home=directory / "neo4j", cache_dir=ROOT / ".cache" / "neo4j", bolt_port=free_port(),
                         http_port=free_port(), heap="2g", pagecache="512m")
    start_neo4j(config)
    found: dict[str, Any] = {"triples": count_lines(data)}
    try:
        graph = StewardGraph(Settings(data_dir=directory, neo4j_uri=config.bolt_uri, neo4j_password=config.password))
        began = time.perf_counter()
        try:
            report = graph.sync_neo4j()
        except StewardGraphError as exc:  # recorded, so that the comparison still runs
            found["stewardgraph"] = {"error": str(exc)}
        else:
            seconds = time.perf_counter() - began
            found["stewardgraph"] = {"seconds": round(seconds, 1),
                                     "triples_per_second": round(found["triples"] / seconds),
                                     "nodes": report.counts["nodes"].get("Resource", 0)}
        finally:
            graph.close()
        # rdflib-neo4j gets an empty database of its own: a fresh server home
        stop_neo4j(config)
        shutil.rmtree(config.home)
        start_neo4j(config)
        if external:
            began = time.perf_counter()
            done = subprocess.run([str(VENV / "bin" / "python"), __file__, "_rdflib_neo4j", config.bolt_uri,
                                   config.password, str(data)], capture_output=True, text=True)
            seconds = time.perf_counter() - began
            if done.returncode:
                found["rdflib-neo4j"] = {"error": done.stderr.strip()[-500:]}
            else:
                found["rdflib-neo4j"] = {"seconds": round(seconds, 1),
                                         "triples_per_second": round(found["triples"] / seconds)}
    finally:
        stop_neo4j(config)
    return found


def _rdflib_neo4j(uri: str, password: str, data: str) -> None:  # runs in benchmarks/.venv
    from rdflib import Dataset, Graph
    from rdflib_neo4j import HANDLE_VOCAB_URI_STRATEGY, Neo4jStore, Neo4jStoreConfig

    config = Neo4jStoreConfig(auth_data={"uri": uri, "database": "neo4j", "user": "neo4j", "pwd": password},
                              handle_vocab_uri_strategy=HANDLE_VOCAB_URI_STRATEGY.IGNORE, batching=True)
    store = Graph(store=Neo4jStore(config=config))
    dataset = Dataset()
    dataset.parse(data, format="nquads")
    for triple in dataset.triples((None, None, None)):
        store.add(triple)
    store.close(True)


# -- the run ---------------------------------------------------------------------------------------


def ensure_venv() -> str | None:
    """benchmarks/.venv with rdflib-endpoint and rdflib-neo4j from PyPI; why not, if it fails."""
    if (VENV / "bin" / "rdflib-endpoint").exists():
        return None
    try:
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        subprocess.run([str(VENV / "bin" / "pip"), "install", "--quiet", "rdflib-endpoint[cli]==0.6.3",
                        "rdflib-neo4j==1.1", "uvicorn"], check=True, capture_output=True, text=True)
    except subprocess.CalledProcessError as exc:
        return f"cannot install rdflib-endpoint and rdflib-neo4j: {(exc.stderr or '').strip()[-300:]}"
    return None


def step(label: str, action: Callable[[], Any]) -> Any:
    print(f"… {label}", file=sys.stderr, flush=True)
    began = time.perf_counter()
    result = action()
    print(f"  done in {time.perf_counter() - began:.0f} s", file=sys.stderr, flush=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scales", default="100k,1m,10m", help="comma-separated: 2k, 100k, 1m, 10m")
    parser.add_argument("--http-scales", default="100k,1m", help="scales the HTTP comparison runs at")
    parser.add_argument("--rdflib-scales", default="100k",
                        help="scales rdflib-endpoint joins the HTTP comparison at (it holds the graph in Python)")
    parser.add_argument("--neo4j-scale", default="1m", help="scale of the Neo4j sync comparison ('' to skip)")
    parser.add_argument("--runs", type=int, default=20, help="runs of each named query")
    parser.add_argument("--seconds", type=float, default=5.0, help="length of each HTTP measurement")
    parser.add_argument("--quick", action="store_true", help="few runs, short measurements")
    parser.add_argument("--skip-external", action="store_true", help="no rdflib-endpoint, no rdflib-neo4j")
    parser.add_argument("--out", type=Path, default=RESULTS, help="directory of the result files")
    parser.add_argument("--data", type=Path, default=DATA, help="directory of the generated graphs and stores")
    args = parser.parse_args()
    runs, seconds = (3, 1.0) if args.quick else (args.runs, args.seconds)
    external = not args.skip_external
    results: dict[str, Any] = {"date": dt.datetime.now().isoformat(timespec="seconds"), "machine": _machine(),
                               "scales": {}}
    if external and (why := ensure_venv()):
        results["external"] = why
        external = False
    for scale in args.scales.split(","):
        data = step(f"{scale}: generating", lambda: dataset(scale, args.data))
        directory = args.data / f"store-{scale}"
        entry: dict[str, Any] = {}
        entry["build"] = step(f"{scale}: building", lambda: build(data, directory))
        entry["named_queries"] = step(f"{scale}: named queries", lambda: named_queries(directory, runs))
        if scale in args.http_scales.split(","):
            with_rdflib = external and scale in args.rdflib_scales.split(",")
            entry["http"] = step(f"{scale}: HTTP", lambda: http(data, directory, seconds, with_rdflib))
        if scale == args.neo4j_scale:
            entry["neo4j_sync"] = step(f"{scale}: Neo4j sync", lambda: neo4j_sync(data, directory, external))
        results["scales"][scale] = entry
        save(results, args.out)  # after each scale, so that a failure later keeps what was measured
    print(tables(results))


def save(results: dict[str, Any], out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    text = json.dumps(results, indent=2)
    (out / f"{results['date'][:10]}.json").write_text(text)
    (out / "latest.json").write_text(text)


def _machine() -> dict[str, Any]:
    return {"cpus": os.cpu_count(), "python": sys.version.split()[0],
            "memory_bytes": os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")}


def tables(results: dict[str, Any]) -> str:
    """The results as the Markdown tables of the README."""
    out = []
    for scale, entry in results["scales"].items():
        b = entry["build"]
        out.append(f"\n### {scale}: {b['quads']:,} quads\n")
        out.append(f"Build {b['seconds']} s ({b['quads_per_second']:,} quads/s), {b['disk_bytes'] / 2**20:.0f} MiB "
                   f"on disk, peak memory {b['peak_rss_bytes'] / 2**20:.0f} MiB.\n")
        out.append("| named query | rows | p50 ms | p99 ms |\n|---|---:|---:|---:|")
        for name, q in entry["named_queries"].items():
            if "error" in q:
                out.append(f"| `{name}` | – | {q['error']} | |")
            else:
                out.append(f"| `{name}` | {q['rows']:,} | {q['p50_ms']} | {q['p99_ms']} |")
        if "http" in entry:
            servers = [s for s in entry["http"] if "error" not in entry["http"][s]]
            out.append("\n| over HTTP | " + " | ".join(servers) + " | stewardgraph ÷ bare |")
            out.append("|---|" + "---:|" * (len(servers) + 1))
            h = entry["http"]
            rows = [(f"{shape} p50 ms", lambda s, shape=shape: h[s][shape]["p50_ms"], False) for shape in QUERIES]
            rows += [(f"point req/s, {c} clients", lambda s, c=c: h[s][f"point_rps_c{c}"], True) for c in (1, 4, 16)]
            rows += [("point p50 ms during a slow query", lambda s: h[s]["point_during_slow"]["p50_ms"], False),
                     ("memory MiB, right after the run", lambda s: round(h[s]["memory_bytes"] / 2**20), False),
                     ("memory MiB, idle 5 s later", lambda s: round(h[s].get("idle_memory_bytes", 0) / 2**20), False),
                     ("startup s", lambda s: h[s]["startup_s"], False)]
            for label, value, higher in rows:
                cells = [str(value(s)) for s in servers]
                ratio = ""
                if "stewardgraph" in servers and "bare pyoxigraph" in servers:
                    ours, bare = value("stewardgraph"), value("bare pyoxigraph")
                    if bare:
                        ratio = f"{(bare / ours if higher else ours / bare):.2f}" if ours else ""
                out.append(f"| {label} | " + " | ".join(cells) + f" | {ratio} |")
            for s, v in h.items():
                if "error" in v:
                    out.append(f"\n{s}: {v['error']}")
        if "neo4j_sync" in entry:
            n = entry["neo4j_sync"]
            out.append(f"\nNeo4j sync of {n['triples']:,} triples: stewardgraph "
                       + (f"{n['stewardgraph']['seconds']} s ({n['stewardgraph']['triples_per_second']:,}/s)"
                          if "seconds" in n.get("stewardgraph", {}) else n.get("stewardgraph", {}).get("error", "–"))
                       + "; rdflib-neo4j " + (f"{n['rdflib-neo4j']['seconds']} s "
                                              f"({n['rdflib-neo4j']['triples_per_second']:,}/s)"
                                              if "seconds" in n.get("rdflib-neo4j", {}) else
                                              n.get("rdflib-neo4j", {}).get("error", "not run")))
    return "\n".join(out)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "_load":
        _load(sys.argv[2], sys.argv[3])
    elif len(sys.argv) > 1 and sys.argv[1] == "_rdflib_neo4j":
        _rdflib_neo4j(*sys.argv[2:5])
    else:
        main()
