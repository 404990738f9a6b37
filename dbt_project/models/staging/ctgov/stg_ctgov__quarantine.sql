-- Records the loader could not land, with why and where.
{{ config(unique_key='batch_id') }}

with source as (
    select * from {{ landed('quarantine') }} as quarantine
    where batch_id in {{ run_batches() }}
)

select
    batch_id,
    source_file,
    source_position,
    reason,
    raw_hash,
    raw_text,
    quarantined_at
from source
