"""Render the static site's pages and Atom feeds from the page documents (feed.py).

Jinja2 escapes every value (HTML and XML alike), so registry text is always text.
Nothing depends on the time of the build: the same documents give the same bytes,
which is what lets ``SiteOutput`` rewrite only what changed. A daily build renders
the pages of the documents its feed step wrote, and the home page, the condition list
and the sitemap from the site state; every page is rendered again, on every core, in
a full build or when the pages' version (lib/common/output_versions.py) or the
settings changed since the last render (the render stamp).
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import re
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date
from functools import partial
from itertools import groupby
from pathlib import Path
from typing import Any

import orjson
from jinja2 import Environment

from orchestration.lib.common.labels import day_label, label
from orchestration.lib.common.output_versions import PAGES
from orchestration.lib.common.templates import environment, template_dir
from orchestration.lib.site.output import SiteOutput
from orchestration.lib.site.plain_language import DISCLAIMER
from orchestration.lib.site.site_state import SiteState
from orchestration.lib.subscribers.consent import CURRENT, TERMS_PATH, WORDINGS

TEMPLATES = template_dir("site")
# Folders of pages whose files are all generated: what a full build does not produce goes.
PAGE_FOLDERS = ("trials", "conditions", "feeds")
RENDER_STAMP = "render-stamp.txt"
KINDS = ("trials", "conditions")
HOME_LIST = 20  # trials in each of the home page's lists
CONDITION_PAGE = 50  # trials on each page of a condition
LIST_PAGE = 200  # conditions on each page of a letter or a branch
_BRANCH = re.compile(r"[A-Za-z0-9]{1,16}")  # a branch's code names its page
# Documents per task of a full render: enough to pay back a worker's start-up.
PER_TASK = 2_000


@dataclass(frozen=True)
class SiteSettings:
    base_url: str  # where the site is served, for the sitemap and feeds
    signup_url: str  # where the "Get updates" forms post
    search_url: str = "/search"  # where the search forms ask (the web service)


def update_pages(
    output: SiteOutput,
    state: SiteState,
    settings: SiteSettings,
    changed: Iterable[str],
    full: bool,
    workers: int | None = None,
) -> int:
    """The pages and Atom feeds of the feed documents in ``changed`` (relative paths the
    feed step wrote or removed), or of every document when ``full`` or the render stamp
    moved; then the home page, condition list and sitemap. Returns the documents rendered."""
    stamp = render_stamp(settings)
    stamp_path = output.root / RENDER_STAMP
    rendered_all = full or not stamp_path.exists() or stamp_path.read_text() != stamp
    if rendered_all:
        rendered = render_all(output, settings, workers)
    else:
        documents = sorted(_documents_of(changed))
        render_documents(output, settings, [d for d in documents if (output.root / d).exists()])
        for document in documents:
            if not (output.root / document).exists():
                page, atom = _pages_of(document)
                output.remove(page)
                output.remove(atom)
                # A condition's further pages, from -page-2 on.
                _remove_pages_after(output, partial(page_path, page.removesuffix(".html")), 1)
        rendered = len(documents)
    render_indexes(output, state, settings)
    if rendered_all:
        for folder in PAGE_FOLDERS:
            output.remove_stale(folder)
    output.write(RENDER_STAMP, stamp)
    return rendered


def _documents_of(changed: Iterable[str]) -> set[str]:
    """The trial and condition documents among ``changed``."""
    found = set()
    for path in changed:
        parts = path.split("/")
        if len(parts) == 3 and parts[0] == "feed" and parts[1] in KINDS:
            found.add(path)
    return found


def _pages_of(document: str) -> tuple[str, str]:
    """The page and the Atom feed made from ``feed/<kind>/<key>.json``."""
    _, kind, name = document.split("/")
    key = name.removesuffix(".json")
    return f"{kind}/{key}.html", f"feeds/{kind}/{key}.xml"


def render_all(output: SiteOutput, settings: SiteSettings, workers: int | None = None) -> int:
    """Every document's page and Atom feed, on every core."""
    documents = [
        f"feed/{kind}/{path.name}"
        for kind in KINDS
        for path in sorted((output.root / "feed" / kind).glob("*.json"))
    ]
    tasks = [documents[i : i + PER_TASK] for i in range(0, len(documents), PER_TASK)]
    workers = min(workers or os.cpu_count() or 1, len(tasks))
    if workers <= 1:
        render_documents(output, settings, documents)
    else:
        # Spawned, not forked: the caller may hold DuckDB and Dagster threads.
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
            for done in pool.map(
                _render_task, [output.root] * len(tasks), [settings] * len(tasks), tasks
            ):
                output.absorb(done)
    return len(documents)


def _render_task(root: Path, settings: SiteSettings, documents: list[str]) -> SiteOutput:
    output = SiteOutput(root)
    render_documents(output, settings, documents)
    return output


def render_documents(output: SiteOutput, settings: SiteSettings, documents: Iterable[str]) -> None:
    """The page and Atom feed of each feed document (relative paths)."""
    env = environment("site")
    base = _base(settings)
    common = _common(settings)
    templates = {kind: env.get_template(f"{kind.removesuffix('s')}.html.j2") for kind in KINDS}
    for document in documents:
        kind = document.split("/")[1]
        value = orjson.loads((output.root / document).read_bytes())
        page, atom = _pages_of(document)
        if kind == "trials":
            output.write(page, templates[kind].render(root="../", trial=value, **common))
            output.write(atom, _trial_feed(env, value, base))
            continue
        # A condition's trials, a page at a time; the pages it had beyond them go.
        path = partial(condition_page, value["slug"])
        written = _write_paged(
            output,
            path,
            value["trials"],
            CONDITION_PAGE,
            lambda trials, pager, value=value: templates["conditions"].render(
                root="../", condition=value, trials=trials, pager=pager, **common
            ),
        )
        _remove_pages_after(output, path, len(written))
        output.write(atom, _condition_feed(env, value, base))


def page_path(stem: str, number: int) -> str:
    """Page ``number`` of a paged list whose first page is ``stem``.html, from the root."""
    return f"{stem}.html" if number == 1 else f"{stem}-page-{number}.html"


def condition_page(slug: str, number: int) -> str:
    """A condition's page ``number`` (1: the condition's own page), from the site's root."""
    return page_path(f"conditions/{slug}", number)


def branch_path(abbrev: str, number: int = 1) -> str:
    """Page ``number`` of a branch of the MeSH tree: its conditions."""
    return page_path(f"conditions/branch-{abbrev.lower()}", number)


def letter_of(slug: str) -> str:
    """The letter a condition is listed under from A to Z; ``0`` for the rest."""
    first = slug[:1]
    return first if "a" <= first <= "z" else "0"


def letter_path(letter: str, number: int = 1) -> str:
    """Page ``number`` of the conditions listed under ``letter``."""
    return page_path(f"conditions/letter-{letter}", number)


def _remove_pages_after(output: SiteOutput, path: Callable[[int], str], count: int) -> None:
    """The pages a paged list (its page number -> path) had beyond its ``count`` now."""
    number = count + 1
    while (output.root / path(number)).exists():
        output.remove(path(number))
        number += 1


@dataclass(frozen=True)
class Pager:
    """Where a page sits in its list, for the template's previous and next links."""

    page: int
    pages: int
    path: Callable[[int], str]  # page number -> its path from the site's root


def _write_paged(
    output: SiteOutput,
    path: Callable[[int], str],
    items: Sequence[Any],
    per_page: int,
    render: Callable[[Sequence[Any], Pager], str],
) -> list[str]:
    """Write ``items`` as pages of ``per_page`` (at least one page), page ``n`` at
    ``path(n)``; return their paths."""
    count = max(1, -(-len(items) // per_page))
    for number in range(1, count + 1):
        page = items[(number - 1) * per_page : number * per_page]
        output.write(path(number), render(page, Pager(number, count, path)))
    return [path(number) for number in range(1, count + 1)]


def render_indexes(output: SiteOutput, state: SiteState, settings: SiteSettings) -> None:
    """The home page, the condition list and the sitemap, from the site state."""
    env = environment("site")
    base = _base(settings)
    common = _common(settings)
    output.write("site.css", (TEMPLATES / "site.css").read_bytes())
    conditions = state.conditions()
    # From A to Z: an index of letters, each letter's conditions a page at a time.
    letters = {k: list(g) for k, g in groupby(conditions, key=lambda c: letter_of(c["slug"]))}
    output.write(
        "conditions/index.html",
        env.get_template("conditions.html.j2").render(
            letters=letters, letter_path=letter_path, root="../", **common
        ),
    )
    letter_page = env.get_template("letter.html.j2")
    kept = set()
    for letter, listed in letters.items():
        kept.update(
            _write_paged(
                output,
                partial(letter_path, letter),
                listed,
                LIST_PAGE,
                lambda page, pager, letter=letter, listed=listed: letter_page.render(
                    letter=letter,
                    total=len(listed),
                    conditions=page,
                    pager=pager,
                    root="../",
                    **common,
                ),
            )
        )
    branches = [b for b in state.branches() if _BRANCH.fullmatch(b["abbrev"])]
    branch_page = env.get_template("branch.html.j2")
    for branch in branches:
        kept.update(
            _write_paged(
                output,
                partial(branch_path, branch["abbrev"]),
                branch["conditions"],
                LIST_PAGE,
                lambda page, pager, branch=branch: branch_page.render(
                    branch=branch, conditions=page, pager=pager, root="../", **common
                ),
            )
        )
    # The pages of letters and branches (and of their pages) that are no more.
    for pattern in ("letter-*.html", "branch-*.html"):
        for old in sorted((output.root / "conditions").glob(pattern)):
            if old.relative_to(output.root).as_posix() not in kept:
                output.remove(old.relative_to(output.root).as_posix())
    paths = state.column("path")
    # The home page stays one screen at any size: counts, the search box, what is new.
    ((recruiting,),) = state.query("select count(*) from state where recruiting is not null")
    output.write(
        "index.html",
        env.get_template("index.html.j2").render(
            trial_count=len(paths),
            recruiting_count=recruiting,
            changed=state.newest("last_updated", HOME_LIST),
            seen=state.newest("first_seen", HOME_LIST),
            condition_count=len(conditions),
            branches=branches,
            branch_path=branch_path,
            day=lambda iso: day_label(date.fromisoformat(iso)),
            label=label,
            root="",
            **common,
        ),
    )
    urls: list[dict[str, Any]] = [{"loc": base + "index.html", "lastmod": None}]
    urls += [
        {"loc": base + path, "lastmod": lastmod}
        for path, lastmod in zip(paths, state.column("last_updated"), strict=True)
    ]
    urls += [
        {"loc": f"{base}conditions/{c['slug']}.html", "lastmod": c["last_updated"]}
        for c in conditions
    ]
    output.write("sitemap.xml", env.get_template("sitemap.xml.j2").render(urls=urls))


def _base(settings: SiteSettings) -> str:
    return settings.base_url.rstrip("/") + "/"


def _common(settings: SiteSettings) -> dict[str, Any]:
    return {
        "disclaimer": DISCLAIMER,
        "signup_url": settings.signup_url,
        "search_url": settings.search_url,
        "consent": {"version": CURRENT, "wording": WORDINGS[CURRENT], "terms": TERMS_PATH},
    }


def render_stamp(settings: SiteSettings) -> str:
    """What every page depends on besides its document: the pages' version (templates
    and this code) and the settings."""
    made_by = repr((PAGES, settings, DISCLAIMER, _common(settings))).encode()
    return hashlib.blake2b(made_by, digest_size=16).hexdigest() + "\n"


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
