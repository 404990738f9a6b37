"""Progress of a load, for people: a bar on a terminal, a log line every so often."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable

from tqdm import tqdm


class LoadProgress:
    """Counts studies (and pages and retries, for pulls) as a load goes."""

    def __init__(self, log: Callable[[str], None], show: bool, every: int = 50_000) -> None:
        """``show`` draws the bar (on a terminal, or with TRIALWATCH_PROGRESS=1)."""
        self._log = log
        self._every = every
        self._next_log = every
        self._bar = tqdm(unit=" studies", disable=not show, file=sys.stderr, dynamic_ncols=True)

    def update(
        self, records: int, total: int | None = None, pages: int | None = None, retries: int = 0
    ) -> None:
        if total and self._bar.total != total:
            self._bar.total = total
        self._bar.n = records
        postfix = {"retries": retries} if pages is None else {"pages": pages, "retries": retries}
        self._bar.set_postfix(postfix, refresh=True)
        if records >= self._next_log:
            self._next_log = records + self._every
            pages_text = f", {pages:,} pages" if pages is not None else ""
            self._log(f"{records:,} records read{pages_text}, {retries:,} retries")

    def close(self) -> None:
        self._bar.close()


class BackfillProgress:
    """A history backfill's two phases, trials indexed then versions fetched, each as a
    bar with what is left and the time it will take."""

    def __init__(self, log: Callable[[str], None], show: bool, every: int = 1_000) -> None:
        self._log, self._show, self._every = log, show, every
        self._phase: str | None = None
        self._bar: tqdm | None = None
        self._started = 0.0
        self._units = {"index": " trials indexed", "versions": " versions fetched"}

    def update(self, phase: str, done: int, total: int) -> None:
        if phase != self._phase:
            self.close()
            self._phase, self._started = phase, time.monotonic()
            self._bar = tqdm(
                total=total,
                unit=self._units[phase],
                disable=not self._show,
                file=sys.stderr,
                dynamic_ncols=True,
            )
        assert self._bar is not None
        self._bar.total = total
        self._bar.update(done - self._bar.n)  # redrawn at tqdm's pace, not each version
        if done % self._every == 0 or done == total:
            left = (time.monotonic() - self._started) / max(done, 1) * (total - done)
            self._log(
                f"{done:,} of {total:,}{self._units[phase]}; about {left / 3600:.1f} h left"
                " at this rate"
            )

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None
