"""The web service as a person meets it: `make site` on a free port, and an
accessibility audit (axe-core, from the axe-playwright-python wheel) of a page."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from importlib.resources import files
from pathlib import Path

from playwright.sync_api import Page

from orchestration.lib.common.settings import REPO_ROOT
from tests.support.lakes import free_port

AXE = files("axe_playwright_python") / "axe.min.js"


@contextmanager
def served(data: Path, settings: dict[str, str]) -> Iterator[str]:
    """`make site` on a free port, with these settings; its base URL."""
    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    environ = {**os.environ, **settings, **site_settings(base), "TRIALWATCH_DATA_DIR": str(data)}
    process = subprocess.Popen(
        ["make", "-s", "site", f"SITE_PORT={port}"],
        cwd=REPO_ROOT,
        env=environ,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,  # make and its python: stopped together
    )
    deadline = time.monotonic() + 60
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"make site did not start: {process.stderr.read()}") from None
            time.sleep(0.2)
    try:
        yield base
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def site_settings(base: str) -> dict[str, str]:
    return {"TRIALWATCH_SITE_URL": base, "TRIALWATCH_UNSUBSCRIBE_URL": f"{base}unsubscribe"}


def serious_violations(page: Page) -> list[str]:
    """The page's accessibility violations of serious or critical impact, as axe-core
    finds them under its WCAG 2 A and AA rules; one line each."""
    page.add_script_tag(content=AXE.read_text())
    found = page.evaluate(
        "async () => (await axe.run(document, {runOnly: {type: 'tag',"
        " values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})).violations"
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in found
        if v["impact"] in ("serious", "critical")
    ]
