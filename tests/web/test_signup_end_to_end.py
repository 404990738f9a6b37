"""End to end, as a person does it: a real browser (Debian's Chromium) signs up on a
trial page served by `make site`, the confirmation arrives (in the outbox, or at a real
SMTP server), its link is opened and confirmed; a later dump with a change to the trial
brings exactly one digest, and the digest's one-click unsubscribe stops the next one.
The store is SQLite, written by the web service while a pipeline run writes it too, or
a real PostgreSQL server."""

from __future__ import annotations

import json
import shutil
import threading
import time
from datetime import UTC, datetime, timedelta
from email.message import Message
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from orchestration.lib.common.settings import environment
from orchestration.lib.subscribers.store import transaction
from orchestration.testing.change_patterns import posted_on
from tests.support.browser import new_page
from tests.support.lakes import postgres_server
from tests.support.mail import confirm_link, outbox, plain_text, smtp_server
from tests.support.pipeline import data_dir, run_everything
from tests.support.seed_runs import ALERTS, SEED
from tests.support.web import served, site_settings

# About 210 s of a worker's time on CI.
pytestmark = pytest.mark.long(seconds=210)

TRIAL = "NCT06529731"
TODAY = datetime.now(UTC).date()
FIRST, CHANGED = SEED / f"{TRIAL}.2026-06-24.json", SEED / f"{TRIAL}.2026-06-27.json"
CHANGE = "The site in Pittsburgh, Pennsylvania started recruiting."


@pytest.fixture(scope="module")
def first_day(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed trial's first dump, loaded three days ago: the site to sign up on."""
    folder = tmp_path_factory.mktemp("signup-first-day") / "data"
    with data_dir(folder):
        as_of = (TODAY - timedelta(days=3)).isoformat()
        assert run_everything(FIRST, as_of=as_of, up_to=ALERTS).success
    return folder


def _sign_up_in_the_browser(browser: str, base: str, addresses: list[str]) -> None:
    with new_page(browser) as page:
        for address in addresses:
            page.goto(f"{base}trials/{TRIAL}.html")
            form = page.locator("form.signup").filter(has_text="Email me when this study changes")
            form.get_by_label("Email me when this study changes").fill(address)
            form.get_by_role("button", name="Notify me").click()
            page.wait_for_selector("text=Check your inbox")


def _confirm_in_the_browser(browser: str, link: str) -> None:
    with new_page(browser) as page:
        page.goto(link)
        page.get_by_role("button", name="Confirm").click()
        page.wait_for_selector("text=You are signed up")


def _outbox(data: Path) -> list[Message]:
    return outbox(data / "outbox")


def _digests(messages: list[Message], to: str) -> list[Message]:
    return [m for m in messages if m["To"] == to and "List-Unsubscribe" in m]


def _one_click(message: Message) -> None:
    url = message["List-Unsubscribe"].removeprefix("<").removesuffix(">")  # as mail clients read it
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # As a mail provider sends it: a POST, no Origin, no cookies.
    answer = httpx.post(url, data={"List-Unsubscribe": "One-Click"})
    assert answer.status_code == 200


def test_sign_up_confirm_digest_and_one_click_on_sqlite(
    first_day: Path, browser: str, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    shutil.copytree(first_day, data, symlinks=True)
    many = {"TRIALWATCH_REQUESTS_PER_MINUTE": "100000"}  # the writer below is one client
    with served(data, many) as base, data_dir(data) as current, environment(site_settings(base)):
        _sign_up_in_the_browser(
            browser, base, ["ana@example.org", "ben@example.org", "cy@example.org"]
        )
        confirmations = _outbox(data)
        assert sorted(m["To"] for m in confirmations) == [
            "ana@example.org",
            "ben@example.org",
            "cy@example.org",
        ]
        for message in confirmations:
            if message["To"] != "cy@example.org":  # cy never confirms
                _confirm_in_the_browser(browser, confirm_link(message, base))
        # A run lands the change while the web service takes sign-ups: both write the store.
        answers: list[int] = []
        stop = threading.Event()

        def sign_ups() -> None:
            with httpx.Client(headers={"origin": base.rstrip("/")}) as client:
                while not stop.is_set():
                    form = {
                        "topic": f"trial:{TRIAL}",
                        "email": f"load{len(answers)}@example.org",
                        "consent": "2026-11-27",
                    }
                    answers.append(client.post(f"{base}subscribe", data=form).status_code)
                    time.sleep(0.05)

        writer = threading.Thread(target=sign_ups)
        writer.start()
        try:
            assert run_everything(CHANGED, as_of=TODAY.isoformat(), up_to=ALERTS).success
        finally:
            stop.set()
            writer.join()
        assert len(answers) > 5 and set(answers) == {200}
        with transaction(current.subscribers_store) as con:
            pending = con.execute(
                sa.text("select count(*) from signups where status = 'pending'")
            ).scalar_one()
        assert pending == len(answers) + 1  # cy's, and each one made during the run

        messages = _outbox(data)
        (digest,) = _digests(messages, "ana@example.org")
        assert CHANGE in plain_text(digest)
        assert len(_digests(messages, "ben@example.org")) == 1
        assert [m["Subject"] for m in messages if m["To"] == "cy@example.org"] == [
            "Confirm your trialwatch emails"
        ]
        # Ana unsubscribes with one click; the trial changes back the next day (a new
        # version, posted that day): ben hears of it, ana does not.
        _one_click(digest)
        tomorrow = TODAY + timedelta(days=1)
        back = posted_on(json.loads(FIRST.read_text()), tomorrow)
        reverted = tmp_path / "reverted.json"
        reverted.write_text(json.dumps(back))
        assert run_everything(reverted, as_of=tomorrow.isoformat(), up_to=ALERTS).success
        messages = _outbox(data)
        assert len(_digests(messages, "ana@example.org")) == 1
        assert len(_digests(messages, "ben@example.org")) == 2


def test_the_same_flow_with_postgresql_and_a_real_smtp_server(
    first_day: Path, browser: str, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    shutil.copytree(first_day, data, symlinks=True)
    with postgres_server() as postgres, smtp_server() as (inbox, port):
        postgres.database("subscribers")
        store = f"postgresql://trialwatch@127.0.0.1:{postgres.port}/subscribers"
        mail = {
            "TRIALWATCH_SUBSCRIBERS_URL": store,
            "TRIALWATCH_SMTP_HOST": "127.0.0.1",
            "TRIALWATCH_SMTP_PORT": str(port),
            "TRIALWATCH_SMTP_TLS": "none",
        }
        with (
            served(data, mail) as base,
            data_dir(data),
            environment({**mail, **site_settings(base)}),
        ):
            _sign_up_in_the_browser(browser, base, ["ana@example.org", "cy@example.org"])
            assert sorted(m["To"] for m in inbox.messages) == ["ana@example.org", "cy@example.org"]
            ana = next(m for m in inbox.messages if m["To"] == "ana@example.org")
            _confirm_in_the_browser(browser, confirm_link(ana, base))
            assert run_everything(CHANGED, as_of=TODAY.isoformat(), up_to=ALERTS).success
            (digest,) = _digests(inbox.messages, "ana@example.org")
            assert _digests(inbox.messages, "cy@example.org") == []
            _one_click(digest)
            engine = sa.create_engine(store.replace("postgresql://", "postgresql+psycopg://"))
            with engine.connect() as con:
                statuses = con.execute(sa.text("select status from signups order by id")).scalars()
                assert list(statuses) == ["unsubscribed", "pending"]
            engine.dispose()
