"""What a sign-up follows, as the site's forms name it: ``trial:<NCT id>`` or
``condition:<slug>-<MeSH id>`` (a condition page's name, lib/site/feed.py); a sign-up
imported from CSV may follow ``term:<a MeSH term or the registrant's wording>``."""

from __future__ import annotations

import re
from dataclasses import dataclass

_TOPIC = re.compile(
    r"trial:(?P<nct_id>NCT[0-9]{8})"
    r"|condition:(?P<slug>[a-z0-9-]{0,150}-(?P<mesh>[cd][0-9]{6,9}))"
    r"|term:(?P<term>[^\x00-\x1f]{1,190})",
    re.ASCII,
)


@dataclass(frozen=True)
class Topic:
    name: str  # as the form sends it, and the store keeps it
    nct_id: str | None = None
    mesh_id: str | None = None
    slug: str | None = None
    term: str | None = None

    @classmethod
    def parse(cls, text: str) -> Topic | None:
        match = _TOPIC.fullmatch(text)
        if match is None:
            return None
        mesh = match["mesh"].upper() if match["mesh"] else None
        return cls(text, match["nct_id"], mesh, match["slug"], match["term"])

    @property
    def page(self) -> str | None:
        """The site's page of the topic, relative to the site's root."""
        if self.nct_id:
            return f"trials/{self.nct_id}.html"
        return f"conditions/{self.slug}.html" if self.slug else None

    @property
    def condition(self) -> str | None:
        """The condition alerts match trials by: a MeSH id, term or wording."""
        return self.mesh_id or self.term
