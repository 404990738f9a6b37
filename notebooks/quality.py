# Data quality: what the loads quarantined or flagged, and which statuses are stale.
# Opens the published warehouse (the lake) read-only; edit with `make notebooks`.
import marimo

__generated_with = "0.25.2"
app = marimo.App(width="medium", app_title="trialwatch · data quality")


@app.cell
def _():
    import altair as alt
    import marimo as mo

    from orchestration.lib.common.lake import open_lake
    from orchestration.lib.common.settings import settings

    return alt, mo, open_lake, settings


@app.cell
def _(open_lake, settings):
    con = open_lake(settings())
    return (con,)


@app.cell
def _(con, mo):
    batches = con.sql(
        """
        select batch_id, dump_source, as_of, status, records_read, versions_new,
            quarantined, issues, date_diff('second', started_at, finished_at) as seconds, message
        from main.load_batches
        order by started_at desc
        """
    ).pl()
    mo.vstack([mo.md("# Data quality\n## Loads"), mo.ui.table(batches, selection=None)])
    return (batches,)


@app.cell
def _(con, mo):
    quarantined = con.sql(
        "select reason, count(*) as records from main.quarantine group by reason order by 2 desc"
    ).pl()
    issues = con.sql(
        """
        select issue, json_path, count(*) as occurrences, count(distinct nct_id) as trials,
            any_value(found_value) as example
        from main.load_issues
        group by issue, json_path
        order by occurrences desc
        """
    ).pl()
    mo.vstack(
        [
            mo.md(
                f"## Quarantined records: {quarantined['records'].sum()}\n"
                "Records that could not be read or validated are kept aside, not loaded."
            ),
            mo.ui.table(quarantined, selection=None),
            mo.md(
                f"## Unexpected values: {issues['occurrences'].sum()}\n"
                "Loaded, and flagged: values outside the registry's published enums, "
                "dates the registry wrote in an unusual form."
            ),
            mo.ui.table(issues, selection=None),
        ]
    )
    return issues, quarantined


@app.cell
def _(alt, con, mo):
    # UNKNOWN: the registry has not heard from the sponsor in two years.
    stale = con.sql(
        """
        select coalesce(lead_sponsor_class, 'Not given') as sponsor_class,
            count(*) filter (where overall_status = 'UNKNOWN') as unknown_status,
            count(*) filter (
                where overall_status = 'NOT_YET_RECRUITING'
                    and start_date < (select max(last_observed_on) from main.trials) - 365
            ) as stalled_before_recruiting,
            count(*) as trials
        from main.trials
        where not is_removed
        group by 1
        order by unknown_status desc, sponsor_class
        """
    ).pl()
    stale_chart = (
        alt.Chart(
            stale.unpivot(
                index="sponsor_class",
                on=["unknown_status", "stalled_before_recruiting"],
                variable_name="what",
                value_name="count",
            ),
            title="Stale statuses, by lead sponsor class",
        )
        .mark_bar()
        .encode(
            x=alt.X("count:Q", title="Trials"),
            y=alt.Y("sponsor_class:N", title=None, sort="-x"),
            color=alt.Color("what:N", title=None),
            yOffset="what:N",
        )
        .properties(width="container")
    )
    mo.vstack(
        [
            mo.md(
                "## Stale statuses\nUnknown: the registry has not heard from the sponsor in "
                "two years. Stalled: not yet recruiting a year after the planned start."
            ),
            mo.ui.altair_chart(stale_chart),
            mo.ui.table(stale, selection=None),
        ]
    )
    return (stale,)


if __name__ == "__main__":
    app.run()
