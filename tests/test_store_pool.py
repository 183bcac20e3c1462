"""The worker pool: its bounds (workers, slow queries, starts per second) and errors that cross
the process boundary intact."""

from __future__ import annotations

import pickle
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from stewardgraph import errors
from stewardgraph.errors import QueryRefused, QuerySyntaxError, QueryTimeout, StewardGraphError, StoreError
from stewardgraph.store.base import Limits, QueryOptions
from stewardgraph.store.pool import PooledStore
from tests.attack import worker_pids

CHEAP = "ASK { ?s ?p ?o }"
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


@pytest.fixture
def pool(served_dir: Path) -> Iterator[PooledStore]:
    store = PooledStore(served_dir / "store", workers=2, max_workers=4, timeout=3.0, respawn_interval=0.5,
                        slow_after=0.3)
    yield store
    store.close()


def options(timeout: float = 3.0) -> QueryOptions:
    return QueryOptions(limits=Limits(timeout=timeout, rows=10))


def test_every_error_crosses_the_process_boundary_with_its_type_and_fields() -> None:
    made = [errors.ParameterError("date", "bad"), QuerySyntaxError("x", line=2, column=9),
            QueryRefused("no"), errors.ValidationFailed([errors.Problem("f.yaml", "r", "field", "m")])]
    for error in made:
        back = pickle.loads(pickle.dumps(error))
        assert type(back) is type(error) and back.__dict__ == error.__dict__ and str(back) == str(error)


def test_an_error_in_a_worker_reaches_the_caller_as_raised(pool: PooledStore) -> None:
    with pytest.raises(QuerySyntaxError) as caught:
        pool.query("SELECT ?x WHERE {\n  ?x ?y }", options())
    assert (caught.value.line, caught.value.column) == (2, 10)
    assert pool.query(CHEAP, options()) is True  # the worker went back to the pool


def test_the_pool_never_exceeds_its_maximum(pool: PooledStore) -> None:
    sizes: list[int] = []
    outcomes: list[str] = []
    done = threading.Event()

    def watch() -> None:
        while not done.is_set():
            sizes.append(pool.size)
            time.sleep(0.01)

    def run(query: str, timeout: float) -> None:
        try:
            pool.query(query, options(timeout))
            outcomes.append("ok")
        except StewardGraphError as exc:
            outcomes.append(type(exc).__name__)

    watcher = threading.Thread(target=watch)
    watcher.start()
    threads = [threading.Thread(target=run, args=(SLOW if i % 2 else CHEAP, 1.0)) for i in range(24)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    done.set()
    watcher.join()
    assert max(sizes) <= 4 and len(outcomes) == 24
    assert "ok" in outcomes


def test_slow_queries_get_only_their_share_of_the_pool(pool: PooledStore) -> None:
    """max 4, base 2: two slow queries at once; a third one is stopped once it turns slow, and
    quick queries are still answered meanwhile."""
    outcomes: list[str] = []

    def slow() -> None:
        try:
            pool.query(SLOW, options(3.0))
            outcomes.append("ok")
        except StewardGraphError as exc:
            outcomes.append(exc.message)

    threads = [threading.Thread(target=slow) for _ in range(3)]
    for thread in threads:
        thread.start()
    time.sleep(1.0)
    started = time.monotonic()
    assert pool.query(CHEAP, options()) is True
    assert time.monotonic() - started < 1.0
    for thread in threads:
        thread.join(30)
    stopped = [o for o in outcomes if "already running 2 slow queries" in o]
    timed_out = [o for o in outcomes if "ran out of time after 3 s" in o]
    assert len(stopped) == 1 and len(timed_out) == 2, outcomes


def test_worker_starts_are_rate_limited(served_dir: Path) -> None:
    """Two workers, a burst of two starts, then one start per 2 s: after four killed queries the
    pool is short of workers for a while instead of starting them all at once."""
    store = PooledStore(served_dir / "store", workers=2, max_workers=2, timeout=1.5, respawn_interval=2.0,
                        slow_after=10.0)

    def kill_both() -> None:
        threads = [threading.Thread(target=lambda: pytest.raises(QueryTimeout, store.query, SLOW, options(1.5)))
                   for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)

    try:
        store.query(CHEAP, options())
        kill_both()  # the two replacements use the burst
        deadline = time.monotonic() + 10
        while store.size < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert store.query(CHEAP, options()) is True
        kill_both()  # no start left: the replacements wait for the rate
        killed = time.monotonic()
        assert store.size < 2
        while store.size < 2:
            assert time.monotonic() - killed < 8
            time.sleep(0.05)
        assert time.monotonic() - killed > 0.5
        assert store.query(CHEAP, options(5.0)) is True
    finally:
        store.close()


def test_a_closed_pool_says_so(served_dir: Path) -> None:
    store = PooledStore(served_dir / "store", workers=1, timeout=2.0)
    store.close()
    with pytest.raises((StoreError, QueryTimeout)):
        store.query(CHEAP, options(1.0))


HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f }"


def parent_of(pid: int) -> int:
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])


def test_workers_are_forked_by_one_mother_that_holds_the_graph(served_dir: Path) -> None:
    store = PooledStore(served_dir / "store", workers=2, timeout=5.0, in_memory_max=10**6)
    try:
        threads = [threading.Thread(target=store.query, args=(HEAVY, options(5.0))) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        mother = store._mothers[0].process.pid
        pids = worker_pids(store)
        assert len(pids) == 2 and {parent_of(pid) for pid in pids} == {mother}
        assert store.query(HEAVY, options(5.0)).rows  # type: ignore[union-attr]
        assert worker_pids(store) == pids  # a worker that shares the graph stays
    finally:
        store.close()


def test_an_idle_worker_that_owns_much_of_the_graph_retires(served_dir: Path) -> None:
    """retire_bytes=1: every query that is not instant leaves its worker owning more than that. A
    busy worker keeps what it owns; once idle for retire_idle it retires, and a fresh fork takes its
    place."""
    store = PooledStore(served_dir / "store", workers=1, timeout=5.0, in_memory_max=10**6, retire_bytes=1,
                        retire_idle=0.5)
    try:
        store.query(CHEAP, options())
        before = worker_pids(store)
        assert store.query(HEAVY, options(5.0)).rows  # type: ignore[union-attr]
        assert store.query(HEAVY, options(5.0)).rows  # type: ignore[union-attr]
        assert store.query(CHEAP, options()) is True
        assert worker_pids(store) == before  # busy: it stays
        deadline = time.monotonic() + 10
        while (not worker_pids(store) or worker_pids(store) == before) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert worker_pids(store) and worker_pids(store) != before
        assert store.query(CHEAP, options()) is True
        after = worker_pids(store)
        time.sleep(1.5)
        assert worker_pids(store) == after  # it has answered only an instant query: it owns little
    finally:
        store.close()


def test_a_mother_that_died_is_replaced(served_dir: Path) -> None:
    store = PooledStore(served_dir / "store", workers=1, timeout=1.0, respawn_interval=0.05)
    try:
        assert store.query(CHEAP, options()) is True
        first = store._mothers[0]
        first.process.kill()
        first.process.wait(5)
        with pytest.raises(QueryTimeout):
            store.query(SLOW, options(1.0))  # its worker is killed; the replacement needs a mother
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                assert store.query(CHEAP, options()) is True
                break
            except StewardGraphError:
                time.sleep(0.1)
        assert store._mothers[0] is not first and store._mothers[0].alive()
    finally:
        store.close()


def test_after_a_new_generation_the_workers_share_it_again(served_dir: Path, tmp_path: Path) -> None:
    """A worker follows the generation pointer with a copy of its own; once idle it retires, and
    the fresh fork shares the mother's copy of the new generation."""
    shutil.copytree(served_dir / "store", tmp_path / "store")
    store = PooledStore(tmp_path / "store", workers=1, timeout=5.0, in_memory_max=10**6, retire_bytes=1,
                        retire_idle=0.3)
    added = "ASK { <urn:new> <urn:p> <urn:o> }"
    try:
        assert store.query(added, options()) is False
        before = worker_pids(store)
        store.load(store.dump("nquads") + b"<urn:new> <urn:p> <urn:o> <urn:g> .\n")
        assert store.query(added, options()) is True  # the worker read the new generation itself
        deadline = time.monotonic() + 10
        while (not worker_pids(store) or worker_pids(store) == before) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert worker_pids(store) and worker_pids(store) != before
        assert store.query(added, options()) is True  # the fresh fork: the mother's copy
    finally:
        store.close()
