"""Histories drawn at random (tests/support/histories.py): after every run, the run
succeeded, each change reached each follower who was listening exactly once and nobody
else, a dump dated before the last told only what was newer than every version held
(older ones are history, not news) and reused no change id, nothing
published holds a stored contact detail or a registrant's words, and the published
warehouse equals a full rebuild of the same landing.

`make test` plays one short history; `make test-deep` plays as many as fit in the time
it is given (MINUTES=, 60 by default) on both cores, each from a seed of its own, and a
failing one's seed plays it again alone (`make test-deep SEED=<seed>`).
"""

from __future__ import annotations

import os
import random
import shutil
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from orchestration.testing.change_patterns import last_posted
from orchestration.testing.registry_emulator import RegistryEmulator
from tests.support.histories import (
    CONDITIONS,
    OVERALL_STATUSES,
    POOL,
    SITE_STATUSES,
    START,
    Follower,
    new_history,
)

pytestmark = pytest.mark.long(seconds=400)
STEPS = 4  # rules a history draws at most after its first load; about half of them run
WORDS = st.text("abcdefghijklmnopqrstuvwxyz", min_size=4, max_size=8)


class Histories(RuleBasedStateMachine):
    """A registry of a few sample trials and its followers, one step at a time."""

    def __init__(self) -> None:
        super().__init__()
        self.folder = Path(tempfile.mkdtemp(prefix="trialwatch-history-"))
        self.scope = new_history(self.folder / "h")
        self.history = self.scope.__enter__()
        self.people = 0

    def teardown(self) -> None:
        self.scope.__exit__(None, None, None)
        shutil.rmtree(self.folder, ignore_errors=True)

    @initialize(
        follows=st.sampled_from(POOL),
        nct=st.sampled_from(POOL[1:]),
        condition=st.sampled_from(CONDITIONS),
        web=st.booleans(),
    )
    def followers_then_a_new_trial(self, follows: str, nct: str, condition: str, web: bool) -> None:
        # Every history (from the pool's first trial, loaded) runs, with someone listening.
        self._follow(f"trial:{follows}", web)
        self._follow(f"term:{condition}", web=False)
        self._load(nct)

    # ---- steps that run the pipeline -----------------------------------------------------
    def _next_day(self) -> date:
        return max(self.history.days, default=START - timedelta(days=1)) + timedelta(days=1)

    def _load(self, nct: str, edit=None, kill: float | None = None, **extra) -> None:
        """Load a dump of ``nct`` as ``edit`` changes it (and a malformed record)."""
        h = self.history
        day = extra.get("day") or self._next_day()
        earlier = bool(h.days) and day < max(h.days)
        before = h.registry.get(nct)
        record = h.record(nct, day)
        if edit is not None:
            edit(record)
        news = {}
        if before is None:
            news[nct] = "new"
        elif day > last_posted(before) and h.undated(before) != h.undated(record):
            news[nct] = "changed"
        # The registry's version now: the newest by registry date; a record of the same
        # date corrects it (an older one is history, and changes nothing current).
        if before is None or day >= last_posted(before):
            h.registry[nct] = record
        if not earlier:
            h.today = day + timedelta(days=1)
        h.run(h.dump([record], malformed=extra.get("malformed", False)), day, kill_after=kill)
        h.check(news, day)

    @rule(
        nct=st.sampled_from(POOL),
        kill=st.none() | st.floats(3, 40),
        malformed=st.booleans(),
    )
    def a_new_trial(self, nct: str, kill: float | None, malformed: bool) -> None:
        if nct in self.history.registry or nct in self.history.removed:
            return
        self._load(nct, kill=kill, malformed=malformed)

    @precondition(lambda self: self.history.registry)
    @rule(data=st.data(), what=st.sampled_from(("phone", "email", "name")))
    def a_contact_changes(self, data: st.DataObject, what: str) -> None:
        nct = data.draw(st.sampled_from(sorted(self.history.registry)))
        word = data.draw(WORDS)
        values = {
            "phone": f"412-555-{abs(hash(word)) % 10000:04d}",
            "email": f"{word}@contact.example.org",
            "name": f"{word.title()} Vandermolen",
        }

        def edit(record: dict) -> None:
            contacts = record["protocolSection"]["contactsLocationsModule"]["centralContacts"]
            contacts[0][what] = values[what]

        self._load(nct, edit)

    @precondition(lambda self: self.history.registry)
    @rule(data=st.data(), status=st.sampled_from(SITE_STATUSES), opens=st.booleans())
    def a_site_changes(self, data: st.DataObject, status: str, opens: bool) -> None:
        nct = data.draw(st.sampled_from(sorted(self.history.registry)))
        sites = self.history.sites(self.history.registry[nct])
        index = data.draw(st.integers(0, len(sites) - 1))

        def edit(record: dict) -> None:
            places = self.history.sites(record)
            if opens:  # a site opens where one stands, in another city
                places.append({**places[index], "city": f"{places[index]['city']} North"})
                places[-1]["status"] = status
            elif places[index].get("status") != status:
                places[index]["status"] = status
            elif len(places) > 1:  # the same status: the site closes instead
                del places[index]

        self._load(nct, edit)

    @precondition(lambda self: self.history.registry)
    @rule(data=st.data(), status=st.sampled_from(OVERALL_STATUSES))
    def the_trial_status_changes(self, data: st.DataObject, status: str) -> None:
        nct = data.draw(st.sampled_from(sorted(self.history.registry)))
        if self.history.registry[nct]["protocolSection"]["statusModule"]["overallStatus"] == status:
            return

        def edit(record: dict) -> None:
            record["protocolSection"]["statusModule"]["overallStatus"] = status

        self._load(nct, edit)

    @precondition(lambda self: self.history.days)
    @rule()
    def the_same_dump_again(self) -> None:
        h = self.history
        day = max(h.days)
        h.run(h.dump(list(h.registry.values())), day)
        h.check({}, day)

    @precondition(lambda self: len(self.history.days) >= 1 and self.history.registry)
    @rule(data=st.data(), back=st.integers(1, 3))
    def a_dump_dated_before_the_last(self, data: st.DataObject, back: int) -> None:
        nct = data.draw(st.sampled_from(sorted(self.history.registry)))
        day = max(self.history.days) - timedelta(days=back)

        def edit(record: dict) -> None:
            record["protocolSection"]["statusModule"]["overallStatus"] = "ENROLLING_BY_INVITATION"

        self._load(nct, edit, day=day)

    @precondition(lambda self: len(self.history.registry) >= 2)
    @rule(data=st.data())
    def a_trial_is_removed(self, data: st.DataObject) -> None:
        h = self.history
        nct = data.draw(st.sampled_from(sorted(h.registry)))
        day = self._next_day()
        del h.registry[nct]
        h.removed.add(nct)
        # A full pull: the registry serves every trial as it last was, and not this one.
        served = list(h.registry.values())
        with RegistryEmulator(served, data_timestamp=f"{day}T09:00:00") as registry:
            h.run(registry.base_url, day, pull="full")
        h.today = day + timedelta(days=1)
        h.check({}, day)

    # ---- steps that change who follows what ----------------------------------------------
    def _person(self) -> str:
        self.people += 1
        return f"person{self.people}@example.org"

    @rule(nct=st.sampled_from(POOL), web=st.booleans())
    def someone_follows_a_trial(self, nct: str, web: bool) -> None:
        self._follow(f"trial:{nct}", web)

    @rule(condition=st.sampled_from(CONDITIONS))
    def someone_follows_a_condition(self, condition: str) -> None:
        self._follow(f"term:{condition}", web=False)

    @rule(words=WORDS)
    def someone_follows_their_own_words(self, words: str) -> None:
        wording = f"my {words} trouble zq{self.people}"
        self._follow(f"term:{wording}", web=False, wording=wording)

    @rule(bad=st.sampled_from(("not-an-email", "someone@", "a b@example.org")))
    def a_malformed_sign_up(self, bad: str) -> None:
        h = self.history
        h.followers.append(Follower(bad, f"trial:{POOL[0]}", "csv", None, f"tok{self.people}"))
        self.people += 1

    def _follow(self, topic: str, web: bool, wording: str | None = None) -> None:
        h = self.history
        person = Follower(self._person(), topic, "web" if web else "csv", None, wording=wording)
        if web:
            h.web_request(person)
        else:
            person.since, person.token = h.today, f"tok{self.people}"
        h.followers.append(person)

    @rule(data=st.data())
    def a_sign_up_is_confirmed(self, data: st.DataObject) -> None:
        waiting = [f for f in self.history.followers if f.source == "web" and f.since is None]
        if waiting:
            self.history.web_confirm(data.draw(st.sampled_from(waiting)))

    @rule(data=st.data())
    def someone_unsubscribes(self, data: st.DataObject) -> None:
        h = self.history
        following = [f for f in h.followers if f.since is not None and f.stopped is None]
        if not following:
            return
        person = data.draw(st.sampled_from(following))
        if person.source == "web":
            h.web_stop(person)
        else:
            person.stopped = h.today

    @invariant()
    def every_run_was_checked(self) -> None:
        assert len(self.history.days) == self.history.runs


def play(examples: int, steps: int, seed: int | None = None) -> None:
    """Play ``examples`` histories of at most ``steps`` steps (from ``seed``, if given)."""
    machine = Histories
    if seed is not None:
        from hypothesis import seed as with_seed

        machine = with_seed(seed)(type("Seeded", (Histories,), {}))
    run_state_machine_as_test(
        machine,
        settings=settings(
            max_examples=examples,
            stateful_step_count=steps,
            deadline=None,
            database=None,
            derandomize=seed is None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
            print_blob=True,
        ),
    )


def test_a_few_short_histories() -> None:
    play(examples=1, steps=3)


@pytest.mark.deep
# One a core (`make test-deep`: two workers, a lane each).
@pytest.mark.parametrize(
    "lane", [pytest.param(lane, marks=pytest.mark.xdist_group(f"lane{lane}")) for lane in (0, 1)]
)
def test_histories_until_the_time_is_up(lane: int) -> None:
    """As many histories as fit before TRIALWATCH_DEEP_UNTIL (seconds since the epoch),
    each from a seed of its own, written to TRIALWATCH_DEEP_REPORT as it ends; or the one
    of TRIALWATCH_HISTORY_SEED."""
    report = Path(os.environ.get("TRIALWATCH_DEEP_REPORT", os.devnull))
    chosen = os.environ.get("TRIALWATCH_HISTORY_SEED")
    if chosen:
        if lane == 0:
            play(examples=1, steps=STEPS, seed=int(chosen))
        return
    until = float(os.environ.get("TRIALWATCH_DEEP_UNTIL", time.time() + 600))
    chance = random.Random()
    longest = 0.0
    while time.time() + longest < until:
        seed = chance.randrange(2**32)
        started = time.time()
        try:
            play(examples=1, steps=STEPS, seed=seed)
        except BaseException as failure:
            with report.open("a") as out:
                out.write(f"FAILED lane {lane} seed {seed}: {str(failure).splitlines()[0]}\n")
            raise AssertionError(
                f"history of seed {seed} failed: play it again with `make test-deep SEED={seed}`"
            ) from failure
        took = time.time() - started
        longest = max(longest, took)
        with report.open("a") as out:
            out.write(f"passed lane {lane} seed {seed} in {took:.0f} s\n")
