"""Analyst access: Parquet copies of every mart, and a data dictionary that names them all."""

from __future__ import annotations

import json

import polars as pl

from orchestration.lib.common.lake import Lake, open_lake
from orchestration.lib.common.privacy import DETAILS_MASK, people, warehouse_scrubber
from orchestration.lib.common.settings import Settings
from orchestration.lib.warehouse.data_dictionary import DICTIONARY, MANIFEST, render
from tests.support.pipeline import query

MAIN_COLUMNS = """
    select table_name, column_name from information_schema.columns
    where table_schema = 'main' order by table_name, ordinal_position
"""


def test_every_mart_is_exported_as_parquet_with_all_its_rows(sample_warehouse: Settings) -> None:
    exports = sample_warehouse.data_dir / "exports"
    tables = {t for t, _ in query(sample_warehouse, MAIN_COLUMNS)}
    exported = {p.stem: p for p in exports.rglob("*.parquet")}
    assert set(exported) == tables
    # Personal data, what registrants typed and raw input go to analysts only; everything
    # else may be published.
    assert {p.stem for p in (exports / "analysts").glob("*.parquet")} == {
        "contacts",
        "trial_officials",
        "trial_result_contacts",
        "trial_responsible_parties",
        "quarantine",
        "subscriptions_by_topic",
    }
    with open_lake(sample_warehouse) as con:
        columns = con.execute(MAIN_COLUMNS).fetchall()
        for table in tables:
            frame = pl.read_parquet(exported[table])
            [(rows,)] = con.execute(f'select count(*) from main."{table}"').fetchall()
            assert frame.height == rows, table
            assert frame.columns == [c for t, c in columns if t == table], table
    trials = pl.read_parquet(exports / "public" / "trials.parquet")
    assert trials.height == 909 and trials["nct_id"].n_unique() == 909


def test_public_exports_carry_no_contact_detail(sample_warehouse: Settings) -> None:
    exports = sample_warehouse.data_dir / "exports"
    # The contact details of trials and sites, and of the results' points of contact.
    by_table = {
        table: {
            value.lower()
            for (value,) in query(
                sample_warehouse,
                f"select phone from main.{table}"
                " where length(regexp_replace(phone, '\\D', '', 'g')) >= 7"
                f" union select email from main.{table} where email is not null",
            )
        }
        for table in ("contacts", "trial_result_contacts")
    }
    assert len(by_table["contacts"]) > 100 and len(by_table["trial_result_contacts"]) > 50
    details = set().union(*by_table.values())
    masked = 0
    for path in (exports / "public").glob("*.parquet"):
        frame = pl.read_parquet(path)
        for column, dtype in frame.schema.items():
            if dtype == pl.String:
                text = "\n".join(v for v in frame[column].to_list() if v).lower()
                assert not [d for d in details if d in text], (path.name, column)
                masked += text.count(DETAILS_MASK)
    assert masked >= 19  # the Lilly facilities' numbers, at least, were masked
    # The analysts' copy keeps the record as the registry gave it.
    contacts = pl.read_parquet(exports / "analysts" / "contacts.parquet")
    assert contacts["email"].drop_nulls().len() > 0


def test_the_data_dictionary_is_current_and_names_every_mart_column(
    sample_warehouse: Settings,
) -> None:
    assert DICTIONARY.read_text() == render(json.loads(MANIFEST.read_text())), (
        "docs/data-dictionary.md is stale: "
        "run python -m orchestration.lib.warehouse.data_dictionary"
    )
    sections = {part.split("`", 1)[0]: part for part in DICTIONARY.read_text().split("### `")[1:]}
    for table, column in query(sample_warehouse, MAIN_COLUMNS):
        assert f"| `{column}` |" in sections[table], (table, column)


def test_public_exports_are_the_marts_with_every_value_scrubbed(sample_warehouse: Settings) -> None:
    """The exporter sends the scrubber only the values a database pattern flags; the
    files must equal every text value of every mart put through the scrubber."""
    public = sample_warehouse.data_dir / "exports" / "public"
    with Lake.of(sample_warehouse).connect() as con:
        scrubber = warehouse_scrubber(con)
        names = people(con, "NCT00000000", "NCT99999999")
        changed = 0
        for path in sorted(public.glob("*.parquet")):
            mart = con.execute(f'select * from main."{path.stem}"').pl()
            keyed = "nct_id" in mart.columns
            trials = mart["nct_id"].to_list() if keyed else [None] * mart.height
            expected = {}
            for column, dtype in mart.schema.items():
                values = mart[column].to_list()
                if dtype == pl.String:
                    values = [
                        scrubber.text(v, names.get(t, ())) if v else v
                        for v, t in zip(values, trials, strict=True)
                    ]
                    changed += sum(
                        a != b for a, b in zip(values, mart[column].to_list(), strict=True)
                    )
                expected[column] = values
            exported = pl.read_parquet(path)
            assert exported.columns == mart.columns, path.stem
            rows = sorted(exported.rows(), key=repr)
            assert rows == sorted(pl.DataFrame(expected, schema=mart.schema).rows(), key=repr), (
                path.stem
            )
    assert changed >= 19
