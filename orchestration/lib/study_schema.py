"""The registry's own OpenAPI description of a study, compiled into a validator.

The spec (``data/reference/ctgov-api-v2.0.5.openapi.yaml``) is the single source of
truth for field types and enums: the loader checks records against it here, and the
dbt ``accepted_enum`` tests read the same enums from a seed generated from it.

Two grades of finding:
- a value of the wrong JSON type is a ``SchemaViolation``: the record is quarantined,
  because every model downstream would misread it;
- an unknown enum value or a malformed date is an ``Issue``: the record still lands
  (the registry adds enum values over time) and the finding goes to the load log.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from orchestration.lib.settings import DBT_PROJECT_DIR, OPENAPI_SPEC

# Validated sections: the results section is large and not modelled, so it is kept
# verbatim but not walked.
VALIDATED_SECTIONS = ("protocolSection", "derivedSection", "hasResults")
ENUM_SEED = DBT_PROJECT_DIR / "seeds" / "ctgov_enums.csv"

_PARTIAL_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_FULL_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_JSON_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
}


class SchemaViolation(ValueError):
    """A value of the wrong type: the record cannot be modelled as it is."""


@dataclass(frozen=True, slots=True)
class Issue:
    path: str
    value: str
    message: str


@dataclass
class _Node:
    kind: str  # object, array, string, integer, number, boolean, any
    properties: dict[str, _Node] = field(default_factory=dict)
    items: _Node | None = None
    enum_name: str | None = None
    enum: frozenset[str] | None = None
    date_format: str | None = None  # "date" (yyyy-MM-dd) or "partial" (yyyy[-MM[-dd]])
    pattern: re.Pattern[str] | None = None


@cache
def _spec(path: Path = OPENAPI_SPEC) -> Mapping[str, Any]:
    with path.open() as handle:
        return yaml.safe_load(handle)["components"]["schemas"]


def enums(path: Path = OPENAPI_SPEC) -> dict[str, list[str]]:
    """Every enum the spec names, in the spec's order."""
    return {name: list(schema["enum"]) for name, schema in _spec(path).items() if "enum" in schema}


@cache
def study_validator(path: Path = OPENAPI_SPEC) -> _Node:
    schemas = _spec(path)
    compiled: dict[str, _Node] = {}

    def compile_ref(name: str) -> _Node:
        if name not in compiled:
            compiled[name] = _Node("any")  # placeholder breaks reference cycles
            node = compile_schema(schemas[name], ref_name=name)
            compiled[name].__dict__.update(node.__dict__)
        return compiled[name]

    def compile_schema(schema: Mapping[str, Any], ref_name: str | None = None) -> _Node:
        if "$ref" in schema:
            return compile_ref(schema["$ref"].rsplit("/", 1)[-1])
        kind = schema.get("type", "any")
        if kind == "object":
            props = schema.get("properties", {})
            return _Node("object", properties={k: compile_schema(v) for k, v in props.items()})
        if kind == "array":
            return _Node("array", items=compile_schema(schema.get("items", {})))
        node = _Node(kind)
        if "enum" in schema:
            node.enum_name, node.enum = ref_name, frozenset(schema["enum"])
        if schema.get("format") == "date":
            node.date_format = "date"
        elif ref_name == "PartialDate":
            node.date_format = "partial"
        if "pattern" in schema:
            node.pattern = re.compile(schema["pattern"])
        return node

    study = compile_ref("Study")
    return _Node(
        "object",
        properties={k: v for k, v in study.properties.items() if k in VALIDATED_SECTIONS},
    )


def validate_study(record: Mapping[str, Any]) -> list[Issue]:
    """Check a study against the spec; raise SchemaViolation, or return the soft issues."""
    issues: list[Issue] = []
    _walk(record, study_validator(), "", issues)
    return issues


def _walk(value: Any, node: _Node, path: str, issues: list[Issue]) -> None:
    if value is None or node.kind == "any":
        return
    if node.kind == "object":
        if not isinstance(value, dict):
            raise SchemaViolation(f"{path or 'record'}: expected an object, got {_type(value)}")
        for key, child in node.properties.items():
            if key in value:
                _walk(value[key], child, f"{path}.{key}" if path else key, issues)
    elif node.kind == "array":
        if not isinstance(value, list):
            raise SchemaViolation(f"{path}: expected an array, got {_type(value)}")
        assert node.items is not None
        for index, item in enumerate(value):
            _walk(item, node.items, f"{path}[{index}]", issues)
    else:
        expected = _JSON_TYPES[node.kind]
        # bool is an int in Python but not in JSON.
        if not isinstance(value, expected) or (isinstance(value, bool) and node.kind != "boolean"):
            raise SchemaViolation(f"{path}: expected {node.kind}, got {_type(value)} {value!r:.60}")
        if node.enum is not None and value not in node.enum:
            issues.append(Issue(path, str(value), f"unknown {node.enum_name} value {value!r}"))
        elif node.date_format == "partial" and not _PARTIAL_DATE.match(value):
            issues.append(Issue(path, value, f"unparseable partial date {value!r}"))
        elif node.date_format == "date" and not _FULL_DATE.match(value):
            issues.append(Issue(path, value, f"unparseable date {value!r}"))
        elif node.pattern is not None and not node.pattern.match(value):
            issues.append(
                Issue(path, value, f"value {value!r} does not match {node.pattern.pattern}")
            )


def _type(value: Any) -> str:
    return {dict: "object", list: "array", str: "string", bool: "boolean"}.get(
        type(value), type(value).__name__
    )


def enum_seed_rows(path: Path = OPENAPI_SPEC) -> Iterator[tuple[str, str]]:
    for name, values in enums(path).items():
        for value in values:
            yield name, value


def write_enum_seed(target: Path = ENUM_SEED) -> None:
    """Regenerate the dbt seed of enums: ``python -m orchestration.lib.study_schema``."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("w", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["enum_name", "enum_value"])
        writer.writerows(enum_seed_rows())


if __name__ == "__main__":
    write_enum_seed()
