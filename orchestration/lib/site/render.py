"""Render the static site and its feeds from the page documents (see site_feed.py).

Jinja2 escapes every value (HTML and XML alike), so registry text is always text.
Nothing depends on the time of the build: the same documents give the same bytes,
which is what lets ``SiteOutput`` rewrite only what changed. A trial's or condition's
page and Atom feed are remade only when its feed document is newer than they are,
unless the templates, this module or the settings changed since the last render (the
render stamp), which remakes every page.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import orjson
from jinja2 import Environment

from orchestration.lib.common.templates import environment, template_dir
from orchestration.lib.site.feed import ConditionDocuments, canonical_json
from orchestration.lib.site.output import SiteOutput
from orchestration.lib.site.plain_language import DISCLAIMER

TEMPLATES = template_dir("site")
# Folders of pages whose files are all generated: what a build does not produce goes.
PAGE_FOLDERS = ("trials", "conditions", "feeds")
RENDER_STAMP = "render-stamp.txt"


@dataclass(frozen=True)
class SiteSettings:
    base_url: str  # where the site is served, for the sitemap and feeds
    signup_url: str  # where the "Get updates" forms post


def write_feed(trials: Iterable[dict[str, Any]], output: SiteOutput) -> tuple[int, int]:
    """The machine-readable feed under ``feed/``: a document per trial and condition,
    the condition index and the search index. Returns how many trials and conditions.

    Trials stream through: only what the indexes and condition documents need is kept.
    """
    conditions = ConditionDocuments()
    index = []
    for trial in trials:
        output.write(f"feed/trials/{trial['nct_id']}.json", canonical_json(trial))
        conditions.add(trial)
        index.append(search_entry(trial))
    documents = conditions.documents()
    for condition in documents:
        output.write(f"feed/conditions/{condition['slug']}.json", canonical_json(condition))
    output.write("feed/conditions.json", canonical_json(_condition_index(documents)))
    output.write("feed/search-index.json", canonical_json(index))
    output.remove_stale("feed")
    return len(index), len(documents)


def feed_documents(root: Path, folder: str) -> Iterator[dict[str, Any]]:
    """The documents ``write_feed`` wrote to ``feed/<folder>`` (trials or conditions)."""
    for path in sorted((root / "feed" / folder).glob("*.json")):
        yield orjson.loads(path.read_bytes())


def render_pages(
    trials: Iterable[dict[str, Any]],
    conditions: Iterable[dict[str, Any]],
    output: SiteOutput,
    settings: SiteSettings,
) -> None:
    """The static pages, Atom feeds and sitemap, a document at a time."""
    env = environment("site")
    base = settings.base_url.rstrip("/") + "/"
    common = {"disclaimer": DISCLAIMER, "signup_url": settings.signup_url}
    stamp = render_stamp(settings)
    stamp_path = output.root / RENDER_STAMP
    same_render = stamp_path.exists() and stamp_path.read_text() == stamp

    def page_and_feed(
        kind: str,
        key: str,
        page: str,
        render_page: Callable[[], str],
        render_atom: Callable[[], str],
    ) -> None:
        """A page and its Atom feed from the feed document ``feed/<kind>/<key>.json``, each
        remade only when the document is newer or the render stamp moved."""
        document, atom = f"feed/{kind}/{key}.json", f"feeds/{kind}/{key}.xml"
        for path, render in ((page, render_page), (atom, render_atom)):
            if not (same_render and output.keep_if_newer(path, document)):
                output.write(path, render(), made_now=True)

    output.write("site.css", (TEMPLATES / "site.css").read_bytes())
    trial_page = env.get_template("trial.html.j2")
    # What the index, the condition list and the sitemap need of every page.
    urls: list[dict[str, Any]] = [{"loc": base + "index.html", "lastmod": None}]
    trial_count, recruiting = 0, []
    for trial in trials:
        trial_count += 1
        urls.append({"loc": base + trial["path"], "lastmod": trial["history"]["last_updated"]})
        if trial["status"]["code"] == "RECRUITING":
            recruiting.append({key: trial[key] for key in ("path", "plain", "nct_id", "phase")})
        page_and_feed(
            "trials",
            trial["nct_id"],
            trial["path"],
            partial(trial_page.render, trial=trial, root="../", **common),
            partial(_trial_feed, env, trial, base),
        )
    condition_page = env.get_template("condition.html.j2")
    listed = []
    for condition in conditions:
        listed.append({key: condition[key] for key in ("slug", "term", "trials")})
        urls.append(
            {
                "loc": base + condition["path"],
                "lastmod": max(t["last_updated"] for t in condition["trials"]),
            }
        )
        page_and_feed(
            "conditions",
            condition["slug"],
            condition["path"],
            partial(condition_page.render, condition=condition, root="../", **common),
            partial(_condition_feed, env, condition, base),
        )
    output.write(
        "conditions/index.html",
        env.get_template("conditions.html.j2").render(conditions=listed, root="../", **common),
    )
    output.write(
        "index.html",
        env.get_template("index.html.j2").render(
            trial_count=trial_count, recruiting=recruiting, root="", **common
        ),
    )
    output.write("sitemap.xml", env.get_template("sitemap.xml.j2").render(urls=urls))
    for folder in PAGE_FOLDERS:
        output.remove_stale(folder)
    output.write(RENDER_STAMP, stamp)


def render_stamp(settings: SiteSettings) -> str:
    """What every page depends on besides its document: templates, this code, settings."""
    digest = hashlib.blake2b(digest_size=16)
    for path in [*sorted(TEMPLATES.iterdir()), Path(__file__)]:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    digest.update(repr((settings, DISCLAIMER)).encode())
    return digest.hexdigest() + "\n"


def search_entry(trial: dict[str, Any]) -> dict[str, Any]:
    """What a search box needs of a trial: condition, location, status and phase."""
    return {
        "nct_id": trial["nct_id"],
        "title": trial["plain"]["title"],
        "path": trial["path"],
        "status": trial["status"]["code"],
        "phase": trial["phase"],
        "conditions": [c["slug"] for c in trial["conditions"]["normalized"]],
        "locations": sorted(
            {
                ", ".join(p for p in (s["city"], s["state"], s["country"]) if p)
                for s in trial["sites"]
            }
        ),
    }


def _condition_index(conditions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            "slug": c["slug"],
            "term": c["term"],
            "mesh_id": c["mesh_id"],
            "trial_count": len(c["trials"]),
        }
        for c in conditions
    ]


def _trial_feed(env: Environment, trial: dict[str, Any], base: str) -> str:
    nct_id = trial["nct_id"]
    page = base + trial["path"]
    by_day: dict[str, list[str]] = {}
    for change in trial["recent_changes"]:
        by_day.setdefault(change["date"], []).append(change["sentence"])
    entries = [
        {
            "title": f"This trial changed on {day}",
            "id": f"{page}#changed-{day}",
            "url": page,
            "date": day,
            "summary": " ".join(sentences),
        }
        for day, sentences in by_day.items()
    ]
    first_seen = trial["history"]["first_seen"]
    entries.append(
        {
            "title": f"First seen: {trial['title']}",
            "id": f"{page}#first-seen",
            "url": page,
            "date": first_seen,
            "summary": trial["plain"]["summary"],
        }
    )
    return env.get_template("feed.xml.j2").render(
        title=f"Changes to {nct_id}: {trial['title']}",
        id=page,
        self_url=f"{base}feeds/trials/{nct_id}.xml",
        page_url=page,
        updated=trial["history"]["last_updated"],
        entries=entries,
    )


def _condition_feed(env: Environment, condition: dict[str, Any], base: str) -> str:
    page = base + condition["path"]
    entries = []
    for trial in condition["trials"]:
        url = f"{base}trials/{trial['nct_id']}.html"
        entries.append(
            {
                "title": f"New trial for this condition: {trial['title']}",
                "id": f"{url}#first-seen",
                "url": url,
                "date": trial["first_seen"],
                "summary": f"{trial['nct_id']} is {trial['status']['label'] or 'listed'}.",
            }
        )
        if trial["last_updated"] != trial["first_seen"]:
            entries.append(
                {
                    "title": f"This trial changed: {trial['title']}",
                    "id": f"{url}#changed-{trial['last_updated']}",
                    "url": url,
                    "date": trial["last_updated"],
                    "summary": f"{trial['nct_id']} was updated on {trial['last_updated']}.",
                }
            )
    entries.sort(key=lambda e: (e["date"], e["id"]), reverse=True)
    return env.get_template("feed.xml.j2").render(
        title=f"Trials for {condition['term']}",
        id=page,
        self_url=f"{base}feeds/conditions/{condition['slug']}.xml",
        page_url=page,
        updated=max(e["date"] for e in entries),
        entries=entries,
    )
