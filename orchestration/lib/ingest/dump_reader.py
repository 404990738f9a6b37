"""Stream study records out of every form the registry publishes.

Forms: the bulk download zip (one ``NCTxxxxxxxx.json`` per study, in folders), saved
``/api/v2/studies`` pages (``{"studies": [...], "nextPageToken": ...}``), a JSON array,
JSON Lines, a single study's JSON file, and a folder of any of these; each may be
gzip-compressed. Records are yielded one at a time with where they came from, so
memory stays flat however large the dump, and a bad record can be quarantined by
file and position. Only a source that cannot be read at all raises ``DumpError``.
"""

from __future__ import annotations

import gzip
import io
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import ijson
import orjson

from orchestration.lib.ingest.limits import DEFAULT_LIMITS, LoadLimits

_BOM = b"\xef\xbb\xbf"
_GZIP_MAGIC = b"\x1f\x8b"
_ZIP_MAGIC = b"PK\x03\x04"
_EMPTY_ZIP_MAGIC = b"PK\x05\x06"
_LINES_SUFFIXES = (".jsonl", ".ndjson")
_DUMP_SUFFIXES = (".json", ".jsonl", ".ndjson", ".zip", ".gz")

NOT_PARSED: Any = object()


class DumpError(Exception):
    """The dump as a whole cannot be read: nothing from it may land."""


@dataclass(frozen=True, slots=True)
class RawRecord:
    """One record as found in the dump, before any validation."""

    source: str
    position: str
    text: bytes
    # Set when the container had to be parsed to find the record, so it is not parsed twice.
    parsed: Any = NOT_PARSED
    # Why the record cannot be landed, found while reading it (too large, unwritable).
    problem: str | None = None


def parsed_record(source: str, position: str, item: Any) -> RawRecord:
    """A record found by parsing its container, written back as its own JSON text.

    A record nested deeper than JSON can be written back (orjson stops at 255 levels)
    parses with its container but has no text of its own: it is one bad record, kept
    for the quarantine with its reason, and the rest of the container still lands.
    """
    try:
        text = orjson.dumps(item)
    except (orjson.JSONEncodeError, RecursionError) as exc:
        return RawRecord(source, position, b"", problem=f"cannot be written back as JSON: {exc}")
    return RawRecord(source, position, text, parsed=item)


def read_dump(source: str | Path, limits: LoadLimits = DEFAULT_LIMITS) -> Iterator[RawRecord]:
    """Yield every record of a dump file or folder, in a stable order."""
    path = Path(source)
    if not path.exists():
        raise DumpError(f"dump not found: {path}")
    if path.is_dir():
        files = sorted(
            p
            for p in path.rglob("*")
            if p.is_file()
            and p.name.lower().endswith(_DUMP_SUFFIXES)
            and not any(part.startswith(".") for part in p.relative_to(path).parts)
        )
        if not files:
            raise DumpError(f"no dump files (*.json, *.jsonl, *.zip, *.gz) in folder {path}")
        for file in files:
            yield from _read_file(file, str(file.relative_to(path)), False, limits)
    else:
        yield from _read_file(path, path.name, True, limits)


def _read_file(path: Path, label: str, top_level: bool, limits: LoadLimits) -> Iterator[RawRecord]:
    if is_zip(path):
        yield from _read_zip(path, label, limits.member_bytes)
        return
    with path.open("rb") as raw:
        head = raw.read(4)
        raw.seek(0)
        if head[:2] == _GZIP_MAGIC:
            name = path.name[:-3] if path.name.lower().endswith(".gz") else path.name
            with gzip.open(raw) as stream:
                yield from _read_stream(stream, name, label, top_level, limits.document_bytes)
            return
        yield from _read_stream(raw, path.name, label, top_level, limits.document_bytes)


def _read_zip(path: Path, label: str, member_bytes: int) -> Iterator[RawRecord]:
    with open_zip(path) as archive:
        yield from read_zip_members(archive, label, zip_members(archive), member_bytes)


def open_zip(path: Path) -> zipfile.ZipFile:
    """Open a zip dump. Opening reads its whole member list (a second for 600,000
    members), so a reader opens it once, not once per chunk."""
    try:
        return zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise DumpError(f"cannot read zip {path}: {exc} (truncated or not a zip?)") from exc


def zip_members(archive: zipfile.ZipFile) -> list[str]:
    """The dump files inside a zip, in a stable order (the zip's own is not sorted)."""
    return sorted(
        info.filename
        for info in archive.infolist()
        if not info.is_dir() and info.filename.lower().endswith(_DUMP_SUFFIXES)
    )


def read_zip_members(
    archive: zipfile.ZipFile, label: str, names: Iterable[str], limit: int
) -> Iterator[RawRecord]:
    """The records of some members of a zip: a part of the dump that one worker can read.
    A member over ``limit`` bytes, inflated, is one bad record."""
    for name in names:
        member_label = f"{label}!{name}"
        try:
            # Read at most one byte past the limit, whatever the member's header claims.
            with archive.open(name) as member:
                data = member.read(limit + 1)
            if name.lower().endswith(".gz"):
                with gzip.GzipFile(fileobj=io.BytesIO(data)) as inflated:
                    data = inflated.read(limit + 1)
                name = name[:-3]
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            # A corrupt member is one bad record, not a bad dump: keep it for the quarantine.
            yield RawRecord(member_label, "", b"", problem=f"unreadable zip member: {exc}")
            continue
        if len(data) > limit:
            yield RawRecord(
                member_label,
                "",
                data[:1024],
                problem=f"zip member over the limit of {limit:,} bytes",
            )
            continue
        # Already read within the member's limit, which bounds it as a document too.
        yield from _read_stream(io.BytesIO(data), name, member_label, False, limit)


def is_zip(path: Path) -> bool:
    with path.open("rb") as raw:
        return raw.read(4) in (_ZIP_MAGIC, _EMPTY_ZIP_MAGIC)


def _read_stream(
    stream: IO[bytes], name: str, label: str, top_level: bool, limit: int
) -> Iterator[RawRecord]:
    """Records of one stream; a JSON document read whole may hold at most ``limit`` bytes."""
    try:
        if name.lower().endswith(_LINES_SUFFIXES):
            yield from _read_lines(stream, label)
            return
        first = _first_significant_byte(stream)
        if first == b"[":
            yield from _read_array(stream, label)
        elif first == b"" and top_level:
            raise DumpError(f"dump {label} is empty")
        elif first:
            data = stream.read(limit + 1)
            if len(data) > limit:
                raise DumpError(
                    f"{label} is a JSON document over the limit of {limit:,} bytes"
                    " (TRIALWATCH_MAX_DOCUMENT_BYTES); a larger dump comes as lines or a zip"
                )
            yield from _read_document(data.removeprefix(_BOM), label, top_level)
    except (EOFError, gzip.BadGzipFile, zipfile.BadZipFile) as exc:
        raise DumpError(f"cannot read {label}: {exc} (truncated or corrupt?)") from exc


def _first_significant_byte(stream: IO[bytes]) -> bytes:
    """Peek past a byte-order mark and white space, leaving the stream at its start."""
    head = stream.read(4096)
    stream.seek(0)
    stripped = head.removeprefix(_BOM).lstrip()
    return stripped[:1]


def _read_lines(stream: IO[bytes], label: str) -> Iterator[RawRecord]:
    for number, line in enumerate(stream, start=1):
        line = line.strip()
        if line:
            yield RawRecord(label, f"line {number}", line)


def _read_array(stream: IO[bytes], label: str) -> Iterator[RawRecord]:
    # ijson streams the array element by element: a search download of any size fits in memory.
    try:
        for index, item in enumerate(ijson.items(stream, "item", use_float=True)):
            yield parsed_record(label, f"item {index}", item)
    except ijson.JSONError as exc:
        raise DumpError(f"cannot read JSON array {label}: {exc}") from exc


def _read_document(data: bytes, label: str, top_level: bool) -> Iterator[RawRecord]:
    """A single study, a saved API page, or JSON Lines saved under a .json name."""
    try:
        document = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        lines = data.strip().splitlines()
        if len(lines) > 1 and _parses(lines[0]):
            yield from _read_lines(io.BytesIO(data), label)
            return
        if top_level:
            raise DumpError(f"cannot read {label}: not JSON ({exc})") from exc
        yield RawRecord(label, "", data)
        return
    if isinstance(document, dict) and isinstance(document.get("studies"), list):
        for index, study in enumerate(document["studies"]):
            yield parsed_record(label, f"studies[{index}]", study)
    elif isinstance(document, list):
        for index, item in enumerate(document):
            yield parsed_record(label, f"item {index}", item)
    else:
        yield RawRecord(label, "", data, parsed=document)


def _parses(line: bytes) -> bool:
    try:
        orjson.loads(line)
    except orjson.JSONDecodeError:
        return False
    return True
