"""Real servers for the lake's team setup, on loopback: PostgreSQL from Debian's package
(installed by `make test` through .ci/system-packages) for the catalog, and moto's S3
server (from the lock) for the data files."""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import duckdb
from moto.server import ThreadedMotoServer

from orchestration.lib.common.lake import NAME
from orchestration.lib.common.settings import environment
from orchestration.lib.warehouse.build_state import SCHEMA

S3_KEYS = {
    "AWS_ACCESS_KEY_ID": "trialwatch-test",
    "AWS_SECRET_ACCESS_KEY": "trialwatch-test-secret",
    "AWS_REGION": "us-east-1",
}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _postgres_bin() -> Path:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    if not found:
        raise RuntimeError(
            "PostgreSQL's server is not installed: `make test` installs Debian's postgresql"
        )
    return found[-1].parent


@dataclass(frozen=True)
class Postgres:
    binaries: Path
    port: int

    @property
    def address(self) -> list[str]:
        return ["-h", "127.0.0.1", "-p", str(self.port), "-U", "trialwatch"]

    def database(self, name: str) -> str:
        """A new, empty database; its libpq connection string."""
        subprocess.run([str(self.binaries / "createdb"), *self.address, name], check=True)
        return f"dbname={name} host=127.0.0.1 port={self.port} user=trialwatch"


@contextmanager
def postgres_server() -> Iterator[Postgres]:
    """A throwaway PostgreSQL on loopback, its superuser ``trialwatch``.

    PostgreSQL refuses to run as root, so as root it runs as Debian's ``postgres`` user.
    """
    binaries = _postgres_bin()
    folder = Path(tempfile.mkdtemp(prefix="trialwatch-postgres-"))
    as_user: list[str] = []
    if os.getuid() == 0:
        owner = pwd.getpwnam("postgres")
        os.chown(folder, owner.pw_uid, owner.pw_gid)
        as_user = ["runuser", "-u", "postgres", "--"]
    data, port = folder / "data", free_port()
    server = None
    try:
        initdb = [str(binaries / "initdb"), "-D", str(data), "-A", "trust", "-U", "trialwatch"]
        subprocess.run(
            [*as_user, *initdb, "-E", "UTF8", "--no-sync"],
            check=True,
            capture_output=True,
        )
        postgres = [str(binaries / "postgres"), "-D", str(data), "-k", str(folder), "-F"]
        server = subprocess.Popen(
            [*as_user, *postgres, "-h", "127.0.0.1", "-p", str(port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        running = Postgres(binaries, port)
        deadline = time.monotonic() + 30
        ready = [str(binaries / "pg_isready"), *running.address]
        while subprocess.run(ready, capture_output=True).returncode:
            if time.monotonic() > deadline or server.poll() is not None:
                raise RuntimeError("PostgreSQL did not start")
            time.sleep(0.2)
        yield running
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def s3_server(bucket: str = "trialwatch-lake") -> Iterator[str]:
    """moto's S3 server on loopback with one bucket, and the AWS variables pointing at it
    (``AWS_ENDPOINT_URL`` included) for the duration; yields the endpoint."""
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    try:
        with environment({**S3_KEYS, "AWS_ENDPOINT_URL": endpoint}):
            boto3.client("s3", endpoint_url=endpoint).create_bucket(Bucket=bucket)
            yield endpoint
    finally:
        server.stop()


def s3_objects(endpoint: str, bucket: str, prefix: str) -> list[str]:
    """The keys under ``prefix`` in the test server's bucket."""
    client = boto3.client("s3", endpoint_url=endpoint)
    pages = client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix)
    return [item["Key"] for page in pages for item in page.get("Contents", [])]


# Rows only in ``one``, rows only in ``other``, as ``except all`` both ways counts them:
# each whole row (a struct, nulls equal) counted +1 per copy in one, -1 in the other. One
# scan of each side instead of two, which matters where the lake's files are in S3.
ONLY_IN_EACH = """
    select coalesce(sum(n) filter (where n > 0), 0), coalesce(-sum(n) filter (where n < 0), 0)
    from (
        select sum(side) as n
        from (select r, 1 as side from {one} r union all select r, -1 from {other} r)
        group by r
    )
"""


def differences(con: duckdb.DuckDBPyConnection, build: Path, leave_out: Iterable[str]) -> dict:
    """Where the lake (``con``'s default database) and a build file differ, table by table:
    (rows only in the build, rows only in the lake), each side's rows taken as a multiset
    (``except all``, nulls equal). Empty when every table is equal. The build's own
    bookkeeping (schema build_state) is never published."""
    con.execute(f"attach '{build}' as compared (read_only)")
    try:
        listed = (
            "select schema_name || '.' || table_name from duckdb_tables()"
            " where database_name = ? order by 1"
        )
        tables = con.execute(listed, ["compared"]).fetchall()
        built = {t for (t,) in tables if not t.startswith(f"{SCHEMA}.")} - set(leave_out)
        published = {t for (t,) in con.execute(listed, [NAME]).fetchall()} - {"main.runs"}
        found = {}
        if built != published:
            found["tables"] = (sorted(built - published), sorted(published - built))
        for table in sorted(built & published):
            schema, name = table.split(".")
            one, other = f'compared."{schema}"."{name}"', f'{NAME}."{schema}"."{name}"'
            only = con.execute(ONLY_IN_EACH.format(one=one, other=other)).fetchall()[0]
            if any(only):
                found[table] = tuple(only)
        return found
    finally:
        con.execute("detach compared")


def counted_rows(con: duckdb.DuckDBPyConnection, sql: str) -> Counter:
    """The rows of ``sql``, each counted (lists and structs as tuples)."""
    return Counter(_hashable(row) for row in con.execute(sql).fetchall())


def _hashable(value: Any) -> Any:
    """A row with its lists and structs as tuples, so that rows can be counted."""
    if isinstance(value, list | tuple):
        return tuple(_hashable(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((k, _hashable(v)) for k, v in value.items()))
    return value


# The tables of ``main`` a run publishes (``runs`` is the lake's own record).
MAIN_TABLES = (
    "select table_name from duckdb_tables() where database_name = 'lake'"
    " and schema_name = 'main' and table_name <> 'runs' order by 1"
)
