-- The landing's run log, one row per load (small, and a load's status changes: rebuilt).
{{ config(materialized='table') }}

with source as (
    select * from {{ source('ctgov', 'load_batches') }}
)

select
    batch_id,
    source as dump_source,
    as_of,
    started_at,
    finished_at,
    status,
    records_read,
    versions_new,
    observations_new,
    quarantined,
    issues,
    message
from source
