"""Where the site is linked from, and which writer words it."""

from pathlib import Path

from orchestration.defs.settings_resource import AreaResource
from orchestration.lib.site.llm_writer import LanguageModelWriter
from orchestration.lib.site.plain_language import DeterministicWriter, Writer
from orchestration.lib.site.render import SiteSettings
from orchestration.lib.site.site_state import SiteState


class SiteResource(AreaResource):
    """The static site (``TRIALWATCH_SITE_DIR``), its links and its writer: the
    deterministic one, or an OpenAI-compatible model when ``llm_url`` is set."""

    def site_settings(self) -> SiteSettings:
        current = self.settings()
        return SiteSettings(
            base_url=current.site_url,
            signup_url=current.signup_url,
            search_url=current.search_url,
        )

    def state(self, folder: Path) -> SiteState:
        """A build's state, queried within the reader's memory."""
        return SiteState(folder, self.settings().read_memory)

    def writer(self) -> Writer:
        deterministic = DeterministicWriter()
        current = self.settings()
        if not current.llm_url:
            return deterministic
        return LanguageModelWriter(
            base_url=current.llm_url,
            model=current.llm_model,
            api_key=current.llm_key,
            cache_dir=current.cache / "plain-language",
            fallback=deterministic,
        )
