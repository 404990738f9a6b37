"""Progress of a load, for people: a bar on a terminal, a log line every so often."""

from __future__ import annotations

import sys
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
