"""What a run did, output by output, as the command line reports it.

The outputs after the warehouse do not depend on one another: the exports, the weekly
report, and the site (with its bucket, and the alerts after it). Dagster runs each whether
another failed or not; this reads the run's events back into one line per output that
failed, with why, and the exit code that says how the run ended (docs/operators.md,
"How a run ends"):

- ``0``: everything was built and published;
- ``1``: the warehouse was not published (the published warehouse is as it was);
- ``4``: the warehouse was published, and at least one output failed; each keeps what it
  last published, and the next run makes it again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import dagster as dg

EVERYTHING_DONE, NOT_PUBLISHED, OUTPUT_FAILED = 0, 1, 4

WAREHOUSE = "published_warehouse"
# Each output after the warehouse, and the steps that make it.
OUTPUTS = {
    "exports": ("parquet_exports",),
    "weekly report": ("weekly_report",),
    "site": ("site_feed", "site_pages", "site_search", "site_published"),
    "alerts": ("subscriptions", "alert_digests"),
    "lake maintenance": ("lake_maintenance",),
}
_OUTPUT_OF = {step: output for output, steps in OUTPUTS.items() for step in steps}


def _reason(error: dg.SerializableErrorInfo | None) -> str:
    """The innermost error's first line: what went wrong, not Dagster's wrapper around it."""
    if error is None:
        return "no reason given"
    while error.cause is not None:
        error = error.cause
    return (error.message.strip().splitlines() or [error.cls_name or "error"])[0]


@dataclass
class RunOutcome:
    planned: set[str] = field(default_factory=set)  # steps the run started or skipped
    succeeded: set[str] = field(default_factory=set)
    failed: dict[str, str] = field(default_factory=dict)  # step: why
    checks_failed: dict[str, str] = field(default_factory=dict)  # asset check: its asset
    # What each asset materialized said of itself (its metadata), by asset key.
    facts: dict[str, dict[str, Any]] = field(default_factory=dict)

    @classmethod
    def of(cls, events: list[dg.DagsterEvent]) -> RunOutcome:
        outcome = cls()
        for event in events:
            step = event.step_key or ""
            if event.is_step_start or event.is_step_skipped:
                outcome.planned.add(step)
            if event.is_step_success:
                outcome.succeeded.add(step)
            elif event.is_step_failure:
                data = event.step_failure_data
                outcome.failed[step] = _reason(data.error if data else None)
            elif event.is_step_materialization:
                made = event.step_materialization_data.materialization
                outcome.facts[made.asset_key.to_user_string()] = {
                    name: value.value for name, value in made.metadata.items()
                }
            elif event.event_type == dg.DagsterEventType.ASSET_CHECK_EVALUATION:
                evaluation = event.asset_check_evaluation_data
                if not evaluation.passed and evaluation.severity == dg.AssetCheckSeverity.ERROR:
                    key = evaluation.asset_check_key
                    outcome.checks_failed[key.name] = key.asset_key.to_user_string()
        return outcome

    @property
    def published(self) -> bool:
        return WAREHOUSE in self.succeeded

    def output_failures(self) -> dict[str, list[str]]:
        """Each output that failed: a line for each of its steps that failed, or that did
        not run because a step before it failed."""
        failures: dict[str, list[str]] = {}
        for step, why in self.failed.items():
            output = _OUTPUT_OF.get(step, "warehouse")
            failures.setdefault(output, []).append(f"{step}: {why}")
        not_run = self.planned - self.succeeded - self.failed.keys() if self.published else ()
        for step in sorted(not_run):
            if (output := _OUTPUT_OF.get(step)) and output not in failures:
                failures[output] = [f"{step} did not run, as a step before it failed"]
        for check, asset in self.checks_failed.items():
            output = _OUTPUT_OF.get(asset, "warehouse")
            failures.setdefault(output, []).append(f"check {check} of {asset} failed")
        return failures

    def outputs(self) -> list[str]:
        """The outputs this run set out to make (a job may leave some out)."""
        return [o for o, steps in OUTPUTS.items() if self.planned.intersection(steps)]

    def outputs_made(self) -> list[str]:
        """The outputs whose every step succeeded and whose checks passed."""
        failures = self.output_failures()
        return [o for o in self.outputs() if o not in failures]

    def exit_code(self) -> int:
        if not self.published:
            return NOT_PUBLISHED
        return OUTPUT_FAILED if self.output_failures() else EVERYTHING_DONE

    def lines(self) -> list[str]:
        """The run's end, for the console: one line per failed output, and what stands."""
        failures = self.output_failures()
        lines = [f"FAILED {output}: {'; '.join(why)}" for output, why in failures.items()]
        if not self.published:
            lines.append("The warehouse was not published: the published warehouse is unchanged.")
            return lines
        made = self.outputs_made()
        if made:
            lines.append(f"Published: the warehouse, {', '.join(made)}.")
        kept = [output for output in self.outputs() if output not in made]
        if kept:
            lines.append(
                f"Kept as last published: {', '.join(kept)}; the next run makes them again."
            )
        return lines
