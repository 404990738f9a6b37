"""The one Jinja2 environment factory: templates by audience, registry text always escaped.

Templates live in ``orchestration/templates/<audience>/``: ``site`` (pages, Atom feeds,
sitemap), ``mail`` (digests, confirmations), ``report`` (the weekly report) and ``web``
(the sign-up service's pages). Each audience gets its
own loader, so the site's render stamp hashes only what the site renders with.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from jinja2 import Environment, FileSystemLoader, StrictUndefined

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
Audience = Literal["site", "mail", "report", "web"]


def template_dir(audience: Audience) -> Path:
    return TEMPLATES / audience


def _escapes(template_name: str | None) -> bool:
    # Everything is escaped, XML included; only a plain-text mail part is not markup.
    return not (template_name or "").endswith(".txt.j2")


def environment(audience: Audience) -> Environment:
    """An environment over one audience's templates: autoescape, strict, stable whitespace."""
    return Environment(
        loader=FileSystemLoader(template_dir(audience)),
        autoescape=_escapes,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
