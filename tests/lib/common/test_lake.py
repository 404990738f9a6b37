"""Opening the lake: extensions from the installed wheels only, S3 keys from the usual
variables, passwords kept out of what is shown."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from orchestration.lib.common.lake import (
    EXTENSIONS,
    Lake,
    NoLakeYet,
    extension_directory,
    s3_secret,
)


def test_the_extensions_load_from_the_wheels_with_installing_off(tmp_path: Path) -> None:
    folder = extension_directory(tmp_path / "ext")
    links = sorted((folder / f"v{duckdb.__version__}").glob("*/*.duckdb_extension"))
    assert sorted(link.name for link in links) == sorted(
        f"{name}.duckdb_extension" for name in EXTENSIONS.values()
    )
    assert all("site-packages/duckdb_extension_" in str(link.resolve()) for link in links)
    with duckdb.connect() as con:
        con.execute("set autoinstall_known_extensions = false")
        con.execute(f"set extension_directory = '{folder}'")
        for name in EXTENSIONS.values():
            con.execute(f"load {name}")
        loaded = {
            row[0]
            for row in con.execute(
                "select extension_name from duckdb_extensions() where loaded"
            ).fetchall()
        }
    assert set(EXTENSIONS.values()) <= loaded


def _checked(con: duckdb.DuckDBPyConnection) -> bool:
    return not con.execute("select current_setting('allow_unsigned_extensions')").fetchall()[0][0]


def test_a_process_checks_each_extension_file_once_while_it_stays_the_same(
    tmp_path: Path,
) -> None:
    lake = Lake(f"sqlite:{tmp_path / 'catalog.sqlite'}", f"{tmp_path / 'files'}/", tmp_path / "x")
    with lake.connect(read_only=False) as con:
        assert _checked(con)
        con.execute("create table t as select 1 as n")
    with lake.connect() as con:
        assert not _checked(con)
        assert con.execute("select n from t").fetchall() == [(1,)]
        loaded = con.execute(
            "select extension_name from duckdb_extensions()"
            " where loaded and install_path like '%.duckdb_extension'"
        ).fetchall()
        assert sorted(loaded) == [("ducklake",), ("sqlite_scanner",)]
        assert not con.execute("select current_setting('autoload_known_extensions')").fetchall()[0][
            0
        ]
    # Another file in the link's place: checked again, then trusted again.
    (link,) = (tmp_path / "x").rglob("ducklake.duckdb_extension")
    target = link.resolve()
    link.unlink()
    shutil.copyfile(target, link)
    with lake.connect() as con:
        assert _checked(con)
    with lake.connect() as con:
        assert not _checked(con)
    # Another kind of connection (here, another extension directory) is checked first.
    other = Lake(lake.catalog, lake.data_path, tmp_path / "y")
    with other.connect() as con:
        assert _checked(con)


def test_s3_keys_come_from_the_aws_variables_quoted() -> None:
    secret = s3_secret(
        {
            "AWS_ACCESS_KEY_ID": "key",
            "AWS_SECRET_ACCESS_KEY": "it's secret",
            "AWS_DEFAULT_REGION": "eu-west-1",
            "AWS_ENDPOINT_URL": "https://objects.example.org:9000",
        }
    )
    assert "secret 'it''s secret'" in secret and "key_id 'key'" in secret
    assert "region 'eu-west-1'" in secret
    assert "endpoint 'objects.example.org:9000'" in secret and "use_ssl true" in secret
    plain = s3_secret({"AWS_ENDPOINT_URL": "http://127.0.0.1:9000"})
    assert "use_ssl false" in plain and "url_style 'path'" in plain
    assert "endpoint" not in s3_secret({})  # AWS itself


def test_a_password_is_never_shown_and_no_lake_is_a_clear_error(tmp_path: Path) -> None:
    lake = Lake("postgres:dbname=lake host=db password=hunter2 user=tw", "s3://b/p/", tmp_path)
    assert "hunter2" not in lake.shown and "password=***" in lake.shown
    empty = Lake(f"sqlite:{tmp_path / 'none.sqlite'}", f"{tmp_path / 'files'}/", tmp_path)
    with pytest.raises(NoLakeYet, match=r"no warehouse published yet.*make run"):
        empty.connect()
    assert not (tmp_path / "none.sqlite").exists() and not (tmp_path / "files").exists()
