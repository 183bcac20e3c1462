"""A real browser for page tests: Debian's Chromium, driven by Playwright, against `stewardgraph
serve` in a subprocess (the `live` fixture). Use the `tab` fixture: `tab.clean()` fails the test if
the page asked for any URL outside the service or logged a console error."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from playwright.sync_api import sync_playwright

from .conftest import LiveServer

CHROMIUM = os.environ.get("STEWARDGRAPH_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
# Without these, Chromium phones home at every start (updates, sync, safe browsing).
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--disable-default-apps"]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"no Chromium at {CHROMIUM}: ./scripts/setup installs Debian's chromium package")
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        yield launched
        launched.close()


@dataclass
class Watched:
    """A browser page that records what a page must not do."""

    page: Any
    base: str
    outside: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def clean(self) -> None:
        assert self.outside == [], f"requests outside the service: {self.outside}"
        assert self.errors == [], f"console errors: {self.errors}"


@pytest.fixture
def tab(browser: Any, live: LiveServer) -> Iterator[Watched]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    watched = Watched(context.new_page(), live.url)

    def request(req: Any) -> None:
        if not req.url.startswith((live.url, "data:", "blob:", "about:")):
            watched.outside.append(req.url)

    watched.page.on("request", request)
    watched.page.on("console", lambda msg: watched.errors.append(msg.text) if msg.type == "error" else None)
    watched.page.on("pageerror", lambda exc: watched.errors.append(str(exc)))
    yield watched
    context.close()
