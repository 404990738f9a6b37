"""Debian's Chromium as the tests run it: headless, no sandbox for root, nothing that calls
out. One serves the session (conftest's ``browser``, its DevTools endpoint); each use
connects to it and opens a page in a context of its own, as a fresh browser would (no
cookies or storage from another test). Playwright runs only inside that use: its event
loop, left running between tests, would stand in the way of every other loop
(Dagster's, in the same thread)."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

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
    # As Playwright launches it: a page's width is the viewport's, with no scrollbar in it.
    "--hide-scrollbars",
]


@contextmanager
def chromium() -> Iterator[str]:
    """Chromium listening for DevTools on a free loopback port: its endpoint."""
    profile = Path(tempfile.mkdtemp(prefix="trialwatch-chromium-"))
    process = subprocess.Popen(
        [
            CHROMIUM,
            *CHROMIUM_ARGS,
            "--remote-debugging-address=127.0.0.1",
            "--remote-debugging-port=0",  # Chromium picks one and writes it down
            f"--user-data-dir={profile}",
            "about:blank",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        written = profile / "DevToolsActivePort"
        deadline = time.monotonic() + 30
        while not (written.exists() and written.read_text().strip()):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{CHROMIUM} did not start (exit {process.poll()})")
            time.sleep(0.05)
        yield f"http://127.0.0.1:{written.read_text().split()[0]}"
    finally:
        process.terminate()
        process.wait(timeout=30)
        shutil.rmtree(profile, ignore_errors=True)


@contextmanager
def new_page(endpoint: str, **options: object) -> Iterator[Page]:
    """A page of the browser at ``endpoint``, in a context of its own (``options``: the
    context's, a viewport...)."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.connect_over_cdp(endpoint)
        context = browser.new_context(**options)
        try:
            yield context.new_page()
        finally:
            context.close()
