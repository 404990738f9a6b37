# Recruiting trends: a marimo notebook that is also the dashboard (`make dashboard`).
# Edit it with `make notebooks`; it opens the published warehouse (the lake) read-only.
import marimo

__generated_with = "0.25.2"
app = marimo.App(width="medium", app_title="trialwatch · recruiting trends")


@app.cell
def _():
    import marimo as mo

    from orchestration.lib.common.lake import open_lake
    from orchestration.lib.common.settings import settings
    from orchestration.lib.reports.charts import series_lines
    from orchestration.lib.reports.trend_queries import (
        TrendFilter,
        filter_options,
        recruiting_by_day,
        recruiting_trials,
        trials_by_year,
    )

    return (
        TrendFilter,
        filter_options,
        mo,
        open_lake,
        recruiting_by_day,
        recruiting_trials,
        series_lines,
        settings,
        trials_by_year,
    )


@app.cell
def _(filter_options, open_lake, settings):
    con = open_lake(settings())
    options = filter_options(con)
    return con, options


@app.cell
def _(mo, options):
    condition = mo.ui.dropdown(options["conditions"], label="Condition", searchable=True)
    phase = mo.ui.dropdown(options["phases"], label="Phase")
    country = mo.ui.dropdown(options["countries"], label="Country", searchable=True)
    days = mo.ui.date_range(
        start=options["first_day"],
        stop=options["last_day"],
        value=(options["first_day"], options["last_day"]),
        label="Days",
    )
    mo.vstack(
        [
            mo.md(
                "# Recruiting trends\n"
                f"What the warehouse saw recruiting from {options['first_day']} to "
                f"{options['last_day']}. Leave a filter empty to keep every trial."
            ),
            mo.hstack([condition, phase, country, days], wrap=True),
        ]
    )
    return condition, country, days, phase


@app.cell
def _(TrendFilter, condition, country, days, phase):
    chosen = TrendFilter(
        condition=condition.value,
        phase=phase.value,
        country=country.value,
        start=days.value[0],
        stop=days.value[1],
    )
    return (chosen,)


@app.cell
def _(chosen, con, mo, recruiting_by_day, series_lines):
    daily = recruiting_by_day(con, chosen)
    daily_chart = series_lines(daily, "day", "T", "recruiting", "Recruiting on each day", 260)
    latest = daily.row(-1, named=True) if daily.height else {}
    mo.vstack(
        [
            mo.hstack(
                [
                    mo.stat(latest.get("trials_recruiting", 0), label="Trials recruiting"),
                    mo.stat(latest.get("sites_recruiting", 0), label="Trial sites recruiting"),
                ]
            ),
            mo.ui.altair_chart(daily_chart),
        ]
    )
    return (daily,)


@app.cell
def _(chosen, con, mo, series_lines, trials_by_year):
    yearly = trials_by_year(con, chosen)
    yearly_chart = series_lines(
        yearly, "year", "O", "trials", "Trials per year, by the registry's own dates", 220
    )
    mo.ui.altair_chart(yearly_chart)
    return (yearly,)


@app.cell
def _(chosen, con, mo, recruiting_trials):
    recruiting = recruiting_trials(con, chosen)
    mo.vstack(
        [
            mo.md(f"## Recruiting now: {recruiting.height} trials"),
            mo.ui.table(recruiting, page_size=10, selection=None),
        ]
    )
    return (recruiting,)


if __name__ == "__main__":
    app.run()
