-- Each primary and secondary outcome a trial measures, as its current version lists them.
with current_versions as (
    select * from {{ ref('int_current_versions') }}
    where {{ only_touched('nct_id') }}
),

outcomes as (
    select * from {{ ref('stg_ctgov__outcomes') }}
)

select
    outcomes.nct_id,
    outcomes.outcome_type,
    outcomes.ordinal,
    outcomes.measure,
    outcomes.description,
    outcomes.time_frame
from outcomes
semi join current_versions using (nct_id, content_hash)
