-- The groups each trial's results count participants in, for the participant flow
-- (FG...), the baseline (BG...) and the adverse events (EG..., with the deaths and
-- events each had) (current version).
with result_groups as (
    select * from {{ ref('stg_ctgov__result_groups') }}
)

select
    nct_id,
    result_type,
    ordinal,
    group_code,
    title,
    description,
    deaths_affected,
    deaths_at_risk,
    serious_affected,
    serious_at_risk,
    other_affected,
    other_at_risk
from result_groups
semi join {{ current_version_keys() }} using (nct_id, content_hash)
