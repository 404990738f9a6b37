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
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from orchestration.lib.common.settings import DBT_PROJECT_DIR, OPENAPI_SPEC

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
    _study_checker()(record, None, issues)
    return issues


# A check takes a value, its path (a linked list of (parent, key) pairs, joined into text
# only when there is something to report: most values have nothing to report), and the
# issues found so far. Compiling one closure per schema node once, rather than walking
# the node tree for every record, makes validation about four times faster.
_Path = tuple | None
_Check = Callable[[Any, _Path, list[Issue]], None]


@cache
def _study_checker() -> _Check:
    return _compile(study_validator(), {})


def _compile(node: _Node, compiled: dict[int, _Check]) -> _Check:
    if id(node) in compiled:
        return compiled[id(node)]
    if node.kind == "object":
        children: dict[str, _Check] = {}

        def check_object(value: Any, path: _Path, issues: list[Issue]) -> None:
            if type(value) is not dict:
                raise SchemaViolation(
                    f"{_text(path) or 'record'}: expected an object, got {_type(value)}"
                )
            for key, item in value.items():
                check = children.get(key)
                if check is not None and item is not None:
                    check(item, (path, key), issues)

        # Registered before its children compile, so a schema that refers to itself works.
        compiled[id(node)] = check_object
        children.update({key: _compile(child, compiled) for key, child in node.properties.items()})
        children = {key: check for key, check in children.items() if check is not _accept}
        return check_object
    if node.kind == "array":
        assert node.items is not None
        check_item = _compile(node.items, compiled)

        def check_array(value: Any, path: _Path, issues: list[Issue]) -> None:
            if type(value) is not list:
                raise SchemaViolation(f"{_text(path)}: expected an array, got {_type(value)}")
            if check_item is not _accept:
                for index, item in enumerate(value):
                    if item is not None:
                        check_item(item, (path, index), issues)

        compiled[id(node)] = check_array
        return check_array
    check = _accept if node.kind == "any" else _compile_leaf(node)
    compiled[id(node)] = check
    return check


def _accept(value: Any, path: _Path, issues: list[Issue]) -> None:
    """A value of any type: nothing to check."""


def _compile_leaf(node: _Node) -> _Check:
    expected = _JSON_TYPES[node.kind]
    # bool is an int in Python but not in JSON: compare exact types.
    exact = {float, int} if node.kind == "number" else set(expected)
    kind, enum, date_format, pattern = node.kind, node.enum, node.date_format, node.pattern

    def check_leaf(value: Any, path: _Path, issues: list[Issue]) -> None:
        if type(value) not in exact:
            raise SchemaViolation(
                f"{_text(path)}: expected {kind}, got {_type(value)} {value!r:.60}"
            )
        if enum is not None:
            if value not in enum:
                issues.append(
                    Issue(_text(path), str(value), f"unknown {node.enum_name} value {value!r}")
                )
        elif date_format == "partial":
            if not _PARTIAL_DATE.match(value):
                issues.append(Issue(_text(path), value, f"unparseable partial date {value!r}"))
        elif date_format == "date":
            if not _FULL_DATE.match(value):
                issues.append(Issue(_text(path), value, f"unparseable date {value!r}"))
        elif pattern is not None and not pattern.match(value):
            issues.append(
                Issue(_text(path), value, f"value {value!r} does not match {pattern.pattern}")
            )

    return check_leaf


def _text(path: _Path) -> str:
    """The dotted path of a value: protocolSection.conditionsModule.conditions[2]."""
    parts: list[str] = []
    while path is not None:
        path, key = path
        parts.append(f"[{key}]" if isinstance(key, int) else f".{key}")
    return "".join(reversed(parts)).removeprefix(".")


def _type(value: Any) -> str:
    return {dict: "object", list: "array", str: "string", bool: "boolean"}.get(
        type(value), type(value).__name__
    )


def enum_seed_rows(path: Path = OPENAPI_SPEC) -> Iterator[tuple[str, str]]:
    for name, values in enums(path).items():
        for value in values:
            yield name, value


def write_enum_seed(target: Path = ENUM_SEED) -> None:
    """Regenerate the dbt seed of enums: ``python -m orchestration.lib.ingest.study_schema``."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("w", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["enum_name", "enum_value"])
        writer.writerows(enum_seed_rows())


if __name__ == "__main__":
    write_enum_seed()
