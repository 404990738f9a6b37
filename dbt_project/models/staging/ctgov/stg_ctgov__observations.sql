-- One row per date on which a load saw a version of a study.
with source as (
    select * from {{ landed('raw_observations') }} as raw_observations
)

select
    nct_id,
    content_hash,
    observed_on,
    batch_id
from source
