"""The privacy scrubber and what the scanner finds: details by pattern and as stored,
escaped, reformatted and extended; person names, but not roles or organisations."""

from __future__ import annotations

import html
import re
import sys

import duckdb
import pytest

from orchestration.lib.common.privacy import (
    _CLUSTER,
    _S,
    _SEPARATOR_RE2,
    DETAILS_MASK,
    MAY_HOLD_DETAIL,
    NAME_MASK,
    Scrubber,
    _clusters,
    contact_details,
    digits,
    name_words,
    person_names,
)

STORED = Scrubber.of(["+1 (412) 555-0199", "Study.Desk@Example.org", "0516366", "613", "ext. 12"])


@pytest.mark.parametrize(
    "text",
    [
        "call 412-555-0199",
        "call (412) 555-0199 ext. 204",
        "call 1.412.555.0199 x204",
        "call +1 412 555 0199",
        "call 4125550199",  # the stored number, without separators
        "call 412\u2011555\u20110199",  # non-breaking hyphens
        "contact 1-877-CTLILLY (1-877-285-4559, 1-317-615-4559)",
        "phone +33 1 42 34 56 78",
        "tel. 020 7946 0958",
        "Rufnummer +49 (30) 1234567",
        "or 0516366",  # a stored 7-digit number, standing alone
        "write to study.desk@EXAMPLE.org",
        "write to o'brien@example.org",
    ],
)
def test_a_detail_is_masked_however_it_is_written(text: str) -> None:
    scrubbed = STORED.text(text)
    assert DETAILS_MASK in scrubbed
    assert STORED.leaks(scrubbed) == set()
    assert STORED.leaks(text)  # and the scanner finds it where it was not masked


@pytest.mark.parametrize(
    "text",
    [
        "Started 2024-05-03 and ends 01.02.2026",
        "EudraCT 2019-001234-56, ISRCTN12345678, NCT20516366, grant R01CA123456",
        "Dose 10 mg/kg on days 1-5; ages 18-65; 1,000 participants; p=0.05; version 2.3.1",
        "See PMID 12345678 and the 613 area",
    ],
)
def test_what_is_not_a_contact_detail_stays(text: str) -> None:
    assert STORED.text(text) == text
    assert STORED.leaks(text) == set()


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    items = value.values() if isinstance(value, dict) else value if isinstance(value, list) else []
    return [text for item in items for text in _strings(item)]


def test_what_a_database_finds_first_holds_every_detail_the_scrubber_masks(
    sample_records: list[dict],
) -> None:
    """MAY_HOLD_DETAIL (RE2) must match every text the scrubber changes for a detail:
    the exports send only what it matches to the scrubber."""
    characters = [chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF]
    separators = [c for c in characters if re.fullmatch(r"[()]|" + _S, c)]
    numerals = [c for c in characters if re.fullmatch(r"\d", c)]
    hostile = [
        "call \u0664\u0661\u0662-\u0665\u0665\u0665-\u0660\u0661\u0669\u0669",  # Arabic-Indic
        "call 412\u2003555\u20030199",  # em spaces
        "call 412\x1c555\x1c0199 or 412\u2028555\u20280199",
        "+49 (30) 1234567",
        "(844) GO-TRIAL",
        "reach 1-877-CTLILLY",
        "name at host.org",
    ]
    texts = sorted(
        {t for record in sample_records for t in _strings(record)}
        | set(hostile)
        | {f"x{c}4125550199{c}y" for c in separators}
        | {f"call 412-555-019{n}" for n in numerals}
    )
    scrubber = Scrubber.of(["+1 (412) 555-0199", "name at host.org", "9 12 34 56"])
    changed = [t for t in texts if scrubber.text(t) != t]
    assert len(changed) > 200  # the sample's own details, and every case above
    with duckdb.connect() as con:
        missed = con.execute(
            "select t from unnest($texts::varchar[]) as u(t) where not regexp_matches(t, $found)",
            {"texts": changed, "found": MAY_HOLD_DETAIL},
        ).fetchall()
        assert missed == []
        # Each character class holds what Python's does.
        for chosen, pattern in ((separators, _SEPARATOR_RE2), (numerals, r"\p{Nd}")):
            outside = con.execute(
                "select c from unnest($cs::varchar[]) as u(c) where not regexp_full_match(c, $p)",
                {"cs": chosen, "p": pattern},
            ).fetchall()
            assert outside == [], pattern
        # And it lets most text by: identifiers, dates without a time, plain words.
        passed = con.execute(
            "select count(*) from unnest($texts::varchar[]) as u(t)"
            " where not regexp_matches(t, $found)",
            {"texts": texts, "found": MAY_HOLD_DETAIL},
        ).fetchall()[0][0]
        assert passed > 0.8 * len(texts)


def test_the_fast_search_for_digit_runs_finds_what_the_exact_one_does(
    sample_records: list[dict],
) -> None:
    tricky = [
        "a1 2345678",  # the run opens after a letter: the cluster starts at its second digit
        "x+2026-07-01 and (412) 555-0199 ext. 5",
        "12345678+(412)555 0199",
        "\u0664\u0661\u0662-\u0665\u0665\u0665-\u0660\u0661\u0669\u0669",
    ]
    texts = [t for record in sample_records for t in _strings(record)] + tricky
    spans = [[m.span() for m in _CLUSTER.finditer(t)] for t in texts]
    assert sum(map(len, spans)) > 1000
    assert [[m.span() for m in _clusters(t)] for t in texts] == spans


def test_a_name_is_masked_only_where_one_of_its_words_is() -> None:
    names = person_names(["Dr. Jane Doe", "Ahmed M. Asmy"], [])
    words = name_words(names)
    assert words == ["asmy", "doe"]
    for text in ["Ask JANE  DOE.", "ahmed m. asmy", "Dr. Jane Doe, MD"]:
        assert STORED.text(text, names) != text
        assert any(word in text.lower() for word in words)


def test_the_scanner_reads_escaped_text_as_a_reader_does() -> None:
    page = html.escape("o'brien@example.org") + " or (412)&nbsp;555&#8209;0199"
    assert STORED.leaks(page) == {"email", "phone"}
    assert [kind for kind, _ in contact_details("mail a@b.org")] == ["email"]


def test_only_reachable_details_are_stored() -> None:
    # "613" and an extension alone reach nobody; they must not mask every 613 in a page.
    assert STORED.stored_phones == frozenset({"4125550199", "0516366"})
    assert digits("+1 (412) 555-0199 ext. 12") == "4125550199"


def test_person_names_leave_roles_and_organisations() -> None:
    names = person_names(
        [
            "Jane Doe, MD",
            "Dr. Ahmed M. Asmy",
            "Site Contact",
            "PI",
            "Boehringer Ingelheim",
            "UCB Cares",
            "Clinical Trials Information Desk",
            "Call 1-877-CTLILLY",
            "Madonna",
        ],
        organisations=["Boehringer Ingelheim", "Eli Lilly and Company"],
    )
    assert set(names) == {"Jane Doe, MD", "Jane Doe", "Dr. Ahmed M. Asmy", "Ahmed M. Asmy"}


def test_names_are_masked_in_their_trial_in_any_case_and_spacing() -> None:
    names = person_names(["Dr. Jane Doe"], [])
    text = "Ask Dr. Jane Doe, or JANE  DOE, at Doe Hospital."
    assert STORED.text(text, names) == f"Ask {NAME_MASK}, or {NAME_MASK}, at Doe Hospital."
    assert STORED.text(text) == text  # without the trial's names, nothing to mask


def test_a_document_is_scrubbed_all_the_way_down() -> None:
    document = {"title": "A trial", "sites": [{"facility": "Clinic, 412-555-0199"}], "n": 3}
    assert STORED.value(document) == {
        "title": "A trial",
        "sites": [{"facility": f"Clinic, {DETAILS_MASK}"}],
        "n": 3,
    }
