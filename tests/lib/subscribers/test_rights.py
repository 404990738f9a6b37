"""A person's copy of what is stored about their address, and its erasure."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from orchestration.cli import main
from orchestration.lib.alerts.ledger import record
from orchestration.lib.alerts.subscriptions import read_subscriptions
from orchestration.lib.subscribers import signups
from orchestration.lib.subscribers.imports import import_files
from orchestration.lib.subscribers.links import email_key, link_secret
from orchestration.lib.subscribers.store import transaction
from orchestration.lib.subscribers.topics import Topic
from tests.support.pipeline import data_dir

NOW = datetime(2026, 11, 27, 12)
ANA = "ana@example.org"


def _sign_up(store: str, secret: bytes) -> None:
    with transaction(store) as con:
        for topic in ("trial:NCT06529731", "condition:leukemia-d007938"):
            sent = signups.request(
                con,
                ANA,
                Topic.parse(topic),
                "the words",
                NOW,
                secret=secret,
                expiry_days=7,
                per_day=5,
            )
            signups.confirm(con, sent.token, NOW)
        record(con, "<m1@trialwatch>", "digest", ANA, b"Subject: news\r\n\r\nA change.", secret)


def test_an_address_is_exported_whole_then_erased_and_not_imported_again(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with data_dir(tmp_path) as current:
        store, secret = current.subscribers_store, link_secret(current)
        _sign_up(store, secret)
        assert main(["person", "export", "Ana@Example.org"]) == 0
        exported = json.loads(capsys.readouterr().out)
        assert exported["email"] == ANA
        assert [s["topic"] for s in exported["signups"]] == [
            "trial:NCT06529731",
            "condition:leukemia-d007938",
        ]
        assert [c["action"] for c in exported["signups"][0]["consents"]] == [
            "requested",
            "confirmed",
        ]
        assert exported["signups"][0]["consents"][0]["wording"] == "the words"
        assert "A change." in exported["messages"][0]["message"]

        assert main(["person", "erase", ANA]) == 0
        assert "2 sign-ups" in capsys.readouterr().out
        with transaction(store) as con:
            assert con.execute(sa.text("select count(*) from subscribers")).scalar_one() == 0
            assert con.execute(sa.text("select count(*) from consents")).scalar_one() == 0
            kept = con.execute(sa.text("select email, body, email_hash from messages")).one()
        assert kept == (None, None, email_key(secret, ANA))
        database = Path(store.removeprefix("sqlite:///"))
        for file in (database, database.with_name(f"{database.name}-wal")):
            assert not file.exists() or ANA.encode() not in file.read_bytes(), file
        # The CSV files that still hold the address do not bring it back.
        folder = tmp_path / "subscriptions"
        folder.mkdir()
        (folder / "signups.csv").write_text(
            "email,nct_id,condition,created_at,unsubscribe_token\n"
            f"{ANA},NCT06529731,,2026-06-01,t1\nben@example.org,NCT06529731,,2026-06-01,t2\n"
        )
        files = read_subscriptions(folder, lambda _: True, lambda _: True)
        with transaction(store) as con:
            imported = import_files(con, files, NOW, secret)
            assert [s.email for s in signups.active(con, secret)] == ["ben@example.org"]
        assert (imported.added, imported.erased) == (1, 1)
