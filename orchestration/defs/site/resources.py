"""Where the site is written, how it is linked, and which writer words it."""

import os

import dagster as dg

from orchestration.lib.llm_writer import LanguageModelWriter
from orchestration.lib.plain_language import DeterministicWriter, Writer
from orchestration.lib.settings import paths
from orchestration.lib.site_render import SiteSettings


class SiteResource(dg.ConfigurableResource):
    """The static site under ``data/site``. Settings come from the environment:

    - ``TRIALWATCH_SITE_URL``: where the site is served (sitemap, feeds);
    - ``TRIALWATCH_SIGNUP_URL``: where "Get updates" forms post;
    - ``TRIALWATCH_LLM_URL`` (with ``TRIALWATCH_LLM_MODEL``, ``TRIALWATCH_LLM_KEY``): an
      OpenAI-compatible API for the summaries; unset, the deterministic writer alone.
    """

    def settings(self) -> SiteSettings:
        return SiteSettings(
            base_url=os.environ.get("TRIALWATCH_SITE_URL", "http://localhost:8000/"),
            signup_url=os.environ.get("TRIALWATCH_SIGNUP_URL", "/subscribe"),
        )

    def writer(self) -> Writer:
        deterministic = DeterministicWriter()
        url = os.environ.get("TRIALWATCH_LLM_URL")
        if not url:
            return deterministic
        return LanguageModelWriter(
            base_url=url,
            model=os.environ.get("TRIALWATCH_LLM_MODEL", "gpt-4o-mini"),
            api_key=os.environ.get("TRIALWATCH_LLM_KEY"),
            cache_dir=paths().cache / "plain-language",
            fallback=deterministic,
        )
