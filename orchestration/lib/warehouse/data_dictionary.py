"""The data dictionary (docs/data-dictionary.md): every mart and column, from dbt's manifest.

Marts have enforced contracts, so the manifest names every column with its type; the
descriptions come from the models' YAML. Regenerate after changing a mart:

    .venv/bin/python -m orchestration.lib.warehouse.data_dictionary
"""

from __future__ import annotations

import csv
import json
from typing import Any

from orchestration.lib.common.settings import DBT_PROJECT_DIR, REPO_ROOT
from orchestration.lib.warehouse.publish import RUNS, RUNS_COLUMNS, RUNS_DESCRIPTION

DICTIONARY = REPO_ROOT / "docs" / "data-dictionary.md"
MANIFEST = DBT_PROJECT_DIR / "target" / "manifest.json"
# AACT's tables the `aact` schema does not have, each with its reason (a dbt seed).
ABSENT = DBT_PROJECT_DIR / "seeds" / "aact_absent.csv"


def marts(manifest: dict[str, Any]) -> list[dict[str, Any]]:
    """The mart models (models/marts/...), by folder then name."""
    nodes = [
        n
        for n in manifest["nodes"].values()
        if n["resource_type"] == "model" and n["fqn"][1:2] == ["marts"]
    ]
    return sorted(nodes, key=lambda n: (n["fqn"][2], n["name"]))


def render(manifest: dict[str, Any]) -> str:
    lines = [
        "# Data dictionary",
        "",
        "Every table analysts query in the published warehouse, the lake (`make sql`;",
        "schema `main`), and every column, generated from the dbt project and the publish",
        "step by `python -m orchestration.lib.warehouse.data_dictionary`.",
        "Parquet copies of the same tables are in `data/exports/`.",
    ]
    folder = None
    for node in marts(manifest):
        if node["fqn"][2] != folder:
            folder = node["fqn"][2]
            lines += ["", f"## {folder}"]
        description = " ".join(node["description"].split())
        lines += [
            "",
            f"### `{node['name']}`",
            "",
            description,
            "",
            "| column | type | description |",
        ]
        lines.append("| --- | --- | --- |")
        for column in node["columns"].values():
            text = " ".join(column["description"].split()).replace("|", "\\|")
            lines.append(f"| `{column['name']}` | {column['data_type']} | {text} |")
    lines += ["", "## lake", "", f"### `{RUNS}`", "", RUNS_DESCRIPTION, ""]
    lines += ["| column | type | description |", "| --- | --- | --- |"]
    lines += [f"| `{name}` | {kind} | {text} |" for name, kind, text in RUNS_COLUMNS]
    return "\n".join(lines + _aact(manifest)) + "\n"


def _aact(manifest: dict[str, Any]) -> list[str]:
    """The `aact` schema: its views, and AACT's tables it does not have, with why."""
    views = sorted(
        (n["alias"], " ".join(n["description"].split()))
        for n in manifest["nodes"].values()
        if n["resource_type"] == "model" and n["fqn"][1:2] == ["aact"]
    )
    with ABSENT.open(newline="") as handle:
        absent = sorted((row["table_name"], row["reason"]) for row in csv.DictReader(handle))
    lines = [
        "",
        "## aact",
        "",
        "Views with AACT's table and column names over the tables above, for AACT's users'",
        "queries (docs/coming-from-aact.md).",
        "",
        "| view | what it holds |",
        "| --- | --- |",
    ]
    lines += [f"| `aact.{name}` | {text} |" for name, text in views]
    lines += ["", "AACT's tables the schema does not have:", ""]
    lines += ["| AACT table | why not |", "| --- | --- |"]
    lines += [f"| `{name}` | {reason} |" for name, reason in absent]
    return lines


def main() -> None:
    DICTIONARY.write_text(render(json.loads(MANIFEST.read_text())))
    print(f"wrote {DICTIONARY}")


if __name__ == "__main__":
    main()
