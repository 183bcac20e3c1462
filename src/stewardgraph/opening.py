"""Which store the settings describe. Small on purpose: the service opens its store (and starts
its query workers) before it imports the facade and the web framework."""

from __future__ import annotations

from stewardgraph.config import Settings
from stewardgraph.store import EmbeddedStore, Store


def open_store(settings: Settings, *, serving: bool = False) -> Store:
    """The store the settings describe. Queries on the embedded on-disk store run in worker
    processes, under the time limit: for the service ``serving`` starts its workers now, for the
    command line and the library the first query starts one. (An in-memory store runs queries in
    the calling thread and cannot stop them.)"""
    if settings.backend == "remote":
        from stewardgraph.store.remote import RemoteStore

        remote: Store = RemoteStore.from_settings(settings)
        return remote
    if settings.in_memory:
        return EmbeddedStore()
    from stewardgraph.store.pool import PooledStore

    return PooledStore(settings.store_dir, workers=settings.query_workers if serving else 0,
                       timeout=settings.query_timeout, max_workers=settings.query_workers_max,
                       memory_bytes=settings.query_memory_mb * 2**20, respawn_interval=settings.query_respawn_seconds,
                       slow_after=settings.query_slow_seconds, in_memory_max=settings.query_in_memory_max)
