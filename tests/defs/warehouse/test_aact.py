"""AACT's schema (issue 24): the `aact` views cover AACT's tables and columns, their ids
find their rows, and the queries of docs/coming-from-aact.md run unchanged and answer
what the raw records say."""

from __future__ import annotations

import csv
import re
from collections import Counter

import pytest

from orchestration.lib.common.lake import open_lake
from orchestration.lib.common.settings import REPO_ROOT, Settings
from orchestration.lib.warehouse.data_dictionary import ABSENT
from tests.support.pipeline import query
from tests.support.seed_runs import DailyRuns

REFERENCE = REPO_ROOT / "data" / "reference" / "aact-ctgov_v2-tables-columns.tsv"
GUIDE = REPO_ROOT / "docs" / "coming-from-aact.md"
VIEW_COLUMNS = """
    select table_name, column_name from duckdb_columns()
    where database_name = 'lake' and schema_name = 'aact'
"""
# Each id column that points at another view's rows, and that view.
POINTERS = {
    "result_group_id": "result_groups",
    "outcome_id": "outcomes",
    "outcome_analysis_id": "outcome_analyses",
    "design_group_id": "design_groups",
    "intervention_id": "interventions",
    "facility_id": "facilities",
    "reference_id": "study_references",
}


def _aact_columns() -> dict[str, list[str]]:
    with REFERENCE.open(newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    columns: dict[str, list[str]] = {}
    for row in rows:
        columns.setdefault(row["table"], []).append(row["column"])
    return columns


def _views(sample: Settings) -> dict[str, set[str]]:
    views: dict[str, set[str]] = {}
    for table, column in query(sample, VIEW_COLUMNS):
        views.setdefault(table, set()).add(column)
    return views


def test_every_aact_table_is_a_view_with_its_columns_or_listed_absent(
    sample_warehouse: Settings,
) -> None:
    aact, views = _aact_columns(), _views(sample_warehouse)
    with ABSENT.open(newline="") as handle:
        absent = {row["table_name"]: row["reason"] for row in csv.DictReader(handle)}
    assert len(aact) > 45
    assert set(absent) <= set(aact), "aact_absent lists a table AACT does not have"
    for table, columns in sorted(aact.items()):
        if table in absent:
            assert table not in views, f"{table} is a view and listed absent"
            assert len(absent[table]) > 20, f"{table} is listed absent without a reason"
            continue
        assert table in views, f"AACT's {table} is neither a view in aact nor in {ABSENT.name}"
        missing = [column for column in columns if column not in views[table]]
        assert not missing, f"aact.{table} lacks AACT's columns {missing}"
    assert set(views) <= set(aact), "a view in aact that AACT does not have"


def test_every_id_is_a_key_and_every_pointer_finds_its_row(sample_warehouse: Settings) -> None:
    views = _views(sample_warehouse)
    checked = Counter()
    with open_lake(sample_warehouse) as con:
        for view, columns in sorted(views.items()):
            key = "nct_id" if view == "studies" else "id"
            [(rows, keys, empty)] = con.execute(
                f"select count(*), count(distinct {key}), count(*) - count({key}) from aact.{view}"
            ).fetchall()
            assert rows == keys and not empty, f"aact.{view}.{key} is not a key"
            for column in sorted(columns & set(POINTERS)):
                target = POINTERS[column]
                [(lost, total)] = con.execute(
                    f"select count(*) filter (where target.id is null), count(*) from aact.{view}"
                    f" as pointing left join aact.{target} as target"
                    f" on pointing.{column} = target.id"
                ).fetchall()
                assert not lost, f"{lost} of aact.{view}.{column} find no {target} row"
                checked[column] += total
    # Every kind of pointer was checked on some rows (the sample cites no retraction).
    assert {column for column, rows in checked.items() if rows} == set(POINTERS) - {"reference_id"}


def _guide_queries() -> list[str]:
    text = GUIDE.read_text()
    section = text.split("## Three AACT queries, unchanged", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sql\n(.*?)```", section, flags=re.S)


def _study(record: dict) -> tuple[str, dict, dict]:
    return (
        record["protocolSection"]["identificationModule"]["nctId"],
        record["protocolSection"],
        record.get("resultsSection", {}),
    )


def _serious_events_for_prostatic_neoplasms(records: list[dict]) -> list[tuple]:
    rows = []
    for record in records:
        nct_id, _, results = _study(record)
        meshes = record["derivedSection"].get("conditionBrowseModule", {}).get("meshes", [])
        if "prostatic neoplasms" not in {mesh["term"].lower() for mesh in meshes}:
            continue
        module = results.get("adverseEventsModule", {})
        arms = {group["id"]: group.get("title") for group in module.get("eventGroups", [])}
        for event in module.get("seriousEvents", []):
            for stats in event.get("stats", []):
                rows.append(
                    (
                        nct_id,
                        arms[stats["groupId"]],
                        event.get("term"),
                        stats.get("numAffected"),
                        stats.get("numAtRisk"),
                    )
                )
    return rows


def _enrollment_by_phase_and_sponsor_class(records: list[dict]) -> list[tuple]:
    totals: dict[tuple, list[int]] = {}
    for record in records:
        _, protocol, _ = _study(record)
        enrollment = protocol["designModule"].get("enrollmentInfo", {})
        if enrollment.get("type") != "ACTUAL":
            continue
        phase = "/".join(protocol["designModule"].get("phases", [])) or None
        lead = protocol["sponsorCollaboratorsModule"]["leadSponsor"].get("class")
        total = totals.setdefault((phase, lead), [0, 0])
        total[0] += 1
        total[1] += enrollment.get("count") or 0
    return [(phase, lead, n, people) for (phase, lead), (n, people) in totals.items()]


def _primary_outcomes_of_completed_trials(records: list[dict]) -> list[tuple]:
    rows = []
    for record in records:
        nct_id, protocol, results = _study(record)
        if protocol["statusModule"].get("overallStatus") != "COMPLETED":
            continue
        for measure in results.get("outcomeMeasuresModule", {}).get("outcomeMeasures", []):
            if measure.get("type") != "PRIMARY":
                continue
            arms = {group["id"]: group.get("title") for group in measure.get("groups", [])}
            for klass in measure.get("classes", []):
                for category in klass.get("categories", []):
                    for cell in category.get("measurements", []):
                        try:
                            value = float(cell.get("value"))
                        except (TypeError, ValueError):
                            value = None
                        rows.append(
                            (
                                nct_id,
                                measure.get("title"),
                                arms[cell["groupId"]],
                                measure.get("paramType"),
                                value,
                                measure.get("unitOfMeasure"),
                            )
                        )
    return rows


ANSWERS = [
    _serious_events_for_prostatic_neoplasms,
    _enrollment_by_phase_and_sponsor_class,
    _primary_outcomes_of_completed_trials,
]


@pytest.mark.parametrize("number", [1, 2, 3])
def test_each_guide_query_runs_unchanged_and_answers_what_the_records_say(
    number: int, sample_warehouse: Settings, sample_records: list[dict]
) -> None:
    sql = _guide_queries()[number - 1]
    expected = ANSWERS[number - 1](sample_records)
    assert len(expected) >= 5, "the sample gives this query too little to check"
    with open_lake(sample_warehouse) as con:
        con.execute("use aact")
        actual = con.execute(sql).fetchall()
    assert sorted(actual, key=repr) == sorted(expected, key=repr)


def test_the_guide_attaches_an_earlier_snapshot_whose_views_read_its_own_tables(
    seed_daily_runs: DailyRuns,
) -> None:
    current = seed_daily_runs.current
    sites = (
        "select (select list([status, name] order by status, name) from {0}.aact.facilities),"
        " (select list([site_status, facility] order by site_status, facility)"
        " from {0}.main.trial_sites)"
    )
    with open_lake(current) as con:
        [(first, last)] = con.execute(
            "select min(snapshot_id), max(snapshot_id) from runs"
        ).fetchall()
        options = f"data_path '{current.lake_data_path}', read_only, snapshot_version {first}"
        con.execute(f"attach 'ducklake:{current.lake_catalog}' as earlier ({options})")
        [(then, then_sites)] = con.execute(sites.format("earlier")).fetchall()
        [(now, now_sites)] = con.execute(sites.format("lake")).fetchall()
    # Each snapshot's views read that snapshot's tables; the seed trial's sites changed.
    assert (then, now) == (then_sites, now_sites)
    assert first < last and then != now
