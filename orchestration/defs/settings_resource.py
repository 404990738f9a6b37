"""trialwatch's settings (lib/common/settings.py) as one configurable Dagster resource.

``trialwatch`` has a field for every setting, unset by default (None): an unset field
takes the value of its ``TRIALWATCH_*`` variable, read when a run uses it; a value given
in Dagster (the launchpad, a deployment's configuration of the resource ``trialwatch``)
is validated exactly as the environment's is. Each area's resource
(``defs/<area>/resources.py``) reaches the settings through it, and has no setting of its
own.
"""

import types
from typing import Any, Union, get_args, get_origin

import dagster as dg
from pydantic import Field, create_model

from orchestration.lib.common.settings import Settings, settings, variable


def _config_type(annotation: Any) -> type:
    """The Dagster config type of a setting: its own for numbers and flags, else text
    (paths and choices are validated as the environment's are)."""
    union = get_origin(annotation) in (Union, types.UnionType)
    (kind,) = [a for a in get_args(annotation) if a is not type(None)] if union else [annotation]
    return kind if kind in (int, float, bool, str) else str


class _Settings(dg.ConfigurableResource):
    def settings(self) -> Settings:
        """The environment's settings, with the fields given to this resource on top."""
        given = {
            name: getattr(self, name)
            for name in Settings.model_fields
            if getattr(self, name) is not None
        }
        return settings().replace(**given) if given else settings()


SettingsResource = create_model(
    "SettingsResource",
    __base__=_Settings,
    __doc__="Every trialwatch setting; an unset one is its TRIALWATCH_* variable's value.",
    **{
        name: (
            _config_type(field.annotation) | None,
            Field(default=None, description=f"{field.description} (default: ${variable(name)})"),
        )
        for name, field in Settings.model_fields.items()
    },
)
# The one instance the definitions share, configured when a run is launched.
TRIALWATCH = SettingsResource.configure_at_launch()


class AreaResource(dg.ConfigurableResource):
    """An area's resource, which reads the settings through ``trialwatch`` (the
    environment's alone when it is made outside the definitions, as in a test)."""

    trialwatch: dg.ResourceDependency[SettingsResource] = Field(  # type: ignore[valid-type]
        default_factory=SettingsResource
    )

    def settings(self) -> Settings:
        return self.trialwatch.settings()
