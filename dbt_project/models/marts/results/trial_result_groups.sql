-- The groups each trial's results count participants in, for the participant flow
-- (FG...), the baseline (BG...) and the adverse events (EG..., with the deaths and
-- events each had) (current version).
with result_groups as (
    select * from {{ ref('stg_ctgov__result_groups') }}
)

select * exclude (content_hash)
from result_groups
semi join {{ current_version_keys() }} using (nct_id, content_hash)
