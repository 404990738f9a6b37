"""The deterministic plain-language writer."""

from __future__ import annotations

import dataclasses

from orchestration.lib.site.plain_language import DeterministicWriter, readability_grade
from tests.support.records import SEED_LIKE


def test_the_summary_says_what_who_how_many_and_what_is_measured() -> None:
    plain = DeterministicWriter().write(SEED_LIKE)
    assert plain.summary.startswith(
        "This study tests interferon gamma-1b and biospecimen collection in adults with "
        "acute myeloid leukemia or myelodysplastic syndrome."
    )
    assert "It plans to enroll 45 adults." in plain.summary
    assert "The main thing it measures is: relapse-free survival." in plain.summary
    # Only substances are listed as such, each with a lay description of its kind.
    assert [(s.name, s.kind) for s in plain.substances] == [
        ("Interferon Gamma-1b", "a medicine made from living cells or proteins")
    ]
    assert any("no comparison group" in c for c in plain.cautions)
    assert any("small (45 people)" in c for c in plain.cautions)
    assert plain.writer == "deterministic"


def test_the_same_record_gives_the_same_words() -> None:
    assert DeterministicWriter().write(SEED_LIKE) == DeterministicWriter().write(dict(SEED_LIKE))


def test_the_design_and_the_population_change_the_words() -> None:
    randomized = {
        **SEED_LIKE,
        "allocation": "RANDOMIZED",
        "intervention_model": "PARALLEL",
        "maximum_age_years": 12.0,
        "minimum_age_years": 2.0,
        "enrollment_type": "ACTUAL",
        "enrollment_count": 1200,
        "interventions": [{"type": "DRUG", "name": "Placebo", "description": None}],
    }
    plain = DeterministicWriter().write(randomized)
    assert "in children with" in plain.summary
    assert "It enrolled 1,200 children." in plain.summary
    assert "people are put into groups by chance" in plain.summary
    assert "a dummy treatment with no active medicine" in plain.summary
    assert not any("no comparison group" in c for c in plain.cautions)
    observational = DeterministicWriter().write({**SEED_LIKE, "study_type": "OBSERVATIONAL"})
    assert observational.summary.startswith("This study follows adults with")
    assert observational.could_lead_to == ""


def test_a_plain_summary_reads_below_a_registry_summary() -> None:
    registry = (
        "This phase II trial tests how well interferon gamma-1b given together with donor "
        "leukocyte infusion works in treating patients with acute myeloid leukemia that has "
        "come back after an allogeneic hematopoietic cell transplant."
    )
    plain = DeterministicWriter().write(SEED_LIKE).summary
    assert readability_grade(plain) <= 8 < readability_grade(registry)


def test_risks_the_record_names_are_quoted_among_the_cautions() -> None:
    summary = (
        "This trial tests a new drug. Side effects may include nausea and tiredness. "
        "It may reduce the risk of relapse. Serious complications are rare."
    )
    cautions = DeterministicWriter().write({**SEED_LIKE, "brief_summary": summary}).cautions
    named = [c for c in cautions if c.startswith("The record names this risk")]
    assert named == [
        "The record names this risk: “Side effects may include nausea and tiredness”",
        "The record names this risk: “Serious complications are rare”",
    ]


def test_as_dict_is_a_copy_with_every_field() -> None:
    plain = DeterministicWriter().write(SEED_LIKE)
    document = plain.as_dict()
    assert plain.substances, "the seed-like trial names its substances"
    assert document == dataclasses.asdict(plain)
    document["substances"][0]["name"] = "changed"
    document["cautions"].append("changed")
    assert plain.substances[0].name != "changed" and "changed" not in plain.cautions
