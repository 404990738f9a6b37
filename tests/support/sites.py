"""The contract of the incremental site: after any sequence of daily builds, the live
site holds the same files, byte for byte, as a site built whole from the same lake."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson

from orchestration.defs.site.resources import SiteResource
from orchestration.lib.common.lake import Lake
from orchestration.lib.common.settings import Settings
from orchestration.lib.site.builds import SiteBuilds
from orchestration.lib.site.feed_update import update_feed
from orchestration.lib.site.output import SiteOutput
from orchestration.lib.site.render import update_pages
from orchestration.lib.site.site_state import SiteState


def feed_documents(root: Path, folder: str) -> Iterator[dict[str, Any]]:
    """The documents of a site's ``feed/<folder>`` (trials or conditions), in name order."""
    for path in sorted((root / "feed" / folder).glob("*.json")):
        yield orjson.loads(path.read_bytes())


def paged(root: Path, first: str) -> list[str]:
    """The pages of a paged list (``first`` from the site's root), following its next links."""
    pages, page = [], first
    while page:
        pages.append((root / page).read_text())
        after = re.search(r'href="\.\./([^"]+)" rel="next"', pages[-1])
        page = after.group(1) if after else None
    return pages


def files(root: Path) -> dict[str, bytes]:
    """Every file of a site, by relative path."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def whole_site(current: Settings, folder: Path) -> dict[str, bytes]:
    """The site built whole, with no earlier build, from ``current``'s lake into ``folder``
    (``current`` must be the settings in force: the writer and links come from them)."""
    site = SiteResource()
    output, state = SiteOutput(folder / "site"), SiteState(folder / "state")
    with Lake.of(current).connect() as con:
        update_feed(con, site.writer(), output, base=None, target=state, full=True)
    update_pages(output, state, site.site_settings(), [], full=True, workers=1)
    return files(output.root)


def live_site_built_whole(current: Settings) -> bool:
    """Whether the live build was made whole (not from the build before it)."""
    builds = SiteBuilds(current.site)
    meta = SiteState(builds.state(builds.current())).meta()
    assert meta is not None, "the live build has no site state"
    return meta["full"]


def site_differences(current: Settings, folder: Path) -> dict[str, str]:
    """Where the live site differs from a whole build: {path: how}; empty when equal."""
    live, whole = files(current.site.resolve()), whole_site(current, folder)
    return {
        path: "only live" if path not in whole else "only whole" if path not in live else "differs"
        for path in sorted(live.keys() | whole.keys())
        if live.get(path) != whole.get(path)
    }
