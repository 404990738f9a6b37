"""The sign-up service in process: confirmed opt-in, one-click unsubscribe, and the
abuse limits, with the store on SQLite and the confirmations in the file outbox."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.message import Message
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import sqlalchemy as sa
from starlette.testclient import TestClient

from orchestration.lib.common.settings import Settings
from orchestration.lib.subscribers.links import link_secret, signed
from orchestration.lib.subscribers.signups import active
from orchestration.lib.subscribers.store import transaction
from orchestration.web.app import create_app
from tests.support.mail import confirm_link, outbox

SITE = "http://testserver/"
TRIAL, OTHER = "NCT06529731", "NCT01234567"
CONDITION = "condition:myelodysplastic-syndromes-d009190"
FROM_SITE = {"origin": "http://testserver"}


@pytest.fixture
def service(tmp_path: Path) -> Iterator[tuple[TestClient, Settings]]:
    site = tmp_path / "site"
    (site / "trials").mkdir(parents=True)
    (site / "conditions").mkdir()
    for nct_id in (TRIAL, OTHER):
        (site / "trials" / f"{nct_id}.html").write_text(f"<p>{nct_id}</p>")
    (site / "conditions" / "myelodysplastic-syndromes-d009190.html").write_text("<p>MDS</p>")
    current = Settings(
        data_dir=tmp_path,
        site_url=SITE,
        unsubscribe_url=f"{SITE}unsubscribe",
        requests_per_minute=1000,
    )
    with TestClient(create_app(current)) as client:
        yield client, current


def _post(client: TestClient, address: str, topic: str = f"trial:{TRIAL}", **extra: str):
    form = {"topic": topic, "email": address, "consent": "2026-11-27", **extra}
    return client.post("/subscribe", data=form, headers=FROM_SITE)


def _outbox(current: Settings) -> list[Message]:
    return outbox(current.outbox)


def _link(message: Message) -> str:
    return confirm_link(message, SITE).removeprefix("http://testserver")


def _token(path: str) -> str:
    return parse_qs(urlsplit(path).query)["token"][0]


def _status(current: Settings, address: str) -> list[tuple[str, str]]:
    with transaction(current.subscribers_store) as con:
        return [
            tuple(r)
            for r in con.execute(
                sa.text(
                    "select s.topic, s.status from signups s join subscribers p"
                    " on p.id = s.subscriber_id where p.email = :e order by s.topic"
                ),
                {"e": address},
            ).all()
        ]


def test_a_sign_up_counts_once_its_owner_confirms_it_with_a_post(service) -> None:
    client, current = service
    answer = _post(client, "Ana@Example.org")
    assert answer.status_code == 200 and "Check your inbox" in answer.text
    (message,) = _outbox(current)
    assert message["To"] == "ana@example.org"
    assert _status(current, "ana@example.org") == [(f"trial:{TRIAL}", "pending")]
    link = _link(message)
    # Opening the link (as a mail scanner does) changes nothing.
    for _ in range(2):
        page = client.get(link)
        assert page.status_code == 200 and "Confirm" in page.text
    assert _status(current, "ana@example.org") == [(f"trial:{TRIAL}", "pending")]
    done = client.post("/confirm", data={"token": _token(link)}, headers=FROM_SITE)
    assert done.status_code == 200 and "signed up" in done.text
    assert _status(current, "ana@example.org") == [(f"trial:{TRIAL}", "active")]
    # Replayed, the token does nothing; a wrong one neither.
    for token in (_token(link), _token(link)[:-1] + "A", "x"):
        assert client.post("/confirm", data={"token": token}, headers=FROM_SITE).status_code == 404
    with transaction(current.subscribers_store) as con:
        (following,) = active(con, link_secret(current))
        consents = con.execute(sa.text("select action, wording from consents order by id")).all()
    assert (following.nct_id, following.email) == (TRIAL, "ana@example.org")
    assert [c.action for c in consents] == ["requested", "confirmed"]
    assert consents[0].wording.startswith("By submitting, you agree")
    # The store keeps the token's hash alone.
    assert _token(link).encode() not in (current.data_dir / "subscribers.sqlite").read_bytes()


def test_the_answer_is_the_same_whatever_the_address_state(service) -> None:
    client, current = service
    first = _post(client, "new@example.org")
    client.post("/confirm", data={"token": _token(_link(_outbox(current)[0]))}, headers=FROM_SITE)
    answers = [
        first,
        _post(client, "new@example.org"),  # already subscribed: nothing is sent
        _post(client, "other@example.org"),  # new
        _post(client, "other@example.org"),  # pending
    ]
    assert {(a.status_code, a.text) for a in answers} == {(first.status_code, first.text)}
    assert sorted(m["To"] for m in _outbox(current)) == [
        "new@example.org",
        "other@example.org",
        "other@example.org",
    ]


def test_an_address_gets_a_few_confirmations_a_day_and_the_same_answer_after(service) -> None:
    client, current = service
    answers = {_post(client, "flood@example.org", topic).text for topic in [f"trial:{TRIAL}"] * 6}
    assert len(answers) == 1
    assert len(_outbox(current)) == current.confirmations_per_day


def test_a_robot_a_foreign_form_and_a_bad_request_change_nothing(service) -> None:
    client, current = service
    trapped = _post(client, "bot@example.org", website="http://spam.example")
    assert trapped.status_code == 200 and "Check your inbox" in trapped.text
    form = {"topic": f"trial:{TRIAL}", "email": "x@example.org", "consent": "2026-11-27"}
    elsewhere = client.post("/subscribe", data=form, headers={"origin": "https://evil.example"})
    no_origin = client.post("/subscribe", data=form)
    assert (elsewhere.status_code, no_origin.status_code) == (403, 403)
    for bad in (
        {"topic": "trial:NCT99999999"},  # no such page
        {"topic": "trial:../../etc"},
        {"email": "a@b\r\nBcc: all@example.org"},
        {"consent": "1999-01-01"},
    ):
        assert client.post("/subscribe", data={**form, **bad}, headers=FROM_SITE).status_code == 400
    assert _outbox(current) == []
    with transaction(current.subscribers_store) as con:
        assert con.execute(sa.text("select count(*) from signups")).scalar_one() == 0


def test_a_client_past_its_rate_is_answered_429(tmp_path: Path, service) -> None:
    _, current = service
    with TestClient(create_app(current.replace(requests_per_minute=3))) as client:
        codes = [_post(client, f"r{i}@example.org").status_code for i in range(5)]
    assert codes == [200, 200, 200, 429, 429]


def test_one_click_and_the_page_of_what_an_address_follows(service) -> None:
    client, current = service
    for topic in (f"trial:{TRIAL}", f"trial:{OTHER}", CONDITION):
        _post(client, "ana@example.org", topic)
    for message in _outbox(current):
        client.post("/confirm", data={"token": _token(_link(message))}, headers=FROM_SITE)
    with transaction(current.subscribers_store) as con:
        token = active(con, link_secret(current))[0].link
    page = client.get("/unsubscribe", params={"token": token})
    assert page.text.count("Stop these emails") == 3
    signup = re.findall(r'name="signup" value="(\d+)"', page.text)[0]
    after = client.post(f"/unsubscribe?token={token}", data={"signup": signup}, headers=FROM_SITE)
    assert after.text.count("Stop these emails") == 2
    # RFC 8058: a mail provider's POST, no Origin, stops everything and voids the link.
    one_click = client.post(f"/unsubscribe?token={token}", data={"List-Unsubscribe": "One-Click"})
    assert one_click.status_code == 200
    assert {s for _, s in _status(current, "ana@example.org")} == {"unsubscribed"}
    assert client.get("/unsubscribe", params={"token": token}).status_code == 404
    # A forged token (another subscriber's id, no key) and the old one change nothing.
    _post(client, "ben@example.org")
    (to_ben,) = [m for m in _outbox(current) if m["To"] == "ben@example.org"]
    client.post("/confirm", data={"token": _token(_link(to_ben))}, headers=FROM_SITE)
    with transaction(current.subscribers_store) as con:
        ben = active(con, link_secret(current))[0]
    forged = signed(b"not the key", int(ben.link.split(".")[0]), 0)
    for wrong in (forged, token):
        answer = client.post(f"/unsubscribe?token={wrong}", data={"List-Unsubscribe": "One-Click"})
        assert answer.status_code == 404
    assert _status(current, "ben@example.org") == [(f"trial:{TRIAL}", "active")]


def test_an_expired_confirmation_changes_nothing(service) -> None:
    client, current = service
    _post(client, "late@example.org")
    link = _link(_outbox(current)[0])
    with transaction(current.subscribers_store) as con:
        con.execute(
            sa.text("update signups set expires_at = :past"),
            {"past": datetime.now(UTC).replace(tzinfo=None) - timedelta(days=1)},
        )
    assert client.get(link).status_code == 404
    assert (
        client.post("/confirm", data={"token": _token(link)}, headers=FROM_SITE).status_code == 404
    )
    assert _status(current, "late@example.org") == [(f"trial:{TRIAL}", "pending")]
