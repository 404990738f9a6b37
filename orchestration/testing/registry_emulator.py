"""A local stand-in for the ClinicalTrials.gov API v2, serving any dump on loopback.

It answers the endpoints trialwatch uses with the registry's response shapes:
``/api/v2/version``, ``/api/v2/studies`` (pageSize, pageToken/nextPageToken, the
``AREA[LastUpdatePostDate]RANGE[from,MAX]`` filter), ``/api/v2/studies/{nctId}`` and
``/api/v2/studies/download?format=json.zip``, and the two internal endpoints of the
registry's record history (``/api/int/studies/{nctId}?history=true``, the list of a
trial's versions; ``/api/int/studies/{nctId}/history/{version}``, one of them) for the
trials given a history (``set_histories``; ``--histories`` replays the 140 real trials'
histories of change_patterns onto the served studies). Faults can be switched on, queued one
per request, so that tests (and anyone curious) can watch the client survive them:
``429`` (with Retry-After), ``500``, ``slow``, ``truncate`` (a body cut short) and
``drop`` (the connection closed without an answer). A trial's history can misbehave too,
queued one per request for it (``queue_history_faults``; ``--history-faults`` for a
share of the trials): ``misfit`` (an answer of another shape) and ``changed`` (a version
dated otherwise than its index said, as when the trial changed while it was read).

Run it by hand (``make emulator``):
``python -m orchestration.testing.registry_emulator --dump data/sample/studies.jsonl.gz``.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import copy
import io
import re
import threading
import time
import zipfile
from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import orjson

from orchestration.lib.ingest.dump_reader import NOT_PARSED, read_dump
from orchestration.testing.change_patterns import (
    last_posted,
    posted_on,
    real_histories,
    study_id,
)

FAULTS = ("429", "500", "slow", "truncate", "drop", "html")
HISTORY_FAULTS = ("misfit", "changed")
# The registry's names for the modules a version changed, as its history lists them.
MODULE_LABELS = {
    "identificationModule": "Study Identification",
    "statusModule": "Study Status",
    "sponsorCollaboratorsModule": "Sponsor/Collaborators",
    "oversightModule": "Oversight",
    "descriptionModule": "Study Description",
    "conditionsModule": "Conditions",
    "designModule": "Study Design",
    "armsInterventionsModule": "Arms and Interventions",
    "outcomesModule": "Outcome Measures",
    "eligibilityModule": "Eligibility",
    "contactsLocationsModule": "Contacts/Locations",
    "referencesModule": "References",
    "ipdSharingStatementModule": "IPDSharing",
}
_RANGE = re.compile(r"AREA\[LastUpdatePostDate\]RANGE\[([^,\]]*),([^\]]*)\]")
MAX_PAGE_SIZE = 1000


class RegistryEmulator:
    """Serve studies over HTTP on 127.0.0.1; use as a context manager or start()/stop()."""

    def __init__(
        self,
        studies: Iterable[dict[str, Any]] = (),
        data_timestamp: str = "2026-06-24T09:00:00",
        port: int = 0,
        retry_after: int = 1,
        slow_seconds: float = 2.0,
    ) -> None:
        self.retry_after = retry_after
        self.slow_seconds = slow_seconds
        self.requests: list[str] = []
        # Serve a zip cut in half with an honest Content-Length: a broken file, not a
        # broken connection, which no retry can mend.
        self.corrupt_download = False
        # Misbehave as a registry might, on every page: send the token just used again,
        # or never stop giving a next page.
        self.repeat_token = False
        self.endless = False
        self._faults: deque[str] = deque()
        self._lock = threading.Lock()
        self._histories: dict[str, list[dict[str, Any]]] = {}
        self._history_faults: dict[str, deque[str]] = {}
        self.set_studies(studies, data_timestamp)
        self._server = ThreadingHTTPServer(("127.0.0.1", port), _handler(self))
        self._server.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/api/v2"

    @property
    def study_count(self) -> int:
        return len(self._studies)

    def set_studies(self, studies: Iterable[dict[str, Any]], data_timestamp: str) -> None:
        """Replace what the registry holds, as a new day's data would."""
        by_id = {study_id(s): s for s in studies}
        with self._lock:
            self._studies = [by_id[k] for k in sorted(by_id)]
            self.data_timestamp = data_timestamp
            self._zip: bytes | None = None

    def set_histories(self, histories: Mapping[str, Sequence[dict[str, Any]]]) -> None:
        """Keep these trials' record histories, oldest version first: the history
        endpoints serve them, and each trial's last version is its current record."""
        current = {study_id(s): s for s in self._studies}
        current.update({nct_id: versions[-1] for nct_id, versions in histories.items()})
        self.set_studies(current.values(), self.data_timestamp)
        with self._lock:
            self._histories = {nct_id: list(versions) for nct_id, versions in histories.items()}

    def queue_faults(self, *faults: str) -> None:
        """The next requests, one each, fail in these ways."""
        unknown = set(faults) - set(FAULTS)
        if unknown:
            raise ValueError(f"unknown faults {sorted(unknown)}; known: {FAULTS}")
        with self._lock:
            self._faults.extend(faults)

    def next_fault(self) -> str | None:
        with self._lock:
            return self._faults.popleft() if self._faults else None

    def queue_history_faults(self, nct_id: str, *faults: str) -> None:
        """The next requests for this trial's history, one each, misbehave in these ways."""
        unknown = set(faults) - set(HISTORY_FAULTS)
        if unknown:
            raise ValueError(f"unknown history faults {sorted(unknown)}; known: {HISTORY_FAULTS}")
        with self._lock:
            self._history_faults.setdefault(nct_id, deque()).extend(faults)

    def next_history_fault(self, nct_id: str, kinds: Sequence[str] = HISTORY_FAULTS) -> str | None:
        """The trial's next fault, if it is one of ``kinds`` (what the endpoint asked
        can show: an index cannot be ``changed``)."""
        with self._lock:
            queued = self._history_faults.get(nct_id)
            return queued.popleft() if queued and queued[0] in kinds else None

    def start(self) -> RegistryEmulator:
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> RegistryEmulator:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()

    # -- the registry's answers -------------------------------------------------------

    def version(self) -> dict[str, str]:
        return {"apiVersion": "2.0.5", "dataTimestamp": self.data_timestamp}

    def page(self, query: dict[str, str]) -> dict[str, Any]:
        studies = self._filtered(query.get("filter.advanced"))
        size = min(int(query.get("pageSize", 10)), MAX_PAGE_SIZE)
        offset = _decode_token(query["pageToken"]) if query.get("pageToken") else 0
        page: dict[str, Any] = {"studies": studies[offset : offset + size]}
        if query.get("countTotal") == "true":
            page["totalCount"] = len(studies)
        if offset + size < len(studies) or self.endless:
            page["nextPageToken"] = _encode_token(offset + size)
        if self.repeat_token and query.get("pageToken"):
            page["nextPageToken"] = query["pageToken"]
        return page

    def study(self, nct_id: str) -> dict[str, Any] | None:
        return next((s for s in self._studies if study_id(s) == nct_id), None)

    def versions(self, nct_id: str) -> list[dict[str, Any]] | None:
        """A trial's versions, oldest first; a trial given no history has one."""
        if nct_id in self._histories:
            return self._histories[nct_id]
        current = self.study(nct_id)
        return None if current is None else [current]

    def history(self, nct_id: str) -> dict[str, Any] | None:
        """The history index: each version's number, posted date, overall status and
        the modules it changed, with the current record."""
        versions = self.versions(nct_id)
        if versions is None:
            return None
        changes = []
        for number, version in enumerate(versions):
            before = versions[number - 1]["protocolSection"] if number else {}
            now = version["protocolSection"]
            changes.append(
                {
                    "version": number,
                    "date": last_posted(version).isoformat(),
                    "status": now["statusModule"].get("overallStatus"),
                    "moduleLabels": [
                        label
                        for module, label in MODULE_LABELS.items()
                        if module in now and now.get(module) != before.get(module)
                    ],
                }
            )
        return {"study": versions[-1], "history": {"changes": changes}}

    def download(self) -> bytes:
        with self._lock:
            if self._zip is None:
                buffer = io.BytesIO()
                with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
                    for study in self._studies:
                        zf.writestr(f"{study_id(study)}.json", orjson.dumps(study))
                self._zip = buffer.getvalue()
            return self._zip

    def _filtered(self, advanced: str | None) -> list[dict[str, Any]]:
        if not advanced:
            return self._studies
        match = _RANGE.fullmatch(advanced.strip())
        if not match:
            raise ValueError(f"unsupported filter.advanced {advanced!r}")
        low, high = (None if v in ("", "MIN", "MAX") else v for v in match.groups())
        return [
            s
            for s in self._studies
            if (low is None or last_posted(s).isoformat() >= low)
            and (high is None or last_posted(s).isoformat() <= high)
        ]


def _posted_later(study: dict[str, Any]) -> dict[str, Any]:
    """The study as if updated the day after: what a version number serves once the
    trial has changed since its index was read."""
    return posted_on(copy.deepcopy(study), last_posted(study) + timedelta(days=1))


def _encode_token(offset: int) -> str:
    return base64.urlsafe_b64encode(f"offset:{offset}".encode()).decode()


def _decode_token(token: str) -> int:
    return int(base64.urlsafe_b64decode(token.encode()).decode().removeprefix("offset:"))


def _handler(emulator: RegistryEmulator) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # Headers and body go out in two writes: with Nagle's algorithm, a kept-alive
        # connection would wait on the client's delayed ACK (40 ms a request).
        disable_nagle_algorithm = True

        def log_message(self, *_: Any) -> None:  # keep test output quiet
            pass

        def do_GET(self) -> None:
            url = urlsplit(self.path)
            query = {k: v[-1] for k, v in parse_qs(url.query).items()}
            emulator.requests.append(self.path)
            fault = emulator.next_fault()
            if fault == "drop":
                self.close_connection = True
                self.connection.shutdown(2)
                return
            if fault == "429":
                self._send(
                    429,
                    b'{"message": "Too Many Requests"}',
                    {"Retry-After": str(emulator.retry_after)},
                )
                return
            if fault == "500":
                self._send(500, b'{"message": "Internal Server Error"}')
                return
            if fault == "html":
                # A proxy's maintenance page, with a 200: not the answer asked for.
                page = b"<html><body>Down for maintenance</body></html>"
                self._send(200, page, {"Content-Type": "text/html"})
                return
            if fault == "slow":
                time.sleep(emulator.slow_seconds)
            try:
                status, body, content_type = self._route(url.path, query)
            except (ValueError, KeyError) as exc:
                status, body, content_type = 400, orjson.dumps({"message": str(exc)}), "json"
            headers = {
                "Content-Type": "application/zip" if content_type == "zip" else "application/json"
            }
            if fault == "truncate":
                # Promise the whole body, send half, hang up: what a dropped download looks like.
                self.send_response(status)
                self.send_header("Content-Length", str(len(body)))
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body[: len(body) // 2])
                self.wfile.flush()
                self.close_connection = True
                return
            self._send(status, body, headers)

        def _route(self, path: str, query: dict[str, str]) -> tuple[int, bytes, str]:
            path = path.rstrip("/")
            if path == "/api/v2/version":
                return 200, orjson.dumps(emulator.version()), "json"
            if path == "/api/v2/studies":
                return 200, orjson.dumps(emulator.page(query)), "json"
            if path == "/api/v2/studies/download":
                if query.get("format", "json.zip") != "json.zip":
                    raise ValueError("only format=json.zip is emulated")
                archive = emulator.download()
                if emulator.corrupt_download:
                    archive = archive[: len(archive) // 2]
                return 200, archive, "zip"
            if match := re.fullmatch(r"/api/int/studies/(NCT\d{8})", path):
                if query.get("history") != "true":
                    raise ValueError("only history=true is emulated")
                found = emulator.history(match.group(1))
                if found is None:
                    return 404, orjson.dumps({"message": "study not found"}), "json"
                if emulator.next_history_fault(match.group(1), ("misfit",)):
                    found = {"study": found["study"], "history": {"changes": "unavailable"}}
                return 200, orjson.dumps(found), "json"
            if match := re.fullmatch(r"/api/int/studies/(NCT\d{8})/history/(\d+)", path):
                versions = emulator.versions(match.group(1)) or []
                number = int(match.group(2))
                if number >= len(versions):
                    return 404, orjson.dumps({"message": "version not found"}), "json"
                version = versions[number]
                fault = emulator.next_history_fault(match.group(1))
                if fault == "misfit":
                    return 200, orjson.dumps({"record": version}), "json"
                if fault == "changed":
                    version = _posted_later(version)
                return 200, orjson.dumps({"study": version}), "json"
            if match := re.fullmatch(r"/api/v2/studies/(NCT\d{8})", path):
                study = emulator.study(match.group(1))
                if study is None:
                    return 404, orjson.dumps({"message": "study not found"}), "json"
                return 200, orjson.dumps(study), "json"
            return 404, orjson.dumps({"message": f"no route {path}"}), "json"

        def _send(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
            self.send_response(status, HTTPStatus(status).phrase)
            self.send_header("Content-Length", str(len(body)))
            for name, value in (headers or {"Content-Type": "application/json"}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

    return Handler


def load_studies(source: str) -> list[dict[str, Any]]:
    """Every valid study of a dump, for serving."""
    studies = []
    for raw in read_dump(source):
        study = orjson.loads(raw.text) if raw.parsed is NOT_PARSED else raw.parsed
        if isinstance(study, dict) and "protocolSection" in study:
            studies.append(study)
    return studies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dump", required=True, help="the dump to serve")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--data-timestamp", default=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S"))
    parser.add_argument("--faults", default="", help=f"comma-separated, queued: {','.join(FAULTS)}")
    parser.add_argument(
        "--histories",
        action="store_true",
        help="give the first 140 studies the record history of a real trial each",
    )
    parser.add_argument(
        "--history-faults",
        type=float,
        default=0.0,
        help="the share of trials whose history misbehaves once: misfit, then changed",
    )
    args = parser.parse_args()
    studies = load_studies(args.dump)
    emulator = RegistryEmulator(studies, args.data_timestamp, port=args.port)
    if args.histories:
        emulator.set_histories(real_histories(studies))
    if args.faults:
        emulator.queue_faults(*args.faults.split(","))
    if args.history_faults:
        every = max(1, round(1 / args.history_faults))
        for number, nct_id in enumerate(sorted(study_id(s) for s in studies)):
            if number % every == 0:
                emulator.queue_history_faults(nct_id, HISTORY_FAULTS[number // every % 2])
    print(f"Serving {emulator.study_count:,} studies at {emulator.base_url}", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        emulator._server.serve_forever()


if __name__ == "__main__":
    main()
