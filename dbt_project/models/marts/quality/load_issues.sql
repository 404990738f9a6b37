-- Soft findings on landed records (unknown enum values, malformed dates), for the
-- current version of each trial.
with current_versions as (
    select * from {{ ref('int_current_versions') }}
    where {{ only_touched('nct_id') }}
)

select issues.*
from {{ ref('stg_ctgov__load_issues') }} as issues
semi join current_versions using (nct_id, content_hash)
