"""An optional plain-language writer over an OpenAI-compatible chat API.

Off unless ``TRIALWATCH_LLM_URL`` is set. It writes only the title and summary;
everything else comes from the deterministic writer, which is also what a page
gets whenever the model cannot be reached or answers with something unusable, so
a build always completes. Answers are cached by the trial's content hash: an
unchanged trial is never sent twice.
"""

from __future__ import annotations

import json
import logging
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx

from orchestration.lib.site.plain_language import PlainText, Writer

log = logging.getLogger(__name__)

PROMPT = (
    "Rewrite this clinical trial for a patient, at a US grade 8 reading level or below. "
    'Answer with JSON only: {"title": "<at most 12 words>", "summary": "<2 to 4 short '
    'sentences: what is tested, in whom, how many people, what is measured>"}. '
    "Explain medical terms in plain words. Do not give advice."
)


class LanguageModelWriter:
    name = "language-model"

    def __init__(
        self,
        base_url: str,
        model: str,
        cache_dir: Path,
        fallback: Writer,
        api_key: str | None = None,
        timeout: float = 30.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.cache_dir = cache_dir
        self.fallback = fallback
        self.model = model
        self.failures = 0
        self._reachable = True
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._client = httpx.Client(
            base_url=base_url.rstrip("/"), headers=headers, timeout=timeout, transport=transport
        )

    def write(self, trial: dict[str, Any]) -> PlainText:
        plain = self.fallback.write(trial)
        cached = self.cache_dir / f"{trial['content_hash']}.json"
        if cached.exists():
            return replace(plain, **json.loads(cached.read_text()), writer=self.name)
        if not self._reachable:
            return plain
        try:
            written = self._ask(trial, plain)
        except (httpx.HTTPError, ValueError, KeyError, TypeError) as exc:
            self.failures += 1
            if isinstance(exc, httpx.TransportError):
                # One unreachable server is enough to know: the rest of the build goes on
                # without waiting on it.
                self._reachable = False
            log.warning("language model writer failed for %s: %s", trial["nct_id"], exc)
            return plain
        cached.parent.mkdir(parents=True, exist_ok=True)
        cached.write_text(json.dumps(written))
        return replace(plain, **written, writer=self.name)

    def _ask(self, trial: dict[str, Any], plain: PlainText) -> dict[str, str]:
        facts = {
            "title": trial.get("brief_title"),
            "phase": trial.get("phase"),
            "conditions": trial.get("conditions_as_listed"),
            "interventions": [i.get("name") for i in trial.get("interventions") or []],
            "enrollment": trial.get("enrollment_count"),
            "primary_outcome": trial.get("primary_outcome"),
            "summary": trial.get("brief_summary"),
            "plain_draft": plain.summary,
        }
        response = self._client.post(
            "/chat/completions",
            json={
                "model": self.model,
                "temperature": 0,
                "messages": [
                    {"role": "system", "content": PROMPT},
                    {"role": "user", "content": json.dumps(facts)},
                ],
            },
        )
        response.raise_for_status()
        content = response.json()["choices"][0]["message"]["content"]
        answer = json.loads(content)
        title, summary = str(answer["title"]).strip(), str(answer["summary"]).strip()
        if not title or not summary:
            raise ValueError("empty title or summary")
        return {"title": title, "summary": summary}
