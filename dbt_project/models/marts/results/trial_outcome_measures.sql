-- Each outcome measure of each trial's results, with what it measured and how (current
-- version).
with outcome_measures as (
    select * from {{ ref('stg_ctgov__outcome_measures') }}
)

select
    nct_id,
    ordinal,
    outcome_type,
    title,
    description,
    population_description,
    reporting_status,
    anticipated_posting_date,
    anticipated_posting_month_year,
    param_type,
    dispersion_type,
    unit_of_measure,
    calculate_percentage,
    time_frame,
    units_analyzed,
    denom_units_selected
from outcome_measures
semi join {{ current_version_keys() }} using (nct_id, content_hash)
