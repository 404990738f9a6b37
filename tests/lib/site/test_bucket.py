"""The site in a bucket (moto's S3 server on loopback): a first publish sends every file,
the next only what its run changed, each object after the objects it links to and
deletions last; a publish stopped half way is made good by the next, which compares the
whole bucket. The builds are the sample's real site and edits of it."""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest

from orchestration.lib.common.settings import Settings
from orchestration.lib.site.bucket import MARKER, SiteBucket, links
from tests.support.lakes import s3_server

BUCKET = "trialwatch-site"
BASE = "https://trials.example.org/"


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    with s3_server(BUCKET) as running:
        yield running


def _copy(source: Path, target: Path) -> Path:
    # Builds share files by hard link, as lib/site/builds.py makes them.
    shutil.copytree(source, target, copy_function=os.link)
    return target


def _replace(path: Path, text: str) -> None:
    """Write ``path`` anew (a new file, as a build does), never through a shared link."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.write_text(text)
    os.replace(partial, path)


def _files(build: Path) -> dict[str, str]:
    """Each file of a build and the MD5 of its bytes."""
    return {
        p.relative_to(build).as_posix(): hashlib.md5(p.read_bytes()).hexdigest()
        for p in build.rglob("*")
        if p.is_file()
    }


def _held(endpoint: str, prefix: str) -> dict[str, str]:
    """Each object under ``prefix`` and the MD5 the server computed of what it received;
    the marker by its text."""
    client = boto3.client("s3", endpoint_url=endpoint)
    pages = client.get_paginator("list_objects_v2").paginate(Bucket=BUCKET, Prefix=prefix)
    held = {
        item["Key"].removeprefix(prefix): item["ETag"].strip('"')
        for page in pages
        for item in page.get("Contents", [])
    }
    marker = client.get_object(Bucket=BUCKET, Key=prefix + MARKER)["Body"].read()
    return {**held, MARKER: marker.decode()}


class Watched:
    """A client that records every put and delete, and, at each put, the links of the
    object being sent that lead to no object in the bucket yet (``broken``)."""

    def __init__(self, endpoint: str, site: SiteBucket, build: Path, fail_at: int = 0) -> None:
        self.client = boto3.client("s3", endpoint_url=endpoint)
        self.before = set(site.objects(self.client))
        self.present = set(self.before)
        self.calls: list[tuple[str, str]] = []
        self.broken: list[tuple[str, str]] = []
        self.fail_at = fail_at

        def before_put(params: dict, **_: object) -> None:
            relative = params["Key"].removeprefix(site.prefix)
            self.calls.append(("put", relative))
            if self.fail_at and len(self.calls) == self.fail_at:
                raise ConnectionError("the connection dropped")
            if relative != MARKER:
                missing = links(build, relative, BASE) - self.present - {relative}
                self.broken += [(relative, target) for target in missing if _in(build, target)]
                self.present.add(relative)

        def before_delete(params: dict, **_: object) -> None:
            for item in params["Delete"]["Objects"]:
                self.calls.append(("delete", item["Key"].removeprefix(site.prefix)))

        self.client.meta.events.register("before-parameter-build.s3.PutObject", before_put)
        self.client.meta.events.register("before-parameter-build.s3.DeleteObjects", before_delete)


def _in(build: Path, relative: str) -> bool:
    return (build / relative).is_file()


def _unavoidable(watched: Watched, build: Path, before: set[str]) -> list[tuple[str, str]]:
    """The broken links a visitor could meet: all but those from a new page to a new page
    that links back to it (a cycle of new pages, one of which must be sent first). A
    page already in the bucket must never link to a missing one."""

    linked = {
        page: {t for t in links(build, page, BASE) if _in(build, t) and t not in before}
        for page in _files(build)
        if page not in before
    }
    reach: dict[str, set[str]] = {}

    def reachable(start: str) -> set[str]:
        if start not in reach:
            seen, todo = set(), [start]
            while todo:
                page = todo.pop()
                if page not in seen:
                    seen.add(page)
                    todo += linked.get(page, ())
            reach[start] = seen
        return reach[start]

    return [
        (page, target)
        for page, target in watched.broken
        if page in before or target in before or page not in reachable(target)
    ]


def test_the_bucket_follows_the_builds_sending_only_what_changed_links_first(
    sample_warehouse: Settings,
    endpoint: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    site = SiteBucket(f"s3://{BUCKET}/public", BASE)
    first = _copy(sample_warehouse.site.resolve(), tmp_path / "run-1")
    # The trials the home page lists, with every page of the site that is not a trial's
    # own: the links between them as the site has them, in fewer files to send.
    on_home = sorted(t for t in links(first, "index.html", BASE) if t.startswith("trials/"))
    for page in (first / "trials").iterdir():
        if f"trials/{page.name}" not in on_home:
            nct_id = page.stem
            for path in (page, first / "feed/trials" / f"{nct_id}.json"):
                path.unlink()
            (first / "feeds/trials" / f"{nct_id}.xml").unlink(missing_ok=True)

    watched = Watched(endpoint, site, first)
    monkeypatch.setattr(SiteBucket, "client", lambda self: watched.client)
    plan = site.publish(first, None, None)
    assert plan.compared == "listing" and not plan.changed and not plan.deleted
    assert sorted(plan.new) == sorted(_files(first))
    assert _held(endpoint, "public/") == {**_files(first), MARKER: "run-1"}
    assert _unavoidable(watched, first, watched.before) == []
    client = boto3.client("s3", endpoint_url=endpoint)
    kinds = {
        name: client.head_object(Bucket=BUCKET, Key=f"public/{name}")["ContentType"]
        for name in ("index.html", "sitemap.xml", "site.css")
    }
    assert kinds == {
        "index.html": "text/html; charset=utf-8",
        "sitemap.xml": "application/xml; charset=utf-8",
        "site.css": "text/css; charset=utf-8",
    }

    # The next build: a trial page gains a link to a new trial page, which links to
    # another new one (named to sort after it), which links to a new condition page;
    # the home page links to the new trial and no longer to a removed one; another page
    # is written again with the same bytes.
    second = _copy(first, tmp_path / "run-2")
    removed, edited, rewritten = on_home[:3]
    new_trial, related = "trials/NCT00000001.html", "trials/NCT99999999.html"
    new_condition = "conditions/new-thing-d000001.html"
    _replace(second / new_condition, "<p>A new condition</p>")
    _replace(
        second / related,
        '<a href="../conditions/new-thing-d000001.html">c</a><a href="../index.html">home</a>',
    )
    _replace(second / new_trial, '<a href="NCT99999999.html">related</a>')
    _replace(
        second / edited,
        (first / edited).read_text() + '<a href="NCT00000001.html">related</a>',
    )
    home = (first / "index.html").read_text().replace(removed, new_trial)
    assert home != (first / "index.html").read_text()
    _replace(second / "index.html", home)
    (second / removed).unlink()
    _replace(second / rewritten, (first / rewritten).read_text())
    written = {edited, removed, rewritten, new_trial, related, new_condition, "index.html"}

    watched = Watched(endpoint, site, second)
    plan = site.publish(second, first, written)
    assert plan.compared == "changes"
    assert sorted(plan.new) == sorted([new_trial, related, new_condition])
    assert sorted(plan.changed) == sorted([edited, "index.html"])
    assert plan.deleted == [removed]
    assert watched.broken == []  # no cycle among the new pages: nothing broken at all
    sent = [name for kind, name in watched.calls if kind == "put" and name != MARKER]
    assert sent.index(new_condition) < sent.index(related) < sent.index(new_trial)
    assert sent.index(new_trial) < sent.index(edited)
    assert sent.index(new_trial) < sent.index("index.html")
    assert sorted(sent) == sorted(plan.uploads)  # the rewritten page is not sent
    # The marker says "partial" first and names the build last, after the deletion.
    assert watched.calls[0] == ("put", MARKER)
    assert watched.calls[-2:] == [("delete", removed), ("put", MARKER)]
    assert _held(endpoint, "public/") == {**_files(second), MARKER: "run-2"}
    assert site.has(new_trial) and not site.has(removed)

    # A third publish stops half way; the bucket still says "partial", and a stray
    # object was left there by hand. The next publish compares the whole bucket.
    third = _copy(second, tmp_path / "run-3")
    _replace(third / edited, "<p>edited again</p>")
    _replace(third / "index.html", home.replace(new_trial, edited))
    (third / new_trial).unlink()
    client.put_object(Bucket=BUCKET, Key="public/stray.html", Body=b"left by hand")
    watched = Watched(endpoint, site, third, fail_at=3)
    with pytest.raises(ConnectionError):
        site.publish(third, second, {edited, "index.html", new_trial})
    assert _held(endpoint, "public/")[MARKER] == "partial:run-3"

    watched = Watched(endpoint, site, third)
    plan = site.publish(third, second, {edited, "index.html", new_trial})
    assert plan.compared == "listing"
    assert sorted(plan.deleted) == sorted([new_trial, "stray.html"])
    assert _held(endpoint, "public/") == {**_files(third), MARKER: "run-3"}
    assert _unavoidable(watched, third, watched.before) == []


def test_links_are_the_sites_own_files_relative_to_the_page(tmp_path: Path) -> None:
    page = tmp_path / "trials" / "NCT1.html"
    page.parent.mkdir()
    page.write_text(
        '<a href="../conditions/x.html#top">x</a> <link href="../site.css">'
        ' <a href="https://clinicaltrials.gov/study/NCT1">out</a> <a href="#main">skip</a>'
        ' <a href="/feeds/trials/NCT1.xml">feed</a> <a href="../conditions/">all</a>'
        ' <form action="/subscribe"></form> <a href="//cdn.example.org/x.js">cdn</a>'
    )
    (tmp_path / "sitemap.xml").write_text(
        "<urlset><url><loc>https://trials.example.org/trials/NCT1.html</loc></url></urlset>"
    )
    assert links(tmp_path, "trials/NCT1.html", BASE) == {
        "conditions/x.html",
        "site.css",
        "feeds/trials/NCT1.xml",
        "conditions/index.html",
    }
    assert links(tmp_path, "sitemap.xml", BASE) == {"trials/NCT1.html"}
    assert links(tmp_path, "site.css", BASE) == set()
