# Trial and site explorer: find a trial or a site, see every version and change.
# Opens the published warehouse (the lake) read-only; edit with `make notebooks`.
import marimo

__generated_with = "0.25.2"
app = marimo.App(width="medium", app_title="trialwatch · trial and site explorer")


@app.cell
def _():
    import marimo as mo

    from orchestration.lib.common.lake import open_lake
    from orchestration.lib.common.settings import settings

    return mo, open_lake, settings


@app.cell
def _(open_lake, settings):
    con = open_lake(settings())
    return (con,)


@app.cell
def _(mo):
    search = mo.ui.text(
        placeholder="NCT id, words of a title, a sponsor", label="Find trials", full_width=True
    )
    mo.vstack([mo.md("# Trial and site explorer"), search])
    return (search,)


@app.cell
def _(con, mo, search):
    # Most-changed trials first: the ones with a history worth reading.
    trials = con.sql(
        """
        select nct_id, brief_title, overall_status, phase, lead_sponsor_name,
            first_seen, last_changed, update_count
        from main.trials
        where $term = ''
            or nct_id = upper($term)
            or brief_title ilike '%' || $term || '%'
            or lead_sponsor_name ilike '%' || $term || '%'
        order by update_count desc, last_changed desc, nct_id
        limit 500
        """,
        params={"term": search.value.strip()},
    ).pl()
    picker = mo.ui.table(trials, selection="single", page_size=8, label=f"{trials.height} trials")
    picker
    return picker, trials


@app.cell
def _(con, mo, picker, trials):
    chosen = picker.value if picker.value.height else trials.head(1)
    nct_id = chosen["nct_id"][0] if chosen.height else None
    versions = con.sql(
        "select version_number, registry_date, valid_to, first_observed_on"
        " from main.trial_versions where nct_id = $id order by version_number",
        params={"id": nct_id},
    ).pl()
    changes = con.sql(
        "select changed_on, category, sentence from main.trial_changes"
        " where nct_id = $id order by changed_on, category, sentence",
        params={"id": nct_id},
    ).pl()
    trial_sites = con.sql(
        """
        select facility, city, state, country, status, valid_from, valid_to
        from main.recruiting_status
        where nct_id = $id and level = 'site'
        order by country, city, facility, valid_from
        """,
        params={"id": nct_id},
    ).pl()
    mo.vstack(
        [
            mo.md(f"## {nct_id}" if nct_id else "No trial matches."),
            mo.ui.tabs(
                {
                    f"Versions ({versions.height})": mo.ui.table(versions, selection=None),
                    f"Changes ({changes.height})": mo.ui.table(changes, selection=None),
                    f"Sites over time ({trial_sites.height})": mo.ui.table(
                        trial_sites, selection=None
                    ),
                }
            ),
        ]
    )
    return changes, nct_id, trial_sites, versions


@app.cell
def _(mo):
    place = mo.ui.text(placeholder="a facility, a city", label="Find sites", full_width=True)
    place
    return (place,)


@app.cell
def _(con, mo, place):
    sites = con.sql(
        """
        select facility, city, state, country, trial_count, site_id
        from main.sites
        where $term = '' or facility ilike '%' || $term || '%' or city ilike '%' || $term || '%'
        order by trial_count desc, facility, site_id
        limit 500
        """,
        params={"term": place.value.strip()},
    ).pl()
    mo.ui.table(sites, selection=None, page_size=10, label=f"{sites.height} sites")
    return (sites,)


if __name__ == "__main__":
    app.run()
