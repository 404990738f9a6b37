"""Where a run's log goes: all of it to a file the run names, a line per step to a person.

Every run (the command line's, the daemon's, the UI's) writes every Dagster event and
every line its steps log to ``<data dir>/logs/<started>-<run id>.log``, as well as to
Dagster's own event log. The command line also sends dbt's and the steps' printed output
to that file, and shows a person one line per step as it ends, with a bar on a terminal
(:class:`StepProgress`); the daemon's runs have no one watching, and show nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

import dagster as dg
from dagster._core.log_manager import get_log_record_event, has_log_record_event
from tqdm import tqdm

from orchestration.lib.common.settings import settings

_FORMAT = "%(asctime)s %(levelname)-7s %(message)s"


def log_path(logs: Path, run_id: str, started: datetime) -> Path:
    """The file of one run's log: sorted by when it started, named by its run."""
    return logs / f"{started:%Y-%m-%dT%H%M%S}-{run_id}.log"


@dg.logger(
    config_schema={"path": dg.Field(str, is_required=False, description="the log file")},
    description="Every event of the run, at every level, to a file under <data dir>/logs/.",
)
def run_log_file(init_context: dg.InitLoggerContext) -> logging.Logger:
    given = init_context.logger_config.get("path")
    run_id = init_context.run_id or "no-run"
    path = Path(given) if given else log_path(settings().logs, run_id, datetime.now(UTC))
    path.parent.mkdir(parents=True, exist_ok=True)
    logger = logging.Logger(f"trialwatch.run.{run_id}", level=logging.DEBUG)
    handler = logging.FileHandler(path, encoding="utf-8", delay=True)
    handler.setFormatter(logging.Formatter(_FORMAT))
    logger.addHandler(handler)
    return logger


class StepProgress(logging.Handler):
    """A line per step as it ends (its time, or that it failed), and a bar of the steps
    done with the one running, on a terminal."""

    def __init__(self, stream: IO[str], bar: bool) -> None:
        super().__init__(level=logging.DEBUG)
        self._stream = stream
        self._started: dict[str, datetime] = {}
        self._bar = tqdm(
            file=stream, disable=not bar, unit=" steps", leave=False, bar_format="{desc} {n_fmt}"
        )

    def emit(self, record: logging.LogRecord) -> None:
        # Dagster hands a run's loggers each event on its record (``dagster_event``).
        event = get_log_record_event(record) if has_log_record_event(record) else None
        if event is None or not event.step_key:
            return
        step, now = event.step_key, datetime.now(UTC)
        if event.is_step_start:
            self._started[step] = now
            self._bar.set_description_str(f"running {step}")
        elif event.is_step_success or event.is_step_failure:
            seconds = (now - self._started.pop(step, now)).total_seconds()
            mark, how = ("done", f"{seconds:6.1f} s") if event.is_step_success else ("FAILED", "")
            self._bar.write(f"  {mark:<6} {step:<48} {how}".rstrip(), file=self._stream)
            self._bar.update()

    def close(self) -> None:
        self._bar.close()
        super().close()


# The person watching a command-line run, when there is one (see ``watching``).
_watcher: StepProgress | None = None


@contextmanager
def watching(stream: IO[str]) -> Iterator[None]:
    """Inside this block, runs in this process show their steps on ``stream``."""
    global _watcher
    _watcher = StepProgress(stream, bar=stream.isatty() or settings().progress)
    try:
        yield
    finally:
        _watcher.close()
        _watcher = None


@dg.logger(description="A line per step for the person running `make run`; silent elsewhere.")
def step_progress(init_context: dg.InitLoggerContext) -> logging.Logger:
    logger = logging.Logger("trialwatch.progress", level=logging.DEBUG)
    if _watcher is not None:
        logger.addHandler(_watcher)
    return logger


LOGGERS = {
    "console": dg.colored_console_logger,
    "run_log": run_log_file,
    "progress": step_progress,
}
# Every job's default: Dagster starts only the loggers a run's configuration names.
LOGGER_CONFIG = {name: {} for name in LOGGERS}
