"""Build the whole graph (curated facts plus every kept import, as on a fresh clone) and print
figures; with --import-dir, from the upstream snapshots there instead.

    python benchmarks/full_build.py [--import-dir ../shared/datasets] [--runs 3]

Prints the build time of each run, the triple count, the merge report per source, and the
time of each named query on the full graph.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from stewardgraph import Settings, StewardGraph
from stewardgraph.config import SOURCES as ALL_SOURCES

SOURCES = ",".join(ALL_SOURCES)
CALLS = {
    "project-history": {"project": "Kubernetes"}, "steward-at": {"project": "Apache Kafka", "date": "2013"},
    "foundation-projects": {"foundation": "Linux Foundation"}, "foundation-members": {"foundation": "CNCF"},
    "foundation-sponsors": {"foundation": "NumFOCUS"},
    "transfers": {"from_date": "2020", "to_date": "2021"}, "foundation-board": {"foundation": "PyTorch Foundation"},
    "company-handovers": {"company": "Google"}, "relicensing-forks": {}, "foundation-tree": {},
    "unhosted-projects": {}, "entity-sources": {"entity": "Kubernetes"},
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--import-dir", type=Path, help="upstream snapshots to build from instead of the kept facts")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    times = []
    for run in range(args.runs):
        with tempfile.TemporaryDirectory() as data:
            graph = StewardGraph(Settings(data_dir=Path(data), imports=SOURCES, import_dir=args.import_dir))
            started = time.perf_counter()
            summary = graph.build()
            times.append(time.perf_counter() - started)
            print(f"run {run + 1}: build {times[-1]:.1f} s, {summary.total_triples} triples")
            if run == args.runs - 1:
                print("\nsource   records  triples  matched  created  ambiguous  conflicts  bad records")
                triples = {f.file: f for f in summary.files}
                for r in summary.reports:
                    f = triples[f"{r.source} import"]
                    print(f"{r.source:8} {f.records:7} {f.triples:8} {r.matched:8} {r.created:8} "
                          f"{len(r.ambiguous):10} {len(r.conflicts):10} {len(r.problems):12}")
                curated = [f for f in summary.files if f.file.endswith(".yaml")]
                print(f"curated  {sum(f.records for f in curated):7} {sum(f.triples for f in curated):8}")
                print("\nnamed query            rows   ms (median of 5)")
                for name, params in CALLS.items():
                    spent = []
                    for _ in range(5):
                        started = time.perf_counter()
                        rows = graph.run(name, params).rows
                        spent.append((time.perf_counter() - started) * 1000)
                    print(f"{name:22} {len(rows):5} {statistics.median(spent):7.1f}")
            graph.close()
    print(f"\nbuild time: median {statistics.median(times):.1f} s over {len(times)} runs")


if __name__ == "__main__":
    main()
