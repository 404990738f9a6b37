"""The weekly report's charts: Altair specifications rendered to SVG by vl-convert.

vl-convert runs Vega in-process (no browser, no network), so the SVG can be inlined
in a report that opens offline and prints to PDF as drawn. Registry text in labels
(condition and country names) is escaped by the SVG writer.
"""

from __future__ import annotations

from typing import Any

import altair as alt
import polars as pl
import vl_convert

WIDTH = 560
# The Vega-Lite version Altair writes ("v6.4.1" -> "6.4"), which vl-convert must support.
VEGA_LITE = ".".join(alt.SCHEMA_VERSION.lstrip("v").split(".")[:2])
BAR_HEIGHT = 22


def to_svg(chart: alt.TopLevelMixin) -> str:
    return vl_convert.vegalite_to_svg(chart.to_dict(), vl_version=VEGA_LITE)


def recruiting_over_time(weeks: list[dict[str, Any]]) -> alt.Chart:
    """Trials and trial sites recruiting at the end of each week, a line each."""
    rows = [
        {"week": w["week"].isoformat(), "count": w[key], "what": label}
        for w in weeks
        for key, label in (("trials_recruiting", "Trials"), ("sites_recruiting", "Trial sites"))
    ]
    return (
        alt.Chart(alt.Data(values=rows), title="Recruiting at the end of each week")
        .mark_line(point=alt.OverlayMarkDef(size=18))
        .encode(
            x=alt.X("week:T", title=None),
            y=alt.Y("count:Q", title=None),
            color=alt.Color("what:N", title=None, legend=alt.Legend(orient="top")),
        )
        .properties(width=WIDTH, height=200)
    )


def recruiting_by_segment(segments: list[dict[str, Any]], title: str) -> alt.Chart:
    """Trials recruiting now in each of the top segments, as horizontal bars."""
    rows = [{"segment": s["segment"], "trials": s["trials_recruiting"]} for s in segments]
    return (
        alt.Chart(alt.Data(values=rows), title=title)
        .mark_bar()
        .encode(
            x=alt.X("trials:Q", title="Trials recruiting"),
            y=alt.Y("segment:N", title=None, sort="-x", axis=alt.Axis(labelLimit=260)),
        )
        .properties(width=WIDTH - 260, height=BAR_HEIGHT * max(len(rows), 1))
    )


def long_run(years: list[dict[str, Any]]) -> alt.Chart:
    """Trials first posted, started and completed each year since 2000."""
    labels = (
        ("trials_first_posted", "First posted"),
        ("trials_started", "Started"),
        ("trials_completed", "Completed"),
    )
    rows = [
        {"year": y["year"], "trials": y[key], "what": label} for y in years for key, label in labels
    ]
    return (
        alt.Chart(alt.Data(values=rows), title="Trials per year, by the registry's dates")
        .mark_line()
        .encode(
            x=alt.X(
                "year:O", title=None, axis=alt.Axis(labelAngle=0, values=list(range(2000, 2100, 5)))
            ),
            y=alt.Y("trials:Q", title=None),
            color=alt.Color("what:N", title=None, legend=alt.Legend(orient="top")),
        )
        .properties(width=WIDTH, height=200)
    )


def series_lines(
    frame: pl.DataFrame, index: str, index_type: str, value: str, title: str, height: int
) -> alt.Chart:
    """Each column of ``frame`` but ``index`` as a line over ``index``, for the dashboard:
    as wide as its container, with a tooltip per point."""
    x = f"{index}:{index_type}"
    return (
        alt.Chart(frame.unpivot(index=index, variable_name="what", value_name=value), title=title)
        .mark_line(point=index_type == "O")
        .encode(
            x=alt.X(x, title=None),
            y=alt.Y(f"{value}:Q", title=None),
            color=alt.Color("what:N", title=None),
            tooltip=[x, "what:N", f"{value}:Q"],
        )
        .properties(width="container", height=height)
    )
