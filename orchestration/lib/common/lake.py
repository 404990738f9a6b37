"""The published warehouse as a DuckLake: how every reader and the publisher open it.

A DuckLake keeps its tables as Parquet files under a data path (a folder, or an
``s3://`` prefix) and records each commit as a snapshot in a catalog database (SQLite
on one machine, PostgreSQL for a team). Many processes read while one writes, each
query sees one whole snapshot, and every earlier snapshot stays readable with
``AT (VERSION => n)`` or ``AT (TIMESTAMP => t)``.

The extensions come from the ``duckdb-extension-*`` wheels in the lock, never from a
download: DuckDB looks for an extension in ``<directory>/v<version>/<platform>/`` under
its own name (``sqlite_scanner``), while a wheel holds it under its alias
(``sqlite.duckdb_extension``), so :func:`extension_directory` lays out links to the
wheels' files and every connection points DuckDB at it with installing turned off.

DuckDB checks an extension file's signature each time a new database loads it, about
0.3 s a connection, more than most readers' queries take. So a process checks each file
once (:class:`_CheckedExtensions`): later connections of the same kind load the files a
checked one loaded, unchanged since, and only those, without the check.

:func:`write_init_file` writes the statements that open the lake read-only to a file
(mode 600: it may hold S3 keys); `make sql` hands it to the DuckDB shell
(``python -m orchestration lake-init`` prints its path).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import duckdb

from orchestration.lib.common.duckdb_files import READ_MEMORY
from orchestration.lib.common.settings import Settings

# DuckDB's name for each extension, by the suffix of the wheel that ships it.
EXTENSIONS = {
    "ducklake": "ducklake",
    "sqlite": "sqlite_scanner",
    "postgres": "postgres_scanner",
    "httpfs": "httpfs",
}
NAME = "lake"  # the name the lake is attached under, and every reader's default database


class NoLakeYet(RuntimeError):
    """The catalog does not exist yet: nothing has been published."""


def extension_directory(root: Path) -> Path:
    """``root`` laid out as DuckDB's extension directory, linking to the installed wheels."""
    platform = duckdb.execute("pragma platform").fetchall()[0][0]
    folder = root / f"v{duckdb.__version__}" / platform
    folder.mkdir(parents=True, exist_ok=True)
    site = Path(duckdb.__file__).resolve().parent.parent
    for package, name in EXTENSIONS.items():
        shipped = site / f"duckdb_extension_{package}" / "extensions" / f"v{duckdb.__version__}"
        source = shipped / f"{package}.duckdb_extension"
        if not source.exists():
            raise RuntimeError(
                f"duckdb-extension-{package} {duckdb.__version__} is not installed; "
                "run `make install` (the extension wheels must match DuckDB's version)"
            )
        link = folder / f"{name}.duckdb_extension"
        if not link.is_symlink() or link.resolve() != source.resolve():
            partial = link.with_name(link.name + ".new")
            partial.unlink(missing_ok=True)
            partial.symlink_to(source)
            os.replace(partial, link)
    return root


class _CheckedExtensions:
    """The extension files a connection of this process loaded with their signatures
    checked, by the kind of connection (extension directory, catalog, data path's kind),
    each with the file's identity then (inode, size, modification time)."""

    def __init__(self) -> None:
        self._loaded: dict[tuple, dict[str, tuple[int, int, int]]] = {}

    @staticmethod
    def _identity(path: str) -> tuple[int, int, int]:
        found = os.stat(path)
        return found.st_ino, found.st_size, found.st_mtime_ns

    def trusted(self, kind: tuple) -> list[str] | None:
        """The names of the extensions to load without the check, if a connection of
        this kind loaded them checked and no file changed since; else None."""
        loaded = self._loaded.get(kind)
        try:
            if loaded and all(self._identity(p) == known for p, known in loaded.items()):
                return [Path(p).name.removesuffix(".duckdb_extension") for p in loaded]
        except OSError:
            pass
        return None

    def record(self, kind: tuple, con: duckdb.DuckDBPyConnection) -> None:
        """Note the files a checked connection of ``kind`` loaded."""
        paths = con.execute(
            "select install_path from duckdb_extensions()"
            " where loaded and install_path like '%.duckdb_extension'"
        ).fetchall()
        self._loaded[kind] = {path: self._identity(path) for (path,) in paths}


_CHECKED = _CheckedExtensions()


def sql_literal(value: str) -> str:
    """A SQL string literal (ATTACH and CREATE SECRET take no parameters)."""
    return "'" + value.replace("'", "''") + "'"


def s3_secret(environ: dict[str, str] | os._Environ[str] = os.environ) -> str:
    """A ``CREATE SECRET`` for S3 from the usual AWS variables, ``AWS_ENDPOINT_URL``
    included (an S3-compatible server: path-style URLs, SSL as its scheme says)."""
    options = ["type s3"]
    for option, variable in [
        ("key_id", "AWS_ACCESS_KEY_ID"),
        ("secret", "AWS_SECRET_ACCESS_KEY"),
        ("session_token", "AWS_SESSION_TOKEN"),
    ]:
        if environ.get(variable):
            options.append(f"{option} {sql_literal(environ[variable])}")
    region = environ.get("AWS_REGION") or environ.get("AWS_DEFAULT_REGION") or "us-east-1"
    options.append(f"region {sql_literal(region)}")
    if endpoint := environ.get("AWS_ENDPOINT_URL_S3") or environ.get("AWS_ENDPOINT_URL"):
        parts = urlsplit(endpoint if "://" in endpoint else f"https://{endpoint}")
        options += [
            f"endpoint {sql_literal(parts.netloc)}",
            "url_style 'path'",
            f"use_ssl {'true' if parts.scheme == 'https' else 'false'}",
        ]
    return f"create or replace secret trialwatch_s3 ({', '.join(options)})"


@dataclass(frozen=True)
class Lake:
    """Where the published warehouse lives: a DuckLake catalog and its data path."""

    catalog: str  # after ``ducklake:``: ``sqlite:/path`` or ``postgres:dbname=... host=...``
    data_path: str  # a folder ending in ``/``, or ``s3://bucket/prefix/``
    extensions: Path  # the extension directory (see extension_directory)
    memory_limit: str = READ_MEMORY

    @classmethod
    def of(cls, current: Settings) -> Lake:
        return cls(
            catalog=current.lake_catalog,
            data_path=current.lake_data_path,
            extensions=current.cache / "duckdb-extensions",
            memory_limit=current.read_memory,
        )

    @property
    def local_catalog(self) -> Path | None:
        """The SQLite catalog's file, when the catalog is one."""
        return (
            Path(self.catalog.removeprefix("sqlite:"))
            if self.catalog.startswith("sqlite:")
            else None
        )

    @property
    def _on_s3(self) -> bool:
        return self.data_path.startswith("s3://")

    @property
    def shown(self) -> str:
        """The catalog as logs and metadata may show it: without a password."""
        return re.sub(r"(password\s*=\s*)\S+", r"\1***", self.catalog)

    def exists(self) -> bool:
        """Whether anything was published yet (a PostgreSQL catalog is taken to exist)."""
        local = self.local_catalog
        return local is None or local.exists()

    def require(self) -> None:
        """Refuse, clearly, to read a lake nothing was published to yet."""
        if not self.exists():
            raise NoLakeYet(f"no warehouse published yet at {self.shown}: run `make run`")

    def setup(self, *, read_only: bool = True, loads: Iterable[str] = ()) -> list[str]:
        """The statements that attach the lake as ``lake`` and make it the default database,
        having loaded the extensions named in ``loads`` first."""
        statements = [
            "set autoinstall_known_extensions = false",
            f"set extension_directory = {sql_literal(str(extension_directory(self.extensions)))}",
            *(f"load {name}" for name in loads),
        ]
        if self._on_s3:
            statements += ["load httpfs", s3_secret()]
        # The settings say where the files are now: a lake moved with its data directory
        # (files are stored relative to the data path) opens where it was moved to.
        options = [f"data_path {sql_literal(self.data_path)}", "override_data_path true"]
        if read_only:
            options.append("read_only")
        statements += [
            f"attach {sql_literal('ducklake:' + self.catalog)} as {NAME} ({', '.join(options)})",
            f"use {NAME}",
        ]
        return statements

    def connect(self, *, read_only: bool = True) -> duckdb.DuckDBPyConnection:
        """An in-memory DuckDB with the lake attached as its default database.

        Readers get it read-only; each query sees the latest snapshot committed when it
        began, whole. The publisher (``read_only=False``) creates the lake if need be.
        """
        if read_only:
            self.require()
        else:
            if (local := self.local_catalog) is not None:
                local.parent.mkdir(parents=True, exist_ok=True)
            if not self._on_s3:
                Path(self.data_path).mkdir(parents=True, exist_ok=True)
        kind = (str(self.extensions), self.catalog.split(":", 1)[0], self._on_s3)
        config = {"memory_limit": self.memory_limit}
        trusted = _CHECKED.trusted(kind)
        if trusted is not None:
            # The files checked before, loaded by name: nothing loads unchecked by itself.
            config |= {"allow_unsigned_extensions": "true", "autoload_known_extensions": "false"}
        con = duckdb.connect(config=config)
        try:
            for statement in self.setup(read_only=read_only, loads=trusted or ()):
                con.execute(statement)
            if trusted is None:
                _CHECKED.record(kind, con)
        except Exception:
            con.close()
            raise
        return con


def current_snapshot(con: duckdb.DuckDBPyConnection) -> int:
    """The id of the lake's latest snapshot, as a connection from ``connect`` sees it."""
    return con.execute(f"select id from {NAME}.current_snapshot()").fetchall()[0][0]


def cursor(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """A second cursor on a lake connection, the lake its default database too (a cursor
    starts in DuckDB's in-memory database): for reading two results at once."""
    second = con.cursor()
    second.execute(f"use {NAME}")
    return second


def open_lake(current: Settings) -> duckdb.DuckDBPyConnection:
    """The published warehouse, read-only: what notebooks, the site, alerts and reports read."""
    return Lake.of(current).connect(read_only=True)


def write_init_file(current: Settings) -> Path:
    """The DuckDB shell's init file that opens the lake read-only (for `make sql`)."""
    init = current.cache / "lake.sql"
    init.parent.mkdir(parents=True, exist_ok=True)
    lake = Lake.of(current)
    lake.require()
    partial = init.with_name(init.name + ".new")
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write("".join(f"{statement};\n" for statement in lake.setup(read_only=True)))
    os.replace(partial, init)
    return init
