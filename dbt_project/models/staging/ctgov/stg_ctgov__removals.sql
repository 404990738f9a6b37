-- Studies a full registry pull no longer found, by date.
{{ config(unique_key='batch_id') }}

with source as (
    select * from {{ landed('raw_removals') }} as raw_removals
    where batch_id in {{ run_batches() }}
)

select
    nct_id,
    removed_on,
    merged_into,
    batch_id
from source
