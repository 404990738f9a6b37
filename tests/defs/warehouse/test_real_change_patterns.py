"""What counts as a change matches how 140 real trials changed.

The registry's history of 140 trials (876 versions) is replayed onto sample records,
one record per version stamped with its real date, and loaded. The versions,
changes and status runs the warehouse finds are checked against the history file
itself, read here with Polars.
"""

from __future__ import annotations

from collections.abc import Iterator

import polars as pl
import pytest

from orchestration.lib.common.settings import CTHIST_VERSIONS, Settings
from orchestration.testing.change_patterns import apply_version, read_histories, stamp, write_jsonl
from tests.support.pipeline import WAREHOUSE, data_dir, query, run_everything

# About 45 s of a worker's time on CI.
pytestmark = pytest.mark.long(seconds=45)

# The fields the history file holds, as trial_changes names them, and its columns.
FIELDS = {
    "overall_status": ["overall_status"],
    "start_date": ["study_start_date", "study_start_date_precision"],
    "primary_completion_date": ["primary_completion_date", "primary_completion_date_precision"],
    "primary_completion_date_type": ["primary_completion_date_type"],
    "enrollment_count": ["enrolment"],
    "enrollment_type": ["enrolment_type"],
    "eligibility_criteria": ["criteria"],
    "minimum_age": ["min_age"],
    "maximum_age": ["max_age"],
}
STATUSES = {
    "Recruiting": "RECRUITING",
    "Not yet recruiting": "NOT_YET_RECRUITING",
    "Active, not recruiting": "ACTIVE_NOT_RECRUITING",
    "Completed": "COMPLETED",
    "Terminated": "TERMINATED",
    "Suspended": "SUSPENDED",
    "Unknown status": "UNKNOWN",
}


@pytest.fixture(scope="module")
def history() -> pl.DataFrame:
    raw = pl.read_csv(CTHIST_VERSIONS, infer_schema=False, null_values=["NA"])
    return raw.with_columns(
        pl.col("version_number").cast(pl.Int64),
        pl.col("version_date").str.to_date(),
        *[pl.col(c).str.strip_chars().alias(f"{c}_clean") for c in ("overall_status",)],
    ).sort("nctid", "version_number")


@pytest.fixture(scope="module")
def replayed(
    tmp_path_factory: pytest.TempPathFactory, sample_records: list[dict]
) -> Iterator[Settings]:
    records = []
    histories = sorted(read_histories().items())
    for base, (nct_id, versions) in zip(sample_records[: len(histories)], histories, strict=True):
        for version in versions:
            record = apply_version(base, version)
            record["protocolSection"]["identificationModule"]["nctId"] = nct_id
            records.append(stamp(record, version.version_date))
    folder = tmp_path_factory.mktemp("real-patterns")
    dump = write_jsonl(folder / "histories.jsonl", records)
    with data_dir(folder) as current:
        assert run_everything(dump, up_to=WAREHOUSE).success
        yield current


def _changed(history: pl.DataFrame, columns: list[str]) -> pl.Expr:
    """A version differs from the one before in any of these columns (spaces ignored)."""
    return pl.any_horizontal(
        pl.col(c).str.strip_chars().ne_missing(pl.col(c).str.strip_chars().shift(1).over("nctid"))
        for c in columns
    ) & (pl.col("version_number") > 1)


def _expected_changes(history: pl.DataFrame) -> set[tuple[str, str, str]]:
    found = set()
    for field, columns in FIELDS.items():
        rows = history.filter(_changed(history, columns)).select("nctid", "version_date")
        found |= {(n, d.isoformat(), field) for n, d in rows.iter_rows()}
    return found


def test_every_real_version_is_a_version(replayed: Settings, history: pl.DataFrame) -> None:
    versions = query(
        replayed,
        "select nct_id, version_number, valid_from from main.trial_versions order by 1, 2",
    )
    assert versions == list(history.select("nctid", "version_number", "version_date").iter_rows())
    trials = query(replayed, "select nct_id, first_seen, update_count from main.trials order by 1")
    expected = history.group_by("nctid").agg(
        pl.col("version_date").min(), (pl.len() - 1).cast(pl.Int64)
    )
    assert trials == sorted(expected.iter_rows())


def test_changes_are_the_real_changes(replayed: Settings, history: pl.DataFrame) -> None:
    found = query(
        replayed,
        "select nct_id, changed_on::varchar, field from main.trial_changes",
    )
    assert len(found) == len(set(found))
    assert set(found) == _expected_changes(history)


def test_status_and_enrollment_values_are_the_real_ones(
    replayed: Settings, history: pl.DataFrame
) -> None:
    found = query(
        replayed,
        """
        select nct_id, changed_on, field, old_value, new_value from main.trial_changes
        where field in ('overall_status', 'enrollment_count')
        """,
    )
    with_previous = history.with_columns(
        pl.col("overall_status_clean").replace_strict(STATUSES).alias("status"),
        pl.col("enrolment").str.strip_chars().alias("enrollment"),
    ).with_columns(
        pl.col("status").shift(1).over("nctid").alias("previous_status"),
        pl.col("enrollment").shift(1).over("nctid").alias("previous_enrollment"),
    )
    expected = set()
    for row in with_previous.filter(pl.col("version_number") > 1).iter_rows(named=True):
        key = (row["nctid"], row["version_date"])
        if row["status"] != row["previous_status"]:
            expected.add((*key, "overall_status", row["previous_status"], row["status"]))
        if row["enrollment"] != row["previous_enrollment"]:
            expected.add((*key, "enrollment_count", row["previous_enrollment"], row["enrollment"]))
    assert set(found) == expected


def test_status_runs_are_the_real_runs(replayed: Settings, history: pl.DataFrame) -> None:
    found = query(
        replayed,
        """
        select nct_id, status, valid_from, valid_to from main.recruiting_status
        where level = 'trial' order by 1, 3
        """,
    )
    expected = []
    for (nct_id,), versions in history.group_by("nctid", maintain_order=True):
        runs: list[list] = []
        for status, day in versions.select("overall_status_clean", "version_date").iter_rows():
            if runs and runs[-1][1] == STATUSES[status]:
                continue
            if runs:
                runs[-1][3] = day
            runs.append([nct_id, STATUSES[status], day, None])
        expected += [tuple(run) for run in runs]
    assert found == sorted(expected, key=lambda r: (r[0], r[2]))


def test_a_date_slip_reads_as_one(replayed: Settings) -> None:
    # NCT01352702's primary completion slipped from Feb 2012 to Feb 2013 on 2012-04-24.
    assert query(
        replayed,
        """
        select sentence from main.trial_changes
        where nct_id = 'NCT01352702' and changed_on = '2012-04-24'
            and field = 'primary_completion_date'
        """,
    ) == [("The primary completion date moved from February 2012 to February 2013.",)]
