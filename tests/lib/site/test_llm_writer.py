"""The optional language-model writer: used when it answers, cached, never in the way."""

from __future__ import annotations

import json
from pathlib import Path

import httpx

from orchestration.lib.site.llm_writer import LanguageModelWriter
from orchestration.lib.site.plain_language import DeterministicWriter
from tests.support.records import SEED_LIKE

TRIAL = {**SEED_LIKE, "content_hash": "abc123", "brief_title": "A title"}
ANSWER = {"title": "Immune therapy after a transplant", "summary": "A short summary."}


def _server(calls: list[dict], answer: object = ANSWER, status: int = 200) -> httpx.MockTransport:
    def handle(request: httpx.Request) -> httpx.Response:
        calls.append(json.loads(request.content))
        assert request.url.path == "/v1/chat/completions"
        content = answer if isinstance(answer, str) else json.dumps(answer)
        return httpx.Response(status, json={"choices": [{"message": {"content": content}}]})

    return httpx.MockTransport(handle)


def _writer(tmp_path: Path, transport: httpx.BaseTransport) -> LanguageModelWriter:
    return LanguageModelWriter(
        base_url="http://model.test/v1",
        model="m",
        cache_dir=tmp_path / "cache",
        fallback=DeterministicWriter(),
        transport=transport,
    )


def test_the_answer_is_used_and_cached_by_content_hash(tmp_path: Path) -> None:
    calls: list[dict] = []
    plain = _writer(tmp_path, _server(calls)).write(TRIAL)
    assert (plain.title, plain.summary, plain.writer) == (
        ANSWER["title"],
        ANSWER["summary"],
        "language-model",
    )
    # Everything but the title and summary is the deterministic writer's.
    assert plain.cautions == DeterministicWriter().write(TRIAL).cautions
    assert len(calls) == 1 and calls[0]["model"] == "m"
    again: list[dict] = []
    assert _writer(tmp_path, _server(again)).write(TRIAL) == plain
    assert again == []
    changed = _writer(tmp_path, _server(again)).write({**TRIAL, "content_hash": "other"})
    assert changed.writer == "language-model" and len(again) == 1


def test_an_unreachable_model_falls_back_and_is_not_asked_again(tmp_path: Path) -> None:
    attempts = []

    def refuse(request: httpx.Request) -> httpx.Response:
        attempts.append(request)
        raise httpx.ConnectError("connection refused", request=request)

    writer = _writer(tmp_path, httpx.MockTransport(refuse))
    first = writer.write(TRIAL)
    second = writer.write({**TRIAL, "content_hash": "other"})
    expected = DeterministicWriter().write(TRIAL)
    assert first == expected and second.writer == "deterministic"
    assert len(attempts) == 1 and writer.failures == 1


def test_an_unusable_answer_falls_back(tmp_path: Path) -> None:
    for answer, status in [("not json", 200), ({"title": ""}, 200), (ANSWER, 500)]:
        plain = _writer(tmp_path, _server([], answer, status)).write(TRIAL)
        assert plain == DeterministicWriter().write(TRIAL), answer
    assert not (tmp_path / "cache").exists()
