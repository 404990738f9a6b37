"""Old history is not news: a trial's earlier versions filled in after newer ones, and the
registry's correction of a version already held, reach no follower and change no change
id; a newer version is news again. Played through `make run`'s command, with the
checks of tests/support/histories.py after every run (who heard what, ids, privacy, the
lake against a full rebuild)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from tests.support.histories import FIRST_DAY, POOL, START, Follower, new_history
from tests.support.pipeline import query

pytestmark = pytest.mark.long(seconds=150)


def _enrollment(record: dict, count: int) -> dict:
    record["protocolSection"]["designModule"]["enrollmentInfo"] = {
        "count": count,
        "type": "ESTIMATED",
    }
    return record


def _status(record: dict, status: str) -> dict:
    record["protocolSection"]["statusModule"]["overallStatus"] = status
    return record


def test_history_filled_in_later_is_not_news(tmp_path: Path) -> None:
    trial = POOL[0]
    with new_history(tmp_path / "h") as h:
        h.followers.append(Follower("ana@example.org", f"trial:{trial}", "csv", START, "tok-ana"))

        # The trial stops recruiting: news for its follower.
        stopped = _status(h.record(trial, START), "ACTIVE_NOT_RECRUITING")
        h.registry[trial] = stopped
        h.run(h.dump([stopped]), START)
        h.check({trial: "changed"}, START)
        sent = query(h.current, "select change_id, sentence from main.trial_changes")

        # A day later come two versions from before the first held (as a backfill or an
        # old archive brings them), and the registry's correction of the newest one.
        older = [
            _enrollment(h.record(trial, FIRST_DAY - timedelta(days=days)), days)
            for days in (400, 200)
        ]
        corrected = _enrollment(h.record(trial, START), 999)
        h.registry[trial] = corrected
        day = START + timedelta(days=1)
        h.run(h.dump([*older, corrected]), day)
        h.check({}, day)
        versions = query(
            h.current,
            "select registry_date, first_observed_on, is_news from main.trial_versions"
            " where nct_id = ? order by version_number",
            [trial],
        )
        assert versions == [
            (FIRST_DAY - timedelta(days=400), day, False),
            (FIRST_DAY - timedelta(days=200), day, False),
            (FIRST_DAY, FIRST_DAY, False),
            (START, START, True),
        ]
        assert query(
            h.current,
            "select first_seen, last_changed, update_count from main.trials where nct_id = ?",
            [trial],
        ) == [(FIRST_DAY, START, 3)]
        assert query(
            h.current,
            "select registry_date, corrected_on, fields from main.version_corrections",
        ) == [(START, day, ["enrollment_count"])]
        # What was sent keeps its id and its words; nothing since is news, neither the
        # history filled in nor what the correction changed.
        now = query(h.current, "select change_id, sentence, is_news from main.trial_changes")
        assert set(sent) <= {(cid, sentence) for cid, sentence, _ in now}
        assert len(now) > len(sent)
        assert [row for row in now if row[2]] == []

        # A newer version is news again.
        later = day + timedelta(days=1)
        h.today = later
        recruiting = _status(h.record(trial, later), "RECRUITING")
        h.registry[trial] = recruiting
        h.run(h.dump([recruiting]), later)
        h.check({trial: "changed"}, later)
