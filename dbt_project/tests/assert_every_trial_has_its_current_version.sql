{{ config(meta={'dagster': {'ref': {'name': 'trials'}}}) }}

-- Every study in the landing appears in trials exactly once, at its latest-seen version.
with landed as (
    select distinct nct_id from {{ ref('stg_ctgov__studies') }}
)

select landed.nct_id
from landed
left join {{ ref('trials') }} as trials using (nct_id)
where trials.nct_id is null
