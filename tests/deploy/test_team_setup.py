"""The team setup of docs/operators.md's "Deploy beyond one machine", run with its own
settings against real servers on loopback: PostgreSQL (Debian's package) for Dagster,
the lake's catalog and the subscriber store; moto's S3 server for the lake's files and
the site; aiosmtpd as the relay. Two `make run`s of the seed trial's dumps, then a
site build that fails its check; other processes read what the runs left."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import boto3
import dagster as dg
import pytest

from orchestration.defs.site import assets as site_assets
from orchestration.defs.site.assets import site_feed, site_pages, site_published
from orchestration.defs.site.resources import SiteResource
from orchestration.lib.common.settings import REPO_ROOT, environment
from orchestration.lib.site.bucket import MARKER
from tests.support.lakes import postgres_server, s3_objects, s3_server
from tests.support.mail import smtp_server
from tests.support.seed_runs import SEED

# About 200 s of a worker's time on CI.
pytestmark = pytest.mark.long(seconds=200)

DUMPS = [("2026-06-24", SEED / "NCT06529731.2026-06-24.json")]
DUMPS.append(("2026-06-27", SEED / "NCT06529731.2026-06-27.json"))

# Run by a second process: what the lake and Dagster's instance hold, as JSON.
READER = """
import json
import dagster as dg
from orchestration.lib.common.lake import open_lake
from orchestration.lib.common.settings import settings

with open_lake(settings()) as con:
    runs = con.execute("select snapshot_id, run_id from main.runs order by 1").fetchall()
    trials = [
        con.execute(f"select count(*) from main.trials at (version => {s})").fetchall()[0][0]
        for s, _ in runs
    ]
instance = dg.DagsterInstance.get()
site = instance.get_latest_materialization_event(dg.AssetKey("site_published"))
metadata = site.asset_materialization.metadata
print(json.dumps({
    "storage": type(instance.run_storage).__name__,
    "snapshots": runs,
    "trials": trials,
    "dagster_runs": [[r.run_id, r.status.value] for r in instance.get_runs()],
    "site_published": {k: v.value for k, v in metadata.items() if k.startswith("bucket_")},
}))
"""


def readme_settings() -> dict[str, str]:
    """The `export` lines of the operators' guide's block of team settings."""
    guide = (REPO_ROOT / "docs" / "operators.md").read_text()
    section = guide.split("## Deploy beyond one machine", 1)[1]
    block = section.split("```sh\n", 1)[1].split("```", 1)[0]
    found = {}
    for line in block.splitlines():
        if line.startswith("export "):
            name, value = shlex.split(line.removeprefix("export "))[0].split("=", 1)
            found[name] = value
    return found


def _team(folder: Path, postgres_port: int, s3: str, smtp_port: int) -> dict[str, str]:
    """The guide's settings, pointed at this test's servers and folder."""
    swaps = {
        "127.0.0.1:5432": f"127.0.0.1:{postgres_port}",
        "port=5432": f"port={postgres_port}",
        "http://127.0.0.1:9000": s3,
        "$PWD": str(folder),
    }
    team = {}
    for name, value in readme_settings().items():
        for old, new in swaps.items():
            value = value.replace(old, new)
        team[name] = value
    team["TRIALWATCH_SMTP_PORT"] = str(smtp_port)
    return team


def _site_objects(bucket: str, prefix: str) -> dict[str, tuple[str, object]]:
    """The site's objects: each key's ETag (the MD5 of what was sent) and when it was sent."""
    client = boto3.client("s3")
    pages = client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix)
    return {
        item["Key"].removeprefix(prefix): (item["ETag"].strip('"'), item["LastModified"])
        for page in pages
        for item in page.get("Contents", [])
    }


def _build(live: Path) -> dict[str, str]:
    """The live site build's files and the MD5 of each."""
    root = live.resolve()
    return {
        p.relative_to(root).as_posix(): hashlib.md5(p.read_bytes()).hexdigest()
        for p in root.rglob("*")
        if p.is_file()
    }


def _make_run(env: dict[str, str], as_of: str, dump: Path) -> None:
    done = subprocess.run(
        ["make", "run", f"SOURCE={dump}", f"AS_OF={as_of}"],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]


def test_the_readme_team_setup_publishes_lake_and_site_to_shared_servers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with (
        postgres_server() as postgres,
        s3_server("trialwatch") as s3,
        smtp_server() as (inbox, smtp_port),
    ):
        team = _team(tmp_path, postgres.port, s3, smtp_port)
        for database in ("trialwatch_dagster", "trialwatch_lake", "trialwatch_subscribers"):
            postgres.database(database)
        data = tmp_path / "data"
        env = {**os.environ, **team, "TRIALWATCH_DATA_DIR": str(data)}
        bucket, site_prefix = "trialwatch", "site/"
        live = data / "site"

        # The first run: the lake into PostgreSQL and the bucket, the site into the bucket.
        _make_run(env, *DUMPS[0])
        first_build = _build(live)
        first = _site_objects(bucket, site_prefix)
        marker = first.pop(MARKER)
        assert {k: etag for k, (etag, _) in first.items()} == first_build
        lake_files = s3_objects(s3, bucket, "lake/")
        assert any(k.endswith(".parquet") for k in lake_files)
        assert not (data / "lake").exists()  # the catalog is PostgreSQL, the files the bucket

        # The second: one more snapshot; only the site's objects that changed are sent.
        _make_run(env, *DUMPS[1])
        second_build = _build(live)
        second = _site_objects(bucket, site_prefix)
        assert second.pop(MARKER)[1] > marker[1]
        assert {k: etag for k, (etag, _) in second.items()} == second_build
        new = set(second_build) - set(first_build)
        kept = set(first_build) & set(second_build)
        changed = {k for k in kept if first_build[k] != second_build[k]}
        deleted = set(first_build) - set(second_build)
        assert changed, "the second dump changes the trial's page"
        sent = {k for k, (_, when) in second.items() if k not in first or when > first[k][1]}
        assert sent == new | changed
        assert "site.css" not in sent and "site.css" in second_build

        # Another process reads the lake and Dagster's instance (both in PostgreSQL).
        reader = subprocess.run(
            [sys.executable, "-c", READER], env=env, capture_output=True, text=True, check=True
        )
        seen = json.loads(reader.stdout)
        assert seen["storage"] == "PostgresRunStorage"
        assert len(seen["snapshots"]) == 2
        assert seen["snapshots"][1][0] > seen["snapshots"][0][0]
        assert seen["trials"] == [1, 1]
        # Each lake snapshot names the Dagster run that made it; both runs succeeded.
        assert {run_id for _, run_id in seen["snapshots"]} == {
            run_id for run_id, status in seen["dagster_runs"] if status == "SUCCESS"
        }
        assert seen["site_published"] == {
            "bucket_new": len(new),
            "bucket_changed": len(changed),
            "bucket_deleted": len(deleted),
            "bucket_compared": "changes",
        }

        # Dagster's definitions load against the PostgreSQL-backed instance.
        validated = subprocess.run(
            [
                str(Path(sys.executable).parent / "dagster"),
                *("definitions", "validate", "-w", str(REPO_ROOT / "deploy" / "workspace.yaml")),
            ],
            env=env,
            capture_output=True,
            text=True,
        )
        assert validated.returncode == 0, validated.stdout[-2000:] + validated.stderr[-2000:]
        assert re.search(r"trialwatch", validated.stdout + validated.stderr)

        # A build that fails its check changes nothing in the bucket, nor the live site.
        monkeypatch.setattr(
            site_assets, "problems", lambda *_, **__: ["trials/NCT06529731.html: phone"]
        )
        with environment({**team, "TRIALWATCH_DATA_DIR": str(data)}):
            failed = dg.materialize(
                [site_feed, site_pages, site_published],
                resources={"site": SiteResource()},
                run_config={"ops": {"site_feed": {"config": {"full_refresh": True}}}},
            )
        (published,) = failed.asset_materializations_for_node("site_published")
        assert published.metadata["published"].value is False
        assert not any(k.startswith("bucket_") for k in published.metadata)
        after = _site_objects(bucket, site_prefix)
        after.pop(MARKER)
        assert after == second
        assert _build(live) == second_build
        assert inbox.messages == []  # nobody has signed up: the relay was never asked
