-- Studies a full registry pull no longer found, by date.
with source as (
    select * from {{ landed('raw_removals') }} as raw_removals
)

select
    nct_id,
    removed_on,
    merged_into,
    batch_id
from source
