"""Short histories of a registry and its followers, played through `make run`'s command
and checked against a model kept here from the raw records (tests/defs/test_drawn_histories.py
draws them with hypothesis).

The registry is a few real sample trials. A step changes it (a new trial, a contact's
phone, email or name, a site's status, a site opening or closing, the trial's status, a
removal), loads it again unchanged, loads a dump dated before the last, or adds a
malformed record, and runs the pipeline once; or it changes who follows what (sign-ups
by trial, by MeSH condition, in a registrant's own words, malformed, by the web form,
confirmed or not, unsubscribes), which the next run reads. A run may be killed midway
(SIGKILL to its process group) and run again, as a power cut and the next `make run` would.
"""

from __future__ import annotations

import atexit
import copy
import csv
import email
import gzip
import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import cache
from pathlib import Path

import duckdb

from orchestration.cli import main
from orchestration.defs.outcome import EVERYTHING_DONE
from orchestration.lib.common.lake import open_lake
from orchestration.lib.common.settings import REPO_ROOT, SAMPLE_DUMP, Settings, environment
from orchestration.lib.subscribers import signups
from orchestration.lib.subscribers.links import link_secret
from orchestration.lib.subscribers.store import transaction
from orchestration.lib.subscribers.topics import Topic
from orchestration.testing.change_patterns import posted_on
from tests.support.mail import plain_text
from tests.support.pipeline import data_dir
from tests.support.rebuild import disagreements

# Recruiting trials of the sample with sites, phones and MeSH conditions; two share
# "Leukemia", so that a condition's followers hear of more than one.
POOL = ("NCT03319901", "NCT04856215", "NCT04571138", "NCT03560323")
CONDITIONS = ("Leukemia", "Heart Failure")
START = date(2026, 7, 1)
FIRST_DAY = START - timedelta(days=1)
SITE_STATUSES = ("RECRUITING", "NOT_YET_RECRUITING", "ACTIVE_NOT_RECRUITING", "COMPLETED")
OVERALL_STATUSES = ("RECRUITING", "ACTIVE_NOT_RECRUITING", "COMPLETED", "SUSPENDED")
LINE = re.compile(r"^- (\d{4}-\d{2}-\d{2}) (NCT\d{8}): (.*)$")


@cache
def pool_records() -> dict[str, dict]:
    with gzip.open(SAMPLE_DUMP, "rt", encoding="utf-8") as handle:
        records = (json.loads(line) for line in handle if line.strip())
        return {
            r["protocolSection"]["identificationModule"]["nctId"]: r
            for r in records
            if r["protocolSection"]["identificationModule"]["nctId"] in POOL
        }


def condition_terms(record: dict) -> set[str]:
    """What a condition sign-up matches a trial by, read from the raw record: its
    conditions as written, its MeSH terms and their ancestors (lower case)."""
    browse = record.get("derivedSection", {}).get("conditionBrowseModule", {})
    terms = [*record["protocolSection"].get("conditionsModule", {}).get("conditions", [])]
    terms += [m["term"] for m in browse.get("meshes", []) + browse.get("ancestors", [])]
    return {t.lower() for t in terms}


def contact_details(record: dict) -> set[str]:
    """Every phone, email and person's name a record's contacts store."""
    module = record["protocolSection"].get("contactsLocationsModule", {})
    contacts = list(module.get("centralContacts", []))
    for site in module.get("locations", []):
        contacts += site.get("contacts", [])
    return {c[k] for c in contacts for k in ("phone", "email") if c.get(k)}


@dataclass
class Follower:
    email: str
    topic: str  # trial:<id>, term:<words>
    source: str  # csv | web
    since: date | None  # the day confirmed (None: pending, or never valid)
    token: str = ""
    stopped: date | None = None
    wording: str | None = None  # a registrant's own words, which nothing may publish

    def listens(self, day: date) -> bool:
        return self.since is not None and self.stopped is None and self.since <= day


@dataclass
class History:
    """The registry, its followers and what the runs sent, kept by the test."""

    current: Settings
    registry: dict[str, dict] = field(default_factory=dict)  # live trials, as now
    removed: set[str] = field(default_factory=set)
    days: list[date] = field(default_factory=list)  # each run's day, in order
    today: date = START
    followers: list[Follower] = field(default_factory=list)
    published_details: set[str] = field(default_factory=set)  # every stored detail so far
    change_ids: dict[str, tuple] = field(default_factory=dict)
    heard: Counter = field(default_factory=Counter)  # (to, day, nct, text) lines
    runs: int = 0

    # ---- the registry ----------------------------------------------------------------
    def record(self, nct_id: str, day: date) -> dict:
        """The registry's record of a trial as changed on ``day``: a copy, dated."""
        return posted_on(copy.deepcopy(self.registry.get(nct_id) or pool_records()[nct_id]), day)

    @staticmethod
    def undated(record: dict) -> dict:
        """A record without its last update's date: what a reader of it would compare."""
        record = copy.deepcopy(record)
        del record["protocolSection"]["statusModule"]["lastUpdatePostDateStruct"]
        return record

    def sites(self, record: dict) -> list[dict]:
        return record["protocolSection"]["contactsLocationsModule"]["locations"]

    def dump(self, records: list[dict], malformed: bool = False) -> Path:
        """A dump of ``records`` (and a record no schema accepts) in the data folder."""
        folder = self.current.data_dir.parent / "dumps"
        folder.mkdir(exist_ok=True)
        path = folder / f"dump-{self.runs:03d}.json"
        bad = [{"protocolSection": {"identificationModule": {"nctId": "NOT-AN-ID"}}}]
        path.write_text(json.dumps(records + (bad if malformed else [])))
        return path

    # ---- followers ---------------------------------------------------------------------
    def write_csv(self) -> None:
        folder = self.current.data_dir / "subscriptions"
        folder.mkdir(parents=True, exist_ok=True)
        rows, stops = io.StringIO(), io.StringIO()
        out = csv.writer(rows, lineterminator="\n")
        out.writerow(["email", "nct_id", "condition", "created_at", "unsubscribe_token"])
        gone = csv.writer(stops, lineterminator="\n")
        gone.writerow(["unsubscribe_token", "unsubscribed_at"])
        for f in (f for f in self.followers if f.source == "csv"):
            kind, _, what = f.topic.partition(":")
            created = (f.since or self.today).isoformat()
            nct, condition = (what, "") if kind == "trial" else ("", what)
            out.writerow([f.email, nct, condition, created, f.token])
            if f.stopped:
                gone.writerow([f.token, f.stopped.isoformat()])
        (folder / "signups.csv").write_text(rows.getvalue())
        (folder / "unsubscribes.csv").write_text(stops.getvalue())

    def web_request(self, follower: Follower) -> None:
        with transaction(self.current.subscribers_store) as con:
            made = signups.request(
                con,
                follower.email,
                Topic.parse(follower.topic),
                "I agree",
                _noon(self.today),
                secret=link_secret(self.current),
                expiry_days=365,
                per_day=100,
            )
        follower.token = made.token

    def web_confirm(self, follower: Follower) -> None:
        with transaction(self.current.subscribers_store) as con:
            assert signups.confirm(con, follower.token, _noon(self.today)) is not None
        follower.since = self.today

    def web_stop(self, follower: Follower) -> None:
        with transaction(self.current.subscribers_store) as con:
            subscriber = signups.subscriber_id(con, follower.email, _noon(self.today))
            signups.stop(con, subscriber, _noon(self.today))
        follower.stopped = self.today

    # ---- runs ------------------------------------------------------------------------
    def run(
        self, source: Path | str, day: date, kill_after: float | None = None, pull: str = ""
    ) -> None:
        """One `make run` of ``source`` dated ``day`` (a registry's pull, of its own date),
        killed first after ``kill_after`` seconds and run again; it must succeed."""
        self.write_csv()
        self.runs += 1
        args = ["run", "--source", str(source)]
        args += ["--pull", pull] if pull else ["--as-of", day.isoformat()]
        if kill_after is not None:
            killed(args, kill_after)
        assert main(args) == EVERYTHING_DONE, f"run {self.runs} ({source}, {day}) failed"
        self.days.append(day)

    def sent(self) -> Counter:
        """Every digest line in the outbox: (to, day, trial, text)."""
        lines: Counter = Counter()
        for path in sorted(self.current.outbox.glob("*.eml")):
            message = email.message_from_bytes(path.read_bytes())
            for line in plain_text(message).splitlines():
                if found := LINE.match(line):
                    lines[(message["To"], *found.groups())] += 1
        return lines

    # ---- what must hold after each run -------------------------------------------------
    def check(self, news: dict[str, str], day: date) -> None:
        """``news``: trial -> "changed" or "new", as this run's dump moved them (a version
        older than the newest held is history, not news), observed on ``day``."""
        sent = self.sent()
        new_lines = sent - self.heard
        assert not (self.heard - sent), "a digest line went missing from the outbox"
        with open_lake(self.current) as con:
            changes = con.execute(
                "select change_id, nct_id, field, item_key, changed_on::varchar, sentence"
                " from main.trial_changes"
            ).fetchall()
        events = Counter((nct, on, text) for _, nct, _, _, on, text in changes)
        # Exactly once: a follower holds no line more often than the warehouse has that
        # event, and no change id comes to name another change.
        for (to, on, nct, text), times in sent.items():
            limit = events[(nct, on, text)] if self._follower(to).topic.startswith("trial:") else 1
            assert times <= limit, f"{to} heard {text!r} of {nct} on {on} {times} times"
        ids = {cid: (nct, field_, item, on) for cid, nct, field_, item, on, _ in changes}
        for cid, meaning in self.change_ids.items():
            assert ids.get(cid, meaning) == meaning, f"change id {cid} now means {ids[cid]}"
        self.change_ids.update(ids)
        # Who heard of which trial this run: the model's news, to each who listened.
        heard = {(to, nct) for (to, _, nct, _) in new_lines}
        expected = set()
        for f in (f for f in self.followers if f.listens(day)):
            kind_, _, words = f.topic.partition(":")
            for nct, how in news.items():
                if f.topic == f"trial:{nct}" and how == "changed":
                    expected.add((f.email, nct))
                record = self.registry.get(nct)
                matches = record is not None and words.lower() in condition_terms(record)
                if kind_ == "term" and how == "new" and matches:
                    expected.add((f.email, nct))
        assert heard == expected, f"heard {sorted(heard)}, expected {sorted(expected)}"
        for to, on, _, _ in new_lines:
            follower = self._follower(to)
            assert follower.since is not None and date.fromisoformat(on) >= follower.since
        self.heard = sent
        self._nothing_private_published()
        rebuilt = self.current.data_dir.parent / f"rebuild-{self.runs}"
        assert disagreements(self.current, rebuilt) == {}

    def _follower(self, to: str) -> Follower:
        (found,) = [f for f in self.followers if f.email == to]
        return found

    def _nothing_private_published(self) -> None:
        """No stored contact detail of any version, and no registrant's words, in what
        is published: the live site, the public exports, the reports, the digests."""
        for record in self.registry.values():
            self.published_details |= contact_details(record)
        private = {d.lower() for d in self.published_details}
        private |= {f.wording.lower() for f in self.followers if f.wording}
        live = self.current.site.resolve()
        roots = [live, self.current.exports / "public", self.current.reports, self.current.outbox]
        for root in roots:
            for path in (p for p in root.rglob("*") if p.is_file()):
                text = _readable(path).lower()
                leaks = [p for p in private if p in text]
                assert not leaks, f"{path} holds {leaks}"


def _readable(path: Path) -> str:
    """A published file's text as a reader sees it (a Parquet file's rows as text)."""
    if path.suffix == ".parquet":
        with duckdb.connect() as con:
            return json.dumps(
                con.execute(f"select * from read_parquet('{path}')").fetchall(), default=str
            )
    if path.suffix in (".pdf", ".png", ".sqlite"):
        return ""
    return path.read_bytes().decode("utf-8", "replace")


def _noon(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 12, tzinfo=UTC)


KILLED_RUN = "from orchestration.cli import main; import sys; sys.exit(main(sys.argv[1:]))"


def killed(args: list[str], after: float) -> None:
    """`make run`'s command in a process group of its own, killed (SIGKILL) ``after``
    seconds in, as a power cut would; it may have finished by then."""
    process = subprocess.Popen(
        [sys.executable, "-c", KILLED_RUN, *args],
        cwd=REPO_ROOT,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        process.wait(timeout=after)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def dagster_home(folder: Path) -> dict[str, str]:
    """A Dagster instance of its own in ``folder``/dagster, with the tracked settings:
    the environment that points at it."""
    home = folder / "dagster"
    home.mkdir(parents=True)
    (home / "dagster.yaml").write_text((REPO_ROOT / "dagster.yaml").read_text())
    return {"DAGSTER_HOME": str(home)}


@contextmanager
def _in(folder: Path) -> Iterator[Settings]:
    """Every trialwatch path in ``folder``/data, Dagster's instance in ``folder``/dagster."""
    with (
        data_dir(folder / "data") as current,
        environment({"DAGSTER_HOME": str(folder / "dagster")}),
    ):
        yield current


@cache
def _first_load() -> Path:
    """A folder where the pool's first trial was loaded the day before START, with no
    one following yet: each history starts from a copy, not from a first full build
    of its own (the slowest run of all). Built once a process, removed at its exit."""
    folder = Path(tempfile.mkdtemp(prefix="trialwatch-first-load-")) / "h"
    atexit.register(shutil.rmtree, folder.parent, True)
    dagster_home(folder)
    with _in(folder) as current:
        history = History(current)
        record = history.record(POOL[0], FIRST_DAY)
        history.registry[POOL[0]] = record
        history.run(history.dump([record]), FIRST_DAY)
        history.check({POOL[0]: "new"}, FIRST_DAY)
    return folder


@contextmanager
def new_history(folder: Path) -> Iterator[History]:
    """A history in ``folder``: the pool's first trial loaded (``_first_load``)."""
    shutil.copytree(_first_load(), folder, symlinks=True)
    with _in(folder) as current:
        history = History(current, days=[FIRST_DAY], today=START, runs=1)
        history.registry[POOL[0]] = history.record(POOL[0], FIRST_DAY)
        yield history
