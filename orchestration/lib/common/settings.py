"""Every setting of trialwatch, typed and validated in one place.

Each field is read from the environment variable ``TRIALWATCH_<FIELD NAME>`` by
pydantic-settings (an empty variable counts as unset). Values are checked when they are
read: an unknown choice (``TRIALWATCH_SMTP_TLS=tls``), a
number that is not one (``TRIALWATCH_REGISTRY_RATE=fast``) or a malformed size is a
:class:`SettingsError` naming the variable, raised when Dagster loads the definitions
or the command line starts, never a silent fallback. Choices ignore case
(``STARTTLS`` is ``starttls``).

Every path derives from one data directory, so that a test or a second deployment
points the whole pipeline elsewhere with one variable. Only the command line, Dagster's
resources (defs/settings_resource.py), the web app and the notebooks call
:func:`settings`; it reads the environment each time it is asked (cached for an unchanged
environment), which is what lets a test move the data directory after the definitions
are loaded. Functions in ``lib/`` take the values they need as arguments.

``python -m orchestration.lib.common.settings`` prints the configuration table of
docs/operators.md; a test keeps the two equal.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    Field,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from orchestration.lib.common.duckdb_files import READ_MEMORY
from orchestration.lib.ingest.limits import LoadLimits

REPO_ROOT = Path(__file__).resolve().parents[3]
DBT_PROJECT_DIR = REPO_ROOT / "dbt_project"
# Where dbt saves its parse of the project, in each target folder.
PARTIAL_PARSE = "partial_parse.msgpack"
SAMPLE_DUMP = REPO_ROOT / "data" / "sample" / "studies.jsonl.gz"
OPENAPI_SPEC = REPO_ROOT / "data" / "reference" / "ctgov-api-v2.0.5.openapi.yaml"
# 876 real versions of 140 trials from the registry's history: how real trials change.
CTHIST_VERSIONS = REPO_ROOT / "data" / "reference" / "cthist-versions-140-trials.csv"

PREFIX = "TRIALWATCH_"
_BUCKET = re.compile(r"s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](/\S*)?")
_SIZE = re.compile(r"^\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KIB|MIB|GIB|TIB)$")


class SettingsError(ValueError):
    """One or more TRIALWATCH_* variables hold a value trialwatch cannot use."""


def _derived(shown: str, description: str) -> Any:
    """A path that defaults to one under the data directory; the table shows ``shown``."""
    return Field(default=None, description=description, json_schema_extra={"shown": shown})


class Settings(BaseSettings):
    """trialwatch's settings; each field ``name`` is the variable ``TRIALWATCH_NAME``."""

    model_config = SettingsConfigDict(
        env_prefix=PREFIX,
        env_ignore_empty=True,
        frozen=True,
        extra="forbid",
        # As a plain model: a default is taken as written (the paths are derived below).
        validate_default=False,
    )

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # The environment alone: no .env file or secrets folder that a run could pick up
        # unseen.
        return (init_settings, env_settings)

    # Where things are kept.
    data_dir: Path = Field(
        default=REPO_ROOT / "data",
        description="where everything generated goes",
        json_schema_extra={"shown": "`data/`"},
    )
    # Filled in from data_dir when unset (see _derive_paths).
    lake: str | None = Field(
        default=None,
        description=(
            "the published warehouse's DuckLake catalog: `sqlite:<file>` or"
            " `postgres:dbname=... host=...`"
        ),
        json_schema_extra={"shown": "`sqlite:$TRIALWATCH_DATA_DIR/lake/catalog.sqlite`"},
    )
    lake_data: str | None = Field(
        default=None,
        description=(
            "where the lake's Parquet files go: a folder or `s3://bucket/prefix` (keys from"
            " the usual `AWS_*` variables, `AWS_ENDPOINT_URL` included)"
        ),
        json_schema_extra={"shown": "`$TRIALWATCH_DATA_DIR/lake/files/`"},
    )
    lake_retention_days: int | None = Field(
        default=None,
        ge=1,
        description=(
            "snapshots older than this many days are expired by the weekly maintenance"
            " (unset: every snapshot is kept)"
        ),
    )
    landing: Path = _derived(
        "`$TRIALWATCH_DATA_DIR/landing.duckdb`", "the raw landing: every version ever loaded"
    )
    site_dir: Path = _derived("`$TRIALWATCH_DATA_DIR/site`", "the static site and its JSON feed")
    # What a run may use.
    landing_memory: str = Field(
        default=LoadLimits.memory,
        description="DuckDB's cache while landing a dump (it spills beyond it)",
    )
    load_workers: int | None = Field(
        default=None,
        ge=1,
        description="processes that inflate, parse and validate a bulk zip",
        json_schema_extra={"shown": "one per core"},
    )
    dbt_memory: str = Field(
        default="2GB", description="DuckDB's memory in the dbt build (it spills beyond it)"
    )
    read_memory: str = Field(
        default=READ_MEMORY,
        description=(
            "DuckDB's cache in every step that reads the warehouse or the landing, and in"
            " publishing (it spills beyond it)"
        ),
    )
    max_record_bytes: int = Field(
        default=LoadLimits.record_bytes,
        ge=1,
        description="a record (a study, a zip member's study, a line) larger is quarantined",
    )
    max_member_bytes: int = Field(
        default=LoadLimits.member_bytes,
        ge=1,
        description="a zip member (inflated) larger is quarantined, read no further",
    )
    max_document_bytes: int = Field(
        default=LoadLimits.document_bytes,
        ge=1,
        description="a JSON document read whole (a saved API page, one file) larger is refused",
    )
    # The registry.
    registry_url: str = Field(
        default="https://clinicaltrials.gov/api/v2",
        description="the registry API used by `SOURCE=registry` and the schedules",
    )
    registry_rate: float = Field(
        default=1.0, ge=0, description="requests per second at most (0: no limit)"
    )
    backfill_minutes: float = Field(
        default=50,
        gt=0,
        description="a scheduled history backfill's slice in minutes (`make backfill`: until done)",
    )
    schedules: Literal["on", "off"] = Field(
        default="off", description="`on` starts the daily and weekly schedules by default"
    )
    # The site.
    site_url: str = Field(
        default="http://localhost:8000/",
        description=(
            "where the site is served: links in `sitemap.xml`, the Atom feeds, digests and"
            " the report"
        ),
    )
    site_bucket: str | None = Field(
        default=None,
        description=(
            "`s3://bucket/prefix`: each site build that passes its check is also published"
            " there, only what changed (keys from the usual `AWS_*` variables)"
        ),
    )
    signup_url: str = Field(
        default="/subscribe",
        description='where the "Get updates" forms post (fields `topic`, `email`)',
    )
    search_url: str = Field(
        default="/search",
        description="where the search forms ask (`GET`, the web service's `/search`)",
    )
    llm_url: str | None = Field(
        default=None,
        description="an OpenAI-compatible API for plain-language titles and summaries",
    )
    llm_model: str = Field(default="gpt-4o-mini", description="the model `TRIALWATCH_LLM_URL` asks")
    llm_key: str | None = Field(default=None, description="the key for `TRIALWATCH_LLM_URL`")
    # Alerts.
    smtp_host: str | None = Field(
        default=None, description="the SMTP relay for digests; unset, they go to `data/outbox/`"
    )
    smtp_port: int = Field(default=587, ge=1, le=65535, description="the relay's port")
    smtp_tls: Literal["starttls", "ssl", "none"] = Field(
        default="starttls", description="how the relay is reached: `starttls`, `ssl` or `none`"
    )
    smtp_user: str | None = Field(default=None, description="the relay's login, if it asks")
    smtp_password: str | None = Field(default=None, description="the relay's password")
    smtp_allow_plain_login: bool = Field(
        default=False,
        description="`1` allows a login with `TRIALWATCH_SMTP_TLS=none`, password in clear",
    )
    mail_from: str = Field(
        default="trialwatch <updates@trialwatch.invalid>", description="the digests' sender"
    )
    unsubscribe_url: str | None = Field(
        default=None,
        description=(
            "the page behind every digest's unsubscribe link and its one-click POST"
            " (`?token=` is added)"
        ),
        json_schema_extra={"shown": "`$TRIALWATCH_SITE_URL` + `unsubscribe`"},
    )
    # Sign-ups (the web service, `make site`).
    subscribers_url: str | None = Field(
        default=None,
        description=(
            "the store of sign-ups, consents and deliveries, shared by the web service and"
            " the pipeline: `postgresql://user:password@host/dbname`"
        ),
        json_schema_extra={"shown": "SQLite (WAL), `$TRIALWATCH_DATA_DIR/subscribers.sqlite`"},
    )
    link_secret: str | None = Field(
        default=None,
        description="the key that signs unsubscribe links and hashes erased addresses",
        json_schema_extra={"shown": "made on first use, kept in `$TRIALWATCH_DATA_DIR/secrets/`"},
    )
    signup_expiry_days: int = Field(
        default=7, ge=1, description="an unconfirmed sign-up is forgotten after this many days"
    )
    confirmations_per_day: int = Field(
        default=3, ge=1, description="confirmation messages one address can be sent a day"
    )
    requests_per_minute: int = Field(
        default=30, ge=1, description="sign-up requests one client can make a minute (then 429)"
    )
    trusted_proxy: str | None = Field(
        default=None,
        description=(
            "the address of a reverse proxy whose `X-Forwarded-For` names the client"
            " (unset: the connection's address)"
        ),
    )
    # Reports.
    chromium: Path | None = Field(
        default=None,
        description="the browser that prints the weekly report to PDF",
        json_schema_extra={"shown": "`chromium` on the PATH"},
    )
    # The command line.
    log: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] = Field(
        default="WARNING",
        description=(
            "how much of Dagster's log `make run` prints beside a line per step (the run's"
            " log file, under `$TRIALWATCH_DATA_DIR/logs/`, holds all of it)"
        ),
    )
    progress: bool = Field(
        default=False,
        description="`1` shows the progress bars (the steps', the load's) when not on a terminal",
        json_schema_extra={"shown": "on a terminal"},
    )

    @field_validator("schedules", "smtp_tls", mode="before")
    @classmethod
    def _lower(cls, value: Any) -> Any:
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("log", mode="before")
    @classmethod
    def _upper(cls, value: Any) -> Any:
        return value.strip().upper() if isinstance(value, str) else value

    @field_validator("landing_memory", "dbt_memory", "read_memory")
    @classmethod
    def _size(cls, value: str) -> str:
        size = value.strip().upper()
        if not _SIZE.match(size):
            raise ValueError("must be a size such as 512MB or 2GB")
        return size.replace(" ", "")

    @field_validator("lake")
    @classmethod
    def _lake_catalog(cls, value: str | None) -> str | None:
        if value is None:
            return value
        value = value.strip().removeprefix("ducklake:")
        if not value.startswith(("sqlite:", "postgres:")):
            raise ValueError("must be a DuckLake catalog: sqlite:<file> or postgres:<connection>")
        if value.startswith("sqlite:"):
            value = "sqlite:" + os.path.abspath(value.removeprefix("sqlite:"))
        return value

    @field_validator("site_bucket")
    @classmethod
    def _bucket(cls, value: str | None) -> str | None:
        if value is not None and not _BUCKET.fullmatch(value):
            raise ValueError("must be s3://bucket or s3://bucket/prefix")
        return value.rstrip("/") if value else value

    @field_validator("subscribers_url")
    @classmethod
    def _database_url(cls, value: str | None) -> str | None:
        if value is not None and not re.match(r"^(postgres(ql)?(\+psycopg)?|sqlite)://", value):
            raise ValueError("must be a postgresql:// URL (or sqlite:///<file>)")
        return value

    @field_validator("registry_url", "site_url", "unsubscribe_url", "llm_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is not None and not re.match(r"^https?://[^\s/]+", value):
            raise ValueError("must be an http:// or https:// URL")
        return value

    @model_validator(mode="after")
    def _no_password_in_clear(self) -> Settings:
        if self.smtp_user and self.smtp_tls == "none" and not self.smtp_allow_plain_login:
            raise ValueError(
                "TRIALWATCH_SMTP_USER with TRIALWATCH_SMTP_TLS=none would send the password"
                " in clear: use starttls or ssl, or set TRIALWATCH_SMTP_ALLOW_PLAIN_LOGIN=1"
            )
        return self

    @model_validator(mode="after")
    def _derive_paths(self) -> Settings:
        # Each path derives from the data directory unless set on its own; all absolute.
        data = Path(os.path.abspath(self.data_dir))
        derived = {
            "data_dir": data,
            "landing": self.landing or data / "landing.duckdb",
            "site_dir": self.site_dir or data / "site",
        }
        for name, path in derived.items():
            # Absolute, not resolved: the live site is a link that must stay one.
            object.__setattr__(self, name, Path(os.path.abspath(path)))
        return self

    @property
    def site(self) -> Path:
        """The live site: a link to the build that passed its checks last."""
        return self.site_dir

    @property
    def lake_catalog(self) -> str:
        """The DuckLake catalog, as ``ATTACH 'ducklake:<this>'`` takes it."""
        return self.lake or f"sqlite:{self.data_dir / 'lake' / 'catalog.sqlite'}"

    @property
    def lake_data_path(self) -> str:
        """The lake's data path, ending in ``/``."""
        path = self.lake_data or str(self.data_dir / "lake" / "files")
        if not path.startswith("s3://"):
            path = os.path.abspath(path)
        return path.rstrip("/") + "/"

    @property
    def build_dir(self) -> Path:
        """dbt's private build file and its spill space."""
        return self.data_dir / ".build"

    @property
    def build_warehouse(self) -> Path:
        return self.build_dir / "warehouse.duckdb"

    @property
    def dbt_target(self) -> Path:
        """dbt's artifacts and logs for this data folder, with its saved parse of the
        project, so that the next run parses only what changed."""
        return self.build_dir / "dbt"

    @property
    def cache(self) -> Path:
        """Answers worth keeping between runs (the language-model writer's)."""
        return self.data_dir / "cache"

    @property
    def logs(self) -> Path:
        """One log file per run, everything it logged and printed (defs/run_log.py)."""
        return self.data_dir / "logs"

    @property
    def reports(self) -> Path:
        """The weekly reports, one dated folder each."""
        return self.data_dir / "reports"

    @property
    def exports(self) -> Path:
        """Every mart as Parquet."""
        return self.data_dir / "exports"

    @property
    def downloads(self) -> Path:
        """The registry's bulk zip, verified here before it is loaded."""
        return self.data_dir / "downloads"

    @property
    def inbox(self) -> Path:
        """Dumps dropped here are loaded by the inbox sensor."""
        return self.data_dir / "inbox"

    @property
    def subscriptions(self) -> Path:
        """The site's sign-up and unsubscribe exports (CSV)."""
        return self.data_dir / "subscriptions"

    @property
    def subscribers_store(self) -> str:
        """The store of sign-ups and deliveries, as a SQLAlchemy URL."""
        url = self.subscribers_url or f"sqlite:///{self.data_dir / 'subscribers.sqlite'}"
        return re.sub(r"^postgres(ql)?://", "postgresql+psycopg://", url)

    @property
    def unsubscribe_page(self) -> str:
        """Where unsubscribe links lead: the setting, or the site's own page."""
        return self.unsubscribe_url or f"{self.site_url.rstrip('/')}/unsubscribe"

    @property
    def subscriber_counts(self) -> Path:
        """How many follow each topic, for the dbt build (no addresses)."""
        return self.data_dir / "subscribers" / "topic_counts.parquet"

    @property
    def secrets(self) -> Path:
        """Keys made on first use (the link secret), readable by their owner alone."""
        return self.data_dir / "secrets"

    @property
    def outbox(self) -> Path:
        """Digests as .eml files when no SMTP relay is set."""
        return self.data_dir / "outbox"

    @property
    def load_limits(self) -> LoadLimits:
        return LoadLimits(
            record_bytes=self.max_record_bytes,
            member_bytes=self.max_member_bytes,
            document_bytes=self.max_document_bytes,
            memory=self.landing_memory,
            workers=self.load_workers,
        )

    def dbt_env(self) -> dict[str, str]:
        """The variables dbt reads: the landing, the build file, its memory, the counts of
        sign-ups, and which saved parse of the project it starts from.

        dbt parses the whole project again (twice the time of a partial parse) whenever
        its profile's values differ from those of the parse it saved, and the profile
        holds the paths. So the paths inside the data folder are given from ``~``, which
        DuckDB expands with ``HOME`` (the data folder, for dbt alone): every data folder
        gives dbt the same profile, and a new one starts from the project's own parse
        (``make manifest``) until it has saved one of its own.
        """
        env = {
            "HOME": str(self.data_dir),
            "TRIALWATCH_LANDING": self._from_home(self.landing),
            "TRIALWATCH_BUILD_WAREHOUSE": self._from_home(self.build_warehouse),
            "TRIALWATCH_DBT_MEMORY": self.dbt_memory,
            "TRIALWATCH_SUBSCRIBER_COUNTS": self._from_home(self.subscriber_counts),
        }
        # dbt refuses a saved parse that is not there (a fresh clone has none yet).
        for saved in (self.dbt_target / PARTIAL_PARSE, DBT_PROJECT_DIR / "target" / PARTIAL_PARSE):
            if saved.exists():
                env["DBT_PARTIAL_PARSE_FILE_PATH"] = str(saved)
                break
        return env

    def _from_home(self, path: Path) -> str:
        """``path`` as dbt is given it: from ``~`` (the data folder) when inside it."""
        if path.is_relative_to(self.data_dir):
            return f"~/{path.relative_to(self.data_dir)}"
        return str(path)

    def replace(self, **changes: Any) -> Settings:
        """These settings with some fields changed, validated like the environment's."""
        return _validated(
            Settings.model_validate, obj={**self.model_dump(exclude_unset=True), **changes}
        )


def variable(field: str) -> str:
    return PREFIX + field.upper()


def settings() -> Settings:
    """The settings the environment gives."""
    return _from_environment(
        tuple(sorted((k, v) for k, v in os.environ.items() if k.upper().startswith(PREFIX)))
    )


@lru_cache(maxsize=32)
def _from_environment(variables: tuple[tuple[str, str], ...]) -> Settings:
    # ``variables`` is the cache's key; pydantic-settings reads the environment itself.
    return _validated(Settings)


def _validated(make: Callable[..., Settings], **values: Any) -> Settings:
    try:
        return make(**values)
    except ValidationError as error:
        problems = []
        for item in error.errors():
            name = variable(str(item["loc"][0])) if item["loc"] else "settings"
            shown = item.get("input")
            problems.append(f"{name}={shown!r}: {item['msg'].removeprefix('Value error, ')}")
        raise SettingsError("Invalid settings:\n  " + "\n  ".join(problems)) from None


def configuration_table() -> str:
    """The operators' table of variables (docs/operators.md), from the fields above."""
    lines = ["| variable | default | what |", "| --- | --- | --- |"]
    for name, field in Settings.model_fields.items():
        extra = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
        if "shown" in extra:
            default = str(extra["shown"])
        else:
            default = "unset" if field.default is None else f"`{field.default}`"
        lines.append(f"| `{variable(name)}` | {default} | {field.description} |")
    return "\n".join(lines) + "\n"


@contextmanager
def environment(overrides: Mapping[str, str | None]) -> Iterator[None]:
    """Set (or, with None, unset) environment variables inside the block, then restore them."""
    saved = {name: os.environ.get(name) for name in overrides}

    def apply(values: Mapping[str, str | None]) -> None:
        for name, value in values.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value

    try:
        apply(overrides)
        yield
    finally:
        apply(saved)


if __name__ == "__main__":
    print(configuration_table(), end="")
