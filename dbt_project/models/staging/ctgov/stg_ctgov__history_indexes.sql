-- Each reading of a trial's history index by a backfill: every version's number, date
-- and overall status then (the registry's spelling), as the registry listed them.
{{ config(unique_key='batch_id') }}

with source as (
    select * from {{ landed('history_indexes') }} as history_indexes
    where batch_id in {{ run_batches() }}
)

select
    nct_id,
    read_at,
    entries::json[] as entries,
    batch_id
from source
