"""The store of sign-ups: versioned migrations, two processes writing at once, and
unconfirmed sign-ups forgotten after their time."""

from __future__ import annotations

import multiprocessing
from datetime import datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from alembic.config import Config
from alembic.script import ScriptDirectory

from orchestration.lib.subscribers import signups
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
