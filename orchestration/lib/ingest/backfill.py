"""Backfill: every version of every landed trial, from the registry's record history.

The registry keeps every version of a trial since its first posting and serves them
through the two endpoints of its "record history" tab, whose answers
lib/ingest/registry_history.py checks. For every trial the landing holds, a backfill
reads:

1. its history index, one request a trial: each version's number, date and overall
   status, kept in ``history_indexes``;
2. then each version the landing lacks, one request a version: the trials asked for
   first (``first``), then recruiting and not-yet-recruiting trials, then the most
   recently changed. Each lands as a
   version like any other, observed on the registry's data date, and
   ``history_versions`` keeps its registry version number. A version the landing
   already holds (the one a daily pull brought, say: same trial, same registry date,
   the only version of that date) is matched, not fetched.

A backfill is one load (batch) in the run log, resumable like a paged pull: it is
committed as it goes while its batch stays running, invisible to the warehouse, and
every answer is journalled before it is parsed, so a killed backfill's next run lands
what the journal holds and goes on with the same batch, fetching nothing twice. A
slice ends when its time is up or nothing is left; its batch then succeeds, and the run
builds and publishes what it landed. The next slice is a new batch, which skips what
earlier ones landed.

Bad answers are a trial's problem, not the backfill's: a malformed index or version goes
to the quarantine with its reason, and the rest go on. A version whose date is not its
index's means the index changed while it was read (a trial may change during a
weeks-long backfill): the index is read once more, and the trial quarantined if it
changes again. A trial the registry no longer has (404) is marked removed, as a full
pull would, merged into the trial that lists its id among its aliases, if one does.
More than 5% misfits among the last 200 answers stop the backfill: the registry has
changed its format.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import orjson

from orchestration.lib.common.safe_names import is_nct_id
from orchestration.lib.ingest.classify_pool import classify_all
from orchestration.lib.ingest.dump_reader import RawRecord, parsed_record
from orchestration.lib.ingest.landing import (
    KNOWN_TRIALS,
    MAX_QUARANTINED_TEXT,
    LoadResult,
    connect,
    discard_interrupted,
    finish_batch,
    land_classified,
    register,
    start_batch,
)
from orchestration.lib.ingest.limits import DEFAULT_LIMITS, LoadLimits
from orchestration.lib.ingest.registry_client import NotFound, RegistryClient, data_date
from orchestration.lib.ingest.registry_history import (
    Misfit,
    ShapeWatch,
    parse_index,
    parse_version,
)
from orchestration.lib.ingest.registry_pull import unfinished_pull

KIND = "history"
# Versions landed per transaction: a commit costs more than a version's rows.
CHUNK = 200
# Statuses whose trials' versions come first: what a patient could still join.
FIRST = ("RECRUITING", "NOT_YET_RECRUITING")


@dataclass
class BackfillResult:
    load: LoadResult
    resumed: bool = False
    indexes_read: int = 0
    versions_fetched: int = 0
    versions_matched: int = 0
    removed: int = 0
    trials_quarantined: int = 0
    indexes_left: int = 0
    versions_left: int = 0
    quarantine_reasons: dict[str, int] = field(default_factory=dict)

    @property
    def done(self) -> bool:
        return self.indexes_left == 0 and self.versions_left == 0


# (result, phase "index" or "versions", done in the phase, the phase's total)
Progress = Callable[[BackfillResult, str, int, int], None]


def backfill(
    landing: Path,
    client: RegistryClient,
    journal_folder: Path,
    minutes: float | None = None,
    progress: Progress | None = None,
    limits: LoadLimits = DEFAULT_LIMITS,
    watch: ShapeWatch | None = None,
    first: Sequence[str] = (),
) -> BackfillResult:
    """Fill in the history of every landed trial, for at most ``minutes``, the trials
    ``first`` (NCT ids) before any other; resumes a killed backfill of the same
    registry."""
    bad = [nct_id for nct_id in first if not is_nct_id(nct_id)]
    if bad:
        raise ValueError(f"not NCT ids: {', '.join(repr(b) for b in bad[:5])}")
    deadline = None if minutes is None else time.monotonic() + minutes * 60
    data_timestamp = str(client.version().get("dataTimestamp", ""))
    as_of = data_date(data_timestamp)
    con = connect(landing, limits.memory)
    try:
        unfinished = unfinished_pull(con, client.base_url, KIND)
        resumed = unfinished[0] if unfinished else None
        discard_interrupted(con, keep=frozenset({resumed.batch_id}) if resumed else frozenset())
        if resumed is None:
            load = start_batch(con, f"{client.base_url} (history)", as_of)
            con.execute(
                "insert into registry_pulls (batch_id, base_url, kind, data_timestamp)"
                " values (?, ?, ?, ?)",
                [load.batch_id, client.base_url, KIND, data_timestamp],
            )
        else:
            load = resumed
        run = _Backfill(
            con,
            client,
            BackfillResult(load, resumed=resumed is not None),
            _Journal(journal_folder / f"history-{load.batch_id}.jsonl"),
            limits.record_bytes,
            watch or ShapeWatch(),
            deadline,
            progress,
            sorted(set(first)),
        )
        run.replay_journal()
        run.read_indexes()
        run.fetch_versions()
        run.mark_merged()
        result = run.result
        result.indexes_left = len(run.indexes_todo())
        result.versions_left = len(run.versions_todo())
        finish_batch(con, load)
        run.journal.remove()
    finally:
        con.close()
    return result


class _Journal:
    """The answers fetched and not yet landed, one JSON line each, written before they
    are parsed: a killed backfill lands them on its next run instead of fetching them
    again. A line cut short by the kill is the one answer fetched again."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)

    def write(self, entry: dict) -> None:
        with self.path.open("ab") as out:
            out.write(orjson.dumps(entry) + b"\n")

    def entries(self) -> Iterator[dict]:
        if not self.path.exists():
            return
        for line in self.path.read_bytes().splitlines():
            try:
                yield orjson.loads(line)
            except orjson.JSONDecodeError:
                continue

    def clear(self) -> None:
        self.path.write_bytes(b"")

    def remove(self) -> None:
        self.path.unlink(missing_ok=True)


class _Backfill:
    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        client: RegistryClient,
        result: BackfillResult,
        journal: _Journal,
        record_bytes: int,
        watch: ShapeWatch,
        deadline: float | None,
        progress: Progress | None,
        first: list[str],
    ) -> None:
        self.con, self.client, self.result, self.journal = con, client, result, journal
        self.record_bytes, self.watch = record_bytes, watch
        self.deadline, self.progress = deadline, progress
        self.batch_id = result.load.batch_id
        self.params = {"batch_id": self.batch_id, "first": first}
        self.pending: list[dict] = []  # fetched versions not yet landed
        self.reread: set[str] = set()  # trials whose index was read again in this slice

    def time_is_up(self) -> bool:
        return self.deadline is not None and time.monotonic() >= self.deadline

    # ---- the index ------------------------------------------------------------------

    def indexes_todo(self) -> list[str]:
        """Landed trials, not removed, with no index read by a succeeded backfill or
        this one, nor quarantined by this one."""
        return [
            nct_id
            for (nct_id,) in self.con.execute(
                f"""
                with {KNOWN_TRIALS}
                select nct_id
                from known
                where (removed_on is null or removed_on <= last_seen)
                    and nct_id not in (select nct_id from history_indexes where {_MINE})
                    and nct_id not in ({_SET_ASIDE})
                order by list_contains($first, nct_id) desc, nct_id
                """,
                self.params,
            ).fetchall()
        ]

    def read_indexes(self) -> None:
        todo = self.indexes_todo()
        for done, nct_id in enumerate(todo, start=1):
            if self.time_is_up():
                return
            self.read_index(nct_id)
            if self.progress:
                self.progress(self.result, "index", done, len(todo))

    def read_index(self, nct_id: str) -> None:
        """Read, check and keep a trial's index (or quarantine it, or mark it removed)."""
        try:
            body = self.client.history_index(nct_id)
        except NotFound:
            self._removed(nct_id)
            return
        try:
            index = parse_index(nct_id, body)
        except Misfit as misfit:
            self.watch.saw(False)
            self._quarantine(nct_id, "index", f"history index: {misfit}", body)
            return
        self.watch.saw(True)
        entries = [
            {"version": v.version, "date": v.posted.isoformat(), "status": v.status}
            for v in index.versions
        ]
        read_at = datetime.now(UTC).replace(tzinfo=None)
        self.con.execute(
            "insert into history_indexes values (?, ?, ?, ?)",
            [self.batch_id, nct_id, read_at, orjson.dumps(entries).decode()],
        )
        self.result.indexes_read += 1

    # ---- the versions ---------------------------------------------------------------

    def versions_todo(self) -> list[tuple[str, int, date]]:
        """Each version of each trial's latest index that no succeeded backfill or this
        one landed or matched, of trials not quarantined or removed by this one; the
        trials now recruiting or about to first, then the most recently changed."""
        return self.con.execute(
            f"""
            with {_LISTED}
            select nct_id, version, registry_date
            from listed
            where (nct_id, version) not in (
                    select (nct_id, version) from history_versions where {_MINE}
                )
                and nct_id not in ({_SET_ASIDE})
            order by
                list_contains($first, nct_id) desc,
                coalesce(status_now in {FIRST}, false) desc,
                changed_last desc,
                nct_id,
                version
            """,
            self.params,
        ).fetchall()

    def fetch_versions(self) -> None:
        self.match_held()
        while todo := self.versions_todo():
            progressed = False
            stale: set[str] = set()
            for done, (nct_id, version, registry_date) in enumerate(todo, start=1):
                if self.time_is_up():
                    break
                if nct_id in stale:
                    continue
                if not self._fetch(nct_id, version, registry_date):
                    stale.add(nct_id)
                progressed = True
                if len(self.pending) >= CHUNK:
                    self.land_pending()
                if self.progress:
                    self.progress(self.result, "versions", done, len(todo))
            self.land_pending()
            if not progressed or self.time_is_up():
                return

    def match_held(self) -> None:
        """Number the versions the landing holds (the only one of their trial's date in
        the index, which a daily pull brought, say) without fetching them."""
        (matched,) = self.con.execute(
            f"""
            insert into history_versions
            with {_LISTED},
            single as (
                select nct_id, registry_date, any_value(version) as version
                from listed
                group by nct_id, registry_date
                having count(*) = 1
            ),
            todo as (
                select * from single
                where (nct_id, version) not in (
                    select (nct_id, version) from history_versions where {_MINE}
                )
            ),
            held as (
                select
                    r.nct_id,
                    try_cast(json_extract_string(
                        r.record, '$.protocolSection.statusModule.lastUpdatePostDateStruct.date'
                    ) as date) as registry_date,
                    arg_max(r.content_hash, r.loaded_at) as content_hash
                from raw_studies as r
                semi join load_batches as b on r.batch_id = b.batch_id and b.status = 'succeeded'
                where r.nct_id in (select nct_id from todo)
                group by all
            )
            select $batch_id, todo.nct_id, todo.version, todo.registry_date, held.content_hash
            from todo inner join held using (nct_id, registry_date)
            """,
            {"batch_id": self.batch_id},
        ).fetchone()
        self.result.versions_matched += matched

    def _fetch(self, nct_id: str, version: int, registry_date: date) -> bool:
        """Fetch and journal a version; False when the trial's index must be read again
        (or the trial is now quarantined or removed)."""
        try:
            body = self.client.history_version(nct_id, version)
        except NotFound:
            return self._index_changed(nct_id, f"version {version} is not served")
        entry = {
            "nct_id": nct_id,
            "version": version,
            "date": registry_date.isoformat(),
            "body": body.decode("utf-8", errors="replace"),
        }
        self.journal.write(entry)
        self.result.versions_fetched += 1
        return self._take(entry)

    def _take(self, entry: dict) -> bool:
        """Check a fetched version and keep it to be landed."""
        nct_id, version, body = entry["nct_id"], entry["version"], entry["body"].encode()
        try:
            study = parse_version(nct_id, body)
        except Misfit as misfit:
            self.watch.saw(False)
            self._quarantine(nct_id, f"version {version}", f"history version: {misfit}", body)
            return False
        self.watch.saw(True)
        posted = (
            study["protocolSection"]
            .get("statusModule", {})
            .get("lastUpdatePostDateStruct", {})
            .get("date")
        )
        if posted != entry["date"]:
            return self._index_changed(
                nct_id, f"version {version} is dated {posted}, its index said {entry['date']}"
            )
        self.pending.append({**entry, "study": study})
        return True

    def _index_changed(self, nct_id: str, why: str) -> bool:
        """Read the index again, once a slice; a second change quarantines the trial."""
        if nct_id in self.reread:
            self._quarantine(
                nct_id, "index", f"history changed again while it was read: {why}", why.encode()
            )
            return False
        self.reread.add(nct_id)
        self.read_index(nct_id)
        return False

    def replay_journal(self) -> None:
        """Land what a killed run of this backfill fetched and did not land."""
        for entry in self.journal.entries():
            self._take(entry)
        self.land_pending()

    def land_pending(self) -> None:
        if not self.pending:
            return
        by_key = {(f"history/{p['nct_id']}", f"version {p['version']}"): p for p in self.pending}
        records: list[RawRecord] = [
            parsed_record(source, position, p["study"]) for (source, position), p in by_key.items()
        ]
        load = self.result.load
        studies, rejected = classify_all(
            records, load.as_of, load.started.date(), self.record_bytes
        )
        numbered = [
            (
                self.batch_id,
                s.nct_id,
                by_key[s.source, s.position]["version"],
                by_key[s.source, s.position]["date"],
                s.content_hash,
            )
            for s in studies
        ]

        def number_them(txn: duckdb.DuckDBPyConnection) -> None:
            if numbered:
                columns = ("batch_id", "nct_id", "version", "registry_date", "content_hash")
                register(txn, "numbered", columns, numbered)
                # a journal replayed after a kill between landing and clearing it holds
                # versions numbered already
                txn.execute(
                    "insert into history_versions select * from numbered"
                    " where (nct_id, version) not in"
                    " (select (nct_id, version) from history_versions where batch_id = ?)",
                    [self.batch_id],
                )

        land_classified(self.con, load, studies, rejected, also=number_them)
        self.result.trials_quarantined += len({r.source for r in rejected})
        self.pending.clear()
        self.journal.clear()

    # ---- what is not kept -----------------------------------------------------------

    def _quarantine(self, nct_id: str, position: str, reason: str, body: bytes) -> None:
        self.con.execute(
            "insert into quarantine values (?, ?, ?, ?, ?, ?, ?)",
            [
                self.batch_id,
                f"history/{nct_id}",
                position,
                reason,
                hashlib.sha256(body).hexdigest(),
                body[:MAX_QUARANTINED_TEXT].decode("utf-8", errors="replace"),
                datetime.now(UTC).replace(tzinfo=None),
            ],
        )
        kind = reason.split(":", 1)[0]
        self.result.quarantine_reasons[kind] = self.result.quarantine_reasons.get(kind, 0) + 1
        self.result.trials_quarantined += 1

    def _removed(self, nct_id: str) -> None:
        """The registry no longer has the trial: removed, as a full pull would mark it
        (``mark_merged`` says into which trial, if any)."""
        self.con.execute(
            "insert into raw_removals values (?, ?, ?, null)",
            [nct_id, self.result.load.as_of, self.batch_id],
        )
        self.result.removed += 1

    def mark_merged(self) -> None:
        """Each trial this backfill found removed is merged into a trial whose landed
        record lists its id among its aliases, if one does: one reading of the landed
        records a slice, not one a removal. The rows are this load's own, not yet seen
        by anyone."""
        self.con.execute(
            """
            update raw_removals as removed set merged_into = aliases.merged_into
            from (
                select alias.value as alias, min(r.nct_id) as merged_into
                from raw_studies as r,
                    unnest(json_extract_string(
                        r.record, '$.protocolSection.identificationModule.nctIdAliases[*]'
                    )) as alias (value)
                where alias.value in (select nct_id from raw_removals where batch_id = $batch_id)
                group by alias.value
            ) as aliases
            where removed.batch_id = $batch_id and removed.nct_id = aliases.alias
            """,
            {"batch_id": self.batch_id},
        )


# Rows of a succeeded backfill, or of this one.
_MINE = (
    "(batch_id = $batch_id or batch_id in"
    " (select batch_id from load_batches where status = 'succeeded'))"
)
# Each version of each trial's latest index read by a succeeded backfill or this one,
# with the trial's status and date now (its last version's).
_LISTED = f"""
    latest as (
        select nct_id, arg_max(entries, read_at) as entries
        from history_indexes where {_MINE}
        group by nct_id
    ),
    listed as (
        select
            latest.nct_id,
            (entry ->> 'version')::integer as version,
            (entry ->> 'date')::date as registry_date,
            list_last(latest.entries::json[]) ->> 'status' as status_now,
            (list_last(latest.entries::json[]) ->> 'date')::date as changed_last
        from latest, unnest(latest.entries::json[]) as listed (entry)
    )
"""
# Trials this backfill quarantined or found removed: not read again in this slice.
_SET_ASIDE = """
    select substr(source_file, 9) from quarantine
    where batch_id = $batch_id and source_file like 'history/%'
    union all
    select nct_id from raw_removals where batch_id = $batch_id
"""
