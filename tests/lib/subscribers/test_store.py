"""The store of sign-ups: versioned migrations, two processes writing at once, and
unconfirmed sign-ups forgotten after their time."""

from __future__ import annotations

import multiprocessing
from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import sqlalchemy as sa
from alembic.config import Config
from alembic.script import ScriptDirectory

from orchestration.lib.alerts.events import Event
from orchestration.lib.alerts.ledger import deliver
from orchestration.lib.alerts.subscriptions import Subscription
from orchestration.lib.alerts.transport import FileOutbox
from orchestration.lib.subscribers import signups
from orchestration.lib.subscribers.legacy import adopt_legacy_ledger
from orchestration.lib.subscribers.store import MIGRATIONS, engine, transaction
from orchestration.lib.subscribers.topics import Topic

NOW = datetime(2026, 11, 27, 12)
WRITES = 150


def _count_many(url: str) -> None:
    for _ in range(WRITES):
        with transaction(url) as con:
            signups.count(con, "shared", "bucket")


def test_the_store_is_at_the_newest_migration_once_opened(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    head = ScriptDirectory.from_config(config).get_current_head()
    with transaction(url) as con:
        assert con.execute(sa.text("select version_num from alembic_version")).scalar_one() == head
        mode = con.exec_driver_sql("PRAGMA journal_mode").scalar_one()
    assert mode == "wal"
    engine.cache_clear()  # a second process would open it again: nothing to migrate
    with transaction(url) as con:
        assert con.execute(sa.text("select count(*) from alembic_version")).scalar_one() == 1


def test_two_processes_write_the_same_counter_and_lose_nothing(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    engine(url)  # created and migrated once
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_count_many, args=(url,)) for _ in range(2)]
    for worker in workers:
        worker.start()
    _count_many(url)
    for worker in workers:
        worker.join(timeout=120)
        assert worker.exitcode == 0
    with transaction(url) as con:
        total = con.execute(sa.text("select count from rate_counters")).scalar_one()
    assert total == 3 * WRITES


def test_unconfirmed_sign_ups_are_forgotten_after_their_time(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    trial = Topic.parse("trial:NCT06529731")
    with transaction(url) as con:
        for address in ("never@example.org", "kept@example.org"):
            sent = signups.request(
                con, address, trial, "words", NOW, secret=b"k", expiry_days=7, per_day=3
            )
            if address == "kept@example.org":
                signups.confirm(con, sent.token, NOW)
        assert signups.expire(con, NOW + timedelta(days=6)) == 0
        assert signups.expire(con, NOW + timedelta(days=8)) == 1
        left = con.execute(sa.text("select email from subscribers")).scalars().all()
    assert left == ["kept@example.org"]


def test_an_upgrade_takes_the_old_ledger_in_and_sends_nothing_twice(tmp_path: Path) -> None:
    old = tmp_path / "alerts.duckdb"
    with duckdb.connect(str(old)) as con:
        con.execute(
            "create table messages (message_id varchar primary key, email varchar,"
            " prepared_at timestamp, sent_at timestamp, body blob, attempts integer,"
            " last_error varchar)"
        )
        con.execute(
            "create table message_events (subscription_token varchar, event_id varchar,"
            " message_id varchar, primary key (subscription_token, event_id))"
        )
        con.execute(
            "insert into messages values ('<m1@trialwatch>', 'ana@example.org',"
            " '2026-06-27 08:00', '2026-06-27 08:01', 'Subject: x'::blob, 0, null)"
        )
        con.execute("insert into message_events values ('ta', 'change:1', '<m1@trialwatch>')")
    url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    assert adopt_legacy_ledger(tmp_path, url, b"k") == 1
    assert not old.exists() and (tmp_path / "alerts.duckdb.adopted").exists()
    assert adopt_legacy_ledger(tmp_path, url, b"k") == 0  # once
    ana = Subscription("ana@example.org", "NCT06529731", None, NOW, "ta", "1.0.x")
    event = Event("change:1", "trial_changed", ana, "NCT06529731", "A trial", NOW.date(), "x")
    outbox = FileOutbox(tmp_path / "outbox")
    report = deliver(url, [event], outbox, "http://s/", "http://s/u", "t <t@t.t>", b"k")
    assert (report.messages_prepared, report.messages_sent) == (0, 0)
