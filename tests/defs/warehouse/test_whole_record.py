"""The rest of the record (issue 24): each module's tables on the sample, row for row
against the raw JSON read with the standard library."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from orchestration.lib.common.settings import Settings
from tests.support.pipeline import query


def _nct(study: dict) -> str:
    return study["protocolSection"]["identificationModule"]["nctId"]


def _listed(module: str, key: str) -> Callable[[dict], list]:
    """The list ``key`` of a study's protocol module ``module``."""
    return lambda study: study["protocolSection"].get(module, {}).get(key, [])


def _rows(
    records: list[dict], items: Callable[[dict], list], row: Callable[[object], tuple]
) -> Iterator[tuple]:
    for study in records:
        for ordinal, item in enumerate(items(study), start=1):
            yield (_nct(study), ordinal, *row(item))


TABLES = {
    "trial_keywords": (
        "keyword",
        _listed("conditionsModule", "keywords"),
        lambda keyword: (keyword,),
    ),
    "trial_secondary_ids": (
        "secondary_id, id_type, id_domain, id_link",
        _listed("identificationModule", "secondaryIdInfos"),
        lambda i: (i.get("id"), i.get("type"), i.get("domain"), i.get("link")),
    ),
    "trial_arm_groups": (
        "label, group_type, description, intervention_names",
        _listed("armsInterventionsModule", "armGroups"),
        lambda a: (
            a.get("label"),
            a.get("type"),
            a.get("description"),
            a.get("interventionNames", []),
        ),
    ),
    "trial_references": (
        "pmid, reference_type, citation, retraction_count",
        _listed("referencesModule", "references"),
        lambda r: (r.get("pmid"), r.get("type"), r.get("citation"), len(r.get("retractions", []))),
    ),
    "trial_officials": (
        "name, affiliation, role",
        _listed("contactsLocationsModule", "overallOfficials"),
        lambda o: (o.get("name"), o.get("affiliation"), o.get("role")),
    ),
    "trial_links": (
        "url, label",
        _listed("referencesModule", "seeAlsoLinks"),
        lambda link: (link.get("url"), link.get("label")),
    ),
}


@pytest.mark.parametrize("table", sorted(TABLES))
def test_each_table_holds_the_records_lists(
    table: str, sample_warehouse: Settings, sample_records: list[dict]
) -> None:
    columns, items, row = TABLES[table]
    expected = sorted(_rows(sample_records, items, row))
    assert expected, f"the sample has no rows for {table}: the test would mean nothing"
    actual = query(sample_warehouse, f"select nct_id, ordinal, {columns} from main.{table}")
    assert sorted(actual) == expected


def test_intervention_terms_are_the_records_meshes_and_ancestors(
    sample_warehouse: Settings, sample_records: list[dict]
) -> None:
    expected: dict[tuple[str, str], tuple[str, str]] = {}
    for study in sample_records:
        browse = study.get("derivedSection", {}).get("interventionBrowseModule", {})
        for relation, key in (("ancestor", "ancestors"), ("direct", "meshes")):
            for mesh in browse.get(key, []):  # direct last: a term that is both is direct
                expected[_nct(study), mesh["id"]] = (mesh["term"], relation)
    assert {r for _, r in expected.values()} == {"direct", "ancestor"}
    actual = query(
        sample_warehouse,
        "select nct_id, mesh_id, mesh_term, relation from main.trial_intervention_terms",
    )
    assert sorted(actual) == sorted((*key, *value) for key, value in expected.items())
