"""`GET /search` over the sample's live build, as the web service answers it: the page
says what was wrong (an unknown or ambiguous place, an age that is not a number), each
choice of a place is a link that resolves, pages of results part the whole, the URL is
the search, and what a person typed is escaped."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from orchestration.lib.common.settings import Settings
from orchestration.web.app import create_app


@pytest.fixture(scope="module")
def client(sample_warehouse: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(sample_warehouse)) as running:
        yield running


def _found(html: str) -> list[str]:
    return re.findall(r'<li><a href="/trials/(NCT\d{8})\.html">', html)


def _heading(html: str) -> str:
    return re.search(r'<h2 id="[^"]+">([^<]+)</h2>', html).group(1)


def test_an_unknown_place_is_named_and_an_ambiguous_one_offers_choices(client: TestClient) -> None:
    unknown = client.get("/search", params={"q": "cancer", "near": "Nowhereville"})
    assert unknown.status_code == 200
    assert _heading(unknown.text).startswith("We could not find the place")
    assert _found(unknown.text) == []
    ambiguous = client.get("/search", params={"near": "Springfield", "radius": "500"})
    assert _heading(ambiguous.text) == "Springfield: which one?"
    choices = re.findall(r'<li><a href="(\?[^"]+)">(Springfield, [^<]+)</a>', ambiguous.text)
    assert len(choices) >= 3
    link, name = choices[0]
    chosen = client.get("/search" + link.replace("&amp;", "&"))
    assert _heading(chosen.text).endswith(f"near {name}")
    assert 'value="500" selected' in chosen.text  # the rest of the search is kept


def test_pages_part_the_results_and_the_url_is_the_search(client: TestClient) -> None:
    params = {"near": "United States", "status": ["RECRUITING", "COMPLETED"]}
    first = client.get("/search", params=params)
    total = int(re.match(r"([\d,]+) trials", _heading(first.text)).group(1).replace(",", ""))
    assert total > 40
    seen = []
    page, html = 1, first.text
    while True:
        seen += _found(html)
        following = re.search(r'<a href="(\?[^"]+)" rel="next">', html)
        if following is None:
            break
        page += 1
        html = client.get("/search" + following.group(1).replace("&amp;", "&")).text
        assert f"Page {page} of" in html
    assert len(seen) == len(set(seen)) == total
    again = client.get("/search", params=params)
    assert again.text == first.text
    assert "checked> Completed" in first.text and 'value="United States"' in first.text


def test_what_a_person_types_is_escaped_and_bad_numbers_are_named(client: TestClient) -> None:
    typed = '<script>alert("x")</script>'
    page = client.get("/search", params={"q": typed, "near": typed, "age": "ten"})
    assert page.status_code == 200
    assert "<script>" not in page.text
    assert "&lt;script&gt;" in page.text
    assert "The age must be a number." in page.text
