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


def _results(study: dict, module: str) -> dict:
    return study.get("resultsSection", {}).get(module, {})


def _number(text: str | None, kind: type = float) -> float | int | None:
    try:
        return kind(text) if text is not None else None
    except ValueError:
        return None


def _result_groups(study: dict) -> Iterator[tuple]:
    for result_type, module, key in (
        ("participant_flow", "participantFlowModule", "groups"),
        ("baseline", "baselineCharacteristicsModule", "groups"),
        ("adverse_events", "adverseEventsModule", "eventGroups"),
    ):
        for ordinal, group in enumerate(_results(study, module).get(key, []), start=1):
            deaths = (group.get("deathsNumAffected"), group.get("seriousNumAffected"))
            yield (result_type, ordinal, group["id"], group.get("title"), *deaths)


def _participant_flow(study: dict) -> Iterator[tuple]:
    periods = _results(study, "participantFlowModule").get("periods", [])
    for p, period in enumerate(periods, start=1):
        for kind, key, counts in (
            ("milestone", "milestones", "achievements"),
            ("drop_withdraw", "dropWithdraws", "reasons"),
        ):
            for f, step in enumerate(period.get(key, []), start=1):
                for o, count in enumerate(step.get(counts, []), start=1):
                    subjects = _number(count.get("numSubjects"), int)
                    yield (p, kind, f, o, step.get("type"), count["groupId"], subjects)


def _cells(measure: dict) -> Iterator[tuple]:
    """Each measurement of a measure: (class, category, position, group, value, number)."""
    for c, klass in enumerate(measure.get("classes", []), start=1):
        for k, category in enumerate(klass.get("categories", []), start=1):
            for o, cell in enumerate(category.get("measurements", []), start=1):
                value = cell.get("value")
                yield (c, k, o, cell.get("groupId"), value, _number(value))


def _baseline_measurements(study: dict) -> Iterator[tuple]:
    measures = _results(study, "baselineCharacteristicsModule").get("measures", [])
    for m, measure in enumerate(measures, start=1):
        for cell in _cells(measure):
            yield (m, *cell, measure.get("title"))


def _denoms(parent: dict) -> Iterator[tuple]:
    for d, denom in enumerate(parent.get("denoms", []), start=1):
        for o, count in enumerate(denom.get("counts", []), start=1):
            yield (d, o, denom.get("units"), count["groupId"], _number(count.get("value"), int))


def _outcomes(study: dict) -> list[dict]:
    return _results(study, "outcomeMeasuresModule").get("outcomeMeasures", [])


def _outcome_groups(study: dict) -> Iterator[tuple]:
    for m, measure in enumerate(_outcomes(study), start=1):
        for o, group in enumerate(measure.get("groups", []), start=1):
            yield (m, o, group["id"], group.get("title"))


def _outcome_analyses(study: dict) -> Iterator[tuple]:
    for m, measure in enumerate(_outcomes(study), start=1):
        for o, analysis in enumerate(measure.get("analyses", []), start=1):
            yield (m, o, analysis.get("groupIds", []), analysis.get("pValue"))


def _adverse_events(study: dict) -> Iterator[tuple]:
    module = _results(study, "adverseEventsModule")
    for kind, key in (("serious", "seriousEvents"), ("other", "otherEvents")):
        for e, event in enumerate(module.get(key, []), start=1):
            for o, stats in enumerate(event.get("stats", []), start=1):
                counts = (stats.get("numEvents"), stats.get("numAffected"), stats.get("numAtRisk"))
                yield (kind, e, o, event.get("term"), stats["groupId"], *counts)


def _one(path: tuple[str, ...], fields: tuple[str, ...]) -> Callable[[dict], Iterator[tuple]]:
    """The fields of the object at ``path`` of a study, as one row when it is there."""

    def rows(study: dict) -> Iterator[tuple]:
        found: dict | None = study
        for key in path:
            found = (found or {}).get(key)
        if found is not None:
            yield tuple(found.get(field) for field in fields)

    return rows


# Each table of the rest of the record: its columns after nct_id, and the rows each
# study's current version gives them.
NESTED: dict[str, tuple[str, Callable[[dict], Iterator[tuple]]]] = {
    "trial_result_groups": (
        "result_type, ordinal, group_code, title, deaths_affected, serious_affected",
        _result_groups,
    ),
    "trial_participant_flow": (
        "period_ordinal, flow_kind, flow_ordinal, ordinal, flow_type, group_code, subjects",
        _participant_flow,
    ),
    "trial_baseline_measurements": (
        "measure_ordinal, class_ordinal, category_ordinal, ordinal, group_code,"
        " param_value, param_value_num, title",
        _baseline_measurements,
    ),
    "trial_baseline_counts": (
        "denom_ordinal, ordinal, units, group_code, count",
        lambda study: _denoms(_results(study, "baselineCharacteristicsModule")),
    ),
    "trial_outcome_measures": (
        "ordinal, outcome_type, title, time_frame",
        lambda study: (
            (o, m.get("type"), m.get("title"), m.get("timeFrame"))
            for o, m in enumerate(_outcomes(study), start=1)
        ),
    ),
    "trial_outcome_groups": ("outcome_ordinal, ordinal, group_code, title", _outcome_groups),
    "trial_outcome_counts": (
        "outcome_ordinal, denom_ordinal, ordinal, units, group_code, count",
        lambda study: (
            (m, *denom)
            for m, measure in enumerate(_outcomes(study), start=1)
            for denom in _denoms(measure)
        ),
    ),
    "trial_outcome_measurements": (
        "outcome_ordinal, class_ordinal, category_ordinal, ordinal, group_code,"
        " param_value, param_value_num",
        lambda study: (
            (m, *cell)
            for m, measure in enumerate(_outcomes(study), start=1)
            for cell in _cells(measure)
        ),
    ),
    "trial_outcome_analyses": (
        "outcome_ordinal, ordinal, group_codes, p_value_raw",
        _outcome_analyses,
    ),
    "trial_adverse_events": (
        "event_type, event_ordinal, ordinal, term, group_code, events, subjects_affected,"
        " subjects_at_risk",
        _adverse_events,
    ),
    "trial_results": (
        "limitations_and_caveats",
        lambda study: (
            (_results(study, "moreInfoModule").get("limitationsAndCaveats", {}).get("description"),)
            for _ in [1]
            if study.get("resultsSection")
        ),
    ),
    "trial_result_contacts": (
        "contact_name, organization, phone, email",
        _one(
            ("resultsSection", "moreInfoModule", "pointOfContact"),
            ("title", "organization", "phone", "email"),
        ),
    ),
    "trial_outcomes": (
        "outcome_type, ordinal, measure, time_frame",
        lambda study: (
            (kind, o, outcome.get("measure"), outcome.get("timeFrame"))
            for kind in ("primary", "secondary", "other")
            for o, outcome in enumerate(
                study["protocolSection"].get("outcomesModule", {}).get(f"{kind}Outcomes", []),
                start=1,
            )
        ),
    ),
    "trial_removed_countries": (
        "ordinal, country",
        lambda study: enumerate(
            study["derivedSection"].get("miscInfoModule", {}).get("removedCountries", []), start=1
        ),
    ),
    "trial_unposted_events": (
        "ordinal, event_type, event_date::varchar, date_unknown",
        lambda study: (
            (o, e.get("type"), e.get("date"), e.get("dateUnknown"))
            for o, e in enumerate(
                study.get("annotationSection", {})
                .get("annotationModule", {})
                .get("unpostedAnnotation", {})
                .get("unpostedEvents", []),
                start=1,
            )
        ),
    ),
    "trial_details": (
        "org_study_id, first_submitted_date::varchar, start_as_given, observational_model,"
        " who_masked, sampling_method, detailed_description",
        lambda study: [
            (
                p["identificationModule"].get("orgStudyIdInfo", {}).get("id"),
                p["statusModule"].get("studyFirstSubmitDate"),
                p["statusModule"].get("startDateStruct", {}).get("date"),
                p["designModule"].get("designInfo", {}).get("observationalModel"),
                p["designModule"].get("designInfo", {}).get("maskingInfo", {}).get("whoMasked", []),
                p["eligibilityModule"].get("samplingMethod"),
                p["descriptionModule"].get("detailedDescription"),
            )
            for p in [study["protocolSection"]]
        ],
    ),
    "trial_oversight": (
        "has_dmc, is_fda_regulated_drug, plan_to_share_ipd, ipd_info_types",
        lambda study: (
            (
                oversight.get("oversightHasDmc"),
                oversight.get("isFdaRegulatedDrug"),
                ipd.get("ipdSharing"),
                ipd.get("infoTypes", []),
            )
            for oversight, ipd in [
                (
                    study["protocolSection"].get("oversightModule", {}),
                    study["protocolSection"].get("ipdSharingStatementModule", {}),
                )
            ]
            if oversight or ipd
        ),
    ),
    "trial_responsible_parties": (
        "responsible_party_type, investigator_name, investigator_affiliation",
        _one(
            ("protocolSection", "sponsorCollaboratorsModule", "responsibleParty"),
            ("type", "investigatorFullName", "investigatorAffiliation"),
        ),
    ),
    "trial_documents": (
        "ordinal, document_type, has_protocol, has_sap, has_icf, filename, size_bytes",
        lambda study: (
            (
                o,
                d.get("typeAbbrev"),
                d.get("hasProtocol"),
                d.get("hasSap"),
                d.get("hasIcf"),
                d.get("filename"),
                d.get("size"),
            )
            for o, d in enumerate(
                study.get("documentSection", {})
                .get("largeDocumentModule", {})
                .get("largeDocs", []),
                start=1,
            )
        ),
    ),
}


@pytest.mark.parametrize("table", sorted(NESTED))
def test_each_results_and_protocol_table_holds_the_records_rows(
    table: str, sample_warehouse: Settings, sample_records: list[dict]
) -> None:
    columns, rows = NESTED[table]
    expected = sorted((_nct(study), *row) for study in sample_records for row in rows(study))
    assert expected, f"the sample has no rows for {table}: the test would mean nothing"
    actual = query(sample_warehouse, f"select nct_id, {columns} from main.{table}")
    assert sorted(actual, key=repr) == sorted(expected, key=repr)
