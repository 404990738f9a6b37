"""Pull studies from the registry's API into the landing, resumably.

Three kinds of pull, each one load (batch) in the run log:
- ``incremental``: studies posted since the last successful pull, less a day of overlap
  (``AREA[LastUpdatePostDate]RANGE[<from>,MAX]``);
- ``full``: every study, page by page;
- ``download``: the bulk zip, streamed to disk and verified before it is loaded.

A paged pull writes each page to ``raw_pages`` and checkpoints the next page token
before it parses the page, and lands the page's studies in a second transaction that
marks the page landed. Killed anywhere, the next pull of the same kind finds its batch
still running, lands any page it had saved but not landed, and goes on from the saved
token: no gap, no duplicate. A full pull or download then marks the studies it no
longer found as removed (or merged, when another study lists the id among its aliases).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import duckdb
import orjson

from orchestration.lib.ingest.dump_reader import RawRecord, parsed_record
from orchestration.lib.ingest.landing import (
    KNOWN_TRIALS,
    LoadResult,
    connect,
    discard_interrupted,
    finish_batch,
    land_chunk,
    land_dump,
    start_batch,
)
from orchestration.lib.ingest.limits import DEFAULT_LIMITS, LoadLimits
from orchestration.lib.ingest.registry_client import Page, RegistryClient, data_date

KINDS = ("auto", "incremental", "full", "download")
OVERLAP = timedelta(days=1)


@dataclass
class PullResult:
    load: LoadResult
    kind: str
    updated_since: date | None
    pages: int
    total_count: int | None
    removed: int
    resumed: bool


def pull(
    landing: Path,
    client: RegistryClient,
    kind: str = "auto",
    downloads: Path | None = None,
    progress: Callable[[LoadResult, int, int | None], None] | None = None,
    limits: LoadLimits = DEFAULT_LIMITS,
) -> PullResult:
    """Pull from the registry into the landing; ``auto`` is incremental after a first full."""
    if kind not in KINDS:
        raise ValueError(f"unknown pull kind {kind!r}; one of {KINDS}")
    version = client.version()
    data_timestamp = str(version.get("dataTimestamp", ""))
    as_of = data_date(data_timestamp)
    con = connect(landing, limits.memory)
    try:
        since = last_pull_date(con, client.base_url)
        if kind == "auto":
            kind = "incremental" if since else "full"
        if kind == "incremental" and since is None:
            raise ValueError("no earlier successful pull to be incremental from: pull full first")
        updated_since = since - OVERLAP if kind == "incremental" and since else None
        if kind == "download":
            con.close()
            return _pull_download(landing, client, downloads, as_of, data_timestamp, limits)
        return _pull_pages(
            con, client, kind, updated_since, as_of, data_timestamp, progress, limits.record_bytes
        )
    finally:
        con.close()


def _pull_pages(
    con: duckdb.DuckDBPyConnection,
    client: RegistryClient,
    kind: str,
    updated_since: date | None,
    as_of: date,
    data_timestamp: str,
    progress: Callable[[LoadResult, int, int | None], None] | None,
    record_bytes: int,
) -> PullResult:
    resumed = unfinished_pull(con, client.base_url, kind, updated_since)
    discard_interrupted(con, keep=frozenset({resumed[0].batch_id}) if resumed else frozenset())
    if resumed:
        result, token, pages_done, total = resumed
    else:
        result = start_batch(con, client.base_url, as_of)
        token, pages_done, total = None, 0, None
        con.execute(
            "insert into registry_pulls (batch_id, base_url, kind, updated_since, data_timestamp)"
            " values (?, ?, ?, ?, ?)",
            [result.batch_id, client.base_url, kind, updated_since, data_timestamp],
        )
    params = (
        {"filter.advanced": f"AREA[LastUpdatePostDate]RANGE[{updated_since.isoformat()},MAX]"}
        if updated_since
        else {}
    )
    # However the pull stops (killed, or the registry unreachable past every retry), its
    # batch stays running and invisible: the next pull of this kind resumes it.
    _land_saved_pages(con, result, record_bytes)
    if not resumed or token:
        for page in client.pages(params, start_token=token, start_number=pages_done + 1):
            total = page.total_count if page.total_count is not None else total
            _save_page(con, result, page)
            _land_saved_pages(con, result, record_bytes)
            pages_done = page.number
            if progress:
                progress(result, pages_done, total)
    removed = _mark_removed(con, result) if kind == "full" else 0
    # The saved pages were the pull's write-ahead log; its studies are landed now.
    con.execute("delete from raw_pages where batch_id = ?", [result.batch_id])
    finish_batch(con, result)
    return PullResult(result, kind, updated_since, pages_done, total, removed, bool(resumed))


def _pull_download(
    landing: Path,
    client: RegistryClient,
    downloads: Path | None,
    as_of: date,
    data_timestamp: str,
    limits: LoadLimits,
) -> PullResult:
    folder = downloads or landing.parent / "downloads"
    expected = client.count()
    archive = client.download(folder / f"ctg-studies-{as_of.isoformat()}.json.zip", expected)
    load = land_dump(landing, archive, as_of=as_of, limits=limits)
    con = connect(landing, limits.memory)
    try:
        con.execute(
            "insert into registry_pulls (batch_id, base_url, kind, data_timestamp, total_count)"
            " values (?, ?, 'download', ?, ?)",
            [load.batch_id, client.base_url, data_timestamp, expected],
        )
        removed = _mark_removed(con, load)
    finally:
        con.close()
    return PullResult(load, "download", None, 0, expected, removed, False)


def _save_page(con: duckdb.DuckDBPyConnection, result: LoadResult, page: Page) -> None:
    """Keep the page as received, and the token after it, before parsing anything."""
    con.begin()
    con.execute(
        "insert into raw_pages values (?, ?, ?, ?, ?, false)",
        [
            result.batch_id,
            page.number,
            page.token,
            page.body.decode("utf-8"),
            datetime.now(UTC).replace(tzinfo=None),
        ],
    )
    con.execute(
        "update registry_pulls set next_page_token = ?, pages_done = ?,"
        " total_count = coalesce(?, total_count) where batch_id = ?",
        [page.next_token, page.number, page.total_count, result.batch_id],
    )
    con.commit()


def _land_saved_pages(
    con: duckdb.DuckDBPyConnection, result: LoadResult, record_bytes: int
) -> None:
    """Land the studies of every saved page not yet landed, each page in one transaction."""
    pending = con.execute(
        "select page_number, body from raw_pages"
        " where batch_id = ? and not landed order by page_number",
        [result.batch_id],
    ).fetchall()
    for number, body in pending:
        records = _page_records(number, body)

        def mark_landed(txn: duckdb.DuckDBPyConnection, number: int = number) -> None:
            txn.execute(
                "update raw_pages set landed = true where batch_id = ? and page_number = ?",
                [result.batch_id, number],
            )

        land_chunk(con, result, records, record_bytes, also=mark_landed)


def _page_records(number: int, body: str) -> list[RawRecord]:
    studies = orjson.loads(body).get("studies", [])
    return [
        parsed_record(f"page {number}", f"studies[{index}]", study)
        for index, study in enumerate(studies)
    ]


def unfinished_pull(
    con: duckdb.DuckDBPyConnection, base_url: str, kind: str, updated_since: date | None = None
) -> tuple[LoadResult, str | None, int, int | None] | None:
    """The last pull of this kind from this registry that is still running (killed), to
    be resumed: its load, next page token, pages done and total count."""
    row = con.execute(
        """
        select b.batch_id, b.as_of, b.started_at, p.next_page_token, p.pages_done, p.total_count
        from load_batches as b
        inner join registry_pulls as p using (batch_id)
        where b.status = 'running' and p.base_url = ? and p.kind = ?
            and p.updated_since is not distinct from ?
        order by b.started_at desc
        limit 1
        """,
        [base_url, kind, updated_since],
    ).fetchone()
    if row is None:
        return None
    batch_id, as_of, started, token, pages_done, total = row
    result = LoadResult(batch_id=batch_id, source=base_url, as_of=as_of, started=started)
    return result, token, pages_done, total


def last_pull_date(con: duckdb.DuckDBPyConnection, base_url: str | None = None) -> date | None:
    """The registry data date of the last successful pull (from ``base_url``, if given)."""
    row = con.execute(
        """
        select max(b.as_of)
        from registry_pulls as p
        inner join load_batches as b using (batch_id)
        where b.status = 'succeeded' and (p.base_url = $base_url or $base_url is null)
            -- a history backfill reads old versions, not what changed since a date
            and p.kind <> 'history'
        """,
        {"base_url": base_url},
    ).fetchone()
    return row[0] if row else None


def _mark_removed(con: duckdb.DuckDBPyConnection, result: LoadResult) -> int:
    """Studies known live before this full pull and absent from it are removed now."""
    (count,) = con.execute(
        f"""
        insert into raw_removals
        with {KNOWN_TRIALS},
        seen_now as (
            -- An observation is stored once per date, so what this pull saw that an
            -- earlier load saw the same day is stored under that load.
            select distinct nct_id from raw_observations
            where batch_id = $batch_id or observed_on = $as_of
        ),
        aliases as (
            select distinct alias.value as alias, o.nct_id as merged_into
            from raw_observations as o
            inner join raw_studies as r using (nct_id, content_hash),
                unnest(json_extract_string(
                    r.record, '$.protocolSection.identificationModule.nctIdAliases[*]'
                )) as alias (value)
            where o.batch_id = $batch_id or o.observed_on = $as_of
        )
        select known.nct_id, $as_of, $batch_id, aliases.merged_into
        from known
        anti join seen_now using (nct_id)
        left join aliases on known.nct_id = aliases.alias
        where known.removed_on is null or known.removed_on < known.last_seen
        """,
        {"batch_id": result.batch_id, "as_of": result.as_of},
    ).fetchone()
    return count
