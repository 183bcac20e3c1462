"""Take the README's Neo4j Browser screenshot from the real Browser, in headless Chromium.

Needs a running, synced Neo4j (`stewardgraph neo4j start && stewardgraph neo4j sync`),
Debian's chromium, and `pip install playwright` (its bundled driver only; no browser download):

    python docs/browser/screenshot.py [--http http://127.0.0.1:7474] [--password stewardgraph]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

HERE = Path(__file__).resolve().parent
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def run(page: Page, command: str) -> None:
    """Type a command into the Browser's editor and run it."""
    editor = page.locator(".monaco-editor").first
    editor.click()
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    page.keyboard.insert_text(command)
    page.keyboard.press("Control+Enter")
    page.wait_for_timeout(2500)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--http", default="http://127.0.0.1:7474")
    parser.add_argument("--bolt", default="neo4j://127.0.0.1:7687")
    parser.add_argument("--password", default="stewardgraph")
    parser.add_argument("--out", default=str(HERE / "pytorch-move.png"))
    args = parser.parse_args()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=FLAGS)
        page = browser.new_page(viewport={"width": 1600, "height": 1000})
        page.goto(f"{args.http}/browser/?dbms={args.bolt}&db=neo4j", wait_until="networkidle")
        page.get_by_test_id("authenticationMethod").select_option("NO_AUTH")
        page.get_by_test_id("authenticationMethod").select_option("NATIVE")
        page.get_by_test_id("username").fill("neo4j")
        page.get_by_test_id("password").fill(args.password)
        page.get_by_test_id("connect").click()
        page.wait_for_timeout(3000)
        # The Browser takes a style on one line (a multi-line one typed in breaks it).
        run(page, ":style " + " ".join((HERE / "stewardgraph.grass").read_text(encoding="utf-8").split()))
        run(page, ":clear")
        run(page, (HERE / "pytorch-move.cypher").read_text(encoding="utf-8"))
        page.wait_for_timeout(4000)
        page.get_by_title("Fullscreen", exact=True).first.click()  # the result frame, full window
        page.wait_for_timeout(2000)
        page.wait_for_timeout(1500)
        page.screenshot(path=args.out)
        browser.close()
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
