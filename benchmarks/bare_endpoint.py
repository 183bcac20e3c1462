"""The yardstick: a bare SPARQL endpoint over an in-memory pyoxigraph store, about 25 lines.

    python benchmarks/bare_endpoint.py DATA.nq PORT

No limits, no workers, no checks: what Oxigraph itself costs behind FastAPI and uvicorn.
"""

from __future__ import annotations

import sys

import pyoxigraph as ox
import uvicorn
from fastapi import FastAPI, Header, Query, Response

store = ox.Store()
FORMATS = {"text/csv": ox.QueryResultsFormat.CSV, "application/sparql-results+json": ox.QueryResultsFormat.JSON}
app = FastAPI()


def answer(query: str, accept: str | None) -> Response:
    media = "text/csv" if accept and "text/csv" in accept else "application/sparql-results+json"
    result = store.query(query, use_default_graph_as_union=True)
    if isinstance(result, ox.QueryTriples):
        return Response(ox.serialize(result, format=ox.RdfFormat.N_TRIPLES), media_type="application/n-triples")
    return Response(result.serialize(format=FORMATS[media]), media_type=media)


@app.get("/sparql")
def get(query: str = Query(), accept: str | None = Header(default=None)) -> Response:
    return answer(query, accept)



if __name__ == "__main__":
    store.bulk_load(path=sys.argv[1], format=ox.RdfFormat.N_QUADS)
    uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[2]), log_level="warning")
