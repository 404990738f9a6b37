-- AACT's outcomes: each outcome measure of the results.
with outcome_measures as (
    select * from {{ aact_from('trial_outcome_measures') }}
)

select
    {{ aact_id('outcome', 'nct_id', 'ordinal') }} as id,
    nct_id,
    outcome_type,
    title,
    description,
    time_frame,
    population_description as population,
    anticipated_posting_date,
    anticipated_posting_month_year,
    unit_of_measure as units,
    units_analyzed,
    dispersion_type,
    param_type
from outcome_measures
