"""The store of people and deliveries: sign-ups, consents, unsubscribes, the ledger.

The web service (a long-running process) and the pipeline's runs write it at once, so
it is a transactional database built for concurrent writers, not DuckDB: SQLite in WAL
mode under ``data/`` by default, PostgreSQL when ``TRIALWATCH_SUBSCRIBERS_URL`` names
one. Queries are SQLAlchemy ``text()`` in the SQL both share. The schema is versioned by
Alembic (``migrations/versions/``) and brought to the newest version when opened.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

MIGRATIONS = Path(__file__).with_name("migrations")
# SQLite waits this long for another writer before it gives up.
BUSY_SECONDS = 30


@lru_cache(maxsize=8)
def engine(url: str) -> sa.Engine:
    """One engine (and its connection pool) per store in a process, migrated to head."""
    if url.startswith("sqlite:"):
        path = Path(url.removeprefix("sqlite:///"))
        path.parent.mkdir(parents=True, exist_ok=True)
        made = sa.create_engine(url, connect_args={"timeout": BUSY_SECONDS})
        sa.event.listen(made, "connect", _sqlite_connected)
        # Every transaction takes the write lock when it begins: a transaction that reads,
        # then writes, would otherwise fail at once when another process writes.
        sa.event.listen(made, "begin", lambda c: c.exec_driver_sql("BEGIN IMMEDIATE"))
    else:
        made = sa.create_engine(url, pool_pre_ping=True)
    migrate(made)
    return made


def _sqlite_connected(dbapi_connection, _record) -> None:
    dbapi_connection.isolation_level = None  # SQLAlchemy's "begin" event begins instead
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_SECONDS * 1000}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA secure_delete=ON")  # an erased address leaves no bytes behind
    cursor.close()


def migrate(made: sa.Engine) -> None:
    """Bring the schema to the newest migration (nothing to do when it is there)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with made.begin() as connection:
        current = MigrationContext.configure(connection).get_current_revision()
        if current == ScriptDirectory.from_config(config).get_current_head():
            return
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def now() -> datetime:
    """The time as the store keeps times: UTC, without a zone (SQLite has none)."""
    return datetime.now(UTC).replace(tzinfo=None)


@contextmanager
def transaction(url: str) -> Iterator[sa.Connection]:
    """A connection in one transaction: committed when the block ends, else rolled back."""
    with engine(url).begin() as connection:
        yield connection


def settle(url: str) -> None:
    """Write SQLite's log into its file and empty it: after an erasure, no copy of the
    erased rows stays in the log (PostgreSQL's own vacuum does this there)."""
    if url.startswith("sqlite:"):
        # Outside a transaction (SQLAlchemy's would begin one): on the DB-API connection.
        connection = engine(url).raw_connection()
        try:
            connection.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            connection.close()
