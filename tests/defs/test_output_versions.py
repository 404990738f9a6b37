"""Each output's version (lib/common/output_versions.py) is raised when its output changes.

A few sample trials' outputs, as the pipeline made them from the bundled sample, are
held to files under ``tests/golden/<output>/v<version>/``. An output that changed while
its version stayed fails here. Once the version is raised, write the new version's files
with ``GOLDEN=write .venv/bin/pytest tests/defs/test_output_versions.py`` (the earlier
version's go): a version's files are never rewritten.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
from collections.abc import Callable

import duckdb
import pytest

from orchestration.lib.common import output_versions
from orchestration.lib.common.settings import REPO_ROOT, Settings
from orchestration.lib.search.build import INDEX
from orchestration.lib.site.builds import SiteBuilds

GOLDEN = REPO_ROOT / "tests" / "golden"
# Results and six sites; recruiting with contacts (scrubbed on the way out); recruiting.
TRIALS = ("NCT00106392", "NCT04594850", "NCT06615167")


def _documents(current: Settings) -> dict[str, bytes]:
    feed = current.site / "feed" / "trials"
    return {f"{n}.json": (feed / f"{n}.json").read_bytes() for n in TRIALS}


def _pages(current: Settings) -> dict[str, bytes]:
    return {f"{n}.html": (current.site / "trials" / f"{n}.html").read_bytes() for n in TRIALS}


def _search_index(current: Settings) -> dict[str, bytes]:
    builds = SiteBuilds(current.site)
    live = builds.current()
    assert live is not None
    con = sqlite3.connect(f"file:{builds.state(live) / INDEX}?mode=ro", uri=True)
    rows = {}
    for nct_id in TRIALS:
        (trial,) = con.execute("select id from trials where nct_id = ?", [nct_id]).fetchone()
        rows[nct_id] = {
            "trial": con.execute(
                "select nct_id, title, path, status, phase, first_seen, last_updated"
                " from trials where id = ?",
                [trial],
            ).fetchall(),
            "filters": con.execute(
                "select minimum_age, maximum_age, facets from filters where id = ?", [trial]
            ).fetchall(),
            "words": con.execute(
                "select title, conditions, interventions, facets from words where rowid = ?",
                [trial],
            ).fetchall(),
            "sites": con.execute(
                "select s.status, s.trial_status, s.city, s.state, s.country, p.latitude,"
                " p.longitude from sites s left join points p on p.id = s.point"
                " where s.trial = ? order by 1, 2, 3, 4, 5, 6, 7",
                [trial],
            ).fetchall(),
        }
    con.close()
    return {"entries.json": _json(rows)}


def _exports(current: Settings) -> dict[str, bytes]:
    public = current.exports / "public"
    rows = {}
    with duckdb.connect() as con:
        for path in sorted(public.glob("*.parquet")):
            schema = con.execute(f"select name from parquet_schema('{path}')").fetchall()
            names = [name for (name,) in schema]
            if "nct_id" not in names:
                continue
            found = con.execute(
                f"select * from read_parquet('{path}') where nct_id in ? order by all",
                [list(TRIALS)],
            )
            columns = [d[0] for d in found.description]
            rows[path.stem] = [dict(zip(columns, row, strict=True)) for row in found.fetchall()]
    return {"rows.json": _json(rows)}


def _json(value: object) -> bytes:
    return json.dumps(value, indent=1, sort_keys=True, default=str).encode() + b"\n"


OUTPUTS: dict[str, tuple[str, Callable[[Settings], dict[str, bytes]]]] = {
    "documents": ("DOCUMENTS", _documents),
    "pages": ("PAGES", _pages),
    "search-index": ("SEARCH_INDEX", _search_index),
    "exports": ("EXPORTS", _exports),
}


@pytest.mark.parametrize("output", OUTPUTS)
def test_an_output_changes_only_with_its_version(sample_warehouse: Settings, output: str) -> None:
    constant, made = OUTPUTS[output]
    version = getattr(output_versions, constant)
    folder = GOLDEN / output / f"v{version}"
    files = made(sample_warehouse)
    if os.environ.get("GOLDEN") == "write" and not folder.exists():
        shutil.rmtree(GOLDEN / output, ignore_errors=True)
        folder.mkdir(parents=True)
        for name, data in files.items():
            (folder / name).write_bytes(data)
    assert folder.exists(), (
        f"{constant} is {version} and {folder} does not exist: write it with"
        " GOLDEN=write .venv/bin/pytest tests/defs/test_output_versions.py"
    )
    kept = {path.name: path.read_bytes() for path in folder.iterdir()}
    changed = sorted(n for n in files.keys() | kept.keys() if files.get(n) != kept.get(n))
    assert not changed, (
        f"the {output} of {', '.join(changed)} changed while {constant} stayed {version}:"
        f" raise {constant} in orchestration/lib/common/output_versions.py (every"
        f" deployment remakes its {output} whole), then write the new version's files"
    )
