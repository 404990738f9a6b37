-- One row per date on which a load saw a version of a study.
{{ config(unique_key='batch_id') }}

with source as (
    select * from {{ landed('raw_observations') }} as raw_observations
    where batch_id in {{ run_batches() }}
)

select
    nct_id,
    content_hash,
    observed_on,
    batch_id
from source
