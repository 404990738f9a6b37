"""Sign-up files from the site: validated row by row, never fatal."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import sqlalchemy as sa

from orchestration.lib.alerts.subscriptions import read_subscriptions
from orchestration.lib.subscribers import signups
from orchestration.lib.subscribers.imports import import_files
from orchestration.lib.subscribers.signups import active, subscriber_id
from orchestration.lib.subscribers.store import transaction

TRIALS = {"NCT06529731"}
CONDITIONS = {"myelodysplastic syndromes", "acute myeloid leukemia"}


def _read(folder: Path):
    return read_subscriptions(
        folder,
        known_trial=TRIALS.__contains__,
        known_condition=lambda c: c.strip().lower() in CONDITIONS,
    )


def test_good_rows_load_and_each_bad_row_is_skipped_with_its_reason(tmp_path: Path) -> None:
    (tmp_path / "signups-2026-06.csv").write_text(
        "email,nct_id,condition,created_at,unsubscribe_token\n"
        "Ana@Example.org,NCT06529731,,2026-06-01T10:00:00Z,t1\n"
        "ben@example.org,,Myelodysplastic Syndromes,2026-06-02,t2\n"
        "not-an-email,NCT06529731,,2026-06-01,t3\n"
        "cy@example.org,NCT06529731,Myelodysplastic Syndromes,2026-06-01,t4\n"
        "dee@example.org,,,2026-06-01,t5\n"
        "eve@example.org,NCT99999999,,2026-06-01,t6\n"
        "fay@example.org,,Unknown disease,2026-06-01,t7\n"
        "gus@example.org,NCT06529731,,yesterday,t8\n"
        "hal@example.org,NCT06529731,,2026-06-01\n"
        "ida@example.org,NCT06529731,,2026-06-01,\n"
    )
    (tmp_path / "bad-header.csv").write_text("mail,trial\nx@example.org,NCT06529731\n")
    files = _read(tmp_path)
    assert [(s.email, s.nct_id, s.condition) for s in files.subscriptions] == [
        ("ana@example.org", "NCT06529731", None),
        ("ben@example.org", None, "Myelodysplastic Syndromes"),
    ]
    assert files.subscriptions[0].since == datetime(2026, 6, 1, 10, 0)
    reasons = {(r.source_file, r.line): r.reason for r in files.rejected}
    assert reasons[("signups-2026-06.csv", 4)] == "malformed email 'n'..."
    assert reasons[("signups-2026-06.csv", 5)] == "exactly one of nct_id and condition must be set"
    assert reasons[("signups-2026-06.csv", 6)] == "exactly one of nct_id and condition must be set"
    assert reasons[("signups-2026-06.csv", 7)] == "unknown NCT ID NCT99999999"
    assert reasons[("signups-2026-06.csv", 8)] == "unknown condition 'Unknown disease'"
    assert reasons[("signups-2026-06.csv", 9)] == "malformed created_at 'yesterday'"
    assert reasons[("signups-2026-06.csv", 10)] == "4 fields, expected 5"
    assert reasons[("signups-2026-06.csv", 11)] == "no unsubscribe_token"
    assert reasons[("bad-header.csv", 1)].startswith("header is ['mail', 'trial']")
    assert len(files.rejected) == 9


def test_unsubscribes_are_honoured_unless_signed_up_again(tmp_path: Path) -> None:
    (tmp_path / "signups.csv").write_text(
        "email,nct_id,condition,created_at,unsubscribe_token\n"
        "ana@example.org,NCT06529731,,2026-06-01,t1\n"
        "ben@example.org,NCT06529731,,2026-06-01,t2\n"
        "ben@example.org,NCT06529731,,2026-06-20,t2\n"
    )
    (tmp_path / "unsubscribes-2026-06-10.csv").write_text(
        "unsubscribe_token,unsubscribed_at\nt1,2026-06-10\nt2,2026-06-10\nt9,not a date\n"
    )
    files = _read(tmp_path)
    assert [(s.email, s.since.day) for s in files.active()] == [("ben@example.org", 20)]
    assert [r.reason for r in files.rejected] == ["malformed unsubscribed_at 'not a date'"]
    # Imported into the store, the same sign-ups are active, however often it is done.
    store = f"sqlite:///{tmp_path / 'store.sqlite'}"
    for _ in range(2):
        with transaction(store) as con:
            import_files(con, files, NOW, b"key")
            following = [(s.email, s.key, s.since) for s in active(con, b"key")]
            assert following == [(s.email, s.key, s.since) for s in files.active()]
            assert con.execute(sa.text("select count(*) from consents")).scalar_one() == 4
            assert con.execute(sa.text("select reason from import_rejects")).scalars().all() == [
                "malformed unsubscribed_at 'not a date'"
            ]
    # An unsubscribe made on the web stays, whatever the files say.
    with transaction(store) as con:
        signups.stop(con, subscriber_id(con, "ben@example.org", NOW), NOW)
    with transaction(store) as con:
        import_files(con, files, NOW, b"key")
        assert active(con, b"key") == []


NOW = datetime(2026, 6, 30)


def test_no_sign_ups_yet_stores_empty_tables(tmp_path: Path) -> None:
    files = _read(tmp_path / "subscriptions")  # the folder does not exist yet
    assert (files.subscriptions, files.rejected) == ([], [])
    with transaction(f"sqlite:///{tmp_path / 'store.sqlite'}") as con:
        import_files(con, files, NOW, b"key")
        assert active(con, b"key") == []
        assert con.execute(sa.text("select count(*) from import_rejects")).scalar_one() == 0


def test_a_hostile_row_is_skipped_and_the_rest_load(tmp_path: Path) -> None:
    (tmp_path / "signups.csv").write_bytes(
        b"email,nct_id,condition,created_at,unsubscribe_token\r\n"
        b'ana@example.org,NCT06529731,,2026-06-01,"tok\r\nBcc: all@example.org"\r\n'
        b'"ben@example.org\nBcc: x@example.org",NCT06529731,,2026-06-01,t2\r\n'
        b"cy@example.org,NCT06529731,,2026-06-01,t3\r\n"
    )
    files = _read(tmp_path)
    assert [s.email for s in files.subscriptions] == ["cy@example.org"]
    assert sorted(r.reason.split(" ")[0] for r in files.rejected) == [
        "malformed",
        "unsubscribe_token",
    ]
