"""Settings: one typed place, validated once, with the operators' table made from it."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from orchestration.defs.alerts.resources import AlertsResource
from orchestration.defs.ingest.resources import RegistryResource
from orchestration.defs.settings_resource import AreaResource, SettingsResource
from orchestration.lib.common.settings import (
    PREFIX,
    REPO_ROOT,
    Settings,
    SettingsError,
    configuration_table,
    environment,
    settings,
)


def given(variables: dict[str, str]) -> Settings:
    """The settings of an environment holding ``variables`` and no other TRIALWATCH_*."""
    others = {name: None for name in os.environ if name.startswith(PREFIX)}
    with environment({**others, **variables}):
        return settings()


def test_every_path_derives_from_the_data_directory(tmp_path: Path) -> None:
    current = given({"TRIALWATCH_DATA_DIR": str(tmp_path)})
    assert current.lake_catalog == f"sqlite:{tmp_path / 'lake' / 'catalog.sqlite'}"
    assert current.lake_data_path == f"{tmp_path / 'lake' / 'files'}/"
    assert current.landing == tmp_path / "landing.duckdb"
    assert current.build_warehouse == tmp_path / ".build" / "warehouse.duckdb"
    derived = [current.site, current.cache, current.reports, current.exports, current.inbox]
    derived += [current.downloads, current.subscriptions, current.secrets, current.outbox]
    assert all(path.parent == tmp_path for path in derived)
    team = given(
        {
            "TRIALWATCH_DATA_DIR": str(tmp_path),
            "TRIALWATCH_LAKE": "ducklake:postgres:dbname=trialwatch host=db",
            "TRIALWATCH_LAKE_DATA": "s3://bucket/lake",
        }
    )
    assert team.lake_catalog == "postgres:dbname=trialwatch host=db"
    assert team.lake_data_path == "s3://bucket/lake/"
    assert team.build_warehouse == tmp_path / ".build" / "warehouse.duckdb"


def test_choices_ignore_case() -> None:
    current = given(
        {"TRIALWATCH_SMTP_TLS": "STARTTLS", "TRIALWATCH_SCHEDULES": "On", "TRIALWATCH_LOG": "debug"}
    )
    assert (current.smtp_tls, current.schedules, current.log) == ("starttls", "on", "DEBUG")
    assert given({"TRIALWATCH_READ_MEMORY": "512mb"}).read_memory == "512MB"


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("TRIALWATCH_SMTP_TLS", "tls"),
        ("TRIALWATCH_REGISTRY_RATE", "fast"),
        ("TRIALWATCH_REGISTRY_RATE", "-1"),
        ("TRIALWATCH_SMTP_PORT", "0"),
        ("TRIALWATCH_READ_MEMORY", "lots"),
        ("TRIALWATCH_SCHEDULES", "yes"),
        ("TRIALWATCH_REGISTRY_URL", "ftp://example.org"),
        ("TRIALWATCH_LOAD_WORKERS", "0"),
        ("TRIALWATCH_LAKE", "mysql:db=x"),
        ("TRIALWATCH_LAKE_RETENTION_DAYS", "0"),
    ],
)
def test_an_unusable_value_is_an_error_naming_the_variable(variable: str, value: str) -> None:
    with pytest.raises(SettingsError, match=re.escape(f"{variable}={value!r}")):
        given({variable: value})


def test_every_bad_variable_is_named_at_once() -> None:
    with pytest.raises(SettingsError) as raised:
        given({"TRIALWATCH_SMTP_TLS": "tls", "TRIALWATCH_REGISTRY_RATE": "fast"})
    assert "TRIALWATCH_SMTP_TLS" in str(raised.value)
    assert "TRIALWATCH_REGISTRY_RATE" in str(raised.value)


def test_dagster_configures_one_resource_of_every_setting(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from orchestration.definitions import defs

    # One configurable resource holds every setting; each area's resource reads it.
    resources = defs.resolve_job_def("everything").resource_defs
    assert {cls.__name__ for cls in AreaResource.__subclasses__()} >= {
        "AlertsResource",
        "LandingResource",
        "RegistryResource",
        "ReportsResource",
        "SiteResource",
        "WarehouseResource",
    }
    assert all(set(cls.model_fields) == {"trialwatch"} for cls in AreaResource.__subclasses__())
    assert set(SettingsResource.model_fields) == set(Settings.model_fields)
    assert "trialwatch" in resources
    # Unset, a field is the environment's; set in Dagster, it is validated the same way.
    monkeypatch.setenv("TRIALWATCH_SMTP_TLS", "ssl")
    monkeypatch.setenv("TRIALWATCH_REGISTRY_RATE", "4")
    assert AlertsResource().settings().smtp_tls == "ssl"
    given = SettingsResource(smtp_tls="NONE", registry_rate=2.0)
    assert AlertsResource(trialwatch=given).settings().smtp_tls == "none"
    assert RegistryResource().client()._interval == 0.25
    assert RegistryResource(trialwatch=given).client()._interval == 0.5
    with pytest.raises(SettingsError, match="TRIALWATCH_SMTP_TLS='tls'"):
        AlertsResource(trialwatch=SettingsResource(smtp_tls="tls")).settings()


def test_dagster_refuses_to_load_with_a_bad_setting() -> None:
    result = subprocess.run(
        [sys.executable, "-c", "import orchestration.definitions"],
        env={"PATH": "/usr/bin:/bin", "TRIALWATCH_SMTP_TLS": "tls"},
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        timeout=300,
    )
    assert result.returncode != 0
    assert "TRIALWATCH_SMTP_TLS='tls'" in result.stderr


def test_readme_lists_every_setting_as_the_code_has_it() -> None:
    operators = (REPO_ROOT / "docs" / "operators.md").read_text()
    assert configuration_table() in operators, (
        "docs/operators.md's configuration table is stale: "
        "paste the output of python -m orchestration.lib.common.settings"
    )


def test_no_module_reads_a_setting_from_the_environment_itself() -> None:
    package = REPO_ROOT / "orchestration"
    readers = {
        path.relative_to(REPO_ROOT).as_posix()
        for path in package.rglob("*.py")
        if re.search(r"(os\.environ|getenv)[^\n]*TRIALWATCH_", path.read_text())
    }
    assert readers == set()


def test_an_smtp_login_in_clear_is_refused_unless_allowed() -> None:
    clear = {"TRIALWATCH_SMTP_USER": "trialwatch", "TRIALWATCH_SMTP_TLS": "none"}
    with pytest.raises(SettingsError, match="password in clear"):
        given(clear)
    assert given({**clear, "TRIALWATCH_SMTP_TLS": "STARTTLS"}).smtp_tls == "starttls"
    assert given({**clear, "TRIALWATCH_SMTP_ALLOW_PLAIN_LOGIN": "1"}).smtp_allow_plain_login


def test_lib_takes_its_settings_as_arguments() -> None:
    # Functions in lib/ are given what they need; only the edges (the command line,
    # Dagster's resources, the web app, notebooks) read the environment's settings.
    lib = REPO_ROOT / "orchestration" / "lib"
    callers = {
        path.relative_to(lib).as_posix()
        for path in lib.rglob("*.py")
        if path.name != "settings.py" and re.search(r"(?<![\w.])settings\(\)", path.read_text())
    }
    assert callers == set()
