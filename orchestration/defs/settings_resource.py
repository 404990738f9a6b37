"""Dagster resources whose fields are trialwatch settings (lib/common/settings.py).

A resource declares the settings it uses as fields, each with the setting's own
description; a field left unset (None) takes the value of its ``TRIALWATCH_*``
variable, read when the run uses it. Values given in Dagster (the launchpad, a
deployment's resource config) are validated exactly as the environment's are.
"""

from __future__ import annotations

from typing import Any

import dagster as dg
from pydantic import Field

from orchestration.lib.common.settings import Settings, settings, variable


def setting(name: str) -> Any:
    """A resource field for the setting ``name``: unset by default, described as the setting."""
    description = Settings.model_fields[name].description
    return Field(default=None, description=f"{description} (default: ${variable(name)})")


class SettingsResource(dg.ConfigurableResource):
    def settings(self) -> Settings:
        """The environment's settings, with the fields given to this resource on top."""
        given = {
            name: getattr(self, name)
            for name in type(self).model_fields
            if getattr(self, name) is not None
        }
        return settings().replace(**given) if given else settings()
