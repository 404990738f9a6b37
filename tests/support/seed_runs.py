"""The daily operation in small: the seed trial's three dated dumps (24, 27 and 28 June),
one `make run` a day (the whole graph, through the command line) with sign-ups in place,
by trial and by condition, then a plain rerun of the last. Built once for the
session (`seed_daily_runs` in conftest) and read by the lake's, the history's and the
alerts' tests; after each run it keeps the lake's state, its trials, a moment and what
each subscriber had received."""

from __future__ import annotations

import email
import time
from collections import Counter, defaultdict
from datetime import UTC, datetime
from pathlib import Path
from typing import NamedTuple

import duckdb

from orchestration.cli import main
from orchestration.defs.outcome import EVERYTHING_DONE
from orchestration.defs.warehouse.resources import UNPUBLISHED
from orchestration.lib.common.lake import open_lake
from orchestration.lib.common.settings import REPO_ROOT, Settings
from tests.support.lakes import MAIN_TABLES, counted_rows, differences
from tests.support.mail import plain_text
from tests.support.pipeline import data_dir

SEED = REPO_ROOT / "data" / "seed-trial"
DAYS = ["2026-06-24", "2026-06-27", "2026-06-28", "2026-06-28"]  # the last, a plain rerun
SIGNUPS = """email,nct_id,condition,created_at,unsubscribe_token
ana@example.org,NCT06529731,,2026-06-01T09:00:00Z,ta
ben@example.org,,Myelodysplastic Syndromes,2026-06-01,tb
cy@example.org,,Leukemia,2026-06-01,tc
dan@example.org,,Acute Myeloid Leukemia,2026-06-01,td
eve@example.org,,Myelodysplastic Syndromes,2026-06-25,te
fay@example,NCT06529731,,2026-06-01,tf
gil@example.org,NCT06529731,,2026-06-01,tg
"""
UNSUBSCRIBES = "unsubscribe_token,unsubscribed_at\ntg,2026-06-02\n"

# The digests and what they need (the warehouse, the site), for tests that need no more.
ALERTS = "alert_digests"
TRIALS = "select nct_id, overall_status, update_count from main.trials"


def lake_state(con: duckdb.DuckDBPyConnection, at: str = "") -> dict[str, Counter]:
    """Every table of ``main`` but ``runs``, as counted rows; ``at`` an ``AT (...)`` clause."""
    tables = [t for (t,) in con.execute(MAIN_TABLES).fetchall()]
    return {t: counted_rows(con, f'select * from main."{t}" {at}') for t in tables}


def received(outbox: Path) -> dict[str, list[str]]:
    """Each recipient's items, over every message in the outbox."""
    items: dict[str, list[str]] = defaultdict(list)
    for path in sorted(outbox.glob("*.eml")):
        message = email.message_from_bytes(path.read_bytes())
        for line in plain_text(message).splitlines():
            if line.startswith("- "):
                items[message["To"]].append(line.split(": ", 1)[1])
    return dict(items)


class DailyRuns(NamedTuple):
    """After each run: the lake's state, its trials (``TRIALS``), a moment, the outbox."""

    current: Settings
    states: list[dict[str, Counter]]
    trials: list[list[tuple]]
    moments: list[datetime]
    received: list[dict[str, list[str]]]


def run_daily(folder: Path) -> DailyRuns:
    """Each day's dump in its own run, checking after each that the lake equals the build."""
    with data_dir(folder) as current:
        subscriptions = current.data_dir / "subscriptions"
        subscriptions.mkdir(parents=True)
        (subscriptions / "signups.csv").write_text(SIGNUPS)
        (subscriptions / "unsubscribes.csv").write_text(UNSUBSCRIBES)
        runs = DailyRuns(current, [], [], [], [])
        for day in DAYS:
            dump = SEED / f"NCT06529731.{day}.json"
            assert main(["run", "--source", str(dump), "--as-of", day]) == EVERYTHING_DONE
            with open_lake(current) as con:
                runs.states.append(lake_state(con))
                runs.trials.append(con.execute(TRIALS).fetchall())
                assert differences(con, current.build_warehouse, UNPUBLISHED) == {}
            runs.moments.append(datetime.now(UTC))
            runs.received.append(received(current.outbox))
            time.sleep(0.05)
        return runs
