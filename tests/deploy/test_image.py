"""The container recipe, read (no container runtime exists here to build it): Python
3.11, dependencies from the lock only, what the code reads at run time copied in, and
entry points that exist; the instance and workspace it ships say what the operators' guide says."""

from __future__ import annotations

import importlib.util
import re
import shlex
import tomllib

import yaml

from orchestration.lib.common.settings import (
    CTHIST_VERSIONS,
    DBT_PROJECT_DIR,
    OPENAPI_SPEC,
    REPO_ROOT,
    SAMPLE_DUMP,
)

DEPLOY = REPO_ROOT / "deploy"


def _instructions() -> list[tuple[str, str]]:
    """The Dockerfile's instructions (continuation lines joined), comments left out."""
    text = re.sub(r"\\\n\s*", " ", (DEPLOY / "Dockerfile").read_text())
    lines = [line.strip() for line in text.splitlines()]
    return [
        (line.split(None, 1)[0].upper(), line.split(None, 1)[1])
        for line in lines
        if line and not line.startswith("#")
    ]


def test_the_image_is_python_311_installed_from_the_lock_only() -> None:
    steps = _instructions()
    (base,) = [arg for kind, arg in steps if kind == "FROM"]
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"]
    assert project["requires-python"].startswith(">=3.11,<3.12")
    assert re.fullmatch(r"python:3\.11(\.\d+)?-slim-\w+", base), base
    copied = [shlex.split(arg)[:-1] for kind, arg in steps if kind == "COPY"]
    assert ["pyproject.toml", "uv.lock", "README.md"] in copied
    commands = " && ".join(arg for kind, arg in steps if kind == "RUN")
    syncs = re.findall(r"uv sync[^&]*", commands)
    assert len(syncs) == 2 and all("--frozen" in s and "--no-dev" in s for s in syncs)
    # Installed editable (uv's default): the code finds dbt_project and data/ beside it.
    assert "--no-editable" not in commands
    # The one other install is uv itself, pinned.
    installs = re.findall(r"pip install ([^&]*)", commands)
    assert [i.split()[-1] for i in installs] == ['"uv==0.13.9"']
    # Nothing is downloaded by hand: no curl, wget or browser download.
    assert not re.search(r"\b(curl|wget|playwright install)\b", commands)


def test_what_the_code_reads_at_run_time_is_copied_in() -> None:
    steps = _instructions()
    copied = {shlex.split(arg)[0] for kind, arg in steps if kind == "COPY"}
    needed = [SAMPLE_DUMP, OPENAPI_SPEC, CTHIST_VERSIONS, DBT_PROJECT_DIR / "dbt_project.yml"]
    needed.append(REPO_ROOT / "orchestration" / "templates")
    for path in needed:
        relative = path.relative_to(REPO_ROOT).as_posix()
        assert any(relative == c or relative.startswith(c.rstrip("/") + "/") for c in copied), (
            f"{relative} is read at run time but not copied into the image"
        )
    for source in copied:
        assert (REPO_ROOT / source).exists(), f"COPY {source}: no such path"
    ignored = (DEPLOY / "Dockerfile.dockerignore").read_text().splitlines()
    for source in copied:  # the context keeps every file the image copies
        assert f"!{source}" in ignored or f"!{source}/" in ignored, source


def test_the_entry_points_exist_and_match_the_deployment() -> None:
    steps = _instructions()
    (command,) = [arg for kind, arg in steps if kind == "CMD"]
    argv = yaml.safe_load(command)  # the exec form is a JSON array
    assert argv[:3] == ["dagster", "code-server", "start"]
    module = argv[argv.index("-m") + 1]
    assert importlib.util.find_spec(module) is not None
    (exposed,) = [arg for kind, arg in steps if kind == "EXPOSE"]
    assert argv[argv.index("-p") + 1] in exposed.split()
    # The web service's command, named in the recipe's header, is a runnable module.
    assert "python -m orchestration.web" in (DEPLOY / "Dockerfile").read_text()
    assert importlib.util.find_spec("orchestration.web.__main__") is not None
    # The image's instance is the deployment's.
    assert "COPY deploy/dagster.yaml /opt/dagster/home/dagster.yaml" in [
        f"{kind} {arg}" for kind, arg in steps
    ]
    environment = " ".join(arg for kind, arg in steps if kind == "ENV")
    assert "DAGSTER_HOME=/opt/dagster/home" in environment
    assert "TRIALWATCH_DATA_DIR=/var/lib/trialwatch" in environment

    workspace = yaml.safe_load((DEPLOY / "workspace.yaml").read_text())
    (location,) = workspace["load_from"]
    assert location["python_module"]["module_name"] == module


def test_every_instance_runs_one_pipeline_run_at_a_time() -> None:
    for path in (REPO_ROOT / "dagster.yaml", DEPLOY / "dagster.yaml"):
        instance = yaml.safe_load(path.read_text())
        coordinator = instance["run_coordinator"]
        assert coordinator["class"] == "QueuedRunCoordinator", path
        assert coordinator["config"]["max_concurrent_runs"] == 1, path
    deployed = yaml.safe_load((DEPLOY / "dagster.yaml").read_text())
    assert deployed["storage"] == {"postgres": {"postgres_url": {"env": "DAGSTER_POSTGRES_URL"}}}
