"""The site in a bucket: a build that went live is copied to S3-compatible storage.

Only what changed is sent. The bucket holds one object of its own, ``MARKER``, naming
the build it holds. When that build is the one this build started from, and it is still
kept beside it, the files to send are those this build's run wrote or removed, compared
with that build (cost follows change). Otherwise (the first publish, a full build, a
publish that was stopped half way) the bucket is listed and every file compared with
its object by MD5, which is what S3 reports as the ETag of an object sent whole.

The order keeps links whole for a visitor: an object is sent after the new objects it
links to, so new pages land before the pages that link to them;
deletions come last. The marker says "partial" while a publish is under way and names
the build once it is done, so after a publish stopped half way the next one compares
everything.
"""

from __future__ import annotations

import base64
import hashlib
import mimetypes
import os
import posixpath
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import boto3

MARKER = ".trialwatch/live-build"
_LINK = re.compile(rb"""(?:href|src)\s*=\s*["']([^"'#?]+)|<loc>([^<]+)</loc>""")
_TYPES = {".xml": "application/xml", ".json": "application/json", ".txt": "text/plain"}


@dataclass(frozen=True)
class Plan:
    """What a publish sends, in order, and what it deletes."""

    new: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    compared: str = "listing"  # or "changes": only what the run wrote or removed

    @property
    def uploads(self) -> list[str]:
        return self.new + self.changed


@dataclass(frozen=True)
class SiteBucket:
    url: str  # s3://bucket or s3://bucket/prefix
    base_url: str  # the site's own address, so absolute links in the sitemap count too

    @property
    def bucket(self) -> str:
        return urlsplit(self.url).netloc

    @property
    def prefix(self) -> str:
        path = urlsplit(self.url).path.strip("/")
        return f"{path}/" if path else ""

    def client(self) -> Any:
        # The endpoint, region and keys come from the usual AWS_* variables.
        return boto3.client("s3")

    def has(self, relative: str) -> bool:
        """Whether the bucket holds the site's file ``relative``."""
        client = self.client()
        try:
            client.head_object(Bucket=self.bucket, Key=self.prefix + relative)
        except client.exceptions.ClientError as error:
            if error.response["Error"]["Code"] in {"404", "NoSuchKey", "NotFound"}:
                return False
            raise
        return True

    def held(self, client: Any) -> str | None:
        """The build the bucket holds, if a publish finished there."""
        try:
            found = client.get_object(Bucket=self.bucket, Key=self.prefix + MARKER)
        except client.exceptions.NoSuchKey:
            return None
        return found["Body"].read().decode()

    def plan(
        self, client: Any, build: Path, previous: Path | None, written: Iterable[str] | None
    ) -> Plan:
        """What differs between ``build`` and the bucket: by the run's record of what it
        wrote or removed when the bucket holds ``previous``, else by listing the bucket."""
        if previous is not None and written is not None and self.held(client) == previous.name:
            return _by_changes(build, previous, written)
        return self._by_listing(client, build)

    def publish(self, build: Path, previous: Path | None, written: Iterable[str] | None) -> Plan:
        """Bring the bucket level with ``build``; say what was sent and deleted."""
        client = self.client()
        plan = self.plan(client, build, previous, written)
        # Until the marker names this build, the bucket is held to be unknown.
        self._mark(client, f"partial:{build.name}")
        for relative in ordered(build, plan, self.base_url):
            self._put(client, build / relative, relative)
        for chunk in _chunks(plan.deleted, 1000):
            client.delete_objects(
                Bucket=self.bucket,
                Delete={"Objects": [{"Key": self.prefix + k} for k in chunk], "Quiet": True},
            )
        self._mark(client, build.name)
        return plan

    def _mark(self, client: Any, held: str) -> None:
        client.put_object(Bucket=self.bucket, Key=self.prefix + MARKER, Body=held.encode())

    def _put(self, client: Any, path: Path, relative: str) -> None:
        body = path.read_bytes()
        client.put_object(
            Bucket=self.bucket,
            Key=self.prefix + relative,
            Body=body,
            ContentType=content_type(path.name),
            ContentMD5=base64.b64encode(hashlib.md5(body).digest()).decode(),
        )

    def objects(self, client: Any) -> dict[str, str]:
        """Every object of the site in the bucket (relative key) and its ETag."""
        pages = client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=self.prefix
        )
        return {
            item["Key"].removeprefix(self.prefix): item["ETag"].strip('"')
            for page in pages
            for item in page.get("Contents", [])
            if item["Key"] != self.prefix + MARKER
        }

    def _by_listing(self, client: Any, build: Path) -> Plan:
        held = self.objects(client)
        plan = Plan(compared="listing")
        for relative in _files(build):
            etag = held.pop(relative, None)
            if etag is None:
                plan.new.append(relative)
            elif etag != hashlib.md5((build / relative).read_bytes()).hexdigest():
                plan.changed.append(relative)
        plan.deleted.extend(sorted(held))
        return plan


def _by_changes(build: Path, previous: Path, written: Iterable[str]) -> Plan:
    plan = Plan(compared="changes")
    for relative in sorted(set(written)):
        now, before = build / relative, previous / relative
        if not now.is_file():
            if before.is_file():
                plan.deleted.append(relative)
        elif not before.is_file():
            plan.new.append(relative)
        elif not os.path.samefile(now, before) and now.read_bytes() != before.read_bytes():
            plan.changed.append(relative)
    return plan


def ordered(build: Path, plan: Plan, base_url: str) -> list[str]:
    """The files to send, each after the new files it links to (a changed file's old
    version is already there to be linked to); new files first. Among new files that
    link to each other in a cycle, one must go first: the cycle is broken where it
    closes."""
    new = set(plan.new)
    done: set[str] = set()
    order: list[str] = []
    for start in plan.uploads:
        if start in done:
            continue
        # Depth first, iteratively: a file is placed once the new files it links to are.
        stack = [(start, iter(sorted(links(build, start, base_url) & new)))]
        visiting = {start}
        while stack:
            node, targets = stack[-1]
            target = next((t for t in targets if t not in done and t not in visiting), None)
            if target is None:
                stack.pop()
                visiting.discard(node)
                done.add(node)
                order.append(node)
            else:
                visiting.add(target)
                stack.append((target, iter(sorted(links(build, target, base_url) & new))))
    return order


def links(build: Path, relative: str, base_url: str) -> set[str]:
    """The site's files a page or feed links to (relative paths; outside links left out)."""
    if not relative.endswith((".html", ".xml")):
        return set()
    base, folder = base_url.rstrip("/") + "/", posixpath.dirname(relative)
    found = set()
    for match in _LINK.finditer((build / relative).read_bytes()):
        link = (match.group(1) or match.group(2)).decode(errors="replace").strip()
        if link.startswith(base):
            target = link.removeprefix(base)
        elif urlsplit(link).scheme or link.startswith("//"):
            continue
        elif link.startswith("/"):
            target = link.lstrip("/")
        else:
            target = posixpath.join(folder, link)
        if target.endswith("/") or not target:
            target += "index.html"
        found.add(posixpath.normpath(target))
    return found


def content_type(name: str) -> str:
    """What a browser is told an object is; the site's text is all UTF-8."""
    suffix = posixpath.splitext(name)[1]
    kind = _TYPES.get(suffix) or mimetypes.guess_type(name)[0] or "application/octet-stream"
    textual = kind.startswith("text/") or kind in _TYPES.values()
    return f"{kind}; charset=utf-8" if textual else kind


def _files(build: Path) -> Iterator[str]:
    for folder, _, names in os.walk(build):
        for name in sorted(names):
            yield (Path(folder) / name).relative_to(build).as_posix()


def _chunks(items: list[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
