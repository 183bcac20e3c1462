"""Reading importers' input over HTTP and from disk, and the shared helpers."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from stewardgraph.errors import StewardGraphError
from stewardgraph.config import SOURCES
from stewardgraph.importers import IMPORTERS, ImportRefused, ImportUnavailable
from stewardgraph.importers import base

FIXTURES = Path(__file__).parent / "fixtures" / "imports"


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Serve the fixture files at https://example.test/<path>; record the URLs asked for."""
    asked: list[str] = []

    def handle(request: httpx.Request) -> httpx.Response:
        asked.append(str(request.url))
        path = FIXTURES / request.url.path.lstrip("/")
        if path.is_file():
            return httpx.Response(200, content=path.read_bytes())
        return httpx.Response(404)

    monkeypatch.setattr(base, "transport", httpx.MockTransport(handle))
    return asked


def test_a_landscape_is_read_from_a_url(served: list[str]) -> None:
    url = "https://example.test/cncf/landscape.yml"
    result = IMPORTERS["cncf"].read(url)
    assert result.upstream.url == url
    assert result.projects[0].location == base.Location("landscape.yml", "Kubernetes")
    assert served == [url]


def test_apache_reads_the_upstream_file_names_under_a_base_url(served: list[str]) -> None:
    result = IMPORTERS["apache"].read("https://example.test/apache/good")
    assert "Apache Kafka" in {p.name for p in result.projects}
    assert served == [
        f"https://example.test/apache/good/{name}"
        for name in ("podlings-history.json", "podlings.json", "committees.json",
                     "committees-retired.json")
    ]  # fmt: skip


def test_an_http_error_is_a_clear_error(served: list[str]) -> None:
    with pytest.raises(ImportUnavailable, match="^could not download "
                       "https://example.test/missing.yml: HTTP 404$") as caught:  # fmt: skip
        IMPORTERS["lfai"].read("https://example.test/missing.yml")
    assert isinstance(caught.value, StewardGraphError) and caught.value.status == 502


def test_a_network_failure_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectTimeout("timed out", request=request)

    monkeypatch.setattr(base, "transport", httpx.MockTransport(fail))
    with pytest.raises(ImportUnavailable, match="could not download .*: timed out"):
        IMPORTERS["cdf"].read("https://example.test/cdf/landscape.yml")


def test_a_missing_local_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ImportUnavailable, match="^could not read .*nothing.csv: No such file"):
        IMPORTERS["openjs"].read(tmp_path / "nothing.csv")


def test_a_binary_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "landscape.yml"
    path.write_bytes(b"\xff\xfe\x00landscape")
    with pytest.raises(ImportRefused, match="^landscape.yml is not UTF-8 text"):
        IMPORTERS["cncf"].read(path)


def test_the_registry() -> None:
    assert list(IMPORTERS) == list(SOURCES)
    for name, importer in IMPORTERS.items():
        assert importer.name == name
        assert importer.default_url.startswith("https://raw.githubusercontent.com/")


@pytest.mark.parametrize(
    ("raw", "tier"),
    [("Platinum", "platinum"), ("End User", "end-user"), ("End User Supporter", "end-user"),
     ("Nonprofit", "nonprofit"), ("Non-Profit", "nonprofit"), ("Academic", "academic"),
     ("Premier Members", "premier"), ("General", "general"), ("Associate", "associate"),
     ("Strategic", "strategic"), ("Bronze", "bronze"), ("Members", "member"), ("Diamond", None)],
)  # fmt: skip
def test_tiers_are_normalized(raw: str, tier: str | None) -> None:
    assert base.normalize_tier(raw) == tier
