"""Debian's Chromium as the tests run it: headless, no sandbox for root, nothing that calls
out. One serves the session (conftest's ``browser``); each use opens a page in a context
of its own, as a fresh browser would (no cookies or storage from another test)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager

from playwright.sync_api import Browser, Page, sync_playwright

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@contextmanager
def chromium() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@contextmanager
def new_page(browser: Browser, **options: object) -> Iterator[Page]:
    """A page in a browser context of its own (``options``: the context's, a viewport...)."""
    context = browser.new_context(**options)
    try:
        yield context.new_page()
    finally:
        context.close()
