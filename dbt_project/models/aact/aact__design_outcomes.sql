-- AACT's design_outcomes: the outcomes the protocol plans to measure.
with outcomes as (
    select * from {{ aact_from('trial_outcomes') }}
)

select
    {{ aact_id('design_outcome', 'nct_id', 'outcome_type', 'ordinal') }} as id,
    nct_id,
    outcome_type,
    measure,
    time_frame,
    -- not in the registry's API v2 record: AACT's column is kept for its queries
    null::varchar as population,
    description
from outcomes
