"""The benchmark suite keeps working: a run at the smallest scale, with our service and the
bare endpoint (the external comparisons need PyPI, so they are left to the real runs)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from stewardgraph.queries import Catalogue
from stewardgraph.resources import resource_dir

SUITE = Path(__file__).resolve().parent.parent / "benchmarks" / "run.py"


def test_the_suite_runs_and_writes_its_results(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(SUITE), "--scales", "2k", "--http-scales", "2k", "--neo4j-scale", "", "--quick",
         "--skip-external", "--out", str(tmp_path / "results"), "--data", str(tmp_path / "data")],
        capture_output=True, text=True, timeout=600,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    results = json.loads((tmp_path / "results" / "latest.json").read_text())
    scale = results["scales"]["2k"]
    assert 2_000 < scale["build"]["quads"] < 4_000 and scale["build"]["quads_per_second"] > 0
    catalogue = Catalogue.load(resource_dir("queries"))
    measured_queries = set(scale["named_queries"])
    assert {q.name for q in catalogue.public()} < measured_queries  # and the read models behind the pages
    assert {"project-list", "search", "organization-events"} < measured_queries
    assert all(catalogue.get(name) for name in measured_queries)
    empty = {name for name, q in scale["named_queries"].items() if q["rows"] == 0}
    assert empty <= {"relicensing-forks", "license-history", "fork-lineage"}, empty  # no relicensings are generated
    for server in ("stewardgraph", "bare pyoxigraph"):
        measured = scale["http"][server]
        assert "error" not in measured, measured
        assert measured["point"]["p50_ms"] > 0 and measured["point_rps_c4"] > 0 and measured["memory_bytes"] > 0
        assert measured["idle_memory_bytes"] > 0
    assert "### 2k: " in done.stdout and "| `steward-at` |" in done.stdout
