"""The wheel carries the ontology, the curated data and the named queries."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_wheel_packages_the_resources(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(tmp_path), str(ROOT)],
        capture_output=True, text=True, timeout=600, check=False,
    )
    assert done.returncode == 0, done.stderr
    (wheel,) = tmp_path.glob("stewardgraph-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {
        "stewardgraph/_resources/ontology/stewardgraph.ttl",
        "stewardgraph/_resources/ontology/shapes.ttl",
        "stewardgraph/_resources/queries/project-history.rq",
        "stewardgraph/_resources/data/curated/pytorch.yaml",
        "stewardgraph/_resources/data/imports/cncf.jsonl",  # an installed build has the whole graph too
        # the pages' own assets: no CDN, and no Node at run time
        "stewardgraph/web/static/site.css",
        "stewardgraph/web/static/app.js",
        "stewardgraph/web/static/editor.js",
        "stewardgraph/web/static/graph.js",
        "stewardgraph/web/static/vendor/codemirror/codemirror.js",
        "stewardgraph/web/static/vendor/codemirror/sparql.js",
        "stewardgraph/web/static/vendor/swagger-ui-bundle.js",
        "stewardgraph/web/static/vendor/redoc.standalone.js",
    }
    assert expected <= names
    shipped = {p.name for p in (ROOT / "data" / "curated").glob("*.yaml")}
    assert {n.rsplit("/", 1)[1] for n in names if "/data/curated/" in n} == shipped
