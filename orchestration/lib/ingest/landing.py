"""The raw landing: an append-only DuckDB store of every distinct record ever loaded.

Tables (all append-only):
- ``raw_studies``: one row per distinct (nct_id, content_hash), the record's JSON
  text verbatim with the batch, source file and position that first brought it;
- ``raw_observations``: one row per (nct_id, content_hash, observed_on), the dates
  on which a version was seen, so history can be rebuilt from loads in any order.
  Every date is kept, though only the ends of a run of one version shape the
  history: a dump loaded later, dated inside a run, splits it, and where the second
  part starts depends on dates that dropping the inside would lose. A row costs
  about 24 bytes compressed, so a daily full registry dump adds about 14 MB here,
  while the records themselves grow only with changes;
- ``quarantine``: records that could not be landed, with the reason, file and position;
- ``load_issues``: soft findings on landed records (unknown enum values, bad dates);
- ``raw_removals``: studies a full pull or a history backfill no longer found (deleted,
  or merged into another: a backfill fills that in on its own rows before its load ends);
- ``raw_pages``, ``registry_pulls``: a registry pull's pages as received and its
  checkpoint (the next page token), so a killed pull resumes where it stopped;
- ``history_indexes``, ``history_versions``: a history backfill's reading of each
  trial's record history (its versions' numbers, dates and statuses), and the registry
  version number of each version it landed or matched (lib/ingest/backfill.py);
- ``load_batches``: the run log, one row per load, succeeded or failed.

A load commits in chunks, so memory stays flat however large the dump, yet lands
all or nothing: every row carries its batch id, readers (the dbt staging models) see
only the rows of succeeded batches, a failed load deletes its rows, and a load killed
outright is cleaned up by the next one. Reloading a dump adds no record, observation
or quarantine row the landing already holds.

The cost of a chunk must not grow with the landing, or a 600,000-study load slows
as it goes. So the versions already landed are read once, into a set, and each
chunk is checked against it in memory (not joined against every row landed); an
observation made earlier by another load is removed once, set-wise, when the load
finishes; and DuckDB checkpoints once per gigabyte of log, not after every chunk
(each checkpoint rewrites the row group being filled).
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import pyarrow as pa

from orchestration.lib.ingest.classify_pool import classified_chunks, classify_all
from orchestration.lib.ingest.dump_reader import DumpError, RawRecord
from orchestration.lib.ingest.limits import DEFAULT_LIMITS, LoadLimits
from orchestration.lib.ingest.records import Rejected, Study

SCHEMA = """
create table if not exists load_batches (
    batch_id varchar primary key,
    source varchar not null,
    as_of date,
    started_at timestamp not null,
    finished_at timestamp,
    status varchar not null,
    records_read bigint,
    versions_new bigint,
    observations_new bigint,
    quarantined bigint,
    issues bigint,
    message varchar
);
create table if not exists raw_studies (
    nct_id varchar not null,
    content_hash varchar not null,
    record varchar not null,
    observed_on date not null,
    batch_id varchar not null,
    source_file varchar not null,
    source_position varchar not null,
    loaded_at timestamp not null
);
create table if not exists raw_observations (
    nct_id varchar not null,
    content_hash varchar not null,
    observed_on date not null,
    batch_id varchar not null
);
create table if not exists quarantine (
    batch_id varchar not null,
    source_file varchar not null,
    source_position varchar not null,
    reason varchar not null,
    raw_hash varchar not null,
    raw_text varchar not null,
    quarantined_at timestamp not null
);
create table if not exists raw_removals (
    nct_id varchar not null,
    removed_on date not null,
    batch_id varchar not null,
    merged_into varchar
);
create table if not exists raw_pages (
    batch_id varchar not null,
    page_number integer not null,
    page_token varchar,
    body varchar not null,
    fetched_at timestamp not null,
    landed boolean not null
);
create table if not exists registry_pulls (
    batch_id varchar primary key,
    base_url varchar not null,
    kind varchar not null,
    updated_since date,
    data_timestamp varchar,
    next_page_token varchar,
    pages_done integer not null default 0,
    total_count bigint
);
create table if not exists history_indexes (
    batch_id varchar not null,
    nct_id varchar not null,
    read_at timestamp not null,
    entries varchar not null
);
create table if not exists history_versions (
    batch_id varchar not null,
    nct_id varchar not null,
    version integer not null,
    registry_date date not null,
    content_hash varchar not null
);
create table if not exists load_issues (
    batch_id varchar not null,
    nct_id varchar not null,
    content_hash varchar not null,
    path varchar not null,
    value varchar,
    issue varchar not null
);
"""

# Every trial a succeeded load saw, the last day one did, and the last day a load found
# it removed (null if none): the CTE ``known`` for the queries that ask which are live.
KNOWN_TRIALS = """
    known as (
        select o.nct_id, max(o.observed_on) as last_seen, any_value(r.removed_on) as removed_on
        from raw_observations as o
        semi join load_batches as b on o.batch_id = b.batch_id and b.status = 'succeeded'
        left join (
            select nct_id, max(removed_on) as removed_on from raw_removals group by nct_id
        ) as r using (nct_id)
        group by o.nct_id
    )
"""

# Tables whose rows belong to a load (batch_id), removed when that load fails.
BATCHED_TABLES = (
    "raw_studies",
    "raw_observations",
    "raw_removals",
    "raw_pages",
    "quarantine",
    "load_issues",
    "history_indexes",
    "history_versions",
)
CHECKPOINT_EVERY = "1GB"
# Records per committed chunk: about 16 MB of JSON text at the registry's average size.
CHUNK_SIZE = 1_000
# Quarantined text is kept for diagnosis, not for replay: cap what one bad record costs.
MAX_QUARANTINED_TEXT = 1_000_000


@dataclass
class LoadResult:
    batch_id: str
    source: str
    as_of: date | None
    started: datetime
    records_read: int = 0
    versions_new: int = 0
    observations_new: int = 0
    quarantined: int = 0
    issues: int = 0
    quarantine_reasons: dict[str, int] = field(default_factory=dict)
    # Where the time went: reading and parsing records (waiting on the workers that do
    # it, when they do), and writing them to the landing.
    parse_seconds: float = 0.0
    write_seconds: float = 0.0
    # What the load has landed or found landed: every version's content hash (it is
    # unique to a study, whose record holds its id), and this load's observations.
    known_versions: set[str] | None = field(default=None, repr=False)
    observed: set[tuple[str, date]] = field(default_factory=set, repr=False)


def connect(path: Path, memory: str = LoadLimits.memory) -> duckdb.DuckDBPyConnection:
    """The landing, opened for writing (readers use ``duckdb_files.open_read_only``)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    # DuckDB would otherwise cache up to 80% of RAM; a bounded cache keeps a load's memory
    # flat however large the dump (it spills to disk instead).
    con = duckdb.connect(
        str(path),
        config={
            "memory_limit": memory,
            "preserve_insertion_order": False,
            "checkpoint_threshold": CHECKPOINT_EVERY,
        },
    )
    con.execute(SCHEMA)
    return con


def land_dump(
    landing: Path,
    source: str | Path,
    as_of: date | None = None,
    batch_size: int = CHUNK_SIZE,
    progress: Callable[[LoadResult], None] | None = None,
    limits: LoadLimits = DEFAULT_LIMITS,
) -> LoadResult:
    """Land every record of a dump, all or nothing; raise DumpError if it cannot be read."""
    con = connect(landing, limits.memory)
    try:
        discard_interrupted(con)
        result = start_batch(con, str(source), as_of)
        try:
            chunks = classified_chunks(source, as_of, result.started.date(), batch_size, limits)
            while True:
                waited = time.perf_counter()
                chunk = next(chunks, None)
                result.parse_seconds += time.perf_counter() - waited
                if chunk is None:
                    break
                land_classified(con, result, *chunk)
                if progress:
                    progress(result)
            if result.records_read == 0:
                raise DumpError(f"no records in dump {source}")
            if result.quarantined == result.records_read:
                first = next(iter(result.quarantine_reasons))
                raise DumpError(f"no valid study record in dump {source}; first reason: {first}")
        except BaseException as exc:
            fail_batch(con, result, exc)
            raise
        finish_batch(con, result)
    finally:
        con.close()
    return result


def start_batch(con: duckdb.DuckDBPyConnection, source: str, as_of: date | None) -> LoadResult:
    """Open a load in the run log; its rows stay invisible until it succeeds."""
    started = datetime.now(UTC).replace(tzinfo=None)
    result = LoadResult(
        batch_id=f"{started:%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}",
        source=source,
        as_of=as_of,
        started=started,
    )
    con.execute(
        "insert into load_batches (batch_id, source, as_of, started_at, status)"
        " values (?, ?, ?, ?, 'running')",
        [result.batch_id, source, as_of, started],
    )
    return result


def land_chunk(
    con: duckdb.DuckDBPyConnection,
    result: LoadResult,
    records: Iterable[RawRecord],
    record_bytes: int,
    also: Callable[[duckdb.DuckDBPyConnection], None] | None = None,
) -> None:
    """Classify and land some records in one transaction (with ``also``, run inside it)."""
    started = time.perf_counter()
    studies, rejected = classify_all(records, result.as_of, result.started.date(), record_bytes)
    result.parse_seconds += time.perf_counter() - started
    land_classified(con, result, studies, rejected, also)


def land_classified(
    con: duckdb.DuckDBPyConnection,
    result: LoadResult,
    studies: list[Study],
    rejected: list[Rejected],
    also: Callable[[duckdb.DuckDBPyConnection], None] | None = None,
) -> None:
    """Land classified records in one transaction (with ``also``, run inside it)."""
    started = time.perf_counter()
    result.records_read += len(studies) + len(rejected)
    for item in rejected:
        result.quarantine_reasons[item.reason] = result.quarantine_reasons.get(item.reason, 0) + 1
    con.begin()
    try:
        _flush(con, result, studies, rejected)
        if also:
            also(con)
    except BaseException:
        con.rollback()
        raise
    con.commit()
    result.write_seconds += time.perf_counter() - started


def finish_batch(con: duckdb.DuckDBPyConnection, result: LoadResult) -> None:
    """Drop observations already held, count what is new, and publish the load."""
    con.begin()
    con.execute(
        """
        delete from raw_observations as n
        using raw_observations as o
        where n.batch_id = $batch_id
            and o.nct_id = n.nct_id and o.content_hash = n.content_hash
            and o.observed_on = n.observed_on
            -- held by another load, or twice by this one (a pull resumed after a kill)
            and (o.batch_id <> $batch_id or o.rowid < n.rowid)
        """,
        {"batch_id": result.batch_id},
    )
    # Counted from the tables, so a resumed pull counts what its first run landed too.
    result.versions_new, result.observations_new, result.issues = con.execute(
        """
        select
            (select count(*) from raw_studies where batch_id = $batch_id),
            (select count(*) from raw_observations where batch_id = $batch_id),
            (select count(*) from load_issues where batch_id = $batch_id)
        """,
        {"batch_id": result.batch_id},
    ).fetchone()
    _log_end(con, result, "succeeded", None)
    con.commit()


def fail_batch(con: duckdb.DuckDBPyConnection, result: LoadResult, error: BaseException) -> None:
    """Remove what a failed load landed, and say why it failed."""
    _discard(con, result.batch_id)
    _log_end(con, result, "failed", f"{type(error).__name__}: {error}")


def discard_interrupted(
    con: duckdb.DuckDBPyConnection, keep: frozenset[str] = frozenset()
) -> list[str]:
    """Remove what loads killed mid-way left behind (but ``keep``, to be resumed).

    A registry pull that saved pages is resumable: the next pull of its kind goes on
    from its last page, so no other load discards it.
    """
    interrupted = [
        batch_id
        for (batch_id,) in con.execute(
            "select batch_id from load_batches as b where status = 'running'"
            " and not exists (select 1 from raw_pages as p where p.batch_id = b.batch_id)"
        ).fetchall()
        if batch_id not in keep
    ]
    for batch_id in interrupted:
        _discard(con, batch_id)
        con.execute(
            "update load_batches set status = 'interrupted',"
            " message = 'the load stopped before it finished; its rows were removed'"
            " where batch_id = ?",
            [batch_id],
        )
    return interrupted


def _discard(con: duckdb.DuckDBPyConnection, batch_id: str) -> None:
    con.begin()
    for table in BATCHED_TABLES:
        con.execute(f"delete from {table} where batch_id = ?", [batch_id])
    con.commit()


def _flush(
    con: duckdb.DuckDBPyConnection,
    result: LoadResult,
    studies: list[Study],
    rejected: list[Rejected],
) -> None:
    params = {"batch_id": result.batch_id, "now": result.started}
    if result.known_versions is None:
        result.known_versions = {
            h for (h,) in con.execute("select content_hash from raw_studies").fetchall()
        }
    new: list[Study] = []
    observed: list[tuple[str, str, date]] = []
    for study in studies:
        if study.content_hash not in result.known_versions:
            result.known_versions.add(study.content_hash)
            new.append(study)
        if (study.content_hash, study.observed_on) not in result.observed:
            result.observed.add((study.content_hash, study.observed_on))
            observed.append((study.nct_id, study.content_hash, study.observed_on))
    if new:
        register(
            con,
            "incoming",
            ("nct_id", "content_hash", "record", "observed_on", "source_file", "source_position"),
            [(s.nct_id, s.content_hash, s.text, s.observed_on, s.source, s.position) for s in new],
        )
        con.execute(
            "insert into raw_studies select nct_id, content_hash, record, observed_on,"
            " $batch_id, source_file, source_position, $now from incoming",
            params,
        )
    if observed:
        register(con, "seen", ("nct_id", "content_hash", "observed_on"), observed)
        con.execute(
            "insert into raw_observations select nct_id, content_hash, observed_on, $batch_id"
            " from seen",
            {"batch_id": result.batch_id},
        )
    # A version's findings depend on its record alone: they land with the version.
    issues = [(s.nct_id, s.content_hash, i.path, i.value, i.message) for s in new for i in s.issues]
    if issues:
        register(con, "found", ("nct_id", "content_hash", "path", "value", "issue"), issues)
        con.execute(
            "insert into load_issues select distinct $batch_id, nct_id, content_hash, path,"
            " value, issue from found",
            {"batch_id": result.batch_id},
        )
    if rejected:
        register(
            con,
            "bad",
            ("source_file", "source_position", "reason", "raw_hash", "raw_text"),
            [
                (r.source, r.position, r.reason, r.raw_hash, r.text[:MAX_QUARANTINED_TEXT])
                for r in rejected
            ],
        )
        result.quarantined += len(rejected)
        con.execute(
            """
            insert into quarantine
            select distinct on (b.source_file, b.source_position, b.raw_hash)
                $batch_id, b.source_file, b.source_position, b.reason, b.raw_hash, b.raw_text, $now
            from bad as b
            anti join quarantine as q using (source_file, source_position, raw_hash)
            """,
            params,
        )


def register(
    con: duckdb.DuckDBPyConnection, name: str, columns: tuple[str, ...], rows: list[tuple]
) -> None:
    """Expose rows to SQL as a view named ``name`` (an Arrow table, no copy into DuckDB)."""
    con.register(name, pa.table(dict(zip(columns, zip(*rows, strict=True), strict=True))))


def _log_end(
    con: duckdb.DuckDBPyConnection, result: LoadResult, status: str, message: str | None
) -> None:
    succeeded = status == "succeeded"
    con.execute(
        """
        update load_batches set
            finished_at = $finished, status = $status, records_read = $read,
            versions_new = $versions, observations_new = $observations,
            quarantined = $quarantined, issues = $issues, message = $message
        where batch_id = $batch_id
        """,
        {
            "batch_id": result.batch_id,
            "finished": datetime.now(UTC).replace(tzinfo=None),
            "status": status,
            "read": result.records_read,
            "versions": result.versions_new if succeeded else 0,
            "observations": result.observations_new if succeeded else 0,
            "quarantined": result.quarantined if succeeded else 0,
            "issues": result.issues if succeeded else 0,
            "message": message,
        },
    )
