-- Each condition of each trial as the registrant entered it.
with current_versions as (
    select * from {{ ref('int_current_versions') }}
    where {{ only_touched('nct_id') }}
),

conditions as (
    select * from {{ ref('stg_ctgov__conditions') }}
)

select
    conditions.nct_id,
    conditions.ordinal,
    conditions.condition_name
from conditions
semi join current_versions using (nct_id, content_hash)
