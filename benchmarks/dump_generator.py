"""Registry-sized dumps for benchmarks, made from the real sample.

``full_dump`` writes a dump in the bulk-download layout (one zip, one
``NCTxxxxxxxx.json`` per study) of any size. Study ``i`` is a sample record under a
new NCT id, varied the way the registry varies:

- its overall status is drawn from the sample's own mix of statuses, and its sites
  say what sites say under that status (a status only while the study recruits);
- its dates move together by up to ten years, partial dates staying partial;
- about half its sites are swapped for sites drawn from a pool of every sample site,
  weighted so that a few centres appear in thousands of trials, as real ones do.

``daily_dump`` writes the dump of one later day holding only the studies that
changed that day, as an incremental registry pull returns them: each changed study
moves to the next version of a real trial's history (status, dates, enrollment,
criteria), and a third of them also open, close or add a site.

Every study and every day is a pure function of (seed, index, day): any dump can be
regenerated without the others, and a series reads the same on every machine.
"""

from __future__ import annotations

import argparse
import bisect
import gzip
import itertools
import random
import zipfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache, cached_property
from pathlib import Path
from typing import Any

import orjson

from orchestration.lib.common.settings import SAMPLE_DUMP
from orchestration.testing.change_patterns import apply_version, read_histories

# Generated ids start here, far above the registry's (NCT07xxxxxx in 2026).
FIRST_ID = 20_000_000
MAX_SHIFT_DAYS = 3_650
RECRUITING_STATES = {"RECRUITING", "NOT_YET_RECRUITING", "ENROLLING_BY_INVITATION"}
SITE_STATES_WHILE_RECRUITING = ("RECRUITING", "RECRUITING", "RECRUITING", "NOT_YET_RECRUITING")
# Deflate at level 1: the registry's archive is about 4:1, this is close and four times
# quicker to write; readers inflate both at the same speed.
COMPRESS_LEVEL = 1


def nct_id(index: int) -> str:
    return f"NCT{FIRST_ID + index:08d}"


@dataclass
class Generator:
    """Makes study ``index`` as of ``day``; one instance per process (it holds the sample)."""

    seed: int = 1
    base_day: date = date(2026, 7, 1)

    @cached_property
    def templates(self) -> list[bytes]:
        with gzip.open(SAMPLE_DUMP, "rb") as handle:
            return [line for line in handle if line.strip()]

    @cached_property
    def parsed(self) -> list[dict[str, Any]]:
        """The templates parsed once, to read from (``study`` parses its own copy)."""
        return [orjson.loads(text) for text in self.templates]

    @cached_property
    def statuses(self) -> tuple[list[str], list[int]]:
        counts = Counter(
            _get(t, "protocolSection", "statusModule", "overallStatus") for t in self.parsed
        )
        names = sorted(name for name in counts if name)
        return names, list(itertools.accumulate(counts[n] for n in names))

    @cached_property
    def site_pool(self) -> tuple[list[dict[str, Any]], list[float]]:
        """Every distinct sample site, with Zipf weights so that a few are very common."""
        seen: dict[tuple, dict[str, Any]] = {}
        for template in self.parsed:
            for site in _locations(template) or []:
                key = (site.get("facility"), site.get("city"), site.get("country"))
                seen.setdefault(key, {k: v for k, v in site.items() if k not in _TRIAL_OWN})
        sites = list(seen.values())
        random.Random(self.seed).shuffle(sites)
        return sites, list(itertools.accumulate(1 / rank for rank in range(1, len(sites) + 1)))

    @cached_property
    def histories(self) -> list[list]:
        return [h for h in read_histories().values() if len(h) > 1]

    def study(self, index: int, day: date | None = None) -> dict[str, Any]:
        """Study ``index`` as first generated, stamped with ``day``."""
        rng = random.Random(self.seed * 1_000_003 + index)
        record = orjson.loads(self.templates[index % len(self.templates)])
        protocol = record.setdefault("protocolSection", {})
        protocol.setdefault("identificationModule", {})["nctId"] = nct_id(index)
        status = protocol.setdefault("statusModule", {})
        names, cumulative = self.statuses
        overall = names[bisect.bisect_right(cumulative, rng.randrange(cumulative[-1]))]
        status["overallStatus"] = overall
        _shift_dates(status, timedelta(days=rng.randint(-MAX_SHIFT_DAYS, 0)))
        sites = _locations(record)
        if sites:
            pool, weights = self.site_pool
            for position in range(len(sites)):
                if rng.random() < 0.5:
                    pick = bisect.bisect_right(weights, rng.random() * weights[-1])
                    sites[position] = dict(pool[min(pick, len(pool) - 1)])
            for site in sites:
                _set_site_status(site, overall, rng)
        enrollment = protocol.get("designModule", {}).get("enrollmentInfo")
        if isinstance(enrollment, dict) and isinstance(enrollment.get("count"), int):
            enrollment["count"] = max(1, round(enrollment["count"] * rng.uniform(0.5, 2.0)))
        _stamp(record, day or self.base_day)
        return record

    def changed_on(self, day_number: int, size: int, changed: int) -> frozenset[int]:
        """The studies (indexes) that change on day ``day_number`` (1, 2, ...)."""
        return _changed_on(self.seed, day_number, size, changed)

    def study_on(self, index: int, day_number: int, size: int, changed: int) -> dict[str, Any]:
        """Study ``index`` as of day ``day_number``, after every change up to that day."""
        times = sum(index in self.changed_on(d, size, changed) for d in range(1, day_number))
        return self._changed(index, times + 1, day_number)

    def _changed(self, index: int, times: int, day_number: int) -> dict[str, Any]:
        day = self.base_day + timedelta(days=day_number)
        history = self.histories[index % len(self.histories)]
        version = history[min(times, len(history) - 1)]
        record = apply_version(self.study(index), version)
        rng = random.Random(self.seed * 104_729 + index * 31 + times)
        sites = _locations(record)
        if sites and rng.random() < 1 / 3:
            site = rng.choice(sites)
            site["status"] = rng.choice(("RECRUITING", "COMPLETED", "ACTIVE_NOT_RECRUITING"))
        elif rng.random() < 1 / 6:
            pool, _ = self.site_pool
            record["protocolSection"].setdefault("contactsLocationsModule", {}).setdefault(
                "locations", []
            ).append({**rng.choice(pool), "status": "RECRUITING"})
        _stamp(record, day)
        return record


# What a pooled site leaves behind with the trial it came from: its contacts and status.
_TRIAL_OWN = ("contacts", "status")


@cache
def _changed_on(seed: int, day_number: int, size: int, changed: int) -> frozenset[int]:
    rng = random.Random(seed * 7_919 + day_number)
    return frozenset(rng.sample(range(size), min(changed, size)))


def _get(record: Any, *keys: str) -> Any:
    for key in keys:
        record = record.get(key) if isinstance(record, dict) else None
    return record


def _locations(record: dict[str, Any]) -> list[dict[str, Any]] | None:
    sites = _get(record, "protocolSection", "contactsLocationsModule", "locations")
    return sites if isinstance(sites, list) else None


def _set_site_status(site: dict[str, Any], overall: str, rng: random.Random) -> None:
    if overall in RECRUITING_STATES:
        site["status"] = rng.choice(SITE_STATES_WHILE_RECRUITING)
    else:
        site.pop("status", None)


def _shift_dates(status: dict[str, Any], shift: timedelta) -> None:
    for key, value in status.items():
        if key.endswith("DateStruct") and isinstance(value, dict) and "date" in value:
            value["date"] = _shift(value["date"], shift)
        elif key.endswith("Date") and isinstance(value, str):
            status[key] = _shift(value, shift)


def _shift(text: str, shift: timedelta) -> str:
    """Move a full or partial date (2024, 2024-05, 2024-05-17), keeping its precision."""
    try:
        if len(text) == 10:
            return (date.fromisoformat(text) + shift).isoformat()
        if len(text) == 7:
            return (date.fromisoformat(text + "-15") + shift).isoformat()[:7]
    except ValueError:
        pass
    return text


def _stamp(record: dict[str, Any], day: date) -> None:
    derived = record.setdefault("derivedSection", {})
    derived.setdefault("miscInfoModule", {})["versionHolder"] = day.isoformat()


def write_zip(path: Path, records: Iterator[dict[str, Any]], day: date) -> Path:
    """Write the bulk-download layout, atomically: a killed run leaves no half dump."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    stamp = (day.year, day.month, day.day, 0, 0, 0)
    with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED, compresslevel=COMPRESS_LEVEL) as out:
        for record in records:
            name = record["protocolSection"]["identificationModule"]["nctId"] + ".json"
            info = zipfile.ZipInfo(name, stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            out.writestr(info, orjson.dumps(record), compresslevel=COMPRESS_LEVEL)
    partial.replace(path)
    return path


def full_dump(path: Path, size: int, generator: Generator) -> Path:
    """All ``size`` studies as first seen on the generator's base day."""
    return write_zip(path, (generator.study(i) for i in range(size)), generator.base_day)


def daily_dump(path: Path, day_number: int, size: int, changed: int, generator: Generator) -> Path:
    """The studies that changed on day ``day_number``, as they read that day."""
    day = generator.base_day + timedelta(days=day_number)
    studies = (
        generator.study_on(i, day_number, size, changed)
        for i in sorted(generator.changed_on(day_number, size, changed))
    )
    return write_zip(path, studies, day)


def main() -> None:
    parser = argparse.ArgumentParser(description="Write benchmark dumps from the sample.")
    parser.add_argument("folder", type=Path)
    parser.add_argument("--studies", type=int, default=10_000)
    parser.add_argument("--days", type=int, default=1, help="daily dumps after the full one")
    parser.add_argument("--changed", type=int, default=1_000, help="studies changed per day")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    generator = Generator(seed=args.seed)
    print(full_dump(args.folder / "day-0.zip", args.studies, generator))
    for day in range(1, args.days + 1):
        print(
            daily_dump(args.folder / f"day-{day}.zip", day, args.studies, args.changed, generator)
        )


if __name__ == "__main__":
    main()
