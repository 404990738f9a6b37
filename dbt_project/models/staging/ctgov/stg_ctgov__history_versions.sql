-- The registry's version number (0 for the first) of each version a history backfill
-- landed or matched, with its registry date (lib/ingest/backfill.py).
{{ config(unique_key='batch_id') }}

with source as (
    select * from {{ landed('history_versions') }} as history_versions
    where batch_id in {{ run_batches() }}
)

select
    nct_id,
    version as registry_version,
    registry_date,
    content_hash,
    batch_id
from source
